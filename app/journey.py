"""The journey's state in the server-side session, shared by the wizard and the request views.

Session keys (the session itself lives in the database; the cookie holds only an id):

- ``session["answers"]``: the answers so far, keyed by question id. A value is a string,
  or a list of strings for a multiple-choice question. Only answers on the current path
  are kept (``save_answers`` is given the engine's pruned answers).
- ``session["set_aside_answers"]``: answers that a changed answer made no longer apply,
  in the same form. They are kept only so that they come back if the change is undone
  (the engine brings them back); nothing else reads them: not routing, not check your
  answers, outcomes, requests, PDFs or counts. Cleared with the journey.
- ``session["journey_token"]``: a random token, new each time a journey starts. The
  request views use it to make submission idempotent (one request per journey).
- ``session["journey_notice"]``: a one-off message for the next question or outcome page
  (``"changed"`` with how many answers were set aside and restored, ``"out_of_order"``, ``"one_tab_kept"``
  (two tabs saved different answers at the same moment: one tab's were kept), ``"sent_without_change"``
  (for the sent request's page: an answer changed in another tab as it was sent was not saved),
  ``"sent_without_details"`` (the same for what was typed on a details page), or
  ``"earlier_request"`` with the reference of a request sent before this journey began). It never holds an answer.
- ``session["journey_rules"]``: the version of the rules the answers were last given (or their
  outcome shown) under, with the outcome they led to then and the question next (ids, or None):
  after the rules are updated, the next question or outcome page says so (``rules_updated_since``).
- ``session["answered_words"]``: for each safety question answered, and the statement confirmed, the
  digests of the words it was answered to (``words_shown``, never the answer; the last few): after an
  update that rewords one, its answer is forgotten and the question asked again (``current_state``).

Answers never go into URLs, logs, flash messages or analytics: read them here, in views.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from flask import request, session, url_for

from .pack import current_pack
from .rules import Change, JourneyState, Question, evaluate
from .sessions import merge_item_by_item, merge_taken_once, merge_together
from .supervision_record import forget_record

ANSWERS_KEY = "answers"
SET_ASIDE_KEY = "set_aside_answers"
# The questions asked again because a changed answer implies more for them, each with the boxes its
# forgotten answer had ticked, to tick again beside what is implied (``Change.implied_again``).
ASKED_AGAIN_TICKS_KEY = "asked_again_ticks"
TOKEN_KEY = "journey_token"  # noqa: S105 - the session key's name, not a secret
NOTICE_KEY = "journey_notice"
RULES_KEY = "journey_rules"
WORDS_ANSWERED_KEY = "answered_words"
# The safety questions (and statement) whose answers ``current_state`` forgot as given to words
# reworded since, until each is answered again: its page says so (``asked_again_reworded``).
REWORDED_KEY = "reworded_questions"
# The notice for an outcome page whose outcome is not the one the same answers led to before the
# rules were updated (``outcome_shown``).
OUTCOME_CHANGED = "outcome_changed"
# The request being written on this journey (app.requests.views keeps it under these keys).
DETAILS_KEY = "request_details"
DONE_KEY = "request_pages_done"
DETAILS_MODE_KEY = "request_details_mode"  # the mode the details were typed in
# For each page about the person, the mode its answers were given in and a digest of them as saved
# (app.requests.views ``note_given``): given in the other mode (who is using this changed since), or
# not as saved, they are asked again before the request can go (``Page.checked_again``).
GIVEN_KEY = "request_given"
# The reference of the request this session sent last: its page and PDF are shown from it
# until a new journey begins (``just_submitted``).
SUBMITTED_KEY = "submitted_reference"
# Its mode, kept with it, so the pages can say what of it this browser holds (its page and PDF, or
# from supervision its page and two PDFs: the request and the supervision record) without reading
# the request from the database on every page (``kept_for_a_while``, app/templating.py).
SUBMITTED_MODE_KEY = "submitted_mode"
CONFIRMED_KEY = "request_confirmed"
# What the identifying-data check found in the details' free text when a page was last saved, with
# the text's fingerprint and the check's version (``app.requests.service.guard_record``): check
# your answers and sending use it rather than check the same text again.
GUARD_KEY = "request_guarded"
# The notice for the sent request's page: an answer changed in another tab as the request was sent
# was not saved (``_say_one_tabs_answers_were_kept``).
SENT_WITHOUT_CHANGE = "sent_without_change"
# The same for what was typed on a details page saved in another tab as the request was sent
# (``_say_details_were_not_saved``).
SENT_WITHOUT_DETAILS = "sent_without_details"
# The notice for the next journey page: two tabs saved different answers at once, one tab's kept.
ONE_TAB_KEPT = "one_tab_kept"
DRAFT_REQUEST_KEYS = (DETAILS_KEY, DONE_KEY, DETAILS_MODE_KEY, GIVEN_KEY, CONFIRMED_KEY, GUARD_KEY)


def _say_details_were_not_saved(merged: dict[str, Any]) -> None:
    """A details page saved in another tab at the same moment as the request was sent (which clears
    the details) was taken on as if saved, but what it held did not go with the request, and is
    gone: the sent request's page says so. (Not when the details went otherwise: a new check begun
    meanwhile has a journey, and says nothing of a request.)"""
    if SUBMITTED_KEY in merged and TOKEN_KEY not in merged:
        merged[NOTICE_KEY] = {"kind": SENT_WITHOUT_DETAILS, "count": 0}


# Each details page saves its own fields, and marks itself done: two pages sent at the same moment
# from two tabs both keep theirs (``app.sessions``); a page saved as the request was sent is said
# not saved.
merge_item_by_item(DETAILS_KEY, cleared=_say_details_were_not_saved)
merge_item_by_item(DONE_KEY)
# Page by page, as the details are (a page's note from one tab, its answers from another, are then
# found not to match, and the page is asked again: app.requests.views ``given_elsewhere``).
merge_item_by_item(GIVEN_KEY)


def _say_one_tabs_answers_were_kept(merged: dict[str, Any], went: dict[str, Any]) -> None:
    """Two tabs saved different answers at the same moment, and one tab's were kept: the next page
    says so (the other tab was taken on as if its answer had been saved). When one tab sent the
    request (which clears the answers) as the other changed an answer, the change was not saved:
    the request went with the answers its check your answers page showed, and the sent request's
    page says so, with where the answers that went lead when that is not a request (``led_to``):
    found (review of two tabs), the tab where "a child is in immediate danger" was answered as the
    other sent the request showed "Request sent", and the notice only in the other tab."""
    kept = merged.get(ANSWERS_KEY)
    if ANSWERS_KEY in merged:
        merged[NOTICE_KEY] = {"kind": ONE_TAB_KEPT, "count": 0}
    elif SUBMITTED_KEY in merged:
        merged[NOTICE_KEY] = {"kind": SENT_WITHOUT_CHANGE, "count": 0}
    else:
        return
    # Where the answers that went lead, when that is an outcome other than a request and other than
    # where the answers kept lead (two tabs answering "a child is in immediate danger?" differently
    # at once: the "no" kept, the page says the other tab's answers led to 999).
    answers = went.get(ANSWERS_KEY)
    if isinstance(answers, Mapping):
        pack = current_pack()
        outcome = evaluate(pack, dict(answers)).outcome
        kept_outcome = evaluate(pack, dict(kept)).outcome if isinstance(kept, Mapping) else None
        if outcome is not None and not outcome.request and outcome != kept_outcome:
            merged[NOTICE_KEY]["led_to"] = outcome.id


# The answers and those set aside are one journey (with the words its safety answers were given to):
# two tabs saving at once keep one tab's, both, and the next page says so.
merge_together(ANSWERS_KEY, SET_ASIDE_KEY, WORDS_ANSWERED_KEY, REWORDED_KEY, overruled=_say_one_tabs_answers_were_kept)
# A page that shows the one-off notice takes it: a new one left by another tab meanwhile stays.
merge_taken_once(NOTICE_KEY)
# Who is doing the journey (``JourneyState.mode``), in words for documents and counts.
MODE_LABELS = {
    "practitioner": "A practitioner, about their own practice",
    "supervision": "A manager or supervisor, in supervision with the practitioner",
}

# A confirmation's answer in every summary of the answers (the outcome's "Why you are seeing
# this", check your answers, the request and its PDF): the statement itself was on its
# question's page, in full, and repeated in a summary it makes that row a paragraph long.
# (The request's data, request.json, keeps the statement as it was confirmed.)
CONFIRMED = "Confirmed"


def summary_answers(question_id: str, answers: Sequence[str]) -> tuple[str, ...]:
    """The answers to ``question_id`` as a summary shows them: "Confirmed" for a confirmation
    (a question of kind "confirm" in the current pack), otherwise the options' labels."""
    question = current_pack().question(question_id)
    if question is not None and question.kind == "confirm" and answers:
        return (CONFIRMED,)
    return tuple(answers)


def noted_from_answers(state: JourneyState) -> dict[str, list[str]]:
    """What the answers raised, as the outcome page and check your answers show it: the flags
    (which go with the request) by their labels, and the advice, in the journey's mode."""
    pack = current_pack()
    return {
        "flags": [flag.label for flag in (pack.flag(i) for i in state.flags) if flag is not None],
        "advice": [text.for_mode(state.mode) for text in state.advice],
    }


def start_journey() -> str:
    """Start a fresh journey: forget any answers and make a new journey token; return it.

    The session gets a new id as well (what it holds stays: a facilitator's sign-in, the form
    tokens of other tabs): a session id someone planted in this browser before the journey (from
    another site under the same domain, say) never holds its answers or request (security review)."""
    forget_record()  # a supervision record of the journey before
    rotate = getattr(session, "rotate", None)
    if rotate is not None:
        rotate()
    session.pop(NOTICE_KEY, None)
    session.pop(SET_ASIDE_KEY, None)
    session.pop(ASKED_AGAIN_TICKS_KEY, None)
    session.pop(RULES_KEY, None)
    session[ANSWERS_KEY] = {}
    token = secrets.token_urlsafe(24)
    session[TOKEN_KEY] = token
    return token


def has_journey() -> bool:
    """Whether a journey has been started in this session."""
    return TOKEN_KEY in session


def just_submitted() -> str | None:
    """The reference of the request this session submitted last, while no new journey has
    begun since (submitting clears the journey; starting again begins a new one): while it is
    there, this browser can still open the request's page and PDF."""
    reference = session.get(SUBMITTED_KEY)
    return reference if isinstance(reference, str) and not has_journey() else None


def journey_token() -> str | None:
    """This journey's token, or None if no journey has started."""
    token = session.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


def current_answers() -> dict[str, str | list[str]]:
    """A copy of the answers so far (question id → value; lists for multiple choice)."""
    return _read_answers(ANSWERS_KEY)


def set_aside_answers() -> dict[str, str | list[str]]:
    """A copy of the answers set aside because they no longer apply (only for the engine to restore)."""
    return _read_answers(SET_ASIDE_KEY)


def _read_answers(key: str) -> dict[str, str | list[str]]:
    stored = session.get(key)
    if not isinstance(stored, Mapping):
        return {}
    answers: dict[str, str | list[str]] = {}
    for key, value in stored.items():
        if isinstance(value, str):
            answers[str(key)] = value
        elif isinstance(value, list | tuple):
            answers[str(key)] = [str(item) for item in value]
    return answers


def save_answers(answers: Mapping[str, Any]) -> None:
    """Store the answers (tuples become lists, so the session holds plain JSON)."""
    session[ANSWERS_KEY] = _plain(answers)


def _standing(state: JourneyState) -> dict[str, str | None]:
    """Where the journey stands: the outcome it leads to and the question it asks next (ids)."""
    return {
        "outcome": state.outcome.id if state.outcome is not None else None,
        "next": state.next_question.id if state.next_question is not None else None,
    }


def _note_rules(state: JourneyState) -> None:
    """Remember the rules' version the journey stands under now, and where it stands."""
    noted = {"version": state.pack.version, **_standing(state)}
    if session.get(RULES_KEY) != noted:
        session[RULES_KEY] = noted


def rules_updated_since() -> dict[str, Any] | None:
    """What was noted of the rules (their version, the outcome reached) when the answers were
    last given or their outcome shown, if the rules have been updated since; else None. Found
    (rules maintainer's review): after an update, a journey under way went to a different
    outcome, or to a question added meanwhile, with nothing to say why."""
    noted = session.get(RULES_KEY)
    if isinstance(noted, dict) and noted.get("version") != current_pack().version:
        return noted
    return None


def _moved_by_the_update(noted: Mapping[str, Any], state: JourneyState) -> bool:
    """Whether the answers, as ``state`` stands under the rules now, lead to another outcome or
    question next than was ``noted`` under the rules before."""
    return any(noted.get(key) != value for key, value in _standing(state).items())


def moved_by_an_update(state: JourneyState) -> bool:
    """Whether the rules were updated since the answers were last given, and the update moved the
    journey: its answers lead, under the rules now, to another outcome or question next."""
    noted = rules_updated_since()
    return noted is not None and _moved_by_the_update(noted, state)


def outcome_shown(state: JourneyState) -> None:
    """The outcome page is shown: if the rules were updated since the answers were given and
    they now lead to another outcome than they did, the page says so (once); where a request page
    was asked for, with that no request was sent (``NOT_SENT_ARG``: found, regression review, the
    update was never named, and the person was told their answers had moved them)."""
    noted = rules_updated_since()
    before = noted.get("outcome") if noted is not None else None
    # Before the update the answers led to another outcome, or to a question still to answer
    # ("reached": found, regression review: on "Before you continue", rerouted by an update, the
    # person was told only that "the answers given lead here, so that question is not asked").
    if noted is not None and before != _standing(state)["outcome"] and (before is not None or noted.get("next")):
        said: dict[str, Any] = {} if isinstance(before, str) else {"reached": True}
        pending = session.get(NOTICE_KEY)
        kind = pending.get("kind") if isinstance(pending, dict) else None
        if pending is None or kind in ("out_of_order", "questions_changed"):  # the update is why
            session[NOTICE_KEY] = {"kind": OUTCOME_CHANGED, "count": 0, **said}
        elif kind == "changed":  # later answers set aside
            session[NOTICE_KEY] = {**pending, OUTCOME_CHANGED: "reached" if said else True}
        # (Not over another notice: that two tabs' answers met says more.)
    _note_rules(state)


# The notice's kind when a changed answer implies more for a later question, asked again (``save_change``).
IMPLIED_AGAIN = "implied_again"


def save_change(change: Change, question_id: str | None = None) -> None:
    """Store a changed answer's result: the live answers, the set-aside ones, and what to tell the user.
    After an update of the rules that moved the journey (the answers as they stood lead, under the
    new rules, to another outcome or question than was noted), what was noted before it is kept
    for the next page to compare with (found, regression review: Back and Continue with the same
    answers noted the new outcome first, and the page said nothing of the change). An update that
    did not move it is noted with the answer: what the answer changes is the person's own doing,
    not the rules' (found, second regression review: a change of answer after an update of words
    alone was said to be the rules'). Only the same answer given again (``question_id``'s, as it
    was) is the update's doing: another answer is the person's own, whatever the update did (found,
    regression review: "Yes, a child is in danger" given after an update was said to be the
    rules', and "if you change your answer back" was left out)."""
    noted = rules_updated_since()
    answers = current_answers()
    given_again = (
        question_id is not None
        and question_id in answers
        and (_plain({question_id: answers[question_id]}) == _plain({question_id: change.answers.get(question_id, "")}))
    )
    if noted is None or not given_again or not _moved_by_the_update(noted, current_state()):
        _note_rules(change.state)
    session[ANSWERS_KEY] = _plain(change.answers)
    if question_id is not None and question_id in change.answers:
        _note_words_answered(question_id)
        reworded = session.get(REWORDED_KEY)
        if isinstance(reworded, list) and question_id in reworded:
            session[REWORDED_KEY] = [item for item in reworded if item != question_id]
    if change.set_aside:
        session[SET_ASIDE_KEY] = _plain(change.set_aside)
    else:
        session.pop(SET_ASIDE_KEY, None)
    if change.dropped or change.restored or change.forgotten:
        # Counts only: a notice never holds an answer.
        session[NOTICE_KEY] = {
            "kind": "changed",
            "set_aside": len(change.dropped),
            "restored": len(change.restored),
            "asked_again": sorted(change.forgotten),  # question ids (never an answer)
            # A question answered for the first time has no answer to change back to: found (rules
            # maintainer's review), a question added by an update of the rules, answered, set aside
            # the answers after a retired one "if you change your answer back".
            "first_answer": question_id is not None and question_id not in answers,
        }
    ticks = asked_again_ticks()
    if question_id is not None and question_id in change.answers:
        ticks.pop(question_id, None)  # answered: its old ticks are done with
    if change.implied_again:
        # Said on the question asked again (question ids only, never an answer), over the set-aside
        # notice: the later answers come back once it is answered.
        session[NOTICE_KEY] = {"kind": IMPLIED_AGAIN, "questions": sorted(change.implied_again)}
        ticks.update({key: list(values) for key, values in change.implied_again.items()})
    if ticks:
        session[ASKED_AGAIN_TICKS_KEY] = ticks
    else:
        session.pop(ASKED_AGAIN_TICKS_KEY, None)


def asked_again_ticks() -> dict[str, list[str]]:
    """The boxes to tick again, beside what is implied, on each question asked again because a
    changed answer implies more for it (``save_change``)."""
    held = session.get(ASKED_AGAIN_TICKS_KEY)
    if not isinstance(held, Mapping):
        return {}
    return {
        str(key): [str(value) for value in values if isinstance(value, str)]
        for key, values in held.items()
        if isinstance(values, list)
    }


def _plain(answers: Mapping[str, Any]) -> dict[str, str | list[str]]:
    return {str(key): list(value) if isinstance(value, list | tuple) else str(value) for key, value in answers.items()}


def _read_again(question: Question) -> bool:
    """Whether an answer to ``question`` stands only under the words it was given to: a safety
    question's, and the statement confirmed before the outcome."""
    return question.risk or question.kind == "confirm"


def _note_words_answered(question_id: str) -> None:
    """Note the words of ``question_id`` as answered now, if its answer stands only under them."""
    question = current_pack().question(question_id)
    if question is None or not _read_again(question):
        return
    noted = session.get(WORDS_ANSWERED_KEY)
    noted = dict(noted) if isinstance(noted, dict) else {}
    digest = words_shown(question)
    read = _words_read(noted.get(question_id))
    if digest not in read:
        # Every wording answered (the last few): while servers are updated one by one, a server still on
        # the old words takes an answer given to them (found, regression review: asked again on every
        # change of server, never reaching the outcome), as does a rules update rolled back.
        session[WORDS_ANSWERED_KEY] = {**noted, question_id: [*read, digest][-WORDINGS_KEPT:]}


# How many wordings of one question a journey keeps as answered (``_note_words_answered``).
WORDINGS_KEPT = 4


def _words_read(held: object) -> list[str]:
    """The digests of the wordings a question was answered to, as the session holds them (one, as a
    string, in a session from before more were kept)."""
    if isinstance(held, str):
        return [held]
    return [str(item) for item in held] if isinstance(held, list) else []


def _answered_in_these_words(question: Question, noted: object) -> bool:
    """Whether ``question``'s words now are among those its answer was given to (``noted``: the
    session's ``WORDS_ANSWERED_KEY``)."""
    held = noted.get(question.id) if isinstance(noted, dict) else None
    return words_shown(question) in _words_read(held)


def _forget_answers_to_reworded_safety_questions() -> None:
    """Forget each answer (kept or set aside) to a safety question, or the statement confirmed, whose
    words the rules now in use have changed since it was given: the question is then the journey's
    next, its page saying it changed since it was answered (``asked_again_reworded``). Found (review of a
    rules update during use): "Is a child in immediate danger" widened to "or has a child told you
    today that they are being harmed?" was never asked of people part-way through, and their request
    recorded their "No" under words they never read. (A journey begun before the words were noted
    keeps its answers: what it read is not known.)"""
    noted = session.get(WORDS_ANSWERED_KEY)
    if not isinstance(noted, dict) or not noted:
        return
    pack = current_pack()
    reworded = {
        question_id
        for question_id in noted
        if (question := pack.question(str(question_id))) is not None
        and _read_again(question)
        and not _answered_in_these_words(question, noted)
    }
    if not reworded:
        return
    # (The wordings answered are kept: the answer given to these new words joins them.)
    pending = session.get(REWORDED_KEY)
    if (now_pending := sorted(reworded | set(pending if isinstance(pending, list) else ()))) != pending:
        session[REWORDED_KEY] = now_pending
    for key in (ANSWERS_KEY, SET_ASIDE_KEY):
        held = _read_answers(key)
        if reworded & held.keys():
            session[key] = {name: value for name, value in held.items() if name not in reworded}


def asked_again_reworded(question: Question) -> bool:
    """Whether ``question`` is asked again because it was reworded since it was answered (its page
    says so; regression review: a second reworded question was asked with only "your later answers
    have been set aside", and one whose answer was set aside at the time, with nothing)."""
    reworded = session.get(REWORDED_KEY)
    if not (isinstance(reworded, list) and question.id in reworded):
        return False
    # (Not in words answered before: the rules rolled back, or a server still on them.)
    return not _answered_in_these_words(question, session.get(WORDS_ANSWERED_KEY))


def current_state() -> JourneyState:
    """Where the journey stands now, evaluated against the loaded rule pack (once the rules have
    been updated, without any answer to a safety question reworded since it was given)."""
    if rules_updated_since() is not None:
        _forget_answers_to_reworded_safety_questions()
    return evaluate(current_pack(), current_answers())


def journey_url(state: JourneyState) -> str:
    """Where the journey should be now: the next unanswered question, or the outcome."""
    if state.outcome is not None or state.next_question is None:
        return url_for("wizard.result")
    return url_for("wizard.question", question_id=state.next_question.id)


def notice_out_of_order(state: JourneyState, *, no_request: bool = False) -> None:
    """Say why the journey goes back to its next question: "answer the questions in order", or,
    when that question has an answer kept that the rules no longer take (they changed while the
    journey was under way: an option taken out), that the question is asked again. Not over a
    notice that only one tab's answers were kept: that is why the page asked for is not where the
    answers kept lead, and the person whose answer went must be told (a "yes, a child is in danger"
    gone, the next question shown). With ``no_request`` (a request page asked for, Send request
    pressed in a tab opened before the answers or the rules changed), also that no request was
    sent (found, regression review: it landed on the question with nothing said of the request)."""
    pending = session.get(NOTICE_KEY)
    if isinstance(pending, dict) and pending.get("kind") == ONE_TAB_KEPT:
        if no_request:
            session[NOTICE_KEY] = {**pending, "no_request": True}
        return
    question = state.next_question
    answers = session.get(ANSWERS_KEY)
    kept = isinstance(answers, dict) and question is not None and question.id in answers
    # Found (robustness review): after an update of the rules that renamed or added a question, a
    # person part-way through was told to "answer the questions in order", which they had done.
    # And (rules maintainer's review) one that added a question on the way: the question next is
    # not the one it was before the update (an update of words alone leaves it: "in order").
    changed = isinstance(answers, dict) and any(state.pack.question(str(asked)) is None for asked in answers)
    noted = rules_updated_since()
    changed = changed or (noted is not None and noted.get("next") != (question.id if question else None))
    set_notice("asked_again" if kept else "questions_changed" if changed else "out_of_order")
    if no_request:
        session[NOTICE_KEY] = {**session[NOTICE_KEY], "no_request": True}
    if state.outcome is None:  # (at an outcome, its page notes the rules, seeing first if the update moved it)
        _note_rules(state)


# The outcome page's address says no request was sent (a request page was asked for): in the
# address, not the session, which the browser's tabs share (``notice_no_request``).
NOT_SENT_ARG = "not_sent"


def notice_no_request() -> bool:
    """Say that the answers now lead to an outcome that is not a request, so no request was sent
    (a request page asked for). Over a notice that only one tab's answers were kept, both: that one
    first, as the answer that went may be why (a "yes, a child is in danger" given in another tab
    as this tab changed an answer on check your answers): True. Otherwise nothing is left in the
    session (False): the outcome page's address says it (``NOT_SENT_ARG``), so it is said in the tab
    that asked. Found (review of two tabs in a real browser): a one-off notice was taken by whichever
    tab showed a page first, so the tab where Send request was pressed showed "Consult the LADO"
    with nothing saying the request had not gone, and the other tab said it instead."""
    pending = session.get(NOTICE_KEY)
    if isinstance(pending, dict) and pending.get("kind") == ONE_TAB_KEPT:
        session[NOTICE_KEY] = {**pending, "no_request": True}
        return True
    return False


# A question page's form carries this: what the question's answer was as the page was shown.
ANSWER_SHOWN_FIELD = "answer_shown"


# The length of ``answer_shown``'s first part, the answer's digest; the rest is the words'.
ANSWER_DIGEST_LENGTH = 32


def answer_shown(state: JourneyState, question: Question, with_mode: bool = True) -> str:
    """A digest of ``question``'s answer as ``state`` holds it (none, if not answered), then one of
    its words (``words_shown``): its page's form carries it (``ANSWER_SHOWN_FIELD``), and an answer
    sent from a page shown before that answer changed (in another tab or window), or before the
    question's words did (the rules updated), is not saved. Found (safeguarding review): a question
    page kept open in another tab, sent after "Yes, a child is in danger" was given in the other,
    put "No" back with nothing said; and (rules maintainer's review) a page shown before an update
    that reworded the answer chosen was taken under the new words, which the person never read.
    Not keyed: the page shows the answer and the words it covers. With the mode the page was shown in
    (routing review: the statement's page in the practitioner's words, open in one tab, was taken after
    the other changed who is using this); ``with_mode`` False: as a page shown before it was, for
    ``as_shown_now``."""
    step = state.step(question.id)
    held: list[object] = [question.id, step.value if step is not None else None, *([state.mode] if with_mode else [])]
    if step is None and (implied := state.suggested(question.id)):
        # Not answered: the boxes its page shows ticked by earlier answers. Found (regression review): a
        # tab left on the criteria, unanswered, sent "None of these" after another tab chose "unclear".
        held.append(list(implied))
    shown = json.dumps(held, sort_keys=True, default=str)
    return hashlib.sha256(shown.encode()).hexdigest()[:ANSWER_DIGEST_LENGTH] + words_shown(question)


def as_shown_now(shown: str, state: JourneyState, question: Question) -> str:
    """``shown`` (a question page's ``answer_shown``) in this version's form: a page shown before the
    digest held the mode (a deploy of that change while it was open) carries the answer's digest
    without it, and is read as showing the answer held now if that is the one it showed. Found
    (regression review): every answer sent from a page open during that deploy was refused, "changed
    in another tab or window"."""
    if hmac.compare_digest(
        shown[:ANSWER_DIGEST_LENGTH].encode(),
        answer_shown(state, question, with_mode=False)[:ANSWER_DIGEST_LENGTH].encode(),
    ):
        return answer_shown(state, question)[:ANSWER_DIGEST_LENGTH] + shown[ANSWER_DIGEST_LENGTH:]
    return shown


_WORDS_SHOWN: dict[tuple[str, str], str] = {}


def words_shown(question: Question) -> str:
    """A digest of what ``question``'s page says, in both modes: its title and hint, and each
    option's value, words and hint (not where the answers lead: the page does not say). Kept per
    rules version and question, as the rules do not change while the app runs."""
    key = (current_pack().version, question.id)
    if (digest := _WORDS_SHOWN.get(key)) is None:
        words = [
            question.kind,
            repr(question.title),
            repr(question.hint),
            [
                (option.value, repr(option.label), repr(option.hint), option.mode, option.exclusive)
                for option in question.options
            ],
        ]
        digest = _WORDS_SHOWN[key] = hashlib.sha256(json.dumps(words, default=str).encode()).hexdigest()[:16]
    return digest


def set_notice(kind: str, count: int = 0, reference: str = "") -> None:
    """Leave a one-off message for the next journey page (never an answer value; ``reference``
    is a submitted request's reference, for ``"earlier_request"``)."""
    session[NOTICE_KEY] = {"kind": kind, "count": int(count), **({"reference": reference} if reference else {})}


# What a browser with no answers asked for (``start_with_no_answers``): an outcome page, a request
# page, the supervision record, or a question's answer sent.
NO_ANSWERS_FOR = ("result", "request", "record", "answer")


def start_with_no_answers(asked_for: str) -> str:
    """Start a journey in a browser that has none, saying on its first question that there are no
    answers here (``asked_for``: one of ``NO_ANSWERS_FOR``). Found (browser review): an outcome
    page's address opened in a fresh browser (a bookmark, a link a colleague sent, Back after "Exit
    this page") went to the first question without a word, as if the result had been lost; an answer
    sent from a page kept open there was dropped without a word too. Returns the question's id."""
    if asked_for not in NO_ANSWERS_FOR:
        raise ValueError(f"asked_for must be one of {NO_ANSWERS_FOR}, not {asked_for!r}")
    if request.method == "HEAD":  # a link checker or a preview: nothing stored for it
        return current_pack().start
    start_journey()
    session[NOTICE_KEY] = {"kind": "no_answers", "count": 0, "asked_for": asked_for}
    return current_pack().start


def note_answer_not_saved() -> None:
    """With "answer the questions in order" (``notice_out_of_order``) after an answer was sent from
    a question the answers no longer reach: say that the answer was not saved, and why. Found
    (browser review): with another tab's answer leading to "Call 999", the answer sent from a page
    opened before landed on that outcome, saying only that the question is not asked."""
    pending = session.get(NOTICE_KEY)
    if isinstance(pending, dict) and pending.get("kind") == "out_of_order":
        session[NOTICE_KEY] = {**pending, "not_saved": True}


def pop_notice() -> dict[str, Any] | None:
    """Take the one-off message, if there is one."""
    notice = session.pop(NOTICE_KEY, None)
    return notice if isinstance(notice, dict) else None


def clear_journey() -> None:
    """Forget the journey: answers, token and any pending message (other session keys stay)."""
    for key in (ANSWERS_KEY, SET_ASIDE_KEY, WORDS_ANSWERED_KEY, REWORDED_KEY, TOKEN_KEY, NOTICE_KEY, RULES_KEY):
        session.pop(key, None)
    session.pop(ASKED_AGAIN_TICKS_KEY, None)


def start_afresh() -> str:
    """A new journey with nothing of the one before: its answers, and the request being written
    on it (``app.requests.views``: what was typed, the pages done, a confirmation). The session
    itself stays: its id, the other tabs' form tokens (an old tab's form then says the journey
    was begun again), a facilitator's sign-in, and the reference of a request already sent
    (``app.wizard.views.start`` drops it as it begins the new check). Returns the new journey's token."""
    for key in DRAFT_REQUEST_KEYS:
        session.pop(key, None)
    return start_journey()


__all__ = [
    "ANSWERS_KEY",
    "CONFIRMED_KEY",
    "DETAILS_KEY",
    "DETAILS_MODE_KEY",
    "DONE_KEY",
    "DRAFT_REQUEST_KEYS",
    "GIVEN_KEY",
    "GUARD_KEY",
    "MODE_LABELS",
    "NOTICE_KEY",
    "NOT_SENT_ARG",
    "OUTCOME_CHANGED",
    "RULES_KEY",
    "SENT_WITHOUT_CHANGE",
    "SENT_WITHOUT_DETAILS",
    "SET_ASIDE_KEY",
    "SUBMITTED_KEY",
    "SUBMITTED_MODE_KEY",
    "TOKEN_KEY",
    "WORDS_ANSWERED_KEY",
    "clear_journey",
    "current_answers",
    "current_state",
    "has_journey",
    "journey_token",
    "journey_url",
    "just_submitted",
    "moved_by_an_update",
    "note_answer_not_saved",
    "notice_no_request",
    "notice_out_of_order",
    "outcome_shown",
    "pop_notice",
    "rules_updated_since",
    "save_answers",
    "save_change",
    "set_aside_answers",
    "set_notice",
    "start_afresh",
    "start_journey",
]
