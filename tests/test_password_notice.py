"""A facilitator is emailed at their account's address when its password is changed, on the
inbox's "Change your password" page or by ``flask facilitators reset-password``: when, and whom
to contact if it was not them; never the password, and no link. The email is queued with the
change and sent by the outbox worker (never inside the web request), through a real SMTP server
(aiosmtpd), only where the service sends mail; it belongs to no request (migration 0021) and is
kept no longer than a request's emails."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select, update

from app import audit
from app.extensions import db
from app.inbox import service
from app.inbox.models import Facilitator
from app.mail import (
    ACCOUNT_CLOSED_BEFORE_SENT,
    EMAIL_CHANGED,
    EMAIL_CHANGED_SUBJECT,
    PASSWORD_CHANGED,
    PASSWORD_CHANGED_SUBJECT,
)
from app.models import OutboxMessage, utcnow
from app.outbox import run_pass, untried_for_too_long
from app.retention import purge_requests
from app.uk_time import uk_time
from support import both_databases
from support.mail import SmtpServer, only_message
from test_inbox import EMAIL, PASSWORD, add_colleague, events, sign_in, signed_in, text
from test_inbox_password import NEW, PAGE, change

# The partnership's contact in the shipped contacts file (the accessibility statement's).
PARTNERSHIP_EMAIL = "sscp@salford.gov.uk"


def account_emails(app: Flask) -> list[OutboxMessage]:
    """The outbox's emails about accounts (about no request), oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.request_id.is_(None)).order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def body_of(server: SmtpServer) -> tuple[str, str]:
    """The one email's subject and text."""
    message = only_message(server)
    return str(message["Subject"]), message.get_content()


@both_databases
def test_changing_your_password_emails_your_address_once_after_an_outbox_pass(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    smtp_server.start()
    client, facilitator_id = signed_in(mail_app)
    assert f"We will email {EMAIL} to say that the password was changed." in text(client.get(PAGE))
    status, _page, _where = change(client, PASSWORD, NEW)
    assert status == 302
    # Queued with the change, not sent inside the web request.
    assert smtp_server.mailbox.messages == []
    [queued] = account_emails(mail_app)
    assert (queued.kind, queued.recipient, queued.facilitator_id) == (PASSWORD_CHANGED, EMAIL, facilitator_id)
    [event] = events(mail_app, service.PASSWORD_NOTICE_QUEUED)
    assert (event.reference, event.actor) == (None, f"facilitator:{facilitator_id}")
    assert EMAIL not in event.detail  # the audit log names the account by its id only

    with mail_app.app_context():
        assert run_pass().sent == 1
        assert run_pass().sent == 0  # once
    assert smtp_server.mailbox.envelopes == [("space-to-think@partnership.example", [EMAIL])]
    subject, body = body_of(smtp_server)
    assert subject == PASSWORD_CHANGED_SUBJECT
    assert f"was changed on {uk_time(queued.created_at)} (UK time)" in body
    assert 'on the inbox\'s "Change your password" page, by someone signed in to your account' in body
    assert "If this was not you" in body and f"- Email: {PARTNERSHIP_EMAIL}" in body
    assert "Contact the Salford Safeguarding Children Partnership straight away:" in body
    # Nothing that would let a reader in: no password, old or new, and no link.
    assert NEW not in body and PASSWORD not in body
    assert not re.search(r"https?://|www\.", body)
    assert only_message(smtp_server)["Reply-To"] is None
    assert "X-Space-To-Think-Reference" not in only_message(smtp_server)
    [sent] = account_emails(mail_app)
    assert sent.sent_at is not None and sent.body is None  # its text is not kept once sent
    [event] = events(mail_app, service.PASSWORD_NOTICE_SENT)
    assert (event.reference, event.detail) == (None, f"facilitator:{facilitator_id}; attempt 1")


def test_a_refused_change_queues_and_sends_nothing(mail_app: Flask, smtp_server: SmtpServer) -> None:
    smtp_server.start()
    client, _facilitator_id = signed_in(mail_app)
    assert change(client, "not my password at all", NEW)[0] == 200  # the current password wrong
    assert change(client, PASSWORD, NEW, again="copper kettle meadow thistles")[0] == 200  # two new ones differ
    assert change(client, PASSWORD, "password1234")[0] == 200  # too easy to guess
    assert change(client, PASSWORD, PASSWORD)[0] == 200  # the same as now
    assert account_emails(mail_app) == []
    with mail_app.app_context():
        assert run_pass().sent == 0
    assert smtp_server.mailbox.messages == []
    assert events(mail_app, service.PASSWORD_NOTICE_QUEUED) == []


def test_a_password_set_by_the_command_emails_the_account_saying_so(mail_app: Flask, smtp_server: SmtpServer) -> None:
    smtp_server.start()
    _client, facilitator_id = signed_in(mail_app)
    runner = mail_app.test_cli_runner()
    refused = runner.invoke(args=["facilitators", "reset-password", EMAIL], input="password1234\npassword1234\n")
    assert refused.exit_code != 0 and account_emails(mail_app) == []
    reset = runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{NEW}\n{NEW}\n")
    assert reset.exit_code == 0, reset.output
    assert "They will be emailed that their password was changed." in " ".join(reset.output.split())
    [event] = events(mail_app, service.PASSWORD_NOTICE_QUEUED)
    assert (event.actor, event.detail) == ("cli", f"facilitator:{facilitator_id}; to the account's email address")
    with mail_app.app_context():
        assert run_pass().sent == 1
    subject, body = body_of(smtp_server)
    assert subject == PASSWORD_CHANGED_SUBJECT
    assert "A new password was set for your account by whoever manages inbox accounts." in body
    assert NEW not in body and not re.search(r"https?://|www\.", body)


@both_databases
def test_a_password_set_by_the_command_for_a_deactivated_account_emails_nobody(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (review): the command emailed the address of an account deactivated because its owner
    had left (an address that may now be read by someone else, or forwarded), saying whom to contact
    "if this was not you". The password is set (as ``unlock`` and ``set-role`` act on a deactivated
    account, for when it is reactivated), audited, and the command says nobody was emailed."""
    smtp_server.start()
    _client, facilitator_id = signed_in(mail_app)
    add_colleague(mail_app)
    runner = mail_app.test_cli_runner()
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    reset = runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{NEW}\n{NEW}\n")
    assert reset.exit_code == 0, reset.output
    said = " ".join(reset.output.split())
    assert "The account is deactivated, so they still cannot sign in." in said
    assert "They were not emailed about it, as the account is deactivated." in said
    assert [event.detail for event in events(mail_app, "password_reset")] == [f"facilitator:{facilitator_id}"]
    assert account_emails(mail_app) == [] and events(mail_app, service.PASSWORD_NOTICE_QUEUED) == []
    with mail_app.app_context():
        assert run_pass().sent == 0
    assert smtp_server.mailbox.messages == []
    # Reactivated, it signs in with the password set; a reset then emails its owner, as for any.
    assert runner.invoke(args=["facilitators", "reactivate", EMAIL]).exit_code == 0
    assert sign_in(mail_app.test_client(), password=NEW).status_code == 302
    again = runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 0 and "not emailed" not in again.output
    assert [message.recipient for message in account_emails(mail_app)] == [EMAIL]


@both_databases
def test_deactivating_an_account_withdraws_its_unsent_notice(mail_app: Flask, smtp_server: SmtpServer) -> None:
    """Found (b149 review): "reset the password, then close the account", with the worker stopped
    (or slow) between the two: the notice queued by the reset went after the deactivation, to the
    address of someone who has left (which may now be read by someone else)."""
    smtp_server.start()
    _client, facilitator_id = signed_in(mail_app)
    add_colleague(mail_app)
    runner = mail_app.test_cli_runner()
    assert runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{NEW}\n{NEW}\n").exit_code == 0
    assert [message.facilitator_id for message in account_emails(mail_app)] == [facilitator_id]
    deactivated = runner.invoke(args=["facilitators", "deactivate", EMAIL])
    assert deactivated.exit_code == 0
    assert account_emails(mail_app) == []
    with mail_app.app_context():
        assert run_pass().sent == 0
    assert smtp_server.mailbox.messages == []
    # Said by the command and in the audit log, in words (found, regression review: the log's last word
    # was "Password notice queued", and the command had just said the owner would be emailed).
    assert "The account's email not sent yet (a notice that its password or email address was changed) was " in (
        deactivated.output
    ), deactivated.output
    log = runner.invoke(args=["facilitators", "audit-log", "--about-no-request"]).output
    assert "its notice that the password was changed not sent: the account was deactivated" in log, log
    assert "password_changed" not in log


def test_the_worker_gives_up_a_notice_whose_account_was_deactivated_since(
    mail_app: Flask, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    """One the deactivation could not withdraw (a worker was trying it then, and the mail server
    failed) is given up unsent at its next try, audited and logged, never sent."""
    smtp_server.start()
    client, facilitator_id = signed_in(mail_app)
    assert change(client, PASSWORD, NEW)[0] == 302
    with mail_app.app_context():
        db.session.execute(update(Facilitator).where(Facilitator.id == facilitator_id).values(active=False))
        db.session.commit()
        assert run_pass().given_up == 1
    assert smtp_server.mailbox.messages == []
    [given_up] = account_emails(mail_app)
    assert given_up.given_up_at is not None and given_up.body is None and given_up.sent_at is None
    assert given_up.last_error == ACCOUNT_CLOSED_BEFORE_SENT
    [event] = events(mail_app, "email_given_up")
    assert event.detail == f"{PASSWORD_CHANGED} to facilitator:{facilitator_id}: {ACCOUNT_CLOSED_BEFORE_SENT}"
    assert f"to inbox account {facilitator_id} given up: {ACCOUNT_CLOSED_BEFORE_SENT}" in caplog.text


def test_the_audit_log_command_says_an_email_given_up_as_too_late_was_not_refused(mail_app: Flask) -> None:
    """Found (b150): the notice given up as its account was deactivated (as an invitation given up
    as its session had started) was listed by ``audit-log`` as "the mail server refused the
    address", which no server had; the request's own trail already said "too late"."""
    client, _ = signed_in(mail_app)
    add_colleague(mail_app)
    assert change(client, PASSWORD, NEW)[0] == 302
    with mail_app.app_context():
        db.session.execute(update(Facilitator).where(Facilitator.email == EMAIL).values(active=False))
        db.session.commit()
        assert run_pass().given_up == 1
    listed = mail_app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--about-no-request"]).output
    [line] = [line for line in listed.splitlines() if ACCOUNT_CLOSED_BEFORE_SENT in line]
    assert "\tEmail not sent: too late to send (it will not be sent now)\t" in line and "refused" not in line


def test_without_mail_set_up_nothing_is_queued(app: Flask) -> None:
    client, _facilitator_id = signed_in(app)
    assert "We will email" not in text(client.get(PAGE))
    assert change(client, PASSWORD, NEW)[0] == 302
    assert account_emails(app) == []
    assert events(app, service.PASSWORD_NOTICE_QUEUED) == []
    # Found (email review): the command, run without the service's settings, said nothing of the
    # email it did not send, as if the owner had been told.
    reset = app.test_cli_runner().invoke(
        args=["facilitators", "reset-password", EMAIL], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    said = " ".join(reset.output.split())
    assert reset.exit_code == 0 and "They were not emailed about it: this command has no FACILITATOR_EMAIL set" in said
    assert account_emails(app) == []


def test_an_unsent_notice_is_shown_by_the_status_command_and_given_up_if_its_address_is_refused(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    client, facilitator_id = signed_in(mail_app)
    assert change(client, PASSWORD, NEW)[0] == 302
    with mail_app.app_context():
        # Not tried for ten minutes: the worker is not running, as for a request's email.
        assert untried_for_too_long(utcnow() + dt.timedelta(minutes=11)) == 1
        assert run_pass().send_failed == 1  # the mail server is down
    status = mail_app.test_cli_runner().invoke(args=["outbox", "status"])
    assert f"facilitator:{facilitator_id}\tnotice that the password was changed unsent\tattempts 1" in status.output
    smtp_server.mailbox.refuse[EMAIL] = "550 5.1.1 No such mailbox"
    smtp_server.start()
    with mail_app.app_context():
        assert run_pass(ignore_schedule=True).given_up == 1
    [given_up] = account_emails(mail_app)
    assert given_up.given_up_at is not None and given_up.body is None
    [event] = events(mail_app, "email_given_up")
    assert event.reference is None and event.detail.startswith(f"{PASSWORD_CHANGED} to facilitator:{facilitator_id}")


@both_databases
def test_a_notice_is_kept_no_longer_than_a_requests_emails_nor_once_the_accounts_details_go(
    mail_app: Flask,
) -> None:
    _client, facilitator_id = signed_in(mail_app)
    colleague_id = add_colleague(mail_app)
    with mail_app.app_context():
        days = int(mail_app.config["RETENTION_DAYS"])
        for account_id in (facilitator_id, colleague_id):
            service.queue_password_notice(db.session.get(Facilitator, account_id), "cli", by_self=False)
        db.session.commit()
        [old, young] = account_emails(mail_app)
        db.session.execute(
            OutboxMessage.__table__.update()
            .where(OutboxMessage.id == old.id)
            .values(created_at=utcnow() - dt.timedelta(days=days, hours=1))
        )
        db.session.commit()
        purge_requests(days, actor="system")
        assert [message.id for message in account_emails(mail_app)] == [young.id]
        # The account's name and address removed: its notices go with them, however young.
        service.deactivate_facilitator("kim.colleague@partnership.example")
        audit_days = audit.retention_days()
        later = utcnow() + dt.timedelta(days=audit_days + 1)
        assert service.remove_departed_accounts(audit_days, now=later) == 1
        assert account_emails(mail_app) == []


NEW_ADDRESS = "sam.jones@newcouncil.example"


@both_databases
def test_an_email_address_changed_is_said_at_both_addresses_and_the_notices_waiting_follow_it(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (b149 review): an account's address could not be changed; ``set-email`` changes it. The
    old address is told it no longer signs in (its owner can say so if that was not them), the new
    one that it does; neither email names the other address, the person, a password or a link (either
    address may be mistyped, and read by someone else). A password notice still waiting for the old
    address goes to the new one: the old may be someone else's now."""
    smtp_server.start()
    _client, facilitator_id = signed_in(mail_app)
    runner = mail_app.test_cli_runner()
    assert runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{NEW}\n{NEW}\n").exit_code == 0
    changed = runner.invoke(args=["facilitators", "set-email", EMAIL, NEW_ADDRESS])
    assert changed.exit_code == 0, changed.output
    assert "A notice that it changed will be emailed to both addresses." in " ".join(changed.output.split())
    assert [(m.kind, m.recipient) for m in account_emails(mail_app)] == [
        (PASSWORD_CHANGED, NEW_ADDRESS),
        (EMAIL_CHANGED, EMAIL),
        (EMAIL_CHANGED, NEW_ADDRESS),
    ]
    assert [(e.actor, e.detail) for e in events(mail_app, service.EMAIL_NOTICE_QUEUED)] == [
        ("cli", f"facilitator:{facilitator_id}; to the account's email address before"),
        ("cli", f"facilitator:{facilitator_id}; to the account's new email address"),
    ]
    assert "notice that the email address was changed" in runner.invoke(args=["outbox", "status"]).output
    with mail_app.app_context():
        assert run_pass().sent == 3
    assert sorted(rcpt for _sender, [rcpt] in smtp_server.mailbox.envelopes) == sorted(
        [NEW_ADDRESS, EMAIL, NEW_ADDRESS]
    )
    notices = {
        str(m["To"]): m.get_content() for m in smtp_server.mailbox.messages if m["Subject"] == EMAIL_CHANGED_SUBJECT
    }
    assert "This address can no longer be used to sign in to the inbox" in notices[EMAIL]
    assert "Sign in with this address from now on; your password has not changed." in notices[NEW_ADDRESS]
    for body in notices.values():
        assert "If you did not ask for this" in body and f"- Email: {PARTNERSHIP_EMAIL}" in body
        assert EMAIL not in body and NEW_ADDRESS not in body and "Sam" not in body
        assert NEW not in body and PASSWORD not in body and not re.search(r"https?://|www\.", body)
    assert len(events(mail_app, service.EMAIL_NOTICE_SENT)) == 2


def test_an_email_address_changed_on_a_deactivated_account_emails_nobody(mail_app: Flask) -> None:
    signed_in(mail_app)
    add_colleague(mail_app)
    runner = mail_app.test_cli_runner()
    assert runner.invoke(args=["facilitators", "deactivate", EMAIL]).exit_code == 0
    changed = runner.invoke(args=["facilitators", "set-email", EMAIL, NEW_ADDRESS])
    assert changed.exit_code == 0, changed.output
    assert "They were not emailed about it, as the account is deactivated." in changed.output
    assert account_emails(mail_app) == []


def test_an_email_address_changed_twice_before_the_notices_go_tells_each_address_once_what_it_is(
    mail_app: Flask,
) -> None:
    """Found (regression review): changed twice before the worker ran, the first change's notice to
    the second address ("this is now the address") followed the account to the third, which had two."""
    signed_in(mail_app)
    runner = mail_app.test_cli_runner()
    third = "sam.third@partnership.example"
    assert runner.invoke(args=["facilitators", "set-email", EMAIL, NEW_ADDRESS]).exit_code == 0
    assert runner.invoke(args=["facilitators", "set-email", NEW_ADDRESS, third]).exit_code == 0
    recipients = [message.recipient for message in account_emails(mail_app)]
    # The first address: no longer; the second: now, then no longer; the third: now.
    assert sorted(recipients) == sorted([EMAIL, NEW_ADDRESS, NEW_ADDRESS, third]), recipients


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_an_email_address_changed_while_its_notice_is_being_sent_does_not_wait_on_it(app: Flask) -> None:
    """Found (regression review): with the worker sending the account's password notice (its row
    locked while a slow mail server took it), `set-email` waited until the database's time limit and
    failed, blaming "a migration, a transaction left open in psql". The notice being sent is left to
    go to the address it was for; the change is made at once."""
    app.config["FACILITATOR_EMAIL"] = "facilitators@partnership.example"
    signed_in(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["facilitators", "reset-password", EMAIL], input=f"{NEW}\n{NEW}\n").exit_code == 0
    [notice] = account_emails(app)
    # A worker sending it, its row held (on a connection of its own, as a worker's is).
    elsewhere = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    worker = elsewhere.connect()
    try:
        worker.execute(select(OutboxMessage.id).where(OutboxMessage.id == notice.id).with_for_update())
        changed = runner.invoke(args=["facilitators", "set-email", EMAIL, NEW_ADDRESS])
    finally:
        worker.rollback()
        worker.close()
        elsewhere.dispose()
    assert changed.exit_code == 0, changed.output  # (it waited on the worker, then failed)
    assert [message.recipient for message in account_emails(app) if message.id == notice.id] == [EMAIL]


def test_the_facilitators_shared_address_is_no_ones_account_address(mail_app: Flask) -> None:
    """Found (regression review): `add` and `set-email` took the facilitators' shared mailbox
    (FACILITATOR_EMAIL) as an account's own address, so its notices (a password changed) would go to
    every facilitator."""
    shared = str(mail_app.config["FACILITATOR_EMAIL"])
    signed_in(mail_app)
    runner = mail_app.test_cli_runner()
    added = runner.invoke(args=["facilitators", "add", shared.upper(), "--name", "Shared Box"])
    moved = runner.invoke(args=["facilitators", "set-email", EMAIL, f" {shared} "])
    for refused in (added, moved):
        assert refused.exit_code == 1 and "is the facilitators' shared address (FACILITATOR_EMAIL)" in refused.output
    with mail_app.app_context():
        assert service.find_facilitator(shared) is None and service.find_facilitator(EMAIL) is not None
