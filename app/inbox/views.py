"""The facilitators' inbox: sign in and out, the list, a request, triage, PDF, import.

Routes (blueprint ``inbox``, prefix ``/inbox``):
  GET/POST  /inbox/sign-in                              sign_in          (the only open route)
  GET/POST  /inbox/confirm-sign-in                      confirm_sign_in  (stay signed in: the password)
  POST      /inbox/sign-out                             sign_out
  GET/POST  /inbox/account/password                     change_password  (your own: the current one, the new one twice)
  GET/POST  /inbox                                      index            (filters: see app.inbox.listing; the
                                                                          filter form is POSTed, then a GET: 303)
  GET       /inbox/requests.csv                         export_csv       (the same filters; audited)
  GET       /inbox/requests/<reference>                 request_page
  GET       /inbox/requests/<reference>/request.pdf     download_pdf
  POST      /inbox/requests/<reference>/status          change_status
  POST      /inbox/requests/<reference>/assignment      assign
  POST      /inbox/requests/<reference>/notes           add_note
  POST      /inbox/requests/<reference>/confirm-email   confirm_email    (an unchecked import's work email)
  GET/POST  /inbox/requests/<reference>/notes/<note_id>/delete  delete_note  ("Are you sure?", then delete)
  GET       /inbox/requests/<reference>/<form address>  form_address     (to the request page: REQUEST_FORMS)
  GET/POST  /inbox/import                               import_request
  GET/POST  /inbox/find-by-email                        find_by_email    (every request sent with a work email:
                                                                          POST, then its results by GET)
  GET       /inbox/guide                                guide            (docs/FACILITATORS.md)
  ... and the sessions' routes (app.inbox.session_views): /inbox/sessions, a session, and
  arranging, inviting and held or not held from a request.

Every route but ``sign_in`` (and ``confirm_sign_in``, which checks the session's own account) needs a
signed-in, active facilitator: ``require_facilitator`` (the blueprint's ``before_request``) sends
anyone else to sign in (GET) or refuses (403). A session whose 24 hours are up opens only the
password page (``confirm_to_carry_on``): a page asked for, or a form sent, goes on once the
password is confirmed. A read-only partnership account (``role`` "partnership") is refused
(403) everything but the statistics (``statistics_views``) and signing out.
Messages shown after an action are flashed with a category: ``SUCCESS`` for what was done,
``IMPORTANT`` for a refusal or warning (anything else is shown as important too, never as a success).
Session keys: ``facilitator_id``; ``inbox_acted_on`` (the reference just changed and when, so the
page shown straight after the action is not audited as a view: the action is the entry);
``inbox_email_search`` (the work email just searched for, so its results are shown by a GET);
``inbox_list`` (the list's filters, sort and page as last shown, for the request page's back link);
``inbox_reference_typed`` (a reference search that is no reference, an email address or a name
typed into the list's search box, for the next showing of the list only: never in an address). Signing in starts a
new session (new id), as do changing your password and staying signed in; the same form sent twice (a double click
with JavaScript off) goes on where the first went, signed in once (``sent_again``). The session's idle limit
(``SESSION_IDLE_MINUTES``) signs a facilitator out; with JavaScript, a page with something typed
on it stays, and its warning signs in again there (``sign_in`` and the warning's forms answer its
script in JSON, with the new session's security token: ``signed_in_answer``, ``signed_out_answer``).
Every end of a sign-in is audited ("signed_out", saying how): Sign out, Exit this page, signing
in again, a password change or closed account found, and the idle limit (``service.record_timed_out``).
Every other showing of a request's page is audited as a view (``render_request_page``), also the
page shown again when a form was refused.
A form whose security token (CSRF) is missing or out of date saves nothing: a signed-in
facilitator is shown the page again, with what was typed and a message (``form_not_checked``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError, generate_csrf
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import ObjectDeletedError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge
from werkzeug.wrappers import Response

from .. import typed_text, workflow
from ..config import DEVICE_COOKIE
from ..errors import render_error
from ..extensions import db, limiter
from ..input_guard import accepts_files
from ..lockout import LOCKOUT_KEY, SignInLockout
from ..mail import pdf_filename
from ..models import OutboxHold, StoredRequest, utcnow
from ..pack import current_pack
from ..rate_limits import limit_hit, wait_words
from ..requests import fields
from ..requests.document import request_document, request_sections
from ..requests.guard import Finding, in_context
from ..requests.reference import is_reference, normalise_reference
from ..requests.service import InvalidRequest
from ..sessions import (
    REPEAT_GRACE,
    carry_on_in_replacement,
    claim_the_new_id,
    leave_session_untouched,
    repeat_of,
    replaced_meanwhile,
    reset_session,
    session_expired,
    why_it_ended,
)
from ..space_sessions import service as sessions
from ..space_sessions.forms import SessionForm
from ..space_sessions.models import FORMATS, SpaceSession
from ..uk_time import day_in_words, uk_clock, uk_day, uk_time, uk_today
from ..web import (
    EMAIL_SEARCH_KEY,
    csv_download,
    error_summary,
    forget_refused_form,
    forget_refused_form_elsewhere,
    from_another_site,
    pdf_download,
    read_rest_of_body,
    refused_form,
    show_refused_form,
)
from . import bp, listing, service
from .forms import (
    NOT_ASSIGNED,
    AssignForm,
    ChangePasswordForm,
    ConfirmEmailForm,
    ConfirmSignInForm,
    FindByEmailForm,
    ImportForm,
    NoteForm,
    SignInForm,
    StatusForm,
)
from .guide import guide_html
from .models import NOTE_MAX, Assignment, Facilitator
from .pdf_import import (
    BAD_DATA,
    MAX_UPLOAD_BYTES,
    TOO_LARGE,
    ImportProblem,
    NotChecked,
    earlier_answers_note,
    read_request_pdf,
)

FACILITATOR_KEY = service.FACILITATOR_SESSION_KEY
ACTED_KEY = "inbox_acted_on"
# The list as the facilitator last saw it (its filters, sort and page, as address parameters), for
# the request page's back link: found (facilitator review), "All requests" dropped the filters, so
# a facilitator working down a filtered list (the overdue requests, say) lost it at each request.
LIST_KEY = "inbox_list"
LIST_ARGS = frozenset(
    {"reference", "status", "assignee", "how_soon", "flag", "overdue", "attention", "received", "sort", "page"}
)
# A reference search that is no reference (an email address or a name typed by mistake), kept for
# the one showing of the list that says why it was not used (``send_list_form``): never in an address.
TYPED_REFERENCE_KEY = "inbox_reference_typed"
# Open without a sign-in: signing in, and confirming the password to stay signed in (which
# checks the session's own account itself).
OPEN_ENDPOINTS = frozenset({"inbox.sign_in", "inbox.confirm_sign_in", "inbox.still_signed_in"})
# All that a read-only partnership account may open: the statistics, changing its own password,
# and signing out.
PARTNERSHIP_ENDPOINTS = frozenset(
    {"stats.index", "stats.download_csv", "inbox.sign_out", "inbox.change_password", "inbox.still_signed_in"}
)
SIGN_IN_FAILED = "Enter a correct email address and password"
CONFIRM_FAILED = "The password is not correct. Enter the password you sign in with"
# Said for any address, with or without an account, so it tells a guesser nothing.
SIGN_IN_LOCKED = (
    "There have been too many failed attempts to sign in with this email address. "
    "Wait {wait} and try again, or ask whoever manages inbox accounts to unlock it"
)
# Flash categories (templates/inbox/_base.html): SUCCESS is shown in the green "Success" banner;
# IMPORTANT (a refusal, a warning, something not done) in the standard "Important" one.
SUCCESS = "success"
IMPORTANT = "important"
# Why a signed-in session ended without anyone signing out (service.session_facilitator).
SIGN_IN_HOURS = int(service.SIGN_IN_MAX_AGE.total_seconds() // 3600)
SIGNED_OUT_BECAUSE = {
    service.CREDENTIALS_CHANGED: "You were signed out because the password for this account was changed. Sign in again",
    service.TOO_OLD_SIGN_IN: (
        f"You were signed out because you signed in more than {SIGN_IN_HOURS} hours ago. Sign in again"
    ),
    service.ACCOUNT_CLOSED: (
        "You were signed out because this inbox account has been closed. If you still need the inbox, "
        "ask whoever manages inbox accounts"
    ),
}
# The same, on the "form has expired" page of a form sent after it ("We could not save this: ...").
FORM_EXPIRED_BECAUSE = {
    service.CREDENTIALS_CHANGED: "you were signed out because the password for this account was changed",
    service.TOO_OLD_SIGN_IN: (
        f"you were signed out because you signed in more than {SIGN_IN_HOURS} hours ago "
        f"(for security, we sign you out {SIGN_IN_HOURS} hours after you sign in, however busy you are)"
    ),
    service.ACCOUNT_CLOSED: "you were signed out because this inbox account has been closed",
}
# Put on the field whose text looks identifying, so the page says (in its title, its error
# summary and beside the field) that nothing was saved yet. The warning under it names what was found.
NOTE_NOT_ADDED = (
    "Check the note does not identify anyone (what was found is listed under it): it has not been added yet"
)
REASON_NOT_SAVED = (
    "Check the reason does not identify anyone (what was found is listed under it): the status has not been changed yet"
)
ASSIGNED_MEANWHILE = (
    "The assignment has not been changed: it changed to {who} while this page was open (in another tab, or by "
    "another facilitator).{by} Check the request, then choose again"
)
ALREADY_ASSIGNED = "The request was already {state}: it changed while this page was open.{by} It was not changed again"
UNASSIGNED_MEANWHILE = (
    "The assignment has not been changed: the request was unassigned while this page was open (in another tab, "
    "or by another facilitator).{by} Check the request, then choose again"
)
# The status or assignment form sent twice (a double click with JavaScript off): the first did it.
STATUS_RESENT = "You had already changed the status to {status}, so it was not changed again"
ASSIGNMENT_RESENT = "You had already changed the assignment to {who}, so it was not changed again"
# Change assignment sent with the person it already had (found, facilitator review: the page came
# back with no word, as if the button had done nothing).
ASSIGNMENT_UNCHANGED = "It was already assigned to {who}, so the assignment has not changed"
NOT_ASSIGNED_UNCHANGED = "It was not assigned to anyone, so the assignment has not changed"
FEEDBACK_LINK_SENT = "The practitioner is being emailed a link to give feedback."
ALREADY_MOVED = "The status was already {status}: it changed while this page was open.{by} It was not changed again"
MOVED_MEANWHILE = (
    "The status has not been changed: it changed to {status} while this page was open (in another tab, or by "
    "another facilitator).{by} Check the request, then choose again"
)
# The same, when the request was moved on and back to the status the page showed (a colleague
# reopened a redirected request and redirected it elsewhere, say).
MOVED_AND_BACK = (
    "The status has not been changed: it was moved on while this page was open, and is back at {status}{now}.{by} "
    "Check the request, then choose again"
)
# Room for the multipart wrapping and the CSRF field around a file of MAX_UPLOAD_BYTES.
UPLOAD_OVERHEAD = 64 * 1024

log = logging.getLogger(__name__)


# --- who may use the inbox --------------------------------------------------------------------


@bp.url_value_preprocessor
def allow_request_pdf_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Let a facilitator's import carry a PDF of up to 5 MB (the app's limit is 1 MB), and refuse
    a read-only account the import before anything of its upload is read.

    This runs before every ``before_request`` (including the input guard's and CSRF's, which read
    the form), so it is the last moment the limit can still change, and the first at which a
    refusal costs nothing. Only a session signed in to an active account that may import gets the
    larger limit. A read-only partnership account, its role known from the session, is refused
    here (the same 403 page, audited, as ``require_facilitator`` gives it): found (operations
    review), it was given the larger limit and its whole upload was read before the refusal.
    Any other session is left to ``require_facilitator`` (sign in, or confirm the password).
    """
    if endpoint != "inbox.import_request" or session.get(FACILITATOR_KEY) is None:
        return
    facilitator = signed_in_now()
    if facilitator is not None and facilitator.reads_statistics_only:
        admit(facilitator)  # refuses it (403), and audits the refusal
    account = facilitator or service.signed_in_facilitator(session.get(FACILITATOR_KEY))
    if account is not None and not account.reads_statistics_only:
        request.max_content_length = MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD


@bp.before_request
def require_facilitator() -> Response | tuple[str, int] | None:
    """Every inbox route but sign-in needs an active, signed-in account; a partnership one, a statistics page."""
    # A sign-in ended by a command (the account deactivated): its browser is told why, once (found,
    # b149 review: the sign-in page said nothing, and the right password was refused as if mistyped).
    # (Not the poll, which writes no session: it says why, and leaves the telling to the next page.)
    told = request.method != "HEAD" and FACILITATOR_KEY not in session and request.endpoint != "inbox.still_signed_in"
    ended = why_it_ended() if told else None
    if ended is not None and ended in SIGNED_OUT_BECAUSE:
        flash(SIGNED_OUT_BECAUSE[ended], IMPORTANT)
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    facilitator, why = service.session_facilitator(session.get(FACILITATOR_KEY), session)
    if facilitator is None:
        if why == service.CREDENTIALS_CHANGED and request.endpoint in PASSWORD_GIVEN_AGAIN and replaced_meanwhile():
            # This very password change, sent twice at once: the first has just made it.
            return sent_again(meanwhile=True) or form_sent_twice_refused()
        if why == service.TOO_OLD_SIGN_IN and request.endpoint != "inbox.sign_out":
            return confirm_to_carry_on()  # the session keeps its account, for the password only
        if FACILITATOR_KEY in session:  # deactivated, removed, password reset or signed in too long ago
            # A closed account's form (sent before its sign-ins were ended) gets back only what
            # was typed into it, and nothing of the request it was about (found: a 403, the text lost).
            kept = typed_text.typed_text_kept()
            if why is not None and request.method != "HEAD":  # (a HEAD ends nothing: the next GET audits it)
                service.record_sign_in_ended(session.get(FACILITATOR_KEY), service.SIGNED_OUT_BECAUSE[why])
            reset_session()
            if why is not None:
                flash(SIGNED_OUT_BECAUSE[why], IMPORTANT)
                if request.endpoint == "inbox.sign_out":  # signed out already: the sign-in page says why
                    return redirect(sign_in_page(request.form.get("next")))
                if request.method == "POST":  # what was typed is given back, as after the idle limit
                    return form_sent_signed_out(why, kept)
        if request.method in ("GET", "HEAD"):
            if request.method == "GET" and why is None and request.endpoint in DOWNLOADS:
                # Found (regression review): a download's link followed once signed out (in another
                # tab, or the idle time up) opened the sign-in page with no word that the file was not
                # downloaded, nor why.
                flash(DOWNLOAD_NEEDS_SIGN_IN, IMPORTANT)
            return redirect(url_for("inbox.sign_in", next=page_of_form(page_asked_for())))
        abort(403)
    admit(facilitator)
    if facilitator.must_change_password and request.endpoint not in PASSWORD_FIRST_ENDPOINTS:
        return change_password_first()
    return None


# All that an account whose password someone else chose (``Facilitator.must_change_password``)
# may open before it chooses its own: the page to change it, signing out, and the open pages'
# poll (which says what is needed, ``still_signed_in``). (Signing in, and confirming the password
# after its hours, are open to anyone.)
PASSWORD_FIRST_ENDPOINTS = frozenset({"inbox.change_password", "inbox.sign_out", "inbox.still_signed_in"})
# Why, in the poll's answer and on the "form has expired" page of a form sent before it was changed.
CHOOSE_YOUR_OWN_FIRST = (
    "Choose a new password before you carry on: your password was set by whoever manages inbox accounts, "
    "so someone else knows it"
)
FORM_SENT_BEFORE_CHOOSING = (
    "you need to choose a new password first, because your password was set by whoever manages inbox accounts, "
    "so someone else knows it"
)


def change_password_first() -> Response | tuple[str, int]:
    """Any other inbox page, or form, of an account that must choose its own password first (b149
    review: the person who typed it at ``flask facilitators add`` or ``reset-password`` could go
    on signing in as them): nothing is shown or done; the "Change your password" page says why, and
    goes on to the page asked for once it is changed. A form with text typed into it (a note on a
    page left open, signed in again from its warning) gives the text back, to copy, as a form sent
    after its sign-in ended does: nothing typed is lost."""
    if request.method == "POST" and (kept := typed_text.typed_text_kept()):
        choose = url_for("inbox.change_password", next=page_of_form(request.path))
        return render_error(
            400, csrf_failure=True, kept=kept, signed_out_because=FORM_SENT_BEFORE_CHOOSING, choose_password=choose
        )
    target = page_of_form(page_asked_for()) if request.method in ("GET", "HEAD") else None
    return redirect(url_for("inbox.change_password", next=target), 302 if target is not None else 303)


# The inbox's downloads: one followed while not signed in says so on the sign-in page.
DOWNLOADS = frozenset({"inbox.download_pdf", "inbox.export_csv", "stats.download_csv"})
DOWNLOAD_NEEDS_SIGN_IN = (
    "The file was not downloaded, because you are not signed in. Sign in, and you will be taken to the page with its "
    "link"
)


def admit(facilitator: Facilitator) -> None:
    """Let a signed-in account's request go on, or refuse it (403, audited) a page its role does
    not open: a partnership account sees the counts only (no request, list, PDF, import or change)."""
    service.adopt_sign_in(facilitator, session)
    if request.method == "POST":
        forget_refused_form()  # a form sent: whatever was kept of one refused before is done with
    elif request.method == "GET":
        forget_refused_form_elsewhere()  # another page opened: so is a form refused on another
    if ACTED_KEY in session and request.endpoint != "inbox.request_page" and request.method != "HEAD":
        # Any other page first: the request's next showing is a view. (Not a HEAD, which shows
        # nothing: a link checker or a preview would make the action's own page count as a view.)
        session.pop(ACTED_KEY)
    if EMAIL_SEARCH_KEY in session:
        kept_email_search()  # past its time, the address searched for goes on any page, not only the search's
    g.facilitator = facilitator  # (also for the refusal page: it offers what the account can open)
    if facilitator.reads_statistics_only and request.endpoint not in PARTNERSHIP_ENDPOINTS:
        record_refusal(facilitator)
        abort(403)


def record_refusal(facilitator: Facilitator) -> None:
    """Audit a read-only account refused an inbox page: in the request's own trail when the
    address names one (its reference, normalised; anything else typed there is not kept), else
    with no reference; the detail says which page (its endpoint). Before, only the 403 page
    said so, and nothing showed that the account had tried to open a request (privacy review)."""
    named = (request.view_args or {}).get("reference")
    if named is None and request.endpoint in LISTS_WITH_FILTERS:
        # The list (or its download) searched by reference (found, audit review: not in that
        # request's trail). Only a well-formed reference is kept: a name typed there is not.
        named = request.args.get("reference")
    reference = normalise_reference(named) if isinstance(named, str) else None
    if reference is not None and not is_reference(reference):
        reference = None
    page = (request.endpoint or "unknown").removeprefix("inbox.")
    service.record_refusal(facilitator, reference, page)


def account_to_confirm() -> tuple[Facilitator | None, bool]:
    """The account whose password this session may confirm, and whether its hours are up: the
    account it is signed in to, also once ``SIGN_IN_MAX_AGE`` has passed (the session keeps it,
    but opens nothing else until the password is confirmed); None for a session signed in to
    none, or to an account deactivated or whose password was changed since."""
    facilitator, why = service.session_facilitator(session.get(FACILITATOR_KEY), session)
    if facilitator is not None:
        return facilitator, False
    if why == service.TOO_OLD_SIGN_IN:
        return service.signed_in_facilitator(session.get(FACILITATOR_KEY)), True
    return None, False


# Names the password page's own form uses: a form sent after the hours were up is carried
# through it without them (no inbox form posts one of these but its CSRF token, which is the same).
CONFIRM_FIELDS = frozenset({"csrf_token", "password", "next", "then", "username"})


def confirm_to_carry_on() -> Response | tuple[str, int]:
    """A page asked for, or a form sent, once the sign-in's hours are up: nothing is shown or done.

    A page: the password page, which goes on to it once confirmed. A form: the password page
    carries it (what was typed, as hidden fields, and where it was sent), and once the password
    is confirmed sends it on, so it is saved as if sent in time (WCAG 2.2.1 and 2.2.5: nothing
    typed is lost by the limit). A file (a request PDF being imported) cannot be carried: its
    page is shown again once confirmed, to choose it again."""
    facilitator, ended = account_to_confirm()
    if facilitator is None or request.method not in ("GET", "HEAD", "POST"):
        abort(403)
    if request.method != "POST":
        return redirect(url_for("inbox.confirm_sign_in", next=page_of_form(request.full_path.rstrip("?"))))
    carried: list[tuple[str, str]] = []
    then = None
    # A password change is not carried either: its passwords would be written into the page as
    # hidden fields (found: they were). Its page is shown again once confirmed, to change it again.
    password_sent = request.endpoint == "inbox.change_password"
    if not request.files and not password_sent:
        carried = [(name, value) for name, value in request.form.items(multi=True) if name not in CONFIRM_FIELDS]
        then = request.path
    form = ConfirmSignInForm(formdata=None)
    return render_confirm_page(
        facilitator,
        ended,
        form,
        page_of_form(request.path),
        then=then,
        carried=carried,
        file_sent=then is None and not password_sent,
        password_sent=password_sent,
    )


def ends_in_words(ends_at: dt.datetime) -> str:
    """When a sign-in ends, as people read it: the UK time of day, and "tomorrow" when it is not
    today. 24 hours on is this time of day tomorrow: "until 9:41am", said at 9:41am, read as now
    (review); and so did the password page's "you will be signed out at 9:41am", opened again
    (Back, or reloaded) once the password had been confirmed (new-user review). Found: 24 hours
    from 11:30pm on the Saturday the clocks go forward is 12:30am on the Monday, which was called
    "tomorrow": a day further on, it is named."""
    day, today = uk_day(ends_at), uk_day(utcnow())
    if day == today:
        return uk_clock(ends_at)
    if day == today + dt.timedelta(days=1):
        return f"{uk_clock(ends_at)} tomorrow"
    return f"{uk_clock(ends_at)} on {day:%A} {day_in_words(day)}"


def render_confirm_page(
    facilitator: Facilitator,
    ended: bool,
    form: ConfirmSignInForm,
    target: str | None,
    then: str | None = None,
    carried: list[tuple[str, str]] | None = None,
    status: int = 200,
    file_sent: bool = False,
    password_sent: bool = False,
) -> tuple[str, int]:
    """The password page (templates/inbox/confirm_sign_in.html), with the form being carried, if
    any (``then``: where it was sent; ``carried``: its fields), or saying a file sent with one
    must be chosen again (``file_sent``), or that a password change was not made (``password_sent``)."""
    errors = error_summary([form.password])
    ends_at = service.sign_in_ends_at(session)
    # Found by reading (operator review of a clock put back): a sign-in time ahead of this clock
    # was called "more than 24 hours ago", and nothing told the operator.
    ahead = service.sign_in_ahead(session) if ended else None
    if ahead is not None and request.method == "GET":  # (once a page, not at each password typed)
        log.warning(
            "A facilitator's sign-in time is %d minutes ahead of this server's clock, so they were asked for their "
            "password again. Check the clock (timedatectl), and that every server running the service agrees",
            round(ahead / dt.timedelta(minutes=1)),
        )
    endpoint = form_endpoint(then) if then else None
    fields = typed_text.TYPED_TEXT.get(endpoint or "", ())
    values = dict(carried or [])
    kept = [(label() if callable(label) else label, typed_text.typed_in(values, names)) for names, label in fields]
    page = render_template(
        "inbox/confirm_sign_in.html",
        form=form,
        errors=errors,
        has_errors=bool(errors),
        account=facilitator,
        next_page=safe_next(target, facilitator),
        ends_at=ends_in_words(ends_at) if ends_at is not None and not ended else None,
        ended=ended,
        clock_behind=ahead is not None,
        then=then if endpoint else None,
        carried=carried if endpoint else [],
        kept=[(label, text) for label, text in kept if text.strip()],
        file_sent=file_sent,
        password_sent=password_sent,
    )
    return page, status


# Forms a password page may send on once confirmed: any form of the inbox's but these.
NOT_CARRIED = frozenset(
    {"inbox.sign_in", "inbox.sign_out", "inbox.confirm_sign_in", "inbox.import_request", "inbox.change_password"}
)


def form_endpoint(path: str | None) -> str | None:
    """The inbox endpoint a form sent to ``path`` is for, if a password page may send it on there
    (a path of this site only: see ``safe_next``); else None."""
    if (
        not path
        or not path.startswith("/inbox/")
        or any(character in path for character in ("//", "\\", " ", "?", "#"))
        or not path.isprintable()
        or has_dot_segment(path)
    ):
        return None
    try:
        endpoint, _values = current_app.url_map.bind("localhost").match(path, method="POST")
    except HTTPException:
        return None
    if not (endpoint.startswith("inbox.") or endpoint.startswith("stats.")) or endpoint in NOT_CARRIED:
        return None
    return str(endpoint)


def signed_in_now() -> Facilitator | None:
    """The facilitator this session is signed in as, still (``service.session_facilitator``), or None."""
    return service.session_facilitator(session.get(FACILITATOR_KEY), session)[0]


def current_facilitator() -> Facilitator:
    """The signed-in facilitator (set by ``require_facilitator``)."""
    facilitator: Facilitator = g.facilitator
    return facilitator


@dataclass(frozen=True)
class SignInEnd:
    """When the signed-in facilitator's sign-in ends, however busy (``service.SIGN_IN_MAX_AGE``
    after signing in): every inbox page's script warns shortly before, and a page shown within
    ``service.SIGN_IN_ENDING_WARNING`` of it says so (``soon``), with JavaScript or without
    (templates/inbox/_base.html)."""

    at: str  # the time of day it ends, in the UK: "9:41pm"
    seconds_left: int
    soon: bool


def sign_in_end() -> SignInEnd | None:
    """When this session's sign-in ends (None when nobody is signed in)."""
    ends_at = service.sign_in_ends_at(session) if g.get("facilitator") is not None else None
    if ends_at is None:
        return None
    left = ends_at - utcnow()
    return SignInEnd(uk_clock(ends_at), max(0, int(left.total_seconds())), left <= service.SIGN_IN_ENDING_WARNING)


@bp.context_processor
def inbox_context() -> dict[str, Any]:
    """What the inbox pages need: who is signed in and until when, and labels for statuses and timing."""
    return {
        "facilitator": g.get("facilitator"),
        "sign_in_end": sign_in_end(),
        "sign_in_hours": SIGN_IN_HOURS,
        "sign_in_warning_minutes": int(service.SIGN_IN_ENDING_WARNING.total_seconds() // 60),
        "status_labels": workflow.STATUS_LABELS,
        "status_tag_classes": workflow.STATUS_TAG_CLASSES,
        "nothing_due": workflow.NOTHING_DUE,
        "how_soon_labels": fields.FIELDS_BY_NAME["how_soon"].options,
        "uk_time": uk_time,
        "day_in_words": day_in_words,
        # Held after a restore from a backup: said on every page (found, restore review: "it will be
        # emailed in the next minute" while nothing could go until an administrator released them).
        "emails_held": g.get("facilitator") is not None and emails_held(),
    }


def emails_held() -> bool:
    """Whether the outbox is held after a restore from a backup (``app.outbox.outbox_held``); False
    when the database cannot say: found (CI), asked while the service problem page was drawn during a
    database outage, it failed that page too, a bare 500 in place of what was typed."""
    try:
        return db.session.get(OutboxHold, 1) is not None
    except SQLAlchemyError:
        return False


# The list whose filters are in its address, and its download: kept through signing in.
LISTS_WITH_FILTERS = frozenset({"inbox.index", "inbox.export_csv"})
# The list's own filters carried, as the list reads them (``listing.read_filters``): not its
# reference search, nor anything else put in the address, nor a value no filter offers (found,
# regression reviews: "name=Jane+Smith", then "status=Jane+Smith", carried into the sign-in page's
# address). At most this long: the sign-in page's address stays short.
FILTERS_CARRIED_LENGTH = 500


def page_asked_for() -> str:
    """The page asked for while signed out, to go on to once signed in: its path, and for the list
    of requests (or its download) the list's filters too. Found (privacy review): a list's download followed
    once signed out came back, after signing in, to the list with none of its filters. Never a
    reference typed into the address (``reference=``): it could be a name, and would be carried
    in the sign-in page's own address."""
    if request.endpoint in LISTS_WITH_FILTERS and request.query_string:
        filters, _ = listing.read_filters(request.args, list_choices())
        kept = urlencode(filters.args(reference=""))
        if kept and len(kept) <= FILTERS_CARRIED_LENGTH:
            return f"{request.path}?{kept}"
    return request.path


def safe_next(target: str | None, facilitator: Facilitator | None = None) -> str:
    """Where to go after signing in: a path in the inbox on this site, else the inbox's list (the
    statistics for a read-only partnership account, which is also taken there from any inbox
    page it may not open, such as a request's link in an email).

    Only ``/inbox`` or ``/inbox/...``, printable characters only: no scheme or host, no ``//``,
    no backslash (browsers read it as a slash), no space, tab, CR or LF (which could split a header),
    and no "." or ".." in the path (``/inbox/../exit`` is ``/exit`` to a browser).

    A path of the app, as ``next=`` carries it (``request.path``): a redirect puts it under the
    path the service is reached by (``go_on_to``).
    """
    statistics = app_path(url_for("stats.index"))
    read_only = facilitator is not None and facilitator.reads_statistics_only
    home, below = (
        (statistics, (f"{statistics}?", f"{statistics}.csv")) if read_only else ("/inbox", ("/inbox/", "/inbox?"))
    )
    if (
        target
        and (target == home or target.startswith(below))
        and "//" not in target
        and "\\" not in target
        and target.isprintable()
        and " " not in target
        and not has_dot_segment(target)
    ):
        return page_of_form(target)
    return statistics if read_only else app_path(url_for("inbox.index"))


def app_path(url: str) -> str:
    """An address ``url_for`` made, as a path of the app (as ``request.path`` is): without the
    path the service is reached by (``request.script_root``, "/space-to-think")."""
    root = request.script_root
    return url[len(root) :] if root and url.startswith(root + "/") else url


def go_on_to(path: str, code: int = 302) -> Response:
    """A redirect to a path of the app (``safe_next``, a carried form's ``then``), under the path
    the service is reached by. Found (review): without it, the service reached under a path
    ("/space-to-think") sent a facilitator off it once signed in."""
    return redirect(request.script_root + path, code=code)


def sign_in_page(target: str | None, facilitator: Facilitator | None = None) -> str:
    """The sign-in page, going on to ``target`` once signed in (an inbox page: ``safe_next``) if
    there is one."""
    if not target:
        return url_for("inbox.sign_in")
    return url_for("inbox.sign_in", next=safe_next(target, facilitator))


def page_of_form(target: str) -> str:
    """``target``, unless it is an address a request page's form posts to (``REQUEST_FORMS``):
    then the request page itself. Such an address is in the address bar after a form error, so
    it can come back as ``next=`` (a reload or a bookmark while signed out).

    Nor a download (a request's PDF, the list's CSV, the statistics' CSV): the page with its link
    instead. Found (bad-input review): a sign-in (or the password asked again after 24 hours) with a
    download as ``next=`` started the download and left the tab on the sign-in page, as if signing
    in had failed; and from a link on another site, it put the file on the computer without the
    check that refuses such a download (``DOWNLOAD_FROM_ANOTHER_SITE``).

    Nor an address that only takes a form (Sign out, say): the list of requests instead. Found
    (attacker review): a link to sign in with ``next=/inbox/sign-out`` ended on "you cannot do
    that on this page" once signed in."""
    path, _, query = target.split("#", 1)[0].partition("?")
    try:
        endpoint, values = current_app.url_map.bind("localhost").match(path, method="GET")
    except MethodNotAllowed:
        return app_path(url_for("inbox.index"))
    except HTTPException:
        return target
    if endpoint in ("inbox.form_address", "inbox.download_pdf"):
        return app_path(url_for("inbox.request_page", reference=values["reference"]))
    if endpoint in DOWNLOAD_PAGES:  # (its filters kept)
        page = app_path(url_for(DOWNLOAD_PAGES[endpoint]))
        return f"{page}?{query}" if query else page
    return target


# The page whose link each list's download is (``page_of_form``).
DOWNLOAD_PAGES = {"inbox.export_csv": "inbox.index", "stats.download_csv": "stats.index"}


def has_dot_segment(target: str) -> bool:
    """Whether the path of ``target`` (before any ``?`` or ``#``) has a "." or ".." segment, as
    written or once percent-decoded (browsers read ``%2e`` as a dot in a path)."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    return any(segment in (".", "..") for written in (path, unquote(path)) for segment in written.split("/"))


def sign_in_limit() -> str:
    """Sign-in attempts allowed per visitor address (``INBOX_SIGN_IN_LIMIT``)."""
    return str(current_app.config["INBOX_SIGN_IN_LIMIT"])


# Every password check counts towards one limit per visitor address (INBOX_SIGN_IN_LIMIT):
# signing in, and confirming the password to stay signed in (so a stolen session cookie gets no
# more guesses than the sign-in page gives). Only a check that failed is counted (``sign_in_tried``);
# the per-account lockout (``current_lockout``) counts both too. A check from a browser that has
# signed in with the address before (``known_device``) is left out of the address's limit: its
# guesses are bounded by its own lockout, and a colleague failing on purpose (or often) behind the
# same office address must not lock everyone there out of the inbox (security review).
def from_known_device() -> bool:
    """Whether this password check comes from a browser given a known-device token for its address."""
    if request.method != "POST":
        return False
    if request.endpoint in ("inbox.confirm_sign_in", "inbox.change_password"):
        account = account_to_confirm()[0]
        email = account.email if account is not None else ""
    else:
        email = request.form.get("email", "")
    return bool(email) and known_device(email) is not None


password_checks = limiter.shared_limit(
    sign_in_limit,
    scope="inbox-password-check",
    methods=["POST"],
    deduct_when=lambda response: bool(g.get("sign_in_tried")),
    exempt_when=from_known_device,
)


def current_lockout() -> SignInLockout:
    """The per-account lockout (failures per email address, in the shared store)."""
    lockout: SignInLockout = current_app.extensions[LOCKOUT_KEY]
    return lockout


# A browser that signs in is given a known-device token (``app.lockout``): its own sign-in
# attempts with that address are then counted apart from everyone else's, so nobody else can lock
# it out by failing on purpose. Essential, HttpOnly, never sent to another site, kept for
# ``DEVICE_COOKIE_DAYS`` from the last sign-in (the cookies page lists it). It counts only while the
# account's password is the one it was given with (found, security review: a browser that signed in
# while someone else knew the password kept its own guesses after the password was changed); the
# browser that changes the password is given a new one.
DEVICE_COOKIE_DAYS = 90


def device_cookie_name() -> str:
    """The known-device cookie's name: ``__Host-`` first where the session cookie has it (production)."""
    host_only = str(current_app.config["SESSION_COOKIE_NAME"]).startswith("__Host-")
    return f"__Host-{DEVICE_COOKIE}" if host_only else DEVICE_COOKIE


def known_device(email: str) -> str | None:
    """The device this browser's known-device cookie names, if it was given for ``email`` since
    the password of the account with that address last changed (the account's ``credential_stamp``)."""
    token = request.cookies.get(device_cookie_name())
    if not token:
        return None
    account = service.find_facilitator(email)
    stamp = service.credential_stamp(account) if account is not None else ""
    return current_lockout().known_device(token, email, stamp)


def remember_device(response: Response, facilitator: Facilitator) -> Response:
    """Give the browser that has just proved ``facilitator``'s password (as it is now: given
    again after a change) a new known-device token."""
    response.set_cookie(
        device_cookie_name(),
        current_lockout().device_token(facilitator.email, service.credential_stamp(facilitator)),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        path="/",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Strict",
    )
    return response


def wait_text(seconds: int) -> str:
    """``5 minutes``, ``1 minute``, ``2 hours``: how long to wait, rounded up."""
    minutes = max(1, -(-seconds // 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = -(-minutes // 60)
    return f"{hours} hours"


# --- signing in and out -----------------------------------------------------------------------


def password_refused(email: str, locked_for: int, what: str, failed: str, detail: str = "") -> tuple[str, int]:
    """A password check that did not sign anyone in (``what``: "sign-in" or "password
    confirmation"): audited (``detail``: how it was tried) and logged by the account's tag, never
    the address or password; the message for the form and the page's status: the lockout's wait
    (429) while the account is locked (``locked_for`` seconds), else ``failed`` (200)."""
    tag = service.record_failed_sign_in(email, locked=bool(locked_for), detail=detail)
    if locked_for:
        log.warning("Inbox %s refused: too many failed attempts (account tag %s)", what, tag)
        g.retry_after = locked_for  # its Retry-After header (app.errors)
        return SIGN_IN_LOCKED.format(wait=wait_text(locked_for)), 429
    log.warning("Inbox %s failed (account tag %s)", what, tag)
    return failed, 200


@bp.route("/sign-in", methods=["GET", "POST"])
@password_checks
def sign_in() -> Response | tuple[str | Response, int]:
    """The sign-in form; a failure says only that the email or password is wrong."""
    signed_in = signed_in_now()
    if request.method in ("GET", "HEAD") and signed_in:
        # Signed in already (a form refused in a tab left open, say): on to the page asked for.
        return go_on_to(safe_next(request.args.get("next"), signed_in))
    if request.method == "GET" and FACILITATOR_KEY in session:
        # A sign-in ended meanwhile (its password changed, or account closed): this page says why,
        # as any other inbox page's would (found: opened from a bookmark, it did not).
        why = service.session_facilitator(session.get(FACILITATOR_KEY), session)[1]
        if why in ENDED_MEANWHILE:
            end_sign_in_meanwhile(why)
    form = SignInForm()
    errors: list[dict[str, str]] = []
    status = 200
    if signed_in is None and FACILITATOR_KEY not in session:
        # No one is signed in to the inbox in this browser (its tabs share the session). Not while
        # signed in (a wrong password sent from a sign-in page left open), nor while a sign-in past
        # its hours waits for its password (found, review: the other tabs said "signed out").
        tell_other_tabs()
    # The signed-out warning (static/src/app.js) signs in again without leaving the page, where a
    # half-written note is (the idle limit passed): it asks for JSON, and is answered with the new
    # session's security token, for the page's forms, or what was wrong. The password is checked
    # here, as for the page: the visitor's limit, the lockout, a failure audited.
    wants_json = request.method == "POST" and request.accept_mimetypes.best == "application/json"
    if form.validate_on_submit():
        email, password = form.email.data or "", form.password.data or ""
        lockout = current_lockout()
        device = known_device(email)
        locked_for = lockout.begin_attempt(email, device)  # counted before the password is checked
        facilitator, closed = (None, False) if locked_for else service.password_check(email, password)
        # An attempt counts towards INBOX_SIGN_IN_LIMIT when a password was checked, and failed
        # (a form sent empty, or without a password, guesses nothing: it is not counted). The right
        # password of a deactivated account counts as a wrong one, here and towards the lockout (which
        # counted it before the check): treated otherwise, the lockout told a guesser which password was
        # right (found, regression review). Its owner is helped by `reactivate`, which lifts the lockout,
        # and the audit log says it was the right password (``closed``).
        g.sign_in_tried = facilitator is None
        if facilitator is not None:
            lockout.clear(email, device=device)
            if not claim_the_new_id():  # the same form, sent a moment before, is signing in
                return sent_again(meanwhile=True) or form_sent_twice_refused()
            service.record_sign_in(facilitator)
            if FACILITATOR_KEY in session:  # signed in already, its hours up (or another account)
                # One whose password was changed (or account closed) meanwhile had ended then
                # (found: audited as ended by this sign-in).
                why = service.session_facilitator(session.get(FACILITATOR_KEY), session)[1]
                how = service.SIGNED_OUT_BECAUSE[why] if why in ENDED_MEANWHILE else service.SIGNED_OUT_BY_SIGNING_IN
                service.record_sign_in_ended(session.get(FACILITATOR_KEY), how)
            # A new session id: a planted or stolen id is useless after sign-in. (The form sent
            # again a moment later, with the old id, is let on to the new one: ``sent_again``.)
            reset_session(repeatable=True)
            session[FACILITATOR_KEY] = facilitator.id
            session.update(service.sign_in_marks(facilitator))
            if wants_json:
                return remember_device(signed_in_answer(facilitator), facilitator)
            return remember_device(go_on_to(safe_next(request.args.get("next"), facilitator)), facilitator)
        # (The warning asks only for the password, the account's address filled in: it says which
        # was wrong. Said for any address, with or without an account, it tells a guesser nothing.)
        failed = CONFIRM_FAILED if wants_json else SIGN_IN_FAILED
        detail = service.RIGHT_PASSWORD_ACCOUNT_CLOSED if closed else ""
        message, status = password_refused(email, locked_for, "sign-in", failed, detail=detail)
        form.email.errors = [message]
        errors = [{"text": message, "href": "#email"}]
    else:
        errors = error_summary([form.email, form.password])
    if wants_json:
        return jsonify(error=errors[0]["text"] if errors else SIGN_IN_FAILED), status
    form.password.data = ""
    return render_template("inbox/sign_in.html", form=form, errors=errors, has_errors=bool(errors)), status


def signed_in_answer(facilitator: Facilitator | None = None) -> Response:
    """The signed-out warning's sign-in, done (``sign_in``): when the new sign-in ends, and the new
    session's security token, which the script puts into the page's forms (their own token was the
    ended session's), so the note still on the page saves when its button is pressed."""
    ends_at = service.sign_in_ends_at(session)
    seconds_left = max(0, int((ends_at - utcnow()).total_seconds())) if ends_at is not None else 0
    until = f", until {ends_in_words(ends_at)}" if ends_at is not None else ""
    message = f"You are signed in again for {SIGN_IN_HOURS} hours{until}"
    if facilitator is not None and facilitator.must_change_password:
        # Found (regression review): signed in again with a password someone else had just set, the page
        # said only this, and the note it kept was then given back to copy, not saved.
        message += (
            ". You need to choose a new password before you can save anything: copy what you typed first, "
            "then choose it (the next page you open asks for it)"
        )
    return jsonify(
        message=message,
        at=uk_clock(ends_at) if ends_at is not None else "",
        seconds_left=seconds_left,
        csrf_token=fresh_csrf_token(),
    )


def fresh_csrf_token() -> str:
    """A security token of this response's session (a new one, when the session is new: signed in
    again, or the old one ended), for a page's script to put into the page's forms."""
    g.pop("csrf_token", None)  # (Flask-WTF keeps the token it gave on this request: the old session's)
    return str(generate_csrf())


@bp.route("/confirm-sign-in", methods=["GET", "POST"])
@password_checks
def confirm_sign_in() -> Response | tuple[str | Response, int]:
    """Stay signed in: the facilitator confirms their password, and their sign-in starts again
    (another ``SIGN_IN_MAX_AGE``), then goes on to ``next`` (the page they were on). The 24-hour
    limit is for security (a stolen session cookie's life), so only the password extends it, as
    often as the facilitator likes (WCAG 2.2.1: warned before the end, and able to extend it).

    The password is checked as signing in checks it: CSRF, the visitor's limit
    (``password_checks``) and the account's lockout, audited, never logged. Only the account the
    session is signed in to is asked for; a session signed in to none goes to the sign-in page."""
    facilitator, ended = account_to_confirm()
    target = request.values.get("next")
    if facilitator is None:
        if request.method == "POST" and request.accept_mimetypes.best == "application/json":
            return sign_in_ended_answer()
        if request.method == "POST":
            return form_after_sign_in_ended()
        # Ended meanwhile: the sign-in page says why, as any other inbox page's would (found: it
        # did not, and the sign-in was left unaudited as ended).
        why = service.session_facilitator(session.get(FACILITATOR_KEY), session)[1]
        if why in ENDED_MEANWHILE:
            end_sign_in_meanwhile(why)
        return redirect(sign_in_page(target))
    form = ConfirmSignInForm()
    # The page's warning (static/src/app.js) confirms the password without leaving the page: it
    # asks for JSON, and is answered with when the sign-in now ends, or what was wrong.
    wants_json = request.method == "POST" and request.accept_mimetypes.best == "application/json"
    # A form sent once the hours were up, carried through this page (``confirm_to_carry_on``).
    then = request.form.get("then") if form_endpoint(request.form.get("then")) else None
    carried = [(name, value) for name, value in request.form.items(multi=True) if name not in CONFIRM_FIELDS]
    status = 200
    if form.validate_on_submit():
        lockout = current_lockout()
        device = known_device(facilitator.email)
        locked_for = lockout.begin_attempt(facilitator.email, device)  # counted before the password is checked
        confirmed = None if locked_for else service.password_signs_in(facilitator.email, form.password.data or "")
        g.sign_in_tried = confirmed is None or confirmed.id != facilitator.id
        if confirmed is not None and not g.sign_in_tried:
            lockout.clear(facilitator.email, device=device)
            # This very confirmation, sent again once the first's answer had come (a second click
            # on a slow page, with the new cookie, which keeps the security token): done once, as
            # signing in and changing the password sent again are (found: audited and renewed
            # twice, and a form it carried sent on twice).
            again = renewed_a_moment_ago(confirmed)
            if not again:
                if not claim_the_new_id():  # the same form, sent a moment before, is confirming it
                    if wants_json:
                        return jsonify(error=PAGE_OUT_OF_DATE), 400
                    return sent_again(meanwhile=True) or form_sent_twice_refused()
                service.record_sign_in(confirmed, service.STAYED_SIGNED_IN)
                stay_signed_in(confirmed)
            ends_at = service.sign_in_ends_at(session)
            until = f", until {ends_in_words(ends_at)}" if ends_at is not None else ""
            confirmed_words = f"You are signed in for another {SIGN_IN_HOURS} hours{until}"
            if wants_json and ends_at is not None:
                seconds_left = max(0, int((ends_at - utcnow()).total_seconds()))
                return jsonify(message=confirmed_words, at=uk_clock(ends_at), seconds_left=seconds_left)
            if again:
                log.info("Inbox form sent again a moment after it was done: on to where it went")
                return go_on_to(where_confirming_went(target, then, confirmed), code=303)
            flash(confirmed_words, SUCCESS)
            if then is not None:
                # The form carried is sent on as it was (307 keeps the method and the body: its
                # fields and security token; the view ignores the password beside them).
                return go_on_to(then, code=307)
            return go_on_to(safe_next(target, confirmed))
        message, status = password_refused(
            facilitator.email, locked_for, "password confirmation", CONFIRM_FAILED, detail=service.CONFIRM_FAILED
        )
        form.password.errors = [message]
    if wants_json:  # (a wrong password is an answer, not a failure of the request: 200, unless locked)
        return jsonify(error=(form.password.errors or [CONFIRM_FAILED])[0]), status
    form.password.data = ""
    return render_confirm_page(
        facilitator, ended, form, target, then=then, carried=carried if then else [], status=status
    )


def renewed_a_moment_ago(facilitator: Facilitator) -> bool:
    """Whether this session's sign-in was renewed by confirming the password within
    ``sessions.REPEAT_GRACE`` (its audit entry): the confirmation now is that one, sent again, and
    has nothing to renew. (A sign-in begun a moment ago on the sign-in page is renewed as before.)"""
    try:
        since = dt.datetime.fromisoformat(str(session.get(service.SIGNED_IN_AT_KEY)))
    except ValueError:
        return False
    moment = utcnow() - REPEAT_GRACE
    # (A sign-in time ahead of now, from a server whose clock is ahead, is a moment ago too.)
    return since >= moment and service.stayed_signed_in_since(facilitator, moment)


def where_confirming_went(target: str | None, then: str | None, facilitator: Facilitator) -> str:
    """Where a confirmation sent again goes (the first's answer went on to it): the page of the form
    it carried (``then``), which the first sent on (not the form again), else the page it was for."""
    return page_of_form(then) if then is not None else safe_next(target, facilitator)


def form_after_sign_in_ended() -> tuple[str, int]:
    """The password page's form, sent once its account was closed or its password changed (since
    the page was shown): the session ends, as on any inbox page, and the "form has expired" page
    says why and gives back the text of the form it carried, to copy (found: a bare 403
    "Forbidden", the note lost, the session kept). Refused (403) for a session never signed in."""
    _facilitator, why = service.session_facilitator(session.get(FACILITATOR_KEY), session)
    if why is None or why == service.TOO_OLD_SIGN_IN:
        abort(403)
    kept = typed_text.typed_text_kept()
    end_sign_in_meanwhile(why)
    return form_sent_signed_out(why, kept)


# What the warning's script says when its sign-in has ended meanwhile (``sign_in_ended_answer``).
ENDED_MEANWHILE = {
    service.CREDENTIALS_CHANGED: (
        "You have been signed out because the password for this account was changed. Copy anything you have "
        "typed, then reload the page to sign in again"
    ),
    service.ACCOUNT_CLOSED: (
        "You have been signed out because this inbox account has been closed. Copy anything you have typed "
        "before you leave this page"
    ),
}
SIGNED_OUT_ALREADY = "You have been signed out. Copy anything you have typed, then reload the page to sign in again"
SIGNED_OUT_SIGN_IN_AGAIN = "You have been signed out. Enter your password to sign in again"


def sign_in_ended_answer() -> tuple[Response, int]:
    """The warning's script (static/src/app.js) confirming the password of a sign-in that ended
    meanwhile (its password changed, on another device or by command, or its account closed): the
    session ends as on any inbox page, and the script is told why, to say in the warning. Found: it
    was answered with a page it could not read, and said only "We could not check your password.
    Wait a moment, then select Stay signed in again"."""
    _facilitator, why = service.session_facilitator(session.get(FACILITATOR_KEY), session)
    if why in ENDED_MEANWHILE:
        end_sign_in_meanwhile(why)
        return jsonify(error=ENDED_MEANWHILE[why or ""]), 403
    return signed_out_answer()


def tell_other_tabs() -> None:
    """This page is shown with no one signed in to the inbox in this browser (the sign-in form; a
    form sent after the sign-in ended): it tells the browser's other inbox tabs, which share its
    session, and they hide the inbox as after the idle limit, keeping what was typed (a hidden
    marker, templates/layout.html, read by static/src/app.js). Found (reviews): the other tabs showed
    the request after Sign out; after Sign out pressed once the sign-in had ended (a password changed,
    an account closed, its time run out); and after a practitioner's page in the same browser, or
    the idle timer's keep-alive, found it ended first."""
    g.tell_tabs_signed_out = True


def end_sign_in_meanwhile(why: str) -> None:
    """End a session whose sign-in ended meanwhile (``why``: a reason of
    ``service.session_facilitator``), audited as ended so, as ``require_facilitator`` ends one
    (found: the password page's form ended it unaudited), and say why on the next page. (A HEAD ends
    nothing, so audits nothing: the GET that follows does, once.)"""
    if request.method != "HEAD":
        service.record_sign_in_ended(session.get(FACILITATOR_KEY), service.SIGNED_OUT_BECAUSE[why])
    reset_session()
    flash(SIGNED_OUT_BECAUSE[why], IMPORTANT)


def form_sent_signed_out(why: str, kept: Any) -> tuple[str, int]:
    """The "form has expired" page for a form sent once its sign-in had ended (``why``: a reason of
    ``service.session_facilitator``): what was typed (``kept``) given back to copy, nothing of the
    request, and why; for a closed account, no offer to sign in again. The browser's other inbox
    tabs are told (``tell_other_tabs``)."""
    tell_other_tabs()
    return render_error(
        400,
        csrf_failure=True,
        kept=kept,
        signed_out_because=FORM_EXPIRED_BECAUSE[why],
        account_closed=why == service.ACCOUNT_CLOSED,
    )


def stay_signed_in(facilitator: Facilitator) -> None:
    """Start the session's sign-in again from now, under a new session id (a copy of the old
    cookie, stolen say, no longer works). The rest of the session is kept: its security token, so
    the forms on the facilitator's open pages and tabs still save."""
    rotate = getattr(session, "rotate", None)
    if rotate is not None:
        rotate(repeatable=True)  # (the form sent again a moment later: ``sent_again``)
    session[FACILITATOR_KEY] = facilitator.id
    session.update(service.sign_in_marks(facilitator))


NO_LONGER_SHOWN = "This page no longer shows the request"
NOW_STATISTICS_ONLY = (
    "This inbox account has been changed to a partnership account, which sees the statistics only, so this page "
    "no longer shows the request."
)


@bp.get("/still-signed-in")
def still_signed_in() -> Response:
    """Whether this browser is still signed in to the inbox, for its open pages, which hide what
    they show once it is not (static/src/app.js, asked every minute and when a page is shown again).
    Found (facilitator review): a request page open as its account was closed (or its password
    reset) went on showing the practitioner's name, contact details and reflection until the page's
    own idle limit, up to half an hour. Asking pushes nothing on: neither the idle limit nor the
    session's expiry, and the sign-in's end is left to its own warning."""
    leave_session_untouched()
    facilitator, why = service.session_facilitator(session.get(FACILITATOR_KEY), session)
    if facilitator is not None and facilitator.reads_statistics_only and request.args.get("facilitator") == "yes":
        # A page shown to a facilitator, whose account has since been made a read-only partnership
        # one (found, security review: its request page went on showing the practitioner's details).
        # Still signed in: its own heading, not "You have been signed out" (regression review).
        return jsonify(signed_in=False, why=NOW_STATISTICS_ONLY, heading=NO_LONGER_SHOWN)
    if facilitator is not None and facilitator.must_change_password:
        # Signed in, but every page but "Change your password" now sends there first: said, so that a
        # page can tell why (nothing it shows is hidden: the page was shown to this account).
        return jsonify(signed_in=True, must_change_password=True, why=f"{CHOOSE_YOUR_OWN_FIRST}.")
    if facilitator is not None or why == service.TOO_OLD_SIGN_IN:
        return jsonify(signed_in=True)
    # (Its sessions deleted, a closed account's browser holds no account to say why by, but the note
    # its session left: ``why_it_ended``.)
    because = FORM_EXPIRED_BECAUSE.get(why or why_it_ended(take=False) or "")
    words = f"{because[:1].upper()}{because[1:]}." if because else "You were signed out while this page was open."
    return jsonify(signed_in=False, why=words)


@bp.post("/sign-out")
def sign_out() -> Response:
    """Sign out: the whole session goes, and its id with it. With ``next`` (sent by the "Sign in
    again now" of pages shown before "Stay signed in" replaced it), the sign-in page goes on to
    that page."""
    facilitator = current_facilitator()
    service.record_sign_out(facilitator)
    target = request.form.get("next")
    reset_session()
    flash("You have signed out" if not target else "You have signed out. Sign in again to go back to the page", SUCCESS)
    return redirect(sign_in_page(target, facilitator))


CURRENT_ONE_WRONG = "The current password is not correct. Enter the password you sign in with now"
NEW_ONES_DIFFER = "The new passwords do not match. Enter the same new password in both boxes"
CHANGE_DONE = (
    "Your password has been changed. You stay signed in here, and have been signed out of the inbox "
    "in every other browser and device"
)


@bp.route("/account/password", methods=["GET", "POST"])
@password_checks
def change_password() -> Response | tuple[str, int]:
    """Change your own password: the current one, then the new one twice. The current password
    is checked as signing in checks it (CSRF, the visitor's limit and the account's lockout; a
    wrong one audited, never logged), so a session left open, or stolen, cannot take the account
    over. The new one follows the rules ``flask facilitators reset-password`` uses. Once changed,
    this session carries on under a new id, with the new credential stamp; every other sign-in of
    the account ends (``service.session_facilitator``: "the password for this account was
    changed"). Passwords are never shown again: a refused form comes back with its boxes empty."""
    facilitator = current_facilitator()
    form = ChangePasswordForm()
    errors: list[dict[str, str]] = []
    status = 200
    if form.validate_on_submit():
        current = form.current_password.data or ""
        lockout = current_lockout()
        device = known_device(facilitator.email)
        locked_for = lockout.begin_attempt(facilitator.email, device)  # counted before the password is checked
        g.sign_in_tried = locked_for > 0 or not service.password_is_right(facilitator, current)
        if g.sign_in_tried and not locked_for and changed_a_moment_ago(facilitator, form):
            # This very change, sent again once the first's answer had come (a second click on a
            # slow page, with the new cookie): the password it gives is right, so the attempt is not
            # a failure, and the change is not made again.
            lockout.clear(facilitator.email, device=device)
            g.sign_in_tried = False
            return go_on_to(safe_next(None, facilitator), code=303)
        if g.sign_in_tried:
            message, status = password_refused(
                facilitator.email, locked_for, "password change", CURRENT_ONE_WRONG, detail=service.CHANGE_FAILED
            )
            form.current_password.errors = [message]
        else:
            lockout.clear(facilitator.email, device=device)
            new = form.new_password.data or ""
            # Both said at once (found, accessibility review: a new password too short, typed
            # differently twice, was told only that they differed; every box is emptied each
            # time, so the second mistake cost a third typing of all three).
            problem = service.own_password_problem(facilitator, new)
            if new != (form.confirm_password.data or ""):
                form.confirm_password.errors = [NEW_ONES_DIFFER]
            if problem is not None:
                form.new_password.errors = [problem.rstrip(".")]
            elif not form.confirm_password.errors:
                # (Hashed first: the old session id is noted as replaced only just before the
                # change, so the facilitator's other tabs go on using it until then.)
                hashed = service.hash_password(new)
                if not claim_the_new_id():  # the same form, sent a moment before, is changing it
                    return sent_again(meanwhile=True) or form_sent_twice_refused()
                service.set_own_password(facilitator, hashed)
                stay_signed_in(facilitator)
                flash(CHANGE_DONE, SUCCESS)
                # (Its known-device token was given with the old password: a new one.) On to the page
                # asked for, where the account was sent here first (``change_password_first``).
                return remember_device(go_on_to(safe_next(request.args.get("next"), facilitator)), facilitator)
    boxes = (form.current_password, form.new_password, form.confirm_password)
    if request.method == "POST":
        if status == 200:
            # Refused: shown by the page's GET (``show_refused_form``), so Back after the change
            # never asks to send the form again; only the messages are kept, never a password.
            # (A lockout's 429 is answered here: a refusal to any tool that reads the status.)
            return show_refused_form({"errors": {box.name: list(box.errors) for box in boxes if box.errors}})
        errors = error_summary(boxes)
    elif (kept := refused_form()) is not None and isinstance(messages := kept.get("errors"), dict):
        for box in boxes:
            if isinstance(said := messages.get(box.name), list):
                box.errors = [str(message) for message in said]
        errors = error_summary(boxes)
    for field in boxes:
        field.data = ""
    page = render_template(
        "inbox/change_password.html",
        form=form,
        errors=errors,
        has_errors=bool(errors),
        account=facilitator,
        password_rules=service.PASSWORD_RULES,
        home=safe_next(None, facilitator),
        next_page=safe_next(request.args.get("next"), facilitator) if request.args.get("next") else None,
    )
    return page, status


def changed_a_moment_ago(facilitator: Facilitator, form: ChangePasswordForm) -> bool:
    """Whether the password change form sent is the one that changed the account's password a
    moment ago (``sessions.REPEAT_GRACE``): its new password, typed the same twice, is the
    account's password now. (Only then is the new password checked: a wrong current password
    otherwise tests nothing else.)"""
    new = form.new_password.data or ""
    if not new or new != (form.confirm_password.data or ""):
        return False
    if not service.own_password_changed_since(facilitator, utcnow() - REPEAT_GRACE):
        return False
    # A second password checked: counted by the account's lockout as the first was, so the moment
    # gives no more guesses than any other (found: one was counted for the two).
    if current_lockout().begin_attempt(facilitator.email, known_device(facilitator.email)):
        return False
    return service.password_is_right(facilitator, new)


# --- the list and a request -------------------------------------------------------------------


def list_choices() -> listing.Choices:
    """What the list's filters offer: every facilitator (and any other account holding requests) by
    name, and the rule pack's flags."""
    facilitators = sorted(service.all_facilitators(), key=lambda f: (f.display_name.lower(), f.id))
    oldest = db.session.scalar(select(func.min(StoredRequest.created_at)))
    holding = db.session.scalars(select(Assignment.facilitator_id).distinct())
    flags = ((flag.id, flag.label) for flag in current_pack().flags)
    return listing.list_choices(facilitators, flags, oldest, holding)


def send_list_form() -> Response:
    """The list's search and filters, sent: back to the list with them in its address (Post/
    Redirect/Get), as a link or a bookmark has them. Found (facilitator review): the form was a
    GET, so a practitioner's email address typed by mistake into the reference search went into
    the address, the browser's history and the web server's log. Such a search is kept in the
    sign-in's session instead, for the one showing of the list that says where to search by email.
    Found (privacy review): so is any other search that is no reference, such as a practitioner's or
    a child's name typed into the box, which went into the address as the email address had, and
    letters alone without STT, a postcode or a name with a number (``listing.could_be_personal``: "Kate"
    reads as the start of a reference)."""
    args: dict[str, Any] = {}
    for name in sorted(LIST_ARGS - {"page"}):
        value = listing.clean_value(request.form.get(name))[: listing.MAX_VALUE_LENGTH]
        if value:
            args[name] = value
    # A choice no form offers (a form changed by hand, a script) is left out of the address as
    # well: whatever text was sent in its place never goes into the address, or the history.
    for name, values in list_choices().values_by_filter().items():
        if name in args and args[name] not in values:
            del args[name]
    typed = args.get("reference", "")
    if listing.reference_problem(listing.compact_reference(typed)) is not None or listing.could_be_personal(typed):
        session[TYPED_REFERENCE_KEY] = args.pop("reference")
    return redirect(url_for("inbox.index", **args), code=303)


@bp.route("", methods=["GET", "POST"])
def index() -> Response | str:
    """The requests, searched, filtered and sorted as asked, with counts per status; a complete
    reference that exists goes straight to its request. Its filter form is sent here as a POST
    (``send_list_form``)."""
    if request.method == "POST":
        return send_list_form()
    choices = list_choices()
    filters, problems = listing.read_filters(request.args, choices)
    # Said once, by the GET that shows it (a HEAD only looks: a link checker, a preview).
    take = session.get if request.method == "HEAD" else session.pop
    search_typed = take(TYPED_REFERENCE_KEY, None) if TYPED_REFERENCE_KEY in session else None
    if not isinstance(search_typed, str):
        search_typed = None
    search_problem = None
    if search_typed:
        search_problem = listing.reference_problem(listing.compact_reference(search_typed))
        if search_problem is None:
            search_problem = listing.could_be_personal(search_typed)
    if search_problem is not None and not filters.reference:
        problems.insert(0, search_problem)
    if len(filters.reference) == 8:
        found = service.find_request(normalise_reference(filters.reference))
        if found is not None:
            return redirect(url_for("inbox.request_page", reference=found.reference))
    page = listing.list_page(filters, uk_today())
    # A reference search not used is given back as typed, to correct (within the length read).
    typed = "" if filters.reference else search_typed or listing.clean_value(request.args.get("reference"))
    if request.method == "GET":  # (a HEAD shows nothing)
        session[LIST_KEY] = page.filters.args()
    # A reference search that could not be used is an error on its box, with the error summary and
    # "Error:" in the title. Found (accessibility review): it was said only among the list's other
    # problems, under the heading, so a screen reader heard the same "Requests" page, with every
    # request listed, as if the search had found them.
    search_error = next((problem for problem in problems if problem in listing.REFERENCE_PROBLEMS), None)
    shown = render_template(
        "inbox/index.html",
        inbox=page,
        filters=page.filters,
        choices=choices,
        problems=[problem for problem in problems if problem not in listing.REFERENCE_PROBLEMS],
        search_error=search_error,
        errors=[{"text": search_error, "href": "#reference"}] if search_error else [],
        has_errors=search_error is not None,
        email_not_reference=listing.EMAIL_NOT_REFERENCE,
        reference_typed=typed[: listing.MAX_VALUE_LENGTH],
        sorts=listing.SORTS,
        outcome_titles=redirect_outcomes(),
        select_items=listing.select_items,
    )
    if request.method == "GET":
        # Audited once the page is made, not before: the audit's commit would have the signed-in
        # account read again from the database for the page (bench/bench_inbox.py).
        listing.record_listing([row.reference for row in page.rows], current_facilitator().actor)
    return shown


# A download of requests' details (the list's CSV, a request's PDF) asked for by a link or a
# script on another site is not made: it would put the file on the facilitator's computer, and in
# the audit log as their download, without their choosing it (the session cookie is sent with a
# link followed from another site: SameSite=Lax). Found: security review.
DOWNLOAD_FROM_ANOTHER_SITE = (
    "The download did not start, because the link to it was on another website. To download the file, use the "
    "link on this page."
)


# A download of the list whose address had a filter that could not be used (``export_csv``).
LIST_NOT_DOWNLOADED = (
    "The list was not downloaded, because a filter in its address could not be used: {problem}. Check the "
    "filters below, then download the list again"
)


@bp.get("/requests.csv")
def export_csv() -> Response:
    """The list as CSV (every page, the same filters; no free text), never cached, audited."""
    filters, problems = listing.read_filters(request.args, list_choices())
    if problems:
        # Found (regression review): "?reference=cq68-ug", refused as a search, exported every
        # request, where one was asked for, and the file said nothing. Nothing is downloaded: the
        # list, with the filters that could be used, says what was not.
        if request.method != "HEAD":
            flash(LIST_NOT_DOWNLOADED.format(problem=problems[0].rstrip(".")), IMPORTANT)
        usable: dict[str, Any] = filters.args()
        return redirect(url_for("inbox.index", **usable))
    if from_another_site():
        if request.method != "HEAD":  # (a HEAD is shown nothing: it leaves no message for later)
            flash(DOWNLOAD_FROM_ANOTHER_SITE, IMPORTANT)
        shown: dict[str, Any] = filters.args()
        return redirect(url_for("inbox.index", **shown))
    rows = listing.all_rows(filters, uk_today())
    if request.method != "HEAD":  # a HEAD sends no file: nothing is exported
        listing.record_export(filters, [row.reference for row in rows], current_facilitator().actor)
    return csv_download(listing.csv_text(rows, redirect_outcomes()), f"space-to-think-requests-{uk_today()}.csv")


def redirect_outcomes() -> dict[str, str]:
    """The rule pack outcomes a request can be redirected to (every one but the request's): id → title."""
    return {outcome.id: str(outcome.title) for outcome in current_pack().outcomes if not outcome.request}


def stored_request(reference: str, with_pdf: bool = False) -> Any:
    """The request with this reference (as typed: "stt-vpu9-qkym" finds STT-VPU9-QKYM), or 404:
    a page saying when it was deleted, with its audit trail (kept), if it was deleted (a link to
    it may still be in an email, or on a request marked as its duplicate)."""
    reference = normalise_reference(reference)
    found = service.find_request(reference, with_pdf=with_pdf)
    if found is None:
        page = deleted_request_page(reference) or unknown_request_page(reference)
        if page is None:
            abort(404)
        abort(page)
    return found


def unknown_request_page(reference: str) -> Response | None:
    """The page saying no request has, or had, this well-formed reference, and that one lost when the
    database was put back from a backup is imported from its PDF (or None for a malformed one).
    Found (operator review): a facilitator following the emailed link to such a request was told
    only "Page not found", as for a mistyped address."""
    if not is_reference(reference):
        return None
    page = render_template("inbox/request_not_found.html", reference=reference, kept=typed_text.typed_text_kept())
    return Response(page, status=404, mimetype="text/html")


def deletion_words(stored: StoredRequest) -> dict[str, Any]:
    """What the request page says of the request's deletion: the day (``deleted_on``); whether its
    session is still to come (``session_to_come``); the last
    day it is kept for its session's outcome to be recorded (``outcome_kept_until``), only when
    that is on or after the deletion day (found, regression review: "kept past that day, to the
    end of 18 December at most" under a deletion day in March); and whether it is past the time
    requests are kept (``past_retention``), and goes within the hour (``deleted_within_the_hour``:
    not kept for its outcome or its practitioner's session; found, regression review, a
    request kept for its outcome, then marked not held, was told another session could be
    arranged, and went at the next purge)."""
    deleted_on = sessions.deleted_on(stored)
    in_session = sessions.session_of(stored) if stored.status == sessions.ARRANGED else None
    taken_place = sessions.outcome_to_record(stored)
    kept_until = sessions.outcome_kept_until(taken_place) if taken_place is not None else None
    past = utcnow() >= stored.created_at + dt.timedelta(days=sessions.retention_days())
    kept_for_practitioner = sessions.kept_for_practitioner_until(stored) if past else None
    return {
        "deleted_on": deleted_on,
        "outcome_kept_until": kept_until if kept_until is not None and kept_until >= deleted_on else None,
        "past_retention": past,
        "deleted_within_the_hour": past and kept_until is None and not kept_for_practitioner,
        # Past its time, kept for its practitioner (found, regression review: the page said it went
        # within the hour, or to hold its session "before" a day gone, while the purge kept it).
        "kept_for_practitioner": kept_for_practitioner,
        # A session still to be held (the deletion day says to hold it before then): not one that
        # has taken place (found, regression review: "so hold this request's session before then").
        "session_to_come": stored.status in (*workflow.AWAITING_SESSION, "waiting")
        or (in_session is not None and not in_session.has_started),
    }


def deleted_request_page(reference: str) -> Response | None:
    """The page saying when the request with this reference was deleted, with its audit trail
    (kept), or None if no request had it."""
    deleted = service.deleted_on(reference) if is_reference(reference) else None
    if deleted is None:
        return None
    when, days = deleted
    if request.method != "HEAD" and g.get("facilitator") is not None:
        # Its kept trail shown is audited too (found, audit review: who read it was not recorded).
        service.record_view_of_deleted(reference, current_facilitator())
    page = render_template(
        "inbox/request_deleted.html",
        reference=reference,
        deleted_on=uk_time(when),
        days=days,
        trail=service.audit_trail(reference),
        kept=typed_text.typed_text_kept(),  # a form sent from its page, open meanwhile: what was typed, to copy
    )
    return Response(page, status=404, mimetype="text/html")


@bp.errorhandler(ObjectDeletedError)
def deleted_meanwhile(error: ObjectDeletedError) -> Response:
    """A request deleted (``flask requests delete``, or the daily purge) while its page or its PDF
    was being made for a facilitator: found (two facilitators at once review), the row read, then
    gone once the view's audit entry was committed, gave the "problem with the service" page. Now
    the page saying it was deleted, as a moment later."""
    db.session.rollback()
    reference = normalise_reference(str((request.view_args or {}).get("reference") or ""))
    page = deleted_request_page(reference) if reference else None
    if page is None:
        raise error
    return page


# --- a form on a request's page refused: shown by the page's GET --------------------------------

# The forms of a request's page, by the name ``render_request_page`` takes each under.
PAGE_FORMS: dict[str, type[Any]] = {
    "status_form": StatusForm,
    "assign_form": AssignForm,
    "note_form": NoteForm,
    "session_form": SessionForm,
    "confirm_form": ConfirmEmailForm,
}
# The identifying-looking data found in a form's text, to confirm or change, by the same names.
PAGE_FINDINGS = ("note_findings", "reason_findings", "place_findings")
PAGE_WORDS = ("session_problem", "outcome_chosen", "outcome_problem")


def refused_on_page(stored: Any, **shown: Any) -> Response:
    """A form on the request's page refused (an answer missing, not valid, or changed meanwhile):
    keep what ``render_request_page`` needs to show it again as sent, with its errors, and send the
    browser to the request's page (303), whose GET shows it (``shown_again``). Found (regression
    review): the page with the errors was the answer to the POST; once the form was put right and
    sent, the browser's Back gave "Confirm Form Resubmission" instead of the request."""
    return show_refused_form(kept_page(**shown), url_for("inbox.request_page", reference=stored.reference))


def kept_page(**shown: Any) -> dict[str, Any]:
    """What the session keeps of a refused form's page (``render_request_page``'s arguments, or
    the session page's under the same names), for ``shown_again`` to give back."""
    kept: dict[str, Any] = {}
    for name, value in shown.items():
        if name in PAGE_FORMS:
            kept[name] = kept_form(value)
        elif name in PAGE_FINDINGS:
            kept[name] = [dataclasses.asdict(finding) for finding in value or []]
        elif name in PAGE_WORDS:
            kept[name] = str(value)
        else:  # pragma: no cover (a programming error: every argument above is kept)
            raise TypeError(f"a refused form's page cannot keep {name}")
    return kept


def kept_form(form: Any) -> dict[str, Any]:
    """A refused form as the session keeps it: each field's value and errors (not its token),
    and the session form's date problems and what it was checked against."""
    # By the form's own names for its fields (``_fields``' keys: the date's parts are "day", not "date-day").
    fields = {name: field for name, field in form._fields.items() if name != "csrf_token"}
    state: dict[str, Any] = {
        "data": {name: field.data for name, field in fields.items() if isinstance(field.data, str)},
        "errors": {name: [str(error) for error in field.errors] for name, field in fields.items() if field.errors},
    }
    if isinstance(form, SessionForm):
        state["date_errors"] = [str(error) for error in getattr(form, "date_errors", [])]
        state["date_at_fault"] = list(form.date_at_fault)
        state["confirm_started"] = bool(form.confirm_started)
        state["received_at"] = form.received_at.isoformat() if form.received_at is not None else None
    return state


def form_again(form_class: type[Any], state: dict[str, Any]) -> Any:
    """The form ``kept_form`` kept, as it was shown refused (its token a new one)."""
    data = state.get("data")
    form = form_class(formdata=None, data=data if isinstance(data, dict) else {})
    errors = state.get("errors")
    for name, messages in (errors if isinstance(errors, dict) else {}).items():
        field = form._fields.get(name)
        if field is not None and isinstance(messages, list):
            field.errors = [str(message) for message in messages]
    if isinstance(form, SessionForm):
        form.date_errors = [str(error) for error in state.get("date_errors") or []]
        form.date_at_fault = tuple(str(part) for part in state.get("date_at_fault") or [])
        form.confirm_started = bool(state.get("confirm_started"))
        received = state.get("received_at")
        form.received_at = dt.datetime.fromisoformat(received) if isinstance(received, str) else None
    return form


def shown_again(kept: dict[str, Any] | None) -> dict[str, Any]:
    """``render_request_page``'s arguments from what ``refused_on_page`` kept ({} if nothing)."""
    shown: dict[str, Any] = {}
    for name, value in (kept or {}).items():
        if name in PAGE_FORMS and isinstance(value, dict):
            shown[name] = form_again(PAGE_FORMS[name], value)
        elif name in PAGE_FINDINGS and isinstance(value, list):
            shown[name] = [Finding(**finding) for finding in value if isinstance(finding, dict)]
        elif name in PAGE_WORDS and isinstance(value, str):
            shown[name] = value
    return shown


def render_request_page(
    stored: Any,
    status_form: StatusForm | None = None,
    assign_form: AssignForm | None = None,
    note_form: NoteForm | None = None,
    note_findings: list[Any] | None = None,
    reason_findings: list[Any] | None = None,
    session_form: SessionForm | None = None,
    place_findings: list[Any] | None = None,
    confirm_form: ConfirmEmailForm | None = None,
    session_problem: str = "",
    outcome_chosen: str = "",
    outcome_problem: str = "",
    audit_view: bool = True,
) -> str:
    """The request first, then its workflow: session, status, assignment, notes and audit trail.

    Showing it is audited as a view, unless ``audit_view`` is False: only for the page shown
    straight after an action, whose audit entry is the action (``acted_on``). A page shown again
    by a form that was refused shows the request too, so it is audited. ``outcome_chosen`` is the
    "after the session" answer posted, shown chosen again; ``outcome_problem``, why it was refused
    when nothing was chosen, shown on its radios (found, accessibility review: the error summary's
    link led to the section, which cannot take focus, and the radios said nothing)."""
    if request.method != "HEAD":  # (a HEAD shows nothing: the next page is still the action's)
        session.pop(ACTED_KEY, None)  # an action's page is shown (or passed over): a later one is a view
    # Before the view is recorded: the first opening after the email saying where to go instead was
    # refused says "Needs attention", as the list did until now (``service.email_problems``).
    email_problems = service.email_problems(stored)
    if audit_view:
        service.record_view(stored, current_facilitator())
    same_email = service.same_email_requests(stored)
    if same_email and request.method != "HEAD":
        service.record_same_email_shown([found[0] for found in same_email], stored.reference, current_facilitator())
    assigned = service.assigned_facilitator(stored)
    status_form = status_form or StatusForm(formdata=None)
    if assign_form is None:
        assign_form = AssignForm(formdata=None, data={"facilitator": str(assigned.id) if assigned else ""})
    assign_form.set_facilitators(service.assignment_choices(assigned))
    note_form = note_form or NoteForm(formdata=None)
    confirm_form = confirm_form or ConfirmEmailForm(formdata=None)
    forms = (confirm_form, status_form, assign_form, note_form)
    if session_form is None:
        session_form = SessionForm(formdata=None)
        session_form.date_errors = []
    errors = session_form.error_list() + error_summary(field for form in forms for field in form)
    if session_problem:
        errors.insert(0, {"text": session_problem, "href": "#session-section"})
    if outcome_problem:
        errors.insert(0, {"text": outcome_problem, "href": "#outcome"})
    # The place first, and kept: its session is then found without asking for the place again.
    place = sessions.session_place(stored)
    space_session = sessions.session_of(stored) if place is not None else None
    if space_session is None:
        place = None
    upcoming = sessions.sessions_to_join(stored) if workflow.can_move(stored.status, "session_arranged") else []
    document = request_document(stored)
    outcomes = redirect_outcomes()
    return render_template(
        "inbox/request.html",
        stored=stored,
        document=document,
        rules_now=current_pack().version,
        sections=request_sections(document),
        assigned=assigned,
        notes=(notes := service.triage_notes(stored)),
        notes_seen=max((note.id for note, _ in notes), default=0),  # (the note form's: ``add_note``)
        moves_seen=service.moves_seen(stored),  # (the status form's: ``change_status``)
        trail=service.audit_trail(stored.reference),
        imported_unchecked=service.imported_unchecked(stored.reference),
        email_check_pending=stored.email_check_pending,
        imported_by_me=stored.email_check_pending
        and service.importer_of(stored.reference) == current_facilitator().actor,
        email_check_words=service.EMAIL_CHECK_WORDS,
        confirm_form=confirm_form,
        emails_wait=service.EMAILS_WAIT,
        status_form=status_form,
        assign_form=assign_form,
        note_form=note_form,
        errors=errors,
        has_errors=bool(errors),
        # "Session held" not offered here while the request has its session: "After the session",
        # under Session, says whether it was held, once it has started (found, new-user review:
        # two ways to say the same thing, and which sent the feedback link was not said).
        next_statuses=[
            status
            for status in workflow.next_statuses(stored.status)
            if status != "session_held"
            or space_session is None
            or status_form.status.data == status  # chosen, and refused: shown again with its error
        ],
        outcomes=outcomes,
        duplicates=service.duplicates_of(stored),
        same_email=same_email,
        email_problems=email_problems,
        address_refused=service.address_refused_for_good(stored),
        # Its PDF not made long after the request came in, with no failure recorded: the outbox
        # worker has not tried (stopped, say). Found (dependency review): the page said "usually
        # within a minute" however long the worker had been stopped.
        pdf_overdue=service.pdf_overdue(stored, listing.RETRY_OVERDUE_AFTER),
        overdue=workflow.is_overdue(stored.status, stored.due_on, uk_today()),
        **deletion_words(stored),
        retention_days=sessions.retention_days(),
        note_findings=in_context(note_findings or [], note_form.text.data),
        note_max=NOTE_MAX,
        reason_findings=in_context(reason_findings or [], status_form.reason.data),
        fingerprint=service.text_fingerprint,
        session_form=session_form,
        place_findings=in_context(place_findings or [], session_form.place.data),
        session_problem=session_problem,
        outcome_chosen=outcome_chosen,
        outcome_problem=outcome_problem,
        space_session=space_session,
        session_place=place,
        invitation=sessions.invitation_state(stored, space_session, place)
        if space_session is not None and place is not None
        else None,
        session_words=sessions.session_words(space_session) if space_session is not None else None,
        after_due=request_after_due(stored, space_session),
        upcoming=[(str(found.id), sessions.session_label(found), found.has_started) for found in upcoming],
        # Which sessions the choice offered, sent back: a number given again to another session
        # since (SQLite, after the purge) is refused, not joined (``session_views.chose_another``).
        upcoming_seen=" ".join(sessions.session_version(found) for found in upcoming),
        formats=FORMATS,
        lengths=sessions.LENGTHS,
        record_weeks=sessions.RECORD_WEEKS,
        can_invite=bool(current_app.config.get("FACILITATOR_EMAIL")),
        # Nor for a request whose work email waits for the check (found, regression review: the form
        # said a link would be sent, and the page after it that none was).
        no_feedback_link=sessions.feedback_link_unavailable()
        or (sessions.FEEDBACK_WAITS_FOR_CHECK if stored.email_check_pending else None),
        session_version=sessions.session_version,
        list_args=list_shown(),
    )


def request_after_due(stored: Any, space_session: SpaceSession | None) -> str:
    """The session page's warning, for this request alone, when its session (still to come) is
    after its due date; else "". Found (facilitator review): the session's page and the save
    said so, but the request's own page, where a facilitator reads the request, said nothing."""
    if space_session is None or space_session.cancelled_at is not None or space_session.has_started:
        return ""
    if stored.status != sessions.ARRANGED or not (late := sessions.after_due([stored], space_session.starts_at)):
        return ""
    return sessions.after_due_words(late)


def list_shown() -> dict[str, str]:
    """The list's address parameters as the facilitator last saw it ({}: the whole list)."""
    shown = session.get(LIST_KEY)
    if not isinstance(shown, dict) or not all(
        name in LIST_ARGS and isinstance(value, str) for name, value in shown.items()
    ):
        return {}
    return shown


def acted_on(stored: Any) -> Response:
    """Back to the top of the request after an action, without auditing that page as a view.

    No fragment: the page opens at its top, where the success banner (which GOV.UK Frontend
    focuses, so it is announced) says what was done and links down to the section (``done``).
    A form that is refused comes back the same way, with the error summary at the top."""
    session[ACTED_KEY] = {"reference": stored.reference, "at": time.time()}
    return redirect(url_for("inbox.request_page", reference=stored.reference))


# How long after an action its page may be shown without being audited as a view: the redirect
# is followed at once; a page opened later is a view.
ACTED_WITHIN_SECONDS = 30


def just_acted_on(reference: str) -> bool:
    """Whether this showing of the request's page is the one straight after an action on it
    (``acted_on``): the very next inbox page, within ``ACTED_WITHIN_SECONDS``. Consumed here."""
    acted = session.pop(ACTED_KEY, None)
    return (
        isinstance(acted, dict)
        and acted.get("reference") == reference
        and isinstance(at := acted.get("at"), int | float)
        and 0 <= time.time() - at <= ACTED_WITHIN_SECONDS
    )


def done(message: str, section: str, section_name: str) -> None:
    """Flash a success message with a link down to the section of the page it concerns
    (the GOV.UK success banner's pattern: what was done, then "View the …")."""
    flash(
        Markup('{}. <a class="govuk-notification-banner__link" href="#{}">View {}</a>').format(
            message, section, section_name
        ),
        SUCCESS,
    )


@bp.get("/requests/<reference>")
def request_page(reference: str) -> str:
    """One request: its content, then status, assignment, notes and audit trail (the view is audited)."""
    stored = stored_request(reference)
    if request.method == "HEAD":  # nothing is sent, so nothing is viewed (as for the list)
        return render_request_page(stored, audit_view=False)
    # A form refused is shown until the next form is sent (``admit``), as a reload shows it: its
    # text typed is not lost. Another page opened first drops it.
    shown = shown_again(refused_form(keep=True))
    return render_request_page(stored, audit_view=not just_acted_on(stored.reference), **shown)


# A download link followed before the outbox worker made the PDF, or after it gave up (an old
# link: the page shows the link only once the PDF is made).
PDF_NOT_MADE_YET = "The PDF of this request has not been made yet. The request is shown below; try the download later."
PDF_NOT_MADE = "The PDF of this request could not be made, so there is nothing to download. The request is shown below."


@bp.get("/requests/<reference>/request.pdf")
def download_pdf(reference: str) -> Response:
    """The request's stored PDF, as a download that is never cached (back to the request page if not made yet)."""
    stored = stored_request(reference, with_pdf=True)
    if from_another_site():
        if request.method != "HEAD":  # (as below)
            flash(DOWNLOAD_FROM_ANOTHER_SITE, IMPORTANT)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    if stored.pdf_made_at is None or not stored.pdf:
        if request.method != "HEAD":  # (a HEAD is shown nothing: it leaves no message for later)
            flash(PDF_NOT_MADE if stored.pdf_failed_at else PDF_NOT_MADE_YET, IMPORTANT)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    # Read before the download is recorded (its commit lets the row go): found (two facilitators at
    # once review), the request deleted meanwhile, the download was recorded and the file never sent.
    pdf, filename = stored.pdf, pdf_filename(stored.reference)
    if request.method != "HEAD":  # a HEAD sends no file: nothing is downloaded
        service.record_pdf_download(stored, current_facilitator())
    return pdf_download(pdf, filename)


@bp.post("/requests/<reference>/status")
def change_status(reference: str) -> Response | str:
    """Move the request on, if the workflow allows the move (refused with a message if not)."""
    stored = stored_request(reference)
    form = StatusForm()
    if not form.validate():
        return refused_on_page(stored, status_form=form)
    move = service.Move(
        status=form.status.data,
        redirected_to=form.redirected_to.data or "",
        reason=form.reason.data or "",
        duplicate_of=form.duplicate_of.data or "",
    )
    typed = form.moves_seen.data or ""
    seen = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 18 else None
    if (form.from_status.data and form.from_status.data != stored.status) or (
        seen is not None and seen != service.moves_seen(stored)
    ):
        # (A page from before these fields were added sends neither, and is checked as before.)
        if service.is_move_resent(stored, form.from_status.data or "", move.status or "", current_facilitator(), move):
            # The same form sent twice: the first moved it. Found (facilitator review): the second
            # said "The status has not been changed: it changed ... while this page was open", so
            # the facilitator thought their own change had failed, or that a colleague had made it.
            flash(STATUS_RESENT.format(status=workflow.STATUS_LABELS[stored.status].lower()), IMPORTANT)
            session.pop(ACTED_KEY, None)
            return redirect(url_for("inbox.request_page", reference=stored.reference))
        return moved_meanwhile(stored, form)
    try:
        service.check_move(stored, move, redirect_outcomes())
    except service.MoveRefused as refused:
        getattr(form, refused.field).errors = [str(refused)]
        # The reason is checked for identifying data now too, not only once the route is put right
        # (found: a second refusal, for the reason, after the route was chosen).
        findings = (
            service.needs_confirmation(move.reason, form.confirmed.data, requester=service.requester_name(stored))
            if move.status == "redirected" and refused.field != "reason" and move.reason.strip()
            else None
        )
        if findings:
            form.reason.errors = [REASON_NOT_SAVED]
        return refused_on_page(stored, status_form=form, reason_findings=findings or None)
    if move.status == "redirected":
        findings = service.needs_confirmation(
            move.reason, form.confirmed.data, requester=service.requester_name(stored)
        )
        if findings:
            form.reason.errors = [REASON_NOT_SAVED]
            return refused_on_page(stored, status_form=form, reason_findings=findings)
    try:
        also = service.move_request(stored, move, current_facilitator(), redirect_outcomes(), seen)
    except service.MovedMeanwhile:  # while the move waited for the request (a colleague's, a moment before)
        db.session.rollback()
        return moved_meanwhile(stored, form)
    except service.MoveRefused as refused:  # the other request, as a colleague's move just left it
        db.session.rollback()
        getattr(form, refused.field).errors = [str(refused)]
        return refused_on_page(stored, status_form=form)
    if move.status == sessions.HELD and (why_not := sessions.feedback_link_unavailable()):
        also = [*also, f"No link to give feedback was sent: {why_not}."]
    elif move.status == sessions.HELD and stored.email_check_pending:  # (found, regression review)
        also = [*also, f"No link to give feedback was sent: {sessions.FEEDBACK_WAITS_FOR_CHECK}."]
    elif move.status == sessions.HELD:
        # As "After the session: held" says (found, facilitator review: this form said nothing of it).
        also = [*also, FEEDBACK_LINK_SENT]
    changed = f"Status changed to {workflow.STATUS_LABELS[move.status].lower()}"
    # done() adds the full stop after the message.
    done(" ".join([f"{changed}.", *also]).removesuffix(".") if also else changed, "change-status", "the status")
    return acted_on(stored)


def moved_meanwhile(stored: Any, form: StatusForm) -> Response | str:
    """The status form, sent when the request had moved since its page was shown (or while the
    move waited for it): the same move, made by a colleague (or a double click with both posts in
    flight), is where this facilitator wanted it, and said so (found, facilitator review: "has not
    been changed ... choose again" read as a failure); another is refused, naming the status now
    and who moved it."""
    status = workflow.STATUS_LABELS[stored.status].lower()
    by = moved_by(stored, current_facilitator())
    if form.status.data == stored.status and stored.status not in ("redirected", "duplicate"):
        flash(ALREADY_MOVED.format(status=status, by=by), IMPORTANT)
        session.pop(ACTED_KEY, None)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    if form.from_status.data == stored.status:  # moved on, and back: say what stands now
        by = by or " It was changed in another tab, or by another facilitator."
        label = workflow.STATUS_LABELS[stored.status]
        form.status.errors = [MOVED_AND_BACK.format(status=f"“{label}”", now=_where_now(stored), by=by)]
    else:
        form.status.errors = [MOVED_MEANWHILE.format(status=status, by=by)]
    return refused_on_page(stored, status_form=form)


def _where_now(stored: Any) -> str:
    """Where a redirected request is sent now, or which request a duplicate repeats, for
    ``MOVED_AND_BACK`` ("" for any other status)."""
    if stored.status == "redirected" and stored.redirected_to:
        return f", now to {redirect_outcomes().get(stored.redirected_to, stored.redirected_to)}"
    if stored.status == "duplicate" and stored.duplicate_of:
        return f", now of {stored.duplicate_of}"
    return ""


def moved_by(stored: Any, me: Facilitator) -> str:
    """Who made the request's newest move, as a sentence for ``MOVED_MEANWHILE`` ("" if not a
    facilitator): found (facilitator review), the message said only "in another tab, or by
    another facilitator", so the facilitator did not know whom to talk to before choosing again."""
    return _made_that_change(service.newest_move_by(stored), me)


def assigned_by(stored: Any, me: Facilitator) -> str:
    """Who made the request's newest change of assignment, as ``moved_by`` says it (found,
    facilitator review: the status's message named the colleague, the assignment's did not)."""
    return _made_that_change(service.newest_assignment_by(stored), me)


def _made_that_change(actor: str | None, me: Facilitator) -> str:
    if actor is None:
        return ""
    if actor == me.actor:
        return " You made that change, in another tab or window."
    colleague = service.facilitator_acting(actor)
    return f" {colleague.display_name} made that change." if colleague is not None else ""


# Said when the work email's check is sent without its box ticked, and once it is confirmed.
TICK_TO_CONFIRM = (
    "Tick \u201c{words}\u201d to confirm the work email. Check it with the practitioner first (by phone, say, "
    "at a number you found yourself, not one in the request)"
)
EMAIL_CONFIRMED = "Work email confirmed: emails to the practitioner can now be sent"
EMAIL_ALREADY_CONFIRMED = "The work email had already been confirmed, so nothing changed"


@bp.post("/requests/<reference>/confirm-email")
def confirm_email(reference: str) -> Response:
    """A facilitator other than the importer confirms that a request imported unchecked gives the
    practitioner's own work email (found, b157 review: one facilitator alone could have the service
    email any address their own text). Refused, and audited, for the one who imported it."""
    stored = stored_request(reference)
    form = ConfirmEmailForm()
    if not form.validate() or not form.checked.data:
        # On the tick box, and in the page's error summary, as every form's error (found, review: a
        # message at the top of the page named no field, and the box said nothing).
        form.checked.errors = [TICK_TO_CONFIRM.format(words=service.EMAIL_CHECK_WORDS)]
        return refused_on_page(stored, confirm_form=form)
    try:
        confirmed = service.confirm_work_email(stored, current_facilitator().actor)
    except service.ConfirmRefused as refused:
        flash(str(refused), IMPORTANT)
        session.pop(ACTED_KEY, None)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    if not confirmed:
        flash(EMAIL_ALREADY_CONFIRMED, IMPORTANT)
        session.pop(ACTED_KEY, None)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    done(EMAIL_CONFIRMED, "session-section", "the session")
    return acted_on(stored)


@bp.post("/requests/<reference>/assignment")
def assign(reference: str) -> Response | str:
    """Assign the request to an active facilitator, or to no one."""
    stored = stored_request(reference)
    form = AssignForm()
    current = service.assigned_facilitator(stored)
    form.set_facilitators(service.assignment_choices(current))
    if not form.validate():
        return refused_on_page(stored, assign_form=form)
    showed = form.from_assignee.data
    now = str(current.id) if current is not None else NOT_ASSIGNED
    if (
        showed
        and showed != now
        and (form.facilitator.data or NOT_ASSIGNED) == now
        and service.is_assignment_resent(stored, current, current_facilitator())
    ):
        # The same form sent twice: the first assigned it (as for the status, above).
        flash(ASSIGNMENT_RESENT.format(who=current.display_name if current is not None else "no one"), IMPORTANT)
        session.pop(ACTED_KEY, None)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    if showed and showed != now:
        # (A page from before this field was added sends none, and is changed as before.)
        return assigned_meanwhile(stored, current, form.facilitator.data or NOT_ASSIGNED)
    if current is not None and form.facilitator.data == str(current.id):
        assignee: Facilitator | None = current  # kept as it is, even with the account closed since
    else:
        assignee = service.assignable(form.facilitator.data)
    try:
        changed = service.assign(stored, assignee, current_facilitator(), current.id if current is not None else None)
    except service.AssignedMeanwhile:
        # Found (stale pages review): two facilitators assigning at the same moment both read it
        # unassigned, and the second's failed in the database (a 500). Told as a page opened before.
        db.session.rollback()
        return assigned_meanwhile(stored, service.assigned_facilitator(stored), form.facilitator.data or NOT_ASSIGNED)
    if changed:
        done(
            f"Assigned to {assignee.display_name}" if assignee else "No longer assigned to anyone",
            "assignment",
            "the assignment",
        )
        return acted_on(stored)
    # Nothing changed, so nothing was audited: the page shown next is audited as a view.
    flash(ASSIGNMENT_UNCHANGED.format(who=assignee.display_name) if assignee else NOT_ASSIGNED_UNCHANGED, IMPORTANT)
    session.pop(ACTED_KEY, None)
    return redirect(url_for("inbox.request_page", reference=stored.reference))


def assigned_meanwhile(stored: Any, current: Facilitator | None, wanted: str) -> Response | str:
    """The assignment form, sent when the assignment had changed since its page was shown (to
    ``current``): to whom it was ``wanted`` (an id, or ``NOT_ASSIGNED``), where it was wanted, and said so,
    as for the status (found, regression review: "has not been changed ... choose again" of a colleague
    assigning the same person at the same moment); else refused."""
    by = assigned_by(stored, current_facilitator())
    if wanted == (str(current.id) if current is not None else NOT_ASSIGNED):
        state = f"assigned to {current.display_name}" if current is not None else "unassigned"
        flash(ALREADY_ASSIGNED.format(state=state, by=by), IMPORTANT)
        session.pop(ACTED_KEY, None)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    fresh = AssignForm(formdata=None, data={"facilitator": "" if current is None else str(current.id)})
    fresh.facilitator.errors = [
        ASSIGNED_MEANWHILE.format(who=current.display_name, by=by)
        if current is not None
        else UNASSIGNED_MEANWHILE.format(by=by)
    ]
    return refused_on_page(stored, assign_form=fresh)


@bp.post("/requests/<reference>/notes")
def add_note(reference: str) -> Response | str:
    """Add a short triage note; identifying-looking data is shown with why, to change or confirm."""
    stored = stored_request(reference)
    form = NoteForm()
    if not form.validate():
        return refused_on_page(stored, note_form=form)
    findings = service.needs_confirmation(
        form.text.data or "", form.confirmed.data, requester=service.requester_name(stored)
    )
    if findings:
        form.text.errors = [NOTE_NOT_ADDED]
        return refused_on_page(stored, note_form=form, note_findings=findings)
    seen = form.notes_seen.data or ""
    # None from a page drawn before the field, or one changed by hand (up to 9 digits: any id, and
    # within the database's whole numbers; found, regression review: 10 digits gave a 500).
    shown_since = int(seen) if seen.isascii() and seen.isdigit() and len(seen) <= 9 else None
    if service.add_note_once(stored, form.text.data or "", current_facilitator(), shown_since) is None:
        # The form sent twice (Back, then Add note again; or at the same moment): the note is there once.
        flash("You had already added this note, so it was not added again", IMPORTANT)
        return redirect(url_for("inbox.request_page", reference=stored.reference))
    done("Note added", "notes", "the notes")
    return acted_on(stored)


# The delete page's confirmation (its hidden field).
CONFIRM_DELETE = "yes"
NOTE_ALREADY_DELETED = "That note has already been deleted by {who}, so nothing was deleted now"


@bp.route("/requests/<reference>/notes/<note_id>/delete", methods=["GET", "POST"])
def delete_note(reference: str, note_id: str) -> Response | str:
    """Delete a triage note, once the facilitator has confirmed it on this page (a note that
    names a child, say: the warning was confirmed, but it must not be kept). Any facilitator may
    delete any note, not only its author: a note that identifies someone must go at once, whoever
    wrote it and whether or not they are at work (the audit log says who deleted it).

    GET asks "Are you sure?", showing the note; only a POST from that page (its ``confirm``
    field, and the note it showed: ``note_stamp``) deletes. A note deleted meanwhile (by a
    colleague, or in another tab) is said so on the request's page; a number no note of this
    request ever had is "page not found"."""
    stored = stored_request(reference)
    found = service.find_note(stored, note_id)
    if found is None:
        return note_gone(stored, note_id)
    note, author = found
    if request.method == "GET" or request.form.get("confirm") != CONFIRM_DELETE or not request.form.get("note"):
        return render_delete_note_page(stored, note, author)
    if request.form["note"] != service.note_stamp(note):  # that note went; another has its number now
        return note_gone(stored, note_id)
    if not service.delete_note(stored, note, current_facilitator()):  # a colleague's deletion came first
        return note_gone(stored, note_id)
    done("Note deleted", "notes", "the notes")
    return acted_on(stored)


def note_gone(stored: Any, note_id: str) -> Response:
    """Back to the request's page saying who deleted the note already; 404 if it never had one
    of this number."""
    deleted_by = service.note_deleted_by(stored, note_id)
    if deleted_by is None:
        abort(404)
    me = current_facilitator()
    if deleted_by == me.actor:
        who = "you (in another tab or window)"
    else:
        colleague = service.facilitator_acting(deleted_by)
        who = colleague.display_name if colleague is not None else "another facilitator"
    flash(NOTE_ALREADY_DELETED.format(who=who), IMPORTANT)
    session.pop(ACTED_KEY, None)  # nothing was done: the page shown next is a view
    return redirect(url_for("inbox.request_page", reference=stored.reference))


def render_delete_note_page(stored: Any, note: Any, author: Facilitator, problem: str = "") -> str:
    """ "Are you sure?" before deleting a note (``problem``: why the last try did nothing). It shows
    the note and the request's reference, so each showing is audited as a view of the request
    (not a HEAD: nothing is sent, as for the request's page)."""
    if request.method != "HEAD":
        service.record_view(stored, current_facilitator())
    errors = [{"text": problem, "href": "#delete-note"}] if problem else []
    return render_template(
        "inbox/delete_note.html",
        stored=stored,
        note=note,
        author=author,
        stamp=service.note_stamp(note),
        confirm=CONFIRM_DELETE,
        errors=errors,
        has_errors=bool(errors),
    )


# --- the forms' addresses, opened (GET) ---------------------------------------------------------

# The last parts of the addresses a request page's forms post to (change_status, assign and
# add_note above; arrange_session, send_invitation and session_outcome in session_views), and the
# part of the page each form is in. After a form error the page is shown at that address, so a
# reload, a bookmark or a sign-in's ``next=`` opens it (GET): that goes to the request page, at
# the form, and is no 405 (facilitator review, finding 6). Nothing is read or changed here;
# ``require_facilitator`` has checked who is asking, as for every inbox route (a partnership
# account is refused, 403).
REQUEST_FORMS = {
    "status": "change-status",
    "assignment": "assignment",
    "notes": "notes",
    "session": "session-section",
    "invitation": "session-section",
    "session-outcome": "session-section",
    "confirm-email": "work-email-check",
}


def form_address(reference: str) -> Response:
    """A GET of one of a request page's form addresses: to the request page, at the form."""
    form = request.path.rsplit("/", 1)[-1]
    return redirect(url_for("inbox.request_page", reference=reference, _anchor=REQUEST_FORMS[form]), code=303)


for _form in REQUEST_FORMS:
    bp.add_url_rule(f"/requests/<reference>/{_form}", "form_address", form_address, methods=["GET"])


# --- a form whose security token failed ---------------------------------------------------------

# Put on the form's field (and so in the error summary) when its security token was missing or
# out of date, for example because the page was opened before the facilitator last signed in.
STATUS_NOT_CHECKED = "The status has not been changed because the form had expired. Select Change status to try again"
ASSIGNMENT_NOT_CHECKED = (
    "The assignment has not been changed because the form had expired. Select Change assignment to try again"
)
NOTE_NOT_CHECKED = "The note has not been added because the form had expired. Select Add note to try again"
NOTE_NOT_DELETED = "The note has not been deleted because the form had expired. Select Yes, delete it to try again"

ShownAgain = Callable[..., Response | str]
# The endpoints whose page is shown again when their form's security token fails (see
# ``form_not_checked``): endpoint → what shows it, called with the route's arguments.
NOT_CHECKED_PAGES: dict[str, ShownAgain] = {}


def when_not_checked(endpoint: str) -> Callable[[ShownAgain], ShownAgain]:
    """Register what shows ``endpoint``'s page again, with what was posted and a message that
    nothing was saved, when its form's security token is missing or out of date."""

    def register(show: ShownAgain) -> ShownAgain:
        NOT_CHECKED_PAGES[endpoint] = show
        return show

    return register


@bp.errorhandler(CSRFError)
def form_not_checked(error: CSRFError) -> Response | tuple[Response | str, int]:
    """A post whose security token is missing or out of date: nothing is saved.

    A signed-in facilitator sees the page again (status 400) with what was typed, and a message
    beside the form saying it was not saved and to try again; the page carries a new token. A
    request's page shown this way is audited as a view, as every showing is. Anyone else (signed
    out, a read-only account) and any other form (sign in, sign out, import) get the "form has
    expired" page, which leads to sign in. The token is checked before ``require_facilitator``
    runs, so the account is looked up here. The sign-in warning's script, which asks for JSON, is
    answered in JSON (``warning_not_checked``)."""
    facilitator = signed_in_now()
    forget_refused_form()  # a form sent (as in ``admit``, which a form refused here never reaches)
    if request.endpoint in WARNING_FORMS and request.accept_mimetypes.best == "application/json":
        return warning_not_checked(facilitator)
    if g.get("csrf_site_unknown"):
        # Nothing said the form came from this site: sent again, it would be refused again, so not the
        # page again with "try again" (found, regression review), but why, with what was typed (not a
        # sign-in's email address, soon typed again: as for a 429).
        kept = [] if request.endpoint == "inbox.sign_in" else typed_text.typed_text_kept()
        return render_error(400, csrf_failure=True, kept=kept)
    again = sent_again()
    if again is not None:
        return again
    if (
        request.endpoint == "inbox.sign_in"
        and facilitator is not None
        and service.find_facilitator(request.form.get("email", "")) == facilitator
    ):
        # Signed in already, as this account: the sign-in sent again once the first's answer had
        # come (a second click on a slow page), with the new cookie and the old page's token.
        return go_on_to(safe_next(request.args.get("next"), facilitator), code=303)
    show = NOT_CHECKED_PAGES.get(request.endpoint or "")
    if facilitator is None and (request.endpoint == "inbox.sign_out" or session_expired()):
        tell_other_tabs()  # signed out already (its time ran out, the account closed)
    # Nor, drawn again, for an account that must first choose its own password (found, regression
    # review: a form sent without a good token drew the request's whole page, and whoever had typed
    # the password could read any request whose reference they knew).
    if show is None or facilitator is None or facilitator.reads_statistics_only or facilitator.must_change_password:
        return render_error(400, csrf_failure=True, kept=typed_text.typed_text_kept())
    g.facilitator = facilitator
    try:
        page = show(**(request.view_args or {}))
    except HTTPException:  # no such request or session: the "form has expired" page, with what was typed
        return render_error(400, csrf_failure=True, kept=typed_text.typed_text_kept())
    if isinstance(page, Response):
        return page  # (a redirect with a message: the session was cancelled meanwhile)
    return page, 400


def sent_again(meanwhile: bool = False) -> Response | None:
    """Signing in, changing your password or staying signed in, sent a second time a moment after
    the first (a double click, Enter pressed twice, or a second click on a slow page, with
    JavaScript off: with it on, GOV.UK Frontend's button, ``preventDoubleClick``, ignores a second
    click within a second, not one later), and so with the cookie of the session the first
    replaced: on to where the first went, in the session it started, and nothing done again (no
    second sign-in, password change or audit entry). Before, it was "This form has expired", and
    its answer deleted the cookie, so the facilitator was signed out again.

    Only within ``sessions.REPEAT_GRACE`` of the first, while its session lasts (not once signed
    out), and only for the same form proving the same account's password again: the password given
    (the new one, for a password change) is checked as the sign-in page checks one, limited, counted
    by the lockout and a failure audited (``password_given_again``), so a copy of the old cookie,
    planted before the sign-in or stolen, is no more use than the password alone. Else None: the
    form has expired.

    ``meanwhile``: the two were sent at once, and this one found the first had claimed the session
    (``sessions.claim_the_new_id``) as it read it: the account is read again (its password may have
    just changed), and the first's session waited for a moment."""
    if meanwhile:
        db.session.expire_all()
    held = repeat_of()
    if held is None or request.endpoint not in PASSWORD_GIVEN_AGAIN:
        return None
    facilitator, _why = service.session_facilitator(held.get(FACILITATOR_KEY), held)
    if facilitator is None or not facilitator.active:
        return None
    try:
        proved = password_given_again(facilitator)
    except RateLimitExceeded as error:
        return make_response(render_error(429, wait=wait_words(limit_hit(error))))
    if not proved:
        return None
    carry_on_in_replacement()
    log.info("Inbox form sent again a moment after it was done: on to where it went")
    if request.endpoint == "inbox.confirm_sign_in":
        then = request.form.get("then") if form_endpoint(request.form.get("then")) else None
        return go_on_to(where_confirming_went(request.values.get("next"), then, facilitator), code=303)
    # The first's answer, with the known-device token it gave, may never have reached the browser
    # (it had moved on to this one): given again, as that token was given with the password as now.
    return remember_device(
        go_on_to(
            safe_next(request.args.get("next") if request.endpoint == "inbox.sign_in" else None, facilitator),
            code=303,
        ),
        facilitator,
    )


def password_given_again(facilitator: Facilitator) -> bool:
    """Whether the form sent again (``sent_again``) gives ``facilitator``'s password, checked as the
    sign-in page checks one, as it may come from whoever else holds the old cookie (planted before
    the sign-in, or copied): within the visitor's limit (``password_checks``: raises
    ``RateLimitExceeded`` once it is used up) and counted by the account's lockout first (not
    checked while it is locked); for the sign-in form, with the address typed, whichever it is,
    so the answer takes as long for any (found: only the account's was checked, which told
    whoever planted the cookie which account had signed in); a wrong one audited as a failed
    sign-in. Found: none of this was done, so the moment after a sign-in gave unrecorded guesses,
    even at a locked account. (The form sent twice by its own browser gives the right password.)"""
    # The visitor's limit, as the view's decorator checks it (the view does not run when the form's
    # token is refused, as it is with the old cookie): a password that fails is counted after it.
    # (Flask-Limiter's own check; start-up fails if a version without it is installed: app.rate_limits.)
    limiter._check_request_limit(in_middleware=False)
    email = request.form.get("email", "") if request.endpoint == "inbox.sign_in" else facilitator.email
    password = request.form.get(PASSWORD_GIVEN_AGAIN[request.endpoint or ""], "")
    if not email.strip() or not password:
        return False  # (guesses nothing: not counted, as on the sign-in page)
    lockout = current_lockout()
    device = known_device(email)
    locked_for = lockout.begin_attempt(email, device)  # counted before the password is checked
    proved = None if locked_for else service.password_signs_in(email, password)
    if proved is None:
        g.sign_in_tried = True  # (counted, as any password that failed: ``password_checks``)
        password_refused(email, locked_for, "form sent again", "", detail=service.SENT_AGAIN_FAILED)
        return False
    lockout.clear(email, device=device)  # (right for the address typed: as the sign-in page does)
    return proved.id == facilitator.id


def form_sent_twice_refused() -> tuple[str, int]:
    """The same form sent twice at once, the first from another account, or since signed out: what
    any form sent with a session gone gets (the "form has expired" page)."""
    return render_error(400, csrf_failure=True, kept=typed_text.typed_text_kept())


# The forms that start a new session id, each with the field holding the account's password once done.
PASSWORD_GIVEN_AGAIN = {
    "inbox.sign_in": "password",
    "inbox.confirm_sign_in": "password",
    "inbox.change_password": "new_password",
}


PAGE_OUT_OF_DATE = "This page is out of date. Copy anything you have typed, then reload the page"


# The forms the sign-in warning's script sends, asking for JSON: confirming the password, and
# signing in again once signed out (``signed_out_answer``).
WARNING_FORMS = frozenset({"inbox.confirm_sign_in", "inbox.sign_in"})


def warning_not_checked(facilitator: Facilitator | None) -> tuple[Response, int]:
    """The sign-in warning's password (static/src/app.js) sent with a security token out of date:
    its session ended (signed out in another tab, the account closed), or was replaced (signed in
    again in another tab). Found: it was answered with the "form has expired" page, which the
    script cannot read, so it said only "We could not check your password"."""
    if facilitator is None:
        return signed_out_answer()
    return jsonify(error=PAGE_OUT_OF_DATE), 400


def signed_out_answer() -> tuple[Response, int]:
    """The warning's script, its session signed out meanwhile (the idle limit passed, say, while
    the warning was open): a session holding no sign-in is offered to sign in again there, with its
    new security token (``sign_in``: the password is checked there, as on the sign-in page), so what
    was typed on the page stays. Found (review): "Copy anything you have typed, then reload the
    page", and the half-written note was lost. (A sign-in ended otherwise is said as before.) The
    offer is an answer the script acts on, as a wrong password is, not a failure: 200."""
    if FACILITATOR_KEY in session:
        return jsonify(error=SIGNED_OUT_ALREADY), 403
    return jsonify(error=SIGNED_OUT_SIGN_IN_AGAIN, sign_in=True, csrf_token=fresh_csrf_token()), 200


# The free text each inbox form posts: given back on the "form has expired" page to a facilitator
# signed out meanwhile (usually for inactivity), and on the "problem with the service" page when
# the database did not answer, to copy before leaving it (``app.typed_text``).
# A session's form: its date and time too (found, facilitator review: only the place came back).
SESSION_TYPED_TEXT = (
    ("date-day", "Day"),
    ("date-month", "Month"),
    ("date-year", "Year"),
    ("start_time", "Start time (UK time)"),
    ("place", "The joining instructions or place"),
)
INBOX_TYPED_TEXT: dict[str, tuple[tuple[str, str], ...]] = {
    "inbox.add_note": (("text", "Your note"),),
    "inbox.change_status": (("reason", "Your reason"),),
    "inbox.arrange_session": SESSION_TYPED_TEXT,
    "inbox.find_by_email": (("email", "The work email you searched for"),),
    "inbox.session_page": SESSION_TYPED_TEXT,
}
for _endpoint, _fields in INBOX_TYPED_TEXT.items():
    typed_text.register(_endpoint, _fields)
# The password page carries one of those forms (sent once the sign-in's hours were up) as its own
# fields: their text is given back too when the page's form cannot be saved (its token out of
# date: the idle limit passed, or the account was closed, meanwhile; or the password was changed).
typed_text.register(
    "inbox.confirm_sign_in", tuple(dict.fromkeys(field for fields in INBOX_TYPED_TEXT.values() for field in fields))
)
# The sign-in form's email address (never its password) is given back too: found (hard-to-break
# review, against gunicorn), a sign-in sent as the database failed lost it, since the sign-in page
# itself is the same problem page until the database is back.
typed_text.register("inbox.sign_in", (("email", "Your email address"),))


@when_not_checked("inbox.change_status")
def status_not_checked(reference: str) -> str:
    """The request page again, with the status form as it was posted."""
    form = StatusForm()
    form.status.errors = [STATUS_NOT_CHECKED]
    return render_request_page(stored_request(reference), status_form=form)


@when_not_checked("inbox.assign")
def assignment_not_checked(reference: str) -> str:
    """The request page again, with the facilitator chosen still chosen."""
    form = AssignForm()
    form.facilitator.errors = [ASSIGNMENT_NOT_CHECKED]
    return render_request_page(stored_request(reference), assign_form=form)


@when_not_checked("inbox.add_note")
def note_not_checked(reference: str) -> str:
    """The request page again, with the note as it was typed."""
    form = NoteForm()
    form.text.errors = [NOTE_NOT_CHECKED]
    return render_request_page(stored_request(reference), note_form=form)


@when_not_checked("inbox.delete_note")
def delete_note_not_checked(reference: str, note_id: str) -> Response | str:
    """ "Are you sure?" again, saying the note was not deleted (or, if it has gone meanwhile, who deleted it)."""
    stored = stored_request(reference)
    found = service.find_note(stored, note_id)
    if found is None:
        return note_gone(stored, note_id)
    return render_delete_note_page(stored, *found, problem=NOTE_NOT_DELETED)


# --- finding a practitioner's requests by their work email --------------------------------------

SEARCH_NOT_CHECKED = "The search has not been made because the form had expired. Select Find requests to try again"


# The address last searched for, kept in this sign-in's server-side session (never in a URL) so
# the results can be shown by a GET (``find_by_email``): {"email", "at" (when searched), and,
# until the results are first shown, "audited" (the references the search's audit entry named)}:
# ``EMAIL_SEARCH_KEY`` (app/web.py).
# How long the address searched for is kept, from the search: long enough to open the requests
# found and come Back to the list, not so long that it stays once the search is done with.
EMAIL_SEARCH_KEPT_SECONDS = 10 * 60


@bp.route("/find-by-email", methods=["GET", "POST"])
def find_by_email() -> Response | str:
    """Every stored request sent with a work email, to answer a practitioner's subject access or
    erasure request (docs/FACILITATORS.md): the list searches by reference only.

    The address is posted, never put in a URL (so never in a browser's history or a server's
    access log), and the results are shown by a GET that the post redirects to (Post/Redirect/
    Get): found (usability review), while the results were the answer to the post, a refresh, or
    Back from a request found, asked to send the form again. The address waits for that GET in
    this sign-in's server-side session (``EMAIL_SEARCH_KEY``), for ``EMAIL_SEARCH_KEPT_SECONDS``;
    signing out clears it, and a GET with none kept shows the empty form. The match is the
    request page's "other requests with the same work email": the whole address, its case and
    the spaces around it aside. Each search, and each later showing of its results, is audited
    (``service.record_email_search``: who, when, how many found, and in each found request's
    trail), never with the address (the entry for the search has its keyed tag), which is never
    logged either. An empty or malformed
    address is refused with what was typed kept."""
    if request.method == "POST":
        return search_by_email()
    form = FindByEmailForm(formdata=None)
    refused = refused_form()
    if refused is not None:  # a search refused (``search_by_email``): the address as typed, and why
        form.email.data = str(refused.get("email", ""))
        form.email.errors = [str(error) for error in refused.get("errors", [])]
        return render_find_by_email_page(form)
    kept = kept_email_search()
    if kept is None:
        return render_find_by_email_page(form)
    form.email.data = kept["email"]
    found = service.requests_with_email(kept["email"])
    if request.method == "HEAD":  # nothing is sent, so nothing is shown or audited (as for a request's page)
        return render_find_by_email_page(form, found)
    references = [reference for reference, _status, _received in found]
    audited = None
    if "audited" in kept:  # the first showing after the search: its audit entry may stand for it
        audited = kept.pop("audited")
        session[EMAIL_SEARCH_KEY] = kept  # each later showing is audited
    if audited != references:  # not the results the search was audited with (or a later showing)
        service.record_email_search(references, current_facilitator(), kept["email"])
    return render_find_by_email_page(form, found)


def search_by_email() -> Response | str:
    """The search posted: audited, and its address kept for the results page; or the form again,
    with what was typed and why it was refused (and no earlier search's results)."""
    session.pop(EMAIL_SEARCH_KEY, None)
    form = FindByEmailForm()
    if not form.validate_on_submit():
        # Shown by the page's GET (as the results are), so Back or a reload never sends it again.
        return show_refused_form({"email": (form.email.data or "")[:1000], "errors": list(form.email.errors)})
    # (As typed, to show back; searched and tagged as ``service.address_as_searched`` takes it.)
    email = service.with_plain_apostrophes(form.email.data or "")
    references = [reference for reference, _status, _received in service.requests_with_email(email)]
    service.record_email_search(references, current_facilitator(), email)
    session[EMAIL_SEARCH_KEY] = {"email": email, "at": time.time(), "audited": references}
    return redirect(url_for("inbox.find_by_email"), code=303)


def kept_email_search() -> dict[str, Any] | None:
    """The search kept for the results page (``EMAIL_SEARCH_KEY``), or None: none was made, or it
    was made more than ``EMAIL_SEARCH_KEPT_SECONDS`` ago (then it is forgotten)."""
    kept = session.get(EMAIL_SEARCH_KEY)
    if (
        isinstance(kept, dict)
        and isinstance(kept.get("email"), str)
        and isinstance(at := kept.get("at"), int | float)
        and 0 <= time.time() - at <= EMAIL_SEARCH_KEPT_SECONDS
    ):
        return dict(kept)
    if kept is not None:
        session.pop(EMAIL_SEARCH_KEY, None)
    return None


def render_find_by_email_page(form: FindByEmailForm, found: list[tuple[str, str, Any]] | None = None) -> str:
    """The search page: the form, with its error (beside the field and in the summary), and the
    requests found (None: no search made)."""
    errors = error_summary([form.email])
    return render_template(
        "inbox/find_by_email.html",
        form=form,
        found=found,
        retention_days=sessions.retention_days(),
        errors=errors,
        has_errors=bool(errors),
    )


@when_not_checked("inbox.find_by_email")
def search_not_checked() -> str:
    """The search page again, with the address as it was typed, saying no search was made; an
    earlier search's results are not shown again after it, as after a search refused."""
    session.pop(EMAIL_SEARCH_KEY, None)
    form = FindByEmailForm()
    form.email.errors = [SEARCH_NOT_CHECKED]
    return render_find_by_email_page(form)


@bp.get("/guide")
def guide() -> str:
    """The guide for facilitators (docs/FACILITATORS.md)."""
    title, body = guide_html(idle_minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))
    # Our own docs/FACILITATORS.md turned into HTML (app.inbox.guide), not anyone's input.
    return render_template("inbox/guide.html", title=title, body=Markup(body))  # noqa: S704


# --- import -----------------------------------------------------------------------------------


accepts_files("inbox.import_request")


@bp.route("/import", methods=["GET", "POST"])
def import_request() -> Response | str:
    """Upload a request PDF that arrived by email: store it, or find it if it is already here.

    One this service cannot tell it made (no signature of its own) is refused, and the page asks
    again with a checkbox: chosen again with "I have checked where this PDF came from" ticked, it
    is imported, marked so (``service.import_request``)."""
    form = ImportForm()
    ask_origin = bool(form.origin_checked.data)  # (ticked, it stays shown if the upload is refused)
    if form.validate_on_submit():
        pdf = form.pdf.data.read()
        try:
            imported = read_request_pdf(pdf)
            stored, created = service.import_request(
                imported, current_facilitator(), origin_checked=bool(form.origin_checked.data)
            )
        except NotChecked as problem:
            form.pdf.errors = [str(problem)]
            ask_origin = True
        except ImportProblem as problem:
            form.pdf.errors = [str(problem)]
        except InvalidRequest as problem:
            log.info("An imported request was refused: %s", problem)
            form.pdf.errors = [BAD_DATA]
        else:
            if created:
                # An answer from an earlier version of the questions is said, with how it is shown.
                note = earlier_answers_note(stored.details)
                flash(f"Request {stored.reference} imported" + (f". {note}" if note else ""), SUCCESS)
                # The request page it lands on is the import's, as after any other action: its
                # audit entry is the import (found: "Imported", then "Viewed", for one action).
                return acted_on(stored)
            differs = service.copy_differs(imported, stored)
            flash(
                f"Request {stored.reference} was already in the inbox, so nothing was added"
                + (
                    f". The PDF you uploaded does not match it (different: {', '.join(differs)}). The request "
                    "below is the one this service received: check where that PDF came from"
                    if differs
                    # (Said here too: found, acceptance review, only the audit trail said so.)
                    else ". The PDF you uploaded matches it"
                ),
                IMPORTANT,
            )
            return redirect(url_for("inbox.request_page", reference=stored.reference))
    if request.method == "POST" and form.pdf.errors:
        # Refused: shown by the page's GET, as every inbox form's refusal is (a file cannot be
        # kept, nor chosen again for the person: only the message is).
        return show_refused_form({"errors": [str(error) for error in form.pdf.errors], "ask_origin": ask_origin})
    if request.method == "GET" and (kept := refused_form()) is not None and isinstance(kept.get("errors"), list):
        form.pdf.errors = [str(error) for error in kept["errors"]]
        ask_origin = kept.get("ask_origin") is True
    return render_import_page(form, ask_origin)


def render_import_page(form: ImportForm, ask_origin: bool = False) -> str:
    """The import page, with the form's error (if any) beside the field and in the summary, and
    with ``ask_origin`` the checkbox saying where the PDF came from was checked (never ticked for
    the facilitator: a file cannot be kept, so it is chosen again, and the box ticked again)."""
    errors = error_summary([form.pdf])
    return render_template(
        "inbox/import.html", form=form, errors=errors, has_errors=bool(errors), ask_origin=ask_origin
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Response | tuple[str, int]:
    """A file over the import's limit: the import page again, with the GOV.UK message on the
    field (status 200, as for the import's other errors), for a facilitator who may import; the
    general "too large" page (413) for anyone else and any other inbox route.

    The body is never read (it is over the limit), so the form is built without it: nothing
    typed is lost, as a file input cannot be filled in again anyway.
    """
    if request.endpoint == "inbox.import_request":
        facilitator = signed_in_now()
        if facilitator is not None and not facilitator.reads_statistics_only:
            read_rest_of_body()
            g.facilitator = facilitator  # require_facilitator has not run: the form was read first (CSRF)
            form = ImportForm(formdata=None)
            form.pdf.errors = [TOO_LARGE]
            return render_import_page(form), 200  # like the import's other errors: the page, with its message
        if facilitator is None:
            # Signed out meanwhile (the idle time, or in another tab): said so, not "make it smaller"
            # about a file within the import's limit (administrator review: that, or the offline page).
            read_rest_of_body()
            flash(IMPORT_NEEDS_SIGN_IN, IMPORTANT)
            return redirect(url_for("inbox.sign_in", next=url_for("inbox.import_request")))
    read_rest_of_body()
    return render_error(413)


IMPORT_NEEDS_SIGN_IN = "The file was not imported, because you are not signed in. Sign in, then import it again"
