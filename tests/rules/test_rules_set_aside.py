"""Set-aside answers below HTTP: a changed answer keeps later answers aside, never routes on
them, and brings them back when they apply again (tiny inline packs; the real pack by
property)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import QuestionNotReached, RulePack, answer, evaluate, load_contacts, load_pack
from support.pack_data import option

ELIGIBLE = {"mode": "me", "danger": "no", "reasons": ("a", "b"), "sure": "ok"}


def test_answers_that_no_longer_apply_are_set_aside_not_lost(tiny_pack: RulePack) -> None:
    change = answer(tiny_pack, ELIGIBLE, "danger", "yes")
    assert change.state.outcome is not None and change.state.outcome.id == "urgent"
    assert change.answers == {"mode": "me", "danger": "yes"}
    assert change.set_aside == {"reasons": ("a", "b"), "sure": "ok"}
    assert set(change.dropped) == {"reasons", "sure"} and change.restored == ()


def test_changing_the_answer_back_brings_the_set_aside_answers_back(tiny_pack: RulePack) -> None:
    aside = answer(tiny_pack, ELIGIBLE, "danger", "yes")
    back = answer(tiny_pack, aside.answers, "danger", "no", aside.set_aside)
    assert back.answers == ELIGIBLE
    assert back.state.outcome is not None and back.state.outcome.id == "session"
    assert set(back.restored) == {"reasons", "sure"} and back.dropped == () and back.set_aside == {}


def test_set_aside_answers_never_route(tiny_pack: RulePack) -> None:
    aside = answer(tiny_pack, ELIGIBLE, "danger", "yes")
    # The live answers alone decide: the set-aside ones would lead to the request, and do not.
    assert evaluate(tiny_pack, aside.answers).outcome.id == "urgent"  # type: ignore[union-attr]
    # Nor can a set-aside answer be "answered" to reach past the outcome.
    with pytest.raises(QuestionNotReached):
        answer(tiny_pack, aside.answers, "sure", "ok", aside.set_aside)


def test_a_set_aside_answer_comes_back_only_where_it_applies(tiny_pack: RulePack) -> None:
    aside = answer(tiny_pack, ELIGIBLE, "danger", "yes")
    # "Not sure" also leads to the urgent outcome: nothing comes back, nothing is forgotten.
    unsure = answer(tiny_pack, aside.answers, "danger", "unsure", aside.set_aside)
    assert unsure.restored == () and unsure.set_aside == aside.set_aside
    assert unsure.state.outcome is not None and unsure.state.outcome.id == "urgent"


def test_a_new_answer_replaces_a_set_aside_one(tiny_pack: RulePack) -> None:
    aside = answer(tiny_pack, ELIGIBLE, "reasons", ["none"])  # "none of these": sure is set aside
    assert aside.set_aside == {"sure": "ok"} and aside.state.outcome.id == "elsewhere"  # type: ignore[union-attr]
    again = answer(tiny_pack, aside.answers, "reasons", ["b"], aside.set_aside)
    assert again.answers == {**ELIGIBLE, "reasons": ("b",)} and again.restored == ("sure",)


def test_a_set_aside_answer_that_is_no_longer_an_option_is_not_restored(tiny_pack: RulePack) -> None:
    aside = {"reasons": ("a", "gone"), "sure": "ok"}
    back = answer(tiny_pack, {"mode": "me", "danger": "yes"}, "danger", "no", aside)
    assert back.answers == {"mode": "me", "danger": "no"}  # reasons must be answered again
    assert back.state.next_question is not None and back.state.next_question.id == "reasons"
    assert "reasons" not in back.set_aside and back.restored == ()


def test_tampered_set_aside_values_are_ignored(tiny_pack: RulePack) -> None:
    aside = {"reasons": 7, "sure": ["ok", "ok"], "no_such_question": "x"}
    back = answer(tiny_pack, {"mode": "me", "danger": "yes"}, "danger", "no", aside)
    assert back.answers == {"mode": "me", "danger": "no"} and back.set_aside == {}


def test_a_set_aside_answer_comes_back_when_a_new_question_leads_to_it_again(
    pack_data: dict[str, Any], write_pack: Callable[[Any], Path]
) -> None:
    # A second route to "sure", through a question of its own: answering it reaches "sure"
    # again, so the answer given there before comes back.
    option(pack_data, "danger", "reviewed")["next"] = "detail"
    pack_data["questions"].append(
        {
            "id": "detail",
            "kind": "single",
            "title": {"both": "Detail?"},
            "cites": ["g2"],
            "error": {"both": "Select a detail"},
            "options": [{"value": "d", "label": {"both": "D"}, "next": "sure"}],
        }
    )
    pack = load_pack(write_pack(pack_data))
    moved = answer(pack, ELIGIBLE, "danger", "reviewed")
    assert moved.state.next_question is not None and moved.state.next_question.id == "detail"
    assert moved.set_aside == {"reasons": ("a", "b"), "sure": "ok"}
    onward = answer(pack, moved.answers, "detail", "d", moved.set_aside)
    assert onward.restored == ("sure",) and onward.state.outcome.id == "session"  # type: ignore[union-attr]
    assert onward.set_aside == {"reasons": ("a", "b")}


# --- the real pack: random sequences of answers -------------------------------------------

REAL_PACK = load_pack(contacts=load_contacts())


class Reads(Mapping[str, object]):
    """Answers that remember which question ids were looked up."""

    def __init__(self, answers: Mapping[str, object]) -> None:
        self.answers = dict(answers)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> object:
        self.read.add(key)
        return self.answers[key]

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return key in self.answers

    def __iter__(self) -> Iterator[str]:
        return iter(self.answers)

    def __len__(self) -> int:
        return len(self.answers)


def choices(question_id: str) -> list[object]:
    """Every answer a person could give to a question of the real pack (all singles, and for
    multiple choice each option alone and every ordinary option together)."""
    question = REAL_PACK.question(question_id)
    assert question is not None
    values = [o.value for o in question.options]
    if question.kind != "multiple":
        return list(values)
    return [[v] for v in values] + [[o.value for o in question.options if not o.exclusive]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_set_aside_answers_never_change_the_outcome_on_the_real_pack(data: st.DataObject) -> None:
    answers: dict[str, object] = {}
    aside: dict[str, object] = {}
    for _ in range(data.draw(st.integers(min_value=1, max_value=30), label="steps")):
        state = evaluate(REAL_PACK, answers)
        askable = [step.question.id for step in state.steps]
        if state.next_question is not None:
            askable.append(state.next_question.id)
        question_id = data.draw(st.sampled_from(askable), label="question")
        change = answer(REAL_PACK, answers, question_id, data.draw(st.sampled_from(choices(question_id))), aside)
        answers, aside = dict(change.answers), dict(change.set_aside)
        live = evaluate(REAL_PACK, answers)
        # The state the change reports is the live answers' state, and nothing is both live and aside.
        assert change.state == live
        assert not set(answers) & set(aside)
        # With the set-aside answers present, the outcome and path are those of the live
        # answers alone, and routing never even looks a set-aside answer up.
        both = Reads({**aside, **answers})
        assert evaluate(REAL_PACK, both) == live
        assert not both.read & set(aside)
