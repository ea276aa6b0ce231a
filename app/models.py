"""The stored data: requests for a session, their outbox messages, and the audit log.

Models never commit: services (``app.requests.service``, ``app.mail``, ``app.audit``) do.
Times are UTC without tzinfo, stored the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import Model
from .workflow import STATUSES

# Triage status of a request, for the facilitators (app.workflow: the statuses and the moves
# between them). "new" until someone picks it up.
REQUEST_STATUSES: tuple[str, ...] = STATUSES
# What an outbox message is: the request to the facilitators (with its PDF), the
# acknowledgement to the person who asked (no attachment, no case details), or, once a session
# is arranged, an invitation (or its update), a cancellation, a reminder the day before and the
# feedback link after it (app.space_sessions: their text is stored with the message); and,
# about no request, the notice to an inbox account's own address that its password was changed.
OUTBOX_KINDS: tuple[str, ...] = (
    "facilitators",
    "acknowledgement",
    "invitation",
    "cancellation",
    "reminder",
    "feedback",
    "password_changed",
)
AUDIT_ACTORS: tuple[str, ...] = ("requester session", "system", "cli", "facilitator", "sign-in form")


def utcnow() -> dt.datetime:
    """Now in UTC, without tzinfo."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# The domain of the service's Message-IDs (RFC 2606: reserved, never a real one).
MESSAGE_ID_DOMAIN = "space-to-think.invalid"


def new_message_id(kind: str | None, made_from: str | None = None) -> str:
    """A Message-ID for an email queued now (``OutboxMessage.message_id``): random, or, for an email
    queued once only by what it is (a reminder: ``made_from``, random values its reader already
    holds), a digest of that, so the same email queued again after a restore from a backup taken
    before it went is the same email to a mail program. No key: it must survive the key's rotation."""
    token = hashlib.sha256(made_from.encode("utf-8")).hexdigest()[:32] if made_from else secrets.token_hex(16)
    return f"<outbox-{kind or 'facilitators'}.{token}@{MESSAGE_ID_DOMAIN}>"


class StoredRequest(Model):
    """A request for a Space to Think session, as submitted (or imported), and its PDF.

    The request is stored first, without its PDF; the outbox worker (``app.outbox``) then
    renders the PDF once and stores it, so the requester's download, the email to the
    facilitators and the inbox all hold the same bytes, and a later template or rule pack
    change never rewrites what was sent. Until it is made, ``pdf`` is empty and
    ``pdf_error`` says why the last try failed (never case detail). After a few failed
    tries (``pdf_failed_at``) the facilitators are emailed without it. It goes when the
    request is purged.
    """

    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{status}'" for status in STATUSES) + ")", name="status"),
        # SQLite: a number never given again (migration 0022), as PostgreSQL's sequences never do.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # One request per journey: a double click, a reload or a second tab finds this row.
    journey_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), index=True, default=utcnow)
    mode: Mapped[str] = mapped_column(String(20))
    rule_pack_version: Mapped[str] = mapped_column(String(64))
    outcome_id: Mapped[str] = mapped_column(String(40))
    # question id -> value (a list for multiple choice), exactly as the engine evaluated them
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{question_id, question, answers: [labels], guidance: [{id, source, text}]}]
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # [{id, label}]
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # the request fields (see app.requests.fields), cleaned, plus the identifying-data check
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="new")
    # Copied from the details when stored (the list filters and sorts on them in SQL):
    # "how soon" as its option value, the due date worked out from it (app.workflow.due_date),
    # and the journey's flag ids between commas (",review_under_way,": a LIKE finds one).
    how_soon: Mapped[str | None] = mapped_column(String(20), nullable=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date(), nullable=True, index=True)
    flag_ids: Mapped[str] = mapped_column(String(400), default="", server_default="")
    # Set with the status "redirected": the rule pack outcome it was redirected to, and why
    # (a facilitator's words, checked for identifying data like a note).
    redirected_to: Mapped[str | None] = mapped_column(String(40), nullable=True)
    redirect_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Set with the status "duplicate": the reference of the request this one repeats.
    duplicate_of: Mapped[str | None] = mapped_column(String(16), nullable=True)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)  # loaded only when read
    pdf_made_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True, index=True)
    pdf_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pdf_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # When the worker may try again after a failure (empty: as soon as it can).
    pdf_next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    # When the PDF had failed ``app.outbox.PDF_TRIES_BEFORE_EMAIL`` times: from then on the
    # facilitators' email goes without it (saying so), and the PDF is tried once a day. Empty:
    # the email still waits for the PDF. Kept once the PDF is made after all.
    pdf_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    # When a worker began the try at the PDF now under way (``app.outbox.make_pdf``); emptied when
    # the try ends, made or failed. Left set by a worker that stopped during it. No worker (nor
    # `flask outbox send`, which ignores the waits) takes the request while a try begun then may
    # still be going (``app.outbox.claim_pdf_job``).
    pdf_render_began_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    # Imported from a PDF this service could not check it made, and its work email not yet confirmed
    # by a second person (a facilitator other than the importer, or an operator): nothing is emailed
    # to it and nothing about it is counted until then (migration 0030; ``app.inbox.service``:
    # ``confirm_work_email``).
    email_check_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Whether confirming that work email counts the request sent: not for a request imported unchecked
    # before 0030, which was counted as a request sent when it was imported (migration 0030).
    count_when_confirmed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    outbox: Mapped[list[OutboxMessage]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="OutboxMessage.id",
    )

    def __repr__(self) -> str:
        return f"<StoredRequest {self.reference}>"


class OutboxMessage(Model):
    """An email about a request, stored with it and sent by the outbox worker, retried with
    backoff (``next_attempt_at``). ``kind`` says which (``OUTBOX_KINDS``): "facilitators" (the
    request, sent once its PDF is made, or without it once the PDF has failed a few times:
    ``StoredRequest.pdf_failed_at``); every other kind goes to the person who asked,
    straight away, except an account email ("password_changed"), which belongs to no request
    and goes to an inbox account's own address (``facilitator_id``), straight away too.

    ``last_error`` names what went wrong (the SMTP or network error) and never case detail.
    An email to the person who asked whose address (or the email itself, after a few tries) the
    mail server refuses for good is given up on (``given_up_at``) rather than tried again for
    ever; so is one not sent by its ``send_before`` (a session's invitation once the session has
    started, a reminder once it is no longer the day before).
    """

    __tablename__ = "outbox"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: a number never given again (migration 0022)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The request it is about; empty for an email about an inbox account (``facilitator_id``).
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True, nullable=True
    )
    # The inbox account an account email is about (``mail.ACCOUNT_KINDS``: its password changed),
    # sent to the account's address; empty for an email about a request (migration 0021).
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitators.id", ondelete="CASCADE"), index=True, nullable=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="facilitators", server_default="facilitators")
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # How many of the attempts the mail server refused the email itself (``mail.message_refused``):
    # what giving up counts (``mail.MESSAGE_REFUSED_TRIES``), not failures of other kinds (a
    # mail server down). 0 on rows from before it was added (migration 0019).
    refusals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True, index=True)
    # When the worker stopped trying because the mail server refused the address for good
    # (``mail.refused_for_good``), or the email itself (``mail.message_refused``), or it was too
    # late to send (``mail.TOO_LATE``); never tried again after that.
    given_up_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    # An email that is no use late (a session's invitation or reminder) is sent only before this
    # time; a worker that gets to it later gives it up (``mail.TOO_LATE``) rather than send it.
    send_before: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    # The session emails' text and calendar file, made when queued (app.space_sessions), so what
    # is sent is what the session was then: an update and a cancellation never overtake each other.
    body: Mapped[str | None] = mapped_column(Text(), nullable=True)
    calendar: Mapped[str | None] = mapped_column(Text(), nullable=True)
    # Set on a message that must never be queued twice (a reminder: "reminder:<session uid>:<request id>:<date>").
    dedupe_key: Mapped[str | None] = mapped_column(String(120), nullable=True, unique=True)
    # The email's Message-ID, made when it is queued (``new_message_id``: random) and the same at every
    # attempt, in `flask outbox status` and for `flask outbox mark-sent` (migration 0026). Found
    # (restore review): it was made at each attempt from the row under ``SECRET_KEY``, so after a
    # restore with another key every email waiting in the backup had a Message-ID found nowhere in the
    # mail server's log, and those that had gone after the backup went again. Empty on a row queued
    # before it was added: that one keeps the keyed Message-ID (``emails.message_id``).
    message_id: Mapped[str | None] = mapped_column(
        String(200), nullable=True, default=lambda context: new_message_id(context.get_current_parameters().get("kind"))
    )

    request: Mapped[StoredRequest | None] = relationship(back_populates="outbox")

    def __repr__(self) -> str:
        if self.request_id is None:
            return f"<OutboxMessage {self.id} for account {self.facilitator_id}>"
        return f"<OutboxMessage {self.id} for request {self.request_id}>"


class AuditEvent(Model):
    """Something that happened to a request. Holds the reference, never personal data.

    The reference is a plain string (not a foreign key) so the trail outlives a purge. Entries
    themselves go after ``AUDIT_RETENTION_DAYS`` (``app.audit.purge_audit_events``).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(), index=True, default=utcnow)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40), index=True)
    reference: Mapped[str | None] = mapped_column(String(16), index=True, nullable=True)
    detail: Mapped[str] = mapped_column(String(500), default="")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.reference}>"


class SupervisionRecord(Model):
    """A supervision record asked for in one browser, waiting for the outbox worker to make its
    PDF, or made (``app.supervision_record``). ``key`` is random and known only to the journey
    session that asked (kept in its server-side data, never in an address). ``html`` is the
    rule pack's wording for that journey's answers (no case details, no free text), dropped
    once the PDF is made; ``error`` says why the PDF could not be made (the error's type only).
    The row goes at ``expires_at`` (no later than the journey session's idle limit after it was
    asked for: the worker's purge), when the person starts again or removes their copy, and
    when the same browser asks for a record of other answers."""

    __tablename__ = "supervision_records"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(), index=True)
    html: Mapped[str | None] = mapped_column(Text(), nullable=True)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary(), nullable=True)
    made_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    render_began_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)

    def __repr__(self) -> str:
        return "<SupervisionRecord>"


class QuestionsPdf(Model):
    """The questions to prepare as a PDF, made by the outbox worker for the rules it has loaded
    (``app.questions_pdf``): one row for each rule pack version, partnership file version and
    mode the page offers. It holds the pack's own wording only (nothing anyone typed). A render
    that fails is recorded (``error``: the error's type only) and tried again at
    ``next_attempt_at``, waiting longer each time, as the outbox does. ``wanted_at`` is when a
    worker running these rules last said it still serves them (``app.questions_pdf.want_pdfs``);
    a worker on other rules deletes the row only once that is a day old."""

    __tablename__ = "questions_pdfs"
    __table_args__ = (
        UniqueConstraint("pack_version", "partnership_version", "mode"),
        {"sqlite_autoincrement": True},  # SQLite: a number never given again (migration 0022)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_version: Mapped[str] = mapped_column(String(200))
    partnership_version: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    # None on rows from before it was added (migration 0018): their ``created_at`` stands in.
    wanted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True, default=utcnow)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary(), nullable=True)
    made_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    render_began_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)

    def __repr__(self) -> str:
        return f"<QuestionsPdf {self.mode}>"


class OutboxHold(Model):
    """The outbox held after a restore from a backup (one row, id 1, while held; migration 0026):
    no email is sent and no reminder queued (PDFs are still made) until `flask outbox release`.
    Written by ``scripts/backup --restore`` (or `flask outbox hold`), in the database so every
    worker on every host sees it. Found (restore review): the first pass of a worker started after
    a restore sent "your session is tomorrow" to a practitioner whose session had been cancelled,
    and whose request erased, after the backup, before anyone could re-apply the erasure.
    ``backup_taken_at``: when the backup restored was made (UTC), where the restore could tell."""

    __tablename__ = "outbox_hold"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_at: Mapped[dt.datetime] = mapped_column(DateTime())
    backup_taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)


class PurgeClock(Model):
    """When the worker's purges past a retention period last ran believing the server's clock (one
    row, id 1; migration 0024). Moved on only by such a purge, so a clock far past it is doubted
    (``outbox.clock_doubted``) until ``flask outbox trust-clock`` says it is right."""

    __tablename__ = "purge_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trusted_at: Mapped[dt.datetime] = mapped_column(DateTime())


__all__ = [
    "AUDIT_ACTORS",
    "MESSAGE_ID_DOMAIN",
    "OUTBOX_KINDS",
    "REQUEST_STATUSES",
    "AuditEvent",
    "OutboxHold",
    "OutboxMessage",
    "PurgeClock",
    "QuestionsPdf",
    "StoredRequest",
    "SupervisionRecord",
    "new_message_id",
    "utcnow",
]
