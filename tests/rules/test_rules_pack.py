"""The partnership's real rule pack routes exactly as CONTENT.md says.

An independent oracle below encodes CONTENT.md's "first match wins" table by hand; every
combination of answers is run through the engine and compared with it. Every path the
engine can take is enumerated and checked against the safeguarding invariants.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from app.rules import RulePack, enumerate_paths, evaluate, load_contacts, load_pack
from support.submission import ELIGIBLE_PATH, with_answers

RISK_QUESTIONS = (
    "immediate_danger",
    "unshared_concern",
    "allegation",
    "adult_at_risk",
    "serious_incident",
    "disagreement",
    "decision_needed",
)
SAFE_ANSWERS = {
    "immediate_danger": {"no"},
    "unshared_concern": {"shared", "no_concern"},
    "allegation": {"no"},
    "adult_at_risk": {"yes_reported", "no"},
    "serious_incident": {"yes_referred", "no"},
    "disagreement": {"unclear", "no"},
    "decision_needed": {"no"},
}
ANSWER_VALUES: dict[str, tuple[Any, ...]] = {
    "mode": ("practitioner", "supervision"),
    "immediate_danger": ("yes", "not_sure", "no"),
    "unshared_concern": ("yes", "shared", "no_concern"),
    "allegation": ("yes", "no"),
    "adult_at_risk": ("yes_not_reported", "yes_reported", "no"),
    "serious_incident": ("yes_not_referred", "yes_referred", "not_sure", "no"),
    "disagreement": ("want_review", "unclear", "no"),
    "decision_needed": ("yes", "no"),
    "criteria": (("none",), ("debrief", "lived_experience")),
    "multi_agency": ("yes", "not_sure", "no"),
    "supervision_discussed": ("yes", "not_available", "no"),
    "understand": ("confirmed",),
}
ALL_OUTCOMES = {"U1", "U2", "L", "A", "R", "E", "D", "S", "P"}


def expected_outcome(a: dict[str, Any]) -> str:
    """CONTENT.md's routing, written out by hand: the first match wins."""
    if a["immediate_danger"] == "yes":
        return "U1"
    if a["immediate_danger"] == "not_sure":
        return "U2"
    if a["unshared_concern"] == "yes":
        return "U2"
    if a["allegation"] == "yes":
        return "L"
    if a["adult_at_risk"] == "yes_not_reported":
        return "A"
    if a["serious_incident"] in ("yes_not_referred", "not_sure"):
        return "R"
    if a["disagreement"] == "want_review":
        return "E"
    if a["decision_needed"] == "yes":
        return "D"
    if tuple(a["criteria"]) == ("none",):
        return "S"
    if a["multi_agency"] == "no":
        return "S"
    assert a["understand"] == "confirmed"
    return "P"


def expected_flags(a: dict[str, Any]) -> set[str]:
    """The flags CONTENT.md says an eligible request carries."""
    flags = set()
    if a["mode"] == "supervision":
        flags.add("supervision_mode")
    if a["serious_incident"] == "yes_referred":
        flags.add("review_under_way")
    if a["supervision_discussed"] == "no":  # in both modes (in supervision: not before today)
        flags.add("not_discussed_in_supervision")
    return flags


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return load_pack(contacts=load_contacts())


@pytest.fixture(scope="module")
def paths(pack: RulePack) -> list[Any]:
    return list(enumerate_paths(pack))


def test_the_installed_pack_and_contacts_are_valid(pack: RulePack) -> None:
    assert pack.version and len(pack.version) == 12
    assert [o.id for o in pack.request_outcomes] == ["P"]


def test_every_outcome_is_reachable(paths: list[Any]) -> None:
    assert {path.outcome for path in paths} == ALL_OUTCOMES


def test_every_combination_of_answers_routes_as_content_md_says(pack: RulePack) -> None:
    keys = list(ANSWER_VALUES)
    checked = 0
    for combination in itertools.product(*(ANSWER_VALUES[k] for k in keys)):
        answers = dict(zip(keys, combination, strict=True))
        state = evaluate(pack, answers)
        expected = expected_outcome(answers)
        # (Said in words for whoever changed the rules: docs/RULES.md, "With a developer".)
        assert state.outcome is not None, (
            f"CONTENT.md routes these answers to outcome {expected}, but the rule pack asks another question "
            f"first ({state.next_question.id if state.next_question else 'none'}): {answers}"
        )
        assert state.outcome.id == expected, (
            f"CONTENT.md routes these answers to outcome {expected}, but the rule pack gives {state.outcome.id}: "
            f"{answers}"
        )
        if expected == "P":
            assert set(state.flags) == expected_flags(answers), (
                f"CONTENT.md raises the flags {sorted(expected_flags(answers))} for these answers, but the rule pack "
                f"raises {sorted(state.flags)}: {answers}"
            )
        checked += 1
    assert checked > 40_000


def test_yes_to_immediate_danger_always_ends_at_immediate_danger(paths: list[Any]) -> None:
    relevant = [p for p in paths if dict(p.answers).get("immediate_danger") == "yes"]
    assert relevant and all(p.outcome == "U1" for p in relevant)
    unsure = [p for p in paths if dict(p.answers).get("immediate_danger") == "not_sure"]
    assert unsure and all(p.outcome == "U2" for p in unsure)


def test_no_path_to_the_request_passes_a_risk_answer_other_than_the_safe_one(paths: list[Any]) -> None:
    to_request = [p for p in paths if p.outcome == "P"]
    assert to_request
    for path in to_request:
        answers = dict(path.answers)
        for question_id in RISK_QUESTIONS:
            assert question_id in answers, f"{question_id} skipped on a path to the request"
            assert answers[question_id] in SAFE_ANSWERS[question_id], path
        assert answers["understand"] == "confirmed"


def test_not_sure_never_leads_to_the_request(pack: RulePack, paths: list[Any]) -> None:
    for path in paths:
        for question_id, value in path.answers:
            question = pack.question(question_id)
            assert question is not None
            chosen = question.option(value) if isinstance(value, str) else None
            if question.risk and chosen is not None and chosen.unsure:
                assert path.outcome != "P"


def test_each_route_reaches_its_expected_outcome(paths: list[Any]) -> None:
    for path in paths:
        answers = dict.fromkeys(ANSWER_VALUES) | dict(path.answers)
        assert expected_outcome(answers) == path.outcome, (
            f"CONTENT.md routes this way to outcome {expected_outcome(answers)}, but the rule pack gives "
            f"{path.outcome}: {path}"
        )


@pytest.mark.parametrize(
    "question_id, value, flag",
    [
        ("supervision_discussed", "no", "not_discussed_in_supervision"),
        ("serious_incident", "yes_referred", "review_under_way"),
        ("mode", "supervision", "supervision_mode"),
    ],
)
def test_journey_answers_set_their_flags(paths: list[Any], question_id: str, value: str, flag: str) -> None:
    eligible = [p for p in paths if p.outcome == "P"]
    with_answer = [p for p in eligible if dict(p.answers).get(question_id) == value]
    without = [p for p in eligible if dict(p.answers).get(question_id) != value]
    assert with_answer and all(flag in p.flags for p in with_answer)
    assert without and all(flag not in p.flags for p in without)


def test_a_request_made_in_supervision_is_flagged_when_not_discussed_in_supervision_before(paths: list[Any]) -> None:
    """Found: the flag was only set in the practitioner's own mode, though CONTENT.md flags the
    request whenever the answer is No, and in supervision the question asks about before today."""
    in_supervision = [p for p in paths if p.outcome == "P" and p.mode == "supervision"]
    assert any(dict(p.answers)["supervision_discussed"] == "no" for p in in_supervision)
    for path in in_supervision:
        assert "supervision_mode" in path.flags, path
        not_before = dict(path.answers)["supervision_discussed"] == "no"
        assert ("not_discussed_in_supervision" in path.flags) == not_before, path


def test_not_discussing_in_supervision_gives_advice_not_a_block(pack: RulePack) -> None:
    answers = dict(with_answers(ELIGIBLE_PATH, criteria=["stuck"], supervision_discussed="no"))
    state = evaluate(pack, answers)
    assert state.outcome is not None and state.outcome.id == "P"
    assert len(state.advice) == 1 and "supervision" in state.advice[0].practitioner


def test_every_outcome_cites_guidance_and_names_contacts_that_exist(pack: RulePack) -> None:
    contacts = load_contacts()
    for outcome in pack.outcomes:
        assert outcome.cites
        assert all(contacts.get(c) is not None for c in outcome.contacts)
    u1 = pack.outcome("U1")
    assert u1 is not None and "police_emergency" in u1.contacts and "out_of_hours" in u1.contacts
    assert "lado" in pack.outcome("L").contacts  # type: ignore[union-attr]
    assert "adult_social_care" in pack.outcome("A").contacts  # type: ignore[union-attr]


def test_every_path_explains_itself_with_guidance(pack: RulePack, paths: list[Any]) -> None:
    for path in paths[:: max(1, len(paths) // 50)]:
        state = evaluate(pack, dict(path.answers))
        reasons = state.explanation()
        assert [r.question_id for r in reasons] == [q for q, _ in path.answers]
        assert all(r.guidance for r in reasons) and state.outcome_guidance()


def test_supervision_mode_changes_the_wording(pack: RulePack) -> None:
    practitioner = evaluate(pack, {"mode": "practitioner", "immediate_danger": "no"})
    supervision = evaluate(pack, {"mode": "supervision", "immediate_danger": "no"})
    question = practitioner.next_question
    assert question is not None and question.id == "unshared_concern"
    assert "practitioner" in question.title.for_mode(supervision.mode)
    assert "practitioner" not in question.title.for_mode(practitioner.mode)


def test_every_acronym_in_quoted_guidance_is_explained(pack: RulePack) -> None:
    """Quotes cannot be reworded, so an acronym in one must be in the pack's glossary
    (the outcome page spells it out from there) or spelled out in the quote itself."""
    import re

    glossary = dict(pack.glossary)
    for item in pack.guidance:
        for acronym in re.findall(r"\b[A-Z]{2,}\b", item.text):
            assert acronym in glossary or f"({acronym})" in item.text, (item.id, acronym)


@pytest.mark.parametrize(
    "pack_file, contacts_file",
    [
        (None, None),
        (Path("examples/northmere/space_to_think.yaml"), Path("examples/northmere/contacts.yaml")),
    ],
)
def test_guidance_summaries_do_not_say_your(pack_file: Path | None, contacts_file: Path | None) -> None:
    """Found: the practice reviews summary said "through your agency's practice review subgroup
    representative", shown to a manager in supervision too. A summary (not a quote) is the
    pack's own words, shown in both modes: it says "the agency's", never "your"."""
    pack = load_pack(pack_file, load_contacts(contacts_file) if contacts_file else None)
    summaries = {g.id: g.text for g in pack.guidance if not g.quote}
    assert "the agency's practice review subgroup representative" in summaries["practice_reviews"]
    saying_your = [gid for gid, text in summaries.items() if re.search(r"\byour(?:s|self)?\b", text, re.IGNORECASE)]
    assert saying_your == []


# CONTENT.md, "Contacts", the column "verified from": what each contact's details were compared
# with, as words that name each source in contacts.yaml's `verified.sources`.
CONTENT_VERIFIED_FROM = {
    "childrens_social_care": (
        "February 2023",
        "March 2023",
        "salford.gov.uk/thresholds.htm",
        "salfordcvs.co.uk/safeguarding-children-and-young-people-0",
    ),
    "out_of_hours": ("salfordcvs.co.uk/safeguarding-children-and-young-people-0", "salford.gov.uk/thresholds.htm"),
    "adult_social_care": ("February 2023", "March 2023", "report-a-child-concern"),
    "lado": ("September 2024", "managing-allegations-against-adults-who-work-with-children"),
    "escalation": ("pathway-guidance", "March 2023"),
    "practice_reviews": ("practice-reviews",),
}


def test_each_contact_says_it_was_verified_from_every_source_content_md_names() -> None:
    """Found (acceptance against CONTENT.md): the Bridge Partnership's and the Emergency Duty
    Team's numbers did not name the council's thresholds page, one of the pages the partnership's
    content sheet says they are verified from. The partnership answers for every number the tool
    gives, so each contact names, among its sources, every one the content sheet names."""
    contacts = load_contacts()
    missing = {}
    for contact_id, wanted in CONTENT_VERIFIED_FROM.items():
        contact = contacts.get(contact_id)
        assert contact is not None, contact_id
        sources = " ".join(contact.verified.sources)
        missing[contact_id] = [source for source in wanted if source not in sources]
    assert missing == {contact_id: [] for contact_id in CONTENT_VERIFIED_FROM}


@pytest.mark.parametrize(
    "outcome_id, says",
    [
        ("U1", "Call 999 now if a child is in immediate danger. Agree who makes the call, and do not wait until"),
        (
            "U2",
            "Agree now who will share the concern with children's social care through the referral route, and share",
        ),
        (
            "L",
            "If you are the practitioner's line manager, you are now aware too. Agree now who will consult the LADO.",
        ),
        ("A", "Agree now who will report the abuse or neglect to adult social care, and by when."),
        ("R", "If you are not sure the practitioner will, tell the lead yourself."),
    ],
)
def test_an_urgent_outcome_in_supervision_says_who_acts(pack: RulePack, outcome_id: str, says: str) -> None:
    """Found (manager's review on a phone): in supervision, the urgent outcomes' steps named no one
    ("Call 999 ...", "The LADO must be consulted within one working day of becoming aware"), and a
    manager, often the line manager the practitioner has just told, could hear them as done once
    the practitioner had spoken. Each says, to the manager, to agree now who acts (999 first, not
    after the other steps: regression review); the practitioner's own words are CONTENT.md's."""
    outcome = pack.outcome(outcome_id)
    assert outcome is not None
    supervision = " ".join(" ".join(action.supervision.split()) for action in outcome.actions)
    practitioner = " ".join(" ".join(action.practitioner.split()) for action in outcome.actions)
    assert says in supervision
    assert "agree now" not in practitioner.lower() and "yourself" not in practitioner
    # "You" is the manager alone in supervision's words (the pack's rule): never "which of you".
    assert "which of you" not in supervision


def _acts_now(words: str) -> int:
    """How many times ``words`` say an act is to be done now: "now", less the manager's "agree now"
    (agreeing who acts is not the act) and "you are now aware" (not an act)."""
    words = " ".join(words.split())
    words = re.sub(r"\bagree now\b", "", words, flags=re.IGNORECASE).replace("you are now aware", "")
    return len(re.findall(r"\bnow\b", words))


def test_no_step_is_less_urgent_in_supervision_than_for_the_practitioner(pack: RulePack) -> None:
    """Found (supervision review, b148): on A, the practitioner read "Share any concern about them
    [the children] with children's social care now", and the manager in supervision "Agree now who
    will share any concern about them with children's social care": agreeing who acts was now, the
    sharing itself had no time. The routes are the same in both modes, and so is their urgency:
    every step that says to act now says so in supervision too."""
    less_urgent = [
        (outcome.id, " ".join(action.supervision.split()))
        for outcome in pack.outcomes
        for action in outcome.actions
        if _acts_now(action.supervision) < _acts_now(action.practitioner)
    ]
    assert less_urgent == []


def test_a_concern_told_only_to_a_safeguarding_lead_is_not_called_shared(pack: RulePack) -> None:
    """Found (first-time users' review): a nursery key worker who had told the nursery's designated
    safeguarding lead thought of the concern as shared, answered "No, it has already been shared",
    and went on towards a session instead of to children's social care."""
    question = pack.question("unshared_concern")
    assert question is not None and question.hint is not None
    for mode in ("practitioner", "supervision"):
        hint = " ".join(question.hint.for_mode(mode).split())
        assert "safeguarding lead counts only if they shared it." in hint and ", answer Yes." in hint


def test_every_contact_on_the_allegation_outcome_says_why_it_is_there_after_the_lado(pack: RulePack) -> None:
    """Found (first-time users' review): children's social care's card on L said nothing of why it
    was there, and a worried person could phone it instead of consulting the LADO."""
    outcome = pack.outcome("L")
    assert outcome is not None and outcome.contacts[0] == "lado"
    note = outcome.contact_note("childrens_social_care")
    # (Not "now": the Bridge's card, closed, asks whether it can wait until the line opens.)
    assert note is not None and note.practitioner == "If a child has been harmed or may be at risk of harm"
