"""What a practitioner's calendar holds after every email a session sent them: each address's
calendar files replayed in order, read with ``icalendar``, as a calendar program that goes by
SEQUENCE would read them. RFC 5546 (2.1.5) has the higher SEQUENCE win, and of two with the same,
the later DTSTAMP; but Outlook (which takes the latest revision by SEQUENCE) and Google Calendar
may keep the copy they have when a file for the same UID comes with a SEQUENCE no higher than
its own. So a cancellation goes higher than the invitation it cancels, an invitation after a
cancellation higher than the cancellation, and an update of the entry higher than the entry."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select, update

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StoredRequest, utcnow
from app.space_sessions import service
from app.space_sessions.models import SpaceSession
from app.uk_time import day_in_words
from support import both_databases
from support.locks import run_while_held
from support.mail import SmtpServer, calendar_part
from support.sessions import ROOM, UK, session_has_started, uk_today
from support.submission import VALID_DETAILS, run_outbox
from test_inbox import post_form, signed_in, text
from test_sessions import (
    ALICE,
    ALICE_AGAIN,
    BOB,
    arrange,
    arrange_with,
    body_of,
    calendar_of,
    calendars_to,
    change_session,
    changes_listed,
    flush,
    in_their_calendar,
    invite,
    offered,
    offered_by,
    one_person_twice_and_another,
    outcome,
    request_url,
    session_app,
    session_id_of,
    uid_of,
)

__all__ = ["session_app"]  # a fixture: pytest finds it by name here


def kept_by_sequence(calendars: list[Calendar], uid: str) -> tuple[bool, str]:
    """Whether a calendar that applies a file only when its SEQUENCE is higher than that of the
    copy it holds (the first always) still holds the event ``uid`` after ``calendars``, and its
    copy's description's first paragraph (the joining instructions or place follow it)."""
    held, sequence, description = False, -1, ""
    for calendar in calendars:
        event = calendar.events[0]
        if str(event["UID"]) != uid or int(event["SEQUENCE"]) <= sequence:
            continue
        held, sequence = calendar["METHOD"] == "REQUEST", int(event["SEQUENCE"])
        description = str(event["DESCRIPTION"]).split("\n\n")[0]
    return held, description


def invitation_words(client: FlaskClient, reference: str) -> str:
    page = text(client.get(request_url(reference)))
    found = re.search(r'data-invitation="[a-z_]+"[^>]*>(.*?)<', page, re.DOTALL)
    assert found is not None
    return " ".join(found.group(1).split())


@both_databases
def test_a_request_that_leaves_a_session_and_rejoins_it_has_it_in_the_calendar_again(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found: a request taken out of its session was sent a cancellation at the SEQUENCE of its
    invitation, and put back in the same session an invitation at that SEQUENCE again: a calendar
    that goes by SEQUENCE kept the session, then kept it cancelled. Now each file goes higher
    than the last; the others in the session are sent nothing, and still read as having the
    latest changes."""
    smtp_server.start()
    client, first, second, bobs = one_person_twice_and_another(session_app, smtp_server)
    uid, group = uid_of(session_app, first), session_id_of(session_app, first)
    # Bob leaves, and is put back.
    assert (
        post_form(client, request_url(bobs), request_url(bobs, "status"), {"status": "session_offered"}).status_code
        == 302
    )
    assert run_outbox(session_app).sent == 1
    assert not in_their_calendar(smtp_server, BOB, uid)
    assert kept_by_sequence(calendars_to(smtp_server, BOB), uid)[0] is False  # the cancellation is heeded
    assert arrange_with(client, bobs, {"session": str(group)}).status_code == 302
    assert invite(client, bobs).status_code == 302
    assert run_outbox(session_app).sent == 1
    bobs_files = calendars_to(smtp_server, BOB)
    assert [c["METHOD"] for c in bobs_files] == ["REQUEST", "CANCEL", "REQUEST"]
    sequences = [int(c.events[0]["SEQUENCE"]) for c in bobs_files]
    assert sequences == sorted(set(sequences)), sequences  # each higher than the last
    assert kept_by_sequence(bobs_files, uid)[0] is True
    assert "You are invited" in body_of(smtp_server.mailbox.messages[-1])  # not "have changed"

    # Alice was sent nothing, and her requests still read as having the session as it is.
    assert len(calendars_to(smtp_server, ALICE)) == 2
    for reference in (first, second):
        assert "before the latest changes" not in invitation_words(client, reference)

    # Moved: everyone's update supersedes what they hold.
    assert change_session(client, group, start_time="14:00").status_code == 302
    run_outbox(session_app)
    for address in (ALICE, BOB):
        assert kept_by_sequence(calendars_to(smtp_server, address), uid)[0] is True
    assert invitation_words(client, bobs).endswith("(with the latest changes)")


@both_databases
def test_after_the_request_her_update_went_with_leaves_the_next_update_lists_only_what_is_new(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Alice's one update for her two places goes with her first request; once that request has
    left, the next goes with her second, and lists what changed since the update she was sent,
    not since her second request's own invitation."""
    smtp_server.start()
    client, first, second, _ = one_person_twice_and_another(session_app, smtp_server)
    group = session_id_of(session_app, first)
    assert change_session(client, group, start_time="14:00").status_code == 302
    run_outbox(session_app)
    assert post_form(client, request_url(first), request_url(first, "status"), {"status": "closed"}).status_code == 302
    run_outbox(session_app)
    assert change_session(client, group, start_time="15:00").status_code == 302
    run_outbox(session_app)
    update = smtp_server.mailbox.messages[-2:]
    (alices,) = [m for m in update if m["To"].lower() == ALICE_AGAIN]
    assert second in alices["Subject"] and first not in alices["Subject"]
    assert changes_listed(alices) == ["- the time (it was 2pm)"]


@both_databases
def test_the_invitation_for_a_second_place_supersedes_the_first_and_when_one_leaves_only_the_other_stands(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found: the invitation for Alice's second request (one entry, now giving both references)
    went at the SEQUENCE of her first one's, so a calendar that goes by SEQUENCE kept the entry
    giving the first reference only. It goes higher; Bob is sent nothing, and still reads as
    having the latest changes.

    Found: Alice's calendar entry went on giving both her references after one of her two
    requests left the session: the email saying so carried no calendar file. It now carries an
    update (METHOD REQUEST, in the part's content type too, a higher SEQUENCE) naming only the
    one that stands; Bob is sent nothing."""
    smtp_server.start()
    client, first, second, bobs = one_person_twice_and_another(session_app, smtp_server)
    uid = uid_of(session_app, first)
    alices = calendars_to(smtp_server, ALICE)
    assert [int(c.events[0]["SEQUENCE"]) for c in alices] == sorted({int(c.events[0]["SEQUENCE"]) for c in alices})
    assert kept_by_sequence(alices, uid) == (
        True,
        f"Your Space to Think session. Your references: {second} and {first}.",
    )
    assert len(calendars_to(smtp_server, BOB)) == 1
    assert "before the latest changes" not in invitation_words(client, bobs)

    # Her first request leaves the session.
    response = post_form(client, request_url(first), request_url(first, "status"), {"status": "closed"})
    assert response.status_code == 302
    assert run_outbox(session_app).sent == 1
    told = smtp_server.mailbox.messages[-1]
    part = calendar_part(told)
    assert part is not None and part.get_param("method") == "REQUEST"
    assert kept_by_sequence(calendars_to(smtp_server, ALICE), uid) == (
        True,
        f"Your Space to Think session. Your reference: {second}.",
    )
    body = body_of(told)
    assert "stays in your calendar" in body
    updated = "The calendar file attached updates it, so that it gives only your reference still in the session"
    assert f"{updated} ({second}).\n\nYour reference: {first}\n" in body.replace("\r\n", "\n")  # a paragraph
    banner = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(request_url(first)))).split())
    assert f"The session in their calendar is updated to give only {second}." in banner
    assert len(calendars_to(smtp_server, BOB)) == 1
    assert "before the latest changes" not in invitation_words(client, second)
    assert "before the latest changes" not in invitation_words(client, bobs)

    # Her last place goes: the cancellation supersedes the update.
    post_form(client, request_url(second), request_url(second, "status"), {"status": "closed"})
    run_outbox(session_app)
    assert kept_by_sequence(calendars_to(smtp_server, ALICE), uid)[0] is False


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_an_invitation_sent_while_a_colleague_changes_the_session_goes_above_the_change(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found: nothing held the session while a facilitator changed it, so one sending Alice's
    second invitation at the same moment read its SEQUENCE and details from before the change:
    her invitation went at the SEQUENCE of the colleague's update with the old place (a calendar
    that goes by SEQUENCE keeps whichever came first), and the session's SEQUENCE went back. Each
    change of the session now waits for the other (a row lock on PostgreSQL) and reads it afresh."""
    smtp_server.start()
    client, _ = signed_in(session_app)
    first, second = offered_by(session_app, ALICE), offered_by(session_app, ALICE_AGAIN)
    flush(session_app, smtp_server)
    assert arrange(client, first).status_code == 302
    group = session_id_of(session_app, first)
    assert arrange_with(client, second, {"session": str(group)}).status_code == 302
    assert invite(client, first).status_code == 302
    with session_app.app_context():
        was = db.session.get(SpaceSession, group).sequence

    def send_second() -> None:  # the other facilitator, on a connection of their own
        with session_app.app_context():
            service.send_invitation(db.session.scalar(select(StoredRequest).filter_by(reference=second)), "b")

    with session_app.app_context(), db.engine.connect() as colleague:
        # A colleague's change of the place, not yet committed.
        colleague.execute(update(SpaceSession).where(SpaceSession.id == group).values(sequence=was + 1, place="Room 9"))
        run_while_held(colleague, send_second)  # (raises what the sending raised)
    with session_app.app_context():
        session = db.session.get(SpaceSession, group)
        message = db.session.scalars(
            select(OutboxMessage)
            .join(StoredRequest)
            .where(StoredRequest.reference == second, OutboxMessage.kind == "invitation")
        ).one()
        event = Calendar.from_ical(message.calendar).events[0]
        assert "Room 9" in str(event["LOCATION"])
        assert int(event["SEQUENCE"]) > was + 1
        assert session.sequence > int(event["SEQUENCE"])


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_request_closed_while_a_colleague_cancels_its_session_waits_for_it(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """A colleague cancelling the session holds it, then moves its requests; a request closed
    meanwhile waits for the session before its own change is written, so neither waits for the
    other for ever (PostgreSQL would end one of them, and the facilitator would get the "problem
    with the service" page). Then it reads the request afresh: moved meanwhile, the close is
    refused, saying so (found, review: both went through, each from "session arranged", and the
    trail's last line said other than the status)."""
    smtp_server.start()
    client, _ = signed_in(session_app)
    first = offered_by(session_app, ALICE)
    flush(session_app, smtp_server)
    assert arrange(client, first).status_code == 302
    group = session_id_of(session_app, first)
    assert invite(client, first).status_code == 302
    statuses: list[int] = []
    pages: list[str] = []

    def close_it() -> None:  # the facilitator on the request's page
        response = post_form(client, request_url(first), request_url(first, "status"), {"status": "closed"})
        statuses.append(response.status_code)
        pages.append(response.get_data(as_text=True))

    with session_app.app_context(), db.engine.connect() as colleague:
        colleague.execute(select(SpaceSession.id).where(SpaceSession.id == group).with_for_update())
        # The colleague's cancellation then moves the session's requests (the database ends one of
        # the two here if each waits for the other).
        moved = update(StoredRequest).where(StoredRequest.reference == first).values(status="session_offered")
        run_while_held(colleague, close_it, then=lambda: colleague.execute(moved))
    assert statuses == [200]
    assert "The status has not been changed: it changed to session offered while this page was open" in pages[0]
    with session_app.app_context():
        assert db.session.scalar(select(StoredRequest.status).where(StoredRequest.reference == first)) == (
            "session_offered"
        )
        moves = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.reference == first, AuditEvent.action == "status_changed")
        ).all()
        assert not any(move.startswith("session_arranged to closed") for move in moves)


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_an_invitation_sent_as_a_colleague_closes_the_request_says_it_was_closed(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (regression review): "Send invitation" at the moment a colleague closed the request
    (which takes it out of its session, and cancels a session no one is left in) waited for the
    colleague, then said "Arrange a session before sending an invitation" to a facilitator looking
    at one. It now says the request changed while the page was open, to what, and who moved it;
    nothing is queued."""
    from app.space_sessions.models import SessionPlace

    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = offered_by(session_app, ALICE)
    flush(session_app, smtp_server)
    assert arrange(client, reference).status_code == 302
    group = session_id_of(session_app, reference)
    pages: list[str] = []

    def send_it() -> None:  # the facilitator on the request's page
        pages.append(invite(client, reference).get_data(as_text=True))

    with session_app.app_context(), db.engine.connect() as colleague:
        # The colleague's close, holding the session then the request, as it does.
        colleague.execute(select(SpaceSession.id).where(SpaceSession.id == group).with_for_update())

        def close_it() -> None:  # the rest of the colleague's close, once the sending waits for it
            colleague.execute(update(StoredRequest).where(StoredRequest.reference == reference).values(status="closed"))
            request_id = select(StoredRequest.id).where(StoredRequest.reference == reference).scalar_subquery()
            colleague.execute(SessionPlace.__table__.delete().where(SessionPlace.request_id == request_id))
            colleague.execute(update(SpaceSession).where(SpaceSession.id == group).values(cancelled_at=utcnow()))

        run_while_held(colleague, send_it, then=close_it)
    said = " ".join(re.sub(r"<[^>]+>", " ", pages[0]).split()) if pages else ""
    assert "The invitation has not been sent: this request is now closed (it changed while this page was open" in said
    assert "Arrange a session before sending" not in said
    with session_app.app_context():
        assert not db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()


def test_on_sqlite_a_close_waits_for_a_colleagues_cancel_and_is_refused(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (review, SQLite, which ``scripts/run`` uses): "Closed" and a colleague's cancelling of
    the session both went through, each from "session arranged", as SQLite's reads take no lock.
    A move from a session now takes the write lock first, then reads the request afresh."""
    from app.space_sessions.models import SessionPlace

    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = offered_by(session_app, ALICE)
    flush(session_app, smtp_server)
    assert arrange(client, reference).status_code == 302
    pages: list[str] = []

    def close_it() -> None:
        response = post_form(client, request_url(reference), request_url(reference, "status"), {"status": "closed"})
        pages.append(response.get_data(as_text=True))

    with session_app.app_context(), db.engine.connect() as colleague:
        colleague.exec_driver_sql("BEGIN IMMEDIATE")  # the colleague's cancel, holding the write lock
        colleague.execute(
            update(StoredRequest).where(StoredRequest.reference == reference).values(status="session_offered")
        )
        request_id = select(StoredRequest.id).where(StoredRequest.reference == reference).scalar_subquery()
        colleague.execute(SessionPlace.__table__.delete().where(SessionPlace.request_id == request_id))
        closer = threading.Thread(target=close_it)
        closer.start()
        time.sleep(1)  # (the close reads, then waits for the lock)
        colleague.commit()
        closer.join(15)
    assert (
        pages and "The status has not been changed: it changed to session offered while this page was open" in pages[0]
    )
    with session_app.app_context():
        assert db.session.scalar(select(StoredRequest.status).where(StoredRequest.reference == reference)) == (
            "session_offered"
        )


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_session_arranged_as_a_colleague_closes_the_request_is_refused(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (review, PostgreSQL and SQLite): "Closed" and a colleague's "Arrange the session" at
    the same moment both went through: a closed request sat in a session, to be invited. Arranging
    now holds the request and reads it afresh."""
    client, _ = signed_in(session_app)
    reference = offered_by(session_app, ALICE)
    pages: list[str] = []

    def arrange_it() -> None:
        pages.append(text(arrange(client, reference)))

    with session_app.app_context(), db.engine.connect() as colleague:  # the colleague's close, not yet committed
        colleague.execute(select(StoredRequest.id).where(StoredRequest.reference == reference).with_for_update())
        colleague.execute(update(StoredRequest).where(StoredRequest.reference == reference).values(status="closed"))
        run_while_held(colleague, arrange_it)
    assert (
        pages
        and "Nothing has been arranged: this request is now closed (it changed while this page was open" in (pages[0])
    )
    assert session_id_of(session_app, reference) is None


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_held_said_as_a_colleague_says_it_is_told_it_was_already_said(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (regression review): "held" from two pages at the same moment: the later was told
    "The request has already had its session", as a failure. It is told the status was already
    session held, and by whom."""
    from test_inbox import add_colleague

    client, _ = signed_in(session_app)
    colleague_id = add_colleague(session_app)
    reference = offered_by(session_app, ALICE)
    assert arrange(client, reference).status_code == 302
    group = session_id_of(session_app, reference)
    session_has_started(session_app, reference)
    responses: list[Any] = []

    def say_it() -> None:
        responses.append(outcome(client, reference, "held"))

    with session_app.app_context(), db.engine.connect() as colleague:  # the colleague's "held", not yet committed
        colleague.execute(select(SpaceSession.id).where(SpaceSession.id == group).with_for_update())
        colleague.execute(
            update(StoredRequest).where(StoredRequest.reference == reference).values(status="session_held")
        )
        colleague.execute(
            AuditEvent.__table__.insert().values(
                at=utcnow(),
                actor=f"facilitator:{colleague_id}",
                action="status_changed",
                reference=reference,
                detail="session_arranged to session_held",
            )
        )
        run_while_held(colleague, say_it)
    assert responses and responses[0].status_code == 302
    page = text(client.get(responses[0].location))
    assert "The status was already session held: it changed while this page was open." in page
    assert "has already had its session" not in page


@pytest.mark.parametrize("said", ["held", "not_held"])
@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_held_or_not_held_said_as_a_colleague_closes_the_request_is_refused(
    session_app: Flask, smtp_server: SmtpServer, said: str
) -> None:
    """Found (review, PostgreSQL): "held" (or "not held") and a colleague's "Closed" at the same
    moment both went through, each from "session arranged": a closed request's practitioner was
    emailed a feedback link, the session counted as held, or the request reopened without a word.
    Now each holds the session, then the request, and reads it afresh: the later is refused."""
    from app.space_sessions.models import SessionPlace

    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = offered_by(session_app, ALICE)
    flush(session_app, smtp_server)
    assert arrange(client, reference).status_code == 302
    group = session_id_of(session_app, reference)
    session_has_started(session_app, reference)
    pages: list[str] = []

    def say_it() -> None:  # the facilitator on the request's page, "After the session"
        pages.append(text(outcome(client, reference, said)))

    with session_app.app_context(), db.engine.connect() as colleague:  # the colleague's close, not yet committed
        colleague.execute(select(SpaceSession.id).where(SpaceSession.id == group).with_for_update())
        colleague.execute(update(StoredRequest).where(StoredRequest.reference == reference).values(status="closed"))
        colleague.execute(
            SessionPlace.__table__.delete().where(
                SessionPlace.request_id
                == select(StoredRequest.id).where(StoredRequest.reference == reference).scalar_subquery()
            )
        )
        run_while_held(colleague, say_it)
    assert pages and "Nothing has been changed: this request" in pages[0] and "closed" in pages[0]
    with session_app.app_context():
        assert db.session.scalar(select(StoredRequest.status).where(StoredRequest.reference == reference)) == "closed"
        assert not db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind == "feedback")).all()


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_request_put_in_a_session_a_colleague_is_cancelling_is_refused(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found: a request put in a session at the moment a colleague cancelled it joined it all the
    same: "session arranged", in a cancelled session, its practitioner never to be invited. It
    now waits for the cancellation, and is refused as for any session no longer to come."""
    smtp_server.start()
    client, _ = signed_in(session_app)
    alices, bobs = offered_by(session_app, ALICE), offered_by(session_app, BOB)
    flush(session_app, smtp_server)
    assert arrange(client, alices).status_code == 302
    group = session_id_of(session_app, alices)
    statuses: list[int] = []

    def join() -> None:  # the other facilitator, on Bob's request's page
        statuses.append(arrange_with(client, bobs, {"session": str(group)}).status_code)

    with session_app.app_context(), db.engine.connect() as colleague:
        colleague.execute(  # the colleague's cancellation, not yet committed
            update(SpaceSession).where(SpaceSession.id == group).values(cancelled_at=utcnow())
        )
        run_while_held(colleague, join)
    assert statuses and statuses[0] != 302 and statuses[0] < 500, statuses
    assert session_id_of(session_app, bobs) is None


def alices_two_requests_moved_to_when_they_took_place(
    app: Flask, server: SmtpServer, invited: int = 2
) -> tuple[FlaskClient, str, str, dt.date, dt.date]:
    """Alice's two requests in a session 30 days ahead, both invited (``invited``: 1, the first
    only) and the invitations sent,
    then the session moved to 3 days ago as when it took place (no update is emailed then): the
    client, the two references, the day she was sent and the day it took place."""
    server.start()
    client, _ = signed_in(app)
    received = utcnow() - dt.timedelta(days=10)
    first, second = (
        offered(app, received=received, details={**VALID_DETAILS, "how_soon": "month", "email": email})
        for email in (ALICE, ALICE_AGAIN)
    )
    flush(app, server)
    arranged_for = uk_today() + dt.timedelta(days=30)
    assert arrange(client, first, day=arranged_for).status_code == 302
    group = session_id_of(app, first)
    assert arrange_with(client, second, {"session": str(group)}).status_code == 302
    for reference in (first, second)[:invited]:
        assert invite(client, reference).status_code == 302
    assert run_outbox(app).sent == invited
    held_on = uk_today() - dt.timedelta(days=3)
    moved = change_session(client, group, day=held_on, start_time="14:00", took_place=f"{held_on:%Y-%m-%d} 14:00")
    assert moved.status_code == 302, text(moved)
    return client, first, second, arranged_for, held_on


@both_databases
def test_one_of_her_two_requests_not_held_after_a_move_to_when_it_took_place_keeps_the_date_she_was_sent(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (review): with Alice's two requests in a session moved to when it took place (no
    update is emailed then), one marked not held sent her an update of her calendar's entry at
    the start the session was moved to, days gone: her calendar moved the entry into the past.
    The update now gives the entry as she was sent it (its start, end and place), naming only the
    request that stands; the session's new start is in no file she is sent."""
    client, first, second, arranged_for, held_on = alices_two_requests_moved_to_when_they_took_place(
        session_app, smtp_server
    )
    uid = uid_of(session_app, first)
    smtp_server.mailbox.messages.clear()
    assert outcome(client, first, "not_held").status_code == 302
    assert run_outbox(session_app).sent == 1
    (told,) = smtp_server.mailbox.messages
    assert f"{day_in_words(arranged_for)} at 10am (UK time)" in body_of(told)
    (event,) = calendar_of(told).walk("VEVENT")
    assert calendar_of(told)["METHOD"] == "REQUEST" and str(event["UID"]) == uid
    assert event.decoded("DTSTART") == dt.datetime.combine(arranged_for, dt.time(10, 0), tzinfo=UK)
    assert event.decoded("DTEND") == dt.datetime.combine(arranged_for, dt.time(11, 30), tzinfo=UK)
    assert str(event["LOCATION"]) == ROOM
    assert kept_by_sequence(calendars_to(smtp_server, ALICE), uid) == (
        True,
        f"Your Space to Think session. Your reference: {second}.",
    )
    assert day_in_words(held_on) not in body_of(told)


@both_databases
def test_her_only_invited_request_not_held_after_a_move_to_when_it_took_place_cancels_her_entry(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (review): Alice invited for one of her two requests in a session then moved to when
    it took place, and that request marked not held: an invitation for the other was queued at
    the start the session was moved to, days gone, and given up as too late, while her calendar
    kept the entry for the date she was sent, naming the request gone. Her entry is now
    cancelled (as she was sent it), and nothing carries the start it was moved to."""
    client, first, second, arranged_for, held_on = alices_two_requests_moved_to_when_they_took_place(
        session_app, smtp_server, invited=1
    )
    uid = uid_of(session_app, first)
    smtp_server.mailbox.messages.clear()
    response = outcome(client, first, "not_held")
    assert response.status_code == 302
    assert "The practitioner will be emailed a cancellation of their invitation." in text(client.get(response.location))
    assert run_outbox(session_app).sent == 1
    (told,) = smtp_server.mailbox.messages
    assert f"session on {arranged_for:%A} {day_in_words(arranged_for)} at 10am (UK time) is cancelled" in body_of(told)
    (event,) = calendar_of(told).walk("VEVENT")
    assert calendar_of(told)["METHOD"] == "CANCEL" and str(event["UID"]) == uid
    assert event.decoded("DTSTART") == dt.datetime.combine(arranged_for, dt.time(10, 0), tzinfo=UK)
    assert not in_their_calendar(smtp_server, ALICE, uid)
    assert day_in_words(held_on) not in body_of(told)
    with session_app.app_context():
        kinds = db.session.scalars(
            select(OutboxMessage.kind).join(StoredRequest).where(StoredRequest.reference == second)
        ).all()
    assert "invitation" not in kinds


# A place with every character RFC 5545 (3.3.11) escapes in text, a line break as a browser
# posts it, and enough words, some not ASCII, for its line to be folded.
ESCAPED_PLACE = (
    "Room 4; Partnership offices, first floor\r\nAsk at reception (the café entrance, Élise Street), "
    "then take the lift; the room is on the right"
)


def raw_calendar(message: Any) -> bytes:
    """The calendar attachment's bytes, as sent (no line ends changed)."""
    part = calendar_part(message)
    assert part is not None
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def unfolded(raw: bytes) -> list[str]:
    """The content lines of a calendar file, unfolded (RFC 5545, 3.1)."""
    return raw.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


@both_databases
def test_every_calendar_file_follows_rfc_5545_and_5546(
    session_app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The invitation, its update and the cancellation, each read as sent: a real parser reads
    each; METHOD REQUEST, REQUEST and CANCEL (in the part's content type too); one UID; a
    SEQUENCE higher each time; STATUS CONFIRMED then CANCELLED; the start and end in UK time
    with the Europe/London time zone defined; DTSTAMP in UTC; the organiser and the attendee;
    lines of at most 75 octets ending CRLF; commas, semicolons and line breaks in the place
    escaped, and read back as typed. The facilitators' address given with a name, as the setting
    allows, is still the organiser's address alone (found, regression review: "mailto:Space to
    Think facilitators <facilitators@...>"), named by the name given."""
    smtp_server.start()
    monkeypatch.setitem(
        session_app.config, "FACILITATOR_EMAIL", "Salford SSCP facilitators <facilitators@partnership.example>"
    )
    client, _ = signed_in(session_app)
    reference = offered_by(session_app, ALICE)
    flush(session_app, smtp_server)
    day = uk_today() + dt.timedelta(days=9)
    assert arrange(client, reference, day=day, place=ESCAPED_PLACE).status_code == 302
    group = session_id_of(session_app, reference)
    assert invite(client, reference).status_code == 302
    run_outbox(session_app)
    assert change_session(client, group, day=day, start_time="14:30", place=ESCAPED_PLACE).status_code == 302
    run_outbox(session_app)
    page_url = f"/inbox/sessions/{group}"
    assert post_form(client, page_url, f"{page_url}/cancel", {"confirm": "yes"}).status_code == 302
    run_outbox(session_app)
    messages = smtp_server.mailbox.messages
    assert [m["Subject"].split(":")[0] for m in messages] == ["Invitation", "Updated invitation", "Cancelled"]

    uids, sequences = set(), []
    for message, method, status, start in zip(
        messages,
        ("REQUEST", "REQUEST", "CANCEL"),
        ("CONFIRMED", "CONFIRMED", "CANCELLED"),
        ("10:00", "14:30", "14:30"),
        strict=True,
    ):
        raw = raw_calendar(message)
        part = calendar_part(message)
        assert part is not None and part.get_param("method") == method
        # Not 8-bit, which the mail server was never asked whether it takes (email review).
        assert part["Content-Transfer-Encoding"] == "quoted-printable"
        lines = raw.split(b"\r\n")
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""), "every line ends CRLF"
        assert all(len(line) <= 75 for line in lines), [line for line in lines if len(line) > 75]
        assert any(line.startswith((b" ", b"\t")) for line in lines)  # the place's line was folded
        calendar = Calendar.from_ical(raw)
        assert calendar["METHOD"] == method and str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
        (event,) = calendar.walk("VEVENT")
        uids.add(str(event["UID"]))
        sequences.append(int(event["SEQUENCE"]))
        assert str(event["STATUS"]) == status
        begins = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=UK)
        assert event.decoded("DTSTART") == begins
        assert event.decoded("DTEND") == begins + dt.timedelta(minutes=90)
        content = unfolded(raw)
        assert f"DTSTART;TZID=Europe/London:{begins:%Y%m%dT%H%M%S}" in content
        assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]
        stamp = event.decoded("DTSTAMP")
        assert stamp.utcoffset() == dt.timedelta(0) and abs(utcnow() - stamp.replace(tzinfo=None)) < dt.timedelta(
            minutes=5
        )
        (stamp_line,) = [line for line in content if line.startswith("DTSTAMP")]
        assert stamp_line.endswith("Z")
        assert str(event["ORGANIZER"]) == "mailto:facilitators@partnership.example"
        # Named as the setting names the facilitators (found, review: always "Space to Think facilitators").
        assert event["ORGANIZER"].params["CN"] == "Salford SSCP facilitators"
        # Sent from the service's own address for the facilitators, as the email is (MAIL_FROM).
        assert event["ORGANIZER"].params["SENT-BY"] == "mailto:space-to-think@partnership.example"
        assert str(event["ATTENDEE"]).lower() == f"mailto:{ALICE_AGAIN}"
        (location,) = [line for line in content if line.startswith("LOCATION")]
        # On one line: Outlook keeps no line breaks in it (email review).
        assert location == (
            "LOCATION:Room 4\\; Partnership offices\\, first floor\\, Ask at reception (the café "
            "entrance\\, Élise Street)\\, then take the lift\\; the room is on the right"
        )
        assert str(event["LOCATION"]) == ESCAPED_PLACE.replace("\r\n", ", ")
        assert str(event["DESCRIPTION"]) == (
            f"Your Space to Think session. Your reference: {reference}.\n\nJoining instructions or place:\n"
            + ESCAPED_PLACE.replace("\r\n", "\n")
        )
    assert len(uids) == 1
    assert sequences == sorted(set(sequences)), sequences


@pytest.mark.parametrize(
    "sent_by, named",
    [
        ("space-to-think@partnership.example", "mailto:space-to-think@partnership.example"),
        ("Facilitators@Partnership.example", None),  # the organiser's own address: not said twice
        (None, None),
    ],
)
def test_the_organiser_is_the_facilitators_sent_by_the_services_address(sent_by: str | None, named: str | None) -> None:
    """Found (email review): the calendar's organiser was the facilitators' address while the
    email came from the service's (MAIL_FROM), and a calendar may take an invitation, or its
    update, from someone not its organiser as not to be trusted. The organiser says who sends for
    it (RFC 5545's SENT-BY), unless it is the same address."""
    from app.space_sessions.calendar import REQUEST, session_calendar

    ics = session_calendar(
        method=REQUEST,
        uid="a@space-to-think.invalid",
        sequence=0,
        starts_at=dt.datetime(2027, 1, 5, 10),
        ends_at=dt.datetime(2027, 1, 5, 11),
        organiser="facilitators@partnership.example",
        attendee="nurse@school.example",
        reference="STT-KQ47-M9XA",
        location="Room 2",
        stamp=dt.datetime(2026, 12, 1, 9, 0),
        sent_by=sent_by,
    )
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:facilitators@partnership.example"
    assert event["ORGANIZER"].params.get("SENT-BY") == named
    assert event["ORGANIZER"].params["CN"] == "Space to Think facilitators"


def test_the_organisers_name_is_the_settings_name_in_words() -> None:
    """Found (regression review): a name given as an email header writes it, "=?utf-8?q?Zo=C3=AB?=",
    went into the calendar file as that code."""
    from app.space_sessions.service import display_name

    assert display_name("=?utf-8?q?Zo=C3=AB_facilitators?= <f@partnership.example>") == "Zoë facilitators"
    assert display_name('"Salford, SSCP" <f@partnership.example>') == "Salford, SSCP"
    assert display_name("f@partnership.example") is None
    assert display_name("=?nonsense?q?x?= <f@partnership.example>") == "=?nonsense?q?x?="


def test_the_uk_time_zone_is_two_yearly_rules_that_match_the_clocks_and_every_file_carries_it_whole() -> None:
    """Found (email review): the Europe/London definition (VTIMEZONE) was icalendar's, each change
    from 1970 to 2038 listed one by one after 1970's British Standard Time (+01:00 all year), with
    which Outlook is reported to place events an hour out. It is now written as calendars write
    it, two yearly rules (the last Sundays of March and October), made once per process (making
    it took about 5 ms a file), and put whole in every file. Read back as a time zone, it gives
    the UK's offset from UTC each day of twelve years and each hour around every change of the
    clocks, for UTC times and for wall-clock times a session may start at (not the hour the
    clocks skip, nor the one they repeat, which the form refuses)."""
    from app.space_sessions.calendar import REQUEST, session_calendar

    def made(starts_at: dt.datetime) -> str:
        return session_calendar(
            method=REQUEST,
            uid="a@space-to-think.invalid",
            sequence=0,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            organiser="facilitators@partnership.example",
            attendee="nurse@school.example",
            reference="STT-KQ47-M9XA",
            location="Room 2",
            stamp=dt.datetime(2026, 12, 1, 9, 0),
        )

    files = [made(starts_at) for starts_at in (dt.datetime(2027, 1, 5, 10), dt.datetime(2027, 7, 5, 9))]
    files.append(made(dt.datetime(2027, 1, 5, 10)))
    assert files[0] == files[2]  # one file's writing leaves the next file's whole
    for ics in files:
        (zone,) = Calendar.from_ical(ics).walk("VTIMEZONE")
        assert str(zone["TZID"]) == "Europe/London"
        rules = sorted(str(part["RRULE"].to_ical().decode()) for part in zone.subcomponents)
        assert rules == ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"]
        assert "RDATE" not in ics and "COMMENT" not in ics
        assert ics.count("\r\nUID:") == 1  # the event's, not a calendar's own made new each time
    zone_info = zone.to_tz(lookup_tzid=False)  # the definition itself, not the name's zone
    hour = dt.timedelta(hours=1)
    moments = [dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=day) for day in range(12 * 365)]
    for year, month in ((year, month) for year in range(2026, 2038) for month in (3, 10)):
        last_sunday = max(
            dt.date(year, month, day) for day in range(25, 32) if dt.date(year, month, day).weekday() == 6
        )
        around = dt.datetime.combine(last_sunday, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
        moments += [around + hour * step for step in range(72)]  # every hour from the day before to the day after
    for moment in moments:
        assert moment.astimezone(zone_info).utcoffset() == moment.astimezone(UK).utcoffset(), moment
        wall = moment.astimezone(UK).replace(tzinfo=None)
        one_way = {(wall + shift).replace(tzinfo=UK).utcoffset() for shift in (-hour, dt.timedelta(0), hour)}
        if len(one_way) == 1:  # not near a change of the clocks
            assert wall.replace(tzinfo=zone_info).utcoffset() == wall.replace(tzinfo=UK).utcoffset(), wall


def test_a_session_ending_in_the_hour_the_clocks_go_back_ends_at_the_right_time_in_its_calendar_file() -> None:
    """Found (dates review): a 2-hour session from 12:30am on 31 October 2027, the night the clocks go
    back, ended at "1:30am" UK time in its file, which a calendar reads as the first 1:30am (BST): an
    hour early. That end is written in UTC now; other ends stay in UK time."""
    from app.space_sessions.calendar import REQUEST, entry_in, session_calendar

    def calendar_for(starts: dt.datetime, minutes: int) -> str:
        return session_calendar(
            method=REQUEST,
            uid="s-1@space-to-think.invalid",
            sequence=0,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=minutes),
            organiser="facilitators@partnership.example",
            attendee="worker@agency.example",
            reference="STT-AAAA-BBBB",
            location=ROOM,
            stamp=utcnow(),
        )

    starts = dt.datetime(2027, 10, 30, 23, 30)  # 12:30am BST on 31 October
    ics = calendar_for(starts, 120)
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=2)
    assert "DTEND:20271031T013000Z" in ics and "DTSTART;TZID=Europe/London:20271031T003000" in ics
    assert entry_in(ics) == (starts, starts + dt.timedelta(hours=2), ROOM)
    # An end an hour later is after the clocks went back: UK time again.
    assert "DTEND;TZID=Europe/London:20271031T023000" in calendar_for(starts, 180)


TEAMS_PLACE = (
    "Join on Microsoft Teams: https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ5ZTY4YjMtYzE0Ni00"
    + "MDlkLWE0ZjMtOWE1NTBlMmIxYzE3%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-"
    + "2d7cd011db47%22%2c%22Oid%22%3a%22d4e8f1c2-3b5a-4c6d-9a55-0e2b1f3c4d5e%22%7d\n"
    + "Meeting ID: 364 512 887 221\nPasscode: Xy7Pq2"
)


@pytest.mark.parametrize(
    "place, shown",
    [
        (TEAMS_PLACE, "See this event's details for the joining instructions or place"),
        ("Room 2,\nCivic Centre\n\nSalford", "Room 2, Civic Centre, Salford"),
    ],
)
def test_joining_instructions_reach_the_calendar_whole(place: str, shown: str) -> None:
    """Found (email review): the joining instructions went in the event's location only, which
    Outlook cuts at 255 characters without its line breaks: a Teams link was cut in the middle,
    its meeting ID and passcode lost, and "Room 2" and "Civic Centre" ran together. They are now
    whole in the event's details, and its location is them on one line, or where to find them."""
    from app.space_sessions.calendar import LOCATION_MAX, entry_in, session_calendar

    ics = session_calendar(
        method="REQUEST",
        uid="session-1@space-to-think",
        sequence=0,
        starts_at=dt.datetime(2027, 1, 12, 10),
        ends_at=dt.datetime(2027, 1, 12, 11, 30),
        organiser="facilitators@partnership.example",
        attendee=ALICE,
        reference="STT-7KQ4-M9XA",
        location=place,
        stamp=dt.datetime(2027, 1, 5, 9),
    )
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["LOCATION"]) == shown and len(shown) <= LOCATION_MAX
    assert str(event["DESCRIPTION"]) == (
        f"Your Space to Think session. Your reference: STT-7KQ4-M9XA.\n\nJoining instructions or place:\n{place}"
    )
    # What was sent is read back whole (an update or cancellation compares with it and repeats it).
    entry = entry_in(ics)
    assert entry is not None and entry[2] == place
