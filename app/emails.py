"""Each email the outbox worker sends, built from its outbox row and its request: the
facilitators' (the reference, how soon, a link to the inbox, the PDF attached or word that it could
not be made), the acknowledgement, and the session emails stored with their text. Sending them,
and the kinds and subjects, are ``app.mail``'s; this module is above the request package, whose
fields and document words the facilitators' email uses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid

from flask import current_app, render_template
from jinja2 import TemplateError

from . import mail
from .journey import MODE_LABELS
from .models import MESSAGE_ID_DOMAIN, OutboxMessage, StoredRequest
from .pack import current_pack, outcome_contacts
from .requests import fields
from .requests.document import identifying_check_text
from .web import public_url


def inbox_link(reference: str) -> str | None:
    """The request's page in the inbox as a full address, or None when ``PUBLIC_BASE_URL`` is unset."""
    return public_url("inbox.request_page", reference=reference)


def message_id(message: OutboxMessage) -> str:
    """The email's Message-ID: the same at every attempt, so that one sent twice (the mail server
    took it, then the database could not record it: restarted, say) is one email to a mail
    program that sees both. Found (operator review): a PostgreSQL restart as a request's email
    went left the facilitators two copies, with two Message-IDs. Made from the outbox row's id
    and when it was queued (an id SQLite may give again after a deletion, never with the same
    time); a row without them yet (never sent so) gets a new one.

    What it is made from is keyed with ``SECRET_KEY``, so it tells a reader nothing. Found (earlier
    notes): the row's number and the time to the microsecond were in it as they were, so anyone sent
    two emails could count how many the service had sent between them. Rotating the key changes the
    Message-ID of an email not yet sent, which matters only for one sent twice across the change.

    That is now only for a row queued before migration 0026: the Message-ID is made when the email is
    queued and stored with it (``OutboxMessage.message_id``), so a key rotated, or a restore under
    another key, leaves it as it was (found, restore review: `flask outbox status` gave Message-IDs
    found nowhere in the mail server's log, and the emails that had gone after the backup went again)."""
    if message.message_id:
        return message.message_id
    if message.dedupe_key:
        # An email queued once only (a session's reminder) by what it is, not by its row: queued
        # again after a restore from a backup taken before it went, it is the same email to a mail
        # program (found, regression review: the worker queues such a reminder again, under a new id).
        return f"<outbox-{message.kind}.{_keyed(message.dedupe_key)}@{MESSAGE_ID_DOMAIN}>"
    if message.id is None or message.created_at is None:
        return make_msgid(domain=MESSAGE_ID_DOMAIN)
    made_from = f"{message.id}.{message.created_at:%Y%m%d%H%M%S%f}"
    return f"<outbox-{message.kind}.{_keyed(made_from)}@{MESSAGE_ID_DOMAIN}>"


def _keyed(text: str) -> str:
    """32 hexadecimal digits of an HMAC (SHA-256) of ``text`` under the app's ``SECRET_KEY``."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _on_the_headers_line(name: str, folded: str, linesep: str, width: int) -> str:
    """``folded`` (a header as the standard policy folds it) with its value begun on the header's
    own line. Found (email review): a value of 70 to 77 characters, too long to follow its name
    but short enough for a line of its own, was moved whole onto the next line ("Subject:", then
    " Updated invitation: ..."), which a filter reading headers line by line takes for an empty
    subject, and Python's own parser reads with a space in front (an update's subject for two
    references, every reminder's Message-ID, a From setting with a name). Folded again here at
    its spaces, as RFC 5322 folds: the words are as the standard folding made them (an encoded
    word for text beyond ASCII whole), each line within ``width`` unless one word is longer."""
    first, _, rest = folded.partition(linesep)
    if first.rstrip() != f"{name}:" or not rest.strip():
        return folded
    value = rest.replace(linesep, "").strip()  # unfolded: each line break goes, its space stays
    lines, line = [], f"{name}:"
    for word in value.split(" "):
        if len(line) + 1 + len(word) > width and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + word
    return linesep.join([*lines, line]) + linesep


class HeaderPolicy(EmailPolicy):
    """The standard email policy, but a header's value never starts on the line below its name
    (``_on_the_headers_line``)."""

    def fold(self, name: str, value: str) -> str:
        return _on_the_headers_line(name, super().fold(name, value), self.linesep, self.max_line_length or 78)

    def fold_binary(self, name: str, value: str) -> bytes:
        folded = super().fold_binary(name, value)
        try:
            text = folded.decode("ascii")
        except UnicodeDecodeError:  # raw UTF-8 (a policy with utf8 on): left as the standard policy made it
            return folded
        return _on_the_headers_line(name, text, self.linesep, self.max_line_length or 78).encode("ascii")


POLICY = HeaderPolicy()


# Contacts between their marks in an email's text (``templating.contacts_mark``): what they are, and
# the text they had when the email was made.
_MARKED = re.compile(r"\x1e\((?P<what>[^)\x1e]*)\)\x1e(?P<text>.*?)\x1e\(end\)\x1e", re.DOTALL)
_ROUTE = "contacts of "


def with_contacts_now(text: str) -> str:
    """An email's text with its marked contacts (the urgent contacts; the contacts of the route it
    names) made again from the contacts in use now, and the marks taken out.

    Found (contact change review): an email stored when it was queued (an invitation, a reminder, a
    cancellation, "where to go instead", "reopened", the feedback link) went as it was stored, so
    one queued before children's social care's number changed (the mail server down, say) went
    after it with the old number, twice in "Act now: ... Share your concern with children's social
    care now". Contacts that cannot be made again (the route no longer in the rules) go as made."""

    def now(found: re.Match[str]) -> str:
        what = found["what"]
        try:
            if what == "urgent contacts":
                fresh = render_template("requests/_urgent_contacts.txt")
            elif what.startswith(_ROUTE) and (outcome := current_pack().outcome(what.removeprefix(_ROUTE))):
                fresh = render_template(
                    "inbox/_route_contacts.txt", outcome_contacts=outcome_contacts(outcome, "practitioner")
                )
            else:
                return str(found["text"])
        except TemplateError:
            return str(found["text"])
        inner = _MARKED.fullmatch(fresh)  # (the urgent contacts come marked)
        return str(inner["text"]) if inner else fresh

    return _MARKED.sub(now, text)


def build_email(message: OutboxMessage, request: StoredRequest | None) -> EmailMessage:
    """The email for an outbox message: the facilitators' (with the request's PDF attached, or
    saying it could not be made), the acknowledgement or a session email; or, about no request
    (``request`` None), an account email (``mail.ACCOUNT_KINDS``), sent as stored."""
    email = EmailMessage(policy=POLICY)
    email["Subject"] = message.subject
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    # In UTC, said to be ("+0000"): formatdate(localtime=False) wrote "-0000", which RFC 5322
    # keeps for a time whose zone is unknown.
    email["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    email["Message-ID"] = message_id(message)
    # RFC 3834: out-of-office and other automatic replies should not answer it (found, email
    # review: the facilitators' new-request email went without it, to a shared mailbox).
    email["Auto-Submitted"] = "auto-generated"
    if message.kind in mail.ACCOUNT_KINDS:
        if message.body is None:
            raise ValueError(f"{message.kind} message {message.id} has no text")
        # No Reply-To: the email says whom to contact about a change that was not theirs (the
        # partnership, with its contact details), not the facilitators' shared mailbox.
        email.set_content(message.body)
        return email
    if request is None:
        raise ValueError(f"{message.kind} message {message.id} has no request")
    email["X-Space-To-Think-Reference"] = request.reference
    if message.kind == mail.ACKNOWLEDGEMENT:
        if current_app.config.get("FACILITATOR_EMAIL"):
            email["Reply-To"] = current_app.config["FACILITATOR_EMAIL"]  # a reply reaches the facilitators
        email.set_content(
            with_contacts_now(
                render_template(
                    "requests/acknowledgement.txt",
                    reference=request.reference,
                    mode=request.mode,
                    response_time=current_app.config.get("RESPONSE_TIME_TEXT"),
                    contact=current_app.config.get("FACILITATOR_CONTACT_TEXT"),
                    reply_to=bool(current_app.config.get("FACILITATOR_EMAIL")),
                )
            )
        )
        return email
    if message.kind in mail.STORED_FOR_PRACTITIONER:
        if message.body is None:
            raise ValueError(f"{message.kind} message {message.id} has no text")
        if current_app.config.get("FACILITATOR_EMAIL"):
            email["Reply-To"] = current_app.config["FACILITATOR_EMAIL"]  # "let the facilitators know" by replying
        email.set_content(with_contacts_now(message.body))
        if message.calendar:
            # An iTIP message (RFC 6047): the calendar as an alternative to the text, with its
            # method in the part's content type (the file's own: a "no longer in it" email carries an
            # update), as Google's and Outlook's invitations are sent. Outlook takes it as a meeting
            # request, with its buttons, and applies an update or a cancellation, only so: found
            # (email review), sent as an attachment alone, it showed a file to open, and a
            # cancelled session could stay in a calendar. The same file is attached too, as an
            # application/ics file (not a second text/calendar part, read as a second invitation),
            # for a mail program that shows no invitation to save it from.
            found = mail.CALENDAR_METHOD.search(message.calendar)
            method = found.group(1) if found else ("CANCEL" if message.kind == "cancellation" else "REQUEST")
            # Quoted-printable where it holds more than ASCII (a place "St John’s... Café"): sent as
            # 8-bit, which the mail server was never asked whether it takes (found, email review).
            cte = None if message.calendar.isascii() else "quoted-printable"
            email.add_alternative(message.calendar, subtype="calendar", params={"method": method}, cte=cte)
            email.add_attachment(
                message.calendar.encode("utf-8"),
                maintype="application",
                subtype="ics",
                filename="space-to-think-session.ics",
            )
        return email
    if message.kind != mail.FACILITATORS:
        raise ValueError(f"unknown outbox message kind {message.kind!r}")
    # Without the PDF once it has failed too often (``StoredRequest.pdf_failed_at``): the email
    # says so, in its subject too, and that the whole request is in the inbox. (The subject stored
    # when it was queued is the usual one: the PDF was not known to fail then.) Without it too when
    # the identifying-data check found something the requester confirmed past (``held_back``).
    check = request.details.get("identifying_check")
    identifying_found = bool((check or {}).get("found"))
    made = request.pdf_made_at is not None
    held_back = made and identifying_found
    with_pdf = made and not identifying_found
    if not with_pdf:
        email.replace_header(
            "Subject", mail.subject_for(request, mail.FACILITATORS, with_pdf=False, held_back=held_back)
        )
    email.set_content(
        render_template(
            "requests/email.txt",
            reference=request.reference,
            how_soon=fields.option_label("how_soon", request.details.get("how_soon")) or "Not given",
            # Found (supervision review): the PDF and the inbox said a request was made in supervision,
            # the email alone did not. The facilitators' "Completed by" row, in its words.
            completed_by=MODE_LABELS.get(request.mode) if request.mode == "supervision" else None,
            # Found (facilitators' review): the email, often triaged first, did not say "A practice
            # review may be under way", which the PDF and the inbox list. The flags hold no case detail.
            flags=[str(flag.get("label", "")) for flag in request.flags or [] if flag.get("label")],
            filename=mail.pdf_filename(request.reference),
            link=inbox_link(request.reference),
            retention_days=int(current_app.config.get("RETENTION_DAYS") or 90),
            identifying=identifying_check_text(check) if check else None,
            found=identifying_found,
            with_pdf=with_pdf,
            held_back=held_back,
            pdf_attempts=request.pdf_attempts,
        )
    )
    if with_pdf:
        email.add_attachment(
            request.pdf, maintype="application", subtype="pdf", filename=mail.pdf_filename(request.reference)
        )
    return email
