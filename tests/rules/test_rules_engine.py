"""The engine below HTTP, on the tiny inline pack: routing, multi-select, invalidation, errors."""

from __future__ import annotations

import pytest

from app.rules import InvalidAnswer, QuestionNotReached, RulePack, answer, enumerate_paths, evaluate, load_pack


def test_empty_answers_ask_the_start_question(tiny_pack: RulePack) -> None:
    state = evaluate(tiny_pack, {})
    assert state.next_question is not None and state.next_question.id == "mode"
    assert state.outcome is None and state.steps == ()


def test_routes_follow_the_answers_to_an_outcome(tiny_pack: RulePack) -> None:
    state = evaluate(tiny_pack, {"mode": "me", "danger": "yes"})
    assert state.outcome is not None and state.outcome.id == "urgent"
    assert state.next_question is None


def test_unsure_on_a_risk_question_never_reaches_the_request(tiny_pack: RulePack) -> None:
    state = evaluate(tiny_pack, {"mode": "me", "danger": "unsure", "reasons": ["a"], "sure": "ok"})
    assert state.outcome is not None and state.outcome.id == "urgent"


def test_multiple_choice_routes_ordinary_options_through_the_question(tiny_pack: RulePack) -> None:
    state = evaluate(tiny_pack, {"mode": "me", "danger": "no", "reasons": ["b", "a"]})
    assert state.next_question is not None and state.next_question.id == "sure"
    assert state.answers["reasons"] == ("a", "b")  # stored in pack order


def test_exclusive_option_routes_on_its_own(tiny_pack: RulePack) -> None:
    state = evaluate(tiny_pack, {"mode": "me", "danger": "no", "reasons": ["none"]})
    assert state.outcome is not None and state.outcome.id == "elsewhere"


def test_exclusive_option_with_others_is_invalid(tiny_pack: RulePack) -> None:
    answers = {"mode": "me", "danger": "no"}
    with pytest.raises(InvalidAnswer) as caught:
        answer(tiny_pack, answers, "reasons", ["a", "none"])
    assert caught.value.question_id == "reasons"


@pytest.mark.parametrize("raw", ["maybe", "", [], None, ["yes", "no"], 3])
def test_invalid_answers_raise_the_packages_own_error(tiny_pack: RulePack, raw: object) -> None:
    with pytest.raises(InvalidAnswer):
        answer(tiny_pack, {"mode": "me"}, "danger", raw)


def test_empty_multiple_choice_is_invalid(tiny_pack: RulePack) -> None:
    with pytest.raises(InvalidAnswer):
        answer(tiny_pack, {"mode": "me", "danger": "no"}, "reasons", [])


def test_confirm_must_be_given(tiny_pack: RulePack) -> None:
    with pytest.raises(InvalidAnswer):
        answer(tiny_pack, {"mode": "me", "danger": "no", "reasons": ["a"]}, "sure", "")


def test_answering_a_question_not_reached_is_refused(tiny_pack: RulePack) -> None:
    with pytest.raises(QuestionNotReached):
        answer(tiny_pack, {"mode": "me"}, "reasons", ["a"])
    with pytest.raises(QuestionNotReached):
        answer(tiny_pack, {}, "no_such_question", "x")


def test_a_stored_answer_that_no_longer_fits_is_asked_again(tiny_pack: RulePack) -> None:
    state = evaluate(tiny_pack, {"mode": "me", "danger": "tampered", "reasons": ["a"]})
    assert state.next_question is not None and state.next_question.id == "danger"
    assert "danger" not in state.answers


def test_changing_an_earlier_answer_drops_later_answers_that_no_longer_apply(tiny_pack: RulePack) -> None:
    answers = {"mode": "me", "danger": "no", "reasons": ("a",), "sure": "ok"}
    assert evaluate(tiny_pack, answers).outcome.id == "session"  # type: ignore[union-attr]
    change = answer(tiny_pack, answers, "danger", "yes")
    assert change.state.outcome is not None and change.state.outcome.id == "urgent"
    assert set(change.dropped) == {"reasons", "sure"}
    assert change.answers == {"mode": "me", "danger": "yes"}


def test_changing_an_answer_keeps_later_answers_that_still_apply(tiny_pack: RulePack) -> None:
    answers = {"mode": "me", "danger": "no", "reasons": ["a"], "sure": "ok"}
    change = answer(tiny_pack, answers, "reasons", ["a", "b"])
    assert change.dropped == ()
    assert change.answers["sure"] == "ok"
    assert change.state.outcome is not None and change.state.outcome.id == "session"
    # A change of mode keeps every answer but the confirmation ("sure"), worded for the other mode.
    change = answer(tiny_pack, answers, "mode", "super")
    assert change.dropped == () and change.forgotten == ("sure",) and change.state.mode == "supervision"
    assert change.answers == {"mode": "super", "danger": "no", "reasons": ("a",)}
    assert change.state.next_question is not None and change.state.next_question.id == "sure"
    assert "sure" not in change.set_aside  # forgotten, not set aside to come back
    assert answer(tiny_pack, answers, "mode", "me").dropped == ()  # the same mode again: nothing asked again


def test_mode_switches_the_wording(tiny_pack: RulePack) -> None:
    question = tiny_pack.question("danger")
    assert question is not None
    practitioner = evaluate(tiny_pack, {"mode": "me", "danger": "no"})
    supervision = evaluate(tiny_pack, {"mode": "super", "danger": "no"})
    assert practitioner.mode == "practitioner" and supervision.mode == "supervision"
    assert question.title.for_mode(practitioner.mode) != question.title.for_mode(supervision.mode)
    assert supervision.explanation()[1].question == question.title.supervision


def test_flags_and_explanation_follow_the_chosen_options(tiny_pack: RulePack) -> None:
    state = evaluate(tiny_pack, {"mode": "me", "danger": "reviewed", "reasons": ["a"], "sure": "ok"})
    assert state.flags == ("review",)
    reasons = state.explanation()
    assert [r.question_id for r in reasons] == ["mode", "danger", "reasons", "sure"]
    danger = reasons[1]
    assert danger.answers == ("No, reviewed",)
    assert [g.id for g in danger.guidance] == ["g2"]  # the option's own citation overrides the question's
    assert [g.id for g in state.outcome_guidance()] == ["g2"]


def test_can_show_and_previous_follow_the_path(tiny_pack: RulePack) -> None:
    state = evaluate(tiny_pack, {"mode": "me", "danger": "no"})
    assert state.can_show("mode") and state.can_show("danger") and state.can_show("reasons")
    assert not state.can_show("sure")
    assert state.previous("reasons") == "danger"
    assert state.previous("mode") is None


def test_enumerate_paths_covers_every_route(tiny_pack: RulePack) -> None:
    paths = list(enumerate_paths(tiny_pack))
    outcomes = {p.outcome for p in paths}
    assert outcomes == {"urgent", "elsewhere", "session"}
    # 2 modes x (2 urgent + 2 safe x (1 none + 1 any-reason))
    assert len(paths) == 2 * (2 + 2 * 2)
    for path in paths:
        state = evaluate(tiny_pack, dict(path.answers))
        assert state.outcome is not None and state.outcome.id == path.outcome


def test_an_answer_can_suggest_a_later_answer_without_routing_on_it(pack_data: dict, write_pack) -> None:  # type: ignore[no-untyped-def]
    from app.rules import load_pack

    for option in pack_data["questions"][1]["options"]:
        if option["value"] == "reviewed":
            option["implies"] = {"reasons": ["b"]}
    pack = load_pack(write_pack(pack_data))
    assert evaluate(pack, {"mode": "me", "danger": "reviewed"}).suggested("reasons") == ("b",)
    assert evaluate(pack, {"mode": "me", "danger": "no"}).suggested("reasons") == ()
    state = evaluate(pack, {"mode": "me", "danger": "reviewed", "reasons": ["none"]})
    assert state.outcome is not None and state.outcome.id == "elsewhere"  # the person's answer wins


def test_the_criteria_and_the_debrief_come_from_the_packs_roles(
    pack_data: dict,  # type: ignore[no-untyped-def]
    write_pack,
) -> None:
    tiny_pack = load_pack(write_pack(pack_data))
    assert evaluate(tiny_pack, {"mode": "me", "danger": "yes"}).criteria == ()  # not on the path
    state = evaluate(tiny_pack, {"mode": "me", "danger": "no", "reasons": ["b"]})
    assert [option.value for option in state.criteria] == ["b"] and not state.debrief
    assert evaluate(tiny_pack, {"mode": "me", "danger": "no", "reasons": ["a", "b"]}).debrief
    pack_data["roles"]["debrief_criterion"] = "b"
    assert evaluate(load_pack(write_pack(pack_data)), {"mode": "me", "danger": "no", "reasons": ["b"]}).debrief
