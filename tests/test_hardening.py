"""Hard to break: unusable characters stopped at the edge, bad hosts, next=, errors that never leak or go bare.

Each test here is built from a finding's reproducer (a NUL byte reaching PostgreSQL, a
database error logged with its values, a bad Host header, ``next=`` with CR/LF, a lone
surrogate in an imported request, the database going down mid-journey).
"""

from __future__ import annotations

import html
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, request
from werkzeug.test import TestResponse

from app import create_app
from app.extensions import db
from app.inbox import service
from app.inbox.models import TriageNote
from app.inbox.pdf_import import BAD_DATA, ImportProblem, check_document
from app.inbox.views import safe_next
from app.input_guard import clean_text, find_unsafe_text, has_unsafe_text, valid_host
from app.main.views import HEALTH_CHECK_KEY
from app.models import StoredRequest
from app.outbox import run_worker
from app.sessions import SESSION_BIND, JourneySessionRow
from support import HEALTHY, add_session_probe, both_databases, csrf_token, session_cookie
from support.cut_proxy import CutProxy
from support.database import app_on_a_postgres_of_its_own, database_settings, dispose, postgres_url
from support.hardening import EMAIL, PASSWORD, pdf_with_json, post_form, signed_in, upload, valid_document
from support.pages import SESSION_COOKIE
from support.submission import ELIGIBLE_PATH, VALID_DETAILS, fill_details, make_request, submit, to_outcome
from support.walk import Walker

SERVICE_PROBLEM = (
    "Sorry, there is a problem with the service",
    "Try again in a few minutes.",
)
KEPT = "Answers you saved before this page are kept, for 30 minutes after the last one was saved."
NOT_SAVED = "What you entered on the last page was not saved. When the service is back, go back to that page"
BACK_MAY_SHOW = "(your browser's Back button may still show what you typed)"
COPY_IT = "What you typed is below. Copy it now, to paste it in again: it is not kept anywhere else."
COPY_IN_CASE = "What you typed is below, to copy in case you leave this page."
NOT_SENT = "Your request has not been sent."
INSERT_WITHOUT_DATA = sa.text(
    "INSERT INTO journey_sessions (id, data, expires_at) VALUES (:value, NULL, CURRENT_TIMESTAMP)"
)
NOT_ALLOWED = ["\x00", "\ud800", "\udfff", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff", "\x01", "\x1b", "\x7f"]


# --- helpers -----------------------------------------------------------------------------------


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def has_chrome(page: str) -> bool:
    """The service's header, standing notice and footer contacts are on the page."""
    return all(
        part in page
        for part in ("govuk-template__header", "Space to Think", "call 999", "Emergency and safeguarding contacts")
    )


def stored_reference(app: Flask) -> str:
    with app.app_context():
        return str(make_request().request.reference)


def request_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(StoredRequest)) or 0)


# --- the characters ----------------------------------------------------------------------------


@pytest.mark.parametrize("character", NOT_ALLOWED)
def test_unusable_characters_are_found_and_removed(character: str) -> None:
    assert has_unsafe_text(f"a{character}b") and clean_text(f"a{character}b") == "ab"
    assert find_unsafe_text({"answers": {"q": ["fine", f"x{character}"]}})
    assert find_unsafe_text({f"key{character}": "fine"})


def test_ordinary_text_is_left_alone() -> None:
    typed = "Line one\r\n\tLine two – café, 子供, emoji 🙂, U+FFFD \ufffd"
    assert not has_unsafe_text(typed) and clean_text(typed) == typed
    assert not find_unsafe_text({"a": [typed, 1, None, True, {"b": typed}]})


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:5000",
        "space-to-think.example.org",
        "127.0.0.1:8000",
        "[::1]:8000",
        "web_1",
        "example.org.",
    ],
)
def test_real_host_names_are_valid(host: str) -> None:
    assert valid_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "ex..ample",
        ".example",
        "exa mple",
        "example.org:port",
        "a" * 64 + ".example",
        "example.org\r\nX: 1",
        "exa\x00mple",
        "bücher.example",
        "",
    ],
)
def test_broken_host_names_are_not(host: str) -> None:
    assert not valid_host(host)


# --- NUL and friends never reach the database (both backends) ----------------------------------


@both_databases
def test_a_nul_in_the_sign_in_email_is_removed_not_a_server_error(app: Flask) -> None:
    with app.app_context():
        service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
    client = app.test_client()
    wrong = post_form(client, "/inbox/sign-in", "/inbox/sign-in", {"email": "sam\x00@x.example", "password": "x"})
    assert wrong.status_code == 200 and "Enter a correct email address and password" in text(wrong)
    right = post_form(
        client, "/inbox/sign-in", "/inbox/sign-in", {"email": EMAIL.replace("@", "\x00@"), "password": PASSWORD}
    )
    assert right.status_code == 302 and right.location == "/inbox"


@both_databases
def test_a_facilitators_note_keeps_what_was_typed_without_the_nul(app: Flask) -> None:
    client = signed_in(app)
    reference = stored_reference(app)
    page = f"/inbox/requests/{reference}"
    response = post_form(client, page, f"{page}/notes", {"text": "Spoke to\x00 the school\ufffe nurse.\x0b"})
    assert response.status_code == 302
    with app.app_context():
        assert list(db.session.scalars(sa.select(TriageNote.text))) == ["Spoke to the school nurse."]


@pytest.mark.parametrize("how", ["add", "reset-password"])
def test_a_password_set_by_a_command_with_a_direction_control_signs_in_as_typed(app: Flask, how: str) -> None:
    """Found (regression review): every form leaves direction controls out, so a password a command
    had set with one in it could not be typed on the sign-in page, with or without it. A command
    now sets it as the sign-in page receives it."""
    from test_inbox import sign_in

    password = "copper kettle \u2067meadow\u2069 thistles"
    runner = app.test_cli_runner()
    if how == "reset-password":
        assert (
            runner.invoke(
                args=["facilitators", "add", EMAIL, "--name", "Sam Facilitator"], input=f"{PASSWORD}\n{PASSWORD}\n"
            ).exit_code
            == 0
        )
    given = runner.invoke(
        args=["facilitators", how, EMAIL, *(["--name", "Sam Facilitator"] if how == "add" else [])],
        input=f"{password}\n{password}\n",
    )
    assert given.exit_code == 0, given.output
    assert sign_in(app.test_client(), EMAIL, password).status_code == 302
    assert sign_in(app.test_client(), EMAIL, "copper kettle meadow thistles").status_code == 302


def test_a_note_cannot_be_made_to_show_reversed_to_other_facilitators(app: Flask) -> None:
    """Found (security review): a note kept the bidirectional overrides the journey's fields never
    keep, so U+202E made what followed it show backwards to the other facilitators (a reference
    or a word looking like another). Every form now leaves them out; direction marks stay."""
    client = signed_in(app)
    reference = stored_reference(app)
    page = f"/inbox/requests/{reference}"
    typed = "Call \u202eevol\u202c back \u2067first\u2069 \u200fשלום\u200f"
    assert post_form(client, page, f"{page}/notes", {"text": typed}).status_code == 302
    with app.app_context():
        assert list(db.session.scalars(sa.select(TriageNote.text))) == ["Call evol back first \u200fשלום\u200f"]


@both_databases
def test_a_form_sent_as_json_is_refused_never_read_past_the_input_guard(app: Flask) -> None:
    """Found (security review): Flask-WTF reads a JSON body as the form, and the input guard
    cleans only forms sent as forms. Anyone could make the sign-in page a server error (a JSON
    array; a NUL on PostgreSQL; a lone surrogate), and a note kept control characters. The app
    takes no JSON: it is refused, as a bad address is (400)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error is answered (500), not raised here
    anyone = app.test_client()
    token = csrf_token(anyone.get("/inbox/sign-in").get_data(as_text=True))
    for body in (
        '["a"]',
        '{"email": "sam\\u0000@x.example", "password": "x"}',
        '{"email": "\\ud800", "password": "x"}',
    ):
        response = anyone.post(
            "/inbox/sign-in", data=body, content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400, body
    client = signed_in(app)
    reference = stored_reference(app)
    token = csrf_token(client.get(f"/inbox/requests/{reference}").get_data(as_text=True))
    note = '{"text": "Spoke to the school\\u001b[8m nurse."}'
    for kind in ("application/json", "application/merge-patch+json"):
        response = client.post(
            f"/inbox/requests/{reference}/notes", data=note, content_type=kind, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400, kind
    with app.app_context():
        assert list(db.session.scalars(sa.select(TriageNote.text))) == []


@pytest.mark.parametrize(
    "content_type, headers",
    [
        ("text/plain", {}),
        ("multipart/form-data", {}),  # no boundary
        ("application/x-www-form-urlencoded", {"Content-Encoding": "gzip"}),
        ("application/x-www-form-urlencoded; charset=latin1", {}),
    ],
)
def test_a_body_no_browser_sends_as_a_form_gets_the_problem_page_not_the_expired_form(
    app: Flask, content_type: str, headers: dict[str, str]
) -> None:
    """Found (bad-input review): each was read as an empty form, and refused as a page "open for a
    long time or used in another tab", which was not why. Now the page says something in the page
    sent was not right (400), as for a body sent as JSON; a form sent as browsers send it is read."""
    client = app.test_client()
    to_outcome(client)
    token = csrf_token(client.get("/request/about-you").get_data(as_text=True))
    body = f"csrf_token={token}&name=Sam"
    response = client.post("/request/about-you", data=body, content_type=content_type, headers=headers)
    said = response.get_data(as_text=True)
    assert response.status_code == 400 and "Something in the page you sent was not right" in said, content_type
    assert "open for a long time" not in said
    sent = client.post("/request/about-you", data=body, content_type="application/x-www-form-urlencoded; charset=UTF-8")
    assert sent.status_code != 400


@both_databases
@pytest.mark.parametrize(
    "path",
    [
        "/inbox/requests/STT%00",
        "/inbox/requests/STT%00/request.pdf",
        "/questions/mode%00",
        "/inbox?status=new%00",
        "/inbox?page=1%0d%0a",
        "/questions/mode?return_to=%EF%BF%BF",
    ],
)
def test_a_bad_character_in_the_address_gets_the_400_page(app: Flask, path: str) -> None:
    client = signed_in(app)
    response = client.get(path)
    assert response.status_code == 400
    assert "Sorry, there is a problem with this page" in text(response) and has_chrome(text(response))
    # Where to go next: the inbox from its own pages (found: "Go to the start page" there), else the start page.
    go_to = "Go to the inbox" if path.startswith("/inbox") else "Go to the start page"
    assert go_to in text(response), path
    assert ("Go to the start page" in text(response)) is (not path.startswith("/inbox")), path


@both_databases
def test_status_and_assignment_posts_with_a_nul_are_not_server_errors(app: Flask) -> None:
    client = signed_in(app)
    reference = stored_reference(app)
    page = f"/inbox/requests/{reference}"
    status = post_form(client, page, f"{page}/status", {"status": "in_triage\x00"})
    assert status.status_code == 302  # "in_triage" once the NUL is gone
    refused = post_form(client, page, f"{page}/status", {"status": "\x00"})
    assert refused.status_code == 303 and refused.location == page  # shown by the page's GET
    assert "govuk-error-summary" in text(client.get(page))
    assign = post_form(client, page, f"{page}/assignment", {"facilitator": "\x00"})
    assert assign.status_code in (302, 303)
    with app.app_context():
        assert db.session.scalar(sa.select(StoredRequest.status)) == "in_triage"


@both_databases
def test_a_nul_in_an_imported_requests_data_is_refused_with_a_message(app: Flask) -> None:
    client = signed_in(app)
    document = valid_document(app)
    document["details"]["reflection"] = "Text with a \x00 in it"
    response = upload(client, pdf_with_json(document))
    assert response.status_code == 200 and BAD_DATA in text(response)
    assert request_count(app) == 0


# --- lone surrogates in an import --------------------------------------------------------------


@pytest.mark.parametrize("where", ["reflection", "outcome", "rule_pack_version", "answer", "answer key", "flag"])
def test_a_lone_surrogate_anywhere_in_an_import_is_refused(app: Flask, where: str) -> None:
    client = signed_in(app)
    document = valid_document(app)
    if where == "reflection":
        document["details"]["reflection"] = "Stuck \ud800 team"
    elif where in ("outcome", "rule_pack_version"):
        document[where] = document[where] + "\ud800"
    elif where == "answer":
        document["answers"]["mode"] = "\udfff"
    elif where == "answer key":
        document["answers"]["mode\ud800"] = "practitioner"
    else:
        document["flags"] = [{"id": "x", "label": "\ud800"}]
    with pytest.raises(ImportProblem):
        check_document(document)
    response = upload(client, pdf_with_json(document))
    assert response.status_code == 200 and BAD_DATA in text(response)
    assert request_count(app) == 0


@both_databases
def test_a_stored_request_with_a_lone_surrogate_still_shows(app: Flask) -> None:
    """One imported before the check existed: its page shows U+FFFD instead of failing every time."""
    client = signed_in(app)
    reference = stored_reference(app)
    with app.app_context():
        stored = db.session.scalar(sa.select(StoredRequest))
        stored.details = {**stored.details, "reflection": "Stuck \ud800 team"}
        db.session.commit()
    response = client.get(f"/inbox/requests/{reference}")
    assert response.status_code == 200 and "Stuck \ufffd team" in text(response)
    # Found (a search by work email, run in the database): PostgreSQL refused to read the field
    # out of a JSON column holding a lone surrogate, so this one request stopped every other
    # request's page (its "other requests with the same work email") and every search.
    other = stored_reference(app)
    page = client.get(f"/inbox/requests/{other}")
    assert page.status_code == 200 and f'href="/inbox/requests/{reference}"' in page.get_data(as_text=True)
    search = {"email": f"  {VALID_DETAILS['email'].upper()} "}
    found = post_form(client, "/inbox/find-by-email", "/inbox/find-by-email", search, follow_redirects=True)
    assert found.status_code == 200 and all(ref in found.get_data(as_text=True) for ref in (reference, other))


# --- Host, X-Forwarded-Host and next= ----------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "ex..ample"},
        {"Host": "a" * 300},
        {"X-Forwarded-Host": "ex..ample"},
        {"X-Forwarded-Host": "good.example, bad..example"},
    ],
)
def test_an_invalid_host_gets_the_branded_400_page(request, tmp_path, headers: dict[str, str], caplog) -> None:
    with database_settings(request, "sqlite", tmp_path) as settings:
        app = create_app({"APP_ENV": "test", "TRUSTED_PROXIES": 1, "PROPAGATE_EXCEPTIONS": False, **settings})
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        response = client.get("/", headers=headers)
    assert response.status_code == 400
    page = text(response)
    assert "Sorry, there is a problem with this page" in page and has_chrome(page)
    assert 'href="/"' in page  # links still built (without the bad host)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_in_production_only_the_services_own_names_are_answered(request, tmp_path) -> None:
    """Found (security review): in production any Host was answered (the shipped nginx site
    refuses other names, a set-up without it did not). With PUBLIC_BASE_URL set, only its host,
    this machine's names and ALLOWED_HOSTS are; any other gets the branded 400 page, except the
    health check, which a monitor may ask by any name."""
    from app.input_guard import HostGuard, allowed_hosts

    production = {"APP_ENV": "production", "PUBLIC_BASE_URL": "https://stt.example.org/", "ALLOWED_HOSTS": "10.0.0.5"}
    assert allowed_hosts(production) == {"stt.example.org", "10.0.0.5", "localhost", "127.0.0.1", "::1"}
    assert allowed_hosts({**production, "APP_ENV": "development"}) is None  # any name while developing
    assert allowed_hosts({**production, "PUBLIC_BASE_URL": None}) is None
    with database_settings(request, "sqlite", tmp_path) as settings:
        app = create_app({"APP_ENV": "test", "TRUSTED_PROXIES": 1, "PROPAGATE_EXCEPTIONS": False, **settings})
    guard: Any = app.wsgi_app
    while not isinstance(guard, HostGuard):  # inside the tracebacks' wrapper
        guard = guard.wsgi_app
    guard.allowed = allowed_hosts(production)
    client = app.test_client()
    for name in (
        "stt.example.org",
        "STT.example.org:443",
        "stt.example.org.",
        "10.0.0.5:8000",
        "127.0.0.1:8000",
        "[::1]:8000",
    ):
        assert client.get("/privacy", headers={"Host": name}).status_code == 200, name
    for headers in ({"Host": "evil.example"}, {"Host": "stt.example.org", "X-Forwarded-Host": "evil.example"}):
        refused = client.get("/privacy", headers=headers)
        assert refused.status_code == 400 and has_chrome(text(refused)), headers
    assert client.get("/healthz", headers={"Host": "10.9.9.9:8000"}).status_code in (200, 503)


@pytest.mark.parametrize("value", ["stt.example.org,bad..name", "https://stt.example.org", "stt.example.org, a b"])
def test_allowed_hosts_that_are_not_host_names_stop_start_up(value: str) -> None:
    from app.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="ALLOWED_HOSTS must be host names"):
        load_config(environ={"ALLOWED_HOSTS": value})


def test_an_invalid_host_with_a_session_cookie_gets_the_400_page(app: Flask) -> None:
    add_session_probe(app)
    client = app.test_client()
    token = csrf_token(client.get("/_test/answers").get_data(as_text=True))
    assert client.post("/_test/answers", data={"value": "no", "csrf_token": token}).status_code == 200
    response = client.get("/questions/mode", headers={"Host": "ex..ample"})
    assert response.status_code == 400 and has_chrome(text(response))
    assert client.get("/_test/session").get_json()["answers"] == {"immediate_danger": "no"}


@pytest.mark.parametrize(
    "target",
    [
        "/inbox\r\nX:1",
        "/inbox\nX",
        "/inbox/requests/x\r\n",
        "/inbox\\evil.example",
        "/inbox//evil.example",
        "https://evil.example/inbox",
        "//evil.example",
        "/inboxes",
        "/inbox/\x00",
        "/inbox/ x",
        "/request/submitted",
        "",
        None,
    ],
)
def test_next_is_only_ever_an_inbox_path_on_this_site(app: Flask, target: str | None) -> None:
    with app.test_request_context("/inbox/sign-in"):
        assert safe_next(target) == "/inbox"


@pytest.mark.parametrize("target", ["/inbox", "/inbox/requests/STT-VPU9-QKYM", "/inbox?status=new&page=2"])
def test_next_keeps_a_real_inbox_path(app: Flask, target: str) -> None:
    with app.test_request_context("/inbox/sign-in"):
        assert safe_next(target) == target


def test_next_with_cr_lf_is_never_a_server_error_after_signing_in(app: Flask) -> None:
    with app.app_context():
        service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
    client = app.test_client()
    response = post_form(
        client, "/inbox/sign-in", "/inbox/sign-in?next=/inbox%0d%0aX:1", {"email": EMAIL, "password": PASSWORD}
    )
    assert response.status_code == 400 and "X" not in response.headers
    assert "Sorry, there is a problem with this page" in text(response)
    signed = post_form(client, "/inbox/sign-in", "/inbox/sign-in?next=/inbox", {"email": EMAIL, "password": PASSWORD})
    assert signed.status_code == 302 and signed.location == "/inbox"


# --- database errors are logged without what was typed -----------------------------------------


@both_databases
def test_a_database_error_is_logged_without_its_values(app: Flask, caplog) -> None:
    secret = "note about a child called Secretname"
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/db-error")
    def db_error() -> str:
        # A NOT NULL violation: PostgreSQL's own message quotes the failing row, value and all.
        db.session.execute(INSERT_WITHOUT_DATA, {"value": secret})
        return "not reached"

    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get("/_test/db-error")
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in text(response)
    logged = "\n".join(
        record.getMessage() + (str(record.exc_info) if record.exc_info else "") for record in caplog.records
    )
    assert "Database error on a request" in logged
    assert "Secretname" not in logged
    with app.app_context(), pytest.raises(sa.exc.IntegrityError) as raised:
        db.session.execute(INSERT_WITHOUT_DATA, {"value": secret})
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(raised.value)


def test_a_database_outage_on_pages_is_logged_in_one_line_now_and_then(
    app: Flask, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (operator review): with the database stopped, each page asked for logged "Database
    error on a request" and about 40 lines of frames, the same each time. An outage is now one
    line saying what it is, at most once in ten seconds by each process, with how many more pages
    met it meanwhile; the visitor still gets the service problem page."""
    from app import outage

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(outage, "_outage_said", {"at": -outage.OUTAGE_LOG_EVERY_SECONDS, "since": 0})

    @app.get("/_test/db-down")
    def db_down() -> str:
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            response = client.get("/_test/db-down")
            assert response.status_code == 503 and "Sorry, there is a problem with the service" in text(response)
        said = [record.getMessage() for record in caplog.records if "Database error" in record.getMessage()]
        assert said == [
            "Database error on a request: the database is not answering (OperationalError from "
            "builtins.ConnectionRefusedError); the service problem page was shown"
        ]
        outage._outage_said["at"] -= outage.OUTAGE_LOG_EVERY_SECONDS  # ten seconds on
        client.get("/_test/db-down")
    said = [record.getMessage() for record in caplog.records if "Database error" in record.getMessage()]
    assert len(said) == 2 and said[1].endswith("(and to 2 more requests since the last line)")
    assert not [record for record in caplog.records if 'File "' in record.getMessage() or record.exc_info]


# --- the database going down mid-journey (PostgreSQL behind a proxy the test cuts) ----------------


@contextmanager
def app_behind_a_cut_proxy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Flask, CutProxy]]:
    """An app on a PostgreSQL schema of its own, reached through a proxy the test can cut."""
    with database_settings(request, "postgres", tmp_path, own_schema=True) as settings:
        url = sa.engine.make_url(settings["SQLALCHEMY_DATABASE_URI"])
        with CutProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
            proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            app = create_app(
                {"APP_ENV": "test", **settings, "SQLALCHEMY_DATABASE_URI": proxied, "PROPAGATE_EXCEPTIONS": False}
            )
            with app.app_context():
                from flask_migrate import upgrade

                upgrade()
            try:
                yield app, proxy
            finally:
                with app.app_context():
                    for engine in db.engines.values():
                        engine.dispose()


@pytest.mark.postgres
def test_database_down_mid_journey_gives_the_branded_page_and_keeps_the_answers(request, tmp_path, caplog) -> None:
    with app_behind_a_cut_proxy(request, tmp_path) as (app, proxy):
        check_journey_survives_an_outage(app, proxy, caplog)


def check_journey_survives_an_outage(app: Flask, proxy: CutProxy, caplog) -> None:
    client = app.test_client()
    walker = Walker(client)
    walker.start()
    first, second, third = ELIGIBLE_PATH[:3]
    assert walker.answer(*first).status_code == 302
    assert walker.answer(*second).status_code == 302
    cookie = session_cookie(client)
    assert cookie is not None

    proxy.cut()
    with caplog.at_level(logging.WARNING):
        for response, sent_form, resume in (
            (client.get(f"/questions/{third[0]}"), False, f"/questions/{third[0]}"),
            (walker.answer(*third), True, f"/questions/{third[0]}"),
            (client.get("/"), False, "/"),
            (client.get("/result"), False, "/result"),
        ):
            page = text(response)
            assert response.status_code == 503, response.status_code
            assert all(words in page for words in SERVICE_PROBLEM) and has_chrome(page)
            assert KEPT in page and NOT_SENT not in page
            # Only a form's page says what was typed is lost; each leads back to where it was.
            assert (NOT_SAVED in page) is sent_form
            assert f'href="{resume}"' in page
            assert "Set-Cookie" not in response.headers
            assert session_cookie(client) == cookie
    assert "Internal Server Error" not in page
    messages = "\n".join(record.getMessage() for record in caplog.records)
    assert "Session store unavailable" in messages and "practitioner" not in messages

    proxy.restore()
    page = client.get(f"/questions/{third[0]}")
    assert page.status_code == 200 and session_cookie(client) == cookie
    walker.get(f"/questions/{third[0]}")
    assert walker.answer(*third).status_code == 302  # the journey goes on
    with app.app_context():
        stored = db.session.scalars(sa.select(JourneySessionRow.data)).all()
    assert len(stored) == 1
    for question_id, value in (first, second, third):
        assert f'"{question_id}"' in stored[0] and f'"{value}"' in stored[0]


@pytest.mark.postgres
def test_database_down_on_a_details_page_or_sending_says_what_was_not_saved(request, tmp_path) -> None:
    with app_behind_a_cut_proxy(request, tmp_path) as (app, proxy):
        check_details_and_sending_survive_an_outage(app, proxy)


def test_the_service_problem_page_says_answers_are_kept_only_to_a_browser_that_has_some(app: Flask) -> None:
    """Found (user review): Start now, or any first page, as the database failed said "Answers you
    saved before this page are kept" to someone who had saved nothing (no session's cookie)."""
    from app.errors import render_error

    for method, path in (("GET", "/start"), ("GET", "/"), ("POST", "/questions/mode")):
        with app.test_request_context(path, method=method):
            body, status = render_error(503)
        assert status == 503 and "problem with the service" in body and KEPT not in html.unescape(body), path


def check_details_and_sending_survive_an_outage(app: Flask, proxy: CutProxy) -> None:
    client = app.test_client()
    walker = to_outcome(client)
    about_you = walker.get("/request/about-you")
    assert about_you.status_code == 200
    proxy.cut()
    typed = {name: VALID_DETAILS[name] for name in ("name", "job_role", "agency", "email", "phone")}
    failed = walker.post("/request/about-you", typed)
    page = text(failed)
    assert failed.status_code == 503 and KEPT in page and NOT_SAVED in page and NOT_SENT not in page
    assert 'href="/request/about-you"' in page
    # What was typed is given back to copy (Back would ask the server again: review 14), not "Back may show it".
    assert COPY_IT in page and BACK_MAY_SHOW not in page
    assert all(f">{value}</textarea>" in page for value in typed.values() if value)
    proxy.restore()

    fill_details(walker)
    check = walker.get("/request/check-answers")
    assert check.status_code == 200
    proxy.cut()
    failed = walker.post("/request/submit", walker.shown)
    page = text(failed)
    assert failed.status_code == 503 and NOT_SENT in page and NOT_SAVED not in page
    assert 'href="/request/check-answers"' in page and "send your request again" in page
    proxy.restore()
    assert request_count(app) == 0
    sent = submit(walker)
    assert sent.status_code == 302 and sent.location.endswith("/request/submitted")
    assert request_count(app) == 1


@pytest.mark.parametrize(
    "method, path, expected, resume",
    [
        ("GET", "/result", [KEPT], "/result"),
        ("POST", "/request/about-you", [KEPT, NOT_SAVED], "/request/about-you"),
        ("POST", "/request/submit", [NOT_SENT, "send your request again"], "/request/check-answers"),
        ("POST", "/start-again", [KEPT, NOT_SAVED], None),  # a form with no page of its own: no link
        # A request page form's address leads to the request page, at the form.
        ("POST", "/inbox/requests/1/notes", [NOT_SAVED, "and save it again"], "/inbox/requests/1/notes"),
    ],
)
def test_the_service_problem_page_says_what_was_kept_and_where_to_go_back(
    app: Flask, method: str, path: str, expected: list[str], resume: str | None
) -> None:
    from app.errors import render_error

    # (from a browser with a journey: its session's cookie)
    cookie = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}=its-id"}
    with app.test_request_context(path, method=method, headers=cookie):  # matches the route, as a real request does
        body, status = render_error(503)
    page = html.unescape(body)
    assert status == 503 and all(words in page for words in expected), page
    for other in {KEPT, NOT_SAVED, NOT_SENT} - set(expected):
        assert other not in page
    links = re.findall(
        r'<a class="govuk-link" href="([^"]+)">(?:Try this page again|Go back to that page|check your answers)', page
    )
    assert links == ([resume] if resume else [])


@pytest.mark.parametrize(
    "method, path, resume",
    [
        ("GET", "/result", "/space-to-think/result"),
        ("POST", "/request/about-you", "/space-to-think/request/about-you"),
        ("POST", "/request/submit", "/space-to-think/request/check-answers"),
        ("POST", "/inbox/requests/1/notes", "/space-to-think/inbox/requests/1/notes"),
    ],
)
def test_the_service_problem_pages_link_back_keeps_the_path_the_service_is_reached_under(
    app: Flask, method: str, path: str, resume: str
) -> None:
    """Found (review): with the service reached under a path ("/space-to-think", as the start
    page's test has it), the link back to the page that failed left that path out, so it led
    off the service (the link to check your answers, made by url_for, kept it)."""
    from app.errors import render_error

    with app.test_request_context(path, method=method, base_url="http://localhost/space-to-think"):
        body, status = render_error(503)
    links = re.findall(
        r'<a class="govuk-link" href="([^"]+)">(?:Try this page again|Go back to that page|check your answers)',
        html.unescape(body),
    )
    assert status == 503 and links == [resume]


@pytest.mark.parametrize(
    "path, posted, label",
    [
        ("/request/reflection", {"reflection": "Ten minutes' careful thought about the team & <the> plan."}, None),
        ("/request/preferences", {"format": "online", "access_needs": "A hearing loop, please."}, None),
        ("/inbox/requests/STT-AAAA-AAAA/notes", {"text": "Rang them; they would like Tuesday."}, "Your note"),
        ("/feedback/some-token", {"score": "4", "comment": "It helped us think about the family."}, "Your comment"),
        (
            "/inbox/sign-in",
            {"email": "chair@partnership.example", "password": "only-they-know-this"},
            "Your email address",
        ),
    ],
)
def test_the_service_problem_page_gives_back_what_was_typed_into_the_form(
    app: Flask, path: str, posted: dict[str, str], label: str | None
) -> None:
    """Found (robustness review 14): a form sent as the database failed said "go back to that page
    (your browser's Back button may still show what you typed)", but the form's page is never
    cached: Back while the database was still down gave this page again, and the typed text was
    gone for good (so was it by the page's own "Go back to that page" link, a new page). Now the
    page gives the free text back to copy, as the inbox's "form has expired" page does."""
    from app.errors import render_error

    typed = next(value for name, value in posted.items() if name not in ("format", "score", "password"))
    site = {"Origin": "http://localhost"}
    with app.test_request_context(path, method="POST", data=posted, headers=site):
        body, status = render_error(503)
    page = html.unescape(body)
    # With a password in it, the form cannot be sent again from the page; without, it can (its
    # fields hidden in the Send again form), and the free text is there to copy all the same.
    has_password = "password" in posted
    assert status == 503 and (COPY_IT if has_password else COPY_IN_CASE) in page
    assert f">{typed}</textarea>" in page and BACK_MAY_SHOW not in page
    assert ("data-send-again" in body) is not has_password
    assert "readonly" in body and "<the>" not in body  # escaped, as any text on a page
    if label is not None:
        assert f">{label}</label>" in page
    shown = re.sub(r"<form[^>]*data-send-again>.*?</form>", "", page, flags=re.S)
    assert "online" not in shown and ">4<" not in shown  # the choices are not free text
    assert "only-they-know-this" not in page  # nor is a password ever shown
    # Posted from another site: nothing is shown back (its page could choose the text).
    with app.test_request_context(path, method="POST", data=posted, headers={"Origin": "https://elsewhere.example"}):
        body, _status = render_error(503)
    assert typed not in html.unescape(body) and COPY_IT not in html.unescape(body)


def test_a_request_stored_before_the_failure_is_not_called_unsent(app: Flask) -> None:
    from flask import g

    from app.errors import render_error

    with app.test_request_context("/request/submit", method="POST"):
        g.request_stored = True
        body, _status = render_error(503)
    page = html.unescape(body)
    assert NOT_SENT not in page and "We received your request" in page and "It will not be sent twice" in page


@pytest.mark.postgres
def test_database_down_without_a_cookie_gives_the_branded_page(request, tmp_path) -> None:
    with database_settings(request, "postgres", tmp_path, own_schema=True) as settings:
        url = sa.engine.make_url(settings["SQLALCHEMY_DATABASE_URI"])
        with CutProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
            proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            app = create_app(
                {"APP_ENV": "test", **settings, "SQLALCHEMY_DATABASE_URI": proxied, "PROPAGATE_EXCEPTIONS": False}
            )
            proxy.cut()
            try:
                client = app.test_client()
                start = client.get("/start")  # starting a journey writes a session: the write fails
                assert start.status_code == 503 and all(words in text(start) for words in SERVICE_PROBLEM)
                assert session_cookie(client) is None
                health = client.get("/healthz")
                assert health.status_code == 503
                assert client.get("/").status_code == 200  # the start page needs no database
            finally:
                with app.app_context():
                    for engine in db.engines.values():
                        engine.dispose()


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_page_whose_database_connection_drops_after_its_reads_is_still_given(app: Flask) -> None:
    """Found (outage review): a connection PostgreSQL dropped after the request's last statement on
    it (a restart, a network fault) was found dead only by the rollback that ends the request's
    work, after the page was made, and the error left the app: a bare 500, no page. (Signing in
    with the database gone as the new session was noted did so: the 503 page was made, then lost.)
    Now the page made is given, and the next one opens on a new connection."""
    drop = []

    @app.after_request
    def drop_the_connection(response: Any) -> Any:
        if drop:  # the page is made: its reads' transaction is still open on the connection
            drop.clear()
            pid = db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with db.engines[SESSION_BIND].connect() as other:
                assert other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        return response

    client = signed_in(app)
    drop.append(True)
    page = client.get("/inbox")
    assert page.status_code == 200 and "Sam Facilitator" in text(page)
    assert client.get("/inbox").status_code == 200


def test_the_service_problem_page_needs_no_database(app: Flask) -> None:
    with app.test_request_context("/"):
        from app.errors import render_error

        body, status = render_error(503)
    assert status == 503 and all(words in body for words in SERVICE_PROBLEM)
    assert re.search(r"<title>\s*Sorry, there is a problem with the service", body)


@pytest.mark.parametrize(
    "mode, label",
    [
        ("supervision", "What would the practitioner like to reflect on?"),
        ("practitioner", "What would you like to reflect on?"),
        (None, "What would you like to reflect on?"),  # no journey to read: a practitioner's
    ],
)
def test_the_text_given_back_is_labelled_as_its_page_words_it_in_the_journeys_mode(
    app: Flask, mode: str | None, label: str
) -> None:
    """Found (diff review): in supervision the text given back was labelled with the practitioner's
    wording ("What you would like to reflect on"), which the manager had not been asked."""
    from flask import session

    from app.errors import render_error

    posted = {"reflection": "How we keep the family's voice in the plan."}
    with app.test_request_context(
        "/request/reflection", method="POST", data=posted, headers={"Origin": "http://localhost"}
    ):
        if mode is not None:
            session["answers"] = {"mode": mode}
        body, status = render_error(503)
    page = html.unescape(body)
    assert status == 503 and f">{label}</label>" in page and f">{posted['reflection']}</textarea>" in page


# --- a database that takes no writes (a standby, or read-only for maintenance) -------------------------


def read_only_twin(app: Flask) -> Flask:
    """Another app on ``app``'s PostgreSQL schema, whose connections take no writes
    (``default_transaction_read_only``, as on a standby server, or a database set read-only for
    maintenance): PostgreSQL refuses each write with SQLSTATE 25006."""
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    return create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"{options} -cdefault_transaction_read_only=on"}},
            "PROPAGATE_EXCEPTIONS": False,
        }
    )


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_database_that_takes_no_writes_gives_the_service_problem_page_with_what_was_typed(app: Flask) -> None:
    """Found (dependency review): with PostgreSQL taking no writes (a standby after a failover that
    did not promote it, or default_transaction_read_only set for maintenance), a form sent gave the
    "problem with the service" page as an unexpected error (500): what had been typed was not given
    back, and the page did not say the answers saved before were kept. PostgreSQL refuses the write
    with an error psycopg raises as an InternalError, which was not taken for the database failing.
    Now it is: the 503 page, with the text to copy, the session untouched; once the database takes
    writes again, the same journey goes on."""
    client = app.test_client()
    walker = to_outcome(client)
    assert walker.get("/request/about-you").status_code == 200
    cookie = session_cookie(client)
    assert cookie is not None
    read_only = read_only_twin(app)
    try:
        twin = Walker(read_only.test_client())
        twin.client.set_cookie(SESSION_COOKIE, cookie)
        twin.token = walker.token
        typed = {name: VALID_DETAILS[name] for name in ("name", "job_role", "agency", "email", "phone")}
        failed = twin.post("/request/about-you", typed)
        page = text(failed)
        assert failed.status_code == 503, failed.status_code
        assert all(words in page for words in SERVICE_PROBLEM) and has_chrome(page) and KEPT in page
        assert COPY_IT in page and all(f">{value}</textarea>" in page for value in typed.values() if value)
        assert "Set-Cookie" not in failed.headers
    finally:
        dispose(read_only)
    fill_details(walker)  # writes taken again: the same journey goes on
    assert walker.get("/request/check-answers").status_code == 200
    assert session_cookie(client) == cookie


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_the_health_check_says_unavailable_while_the_database_takes_no_writes(app: Flask) -> None:
    """Found (dependency review): with PostgreSQL taking no writes, every answer saved and every
    request sent failed, but the health check said "ok", so monitoring saw nothing wrong."""
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"
    read_only = read_only_twin(app)
    try:
        health = read_only.test_client().get("/healthz")
    finally:
        dispose(read_only)
    assert health.status_code == 503
    assert health.get_json() == {
        **HEALTHY,
        "status": "unavailable",
        "database": "read-only: it takes no writes (a standby server, or set read-only)",
    }


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
def test_the_health_check_says_unavailable_while_the_sqlite_file_cannot_be_written(app: Flask) -> None:
    """Found (user review): with the SQLite file not writable, every page that saves showed the
    problem page, but the health check said "ok". Made as the real fault does: connections opened
    while it lasts may only read (``query_only``: the same refusal, SQLITE_READONLY)."""
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"

    def opened_read_only(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA query_only = ON")

    with app.app_context():
        engine = db.engine
    engine.dispose()
    sa.event.listen(engine, "connect", opened_read_only)
    app.extensions.pop(HEALTH_CHECK_KEY, None)  # (the last answer is kept for 2 seconds)
    try:
        health = app.test_client().get("/healthz")
    finally:
        sa.event.remove(engine, "connect", opened_read_only)
        engine.dispose()
    assert health.status_code == 503
    assert health.get_json() == {
        **HEALTHY,
        "status": "unavailable",
        "database": "read-only: the database file, or its folder, cannot be written (check its permissions)",
    }
    app.extensions.pop(HEALTH_CHECK_KEY, None)
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"  # writable again: ok


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
def test_the_health_check_says_unavailable_while_the_sqlite_files_disk_is_full(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (dependency review): with the disk of the SQLite file full, every page that saves, /start
    too, gave the problem page, and the health check said "ok": its write test, a write that changes
    nothing, still worked. The disk's free space is asked of the system (here, the answer for the
    database's folder is made to say 100 KB free; a real disk filled is the review's)."""
    import shutil

    from app import schema

    with app.app_context():
        folder = Path(db.engine.url.database or "").resolve().parent
    real = shutil.disk_usage

    def nearly_full(path: Any) -> Any:
        usage = real(path)
        return usage._replace(free=100 * 1024) if Path(path) == folder else usage

    monkeypatch.setattr(schema.shutil, "disk_usage", nearly_full)
    app.extensions.pop(HEALTH_CHECK_KEY, None)
    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {
        **HEALTHY,
        "status": "unavailable",
        "database": "full: the disk the database file is on has less than 1 MB free (free some space)",
    }
    monkeypatch.setattr(schema.shutil, "disk_usage", real)
    app.extensions.pop(HEALTH_CHECK_KEY, None)
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"  # space again: ok


def test_the_workers_outage_line_says_sqlites_disk_is_full(tmp_path: Path) -> None:
    """Found (dependency review): SQLite's full disk was "the database is not answering" in the web
    app's and the worker's logs. Made as SQLite makes it: a file that may grow no further."""
    from sqlalchemy.exc import OperationalError

    from app.outage import is_database_outage, outage_in_words

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE filler (body TEXT)")
            connection.exec_driver_sql("PRAGMA max_page_count = 4")
        rows = [("x" * 4000,)] * 100
        with engine.begin() as connection, pytest.raises(OperationalError) as caught:
            connection.exec_driver_sql("INSERT INTO filler VALUES (?)", rows)
    finally:
        engine.dispose()
    assert is_database_outage(caught.value)
    assert outage_in_words(caught.value) == (
        "the disk the SQLite database file is on is full: free space on it, and writes work again "
        "(OperationalError from sqlite3.OperationalError)"
    )


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
def test_the_health_check_is_not_held_by_another_connections_write_on_sqlite(app: Flask) -> None:
    """The write test above waits only a moment for another connection's write to end (a purge,
    say) and takes it as writes being taken: it does not hold the health check for SQLite's usual 5
    s, which a load balancer's check could give up on. The pooled connections keep their own wait."""
    with app.app_context():
        engine = db.engine
        path = engine.url.database
    writer = sqlite3.connect(str(path), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock
    try:
        started = time.monotonic()
        health = app.test_client().get("/healthz")
        took = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert health.status_code == 200 and health.get_json()["database"] == "ok"
    assert took < 2, took
    with engine.connect() as one, engine.connect() as two:
        assert [c.exec_driver_sql("PRAGMA busy_timeout").scalar() for c in (one, two)] == [5000, 5000]


# --- a page waiting on a lock (PostgreSQL's statement_timeout) ------------------------------------


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_the_health_check_with_the_outbox_table_locked_says_degraded_in_a_second_not_unavailable(app: Flask) -> None:
    """Found (dependency review): with the outbox table locked by another session (a migration, a
    transaction left open in psql), the health check waited 10 s for the statement timeout, then
    said the whole database was unavailable (503): a load balancer would have taken every instance
    out while the pages worked. It now waits a second for that table, and says degraded."""
    from sqlalchemy.pool import NullPool

    from app.main.views import OUTBOX_NOT_CHECKED

    other = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"],
        connect_args=app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"],
        poolclass=NullPool,
    )
    try:
        with other.connect() as locker:
            locker.exec_driver_sql("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            health = app.test_client().get("/healthz")
            took = time.monotonic() - started
            locker.rollback()
    finally:
        other.dispose()
    assert health.status_code == 200, health.get_json()
    assert health.get_json() == {**HEALTHY, "status": "degraded", "outbox": OUTBOX_NOT_CHECKED}
    assert took < 4, took  # the table's wait (1 s), not the statement timeout (10 s)
    app.extensions.pop(HEALTH_CHECK_KEY, None)  # (the last answer is kept for 2 seconds)
    assert app.test_client().get("/healthz").get_json() == HEALTHY  # the lock gone: ok


@contextmanager
def app_with_a_short_statement_timeout(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrate_to: str = "head"
) -> Iterator[tuple[Flask, sa.Engine]]:
    """An app on a PostgreSQL schema of its own (migrated, or taken back to ``migrate_to``) whose
    statements may wait 1 second, and an engine on the same schema for the test to hold locks
    with (another session: a migration, psql)."""
    from flask_migrate import downgrade

    from app import config

    monkeypatch.setattr(config, "DATABASE_STATEMENT_TIMEOUT_SECONDS", 1)
    with database_settings(request, "postgres", tmp_path, own_schema=True) as settings:
        app = create_app({"APP_ENV": "test", **settings, "PROPAGATE_EXCEPTIONS": False})
        other = sa.create_engine(settings["SQLALCHEMY_DATABASE_URI"], **settings["SQLALCHEMY_ENGINE_OPTIONS"])
        if migrate_to != "head":
            with app.app_context():
                downgrade(revision=migrate_to)
        try:
            yield app, other
        finally:
            other.dispose()
            with app.app_context():
                for engine in db.engines.values():
                    engine.dispose()


@pytest.mark.postgres
def test_a_form_sent_while_its_table_is_locked_gives_the_service_problem_page_with_what_was_typed(
    request, tmp_path, monkeypatch
) -> None:
    """Found (hard-to-break review): a page whose statement waited on a lock (a migration altering
    the table, a session left open in psql) waited until gunicorn killed its worker 30 seconds
    later: nginx's offline page, and what had been typed into the form lost. Now PostgreSQL
    cancels a statement after DATABASE_STATEMENT_TIMEOUT_SECONDS: the page says there is a problem
    with the service and gives the text back; once the lock goes, the journey carries on."""
    import threading

    with app_with_a_short_statement_timeout(request, tmp_path, monkeypatch) as (app, other):
        client = app.test_client()
        walker = to_outcome(client)
        assert walker.get("/request/about-you").status_code == 200
        typed = {name: VALID_DETAILS[name] for name in ("name", "job_role", "agency", "email", "phone")}
        answered: list[TestResponse] = []
        sending = threading.Thread(target=lambda: answered.append(walker.post("/request/about-you", typed)))
        with other.connect() as locker:
            locker.exec_driver_sql("LOCK TABLE journey_sessions IN ACCESS EXCLUSIVE MODE")
            sending.start()
            # The page gives up by itself, the lock still held, however long it takes to reach its
            # statement: with the lock let go after 5 seconds, a page slowed by a loaded machine
            # found it gone, and the test failed.
            sending.join(30)
            locker.rollback()
        sending.join()
        assert answered, "no page yet"
        failed = answered[0]
        page = text(failed)
        assert failed.status_code == 503, "the page waited for the lock until it went"
        assert all(words in page for words in SERVICE_PROBLEM) and has_chrome(page)
        assert COPY_IT in page and all(f">{value}</textarea>" in page for value in typed.values() if value)
        fill_details(walker)  # the lock gone, the same journey goes on
        assert walker.get("/request/check-answers").status_code == 200


@pytest.mark.postgres
def test_the_worker_held_up_by_a_lock_says_so_not_that_the_database_is_not_answering(
    request, tmp_path, monkeypatch, caplog
) -> None:
    """Found (dependency review): with the outbox table locked from psql, the outbox worker logged
    "the database is not answering" every pass while the database answered everything else, so
    whoever read the journal looked for a database that was down. It now says a statement took
    longer than the database allows, most likely waiting for a lock, and carries on once it goes."""
    import logging
    import threading

    from app.outbox import run_worker

    class StopOnceTheOutboxSays(logging.Handler):  # (not a fixed time: the purges wait first, longer when busy)
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("Outbox worker:"):
                stop.set()

    with app_with_a_short_statement_timeout(request, tmp_path, monkeypatch) as (app, other):
        stop = threading.Event()
        watcher = StopOnceTheOutboxSays()
        app.logger.addHandler(watcher)
        with other.connect() as locker, app.app_context(), caplog.at_level(logging.WARNING):
            locker.exec_driver_sql("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE")
            limit = threading.Timer(20, stop.set)  # (should it never say so)
            limit.start()
            try:
                run_worker(stop, 0.05)
            finally:
                limit.cancel()
                app.logger.removeHandler(watcher)
                locker.rollback()
        logged = "\n".join(record.getMessage() for record in caplog.records if record.name == app.logger.name)
        assert "Outbox worker: a statement took longer than the database allows (statement_timeout), most " in logged
        assert (
            "waiting for a lock another session holds (OperationalError from psycopg.QueryCanceled, SQLSTATE 57014)"
            in logged
        )
        assert "not answering" not in logged, logged


def test_a_purge_held_up_by_a_lock_says_so_in_the_workers_log(app: Flask, monkeypatch, caplog) -> None:
    """A purge that met a statement timeout (a table locked from psql) logged only "Old requests
    not deleted (OperationalError)"; it says what the outbox's own line says of it. Nothing of the
    error's message (which can hold a row's values)."""
    from sqlalchemy.exc import OperationalError

    from app import outbox

    class Cancelled(Exception):
        sqlstate = "57014"

    def held_up(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("DELETE FROM requests", {}, Cancelled("canceling statement: Secretname"))

    monkeypatch.setattr(outbox.retention_purge, "purge_requests", held_up)
    monkeypatch.setattr(outbox, "purge_expired_sessions", held_up)
    with app.app_context(), caplog.at_level(logging.WARNING):
        outbox.purge_due(outbox.Purges())
    assert "Expired sessions not deleted (a statement took longer than the database allows" in caplog.text
    assert (
        "Old requests not deleted (a statement took longer than the database allows (statement_timeout), most likely "
        "waiting for a lock another session holds (OperationalError from test_hardening.Cancelled, SQLSTATE 57014)); "
        "trying again in an hour" in caplog.text
    )
    assert "Secretname" not in caplog.text


def test_the_workers_outage_line_says_sqlite_was_busy_not_that_it_is_not_answering() -> None:
    """Found (review): SQLite's "database is locked" (a write lock held elsewhere longer than the
    worker waits) was "the database is not answering" in the worker's log, as PostgreSQL's lock was."""
    from sqlalchemy.exc import OperationalError

    from app.outage import outage_in_words

    locked = OperationalError("DELETE FROM journey_sessions", {}, sqlite3.OperationalError("database is locked"))
    assert outage_in_words(locked) == (
        "SQLite was busy: another connection held its write lock for longer than this one waits "
        "(OperationalError from sqlite3.OperationalError)"
    )


def test_the_workers_outage_line_says_a_read_only_database_takes_no_writes() -> None:
    """As for a lock (above): a database that takes no writes (a standby after a failover) was
    "not answering" in the worker's log; it says it takes no writes. Nothing of the message."""
    from sqlalchemy.exc import InternalError, OperationalError

    from app.outage import outage_in_words

    class ReadOnly(Exception):
        sqlstate = "25006"

    class Refused(Exception):
        sqlstate = None

    read_only = InternalError("UPDATE requests SET pdf = %(pdf)s", {}, ReadOnly("Failing row contains (Secretname)"))
    assert outage_in_words(read_only) == (
        "the database takes no writes now (a standby, or set read-only) "
        "(InternalError from test_hardening.ReadOnly, SQLSTATE 25006)"
    )
    down = OperationalError("SELECT 1", {}, Refused("connection refused"))
    assert outage_in_words(down) == "the database is not answering (OperationalError from test_hardening.Refused)"

    unknown_host = OperationalError(
        "SELECT 1", {}, Refused("failed to resolve host 'db.invalid': [Errno -2] Name or service not known")
    )
    assert outage_in_words(unknown_host) == (
        "the database's host name cannot be found: check the host in DATABASE_URL, and the DNS "
        "(OperationalError from test_hardening.Refused)"
    )

    # Found (resources review): the connections used up was "not answering" (no SQLSTATE for it).
    crowded = OperationalError("SELECT 1", {}, Refused("connection failed: FATAL:  sorry, too many clients already"))
    assert outage_in_words(crowded).startswith(
        "the database server takes no more connections (too_many_connections: max_connections)"
    )
    reserved = OperationalError(
        "SELECT 1",
        {},
        Refused("FATAL:  remaining connection slots are reserved for non-replication superuser connections"),
    )
    assert "takes no more connections" in outage_in_words(reserved)

    class DiskFull(Exception):
        sqlstate = "53100"

    # Found (operator review): a full disk was "not answering" too (psycopg's DiskFull is an OperationalError).
    full = OperationalError("INSERT INTO requests", {}, DiskFull("could not extend file"))
    assert outage_in_words(full) == (
        "the database server's disk is full (disk_full): free space on it, and writes work again "
        "(OperationalError from test_hardening.DiskFull, SQLSTATE 53100)"
    )
    # A password changed while serving (found, operations review): said as start-up says it.
    turned_away = OperationalError(
        "SELECT 1", {}, Refused('connection failed: FATAL:  password authentication failed for user "stt"')
    )
    assert outage_in_words(turned_away) == (
        'the database server turned the connection away (password authentication failed for user "stt"): '
        "check the user name and password in DATABASE_URL (OperationalError from test_hardening.Refused)"
    )


@pytest.mark.postgres
def test_a_command_held_up_by_a_lock_says_so_not_that_the_database_did_not_answer(
    request, tmp_path, monkeypatch
) -> None:
    """Found (dependency review): ``flask outbox status`` run while the outbox table was locked from
    psql said the database did not answer, and to check that it was running, while it answered
    everything else. It now says what held it up, and the command works once the lock goes."""
    with app_with_a_short_statement_timeout(request, tmp_path, monkeypatch) as (app, other):
        with other.connect() as locker:
            locker.exec_driver_sql("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE")
            result = app.test_cli_runner().invoke(args=["outbox", "status"])
            locker.rollback()
        assert result.exit_code == 1, result.output
        assert result.output.strip() == (
            "Error: The database stopped the command's work: it waited longer than the database allows "
            "(statement_timeout), most likely for something another session holds (a migration, a "
            "transaction left open in psql), so the command did not finish. Run it again once that "
            "session has finished."
        )
        retried = app.test_cli_runner().invoke(args=["outbox", "status"])
        assert retried.exit_code == 0 and "Every PDF is made and every email sent." in retried.output, retried.output


@pytest.mark.postgres
def test_a_migration_waits_for_a_lock_longer_than_a_page_may(request, tmp_path, monkeypatch) -> None:
    """A migration must finish, not stop half-way: it waits for a lock (here another session's
    transaction that read the outbox) longer than a page's statement_timeout allows."""
    import threading
    import time

    from flask_migrate import upgrade

    with app_with_a_short_statement_timeout(request, tmp_path, monkeypatch, migrate_to="0010") as (app, other):
        failures: list[BaseException] = []

        def migrate() -> None:
            try:
                with app.app_context():
                    upgrade()  # 0011 adds a column to the outbox: it needs the lock the reader holds
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                failures.append(error)

        migrating = threading.Thread(target=migrate)
        with other.connect() as reader, other.connect() as watcher:
            reader.exec_driver_sql("SELECT count(*) FROM outbox")  # holds a lock until its transaction ends
            migrating.start()
            waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'outbox'::regclass"
            deadline = time.monotonic() + 30
            while not watcher.exec_driver_sql(waiting).scalar() and time.monotonic() < deadline:
                watcher.rollback()
                time.sleep(0.05)
            time.sleep(1.5)  # longer than the 1 second a page's statement may wait
            reader.rollback()
        migrating.join(120)
        assert not migrating.is_alive(), "the migration had not finished 2 minutes after the lock was let go"
        assert not failures, failures
        with app.app_context():
            columns = {column["name"] for column in sa.inspect(db.engine).get_columns("outbox")}
        assert "send_before" in columns


@pytest.mark.postgres
def test_deleting_a_request_something_else_holds_says_so_and_changes_nothing(request, tmp_path, monkeypatch) -> None:
    """``flask requests delete`` waits for a request another session holds (a worker sending its
    email holds the row) no longer than a page does, then says why in a line, not a traceback."""
    with app_with_a_short_statement_timeout(request, tmp_path, monkeypatch) as (app, other):
        with app.app_context():
            reference = make_request().reference
        with other.connect() as holder:
            holder.exec_driver_sql("SELECT id FROM requests FOR UPDATE")
            result = app.test_cli_runner().invoke(args=["requests", "delete", reference, "--yes"])
            holder.rollback()
        assert result.exit_code == 1, result.output
        assert result.output.strip() == (
            f"Error: Request {reference} was not deleted: something else was using it (a worker sending its "
            "email, say). Nothing was changed; try again in a minute."
        )
        assert request_count(app) == 1
        retried = app.test_cli_runner().invoke(args=["requests", "delete", reference, "--yes"])
        assert retried.exit_code == 0 and request_count(app) == 0, retried.output


# --- a database that stops answering (its processes frozen) ---------------------------------------


def answered_within(seconds: float, ask: Callable[[], TestResponse]) -> tuple[TestResponse | None, float]:
    """``ask()`` in a thread: its response and how long it took, or None if none came in ``seconds``
    (the thread then finishes once the database answers again)."""
    import threading
    import time

    answers: list[TestResponse] = []
    started = time.monotonic()
    asking = threading.Thread(target=lambda: answers.append(ask()), daemon=True)
    asking.start()
    asking.join(seconds)
    return (answers[0] if answers else None), time.monotonic() - started


def test_a_database_that_stops_answering_gives_the_service_problem_page_in_seconds() -> None:
    """Found (dependency review): with PostgreSQL frozen (its processes stopped: a paused virtual
    machine, a hung disk), a page on a connection already open waited for ever: the server's
    computer still acknowledges what is sent, so neither TCP keepalives nor tcp_user_timeout
    fire, and its statement_timeout cannot run. Under gunicorn the page held 31 s until the worker
    was killed, with no page at all (nginx's offline page), and what had been typed was lost.
    Now, after DATABASE_ANSWER_CHECK_SECONDS (2) without an answer, the app asks the server on a
    new connection whether it answers at all, and gives up if it does not: the branded page in
    about 4 s, with what was typed; a new connection then gives up after its connect_timeout (5 s). A
    statement that is only slow, on a server that answers, is not cut short. Once the server goes
    on, so does the journey, its answers kept."""
    with app_on_a_postgres_of_its_own() as (app, server):
        answers: list[int] = []

        def slow_statement() -> None:
            with app.app_context():  # slower than the check: the server answers it, so it goes on
                answers.append(db.session.execute(sa.text("SELECT pg_sleep(1.5), 42")).one()[1])
                db.session.rollback()

        slow = threading.Thread(target=slow_statement)  # on a connection of its own, while the journey is walked
        slow.start()
        client = app.test_client()
        walker = to_outcome(client)
        assert walker.get("/request/about-you").status_code == 200
        slow.join(30)
        assert answers == [42], "a slow statement on a server that answers was cut short"
        cookie = session_cookie(client)
        typed = {name: VALID_DETAILS[name] for name in ("name", "job_role", "agency", "email", "phone")}
        server.freeze()
        try:
            health, took = answered_within(15, lambda: client.get("/healthz"))  # the pool's check of a connection
            assert health is not None and health.status_code == 503 and took < 7, took
            assert health.get_json()["database"] == "unavailable"
            for ask, sent_form, within in (
                # A connection open before the freeze: the check's 1 s, then 2 s for the server to
                # answer a new one (not tried again on a new connection, for 2 s more: it is not
                # dropped, it is frozen).
                (lambda: client.get("/request/about-you"), False, 7),
                # A new connection: its connect_timeout (2 s here).
                (lambda: walker.post("/request/about-you", typed), True, 8),
            ):
                response, took = answered_within(15, ask)
                assert response is not None, "the page waited for a database that does not answer"
                page = text(response)
                assert response.status_code == 503 and took < within, (response.status_code, took)
                assert all(words in page for words in SERVICE_PROBLEM) and has_chrome(page) and KEPT in page
                assert (COPY_IT in page) is sent_form
                assert all(f">{value}</textarea>" in page for value in typed.values() if value) is sent_form
                assert session_cookie(client) == cookie
        finally:
            server.thaw()
        fill_details(walker)  # the server going on, the same journey goes on
        assert walker.get("/request/check-answers").status_code == 200
        assert session_cookie(client) == cookie


def test_the_ping_of_a_database_that_waits_long_holds_no_password() -> None:
    """Found (review of 174258e): the options of the PQping that asks whether a frozen server
    answers held the database password, though the ping needs none (a server asking for one has
    answered): with it, each ping of a slow statement signed in as the app, a whole session, and
    the password was kept a second time on every connection. Now the ping has the connection's
    address, port, user and SSL options, never the password, given apart or in the URL."""
    from psycopg.conninfo import conninfo_to_dict

    from app.database_answers import ping_conninfo

    engine = sa.create_engine("postgresql+psycopg://stt:s3cret-word@db.example:5433/stt?sslmode=require")
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    for given_args, given_params in (
        (cargs, cparams),
        (["postgresql://stt:s3cret-word@db.example:5433/stt?sslmode=require"], {}),
        (["host=db.example port=5433 user=stt password=s3cret-word sslmode=require"], {}),
    ):
        conninfo = ping_conninfo(given_args, dict(given_params), 2)
        options = conninfo_to_dict(conninfo.decode())
        assert b"s3cret-word" not in conninfo and "password" not in options, conninfo
        assert options["host"] == "db.example" and str(options["port"]) == "5433", options
        assert options["sslmode"] == "require" and options["connect_timeout"] == "2", options


@pytest.mark.postgres
def test_the_ping_asks_the_server_the_connection_reached_not_the_host_name_again() -> None:
    """Found (review of 174258e): the ping looked the host's name up again, and a lookup slower
    than the ping's 2 s on a healthy server read as "no answer", closing a long statement's
    connection; with several hosts listed it could ask another server. It now asks the address
    the connection reached."""
    from psycopg.conninfo import conninfo_to_dict

    from app.database_answers import AnswerCheckedConnection, check_answers

    url = sa.engine.make_url(postgres_url()).set(host="localhost")
    engine = sa.create_engine(url)
    check_answers(engine, 2)
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert isinstance(raw, AnswerCheckedConnection)
            options = conninfo_to_dict(raw.ping_conninfo.decode())
            assert options["hostaddr"] in ("127.0.0.1", "::1"), options
            assert options["host"] == "localhost" and "password" not in options, options
    finally:
        engine.dispose()


# --- session fixation ---------------------------------------------------------------------------


def test_a_session_id_planted_before_a_journey_starts_is_not_the_journeys(app: Flask) -> None:
    """Found (security review): a journey went on in whatever session the browser already named.
    Someone able to put a cookie in a practitioner's browser (from another site under the same
    domain, or over plain HTTP on one of its addresses) could plant their own session's id, wait,
    and read the answers, the request being written and its PDF with it. Now starting a journey
    gives the session a new id, which the planter never sees."""
    from support.pages import SESSION_COOKIE

    planter = app.test_client()
    assert planter.get("/inbox/sign-in").status_code == 200  # any page that keeps a session (its form token)
    planted = session_cookie(planter)
    assert planted is not None
    practitioner = app.test_client()
    practitioner.set_cookie(SESSION_COOKIE, planted)
    assert practitioner.get("/start").status_code == 302
    to_outcome(practitioner, ELIGIBLE_PATH)
    assert session_cookie(practitioner) != planted
    seen = planter.get("/result")
    assert seen.status_code == 302 and "/result" not in seen.location  # no journey in the planted session


# --- unexpected errors are logged without their messages (privacy review) -----------------------


def logged_text(caplog) -> str:
    """Everything logged, as a log file would hold it (tracebacks included)."""
    formatter = logging.Formatter("%(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


@both_databases
def test_an_unexpected_error_is_logged_without_messages_that_may_quote_what_was_typed(app: Flask, caplog) -> None:
    """Found: the whole traceback went to the log, messages and all: a library error quoting its
    input, and a database error met on the way (PostgreSQL's "Failing row contains (...)", which
    hide_parameters does not hide) printed as the context of the error logged."""
    secret = "note about a child called Secretname"
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/quoting-error")
    def quoting_error() -> str:
        raise ValueError(f"could not read {secret!r}")

    @app.get("/_test/error-after-a-db-error")
    def error_after_a_db_error() -> str:
        try:
            db.session.execute(INSERT_WITHOUT_DATA, {"value": secret})
        except sa.exc.IntegrityError:
            db.session.rollback()
            raise LookupError("the session could not be stored")  # noqa: B904 - the context is the point
        return "not reached"

    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        for path in ("/_test/quoting-error", "/_test/error-after-a-db-error"):
            response = client.get(path)
            assert response.status_code == 500 and "Sorry, there is a problem with the service" in text(response)
    logged = logged_text(caplog)
    assert "Secretname" not in logged and "Failing row" not in logged
    # What is needed to find the fault is still there: each error's type and where it was raised.
    assert "builtins.ValueError (message not logged)" in logged and "in quoting_error" in logged
    assert "builtins.LookupError (message not logged)" in logged and "in error_after_a_db_error" in logged
    assert "raised while handling sqlalchemy.exc.IntegrityError" in logged


def test_an_error_raised_after_the_view_is_logged_without_its_message_or_the_page(app: Flask, caplog) -> None:
    """Found (diff review): an error raised outside the view (in an after_request function, or
    saving the session) reached Flask's own handler, which logged the whole traceback, messages
    and all, as "Exception on <path>", the path naming the question page, before the error page."""
    secret = "note about a child called Secretname"
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/after-the-view/allegation")
    def after_the_view() -> str:
        return "made"

    @app.after_request
    def fail_after(response):  # type: ignore[no-untyped-def]
        if request.path.startswith("/_test/after-the-view/"):
            raise ValueError(f"could not keep {secret!r}")
        return response

    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get("/_test/after-the-view/allegation")
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in text(response)
    logged = logged_text(caplog)
    assert "Secretname" not in logged and "allegation" not in logged
    assert "builtins.ValueError (message not logged)" in logged and "in fail_after" in logged
    # The error page met the same error: Flask's own "Request finalizing failed" leaves it out too.
    assert "Request finalizing failed with an error while handling an error: builtins.ValueError (message" in logged


# --- a database fault in a command is reported without what the rows held (privacy review) ------


@contextmanager
def request_updates_refused(app: Flask) -> Iterator[None]:
    """The database refuses any change to a stored request's PDF tries: a real constraint broken
    when the outbox worker records a try. PostgreSQL's message quotes the whole row ("Failing row
    contains (...)"), the request's details with it."""
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:
            db.session.execute(
                sa.text("ALTER TABLE requests ADD CONSTRAINT refuse_tries CHECK (pdf_attempts = 0) NOT VALID")
            )
        else:
            db.session.execute(
                sa.text(
                    "CREATE TRIGGER refuse_tries BEFORE UPDATE OF pdf_attempts ON requests "
                    "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: refuse_tries'); END"
                )
            )
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():  # (PostgreSQL's schema outlives the test: its tables are only emptied)
            drop = "ALTER TABLE requests DROP CONSTRAINT refuse_tries" if postgres else "DROP TRIGGER refuse_tries"
            db.session.execute(sa.text(drop))
            db.session.commit()


@both_databases
def test_a_database_fault_in_a_command_is_reported_without_the_rows_values(app: Flask, caplog) -> None:
    """Found (privacy review): a database error in a command other than the database not answering
    (``outbox worker --once`` and ``outbox send`` from cron, whose output is mailed on or kept in
    the journal) ended in Python's traceback, the error's message and all: on PostgreSQL a broken
    constraint's "Failing row contains (...)", with the request's details (the person's name).
    ``hide_parameters`` hides the values SQLAlchemy sent, not the database's own words."""
    with app.app_context():
        make_request(details={**VALID_DETAILS, "name": "Secretname Practitioner"})
    with request_updates_refused(app):
        for args in (["outbox", "worker", "--once"], ["outbox", "send"]):
            caplog.clear()
            with caplog.at_level(logging.DEBUG):
                result = app.test_cli_runner().invoke(args=args)
            # What a terminal, the journal or a cron job's email would hold: the output, the log,
            # and the traceback Python prints for an error the command let out.
            shown = result.output + logged_text(caplog) + (str(result.exception) if result.exception else "")
            assert result.exit_code == 1, (args, shown)
            assert isinstance(result.exception, SystemExit), (args, shown)
            assert "Secretname" not in shown and "Failing row" not in shown, shown
            assert result.output.splitlines()[-1] == (
                "Error: The database refused the command's work (IntegrityError), so the command did not finish. "
                "What the database said is not shown, as it may quote what a request holds; the log line above "
                "says where it happened."
            ), shown
            # What is needed to find the fault is still there: the error's type, the statement and where.
            assert "Database error in a command: IntegrityError" in shown and "UPDATE requests" in shown, shown
            assert "in make_pdf" in shown, shown
    # The worker's own loop (`flask outbox worker`, its log in the journal) says the same, each pass.
    stop = threading.Event()
    caplog.clear()
    wanted = "Database error in the outbox worker (trying again in 0.05s)"

    def stop_once_it_is_logged() -> None:
        # (Not after a fixed half-second: on a busy machine the first pass had not ended by then.)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(wanted in r.getMessage() for r in list(caplog.records)):
            time.sleep(0.02)
        stop.set()

    with request_updates_refused(app), app.app_context(), caplog.at_level(logging.DEBUG):
        threading.Thread(target=stop_once_it_is_logged, daemon=True).start()
        run_worker(stop, 0.05)
    logged = logged_text(caplog)
    assert "Secretname" not in logged and "Failing row" not in logged, logged
    assert "Database error in the outbox worker (trying again in 0.05s): IntegrityError" in logged, logged
    assert "UPDATE requests" in logged and "in make_pdf" in logged, logged
    assert "the database is not answering" not in logged, logged  # it answered: it refused the change


@both_databases
def test_a_query_naming_what_the_database_never_had_is_a_bug_not_a_database_to_upgrade(app: Flask) -> None:
    """Found (regression review): the SQLSTATEs of a missing column or table (42703, 42P01, 42809)
    come from a bug in a query as well (`nextval('requests')`, a table taken for a sequence), which
    was then answered as the database not upgraded (503, "run db upgrade", no traceback). They are
    so only when the database lacks a table or column the code uses."""
    from app.outage import is_database_outage, outage_in_words, schema_words
    from app.schema import expected_heads

    postgres = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    statements = (
        ["SELECT nextval('requests')", "SELECT no_such_column FROM requests", "SELECT 1 FROM no_such_table"]
        if postgres
        else ["SELECT no_such_column FROM requests", "SELECT 1 FROM no_such_table"]
    )
    with app.app_context():
        for statement in statements:
            with pytest.raises(sa.exc.DBAPIError) as raised:
                db.session.execute(sa.text(statement))
            db.session.rollback()
            assert schema_words(raised.value) is None, statement
            if postgres:  # (on SQLite every OperationalError is still taken for an outage)
                assert not is_database_outage(raised.value), statement
            said = outage_in_words(raised.value)
            assert "db upgrade" not in said and "changed by hand" not in said, statement
        # The same with the database upgraded by a newer version of the code, which still has all this
        # code uses (a rolling restart): a bug, not the newer migration's doing (regression review).
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff_newer'"))
        db.session.commit()
        try:
            with pytest.raises(sa.exc.DBAPIError) as raised:
                db.session.execute(sa.text(statements[-1]))
            db.session.rollback()
            assert schema_words(raised.value) is None
        finally:
            db.session.rollback()
            db.session.execute(
                sa.text("UPDATE alembic_version SET version_num = :head"), {"head": max(expected_heads())}
            )
            db.session.commit()


@pytest.mark.postgres
# `mode` is also the name of one of PostgreSQL's functions: the column missing is another error
# (42809, "WITHIN GROUP is required for ordered-set aggregate mode"; found: operator review).
@pytest.mark.parametrize("column", ["due_on", "mode"])
def test_send_request_to_a_database_not_upgraded_says_it_was_not_sent_and_the_log_says_what_to_run(
    request, tmp_path, monkeypatch, caplog, column
) -> None:
    """Found (operator review): with `flask db upgrade` not run after a release (a column the code
    writes missing), Send request gave "Sorry, there is a problem with the service. Try again
    later" (500), with nothing of the request, and the log named no cause. It is the database
    being unavailable to this code (503): the request not sent, the answers kept for as long as
    they are, and the log line says what to run; once upgraded, it goes."""
    with app_with_a_short_statement_timeout(request, tmp_path, monkeypatch) as (app, other):
        client = app.test_client()
        walker = to_outcome(client)
        fill_details(walker)
        assert walker.get("/request/check-answers").status_code == 200
        from alembic.script import ScriptDirectory

        from app.schema import MIGRATIONS, expected_heads

        [head] = expected_heads()
        before = ScriptDirectory(str(MIGRATIONS)).get_revision(head).down_revision
        with other.begin() as changing:  # as a database left at the release before
            changing.exec_driver_sql(f"ALTER TABLE requests RENAME COLUMN {column} TO {column}_later")
            changing.execute(sa.text("UPDATE alembic_version SET version_num = :before"), {"before": before})
        caplog.set_level(logging.WARNING)
        from app import outage

        # (Said once in 10 seconds by each process: another test's outage must not have just been.)
        monkeypatch.setattr(outage, "_outage_said", {"at": -outage.OUTAGE_LOG_EVERY_SECONDS, "since": 0})
        refused = walker.post("/request/submit", walker.shown)
        page = text(refused)
        assert refused.status_code == 503 and has_chrome(page), (refused.status_code, refused.location)
        assert "Your request has not been sent." in page
        assert (
            "Your answers and what you typed for the request are kept, for 30 minutes after you last saved a page"
            in page
        )
        said = [record for record in caplog.records if "Database error on a request" in record.getMessage()]
        assert said and "not at the version this code needs" in said[0].getMessage(), said
        assert "db upgrade" in said[0].getMessage() and "; statement: SELECT requests." in said[0].getMessage()
        assert said[0].levelno == logging.ERROR  # the operator's to mend (regression review: a warning)
        # A command says so too, not that the database did not answer (regression review).
        caplog.clear()
        status = app.test_cli_runner().invoke(args=["outbox", "status"])
        assert status.exit_code == 1 and "The database is not at the version this code needs" in status.output
        assert "did not answer" not in status.output, status.output
        [logged] = [record for record in caplog.records if "Database error in a command" in record.getMessage()]
        assert logged.levelno == logging.ERROR and 'File "' not in logged.getMessage()  # one line, no frames

        # At this code's migration, the column still missing: changed by hand, said so, not "run db
        # upgrade", which would do nothing (regression review). The health check and a start say so
        # too, naming the column (operator review: "ok", and started, while every request sent failed).
        with other.begin() as changing:
            changing.execute(sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        caplog.clear()
        monkeypatch.setattr(outage, "_outage_said", {"at": -outage.OUTAGE_LOG_EVERY_SECONDS, "since": 0})
        assert walker.post("/request/submit", walker.shown).status_code == 503
        said = [record for record in caplog.records if "Database error on a request" in record.getMessage()]
        assert said and "it was changed by hand; put it back as the migrations leave it" in said[0].getMessage()
        assert "db upgrade" not in said[0].getMessage()
        health = client.get("/healthz")
        assert health.status_code == 503, health.get_json()
        assert health.get_json()["schema"] == (
            f"changed by hand: column requests.{column} missing; put it back as the migrations leave it"
        )
        from app.config import StartupError
        from app.schema import refuse_a_database_out_of_step

        with pytest.raises(StartupError, match=f"lacks column requests.{column}, which this code uses"):
            refuse_a_database_out_of_step(app)

        # Upgraded by a newer version of the code, whose migration took the column out: restart with
        # that code, not "run db upgrade", which cannot find the newer migration (regression review).
        with other.begin() as changing:
            changing.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff_newer'"))
        caplog.clear()
        monkeypatch.setattr(outage, "_outage_said", {"at": -outage.OUTAGE_LOG_EVERY_SECONDS, "since": 0})
        assert walker.post("/request/submit", walker.shown).status_code == 503
        said = [record for record in caplog.records if "Database error on a request" in record.getMessage()]
        assert said and "upgraded by a newer version of the code, which took out" in said[0].getMessage(), said
        assert "db upgrade" not in said[0].getMessage()
        from app.main import views as main_views

        monkeypatch.setattr(main_views, "DATABASE_CHECK_SECONDS", 0.0)  # (the last answer is kept 2 s)
        health = client.get("/healthz")
        assert health.status_code == 503 and "which took out column requests." in health.get_json()["schema"]
        with other.begin() as changing:
            changing.execute(sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        with other.begin() as changing:  # upgraded
            changing.exec_driver_sql(f"ALTER TABLE requests RENAME COLUMN {column}_later TO {column}")
        assert submit(walker).location.endswith("/request/submitted")
