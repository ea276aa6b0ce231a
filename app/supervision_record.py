"""The supervision record, made by the outbox worker, not inside the web request.

The page that asks for it (``app.requests.views.supervision_record``) renders the record's HTML
(cheap: it needs the journey's answers) and stores it here (``SupervisionRecord``) under a
random key kept only in this browser's journey session (its server-side data, never an
address); the outbox worker (``app.outbox``) claims it like its other work (``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL), renders the PDF and stores it; the page then offers the
download. The same answers asked for again reuse the record; other answers make a new one (the
old row is deleted). A row goes at ``expires_at`` (the journey session's idle limit after it was
asked for: ``purge_expired_records``, run by the worker), when the person starts again, exits or
removes their copy (``forget_record``), and when replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from flask import current_app, request, session
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import SupervisionRecord, utcnow
from .pack import current_partnership
from .pdf import logo_images, render_pdf
from .sessions import claim

# The journey session's key for this browser's record: {"key": the row's key, "of": the digest
# of what it was made from (mode, rules version, answers, the request it came from)}.
SESSION_KEY = "supervision_record"
log = logging.getLogger(__name__)


def digest_of(mode: str, pack_version: str, answers: Mapping[str, Any], reference: str | None) -> str:
    """What a record is made from, as a digest: the same answers give the same record. Kept
    only in the journey session (whose data holds the answers anyway)."""
    text = json.dumps([mode, pack_version, dict(answers), reference], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def record_life() -> dt.timedelta:
    """How long a record is kept: the journey session's idle limit (``SESSION_IDLE_MINUTES``)."""
    return dt.timedelta(minutes=int(current_app.config.get("SESSION_IDLE_MINUTES") or 30))


def this_browsers_record(digest: str | None = None) -> SupervisionRecord | None:
    """The record this journey session asked for (made from ``digest``, if given), still kept."""
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("key"), str):
        return None
    if digest is not None and held.get("of") != digest:
        return None
    record = db.session.get(SupervisionRecord, held["key"])
    if record is None or record.expires_at <= utcnow():
        return None
    return record


def ask_for_record(html: str, digest: str) -> tuple[SupervisionRecord, bool]:
    """Store a new record to be made from ``html`` for this journey session, replacing the one it
    had (deleted); return it, and True. Or, when another request of this session (another tab, a
    second click) asked for one from the same answers meanwhile, that one, and False: the new one
    is written to the stored session in the transaction that stores it (``claim``), so of two at
    the same moment one asks. Commits."""
    held = session.get(SESSION_KEY)  # as this request read it: not a record it can show (the caller)
    now = utcnow()
    record = SupervisionRecord(key=secrets.token_urlsafe(32), created_at=now, expires_at=now + record_life(), html=html)
    db.session.add(record)

    def ours(stored: Any) -> dict[str, str] | None:
        if stored != held and isinstance(stored, dict) and stored.get("of") == digest:
            return None  # asked for meanwhile, from the same answers, by another request
        return {"key": record.key, "of": digest}

    claimed = claim(SESSION_KEY, ours)
    if claimed is None:
        db.session.rollback()
        asked = this_browsers_record(digest)  # (the session now holds what the other request stored)
        if asked is not None:
            return asked, False
        db.session.add(record)  # (that one is gone already, or the session ended meanwhile)
        session[SESSION_KEY] = {"key": record.key, "of": digest}
    replaced = claimed.before if claimed is not None else held
    if isinstance(replaced, dict) and isinstance(replaced.get("key"), str) and replaced["key"] != record.key:
        db.session.execute(delete(SupervisionRecord).where(SupervisionRecord.key == replaced["key"]))
    db.session.commit()
    return record, True


def forget_record(commit: bool = True) -> None:
    """Delete this journey session's record, if it has one (start again, exit, remove my copy).
    With the database not answering, only the session forgets it: the row goes at its time
    (the worker's purge), and leaving never fails for it. Not for a HEAD request (a link checker, a
    preview): it only looks, and its session is not saved (``app.sessions``)."""
    if request.method == "HEAD":
        return
    held = session.pop(SESSION_KEY, None)
    if not (isinstance(held, dict) and isinstance(held.get("key"), str)):
        return
    try:
        db.session.execute(delete(SupervisionRecord).where(SupervisionRecord.key == held["key"]))
        if commit:
            db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("A supervision record was not deleted (%s); it goes at its time", type(error).__name__)


def drop_record(record: SupervisionRecord) -> None:
    """Delete ``record`` (one the person has been told could not be made). Commits."""
    db.session.delete(record)
    db.session.commit()


def claim_record_job(now: dt.datetime, tried: set[str], may_last: dt.timedelta) -> SupervisionRecord | None:
    """Lock and return one record still to be made (or None): never one a worker began less than
    ``may_last`` ago, nor one past its time."""
    began = SupervisionRecord.render_began_at
    query = select(SupervisionRecord).where(
        SupervisionRecord.made_at.is_(None),
        SupervisionRecord.failed_at.is_(None),
        SupervisionRecord.expires_at > now,
        or_(began.is_(None), began <= now - may_last),
    )
    if tried:
        query = query.where(SupervisionRecord.key.not_in(tried))
    query = query.order_by(SupervisionRecord.created_at).limit(1).with_for_update(skip_locked=True)
    return db.session.scalar(query)


def render_record(record: SupervisionRecord) -> bytes:
    """The record's PDF, from its stored HTML (in the renderer's child process, with its limit)."""
    return render_pdf(record.html or "", images=logo_images(current_partnership().logo))


def purge_expired_records(now: dt.datetime | None = None) -> int:
    """Delete the records past their time; returns how many. Commits."""
    result = db.session.execute(delete(SupervisionRecord).where(SupervisionRecord.expires_at <= (now or utcnow())))
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


__all__ = [
    "SESSION_KEY",
    "ask_for_record",
    "claim_record_job",
    "digest_of",
    "drop_record",
    "forget_record",
    "purge_expired_records",
    "render_record",
    "this_browsers_record",
]
