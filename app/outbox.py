"""The outbox worker: makes each stored request's PDF, then emails it to the facilitators.

Nothing slow or fallible happens inside a web request: submitting (or importing) stores the
request and its outbox message in one transaction and returns. ``flask outbox worker`` then,
in its own process:

1. renders the PDF of every request that has none yet and stores it on the request, then every
   supervision record asked for on the site (``app.supervision_record``), stored with it, then the
   questions to prepare for each mode, for the rules loaded, if not made yet
   (``app.questions_pdf``: a failed one waits its turn like a request's PDF);
2. queues the reminders due (sessions tomorrow, from 8am UK time:
   ``app.space_sessions.service.queue_reminders``, at most one per practitioner per session, whichever
   worker gets there first);
3. sends every unsent email: the facilitators' once its request has its PDF (attached), or
   without it once the PDF has failed ``PDF_TRIES_BEFORE_EMAIL`` times (saying so: the request
   is in the inbox), the acknowledgement and the session emails to the person who asked
   straight away.

Each piece of work is claimed with a row lock, ``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL, held until the result is committed, so several workers (on one host or many) can run
at once and never make the same PDF or send the same email twice. An email's attempt is also
committed as it starts, and no worker claims one under way (within as long as a send may take),
so a worker that loses its lock (its connection cut) is not followed by another sending the same
email. (SQLite has no row locks: run one worker there.) A failure is recorded (the error's type
and the mail server's words, never case detail; for a PDF that took longer than
``PDF_RENDER_TIMEOUT_SECONDS`` to render, that it did: its renderer, a child process, is then
stopped), counted, and tried again later, waiting ``OUTBOX_RETRY_SECONDS`` and doubling each
time up to ``OUTBOX_RETRY_MAX_SECONDS`` (a PDF whose facilitators' email went without it: once a
day, ``PDF_RETRY_AFTER_FAILING``); after a failed email the pass sends no more (a hung or slow
mail server costs at most one send's deadline a pass, 3 x ``SMTP_TIMEOUT``: ``mail.smtp_send``),
unless the server answered and refused only that email (its address or its content).
Two exceptions, given up on and shown in the inbox: an email to the person who asked whose
address the mail server refuses for good ("550 no such mailbox"), or the email itself
(``mail.MESSAGE_REFUSED_TRIES`` times: "554 5.7.1 rejected as spam"), and an email that is no
use late, not sent by its ``send_before`` (a session's invitation once the session has started,
a reminder "your session is tomorrow" once it is no longer the day before).
An email is at-least-once: if the worker dies after the mail server took the message and before
the commit, it is sent again, once as long as a send may take has passed. (The database failing
at that commit is not the worker dying: it remembers what went, and records it before sending
anything else.)

After a restore from a backup the outbox is held (``OutboxHold``, written by ``scripts/backup
--restore`` or ``flask outbox hold``): PDFs are made, but no email is sent and no reminder queued
until ``flask outbox release``, once the checks in the README's "Restore" are done.

Commands: ``flask outbox worker`` (runs until SIGTERM or Ctrl+C; ``--once`` does what is due
and exits), ``flask outbox remind`` (only queue the reminders due), ``flask outbox send``
(everything unsent now, ignoring the wait; exit 1 if any remains), ``flask outbox status``,
``flask outbox hold`` and ``flask outbox release``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
import signal
import smtplib
import sqlite3
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import click
from flask import current_app, g
from flask.cli import AppGroup
from sqlalchemy import ColumnElement, and_, func, not_, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from . import audit, emails, mail, pdf_renderer, questions_pdf
from . import retention as retention_purge
from . import supervision_record as record
from .config import MAXIMUMS, StartupError
from .database_files import checkpoint_write_ahead_log, empty_write_ahead_log, rewrite_tables
from .extensions import db
from .inbox.service import (
    EMAIL_NOTICE_SENT,
    PASSWORD_NOTICE_SENT,
    account_closed_before_it_went,
    remove_departed_accounts,
    unchecked_before_it_went,
)
from .models import (
    AuditEvent,
    OutboxHold,
    OutboxMessage,
    PurgeClock,
    QuestionsPdf,
    StoredRequest,
    SupervisionRecord,
    utcnow,
)
from .outage import is_database_outage, log_database_error, outage_in_words, refuses_writes_only
from .pack import OTHER_RULES_WAIT_MINUTES, PACK_KEY, current_pack, read_changed_files, rules_in_use, rules_made_with
from .pdf import PdfRendererNotStarted, PdfRendererStopped, PdfRenderTimeout
from .requests import service
from .schema import refuse_a_database_out_of_step, schema_problem
from .sessions import purge_expired_sessions
from .space_sessions.service import (
    CANCELLATION,
    INVITATION,
    SENT_ACTIONS,
    SEQUENCE_RAISED_AFTER_RESTORE,
    SUBJECTS,
    cancelled_before_it_went,
    is_still_in_subject,
    never_sent_and_taken_out,
    queue_reminders,
    raise_sequences_after_restore,
    reminders_begun,
)
from .stats.service import purge_old_counts, record_first_readings, retention_months
from .templating import keep_every_template, refuse_a_template_mistake

MAX_PDF_ERROR_LENGTH = 300
# How an updated invitation's subject begins ("Updated invitation: ").
UPDATE_SUBJECT_START = SUBJECTS["update"].partition("{")[0]
# After this many tries without a PDF, the facilitators' email about the request goes without it.
# Found (robustness review): the email waited for the PDF for ever, so a request whose document
# made the renderer hang or fail every time was never announced, only tried again every hour.
# Three: a one-off fault (a renderer killed for memory, a worker restarted mid-render) gets two
# more chances, so the PDF is almost always attached; with the default waits (60 s, then 120 s)
# and at most PDF_RENDER_TIMEOUT_SECONDS (60) a try, the facilitators hear within about six
# minutes of the request (longer only where OUTBOX_RETRY_SECONDS is raised).
PDF_TRIES_BEFORE_EMAIL = 3
# Then the PDF is tried once a day, not every hour: each try of a document that hangs holds the
# worker (every other PDF and email) for PDF_RENDER_TIMEOUT_SECONDS, and the request is already
# announced and shown whole in the inbox; a renderer mended meanwhile (an upgrade, more memory)
# still makes it within a day, for the practitioner's copy and the inbox's download.
PDF_RETRY_AFTER_FAILING = dt.timedelta(days=1)
# How long one pass makes requests' PDFs before it sends the emails due; the rest are made in the
# next pass, which starts at once. Found (review at scale): with 310 requests waiting (the worker
# had been stopped), 307 PDFs were made and none of about 1,000 emails sent: acknowledgements,
# invitations and cancellations, which need no PDF, all waited behind them.
PDF_MAKING_PER_PASS_SECONDS = 20.0
# How long a render may still be going after it began: the time limit, a renderer's start and
# its kill (app.pdf_renderer: START_SECONDS, _REAP_SECONDS). No other worker takes the request
# again before then, so two never render the same PDF at once (with OUTBOX_RETRY_SECONDS under
# the render's limit they could), and a request's earlier tries have all ended when it is taken.
RENDER_GRACE_SECONDS = 15
# Why the earlier tries left no PDF and no error: the worker ended during them (killed, or a
# crash in a library), found when the request is taken again.
WORKER_STOPPED = "the PDF was not made: the outbox worker stopped while making it"
# Emails whose text is dropped once sent or given up on: the feedback link's token, kept with
# the request's outbox row, would otherwise tie a later answer (seen in a web server's log) to the
# request, and a copy of the database would hold a working link until the request is purged.
# What an operator needs to see what failed stays: the kind, address, subject, attempts and error.
FORGET_BODY_WHEN_DONE = frozenset({"feedback"})
# Likewise the notice that an account's password changed: its text is of no use once sent, and the
# row (an account's address) goes after the retention period (app.inbox.service.purge_account_emails).
FORGET_BODY_WHEN_DONE |= mail.ACCOUNT_KINDS


# Who a pass's entries in the audit log name: the service (the outbox worker), or the person who ran
# `flask outbox send` (``send_command``). Found (audit review): the emails a person sent by hand were
# recorded as the service's.
SENT_BY_KEY = "outbox_sent_by"


def passed_by() -> str:
    """The actor of this pass's audit entries (``SENT_BY_KEY``)."""
    return str(g.get(SENT_BY_KEY, audit.SYSTEM))


def forget_body_if_done(message: OutboxMessage) -> None:
    """Drop the text of an email sent or given up on, if it is of a kind not kept (``FORGET_BODY_WHEN_DONE``)."""
    if message.kind in FORGET_BODY_WHEN_DONE:
        message.body = None


@dataclass
class PassResult:
    """What one pass of the worker did."""

    pdfs_made: int = 0
    pdfs_failed: int = 0
    sent: int = 0
    send_failed: int = 0
    given_up: int = 0
    reminders_queued: int = 0
    questions_made: int = 0  # the questions to prepare (counted apart from the requests' PDFs)
    questions_failed: int = 0
    brought_forward: int = 0  # emails made due again once the mail server answered (``bring_forward_after_outage``)

    @property
    def did_work(self) -> bool:
        """Whether anything was attempted."""
        return bool(
            self.pdfs_made
            or self.pdfs_failed
            or self.sent
            or self.send_failed
            or self.given_up
            or self.questions_made
            or self.questions_failed
        )


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: the base, doubled each time, capped."""
    base = int(current_app.config.get("OUTBOX_RETRY_SECONDS", 60))
    cap = int(current_app.config.get("OUTBOX_RETRY_MAX_SECONDS", 3600))
    return dt.timedelta(seconds=min(cap, base * 2 ** min(max(attempts - 1, 0), 30)))


def pdf_problem(error: BaseException) -> str:
    """What went wrong making a PDF, for the inbox and the audit log: only the error's type,
    because a renderer's message may quote the document (and so the case); for a render that
    took too long, that it did and the limit (``PDF_RENDER_TIMEOUT_SECONDS``)."""
    if isinstance(error, PdfRenderTimeout):
        limit = f"{error.seconds:g} s"
        return f"the PDF took longer than {limit} to render and was stopped (PDF_RENDER_TIMEOUT_SECONDS)"
    if isinstance(error, (PdfRendererStopped, PdfRendererNotStarted)):
        # Their words are the service's own, never the document's: found (faults review), a
        # renderer killed for memory was "the PDF renderer failed (PdfRendererStopped)" to facilitators.
        return str(error)[:MAX_PDF_ERROR_LENGTH]
    said = _installation_problem(error)
    if said is not None:
        # The renderer cannot run at all (found, operator review: "the PDF renderer failed
        # (OSError)" alone, the cause only in the child's traceback on stderr).
        return f"the PDF renderer cannot run ({type(error).__name__}: {said})"[:MAX_PDF_ERROR_LENGTH]
    return f"the PDF renderer failed ({type(error).__name__})"[:MAX_PDF_ERROR_LENGTH]


def _installation_problem(error: BaseException) -> str | None:
    """What the renderer's installation lacks, if ``error`` says so: a module that cannot be
    imported (its name) or a system library that cannot be loaded ("cannot load library
    'libpango-1.0-0'"), by those names alone, never the rest of the error's words, which may quote
    the document (a test gives one that does); else None."""
    if isinstance(error, ImportError) and error.name and _A_NAME_ALONE.fullmatch(error.name):
        # Only a module not found is missing; another ImportError is a name the module lacks (a
        # version it was not made for: regression review).
        if isinstance(error, ModuleNotFoundError):
            return f"no module named {error.name!r}"
        return f"cannot import a name from {error.name!r} (a version of it this service was not made for?)"
    library = _LIBRARY_NOT_LOADED.search(str(error)) if isinstance(error, OSError) else None
    return f"cannot load library {library[1]!r}" if library is not None else None


# A library's or a module's name, and nothing else ("libpango-1.0-0", "weasyprint.text.fonts").
_A_NAME_ALONE = re.compile(r"[\w.+\-]{1,80}")
_LIBRARY_NOT_LOADED = re.compile(r"cannot load library '([\w.+\-]{1,80})'")


# --- claiming work ----------------------------------------------------------------------------


def claim_pdf_job(now: dt.datetime, tried: set[int], ignore_schedule: bool = False) -> StoredRequest | None:
    """Lock and return one request still without its PDF whose turn has come (or None).

    Never one whose PDF a worker began making less than ``render_may_last`` ago
    (``pdf_render_began_at``), even with ``ignore_schedule``: the try is committed before it
    renders, which ends the row's lock, so `flask outbox send` took a PDF being made, rendered it
    again beside the worker, and on its third try recorded ``WORKER_STOPPED`` (untrue) and sent
    the facilitators' email without it. (On the schedule, its wait kept the others off already.)"""
    began = StoredRequest.pdf_render_began_at
    query = select(StoredRequest).where(
        StoredRequest.pdf_made_at.is_(None), or_(began.is_(None), began <= now - render_may_last())
    )
    if not ignore_schedule:
        query = query.where(or_(StoredRequest.pdf_next_attempt_at.is_(None), StoredRequest.pdf_next_attempt_at <= now))
    if tried:
        query = query.where(StoredRequest.id.not_in(tried))
    query = query.order_by(StoredRequest.id).limit(1).with_for_update(skip_locked=True)
    return db.session.scalar(query)


def waiting_for_an_earlier_email(ids: list[int]) -> set[int]:
    """Which of these unsent emails wait for an earlier one to the same address
    (``mail.waits_for_an_earlier_email``)."""
    if not ids:
        return set()
    return set(
        db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.id.in_(ids), mail.waits_for_an_earlier_email()))
    )


def claim_message(now: dt.datetime, tried: set[int], ignore_schedule: bool = False) -> OutboxMessage | None:
    """Lock and return one unsent email whose turn has come (or None): the facilitators' once
    the request has its PDF or the PDF has failed too often (``pdf_failed_at``), an
    acknowledgement straight away (it has no attachment), and so an account's email; each after
    any earlier one about the same request to the same address."""
    query = (
        select(OutboxMessage)
        # Outer: an account email (a password changed) belongs to no request.
        .outerjoin(StoredRequest, StoredRequest.id == OutboxMessage.request_id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.given_up_at.is_(None),
            or_(
                OutboxMessage.kind != mail.FACILITATORS,
                StoredRequest.pdf_made_at.is_not(None),
                StoredRequest.pdf_failed_at.is_not(None),  # the PDF failed too often: it goes without
            ),
        )
    )
    due = or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
    if not ignore_schedule:
        query = query.where(due)
    else:
        # Sent at once, but for an email to a person whose content the mail server has refused: its
        # three refusals are meant to be minutes apart, for a spam filter's passing fault to pass.
        # Found (outbox review): `flask outbox send` run a few times in a row, as the mail server
        # came back, spent them in seconds and gave the acknowledgement up for good.
        query = query.where(
            or_(OutboxMessage.kind == mail.FACILITATORS, func.coalesce(OutboxMessage.refusals, 0) == 0, due)
        )
    if tried:
        query = query.where(OutboxMessage.id.not_in(tried))
    # Not one another worker began sending and has not ended (``send_message`` commits the attempt's
    # start): found (regression review), on PostgreSQL a worker whose connection was cut while the
    # mail server took an email lost its row lock with it, and a second worker sent the email again.
    query = query.where(not_(mail.attempt_under_way(now)))
    query = query.where(~mail.waits_for_an_earlier_email())
    query = query.order_by(OutboxMessage.id).limit(1).with_for_update(of=OutboxMessage, skip_locked=True)
    return db.session.scalar(query)


# --- doing it ---------------------------------------------------------------------------------


def pdf_retry_delay(request: StoredRequest) -> dt.timedelta:
    """How long to wait before trying the request's PDF again: ``retry_delay``, or
    ``PDF_RETRY_AFTER_FAILING`` (a day, whatever OUTBOX_RETRY_MAX_SECONDS says, as the inbox and
    the email say) once its facilitators' email goes without it."""
    return PDF_RETRY_AFTER_FAILING if request.pdf_failed_at is not None else retry_delay(request.pdf_attempts)


def render_may_last() -> dt.timedelta:
    """The longest a render begun now may still be going (``RENDER_GRACE_SECONDS``)."""
    return dt.timedelta(seconds=float(current_app.config.get("PDF_RENDER_TIMEOUT_SECONDS", 60)) + RENDER_GRACE_SECONDS)


def note_pdf_failed(request: StoredRequest) -> None:
    """Once the PDF has been tried ``PDF_TRIES_BEFORE_EMAIL`` times without being made, set
    ``pdf_failed_at``: the facilitators' email goes without it from now on. Uncommitted."""
    if request.pdf_failed_at is None and request.pdf_attempts >= PDF_TRIES_BEFORE_EMAIL:
        request.pdf_failed_at = utcnow()


def left_for_its_rules(request: StoredRequest, what: str) -> bool:
    """Whether this worker leaves ``what`` (a request's PDF or acknowledgement) to a worker that has
    the rules the request was made with: its rules are not those (``rules_made_with``, which reads
    the files again first if they changed), and the request is less than
    ``OTHER_RULES_WAIT_MINUTES`` old. Found (rules maintainer's review): with two servers side by
    side in a restart, one on the new rules and one on the old, each request's PDF and
    acknowledgement gave the urgent numbers of whichever worker took it, under the stamp of the
    rules it was made with. After that wait, a worker with other rules gives its own (the request
    must not wait for ever for a server that will not come back), as its log says.

    Left as it is, due as it was, its row let go at once: nothing is written, so the other worker
    takes it at its next pass. (Found, regression review: put back by 20 seconds each time, it was
    due again just before this worker's next pass, never the other's, and went after 15 minutes
    with the wrong contacts all the same.)"""
    if rules_made_with(request.rule_pack_version, what):
        return False
    return utcnow() - request.created_at < dt.timedelta(minutes=OTHER_RULES_WAIT_MINUTES)


def make_pdf(request: StoredRequest) -> bool | None:
    """Render and store the request's PDF; on failure record why and when to try again. Commits
    either way. True if the PDF was made; None if it was left to a worker with the rules the
    request was made with (``left_for_its_rules``), nothing written.

    The attempt, and when to try again should it not finish, are committed before rendering: a
    renderer that takes the worker down with it (killed for memory, a crash in a library) then
    leaves that request to wait its turn, and the next worker goes on to the others. Before, the
    same request was claimed first again at every start, and no later PDF was ever made. (The
    commit also ends the row's lock; the request is not due again until then, so no other
    worker takes it meanwhile.)

    The rendering itself happens in a child process, stopped after ``PDF_RENDER_TIMEOUT_SECONDS``
    (``app.pdf_renderer``): a document that makes the renderer hang, or take minutes, is recorded
    as taking too long and tried again later like any other fault, and the pass goes on to the
    other PDFs and the emails. Before, the worker waited for it for ever and sent nothing.

    After ``PDF_TRIES_BEFORE_EMAIL`` tries without a PDF (failed, or ended with the worker), the
    facilitators' email goes without it (``note_pdf_failed``), and the PDF is tried once a day."""
    # Its contacts (the notice's urgent numbers, an outcome's) as the request was made with them.
    if left_for_its_rules(request, f"The PDF for request {request.reference}"):
        db.session.rollback()
        return None
    if (request.pdf_attempts or 0) >= PDF_TRIES_BEFORE_EMAIL and request.pdf_failed_at is None:
        # The earlier tries ended without a PDF or a failure recorded: the worker went down in them.
        request.pdf_error = request.pdf_error or WORKER_STOPPED
        note_pdf_failed(request)
        audit.add_event(
            "pdf_failed", request.reference, passed_by(), f"attempt {request.pdf_attempts}: {request.pdf_error}"
        )
    request.pdf_attempts = (request.pdf_attempts or 0) + 1
    # Not due again before this try can have ended, whatever the wait after a failure; and not
    # taken by `flask outbox send` meanwhile either (``claim_pdf_job``).
    request.pdf_next_attempt_at = utcnow() + max(pdf_retry_delay(request), render_may_last())
    request.pdf_render_began_at = utcnow()
    db.session.commit()
    try:
        with db.session.no_autoflush:  # nothing written (on SQLite: the whole file held) while it renders
            pdf = service.request_pdf(request, current_pack())
    except Exception as error:  # noqa: BLE001 — any renderer fault: keep the request, record it, retry later
        request.pdf_error = pdf_problem(error)
        request.pdf_render_began_at = None
        note_pdf_failed(request)
        request.pdf_next_attempt_at = utcnow() + pdf_retry_delay(request)
        audit.add_event(
            "pdf_failed", request.reference, passed_by(), f"attempt {request.pdf_attempts}: {request.pdf_error}"
        )
        reference, attempts, problem = request.reference, request.pdf_attempts, request.pdf_error
        db.session.commit()
        current_app.logger.warning("PDF for request %s not made (attempt %d): %s", reference, attempts, problem)
        return False
    request_id, reference, attempts = request.id, request.reference, request.pdf_attempts
    request.pdf = pdf
    request.pdf_made_at = utcnow()
    request.pdf_render_began_at = None
    request.pdf_error = None
    request.pdf_next_attempt_at = None
    audit.add_event("pdf_made", request.reference, passed_by(), f"attempt {request.pdf_attempts}")
    try:
        db.session.commit()
    except (ObjectDeletedError, StaleDataError):
        raise  # the request was deleted meanwhile: nothing to store (``_make_each``)
    except SQLAlchemyError as error:
        db.session.rollback()
        _pdf_not_stored(request_id, reference, attempts, error)
        raise  # (the pass ends as for any database fault, and says so)
    return True


def _pdf_not_stored(request_id: int, reference: str, attempts: int, error: SQLAlchemyError) -> None:
    """Record, if the database takes it, that the request's PDF was made but could not be stored,
    and why (``_why_not``: a full disk in words). Found (resources review): with the database's
    disk full, each try was counted with no error recorded, and after three the inbox and `flask
    outbox status` said the worker had stopped while making it (``WORKER_STOPPED``)."""
    why = f"the PDF was made but could not be stored: {_why_not(error)}"[:MAX_PDF_ERROR_LENGTH]
    current_app.logger.warning("PDF for request %s not stored (attempt %d): %s", reference, attempts, why)
    try:
        request = db.session.get(StoredRequest, request_id)
        if request is None:
            return
        request.pdf_error, request.pdf_render_began_at = why, None
        note_pdf_failed(request)  # after as many tries, the facilitators' email goes without it
        audit.add_event("pdf_failed", reference, passed_by(), f"attempt {attempts}: {why}")
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()  # (the database takes nothing at all: its log and the pass's say why)


def make_record(job: SupervisionRecord) -> bool:
    """Render and store a supervision record's PDF (``app.supervision_record``); on failure record
    why (the error's type only: never the record's words) and the person's page says so. Commits
    either way. True if it was made.

    As for a request's PDF, the try is committed before rendering; a record found with a try
    begun and never ended (the worker went down in it) is not tried again: it is marked as
    failed, and the person can ask again."""
    if job.render_began_at is not None:
        job.failed_at, job.error, job.html = utcnow(), WORKER_STOPPED, None
        db.session.commit()
        current_app.logger.warning("Supervision record not made: %s", WORKER_STOPPED)
        return False
    job.render_began_at = utcnow()
    db.session.commit()
    try:
        with db.session.no_autoflush:
            pdf = record.render_record(job)
    except Exception as error:  # noqa: BLE001 — any renderer fault: the person is told and can ask again
        problem = pdf_problem(error)
        job.failed_at, job.error, job.html = utcnow(), problem, None
        db.session.commit()
        current_app.logger.warning("Supervision record not made: %s", problem)
        return False
    job.pdf, job.made_at, job.html = pdf, utcnow(), None
    db.session.commit()
    return True


def make_questions_pdf(job: QuestionsPdf) -> bool:
    """Render and store the questions to prepare in the job's mode (``app.questions_pdf``);
    on failure record why (the error's type) and when to try again (``retry_delay``, doubling).
    Commits either way. True if it was made. As for a request's PDF, the try, and when to try
    again should it not finish, are committed before rendering."""
    job.attempts = (job.attempts or 0) + 1
    job.next_attempt_at = utcnow() + max(retry_delay(job.attempts), render_may_last())
    job.render_began_at = utcnow()
    db.session.commit()
    try:
        with db.session.no_autoflush:
            pdf = questions_pdf.render_questions(job.mode)
    except Exception as error:  # noqa: BLE001 — any renderer fault: recorded, the page says so, tried again later
        problem = pdf_problem(error)
        job.failed_at, job.error, job.render_began_at = utcnow(), problem, None
        job.next_attempt_at = utcnow() + retry_delay(job.attempts)
        mode, attempts = job.mode, job.attempts
        db.session.commit()
        current_app.logger.warning("Questions to prepare (%s) not made (attempt %d): %s", mode, attempts, problem)
        return False
    job.pdf, job.made_at, job.render_began_at = pdf, utcnow(), None
    job.failed_at, job.error, job.next_attempt_at = None, None, None
    db.session.commit()
    return True


# The audit action of an account's email sent.
ACCOUNT_SENT_ACTIONS = {mail.PASSWORD_CHANGED: PASSWORD_NOTICE_SENT, mail.EMAIL_CHANGED: EMAIL_NOTICE_SENT}
# The audit actions of a request's emails other than the facilitators' ("emailed") and the session emails'.
REQUEST_SENT_ACTIONS = {
    mail.ACKNOWLEDGEMENT: "acknowledged",
    mail.REDIRECTED: "redirect_emailed",
    mail.REOPENED: "reopen_emailed",
}

SENT = "sent"
FAILED = "failed"  # to be tried again; the mail server may be down, so the pass sends no more
REFUSED = "refused"  # to be tried again; the server answered and refused only this email
GIVEN_UP = "given up"  # the mail server refused the address or the email for good, or it is too late
# Another process is sending it (``_free_to_send_on_sqlite``), or it went meanwhile: left to it; or it
# is left to a worker with the rules its request was made with (``left_for_its_rules``).
BUSY = "busy"


def give_up_late(message: OutboxMessage, why: str | None = None) -> None:
    """Give up on an email whose ``send_before`` has passed (or, ``why``, that is no use now),
    without sending it; commits."""
    message.given_up_at = utcnow()
    message.next_attempt_at = None
    message.last_error = why or mail.TOO_LATE.get(message.kind, mail.TOO_LATE_DEFAULT)
    forget_body_if_done(message)
    audit.add_event("email_given_up", reference_of(message), passed_by(), f"{about(message)}: {message.last_error}")
    what, problem = email_for(message), message.last_error
    db.session.commit()
    current_app.logger.warning("%s given up: %s", what, problem)


def reference_of(message: OutboxMessage) -> str | None:
    """The reference of the request an email is about, for the audit log (None: an account's email)."""
    return message.request.reference if message.request is not None else None


def about(message: OutboxMessage) -> str:
    """An email's kind for its audit detail, and for an account's email the account (by id). An
    update of an invitation, and a "still in" email (the request out of a session the practitioner
    keeps a place in), by what they are (found, regression review: the trail called a failed
    "still in" email "the session cancellation", as if the practitioner had lost their place)."""
    if message.request_id is None:
        return f"{message.kind} to facilitator:{message.facilitator_id}"
    if message.kind == CANCELLATION and is_still_in_subject(message.subject):
        return LEFT_SESSION_EMAIL
    if message.kind == INVITATION and (message.subject or "").startswith(UPDATE_SUBJECT_START):
        return UPDATE_EMAIL
    return message.kind


# How the audit trail names a "still in" email and an invitation's update (``about``).
LEFT_SESSION_EMAIL, UPDATE_EMAIL = "left_session", "invitation_update"


def email_for(message: OutboxMessage) -> str:
    """What the log calls an email: its kind and its request ("Email (acknowledgement) for request
    STT-…"), or one to an inbox account (by id). Found (operator review): a request's two emails
    failing were two identical lines, the facilitators' and the practitioner's alike."""
    if message.request is None:
        return f"Email ({message.kind}) to inbox account {message.facilitator_id}"
    return f"Email ({message.kind}) for request {message.request.reference}"


def send_message(message: OutboxMessage, now: dt.datetime | None = None) -> str:
    """Send one email (the row is locked) and record the attempt; commits either way.

    Returns ``SENT`` if the mail server took it; ``GIVEN_UP`` if it refused the address for
    good (``mail.refused_for_good``), or the email itself ``mail.MESSAGE_REFUSED_TRIES`` times
    (``mail.message_refused``), and the email is to the person who asked, which is then
    never tried again; else, tried again after ``retry_delay``, ``REFUSED`` if the failure was
    this email's alone (``mail.only_this_email``) and ``FAILED`` if it may be the server's. The facilitators'
    own email is never given up on: their address is the deployment's, and mending it mends
    the sending; refused for a reason that will not mend by itself (``mail.refused_until_mended``),
    its recorded error says so (``mail.UNTIL_MENDED``), for the health check, `flask outbox status`
    and the request's page. An email whose ``send_before`` has passed (``now``, the clock by default) is
    given up on unsent (``GIVEN_UP``): an invitation to a session that has started, or a
    reminder that would say "tomorrow" on the day itself."""
    if message.send_before is not None and (now or utcnow()) >= message.send_before:
        give_up_late(message)
        return GIVEN_UP
    if why := (
        cancelled_before_it_went(message) or account_closed_before_it_went(message) or unchecked_before_it_went(message)
    ):
        # Found: an invitation the worker was sending when its session was cancelled counts as sent
        # (``invitation_sent``); the mail server failing it, it was tried again after the
        # cancellation, inviting the practitioner to a session cancelled.
        give_up_late(message, why)
        return GIVEN_UP
    request = message.request
    if (
        request is not None
        and message.kind in (mail.ACKNOWLEDGEMENT, mail.FACILITATORS)
        # The acknowledgement gives the urgent contacts as the request was made with them.
        and left_for_its_rules(request, email_for(message))
    ):
        db.session.rollback()
        return BUSY
    # An attempt begun and never ended (neither sent nor given a time to try again): the worker
    # sending it stopped (killed, the machine restarted), perhaps after the mail server took it.
    stopped_while_sending = (
        message.last_attempt_at
        if message.last_attempt_at is not None
        and (message.next_attempt_at is None or message.next_attempt_at <= message.last_attempt_at)
        else None
    )
    started = utcnow()
    if db.session.get_bind().dialect.name == "sqlite":
        if not _free_to_send_on_sqlite(message, started):
            db.session.rollback()
            return BUSY
        message.last_attempt_at = started
        message.next_attempt_at = started  # (as the claim wrote it: a failure's wait, or none, is then written)
        _claimed_in_the_open()  # (only the attempt's start: not yet one more attempt)
    else:
        message.last_attempt_at = started
        # Its wait ended too, as on SQLite: an email `flask outbox send` took before its wait was over,
        # the command killed after the mail server took it, kept the old wait, later than the start, so
        # the attempt never counted as under way, and its second sending said nothing of the first
        # (found, regression review).
        message.next_attempt_at = started
        _claimed_in_the_open()  # its row is let go here, and held again at once:
        if not _held_again(message):
            return BUSY
        # (a page may have cancelled it in between, or a command deactivated its account)
        if why := (
            cancelled_before_it_went(message)
            or account_closed_before_it_went(message)
            or unchecked_before_it_went(message)
        ):
            give_up_late(message, why)
            return GIVEN_UP
    message.last_attempt_at = started
    message.attempts += 1
    if message.kind == mail.FACILITATORS and (address := current_app.config.get("FACILITATOR_EMAIL")):
        # To the facilitators' address as it is set now, not as it was when the request came: found
        # (operations review), an email the mail server refused because FACILITATOR_EMAIL was wrong
        # went on going to the wrong address once the setting was mended, refused for ever.
        message.recipient = address
    try:
        # Nothing is written until the attempt is recorded: on SQLite a write holds the whole
        # file, and reading the PDF to attach would otherwise write the attempt first, so every
        # page that saves answers would wait on the mail server, then fail (a slow one takes up
        # to 3 x SMTP_TIMEOUT). On PostgreSQL only this email's row is locked, as before.
        with db.session.no_autoflush:
            email = emails.build_email(message, request)
            mail.smtp_send(email)
    except (OSError, smtplib.SMTPException, RuntimeError, ValueError) as error:
        if taken_out_meanwhile(message):
            return _taken_out(message, sent=False, why=mail.describe_error(error, message.recipient))
        message.last_error = mail.describe_error(error, message.recipient)
        if mail.not_connected(error):
            message.last_error = mail.NOT_CONNECTED + message.last_error
        if mail.message_refused(error):
            message.refusals = (message.refusals or 0) + 1
        # To the person who asked: given up if the mail server refused the address for good, or
        # the email itself ``MESSAGE_REFUSED_TRIES`` times (found: a "554 5.7.1 rejected as spam"
        # was tried for ever, and the inbox said it would be tried again). Only those refusals
        # count (found: tried twice while the mail server was down, it was given up at its first).
        give_up = message.kind != mail.FACILITATORS and (
            mail.refused_for_good(error)
            or (mail.message_refused(error) and message.refusals >= mail.MESSAGE_REFUSED_TRIES)
        )
        # The facilitators' email refused for a reason that will not mend by itself: still tried
        # again, and said so (the health check, `flask outbox status`, the request's page).
        stuck = message.kind == mail.FACILITATORS and mail.refused_until_mended(error)
        if stuck:
            message.last_error = mail.UNTIL_MENDED + message.last_error
        if give_up:
            message.given_up_at = utcnow()
            message.next_attempt_at = None
            forget_body_if_done(message)  # never tried again: a feedback link's token is not kept
        else:
            message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        audit.add_event(
            "email_given_up" if give_up else "email_failed",
            reference_of(message),
            passed_by(),
            f"{about(message)}, attempt {message.attempts}: {message.last_error}",
        )
        what, attempts, problem = email_for(message), message.attempts, message.last_error
        db.session.commit()
        current_app.logger.warning(
            "%s not sent (attempt %d%s): %s",
            what,
            attempts,
            f"; given up, {'the email itself' if mail.message_was_refused(problem) else 'the address'} was refused"
            if give_up
            else "",
            problem,
        )
        if give_up:
            return GIVEN_UP
        if why := cancelled_before_it_went(message):  # cancelled while the mail server was answering
            give_up_late(message, why)
            return GIVEN_UP
        return REFUSED if mail.only_this_email(error) else FAILED
    except SQLAlchemyError:
        raise  # the database: the worker's loop says so, and the attempt is tried again
    except Exception as error:  # noqa: BLE001 — a fault making this email (a broken template): it waits, the rest go
        if taken_out_meanwhile(message):
            return _taken_out(message, sent=False, why=mail.could_not_make(error))
        # Before, it ended the worker (an acknowledgement's template with a mistake) before the
        # attempt was recorded, so each restart tried it first and died again: no email after it
        # went. Recorded by its type only (its words may quote the email), and tried again later.
        message.last_error = mail.could_not_make(error)
        message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        audit.add_event(
            "email_failed",
            reference_of(message),
            passed_by(),
            f"{about(message)}, attempt {message.attempts}: {message.last_error}",
        )
        what, attempts, problem = email_for(message), message.attempts, message.last_error
        db.session.commit()
        current_app.logger.error(
            "%s not sent (attempt %d): %s\n%s",
            what,
            attempts,
            problem,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        return REFUSED
    sent = SentEmail(
        message.id,
        message.kind,
        message.created_at,
        message.attempts,
        utcnow(),
        str(email["Subject"]),
        email_for(message),
        request.reference if request is not None else None,
    )
    try:
        if taken_out_meanwhile(message):
            return _taken_out(message, sent=True, why="")
        _record_sent(message, request, sent.at, sent.subject)
        if stopped_while_sending is not None:
            # Found (outbox review): the worker killed after the mail server's 250 and before "sent" was
            # written, the email went again 5 minutes later, and nothing said the first may have gone.
            _said_in_the_trail(sent, SENT_AGAIN_AFTER_STOP)
            current_app.logger.warning(
                "%s: a worker or command stopped while sending it at %s UTC, before it could record how that ended; "
                "sent again now: it may have arrived twice.",
                sent.what,
                f"{stopped_while_sending:%H:%M}",
            )
    except SQLAlchemyError:
        # Found (faults review): the database stopped just after the mail server took the email,
        # so "sent" was never written, and the next pass sent it again: the facilitators had the
        # request twice. This process remembers it, and writes it before anything else is sent
        # (``record_sent_not_recorded``); only a worker that ends meanwhile sends it again.
        _sent_not_recorded().append(sent)
        raise
    return SENT


@dataclass(frozen=True)
class SentEmail:
    """An email the mail server took: its row (id, kind and when it was queued: on SQLite an id can
    be another email's once its row is deleted), when it went and its subject as sent."""

    id: int
    kind: str
    created_at: dt.datetime
    attempts: int  # with this one
    at: dt.datetime
    subject: str
    what: str  # as the log names it (``email_for``)
    reference: str | None  # its request's


# The audit event of an email the mail server took whose row was taken out before it was recorded,
# and of one another worker sent again before it could be.
SENT_NOT_RECORDED = "sent_not_recorded"
SENT_TWICE = "sent_twice"
# The audit event of an email sent again after the worker sending it before stopped mid-send.
SENT_AGAIN_AFTER_STOP = "sent_again_after_stop"


def _sent_not_recorded() -> list[SentEmail]:
    """Emails the mail server took whose "sent" could not be written (the database went away), for
    this app (its database)."""
    found: list[SentEmail] = current_app.extensions.setdefault(SENT_NOT_RECORDED_KEY, [])
    return found


SENT_NOT_RECORDED_KEY = "space_to_think.sent_not_recorded"


def record_sent_not_recorded() -> None:
    """Write "sent" for each email this process sent whose record failed (the database stopped as the
    mail server answered), unless the row is gone, sent or given up meanwhile; commits. A database
    fault raises (the pass goes no further, so none of them is claimed and sent again)."""
    waiting = _sent_not_recorded()
    while waiting:
        sent = waiting[0]
        message = db.session.get(OutboxMessage, sent.id, with_for_update=True)
        if (
            message is not None
            and (message.kind, message.created_at) == (sent.kind, sent.created_at)
            and message.sent_at is None
            and message.given_up_at is None
        ):
            message.attempts = max(message.attempts, sent.attempts)  # (this try was never written)
            message.last_attempt_at = max(message.last_attempt_at or sent.at, sent.at)
            _record_sent(message, message.request, sent.at, sent.subject)
            current_app.logger.warning(
                "%s: the mail server took it just as the database stopped; recorded as sent now, not sent again",
                sent.what,
            )
        elif message is not None and message.sent_at is not None:
            # Another worker sent it again: the database was away for longer than an attempt counts
            # as under way (``mail.UNDER_WAY_AT_LEAST``). Said in the trail and the log (found,
            # regression review: nothing anywhere said it had gone twice).
            _said_in_the_trail(sent, SENT_TWICE)
            current_app.logger.warning(
                "%s: the mail server took it just as the database stopped, and another worker sent it again once "
                "the database was back, before this one could record it (it was away for longer than %s): it may "
                "have arrived twice.",
                sent.what,
                _duration(mail.attempt_may_last().total_seconds()),
            )
        else:
            # Taken out while the database was away (a session cancelled, a request taken out of it
            # or deleted: found, regression review): nothing now says it went, so nothing follows it
            # (a cancellation). Said where the facilitators look, and in the log.
            _said_in_the_trail(sent, SENT_NOT_RECORDED)
            current_app.logger.error(
                "%s: the mail server took it just as the database stopped, and it was changed or taken out before "
                "this could be recorded (a session changed or cancelled, or the request taken out of it or "
                "deleted): it may have arrived.",
                sent.what,
            )
        waiting.pop(0)


def _said_in_the_trail(sent: SentEmail, action: str) -> None:
    """Nothing written to the email's row; ``action`` (with the email's kind) in its request's
    audit trail, if it has a request. Commits."""
    db.session.rollback()
    if sent.reference is not None:
        event = audit.add_event(action, sent.reference, passed_by(), sent.kind)
        event.at = sent.at  # when it went (the trail says so: regression review)
        db.session.commit()


def _record_sent(message: OutboxMessage, request: StoredRequest | None, sent_at: dt.datetime, subject: str) -> None:
    """Record ``message`` as sent (at ``sent_at``, as ``subject``), with its audit event; commits."""
    message.sent_at = sent_at
    message.subject = subject  # as sent: the facilitators' email without its PDF says so
    message.last_error = None
    message.next_attempt_at = None
    forget_body_if_done(message)  # the feedback link: once sent, nothing stored can lead from the request to the answer
    action = {**SENT_ACTIONS, **REQUEST_SENT_ACTIONS}.get(message.kind, "emailed")
    if action == SENT_ACTIONS[CANCELLATION] and is_still_in_subject(message.subject):
        # The request out of the session, the practitioner keeping a place in it for another: not a
        # cancellation (found, faults review: the trail said "Session cancellation emailed").
        action = "left_session_sent"
    if action == SENT_ACTIONS[INVITATION] and message.subject.startswith(UPDATE_SUBJECT_START):
        # An update after the session changed, not a first invitation (found: the trail said
        # "Session invitation emailed" for both).
        action = "invitation_update_sent"
    if message.kind == mail.FACILITATORS and request is not None and request.pdf_made_at is None:
        action = "emailed_without_pdf"
    if request is None:  # an account's email: which account, by id (the log holds no address)
        event = audit.add_event(
            ACCOUNT_SENT_ACTIONS.get(message.kind, "emailed"),
            None,
            passed_by(),
            f"facilitator:{message.facilitator_id}; attempt {message.attempts}",
        )
    else:
        detail = f"attempt {message.attempts}"
        if message.kind != mail.FACILITATORS:
            # To the requester: the address's tag, not the address (found, b157 review: nothing said
            # where an email went, so one to an address no practitioner typed left no trace of it).
            detail = audit.with_address_tag(detail, message.recipient)
        event = audit.add_event(action, request.reference, passed_by(), detail)
    # When it went, not when that was written: found (regression review), one recorded once the
    # database was back was shown in the trail minutes after it was sent.
    event.at = sent_at
    db.session.commit()


def _free_to_send_on_sqlite(message: OutboxMessage, started: dt.datetime) -> bool:
    """SQLite: mark the attempt's start on ``message`` unless another process is sending it (an
    attempt started within as long as a send may take, and not ended: neither sent nor given a
    time to try again since), in one statement, which waits for any other's write: whether it
    was free. Found (regression review): `flask outbox send` run beside the worker sent 75 of
    120 emails twice, as SQLite has no row locks (``claim_message``'s are PostgreSQL's), and the
    attempt's start committed by one was not looked at by the other."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.given_up_at.is_(None),
            not_(mail.attempt_under_way(started)),
        )
        # Its time to try again too: with it left ahead (an email `flask outbox send` takes before its
        # wait is over), the attempt did not count as under way, and a second `flask outbox send` run
        # at the same moment took it as well (found, outage review: 24 of 36 emails sent twice).
        .values(last_attempt_at=started, next_attempt_at=started)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0) == 1)


def _held_again(message: OutboxMessage) -> bool:
    """PostgreSQL: lock ``message``'s row again once its attempt's start is committed, reading it as
    it is now (a page may have changed it in between), and whether it is still to be sent. Held
    while the mail server answers: the pages tell an email being sent by its lock, as before."""
    again = db.session.get(OutboxMessage, message.id, with_for_update=True, populate_existing=True)
    if again is None or again.sent_at is not None or again.given_up_at is not None:
        db.session.rollback()
        return False
    return True


def _claimed_in_the_open() -> None:
    """Commit the attempt's start (``last_attempt_at``) before the mail server is asked: no other
    worker claims an email whose attempt is under way (``claim_message``), even one whose worker
    lost its row lock (PostgreSQL: its connection cut as the mail server took the email); and, on
    SQLite, for a web request to see which email is being sent (``space_sessions.service.
    _invitation_being_sent``). PostgreSQL tells that by the row's lock, held again while it is sent
    (``_held_again``); SQLite has
    none, and every invitation whose turn had come counted as possibly being sent: a practitioner
    whose invitation had not gone, taken out of the session or the session cancelled, was sent a
    cancellation of it, or an update about a request of theirs "no longer in" it (regression
    review). A commit of its own, at once: no write is held while the mail server answers. Only
    ``last_attempt_at``, which no page shows: the attempt is counted once it has ended (found,
    regression review: counted here, every email looked failed, "tried once", while it was being
    sent). The email's attributes stay as they are (not expired): read again, a row deleted
    meanwhile would be an error, where ``taken_out_meanwhile`` tells it after the send."""
    session = db.session()
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def taken_out_meanwhile(message: OutboxMessage) -> bool:
    """Whether the email's row was deleted while it was being sent, or is another email's now.

    Found (regression review): on SQLite, where the worker holds no lock on the row it sends
    (``claim_message``), a session cancelled meanwhile dropped the invitation (it counts as
    sent there: ``invitation_sent``), SQLite gave its id to the cancellation queued after it,
    and the worker wrote the invitation's failure onto the cancellation, which then went. Read
    as the database has it now, never flushing what this attempt changed. (On PostgreSQL the
    worker holds the row: it is never deleted under it.)"""
    with db.session.no_autoflush:
        found = db.session.execute(
            select(OutboxMessage.kind, OutboxMessage.created_at).where(OutboxMessage.id == message.id)
        ).first()
    return found is None or (found.kind, found.created_at) != (message.kind, message.created_at)


def _taken_out(message: OutboxMessage, sent: bool, why: str) -> str:
    """Record an email taken out of the outbox while it was being sent (``taken_out_meanwhile``):
    nothing is written to its row (gone, or another email's). Sent, the request's trail says so;
    not sent, it is not tried again, and a cancellation queued for a person never sent an
    invitation is dropped with it (``never_sent_and_taken_out``). Commits."""
    with db.session.no_autoflush:  # (loading its request would write this attempt's changes first)
        kind, request_id, what = message.kind, message.request_id, email_for(message)
        recipient, calendar, dedupe_key = message.recipient, message.calendar, message.dedupe_key
    db.session.rollback()  # this attempt's changes to the row: not written
    if sent:
        request = db.session.get(StoredRequest, request_id) if request_id is not None else None
        # The request's own emails too (found, two facilitators at once review: the email saying
        # where to go instead, taken out as it went, left nothing in the trail saying it had gone).
        action = {**SENT_ACTIONS, **REQUEST_SENT_ACTIONS}.get(kind)
        if request is not None and action is not None:
            audit.add_event(action, request.reference, passed_by(), "taken out of the outbox as it went")
        db.session.commit()
        current_app.logger.info(
            "%s was sent, and taken out of the outbox meanwhile (its session or its request changed)", what
        )
        return SENT
    never_sent_and_taken_out(kind, recipient, calendar, dedupe_key)
    db.session.commit()
    current_app.logger.info(
        "%s not sent (%s), and taken out of the outbox meanwhile (its session or its request changed): not tried again",
        what,
        why,
    )
    return GIVEN_UP


def _make_each(
    claim: Callable[[set[Any]], StoredRequest | SupervisionRecord | QuestionsPdf | None],
    make: Callable[[Any], bool | None],
    result: PassResult,
    stop: threading.Event | StopFlag | None,
    what: str,
    until: float | None = None,
) -> None:
    """Claim (``claim``, given the ones tried in this pass) and make (``make``) each PDF due, at
    most once in this pass and, given ``until`` (a ``time.monotonic()`` time), none more once it
    has passed, counting each in ``result``; then end the claiming transaction, even when nothing
    was found.

    A row deleted while its PDF is being made (``what``: "A request", say) is passed over with
    one line in the log: nothing is stored, nothing counted, and the pass goes on. The row's lock
    ends when the try is committed, before rendering, so a request can be deleted meanwhile
    (``flask requests delete``, the retention purge), a supervision record (Start again) or the
    questions' PDF (a worker on other rules); writing the result then found no row, and the pass
    ended there as if the database were not answering, leaving the other work for the next."""
    tried: set[Any] = set()
    while stop is None or not stop.is_set():
        job = claim(tried)
        if job is None:
            break
        tried.add(job.key if isinstance(job, SupervisionRecord) else job.id)
        try:
            made = make(job)
        except (ObjectDeletedError, StaleDataError):  # what reading or writing a row deleted meanwhile raises
            db.session.rollback()
            current_app.logger.info("%s was deleted while its PDF was being made: nothing to store", what)
            continue
        if made:
            result.pdfs_made += 1
        elif made is not None:  # (None: left to another worker, neither made nor failed)
            result.pdfs_failed += 1
        if until is not None and time.monotonic() >= until:
            break  # at least one made; the rest in the next pass, once the emails due have gone
    db.session.rollback()


def run_pass(
    ignore_schedule: bool = False,
    stop: threading.Event | StopFlag | None = None,
    now: dt.datetime | None = None,
    all_pdfs: bool = False,
) -> PassResult:
    """Make every PDF and send every email that is due, each at most once in this pass; the
    requests' PDFs for ``PDF_MAKING_PER_PASS_SECONDS`` at most (one at least: the rest in the next
    pass) unless ``all_pdfs`` (``flask outbox send`` and ``--once``, which make one pass).

    ``ignore_schedule`` tries failed work again without waiting for its turn (``flask outbox
    send``); ``now`` stands in for the clock when deciding what is due (tests)."""
    result = PassResult()
    record_sent_not_recorded()  # before anything is claimed: none of them is sent twice
    held = outbox_held()
    if held is not None:
        say_held(held)
    try:
        result.reminders_queued = 0 if held is not None else queue_reminders(now)
    except SQLAlchemyError:
        raise  # the database: the worker's loop says so
    except Exception as error:  # noqa: BLE001 — a fault making a reminder: the rest of the pass still goes
        # Found (operations review): a fault making a reminder's text (its template, a session's
        # details) ended every pass there, before any PDF or email: no request reached anyone.
        # Logged by its type and frames only, as in run_worker; tried again at the next pass.
        db.session.rollback()
        current_app.logger.error(
            "Outbox worker: the reminders due were not queued (%s); trying again at the next pass\n%s",
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
    # The supervision records asked for (someone is waiting for the download), then the requests'
    # PDFs (for PDF_MAKING_PER_PASS_SECONDS at most), then the questions to prepare.
    _make_each(
        lambda tried: record.claim_record_job(now or utcnow(), tried, render_may_last()),
        make_record,
        result,
        stop,
        "A supervision record",
    )
    _make_each(
        lambda tried: claim_pdf_job(now or utcnow(), tried, ignore_schedule),
        make_pdf,
        result,
        stop,
        "A request",
        until=None if all_pdfs else time.monotonic() + PDF_MAKING_PER_PASS_SECONDS,
    )
    # The questions to prepare, for the rules this worker has loaded.
    questions_pdf.want_pdfs(now)
    questions = PassResult()
    _make_each(
        lambda tried: questions_pdf.claim_questions_job(now or utcnow(), tried, render_may_last()),
        make_questions_pdf,
        questions,
        stop,
        "The questions to prepare",
    )
    result.questions_made, result.questions_failed = questions.pdfs_made, questions.pdfs_failed
    tried_messages: set[int] = set()
    if held is None:
        try_one_after_a_quiet_while(utcnow())  # (the mail server mended while no email was going)
    # Held after a restore (``outbox_held``): no email goes, whatever is due (the PDFs above are made).
    while held is None and (stop is None or not stop.is_set()):
        message = claim_message(now or utcnow(), tried_messages, ignore_schedule)
        if message is None:
            break
        tried_messages.add(message.id)
        outcome = send_message(message, now)
        if outcome == BUSY:
            continue  # another process is sending it (SQLite)
        if outcome == SENT:
            result.sent += 1
        elif outcome == GIVEN_UP:
            result.given_up += 1  # refused for good, or too late: the rest can still go
        elif outcome == REFUSED:
            result.send_failed += 1  # likewise
        else:
            # The mail server is likely down or hung: leave the rest for the next pass, so an
            # outage costs one timeout a pass, not one for every waiting message.
            result.send_failed += 1
            break
    db.session.rollback()
    # At every pass, not only one that sent: an email tried within the last few minutes is left till
    # its try cannot be under way, and then another need not go for it to be due.
    result.brought_forward = 0 if held is not None else bring_forward_after_outage(utcnow())
    # SQLite: what this pass and the visitors since the last one wrote goes into the database file
    # here, in the worker, not inside a visitor's commit (app/extensions.py, use_write_ahead_log).
    checkpoint_write_ahead_log()
    return result


# --- held after a restore from a backup -----------------------------------------------------------

# How often at most a worker says in its log that the outbox is held.
HELD_SAID_EVERY_SECONDS = 60.0
_held_said_at = -math.inf  # (time.monotonic() when this process last said so)
# What to run, said by the worker's log, `flask outbox status` and the health check alike.
RELEASE_WORDS = (
    'no email is sent and no reminder queued until the checks after a restore are done (README, "Restore": '
    "mark-sent, the erasures, deletions and account closures since the backup) and flask outbox release is run"
)
RELEASED = "outbox_released"  # and the release's


def outbox_held() -> OutboxHold | None:
    """The outbox's hold after a restore from a backup (``OutboxHold``), or None when not held."""
    return db.session.get(OutboxHold, 1)


def held_in_words(held: OutboxHold) -> str:
    """The hold, for the worker's log, `flask outbox status` and the health check: since when, after a
    restore of a backup taken when (if known), and what to do."""
    taken = (
        f" of a backup taken at {held.backup_taken_at:%d %B %Y %H:%M} UTC" if held.backup_taken_at is not None else ""
    )
    return f"held since {held.held_at:%d %B %Y %H:%M} UTC, after a restore{taken}: {RELEASE_WORDS}"


def say_held(held: OutboxHold) -> None:
    """Say in the worker's log that the outbox is held, once a minute at most (a pass may be every few
    seconds)."""
    global _held_said_at
    if time.monotonic() - _held_said_at >= HELD_SAID_EVERY_SECONDS:
        _held_said_at = time.monotonic()
        current_app.logger.warning("Outbox worker: the outbox is %s.", held_in_words(held))


def hold(now: dt.datetime, backup_taken_at: dt.datetime | None = None) -> int | None:
    """Hold the outbox (``OutboxHold``) and raise the calendar SEQUENCE of every session not ended yet
    (``space_sessions.service.raise_sequences_after_restore``), as ``scripts/backup --restore`` does
    in SQL. Commits. How many sessions were raised; None if it was held already (nothing done).

    Raised here, at the restore, not at the release: a session changed or cancelled in the inbox
    between the two (the checks after a restore ask for it) queues its update with the SEQUENCE it
    has then, which must already outrank any sent after the backup."""
    if outbox_held() is not None:
        db.session.rollback()
        return None
    raised = raise_sequences_after_restore(now)
    db.session.add(OutboxHold(id=1, held_at=now, backup_taken_at=backup_taken_at))
    db.session.commit()
    return raised


def release() -> OutboxHold | None:
    """End the hold (``OutboxHold``) and say so in the audit log. Commits. The hold that ended (None
    if there was none: nothing is done)."""
    held = outbox_held()
    if held is None:
        db.session.rollback()
        return None
    db.session.delete(held)
    audit.add_event(
        RELEASED,
        None,
        audit.cli_actor(),
        f"emails and reminders go again after the restore (held since {held.held_at:%d %B %Y %H:%M} UTC)",
    )
    db.session.commit()
    return held


def _not_reached(message: Any) -> ColumnElement[bool]:
    """SQL: ``message`` (the outbox, or an alias of it) is an email not sent, not given up, whose
    last try could not reach the mail server (``mail.NOT_CONNECTED``)."""
    return and_(
        message.sent_at.is_(None),
        message.given_up_at.is_(None),
        message.last_error.startswith(mail.NOT_CONNECTED, autoescape=True),
    )


# The longest the worker waits, with no email tried, before trying one waiting for the mail server
# again (``try_one_after_a_quiet_while``).
QUIET_AT_MOST = dt.timedelta(hours=1)


def try_one_after_a_quiet_while(now: dt.datetime) -> bool:
    """With emails waiting because the mail server could not be reached, and no email tried for as
    long as a try may take (``mail.attempt_may_last``, 5 minutes), make the first of them due now:
    found (outage review), after a wrong SMTP_HOST was mended and the worker restarted, 36 emails
    waited 50 minutes, until a new request's email went and brought them forward. Tried once every 5
    minutes at most while the server stays down, less often the longer it has been (a quarter of the
    time since an email last went, an hour at most): found (regression review), every 5 minutes
    added about 288 failed attempts a day to the requests' trails through a long outage. Commits;
    whether one was made due."""
    since = db.session.scalar(select(func.max(OutboxMessage.sent_at))) or db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(_not_reached(OutboxMessage))
    )
    quiet = mail.attempt_may_last()
    if since is not None:
        quiet = min(max(quiet, (now - since) / 4), QUIET_AT_MOST)
    recently = select(OutboxMessage.id).where(OutboxMessage.last_attempt_at >= now - quiet).exists()
    first = db.session.scalar(
        select(OutboxMessage)
        .where(_not_reached(OutboxMessage), OutboxMessage.next_attempt_at > now, not_(recently))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if first is None:
        db.session.rollback()
        return False
    first.next_attempt_at = now
    db.session.commit()
    return True


def bring_forward_after_outage(now: dt.datetime) -> int:
    """The emails waiting out a retry delay because the mail server could not be reached (``mail.
    NOT_CONNECTED``) at an attempt begun before the last one that went, made due now: it answers
    again.
    Found (a long soak): after an outage each email waited out its own delay, doubled at each try
    up to an hour (``OUTBOX_RETRY_MAX_SECONDS``), so the last went minutes after the mail server
    was back, and after a long outage could wait an hour more: a redirect saying "act now" too.

    Not an email refused by the mail server, nor one it hung on after greeting (each the email's
    own doing, perhaps: found, regression review, one the server hung on was tried at every pass).
    Not one whose attempt may still be under way (begun within ``mail.attempt_may_last``), nor, on
    PostgreSQL, one locked by a worker sending it: found (regression review), made due while
    `flask outbox send` was sending it, SQLite's worker sent it again, as an email due and not
    under way; PostgreSQL's waited on its lock till the statement timed out. Commits; how many."""
    went = select(func.max(OutboxMessage.sent_at)).scalar_subquery()  # (``sent_at`` is indexed)
    # Not while the mail server cannot be reached again since the last email went (found, outage
    # review: each waiting email was tried in turn against a server down again, a send timeout each).
    other = aliased(OutboxMessage)
    down_again = select(other.id).where(_not_reached(other), other.last_attempt_at > went).exists()
    waiting = and_(
        _not_reached(OutboxMessage),
        OutboxMessage.next_attempt_at > now,
        OutboxMessage.last_attempt_at < went,
        OutboxMessage.last_attempt_at < now - mail.attempt_may_last(),
        not_(down_again),
    )
    # Read first, without a write (SQLite): nothing to change, nearly always.
    ids = list(db.session.scalars(select(OutboxMessage.id).where(waiting).with_for_update(skip_locked=True)))
    if not ids:
        db.session.rollback()
        return 0
    changed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), waiting)  # (again: SQLite has no row locks)
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    count = int(getattr(changed, "rowcount", 0) or 0)
    if count:
        current_app.logger.info(
            "The mail server answers again: %s waiting since it could not be reached %s due now",
            _plural(count, "email"),
            "is" if count == 1 else "are",
        )
    return count


# How often the worker deletes what is past its time (``purge_due``): journey sessions past their
# idle expiry (answers and request drafts, which may hold a child's details) and supervision
# records past theirs (``app.supervision_record``), and requests past
# the retention period with audit log entries past theirs (and the names and emails of accounts
# deactivated for as long). Without it they would wait for the visitor to come back, for the
# chance sweep on a new session, or for a cron job nobody set up.
PURGE_SESSIONS_EVERY = dt.timedelta(minutes=1)
PURGE_REQUESTS_EVERY = dt.timedelta(hours=1)
# How often the worker rewrites PostgreSQL's tables (``database_files.rewrite_tables``), so what the
# purges deleted leaves their files: an hour after it starts, then once a day. Found (regression review): every
# hour, it wrote the whole database to PostgreSQL's write-ahead log each time, 2 GB a day for a
# 94 MB database, and held the audit log's table for most of a second.
REWRITE_TABLES_EVERY = dt.timedelta(days=1)
# The first rewrite is this long after the worker starts (not as it starts): a rewrite needs free
# space on the database's disk for a copy of each table, and on a disk nearly full it filled it and
# PostgreSQL stopped; a worker restarted again and again (systemd, every 5 seconds after a fault)
# then did it again at each start (resources review).
REWRITE_TABLES_AFTER_START = dt.timedelta(hours=1)


@dataclass
class Purges:
    """When the worker last ran each purge (``None``: not yet in this process)."""

    sessions: dt.datetime | None = None
    requests: dt.datetime | None = None
    rewritten: dt.datetime | None = None
    # Tables whose rewrite failed, and when they may be tried again (the next day: ``purge_due``).
    not_before: dict[str, dt.datetime] = field(default_factory=dict)
    # The tables left busy, the only ones the retry within the hour rewrites (None: every table).
    busy_only: set[str] | None = None
    # The clock as the last purge read it, with the process's own steady clock then (``clock_doubted``).
    clock_read: tuple[dt.datetime, float] | None = None
    # Why this process no longer believes the server's clock, once it has had cause (it lasts till restart).
    clock_doubt: str | None = None


def _why_not(error: SQLAlchemyError) -> str:
    """Why a purge failed, for its log line: a database outage in words (``outage_in_words``: a
    lock waited for, a database taking no writes), else the error's class, never its message.
    Found (a test under load): with the outbox table locked, "Old requests not deleted
    (OperationalError)" said nothing of the lock that the outbox's own line named."""
    return outage_in_words(error) if is_database_outage(error) else type(error).__name__


def _space(why: str) -> str:
    """The free space a rewrite needs, said when ``why`` is that the disk is full."""
    return " (a rewrite needs free space on the database's disk as large as the table)" if "disk" in why else ""


def _tables_in_words(names: list[str]) -> str:
    """ "table counts", "tables audit_events and counts"."""
    return f"table {names[0]}" if len(names) == 1 else f"tables {retention_purge.names_listed(names)}"


# How far the server's clock may jump forward while the worker runs, more than the time that passed
# by the process's own steady clock, before the purges stop believing it (``clock_doubted``): an
# hour or two set right by NTP is no danger to a retention period counted in days.
CLOCK_JUMP = dt.timedelta(hours=6)
# How long after the purges last ran believing the clock (``PurgeClock``) it may be before they doubt it.
CLOCK_AFTER_THE_LAST_PURGE = dt.timedelta(days=7)
# How far the server's clock and PostgreSQL's may differ.
CLOCK_AGAINST_THE_DATABASE = dt.timedelta(minutes=10)


def clock_doubted(done: Purges, now: dt.datetime, real_clock: bool) -> str | None:
    """Why the purges of what is past its retention period must not trust ``now`` (the server's
    clock), or None. Found (operator review): with the worker's clock 100 days fast, its first pass
    deleted every request, sessions still to come among them, with one ordinary line in the log;
    only a restore could bring them back. The clock is doubted:
    - when it is more than ``CLOCK_AFTER_THE_LAST_PURGE`` after the purges last ran believing it
      (``PurgeClock``: a machine restored, moved or started with its clock wrong, or the worker
      stopped that long), until ``flask outbox trust-clock`` says it is right. Kept in the
      database, not by the worker: found (regression review), a worker restarted (a deploy, a
      reboot) had noted its own runs at the wrong time, and believed it;
    - when it jumped forward more than ``CLOCK_JUMP`` while the worker ran (set by hand, or by a
      time server that was wrong), against the machine's own steady clock (time asleep counted:
      found, regression review, a laptop that slept overnight stopped its purges), until the
      worker is restarted;
    - while it is more than ``CLOCK_AGAINST_THE_DATABASE`` from PostgreSQL's.
    ``real_clock``: ``now`` is the clock's (tests give their own times: no jump is looked for)."""
    if real_clock:
        steady = _steady_clock()
        if done.clock_doubt is None and done.clock_read is not None:
            then, steady_then = done.clock_read
            jumped = (now - then) - dt.timedelta(seconds=steady - steady_then)
            if jumped > CLOCK_JUMP:
                done.clock_doubt = (
                    f"this server's clock jumped forward {_days_or_hours(jumped)} while the worker ran, "
                    f"to {now:%d %B %Y %H:%M} UTC"
                )
        done.clock_read = (now, steady)
    if done.clock_doubt is not None:
        return done.clock_doubt
    trusted = db.session.get(PurgeClock, 1)
    if trusted is not None and now - trusted.trusted_at > CLOCK_AFTER_THE_LAST_PURGE:
        return (
            f"this server's clock says {now:%d %B %Y %H:%M} UTC, {_days_or_hours(now - trusted.trusted_at)} after "
            f"the purges last ran ({trusted.trusted_at:%d %B %Y %H:%M} UTC). If the clock is right (the worker was "
            "stopped that long, or a backup that old was restored), run flask outbox trust-clock"
        )
    if real_clock and db.engine.dialect.name == "postgresql":
        database_now = db.session.scalar(select(func.now()))
        db.session.rollback()  # (no transaction left open by the question)
        if isinstance(database_now, dt.datetime):
            database_utc = database_now.astimezone(dt.UTC).replace(tzinfo=None)
            if abs(database_utc - now) > CLOCK_AGAINST_THE_DATABASE:
                return (
                    f"this server's clock says {now:%d %B %Y %H:%M} UTC and the database server's "
                    f"{database_utc:%d %B %Y %H:%M} UTC"
                )
    return done.clock_doubt


def _steady_clock() -> float:
    """Seconds on a clock no one sets, which counts the time the machine slept (Linux's boot time)."""
    return time.clock_gettime(time.CLOCK_BOOTTIME) if hasattr(time, "CLOCK_BOOTTIME") else time.monotonic()


def trust_clock(now: dt.datetime) -> None:
    """Note that the purges ran believing the clock at ``now`` (``PurgeClock``). Commits."""
    trusted = db.session.get(PurgeClock, 1)
    if trusted is None:
        db.session.add(PurgeClock(id=1, trusted_at=now))
    else:
        trusted.trusted_at = now
    db.session.commit()


def _days_or_hours(span: dt.timedelta) -> str:
    """ "100 days", "1 day", "7 hours", to the nearest (a jump is measured a few seconds short or
    long of the clock's change: found, a busy machine's 100 days said "99 days")."""
    if span >= dt.timedelta(hours=23.5):
        days = round(span / dt.timedelta(days=1))
        return f"{days} day{'s' if days != 1 else ''}"
    hours = round(span / dt.timedelta(hours=1))
    return f"{hours} hour{'s' if hours != 1 else ''}"


def purge_due(done: Purges, now: dt.datetime | None = None) -> tuple[int, int]:
    """Run each purge whose turn has come (sessions every minute; requests, then audit log
    entries, then deactivated accounts' personal data, then old months' counts, every hour; each
    at once in a new worker); returns how many (sessions, requests) were deleted. Commits.

    A purge that fails is logged (its error's type only) and waits for its next turn: it never
    stops the worker making PDFs and sending emails.

    A purge last run "later" than ``now`` (the machine's clock set back) is due at once: found
    (review of a long-running worker), with the clock set back a day, no purge ran for a day, and
    answers past their 30 minutes, and requests past their retention period, stayed as long. The
    tables' rewrite starts its day again, an hour from then.

    A clock the purges past a retention period cannot trust (``clock_doubted``) stops them, each
    hour saying why, till the worker is restarted."""
    real_clock = now is None
    now = now or utcnow()
    sessions = requests = 0
    if done.sessions is None or not dt.timedelta(0) <= now - done.sessions < PURGE_SESSIONS_EVERY:
        done.sessions = now
        try:
            sessions = purge_expired_sessions(now)
        except SQLAlchemyError as error:
            current_app.logger.warning("Expired sessions not deleted (%s); trying again in a minute", _why_not(error))
        try:
            record.purge_expired_records(now)
        except SQLAlchemyError as error:
            db.session.rollback()
            current_app.logger.warning(
                "Expired supervision records not deleted (%s); trying again in a minute", _why_not(error)
            )
    if done.requests is None or not dt.timedelta(0) <= now - done.requests < PURGE_REQUESTS_EVERY:
        done.requests = now
        doubt = clock_doubted(done, now, real_clock=real_clock)
        if doubt is not None:
            current_app.logger.error(
                "Nothing past its retention period was deleted: %s. A clock set wrong deletes requests before their "
                "time. Check the clock (timedatectl); if it is right, run flask outbox trust-clock and restart the "
                "worker (systemctl restart space-to-think-worker), and the purges run again",
                doubt,
            )
        else:
            requests = _purge_past_retention(now)
            try:
                trust_clock(now)
            except SQLAlchemyError as error:
                db.session.rollback()
                current_app.logger.warning("The purges' time not noted (%s)", _why_not(error))
    if done.rewritten is None or done.rewritten > now + REWRITE_TABLES_AFTER_START:
        done.rewritten = now - REWRITE_TABLES_EVERY + REWRITE_TABLES_AFTER_START
        # (A table whose rewrite failed while the clock was fast waits a day from now, not from then:
        # regression review.)
        done.not_before = {name: min(until, now + REWRITE_TABLES_EVERY) for name, until in done.not_before.items()}
    elif now - done.rewritten >= REWRITE_TABLES_EVERY:
        done.rewritten = now
        # Out of PostgreSQL's table files too (with a journey's earlier answers). One that fails is tried
        # again tomorrow, not within the hour: a rewrite that failed for want of disk space took
        # PostgreSQL down, and again at each hourly try once it was started (resources review).
        busy = []
        try:
            # A table that failed waits for tomorrow, even while another only busy is tried again within
            # the hour (regression reviews: the busy one's retry took the failed one again too).
            # Only the tables left busy, when this is their retry (regression review: every table was
            # rewritten again each hour, each held for itself, while one stayed busy).
            done_now = rewrite_tables(
                skip={name for name, until in done.not_before.items() if now < until}, only=done.busy_only
            )
        except SQLAlchemyError as error:
            why = _why_not(error)
            current_app.logger.warning(
                "PostgreSQL's tables not rewritten: %s. Trying again tomorrow%s", why, _space(why)
            )
        else:
            busy = done_now.busy
            for name in done_now.failed:
                done.not_before[name] = now + REWRITE_TABLES_EVERY
            if done_now.failed:
                reasons = "; ".join(dict.fromkeys(done_now.failed.values()))
                current_app.logger.warning(
                    "PostgreSQL's %s not rewritten: %s. Trying again tomorrow%s",
                    _tables_in_words(list(done_now.failed)),
                    reasons,
                    _space(reasons),
                )
            if done_now.tables:
                current_app.logger.info(
                    "Rewrote PostgreSQL's tables (%d), so what was deleted has left their files", len(done_now.tables)
                )
        done.busy_only = set(busy) or None
        if busy:  # a table in use: tried again at the next hourly purge, not in a day (regression review)
            done.rewritten = now - REWRITE_TABLES_EVERY + PURGE_REQUESTS_EVERY
    return sessions, requests


def _one_purge(purge: Callable[[], int], not_done: str, done: str, period: int) -> int:
    """Run one purge and log what it deleted (``done``, with the count and ``period``), or why it
    could not (``not_done``; it waits for its next turn); returns how many it deleted."""
    try:
        count = purge()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("%s (%s); trying again in an hour", not_done, _why_not(error))
        return 0
    if count:
        current_app.logger.info(done, count, period)
    return count


def _purge_past_retention(now: dt.datetime) -> int:
    """The hourly purges of what is past its retention period: requests, then audit log entries,
    deactivated accounts' personal data and old months' counts; returns how many requests were
    deleted. Each that fails is logged and waits for its next turn."""
    requests = 0
    retention = int(current_app.config.get("RETENTION_DAYS") or 90)
    kept: tuple[tuple[str, str], ...] = ()
    try:
        purged = retention_purge.purge_requests(retention, now=now, actor=audit.SYSTEM)
        requests, kept = len(purged.references), purged.kept
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("Old requests not deleted (%s); trying again in an hour", _why_not(error))
    if requests:
        current_app.logger.info("Deleted %d request(s) older than %d days", requests, retention)
    for reference, why in kept:
        current_app.logger.warning("Request %s, older than %d days, kept: %s", reference, retention, why)
    audit_days = audit.retention_days()
    _one_purge(
        lambda: audit.purge_audit_events(audit_days, now=now, actor=audit.SYSTEM),
        "Old audit log entries not deleted",
        "Deleted %d audit log entries older than %d days",
        audit_days,
    )
    _one_purge(
        lambda: remove_departed_accounts(audit_days, now=now, actor=audit.SYSTEM),
        "Deactivated accounts' names and emails not removed",
        "Removed the name, email and password of %d account(s) deactivated over %d days ago",
        audit_days,
    )
    counts_months = retention_months()
    _one_purge(
        lambda: purge_old_counts(counts_months, now=now),
        "Old counts not deleted",
        "Deleted the counts of %d month(s) before the last %d months",
        counts_months,
    )
    try:
        record_first_readings(now=now)  # a quarter that has ended is read with the rules it ended under
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning(
            "The last quarter's statistics not read (%s); trying again in an hour", _why_not(error)
        )
    try:
        empty_write_ahead_log()  # what the purges deleted, out of SQLite's log too
    except SQLAlchemyError as error:
        current_app.logger.warning("SQLite's log not emptied (%s); trying again in an hour", _why_not(error))
    return requests


def run_worker(stop: threading.Event | StopFlag, poll_seconds: float) -> None:
    """Passes until ``stop`` is set, sleeping ``poll_seconds`` between passes that found nothing,
    and the purges when due (``purge_due``). A database fault is logged (its type, or as
    ``log_database_error`` logs it: never its parameters or its message) and tried again later."""
    purges = Purges()
    outage = OutageLog()
    # Found (operator review): after `flask db downgrade` with the worker running, it logged a
    # ProgrammingError and its frames every pass, where the health check said what to run.
    out_of_step = OutageLog(over="the database is at the version this code needs again")
    while not stop.is_set():
        began = time.monotonic()
        # Rule files changed and not restarted with (the web app restarted, the worker forgotten), once
        # the change is OTHER_RULES_WAIT_MINUTES old: taken, as a restart would. Found (contact change
        # review): a worker left running queued every day's reminders with the Emergency Duty Team's old
        # number, and nothing said so.
        try:
            read_changed_files(current_app._get_current_object(), dt.timedelta(minutes=OTHER_RULES_WAIT_MINUTES))  # type: ignore[attr-defined]  # the app itself, to change
            purge_due(purges)
            result = run_pass(stop=stop)
            outage.ended(began, wrote=result.did_work)
            out_of_step.ended(began)
        except SQLAlchemyError as error:
            problem = _schema_out_of_step() if _may_be_out_of_step(error) else None
            if problem is not None:
                out_of_step.still(problem.rstrip("."), poll_seconds)
            elif is_database_outage(error):
                outage.still(outage_in_words(error), poll_seconds, writes_only=refuses_writes_only(error))
            else:
                # Any other database error (a constraint broken, say): where it happened, by its
                # type, SQLSTATE, statement and frames, never its message, which on PostgreSQL
                # quotes the row (a request's details). Before, it was said to be the database
                # not answering, with nothing to find the fault by.
                log_database_error(error, during=f"in the outbox worker (trying again in {poll_seconds:g}s)")
            db.session.rollback()
            result = PassResult()
        except Exception as error:  # noqa: BLE001 — any other fault: logged, and the worker carries on
            # (Its type and frames, never its words, which may quote a request.) Ending the
            # process would stop every PDF, email and purge until something restarted it.
            current_app.logger.error(
                "Outbox worker: a pass failed (%s); trying again in %ss\n%s",
                type(error).__name__,
                poll_seconds,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            db.session.rollback()
            result = PassResult()
        finally:
            db.session.remove()
        if result.did_work:
            # One line a pass that did something (counts only), so the journal shows it working.
            click.echo(f"Outbox worker: {_summary(result)}")
        else:
            stop.wait(poll_seconds)


def _may_be_out_of_step(error: SQLAlchemyError) -> bool:
    """Whether a pass's database error may be a schema other than this code's: any error but an
    outage, and SQLite's "no such table" or "no such column" (SQLite's own words, naming no value),
    which it raises as an OperationalError, as it does for a file it cannot open."""
    if not is_database_outage(error):
        return True
    original = getattr(error, "orig", None)
    return isinstance(original, sqlite3.OperationalError) and str(original).startswith(
        ("no such table", "no such column")
    )


def _schema_out_of_step() -> str | None:
    """After a database error in a pass: what is wrong with the database's schema for this code
    (``schema_problem``: "... run `flask db upgrade` ..."), or None if it is the one it needs (or
    cannot be read now)."""
    db.session.rollback()
    try:
        said = schema_problem(db.session.connection())
    except SQLAlchemyError:
        db.session.rollback()
        return None
    # The worker carries on by itself once the database is upgraded (found, operator review: "then
    # start it again", beside "trying again every 5s", sent operators into restarts not needed).
    return said.replace(", then start it again.", ": the worker carries on by itself then") if said else None


class OutageLog:
    """What the worker says of a database outage: when it starts, once a minute while it lasts
    (``REPEAT_SECONDS``), and when it ends. Found (operator review): a line every pass (12 a
    minute, about 17,000 a day in a long outage), and nothing when the database was back."""

    REPEAT_SECONDS = 60.0

    def __init__(self, over: str = "the database is answering again") -> None:
        """``over``: what is said when it ends."""
        self.since: float | None = None
        self.said_at = 0.0
        self.over = over
        self.writes_only = False  # the outage refuses writes only (a full disk): reads still work

    def still(self, words: str, poll_seconds: float, writes_only: bool = False) -> None:
        """Say the outage (``words``) goes on. ``writes_only``: the database answers, but takes no
        writes (``outage.refuses_writes_only``)."""
        self.writes_only = writes_only
        now = time.monotonic()
        if self.since is None:
            self.since, self.said_at = now, now
            current_app.logger.warning("Outbox worker: %s; trying again every %ss", words, f"{poll_seconds:g}")
        elif now - self.said_at >= self.REPEAT_SECONDS:
            self.said_at = now
            current_app.logger.warning(
                "Outbox worker: %s, for %s now; still trying every %ss",
                words,
                _duration(now - self.since),
                f"{poll_seconds:g}",
            )

    def ended(self, answered: float | None = None, wrote: bool = True) -> None:
        """Say it is over. ``answered``: when the pass that found the database answering began
        (``time.monotonic()``), which the outage is counted to, not the pass's end. Found (regression
        review): a pass of ten slow sends after a few seconds' outage logged "after 85 seconds".
        ``wrote``: the pass wrote something; an outage of writes only is not over till one has
        (found, operator review: a pass with nothing to write logged "the database is answering
        again" two seconds after its disk filled, the disk still full)."""
        if self.since is not None and not (self.writes_only and not wrote):
            until = time.monotonic() if answered is None else max(answered, self.since)
            current_app.logger.warning("Outbox worker: %s, after %s", self.over, _duration(until - self.since))
            self.since = None


def _duration(seconds: float) -> str:
    """A wait in words: "40 seconds", "3 minutes"."""
    if seconds < 90:
        return _plural(round(seconds), "second")
    return _plural(round(seconds / 60), "minute")


def _summary(result: PassResult) -> str:
    """What a pass did, in counts: "Made 1 PDF (0 failed); sent 2 messages (0 failed)."."""
    return (
        f"Made {_plural(result.pdfs_made, 'PDF')} ({result.pdfs_failed} failed); "
        f"sent {_plural(result.sent, 'message')} ({result.send_failed} failed"
        + (f", {result.given_up} given up" if result.given_up else "")
        + ")."
        + (
            f" Made the questions to prepare as a PDF in {_plural(result.questions_made, 'mode')} "
            f"({result.questions_failed} failed)."
            if result.questions_made or result.questions_failed
            else ""
        )
    )


class StopFlag:
    """``threading.Event``'s ``set``, ``is_set`` and ``wait``, without its lock, for a signal
    handler to set. Found (partnership review): SIGTERM's handler called ``Event.set()``, which
    takes the event's lock; a signal arriving while the worker's own ``wait`` held that lock
    waited for itself, so the worker never stopped (``systemctl restart`` hung until it was
    killed, perhaps in the middle of an email). ``wait`` sleeps in short steps, checking the flag."""

    STEP_SECONDS = 0.1

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._set:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(left, self.STEP_SECONDS))
        return self._set


@contextmanager
def stop_on_signals(stop: StopFlag) -> Iterator[None]:
    """Set ``stop`` on SIGTERM or SIGINT (Ctrl+C): the work in hand is finished first. The
    handler only sets the flag and writes its line straight to standard error: no lock (a
    logging handler's, the flag's) is taken where the interrupted code may hold it."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            return  # said once (Ctrl+C, then the SIGTERM of whatever started it: review)
        stop.set()
        with suppress(OSError):
            os.write(
                sys.stderr.fileno(),
                f"Outbox worker: {signal.Signals(signum).name} received, stopping after the work in hand\n".encode(),
            )

    previous = {number: signal.signal(number, handler) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def unsent_messages(given_up: bool = False) -> list[OutboxMessage]:
    """Outbox messages not yet sent and still to be tried (or, with ``given_up``, those the
    worker gave up on), oldest first."""
    state = OutboxMessage.given_up_at.is_not(None) if given_up else OutboxMessage.given_up_at.is_(None)
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), state)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )


def being_sent(messages: list[OutboxMessage], now: dt.datetime) -> set[int]:
    """The ids of ``messages`` (unsent) that a worker is sending now (``sending_now``)."""
    return set(sending_now(messages, now))


def sending_now(messages: list[OutboxMessage], now: dt.datetime) -> dict[int, bool]:
    """For `flask outbox status`: the ids of ``messages`` (unsent) that a worker is sending now,
    each with whether a worker is known to hold it. PostgreSQL: the worker holds the row while the
    mail server answers (``claim_message``); the rows are looked at with SKIP LOCKED, on a
    connection of its own, and let go at once. And, as on SQLite, one whose attempt is under way
    (its start committed, within as long as a send may take, not ended) but held by no worker (it
    stopped, or lost its database connection, as it sent): no worker takes it up until that time
    has passed. SQLite cannot tell who holds it: False for each. Found (regression review): the
    list said "unsent" of an email on its way."""
    if not messages:
        return {}
    ids = [message.id for message in messages]
    under_way = select(OutboxMessage.id).where(OutboxMessage.id.in_(ids), mail.attempt_under_way(now))
    if db.session.get_bind().dialect.name == "sqlite":
        # (Found, regression review: one that failed a minute ago, its retry due, read as sending.)
        return dict.fromkeys(db.session.scalars(under_way), False)
    try:
        with db.engine.connect() as looking:  # its own, ended at once: the locks it takes are let go
            free = set(
                looking.scalars(
                    select(OutboxMessage.id).where(OutboxMessage.id.in_(ids)).with_for_update(skip_locked=True)
                )
            )
            started = set(looking.scalars(under_way))
    except SQLAlchemyError as error:
        if not refuses_writes_only(error):
            raise
        # A read-only database (a standby, a reporting copy) takes no row locks: who holds a row cannot
        # be told there, as on SQLite (found, regression review: `flask outbox status` failed on one).
        return dict.fromkeys(db.session.scalars(under_way), False)
    return {**dict.fromkeys(started & free, False), **dict.fromkeys(set(ids) - free, True)}


def requests_without_pdf() -> list[StoredRequest]:
    """Requests whose PDF is not made yet, oldest first."""
    return list(
        db.session.scalars(
            select(StoredRequest)
            .where(StoredRequest.pdf_made_at.is_(None))
            .order_by(StoredRequest.created_at, StoredRequest.id)
        )
    )


def records_not_made() -> list[SupervisionRecord]:
    """Supervision records asked for and not made: waiting, being made, or failed; oldest first."""
    return list(
        db.session.scalars(
            select(SupervisionRecord)
            .where(SupervisionRecord.made_at.is_(None))
            .order_by(SupervisionRecord.created_at, SupervisionRecord.key)
        )
    )


def questions_pdfs_failed() -> list[QuestionsPdf]:
    """The questions to prepare whose PDF could not be made (and is not made since), for any
    rules version, oldest first."""
    return list(
        db.session.scalars(
            select(QuestionsPdf)
            .where(QuestionsPdf.made_at.is_(None), QuestionsPdf.failed_at.is_not(None))
            .order_by(QuestionsPdf.created_at, QuestionsPdf.id)
        )
    )


def refused_until_mended() -> int:
    """How many facilitators' emails are unsent because the mail server refuses them for a reason
    that will not mend by itself (``mail.UNTIL_MENDED``): the health check and `flask outbox
    send` count them, `flask outbox status` lists them with what to do."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.kind == mail.FACILITATORS,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.given_up_at.is_(None),
                OutboxMessage.last_error.startswith(mail.UNTIL_MENDED, autoescape=True),
            )
        )
        or 0
    )


# The worker looks for work every few seconds: anything it has not even tried after this long
# means it is not running (the health check says so).
UNTRIED_AFTER = dt.timedelta(minutes=10)


def two_waits() -> dt.timedelta:
    """Two of the worker's waits between passes (OUTBOX_POLL_SECONDS): the least a check that the
    worker runs must allow (found, regression review: a worker set to look every hour was called
    stopped)."""
    return dt.timedelta(seconds=2 * float(current_app.config.get("OUTBOX_POLL_SECONDS") or 5))


def in_minutes(span: dt.timedelta) -> str:
    """``span`` in whole minutes, rounded up ("10 minutes"); from 2 hours, in hours and minutes
    ("2 hours", "2 hours 10 minutes": regression review, "130 minutes")."""
    minutes = math.ceil(span.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60) if minutes >= 120 else (0, minutes)
    said = [f"{hours} hours"] if hours else []
    if minutes or not hours:
        said.append(f"{minutes} minute{'' if minutes == 1 else 's'}")
    return " ".join(said)


def untried_after() -> dt.timedelta:
    """``UNTRIED_AFTER``, or two of the worker's waits, when they are longer."""
    return max(UNTRIED_AFTER, two_waits())


def untried_after_in_words() -> str:
    """``untried_after()`` in words: "10 minutes"."""
    return in_minutes(untried_after())


# A worker not seen for this long has stopped (each notes it runs at least every
# ``questions_pdf.WANTED_REFRESH``, 10 minutes, when a pass begins), as the health check and
# `outbox status` say; longer where OUTBOX_POLL_SECONDS has its passes further apart.
WORKER_SILENT_AFTER = dt.timedelta(minutes=30)


def worker_silent(now: dt.datetime | None = None) -> str | None:
    """What to say if the outbox worker has stopped: one has run (``questions_pdf.worker_last_seen``)
    and none has for ``WORKER_SILENT_AFTER`` (or, with passes further apart, two of them and the 10
    minutes: found, regression review, a worker polling every hour was called stopped); else None.
    Found (administrator review): with nothing waiting, a stopped worker showed nowhere, while the
    hourly purges (requests past their time, the audit log, accounts) and reminders did not run: on
    a quiet service, for days. (Never run at all, on a new installation, says nothing: the README's
    setting up starts it.)"""
    after = max(WORKER_SILENT_AFTER, questions_pdf.WANTED_REFRESH + two_waits())
    seen = questions_pdf.worker_last_seen()
    if seen is None or seen >= (now or utcnow()) - after:
        return None
    return (
        f"the outbox worker has not run for over {in_minutes(after)}: is it running? "
        "(PDFs, emails, reminders and the hourly deletion of old requests wait for it)"
    )


def untried_for_too_long(now: dt.datetime | None = None) -> int:
    """How many PDFs and emails due more than ``UNTRIED_AFTER`` ago the worker has not tried at
    all: requests' PDFs, supervision records and emails (emails given up on, or waiting for a
    retry after a failure, are not counted: those mean a mail or renderer problem, which the
    inbox and ``flask outbox status`` show; nor is the facilitators' email while it waits for its
    PDF, which is not due yet).

    A supervision record counts until the worker begins it, even once past its time: the worker
    that would try it also runs the purge that deletes it, so while it is not running the
    record stays, and the person who asked for it was left on "being made" (found, operations
    review: the health check said "ok" all the while)."""
    before = (now or utcnow()) - untried_after()
    due = pdf_due_since()
    pdfs = db.session.scalar(
        select(func.count())
        .select_from(StoredRequest)
        .where(
            StoredRequest.pdf_made_at.is_(None),
            StoredRequest.pdf_attempts == 0,
            due < before,
        )
    )
    records = db.session.scalar(
        select(func.count())
        .select_from(SupervisionRecord)
        .where(
            SupervisionRecord.made_at.is_(None),
            SupervisionRecord.failed_at.is_(None),
            SupervisionRecord.render_began_at.is_(None),
            SupervisionRecord.created_at < before,
        )
    )
    emails = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .outerjoin(StoredRequest, StoredRequest.id == OutboxMessage.request_id)  # an account's email has none
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.given_up_at.is_(None),
            OutboxMessage.attempts == 0,
            OutboxMessage.created_at < before,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at < before),
            # Not the facilitators' email still waiting for its PDF (claim_message): the PDF is
            # counted above until it is tried. Before, a PDF failing for 10 minutes read as the
            # worker not running, though it was trying the PDF.
            or_(
                OutboxMessage.kind != mail.FACILITATORS,
                StoredRequest.pdf_made_at.is_not(None),
                StoredRequest.pdf_failed_at.is_not(None),
            ),
            # Nor one waiting for an earlier email to the same address, which is counted itself
            # (found, regression review: an invitation behind a failing acknowledgement read as the
            # worker not running).
            ~mail.waits_for_an_earlier_email(),
        )
    )
    return int(pdfs or 0) + int(records or 0) + int(emails or 0)


# Tried and still failing after this long: the mail server or the PDF renderer, not a blip (the
# health check says so). Found (operations review): with the mail server stopped, or the renderer
# broken, the health check said "ok" all the while, so no monitor told anyone that requests
# reached no one.
FAILING_AFTER = dt.timedelta(minutes=30)
# A request's PDF that still fails is counted for this long after the request (its facilitators'
# email went without it after PDF_TRIES_BEFORE_EMAIL tries, and it is tried again once a day): a
# renderer that fails them all is said, a single document it cannot make is not said for ever.
FAILING_PDFS_SAID_FOR = dt.timedelta(days=2)


def pdf_due_since() -> ColumnElement[dt.datetime]:
    """SQL: since when a request's PDF has been due: when the request came in, or, imported from its
    PDF, when it was imported (found, regression reviews: a request sent days before and imported a
    moment ago was said not to be tried for 10 minutes, and its failures were never said)."""
    imported = (
        select(func.max(AuditEvent.at))
        .where(AuditEvent.reference == StoredRequest.reference, AuditEvent.action == "imported")
        .scalar_subquery()
    )
    return func.coalesce(imported, StoredRequest.created_at)


def failing_for_too_long(now: dt.datetime | None = None) -> tuple[int, int]:
    """How many emails, and how many requests' PDFs, the worker has tried and failed to send or
    make for more than ``FAILING_AFTER`` since they were due: (emails, PDFs). Not emails given up
    on (the inbox shows them), nor those refused until something is changed
    (``refused_until_mended``, said on their own); PDFs only of the last ``FAILING_PDFS_SAID_FOR``."""
    now = now or utcnow()
    before = now - FAILING_AFTER
    emails = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.given_up_at.is_(None),
            OutboxMessage.attempts > 0,
            OutboxMessage.created_at < before,
            or_(
                OutboxMessage.last_error.is_(None),
                ~OutboxMessage.last_error.startswith(mail.UNTIL_MENDED, autoescape=True),
            ),
        )
    )
    due = pdf_due_since()
    pdfs = db.session.scalar(
        select(func.count())
        .select_from(StoredRequest)
        .where(
            StoredRequest.pdf_made_at.is_(None),
            StoredRequest.pdf_attempts > 0,
            due < before,
            due > now - FAILING_PDFS_SAID_FOR,
        )
    )
    return int(emails or 0), int(pdfs or 0)


# --- commands ---------------------------------------------------------------------------------

outbox_cli = AppGroup(
    "outbox",
    help="The outbox worker: makes request PDFs, sends every email (to the facilitators, acknowledgements, "
    "invitations, reminders, feedback links), and deletes what is past its retention period.",
)


def _plural(count: int, word: str, words: str | None = None) -> str:
    """``count`` and ``word``, or ``words`` (by default ``word`` and an s) for any other number."""
    return f"{count} {word if count == 1 else words or word + 's'}"


class Seconds(click.FloatRange):
    """A number of seconds in a range: "nan", which no comparison with the range's ends refuses,
    is refused as out of it (found: ``--poll nan`` passed, and the worker looked for work without
    ever waiting, one pass after another on the database)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if isinstance(seconds, float) and math.isnan(seconds):
            self.fail(f"{seconds} is not in the range {self._describe_range()}.", param, ctx)
        return seconds


@outbox_cli.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now (the purges too), then exit (for tests and cron).")
@click.option(
    "--poll",
    "poll_seconds",
    # At most what OUTBOX_POLL_SECONDS may be: found (operations review), "--poll inf" (or 1e12)
    # ended the worker with a traceback at its first wait, which no clock can time.
    type=Seconds(min=0.05, max=MAXIMUMS["OUTBOX_POLL_SECONDS"]),
    default=None,
    help="Seconds between looks for work (default: OUTBOX_POLL_SECONDS).",
)
def worker_command(once: bool, poll_seconds: float | None) -> None:
    """Make request PDFs and send the emails, retrying failures with backoff. Stops on SIGTERM or Ctrl+C."""
    try:
        # A database behind the code (no `flask db upgrade`) would fail every pass: say so once.
        refuse_a_database_out_of_step(current_app._get_current_object())  # type: ignore[attr-defined]  # Flask's documented way to get the app behind the proxy
        # So would a PDF's or an email's template with a mistake in it, for every one it renders.
        refuse_a_template_mistake(current_app._get_current_object())  # type: ignore[attr-defined]  # Flask's documented way to get the app behind the proxy
    except StartupError as error:
        click.echo(str(error.code), err=True)
        raise SystemExit(3) from None
    # Every template read now, and kept: an upgrade's new files never meet this code's PDFs and
    # emails before the restart (found, administrator review: a request's PDF failed then).
    keep_every_template(current_app._get_current_object())  # type: ignore[attr-defined]  # Flask's documented way to get the app behind the proxy
    if current_app.logger.level == logging.NOTSET:
        # What the worker deleted, and why, in its log: found (operator review), the purges' lines
        # are information, not warnings, and nothing of them reached the journal.
        current_app.logger.setLevel(logging.INFO)
    if once:
        purge_due(Purges())
        click.echo(_summary(run_pass(all_pdfs=True)))
        return
    poll = poll_seconds if poll_seconds is not None else float(current_app.config.get("OUTBOX_POLL_SECONDS", 5))
    poll = max(poll, 0.05)  # a setting of 0 must not spin
    stop = StopFlag()
    click.echo(f"Outbox worker started (looking for work every {poll:g}s; stop with Ctrl+C or SIGTERM).")
    click.echo(rules_in_use(current_app))
    pdf_renderer.start()  # the PDF renderer's process starts while the worker looks for work
    with stop_on_signals(stop):
        run_worker(stop, poll)
    click.echo("Outbox worker stopped.")


def _refuse_a_template_mistake_here() -> None:
    """Stop a command that renders templates at one Jinja cannot read, naming it (exit status 3)."""
    try:
        refuse_a_template_mistake(current_app._get_current_object())  # type: ignore[attr-defined]  # Flask's documented way to get the app behind the proxy
    except StartupError as error:
        click.echo(str(error.code), err=True)
        raise SystemExit(3) from None


def _refuse_while_held() -> None:
    """Stop a command that would send or queue emails while the outbox is held after a restore."""
    held = outbox_held()
    db.session.rollback()
    if held is not None:
        raise click.ClickException(f"Nothing was sent or queued: the outbox is {held_in_words(held)}.")


@outbox_cli.command("hold")
def hold_command() -> None:
    """Hold the outbox: no email is sent and no reminder queued until `flask outbox release` (as
    scripts/backup --restore does; for a database put back another way, such as a copy of SQLite's
    file, before anything starts). Raises the calendar SEQUENCE of every session not ended yet."""
    raised = hold(utcnow())
    held = outbox_held()
    db.session.rollback()
    if raised is None:
        click.echo(f"The outbox was held already: nothing was changed. It is {held_in_words(held)}.")  # type: ignore[arg-type]  # (held: it was found so)
        return
    click.echo(
        f"The outbox is {held_in_words(held)}. The calendar sequence of {_plural(raised, 'session')} not ended yet "  # type: ignore[arg-type]  # (just written)
        f"was raised by {SEQUENCE_RAISED_AFTER_RESTORE}."
    )


@outbox_cli.command("release")
def release_command() -> None:
    """End the hold after a restore from a backup, once the checks are done (README, "Restore"):
    the worker sends the emails waiting and queues the reminders due again."""
    if release() is None:
        click.echo("The outbox is not held: nothing was changed.")
        return
    click.echo("The outbox is released: the worker sends the emails waiting and queues the reminders due.")


@outbox_cli.command("send")
def send_command() -> None:
    """Make missing PDFs and send every unsent email now, without waiting for the retry time (exit 1 if any
    remain), except an email to a person whose content the mail server refused: it waits its turn."""
    _refuse_a_template_mistake_here()  # (the PDFs and emails it makes: as the worker, found, regression review)
    _refuse_while_held()
    setattr(g, SENT_BY_KEY, audit.cli_actor())
    before = utcnow()
    # An email to a person left to its wait (``claim_message``): those whose wait was not over as this began.
    resting_before = {
        message.id
        for message in unsent_messages()
        if message.kind != mail.FACILITATORS
        and (message.refusals or 0) > 0
        and message.next_attempt_at is not None
        and message.next_attempt_at > before
    }
    result = run_pass(ignore_schedule=True, all_pdfs=True)
    waiting = unsent_messages()
    now = utcnow()
    # Those the worker is sending as this ends are its, not still unsent (found, regression review:
    # run beside the worker, it said "4 still unsent" of emails on their way, and exited 1).
    sending = sending_now(waiting, now)
    held = sum(1 for is_held in sending.values() if is_held)
    left = [message for message in waiting if message.id in sending and not sending[message.id]]
    # Not held by anyone, on PostgreSQL: left by a worker or a command that stopped as it sent them, so
    # still unsent (found, regression review: "being sent by the worker", exit 0, with no worker running;
    # then "0 still unsent", exit 1). SQLite cannot tell one stopped from one being sent.
    postgres = db.session.get_bind().dialect.name == "postgresql"
    unsent = len(waiting) - held - (0 if postgres else len(left))
    missing = len(requests_without_pdf())
    going = [f"{held} being sent by the worker"] if held else []
    if left:
        again = min(message.last_attempt_at for message in left if message.last_attempt_at is not None)
        how = "left by" if postgres else "being sent, or left by"
        going.append(
            f"{len(left)} {how} a worker or command that stopped as it sent {'it' if len(left) == 1 else 'them'}: "
            f"tried again from {_time(again + mail.attempt_may_last(), now)}"
        )
    said = f" ({'; '.join(going)})" if going else ""
    click.echo(f"Sent {_plural(result.sent, 'message')}; {unsent} still unsent{said}.")
    given_up = unsent_messages(given_up=True)
    if late := sum(1 for message in given_up if mail.too_late(message.last_error)):
        click.echo(
            f"{_plural(late, 'message')} not sent in time: a session had started or been cancelled, or it was no "
            "longer the day before it (`flask outbox status` lists them; they are not tried again)."
        )
    refused_emails = sum(1 for message in given_up if mail.message_was_refused(message.last_error))
    if refused := len(given_up) - late - refused_emails:
        click.echo(
            f"{_plural(refused, 'message')} not sent because the mail server refused the address for good "
            "(`flask outbox status` lists them; they are not tried again)."
        )
    if refused_emails:
        click.echo(
            f"{_plural(refused_emails, 'message')} not sent because the mail server refused the email itself "
            "for good, not its address (`flask outbox status` lists them; they are not tried again: the "
            "facilitators can get in touch with the person another way)."
        )
    # Left to their wait (found, regression review: "2 still unsent", and nothing said why one was not
    # tried); only those this run did not try (found, regression review: one tried and refused now was
    # said to be left to its wait).
    resting = [message for message in waiting if message.id in resting_before]
    if resting:
        first = min(message.next_attempt_at for message in resting if message.next_attempt_at is not None)
        click.echo(
            f"{_plural(len(resting), 'message')} to a person whose content the mail server refused "
            f"left to its wait, for a passing refusal (a spam filter's) to pass: tried again from {_time(first, now)}."
        )
    if stuck := refused_until_mended():
        click.echo(
            f"{stuck} facilitators' {'email' if stuck == 1 else 'emails'} refused by the mail server until "
            "something is changed "
            "(`flask outbox status` says what to do for each)."
        )
    if missing:
        # Why, by the same words as `flask outbox status` (found, operator review: said bare).
        click.echo(f"{_plural(missing, 'request')} still without a PDF (`flask outbox status` says why for each).")
    if unsent or missing:
        raise SystemExit(1)


@outbox_cli.command("remind")
def remind_command() -> None:
    """Queue the reminders due now (sessions tomorrow, from 8am UK time), once each; the worker does
    this on every pass."""
    _refuse_a_template_mistake_here()  # (it writes each reminder's text from its template)
    _refuse_while_held()
    now = utcnow()
    queued = queue_reminders(now)
    # (Found, regression review: before 8am it said only "Queued 0 reminders.", as if none were due.)
    why = (
        ""
        if reminders_begun(now)
        else " Reminders are queued from 8am (UK time) on the day before a session: the outbox worker queues them "
        "then, or run this again from 8am."
    )
    click.echo(f"Queued {_plural(queued, 'reminder')}.{why}")


# Each kind of email by name, for `flask outbox status` (one request can have several unsent).
EMAIL_NAMES = {
    "facilitators": "facilitators' email",
    "acknowledgement": "acknowledgement",
    "invitation": "session invitation",
    "cancellation": "session cancellation",
    "reminder": "session reminder",
    "feedback": "feedback link",
    "redirected": "email telling the practitioner where to go instead",
    mail.REOPENED: "email telling the practitioner their request was reopened",
    mail.PASSWORD_CHANGED: "notice that the password was changed",
    mail.EMAIL_CHANGED: "notice that the email address was changed",
}


def _time(at: dt.datetime, now: dt.datetime) -> str:
    """A stored time (UTC) for `flask outbox status`: "14:05 UTC" today, with the date before."""
    return f"{at:%H:%M} UTC" if at.date() == now.date() else f"{at:%Y-%m-%d %H:%M} UTC"


def _request_pdf_state(request: StoredRequest, now: dt.datetime) -> str:
    """What `flask outbox status` says of a request's PDF not made: being made now (and since
    when), begun by a worker that stopped (and when it is tried again), or waiting for its next
    try. Found (operator review): a worker killed while making one left "PDF not made" alone."""
    if request.pdf_failed_at:
        return "PDF not made (the facilitators' email goes without it; tried once a day)"
    began = request.pdf_render_began_at
    if began is not None:
        again = began + render_may_last()
        if again > now:
            return (
                f"PDF being made since {_time(began, now)} (if the worker stops, tried again from {_time(again, now)})"
            )
        return f"PDF not made: a worker began it at {_time(began, now)} and did not finish (it is tried again)"
    if request.pdf_next_attempt_at is not None and request.pdf_next_attempt_at > now:
        return f"PDF not made (tried again at {_time(request.pdf_next_attempt_at, now)})"
    left_until = request.created_at + dt.timedelta(minutes=OTHER_RULES_WAIT_MINUTES)
    # (The rules as this command read them: none when the files would not load, as status still runs then.)
    loaded = current_app.extensions.get(PACK_KEY)
    if left_until > now and loaded is not None and request.rule_pack_version != loaded.version:
        # Found (regression review): said nothing of why a request waited (``left_for_its_rules``).
        return (
            f"PDF not made: the request was made with rules version {request.rule_pack_version}, not the rules "
            f"this command read ({loaded.version}); a worker with other rules leaves it to one with the request's "
            f"until {_time(left_until, now)}, then makes it with its own"
        )
    return "PDF not made"


def _record_state(job: SupervisionRecord, now: dt.datetime) -> tuple[str, int]:
    """What `flask outbox status` says of a supervision record not made, and its tries (one at most)."""
    if job.failed_at is not None:
        return "not made (the person was told, and can ask again)", 1
    if job.render_began_at is not None:
        return f"being made since {_time(job.render_began_at, now)}", 1
    return f"waiting since {_time(job.created_at, now)}", 0


def _whose(message: OutboxMessage) -> str:
    """What `flask outbox status` names an email by: its request's reference, or for an account's
    email the account's id, as the audit log names it (never its address)."""
    return message.request.reference if message.request is not None else f"facilitator:{message.facilitator_id}"


def _email_problem(problem: str | None) -> str:
    """An email's recorded error for `flask outbox status`: plain words first, then the error."""
    return mail.mail_problem_for_operator(problem) if problem else "-"


MARKED_SENT = "marked_sent"  # (the audit trail's words: app.inbox.service.ACTION_WORDS)


@outbox_cli.command("mark-sent")
@click.argument("message_ids", nargs=-1, required=True, metavar="MESSAGE-ID...")
def mark_sent_command(message_ids: tuple[str, ...]) -> None:
    """Record emails as sent without sending them: after a restore from a backup, with the worker
    stopped, for the emails `flask outbox status` lists as waiting that went after the backup was
    taken (each by its Message-ID, as status gives it). Else the worker sends them again."""
    now = utcnow()
    waiting = {emails.message_id(message): message for message in unsent_messages()}
    found: dict[int, OutboxMessage] = {}  # (each once, however often it is given)
    for typed in message_ids:
        message = waiting.get(f"<{typed.strip().strip('<>').strip()}>")
        if message is None:
            raise click.ClickException(
                f"No email waiting to be sent has the Message-ID {typed!r}: give it as `flask outbox status` lists "
                "it, in quotes, such as '<outbox-acknowledgement.3f9c…@space-to-think.invalid>'. Nothing was changed."
            )
        found[message.id] = message
    busy = [message for message in found.values() if message.id in being_sent(list(found.values()), now)]
    marked = 0
    if not busy:
        for message in found.values():
            # Only if still waiting and no worker is sending it, in one statement: a worker that
            # began since is not overtaken (found, regression review: marked as it was being sent,
            # it went, and the trail said both that it was not sent again and that it was emailed).
            marked += getattr(
                db.session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == message.id,
                        OutboxMessage.sent_at.is_(None),
                        OutboxMessage.given_up_at.is_(None),
                        not_(mail.attempt_under_way(now)),
                    )
                    .values(sent_at=now, next_attempt_at=None, last_error=None)
                    .execution_options(synchronize_session=False)
                ),
                "rowcount",
                0,
            )
    if busy or marked != len(found):
        db.session.rollback()
        begun = [message.last_attempt_at for message in found.values() if message.last_attempt_at is not None]
        # Found (regression review): with no worker left to stop (one killed as it sent it), this sent the
        # operator round in a loop for five minutes: say when it can be marked.
        when = (
            f" If no worker or command is sending it (one stopped as it sent it), it can be marked from "
            f"{_time(max(begun) + mail.attempt_may_last(), now)}, once its try no longer counts as under way."
            if begun
            else ""
        )
        raise click.ClickException(
            "An email given is being sent now, or has just been: stop the outbox worker (systemctl stop "
            "space-to-think-worker), run `flask outbox status` again and mark only those it still lists."
            f"{when} Nothing was changed."
        )
    for message in found.values():
        db.session.refresh(message)
        forget_body_if_done(message)
        reference = message.request.reference if message.request is not None else None
        detail = message.kind if reference is not None else f"facilitator:{message.facilitator_id}; {message.kind}"
        audit.add_event(MARKED_SENT, reference, audit.cli_actor(), detail)
    db.session.commit()
    for message in found.values():
        click.echo(f"{_whose(message)}\t{EMAIL_NAMES.get(message.kind, message.kind)} recorded as sent, not sent again")


# From how many lines ``outbox status`` first says what they come to.
STATUS_SUMMARY_FROM = 10


@outbox_cli.command("trust-clock")
def trust_clock_command() -> None:
    """Say the server's clock is right now: the purges past a retention period, stopped while it was
    doubted ("Nothing past its retention period was deleted" in the worker's log), run again."""
    now = utcnow()
    trust_clock(now)
    click.echo(
        f"The purges take the clock as right: it says {now:%d %B %Y %H:%M} UTC. The worker's next hourly purge runs "
        "(restart the worker if its log said the clock jumped while it ran)."
    )


@outbox_cli.command("status")
def status_command() -> None:
    """List what is not made or sent yet: requests without a PDF, unsent emails (reference,
    attempts, the last error), supervision records not made, and questions' PDFs that failed."""
    now = utcnow()
    on_hold = outbox_held()
    if on_hold is not None:
        # First, before any list (found, restore review: nothing held the outbox, and nothing said so).
        click.echo(f"The outbox is {held_in_words(on_hold)}.")
    waiting = requests_without_pdf()
    messages = unsent_messages()
    sending = sending_now(messages, now)
    refused = unsent_messages(given_up=True)
    records = records_not_made()
    questions = questions_pdfs_failed()
    if not waiting and not messages and not refused and not records and not questions:
        click.echo(
            "Every PDF is made and every email sent." if on_hold is None else "Every PDF is made; no email waits."
        )
    listed = len(waiting) + len(messages) + len(refused) + len(records) + len(questions)
    if listed > STATUS_SUMMARY_FROM:
        # What the lines below come to, first (volume review: after a mail server's day off, hundreds of
        # lines came before the one that said what needed attention).
        counts = [
            _plural(len(waiting), "request PDF") + " not made",
            _plural(len(messages), "email") + " not sent",
            _plural(len(refused), "email") + " given up",
            _plural(len(records), "supervision record") + " not made",
            _plural(len(questions), "questions-to-prepare PDF") + " not made",
        ]
        click.echo(f"{listed} listed below: {'; '.join(part for part in counts if not part.startswith('0 '))}")
    for request in waiting:
        state = _request_pdf_state(request, now)
        click.echo(f"{request.reference}\t{state}\tattempts {request.pdf_attempts}\t{request.pdf_error or '-'}")
    held = waiting_for_an_earlier_email([message.id for message in messages])
    for message in messages:
        stuck = (
            f" (refused until something is changed: {mail.what_to_do_until_mended(message.last_error)})"
            if mail.until_mended(message.last_error)
            else " (waiting for an earlier email to the same address to go first)"
            if message.id in held
            else ""
        )
        state = f"unsent{stuck}"
        if sending.get(message.id):
            state = "being sent now"
        elif message.id in sending and message.last_attempt_at is not None:
            # Found (regression review): a worker killed as it sent left "being sent now" for a
            # minute and a half, with no worker running.
            # (In UTC, as every time of this listing: regression review, it mixed UK time in.)
            again = _time(message.last_attempt_at + mail.attempt_may_last(), now)
            state = f"being sent now, or its worker stopped as it sent it (if so, tried again from {again})"
        click.echo(
            f"{_whose(message)}\t{EMAIL_NAMES.get(message.kind, message.kind)} {state}\t"
            f"attempts {message.attempts}\t{_email_problem(message.last_error)}\t"
            f"Message-ID {emails.message_id(message)}"
        )
    for message in refused:
        if message.last_error == mail.UNCHECKED_BEFORE_SENT:
            # (Not "the address was refused": found, review of that check; the mail server was never asked.)
            why = (
                "not sent: its request's work email waits for a second person's check "
                "(the request's page, or `flask requests confirm-email`); send it again once confirmed"
            )
        elif mail.too_late(message.last_error):
            why = "too late to send"
        elif mail.message_was_refused(message.last_error):
            why = "the email itself was refused, not its address: get in touch with the person another way"
        else:
            why = "the address was refused"
        click.echo(
            f"{_whose(message)}\t{EMAIL_NAMES.get(message.kind, message.kind)} given up "
            f"({why})\tattempts {message.attempts}\t{_email_problem(message.last_error)}"
        )
    # A supervision record belongs to no request: it has no reference, and nothing of the
    # answers it holds is shown (only when it was asked for and the error's type).
    for job in records:
        state, attempts = _record_state(job, now)
        click.echo(f"supervision record\t{state}\tattempts {attempts}\t{job.error or '-'}")
    for pdf in questions:
        click.echo(
            f"questions to prepare\tPDF not made ({pdf.mode} mode, rules version {pdf.pack_version}; "
            f"tried again later)\tattempts {pdf.attempts}\t{pdf.error or '-'}"
        )
    # Exit 1 when the health check says "degraded" of the outbox, so a scheduled check can alert
    # on it (found, operations review: it exited 0 whatever it listed).
    # (While held, emails wait untried by design: not said to be a worker not running.)
    untried = 0 if on_hold is not None else untried_for_too_long(now)
    held_back = refused_until_mended()
    failing_emails, pdfs = failing_for_too_long(now)
    silent = None if untried else worker_silent(now)
    if on_hold is not None or untried or silent or held_back or failing_emails or pdfs:
        needs = [
            "the outbox is held after a restore (flask outbox release once the checks are done)"
            if on_hold is not None
            else "",
            f"{_plural(untried, 'PDF or email', 'PDFs or emails')} not tried for over "
            f"{untried_after_in_words()} (is the outbox worker running?)"
            if untried
            else "",
            silent or "",
            _plural(held_back, "facilitators' email") + " refused until something is changed" if held_back else "",
            f"{_plural(failing_emails, 'email')} failing for over 30 minutes" if failing_emails else "",
            f"{_plural(pdfs, 'request PDF')} failing for over 30 minutes" if pdfs else "",
        ]
        click.echo(f"Needs attention: {'; '.join(part for part in needs if part)}.")
        raise SystemExit(1)


__all__ = [
    "FAILED",
    "GIVEN_UP",
    "REFUSED",
    "SENT",
    "PassResult",
    "claim_message",
    "claim_pdf_job",
    "make_pdf",
    "outbox_cli",
    "retry_delay",
    "run_pass",
    "run_worker",
    "send_message",
]
