"""The facilitators' arrange-a-session form, filled in for a new session (tests of sessions,
of the workflow's path to "session arranged", and of the counts of sessions held)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
ROOM = "Room 4, Partnership offices, first floor"


def uk_today() -> dt.date:
    return dt.datetime.now(UK).date()


def the_day_before(day: dt.date) -> dt.datetime:
    """Now (naive UTC, as stored), kept within the hours of the UK day before ``day`` when its
    reminders are queued (from 8am to its last second): when a reminder of a session on ``day``
    (arranged "tomorrow") is due, whether the test runs in the small hours (none is queued before
    8am: up to 8 hours ahead of the clock) or on past midnight after arranging it (none is queued
    on the session's own day). An invitation "yesterday" (none is sent after one that day) is one
    queued 30 hours before the clock."""
    from app.models import utcnow
    from app.space_sessions.service import REMINDERS_FROM

    day_starts = dt.datetime.combine(day, dt.time(), tzinfo=UK).astimezone(dt.UTC).replace(tzinfo=None)
    before = day - dt.timedelta(days=1)
    due_from = dt.datetime.combine(before, REMINDERS_FROM, tzinfo=UK).astimezone(dt.UTC).replace(tzinfo=None)
    return max(due_from, min(utcnow(), day_starts - dt.timedelta(seconds=1)))


def session_form(day: dt.date | None = None, **fields: str) -> dict[str, str]:
    """The arrange form's fields for a new session (``day``: in a week's time). A day that is a bank
    holiday is confirmed as meant (``bank_holiday``), so that a test does not fail in the weeks
    before Christmas: a test of the question passes ``bank_holiday=""``."""
    day = day or uk_today() + dt.timedelta(days=7)
    return {
        "session": "new",
        "date-day": str(day.day),
        "date-month": str(day.month),
        "date-year": str(day.year),
        "start_time": "10:00",
        "length": "90",
        "format": "in_person",
        "place": ROOM,
        "bank_holiday": f"{day:%Y-%m-%d}",
        **fields,
    }


def not_a_bank_holiday(day: dt.date) -> dt.date:
    """``day``, or the first day after it that is neither a bank holiday in England nor at the weekend
    (a browser test that types a date, and is not about the question either asks)."""
    from app.rules.model import bank_holidays

    while day in bank_holidays("England", day.year) or day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def session_has_started(app: Any, reference: str, ago: dt.timedelta = dt.timedelta(hours=2)) -> None:
    """Time passes: the session the request is in now started ``ago`` (a session can only be
    marked held once it has started)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import StoredRequest, utcnow
    from app.space_sessions.models import SessionPlace, SpaceSession

    with app.app_context():
        session = db.session.scalar(
            select(SpaceSession)
            .join(SessionPlace, SessionPlace.session_id == SpaceSession.id)
            .join(StoredRequest, StoredRequest.id == SessionPlace.request_id)
            .where(StoredRequest.reference == reference)
        )
        assert session is not None, f"{reference} is in no session"
        session.starts_at = utcnow() - ago
        db.session.commit()


def idle_nearly_to_the_limit(app: Any, left: dt.timedelta = dt.timedelta(seconds=30)) -> None:
    """Time passes on the server with nothing done: every live journey or sign-in session has
    ``left`` before its idle limit, as when a page's timeout warning runs out (its POST clears
    only a session the server also sees as idle: app.main.views.session_expired)."""
    from sqlalchemy import update

    from app.extensions import db
    from app.models import utcnow
    from app.sessions import JourneySessionRow

    with app.app_context():
        now = utcnow()
        db.session.execute(
            update(JourneySessionRow).where(JourneySessionRow.expires_at > now).values(expires_at=now + left)
        )
        db.session.commit()


def idle_time_left(app: Any, cookies: list[Any]) -> dt.timedelta:
    """How long the session named by a browser's ``cookies`` (``context.cookies()``) has before
    its idle limit, on the server."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import utcnow
    from app.sessions import JourneySessionRow

    name = app.config["SESSION_COOKIE_NAME"]
    cookie = next(c["value"] for c in cookies if c["name"] == name)
    sid = app.session_interface._signer(app).unsign(cookie).decode("ascii")
    with app.app_context():
        expiry = db.session.execute(
            select(JourneySessionRow.expires_at).where(JourneySessionRow.id == sid)
        ).scalar_one()
        return expiry - utcnow()


def signed_in_ago(app: Any, ago: dt.timedelta) -> None:
    """Time passes: every stored inbox sign-in began ``ago`` (its hours count from then:
    app.inbox.service.SIGN_IN_MAX_AGE); nothing else in the sessions changes."""
    from sqlalchemy import select, update

    from app.extensions import db
    from app.inbox.service import SIGNED_IN_AT_KEY
    from app.models import utcnow
    from app.sessions import JourneySessionRow

    serializer = app.session_interface.serializer
    with app.app_context():
        began = (utcnow() - ago).isoformat()
        for sid, data in db.session.execute(select(JourneySessionRow.id, JourneySessionRow.data)).all():
            held = serializer.loads(data)
            if SIGNED_IN_AT_KEY in held:
                held[SIGNED_IN_AT_KEY] = began
                db.session.execute(
                    update(JourneySessionRow).where(JourneySessionRow.id == sid).values(data=serializer.dumps(held))
                )
        db.session.commit()


def session_to_come(uid: str, in_days: float = 3, request_ids: Any = (), invited: bool = False) -> Any:
    """A session (in person, 90 minutes) ``in_days`` from now, added straight to the database in
    the current app context and committed, with the requests ``request_ids`` in it (invited, or not
    yet); the session."""
    from app.extensions import db
    from app.models import utcnow
    from app.space_sessions.models import SessionPlace, SpaceSession

    session = SpaceSession(
        uid=uid, starts_at=utcnow() + dt.timedelta(days=in_days), minutes=90, format="in_person", place="Room 2"
    )
    db.session.add(session)
    db.session.flush()
    for request_id in request_ids:
        db.session.add(
            SessionPlace(request_id=request_id, session_id=session.id, invited_sequence=0 if invited else None)
        )
    db.session.commit()
    return session


def idle_past_the_limit(app: Any, cookies: list[Any]) -> None:
    """Time passes on the server with nothing done in the browser whose ``cookies`` these are
    (``context.cookies()``): its session is past its idle limit (no other browser's session)."""
    from sqlalchemy import update

    from app.extensions import db
    from app.models import utcnow
    from app.sessions import JourneySessionRow

    name = app.config["SESSION_COOKIE_NAME"]
    cookie = next(c["value"] for c in cookies if c["name"] == name)
    sid = app.session_interface._signer(app).unsign(cookie).decode("ascii")
    with app.app_context():
        past = utcnow() - dt.timedelta(seconds=1)
        db.session.execute(update(JourneySessionRow).where(JourneySessionRow.id == sid).values(expires_at=past))
        db.session.commit()
