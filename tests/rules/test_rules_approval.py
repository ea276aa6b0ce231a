"""The safeguarding routes as the partnership's safeguarding lead approved them (app/rules/approval.py).

Found (rules maintainer's review): a pack with "Yes" and "I'm not sure" swapped on "Is a child in
immediate danger?" (a child in danger sent past 999), or the LADO's and adult social care's routes
swapped, passed ``rules check`` with no warning and the app started with it; only ``rules diff``
named the change, and nothing made anyone run it.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner

from app.config import StartupError
from app.pack import load_rules
from app.rules import DEFAULT_CONTACTS, DEFAULT_PACK, DEFAULT_PARTNERSHIP, check_rules
from app.rules.approval import agreed_text, approved_copy
from app.uk_time import uk_today

SWAPPED = 'Yes at "Immediate danger or significant harm" now leads to U2, was U1'


def copied(tmp_path: Path, approved: bool = True) -> tuple[Path, Path]:
    """The shipped pack and contacts copied to ``tmp_path``, with their approved copies."""
    pack, contacts = tmp_path / "space_to_think.yaml", tmp_path / "contacts.yaml"
    shutil.copyfile(DEFAULT_PACK, pack)
    shutil.copyfile(DEFAULT_CONTACTS, contacts)
    if approved:
        shutil.copyfile(approved_copy(DEFAULT_PACK), approved_copy(pack))
        shutil.copyfile(approved_copy(DEFAULT_CONTACTS), approved_copy(contacts))
    return pack, contacts


def changed(pack: Path, change: Any) -> None:
    data = yaml.safe_load(pack.read_text(encoding="utf-8"))
    change(data)
    pack.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def swap_immediate_danger(data: dict[str, Any]) -> None:
    """Where "Yes" and "I'm not sure" lead on the immediate danger question, swapped."""
    [question] = [question for question in data["questions"] if question["id"] == "immediate_danger"]
    options = {option["value"]: option for option in question["options"]}
    options["yes"]["next"], options["not_sure"]["next"] = options["not_sure"]["next"], options["yes"]["next"]


def app_with(pack: Path, contacts: Path, env: str) -> Flask:
    app = Flask(__name__)
    app.config.update(
        RULE_PACK_PATH=str(pack), CONTACTS_PATH=str(contacts), PARTNERSHIP_PATH=str(DEFAULT_PARTNERSHIP), APP_ENV=env
    )
    return app


def test_the_shipped_rules_are_as_approved() -> None:
    report = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, uk_today(), partnership_path=DEFAULT_PARTNERSHIP)
    assert report.problems == () and report.unapproved == ()


def test_a_safeguarding_route_changed_since_approval_stops_rules_check_and_start_up(
    tmp_path: Path, runner: FlaskCliRunner
) -> None:
    pack, contacts = copied(tmp_path)
    changed(pack, swap_immediate_danger)
    result = runner.invoke(args=["rules", "check", "--pack", str(pack), "--contacts", str(contacts)])
    assert result.exit_code == 1
    assert (
        f"{pack} (or {contacts}) has a safeguarding check changed since the partnership's safeguarding lead"
        in result.output
    )
    assert SWAPPED in result.output and "then run flask rules approve" in result.output
    for env in ("development", "production"):
        with pytest.raises(StartupError) as caught:
            load_rules(app_with(pack, contacts, env))
        assert SWAPPED in str(caught.value)


def test_a_contact_dropped_from_the_999_outcome_since_approval_is_refused(tmp_path: Path) -> None:
    pack, contacts = copied(tmp_path)

    def drop_999(data: dict[str, Any]) -> None:
        [outcome] = [outcome for outcome in data["outcomes"] if outcome["id"] == "U1"]
        outcome["contacts"] = outcome["contacts"][1:]

    changed(pack, drop_999)
    report = check_rules(pack, contacts, uk_today())
    assert report.pack is None and any("U1" in problem.unapproved for problem in report.problems), report.problems


def test_a_condition_put_on_the_999_contact_since_approval_is_refused(tmp_path: Path) -> None:
    """Found (rules maintainer's review): "If you think it is needed" put before U1's "Phone 999" was
    listed by rules diff among any outcome's changes, not the safeguarding checks."""
    pack, contacts = copied(tmp_path)

    def condition_999(data: dict[str, Any]) -> None:
        [outcome] = [outcome for outcome in data["outcomes"] if outcome["id"] == "U1"]
        first = outcome["contacts"][0]
        outcome["contacts"][0] = {"id": first, "when": {"both": "If you think it is needed"}}

    changed(pack, condition_999)
    report = check_rules(pack, contacts, uk_today())
    assert [problem.unapproved for problem in report.problems if problem.unapproved] == [
        'Outcome U1 "Call 999 and contact children\'s social care now", where an answer showing a risk leads, changes '
        "its notes on when a contact applies: what it tells the person to do with the risk."
    ], report.problems


def test_words_changed_need_no_approval(tmp_path: Path) -> None:
    pack, contacts = copied(tmp_path)

    def reword(data: dict[str, Any]) -> None:
        [outcome] = [outcome for outcome in data["outcomes"] if outcome["id"] == "P"]
        outcome["title"] = {"both": "A reflective practice session could help"}

    changed(pack, reword)
    report = check_rules(pack, contacts, uk_today())
    assert report.problems == () and report.unapproved == ()


def test_rules_approve_lists_the_changes_asks_and_writes_the_approved_copies(
    tmp_path: Path, runner: FlaskCliRunner
) -> None:
    pack, contacts = copied(tmp_path)
    changed(pack, swap_immediate_danger)
    was = approved_copy(pack).read_bytes()
    args = ["rules", "approve", "--pack", str(pack), "--contacts", str(contacts)]
    refused = runner.invoke(args=args, input="n\n")
    assert refused.exit_code == 1 and SWAPPED in refused.output and "Nothing approved" in refused.output
    assert approved_copy(pack).read_bytes() == was
    # Who agreed them is asked for, and written in the copies with the time (found: nothing recorded either).
    agreed = runner.invoke(args=args, input="y\n\nSam Jones, safeguarding lead\n")
    assert agreed.exit_code == 0, agreed.output
    assert "Who agreed them?" in agreed.output
    assert agreed_text(approved_copy(pack)) == pack.read_bytes()
    assert agreed_text(approved_copy(contacts)) == contacts.read_bytes()
    record = approved_copy(pack).read_text(encoding="utf-8").splitlines()[0]
    assert record.startswith("# Approved with flask rules approve on ") and record.endswith(
        " UTC: agreed by Sam Jones, safeguarding lead."
    )
    checked = runner.invoke(args=["rules", "check", "--pack", str(pack), "--contacts", str(contacts)])
    assert checked.exit_code == 0 and "valid" in checked.output and "Warning" not in checked.output
    # A pack given alone is checked without a partnership file, and says so (regression review).
    assert "Partnership: not checked. Give --partnership FILE too" in checked.output
    assert f"{approved_copy(pack).name}: agreed by Sam Jones, safeguarding lead on " in checked.output
    # (The contacts unchanged since the shipped copy: its own record stands, said for that file.)
    assert f"{approved_copy(contacts).name}: agreed by the Space to Think developers" in checked.output
    # Approved again with nothing changed, the earlier record stands.
    again = runner.invoke(args=[*args, "--yes", "--by", "Someone Else"])
    assert again.exit_code == 0 and approved_copy(pack).read_text(encoding="utf-8").splitlines()[0] == record
    assert f"{approved_copy(pack).name} is unchanged: its earlier record stands (agreed by Sam Jones" in again.output
    # A copy with no record (approved before records were kept) is said to have none, each file for itself.
    approved_copy(contacts).write_bytes(contacts.read_bytes())
    checked = runner.invoke(args=["rules", "check", "--pack", str(pack), "--contacts", str(contacts)])
    assert f"{approved_copy(contacts).name}: approved, with no record of who agreed it or when." in checked.output
    assert f"{approved_copy(pack).name}: agreed by Sam Jones" in checked.output
    # With --yes, who agreed must be said: nothing is approved without it.
    changed(pack, swap_immediate_danger)
    unsaid = runner.invoke(args=[*args, "--yes"])
    assert unsaid.exit_code == 1 and "say who agreed them, with --by" in unsaid.output
    assert agreed_text(approved_copy(pack)) != pack.read_bytes()


def test_rules_approve_with_no_approved_copy_to_compare_with_lists_every_safety_route_only_when_asked(
    tmp_path: Path, runner: FlaskCliRunner
) -> None:
    """Found (regression review): a changed contacts file, edited where the live file's approved copy
    was not, was approved as "never approved before", listing nothing: the change went live, never
    shown to anyone. Now, with no approved copy beside the files, nothing is approved but with
    --first, which lists every route an answer showing a risk takes."""
    pack, contacts = copied(tmp_path, approved=False)
    changed(pack, swap_immediate_danger)
    args = ["rules", "approve", "--pack", str(pack), "--contacts", str(contacts), "--yes", "--by", "Sam Jones"]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1 and "Nothing approved" in refused.output and "--first" in refused.output
    assert not approved_copy(pack).exists()
    first = runner.invoke(args=[*args, "--first"])
    assert first.exit_code == 0, first.output
    assert (
        '"Yes" to "Immediate danger or significant harm" leads to U2 "Share your concern with children\'s social care '
        'now"' in first.output
    )
    assert agreed_text(approved_copy(pack)) == pack.read_bytes()
    # Every contact with its number, those on every page said so (found, another area's review: the
    # safeguarding lead agreed another area's out-of-hours number, shown only its id).
    from app.rules import load_contacts

    out_of_hours = load_contacts(contacts).get("out_of_hours")
    assert out_of_hours is not None and out_of_hours.phone
    assert f"  - {out_of_hours.name} (out_of_hours): phone {out_of_hours.phone} (" in first.output
    assert "Every contact as the pages give it, to check against its source (9):" in first.output
    assert first.output.count("[on every page]") == 3
    # What rules check warns of is said before the question (found, regression review: a fictional
    # number was listed for the safeguarding lead to agree with no word of the warning).
    adult = load_contacts(contacts).get("adult_social_care")
    assert adult is not None and adult.phone
    contacts.write_text(contacts.read_text(encoding="utf-8").replace(adult.phone, "01632 960 123"), encoding="utf-8")
    for approved in (approved_copy(pack), approved_copy(contacts)):
        approved.unlink()
    warned = runner.invoke(args=[*args, "--first"])
    assert warned.exit_code == 0, warned.output
    assert "rules check warns of these in the files (1): mend them first" in warned.output
    assert "The partnership file was not checked: give --partnership FILE too" in warned.output
    assert "01632 960 123 is one of Ofcom's numbers for drama and examples" in warned.output


def test_rules_approve_shows_a_changed_contacts_old_and_new_details_and_an_unchanged_verification(
    tmp_path: Path, runner: FlaskCliRunner
) -> None:
    """Found (another area's review): after a contact's number changed, `approve` said only that it
    "changes its phone number" and approved it: not from what to what, nor that its verification
    date had not changed, as `rules diff` says."""
    pack, contacts = copied(tmp_path)
    text = contacts.read_text(encoding="utf-8")
    from app.rules import load_contacts

    old = load_contacts(contacts).get("out_of_hours")
    assert old is not None and old.phone and f"phone: {old.phone}\n" in text
    new_number = old.phone[:-1] + ("1" if old.phone[-1] != "1" else "2")
    contacts.write_text(text.replace(f"phone: {old.phone}\n", f"phone: {new_number}\n", 1), encoding="utf-8")
    args = ["rules", "approve", "--pack", str(pack), "--contacts", str(contacts), "--yes", "--by", "Sam Jones"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "What changed in the contacts, as rules diff gives it:" in result.output
    assert f"      phone: {old.phone} → {new_number}" in result.output
    assert "but the verified date did not change" in result.output
    # Changed to a fictional number: what rules check warns of in the files is said there too (found,
    # regression review: with a change to approve, the pack's and contacts' warnings went unsaid).
    text = contacts.read_text(encoding="utf-8")
    contacts.write_text(text.replace(f"phone: {new_number}\n", "phone: 01632 960 198\n", 1), encoding="utf-8")
    fictional = runner.invoke(args=args)
    assert fictional.exit_code == 0, fictional.output
    assert "rules check warns of these in the files" in fictional.output
    assert "01632 960 198 is one of Ofcom's numbers for drama and examples" in fictional.output


def test_rules_approve_refuses_files_that_are_not_valid(tmp_path: Path, runner: FlaskCliRunner) -> None:
    pack, contacts = copied(tmp_path, approved=False)
    changed(pack, lambda data: data["questions"][0].pop("options"))
    result = runner.invoke(args=["rules", "approve", "--pack", str(pack), "--contacts", str(contacts), "--yes"])
    assert result.exit_code == 1 and "Nothing approved: the files are not valid" in result.output
    assert not approved_copy(pack).exists()


def test_without_approved_copies_production_refuses_and_elsewhere_it_is_a_warning(
    tmp_path: Path, runner: FlaskCliRunner
) -> None:
    pack, contacts = copied(tmp_path, approved=False)
    result = runner.invoke(args=["rules", "check", "--pack", str(pack), "--contacts", str(contacts)])
    assert result.exit_code == 0 and "valid" in result.output
    assert f"Warning: {pack} has no approved copy" in result.output
    load_rules(app_with(pack, contacts, "development"))  # starts
    with pytest.raises(StartupError) as caught:
        load_rules(app_with(pack, contacts, "production"))
    assert "has no approved copy" in str(caught.value) and "flask rules approve" in str(caught.value)


def test_999s_outcome_left_unreached_says_what_it_is_and_not_to_remove_it(tmp_path: Path) -> None:
    """Found (rules maintainer's review): with "Yes, immediate danger" sent to the LADO by mistake, the
    only problem said U1 could not be reached, and offered "Remove the outcome"; removed, the pack was
    valid with a warning, the child in danger sent past 999."""
    pack, contacts = copied(tmp_path)

    def to_the_lado(data: dict[str, Any]) -> None:
        [question] = [question for question in data["questions"] if question["id"] == "immediate_danger"]
        [yes] = [option for option in question["options"] if option["value"] == "yes"]
        yes["next"] = "L"

    changed(pack, to_the_lado)
    report = check_rules(pack, contacts, uk_today())
    [unreached] = [problem for problem in report.problems if problem.node == "outcome U1"]
    assert "It is where someone is told to call 999 first" in unreached.message
    assert "Do not remove this outcome" in unreached.message and "Remove the" not in unreached.message
    # Another outcome no answer reaches keeps the usual advice.
    changed(pack, lambda data: data["outcomes"].append({**copy.deepcopy(data["outcomes"][-1]), "id": "Z"}))
    report = check_rules(pack, contacts, uk_today())
    [other] = [p for p in report.problems if p.node == "outcome Z" and "cannot be reached" in p.message]
    assert "Remove the outcome only if the partnership has agreed to retire it" in other.message
