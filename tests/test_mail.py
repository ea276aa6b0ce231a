"""Email to the facilitators through a real SMTP server (aiosmtpd on loopback), the outbox,
and what happens when the mail server is down."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import smtplib
import socket
import ssl
import subprocess
import threading
import time
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask, render_template
from sqlalchemy import select

from app import emails
from app.emails import with_contacts_now
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StoredRequest
from support import both_databases
from support.mail import FACILITATORS, SmtpServer, broken_paragraphs, only_message
from support.servers import need_program
from support.submission import ELIGIBLE_ANSWERS, VALID_DETAILS, make_request, run_outbox, submitted_request, to_outcome

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
        # Found: "This email holds no case details. Store the attachment securely" read as if the
        # PDF held none either. It holds the practitioner's details and the reflection: the text says
        # so. ("The requester's name" read, in supervision, as the manager's: it is the practitioner's.)
        assert "This email holds no case details" not in body
        assert (
            "The text of this email holds no case details, but the attached PDF does: the practitioner's name, "
            "work email and phone number, and what they want to reflect on." in body
        )
        assert "Store the PDF securely, and delete it and this email when they are no longer needed." in body
        assert "once 90 days have passed since it was made" in body  # RETENTION_DAYS, as docs/FACILITATORS.md
        assert "Reply-To" not in message  # never the practitioner's address beyond To
        # Found (journey review): without the service's address set, it named the setting.
        assert "PUBLIC_BASE_URL" not in body and "setting" not in body
        assert "the service's web address has not been set up: whoever runs the service can add it" in body
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"space-to-think-request-{stored.reference}.pdf"
        assert attachment.get_content() == stored.pdf
        [outbox] = db.session.scalars(select(OutboxMessage)).all()
        assert outbox.sent_at is not None and outbox.attempts == 1 and outbox.last_error is None
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions == ["created", "pdf_made", "emailed"]


def test_the_facilitators_email_says_a_request_was_made_in_supervision(mail_app, smtp_server: SmtpServer) -> None:
    """Found (supervision review): the request's PDF and the inbox said a request was made by a
    manager in supervision with the practitioner; the facilitators' email, read first, did not."""
    smtp_server.start()
    with mail_app.app_context():
        make_request(pdf=True)
        make_request(answers={**ELIGIBLE_ANSWERS, "mode": "supervision"}, pdf=True)
    own, in_supervision = (
        message.get_body(preferencelist=("plain",)).get_content() for message in smtp_server.mailbox.messages
    )
    assert "Completed by" not in own
    assert "How soon: Within a month\r\nFlags from the answers: Not discussed in supervision before this request" in own
    completed_by = "Completed by: A manager or supervisor, in supervision with the practitioner"
    assert f"How soon: Within a month\r\n{completed_by}\r\nFlags from the answers: " in in_supervision


def test_the_facilitators_email_says_a_practice_review_may_be_under_way(mail_app, smtp_server: SmtpServer) -> None:
    """Found (facilitators' review): the email, often the first thing triaged, gave the reference and
    how soon alone for a debrief where a practice review may be under way, which the PDF and the
    inbox list as a flag."""
    smtp_server.start()
    with mail_app.app_context():
        make_request(answers={**ELIGIBLE_ANSWERS, "serious_incident": "yes_referred"}, pdf=True)
    [message] = smtp_server.mailbox.messages
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert (
        "How soon: Within a month\r\nFlags from the answers: A practice review may be under way; Not discussed in "
        "supervision before this request\r\n\r\n"
    ) in body


def test_an_email_is_dated_with_its_time_zone(mail_app, smtp_server: SmtpServer) -> None:
    """Found (operations review): every email's Date ended "-0000", which RFC 5322 (3.3) keeps for
    a time "in a local time zone that is unknown", so mail clients could not place it for sure.
    It is the time in UTC, said to be: "+0000"."""
    smtp_server.start()
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    with mail_app.app_context():
        before = dt.datetime.now(dt.UTC).replace(microsecond=0)
        make_request(pdf=True)
        after = dt.datetime.now(dt.UTC)
    assert len(smtp_server.mailbox.messages) == 2  # the facilitators' email and the acknowledgement
    for message in smtp_server.mailbox.messages:
        assert str(message["Date"]).endswith(" +0000"), message["Date"]
        sent = message["Date"].datetime
        assert sent.utcoffset() == dt.timedelta(0)
        assert before <= sent <= after


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
    mail_app, smtp_server: SmtpServer, client, runner, caplog
) -> None:
    # The server is down: the request is still stored, and the user gets reference and PDF.
    walker = to_outcome(client)
    submitted_request(walker)
    with caplog.at_level(logging.WARNING):
        result = runner.invoke(args=["outbox", "worker", "--once"])
    assert result.exit_code == 0 and "Made 1 PDF (0 failed); sent 0 messages (1 failed)." in result.output
    # Which email (found, operator review: a request's emails failing were identical lines).
    assert re.search(r"Email \(facilitators\) for request STT-\w{4}-\w{4} not sent \(attempt 1\)", caplog.text)
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
        # The audit trail tells a facilitator what happened in words, not the error's name.
        from app.inbox.service import audit_trail

        trail = [f"{entry.action}: {entry.detail}" for entry in audit_trail(stored.reference)]
        failure = next(line for line in trail if "Email not sent yet" in line)
        assert "the mail server did not answer" in failure and "Error" not in failure, failure
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
    assert f"{reference}\tfacilitators' email unsent\tattempts 0" in result.output
    with mail_app.app_context():
        run_outbox()  # the PDF is made; the mail server is down
    result = runner.invoke(args=["outbox", "status"])
    assert "PDF not made" not in result.output
    # Each unsent email says which it is (one request can have several), why in the facilitators'
    # words with the settings to check, then the technical error for whoever is debugging.
    assert (
        f"{reference}\tfacilitators' email unsent\tattempts 1\tthe mail server did not answer (check SMTP_HOST "
        "and SMTP_PORT, and that the mail server is running) [Could not connect: ConnectionRefusedError: "
        in result.output
    ), result.output


@both_databases
def test_outbox_status_says_which_email_is_being_sent_now(mail_app, smtp_server: SmtpServer, runner) -> None:
    """Found (regression review): `flask outbox status` said "unsent" of an email the worker was
    sending at that moment, as if it were stuck. Asked while the mail server is taking it: "being
    sent now"; once it has gone, it is not listed."""
    smtp_server.start()
    with mail_app.app_context():
        reference = make_request().request.reference
    said: list[str] = []
    smtp_server.mailbox.while_receiving = lambda: said.append(runner.invoke(args=["outbox", "status"]).output)
    with mail_app.app_context():
        assert run_outbox().sent == 1
    assert len(said) == 1, said
    # (SQLite cannot tell a worker sending it from one that stopped as it sent it: it says both.)
    sqlite = mail_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    now = (
        "being sent now, or its worker stopped as it sent it (if so, tried again from "
        if sqlite
        else "being sent now\t"
    )
    assert f"{reference}\tfacilitators' email {now}" in said[0], said[0]
    assert "email unsent" not in said[0]
    assert runner.invoke(args=["outbox", "status"]).output == "Every PDF is made and every email sent.\n"


def test_outbox_status_says_a_mail_server_name_not_found_in_words(mail_app, runner) -> None:
    """Found (operator review): a wrong SMTP_HOST showed as "gaierror: [Errno -2] Name or service
    not known" alone, where the inbox says "the mail server did not answer"."""
    mail_app.config["SMTP_HOST"] = "smtp.example.invalid"  # .invalid is never found (RFC 2606)
    with mail_app.app_context():
        reference = make_request().request.reference
        run_outbox()
    output = runner.invoke(args=["outbox", "status"]).output
    [line] = [line for line in output.splitlines() if "email unsent" in line]
    assert line.startswith(
        f"{reference}\tfacilitators' email unsent\tattempts 1\tthe mail server did not answer (its name was "
        "not found: check SMTP_HOST) [Could not connect: gaierror: "
    ), line


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


# --- every plain-text email: one line per paragraph ---------------------------------------

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SESSION = {
    "date": "Tuesday 3 March 2026",
    "time": "10:30am",
    "length": "1 hour 30 minutes",
    "format": "Online",
    "place": "The joining link will follow by email",
}
CONTACT = "Email spacetothink@partnership.example or call 0161 496 0999, Monday to Friday."
# Each email template, with the contexts that change what it says (settings set and unset).
EMAIL_CONTEXTS: dict[str, list[dict]] = {
    "requests/acknowledgement.txt": [
        {"reference": "ABCD2345", "mode": mode, "response_time": time, "contact": contact, "reply_to": reply_to}
        for mode in ("practitioner", "supervision")
        for time, contact in (("within 5 working days", CONTACT), (None, None))
        for reply_to in (True, False)
    ],
    "requests/email.txt": [
        {
            "reference": "ABCD2345",
            "how_soon": "Within a month",
            "filename": "request.pdf",
            "link": link,
            "retention_days": 90,
            "identifying": "The free text seemed to contain a date. The requester was warned and confirmed that it "
            "does not identify anyone."
            if found
            else "Nothing that looked like identifying information was found in the free text.",
            "found": found,
            "with_pdf": with_pdf and not held_back,
            "held_back": held_back,
            "pdf_attempts": 3,
            "completed_by": completed_by,
            "flags": ["A practice review may be under way"] if completed_by else [],
        }
        for completed_by in (None, "A manager or supervisor, in supervision with the practitioner")
        for link in ("https://spacetothink.example/inbox/requests/ABCD2345", None)
        for found in (True, False)
        for with_pdf in (True, False)
        for held_back in ((False, True) if found and with_pdf else (False,))
    ],
    **{
        f"sessions/{kind}.txt": [
            {
                "reference": "ABCD2345",
                "session": SESSION,
                "update": update,
                "contact": contact,
                # An update says what changed (the place is not repeated).
                **({"changed": [("time", "9:30am"), ("joining instructions or place", "")]} if update else {}),
            }
            for update in (False, True)
            for contact in (CONTACT, None)
        ]
        for kind in ("invitation", "cancellation", "reminder")
    },
    "sessions/feedback.txt": [{"reference": "ABCD2345", "link": "https://spacetothink.example/feedback/x", "days": 14}],
    # The notice that an account's password changed: by its user or by whoever manages accounts,
    # with the partnership's contact by email and phone, by email only, or none.
    "inbox/password_changed.txt": [
        {"when": "4 December 2026 at 9:45am", "by_self": by_self, "contact": contact}
        for by_self in (True, False)
        for contact in (
            {"email": "sscp@partnership.example", "phone": "0161 496 0999", "hours": "Monday to Friday, 9am to 5pm"},
            {"email": "sscp@partnership.example", "phone": None, "hours": None},
            None,
        )
    ],
    # The notice that an account's email address changed, to the address before and to the new one.
    "inbox/email_changed.txt": [
        {"when": "4 December 2026 at 9:45am", "to_old": to_old, "contact": contact}
        for to_old in (True, False)
        for contact in (
            {"email": "sscp@partnership.example", "phone": "0161 496 0999", "hours": "Monday to Friday, 9am to 5pm"},
            {"email": "sscp@partnership.example", "phone": None, "hours": None},
            None,
        )
    ],
    # A redirected request reopened after its email went (app.inbox.redirected.queue_reopened_email).
    "inbox/reopened.txt": [{"reference": "STT-7KQ4-M9XA", "contact": contact} for contact in (CONTACT, None)],
    # A redirected request's route (app.inbox.redirected): contacts with a phone and hours, a note,
    # an email, links or none of them; short forms left unexplained or none; a contact or none.
    "inbox/redirected.txt": [
        {
            "reference": "ABCD2345",
            # (No route of the rules': its contacts, these, are sent as made: ``with_contacts_now``.)
            "outcome_id": "not-in-the-rules",
            "title": "Share your concern with children's social care now",
            "summary": "A concern goes to children's social care first. Space to Think is not the route for this.",
            "actions": ["If a child may be in immediate danger, call 999 now.", "Talk to your DSL."],
            "outcome_contacts": contacts,
            "contact": contact,
            "short_forms": short_forms,
            "act_now": short_forms == [],
            "replaces": contact is None,
        }
        for contacts in (
            [
                (
                    SimpleNamespace(
                        name="Children's social care",
                        phone="0161 496 0000",
                        hours="Monday to Friday, 9am to 5pm",
                        email=None,
                        links=[SimpleNamespace(text="Report a concern", url="https://example.org/report")],
                        detail="The front door to children's social care.",
                    ),
                    None,
                ),
                (
                    SimpleNamespace(
                        name="The LADO team",
                        phone=None,
                        hours=None,
                        email="lado@example.org",
                        links=[],
                        detail="Allegations about adults who work with children.",
                    ),
                    "If the worry is about an adult who works with children",
                ),
            ],
            [],
        )
        for contact in (CONTACT, None)
        for short_forms in ([("DSL", "designated safeguarding lead")], [])
    ],
}


SESSION_EMAILS = ("invitation", "cancellation", "reminder")


def test_every_email_template_is_checked_for_broken_paragraphs() -> None:
    # (A name starting "_" is a part included in emails, checked in each of them.)
    found = {str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.txt") if not path.name.startswith("_")}
    assert found == set(EMAIL_CONTEXTS)


@pytest.mark.parametrize(
    "template",
    [
        "requests/acknowledgement.txt",
        *(f"sessions/{kind}.txt" for kind in SESSION_EMAILS),
        "sessions/feedback.txt",
        "inbox/redirected.txt",
        "inbox/reopened.txt",
    ],
)
def test_every_email_to_a_practitioner_gives_the_numbers_to_call_if_a_child_is_at_risk(
    app: Flask, template: str
) -> None:
    """Found (content review): the session invitations, reminders, cancellations and the feedback
    email said "contact children's social care now" with no number, where the acknowledgement gave
    the emergency contacts' numbers and hours, as the outcome pages' footer does."""
    with app.test_request_context():
        from app.pack import current_contacts

        emergency = current_contacts().emergency
        assert emergency
        for context in EMAIL_CONTEXTS[template]:
            body = with_contacts_now(render_template(template, **context))  # as it is sent
            assert "Space to Think is not an urgent route. If a child is at risk of harm" in body
            for contact in emergency:
                assert f"- {contact.name}: {contact.phone or contact.detail}" in body, (template, contact.name)


@pytest.mark.parametrize("template", sorted(EMAIL_CONTEXTS))
def test_no_email_breaks_a_line_inside_a_paragraph(app: Flask, template: str) -> None:
    """Found: the emails had hard line breaks inside sentences ("contact children's" / "social
    care now"), which mail programs show as stub lines. Each paragraph is now one line, with a
    blank line between paragraphs (and the reply time is part of its sentence)."""
    with app.test_request_context():
        from app.pack import current_partnership

        signature = current_partnership().email_signature
        for context in EMAIL_CONTEXTS[template]:
            body = with_contacts_now(render_template(template, **context))  # as it is sent
            assert broken_paragraphs(body, signature) == [], (template, context)
            assert "\n\n\n" not in body and not body.startswith("\n"), (template, context)
            if context.get("response_time"):
                assert (
                    "will read the request and usually contact you within 5 working days, to arrange a session or, if "
                    "another route would suit it better, to say where to go instead." in body
                )


@pytest.mark.parametrize("template", sorted(EMAIL_CONTEXTS))
def test_every_email_ends_saying_which_partnership_it_is_from(app: Flask, template: str) -> None:
    """Found (review of what leaves the service): every email was signed "Space to Think" only,
    from a bare address. The acknowledgement goes to whatever work email was typed, and a person
    who did not make the request could not tell who runs the service. The signature names the
    partnership under the service, as the example partnership's file does."""
    with app.test_request_context():
        from app.pack import current_partnership

        name = current_partnership().name
        for context in EMAIL_CONTEXTS[template]:
            body = with_contacts_now(render_template(template, **context))  # as it is sent
            assert body.rstrip().endswith(f"\nSpace to Think\n{name}"), (template, body[-200:])


@pytest.mark.parametrize(
    "reply_to, contact, asked",
    [
        (True, None, "If that was not you, please reply to this email to let the facilitators know."),
        (False, "Call 0161 496 0000.", "If that was not you, please let the facilitators know, using the contact"),
        (False, None, "If that was not you, you do not need to do anything."),
    ],
)
def test_the_acknowledgement_asks_whoever_did_not_make_the_request_to_say_so(
    app: Flask, reply_to: bool, contact: str | None, asked: str
) -> None:
    """The work email is typed, never checked: a stranger sent the acknowledgement (which repeats
    nothing of the request) is asked to tell the facilitators, where there is a way to, so that the
    session's invitation, with its joining details, does not follow it there."""
    with app.test_request_context():
        body = render_template(
            "requests/acknowledgement.txt",
            reference="STT-2345-6789",
            mode="practitioner",
            reply_to=reply_to,
            contact=contact,
            response_time=None,
        )
    assert asked in " ".join(body.split())


def test_the_paragraph_check_finds_a_sentence_broken_over_two_lines() -> None:
    broken = (
        "What happens next\nThe facilitators\nwill contact you.\n\nDate: today\nTime: 10am\n\n"
        "If a child is at risk, contact children's\nsocial care now.\n\nKeep this.\nGive it.\n\nSpace to Think"
    )
    assert broken_paragraphs(broken, "Space to Think") == [
        "'The facilitators' / 'will contact you.'",
        "\"If a child is at risk, contact children's\" / 'social care now.'",
        "'Keep this.' / 'Give it.'",
    ]


def test_a_mail_error_is_recorded_without_any_email_address() -> None:
    """The worker records a failure in the outbox, the audit log (kept after the request is
    deleted) and its log: the refused address, or one the server quotes, is never among them."""
    import smtplib

    from app.mail import describe_error, without_addresses

    refused = smtplib.SMTPRecipientsRefused(
        {"jo.bloggs@agency.example.org": (550, b"5.1.1 <jo.bloggs@agency.example.org>: Recipient address rejected")}
    )
    assert describe_error(refused) == "SMTPRecipientsRefused: 550 5.1.1 [address]: Recipient address rejected"
    data = smtplib.SMTPDataError(554, b"Message for jo.bloggs@agency.example.org refused as spam")
    assert "jo.bloggs" not in describe_error(data) and "554" in describe_error(data)
    # A refused sender, in quotes as smtplib gives it: taken out, its quotes kept (it left "[address]')").
    sender = smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected", "o'brien@partnership.example")
    assert describe_error(sender) == "SMTPSenderRefused: (553, b'5.7.1 Sender address rejected', \"[address]\")"
    assert without_addresses("'jo@agency.example.org' and o'neil@agency.example.org's") == (
        "'[address]' and [address]'s"
    )
    assert describe_error(ConnectionRefusedError(111, "Connection refused")) == (
        "ConnectionRefusedError: [Errno 111] Connection refused"
    )


def test_a_send_over_starttls_checks_the_certificate_and_is_cut_off_at_its_deadline_too(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole send's deadline (``SEND_DEADLINE_FACTOR`` x SMTP_TIMEOUT) holds after STARTTLS,
    when smtplib reads through TLS; and STARTTLS still checks the server's certificate against
    SMTP_HOST (smtplib takes that name from its constructor, which no longer connects)."""
    from email.message import EmailMessage

    from app.mail import SEND_DEADLINE_FACTOR, smtp_send

    openssl = need_program("openssl", "openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key)]
    name = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [openssl, "req", "-x509", *new_key, *name, "-days", "1", "-out", str(cert)], check=True, capture_output=True
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)
    encrypted = threading.Event()
    finished = threading.Event()

    def serve() -> None:
        """STARTTLS, then a line every 0.15 s after the EHLO, never finishing the reply."""
        with listener, listener.accept()[0] as connection:
            connection.settimeout(5)
            lines = connection.makefile("rb")
            connection.sendall(b"220 ready\r\n")
            lines.readline()
            connection.sendall(b"250-hello\r\n250 STARTTLS\r\n")
            lines.readline()
            connection.sendall(b"220 go ahead\r\n")
            with server_context.wrap_socket(connection, server_side=True) as tls:
                encrypted.set()
                tls.recv(1000)  # EHLO again
                while not finished.wait(0.15):
                    tls.sendall(b"250-still here\r\n")

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    client_context = ssl.create_default_context(cafile=cert)  # trusting the test's certificate alone
    monkeypatch.setattr("app.mail.ssl.create_default_context", lambda: client_context)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=listener.getsockname()[1], SMTP_TIMEOUT=0.6, SMTP_USE_TLS=True)
    # (0.6 s: each line, 0.15 s apart, is well within it even on a loaded machine; the whole send is not)
    email = EmailMessage()
    email["From"], email["To"] = "space-to-think@partnership.example", FACILITATORS
    email.set_content("A test")
    started = time.monotonic()
    try:
        with app.app_context(), pytest.raises(TimeoutError, match=r"did not finish the send within 1\.8s"):
            smtp_send(email)
        took = time.monotonic() - started
    finally:
        finished.set()
        server.join(timeout=5)
    assert encrypted.is_set()
    assert SEND_DEADLINE_FACTOR * 0.6 <= took < SEND_DEADLINE_FACTOR * 0.6 + 2, took


def a_request_email() -> EmailMessage:
    """A short email to the facilitators, as the worker sends one."""
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = "service@example.org", FACILITATORS, "A request"
    email.set_content("Hello")
    return email


def test_a_server_slower_than_smtp_timeout_to_accept_a_message_is_waited_for_and_sent_it_once(
    smtp_server: SmtpServer,
) -> None:
    """Found (dependency review): a mail server that answered the end of a message after 20 s,
    with SMTP_TIMEOUT at 5, had taken it each time, but the send was called failed at 5 s, and
    the facilitators' email went 4 times. The answer to the message is waited for until the
    send's cut-off (the time left and as long again), not SMTP_TIMEOUT."""
    from app.mail import _DeadlineSMTP

    accept = smtp_server.mailbox.handle_DATA

    async def scanned_first(server, session, envelope):  # type: ignore[no-untyped-def]
        await asyncio.sleep(1.2)  # a virus scan, longer than SMTP_TIMEOUT below
        return await accept(server, session, envelope)

    smtp_server.mailbox.handle_DATA = scanned_first  # type: ignore[method-assign]  # this test's server only
    smtp_server.start()
    email = a_request_email()
    smtp = _DeadlineSMTP("127.0.0.1", 0.4, time.monotonic() + 5)
    try:
        smtp.connect("127.0.0.1", smtp_server.port)
        smtp.send_message(email)  # raised a timeout before (SMTP_TIMEOUT 0.4 s)
        smtp.quit()
    finally:
        smtp.release()
    assert len(smtp_server.mailbox.messages) == 1 and not smtp.was_cut_off


def test_a_message_being_accepted_is_never_cut_off_at_the_send_deadline(smtp_server: SmtpServer) -> None:
    """Found (diff review): a mail server that takes its time to accept a message it has been
    sent (a virus scan) could be cut off at the whole send's deadline after taking it; the send
    then counted as failed, and the message went again at every try. Once the message itself is
    being sent, only SMTP_TIMEOUT limits each wait."""
    from app.mail import _DeadlineSMTP

    received, release = threading.Event(), threading.Event()
    accept = smtp_server.mailbox.handle_DATA

    async def slow_to_accept(server, session, envelope):  # type: ignore[no-untyped-def]
        received.set()
        while not release.is_set():
            await asyncio.sleep(0.01)
        return await accept(server, session, envelope)

    smtp_server.mailbox.handle_DATA = slow_to_accept  # type: ignore[method-assign]  # this test's server only
    smtp_server.start()
    email = a_request_email()
    smtp = _DeadlineSMTP("127.0.0.1", 5, time.monotonic() + 60)
    smtp.connect("127.0.0.1", smtp_server.port)
    sending = threading.Thread(target=smtp.send_message, args=(email,))
    sending.start()
    try:
        assert received.wait(5)
        smtp.cut_off()  # the deadline passes while the server decides
    finally:
        release.set()
        sending.join(10)
    assert not smtp.was_cut_off and len(smtp_server.mailbox.messages) == 1
    smtp.quit()
    smtp.release()

    # A server that never finishes accepting it is still cut off, after as long again.
    release.clear()
    received.clear()
    smtp = _DeadlineSMTP("127.0.0.1", 5, time.monotonic() + 60)
    smtp._grace_seconds = 0.2  # as long again as this test can wait
    smtp.connect("127.0.0.1", smtp_server.port)
    failed: list[BaseException] = []

    def send() -> None:
        try:
            smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            failed.append(error)

    sending = threading.Thread(target=send)
    sending.start()
    try:
        assert received.wait(5)
        smtp.cut_off()  # at the deadline: 0.2 s more, then cut off
        sending.join(5)
        assert not sending.is_alive() and failed and smtp.was_cut_off
    finally:
        release.set()
        sending.join(5)
        smtp.release()


def test_an_email_sent_again_after_its_send_was_lost_has_the_same_message_id(mail_app, smtp_server: SmtpServer) -> None:
    """Found (operator review): PostgreSQL restarted as the worker sent a request's email, so the
    mail server had it but the database could not record it; sent again, the facilitators had two
    copies with two Message-IDs. Every attempt at one outbox email now has the same Message-ID
    (a mail program shows one), and each email its own."""
    from sqlalchemy import update

    smtp_server.start()
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    with mail_app.app_context():
        make_request()
        assert run_outbox().sent == 2
        # As if the database had not recorded the send: queued again, as it was.
        db.session.execute(update(OutboxMessage).values(sent_at=None, next_attempt_at=None, last_attempt_at=None))
        db.session.commit()
        assert run_outbox().sent == 2
    ids = [str(message["Message-ID"]) for message in smtp_server.mailbox.messages]
    assert len(ids) == 4 and ids[:2] == ids[2:] and ids[0] != ids[1], ids
    # Nothing in it counts the emails sent or says when (earlier notes: the outbox row's number and
    # the time to the microsecond were in it).
    assert all(re.fullmatch(r"<outbox-[a-z_]+\.[0-9a-f]{32}@space-to-think\.invalid>", found) for found in ids), ids
    with mail_app.app_context():
        row = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert emails.message_id(row) in ids
        # Stored with the row when it was queued (found, restore review: made under the key, a key
        # rotated, or a restore under another, gave emails that had gone new Message-IDs).
        mail_app.config["SECRET_KEY"] = "another key, as after a rotation"
        assert emails.message_id(row) == row.message_id == ids[0]


def header_lines(raw: bytes) -> list[str]:
    """The header section of a message as sent, line by line (folded lines apart)."""
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


def test_every_header_value_starts_on_its_own_line_and_reads_back_as_set(mail_app, smtp_server: SmtpServer) -> None:
    """Found (email review): a header value of 70 to 77 characters was moved whole onto the line
    after its name ("Subject:" alone, then " Updated invitation: ..."), so a filter reading
    headers line by line saw an empty subject, sender or Message-ID, and Python's parser read the
    subject with a space in front: an update's subject for two references, every reminder's
    Message-ID, a From setting with the partnership's name (the examples below, as sent)."""
    from app import emails, mail
    from app.space_sessions.service import SUBJECTS

    sender = "Space to Think \u2013 Salford Safeguarding Children Partnership <space-to-think@salford.example>"
    facilitators = "Salford Safeguarding Children Partnership <space-to-think@salford.example>"
    mail_app.config.update(MAIL_FROM=sender, FACILITATOR_EMAIL=facilitators, SEND_ACKNOWLEDGEMENTS=True)
    update = SUBJECTS["update"].format(reference="STT-723K-DUCS and STT-UVDP-YCP9")
    assert 70 <= len(update) <= 77  # the length that was moved
    smtp_server.start()
    with mail_app.app_context():
        make_request()
        assert run_outbox().sent == 2  # the facilitators' email and the acknowledgement
        account = OutboxMessage(kind=mail.PASSWORD_CHANGED, recipient="a@partnership.example", subject=update, body="x")
        built = emails.build_email(account, None)
        built.replace_header("Message-ID", f"<outbox-reminder.{'0' * 32}@{emails.MESSAGE_ID_DOMAIN}>")
        mail.smtp_send(built)
    assert len(smtp_server.mailbox.raw) == 3
    for raw, message in zip(smtp_server.mailbox.raw, smtp_server.mailbox.messages, strict=True):
        lines = header_lines(raw)
        assert not [line for line in lines if re.fullmatch(r"[A-Za-z-]+:\s*", line)], lines
        # Within 78 characters, unless the line's value is one word too long to fold (a Message-ID).
        assert all(len(line) <= 78 or len(line.partition(": ")[2].split()) == 1 for line in lines), lines
        assert message["From"] == sender and message["From"].addresses[0].display_name.startswith(
            "Space to Think \u2013"
        )
    assert smtp_server.mailbox.messages[1]["Reply-To"] == facilitators
    last = smtp_server.mailbox.messages[2]
    assert last["Subject"] == update
    assert last["Message-ID"] == f"<outbox-reminder.{'0' * 32}@{emails.MESSAGE_ID_DOMAIN}>"


def test_a_refusal_quoting_the_name_part_of_the_address_keeps_it_nowhere(
    mail_app: Flask, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (security review): a mail server that names only the part before the @ ("550 5.1.1
    mailbox "jane.patel" does not exist", as Dovecot can) left the practitioner's name in the
    worker's log, the outbox and the audit log, kept for six years after the request is erased."""
    smtp_server.start()
    app = mail_app
    app.config.update(SEND_ACKNOWLEDGEMENTS=True)
    address = "Jane.Patel@agency.example.org"
    smtp_server.mailbox.refuse[address] = '550 5.1.1 mailbox "jane.patel" does not exist'
    with app.app_context():
        reference = make_request(details={**VALID_DETAILS, "email": address}).request.reference
    caplog.set_level(logging.INFO)
    run_outbox(app)
    with app.app_context():
        details = list(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.reference == reference)))
        errors = list(db.session.scalars(select(OutboxMessage.last_error).where(OutboxMessage.recipient == address)))
    assert any('mailbox "[address]" does not exist' in (detail or "") for detail in details), details
    assert errors and all("[address]" in (error or "") for error in errors)
    # (Not aiosmtpd's own log: the test's mail server.)
    logged = [record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")]
    assert any("[address]" in line for line in logged)
    kept = " ".join([*(detail or "" for detail in details), *(error or "" for error in errors), *logged])
    assert "jane" not in kept.lower() and "patel" not in kept.lower()


@pytest.mark.parametrize(
    "address, reply, recorded",
    [
        # A name ending the reply's sentence (found, regression review: left in the audit log).
        (
            "sam.okafor@nhs.example",
            b"5.1.1 Recipient rejected: no mailbox for sam.okafor.",
            "no mailbox for [address].",
        ),
        ("jane.patel@nhs.example", b"User unknown: jane.patel. Try later", "User unknown: [address]. Try later"),
        # The part before a sub-address's "+" (regression review: "mary.smith" left in).
        (
            "mary.smith+stt@nhs.example",
            b"mary.smith+stt rejected: mailbox mary.smith does not exist",
            "mailbox [address] does",
        ),
        # A shared mailbox's name, a word of the reply itself, is left (found: "contact your [address]").
        ("user@agency.example", b"5.1.1 user unknown", "550 5.1.1 user unknown"),
        ("admin@agency.example", b"contact your admin", "550 contact your admin"),
    ],
)
def test_a_refusal_masks_the_name_part_of_the_address_but_not_the_reply_s_own_words(
    address: str, reply: bytes, recorded: str
) -> None:
    import smtplib

    from app.mail import describe_error

    refused = smtplib.SMTPRecipientsRefused({address: (550, reply)})
    assert recorded in describe_error(refused, address)
    # A connection's error names no one: nothing in it is taken for the address.
    assert describe_error(ConnectionRefusedError(111, "Connection refused"), "connection@x.example") == (
        "ConnectionRefusedError: [Errno 111] Connection refused"
    )
