"""The audit log: who did what to which request, by reference, with no personal data.

``add_event`` adds an event to the current database transaction (a service commits it with
its own work); ``record_event`` commits it on its own (for views that only read).
``purge_audit_events`` deletes entries older than ``AUDIT_RETENTION_DAYS`` (the outbox worker's
hourly purge and ``flask requests purge``), and records that it did, with the count only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from collections.abc import Sequence
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, delete, func, insert, select

from .config import Config
from .extensions import db
from .models import AuditEvent, utcnow
from .uk_time import UK_TIME, uk_day

REQUESTER = "requester session"
SYSTEM = "system"
CLI = "cli"  # an action run at the server's command line (``cli_actor`` adds who, where it can tell)
SIGN_IN_FORM = "sign-in form"  # someone not (yet) signed in: a failed or refused sign-in
# The entry a purge of the audit log leaves: how many entries went, and how old they were.
AUDIT_PURGED = "audit_purged"


def login_name() -> str | None:
    """The name the person at the server's command line signed in to it under: the terminal's
    login (``os.getlogin``: still theirs through ``sudo`` and ``runuser``, as the README's ``stt``
    runs commands as the service's account), else ``SUDO_USER``; None when neither says (a
    command run by cron or systemd, with no terminal)."""
    try:
        return os.getlogin() or None
    except OSError:
        return os.environ.get("SUDO_USER") or None


def cli_actor() -> str:
    """The audit log's actor for an action run at the server's command line: ``cli``, and the
    login name of the person who ran it where it can be told (``cli:alice``), so that a request
    deleted early, an account closed or an email recorded as sent says who did it (every such
    action read "An administrator" before, whoever ran it)."""
    name = re.sub(r"[^A-Za-z0-9._@-]", "", login_name() or "")[:32]
    return f"{CLI}:{name}" if name else CLI


def actor_in_words(actor: str) -> str | None:
    """How an actor that is not a facilitator reads in an audit trail (None for a facilitator)."""
    if actor == CLI:
        return "An administrator"
    if actor.startswith(f"{CLI}:"):
        return f"An administrator (signed in to the server as {actor.removeprefix(CLI + ':')})"
    return {REQUESTER: "The requester", SYSTEM: "The service"}.get(actor)


# The audit entry a restore from a backup writes (scripts/backup): what was recorded after the
# backup's time is lost, emails sent since among it.
RESTORED_FROM_BACKUP = "restored_from_backup"


def last_restored_at() -> dt.datetime | None:
    """When the service's data was last put back from a backup (its audit entry), if ever."""
    return db.session.scalar(select(func.max(AuditEvent.at)).where(AuditEvent.action == RESTORED_FROM_BACKUP))


# How an audit detail names an email address without keeping it: its keyed tag (``address_tag``),
# after "; " in the detail of an email sent to a requester, of an invitation queued, and of a search by
# work email. Found (b157 review): once a request was deleted, nothing told whether the service had
# emailed, or a facilitator searched for, an address; a data protection officer given the address
# can now tell (`flask facilitators audit-log --email ADDRESS`), and the log holds no address. The
# failed sign-ins' "account tag" is the same tag.
ADDRESS_TAG = "address tag "


def address_tag(email: str) -> str:
    """A short tag for an email address: the same address (its case and spaces aside) always gets
    the same tag, but a list of addresses cannot be matched to tags without the deployment's secret
    key (an HMAC, not a plain hash)."""
    key = str(current_app.secret_key or "").encode("utf-8")
    return hmac.new(key, email.strip().lower().encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:10]


def with_address_tag(detail: str, email: str) -> str:
    """``detail`` with the tag of ``email`` after it ("attempt 1; address tag 0123456789")."""
    return f"{detail}; {ADDRESS_TAG}{address_tag(email)}" if detail else f"{ADDRESS_TAG}{address_tag(email)}"


def without_address_tag(detail: str) -> str:
    """``detail`` without the address's tag ``with_address_tag`` added (for the request's trail)."""
    return re.sub(rf"(?:; )?{ADDRESS_TAG}[0-9a-f]{{10}}\b", "", detail)


def add_event(action: str, reference: str | None, actor: str = SYSTEM, detail: str = "") -> AuditEvent:
    """Add an event to the session's transaction, uncommitted."""
    event = AuditEvent(at=utcnow(), actor=actor, action=action, reference=reference, detail=detail[:500])
    db.session.add(event)
    return event


def record_event(action: str, reference: str | None, actor: str = SYSTEM, detail: str = "") -> None:
    """Add an event and commit it now."""
    add_event(action, reference, actor, detail)
    db.session.commit()


def record_once_a_day(
    action: str, references: Sequence[str], actor: str, detail: str, now: dt.datetime | None = None
) -> None:
    """Audit a showing of requests among others (``action``, with ``detail``: where) in each one's
    own trail, once a UK day for each account, request and place (the first showing each day), so
    going back and forth does not fill every trail. One query for what is already recorded, one
    insert, committed."""
    if not references:
        return
    now = now or utcnow()
    midnight = dt.datetime.combine(uk_day(now), dt.time(0), tzinfo=UK_TIME)
    since = midnight.astimezone(dt.UTC).replace(tzinfo=None)
    recorded = set(
        db.session.scalars(
            select(AuditEvent.reference).where(
                AuditEvent.action == action,
                AuditEvent.actor == actor,
                AuditEvent.detail == detail,
                AuditEvent.reference.in_(references),
                AuditEvent.at >= since,
            )
        )
    )
    new = [reference for reference in dict.fromkeys(references) if reference not in recorded]
    if new:
        db.session.execute(
            insert(AuditEvent),
            [{"at": now, "actor": actor, "action": action, "reference": ref, "detail": detail} for ref in new],
        )
    db.session.commit()


def retention_days() -> int:
    """How long the audit log's entries are kept, in days (``AUDIT_RETENTION_DAYS``)."""
    return int(current_app.config.get("AUDIT_RETENTION_DAYS") or Config.AUDIT_RETENTION_DAYS)


def purge_audit_events(days: int, dry_run: bool = False, now: dt.datetime | None = None, actor: str = SYSTEM) -> int:
    """Delete the audit log's entries from more than ``days`` ago and commit, recording one entry
    that says how many went (the count only; none when nothing did), so the log shows its own
    trimming. On a dry run, only count them. Returns how many went (or would go)."""
    old = AuditEvent.at < (now or utcnow()) - dt.timedelta(days=days)
    if dry_run:
        count = int(db.session.scalar(select(func.count()).select_from(AuditEvent).where(old)) or 0)
        db.session.rollback()
        return count
    # Two workers purging at once: each counts only the entries it deleted itself.
    result = db.session.execute(delete(AuditEvent).where(old).execution_options(synchronize_session=False))
    count = int(cast("CursorResult[Any]", result).rowcount or 0)
    if count:
        add_event(AUDIT_PURGED, None, actor, f"{count} {'entry' if count == 1 else 'entries'} older than {days} days")
    db.session.commit()
    return count
