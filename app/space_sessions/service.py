"""Sessions: arranging, changing and cancelling them, invitations, reminders, held or not held,
and the anonymous feedback after them. The only code in ``app.space_sessions`` that commits.

Every status change goes through ``app.workflow`` (a move it does not allow is refused with its
message) and is committed with its audit event, and with any email it causes, in one
transaction. Emails are only queued here (``OutboxMessage`` rows, their text and calendar
file made now); the outbox worker (``app.outbox``) sends them. No email, calendar file or audit
event holds case details: the reference, the session's date, time, length, format and
joining instructions or place only.

Reminders: ``queue_reminders`` runs on every pass of the outbox worker (and as ``flask outbox
remind``). On the UK day before a session, from 8am, it queues one reminder for each practitioner invited
with a request still "session arranged" (one for a practitioner with several requests in it,
naming them all), unless an invitation (or update) of theirs was queued that day or less than
12 hours before: that has just told the practitioner when the session is. A unique key on the outbox
row (session, request and date) means a reminder is never queued twice, by any number of
workers. Cancelled sessions get none.

Feedback: moving a request to "session held" sends a single-use link (``/feedback/<token>``;
only the token's hash is stored, with the request's id so that a purge removes it). Answering
deletes the token and adds one to the anonymous count of that score (``app.stats``); any
comment is kept with its month only (and a random id), never with the request, the person or
the score. The email's text, which holds the token, is dropped from the outbox once sent. A
practitioner is asked once per session: a second request of theirs held in it sends no link.

One practitioner, several places: the same practitioner (their work email, its case aside) may
have two requests in one session. Every invitation to it carries the session's UID, so their
calendar has one entry for it, whichever request it came with; a request leaving sends a
cancellation (METHOD CANCEL) only when no other place of theirs remains in the session.
Otherwise their email says that request is no longer in it, with no cancellation, and the entry
stays: its calendar file is an update of the entry naming only the places of theirs invited that
stand (if the other place's invitation had not been sent, it goes then instead: the session's
changes, reminder and cancellation follow the places invited). Each file that can only be read
rightly after the one before it goes at a higher SEQUENCE (``_revision``). An invitation goes for each request,
naming its reference (and the places of theirs already invited): the same UID, so one entry. An
update when the session changes goes once to the person, naming every place of theirs invited,
with one of their requests; the request pages of the others count it as theirs too.

Reopening: a request is in at most one session at a time (``SessionPlace``). A request whose
session was held keeps its place while it is "session held" or "closed"; reopened (back to
an earlier status), it leaves that session with no email, its place kept in the session's
history (``HeldPlace``: the session's page still lists it), so that a new session can be
arranged. A session that has started is never changed or cancelled (so no one is sent a
cancellation of a session that took place, and a held session never moves), nor listed as
upcoming or offered to join: each request in it is marked held or not held instead, and
"not held" only once it has started (before, it is cancelled or the request moved on).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.utils import parseaddr
from typing import Any, TypeVar, cast

from flask import current_app, render_template
from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from .. import audit, workflow
from ..database_files import forget_deleted_text
from ..extensions import db
from ..input_guard import is_blank, plain_line_endings
from ..mail import (
    CANCELLED_BEFORE_SENT,
    LEFT_BEFORE_SENT,
    REDIRECTED,
    REOPENED,
    UNCHECKED_BEFORE_SENT,
    attempt_under_way,
    given_up_what_to_do,
    mail_problem_words,
    message_was_refused,
    too_late,
    waits_for_an_earlier_email,
)
from ..models import OutboxMessage, StoredRequest, new_message_id, utcnow
from ..stats.models import NO_MODE
from ..stats.service import FEEDBACK, FEEDBACK_WORDS, SESSION_HELD, add_count, current_month, first_month
from ..uk_time import UK_TIME, day_in_words, time_in_words, uk_day, uk_time, uk_today
from ..web import public_url
from .calendar import CANCEL, REQUEST, entry_in, references_in_words, session_calendar, start_in, to_uk
from .models import FORMATS, FeedbackComment, FeedbackToken, HeldPlace, SessionPlace, SpaceSession

ARRANGED, OFFERED, HELD, CLOSED = "session_arranged", "session_offered", "session_held", "closed"
# Lengths offered, in minutes, with their words (the form's radios, emails and pages).
LENGTHS: dict[str, str] = {"45": "45 minutes", "60": "1 hour", "90": "1 hour 30 minutes", "120": "2 hours"}
# "How much did the Space to Think session help you?": the score counted, and the words the page
# shows for it (the statistics name each score with the same words).
FEEDBACK_SCALE: dict[str, str] = FEEDBACK_WORDS
FEEDBACK_DAYS = 60  # how long a feedback link works
# A session that already took place can be recorded (arranged) afterwards, or a request added
# to it (``sessions_to_join``), up to 4 weeks after its day, and never before the day its request
# was received. Four weeks covers a session held the same week and arranged by phone, or one
# forgotten until the next team meeting; a date further back is more likely a mistyped month or
# year, and "session held" is counted in the month it is recorded (app.stats), so a session
# recorded months late would be counted in the wrong month.
RECORD_WEEKS = 4
# A request whose session has taken place, whether it was held not yet recorded, is kept past its
# retention period until it is, for at most this many days after the session's day
# (``outcome_to_record``): found (dates review), a session held the day before its request's
# deletion could never be marked held (not counted, no feedback link for the practitioner).
OUTCOME_KEPT_DAYS = 14
INVITATION, CANCELLATION, REMINDER, FEEDBACK_LINK = "invitation", "cancellation", "reminder", "feedback"
# The session's UID in a calendar file: its event's (``session_calendar``; never folded: under 75
# characters), not the file's own, which icalendar gives it too.
UID_LINE = re.compile(r"^BEGIN:VEVENT\r?$.*?^UID:(\S+?)\r?$", re.M | re.S)
SENT_ACTIONS = {
    INVITATION: "invitation_sent",
    CANCELLATION: "cancellation_sent",
    REMINDER: "reminder_sent",
    FEEDBACK_LINK: "feedback_link_sent",
}


class ChangedSinceConfirmed(Exception):
    """What cancelling a session would do is no longer what the facilitator confirmed."""


class SessionRefused(Exception):
    """Something about a session cannot be done: ``field`` is the form field to mark, ``str()`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SessionDetails:
    """A session's date and time (UK), length, format, and joining instructions or place, as checked by the form."""

    day: dt.date
    time: dt.time
    minutes: int
    format: str
    place: str

    @property
    def starts_at(self) -> dt.datetime:
        """The start as stored: UTC without tzinfo (the UK time's offset on that day)."""
        local = dt.datetime.combine(self.day, self.time, tzinfo=UK_TIME)
        return local.astimezone(dt.UTC).replace(tzinfo=None)


# --- reading ------------------------------------------------------------------------------------


def session_place(request: StoredRequest) -> SessionPlace | None:
    """The request's place in a session, if it has one."""
    return db.session.get(SessionPlace, request.id)


def session_of(request: StoredRequest) -> SpaceSession | None:
    """The session the request is in, if any."""
    place = session_place(request)
    return db.session.get(SpaceSession, place.session_id) if place is not None else None


def not_held_yet(request: StoredRequest) -> str | None:
    """Why the request cannot be marked "session held" yet (its session has not started), or None."""
    too_soon = _not_started_yet(request)
    return f"{too_soon}. Mark it as held once it has taken place" if too_soon else None


def not_held_too_soon(request: StoredRequest) -> str | None:
    """Why the request cannot be marked "session not held" yet (its session has not started:
    it may still take place), and what to do instead; or None."""
    too_soon = _not_started_yet(request)
    if too_soon is None:
        return None
    return (
        f"{too_soon}. If it is not going ahead, cancel it from the session's page, "
        "or change this request's status to take it out of the session"
    )


def _not_started_yet(request: StoredRequest) -> str | None:
    """ "The session has not happened yet: it starts on ..." if the request's session has not
    started (``SpaceSession.has_started``), or None."""
    session = session_of(request)
    if session is None or session.has_started:
        return None
    words = session_words(session)
    return f"The session has not happened yet: it starts on {words['date']} at {words['time']} (UK time)"


def held_members(session: SpaceSession) -> list[tuple[StoredRequest, HeldPlace]]:
    """The requests that had this session and have since been reopened (out of the session,
    kept in its history), oldest request first."""
    return _with_places(HeldPlace, session)


Place = TypeVar("Place", SessionPlace, HeldPlace)


def _with_places(place: type[Place], session: SpaceSession) -> list[tuple[StoredRequest, Place]]:
    """The requests with a place of this kind in ``session``, and their places, oldest first."""
    rows = db.session.execute(
        select(StoredRequest, place)
        .join(place, place.request_id == StoredRequest.id)
        .where(place.session_id == session.id)
        .order_by(StoredRequest.created_at, StoredRequest.id)
    )
    return [(row[0], row[1]) for row in rows]


def find_session(session_id: int) -> SpaceSession | None:
    """The session with this id, or None."""
    return db.session.get(SpaceSession, session_id)


def members(session: SpaceSession) -> list[tuple[StoredRequest, SessionPlace]]:
    """The requests in a session with their places, oldest request first."""
    return _with_places(SessionPlace, session)


def upcoming_sessions(now: dt.datetime | None = None) -> list[SpaceSession]:
    """Sessions not cancelled that have not started yet, soonest first: the upcoming sessions'
    list, and the first of the sessions a request can join (``sessions_to_join``). One that has
    started (held, or under way) is neither: it can no longer be changed or cancelled, and is
    joined only once it is over, to record a request discussed in it."""
    return list(
        db.session.scalars(
            select(SpaceSession)
            .where(SpaceSession.cancelled_at.is_(None), SpaceSession.starts_at > (now or utcnow()))
            .order_by(SpaceSession.starts_at, SpaceSession.id)
        )
    )


def sessions_to_record(now: dt.datetime | None = None) -> list[SpaceSession]:
    """Sessions not cancelled that have started (under way, or over) with a request still
    "session arranged": whether each was held is still to be said, on that request's page.
    Soonest first. Once every request in one is marked held or not held, it leaves the list."""
    awaiting = (
        select(SessionPlace.session_id)
        .join(StoredRequest, StoredRequest.id == SessionPlace.request_id)
        .where(StoredRequest.status == ARRANGED)
    )
    return list(
        db.session.scalars(
            select(SpaceSession)
            .where(
                SpaceSession.cancelled_at.is_(None),
                SpaceSession.starts_at <= (now or utcnow()),
                SpaceSession.id.in_(awaiting),
            )
            .order_by(SpaceSession.starts_at, SpaceSession.id)
        )
    )


PAST_SESSIONS_SHOWN = 100


def past_sessions(now: dt.datetime | None = None) -> list[tuple[SpaceSession, list[StoredRequest]]]:
    """Sessions not cancelled that have started, none of whose requests is still to be recorded
    (``sessions_to_record``), newest first (``PAST_SESSIONS_SHOWN`` at most), each with the
    requests that had a place in it (still there, or reopened since), oldest first; one whose
    requests have all left it, or been deleted, is not listed. Found (review at scale): the
    sessions that had taken place could be reached only from each request's page."""
    to_record = {session.id for session in sessions_to_record(now)}
    found = [
        session
        for session in db.session.scalars(
            select(SpaceSession)
            .where(
                SpaceSession.cancelled_at.is_(None),
                SpaceSession.starts_at <= (now or utcnow()),
                # One with no request left is not counted towards the limit (regression review).
                or_(
                    select(SessionPlace.request_id).where(SessionPlace.session_id == SpaceSession.id).exists(),
                    select(HeldPlace.request_id).where(HeldPlace.session_id == SpaceSession.id).exists(),
                ),
            )
            .order_by(SpaceSession.starts_at.desc(), SpaceSession.id.desc())
            .limit(PAST_SESSIONS_SHOWN + len(to_record))
        )
        if session.id not in to_record
    ][:PAST_SESSIONS_SHOWN]
    requests: dict[int, list[StoredRequest]] = {session.id: [] for session in found}
    _add_requests_by_session(SessionPlace, requests)
    _add_requests_by_session(HeldPlace, requests)
    return [
        (session, sorted(requests[session.id], key=lambda stored: (stored.created_at, stored.id)))
        for session in found
        if requests[session.id]
    ]


def sessions_to_join(request: StoredRequest, now: dt.datetime | None = None) -> list[SpaceSession]:
    """The sessions a request can be put in (the arrange form's choice): the upcoming sessions,
    then, latest first, the sessions over already (not cancelled) that it can be recorded in:
    from the day it was received and up to ``RECORD_WEEKS`` back, as for recording a new
    session, and not one it has had already (reopened since). Found: a
    group session held earlier than arranged, moved to when it took place (or recorded after
    it), could not be given the other requests discussed in it: only a session still to come
    could be joined, so each had to be recorded as a session of its own. One under way is
    still not joined: it is recorded once it is over."""
    now = now or utcnow()
    earliest = max(_uk_midnight(uk_today() - dt.timedelta(weeks=RECORD_WEEKS)), request.created_at)
    had_already = select(HeldPlace.session_id).where(HeldPlace.request_id == request.id)
    over = db.session.scalars(
        select(SpaceSession)
        .where(
            SpaceSession.cancelled_at.is_(None),
            SpaceSession.starts_at >= earliest,
            SpaceSession.starts_at <= now,
            SpaceSession.id.not_in(had_already),
        )
        .order_by(SpaceSession.starts_at.desc(), SpaceSession.id.desc())
    )
    return upcoming_sessions(now) + [session for session in over if session.ends_at <= now]


def joinable_until(session: SpaceSession, now: dt.datetime | None = None) -> dt.date | None:
    """For a session over already (not cancelled): the last day another request, received before
    it, can still be recorded in it (``sessions_to_join``), if that day has not passed; else None
    (still to come or under way, cancelled, or too long ago)."""
    if session.cancelled_at is not None or session.ends_at > (now or utcnow()):
        return None
    last = uk_day(session.starts_at) + dt.timedelta(weeks=RECORD_WEEKS)
    return last if uk_today() <= last else None


def session_words(session: SpaceSession) -> dict[str, str]:
    """A session in words, for pages and emails: date, time (when it starts), ends (when it ends),
    length, format, place; and "clocks", a sentence when the clocks change during it (else empty)."""
    local = to_uk(session.starts_at)
    return {
        "date": f"{local:%A} {day_in_words(local.date())}",
        "time": time_in_words(local.time()),
        "ends": time_in_words(to_uk(session.ends_at).time()),
        "length": LENGTHS.get(str(session.minutes), f"{session.minutes} minutes"),
        "format": FORMATS.get(session.format, session.format),
        "place": session.place,
        "clocks": clocks_change_during(session),
    }


def clocks_change_during(session: SpaceSession) -> str:
    """A sentence saying when the session ends, if the clocks go forward or back during it (a
    session in the night at the end of March or October), else "". Found (facilitators' review):
    "Time: 12:30am, Length: 2 hours" read as ending at 2:30am; it ends at 3:30am, as the calendar
    file says."""
    start, end = to_uk(session.starts_at), to_uk(session.ends_at)
    if start.utcoffset() == end.utcoffset():
        return ""
    way = "forward" if (end.utcoffset() or dt.timedelta()) > (start.utcoffset() or dt.timedelta()) else "back"
    return f"The clocks go {way} an hour during this session, so it ends at {time_in_words(end.time())} (UK time)."


def in_trail(session: SpaceSession) -> str:
    """How the audit log names a session: its number, and when it starts as it stands now (UTC,
    to the minute), which the trail shows in UK time. Found (facilitator review): named by its
    number alone, the session was shown in every line of a trail at its time as it is today, so
    an invitation sent for 2:30pm, the session moved since to 3pm, read "Session invitation
    queued: the session on ... at 3pm", which it never was."""
    return f"session {session.id} at {session.starts_at:%Y-%m-%dT%H:%M}"


def starts_in_words(starts_at: dt.datetime) -> str:
    """When a session starts (stored UTC), in UK time: "Thursday 5 March 2026 at 10am"."""
    local = to_uk(starts_at)
    return f"{local:%A} {day_in_words(local.date())} at {time_in_words(local.time())}"


# What an update to an invitation names as changed ("The time was 2:30pm."), in the order shown.
CHANGE_WORDS = {
    "date": "date",
    "time": "time",
    "length": "length",
    "format": "way it is held",
    "place": "joining instructions or place",
}


def _was(key: str, words: str) -> str:
    """What a detail of the session was, for "the way it is held (it was online)" in an update:
    the way it is held in small letters, inside the sentence (found: "(it was Online)"); no
    place, which is shown in full below the list."""
    if key == "place":
        return ""
    return words.lower() if key == "format" else words


def session_version(session: SpaceSession) -> str:
    """The session as stored, in one line for a hidden field: its id, start (UTC, ISO 8601), length
    in minutes, format, a hash of its place and a hash of its calendar UID (which session it is).
    Sent back with "Send invitation", "Save the changes", "Yes, cancel the session" and "After
    the session", it tells whether the session changed since the page was opened
    (``changed_since``), or is another session now (``same_session``). Stored values, never the
    words a page shows: a release that writes dates differently does not make every page open
    across it look out of date."""
    return "|".join(
        (
            str(session.id),
            session.starts_at.isoformat(),
            str(session.minutes),
            session.format,
            _place_hash(session.place),
            _place_hash(session.uid),
        )
    )


def _place_hash(place: str) -> str:
    """A short hash of the joining instructions or place: the hidden field need not repeat them."""
    return hashlib.sha256(place.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class _Seen:
    """A ``session_version`` read back: the session as a page showed it."""

    session_id: int
    starts_at: dt.datetime
    minutes: int
    format: str
    place: str  # its hash
    # A hash of the session's calendar UID; None from a page older than it. A session's number
    # can be given again on SQLite once the purge has removed the session that had it (the last
    # one): the UID never is.
    uid: str | None = None


_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only ("²" is a digit to ``isdigit``, not to ``int``)
_PLACE_HASH = re.compile(r"[0-9a-f]{16}")


def _read_version(seen: str) -> _Seen | None:
    """``seen`` read as ``session_version`` writes it, or None if it is not one."""
    parts = seen.split("|")
    if len(parts) == 5:  # a page from before the UID's hash was added
        parts.append("")
    if len(parts) != 6:
        return None
    session_id, starts_at, minutes, format_, place, uid = parts
    if not (_DIGITS.fullmatch(session_id) and _DIGITS.fullmatch(minutes) and _PLACE_HASH.fullmatch(place)):
        return None
    if uid and not _PLACE_HASH.fullmatch(uid):
        return None
    try:
        start = dt.datetime.fromisoformat(starts_at)
        to_uk(start)  # (year 1 or 9999 cannot be put in UK time)
    except (ValueError, OverflowError):
        return None
    if start.tzinfo is not None or not format_:
        return None
    return _Seen(int(session_id), start, int(minutes), format_, place, uid or None)


def same_session(session: SpaceSession, seen: str) -> bool:
    """Whether a page showing ``seen`` (``session_version``) showed this very session: the same
    number, and (from a page that carries it) the same calendar UID. False if ``seen`` cannot be
    read, or was made for a session removed since whose number ``session`` now has."""
    then = _read_version(seen)
    return (
        then is not None
        and then.session_id == session.id
        and (then.uid is None or then.uid == _place_hash(session.uid))
    )


def shown_values(seen: str) -> dict[str, str] | None:
    """The session's change form as a page showing ``seen`` (``session_version``) filled it in:
    the date's parts, the start time, length and format as the form writes them, and the place's
    hash (``"place"``); None if ``seen`` cannot be read as one."""
    then = _read_version(seen)
    if then is None:
        return None
    local = to_uk(then.starts_at)
    return {
        "day": str(local.day),
        "month": str(local.month),
        "year": str(local.year),
        "start_time": f"{local:%H:%M}",
        "length": str(then.minutes),
        "format": then.format,
        "place": then.place,
    }


def same_place(place_hash: str, typed: str) -> bool:
    """Whether joining instructions as posted are the ones whose hash is ``place_hash`` (a
    browser sends a textarea's line breaks as CRLF, whatever the page held)."""
    text = typed.strip()
    return place_hash in (_place_hash(text), _place_hash(text.replace("\r\n", "\n")))


def changed_since(session: SpaceSession, seen: str) -> list[str] | None:
    """What changed in ``session`` since a page showed it as ``seen`` (``session_version``), in
    the words of ``CHANGE_WORDS`` ([]: nothing), or None if ``seen`` was another session. The
    date and the time are compared as the UK date and time of the stored start. ``ValueError``
    if ``seen`` cannot be read as one (altered, cut short, or from a page older than its format)."""
    then = _read_version(seen)
    if then is None:
        raise ValueError("not a session version")
    if then.session_id != session.id or (then.uid is not None and then.uid != _place_hash(session.uid)):
        return None
    before, after = to_uk(then.starts_at), to_uk(session.starts_at)
    differs = {
        "date": before.date() != after.date(),
        "time": before.time() != after.time(),
        "length": then.minutes != session.minutes,
        "format": then.format != session.format,
        "place": then.place != _place_hash(session.place),
    }
    return [words for key, words in CHANGE_WORDS.items() if differs[key]]


def session_label(session: SpaceSession) -> str:
    """One line naming a session, for the choice of an existing one."""
    words = session_words(session)
    return f"{words['date']} at {words['time']}, {words['length']}, {words['format'].lower()}"


# --- the invitation's real state, from the outbox ------------------------------------------------

NOT_SENT, WAITING, RETRYING, SENT, SESSION_CANCELLED = "not_sent", "waiting", "retrying", "sent", "cancelled"
GIVEN_UP = "given_up"  # the mail server refused the address or the email for good, or the session had started


@dataclass(frozen=True)
class InvitationState:
    """Where a request's invitation is, read from its outbox rows: ``state`` (one of
    ``NOT_SENT``, ``WAITING``, ``RETRYING``, ``GIVEN_UP``, ``SENT``, ``SESSION_CANCELLED``), ``text`` (a
    sentence for the request page) and ``short`` (words after "Invitation", for lists)."""

    state: str
    text: str
    short: str


def invitation_state(request: StoredRequest, session: SpaceSession, place: SessionPlace) -> InvitationState:
    """The invitation as the outbox has it: queued and waiting for the worker, failed and to be
    tried again, or sent (and when), or given up because the mail server refused the address (or the
    email itself) for good. "Send invitation" only queues it, so it is never called sent until the
    worker has handed it to the mail server. Any other failure is tried again, with a growing wait, until it goes."""
    if session.cancelled_at is not None:
        return InvitationState(SESSION_CANCELLED, "Session cancelled", "not needed: the session was cancelled")
    if place.invited_sequence is None and session.has_started:
        # Recorded after it took place, or never sent before it started: none will be now.
        return InvitationState(
            NOT_SENT,
            "Not sent: no invitation is emailed for a session that has already started",
            "not sent: the session had started",
        )
    if place.invited_sequence is None:
        return InvitationState(NOT_SENT, "Not sent yet", "not sent yet")
    # Its own, and the updates sent with another request of the practitioner's in the session
    # that name it too (one update goes for all their places: ``change_session``).
    others = [other.id for other, _ in practitioner_places(request, session)]
    messages = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.request_id == request.id,
                    OutboxMessage.request_id.in_(others)
                    & OutboxMessage.subject.contains(request.reference, autoescape=True),
                ),
                OutboxMessage.kind == INVITATION,
                # This session's only (its calendar event's UID): not an invitation to a session
                # cancelled, or not held, before this one was arranged.
                OutboxMessage.calendar.contains(f"UID:{session.uid}", autoescape=True),
            )
            .options(defer(OutboxMessage.body), defer(OutboxMessage.calendar))  # the state needs neither
            .order_by(OutboxMessage.id)
        )
    )
    if not messages:
        return InvitationState(NOT_SENT, "Not sent yet", "not sent yet")
    latest = messages[-1]
    what = "Updated invitation" if latest.subject.startswith("Updated invitation") else "Invitation"
    earlier = next((m.sent_at for m in reversed(messages[:-1]) if m.sent_at is not None), None)
    before = f" The earlier invitation was sent on {uk_time(earlier)}." if earlier is not None else ""
    # After "invitation " in the session's list: an update waiting is not the invitation waiting
    # (found, faults review: "invitation waiting to be sent" where it had gone, and its update had not).
    pending = ("sent; its update " if earlier is not None else "update ") if what == "Updated invitation" else ""
    if latest.sent_at is not None:
        latest_changes = place.invited_sequence == session.sequence
        if not latest_changes:
            return InvitationState(SENT, f"Sent on {uk_time(latest.sent_at)}, before the latest changes", "sent")
        # (Not from the SEQUENCE alone: it also goes up when someone leaves the session, ``_revision``.)
        suffix = " (with the latest changes)" if what == "Updated invitation" else ""
        return InvitationState(SENT, f"{what} sent on {uk_time(latest.sent_at)}{suffix}", "sent")
    if latest.given_up_at is not None and latest.last_error == UNCHECKED_BEFORE_SENT:
        return InvitationState(
            GIVEN_UP,
            f"{what} was not sent to {latest.recipient}: {mail_problem_words(latest.last_error)}. It will not be "
            f"sent now: once the work email is confirmed, send the invitation again.{before}",
            f"{pending}not sent: its work email waits for another facilitator's check",
        )
    if request.email_check_pending and latest.given_up_at is None:
        # Queued before its work email had to wait for the check (migration 0030): the worker gives it
        # up (found, review of that check: "it usually goes within a minute").
        return InvitationState(
            WAITING,
            f"{what} queued on {uk_time(latest.created_at)}, before the work email had to wait for another "
            f"facilitator's check: the service will not send it.{before}",
            f"{pending}queued, not to be sent: its work email waits for another facilitator's check",
        )
    if latest.given_up_at is not None and too_late(latest.last_error):
        return InvitationState(
            GIVEN_UP,
            f"{what} was not sent to {latest.recipient}: {mail_problem_words(latest.last_error or '')}. "
            f"It will not be sent now.{before}",
            f"{pending}not sent: the session had started",
        )
    if latest.given_up_at is not None:
        return InvitationState(
            GIVEN_UP,
            f"{what} could not be sent to {latest.recipient}: {mail_problem_words(latest.last_error or '')}. "
            f"{given_up_what_to_do(latest.last_error, latest.attempts, latest.refusals)}{before}",
            f"{pending}could not be sent: the mail server refused the email"
            if message_was_refused(latest.last_error)
            else f"{pending}could not be sent: the address was refused",
        )
    if latest.attempts:
        tried = "once" if latest.attempts == 1 else f"{latest.attempts} times"
        when = f" after {uk_time(latest.next_attempt_at)}" if latest.next_attempt_at else ""
        problem = f" Why: {mail_problem_words(latest.last_error)}." if latest.last_error else ""
        return InvitationState(
            RETRYING,
            f"{what} could not be sent yet (tried {tried}). The service will try again{when}.{problem}{before}",
            f"{pending}could not be sent yet, trying again",
        )
    if waits_behind_an_earlier_email(latest):
        # (Found, regression review: "It usually goes within a minute" while it waited for the
        # acknowledgement, which the mail server had not taken, to go first.)
        return InvitationState(
            WAITING,
            f"{what} waiting to be sent: queued on {uk_time(latest.created_at)}. It goes once an earlier email "
            f"about this request to {latest.recipient} has gone (it has not gone yet: this page says why).{before}",
            f"{pending}waiting to be sent",
        )
    return InvitationState(
        WAITING,
        f"{what} waiting to be sent: queued on {uk_time(latest.created_at)}. "
        f"It usually goes within a minute; reload the page to check.{before}",
        f"{pending}waiting to be sent",
    )


def invitation_waits_behind_an_earlier_email(request: StoredRequest) -> bool:
    """Whether the request's latest invitation (or update) is unsent and waits for an earlier email
    to the practitioner about the request (``waits_behind_an_earlier_email``)."""
    latest = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.request_id == request.id, OutboxMessage.kind == INVITATION)
        .options(defer(OutboxMessage.body), defer(OutboxMessage.calendar))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return latest is not None and latest.sent_at is None and waits_behind_an_earlier_email(latest)


def waits_behind_an_earlier_email(message: OutboxMessage) -> bool:
    """Whether ``message`` (unsent) waits for an earlier email about its request to the same
    address that was tried and has not gone, which the outbox worker sends first
    (``mail.waits_for_an_earlier_email``); one not tried yet goes in the same minute."""
    found = select(OutboxMessage.id).where(OutboxMessage.id == message.id, waits_for_an_earlier_email(failing=True))
    return db.session.scalar(found) is not None


# --- moving a request, with its audit event -----------------------------------------------------


def _move(request: StoredRequest, new: str, actor: str, note: str = "") -> None:
    """Change the status if the workflow allows it (else ``SessionRefused``); audit it. No commit."""
    if not workflow.can_move(request.status, new):
        raise SessionRefused("session", workflow.refusal(request.status, new))
    if new == HELD and (too_soon := not_held_yet(request)):
        raise SessionRefused("session", too_soon)
    detail = f"{request.status} to {new}" + (f"; {note}" if note else "")
    request.status = new
    audit.add_event("status_changed", request.reference, actor, detail)
    if new == HELD:
        if not request.email_check_pending:  # (imported unchecked, its work email not confirmed: not counted)
            add_count(SESSION_HELD, request.mode)
        queue_feedback_link(request)


# --- arranging ----------------------------------------------------------------------------------


def arrange(
    request: StoredRequest,
    actor: str,
    details: SessionDetails | None = None,
    session_id: int | None = None,
    seen: str | None = None,
) -> SpaceSession:
    """Put the request in a new session (``details``) or an existing upcoming one (``session_id``),
    moving it to "session arranged" (refused, ``SessionRefused``, if the workflow does not allow it).
    ``seen``: the existing session as the page offered it (``session_version``); refused, saying
    what changed and what it is now, if it has changed since.

    A new session may have started already: recorded afterwards (the form allows a few weeks
    back, never before the request was received), it is audited as such. Nothing is emailed
    for it, ever: "Send invitation" is refused once a session has started, and reminders go only
    to practitioners invited. It can be marked held (the feedback link follows) or not held at once."""
    if details is not None and details.starts_at < request.created_at:
        raise SessionRefused("date", "The session must be after the request was received")
    if not workflow.can_move(request.status, ARRANGED):
        raise SessionRefused("session", workflow.refusal(request.status, ARRANGED))
    if session_place(request) is not None:
        raise SessionRefused("session", "This request is already in a session")
    if session_id is not None:
        session = find_session(session_id)
        if session is not None:
            lock_session(session)  # not joined as a colleague cancels it (``upcoming_sessions`` asks afresh)
        _hold_for_arranging(request)
        if session is None or session not in sessions_to_join(request):
            raise SessionRefused("session", "Select a session from the list, or A new session")
        if (moved := changed_to_join(session, seen)) is not None:
            raise SessionRefused("session", moved)
        if too_late := deleted_before([request], session.starts_at):
            raise SessionRefused("session", too_late)
        note = f"joined {in_trail(session)}"
        if session.has_started:  # the audit trail says it was entered afterwards
            note += ", recorded after it took place"
    else:
        _hold_for_arranging(request)
        if details is None:
            raise SessionRefused("session", "Select a session, or A new session")
        if too_late := deleted_before([request], details.starts_at):
            raise SessionRefused("date", too_late)
        session = SpaceSession(
            uid=f"{uuid.uuid4()}@space-to-think",
            starts_at=details.starts_at,
            minutes=details.minutes,
            format=details.format,
            place=details.place,
            sequence=0,
            created_at=utcnow(),
        )
        db.session.add(session)
        db.session.flush()
        note = f"new {in_trail(session)}"
        if session.has_started:  # the audit trail says it was entered afterwards
            note += ", recorded after it started"
    db.session.add(SessionPlace(request_id=request.id, session_id=session.id, added_at=utcnow()))
    _move(request, ARRANGED, actor, note)
    try:
        db.session.commit()
    except IntegrityError:  # a colleague put it in a session at the same moment
        db.session.rollback()
        raise SessionRefused("session", "This request was put in a session a moment ago. Reload the page") from None
    return session


def changed_to_join(session: SpaceSession, seen: str | None) -> str | None:
    """Why a session chosen to join, held, is not joined: it changed since the page offered it as
    ``seen`` (its date, time, length, way it is held or place), said with what it is now; else None
    (also for ``seen`` not given, or that cannot be read). Found (two facilitators at once review):
    a page listing "10am" joined the session a colleague had moved to 3pm, saying only "Session
    arranged"; the facilitator may have agreed 10am with the practitioner."""
    try:
        changed = changed_since(session, seen) if seen is not None else []
    except ValueError:
        changed = []
    if not changed:
        return None
    listed = changed[0] if len(changed) == 1 else ", ".join(changed[:-1]) + " and " + changed[-1]
    words = session_words(session)
    return (
        f"Nothing has been arranged: the session's {listed} changed while this page was open (in another tab, or "
        f"by another facilitator). It is now on {words['date']} at {words['time']} (UK time), {words['length']}, "
        f"{words['format'].lower()}. Select it again if it still suits, or arrange a new session"
    )


def _hold_for_arranging(request: StoredRequest) -> None:
    """Hold the request (``hold_request``, after the session joined, if any: the order cancelling
    takes): ``SessionRefused`` if a colleague moved it meanwhile. Found (review, PostgreSQL and
    SQLite): "Closed" and a colleague's "Arrange the session" at the same moment both went
    through: a closed request sat in a session, to be invited."""
    if hold_request(request) != request.status:
        raise _changed_meanwhile(request)


def deleted_on(request: StoredRequest) -> dt.date:
    """The UK day the request is deleted, at the end of the time requests are kept
    (``RETENTION_DAYS`` after it was made; the outbox worker's purge runs every hour)."""
    return uk_day(request.created_at + dt.timedelta(days=retention_days()))


def retention_days() -> int:
    """How long requests are kept, in days (``RETENTION_DAYS``)."""
    return int(current_app.config.get("RETENTION_DAYS") or 90)


def deleted_before(requests: Sequence[StoredRequest], starts_at: dt.datetime) -> str | None:
    """Why a session starting at ``starts_at`` (naive UTC) cannot hold these requests, or None:
    one of them is deleted on or before the session's day. Deleted, a request takes its place in
    the session with it (and the session, if it was alone in it), with no word to anyone: the
    upcoming sessions would lose it, and an invited practitioner would not be told."""
    day = uk_day(starts_at)
    for request in requests:
        if day >= (deleted := deleted_on(request)):
            return (
                f"{request.reference} will be deleted on {day_in_words(deleted)}, at the end of the time "
                f"requests are kept ({retention_days()} days), so its session must be before then"
            )
    return None


def after_due(requests: Sequence[StoredRequest], starts_at: dt.datetime) -> list[StoredRequest]:
    """The requests whose due date (worked out from the practitioner's "how soon") is before the
    UK day of a session starting at ``starts_at`` (naive UTC). Not refused: a facilitator may have
    agreed a later date with the practitioner. Found (facilitator review): a session on 30 March
    was accepted for a request asked for "within 2 weeks" in early December, with no word."""
    day = uk_day(starts_at)
    return [request for request in requests if request.due_on is not None and request.due_on < day]


def after_due_words(late: Sequence[StoredRequest]) -> str:
    """What a facilitator is told about a session after the due date of each request in ``late``
    (not empty): each by its reference and due date, and what to check."""
    each = [(request.reference, day_in_words(request.due_on)) for request in late if request.due_on is not None]
    if len(each) == 1:
        named = f"the due date of request {each[0][0]}, {each[0][1]}"
    else:
        listed = [f"{reference} (due by {due})" for reference, due in each]
        named = "the due dates of requests " + ", ".join(listed[:-1]) + " and " + listed[-1]
    return (
        f"This session is after {named}. Due dates come from how soon the practitioner asked for a session. "
        "If a later date has not been agreed with the practitioner, check whether an earlier session is possible"
    )


CANCELLED_NOT_CHANGED = "This session was cancelled: arrange a new one"
# (Found: it said "Arrange a new session from the request's page", which has no arrange form
# while the request is in this session.)
STARTED_NOT_CHANGED = (
    "This session has started, so it cannot be changed. On the page of each request in it, say whether the "
    "session was held (if it took place at another time, say it was not held, then record it again there)"
)


def cannot_change(session: SpaceSession) -> str | None:
    """Why a session cannot be changed (cancelled, or started: what took place is not rewritten,
    and a session held for a request reopened since has started), or None."""
    if session.cancelled_at is not None:
        return CANCELLED_NOT_CHANGED
    if session.has_started:
        return STARTED_NOT_CHANGED
    return None


def unchanged(session: SpaceSession, details: SessionDetails) -> bool:
    """Whether ``details`` are the session's as they are (its date, time, length, format, place)."""
    return (details.starts_at, details.minutes, details.format, details.place) == (
        session.starts_at,
        session.minutes,
        session.format,
        session.place,
    )


def lock_session(session: SpaceSession) -> None:
    """Hold the session until the caller commits, and read it afresh: a change, a cancellation, an
    invitation or a request leaving it each raise its SEQUENCE from what they read. Found: nothing
    held it, so two facilitators at once (one changing the place, one sending an invitation for a
    practitioner's second place) each read the same SEQUENCE: the invitation went at the SEQUENCE
    of the colleague's update, with the place as it was (a calendar that goes by SEQUENCE keeps
    whichever came first), and one commit wrote the SEQUENCE back over the other's. On PostgreSQL
    the second now waits for the first (a row lock); SQLite writes one at a time anyway. A request
    joining it waits too, so it does not join a session a colleague is cancelling. Call it
    before reading anything of the session's; pending changes to it are lost (there are none).
    On SQLite, whose reads take no lock, the transaction takes the write lock first (``BEGIN
    IMMEDIATE``), so what is read next is what the last writer left (found, review: a close and a
    colleague's cancel both went through on SQLite, each from "session arranged")."""
    hold_sqlite_for_writing()
    db.session.refresh(session, with_for_update=True)


def hold_sqlite_for_writing() -> None:
    """On SQLite, begin the transaction by taking the write lock (``BEGIN IMMEDIATE``), unless it
    has begun: a second writer waits here, then reads what the first left. (PostgreSQL holds the
    rows read ``FOR UPDATE`` instead.)"""
    if db.engine.dialect.name != "sqlite":
        return
    connection = db.session.connection()
    if not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]  # sqlite3's connection
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def hold_request(request: StoredRequest) -> str:
    """Hold the request for this transaction, its session first if it is in one (the order a
    colleague cancelling or changing the session takes, so neither waits for the other the other
    way round), and read it afresh; returns its status as it was read before. Found (review,
    PostgreSQL and SQLite): a close and a colleague's "held", "not held" or cancelling at the same
    moment both went through, each from "session arranged": a closed request sent a feedback link,
    or reopened without a word, and the trail said other than the status."""
    was = request.status
    with db.session.no_autoflush:
        place = session_place(request)
        session = db.session.get(SpaceSession, place.session_id) if place is not None else None
    if session is not None:
        lock_session(session)
    else:
        hold_sqlite_for_writing()
    db.session.refresh(request, with_for_update=True)
    return was


def change_session(session: SpaceSession, details: SessionDetails, actor: str) -> tuple[int, int]:
    """Change a session still to come: its date, time, length, format or place; every
    practitioner already invited is sent the update (same UID, next SEQUENCE): one for a
    practitioner with several requests invited to it, naming them all. Returns how many
    practitioners were sent one (``count_practitioners``), and how many invited were sent none as
    they already have the session as it is now (changed back before their update went). Refused
    (``SessionRefused``) once it has started or been cancelled. Moved to a start already gone (a
    session held earlier than arranged: confirmed on the form, ``SessionForm.start_to_confirm``),
    no one is sent anything."""
    lock_session(session)
    if (refused := cannot_change(session)) is not None:
        raise SessionRefused("session", refused)
    if too_late := deleted_before([request for request, _ in members(session)], details.starts_at):
        raise SessionRefused("date", too_late)
    before = session_words(session)
    session.starts_at = details.starts_at
    session.minutes = details.minutes
    session.format = details.format
    session.place = details.place
    session.sequence += 1
    updated = []
    in_it = members(session)
    took_place = session.has_started  # moved to when it took place (confirmed on the form)
    if took_place:
        # No update: it would invite them to a session over, and be given up as too late. Any
        # invitation or reminder not sent yet has the session as it was: it goes too.
        for request, _ in in_it:
            drop_unsent(request)
        in_it = []
    # One update for each practitioner invited, naming every request of theirs invited to it
    # (found: one for each request, so a practitioner with two places was sent two, the same).
    people: dict[str, list[StoredRequest]] = {}
    for request, place in in_it:
        # (Not one whose work email waits for the check: no update goes to it, and its place keeps
        # the version it was sent, so the invitation is offered again once it is confirmed.)
        if place.invited_sequence is not None and not request.email_check_pending:
            people.setdefault(practitioner_email(request).lower() or f"request {request.id}", []).append(request)
            place.invited_sequence = session.sequence
            updated.append(request)
    nothing_new: list[StoredRequest] = []
    for first, *rest in people.values():
        # Looked at before anything waiting is dropped: a second place's invitation waiting is news
        # (found, regression review: dropped first, it was never sent).
        if _nothing_new_for([first, *rest], session):
            # Changed and changed back before the update went (found, facilitators' review: each
            # was emailed a second invitation, the same as the one they had): the update waiting
            # goes, and nothing is sent; their calendar has the session as it is.
            for request in (first, *rest):
                drop_unsent(request)
            updated = [request for request in updated if request not in (first, *rest)]
            nothing_new.append(first)
            continue
        for other in rest:
            # Its invitation or reminder not sent yet has the session as it was (not one being sent:
            # ``_queue_session_email``).
            drop_unsent(other, leave_under_way=True)
        _queue_session_email(first, session, INVITATION, before=before, also=[other.reference for other in rest])
    # One event for each request in it; for a session with none (none should be changeable: the
    # last request to leave one cancels it, and one held for a request has started), one event
    # with no reference, so that no change goes unrecorded.
    references: list[str | None] = [request.reference for request, _ in members(session)]
    after = session_words(session)
    moved = (after["date"], after["time"]) != (before["date"], before["time"])
    was = f"; was {before['date']} at {before['time']}" if moved else ""  # the trail says when it was
    if took_place:
        was += ", moved to when it took place (no update emailed)"
    # What else changed, by name only (the place is typed by a facilitator: never written in the
    # audit log). Found (facilitator review): a change of room left only "Session changed".
    also_changed = [name for name in ("length", "format", "place") if after[name] != before[name]]
    if also_changed:
        named = ", ".join(also_changed[:-1]) + (" and " if len(also_changed) > 1 else "") + also_changed[-1]
        was += f"; its {named} changed"
    for reference in references or [None]:
        audit.add_event("session_changed", reference, actor, f"{in_trail(session)}{was}")
    db.session.commit()
    return count_practitioners(updated), count_practitioners(nothing_new)


def _nothing_new_for(requests: Sequence[StoredRequest], session: SpaceSession) -> bool:
    """Whether a practitioner (their ``requests`` invited to the session, the first the one their
    emails go to) was last sent the session as it is now: every one of these requests named by an
    invitation or update sent to them since anything else about the session was (a second place
    invited since, not named, is news; after a place left, "No longer in your session", the
    invitations before it no longer count: found, regression reviews), the same details in the
    email and the same entry in its calendar file (``_has_the_session_as_it_is``), nothing
    waiting for them but updates of its details, and none being sent now (it would leave them
    with other details)."""
    if not _all_told(requests, session) or _other_email_waiting(requests[0], session):
        return False
    if _invitation_being_sent(requests):
        return False
    if not _has_the_session_as_it_is(requests[0], session):
        return False
    waiting = [
        message
        for request in requests
        for message in request.outbox
        if message.kind == INVITATION and message.sent_at is None and message.given_up_at is None
    ]
    return all(message.subject.startswith(SUBJECTS["update"].split("(")[0]) for message in waiting)


def _invitation_waiting_for(request: StoredRequest, session: SpaceSession) -> bool:
    """Whether the request has an invitation or update to the session queued, not sent nor given up."""
    return any(
        message.kind == INVITATION
        and message.sent_at is None
        and message.given_up_at is None
        and f"UID:{session.uid}" in (message.calendar or "")
        for message in request.outbox
    )


def _has_the_session_as_it_is(request: StoredRequest, session: SpaceSession) -> bool:
    """Whether the last invitation or update sent to the request's practitioner gave the session as it
    is now: the same details in the email and the same entry in its calendar file."""
    sent, entry = words_last_sent(request, session), entry_last_sent(request, session)
    if sent is None or entry is None:
        return False
    now = session_words(session)
    in_their_calendar = (session.starts_at, session.ends_at, plain_line_endings(session.place or ""))
    return (
        all(sent[key] == now[key] for key in CHANGE_WORDS)
        and (entry[0], entry[1], plain_line_endings(entry[2])) == in_their_calendar
    )


def _other_email_waiting(request: StoredRequest, session: SpaceSession) -> bool:
    """Whether an email about the session other than an invitation or update waits for the request's
    practitioner, not sent nor given up: a "no longer in it" made with the session as it was then
    goes after, and only an update queued now comes after it (found, regression review: undone
    behind it, their calendar kept the time of the change undone)."""
    email = practitioner_email(request).lower()
    return any(
        message.recipient.lower() == email and message.kind not in (INVITATION, REMINDER)
        for message in db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.given_up_at.is_(None),
                OutboxMessage.calendar.contains(f"UID:{session.uid}", autoescape=True),
            )
        )
    )


def _all_told(requests: Sequence[StoredRequest], session: SpaceSession) -> bool:
    """Whether each of a practitioner's ``requests`` (the first the one their emails go to) is named
    by an invitation or update to the session sent to them, and not by a "no longer in it" email
    since (nor any since a cancellation of the session for them): one place that left and came
    back is news again (found, regression review), one that left and stays out is not."""
    email = practitioner_email(requests[0]).lower()
    told = dict.fromkeys((request.reference for request in requests), False)
    if not email:
        return False
    for message in db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.calendar.contains(f"UID:{session.uid}", autoescape=True))
        .order_by(OutboxMessage.id)
    ):
        if message.recipient.lower() != email:
            continue
        if message.calendar is not None and "METHOD:CANCEL" in message.calendar:
            told = dict.fromkeys(told, False)
        elif message.kind == CANCELLATION or (message.kind == INVITATION and message.sent_at is not None):
            for reference in told:
                if reference in message.subject:
                    told[reference] = message.kind == INVITATION
    return all(told.values())


STARTED_NOT_CANCELLED = (
    "This session has started, so it cannot be cancelled. On the page of each request in it, "
    "say whether the session was held"
)


def cancel_session(
    session: SpaceSession, actor: str, as_confirmed: Callable[[SpaceSession], bool] | None = None
) -> int:
    """Cancel a session still to come: every practitioner invited is sent a cancellation
    (METHOD CANCEL; one for a practitioner with several requests in it, naming them all), and
    each request goes back to "session offered", out of the session.
    Returns the requests moved. A session that has started is refused: each request is marked
    held or not held instead, and no one is sent a cancellation of a session that took place.

    ``as_confirmed``: whether cancelling it now does what the facilitator confirmed (the cancel
    page's), asked once the session is held, so no colleague changes it between the question and
    the cancelling; if not, ``ChangedSinceConfirmed`` and nothing is done. Found (two facilitators
    at once review): asked before, a request a colleague added in that moment went back to
    "session offered" with the others, and the page had not named it."""
    lock_session(session)
    if session.cancelled_at is not None:
        raise SessionRefused("session", "This session is already cancelled")
    if session.has_started:
        raise SessionRefused("session", STARTED_NOT_CANCELLED)
    if as_confirmed is not None and not as_confirmed(session):
        raise ChangedSinceConfirmed
    session.cancelled_at = utcnow()
    session.sequence += 1
    in_it = members(session)
    told = {request.id for request in invitation_sent(session, in_it)}
    # Counted as told because the outbox worker may be sending its invitation now, not because it
    # went: that invitation is left to the worker, which gives it up unsent if it has not gone,
    # with the cancellation queued here (``cancelled_before_it_went``). Found: on SQLite, where
    # every invitation whose turn has come counts so, the second of two practitioners invited
    # had their invitation dropped here and was sent the cancellation of a session they never
    # heard of.
    in_hand = {
        request.id for request, place in in_it if request.id in told and last_invitation_sent(request, session) is None
    }
    # One cancellation for each practitioner sent an invitation, naming every request of theirs in
    # it (found: one for each request, so a practitioner with two in the session was sent two).
    people: dict[str, list[StoredRequest]] = {}
    for request, place in in_it:
        if place.invited_sequence is None:
            continue
        if request.id not in told:
            # Its invitation was queued but has not gone: it is dropped, and nothing is sent in its
            # place (found, facilitator review: a cancellation went of a session never heard of).
            drop_unsent(request)
            continue
        people.setdefault(practitioner_email(request).lower() or f"request {request.id}", []).append(request)
    for first, *rest in people.values():
        for other in rest:
            # Its invitation or reminder not sent yet would go after the cancellation.
            drop_unsent(other, (REMINDER,) if other.id in in_hand else (INVITATION, REMINDER))
        _queue_session_email(
            first, session, CANCELLATION, also=[other.reference for other in rest], in_hand=first.id in in_hand
        )
    moved = 0
    for request, place in in_it:
        db.session.delete(place)
        if request.status == ARRANGED:
            _move(request, OFFERED, actor, f"{in_trail(session)} cancelled")
            moved += 1
    db.session.commit()
    return moved


def invitation_sent(
    session: SpaceSession, in_it: Sequence[tuple[StoredRequest, SessionPlace]] | None = None
) -> list[StoredRequest]:
    """The requests in ``session`` (``in_it``: its ``members``) whose practitioner has been sent an
    invitation to it (``last_invitation_sent``): those a cancellation is sent to. An invitation
    queued that has not gone yet is dropped instead, and nothing is sent."""
    in_it = members(session) if in_it is None else in_it
    invited = [request for request, place in in_it if place.invited_sequence is not None]
    sent = [request for request in invited if last_invitation_sent(request, session) is not None]
    queued = [request for request in invited if request not in sent]
    return sent + [request for request in queued if request.id in _invitation_being_sent(queued)]


def cancelled_before_it_went(message: OutboxMessage) -> str | None:
    """Whether ``message``, an invitation (or update) or a reminder not sent, is to a session
    cancelled since it was queued, or cancelled for its practitioner since (a cancellation to them
    queued after it: their request left the session): the outbox worker gives it up unsent (no
    commit here).

    Found: an invitation the worker was sending when the session was cancelled, or its request
    taken out of it, counts as sent (``invitation_sent``, ``leave_session``: a cancellation is
    queued after it); the mail server failing it, it was tried again after the cancellation. A
    cancellation queued for its practitioner that has not gone is dropped too, when no invitation
    to the session ever reached them: they would be told of a session they never heard of."""
    uid = _session_uid(message.kind, message.calendar, message.dedupe_key)
    if uid is None or message.sent_at is not None:
        return None
    session = db.session.scalar(select(SpaceSession).where(SpaceSession.uid == uid))
    if session is None:
        return None
    to_them = _to_them(message.recipient, uid, message.id)
    cancelled_since = any(
        other.id > message.id and other.calendar is not None and "METHOD:CANCEL" in other.calendar for other in to_them
    )
    if session.cancelled_at is None and not cancelled_since:
        return None
    _drop_cancellations_never_needed(to_them)
    return CANCELLED_BEFORE_SENT if session.cancelled_at is not None else LEFT_BEFORE_SENT


def never_sent_and_taken_out(kind: str, recipient: str, calendar: str | None, dedupe_key: str | None) -> None:
    """An invitation (or reminder) the outbox worker failed to send, whose row was deleted while it
    was being sent (SQLite, where the worker holds no lock: the session was cancelled, or the
    request left it, and the email was dropped; ``_invitation_being_sent`` counts it as sent
    there, so a cancellation followed it): that cancellation, to a person never sent an
    invitation to the session, is dropped too (found, regression review: it went). No commit."""
    uid = _session_uid(kind, calendar, dedupe_key)
    if uid is not None:
        _drop_cancellations_never_needed(_to_them(recipient, uid, None))


def _to_them(recipient: str, uid: str, other_than: int | None) -> list[OutboxMessage]:
    """The emails with a calendar file for the session ``uid`` to ``recipient`` (its case aside),
    but ``other_than``."""
    address = recipient.lower()
    return [
        other
        for other in db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.calendar.contains(f"UID:{uid}", autoescape=True), OutboxMessage.id != (other_than or 0)
            )
        )
        if other.recipient.lower() == address  # (compared here: SQLite's lower() is ASCII only)
    ]


def _drop_cancellations_never_needed(to_them: Sequence[OutboxMessage]) -> None:
    """Drop the cancellations not sent among ``to_them`` (one person's emails about one session)
    when no invitation to it was ever sent to them: they would be told of a session they never
    heard of. Not one another worker is sending now (it holds its row), which goes all the same."""
    if any(other.kind == INVITATION and other.sent_at is not None for other in to_them):
        return
    waiting = [
        other.id
        for other in to_them
        if other.kind == CANCELLATION and other.sent_at is None and other.given_up_at is None
    ]
    free = select(OutboxMessage.id).where(OutboxMessage.id.in_(waiting)).with_for_update(skip_locked=True)
    for dropped in list(db.session.scalars(free)) if waiting else []:
        db.session.delete(db.session.get(OutboxMessage, dropped))


def _session_uid(kind: str, calendar: str | None, dedupe_key: str | None) -> str | None:
    """The UID of the session an invitation (its calendar file) or a reminder (its key) is to."""
    if kind == INVITATION and calendar and (found := UID_LINE.search(calendar)):
        return found[1]
    if kind == REMINDER and dedupe_key and dedupe_key.startswith("reminder:"):
        return dedupe_key.split(":")[1]
    return None


def _invitation_being_sent(requests: Sequence[StoredRequest]) -> set[int]:
    """The ids of ``requests`` whose invitation, not sent yet, the outbox worker is sending now: it
    holds its row (PostgreSQL: ``claim_message`` locks it while the mail server answers). Counted
    as sent (found, regression review: cancelled then, it went all the same and no cancellation
    did). The others' rows are locked here in turn, so the worker cannot start on them before the
    cancellation drops them. (SQLite has no row locks: there, every one the worker may have taken
    counts as being sent.)"""
    if not requests:
        return set()
    unsent = select(OutboxMessage.id, OutboxMessage.request_id).where(
        OutboxMessage.request_id.in_([request.id for request in requests]),
        OutboxMessage.kind == INVITATION,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.given_up_at.is_(None),
    )
    if db.session.get_bind().dialect.name == "sqlite":
        # No row locks to tell by: the worker commits when it starts an attempt
        # (``outbox._claimed_in_the_open``), and one started within as long as a send may take
        # and not ended (sent, or failed and waiting for its next try) is being sent. Before, every
        # invitation whose turn had come counted so, and a practitioner whose invitation never
        # went was sent its cancellation (regression review). One the worker died sending counts
        # until that time has passed: its cancellation is then dropped with it if it never went
        # (``cancelled_before_it_went``: the callers leave it to the worker).
        in_hand = unsent.where(attempt_under_way(utcnow()))
        return {row.request_id for row in db.session.execute(in_hand) if row.request_id is not None}
    waiting: dict[int, int | None] = {row.id: row.request_id for row in db.session.execute(unsent)}
    free = set(db.session.scalars(unsent.with_only_columns(OutboxMessage.id).with_for_update(skip_locked=True)))
    # And one whose worker lost its lock (its connection cut as the mail server took it), its
    # attempt not ended: no worker takes it up again until that time has passed, as on SQLite.
    free -= set(db.session.scalars(unsent.with_only_columns(OutboxMessage.id).where(attempt_under_way(utcnow()))))
    return {request_id for message_id, request_id in waiting.items() if message_id not in free and request_id}


# Said when a request whose practitioner was emailed an invitation before its work email had to wait
# for another facilitator's check leaves the session (``leave_session``).
NO_CANCELLATION_WAITS_FOR_CHECK = (
    "The practitioner was emailed an invitation before their work email had to wait for another facilitator's "
    "check, so no cancellation can be emailed to them now: tell them yourself that they no longer have this session."
)


def invited_before_the_check(
    session: SpaceSession, in_it: Sequence[tuple[StoredRequest, SessionPlace]] | None = None
) -> list[StoredRequest]:
    """The requests in ``session`` (``in_it``: its ``members``) whose practitioner was invited to it
    (queued, perhaps sent) before its work email had to wait for a second person's check (migration
    0030): no update or cancellation goes to them until it is confirmed, so the pages say so."""
    in_it = members(session) if in_it is None else in_it
    return [request for request, place in in_it if place.invited_sequence is not None and request.email_check_pending]


def leave_session(request: StoredRequest) -> list[str]:
    """Take the request out of its session (no commit: the caller's status change commits), and
    say what that did, in sentences for the facilitator ([] if it was in no session).

    If its practitioner was invited and the session is still to come, they are sent a
    cancellation of their copy; unless they have another place in it (another request of theirs:
    ``practitioner_places``), when they are told this request is no longer in it and the session
    stays in their calendar (the other's invitation is sent now if it had not been). A session
    left with nobody in it (nor held for a request reopened since) is cancelled."""
    # The session is held before the request's own change is written (no flush until then): a
    # colleague cancelling it holds it, then moves its requests, so the other way round, each
    # would wait for the other.
    with db.session.no_autoflush:
        place = session_place(request)
        if place is None:
            return []
        session = db.session.get(SpaceSession, place.session_id)
        if session is not None:
            lock_session(session)
    invited = place.invited_sequence is not None
    # Whether an invitation to the session reached the practitioner, or may be reaching them now
    # (the outbox worker sending it): else there is nothing to cancel. Found: a request taken out
    # of its session before the worker came to its invitation sent the practitioner the
    # cancellation of a session they never heard of.
    told = invited and session is not None and bool(invitation_sent(session, [(request, place)]))
    in_hand = told and session is not None and last_invitation_sent(request, session) is None
    db.session.delete(place)
    db.session.flush()
    if session is None:
        return []
    words = session_words(session)
    said = [f"It is no longer in the session on {words['date']} at {words['time']}."]
    if invited and not told:
        drop_unsent(request)
        said.append("Its invitation had not been emailed yet: it will not be, and no cancellation is needed.")
        for other, other_place in practitioner_places(request, session):
            if other_place.invited_sequence is not None and _invitation_waiting(other, naming=request.reference):
                # Their invitation for another request of theirs in the session, not sent yet,
                # names this one as theirs in it too: made again without it (found, regression
                # review: it went, telling them this request had a place it no longer had). Not
                # one the worker is sending, nor one that never named it (found, regression
                # review: made again, it went twice).
                _queue_session_email(other, session, INVITATION)
    elif invited and session.cancelled_at is None and request.email_check_pending and told:
        # Invited before its work email had to wait for a second person's check (migration 0030):
        # nothing can go to it now (found, review of that check: "will be emailed a cancellation", and
        # none was queued).
        said.append(NO_CANCELLATION_WAITS_FOR_CHECK)
    elif invited and session.cancelled_at is None and told_still_to_come(request, session):
        # "Another date" only when one will be offered: not to a request closed meanwhile.
        another_date = request.status == OFFERED
        # Found: a practitioner invited for two requests in one session (the same work email)
        # was sent a cancellation (METHOD CANCEL, the session's UID) when one of them left it,
        # which took the session out of their calendar although they still had a place in it.
        others = practitioner_places(request, session)
        if session.has_started and not any(place.invited_sequence is not None for _, place in others):
            # Moved since to when it took place, and their calendar has it through this request
            # alone: no invitation goes for the other to a session over (found: one was queued,
            # at the start it was moved to, and given up as too late, the entry left naming this
            # request); the entry they hold is cancelled, as for their only place.
            others = []
        if others:
            said += _leave_beside_another_place(request, session, others, another_date)
        else:
            # Found: the cancellation went at the SEQUENCE of the invitation it cancels, and an
            # invitation after it (the request put back in the session, or another request of
            # theirs) at that SEQUENCE again. Calendars go by SEQUENCE first (RFC 5546, 2.1.5):
            # Outlook and Google Calendar can ignore an equal one, so the session stayed in their
            # calendar, or stayed cancelled. The cancellation goes one higher, and the session one
            # higher again, so whatever that address is sent next supersedes it.
            with _revision(session):
                _queue_session_email(request, session, CANCELLATION, another_date=another_date, in_hand=in_hand)
            said.append(
                "The practitioner will be emailed a cancellation of their invitation."
                if not in_hand
                else "Its invitation was being emailed as you did this: if it went, the practitioner will be "
                "emailed a cancellation of it; if not, neither will be sent."
            )
    if session.cancelled_at is None and not members(session) and not held_members(session):
        session.cancelled_at = utcnow()
        session.sequence += 1
        # "The session itself": the request's own status is said beside it ("closed" is one of a
        # request's: found, facilitators' review, "so it is closed" read as the request).
        said.append(
            "No one else was in that session, so the session itself is ended."
            if session.has_started
            else "No one else was in that session, so the session itself is cancelled."
        )
    return said


def _invitation_waiting(request: StoredRequest, naming: str) -> bool:
    """Whether the request has an invitation (or update) queued, not sent nor given up, that names
    the request ``naming`` too, and that the outbox worker is not sending now."""
    return any(
        message.kind == INVITATION
        and message.sent_at is None
        and message.given_up_at is None
        and naming in (message.calendar or "")
        for message in request.outbox
    ) and not _invitation_being_sent([request])


def outcome_to_record(request: StoredRequest, now: dt.datetime | None = None) -> SpaceSession | None:
    """The session the request was in, if it has taken place (started, not cancelled) and whether
    it was held is still to be recorded (the request still "session arranged"), within
    ``OUTCOME_KEPT_DAYS`` of its day; else None. The purge keeps such a request until then."""
    if request.status != ARRANGED:
        return None
    session = session_of(request)
    now = now or utcnow()
    if session is None or session.cancelled_at is not None or session.starts_at > now:
        return None
    return session if uk_day(now) <= outcome_kept_until(session) else None


def outcome_kept_until(session: SpaceSession) -> dt.date:
    """The last UK day a request whose session this was is kept for its outcome to be recorded."""
    return uk_day(session.starts_at) + dt.timedelta(days=OUTCOME_KEPT_DAYS)


def told_start_to_come_of_a_session_held(request: StoredRequest, session: SpaceSession) -> dt.datetime | None:
    """The start the request's practitioner was last sent, if it is still to come though the
    session has started: it was moved to when it took place, and no update is emailed for that."""
    told = start_last_sent(request, session)
    return told if session.has_started and told is not None and told > utcnow() else None


def kept_for_practitioner_until(request: StoredRequest) -> str | None:
    """When a request past its retention period, kept for its practitioner's sake (the purge's
    reasons: ``feedback_link_unsent``, ``practitioner_left_untold``), will go, in words for its
    page ("Once …", "After …"), each reason that applies; None if it is not kept so. Found
    (regression reviews): the page said "once its practitioner has been told what they need" of a
    session moved to when it took place, which nothing would ever tell them, while the purge waited
    for the start they had been sent; and named only the first of two reasons, the earlier."""
    reasons: list[str] = []
    if feedback_link_unsent(request):
        reasons.append(
            f"once the email with its feedback link has gone, or {OUTCOME_KEPT_DAYS} days after the session was "
            "recorded as held at the latest"
        )
    if route_email_unsent(request):
        reasons.append(
            "once the email telling its practitioner where to go instead, or that it was reopened, has gone, or "
            f"{OUTCOME_KEPT_DAYS} days after it was written at the latest"
        )
    cancelled_until = cancellation_unsent(request)
    if cancelled_until is not None:
        reasons.append(
            "once the email to its practitioner cancelling its place in the session has gone, or after "
            f"{starts_in_words(cancelled_until)} at the latest, when they were told the session starts"
        )
    session = invited_session_to_come(request)
    if session is not None:
        reasons.append(f"after {session_or_told_start_in_words(request, session)}")
    if not reasons:
        return None
    said = "; and ".join(reasons)
    return said[0].upper() + said[1:]


def session_or_told_start_in_words(request: StoredRequest, session: SpaceSession) -> str:
    """The later of the session's start and the start its practitioner was last sent, in words,
    saying which: "Monday 14 December 2026 at 2pm, when its practitioner was told the session
    starts", or "…, when the session starts". Found (regression review): "when its practitioner was
    told" of a session moved later whose update had not gone, and of an invitation never sent."""
    told = start_last_sent(request, session)  # later than the session's start if it was moved since
    if told is not None and told >= session.starts_at:
        return f"{starts_in_words(told)}, when its practitioner was told the session starts"
    return f"{starts_in_words(session.starts_at)}, when the session starts"


def invited_session_to_come(request: StoredRequest) -> SpaceSession | None:
    """The session the request's practitioner was invited to, not cancelled, if it is still to come
    as they were last told it (``told_still_to_come``); else None. (``practitioner_left_untold``
    and ``kept_for_practitioner_until`` ask it alike.)"""
    place = session_place(request)
    session = db.session.get(SpaceSession, place.session_id) if place is not None else None
    if place is None or session is None or place.invited_sequence is None or session.cancelled_at is not None:
        return None
    return session if told_still_to_come(request, session) else None


def cancellation_unsent(request: StoredRequest, now: dt.datetime | None = None) -> dt.datetime | None:
    """Until when an email cancelling the request's place in a session (a cancellation, or the
    update saying the session stays for their other request) waits to be sent and still matters:
    the latest start its calendar file gives the practitioner (the start they were told), while
    it is still to come; None if none waits so. Found (regression review): with the mail server
    down, a request was kept for as long as it stayed down, long after the session's time, when a
    cancellation tells its practitioner nothing they need."""
    now = now or utcnow()
    until = None
    for message in request.outbox:
        if message.kind != CANCELLATION or message.sent_at is not None or message.given_up_at is not None:
            continue
        starts = start_in(message.calendar) if message.calendar else None
        if starts is None:  # (a file that cannot be read: as long as an outcome is kept for, from when it was queued)
            starts = message.created_at + dt.timedelta(days=OUTCOME_KEPT_DAYS)
        if starts > now and (until is None or starts > until):
            until = starts
    return until


def told_still_to_come(request: StoredRequest, session: SpaceSession) -> bool:
    """Whether the session is still to come, or the practitioner was last sent a start still to
    come (``start_last_sent``). Found (review): a session moved to when it took place (no update
    is emailed then) and the request then marked not held left the practitioner with an
    invitation to a date still to come, and no one told them, as the session had started."""
    if session.starts_at > utcnow():
        return True
    sent = start_last_sent(request, session)
    return sent is not None and sent > utcnow()


# How to delete a request now all the same (``flask requests delete``), said in each refusal below.
DELETE_ANYWAY = "To delete it now without telling the practitioner, add --without-cancellation."


def practitioner_left_untold(request: StoredRequest) -> str | None:
    """Why deleting the request now would leave its practitioner untold about their session, in
    sentences for an operator, or None. Deleting a request deletes its place in a session and its
    unsent emails with it, and sends nothing: unlike taking it out of the session in the inbox
    (``leave_session``, a status change), which emails a cancellation to a practitioner invited to
    a session still to come. So ``flask requests delete`` is refused while the practitioner was
    invited to a session still to come, or while a cancellation to them waits to be sent.
    Found: deleting a request in an arranged session left the session in the practitioner's
    calendar, and they came to a session for a request nobody had any more."""
    session = invited_session_to_come(request)
    if session is not None:
        words = session_words(session)
        told = told_start_to_come_of_a_session_held(request, session)
        if told is not None:
            # Moved to when it took place (no update is emailed for that), or moved earlier and the
            # update not gone. Found (regression review): the advice below led round in a loop.
            return (
                f"Request {request.reference}'s practitioner was last told its session starts on "
                f"{starts_in_words(told)}, still to come, but it has started: it was moved, and no update reached "
                f"them. Deleted now, that session would stay in their calendar. {ways_to_tell(request)}, then "
                f"delete the request with --without-cancellation, or wait until {starts_in_words(told)} has passed."
            )
        return (
            f"Request {request.reference} is in the session on {words['date']} at {words['time']}, and its "
            "practitioner was invited: deleted now, the session would stay in their calendar and no one would "
            "tell them. Ask a facilitator to take it out of the session first (on the request's page in the "
            "inbox, change its status, to closed say: the practitioner is then emailed a cancellation). Once "
            "`flask outbox status` no longer lists that cancellation as unsent, delete the request. " + DELETE_ANYWAY
        )
    cancelled_until = cancellation_unsent(request)
    if cancelled_until is not None:
        return (
            f"An email cancelling request {request.reference}'s place in its session is waiting to be sent to its "
            f"practitioner, who was told the session starts on {starts_in_words(cancelled_until)}, and would be "
            "deleted with the request, unsent. Delete the request once `flask outbox status` no longer lists it as "
            "unsent (the outbox worker sends it within a minute while the mail server answers), or once that time "
            "has passed. " + DELETE_ANYWAY
        )
    return None


def ways_to_tell(request: StoredRequest) -> str:
    """How the practitioner of a request whose session has started, but who was told a start still
    to come, can be told it is off, as a sentence with its end left open ("..., then delete it").
    Found (regression review): the purge said only to tell them yourself, where recording not held,
    or closing the request, emails them a cancellation."""
    if request.status == ARRANGED:
        return (
            "Record on the request's page in the inbox whether it was held (not held emails them a cancellation), "
            "or close the request (which emails them one too); or tell them yourself"
        )
    return "Tell them yourself"


@contextmanager
def _revision(session: SpaceSession) -> Iterator[None]:
    """A new revision of the session's calendar event for one practitioner only (one leaving it,
    or invited for a second place): the calendar file queued inside goes at the next SEQUENCE,
    and the session is raised past it, so that nothing sent to that address later goes at the
    same SEQUENCE. RFC 5546 (2.1.5) has a calendar keep the copy with the higher SEQUENCE, and of
    two with the same, the later DTSTAMP; but Outlook and Google Calendar may keep the copy they
    have when the SEQUENCE is not higher. The session's details are unchanged: each place whose
    practitioner had them (``invited_sequence``) is moved on with it, so their request still
    reads "with the latest changes". No commit."""
    had = session.sequence
    session.sequence += 1
    yield
    session.sequence += 1
    for _, place in members(session):
        if place.invited_sequence == had:
            place.invited_sequence = session.sequence


def _leave_beside_another_place(
    request: StoredRequest,
    session: SpaceSession,
    others: list[tuple[StoredRequest, SessionPlace]],
    another_date: bool,
) -> list[str]:
    """An invited request leaving a session in which its practitioner has other places
    (``others``, from ``practitioner_places``): they are told this request is no longer in it,
    with no cancellation, so the session stays in their calendar. The email carries an update of
    their calendar's entry (METHOD REQUEST, the next SEQUENCE: ``_revision``) naming only the
    places of theirs invited that stand; if none of those was invited, the first one's
    invitation goes instead. Returns what that did, in sentences for the facilitator. No commit."""
    still_in = [other.reference for other, _ in others]
    still_invited = [other.reference for other, place in others if place.invited_sequence is not None]
    for other, _ in others:
        # A reminder not sent yet names this request too (one reminder for the person): it goes,
        # and the worker's next pass queues one naming the places that stand.
        drop_unsent(other, (REMINDER,), f"reminder:{session.uid}:")
    said = [
        f"The practitioner is also in it for {references_in_words(still_in)}, so they will be emailed "
        "that this request is no longer in it, with no cancellation: the session stays in their calendar."
    ]
    first, first_place = others[0]
    invited = [other for other, place in others if place.invited_sequence is not None]
    update_waiting = any(_invitation_waiting_for(other, session) for other in invited)
    # Found: the entry in their calendar went on naming this request as theirs in the session,
    # and an invitation for another of their places went at the SEQUENCE of the one they had, so
    # a calendar that goes by SEQUENCE could keep the old one.
    with _revision(session):
        _queue_session_email(
            request,
            session,
            CANCELLATION,
            another_date=another_date,
            still_in=still_in,
            still_invited=still_invited,
            as_it_is=update_waiting and not session.has_started,
        )
        invited_now = (
            not still_invited
            and _queue_session_email(first, session, INVITATION, in_place_of=request.reference) is not None
        )
    if still_invited:
        said.append(f"The session in their calendar is updated to give only {references_in_words(still_invited)}.")
        if not session.has_started and not update_waiting and not _has_the_session_as_it_is(invited[0], session):
            # The session changed since they were last sent it, and the update that said so,
            # on the request leaving, went with it (found, regression review: their calendar
            # kept a time the session no longer had). The update goes now, after this email.
            lead, *rest = invited
            _queue_session_email(lead, session, INVITATION, also=[other.reference for other in rest])
            for _, place in others:
                if place.invited_sequence is not None:
                    place.invited_sequence = session.sequence
            said.append("The session has changed since they were last sent it, so they will be emailed the update.")
    if invited_now:
        # Their calendar had the session through this request alone (found: a request closed as a
        # repeat of the one put in its session beside it). The other's invitation, the same event,
        # goes now: it is what a change, a reminder or a cancellation follows.
        first_place.invited_sequence = session.sequence
        audit.add_event(
            "invitation_queued",
            first.reference,
            audit.SYSTEM,
            audit.with_address_tag(in_trail(session), practitioner_email(first)),
        )
        said.append(
            f"The invitation for {first.reference} had not been sent: it is sent now, so that the "
            "session in their calendar is kept up to date."
        )
    return said


# Why an invitation to a request imported unchecked is refused until a second person checks its
# work email (``app.inbox.service.confirm_work_email``; found, b157 review).
INVITATION_WAITS_FOR_CHECK = (
    "The invitation has not been sent: this request was imported from a PDF this service could not check "
    "it made, so another facilitator (not the one who imported it) must first confirm on this page that "
    "its work email is the practitioner's"
)


class InvitedMeanwhile(SessionRefused):
    """A first invitation refused because one had been sent meanwhile (``send_invitation``)."""


def send_invitation(
    request: StoredRequest, actor: str, first: bool = False, read_as: str | None = None
) -> SpaceSession:
    """Queue the invitation (with its calendar file) to the practitioner's work email. ``first``:
    the page showed none sent; if one has been meanwhile, ``InvitedMeanwhile`` is raised and
    nothing is queued. ``ChangedMeanwhile`` if the request left "session arranged" while this waited
    for it (a colleague's close at the same moment, say: found, regression review, it was told
    "Arrange a session before sending an invitation", looking at one). ``read_as``: the request's
    status as the caller read it before it held the request itself (``hold_request``)."""
    was = hold_request(request)
    if read_as is not None:
        was = read_as
    session = session_of(request)
    place = session_place(request)
    if was == ARRANGED and request.status != ARRANGED:
        raise _changed_meanwhile(request, "The invitation has not been sent")
    if session is None or place is None or session.cancelled_at is not None:
        raise SessionRefused("invitation", "Arrange a session before sending an invitation")
    if request.status != ARRANGED:
        raise SessionRefused("invitation", "Invitations are sent only while a session is arranged")
    if session.has_started:  # it would only be given up as too late
        raise SessionRefused("invitation", "The session has started, so it is too late to send an invitation")
    if not current_app.config.get("FACILITATOR_EMAIL"):
        raise SessionRefused(
            "invitation",
            "This service has no facilitators' email address (FACILITATOR_EMAIL), so it cannot send invitations",
        )
    if not practitioner_email(request):
        raise SessionRefused("invitation", "This request has no work email to send an invitation to")
    if request.email_check_pending:
        raise SessionRefused("invitation", INVITATION_WAITS_FOR_CHECK)
    if first and not _claim_first_invitation(place, session):
        raise InvitedMeanwhile("invitation", "The invitation had already been sent while this page was open")
    if any(other.invited_sequence is not None for _, other in practitioner_places(request, session)):
        # Found: the invitation for a second place of theirs (one entry in their calendar, now
        # naming both references) went at the SEQUENCE of the first one's, which a calendar that
        # goes by SEQUENCE may keep. It goes one higher (``_revision``).
        with _revision(session):
            _queue_session_email(request, session, INVITATION)
    else:
        _queue_session_email(request, session, INVITATION)
    place.invited_sequence = session.sequence
    audit.add_event(
        "invitation_queued",
        request.reference,
        actor,
        audit.with_address_tag(in_trail(session), practitioner_email(request)),
    )
    db.session.commit()
    return session


def _claim_first_invitation(place: SessionPlace, session: SpaceSession) -> bool:
    """Mark ``place`` invited, unless it already is, in one statement: whether it was not.

    Found (review): three "Send invitation" posts from one page at the same moment each found no
    invitation sent (the view's check, and this one's, read before either had committed) and the
    practitioner was emailed three times. The statement waits for another's commit (PostgreSQL's
    row lock, SQLite's write lock) and then finds the place invited."""
    claimed = db.session.execute(
        update(SessionPlace)
        .where(SessionPlace.request_id == place.request_id, SessionPlace.invited_sequence.is_(None))
        .values(invited_sequence=session.sequence)
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", claimed).rowcount == 1


class ChangedMeanwhile(SessionRefused):
    """ "Held", "not held" or an invitation refused because the request moved on while the page
    was open: the view adds who moved it (found, facilitator review: the assignment's message
    named them)."""


def _changed_meanwhile(request: StoredRequest, nothing: str = "Nothing has been changed") -> SessionRefused:
    """Why "held", "not held" or an invitation did nothing to a request no longer in "session
    arranged": most often the page was stale, a colleague (or another tab) having said meanwhile."""
    return ChangedMeanwhile(
        "session",
        f"{nothing}: this request {workflow.now_in_words(request.status)} (it changed while this "
        "page was open, in another tab or by another facilitator).",
    )


def mark_held(request: StoredRequest, actor: str) -> None:
    """The session took place: "session held" (counted), and the feedback link is sent."""
    hold_request(request)
    if request.status not in (ARRANGED, HELD):
        # Found (facilitator review): "held" from a page opened before a colleague said "not
        # held" read "A request that has been offered a session cannot be moved to session held",
        # a rule to learn, where the not-held answer says what changed. (Held already: the
        # workflow's "has already had its session" says it.)
        raise _changed_meanwhile(request)
    _move(request, HELD, actor)
    db.session.commit()


def mark_not_held(request: StoredRequest, actor: str) -> list[str]:
    """The session did not take place for this request: back to "session offered", out of the
    session, so another can be arranged. Returns what leaving the session did, in sentences for
    the facilitator (``leave_session``: found, the page said only "Status changed to session
    offered", while the session, left with no one in it, was cancelled without a word)."""
    hold_request(request)
    if not workflow.can_move(request.status, OFFERED) or request.status != ARRANGED:
        raise _changed_meanwhile(request)
    if too_soon := not_held_too_soon(request):
        raise SessionRefused("session", too_soon)
    place = session_place(request)
    session = db.session.get(SpaceSession, place.session_id) if place is not None else None
    said = leave_session(request)
    # The trail names the session (found, facilitators' review: "session not held" alone, and the
    # session's page no longer lists the request).
    _move(request, OFFERED, actor, f"not held: {in_trail(session)}" if session is not None else "session not held")
    db.session.commit()
    return said


def after_status_change(request: StoredRequest, old: str) -> list[str]:
    """What a status change made on the request page (``app.inbox.service.move_request``) means
    for its session, before it commits: leaving "session arranged" other than to "held" takes
    it out of its session; reaching "session held" sends the feedback link; reopening a request
    whose session was held (from "held" or "closed" back to an earlier status) takes it out of
    that session, kept in the session's history, so that a new one can be arranged. Returns
    what leaving a session did, in sentences for the facilitator (``leave_session``)."""
    said = []
    if old == ARRANGED and request.status not in (ARRANGED, HELD):
        said = leave_session(request)
    if old in (HELD, CLOSED) and request.status not in (HELD, CLOSED):
        keep_as_held(request)
    if request.status == HELD and old != HELD:
        queue_feedback_link(request)
    return said


def keep_as_held(request: StoredRequest) -> None:
    """Take a request whose session was held out of it, keeping its place in the session's
    history (``HeldPlace``), so that a new session can be arranged. No email: the session has
    taken place. No commit: the caller's status change commits."""
    place = session_place(request)
    if place is None:
        return
    history = db.session.get(HeldPlace, (request.id, place.session_id))
    if history is None:
        db.session.add(
            HeldPlace(request_id=request.id, session_id=place.session_id, added_at=place.added_at, left_at=utcnow())
        )
    else:  # it joined the same session again after an earlier reopening
        history.left_at = utcnow()
    db.session.delete(place)
    db.session.flush()


# --- the emails -----------------------------------------------------------------------------------


def practitioner_email(request: StoredRequest) -> str:
    """The work email the request gave ("" if none)."""
    value = (request.details or {}).get("email")
    return value.strip() if isinstance(value, str) else ""


def practitioner_places(request: StoredRequest, session: SpaceSession) -> list[tuple[StoredRequest, SessionPlace]]:
    """The other requests in ``session`` from the same practitioner as ``request`` (the same work
    email, its case and spaces aside, as ``app.inbox.service.same_email_requests`` compares
    them), with their places, oldest first. One person has one entry for the session in their
    calendar (every place shares its UID), whichever of their requests it came with."""
    email = practitioner_email(request).lower()
    if not email:
        return []
    return [
        (other, place)
        for other, place in members(session)
        if other.id != request.id and practitioner_email(other).lower() == email
    ]


def count_practitioners(requests: Sequence[StoredRequest]) -> int:
    """How many people these requests are from: one for each work email (its case and spaces
    aside), and one for each request with none."""
    return len({practitioner_email(request).lower() or f"request {request.id}" for request in requests})


SUBJECTS = {
    INVITATION: "Invitation: Space to Think session ({reference})",
    "update": "Updated invitation: Space to Think session ({reference})",
    CANCELLATION: "Cancelled: Space to Think session ({reference})",
    REMINDER: "Reminder: your Space to Think session is tomorrow ({reference})",
    # A cancellation for one request while the practitioner keeps a place in the session for another.
    # Found (email review): "No longer in your Space to Think session: STT-..." read, in a list of
    # emails, as the person losing their place, which they keep.
    "still_in": "Request no longer in your Space to Think session ({reference})",
    FEEDBACK_LINK: "How much did your Space to Think session help? ({reference})",
}
# How a "still in" email's subject begins, now and before 7 December 2026 (one queued before an
# upgrade is still told apart from a cancellation: found, regression review, the request page
# called it "the session cancellation", as if the practitioner had lost their place).
STILL_IN_SUBJECT_STARTS = (SUBJECTS["still_in"].partition("(")[0], "No longer in your Space to Think session: ")


def is_still_in_subject(subject: str | None) -> bool:
    """Whether an email with this subject tells a practitioner that one request of theirs is no
    longer in a session they keep a place in for another (not a cancellation)."""
    return (subject or "").startswith(STILL_IN_SUBJECT_STARTS)


# The SEQUENCE line of a calendar file this service wrote (app.space_sessions.calendar: never folded).
SEQUENCE_LINE = re.compile(r"^SEQUENCE:([0-9]+)\r?$", re.MULTILINE)


def last_invitation_sent(request: StoredRequest, session: SpaceSession) -> OutboxMessage | None:
    """The last invitation (or update) to the session actually sent to the request's
    practitioner, with whichever of their requests it went (one update goes for all of a
    person's places: ``change_session``); None if none was sent, or a cancellation of it has
    been queued since (it takes the session out of their calendar)."""
    email = practitioner_email(request).lower()
    if not email:
        return None
    last: OutboxMessage | None = None
    for message in db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.calendar.contains(f"UID:{session.uid}", autoescape=True))
        .order_by(OutboxMessage.id)
    ):
        if message.recipient.lower() != email:  # (compared here: SQLite's lower() is ASCII only)
            continue
        if message.calendar is not None and "METHOD:CANCEL" in message.calendar:
            last = None
        elif message.kind == INVITATION and message.sent_at is not None:
            last = message
    return last


def sequence_last_sent(request: StoredRequest, session: SpaceSession) -> int | None:
    """The session's ``sequence`` in the last invitation (or update) to it sent to the request's
    practitioner, from its calendar file (``last_invitation_sent``); None if there is none."""
    last = last_invitation_sent(request, session)
    return sequence_in(last) if last is not None else None


def sequence_in(message: OutboxMessage) -> int | None:
    """The session's ``sequence`` an invitation (or update) gives, from its calendar file (or None)."""
    found = SEQUENCE_LINE.search(message.calendar) if message.calendar else None
    return int(found.group(1)) if found else None


def invitation_being_sent_to(request: StoredRequest, session: SpaceSession) -> OutboxMessage | None:
    """The invitation (or update) to ``session`` for the request's practitioner, with whichever of
    their requests it was queued, that the outbox worker is sending now, if it came after the last
    one sent to them (and after any cancellation for them since): on PostgreSQL the worker holds
    its row (``claim_message``), or has begun its attempt (``attempt_under_way``: as SQLite, with
    no row locks, tells it). None if none."""
    email = practitioner_email(request).lower()
    if not email:
        return None
    mine = [
        message
        for message in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.calendar.contains(f"UID:{session.uid}", autoescape=True))
            .order_by(OutboxMessage.id)
        )
        if message.recipient.lower() == email  # (compared here: SQLite's lower() is ASCII only)
    ]
    after = max(
        (
            message.id
            for message in mine
            if (message.calendar and "METHOD:CANCEL" in message.calendar)
            or (message.kind == INVITATION and message.sent_at is not None)
        ),
        default=0,
    )
    waiting = [
        message.id
        for message in mine
        if message.kind == INVITATION and message.sent_at is None and message.given_up_at is None and message.id > after
    ]
    if not waiting:
        return None
    rows = select(OutboxMessage.id).where(OutboxMessage.id.in_(waiting))
    going = set(db.session.scalars(rows.where(attempt_under_way(utcnow()))))
    if db.session.get_bind().dialect.name != "sqlite":  # (the others are held here until the commit)
        going |= set(waiting) - set(db.session.scalars(rows.with_for_update(skip_locked=True)))
    return next((message for message in reversed(mine) if message.id in going), None)


def start_last_sent(request: StoredRequest, session: SpaceSession) -> dt.datetime | None:
    """When the session starts (stored: UTC), as the last invitation (or update) to it sent to the
    request's practitioner gave it, from its calendar file (``last_invitation_sent``); None if
    there is none. Later than the session's start when it was moved since to when it took place."""
    last = last_invitation_sent(request, session)
    return start_in(last.calendar) if last is not None and last.calendar else None


def entry_last_sent(request: StoredRequest, session: SpaceSession) -> tuple[dt.datetime, dt.datetime, str] | None:
    """The session's start and end (stored: UTC) and place as the last invitation (or update) to
    it sent to the request's practitioner gave them, from its calendar file
    (``last_invitation_sent``): the entry in their calendar; None if there is none."""
    last = last_invitation_sent(request, session)
    return entry_in(last.calendar) if last is not None and last.calendar else None


# The session's details as an invitation (or update) gives them (templates/sessions/invitation.txt),
# in the words of ``session_words``: read back from the text last sent, for an update. "Time: 2pm to
# 3:30pm" since 7 December 2026, "Time: 2pm" before; either way the time is when it starts.
SENT_DETAILS = re.compile(
    r"^Date: (?P<date>[^\n]+)\n"
    r"Time: (?P<time>[^\n]+?)(?: to [^\n]+?)? \(UK time\)\n"
    r"Length: (?P<length>[^\n]+)\n"
    r"How: (?P<format>[^\n]+)\n"
    r"Joining instructions or place:\n(?P<place>.*?)\n\nIf you cannot come",
    re.MULTILINE | re.DOTALL,
)


# A time on the hour as emails written before 6 December 2026 gave it ("2:00pm"; now "2pm").
OLD_TIME_ON_THE_HOUR = re.compile(r"^([0-9]{1,2}):00([ap]m)$")


def words_last_sent(request: StoredRequest, session: SpaceSession) -> dict[str, str] | None:
    """The session's details in words (``session_words``' keys but "place" kept as it was), as
    the last invitation (or update) to it sent to the request's practitioner gave them
    (``last_invitation_sent``); None if there is none, or its text cannot be read. A time on the
    hour written as before ("2:00pm") is read as it is written now ("2pm"): found (regression
    review), an update to an invitation sent before then said "the time (it was 2:00pm)" changed
    when only the place had."""
    last = last_invitation_sent(request, session)
    if last is None:
        return None
    # Not one sent before a restore from a backup: what was sent after the backup's time is lost with
    # it, so the practitioner may have had other details since (found, restore review: an update made
    # again after a restore said "the time (it was 10am)" to a practitioner last told 12pm).
    restored = audit.last_restored_at()
    if restored is not None and last.sent_at is not None and last.sent_at < restored:
        return None
    return words_in(last)


def words_in(message: OutboxMessage) -> dict[str, str] | None:
    """The session's details in words as an invitation (or update) gives them (``words_last_sent``);
    None if its text cannot be read."""
    found = SENT_DETAILS.search(message.body) if message.body else None
    if found is None:
        return None
    words = found.groupdict()
    words["time"] = OLD_TIME_ON_THE_HOUR.sub(r"\1\2", words["time"])
    if words.get("place"):
        # As a place is stored now (an invitation sent before held its line breaks as typed, CR LF:
        # found, regression review, an update then said the place had changed when it had not).
        words["place"] = plain_line_endings(words["place"])
    return words


def drop_unsent(
    request: StoredRequest,
    kinds: tuple[str, ...] = (INVITATION, REMINDER),
    dedupe_prefix: str = "",
    leave_under_way: bool = False,
) -> None:
    """Drop the request's emails of ``kinds`` not sent yet (with ``dedupe_prefix``: only those
    whose key starts so). By default its invitation and reminder, out of date once an invitation
    (this one replaces it) or a cancellation is queued, as a reminder's text has the session as it
    was. Left, they would go later with the old time, or be given up as "too late" for a session
    that has moved.

    ``leave_under_way``: nor one whose attempt a worker has begun (``attempt_under_way``), which is
    how SQLite, with no row locks, tells an email being sent. For the request's own emails (the
    redirect's, the reopening's, the acknowledgement): found (two facilitators at once review), on
    SQLite the email saying where to go instead was deleted under the worker as the request was
    reopened, the facilitator was told it "will not be sent now", and it went; and redirected
    again, the next one did not say it replaced it. Left, it is seen as going, as on PostgreSQL."""
    waiting = [
        message
        for message in request.outbox
        if message.kind in kinds
        and message.sent_at is None
        and message.given_up_at is None
        and (message.dedupe_key or "").startswith(dedupe_prefix)
    ]
    if leave_under_way and any(message.id is not None for message in waiting):
        under_way = set(
            db.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_([message.id for message in waiting if message.id is not None]),
                    attempt_under_way(utcnow()),
                )
            )
        )
        waiting = [message for message in waiting if message.id not in under_way]
    # Not one the outbox worker is sending now (it holds its row: PostgreSQL), which goes all the
    # same: deleted under it, its record of being sent was lost (found, regression review), and the
    # web request waited for the mail server. Those not held are locked here until the commit.
    free = (
        set(
            db.session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.id.in_([message.id for message in waiting if message.id is not None]))
                .with_for_update(skip_locked=True)
            )
        )
        if any(message.id is not None for message in waiting)
        else set()
    )
    for message in waiting:
        if message.id is None or message.id in free:
            request.outbox.remove(message)  # delete-orphan: the row goes at the commit


def _queue_session_email(
    request: StoredRequest,
    session: SpaceSession,
    kind: str,
    dedupe_key: str | None = None,
    before: dict[str, str] | None = None,
    another_date: bool = True,
    still_in: Sequence[str] = (),
    also: Sequence[str] = (),
    still_invited: Sequence[str] = (),
    in_hand: bool = False,
    in_place_of: str | None = None,
    as_it_is: bool = False,
) -> OutboxMessage | None:
    """Queue an invitation (or update), cancellation or reminder, its text and calendar file made now
    (``another_date``: a cancellation says the facilitators will offer another date; not when the
    request was closed). ``still_in``: for a cancellation, the references of the practitioner's
    other requests still in the session: it says this one is no longer in it, and carries no
    METHOD CANCEL (it would take the session, which they still have, out of their calendar): its
    calendar file, if any, is an update (METHOD REQUEST) naming ``still_invited``, those of
    ``still_in`` invited (none: no file). ``also``: for a reminder or the session's cancellation,
    the references of the practitioner's other requests in the session (one email for the
    person, naming them all). ``in_hand``: for a cancellation, the request's invitation not sent
    yet may be the one the outbox worker is sending: it is left to the worker (its reminder is
    dropped). ``in_place_of``: for an invitation, the reference of the practitioner's request
    whose invitation put the session in their calendar, which has left it: the invitation says it
    updates that entry (found, facilitators' review: it said it "adds" the session, a second
    after the email saying it "stays in your calendar").

    An invitation is sent only before the session starts, and a reminder ("your session is
    tomorrow") only before the session's day begins (``send_before``): the worker gives up on
    one it reaches later (a mail server down for hours, a worker stopped), and the request page
    says so. A cancellation goes whenever it can: late, it still explains, and takes the event
    out of the calendar."""
    recipient = practitioner_email(request)
    organiser = current_app.config.get("FACILITATOR_EMAIL")
    if not recipient or not organiser or request.email_check_pending:
        # (Imported unchecked, its work email not confirmed by a second person: nothing goes to it.)
        return None
    if kind in (INVITATION, CANCELLATION):
        # An invitation being sent now is left to the worker on SQLite too, as on PostgreSQL (it holds
        # the row there): this one follows it as its update (below). Found (two facilitators at once
        # review): deleted under the worker, nothing in the outbox said it had gone, and, the mail
        # server failing it, the practitioner's only email was an update of one never sent.
        drop_unsent(request, (REMINDER,) if in_hand else (INVITATION, REMINDER), leave_under_way=kind == INVITATION)
    # An update only for a practitioner who was sent an invitation to this session and has not
    # had the change yet; it lists what changed since what they were last sent. ``before`` is
    # that only when they were sent the session as it was just before this change: an update
    # replaced before it went leaves them with older details (found: "the time (it was 6am)",
    # a time never sent to them), read back from the last text they were sent (found: no list at
    # all, so a practitioner whose session had moved had to compare the emails themselves).
    last_sent = sequence_last_sent(request, session) if kind == INVITATION else None
    # The invitation the outbox worker is sending now counts as the last sent: it is reaching them.
    # Found (two facilitators at once review): the session moved while it was being sent, the
    # practitioner got a second "Invitation" (the same subject, "You are invited", nothing on what
    # changed) for another time, as only one sent counted.
    being_sent = invitation_being_sent_to(request, session) if kind == INVITATION else None
    going_at = sequence_in(being_sent) if being_sent is not None else None
    if going_at is not None:
        last_sent = going_at
    update = last_sent is not None and last_sent < session.sequence
    if last_sent != session.sequence - 1 or before is None:
        if going_at is not None and being_sent is not None:
            before = words_in(being_sent) if update else None
        else:
            before = words_last_sent(request, session) if update else None
    now = session_words(session)
    # The event as the calendar file gives it: the session as it is, but see below.
    starts_at, ends_at, location = session.starts_at, session.ends_at, session.place
    # ``as_it_is``: a "no longer in it" email after an invitation or update of the session waiting
    # for their other places, which goes first: it gives the session as it is now too (found,
    # regression review: at the time last sent, one SEQUENCE higher, it moved their entry back).
    if kind == CANCELLATION and not as_it_is and (sent := words_last_sent(request, session)) is not None:
        # Moved since to when it took place, with no update (``leave_session``), or moved and
        # cancelled before the update went (found, facilitator review: "your session at 11am
        # is cancelled" to a practitioner invited for 10am): the cancellation names the date and
        # time the practitioner was sent, the entry in their calendar.
        now = {**now, "date": sent["date"], "time": sent["time"]}
    if kind == CANCELLATION and not as_it_is and (entry := entry_last_sent(request, session)) is not None:
        # Its calendar file too (found: one of two places of theirs not held after such a move
        # sent an update of their entry at the start it was moved to, days gone, and their
        # calendar moved the entry into the past; and, regression review, a session moved and
        # cancelled before the update went gave a time and place never sent): the entry as they
        # were sent it.
        starts_at, ends_at, location = entry
    changed = [
        (CHANGE_WORDS[key], _was(key, before[key])) for key in CHANGE_WORDS if before and before[key] != now[key]
    ]
    if update and before is not None and not changed:
        # A higher SEQUENCE with the same details: the session went on a revision for someone
        # else (``_revision``: a practitioner leaving it), not a change. Sent again, the
        # invitation is not called an update ("The details ... have changed").
        update = False
    # The practitioner's other places in this session already invited (the same work email): an
    # invitation or update says it is the same session, and its calendar file names them all.
    others = practitioner_places(request, session) if kind == INVITATION else []
    also_invited = [other.reference for other, place in others if place.invited_sequence is not None]
    calendar = None
    # (method, the reference the file gives, and the others it names): a cancellation of the
    # practitioner's last place cancels; one beside another place of theirs updates the entry,
    # naming the places invited that stand (``still_invited``: none, no file).
    file: tuple[str, str, Sequence[str]] | None = None
    if kind == INVITATION:
        file = (REQUEST, request.reference, also_invited)
    elif kind == CANCELLATION and not still_in:
        file = (CANCEL, request.reference, also_invited)
    elif kind == CANCELLATION and still_invited:
        file = (REQUEST, still_invited[0], still_invited[1:])
    if file is not None:
        method, named, others_named = file
        calendar = session_calendar(
            method=method,
            uid=session.uid,
            sequence=session.sequence,
            starts_at=starts_at,
            ends_at=ends_at,
            # Addresses alone: a setting may give a name too, "Facilitators <f@example.org>" (found,
            # regression review: the organiser was written "mailto:Facilitators <f@...>").
            organiser=parseaddr(organiser)[1] or organiser,
            organiser_name=display_name(organiser),
            sent_by=parseaddr(current_app.config.get("MAIL_FROM") or "")[1] or None,
            # In small letters: one person who typed their address in two cases has one attendee in
            # every calendar file (found, email review: each named them as that request typed it,
            # and a calendar server comparing addresses exactly could keep two entries).
            attendee=recipient.lower(),
            reference=named,
            location=location,
            stamp=utcnow(),
            also=others_named,
        )
    body = render_template(
        f"sessions/{kind}.txt",
        reference=request.reference,
        session=now,
        update=update,
        # An update says what changed, and what it was (``before``: the session's words before the change).
        changed=changed,
        contact=current_app.config.get("FACILITATOR_CONTACT_TEXT"),
        another_date=another_date,
        # Found (email review): a request closed in its session was sent only "is cancelled",
        # and the practitioner, told nothing more, could wait for another date.
        closed=request.status == CLOSED,
        still_in=list(still_in),
        still_in_words=references_in_words(still_in),
        still_invited_words=references_in_words(still_invited),
        several_still_invited=len(still_invited) > 1,
        also_invited=also_invited,
        also_invited_words=references_in_words(also_invited),
        references=references_in_words([request.reference, *also]),
        several=bool(also),
        in_place_of=in_place_of,
    )
    subject = "update" if update else "still_in" if kind == CANCELLATION and still_in else kind
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=SUBJECTS[subject].format(reference=references_in_words([request.reference, *also])),
        created_at=utcnow(),
        attempts=0,
        body=body,
        calendar=calendar,
        dedupe_key=dedupe_key,
        send_before={INVITATION: session.starts_at, REMINDER: _uk_midnight(uk_day(session.starts_at))}.get(kind),
    )
    if dedupe_key:
        # Queued once only (a reminder): its Message-ID from what it is (the session's calendar UID,
        # the request's reference and the day: random values the practitioner already holds, not the
        # request's row number), so one queued again after a restore from a backup taken before it
        # went is the same email to a mail program; no key, so a key rotated leaves it as it was.
        message.message_id = new_message_id(
            kind, f"{kind}:{session.uid}:{request.reference}:{dedupe_key.rsplit(':', 1)[-1]}"
        )
    request.outbox.append(message)
    return message


def display_name(address: str) -> str | None:
    """The name an address setting gives with it ("Facilitators <f@example.org>"), as words: one
    written as an email header writes it ("=?utf-8?q?Zo=C3=AB?=") decoded (found, regression
    review: the calendar named the organiser in that code). None when there is none."""
    name = parseaddr(address)[0]
    if not name:
        return None
    try:
        return str(make_header(decode_header(name))) or None
    except (HeaderParseError, LookupError, UnicodeDecodeError):  # not well formed: as it was written
        return name


def asked_for_feedback_already(request: StoredRequest) -> StoredRequest | None:
    """The practitioner's other request in the same session (the same work email, its case
    aside: ``practitioner_places``) whose feedback link for this session was queued, or None.
    Also one reopened since (``HeldPlace``), whose link came while it was in the session."""
    session = session_of(request)
    email = practitioner_email(request).lower()
    if session is None or not email:
        return None
    places: list[tuple[StoredRequest, SessionPlace | HeldPlace]] = [*members(session), *held_members(session)]
    for other, place in places:
        if other.id == request.id or practitioner_email(other).lower() != email:
            continue
        left_at = place.left_at if isinstance(place, HeldPlace) else None
        if any(
            message.kind == FEEDBACK_LINK
            and message.created_at >= place.added_at
            and (left_at is None or message.created_at <= left_at)
            for message in other.outbox
        ):
            return other
    return None


def feedback_url(token: str) -> str | None:
    """The feedback page's full address, or None when ``PUBLIC_BASE_URL`` is unset."""
    return public_url("feedback.answer", token=token)


def token_hash(token: str) -> str:
    """What is stored of a feedback token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def feedback_link_unavailable() -> str:
    """Why this service sends no feedback link when a session is held, in the facilitators'
    words, or "" when it sends one. Found (using the service as set up by the README): the
    request page said the practitioner "is sent a link to give feedback" when none could be."""
    if not current_app.config.get("FACILITATOR_EMAIL"):
        return "this service has no facilitators' email address set up, so it cannot email one"
    if not (current_app.config.get("PUBLIC_BASE_URL") or "").strip():
        return "the service's web address is not set up, so a link could not work (whoever runs the service can add it)"
    return ""


# Why no feedback link went to a request imported unchecked (its ``feedback_not_sent`` detail).
FEEDBACK_WAITS_FOR_CHECK = "its work email was not confirmed by another facilitator, so it is not counted either"


def queue_feedback_link(request: StoredRequest) -> bool:
    """Make a single-use feedback token and queue its link to the practitioner (no commit).
    False (nothing sent) without a work email, a mail setup or a public address to link to."""
    recipient = practitioner_email(request)
    if not recipient or not current_app.config.get("FACILITATOR_EMAIL"):
        return False
    if request.email_check_pending:
        # Found (b157 review): a facilitator imported a forged PDF with their own address and scored
        # the service themselves. No link to an address no second person has checked.
        audit.add_event("feedback_not_sent", request.reference, audit.SYSTEM, FEEDBACK_WAITS_FOR_CHECK)
        return False
    if (asked := asked_for_feedback_already(request)) is not None:
        # One person, one session, one question (found: a practitioner with two requests in a
        # session was sent two links, and could count the one session twice).
        audit.add_event(
            "feedback_not_sent",
            request.reference,
            audit.SYSTEM,
            f"the practitioner was sent a link for this session with {asked.reference}",
        )
        return False
    token = secrets.token_urlsafe(32)
    link = feedback_url(token)
    if link is None:
        audit.add_event("feedback_not_sent", request.reference, audit.SYSTEM, "PUBLIC_BASE_URL is not set")
        return False
    now = utcnow()
    db.session.add(
        FeedbackToken(
            token_hash=token_hash(token),
            request_id=request.id,
            created_at=now,
            expires_at=now + dt.timedelta(days=FEEDBACK_DAYS),
        )
    )
    body = render_template("sessions/feedback.txt", reference=request.reference, link=link, days=FEEDBACK_DAYS)
    request.outbox.append(
        OutboxMessage(
            kind=FEEDBACK_LINK,
            recipient=recipient,
            subject=SUBJECTS[FEEDBACK_LINK].format(reference=request.reference),
            created_at=now,
            attempts=0,
            body=body,
        )
    )
    return True


# --- after a restore from a backup -------------------------------------------------------------------

# How far a restore (``scripts/backup --restore``, in SQL, or `flask outbox hold`) raises the
# calendar SEQUENCE of each session not ended yet. Found (restore review): a session changed twice
# after the backup (SEQUENCE 2 sent), then changed after the restore, sent SEQUENCE 1: a calendar
# keeps the copy with the higher SEQUENCE (RFC 5546, 2.1.4-2.1.5), so the practitioner's stayed at
# the old time, and a cancellation sent so would be ignored the same way. A change adds one or two;
# a thousand is more changes to one session than any backup kept (RETENTION_DAYS + 7) could have
# missed, and SEQUENCE, a 32-bit number, takes two million restores. Raised at the restore, not made
# from the clock at each change (seconds since a date, say), which would have needed every SEQUENCE
# comparison here reworked: the numbers still go up by one a change, and only a restore can make
# them go back. At the restore, not at the release (`flask outbox release`): a change made in the
# inbox while the outbox is held (a session cancelled again) queues its calendar file then, with the
# SEQUENCE it has then.
SEQUENCE_RAISED_AFTER_RESTORE = 1000


def raise_sequences_after_restore(now: dt.datetime) -> int:
    """Raise the calendar SEQUENCE of every session not ended yet by ``SEQUENCE_RAISED_AFTER_RESTORE``,
    and each place's ``invited_sequence`` in it with it (so a request invited with the latest changes
    still reads so); how many sessions. No commit."""
    raised = 0
    # (Sessions last a few hours at most: those begun in the last day are read, and their end looked at.)
    for session in db.session.scalars(
        select(SpaceSession).where(SpaceSession.starts_at > now - dt.timedelta(days=1)).order_by(SpaceSession.id)
    ):
        if session.ends_at <= now:
            continue
        session.sequence += SEQUENCE_RAISED_AFTER_RESTORE
        for _, place in members(session):
            if place.invited_sequence is not None:
                place.invited_sequence += SEQUENCE_RAISED_AFTER_RESTORE
        raised += 1
    return raised


# --- reminders --------------------------------------------------------------------------------------


def _uk_midnight(day: dt.date, at: dt.time = dt.time()) -> dt.datetime:
    """The start of a UK day (or ``at`` that time of it), as stored (UTC, no tzinfo)."""
    return dt.datetime.combine(day, at, tzinfo=UK_TIME).astimezone(dt.UTC).replace(tzinfo=None)


# Reminders are queued from this time (UK) on the day before a session, not in the night: one
# queued just after midnight reached a practitioner in the small hours, and for a session late
# the next evening nearly two days before it. (Until midnight: with a cut-off at 9pm, a reminder
# dropped after it, its request leaving the session, was never queued again naming the places that
# stand: regression review.)
REMINDERS_FROM = dt.time(8)


# No reminder for a practitioner whose invitation (or updated invitation) was queued more
# recently than this: it has just told them when the session is.
INVITED_RECENTLY = dt.timedelta(hours=12)


def reminders_begun(now: dt.datetime) -> bool:
    """Whether ``now`` (naive UTC) is in the hours of a UK day when reminders are queued (from 8am)."""
    return now >= _uk_midnight(uk_day(now), REMINDERS_FROM)


def queue_reminders(now: dt.datetime | None = None) -> int:
    """Queue a reminder for each invited practitioner whose session is tomorrow (UK), once only,
    from ``REMINDERS_FROM`` (8am, UK time) on the day before, unless their invitation or its update
    was queued that day or less than ``INVITED_RECENTLY`` ago: it has just told them (found, regression
    review: one invited at 11am was reminded at 11pm).
    A practitioner invited for two requests in one session (the same work email, its case
    aside) is sent one reminder, naming both (found: two, the same day, for the one session).
    Commits; returns how many were queued now."""
    now = now or utcnow()
    tomorrow = uk_day(now) + dt.timedelta(days=1)
    if not reminders_begun(now):
        return 0
    # A request is in one session at a time, so its latest invitation is for this session.
    invited_recently = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.request_id == StoredRequest.id,
            OutboxMessage.kind == INVITATION,
            OutboxMessage.created_at > min(now - INVITED_RECENTLY, _uk_midnight(uk_day(now))),
        )
        .exists()
    )
    rows = db.session.execute(
        select(SpaceSession, StoredRequest, invited_recently)
        .join(SessionPlace, SessionPlace.session_id == SpaceSession.id)
        .join(StoredRequest, StoredRequest.id == SessionPlace.request_id)
        .where(
            SpaceSession.cancelled_at.is_(None),
            SpaceSession.starts_at >= _uk_midnight(tomorrow),
            SpaceSession.starts_at < _uk_midnight(tomorrow + dt.timedelta(days=1)),
            SessionPlace.invited_sequence.is_not(None),
            StoredRequest.status == ARRANGED,
        )
        .order_by(SpaceSession.id, StoredRequest.created_at, StoredRequest.id)
    ).all()
    # Each practitioner's requests in each session, oldest first (a request with no work email is
    # sent nothing, on its own).
    people: dict[tuple[int, str], list[tuple[SpaceSession, StoredRequest, bool]]] = {}
    for session, request, recent in rows:
        person = practitioner_email(request).lower() or f"request {request.id}"
        people.setdefault((session.id, person), []).append((session, request, bool(recent)))
    queued = 0
    for places in people.values():
        if any(recent for _, _, recent in places):  # an invitation has just said when the session is
            continue
        session, request, _ = places[0]
        key = f"reminder:{session.uid}:{request.id}:{tomorrow.isoformat()}"
        if _reminded(session, request, tomorrow, key):
            continue
        try:
            with db.session.begin_nested():  # another worker may queue the same reminder at the same moment
                others = [other.reference for _, other, _ in places[1:]]
                if _queue_session_email(request, session, REMINDER, dedupe_key=key, also=others) is not None:
                    db.session.flush()
                    queued += 1
        except IntegrityError:
            continue
    db.session.commit()
    return queued


def _reminded(session: SpaceSession, request: StoredRequest, day: dt.date, key: str) -> bool:
    """Whether a reminder of ``session`` on ``day`` was queued already, with this ``key`` or to this
    request's practitioner with another request of theirs (which may have left the session
    since, once it went: they need no second reminder)."""
    found = select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)
    if email := practitioner_email(request):
        found = select(OutboxMessage.id).where(
            OutboxMessage.kind == REMINDER,
            OutboxMessage.dedupe_key.startswith(f"reminder:{session.uid}:", autoescape=True),
            OutboxMessage.dedupe_key.endswith(f":{day.isoformat()}", autoescape=True),
            func.lower(OutboxMessage.recipient) == email.lower(),
        )
    return db.session.scalar(found.limit(1)) is not None


# --- feedback ---------------------------------------------------------------------------------------


def feedback_token_works(token: str, now: dt.datetime | None = None) -> bool:
    """Whether a feedback link's token is still unused and in date."""
    found = db.session.get(FeedbackToken, token_hash(token))
    return found is not None and found.expires_at > (now or utcnow())


def answer_feedback(token: str, score: str, comment: str, now: dt.datetime | None = None) -> bool:
    """Use the token up (once only, even with two answers at the same moment) and count the
    score; keep any comment with its month only. False if the token is used, expired or unknown."""
    if score not in FEEDBACK_SCALE:
        raise ValueError("not a feedback score")
    statement = delete(FeedbackToken).where(
        FeedbackToken.token_hash == token_hash(token), FeedbackToken.expires_at > (now or utcnow())
    )
    # A DELETE always gives a CursorResult; Session.execute is typed to promise only a Result.
    if cast("CursorResult[Any]", db.session.execute(statement)).rowcount != 1:
        db.session.rollback()
        return False
    add_count(FEEDBACK, NO_MODE, (score,))
    if not is_blank(comment):  # a comment of only spaces or invisible characters is no comment
        db.session.add(FeedbackComment(month=current_month(), text=comment.strip()))
    db.session.commit()
    return True


def feedback_comments(months: int = 12) -> list[tuple[str, list[tuple[str, str]]]]:
    """Comments as (id, text) by month, newest month first; within a month in alphabetical order
    (not the order they came in, which could help tell whose is whose; the ids are random). Only
    the months that are over, as for the scores (found, privacy review: a comment was listed
    20 seconds after it was sent, and the facilitators know whose session had just been held)."""
    rows = db.session.execute(
        select(FeedbackComment.month, FeedbackComment.id, FeedbackComment.text).where(
            FeedbackComment.month >= first_month(months), FeedbackComment.month < current_month()
        )
    )
    by_month: dict[str, list[tuple[str, str]]] = {}
    for month, comment_id, text in rows:
        by_month.setdefault(month, []).append((comment_id, text))
    return [
        (month, sorted(by_month[month], key=lambda comment: comment[1].lower()))
        for month in sorted(by_month, reverse=True)
    ]


def comments_containing(words: str) -> list[FeedbackComment]:
    """The feedback comments holding ``words``, this month's too, oldest month first: for an
    erasure or subject access request (``flask requests comments``). Compared as a person reads
    them: their case, curly or straight apostrophes and how spaces and line breaks run aside (found,
    regression review: "O'Neil" typed at a terminal did not find "O’Neil" typed on a phone, nor "Mary
    Ann" a comment with a line break between). Read in Python: the table holds a few months' comments."""
    wanted = _as_read(words)
    comments = db.session.scalars(select(FeedbackComment).order_by(FeedbackComment.month, FeedbackComment.id))
    return [comment for comment in comments if wanted in _as_read(comment.text)]


def _as_read(text: str) -> str:
    """``text`` for comparing as a person reads it (``comments_containing``)."""
    plain = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return " ".join(plain.split())


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})


def find_comment(comment_id: str) -> FeedbackComment | None:
    """The feedback comment with this id, if it is still kept."""
    return db.session.get(FeedbackComment, comment_id) if len(comment_id) <= 32 else None


def delete_comment(comment: FeedbackComment, actor: str) -> bool:
    """Delete a feedback comment (one that identifies someone, say), audited with its month,
    never its text; its text leaves SQLite's write-ahead log at once (``forget_deleted_text``).
    Returns False, recording nothing, if it had gone meanwhile (a colleague deleting it at the
    same moment: theirs is the deletion in the audit log)."""
    month = comment.month
    # A statement, not the session's delete, which only warns when another deletion came first.
    deleted = db.session.execute(
        delete(FeedbackComment).where(FeedbackComment.id == comment.id).execution_options(synchronize_session=False)
    )
    if not cast("CursorResult[Any]", deleted).rowcount:
        db.session.rollback()
        return False
    db.session.expunge(comment)
    audit.add_event("comment_deleted", None, actor, f"a feedback comment from {month}")
    db.session.commit()
    forget_deleted_text("a feedback comment")
    return True


def purge_old_comments(first_kept_month: str) -> int:
    """Delete comments from before ``first_kept_month`` ("YYYY-MM"); no commit. Returns how many."""
    result = db.session.execute(delete(FeedbackComment).where(FeedbackComment.month < first_kept_month))
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def purge_expired_feedback_links(now: dt.datetime | None = None) -> int:
    """Delete the feedback links past their time, used or not (one whose request was deleted is
    kept until then: migration 0023); no commit. Returns how many."""
    result = db.session.execute(delete(FeedbackToken).where(FeedbackToken.expires_at <= (now or utcnow())))
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def feedback_link_unsent(request: StoredRequest, now: dt.datetime | None = None) -> bool:
    """Whether the email with the request's practitioner's feedback link waits to be sent: deleted
    with the request, it would never go (the link's text is in it only). For ``OUTCOME_KEPT_DAYS``
    after it was queued at most: a mail server that keeps refusing it does not keep the request for
    ever."""
    return _unsent_lately(request, (FEEDBACK_LINK,), now)


def route_email_unsent(request: StoredRequest, now: dt.datetime | None = None) -> bool:
    """Whether the email telling the request's practitioner where to go instead, or that it was
    reopened, waits to be sent: deleted with the request, it would never go (its text is in it
    only), and they would never hear (found, regression review: the purge deleted one unsent
    without a word). For ``OUTCOME_KEPT_DAYS`` after it was queued at most, as a feedback link's."""
    return _unsent_lately(request, (REDIRECTED, REOPENED), now)


def _unsent_lately(request: StoredRequest, kinds: tuple[str, ...], now: dt.datetime | None) -> bool:
    """Whether an email of ``kinds`` about the request waits to be sent (not sent, not given up),
    queued less than ``OUTCOME_KEPT_DAYS`` ago."""
    since = (now or utcnow()) - dt.timedelta(days=OUTCOME_KEPT_DAYS)
    return any(
        message.kind in kinds and message.sent_at is None and message.given_up_at is None and message.created_at > since
        for message in request.outbox
    )


def purge_empty_sessions() -> int:
    """Delete sessions no request is in any more, nor in their history (after a purge); no
    commit. Returns how many."""
    in_it = select(SessionPlace.session_id).where(SessionPlace.session_id == SpaceSession.id).exists()
    had_it = select(HeldPlace.session_id).where(HeldPlace.session_id == SpaceSession.id).exists()
    result = db.session.execute(delete(SpaceSession).where(~in_it, ~had_it))
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def sessions_with_members(sessions: Sequence[SpaceSession]) -> list[tuple[SpaceSession, list[StoredRequest]]]:
    """Each session with the requests in it, oldest request first, read in one query (found,
    review at scale: one for each session, 54 for the sessions page of a busy year)."""
    requests: dict[int, list[StoredRequest]] = {session.id: [] for session in sessions}
    _add_requests_by_session(SessionPlace, requests)
    return [(session, requests[session.id]) for session in sessions]


def _add_requests_by_session(place: type[Place], requests: dict[int, list[StoredRequest]]) -> None:
    """Add to ``requests`` (by session id) the requests with a place of this kind in each of its
    sessions, oldest first, read in one query (none without sessions)."""
    if not requests:
        return
    for stored, session_id in db.session.execute(
        select(StoredRequest, place.session_id)
        .join(place, place.request_id == StoredRequest.id)
        .where(place.session_id.in_(list(requests)))
        .order_by(StoredRequest.created_at, StoredRequest.id)
    ):
        requests[session_id].append(stored)


__all__ = [
    "FEEDBACK_SCALE",
    "LENGTHS",
    "SENT_ACTIONS",
    "ChangedMeanwhile",
    "InvitationState",
    "SessionDetails",
    "SessionRefused",
    "answer_feedback",
    "arrange",
    "cancel_session",
    "change_session",
    "changed_since",
    "count_practitioners",
    "delete_comment",
    "feedback_comments",
    "find_comment",
    "held_members",
    "hold_request",
    "hold_sqlite_for_writing",
    "in_trail",
    "invitation_state",
    "invitation_waits_behind_an_earlier_email",
    "joinable_until",
    "mark_held",
    "mark_not_held",
    "past_sessions",
    "queue_reminders",
    "reminders_begun",
    "same_place",
    "send_invitation",
    "session_version",
    "sessions_to_join",
    "sessions_to_record",
    "shown_values",
    "starts_in_words",
    "unchanged",
    "upcoming_sessions",
    "waits_behind_an_earlier_email",
]
