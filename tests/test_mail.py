"""Email to the facilitators through a real SMTP server (aiosmtpd on loopback), the outbox,
and what happens when the mail server is down."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StoredRequest
from support import both_databases
from support.submission import VALID_DETAILS, make_request, run_outbox, submitted_request, to_outcome

FACILITATORS = "facilitators@partnership.example"


@dataclass
class Mailbox:
    """What the test SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        """Keep the message."""
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class _BoundController(Controller):
    """aiosmtpd's Controller, listening on a socket the test bound already."""

    def __init__(self, handler: Mailbox, sock: socket.socket) -> None:
        host, port = sock.getsockname()
        super().__init__(handler, hostname=host, port=port)
        self.sock = sock

    def _create_server(self):  # type: ignore[no-untyped-def]
        return self.loop.create_server(self._factory_invoker, sock=self.sock, ssl=self.ssl_context)


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1, on a port of its own, that can be started and stopped.

    The port is chosen by the system (bind to port 0) and held from the start: until the
    server starts, connections to it are refused (the mail server is down) and no other
    test, in this process or another, can take the port.
    """

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.controller: Controller | None = None
        self.sock: socket.socket | None = self._bind(0)
        self.port: int = self.sock.getsockname()[1]

    @staticmethod
    def _bind(port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        return sock

    def start(self) -> None:
        """Listen."""
        sock = self.sock or self._bind(self.port)
        self.sock = None  # the server owns it now, and closes it when it stops
        self.controller = _BoundController(self.mailbox, sock)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (not started: the test decides when it is up)."""
    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_app(app, smtp_server: SmtpServer):
    """The app with a facilitators' mailbox, sending through the test SMTP server."""
    app.config.update(FACILITATOR_EMAIL=FACILITATORS, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port,
                      SMTP_TIMEOUT=5, MAIL_FROM="space-to-think@partnership.example")
    return app


def only_message(server: SmtpServer) -> EmailMessage:
    """The one message the server received."""
    assert len(server.mailbox.messages) == 1
    return server.mailbox.messages[0]


CASE_DETAILS = (VALID_DETAILS["reflection"][:40], VALID_DETAILS["name"], VALID_DETAILS["email"],
                VALID_DETAILS["phone"], VALID_DETAILS["family_knows_reason"][:30], "Child in Need", "5 to 10")


@both_databases
def test_request_is_emailed_with_its_pdf(mail_app, smtp_server: SmtpServer) -> None:
    smtp_server.start()
    with mail_app.app_context():
        stored = make_request(pdf=True).request  # the outbox worker runs once
        message = only_message(smtp_server)
        assert smtp_server.mailbox.envelopes == [("space-to-think@partnership.example", [FACILITATORS])]
        assert message["To"] == FACILITATORS
        assert message["Subject"] == f"Space to Think request {stored.reference}"
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert stored.reference in body and "Within a month" in body
        assert f"space-to-think-request-{stored.reference}.pdf" in body
        for detail in CASE_DETAILS:  # the body carries no case details
            assert detail not in body and detail not in str(message["Subject"])
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"space-to-think-request-{stored.reference}.pdf"
        assert attachment.get_content() == stored.pdf
        [outbox] = db.session.scalars(select(OutboxMessage)).all()
        assert outbox.sent_at is not None and outbox.attempts == 1 and outbox.last_error is None
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions == ["created", "pdf_made", "emailed"]


def test_submitted_page_says_it_was_emailed(mail_app, smtp_server: SmtpServer, client) -> None:
    smtp_server.start()
    walker = to_outcome(client)
    submitted_request(walker)
    assert smtp_server.mailbox.messages == []  # nothing is sent inside the web request
    run_outbox(mail_app)
    page = walker.get("/request/submitted").get_data(as_text=True)
    assert 'data-delivery="emailed"' in page
    assert FACILITATORS not in page  # the mailbox's address is not shown
    assert len(smtp_server.mailbox.messages) == 1


@both_databases
def test_mail_server_down_loses_nothing_and_the_outbox_retries(mail_app, smtp_server: SmtpServer, client,
                                                               runner) -> None:
    # The server is down: the request is still stored, and the user gets reference and PDF.
    walker = to_outcome(client)
    submitted_request(walker)
    result = runner.invoke(args=["outbox", "worker", "--once"])
    assert result.exit_code == 0 and "Made 1 PDF (0 failed); sent 0 messages (1 failed)." in result.output
    page = walker.get("/request/submitted").get_data(as_text=True)
    assert 'data-delivery="pending"' in page
    assert client.get("/request/submitted/request.pdf").status_code == 200
    with mail_app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        assert stored.reference in page
        [outbox] = db.session.scalars(select(OutboxMessage)).all()
        assert outbox.sent_at is None and outbox.attempts == 1
        assert outbox.last_error and "Connection" in outbox.last_error
        for detail in CASE_DETAILS:
            assert detail not in outbox.last_error
        failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "email_failed")).all()
        assert [e.reference for e in failed] == [stored.reference]
        reference, pdf = stored.reference, stored.pdf

    # Still down: the command counts another attempt and exits 1 so cron can tell.
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1 and "1 still unsent" in result.output

    # The server comes up: the retry delivers, with the same PDF.
    smtp_server.start()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 message; 0 still unsent." in result.output
    message = only_message(smtp_server)
    assert message["Subject"] == f"Space to Think request {reference}"
    assert next(message.iter_attachments()).get_content() == pdf
    with mail_app.app_context():
        [outbox] = db.session.scalars(select(OutboxMessage)).all()
        assert outbox.sent_at is not None and outbox.attempts == 3
    # Nothing left to send: running it again sends nothing twice.
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "Sent 0 messages" in result.output
    assert len(smtp_server.mailbox.messages) == 1


def test_outbox_status_lists_unsent(mail_app, smtp_server: SmtpServer, runner) -> None:
    with mail_app.app_context():
        reference = make_request().request.reference
    result = runner.invoke(args=["outbox", "status"])
    assert f"{reference}\tPDF not made\tattempts 0" in result.output
    assert f"{reference}\temail unsent\tattempts 0" in result.output
    with mail_app.app_context():
        run_outbox()  # the PDF is made; the mail server is down
    result = runner.invoke(args=["outbox", "status"])
    assert "PDF not made" not in result.output
    assert f"{reference}\temail unsent\tattempts 1\tConnectionRefusedError" in result.output


def test_no_mailbox_means_no_email_and_no_outbox(app, smtp_server: SmtpServer) -> None:
    smtp_server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    with app.app_context():
        make_request()
        assert db.session.scalars(select(OutboxMessage)).all() == []
    assert smtp_server.mailbox.messages == []


def test_a_double_submission_sends_one_email(mail_app, smtp_server: SmtpServer) -> None:
    smtp_server.start()
    with mail_app.app_context():
        make_request(token="same-journey", pdf=True)
        make_request(token="same-journey", pdf=True)
    assert len(smtp_server.mailbox.messages) == 1
