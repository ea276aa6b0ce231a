"""Session emails that are no use late: an invitation not sent before its session starts and a
reminder ("your session is tomorrow") not sent before the session's day are given up, not sent
late, and the request page, the session's invitation state and ``flask outbox`` say so. A
cancellation still goes late. The mail server is a real one (aiosmtpd), down and then up."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StoredRequest, utcnow
from app.outbox import run_pass
from app.space_sessions.models import SessionPlace, SpaceSession
from support import both_databases
from support.mail import SmtpServer
from support.sessions import the_day_before, uk_today
from test_inbox import post_form, signed_in, text, trail_text
from test_sessions import (
    CONFIRMED,
    arrange,
    flush,
    in_one_session_and_invited,
    invite,
    offered,
    queued_earlier,
    session_app,
    session_id_of,
)

__all__ = ["session_app"]  # a fixture: pytest finds it by name here

UK = ZoneInfo("Europe/London")


def session_start(app: Flask, reference: str) -> dt.datetime:
    """When the request's session starts (stored: UTC, no tzinfo)."""
    with app.app_context():
        return db.session.scalar(
            select(SpaceSession.starts_at)
            .join(SessionPlace, SessionPlace.session_id == SpaceSession.id)
            .join(StoredRequest, StoredRequest.id == SessionPlace.request_id)
            .where(StoredRequest.reference == reference)
        )


def outbox_row(app: Flask, kind: str) -> OutboxMessage:
    with app.app_context():
        row = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
        )
        assert row is not None, f"no {kind} queued"
        db.session.expunge(row)
        return row


def pass_at(app: Flask, now: dt.datetime):  # type: ignore[no-untyped-def]
    """One pass of the outbox worker with the clock at ``now``."""
    with app.app_context():
        return run_pass(now=now)


def invited(
    app: Flask, server: SmtpServer, day: dt.date | None = None, start: dt.time = dt.time(10)
) -> tuple[FlaskClient, str]:
    """A signed-in facilitator and a request offered (its first emails sent, or tried if the mail
    server is down, and forgotten), with a session arranged (on ``day`` at ``start``: in a week's
    time at 10am unless given) and the invitation queued (``in_one_session_and_invited``)."""
    client, facilitator_id = signed_in(app)
    reference = offered(app)
    flush(app, server)
    in_one_session_and_invited(app, facilitator_id, [reference], day, start)
    return client, reference


def subjects(server: SmtpServer) -> list[str]:
    return [message["Subject"] for message in server.mailbox.messages]


@both_databases
def test_an_invitation_not_sent_before_the_session_starts_is_given_up(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    client, reference = invited(session_app, smtp_server)  # the mail server is down: nothing went
    starts_at = session_start(session_app, reference)
    assert outbox_row(session_app, "invitation").send_before == starts_at
    # Before the session the invitation is still tried again.
    assert pass_at(session_app, starts_at - dt.timedelta(days=3)).send_failed >= 1
    # The mail server is back only once the session has started: too late to invite anyone.
    smtp_server.start()
    result = pass_at(session_app, starts_at + dt.timedelta(minutes=5))
    assert result.given_up == 1
    assert not [s for s in subjects(smtp_server) if s.startswith("Invitation")]
    row = outbox_row(session_app, "invitation")
    assert row.sent_at is None and row.given_up_at is not None and row.last_error.startswith("Too late:")
    assert pass_at(session_app, starts_at + dt.timedelta(hours=3)).given_up == 0  # never tried again
    page = text(client.get(f"/inbox/requests/{reference}"))
    assert "could not be sent before the session started. It will not be sent now." in page
    assert "check the address" not in page  # the address was not at fault
    # The audit trail too: it said "the mail server refused the address" of an email never sent.
    trail = trail_text(page)
    assert (
        "Email not sent: too late to send (it will not be sent now): "
        "the session invitation; it could not be sent before the session started" in trail
    ), trail
    assert "refused the address" not in trail
    session_page = text(client.get(f"/inbox/sessions/{session_id_of(session_app, reference)}"))
    assert "not sent: the session had started" in session_page
    with session_app.app_context():
        detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "email_given_up"))
    assert detail == "invitation: " + row.last_error
    status = session_app.test_cli_runner().invoke(args=["outbox", "status"])
    assert f"{reference}\tsession invitation given up (too late to send)" in status.output
    sent = session_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "1 message not sent in time" in sent.output


@both_databases
def test_a_reminder_not_sent_before_the_sessions_day_is_given_up(session_app: Flask, smtp_server: SmtpServer) -> None:
    smtp_server.start()
    tomorrow = uk_today() + dt.timedelta(days=1)
    client, reference = invited(session_app, smtp_server, day=tomorrow, start=dt.time(15))
    queued_earlier(session_app, 30)  # invited yesterday: a reminder is due
    smtp_server.stop()  # down from now: the invitation and the reminder wait
    first = pass_at(session_app, the_day_before(tomorrow))
    assert first.reminders_queued == 1 and first.sent == 0
    day_starts = dt.datetime.combine(tomorrow, dt.time(), tzinfo=UK).astimezone(dt.UTC).replace(tzinfo=None)
    assert outbox_row(session_app, "reminder").send_before == day_starts
    # Back in the morning of the session's day: the invitation still goes, the reminder would
    # say "tomorrow" on the day itself, so it does not.
    smtp_server.start()
    result = pass_at(session_app, day_starts + dt.timedelta(hours=8))
    assert (result.sent, result.given_up, result.reminders_queued) == (1, 1, 0)
    assert [s.split(":")[0] for s in subjects(smtp_server)] == ["Invitation"]
    page = text(client.get(f"/inbox/requests/{reference}"))
    assert "The session reminder was not sent" in page
    assert "could not be sent the day before the session. It will not be sent now." in page


@both_databases
def test_an_invitation_never_tried_in_time_still_needs_attention_in_the_list(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """The worker was stopped until after the session: the invitation was never tried, and is
    given up all the same, so the list flags the request."""
    smtp_server.start()
    client, reference = invited(session_app, smtp_server)
    assert "Needs attention: an email has not gone out" not in text(client.get("/inbox"))
    result = pass_at(session_app, session_start(session_app, reference) + dt.timedelta(days=1))
    assert (result.sent, result.given_up) == (0, 1)
    assert outbox_row(session_app, "invitation").attempts == 0
    assert "Needs attention: an email has not gone out" in text(client.get("/inbox"))
    assert "could not be sent before the session started" in text(client.get(f"/inbox/requests/{reference}"))


@both_databases
def test_a_cancellation_still_goes_after_the_session_would_have_started(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Late, a cancellation still explains, and its calendar file takes the event away."""
    smtp_server.start()
    client, reference = invited(session_app, smtp_server)
    flush(session_app, smtp_server)
    starts_at = session_start(session_app, reference)
    session_id = session_id_of(session_app, reference)
    smtp_server.stop()
    post_form(client, f"/inbox/sessions/{session_id}", f"/inbox/sessions/{session_id}/cancel", CONFIRMED)
    assert outbox_row(session_app, "cancellation").send_before is None
    smtp_server.start()
    assert pass_at(session_app, starts_at + dt.timedelta(hours=1)).sent == 1
    assert [s.split(":")[0] for s in subjects(smtp_server)] == ["Cancelled"]


@both_databases
@pytest.mark.own_schema
def test_0011_gives_waiting_invitations_and_reminders_their_deadline(app: Flask) -> None:
    from flask_migrate import downgrade, upgrade

    from test_workflow import new_request

    reference = new_request(app, status="session_arranged")
    starts_at = dt.datetime(2026, 7, 14, 9, 30)  # 10:30 in the UK (summer time)
    with app.app_context():
        request = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        session = SpaceSession(uid="s@space-to-think", starts_at=starts_at, minutes=60, format="phone", place="x")
        db.session.add(session)
        db.session.flush()
        db.session.add(SessionPlace(request_id=request.id, session_id=session.id, invited_sequence=0))
        for kind, sent_at in (
            ("invitation", None),
            ("reminder", None),
            ("cancellation", None),
            ("invitation", utcnow()),
        ):
            db.session.add(
                OutboxMessage(
                    request_id=request.id, kind=kind, recipient="a@b.example", subject=kind, attempts=1, sent_at=sent_at
                )
            )
        db.session.commit()
        db.session.remove()  # no transaction left open: PostgreSQL's ALTER TABLE would wait for it
        downgrade(revision="0010")
        upgrade()
        rows = db.session.execute(select(OutboxMessage.kind, OutboxMessage.sent_at, OutboxMessage.send_before)).all()
    deadlines = {(kind, sent is not None): before for kind, sent, before in rows}
    assert deadlines == {
        ("invitation", False): starts_at,
        ("reminder", False): dt.datetime(2026, 7, 13, 23, 0),  # midnight in the UK, in UTC
        ("cancellation", False): None,
        ("invitation", True): None,  # sent already: nothing to decide
    }


def test_no_invitation_can_be_sent_once_the_session_has_started(session_app: Flask, smtp_server: SmtpServer) -> None:
    """Found (review of the change): "Send invitation" still worked after the start; the worker
    then gave it up as too late, and the request was flagged for good."""
    from support.sessions import session_has_started

    client, _ = signed_in(session_app)
    reference = offered(session_app)
    arrange(client, reference)
    session_has_started(session_app, reference)
    page = text(client.get(f"/inbox/requests/{reference}"))
    assert "/invitation" not in page  # no button
    response = invite(client, reference)
    assert "too late to send an invitation" in text(client.get(f"/inbox/requests/{reference}")) or (
        "too late to send an invitation" in text(response)
    )
    with session_app.app_context():
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invitation")) is None


@both_databases
def test_a_session_moved_while_mail_is_down_sends_only_the_latest_invitation(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (review of the change): the first invitation, still waiting, went later with the old
    time beside the update (or was given up as "too late" for a session that had moved)."""
    from support.sessions import session_form

    client, reference = invited(session_app, smtp_server)  # the mail server is down
    pass_at(session_app, utcnow())  # tried, failed
    page_url = f"/inbox/sessions/{session_id_of(session_app, reference)}"
    assert post_form(client, page_url, page_url, session_form(start_time="15:00")).status_code == 302
    with session_app.app_context():
        waiting = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.kind == "invitation")).all()
    # The practitioner was sent no invitation before the change: this is their first, not an
    # update of one they never had (facilitator review).
    assert len(waiting) == 1 and waiting[0].startswith("Invitation:")
    smtp_server.start()
    pass_at(session_app, utcnow() + dt.timedelta(hours=2))
    invitations = [s for s in subjects(smtp_server) if "nvitation" in s]
    assert len(invitations) == 1 and invitations[0].startswith("Invitation:")
    assert "3pm" in str(smtp_server.mailbox.messages[-1].get_body(("plain",)).get_content())


def test_a_late_invitation_needs_attention_only_until_the_session_is_held(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (review of the change): the "Needs attention" tag of an invitation given up as too
    late could never be cleared, even once the session had been held."""
    from support.sessions import session_has_started
    from test_sessions import outcome

    smtp_server.start()
    client, reference = invited(session_app, smtp_server)
    pass_at(session_app, session_start(session_app, reference) + dt.timedelta(minutes=5))  # too late
    assert "Needs attention: an email has not gone out" in text(client.get("/inbox"))
    session_has_started(session_app, reference)
    assert outcome(client, reference, "held").status_code == 302
    assert "Needs attention: an email has not gone out" not in text(client.get("/inbox"))
    assert "could not be sent before the session started" in text(client.get(f"/inbox/requests/{reference}"))


def test_a_session_held_at_a_health_centre_needs_no_confirmation(session_app: Flask) -> None:
    """A room in a named health centre is where facilitators meet, not a family's GP: the joining
    text is not asked about for GP practices (a note naming one still is)."""
    from test_inbox import post_form as post

    client, _ = signed_in(session_app)
    reference = offered(session_app)
    response = arrange(client, reference, place="Room 2, Eccles Health Centre")
    assert response.status_code == 302 and "data-identifying-warning" not in text(response)
    note = post(
        client,
        f"/inbox/requests/{reference}",
        f"/inbox/requests/{reference}/notes",
        {"text": "GP is Eccles Health Centre"},
    )
    assert "data-identifying-warning" in text(note)  # a note naming a practice is still asked about
