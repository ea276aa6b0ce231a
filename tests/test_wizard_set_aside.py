"""Misclick-safe changes through HTTP: answers that no longer apply are set aside, not shown
anywhere, and come back when the answer is changed back; the page says what happened."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from app.journey import ANSWER_SHOWN_FIELD, ANSWERS_KEY, SET_ASIDE_KEY
from app.models import StoredRequest
from support.submission import ELIGIBLE_PATH, SUPERVISION_PATH, fill_details, submit, to_outcome, with_answers
from support.walk import Walker, outcome_of, page_text, path_of

LATER = [question_id for question_id, _ in ELIGIBLE_PATH[2:]]  # the answers after the safety answer


def stored(client: FlaskClient, key: str) -> dict[str, object]:
    """One of the journey's answer maps, as the server holds it."""
    with client.session_transaction() as session:
        return dict(session.get(key, {}))


def question_rows(page: str) -> set[str]:
    """The questions a page lists with a change link (outcome and check-answers pages)."""
    return set(re.findall(r'href="/questions/([a-z_]+)', page))


def banner(page: str) -> str:
    """The journey notice's text, or '' when there is none."""
    found = re.search(r'class="govuk-notification-banner app-journey-notice.*?</div>\s*</div>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split()) if found else ""


def test_a_safety_answer_changed_and_changed_back_brings_the_ten_answers_back(client: FlaskClient) -> None:
    walker = to_outcome(client)
    before = stored(client, ANSWERS_KEY)
    fill_details(walker)
    check = walker.get("/request/check-answers")
    assert question_rows(page_text(check)) >= set(LATER)

    # The misclick, made from check your answers: the later answers are set aside, not shown.
    response = walker.post("/questions/immediate_danger?return_to=check-answers", {"answer": "yes"})
    assert path_of(response.location) == "/result"
    result = page_text(walker.follow(response.location))
    assert outcome_of(walker.follow("/result")) == "U1"
    assert set(stored(client, ANSWERS_KEY)) == {"mode", "immediate_danger"}
    assert set(stored(client, SET_ASIDE_KEY)) == set(LATER)
    assert (
        "Your later answers have been set aside because they no longer apply. "
        "If you change your answer back, they will come back." in banner(result)
    )
    assert question_rows(result) == {"mode", "immediate_danger"}
    # "Call 999" comes first, then who to contact; the notice about the other answers after them
    # (new-user review; practitioner review: at 400% zoom the notice pushed the numbers off the
    # first screen).
    contacts = result.index("Who to contact now")
    card = result.index('class="govuk-link govuk-!-font-weight-bold" href="tel:999"')  # (not the notice's at the top)
    assert result.index("<h1") < contacts < card < result.index("have been set aside")

    # Changed back from check your answers: all ten come back and the request goes on.
    walker.get("/questions/immediate_danger?return_to=check-answers")
    response = walker.post("/questions/immediate_danger?return_to=check-answers", {"answer": "no"})
    assert path_of(response.location) == "/request/check-answers"
    check = walker.follow(response.location)
    assert check.status_code == 200
    assert stored(client, ANSWERS_KEY) == before and stored(client, SET_ASIDE_KEY) == {}
    assert question_rows(page_text(check)) >= set(LATER)
    assert "they have come back" in banner(page_text(check))


def test_set_aside_answers_are_not_shown_or_counted_when_they_do_not_apply(app: Flask, client: FlaskClient) -> None:
    walker = to_outcome(client)
    # A worry about an adult who works with children: the LADO outcome; the answers after it
    # are set aside and appear nowhere on the outcome page, nor in the anonymous counts.
    response = walker.answer("allegation", "yes")
    result = walker.follow(response.location)
    assert outcome_of(result) == "L"
    assert question_rows(page_text(result)) == {"mode", "immediate_danger", "unshared_concern", "allegation"}
    assert set(stored(client, SET_ASIDE_KEY)) == set(LATER) - {"unshared_concern", "allegation"}
    with app.app_context():
        from app.extensions import db
        from app.stats.models import Count

        rows = db.session.scalars(db.select(Count)).all()
        assert {row.subject: row.count for row in rows if row.kind == "outcome"} == {"P": 1, "L": 1}
        criteria = {row.subject: row.count for row in rows if row.kind == "criterion"}
        assert criteria and set(criteria.values()) == {1}  # counted with P; the set-aside ones not again with L
    # The request pages are closed to a journey whose live answers do not lead there.
    assert path_of(walker.get("/request/check-answers").location) == "/result"


def test_supervision_mode_words_the_notice_for_the_practitioner(client: FlaskClient) -> None:
    walker = to_outcome(client, SUPERVISION_PATH)
    result = walker.follow(walker.answer("immediate_danger", "not_sure").location)
    text = banner(page_text(result))
    assert "The later answers have been set aside because they no longer apply." in text
    assert "Your" not in text
    result = walker.follow(walker.answer("immediate_danger", "no").location)
    assert "Check with the practitioner" in banner(page_text(result))
    assert outcome_of(result) == outcome_of(to_outcome(client, SUPERVISION_PATH).follow("/result"))


def test_a_notice_is_shown_once(client: FlaskClient) -> None:
    walker = to_outcome(client)
    walker.answer("immediate_danger", "yes")
    assert banner(page_text(walker.follow("/result")))
    assert banner(page_text(walker.follow("/result"))) == ""


def test_set_aside_answers_are_cleared_on_exit_and_start_again(client: FlaskClient) -> None:
    walker = to_outcome(client)
    walker.answer("immediate_danger", "yes")
    assert stored(client, SET_ASIDE_KEY)
    walker.get("/exit")
    assert stored(client, SET_ASIDE_KEY) == {}
    walker = to_outcome(client)
    walker.answer("immediate_danger", "yes")
    walker.post("/start-again", {})
    assert stored(client, SET_ASIDE_KEY) == {}
    # A new journey starts without them, so changing the answer back brings nothing back.
    walker = Walker(client)  # the old session (and its form token) is gone
    walker.walk(ELIGIBLE_PATH[:1])
    response = walker.answer("immediate_danger", "no")
    assert path_of(response.location) == "/questions/unshared_concern"


def test_a_submitted_request_holds_only_the_live_answers_and_clears_the_set_aside_ones(
    app: Flask, client: FlaskClient
) -> None:
    walker = to_outcome(client)
    walker.answer("immediate_danger", "yes")
    walker.answer("immediate_danger", "no")  # everything back: eligible again
    fill_details(walker)
    response = submit(walker)
    assert path_of(response.location) == "/request/submitted"
    assert stored(client, SET_ASIDE_KEY) == {} and stored(client, ANSWERS_KEY) == {}
    with app.app_context():
        from app.extensions import db

        saved = db.session.scalars(db.select(StoredRequest)).all()
        assert len(saved) == 1


def change_from_check(walker: Walker, question_id: str, value: str | list[str]) -> str:
    """Change one journey answer from check your answers, as its Change link does; the page it leads to."""
    url = f"/questions/{question_id}?return_to=check-answers"
    walker.get(url)
    response = walker.post(url, {"answer": value})
    assert response.status_code == 302, (question_id, response.status_code)
    return path_of(response.location)


def test_answers_changed_from_check_answers_leave_nothing_of_the_old_route_on_the_request_or_its_pdf(
    app: Flask, client: FlaskClient
) -> None:
    """CONTENT.md: the request carries the criteria "from `criteria`", the event month only "if
    criterion 4", and the flags "from the journey". Changed on check your answers (the review flag,
    the debrief criterion, "not discussed in supervision"), and with a detour through the LADO
    outcome and back, the request sent and its PDF hold the new answers only: no flag, no
    criterion, no event month and no answer label from the route as it was."""
    from app.pack import current_pack
    from app.requests.document import request_document
    from app.requests.service import request_pdf_html
    from support.pdf import pdf_attachment_json
    from support.submission import run_outbox, with_answers

    path = with_answers(ELIGIBLE_PATH, serious_incident="yes_referred", criteria=["stuck", "debrief"])
    walker = to_outcome(client, path)
    fill_details(walker)  # with the significant event's month (March 2025)
    check = page_text(walker.get("/request/check-answers"))
    old = (
        "A practice review may be under way",
        "Not discussed in supervision before this request",
        "Yes, and it has been referred, or a review is under way",
        "I want to reflect and debrief after a significant event",
        "March 2025",
    )
    assert all(words in check for words in old)

    assert change_from_check(walker, "serious_incident", "no") == "/request/check-answers"
    assert change_from_check(walker, "criteria", ["stuck"]) == "/request/check-answers"
    assert change_from_check(walker, "supervision_discussed", "yes") == "/request/check-answers"
    assert change_from_check(walker, "allegation", "yes") == "/result"
    assert outcome_of(walker.follow("/result")) == "L"
    assert path_of(walker.get("/request/check-answers").location) == "/result"
    assert change_from_check(walker, "allegation", "no") == "/request/check-answers"
    check = page_text(walker.get("/request/check-answers"))
    assert not any(words in check for words in old)
    assert path_of(submit(walker).location) == "/request/submitted"

    with app.app_context():
        from app.extensions import db

        [request] = db.session.scalars(db.select(StoredRequest)).all()
        assert request.outcome_id == "P" and request.flags == []
        assert request.answers == {
            **dict(ELIGIBLE_PATH),
            "criteria": ["stuck"],
            "supervision_discussed": "yes",
        }
        assert [c["value"] for c in request.details["criteria"]] == ["stuck"]
        assert request.details["event_month"] == ""
        document = request_document(request)
        with app.test_request_context():
            pdf_page = " ".join(request_pdf_html(document, "today", current_pack().name).split())
    run_outbox(app)
    assert pdf_attachment_json(client.get("/request/submitted/request.pdf").get_data()) == document
    assert "Summary for the facilitators" in pdf_page and "I feel stuck" in pdf_page
    for words in (*old, "When the significant event was", "Consult the Local Authority Designated Officer"):
        assert words not in pdf_page, words


def test_a_supervision_record_asked_for_after_a_change_is_the_new_outcomes_without_the_set_aside_answers(
    app: Flask, client: FlaskClient
) -> None:
    """CONTENT.md: in supervision mode every outcome offers the supervision record. Asked for on the
    eligible outcome, then again after "immediate danger" is changed to Yes, the record is U1's (call
    999, the out-of-hours team) and holds none of the answers set aside, nor the request's flags."""
    from app.models import SupervisionRecord

    path = tuple((q, "no" if q == "supervision_discussed" else v) for q, v in SUPERVISION_PATH)
    walker = to_outcome(client, path)
    assert client.get("/request/supervision-record").status_code == 200
    assert outcome_of(walker.follow(walker.answer("immediate_danger", "yes").location)) == "U1"
    assert client.get("/request/supervision-record").status_code == 200
    with app.app_context():
        from app.extensions import db

        [record] = db.session.scalars(db.select(SupervisionRecord)).all()
        made = re.sub(r"<style.*?</style>", "", record.html or "", flags=re.S)
    made = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", made)).split())
    assert "Call 999 and contact children's social care now" in made
    assert "0161 794 8888" in made and "Outside the Bridge Partnership's hours" in made
    assert "Made in supervision with the practitioner's manager or supervisor" in made
    for gone in (
        "What would the practitioner like a reflective space to help with?",
        "Are other agencies involved with this child or family, or should they be?",
        "Not discussed in supervision before this request",
        "The practitioner can ask for a Space to Think session",
    ):
        assert gone not in made, gone


def test_an_answer_that_only_brings_answers_back_does_not_say_answers_were_set_aside(client: FlaskClient) -> None:
    """Found (mutation review): nothing would notice "your later answers have been set aside" said
    of a change that set none aside, only brought one back."""
    walker = Walker(client)
    walker.walk(ELIGIBLE_PATH)
    walker.answer("decision_needed", "yes")  # D: the later answers set aside
    walker.answer("disagreement", "want_review")  # E: decision_needed set aside too
    response = walker.answer("disagreement", "no")  # decision_needed comes back (D); the others stay aside
    page = page_text(walker.get(response.location))
    assert 'data-notice="restored"' in page and 'data-notice="set-aside"' not in page


def test_a_changed_answer_that_implies_a_criterion_asks_the_criteria_again_with_it_ticked(client: FlaskClient) -> None:
    """Found (routing review): with "None of these" reflective-space criteria, then "unclear about a
    decision" chosen for the disagreement question (which is the first criterion, ticked in advance
    on a first visit), the old "None of these" went on routing to "supervision or another route",
    the page listing both answers; and criteria given without the first were sent without it. The
    criteria are now asked again, the first criterion ticked with those ticked before."""
    walker = Walker(client)
    none_of_these = with_answers(ELIGIBLE_PATH, criteria=["none"])
    walker.walk(none_of_these[: [q for q, _ in none_of_these].index("criteria") + 1])
    assert outcome_of(walker.follow("/result")) == "S"
    criteria_page = walker.get("/questions/criteria").get_data(as_text=True)
    found = re.search(rf'name="{ANSWER_SHOWN_FIELD}"[^>]*value="([^"]*)"', criteria_page)
    assert found is not None
    shown_before = found.group(1)
    response = walker.post("/questions/disagreement?return_to=result", {"answer": "unclear"})
    assert path_of(response.location) == "/questions/criteria"
    page = walker.follow(response.location).get_data(as_text=True)
    ticked = set(re.findall(r'value="([a-z_]+)"\s+checked', page))
    assert ticked == {"stuck"}, ticked  # (not "None of these")
    assert "already ticked because of an earlier answer" in page
    shown = banner(page)
    assert "An answer was changed, so a box on this question may now apply, and it is ticked." in shown
    assert "set aside" not in shown
    # Back, and the answer before sent again unchanged: the criteria are still to be answered (found,
    # regression review: set aside, the old "None of these" came back and routed to S again).
    again = walker.post("/questions/decision_needed?return_to=result", {"answer": "no"})
    assert path_of(again.location) == "/questions/criteria"
    again = walker.post("/questions/disagreement", {"answer": "unclear"})
    assert path_of(again.location) == "/questions/criteria"
    assert walker.get("/result").status_code == 302  # no outcome until the criteria are answered
    # A tab left open on the criteria with "None of these" (shown before the change), sent: refused,
    # and shown with the implied box ticked (regression review: "the answer now selected", none was).
    refused = walker.post("/questions/criteria", {"answer": ["none"], ANSWER_SHOWN_FIELD: shown_before})
    page = refused.get_data(as_text=True)
    assert "the answer to this question was changed after this page was shown" in page
    assert set(re.findall(r'value="([a-z_]+)"\s+checked', page)) == {"stuck"}

    # Criteria given without the first (P, a request): asked again with both ticked.
    walker = Walker(client.application.test_client())
    walker.walk(with_answers(ELIGIBLE_PATH, criteria=["debrief"]))
    assert outcome_of(walker.follow("/result")) == "P"
    response = walker.post("/questions/disagreement?return_to=result", {"answer": "unclear"})
    assert path_of(response.location) == "/questions/criteria"
    page = walker.follow(response.location).get_data(as_text=True)
    assert set(re.findall(r'value="([a-z_]+)"\s+checked', page)) == {"stuck", "debrief"}
    # Changed from check your answers: Back on the question asked again goes to the question before,
    # not to check your answers, which would send it straight back (regression review).
    checking = Walker(client.application.test_client())
    checking.walk(with_answers(ELIGIBLE_PATH, criteria=["debrief"]))
    asked = checking.post("/questions/disagreement?return_to=check-answers", {"answer": "unclear"})
    assert path_of(asked.location) == "/questions/criteria"
    back = re.search(
        r'class="govuk-back-link"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*class="govuk-back-link"',
        checking.follow(asked.location).get_data(as_text=True),
    )
    assert back is not None and (back.group(1) or back.group(2)) == "/questions/decision_needed", back
    # Answered, the answers after it come back: straight to the outcome, a request as before.
    response = walker.post("/questions/criteria?return_to=result", {"answer": ["stuck", "debrief"]})
    assert path_of(response.location) == "/result" and outcome_of(walker.follow("/result")) == "P"

    # Implied before too, and unticked by the person: their choice stands (not asked again).
    walker = Walker(client.application.test_client())
    unclear_first = with_answers(none_of_these, disagreement="unclear")
    walker.walk(unclear_first[: [q for q, _ in unclear_first].index("criteria") + 1])
    assert outcome_of(walker.follow("/result")) == "S"
    response = walker.post("/questions/decision_needed?return_to=result", {"answer": "no"})
    assert path_of(response.location) == "/result"


def test_criteria_answered_before_unclear_and_brought_back_after_a_detour_are_asked_again(client: FlaskClient) -> None:
    """Found (regression review): criteria given under "No" to the disagreement question, set aside
    by a detour (a decision needed: D), then "unclear" chosen, came back when the detour was undone
    without the first criterion, and went to the request so. Brought back, they are asked again."""
    walker = Walker(client)
    walker.walk(with_answers(ELIGIBLE_PATH, criteria=["needs"]))
    assert outcome_of(walker.follow("/result")) == "P"
    walker.post("/questions/decision_needed?return_to=result", {"answer": "yes"})
    assert outcome_of(walker.follow("/result")) == "D"
    walker.post("/questions/disagreement?return_to=result", {"answer": "unclear"})
    assert outcome_of(walker.follow("/result")) == "D"
    response = walker.post("/questions/decision_needed?return_to=result", {"answer": "no"})
    assert path_of(response.location) == "/questions/criteria"
    page = walker.follow(response.location).get_data(as_text=True)
    assert set(re.findall(r'value="([a-z_]+)"\s+checked', page)) == {"stuck", "needs"}


def test_a_tab_left_on_the_unanswered_criteria_cannot_send_them_without_what_another_tab_implied(
    client: FlaskClient,
) -> None:
    """Found (regression review): a tab left on the criteria page, unanswered, with "No" to the
    disagreement question; another tab chose "unclear"; the first sent "None of these" and reached
    "supervision or another route". Refused now: the page shown again, the first criterion ticked."""
    walker = Walker(client)
    walker.walk(ELIGIBLE_PATH[: [q for q, _ in ELIGIBLE_PATH].index("criteria")])
    page = walker.get("/questions/criteria").get_data(as_text=True)
    found = re.search(rf'name="{ANSWER_SHOWN_FIELD}"[^>]*value="([^"]*)"', page)
    assert found is not None and "checked" not in page
    walker.post("/questions/disagreement", {"answer": "unclear"})  # the other tab
    refused = walker.post("/questions/criteria", {"answer": ["none"], ANSWER_SHOWN_FIELD: found.group(1)})
    shown = refused.get_data(as_text=True)
    assert "the answer to this question was changed after this page was shown" in shown
    assert set(re.findall(r'value="([a-z_]+)"\s+checked', shown)) == {"stuck"}
    assert walker.get("/result").status_code == 302  # not answered: no outcome
