"""The facilitators' side of a request: accounts, assignments and triage notes.

A request's status lives on ``StoredRequest`` itself (``app.models``); who it is assigned to
and the notes about it live here, keyed by the request's id, and go when the request is
purged (``ON DELETE CASCADE``). Facilitators are never deleted, only deactivated, so the
audit log's ``facilitator:<id>`` actors always resolve to a name: theirs, or, once an account
has been deactivated for longer than the audit log is kept (``AUDIT_RETENTION_DAYS``) and its
name, email address and password have been removed, "Former facilitator <id>"
(``app.inbox.service.remove_departed_accounts``).
Models never commit: ``app.inbox.service`` does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..models import utcnow

EMAIL_MAX = 320
NAME_MAX = 100
NOTE_MAX = 1000
# What an account may do: a facilitator works the inbox; the partnership (the owner of the guidance)
# may only read the anonymous counts. ``app.inbox.views.require_facilitator`` enforces it.
FACILITATOR = "facilitator"
PARTNERSHIP = "partnership"
ROLES = (FACILITATOR, PARTNERSHIP)
# What the inbox says after the name of an assignee who cannot work on requests now, the same
# words in the list, its CSV, its "Assigned to" filter and the request page (b149 review: a
# departed assignee was "no longer active" in one and "account closed" in the others, and one moved
# to the partnership role, who can no longer open the request, was shown as if working on it).
CLOSED_ASSIGNEE = " (account closed)"
READ_ONLY_ASSIGNEE = " (cannot work on requests now)"


def works_requests(active: bool | None, role: str | None) -> bool:
    """Whether an account can work on requests: open (active) and with the facilitator role."""
    return bool(active) and role == FACILITATOR


def assignee_suffix(active: bool | None, role: str | None) -> str:
    """What follows an assignee's name: nothing if the account can work on requests, else why not."""
    if works_requests(active, role):
        return ""
    return CLOSED_ASSIGNEE if not active else READ_ONLY_ASSIGNEE


class Facilitator(Model):
    """A member of partnership staff who may sign in to the inbox. Email is stored lower-case.

    ``role`` "partnership" makes a read-only account: it sees the statistics and nothing else
    of the inbox (no request, list, PDF, import, note or status change).
    """

    __tablename__ = "facilitators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    # werkzeug.security's "method$salt$hash" string (scrypt); never the password itself.
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[str] = mapped_column(String(20), default=FACILITATOR, server_default=FACILITATOR)  # one of ROLES
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    # Its password was chosen by someone else (``flask facilitators add`` or ``reset-password``: the
    # person who ran it knows it), so every inbox page sends it to change it first
    # (``app.inbox.views.require_facilitator``); changing it on the inbox's own page clears it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When it was deactivated (empty while active: reactivating empties it), and when its name,
    # email address and password were removed, AUDIT_RETENTION_DAYS later (empty: not removed).
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)

    @property
    def reads_statistics_only(self) -> bool:
        """Whether this is a read-only partnership account."""
        return self.role != FACILITATOR

    @property
    def works_requests(self) -> bool:
        """Whether it can work on requests now (``works_requests``): the inbox marks an assignee who cannot."""
        return works_requests(self.active, self.role)

    @property
    def assignee_suffix(self) -> str:
        """What follows its name as a request's assignee (``assignee_suffix``)."""
        return assignee_suffix(self.active, self.role)

    @property
    def actor(self) -> str:
        """How this facilitator is named in the audit log (an id: the log holds no personal data)."""
        return f"facilitator:{self.id}"

    def __repr__(self) -> str:
        return f"<Facilitator {self.id}>"


class Assignment(Model):
    """Which facilitator a request is assigned to (at most one; no row means unassigned)."""

    __tablename__ = "request_assignments"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id"), index=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Assignment request {self.request_id} to facilitator {self.facilitator_id}>"


class TriageNote(Model):
    """A short note a facilitator added to a request while triaging it."""

    __tablename__ = "triage_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(String(NOTE_MAX))

    def __repr__(self) -> str:
        return f"<TriageNote {self.id} on request {self.request_id}>"


__all__ = [
    "CLOSED_ASSIGNEE",
    "EMAIL_MAX",
    "FACILITATOR",
    "NAME_MAX",
    "NOTE_MAX",
    "PARTNERSHIP",
    "READ_ONLY_ASSIGNEE",
    "ROLES",
    "Assignment",
    "Facilitator",
    "TriageNote",
    "assignee_suffix",
    "works_requests",
]
