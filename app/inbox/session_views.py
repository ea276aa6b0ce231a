"""The facilitators' side of sessions: arrange one from a request, send the invitation, mark it
held or not held, the upcoming sessions, and changing or cancelling a session.

Routes (blueprint ``inbox``, so ``require_facilitator`` covers them: a signed-in facilitator
only, never a read-only partnership account):
  GET       /inbox/sessions                                  sessions_list     (started, to record; upcoming)
  GET/POST  /inbox/sessions/<session_id>                     session_page      (change it)
  GET/POST  /inbox/sessions/<session_id>/cancel              cancel_session    ("Are you sure?", then cancel)
  GET/POST  /inbox/sessions/comments/<comment_id>/delete     delete_comment    ("Are you sure?", then delete)
  POST      /inbox/requests/<reference>/session              arrange_session
  POST      /inbox/requests/<reference>/invitation           send_invitation
  POST      /inbox/requests/<reference>/session-outcome      session_outcome   (held or not held)

The work is ``app.space_sessions.service``'s; emails are only queued (the outbox worker sends them).
A form whose security token fails shows its page again with what was posted (``when_not_checked``:
see ``app.inbox.views.form_not_checked``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from .. import typed_text, workflow
from ..extensions import db
from ..requests.guard import in_context
from ..space_sessions import service as sessions
from ..space_sessions.calendar import references_in_words
from ..space_sessions.forms import NEW_SESSION, SessionForm
from ..space_sessions.models import FORMATS, SpaceSession
from ..space_sessions.service import SessionRefused
from ..stats.service import month_label
from ..uk_time import day_in_words, uk_time
from ..web import refused_form, show_refused_form
from . import bp
from . import service as inbox_service
from .views import (
    ALREADY_MOVED,
    FEEDBACK_LINK_SENT,
    IMPORTANT,
    SUCCESS,
    acted_on,
    current_facilitator,
    done,
    emails_held,
    kept_page,
    moved_by,
    refused_on_page,
    render_request_page,
    shown_again,
    stored_request,
    when_not_checked,
)


def offered_sessions(stored: Any) -> frozenset[str]:
    """What the request's arrange form may choose: a new session, or one it can join (by id):
    upcoming, or over already and recorded (``sessions.sessions_to_join``)."""
    return frozenset({NEW_SESSION, *(str(found.id) for found in sessions.sessions_to_join(stored))})


# The cancel page's confirmation (its hidden field), and the refusal when there is nothing to cancel.
CONFIRM_CANCEL = "yes"
ALREADY_CANCELLED = "This session is already cancelled"


def already_cancelled(space_session: SpaceSession) -> str:
    """Why cancelling (or changing) did nothing to a session cancelled already, and when that was.
    Found (facilitator review): "Cancel the session" clicked twice (or a colleague's cancelling
    first) showed only "This session is already cancelled", not the "Session cancelled" the first
    click had earned, so the facilitator could not tell whether the practitioners had been told."""
    when = f" (on {uk_time(space_session.cancelled_at)})" if space_session.cancelled_at is not None else ""
    return f"{ALREADY_CANCELLED}{when}{cancelled_by(space_session)}, so nothing more was done. {CANCELLATIONS_SENT}"


# After a cancelled session's changes were refused (as ``sessions.CANCELLED_NOT_CHANGED`` says).
NEW_ONE = "arrange a new one"
# Said after "already cancelled": the first cancelling queued them (and the outbox sends them).
CANCELLATIONS_SENT = "Everyone who was invited to it is emailed a cancellation"


def cancelled_by(space_session: SpaceSession) -> str:
    """ " by <name>" (or " by you") for who cancelled the session, as the audit log has it; or,
    for a session cancelled as its last request was moved out of it, which request, to what and
    by whom; "" when it does not say. Found (facilitator review): a colleague's cancelling was not
    named, as a colleague's status change is, so the facilitator did not know whom to ask; and
    (regression review) a session a colleague emptied, closing its one request as the facilitator
    cancelled it, was said "already cancelled" with no word of how."""
    named = sessions.in_trail(space_session)
    actor = inbox_service.who_cancelled(named)
    if actor is not None:
        return f" by {acting(actor)}" if acting(actor) else ""
    emptied = inbox_service.who_emptied(named)
    if emptied is None:
        return ""
    reference, actor, status = emptied
    by = f" by {acting(actor)}" if acting(actor) else ""
    return (
        f", as its last request, {reference}, was moved to {inbox_service.STATUS_LABELS[status].lower()}{by}, "
        "leaving no one in it"
    )


def acting(actor: str) -> str:
    """ "you", or the colleague's name, for an audit event's actor; "" for anyone else."""
    if actor == current_facilitator().actor:
        return "you"
    colleague = inbox_service.facilitator_acting(actor)
    return colleague.display_name if colleague is not None else ""


# Put on the place field when its text looks identifying: nothing was saved, and the page says so.
PLACE_NOT_ARRANGED = (
    "Check the joining instructions or place do not identify anyone (what was found is listed under them): "
    "the session has not been arranged yet"
)
PLACE_NOT_CHANGED = (
    "Check the joining instructions or place do not identify anyone (what was found is listed under them): "
    "the changes have not been saved yet"
)
# Shown when a form's security token was missing or out of date (nothing was saved).
ARRANGE_NOT_CHECKED = (
    "The session has not been arranged because the form had expired. Select Arrange the session to try again"
)
# The button is "Send the invitation again" once the practitioner has been invited.
INVITATION_NOT_CHECKED = "The invitation has not been sent because the form had expired. Select {button} to try again"
OUTCOME_NOT_CHECKED = (
    "Whether the session was held has not been saved because the form had expired. Select Save to try again"
)
CHANGE_NOT_CHECKED = (
    "The changes to the session have not been saved because the form had expired. Select Save the changes to try again"
)
CANCEL_NOT_CHECKED = (
    "The session has not been cancelled because the form had expired. Select Yes, cancel the session to try again"
)


def place_needs_confirmation(form: SessionForm, not_saved: str, confirmed_place: str | None = None) -> list[Any]:
    """Identifying-looking data in the joining instructions or place not yet confirmed; if
    there is any, ``not_saved`` goes on the place field (so the page has its error summary).
    ``confirmed_place``: the session's place as saved (confirmed when it was), which a change
    of date or time leaves as it is: not asked about again."""
    if form.details is None or form.details.place == confirmed_place:
        return []
    findings = inbox_service.needs_confirmation(form.details.place, form.confirmed.data, inbox_service.PLACE_KINDS)
    if findings:
        form.place.errors = [not_saved]
    return findings


@bp.get("/sessions")
def sessions_list() -> str:
    """Sessions that have started with a request still to be marked held or not held; the
    sessions still to come, soonest first, with the requests in each; the sessions that have
    taken place, newest first; then feedback comments."""
    upcoming = sessions.sessions_with_members(sessions.upcoming_sessions())
    to_record = sessions.sessions_with_members(sessions.sessions_to_record())
    past = sessions.past_sessions()
    page = render_template(
        "inbox/sessions.html",
        to_record=to_record,
        arranged=sessions.ARRANGED,
        upcoming=upcoming,
        past=past,
        past_shown=sessions.PAST_SESSIONS_SHOWN,
        retention_days=sessions.retention_days(),
        words=sessions.session_words,
        comments=sessions.feedback_comments(),
        month_label=month_label,
        in_words=references_in_words,
    )
    if request.method == "GET":  # audited once the page is made (as the inbox list is)
        shown = [stored.reference for _, members in (*to_record, *upcoming, *past) for stored in members]
        inbox_service.record_shown_in_sessions(shown, "sessions list", current_facilitator())
    return page


@bp.post("/requests/<reference>/session")
def arrange_session(reference: str) -> Response | str:
    """Put the request in a new session or an upcoming one, moving it to "session arranged"."""
    stored = stored_request(reference)
    form = SessionForm()
    if not form.validate(offered=offered_sessions(stored), received_at=stored.created_at):
        if (gone := no_longer_offered(form.session.data or NEW_SESSION)) is not None:
            form.session.errors = [gone]
        if not arrange_form_shown(stored):
            # As below: the errors would sit beside fields no longer on the page, and the error
            # summary's links would lead nowhere.
            return refused_on_page(
                stored, session_problem=arranged_meanwhile(stored, form, form.session.data or NEW_SESSION)
            )
        return refused_on_page(stored, session_form=form)
    if not arrange_form_shown(stored):
        # Before the identifying-data check: found (interrupted people review), a colleague's session
        # arranged meanwhile, joining instructions with a dial-in number were refused beside a field no
        # longer on the page, and what was typed was shown nowhere.
        if arranged_already(stored, form, form.session.data or NEW_SESSION):  # the same form twice (a double click)
            flash(ARRANGED_ALREADY, IMPORTANT)
            return redirect(url_for("inbox.request_page", reference=stored.reference))
        return refused_on_page(
            stored, session_problem=arranged_meanwhile(stored, form, form.session.data or NEW_SESSION)
        )
    findings = place_needs_confirmation(form, PLACE_NOT_ARRANGED)
    if findings:
        return refused_on_page(stored, session_form=form, place_findings=findings)
    chosen = form.session.data or NEW_SESSION
    if chose_another(chosen):
        form.session.errors = [CHOSEN_GONE]
        return refused_on_page(stored, session_form=form)
    try:
        arranged = sessions.arrange(
            stored,
            current_facilitator().actor,
            details=form.details if chosen == NEW_SESSION else None,
            session_id=None if chosen == NEW_SESSION else int(chosen),
            seen=seen_on_the_page(chosen),
        )
    except SessionRefused as refused:
        db.session.rollback()
        if arranged_already(stored, form, chosen):
            # The same form sent twice (a double click): the first arranged it, as entered.
            flash(ARRANGED_ALREADY, IMPORTANT)
            return redirect(url_for("inbox.request_page", reference=stored.reference))
        if not arrange_form_shown(stored):
            # No arrange form on the page (the request is in a session, or not ready for one):
            # the message is shown under Session instead of beside a field that is not there.
            return refused_on_page(stored, session_problem=arranged_meanwhile(stored, form, chosen))
        if refused.field == "date":  # deleted before the day typed: said beside the date
            form.refuse_whole_date(str(refused))
        else:
            # Cancelled by a colleague after the form was checked, before it was held (found, two
            # facilitators at once review: "Select a session from the list, or A new session", and
            # nothing said of why): said as for a page opened before the cancelling.
            form.session.errors = [no_longer_offered(chosen) or str(refused)]
        return refused_on_page(stored, session_form=form)
    if arranged.has_started:  # recorded after it took place: nothing to invite anyone to
        done(
            "Session recorded. It has already started, so no invitation or reminder will be emailed. "
            "Say below, under After the session, whether it was held",
            "session-section",
            "the session",
        )
    elif stored.email_check_pending:  # imported unchecked: no invitation until its work email is confirmed
        done(
            # To whoever can confirm it, that they can (found, review of that check: told to wait for
            # "another facilitator"); to its importer, that another must.
            "Session arranged. Its invitation can be sent once another facilitator confirms the work email"
            if inbox_service.importer_of(stored.reference) == current_facilitator().actor
            else "Session arranged. Its invitation can be sent once the work email is confirmed: you can confirm it "
            "at the top of this page once you have checked it with the practitioner",
            "session-section",
            "the session",
        )
        warn_if_after_due([stored], arranged)
    elif current_app.config.get("FACILITATOR_EMAIL"):
        done("Session arranged. Send the invitation when you are ready", "session-section", "the session")
        warn_if_after_due([stored], arranged)
    else:  # (found, review: "Send the invitation" was said where no invitation can be sent)
        done(
            f"Session arranged. {NO_MAIL_FOR_SESSIONS}: tell the practitioner its date, time and place yourself",
            "session-section",
            "the session",
        )
        warn_if_after_due([stored], arranged)
    return acted_on(stored)


# Said where a session's emails would go, when the service has no facilitators' address to send from.
NO_MAIL_FOR_SESSIONS = "This service has no facilitators' email address set up, so it cannot email invitations"

CHOSEN_GONE = (
    "The session you chose has been removed since this page was opened, and another session now has its number: "
    "nothing has been arranged. Select a session from the list, or A new session"
)


def session_number(text: str) -> int | None:
    """A session's number as a page sent it, or None if it cannot be one: ASCII digits only ("²" is a
    digit to ``isdigit``, not to ``int``), fewer than 10 of them. Found: a longer one, from a changed
    form, was looked up as it was, and SQLite cannot hold it (a 500, not "Nothing has been arranged")."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


# A session chosen that the page offered, but that can no longer be joined.
CHOSEN_CANCELLED = (
    "The session you chose was cancelled while this page was open: nothing has been arranged. Arrange a new "
    "session, or choose another if one is listed"
)


def no_longer_offered(chosen: str) -> str | None:
    """Why a session chosen on the arrange form (by number) cannot be joined now, if it was
    cancelled meanwhile (found, stale pages review: "Select a session, or A new session", with the
    session gone from the list and nothing said of why); else None."""
    number = session_number(chosen) if chosen != NEW_SESSION else None
    found = sessions.find_session(number) if number is not None else None
    return CHOSEN_CANCELLED if found is not None and found.cancelled_at is not None else None


def seen_on_the_page(chosen: str) -> str | None:
    """The session chosen (by number) as the page offered it (``sessions_seen``), for ``arrange`` to
    compare with the session as it is once held; None for a new session, or a page from before the
    offered sessions were sent back."""
    if chosen == NEW_SESSION:
        return None
    return next(
        (seen for seen in request.form.get("sessions_seen", "").split() if seen.split("|", 1)[0] == chosen), None
    )


def chose_another(chosen: str) -> bool:
    """Whether the session chosen (by number) is not the one the page offered under it: removed
    since, its number given again to another (SQLite, after the purge). A page from before the
    offered sessions were sent back (``sessions_seen``) sends none, and goes on as before."""
    if chosen == NEW_SESSION:
        return False
    for seen in request.form.get("sessions_seen", "").split():
        if seen.split("|", 1)[0] == chosen and (number := session_number(chosen)) is not None:
            found = sessions.find_session(number)
            return found is not None and not sessions.same_session(found, seen)
    return False


def warn_if_after_due(requests: list[Any], space_session: SpaceSession) -> None:
    """An Important banner beside the success one when the session is after any of these
    requests' due dates: said, not refused (a later date may have been agreed with the practitioner)."""
    if late := sessions.after_due(requests, space_session.starts_at):
        flash(sessions.after_due_words(late), IMPORTANT)


ARRANGED_ALREADY = (
    "The request's session was already arranged as you entered it (a moment ago, from this page or another), so "
    "nothing more was changed"
)


def arrange_form_shown(stored: Any) -> bool:
    """Whether the request page shows the arrange form (inbox/_request_session.html): only while
    the request waits for a session, in none yet."""
    return stored.status == sessions.OFFERED and sessions.session_place(stored) is None


def arranged_already(stored: Any, form: SessionForm, chosen: str) -> bool:
    """Whether the request is in "session arranged", in the very session this form arranges: a
    new one with its details, or the one it chose."""
    space_session = sessions.session_of(stored) if stored.status == sessions.ARRANGED else None
    if space_session is None:
        return False
    if chosen == NEW_SESSION:
        return form.details is not None and sessions.unchanged(space_session, form.details)
    return str(space_session.id) == chosen


def arranged_meanwhile(stored: Any, form: SessionForm, chosen: str) -> str:
    """Why "Arrange the session" did nothing to a request no longer waiting for one (the arrange
    form is shown only while it is): the page was opened before a colleague (or another tab)
    arranged its session or moved it on. Found (facilitator review): it said "The request already
    has a session arranged", or "A request that is in triage cannot be moved to session
    arranged...", a rule to learn; and what had been typed was gone from the page, with the form.
    It says what changed and gives back what was entered."""
    details = form.details
    if chosen == NEW_SESSION and details is not None:
        entered = (
            f"You entered a session on {details.day:%A} {day_in_words(details.day)} at "
            f"{sessions.time_in_words(details.time)} (UK time), "
            f"{sessions.LENGTHS.get(str(details.minutes), f'{details.minutes} minutes')}, "
            f"{FORMATS.get(details.format, details.format).lower()}; joining instructions or place: {details.place}"
        )
    elif chosen == NEW_SESSION:  # not all of it valid: what can be given back is the place typed
        place = (form.place.data or "").strip()
        entered = f"You entered the joining instructions or place: {place}" if place else ""
    else:
        number = session_number(chosen)
        found = sessions.find_session(number) if number is not None else None
        entered = f"You chose the session on {sessions.session_label(found)}" if found is not None else ""
    return (
        f"Nothing has been arranged: this request {workflow.now_in_words(stored.status)} (it changed while this "
        "page was open, in another tab or by another facilitator). Check the request, then arrange a session "
        "again if one is still needed" + (f". {entered}" if entered else "")
    )


INVITATION_STILL_WAITING = (
    "The invitation has not been sent again: the one already queued has not gone yet, and the service will send "
    "it, trying again if the mail server does not take it. Reload the page to see when it has been sent"
)
INVITED_MEANWHILE = (
    "The invitation had already been sent while this page was open (from another tab, or by another facilitator), "
    "so it was not sent twice. Once it has gone, you can send it again from this page if the practitioner needs it"
)


@bp.post("/requests/<reference>/invitation")
def send_invitation(reference: str) -> Response | str:
    """Queue the invitation, with its calendar file, to the practitioner's work email."""
    stored = stored_request(reference)  # (CSRFProtect has checked the token, as for every POST)
    # Held first (the session, then the request), then compared with what the page showed, as the
    # session page's form is. Found (two facilitators at once review): compared before, a
    # colleague's move to 3pm saved in between was queued at 3pm, and the facilitator whose page
    # showed 10am was told only "Invitation queued". A colleague's change waits here.
    was = sessions.hold_request(stored)
    if (refused := invitation_refused(stored)) is not None:
        db.session.rollback()  # the session and request let go (and SQLite's write lock)
        return refused
    try:
        sessions.send_invitation(
            stored, current_facilitator().actor, first=request.form.get("invited") == "no", read_as=was
        )
    except sessions.InvitedMeanwhile:
        db.session.rollback()
        flash(INVITED_MEANWHILE, IMPORTANT)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    except SessionRefused as refused_there:
        db.session.rollback()
        problem = str(refused_there)
        if isinstance(refused_there, sessions.ChangedMeanwhile):
            problem = f"{problem}{moved_by(stored, current_facilitator())} Check the request and its audit trail"
        return refused_on_page(stored, session_problem=problem)
    # Not "in the next minute" while an earlier email to the practitioner about this request has not
    # gone, which goes first (found, dependency review: said beside "2 emails about this request have
    # not gone out … the mail server did not answer"; regression review: said too where only the
    # facilitators' email was failing, and the invitation went at once).
    behind = sessions.invitation_waits_behind_an_earlier_email(stored)
    done(
        "Invitation queued: it will be emailed to the practitioner once emails are released, after the service's "
        "data was put back from a backup (see the top of the page)"
        if emails_held()
        else "Invitation queued: it will be emailed to the practitioner once an earlier email to them about this "
        "request has gone (it has not gone yet: see below)"
        if behind
        else "Invitation queued: it will be emailed to the practitioner in the next minute",
        "session-section",
        "the session",
    )
    return acted_on(stored)


def invitation_refused(stored: Any) -> Response | None:
    """Why "Send invitation" sends nothing, as the response to give (the request held: read as it
    is now); None if it is to be sent."""
    place = sessions.session_place(stored)
    if request.form.get("invited") == "no" and place is not None and place.invited_sequence is not None:
        # "Send invitation" on a page opened before the invitation went (from another tab, or by
        # another facilitator): sent again, it would reach the practitioner twice. (A page from
        # before this field was added sends none, and is sent as before.)
        flash(INVITED_MEANWHILE, IMPORTANT)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    space_session = sessions.session_of(stored)
    seen = request.form.get("session_seen")
    if seen is not None and (
        space_session is None or space_session.cancelled_at is not None or stored.status != sessions.ARRANGED
    ):
        # The page showed a session arranged, with its button: a colleague (or another tab) has
        # cancelled the session, or moved the request on, since. Found (facilitator review): it
        # said "Arrange a session before sending an invitation", to a facilitator looking at one.
        return refused_on_page(stored, session_problem=not_arranged_now(stored, space_session))
    if (
        seen is not None
        and space_session is not None
        and space_session.cancelled_at is None
        and not space_session.has_started
    ):
        # "Send invitation" on a page opened before a colleague (or another tab) changed the
        # session: it would invite the practitioner to a time this facilitator did not see. (A
        # page from before this field was added sends none, and is sent as before. A session
        # started since is refused by the service below, saying so: the page has no button then.)
        try:
            changed = sessions.changed_since(space_session, seen)
        except ValueError:  # altered, or cut short: what the page showed is not known
            return refused_on_page(stored, session_problem=changed_meanwhile(space_session, place, [], True))
        if changed is None or changed:
            return refused_on_page(stored, session_problem=changed_meanwhile(space_session, place, changed))
    if (
        request.form.get("invited") == "yes"
        and place is not None
        and space_session is not None
        and not space_session.has_started  # (refused below, saying it is too late)
        and sessions.invitation_state(stored, space_session, place).state in (sessions.WAITING, sessions.RETRYING)
    ):
        # "Send the invitation again" while the one queued has not gone yet (found, facilitators'
        # review: the button was offered at once, beside "waiting to be sent"): the practitioner
        # would get both. The service sends the one waiting, and tries again until it goes.
        flash(INVITATION_STILL_WAITING, IMPORTANT)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    return None


def not_arranged_now(stored: Any, space_session: SpaceSession | None) -> str:
    """Why "Send invitation" did nothing to a request whose session was cancelled, or that was
    moved on, while the page was open."""
    now = workflow.now_in_words(stored.status)
    if space_session is None or space_session.cancelled_at is not None:
        what = f"its session was cancelled, or the request taken out of it, and it {now}"
    else:
        what = f"it {now}"
    return (
        f"The invitation has not been sent: this request changed while this page was open (in another tab, or by "
        f"another facilitator): {what}. Check the request and its audit trail"
    )


def changed_meanwhile(
    space_session: SpaceSession, place: Any, changed: list[str] | None, unreadable: bool = False
) -> str:
    """Why "Send invitation" did nothing: the session changed while the page was open (``changed``:
    what changed, in words; None: the request is in another session now), or the page's record of
    the session could not be read (``unreadable``: what the page showed is not known), and what
    the session is now."""
    words = sessions.session_words(space_session)
    while_open = "while this page was open (in another tab, or by another facilitator)"
    if unreadable:
        what = "this page's record of the session could not be read, so the page may have been out of date"
    elif changed is None:
        what = f"this request was put in a different session {while_open}"
    else:
        listed = changed[0] if len(changed) == 1 else ", ".join(changed[:-1]) + " and " + changed[-1]
        what = f"the session's {listed} changed {while_open}"
    button = "Send invitation" if place is None or place.invited_sequence is None else "Send the invitation again"
    return (
        f"The invitation has not been sent: {what}. The session is now on {words['date']} at {words['time']} "
        f"(UK time), {words['length']}, {words['format'].lower()}. Check the session's details below, then select "
        f"{button} if they are right"
    )


@bp.post("/requests/<reference>/session-outcome")
def session_outcome(reference: str) -> Response | str:
    """The session was held (counted; the feedback link is sent) or not held (back to offered)."""
    stored = stored_request(reference)
    outcome = request.form.get("outcome")
    target = {"held": sessions.HELD, "not_held": sessions.OFFERED}.get(outcome or "")
    if target is not None and inbox_service.is_move_resent(stored, sessions.ARRANGED, target, current_facilitator()):
        # The same form sent twice (a double click): the first did it. Found (facilitator review):
        # the second said "There is a problem", that the request had changed while the page was
        # open, or had "already had its session".
        flash(OUTCOME_RESENT[outcome or ""], IMPORTANT)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    seen = request.form.get("session_seen")
    now_in = sessions.session_of(stored)
    if seen is not None and now_in is not None and not sessions.same_session(now_in, seen):
        # The page showed another session (the request has moved to a new one since, perhaps
        # given the removed one's number): the answer was about that one. Kept, to say again.
        return refused_on_page(stored, session_problem=OUTCOME_ANOTHER_SESSION, outcome_chosen=outcome or "")
    also: list[str] = []
    try:
        if outcome == "held":
            sessions.mark_held(stored, current_facilitator().actor)
        elif outcome == "not_held":
            also = sessions.mark_not_held(stored, current_facilitator().actor)
        else:
            # On the radios when the page shows them again (the request still in its session).
            shown_on = "outcome_problem" if stored.status == sessions.ARRANGED and now_in else "session_problem"
            return refused_on_page(stored, **{shown_on: "Select whether the session was held"})
    except SessionRefused as refused:  # too soon, or not in a session: the answer is kept
        db.session.rollback()
        if target is not None and stored.status == target:
            # The same answer given a moment before, by this facilitator (a true double click, both
            # in flight) or a colleague: said as done, not as a failure (found, regression review:
            # "The request has already had its session").
            if inbox_service.is_move_resent(stored, sessions.ARRANGED, target, current_facilitator()):
                flash(OUTCOME_RESENT[outcome or ""], IMPORTANT)
            else:
                status = workflow.STATUS_LABELS[stored.status].lower()
                flash(ALREADY_MOVED.format(status=status, by=moved_by(stored, current_facilitator())), IMPORTANT)
            return redirect(url_for("inbox.request_page", reference=stored.reference))
        problem = str(refused)
        if isinstance(refused, sessions.ChangedMeanwhile):
            problem = f"{problem}{moved_by(stored, current_facilitator())} Check the request, then choose again"
        return refused_on_page(stored, session_problem=problem, outcome_chosen=outcome or "")
    changed = f"Status changed to {workflow.STATUS_LABELS[stored.status].lower()}"
    if outcome == "held" and (why_not := sessions.feedback_link_unavailable()):
        also = [f"No link to give feedback was sent: {why_not}."]
    elif outcome == "held" and stored.email_check_pending:  # (found, regression review: it said a link was sent)
        also = [f"No link to give feedback was sent: {sessions.FEEDBACK_WAITS_FOR_CHECK}."]
    elif outcome == "held":  # (said on the form before it was sent: said again once it is done)
        also = [FEEDBACK_LINK_SENT]
    # done() adds the full stop after the message.
    done(" ".join([f"{changed}.", *also]).removesuffix(".") if also else changed, "session-section", "the session")
    return acted_on(stored)


OUTCOME_ANOTHER_SESSION = (
    "Nothing has been saved: this request is in another session than the one this page showed (it changed while "
    "the page was open, in another tab or by another facilitator). Check its session below, then say again "
    "whether it was held"
)

OUTCOME_RESENT = {
    "held": "You had already said the session was held, so nothing more was changed",
    "not_held": "You had already said the session was not held, so nothing more was changed",
}


def found_session(session_id: str) -> SpaceSession:
    """The session with this id (ASCII digits only: "²" is a digit to ``isdigit``, not to ``int``), or 404.

    A session number that is not stored is most often one removed by the purge once no request
    is in it (within the hour after it was cancelled, or its last request moved out), its page
    still open or in the browser's history: the 404 page says so, not "Page not found", and gives
    back the joining instructions or place typed into its change form (``app.typed_text``)."""
    number = session_number(session_id)
    if number is None:
        abort(404)
    found = sessions.find_session(number)
    if found is None:
        page = render_template("inbox/session_gone.html", kept=typed_text.typed_text_kept(), another=None)
        abort(Response(page, status=404, mimetype="text/html"))
    return found


def shown_another_session(space_session: SpaceSession, done: str) -> Response | None:
    """The "no longer in the inbox" page (409), nothing done, if the form posted was made for
    another session than the one with this number now; else None (a page from before the form
    carried ``session_seen``, or one whose record of it cannot be read, goes on as before).

    Found (review): on SQLite a session's number is given again once the purge has removed the
    session that had it, if it was the last one; a cancel page (or a change form) still open on
    the removed session then cancelled (or changed) the new one, emailing its practitioners.
    ``done``: what was not done to the session that has the number now ("changed", "cancelled").
    What was typed into the change form is given back, to copy."""
    seen = request.form.get("session_seen")
    if seen is None or sessions.shown_values(seen) is None or sessions.same_session(space_session, seen):
        return None
    words = sessions.session_words(space_session)
    page = render_template(
        "inbox/session_gone.html",
        kept=typed_text.typed_text_kept(),
        another={"date": words["date"], "time": words["time"], "done": done},
    )
    return Response(page, status=409, mimetype="text/html")


def audit_session_shown(space_session: SpaceSession, where: str) -> None:
    """Audit the requests a session's page (or its cancel page) showed, on a GET (not a HEAD)."""
    if request.method == "GET":
        in_it = (*sessions.members(space_session), *sessions.held_members(space_session))
        shown = [stored.reference for stored, _ in in_it]
        inbox_service.record_shown_in_sessions(shown, where, current_facilitator())


def render_session_page(
    session: SpaceSession, form: SessionForm | None = None, findings: list[Any] | None = None, problem: str = ""
) -> str:
    """A session: its details, the requests in it, the change form and cancelling (``problem``:
    a message about the change form as a whole, first in the error summary)."""
    if form is None:
        form = SessionForm(formdata=None, data=form_values(session))
        form.date_errors = []
    errors = form.error_list()
    if problem:
        errors.insert(0, {"text": problem, "href": "#change-session"})
    in_session = sessions.members(session)
    upcoming = session.cancelled_at is None and not session.has_started
    late = sessions.after_due([stored for stored, _ in in_session], session.starts_at) if upcoming else []
    return render_template(
        "inbox/session.html",
        after_due=sessions.after_due_words(late) if late else "",
        space_session=session,
        words=sessions.session_words(session),
        members=in_session,
        # Requests still waiting to be said held or not (found: a session whose every request was
        # already marked held still asked for it to be said on each request's page).
        awaiting_outcome=any(stored.status == sessions.ARRANGED for stored, _ in in_session),
        held_members=sessions.held_members(session),
        joinable_until=day_in_words(until) if (until := sessions.joinable_until(session)) else "",
        invitations={stored.id: sessions.invitation_state(stored, session, place) for stored, place in in_session},
        can_email=bool(current_app.config.get("FACILITATOR_EMAIL")),
        form=form,
        formats=FORMATS,
        lengths=sessions.LENGTHS,
        record_weeks=sessions.RECORD_WEEKS,
        findings=in_context(findings or [], form.place.data),
        fingerprint=inbox_service.text_fingerprint,
        seen=sessions.session_version(session),
        errors=errors,
        has_errors=bool(errors),
    )


def form_values(session: SpaceSession) -> dict[str, str]:
    """The change form filled in with the session as it is."""
    local = sessions.to_uk(session.starts_at)
    return {
        "day": str(local.day),
        "month": str(local.month),
        "year": str(local.year),
        "start_time": f"{local:%H:%M}",
        # A time outside the working day was confirmed when the session was arranged.
        "unusual_time": f"{local:%H:%M}",
        # So was a date that is a bank holiday.
        "bank_holiday": f"{local:%Y-%m-%d}",
        "length": str(session.minutes),
        "format": session.format,
        "place": session.place,
    }


# The change form's date inputs: brought up to date together, or kept as typed together.
DATE_FIELDS = ("day", "month", "year")


ALREADY_SAVED = (
    "The session was already as you entered it (saved a moment ago, from this page or another), so nothing more "
    "was changed"
)


def changed_meanwhile_on_session_page(space_session: SpaceSession, form: SessionForm) -> str | Response | None:
    """Why "Save the changes" must not save: the session changed since the page was opened (in
    another tab, or by a colleague), or the page's record of it (``session_seen``) cannot be read;
    None if it is as the page showed it (or the page is from before this field was added); a
    redirect saying so if the session is already as the form has it (the form sent twice).

    Saved, the form would put back every detail as the page showed it, silently undoing the
    colleague's change, and email the practitioners a session moved back. Instead the form is
    shown again, brought up to date: each field the facilitator did not touch now holds the
    session as it is, and each they changed keeps what they typed."""
    seen = request.form.get("session_seen")
    if seen is None:
        return None
    try:
        changed = sessions.changed_since(space_session, seen)
    except ValueError:
        changed = None
    if changed == []:
        return None
    if form.validate() and sessions.unchanged(space_session, form.details):  # type: ignore[arg-type]  # set by validate
        # The session is already as this form has it: the same form sent twice (a double click:
        # the first saved it and sent any update), or a colleague made the same change. Not
        # "Nothing was changed, so no one was sent an update", which would read as if the
        # update had not gone.
        flash(ALREADY_SAVED, IMPORTANT)
        return redirect(url_for("inbox.session_page", session_id=space_session.id))
    for field in form:
        field.errors = []
    form.date_at_fault = ()
    shown = sessions.shown_values(seen) if changed is not None else None
    now = form_values(space_session)
    if shown is not None:
        if all((getattr(form, name).data or "").strip() == shown[name] for name in DATE_FIELDS):
            for name in DATE_FIELDS:
                getattr(form, name).data = now[name]
            form.bank_holiday.data = now["bank_holiday"]
        if (form.start_time.data or "").strip() == shown["start_time"]:
            form.start_time.data = now["start_time"]
            form.unusual_time.data = now["unusual_time"]
        for name in ("length", "format"):
            if (getattr(form, name).data or "") == shown[name]:
                getattr(form, name).data = now[name]
        if sessions.same_place(shown["place"], form.place.data or ""):
            form.place.data = now["place"]
    form.date_errors = []
    words = sessions.session_words(space_session)
    while_open = "while this page was open (in another tab, or by another facilitator)"
    if changed:
        listed = changed[0] if len(changed) == 1 else ", ".join(changed[:-1]) + " and " + changed[-1]
        what = f"its {listed} changed {while_open}"
        form_now = "The form below now shows the session as it is, apart from what you changed, which is kept"
    else:
        what = "this page's record of the session could not be read, so the page may have been out of date"
        form_now = "The form below shows what you entered"
    return (
        f"The session has not been changed: {what}. It is now on {words['date']} at {words['time']} "
        f"(UK time), {words['length']}, {words['format'].lower()}. {form_now}. Check it, then select "
        "Save the changes"
    )


@bp.route("/sessions/<session_id>", methods=["GET", "POST"])
def session_page(session_id: str) -> Response | str:
    """A session; posting the form changes it and sends the update to everyone invited. A
    session cancelled or started (held, or under way) is shown, never changed."""
    space_session = found_session(session_id)
    if request.method in ("GET", "HEAD"):  # (a HEAD is a look, not an empty form sent: it looped)
        # A change refused is shown by this GET (as a request page's forms are: ``refused_on_page``).
        shown = shown_again(refused_form(keep=True))
        page = render_session_page(
            space_session,
            shown.get("session_form"),
            shown.get("place_findings"),
            shown.get("session_problem", ""),
        )
        audit_session_shown(space_session, "a session's page")
        return page
    if (gone := shown_another_session(space_session, "changed")) is not None:
        return gone
    form = SessionForm()
    # Held first, then compared with what the page showed (found, facilitator review: two saves at
    # the same moment each found the session as their page showed it, then saved one after the other,
    # the second undoing the first's new time without a word). A colleague's save waits here.
    sessions.lock_session(space_session)
    if (not_saved := session_change_refused(space_session, form)) is not None:
        db.session.rollback()  # the session let go (and SQLite's write lock, which the page's own save needs)
        return not_saved
    try:
        updated = sessions.change_session(space_session, form.details, current_facilitator().actor)  # type: ignore[arg-type]  # set by validate
    except SessionRefused as refused:  # cancelled a moment ago by a colleague, or started since
        db.session.rollback()
        flash(str(refused), IMPORTANT)
        return redirect(url_for("inbox.session_page", session_id=space_session.id))
    unchecked = [] if space_session.has_started else sessions.invited_before_the_check(space_session)
    said = changed_words(space_session, *updated) if updated != (0, 0) or not unchecked else "Session changed"
    if unchecked:
        said += NO_UPDATE_WAITS_FOR_CHECK.format(references=", ".join(stored.reference for stored in unchecked))
    done(said, "change-session", "the session's details")
    if not space_session.has_started:
        warn_if_after_due([stored for stored, _ in sessions.members(space_session)], space_session)
    return redirect(url_for("inbox.session_page", session_id=space_session.id))


def session_change_refused(space_session: SpaceSession, form: SessionForm) -> Response | None:
    """Why the session page's form saves nothing, as the page to show; None if it is to be saved."""
    if moved_there_already(space_session, form):  # the same form sent twice (a double click)
        flash(ALREADY_SAVED, IMPORTANT)
        return redirect(url_for("inbox.session_page", session_id=space_session.id))
    if (refused := cannot_change(space_session)) is not None:
        return refused
    if isinstance(problem := changed_meanwhile_on_session_page(space_session, form), Response):
        return problem  # saved already
    if problem is not None:
        return refused_session_change(form, problem=problem)
    if not form.validate(received_at=latest_received(space_session), confirm_started=True):
        return refused_session_change(form)
    findings = place_needs_confirmation(form, PLACE_NOT_CHANGED, confirmed_place=space_session.place)
    if findings:
        return refused_session_change(form, findings=findings)
    in_session = [stored for stored, _ in sessions.members(space_session)]
    if too_late := sessions.deleted_before(in_session, form.details.starts_at):  # type: ignore[union-attr]  # set by validate
        form.refuse_whole_date(too_late)  # said beside the date, with what was typed kept
        return refused_session_change(form)
    if sessions.unchanged(space_session, form.details):  # type: ignore[arg-type]  # set by validate
        # Saved as it was: no update emailed to anyone (found: an "update" that changed nothing).
        flash("Nothing was changed, so no one was sent an update", IMPORTANT)
        return redirect(url_for("inbox.session_page", session_id=space_session.id))
    return None


# After a change, for the requests in the session whose practitioner was invited before their work email had
# to wait for a second person's check (``sessions.invited_before_the_check``): no update went to them (found,
# review of that check: the pages said what would be emailed as if it went).
NO_UPDATE_WAITS_FOR_CHECK = (
    ". No update was emailed for {references}: its work email waits for a facilitator's check (it was imported "
    "from a PDF this service could not check it made), so tell the practitioner yourself"
)

TOOK_PLACE_SAVED = (
    "Session changed to when it took place. It has started, so no update was emailed: anyone invited still has "
    "the date they were sent in their calendar. On the page of each request in it, say whether the session was held"
)


def refused_session_change(form: SessionForm, findings: list[Any] | None = None, problem: str = "") -> Response:
    """The change form refused: shown by the session page's GET, at the same address (303)."""
    return show_refused_form(kept_page(session_form=form, place_findings=findings or [], session_problem=problem))


def changed_words(space_session: SpaceSession, updated: int, nothing_new: int = 0) -> str:
    """What saving the change form did, in words: moved to when it took place (nothing emailed),
    or changed, with the updates sent (``nothing_new``: practitioners invited who already have the
    session as it is now: changed back before their update went)."""
    if space_session.has_started:
        return TOOK_PLACE_SAVED
    if nothing_new and not updated:
        who = "The practitioner invited was" if nothing_new == 1 else f"The {nothing_new} practitioners invited were"
        return (
            f"Session changed. {who} last sent these very details (the change before had not been emailed yet), "
            "so nothing was emailed"
        )
    return f"Session changed. {update_words(updated)}"


def moved_there_already(space_session: SpaceSession, form: SessionForm) -> bool:
    """Whether the session, started, is already as this form (confirmed) has it: moved to when it
    took place a moment ago, by this form sent twice. Not "This session has started, so it cannot
    be changed", which would read as if the change had not been saved."""
    if space_session.cancelled_at is not None or not space_session.has_started or not form.took_place.data:
        return False
    valid = form.validate(received_at=latest_received(space_session), confirm_started=True)
    return valid and form.details is not None and sessions.unchanged(space_session, form.details)


def latest_received(space_session: SpaceSession) -> dt.datetime | None:
    """When the last of the session's requests was received (naive UTC): a session held earlier
    than arranged may be changed to when it took place, but not to before any of its requests
    was received, nor more than ``RECORD_WEEKS`` back (``SessionForm.validate``)."""
    return max((stored.created_at for stored, _ in sessions.members(space_session)), default=None)


def update_words(updated: int) -> str:
    """What changing a session sent, in words (found: "Updated invitations queued: 0" when no one
    had been invited yet)."""
    if updated == 0:
        return "No one had been sent an invitation yet, so no update was sent"
    if updated == 1:
        return "The practitioner invited will be emailed the update"
    return f"The {updated} practitioners invited will be emailed the update"


def moved_words(moved: int) -> str:
    """Which requests cancelling a session moved back, in words."""
    if moved == 0:
        return "It had no requests in it."
    if moved == 1:
        return "Its request is back to session offered, so another session can be arranged."
    return f"Its {moved} requests are back to session offered, so other sessions can be arranged."


def cannot_change(space_session: SpaceSession) -> Response | None:
    """Back to the session's page with a message if it cannot be changed: cancelled, or started
    (what took place is not rewritten); else None."""
    refused = sessions.cannot_change(space_session)
    if refused is None:
        return None
    if space_session.cancelled_at is not None:
        # Who cancelled it and when, and that the changes sent went nowhere (found, facilitator
        # review: a colleague's cancelling meanwhile dropped the changes with no who or when).
        when = f" on {uk_time(space_session.cancelled_at)}"
        how = cancelled_by(space_session)
        # (Emptied by a request leaving it, there may be no one to arrange a new one for: found,
        # regression review, "arrange a new one" after its one request was closed.)
        then = "" if how.startswith(", as its last request") else f": {NEW_ONE}"
        refused = f"This session was cancelled{when}{how}, so the changes were not saved{then}"
    if request.method == "POST" and (kept := typed_text.typed_text_kept()):
        # What was typed, given back to copy (found, interrupted people review: dropped, the message
        # saying to arrange a new session, where the new time and joining instructions were needed).
        page = render_template(
            "inbox/session_not_changed.html", refused=refused, kept=kept, space_session=space_session
        )
        return Response(page, status=409, mimetype="text/html")
    flash(refused, IMPORTANT)
    return redirect(url_for("inbox.session_page", session_id=space_session.id))


def cannot_cancel(space_session: SpaceSession) -> Response | None:
    """Back to the session's page with a message if it cannot be cancelled: already cancelled,
    or started (no one is sent a cancellation of a session that took place); else None."""
    if space_session.cancelled_at is not None:
        flash(already_cancelled(space_session), IMPORTANT)
    elif space_session.has_started:
        flash(sessions.STARTED_NOT_CANCELLED, IMPORTANT)
    else:
        return None
    return redirect(url_for("inbox.session_page", session_id=space_session.id))


@bp.route("/sessions/<session_id>/cancel", methods=["GET", "POST"])
def cancel_session(session_id: str) -> Response | str:
    """Cancel the session, once the facilitator has confirmed it on this page: a cancellation
    to everyone invited; its requests go back to "session offered".

    GET asks "Are you sure?" (saying what will happen); only a POST from that page (its
    ``confirm`` field) cancels. A POST without it (a session page from before this step) is
    shown the question. A session already cancelled is refused with a message, as before, and
    so is one that has started (no one is sent a cancellation of a session that took place)."""
    space_session = found_session(session_id)
    if (refused := cannot_cancel(space_session)) is not None:
        return refused
    if request.method == "GET" or request.form.get("confirm") != CONFIRM_CANCEL:
        page = render_cancel_page(space_session)
        audit_session_shown(space_session, "the page to cancel a session")
        return page
    if (gone := shown_another_session(space_session, "cancelled")) is not None:
        return gone
    seen = request.form.get("consequences_seen")

    def as_seen(held: SpaceSession) -> bool:
        # Found (facilitator review): a cancel page opened before a colleague added a request to
        # the session (and invited its practitioner), or moved it, cancelled the session as it is
        # now, emailing a practitioner the page never named. Compared once the session is held.
        return seen is None or seen == cancel_consequences(held)["seen"]

    try:
        moved = sessions.cancel_session(space_session, current_facilitator().actor, as_confirmed=as_seen)
    except sessions.ChangedSinceConfirmed:  # it is asked again, as it is now
        db.session.rollback()
        return render_cancel_page(space_session, CHANGED_SINCE_THE_CANCEL_PAGE)
    except SessionRefused as refused:  # cancelled a moment ago by a colleague
        db.session.rollback()
        flash(str(refused), IMPORTANT)
        return redirect(url_for("inbox.session_page", session_id=space_session.id))
    flash(f"Session cancelled. {moved_words(moved)}", SUCCESS)
    return redirect(url_for("inbox.sessions_list"))


CHANGED_SINCE_THE_CANCEL_PAGE = (
    "The session was not cancelled: it changed while this page was open (a request added or taken out, an "
    "invitation sent, or its details changed). Check what cancelling it will do now, then select Yes, cancel "
    "the session again"
)


def cancel_consequences(space_session: SpaceSession) -> dict[str, Any]:
    """What cancelling the session will do now, as the cancel page says it: the requests whose
    practitioners are sent a cancellation (``invited``), those whose first invitation is being
    emailed now, a cancellation to follow it only if it goes (``in_hand``), those whose invitation, queued, will not
    be sent (``unsent``), and those going back to "session offered" (``moving``); and ``seen``, a
    short digest of them and of the session's details, which the page's form sends back."""
    in_session = sessions.members(space_session)
    invited = sessions.invitation_sent(space_session, in_session)
    told = {stored.id for stored in invited}
    # Of those, the ones whose invitation the outbox worker is emailing now, none sent before: a
    # cancellation follows it only if it goes (found, regression review: the page said it would).
    in_hand = [stored for stored in invited if sessions.last_invitation_sent(stored, space_session) is None]
    unsent = [stored for stored, place in in_session if place.invited_sequence is not None and stored.id not in told]
    moving = [stored for stored, _ in in_session if stored.status == sessions.ARRANGED]
    said = "|".join(
        [
            sessions.session_version(space_session),
            *(",".join(sorted(stored.reference for stored in group)) for group in (invited, unsent, moving)),
        ]
    )
    digest = hashlib.sha256(said.encode("utf-8")).hexdigest()[:16]
    # Invited before their work email had to wait for the check: no cancellation can go to them (found, review
    # of that check: the page said one would).
    unchecked = sessions.invited_before_the_check(space_session, in_session)
    sent = [stored for stored in invited if stored not in in_hand and stored not in unchecked]
    in_hand = [stored for stored in in_hand if stored not in unchecked]
    unsent = [stored for stored in unsent if stored not in unchecked]
    return {
        "invited": sent,
        "in_hand": in_hand,
        "unsent": unsent,
        "unchecked": unchecked,
        "moving": moving,
        "seen": digest,
    }


def render_cancel_page(space_session: SpaceSession, problem: str = "") -> str:
    """ "Are you sure?" before cancelling, saying what will happen (``problem``: why the last try did nothing)."""
    consequences = cancel_consequences(space_session)
    errors = [{"text": problem, "href": "#cancel-session"}] if problem else []
    return render_template(
        "inbox/cancel_session.html",
        space_session=space_session,
        words=sessions.session_words(space_session),
        invited=consequences["invited"],
        invited_people=sessions.count_practitioners(consequences["invited"]),
        in_hand=consequences["in_hand"],
        unsent=consequences["unsent"],
        unchecked=consequences["unchecked"],
        moving=consequences["moving"],
        consequences_seen=consequences["seen"],
        confirm=CONFIRM_CANCEL,
        seen=sessions.session_version(space_session),
        errors=errors,
        has_errors=bool(errors),
    )


# The delete page's confirmation (its hidden field).
CONFIRM_DELETE = "yes"
COMMENT_NOT_DELETED = (
    "The comment has not been deleted because the form had expired. Select Yes, delete it to try again"
)


@bp.route("/sessions/comments/<comment_id>/delete", methods=["GET", "POST"])
def delete_comment(comment_id: str) -> Response | str:
    """Delete a feedback comment, once the facilitator has confirmed it on this page (a comment
    that names a child, say: the practitioner was warned, but sent it anyway). GET asks "Are you
    sure?", showing the comment; only a POST from that page (its ``confirm`` field) deletes."""
    comment = sessions.find_comment(comment_id)
    if comment is None:
        return comment_gone()
    if request.method == "GET" or request.form.get("confirm") != CONFIRM_DELETE:
        return render_delete_comment_page(comment)
    if not sessions.delete_comment(comment, current_facilitator().actor):  # a colleague's came first
        return comment_gone()
    flash("Comment deleted", SUCCESS)
    return redirect(url_for("inbox.sessions_list", _anchor="comments"))


def comment_gone() -> Response:
    """Back to the comments, saying the comment had already been deleted (so nothing was now)."""
    flash("That comment has already been deleted", IMPORTANT)
    return redirect(url_for("inbox.sessions_list", _anchor="comments"))


def render_delete_comment_page(comment: Any, problem: str = "") -> str:
    """ "Are you sure?" before deleting a comment (``problem``: why the last try did nothing)."""
    errors = [{"text": problem, "href": "#delete-comment"}] if problem else []
    return render_template(
        "inbox/delete_comment.html",
        comment=comment,
        month=month_label(comment.month),
        confirm=CONFIRM_DELETE,
        errors=errors,
        has_errors=bool(errors),
    )


# --- a form whose security token failed: its page again, nothing saved --------------------------


@when_not_checked("inbox.arrange_session")
def arrange_not_checked(reference: str) -> str:
    """The request page again, with the session details as they were typed."""
    stored = stored_request(reference)
    form = SessionForm()
    form.date_errors = []
    if stored.status != sessions.OFFERED or sessions.session_place(stored) is not None:
        # No arrange form on the page any more: the message is shown under Session instead, with
        # the place typed (it would be lost with the form).
        # What was typed, all of it (found, facilitator review: the place alone came back).
        day = "/".join(
            part
            for part in ((form.day.data or "").strip(), (form.month.data or "").strip(), (form.year.data or "").strip())
            if part
        )
        typed = [
            (what, value)
            for what, value in (
                ("the date", day),
                ("the start time", (form.start_time.data or "").strip()),
                ("the joining instructions or place", (form.place.data or "").strip()),
            )
            if value
        ]
        entered = ". You entered " + "; ".join(f"{what}: {value}" for what, value in typed) if typed else ""
        return render_request_page(stored, session_problem=ARRANGE_NOT_CHECKED + entered)
    form.session.errors = [ARRANGE_NOT_CHECKED]
    return render_request_page(stored, session_form=form)


@when_not_checked("inbox.send_invitation")
def invitation_not_checked(reference: str) -> str:
    """The request page again, saying the invitation was not sent."""
    stored = stored_request(reference)
    place = sessions.session_place(stored)
    invited = place is not None and place.invited_sequence is not None
    space_session = sessions.session_of(stored)
    if (
        invited
        and place is not None
        and space_session is not None
        and sessions.invitation_state(stored, space_session, place).state in (sessions.WAITING, sessions.RETRYING)
    ):
        # No button to select then (found, regression review: "Select Send the invitation again").
        return render_request_page(stored, session_problem=INVITATION_STILL_WAITING)
    button = "Send the invitation again" if invited else "Send invitation"
    return render_request_page(stored, session_problem=INVITATION_NOT_CHECKED.format(button=button))


@when_not_checked("inbox.session_outcome")
def outcome_not_checked(reference: str) -> str:
    """The request page again, with held or not held still chosen."""
    return render_request_page(
        stored_request(reference),
        session_problem=OUTCOME_NOT_CHECKED,
        outcome_chosen=request.form.get("outcome", ""),
    )


@when_not_checked("inbox.session_page")
def change_not_checked(session_id: str) -> Response | str:
    """The session page again, with the changes as they were typed."""
    space_session = found_session(session_id)
    if space_session.cancelled_at is not None:  # no change form to show again
        flash(already_cancelled(space_session), IMPORTANT)
        return redirect(url_for("inbox.session_page", session_id=space_session.id))
    if (refused := cannot_change(space_session)) is not None:  # started: no change form either
        return refused
    form = SessionForm()
    form.date_errors = []
    return render_session_page(space_session, form, problem=CHANGE_NOT_CHECKED)


@when_not_checked("inbox.cancel_session")
def cancel_not_checked(session_id: str) -> Response | str:
    """ "Are you sure?" again, saying the session was not cancelled."""
    space_session = found_session(session_id)
    if (refused := cannot_cancel(space_session)) is not None:
        return refused
    return render_cancel_page(space_session, CANCEL_NOT_CHECKED)


@when_not_checked("inbox.delete_comment")
def delete_comment_not_checked(comment_id: str) -> str:
    """ "Are you sure?" again, saying the comment was not deleted (none to show: the "form has
    expired" page, as for a request or session that is not there)."""
    comment = sessions.find_comment(comment_id)
    if comment is None:
        abort(404)
    return render_delete_comment_page(comment, COMMENT_NOT_DELETED)
