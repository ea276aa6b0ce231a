"""The facilitators' inbox: accounts, sign-in, authorisation, triage, audit, PDF and import."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import io
import itertools
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from app.config import PROJECT_ROOT, TestConfig
from app.extensions import db
from app.inbox import service
from app.inbox.models import Assignment, Facilitator, TriageNote
from app.inbox.pdf_import import BAD_DATA, MAX_UPLOAD_BYTES, NEWER_FORMAT
from app.lockout import LOCKOUT_KEY
from app.models import REQUEST_STATUSES, AuditEvent, OutboxMessage, StoredRequest, utcnow
from app.outage import SQLITE_BUSY_WORDS
from app.requests.document import SIGNATURE_NAME, request_document, request_signature
from app.sessions import JourneySessionRow
from app.stats.models import Count
from support import both_databases, csrf_token, session_cookie, session_csrf_token
from support.database import sqlite_file_bytes
from support.locks import own_connections, run_while_held
from support.pdf import pdf_attachment_json
from support.servers import project_python
from support.sessions import session_form, session_has_started, signed_in_ago
from support.submission import ELIGIBLE_ANSWERS, VALID_DETAILS, make_request, run_outbox
from support.walk import page_of_form, post_shown

PASSWORD = "quiet harbour lantern orchard"
EMAIL = "sam.facilitator@partnership.example"


# --- builders ---------------------------------------------------------------------------------


def add_facilitator(app: Flask, email: str = EMAIL, name: str = "Sam Facilitator", password: str = PASSWORD) -> int:
    """A facilitator account; returns its id."""
    with app.app_context():
        return service.add_facilitator(email, name, password).id


def add_colleague(app: Flask) -> int:
    """Another active facilitator, so that the first can be deactivated (the last cannot); its id."""
    return add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")


def stored_request(app: Flask, pdf: bool = False) -> str:
    """A request submitted through the requests service (with ``pdf``, the outbox worker has
    made its PDF); returns its reference."""
    with app.app_context():
        return str(make_request(pdf=pdf).request.reference)


def post_form(
    client: FlaskClient,
    page_url: str,
    url: str,
    data: dict | None = None,
    *,
    open_page: bool = False,
    as_sent: bool = False,
    **kwargs,
) -> TestResponse:
    """POST ``data`` to ``url`` with the session's CSRF token, as the form on ``page_url`` sends it.
    The page is not drawn for its token (the token is the session's, not the page's: drawing an
    inbox page cost a test about 60 ms); ``open_page=True`` opens it first, and takes the token
    from it, for a test that relies on what opening the page does (a view recorded in the audit
    trail, a one-off notice taken). A refused form's redirect to its own page (or to the request's
    page, for the request page's forms) is followed, as a browser follows it, unless ``as_sent``."""
    token = csrf_token(client.get(page_url).get_data(as_text=True)) if open_page else session_csrf_token(client)
    response = client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)
    if not as_sent and response.status_code == 303 and page_of_form(response.location, url):
        return client.get(response.location)  # a refused form, shown by its page's GET (as a browser follows it)
    return response


def sign_in(client: FlaskClient, email: str = EMAIL, password: str = PASSWORD, next_url: str = "") -> TestResponse:
    """Sign in through the form."""
    url = "/inbox/sign-in" + (f"?next={next_url}" if next_url else "")
    return post_form(client, "/inbox/sign-in", url, {"email": email, "password": password})


def signed_in(app: Flask) -> tuple[FlaskClient, int]:
    """A client signed in as a new facilitator, and that facilitator's id."""
    facilitator_id = add_facilitator(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client, facilitator_id


def events(app: Flask, action: str) -> list[AuditEvent]:
    """Audit events with this action, oldest first."""
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def text(response: TestResponse) -> str:
    """The page as text, with HTML entities (such as an escaped apostrophe) decoded."""
    return html.unescape(response.get_data(as_text=True))


def pdf_with_attachment(
    name: str | None, content: bytes = b"", *, signed: bool = True, secret_key: str = TestConfig.SECRET_KEY
) -> bytes:
    """A one-page PDF, with one attachment if ``name`` is given. A request.json is signed as the
    service signs it (request.json.sig, under the tests' ``SECRET_KEY``, or ``secret_key``), unless
    ``signed`` is False (a PDF made before the service signed them, or made elsewhere)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if name:
        writer.add_attachment(name, content)
    if name == "request.json" and signed:
        writer.add_attachment(SIGNATURE_NAME, request_signature(content, secret_key))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(client: FlaskClient, content: bytes, filename: str = "request.pdf") -> TestResponse:
    """POST a file to the import page."""
    response = post_form(
        client,
        "/inbox/import",
        "/inbox/import",
        {"pdf": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        as_sent=True,
    )
    # Werkzeug's test client spools a large body to a temporary file and, without
    # follow_redirects, never closes it (pytest -W error would fail on the ResourceWarning).
    response.request.input_stream.close()
    if response.status_code == 303 and response.location == "/inbox/import":
        return client.get(response.location)  # refused: shown by the page's GET, as a browser follows it
    return response


# --- accounts and the CLI ---------------------------------------------------------------------


def test_cli_add_says_where_to_sign_in_in_full_where_the_service_knows_its_address(app: Flask, runner) -> None:
    """Found (operator review): "They can sign in at /inbox/sign-in", with PUBLIC_BASE_URL set."""
    app.config["PUBLIC_BASE_URL"] = "https://spacetothink.example.org/"
    added = runner.invoke(
        args=["facilitators", "add", "kim@partnership.example", "--name", "Kim"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert (
        added.exit_code == 0 and "They can sign in at https://spacetothink.example.org/inbox/sign-in." in added.output
    )
    app.config["PUBLIC_BASE_URL"] = ""
    added = runner.invoke(
        args=["facilitators", "add", "lee@partnership.example", "--name", "Lee"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert added.exit_code == 0 and "They can sign in at /inbox/sign-in." in added.output


@both_databases
def test_cli_add_of_an_address_a_colleague_adds_at_that_moment_says_it_has_an_account(
    app: Flask, runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (two facilitators at once review): two administrators adding the same address at the same
    moment, the second was told "The database refused the command's work (IntegrityError)". Each
    checked before either had added it; the colleague's account is made here between the check and
    the adding. Said as when one comes after the other."""
    add_facilitator(app, "kim@partnership.example", "Kim")
    monkeypatch.setattr(service, "find_facilitator", lambda email: None)  # (checked before it was added)
    added = runner.invoke(
        args=["facilitators", "add", "kim@partnership.example", "--name", "Kim"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert added.exit_code == 1
    assert "There is already a facilitator with the email address kim@partnership.example." in added.output
    assert "IntegrityError" not in added.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Facilitator)) == 1


def test_every_status_has_a_label() -> None:
    assert tuple(service.STATUS_LABELS) == REQUEST_STATUSES


@pytest.mark.real_password_hash
def test_cli_adds_lists_and_deactivates_facilitators(app: Flask, runner) -> None:
    result = runner.invoke(
        args=["facilitators", "add", "Ash.Lead@Partnership.example", "--name", "Ash Lead"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    # The prompt says up front that a common password, or one easy to guess, is refused.
    prompt = "Password (at least 12 characters, not a common password or one easy to guess; 3 or 4 unrelated words"
    assert prompt in result.output
    with app.app_context():
        facilitator = service.find_facilitator("ash.lead@partnership.example")
        assert facilitator is not None and facilitator.active and facilitator.display_name == "Ash Lead"
        assert facilitator.email == "ash.lead@partnership.example"
        assert PASSWORD not in facilitator.password_hash and facilitator.password_hash.startswith("scrypt:")
    listed = runner.invoke(args=["facilitators", "list"])
    assert "ash.lead@partnership.example" in listed.output and "active" in listed.output
    # Who has not yet chosen their own password (found, b151 review: the list did not say).
    assert "\tactive, must choose its own password at its next sign-in\t" in listed.output, listed.output
    add_colleague(app)
    assert runner.invoke(args=["facilitators", "deactivate", "ash.lead@partnership.example"]).exit_code == 0
    assert "deactivated" in runner.invoke(args=["facilitators", "list"]).output
    assert runner.invoke(args=["facilitators", "deactivate", "nobody@partnership.example"]).exit_code == 1


def test_cli_reactivates_a_deactivated_facilitator_and_audits_it(app: Flask, runner) -> None:
    """Found: there was no way back for a deactivated account short of editing the database."""
    facilitator_id = add_facilitator(app)
    add_colleague(app)
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    assert sign_in(app.test_client()).status_code == 200  # refused
    result = runner.invoke(args=["facilitators", "reactivate", EMAIL.upper()])
    assert result.exit_code == 0, result.output
    assert f"Reactivated Sam Facilitator <{EMAIL}>" in result.output and "sign in again" in result.output
    assert sign_in(app.test_client()).status_code == 302  # with the password they had
    reactivated = events(app, "facilitator_reactivated")
    assert [(e.actor, e.detail, e.reference) for e in reactivated] == [("cli", f"facilitator:{facilitator_id}", None)]
    again = runner.invoke(args=["facilitators", "reactivate", EMAIL])
    assert again.exit_code == 0 and "already active" in again.output
    assert len(events(app, "facilitator_reactivated")) == 1  # nothing changed, nothing recorded
    unknown = runner.invoke(args=["facilitators", "reactivate", "nobody@partnership.example"])
    assert unknown.exit_code == 1 and "There is no facilitator" in unknown.output


def test_cli_changes_an_accounts_role_keeping_the_account_and_audits_it(app: Flask, runner) -> None:
    """Found: no command changed a role, so a facilitator moving to a read-only partnership role
    (or back) had to be deactivated and added again as a new account, which cut them off from
    their notes, assignments and audit trail. ``set-role`` changes it in place, audited; it
    refuses a role the app does not know, and making the last active facilitator read-only."""
    client, facilitator_id = signed_in(app)
    only = runner.invoke(args=["facilitators", "set-role", EMAIL, "partnership", "--yes"])
    assert only.exit_code == 1 and f"{EMAIL} is the only active facilitator account" in only.output
    assert "Add another facilitator first" in only.output and client.get("/inbox").status_code == 200
    add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")

    question = (
        f"Change Sam Facilitator <{EMAIL}> from facilitator (works the inbox) to partnership (read-only: sees the "
        "statistics only)? [y/N]"
    )
    declined = runner.invoke(args=["facilitators", "set-role", EMAIL, "partnership"], input="n\n")
    assert declined.exit_code == 1 and question in " ".join(declined.output.split())
    assert client.get("/inbox").status_code == 200 and events(app, "facilitator_role_changed") == []
    changed = runner.invoke(args=["facilitators", "set-role", EMAIL.upper(), "partnership"], input="y\n")
    assert changed.exit_code == 0, changed.output
    assert (
        f"Changed Sam Facilitator <{EMAIL}> from facilitator to partnership (read-only: sees the statistics only). "
        "If they are signed in now, the change applies from the next page they open (an inbox page they have open "
        "now stops showing requests within a minute)."
    ) in " ".join(changed.output.split())
    assert client.get("/inbox").status_code == 403 and client.get("/inbox/statistics").status_code == 200
    with app.app_context():
        assert service.find_facilitator(EMAIL).id == facilitator_id  # the same account, so its trail
    recorded = events(app, "facilitator_role_changed")
    assert [(e.actor, e.detail, e.reference) for e in recorded] == [
        ("cli", f"facilitator:{facilitator_id}; facilitator to partnership", None)
    ]
    again = runner.invoke(args=["facilitators", "set-role", EMAIL, "partnership"])
    assert again.exit_code == 0 and "is already partnership" in again.output and "Nothing was changed" in again.output
    assert len(events(app, "facilitator_role_changed")) == 1  # nothing changed, nothing recorded

    assert runner.invoke(args=["facilitators", "set-role", EMAIL, "facilitator", "--yes"]).exit_code == 0
    assert client.get("/inbox").status_code == 200
    unknown_role = runner.invoke(args=["facilitators", "set-role", EMAIL, "admin"])
    assert unknown_role.exit_code == 2 and "'admin' is not one of 'facilitator', 'partnership'" in unknown_role.output
    # Named as its help names it (ROLE), not by the list of roles in braces Click shows by default.
    assert "Invalid value for 'ROLE'" in unknown_role.output and "{facilitator|partnership}" not in unknown_role.output
    unknown = runner.invoke(args=["facilitators", "set-role", "nobody@partnership.example", "partnership"])
    assert unknown.exit_code == 1 and "There is no facilitator" in unknown.output
    assert len(events(app, "facilitator_role_changed")) == 2


def test_cli_corrects_an_accounts_name_keeping_the_account_and_audits_it(app: Flask, runner) -> None:
    """Found (b149 review): no command corrected a misspelt or changed name; the only way was to
    deactivate the account and add a new one, cut off from its notes, assignments and audit trail.
    ``rename`` changes it in place, audited with both names, checked and tidied as ``add`` does."""
    client, facilitator_id = signed_in(app)
    for name, refusal in (("  ", "Enter the facilitator's name."), ("x" * 101, "100 characters or less")):
        refused = runner.invoke(args=["facilitators", "rename", EMAIL, "--name", name])
        assert refused.exit_code == 1 and refusal in refused.output, refused.output
    unknown = runner.invoke(args=["facilitators", "rename", "nobody@partnership.example", "--name", "Sam"])
    assert unknown.exit_code == 1 and "There is no facilitator" in unknown.output
    assert events(app, service.RENAMED) == []

    renamed = runner.invoke(args=["facilitators", "rename", EMAIL.upper(), "--name", " Sam \u200bFacilitater-Jones "])
    assert renamed.exit_code == 0, renamed.output
    assert f"Renamed {EMAIL} from Sam Facilitator to Sam Facilitater-Jones." in renamed.output
    assert "Signed in as <bdi>Sam Facilitater-Jones</bdi>" in client.get("/inbox").get_data(as_text=True)
    with app.app_context():
        assert service.find_facilitator(EMAIL).id == facilitator_id  # the same account, so its trail
    assert [(e.actor, e.detail, e.reference) for e in events(app, service.RENAMED)] == [
        ("cli", f"facilitator:{facilitator_id}; name corrected", None)  # by number, as the log names accounts
    ]
    again = runner.invoke(args=["facilitators", "rename", EMAIL, "--name", "Sam  Facilitater-Jones"])
    assert again.exit_code == 0 and "is already named Sam Facilitater-Jones. Nothing was changed." in again.output
    assert len(events(app, service.RENAMED)) == 1  # nothing changed, nothing recorded


NEW_ADDRESS = "sam.jones@newcouncil.example"


def test_cli_changes_an_accounts_email_address_keeping_the_account_and_audits_it(app: Flask, runner) -> None:
    """Found (b149 review): no command changed an account's email address (married, a council's new
    domain, a typo at ``add``): only a new account, and its notices went on to the old address.
    ``set-email`` changes it in place, checked as ``add`` checks an address, refusing one another
    account has (active or not); the account signs in with the new one, and its sign-ins open carry
    on; audited with both addresses."""
    client, facilitator_id = signed_in(app)
    add_colleague(app)
    with app.app_context():
        service.add_facilitator("lee.left@partnership.example", "Lee Left", PASSWORD)
        service.deactivate_facilitator("lee.left@partnership.example")
    for new, refusal in (
        ("not an address", "Enter an email address in the correct format"),
        ("kim.colleague@partnership.example", "There is already a facilitator with the email address kim.colleague@"),
        (" LEE.left@partnership.example", "There is already a facilitator with the email address lee.left@"),
    ):
        refused = runner.invoke(args=["facilitators", "set-email", EMAIL, new])
        assert refused.exit_code == 1 and refusal in refused.output, refused.output
    unknown = runner.invoke(args=["facilitators", "set-email", "nobody@partnership.example", NEW_ADDRESS])
    assert unknown.exit_code == 1 and "There is no facilitator" in unknown.output
    same = runner.invoke(args=["facilitators", "set-email", EMAIL, EMAIL.upper()])
    assert same.exit_code == 0 and "has that email address already. Nothing was changed." in same.output
    assert events(app, service.EMAIL_CHANGED) == []

    changed = runner.invoke(args=["facilitators", "set-email", EMAIL, f" {NEW_ADDRESS.upper()} "])
    assert changed.exit_code == 0, changed.output
    assert (
        f"Changed the email address of Sam Facilitator from {EMAIL} to {NEW_ADDRESS}. They sign in with the new "
        "address from now on, with the same password (any sign-in open now carries on)."
    ) in changed.output
    assert client.get("/inbox").status_code == 200  # still signed in
    with app.app_context():
        assert service.find_facilitator(NEW_ADDRESS).id == facilitator_id and service.find_facilitator(EMAIL) is None
    assert [(e.actor, e.detail, e.reference) for e in events(app, service.EMAIL_CHANGED)] == [
        ("cli", f"facilitator:{facilitator_id}; email address changed", None)  # no address in the log
    ]
    assert "Enter a correct email address and password" in text(sign_in(app.test_client()))  # the old address
    assert sign_in(app.test_client(), NEW_ADDRESS).status_code == 302
    listed = runner.invoke(args=["facilitators", "audit-log", "--account", NEW_ADDRESS])
    assert "Sam Facilitator (sam.jones@newcouncil.example)" in listed.output


def test_changing_an_email_address_lifts_the_lockouts_of_both_addresses(app: Flask, runner) -> None:
    """The sign-in lockout counts failures by address (b149 review): the old address's were this
    account's, and those of the new one (before it was any account's) were not its owner's, who
    must be able to sign in with it at once."""
    add_facilitator(app)
    lockout = app.extensions[LOCKOUT_KEY]
    with app.app_context():
        for _ in range(6):  # (as the sign-in page counts a failure: the network's limit is not the subject)
            lockout.begin_attempt(EMAIL)
            lockout.begin_attempt(NEW_ADDRESS)
        assert lockout.seconds_locked(EMAIL) > 0 and lockout.seconds_locked(NEW_ADDRESS) > 0
    assert runner.invoke(args=["facilitators", "set-email", EMAIL, NEW_ADDRESS]).exit_code == 0
    with app.app_context():
        assert lockout.failures(EMAIL) == 0 and lockout.failures(NEW_ADDRESS) == 0
    assert sign_in(app.test_client(), NEW_ADDRESS).status_code == 302


@both_databases
def test_cli_refuses_to_deactivate_the_last_active_facilitator(app: Flask, runner) -> None:
    """Found: ``deactivate`` took the last active facilitator account, leaving no one able to open
    the requests (``set-role`` refused it). It now refuses, as ``set-role`` does; read-only
    partnership accounts do not count, and one that is deactivated already is left as it is."""
    client, facilitator_id = signed_in(app)
    with app.app_context():
        service.add_facilitator("pat.partner@partnership.example", "Pat Partner", PASSWORD, "partnership")
    only = runner.invoke(args=["facilitators", "deactivate", EMAIL.upper()])
    assert only.exit_code == 1
    assert (
        f"Nothing was changed: {EMAIL} is the only active facilitator account. If it were deactivated, no one "
        "could open the requests in the inbox. Add another facilitator first (flask facilitators add EMAIL --name "
        "NAME), then run this again."
    ) in " ".join(only.output.split())
    assert client.get("/inbox").status_code == 200 and events(app, "facilitator_deactivated") == []
    with app.app_context():
        assert db.session.get(Facilitator, facilitator_id).deactivated_at is None
    partner = runner.invoke(args=["facilitators", "deactivate", "pat.partner@partnership.example"])
    assert partner.exit_code == 0, partner.output

    add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    assert client.get("/inbox").status_code != 200
    last = runner.invoke(args=["facilitators", "deactivate", "kim.colleague@partnership.example"])
    assert last.exit_code == 1 and "kim.colleague@partnership.example is the only active" in last.output
    again = runner.invoke(args=["facilitators", "deactivate", EMAIL])  # deactivated already: no one less
    assert again.exit_code == 0, again.output
    assert len(events(app, "facilitator_deactivated")) == 3


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
@pytest.mark.parametrize(
    "command", [["deactivate", EMAIL], ["set-role", EMAIL, "partnership", "--yes"]], ids=["deactivate", "set-role"]
)
def test_two_commands_at_the_same_moment_cannot_leave_no_facilitator(app: Flask, command: list[str]) -> None:
    """Found: two people each deactivating (or making read-only) one of the last two facilitators
    at the same moment each counted the other's account as still there, and left none. The
    second now waits for the first, then counts what it left, and refuses."""
    add_facilitator(app)
    colleague_id = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    # Connections of their own: each command closes the app's pooled connections as it starts.
    with own_connections(app) as engine, engine.connect() as colleague:
        colleague.execute(  # the first command's change, not yet committed
            update(Facilitator).where(Facilitator.id == colleague_id).values(active=False)
        )
        result = run_while_held(colleague, lambda: app.test_cli_runner().invoke(args=["facilitators", *command]))
    assert result.exit_code == 1, result.output
    assert f"{EMAIL} is the only active facilitator account" in result.output
    with app.app_context():
        account = service.find_facilitator(EMAIL)
        assert account.active and account.role == "facilitator"


def sqlite_command(app: Flask, *args: str, lock_wait: float | None = None) -> subprocess.Popen[str]:
    """``flask facilitators ARGS`` in a process of its own, on the test app's SQLite file; waiting
    ``lock_wait`` seconds for SQLite's lock, if given, not Python's 5."""
    url = app.config["SQLALCHEMY_DATABASE_URI"] + (f"?timeout={lock_wait}" if lock_wait is not None else "")
    env = {key: value for key, value in os.environ.items() if key != "RATELIMIT_STORAGE_URI"}
    env.update(APP_ENV="development", SECRET_KEY="production-like-test-secret-0123456789", DATABASE_URL=url)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "facilitators", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_sleeping_on_the_lock(process: subprocess.Popen[str]) -> None:
    """Until ``process`` waits for SQLite's write lock: SQLite's busy handler sleeps between tries
    (the kernel shows the process waiting in a sleep), which nothing else in a command does."""
    deadline = time.monotonic() + 30
    wchan = Path(f"/proc/{process.pid}/wchan")
    while wchan.read_text() != "hrtimer_nanosleep":
        assert time.monotonic() < deadline and process.poll() is None, "it did not wait for the lock"
        time.sleep(0.02)


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux's /proc to see a process wait")
@pytest.mark.parametrize(
    "command", [["deactivate", EMAIL], ["set-role", EMAIL, "partnership", "--yes"]], ids=["deactivate", "set-role"]
)
def test_two_commands_at_the_same_moment_on_sqlite_cannot_leave_no_facilitator(app: Flask, command: list[str]) -> None:
    """Found: on SQLite (the default database), a command that began while another was changing the
    accounts counted them before that change was committed (its reads took no lock), then waited
    for the lock to write: two people each deactivating one of the last two facilitators left none,
    and a wait for the lock longer than SQLite's few seconds ended in "database is locked". The
    second now waits for the first before it counts, then counts what the first left, and refuses."""
    add_facilitator(app)
    colleague_id = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    first = sqlite3.connect(database, isolation_level=None)  # the first command, in this process
    try:
        first.execute("BEGIN IMMEDIATE")
        first.execute("UPDATE facilitators SET active = 0 WHERE id = ?", (colleague_id,))  # not yet committed
        second = sqlite_command(app, *command)
        wait_until_sleeping_on_the_lock(second)
        first.execute("COMMIT")
        output, _ = second.communicate(timeout=60)
    finally:
        first.close()
    assert second.returncode == 1, output
    assert f"{EMAIL} is the only active facilitator account" in " ".join(output.split()), output
    assert "Traceback" not in output, output
    with app.app_context():
        account = service.find_facilitator(EMAIL)
        assert account.active and account.role == "facilitator"


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux's /proc to see a process wait")
def test_a_command_kept_waiting_for_sqlites_lock_too_long_says_so_in_one_line(app: Flask) -> None:
    """When the other writer holds SQLite's lock for longer than the command waits, it ends with one
    line saying the database was busy and to run it again, having changed nothing; not that the
    database did not answer, nor a traceback."""
    add_facilitator(app)
    add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    first = sqlite3.connect(database, isolation_level=None)
    try:
        first.execute("BEGIN IMMEDIATE")
        first.execute("UPDATE facilitators SET last_login_at = NULL")
        # How long it waits is not what is tested: 1 s, not 5.
        second = sqlite_command(app, "deactivate", EMAIL, lock_wait=1)
        output, _ = second.communicate(timeout=120)
    finally:
        first.close()
    assert second.returncode == 1, output
    assert output.strip().splitlines()[-1] == (f"Error: {SQLITE_BUSY_WORDS}"), output
    assert "Traceback" not in output and "did not answer" not in output, output
    with app.app_context():
        assert service.find_facilitator(EMAIL).active


def test_cli_takes_a_piped_password_quietly(app: Flask) -> None:
    """A script can pipe the password in (twice): no warning, nothing echoed, the account works."""
    env = {key: value for key, value in os.environ.items() if key != "RATELIMIT_STORAGE_URI"}
    env.update(
        APP_ENV="development",
        SECRET_KEY="production-like-test-secret-0123456789",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    result = project_python(
        ["-m", "flask", "--app", "wsgi", "facilitators", "add", EMAIL, "--name", "Sam Facilitator"],
        env,
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Added Sam Facilitator" in result.stdout
    assert "Warning" not in result.stderr and "RATELIMIT_STORAGE_URI" not in result.stderr, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    with app.app_context():
        assert service.password_signs_in(EMAIL, PASSWORD) is not None


def test_the_first_sign_in_a_process_sees_takes_as_long_for_an_account_as_for_no_account(app: Flask) -> None:
    """Found (security review): the hash checked for an unknown address was made (scrypt, a third
    of a second) by the first attempt with one, so that attempt took twice as long as the first for
    a real account, telling an attacker which addresses have one. It is made by the first attempt."""
    add_facilitator(app)
    for email in (EMAIL, "nobody@partnership.example"):
        service._dummy_hash.cache_clear()
        with app.app_context():
            assert service.password_signs_in(email, "a wrong password, long enough") is None
        assert service._dummy_hash.cache_info().currsize == 1, email  # made, whichever address it was for
    service._dummy_hash.cache_clear()  # (made with the cheap hash of these tests: not kept for later ones)


@pytest.mark.parametrize("typed", ["Sam\x01 Facilitator", "Sam \u200bFacilitator", "  Sam\t\x7f Facilitator\x1b "])
def test_a_name_typed_with_control_or_invisible_characters_is_stored_without_them(
    app: Flask, runner, typed: str
) -> None:
    """The name goes into the inbox, emails and calendar files: a control character pasted into
    ``--name`` is dropped, as the web forms drop it, not stored."""
    result = runner.invoke(args=["facilitators", "add", EMAIL, "--name", typed], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Added Sam Facilitator <" in result.output
    with app.app_context():
        assert service.find_facilitator(EMAIL).display_name == "Sam Facilitator"


@pytest.mark.parametrize(
    "weak", ["short", "password1234567", "aaaaaaaaaaaaaaaa", "123456789012345", "ashlead-is-me-2026"]
)
def test_cli_refuses_short_or_weak_passwords_and_asks_again(app: Flask, runner, weak: str) -> None:
    result = runner.invoke(
        args=["facilitators", "add", "ash.lead@partnership.example", "--name", "Ash Lead"],
        input=f"{weak}\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Error" in result.output and weak not in result.output


def test_cli_refuses_mismatched_passwords_and_duplicate_accounts(app: Flask, runner) -> None:
    args = ["facilitators", "add", EMAIL, "--name", "Sam Facilitator"]
    mismatch = runner.invoke(args=args, input=f"{PASSWORD}\n{PASSWORD}x\n")
    assert mismatch.exit_code != 0 and "do not match" in mismatch.output
    add_facilitator(app)
    duplicate = runner.invoke(args=args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert duplicate.exit_code == 1 and "already" in duplicate.output


@pytest.mark.parametrize(
    "email, name, problem",
    [
        ("sam.facilitator", "Sam Facilitator", "Enter an email address in the correct format"),
        (EMAIL, "   ", "Enter the facilitator's name"),
        (EMAIL.upper(), "Sam Again", "There is already a facilitator with the email address"),
    ],
)
def test_cli_says_what_is_wrong_with_a_new_account_before_asking_for_its_password(
    app: Flask, runner, email: str, name: str, problem: str
) -> None:
    """Found (facilitator review): a mistyped address, a blank name or an address already in use
    was said only after the new password had been typed twice, and the password was thrown away."""
    add_facilitator(app)
    result = runner.invoke(args=["facilitators", "add", email, "--name", name], input="")
    assert result.exit_code == 1 and problem in result.output, result.output
    assert "Password" not in result.output  # not asked for


def test_the_import_refusals_end_as_every_other_error_message_does() -> None:
    """Found: the refusal of a request deleted before ended with a full stop, and the others
    (of one sentence or two) did not: beside the upload field, as every error message the
    service shows beside a field, none ends with one."""
    from app.inbox import pdf_import

    messages = [
        pdf_import.EMPTY_FILE,
        pdf_import.NOT_A_PDF,
        pdf_import.TOO_LARGE,
        pdf_import.UNREADABLE_PDF,
        pdf_import.NO_ATTACHMENT,
        pdf_import.BAD_DATA,
        pdf_import.NEWER_FORMAT,
        pdf_import.NOT_A_REQUEST_ROUTE,
        pdf_import.OTHER_QUESTIONS.format(why=pdf_import.QUESTION_NOT_ASKED.format(question="Q")),
        pdf_import.TOO_OLD.format(day="1 May 2026", days=90),
        service.WAS_DELETED.format(reference="STT-ABCD-EFGH", day="1 May 2026"),
    ]
    assert [message for message in messages if message.endswith(".")] == []


def test_the_facilitators_commands_refusals_end_with_a_full_stop(app: Flask, runner) -> None:
    """Found: in the terminal, a refusal of two sentences (an account whose details were removed)
    ended without a full stop, and a mistyped email address's too, while the others have one."""
    add_facilitator(app)
    unknown = "nobody@partnership.example"
    refusals = [
        runner.invoke(args=["facilitators", "add", "sam.facilitator", "--name", "Sam"], input=""),
        runner.invoke(args=["facilitators", "add", "new@partnership.example", "--name", "  "], input=""),
        runner.invoke(args=["facilitators", "add", EMAIL, "--name", "Sam Again"], input=""),
        runner.invoke(args=["facilitators", "deactivate", unknown]),
        runner.invoke(args=["facilitators", "reactivate", unknown]),
        runner.invoke(args=["facilitators", "unlock", unknown]),
        runner.invoke(args=["facilitators", "deactivate", EMAIL]),  # the only facilitator
    ]
    with app.app_context():
        account = service.find_facilitator(EMAIL)
        assert account is not None
        account.anonymised_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        with pytest.raises(service.FacilitatorError) as removed:
            service.refuse_a_removed_account(account)
        db.session.rollback()
    said = [result.output.strip().splitlines()[-1] for result in refusals]
    assert all(result.exit_code == 1 for result in refusals), said
    assert all(line.startswith("Error: ") for line in said), said
    assert [line for line in [*said, str(removed.value)] if not line.endswith(".")] == []
    assert str(removed.value).endswith("Add a new account instead (flask facilitators add EMAIL --name NAME).")


def test_password_rules() -> None:
    assert service.password_problem(PASSWORD) is None
    assert service.password_problem("x" * 11)
    assert service.password_problem("sam.facilitator-2026!", EMAIL)
    assert service.password_problem("Sam Facilitator 99!", "", "Sam Facilitator")


# Found (security review): all of these were accepted. Common passwords with look-alike digits
# or symbols for letters and digits, years or symbols added; keyboard runs and sequences.
COMMON_WITH_ADDITIONS = [
    "P@ssw0rd1234",
    "Welcome2024!",
    "Summer2024!!",
    "Liverpool123!",
    "letmein123456",
    "L1v3rp00l2024",
    "2024Welcome!!",
    "$unsh1ne-2024",
    "Safeguarding2024",
    "correct horse battery staple 9",
    "CorrectHorseBatteryStaple!",
]
RUNS_AND_SEQUENCES = ["abcdef123456", "qwertyuiop12", "1234567890ab", "0987654321qa", "asdf-1234-zxcv", "zyxw!!!!9876"]


@pytest.mark.parametrize("weak", COMMON_WITH_ADDITIONS + RUNS_AND_SEQUENCES)
def test_common_passwords_with_additions_and_keyboard_runs_are_refused(weak: str) -> None:
    problem = service.password_problem(weak, "alice@example.org", "Alice")
    assert problem is not None and problem.startswith("The password is too easy to guess")
    # Numerals, as GOV.UK style writes them (words review: "three or four").
    assert "Use a longer passphrase, for example 3 or 4 unrelated words" in problem


def test_password_messages_say_why_it_is_easy_to_guess() -> None:
    common = service.password_problem("Liverpool123!")
    assert common is not None and "a common password, perhaps with numbers or symbols added" in common
    runs = service.password_problem("1234567890ab")
    assert runs is not None and "keys next to each other or letters or numbers in order, like qwerty" in runs
    assert service.password_problem("zyxw!!!!9876") == runs


@pytest.mark.parametrize(
    "strong",
    [
        PASSWORD,
        "Turquoise-Lantern-Harbour-77",  # the security review's
        "a quite different passphrase",  # test_limits.py
        "violet lantern orbit meadow",  # the browser tests'
        "copper kettle harbour dawn",
        "amber heron quietly folding",
        "Xk8#pQ2!mZ7r",  # random: no word in it to find
        "first-rate stuff here",  # "rst" and "tuf" in words are not runs
        "Lantern2026!Harbour",
    ],
)
def test_passphrases_and_random_passwords_still_pass(strong: str) -> None:
    assert service.password_problem(strong, "alice@example.org", "Alice") is None


@pytest.mark.parametrize(
    "weak", ["Salford Safeguarding", "SSCP Salford 2025!", "S@lford Children Partnership", "space to think 2026"]
)
def test_a_password_made_only_of_the_partnerships_words_is_refused(app: Flask, weak: str) -> None:
    """Found (security review): "Salford Safeguarding" was accepted (only one of the partnership's
    words alone was refused), among the first guesses for an account in Salford."""
    with app.app_context():
        problem = service.password_problem(weak, "alice@example.org", "Alice")
        assert problem is not None and "the partnership's name" in problem
        assert service.password_problem("Salford river walks daily", "alice@example.org", "Alice") is None


@pytest.mark.parametrize(
    "email, name, weak",
    [
        ("jo.li@salford.gov.uk", "Jo Li", "jo.li@salford.gov.uk"),  # the account's own address
        ("f3@example.org", "F Three", "f3@example.org"),
        ("al@council.example.org", "Al Doe", "AL@COUNCIL.EXAMPLE.ORG"),
        ("sam@salford.gov.uk", "Sam Cole", "Sam Salford 2026"),  # a short name and the place
        ("sam@salford.gov.uk", "Sam Cole", "Sam Cole 2026!!"),
    ],
)
def test_a_password_made_of_the_accounts_own_address_or_short_name_is_refused(
    app: Flask, email: str, name: str, weak: str
) -> None:
    """Found (security review): the account's own email address was accepted as its password
    when each part of it was under 4 letters, as was "Sam Salford 2026" for Sam Cole."""
    with app.app_context():
        problem = service.password_problem(weak, email, name)
        assert problem is not None and "without your name, your email" in problem, weak
        # A passphrase of other words is still taken, whatever short words it shares with them.
        assert service.password_problem("Jolly lilac sandals glow", email, name) is None


def test_the_common_password_list_is_the_published_one_read_with_its_look_alikes() -> None:
    text = service.COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("# ")]
    assert "www.ncsc.gov.uk" in "".join(header)  # says where it comes from
    entries = text.splitlines()[len(header) :]
    assert len(entries) == 10_000 and entries[:4] == ["123456", "123456789", "qwerty", "password"]
    assert service.password_bases("p@ssw0rd1234") >= {"password"}
    assert service.password_bases("l1v3rp00l!") >= {"liverpool"}
    assert service.password_bases("hell0-2024") >= {"hello"}
    assert {"liverpool", "welcome", "summer", "letmein", "safeguarding"} <= service.common_password_bases()
    assert service.run_characters("qwertyuiop12") == 10  # "12" is too short to be a run
    assert service.run_characters("quiet harbour lantern orchard") == 0


# --- signing in -------------------------------------------------------------------------------


@both_databases
def test_sign_in_rotates_the_session_and_opens_the_inbox(app: Flask) -> None:
    facilitator_id = add_facilitator(app)
    client = app.test_client()
    client.get("/inbox/sign-in")
    before = session_cookie(client)
    response = sign_in(client)
    assert response.status_code == 302 and response.location == "/inbox"
    assert session_cookie(client) not in (None, before)
    assert client.get("/inbox").status_code == 200
    with app.app_context():
        assert db.session.get(Facilitator, facilitator_id).last_login_at is not None
    assert [e.actor for e in events(app, "signed_in")] == [f"facilitator:{facilitator_id}"]


def test_a_password_reset_ends_every_sign_in_of_that_account(app: Flask, runner) -> None:
    """Found (security review): after `flask facilitators reset-password`, the README's answer to
    an exposed password, a session signed in before it still opened the inbox."""
    client, facilitator_id = signed_in(app)
    colleague = app.test_client()
    add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    assert sign_in(colleague, "kim.colleague@partnership.example").status_code == 302
    new_password = "copper lantern meadow 77"
    reset = runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{new_password}\n{new_password}\n")
    assert reset.exit_code == 0, reset.output
    response = client.get("/inbox")
    assert response.status_code == 302 and response.location.startswith("/inbox/sign-in")
    page = text(client.get(response.location))
    assert "You were signed out because the password for this account was changed. Sign in again" in page
    assert client.get("/inbox").status_code == 302  # the old session is gone, not just refused once
    assert colleague.get("/inbox").status_code == 200  # another account's sign-in is untouched
    # The new password signs in, to choose one only they know (it was set by whoever ran the command).
    assert sign_in(client, password=new_password).status_code == 302
    assert client.get("/inbox").location == "/inbox/account/password?next=/inbox"
    # A note being typed when the password was reset is given back, not lost (diff review).
    reference = stored_request(app)
    token = session_csrf_token(client)
    runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{PASSWORD}\n{PASSWORD}\n")
    note = "Spoke to the practitioner; they will call back on Tuesday."
    refused = client.post(f"/inbox/requests/{reference}/notes", data={"csrf_token": token, "text": note})
    assert refused.status_code == 400 and note in text(refused) and "Copy it now" in text(refused)
    assert "the password for this account was changed" in text(client.get("/inbox/sign-in"))
    # Sign out, pressed after such a sign-out, goes to the sign-in page that says why (last review).
    assert sign_in(client).status_code == 302
    token = session_csrf_token(client)
    runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{new_password}\n{new_password}\n")
    signed_out = client.post("/inbox/sign-out", data={"csrf_token": token})
    assert signed_out.status_code == 302 and signed_out.location == "/inbox/sign-in"
    assert "the password for this account was changed" in text(client.get(signed_out.location))
    # Each sign-in the password change ended is in the audit log, when it was found so.
    ended = [e.detail for e in events(app, "signed_out") if e.actor == f"facilitator:{facilitator_id}"]
    assert ended and set(ended) == {"signed out: the password was changed"}


def test_a_sign_in_from_before_the_stamp_existed_is_kept_and_given_one(app: Flask) -> None:
    """Found (diff review): every facilitator signed in when the credential stamp was deployed
    was signed out and told their password had been changed."""
    import datetime as dt

    from app.models import utcnow

    client, _ = signed_in(app)
    with client.session_transaction() as stored:
        del stored[service.STAMP_KEY], stored[service.SIGNED_IN_AT_KEY]
    assert client.get("/inbox").status_code == 200
    with client.session_transaction() as stored:
        assert stored[service.STAMP_KEY] and stored[service.SIGNED_IN_AT_KEY]
        # Another app server, its clock a minute ahead, signed it in: not "more than 24 hours ago".
        stored[service.SIGNED_IN_AT_KEY] = (utcnow() + dt.timedelta(minutes=1)).isoformat()
    assert client.get("/inbox").status_code == 200


def test_a_sign_in_lasts_at_most_twelve_hours_however_busy(app: Flask) -> None:
    import datetime as dt

    from app.models import utcnow

    client, _ = signed_in(app)
    with client.session_transaction() as stored:
        started = dt.datetime.fromisoformat(stored[service.SIGNED_IN_AT_KEY])
        assert utcnow() - started < dt.timedelta(minutes=1)
        stored[service.SIGNED_IN_AT_KEY] = (started - dt.timedelta(hours=23, minutes=58)).isoformat()
    assert client.get("/inbox").status_code == 200  # still within the 24 hours
    with client.session_transaction() as stored:
        stored[service.SIGNED_IN_AT_KEY] = (started - dt.timedelta(hours=24, minutes=1)).isoformat()
    # Nothing opens but the password page (tests/test_inbox_sign_in_ends.py), which says why.
    response = client.get("/inbox/sessions")
    assert response.status_code == 302 and response.location == "/inbox/confirm-sign-in?next=/inbox/sessions"
    page = text(client.get(response.location))
    assert "You were signed out because you signed in more than 24 hours ago." in page
    # A POST is refused, never carried out.
    assert client.post("/inbox/sign-out").status_code in (302, 400, 403)
    assert client.get("/inbox").status_code == 302


@pytest.mark.parametrize(
    "email, password", [(EMAIL, "wrong password, quite long"), ("nobody@partnership.example", PASSWORD)]
)
def test_sign_in_failure_is_vague_and_not_logged_in_full(app: Flask, caplog, email: str, password: str) -> None:
    add_facilitator(app)
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        response = sign_in(client, email, password)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in text(response)
    assert "govuk-error-summary" in text(response)
    assert client.get("/inbox").status_code == 302
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "sign-in failed" in logged
    assert email not in logged and password not in logged and email.split("@")[0] not in logged
    # Audited too: for which account (its number, or none), never the address or the password.
    [failed] = events(app, "sign_in_failed")
    assert failed.actor == "sign-in form" and failed.reference is None
    assert failed.detail.startswith("facilitator:" if email == EMAIL else "no such account;")
    with app.test_request_context():
        tag = service.email_fingerprint(email)
    assert tag in failed.detail and tag in logged
    # Keyed with the secret: a plain hash of a known address does not give it away.
    assert hashlib.sha256(email.lower().encode()).hexdigest()[:10] not in failed.detail + logged
    assert email.split("@")[0] not in failed.detail and password not in failed.detail


@pytest.mark.parametrize(
    "path, current",
    [
        ("/inbox", "Requests"),
        ("/inbox/sessions", "Sessions"),
        ("/inbox/import", "Import a request"),
        ("/inbox/statistics", "Statistics"),
        ("/inbox/guide", "Guide for facilitators"),
    ],
)
def test_the_inbox_navigation_marks_the_page_being_shown(app: Flask, path: str, current: str) -> None:
    """Found (accessibility review): nothing in the inbox's navigation said which of its pages
    was open; a screen reader now says "current page" on that link (aria-current), and only there."""
    client, _ = signed_in(app)
    page = text(client.get(path))
    nav = page.split('aria-label="Inbox"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == [current]
    assert nav.count('aria-current="page"') == 1


def test_sign_in_with_nothing_entered_asks_for_both(app: Flask) -> None:
    response = post_form(app.test_client(), "/inbox/sign-in", "/inbox/sign-in", {"email": "", "password": ""})
    assert response.status_code == 200
    assert 'href="#email"' in text(response) and 'href="#password"' in text(response)


def test_the_sign_in_page_says_what_to_do_about_a_forgotten_password(app: Flask) -> None:
    """Found (facilitator review): nothing in the inbox said what to do about a forgotten password
    (whoever manages the accounts sets a new one: flask facilitators reset-password), not even
    after a failed sign-in."""
    add_facilitator(app)
    client = app.test_client()
    forgotten = "If you need an account, or have forgotten your password, ask whoever manages inbox accounts"
    page = " ".join(text(client.get("/inbox/sign-in")).split())
    assert forgotten in page
    # Who signs in here: the statistics accounts too (found, facilitators' review: "facilitators only").
    assert "for the partnership's facilitators only, and for the partnership's own accounts that see" in page
    failed = sign_in(client, EMAIL, "wrong password, quite long")
    assert "Enter a correct email address and password" in text(failed)
    assert forgotten in " ".join(text(failed).split())
    # The guide says so too, with what a new password does.
    assert sign_in(client).status_code == 302
    assert "If you have forgotten your password" in text(client.get("/inbox/guide"))


def test_a_deactivated_facilitator_cannot_sign_in_and_is_signed_out(app: Flask, runner) -> None:
    client, _ = signed_in(app)
    add_colleague(app)
    assert client.get("/inbox").status_code == 200
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    response = client.get("/inbox")
    assert response.status_code == 302 and response.location.startswith("/inbox/sign-in")
    refused = sign_in(app.test_client())
    assert refused.status_code == 200 and "Enter a correct email address and password" in text(refused)


CLOSED_SAID = (
    "You were signed out because this inbox account has been closed. If you still need the inbox, ask whoever "
    "manages inbox accounts"
)


@both_databases
def test_a_browser_signed_in_to_an_account_deactivated_is_told_so_once(app: Flask, runner) -> None:
    """Found (b149 review): deactivation deleted the account's sessions, so the next page found no
    account to say why by: the plain sign-in page, and the right password then refused as if
    mistyped. Each browser that was signed in is told, once; no other browser is told anything."""
    client, _ = signed_in(app)
    add_colleague(app)
    other_device, polling = app.test_client(), app.test_client()
    assert sign_in(other_device).status_code == 302 and sign_in(polling).status_code == 302
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    response = client.get("/inbox")
    assert response.status_code == 302 and response.location.startswith("/inbox/sign-in")
    assert CLOSED_SAID in text(client.get(response.location))
    assert CLOSED_SAID not in text(client.get("/inbox/sign-in"))  # once
    assert CLOSED_SAID in text(other_device.get("/inbox/sign-in"))  # opened straight from a bookmark
    # An open page's poll says why, and leaves the telling to the page that follows.
    poll = polling.get("/inbox/still-signed-in").get_json()
    assert poll == {"signed_in": False, "why": "You were signed out because this inbox account has been closed."}
    assert CLOSED_SAID in text(polling.get("/inbox", follow_redirects=True))
    # Anyone else, the address typed or not, is told nothing of the account.
    stranger = app.test_client()
    assert CLOSED_SAID not in text(stranger.get("/inbox", follow_redirects=True))
    assert CLOSED_SAID not in text(sign_in(stranger))


def test_the_note_of_a_sign_in_ended_by_deactivation_goes_after_a_day_and_is_no_ones_session(
    app: Flask, runner
) -> None:
    """The note is not a session: the purge that deletes it after its day counts no session
    deleted, and audits no sign-in timed out; the browser that never came back is then told nothing."""
    from app.sessions import purge_expired_sessions

    client, _ = signed_in(app)
    add_colleague(app)
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    timed_out = len(events(app, "signed_out"))
    with app.app_context():
        assert purge_expired_sessions(utcnow() + dt.timedelta(hours=23)) == 0
        assert db.session.scalar(select(func.count()).select_from(JourneySessionRow)) == 1  # the note
        assert purge_expired_sessions(utcnow() + dt.timedelta(hours=25)) == 0
        assert db.session.scalar(select(func.count()).select_from(JourneySessionRow)) == 0
    assert len(events(app, "signed_out")) == timed_out
    assert CLOSED_SAID not in text(client.get("/inbox", follow_redirects=True))


def test_the_right_password_of_a_deactivated_account_is_audited_so_and_counted_as_any_failure(
    app: Flask, runner
) -> None:
    """Found (b149 review): the owner of a deactivated account, typing their right password, was
    audited as an ordinary failed sign-in, as someone guessing would be: it is audited as the right
    password. Found (regression review): not counted towards the lockout, and clearing it, the right
    password of a deactivated account told a guesser it was right (four wrong, the guess, one wrong:
    no lockout only if the guess was right), the password `reactivate` brings back. It counts as any
    failure: the page and the lockout are the same for the right password and a wrong one."""
    facilitator_id = add_facilitator(app)
    add_colleague(app)
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    answers: dict[str, list[int]] = {}
    for candidate in (PASSWORD, "not the password at all"):
        app.extensions[LOCKOUT_KEY].clear(EMAIL)  # as `flask facilitators unlock` does (here in memory)
        tries = [f"wrong guess {n}" for n in range(4)] + [candidate, "one more wrong guess"]
        answers[candidate] = [
            post_form(
                app.test_client(),
                "/inbox/sign-in",
                "/inbox/sign-in",
                {"email": EMAIL, "password": password},
                environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"},
            ).status_code
            for n, password in enumerate(tries)
        ]
    assert answers[PASSWORD] == answers["not the password at all"] == [200] * 5 + [429], answers
    details = [event.detail for event in events(app, "sign_in_failed")]
    assert all(detail.startswith(f"facilitator:{facilitator_id}; ") for detail in details)
    assert sum(detail.endswith(f"; {service.RIGHT_PASSWORD_ACCOUNT_CLOSED}") for detail in details) == 1
    failed_sign_ins = runner.invoke(args=["facilitators", "failed-sign-ins"]).output
    assert failed_sign_ins.count(service.RIGHT_PASSWORD_ACCOUNT_CLOSED) == 1
    assert runner.invoke(args=["facilitators", "reactivate", EMAIL]).exit_code == 0  # lifts the lockout
    assert sign_in(app.test_client()).status_code == 302


def test_reactivating_lifts_the_lockout_as_a_new_password_does(app: Flask, runner) -> None:
    """Found (b149 review): an account locked while it was deactivated stayed locked once
    reactivated ("They can sign in again"), refused "too many failed attempts"."""
    add_facilitator(app)
    add_colleague(app)
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    for n in range(6):
        post_form(
            app.test_client(),
            "/inbox/sign-in",
            "/inbox/sign-in",
            {"email": EMAIL, "password": f"wrong guess {n}"},
            environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"},
        )
    assert sign_in(app.test_client()).status_code == 429  # locked
    assert runner.invoke(args=["facilitators", "reactivate", EMAIL]).exit_code == 0
    assert sign_in(app.test_client()).status_code == 302


@both_databases
def test_a_sign_in_kept_alive_while_its_account_was_deactivated_does_not_come_back_with_it(app: Flask, runner) -> None:
    """Found (security review): deactivating an account (a laptop lost, say) only refused its
    sessions at their next inbox page. One kept alive meanwhile on the site's other pages (or
    by the timeout warning's "Stay signed in") was the inbox again as soon as the account was
    reactivated. Now deactivating ends every session signed in to the account, there and then."""
    client, facilitator_id = signed_in(app)
    add_colleague(app)
    other_device = app.test_client()
    assert sign_in(other_device).status_code == 302
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    # Each sign-in ended is in the audit log (found: only the deactivation was).
    ended = [(event.actor, event.detail) for event in events(app, "signed_out")]
    assert ended == [(f"facilitator:{facilitator_id}", "signed out: the account was closed")] * 2
    assert client.get("/privacy").status_code == 200  # kept alive, never opening an inbox page
    token = csrf_token(client.get("/inbox/sign-in").get_data(as_text=True))
    assert client.post("/keep-alive", data={"csrf_token": token}).status_code == 204
    assert runner.invoke(args=["facilitators", "reactivate", EMAIL]).exit_code == 0
    for device in (client, other_device):
        response = device.get("/inbox")
        assert response.status_code == 302 and response.location.startswith("/inbox/sign-in")
    assert sign_in(app.test_client()).status_code == 302  # the account itself works again


def said_on(response: TestResponse) -> str:
    """The page's words, without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def test_what_a_closed_accounts_form_had_typed_is_given_back_and_nothing_of_the_request(app: Flask) -> None:
    """Found (facilitator review): a note or session typed while the account was closed, sent in
    the moment before its sign-ins were ended, was refused with "Forbidden" and lost. Now the
    "form has expired" page says the account was closed and gives back what was typed to copy,
    and nothing of the request it was about; nothing is saved."""
    facilitator_id = add_facilitator(app)
    client = app.test_client()
    reference = stored_request(app)
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        stored.status = "session_offered"
        db.session.commit()
    note = "Rang the practitioner's manager: they will call back on Thursday."
    place = "Room 12, second floor; ask at reception"
    for action, data, label, typed in (
        ("notes", {"text": note}, "Your note", note),
        ("session", session_form(place=place), "The joining instructions or place", place),
    ):
        with app.app_context():
            db.session.get(Facilitator, facilitator_id).active = True
            db.session.commit()
        assert sign_in(client).status_code == 302
        token = csrf_token(text(client.get(f"/inbox/requests/{reference}")))
        with app.app_context():  # closed, its sign-ins not ended yet (the command does that next)
            db.session.get(Facilitator, facilitator_id).active = False
            db.session.commit()
        response = client.post(f"/inbox/requests/{reference}/{action}", data={"csrf_token": token, **data})
        said = said_on(response)
        assert response.status_code == 400 and "This form has expired" in said, action
        assert "We could not save this: you were signed out because this inbox account has been closed." in said
        assert label in said and typed in text(response) and "Copy it now" in said
        assert "ask whoever manages inbox accounts to reopen your account" in said
        assert "Go back to the inbox" not in said
        for shown in (reference, VALID_DETAILS["email"], VALID_DETAILS["phone"]):
            assert shown not in said
        signed_out = text(client.get("/inbox/sign-in"))
        assert "You were signed out because this inbox account has been closed" in signed_out
        assert client.get(f"/inbox/requests/{reference}").status_code == 302  # signed out
    assert not events(app, "note_added") and not events(app, "status_changed")


def test_a_form_sent_after_the_account_was_closed_gives_back_what_was_typed_and_says_it_may_be_why(
    app: Flask, runner
) -> None:
    """Closing an account ends its sign-ins at once, so its next form finds no sign-in at all:
    what was typed is given back, and the page names a closed account among the causes, with
    what to do then (it spoke only of inactivity, and said to sign in again)."""
    client, _ = signed_in(app)
    add_colleague(app)
    reference = stored_request(app)
    token = csrf_token(text(client.get(f"/inbox/requests/{reference}")))
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    note = "Spoke to the practitioner; session offered for next week."
    response = client.post(f"/inbox/requests/{reference}/notes", data={"csrf_token": token, "text": note})
    said = said_on(response)
    assert response.status_code == 400 and note in text(response) and "Copy it now" in said
    assert "your inbox account was closed, or the service had just been updated" in said
    assert "If your inbox account was closed, you cannot sign in: ask whoever manages inbox accounts" in said
    assert reference not in said
    assert not events(app, "note_added")


def test_sign_out_ends_the_session(app: Flask) -> None:
    client, facilitator_id = signed_in(app)
    old_cookie = session_cookie(client)
    response = post_form(client, "/inbox", "/inbox/sign-out")
    assert response.status_code == 302 and response.location == "/inbox/sign-in"
    assert session_cookie(client) != old_cookie  # the signed-in session is gone
    page = client.get(response.location)
    assert "You have signed out" in text(page)  # said once (review: sign out said nothing)
    assert "You have signed out" not in text(client.get("/inbox/sign-in"))
    assert client.get("/inbox").status_code == 302
    assert [(e.actor, e.detail) for e in events(app, "signed_out")] == [(f"facilitator:{facilitator_id}", "signed out")]


def test_a_download_followed_once_signed_out_says_the_file_was_not_downloaded(app: Flask) -> None:
    """Found (regression review): a download's link (a request's PDF, the list's or the statistics'
    CSV) followed after signing out in another tab opened the sign-in page with no word that the
    file was not downloaded, nor why. Signing in then goes to the page with its link."""
    client, _ = signed_in(app)
    reference = stored_request(app, pdf=True)
    sign_out = post_form(client, "/inbox", "/inbox/sign-out")  # (as from another tab)
    client.get(sign_out.location)  # its own message, "You have signed out", said there
    said = "The file was not downloaded, because you are not signed in. Sign in, and you will be taken to the page"
    for download, page in (
        (f"/inbox/requests/{reference}/request.pdf", f"/inbox/requests/{reference}"),
        ("/inbox/requests.csv?status=new", "/inbox?status=new"),  # (the list with the download's filters)
        ("/inbox/statistics.csv", "/inbox/statistics"),
    ):
        response = client.get(download)
        assert response.status_code == 302 and response.location.startswith("/inbox/sign-in?next="), download
        assert parse_qs(urlsplit(response.location).query)["next"] == [page], download
        sign_in_page = text(client.get(response.location))
        assert said in sign_in_page, download
        assert said not in text(client.get(response.location)), download  # said once
    # Not for a page: the sign-in page as before.
    assert said not in text(client.get(client.get("/inbox").location))
    assert sign_in(client, next_url=f"/inbox/requests/{reference}").location.endswith(reference)


def test_exit_this_page_ends_a_sign_in_and_is_in_the_audit_log(app: Flask) -> None:
    """Found: "Exit this page" ended a facilitator's sign-in and left no entry in the audit log;
    only Sign out did. Exit from another site ends nothing, and records nothing."""
    client, facilitator_id = signed_in(app)
    assert client.get("/exit", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 303
    assert client.get("/inbox").status_code == 200 and events(app, "signed_out") == []
    assert client.get("/exit").status_code == 303
    assert client.get("/inbox").status_code == 302
    assert [(e.actor, e.detail) for e in events(app, "signed_out")] == [
        (f"facilitator:{facilitator_id}", 'signed out by "Exit this page"')
    ]
    app.test_client().get("/exit")  # no one signed in: nothing to record
    assert len(events(app, "signed_out")) == 1


def test_a_head_request_only_looks_at_exit_and_at_an_ended_sign_in(app: Flask, runner) -> None:
    """Found (regression review): a HEAD (a link checker, a preview) of Exit this page audited a
    sign-out and left the sign-in alive (a HEAD's session is not saved); each HEAD of an inbox page
    after a password reset audited the sign-in as ended again. A HEAD ends and audits nothing; the
    GET that follows does, once."""
    client, facilitator_id = signed_in(app)
    assert client.head("/exit").status_code == 303
    assert client.get("/inbox").status_code == 200 and events(app, "signed_out") == []
    reset = runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert reset.exit_code == 0, reset.output
    for _ in range(3):
        assert client.head("/inbox").status_code == 302
    assert events(app, "signed_out") == []
    assert client.get("/inbox").status_code == 302
    assert [(e.actor, e.detail) for e in events(app, "signed_out")] == [
        (f"facilitator:{facilitator_id}", "signed out: the password was changed")
    ]


TELLS_TABS = "data-signed-out-here"


def test_sign_out_pressed_after_the_sign_in_ended_still_tells_the_other_tabs(app: Flask, runner) -> None:
    """Found (review): Sign out pressed once the sign-in had ended (the password changed, the
    account closed, its hours up, its time run out) said why on the sign-in page, but the other
    inbox tabs of the browser were not told, and still showed the request. The page that says the
    sign-in ended tells them (static/src/app.js), as the one saying "You have signed out" does."""
    from test_inbox_timeout import expire_every_session

    client, _ = signed_in(app)
    assert TELLS_TABS not in text(client.get("/inbox"))  # signed in: nothing to tell
    token = csrf_token(text(client.get("/inbox")))
    reset = runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert reset.exit_code == 0, reset.output
    signed_out = client.post("/inbox/sign-out", data={"csrf_token": token})
    assert signed_out.status_code == 302
    page = text(client.get(signed_out.location))
    assert "the password for this account was changed" in page and TELLS_TABS in page
    # Any page of the sign-in form tells them: no one is signed in to the inbox in this browser (found,
    # review: the sign-in found ended by a practitioner's page first, the next inbox page said nothing).
    assert TELLS_TABS in text(app.test_client().get("/inbox/sign-in"))
    # Found ended by another page (the other tabs' own next request finds it too).
    assert sign_in(client).status_code == 302
    runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{PASSWORD}\n{PASSWORD}\n")
    found = client.get("/inbox")
    assert found.status_code == 302 and TELLS_TABS in text(client.get(found.location))
    # Its time run out on the server: Sign out's form has expired, and the page says so and tells them.
    assert sign_in(client).status_code == 302
    token = session_csrf_token(client)  # (its password set by the command: the inbox sends it to change it first)
    expire_every_session(app)
    expired = client.post("/inbox/sign-out", data={"csrf_token": token})
    assert expired.status_code == 400 and TELLS_TABS in text(expired)
    assert sign_in(client).status_code == 302
    expire_every_session(app)
    found = client.get("/inbox")  # or any page
    assert found.status_code == 302 and TELLS_TABS in text(client.get(found.location))
    # The account closed, which ends its sessions: the next page, or a form sent, tells them too.
    add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")  # (not the last one)
    for send in ("page", "form"):
        assert sign_in(client).status_code == 302
        token = session_csrf_token(client)
        closed = runner.invoke(args=["facilitators", "deactivate", EMAIL])
        assert closed.exit_code == 0, closed.output
        if send == "page":
            found = client.get("/inbox")
            assert found.status_code == 302 and TELLS_TABS in text(client.get(found.location))
        else:
            reference = stored_request(app)
            sent = client.post(f"/inbox/requests/{reference}/notes", data={"csrf_token": token, "text": "A note."})
            assert sent.status_code == 400 and TELLS_TABS in text(sent)
        assert runner.invoke(args=["facilitators", "reactivate", EMAIL]).exit_code == 0
    with app.app_context():  # (as if its owner had chosen their own since the command set it)
        db.session.execute(update(Facilitator).values(must_change_password=False))
        db.session.commit()
    assert sign_in(client).status_code == 302
    assert client.get("/inbox/sign-in").status_code == 302  # signed in: on to the inbox, telling nothing
    assert TELLS_TABS not in text(client.get("/inbox"))
    # A wrong password sent from a sign-in page left open in another tab, while signed in: nothing told.
    token = csrf_token(text(client.get("/inbox")))
    refused = client.post("/inbox/sign-in", data={"csrf_token": token, "email": EMAIL, "password": "not the one"})
    assert refused.status_code in (200, 400) and TELLS_TABS not in text(refused)
    assert client.get("/inbox").status_code == 200
    # Past its hours the sign-in waits for its password (the other tabs ask for it too): the sign-in
    # page opened meanwhile tells them nothing.
    signed_in_ago(app, dt.timedelta(hours=25))
    waiting = client.get("/inbox/sign-in")
    assert waiting.status_code == 200 and TELLS_TABS not in text(waiting)


def test_exit_this_page_still_leaves_when_the_audit_log_cannot_be_written(app: Flask, monkeypatch) -> None:
    client, _ = signed_in(app)

    def fails(*_args: object) -> None:
        raise OperationalError("INSERT", None, Exception("disk full"))

    monkeypatch.setattr(service, "record_sign_in_ended", fails)
    response = client.get("/exit")
    assert response.status_code == 303 and response.location == app.config["EXIT_URL"]
    assert client.get("/inbox").status_code == 302


def test_signing_in_again_over_a_sign_in_whose_hours_are_up_records_its_end(app: Flask) -> None:
    client, facilitator_id = signed_in(app)
    signed_in_ago(app, dt.timedelta(hours=25))
    assert sign_in(client).status_code == 302
    assert [(e.actor, e.detail) for e in events(app, "signed_out")] == [
        (f"facilitator:{facilitator_id}", "signed out by signing in again")
    ]
    assert len(events(app, "signed_in")) == 2


def test_a_partnership_account_signing_in_from_an_inbox_link_goes_to_the_statistics(app: Flask) -> None:
    """Found: signing in from a request's link (as in the facilitators' email) led a read-only
    partnership account to the 403 page, not to the statistics as docs/STATISTICS.md says."""
    add_facilitator(app)
    with app.app_context():
        service.add_facilitator("chair@partnership.example", "Chair", PASSWORD, "partnership")
    reference = stored_request(app)
    for asked, landed in (
        (f"/inbox/requests/{reference}", "/inbox/statistics"),
        ("/inbox", "/inbox/statistics"),
        ("/inbox/statistics?months=24", "/inbox/statistics?months=24"),
        ("/inbox/statistics.csv", "/inbox/statistics"),  # the page with its link, not the file
    ):
        response = sign_in(app.test_client(), "chair@partnership.example", next_url=asked)
        assert response.location == landed, asked
    # A facilitator still goes where the link led.
    assert sign_in(app.test_client(), next_url=f"/inbox/requests/{reference}").location.endswith(reference)


def test_a_read_only_account_refused_a_request_is_in_its_audit_trail(app: Flask) -> None:
    """Found (privacy review): a partnership (statistics only) account that opened a request's
    page or PDF, or the list, by typing its address got the 403 page and nothing was recorded,
    so nobody could see that the account had tried. Each refusal is audited now: in the
    request's own trail when the address names one."""
    add_facilitator(app)
    with app.app_context():
        chair = service.add_facilitator("chair@partnership.example", "Chair", PASSWORD, "partnership")
        chair_id = chair.id
    reference = stored_request(app, pdf=True)
    client = app.test_client()
    assert sign_in(client, "chair@partnership.example").status_code == 302
    for path in (
        f"/inbox/requests/{reference}",
        f"/inbox/requests/{reference.lower()}/request.pdf",
        "/inbox",
        "/inbox/requests.csv",
        "/inbox/requests/not<a>reference",
        # Searched by reference (found, audit review: not in the request's trail), or by a name,
        # which is not kept.
        f"/inbox?reference={reference.lower()}",
        "/inbox/requests.csv?reference=Jane+Smith",
    ):
        assert client.get(path).status_code == 403, path
    refused = [(e.reference, e.actor, e.detail) for e in events(app, "refused")]
    actor = f"facilitator:{chair_id}"
    assert refused == [
        (reference, actor, "read-only account; request_page"),
        (reference, actor, "read-only account; download_pdf"),
        (None, actor, "read-only account; index"),
        (None, actor, "read-only account; export_csv"),
        (None, actor, "read-only account; request_page"),
        (reference, actor, "read-only account; index"),
    ]  # (the search by a name: the same refusal of the download as above, within its 10 minutes)
    assert not events(app, "viewed") and not events(app, "pdf_downloaded")  # nothing was shown
    # The request's trail, as a facilitator reads it, says so.
    facilitator = app.test_client()
    assert sign_in(facilitator).status_code == 302
    page = text(facilitator.get(f"/inbox/requests/{reference}"))
    assert "Refused to a read-only account (statistics only)" in page and "the request's PDF" in page
    # The statistics it may open are not refusals.
    assert client.get("/inbox/statistics").status_code == 200
    assert len(events(app, "refused")) == 6


def test_a_read_only_accounts_refusal_names_every_page_in_words(app: Flask) -> None:
    """Found (privacy review): a refusal of a page with no words of its own showed the code's
    name for it in the request's trail ("Refused to a read-only account (statistics only): form
    address"). Every inbox page such an account can be refused now has words."""
    from app.inbox.service import REFUSED_PAGE_WORDS
    from app.inbox.views import PARTNERSHIP_ENDPOINTS

    refusable = {
        rule.endpoint.removeprefix("inbox.")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("inbox.") and rule.endpoint not in PARTNERSHIP_ENDPOINTS
    }
    assert refusable <= set(REFUSED_PAGE_WORDS), refusable - set(REFUSED_PAGE_WORDS)
    add_facilitator(app)
    with app.app_context():
        service.add_facilitator("chair@partnership.example", "Chair", PASSWORD, "partnership")
    reference = stored_request(app, pdf=True)
    client = app.test_client()
    assert sign_in(client, "chair@partnership.example").status_code == 302
    assert client.get(f"/inbox/requests/{reference}/status").status_code == 403
    facilitator = app.test_client()
    assert sign_in(facilitator).status_code == 302
    page = text(facilitator.get(f"/inbox/requests/{reference}"))
    assert "Refused to a read-only account (statistics only)" in page and "a form on the request's page" in page
    assert "form address" not in page


def test_a_read_only_accounts_repeated_refusals_do_not_fill_the_audit_log(app: Flask) -> None:
    """Found (diff review): each refusal of a read-only account was a row, so reloading (or a
    script asking for) a request's address filled its trail, shown whole on the request's page,
    and the audit log, at up to the site-wide limit's 2,000 a minute; and a made-up reference of
    the right shape was kept as a request's. The same refusal is recorded once in 10 minutes, a
    reference only of a stored request, and repeats in a row are one line of the trail."""
    from app.requests.reference import new_reference

    add_facilitator(app)
    with app.app_context():
        service.add_facilitator("chair@partnership.example", "Chair", PASSWORD, "partnership")
    reference = stored_request(app)
    made_up = next(found for found in iter(new_reference, None) if found != reference)
    client = app.test_client()
    assert sign_in(client, "chair@partnership.example").status_code == 302
    for _ in range(20):
        for path in (f"/inbox/requests/{reference}", f"/inbox/requests/{made_up}", "/inbox"):
            assert client.get(path).status_code == 403, path
    assert [(e.reference, e.detail) for e in events(app, "refused")] == [
        (reference, "read-only account; request_page"),
        (None, "read-only account; request_page"),
        (None, "read-only account; index"),
    ]
    # Later than that: recorded again, and shown with the first as one line of the trail.
    with app.app_context():
        for event in db.session.scalars(select(AuditEvent)):
            event.at -= dt.timedelta(minutes=11)
        db.session.commit()
    assert client.get(f"/inbox/requests/{reference}").status_code == 403
    assert len([e for e in events(app, "refused") if e.reference == reference]) == 2
    facilitator = app.test_client()
    assert sign_in(facilitator).status_code == 302
    page = text(facilitator.get(f"/inbox/requests/{reference}"))
    assert page.count("Refused to a read-only account (statistics only)") == 1 and "(2 times, the last at" in page


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(app: Flask) -> None:
    add_facilitator(app)
    reference = stored_request(app)
    asked = app.test_client().get(f"/inbox/requests/{reference}")
    assert asked.location.startswith("/inbox/sign-in?next=")
    client = app.test_client()
    assert sign_in(client, next_url=f"/inbox/requests/{reference}").location == f"/inbox/requests/{reference}"
    for target in ("https://evil.example/", "//evil.example/inbox", "/request/submitted"):
        assert sign_in(app.test_client(), next_url=target).location == "/inbox"


def test_inbox_pages_have_the_standing_notice_but_not_exit_this_page(app: Flask) -> None:
    """Found (facilitator review): the inbox's pages carried the practitioners' "Exit this page"
    button, for someone at risk if seen using the tool; on the inbox it only looked like a safe
    way out. The standing notice stays; the journey's pages keep the button, whichever was shown
    first (the two are kept apart in the page chrome's cache)."""
    assert 'href="/exit"' in app.test_client().get("/").get_data(as_text=True)
    client, _ = signed_in(app)
    for path in ("/inbox/sign-in", "/inbox", "/inbox/guide", "/inbox/statistics", "/inbox/no-such-page"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "app-standing-notice" in page and "call 999" in page, path
        assert 'href="/exit"' not in page and "govuk-exit-this-page" not in page, path
    assert "govuk-exit-this-page" in app.test_client().get("/privacy").get_data(as_text=True)


def test_whoever_manages_accounts_can_list_the_failed_sign_ins(app: Flask) -> None:
    """Found (facilitators' guide review): the guide says whoever manages inbox accounts can see when
    failed sign-ins were made and which accounts were tried, and only the database showed them.
    ``flask facilitators failed-sign-ins`` lists them, newest first; never a password, nor an
    address that has no account (its tag only, the same for each try of it)."""
    runner = app.test_cli_runner()
    assert "No failed sign-ins in the last 7 days." in runner.invoke(args=["facilitators", "failed-sign-ins"]).output
    add_facilitator(app)
    for email, password in (
        (EMAIL, "not the password at all"),
        ("nobody.here@elsewhere.example", PASSWORD),
        ("NOBODY.here@elsewhere.example ", "another guess entirely"),
    ):
        assert sign_in(app.test_client(), email, password).status_code == 200
    listed = runner.invoke(args=["facilitators", "failed-sign-ins", "--days", "1"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert (
        lines[0]
        == "3 failed sign-ins in the last 1 day, newest first (when, in UK time, GMT or BST; which account; how):"
    )
    assert f"\tSam Facilitator ({EMAIL})" in lines[3]
    # Each with its clock (regression review: the hour the clocks go back is lived twice).
    assert all(re.match(r"\d{1,2} \w+ \d{4} at \S+ (GMT|BST)\t", line) for line in lines[1:]), lines
    tags = [re.search(r"no account has the address typed \(tag (\w+)\)", line) for line in lines[1:3]]
    assert all(tags) and tags[0].group(1) == tags[1].group(1)  # type: ignore[union-attr]
    for secret in ("not the password at all", PASSWORD, "another guess", "nobody.here", "elsewhere"):
        assert secret.lower() not in listed.output.lower()


def test_the_audit_log_can_be_read_without_the_database_in_uk_time_with_names(app: Flask) -> None:
    """Found (audit review): the audit log's entries about no one request (an export with its
    filters, a search by work email, sign-ins, refusals) were shown nowhere, and could be read only
    in the database, in UTC, with accounts as "facilitator:N". ``flask facilitators audit-log``
    lists them, newest first, by account, request or neither."""
    runner = app.test_cli_runner()
    client, _ = signed_in(app)
    reference = stored_request(app)
    assert client.get(f"/inbox/requests/{reference}").status_code == 200
    assert client.get("/inbox/requests.csv?status=new").status_code == 200
    listed = runner.invoke(args=["facilitators", "audit-log", "--days", "1"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert re.fullmatch(
        r"\d+ entries of the last 1 day, newest first \(when, in UK time, GMT or BST; who, what, request, detail\):",
        lines[0],
    )
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == 5 for row in rows), rows
    who = f"Sam Facilitator ({EMAIL})"
    assert [who, "Viewed", reference, "inbox"] in [row[1:] for row in rows]
    assert any(row[1] == who and row[2] == "Signed in" and row[3] == "-" for row in rows), rows
    assert any(row[1] == "The requester" and row[2] == "Request submitted" and row[3] == reference for row in rows)
    assert all(re.search(r"(\d(am|pm)|midday|midnight) (GMT|BST)$", row[0]) for row in rows), rows  # UK time, in words
    # Narrowed: what one account did about no one request (the export, with its filters; the sign-in).
    mine = runner.invoke(args=["facilitators", "audit-log", "--account", EMAIL.upper(), "--about-no-request"])
    rows = [line.split("\t") for line in mine.output.splitlines()[1:]]
    assert rows and all(row[1] == who and row[3] == "-" for row in rows), rows
    assert any("status=new" in row[4] for row in rows), rows
    about = runner.invoke(args=["facilitators", "audit-log", "--reference", reference.lower()])
    assert {line.split("\t")[3] for line in about.output.splitlines()[1:]} == {reference}
    # The account acted on is named too (regression review: "facilitator:2", which nothing maps).
    added = [line.split("\t") for line in listed.output.splitlines()[1:] if "\tFacilitator added\t" in line]
    assert added and added[0][4] == who, added
    assert "facilitator:" not in listed.output
    # Mistakes are said, not an empty list.
    nothing = runner.invoke(args=["facilitators", "audit-log", "--reference", "STT-2345-6789"])
    assert nothing.output.strip() == "No entries match in the last 7 days."
    refused = runner.invoke(args=["facilitators", "audit-log", "--reference", reference, "--about-no-request"])
    assert refused.exit_code == 1 and "ask for opposite entries" in refused.output
    refused = runner.invoke(args=["facilitators", "audit-log", "--account", "nobody@partnership.example"])
    assert refused.exit_code == 1 and "No account has the email address" in refused.output
    refused = runner.invoke(args=["facilitators", "audit-log", "--reference", "Jane Smith"])
    assert refused.exit_code == 1 and "is not a request's reference" in refused.output


def test_the_audit_log_tells_apart_the_two_hours_the_clocks_go_back(app: Flask) -> None:
    """Found (regression review): on the night the clocks go back, 1:30am comes twice, and
    ``audit-log`` printed both alike; which came first is what an investigation asks."""
    from app.audit import SYSTEM
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        for moment in (dt.datetime(2026, 10, 25, 0, 30), dt.datetime(2026, 10, 25, 1, 30)):  # (UTC)
            db.session.add(AuditEvent(at=moment, actor=SYSTEM, action="viewed", reference="STT-2345-6789"))
        db.session.commit()
    listed = app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--days", "3650"])
    times = [line.split("\t")[0] for line in listed.output.splitlines()[1:]]
    assert times == ["25 October 2026 at 1:30am GMT", "25 October 2026 at 1:30am BST"], listed.output


def test_times_in_the_hour_the_clocks_go_back_say_which_clock_on_the_pages_too(app: Flask) -> None:
    """Found (clock review): two requests an hour apart on the night the clocks go back were both
    received "at 1:30am" in the inbox, the request page's audit trail and the PDF, which could not
    say which came first or how long passed between. A time in that hour, which comes twice, names
    its clock; every other time reads as before."""
    from app.audit import SYSTEM
    from app.uk_time import uk_clock, uk_time, uk_time_and_zone

    first, second = dt.datetime(2026, 10, 25, 0, 30), dt.datetime(2026, 10, 25, 1, 30)  # (UTC)
    assert (uk_time(first), uk_time(second)) == ("25 October 2026 at 1:30am BST", "25 October 2026 at 1:30am GMT")
    assert (uk_clock(first), uk_clock(second)) == ("1:30am BST", "1:30am GMT")
    assert uk_time_and_zone(second) == "25 October 2026 at 1:30am GMT"  # named once
    assert uk_time(dt.datetime(2026, 10, 25, 2, 30)) == "25 October 2026 at 2:30am"  # comes once
    assert uk_time(dt.datetime(2026, 10, 24, 23, 59)) == "25 October 2026 at 12:59am"
    assert uk_time(dt.datetime(2027, 3, 28, 1, 30)) == "28 March 2027 at 2:30am"  # the clocks go forward
    assert uk_time_and_zone(dt.datetime(2026, 11, 27, 9, 5)) == "27 November 2026 at 9:05am GMT"
    reference = stored_request(app)
    with app.app_context():
        for moment in (first, second):
            db.session.add(AuditEvent(at=moment, actor=SYSTEM, action="emailed", reference=reference))
        db.session.commit()
    client, _ = signed_in(app)
    page = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(f"/inbox/requests/{reference}"))).split())
    assert "25 October 2026" in page and "1:30am BST" in page and "1:30am GMT" in page, page


def test_repeated_failed_sign_ins_are_rate_limited(app: Flask) -> None:
    add_facilitator(app)
    client = app.test_client()
    statuses = [sign_in(client, EMAIL, f"wrong password number {n}").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    page = text(sign_in(client))
    assert "too many attempts" in page.lower() and "Wait a minute, then try again" in page
    # Found (facilitator review): the page offered the email address typed in a box "to copy", led
    # "back to the inbox" a visitor not signed in, and ended with the practitioners' "call 999 now".
    assert EMAIL not in page and "<textarea" not in page
    assert '<a class="govuk-link" href="/inbox/sign-in">Go to the sign-in page</a>' in page
    assert "Go back to the inbox" not in page
    assert "ask whoever manages inbox accounts to set a new one" in page
    assert "call 999</a> now" not in page


def test_a_sign_in_form_sent_without_a_password_does_not_use_up_the_limit(app: Flask) -> None:
    """Found (robustness review): an empty form, or one without a password, counted as an attempt:
    five of them, and the next real sign-in was refused for a minute. Nothing was guessed."""
    add_facilitator(app)
    client = app.test_client()
    for email, password in (("", ""), (EMAIL, ""), ("", PASSWORD)) * 3:
        assert sign_in(client, email, password).status_code == 200
    assert sign_in(client, EMAIL, "a wrong password").status_code == 200
    assert sign_in(client).status_code == 302  # not "too many attempts"


def test_successful_sign_ins_do_not_use_up_the_limit(app: Flask) -> None:
    add_facilitator(app)
    assert [sign_in(app.test_client()).status_code for _ in range(7)] == [302] * 7


# --- every route is protected -----------------------------------------------------------------


def inbox_rules(app: Flask) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("inbox.") and rule.endpoint != "inbox.sign_in"
    ]


def rule_url(rule) -> str:
    return rule.rule.replace("<reference>", "STT-2345-6789").replace("<session_id>", "1").replace("<note_id>", "1")


def test_every_inbox_route_needs_a_signed_in_facilitator(app: Flask) -> None:
    rules = inbox_rules(app)
    assert {rule.endpoint for rule in rules} >= {
        "inbox.index",
        "inbox.request_page",
        "inbox.download_pdf",
        "inbox.change_status",
        "inbox.assign",
        "inbox.add_note",
        "inbox.delete_note",
        "inbox.import_request",
        "inbox.find_by_email",
        "inbox.sign_out",
        "inbox.sessions_list",
        "inbox.session_page",
        "inbox.cancel_session",
        "inbox.arrange_session",
        "inbox.send_invitation",
        "inbox.session_outcome",
    }
    client = app.test_client()
    for rule in rules:
        if rule.endpoint == "inbox.still_signed_in":  # an open page's question: it says no, and nothing more
            assert client.get(rule_url(rule)).get_json() == {
                "signed_in": False,
                "why": "You were signed out while this page was open.",
            }
            continue
        if "GET" in rule.methods:
            response = client.get(rule_url(rule))
            assert response.status_code == 302, rule.endpoint
            assert response.location.startswith("/inbox/sign-in"), rule.endpoint
        if "POST" in rule.methods:
            response = post_form(client, "/inbox/sign-in", rule_url(rule))
            assert response.status_code == 403, rule.endpoint


def test_every_inbox_post_needs_its_csrf_token(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    for rule in inbox_rules(app):
        if "POST" in rule.methods:
            url = rule.rule.replace("<reference>", reference).replace("<note_id>", "1")
            assert client.post(url, data={"status": "closed", "text": "x", "facilitator": ""}).status_code == 400, url
    assert client.get("/inbox").status_code == 200  # still signed in: no sign-out without a token
    refused = app.test_client().post("/inbox/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 400
    # The page says what happened in the inbox and leads back there (found: it spoke of the
    # practitioners' answers and linked to their questions).
    page = text(refused)
    assert "This form has expired" in page and 'href="/inbox/sign-in"' in page
    assert "answers" not in page and 'href="/start"' not in page


# --- the list and a request -------------------------------------------------------------------


@both_databases
def test_the_list_shows_requests_newest_first_and_filters_by_status(app: Flask) -> None:
    import datetime as dt

    client, _ = signed_in(app)
    with app.app_context():
        older = make_request(now=dt.datetime(2026, 1, 5, 9, 0)).request.reference
        newer = make_request(now=dt.datetime(2026, 2, 5, 9, 0)).request.reference
        closed = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == older))
        closed.status = "closed"
        db.session.commit()
    page = text(client.get("/inbox"))
    assert page.index(newer) < page.index(older)
    assert "Within a month" in page  # how soon, from the request
    only_closed = text(client.get("/inbox?status=closed"))
    assert older in only_closed and newer not in only_closed
    only_new = text(client.get("/inbox?status=new"))
    assert newer in only_new and older not in only_new
    assert newer in text(client.get("/inbox?status=nonsense"))


@both_databases
def test_a_request_page_shows_the_request_and_is_audited(app: Flask) -> None:
    client, facilitator_id = signed_in(app)
    reference = stored_request(app)
    response = client.get(f"/inbox/requests/{reference}")
    page = text(response)
    assert response.status_code == 200
    assert reference in page and VALID_DETAILS["reflection"] in page and VALID_DETAILS["email"] in page
    with app.app_context():
        version = db.session.scalar(select(StoredRequest.rule_pack_version))
    assert version in page
    assert 'id="section-route"' in page and "data-audit-trail" in page
    viewed = events(app, "viewed")
    assert [(e.reference, e.actor) for e in viewed if e.actor != "requester session"] == [
        (reference, f"facilitator:{facilitator_id}")
    ]
    assert "Sam Facilitator" in page.split("data-audit-trail", 1)[1]
    assert client.get("/inbox/requests/STT-2345-6789").status_code == 404


def test_a_link_on_another_site_starts_no_download_of_requests_details(app: Flask) -> None:
    """Found (security review): a link on any website to /inbox/requests.csv (or a request's PDF)
    put the file of every request in the signed-in facilitator's downloads, and in the audit log
    as their export, without their choosing it (the session cookie goes with a link followed from
    another site). Now it leads to the page with the download link, saying why."""
    client, _ = signed_in(app)
    reference = stored_request(app, pdf=True)
    elsewhere = [
        {"Sec-Fetch-Site": "cross-site", "Referer": "https://evil.example/page"},
        {"Sec-Fetch-Site": "same-site"},  # another site under the same domain
        {"Referer": "https://evil.example/page"},  # a browser that does not say Sec-Fetch-Site
    ]
    for headers in elsewhere:
        csv = client.get("/inbox/requests.csv?status=new", headers=headers)
        assert csv.status_code == 302 and csv.location == "/inbox?status=new", headers
        pdf = client.get(f"/inbox/requests/{reference}/request.pdf", headers=headers)
        assert pdf.status_code == 302 and pdf.location == f"/inbox/requests/{reference}", headers
        assert "The download did not start, because the link to it was on another website" in text(
            client.get(pdf.location)
        )
    assert events(app, "exported") == [] and events(app, "pdf_downloaded") == []
    # A HEAD (a link checker, a preview) is shown nothing: it leaves no message for the next page.
    for url in ("/inbox/requests.csv?status=new", f"/inbox/requests/{reference}/request.pdf"):
        assert client.head(url, headers=elsewhere[0]).status_code == 302, url
    assert "The download did not start" not in text(client.get(f"/inbox/requests/{reference}"))
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {}):  # its own link; typed
        assert client.get("/inbox/requests.csv", headers=headers).mimetype == "text/csv"
        assert client.get(f"/inbox/requests/{reference}/request.pdf", headers=headers).mimetype == "application/pdf"
    assert len(events(app, "pdf_downloaded")) == 3


def test_the_guide_says_what_is_kept_after_being_signed_out_with_javascript_on_and_off(app: Flask) -> None:
    """Found (review): the guide said the page shows what you typed after being signed out; with
    JavaScript on, the idle timeout signed out by itself and a note typed but not saved was lost.
    The guide now says what happens in each case: with JavaScript on, a page with something typed
    stays, and the password signs in again there."""
    client, _ = signed_in(app)
    guide = " ".join(re.sub(r"<[^>]+>", " ", text(client.get("/inbox/guide"))).split())
    assert (
        "If you had typed something on the page and not saved it (a half-written note, say), the page stays, with "
        "what you typed still in it (saved nowhere), and a box over it says you have been signed out: type your "
        "password there and select Sign in , and you are signed in again on the same page"
    ) in guide
    assert (
        "With nothing typed, the page takes you to the sign-in page, which says why and, once you sign in again, "
        "takes you back to the page you were on"
    ) in guide
    assert (
        "Without JavaScript nothing warns you: a form you send after 30 minutes without activity is refused, and "
        "the page shows what you had typed so you can copy it, and says why"
    ) in guide


def test_the_guide_gives_the_time_without_activity_the_service_is_set_up_with(app: Flask) -> None:
    """Found (accessibility review, WCAG 2.2.1): with SESSION_IDLE_MINUTES=3 the sign-in page said
    3 minutes and the guide 30. The guide in the inbox says the time as set up, every time."""
    client, _ = signed_in(app)
    app.config["SESSION_IDLE_MINUTES"] = 3
    guide = " ".join(re.sub(r"<[^>]+>", " ", text(client.get("/inbox/guide"))).split())
    assert "Signing out after 3 minutes without activity" in guide
    assert "You are signed out after 3 minutes without activity. With JavaScript on" in guide
    assert "a form you send after 3 minutes without activity is refused" in guide
    assert "30 minutes" not in guide and "another time" not in guide
    app.config["SESSION_IDLE_MINUTES"] = 1
    assert "Signing out after 1 minute without activity" in text(client.get("/inbox/guide"))
    app.config["SESSION_IDLE_MINUTES"] = 30  # the default: the guide as written, which says it may differ
    guide = " ".join(re.sub(r"<[^>]+>", " ", text(client.get("/inbox/guide"))).split())
    assert "You are signed out after 30 minutes without activity, unless the service is set up with" in guide


def test_a_head_request_sends_nothing_so_is_not_audited_as_a_view_download_or_export(app: Flask) -> None:
    """Found (review): a HEAD request to a request's page, its PDF or the list's CSV was audited as a
    view, download or export, though nothing was sent (the list already skipped HEAD)."""
    client, _ = signed_in(app)
    reference = stored_request(app, pdf=True)
    for url in (f"/inbox/requests/{reference}", f"/inbox/requests/{reference}/request.pdf", "/inbox/requests.csv"):
        response = client.head(url)
        assert response.status_code == 200 and response.data == b"", url
    assert events(app, "viewed") == [] and events(app, "pdf_downloaded") == [] and events(app, "exported") == []
    # A GET is still audited, each.
    for url in (f"/inbox/requests/{reference}", f"/inbox/requests/{reference}/request.pdf", "/inbox/requests.csv"):
        assert client.get(url).status_code == 200
    assert [len(events(app, action)) for action in ("viewed", "pdf_downloaded")] == [1, 1]
    assert reference in {event.reference for event in events(app, "exported")}


def test_a_head_request_to_the_page_that_asks_before_deleting_a_note_is_not_audited_as_a_view(app: Flask) -> None:
    """Found (review): the "Are you sure?" page before deleting a note, which shows the request's
    note, was audited as a view for a HEAD request too, though nothing was sent (as the request's
    page was until it left HEAD out)."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    note_by(app, reference, "Offered two dates.")
    [link] = delete_links(text(client.get(f"/inbox/requests/{reference}")))
    viewed = len(events(app, "viewed"))
    response = client.head(link)
    assert response.status_code == 200 and response.data == b""
    assert len(events(app, "viewed")) == viewed
    assert client.get(link).status_code == 200  # a GET still is
    assert len(events(app, "viewed")) == viewed + 1


@both_databases
def test_the_pdf_download_is_the_stored_pdf_never_cached_and_audited(app: Flask) -> None:
    client, facilitator_id = signed_in(app)
    reference = stored_request(app)
    # Until the outbox worker has made it there is no PDF to give: back to the request, which says so.
    waiting = client.get(f"/inbox/requests/{reference}/request.pdf")
    assert waiting.status_code == 302 and waiting.location == f"/inbox/requests/{reference}"
    page = client.get(waiting.location).get_data(as_text=True)
    assert (
        "has not been made yet" in page
        and 'data-pdf="waiting"' in page
        and "PDF (portable document format) file is not made yet" in page
    )
    assert events(app, "pdf_downloaded") == []
    # A HEAD (a link checker) is sent back the same way, and leaves no message for the next page.
    assert client.head(f"/inbox/requests/{reference}/request.pdf").status_code == 302
    assert "has not been made yet" not in client.get(waiting.location).get_data(as_text=True)
    # An old link, once the worker has given up on the PDF: it says so, not "not made yet".
    with app.app_context():
        given_up = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        given_up.pdf_failed_at, given_up.pdf_error = utcnow(), "RuntimeError"
        db.session.commit()
    failed = client.get(client.get(f"/inbox/requests/{reference}/request.pdf").location).get_data(as_text=True)
    assert "could not be made, so there is nothing to download" in failed and "has not been made yet" not in failed
    with app.app_context():
        retried = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        retried.pdf_failed_at, retried.pdf_error = None, None
        db.session.commit()
    run_outbox(app)
    assert 'data-pdf="made"' in client.get(waiting.location).get_data(as_text=True)
    response = client.get(f"/inbox/requests/{reference}/request.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert response.data == db.session.scalar(select(StoredRequest.pdf))
    assert [(e.reference, e.actor) for e in events(app, "pdf_downloaded")] == [
        (reference, f"facilitator:{facilitator_id}")
    ]


@both_databases
def test_status_changes_are_stored_and_audited(app: Flask) -> None:
    client, facilitator_id = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    path = ("in_triage", "session_offered", "session_arranged", "session_held", "closed")
    for status in path:
        if status == "session_arranged":
            # Not a status to pick: the status form refuses it, and arranging the session moves the request there.
            refused = post_form(client, page, f"{page}/status", {"status": status})
            assert refused.status_code == 200 and "when its session is arranged" in text(refused)
            response = post_form(client, page, f"{page}/session", session_form())
            session_has_started(app, reference)  # held, next, only once it has taken place
        else:
            response = post_form(client, page, f"{page}/status", {"status": status})
        assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(StoredRequest.status)) == "closed"
    changes = events(app, "status_changed")
    assert [e.detail.split(";")[0] for e in changes] == [
        f"{old} to {new}" for old, new in itertools.pairwise(("new", *path))
    ]
    assert {(e.reference, e.actor) for e in changes} == {(reference, f"facilitator:{facilitator_id}")}
    refused = post_form(client, page, f"{page}/status", {"status": "deleted"})
    assert refused.status_code == 200 and "Select a status" in text(refused)
    assert len(events(app, "status_changed")) == len(path)


@both_databases
def test_assignment_is_stored_and_audited(app: Flask) -> None:
    client, facilitator_id = signed_in(app)
    colleague = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    assert post_form(client, page, f"{page}/assignment", {"facilitator": str(colleague)}).status_code == 302
    with app.app_context():
        assert db.session.get(Assignment, db.session.scalar(select(StoredRequest.id))).facilitator_id == colleague
    assert "Kim Colleague" in text(client.get("/inbox"))
    assert post_form(client, page, f"{page}/assignment", {"facilitator": ""}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
    assigned = events(app, "assigned")
    assert [e.detail for e in assigned] == [f"to facilitator:{colleague}", "unassigned"]
    assert {(e.reference, e.actor) for e in assigned} == {(reference, f"facilitator:{facilitator_id}")}
    refused = post_form(client, page, f"{page}/assignment", {"facilitator": "9999"})
    assert refused.status_code == 200 and "govuk-error-summary" in text(refused)


def test_change_assignment_sent_unchanged_says_nothing_changed(app: Flask) -> None:
    """Found (facilitator review): Change assignment with the person the request already had (or
    with "Not assigned" on a request assigned to no one) brought the page back with no word at
    all, as if the button had not worked. Now it says so; nothing is changed or audited."""
    client, _ = signed_in(app)
    colleague = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    unchanged = post_form(client, page, f"{page}/assignment", {"facilitator": ""})
    assert unchanged.status_code == 302
    assert "It was not assigned to anyone, so the assignment has not changed" in text(client.get(page))
    assert post_form(client, page, f"{page}/assignment", {"facilitator": str(colleague)}).status_code == 302
    assert "Assigned to Kim Colleague" in text(client.get(page))
    again = post_form(client, page, f"{page}/assignment", {"facilitator": str(colleague)})
    assert again.status_code == 302
    shown = text(client.get(page))
    assert "It was already assigned to Kim Colleague, so the assignment has not changed" in shown
    assert "Assigned to Kim Colleague." not in shown  # no success banner
    assert [e.detail for e in events(app, "assigned")] == [f"to facilitator:{colleague}"]


def test_an_assignment_chosen_on_a_page_opened_before_another_is_refused_not_applied(app: Flask) -> None:
    """Found (facilitator review): two facilitators opened the same new request; one assigned it
    to herself, then the other, from the page still showing "Not assigned", assigned it to
    himself. Both were told "Assigned to ...", and the first was never told she had lost it.
    Now the second choice is refused, with the page showing who has it, to choose again."""
    client, _ = signed_in(app)
    colleague = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    opened = client.get(page).get_data(as_text=True)
    assert 'name="from_assignee" value="none"' in opened
    token = csrf_token(opened)
    assert post_form(client, page, f"{page}/assignment", {"facilitator": str(colleague)}).status_code == 302
    stale = {"csrf_token": token, "from_assignee": "none", "facilitator": ""}
    refused = post_shown(client, f"{page}/assignment", stale)
    shown = text(refused)
    assert refused.status_code == 200
    assert (
        "The assignment has not been changed: it changed to Kim Colleague while this page was open (in another tab, "
        "or by another facilitator). You made that change, in another tab or window. Check the request, then "
        "choose again" in shown
    )
    assert f'name="from_assignee" value="{colleague}"' in shown  # choosing again from here works
    with app.app_context():
        assert db.session.get(Assignment, db.session.scalar(select(StoredRequest.id))).facilitator_id == colleague
    again = client.post(f"{page}/assignment", data={**stale, "from_assignee": str(colleague)})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def _assigned_to_a_closed_account(app: Flask, runner) -> tuple[FlaskClient, str, int]:
    """A signed-in facilitator's client, the page of a request assigned to Kim Colleague, whose
    account has since been closed, and Kim's account number."""
    client, _ = signed_in(app)
    colleague = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    page = f"/inbox/requests/{stored_request(app)}"
    assert post_form(client, page, f"{page}/assignment", {"facilitator": str(colleague)}).status_code == 302
    assert runner.invoke(args=["facilitators", "deactivate", "kim.colleague@partnership.example"]).exit_code == 0
    return client, page, colleague


def test_a_request_assigned_to_a_closed_account_says_so_in_its_summary_the_list_and_the_csv(app: Flask, runner) -> None:
    """Found (facilitator review): with a colleague's account closed, their requests still said
    "Assigned to Kim Colleague" in the request's summary, in the inbox list and in the CSV: only
    the assignment's drop-down said "(account closed)", so a request no one was working on looked
    in hand."""
    client, page, _ = _assigned_to_a_closed_account(app, runner)
    summary = re.search(r"<dd[^>]*data-assigned>(.*?)</dd>", client.get(page).get_data(as_text=True))
    assert summary is not None and summary.group(1) == "<bdi>Kim Colleague</bdi> (account closed)"
    listed = re.search(r'data-label="Assigned to">([^<]+)</td>', client.get("/inbox").get_data(as_text=True))
    assert listed is not None and listed.group(1) == "Kim Colleague (account closed)"
    assert ",Kim Colleague (account closed)," in client.get("/inbox/requests.csv").get_data(as_text=True)


def test_a_request_assigned_to_a_closed_account_says_so_and_keeps_the_assignment(app: Flask, runner) -> None:
    """Found: the summary said "Assigned to Kim Colleague" while the list below said "Not
    assigned" (a closed account is not offered), and pressing Change assignment unassigned it."""
    client, page, colleague = _assigned_to_a_closed_account(app, runner)
    html_page = client.get(page).get_data(as_text=True)
    chosen = re.search(r'<option value="(\d+)" selected>([^<]+)</option>', html_page)
    assert chosen is not None and chosen.groups() == (str(colleague), "Kim Colleague (account closed)")
    # Saved as it is: nothing changes, nothing audited.
    before = len(events(app, "assigned"))
    assert post_form(client, page, f"{page}/assignment", {"facilitator": str(colleague)}).status_code == 302
    with app.app_context():
        assert db.session.get(Assignment, db.session.scalar(select(StoredRequest.id))).facilitator_id == colleague
    assert len(events(app, "assigned")) == before
    # Once moved to someone else, the closed account is no longer offered.
    assert post_form(client, page, f"{page}/assignment", {"facilitator": ""}).status_code == 302
    assert "Kim Colleague (account closed)" not in client.get(page).get_data(as_text=True)


def test_a_request_assigned_to_someone_moved_to_the_partnership_role_says_so_everywhere(app: Flask, runner) -> None:
    """Found (b149 review): after ``set-role ... partnership``, the colleague's requests still said
    "Kim Colleague" in the list and the CSV, as if Kim were working on them (Kim can no longer open
    them); the Assigned to filter did not offer Kim, so no one could list them; the request page's
    drop-down said "(account closed)" of an open account; and the command said nothing of them.
    One phrase each, everywhere: a closed account's is "(account closed)", in the filter too (it
    said "(no longer active)")."""
    client, _ = signed_in(app)
    colleague = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    leaver = add_facilitator(app, "lee.leaver@partnership.example", "Lee Leaver")
    reference, other, finished = stored_request(app), stored_request(app), stored_request(app)
    for each in (reference, other, finished):
        page = f"/inbox/requests/{each}"
        assert post_form(client, page, f"{page}/assignment", {"facilitator": str(colleague)}).status_code == 302
    with app.app_context():
        db.session.execute(update(StoredRequest).where(StoredRequest.reference == finished).values(status="closed"))
        db.session.commit()
    moved = runner.invoke(
        args=["facilitators", "set-role", "kim.colleague@partnership.example", "partnership", "--yes"]
    )
    assert moved.exit_code == 0, moved.output
    assert (
        f"2 open requests are still assigned to Kim Colleague, who cannot work on requests now: {reference}, "
        f"{other}. Reassign them in the inbox (its Assigned to filter lists them)." in moved.output
    )
    page = f"/inbox/requests/{reference}"
    shown = client.get(page).get_data(as_text=True)
    summary = re.search(r"<dd[^>]*data-assigned>(.*?)</dd>", shown)
    assert summary is not None and summary.group(1) == "<bdi>Kim Colleague</bdi> (cannot work on requests now)"
    chosen = re.search(r'<option value="(\d+)" selected>([^<]+)</option>', shown)
    assert chosen is not None and chosen.groups() == (str(colleague), "Kim Colleague (cannot work on requests now)")
    listed = re.findall(r'data-label="Assigned to">([^<]+)</td>', client.get("/inbox").get_data(as_text=True))
    assert listed.count("Kim Colleague (cannot work on requests now)") == 3
    assert f"{reference}," in (csv := client.get("/inbox/requests.csv").get_data(as_text=True))
    assert csv.count(",Kim Colleague (cannot work on requests now),") == 3
    # The filter offers Kim, marked, and lists what Kim holds; a closed account is marked as everywhere.
    assert runner.invoke(args=["facilitators", "deactivate", "lee.leaver@partnership.example"]).exit_code == 0
    filtered = client.get(f"/inbox?assignee={colleague}").get_data(as_text=True)
    assert f'<option value="{colleague}" selected>Kim Colleague (cannot work on requests now)</option>' in filtered
    assert f'<option value="{leaver}">Lee Leaver (account closed)</option>' in filtered
    assert "There is no facilitator called" not in filtered
    assert len(re.findall(r'data-label="Assigned to">', filtered)) == 3
    # A partnership account that holds no request is not offered.
    runner.invoke(args=["facilitators", "set-role", "lee.leaver@partnership.example", "partnership", "--yes"])
    assert "Lee Leaver" not in client.get("/inbox").get_data(as_text=True)


def test_deactivating_names_the_open_requests_still_assigned(app: Flask, runner) -> None:
    """Found (b149 review): ``deactivate`` did not mention the requests still assigned to the
    account, so whoever ran it was not prompted to reassign them."""
    client, _ = signed_in(app)
    colleague = add_colleague(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    assert post_form(client, page, f"{page}/assignment", {"facilitator": str(colleague)}).status_code == 302
    closed = runner.invoke(args=["facilitators", "deactivate", "kim.colleague@partnership.example"])
    assert closed.exit_code == 0
    assert (
        f"1 open request is still assigned to Kim Colleague, who cannot work on requests now: {reference}. "
        "Reassign them in the inbox" in closed.output
    )


@both_databases
def test_notes_are_stored_with_author_and_audited_without_their_text(app: Flask) -> None:
    client, facilitator_id = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note = "Offered two dates; waiting to hear back."
    assert post_form(client, page, f"{page}/notes", {"text": note}).status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(TriageNote))
        assert (stored.text, stored.author_id) == (note, facilitator_id)
    added = events(app, "note_added")
    assert [(e.reference, e.actor) for e in added] == [(reference, f"facilitator:{facilitator_id}")]
    assert note not in added[0].detail
    assert note in text(client.get(page))
    for bad in ("   ", "x" * 1001):
        refused = post_form(client, page, f"{page}/notes", {"text": bad})
        assert refused.status_code == 200 and "govuk-error-summary" in text(refused)
    assert len(events(app, "note_added")) == 1


def test_a_note_in_a_right_to_left_script_reads_in_its_own_direction(app: Flask) -> None:
    """Found (untidy-use review): a note in Arabic was laid out left to right, its full stop at the
    wrong end, on the request page and on the page that asks before deleting it (the practitioner's
    own text and feedback comments already took their direction from their first letters)."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note = "اتصلت بالممارس (الثلاثاء 10:00)، قال: نعم."
    assert post_form(client, page, f"{page}/notes", {"text": note}).status_code == 302
    shown = text(client.get(page))
    assert f'<p class="govuk-body govuk-!-margin-bottom-1 app-long-text" dir="auto" data-note-text>{note}</p>' in shown
    [link] = delete_links(shown)
    assert f'data-note-to-delete dir="auto">{note}</div>' in text(client.get(link))


def test_a_note_naming_the_practitioner_is_not_taken_for_naming_a_child(app: Flask) -> None:
    """Found (facilitators' review): "Alex asked to join the Thursday group instead", on the request
    of the practitioner Alex Practitioner, was refused as naming a person. Facilitators name the
    practitioner all the time, and a warning given every time is clicked past when it matters.
    Their own name (the request's) is no finding; anyone else's is, and so is theirs when the
    text says it is someone's ("Alex (7)"), and the audit line says no warning was confirmed."""
    client, _ = signed_in(app)
    reference = stored_request(app)  # the practitioner: VALID_DETAILS' "Alex Practitioner"
    page = f"/inbox/requests/{reference}"
    for note in ("Alex asked to join the Thursday group instead.", "Spoke to alex practitioner; she will call back."):
        assert post_form(client, page, f"{page}/notes", {"text": note}).status_code == 302, note
    assert [event.detail for event in events(app, "note_added")] == [
        f"note {number}" for number in (1, 2)
    ]  # no warning confirmed
    for note in ("Kayden asked to join the Thursday group.", "Alex (7) was upset at school."):
        refused = post_form(client, page, f"{page}/notes", {"text": note})
        assert refused.status_code == 200 and "govuk-error-summary" in text(refused), note
    assert len(events(app, "note_added")) == 2


def test_a_note_naming_a_facilitator_is_not_taken_for_naming_a_child(app: Flask) -> None:
    """Found (facilitators' review): "Anna: practitioner agreed to Tuesday" and "Spoke to Ben about
    it" were warned about as naming a person: the facilitators' own names, as their accounts give
    them, are not a child's or a family's. Anyone else's still is, and so is theirs said to be
    someone's ("Kim (7)"), and a deactivated account's name is no longer exempt."""
    client, _ = signed_in(app)  # Sam Facilitator
    kim = add_colleague(app)  # Kim Colleague
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    add_facilitator(app, "siobhan@partnership.example", "Siobhán O’Connor")
    # Typed without the accent, or with the other apostrophe, it is still her name (regression review).
    for note in (
        "Kim: practitioner agreed to Tuesday.",
        "Spoke to Sam about it.",
        "Kim Colleague will call.",
        "Siobhan O'Connor will call.",
        "Spoke with Kim Colleague Monday.",  # a day after it is not more of a name (regression review)
        "Kim Colleague To call back.",
        "Kim Colleague MASH referral discussed.",  # an acronym after it is not more of a name (regression review)
        "Kim Colleague OK.",
    ):
        assert post_form(client, page, f"{page}/notes", {"text": note}).status_code == 302, note
    # (Regression review: a first name of one and a surname of another, together, are someone else's.)
    for note in (
        "Kayden asked to join.",
        "Kim (7) was upset at school.",
        "Kim Jones is the child's aunt.",
        "Sam Colleague hit him.",
        "Kim Colleague Jones is the stepdad.",  # a longer name, someone else's (regression review)
        "Kim Colleague Émile is the stepdad.",
        "Kim Colleague May is mum's partner.",  # May is a name too (regression review)
        "Kim Colleague O'Brien is the stepdad.",
        "Kim Colleague JONES is the stepdad.",  # a surname in capitals, as records write them
    ):
        refused = post_form(client, page, f"{page}/notes", {"text": note})
        assert refused.status_code == 200 and "govuk-error-summary" in text(refused), note
    with app.app_context():
        colleague = db.session.get(Facilitator, kim)
        colleague.active = False
        db.session.commit()
    refused = post_form(client, page, f"{page}/notes", {"text": "Kim will call back."})
    assert refused.status_code == 200 and "govuk-error-summary" in text(refused)


def test_a_note_form_sent_twice_adds_the_note_once(app: Flask, monkeypatch) -> None:
    """Found (facilitator review): after "Add note", Back showed the request page with the browser
    keeping the note's text in the box; "Add note" again added the same note a second time. Now
    the same facilitator's same words, just added, are said to be there already; a colleague's
    same words, or the same words later on, are a new note."""
    client, _ = signed_in(app)
    add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note = "Left a voicemail for the practitioner."
    opened = text(client.get(page))
    sent = {"csrf_token": csrf_token(opened), "text": note}
    assert client.post(f"{page}/notes", data=sent).status_code == 302
    again = client.post(f"{page}/notes", data=sent, follow_redirects=True)
    assert "You had already added this note, so it was not added again" in text(again)
    assert text(again).count(note) == 1
    assert len(events(app, "note_added")) == 1
    # A colleague may add the same words; and so may the same facilitator later on.
    note_by(app, reference, note, email="kim.colleague@partnership.example")
    assert client.post(f"{page}/notes", data=sent).status_code == 302
    later = service.utcnow() + service.NOTE_RESENT_WITHIN + dt.timedelta(seconds=1)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    assert client.post(f"{page}/notes", data=sent).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 4


def notes_seen(page: str) -> str:
    """The note form's record of the newest note its page showed."""
    found = re.search(r'name="notes_seen" value="(\d+)"', page)
    assert found, "the note form has no notes_seen field"
    return found[1]


@both_databases
def test_the_same_words_typed_again_on_a_page_showing_them_are_a_new_note(app: Flask) -> None:
    """Found (regression review): a second voicemail left, noted in the same words from the page
    showing the first note, was refused as "already added" for 10 minutes; and the same words sent
    with another note between, from one page, were added twice. The form says which notes its page
    showed: the same words added since are the form sent again; shown on it, they are a new note."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    opened = text(client.get(page))
    assert notes_seen(opened) == "0"
    voicemail = {"csrf_token": csrf_token(opened), "notes_seen": notes_seen(opened), "text": "Left a voicemail."}
    assert client.post(f"{page}/notes", data=voicemail).status_code == 302
    again = client.post(f"{page}/notes", data=voicemail, follow_redirects=True)  # Back, and Add note again
    assert "You had already added this note, so it was not added again" in text(again)
    # From the page showing it, the same words are a new note (a second voicemail).
    shown = text(client.get(page))
    assert client.post(f"{page}/notes", data={**voicemail, "notes_seen": notes_seen(shown)}).status_code == 302
    # From one page, two notes then the first again: the first again is that form sent twice.
    shown = text(client.get(page))
    for note in ("Emailed the manager.", "Called the school.", "Emailed the manager."):
        sent = {**voicemail, "notes_seen": notes_seen(shown), "text": note}
        assert client.post(f"{page}/notes", data=sent).status_code == 302
    assert "You had already added this note" in text(client.get(page))
    # A page's record changed by hand (not ASCII digits, too long) is as a page from before it.
    for changed in ("²", "١٢", "9" * 30, "2147483648", "99999999999", "-1", "x"):
        sent = {**voicemail, "notes_seen": changed, "text": f"Note {len(changed)}{changed[0]}."}
        assert client.post(f"{page}/notes", data=sent).status_code == 302, changed
    with app.app_context():
        added = list(db.session.scalars(select(TriageNote.text).order_by(TriageNote.id)))
    assert added[:4] == ["Left a voicemail.", "Left a voicemail.", "Emailed the manager.", "Called the school."]
    assert len(added) == 11


def colleagues_tab_adding(app: Flask, reference: str, facilitator_id: int, note: str) -> TriageNote:
    """The note as the other sending adds it: the request's row, then the note (not yet committed)."""
    return TriageNote(
        request_id=db.session.scalar(select(StoredRequest.id).where(StoredRequest.reference == reference)),
        author_id=facilitator_id,
        created_at=utcnow(),
        text=note,
    )


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_note_sent_twice_at_the_same_moment_is_added_once_on_postgresql(app: Flask) -> None:
    """Found (browser review): the same note sent twice at the same moment (two tabs, or a double
    click on a slow connection) was added twice: each sending looked for it before the other had
    added it. The second now waits for the first, then finds the note there."""
    client, facilitator_id = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note = "Left a voicemail for the practitioner."
    sent = {"csrf_token": csrf_token(text(client.get(page))), "text": note}
    with own_connections(app) as engine, engine.connect() as first, app.app_context():
        first.execute(select(StoredRequest.id).where(StoredRequest.reference == reference).with_for_update())
        added = colleagues_tab_adding(app, reference, facilitator_id, note)
        first.execute(
            TriageNote.__table__.insert().values(
                request_id=added.request_id, author_id=added.author_id, created_at=added.created_at, text=note
            )
        )
        assert run_while_held(first, lambda: client.post(f"{page}/notes", data=sent)).status_code == 302
    shown = text(client.get(page))
    assert "You had already added this note, so it was not added again" in shown
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 1


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux's /proc to see a thread wait")
def test_a_note_sent_twice_at_the_same_moment_is_added_once_on_sqlite(app: Flask) -> None:
    """The same on SQLite, whose reads take no lock: the second sending waits for the write lock
    before it looks for the note (it looked first, then waited to write, and added it again)."""
    client, facilitator_id = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note = "Left a voicemail for the practitioner."
    sent = {"csrf_token": csrf_token(text(client.get(page))), "text": note}
    with app.app_context():
        added = colleagues_tab_adding(app, reference, facilitator_id, note)
    answers: list[TestResponse] = []
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    first = sqlite3.connect(database, isolation_level=None)
    try:
        first.execute("BEGIN IMMEDIATE")
        first.execute(
            "INSERT INTO triage_notes (request_id, author_id, created_at, text) VALUES (?, ?, ?, ?)",
            (added.request_id, added.author_id, added.created_at.strftime("%Y-%m-%d %H:%M:%S.%f"), note),
        )
        second = threading.Thread(target=lambda: answers.append(client.post(f"{page}/notes", data=sent)))
        second.start()
        deadline = time.monotonic() + 30
        while not (second.native_id and Path(f"/proc/self/task/{second.native_id}/wchan").exists()):
            time.sleep(0.01)
        wchan = Path(f"/proc/self/task/{second.native_id}/wchan")
        while wchan.read_text() != "hrtimer_nanosleep":  # SQLite's busy handler, waiting for the lock
            assert time.monotonic() < deadline and second.is_alive(), "it did not wait for the lock"
            time.sleep(0.01)
        first.execute("COMMIT")
        second.join(15)
    finally:
        first.close()
    assert [answer.status_code for answer in answers] == [302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 1


def note_by(app: Flask, reference: str, note: str, email: str = EMAIL) -> int:
    """A note added to the request by the facilitator with this email (its warning confirmed, if
    it had one); returns the note's id."""
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        return service.add_note(stored, note, service.find_facilitator(email)).id


def delete_links(page: str) -> list[str]:
    """The "Delete" links beside the notes on a request's page."""
    return re.findall(r'href="([^"]+/notes/\d+/delete)" data-delete-note-link', page)


def yes_delete_it(page: str) -> dict[str, str]:
    """What "Yes, delete it" on a note's confirmation page posts."""
    stamp = re.search(r'name="note" value="([^"]+)"', page)
    assert stamp is not None, page
    return {"csrf_token": csrf_token(page), "confirm": "yes", "note": stamp.group(1)}


def confirm_delete(client: FlaskClient, link: str) -> TestResponse:
    """Open the note's confirmation page and select "Yes, delete it"."""
    return client.post(link, data=yes_delete_it(text(client.get(link))))


@both_databases
def test_any_facilitator_can_delete_a_note_after_confirming_and_it_is_audited_without_its_text(app: Flask) -> None:
    """Found: a note that named a child, added past the identifying-data warning, stayed on the
    request for all to read until the request was deleted at the end of the retention period."""
    client, facilitator_id = signed_in(app)
    colleague_id = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    identifying = "Jayden Smith (DOB 12/03/2015) lives at 4 Elm Road, M6 5FJ."
    note_by(app, reference, identifying, "kim.colleague@partnership.example")  # a colleague's note
    note_by(app, reference, "Offered two dates.")
    links = delete_links(text(client.get(page)))
    assert len(links) == 2
    link = links[0]
    ask = client.get(link)
    assert ask.status_code == 200 and "Are you sure you want to delete this note?" in text(ask)
    assert identifying in text(ask) and "<bdi>Kim Colleague</bdi> added it on" in text(ask)  # to be sure it is the one
    token = csrf_token(text(ask))
    assert client.post(link, data={"csrf_token": token}).status_code == 200  # no confirmation: asked again
    expired = client.post(link, data={"csrf_token": "stale", "confirm": "yes"})  # a form kept open too long
    assert expired.status_code == 400
    assert "The note has not been deleted because the form had expired" in text(expired)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 2  # asked, not deleted
    views = len(events(app, "viewed"))
    done = confirm_delete(client, link)
    assert done.status_code == 302 and done.location == page
    shown = text(client.get(page))
    assert "Note deleted" in shown and identifying not in shown and "Offered two dates." in shown
    with app.app_context():
        assert list(db.session.scalars(select(TriageNote.text))) == ["Offered two dates."]
    [event] = events(app, "note_deleted")
    assert (event.reference, event.actor) == (reference, f"facilitator:{facilitator_id}")
    assert f"by facilitator:{colleague_id}" in event.detail
    assert not any(part in event.detail for part in ("Jayden", "Smith", "Elm", "M6"))
    trail = trail_text(shown)
    assert "Sam Facilitator | Note deleted: the note Kim Colleague added on " in trail
    assert "note 1" not in trail and "facilitator:" not in trail
    # The confirmation page, opened once more, is a view; the request's page shown just after is not.
    assert len(events(app, "viewed")) == views + 1
    # The confirmation page again, from a tab left open: said plainly, nothing else deleted.
    again = client.post(link, data={"csrf_token": token, "confirm": "yes", "note": "2026-01-01T00:00:00"})
    assert again.status_code == 302 and again.location == page
    shown = text(client.get(page))
    assert "That note has already been deleted by you (in another tab or window)" in shown
    assert "Offered two dates." in shown and "govuk-notification-banner--success" not in shown
    assert client.get(link).location == page  # and its link


def test_a_note_deleted_by_a_colleague_meanwhile_is_said_so(app: Flask) -> None:
    client, _ = signed_in(app)
    add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    colleague = app.test_client()
    sign_in(colleague, "kim.colleague@partnership.example")
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note_by(app, reference, "Jayden's mum called.")
    [link] = delete_links(text(client.get(page)))
    ask = text(client.get(link))  # open, not yet confirmed, while a colleague deletes it
    assert confirm_delete(colleague, link).status_code == 302
    stale = yes_delete_it(ask)
    response = client.post(link, data=stale, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == page
    assert "That note has already been deleted by Kim Colleague, so nothing was deleted now" in text(response)
    assert len(events(app, "note_deleted")) == 1
    # The same after a form that had expired: no "Are you sure?" about a note that is not there.
    expired = client.post(link, data={**stale, "csrf_token": "stale"}, follow_redirects=True)
    assert expired.request.path == page and "already been deleted by Kim Colleague" in text(expired)


@both_databases
def test_two_facilitators_deleting_the_same_note_at_once_delete_it_once(app: Flask, monkeypatch) -> None:
    """Found (review): a colleague's deletion landing between this page finding the note and
    deleting it (both selected "Yes, delete it" at the same moment) deleted nothing, yet this one
    was told "Note deleted" and the audit log recorded a second deletion, by them (SQLAlchemy only
    warned that no row was deleted). Now nothing is recorded, and the page says who deleted it."""
    client, _ = signed_in(app)
    colleague_id = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note_by(app, reference, "Jayden's mum called.")
    [link] = delete_links(text(client.get(page)))
    ask = text(client.get(link))
    find_note = service.find_note

    def found_as_a_colleague_deletes_it(stored: StoredRequest, note_id: str) -> tuple | None:
        found = find_note(stored, note_id)
        with app.app_context():  # the colleague's request, on its own connection
            theirs = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
            [note, _] = find_note(theirs, note_id) or ()
            service.delete_note(theirs, note, service.find_facilitator("kim.colleague@partnership.example"))
        return found

    monkeypatch.setattr(service, "find_note", found_as_a_colleague_deletes_it)
    response = client.post(link, data=yes_delete_it(ask), follow_redirects=True)
    assert response.status_code == 200 and response.request.path == page
    shown = text(response)
    assert "That note has already been deleted by Kim Colleague, so nothing was deleted now" in shown
    assert "govuk-notification-banner--success" not in shown
    [event] = events(app, "note_deleted")  # one deletion, the colleague's
    assert event.actor == f"facilitator:{colleague_id}"


def test_opening_a_notes_confirmation_page_is_audited_as_a_view(app: Flask) -> None:
    """Found (review): "Are you sure?" shows the note and the request's reference, opened straight
    from its address too, but nothing was recorded: the note could be read without a trace. Each
    showing is a view, as a request page shown again by a refused form is."""
    client, facilitator_id = signed_in(app)
    reference = stored_request(app)
    note_id = note_by(app, reference, "Jayden's mum called.")
    link = f"/inbox/requests/{reference}/notes/{note_id}/delete"
    assert "Jayden's mum called." in text(client.get(link))
    [event] = events(app, "viewed")
    assert (event.reference, event.actor) == (reference, f"facilitator:{facilitator_id}")
    expired = client.post(link, data={"csrf_token": "stale", "confirm": "yes"})  # shown again, with the note
    assert expired.status_code == 400 and "Jayden's mum called." in text(expired)
    assert len(events(app, "viewed")) == 2


def test_a_stale_confirmation_never_deletes_a_later_note_given_the_same_number(app: Flask) -> None:
    """SQLite gives a new row the number after the highest left, so a note added after the last
    one was deleted has that one's number: a confirmation page left open must not delete it."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    first = note_by(app, reference, "Jayden's mum called.")
    [link] = delete_links(text(client.get(page)))
    ask = text(client.get(link))
    assert confirm_delete(client, link).status_code == 302
    assert note_by(app, reference, "Offered two dates.") == first  # the same number, another note
    stale = yes_delete_it(ask)
    response = client.post(link, data=stale, follow_redirects=True)
    assert "That note has already been deleted by you" in text(response)
    with app.app_context():
        assert list(db.session.scalars(select(TriageNote.text))) == ["Offered two dates."]


def test_a_note_that_is_not_there_is_page_not_found(app: Flask) -> None:
    client, _ = signed_in(app)
    reference, other = stored_request(app), stored_request(app)
    elsewhere = note_by(app, other, "On the other request.")
    for note_id in ("999", "abc", "١", "0" * 12, str(elsewhere)):
        assert client.get(f"/inbox/requests/{reference}/notes/{note_id}/delete").status_code == 404, note_id
        token = csrf_token(text(client.get(f"/inbox/requests/{reference}")))
        response = client.post(
            f"/inbox/requests/{reference}/notes/{note_id}/delete", data={"csrf_token": token, "confirm": "yes"}
        )
        assert response.status_code == 404, note_id
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 1
    # A request that has been deleted: its page says when.
    note_by(app, reference, "A note.")
    with app.app_context():
        from app.retention import delete_request

        delete_request(reference)
    gone = client.get(f"/inbox/requests/{reference}/notes/1/delete")
    assert gone.status_code == 404 and "deleted" in text(gone)


def test_a_deleted_notes_text_is_left_neither_in_the_sqlite_file_nor_its_log(app: Flask) -> None:
    """The note's row is zeroed (secure_delete), and SQLite's write-ahead log, which keeps the
    earlier versions of its page, is emptied when the note is deleted (as after a purge)."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    marker = "Quokka-in-the-note-5127"
    note_by(app, reference, f"Jayden {marker}")
    note_by(app, reference, "Offered two dates.")
    assert marker.encode() in sqlite_file_bytes(app)
    [link, _] = delete_links(text(client.get(f"/inbox/requests/{reference}")))
    assert confirm_delete(client, link).status_code == 302
    assert marker.encode() not in sqlite_file_bytes(app)
    assert b"Offered two dates." in sqlite_file_bytes(app)


def error_summary_of(page: str) -> str:
    """The GOV.UK error summary's HTML ("" if the page has none)."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    return found.group(0) if found else ""


def test_an_identifying_note_is_an_error_that_cannot_be_missed(app: Flask) -> None:
    """Found: a note that looked identifying was not saved, but the page came back at its top
    with no error summary and no "Error:" in the title: the warning was about 10,000 pixels
    down, so a facilitator thought the note was added."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note = "Child Jayden Smith DOB 12/03/2015 M6 5FJ"
    response = post_form(client, page, f"{page}/notes", {"text": note})
    shown = text(response)
    assert response.status_code == 200 and re.search(r"<title>\s*Error: ", shown)
    summary = error_summary_of(shown)
    assert (
        "Check the note does not identify anyone (what was found is listed under it): it has not been added yet"
        in summary
    )
    assert 'href="#text"' in summary  # to the note, beside the warning
    assert (
        shown.count(
            "Check the note does not identify anyone (what was found is listed under it): it has not been added yet"
        )
        == 2
    )  # and on the field
    assert 'id="text-error"' in shown and "data-identifying-warning" in shown
    # What was found describes the note, for a screen reader, as the reason's does (found,
    # facilitator's accessibility review: a Tab from the note went past it to the button unheard).
    assert re.search(r'<textarea[^>]*id="text"[^>]*aria-describedby="[^"]*note-findings[^"]*"', shown), shown
    assert 'id="note-findings"' in shown
    # Each finding in the words around it (found, review: only the request's warning showed them).
    assert '<span class="app-finding-context">Child Jayden Smith <strong>DOB 12/03/2015</strong> M6 5FJ</span>' in shown
    assert f'action="{page}/notes" novalidate data-note-form' in shown and 'id="notes"' in shown
    assert f">{note}</textarea>" in shown  # what was typed is kept
    assert "Note added" not in shown
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 0


def test_a_note_naming_a_street_or_initials_shows_what_was_found_and_why(app: Flask) -> None:
    """A street without a house number and initials given as a name are warned about on a note,
    each with what was found and why it matters, and the note is kept as typed."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note = "Dad now lives on Mill Lane; the baby is known as KM."
    shown = text(post_form(client, page, f"{page}/notes", {"text": note}))
    warning = " ".join(
        re.sub(r"<[^>]+>", " ", shown.split("data-identifying-warning", 1)[1].split("</div>", 1)[0]).split()
    )
    assert (
        "Mill Lane , in “ Dad now lives on Mill Lane ; the baby is known as KM. ”: This looks like the name of a "
        "street. With the area, a street can point to a family" in html.unescape(warning)
    )
    assert "KM , in “ …Lane; the baby is known as KM . ”: This looks like a person" in warning, warning
    assert f">{note}</textarea>" in shown
    # A name written more than once is one line, with how many times it was found.
    twice = "Dad (KM) rang. KM says the baby is fine."
    shown = text(post_form(client, page, f"{page}/notes", {"text": twice}))
    warning = " ".join(
        re.sub(r"<[^>]+>", " ", shown.split("data-identifying-warning", 1)[1].split("</div>", 1)[0]).split()
    )
    # (Each line shows the words around where it was first found.)
    assert "KM (found 2 times), in “ Dad ( KM ) rang. KM says the baby is… ”: These look like a person's initials" in (
        warning
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 0


def test_the_request_page_says_what_its_deletion_date_means_and_who_reads_a_redirect_reason(app: Flask) -> None:
    """Found (words review): under the deletion date, "Its session must be before then" left
    "its" to be worked out, and the redirect reason's hint said "a sentence for the team" where
    everything else says "facilitators"."""
    client, _ = signed_in(app)
    page = " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", text(client.get(f"/inbox/requests/{stored_request(app)}")))).split()
    )
    assert "Requests are kept for 90 days, so hold this request's session before then." in page
    assert (
        "A sentence for the other facilitators, saying why it belongs there (it is not emailed to the practitioner)."
        in page
    )
    assert "for the team" not in page and "Its session" not in page


def test_an_identifying_redirect_reason_is_an_error_that_cannot_be_missed(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    reason = "Mum Jo Smith, 07700 900982, wants the LADO"
    response = post_form(
        client, page, f"{page}/status", {"status": "redirected", "redirected_to": "L", "reason": reason}
    )
    shown = text(response)
    message = (
        "Check the reason does not identify anyone (what was found is listed under it): "
        "the status has not been changed yet"
    )
    assert response.status_code == 200 and re.search(r"<title>\s*Error: ", shown)
    assert message in error_summary_of(shown) and 'href="#reason"' in error_summary_of(shown)
    assert shown.count(message) == 2 and 'id="reason-error"' in shown
    # What was found describes the field, for a screen reader (found, accessibility review).
    assert re.search(r'<textarea[^>]*id="reason"[^>]*aria-describedby="reason-findings [^"]*reason-error"', shown)
    assert 'id="reason-findings"' in shown
    assert f'action="{page}/status"' in shown and 'id="change-status"' in shown
    assert f">{reason}</textarea>" in shown
    with app.app_context():
        assert db.session.scalar(select(StoredRequest.status)) == "new"


def test_each_form_of_the_workflow_has_a_heading_to_move_to(app: Flask) -> None:
    """Found (accessibility review): the status and assignment forms had no heading, so someone
    moving by headings found them under "Session" and could not go straight to them."""
    client, _ = signed_in(app)
    shown = text(client.get(f"/inbox/requests/{stored_request(app)}"))
    workflow = shown.split('id="workflow"', 1)[1]
    headings = re.findall(r"<h3[^>]*>\s*([^<]+?)\s*</h3>", workflow)
    assert headings == ["Session", "Status", "Assignment", "Notes"]
    assert workflow.index("Status</h3>") < workflow.index('id="change-status"')
    assert workflow.index("Assignment</h3>") < workflow.index('id="assignment"')


def test_after_an_inbox_form_the_page_opens_at_its_top_with_a_link_down_to_the_section(app: Flask) -> None:
    """Found (accessibility review): forms came back at their own section (#notes and so on), so
    the success banner and the error summary were thousands of pixels above, and the browser's
    jump undid GOV.UK Frontend's focus on them: a screen-reader user heard nothing."""
    client, colleague = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    shown = text(client.get(page))
    for action, section in (("status", "change-status"), ("assignment", "assignment"), ("notes", "notes")):
        assert f'action="{page}/{action}"' in shown and f'id="{section}"' in shown, action
    for action, data, said in (
        (
            "notes",
            {"text": "Picked up."},
            'Note added. <a class="govuk-notification-banner__link" href="#notes">View the notes</a>',
        ),
        (
            "status",
            {"status": "in_triage"},
            'Status changed to in triage. <a class="govuk-notification-banner__link" href="#change-status">'
            "View the status</a>",
        ),
        ("assignment", {"facilitator": str(colleague)}, 'href="#assignment">View the assignment</a>'),
    ):
        saved = post_form(client, page, f"{page}/{action}", data)
        assert saved.status_code == 302 and saved.location == page, action  # the top of the page
        assert said in text(client.get(page)), action


def test_character_limits_are_worded_as_gov_uk_does(app: Flask) -> None:
    """Found: the note's hint said "up to 1000 characters" and its error "1,000 characters or
    fewer", while the request form says "or less"."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    shown = text(client.get(page))
    assert "You can enter up to 1,000 characters" in shown and "1000 characters" not in shown
    assert 'data-maxlength="1000"' in shown  # the counter's limit, for JavaScript
    too_long = text(post_form(client, page, f"{page}/notes", {"text": "x" * 1001}))
    assert "The note must be 1,000 characters or less" in error_summary_of(too_long)
    reason = text(
        post_form(client, page, f"{page}/status", {"status": "redirected", "redirected_to": "S", "reason": "x" * 501})
    )
    assert "The reason must be 500 characters or less" in error_summary_of(reason)
    for shown_page in (shown, too_long, reason):
        assert "or fewer" not in shown_page
    assert service.password_problem("x" * 300) == "The password must be 256 characters or less."


def test_a_line_break_counts_as_the_character_count_counts_it(app: Flask) -> None:
    """Found (text review): a browser sends each line break typed in a text area as CR LF, and the
    note and the redirect reason counted it as 2 characters: text at "You have 0 characters
    remaining" was refused, and the note was stored with Windows line endings. An emoji counts 2,
    as the counter counts it."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    lines = ["Trafodwyd yr achos gyda'r tîm"] * 20
    typed = "\n".join(lines)
    note = "\r\n".join(lines) + "y" * (1000 - len(typed))
    saved = post_form(client, page, f"{page}/notes", {"text": note})
    assert saved.status_code == 302, error_summary_of(text(saved))
    with app.app_context():
        stored = db.session.scalar(select(TriageNote.text))
    assert stored == typed + "y" * (1000 - len(typed)) and "\r" not in stored
    emoji = "🙂" * 500 + "x"  # 1,001 as the counter counts (each emoji is 2), 501 letters
    too_long = text(post_form(client, page, f"{page}/notes", {"text": emoji}))
    assert "The note must be 1,000 characters or less" in error_summary_of(too_long)
    reason = "\r\n".join(["Went to the LADO (local authority designated officer)"] * 9)
    reason += "." * (500 - len(reason.replace("\r\n", "\n")))
    redirected = post_form(
        client, page, f"{page}/status", {"status": "redirected", "redirected_to": "S", "reason": reason}
    )
    assert redirected.status_code == 302, error_summary_of(text(redirected))
    with app.app_context():
        assert db.session.scalar(select(StoredRequest.redirect_reason)) == reason.replace("\r\n", "\n")


# Found: a note of only zero-width spaces (or other invisible characters) was stored as a note.
INVISIBLE_TEXTS = ["\u200b", "\u200c\u200d\u2060\ufeff", " \u200b\n\u00a0\t", "\u3164\u2800", "\u00ad\u034f\ufe0f"]


def test_is_blank_sees_through_invisible_characters() -> None:
    from app.input_guard import is_blank

    assert all(is_blank(value) for value in ["", None, "  \n", *INVISIBLE_TEXTS])
    assert not any(is_blank(value) for value in ["a", "\u200bNote\u200b", "1", "–", "😀"])


@pytest.mark.parametrize("typed", INVISIBLE_TEXTS)
def test_a_note_or_reason_of_invisible_characters_is_empty(app: Flask, typed: str) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    refused = post_form(client, page, f"{page}/notes", {"text": typed})
    assert refused.status_code == 200 and 'href="#text"' in text(refused) and "Enter a note" in text(refused)
    redirected = post_form(
        client, page, f"{page}/status", {"status": "redirected", "redirected_to": "S", "reason": typed}
    )
    assert redirected.status_code == 200 and "Enter why the request was redirected" in text(redirected)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 0
        assert db.session.scalar(select(StoredRequest.status)) == "new"
        with pytest.raises(ValueError, match="a note must have"):
            service.add_note(db.session.scalar(select(StoredRequest)), typed, db.session.scalar(select(Facilitator)))


# --- messages after an action -------------------------------------------------------------------


def banners(page: str) -> list[str]:
    """The notification banners on the page, as HTML."""
    return re.findall(r'<div class="govuk-notification-banner.*?</div>\s*</div>', page, re.S)


@both_databases
def test_refusals_are_important_and_successes_are_success_never_joined(app: Flask) -> None:
    """Found: every flashed message, the PDF "not made yet" and a refused change of a session
    included, was shown in the green "Success" banner, joined with others into one."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    waiting = text(client.get(f"{page}/request.pdf", follow_redirects=True))
    [banner] = banners(waiting)
    assert "has not been made yet" in banner and ">\n      Important\n" in banner
    # (An alert: it is about what was just asked for, said at once: accessibility review.)
    assert "govuk-notification-banner--success" not in banner and 'role="alert"' in banner
    changed = text(post_form(client, page, f"{page}/status", {"status": "in_triage"}, follow_redirects=True))
    [banner] = banners(changed)
    assert "Status changed to in triage" in banner and "govuk-notification-banner--success" in banner
    assert 'role="alert"' in banner and ">\n      Success\n" in banner
    # A refusal and a success before the page is shown: two banners, each of its own kind.
    token = csrf_token(text(client.get(page)))
    client.get(f"{page}/request.pdf")
    client.post(f"{page}/notes", data={"csrf_token": token, "text": "Offered two dates."})
    shown = text(client.get(page))
    both = banners(shown)
    assert len(both) == 2
    important, success = both
    assert "has not been made yet" in important and "Note added" not in important
    assert "--success" not in important and "Important" in important
    assert "Note added" in success and "has not been made yet" not in success and "--success" in success
    ids = re.findall(r'\sid="([^"]+)"', shown)
    assert len(ids) == len(set(ids))


def test_an_import_already_in_the_inbox_is_not_called_a_success(app: Flask) -> None:
    client, _ = signed_in(app)
    document = valid_document(app)
    pdf = pdf_with_attachment("request.json", json.dumps(document).encode())
    first = text(client.get(upload(client, pdf).location))
    assert "govuk-notification-banner--success" in first and f"Request {document['reference']} imported" in first
    second = text(client.get(upload(client, pdf).location))
    [banner] = banners(second)
    assert "already in the inbox" in banner and "--success" not in banner
    assert "The PDF you uploaded matches it" in " ".join(banner.split())
    # Found (privacy review): the upload of a full copy left no trace in the request's trail; and
    # (security review) a PDF giving a stored request's reference with another person's details
    # was told only "already in the inbox".
    assert "does not match" not in banner
    assert (
        "A copy of its PDF uploaded to import, nothing added (it was already here): the copy matches this request"
        in (trail_text(second))
    )
    document["details"]["name"] = "Totally Different Person"
    altered = pdf_with_attachment("request.json", json.dumps(document).encode())
    third = text(client.get(upload(client, altered).location))
    [banner] = banners(third)
    assert (
        "already in the inbox" in banner
        and 'The PDF you uploaded does not match it (different: "Requested by")' in banner
    )
    assert "Totally Different Person" not in third
    assert 'the copy does not match this request (different: "Requested by")' in trail_text(third)
    assert "Totally" not in trail_text(third)


def trail_text(page: str) -> str:
    """The audit trail's table as text, one row a line."""
    table = page.split("data-audit-trail", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)
    cells = [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("</td>")[:-1]] for row in rows]
    return "\n".join(" | ".join(row) for row in cells if row)


@both_databases
def test_the_audit_trail_is_in_words_a_facilitator_reads(app: Flask) -> None:
    """Found: entries such as "outcome P" and "Viewed: inbox", and note numbers and status codes."""
    client, facilitator_id = signed_in(app)
    reference = stored_request(app, pdf=True)
    page = f"/inbox/requests/{reference}"
    client.get(page)
    client.get(f"{page}/request.pdf")
    post_form(client, page, f"{page}/notes", {"text": "Offered two dates."})
    post_form(client, page, f"{page}/assignment", {"facilitator": str(facilitator_id)})
    post_form(client, page, f"{page}/assignment", {"facilitator": ""})
    post_form(
        client, page, f"{page}/status", {"status": "redirected", "redirected_to": "S", "reason": "Supervision first"}
    )
    trail = trail_text(text(client.get(page)))
    with app.app_context():
        from app.pack import current_pack

        titles = {outcome.id: str(outcome.title) for outcome in current_pack().outcomes}
        version = current_pack().version
    assert (
        "Request submitted: by a practitioner, about their own practice; "
        f"outcome: {titles['P']}; rules version {version}" in trail
    )
    assert "Sam Facilitator | Viewed in the inbox" in trail
    assert "Sam Facilitator | PDF downloaded from the inbox" in trail
    assert "The service | PDF made\n" in trail + "\n"
    assert "Sam Facilitator | Note added\n" in trail
    assert (
        "Assignment changed: to Sam Facilitator" in trail
        and "Assignment changed: no longer assigned to anyone" in trail
    )
    assert f"Status changed from new to redirected: redirected to {titles['S']}" in trail
    # Found: "Status changed: New to in triage" (the old status capitalised, the new one not).
    assert "Status changed: " not in trail and "New to" not in trail
    for code in ("outcome P", ": inbox", "note 1", "facilitator:", ": new to", "mode practitioner", "attempt 1", "_"):
        assert code not in trail, (code, trail)


# --- import -----------------------------------------------------------------------------------


@pytest.mark.real_pdf
def test_a_requests_own_pdf_uploaded_again_matches_it(app: Flask) -> None:
    """The PDF the service made, uploaded while its request is stored: nothing added, and the
    trail says the copy matches (no difference found in a real round trip: dates, empty fields)."""
    client, _ = signed_in(app)
    with app.app_context():
        pdf = make_request(pdf=True).request.pdf
    landed = text(client.get(upload(client, pdf).location))
    assert "already in the inbox" in landed and "does not match" not in landed
    [banner] = banners(landed)
    assert "was already in the inbox, so nothing was added. The PDF you uploaded matches it" in " ".join(banner.split())
    assert "the copy matches this request" in trail_text(landed)


@both_databases
@pytest.mark.real_pdf
def test_import_round_trip_into_an_empty_inbox(app: Flask) -> None:
    client, facilitator_id = signed_in(app)
    with app.app_context():
        original = make_request(pdf=True).request
        pdf, document = original.pdf, request_document(original)
        db.session.execute(delete(StoredRequest))
        db.session.execute(delete(AuditEvent))
        db.session.execute(delete(Count))  # (its submission's count)
        db.session.commit()
    assert pdf_attachment_json(pdf) == document
    response = upload(client, pdf)
    assert response.status_code == 302 and response.location == f"/inbox/requests/{document['reference']}"
    with app.app_context():
        imported = db.session.scalar(select(StoredRequest))
        assert request_document(imported) == document
        assert imported.status == "new" and imported.pdf is None  # the upload is not kept
        assert db.session.scalars(select(OutboxMessage)).all() == []  # the facilitators already have it
    assert [(e.reference, e.actor) for e in events(app, "imported")] == [
        (document["reference"], f"facilitator:{facilitator_id}")
    ]
    assert VALID_DETAILS["reflection"] in text(client.get(response.location))
    # The outbox worker makes its PDF from the checked data: the same request comes back out.
    run_outbox(app)
    served = client.get(f"{response.location}/request.pdf")
    assert served.status_code == 200 and pdf_attachment_json(served.data) == document

    again = upload(client, pdf)
    assert again.location == f"/inbox/requests/{document['reference']}"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredRequest)) == 1
    assert len(events(app, "imported")) == 1
    # Counted as a request sent, once, with its mode (found, statistics review: an imported request
    # was never counted, though its session held was); the upload again counts nothing.
    with app.app_context():
        sent = db.session.scalars(select(Count).where(Count.kind == "request_sent")).all()
        assert [(c.mode, c.count) for c in sent] == [(document["mode"], 1)], sent


def valid_document(app: Flask) -> dict:
    """The request data a request PDF carries, built without storing a request or making a PDF."""
    from app.models import utcnow
    from app.pack import current_pack
    from app.requests.service import build_request, stored_details
    from app.rules import evaluate

    with app.app_context():
        pack = current_pack()
        state = evaluate(pack, ELIGIBLE_ANSWERS)
        details = stored_details(state, VALID_DETAILS, [])  # as a submission stores them: none found
        unsaved = build_request(pack, state, "journey", details, utcnow())
        return request_document(unsaved)


def test_request_data_of_the_right_shape_is_imported(app: Flask) -> None:
    client, _ = signed_in(app)
    document = valid_document(app)
    response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    assert response.status_code == 302 and response.location.endswith(document["reference"])
    # One action, one entry: the page the import lands on is not a view of its own (found:
    # "Imported from a request PDF", then "Viewed in the inbox"); opened again later, it is.
    assert f"Request {document['reference']} imported" in text(client.get(response.location))
    assert len(events(app, "imported")) == 1 and events(app, "viewed") == []
    client.get(response.location)
    assert [event.reference for event in events(app, "viewed")] == [document["reference"]]


def test_a_request_sent_days_ago_and_imported_now_is_not_said_to_be_late_with_its_pdf(app: Flask) -> None:
    """Found (facilitators' review): a request sent on 20 November, imported from its PDF, opened
    at once saying its PDF "is still not made, though the request came in at 20 November": tell
    whoever runs the service, "the part of it that makes PDFs ... may have stopped". It is timed
    from the import."""
    import datetime as dt

    from app.models import utcnow

    client, _ = signed_in(app)
    document = valid_document(app)
    document["submitted_at"] = (utcnow() - dt.timedelta(days=2)).replace(microsecond=0).isoformat() + "Z"
    response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "is still not made, though the request came in" not in page
    assert "may have stopped" not in page
    # Nor does the health check say the worker may not be running (regression review).
    from app.main import views as main_views

    app.extensions.pop(main_views.HEALTH_CHECK_KEY, None)
    assert client.get("/healthz").get_json()["outbox"] == "ok"
    # Imported over a quarter of an hour ago, and still no PDF: said, as for a request sent then.
    with app.app_context():
        db.session.execute(
            update(AuditEvent).where(AuditEvent.action == "imported").values(at=utcnow() - dt.timedelta(minutes=20))
        )
        db.session.commit()
    assert "may have stopped" in text(client.get(response.location))
    app.extensions.pop(main_views.HEALTH_CHECK_KEY, None)
    assert "not tried for over 10 minutes: is the outbox worker running?" in client.get("/healthz").get_json()["outbox"]
    # Tried and failing: said 30 minutes after the import, not at once, nor never for one sent days
    # before (regression review).
    from app.outbox import failing_for_too_long

    with app.app_context():
        db.session.execute(update(StoredRequest).values(pdf_attempts=1))
        db.session.commit()
        assert failing_for_too_long() == (0, 0)  # imported 20 minutes ago
        db.session.execute(
            update(AuditEvent).where(AuditEvent.action == "imported").values(at=utcnow() - dt.timedelta(minutes=40))
        )
        db.session.commit()
        assert failing_for_too_long() == (0, 1)


def test_an_upload_that_cannot_be_imported_says_what_to_do_instead(app: Flask) -> None:
    """Found (words review): "it has no request data attached", "damaged or incomplete, so it
    cannot be imported" and "made by a newer version" said what was wrong and stopped there."""
    client, _ = signed_in(app)
    blank = text(upload(client, pdf_with_attachment(None)))
    damaged = text(upload(client, pdf_with_attachment("request.json", b"{not json")))
    assert "Upload the PDF attached to the request's email" in blank
    assert "Read the request in the PDF itself, or ask whoever sent it for another copy" in damaged
    assert NEWER_FORMAT.endswith("Ask whoever looks after the service to update it")


def test_a_request_pdf_cut_short_is_called_damaged_not_another_kind_of_file(app: Flask) -> None:
    """Found (facilitator review): a request PDF only partly saved from its email (or damaged on
    the way) was refused with "The selected file must be a PDF", telling a facilitator who had
    chosen the PDF from the email to choose a PDF."""
    client, _ = signed_in(app)
    whole = client.get(f"/inbox/requests/{stored_request(app, pdf=True)}/request.pdf").data
    assert whole.startswith(b"%PDF-")
    for cut in (whole[: len(whole) // 2], whole[:-200]):
        page = text(upload(client, cut))
        assert "The selected PDF cannot be opened: it may be damaged, or only part of it was saved" in page
        assert "must be a PDF" not in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.txt", b"just some text", "must be a PDF"),
        ("empty.pdf", b"", "The selected file is empty"),  # found: it said the file must be a PDF
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "cannot be opened: it may be damaged"),
        ("blank.pdf", pdf_with_attachment(None), "no request data"),
        ("other.pdf", pdf_with_attachment("invoice.json", b"{}"), "no request data"),
        ("malformed.pdf", pdf_with_attachment("request.json", b"{not json"), "damaged or incomplete"),
        ("not-utf8.pdf", pdf_with_attachment("request.json", b"\xff\xfe\x00"), "damaged or incomplete"),
        ("list.pdf", pdf_with_attachment("request.json", b"[1, 2]"), "damaged or incomplete"),
        (
            "foreign.pdf",
            pdf_with_attachment("request.json", json.dumps({"format": "other"}).encode()),
            "no request data",
        ),
    ],
)
def test_bad_uploads_are_refused_with_a_message(app: Flask, name: str, content: bytes, message: str | None) -> None:
    client, _ = signed_in(app)
    response = upload(client, content, name)
    page = text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#pdf"' in page
    if message:
        assert message in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredRequest)) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"reference": "STT-0000-OOOO"},
        {"reference": None},
        {"submitted_at": "yesterday"},
        {"mode": "someone"},
        {"answers": ["not", "a", "mapping"]},
        {"details": {"reflection": 42}},
        {"explanation": [{"question": "q"}]},
        {"flags": "not_discussed"},
        {"format_version": "1"},
    ],
)
def test_request_data_of_the_wrong_shape_is_refused(app: Flask, change: dict) -> None:
    client, _ = signed_in(app)
    document = {**valid_document(app), **change}
    response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    assert response.status_code == 200 and "damaged or incomplete" in text(response)


@pytest.mark.parametrize(
    "submitted_at",
    [
        "0001-01-01T00:00:00Z",  # before the service existed (and breaks UK time)
        "9999-12-31T23:59:59-01:00",  # past the end of the calendar once in UTC
        "9999-12-31T23:59:59Z",  # far future: never purged
        "2023-12-31T23:59:59Z",  # before 2024
        "2999-01-01T00:00:00Z",
    ],
)
def test_request_data_submitted_at_an_impossible_time_is_refused(app: Flask, submitted_at: str) -> None:
    client, _ = signed_in(app)
    document = {**valid_document(app), "submitted_at": submitted_at}
    response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    # A time in the future says so (found, regression review: "damaged or incomplete" of a whole file).
    said = (
        "says it was sent later than now"
        if submitted_at.startswith(("2999", "9999-12-31T23:59:59Z"))
        else ("damaged or incomplete")
    )
    assert response.status_code == 200 and said in text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredRequest)) == 0


def test_request_data_submitted_up_to_a_few_minutes_ahead_is_imported(app: Flask) -> None:
    """Found (security review): a day ahead was accepted, and a request imported with tomorrow's
    date was listed as received tomorrow. Now only a few minutes' clock difference is allowed."""
    import datetime as dt

    from app.inbox.pdf_import import ImportProblem, _submitted_at

    now = dt.datetime(2026, 3, 1, 12, 0)
    assert _submitted_at("2024-01-01T00:00:00Z", now) == dt.datetime(2024, 1, 1)
    assert _submitted_at("2026-03-01T13:05:00+01:00", now) == dt.datetime(2026, 3, 1, 12, 5)  # clocks differ
    for later in ("2026-03-01T12:05:01Z", "2026-03-01T13:00:00Z", "2026-03-02T11:00:00Z"):
        with pytest.raises(ImportProblem):
            _submitted_at(later, now)


def test_a_stored_time_out_of_range_does_not_break_the_inbox(app: Flask) -> None:
    import datetime as dt

    from app.uk_time import uk_date, uk_time

    assert uk_time(dt.datetime(1, 1, 1)) == "0001-01-01T00:00:00Z"
    assert uk_date(dt.datetime(1, 1, 1)) == "0001-01-01"
    assert uk_time(dt.datetime(2026, 11, 27, 9, 5)) == "27 November 2026 at 9:05am"
    client, _ = signed_in(app)
    reference = stored_request(app)
    with app.app_context():  # as an import before dates were checked could have stored it
        db.session.scalar(select(StoredRequest)).created_at = dt.datetime(1, 1, 1)
        db.session.commit()
    listing = client.get("/inbox")
    assert listing.status_code == 200 and reference in text(listing)
    page = client.get(f"/inbox/requests/{reference}")
    assert page.status_code == 200 and "0001-01-01T00:00:00Z" in text(page)


def test_times_on_a_request_say_midday_and_midnight_as_the_session_pages_do(app: Flask) -> None:
    """Found (review): the session pages and emails wrote "midday" and "midnight", but a request's
    own times were "12:00pm" and "12:00am", which people read either way."""
    import datetime as dt

    from app.uk_time import uk_clock, uk_time

    # Winter (UK time is UTC), and summer (stored 11:00 UTC is midday in the UK).
    assert uk_time(dt.datetime(2026, 11, 27, 12, 0)) == "27 November 2026 at midday"
    assert uk_time(dt.datetime(2026, 6, 30, 23, 0)) == "1 July 2026 at midnight"
    assert uk_clock(dt.datetime(2026, 6, 30, 11, 0, 40)) == "midday"  # the minute it is in
    assert uk_clock(dt.datetime(2026, 11, 27, 12, 1)) == "12:01pm"
    client, _ = signed_in(app)
    reference = stored_request(app)
    with app.app_context():
        db.session.scalar(select(StoredRequest)).created_at = dt.datetime(2026, 11, 27, 12, 0)
        db.session.commit()
    page = text(client.get(f"/inbox/requests/{reference}"))
    # (Not "4:12pm", the time the page was opened at, which its audit trail shows: found, a run at 4:12pm.)
    assert "27 November 2026 at midday" in page and not re.search(r"(?<![\d:])12pm", page)


def test_a_reference_is_found_however_it_is_typed(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app, pdf=True)
    for typed in (reference.lower(), reference.replace("-", "").lower()):
        response = client.get(f"/inbox/requests/{typed}")
        assert response.status_code == 200 and reference in text(response)
    assert client.get(f"/inbox/requests/{reference.lower()}/request.pdf").status_code == 200
    changed = post_form(
        client, f"/inbox/requests/{reference}", f"/inbox/requests/{reference.lower()}/status", {"status": "in_triage"}
    )
    assert changed.status_code == 302 and changed.location == f"/inbox/requests/{reference}"


def test_a_request_with_only_the_required_data_imports_and_shows(app: Flask) -> None:
    client, _ = signed_in(app)
    document = {**valid_document(app), "flags": [], "explanation": []}
    response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    assert response.status_code == 302
    assert client.get(response.location).status_code == 200
    assert client.get("/inbox").status_code == 200


def imported_as(app: Flask, client: FlaskClient, document: dict) -> tuple[TestResponse, dict | None]:
    """Upload ``document`` in a request PDF: the response, and the request data then stored (or None)."""
    response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == document["reference"]))
        return response, (request_document(stored) if stored is not None else None)


def test_imported_answers_must_lead_to_a_request_under_the_rules(app: Flask) -> None:
    """Found: a PDF edited to answer "yes" to immediate danger and to an allegation, keeping the
    outcome "eligible", was imported, and the page showed the file's "No (edited)"."""
    from app.inbox.pdf_import import NOT_A_REQUEST_ROUTE

    client, _ = signed_in(app)
    valid = valid_document(app)
    for answers in (
        {**valid["answers"], "immediate_danger": "yes", "allegation": "yes"},
        {**valid["answers"], "immediate_danger": "not_sure"},
        {key: value for key, value in valid["answers"].items() if key != "understand"},  # unfinished
        {},
    ):
        response, stored = imported_as(app, client, {**valid, "answers": answers})
        assert response.status_code == 200 and NOT_A_REQUEST_ROUTE in text(response), answers
        assert stored is None


def test_an_answer_on_the_level_of_support_no_longer_offered_is_imported_as_it_is(app: Flask) -> None:
    """Facilitator review: a request PDF whose level of support is an answer the partnership file
    no longer offers (its id removed in a later version) was refused, telling the facilitator to
    offer the id again in the partnership file. The PDF's data holds only the id, so the request
    is imported with the id kept, shown as an answer no longer offered, as a request stored before
    the change is; the facilitator is told so, and that the PDF shows it in words."""
    client, _ = signed_in(app)
    document = valid_document(app)
    document["details"]["support_level"] = "team_around_the_child"  # offered once, not now
    response, stored = imported_as(app, client, document)
    assert response.status_code == 302 and stored is not None
    assert stored["details"]["support_level"] == "team_around_the_child"
    page = text(client.get(response.location))
    assert (
        f"Request {document['reference']} imported. Its current level of support is an answer from an earlier "
        "version of the questions, which this service no longer offers (id: team_around_the_child). It was imported "
        "as it is: the request shows that id, and the PDF you imported shows the answer in words."
    ) in page
    assert "An answer no longer offered (id: team_around_the_child)" in page
    # An ordinary import says nothing of the kind.
    plain = valid_document(app)
    assert plain["reference"] != document["reference"]
    response, stored = imported_as(app, client, plain)
    assert response.status_code == 302 and stored is not None
    shown = text(client.get(response.location))
    assert f"Request {plain['reference']} imported" in shown and "earlier version" not in shown


def test_an_import_refuses_words_in_place_of_an_answers_id(app: Flask) -> None:
    """An answer no longer offered is kept only in an id's shape (letters, digits, _ . -): text that
    could say anything, a name included, is refused as damage."""
    client, _ = signed_in(app)
    document = valid_document(app)
    for value in ("Looked after by Jo Smith", "x" * 41, "-leading"):
        document["details"]["support_level"] = value
        response, stored = imported_as(app, client, document)
        assert response.status_code == 200 and stored is None, value
        assert "its current level of support is not an answer the questions could have recorded" in text(response)


def test_a_pdf_made_under_other_questions_is_refused_saying_why_and_what_to_do(app: Flask) -> None:
    """Facilitator review: a PDF made under another version of the rule pack, with an answer the
    pack no longer offers (here a criterion removed since), or without a question added since, was
    refused as answers that "do not lead to a Space to Think request", which was not what had
    happened, with "Contact the person who sent it" and no more. The rules cannot say whether it
    fits them, so it is still refused (they decide whether it is safe to treat as a request for a
    session), saying why and what to do. Under the same version of the rules, the file was altered:
    refused as before."""
    from app.inbox.pdf_import import NOT_A_REQUEST_ROUTE

    client, _ = signed_in(app)
    valid = valid_document(app)
    removed = {**valid["answers"], "criteria": ["stuck", "a_criterion_removed_since"]}
    added = {key: value for key, value in valid["answers"].items() if key != "multi_agency"}
    for answers, why in (
        (
            removed,
            "and its answer to “What would you like a reflective space to help with?” is not one the questions "
            "offer now",
        ),
        (added, "which did not ask “Are other agencies involved with this child or family, or should they be?”"),
    ):
        response, stored = imported_as(app, client, {**valid, "answers": answers, "rule_pack_version": "0123456789ab"})
        assert response.status_code == 200 and stored is None
        assert (
            f"The selected PDF cannot be imported: it was made with a different version of the questions, {why}, so "
            "this service cannot check that the request fits its rules. Read the request in the PDF itself, and "
            "contact the person who made it (their details are in the PDF) to ask them to make the request again "
            "with this service if they still want a session"
        ) in html.unescape(text(response))
        response, stored = imported_as(app, client, {**valid, "answers": answers})
        assert response.status_code == 200 and NOT_A_REQUEST_ROUTE in text(response) and stored is None


def test_an_import_shows_what_the_rules_say_never_what_the_file_says(app: Flask) -> None:
    """The explanation, guidance, flags, criteria and mode come from the rule pack; answers off
    the path are dropped."""
    client, _ = signed_in(app)
    valid = valid_document(app)
    made_up = "Made-up guidance, invented by whoever edited this PDF"
    explanation = [
        {**reason, "answers": ["No (edited)"], "guidance": [{"id": "x", "source": made_up, "text": made_up}]}
        for reason in valid["explanation"]
    ]
    tampered = {
        **valid,
        "mode": "supervision" if valid["mode"] == "practitioner" else "practitioner",
        "answers": {**valid["answers"], "not_a_question": "planted"},
        "explanation": explanation,
        "flags": [{"id": "made_up", "label": "URGENT: call this person back today"}],
        "details": {**valid["details"], "criteria": [{"value": "planted", "label": made_up}]},
    }
    response, stored = imported_as(app, client, tampered)
    assert response.status_code == 302 and stored is not None
    assert stored == valid  # exactly what a submission of these answers stores
    page = text(client.get(response.location))
    for planted in (made_up, "No (edited)", "URGENT", "planted"):
        assert planted not in page


def test_an_import_checks_its_own_text_for_identifying_data_and_keeps_only_the_request_fields(app: Flask) -> None:
    """Found (security review): an imported PDF's text was never checked again: its NHS number
    and postcode were shown beside the file's own "Nothing that looked like identifying
    information was found". A key no form has was stored and put in the next PDF's data, and
    the file's rules version, free text of any kind, was kept in the audit log for good."""
    client, _ = signed_in(app)
    valid = valid_document(app)
    document = {
        **valid,
        "rule_pack_version": "Jayden Smith DOB 01/02/2019",
        "details": {
            **valid["details"],
            "reflection": "Worried about a child, NHS number 943 476 5919, who lives near M5 4WT.",
            "identifying_check": {"found": [], "confirmed": False},
            "zz_extra": "HIDDEN-CHILD-NAME",
        },
    }
    response, stored = imported_as(app, client, document)
    assert response.status_code == 302 and stored is not None
    assert "zz_extra" not in stored["details"]
    assert set(stored["details"]["identifying_check"]["found"]) >= {"nhs_number", "postcode"}
    page = text(client.get(response.location))
    assert "Nothing that looked like identifying information was found" not in page
    assert "This request was imported from a PDF, and the text was checked again here" in page
    [imported] = events(app, "imported")
    assert "Jayden" not in imported.detail and "made with rules version unknown" in imported.detail
    assert "nhs_number" in imported.detail
    # The trail says it in words, once (found: "Imported from a request PDF: from a request PDF;
    # the identifying-data check found: nhs_number, postcode").
    trail = " ".join(re.sub(r"<[^>]+>", " ", page.split('id="audit-heading"', 1)[1]).split())
    assert "Imported from a request PDF: made with rules version unknown, checked against " in trail
    assert "the identifying-data check found an NHS (National Health Service) number and a postcode" in trail
    assert "nhs_number" not in trail and "from a request PDF; " not in trail


def test_an_imported_request_naming_a_street_says_so(app: Flask) -> None:
    """The import's own check finds a street named without a house number, and says it in words."""
    client, _ = signed_in(app)
    valid = valid_document(app)
    document = {
        **valid,
        "details": {
            **valid["details"],
            "reflection": "Worried about a child who lives on Acacia Avenue with mum.",
            "identifying_check": {"found": [], "confirmed": False},
        },
    }
    response, stored = imported_as(app, client, document)
    assert response.status_code == 302 and stored is not None
    assert stored["details"]["identifying_check"]["found"] == ["street"]
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text(client.get(response.location)))).split())
    assert (
        "The free text seems to contain the name of a street. This request was imported from a PDF, and the "
        "text was checked again here" in page
    )


def test_a_head_request_between_an_action_and_its_page_leaves_that_page_no_view(app: Flask) -> None:
    """Found (review): the request's page shown straight after an action is not a view (the
    action is in the trail), but a HEAD request of another inbox page in between (a link
    checker, a preview) ended that, so the action's own page was audited as a view as well."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    post_form(client, page, f"{page}/notes", {"text": "Called the practitioner back."}, open_page=True)
    assert len(events(app, "viewed")) == 1  # the page opened for the note's form
    assert client.head("/inbox").status_code == 200
    assert client.get(page).status_code == 200  # the note's own page: not a view
    assert len(events(app, "viewed")) == 1
    client.get("/inbox")
    client.get(page)  # after another page: a view
    assert len(events(app, "viewed")) == 2


def test_views_in_a_row_by_one_facilitator_are_one_line_of_the_trail(app: Flask) -> None:
    """Found: after ten minutes' work a trail had 59 "Viewed in the inbox" lines among 25 actions.
    The audit log keeps each view; the page shows views in a row by one person as one line."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    for _ in range(3):
        client.get(page)
    post_form(client, page, f"{page}/notes", {"text": "Called the practitioner back."}, open_page=True)
    client.get(page)  # shown straight after the note: not a view
    client.get(page)
    assert len(events(app, "viewed")) == 3 + 1 + 1  # the page opened for the note's form is a view too
    trail = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(page)).split('id="audit-heading"', 1)[1]).split())
    assert re.search(r"Viewed in the inbox \(4 times, the last at [^)]+\) .* Note added .* Viewed in the inbox", trail)
    assert trail.count("Viewed in the inbox") == 2
    # Another account with the same name is another person: never folded into their line.
    namesake = app.test_client()
    add_facilitator(app, "sam.other@partnership.example", "Sam Facilitator")
    assert sign_in(namesake, "sam.other@partnership.example").status_code == 302
    namesake.get(page)
    trail = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(page)).split('id="audit-heading"', 1)[1]).split())
    assert trail.count("Viewed in the inbox") == 4  # ours, (the note), ours, theirs, ours again now


def test_views_folded_into_one_line_of_the_trail_are_not_put_into_words_again(app: Flask, monkeypatch) -> None:
    """A request viewed often has hundreds of views in its audit log: each view folded into the
    line before (``audit_trail``) was put into words, then dropped (bench/bench_inbox.py)."""
    reference = stored_request(app)
    with app.app_context():
        me = service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
        stored = service.find_request(reference)
        for _ in range(30):
            service.record_view(stored, me)
        worded: list[str] = []
        words = service._trail_words

        def counted(action: str, detail: str, session_names: dict[str, str]) -> tuple[str, str]:
            worded.append(action)
            return words(action, detail, session_names)

        monkeypatch.setattr(service, "_trail_words", counted)
        trail = service.audit_trail(reference)
    viewed = [entry for entry in trail if entry.action.startswith("Viewed")]
    assert [(entry.who, entry.times) for entry in viewed] == [("Sam Facilitator", 30)]
    assert viewed[0].last_at is not None and viewed[0].last_at >= viewed[0].at
    assert worded.count("viewed") == 1


def test_each_request_shown_in_the_list_has_the_showing_in_its_audit_trail(app: Flask) -> None:
    """Found (security review): the list shows each request's job role and agency, as typed, and
    was the one place a request's content was shown without an audit entry (the CSV of the same
    columns had one per request). Once a day for each facilitator and request (diff review: an
    entry for every showing filled each trail as a facilitator went back and forth)."""
    client, facilitator_id = signed_in(app)
    shown, other = stored_request(app), stored_request(app)
    assert client.get("/inbox").status_code == 200
    assert client.get(f"/inbox/requests/{shown}").status_code == 200
    assert client.get(f"/inbox?reference={shown[:7]}").status_code == 200  # shown again, the same day
    assert client.head("/inbox").status_code == 200  # a HEAD shows nothing
    listed = events(app, "listed")
    assert sorted(event.reference for event in listed) == sorted([shown, other])
    assert {event.actor for event in listed} == {f"facilitator:{facilitator_id}"}
    trail = " ".join(
        re.sub(r"<[^>]+>", " ", text(client.get(f"/inbox/requests/{shown}")).split('id="audit-heading"', 1)[1]).split()
    )
    assert "Sam Facilitator Shown in the inbox list, with the job role and agency" in trail
    # Another day, another entry; and another facilitator's showing is theirs.
    with app.app_context():
        for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "listed")):
            event.at -= dt.timedelta(days=1)
        db.session.commit()
    client.get("/inbox")
    namesake = app.test_client()
    add_facilitator(app, "kim@partnership.example", "Kim Facilitator")
    assert sign_in(namesake, "kim@partnership.example").status_code == 302
    namesake.get("/inbox")
    assert len(events(app, "listed")) == 2 + 2 + 2


def test_showings_in_the_list_and_its_downloads_by_several_people_are_one_line_each_between_other_events(
    app: Flask,
) -> None:
    """Found (review at scale): four facilitators opening the list, and a download of it, every
    other day for three months left 306 lines of them in one request's trail, burying its status
    changes and notes. Between two other events, each kind of showing is one line, naming each
    person once, with how many times and the last."""
    from app import audit
    from app.inbox import service

    reference = stored_request(app)
    start = utcnow() - dt.timedelta(days=30)
    with app.app_context():
        people = {name: add_facilitator(app, f"{name.lower()}@partnership.example", name) for name in ("Ann", "Bob")}
        actor = {name: f"facilitator:{facilitator_id}" for name, facilitator_id in people.items()}
        made = [
            ("listed", "Ann", "inbox list"),
            ("exported", "Bob", "CSV of 3 requests"),
            ("listed", "Bob", "inbox list"),
            ("listed", "Ann", "inbox list"),
            ("exported", "Ann", "CSV of 3 requests"),
            ("status_changed", "Ann", "new -> in_triage"),
            ("listed", "Bob", "inbox list"),
            ("exported", "Bob", "CSV of 4 requests"),
            ("exported", "Bob", "CSV of 5 requests"),
        ]
        for action, who, detail in made:
            audit.add_event(action, reference, actor[who], detail)
        db.session.commit()
        for day, event in enumerate(
            db.session.scalars(select(AuditEvent).where(AuditEvent.reference == reference).order_by(AuditEvent.id))
        ):
            event.at = start + dt.timedelta(days=day)  # one a day, in this order (the first: its "created")
        db.session.commit()
        trail = [
            (entry.who, entry.action.split(",")[0], entry.detail, entry.times)
            for entry in service.audit_trail(reference)
            if entry.action.startswith(("Shown", "Included", "Status"))
        ]
    assert trail == [
        ("Ann and Bob", "Shown in the inbox list", "", 3),
        (
            "Bob and Ann",
            "Included in a download of the list as a spreadsheet (CSV: comma-separated values)",
            "CSV of 3 requests",
            2,
        ),
        ("Ann", "Status changed", "new -> in_triage", 1),
        ("Bob", "Shown in the inbox list", "", 1),
        ("Bob", "Included in a download of the list as a spreadsheet (CSV: comma-separated values)", "", 2),
    ]


def test_an_import_never_decodes_more_than_its_data_limit(app: Flask) -> None:
    """Found (security review): a 4.9 MB PDF of compressed attachments all called request.json
    took a web worker to 5 GB of memory for 29 seconds. Now only the first is decoded, and no
    stream beyond the data's own limit (1 MB)."""
    import tracemalloc
    import zlib

    from pypdf.generic import DictionaryObject, EncodedStreamObject, NameObject, NumberObject, TextStringObject

    from app.inbox.pdf_import import MAX_JSON_BYTES, ImportProblem, read_request_pdf

    bomb = zlib.compress(b" " * 60_000_000, 9)  # 60 MB of spaces in about 60 KB
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("first.txt", b"an attachment with another name")  # makes the names tree
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    for _ in range(20):
        stream = EncodedStreamObject()
        stream._data = bomb
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
        stream[NameObject("/Length")] = NumberObject(len(bomb))
        spec = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): TextStringObject("request.json"),
                NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
            }
        )
        names.extend([TextStringObject("request.json"), writer._add_object(spec)])
    buffer = io.BytesIO()
    writer.write(buffer)
    tracemalloc.start()
    try:
        with pytest.raises(ImportProblem) as refused:
            read_request_pdf(buffer.getvalue())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(refused.value) == BAD_DATA
    assert peak < 8 * MAX_JSON_BYTES, f"{peak:,} bytes held while reading a {len(buffer.getvalue()):,}-byte upload"
    # Through the page: the same message, and the PDFs that are requests still import.
    client, _ = signed_in(app)
    assert BAD_DATA in text(upload(client, buffer.getvalue()))
    assert imported_as(app, client, valid_document(app))[0].status_code == 302


def test_an_import_older_than_the_retention_period_is_refused(app: Flask) -> None:
    """Found: a PDF from 2024 was imported, shown as overdue, and deleted by the next purge."""
    import datetime as dt

    client, _ = signed_in(app)
    app.config["RETENTION_DAYS"] = 30
    old = {**valid_document(app), "submitted_at": (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).isoformat()}
    response, stored = imported_as(app, client, old)
    assert response.status_code == 200 and stored is None
    page = text(response)
    assert "more than 30 days ago. Requests are deleted after 30 days, so it cannot be imported" in page
    recent = {**old, "submitted_at": (dt.datetime.now(dt.UTC) - dt.timedelta(days=29)).isoformat()}
    assert imported_as(app, client, recent)[0].status_code == 302


@pytest.mark.parametrize("how", ["erased", "purged"])
def test_a_request_the_service_deleted_cannot_be_imported_back(app: Flask, how: str) -> None:
    """Found (privacy review): a request deleted early because someone asked for their
    information to be erased (``flask requests delete``) came straight back when a facilitator
    imported the copy still in the facilitators' mailbox, as new, with nothing to say it had been
    deleted. A deleted request is refused now, and the refusal is in its audit trail."""
    from app.retention import delete_request, purge_requests

    client, facilitator_id = signed_in(app)
    with app.app_context():
        original = make_request(pdf=True).request
        pdf, reference = original.pdf, original.reference
        if how == "erased":
            delete_request(reference)
        else:  # the retention period shortened since: purged, while the file's date is still inside the default
            purge_requests(0, now=original.created_at + dt.timedelta(seconds=1))
    response = upload(client, pdf)
    assert response.status_code == 200
    assert f"Request {reference} was deleted from this service on " in text(response)
    assert "so it cannot be imported again. Delete the email it came with if it is no longer needed<" in text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredRequest)) == 0
    assert not events(app, "imported")
    assert [(e.reference, e.actor, e.detail) for e in events(app, "import_refused")] == [
        (reference, f"facilitator:{facilitator_id}", "the request had been deleted")
    ]
    # The deleted request's page says so, with the refusal in the trail it keeps.
    assert client.get(f"/inbox/requests/{reference}").status_code == 404


def test_a_request_the_service_could_not_have_made_is_refused(app: Flask) -> None:
    """Found: a request PDF altered to have no details, no "how soon", or the outcome for a child
    in immediate danger (or no outcome of the rule pack at all) was imported as a new request."""
    client, _ = signed_in(app)
    valid = valid_document(app)
    altered = [
        {**valid, "details": {}},
        {**valid, "details": {**valid["details"], "how_soon": None}},
        {**valid, "details": {**valid["details"], "email": ""}},
        {**valid, "outcome": "U1"},
        {**valid, "outcome": "ZZZ"},
    ]
    for document in altered:  # none is stored, so each may keep the same (well-formed) reference
        response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
        assert response.status_code == 200 and BAD_DATA in text(response), document
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredRequest)) == 0


def test_a_newer_format_is_refused_plainly(app: Flask) -> None:
    client, _ = signed_in(app)
    document = {**valid_document(app), "format_version": 99}
    response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    assert "newer version" in text(response)


def test_import_needs_a_file(app: Flask) -> None:
    client, _ = signed_in(app)
    response = post_form(client, "/inbox/import", "/inbox/import", {}, content_type="multipart/form-data", as_sent=True)
    # Shown by the page's GET (Back to it after the next page never asks to send the form again).
    assert response.status_code == 303 and response.location == "/inbox/import"
    shown = client.get("/inbox/import")
    assert shown.status_code == 200 and "Select a request PDF" in text(shown)
    assert "Select a request PDF" not in text(client.get("/inbox/import"))  # once: a reload is the page


def test_uploads_up_to_5mb_are_read_and_larger_ones_refused(app: Flask) -> None:
    client, _ = signed_in(app)
    two_mb = upload(client, b"x" * (2 * 1024 * 1024), "big.pdf")  # over the app's usual 1 MB limit
    assert two_mb.status_code == 200 and "must be a PDF" in text(two_mb)
    # Found: the general "too large" page, instead of the import page with its message on the field.
    too_big = upload(client, b"x" * (6 * 1024 * 1024), "huge.pdf")
    page = text(too_big)
    assert too_big.status_code == 200  # as for the import's other errors
    assert (
        '<h1 class="govuk-heading-l">Import a request</h1>' in page
        and "Signed in as <bdi>Sam Facilitator</bdi>" in page
    )  # (isolated: a name written right to left)
    assert "govuk-error-summary" in page and 'href="#pdf"' in page
    assert page.count("The selected file must be smaller than 5 megabytes (MB)") == 2  # the summary and the field
    assert "govuk-file-upload--error" in page or "govuk-form-group--error" in page
    # Other routes keep the general page.
    reference = stored_request(app)
    note = post_form(
        client, f"/inbox/requests/{reference}", f"/inbox/requests/{reference}/notes", {"text": "x" * 2 * 1024 * 1024}
    )
    assert (
        note.status_code == 413
        and "too large" in text(note)
        and '<h1 class="govuk-heading-l">Import a request</h1>' not in text(note)
    )
    anonymous = app.test_client()
    token = csrf_token(text(anonymous.get("/inbox/sign-in")))
    refused = anonymous.post(
        "/inbox/import",
        data={"csrf_token": token, "pdf": (io.BytesIO(b"x" * 2 * 1024 * 1024), "a.pdf")},
        content_type="multipart/form-data",
    )
    refused.request.input_stream.close()
    # The larger limit is only for a signed-in facilitator's session; one not signed in is told that,
    # not to make a file within the limit smaller (administrator review).
    assert refused.status_code == 302 and refused.location.startswith("/inbox/sign-in?next=/inbox/import")
    told = text(anonymous.get(refused.location))
    assert "The file was not imported, because you are not signed in" in told and "too large" not in told


class BodyWatch(io.BytesIO):
    """A request body that records whether anything was read from it."""

    read_from = False

    def _reading(self, read, *args):
        self.read_from = True
        return read(*args)

    def read(self, *args):
        return self._reading(super().read, *args)

    def read1(self, *args):
        return self._reading(super().read1, *args)

    def readinto(self, *args):
        return self._reading(super().readinto, *args)

    def readline(self, *args):
        return self._reading(super().readline, *args)


def test_a_read_only_account_is_refused_an_import_before_its_upload_is_read(app: Flask) -> None:
    """Found (operations review): a read-only partnership account that sent the import form was
    given the 5 MB upload limit and had its whole file read (and parsed) before the refusal; its
    role is known from its session, so it is refused first: the same page (403), still audited."""
    with app.app_context():
        service.add_facilitator("chair@partnership.example", "Chair", PASSWORD, "partnership")
    client = app.test_client()
    assert sign_in(client, "chair@partnership.example").status_code == 302
    token = csrf_token(text(client.get("/inbox/statistics")))
    # Over the limit (it was the "too large" page, and not audited), then just under 5 MB (what a
    # facilitator may send): neither is read, and the refusal is audited (once: repeats are not).
    pages = []
    for size in (2 * MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES - 1024):
        pdf = FileStorage(io.BytesIO(b"x" * size), "request.pdf")
        boundary, form = encode_multipart({"csrf_token": token, "pdf": pdf})
        body = BodyWatch(form)
        refused = client.post(
            "/inbox/import", input_stream=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert refused.status_code == 403 and not body.read_from, size
        pages.append(text(refused))
        assert [(e.reference, e.detail) for e in events(app, "refused")] == [
            (None, "read-only account; import_request")
        ]
    page = pages[0]
    assert "statistics" in page.lower()
    # The page is the one the import page gets with no upload at all, apart from the nonce and what
    # holds the time, which may tick over between the two: the seconds left of the sign-in, and the
    # CSRF tokens (the sign-out form's and the page script's), signed with the second they were made.
    without_nonce = functools.partial(
        re.sub, r'(nonce|data-seconds-left|data-csrf-token|name="csrf_token" value)="[^"]*"', ""
    )
    assert without_nonce(text(client.get("/inbox/import"))) == without_nonce(page)


# --- pages ------------------------------------------------------------------------------------


def test_inbox_pages_have_titles_and_no_duplicate_ids(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    for url in ("/inbox", f"/inbox/requests/{reference}", "/inbox/import"):
        page = text(client.get(url))
        assert re.search(r"<title>[^<]+ – Space to Think", page), url
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), (url, sorted({i for i in ids if ids.count(i) > 1}))
    sign_in_page = text(app.test_client().get("/inbox/sign-in"))
    assert 'autocomplete="current-password"' in sign_in_page and 'type="password"' in sign_in_page


@both_databases
@pytest.mark.own_schema
def test_migration_0003_downgrades_and_upgrades(app: Flask) -> None:
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    tables = {"facilitators", "request_assignments", "triage_notes"}
    with app.app_context():
        assert tables <= set(sa.inspect(db.engine).get_table_names())
        downgrade(revision="0002")
        assert not tables & set(sa.inspect(db.engine).get_table_names())
        upgrade()
        assert tables <= set(sa.inspect(db.engine).get_table_names())


@pytest.mark.parametrize(
    "database_backend",
    [
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ],
    indirect=True,
)
def test_purging_a_request_deletes_its_notes_and_assignment(app: Flask) -> None:
    import datetime as dt

    from app.retention import purge_requests

    with app.app_context():
        facilitator = service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
        stored = make_request().request
        service.add_note(stored, "Offered a date.", facilitator)
        service.assign(stored, facilitator, facilitator)
        reference = stored.reference
        assert purge_requests(1, now=utcnow() + dt.timedelta(days=5)).references == (reference,)
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 0
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_a_deleted_requests_link_says_when_it_was_deleted_and_leads_back_to_the_inbox(app: Flask, runner) -> None:
    """Found: after the purge, a duplicate's link to its original (and the link in the
    facilitators' email) led to "Page not found … Go to the start page", the practitioners' journey."""
    import datetime as dt

    from app.models import utcnow

    client, _ = signed_in(app)
    reference = stored_request(app)
    with app.app_context():
        db.session.scalar(select(StoredRequest)).created_at = utcnow() - dt.timedelta(days=91)
        db.session.commit()
    assert "Deleted 1 request" in runner.invoke(args=["requests", "purge"]).output
    # Its audit trail, kept with the reference only, is on the page, as the page says: before, it
    # was said to be kept, and shown nowhere.
    trail = trail_text(client.get(f"/inbox/requests/{reference}").get_data(as_text=True)).splitlines()
    assert len(trail) == 3, trail
    assert "| The requester | Request submitted: by a practitioner" in trail[0]
    assert trail[1].endswith("| An administrator | Deleted: older than 90 days")
    # Reading the kept trail is audited in it too (found, audit review: who read it was not recorded).
    assert trail[2].endswith("| Sam Facilitator | Viewed after it was deleted (its audit trail)"), trail
    for typed in (reference, reference.lower()):
        response = client.get(f"/inbox/requests/{typed}")
        page = text(response)
        assert response.status_code == 404 and response.mimetype == "text/html"  # found: served as text/plain
        assert f"Request {reference} has been deleted" in page and "(90 days)" in page
        assert 'href="/inbox"' in page
        assert response.headers["Cache-Control"] == "no-store"  # the security headers as on every page
    unknown = client.get("/inbox/requests/STT-2345-6789")
    assert unknown.status_code == 404 and "Request STT-2345-6789 is not in the inbox" in text(unknown)
    assert 'href="/inbox">Go to the inbox' in text(unknown) and "Go to the start page" not in text(unknown)
    unknown = client.get("/inbox/requests/nothing-here")
    assert unknown.status_code == 404 and "Page not found" in text(unknown)
    assert 'href="/inbox">Go to the inbox' in text(unknown) and "Go to the start page" not in text(unknown)
    assert "Go to the start page" in text(app.test_client().get("/no-such-page"))


def test_the_sign_in_page_says_both_time_limits(app: Flask) -> None:
    """Found (accessibility review, WCAG 2.2.1): a sign-in ends 24 hours after it began, however busy
    the facilitator, with no warning, and nothing said so. The page states both limits, from the
    code and the settings."""
    page = text(app.test_client().get("/inbox/sign-in"))
    assert (
        "you will be signed out after 30 minutes without activity (with JavaScript on, the page warns you first), "
        "and 24 hours "
        "after you sign in, however busy you are" in page
    )


def test_a_request_deleted_before_its_time_says_so_not_that_its_time_was_up(app: Flask, runner) -> None:
    """Privacy review 14: ``flask requests delete`` (someone asked for their information to be erased)."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    result = runner.invoke(args=["requests", "delete", reference.lower(), "--yes"])
    assert result.exit_code == 0, result.output
    page = text(client.get(f"/inbox/requests/{reference}"))
    assert f"Request {reference} has been deleted" in page
    assert "before the end of the time requests are kept" in page and "days)" not in page


def test_a_request_no_one_has_says_it_is_not_in_the_inbox_and_leads_to_the_import(app: Flask) -> None:
    """Found (operator review): after the database was put back from a backup, the emailed link to
    a request made since said only "Page not found" (as for a mistyped address), not that the
    request is not in the inbox and that its emailed PDF puts it back."""
    client, _ = signed_in(app)
    response = client.get("/inbox/requests/stt-aaaa-bbbb")
    assert response.status_code == 404
    page = text(response)
    assert "Request STT-AAAA-BBBB is not in the inbox" in page
    assert "import the request" in page and 'href="/inbox/import"' in response.get_data(as_text=True)
    # Not for an address that is no reference at all.
    assert "is not in the inbox" not in text(client.get("/inbox/requests/not-a-reference"))


def test_forms_a_skip_link_leaves_a_fragment_on_are_sent_to_their_own_address(app: Flask) -> None:
    """Found (accessibility review, WCAG 3.3.1, 2.4.3): the sign-in and import forms had no
    action, so after the skip link (the address then ends #main-content) a refused form came back
    at #main-content, where a browser does not move focus to the error summary, and a signed-in
    page opened there with focus nowhere. Each is sent to its own address, its query kept."""
    client = app.test_client()
    page = client.get("/inbox/sign-in?next=/inbox/requests/STT-AAAA-BBBB").get_data(as_text=True)
    assert '<form method="post" action="/inbox/sign-in?next=/inbox/requests/STT-AAAA-BBBB"' in page
    signed, _ = signed_in(app)
    assert '<form method="post" action="/inbox/import"' in text(signed.get("/inbox/import"))


def test_the_request_page_moves_focus_where_its_banners_lead_and_announces_refusals(app: Flask) -> None:
    """Found (accessibility review): a success banner's "View the notes" (or the session, the
    status, the assignment) led to a part of the page that could not take focus, so focus stayed
    where it was (WCAG 2.4.3); a refusal in the Important banner ("You had already changed the
    status ..., so it was not changed again", an import already in the inbox) was a region, never
    said (WCAG 4.1.3): it is an alert, as a success is. Text typed in Arabic or Hebrew reads right
    to left in the note and the redirect's reason (WCAG 1.3.2)."""
    from support import session_csrf_token
    from test_workflow import new_request

    client, _ = signed_in(app)
    reference = new_request(app, status="in_triage")
    page = text(client.get(f"/inbox/requests/{reference}"))
    for target in ('id="notes"', 'id="change-status"', 'id="assignment"'):
        assert re.search(rf'{target} tabindex="-1"', page), target
    assert re.search(r'<textarea[^>]*id="text"[^>]*dir="auto"|<textarea[^>]*dir="auto"[^>]*id="text"', page)
    assert re.search(r'<textarea[^>]*id="reason"[^>]*dir="auto"|<textarea[^>]*dir="auto"[^>]*id="reason"', page)
    move = {"csrf_token": session_csrf_token(client), "from_status": "in_triage", "status": "session_offered"}
    client.post(f"/inbox/requests/{reference}/status", data=move)
    again = client.post(f"/inbox/requests/{reference}/status", data=move)
    shown = text(client.get(again.location))
    banner = shown.split('aria-labelledby="important-banner-title"', 1)[0].rsplit("<div", 1)[1]
    assert 'role="alert"' in banner
    assert "so it was not changed again" in shown.split('aria-labelledby="important-banner-title"', 1)[1]
    # Nothing just done: the sign-in's end alone is not an alert (tests/test_inbox_sign_in_ends.py).
    assert 'role="alert" aria-labelledby="important-banner-title"' not in text(client.get("/inbox"))


def test_a_requests_page_says_whether_it_was_made_with_the_rules_in_use_now(app: Flask) -> None:
    """Found (rules maintainer's review): the request's page gave its rules version as a bare code,
    with nothing to say whether the questions or contacts had changed since it was made."""
    import dataclasses

    from app.pack import PACK_KEY
    from support.hardening import signed_in

    with app.app_context():
        reference = make_request().request.reference
    client = signed_in(app)

    def rules_shown() -> str:
        page = client.get(f"/inbox/requests/{reference}").get_data(as_text=True)
        found = re.search(r"<dd[^>]*data-rules-version>(.*?)</dd>", page, re.S)
        assert found, "no rules version on the page"
        return " ".join(found[1].split())

    version = app.extensions[PACK_KEY].version
    assert rules_shown() == f"{version} (the rules in use now)"
    pack = app.extensions[PACK_KEY]
    app.extensions[PACK_KEY] = dataclasses.replace(pack, version="updated00000")
    try:
        assert rules_shown() == (
            f"{version} (earlier rules: the questions, or the contacts they give, have changed since this request "
            "was made)"
        )
    finally:
        app.extensions[PACK_KEY] = pack


def test_a_note_naming_a_facilitator_or_the_practitioner_by_a_short_form_is_not_taken_for_a_child(app: Flask) -> None:
    """Found (regression review): once adults' short names were looked for ("Dave hit mum"), "Dave
    agreed to facilitate Tuesday" in a note, of the facilitator David Jones, and "Chris rang back" of
    the practitioner Christopher Smith were warned about. Someone else of that short name still is."""
    client, _ = signed_in(app)
    add_facilitator(app, "david@partnership.example", "David Jones")
    with app.app_context():
        reference = make_request(details={**VALID_DETAILS, "name": "Christopher Smith"}).request.reference
    page = f"/inbox/requests/{reference}"
    for note in ("Dave agreed to facilitate Tuesday.", "Chris rang back, he can do Tuesday."):
        assert post_form(client, page, f"{page}/notes", {"text": note}).status_code == 302, note
    # A short form that is a child's name too is a child's (regression reviews: with a facilitator
    # William, "Liam said dad hit him" and "Liam told us his uncle touched him" went unwarned).
    add_facilitator(app, "william@partnership.example", "William Brown")
    for note in (
        "Liam told us his uncle touched him.",
        "Liz will take the notes.",
        "Dave (7) was upset at school.",
        "Liam said dad hit him.",
        "Liam is scared.",
    ):
        refused = post_form(client, page, f"{page}/notes", {"text": note})
        assert refused.status_code == 200 and "govuk-error-summary" in text(refused), note


def test_a_pdf_with_two_requests_attached_is_refused(app: Flask) -> None:
    """Found (PDF review): a PDF with two attachments called request.json, with different requests,
    imported the first silently; the service attaches one, and which one was meant cannot be told."""
    import json

    from app.inbox.pdf_import import BAD_DATA, ImportProblem, read_request_pdf

    document = valid_document(app)
    other = {**document, "details": {**document["details"], "reflection": "Something else entirely."}}
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("request.json", json.dumps(document).encode())
    writer.add_attachment("request.json", json.dumps(other).encode())
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ImportProblem) as refused:
        read_request_pdf(buffer.getvalue())
    assert str(refused.value) == BAD_DATA
    with app.app_context():
        assert read_request_pdf(pdf_with_attachment("request.json", json.dumps(document).encode())) is not None


def test_a_colleagues_short_form_beside_harm_is_someone_elses(app: Flask) -> None:
    """Found (regression review): with a facilitator William, David or Christopher, "Mum said Bill hit
    her", "Dave hit her when she was 6" and "Chris told her not to tell anyone or he would hurt her
    mum" went unwarned in a note, the short form being theirs."""
    client, _ = signed_in(app)
    for email, name in (("william@p.example", "William Hart"), ("david@p.example", "David Price")):
        add_facilitator(app, email, name)
    page = f"/inbox/requests/{stored_request(app)}"
    assert post_form(client, page, f"{page}/notes", {"text": "Dave will co-facilitate on Tuesday."}).status_code == 302
    for note in ("Mum said Bill hit her.", "Dave hit her when she was 6.", "Dave raped her when she was 12."):
        refused = post_form(client, page, f"{page}/notes", {"text": note})
        assert refused.status_code == 200 and "govuk-error-summary" in text(refused), note


def test_a_sent_request_shows_the_level_of_support_in_the_words_it_was_chosen_in(app: Flask, tmp_path) -> None:
    """Found (review of a rules update during use): the partnership file's words for an answer
    changed ("None" to "Not open to any service"), and every request sent before showed the new words
    in the inbox, while the PDF the practitioner sent said "None": the request kept the id only. It
    keeps the words chosen too; an import takes none from its file (it could say anything)."""
    import yaml

    from app.pack import PARTNERSHIP_KEY
    from app.rules import DEFAULT_PARTNERSHIP
    from app.rules.partnership import check_partnership

    reference = stored_request(app)  # the level of support: child_in_need
    client, _ = signed_in(app)
    with app.app_context():
        from app.models import StoredRequest

        stored = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        assert stored is not None and stored.details["answer_labels"] == {"support_level": "Child in Need"}
    data = yaml.safe_load(DEFAULT_PARTNERSHIP.read_text(encoding="utf-8"))
    for option in data["request_options"]["support_level"]:
        if option["id"] == "child_in_need":
            option["label"] = {"both": "Child in Need plan agreed"}
    path = tmp_path / "partnership.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    reworded, problems = check_partnership(path)
    assert reworded is not None, problems
    app.extensions[PARTNERSHIP_KEY] = reworded
    page = text(client.get(f"/inbox/requests/{reference}"))
    assert "Child in Need plan agreed" not in page and "Child in Need" in page
    # An import is shown in the words offered now, whatever its file says.
    document = valid_document(app)
    document["details"]["answer_labels"] = {"support_level": "URGENT: call this person back today"}
    response, imported = imported_as(app, client, document)
    assert response.status_code == 302 and imported is not None
    assert imported["details"]["answer_labels"] == {"support_level": "Child in Need plan agreed"}
    assert "URGENT" not in text(client.get(response.location))
