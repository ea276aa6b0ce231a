"""Every form that saves something, sent as the database fails: the "problem with the service"
page (503), in the service's layout, with the text typed given back to copy and nothing typed in
the log; once the database is back, the same form goes through.

The faults are real, made while the form is sent: the database refusing writes (PostgreSQL:
``default_transaction_read_only``, as on a standby server after a failover, or a database set
read-only for maintenance; SQLite: ``query_only``, which refuses a write as a file turned read-only
does), so reading the session, the account and the request works and only the write fails; and,
on PostgreSQL, the connection cut as the request's first write is sent (``CutProxy``), new
connections refused until it is back.

Already covered elsewhere, on PostgreSQL (tests/test_hardening.py): a question, a details page and
Send request with the database gone (the proxy cut before the request); a details page with writes
refused and with its table locked. Found here: every facilitator's form (a note, a status, an
assignment, a session arranged, changed or cancelled, after the session, an invitation, an import,
a search by email) got a bare line of text with status 500, what was typed lost
(``app.errors.render_error``).
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.extensions import db
from app.inbox.models import TriageNote
from app.requests.fields import FIELDS, TEXT_KINDS
from app.space_sessions.models import FeedbackComment
from support import csrf_token
from support.cut_proxy import CutProxy
from support.pages import listed_digest
from support.sessions import session_form, session_has_started
from support.submission import ELIGIBLE_PATH, PAGE_FIELDS, VALID_DETAILS, fill_details, path_before, post_page
from support.walk import Walker
from support.walk import walked as walk_once
from test_form_expired import feedback_link
from test_hardening import SERVICE_PROBLEM, has_chrome
from test_inbox import EMAIL, PASSWORD, add_facilitator, pdf_with_attachment, signed_in, valid_document
from test_inbox_faults import in_a_session, request_url
from test_workflow import new_request


@dataclass
class Sent:
    """A form ready to send: the client (signed in, or part way through a journey), the page that
    carries the form (for its token), where it is sent, what it sends, and the typed text that
    must be given back."""

    client: FlaskClient
    page: str
    url: str
    data: dict[str, Any]
    typed: tuple[str, ...] = ()
    multipart: bool = False


def walked(app: Flask, way: str, walk: Callable[[Walker], None]) -> FlaskClient:
    """A new client whose journey is where ``walk`` leaves one (walked once in each process: the
    pages on the way are not what these tests are about; tests/test_request_flow.py walks them)."""
    return walk_once(app.test_client(), way, walk).client


def journey_to(app: Flask, question_id: str) -> Sent:
    def walk(walker: Walker) -> None:
        if path_before(question_id):
            walker.walk(path_before(question_id))
        else:
            walker.start()

    client = walked(app, f"question {question_id}", walk)
    value = dict(ELIGIBLE_PATH)[question_id]
    answer = value if isinstance(value, str) else list(value)
    return Sent(client, f"/questions/{question_id}", f"/questions/{question_id}", {"answer": answer})


def details_page(app: Flask, slug: str) -> Sent:
    def walk(walker: Walker) -> None:
        walker.walk(ELIGIBLE_PATH)
        for earlier, names in PAGE_FIELDS:
            if earlier == slug:
                return
            response = post_page(walker, earlier, {name: VALID_DETAILS.get(name, "") for name in names})
            assert response.status_code == 302, (earlier, response.status_code)
        raise AssertionError(f"no details page {slug}")

    client = walked(app, f"details {slug}", walk)
    names = dict(PAGE_FIELDS)[slug]
    data = {name: VALID_DETAILS.get(name, "") for name in names}
    # Every free-text field (a field added is given back too: found, new engineer's review, a list
    # written out here left a new one out).
    typed_names = {entry.name for entry in FIELDS if entry.kind in TEXT_KINDS}
    typed = tuple(value for name, value in data.items() if name in typed_names and value)
    return Sent(client, f"/request/{slug}", f"/request/{slug}", data, typed)


def identifying(app: Flask) -> Sent:
    def walk(walker: Walker) -> None:
        walker.walk(ELIGIBLE_PATH)
        response = fill_details(walker, {**VALID_DETAILS, "reflection": "I keep thinking about Jayden and his sister."})
        assert response.location.endswith("/request/check-what-you-wrote"), response.location

    client = walked(app, "check what you wrote", walk)
    listed = listed_digest(client.get("/request/check-what-you-wrote").get_data(as_text=True))  # what it listed
    return Sent(client, "/request/check-what-you-wrote", "/request/check-what-you-wrote", {"listed": listed})


def submit(app: Flask) -> Sent:
    def walk(walker: Walker) -> None:
        walker.walk(ELIGIBLE_PATH)
        fill_details(walker)

    walker = Walker(walked(app, "send request", walk))
    walker.get("/request/check-answers")
    return Sent(walker.client, "/request/check-answers", "/request/submit", walker.shown)


def started(app: Flask, url: str, data: dict[str, Any] | None = None) -> Sent:
    def walk(walker: Walker) -> None:
        walker.walk(path_before("allegation"))

    client = walked(app, "started", walk)
    return Sent(client, "/questions/allegation", url, data or {})


def inbox(app: Flask, make: Callable[[Flask, FlaskClient], Sent]) -> Sent:
    client, _ = signed_in(app)
    return make(app, client)


def note(app: Flask, client: FlaskClient) -> Sent:
    reference = new_request(app)
    typed = "Rang the practitioner: Tuesday suits."
    return Sent(client, request_url(reference), request_url(reference, "notes"), {"text": typed}, (typed,))


def note_deleted(app: Flask, client: FlaskClient) -> Sent:
    reference = new_request(app)
    token = csrf_token(client.get(request_url(reference)).get_data(as_text=True))
    client.post(request_url(reference, "notes"), data={"csrf_token": token, "text": "To delete."})
    with app.app_context():
        note_id = db.session.scalar(sa.select(TriageNote.id))
    url = request_url(reference, f"notes/{note_id}/delete")
    return Sent(client, url, url, {"confirm": "yes"})


def status(app: Flask, client: FlaskClient) -> Sent:
    reference = new_request(app)
    typed = "Not for us: the family has a plan already."
    data = {"status": "redirected", "redirected_to": "S", "reason": typed}
    return Sent(client, request_url(reference), request_url(reference, "status"), data, (typed,))


def assignment(app: Flask, client: FlaskClient) -> Sent:
    reference = new_request(app)
    with app.app_context():
        from app.inbox.models import Facilitator

        facilitator_id = db.session.scalar(sa.select(Facilitator.id))
    data = {"facilitator": str(facilitator_id)}
    return Sent(client, request_url(reference), request_url(reference, "assignment"), data)


def arranged(app: Flask, client: FlaskClient) -> Sent:
    reference = new_request(app, status="session_offered")
    form = session_form()
    return Sent(client, request_url(reference), request_url(reference, "session"), form, (form["place"],))


def changed(app: Flask, client: FlaskClient) -> Sent:
    in_a_session(app, client)
    from app.space_sessions.models import SpaceSession

    with app.app_context():
        session_id = db.session.scalar(sa.select(SpaceSession.id))
    place = "Room 9, the library, ground floor"
    url = f"/inbox/sessions/{session_id}"
    return Sent(client, url, url, session_form(start_time="11:00", place=place), (place,))


def cancelled(app: Flask, client: FlaskClient) -> Sent:
    in_a_session(app, client)
    from app.space_sessions.models import SpaceSession

    with app.app_context():
        session_id = db.session.scalar(sa.select(SpaceSession.id))
    url = f"/inbox/sessions/{session_id}/cancel"
    return Sent(client, url, url, {"confirm": "yes"})


def after_the_session(app: Flask, client: FlaskClient) -> Sent:
    reference = in_a_session(app, client)
    with app.app_context():
        from app.models import StoredRequest

        stored = db.session.scalar(sa.select(StoredRequest).where(StoredRequest.reference == reference))
        stored.status = "session_arranged"
        db.session.commit()
    session_has_started(app, reference)
    return Sent(client, request_url(reference), request_url(reference, "session-outcome"), {"outcome": "held"})


def invitation(app: Flask, client: FlaskClient) -> Sent:
    app.config.update(FACILITATOR_EMAIL="facilitators@partnership.example", SMTP_HOST="127.0.0.1")
    reference = in_a_session(app, client)
    return Sent(client, request_url(reference), request_url(reference, "invitation"), {})


def imported(app: Flask, client: FlaskClient) -> Sent:
    pdf = pdf_with_attachment("request.json", json.dumps(valid_document(app)).encode())
    data = {"pdf": (pdf, "request.pdf")}
    return Sent(client, "/inbox/import", "/inbox/import", data, multipart=True)


def find_by_email(app: Flask, client: FlaskClient) -> Sent:
    typed = "alex.practitioner@nhs.example"
    return Sent(client, "/inbox/find-by-email", "/inbox/find-by-email", {"email": typed}, (typed,))


def comment_deleted(app: Flask, client: FlaskClient) -> Sent:
    link = feedback_link(app)
    answer = app.test_client()
    token = csrf_token(answer.get(link).get_data(as_text=True))
    answer.post(link, data={"csrf_token": token, "score": "4", "comment": "It helped."})
    with app.app_context():
        comment_id = db.session.scalar(sa.select(FeedbackComment.id))
    assert comment_id is not None
    url = f"/inbox/sessions/comments/{comment_id}/delete"
    return Sent(client, url, url, {"confirm": "yes"})


def password_changed(app: Flask, client: FlaskClient) -> Sent:
    """Nothing typed here is given back: the boxes hold passwords."""
    new = "copper kettle meadow thistle"
    data = {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    return Sent(client, "/inbox/account/password", "/inbox/account/password", data)


def sign_in(app: Flask) -> Sent:
    add_facilitator(app)
    return Sent(app.test_client(), "/inbox/sign-in", "/inbox/sign-in", {"email": EMAIL, "password": PASSWORD}, (EMAIL,))


def feedback(app: Flask) -> Sent:
    link = feedback_link(app)
    typed = "It helped us slow down and think about the family."
    return Sent(app.test_client(), link, link, {"score": "4", "comment": typed}, (typed,))


FORMS: dict[str, Callable[[Flask], Sent]] = {
    "start": lambda app: started(app, "/start"),
    "start again": lambda app: started(app, "/start-again"),
    **{
        f"question {question}": (lambda app, question=question: journey_to(app, question))
        for question, _ in ELIGIBLE_PATH
    },
    **{f"details {slug}": (lambda app, slug=slug: details_page(app, slug)) for slug, _ in PAGE_FIELDS},
    "check what you wrote": identifying,
    "send request": submit,
    "sign in": sign_in,
    "note": lambda app: inbox(app, note),
    "note deleted": lambda app: inbox(app, note_deleted),
    "status": lambda app: inbox(app, status),
    "assignment": lambda app: inbox(app, assignment),
    "session arranged": lambda app: inbox(app, arranged),
    "session changed": lambda app: inbox(app, changed),
    "session cancelled": lambda app: inbox(app, cancelled),
    "after the session": lambda app: inbox(app, after_the_session),
    "invitation": lambda app: inbox(app, invitation),
    "import": lambda app: inbox(app, imported),
    "find by email": lambda app: inbox(app, find_by_email),
    "comment deleted": lambda app: inbox(app, comment_deleted),
    "password changed": lambda app: inbox(app, password_changed),
    "feedback": feedback,
}


BACK_LINK = r'<a class="govuk-link" href="([^"]+)">(?:Try this page again|Go back to that page|check your answers)'


@contextmanager
def writes_refused(app: Flask) -> Iterator[None]:
    """While inside: the app's database connections may only read, and the database refuses every
    write (PostgreSQL: ``default_transaction_read_only``, as on a standby server or a database set
    read-only for maintenance; SQLite: ``query_only``, as for a file that turned read-only)."""

    def read_only(connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = connection.cursor()
        if isinstance(connection, sqlite3.Connection):
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION default_transaction_read_only = on")
            connection.commit()
        cursor.close()

    with app.app_context():
        engines = list(db.engines.values())  # the journey's sessions have an engine of their own
    for engine in engines:
        engine.dispose()
        sa.event.listen(engine, "checkout", read_only)
    try:
        yield
    finally:
        for engine in engines:
            sa.event.remove(engine, "checkout", read_only)
            engine.dispose()


@contextmanager
def connection_cut_at_first_write(app: Flask) -> Iterator[CutProxy]:
    """While inside: the app reaches PostgreSQL through a proxy that is cut as the first write of
    a request is sent (the connection drops between reading and writing: a network fault, a
    database server restarting), once; new connections are refused until ``restore``."""
    with app.app_context():
        engines = list(db.engines.values())
    url = engines[0].url
    with CutProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:

        def through_proxy(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
            params.update(host="127.0.0.1", port=proxy.port)

        cut: list[str] = []

        def cut_at_write(statement: object) -> None:
            if not cut and str(statement).lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                cut.append(str(statement))
                proxy.cut()

        # Watched at the driver, where every statement goes: those sent through SQLAlchemy, and the
        # session's read, which goes to psycopg's own cursor (app.sessions._read).
        real_execute, real_executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

        def execute(cursor: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
            cut_at_write(query)
            return real_execute(cursor, query, *args, **kwargs)

        def executemany(cursor: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
            cut_at_write(query)
            return real_executemany(cursor, query, *args, **kwargs)

        for engine in engines:
            engine.dispose()
            # Before the app's own listener, which makes the connection: it is taken off and put back after.
            theirs = list(engine.dialect.dispatch.do_connect)
            for listener in theirs:
                sa.event.remove(engine, "do_connect", listener)
            sa.event.listen(engine, "do_connect", through_proxy)
            for listener in theirs:
                sa.event.listen(engine, "do_connect", listener)
        psycopg.Cursor.execute, psycopg.Cursor.executemany = execute, executemany  # type: ignore[method-assign]  # watched, then called as they were
        try:
            yield proxy
        finally:
            psycopg.Cursor.execute, psycopg.Cursor.executemany = real_execute, real_executemany  # type: ignore[method-assign]  # put back
            proxy.restore()
        # The connections through the proxy go with it (the app found the dead ones itself).
    for engine in engines:
        sa.event.remove(engine, "do_connect", through_proxy)
        engine.dispose()


def post(client: FlaskClient, sent: Sent, fields: dict[str, str]) -> TestResponse:
    """Send the form as a browser on this site does (a file afresh each time)."""
    data = {
        name: (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
        for name, value in sent.data.items()
    }
    response = client.post(
        sent.url,
        data={**fields, **data},
        headers={"Origin": "http://localhost"},
        content_type="multipart/form-data" if sent.multipart else None,
    )
    if sent.multipart:
        response.request.input_stream.close()  # the test client spools the body and never closes it
    return response


def send_again_form(page: str) -> tuple[str, dict[str, list[str]]] | None:
    """The "service problem" page's Send again form: its address and the fields it sends."""
    found = re.search(r'<form method="post" action="([^"]*)" novalidate data-send-again>(.*?)</form>', page, re.S)
    if found is None:
        return None
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', found.group(2)):
        fields.setdefault(html.unescape(name), []).append(html.unescape(value))
    return html.unescape(found.group(1)), fields


FAULTS = {
    "sqlite-writes refused": ("sqlite", "writes refused"),
    "postgres-writes refused": ("postgres", "writes refused"),
    "postgres-connection cut": ("postgres", "connection cut"),
}
# Every question page is the same view saving the same way: with the connection cut, two stand for
# them (one answer, several), to keep the suite's time down.
CUT_QUESTIONS = {"question mode", "question criteria"}
CASES = [
    pytest.param(
        backend,
        fault,
        form,
        marks=[pytest.mark.postgres] if backend == "postgres" else [],
        id=f"{form}-{name}",
    )
    for form in FORMS
    for name, (backend, fault) in FAULTS.items()
    if fault != "connection cut" or not form.startswith("question ") or form in CUT_QUESTIONS
]


@pytest.mark.parametrize("database_backend, fault, form", CASES, indirect=["database_backend"])
def test_every_form_that_saves_gives_the_service_problem_page_with_what_was_typed(
    app: Flask, form: str, fault: str, caplog
) -> None:
    sent = FORMS[form](app)
    page = sent.client.get(sent.page)
    assert page.status_code == 200, (sent.page, page.status_code, page.location)
    token = csrf_token(page.get_data(as_text=True))
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.get_data(as_text=True)))
    hidden.pop("csrf_token", None)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def once_back(failed: TestResponse) -> tuple[list[str], list[int], TestResponse]:
        """With the database back: the failed page's link back opened, then the same form sent
        again: by the page's Send again button where it has one (what was entered goes with it),
        else as the browser sends it from the form's page."""
        page = failed.get_data(as_text=True)
        links = re.findall(BACK_LINK, page)
        opened = [sent.client.get(link).status_code for link in links]
        again = send_again_form(page)
        if again is not None:
            action, fields = again
            resent = sent.client.post(action, data=fields, headers={"Origin": "http://localhost"})
            return links, opened, resent
        return links, opened, post(sent.client, sent, {**hidden, "csrf_token": token})

    if fault == "writes refused":
        with writes_refused(app), caplog.at_level(logging.DEBUG):
            response = post(sent.client, sent, {**hidden, "csrf_token": token})
        back, opened, again = once_back(response)
    else:
        with connection_cut_at_first_write(app) as proxy, caplog.at_level(logging.DEBUG):
            response = post(sent.client, sent, {**hidden, "csrf_token": token})
            proxy.restore()  # back, on connections the app makes again itself
            back, opened, again = once_back(response)
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 503, (
        response.status_code,
        response.location,
        re.findall(r'govuk-error-message">(.*?)</', body, re.S),
        re.findall(r"error-summary__list.*?</ul>", body, re.S),
    )
    assert all(words in body for words in SERVICE_PROBLEM) and has_chrome(body)
    assert "Traceback" not in body and PASSWORD not in body  # a password is never shown back
    if form == "feedback":  # (interrupted people review: told of saved answers it never had)
        assert "Answers you saved before this page are kept" not in body
    # Found (operator review): once the service was back, "Go back to that page" opened it empty,
    # and what was entered there (a reflection, a radio answer) was lost unless copied. The page
    # now sends the form again as it was, but never a password or a file, nor the request's Send.
    resend = send_again_form(body)
    if sent.multipart or form in ("sign in", "password changed", "send request"):
        assert resend is None, resend
    else:
        assert resend is not None and resend[0] == sent.url, resend
        assert all(
            resend[1].get(name) == (value if isinstance(value, list) else [value]) for name, value in sent.data.items()
        ), (resend, sent.data)
    for typed in sent.typed:
        assert f">{typed}</textarea>" in body, typed
    # A link back to where the form was (it opens that page, or leads to it), but for Start again,
    # a button with no page of its own.
    assert len(back) == (0 if form == "start again" else 1), back
    assert all(status in (200, 302, 303) for status in opened), (back, opened)
    # Once the database is back, the same form goes through (it was one that saves).
    assert again.status_code in (302, 303), (
        again.status_code,
        re.findall(r"error-summary__list.*?</ul>", html.unescape(again.get_data(as_text=True)), re.S),
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for typed in (*sent.typed, PASSWORD):
        assert typed not in logged, typed


def test_sqlite_connections_opened_while_the_file_could_not_be_written_are_not_kept(app: Flask) -> None:
    """Found (user review): SQLite opens a database file it may not write read-only, and the
    connection stays read-only after the file can be written again. With the pool keeping such
    connections, Start now (and every page that saves) showed the problem page until the app was
    restarted, though the fault was gone. Made here as the real fault does: connections opened
    while it lasts may only read (``query_only``: the same refusal, SQLITE_READONLY), and nothing
    closes them when it ends."""
    with app.app_context():
        engines = list(db.engines.values())
        if engines[0].dialect.name != "sqlite":
            pytest.skip("SQLite only")

    def opened_read_only(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA query_only = ON")

    for engine in engines:
        engine.dispose()
        sa.event.listen(engine, "connect", opened_read_only)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    try:
        assert client.get("/start").status_code == 503
    finally:
        for engine in engines:
            sa.event.remove(engine, "connect", opened_read_only)
    response = client.get("/start")  # the fault is gone: the page saves
    assert response.status_code == 302 and response.location.endswith("/questions/mode")


@pytest.mark.parametrize(
    "database_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_sign_out_the_database_refuses_still_signs_out_in_this_browser(app: Flask) -> None:
    """Found (regression review): a sign-out the database refused (its audit entry, the session's
    end) gave the problem page and left the inbox open in this browser, on what may be a shared
    computer, with the page saying nothing of it. The cookie goes all the same, and the page says so."""
    client, _ = signed_in(app)
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with writes_refused(app):
        refused = client.post("/inbox/sign-out", data={"csrf_token": token})
    said = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 503 and SERVICE_PROBLEM[0] in said, said
    assert "You are signed out in this browser. There is nothing more to do." in said
    assert "data-signed-out-here" in said  # (the inbox's other tabs are told: app.js)
    assert "Stay signed in" not in said  # (no sign-in left to keep: regression review)
    assert "Try again in a few minutes" not in said  # (nothing to try again)
    assert "Send again" not in said
    cookie = next(value for name, value in refused.headers.items() if name == "Set-Cookie")
    assert "space_to_think_session=;" in cookie and "Expires=Thu, 01 Jan 1970" in cookie, cookie
    back = client.get("/inbox")  # the fault gone: signed out here
    assert back.status_code == 302 and "/inbox/sign-in" in back.location


def test_a_sign_out_from_another_site_is_not_taken_while_the_database_is_down(app: Flask) -> None:
    """Regression review: during an outage, a sign-out form sent from another site's page (refused
    when the database is up) took the cookie out of the browser. It leaves it."""
    client, _ = signed_in(app)
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with writes_refused(app):
        refused = client.post("/inbox/sign-out", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code in (400, 403, 503), refused.status_code
    assert "Set-Cookie" not in refused.headers, refused.headers
    assert client.get("/inbox").status_code == 200  # still signed in here
