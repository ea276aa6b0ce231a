"""The journey's views: start, one question per page, the outcome, start again.

Views are thin: they read the journey from the session (``app.journey``), let the rule
engine decide (``app.rules.answer``), and redirect or render. Answers never go in a URL:
every page's address names only a question id, or ``/result`` (with ``?not_sent=1`` where a request
page was asked for: ``NOT_SENT_ARG``).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ..errors import render_error
from ..extensions import db
from ..journey import (
    ANSWER_DIGEST_LENGTH,
    ANSWER_SHOWN_FIELD,
    DETAILS_KEY,
    IMPLIED_AGAIN,
    NO_ANSWERS_FOR,
    NOT_SENT_ARG,
    NOTICE_KEY,
    OUTCOME_CHANGED,
    SENT_WITHOUT_CHANGE,
    SUBMITTED_KEY,
    SUBMITTED_MODE_KEY,
    answer_shown,
    as_shown_now,
    asked_again_reworded,
    asked_again_ticks,
    current_answers,
    current_state,
    has_journey,
    journey_url,
    just_submitted,
    note_answer_not_saved,
    noted_from_answers,
    notice_out_of_order,
    outcome_shown,
    pop_notice,
    save_change,
    set_aside_answers,
    set_notice,
    start_afresh,
    start_journey,
    start_with_no_answers,
    summary_answers,
)
from ..models import StoredRequest
from ..pack import current_pack, open_hours_now, outcome_contacts
from ..rules import Guidance, InvalidAnswer, JourneyState, Question, QuestionNotReached, answer, evaluate
from ..sessions import CLEARED_KEY, reset_session, session_expired, session_expired_page
from ..stats.service import record_outcome, record_start
from ..supervision_record import forget_record
from ..templating import kept_for_a_while, render_page
from ..web import error_summary, refused_form, show_refused_form
from . import bp, messages
from .forms import FIELD_NAME, QuestionForm, engine_answer, field_params, form_class, initial_data
from .glossary import Explainer


def back_to_current(state: JourneyState) -> Response:
    """Redirect a request made out of order to where the journey stands, saying why."""
    notice_out_of_order(state)
    return redirect(journey_url(state))


def expired_page() -> Response:
    """The "your answers were cleared" page (the session ran out while the user was away)."""
    return redirect(session_expired_page())


@bp.route("/start", methods=["GET", "POST"])
def start() -> Response | str:
    """Begin. A POST starts afresh: the journey's answers and the request being written on it are
    cleared (``start_afresh``). A GET (the start page's "Start now") with answers already in
    this browser asks first: they may be someone else's, on a shared computer, and the page
    shows none of them."""
    sent = just_submitted()
    if request.method == "POST":
        start_afresh()
        if sent:
            # The request sent from this browser: its page and PDF go. Its reference is not said
            # on the new check's first page: the page asking first tells someone who did not send
            # it (on a shared computer) to start a new check, and it must show them nothing of the
            # request (found in review: "The request you sent has the reference ...").
            session.pop(SUBMITTED_KEY, None)
            session.pop(SUBMITTED_MODE_KEY, None)
    elif _sent_request_here():
        # A request was sent from this browser and its page and PDF are still here: a new check
        # removes them, so say so first (the PDF may not have been downloaded yet). The page is
        # the same whoever sent it, and how (in supervision or not): it shows nothing of it.
        return render_template("wizard/sent_request_here.html")
    elif not has_journey():
        start_journey()
    elif current_answers():
        return render_template("wizard/already_started.html", continue_url=url_for("wizard.carry_on"))
    return redirect(url_for("wizard.question", question_id=current_pack().start))


def _sent_request_here() -> bool:
    """Whether the request this browser sent (``just_submitted``) can still be opened here, its
    page and PDF, which a new check would remove. Not once the request is deleted (``flask
    requests delete``): there is nothing left to go back to or to lose, so a new check is not
    held up by it (found in review: Back into the questions, and the page asking first, led only
    to "no request sent from this browser")."""
    reference = just_submitted()
    if reference is None:
        return False
    return db.session.scalar(select(StoredRequest.id).where(StoredRequest.reference == reference)) is not None


def _an_answer_after_sending(asked: Question) -> bool:
    """An answer sent from a question page of the journey this browser has sent (another tab, or a
    page kept open) that changes an answer the request went with: the sent request's page says it
    was not saved, and, when the answers with it lead to an outcome other than a request, what that
    outcome says, with its contacts (the notice two tabs saving at the same moment leave:
    ``app.journey``). Found (review of two tabs in a real browser, 92 trials in 245): "immediate
    danger: Yes" answered just after the other tab's Send request went through (from 5 ms to minutes
    after) was dropped without a word, on a page saying only "A request was sent from this browser".
    False (nothing said) for the answer the request went with, or a question not on its path."""
    stored = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == just_submitted()))
    if stored is None or not isinstance(stored.answers, dict):
        return False
    pack = current_pack()
    went = evaluate(pack, stored.answers)
    try:
        change = answer(
            pack, stored.answers, asked.id, engine_answer(asked, request.form.getlist(FIELD_NAME)), {}, before=went
        )
    except (InvalidAnswer, QuestionNotReached):
        return False
    pending = session.get(NOTICE_KEY)
    said = pending if isinstance(pending, dict) and pending.get("kind") == SENT_WITHOUT_CHANGE else None
    step = went.step(asked.id)
    if step is not None and change.answers.get(asked.id) == (
        tuple(o.value for o in step.options) if asked.kind == "multiple" else step.options[0].value
    ):
        # The answer it went with (a form sent twice): nothing to say, but what was said of an earlier
        # change stays said, on the request's page (found, regression review: putting the answer
        # back led to the page before a new check, the 999 it had led to still on the request's).
        return said is not None
    outcome = change.state.outcome
    if said is not None and isinstance(said.get("led_to"), str):
        return True  # Where an earlier change led (999) stays: a later one does not take it away.
    notice: dict[str, Any] = {"kind": SENT_WITHOUT_CHANGE, "count": 0}
    if outcome is not None and not outcome.request:
        notice["led_to"] = outcome.id
    session[NOTICE_KEY] = notice
    return True


@bp.get("/continue")
def carry_on() -> Response:
    """Where the journey stands: the next question, or the outcome (the link for "carry on
    where you left off", on pages that cannot know it: the kept error pages). A new journey
    when there is none."""
    if _sent_request_here():
        return redirect(url_for("requests.submitted"))  # where it stands: the request sent
    if not has_journey():
        start_journey()
    return redirect(journey_url(current_state()))


@bp.route("/questions/<question_id>", methods=["GET", "POST"])
def question(question_id: str) -> Response | tuple[str, int] | str:
    """One question per page: show it with any earlier answer, or record the answer given."""
    if session_expired():
        return expired_page()
    asked = current_pack().question(question_id)
    if asked is None:
        if ANSWER_SHOWN_FIELD in request.form and has_journey() and not _sent_request_here():
            # Sent from the page of a question the rules no longer ask (an update took it out, the
            # app restarted): the question to answer now, saying the questions changed. Found (rules
            # maintainer's review): "Page not found… check the web address", which they had not typed.
            set_notice("questions_changed")
            return redirect(journey_url(current_state()))
        abort(404)
    if _sent_request_here():
        # Back or a bookmark after sending: the sent request's page, not a new check that
        # would quietly remove it. An answer from a question page opened before sending (another
        # tab, or one the browser kept) would begin that new check too: it is asked first, as
        # Start now is (``start``; found in review: it removed the page and PDF unasked), unless it
        # changes an answer the request went with (``_an_answer_after_sending``).
        if request.method == "POST" and _an_answer_after_sending(asked):
            return redirect(url_for("requests.submitted"))
        return redirect(url_for("requests.submitted" if request.method in ("GET", "HEAD") else "wizard.start"))
    begun_here = not has_journey()
    if begun_here:
        start_journey()
    state = current_state()
    if not state.can_show(asked.id):
        if begun_here and request.method == "POST" and any(value.strip() for value in request.form.getlist(FIELD_NAME)):
            # An answer sent from a page kept open after the answers went (Start again in another
            # tab, the request sent): not saved, and said so, on the first question.
            return redirect(url_for("wizard.question", question_id=start_with_no_answers("answer")))
        if begun_here:
            # No check was under way in this browser (Back after Exit this page, an old bookmark):
            # the first question, without "answer the questions in order", which spoke of answers
            # this browser no longer has (found, new-user review).
            return redirect(journey_url(state))
        back = back_to_current(state)
        if request.method == "POST" and any(value.strip() for value in request.form.getlist(FIELD_NAME)):
            note_answer_not_saved()  # (with nothing chosen, there was no answer to save)
        return back
    if request.method in ("GET", "HEAD"):
        # (A HEAD, from a link checker or an uptime monitor, is shown the page as a GET is, never
        # taken for an empty answer: found, a site checker's review, the first question's HEAD
        # answered with a redirect to itself, a loop. It stores nothing: ``sessions``.)
        kept = refused_form()
        if kept is not None:
            return render_question(asked, state, _refused(asked, state, kept))
        return render_question(asked, state)
    shown = request.form.get(ANSWER_SHOWN_FIELD)
    if shown is not None:
        shown = as_shown_now(shown, state, asked)
    now_shown = answer_shown(state, asked)
    # (A page shown before the words were part of it carries the answer's digest alone.)
    expected = now_shown if shown is None or len(shown) > ANSWER_DIGEST_LENGTH else now_shown[:ANSWER_DIGEST_LENGTH]
    if shown is not None and not hmac.compare_digest(shown.encode(), expected.encode()):
        sent = request.form.getlist(FIELD_NAME)
        answer_as_shown = hmac.compare_digest(
            shown[:ANSWER_DIGEST_LENGTH].encode(), now_shown[:ANSWER_DIGEST_LENGTH].encode()
        )
        words_changed = len(shown) > ANSWER_DIGEST_LENGTH and not hmac.compare_digest(
            shown[ANSWER_DIGEST_LENGTH:].encode(), now_shown[ANSWER_DIGEST_LENGTH:].encode()
        )
        told = session.get(WORDS_CHANGED_TOLD_KEY)
        # (Told of these words, and the words now the same as then: not an update since, which the
        # person has not been told of either: found, regression review, with three wordings.)
        words_then_and_now = [shown[ANSWER_DIGEST_LENGTH:], now_shown[ANSWER_DIGEST_LENGTH:]]
        told_already = isinstance(told, dict) and told.get(asked.id) == words_then_and_now
        # (Or with no answer now: its answer forgotten, as given to words reworded since, ``current_state``:
        # found, regression review, "changed in another tab", where no tab had changed anything.)
        unanswered = state.step(asked.id) is None
        if (
            words_changed
            and (answer_as_shown or unanswered or _the_answer_now(asked, state, sent))
            and not told_already
        ):
            # Shown before the rules changed this question's words (an update, the app restarted):
            # not taken under words the person never read. Shown again with what they chose, where
            # it is still an answer, saying why. Said once for the words sent: in a server-by-server
            # restart the page shown again may come from a server still on the old words, which
            # the person has now read twice (found, regression review: refused again and again,
            # "this one now reads differently" under the same words).
            session[WORDS_CHANGED_TOLD_KEY] = {
                **(told if isinstance(told, dict) else {}),
                asked.id: words_then_and_now,
            }
            return _show_words_changed_since(asked, sent if answer_as_shown else _values_held(asked, state))
        if not answer_as_shown and not _the_answer_now(asked, state, sent):
            # Sent from a page shown before this question's answer changed (another tab or window):
            # the answer as it is now stands, shown again as a refused answer is (the error summary,
            # which takes focus, and "Error:" in the title, so it is heard), saying theirs was not
            # saved. The same answer sent again (a form sent twice) goes on as ever.
            return _show_changed_since(asked, state)
    form = _form(asked, state)
    if not form.validate():
        return _show_refused(asked, form)
    values = form.raw_values()
    try:
        change = answer(
            current_pack(), current_answers(), asked.id, engine_answer(asked, values), set_aside_answers(), before=state
        )
    except QuestionNotReached:
        return back_to_current(state)
    except InvalidAnswer:
        getattr(form, FIELD_NAME).errors = [messages.error_message(asked, values, state.mode)]
        return _show_refused(asked, form)
    save_change(change, asked.id)  # later answers that no longer apply are set aside, and come back if they apply again
    if asked.id == current_pack().start:
        record_start(change.state)  # anonymous count, once per journey; never fails the page
        if _mode_changed_with_answers_kept(state, change.state) and session.get(NOTICE_KEY) is None:
            # Found (supervision review, b148): a practitioner who began alone, joined by their
            # manager, went Back to "Who is using this" and chose supervision: the next page was the
            # first question not yet answered, and nothing said the safety questions before it had
            # been answered (alone, in the practitioner's words) and kept.
            session[NOTICE_KEY] = {"kind": MODE_CHANGED}
    outcome = change.state.outcome
    if _returning_to_check() and outcome is not None and outcome.request:
        # A change made from "check your answers" goes straight back there, unless the new
        # answer raised advice or a flag: then the outcome page, which shows them after this
        # answer in the forward journey (its "Continue" button leads back to check your answers).
        if _answer_raises_something_new(asked, state, change.state):
            return redirect(url_for("wizard.result"))
        return redirect(url_for("requests.check"))
    following = change.state.next_question
    if _returning_to_check() and outcome is None and following is not None:
        # A change from check your answers that asks a question again (the confirmation, after
        # who is using this changed) or brings one in: it is asked as a change too, so its answer
        # leads back to check your answers (found, review: it led to the outcome page).
        return redirect(url_for("wizard.question", question_id=following.id, return_to=RETURN_TO_CHECK))
    return redirect(journey_url(change.state))


def _mode_changed_with_answers_kept(before: JourneyState, after: JourneyState) -> bool:
    """Whether an answer to who is using this changed the mode and kept later answers, the journey
    going on to a question still to answer (the outcome page and check your answers list them all)."""
    kept = set(after.answers) - {after.pack.start}
    return before.mode != after.mode and bool(kept) and after.outcome is None


def _answer_raises_something_new(asked: Question, before: JourneyState, after: JourneyState) -> bool:
    """Whether the answer now given to ``asked`` brings advice or a flag that the journey did
    not have before it (answers that come back with it, already seen once, do not count)."""
    step = after.step(asked.id)
    if step is None:
        return False
    return any(
        (option.advice is not None and option.advice not in before.advice)
        or any(flag in after.flags and flag not in before.flags for flag in option.flags)
        for option in step.options
    )


# The session's note of the question pages refused because their words changed since they were
# shown: question id -> [the words' digest the page carried, the words' digest then] (``answer_shown``).
WORDS_CHANGED_TOLD_KEY = "words_changed_told"

RETURN_TO_CHECK = "check-answers"
# The notice after who is using this changed, with the answers after it kept (``notice_text``).
MODE_CHANGED = "mode_changed"
# A question opened from a "Change" link on the outcome page: its Back link goes back to the
# outcome, and an answer that leaves the path complete goes straight to the outcome the rules
# now give (``journey_url``); one that opens questions not yet answered asks those first.
RETURN_TO_RESULT = "result"


def _returning_to_check() -> bool:
    """Whether this question was opened from the request's "check your answers" page."""
    return request.args.get("return_to") == RETURN_TO_CHECK


def _return_to() -> str | None:
    """The page this question was opened from, to go back to (a marker, never an answer)."""
    marker = request.args.get("return_to")
    return marker if marker in (RETURN_TO_CHECK, RETURN_TO_RESULT) else None


def _show_refused(asked: Question, form: QuestionForm) -> Response:
    """A refused answer: the question's page again, after a redirect (``show_refused_form``), with
    its error and the options that were ticked (only the question's own: a tampered value is not kept)."""
    known = {option.value for option in asked.options}
    return show_refused_form(
        {
            "values": [value for value in form.raw_values() if value in known],
            "errors": [str(error) for error in getattr(form, FIELD_NAME).errors],
        }
    )


def _values_held(asked: Question, state: JourneyState) -> list[str]:
    """``asked``'s answer as ``state`` holds it, as its form sends it; not answered, as its page
    shows it (what earlier answers imply ticked). Found (regression review): a tab left open on a
    question asked again, its old answer sent, was shown again saying the box "is ticked" over no
    box ticked."""
    step = state.step(asked.id)
    held = (initial_data(asked, step.value) if step is not None else _shown_answer(asked, state)).get(FIELD_NAME)
    return [] if held is None else [held] if isinstance(held, str) else [str(value) for value in held]


def _the_answer_now(asked: Question, state: JourneyState, values: list[str]) -> bool:
    """Whether ``values``, sent for ``asked``, are its answer as ``state`` holds it."""
    return state.step(asked.id) is not None and sorted(_values_held(asked, state)) == sorted(values)


def _show_changed_since(asked: Question, state: JourneyState) -> Response:
    """The question's page again, with its answer as it is now and, as its error, that the answer
    sent was not saved: it came from a page shown before that answer changed (``answer_shown``)."""
    return show_refused_form({"values": _values_held(asked, state), "errors": [messages.ANSWER_CHANGED_SINCE_SHOWN]})


def _show_words_changed_since(asked: Question, values: list[str]) -> Response:
    """The question's page again, in its words now, with ``values`` ticked where they are still
    its answers and, as its error, that the answer was not saved: the words changed after the page
    was shown (``answer_shown``)."""
    known = {option.value for option in asked.options}
    return show_refused_form(
        {"values": [value for value in values if value in known], "errors": [messages.WORDS_CHANGED_SINCE_SHOWN]}
    )


def _refused(asked: Question, state: JourneyState, kept: dict[str, Any]) -> QuestionForm:
    """The question's form as it was refused: what was ticked, and why it was refused."""
    values = [value for value in kept.get("values", []) if isinstance(value, str)]
    form = form_class(asked, state.mode)(formdata=MultiDict([(FIELD_NAME, value) for value in values]))
    getattr(form, FIELD_NAME).errors = [error for error in kept.get("errors", []) if isinstance(error, str)]
    return form


def _form(asked: Question, state: JourneyState) -> QuestionForm:
    """The question's form: from the post, or filled with the answer already given."""
    cls = form_class(asked, state.mode)
    if request.method == "POST":
        return cls()
    return cls(formdata=None, data=_shown_answer(asked, state))


def _shown_answer(asked: Question, state: JourneyState) -> dict[str, Any]:
    """The form data a question page shows: the answer already given, else the suggested one."""
    step = state.step(asked.id)
    if step is not None:
        return initial_data(asked, step.value)
    held = current_answers().get(asked.id)
    if asked.kind == "multiple" and isinstance(held, list):
        # An answer the rules no longer take as a whole (an update took out one of its options):
        # asked again with the options still offered ticked. Found (rules maintainer's review):
        # "needs" was unticked with "lived experience", which the update took out.
        kept = [value for value in held if isinstance(value, str) and asked.option(value) is not None]
        if kept:
            return initial_data(asked, kept)
    suggested = state.suggested(asked.id)
    before = asked_again_ticks().get(asked.id)
    if asked.kind == "multiple" and before is not None:
        # Asked again because a changed answer implies more for it (``engine._implied_anew``): what
        # it implies ticked, with the boxes ticked before (but not an exclusive "None of these").
        kept = [value for value in before if asked.option(value) is not None]
        return initial_data(asked, list(dict.fromkeys([*suggested, *kept])))
    value = (list(suggested) if asked.kind == "multiple" else suggested[0]) if suggested else None
    return initial_data(asked, value)


def render_question(
    asked: Question, state: JourneyState, form: QuestionForm | None = None, status: int = 200
) -> tuple[str, int]:
    """The question page: with no ``form``, the question as asked (rendered once per question,
    mode, answer shown, back link and notice, then kept); with a posted form, as it was sent,
    with the error summary when the answer was refused."""
    errors = error_summary([getattr(form, FIELD_NAME)]) if form is not None else []
    previous = state.previous(asked.id)
    back_url = url_for("wizard.question", question_id=previous) if previous else url_for("main.index")
    return_to = _return_to()
    if return_to == RETURN_TO_CHECK and (state.outcome is not None or asked.id not in asked_again_ticks()):
        # (Not from a question asked again because a changed answer implies more for it: found,
        # regression review, its Back went to check your answers, which sent it straight back here.)
        back_url = url_for("requests.check")
    elif return_to == RETURN_TO_RESULT and state.outcome is not None:
        # Back to the outcome the Change link was on (while there is one: another tab may have
        # changed an earlier answer meanwhile, and then Back goes to the previous question).
        back_url = url_for("wizard.result")
    action_url = url_for("wizard.question", question_id=asked.id, return_to=return_to)
    notice = notice_text(here=asked.id)
    one_tab_kept = notice is not None and notice.get("text") == messages.NOTICE_ONE_TAB_KEPT  # (that says more)
    if state.step(asked.id) is None and asked_again_reworded(asked) and not one_tab_kept:
        # Its words changed since it was answered (an update of the rules): said on its own page, over a
        # notice of the questions changing or of later answers set aside, which say less.
        unsent = notice.get("more") if notice is not None and notice.get("kind") == "text" else None
        notice = {"kind": "text", "text": messages.NOTICE_ASKED_AGAIN, "more": unsent}

    suggested = form is None and state.step(asked.id) is None and bool(state.suggested(asked.id))
    digest_shown = answer_shown(state, asked)

    def context() -> dict[str, Any]:
        params = field_params(asked, state.mode)
        if suggested:
            # Ticked from an earlier answer (``implies``), never silently: the hint says so.
            hint = asked.hint.for_mode(state.mode) if asked.hint is not None else ""
            params = {**params, "hint": {"text": f"{hint} {messages.SUGGESTED}".strip()}}
        return {
            "question": asked,
            "mode": state.mode,
            "form": form if form is not None else _form(asked, state),
            "field_params": params,
            "errors": errors,
            "has_errors": bool(errors),
            "back_url": back_url,
            "action_url": action_url,
            "notice": notice,
            "answer_shown_field": ANSWER_SHOWN_FIELD,
            "answer_shown": digest_shown,
        }

    if form is not None:
        return render_template("wizard/question.html", **context()), status
    # The answer's digest too: the same ticks are shown for an answer given and for one the rules no
    # longer take whole (``_shown_answer``), whose digests differ (found, regression review: one
    # person's page, kept, refused the other's answer as "changed in another tab").
    shown = (_shown_answer(asked, state), digest_shown)
    key = repr((asked.id, state.mode, shown, suggested, back_url, action_url, notice))
    return render_page("wizard/question.html", key, context), status


def notice_text(here: str | None = None) -> dict[str, Any] | None:
    """The one-off message left by the previous request (never with answers), for
    ``wizard/_notice.html``: set-aside and restored answers are worded there, per mode.
    ``here`` is the question the page asks: a confirmation asked again is "this statement"
    only on its own page (a pack may ask another question first)."""
    notice = pop_notice()
    if notice is None:
        return None
    if notice.get("kind") == "changed":
        asked_again = notice.get("asked_again", 0)
        if isinstance(asked_again, list):
            asked_again_here = here in asked_again
            asked_again = len(asked_again)
        else:  # a count, from a session stored before the ids were kept: the shipped pack's confirmation
            asked_again_here = True
        return {
            "kind": "changed",
            "set_aside": int(notice.get("set_aside", 0)),
            "restored": int(notice.get("restored", 0)),
            "asked_again": int(asked_again),
            "asked_again_here": asked_again_here,
            "first_answer": bool(notice.get("first_answer", False)),
            "outcome_changed": messages.NOTICE_OUTCOME_REACHED
            if notice.get(OUTCOME_CHANGED) == "reached"
            else messages.NOTICE_OUTCOME_CHANGED
            if notice.get(OUTCOME_CHANGED) is True
            else None,
        }
    # On a question after a request page was asked for: no request was sent.
    unsent = (
        (messages.NOTICE_DETAILS_KEPT if notice.get("details_kept") is True else messages.NOTICE_NO_REQUEST_YET)
        if notice.get("no_request") is True and here
        else None
    )
    if notice.get("kind") == "out_of_order":
        # On a question, the one to answer next; on the outcome page (no ``here``) there is none.
        if notice.get("not_saved") is True:
            text = messages.NOTICE_NOT_SAVED if here else messages.NOTICE_NOT_SAVED_NOT_ASKED
        else:
            text = messages.NOTICE_OUT_OF_ORDER if here else messages.NOTICE_NOT_ASKED
        return {"kind": "text", "text": text, "more": unsent}
    if notice.get("kind") == "asked_again":
        return {"kind": "text", "text": messages.NOTICE_ASKED_AGAIN, "more": unsent}
    if notice.get("kind") == MODE_CHANGED:
        return {"kind": "text", "text": messages.notice_mode_changed(current_state().mode)}
    if notice.get("kind") == IMPLIED_AGAIN:
        questions = notice.get("questions")
        return (
            {"kind": "text", "text": messages.NOTICE_IMPLIED_AGAIN}
            if isinstance(questions, list) and here in questions
            else None
        )
    if notice.get("kind") == "questions_changed":
        # On the outcome page (no ``here``) as for "out of order": no question to answer there.
        text = messages.NOTICE_QUESTIONS_CHANGED if here else messages.NOTICE_NOT_ASKED
        return {"kind": "text", "text": text, "more": unsent}
    if notice.get("kind") == "no_answers" and notice.get("asked_for") in NO_ANSWERS_FOR:
        minutes = int(current_app.config["SESSION_IDLE_MINUTES"])
        return {"kind": "text", "text": messages.notice_no_answers(notice["asked_for"], minutes)}
    if notice.get("kind") == OUTCOME_CHANGED:
        more = messages.NOTICE_OUTCOME_CHANGED_NO_REQUEST if notice.get("no_request") is True else None
        text = messages.NOTICE_OUTCOME_REACHED if notice.get("reached") is True else messages.NOTICE_OUTCOME_CHANGED
        return {"kind": "text", "text": text, "more": more}
    if notice.get("kind") == "one_tab_kept":
        # Then, when a request page was asked for, that no request was sent (``notice_no_request``);
        # and where the other tab's answers led, when that was somewhere else (``led_to``: 999, say).
        said = [messages.NOTICE_NO_REQUEST] if notice.get("no_request") is True else []
        led_to = current_pack().outcome(notice["led_to"]) if isinstance(notice.get("led_to"), str) else None
        if led_to is not None:
            said.append(messages.notice_other_tab_led_to(led_to.title.for_mode(current_state().mode)))
        return {"kind": "text", "text": messages.NOTICE_ONE_TAB_KEPT, "more": " ".join(said) or None}
    if notice.get("kind") == "earlier_request" and isinstance(notice.get("reference"), str):
        return {"kind": "text", "text": messages.notice_earlier_request(notice["reference"])}
    return None


@bp.get("/result")
def result() -> Response | str:
    """The outcome: what to do now, who to contact, and why (the answers and the guidance)."""
    if session_expired():
        return expired_page()
    state = current_state()
    if state.outcome is None and _sent_request_here():
        return redirect(url_for("requests.submitted"))  # Back after sending: the request sent
    if not has_journey():  # a fresh browser (a bookmark, a link sent), or Back after Exit this page
        return redirect(url_for("wizard.question", question_id=start_with_no_answers("result")))
    if state.outcome is None:
        if state.steps:
            notice_out_of_order(state)
        return redirect(journey_url(state))
    if request.method != "HEAD":  # (a link checker or a preview only looks: it is not a person's outcome)
        record_outcome(state)  # anonymous count, once per journey per outcome; never fails the page
    outcome_shown(state)  # (after an update of the rules that changed it, says so)
    # (Not where the answers lead to a request again, since: found, regression review, the page
    # offering a request said no request had been sent, on reload and from the browser's history.)
    not_sent = request.args.get(NOT_SENT_ARG) == "1" and not state.outcome.request
    notice = _no_request_sent_notice() if not_sent else notice_text()
    typed = bool(session.get(DETAILS_KEY))
    if notice is not None and notice.get("kind") == "changed" and typed and not state.outcome.request:
        # An answer changed with a request typed, from check your answers say: it was not sent (found,
        # first-time users' review: nothing said so, and someone who had filled in the whole form
        # could think it had gone).
        notice = {**notice, "not_sent": messages.NOTICE_DRAFT_NOT_SENT}
    previous = state.previous(None)  # the last question answered: the Back link (no answers in the URL)
    back_url = url_for("wizard.question", question_id=previous) if previous else url_for("main.index")
    open_now, open_until = open_hours_now(state.outcome.contacts)
    # The page follows from the answers (and the pack), and whether its contacts are open now and
    # until when: rendered once for each, then kept.
    key = repr((sorted(state.answers.items()), notice, back_url, sorted(open_now.items()), sorted(open_until.items())))
    return render_page(
        "wizard/result.html",
        key,
        lambda: {
            **outcome_context(state),
            "notice": notice,
            "back_url": back_url,
            "open_now": open_now,
            "open_until": open_until,
        },
    )


def _no_request_sent_notice() -> dict[str, Any]:
    """The outcome page's notice where its address says a request page was asked for and no request
    was sent (``notice_no_request``): said in this tab, leaving another tab's one-off notice for it,
    but with that of an update of the rules that moved the journey (any tab's, as it is the journey's)."""
    pending = session.get(NOTICE_KEY)
    if isinstance(pending, dict) and pending.get("kind") == OUTCOME_CHANGED:
        notice = notice_text()
        if notice is not None:
            return {**notice, "more": notice.get("more") or messages.NOTICE_OUTCOME_CHANGED_NO_REQUEST}
    return {"kind": "text", "text": messages.NOTICE_NO_REQUEST}


def sources_of(guidance: Sequence[Guidance]) -> list[str]:
    """Each source ``guidance`` cites, once, in order; a document cited both whole and by a
    section named once, whole (found, acceptance review: outcome S said "Space to Think launch text
    (…, 2025), "Note"; Space to Think launch text (…, 2025)"; named by the section alone, it
    credited the advice to the "Note", where the passages it rests on are elsewhere in the text)."""
    sources = list(dict.fromkeys(item.source for item in guidance))
    # Each by the outermost of it cited (a section's document, or the section of a paragraph cited).
    named = (
        min([whole for whole in sources if source.startswith(f"{whole}, ")] + [source], key=len) for source in sources
    )
    return list(dict.fromkeys(named))  # (where the document was first cited, whole or by a section)


def outcome_context(state: JourneyState) -> dict[str, Any]:
    """What the outcome page shows, worded for the journey's mode."""
    pack, mode, outcome = state.pack, state.mode, state.outcome
    if outcome is None:  # the caller redirects a journey without an outcome before this
        raise ValueError("outcome_context needs a journey that has reached an outcome")
    reasons = []
    for reason in state.explanation():
        asked = pack.question(reason.question_id)
        reasons.append(
            {
                "question_id": reason.question_id,
                "question": reason.question,
                "short": asked.short.for_mode(mode) if asked else reason.question,
                "answers": summary_answers(reason.question_id, reason.answers),
                "guidance": reason.guidance,
                "change_url": url_for("wizard.question", question_id=reason.question_id, return_to=RETURN_TO_RESULT),
            }
        )
    return {
        "outcome": outcome,
        "mode": mode,
        "outcome_contacts": (contacts := outcome_contacts(outcome, mode)),
        # Its first step is to call 999, whatever the case: a line closed now gives the number to call
        # instead, not "if it cannot wait" (found, first-time users' review: on "Call 999", at 4.45pm
        # on a Friday, the page asked whether it could wait for the Bridge's line to open on Monday).
        # So too on a route to act on now (``act_now``; found, content review: U2 at 5pm said to share
        # the concern now, and under the Bridge's number "if it cannot wait until it opens").
        "call_instead": outcome.act_now or (bool(contacts) and contacts[0][1] is None and contacts[0][0].calls_999),
        "change_link": {
            "url": url_for("wizard.question", question_id=outcome.change_question, return_to=RETURN_TO_RESULT),
            "text": outcome.change_text.for_mode(mode),
        }
        if outcome.change_question and outcome.change_text
        else None,
        **noted_from_answers(state),
        "reasons": reasons,
        "outcome_guidance": state.outcome_guidance(),
        "outcome_sources": sources_of(state.outcome_guidance()),
        "guidance_quoted": _unique(
            [g for reason in state.explanation() for g in reason.guidance] + list(state.outcome_guidance())
        ),
        "request_url": url_for("requests.details") if outcome.request else None,
        "record_url": url_for("requests.supervision_record") if mode == "supervision" else None,
        "pack_version": pack.version,
        "review_date": f"{pack.review_date.day} {pack.review_date:%B %Y}",
        "explainer": Explainer(dict(pack.glossary)),
    }


def _unique(items: list[Any]) -> list[Any]:
    """``items`` without repeats, in first-seen order."""
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


@bp.post("/start-again")
def start_again() -> Response:
    """Forget everything (the whole session, with a new id) and go back to the start page, which
    says what went (the answers, or a sent request's page and PDF): on a shared computer, the
    person can see it worked."""
    cleared = kept_for_a_while()
    forget_record()  # the supervision record made in this browser, if any
    reset_session()
    if cleared is not None:
        session[CLEARED_KEY] = cleared
    return redirect(url_for("main.index"))


@bp.errorhandler(CSRFError)
def form_not_checked(error: CSRFError) -> Response | tuple[str, int]:
    """A post whose security token is missing or stale: explain, save nothing, never a 500."""
    if session_expired():
        return expired_page()
    if request.endpoint == "wizard.question":
        asked = current_pack().question((request.view_args or {}).get("question_id", ""))
        state = current_state()
        if asked is not None and has_journey() and state.can_show(asked.id):
            form = form_class(asked, state.mode)()
            why = messages.NOT_SAVED_SITE_UNKNOWN if g.get("csrf_site_unknown") else messages.NOT_SAVED
            getattr(form, FIELD_NAME).errors = [why]
            return render_question(asked, state, form, status=400)
    # No journey any more (Start again or Exit this page in another tab): the page must not say
    # the answers were kept.
    return render_error(400, csrf_failure=True, answers_gone=not (has_journey() and current_answers()))
