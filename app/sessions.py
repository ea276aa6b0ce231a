"""Server-side sessions: the journey's answers stay in the database, the cookie holds only an id.

The cookie carries a random 32-byte id, signed with the app's secret key. The data (JSON
text) lives in the ``journey_sessions`` table and expires after ``SESSION_IDLE_MINUTES``
without a request; every request pushes the expiry on. Expired rows are deleted when they
are next seen, now and then when a new session starts, and by ``flask sessions purge``.

For views:
- ``session["answers"]`` is the journey's answers keyed by question id (the wizard owns it).
- ``reset_session()`` clears everything and drops the old id (exit, start again, submit).
- ``session_expired()`` is True when this request's cookie named a session that had
  expired or been deleted, so the journey can say "your answers were cleared".
- ``expired_session()`` is what that session held, when it had expired but was not yet deleted
  (so the page after the idle limit can say what went); else nothing.
- ``when_expired(handler)`` tells ``handler`` what each session held once its idle limit has
  passed, as its row is deleted (the inbox audits a facilitator's sign-in timed out).
- ``end_sessions_holding(key, value, because)`` ends the sessions signed in to an account (a command
  deactivating it), each leaving a note of ``because`` that ``why_it_ended()`` gives its browser once.

If the database cannot be reached when a session is opened, the request is answered with the
"problem with the service" page (503) before any view runs; the cookie is neither changed nor
deleted and nothing is written, so the answers are there again when the database is back.

Two requests of one session can overlap: two tabs, each sending a page at the same moment. Each
reads the session as it was, and the one that saved last wrote back, over what the other had
just saved, the session as it had read it: the other page's answers were lost, though its
Continue had taken the person on as if they were saved. So a change is written only over the data
it was read from; if another request saved in between, this request's changes are made again on
what that one saved (``merged``): a key this request did not change keeps the other's value. A
key registered with ``merge_item_by_item`` (the request's details, which each details page saves
its own fields into) is merged field by field, so two pages saved at once both keep theirs; but
once another request has removed it (sending the request clears the details, and keeps the session
for the sent request's page), a page saved meanwhile does not bring part of it back, and the next
page says what it held was not saved. Keys
registered with ``merge_together`` (the journey's answers, and those set aside) are taken all from
one request, never some from each: one tab's answers with the other tab's set-aside ones could
bring an answer back on a route it was never given on. The other tab's are then gone, though it
was taken on as if they were saved, so the next page says only one tab's answers were kept (or, when
the other tab sent the request, which clears them, that the changed answer was not saved). A key
registered with ``merge_taken_once`` (the one-off notice) is removed by a request that took it only
if it still holds what that request read: a new notice another request left meanwhile stays, for
the next page to show.

A form that starts a session under a new id (signing in to the inbox, changing one's password,
staying signed in) can be sent twice: a double click, Enter pressed twice, or a second click on a
slow page, with JavaScript off. The second leaves with the old id's cookie, and used to find the
session gone: "this form has expired", though the first had done it. So such a form rotates with
``rotate(repeatable=True)`` (``reset_session(repeatable=True)``): the old id's row is kept for
``REPEAT_GRACE`` as a note of the id that replaced it (no data of its own: a request naming it opens
an empty session, as for an id deleted), and the same form sent again to the same address meanwhile
can be told what that session holds (``repeat_of``). Only the view can tell whether it is the same
person (the inbox asks for the account's password again), and then carry on in that session
(``carry_on_in_replacement``). Any other request with the old id is refused as before; once the
new session has ended (signed out), or the note's seconds are up, so is the repeat. The two often
arrive at once, both reading the session as it was: so the form, its checks passed, writes the note
before it does anything (``claim_the_new_id``, over the data it read); the other, finding it there,
does nothing, waits a moment for the first's session to be stored, and carries on in it. A page of
the old session read before the note was written and saved after (another tab) neither writes its
changes into the note nor pushes its expiry on: the session had ended (``_write``, ``_TOUCH``).

What a journey does once (its anonymous counts) cannot wait for the response's save to say it was
done: another tab, or a reload, opening meanwhile would do it again. ``claim`` writes one key at
once, over the data it was read from, in the transaction that does it (the counts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import secrets
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import click
import psycopg
from flask import Flask, Request, Response, abort, g, request, session, url_for
from flask.cli import AppGroup
from flask.json import dumps as json_dumps
from flask.json import loads as json_loads
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SessionInterface
from itsdangerous import BadSignature, Signer
from sqlalchemy import (
    Connection,
    CursorResult,
    DateTime,
    Engine,
    Executable,
    String,
    Text,
    bindparam,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from .database_answers import DatabaseNotAnswering
from .extensions import Model, db
from .models import utcnow

# Paths that never need the journey (assets, health checks): no database work, no cookie.
STATELESS_ENDPOINT_PREFIXES = ("/static/", "/healthz", "/favicon.svg", "/logo.")
# The sessions' own engine (a Flask-SQLAlchemy bind to the same database) runs in
# autocommit mode: each read or write is one statement, so it needs no BEGIN and COMMIT
# round trips (measured: about 12% more journey throughput on PostgreSQL; docs/PERFORMANCE.md).
# It does without pool_pre_ping (a round trip on every request): a statement that finds its
# pooled connection dropped (a database restart) runs once more on a new one (``_execute``).
SESSION_BIND = "journey_sessions"
# Skip rewriting an unchanged session unless its expiry would move by more than this (a
# thirtieth of a shorter limit): see refresh_step.
EXPIRY_REFRESH_STEP = dt.timedelta(seconds=60)
# How long an id rotated by a form that may be sent twice is kept, as a note of the id that
# replaced it (``rotate(repeatable=True)``): time for a second click, or Enter pressed again, on a
# slow page, and no more (a copy of the old cookie is of no use after it).
REPEAT_GRACE = dt.timedelta(seconds=10)
# The only key of such a note's data: the new id, the path of the form that rotated it, and whether
# the new session is stored yet (``claim_the_new_id`` notes the id first).
REPLACED_KEY = "_replaced_by"
# A session ended by a command (``end_sessions_holding``'s ``because``: an account deactivated)
# leaves a row of its own, under a hash of its id, holding only this key and why: the browser that
# held it is told once, at its next inbox page (``why_it_ended``; found, b149 review: nothing said
# the account had been closed). Its id is never a session's: those have no ":". It lasts as long as
# a sign-in can (the inbox's 24 hours), then goes with the expired sessions.
ENDED_KEY = "_ended_because"
ENDED_PREFIX = "ended:"
ENDED_KEPT = dt.timedelta(hours=24)
# How long the same form sent twice at once waits for the first to store the session it starts
# (``claim_the_new_id``: the first notes the new id before it does what it does, then stores it).
REPEAT_WAIT = dt.timedelta(seconds=3)


def refresh_step(idle: dt.timedelta) -> dt.timedelta:
    """How far an unchanged session's expiry may lag behind "now + idle limit" (its rewrite is
    skipped until it would move by more). So the server may end a session up to this much
    before a page's own timer would: the timeout warning counts to the limit less this
    (templates/layout.html), so "Keep my answers" is never pressed on a session already gone."""
    return min(EXPIRY_REFRESH_STEP, idle / 30)


log = logging.getLogger(__name__)


class JourneySessionRow(Model):
    """One visitor's session: random id, JSON data, and when it expires if left idle."""

    __tablename__ = "journey_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(), nullable=False, index=True)


_TABLE = JourneySessionRow.__table__
# The statements, built once (building one took longer than SQLAlchemy's cached compile of it).
_READ = select(_TABLE.c.data, _TABLE.c.expires_at).where(_TABLE.c.id == bindparam("sid"))
_INSERT = insert(_TABLE)
_WRITE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("sid"))
    .values(data=bindparam("new_data"), expires_at=bindparam("new_expiry"))
)
# A change, written only if no other request has saved the session since it was read.
_WRITE_IF_UNCHANGED = _WRITE.where(_TABLE.c.data == bindparam("read_data"))
# How many times a change is made again on what other requests saved meanwhile before it is
# written as it is (only tabs sending pages without pause would need a second).
WRITE_ATTEMPTS = 5
# Keys whose value (a dict, or a list used as a set) is merged item by item (``merge_item_by_item``).
ITEM_BY_ITEM: set[str] = set()
# Keys whose values make one whole, all taken from the request that changed any (``merge_together``).
TOGETHER: list[frozenset[str]] = []
# What to add to the merged data when a request's values of a group replace those another request
# saved meanwhile (``merge_together``'s ``overruled``), given the merged data and the values that went.
OVERRULED: dict[frozenset[str], Callable[[dict[str, Any], dict[str, Any]], None]] = {}
# What to add to the merged data when changes made to one of them are gone, as the other request
# removed it as a whole (``merge_item_by_item``'s ``cleared``).
CLEARED: dict[str, Callable[[dict[str, Any]], None]] = {}
# Keys whose value is taken once, by the page that shows it (``merge_taken_once``).
TAKEN_ONCE: set[str] = set()
# Called with what a session held and when it expired, as its expired row is deleted (``when_expired``).
EXPIRY_HANDLERS: list[Callable[[dict[str, Any], dt.datetime], None]] = []
_ABSENT = object()
# A change written at once, in the caller's transaction, over the data last read (``claim``).
_CLAIM = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("sid"), _TABLE.c.data == bindparam("read_data"))
    .values(data=bindparam("new_data"))
)
# How a rotated id's note's data begins (``REPLACED_KEY``, as the serializer writes it): any other
# session's data is not parsed twice to find it is not one.
NOTE_START = '{"_replaced_by"'
# (Never a note, replaced meanwhile: its moment is not pushed on to the idle limit by a page of the
# session it replaced, read before and saved after, and with it the old cookie's way in.)
_TOUCH = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("sid"), ~_TABLE.c.data.startswith(NOTE_START, autoescape=True))
    .values(expires_at=bindparam("new_expiry"))
)
_DELETE = delete(_TABLE).where(_TABLE.c.id == bindparam("sid"))


class JourneySession(SecureCookieSession):
    """The session dict, plus the id it is stored under and what to do with that id."""

    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        sid: str | None = None,
        expires_at: dt.datetime | None = None,
        stateless: bool = False,
        had_cookie: bool = False,
        unavailable: bool = False,
        read_data: str | None = None,
        replaced: Replaced | None = None,
    ) -> None:
        super().__init__(initial)
        self.sid = sid
        # The stored data as this request read it: a change is written only over it (``_write``).
        self.read_data = read_data
        self.expires_at = expires_at
        self.stateless = stateless
        self.had_cookie = had_cookie
        self.rotate_requested = False
        # The store could not be read (or a write failed): save nothing, leave the cookie alone.
        self.unavailable = unavailable
        # ... but for the cookie, which goes: a sign-out the store failed (``forget_in_this_browser``).
        self.forget_in_browser = False
        # The path of the form whose repeat may find the new id (``rotate(repeatable=True)``).
        self.repeat_path: str | None = None
        # The cookie's id was replaced by this form a moment ago (a note kept for ``REPEAT_GRACE``).
        self.replaced = replaced
        # This response carries on in the session that replaced this one (``carry_on_in_replacement``).
        self.carry_on_as: str | None = None
        # The id this session is stored under once rotated, noted already (``claim_the_new_id``).
        self.claimed_sid: str | None = None

    def become_replaced(self, replaced: Replaced) -> None:
        """This request's session was replaced since it was read (``claim_the_new_id``): it stands
        as if its cookie had named the note, empty, writing nothing and leaving the cookie alone."""
        self.clear()
        self.sid = None
        self.read_data = None
        self.had_cookie = False
        self.rotate_requested = False
        self.repeat_path = None
        self.replaced = replaced
        self.modified = False

    def rotate(self, repeatable: bool = False) -> None:
        """Drop the stored id when this response is saved; any data left gets a new id. With
        ``repeatable`` (a form's POST), the old id is kept for ``REPEAT_GRACE`` as a note of the
        new one, for the same form sent again (``repeat_of``)."""
        self.rotate_requested = True
        self.modified = True
        if repeatable and request.method == "POST":
            self.repeat_path = request.path


@dataclass(frozen=True)
class Replaced:
    """What a rotated id's note says: the id that replaced it, the path of the form that did, when
    the note's time is up (``REPEAT_GRACE`` after it was written), and whether the new session was
    stored (else it is about to be: ``claim_the_new_id``)."""

    by: str
    path: str
    until: dt.datetime
    stored: bool = True


def _note(data: str, expires_at: dt.datetime) -> Replaced | None:
    """What a row's data says if it is a rotated id's note (else None)."""
    if not data.startswith(NOTE_START):
        return None
    note = DatabaseSessionInterface()._loads(data).get(REPLACED_KEY)
    if not isinstance(note, dict) or not isinstance(note.get("by"), str) or not isinstance(note.get("path"), str):
        return None
    return Replaced(note["by"], note["path"], expires_at, stored=note.get("stored") is not False)


# Set in the new session by Start again (app/wizard/views.py) to what it cleared, "journey", "copy"
# or "copy_and_record" (``kept_for_a_while``: a sent request's copy, with its two PDFs in
# supervision), so the start page says so, once (app/main/views.py).
CLEARED_KEY = "cleared"


def reset_session(repeatable: bool = False) -> None:
    """Clear the whole session and retire its id (exit, start again, after submission); with
    ``repeatable``, the form may find the new id if sent again (``JourneySession.rotate``)."""
    session.clear()
    rotate = getattr(session, "rotate", None)
    if rotate is not None:
        rotate(repeatable)


def repeat_of() -> dict[str, Any] | None:
    """What the session holds that replaced this request's a moment ago, when this request is the
    form that did it, sent again (the same path, POSTed, within ``REPEAT_GRACE``, the new session
    still there and not replaced in its turn); else None. Nothing is changed: the caller checks it
    is the same person, then ``carry_on_in_replacement``."""
    replaced = session.replaced if isinstance(session, JourneySession) else None
    if replaced is None or request.method != "POST" or request.path != replaced.path:
        return None
    # The same form sent a moment before may not have stored it yet (``claim_the_new_id``): waited
    # for, a moment at most. (Once stored, a session gone has ended: signed out.)
    waited_for = dt.timedelta(0) if replaced.stored else replaced.until - REPEAT_GRACE + REPEAT_WAIT - utcnow()
    deadline = time.monotonic() + max(0.0, waited_for.total_seconds())
    try:
        row = _read(replaced.by)
        while row is None and time.monotonic() < deadline:
            time.sleep(0.05)
            row = _read(replaced.by)
    except SQLAlchemyError:
        return None  # (the page that says the form has expired, as before)
    if row is None or row.expires_at <= utcnow():
        return None
    held = DatabaseSessionInterface()._loads(row.data)
    return None if not held or REPLACED_KEY in held else held


def claim_the_new_id() -> bool:
    """For a form about to do once what starts a new session id (signing in, changing a password),
    its checks passed: note now that this session's id is replaced (``REPEAT_GRACE``), by the id
    this response will store it under, so that the same form sent twice at once (the second leaving
    before the first is answered, both read the session as it was) does it once. True: this request
    goes on (and rotates with ``repeatable``); False: the same form, sent a moment before, claimed it
    first, and this request's session is now empty, as if its cookie had named the note
    (``repeat_of`` finds what the first starts, waiting for it a moment)."""
    if not isinstance(session, JourneySession) or session.sid is None or session.read_data is None:
        return True
    # The request's own reads (the account, its password) end first: should the database go as the
    # note is written (a connection cut, a server restarting), no transaction is left open on a
    # connection now dead, whose rollback at the request's end failed, a bare error in place of the
    # "problem with the service" page with what was typed (found: signing in, changing a password).
    db.session.rollback()
    new = secrets.token_urlsafe(32)
    note = DatabaseSessionInterface.serializer.dumps({REPLACED_KEY: {"by": new, "path": request.path, "stored": False}})
    parameters = {
        "sid": session.sid,
        "new_data": note,
        "new_expiry": utcnow() + REPEAT_GRACE,
        "read_data": session.read_data,
    }
    if _on_driver(_WRITE_IF_UNCHANGED, _WRITE_IF_UNCHANGED_FOR_PSYCOPG, parameters):
        session.claimed_sid = new
        return True
    return not replaced_meanwhile()  # (else changed by another tab meanwhile: on, as before)


def replaced_meanwhile() -> bool:
    """Whether this request's session was replaced since it was read, by the same form sent a moment
    before (its note, ``claim_the_new_id``); if so, the session is now empty, as if this request's
    cookie had named the note (``repeat_of``)."""
    if not isinstance(session, JourneySession) or session.sid is None or request.method != "POST":
        return False
    row = _read(session.sid)
    replaced = _note(row.data, row.expires_at) if row is not None else None
    if replaced is None or replaced.path != request.path:
        return False
    session.become_replaced(replaced)
    return True


def carry_on_in_replacement() -> None:
    """This response gives the browser the cookie of the session ``repeat_of`` found, and changes
    nothing stored: the form sent again goes on where the first went, signed in as it left it."""
    if isinstance(session, JourneySession) and session.replaced is not None:
        session.carry_on_as = session.replaced.by


def session_expired() -> bool:
    """True if this request's cookie named a session that had expired or no longer exists."""
    return bool(g.get("session_expired", False))


def session_unreadable() -> bool:
    """True if this request's cookie could not be read as one of this service's (another key)."""
    return bool(g.get("session_unreadable", False))


def session_expired_page() -> str:
    """Where a journey page sends someone whose session has ended: the page that says so, and why
    (``why=not-found`` when the cookie could not be read: ``session_unreadable``)."""
    return url_for("main.session_expired", why="not-found") if session_unreadable() else url_for("main.session_expired")


def expired_session() -> dict[str, Any]:
    """What the session this request's cookie named held, if it had expired (its row is deleted as
    this request opens it; its data is kept for this request only, never written again), or an
    empty dict: it was never there, or had already been deleted (``flask sessions purge``)."""
    held: dict[str, Any] = g.get("expired_session", {})
    return held


def leave_session_untouched() -> None:
    """This response must not write the session or change its cookie (the database has failed)."""
    if isinstance(session, JourneySession):
        session.unavailable = True


def forget_in_this_browser() -> None:
    """This response writes nothing to the session's store (the database has failed), but takes its
    cookie out of the browser: a facilitator's sign-out, which must not leave the inbox open on a
    shared computer for want of a database (found, regression review: after a failed sign-out the
    inbox still opened). The stored session ends by itself at its time limit."""
    if isinstance(session, JourneySession):
        session.unavailable = session.forget_in_browser = True


def not_the_persons_activity() -> None:
    """This request is a page's script asking on its own (the submitted page asking whether the
    PDF is made), not something the person did: it does not push the idle expiry on. Else a page
    that asks keeps its session alive, and its timeout warning's timer, which counts only what the
    person does, runs out on a session the server does not see as idle (diff review)."""
    g.not_activity = True


def refuse_when_store_down() -> None:
    """Early ``before_request``: the session could not be opened, so answer 503 before any view runs."""
    if g.get("session_store_down"):
        abort(503)


# The values a session's data holds that JSON writes as they are (by exact type: a subclass, such
# as Markup, a ``str``, is tagged).
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


class SessionSerializer(TaggedJSONSerializer):
    """Flask's tagged JSON, the very same text both ways, without walking the data value by value
    in Python where it need not (issue 13): a session's data, written on every answer and read on
    every page, is dicts, lists, strings, numbers and booleans, which JSON writes as they are.
    ``dumps`` checks that first (a dict, list or scalar of exactly those types, and no dict of one
    key that is a tag's, which Flask's ``TagDict`` wraps) and then writes it at once; anything else
    (a tuple, bytes, a datetime, Markup, a UUID) is tagged as Flask tags it. ``loads`` untags each
    object as the JSON decoder makes it (``object_hook``: innermost first, as Flask's scan after
    decoding does), not by a second walk over the decoded data. Measured on a journey's sessions:
    about 20 -> 6 us to write and 8.5 -> 4 us to read (docs/PERFORMANCE.md)."""

    def dumps(self, value: Any) -> str:
        if self._plain(value):
            return json_dumps(value, separators=(",", ":"))
        return super().dumps(value)

    def _plain(self, value: Any) -> bool:
        kind = type(value)
        if kind is dict:
            if len(value) == 1 and next(iter(value)) in self.tags:
                return False
            return all(self._plain(item) for item in value.values())
        if kind is list:
            return all(self._plain(item) for item in value)
        return kind in _PLAIN_TYPES

    def loads(self, value: str) -> Any:
        return json_loads(value, object_hook=self.untag)


class DatabaseSessionInterface(SessionInterface):
    """Flask session interface that keeps session data in ``journey_sessions``."""

    salt = "space-to-think.session-id"
    serializer = SessionSerializer()
    session_class = JourneySession

    def _signer(self, app: Flask) -> Signer:
        """Signs the id so a guessed or tampered cookie is ignored before touching the database."""
        return Signer(app.secret_key or "", salt=self.salt, key_derivation="hmac", digest_method=hashlib.sha256)

    def _idle(self, app: Flask) -> dt.timedelta:
        return dt.timedelta(minutes=int(app.config["SESSION_IDLE_MINUTES"]))

    def open_session(self, app: Flask, request: Request) -> JourneySession | None:
        """Load the session named by the cookie; note on ``g`` if it had expired."""
        g.session_expired = False
        if not app.secret_key:
            return None
        if request.path.startswith(STATELESS_ENDPOINT_PREFIXES):
            return self.session_class(stateless=True)
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        try:
            sid = self._signer(app).unsign(cookie).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            # Signed with another key (SECRET_KEY changed, README "Rotating the secret key"), or
            # not by this service at all: the session it named cannot be found, and is said to have
            # ended, for a reason of its own (``session_unreadable``: not "nothing was done for 30
            # minutes", untrue seconds after a restart: regression review). Found (administrator
            # review): someone part-way through the questions was put back at the first, unsaid.
            g.session_expired = True
            g.session_unreadable = True
            return self.session_class(had_cookie=True)
        try:
            row = _read(sid)
            if row is None or row.expires_at <= utcnow():
                if row is None:
                    g.ended_session_id = sid  # ended by a command, maybe: ``why_it_ended`` finds out
                else:
                    deleted = _execute(_DELETE, {"sid": sid})
                    held = self._loads(row.data)
                    if REPLACED_KEY not in held:  # (a rotated id's note held nothing)
                        g.expired_session = held
                        if deleted:  # (else a purge deleted it first, and told the handlers)
                            _expired(held, row.expires_at)
                g.session_expired = True
                return self.session_class(had_cookie=True)
            if row.data.startswith(NOTE_START):
                # Replaced a moment ago: an empty session, as for an id deleted (``repeat_of``). Its
                # answer leaves the cookie alone: the browser has, or is about to have, the new one.
                g.session_expired = True
                return self.session_class(replaced=_note(row.data, row.expires_at))
        except SQLAlchemyError as error:  # the database is down: fail softly, keep the cookie and the row
            log.warning(
                "Session store unavailable (%s); answering with the service problem page",
                type(getattr(error, "orig", None) or error).__name__,
            )
            g.session_store_down = True
            return self.session_class(had_cookie=True, unavailable=True)
        return self.session_class(
            self._loads(row.data), sid=sid, expires_at=row.expires_at, had_cookie=True, read_data=row.data
        )

    def _loads(self, data: str) -> dict[str, Any]:
        """A stored session's data (empty if it cannot be read)."""
        try:
            loaded = self.serializer.loads(data)
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def save_session(self, app: Flask, session: JourneySession, response: Response) -> None:  # type: ignore[override]  # Flask passes back the session open_session made
        """Write changes, push the idle expiry on, and set or delete the cookie. Never for a HEAD
        request (a link checker, a preview, a proxy's check): it only looks, so it starts, changes,
        ends and keeps nothing (found, regression review: a HEAD of the outcome page, part way
        through, left "Answer the questions in order" for the next page; one of a request page, "No
        request has been sent")."""
        if session.forget_in_browser and request.method != "HEAD":
            self._delete_cookie(app, response)
            return
        if session.stateless or session.unavailable or request.method == "HEAD":
            return
        if session.accessed:
            response.vary.add("Cookie")
        if session.carry_on_as is not None:
            self._set_cookie(app, response, session.carry_on_as)
            return
        replaced = None
        if session.rotate_requested and session.sid is not None:
            if session.repeat_path is not None and session:
                replaced = session.sid  # kept a moment, as a note of the new id (once it is stored)
            else:
                self._delete(session.sid)
            session.sid = None
        if not session:
            if session.sid is not None:
                self._delete(session.sid)
            if session.had_cookie or session.rotate_requested:
                self._delete_cookie(app, response)
            return

        now = utcnow()
        expires_at = now + self._idle(app)
        if session.sid is None:
            session.sid = session.claimed_sid or secrets.token_urlsafe(32)
            data = self.serializer.dumps(dict(session))
            _execute(_INSERT, {"id": session.sid, "data": data, "expires_at": expires_at})
            self._set_cookie(app, response, session.sid)
            if replaced is not None and session.repeat_path is not None:
                note = {REPLACED_KEY: {"by": session.sid, "path": session.repeat_path}}
                parameters = {
                    "sid": replaced,
                    "new_data": self.serializer.dumps(note),
                    "new_expiry": now + REPEAT_GRACE,
                }
                _execute(_WRITE, parameters)
            purge_probability = float(app.config.get("SESSION_PURGE_PROBABILITY", 0.0))
            # Chance, not secrecy: now and then a new session also clears out expired ones.
            if random.random() < purge_probability:  # noqa: S311
                purge_expired_sessions()
            return

        step = refresh_step(self._idle(app))
        if session.modified:
            self._write(session, expires_at)
        elif (session.expires_at is None or expires_at - session.expires_at > step) and not g.get("not_activity"):
            _execute(_TOUCH, {"sid": session.sid, "new_expiry": expires_at})

    def _write(self, session: JourneySession, expires_at: dt.datetime) -> None:
        """Write the changed session over the data it was read from; if another request saved it
        meanwhile, make this request's changes on what that one saved (``merged``), and try again."""
        data = self.serializer.dumps(dict(session))
        read = session.read_data
        for _attempt in range(WRITE_ATTEMPTS):
            if read is None:
                break
            parameters = {"sid": session.sid, "new_data": data, "new_expiry": expires_at, "read_data": read}
            if _on_driver(_WRITE_IF_UNCHANGED, _WRITE_IF_UNCHANGED_FOR_PSYCOPG, parameters):
                return
            row = _execute(_READ, {"sid": session.sid}, first=True)
            if row is None or row.data.startswith(NOTE_START):
                # Ended meanwhile (start again, or signed out, in another tab; or purged at the idle
                # limit), or replaced by a new id (signed in in another tab: its note, which this
                # page's changes would keep for the idle limit, not ``REPEAT_GRACE``, and with it
                # the old cookie's way in): it stays ended. (Sending a request keeps the session:
                # ``merged`` keeps what it cleared cleared.)
                return
            # Each value as stored, so that a value this request did not change compares equal.
            mine = self._loads(self.serializer.dumps(dict(session)))
            data = self.serializer.dumps(merged(self._loads(session.read_data or ""), mine, self._loads(row.data)))
            read = row.data
        _execute(_WRITE, {"sid": session.sid, "new_data": data, "new_expiry": expires_at})

    def _delete(self, sid: str) -> None:
        _execute(_DELETE, {"sid": sid})

    def _set_cookie(self, app: Flask, response: Response, sid: str) -> None:
        """A browser-session cookie (no Expires): the server enforces the idle limit."""
        response.set_cookie(
            self.get_cookie_name(app),
            self._signer(app).sign(sid).decode("ascii"),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )

    def _delete_cookie(self, app: Flask, response: Response) -> None:
        response.delete_cookie(
            self.get_cookie_name(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )


@dataclass(frozen=True)
class Claimed:
    """What ``claim`` changed: the value under ``key`` as stored before, and the new one."""

    key: str
    before: Any
    after: Any
    # Not stored yet (a session without a row): the change is only in this request's session, and
    # ``undo`` puts back what it held (``_ABSENT``: nothing).
    only_here: bool = False
    held_before: Any = _ABSENT

    def undo(self) -> None:
        """Take the change back, the caller's transaction having been rolled back (a stored change
        went with it: the response's save finds the data changed and keeps what is stored)."""
        if not self.only_here:
            return
        if self.held_before is _ABSENT:
            session.pop(self.key, None)
        else:
            session[self.key] = self.held_before


def claim(key: str, change: Callable[[Any], Any]) -> Claimed | None:
    """Change the value under ``key`` in the stored session now, in the caller's transaction on
    ``db.session``, not when the response is saved: for something a journey does once (a count),
    done in the same transaction only if this request's change is written. ``change`` is given the
    value as stored now (``None`` if absent), which another request (a second tab, a reload) may
    have changed since this one read it, and returns the new value, or ``None`` if there is nothing
    to do (this request's session then holds the value as stored). Returns what it changed, or
    ``None``; if the caller's transaction is rolled back, the caller calls ``undo`` on it.

    The write is made only over the data it was read from (as ``_write`` does): of two requests
    at once, the second waits for the first's transaction, finds the data changed, and is given
    what the first wrote. If the caller's transaction is rolled back, so is the change: the
    response's save then finds the data changed and merges as usual, keeping the stored value."""
    if (
        not isinstance(session, JourneySession)
        or session.sid is None
        or session.read_data is None
        or session.rotate_requested
    ):
        # Not stored yet (or stored under an id this response drops): no other request can have it.
        held = session.get(key, _ABSENT)
        after = change(None if held is _ABSENT else held)
        if after is None:
            return None
        session[key] = after
        return Claimed(key, None if held is _ABSENT else held, after, only_here=True, held_before=held)
    interface = DatabaseSessionInterface()
    sid, read = session.sid, session.read_data
    stored = interface._loads(read)
    for _attempt in range(WRITE_ATTEMPTS):
        before = stored.get(key)
        after = change(before)
        if after is None:
            if read != session.read_data:  # another request changed the session meanwhile: its value
                _hold_as_stored(session, interface, key, stored.get(key, _ABSENT))
            return None
        new_data = interface.serializer.dumps({**stored, key: after})
        written = cast(
            CursorResult[Any], db.session.execute(_CLAIM, {"sid": sid, "read_data": read, "new_data": new_data})
        )
        if written.rowcount:
            break
        row = db.session.execute(_READ, {"sid": sid}).first()
        if row is None:
            return None  # ended meanwhile (start again in another tab): it stays ended
        read, stored = row.data, interface._loads(row.data)
    else:
        return None
    _hold_as_stored(session, interface, key, after)
    return Claimed(key, before, after)


def claim_at_once(
    key: str,
    change: Callable[[Any], Any],
    also: Executable,
    also_for_psycopg: str,
    parameters: Callable[[Any], dict[str, Any] | None],
) -> Claimed | None:
    """``claim``, with what goes with it, as one statement on the sessions' autocommit engine, when
    it can be (PostgreSQL, the session stored and this request's read of it still what is stored):
    ``also`` (``also_for_psycopg`` for the driver, as ``_on_driver`` takes it) writes the claim as
    ``claim`` does and its own changes only if the claim was written (see ``CLAIMED_THEN``), and
    gives how many rows the claim wrote. One round trip, where ``claim`` in the caller's transaction
    took six (the pool's check, ``BEGIN``, ``SET LOCAL``, the claim, its changes, ``COMMIT``: issue
    13). ``parameters`` is given the value as stored before and gives the statement's own
    parameters (``None``: not in one statement). Returns what it changed, or ``None`` when nothing
    was written: the caller then does as before (``claim`` in its transaction, which finds the
    change made meanwhile, if any, and merges). Raises ``SQLAlchemyError`` as ``_execute`` does."""
    if (
        _engine().dialect.name != "postgresql"
        or not isinstance(session, JourneySession)
        or session.sid is None
        or session.read_data is None
        or session.rotate_requested
    ):
        return None
    interface = DatabaseSessionInterface()
    stored = interface._loads(session.read_data)
    before = stored.get(key)
    after = change(before)
    own = None if after is None else parameters(before)
    if after is None or own is None:
        return None
    new_data = interface.serializer.dumps({**stored, key: after})
    found = _on_driver(
        also,
        also_for_psycopg,
        {**own, "sid": session.sid, "read_data": session.read_data, "new_data": new_data},
        first=True,
    )
    if not found or not found[0]:
        return None
    _hold_as_stored(session, interface, key, after)
    return Claimed(key, before, after)


# The head of ``claim_at_once``'s statement (psycopg's parameter style): the claim, as ``_CLAIM``,
# whose rows a data-modifying CTE that follows takes as its condition (``WHERE EXISTS (SELECT FROM
# claimed)``); the statement ends with ``CLAIMED_COUNT``. One statement: both or neither, atomic
# without a transaction of its own; of two requests at once, the second's claim waits for the
# first's, finds the data changed and writes nothing.
CLAIMED_THEN = (
    "WITH claimed AS (UPDATE journey_sessions SET data = %(new_data)s "
    "WHERE id = %(sid)s AND data = %(read_data)s RETURNING 1)"
)
CLAIMED_COUNT = " SELECT count(*) FROM claimed"


def _hold_as_stored(
    journey: JourneySession, interface: DatabaseSessionInterface, key: str, value: Any = _ABSENT
) -> None:
    """This request's session holds ``value`` under ``key``, as if read so: its own changes stay
    changes, and this is not one, so the response's save keeps what is stored under ``key`` (the
    value, unless the caller's transaction was rolled back, or another request changed it since)."""
    read = interface._loads(journey.read_data or "")
    if value is _ABSENT:
        read.pop(key, None)
        journey.pop(key, None)
    else:
        read[key] = value
        journey[key] = value
    journey.read_data = interface.serializer.dumps(read)


def merge_item_by_item(*keys: str, cleared: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Merge these keys' values item by item when two requests save the session at once: a dict
    field by field, a list as a set (what each request added or removed is added or removed).

    Only for values whose items do not depend on each other: the request's details (each page
    saves its own fields), never the journey's answers, which stay as one request left them: the
    route is read from them as a whole, so answers from two tabs must never be mixed.

    When one request removed such a key as a whole (sending the request clears the details) as
    the other changed it, the change is gone, though it was answered as if saved: ``cleared`` is
    given the merged data then, to add what says so (a one-off notice for the next page)."""
    ITEM_BY_ITEM.update(keys)
    if cleared is not None:
        CLEARED.update(dict.fromkeys(keys, cleared))


def merge_together(*keys: str, overruled: Callable[[dict[str, Any], dict[str, Any]], None] | None = None) -> None:
    """Take these keys' values all from one request when two save the session at once: from this
    one if it changed any of them, else as the other left them. For values that make one whole
    between them (the journey's answers, and those set aside: an answer set aside in one tab must
    not come back on the other tab's route), so that neither is kept with the other tab's.

    The other request's values are then gone, though it was answered as if they were saved:
    ``overruled`` is given the merged data when they differed from this one's (a double click
    leaves the same values twice), or when one request removed them all (sending a request clears
    the journey) as the other changed them, to add what says so (a notice for the next page); and
    the values that went (the group's keys that request had), to say what they would have done."""
    group = frozenset(keys)
    TOGETHER.append(group)
    if overruled is not None:
        OVERRULED[group] = overruled


def merge_taken_once(*keys: str) -> None:
    """A request that removed one of these keys took the value it read (a one-off notice, taken by
    the page that shows it): when two requests save the session at once, a new value the other
    request left meanwhile stays, for the next page to show, rather than going unseen."""
    TAKEN_ONCE.update(keys)


def merged(
    read: dict[str, Any],
    mine: dict[str, Any],
    theirs: dict[str, Any],
    item_by_item: Collection[str] = ITEM_BY_ITEM,
    together: Collection[frozenset[str]] = TOGETHER,
    taken_once: Collection[str] = TAKEN_ONCE,
) -> dict[str, Any]:
    """What a request that read the session as ``read`` and would save ``mine`` saves, now that
    another request has saved ``theirs``: each key this request changed (or removed) as it left
    it, item by item for ``item_by_item``, and with it every key it goes ``together`` with; every
    other key as the other request left it. What the other request removed as a whole (the details,
    or the journey, which sending a request clears) stays removed."""
    result = dict(theirs)
    changed = {key for key in read.keys() | mine.keys() if mine.get(key, _ABSENT) != read.get(key, _ABSENT)}
    overruled: list[tuple[frozenset[str], dict[str, Any]]] = []  # (each group, with the values that went)
    cleared = []  # item-by-item keys whose changes went with a removal (``merge_item_by_item``)
    for group in together:
        if not changed & group:
            continue
        changed -= group
        if any(key in read for key in group) and not any(key in theirs for key in group):
            # Cleared by the other request (a request sent): a change made meanwhile does not bring
            # it back, and is gone.
            if any(key in mine for key in group):
                overruled.append((group, {key: mine[key] for key in group if key in mine}))
            continue
        if any(key in mine for key in group):
            if any(theirs.get(key, _ABSENT) not in (read.get(key, _ABSENT), mine.get(key, _ABSENT)) for key in group):
                # The other request changed them too, differently: its values go.
                overruled.append((group, {key: theirs[key] for key in group if key in theirs}))
        elif any(theirs.get(key, _ABSENT) != read.get(key, _ABSENT) for key in group):
            # This request cleared them as the other changed them: its change goes.
            overruled.append((group, {key: theirs[key] for key in group if key in theirs}))
        for key in group:
            if key in mine:
                result[key] = mine[key]
            else:
                result.pop(key, None)
    for key in changed:
        was, now = read.get(key, _ABSENT), mine.get(key, _ABSENT)
        if now is _ABSENT:
            if key in taken_once and theirs.get(key, _ABSENT) != was:
                continue  # this request took the value it read, not the new one left meanwhile
            if key in item_by_item and theirs.get(key, _ABSENT) not in (was, _ABSENT):
                cleared.append(key)  # removed here as the other request changed it: its change goes
            result.pop(key, None)
        elif key in item_by_item:
            if was is not _ABSENT and key not in theirs:
                # The other request cleared it as a whole (a request sent, which keeps the session
                # for the sent request's page): a page saved meanwhile does not bring part of it back.
                cleared.append(key)
                continue
            result[key] = _merged_items(was, now, result.get(key, _ABSENT))
        else:
            result[key] = now
    for key in cleared:  # (last: what says so stands over this request's own notice)
        if key in CLEARED:
            CLEARED[key](result)
    for group, went in overruled:
        if group in OVERRULED:
            OVERRULED[group](result, went)
    return result


def _merged_items(was: Any, now: Any, theirs: Any) -> Any:
    """``now``'s changes from ``was``, made on ``theirs``: a dict field by field, a list as a set
    (anything else, or values of different kinds: ``now``)."""
    if isinstance(now, dict):
        was = {} if was is _ABSENT else was
        theirs = {} if theirs is _ABSENT else theirs
        if not isinstance(was, dict) or not isinstance(theirs, dict):
            return now
        return merged(was, now, theirs, item_by_item=(), together=(), taken_once=())
    if isinstance(now, list):
        was = [] if was is _ABSENT else was
        theirs = [] if theirs is _ABSENT else theirs
        if not isinstance(was, list) or not isinstance(theirs, list):
            return now
        removed = [item for item in was if item not in now]
        kept = [item for item in theirs if item not in removed]
        return kept + [item for item in now if item not in was and item not in kept]
    return now


def when_expired(handler: Callable[[dict[str, Any], dt.datetime], None]) -> None:
    """Have ``handler`` told what each session held, and when it expired, once its idle limit has
    passed, as its row is deleted: by the next request that names it, or by a purge, whichever
    comes first (a facilitator's sign-in timed out: app.inbox.service). Not a session ended
    before its limit (Sign out, Exit this page, Start again): whatever ends it says so itself."""
    EXPIRY_HANDLERS.append(handler)


def _expired(held: dict[str, Any], expired_at: dt.datetime) -> None:
    """Tell each handler. One that cannot write (the database failing) is logged, and the page or
    purge goes on: the session is gone already, and a page must not fail for it."""
    for handler in EXPIRY_HANDLERS:
        try:
            handler(held, expired_at)
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("What an expired session held could not be recorded (%s)", handler.__qualname__, exc_info=True)


def purge_expired_sessions(now: dt.datetime | None = None) -> int:
    """Delete every session whose idle expiry has passed, telling ``when_expired``'s handlers what
    each held; return how many went (with handlers, not counting a rotated id's note: it was no
    one's session)."""
    table = JourneySessionRow.__table__
    expired = delete(table).where(table.c.expires_at <= (now or utcnow()))
    if not EXPIRY_HANDLERS:
        return int(_execute(expired) or 0)
    returning = expired.returning(table.c.data, table.c.expires_at)
    rows = _on_a_connection(lambda connection: connection.execute(returning).all())
    interface = DatabaseSessionInterface()
    went = 0
    for data, expires_at in rows:
        held = interface._loads(data)
        if REPLACED_KEY not in held and ENDED_KEY not in held:  # (a note held nothing: ``REPEAT_GRACE``, ``ENDED_KEY``)
            _expired(held, expires_at)
            went += 1
    return went


def end_sessions_holding(key: str, value: object, because: str | None = None) -> int:
    """Delete every session whose data holds ``value`` under ``key`` (the sessions signed in to an
    account being deactivated: ``session["facilitator_id"]``), however recently used; return how
    many went. With ``because``, each leaves a note of it for its browser (``ENDED_KEY``,
    ``why_it_ended``). Each is read in full, so this is for a rare act (a command), not a page:
    sessions live for the idle limit only, so there are only as many as people using the service now."""
    interface = DatabaseSessionInterface()
    with _engine().connect() as connection:
        rows = connection.execute(select(_TABLE.c.id, _TABLE.c.data)).all()
    ended = 0
    for sid, data in rows:
        held = interface._loads(data)
        if key in held and held[key] == value and type(held[key]) is type(value):
            went = int(_execute(_DELETE, {"sid": sid}) or 0)
            ended += went
            if went and because is not None:
                note = {"id": _ended_id(sid), "data": interface.serializer.dumps({ENDED_KEY: because})}
                _execute(_INSERT, {**note, "expires_at": utcnow() + ENDED_KEPT})
    return ended


def _ended_id(sid: str) -> str:
    """The id of the note an ended session leaves (``ENDED_KEY``): a hash of its id, which only its
    browser's cookie names."""
    return ENDED_PREFIX + hashlib.sha256(sid.encode("ascii")).hexdigest()[:48]


def why_it_ended(take: bool = True) -> str | None:
    """Why the session this request's cookie named was ended by a command (``end_sessions_holding``'s
    ``because``), or None. Taken (the note deleted: said once in that browser) unless not ``take``
    (a page that says it but keeps no session of its own to say it again, as the inbox's poll)."""
    sid = g.get("ended_session_id")
    if sid is None:
        return None
    if take:
        g.pop("ended_session_id")
        note = _execute(delete(_TABLE).where(_TABLE.c.id == _ended_id(sid)).returning(_TABLE.c.data), first=True)
    else:
        note = _execute(select(_TABLE.c.data).where(_TABLE.c.id == _ended_id(sid)), first=True)
    if note is None:
        return None
    because = DatabaseSessionInterface()._loads(note.data).get(ENDED_KEY)
    return because if isinstance(because, str) else None


# "sessions" here are browser sessions (the answers kept on the server), not the Space to Think
# sessions facilitators arrange: the help says so, for operators who meet both words.
sessions_cli = AppGroup(
    "sessions",
    help="Browser sessions kept on the server: someone's answers as they go through the questions, "
    "and facilitators' sign-ins (not the Space to Think sessions facilitators arrange).",
)


@sessions_cli.command("purge")
def purge_command() -> None:
    """Delete browser sessions left idle past the time limit, with the answers they hold (the outbox
    worker does this every minute, and a new session now and then; run it from cron if no worker runs)."""
    count = purge_expired_sessions()
    click.echo(f"Deleted {count} expired session{'s' if count != 1 else ''}.")


def _engine() -> Engine:
    """The autocommit engine the session statements run on."""
    return db.engines[SESSION_BIND]


def _execute(statement: Executable, parameters: dict[str, Any] | None = None, first: bool = False) -> Any:
    """Run one statement on the sessions' engine: the first row when ``first``, else the rows it changed."""

    def run(connection: Connection) -> Any:
        result = connection.execute(statement, parameters)
        return result.first() if first else result.rowcount

    return _on_a_connection(run)


def _on_a_connection(run: Callable[[Connection], Any]) -> Any:
    """``run`` on a connection of the sessions' engine, and what it returns.

    The engine has no pre-ping, so a pooled connection the database dropped (after a restart)
    shows up here: SQLAlchemy then discards it (and every other pooled connection made
    before it), and ``run`` runs once more on a new connection. A second failure is
    the database being down, and is raised as before.
    """
    for attempt in (1, 2):
        try:
            with _engine().connect() as connection:
                return run(connection)
        except DBAPIError as error:
            # A server that stopped answering (not one that dropped the connection) would only
            # hold the page again, for a new connection's connect_timeout.
            if attempt == 2 or not error.connection_invalidated or isinstance(error.orig, DatabaseNotAnswering):
                raise
    raise AssertionError("unreachable")


class _Row(NamedTuple):
    data: str
    expires_at: dt.datetime


# ``_READ`` and ``_WRITE_IF_UNCHANGED`` as psycopg takes them (its own parameter style): see ``_on_driver``.
_READ_FOR_PSYCOPG = "SELECT data, expires_at FROM journey_sessions WHERE id = %(sid)s"
_WRITE_IF_UNCHANGED_FOR_PSYCOPG = (
    "UPDATE journey_sessions SET data = %(new_data)s, expires_at = %(new_expiry)s "
    "WHERE id = %(sid)s AND data = %(read_data)s"
)


def _read(sid: str) -> _Row | None:
    """The session's stored row (``_READ``), or None: the read every request with a session makes."""
    found = _on_driver(_READ, _READ_FOR_PSYCOPG, {"sid": sid}, first=True)
    return None if found is None else _Row(*found)


def _on_driver(statement: Executable, for_psycopg: str, parameters: dict[str, Any], first: bool = False) -> Any:
    """``_execute(statement, parameters, first)``, sent on PostgreSQL as ``for_psycopg`` (the same
    statement) to the driver's own cursor, on a connection checked out as ``_execute`` checks one
    out, not through SQLAlchemy's execution (its context and result): for the session's read,
    which every request with a session makes, and a changed session's write, which every answer
    makes. Measured: about 0.3 ms less CPU for each (docs/PERFORMANCE.md). Their values need no
    conversion (text and timestamps, as SQLAlchemy passes and gives them). The first row as a
    tuple when ``first``, else the rows changed.

    Should the driver fail, the statement is run again through SQLAlchemy on the same connection,
    which then fails as ``_execute``'s statements do: a connection PostgreSQL dropped is discarded
    with every pooled one made before it and the statement runs once more on a new one; anything
    else is a ``SQLAlchemyError`` (the 503 page). A server that stopped answering is not waited
    for twice. On SQLite, whose timestamps are text SQLAlchemy converts, it is ``_execute``."""
    if _engine().dialect.driver != "psycopg":
        return _execute(statement, parameters, first)

    def run(connection: Connection) -> Any:
        try:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(for_psycopg, parameters)
                return cursor.fetchone() if first else cursor.rowcount
            finally:
                cursor.close()
        except DatabaseNotAnswering as error:
            connection.invalidate(error)
            raise OperationalError(for_psycopg, None, error) from None
        except psycopg.Error:
            result = connection.execute(statement, parameters)
            return result.first() if first else result.rowcount

    return _on_a_connection(run)


def add_session_bind(app: Flask) -> None:
    """Give the sessions an autocommit engine on the app's database (before ``db.init_app``)."""
    binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    binds[SESSION_BIND] = {
        **options,
        "url": app.config["SQLALCHEMY_DATABASE_URI"],
        "isolation_level": "AUTOCOMMIT",
        "pool_pre_ping": False,  # a dropped connection is retried instead (_execute)
    }
    app.config["SQLALCHEMY_BINDS"] = binds


def commit_without_waiting_for_the_disk(dbapi_connection: Any, _record: Any) -> None:
    """PostgreSQL: the sessions' commits return before the database has written them to disk
    (``synchronous_commit`` off, for their connections only). Measured on this project's host: a
    commit that waits for the disk took 4 ms (8 ms at the 95th percentile) against 0.2 ms, and
    every answer is one. What it risks is only this: if the database server itself crashes (not
    a restart, nor the app losing it), the last fraction of a second of journeys' saves may be
    lost, so someone just past a question may be asked it again; never a corrupt table. Requests,
    notes, the audit log and everything else still wait for the disk."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET synchronous_commit TO off")
    finally:
        cursor.close()


def init_sessions(app: Flask) -> None:
    """Use the database session interface and refuse requests whose session cannot be read (the factory adds
    ``flask sessions purge``)."""
    app.session_interface = DatabaseSessionInterface()
    with app.app_context():
        engine = db.engines[SESSION_BIND]
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", commit_without_waiting_for_the_disk)
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_when_store_down)


__all__ = [
    "CLAIMED_COUNT",
    "CLAIMED_THEN",
    "Claimed",
    "DatabaseSessionInterface",
    "JourneySession",
    "JourneySessionRow",
    "add_session_bind",
    "carry_on_in_replacement",
    "claim",
    "claim_at_once",
    "claim_the_new_id",
    "expired_session",
    "init_sessions",
    "leave_session_untouched",
    "merge_item_by_item",
    "merge_taken_once",
    "merge_together",
    "merged",
    "not_the_persons_activity",
    "purge_expired_sessions",
    "repeat_of",
    "replaced_meanwhile",
    "reset_session",
    "session_expired",
    "when_expired",
]
