"""Email to the facilitators through SMTP, by way of the outbox.

The outbox row is stored with its request (one transaction); sending happens after the
commit. If the mail server is down the request is already safe: the attempt is counted,
the error (never case detail) recorded, and ``flask outbox send`` tries again later.

The email's body holds only the reference, how soon a session is wanted and a pointer to
the attachment; the case details are in the attached PDF.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from sqlalchemy import select

from . import audit
from .extensions import db
from .models import OutboxMessage, SessionRequest, utcnow

DEFAULT_TIMEOUT_SECONDS = 10
MAX_ERROR_LENGTH = 300


def subject_for(request: SessionRequest) -> str:
    """The email subject: the service and the reference, nothing about the case."""
    return f"Space to Think request {request.reference}"


def pdf_filename(reference: str) -> str:
    """The attachment's file name."""
    return f"space-to-think-request-{reference}.pdf"


def build_email(message: OutboxMessage, request: SessionRequest) -> EmailMessage:
    """The email for an outbox message, with the request's PDF attached."""
    from .requests import fields  # the request package imports this module

    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="space-to-think.invalid")
    email["X-Space-To-Think-Reference"] = request.reference
    email.set_content(render_template(
        "requests/email.txt",
        reference=request.reference,
        how_soon=fields.option_label("how_soon", request.details.get("how_soon")) or "Not given",
        filename=pdf_filename(request.reference),
    ))
    email.add_attachment(request.pdf, maintype="application", subtype="pdf",
                         filename=pdf_filename(request.reference))
    return email


def smtp_send(email: EmailMessage) -> None:
    """Send through the configured SMTP server (STARTTLS and login when configured)."""
    config = current_app.config
    host = config.get("SMTP_HOST")
    if not host:
        raise RuntimeError("SMTP_HOST is not set")
    timeout = float(config.get("SMTP_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
    with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=timeout) as smtp:
        if config.get("SMTP_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(email)


def describe_error(error: BaseException) -> str:
    """What went wrong, for the outbox and the audit log: the error's type and message
    (an SMTP or network error never carries the request's content), shortened."""
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


def deliver(message: OutboxMessage) -> bool:
    """Try to send one outbox message now; record the attempt and commit. True if sent."""
    if message.sent_at is not None:
        return True
    request = message.request
    message.attempts += 1
    message.last_attempt_at = utcnow()
    try:
        smtp_send(build_email(message, request))
    except (OSError, smtplib.SMTPException, RuntimeError, ValueError) as error:
        message.last_error = describe_error(error)
        audit.add_event("email_failed", request.reference, audit.SYSTEM,
                        f"attempt {message.attempts}: {message.last_error}")
        db.session.commit()
        current_app.logger.warning("Email for request %s not sent (attempt %d): %s",
                                   request.reference, message.attempts, message.last_error)
        return False
    message.sent_at = utcnow()
    message.last_error = None
    audit.add_event("emailed", request.reference, audit.SYSTEM, f"attempt {message.attempts}")
    db.session.commit()
    return True


def deliver_for_request(request: SessionRequest) -> None:
    """After a request is committed, try to send its unsent messages (failures are recorded)."""
    for message in request.outbox:
        if message.sent_at is None:
            deliver(message)


def unsent_messages() -> list[OutboxMessage]:
    """Outbox messages not yet sent, oldest first."""
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                   .order_by(OutboxMessage.created_at, OutboxMessage.id)))


def deliver_unsent() -> tuple[int, int]:
    """Try every unsent message once; return (sent, still unsent)."""
    sent = failed = 0
    for message in unsent_messages():
        if deliver(message):
            sent += 1
        else:
            failed += 1
    return sent, failed


outbox_cli = AppGroup("outbox", help="The email outbox to the facilitators.")


@outbox_cli.command("send")
def send_command() -> None:
    """Send every unsent email (run from cron, or after the mail server comes back)."""
    sent, failed = deliver_unsent()
    click.echo(f"Sent {sent} message{'s' if sent != 1 else ''}; {failed} still unsent.")
    if failed:
        raise SystemExit(1)


@outbox_cli.command("status")
def status_command() -> None:
    """List unsent emails: reference, attempts and the last error."""
    messages = unsent_messages()
    if not messages:
        click.echo("No unsent messages.")
    for message in messages:
        click.echo(f"{message.request.reference}\tattempts {message.attempts}\t{message.last_error or '-'}")
