"""The request's views: details pages, the identifying-data warning, check your answers,
submit, the submitted page, the request PDF and the supervision record.

Routes (blueprint ``requests``, prefix ``/request``):
  GET       /request                          details            (entry: the first page still to do)
  GET/POST  /request/about-you                about_you          (and one route per page in fields.PAGES)
  GET/POST  /request/check-what-you-wrote     identifying        (the identifying-data warning)
  GET       /request/check-answers            check
  POST      /request/submit                   submit
  GET       /request/submitted                submitted
  GET       /request/submitted/pdf-status     pdf_status (is the PDF made yet: for the page's script)
  GET       /request/submitted/request.pdf    download_pdf
  GET       /request/supervision-record        supervision_record (asks for it; "being made", or the download)
  GET       /request/supervision-record/status supervision_record_status (is it made yet: for the page's script)
  GET       /request/supervision-record.pdf    supervision_record_download

Session keys (besides the wizard's ``answers`` and ``journey_token``):
  ``request_details``      what was typed or chosen on each page, until submitted
  ``request_pages_done``   slugs of pages saved with valid answers (to resume at the right page)
  ``request_details_mode`` the journey's mode when they were typed (``forget_answers_of_another_mode``)
  ``request_confirmed``    fingerprint of the free text the person confirmed identifies no one
  ``request_guarded``      what the identifying-data check found in that text when a page was last
                           posted (``service.guard_record``: used only for exactly that text)
  ``submitted_reference``  the reference this session submitted (submitted page and PDF only, and
                           only until a new journey begins: ``just_submitted``)
  ``submitted_mode``       its mode, for what the pages say of its copy in this browser (one PDF,
                           or two in supervision: ``kept_for_a_while``)
  ``supervision_record``   the key of the supervision record this browser asked for, and what it
                           was made from (``app.supervision_record``)

A form whose security token (CSRF) is missing or out of date saves and sends nothing: the page
is shown again (400) with what was posted and an error summary saying it was not saved
(``form_not_checked``), unless the journey it belonged to is no longer there to go back to.
Send request sends only what its check your answers page showed (the form carries a keyed digest
of it, ``shown_digest``): sent from a page shown before the answers or details changed (in another
tab, or come back to with Back), or from a form that does not say what it showed, it sends nothing
and shows the page again as it now stands (409); a page made by another version of the service, or
with other rules, is said to have been out of date (``made_before_now``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, g, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from .. import typed_text
from ..audit import REQUESTER, record_event
from ..errors import SITE_UNKNOWN, render_error
from ..extensions import limiter
from ..journey import (
    CONFIRMED_KEY,
    DETAILS_KEY,
    DETAILS_MODE_KEY,
    DONE_KEY,
    DRAFT_REQUEST_KEYS,
    GIVEN_KEY,
    GUARD_KEY,
    NOT_SENT_ARG,
    NOTICE_KEY,
    SENT_WITHOUT_CHANGE,
    SENT_WITHOUT_DETAILS,
    SUBMITTED_KEY,
    SUBMITTED_MODE_KEY,
    clear_journey,
    current_state,
    has_journey,
    journey_token,
    journey_url,
    just_submitted,
    moved_by_an_update,
    noted_from_answers,
    notice_no_request,
    notice_out_of_order,
    set_notice,
    start_with_no_answers,
    summary_answers,
)
from ..mail import pdf_filename
from ..models import utcnow
from ..pack import current_contacts, current_pack, outcome_contacts
from ..rate_limits import WAITS, SiteWideLimitExceeded, limit_hit, limit_period, wait_words
from ..rules import JourneyState, evaluate
from ..rules.model import MODES
from ..sessions import not_the_persons_activity, session_expired, session_expired_page
from ..supervision_record import ask_for_record, digest_of, drop_record, forget_record, this_browsers_record
from ..uk_time import uk_day, uk_today
from ..web import (
    error_summary,
    forget_refused_form,
    pdf_download,
    refused_form,
    refused_form_holds,
    show_refused_form,
)
from ..wizard.views import notice_text
from . import bp, fields
from .document import detail_rows, in_sentence, request_document, request_sections
from .fields import FIELDS_BY_NAME, PAGE_OF_FIELD, PAGES, PAGES_BY_SLUG, SECTIONS, Page, Words
from .forms import FORMS, ConfirmForm, DetailsForm, SubmitForm, page_inputs
from .guard import Finding, around
from .service import (
    IncompleteRequest,
    find_by_reference,
    guard_record,
    identifying_findings,
    journey_complete,
    submit_request,
    supervision_record_html,
)

# Endpoints that do not need a journey at the eligible outcome.
log = logging.getLogger(__name__)
OPEN_ENDPOINTS = {
    "requests.submitted",
    "requests.pdf_status",
    "requests.download_pdf",
    "requests.supervision_record",
    "requests.supervision_record_status",
    "requests.supervision_record_download",
}


# --- session helpers ---------------------------------------------------------------------


def stored_details() -> dict[str, Any]:
    """The details typed so far (a copy)."""
    details = session.get(DETAILS_KEY)
    return dict(details) if isinstance(details, dict) else {}


# Text over a field's limit is kept (so the page can show it, to be shortened) up to this many
# times the limit: enough for anything pasted by mistake, never megabytes in a session.
KEEP_OVER_LIMIT = 10


def kept(name: str, value: str) -> str:
    """What is kept of a posted value: all of it, unless it is far over its field's limit."""
    entry = FIELDS_BY_NAME.get(name)
    if entry is None or entry.limit <= 0 or not isinstance(value, str):
        return value
    return value[: entry.limit * KEEP_OVER_LIMIT]


# A details page's form carries this: a short digest of each of its fields as it was stored when the
# page was shown (``details_shown``), so that what was changed since in another tab or window is not
# silently replaced by a page left open (``changed_since_shown``). Found (stale pages review): "how
# soon" put back to "Flexible" over "Within 2 weeks", and a newer reflection replaced by an older.
DETAILS_SHOWN_FIELD = "details_shown"
# A details page's Back is a button of its form, named so: what was typed is kept as it goes back.
GO_BACK_FIELD = "go_back"


def _stored_value(details: Mapping[str, Any], name: str) -> str:
    value = details.get(name)
    return value if isinstance(value, str) else ""


def _short_digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def details_shown(page: Page, details: Mapping[str, Any]) -> str:
    """Each of ``page``'s fields with a short digest of its stored value: "name:digest,...". Not
    keyed: the page shows the values it covers."""
    return ",".join(f"{name}:{_short_digest(_stored_value(details, name))}" for name in page.fields)


def changed_since_shown(
    page: Page, shown: str, details: Mapping[str, Any], sent: Mapping[str, str], other_mode: bool = False
) -> list[str]:
    """The fields of ``page`` (by name; a month and year as one) whose stored value changed since
    the page was shown (``shown``, as ``details_shown`` wrote it) to other than what was ``sent``
    now: the same value sent twice (a form sent again), or a field not changed since, is no
    conflict; nor one the answers sent do not ask (a follow-up question no longer shown), nor, the
    page shown in the other mode (``other_mode``), one asked in other words there (it is asked
    again: ``asked_in_other_words``). Found (regression review: each was refused, to no one's sight)."""
    was = dict(part.partition(":")[::2] for part in shown.split(",") if ":" in part)
    answers = {**details, **sent}
    return [
        entry.name
        for entry in page.entries
        if entry.asked(answers)
        and not (other_mode and entry.mode_bound)
        and any(
            name in was
            and was[name] != _short_digest(now := _stored_value(details, name))
            and kept(name, sent.get(name, "")) != now
            for name in entry.inputs
        )
    ]


def changed_elsewhere_message(name: str, details: Mapping[str, Any], mode: str) -> str:
    """What a field changed in another tab since its page was shown says, over what was sent here."""
    entry = FIELDS_BY_NAME.get(name)
    now = _stored_value(details, name)
    if entry is not None and entry.kind in fields.TYPED_KINDS:
        return (
            "Not saved yet: this was changed in another tab or window after this page was shown. What you typed "
            "on this page is below: check it, then continue to save it in place of the other"
        )
    label = entry.choices(mode).get(now) if entry is not None and now else None
    said = f" to “{label}”" if label else ""
    return (
        f"Not saved yet: this was changed{said} in another tab or window after this page was shown. Check the "
        "answer here, then continue to save it"
    )


def save_page(page: Page, values: dict[str, str], valid: bool, shown_in: str | None = None) -> None:
    """Keep what was posted for a page (even when it failed validation: nothing typed is lost,
    short of ``KEEP_OVER_LIMIT`` times a field's limit). A page about the person
    (``Page.checked_again``) notes the mode its answers were given in (``note_given``): the mode
    it was shown in (``shown_in``, if it says), else the journey's now. Given in another mode than
    the journey's now (a page shown before who is using this changed, in another tab), they are
    kept, not done: the page is asked again, saying why (``to_check_again``)."""
    details = stored_details()
    details.update({name: kept(name, value) for name, value in values.items()})
    session[DETAILS_KEY] = details
    mode = session.get(DETAILS_MODE_KEY)
    if page.checked_again is not None and isinstance(mode, str):
        given_in = shown_in if shown_in in MODES else mode
        note_given(page, details, given_in)
        if given_in != mode:
            valid = False
    done = [slug for slug in session.get(DONE_KEY, []) if slug != page.slug]
    session[DONE_KEY] = [*done, page.slug] if valid else done


def keep_typed(page: Page, values: dict[str, str], valid: bool) -> None:
    """Keep what was posted for a page without taking it as checked (``save_page`` without the note
    of the mode it was given in): the page stays done only while what it holds is valid."""
    details = stored_details()
    details.update({name: kept(name, value) for name, value in values.items()})
    session[DETAILS_KEY] = details
    if not valid:
        session[DONE_KEY] = [slug for slug in session.get(DONE_KEY, []) if slug != page.slug]


def forget_answers_of_another_mode(mode: str) -> None:
    """If the journey's mode has changed since the details were typed (who is using this, changed
    from check your answers), forget the answers whose question meant something else in the
    other mode (``Field.mode_bound``), and their pages, so they are asked again. (The pages about
    the person are kept: ``to_check_again`` asks them again, as their answers were given in the
    other mode.)"""
    was = session.get(DETAILS_MODE_KEY)
    if was == mode:
        return
    session[DETAILS_MODE_KEY] = mode
    if was is None:
        return
    bound = [entry for entry in fields.FIELDS if entry.mode_bound]
    details = stored_details()
    for entry in bound:
        details.pop(entry.name, None)
    session[DETAILS_KEY] = details
    pages = {entry.page for entry in bound}
    done = [slug for slug in session.get(DONE_KEY, []) if slug not in pages]
    noted = session.get(GIVEN_KEY)
    for page in PAGES:
        # A page to ask again is not done (so what it sends is saved, as a page's first answers
        # are); one back in the mode its answers were given in is done again, if they stand.
        if page.checked_again is None or not any(details.get(name) for name in page.fields):
            continue
        if not (isinstance(noted, dict) and page.slug in noted):
            note_given(page, details, was)  # (answers saved before these notes: given in the mode they were)
        if given_elsewhere(page, details, mode):
            done = [slug for slug in done if slug != page.slug]
        elif page.slug not in done and not page.check(details, uk_today(), mode):
            done.append(page.slug)
    session[DONE_KEY] = done


# Who is using this changed after the pages about the person were answered: their answers are the
# person's own in one mode and the practitioner's in the other, so they are kept and asked again,
# saying so, before the request can go (``Page.checked_again``). Found (untidy-use review): a
# manager who first answered as a practitioner sent their own details as the practitioner's; and
# (three regression reviews) pages sent from a tab shown before the change, refused or not, empty
# then, or after switching back, and two tabs saving at the same moment, each passed unasked. So
# each save notes, for its page, the mode its answers were given in with a digest of them as
# saved (``note_given``), merged page by page as the details are merged field by field
# (app.journey); a page is asked again when its answers are not those noted, or were noted in the
# other mode. However two tabs' saves are merged, the answers kept are asked again unless they are
# exactly what was given in the journey's mode.


def page_digest(page: Page, details: Mapping[str, Any]) -> str:
    """A digest of the page's answers as ``details`` hold them."""
    values = [details.get(name, "") for name in page.fields]
    return hashlib.sha256(json.dumps(values, ensure_ascii=True, default=str).encode()).hexdigest()[:20]


def note_given(page: Page, details: Mapping[str, Any], mode: str) -> None:
    """Note that ``page``'s answers, as ``details`` hold them now, were given in ``mode``."""
    noted = session.get(GIVEN_KEY)
    given = dict(noted) if isinstance(noted, dict) else {}
    given[page.slug] = {"mode": mode, "digest": page_digest(page, details)}
    session[GIVEN_KEY] = given


def given_elsewhere(page: Page, details: Mapping[str, Any], mode: str) -> bool:
    """Whether the page about the person is to be asked again in ``mode``: it has answers, and
    they are not those noted as given in ``mode``. (Answers noted by no save, from a session
    before these notes, are as given.)"""
    if page.checked_again is None or not any(details.get(name) for name in page.fields):
        return False
    noted = session.get(GIVEN_KEY)
    given = noted.get(page.slug) if isinstance(noted, dict) else None
    if not isinstance(given, dict):
        return False
    return given.get("mode") != mode or given.get("digest") != page_digest(page, details)


# A page's answers not those noted, though noted in the journey's mode: two tabs saved the page at
# the same moment, each part of it (found, regression review: "You changed who is using this
# tool" was said when no one had).
SAVED_IN_TWO_TABS = Words(
    "These details were saved in two tabs at the same moment, so some may be from each. Check they are right, "
    "and change any that are not.",
    "These details were saved in two tabs at the same moment, so some may be from each. Check they are the "
    "practitioner's own, and change any that are not.",
)


def why_asked_again(page: Page, state: JourneyState) -> Words | None:
    """What the page says of being asked again (``to_check_again``): given in the other mode
    (``Page.checked_again``), or saved in two tabs at once (``SAVED_IN_TWO_TABS``)."""
    noted = session.get(GIVEN_KEY)
    given = noted.get(page.slug) if isinstance(noted, dict) else None
    if isinstance(given, dict) and given.get("mode") == state.mode:
        return SAVED_IN_TWO_TABS
    return page.checked_again


def to_check_again(state: JourneyState) -> list[str]:
    """The pages of this journey to be asked again because their answers were given in the other
    mode (who is using this changed since) or are not those given, in order."""
    details = stored_details()
    return [page.slug for page in applicable_pages(state) if given_elsewhere(page, details, state.mode)]


def needs_confirmation(details: dict[str, Any]) -> bool:
    """Free text (as it will be stored) with identifying-looking data not confirmed as it stands.
    What the check found is remembered by a page posted (whose session is saved anyway), for check
    your answers and sending (``service.guard_record``); a page shown only reads it."""
    remembered = session.get(GUARD_KEY)
    check = guard_record(details, current_state().debrief, remembered)
    if request.method == "POST" and check != remembered:
        session[GUARD_KEY] = check
    return bool(check["found"]) and session.get(CONFIRMED_KEY) != check["text"]


def after_details(details: dict[str, Any], came_from: Page | None = None, changing: bool = False) -> str:
    """After the last page (or a change): the warning if it is needed, else check your answers.
    ``came_from``: the page just saved, which the warning's Back link returns to (``changing``:
    as a change from check your answers)."""
    if not needs_confirmation(details):
        return url_for("requests.check")
    if came_from is None:
        return url_for("requests.identifying")
    args: dict[str, Any] = {"from": came_from.slug}
    if changing:
        args["change"] = "1"
    return url_for("requests.identifying", **args)


def applicable_pages(state: JourneyState) -> tuple[Page, ...]:
    """The pages this journey asks (the event page only with the pack's debrief criterion)."""
    return fields.pages_for(state.debrief)


@bp.before_request
def require_eligible_journey() -> Response | None:
    """Only a journey at the eligible outcome (with its confirmation) may fill in a request."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if session_expired():
        return redirect(session_expired_page())
    state = current_state()
    if journey_complete(state):
        forget_answers_of_another_mode(state.mode)
        return None
    if request.method == "POST" and typed_text.typed_text_kept():
        return form_no_longer_fits(state, checked=True)  # (what was typed would be lost on the way)
    if just_submitted():
        # Back, reload or a second tab after submitting: the journey has been cleared.
        return redirect(url_for("requests.submitted"))
    if not has_journey():  # a fresh browser (a bookmark, a link sent), or Back after Exit this page
        return redirect(url_for("wizard.question", question_id=start_with_no_answers("request")))
    # At an outcome that is not a request (the answers changed since, in this tab or another):
    # its page says no request was sent; part way through, the next question says to answer in order.
    if state.outcome is not None:
        if not notice_no_request():
            return redirect(f"{url_for('wizard.result')}?{NOT_SENT_ARG}=1")
    else:
        notice_out_of_order(state, no_request=True)
    return redirect(journey_url(state))


# --- the details pages ---------------------------------------------------------------------


@bp.get("")
def details() -> Response:
    """Entry from the outcome page: the first page not yet done, else check your answers. When
    every other page is done (a changed answer asks one page again, or one more: who is using
    this changed, say, or the debrief was ticked), that page is asked as a change, so it leads
    back to check your answers, as check your answers' own redirect does, not through every
    page already done."""
    state = current_state()
    done = session.get(DONE_KEY, [])
    problems = fields.check_details(stored_details(), state.debrief, uk_today())
    again = to_check_again(state)
    pages = applicable_pages(state)
    for page in pages:
        if page.slug not in done or page.slug in problems or page.slug in again:
            others_done = all(
                other.slug in done
                for other in pages
                if other.slug not in problems and other.slug not in again and other != page
            )
            return redirect(url_for(page.endpoint, change="1") if others_done and done else url_for(page.endpoint))
    return redirect(after_details(stored_details()))


def page_view(slug: str) -> Response | str:
    """One details page: show it with what was typed before, or save what was posted."""
    page = PAGES_BY_SLUG[slug]
    state = current_state()
    pages = applicable_pages(state)
    if page not in pages:
        return redirect(url_for("requests.details"))
    changing = request.args.get("change") == "1"
    if request.method == "POST":
        form = FORMS[slug](mode=state.mode)
        shown = request.form.get(DETAILS_SHOWN_FIELD)
        other_mode = bool(form.asked_in.data) and form.asked_in.data != state.mode
        conflicts = changed_since_shown(page, shown, stored_details(), form.values(), other_mode) if shown else []
        if conflicts:
            # Sent from the page as shown before another tab changed these: not saved over them.
            # What was sent here is shown again (nothing typed is lost), each such field saying so;
            # sent from that page, it is saved as ever.
            sent_here = {name: kept(name, value) for name, value in form.values().items()}
            shown_in = form.asked_in.data if form.asked_in.data in MODES else state.mode
            return show_refused_form({"typed": sent_here, "shown_in": shown_in, "changed_elsewhere": conflicts})
        asked_again = asked_in_other_words(page, form, state.mode)
        valid = form.validate() and not asked_again
        for name in asked_again:
            form[name].errors = [ASKED_IN_OTHER_WORDS]
        refused_change = changing and not valid and page.slug in session.get(DONE_KEY, [])
        if request.form.get(GO_BACK_FIELD):
            # Back, which sends the page's form: what was typed is kept, done or not, and the
            # page before is shown (errors show when this page is opened again). Found
            # (practitioner review): Back was a link, and 1,188 characters typed into the reflection
            # were lost without a word. A change refused from check your answers is given up (not
            # kept), as opening check your answers gives it up: the answers given before still stand.
            if refused_change:
                return redirect(back_url_of(page, state, pages, changing))
            if refused_form_holds("changed_elsewhere"):
                # Back from the page refused for answers changed in another tab: what was typed here
                # is kept with the refusal, shown again when the page is, not saved over the other
                # tab's, which only Continue does, as the page says (found, regression review).
                held = refused_form(keep=True) or {}
                show_refused_form({**held, "typed": {name: kept(name, value) for name, value in form.values().items()}})
                return redirect(back_url_of(page, state, pages, changing))
            if page.slug in to_check_again(state):
                # A page to check again (who is using this changed) is not checked by Back: what
                # was typed is kept, and it is still to be checked (found, regression review: Back
                # on "About you", unchanged, took a manager's own details as the practitioner's).
                keep_typed(page, form.values(), valid)
            else:
                save_page(page, form.values(), valid, shown_in=form.asked_in.data)
                if valid:
                    forget_refused_form()
            return redirect(back_url_of(page, state, pages, changing))
        if refused_change:
            # A change from check your answers, refused: the answers given before still stand (and
            # Back still leads to check your answers), and what was typed is shown with its errors,
            # on a reload too, until this page is saved or check your answers opened. Found
            # (manager's review): the refused change replaced them, and check your answers led
            # only back to it, so it could not be given up.
            shortened = {name: kept(name, value) for name, value in form.values().items()}  # (as save_page does)
            if page.checked_again is not None and form.asked_in.data in MODES and form.asked_in.data != state.mode:
                # Typed on the page as shown in the other mode (a tab from before who is using this
                # changed): the page is shown again with the notice (found, regression review: with
                # its error only, then taken as checked once the error was put right).
                note_given(page, stored_details(), form.asked_in.data)
            shown_in = form.asked_in.data if form.asked_in.data in MODES else state.mode
            return show_refused_form({"asked_again": asked_again, "typed": shortened, "shown_in": shown_in})
        save_page(page, form.values(), valid, shown_in=form.asked_in.data)
        if valid and page.slug in to_check_again(state):
            # Sent from the page as shown before who is using this changed (another tab): kept,
            # and shown again as it now reads, saying why, to be checked.
            return redirect(url_for(page.endpoint, change="1"))
        if valid:
            forget_refused_form()  # (a change refused before, kept to show again: done with)
            following = pages[pages.index(page) + 1 :]
            if changing:  # the warning, if it comes, leads back here
                return redirect(after_details(stored_details(), page, changing=True))
            if not following:
                return redirect(after_details(stored_details()))
            return redirect(url_for(following[0].endpoint))
        # Refused: what was typed is kept (``save_page``); its errors show on the page's GET.
        return show_refused_form({"asked_again": asked_again})
    values = fields.page_values(stored_details(), page)
    # A page refused for answers changed in another tab keeps what was sent, on a reload too, until
    # it is saved (found, regression review: in the first pass a reload showed the other tab's).
    refused = refused_form(keep=changing or refused_form_holds("changed_elsewhere"))
    typed = refused.get("typed") if refused is not None else None
    if isinstance(typed, dict):  # a change refused (above): what was typed, over what stands
        values = {**values, **{name: value for name, value in typed.items() if name in page.fields}}
    form = FORMS[slug](formdata=None, data=values, mode=state.mode)
    # Why the answers kept need changing: just refused, or stored before (e.g. a refused submit).
    if refused is not None or any(values.values()):
        form.validate()
        form.csrf_token.errors = []
    for name in refused.get("asked_again", []) if refused is not None else []:
        if isinstance(name, str) and name in page.fields:
            form[name].errors = [ASKED_IN_OTHER_WORDS]
    for name in refused.get("changed_elsewhere", []) if refused is not None else []:
        if isinstance(name, str) and name in page.fields:
            form[name].errors = [changed_elsewhere_message(name, stored_details(), state.mode), *form[name].errors]
    not_sent = bool(refused is not None and refused.get("not_sent"))
    # What was typed, given back, was typed on the page as shown in the other mode: said so, as the
    # note of it may have gone (another tab saving the page at the same moment: regression review).
    typed_elsewhere = (
        isinstance(typed, dict) and refused is not None and refused.get("shown_in") not in (None, state.mode)
    )
    return render_page(page, form, state, pages, changing, not_sent=not_sent, typed_elsewhere=typed_elsewhere)


def asked_in_other_words(page: Page, form: DetailsForm, mode: str) -> list[str]:
    """The page's questions that ask something else in ``mode`` than in the mode the page was shown
    in (``Field.mode_bound``; who is using this changed since, in another tab): what was sent for
    them answered the other question, so it is not kept (their names, to ask them again)."""
    if not form.asked_in.data or form.asked_in.data == mode:
        return []  # (a page without the field, from before it was added: as it was)
    names = [entry.name for entry in page.entries if entry.mode_bound]
    for name in names:
        form[name].data = None
    return names


def render_page(
    page: Page,
    form: DetailsForm,
    state: JourneyState,
    pages: tuple[Page, ...],
    changing: bool,
    not_saved: bool = False,
    not_sent: bool = False,
    typed_elsewhere: bool = False,
) -> str:
    """A details page with its error summary, back link and wording for the journey's mode;
    ``not_saved``: the post's security token failed, so the summary says nothing was saved;
    ``not_sent``: Send request was pressed on a page shown before this page had to be answered or
    checked again, so nothing was sent."""
    errors = error_summary(form)
    if not_saved:
        first = form[page.fields[0]]
        why = f"Nothing on this page was saved. {SITE_UNKNOWN}" if g.get("csrf_site_unknown") else None
        errors.insert(0, {"text": why or PAGE_NOT_SAVED.for_mode(state.mode), "href": f"#{first.id}"})
    if not_sent:
        first = form[page.fields[0]]
        errors.insert(0, {"text": NOT_SENT_ANSWER_FIRST.for_mode(state.mode), "href": f"#{first.id}"})
    back_url = back_url_of(page, state, pages, changing)
    again = to_check_again(state)
    action = url_for(page.endpoint, change="1") if changing else url_for(page.endpoint)
    inputs = page_inputs(form, page, state.mode)
    form.asked_in.data = state.mode  # (the words it is shown in now, not those a post was sent from)
    return render_template(
        page.template,
        details_shown_field=DETAILS_SHOWN_FIELD,
        details_shown=details_shown(page, stored_details()),
        form=form,
        errors=errors,
        has_errors=bool(errors),
        inputs=inputs,
        back_url=back_url,
        go_back_field=GO_BACK_FIELD,
        action=action,
        mode=state.mode,
        page=page,
        supervision=state.mode == "supervision",
        contacts_list=current_contacts(),
        check_again=(
            page.checked_again if typed_elsewhere else why_asked_again(page, state) if page.slug in again else None
        ),
    )


def back_url_of(page: Page, state: JourneyState, pages: tuple[Page, ...], changing: bool) -> str:
    """Where a details page's Back leads: check your answers for a change to a page done, else the
    page before it in the journey, or the outcome before the first."""
    index = pages.index(page)
    if changing and page.slug in session.get(DONE_KEY, []) and page.slug not in to_check_again(state):
        return url_for("requests.check")
    # (A page a change added, not done yet, or one to check again: check your answers would only
    # send the person back here, so Back goes where it would in the journey.)
    return url_for(pages[index - 1].endpoint) if index > 0 else url_for("wizard.result")


def _label_in_mode(entry: fields.Field) -> str:
    """``entry``'s label as its page words it in the journey's mode ("What would the practitioner
    like to reflect on?" in supervision: diff review), for the text given back on the "problem
    with the service" page; a practitioner's when the session cannot be read (the database may be
    what failed)."""
    try:
        mode = current_state().mode
    except Exception:  # noqa: BLE001 — on an error page: any fault here means the mode is not known
        mode = None
    return entry.label.for_mode(mode or "practitioner").removesuffix(" (optional)")


for _page in PAGES:
    bp.add_url_rule(
        f"/{_page.slug}",
        endpoint=_page.endpoint.split(".", 1)[1],
        view_func=page_view,
        methods=["GET", "POST"],
        defaults={"slug": _page.slug},
    )
    # Its free text, given back on the "problem with the service" page if the database fails as it is sent.
    typed_text.register(
        _page.endpoint,
        (
            (entry.inputs if len(entry.inputs) > 1 else entry.name, functools.partial(_label_in_mode, entry))
            for entry in fields.FIELDS
            if entry.page == _page.slug and entry.kind in fields.TYPED_KINDS
        ),
    )


# --- identifying data, check your answers, submit ----------------------------------------


@bp.route("/check-what-you-wrote", methods=["GET", "POST"])
def identifying(not_saved: bool = False) -> Response | str:
    """What looks like identifying information, and why it matters: change it, or confirm.
    ``not_saved``: the confirmation's security token failed, so it is not kept, and the page
    says so (``form_not_checked``)."""
    details = stored_details()
    state = current_state()
    debrief = state.debrief
    # Only answers the pages accept are checked: text over its limit goes back to its page first.
    problems = fields.check_details(details, debrief, uk_today())
    if problems:
        return redirect(url_for(PAGES_BY_SLUG[next(iter(problems))].endpoint))
    findings = identifying_findings(details, debrief)
    mode = state.mode
    if not findings:
        return redirect(url_for("requests.check"))
    form = ConfirmForm()
    listed = listed_digest(findings)
    # Only what the page listed is confirmed. Found (review): a warning left open in one tab while
    # the text was changed in another (a phone number and an NHS number added) confirmed the new
    # findings, never shown on the page confirmed, and the request went with them "confirmed".
    out_of_date = (
        request.method == "POST"
        and not not_saved
        and not hmac.compare_digest((form.listed.data or "").encode(), listed.encode())
    )
    if request.method == "POST" and not not_saved and not out_of_date and form.validate():
        check = guard_record(details, debrief, findings=findings)
        session[CONFIRMED_KEY] = check["text"]
        session[GUARD_KEY] = check
        return redirect(url_for("requests.check"))
    form.listed.data = listed
    errors = []
    if not_saved:
        errors = [{"text": CONFIRMATION_NOT_SAVED.for_mode(mode), "href": "#confirm"}]
    elif out_of_date:
        errors = [{"text": CONFIRMATION_OUT_OF_DATE.for_mode(mode), "href": "#confirm"}]
    found = [
        {
            "field": name,
            "label": FIELDS_BY_NAME[name].short_name(mode),
            "change_label": in_sentence(FIELDS_BY_NAME[name].short_name(mode)),
            "findings": [
                {"text": item.text, "reason": finding_reason(item, mode), **around(details.get(name), item)}
                for item in items
            ],
            # To the input itself (GOV.UK: a link to a question ends "#" and the input's id), which
            # the browser scrolls to and focuses, with or without JavaScript, not the page's top.
            "change_url": url_for(PAGE_OF_FIELD[name].endpoint, change="1", _anchor=name),
        }
        for name, items in findings.items()
    ]
    page = render_template(
        "requests/identifying.html",
        found=found,
        # A name among them: the page says what to write instead (not initials).
        names_found=any(item.kind == "person_name" for items in findings.values() for item in items),
        form=form,
        errors=errors,
        has_errors=bool(errors),
        back_url=warning_back_url(applicable_pages(state)),
    )
    return make_response(page, 409) if out_of_date else page


def listed_digest(findings: Mapping[str, Sequence[Finding]]) -> str:
    """What the identifying-data warning lists (each field's findings, as shown), keyed with the
    app's secret and the journey's token: its form carries it, and the confirmation is kept only
    if the text still gives what the page listed."""
    listed = [journey_token(), [[name, [item.text for item in items]] for name, items in findings.items()]]
    text = json.dumps(listed, ensure_ascii=True)
    return hmac.new(str(current_app.secret_key).encode(), text.encode(), hashlib.sha256).hexdigest()


def warning_back_url(pages: tuple[Page, ...]) -> str:
    """The warning's Back link: the page whose text led to it (``?from=``, as a change with
    ``change=1``), else the last details page."""
    came_from = PAGES_BY_SLUG.get(request.args.get("from", ""))
    if came_from is None or came_from not in pages:
        return url_for(pages[-1].endpoint)
    if request.args.get("change") == "1":
        return url_for(came_from.endpoint, change="1")
    return url_for(came_from.endpoint)


def finding_reason(finding: Finding, mode: str) -> str:
    """Why a finding matters, and (for a phone number or email address) where the person's
    own work details go instead, worded for ``mode``."""
    note = fields.OWN_DETAILS_NOTES.get(finding.kind)
    return f"{finding.reason} {note.for_mode(mode)}" if note is not None else finding.reason


# The form of ``shown_digest``: raised whenever what it covers, or how, changes, so that a page
# made before is said to be out of date (``made_before_now``), not to show answers changed since.
DIGEST_FORM = "2"


def shown_digest(state: JourneyState, details: dict[str, Any]) -> str:
    """What check your answers shows (the journey, its answers and mode, the rules version and the
    details as they will be sent), as a digest keyed with the app's secret: its form carries it,
    and Send request sends only if the session still holds what the page showed. Keyed, so that
    the page (or anything that sees the form) cannot be used to try answers against it. Written
    "form:rules version:digest" (``DIGEST_FORM``, ``made_before_now``)."""
    shown = [
        journey_token(),
        state.mode,
        state.pack.version,
        state.answers,
        fields.clean_details(details, state.debrief),
        *([again] if (again := to_check_again(state)) else []),  # (never shown, so never sent)
    ]
    text = json.dumps(shown, sort_keys=True, ensure_ascii=True, default=str)
    keyed = hmac.new(str(current_app.secret_key).encode(), text.encode(), hashlib.sha256).hexdigest()
    return f"{DIGEST_FORM}:{state.pack.version}:{keyed}"


def made_before_now(shown: str, state: JourneyState) -> bool:
    """Whether a posted ``shown_digest`` was made by another version of the service (another
    form, or none: a page from before the digest was written so, or before the check) or with
    other rules (``state.pack.version``): its page was out of date, whatever the answers."""
    form, _, rest = shown.partition(":")
    rules, _, _ = rest.rpartition(":")
    return form != DIGEST_FORM or rules != state.pack.version


@bp.get("/check-answers")
def check(
    not_sent: bool = False, refused: Words | None = None, changed: bool = False, out_of_date: bool = False
) -> Response | str:
    """Check your answers: the journey's answers and the details, each with a change link.
    ``not_sent``: the submission's security token failed, so nothing was sent, and the page
    says so (``form_not_checked``); ``refused``: why sending was refused (``too_many_requests``);
    ``changed``: the answers or details changed after the page was sent from had been shown
    (another tab, or Back), so nothing was sent (``submit``); ``out_of_date``: that page was made
    by another version of the service or with other rules (``made_before_now``)."""
    state = current_state()
    details = stored_details()
    if request.method == "GET" and (kept := refused_form()) is not None:
        # Send request refused as the answers changed since the page was shown (``submit``).
        changed, out_of_date = bool(kept.get("changed")), bool(kept.get("out_of_date"))
    problems = fields.check_details(details, state.debrief, uk_today())
    again = to_check_again(state)  # (who is using this changed since they were answered)
    if problems or again:
        first = next(page for page in applicable_pages(state) if page.slug in problems or page.slug in again)
        done = set(session.get(DONE_KEY, []))
        if all(
            page.slug in done
            for page in applicable_pages(state)
            if page.slug not in problems and page.slug not in again
        ):
            # Every other page is done (a change of answers now asks one more, say when the
            # significant event was): that page, then straight back here, Back leading here too.
            return redirect(url_for(first.endpoint, change="1"))
        return redirect(url_for(first.endpoint))
    if needs_confirmation(details):
        return redirect(url_for("requests.identifying"))
    journey_rows = []
    for reason in state.explanation():
        key = short_title(reason.question_id, reason.question, state.mode)
        journey_rows.append(
            {
                "key": key,
                "change_label": in_sentence(key),
                "values": summary_answers(reason.question_id, reason.answers),
                "question_id": reason.question_id,
            }
        )
    preview = fields.clean_details(details, state.debrief)
    errors = [{"text": REQUEST_NOT_SENT.for_mode(state.mode), "href": "#send-request"}] if not_sent else []
    if changed:
        errors = [{"text": CHANGED_SINCE_SHOWN.for_mode(state.mode), "href": "#send-request"}]
    if out_of_date:
        errors = [{"text": PAGE_OUT_OF_DATE.for_mode(state.mode), "href": "#send-request"}]
    if refused is not None:
        errors = [{"text": refused.for_mode(state.mode), "href": "#send-request"}]
    form = SubmitForm()
    form.checked.data = shown_digest(state, details)  # (never what a refused post carried)
    return render_template(
        "requests/check.html",
        errors=errors,
        has_errors=bool(errors),
        refused=refused is not None,
        journey_rows=journey_rows,
        sections=SECTIONS,
        detail_sections=detail_rows(preview, state.mode, with_changes=True),
        form=form,
        mode=state.mode,
        **noted_from_answers(state),
        notice=notice_text(),
        back_url=url_for(applicable_pages(state)[-1].endpoint),
    )


def short_title(question_id: str, fallback: str, mode: str) -> str:
    """A question's short wording for summaries (its full title if it has none)."""
    question = current_pack().question(question_id)
    return question.short.for_mode(mode) if question is not None else fallback


def _request_sent(response: Response) -> bool:
    """Whether this post stored the submission (it goes on to the submitted page): not the same
    journey sent again (a double click without JavaScript), which stores nothing more (found,
    practitioner review: each repeat counted against the office's limit)."""
    return (
        response.status_code == 302
        and (response.location or "").endswith("/request/submitted")
        and bool(g.get("request_created", True))
    )


def submit_limit() -> str:
    """Requests sent per visitor address (``REQUEST_SUBMIT_LIMIT``); only those stored count."""
    return str(current_app.config["REQUEST_SUBMIT_LIMIT"])


@bp.get("/submit")
def submit_opened() -> Response:
    """The address "Send request" posts to, opened: the sent page if this browser's request went,
    else check your answers (found, regression review: the offline page's "Try this page again",
    after a send while the service was down, opened it and met "you cannot do that on this page",
    not knowing whether the request had gone). Nothing is sent by opening it."""
    if just_submitted():
        return redirect(url_for("requests.submitted"))
    return redirect(url_for("requests.check"))


@bp.post("/submit")
@limiter.limit(submit_limit, deduct_when=lambda response: _request_sent(response))
def submit() -> Response | tuple[str, int]:
    """Store the request (once per journey), then show the submitted page. Only what the page
    sent from showed: if the answers or details changed since (in another tab, or the page was
    come back to with Back), check your answers again as it now stands, saying nothing was sent."""
    state = current_state()
    # A post without it (a page from before this check, during an upgrade, or a script) cannot
    # say what it showed, so nothing is sent; nor from a page made before an upgrade (or a change
    # of rules), said to be out of date: its answers may not have changed (found: it was told so).
    shown = request.form.get("checked", "")
    # (As bytes: compared as text, one with letters other than a to z, from a changed page, raised.)
    if not hmac.compare_digest(shown.encode(), shown_digest(state, stored_details()).encode()):
        # Check your answers again, as it now stands, saying why nothing was sent: by a redirect
        # (found, practitioner review: answered on the POST, its Back gave "Confirm Form
        # Resubmission", and a reload sent it again). Details to finish or confirm first go there.
        out_of_date = made_before_now(shown, state)
        page = check(changed=not out_of_date, out_of_date=out_of_date)
        if isinstance(page, Response):  # details to finish, or to confirm, first: there (nothing is sent)
            going_to = (page.location or "").split("?", 1)[0]
            if going_to in {url_for(other.endpoint) for other in PAGES}:
                # A details page to answer or check first says the request was not sent (found,
                # regression review: after who is using this changed in another tab, Send request
                # led to "About you", saying only to check the details).
                return show_refused_form({"not_sent": True}, page.location)
            return page
        return show_refused_form({"changed": not out_of_date, "out_of_date": out_of_date}, url_for("requests.check"))
    try:
        submission = submit_request(
            current_pack(),
            state.answers,
            session.get("journey_token"),
            stored_details(),
            session.get(CONFIRMED_KEY),
            remembered_check=session.get(GUARD_KEY),
        )
    except IncompleteRequest as problem:
        return not_ready(problem, state)
    # Stored: should saving the session now fail, the "service problem" page says so (app/errors.py).
    g.request_stored = True
    g.request_created = submission.created
    clear_journey()
    for key in DRAFT_REQUEST_KEYS:
        session.pop(key, None)
    session[SUBMITTED_KEY] = submission.reference  # not .request.reference: that reloads the row
    session[SUBMITTED_MODE_KEY] = submission.mode
    return redirect(url_for("requests.submitted"))


# --- a form whose security token failed ----------------------------------------------------

# Why nothing was saved, in the error summary of the page shown again (as the question pages
# say it, ``app.wizard.messages.NOT_SAVED``): the practitioner's words, then a manager's.
_WHY = "because the page had been open for a long time or the service was used in another tab"
PAGE_NOT_SAVED = Words(
    f"Your answers on this page were not saved {_WHY}. Check your answers and select Continue",
    f"The practitioner's answers on this page were not saved {_WHY}. "
    "Check the practitioner's answers and select Continue",
)
# The confirmation is given by whoever is at the keyboard, in either mode (the page says "you").
# The warning confirmed was listing other findings than the text now gives (changed in another tab).
CONFIRMATION_OUT_OF_DATE = Words(
    "Your confirmation was not saved: what was written changed after this page was shown, for example in "
    "another tab. Check what is listed now, and select Continue again if it does not identify anyone"
)
CONFIRMATION_NOT_SAVED = Words(
    f"Your confirmation was not saved {_WHY}. "
    "Check what you wrote, and select Continue again if it does not identify anyone"
)
# A question whose meaning depends on who is using this (``asked_in_other_words``), sent from a page
# shown before that changed: said by the question, which is now in its new words.
ASKED_IN_OTHER_WORDS = (
    "Who is using this changed after this page was shown, so this question has changed. Answer it again"
)
CHANGED_SINCE_SHOWN = Words(
    "Your request has not been sent: your answers changed after this page was shown, for example "
    "in another tab. Check your answers and select Send request",
    "The practitioner's request has not been sent: the answers changed after this page was shown, "
    "for example in another tab. Check the answers and select Send request",
)
PAGE_OUT_OF_DATE = Words(
    "Your request has not been sent: this page was out of date, as the service was updated after it was shown. "
    "Check your answers again and select Send request",
    "The practitioner's request has not been sent: this page was out of date, as the service was updated "
    "after it was shown. Check the answers again and select Send request",
)
NOT_SENT_ANSWER_FIRST = Words(
    "Your request has not been sent: this page needs answering or checking first. Check it and select Continue",
    "The practitioner's request has not been sent: this page needs answering or checking first. Check it and "
    "select Continue",
)
REQUEST_NOT_SENT = Words(
    f"Your request has not been sent {_WHY}. Check your answers and select Send request",
    f"The practitioner's request has not been sent {_WHY}. Check the answers and select Send request",
)


# Send request refused by a rate limit counted per address (an office network may share one):
# REQUEST_SUBMIT_LIMIT (requests sent, over hours and a day) or the site-wide limit on pages
# (RATELIMIT_DEFAULT, over a minute or an hour). The wait is the limit's own period; the answers
# are kept only while the session lasts (SESSION_IDLE_MINUTES idle), which the message says
# whenever the wait may be longer. (Where to reach the facilitators is on the page, if set.)
TOO_MANY = Words(
    "Your request has not been sent: many {what} from your organisation's network in the last "
    "{period}. {kept} Wait {wait}, then select Send request again",
    "The practitioner's request has not been sent: many {what} from your organisation's network in "
    "the last {period}. {kept} Wait {wait}, then select Send request again",
)
SENT_WHAT = "requests have been sent to the facilitators"
OPENED_WHAT = "pages of this service have been opened"
KEPT = Words("Your answers are kept.", "The answers are kept.")
KEPT_FOR_A_WHILE = Words(
    "Your answers are kept for {idle} after you last use this service, so copy anything you wrote "
    "that you would not want to write again.",
    "The answers are kept for {idle} after you last use this service, so copy anything written "
    "that you would not want to write again.",
)
_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "month": 2592000, "year": 31536000}


def _limit_refusal(error: Exception) -> Words:
    """The wording for Send request refused by a rate limit: which one (requests sent, or pages
    opened: ``SiteWideLimitExceeded``), over what period, how long to wait, and whether the
    answers last that long."""
    item = limit_hit(error)
    what = OPENED_WHAT if isinstance(error, SiteWideLimitExceeded) else SENT_WHAT
    granularity, multiples = limit_period(item)
    period = granularity if multiples == 1 else f"{multiples} {granularity}s"
    wait = wait_words(item) if item is not None else WAITS["day"]
    idle_minutes = int(current_app.config["SESSION_IDLE_MINUTES"])
    idle = f"{idle_minutes} minute{'s' if idle_minutes != 1 else ''}"
    kept = KEPT_FOR_A_WHILE if _SECONDS.get(granularity, 86400) * multiples > idle_minutes * 60 else KEPT

    def words(mode: str) -> str:
        return TOO_MANY.for_mode(mode).format(
            what=what, period=period, wait=wait, kept=kept.for_mode(mode).format(idle=idle)
        )

    return Words(words("practitioner"), words("supervision"))


@bp.errorhandler(429)
def too_many_requests(error: Exception) -> tuple[Response | str, int]:
    """Over a rate limit: for Send request, check your answers again saying the request was not
    sent, that the answers are kept and how long to wait (the site-wide limit on pages counts
    over a minute, REQUEST_SUBMIT_LIMIT over hours and a day); anything else, the site's "too
    many attempts" page."""
    if request.endpoint == "requests.submit" and journey_complete(current_state()):
        page = check(refused=_limit_refusal(error))
        if isinstance(page, Response):  # details still to finish: there first (nothing is sent)
            return page, page.status_code
        return page, 429
    return render_error(429, wait=wait_words(limit_hit(error)))


@bp.errorhandler(CSRFError)
def form_not_checked(error: CSRFError) -> Response | tuple[str, int]:
    """A post whose security token is missing or out of date: save and send nothing.

    While the journey is still at the eligible outcome, the same page again (400): a details
    page with what was posted in its fields, the identifying-data warning unconfirmed, or check
    your answers with nothing sent; each with an error summary saying so. The token is checked
    before ``require_eligible_journey`` runs, so the journey is looked at here: a session that
    ran out gets the "form has expired" page, which says the answers were cleared (as before);
    a journey cleared or begun again elsewhere (another tab) gets a page that says that."""
    if session_expired():
        # The answers went with the session; what this page's form carried is given back to copy.
        return render_error(400, csrf_failure=True, kept=typed_text.typed_text_kept())
    if g.get("csrf_site_unknown") and request.endpoint in ("requests.identifying", "requests.submit"):
        # Nothing said the form came from this site: sent again, it would be refused again, so not
        # "check and send again" (found, regression review); a details page says so on itself.
        not_sent = "Your request has not been sent." if request.endpoint == "requests.submit" else None
        return render_error(400, csrf_failure=True, description=not_sent, kept=typed_text.typed_text_kept())
    state = current_state()
    if not journey_complete(state):
        if just_submitted() and not typed_text.typed_text_kept():
            return redirect(url_for("requests.submitted"))  # sent from another tab: nothing more to do here
        return form_no_longer_fits(state)
    page: Response | str
    slug = (request.view_args or {}).get("slug")
    if request.endpoint == "requests.identifying":
        page = identifying(not_saved=True)
    elif request.endpoint == "requests.submit":
        page = check(not_sent=True)
    elif isinstance(slug, str) and slug in PAGES_BY_SLUG:
        page = page_not_saved(PAGES_BY_SLUG[slug], state)
    else:
        return render_error(400, csrf_failure=True)
    if isinstance(page, Response):
        return page  # (something else needs doing first: where it is, as a GET would go)
    return page, 400


def form_no_longer_fits(state: JourneyState, checked: bool = False) -> Response:
    """A request page's form sent when the journey is no longer asking for a session (the request
    was sent, or the answers changed or were cleared, in another tab): nothing saved, and the free
    text it carried given back to copy (400). But a details page sent after an update of the rules
    added a question before the request (its security token ``checked``): what it carried is kept
    (not yet done), and the question is next, saying so."""
    url = journey_url(state) if has_journey() else None
    # (found, regression review: a page sent after an update of the rules was said to be out of
    # date because of another tab)
    rules_updated = url is not None and moved_by_an_update(state)
    if rules_updated and state.outcome is None:
        # A question added on the way: the page the link leads to says so (found, second
        # regression review: it said nothing there), and that no request has been sent.
        notice_out_of_order(state, no_request=True)
        slug = (request.view_args or {}).get("slug")
        if checked and url is not None and isinstance(slug, str) and slug in PAGES_BY_SLUG:
            # Found (rules maintainer's review): what was typed was given back only to copy, "it
            # is not kept anywhere else", under "This form has expired"; the details pages saved
            # before were kept. It is kept with them, and shown again after the question.
            sent = FORMS[slug](mode=state.mode)
            save_page(PAGES_BY_SLUG[slug], sent.values(), valid=False, shown_in=sent.asked_in.data)
            session[NOTICE_KEY] = {**session.get(NOTICE_KEY, {}), "details_kept": True}
            return redirect(url, 303)
    page = render_template(
        "requests/form_expired.html",
        journey_url=url,
        rules_updated=rules_updated,
        question_added=rules_updated and state.outcome is None,
        sent=just_submitted() is not None,
        kept=typed_text.typed_text_kept(),
    )
    return make_response(page, 400)


def page_not_saved(page: Page, state: JourneyState) -> Response | str:
    """A details page again with what was posted in its fields (not checked, not kept)."""
    pages = applicable_pages(state)
    if page not in pages:
        return redirect(url_for("requests.details"))
    form = FORMS[page.slug](mode=state.mode)
    return render_page(page, form, state, pages, request.args.get("change") == "1", not_saved=True)


def not_ready(problem: IncompleteRequest, state: JourneyState) -> Response | tuple[str, int]:
    """A submission the server refused: send the person to what needs doing, never a 500."""
    if problem.where == "details" and problem.pages:
        return redirect(url_for(PAGES_BY_SLUG[problem.pages[0]].endpoint))
    if problem.where == "identifying":
        return redirect(url_for("requests.identifying"))
    return render_template("requests/not_ready.html", journey_url=journey_url(state)), 400


# --- after submission ----------------------------------------------------------------------


def submitted_request() -> Any:
    """The request this session has just submitted, or None."""
    reference = just_submitted()
    return find_by_reference(reference) if reference else None


def no_request_here() -> tuple[str, int]:
    """The page for the submitted page or its PDF opened with no request sent from this browser
    just now (a bookmark, another browser, a session that ran out): what that means and what to
    do, instead of a bare "Page not found". 404, as there is nothing at this address for this
    browser; a request that was sent is safe, and its acknowledgement has the reference."""
    config = current_app.config
    acknowledged = bool(config.get("SEND_ACKNOWLEDGEMENTS") and config.get("FACILITATOR_EMAIL"))
    return render_template("requests/no_request.html", acknowledged=acknowledged), 404


def after_a_new_start() -> Response | None:
    """Once a new journey has begun, the last request's confirmation and PDF are no longer shown
    (they would read as if the new journey had been sent): back to where the new journey stands,
    saying, once, that the earlier request was sent and what its reference is. None otherwise."""
    if not has_journey():
        return None
    reference = session.pop(SUBMITTED_KEY, None)
    session.pop(SUBMITTED_MODE_KEY, None)
    if isinstance(reference, str):
        set_notice("earlier_request", reference=reference)
    return redirect(journey_url(current_state()))


# How long after sending the submitted page stops saying the PDF "usually takes less than a
# minute" and says it is taking longer than usual (the script's 2 minutes: static/src/app.js).
PDF_SLOW_AFTER = dt.timedelta(minutes=2)


@bp.get("/submitted")
def submitted() -> Response | str | tuple[str, int]:
    """The reference, what happens next, the PDF download and the request as HTML."""
    moved_on = after_a_new_start()
    if moved_on is not None:
        return moved_on
    stored = submitted_request()
    if stored is None:
        return no_request_here()
    if request.method != "HEAD":  # nothing is sent, so nothing is viewed (as in the inbox)
        record_event("viewed", stored.reference, REQUESTER, "submitted page")
    document = request_document(stored)
    # An answer changed, or details typed, in another tab as this request was sent: said each time
    # this page is shown (both tabs come here, and the one that changed the answer may come last:
    # found, review of two tabs, the other took the notice and this one said only "Request sent").
    notice = session.get(NOTICE_KEY)
    notice = notice if isinstance(notice, dict) else {}
    kind = notice.get("kind")
    went_to = notice.get("led_to") if kind == SENT_WITHOUT_CHANGE else None  # (the answers that went: where they led)
    led_to = current_pack().outcome(went_to) if isinstance(went_to, str) else None
    led_to_contacts = outcome_contacts(led_to, stored.mode) if led_to is not None else []
    return render_template(
        "requests/submitted.html",
        # The PDF not made 2 minutes after sending (the outbox worker stopped, or behind): the page
        # says it is taking longer than usual, as the script says after 2 minutes on the page.
        # Found (dependency review): without JavaScript, a page reloaded after the worker had
        # stopped said "This usually takes less than a minute" however long it had been.
        pdf_slow=stored.pdf_made_at is None and utcnow() - stored.created_at > PDF_SLOW_AFTER,
        change_not_saved=kind == SENT_WITHOUT_CHANGE,
        led_to=led_to,
        led_to_contacts=led_to_contacts,
        details_not_saved=kind == SENT_WITHOUT_DETAILS,
        request_row=stored,
        document=document,
        sections=request_sections(document, audience="requester"),  # worded for them, as check your answers
        mode=stored.mode,
    )


@bp.get("/submitted/pdf-status")
def pdf_status() -> Response:
    """Whether the request's PDF is made yet, for the submitted page's script, which asks every
    few seconds and then offers the download without a reload: ``{"ready": true}``. Nothing of
    the request is in it (so it is not an audited view); the "page not found" page (404) for a
    browser that sent none. The
    asking is not the person's activity: it does not keep the copy (the timeout warning's)."""
    not_the_persons_activity()
    stored = submitted_request()
    if stored is None:
        abort(404)  # the service's page (not a blank one) for an address opened in a browser
    response = jsonify(ready=stored.pdf_made_at is not None)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/submitted/request.pdf")
def download_pdf() -> Response | tuple[str, int]:
    """The request PDF, only for the session that submitted it (back to the submitted page
    until the outbox worker has made it: nothing slow happens inside a request)."""
    moved_on = after_a_new_start()
    if moved_on is not None:
        return moved_on
    stored = submitted_request()
    if stored is None:
        return no_request_here()
    if stored.pdf_made_at is None or not stored.pdf:  # the outbox worker has not made it yet
        return redirect(url_for("requests.submitted", _anchor="your-copy"), 303)
    if request.method != "HEAD":  # a HEAD sends no file: nothing is downloaded
        record_event("pdf_downloaded", stored.reference, REQUESTER)
    return pdf_download(stored.pdf, pdf_filename(stored.reference))


def supervision_record_limit() -> str:
    """Supervision records asked for per visitor address (``SUPERVISION_RECORD_LIMIT``)."""
    return str(current_app.config["SUPERVISION_RECORD_LIMIT"])


def a_record_was_asked_for(_response: Response) -> bool:
    """Whether this request stored a new supervision record: only those count towards the limit
    (looking again at one being made, or asking again with the same answers, does not)."""
    return bool(g.get("supervision_record_asked"))


@dataclass
class RecordSource:
    """What a supervision record is made from: the journey (or the sent request's) answers."""

    state: JourneyState
    from_stored: str | None  # the stored request's reference, once the journey is cleared
    digest: str
    back_url: str


def record_source() -> RecordSource | Response:
    """What this browser's supervision record is made from, or where to send it instead (a
    journey not at an outcome in supervision, an expired session, no journey)."""
    state = current_state()
    reference = just_submitted()
    from_stored = None
    if state.outcome is None and reference:
        stored = find_by_reference(reference)
        if stored is not None:
            state = evaluate(current_pack(), stored.answers)
            from_stored = stored.reference
    if state.outcome is None or state.mode != "supervision":
        if session_expired():  # the outcome page's link, after the idle time: say why, as every journey page does
            return redirect(session_expired_page())
        if from_stored is not None:
            # The request sent from this browser, not in supervision: its page, which a new check
            # would remove (found, regression review: the record's link, opened after sending, began
            # one, saying there were no answers here).
            return redirect(url_for("requests.submitted"))
        if not has_journey():
            return redirect(url_for("wizard.question", question_id=start_with_no_answers("record")))
        if state.mode == "supervision":  # a supervision journey that has not reached its outcome
            notice_out_of_order(state)
        # Otherwise the record is not for this journey (it is for journeys done in supervision):
        # back to where the journey stands, without the "answer in order" notice, which would mislead.
        return redirect(journey_url(state))
    answers = state.answers if from_stored is None else {}
    digest = digest_of(state.mode, state.pack.version, answers, from_stored)
    back_url = url_for("requests.submitted") if reference else url_for("wizard.result")
    return RecordSource(state, from_stored, digest, back_url)


def record_not_made(source: RecordSource) -> tuple[str, int]:
    """The branded "could not be made, try again" page, offering the page to print instead; the
    failed record is forgotten, so the next ask makes a new one."""
    forget_record()
    return render_template(
        "requests/record_unavailable.html",
        what="supervision_record",
        back_url=source.back_url,
        from_request=source.from_stored is not None,
    ), 503


@bp.get("/supervision-record")
@limiter.limit(supervision_record_limit, deduct_when=a_record_was_asked_for)
def supervision_record() -> Response | str | tuple[str, int]:
    """Ask for the supervision record (for a journey in supervision mode at any outcome): its
    HTML is made here and stored for the outbox worker, which makes the PDF (nothing slow inside
    a web request); this page says it is being made ("Check again" is this page), and once made
    offers the download. The same answers reuse the record already asked for."""
    source = record_source()
    if isinstance(source, Response):
        return source
    record = this_browsers_record(source.digest)
    if record is None and request.method != "HEAD":  # a HEAD (a link checker, a preview) asks for nothing
        # Cheap (a template): the PDF itself is the worker's. No case details and no free text:
        # only the rule pack's wording for these answers.
        record, asked = ask_for_record(
            supervision_record_html(source.state, utcnow(), source.from_stored), source.digest
        )
        g.supervision_record_asked = asked  # (not when another tab asked for it at the same moment)
    if record is not None and record.failed_at is not None:
        return record_not_made(source)
    made = record is not None and record.made_at is not None
    # Not made 2 minutes after it was asked for (the outbox worker stopped, or behind): the page
    # says so without JavaScript too, as the request sent page does (PDF_SLOW_AFTER).
    slow = record is not None and not made and utcnow() - record.created_at > PDF_SLOW_AFTER
    response = make_response(
        render_template(
            "requests/supervision_record.html",
            made=made,
            slow=slow,
            back_url=source.back_url,
            from_request=source.from_stored is not None,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/supervision-record/status")
def supervision_record_status() -> Response:
    """Whether this browser's supervision record is made yet (or could not be), for its page's
    script: ``{"ready": true}``, ``{"failed": true}`` (said once: the failed record is then
    deleted). Not the person's activity. 404 without one."""
    not_the_persons_activity()
    record = this_browsers_record()
    if record is None:
        abort(404)  # the service's page (not a blank one) for an address opened in a browser
    response = jsonify(ready=record.made_at is not None, failed=record.failed_at is not None)
    response.headers["Cache-Control"] = "no-store"
    if record.failed_at is not None and request.method != "HEAD":
        # Said to the person now (the script shows it, with "Try again"): the failed record goes,
        # so trying again asks for a new one. Only its row: the session is not written (not activity).
        # (A HEAD is said nothing: the record stays for the script's next question.)
        drop_record(record)
    return response


@bp.get("/supervision-record.pdf")
def supervision_record_download() -> Response | tuple[str, int]:
    """The supervision record PDF this browser asked for, once the outbox worker has made it
    (until then, or for answers changed since, its page: which asks for a new one)."""
    source = record_source()
    if isinstance(source, Response):
        return source
    record = this_browsers_record(source.digest)
    if record is None or record.made_at is None or not record.pdf:
        if record is not None and record.failed_at is not None:
            return record_not_made(source)
        return redirect(url_for("requests.supervision_record"), 303)
    if source.from_stored is not None and request.method != "HEAD":  # (a HEAD sends no file)
        # Made from a stored request's answers: audited, like its page and its PDF (privacy review).
        record_event("supervision_record", source.from_stored, REQUESTER)
    return pdf_download(record.pdf, record_filename(record.made_at, source.from_stored))


def record_filename(made_at: dt.datetime, reference: str | None) -> str:
    """The supervision record's file name: the UK day it was made, and the request's reference once
    there is one (all were "space-to-think-supervision-record.pdf": a second one saved beside the
    first could not be told from it, or from a record of another practitioner's)."""
    return f"space-to-think-supervision-record-{reference + '-' if reference else ''}{uk_day(made_at).isoformat()}.pdf"
