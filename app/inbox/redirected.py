"""The email that tells a practitioner their request was redirected: where the facilitators think
it belongs instead, in the rule pack's own words for that route (its title, summary, what to do
and whom to contact), never the facilitator's reason or anything from the request. Found
(facilitators' review): a redirected request was only marked so in the inbox; the practitioner,
told by the acknowledgement that the facilitators would contact them to arrange a session, was
told nothing unless a facilitator remembered to, and could wait for a session that would never
come while the concern needed another route.

Queued with its text (as the session emails are) when a request is moved to "redirected", sent
by the outbox worker; dropped if the request is reopened before it goes (``drop_unsent``). Reopened
after it went, the practitioner is emailed that it was (``REOPENED``; found, earlier notes: the
facilitator was only told to tell them, and a practitioner not told waited for nothing or went
on thinking no session would come)."""

from __future__ import annotations

import re

from flask import current_app, render_template
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..mail import ACKNOWLEDGEMENT, REDIRECTED, REOPENED, subject_for
from ..models import AuditEvent, OutboxMessage, StoredRequest, utcnow
from ..pack import current_pack, outcome_contacts
from ..rules.model import Outcome
from ..space_sessions.service import drop_unsent, practitioner_email
from ..wizard.glossary import Explainer

SUBJECT = "Your Space to Think request {reference}: where to go instead"
# For a route to act on now (``Outcome.act_now``): found (content review), the email redirecting a
# request to "Call 999" had the subject of any other, and its call to act on its ninth line.
ACT_NOW_SUBJECT = "Act now: your Space to Think request {reference} needs another route"
REOPENED_SUBJECT = "Your Space to Think request {reference}: the facilitators are looking at it again"
# The audit action of an acknowledgement not sent because the request was redirected before it went.
ACKNOWLEDGEMENT_DROPPED = "acknowledgement_dropped"
# In the request's trail when reopening drops its email saying where to go instead, not sent yet:
# found (three facilitators at once review), the trail said nothing of it, and a colleague who had
# chosen that route believed the practitioner had been told.
REDIRECT_EMAIL_DROPPED = "redirect_email_dropped"
# The email is to the practitioner alone, so the route is worded for them (the outcome's
# practitioner wording, "you"), whichever mode the request was made in.
MODE = "practitioner"

# Said to the facilitator once the request is redirected (``queue_redirected_email``).
EMAIL_QUEUED = "The practitioner will be emailed the route you chose, what to do and who to contact (not your reason)."
NO_ADDRESS = "No email was sent to the practitioner: the request gives no work email. Tell them yourself."
WAITS_FOR_CHECK = (
    "No email was sent to the practitioner: the request was imported from a PDF this service could not check "
    "it made, and no other facilitator has confirmed its work email. Tell them yourself, once you know it is theirs."
)
NO_MAIL = (
    "This service has no facilitators' email address set up, so the practitioner was not emailed: tell them yourself."
)
# Said when a redirected request is reopened (``when_reopened``).
DROPPED = "The email telling the practitioner it was redirected had not gone yet, and will not be sent now."
ALREADY_TOLD = "The practitioner was emailed that it was redirected: tell them it has been reopened."
BEING_SENT = (
    "The email telling the practitioner it was redirected is being sent now, so it may reach them: tell them it has "
    "been reopened."
)
REOPENED_QUEUED = (
    "The practitioner was emailed that it was redirected. They will now be emailed that it has been reopened, and "
    "that the facilitators will contact them about it."
)
REOPENED_AFTER_SENDING = (
    "The email telling the practitioner it was redirected is being sent now. They will be emailed after it that the "
    "request has been reopened, and that the facilitators will contact them about it."
)
DROPPED_ACKNOWLEDGED = (
    "The email telling the practitioner it was redirected had not gone yet, and will not be sent now. They will be "
    "sent the email saying their request was received instead, which had waited for it."
)


# A sentence of a step that is done on the outcome page ("To do that, change your answer to say it
# has been referred"), which an email cannot offer: left out of it, the rest of the step kept (found,
# regression reviews: the email told the practitioner to change their answers; then, the whole step
# left out, R's no longer said a debrief could still be asked for).
ON_THE_PAGE_ONLY = re.compile(r"\bchange (?:your|the) answers?\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def for_an_email(step: str) -> str:
    """A step of an outcome without its sentences done on the outcome page ("" if nothing is left)."""
    return " ".join(sentence for sentence in _SENTENCE_END.split(step.strip()) if not ON_THE_PAGE_ONLY.search(sentence))


def redirected_email_text(reference: str, outcome: Outcome, replaces: bool = False) -> str:
    """The email's text: the route in the pack's words, with the short forms it uses explained.
    ``replaces``: an earlier email saying where to go instead was sent for the request (it was
    redirected, reopened and redirected again), which this one replaces."""
    pack = current_pack()
    context = {
        "reference": reference,
        "outcome_id": outcome.id,
        "replaces": replaces,
        "act_now": outcome.act_now,
        "title": outcome.title.for_mode(MODE),
        "summary": outcome.summary.for_mode(MODE),
        "actions": [step for step in (for_an_email(action.for_mode(MODE)) for action in outcome.actions) if step],
        "outcome_contacts": outcome_contacts(outcome, MODE),
        "contact": current_app.config.get("FACILITATOR_CONTACT_TEXT"),
    }
    body = render_template("inbox/redirected.txt", **context, short_forms=[])
    short_forms = Explainer(dict(pack.glossary)).unexplained(body)
    return render_template("inbox/redirected.txt", **context, short_forms=short_forms) if short_forms else body


def queue_redirected_email(request: StoredRequest) -> str:
    """Queue the email to the practitioner of ``request``, just moved to "redirected" (no commit).
    Returns what the facilitator is told: that it will go, or why it will not (no work email in
    the request, or no mail set up: the session emails are made only when the facilitators'
    address is set, and it is their Reply-To)."""
    outcome = current_pack().outcome(request.redirected_to or "")
    recipient = practitioner_email(request)
    if not current_app.config.get("FACILITATOR_EMAIL"):
        return NO_MAIL
    if not recipient:
        return NO_ADDRESS
    if request.email_check_pending:
        return WAITS_FOR_CHECK
    if outcome is None:  # (``check_move`` allows only the pack's outcomes)
        raise ValueError(f"no outcome {request.redirected_to!r} to redirect {request.reference} to")
    # (Redirected again, to another route, before the first went; or before the email saying it was
    # reopened went, which this replaces.)
    drop_unsent(request, (REDIRECTED, REOPENED), leave_under_way=True)
    # Its acknowledgement not sent yet (the mail server down) would promise a session after this
    # said there will be none (found, regression review): it is not sent. This gives the reference;
    # reopened before this goes, the acknowledgement is queued again (``when_reopened``).
    waiting = len(request.outbox)
    drop_unsent(request, (ACKNOWLEDGEMENT,), leave_under_way=True)
    if len(request.outbox) < waiting:
        audit.add_event(ACKNOWLEDGEMENT_DROPPED, request.reference, audit.SYSTEM)
    # An earlier email saying where to go instead that went, or is going: one left after the drop
    # above, not given up, is being sent now (the worker holds it, or has begun its attempt). Found
    # (two facilitators at once review): only one sent counted, so redirected again while the worker
    # was sending the first, the practitioner got two routes and nothing saying which stood.
    replaces = any(message.kind == REDIRECTED and message.given_up_at is None for message in request.outbox)
    request.outbox.append(
        OutboxMessage(
            kind=REDIRECTED,
            recipient=recipient,
            subject=(ACT_NOW_SUBJECT if outcome.act_now else SUBJECT).format(reference=request.reference),
            created_at=utcnow(),
            attempts=0,
            body=redirected_email_text(request.reference, outcome, replaces),
        )
    )
    return EMAIL_QUEUED


def when_reopened(request: StoredRequest) -> str | None:
    """A redirected request reopened (no commit): its email not gone yet is dropped (a redirect put
    right at once tells the practitioner nothing), and the facilitator is told; or, when one went (or
    is being sent now), the practitioner is emailed that it was reopened (``queue_reopened_email``),
    and the facilitator told so. None when no such email was queued."""
    redirected = [message for message in request.outbox if message.kind == REDIRECTED]
    if not redirected:
        return None
    # One not gone yet is dropped even when an earlier one went (found, writing this: redirected,
    # reopened and redirected again, then reopened before the second went, it went all the same).
    before = len(request.outbox)
    drop_unsent(request, (REDIRECTED,), leave_under_way=True)
    dropped = len(request.outbox) < before
    if dropped:
        audit.add_event(REDIRECT_EMAIL_DROPPED, request.reference, audit.SYSTEM)
    # Held by the outbox worker, sending it now (PostgreSQL), or its attempt begun (SQLite, with no
    # row locks), it goes all the same (found, regression review: the facilitator was told nothing;
    # and, on SQLite, that it "will not be sent now", and it went).
    being_sent = any(m in request.outbox and m.sent_at is None and m.given_up_at is None for m in redirected)
    # What the practitioner was last sent about it: no second "reopened" email after one (redirected
    # again and reopened before the second redirect's email went, they were told nothing since).
    told = sorted(
        (m for m in request.outbox if m.kind in (REDIRECTED, REOPENED) and m.sent_at is not None),
        key=lambda m: (m.sent_at, m.id or 0),
    )
    if being_sent or (told and told[-1].kind == REDIRECTED):
        if queue_reopened_email(request):
            return REOPENED_AFTER_SENDING if being_sent else REOPENED_QUEUED
        return BEING_SENT if being_sent else ALREADY_TOLD
    if not dropped:
        return None
    # Its acknowledgement was not sent for the redirect's email, which now goes neither: it is queued
    # again, so that an email gives the practitioner their reference (found, regression review).
    # (Only one held back so: not for a request that never had one, imported from its PDF, say; nor
    # once an email about the redirect went, which gave the reference.)
    recipient = practitioner_email(request)
    acknowledged = any(message.kind == ACKNOWLEDGEMENT for message in request.outbox)
    held_back = db.session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.reference == request.reference, AuditEvent.action == ACKNOWLEDGEMENT_DROPPED)
        .limit(1)
    )
    if recipient and held_back is not None and not acknowledged and not told and not request.email_check_pending:
        request.outbox.append(
            OutboxMessage(
                kind=ACKNOWLEDGEMENT,
                recipient=recipient,
                subject=subject_for(request, ACKNOWLEDGEMENT),
                created_at=utcnow(),
                attempts=0,
            )
        )
        return DROPPED_ACKNOWLEDGED
    return DROPPED


def queue_reopened_email(request: StoredRequest) -> bool:
    """Queue the email telling the practitioner of ``request`` that it was reopened, after an email
    saying where to go instead went (no commit). False when it cannot go: no work email in the
    request, or no facilitators' address (their Reply-To) set up."""
    recipient = practitioner_email(request)
    if not recipient or not current_app.config.get("FACILITATOR_EMAIL") or request.email_check_pending:
        return False
    request.outbox.append(
        OutboxMessage(
            kind=REOPENED,
            recipient=recipient,
            subject=REOPENED_SUBJECT.format(reference=request.reference),
            created_at=utcnow(),
            attempts=0,
            body=render_template(
                "inbox/reopened.txt",
                reference=request.reference,
                contact=current_app.config.get("FACILITATOR_CONTACT_TEXT"),
            ),
        )
    )
    return True
