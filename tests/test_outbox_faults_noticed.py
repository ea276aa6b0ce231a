"""The outbox and the request's storage where a mutation review found nothing would notice a fault
(found, December 2026: each test fails with the fault named in it, and passes without)."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

import app.outbox as outbox
from app.extensions import db
from app.models import OutboxMessage, utcnow
from support.mail import SmtpServer
from support.submission import make_request

LATER = dt.timedelta(days=2)


def test_on_sqlite_an_email_another_process_began_sending_meanwhile_is_left_to_it(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """On SQLite, the worker and `flask outbox send` both claimed the email before either marked its
    start: the one that marks second leaves it to the other (with ``_free_to_send_on_sqlite``
    skipped, only a test that depends on two threads' timing failed, and not on a busy machine)."""
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    smtp_server.start()
    with mail_app.app_context():
        make_request()
        message = outbox.claim_message(utcnow(), set())
        assert message is not None and message.kind == "acknowledgement"
        db.session.expunge(message)  # this worker's copy, read before the other process began
        db.session.rollback()
        # `flask outbox send`, meanwhile, marks its attempt's start (committed) and is sending it.
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(last_attempt_at=utcnow()))
        db.session.commit()
        message = db.session.merge(message, load=False)
        assert outbox.send_message(message) == outbox.BUSY
    assert smtp_server.mailbox.messages == []


def test_an_email_sent_whose_sent_could_not_be_written_is_recorded_not_sent_again_on_sqlite(
    mail_app: Flask, smtp_server: SmtpServer, monkeypatch
) -> None:
    """An email the mail server took as the database failed is recorded as sent by the next pass,
    not sent again (``record_sent_not_recorded``: only PostgreSQL's tests noticed it left out)."""
    real, failed = outbox._record_sent, []

    def fails_once(*args, **kwargs):
        if not failed:
            failed.append(True)
            raise OperationalError("UPDATE outbox", {}, Exception("disk I/O error"))
        return real(*args, **kwargs)

    monkeypatch.setattr(outbox, "_record_sent", fails_once)
    smtp_server.start()
    with mail_app.app_context():
        make_request()
        try:
            outbox.run_pass()
        except SQLAlchemyError:
            db.session.rollback()
        assert failed and len(smtp_server.mailbox.messages) == 1
        outbox.run_pass(now=utcnow() + LATER)  # long after any attempt counts as under way
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.sent_at is not None
    assert len(smtp_server.mailbox.messages) == 1  # not sent twice


def test_a_failed_email_whose_id_went_to_another_email_meanwhile_is_written_to_no_other(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """SQLite can give a deleted email's id to the next one: a failure to send the first is not
    written onto the second (``taken_out_meanwhile`` asking only whether the row is gone went
    unnoticed: the test of it only deleted the row)."""
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    smtp_server.mailbox.refuse_message = "451 4.3.0 Try again later"
    smtp_server.start()
    with mail_app.app_context():
        request = make_request().request
        request_id = request.id
        [ack] = [m for m in request.outbox if m.kind == "acknowledgement"]
        ack_id, created = ack.id, ack.created_at
        for message in request.outbox:  # the facilitators' email went already: only the acknowledgement is due
            if message.kind == "facilitators":
                message.sent_at = utcnow()
        db.session.commit()

    def replaced_meanwhile() -> None:
        with mail_app.app_context():
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.id == ack_id))
            db.session.execute(
                insert(OutboxMessage).values(
                    id=ack_id,
                    request_id=request_id,
                    kind="acknowledgement",
                    recipient="p@agency.example",
                    subject="Another",
                    created_at=created + dt.timedelta(seconds=1),
                    attempts=0,
                    given_up_at=utcnow(),  # (another email, not due: only what this pass writes onto it counts)
                )
            )
            db.session.commit()

    smtp_server.mailbox.while_receiving = replaced_meanwhile
    with mail_app.app_context():
        outbox.run_pass()
        smtp_server.mailbox.while_receiving = None
        other = db.session.get(OutboxMessage, ack_id)
        assert other.created_at == created + dt.timedelta(seconds=1)
        assert (other.attempts, other.last_error, other.next_attempt_at) == (0, None, None)


def test_no_acknowledgement_is_queued_where_the_facilitators_are_not_emailed(app: Flask) -> None:
    """With no facilitators' address, no acknowledgement is queued either: it would tell the
    practitioner their request was received when no one was emailed it, or wait unsent for ever
    (with the acknowledgement queued whenever SEND_ACKNOWLEDGEMENTS is on, nothing failed)."""
    from sqlalchemy import func

    app.config.update(SEND_ACKNOWLEDGEMENTS=True, FACILITATOR_EMAIL=None)
    with app.app_context():
        make_request()
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
