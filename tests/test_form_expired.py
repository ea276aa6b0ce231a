"""A form whose security token (CSRF) is missing or out of date on the request pages and the
feedback page: the same page again, with what was typed, a message that it was not saved, and
nothing saved or sent (security review, section 4).

Found: these posts gave the generic "This form has expired" page, which threw away what was
typed and, after "Start again" or "Exit" in another tab, said the earlier answers were kept.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import secrets

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import StoredRequest, utcnow
from app.sessions import JourneySessionRow
from app.space_sessions.models import FeedbackComment, FeedbackToken
from app.space_sessions.service import feedback_token_works, token_hash
from app.stats.models import Count
from support.pages import checked_field, listed_digest
from support.submission import (
    ELIGIBLE_PATH,
    SUPERVISION_PATH,
    VALID_DETAILS,
    fill_details,
    make_request,
    to_outcome,
    token_from,
)
from support.walk import Walker, checked_values, title_of

# A bad token (stale, or from another session) and no token at all.
TOKENS = pytest.mark.parametrize("bad_token", ["bogus", None], ids=["bad-token", "no-token"])
MODES = pytest.mark.parametrize("mode", ["practitioner", "supervision"])
PATHS = {"practitioner": ELIGIBLE_PATH, "supervision": SUPERVISION_PATH}
WHY = "because the page had been open for a long time or the service was used in another tab"
TYPED = "Pelicanwobble: the team keeps going round in circles about who should lead."
IDENTIFYING = "Pelicanwobble said the school at M6 5FX saw him."


def post_with(walker: Walker, url: str, data: dict[str, object], bad_token: str | None) -> TestResponse:
    """POST with a wrong token (``bad_token``) or none (None)."""
    form = dict(data)
    if bad_token is not None:
        form["csrf_token"] = bad_token
    return walker.post(url, form, with_token=False)


def text_of(response: TestResponse) -> str:
    """The page's main content as plain text."""
    page = response.get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


def summary_of(response: TestResponse) -> list[str]:
    """The messages in the page's GOV.UK error summary (empty if there is none)."""
    page = response.get_data(as_text=True)
    found = re.search(
        r'<div class="govuk-error-summary".*?<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S
    )
    if found is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def summary_links(response: TestResponse) -> list[str]:
    """Where the error summary's messages link to."""
    page = response.get_data(as_text=True)
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    return re.findall(r'href="([^"]+)"', found.group(0)) if found else []


def stored_details(client: FlaskClient) -> dict[str, object]:
    """What the server holds of the request's details for this client's session."""
    with client.session_transaction() as session:
        return dict(session.get("request_details", {}))


def session_value(client: FlaskClient, key: str) -> object:
    with client.session_transaction() as session:
        return session.get(key)


def request_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(StoredRequest)) or 0)


def walk_to(client: FlaskClient, mode: str) -> Walker:
    """A journey at the eligible outcome in ``mode``."""
    return to_outcome(client, PATHS[mode])


# --- a details page --------------------------------------------------------------------------


@MODES
@TOKENS
def test_a_details_page_comes_back_with_what_was_typed_and_saves_nothing(
    client: FlaskClient, mode: str, bad_token: str | None
) -> None:
    walker = walk_to(client, mode)
    assert walker.get("/request/reflection").status_code == 200
    response = post_with(walker, "/request/reflection", {"reflection": TYPED}, bad_token)
    assert response.status_code == 400
    assert 'data-request-page="reflection"' in response.get_data(as_text=True)
    assert TYPED in text_of(response)  # in the field, as typed
    assert title_of(response).startswith("Error: ")
    if mode == "supervision":
        expected = f"The practitioner's answers on this page were not saved {WHY}. "
        expected += "Check the practitioner's answers and select Continue"
    else:
        expected = f"Your answers on this page were not saved {WHY}. Check your answers and select Continue"
    assert summary_of(response) == [expected]
    assert summary_links(response) == ["#reflection"]
    # Nothing was saved: not in the session, not on the page opened again, the page not done.
    assert "reflection" not in stored_details(client)
    assert "reflection" not in (session_value(client, "request_pages_done") or [])
    assert TYPED not in text_of(walker.get("/request/reflection"))
    # The page shown again carries a working token: Continue saves what is in the fields.
    saved = walker.client.post("/request/reflection", data={"reflection": TYPED, "csrf_token": token_from(response)})
    assert saved.status_code == 302
    assert stored_details(client)["reflection"] == TYPED


@TOKENS
def test_a_page_of_several_fields_keeps_each_one_and_a_change_stays_a_change(
    client: FlaskClient, bad_token: str | None
) -> None:
    walker = walk_to(client, "practitioner")
    fill_details(walker)
    typed = {"name": "Kingfisher Long", "job_role": "", "agency": "North team", "email": "k@", "phone": "12"}
    response = post_with(walker, "/request/about-you?change=1", typed, bad_token)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for value in ("Kingfisher Long", "North team", "k@"):
        assert f'value="{value}"' in page
    assert 'action="/request/about-you?change=1"' in page  # still a change from check your answers
    assert summary_links(response) == ["#name"]
    assert [text.startswith("Your answers on this page were not saved") for text in summary_of(response)] == [True]
    assert stored_details(client)["name"] == VALID_DETAILS["name"]


# --- the identifying-data warning's confirmation ---------------------------------------------


@MODES
@TOKENS
def test_the_confirmation_comes_back_unconfirmed(client: FlaskClient, mode: str, bad_token: str | None) -> None:
    walker = walk_to(client, mode)
    response = fill_details(walker, {**VALID_DETAILS, "reflection": IDENTIFYING})
    assert response.location.endswith("/request/check-what-you-wrote")
    assert walker.get("/request/check-what-you-wrote").status_code == 200
    response = post_with(walker, "/request/check-what-you-wrote", {}, bad_token)
    assert response.status_code == 400
    text = text_of(response)
    assert "Check what you wrote does not identify anyone" in text and "M6 5FX" in text
    assert title_of(response).startswith("Error: ")
    # The person at the keyboard confirms, in either mode: the page speaks to them.
    assert summary_of(response) == [
        f"Your confirmation was not saved {WHY}. "
        "Check what you wrote, and select Continue again if it does not identify anyone"
    ]
    assert summary_links(response) == ["#confirm"] and 'id="confirm"' in response.get_data(as_text=True)
    # Nothing was confirmed: check your answers still sends you to the warning.
    assert session_value(client, "request_confirmed") is None
    assert walker.get("/request/check-answers").location.endswith("/request/check-what-you-wrote")
    # The page shown again carries a working token.
    shown = response.get_data(as_text=True)
    data = {"csrf_token": token_from(response), "listed": listed_digest(shown)}
    confirmed = walker.client.post("/request/check-what-you-wrote", data=data)
    assert confirmed.status_code == 302 and confirmed.location.endswith("/request/check-answers")


# --- submission --------------------------------------------------------------------------------


@MODES
@TOKENS
def test_a_submission_goes_back_to_check_your_answers_and_sends_nothing(
    client: FlaskClient, app: Flask, mode: str, bad_token: str | None
) -> None:
    walker = walk_to(client, mode)
    fill_details(walker, {**VALID_DETAILS, "reflection": TYPED})
    assert walker.get("/request/check-answers").status_code == 200
    response = post_with(walker, "/request/submit", walker.shown, bad_token)
    assert response.status_code == 400
    text = text_of(response)
    assert TYPED in text and VALID_DETAILS["name"] in text  # the answers, as on check your answers
    assert title_of(response).startswith("Error: ")
    if mode == "supervision":
        expected = f"The practitioner's request has not been sent {WHY}. Check the answers and select Send request"
    else:
        expected = f"Your request has not been sent {WHY}. Check your answers and select Send request"
    assert summary_of(response) == [expected]
    assert summary_links(response) == ["#send-request"] and 'id="send-request"' in response.get_data(as_text=True)
    # Nothing was sent, and nothing was cleared.
    assert request_count(app) == 0
    assert session_value(client, "submitted_reference") is None
    assert stored_details(client)["reflection"] == TYPED
    # Send request on the page shown again sends it.
    sent = walker.client.post("/request/submit", data=checked_field(response))
    assert sent.status_code == 302 and sent.location.endswith("/request/submitted")
    assert request_count(app) == 1


# --- when the journey is no longer there -----------------------------------------------------


@pytest.mark.parametrize("elsewhere", ["/exit", "/start-again"])
def test_after_exit_or_start_again_in_another_tab_the_page_says_so_saves_nothing_and_gives_back_the_text(
    client: FlaskClient, app: Flask, elsewhere: str
) -> None:
    walker = walk_to(client, "practitioner")
    page = walker.get("/request/reflection")
    old_token = token_from(page)
    # Another tab: Exit (a link), or Start again (a form, with its token) and then a new check begun.
    if elsewhere == "/exit":
        walker.get("/exit")
    else:
        walker.post("/start-again", {})
        walker.follow("/start")
    response = walker.client.post("/request/reflection", data={"reflection": TYPED, "csrf_token": old_token})
    assert response.status_code == 400
    text = text_of(response)
    assert "This form has expired" in text and "Nothing on this page was saved" in text
    assert "have been kept" not in text  # (it said the earlier answers were kept: they were not)
    if elsewhere == "/exit":
        assert "no longer here" in text and 'href="/start"' in response.get_data(as_text=True)
    else:
        # (Found, review: it said only "started again", to someone whose other tab changed an answer.)
        assert "the check was started again, or an answer changed, in another tab" in text
        assert 'href="/questions/mode"' in response.get_data(as_text=True)  # where the new check stands
    assert "reflection" not in stored_details(client)
    # Found (tester): what was typed was thrown away here, though the page for a session that ran
    # out gives it back; now it is given back too, read-only, to copy.
    assert "What you typed on that page is below" in text
    assert f"readonly>{html.escape(TYPED, quote=False)}</textarea>" in response.get_data(as_text=True)


def test_a_details_page_sent_after_the_request_went_from_another_tab_gives_back_what_was_typed(
    client: FlaskClient, app: Flask
) -> None:
    """Found (tester): a details page sent after Send request in another tab went to the
    "Request sent" page, with no word that what had just been typed was not in the request."""
    walker = walk_to(client, "practitioner")
    fill_details(walker)
    old_token = token_from(walker.get("/request/reflection"))
    walker.get("/request/check-answers")  # the other tab
    assert walker.post("/request/submit", walker.shown).status_code == 302
    response = walker.client.post("/request/reflection", data={"reflection": TYPED, "csrf_token": old_token})
    assert response.status_code == 400
    text = text_of(response)
    assert "the request had already been sent" in text and "was not added to it" in text
    assert f"readonly>{html.escape(TYPED, quote=False)}</textarea>" in response.get_data(as_text=True)
    assert 'href="/request/submitted"' in response.get_data(as_text=True)
    assert request_count(app) == 1
    # With nothing typed (a page of choices), straight to the request that was sent, as before.
    for token in (old_token, "bogus"):
        response = walker.client.post("/request/manager", data={"manager_knows": "yes", "csrf_token": token})
        assert response.status_code == 302 and response.location.endswith("/request/submitted")


def test_a_details_page_sent_after_the_answers_changed_in_another_tab_gives_back_what_was_typed(
    client: FlaskClient, app: Flask
) -> None:
    """Found (tester): after an answer was changed in another tab so that it no longer leads to
    a request, a details page sent went to the outcome, and what had been typed was lost."""
    walker = walk_to(client, "practitioner")
    token = token_from(walker.get("/request/reflection"))
    assert walker.answer("immediate_danger", "yes").status_code == 302  # the other tab
    response = walker.client.post("/request/reflection", data={"reflection": TYPED, "csrf_token": token})
    assert response.status_code == 400
    text = text_of(response)
    assert "the answers it belonged to changed after it was shown" in text and "Nothing on this page was saved" in text
    assert f"readonly>{html.escape(TYPED, quote=False)}</textarea>" in response.get_data(as_text=True)
    assert 'href="/result"' in response.get_data(as_text=True)  # where the check stands now
    assert "reflection" not in stored_details(client) and request_count(app) == 0


@pytest.mark.parametrize("elsewhere", ["/exit", "/start-again"])
def test_a_question_sent_after_exit_or_start_again_in_another_tab_does_not_say_answers_were_kept(
    client: FlaskClient, elsewhere: str
) -> None:
    """Found (journey review): a question's Continue after Start again or Exit this page in
    another tab said "Your answers to earlier questions have been kept"; they had been cleared."""
    walker = Walker(client)
    walker.start()
    assert walker.answer("mode", "practitioner").status_code == 302
    old_token = token_from(walker.get("/questions/immediate_danger"))
    if elsewhere == "/exit":
        walker.get("/exit")
    else:
        walker.post("/start-again", {})
    response = client.post("/questions/immediate_danger", data={"answer": "no", "csrf_token": old_token})
    assert response.status_code == 400
    text = text_of(response)
    assert "This form has expired" in text and "have been kept" not in text
    assert "Your answers are no longer here: they were cleared" in text
    assert 'href="/start">Start again</a>' in response.get_data(as_text=True)


def test_a_session_that_ran_out_says_the_answers_were_cleared(client: FlaskClient, app: Flask) -> None:
    walker = walk_to(client, "practitioner")
    page = walker.get("/request/reflection")
    with app.app_context():
        db.session.execute(update(JourneySessionRow).values(expires_at=utcnow() - dt.timedelta(minutes=1)))
        db.session.commit()
    response = walker.client.post("/request/reflection", data={"reflection": TYPED, "csrf_token": token_from(page)})
    assert response.status_code == 400
    text = text_of(response)
    assert "so we cleared your answers" in text and "have been kept" not in text
    # What was typed is given back to copy, and kept nowhere (see the test below).
    assert "reflection" not in stored_details(client)


# --- the feedback form -------------------------------------------------------------------------


def feedback_link(app: Flask) -> str:
    """A working single-use feedback link (as the email after a held session gives)."""
    token = secrets.token_urlsafe(32)
    with app.app_context():
        submission = make_request()
        now = utcnow()
        db.session.add(
            FeedbackToken(
                token_hash=token_hash(token),
                request_id=submission.request.id,
                created_at=now,
                expires_at=now + dt.timedelta(days=28),
            )
        )
        db.session.commit()
    return f"/feedback/{token}"


def feedback_stored(app: Flask, path: str) -> tuple[int, list[str], bool]:
    """Feedback counted, comments kept, and whether the link still works."""
    with app.app_context():
        counted = int(db.session.scalar(select(func.count()).select_from(Count).where(Count.kind == "feedback")) or 0)
        comments = list(db.session.scalars(select(FeedbackComment.text)))
        return counted, comments, feedback_token_works(path.rsplit("/", 1)[1])


COMMENT = "Kingfisherlong: it helped us slow down and think."
STALE = pytest.mark.parametrize("stale", ["bad-token", "no-token", "session-ran-out"])


@STALE
def test_feedback_comes_back_with_the_score_and_comment_and_stores_nothing(
    client: FlaskClient, app: Flask, stale: str
) -> None:
    path = feedback_link(app)
    page = client.get(path)
    assert page.status_code == 200
    data = {"score": "5", "comment": COMMENT}
    if stale == "bad-token":
        data["csrf_token"] = "bogus"
    elif stale == "session-ran-out":  # left open for longer than the idle limit: the token's session is gone
        with app.app_context():
            db.session.execute(update(JourneySessionRow).values(expires_at=utcnow() - dt.timedelta(minutes=1)))
            db.session.commit()
        data["csrf_token"] = token_from(page)
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "How much did the Space to Think session help you?" in text_of(response)
    assert COMMENT in text_of(response)
    assert checked_values(response) == ["5"]
    assert title_of(response).startswith("Error: ")
    assert summary_of(response) == [f"Your answer was not sent {WHY}. Check your answer and select Send"]
    assert summary_links(response) == ["#score"]
    assert feedback_stored(app, path) == (0, [], True)  # nothing counted or kept; the link still works
    # Send on the page shown again stores the answer.
    sent = client.post(path, data={"score": "5", "comment": COMMENT, "csrf_token": token_from(response)})
    assert sent.status_code == 302 and sent.location.endswith("/feedback/thank-you")
    assert feedback_stored(app, path) == (1, [COMMENT], False)


def test_feedback_with_identifying_data_shows_its_warning_again(client: FlaskClient, app: Flask) -> None:
    path = feedback_link(app)
    client.get(path)
    comment = "The family at M6 5HH felt heard"
    response = client.post(path, data={"score": "4", "comment": comment})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "data-identifying-warning" in page and "M6 5HH" in text_of(response)
    # In the words around it (found, review: only the request's warning showed them).
    assert '<span class="app-finding-context">The family at <strong>M6 5HH</strong> felt heard</span>' in page
    assert feedback_stored(app, path) == (0, [], True)
    confirmed = re.search(r'name="confirmed" value="([0-9a-f]{64})"', page)
    assert confirmed is not None
    sent = client.post(
        path,
        data={"score": "4", "comment": comment, "confirmed": confirmed.group(1), "csrf_token": token_from(response)},
    )
    assert sent.status_code == 302 and sent.location.endswith("/feedback/thank-you")


@pytest.mark.parametrize(
    "comment, signed",
    [
        ("It helped a lot, thank you. Kind regards, Jo Tester, health visitor, Swinton", "Jo Tester"),
        ("Really useful to think it through.\nThanks, Sarah Jones", "Sarah Jones"),
    ],
)
def test_a_name_signed_at_the_end_of_a_feedback_comment_is_warned_about(
    client: FlaskClient, app: Flask, comment: str, signed: str
) -> None:
    """Found (facilitator review): a sign-off's name, left out of a request's warning as the
    practitioner's own, went through in the anonymous feedback, shown to every facilitator."""
    path = feedback_link(app)
    client.get(path)
    response = client.post(path, data={"score": "5", "comment": comment})
    assert response.status_code == 400 and "data-identifying-warning" in response.get_data(as_text=True)
    warning = text_of(response).split("Check your comment does not identify anyone", 2)[-1]
    assert signed in warning
    assert feedback_stored(app, path) == (0, [], True)


def test_feedback_with_identifying_data_says_so_in_its_title_and_error_summary(client: FlaskClient, app: Flask) -> None:
    """Found (new-user review): a comment that looked identifying brought the page back with only
    the warning, mid-page, and the button's words changed: the same title, no error summary, so a
    screen reader heard the same page again, as if nothing had happened. It now says, as the
    inbox's note does, that the answer was not sent, in the title, the summary and at the comment."""
    path = feedback_link(app)
    page = client.get(path)
    comment = "The family at M6 5HH felt heard"
    sent = client.post(path, data={"score": "4", "comment": comment, "csrf_token": token_from(page)})
    assert sent.status_code == 303 and sent.location == path  # shown by the page's GET
    response = client.get(path)
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    message = (
        "Check your comment does not identify anyone (what was found is listed above it): "
        "your answer has not been sent yet"
    )
    assert summary_of(response) == [message]
    assert summary_links(response) == ["#comment"]
    shown = response.get_data(as_text=True)
    assert 'id="comment-error"' in shown and text_of(response).count(message) == 2  # and at the comment
    assert "data-identifying-warning" in shown and "M6 5HH" in text_of(response)
    assert checked_values(response) == ["4"] and comment in text_of(response)  # what was given is kept
    assert feedback_stored(app, path) == (0, [], True)
    # Reloaded (or Back to it later), the page is still the answer as given, not yet sent.
    reloaded = client.get(path)
    assert checked_values(reloaded) == ["4"] and comment in text_of(reloaded) and summary_of(reloaded) == [message]


def test_feedback_on_a_used_link_still_says_the_link_cannot_be_used(client: FlaskClient, app: Flask) -> None:
    path = feedback_link(app)
    page = client.get(path)
    assert client.post(path, data={"score": "3", "csrf_token": token_from(page)}).status_code == 302
    again = client.post(path, data={"score": "5", "comment": COMMENT})
    assert again.status_code == 410 and COMMENT not in again.get_data(as_text=True)


# --- when the journey ran out while the page was open ----------------------------------------


def test_a_details_page_sent_after_the_idle_limit_gives_back_what_was_typed(client: FlaskClient, app: Flask) -> None:
    """Found (journey review): without JavaScript (no timeout warning), a reflection typed
    while the idle limit passed and then sent gave "This form has expired" with nothing of it:
    the text was lost. The page now shows it, read-only, to copy; nothing is saved."""
    walker = walk_to(client, "practitioner")
    old_token = token_from(walker.get("/request/reflection"))
    with app.app_context():
        db.session.execute(update(JourneySessionRow).values(expires_at=dt.datetime(2000, 1, 1)))
        db.session.commit()
    response = client.post(
        "/request/reflection",
        data={"reflection": TYPED, "csrf_token": old_token},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "This form has expired" in text and "we cleared your answers" in text
    assert "What you typed on that page is below" in text
    textarea = re.search(r"<textarea[^>]*readonly[^>]*>(.*?)</textarea>", response.get_data(as_text=True), re.S)
    assert textarea is not None and html.unescape(textarea.group(1)).strip() == TYPED
    assert "reflection" not in stored_details(client)
    assert request_count(app) == 0


def test_feedback_naming_the_street_of_the_sessions_place_is_stored_without_a_warning(
    client: FlaskClient, app: Flask
) -> None:
    """A comment is about a session, held somewhere: the street of its place is not taken for a
    family's, as in a session's place. A numbered address still is (the test above)."""
    path = feedback_link(app)
    page = client.get(path)
    comment = "The room at Unity House, Chorley Road was too warm"
    sent = client.post(path, data={"score": "4", "comment": comment, "csrf_token": token_from(page)})
    assert sent.status_code == 302 and sent.location.endswith("/feedback/thank-you")
    assert feedback_stored(app, path) == (1, [comment], False)


BLOCKED = "Your browser is not keeping cookies for this service"


def test_a_browser_that_blocks_cookies_is_told_so_not_only_that_the_form_expired(app: Flask) -> None:
    """Found (b158, a locked-down work computer): with cookies blocked, the first answer gave
    "This form has expired ... cleared, for example by Start again or Exit this page in another
    tab", whose Start again led back to the same page for ever, never saying why. A form refused
    without the service's cookie now says what to do if the page comes back at once."""
    blocked = app.test_client(use_cookies=False)
    for _ in range(2):  # the first answer, then again after Start again: the same page, saying why
        assert blocked.get("/start").status_code == 302
        token = token_from(blocked.get("/questions/mode"))
        response = blocked.post("/questions/mode", data={"answer": "practitioner", "csrf_token": token})
        assert response.status_code == 400
        text = text_of(response)
        assert "This form has expired" in text and BLOCKED in text
        assert 'href="/cookies"' in response.get_data(as_text=True)


def test_a_form_refused_with_the_cookie_sent_does_not_speak_of_blocked_cookies(client: FlaskClient) -> None:
    walker = Walker(client)
    walker.start()
    response = post_with(walker, "/questions/mode", {"answer": "practitioner"}, "bogus")
    assert response.status_code == 400 and BLOCKED not in text_of(response)


def test_the_inbox_sign_in_with_cookies_blocked_says_so(app: Flask) -> None:
    blocked = app.test_client(use_cookies=False)
    token = token_from(blocked.get("/inbox/sign-in"))
    response = blocked.post(
        "/inbox/sign-in", data={"email": "someone@example.org", "password": "x" * 12, "csrf_token": token}
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "This form has expired" in text and BLOCKED in text
