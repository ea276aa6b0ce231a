"""The audit log: who did what to which request, by reference, with no personal data.

``add_event`` adds an event to the current database transaction (a service commits it with
its own work); ``record_event`` commits it on its own (for views that only read).
"""

from __future__ import annotations

from .extensions import db
from .models import AuditEvent, utcnow

REQUESTER = "requester session"
SYSTEM = "system"
CLI = "cli"
SIGN_IN_FORM = "sign-in form"  # someone not (yet) signed in: a failed or refused sign-in


def add_event(action: str, reference: str | None, actor: str = SYSTEM, detail: str = "") -> AuditEvent:
    """Add an event to the session's transaction, uncommitted."""
    event = AuditEvent(at=utcnow(), actor=actor, action=action, reference=reference, detail=detail[:500])
    db.session.add(event)
    return event


def record_event(action: str, reference: str | None, actor: str = SYSTEM, detail: str = "") -> None:
    """Add an event and commit it now."""
    add_event(action, reference, actor, detail)
    db.session.commit()
