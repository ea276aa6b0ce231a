"""``rules check`` and start-up report every problem in one run, and warn about what is due."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner

from app import uk_time
from app.config import StartupError
from app.pack import load_rules
from app.rules import DEFAULT_CONTACTS, DEFAULT_PARTNERSHIP, Contact, check_pack, check_rules
from support.clock import stop_clock
from support.pack_data import option, question

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def today_stays_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands these tests run see TODAY as the date in the UK, however long the run takes.
    Found (CI started at 23:55): TODAY is read once, when the module is imported, and a command run
    after midnight read the next day, where a contact verified two days after TODAY was only a day
    ahead, within the day's grace, so not in the future."""
    stop_clock(monkeypatch, dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC), uk_time)


# The shipped contacts' details that the tests below change in a copy, read from the file, so
# that the partnership changing the Bridge's number or a verified date fails only the tests that
# check the contacts against CONTENT.md, not these of the checks themselves.
SHIPPED_CONTACTS = DEFAULT_CONTACTS.read_text(encoding="utf-8")
BRIDGE_PHONE_LINE = re.search(r"phone: (0[0-9 ]+)\n", SHIPPED_CONTACTS)
assert BRIDGE_PHONE_LINE is not None, "the shipped contacts have a phone number starting with 0"
BRIDGE_PHONE = BRIDGE_PHONE_LINE.group(1)  # the first full number in the file: the Bridge's
FIRST_VERIFIED_ON = re.search(r'"on": [0-9-]+', SHIPPED_CONTACTS)
assert FIRST_VERIFIED_ON is not None, "the shipped contacts say when each was verified"


def three_mistakes(pack_data: dict[str, Any]) -> dict[str, Any]:
    """A pack with three mistakes of three kinds: a field that cannot be read, a route to a
    node that does not exist, and a risk answer that could lead to the request."""
    del question(pack_data, "sure")["title"]
    option(pack_data, "reasons", "none")["next"] = "elswhere"
    option(pack_data, "danger", "yes")["next"] = "reasons"
    return pack_data


def listed(output: str) -> list[str]:
    """The problem lines of a ``DefinitionError`` message."""
    return [line for line in output.splitlines() if line.startswith("  - ")]


def test_rules_check_lists_the_problems_file_by_file_and_by_line(
    runner: FlaskCliRunner, pack_data: dict[str, Any], write_pack: Callable[..., Path], tmp_path: Path
) -> None:
    """Found (review): the problems were listed in the order the checks ran, not by line. Now file
    by file, each file's problems with no line first (the file as a whole, or what is missing),
    then by line."""
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text("contacts: [\n", encoding="utf-8")  # not YAML: a problem with the whole file
    path = write_pack(three_mistakes(pack_data))
    result = runner.invoke(args=["rules", "check", "--pack", str(path), "--contacts", str(contacts)])
    assert result.exit_code == 1
    lines = listed(result.output)
    assert len(lines) >= 4 and str(contacts) in lines[0], result.output
    in_pack = [line for line in lines if line.startswith(f"  - {path}")]
    numbers = [int(found[1]) for line in in_pack if (found := re.match(rf"  - {re.escape(str(path))}:(\d+):", line))]
    unlined = [line for line in in_pack if not re.match(rf"  - {re.escape(str(path))}:\d+:", line)]
    assert numbers == sorted(numbers) and len(numbers) >= 2, in_pack
    assert in_pack[: len(unlined)] == unlined  # those with no line first


def contacts_data(verified: dt.date) -> dict[str, Any]:
    """The installed contacts, every one last verified on ``verified``."""
    data = yaml.safe_load(DEFAULT_CONTACTS.read_text(encoding="utf-8"))
    for contact in data["contacts"]:
        verify(contact, verified.isoformat())
    return data


def verify(contact: dict[str, Any], on: str) -> None:
    """Set the date ``contact`` (as plain data) was last verified (``Contact.VERIFIED_FIELD``, a dotted path)."""
    *parents, last = Contact.VERIFIED_FIELD.split(".")
    for key in parents:
        contact = contact.setdefault(key, {})
    contact[last] = on


def test_three_mistakes_are_reported_in_one_run(
    runner: FlaskCliRunner, pack_data: dict[str, Any], write_pack: Callable[..., Path]
) -> None:
    path = write_pack(three_mistakes(pack_data))
    result = runner.invoke(args=["rules", "check", "--pack", str(path)])
    assert result.exit_code == 1
    lines = listed(result.output)
    assert len(lines) == 3, result.output
    assert "3 problems" in result.output
    for where in (
        "question sure: title: is missing",
        "question reasons option none: next: names 'elswhere'",
        "question danger option yes: next: is a risk answer",
    ):
        assert any(where in line for line in lines), (where, lines)
    # Each names the file and the line.
    assert all(re.match(rf"  - {re.escape(str(path))}:\d+: ", line) for line in lines), lines


def test_a_broken_contacts_file_does_not_hide_the_packs_problems(
    runner: FlaskCliRunner, pack_data: dict[str, Any], write_pack: Callable[..., Path]
) -> None:
    contacts = contacts_data(TODAY)
    contacts["contacts"][0]["links"] = [{"text": "Insecure page", "url": "http://insecure.example"}]
    contacts_path = write_pack(contacts, "contacts.yaml")
    pack_path = write_pack(three_mistakes(pack_data))
    result = runner.invoke(args=["rules", "check", "--pack", str(pack_path), "--contacts", str(contacts_path)])
    assert result.exit_code == 1
    lines = listed(result.output)
    assert len(lines) == 4, result.output
    assert any(str(contacts_path) in line and ": url: " in line for line in lines)


@pytest.mark.parametrize("mistake", ["title", "kind", "label", "error", "roles"])
def test_a_field_that_cannot_be_read_is_reported_once(
    pack_data: dict[str, Any], write_pack: Callable[..., Path], mistake: str
) -> None:
    if mistake == "title":
        del question(pack_data, "reasons")["title"]
    elif mistake == "kind":
        question(pack_data, "reasons")["kind"] = "several"
    elif mistake == "error":
        del question(pack_data, "reasons")["error"]
    elif mistake == "roles":
        del pack_data["roles"]
    else:
        del option(pack_data, "danger", "no")["label"]
    pack, problems = check_pack(write_pack(pack_data))
    assert pack is None
    assert len(problems) == 1 and problems[0].field == mistake, [str(p) for p in problems]


def test_every_problem_is_in_the_start_up_message(pack_data: dict[str, Any], write_pack: Callable[..., Path]) -> None:
    path = write_pack(three_mistakes(pack_data))
    app = Flask(__name__)
    partnership = yaml.safe_load(DEFAULT_PARTNERSHIP.read_text(encoding="utf-8")) | {"name": "Tests"}
    app.config.update(
        RULE_PACK_PATH=str(path),
        CONTACTS_PATH=str(DEFAULT_CONTACTS),
        PARTNERSHIP_PATH=str(write_pack(partnership, "partnership.yaml")),
    )
    with pytest.raises(StartupError) as caught:
        load_rules(app)
    message = str(caught.value)
    assert "3 problems" in message and len(listed(message)) == 3
    assert "question sure: title" in message and "'elswhere'" in message and "question danger option yes" in message


def warning_lines(output: str) -> list[str]:
    """The warnings ``rules check`` printed, less that a test's pack has no approved copy (app/rules/approval.py)."""
    return [line for line in output.splitlines() if line.startswith("Warning:") and "has no approved copy" not in line]


def test_a_review_date_that_has_passed_is_a_warning(
    runner: FlaskCliRunner, pack_data: dict[str, Any], write_pack: Callable[..., Path]
) -> None:
    pack_data["pack"]["review_date"] = (TODAY - dt.timedelta(days=1)).isoformat()
    contacts_path = write_pack(contacts_data(TODAY), "contacts.yaml")
    pack_path = write_pack(pack_data)
    result = runner.invoke(args=["rules", "check", "--pack", str(pack_path), "--contacts", str(contacts_path)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    warnings = [
        line
        for line in result.output.splitlines()
        if line.startswith("Warning:") and "has no approved copy" not in line
    ]
    assert len(warnings) == 1 and "pack: review_date" in warnings[0] and "has passed" in warnings[0]
    # At its line, as every other part of the pack is named (found, partnership review: the file alone).
    [line] = [n for n, text in enumerate(pack_path.read_text().splitlines(), start=1) if "review_date:" in text]
    assert warnings[0].startswith(f"Warning: {pack_path}:{line}: pack: review_date")


def test_the_review_date_passes_at_midnight_in_the_uk(
    runner: FlaskCliRunner,
    pack_data: dict[str, Any],
    write_pack: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found (review): the check took today's date from the server's clock (UTC), so from
    midnight to 1am in British Summer Time a review date of yesterday was not yet warned of,
    where the public page (UK date) says it has passed."""
    pack_data["pack"]["review_date"] = "2027-06-01"
    contacts_path = write_pack(contacts_data(dt.date(2027, 6, 1)), "contacts.yaml")
    pack_path = write_pack(pack_data)
    # 00:30 on 2 June 2027 in the UK, still 1 June in UTC (after the shipped files were verified).
    stop_clock(monkeypatch, dt.datetime(2027, 6, 1, 23, 30, tzinfo=dt.UTC), uk_time)
    result = runner.invoke(args=["rules", "check", "--pack", str(pack_path), "--contacts", str(contacts_path)])
    assert result.exit_code == 0, result.output
    warnings = [
        line
        for line in result.output.splitlines()
        if line.startswith("Warning:") and "has no approved copy" not in line
    ]
    assert len(warnings) == 1 and "was 2027-06-01: the review date has passed" in warnings[0]


def test_a_misspelt_start_is_named_at_its_line(pack_data: dict[str, Any], write_pack: Callable[..., Path]) -> None:
    """Found (partnership review): "start: modes" was named with the file alone, where a
    misspelt next: names its line."""
    pack_data["pack"]["start"] = "modes"
    path = write_pack(pack_data)
    _, problems = check_pack(path)
    [problem] = [p for p in problems if (p.node, p.field) == ("pack", "start")]
    assert problem.line is not None and path.read_text().splitlines()[problem.line - 1].strip() == "start: modes"


def test_a_contact_verified_more_than_12_months_ago_is_a_warning(
    runner: FlaskCliRunner, pack_data: dict[str, Any], write_pack: Callable[..., Path]
) -> None:
    contacts = contacts_data(TODAY)
    old = contacts["contacts"][1]
    verify(old, (TODAY - dt.timedelta(days=400)).isoformat())
    verify(contacts["contacts"][2], (TODAY - dt.timedelta(days=330)).isoformat())  # 11 months
    contacts_path = write_pack(contacts, "contacts.yaml")
    result = runner.invoke(
        args=["rules", "check", "--pack", str(write_pack(pack_data)), "--contacts", str(contacts_path)]
    )
    assert result.exit_code == 0, result.output
    warnings = [
        line
        for line in result.output.splitlines()
        if line.startswith("Warning:") and "has no approved copy" not in line
    ]
    assert len(warnings) == 1, result.output
    assert f"contact {old['id']}: {Contact.VERIFIED_FIELD}" in warnings[0] and "12 months" in warnings[0]


def test_a_contact_no_page_shows_is_a_warning(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """Found (maintainer review): a contact added to the contacts file and named by no outcome
    (README, "Change a contact") was shown on no page, and `rules check` said all was valid. The
    shipped files show every contact: the footer's, the outcomes' and the accessibility
    statement's (``partnership``, named only by the partnership file)."""
    from app.rules import DEFAULT_PACK

    added = (
        "\n  - id: helpline\n    name: A helpline\n    phone: 0808 800 5000\n"
        "    detail: Advice for anyone worried about a child.\n"
        f'    verified:\n      "on": {TODAY.isoformat()}\n      how: compared with the live page\n'
        "      sources: [the helpline's page]\n"
    )
    contacts_path = tmp_path / "contacts.yaml"
    contacts_path.write_text(SHIPPED_CONTACTS + added, encoding="utf-8")
    files = ["--pack", str(DEFAULT_PACK), "--partnership", str(DEFAULT_PARTNERSHIP)]
    result = runner.invoke(args=["rules", "check", *files, "--contacts", str(contacts_path)])
    assert result.exit_code == 0, result.output
    warnings = [
        line
        for line in result.output.splitlines()
        if line.startswith("Warning:") and "has no approved copy" not in line
    ]
    assert [w for w in warnings if "contact helpline: id: is shown on no page" in w], result.output
    assert not [w for w in warnings if "shown on no page" in w and "helpline" not in w], result.output
    installed = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    assert not [w for w in installed.warnings if "shown on no page" in w.message]


def test_nothing_is_due_for_a_fresh_pack_and_contacts(
    pack_data: dict[str, Any], write_pack: Callable[..., Path]
) -> None:
    report = check_rules(write_pack(pack_data), write_pack(contacts_data(TODAY), "contacts.yaml"), TODAY)
    assert report.problems == () and report.warnings == () and report.pack is not None


def test_twelve_months_to_the_day_is_not_yet_due(pack_data: dict[str, Any], write_pack: Callable[..., Path]) -> None:
    today = dt.date(2027, 3, 31)
    contacts = contacts_data(today)
    verify(contacts["contacts"][0], "2026-03-31")
    verify(contacts["contacts"][1], "2026-03-30")
    report = check_rules(write_pack(pack_data), write_pack(contacts, "contacts.yaml"), today)
    assert [w.node for w in report.warnings] == [f"contact {contacts['contacts'][1]['id']}"]


def test_a_misspelt_start_is_one_problem_with_a_suggestion(
    pack_data: dict[str, Any], write_pack: Callable[..., Path]
) -> None:
    pack_data["pack"]["start"] = "mdoe"
    _, problems = check_pack(write_pack(pack_data))
    assert [(p.node, p.field) for p in problems] == [("pack", "start")]
    assert "did you mean 'mode'?" in problems[0].message


@pytest.mark.parametrize("misspelt, count", [("adult_at_rsk", 1), ("adult", 2)])
def test_a_misspelt_route_is_one_problem_not_one_more_for_everything_after_it(
    tmp_path: Path, misspelt: str, count: int
) -> None:
    """Found (maintainer review): "next: adult_at_rsk" in the installed pack gave 14 problems: the
    misspelling (with its suggestion), then every question and outcome after it "cannot be
    reached". The route is read as meant for the rest of the checks; one with no near spelling
    still leaves the question it was meant for unreached, which names it."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    assert text.count("next: adult_at_risk\n") == 1
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace("next: adult_at_risk\n", f"next: {misspelt}\n"), encoding="utf-8")
    _, problems = check_pack(path)
    assert len(problems) == count, [str(p) for p in problems]
    assert (problems[0].node, problems[0].field) == ("question allegation option no", "next")
    if count == 1:
        assert "did you mean 'adult_at_risk'?" in problems[0].message
    else:
        assert [(p.node, p.message.partition(":")[0]) for p in problems[1:]] == [
            ("question adult_at_risk", "cannot be reached from the start question 'mode'")
        ]


@pytest.mark.parametrize(
    "route, misspelt, meant",
    [
        # Found (maintainer review): a second problem, "question disagreement option unclear:
        # implies: suggests an answer to 'criteria', which cannot come after this answer",
        # followed the misspelling, which was the one mistake.
        ("next: criteria\n", "critera", "criteria"),
        # Found (maintainer review): an outcome's id in small letters had no suggestion, and its
        # outcome was said to be unreachable as a second problem.
        ("next: D\n", "d", "D"),
        ("next: D\n", "Dd", "D"),  # a letter typed twice (partnership review: no suggestion)
    ],
)
def test_a_misspelt_route_is_one_problem_with_its_suggestion(
    tmp_path: Path, route: str, misspelt: str, meant: str
) -> None:
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    assert text.count(route) == 1
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(route, f"next: {misspelt}\n"), encoding="utf-8")
    _, problems = check_pack(path)
    assert len(problems) == 1, [str(p) for p in problems]
    assert (problems[0].node, problems[0].field) == (
        "question decision_needed option " + ("no" if meant == "criteria" else "yes"),
        "next",
    )
    assert f"did you mean {meant!r}?" in problems[0].message


def test_retiring_a_question_names_the_outcome_only_it_led_to_and_what_to_do(tmp_path: Path) -> None:
    """Found (maintainer review): with the question on adults at risk retired (its block removed,
    the route before it sent on to the next question), the outcome only it led to was "cannot
    be reached from the start question 'mode'", which did not say what to do about it."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    start = text.index("  - id: adult_at_risk\n")
    end = text.index("  - id: serious_incident\n")
    retired = text[:start] + text[end:]
    assert retired.count("next: adult_at_risk\n") == 1
    path = tmp_path / "pack.yaml"
    path.write_text(retired.replace("next: adult_at_risk\n", "next: serious_incident\n"), encoding="utf-8")
    _, problems = check_pack(path)
    assert [(p.node, p.field) for p in problems] == [("outcome A", "id")], [str(p) for p in problems]
    assert "next: A" in problems[0].message
    assert "Remove the outcome only if the partnership has agreed to retire it" in problems[0].message


def test_texts_without_supervision_wording_are_reported_with_other_problems_in_one_run(
    runner: FlaskCliRunner, pack_data: dict[str, Any], write_pack: Callable[..., Path]
) -> None:
    """``rules check`` lists every text that lacks its supervision wording beside the pack's
    other problems, and start-up refuses the same pack naming them."""
    three_mistakes(pack_data)
    question(pack_data, "danger")["hint"] = "Tell us if you are worried."
    pack_data["outcomes"][0]["title"] = "Act now"
    path = write_pack(pack_data)
    result = runner.invoke(args=["rules", "check", "--pack", str(path)])
    assert result.exit_code == 1
    lines = listed(result.output)
    assert len(lines) == 5, result.output
    assert any("question danger: hint: has no supervision wording" in line for line in lines), lines
    assert any("outcome urgent: title: has no supervision wording" in line for line in lines), lines
    app = Flask(__name__)
    app.config.update(RULE_PACK_PATH=str(path), CONTACTS_PATH=str(DEFAULT_CONTACTS))
    with pytest.raises(StartupError, match="question danger: hint: has no supervision wording"):
        load_rules(app)


# --- numbers and dates as YAML 1.1 reads them (faults review H2, M4) ------------------------------


def test_a_phone_number_written_without_spaces_is_read_as_written(tmp_path: Path) -> None:
    """Found: YAML 1.1 read ``phone: 01616034500`` (leading 0, digits 0 to 7) as an octal number,
    and every page's footer showed the emergency contact as 238565696; ``8:30`` is base 60."""
    from app.rules import load_contacts

    text = SHIPPED_CONTACTS.replace(f"phone: {BRIDGE_PHONE}", "phone: 01616034500", 1)
    assert "hours: Outside the Bridge Partnership's hours" in text
    text = text.replace("hours: Outside the Bridge Partnership's hours", "hours: 8:30")
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    book = load_contacts(path)
    assert "01616034500" in {contact.phone for contact in book.contacts}
    assert "8:30" in {contact.hours for contact in book.contacts}


@pytest.mark.parametrize(
    "file, change, message",
    [
        ("pack", ("review_date: 2027-06-30", "review_date: 2027-02-30"), "review_date: is not a real date: 2027-02-30"),
        ("contacts", (FIRST_VERIFIED_ON.group(0), '"on": 2026-13-45'), "is not a real date: 2026-13-45"),
    ],
)
def test_an_impossible_date_is_named_with_its_file_and_line(
    runner: FlaskCliRunner, tmp_path: Path, file: str, change: tuple[str, str], message: str
) -> None:
    """Found: "2027-02-30" gave PyYAML's traceback, with no file, line or field."""
    from app.rules import DEFAULT_PACK

    paths = {}
    for name, source in (("pack", DEFAULT_PACK), ("contacts", DEFAULT_CONTACTS), ("partnership", DEFAULT_PARTNERSHIP)):
        text = source.read_text(encoding="utf-8")
        if name == file:
            assert change[0] in text
            text = text.replace(change[0], change[1], 1)
        paths[name] = tmp_path / source.name
        paths[name].write_text(text, encoding="utf-8")
    args = ["rules", "check", "--pack", str(paths["pack"]), "--contacts", str(paths["contacts"])]
    result = runner.invoke(args=[*args, "--partnership", str(paths["partnership"])])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [problem] = listed(result.output)
    assert f"{paths[file]}:" in problem and message in problem
    app = Flask(__name__)
    app.config.update(
        RULE_PACK_PATH=paths["pack"], CONTACTS_PATH=paths["contacts"], PARTNERSHIP_PATH=paths["partnership"]
    )
    with pytest.raises(StartupError, match="is not a real date"):
        load_rules(app)  # start-up says the same


def test_a_date_written_as_yes_or_no_is_named_in_words_not_as_python_reads_it(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Found (partnership's review): ``"on": yes`` in a contact's ``verified`` was refused as "not
    True": YAML reads yes (and on, true) as a yes-or-no, and the message showed Python's word for it."""
    from app.rules import DEFAULT_PACK

    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(SHIPPED_CONTACTS.replace(FIRST_VERIFIED_ON.group(0), '"on": yes', 1), encoding="utf-8")
    args = ["rules", "check", "--pack", str(DEFAULT_PACK), "--contacts", str(contacts)]
    result = runner.invoke(args=[*args, "--partnership", str(DEFAULT_PARTNERSHIP)])
    assert result.exit_code == 1
    [problem] = listed(result.output)
    assert f"{contacts}:" in problem and "verified: on: must be a date written YYYY-MM-DD, like 2026-11-30" in problem
    assert "not a yes or no" in problem and "True" not in problem


@pytest.mark.parametrize(
    "phone, message",
    [
        ("1", "phone: '1' is not a UK phone number: a full number starts with 0"),
        (f"{BRIDGE_PHONE} 1", "phone: has 12 digits: a UK phone number starting with 0"),
        # Found (rules review): the last digits of a number, or one without its 0, went live.
        ("4500", "phone: '4500' is not a UK phone number"),
        ("1616034500", "phone: '1616034500' is not a UK phone number"),
        ("18001 999", "phone: '18001 999' is not a UK phone number"),
        # Found (partnership review): a digit dropped from the Bridge's number went live on every
        # page's footer, since some UK numbers have 10 digits; none in 0161, 07 or 03.
        ("0161 603 450", "phone: has 10 digits: a UK number starting 0161 has 11"),
        ("07700 90098", "phone: has 10 digits: a UK number starting 0770 has 11"),
        ("0300 123 100", "phone: has 10 digits: a UK number starting 0300 has 11"),
    ],
)
def test_a_cut_off_phone_number_or_a_verification_in_the_future_is_a_problem(
    tmp_path: Path, phone: str, message: str
) -> None:
    """Found (faults review): "phone: 1" was a valid phone number."""
    from app.rules import check_contacts

    text = SHIPPED_CONTACTS
    change = (f"phone: {BRIDGE_PHONE}", f"phone: {phone}")
    path = tmp_path / "contacts.yaml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    book, problems = check_contacts(path)
    assert book is None and any(message in str(problem) for problem in problems), problems
    # Childline's 0800 1111 (8 digits) and 116 123 (6) are real numbers, and so are Relay UK's.
    for real in ("0800 1111", "116 123", "18001 0161 603 4500", "18000", "0300 123 1000", "016977 3456", "01204 12345"):
        path.write_text(text.replace(change[0], f"phone: {real}", 1), encoding="utf-8")
        assert check_contacts(path)[1] == []


@pytest.mark.parametrize(
    "phone, message",
    [
        ("+44 161 603 4500", "write it as 0161 603 4500"),
        ("+44 (0)161 603 4500", "write it as 0161 603 4500"),
        ("0161-603-4500", "write it as 0161 603 4500"),
        ("(0161) 603 4500", "write it as 0161 603 4500"),
        ("0161 603 4500 ext 2", "put words (an extension, which option to choose) in the contact's detail"),
        ("O161 603 4500", "check for a letter O written for a zero"),
        ("0161-603-450", "like 0161 496 0000 (a UK number, starting with 0)"),
    ],
)
def test_a_phone_number_written_as_numbers_are_printed_says_what_to_write(
    tmp_path: Path, phone: str, message: str
) -> None:
    """Found (maintainer review): a number copied as printed ("+44 161 …", dashes, brackets) was
    refused with "must be digits and spaces only (it becomes a tel: link)" alone: what would do
    was left to guess. The number as it must be written is given when it is a UK number."""
    from app.rules import check_contacts

    path = tmp_path / "contacts.yaml"
    path.write_text(SHIPPED_CONTACTS.replace(f"phone: {BRIDGE_PHONE}", f'phone: "{phone}"', 1), encoding="utf-8")
    book, problems = check_contacts(path)
    assert book is None and len(problems) == 1, problems
    said = str(problems[0])
    assert "contact childrens_social_care: phone: must be digits and spaces only, as it becomes a tel: link" in said
    assert message in said


def test_an_unquoted_colour_says_that_a_hash_starts_a_comment(tmp_path: Path) -> None:
    """Found: "brand: #106165" without quotes was reported only as "brand: is missing", though the
    colour is there on the line."""
    from app.rules import check_partnership

    text = DEFAULT_PARTNERSHIP.read_text(encoding="utf-8")
    found = re.search(r'brand: "(#[0-9a-fA-F]{6})"', text)
    assert found
    path = tmp_path / "partnership.yaml"
    path.write_text(text.replace(found.group(0), f"brand: {found.group(1)}"), encoding="utf-8")
    partnership, problems = check_partnership(path)
    assert partnership is None
    assert any("a # starts a comment in YAML, so write the colour in quotes" in str(problem) for problem in problems)


def test_a_contact_verified_in_the_future_is_a_problem(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """Found (faults review): a contact "verified" on 2099-11-27 (for 2026) was valid, and the
    12-month check would have trusted it for decades."""
    contacts = contacts_data(TODAY)
    verify(contacts["contacts"][0], (TODAY + dt.timedelta(days=2)).isoformat())
    path = tmp_path / "contacts.yaml"
    path.write_text(yaml.safe_dump(contacts, sort_keys=False), encoding="utf-8")
    report = check_rules(None, path, TODAY)
    assert [problem.node for problem in report.problems] == [f"contact {contacts['contacts'][0]['id']}"]
    assert "is in the future" in str(report.problems[0])
    assert check_rules(None, path, TODAY + dt.timedelta(days=1)).problems == ()  # a day's grace
    result = runner.invoke(args=["rules", "check", "--contacts", str(path)])
    assert result.exit_code == 1 and "is in the future" in result.output


def test_a_wording_indented_too_little_says_which_field_it_belongs_under(tmp_path: Path) -> None:
    """Found (maintainer review): a hint's ``both:`` one indent short was "both: is not a known
    field (known: cites, error, ...)", which did not say that the indent was the mistake, nor
    that the hint above it was now empty."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    hint = "    hint:\n      both: Space to Think does not make decisions"
    assert text.count(hint) == 1
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(hint, hint.replace("      both:", "    both:")), encoding="utf-8")
    _, problems = check_pack(path)
    assert [(p.node, p.field) for p in problems] == [("question decision_needed", "both")], [str(p) for p in problems]
    assert "it belongs under hint:, which is empty: indent the line two spaces further" in problems[0].message


@pytest.mark.parametrize(
    "typed, kind, found",
    [
        ("phone children's social care on 0161 603 4500", "phone number", "0161 603 4500"),
        ("email sscp@salford.gov.uk", "email", "sscp@salford.gov.uk"),
        (
            "see https://safeguardingchildren.salford.gov.uk/.",
            "web address",
            "https://safeguardingchildren.salford.gov.uk/",
        ),
        ("see www.salford.gov.uk, the council's site", "web address", "www.salford.gov.uk"),
    ],
)
def test_a_phone_number_email_or_web_address_in_the_packs_own_words_is_refused(
    tmp_path: Path, typed: str, kind: str, found: str
) -> None:
    """Found (maintainer review): "phone ... on 0161 603 4500" typed into an outcome's action
    passed `rules check`. Such a detail is never checked, verified or made a link, as a contact's
    is, and a change of the contact (README: "nothing else in the pack changes") leaves the old
    one on the page."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    action = "Then contact children's social care (the Bridge Partnership) now"
    assert text.count(action) == 1
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(action, f"Then {typed}, or contact children's social care now"), encoding="utf-8")
    _, problems = check_pack(path)
    assert [(p.node, p.field) for p in problems] == [("outcome U1", "actions[2]")], [str(p) for p in problems]
    assert problems[0].message.startswith(f"gives a {kind} ({found!r}) in the pack's own words")
    assert "belong in contacts.yaml" in problems[0].message


@pytest.mark.parametrize(
    "written, node, field",
    [
        ("      - practitioner: Tell your designated safeguarding lead today.\n", "outcome U1", "actions[3]"),
        (
            "          practitioner: Raise this in your own supervision too.",
            "question supervision_discussed option no",
            "advice",
        ),
        ("      practitioner: Do you need a decision made,", "question decision_needed", "title"),
    ],
)
def test_an_unexplained_acronym_is_named_at_the_line_of_its_text(
    tmp_path: Path, written: str, node: str, field: str
) -> None:
    """Found (maintainer review): "Tell your DSL." as an outcome's third action was named at the
    outcome's first line, ten lines above it (and an answer's advice, or a question's title, at
    the line the answer or question starts on)."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    assert text.count(written) == 1
    changed = written.replace("designated safeguarding lead", "DSL").replace("own supervision", "DSL's")
    changed = changed.replace("Do you need", "Does your DSL need")
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(written, changed), encoding="utf-8")
    _, problems = check_pack(path)
    assert [(p.node, p.field) for p in problems] == [(node, field)], [str(p) for p in problems]
    assert "uses the acronym DSL" in problems[0].message
    line = problems[0].line
    assert line is not None
    # the text's own line, or its field's name on the line above it
    assert "DSL" in "\n".join(path.read_text(encoding="utf-8").splitlines()[line - 1 : line + 1]), line


@pytest.mark.parametrize(
    "file, written, original, misspelt, node, field",
    [
        (
            "pack",
            "cites: [wt_significant_harm, seed_note]",
            "wt_significant_harm",
            "wt_significant_ham",
            "outcome U1",
            "cites",
        ),
        (
            "pack",
            "flags: [review_under_way]",
            "review_under_way",
            "review_underway",
            "question serious_incident",
            "flags",
        ),
        ("pack", "out_of_hours]", "out_of_hours", "out_of_hour", "outcome U1", "contacts"),
        ("contacts", "  - out_of_hours\n", "out_of_hours", "out_of_hour", "(contacts)", "emergency"),
        (
            "partnership",
            "  contact: partnership\n",
            "partnership",
            "partnershp",
            "(partnership) accessibility",
            "contact",
        ),
    ],
)
def test_a_misspelt_guidance_flag_or_contact_id_gets_a_suggestion_near_its_line(
    tmp_path: Path, file: str, written: str, original: str, misspelt: str, node: str, field: str
) -> None:
    """Found (maintainer review): "names guidance 'wt_significant_ham', which is not in the pack"
    (and the same for a flag, an outcome's contact, the footer's emergency contacts and the
    accessibility statement's contact) said nothing of what was meant, where a misspelt route
    says "did you mean", and the pack's were named at the line their outcome starts on."""
    from app.rules import DEFAULT_PACK

    sources = {"pack": DEFAULT_PACK, "contacts": DEFAULT_CONTACTS, "partnership": DEFAULT_PARTNERSHIP}
    paths = {}
    for name, source in sources.items():
        text = source.read_text(encoding="utf-8")
        if name == file:
            first = text.index(written)  # the first such line
            text = text[:first] + written.replace(original, misspelt, 1) + text[first + len(written) :]
        paths[name] = tmp_path / source.name
        paths[name].write_text(text, encoding="utf-8")
    report = check_rules(paths["pack"], paths["contacts"], TODAY, paths["partnership"])
    [problem] = report.problems
    assert problem.node.startswith(node) and problem.field == field, str(problem)
    assert f"{misspelt!r}" in problem.message and f"(did you mean {original!r}?)" in problem.message, str(problem)
    lines = paths[file].read_text(encoding="utf-8").splitlines()
    assert problem.line is not None, str(problem)
    # its own line, or the line of the field whose list or fields hold it
    assert misspelt in "\n".join(lines[problem.line - 1 : problem.line + 3]), str(problem)


def test_a_quoted_safe_is_one_problem_not_also_a_risk_answer_to_send_elsewhere(tmp_path: Path) -> None:
    """Found (maintainer review): safe: "true", quoted, on the "No" to "Do you need a decision
    made" was three problems: the quotes, then that the risk question has no safe answer, and
    that "No" can lead to the request, with the advice to send it to another outcome instead.
    The value is read as meant for the checks after it; the quotes are still refused."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    written = '        label: {both: "No"}\n        safe: true\n        next: criteria\n'
    assert text.count(written) == 1
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(written, written.replace("safe: true", 'safe: "true"')), encoding="utf-8")
    _, problems = check_pack(path)
    assert [(p.node, p.field) for p in problems] == [("question decision_needed option no", "safe")], [
        str(p) for p in problems
    ]
    assert problems[0].message == "must be true or false, not text: write true without quotes"


U1_CONTACTS = "    contacts: [police_emergency, childrens_social_care, out_of_hours]\n"


@pytest.mark.parametrize(
    "question, was, now, refused",
    [
        # "Yes, a child is in immediate danger" sent where people with no risk go: supervision, or on.
        ("immediate_danger", "U1", "S", [("question immediate_danger option yes", "next")]),
        ("allegation", "L", "S", [("question allegation option yes", "next")]),
        # A risk answer sent to another risk's outcome (a more cautious one) is the partnership's call.
        ("immediate_danger", "U2", "U1", []),
    ],
)
def test_a_risk_answer_sent_where_journeys_with_no_risk_go_is_refused(
    tmp_path: Path, question: str, was: str, now: str, refused: list[tuple[str, str]]
) -> None:
    """Found (rules maintainer's review): "Yes" to "Is a child or young person in immediate
    danger" routed to S ("Supervision or another route may suit this better") passed `rules
    check` with no warning, and the app started with it: only a request outcome was refused
    there. A risk that is there, or may be, never leads to an outcome that journeys with no risk
    reach too."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    start = text.index(f"  - id: {question}\n")
    at = text.index(f"        next: {was}\n", start)
    path = tmp_path / "pack.yaml"
    path.write_text(text[:at] + f"        next: {now}\n" + text[at + len(f"        next: {was}\n") :], encoding="utf-8")
    report = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    found = [(p.node, p.field) for p in report.problems if "journeys with no risk reach too" in p.message]
    assert found == refused, [str(p) for p in report.problems]
    if refused:
        assert any(
            f"leads to the outcome {now}, which journeys with no risk reach too" in p.message for p in report.problems
        )


def test_a_new_question_not_marked_risk_leading_to_a_risk_outcome_is_named(tmp_path: Path) -> None:
    """Found (new engineer's review): a question added after decision_needed, not marked
    ``risk: true``, with "Yes" to D (a decision needed), was reported only as a fault of "Yes" to
    decision_needed, the question before it: the message now names the new question's answer too,
    and what to do if it is a risk."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    start = text.index("  - id: decision_needed\n")
    end = text.index("  - id: ", start + 1)
    asked = text[start:end]
    assert asked.count("next: criteria") == 1, "decision_needed's No leads to the criteria"
    added = (
        "  - id: court_proceedings\n    kind: single\n"
        "    title:\n      both: Is a court deciding about this child's care?\n"
        '    short: {both: "Care proceedings"}\n    error:\n      both: Select whether a court is deciding\n'
        "    cites: [decisions]\n    options:\n"
        '      - value: "yes"\n        label: {both: "Yes"}\n        next: D\n'
        '      - value: "no"\n        label: {both: "No"}\n        next: criteria\n\n'
    )
    path = tmp_path / "pack.yaml"
    path.write_text(
        text[:start] + asked.replace("next: criteria", "next: court_proceedings") + added + text[end:], encoding="utf-8"
    )
    report = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    [problem] = [p for p in report.problems if "journeys with no risk reach too" in p.message]
    assert problem.node == "question decision_needed option yes"
    assert re.search(
        r"which journeys with no risk reach too \(through question court_proceedings option yes, line \d+: if one of "
        r"these questions asks about a risk too, mark it risk: true\): ",
        problem.message,
    ), problem.message
    # A multiple-choice question routed by its own next is named by that next (regression review: its
    # options were named, with their lines, and not the line that sends them).
    path.write_text(text.replace("    next: multi_agency\n", "    next: D\n", 1), encoding="utf-8")
    report = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    [problem] = [p for p in report.problems if "journeys with no risk reach too" in p.message]
    assert re.search(r"\(through question criteria \(its next\), line \d+: ", problem.message), problem.message


def test_a_question_that_sends_someone_to_ring_999_must_be_a_risk_question(tmp_path: Path) -> None:
    """Found (rules maintainer's review): ``risk: true`` taken off "Is a child or young person in
    immediate danger" passed `rules check` and started: its answers were no longer checked as
    safety answers. A question whose answer leads to an outcome that says to ring 999 at once is
    one."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    start = text.index("  - id: immediate_danger\n")
    at = text.index("    risk: true\n", start)
    path = tmp_path / "pack.yaml"
    path.write_text(text[:at] + text[at + len("    risk: true\n") :], encoding="utf-8")
    report = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    # One problem, the one mistake (found, regression review: the unmarked question made U2 look
    # shared, and "Yes" to the concern question was blamed as well).
    [problem] = report.problems
    assert problem.field == "risk" and problem.line == text[:start].count("\n") + 1
    assert problem.message.startswith(
        "its answer 'yes' leads to U1, which says to ring Police emergency (999) at once: a question that can send "
        "someone to ring 999 asks about a risk, so mark it risk: true"
    ), problem.message


@pytest.mark.parametrize("change", ["rerouted to U2", "rerouted to S", "U1 without 999", "U2 without 999 too"])
def test_no_outcome_saying_to_call_999_first_is_a_warning(tmp_path: Path, change: str) -> None:
    """Found (maintainer review): with "Yes" to "Is a child or young person in immediate danger"
    sent to U2 and U1 deleted, `rules check` said the pack was valid: no outcome put 999 first
    any more (the adults' outcome gives it second). `rules diff` shows such a change; `rules
    check`, and start-up's log, now warn of it too. Found again (rules maintainer's review): U2
    gives 999 first only "If a child may be in immediate danger", for "I'm not sure", and that
    was taken for an outcome that says to call 999 first: the same change, or "Yes" sent to S,
    or U1 kept without its 999, passed with no warning."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    assert text.count("        next: U1\n") == 1 and text.count(U1_CONTACTS) == 1
    start, end = text.index("  - id: U1\n"), text.index("  - id: U2\n")
    if change == "U1 without 999":
        changed = text.replace(U1_CONTACTS, U1_CONTACTS.replace("police_emergency, ", ""))
    else:
        to = "S" if change == "rerouted to S" else "U2"
        changed = (text[:start] + text[end:]).replace("        next: U1\n", f"        next: {to}\n")
    if change == "U2 without 999 too":
        emergency = (
            "      - id: police_emergency\n        when:\n          both: If a child may be in immediate danger\n"
        )
        assert changed.count(emergency) == 1
        changed = changed.replace(emergency, "")
    path = tmp_path / "pack.yaml"
    path.write_text(changed, encoding="utf-8")
    report = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    if change == "rerouted to S":
        # Refused now, not only warned of: S is where journeys with no risk go
        # (``test_a_risk_answer_sent_where_journeys_with_no_risk_go_is_refused``).
        assert [(p.node, p.field) for p in report.problems] == [("question immediate_danger option yes", "next")]
        return
    assert report.problems == (), [str(p) for p in report.problems]
    [warning] = [w for w in report.warnings if w.node == "(outcomes)"]
    assert 'puts the emergency contact (police_emergency, 999) first in its contacts, with no "when"' in warning.message
    installed = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    assert not [w for w in installed.warnings if w.node == "(outcomes)"]


@pytest.mark.parametrize(
    "written, changed, node, field",
    [
        (
            "      both: Supervision or another route may suit this better\n",
            "      both: Your own supervision or another route may suit this better\n",
            "outcome S",
            "title",
        ),
        (
            "      - both: Follow the effective challenge and escalation procedure (resolving professional "
            "disagreements).\n",
            "      - both: Follow your effective challenge and escalation procedure (resolving professional "
            "disagreements).\n",
            "outcome E",
            "actions[1]",
        ),
    ],
)
def test_your_in_words_for_both_modes_is_a_warning(
    tmp_path: Path, written: str, changed: str, node: str, field: str
) -> None:
    """Found (rules maintainer's review): title: {both: "Your own supervision or another route"}
    passed `rules check`; in supervision mode the manager read it as their own supervision. A
    warning: "your" can be the manager's ("Change your answer"), which only the partnership knows."""
    report = _the_pack_changed(tmp_path, written, changed)
    warned = [w for w in report.warnings if "in the same words for both modes" in w.message]
    assert [(w.node, w.field) for w in warned] == [(node, field)], [str(w) for w in report.warnings]
    word = re.search(r"\b[Yy]our\w*", changed)
    assert word is not None and f'says "{word.group(0)}" in the same words for both modes' in warned[0].message
    assert "give a practitioner: and a supervision: wording" in warned[0].message
    from app.rules import DEFAULT_PACK

    installed = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    assert not [w for w in installed.warnings if "in the same words for both modes" in w.message]


def _the_pack_changed(tmp_path: Path, written: str, changed: str):  # type: ignore[no-untyped-def]
    """The shipped pack's report with ``written`` (once in it) changed to ``changed``: no problem, only warnings."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    assert text.count(written) == 1, written
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(written, changed), encoding="utf-8")
    report = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    assert report.problems == (), [str(p) for p in report.problems]
    return report


@pytest.mark.parametrize(
    "written, changed",
    [
        (
            "supervision: The practitioner feels stuck, or unclear",
            "supervision: You feel stuck, or unclear",
        ),
        (
            "supervision: The practitioner feels stuck, or unclear",
            "supervision: My feeling is stuck, or unclear",
        ),
    ],
)
def test_supervision_wording_spoken_as_the_practitioner_is_a_warning(
    tmp_path: Path, written: str, changed: str
) -> None:
    """Found (configuration review): supervision: "You feel stuck, or unclear" passed `rules check`,
    though the supervision wording speaks of "the practitioner" (docs/RULES.md): the manager reads it."""
    report = _the_pack_changed(tmp_path, written, changed)
    warned = [w for w in report.warnings if "supervision wording begins" in w.message]
    assert [(w.node, w.field) for w in warned] == [("question criteria option stuck", "label")], [
        str(w) for w in report.warnings
    ]
    from app.rules import DEFAULT_PACK

    installed = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    assert not [w for w in installed.warnings if "supervision wording begins" in w.message]


def test_a_line_indented_with_non_breaking_spaces_is_named_with_them(tmp_path: Path) -> None:
    """Found (rules maintainer's review): a line whose indent was non-breaking spaces (pasted from
    Word, an email or a web page) was refused at the next line, "not indented like the lines
    around it", and the space, which looks like any other, was never named."""
    from app.rules import DEFAULT_PACK

    lines = DEFAULT_PACK.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines) if line == "        next: unshared_concern")
    lines[number] = "\u00a0" * 8 + "next: unshared_concern"
    path = tmp_path / "pack.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP)
    [problem] = report.problems
    assert problem.line == number + 1
    assert problem.message == (
        "cannot be read: this line is indented with a non-breaking space (code U+00A0), which looks like a space "
        "but is not one: it comes with text pasted from Word, an email or a web page. Delete the spaces at the "
        "start of the line and type them again"
    )


@pytest.mark.parametrize("further", ["the next line", "20 lines on"])
def test_a_mistake_further_on_is_not_blamed_on_a_line_of_text_starting_with_a_non_breaking_space(
    tmp_path: Path, further: str
) -> None:
    """Found (regression reviews): a line of folded text starting with a non-breaking space (which
    YAML reads as text) was named as the fault of an unrelated mistake 30 lines further on, and
    then of one on the next line."""
    from app.rules import DEFAULT_PACK

    lines = DEFAULT_PACK.read_text(encoding="utf-8").split("\n")
    folded = next(n for n, line in enumerate(lines) if line.rstrip().endswith(">-") and lines[n + 1].startswith(" "))
    lines[folded + 1] = lines[folded + 1] + " and"  # (still text)
    lines.insert(folded + 2, " " * (len(lines[folded + 1]) - len(lines[folded + 1].lstrip())) + "\u00a0more words")
    if further == "the next line":  # (the text's last line starts with the space; a bracket too many under it)

        def indent(line: str) -> int:
            return len(line) - len(line.lstrip())

        cites = next(
            n
            for n, line in enumerate(lines)
            if line.strip().startswith("cites: [") and n > 1 and indent(lines[n - 1]) > indent(line) + 2
        )
        last = lines[cites - 1]
        lines[cites - 1] = last[: len(last) - len(last.lstrip())] + "\u00a0" + last.lstrip()
        lines[cites] = lines[cites] + "]"
    else:
        broken = next(n for n in range(folded + 20, len(lines)) if lines[n].startswith("        next: "))
        lines[broken] = lines[broken][1:]  # a slip of the indent, 20 lines and more on
    path = tmp_path / "pack.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP).problems
    assert problems and not any("non-breaking space" in p.message for p in problems), [str(p) for p in problems]


def test_a_phone_number_with_a_non_breaking_space_says_so(tmp_path: Path) -> None:
    """Found (rules maintainer's review): a phone number with a non-breaking space in it was told
    "write it as 0161 603 4501", which looked the same as what was written."""
    from app.rules import DEFAULT_PACK

    text = SHIPPED_CONTACTS
    # (The Bridge's number as the file has it: found, newcomer's review, a literal "0161 603 4500"
    # here failed once the README's worked example had changed the number.)
    path = tmp_path / "contacts.yaml"
    path.write_text(text.replace(BRIDGE_PHONE, BRIDGE_PHONE.replace(" ", "\u00a0"), 1), encoding="utf-8")
    report = check_rules(DEFAULT_PACK, path, TODAY, DEFAULT_PARTNERSHIP)
    [problem] = [p for p in report.problems if p.field == "phone"]
    assert "it has a non-breaking space (code U+00A0), which looks like a space but is not one" in problem.message
    assert problem.message.endswith(". Delete the spaces in it and type them again")
    assert "write it as" not in problem.message


def test_a_contacts_only_link_refused_is_not_also_said_to_give_no_way_to_act(tmp_path: Path) -> None:
    """Found (rules maintainer's review): the LADO's one link written "www…" (no https://) was
    two problems, the first that the contact "gives no way to act: add a phone, a link…", though a
    link was there: only why the link is refused is said."""
    from app.rules import DEFAULT_PACK

    start = SHIPPED_CONTACTS.index("  - id: lado\n")
    at = SHIPPED_CONTACTS.index("url: https://", start)
    path = tmp_path / "contacts.yaml"
    path.write_text(
        SHIPPED_CONTACTS[:at] + "url: www." + SHIPPED_CONTACTS[at + len("url: https://") :], encoding="utf-8"
    )
    report = check_rules(DEFAULT_PACK, path, TODAY, DEFAULT_PARTNERSHIP)
    assert [(p.node, p.field, p.message) for p in report.problems] == [
        ("contact lado links[1]", "url", "must start with https://")
    ]


@pytest.mark.parametrize("label", ["'Yes, I don't'", "'Yes, the workers' worry is shared'"])
def test_an_apostrophe_in_single_quoted_text_is_named(tmp_path: Path, label: str) -> None:
    """Found (rules maintainer's review): an answer written {both: 'Yes, I don't'} was refused as
    "a mapping in braces { } opened here is not closed, or lacks a comma": the apostrophe, which
    closes the quotes, was never named; and (regression review) one after a word, "the workers'
    worry", was said to be a line "not indented like the lines around it"."""
    from app.rules import DEFAULT_PACK

    text = DEFAULT_PACK.read_text(encoding="utf-8")
    written = 'label: {both: "Yes"}'
    at = text.index(written)
    path = tmp_path / "pack.yaml"
    path.write_text(text[:at] + f"label: {{both: {label}}}" + text[at + len(written) :], encoding="utf-8")
    [problem] = check_rules(path, DEFAULT_CONTACTS, TODAY, DEFAULT_PARTNERSHIP).problems
    assert problem.line == text[:at].count("\n") + 1
    assert problem.message.startswith(
        "this line has text in single quotes ('...') with an apostrophe in it, which YAML reads as the closing "
        "quote: put the text in double quotes instead (\"Yes, I don't\"), or write the apostrophe twice ('don''t')"
    ), problem.message


def contacts_with_a_line_emptied(tmp_path: Path, line: str, written: str) -> tuple[Path, int]:
    """The shipped contacts with the first ``line:`` (phone, hours, email) written as ``written``
    after its name: the file, and the line's number."""
    lines = SHIPPED_CONTACTS.splitlines()
    at = next(i for i, text in enumerate(lines) if text.strip().startswith(f"{line}:"))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at] = f"{indent}{line}:{written}"
    path = tmp_path / "contacts.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, at + 1


@pytest.mark.parametrize("line", ["phone", "hours", "email"])
def test_a_contacts_line_with_nothing_after_it_is_refused_naming_it(tmp_path: Path, line: str) -> None:
    """Found (rules maintainer's review): "phone:" with its number deleted was read as no phone and
    the files as valid, so adult social care's outcome was served with no number to ring."""
    from app.rules import check_contacts

    path, number = contacts_with_a_line_emptied(tmp_path, line, "")
    book, problems = check_contacts(path)
    assert book is None
    said = [str(p) for p in problems if f"{line}: has nothing after it" in str(p)]
    assert len(problems) == 1, problems  # the one mistake, once (not the hours "without a phone" too)
    assert len(said) == 1 and said[0].startswith(f"{path}:{number}: contact "), problems
    assert said[0].endswith(f"{line}: has nothing after it: write it ({line}: ...), or take the line away")


def test_guidance_no_longer_cited_is_warned_of_naming_it(tmp_path: Path) -> None:
    """Found (rules maintainer's review): the criterion "lived experience" taken out, the guidance
    only it cited (seed_lived) was quoted on no page, and nothing said so."""
    from app.rules import DEFAULT_PACK

    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    criteria = question(data, "criteria")
    criteria["options"] = [o for o in criteria["options"] if o["value"] != "lived_experience"]
    for item in criteria["options"]:
        item["cites"] = [g for g in item.get("cites", []) if g != "seed_lived"] or item.get("cites")
    pack = tmp_path / "pack.yaml"
    pack.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    report = check_rules(pack, DEFAULT_CONTACTS, dt.date(2026, 12, 5), partnership_path=DEFAULT_PARTNERSHIP)
    assert report.problems == ()
    said = [str(w) for w in report.warnings if "cited by no question" in str(w)]
    assert len(said) == 1 and said[0].startswith(f"{pack}:") and "guidance seed_lived: id: is cited by no" in said[0]
    # The shipped pack cites every piece of its guidance.
    shipped = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, dt.date(2026, 12, 5), partnership_path=DEFAULT_PARTNERSHIP)
    assert not [w for w in shipped.warnings if "cited by no question" in str(w)]


@pytest.mark.parametrize("alone", [True, False], ids=["its-only-way", "beside-a-phone"])
def test_an_empty_list_of_links_is_one_mistake_named_on_its_line(tmp_path: Path, alone: bool) -> None:
    """Found (regression review): "links: []" beside a phone was accepted without a word, where
    "links:" with nothing after it was refused; as a contact's only way to act it was "no way to act"."""
    from app.rules import check_contacts

    data = yaml.safe_load(SHIPPED_CONTACTS)
    contact = next(item for item in data["contacts"] if item.get("links") and bool(item.get("phone")) is not alone)
    contact["links"] = []
    path = tmp_path / "contacts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    book, problems = check_contacts(path)
    assert book is None
    assert [(p.field, p.message) for p in problems] == [
        (
            "links",
            "is an empty list: give a link ({text: ..., url: https://...}), or take the line away if the contact "
            "has a phone or an email",
        )
    ], problems


@pytest.mark.parametrize("line", ["phone", "hours", "email"])
def test_a_contacts_line_emptied_to_quotes_is_one_mistake(tmp_path: Path, line: str) -> None:
    """Found (regression review): ``phone: ""`` was "must not be empty" and also "gives no way to
    act"; ``hours: ""`` was three mistakes. Each is said once."""
    from app.rules import check_contacts

    path, _ = contacts_with_a_line_emptied(tmp_path, line, ' ""')
    book, problems = check_contacts(path)
    assert book is None
    assert [(p.field, p.message) for p in problems] == [(line, "must not be empty")], problems
