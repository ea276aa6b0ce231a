"""The installed rule pack against the routing of CONTENT.md, written out here by hand.

The other routing tests take their paths from the pack itself (``enumerate_paths``), so a wrong
``next`` in the pack would be walked, and passed, as the pack says. Here the routing is a table
copied from CONTENT.md ("Questions", in order, the first match wins), and every way through it
is checked below HTTP: every answer to every question (every combination of the five criteria),
in both modes, the outcome, the flags the request carries and whether the significant event is
asked. Then the same ways are walked as a person changing their mind walks them: each answer is
changed in turn, through ``answer`` (set-aside answers brought back), and after each change the
journey must stand where CONTENT.md puts the answers given.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from app.rules import Change, RulePack, answer, evaluate, load_contacts, load_pack
from support.pack_data import CONTENT_WAYS

PACK: RulePack = load_pack(contacts=load_contacts())

CRITERIA = ("stuck", "needs", "support", "debrief", "lived_experience")
# CONTENT.md, "Questions": each question's answers, in order.
ANSWERS: dict[str, tuple[object, ...]] = {
    "mode": ("practitioner", "supervision"),
    "immediate_danger": ("yes", "not_sure", "no"),
    "unshared_concern": ("yes", "shared", "no_concern"),
    "allegation": ("yes", "no"),
    "adult_at_risk": ("yes_not_reported", "yes_reported", "no"),
    "serious_incident": ("yes_not_referred", "yes_referred", "not_sure", "no"),
    "disagreement": ("want_review", "unclear", "no"),
    "decision_needed": ("yes", "no"),
    "criteria": (("none",), *(c for n in range(1, 6) for c in itertools.combinations(CRITERIA, n))),
    "multi_agency": ("yes", "not_sure", "no"),
    "supervision_discussed": ("yes", "not_available", "no"),
    "understand": ("confirmed",),
}
ORDER = tuple(ANSWERS)
# CONTENT.md: the answers that end the journey, and where; every other answer leads to the next question.
ENDS: dict[tuple[str, object], str] = {
    ("immediate_danger", "yes"): "U1",
    ("immediate_danger", "not_sure"): "U2",
    ("unshared_concern", "yes"): "U2",
    ("allegation", "yes"): "L",
    ("adult_at_risk", "yes_not_reported"): "A",
    ("serious_incident", "yes_not_referred"): "R",
    ("serious_incident", "not_sure"): "R",
    ("disagreement", "want_review"): "E",
    ("decision_needed", "yes"): "D",
    ("criteria", ("none",)): "S",
    ("multi_agency", "no"): "S",
    ("understand", "confirmed"): "P",
}
# CONTENT.md: the flags a request carries ("flags from the journey"), and the answer that sets each.
FLAGS = {
    ("mode", "supervision"): "supervision_mode",
    ("serious_incident", "yes_referred"): "review_under_way",
    ("supervision_discussed", "no"): "not_discussed_in_supervision",
}


def content_says(given: dict[str, object]) -> tuple[str, str, tuple[str, ...]]:
    """Where CONTENT.md puts these answers: ("question", id, path) or ("outcome", id, path)."""
    path: list[str] = []
    for question in ORDER:
        if question not in given:
            return "question", question, tuple(path)
        path.append(question)
        end = ENDS.get((question, given[question]))
        if end is not None:
            return "outcome", end, tuple(path)
    raise AssertionError("CONTENT.md's routing always ends at an outcome")


def every_way() -> Iterator[dict[str, object]]:
    """Every complete way through CONTENT.md's questions, as the answers given."""

    def walk(index: int, given: dict[str, object]) -> Iterator[dict[str, object]]:
        question = ORDER[index]
        for value in ANSWERS[question]:
            now = {**given, question: value}
            if (question, value) in ENDS:
                yield now
            else:
                yield from walk(index + 1, now)

    yield from walk(0, {})


def engine_answers(given: dict[str, object]) -> dict[str, object]:
    return {q: list(v) if isinstance(v, tuple) else v for q, v in given.items()}


def test_every_way_through_content_reaches_its_outcome_with_its_flags() -> None:
    ways = 0
    for given in every_way():
        ways += 1
        kind, outcome, path = content_says(given)
        state = evaluate(PACK, engine_answers(given))
        where = (given, outcome)
        asked = tuple(step.question.id for step in state.steps)
        gives = (
            state.outcome.id
            if state.outcome is not None
            else f"the question {getattr(state.next_question, 'id', None)}"
        )
        # (Said in words for whoever changed the rules: docs/RULES.md, "With a developer".)
        assert kind == "outcome"
        assert state.outcome is not None and state.outcome.id == outcome, (
            f"CONTENT.md routes these answers to outcome {outcome}, but the rule pack gives {gives}: {given}"
        )
        assert asked == path, (
            f"CONTENT.md asks {list(path)} for these answers, but the rule pack asks {list(asked)}: {given}"
        )
        assert state.mode == given["mode"], where
        flags = {flag for (q, v), flag in FLAGS.items() if q in path and given[q] == v}
        assert set(state.flags) == flags, (
            f"CONTENT.md raises the flags {sorted(flags)} for these answers, but the rule pack raises "
            f"{sorted(state.flags)}: {given}"
        )
        assert state.outcome.request == (outcome == "P"), where
        assert state.debrief == ("debrief" in given.get("criteria", ())), where
    assert ways == CONTENT_WAYS


def test_changing_any_answer_leaves_the_journey_where_content_puts_the_answers_given() -> None:
    """Each answer changed to each of its others, depth first, as a person going back does: the
    answers given to questions still on the path are kept (or come back), and a change of mode
    asks for the confirmation again (it was worded for the other mode)."""
    answers: dict[str, object] = {}
    aside: dict[str, object] = {}
    given: dict[str, object] = {}
    changes = 0

    def change(question: str, value: object) -> None:
        nonlocal answers, aside, changes
        if question == "mode" and given.get("mode") not in (None, value):
            given.pop("understand", None)
        given[question] = value
        result: Change = answer(PACK, answers, question, engine_answers({question: value})[question], aside)
        answers, aside = dict(result.answers), dict(result.set_aside)
        changes += 1
        kind, where, path = content_says(given)
        state = result.state
        if kind == "outcome":
            assert state.outcome is not None and state.outcome.id == where, (dict(given), where)
        else:
            assert state.next_question is not None and state.next_question.id == where, (dict(given), where)
        assert tuple(step.question.id for step in state.steps) == path, (dict(given), where)

    def explore(index: int) -> None:
        question = ORDER[index]
        # The criteria that route differently, and one without and one with the debrief (every
        # combination is routed in the test above).
        values = (("none",), ("stuck",), ("debrief",), CRITERIA) if question == "criteria" else ANSWERS[question]
        for value in values:
            change(question, value)
            if (question, value) not in ENDS:
                explore(index + 1)

    explore(0)
    assert changes > 1_000
