"""Every message the journey shows about an answer or a detour (GOV.UK wording).

A question's own error messages are pack data (``error`` and ``exclusive_error`` in the rule
pack, checked by its validator), so a new question brings its message with it. They name
what to do ("Select …", "Confirm …") and never repeat what the user entered.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import SITE_UNKNOWN
from ..rules import Question

# The form could not be checked (missing or stale security token): nothing was saved.
# As the request's pages say it (``requests.views._WHY``): found (review), "the page could not be
# checked" told the person nothing they could act on.
NOT_SAVED = (
    "Your answer was not saved because the page had been open for a long time or the service was used in "
    "another tab. Check your answer and select Continue"
)

# The form's token was right, but nothing said it came from this service's own page (``errors.SITE_UNKNOWN``).
NOT_SAVED_SITE_UNKNOWN = f"Your answer was not saved. {SITE_UNKNOWN}"

# One-off notice shown at the top of the next page. (Set-aside and restored answers are
# worded, for each mode, in templates/wizard/_notice.html.)
NOTICE_OUT_OF_ORDER = "Answer the questions in order. This is the question to answer next."
# The same on the outcome page: a question after the outcome was asked for (answers changed in
# another tab, or an old page from the browser's history), so there is no question to answer next.
NOTICE_NOT_ASKED = (
    "The answers given lead here, so that question is not asked. To change an answer, go to Why you are seeing this."
)
# The same after an answer was sent from a question the answers no longer reach (changed in another
# tab, or on an earlier page, after that page was shown): on the question to answer next, and on the
# outcome page.
NOTICE_NOT_SAVED = (
    "Your answer was not saved: your answers were changed after that page was shown (in another tab or window, "
    "or on an earlier page), so that question is no longer asked. This is the question to answer next."
)
NOTICE_NOT_SAVED_NOT_ASKED = (
    "Your answer was not saved: your answers were changed after that page was shown (in another tab or window, "
    "or on an earlier page), and they now lead here, so that question is not asked. To change an answer, go to "
    "Why you are seeing this."
)
# A later question asked again because a changed answer implies more for it (``engine._implied_anew``):
# "unclear about a decision" chosen after the criteria were answered without the first criterion.
# In words for both modes (found, regression review: "your answers after it are kept" in supervision,
# and of none).
NOTICE_IMPLIED_AGAIN = (
    "An answer was changed, so a box on this question may now apply, and it is ticked. Check the boxes ticked "
    "here, then continue."
)


def notice_mode_changed(mode: str) -> str:
    """After who is using this changed part-way, the answers given before it are kept (their
    meaning is the same in both modes): said on the next question, so that a manager who joins
    knows the earlier questions, the safety questions among them, were answered before they did."""
    if mode == "supervision":
        return (
            "You changed who is using this. The answers already given to the earlier questions are kept. "
            "Check them with the practitioner: Back goes through them, and the outcome page lists them all."
        )
    return (
        "You changed who is using this. The answers already given to the earlier questions are kept. "
        "Check they are still right: Back goes through them, and the outcome page lists them all."
    )


# The journey's next question had an answer the rules no longer take (they changed meanwhile).
NOTICE_ASKED_AGAIN = (
    "This question has changed since you answered it. Answer it again to carry on: your other answers are kept."
)
# An answer sent from a question's page shown before that question's answer changed (in another
# tab or window, or from the same page sent again from the browser's history): not saved, and the
# page shown again, with this as its error, and the answer as it is now. (Found, routing review: it
# spoke of another tab alone, where the person had answered on this page and gone back to it.)
ANSWER_CHANGED_SINCE_SHOWN = (
    "Your answer was not saved: the answer to this question was changed after this page was shown, in "
    "another tab or window, or on this page before you went back to it. Check the answer now selected, "
    "then continue"
)
# An answer sent from a question's page shown before the rules changed its words (the partnership
# updated them): not saved, and the page shown again in the words now, with this as its error.
WORDS_CHANGED_SINCE_SHOWN = (
    "Your answer was not saved: the questions were updated after this page was shown, and this one now "
    "reads differently. Read it again, check your answer, then continue"
)
# The journey's answers name a question the rules no longer have (renamed or taken out, or one
# added before the next): the rules changed while the journey was under way.
NOTICE_QUESTIONS_CHANGED = (
    "The questions have changed since you started. Answer this one to carry on: your other answers are kept."
)
# Two tabs saved different answers at the same moment, and only one tab's could be kept (answers
# are never mixed: app.journey): the tab whose answer went was taken on as if it had been saved.
NOTICE_ONE_TAB_KEPT = (
    "You answered questions in 2 tabs at the same moment, so only the answers from one of them were kept. "
    "Check that the answers are right before you carry on."
)


def notice_other_tab_led_to(title: str) -> str:
    """With it, where the answers not kept led, when elsewhere: found (regression review), a "yes"
    to "is a child in immediate danger?" not kept was said only to be one tab's of two."""
    return f"The answers that were not kept led to “{title}”. If they were right, give them again."


# On a question with a box already ticked because of an earlier answer (the pack's ``implies``).
SUGGESTED = "One or more boxes are already ticked because of an earlier answer. Untick any that do not apply."
# A request page asked for (Back, or Send request in another tab) when the answers, changed
# since, lead to an outcome that is not a request: the outcome page says nothing was sent.
# An outcome page whose outcome is not the one the same answers led to before the rules this tool
# follows were updated (``app.journey.outcome_shown``).
NOTICE_OUTCOME_CHANGED = (
    "The rules this tool follows have been updated since you answered, and the answers now lead to a different "
    "outcome. Read this page again: what to do may have changed."
)
# The same when, before the update, the answers led to a question still to answer.
NOTICE_OUTCOME_REACHED = (
    "The rules this tool follows have been updated since you answered, and the answers given now lead here, "
    "so no more questions are asked. Read this page: it says what to do."
)
# With it, when a request page was asked for.
NOTICE_OUTCOME_CHANGED_NO_REQUEST = "No request for a session has been sent. This page says what to do instead."
# On a question, when a request page was asked for (``notice_out_of_order``'s ``no_request``).
NOTICE_NO_REQUEST_YET = "No request for a session has been sent."
# The same, when a details page was sent as the update came: what it carried was kept.
NOTICE_DETAILS_KEPT = (
    "No request for a session has been sent yet. What was typed for the request is kept: once this question is "
    "answered, it is there to check and carry on from."
)
# An answer changed with a request typed, from check your answers say, to one that leads elsewhere.
NOTICE_DRAFT_NOT_SENT = (
    "The request that was being filled in has not been sent. The answers now lead here: this page says what to do "
    "instead."
)
NOTICE_NO_REQUEST = (
    "The answers now lead here, not to a request for a session, so no request has been sent. "
    "This page says what to do instead."
)


def notice_earlier_request(reference: str) -> str:
    """After a request was sent, a new check was started, and then the sent request's page was
    asked for: that page is no longer shown, so say the request was sent and give its reference."""
    return (
        f"The request you sent has the reference {reference}. Keep it if you contact the facilitators "
        "about that request. You have started a new check, so the page confirming that request is no "
        "longer shown."
    )


# A browser with no answers asked for a page made from them, or sent an answer (``notice_no_answers``).
_NOTHING_TO_SHOW = {
    "result": "There is no result to show because there are no answers in this browser.",
    "request": "There is no request to show because there are no answers in this browser.",
    "record": "There is no supervision record to show because there are no answers in this browser.",
    "answer": "Your answer was not saved because there are no answers in this browser.",
}


def notice_no_answers(asked_for: str, idle_minutes: int) -> str:
    """On the first question, in a browser that asked for an outcome page, a request page or the
    supervision record, or sent an answer, with no answers in it (``journey.start_with_no_answers``):
    why there is nothing to show, and what to do."""
    return (
        f"{_NOTHING_TO_SHOW[asked_for]} Answers are kept only in the browser they were given in, until they are "
        f"cleared or not used for {idle_minutes} minutes. Answer the questions to see where to go."
    )


# Before a question's error, when an answer sent is none of its options (a page from before the rules
# changed, or a form changed by hand), as the request's pages say it (``app.requests.fields``). Found
# (bad-input review): two boxes ticked and one not offered gave "Select ..., or select 'None of these'".
NOT_OFFERED = "An answer sent is not one of this question's answers now (it may no longer be offered)."


def error_message(question: Question, values: Sequence[str], mode: str) -> str:
    """The message for an answer the rule engine refused, from what was actually sent: the
    question's ``exclusive_error`` for an exclusive option ticked with others, else its ``error``
    (after ``NOT_OFFERED`` when a value sent is none of its options)."""
    chosen = [value for value in values if value]
    known = [question.option(value) for value in chosen]
    if any(option is None for option in known):
        return f"{NOT_OFFERED} {question.error.for_mode(mode)}"
    if (
        len(chosen) > 1
        and question.exclusive_error is not None
        and all(option is not None for option in known)
        and any(option.exclusive for option in known if option is not None)
    ):
        return question.exclusive_error.for_mode(mode)
    return question.error.for_mode(mode)
