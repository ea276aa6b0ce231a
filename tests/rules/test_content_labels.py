"""The installed pack's answers, word for word as CONTENT.md ("Questions") gives them, and
each question's hint as CONTENT.md ("Hints") gives it.

CONTENT.md writes the answers in the practitioner's words ("I", "my"), so the practitioner's
labels are compared with it exactly, in order; the wording in supervision says the same
thing about the practitioner, and never "I" for them (the manager reads it). The pages show
these labels (test_content_walk.py walks them over HTTP by CONTENT.md's words).
"""

from __future__ import annotations

import re

import pytest

from app.rules import RulePack, load_contacts, load_pack

PACK: RulePack = load_pack(contacts=load_contacts())

# CONTENT.md, "Questions": each question's answers, in its order and its words.
ANSWERS: dict[str, tuple[str, ...]] = {
    "mode": (
        "I am thinking about my own practice",
        "I am a manager or supervisor using this in supervision with a practitioner",
    ),
    "immediate_danger": ("Yes", "I'm not sure", "No"),
    "unshared_concern": ("Yes", "No, it has already been shared", "No, I have no concern of that kind"),
    "allegation": ("Yes", "No"),
    "adult_at_risk": ("Yes, and it has not been reported", "Yes, and it has been reported", "No"),
    "serious_incident": (
        "Yes, and it has not been referred for a practice review",
        "Yes, and it has been referred, or a review is under way",
        "I'm not sure",
        "No",
    ),
    "disagreement": (
        "Yes, I want the decision reviewed",
        "I'm unclear about a decision or a process and want to think it through",
        "No",
    ),
    "decision_needed": ("Yes", "No"),
    "criteria": (
        "I feel stuck, or unclear about the systems, processes or decisions being made",
        "I want to think about what might be needed or helpful for a child, young person and their family",
        "I want a safe, supportive space to think about what I and my colleagues may need help or support with, "
        "to improve practice",
        "I want to reflect and debrief after a significant event with multi-agency colleagues, including looking "
        "after myself and others",
        "I want to consider the impact of the child's current situation on their lived experience, and take "
        "account of other perspectives",
        "None of these",
    ),
    "multi_agency": ("Yes", "I'm not sure", "No"),
    "supervision_discussed": ("Yes", "Supervision is not available to me", "No"),
    "understand": (
        "I understand that Space to Think complements but does not replace my supervision, or any statutory, "
        "single-agency or multi-agency process, meeting or guidance. If a new safeguarding concern comes up, I "
        "will act on it through the usual procedures.",
    ),
}
# CONTENT.md, "Hints": what each question's hint must say, in either mode (the words may be
# plainer, and speak of "you" or "the practitioner"); the questions it gives no hint have none.
YOU = r"(you|your|the practitioner|the practitioner's)"
HINTS: dict[str, tuple[str, ...]] = {
    "immediate_danger": (
        r"[Ss]ignificant harm means ill-treatment or neglect that seriously affects a child's health or development",
        r"physical, sexual or emotional abuse, (and|or) neglect",
    ),
    "unshared_concern": (r"In Salford, .*children's social care.* through the Bridge Partnership",),
    "allegation": (
        r"colleague",
        r"has harmed or may have harmed a child",
        r"may have committed an offence against a child",
        r"has behaved towards a child in a way that suggests they may (pose a risk of harm|be a risk to children)",
        r"has behaved in a way that suggests they may not be suitable to work with children",
    ),
    "serious_incident": (
        r"The partnership may need to carry out a rapid review or a child safeguarding practice review",
    ),
    "disagreement": (rf"A reflective space can help {YOU} think, but it cannot change another agency's decision",),
    "decision_needed": (r"Space to Think does not make decisions about a child's care or plan",),
    "criteria": (r"Select all that apply",),
    "multi_agency": (r"Space to Think brings together professionals from different agencies",),
    "supervision_discussed": (rf"Space to Think works alongside {YOU} supervision, not instead of it",),
}
SPEAKS_AS_I = re.compile(r"\b(I|I'm|me|my|myself)\b")


def test_the_pack_asks_content_mds_questions_in_its_order() -> None:
    assert tuple(question.id for question in PACK.questions) == tuple(ANSWERS)


@pytest.mark.parametrize("question_id", tuple(ANSWERS))
def test_each_answer_is_content_mds_in_the_practitioners_words(question_id: str) -> None:
    question = PACK.question(question_id)
    assert question is not None
    labels = tuple(" ".join(option.label.practitioner.split()) for option in question.options)
    assert labels == ANSWERS[question_id]


@pytest.mark.parametrize("question_id", tuple(ANSWERS)[1:])  # the mode is chosen before there is one
def test_no_answer_in_supervision_speaks_as_i_for_the_practitioner(question_id: str) -> None:
    question = PACK.question(question_id)
    assert question is not None
    for option in question.options:
        assert not SPEAKS_AS_I.search(option.label.supervision), option.label.supervision


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
@pytest.mark.parametrize("question_id", tuple(ANSWERS))
def test_each_question_carries_content_mds_hint(question_id: str, mode: str) -> None:
    question = PACK.question(question_id)
    assert question is not None
    hint = " ".join(question.hint.for_mode(mode).split()) if question.hint is not None else ""
    if question_id not in HINTS:
        assert not hint
    for words in HINTS.get(question_id, ()):
        assert re.search(words, hint), (words, hint)


def test_the_999_contact_is_named_as_contents_table_names_it() -> None:
    """CONTENT.md's contacts table: "Police emergency | 999 | tel:999". The card said "Emergency
    services", which does not say whom 999 is for here: the police, for a child in immediate danger."""
    contacts = load_contacts()
    emergency = contacts.get("police_emergency")
    assert emergency is not None and emergency.phone == "999"
    assert emergency.name == "Police emergency"
