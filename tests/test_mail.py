"""Email to the facilitators through a real SMTP server (aiosmtpd on loopback), the outbox,
and what happens when the mail server is down."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StoredRequest
from support import both_databases
from support.mail import FACILITATORS, SmtpServer, only_message
from support.submission import VALID_DETAILS, make_request, run_outbox, submitted_request, to_outcome

CASE_DETAILS = (
    VALID_DETAILS["reflection"][:40],
    VALID_DETAILS["name"],
    VALID_DETAILS["email"],
    VALID_DETAILS["phone"],
    VALID_DETAILS["family_knows_reason"][:30],
    "Child in Need",
    "5 to 10",
)


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
def test_mail_server_down_loses_nothing_and_the_outbox_retries(
    mail_app, smtp_server: SmtpServer, client, runner
) -> None:
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
