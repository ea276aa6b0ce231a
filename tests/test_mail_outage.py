"""After a mail outage: the emails that waited because the mail server could not be reached go
as soon as it answers again, not when each one's own retry wait (up to an hour) ends; emails the
server refused, and attempts that may still be under way, keep their waits."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, update

from app import mail
from app.extensions import db
from app.models import OutboxMessage
from app.outbox import bring_forward_after_outage, try_one_after_a_quiet_while
from support import both_databases
from support.mail import FACILITATORS, SmtpServer
from support.submission import VALID_DETAILS, make_request, run_outbox

PRACTITIONER = VALID_DETAILS["email"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _unsent() -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id))
    )


def _as_if_long_ago(ids: list[int], tried: dt.timedelta, due_in: dt.timedelta) -> None:
    """As after a long outage: each tried ``tried`` ago, its wait grown to end ``due_in`` from now."""
    now = _utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(last_attempt_at=now - tried, next_attempt_at=now + due_in)
    )
    db.session.commit()


@both_databases
def test_emails_waiting_out_an_outage_go_at_the_next_pass_once_another_email_goes(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (an hour's soak): after the mail server was back, each email waited out its own retry
    wait, doubled at each try up to an hour, so a redirect saying "act now" could go an hour late."""
    with mail_app.app_context():
        first, second = make_request().request.reference, make_request().request.reference
        # The mail server is down: each pass tries one email and leaves the rest for the next.
        run_outbox()
        run_outbox()
        run_outbox()
        waiting = _unsent()
        assert len(waiting) == 2 and all(message.attempts == 1 for message in waiting)
        for message in waiting:
            assert message.last_error.startswith("Could not connect: ConnectionRefusedError"), message.last_error
            assert mail.mail_problem_words(message.last_error) == "the mail server did not answer"
        long_ago = [message.id for message in waiting]
        _as_if_long_ago(long_ago, tried=dt.timedelta(minutes=20), due_in=dt.timedelta(minutes=50))
        smtp_server.start()
        third = make_request().request.reference
        _as_if_long_ago(long_ago, tried=dt.timedelta(minutes=20), due_in=dt.timedelta(minutes=50))
        # The first waiting is tried after a quiet while (``try_one_after_a_quiet_while``), and the
        # third goes: the second, waiting out its hour, is made due.
        went = run_outbox()
        assert went.sent == 2 and went.brought_forward == 1
        assert {message.next_attempt_at <= _utcnow() for message in _unsent()} == {True}
        assert run_outbox().sent == 1
        assert _unsent() == []
        assert run_outbox().sent == 0 and run_outbox().brought_forward == 0
    subjects = sorted(str(message["Subject"]) for message in smtp_server.mailbox.messages)
    assert subjects == sorted(f"Space to Think request {reference}" for reference in (first, second, third))


@both_databases
def test_an_email_refused_or_perhaps_being_sent_keeps_its_wait(mail_app: Flask, smtp_server: SmtpServer) -> None:
    """Only an email the mail server could not be reached for is brought forward, and only when its
    attempt began before the one that went, and cannot still be under way: found (regression review),
    an email whose refusal said "timed out" was retried at every pass, and one made due while
    `flask outbox send` was sending it was sent again."""
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    smtp_server.start()
    smtp_server.mailbox.refuse[PRACTITIONER] = "450 4.4.2 Timed out waiting for the mailbox server"
    with mail_app.app_context():
        make_request()
        run_outbox()
        [refused] = _unsent()
        assert refused.last_error.startswith("SMTPRecipientsRefused") and "Timed out" in refused.last_error
        smtp_server.stop()
        make_request()  # its facilitators' email: the mail server is down
        run_outbox()
        [recent] = [message for message in _unsent() if message.recipient == FACILITATORS]
        assert recent.last_error.startswith(mail.NOT_CONNECTED)
        _as_if_long_ago([refused.id], tried=dt.timedelta(minutes=20), due_in=dt.timedelta(minutes=50))
        # Tried a moment ago: its attempt may, for all another worker knows, still be under way.
        _as_if_long_ago([recent.id], tried=dt.timedelta(seconds=1), due_in=dt.timedelta(minutes=50))
        waits = {message.id: message.next_attempt_at for message in _unsent() if message.id in (refused.id, recent.id)}
        smtp_server.start()
        make_request()
        went = run_outbox()
        assert went.sent == 1 and went.brought_forward == 0  # the new facilitators' email
        db.session.expire_all()
        assert {message.id: message.next_attempt_at for message in _unsent() if message.id in waits} == waits
        # Its try over 5 minutes old (``mail.attempt_may_last``), it is due at any pass, none need go.
        later = _utcnow() + mail.attempt_may_last() + dt.timedelta(seconds=5)
        assert bring_forward_after_outage(later) == 1
        db.session.expire_all()
        assert db.session.get(OutboxMessage, recent.id).next_attempt_at == later
        assert db.session.get(OutboxMessage, refused.id).next_attempt_at == waits[refused.id]


@both_databases
def test_an_email_tried_after_the_last_one_went_keeps_its_wait(mail_app: Flask, smtp_server: SmtpServer) -> None:
    """The mail server answered, then went down again: an email it could not be reached for after
    the last one went waits its turn (each pass would otherwise try it, and fail)."""
    smtp_server.start()
    with mail_app.app_context():
        make_request()
        assert run_outbox().sent == 1
        smtp_server.stop()
        make_request()
        run_outbox()
        [waiting] = _unsent()
        assert waiting.last_error.startswith(mail.NOT_CONNECTED)
        wait = waiting.next_attempt_at
        assert bring_forward_after_outage(_utcnow() + dt.timedelta(minutes=10)) == 0
        db.session.expire_all()
        assert db.session.get(OutboxMessage, waiting.id).next_attempt_at == wait


@pytest.fixture
def busy_server() -> Iterator[int]:
    """A server that greets every connection with "421 too busy" and closes it."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.sendall(b"421 4.3.2 Service not available, too busy\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_a_server_that_will_not_greet_counts_as_not_reached(mail_app: Flask, busy_server: int) -> None:
    """A mail server that answers the connection "421 too busy" has not taken the email, nor
    refused it: smtplib read that greeting only when given the host to connect to, and went on to
    fail at the next command with a disconnection, an error that may come after an email went."""
    mail_app.config["SMTP_PORT"] = busy_server
    with mail_app.app_context():
        make_request()
        run_outbox()
        [waiting] = _unsent()
    assert waiting.last_error.startswith("Could not connect: SMTPConnectError: (421"), waiting.last_error


def test_no_mail_server_set_counts_as_not_reached(mail_app: Flask) -> None:
    mail_app.config["SMTP_HOST"] = ""
    with mail_app.app_context():
        make_request()
        run_outbox()
        [waiting] = _unsent()
    assert waiting.last_error == f"Could not connect: RuntimeError: {mail.SMTP_HOST_NOT_SET}"
    assert mail.mail_problem_words(waiting.last_error) == "the service has no mail server set to send it through"


def test_a_server_that_greets_then_closes_with_421_counts_as_not_reached(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (outage review): a server that greeted, then answered "421 not accepting network
    messages" to the sender, was not counted as out of reach: the emails waiting kept their wait
    once it was back. A refusal of this email alone ("450") still is not."""
    smtp_server.start()
    smtp_server.mailbox.refuse_sender = "421 4.3.2 Not accepting network messages"
    with mail_app.app_context():
        make_request()
        run_outbox()
        [waiting] = _unsent()
    assert waiting.last_error.startswith("Could not connect: SMTPSenderRefused: (421"), waiting.last_error
    # The facilitators read the server's own "try again later", not "did not answer".
    assert (
        mail.mail_problem_words(waiting.last_error)
        == "the mail server did not take it for now (it said to try again later)"
    )


def test_on_sqlite_an_email_taken_before_its_wait_is_over_counts_as_being_sent(mail_app: Flask) -> None:
    """Found (outage review): two `flask outbox send` run at the same moment after an outage sent 24
    of 36 emails twice on SQLite: the claim wrote only when the attempt began, so an email whose time
    to try again was still ahead did not count as under way, and the second took it too."""
    from app.outbox import _free_to_send_on_sqlite

    with mail_app.app_context():
        make_request()
        run_outbox()  # the mail server is down: tried once, due again later
        [waiting] = _unsent()
        assert waiting.next_attempt_at > _utcnow()
        started = _utcnow()
        assert _free_to_send_on_sqlite(waiting, started)
        db.session.commit()
        assert not _free_to_send_on_sqlite(waiting, started + dt.timedelta(seconds=1))  # the second process
        db.session.rollback()
        under_way = db.session.scalar(select(OutboxMessage.id).where(mail.attempt_under_way(_utcnow())))
        assert under_way == waiting.id


@both_databases
def test_with_no_email_going_for_a_while_one_waiting_is_tried(mail_app: Flask, smtp_server: SmtpServer) -> None:
    """Found (outage review): a wrong SMTP_HOST mended and the worker restarted, 36 emails waited 50
    minutes, until a new request's email went and brought them forward. With none tried for 5 minutes,
    the first waiting is tried; once it goes, the rest follow. Not while another was tried lately."""
    with mail_app.app_context():
        make_request(), make_request()
        run_outbox()
        run_outbox()
        waiting = _unsent()
        assert len(waiting) == 2
        _as_if_long_ago(
            [message.id for message in waiting], tried=dt.timedelta(seconds=30), due_in=dt.timedelta(minutes=50)
        )
        assert not try_one_after_a_quiet_while(_utcnow())  # tried 30 seconds ago
        _as_if_long_ago(
            [message.id for message in waiting], tried=dt.timedelta(minutes=20), due_in=dt.timedelta(minutes=50)
        )
        smtp_server.start()
        went = run_outbox()  # one made due, sent; the other brought forward
        assert went.sent == 1 and went.brought_forward == 1
        assert run_outbox().sent == 1 and _unsent() == []
    assert len(smtp_server.mailbox.messages) == 2


@both_databases
def test_nothing_is_brought_forward_while_the_mail_server_cannot_be_reached_again(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (outage review): emails were brought forward while the server was down again since the
    last email went, each then tried in turn against it, a send timeout each."""
    with mail_app.app_context():
        for _ in range(3):
            make_request()
            run_outbox()  # the mail server is down: each tried once
        waiting, went, again = _unsent()
        now = _utcnow()
        # The first waits from before the second went; the third failed after it went.
        _as_if_long_ago([waiting.id], tried=dt.timedelta(minutes=30), due_in=dt.timedelta(minutes=50))
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == went.id).values(sent_at=now - dt.timedelta(minutes=10))
        )
        _as_if_long_ago([again.id], tried=dt.timedelta(minutes=6), due_in=dt.timedelta(minutes=50))
        assert bring_forward_after_outage(now) == 0
        db.session.delete(db.session.get(OutboxMessage, again.id))  # (as if it had not failed)
        db.session.commit()
        assert bring_forward_after_outage(now) == 1


def test_the_longer_no_email_has_gone_the_longer_the_quiet_before_one_is_tried(mail_app: Flask) -> None:
    """Found (regression review): one waiting email tried every 5 quiet minutes added about 288 failed
    attempts a day to the requests' trails through a long outage. The quiet needed is a quarter of the
    time since an email last went (5 minutes at least, an hour at most)."""
    with mail_app.app_context():
        make_request()
        run_outbox()
        [waiting] = _unsent()
        now = _utcnow()
        db.session.execute(update(OutboxMessage).values(created_at=now - dt.timedelta(hours=8)))
        db.session.commit()
        # Eight hours since: an hour's quiet is needed, and it was tried 40 minutes ago.
        _as_if_long_ago([waiting.id], tried=dt.timedelta(minutes=40), due_in=dt.timedelta(minutes=50))
        assert not try_one_after_a_quiet_while(now)
        _as_if_long_ago([waiting.id], tried=dt.timedelta(minutes=61), due_in=dt.timedelta(minutes=50))
        assert try_one_after_a_quiet_while(_utcnow())
        # Twenty minutes since: 5 minutes' quiet is enough.
        db.session.execute(update(OutboxMessage).values(created_at=_utcnow() - dt.timedelta(minutes=20)))
        db.session.commit()
        _as_if_long_ago([waiting.id], tried=dt.timedelta(minutes=6), due_in=dt.timedelta(minutes=50))
        assert try_one_after_a_quiet_while(_utcnow())
