"""Email through SMTP: the kinds of message, their subjects, and handing each to the server
(``app.emails`` builds each message, from the request's fields).

The outbox row is stored with its request (one transaction); the outbox worker
(``app.outbox``) sends it once the request's PDF is made. If the mail server is down or
hangs, the request is already safe: the worker counts the attempt, records the error
(never case detail) and tries again later, waiting longer each time.

Two kinds of message (``OutboxMessage.kind``), each with its own template:
- "facilitators": the reference, how soon a session is wanted, a link to the request in the
  inbox (``PUBLIC_BASE_URL``) and a pointer to the attachment; the case details are only in
  the attached PDF (or, when the PDF could not be made, only in the inbox: the email says so);
- "acknowledgement": to the work email the person gave: their reference, what happens next,
  the response time and how to reach the facilitators. Never case details, no attachment;
- the session emails (``app.space_sessions``): "invitation" (or its update) and "cancellation"
  with a calendar file, "reminder" and "feedback". Their text and calendar file were made when
  they were queued and are stored on the outbox row; the reference, never case details;
- "password_changed" (``app.inbox.service``): to an inbox account's own address, about no request,
  saying its password was changed, when, and who to contact if it was not them; never the
  password, no link. Its text is made when it is queued, with the change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import smtplib
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import aliased

from .email_address import EMAIL_ADDRESS
from .models import OutboxMessage, StoredRequest

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer  # smtplib's own type for a message's bytes (typeshed only)

FACILITATORS = "facilitators"
ACKNOWLEDGEMENT = "acknowledgement"
# The session emails, stored with their text (app.space_sessions).
SESSION_KINDS = frozenset({"invitation", "cancellation", "reminder", "feedback"})
# The email telling a practitioner their request was redirected, stored with its text (app.inbox.redirected).
REDIRECTED = "redirected"
# The email telling them it was reopened after that email went (app.inbox.redirected.when_reopened).
REOPENED = "reopened"
# The emails to a practitioner sent as stored, with the facilitators' address to reply to.
STORED_FOR_PRACTITIONER = SESSION_KINDS | {REDIRECTED, REOPENED}
# The emails about an inbox account, not a request, stored with their text (app.inbox.service):
# to the account's own address, saying its password was changed; to its old and new addresses,
# saying its email address was changed.
PASSWORD_CHANGED = "password_changed"  # noqa: S105 - the kind of email, not a password
EMAIL_CHANGED = "email_changed"
ACCOUNT_KINDS = frozenset({PASSWORD_CHANGED, EMAIL_CHANGED})
PASSWORD_CHANGED_SUBJECT = "Your Space to Think inbox password has been changed"  # noqa: S105 - a subject line
EMAIL_CHANGED_SUBJECT = "The email address of your Space to Think inbox account has been changed"
# The METHOD line of a calendar file (app.space_sessions.calendar writes one, never folded).
CALENDAR_METHOD = re.compile(r"^METHOD:([A-Z]+)\r?$", re.MULTILINE)

DEFAULT_TIMEOUT_SECONDS = 10
# A whole send (connecting, STARTTLS, signing in, the message, QUIT) may take at most this many
# times SMTP_TIMEOUT: SMTP_TIMEOUT limits each wait for the server, and a server that sends a
# line every few seconds would otherwise keep the outbox worker talking to it for ever.
SEND_DEADLINE_FACTOR = 3
MAX_ERROR_LENGTH = 300


def subject_for(
    request: StoredRequest, kind: str = FACILITATORS, with_pdf: bool = True, held_back: bool = False
) -> str:
    """The email subject: the service and the reference, nothing about the case. The
    facilitators' email sent without its PDF (``with_pdf`` False: it could not be made) says so
    in its subject: with the usual subject it looked like any other request in the mailbox, and
    the missing attachment was noticed only once it was opened. One whose PDF is held back
    (``held_back``: the identifying-data check found something) says to read it in the inbox: with
    the same subject as a PDF that failed, the two could not be told apart (regression review)."""
    if kind == ACKNOWLEDGEMENT:
        return f"Your Space to Think request {request.reference} has been received"
    if held_back:
        return f"Space to Think request {request.reference}: read it in the inbox (the PDF is not attached)"
    if not with_pdf:
        return f"Space to Think request {request.reference}: the PDF is not attached"
    return f"Space to Think request {request.reference}"


def pdf_filename(reference: str) -> str:
    """The attachment's file name."""
    return f"space-to-think-request-{reference}.pdf"


def send_deadline_seconds() -> float:
    """How long one whole send may take: ``SEND_DEADLINE_FACTOR`` times ``SMTP_TIMEOUT``."""
    return SEND_DEADLINE_FACTOR * float(current_app.config.get("SMTP_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))


# At least this long an attempt counts as under way: a worker whose database stopped as the mail
# server took an email records it once the database is back (``outbox.record_sent_not_recorded``),
# and another worker must not send it again meanwhile. Found (regression review): with 90 seconds,
# an outage of two and a half minutes sent it twice. A worker that died as it sent an email is
# followed by another sending it after this long (at-least-once).
UNDER_WAY_AT_LEAST = dt.timedelta(minutes=5)


def attempt_may_last() -> dt.timedelta:
    """How long after an attempt's start it counts as under way (``attempt_under_way``): twice as
    long as a send may take, and 30 seconds, and never less than ``UNDER_WAY_AT_LEAST``."""
    return max(dt.timedelta(seconds=2 * send_deadline_seconds() + 30), UNDER_WAY_AT_LEAST)


def waits_for_an_earlier_email(failing: bool = False) -> ColumnElement[bool]:
    """Of an ``OutboxMessage`` row: there is an earlier email about the same request to the same
    address still to go (not sent, not given up), which goes first. Found (dependency review): after
    a mail outage the invitation, tried fewer times and so sooner, reached the practitioner before
    "Your request has been received". ``failing``: only an earlier one tried and not gone (one not
    tried yet goes in the same minute, just before it: what the inbox says of it). Never behind one
    that could not be made (``could_not_make``)."""
    earlier = aliased(OutboxMessage)
    conditions = [
        earlier.request_id == OutboxMessage.request_id,
        earlier.recipient == OutboxMessage.recipient,
        earlier.id < OutboxMessage.id,
        earlier.sent_at.is_(None),
        earlier.given_up_at.is_(None),
    ]
    if failing:  # (tried: an attempt ended, or one began: ``attempts`` counts it only once it ends)
        conditions.append(or_(earlier.attempts > 0, earlier.last_attempt_at.is_not(None)))
    # Not behind one that could not be made (a template with a mistake, tried again for ever): the mail
    # server is not the fault, and the practitioner's other emails would wait with it (regression review).
    conditions.append(or_(earlier.last_error.is_(None), ~earlier.last_error.startswith(NOT_MADE, autoescape=True)))
    return select(earlier.id).where(*conditions).exists()


def attempt_under_way(now: dt.datetime) -> ColumnElement[bool]:
    """SQL, for SQLite, which has no row locks to tell by: an outbox email whose attempt a worker
    has started (it commits ``last_attempt_at`` first: ``outbox._claimed_in_the_open``) within
    as long as a send may take, and not ended (no time to try again set since it began). The
    outbox's claim (``outbox._free_to_send_on_sqlite``), `flask outbox status` and the sessions'
    cancellations (``space_sessions.service._invitation_being_sent``) all tell it so."""
    since = now - attempt_may_last()
    return and_(
        OutboxMessage.last_attempt_at.is_not(None),
        OutboxMessage.last_attempt_at >= since,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= OutboxMessage.last_attempt_at),
    )


# What the outbox records before the error when the mail server could not be reached at all (no
# connection, no greeting, or "421" closing: ``smtp_send``, ``not_connected``): the server's failure, not the
# email's, so once another email goes, it is due again (``outbox.bring_forward_after_outage``).
# Told by this mark, made by the service, not by words in the error (found, regression review: a
# refusal whose reply said "timed out" was counted as the server not answering, and retried at
# every pass).
NOT_CONNECTED = "Could not connect: "

# The error a send without a mail server set ends in (the outbox records it, and tries again).
SMTP_HOST_NOT_SET = "SMTP_HOST is not set"


def smtp_send(email: EmailMessage) -> None:
    """Send through the configured SMTP server (STARTTLS and login when configured).

    ``SMTP_TIMEOUT`` limits each wait for the server; the whole conversation is limited to
    ``send_deadline_seconds()``: past it the connection is shut down and the send fails with a
    ``TimeoutError``, which the outbox tries again later like any other failed send."""
    config = current_app.config
    host = config.get("SMTP_HOST")
    if not host:
        error = RuntimeError(SMTP_HOST_NOT_SET)
        error.add_note(NOT_CONNECTED)
        raise error
    timeout = float(config.get("SMTP_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
    deadline = send_deadline_seconds()
    smtp = _DeadlineSMTP(host, timeout, time.monotonic() + deadline)
    watchdog = threading.Timer(deadline, smtp.cut_off)
    watchdog.name = "smtp-send-deadline"
    watchdog.daemon = True
    watchdog.start()
    connecting = True
    delivered = False
    try:
        with smtp:
            code, greeting = smtp.connect(host, int(config.get("SMTP_PORT") or 25))
            if code != 220:  # (smtplib checks the greeting only when given the host to connect to)
                raise smtplib.SMTPConnectError(code, greeting)
            connecting = False
            if config.get("SMTP_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(email)
            delivered = True
    except (OSError, smtplib.SMTPException) as error:
        if delivered:
            # The server took the email (its 250 to the message's end): what went wrong after, saying
            # goodbye (QUIT answered other than 221) or closing, is not this email's failure. Found
            # (outbox review): a server answering QUIT with 421 had each email sent again at every
            # try, for ever, the request's page saying it had never gone.
            return
        if smtp.was_cut_off:
            cut_off = TimeoutError(
                f"the mail server did not finish the send within {deadline:g}s "
                f"({SEND_DEADLINE_FACTOR} x SMTP_TIMEOUT); connection closed"
            )
            if connecting:
                cut_off.add_note(NOT_CONNECTED)
            raise cut_off from error
        if connecting or _closing(error):
            error.add_note(NOT_CONNECTED)
        raise
    finally:
        watchdog.cancel()
        smtp.release()


class _DeadlineSMTP(smtplib.SMTP):
    """``smtplib.SMTP`` whose connection another thread can shut down (``cut_off``), whatever
    the conversation is waiting for: the watchdog in ``smtp_send`` does, at the deadline.

    It keeps a duplicate of the connection's socket (closed by ``release``, never by smtplib):
    shutting that down ends the one TCP connection under smtplib's socket, before and after
    STARTTLS, and it cannot be a descriptor the process has since reused for something else."""

    def __init__(self, host: str, timeout: float, deadline: float) -> None:
        super().__init__(timeout=timeout)  # no host: connect() runs under the watchdog
        # The name STARTTLS checks the server's certificate against: smtplib takes it from the
        # host given to the constructor (``_host``), and connect() does not set it.
        self._host = host
        self._deadline = deadline
        self._lock = threading.Lock()
        self._watched: socket.socket | None = None
        self._released = False
        self._sending_message = False
        self._grace_seconds = max(deadline - time.monotonic(), 0.0)  # the whole send's time, again
        self._grace: threading.Timer | None = None
        self.was_cut_off = False

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no time left to connect to the mail server")
        # smtplib's own hook for making the connection (SMTP_SSL overrides it too); typeshed omits it.
        sock: socket.socket = super()._get_socket(host, port, min(timeout, remaining))  # type: ignore[misc]  # see above
        with self._lock:
            if self.was_cut_off or self._released:
                sock.close()
                raise TimeoutError("the time for the send ran out while connecting to the mail server")
            self._watched = sock.dup()
        return sock

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        """Send the message itself. A deadline that passes from here gives the server as long
        again before the cut-off (``cut_off``): a server taking its time to accept a message it
        has been sent (a virus scan) may already have taken it, and cutting it off then would
        send it again at every try; one that never finishes still cannot hold the worker.

        For the same reason, the wait for the server's answer to the message is not limited to
        ``SMTP_TIMEOUT``, but to that cut-off (the time left, and as long again): found
        (dependency review), a server answering the end of the message after 20 seconds, with
        SMTP_TIMEOUT at 5, was sent the facilitators' email 4 times. RFC 5321 (4.5.3.2.6) asks a
        client to wait 10 minutes here for this reason; the worker waits as long as it can."""
        with self._lock:
            self._sending_message = True
        if self.sock is not None:
            left = self._deadline - time.monotonic() + self._grace_seconds
            self.sock.settimeout(max(self.timeout, left))
        return super().data(msg)

    def cut_off(self, force: bool = False) -> None:
        """End the conversation now: every wait on the connection returns at once (while the
        message itself is being sent, only after as long again, unless ``force``)."""
        with self._lock:
            if self._released:
                return
            if self._sending_message and not force:
                self._grace = threading.Timer(self._grace_seconds, self.cut_off, kwargs={"force": True})
                self._grace.daemon = True
                self._grace.start()
                return
            self.was_cut_off = True
            if self._watched is not None:
                with contextlib.suppress(OSError):  # the server had closed it already
                    self._watched.shutdown(socket.SHUT_RDWR)

    def release(self) -> None:
        """Close the duplicate socket; a ``cut_off`` after this does nothing."""
        with self._lock:
            self._released = True
            if self._grace is not None:
                self._grace.cancel()
            if self._watched is not None:
                self._watched.close()
                self._watched = None


# Why an email could not be sent, in words, from the error the outbox recorded (its type and the
# mail server's message: describe_error, below). The error itself stays in the outbox, for
# `flask outbox status` and the logs; the first match wins.
MAIL_PROBLEM_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("Too late: the session had started",), "it could not be sent before the session started"),
    (("Too late: it was no longer the day before",), "it could not be sent the day before the session"),
    (("Too late: the session was cancelled",), "the session was cancelled before it could be sent"),
    (("Too late: the request was taken out",), "the request was taken out of the session before it could be sent"),
    (("Too late:",), "it could not be sent in time"),
    # (``UNCHECKED_BEFORE_SENT``: queued before the request began waiting for the check of its work email.)
    (
        ("Not sent: the request's work email had not been confirmed",),
        "its work email had not been confirmed by a second person (it was imported from a PDF this "
        "service could not check it made)",
    ),
    (("The service could not make the email",), "the service could not make it (a fault in the service)"),
    # The worker that took it has no mail server set (its settings are not the web app's; found,
    # administrator review: "the mail server could not take it", blaming a server never asked).
    ((SMTP_HOST_NOT_SET,), "the service has no mail server set to send it through"),
    # A "try later" (4xx) reply: the address may be right (found, email review: "refused the email
    # address" read as a wrong address while the service was still trying).
    (
        ("SMTPRecipientsRefused: 4",),
        "the mail server did not take the email address for now (it said to try again later)",
    ),
    (("SMTPRecipientsRefused",), "the mail server refused the email address"),
    # The same "try later" (4xx) given to the email itself, or to the sender (regression review).
    (
        ("SMTPDataError: (4", "SMTPSenderRefused: (4"),
        "the mail server did not take it for now (it said to try again later)",
    ),
    (("SMTPUTF8",), "the mail server cannot send to an address with letters other than a to z"),
    (
        ("STARTTLS extension not supported",),
        "the mail server does not offer the encrypted connection the service asks for",
    ),
    (("SMTPSenderRefused: (552,", "SMTPDataError: (552,", " 5.3.4 "), "the mail server refused it as too large"),
    (("SMTPSenderRefused", "SMTPDataError"), "the mail server refused it"),
    (("SMTPAuthenticationError",), "the service could not sign in to the mail server"),
    (
        (
            NOT_CONNECTED,
            "ConnectionRefused",
            "TimeoutError",
            "timed out",
            "gaierror",
            "SMTPServerDisconnected",
            "SMTPConnectError",
        ),
        "the mail server did not answer",
    ),
)
MAIL_PROBLEM_OTHER = "the mail server could not take it"
# What the outbox records when the service itself could not make an email (``could_not_make``).
NOT_MADE = "The service could not make the email"


def could_not_make(error: BaseException) -> str:
    """The outbox's record of a fault making an email (not sending it): the error's type only."""
    return f"{NOT_MADE} ({type(error).__name__})"


def mail_problem_words(problem: str) -> str:
    """The outbox's recorded error for an email, as a facilitator reads it (no error names)."""
    return next((words for marks, words in MAIL_PROBLEM_WORDS if any(m in problem for m in marks)), MAIL_PROBLEM_OTHER)


# What the operator checks, after those words, in `flask outbox status` (found, operator review:
# it showed "gaierror: [Errno -2] Name or service not known" and no more); the first match wins.
MAIL_SETTINGS_TO_CHECK: tuple[tuple[tuple[str, ...], str], ...] = (
    (("gaierror",), "its name was not found: check SMTP_HOST"),
    (
        ("ConnectionRefused", "TimeoutError", "timed out", "SMTPServerDisconnected", "SMTPConnectError"),
        "check SMTP_HOST and SMTP_PORT, and that the mail server is running",
    ),
    (("SMTPAuthenticationError",), "check SMTP_USERNAME and SMTP_PASSWORD"),
    ((SMTP_HOST_NOT_SET,), "set SMTP_HOST in the outbox worker's settings, as in the web app's"),
)


def mail_problem_for_operator(problem: str) -> str:
    """The outbox's recorded error for `flask outbox status`: the facilitators' words
    (``mail_problem_words``), the settings to check where that is what mends it, then the error
    itself for whoever is debugging: "the mail server did not answer (its name was not found:
    check SMTP_HOST) [gaierror: [Errno -2] Name or service not known]"."""
    words = mail_problem_words(problem)
    if not until_mended(problem):  # those say what to change already
        check = next((c for marks, c in MAIL_SETTINGS_TO_CHECK if any(m in problem for m in marks)), None)
        words += f" ({check})" if check else ""
    return f"{words} [{problem}]"


# What the outbox records when it gives up on an email that is no use late (its ``send_before``
# passed before it could go), by kind; ``too_late`` tells these from a mail server's refusal.
TOO_LATE = {
    "invitation": "Too late: the session had started before the invitation could be sent",
    "reminder": "Too late: it was no longer the day before the session",
}
TOO_LATE_DEFAULT = "Too late: the time to send it had passed"
# An invitation or reminder given up on unsent because its session was cancelled before it went
# (the outbox worker was sending it when it was cancelled, and the mail server failed).
CANCELLED_BEFORE_SENT = "Too late: the session was cancelled before it could be sent"
LEFT_BEFORE_SENT = "Too late: the request was taken out of the session before it could be sent"
# An account email (``ACCOUNT_KINDS``) given up on unsent because the account was deactivated
# before it went: its owner has left, and the address may now be read by someone else (b149 review).
ACCOUNT_CLOSED_BEFORE_SENT = "Too late: the inbox account was deactivated before it could be sent"
# An email to a request's practitioner given up on unsent because the request waits for a second
# person's check of its work email (imported unchecked, migration 0030): queued before that check
# began (by a version before it, or a server not yet restarted in an upgrade), it would go to an
# address no one has confirmed (found, b163 upgrade review). Once confirmed, the facilitators send it
# again from the request's page; it needs their attention, so it is not given up "as meant".
UNCHECKED_BEFORE_SENT = (
    "Not sent: the request's work email had not been confirmed by a second person (it was imported "
    "from a PDF this service could not check it made)"
)
# Given up on as the facilitators meant: no one needs telling of a session they never heard of,
# so neither the request page nor the list says it needs attention (found, regression review).
GIVEN_UP_AS_MEANT = (CANCELLED_BEFORE_SENT, LEFT_BEFORE_SENT, ACCOUNT_CLOSED_BEFORE_SENT)


def too_late(problem: str | None) -> bool:
    """Whether an email was given up on because it could no longer be sent in time."""
    return (problem or "").startswith("Too late:")


def refused_for_good(error: BaseException) -> bool:
    """Whether the mail server refused the email's address permanently (every recipient
    refused with a 5xx reply, such as "550 no such mailbox"): trying again cannot help.

    Anything else may pass (the server down, a 4xx "try later", a refused sign-in or sender,
    which a change of settings mends), so it is tried again."""
    if needs_smtputf8(error):
        return True
    if not isinstance(error, smtplib.SMTPRecipientsRefused) or not error.recipients:
        return False
    return all(500 <= int(code) < 600 for code, _message in error.recipients.values())


# How many times an email to the person who asked is tried before it is given up on when the
# mail server refuses the email itself for good (``message_refused``). Three, not one: a refusal
# of the content can pass (a spam filter or virus scanner failing answers 554 on some servers, a
# sending address briefly on a blocklist, a full mailbox, 552, emptied), so it gets two more
# chances, a few minutes apart with the default waits (OUTBOX_RETRY_SECONDS); refused a third
# time, trying again for ever only hid from the facilitators that the person was not told.
MESSAGE_REFUSED_TRIES = 3


def message_refused(error: BaseException) -> bool:
    """Whether the mail server took the address but refused the email itself with a permanent
    reply (5xx): once sent ("554 5.7.1 rejected as spam", "552" too large), or by the size its
    sender's line gave (552, ``too_large``)."""
    if too_large(error):
        return True
    return isinstance(error, smtplib.SMTPDataError) and 500 <= int(error.smtp_code) < 600


def message_was_refused(problem: str | None) -> bool:
    """Whether an email's recorded error (``describe_error``) says the mail server refused the
    email itself with a permanent reply (``message_refused``), not its address."""
    return bool(re.search(r"SMTPDataError: \(5\d\d,|SMTPSenderRefused: \(552,", problem or ""))


def given_up_what_to_do(problem: str | None, attempts: int, refusals: int) -> str:
    """What a facilitator reads after why an email to the person who asked was given up on (not
    as too late): what happened, and that they get in touch another way. ``refusals``: how many
    of the ``attempts`` the email itself was refused (the others failed another way). None
    counted, for an email refused (``problem``): it was given up before they were counted
    (migration 0019), after ``attempts`` tries, how many of them refused unknown (found: "refused
    0 times, of 3 tries: the others failed for another reason")."""
    if (problem or "").startswith(UNCHECKED_BEFORE_SENT):
        return (
            "It was not sent: once the work email has been confirmed by a facilitator other than the one who "
            "imported it (on this page), send it again."
        )
    if message_was_refused(problem):
        refused = "once" if refusals == 1 else f"{refusals} times"
        tried = (
            f"tried {refused}"
            if refusals >= attempts
            else f"tried {attempts} times"
            if refusals < 1
            else f"refused {refused}, of {attempts} tries: the others failed for another reason"
        )
        return (
            f"The mail server took the address but refused the email itself ({tried}), so it will not "
            "be tried again: get in touch another way."
        )
    return "It will not be tried again, so get in touch another way, and check the address."


def only_this_email(error: BaseException) -> bool:
    """Whether the failure was this email's alone (the server answered, and refused its
    address or its content, or its size: a 552 to the sender's line, which gives the size, RFC
    1870), so the others can still be sent; a server that is down, hangs or refuses the
    service's sign-in or sender would fail them all."""
    return (
        isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError))
        or too_large(error)
        or needs_smtputf8(error)
    )


def too_large(error: BaseException) -> bool:
    """Whether the mail server refused the email as larger than it takes: 552 to the sender's
    line, which says the size (RFC 1870: Postfix and aiosmtpd answer so), or to the message."""
    return isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) and error.smtp_code == 552


# What the outbox records before the mail server's words (``describe_error``) when the server
# refused the facilitators' email for a reason that will not mend by itself (``refused_until_mended``):
# it is still tried again (never given up: their address is the deployment's), and the health
# check, `flask outbox status` and the request's page say so, and what to do.
UNTIL_MENDED = "Refused until something is changed: "


def _closing(error: BaseException) -> bool:
    """Whether the mail server answered "421" (its service not available, the connection closing)
    to a command, or to every address: the server's state, not this email's. Found (outage
    review): a server that greeted, then answered "421 not accepting network messages" to the
    sender, was not counted as out of reach, and the emails waiting kept their hour's wait."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code == 421 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421


def not_connected(error: BaseException) -> bool:
    """Whether ``smtp_send`` failed before the mail server greeted it (``NOT_CONNECTED``)."""
    return NOT_CONNECTED in getattr(error, "__notes__", ())


def refused_until_mended(error: BaseException) -> bool:
    """Whether the mail server refused this email with a permanent reply (5xx) that trying again
    as it is cannot change: every recipient refused (``refused_for_good``), the message itself
    refused (552 too large, 554 rejected) or its size (``too_large``); or the service's sender
    (MAIL_FROM, or "530 authentication required") or its sign-in (SMTP_USERNAME and
    SMTP_PASSWORD), which fail every email until the settings are mended. Found (operations
    review): the facilitators' email refused so was tried every hour for ever, only the log said
    so, and the health check said "ok" while no email went."""
    if refused_for_good(error) or _no_starttls(error):
        return True
    permanent = (smtplib.SMTPDataError, smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)
    return isinstance(error, permanent) and 500 <= int(error.smtp_code) < 600


def _no_starttls(error: BaseException) -> bool:
    """Whether SMTP_USE_TLS asked for an encrypted connection that the mail server does not offer
    (found, outbox review: an ordinary failure, the health check "ok" for half an hour, while no
    email could go until the setting or the port was changed)."""
    return isinstance(error, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(error)


def until_mended(problem: str | None) -> bool:
    """Whether an email's recorded error says the mail server will go on refusing it (``UNTIL_MENDED``)."""
    return (problem or "").startswith(UNTIL_MENDED)


def what_to_do_until_mended(problem: str | None) -> str:
    """What an operator does about an email refused until something is changed, in a sentence."""
    if "SMTPNotSupportedError" in (problem or "") and "STARTTLS" in (problem or ""):
        change = (
            "the mail server does not offer an encrypted connection (STARTTLS) on this port, and SMTP_USE_TLS "
            "asks for one: check SMTP_PORT (587 for most servers) and SMTP_USE_TLS"
        )
    elif "STARTTLS" in (problem or ""):  # "530 Must issue a STARTTLS command first", to the sender
        change = (
            "the mail server asks for an encrypted connection first: set SMTP_USE_TLS=true (and check SMTP_PORT, "
            "587 for most servers)"
        )
    elif "SMTPRecipientsRefused" in (problem or ""):
        change = "check FACILITATOR_EMAIL, and that the mail server takes email for that address"
    elif "SMTPAuthenticationError" in (problem or ""):
        change = "the mail server refused the service's sign-in: check SMTP_USERNAME and SMTP_PASSWORD"
    elif mail_problem_words(problem or "") == "the mail server refused it as too large":
        change = (
            "the email, with the request's PDF attached, is larger than the mail server takes: raise the "
            "mail server's limit on the size of a message (the whole request is in the inbox meanwhile)"
        )
    elif "SMTPSenderRefused" in (problem or ""):
        change = (
            "the mail server refused the service as a sender: check MAIL_FROM, and SMTP_USERNAME and "
            "SMTP_PASSWORD if it asks the service to sign in"
        )
    else:
        change = "read the mail server's reply (at the end of this line) and its log, and change what it refuses"
    return f"{change}. It is tried again at most an hour apart; once mended, `flask outbox send` sends it at once"


def needs_smtputf8(error: BaseException) -> bool:
    """Whether the email has an address with letters other than a to z ("zoë@…") and the mail
    server cannot take one (it lacks SMTPUTF8): this email's fault, and trying again cannot help.
    (The same error type for a missing STARTTLS or AUTH is the server's: tried again.)"""
    return isinstance(error, smtplib.SMTPNotSupportedError) and "SMTPUTF8" in str(error)


def describe_error(error: BaseException, recipient: str = "") -> str:
    """What went wrong, for the outbox, the audit log and the worker's log: the error's type and
    the mail server's reply, shortened, with every email address taken out (a refusal names the
    address it refused, and the audit log outlives the request), and the part of the recipient's
    address before the @ too, wherever it is (found, security review: "550 5.1.1 mailbox
    "jane.patel" does not exist" kept a practitioner's name in the audit log for six years, after
    their request was erased)."""
    refused = []
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = sorted({_reply(code, message) for code, message in error.recipients.values()})
        words = "; ".join(replies)
        refused = list(error.recipients)
    else:
        words = str(error)
    text = without_addresses(f"{type(error).__name__}: {words}")
    if isinstance(error, smtplib.SMTPException):  # (a mail server's reply: a connection's error names no one)
        locals_: set[str] = set()
        for address in (recipient, *refused):
            local = address.rpartition("@")[0].strip() if isinstance(address, str) else ""
            # The part before a "+" too (a sub-address: "mary.smith+stt@" refused as "mailbox mary.smith does
            # not exist", found, regression review), the longer first.
            locals_ |= {local, local.partition("+")[0]}
        for local in sorted(locals_, key=len, reverse=True):
            # Not a one-letter part, nor a word a mail server's reply or a shared mailbox uses
            # ("user unknown" to user@, "contact your admin" to admin@): found, regression review, the
            # reply's own words were taken out. A name may end the reply's sentence ("for jane.patel.").
            if len(local) >= 2 and local.lower() not in NOT_A_NAME:
                text = re.sub(
                    rf"(?<![\w.+-]){re.escape(local)}(?![\w+-]|\.[\w+-])", "[address]", text, flags=re.IGNORECASE
                )
    return text[:MAX_ERROR_LENGTH]


# The part before the @ of shared mailboxes, and words of mail servers' replies: not a person's name,
# and left in a reply (``describe_error``).
NOT_A_NAME = frozenset(
    [
        "access",
        "account",
        "accounts",
        "address",
        "admin",
        "administrator",
        "admissions",
        "all",
        "bounce",
        "contact",
        "contacts",
        "day",
        "denied",
        "domain",
        "duty",
        "email",
        "enquiries",
        "enquiry",
        "front",
        "general",
        "hello",
        "help",
        "host",
        "info",
        "information",
        "mail",
        "mailbox",
        "mailer",
        "manager",
        "message",
        "messages",
        "no",
        "noreply",
        "not",
        "office",
        "out",
        "postmaster",
        "quota",
        "reception",
        "recipient",
        "referrals",
        "rejected",
        "relay",
        "reply",
        "safeguarding",
        "school",
        "server",
        "service",
        "services",
        "smtp",
        "spam",
        "support",
        "system",
        "team",
        "time",
        "timed",
        "try",
        "unknown",
        "user",
        "users",
    ]
)


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def without_addresses(text: str) -> str:
    """``text`` with each email address (and anything in <angle brackets> with an @) replaced
    by "[address]". One in quotes keeps its quotes (a refused sender, as smtplib gives it:
    "(553, b'…', 'stt@example.org')"): an address may hold an apostrophe, so the opening quote
    was taken as part of it, which left "[address]')"."""
    text = _QUOTED.sub(r"\g<quote>[address]\g<quote>", _BRACKETED.sub("[address]", text))
    return EMAIL_ADDRESS.sub("[address]", text)


_BRACKETED = re.compile(r"<[^<>\s]*@[^<>\s]*>")
# An address between quotes of the same kind, as Python writes a string ('…', or "…" if it has an apostrophe).
_QUOTED = re.compile(r"""(?<![\w.+\-'"])(?P<quote>['"])(?:(?!(?P=quote))\S)+@(?:(?!(?P=quote))\S)+(?P=quote)""")
