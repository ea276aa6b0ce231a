"""The rule pack, the contacts and the partnership: loaded once at start-up, then read by views and services.

``load_rules(app)`` reads the three files (a broken file stops start-up naming every problem's
file, node and field, but for ``flask rules …``, which checks the files itself: ``refusal`` says
what start-up would); ``current_pack()``, ``current_contacts()`` and ``current_partnership()``
return what was loaded, for the app handling the current request or command.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from .config import StartupError
from .rules import (
    DEFAULT_PARTNERSHIP,
    Contact,
    ContactBook,
    DefinitionError,
    Outcome,
    Partnership,
    RulePack,
    RulesReport,
    check_rules,
)
from .rules.partnership import example_partnership_words, shipped_contacts_elsewhere, shipped_details_elsewhere
from .rules.validate import (
    another_partnerships_words,
    another_partnerships_words_in_file,
    fictional_contacts,
    fictional_footer_links,
    fictional_guidance,
)
from .uk_time import UK_TIME, time_in_words, uk_today

PACK_KEY = "space_to_think.pack"
CONTACTS_KEY = "space_to_think.contacts"
PARTNERSHIP_KEY = "space_to_think.partnership"
# The three files as they were when loaded (``_files_now``), and the versions a request was seen
# made with that they did not give (``rules_made_with``: each said once).
FILES_KEY = "space_to_think.rule_files"
# The rule files' SHA-256 as this process read them (``rule_files_changed``), and when it first saw
# them as they are now, changed (``read_changed_files``).
DIGESTS_KEY = "space_to_think.rule_files_digests"
SEEN_KEY = "space_to_think.rule_files_seen"
# How long an outbox worker leaves a request made with other rules than its own (its PDF, its
# acknowledgement) to a worker that has them (``outbox.left_for_its_rules``): a rolling restart,
# servers on the old rules and the new side by side, takes minutes. Under the 10 minutes after
# which `flask outbox status` and the health check say work is waiting too long (found,
# regression review: at 15, a request left for a server that never came back made the health
# check say "degraded" while both workers ran).
OTHER_RULES_WAIT_MINUTES = 5
SAID_KEY = "space_to_think.rules_said"
# What is worked out from the pack once per version (``cached``): the decision diagram, the table
# of routes, the question sheets.
CACHE_KEY = "space_to_think.decides"
# What ``read_yaml`` says of a path that names no file: the setting that names it is to mend.
PATH_MISTAKES = ("there is no such file", "it is a folder, not a file")


def load_rules(app: Flask) -> None:
    """Load contacts, the rule pack and the partnership once. A broken file stops start-up listing
    every problem in the three files (file, node and field); what is due (review date, old
    verifications) is logged. Only ``flask rules …`` starts without them: it reads the files itself."""
    files = _rule_files(app)
    read_as = _files_now(files)
    report = check_rules(
        files["RULE_PACK_PATH"], files["CONTACTS_PATH"], uk_today(), partnership_path=files["PARTNERSHIP_PATH"]
    )
    refused = refusal(report, files, production=app.config.get("APP_ENV") == "production")
    if refused is not None:
        command = command_loading()
        if command[:1] == ["rules"] or "--help" in command:
            # (A command's --help reads nothing either: found, regression review, it was refused.)
            # Upgrade review: `rules check --partnership COPY`, run to check the mended copy of a
            # live file the new code refuses, was itself refused with the live file's error. The
            # rules commands read the files they are given (the live ones by default) and say
            # what start-up would; they use nothing loaded here.
            return
        if command[:2] == ["outbox", "status"]:
            # Found (operator review): with a file on disk half-way through an edit, an operator
            # could not see whether mail was stuck, though the running service went on with the
            # rules it had started with. The status reads only the database: it says why the
            # files would stop a restart, then goes on.
            click.echo(
                "Warning: the service would not start again with the files as they are now (a web app or worker "
                "still running goes on with the files it started with; one started now refuses to start: check it "
                f"is running): {refused}\n",
                err=True,
            )
            return
        raise StartupError(refused)
    if command_loading()[:2] != ["rules", "check"]:  # (it says them, once: rules maintainer's review)
        for warning in (*report.warnings, *report.unapproved):
            app.logger.warning("Rule data: %s", warning)
    app.extensions[CONTACTS_KEY] = report.contacts
    app.extensions[PACK_KEY] = report.pack
    app.extensions[PARTNERSHIP_KEY] = report.partnership
    app.extensions[FILES_KEY] = read_as
    app.extensions[DIGESTS_KEY] = _digests(files)
    if command_loading()[:1] == ["run"] and report.pack is not None:
        # What `scripts/run` serves, as `rules check` names it (found, rules maintainer's review:
        # nothing said which rules a restart had started with, but /how-it-decides).
        click.echo(rules_in_use(app), err=True)


def rules_in_use(app: Flask) -> str:
    """ "Rules: <name>, version <version>, review by <date>, from <file>; contacts from <file>;
    partnership from <file>.": said by `flask run`, by the web app served (wsgi.py) and by the
    outbox worker as they start. Found (review of a rules update during use): under gunicorn and the
    worker, nothing in the journal said which rules a restart had started with."""
    pack: RulePack = app.extensions[PACK_KEY]
    files = _rule_files(app)
    return (
        f"Rules: {pack.name}, version {pack.version}, review by {pack.review_date}, from "
        f"{files['RULE_PACK_PATH']}; contacts from {files['CONTACTS_PATH']}; partnership from "
        f"{files['PARTNERSHIP_PATH']}."
    )


def _rule_files(app: Flask) -> dict[str, str | Path]:
    """The setting that names each of the three files, and the path it names."""
    return {
        "RULE_PACK_PATH": app.config["RULE_PACK_PATH"],
        "CONTACTS_PATH": app.config["CONTACTS_PATH"],
        "PARTNERSHIP_PATH": app.config.get("PARTNERSHIP_PATH") or DEFAULT_PARTNERSHIP,
    }


def _files_now(files: Mapping[str, str | Path]) -> tuple[tuple[int, int, int] | None, ...]:
    """Each file's inode, size and time of change as it is now (None: not there): a file edited
    or replaced since gives another."""
    found: list[tuple[int, int, int] | None] = []
    for path in files.values():
        try:
            stat = os.stat(path)
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(found)


# What ``/healthz`` says of a process whose rule files have changed since it read them.
RULE_FILES_CHANGED = (
    "the rule files have changed since this process started: restart every web app process and the outbox worker "
    "with them (until then it gives the contacts and rules it started with)"
)


def rule_files_changed(app: Flask) -> bool:
    """Whether the three rule files have changed (edited, replaced or removed) since this process
    read them. Found (contact change review): a web server not restarted after a change of number
    gave the old number on every page, and ``/healthz`` said "ok"."""
    read = app.extensions.get(FILES_KEY)
    if read is None:
        return False
    files = _rule_files(app)
    now = _files_now(files)
    if now == read:
        return False
    # The same words put in place again (installed anew, touched): not a change (regression review:
    # "degraded" until a restart that would change nothing).
    if _digests(files) == app.extensions.get(DIGESTS_KEY):
        app.extensions[FILES_KEY] = now
        return False
    return True


def _digests(files: Mapping[str, str | Path]) -> tuple[str | None, ...]:
    """Each file's SHA-256, as it is now (None: it cannot be read)."""
    found: list[str | None] = []
    for path in files.values():
        try:
            found.append(hashlib.sha256(Path(path).read_bytes()).hexdigest())
        except OSError:
            found.append(None)
    return tuple(found)


def read_changed_files(app: Flask, settled_for: dt.timedelta | None = None) -> bool:
    """Read the rule files again if they have changed since this process read them (with
    ``settled_for``: only once the last change is that old), as a restart would; False if they
    changed and would not load (logged: the process goes on with the rules it has)."""
    files = _rule_files(app)
    now = _files_now(files)
    if now == app.extensions.get(FILES_KEY):
        return True
    if settled_for is not None:
        # Counted from when this process first saw the files as they are now, not from their times of
        # change: found (regression review), a file moved into place keeps its time (mv, cp -p, rsync
        # -a), and the worker took it at once, before the web app was restarted with it.
        seen = app.extensions.get(SEEN_KEY)
        if seen is None or seen[0] != now:
            app.extensions[SEEN_KEY] = (now, time.monotonic())
            return True
        if time.monotonic() - seen[1] < settled_for.total_seconds():
            return True
    had = current_pack().version
    app.extensions[FILES_KEY] = now
    app.extensions[DIGESTS_KEY] = _digests(files)
    report = check_rules(
        files["RULE_PACK_PATH"], files["CONTACTS_PATH"], uk_today(), partnership_path=files["PARTNERSHIP_PATH"]
    )
    refused = refusal(report, files, production=app.config.get("APP_ENV") == "production")
    if refused is not None:
        app.logger.error(
            "The rule files have changed since this process read them, and would not load: it goes on with "
            "rules version %s. %s",
            had,
            refused,
        )
        return False
    app.extensions[CONTACTS_KEY] = report.contacts
    app.extensions[PACK_KEY] = report.pack
    app.extensions[PARTNERSHIP_KEY] = report.partnership
    if current_pack().version != had:  # (a file touched, its words the same: nothing to say)
        app.logger.warning(
            "The rule files have changed since this process read them: it now uses them, rules version %s (it had %s).",
            current_pack().version,
            had,
        )
    return True


def rules_made_with(version: str, what: str) -> bool:
    """For the outbox worker, about to make ``what`` (a request's PDF or email) from a request made
    with rules ``version``: whether the rules it has loaded are that version, reading the files
    again first if the request was made with other rules and the files have changed since it read
    them.

    Found (rules maintainer's review): a contact's number changed, the web app restarted and the
    worker not, a request made with the new number had the old one in its PDF and its
    acknowledgement (the urgent contacts), under the new version's stamp. Now the worker takes the
    files as they are now, as a restart would. Only then: files put in place but not yet
    restarted with are not taken (found, operator review: taken as soon as they were installed,
    a request the web app made with the old number was emailed with the new one, under the old
    version's stamp), so a change to the partnership file alone, which the version does not cover,
    is taken when the worker restarts. Files that would not load are logged (the worker goes on
    with the rules it has, as a running service does); rules that still differ (a request made
    before a change, or a worker given other files) are logged once for each version."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app itself, to change
    had = current_pack().version
    if version == had:
        return True
    loaded = read_changed_files(app)
    if current_pack().version == version:
        return True
    said: set[tuple[str, str]] = app.extensions.setdefault(SAID_KEY, set())
    if (version, current_pack().version) not in said:
        said.add((version, current_pack().version))
        app.logger.warning(
            "%s: the request was made with rules version %s; this process has version %s (%s). It leaves such "
            "work to a process with the request's rules for its first %d minutes, then gives its own contacts. "
            "If the rules have changed, restart every process with the same files.",
            what,
            version,
            current_pack().version,
            "the files as they are now" if loaded else "the files it read before, as those now would not load",
            OTHER_RULES_WAIT_MINUTES,
        )
    return False


def refusal(
    report: RulesReport, files: Mapping[str, str | Path | None], production: bool, partnership: bool = True
) -> str | None:
    """Why start-up refuses the rule files ``check_rules`` reported on (None: it starts with them),
    for start-up and for ``flask rules check`` alike. ``files`` maps the setting (or the command's
    option) that names each file to its path; ``partnership``: a partnership file was checked."""
    if (
        report.problems
        or report.pack is None
        or report.contacts is None
        or (partnership and report.partnership is None)
    ):
        problems = list(report.problems)
        if production:
            # What production would refuse next is said in the same run (upgrade review: a copy
            # of the example missing request_options was told of that alone, and then, once
            # mended, refused again for the example's fictional guidance it still cited).
            problems += fictional_guidance(report.pack) if report.pack is not None else []
            problems += fictional_contacts(report.contacts) if report.contacts is not None else []
            if report.partnership is not None and report.contacts is not None:  # (regression review: held back)
                elsewhere = shipped_contacts_elsewhere(report.partnership, report.contacts)
                problems += [elsewhere] if elsewhere is not None else []
                problems += shipped_details_elsewhere(report.partnership, report.contacts)
        message = str(DefinitionError(problems))
        # A file that cannot be read: which setting names it (area review: the message named
        # only the file, and an operator must find which of the three settings to mend).
        # Only where the path is the mistake: a file that is there but unreadable (not UTF-8, not
        # the app's to read) is mended in the file, not by pointing the setting elsewhere.
        named = [
            f"{setting} names {path}"
            for setting, path in files.items()
            if any(f"{path} cannot be read: {why}" in message for why in PATH_MISTAKES)
        ]
        if named:
            message += f"\n  ({'; '.join(named)}: set it to where the file is.)"
        return message
    fictional = fictional_guidance(report.pack) + fictional_contacts(report.contacts)
    if report.partnership is not None:
        fictional += fictional_footer_links(report.partnership)
        # Another partnership's pages giving the shipped partnership's phone numbers: refused in
        # production as an example's are (regression review: only warned of, it started, and
        # Northmere's pages gave Salford's children's social care number).
        if (elsewhere := shipped_contacts_elsewhere(report.partnership, report.contacts)) is not None:
            fictional.append(elsewhere)
        # One of its numbers, or pages, pasted into another area's file (another area's review).
        fictional += shipped_details_elsewhere(report.partnership, report.contacts)
        # The example's fictional area named in a pack or partnership file copied from it.
        example = example_partnership_words(report.partnership)
        fictional += another_partnerships_words(report.pack, *example)
        fictional += another_partnerships_words_in_file(report.partnership, *example)
    if production:
        # Rules whose safeguarding routes no one has approved (``app.rules.approval``).
        fictional += list(report.unapproved)
    if fictional and production:
        # Found (area review): an example's number left in reached no one, in every page's footer;
        # the example's fictional guidance, left in, was cited on real outcomes.
        return str(DefinitionError(fictional))
    return None


def command_loading() -> list[str]:
    """The ``flask`` command this app is being loaded for (``["rules", "check"]`` for ``flask …
    rules check``; app/cli.py's ``rules_cli``), or [] when it is not loaded for one.

    The ``flask`` command loads the app (``--app wsgi``: wsgi.py) before it finds an app's
    command in it, so the command's name is not yet in click's context: it is the first argument
    after ``flask``'s own options, as ``flask`` itself reads them from the command line. Anything
    else (gunicorn, ``import wsgi``, the tests' own runner) is not."""
    context = click.get_current_context(silent=True)
    if context is None:
        return []
    root = context.find_root()
    if not isinstance(root.command, FlaskGroup):
        return []
    try:
        _options, arguments, _order = root.command.make_parser(root).parse_args(sys.argv[1:])
    except click.UsageError:
        return []
    return list(arguments)


def rules_loaded(app: Flask) -> bool:
    """Whether ``load_rules`` loaded the files: always, but for ``flask rules …`` while they are refused."""
    return PARTNERSHIP_KEY in app.extensions


def current_pack() -> RulePack:
    """The rule pack loaded at start-up."""
    pack: RulePack = current_app.extensions[PACK_KEY]
    return pack


def current_contacts() -> ContactBook:
    """The contacts loaded at start-up."""
    contacts: ContactBook = current_app.extensions[CONTACTS_KEY]
    return contacts


def outcome_contacts(outcome: Outcome, mode: str) -> list[tuple[Contact, str | None]]:
    """An outcome's contacts, in its order, each with the note of when it applies (in ``mode``'s
    words) or None: its page's, and the sent page's when the answers not sent led there."""
    book = current_contacts()
    return [
        (contact, note.for_mode(mode) if note else None)
        for contact, note in ((book.get(i), outcome.contact_note(i)) for i in outcome.contacts)
        if contact is not None
    ]


def uk_now() -> dt.datetime:
    """The time now in the UK (the clock the pages that say whether a line is open now read)."""
    return dt.datetime.now(UK_TIME)


def open_now_words(contact_ids: Sequence[str], now: dt.datetime | None = None) -> dict[str, bool]:
    """For each of these contacts whose phone is answered only at set times (``open``), whether it
    is usually open now (UK time); the page says so beside its number, and, when it is closed, the
    contact to call if it cannot wait (``open.otherwise``). Found (review as someone worried about a
    child on a phone, at 11pm on a Saturday): the page gave the Bridge's number first, closed, and
    left the reader to work out from its hours that the Emergency Duty Team's was the one to call.
    Never when it opens next
    (regression review: "It opens at 8:30am tomorrow" on Christmas Eve, and, on an outcome whose
    only card it is, a reason to wait)."""
    now = (now or uk_now()).astimezone(UK_TIME)
    book = current_contacts()
    found = (book.get(contact_id) for contact_id in contact_ids)
    return {contact.id: contact.open.is_open(now) for contact in found if contact is not None and contact.open}


def open_hours_now(
    contact_ids: Sequence[str], now: dt.datetime | None = None
) -> tuple[dict[str, bool], dict[str, str]]:
    """``open_now_words`` and, for each contact open now, when it closes today in words ("4:30pm"),
    worked out at one moment: an outcome page says "usually open now, until 4:30pm", as a page
    left open does not change (found, clock review), by the day's own hours (``open``'s except)."""
    now = (now or uk_now()).astimezone(UK_TIME)
    open_now = open_now_words(contact_ids, now)
    book = current_contacts()
    until: dict[str, str] = {}
    for contact_id, is_open in open_now.items():
        contact = book.get(contact_id)
        closes = contact.open.closes_at(now) if is_open and contact is not None and contact.open else None
        if closes is not None:
            until[contact_id] = time_in_words(closes)
    return open_now, until


def current_partnership() -> Partnership:
    """The partnership loaded at start-up (its names, colours, footer, accessibility details)."""
    partnership: Partnership = current_app.extensions[PARTNERSHIP_KEY]
    return partnership


T = TypeVar("T")
_lock = threading.RLock()  # re-entrant: making one value can ask for another (the PDF, its questions)


def cached(key: Hashable, make: Callable[[], T]) -> T:
    """``make()`` once per app and ``key`` (which includes the pack version), then the kept value.

    A lock makes concurrent first requests wait for one result rather than each making it.
    """
    store: dict[Hashable, Any] = current_app.extensions.setdefault(CACHE_KEY, {})
    if key not in store:
        with _lock:
            if key not in store:
                store[key] = make()
    return cast(T, store[key])
