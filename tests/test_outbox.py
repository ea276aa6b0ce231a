"""The outbox worker: submission never waits for the mail server or the PDF renderer; the
worker makes PDFs and sends email later, retrying with backoff; several workers never send
one message twice (PostgreSQL row locks); imported PDFs are made again, never served back."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import io
import json
import re
import select as select_module
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import pypdf
import pytest
from flask import Flask
from pypdf.actions import JavaScript
from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select, update
from sqlalchemy import text as sa_text
from sqlalchemy.exc import SQLAlchemyError

import app.requests.service as request_service
from app import audit, emails
from app.config import TestConfig
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, QuestionsPdf, StoredRequest, utcnow
from app.outbox import (
    PDF_RETRY_AFTER_FAILING,
    PDF_TRIES_BEFORE_EMAIL,
    WORKER_STOPPED,
    claim_message,
    claim_pdf_job,
    failing_for_too_long,
    pdf_problem,
    pdf_retry_delay,
    retry_delay,
    run_pass,
    untried_for_too_long,
)
from app.pdf import PdfRendererNotStarted, PdfRendererStopped
from app.requests.document import SIGNATURE_NAME, request_signature
from app.retention import delete_request
from app.uk_time import uk_time
from support import both_databases
from support.mail import FACILITATORS, Mailbox, SmtpServer, only_message
from support.pdf import pdf_attachment_json
from support.servers import outbox_worker
from support.submission import VALID_DETAILS, fill_details, make_request, run_outbox, to_outcome
from test_inbox import signed_in, upload, valid_document

postgres_only = pytest.mark.parametrize(
    "database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
LATER = dt.timedelta(days=2)  # past any retry wait


class HungServer:
    """A port that accepts connections and never says anything (a hung mail server)."""

    def __init__(self) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)  # the kernel completes the handshake; nobody ever reads or writes
        self.port = int(self.listener.getsockname()[1])

    def was_contacted(self) -> bool:
        """Whether anyone has connected: nothing is ever accepted, so a connection stays waiting."""
        readable, _, _ = select_module.select([self.listener], [], [], 0)
        return bool(readable)


@pytest.fixture
def hung_smtp() -> Iterator[HungServer]:
    server = HungServer()
    try:
        yield server
    finally:
        server.listener.close()


def test_a_hung_mail_server_does_not_hold_the_sqlite_file_while_the_worker_waits(
    mail_app: Flask, hung_smtp: HungServer
) -> None:
    """On SQLite a write holds the whole file: had the worker written the attempt before sending,
    every visitor's answer saved meanwhile would wait on the mail server, then fail (a slow one
    takes up to 3 x SMTP_TIMEOUT). Another writer gets in while the send waits."""
    mail_app.config.update(SMTP_PORT=hung_smtp.port, SMTP_TIMEOUT=1)
    with mail_app.app_context():
        make_request()
        database = db.engine.url.database
        assert database
    written: dict[str, object] = {}

    def write_while_sending() -> None:
        deadline = time.monotonic() + 5
        while not hung_smtp.was_contacted() and time.monotonic() < deadline:
            time.sleep(0.01)
        written["during_send"] = hung_smtp.was_contacted()
        other = sqlite3.connect(str(database), timeout=0.2)  # another process's write: a page saving answers
        try:
            other.execute("UPDATE journey_sessions SET data = data")
            other.execute(
                "INSERT INTO audit_events (at, actor, action, reference, detail) VALUES (?, ?, ?, ?, ?)",
                ("2026-01-01 00:00:00", "test", "probe", None, ""),
            )
            other.commit()
            written["ok"] = True
        except sqlite3.OperationalError as error:
            written["ok"] = str(error)
        finally:
            other.close()

    writer = threading.Thread(target=write_while_sending)
    writer.start()
    with mail_app.app_context():
        result = run_pass()
    writer.join()
    assert result.send_failed == 1
    assert written == {"during_send": True, "ok": True}
    with mail_app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.attempts == 1 and message.last_attempt_at is not None  # the attempt is still recorded


class DrippingServer:
    """A port whose server answers every connection with a line every 0.1 s, "220-still here",
    never finishing its greeting: each wait for the server (SMTP_TIMEOUT) is short, and the
    conversation never ends. (It stops after ``GIVE_UP_AFTER`` seconds, so that without a
    limit on the whole send the test fails rather than hangs.)"""

    LINE = b"220-still here\r\n"
    EVERY = 0.1
    GIVE_UP_AFTER = 15.0

    def __init__(self) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.05)  # to see ``stopped`` soon: closing does not wake accept()
        self.port = int(self.listener.getsockname()[1])
        self.stopped = threading.Event()
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, name="dripping-smtp", daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            self.connections += 1
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        with connection:
            until = time.monotonic() + self.GIVE_UP_AFTER
            while time.monotonic() < until and not self.stopped.is_set():
                try:
                    connection.sendall(self.LINE)
                except OSError:
                    return  # the client went
                self.stopped.wait(self.EVERY)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def dripping_smtp() -> Iterator[DrippingServer]:
    server = DrippingServer()
    try:
        yield server
    finally:
        server.stop()


def count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def actions(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == name).order_by(AuditEvent.id)))


# --- off the request path ---------------------------------------------------------------------


def test_a_hung_mail_server_does_not_hold_up_submission_and_the_mail_goes_later(
    mail_app: Flask, smtp_server: SmtpServer, hung_smtp: HungServer
) -> None:
    mail_app.config.update(
        SMTP_PORT=hung_smtp.port, SMTP_TIMEOUT=0.25
    )  # seconds: the wait for the hung server, kept short
    client = mail_app.test_client()
    walker = to_outcome(client)
    fill_details(walker)
    assert walker.get("/request/check-answers").status_code == 200
    response = walker.post("/request/submit", walker.shown)
    assert response.status_code == 302 and response.location.endswith("/request/submitted")
    # Submitting did not even connect to the mail server: sending is the worker's job alone.
    assert not hung_smtp.was_contacted()
    page = client.get("/request/submitted").get_data(as_text=True)
    assert 'data-delivery="pending"' in page and "Your PDF is being prepared" in page
    with mail_app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert stored.pdf_made_at is None and message.attempts == 0 and message.sent_at is None

    # The worker: makes the PDF, then the hung server times out; the try is recorded, with a wait.
    with mail_app.app_context():
        result = run_pass()
        assert (result.pdfs_made, result.sent, result.send_failed) == (1, 0, 1)
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.attempts == 1 and message.sent_at is None
        assert "timed out" in (message.last_error or "").lower()
        assert VALID_DETAILS["name"] not in message.last_error
        assert message.next_attempt_at is not None and message.next_attempt_at > utcnow()
        assert hung_smtp.was_contacted()
        assert run_pass().send_failed == 0  # not tried again before its turn

    # The mail server works again: at its turn the message goes, with the PDF the requester gets.
    mail_app.config.update(SMTP_PORT=smtp_server.port, SMTP_TIMEOUT=5)
    smtp_server.start()
    with mail_app.app_context():
        assert run_pass(now=utcnow() + LATER).sent == 1
        stored = db.session.scalar(select(StoredRequest))
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.sent_at is not None and message.attempts == 2 and message.last_error is None
        pdf = stored.pdf
    [attachment] = list(only_message(smtp_server).iter_attachments())
    assert attachment.get_content() == pdf
    assert client.get("/request/submitted/request.pdf").data == pdf
    assert 'data-delivery="emailed"' in client.get("/request/submitted").get_data(as_text=True)


def test_a_mail_server_that_sends_a_line_every_few_seconds_is_cut_off_and_the_email_goes_later(
    mail_app: Flask, smtp_server: SmtpServer, dripping_smtp: DrippingServer
) -> None:
    """Found (robustness review): SMTP_TIMEOUT limited each wait for the server, not the whole
    send, so a server answering a line every few seconds held the worker (and its database
    transaction) for ever: no PDFs, emails or purges. The whole send now has a deadline,
    3 x SMTP_TIMEOUT, and a send cut off there is tried again later like any failed send."""
    from app.mail import SEND_DEADLINE_FACTOR

    timeout = 0.5  # seconds: well over the 0.1 s between lines (a loaded machine), so no single wait times out
    deadline = SEND_DEADLINE_FACTOR * timeout
    mail_app.config.update(SMTP_PORT=dripping_smtp.port, SMTP_TIMEOUT=timeout)
    with mail_app.app_context():
        reference = make_request().request.reference
        started = time.monotonic()
        result = run_pass()
        took = time.monotonic() - started
        assert dripping_smtp.connections == 1
        assert (result.pdfs_made, result.sent, result.send_failed, result.given_up) == (1, 0, 1, 0)
        assert deadline <= took < deadline + 2, took
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.attempts == 1 and message.sent_at is None and message.given_up_at is None
        assert message.next_attempt_at is not None and message.next_attempt_at > utcnow()
        assert (message.last_error or "").startswith(
            "Could not connect: TimeoutError: the mail server did not finish the send"  # (its greeting)
        )
        assert [(event.reference, event.detail) for event in actions("email_failed")] == [
            (reference, f"facilitators, attempt 1: {message.last_error}")
        ]
    assert not [thread for thread in threading.enumerate() if thread.name == "smtp-send-deadline"]

    # A working mail server: at its turn, the email goes.
    mail_app.config.update(SMTP_PORT=smtp_server.port, SMTP_TIMEOUT=5)
    smtp_server.start()
    with mail_app.app_context():
        assert run_pass(now=utcnow() + LATER).sent == 1
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.sent_at is not None and message.attempts == 2 and message.last_error is None
    assert only_message(smtp_server)["X-Space-To-Think-Reference"] == reference


def test_retry_waits_double_up_to_the_maximum(app: Flask) -> None:
    app.config.update(OUTBOX_RETRY_SECONDS=30, OUTBOX_RETRY_MAX_SECONDS=600)
    with app.app_context():
        assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 6, 50)] == [30, 60, 120, 240, 480, 600, 600]


def test_a_renderer_that_cannot_run_says_what_it_is_missing_and_nothing_of_the_request(
    mail_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (operator review): with a system library the renderer needs missing, the worker,
    `flask outbox status` and the inbox said only "the PDF renderer failed (OSError)"; the cause
    was in the renderer's traceback on stderr alone. What cannot be loaded is said; any other
    error's words still are not (they may quote the request)."""

    def cannot_load(request: StoredRequest, pack: object) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")

    monkeypatch.setattr(request_service, "request_pdf", cannot_load)
    with mail_app.app_context():
        make_request()
        assert run_pass().pdfs_failed == 1
        stored = db.session.scalar(select(StoredRequest))
        assert stored.pdf_error == "the PDF renderer cannot run (OSError: cannot load library 'libpango-1.0-0')"
    assert pdf_problem(ModuleNotFoundError("No module named 'weasyprint'", name="weasyprint")) == (
        "the PDF renderer cannot run (ModuleNotFoundError: no module named 'weasyprint')"
    )
    assert pdf_problem(OSError(f"[Errno 2] {VALID_DETAILS['name']}")) == "the PDF renderer failed (OSError)"
    # The renderer's own process ending, or not starting, in words (found, faults review: the inbox
    # said "the PDF renderer failed (PdfRendererStopped)").
    assert pdf_problem(PdfRendererStopped(-9)) == "the PDF renderer stopped before it finished (exit status -9)"
    assert pdf_problem(PdfRendererNotStarted(30)) == "the PDF renderer did not start within 30 s"
    # A name the module lacks (another version of it) is not a module missing (regression review).
    lacking = ImportError("cannot import name 'HTML' from 'weasyprint'", name="weasyprint")
    assert pdf_problem(lacking) == (
        "the PDF renderer cannot run (ImportError: cannot import a name from 'weasyprint' (a version of it this "
        "service was not made for?))"
    )


def broken_renderer(request: StoredRequest, pack: object) -> bytes:
    """A PDF renderer that fails every time, its error naming the practitioner (which must never
    reach the audit trail or the inbox)."""
    raise RuntimeError(f"renderer exploded on {request.details['name']}")


@both_databases
def test_a_pdf_that_cannot_be_made_keeps_the_request_flags_it_and_is_tried_again(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.start()
    client, _ = signed_in(mail_app)

    monkeypatch.setattr(request_service, "request_pdf", broken_renderer)
    with mail_app.app_context():
        reference = make_request().request.reference
        result = run_pass()
        assert (result.pdfs_made, result.pdfs_failed, result.sent) == (0, 1, 0)
        stored = db.session.scalar(select(StoredRequest))
        assert stored.details["reflection"] == VALID_DETAILS["reflection"]  # nothing typed is lost
        assert stored.pdf is None and stored.pdf_attempts == 1
        assert stored.pdf_error == "the PDF renderer failed (RuntimeError)"  # no case detail
        assert stored.pdf_next_attempt_at > utcnow()
        [failed] = actions("pdf_failed")
        assert VALID_DETAILS["name"] not in failed.detail
        assert run_pass().pdfs_failed == 0  # waits for its turn
    assert smtp_server.mailbox.messages == []  # the email waits for the PDF

    listing = client.get("/inbox").get_data(as_text=True)
    assert 'data-pdf="failed"' in listing and "Needs attention: PDF could not be made" in listing
    page = client.get(f"/inbox/requests/{reference}").get_data(as_text=True)
    assert (
        'data-pdf="failed"' in page
        and "The PDF (portable document format) file could not be made: the PDF renderer failed (RuntimeError)" in page
    )
    assert VALID_DETAILS["reflection"] in html.unescape(page)

    monkeypatch.undo()  # the renderer is mended: the next try makes it, and the email goes
    with mail_app.app_context():
        result = run_pass(now=utcnow() + LATER)
        assert (result.pdfs_made, result.sent) == (1, 1)
        stored = db.session.scalar(select(StoredRequest))
        assert stored.pdf.startswith(b"%PDF-") and stored.pdf_attempts == 2 and stored.pdf_error is None
    assert 'data-pdf="made"' in client.get("/inbox").get_data(as_text=True)
    assert len(smtp_server.mailbox.messages) == 1


@both_databases
def test_a_pdf_made_but_not_stored_for_a_full_disk_says_so_not_that_the_worker_stopped(app: Flask) -> None:
    """Found (resources review): with the database's disk full, storing a made PDF failed, the try
    was counted with no error recorded, and after three the inbox and `flask outbox status` said the
    worker had stopped while making it. Now the request says the PDF could not be stored, and why."""
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        refuse = (
            [
                "CREATE FUNCTION refuse_pdf() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$",
                "CREATE TRIGGER refuse_pdf BEFORE UPDATE OF pdf ON requests FOR EACH ROW "
                "WHEN (NEW.pdf IS NOT NULL) EXECUTE FUNCTION refuse_pdf()",
            ]
            if postgres
            else [
                "CREATE TRIGGER refuse_pdf BEFORE UPDATE OF pdf ON requests WHEN NEW.pdf IS NOT NULL "
                "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
            ]
        )
        reference = make_request().request.reference
        for statement in refuse:
            db.session.execute(sa_text(statement))
        db.session.commit()
        try:
            later = utcnow()
            for attempt in range(1, PDF_TRIES_BEFORE_EMAIL + 2):
                with pytest.raises(SQLAlchemyError):
                    run_pass(now=later)
                db.session.rollback()
                stored = db.session.scalar(select(StoredRequest))
                assert stored.pdf is None and stored.pdf_attempts == attempt
                assert stored.pdf_error.startswith("the PDF was made but could not be stored: "), stored.pdf_error
                assert WORKER_STOPPED not in stored.pdf_error
                if postgres:
                    assert "the database server's disk is full" in stored.pdf_error
                assert len(actions("pdf_failed")) == attempt
                assert (stored.pdf_failed_at is not None) == (
                    attempt >= PDF_TRIES_BEFORE_EMAIL
                )  # the email goes without
                later = max(later, stored.pdf_next_attempt_at) + dt.timedelta(seconds=1)
        finally:
            db.session.rollback()
            db.session.execute(sa_text("DROP TRIGGER refuse_pdf" + (" ON requests" if postgres else "")))
            if postgres:
                db.session.execute(sa_text("DROP FUNCTION refuse_pdf()"))
            db.session.commit()
        assert run_pass(now=later).pdfs_made == 1  # space freed: made and stored, the error gone
        stored = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        assert stored.pdf.startswith(b"%PDF-") and stored.pdf_error is None


@both_databases
def test_a_request_whose_pdf_can_never_be_made_is_emailed_to_the_facilitators_without_it(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (robustness review): the facilitators' email waited for the PDF for ever, so a request
    whose document made the renderer fail (or hang) every time was never announced: it was tried
    again every hour, and only someone opening the inbox would find it. After
    ``PDF_TRIES_BEFORE_EMAIL`` tries the email goes without the PDF, saying so; the PDF is then
    tried once a day, and the email is not sent again when it is made."""
    smtp_server.start()
    client, _ = signed_in(mail_app)

    monkeypatch.setattr(request_service, "request_pdf", broken_renderer)
    with mail_app.app_context():
        reference = make_request().request.reference
        for tries in range(1, PDF_TRIES_BEFORE_EMAIL):  # the email waits for the first tries
            assert run_pass(now=utcnow() + LATER).pdfs_failed == 1
            assert smtp_server.mailbox.messages == []
            assert db.session.scalar(select(StoredRequest.pdf_failed_at)) is None, tries
        result = run_pass(now=utcnow() + LATER)  # the last try fails, and the email goes in the same pass
        assert (result.pdfs_failed, result.sent) == (1, 1)
        stored = db.session.scalar(select(StoredRequest))
        assert stored.pdf is None and stored.pdf_attempts == PDF_TRIES_BEFORE_EMAIL and stored.pdf_failed_at
        # Tried once a day from now on, not every hour.
        assert (
            PDF_RETRY_AFTER_FAILING - dt.timedelta(minutes=1)
            < stored.pdf_next_attempt_at - utcnow()
            <= PDF_RETRY_AFTER_FAILING
        )
        [emailed] = actions("emailed_without_pdf")
        assert emailed.reference == reference and not actions("emailed")
    email = only_message(smtp_server)
    assert email["X-Space-To-Think-Reference"] == reference
    assert list(email.iter_attachments()) == []
    # Its subject says so, not only its text: in the mailbox it is not like any other request.
    assert email["Subject"] == f"Space to Think request {reference}: the PDF is not attached"
    with mail_app.app_context():
        assert (
            db.session.scalar(select(OutboxMessage.subject).where(OutboxMessage.kind == "facilitators"))
            == (email["Subject"])
        )
    text = email.get_body(("plain",)).get_content()
    assert f"Reference: {reference}" in text
    assert "could not be made, after 3 tries, so it is not attached" in text
    assert "Nothing is lost: the whole request is in the facilitators' inbox." in text
    assert "the attached PDF" not in text
    for value in (VALID_DETAILS["name"], VALID_DETAILS["email"], VALID_DETAILS["reflection"][:40]):
        assert value not in text  # no case details, as ever

    page = html.unescape(client.get(f"/inbox/requests/{reference}").get_data(as_text=True))
    assert "data-pdf-failed-at" in page
    assert (
        "The PDF (portable document format) file could not be made: the PDF renderer failed (RuntimeError) "
        "(tried 3 times). The email to the facilitators about this request goes without it. "
        "The service will try again once a day, next after" in " ".join(page.split())
    )
    assert "Needs attention: PDF could not be made" in client.get("/inbox").get_data(as_text=True)
    status = mail_app.test_cli_runner().invoke(args=["outbox", "status"])
    assert (
        f"{reference}\tPDF not made (the facilitators' email goes without it; tried once a day)\tattempts 3\t"
        "the PDF renderer failed (RuntimeError)"
    ) in status.output

    with mail_app.app_context():
        assert run_pass(now=utcnow() + dt.timedelta(hours=2)).pdfs_failed == 0  # not every hour now
    monkeypatch.undo()  # the renderer is mended: the next day's try makes it
    with mail_app.app_context():
        result = run_pass(now=utcnow() + LATER)
        assert (result.pdfs_made, result.sent) == (1, 0)  # the facilitators were told once
        assert db.session.scalar(select(StoredRequest.pdf_made_at)) is not None
    assert len(smtp_server.mailbox.messages) == 1
    assert 'data-pdf="made"' in client.get(f"/inbox/requests/{reference}").get_data(as_text=True)


def test_where_requests_are_not_emailed_the_inbox_does_not_speak_of_an_email_without_the_pdf(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without FACILITATOR_EMAIL no email is sent at all: the inbox says the PDF could not be made,
    and nothing of an email going without it."""
    client, _ = signed_in(app)

    monkeypatch.setattr(request_service, "request_pdf", broken_renderer)
    with app.app_context():
        reference = make_request().request.reference
        for _ in range(PDF_TRIES_BEFORE_EMAIL):
            run_pass(now=utcnow() + LATER)
        assert db.session.scalar(select(StoredRequest.pdf_failed_at)) is not None
    page = " ".join(html.unescape(client.get(f"/inbox/requests/{reference}").get_data(as_text=True)).split())
    assert "could not be made: the PDF renderer failed (RuntimeError) (tried 3 times). The service will try" in page
    assert "email" not in page.split("data-pdf-failed-at", 1)[1].split("</div>", 1)[0]


def test_a_pdf_the_worker_has_not_made_long_after_the_request_came_in_says_who_to_tell(app: Flask) -> None:
    """Found (dependency review): with the outbox worker stopped, a request's page in the inbox
    said its PDF was "not made yet: the service makes it in the background, usually within a
    minute" however long it had been. 15 minutes on (as for an email whose try is overdue), it says
    the PDF is still not made, since when, and to tell whoever runs the service."""
    client, _ = signed_in(app)
    with app.app_context():
        reference = make_request().request.reference
    page = " ".join(html.unescape(client.get(f"/inbox/requests/{reference}").get_data(as_text=True)).split())
    assert "usually within a minute" in page and 'data-pdf="overdue"' not in page
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        stored.created_at = utcnow() - dt.timedelta(minutes=20)
        db.session.commit()
        received = uk_time(stored.created_at)
    page = " ".join(html.unescape(client.get(f"/inbox/requests/{reference}").get_data(as_text=True)).split())
    assert 'data-pdf="overdue"' in page and "usually within a minute" not in page
    assert (
        f"The PDF (portable document format) file is still not made, though the request came in at {received}: "
        "tell whoever runs the service, as the part of it that makes PDFs and sends emails may have stopped. "
        "Nothing is lost: the whole request is shown on this page."
    ) in page
    with app.app_context():
        run_pass()  # the worker back: the PDF is offered
    page = client.get(f"/inbox/requests/{reference}").get_data(as_text=True)
    assert 'data-pdf="overdue"' not in page and f"/inbox/requests/{reference}/request.pdf" in page


def test_once_the_email_went_without_it_the_pdf_is_tried_once_a_day_as_the_inbox_says(app: Flask) -> None:
    """Once a day, whatever the usual waits: the inbox and the email say "once a day" (with
    OUTBOX_RETRY_MAX_SECONDS at a week, it was a few days)."""
    app.config.update(OUTBOX_RETRY_SECONDS=24 * 3600, OUTBOX_RETRY_MAX_SECONDS=7 * 24 * 3600)
    with app.app_context():
        request = StoredRequest(pdf_attempts=PDF_TRIES_BEFORE_EMAIL, pdf_failed_at=utcnow())
        assert pdf_retry_delay(request) == PDF_RETRY_AFTER_FAILING == dt.timedelta(days=1)
        request.pdf_failed_at = None
        assert pdf_retry_delay(request) == retry_delay(PDF_TRIES_BEFORE_EMAIL) == dt.timedelta(days=4)


@both_databases
def test_a_request_whose_pdf_takes_the_worker_down_every_time_is_still_announced(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A try that ends with the worker (killed for memory, a crash in a library) records no
    failure: after ``PDF_TRIES_BEFORE_EMAIL`` of them the next worker to take the request says
    so, and the facilitators' email goes without the PDF."""
    smtp_server.start()

    def renderer(stored, pack):  # type: ignore[no-untyped-def]
        raise SystemExit("the process went down while rendering")

    monkeypatch.setattr(request_service, "request_pdf", renderer)
    with mail_app.app_context():
        reference = make_request().request.reference
    for _ in range(PDF_TRIES_BEFORE_EMAIL + 1):
        with mail_app.app_context():
            with pytest.raises(SystemExit):
                run_pass(now=utcnow() + LATER)
            db.session.rollback()
            db.session.remove()
        assert smtp_server.mailbox.messages == []  # the worker went down before the emails
    with mail_app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        assert stored.pdf_failed_at is not None and stored.pdf_error == WORKER_STOPPED
        [failed] = actions("pdf_failed")
        assert failed.detail == f"attempt {PDF_TRIES_BEFORE_EMAIL}: {WORKER_STOPPED}"
    monkeypatch.undo()
    with mail_app.app_context():
        assert run_pass().sent == 1  # the PDF is not due for a day; the email goes now
    assert only_message(smtp_server)["X-Space-To-Think-Reference"] == reference


def test_emails_and_pdfs_still_failing_after_half_an_hour_make_the_health_check_degraded(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (operations review): with the mail server stopped, or the PDF renderer broken, the
    health check said "ok" for as long as it lasted: the worker was running and trying, so no
    monitor told anyone that requests reached no one. A blip is not said; half an hour is."""
    from app.main import views as main_views

    working_renderer = request_service.request_pdf
    monkeypatch.setattr(main_views, "DATABASE_CHECK_SECONDS", 0.0)  # each check asks the database
    client = mail_app.test_client()
    with mail_app.app_context():  # the mail server not started: nothing answers
        make_request()
        assert run_pass().send_failed == 1  # its PDF made, its first email not sent
        monkeypatch.setattr(request_service, "request_pdf", broken_renderer)
        make_request()
        assert run_pass().pdfs_failed == 1  # another request's PDF not made
    assert client.get("/healthz").get_json()["outbox"] == "ok"  # tried a moment ago: not yet said
    with mail_app.app_context():
        half_an_hour_ago = utcnow() - dt.timedelta(minutes=31)
        db.session.execute(sa_text("UPDATE requests SET created_at = :at"), {"at": half_an_hour_ago})
        db.session.execute(sa_text("UPDATE outbox SET created_at = :at"), {"at": half_an_hour_ago})
        db.session.commit()
    said = client.get("/healthz")
    assert said.status_code == 200 and said.get_json()["status"] == "degraded"
    assert said.get_json()["outbox"] == (
        "1 email not sent (is the mail server answering?) and 1 request PDF not made (is the PDF renderer "
        "working?) after trying for over 30 minutes: run flask outbox status to see why, and flask outbox send "
        "once it is mended"
    )
    # Mended: the renderer and the mail server work again, and the worker catches up.
    monkeypatch.setattr(request_service, "request_pdf", working_renderer)
    smtp_server.start()
    with mail_app.app_context():
        db.session.execute(sa_text("UPDATE requests SET pdf_next_attempt_at = NULL"))
        # Their turn has come (a time to try again set after each failed try, as the worker sets it).
        db.session.execute(sa_text("UPDATE outbox SET next_attempt_at = :now"), {"now": utcnow()})
        db.session.commit()
        for _ in range(3):
            run_pass()
        assert failing_for_too_long() == (0, 0)
    assert client.get("/healthz").get_json()["outbox"] == "ok"


def test_a_pdf_that_keeps_failing_does_not_read_as_the_worker_not_running(
    mail_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (robustness review): the health check counted the facilitators' email waiting for its
    PDF as "not tried for over 10 minutes: is the outbox worker running?", though the worker was
    running and trying the PDF. That email is not due until the PDF is made or has failed too often."""

    monkeypatch.setattr(request_service, "request_pdf", broken_renderer)
    with mail_app.app_context():
        make_request()
        long_ago = utcnow() - dt.timedelta(minutes=20)
        db.session.execute(sa_text("UPDATE requests SET created_at = :at"), {"at": long_ago})
        db.session.execute(sa_text("UPDATE outbox SET created_at = :at"), {"at": long_ago})
        db.session.commit()
        assert untried_for_too_long() == 1  # the PDF not tried at all: the worker is not running
        assert run_pass().pdfs_failed == 1
        assert untried_for_too_long() == 0  # the PDF was tried; its email waits for it
    assert mail_app.test_client().get("/healthz").get_json()["outbox"] == "ok"


@both_databases
@pytest.mark.parametrize("render", ["made", "failed"])
def test_a_request_deleted_while_its_pdf_is_being_made_is_passed_over_quietly(
    mail_app: Flask,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    render: str,
) -> None:
    """Found (operations review): a request deleted (``flask requests delete``, or the retention
    purge) while the worker was making its PDF made the pass end in a database error, logged as
    the database not answering, and the other requests' PDFs and emails waited for the next pass.
    Now the worker sees the request has gone, says so in one plain line, and carries on."""
    real = request_service.request_pdf

    def renderer(stored: StoredRequest, pack: object) -> bytes:
        if stored.reference == gone:
            with mail_app.app_context():  # someone else, on their own connection, deletes it meanwhile
                delete_request(gone)
                db.session.remove()
            if render == "failed":
                raise RuntimeError("the renderer failed as well")
        return real(stored, pack)

    smtp_server.start()
    monkeypatch.setattr(request_service, "request_pdf", renderer)
    with mail_app.app_context():
        gone = make_request().request.reference
        kept = make_request().request.reference
    caplog.set_level("INFO")
    with mail_app.app_context():
        result = run_pass()
        assert (result.pdfs_made, result.pdfs_failed) == (1, 0)
        assert db.session.scalar(select(StoredRequest.reference)) == kept
        assert [event.reference for event in actions("pdf_made")] == [kept]
        assert not actions("pdf_failed")
    # The other request's PDF and emails went in the same pass.
    sent = {message["X-Space-To-Think-Reference"] for message in smtp_server.mailbox.messages}
    assert sent == {kept}
    worker_lines = [line for line in caplog.records if line.name == mail_app.logger.name]
    assert [line.levelname for line in worker_lines] == ["INFO"]
    assert gone not in caplog.text and "Traceback" not in caplog.text


@both_databases
def test_the_pdf_of_the_newest_request_deleted_as_it_is_made_is_stored_on_no_other(
    mail_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite gave a new row the number of the newest one deleted (before migration 0022): a
    request deleted while its PDF was being made, and another received meanwhile, would have had
    the first's PDF stored on it, for its facilitators to open. Now the new request has a number
    of its own, and the PDF made finds no row to go on."""
    made_for_gone = b"%PDF-1.7 the deleted request's PDF"

    def renderer(stored: StoredRequest, pack: object) -> bytes:
        if stored.reference == gone:
            with mail_app.app_context():  # deleted, and a new request received, on other connections
                delete_request(gone)
                newcomer.append(make_request().request.id)
                db.session.remove()
            return made_for_gone
        return b"%PDF-1.7 another request's PDF"

    monkeypatch.setattr(request_service, "request_pdf", renderer)
    newcomer: list[int] = []
    with mail_app.app_context():
        make_request()
        stored = make_request().request  # the newest
        gone, gone_id = stored.reference, stored.id
        run_pass()
        assert newcomer and newcomer[0] != gone_id
        assert made_for_gone not in set(db.session.scalars(select(StoredRequest.pdf)))


def test_a_pdf_being_made_is_not_taken_by_another_worker_before_its_limit(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With OUTBOX_RETRY_SECONDS under the render's limit, a second worker took a request whose PDF
    was still being made, and rendered it again beside the first (and could have counted a try
    still going as failed). Not due again before the render can have ended."""
    app.config.update(OUTBOX_RETRY_SECONDS=1, PDF_RENDER_TIMEOUT_SECONDS=60)
    real = request_service.request_pdf
    taken_meanwhile: list[object] = []

    def renderer(stored, pack):  # type: ignore[no-untyped-def]
        with app.app_context():  # another worker, its own session, looking a little later
            taken = claim_pdf_job(utcnow() + dt.timedelta(seconds=30), set())
            taken_meanwhile.append(taken.reference if taken else None)
            db.session.rollback()
        return real(stored, pack)

    monkeypatch.setattr(request_service, "request_pdf", renderer)
    with app.app_context():
        make_request()
        assert run_pass().pdfs_made == 1
    assert taken_meanwhile == [None]


@both_databases
def test_outbox_send_leaves_a_pdf_being_made_to_the_worker_making_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`flask outbox send` ignores the waits, and so took a request whose PDF a worker was still
    making (the try is committed before rendering, which ends the row's lock): it rendered it
    again beside the worker and, on the request's third try, recorded that "the outbox worker
    stopped while making it" and sent the facilitators' email without the PDF being made. A PDF
    being made is left to its worker, whatever the schedule, until the render can have ended."""
    real = request_service.request_pdf
    renders: list[str] = []
    sent_meanwhile: list[str] = []

    def renderer(stored, pack):  # type: ignore[no-untyped-def]
        renders.append(stored.reference)
        if len(renders) == 1:  # the worker's render: someone runs `flask outbox send` meanwhile
            sent_meanwhile.append(app.test_cli_runner().invoke(args=["outbox", "send"]).output)
        return real(stored, pack)

    with app.app_context():
        make_request()
        db.session.execute(sa_text("UPDATE requests SET pdf_attempts = :tries"), {"tries": PDF_TRIES_BEFORE_EMAIL - 1})
        db.session.commit()
        monkeypatch.setattr(request_service, "request_pdf", renderer)
        assert run_pass(now=utcnow() + LATER).pdfs_made == 1
        assert [event.detail for event in actions("pdf_failed")] == []  # not "the outbox worker stopped"
        stored = db.session.scalar(select(StoredRequest))
        assert stored.pdf_made_at is not None and stored.pdf_attempts == PDF_TRIES_BEFORE_EMAIL
        assert stored.pdf_error is None and stored.pdf_failed_at is None and stored.pdf_render_began_at is None
        assert len(actions("pdf_made")) == 1
    assert len(renders) == 1  # made once, by the worker
    assert "1 request still without a PDF" in sent_meanwhile[0]


def test_an_email_that_cannot_be_made_waits_and_never_stops_the_others_or_the_worker(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (robustness review 14): a fault making an email (an acknowledgement template with a
    mistake in it) was not caught, so it ended the worker before the attempt was recorded; each
    restart tried that email first and died again, and no email after it ever went. Now it is
    recorded (its type, never its words), tried again later, and the others go."""
    import jinja2

    from app import emails, mail, outbox

    smtp_server.start()
    real_build = emails.build_email

    def broken_acknowledgement(message: OutboxMessage, request: StoredRequest) -> object:
        if message.kind == mail.ACKNOWLEDGEMENT:
            raise jinja2.TemplateSyntaxError(f"unexpected end near {request.details['name']}", 35)
        return real_build(message, request)

    monkeypatch.setattr(emails, "build_email", broken_acknowledgement)
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    with mail_app.app_context():
        first, second = make_request().request.reference, make_request().request.reference
        result = run_pass()
        assert (result.sent, result.send_failed) == (2, 2)  # both facilitators' emails went
        failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()
        assert {m.request.reference for m in failed} == {first, second}
        assert {m.last_error for m in failed} == {"The service could not make the email (TemplateSyntaxError)"}
        assert all(m.attempts == 1 and m.next_attempt_at > utcnow() for m in failed)
        assert not any(VALID_DETAILS["name"] in event.detail for event in actions("email_failed"))
        assert mail.mail_problem_words(failed[0].last_error) == "the service could not make it (a fault in the service)"

        def broken_pass(**_kwargs: object) -> outbox.PassResult:
            raise KeyError("a fault no one foresaw")

        stop = threading.Event()
        passes: list[int] = []
        monkeypatch.setattr(outbox, "run_pass", lambda **kwargs: passes.append(1) or broken_pass(**kwargs))
        monkeypatch.setattr(outbox, "purge_due", lambda _purges: (len(passes) >= 2 and stop.set()) or (0, 0))
        outbox.run_worker(stop, 0.01)  # the loop carries on past a fault: it ends only when stopped
        assert len(passes) >= 2
    assert len(smtp_server.mailbox.messages) == 2


def test_a_fault_queuing_the_reminders_never_stops_the_pdfs_and_emails(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (operations review): queuing the reminders came first in each pass, uncaught: a
    fault making one (its template with a mistake, say) ended every pass there, so no PDF was made
    and no email sent, for any request. It is logged (its type, never its words) and the pass goes on."""
    import jinja2

    from app import outbox

    def broken_reminders(_now: object = None) -> int:
        raise jinja2.TemplateSyntaxError(f"unexpected end near {VALID_DETAILS['name']}", 12)

    monkeypatch.setattr(outbox, "queue_reminders", broken_reminders)
    smtp_server.start()
    with mail_app.app_context():
        make_request()
        result = run_pass()
    assert (result.pdfs_made, result.sent, result.reminders_queued) == (1, 1, 0)
    assert [str(message["To"]) for message in smtp_server.mailbox.messages] == [FACILITATORS]
    assert "the reminders due were not queued (TemplateSyntaxError)" in caplog.text
    assert VALID_DETAILS["name"] not in caplog.text


# --- several workers --------------------------------------------------------------------------


@postgres_only
def test_a_claimed_message_is_skipped_by_another_worker(mail_app: Flask) -> None:
    with mail_app.app_context():
        for _ in range(2):
            make_request()
        db.session.execute(StoredRequest.__table__.update().values(pdf=b"%PDF-", pdf_made_at=utcnow()))
        db.session.commit()
    with mail_app.app_context():  # worker A holds its claims (its transaction is open)
        now = utcnow()
        first = claim_message(now, set())
        with mail_app.app_context():  # worker B: its own session and connection
            second = claim_message(now, set())
            assert second is not None and second.id != first.id
            with mail_app.app_context():  # worker C finds nothing left to claim
                assert claim_message(now, set()) is None
            db.session.rollback()
        db.session.rollback()


def waiting_record(key: str, began: dt.datetime | None = None) -> None:
    """A supervision record asked for (its HTML stored), for the worker to make. Uncommitted."""
    from app.models import SupervisionRecord

    now = utcnow()
    db.session.add(
        SupervisionRecord(
            key=key,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=30),
            html="<!DOCTYPE html><html lang='en-GB'><head><title>Record</title></head><body>Record</body></html>",
            render_began_at=began,
        )
    )


def test_outbox_status_says_first_what_a_long_list_comes_to(app: Flask) -> None:
    """Found (volume review): after a day with the mail server down, `flask outbox status` printed
    hundreds of lines before the one that said what needed attention. From 11 lines, its first says
    what they come to; a short list is as it was."""
    from support.submission import make_request

    runner = app.test_cli_runner()
    with app.app_context():
        for _ in range(3):
            make_request()
    short = runner.invoke(args=["outbox", "status"]).output.splitlines()
    assert len(short) == 3 and short[0].startswith("STT-")
    with app.app_context():
        for _ in range(9):
            make_request()
    said = runner.invoke(args=["outbox", "status"]).output.splitlines()
    assert said[0] == "12 listed below: 12 request PDFs not made"
    assert len([line for line in said if line.startswith("STT-")]) == 12


def test_outbox_status_lists_supervision_records_and_questions_pdfs_not_made(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (operations review): `flask outbox status` said "Every PDF is made and every email
    sent." while supervision records waited untried (the worker stopped) or had failed, and while
    the questions to prepare could not be made. It lists them now: a record by when it was asked
    for (it belongs to no request, so it has no reference) and never anything of its answers; the
    questions' PDF by its mode and rules version; each with its tries and the last error."""
    from app import models as models_module
    from app.models import QuestionsPdf, SupervisionRecord
    from support.clock import stop_clock

    # Midday (UTC): the records below were asked for this morning, whenever the test runs (it
    # failed from midnight to 09:15, when they were asked for later today).
    stop_clock(
        monkeypatch, dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(12), tzinfo=dt.UTC), models_module
    )
    runner = app.test_cli_runner()
    nothing = runner.invoke(args=["outbox", "status"])
    assert nothing.output == "Every PDF is made and every email sent.\n" and nothing.exit_code == 0
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    with app.app_context():
        waiting_record("waiting")
        waiting_record("being made", began=today + dt.timedelta(hours=9, minutes=7))
        waiting_record("failed")
        db.session.flush()
        for job in db.session.scalars(select(SupervisionRecord)):
            job.html = "<p>The practitioner is stuck about the plan</p>"
            job.created_at = today + dt.timedelta(hours=9, minutes={"waiting": 4, "being made": 5}.get(job.key, 6))
        failed = db.session.get(SupervisionRecord, "failed")
        failed.render_began_at, failed.failed_at = None, utcnow()
        failed.error, failed.html = "the PDF renderer failed (OSError)", None
        db.session.add(
            QuestionsPdf(
                pack_version="abc123",
                partnership_version="def456",
                mode="supervision",
                attempts=2,
                failed_at=utcnow(),
                next_attempt_at=utcnow() + dt.timedelta(minutes=2),
                error="the PDF renderer failed (OSError)",
            )
        )
        db.session.add(QuestionsPdf(pack_version="abc123", partnership_version="def456", mode="myself", attempts=0))
        db.session.commit()
    status = runner.invoke(args=["outbox", "status"])
    output = status.output
    assert output.splitlines() == [
        "supervision record\twaiting since 09:04 UTC\tattempts 0\t-",
        "supervision record\tbeing made since 09:07 UTC\tattempts 1\t-",
        "supervision record\tnot made (the person was told, and can ask again)\tattempts 1\t"
        "the PDF renderer failed (OSError)",
        "questions to prepare\tPDF not made (supervision mode, rules version abc123; tried again later)\t"
        "attempts 2\tthe PDF renderer failed (OSError)",
        # As the health check says it, and exit 1, for a scheduled check (found, operations review).
        "Needs attention: 1 PDF or email not tried for over 10 minutes (is the outbox worker running?).",
    ]
    assert status.exit_code == 1
    assert "stuck" not in output and "Every PDF is made" not in output
    with app.app_context():  # asked for on an earlier day: the date is said too
        db.session.execute(
            SupervisionRecord.__table__.update()
            .where(SupervisionRecord.key == "waiting")
            .values(created_at=today - dt.timedelta(days=1) + dt.timedelta(hours=23, minutes=59))
        )
        db.session.commit()
    yesterday = today - dt.timedelta(days=1)
    assert f"supervision record\twaiting since {yesterday:%Y-%m-%d} 23:59 UTC\tattempts 0\t-" in (
        runner.invoke(args=["outbox", "status"]).output
    )


@both_databases
def test_a_supervision_record_removed_while_it_is_being_made_is_passed_over_quietly(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """As for a request: a record the person removed (Start again, Exit, "remove this page") while
    the worker was making it ended the pass in a database error; the next record waited."""
    from app import supervision_record as record
    from app.models import SupervisionRecord

    real = record.render_record

    def renderer(job: SupervisionRecord) -> bytes:
        if job.key == "removed":
            with app.app_context():  # the person's page, on its own connection
                db.session.execute(sa_delete(SupervisionRecord).where(SupervisionRecord.key == "removed"))
                db.session.commit()
                db.session.remove()
        return real(job)

    monkeypatch.setattr(record, "render_record", renderer)
    with app.app_context():
        waiting_record("removed")
        db.session.flush()
        waiting_record("kept")
        db.session.get(SupervisionRecord, "kept").created_at += dt.timedelta(seconds=1)  # made second
        db.session.commit()
    caplog.set_level("INFO")
    with app.app_context():
        result = run_pass()
        assert (result.pdfs_made, result.pdfs_failed) == (1, 0)
        [kept] = db.session.scalars(select(SupervisionRecord))
        assert kept.key == "kept" and kept.made_at is not None
    worker_lines = [line for line in caplog.records if line.name == app.logger.name]
    assert [(line.levelname, line.getMessage()) for line in worker_lines] == [
        ("INFO", "A supervision record was deleted while its PDF was being made: nothing to store")
    ]


@postgres_only
def test_a_claimed_supervision_record_is_skipped_by_another_worker(mail_app: Flask) -> None:
    """Supervision records are claimed as the other work is (SKIP LOCKED): two workers never
    make the same one."""
    from app.supervision_record import claim_record_job

    with mail_app.app_context():
        waiting_record("first")
        waiting_record("second")
        db.session.commit()
    may_last = dt.timedelta(seconds=75)
    with mail_app.app_context():  # worker A holds its claim (its transaction is open)
        now = utcnow()
        first = claim_record_job(now, set(), may_last)
        with mail_app.app_context():  # worker B: its own session and connection
            second = claim_record_job(now, set(), may_last)
            assert first is not None and second is not None and second.key != first.key
            with mail_app.app_context():  # worker C finds nothing left to claim
                assert claim_record_job(now, set(), may_last) is None
            db.session.rollback()
        db.session.rollback()


def test_a_supervision_record_whose_worker_stopped_while_making_it_is_not_tried_again(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """A try begun and never ended (the worker killed mid-render): marked as not made, so the
    person's page says to try again, rather than rendered again and again until it expires."""
    from app.models import SupervisionRecord

    with app.app_context():
        waiting_record("stopped", began=utcnow() - dt.timedelta(hours=1))
        waiting_record("fresh")
        db.session.commit()
        result = run_pass()
        assert (result.pdfs_made, result.pdfs_failed) == (1, 1)
        stopped = db.session.get(SupervisionRecord, "stopped")
        fresh = db.session.get(SupervisionRecord, "fresh")
        assert stopped is not None and stopped.failed_at is not None and stopped.error == WORKER_STOPPED
        assert stopped.html is None and stopped.pdf is None
        assert fresh is not None and fresh.made_at is not None and fresh.pdf and fresh.html is None
    assert "Supervision record not made: " + WORKER_STOPPED in caplog.text


class SlowMailbox(Mailbox):
    """A mail server that takes a moment over each message (so two workers overlap)."""

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(0.1)
        return await super().handle_DATA(server, session, envelope)


@postgres_only
def test_two_workers_never_send_the_same_message_twice(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.mailbox = SlowMailbox()
    smtp_server.start()

    def quick_pdf(request: StoredRequest, pack: object) -> bytes:  # the renderer is not what is tested here
        time.sleep(0.05)
        return f"%PDF-1.7 {request.reference}".encode()

    monkeypatch.setattr(request_service, "request_pdf", quick_pdf)
    with mail_app.app_context():
        references = sorted(make_request().request.reference for _ in range(6))
    barrier = threading.Barrier(2)
    results: list[object] = []

    def worker() -> None:
        with mail_app.app_context():
            barrier.wait()
            results.append(run_pass())

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2, "a worker failed"
    sent = sorted(message["X-Space-To-Think-Reference"] for message in smtp_server.mailbox.messages)
    assert sent == references  # each once
    assert sum(r.sent for r in results) == 6 and all(r.sent >= 1 for r in results)  # both did some
    assert sum(r.pdfs_made for r in results) == 6
    with mail_app.app_context():
        assert [m.attempts for m in db.session.scalars(select(OutboxMessage))] == [1] * 6
        assert len(actions("pdf_made")) == 6 and len(actions("emailed")) == 6
        assert claim_pdf_job(utcnow(), set()) is None
        db.session.rollback()


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)  # PostgreSQL: above (row locks)
def test_on_sqlite_outbox_send_beside_the_worker_sends_each_email_once(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (regression review): on SQLite, `flask outbox send` run while the worker was
    sending sent 75 of 120 emails twice: SQLite has no row locks, and neither looked at the
    attempt the other had started. Each now marks its start in one statement that finds another
    process's attempt under way, and leaves that email to it."""
    from app.outbox import make_pdf

    smtp_server.mailbox = SlowMailbox()
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    smtp_server.start()
    with mail_app.app_context():
        for n in range(4):
            make_request(details={**VALID_DETAILS, "email": f"worker{n}@school.example"})
        while (job := claim_pdf_job(utcnow(), set())) is not None:  # the PDFs made: only the emails are due
            assert make_pdf(job)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def worker(command: bool) -> None:  # the worker's pass, and `flask outbox send`'s
        with mail_app.app_context():
            barrier.wait()
            results.append(run_pass(ignore_schedule=command, all_pdfs=command))

    threads = [threading.Thread(target=worker, args=(command,)) for command in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2, "a pass failed"
    sent = sorted(str(message["To"]) for message in smtp_server.mailbox.messages)
    assert sent == sorted([FACILITATORS] * 4 + [f"worker{n}@school.example" for n in range(4)])  # each once
    with mail_app.app_context():
        assert [m.attempts for m in db.session.scalars(select(OutboxMessage))] == [1] * 8
        assert all(m.sent_at is not None for m in db.session.scalars(select(OutboxMessage)))


# --- imports ----------------------------------------------------------------------------------


def pdf_with_script(document: dict) -> bytes:
    """A request PDF as an attacker might send it: the right data (signed, as if the service's own
    PDF had been altered under its key), plus JavaScript."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_open_action(JavaScript("app.alert('hello from the upload');"))
    content = json.dumps(document).encode()
    writer.add_attachment("request.json", content)
    writer.add_attachment(SIGNATURE_NAME, request_signature(content, TestConfig.SECRET_KEY))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@both_databases
def test_an_imported_request_gets_a_pdf_made_by_the_app_never_the_upload(app: Flask) -> None:
    client, _ = signed_in(app)
    document = valid_document(app)
    uploaded = pdf_with_script(document)
    assert b"/JavaScript" in uploaded or b"/JS" in uploaded
    response = upload(client, uploaded)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        assert stored.pdf is None and stored.details == document["details"]
    run_outbox(app)
    served = client.get(f"/inbox/requests/{document['reference']}/request.pdf").data
    assert served.startswith(b"%PDF-") and served != uploaded
    assert b"/JavaScript" not in served and b"/JS" not in served and b"hello from the upload" not in served
    assert pdf_attachment_json(served) == document


@pytest.mark.parametrize("field", ["outcome", "rule_pack_version", "reflection"])
def test_an_import_with_text_the_database_cannot_hold_is_refused_plainly(app: Flask, field: str) -> None:
    client, _ = signed_in(app)
    document = valid_document(app)
    if field == "reflection":
        document["details"]["reflection"] = "lone \ud800 surrogate"
    else:
        document[field] = "P\x00"
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("request.json", json.dumps(document).encode())
    buffer = io.BytesIO()
    writer.write(buffer)
    response = upload(client, buffer.getvalue())
    assert response.status_code == 200
    assert "damaged or incomplete" in response.get_data(as_text=True)
    with app.app_context():
        assert count(StoredRequest) == 0


# --- the command ------------------------------------------------------------------------------


@pytest.mark.parametrize("poll", ["inf", "1e12", "0", "nan"])
def test_a_wait_between_looks_for_work_no_clock_can_time_is_refused_in_a_sentence(app: Flask, poll: str) -> None:
    # ("nan" passed the range, and the worker then looked for work without ever waiting.)
    result = app.test_cli_runner().invoke(args=["outbox", "worker", "--poll", poll])
    assert result.exit_code == 2, (result.output, result.exception)
    assert f"Invalid value for '--poll': {float(poll)} is not in the range 0.05<=x<=3600." in result.output, (
        result.output
    )


def test_a_worker_with_no_mail_server_set_says_which_setting_not_that_the_server_refused(mail_app: Flask) -> None:
    """Found (administrator review): a worker started without the web app's mail settings took the
    emails, and `flask outbox status` said "the mail server could not take it [RuntimeError: SMTP_HOST
    is not set]", blaming a mail server that was never asked."""
    with mail_app.app_context():
        make_request()
    mail_app.config["SMTP_HOST"] = None  # the worker's own settings, without the web app's
    result = mail_app.test_cli_runner().invoke(args=["outbox", "worker", "--once"])
    assert result.exit_code == 0, result.output
    status = mail_app.test_cli_runner().invoke(args=["outbox", "status"]).output
    assert (
        "the service has no mail server set to send it through (set SMTP_HOST in the outbox worker's settings, as "
        "in the web app's)" in status
    ), status
    assert "the mail server could not take it" not in status


def test_worker_once_command(mail_app: Flask, smtp_server: SmtpServer) -> None:
    smtp_server.start()
    with mail_app.app_context():
        make_request()
    result = mail_app.test_cli_runner().invoke(args=["outbox", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Made 1 PDF (0 failed); sent 1 message (0 failed)." in result.output
    assert len(smtp_server.mailbox.messages) == 1


def test_a_template_with_a_mistake_stops_the_worker_and_the_web_app_naming_its_file_and_line(
    app: Flask, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (new engineer's review): an ``endmacro`` left inside a ``for`` in the request PDF's
    template let the app and the worker start; the practitioner was told "Request sent", and only
    the worker's log said "the PDF renderer failed (TemplateSyntaxError)", with no file or line.
    Our templates are read when the worker starts (and when the web app is served, ``wsgi.py``):
    a mistake stops it, naming the template and its line."""
    import app.templating as templating

    assert templating.template_mistake(app) is None  # ours, as they are
    # Read once a process: reading them again compiles none (each compiled was 0.35 s for them all
    # at every `flask outbox send` and worker start, 9% of some test files' time); a changed one is.
    compiled: list[str] = []
    compile_it = app.jinja_env.compile
    monkeypatch.setattr(
        app.jinja_env, "compile", lambda source, name, *a: compiled.append(name) or compile_it(source, name, *a)
    )
    assert templating.template_mistake(app) is None and compiled == []
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "request.html").write_text(
        "<h1>{{ reference }}</h1>\n{% for row in rows %}\n  {{ row }}\n{% endmacro %}\n", encoding="utf-8"
    )
    (tmp_path / "govuk_frontend_jinja").mkdir()  # GOV.UK Frontend's own: not read
    (tmp_path / "govuk_frontend_jinja" / "broken.html").write_text("{% if %}", encoding="utf-8")
    said = templating.template_mistake(app, tmp_path)
    assert said is not None and said.startswith(
        "templates/pdf/request.html, line 4: Encountered unknown tag 'endmacro'"
    )
    assert compiled == ["pdf/request.html"]
    # The PDFs' style sheet is a template too, and a filter that does not exist is a mistake
    # (found, regression review: neither was found).
    (tmp_path / "pdf" / "request.html").write_text("<h1>{{ reference }}</h1>\n", encoding="utf-8")
    (tmp_path / "pdf" / "print.css").write_text("a { color: {{ partnership.colours.brand }; }\n", encoding="utf-8")
    said = templating.template_mistake(app, tmp_path)
    assert said is not None and said.startswith("templates/pdf/print.css, line 1:"), said
    (tmp_path / "pdf" / "print.css").write_text("a { color: {{ colour | nosuchfilter }}; }\n", encoding="utf-8")
    said = templating.template_mistake(app, tmp_path)
    assert said == "templates/pdf/print.css, line 1: No filter named 'nosuchfilter'.", said
    # One inside an "if", which Jinja checks only when it runs (found, regression review).
    (tmp_path / "pdf" / "print.css").write_text("{% if c %}\na { color: {{ c | nosuchfilter }}; }\n{% endif %}\n")
    said = templating.template_mistake(app, tmp_path)
    assert said == "templates/pdf/print.css, line 2: No filter named 'nosuchfilter'.", said
    (tmp_path / "pdf" / "print.css").unlink()
    (tmp_path / "pdf" / "request.html").write_text(
        "<h1>{{ reference }}</h1>\n{% for row in rows %}\n  {{ row }}\n{% endmacro %}\n", encoding="utf-8"
    )
    monkeypatch.setattr(templating, "TEMPLATES_ROOT", tmp_path)
    compiled.clear()  # (the mistake as it was before, found again where it was: read once)
    for command in (["outbox", "worker", "--once"], ["outbox", "send"], ["outbox", "remind"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 3, command  # (send and remind render them too: regression review)
        said = "Space to Think cannot start: a template has a mistake: templates/pdf/request.html, line 4"
        assert said in result.output, command
    assert compiled == []


# How long the real worker process may take to start and make a PDF: only for a test that fails.
# It starts its renderer and makes every PDF due (real ones with WeasyPrint): found taking 25 of the
# 60 seconds once allowed, on a machine busy with other work.
WORKER_DEADLINE = 180


@pytest.mark.real_pdf
def test_the_worker_process_makes_the_pdfs_and_a_record_a_browser_asked_for_purges_and_stops_on_sigterm(
    app: Flask,
) -> None:
    """The real worker process makes the PDFs, and deletes expired answers and old requests on
    its own as soon as it starts (no cron needed). Then, over HTTP, the supervision record a
    browser asks for is made by the same worker (never in the page), the page's status says so,
    and the download is the record. SIGTERM stops it cleanly. (One worker for both: each start is
    an interpreter, the app, a renderer and the questions' PDFs.)"""
    from sqlalchemy import update

    from app.questions_to_prepare import PREPARE_MODES
    from app.sessions import JourneySessionRow
    from support.pdf import pdf_reader, pdf_text
    from support.submission import SUPERVISION_PATH

    with app.app_context():
        reference = make_request().request.reference
        make_request(now=utcnow() - dt.timedelta(days=int(app.config["RETENTION_DAYS"]) + 1))  # past retention
    assert app.test_client().get("/start").status_code in (302, 303)
    with app.app_context():
        db.session.execute(update(JourneySessionRow).values(expires_at=utcnow() - dt.timedelta(minutes=1)))
        db.session.commit()
    with outbox_worker(app.config["SQLALCHEMY_DATABASE_URI"]) as run:
        deadline = time.monotonic() + WORKER_DEADLINE
        made = None
        questions_made = 0
        # The first pass: the request's PDF, then the questions to prepare (its last PDFs, so the
        # record asked for below is the next pass's).
        while (
            time.monotonic() < deadline
            and (made is None or questions_made < len(PREPARE_MODES))
            and run.process.poll() is None
        ):
            time.sleep(0.2)
            with app.app_context():
                made = db.session.scalar(select(StoredRequest.pdf_made_at).where(StoredRequest.reference == reference))
                questions_made = db.session.scalar(
                    select(func.count()).select_from(QuestionsPdf).where(QuestionsPdf.made_at.is_not(None))
                )
        assert made is not None, "the worker did not make the PDF"
        assert questions_made == len(PREPARE_MODES), "the worker did not make the questions to prepare"
        with app.app_context():
            assert db.session.scalars(select(JourneySessionRow.id)).all() == []
            assert db.session.scalars(select(StoredRequest.reference)).all() == [reference]

        client = app.test_client()
        to_outcome(client, SUPERVISION_PATH)
        assert "being made" in client.get("/request/supervision-record").get_data(as_text=True)
        status: dict[str, bool] = {}
        while time.monotonic() < deadline and not status.get("ready") and run.process.poll() is None:
            time.sleep(0.2)
            status = client.get("/request/supervision-record/status").get_json()
        assert status == {"ready": True, "failed": False}, "the worker did not make the record"
    assert run.process.returncode == 0, run.err
    assert "Outbox worker started" in run.out and "Outbox worker stopped." in run.out
    assert re.search(r"^Rules: .*, version [0-9a-f]+, review by .*; partnership from .*\.$", run.out, re.M), run.out
    # A pass that did something says so (operator review: nothing showed it working): the
    # request's PDF, then the record.
    assert run.out.count("Outbox worker: Made 1 PDF (0 failed); sent 0 messages (0 failed).") == 2, run.out
    response = client.get("/request/supervision-record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert pdf_reader(response.get_data()).metadata.title.startswith("Space to Think supervision record")
    assert "Is a child or young person in immediate danger" in pdf_text(response.get_data())


def test_a_hung_mail_server_costs_one_timeout_a_pass_not_one_per_message(
    mail_app: Flask, hung_smtp: HungServer
) -> None:
    mail_app.config.update(
        SMTP_PORT=hung_smtp.port, SMTP_TIMEOUT=0.25
    )  # seconds: the wait for the hung server, kept short
    with mail_app.app_context():
        for _ in range(3):
            make_request()
        started = time.perf_counter()
        result = run_pass()
        assert (result.pdfs_made, result.send_failed, result.sent) == (3, 1, 0)
        assert time.perf_counter() - started < 30
        attempts = sorted(m.attempts for m in db.session.scalars(select(OutboxMessage)))
        assert attempts == [0, 0, 1]  # the others wait for the next pass, first in line
        assert run_pass().send_failed == 1
        assert sorted(m.attempts for m in db.session.scalars(select(OutboxMessage))) == [0, 1, 1]


def test_emails_that_need_no_pdf_do_not_wait_behind_every_pdf_still_to_make(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (review at scale): with 310 requests waiting (the worker had been stopped), a pass
    made 307 PDFs and sent none of about 1,000 emails: acknowledgements, invitations and
    cancellations, which need no PDF, waited behind them all. A pass now makes the requests' PDFs
    for a limited time (one at least), then sends what is due; the next pass goes on at once."""
    import app.outbox as app_outbox

    monkeypatch.setattr(app_outbox, "PDF_MAKING_PER_PASS_SECONDS", 0.0)  # one PDF a pass
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    smtp_server.start()
    with mail_app.app_context():
        for n in range(3):
            make_request(details={**VALID_DETAILS, "email": f"worker{n}@school.example"})
        first = run_pass()
        assert (first.pdfs_made, first.sent) == (1, 4)  # every acknowledgement, and one facilitators' email
        acknowledged = {str(message["To"]) for message in smtp_server.mailbox.messages} - {FACILITATORS}
        assert acknowledged == {f"worker{n}@school.example" for n in range(3)}
        assert first.did_work  # so the worker starts the next pass at once (``run_worker``)
        assert run_pass().pdfs_made == 1 and run_pass().pdfs_made == 1
        assert db.session.scalar(select(func.count()).where(StoredRequest.pdf_made_at.is_(None))) == 0
    # `flask outbox send` (and `--once`), one pass each, still make every PDF.
    assert len(smtp_server.mailbox.messages) == 6
    with mail_app.app_context():
        for n in range(3):
            make_request(details={**VALID_DETAILS, "email": f"later{n}@school.example"})
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "Sent 6 messages; 0 still unsent." in result.output, result.output
    # Recorded as sent by whoever ran it, not by the service (found, audit review), the worker's as the service's.
    with mail_app.app_context():
        actors = {
            action: set(db.session.scalars(select(AuditEvent.actor).where(AuditEvent.action == action)))
            for action in ("emailed", "pdf_made")
        }
    later = {actor for found in actors.values() for actor in found}
    assert audit.SYSTEM in later and any(actor.startswith(audit.CLI) for actor in later), actors


@postgres_only
def test_the_purge_skips_a_request_whose_email_is_being_sent_and_never_waits_for_it(mail_app: Flask) -> None:
    """Found: the hourly purge waited on (and could deadlock with) a worker sending one of an old
    request's emails at that moment, for as long as the mail server took."""
    from sqlalchemy import text

    from app.retention import purge_requests

    with mail_app.app_context():
        busy = make_request(now=utcnow() - dt.timedelta(days=91)).request.reference
        idle = make_request(now=utcnow() - dt.timedelta(days=92)).request.reference
        db.session.execute(StoredRequest.__table__.update().values(pdf=b"%PDF-", pdf_made_at=utcnow()))
        db.session.commit()
    with mail_app.app_context():  # worker A is sending the first email it claimed
        sending = claim_message(utcnow(), set())
        assert sending is not None and sending.request.reference == busy
        with mail_app.app_context():  # worker B's purge: it would give up after a second of waiting
            db.session.execute(text("SET lock_timeout = '1s'"))
            assert purge_requests(90, actor="system").references == (idle,)
        db.session.rollback()  # A is done
    with mail_app.app_context():  # the next purge takes it
        assert purge_requests(90, actor="system").references == (busy,)
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@both_databases
def test_a_pdf_that_takes_the_worker_down_does_not_stop_the_pdfs_after_it(app: Flask, monkeypatch) -> None:
    """Found (robustness review): the attempt was recorded only after rendering, so a renderer that
    took the worker down with it (killed for memory, a crash in a library) left the request as it
    was: the next worker claimed it first again, went down again, and no later PDF was ever made.
    Now the attempt and its next turn are committed first, and the others go on."""
    with app.app_context():
        poisoned = make_request().request.reference
        fine = make_request().request.reference
    real = request_service.request_pdf

    def renderer(stored, pack):  # type: ignore[no-untyped-def]
        if stored.reference == poisoned:
            raise SystemExit("the process went down while rendering")  # not caught as a fault: it ends the worker
        return real(stored, pack)

    monkeypatch.setattr(request_service, "request_pdf", renderer)
    with app.app_context():
        with pytest.raises(SystemExit):  # the worker goes down
            run_pass()
        db.session.rollback()
        db.session.remove()
        run_pass()  # started again: before, it claimed the same request first, and went down again
        made = {row.reference: row.pdf_made_at is not None for row in db.session.scalars(select(StoredRequest))}
        attempts = db.session.scalar(select(StoredRequest.pdf_attempts).where(StoredRequest.reference == poisoned))
    assert made == {poisoned: False, fine: True}
    assert attempts == 1  # not due again yet: it waits its turn, as after any failure


def _requests_in_the_file_itself(app: Flask) -> list[tuple[str, bool]]:
    """The requests (reference, has a PDF) in the SQLite file alone, without its write-ahead log
    (``immutable``: the log is not read)."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    reader = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return [
            (reference, pdf is not None) for reference, pdf in reader.execute("SELECT reference, pdf FROM requests")
        ]
    finally:
        reader.close()


def test_sqlite_copies_its_log_into_the_file_in_the_worker_not_in_a_visitors_commit(app: Flask) -> None:
    """Measured (issue 13, bench/bench_submit.py): on SQLite one submission in twenty waited
    30-40 ms while its commit copied the write-ahead log into the file (SQLite does it in whichever
    commit takes the log past 1,000 pages). A visitor's commit now leaves that to the outbox
    worker's pass (up to a log of ``AUTOCHECKPOINT_PAGES``, about 40 MB, if no worker runs)."""
    from app.extensions import AUTOCHECKPOINT_PAGES

    with app.app_context():
        reference = make_request().reference
        assert db.session.execute(sa_text("PRAGMA wal_autocheckpoint")).scalar() == AUTOCHECKPOINT_PAGES
        db.session.remove()
        assert _requests_in_the_file_itself(app) == []  # in the log only, so far
        assert run_pass().pdfs_made == 1
    assert _requests_in_the_file_itself(app) == [(reference, True)]


def test_the_workers_stop_signal_takes_no_lock_and_ends_its_wait(capfd: pytest.CaptureFixture[str]) -> None:
    """Found (partnership review): the worker hung on SIGTERM, its handler waiting for a lock its
    own wait held (``threading.Event``), so a restart never finished. The flag the worker waits
    on is set by the handler with no lock to take, even one held where the signal arrives, and
    its wait ends at once; without a signal, it waits its time."""
    import os
    import signal

    from app.outbox import StopFlag, stop_on_signals

    assert not hasattr(StopFlag(), "_cond") and not any(
        isinstance(value, type(threading.Lock())) for value in vars(StopFlag()).values()
    )
    quiet = StopFlag()
    started = time.monotonic()
    assert quiet.wait(0.3) is False and time.monotonic() - started >= 0.3
    stop = StopFlag()
    with stop_on_signals(stop):
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
        started = time.monotonic()
        assert stop.wait(30) is True  # the main thread waits, as the worker does between passes
        assert time.monotonic() - started < 5
    assert "Outbox worker: SIGTERM received, stopping after the work in hand" in capfd.readouterr().err
    assert signal.getsignal(signal.SIGTERM) is not None  # the test run's own handler is back


def what_the_worker_says(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    a_pass: Any,
    stop: threading.Event,
    poll: float,
) -> list[str]:
    """The worker's own lines ("Outbox worker: ..."), warnings and above, as it runs until ``stop``
    with ``a_pass`` for each pass and no purges."""
    import logging

    from app import outbox

    monkeypatch.setattr(outbox, "run_pass", a_pass)
    monkeypatch.setattr(outbox, "purge_due", lambda _purges: (0, 0))
    with app.app_context(), caplog.at_level(logging.WARNING):
        outbox.run_worker(stop, poll)
    return [record.getMessage() for record in caplog.records if record.getMessage().startswith("Outbox worker: ")]


def test_a_database_downgraded_under_the_worker_is_said_with_what_to_run_not_frames_each_pass(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (operator review): after `flask db downgrade` with the worker running, it logged a
    ProgrammingError (a column missing) and its frames every pass, where the health check said
    to run `flask db upgrade`. It now says that, once a minute, and when the database is upgraded."""

    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from app import outbox
    from app.schema import expected_heads

    [head] = expected_heads()
    passes: list[int] = []
    stop = threading.Event()

    def a_pass(**_kwargs: object) -> outbox.PassResult:
        passes.append(1)
        if len(passes) == 1:  # the database is downgraded under the running worker
            db.session.execute(text("UPDATE alembic_version SET version_num = '0018'"))
            db.session.commit()
        if len(passes) <= 6:
            # What a query of a column the older schema lacks raises (SQLite says it so).
            raise OperationalError("SELECT outbox.id", {}, sqlite3.OperationalError("no such column: outbox.x"))
        db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        db.session.commit()
        stop.set()
        return outbox.PassResult()

    said = what_the_worker_says(app, monkeypatch, caplog, a_pass, stop, 0.01)
    assert len(said) == 2, said  # said once, not each of six passes, and when it is over
    assert said[0].startswith("Outbox worker: The database is at migration 0018, and this version of the code needs")
    assert "db upgrade` (after a backup)" in said[0] and said[0].endswith("trying again every 0.01s")
    # It carries on by itself (operator review: "then start it again" sent operators into restarts).
    assert "start it again" not in said[0] and "the worker carries on by itself then" in said[0]
    assert said[1].startswith("Outbox worker: the database is at the version this code needs again, after ")
    assert not [record for record in caplog.records if 'File "' in record.getMessage()]


def test_a_database_outage_is_said_when_it_starts_once_a_minute_and_when_it_ends(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (operator review): the worker logged the outage every pass (12 lines a minute, about
    17,000 a day), as "OperationalError from OperationalError", and nothing when it was over."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from app import outbox

    passes: list[int] = []
    stop = threading.Event()

    def a_pass(**_kwargs: object) -> outbox.PassResult:
        passes.append(1)
        if len(passes) <= 12:
            raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file"))
        stop.set()
        return outbox.PassResult()

    monkeypatch.setattr(outbox.OutageLog, "REPEAT_SECONDS", 0.25)
    said = what_the_worker_says(app, monkeypatch, caplog, a_pass, stop, 0.05)
    assert said[0] == (
        "Outbox worker: the database is not answering (OperationalError from sqlite3.OperationalError); "
        "trying again every 0.05s"
    )
    assert 1 <= len(said) - 2 <= 4, said  # about 0.6 s of outage: a line each 0.25 s, not one a pass (12)
    assert all(", for " in line and "still trying every 0.05s" in line for line in said[1:-1]), said
    assert said[-1].startswith("Outbox worker: the database is answering again, after "), said


def test_an_outage_is_counted_to_the_pass_that_found_the_database_answering_not_its_end(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (regression review): 3 seconds of outage, then a pass of ten slow sends (85 seconds),
    was logged "the database is answering again, after 85 seconds"."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from app import outbox

    clock = [1000.0]
    monkeypatch.setattr(outbox.time, "monotonic", lambda: clock[0])
    stop = threading.Event()
    passes: list[int] = []

    def a_pass(**_kwargs: object) -> outbox.PassResult:
        passes.append(1)
        clock[0] += 1  # each pass a second
        if len(passes) <= 3:
            raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file"))
        clock[0] += 85  # the database answering: a long pass of slow sends
        stop.set()
        return outbox.PassResult()

    said = what_the_worker_says(app, monkeypatch, caplog, a_pass, stop, 0.01)
    # From the first pass that failed (at its end) to the start of the one that did not: 2 seconds.
    assert said[-1] == "Outbox worker: the database is answering again, after 2 seconds", said


def test_outbox_status_says_a_request_pdf_is_being_made_or_was_left_by_a_worker_that_stopped(app: Flask) -> None:
    """Found (operator review): a worker killed while making a request's PDF left `flask outbox
    status` saying only "PDF not made" (and `flask outbox send` "1 request still without a PDF"),
    nothing of it being made, or of when it is tried again. Each is said now."""
    runner = app.test_cli_runner()
    with app.app_context():
        making = make_request().request.reference
        left = make_request().request.reference
        later = make_request().request.reference
        now = utcnow()
        db.session.execute(
            StoredRequest.__table__.update()
            .where(StoredRequest.reference == making)
            .values(pdf_render_began_at=now - dt.timedelta(seconds=5), pdf_attempts=1)
        )
        db.session.execute(
            StoredRequest.__table__.update()
            .where(StoredRequest.reference == left)
            .values(pdf_render_began_at=now - dt.timedelta(hours=1), pdf_attempts=1)
        )
        db.session.execute(
            StoredRequest.__table__.update()
            .where(StoredRequest.reference == later)
            .values(pdf_next_attempt_at=now + dt.timedelta(minutes=5), pdf_attempts=1)
        )
        db.session.commit()
    said = runner.invoke(args=["outbox", "status"]).output
    lines = {line.split("\t")[0]: line.split("\t")[1] for line in said.splitlines() if "\t" in line}
    assert lines[making].startswith("PDF being made since ") and "tried again from" in lines[making], said
    assert lines[left].startswith("PDF not made: a worker began it at ") and "did not finish" in lines[left], said
    assert lines[later].startswith("PDF not made (tried again at "), said


def a_pass_whose_database_connection_ends_as_the_mail_server_takes_its_email(smtp_server: SmtpServer) -> None:
    """In an app context on PostgreSQL: a worker's pass, every connection it has made ended (as a
    database stopping, or a connection cut, ends them) while the mail server takes the first email;
    the pass fails, and the mail server has that one email."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import SQLAlchemyError

    engine = db.engine
    engine.dispose()
    connections: list[int] = []

    def made(connection: Any, _record: object) -> None:
        connections.append(connection.info.backend_pid)

    event.listen(engine, "connect", made)
    other = create_engine(engine.url.render_as_string(hide_password=False), poolclass=None)

    def connections_end() -> None:
        event.remove(engine, "connect", made)
        with other.connect() as connection:
            for pid in connections:
                connection.execute(sa_text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    smtp_server.mailbox.while_receiving = connections_end
    try:
        with pytest.raises(SQLAlchemyError):
            run_pass()
    finally:
        other.dispose()
    db.session.rollback()
    assert [m["To"] for m in smtp_server.mailbox.messages] == [FACILITATORS]


@postgres_only
@pytest.mark.parametrize("taken_out", [False, True], ids=["recorded", "taken-out-meanwhile"])
def test_an_email_the_mail_server_took_as_the_database_stopped_is_recorded_not_sent_again(
    mail_app: Flask, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture, taken_out: bool
) -> None:
    """Found (faults review): PostgreSQL stopped just after the mail server took the facilitators'
    email, so "sent" could not be written; once it answered again the worker sent it a second time.
    Now the worker remembers what went and writes it before sending anything else, and says so. An
    email taken out meanwhile (an invitation, its session cancelled: regression review) cannot be
    recorded: the request's trail and the log say it may have reached the requester."""
    import logging

    smtp_server.start()
    with mail_app.app_context():
        submission = make_request()  # one email: the facilitators' (no acknowledgement in the test settings)
        a_pass_whose_database_connection_ends_as_the_mail_server_takes_its_email(smtp_server)
        if taken_out:
            db.session.execute(sa_delete(OutboxMessage))
            db.session.commit()
        with caplog.at_level(logging.WARNING):
            after = run_pass(ignore_schedule=True)  # the database answering again
        assert after.sent == 0 and after.send_failed == 0, after
        assert [m["To"] for m in smtp_server.mailbox.messages] == [FACILITATORS]  # once
        said = [record.getMessage() for record in caplog.records]
        actions = db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.action.like("email%") | (AuditEvent.action == "sent_not_recorded")
            )
        ).all()
        if taken_out:
            assert actions == ["sent_not_recorded"], actions
            [event_row] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sent_not_recorded")).all()
            assert event_row.reference == submission.reference
            assert any("it was changed or taken out before this could be recorded" in line for line in said), said
        else:
            [message] = db.session.scalars(select(OutboxMessage)).all()
            assert message.sent_at is not None and message.attempts == 1 and message.last_error is None
            assert actions == ["emailed"], actions
            # The trail says when it went, not when that could be written.
            emailed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "emailed")).one()
            assert emailed.at == message.sent_at
            assert any(f"request {submission.reference}: the mail server took it just as" in line for line in said), (
                said
            )
        assert run_pass(ignore_schedule=True).sent == 0
    if taken_out:  # on the request's page, in its trail
        client, _ = signed_in(mail_app)
        page = html.unescape(client.get(f"/inbox/requests/{submission.reference}").get_data(as_text=True))
        assert (
            "An email was sent, but could not be recorded as sent: The request to the facilitators went just as the "
            "service's database stopped." in " ".join(page.split())
        )
        assert "tell the requester" not in page  # (it was the facilitators' own email)
        from app.inbox.service import _trail_words  # an invitation's, as the trail words it

        with mail_app.test_request_context():
            _, detail = _trail_words("sent_not_recorded", "invitation", {})
        assert detail == (
            "The session invitation went just as the service's database stopped. Before the database was back, the "
            "session was changed or cancelled, or the request taken out of it, and nothing was sent after it: tell "
            "the requester what has changed."
        )


@postgres_only
def test_a_second_worker_does_not_send_an_email_whose_worker_lost_its_connection_as_it_went(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (regression review): two workers on PostgreSQL, the first's connection cut while the
    mail server took the facilitators' email; its row lock went with the connection, and the second
    worker, knowing nothing of it, sent the email again. The attempt's start is committed before
    sending, and no worker claims an email whose attempt is under way: the second sends nothing,
    the first records it as sent. Only once as long as a send may take has passed (the first worker
    never came back) is it sent again."""
    from app.outbox import SENT_NOT_RECORDED_KEY

    smtp_server.start()
    with mail_app.app_context():
        make_request()  # one email: the facilitators'
        a_pass_whose_database_connection_ends_as_the_mail_server_takes_its_email(smtp_server)
        remembered = mail_app.extensions.pop(SENT_NOT_RECORDED_KEY)  # the second worker: it knows nothing of it
        status = mail_app.test_cli_runner().invoke(args=["outbox", "status"]).output
        assert "facilitators' email being sent now, or its worker stopped as it sent it (if so, tried again from " in (
            status
        ), status
        # Every time in the listing in one clock, UTC (dependency review: this one was in UK time).
        assert re.search(r"tried again from (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC\)", status), status
        second = run_pass()
        assert (second.sent, second.send_failed) == (0, 0), second
        assert [m["To"] for m in smtp_server.mailbox.messages] == [FACILITATORS]  # not again
        mail_app.extensions[SENT_NOT_RECORDED_KEY] = remembered  # the first, answering again: records it
        assert run_pass().sent == 0
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.sent_at is not None and message.attempts == 1
        # Had the first worker died instead, its email goes once an attempt no longer counts as under
        # way (at least 5 minutes: ``mail.UNDER_WAY_AT_LEAST``), not before.
        db.session.execute(
            OutboxMessage.__table__.update().values(sent_at=None, last_attempt_at=utcnow() - dt.timedelta(minutes=4))
        )
        db.session.commit()
        assert run_pass().sent == 0
        db.session.execute(OutboxMessage.__table__.update().values(last_attempt_at=utcnow() - dt.timedelta(minutes=6)))
        db.session.commit()
        assert run_pass().sent == 1
    assert [m["To"] for m in smtp_server.mailbox.messages] == [FACILITATORS, FACILITATORS]


@postgres_only
def test_an_email_another_worker_sent_again_after_a_long_outage_is_said_to_have_gone_twice(
    mail_app: Flask, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (regression review): the database away for longer than an attempt counts as under way,
    a second worker sent the email the first had sent as the database stopped, and nothing anywhere
    said it had gone twice. The first, recording it, finds it sent: the request's trail and the log
    say it may have arrived twice."""
    import logging

    from app.outbox import SENT_NOT_RECORDED_KEY

    smtp_server.start()
    with mail_app.app_context():
        submission = make_request()
        a_pass_whose_database_connection_ends_as_the_mail_server_takes_its_email(smtp_server)
        remembered = mail_app.extensions.pop(SENT_NOT_RECORDED_KEY)  # the second worker knows nothing of it
        db.session.execute(  # the database away for 6 minutes
            OutboxMessage.__table__.update().values(last_attempt_at=utcnow() - dt.timedelta(minutes=6))
        )
        db.session.commit()
        assert run_pass().sent == 1
        mail_app.extensions[SENT_NOT_RECORDED_KEY] = remembered  # the first, back
        with caplog.at_level(logging.WARNING):
            assert run_pass().sent == 0
        assert [m["To"] for m in smtp_server.mailbox.messages] == [FACILITATORS, FACILITATORS]
        said = [record.getMessage() for record in caplog.records]
        assert any("another worker sent it again once the database was back" in line for line in said), said
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "sent_twice")).all() == [
            "sent_twice"
        ]
    client, _ = signed_in(mail_app)
    page = " ".join(html.unescape(client.get(f"/inbox/requests/{submission.reference}").get_data(as_text=True)).split())
    assert (
        "An email may have been sent twice: The request to the facilitators went at this time, just as the "
        "service's database stopped, and was sent again once the database was back, before it could be recorded "
        "as sent: it may have arrived twice." in page
    )


def test_outbox_status_says_several_pdfs_or_emails_in_plain_english() -> None:
    """Found (operator review): "Needs attention: 2 PDF or emails not tried for over 10 minutes"."""
    from app.outbox import _plural

    assert _plural(2, "PDF or email", "PDFs or emails") == "2 PDFs or emails"
    assert _plural(1, "PDF or email", "PDFs or emails") == "1 PDF or email"
    assert _plural(3, "request PDF") == "3 request PDFs"


def test_an_email_that_went_after_the_backup_is_recorded_as_sent_by_its_message_id_and_not_sent_again(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (operator review, restoring a backup): the emails waiting in the backup, which had gone
    after it was taken, went again when the worker started. `flask outbox status` gives each one's
    Message-ID, to look for in the mail server's log; `flask outbox mark-sent` records it as sent."""
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    with mail_app.app_context():
        reference = make_request().reference
    runner = mail_app.test_cli_runner()
    status = runner.invoke(args=["outbox", "status"])
    ids = [line.rpartition("Message-ID ")[2] for line in status.output.splitlines() if "Message-ID <outbox-" in line]
    with mail_app.app_context():
        by_kind = {message.kind: message.id for message in db.session.scalars(select(OutboxMessage))}
    assert len(ids) == 2 and all(ids), status.output
    acknowledgement = next(each for each in ids if each.startswith("<outbox-acknowledgement."))

    # What is not this outbox's, or not waiting, changes nothing.
    for wrong in ("<outbox-99.20261130021455123456@space-to-think.invalid>", "not-an-id", acknowledgement[:-3] + "0>"):
        refused = runner.invoke(args=["outbox", "mark-sent", acknowledgement, wrong])
        assert refused.exit_code == 1 and "Nothing was changed" in refused.output, refused.output
    # Nor one a worker is sending now (regression review: it went, and was recorded as not sent again).
    with mail_app.app_context():
        facilitators = db.session.get(OutboxMessage, by_kind["facilitators"])
        facilitators.last_attempt_at = utcnow()
        db.session.commit()
        facilitators_id = emails.message_id(facilitators)
    refused = runner.invoke(args=["outbox", "mark-sent", acknowledgement, facilitators_id])
    assert refused.exit_code == 1 and "is being sent now" in refused.output, refused.output
    with mail_app.app_context():
        assert db.session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_not(None))) == 0
        db.session.get(OutboxMessage, by_kind["facilitators"]).last_attempt_at = None
        db.session.commit()

    # Given twice, recorded once.
    marked = runner.invoke(args=["outbox", "mark-sent", acknowledgement.strip("<>"), f" {acknowledgement} "])
    assert marked.exit_code == 0 and marked.output.count("recorded as sent") == 1, marked.output
    assert f"{reference}\t" in marked.output
    again = runner.invoke(args=["outbox", "mark-sent", acknowledgement])
    assert again.exit_code == 1 and "No email waiting to be sent has the Message-ID" in again.output

    smtp_server.start()
    with mail_app.app_context():
        assert run_outbox(now=utcnow() + LATER).sent == 1
    [message] = smtp_server.mailbox.messages
    assert message["To"] == FACILITATORS  # the facilitators' email went; the acknowledgement did not go again
    with mail_app.app_context():
        [event] = actions("marked_sent")
        assert (event.reference, event.actor, event.detail) == (reference, "cli", "acknowledgement")
    client, _ = signed_in(mail_app)
    trail = html.unescape(client.get(f"/inbox/requests/{reference}").get_data(as_text=True))
    assert "Email recorded as sent without sending it, after a restore from a backup" in trail
    assert "the acknowledgement to the requester, waiting in the backup, had gone after the backup was taken" in trail


def test_an_outage_of_writes_only_is_not_said_to_be_over_till_a_pass_writes(app, caplog) -> None:  # type: ignore[no-untyped-def]
    """Found (operator review): with the database's disk full, a pass with nothing to write (it
    only reads) logged "the database is answering again" two seconds after the disk-full error,
    the disk still full. An outage of writes only is over when a pass has written."""
    import logging

    from sqlalchemy.exc import OperationalError

    from app.outage import refuses_writes_only
    from app.outbox import OutageLog

    class DiskFull(Exception):
        sqlstate = "53100"

    class Cancelled(Exception):
        sqlstate = "57014"

    assert refuses_writes_only(OperationalError("INSERT ...", {}, DiskFull()))
    assert not refuses_writes_only(OperationalError("SELECT ...", {}, Cancelled()))
    with app.app_context(), caplog.at_level(logging.WARNING):
        log = OutageLog()
        log.still("the database server's disk is full (disk_full)", 2, writes_only=True)
        log.ended(wrote=False)
        assert "answering again" not in caplog.text
        log.ended(wrote=True)
        assert "the database is answering again" in caplog.text
        caplog.clear()
        log.still("the database is not answering", 2)  # any other outage: over when a pass goes through
        log.ended(wrote=False)
        assert "the database is answering again" in caplog.text


class QuitRefusingMailbox(Mailbox):
    """A mail server that takes each message, then answers QUIT with 421, not 221."""

    async def handle_QUIT(self, server, session, envelope) -> str:
        return "421 4.3.2 Service shutting down"


def test_an_email_the_mail_server_took_is_sent_once_however_it_answers_quit(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (outbox review): a server that took the email (250) and answered QUIT with 421 had it
    counted as not sent, "could not connect": the facilitators had the request with its PDF three
    times in a minute, the practitioner their acknowledgement four, hourly for ever after, while the
    request's page said the mail server had not answered."""
    smtp_server.mailbox = QuitRefusingMailbox()
    smtp_server.start()
    with mail_app.app_context():
        reference = make_request().request.reference
        first = run_pass()
        assert first.sent >= 1 and first.send_failed == 0
        db.session.execute(update(OutboxMessage).values(next_attempt_at=None))
        db.session.commit()
        again = run_pass()
        assert again.send_failed == 0
        stored = list(db.session.scalars(select(OutboxMessage)))
        assert stored and all(message.sent_at is not None and message.attempts == 1 for message in stored)
    received = [message["X-Space-To-Think-Reference"] for message in smtp_server.mailbox.messages]
    assert received == [reference] * len(stored)  # each email once


@both_databases
def test_an_email_a_stopped_worker_was_sending_is_said_to_have_maybe_gone_twice_when_sent_again(
    mail_app: Flask, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (outbox review): a worker killed after the mail server's 250 and before "sent" was
    written; the email went again five minutes later, and nothing in the log or the request's trail
    said the first may have gone too. An email sent normally says nothing of the kind."""
    import logging

    from app.inbox.service import audit_trail

    smtp_server.start()
    with mail_app.app_context():
        reference = make_request().request.reference
        stopped = utcnow() - dt.timedelta(minutes=6)  # an attempt begun then, never ended
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == "facilitators")
            .values(last_attempt_at=stopped, next_attempt_at=stopped)
        )
        db.session.commit()
        with caplog.at_level(logging.WARNING):
            while run_pass().sent:
                pass
        assert [m["To"] for m in smtp_server.mailbox.messages] == [FACILITATORS]
        [event] = actions("sent_again_after_stop")
        assert (event.reference, event.detail) == (reference, "facilitators")
        said = [record.getMessage() for record in caplog.records]
        assert any(f"a worker or command stopped while sending it at {stopped:%H:%M} UTC" in line for line in said), (
            said
        )
        assert sum("may have arrived twice" in line for line in said) == 1  # the facilitators' email: not
        trail = [str(entry) for entry in audit_trail(reference)]
        assert sum("sent again because the service stopped while sending it before" in entry for entry in trail) == 1, (
            trail
        )


@both_databases
def test_an_email_outbox_send_was_sending_before_its_wait_was_over_is_said_to_have_maybe_gone_twice(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (regression review, PostgreSQL): an email waiting after a failure, sent by `flask outbox
    send` (which does not wait) and the command killed after the mail server took it, kept its old
    wait, later than the attempt's start: the attempt never counted as under way, and the email, sent
    again, said nothing of the first."""
    from app import outbox

    with mail_app.app_context():
        reference = make_request().request.reference
        assert run_pass().send_failed == 1  # the mail server down: it waits
        smtp_server.start()

        def killed(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt  # the command killed once the mail server had taken it

        with monkeypatch.context() as patched:
            patched.setattr(outbox, "_record_sent", killed)
            with pytest.raises(KeyboardInterrupt):
                run_pass(ignore_schedule=True)
        db.session.rollback()
        assert len(smtp_server.mailbox.messages) == 1
        # `flask outbox send` run now says so, not that the worker is sending it (found, regression review:
        # "being sent by the worker", exit 0, with no worker running).
        now_said = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
        if db.engine.dialect.name == "postgresql":  # (SQLite cannot tell one stopped from one being sent)
            stopped = "1 still unsent (1 left by a worker or command that stopped as it sent it: tried again from "
            assert now_said.exit_code == 1 and stopped in now_said.output, now_said.output
        else:
            sending = "being sent, or left by a worker or command that stopped as it sent it: tried again from "
            assert sending in now_said.output, now_said.output
        assert "being sent by the worker" not in now_said.output
        for message in db.session.scalars(select(OutboxMessage)):  # ten minutes on, as the stored times go
            message.last_attempt_at -= dt.timedelta(minutes=10)
            message.next_attempt_at -= dt.timedelta(minutes=10)
        db.session.commit()
        assert run_pass().sent == 1
        [event] = actions("sent_again_after_stop")
        assert event.reference == reference
    assert len(smtp_server.mailbox.messages) == 2


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_outbox_status_lists_the_backlog_on_a_read_only_database(app: Flask) -> None:
    """Found (regression review): on a read-only copy of the database (a standby), `flask outbox status`,
    which changes nothing, failed with an email unsent: it looked at who held each row by locking it."""
    from support.database import dispose, read_only_app

    with app.app_context():
        reference = make_request().reference
    read_only = read_only_app(app)
    try:
        status = read_only.test_cli_runner().invoke(args=["outbox", "status"])
    finally:
        dispose(read_only)
    assert reference in status.output and "takes no changes" not in status.output, status.output


def test_mark_sent_refusing_an_email_whose_try_is_under_way_says_when_it_can_be_marked(mail_app: Flask) -> None:
    """Found (regression review): a worker killed as the mail server took an email, the operator, who
    knew it had arrived, was told to stop the worker (there was none) and mark only what status still
    listed (it still listed it), for five minutes: it says when it can be marked."""
    from app import emails

    with mail_app.app_context():
        make_request()
        begun = utcnow() - dt.timedelta(minutes=1)
        db.session.execute(update(OutboxMessage).values(last_attempt_at=begun, next_attempt_at=begun))
        db.session.commit()
        message_id = emails.message_id(db.session.scalars(select(OutboxMessage)).first())
    refused = mail_app.test_cli_runner().invoke(args=["outbox", "mark-sent", message_id])
    assert refused.exit_code == 1
    when = begun + dt.timedelta(minutes=5)
    assert "If no worker or command is sending it (one stopped as it sent it), it can be marked from " in refused.output
    assert f"{when:%H:%M} UTC" in refused.output or f"{when + dt.timedelta(minutes=1):%H:%M} UTC" in refused.output, (
        refused.output
    )
