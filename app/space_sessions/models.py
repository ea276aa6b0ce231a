"""Sessions arranged for requests, and feedback after them.

Models never commit: ``app.space_sessions.service`` does. Times are UTC without tzinfo, as
everywhere else (``app.models``); a session's start is shown and sent in UK time.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..models import utcnow

PLACE_MAX = 500
COMMENT_MAX = 1000
# How a session is held, in the order the form offers them.
FORMATS: dict[str, str] = {"in_person": "In person", "online": "Online", "phone": "By phone"}


class SpaceSession(Model):
    """A Space to Think session on a date and time; one request's, or a group's.

    ``uid`` is the calendar event's UID, the same in every invitation, update and
    cancellation; ``sequence`` goes up by one each time the session is changed or cancelled,
    so a calendar replaces its copy. A cancelled session keeps its row (``cancelled_at``) so a
    late reminder can see it is cancelled, until the next purge (``purge_empty_sessions``:
    hourly, or when a request is deleted) finds no request in it or in its history; then it
    goes, and its page says it is no longer in the inbox.
    """

    __tablename__ = "space_sessions"
    # SQLite: a number is never given again, even after the purge removed the newest session
    # (migration 0020); PostgreSQL's sequence never gives one again anyway.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(), index=True)  # UTC
    minutes: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(20))  # one of FORMATS
    # Joining instructions (online, phone) or the place (in person), checked for identifying data.
    place: Mapped[str] = mapped_column(String(PLACE_MAX))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)

    @property
    def ends_at(self) -> dt.datetime:
        """When the session ends (UTC)."""
        return self.starts_at + dt.timedelta(minutes=self.minutes)

    @property
    def has_started(self) -> bool:
        """Whether the session's start has passed: it can be marked held, and no longer cancelled."""
        return self.starts_at <= utcnow()

    def __repr__(self) -> str:
        return f"<SpaceSession {self.id}>"


class SessionPlace(Model):
    """A request's place in a session (a request is in at most one session at a time).
    Once the request has had its session and is reopened, the place becomes a ``HeldPlace``.

    ``invited_sequence``: the session's ``sequence`` when an invitation (or update) was last
    queued for this request's practitioner; empty until the first "send invitation".
    Goes when the request is purged (``ON DELETE CASCADE``) or leaves the session.
    """

    __tablename__ = "session_places"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("space_sessions.id", ondelete="CASCADE"), index=True)
    invited_sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<SessionPlace request {self.request_id} in session {self.session_id}>"


class HeldPlace(Model):
    """A request's place in a session that was held, kept after the request was reopened.

    Reopening a request whose session was held (closed, then back to in triage) takes it out of
    that session, so that a new one can be arranged; this row keeps the session's history (its
    page still lists the request). Goes when the request is purged (``ON DELETE CASCADE``).
    """

    __tablename__ = "held_places"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("space_sessions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(DateTime())  # when it joined the session
    left_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)  # when the request was reopened

    def __repr__(self) -> str:
        return f"<HeldPlace request {self.request_id} in session {self.session_id}>"


class FeedbackToken(Model):
    """A single-use feedback link sent after a session was held: only a hash of the token.

    Its request is named only while the request is kept: deleted (the purge, ``flask requests
    delete``), it leaves the link working, tied to nothing (migration 0023: found, regression
    review, a link emailed the hour before its request's purge stopped working with it). Answering
    deletes it, and the answer is counted (``app.stats``) with nothing that leads back to the
    request; the purge deletes it once expired (``purge_expired_feedback_links``).
    """

    __tablename__ = "feedback_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), index=True, nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime())

    def __repr__(self) -> str:
        return "<FeedbackToken>"


class FeedbackComment(Model):
    """What someone wrote in their feedback, if anything: the text and the month only (in the UK,
    "YYYY-MM"). No request, person, score or time of day, so it cannot be linked back;
    deleted once its month is older than the retention period (``flask requests purge``)."""

    __tablename__ = "feedback_comments"

    # Random, not a counter: the order comments came in must not be readable from their ids.
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: secrets.token_hex(16))
    month: Mapped[str] = mapped_column(String(7), index=True)
    text: Mapped[str] = mapped_column(String(COMMENT_MAX))

    def __repr__(self) -> str:
        return f"<FeedbackComment {self.id}>"


__all__ = [
    "COMMENT_MAX",
    "FORMATS",
    "PLACE_MAX",
    "FeedbackComment",
    "FeedbackToken",
    "HeldPlace",
    "SessionPlace",
    "SpaceSession",
]
