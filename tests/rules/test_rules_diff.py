"""``flask rules diff OLD NEW``: every kind of rule change, reported in plain English, with the exit codes.

Each pair of packs is built from the real pack: its YAML is parsed, changed as a partnership
would change it, and written to a temporary file. Each pair is compared twice, through the
pure function and through the command, and the two must agree.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import itertools
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import Result
from flask.testing import FlaskCliRunner

from app.rules import (
    DEFAULT_CONTACTS,
    DEFAULT_PACK,
    ContactBook,
    InvalidAnswer,
    RulePack,
    enumerate_paths,
    evaluate,
    load_contacts,
    load_pack,
    normalise,
)
from app.rules.diff import PackDiff, RouteChange, diff_packs, route_changes, to_markdown, to_text
from support.pack_data import option, question, wellbeing_added_and_lived_experience_retired

REAL_PACK: dict[str, Any] = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
REAL_CONTACTS: dict[str, Any] = yaml.safe_load(DEFAULT_CONTACTS.read_text(encoding="utf-8"))
# The packs compared are written with libyaml's safe dumper where PyYAML has it: the same safe
# YAML, written in a fraction of the time the pure Python one takes for the whole real pack.
DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _shipped(contact_id: str) -> dict[str, Any]:
    """A shipped contact as the file has it now: the tests of contact changes read its number and
    verified date from here, so a real change to them fails only the tests that check the
    contacts against CONTENT.md."""
    return next(c for c in REAL_CONTACTS["contacts"] if c["id"] == contact_id)


BRIDGE_PHONE: str = _shipped("childrens_social_care")["phone"]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> FlaskCliRunner:
    """The app's ``flask`` commands (``rules diff`` needs no database, so one app serves the module)."""
    from app import create_app

    database = tmp_path_factory.mktemp("diff-db") / "test.db"
    return create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}).test_cli_runner()


@pytest.fixture
def old() -> dict[str, Any]:
    """The real pack's data, to change."""
    return copy.deepcopy(REAL_PACK)


@pytest.fixture
def new() -> dict[str, Any]:
    """The real pack's data again, to change into the new version."""
    return copy.deepcopy(REAL_PACK)


@dataclass
class Compared:
    diff: PackDiff
    result: Result
    old_path: Path
    new_path: Path


# The day the comparisons are made on: the command's today is set to it, so what they warn of does
# not change with the day the tests run (the shipped pack's review date has not passed on it).
TODAY = REAL_PACK["pack"]["review_date"] - dt.timedelta(days=1)


@pytest.fixture(scope="module")
def packs_written(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Any], Path]:
    """Write a pack (its data, or its text) as ``old`` or ``new``, to a file named for its bytes:
    the same pack is the same file in every test of the module (most tests change one side of the
    real pack), so it is read and checked once (``check_pack`` keeps what it found in a file by
    its name and bytes), and the real pack is written out once."""
    folder = tmp_path_factory.mktemp("packs")
    real_text, real_repr = yaml.dump(REAL_PACK, Dumper=DUMPER, sort_keys=False), repr(REAL_PACK)

    def write(stem: str, data: Any) -> Path:
        # (Compared as written: repr keeps the order of each mapping's keys, which == does not.)
        text = data if isinstance(data, str) else real_text if repr(data) == real_repr else None
        if text is None:
            text = yaml.dump(data, Dumper=DUMPER, sort_keys=False)
        path = folder / f"{stem}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.yaml"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def compare(
    cli: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packs_written: Callable[[str, Any], Path]
) -> Callable[..., Compared]:
    """Write both packs (and contacts, if given), compare them with ``diff_packs`` and with the
    command, both on ``TODAY``."""
    monkeypatch.setattr("app.cli.uk_today", lambda: TODAY)

    def run(
        old_data: Any, new_data: Any, old_contacts: Any = None, new_contacts: Any = None, fmt: str = "text"
    ) -> Compared:
        paths = [packs_written("old", old_data), packs_written("new", new_data)]
        args = ["rules", "diff", str(paths[0]), str(paths[1]), "--format", fmt]
        books: list[ContactBook] = []
        for flag, contacts in (("--old-contacts", old_contacts), ("--new-contacts", new_contacts)):
            if contacts is None:
                books.append(load_contacts())
                continue
            path = tmp_path / f"{flag[2:]}.yaml"
            path.write_text(yaml.dump(contacts, Dumper=DUMPER, sort_keys=False), encoding="utf-8")
            args += [flag, str(path)]
            books.append(load_contacts(path))
        result = cli.invoke(args=args)
        diff = diff_packs(load_pack(paths[0], books[0]), load_pack(paths[1], books[1]), books[0], books[1], TODAY)
        assert result.exit_code == diff.exit_code, result.output
        assert result.output == (to_markdown(diff) if fmt == "markdown" else to_text(diff))
        return Compared(diff, result, paths[0], paths[1])

    return run


def outcome_of(pack: RulePack, change: RouteChange, renamed: PackDiff | None = None) -> str | None:
    """Where the engine itself sends a changed route's answers (None: it cannot finish them), the
    steps' question ids and values read as the old pack has them when ``renamed`` gives the
    comparison that renamed them."""
    questions = {q.id: q for q in pack.questions}
    steps = list(change.steps)
    if renamed is not None:
        was_called = {now: was for was, now in renamed.renamed.items()}
        steps = [
            (
                was_called.get(qid, qid),
                tuple({n: w for w, n in renamed.values_changed.get(qid, {}).items()}.get(v, v) for v in values),
            )
            for qid, values in steps
        ]
    answers = {
        qid: list(values) if qid in questions and questions[qid].kind == "multiple" else values[0]
        for qid, values in steps
    }
    state = evaluate(pack, answers)
    return state.outcome.id if state.outcome else None


def assert_routes_are_real(compared: Compared) -> None:
    """Every route reported leads where it says, in both packs, by the engine's own walk."""
    old_pack, new_pack = compared.diff.old, compared.diff.new
    for change in compared.diff.routes:
        assert outcome_of(old_pack, change, compared.diff) == change.old_outcome, change.sentence()
        assert outcome_of(new_pack, change) == change.new_outcome, change.sentence()
    assert len({change.steps for change in compared.diff.routes}) == len(compared.diff.routes)


def paths_through(pack: RulePack, question_id: str, value: str) -> int:
    """How many routes of ``pack`` give ``value`` to ``question_id``."""
    return sum(
        1
        for path in enumerate_paths(pack)
        for qid, answer in path.answers
        if qid == question_id and (answer == value or (isinstance(answer, tuple) and value in answer))
    )


def test_no_change_exits_0(compare: Callable[..., Compared], old: dict[str, Any]) -> None:
    # The same rules written differently (keys sorted, other quoting) are the same pack.
    compared = compare(old, yaml.safe_dump(old, sort_keys=True, default_style='"'))
    assert compared.diff.unchanged and compared.diff.exit_code == 0
    assert compared.result.exit_code == 0
    # Both read with the installed contacts: "No changes" comes with the caveat.
    assert "No changes to the packs: the two packs ask, route and say the same." in compared.result.output
    assert "so changes to contacts are not compared" in compared.result.output
    assert "Routes whose outcome changes" not in compared.result.output


def test_question_text_changed_is_listed_old_to_new_and_exits_0(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """The words of a question that is not a safety question: listed, exit 0 (a safety
    question's: below)."""
    before = question(old, "multi_agency")["title"]["both"]
    involved = "Are other services involved with this child or family, or should they be?"
    question(new, "multi_agency")["title"] = {"both": involved}
    question(new, "criteria")["hint"] = {"both": "Choose all that apply."}
    compared = compare(old, new)
    assert compared.result.exit_code == 0 and not compared.diff.routes and compared.diff.safeguarding == ()
    items = compared.diff.section("questions")
    assert [item.kind for item in items] == ["changed", "changed"]
    assert [c.field for item in items for c in item.changes] == ["hint", "title"]
    assert f'title: "{before}" → "{involved}"' in compared.result.output
    assert "(multi_agency)" in compared.result.output
    assert "No route leads to a different outcome" in compared.result.output


def test_a_safety_question_or_the_confirmation_reworded_is_a_safeguarding_change(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (partnership review): "...that has not yet been shared with children's social care?"
    made "...that has already been shared...", a safe answer made "No, I will share it later", the
    significant-harm explanation taken away, the confirmation's promise to act on a new concern
    dropped: each exited 0, the routes being the same. What a person answers, and so where they
    are sent, is not: each is for the safeguarding lead to agree (exit 1)."""
    question(new, "unshared_concern")["title"] = {
        "both": "Do you have a concern about a child's safety or welfare that has already been shared?"
    }
    option(new, "unshared_concern", "shared")["label"] = {"both": "No, I will share it later"}
    del question(new, "immediate_danger")["hint"]
    question(new, "immediate_danger")["short"] = {"both": "Danger later"}  # read back on check your answers
    understand = question(new, "understand")
    understand["options"][0]["label"] = {"both": "I understand that Space to Think complements my supervision."}
    compared = compare(old, new)
    assert compared.result.exit_code == 1 and not compared.diff.routes
    notes = compared.diff.safeguarding
    assert len(notes) == 3, notes
    assert notes[0].startswith('The safety question immediate_danger ("')
    assert "changes its short name and its hint:" in notes[0]
    assert notes[1].startswith("The safety question unshared_concern") and (
        'changes its title and the words of its answer "No, I will share it later" (shared)' in notes[1]
    )
    assert notes[2].startswith("The confirmation understand") and "the words of its answer" in notes[2]
    assert compared.result.output.split("\n\n")[2].startswith("Safeguarding checks changed, weakened or moved (3)\n")


def test_a_safety_questions_error_message_or_an_answers_hint_reworded_is_a_safeguarding_change(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """The error a person reads when they have not answered a safety question, and an answer's hint,
    steer the answer as much as its title: "Select No to carry on" passed as any wording change."""
    question(new, "immediate_danger")["error"] = {"both": "Select No to carry on to the next question"}
    first = question(new, "unshared_concern")["options"][0]
    first["hint"] = {"both": "Only if you are certain nobody else has shared it"}
    compared = compare(old, new)
    assert compared.result.exit_code == 1 and not compared.diff.routes
    notes = compared.diff.safeguarding
    assert len(notes) == 2, notes
    assert notes[0].startswith("The safety question immediate_danger") and "changes its error message:" in notes[0]
    assert notes[1].startswith("The safety question unshared_concern")
    assert "changes the hint of its answer" in notes[1] and f"({first['value']})" in notes[1]


def test_a_flag_still_set_on_no_route_to_a_request_is_a_safeguarding_change(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (partnership review): "No" to supervision_discussed sent to S (not a request) left its
    flag, not_discussed_in_supervision, set on no route that reaches the facilitators, and the
    comparison listed only the routes: the flag's loss was not among the safeguarding checks."""
    option(new, "supervision_discussed", "no")["next"] = "S"
    compared = compare(old, new)
    assert compared.result.exit_code == 1 and compared.diff.routes
    [lost] = [note for note in compared.diff.safeguarding if "no longer reaches a request" in note]
    assert lost.startswith("Flag not_discussed_in_supervision (")
    assert "no route where an answer sets it now ends in a request for a session" in lost
    assert "no longer reaches a request in" in compared.result.output
    # Sent to a request again, nothing is said of it.
    assert not [note for note in compare(old, old).diff.safeguarding if "no longer reaches" in note]


def test_error_message_and_roles_changed_are_listed_and_exit_0(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Not a safety question's (the test above): listed, exit 0."""
    before = question(old, "supervision_discussed")["error"]["practitioner"]
    question(new, "supervision_discussed")["error"]["practitioner"] = "Select yes if you have talked about it"
    new["roles"]["debrief_criterion"] = "stuck"
    compared = compare(old, new)
    assert compared.result.exit_code == 0 and not compared.diff.routes
    changed = [c.field for item in compared.diff.section("questions") for c in item.changes]
    assert changed == ["error message (practitioner wording)"]
    assert f'error message (practitioner wording): "{before}" → "Select yes if you have' in compared.result.output
    assert [c.field for item in compared.diff.section("pack") for c in item.changes] == ["debrief criterion"]
    assert "debrief criterion: debrief → stuck" in compared.result.output


def test_option_added_lists_its_new_routes_and_exits_1(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    question(new, "criteria")["options"].insert(
        5,
        {"value": "other", "label": {"both": "Something else"}, "exclusive": True, "next": "S", "cites": ["decisions"]},
    )
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    [added] = compared.diff.section("options")
    assert added.kind == "added" and "(other)" in added.subject and added.note == "leads to S"
    routes = compared.diff.routes
    assert len(routes) == paths_through(compared.diff.new, "criteria", "other") > 0
    assert all(r.old_outcome is None and r.new_outcome == "S" for r in routes)
    assert routes[0].sentence() == (
        'Something else at "What a reflective space would help with" now leads to S, was: not a possible route'
    )
    # Told apart from routes that lead elsewhere (found, partnership review: "352 routes now lead to a
    # different outcome", of which 256 were new).
    assert (
        f"Outcomes change: {len(routes)} routes are new (an answer or question added). Ask a second person"
        in compared.result.output
    )
    assert_routes_are_real(compared)


def test_option_removed_lists_the_routes_it_ends_and_exits_1(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    question(new, "multi_agency")["options"] = [
        o for o in question(new, "multi_agency")["options"] if o["value"] != "not_sure"
    ]
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    [removed] = compared.diff.section("options")
    assert removed.kind == "removed" and "(not_sure)" in removed.subject
    # Where it led, read from the pack: a question added after it (README, "Add a question") is not
    # a fault in the diff.
    assert removed.note == f"it led to {option(old, 'multi_agency', 'not_sure')['next']}"
    routes = compared.diff.routes
    assert len(routes) == paths_through(compared.diff.old, "multi_agency", "not_sure") > 0
    # In the shipped pack each leads to P; a question added after it may send some elsewhere.
    to_request = [r for r in routes if r.old_outcome == "P"]
    assert to_request and {r.new_outcome for r in routes} == {None}
    assert all(r.at is not None and r.at.question_id == "multi_agency" for r in routes)
    assert (
        f'I\'m not sure at "Other agencies involved" now: not a possible route, was P ({len(to_request)} routes)'
    ) in compared.result.output
    assert (
        f"Outcomes change: {len(routes)} routes are no longer possible. Ask a second person" in compared.result.output
    )
    assert_routes_are_real(compared)


def test_route_retargeted_lists_every_path_and_exits_1(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    option(new, "serious_incident", "not_sure")["next"] = "U2"
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    [route] = compared.diff.section("routes")
    assert "(not_sure)" in route.subject and "(serious_incident)" in route.subject
    assert [(c.field, c.old, c.new) for c in route.changes] == [("leads to", "R", "U2")]
    routes = compared.diff.routes
    # Both modes; the two safe answers to the concern question; the two safe answers about an adult at risk.
    assert len(routes) == paths_through(compared.diff.old, "serious_incident", "not_sure") == 8
    assert {r.sentence() for r in routes} == {
        'I\'m not sure at "A child has died or been seriously harmed" now leads to U2, was R'
    }
    answers = [r.answers_text() for r in routes]
    assert len(set(answers)) == 8
    assert answers[0] == (
        "Who is using this: I am thinking about my own practice; "
        "Immediate danger or significant harm: No; "
        "A concern not yet shared with children's social care: No, it has already been shared; "
        "A worry about an adult who works with children: No; "
        "An adult at risk of abuse or neglect: Yes, and it has been reported; "
        "A child has died or been seriously harmed: I'm not sure"
    )
    assert (
        "  Outcomes named above:\n    U2: Share your concern with children's social care now\n"
        in compared.result.output
    )
    assert_routes_are_real(compared)


def test_a_route_through_the_criteria_says_any_of_them_leads_there_not_two(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (routing review): a route through the criteria listed the five criteria in quotes,
    and the route's line cut that list at 70 characters: 'any of "I feel stuck, or unclear about
    the…", "I want to think about…' — two criteria and an open quote, as if only those led there."""
    option(new, "multi_agency", "not_sure")["next"] = "S"
    compared = compare(old, new)
    answers = {r.answers_text() for r in compared.diff.routes}
    assert answers and all(
        'What a reflective space would help with: one or more, not "None of these"; Other agencies involved:' in a
        for a in answers
    )
    assert all(a.count('"') % 2 == 0 for a in answers)


def test_outcome_added_and_removed(compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]) -> None:
    # The old pack had no LADO outcome: a worry about an adult who works with children went to U2.
    option(old, "allegation", "yes")["next"] = "U2"
    old["outcomes"] = [o for o in old["outcomes"] if o["id"] != "L"]
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    [outcome] = compared.diff.section("outcomes")
    assert outcome.kind == "added" and outcome.subject.startswith("outcome L ")
    [route] = compared.diff.section("routes")
    assert [(c.old, c.new) for c in route.changes] == [("U2", "L")]
    sentences = {r.sentence() for r in compared.diff.routes}
    assert sentences == {'Yes at "A worry about an adult who works with children" now leads to L, was U2'}
    assert len(compared.diff.routes) == 4  # two modes, two safe answers to the concern question
    assert_routes_are_real(compared)

    backwards = compare(new, old)
    assert backwards.result.exit_code == 1
    assert [(i.kind, i.subject[:9]) for i in backwards.diff.section("outcomes")] == [("removed", "outcome L")]
    assert {r.sentence() for r in backwards.diff.routes} == {
        'Yes at "A worry about an adult who works with children" now leads to U2, was L'
    }


def test_what_a_change_does_to_the_statistics_is_said(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (partnership review): an answer given a new id, or an outcome taken out, moved the
    statistics' counts into a row "no longer in the rules" and started a new row from nothing,
    and the diff said nothing of it: the partnership learned it from the statistics page."""
    option(new, "criteria", "lived_experience")["value"] = "lived"
    option(old, "allegation", "yes")["next"] = "U2"  # the old pack had no LADO outcome
    old["outcomes"] = [o for o in old["outcomes"] if o["id"] != "L"]
    compared = compare(old, new)
    text = compared.result.output
    assert "\nStatistics (4)\n" in text
    assert (
        '  - Answer lived_experience ("I want to consider the impact of the child\'s current situation on…") is no '
        'longer in the rules: the statistics keep its counts so far, shown as "An answer no longer in the rules '
        '(id: lived_experience)".' in text
    )
    assert "  - Answer lived (\"I want to consider the impact of the child's current" in text
    assert (
        '  - Outcome L ("Consult the Local Authority Designated Officer (LADO)") is new: the statistics count' in text
    )
    assert "whose id changed is counted afresh under its new id: its old and new rows are not added together." in text
    backwards = compare(new, old, fmt="markdown")
    assert "## Statistics (4)\n\n- Outcome L (" in backwards.result.output
    assert 'shown as "An outcome no longer in the rules (id: L)"' in backwards.result.output
    assert "lived\\_experience" in backwards.result.output
    # Wording alone changes nothing counted: nothing is said.
    reworded = copy.deepcopy(REAL_PACK)
    option(reworded, "criteria", "stuck")["label"] = {"both": "Stuck"}
    assert "\nStatistics (" not in compare(copy.deepcopy(REAL_PACK), reworded).result.output


def test_outcome_text_changed_exits_1_without_route_changes(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    u2 = next(o for o in new["outcomes"] if o["id"] == "U2")
    before = u2["actions"][0]["practitioner"]
    u2["actions"][0] = {"both": "Share the concern with children's social care today."}
    u2["contacts"] = ["childrens_social_care", "police_emergency"]
    compared = compare(old, new)
    assert compared.result.exit_code == 1 and not compared.diff.routes
    [changed] = compared.diff.section("outcomes")
    assert [c.field for c in changed.changes] == [
        "action 1 (practitioner wording)",
        "action 1 (supervision wording)",
        "contacts shown",
        "when police_emergency applies",
        "when lado applies",
    ]
    assert (
        f'action 1 (practitioner wording): "{before}" → "Share the concern with children\'s social care today."'
        in compared.result.output
    )
    assert (
        "contacts shown: police_emergency, childrens_social_care, out_of_hours, lado → childrens_social_care, "
        "police_emergency"
    ) in compared.result.output
    # Said outright (area review): another area keeping the routing learns it from the summary.
    assert (
        "Outcomes change: 1 outcome added, removed or changed; no route leads to a different outcome."
        in compared.result.output
    )


def test_an_action_added_or_removed_is_said_so_not_every_action_after_it_reworded(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (rules review): actions were compared by position, so one taken away read as each
    action after it reworded into the next, and the last removed."""
    for pack in (old, new):  # an action in the same words for both modes is taken away
        next(o for o in pack["outcomes"] if o["id"] == "U2")["actions"][0] = {
            "both": "Call 999 if a child is in danger."
        }
    u2 = next(o for o in new["outcomes"] if o["id"] == "U2")
    gone = u2["actions"].pop(0)["both"]
    u2["actions"].append({"both": "Write down what you saw and heard."})
    u2["actions"][1] = {"both": "Talk to your designated safeguarding lead today."}
    compared = compare(old, new)
    was = next(o for o in old["outcomes"] if o["id"] == "U2")["actions"]
    [changed] = compared.diff.section("outcomes")
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        (f"action 1 of {len(was)} (removed)", f'"{gone}"', "(none)"),
        ("action 3, now 2 (practitioner wording)", f'"{was[2]["practitioner"]}"', f'"{u2["actions"][1]["both"]}"'),
        ("action 3, now 2 (supervision wording)", f'"{was[2]["supervision"]}"', f'"{u2["actions"][1]["both"]}"'),
        (f"action {len(was)} of {len(was)} (added)", "(none)", '"Write down what you saw and heard."'),
    ]
    # U2 is where a concern not yet shared leads: the action taken away is listed first too, and
    # that its actions say something else.
    assert compared.result.exit_code == 1
    u2_name = 'Outcome U2 "Share your concern with children\'s social care now", where an answer showing a risk leads'
    assert compared.diff.safeguarding == (
        f"{u2_name}, changes its actions: what it tells the person to do with the risk. The words are listed "
        'under "Outcomes".',
        f'{u2_name}, no longer says "{gone}" (action 1 of {len(was)}).',
    )


def test_contact_changed_exits_0(compare: Callable[..., Compared], old: dict[str, Any]) -> None:
    """A contact that is not shown on every page, nor where an answer showing a risk leads: exit 0."""
    contacts = copy.deepcopy(REAL_CONTACTS)
    partnership = next(c for c in contacts["contacts"] if c["id"] == "partnership")
    partnership["detail"] = "The partnership that owns this guidance."
    contacts["contacts"].append(
        {
            "id": "nspcc",
            "name": "Helpline of the National Society for the Prevention of Cruelty to Children (NSPCC)",
            "phone": "0808 800 5000",
            "detail": "Advice for adults worried about a child.",
            "verified": {"on": "2026-11-27", "how": "compared with the published page", "sources": ["nspcc.org.uk"]},
        }
    )
    compared = compare(old, old, old_contacts=REAL_CONTACTS, new_contacts=contacts)
    assert compared.result.exit_code == 0 and not compared.diff.routes and compared.diff.safeguarding == ()
    items = compared.diff.section("contacts")
    assert [(i.kind, i.subject.split(" (")[0]) for i in items] == [
        ("added", "contact nspcc"),
        ("changed", "contact partnership"),
    ]
    assert (
        'detail: "' in compared.result.output
        and '→ "The partnership that owns this guidance."' in compared.result.output
    )
    assert str(compared.old_path) in compared.result.output


def test_an_urgent_outcomes_note_on_a_contact_or_its_change_link_reworded_is_a_safeguarding_change(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (regression review): U2's note on 999, "If a child may be in immediate danger", made "If
    you have time", and R's link to change the answer reworded, exited 1 as any outcome's change,
    not listed for the safeguarding lead."""
    u2 = next(o for o in new["outcomes"] if o["id"] == "U2")
    u2["contacts"][0]["when"] = {"both": "If you have time"}
    r = next(o for o in new["outcomes"] if o["id"] == "R")
    r["change"]["text"] = {"both": "Change an answer"}
    notes = compare(old, new).diff.safeguarding
    assert [note.split(" ")[1] for note in notes] == ["U2", "R"]
    assert "changes its notes on when a contact applies:" in notes[0]
    assert "changes its link to change an answer:" in notes[1]


def test_a_contact_on_every_page_or_where_a_risk_leads_changed_is_a_safeguarding_change(
    compare: Callable[..., Compared], old: dict[str, Any]
) -> None:
    """Found (partnership review): children's social care's number changed by a digit, its
    verified date moved on, exited 0 with no word; so did 999's note made to say "do not call about
    children", the out-of-hours team's hours, the LADO's page moved to another site, and the
    contacts on every page put in another order. A person in danger is sent to them as they stand:
    each is for the safeguarding lead to agree (exit 1)."""
    contacts = copy.deepcopy(REAL_CONTACTS)
    csc = _contact(contacts, "childrens_social_care")
    csc["phone"] = "0161 603 9999"
    csc["verified"]["on"] = "2026-12-01"
    _contact(contacts, "police_emergency")["detail"] = "For emergencies only; do not call about children."
    _contact(contacts, "lado")["links"][0]["url"] = "https://lado.example.org/"
    contacts["emergency"] = ["police_emergency", "out_of_hours", "childrens_social_care"]
    compared = compare(old, old, old_contacts=REAL_CONTACTS, new_contacts=contacts)
    assert compared.result.exit_code == 1 and not compared.diff.routes
    notes = compared.diff.safeguarding
    assert notes[0] == (
        "The contacts shown on every page (emergency in the contacts file) are in another order: police_emergency, "
        "out_of_hours, childrens_social_care, was police_emergency, childrens_social_care, out_of_hours: the first is "
        "what a person in danger reads first."
    )
    assert notes[1].startswith('Contact police_emergency ("') and "shown on every page, changes its note:" in notes[1]
    assert notes[2].startswith('Contact childrens_social_care ("') and "changes its phone number:" in notes[2]
    assert [note for note in notes[3:] if note.startswith('Contact lado ("')] == [
        f'Contact lado ("{_shipped("lado")["name"]}"), shown where an answer showing a risk leads, changes its '
        'pages: check each against its source before it goes live. The details are listed under "Contacts".'
    ]
    # A number written with other spacing is the same number: nothing to agree.
    spaced = copy.deepcopy(REAL_CONTACTS)
    _contact(spaced, "childrens_social_care")["phone"] = BRIDGE_PHONE.replace(" ", "")
    assert compare(old, old, old_contacts=REAL_CONTACTS, new_contacts=spaced).diff.safeguarding == ()


def test_a_contact_on_every_page_losing_its_hours_is_a_safeguarding_change(
    compare: Callable[..., Compared], old: dict[str, Any]
) -> None:
    """Found (contact change review): children's social care's hours deleted (its number kept) passed
    `rules check`, was "1 other change" to `rules diff` (exit 0) and needed no approval, and every
    page's footer then gave its number with no hours. Hours changed needed the safeguarding lead's
    agreement; hours taken away need it too."""
    contacts = copy.deepcopy(REAL_CONTACTS)
    del _contact(contacts, "childrens_social_care")["hours"]
    compared = compare(old, old, old_contacts=REAL_CONTACTS, new_contacts=contacts)
    assert compared.result.exit_code == 1
    [note] = compared.diff.safeguarding
    assert note.startswith('Contact childrens_social_care ("') and "changes its hours:" in note


def _contact(contacts: dict[str, Any], contact_id: str) -> dict[str, Any]:
    return next(c for c in contacts["contacts"] if c["id"] == contact_id)


def test_a_changed_number_email_or_page_with_the_same_verified_date_is_warned_of(
    compare: Callable[..., Compared], old: dict[str, Any]
) -> None:
    """Found (practitioner review): the Bridge's number changed to 0161 603 4501 in a copy was
    reported, but nothing said that its verified date (2026-11-30) now vouched for a number
    nobody had compared with its source."""
    contacts = copy.deepcopy(REAL_CONTACTS)
    _contact(contacts, "childrens_social_care")["phone"] = "0161 603 4501"
    _contact(contacts, "partnership")["email"] = "sscp@partnership.example.org"
    lado = _contact(contacts, "lado")
    lado["links"][0]["url"] = "https://partnership.example.org/lado"
    compared = compare(old, old, old_contacts=REAL_CONTACTS, new_contacts=contacts)
    assert compared.result.exit_code == 1  # the Bridge and the LADO: each for the safeguarding lead to agree
    output = compared.result.output
    assert "Warnings (3)" in output
    bridge_verified = _shipped("childrens_social_care")["verified"]["on"]
    assert (
        'Warning: contact childrens_social_care ("Children\'s social care (the Bridge Partnership)"): phone number '
        f"changed to 0161 603 4501, but the verified date did not change (verified.on is still {bridge_verified}), so "
        "that date now vouches for a phone number nobody has checked. Compare it with the source, then update "
        "verified.on, how and sources."
    ) in output
    assert 'contact partnership ("Salford Safeguarding Children Partnership"): email changed to ' in output
    assert "vouches for an email address nobody has checked" in output
    assert 'contact lado ("' in output and "new page address https://partnership.example.org/lado, but" in output
    markdown = compare(old, old, old_contacts=REAL_CONTACTS, new_contacts=contacts, fmt="markdown").result.output
    assert "## Warnings (3)" in markdown and "**Warning:** contact childrens\\_social\\_care" in markdown
    _contact(contacts, "partnership")["phone"] = "0161 496 0000"
    both = compare(old, old, old_contacts=REAL_CONTACTS, new_contacts=contacts).result.output
    partnership_verified = _shipped("partnership")["verified"]["on"]
    assert (
        "phone number changed to 0161 496 0000 and email changed to sscp@partnership.example.org, but the verified "
        f"date did not change (verified.on is still {partnership_verified}), so that date now vouches for details "
        "nobody has checked. Compare them with the source"
    ) in both


def test_a_review_date_that_has_passed_is_warned_of_as_rules_check_warns(
    compare: Callable[..., Compared],
    cli: FlaskCliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old: dict[str, Any],
    new: dict[str, Any],
) -> None:
    """Found (rules review): a new pack whose review date had passed was compared without a word
    of it, though ``rules check`` warns of it, and the change is read before it goes live."""
    new["pack"]["review_date"] = TODAY - dt.timedelta(days=1)
    compared = compare(old, new)
    assert compared.result.exit_code == 0  # a warning, as in rules check
    [line] = [n for n, text in enumerate(compared.new_path.read_text().splitlines(), start=1) if "review_date:" in text]
    warning = (
        f"Warning: {compared.new_path}:{line}: pack: review_date: was {new['pack']['review_date'].isoformat()}: the "
        "review date has passed. Review the pack and set a new date"
    )
    assert f"\n\nWarnings (1)\n  - {warning}\n" in compared.result.output
    assert "review by: " in compared.result.output  # and the change itself, under the pack's details
    # The day itself is not past; the old pack's date is not warned of (rules check reads the new one).
    new["pack"]["review_date"], old["pack"]["review_date"] = TODAY, TODAY - dt.timedelta(days=400)
    compared = compare(old, new)
    assert compared.diff.warnings == () and "Warning" not in compared.result.output
    # As rules check says it, for the same file.
    new["pack"]["review_date"] = TODAY - dt.timedelta(days=1)
    compared = compare(old, new)
    check = cli.invoke(args=["rules", "check", "--pack", str(compared.new_path)])
    assert warning in check.output.splitlines()
    # On the real day, the command's today is the UK's (as rules check's is): a date well before it is warned of.
    monkeypatch.undo()
    passed = tmp_path / "passed.yaml"
    new["pack"]["review_date"] = dt.datetime.now(ZoneInfo("Europe/London")).date() - dt.timedelta(days=30)
    passed.write_text(yaml.safe_dump(new, sort_keys=False), encoding="utf-8")
    result = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(passed)])
    said = f"pack: review_date: was {new['pack']['review_date'].isoformat()}: the review date has passed"
    assert said in result.output
    # The pure function warns only when given a day: which one is the caller's to say.
    assert diff_packs(compared.diff.old, compared.diff.new).warnings == ()


def test_a_contact_change_with_a_new_verified_date_or_only_new_spacing_is_not_warned_of(
    compare: Callable[..., Compared], old: dict[str, Any]
) -> None:
    contacts = copy.deepcopy(REAL_CONTACTS)
    bridge = _contact(contacts, "childrens_social_care")
    bridge["phone"] = "0161 603 4501"
    bridge["verified"]["on"] = (dt.date.fromisoformat(str(bridge["verified"]["on"])) + dt.timedelta(days=1)).isoformat()
    _contact(contacts, "out_of_hours")["phone"] = _contact(contacts, "out_of_hours")["phone"].replace(" ", "")
    _contact(contacts, "partnership")["email"] = _contact(contacts, "partnership")["email"].upper()
    compared = compare(old, old, old_contacts=REAL_CONTACTS, new_contacts=contacts)
    assert f"phone: {BRIDGE_PHONE} → 0161 603 4501" in compared.result.output
    assert compared.diff.warnings == () and "Warning" not in compared.result.output


def test_citation_changed_exits_0(compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]) -> None:
    referral = next(g for g in new["guidance"] if g["id"] == "wt_referral")
    referral["text"] = "A concern about a child's welfare is shared with children's social care."
    new["guidance"].append({"id": "wt_2026", "source": "Working Together (2026)", "text": "New guidance."})
    question(new, "allegation")["cites"] = ["wt_allegations", "kcsie_suitability", "lado_portal", "wt_2026"]
    compared = compare(old, new)
    assert compared.result.exit_code == 0 and not compared.diff.routes
    items = compared.diff.section("citations")
    assert [(i.kind, i.subject.split(" (")[0]) for i in items] == [
        ("changed", 'question "Is your worry about how an adult who works or volunteers…"'),
        ("added", "guidance wt_2026"),
        ("changed", "guidance wt_referral"),
    ]
    assert (
        "guidance cited: wt_allegations, kcsie_suitability, lado_portal → "
        "wt_allegations, kcsie_suitability, lado_portal, wt_2026"
    ) in compared.result.output
    assert "text: \"A concern about a child's safety" in compared.result.output


def test_markdown_for_a_change_request(
    compare: Callable[..., Compared], cli: FlaskCliRunner, old: dict[str, Any], new: dict[str, Any]
) -> None:
    option(new, "serious_incident", "not_sure")["next"] = "U2"
    question(new, "allegation")["short"] = {"both": "A worry | about an adult"}
    compared = compare(old, new, fmt="markdown")
    text = compared.result.output
    assert compared.result.exit_code == 1
    assert text.startswith("# Rule pack changes: Space to Think\n")
    assert f"| Version | `{compared.diff.old.version}` | `{compared.diff.new.version}` |" in text
    # The route from "not sure", and a safety question's short name (read back on check your answers).
    assert (
        "**Safeguarding checks changed, weakened or moved: 2 changes, listed first. Outcomes change: 8 routes now lead"
        in text
    )
    assert "## Routes whose outcome changes (8)\n\nA route is one set of answers a person could give" in text
    assert "makes the difference.\n\n| Answer | At the question | Was | Now | Routes |\n" in text
    assert "| I'm not sure | Has a child died or been seriously harmed, where abuse or… | `R` | `U2` | 8 |" in text
    assert '### I\'m not sure at "A child has died or been seriously harmed" now leads to U2, was R\n' in text
    # The first 5 routes of each kind, then a count; --all-routes lists every one.
    assert "\n5. Who is using this:" in text and "\n6. Who is using this:" not in text
    assert "… and 3 more routes like these (--all-routes lists every one)" in text
    paths = [str(compared.old_path), str(compared.new_path)]
    every = cli.invoke(args=["rules", "diff", *paths, "--format", "markdown", "--all-routes"]).output
    assert "\n8. Who is using this: I am a manager or supervisor" in every
    assert "more routes like these" not in every
    assert "- `U2`: Share your concern with children's social care now" in text
    assert '## Routes (1)\n\n- **Changed:** "I\'m not sure" (not\\_sure) at question' in text
    assert (
        'short title (used in summaries): "A worry about an adult who works with children" → '
        '"A worry \\| about an adult"' in text
    )


def _risk_dropped(d: dict[str, Any]) -> None:
    # (Not from "Is a child in immediate danger": a question whose answer says to ring 999 is
    # refused without it, test_rules_check_all.)
    del question(d, "allegation")["risk"]


def _yes_marked_safe(d: dict[str, Any]) -> None:
    # (A plain "Yes" marked safe is refused by the validator itself: test_rules_validator.)
    option(d, "adult_at_risk", "yes_not_reported")["safe"] = True


def _unsure_dropped(d: dict[str, Any]) -> None:
    # Reworded too, or the validator would refuse a "not sure" answer not marked so.
    unsure = option(d, "serious_incident", "not_sure")
    unsure["label"] = {"both": "Possibly"}
    del unsure["unsure"]


def _safe_answer_added(d: dict[str, Any]) -> None:
    question(d, "allegation")["options"].append(
        {"value": "maybe", "label": {"both": "Perhaps"}, "safe": True, "next": "adult_at_risk"}
    )


def _contact_dropped(d: dict[str, Any]) -> None:
    outcome = next(o for o in d["outcomes"] if o["id"] == "U1")
    outcome["contacts"] = [c for c in outcome["contacts"] if c != "childrens_social_care"]


def _flag_dropped(d: dict[str, Any]) -> None:
    del option(d, "supervision_discussed", "no")["flags"]


def _flag_in_one_mode(d: dict[str, Any]) -> None:
    next(f for f in d["flags"] if f["id"] == "not_discussed_in_supervision")["modes"] = ["practitioner"]


def _flag_reworded(d: dict[str, Any]) -> None:
    next(f for f in d["flags"] if f["id"] == "review_under_way")["label"] = "A practice review is planned"


def _advice_removed(d: dict[str, Any]) -> None:
    del option(d, "supervision_discussed", "no")["advice"]


def _action_dropped(d: dict[str, Any]) -> None:
    next(o for o in d["outcomes"] if o["id"] == "U1")["actions"].pop(0)


def _contact_note_dropped(d: dict[str, Any]) -> None:
    outcome = next(o for o in d["outcomes"] if o["id"] == "U2")
    outcome["contacts"] = [c["id"] if isinstance(c, dict) and c["id"] == "lado" else c for c in outcome["contacts"]]


ADVICE_DROPPED = (
    'Option "No" (no) of question "Have you talked about this in your own supervision, or with…" '
    '(supervision_discussed) no longer gives its advice ("Raise this in your own supervision too. Space to Think '
    'works alongside supervision, not instead of…"): the outcome page and check your answers no longer tell the '
    "person so."
)

# Each change the validator cannot see (docs/RULES.md), and the words the diff says it in.
SAFEGUARDING_WEAKENED = {
    "risk dropped": (
        _risk_dropped,
        'Question "Is your worry about how an adult who works or volunteers…" (allegation) is no '
        "longer a safety question (risk: yes → no): its answers no longer have to be marked safe to lead on "
        "towards a request.",
    ),
    "yes marked safe": (
        _yes_marked_safe,
        'Option "Yes, and it has not been reported" (yes_not_reported) of question "Is your main worry that '
        'an adult with care and support…" (adult_at_risk) is now marked safe (safe: no → yes): it may lead on '
        "towards a request.",
    ),
    "unsure dropped": (
        _unsure_dropped,
        (
            'Option "Possibly" (not_sure) of question "Has a child died or been seriously harmed, where abuse or…" '
            '(serious_incident) is no longer marked as a "not sure" answer (unsure: yes → no): it could now be '
            "marked safe.",
            'The safety question serious_incident ("Has a child died or been seriously harmed, where abuse or…") '
            'changes the words of its answer "Possibly" (not_sure): a person may now answer it otherwise, and be sent '
            'elsewhere. The words are listed under "Questions" and "Options".',
        ),
    ),
    "safe answer added": (
        _safe_answer_added,
        'Option "Perhaps" (maybe) of question "Is your worry about how an adult who works or volunteers…" '
        "(allegation) is new and marked safe: it may lead on towards a request.",
    ),
    "contact dropped": (
        _contact_dropped,
        'Outcome U1 "Call 999 and contact children\'s social care now", where an answer showing a risk leads, '
        "no longer shows contact childrens_social_care.",
    ),
    # Found (rules review): these exited 0, though the facilitators triage on the flags.
    "flag dropped": (
        _flag_dropped,
        'Option "No" (no) of question "Have you talked about this in your own supervision, or with…" '
        '(supervision_discussed) no longer sets flag not_discussed_in_supervision ("Not discussed in supervision '
        'before this request"): requests made with this answer no longer tell the facilitators so.',
    ),
    "flag in one mode": (
        _flag_in_one_mode,
        'Flag not_discussed_in_supervision ("Not discussed in supervision before this request") is no longer set '
        "in supervision mode: requests made in it no longer tell the facilitators so.",
    ),
    "flag reworded": (
        _flag_reworded,
        'The words of flag review_under_way change from "A practice review may be under way" to "A practice review '
        'is planned": the facilitators triage on them, and the requester reads them on the request.',
    ),
    # Found (rules review): advice taken from an answer exited 0.
    "advice removed": (_advice_removed, ADVICE_DROPPED),
    "action dropped": (
        _action_dropped,
        'Outcome U1 "Call 999 and contact children\'s social care now", where an answer showing a risk leads, no '
        'longer says "Call 999 if a child is in immediate danger." (action 1 of 3).',
    ),
    "contact note dropped": (
        _contact_note_dropped,
        'Outcome U2 "Share your concern with children\'s social care now", where an answer showing a risk leads, '
        'no longer says when contact lado applies ("If the worry is about an adult who works or volunteers with '
        'children").',
    ),
}


@pytest.mark.parametrize("name", list(SAFEGUARDING_WEAKENED))
def test_a_safeguarding_marking_taken_away_is_listed_first_and_exits_1(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any], name: str
) -> None:
    change, words = SAFEGUARDING_WEAKENED[name]
    change(new)
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    expected = words if isinstance(words, tuple) else (words,)
    assert compared.diff.safeguarding == expected
    summary, first = compared.result.output.split("\n\n")[1:3]
    many = f"{len(expected)} change{'s' if len(expected) > 1 else ''}"
    assert summary.startswith(f"Safeguarding checks changed, weakened or moved: {many}, listed first. ")
    assert "ask a second person to review this before it goes live" in summary.lower()
    assert first.startswith(f"Safeguarding checks changed, weakened or moved ({len(expected)})\n")
    assert first.endswith("".join(f"\n  - {note}" for note in expected))
    markdown = compare(old, new, fmt="markdown").result.output
    summary, heading = markdown.split("\n\n")[2:4]
    assert summary.startswith(f"**Safeguarding checks changed, weakened or moved: {many}")
    assert heading == f"## Safeguarding checks changed, weakened or moved ({len(expected)})"


def test_advice_left_empty_is_refused_in_the_new_pack_and_read_in_the_old(
    cli: FlaskCliRunner, tmp_path: Path, old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (rules review): "advice:" with its words deleted was read as no advice, by rules
    check and start-up too. Refused now, naming the field; a live pack from before the check is
    still read as the OLD pack, its empty advice as none."""
    option(new, "supervision_discussed", "no")["advice"] = None
    emptied = tmp_path / "emptied.yaml"
    emptied.write_text(yaml.safe_dump(new, sort_keys=False), encoding="utf-8")
    result = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(emptied)])
    assert result.exit_code == 2
    assert "question supervision_discussed option no: advice: is empty: write its words" in result.output
    result = cli.invoke(args=["rules", "check", "--pack", str(emptied)])
    assert result.exit_code == 1 and "option no: advice: is empty" in result.output
    result = cli.invoke(args=["rules", "diff", str(emptied), str(DEFAULT_PACK)])
    assert result.exit_code == 0 and '      advice (practitioner wording): (none) → "Raise this' in result.output


def test_a_route_from_an_answer_showing_a_risk_moved_is_listed_first(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    option(new, "allegation", "yes")["next"] = "U2"
    new["outcomes"] = [o for o in new["outcomes"] if o["id"] != "L"]
    option(new, "multi_agency", "not_sure")["next"] = "S"  # after safe answers only: not listed
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    # The outcome removed is said here too, and the outcomes are named by their titles, the
    # question by its short name (found, rules maintainer's review: only its title cut short,
    # "Is a child or young person in…", and the outcomes by code).
    assert compared.diff.safeguarding == (
        'Outcome L "Consult the Local Authority Designated Officer (LADO)", where an answer showing a risk leads, '
        "is removed.",
        'Yes at "A worry about an adult who works with children" now leads to U2, was L (4 routes): listed under '
        '"Routes whose outcome changes".',
    )
    output = compared.result.output
    section = output[output.index("Safeguarding checks changed, weakened or moved (2)") :]
    named = (
        "  Outcomes named above:\n    U2: Share your concern with children's social care now\n"
        "    L: Consult the Local Authority Designated Officer (LADO)\n"
    )
    assert section.index(named) < section.index("\nRoutes whose outcome changes (")


def test_an_urgent_contact_losing_its_phone_or_its_pages_is_listed_first_and_exits_1(
    compare: Callable[..., Compared], old: dict[str, Any], cli: FlaskCliRunner, tmp_path: Path
) -> None:
    """Found (operator review): children's social care's phone number taken out of the contacts
    passed `rules diff` (exit 0, its phone "→ (none)" among the contacts' changes).
    A contact on every page without a phone is now refused (exit 2); one an answer showing a risk
    leads to that loses its phone number or its pages is a safeguarding check weakened."""
    contacts = copy.deepcopy(REAL_CONTACTS)
    bridge = next(c for c in contacts["contacts"] if c["id"] == "childrens_social_care")
    del bridge["phone"], bridge["hours"], bridge["open"]  # (its hours, as words and as data, are the phone's)
    path = tmp_path / "no-phone.yaml"
    path.write_text(yaml.dump(contacts, Dumper=DUMPER, sort_keys=False), encoding="utf-8")
    refused = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(DEFAULT_PACK), "--new-contacts", str(path)])
    assert refused.exit_code == 2 and "childrens_social_care: phone: is shown on every page" in refused.output
    urgent = {
        c if isinstance(c, str) else c["id"]
        for o in old["outcomes"]
        if o["id"] in ("U1", "U2", "L", "A")
        for c in o.get("contacts", [])
    }
    for taken, words in ((("phone", "hours"), "a phone number (was {phone})"), (("links",), "a page to open")):
        contacts = copy.deepcopy(REAL_CONTACTS)
        contact = next(
            c
            for c in contacts["contacts"]
            if c["id"] in urgent and c.get("phone") and c.get("links") and c["id"] not in contacts["emergency"]
        )
        words = words.format(phone=contact.get("phone"))
        for key in taken:
            contact.pop(key, None)
        compared = compare(old, old, REAL_CONTACTS, contacts)
        assert compared.result.exit_code == 1 and not compared.diff.routes
        assert compared.diff.safeguarding == (
            f'Contact {contact["id"]} ("{contact["name"]}"), shown where an answer showing a risk leads, no longer '
            f"has {words}.",
        )


def test_a_contact_no_longer_shown_on_every_page_is_listed_first_and_exits_1(
    compare: Callable[..., Compared], old: dict[str, Any]
) -> None:
    contacts = copy.deepcopy(REAL_CONTACTS)
    contacts["emergency"].remove("out_of_hours")
    compared = compare(old, old, REAL_CONTACTS, contacts)
    assert compared.result.exit_code == 1 and not compared.diff.routes
    name = _shipped("out_of_hours")["name"]
    assert compared.diff.safeguarding == (
        f'The contacts shown on every page (emergency in the contacts file) no longer include out_of_hours ("{name}").',
    )
    assert compared.result.output.split("\n\n")[2].startswith("Safeguarding checks changed, weakened or moved (1)\n")
    # Put in another order, with none taken away: listed as such (the test above).
    contacts["emergency"] = ["police_emergency", "out_of_hours", "childrens_social_care"]
    compared = compare(old, old, REAL_CONTACTS, contacts)
    assert compared.result.exit_code == 1 and "in another order" in compared.diff.safeguarding[0]
    assert "the contacts shown on every page" in compared.result.output


def test_changes_that_leave_the_safeguarding_checks_alone_are_not_listed_as_such(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    question(new, "multi_agency")["title"] = {"both": "Are other services involved with this child or family?"}
    option(new, "multi_agency", "not_sure")["next"] = "S"  # not a safety question
    compared = compare(old, new)
    assert compared.result.exit_code == 1 and compared.diff.routes
    assert compared.diff.safeguarding == ()
    assert "Safeguarding" not in compared.result.output
    # A flag newly set tells the facilitators more: listed, exit 0.
    option(old, "multi_agency", "not_sure")["next"] = "S"
    option(new, "supervision_discussed", "not_available")["flags"] = ["not_discussed_in_supervision"]
    compared = compare(old, new)
    assert compared.result.exit_code == 0 and compared.diff.safeguarding == ()
    assert "flags set: (none) → not_discussed_in_supervision" in compared.result.output
    # Advice reworded, not taken away: listed under options, exit 0.
    option(new, "supervision_discussed", "no")["advice"] = {"both": "Take this to supervision as well."}
    compared = compare(old, new)
    assert compared.result.exit_code == 0 and compared.diff.safeguarding == ()
    assert '      advice (practitioner wording): "Raise this in your own supervision too.' in compared.result.output


def test_an_owner_changed_without_the_partnership_file_is_warned_of(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (rules review): the pack's owner changed was listed among the pack's details only,
    though the app starts only with a partnership file of that name, which the diff does not
    read. A warning (exit 0): start-up and rules check refuse the mismatch, and no page of a
    safeguarding matter changes."""
    before = old["pack"]["owner"]
    new["pack"]["owner"] = "Northmere Safeguarding Partnership"
    compared = compare(old, new)
    assert compared.result.exit_code == 0 and compared.diff.safeguarding == ()
    assert compared.diff.warnings == (
        f'the pack\'s owner changes from "{before}" to "Northmere Safeguarding Partnership": the app and its worker '
        "start only when the partnership file's name (partnership.yaml, or the file PARTNERSHIP_PATH names) is "
        '"Northmere Safeguarding Partnership" too, and every page\'s header and footer, and the PDFs, will name it. '
        "Change the partnership file with the pack, and check the two together before restarting: flask --app "
        "wsgi rules check --pack NEW --partnership FILE.",
    )
    assert f"\n\nWarnings (1)\n  - Warning: {compared.diff.warnings[0]}\n" in compared.result.output
    assert compared.result.output.index("Warnings (1)") < compared.result.output.index("Pack details (1)")


def test_options_shown_in_another_order_are_listed_and_exit_0(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    options = question(new, "immediate_danger")["options"]
    options[0], options[1] = options[1], options[0]
    compared = compare(old, new)
    assert compared.result.exit_code == 0 and not compared.diff.routes
    assert "No changes" not in compared.result.output
    [item] = compared.diff.section("questions")
    assert [(c.field, c.old, c.new) for c in item.changes] == [
        ("order of the options shown", "yes, not_sure, no", "not_sure, yes, no")
    ]


def test_files_written_differently_are_not_said_to_have_no_changes(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    new["glossary"].reverse()
    contacts = copy.deepcopy(REAL_CONTACTS)
    contacts["contacts"].reverse()
    compared = compare(old, new, REAL_CONTACTS, contacts)
    assert compared.diff.unchanged and compared.result.exit_code == 0
    assert compared.diff.old.version != compared.diff.new.version
    assert "No changes" not in compared.result.output
    assert (
        "Nothing the packs ask, route or say changes, but the version stamped on every outcome page, request "
        f"and PDF changes from {compared.diff.old.version} to {compared.diff.new.version}: only how the files "
        "are written changed"
    ) in compared.result.output
    # The contacts alone in another order: the version covers them too.
    compared = compare(old, old, REAL_CONTACTS, contacts)
    assert compared.diff.unchanged and compared.diff.old.version != compared.diff.new.version
    assert "No changes" not in compared.result.output and "only how the files are written" in compared.result.output
    # The same files written with other quoting or key order have the same version: "No changes".
    same = compare(old, yaml.safe_dump(old, sort_keys=True), REAL_CONTACTS, REAL_CONTACTS)
    assert "No changes: the two packs ask, route and say the same." in same.result.output


def _rename_question(d: dict[str, Any], was: str, now: str) -> None:
    """Change question ``was``'s id to ``now`` everywhere the pack names it: routes, the first
    question, roles, ``implies`` and outcomes' change links."""
    question(d, was)["id"] = now

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key in ("next", "start", "question", "criteria_question") and value == was:
                    node[key] = now
                elif key == "implies" and was in value:
                    value[now] = value.pop(was)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(d)


def test_a_question_whose_id_alone_changed_is_compared_as_one(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (rules review): a question whose id alone changed was compared as one removed and
    another added, with every route through it listed as changed (hundreds for the criteria)."""
    _rename_question(new, "criteria", "reflective_space_help")  # named by roles and implies too
    _rename_question(new, "serious_incident", "serious_harm")  # named by outcome R's change link
    compared = compare(old, new)
    assert compared.result.exit_code == 0, compared.result.output
    assert not compared.diff.routes and not compared.diff.safeguarding
    assert compared.diff.renamed == {"serious_incident": "serious_harm", "criteria": "reflective_space_help"}
    items = compared.diff.section("questions")
    assert [(item.kind, [(c.field, c.old, c.new) for c in item.changes]) for item in items] == [
        ("changed", [("id", "serious_incident", "serious_harm")]),
        ("changed", [("id", "criteria", "reflective_space_help")]),
    ]
    assert items[0].note.startswith(
        "id changed from serious_incident to serious_harm (the same title and answers): compared as one question, "
        "so only routes that really changed are listed"
    )
    # Found (review of a rules update during use): nothing said that people part way through are asked it again.
    assert "people part way through who answered it are asked it again" in items[0].note
    assert compared.diff.section("pack") == compared.diff.section("outcomes") == ()
    assert "No route leads to a different outcome and no outcome changed. 2 other changes below." in (
        compared.result.output
    )


def test_routes_that_really_changed_through_a_question_whose_id_changed_are_listed(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    option(new, "multi_agency", "not_sure")["next"] = "S"
    moved = compare(old, new).diff.routes
    _rename_question(new, "multi_agency", "agencies")
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    assert_routes_are_real(compared)
    assert len(compared.diff.routes) == len(moved) > 0
    assert {route.sentence() for route in compared.diff.routes} == {
        'I\'m not sure at "Other agencies involved" now leads to S, was P'
    }
    [routed] = compared.diff.section("routes")
    assert routed.changes[0].new == "S"


@pytest.mark.parametrize("name", ["risk dropped", "yes marked safe"])
def test_a_safeguarding_check_weakened_through_an_id_change_exits_1(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any], name: str
) -> None:
    change, words = SAFEGUARDING_WEAKENED[name]
    change(new)
    renamed = re.search(r"question \"[^\"]*\" \((\w+)\)", words, re.IGNORECASE)
    assert renamed is not None
    _rename_question(new, renamed[1], "renamed_now")
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    assert compared.diff.safeguarding == (words.replace(f"({renamed[1]})", "(renamed_now)"),)


def test_an_id_changed_with_the_same_words_is_said_to_be_one(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """An option whose value alone changed is compared as two (one removed, one added): the
    routes that give them different answers are listed as changed, which reads as a change of
    routing unless the diff says the two have the same words. A question with the same title as
    one removed but other answers is said to be so too."""
    question(new, "multi_agency")["id"] = "agencies"
    question(new, "agencies")["options"].pop()
    for asked in new["questions"]:
        if asked.get("next") == "multi_agency":
            asked["next"] = "agencies"
    option(new, "supervision_discussed", "not_available")["value"] = "unavailable"
    compared = compare(old, new)
    assert compared.result.exit_code == 1 and compared.diff.routes
    [added, _] = compared.diff.section("questions")
    assert added.kind == "added" and "(agencies)" in added.subject
    assert added.note.endswith(
        "(the same title as question multi_agency, removed, but not the same answers, so the two are compared as "
        "different questions: routes that give them different answers are listed as changed)"
    )
    # The option whose value alone changed is compared as one (routes that really changed through
    # it: test_an_option_whose_value_alone_changed_is_compared_as_one).
    [changed] = compared.diff.section("options")
    assert changed.kind == "changed" and "(unavailable)" in changed.subject
    assert changed.note.startswith("value changed from not_available to unavailable (the same words)")


def test_an_option_whose_value_alone_changed_is_compared_as_one(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (rules review): an option whose value alone changed was compared as one removed and
    another added, every route through it listed twice, as no longer possible and as new."""
    option(new, "supervision_discussed", "not_available")["value"] = "unavailable"
    option(new, "criteria", "debrief")["value"] = "debrief_after_event"  # named by roles too
    new["roles"]["debrief_criterion"] = "debrief_after_event"
    option(new, "disagreement", "unclear")["implies"] = {"criteria": ["stuck"]}
    compared = compare(old, new)
    assert compared.result.exit_code == 0 and not compared.diff.routes and not compared.diff.safeguarding
    assert compared.diff.values_changed == {
        "criteria": {"debrief": "debrief_after_event"},
        "supervision_discussed": {"not_available": "unavailable"},
    }
    assert [[(c.field, c.old, c.new) for c in item.changes] for item in compared.diff.section("options")] == [
        [("value", "debrief", "debrief_after_event")],
        [("value", "not_available", "unavailable")],
    ]
    # The statistics count the criteria by value: said, as for any id changed.
    assert any("Answer debrief_after_event" in note for note in compared.diff.statistics_notes())
    # Routes that really changed through it are listed, and safeguarding checks weakened with it.
    option(new, "adult_at_risk", "yes_not_reported")["value"] = "not_reported"
    option(new, "adult_at_risk", "not_reported")["safe"] = True
    option(new, "supervision_discussed", "unavailable")["next"] = "S"
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    assert_routes_are_real(compared)
    assert {route.sentence() for route in compared.diff.routes} == {
        'Supervision is not available to me at "Talked about in supervision" now leads to S, was P'
    }
    assert compared.diff.safeguarding == (
        'Option "Yes, and it has not been reported" (not_reported) of question "Is your main worry that an adult '
        'with care and support…" (adult_at_risk) is now marked safe (safe: no → yes): it may lead on towards a '
        "request.",
    )


def test_a_long_answer_is_cut_in_the_line_that_names_its_routes(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    question(new, "criteria")["options"] = [
        o for o in question(new, "criteria")["options"] if o["value"] != "lived_experience"
    ]
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    sentences = {route.sentence() for route in compared.diff.routes}
    assert sentences == {
        f'I want to consider the impact of the child\'s current… at "What a reflective space would help with" '
        f"now: not a possible route, was {outcome}"
        for outcome in ("P", "S")
    }
    # Each route's answers still give it at length.
    assert "help with: I want to consider the impact of the child's current situation on…" in compared.result.output


def test_invalid_pack_exits_2_naming_file_and_field(cli: FlaskCliRunner, tmp_path: Path, new: dict[str, Any]) -> None:
    option(new, "serious_incident", "not_sure")["next"] = "nowhere"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(new), encoding="utf-8")
    result = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(bad)])
    assert result.exit_code == 2
    assert f"{bad}" in result.output and "question serious_incident option not_sure: next" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack: {name: [\n", encoding="utf-8")
    result = cli.invoke(args=["rules", "diff", str(broken), str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{broken}, line 1:" in result.output and "YAML could not read the file" in result.output
    assert f"{tmp_path / 'missing.yaml'} cannot be read: there is no such file" in result.output
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(yaml.safe_dump({"contacts": [], "emergency": ["nobody"]}), encoding="utf-8")
    result = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(DEFAULT_PACK), "--new-contacts", str(contacts)])
    assert result.exit_code == 2 and f"{contacts}" in result.output and "emergency" in result.output


def test_a_broken_contacts_file_both_packs_share_is_said_once(
    cli: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (operator review): a broken contacts file, the default one for both packs, was
    read for each pack, and each of its problems said twice, neither saying why."""
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(yaml.safe_dump({"contacts": [], "emergency": ["nobody"]}), encoding="utf-8")
    both = ["--old-contacts", str(contacts), "--new-contacts", str(contacts)]
    given = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(DEFAULT_PACK), *both])
    monkeypatch.setitem(cli.app.config, "CONTACTS_PATH", str(contacts))  # as CONTACTS_PATH= sets it
    default = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(DEFAULT_PACK)])
    for result in (given, default):
        assert result.exit_code == 2, result.output
        assert result.output.startswith("1 problem in the rule data:\n"), result.output
        assert result.output.count("emergency") == 1, result.output
        assert f"{contacts}" in result.output


NOT_TEXT = (
    "cannot be read: it is not a text file (a YAML file), but holds other data, as a picture, a Word document or "
    "a zip file does. Check that you named the right file; if you did, it was damaged: put back the copy kept "
    "before the change (or start from the shipped file in app/rules/, or examples/northmere/)"
)


@pytest.mark.parametrize(
    "data",
    [
        random.Random(7).randbytes(200),  # with 0 bytes: it was told as a file "saved as UTF-16"
        bytes(b or 1 for b in random.Random(8).randbytes(200)),  # none: "a character that is not UTF-8"
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(1, 200)),  # a zip file, as a Word document is
        bytes(200),  # a file of zeros, as a copy cut short leaves one
    ],
    ids=["random", "random-without-zeros", "zip", "zeros"],
)
def test_a_file_that_is_not_text_is_said_not_to_be(cli: FlaskCliRunner, tmp_path: Path, data: bytes) -> None:
    """Found (rules review): ``head -c 200 /dev/urandom > x.yaml`` given as a pack was "saved as
    UTF-16 ("Unicode" in Notepad)", and to save it again as UTF-8: no editor opens it as text."""
    given = tmp_path / "x.yaml"
    given.write_bytes(data)
    result = cli.invoke(args=["rules", "diff", str(given), str(DEFAULT_PACK)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output == f"1 problem in the rule data:\n  - {given} {NOT_TEXT}\n"
    result = cli.invoke(args=["rules", "check", "--pack", str(DEFAULT_PACK), "--contacts", str(given)])
    assert result.exit_code == 1 and f"{given} {NOT_TEXT}" in result.output and "UTF-16" not in result.output
    # A file saved as UTF-16 is still told as one (tests/rules/test_rules_validator.py).
    given.write_bytes(DEFAULT_PACK.read_text(encoding="utf-8").encode("utf-16-le"))
    result = cli.invoke(args=["rules", "diff", str(given), str(DEFAULT_PACK)])
    assert result.exit_code == 2 and 'it was saved as UTF-16 ("Unicode" in Notepad)' in result.output


def test_a_file_in_windows_1252_with_a_stray_control_byte_is_said_to_be_so(cli: FlaskCliRunner, tmp_path: Path) -> None:
    """Found (rules review): a pack saved as Windows-1252 with a stray control byte too was "not a
    text file", by rules diff and rules check alike (start-up: tests/rules/test_rules_cli.py)."""
    given = tmp_path / "saved-in-word.yaml"
    text = DEFAULT_PACK.read_text(encoding="utf-8").replace("\n", "\x1a\n", 1)
    given.write_bytes(f"# Salford\u201ds copy\n{text}".encode("cp1252", errors="replace"))
    said = (
        f"{given}, line 1: cannot be read: this line has a character (byte 0x94: '\u201d', if it was saved as "
        "Windows-1252) that is not UTF-8 text, as the file must be. Save the file again as UTF-8 (in most editors: "
        "Save As, then Encoding: UTF-8). Line 2 also has a control character (code 0x1a) that a text file does not "
        "hold and most editors do not show: type that line again"
    )
    result = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(given)])
    assert result.exit_code == 2 and result.output == f"1 problem in the rule data:\n  - {said}\n"
    result = cli.invoke(args=["rules", "check", "--pack", str(given)])
    assert result.exit_code == 1 and said in result.output and "not a text file" not in result.output


# ---------------------------------------------------------------- exhaustive check on small packs


def _insert_question(d: dict[str, Any]) -> None:
    d["questions"].insert(
        2,
        {
            "id": "extra",
            "kind": "single",
            "risk": True,
            "title": {"both": "Extra?"},
            "error": {"both": "Select one"},
            "cites": ["g1"],
            "options": [
                {"value": "yes", "label": {"both": "Yes"}, "next": "urgent"},
                {"value": "no", "label": {"both": "No"}, "safe": True, "next": "reasons"},
            ],
        },
    )
    option(d, "danger", "no")["next"] = "extra"
    option(d, "danger", "reviewed")["next"] = "extra"


def _remove_question(d: dict[str, Any]) -> None:
    # The confirmation goes, and another takes its place (the validator refuses a request
    # outcome reached without one); where each set of answers ends is unchanged.
    confirmation = {**question(d, "sure"), "id": "agree"}
    question(d, "reasons")["next"] = "agree"
    d["questions"] = [q for q in d["questions"] if q["id"] != "sure"] + [confirmation]


def _start_elsewhere(d: dict[str, Any]) -> None:
    d["pack"]["start"] = "danger"
    d["questions"] = [q for q in d["questions"] if q["id"] != "mode"]


def _none_becomes_ordinary(d: dict[str, Any]) -> None:
    option(d, "reasons", "none").update(exclusive=False, next=None)
    del question(d, "reasons")["exclusive_error"]  # only a question with an exclusive option has one
    option(d, "danger", "reviewed")["next"] = "elsewhere"  # keeps that outcome reachable


def _swap_routes(d: dict[str, Any]) -> None:
    question(d, "reasons")["next"] = "elsewhere"
    option(d, "reasons", "none")["next"] = "sure"


# Changes to the tiny test pack (conftest.TINY_PACK), each applied to make the new version.
VARIANTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "same": lambda d: None,
    "retarget": lambda d: (
        d["outcomes"].insert(1, {**copy.deepcopy(d["outcomes"][0]), "id": "check"}),
        option(d, "danger", "unsure").update(next="check"),
    ),
    "option removed": lambda d: question(d, "danger")["options"].pop(1),
    "option added": lambda d: question(d, "danger")["options"].append(
        {"value": "other", "label": {"both": "Other"}, "safe": True, "next": "sure"}
    ),
    "ordinary option added": lambda d: question(d, "reasons")["options"].insert(
        2, {"value": "c", "label": {"both": "C"}}
    ),
    "ordinary option removed": lambda d: question(d, "reasons")["options"].pop(1),
    "none becomes ordinary": _none_becomes_ordinary,
    "ordinary becomes none": lambda d: option(d, "reasons", "b").update(exclusive=True, next="elsewhere"),
    "ticked options and none swap routes": _swap_routes,
    "question inserted": _insert_question,
    "question removed": _remove_question,
    "start changed": _start_elsewhere,
}


# Changes after which every set of answers still ends where it did: a confirmation question
# replaced by another, or the mode question (which only sets the wording) skipped.
UNCHANGED_OUTCOMES = {"same", "question removed", "start changed"}


def assignments(old: RulePack, new: RulePack) -> Iterator[dict[str, Any]]:
    """Every combination of answers to every question of either pack (multiple choice: every selection)."""
    values: dict[str, list[str]] = {}
    multiple: set[str] = set()
    for pack in (old, new):
        for q in pack.questions:
            values.setdefault(q.id, []).extend(o.value for o in q.options if o.value not in values.get(q.id, []))
            if q.kind == "multiple":
                multiple.add(q.id)

    def answerable(question_id: str, selection: list[str]) -> bool:  # in at least one of the packs
        for pack in (old, new):
            q = pack.question(question_id)
            try:
                if q is not None and normalise(q, selection if q.kind == "multiple" else selection[0]):
                    return True
            except InvalidAnswer:
                pass
        return False

    choices: dict[str, list[Any]] = {
        qid: [list(s) for n in range(1, len(vs) + 1) for s in itertools.combinations(vs, n) if answerable(qid, list(s))]
        if qid in multiple
        else list(vs)
        for qid, vs in values.items()
    }
    for combination in itertools.product(*choices.values()):
        yield dict(zip(choices, combination, strict=True))


def ending(pack: RulePack, answers: dict[str, Any]) -> str | None:
    state = evaluate(pack, answers)
    return state.outcome.id if state.outcome else None


def fits(change: RouteChange, answers: dict[str, Any]) -> bool:
    """Whether ``answers`` plausibly belong to the route: the same single answers, overlapping selections."""
    for question_id, values in change.steps:
        given = answers.get(question_id)
        if isinstance(given, list):
            if not set(given) & set(values):
                return False
        elif given not in values:
            return False
    return True


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_answer_combination_that_changes_outcome_is_reported(
    name: str, pack_data: dict[str, Any], write_pack: Callable[..., Path]
) -> None:
    old_pack = load_pack(write_pack(pack_data, "old.yaml"))
    VARIANTS[name](pack_data)
    new_pack = load_pack(write_pack(pack_data, "new.yaml"))
    diff = diff_packs(old_pack, new_pack)
    for change in diff.routes:  # every route reported is real
        assert (outcome_of(old_pack, change), outcome_of(new_pack, change)) == (change.old_outcome, change.new_outcome)
    checked = 0
    for answers in assignments(old_pack, new_pack):  # every real change is reported
        before, after = ending(old_pack, answers), ending(new_pack, answers)
        if before != after:
            checked += 1
            assert any(c.old_outcome == before and c.new_outcome == after and fits(c, answers) for c in diff.routes), (
                answers,
                before,
                after,
            )
    assert (checked == 0) == (not diff.routes) == (name in UNCHANGED_OUTCOMES)
    assert diff.exit_code == (0 if name in UNCHANGED_OUTCOMES else 1)
    assert diff.unchanged == (name == "same")


def _one_wording(data: Any) -> Any:
    """Pack data as packs were written before every text needed its supervision wording:
    each mode-neutral text a plain string."""
    if isinstance(data, dict):
        if set(data) == {"both"}:
            return data["both"]
        return {key: _one_wording(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_one_wording(value) for value in data]
    return data


def test_a_live_pack_from_before_supervision_wording_was_required_can_be_compared(
    cli: FlaskCliRunner, tmp_path: Path, old: dict[str, Any]
) -> None:
    """The live (old) pack may give one wording for both modes; the new one may not."""
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump(_one_wording(old), sort_keys=False), encoding="utf-8")
    result = cli.invoke(args=["rules", "diff", str(plain), str(DEFAULT_PACK)])
    assert result.exit_code == 0, result.output
    # The same words, written as one for both modes: the version changes, and the summary says so.
    assert "Nothing the packs ask, route or say changes, but the version stamped on every" in result.output
    assert "only how the files are written changed" in result.output
    result = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(plain)])
    assert result.exit_code == 2
    assert f"{plain}" in result.output and "question mode: title: has no supervision wording" in result.output


def test_a_live_pack_from_before_acronyms_were_checked_can_be_compared(cli: FlaskCliRunner, tmp_path: Path) -> None:
    """A live pack with an acronym it does not spell out ("Tell your DSL.") was valid before the
    check: as the OLD pack it is read, so the change that spells it out can be reviewed."""
    text = DEFAULT_PACK.read_text(encoding="utf-8")
    assert "- practitioner: Tell your designated safeguarding lead today." in text
    live = tmp_path / "live.yaml"
    live.write_text(
        text.replace("Tell your designated safeguarding lead today.", "Tell your DSL today.", 1), encoding="utf-8"
    )
    result = cli.invoke(args=["rules", "diff", str(live), str(DEFAULT_PACK)])
    assert result.exit_code == 1, result.output  # an outcome's action changed
    assert '"Tell your DSL today." → "Tell your designated safeguarding lead today."' in result.output
    result = cli.invoke(args=["rules", "diff", str(DEFAULT_PACK), str(live)])
    assert result.exit_code == 2
    assert f"{live}" in result.output and "outcome U1: actions[3]: uses the acronym DSL" in result.output


def test_a_contact_change_read_with_the_same_contacts_says_it_cannot_show(cli: FlaskCliRunner, tmp_path: Path) -> None:
    """Found: following the documented review for a phone-number change (copy the pack, edit
    the contacts, ``rules diff /tmp/live.yaml app/rules/space_to_think.yaml``) read both sides
    with the same installed contacts and said "No changes", exit 0. The output must say the
    contacts were not compared; with ``--old-contacts`` (a copy as they were) the change shows."""
    live = tmp_path / "live.yaml"
    live.write_text(DEFAULT_PACK.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli.invoke(args=["rules", "diff", str(live), str(DEFAULT_PACK)])
    assert result.exit_code == 0, result.output
    assert "No changes:" not in result.output
    assert (
        f"Both packs were read with the same contacts file ({DEFAULT_CONTACTS}), so changes to contacts are not "
        "compared: give --old-contacts with a copy of the contacts as they were." in result.output
    )
    assert f"Contacts: {DEFAULT_CONTACTS} (the same file for both)" in result.output
    markdown = cli.invoke(args=["rules", "diff", str(live), str(DEFAULT_PACK), "--format", "markdown"])
    assert "so changes to contacts are not compared" in markdown.output
    # The same file named twice, by another spelling of its path, is still the same file.
    result = cli.invoke(
        args=[
            "rules",
            "diff",
            str(live),
            str(DEFAULT_PACK),
            "--old-contacts",
            str(DEFAULT_CONTACTS.parent / ".." / "rules" / "contacts.yaml"),
        ]
    )
    assert "so changes to contacts are not compared" in result.output

    contacts = copy.deepcopy(REAL_CONTACTS)
    emergency = next(c for c in contacts["contacts"] if c["id"] == "police_emergency")
    emergency["phone"] = "112"
    changed = tmp_path / "new-contacts.yaml"
    changed.write_text(yaml.safe_dump(contacts, sort_keys=False), encoding="utf-8")
    result = cli.invoke(args=["rules", "diff", str(live), str(DEFAULT_PACK), "--old-contacts", str(changed)])
    assert result.exit_code == 1, result.output  # a contact on every page changed: for review
    assert "not compared" not in result.output
    assert "phone: 112 → 999" in result.output


def test_diff_packs_says_when_contacts_were_not_compared() -> None:
    contacts = load_contacts()
    pack = load_pack(DEFAULT_PACK, contacts)
    same = diff_packs(pack, pack, contacts, contacts)
    assert same.unchanged and same.same_contacts == contacts.path
    assert same.summary().startswith("No changes to the packs:") and "not compared" in same.summary()
    assert "not compared" in diff_packs(pack, pack).summary()
    other = load_contacts(Path("examples/northmere/contacts.yaml"))
    assert "not compared" not in diff_packs(pack, pack, contacts, other).summary()


def test_a_question_added_is_told_by_its_own_answer_in_the_order_asked(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (rules review): a question added before the criteria gave 192 routes (167 KB) under
    a headline that blamed "No" at the question before it, with the new answer listed last."""
    option(new, "decision_needed", "no")["next"] = "training"
    new["questions"].append(
        {
            "id": "training",
            "kind": "single",
            "title": {"both": "Are you mainly looking for training rather than reflection?"},
            "error": {"both": "Select whether you are mainly looking for training"},
            "cites": ["seed_note"],
            "options": [
                {"value": "yes", "label": {"both": "Yes, training"}, "next": "S"},
                {"value": "no", "label": {"both": "No"}, "next": "criteria"},
            ],
        }
    )
    compared = compare(old, new)
    groups = compared.diff.route_groups()
    assert all(sentence.startswith('Yes, training at "Are you mainly looking for') for sentence, _ in groups)
    assert all(route.new_outcome == "S" for route in compared.diff.routes)
    first = compared.diff.routes[0]
    asked = [answer.question_id for answer in first.answers]
    assert asked.index("decision_needed") + 1 == asked.index("training")  # where it is asked
    # The answers the old route goes on to (the criteria, the confirmation...), which the new one
    # ends before, are said apart (found, new-developer review: listed as if the new route asked them).
    route_words, _, old_route_only = first.answers_text().partition(" (then, on the old route only: ")
    assert route_words.endswith("Yes, training") and old_route_only.endswith(")")
    understand = next(q for q in new["questions"] if q["id"] == "understand")
    assert understand["short"]["both" if "both" in understand["short"] else "practitioner"] in old_route_only
    text = compared.result.output
    assert "more routes like these (--all-routes lists every one)" in text
    assert len(text) < 20_000


def test_each_answer_is_classed_and_followed_once_per_comparison(
    tmp_path: Path, old: dict[str, Any], new: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk through both packs meets the same question on many routes: it works out each
    question's classes of answers, and where each answer leads, once per comparison, and finds
    the same routes whichever way round and however often it is asked."""
    import app.rules.diff as diff_module

    option(new, "multi_agency", "not_sure")["next"] = "S"
    paths = [tmp_path / "old.yaml", tmp_path / "new.yaml"]
    for path, data in zip(paths, (old, new), strict=True):
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    old_pack, new_pack = load_pack(paths[0]), load_pack(paths[1])
    classed: list[str] = []
    followed: list[tuple[int, tuple[str, ...]]] = []
    answer_classes, target = diff_module._answer_classes, diff_module._target

    def counting_classes(a: Any, b: Any) -> Any:
        classed.append((a or b).id)
        return answer_classes(a, b)

    def counting_target(question: Any, values: tuple[str, ...]) -> Any:
        followed.append((id(question), values))
        return target(question, values)

    monkeypatch.setattr(diff_module, "_answer_classes", counting_classes)
    monkeypatch.setattr(diff_module, "_target", counting_target)
    routes = route_changes(old_pack, new_pack)
    assert routes
    assert sorted(classed) == sorted(set(classed)), "a question's answers were classed again"
    assert len(followed) == len(set(followed)), "an answer was followed again"
    monkeypatch.undo()
    assert route_changes(old_pack, new_pack) == routes
    assert {change.steps for change in routes} == {change.steps for change in route_changes(old_pack, new_pack)}


def test_routes_an_answer_taken_out_ends_are_told_by_that_answer_beside_a_question_added(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Found (rules maintainer's review): with a question added before the criteria and a criterion
    taken out, the routes that chose the retired criterion were told as 'No at "<the new question>"
    now: not a possible route', as if the new question's No were broken; and "704 routes" read as
    wrong beside `rules check`'s "334 paths"."""
    wellbeing_added_and_lived_experience_retired(new)
    compared = compare(old, new)
    impossible = {route.sentence() for route in compared.diff.routes if route.new_outcome is None}
    assert impossible == {
        f'I want to consider the impact of the child\'s current… at "What a reflective space would help with" '
        f"now: not a possible route, was {outcome}"
        for outcome in ("P", "S")
    }
    assert "Routes whose outcome changes" in compared.result.output
    assert "A route is one set of answers a person could give, followed through both packs" in compared.result.output


def test_a_change_to_when_a_contact_is_open_is_listed(compare: Callable[..., Compared], old: dict[str, Any]) -> None:
    """The Bridge's ``open`` data (whether outcome pages say it is open now) is part of what
    `rules diff` compares, as its hours in words are."""
    contacts = copy.deepcopy(REAL_CONTACTS)
    bridge = next(c for c in contacts["contacts"] if c["id"] == "childrens_social_care")
    bridge["open"] = {**bridge["open"], "until": "16:00"}
    compared = compare(old, old, REAL_CONTACTS, contacts)
    assert "Monday, Tuesday, Wednesday, Thursday, Friday, 08:30 to 16:00" in compared.result.output
    assert "08:30 to 16:30" in compared.result.output
    assert any("open hours" in line for line in compared.diff.safeguarding), compared.diff.safeguarding
    # Open on bank holidays (the line no longer closed on them) is a change to when it is open.
    del bridge["open"]["bank_holidays"]
    bridge["open"]["until"] = "16:30"
    compared = compare(old, old, REAL_CONTACTS, contacts)
    assert "08:30 to 16:30, closed on bank holidays in England, otherwise out_of_hours" in compared.result.output
    assert "08:30 to 16:30, otherwise out_of_hours" in compared.result.output
    assert any("open hours" in line for line in compared.diff.safeguarding), compared.diff.safeguarding


def test_a_route_no_longer_marked_to_act_on_now_is_a_safeguarding_change(
    compare: Callable[..., Compared], old: dict[str, Any], new: dict[str, Any]
) -> None:
    """``act_now`` taken off U2 (where "I'm not sure" whether a child is in danger leads) changes
    what its page says of a closed phone line, and its redirect email: for the safeguarding lead to
    agree, and listed under the outcome. Put on, it is listed (a changed outcome) but weakens nothing."""
    u2 = next(outcome for outcome in new["outcomes"] if outcome["id"] == "U2")
    assert u2.pop("act_now") is True
    compared = compare(old, new)
    assert compared.result.exit_code == 1
    assert any("is no longer marked to act on now" in note for note in compared.diff.safeguarding)
    assert "to act on now: yes → no" in compared.result.output
    again = compare(new, old)
    assert again.diff.safeguarding == (), again.result.output
    assert "to act on now: no → yes" in again.result.output
