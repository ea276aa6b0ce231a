"""Every message the journey shows about an answer or a detour, in one place (GOV.UK wording).

Error messages are keyed by question id, with a fallback by question kind, so a new
question in the rule pack still gets a sensible message. They name what to do ("Select …",
"Confirm …") and never repeat what the user entered.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..rules import Question

# Nothing (or something that is not an option) was chosen.
REQUIRED: dict[str, str] = {
    "mode": "Select who is using this today",
    "immediate_danger": "Select whether a child is in immediate danger or at risk of significant harm",
    "unshared_concern": "Select whether there is a concern that has not yet been shared with children's social care",
    "allegation": "Select whether the worry is about an adult who works or volunteers with children",
    "adult_at_risk": "Select whether the main worry is that an adult with care and support needs is being abused or neglected",
    "serious_incident": "Select whether a child has died or been seriously harmed",
    "disagreement": "Select whether there is a disagreement with another agency's decision",
    "decision_needed": "Select whether a decision or plan is needed",
    "criteria": "Select what a reflective space would help with, or select 'None of these'",
    "multi_agency": "Select whether other agencies are involved, or should be",
    "supervision_discussed": "Select whether this has been talked about in supervision",
    "understand": "Confirm that you understand Space to Think does not replace supervision or statutory processes",
}
REQUIRED_BY_KIND: dict[str, str] = {
    "single": "Select an answer",
    "multiple": "Select all that apply",
    "confirm": "Confirm that you understand to continue",
}

# An exclusive option ("None of these") was ticked together with others.
EXCLUSIVE: dict[str, str] = {
    "criteria": "Select what a reflective space would help with, or select 'None of these' on its own",
}
EXCLUSIVE_FALLBACK = "Select the options that apply, or select 'None of these' on its own"

# The form could not be checked (missing or stale security token): nothing was saved.
NOT_SAVED = "Your answer was not saved because the page could not be checked. Check your answer and select Continue"

# One-off notice shown at the top of the next page. (Set-aside and restored answers are
# worded, for each mode, in templates/wizard/_notice.html.)
NOTICE_OUT_OF_ORDER = "Answer the questions in order. This is the question to answer next."


def required_message(question: Question) -> str:
    """The message for a question left unanswered (or answered with something not offered)."""
    return REQUIRED.get(question.id) or REQUIRED_BY_KIND.get(question.kind, "Select an answer")


def error_message(question: Question, values: Sequence[str]) -> str:
    """The message for an answer the rule engine refused, from what was actually sent."""
    chosen = [value for value in values if value]
    known = [question.option(value) for value in chosen]
    if chosen and all(option is not None for option in known) and question.kind == "multiple":
        if len(chosen) > 1 and any(option.exclusive for option in known if option is not None):
            return EXCLUSIVE.get(question.id, EXCLUSIVE_FALLBACK)
    return required_message(question)
