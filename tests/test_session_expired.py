"""/session-expired clears a session only when the timeout warning's timer asks (a POST with the
page's CSRF token). Found (security review): a GET cleared it, so a link on another site signed a
facilitator out or wiped a practitioner's answers."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from app.extensions import db
from app.sessions import JourneySessionRow
from support import csrf_token
from support.hardening import signed_in
from support.sessions import idle_nearly_to_the_limit
from support.submission import ELIGIBLE_PATH, SUPERVISION_PATH, Path, supervision_record, to_outcome

CLEARED = "Your answers were cleared"
# What the copy of a sent request in this browser is, as its warning and pages say: in the
# practitioner's own mode, the request's page and PDF; in supervision, its page and two PDFs
# (found, new user's walk-through: after a request sent in supervision they said "page and PDF").
ONE_PDF = "the request's page and PDF"
TWO_PDFS = "the request's page and its two PDFs (the request and the supervision record)"
SENT_IN = pytest.mark.parametrize(
    "path, copy, not_copy",
    [(ELIGIBLE_PATH, ONE_PDF, TWO_PDFS), (SUPERVISION_PATH, TWO_PDFS, ONE_PDF)],
    ids=["own", "supervision"],
)


def text_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def words_of(response: TestResponse) -> str:
    """The page as a person reads its text (the warning's wording is escaped: "request&#39;s")."""
    return html.unescape(text_of(response))


def answered_mode(client: FlaskClient, mode: str = "practitioner") -> str:
    """Start a journey and answer its first question; returns the page's CSRF token."""
    page = client.get("/start", follow_redirects=True).get_data(as_text=True)
    token = csrf_token(page)
    response = client.post("/questions/mode", data={"csrf_token": token, "answer": mode})
    assert response.status_code in (302, 303)
    return token


def journey_rows(app: Flask) -> int:
    with app.app_context():
        return len(db.session.execute(select(JourneySessionRow.id)).all())


def stored_sessions(app: Flask) -> list[dict[str, object]]:
    """What every stored session holds."""
    with app.app_context():
        return [json.loads(data) for data in db.session.scalars(select(JourneySessionRow.data))]


def expire_every_session(app: Flask) -> None:
    """The server's idle limit passes for every session (its rows are not deleted yet)."""
    with app.app_context():
        db.session.execute(update(JourneySessionRow).values(expires_at=dt.datetime(2000, 1, 1)))
        db.session.commit()


def the_copys_timer_token(client: FlaskClient, path: Path = ELIGIBLE_PATH) -> str:
    """Send a request (along ``path``); the CSRF token its submitted page's timeout warning posts."""
    from support.submission import submitted_request, to_outcome

    submitted_request(to_outcome(client, path))
    page = text_of(client.get("/request/submitted"))
    match = re.search(r'id="app-timeout-warning"[^>]*data-csrf-token="([^"]+)"', page, re.S)
    assert match, "no timeout warning on the submitted page"
    return match.group(1)


def the_timer_token(client: FlaskClient) -> str:
    """The CSRF token the timeout warning's script posts (its dialog's data-csrf-token)."""
    page = client.get("/questions/immediate_danger").get_data(as_text=True)
    match = re.search(r'id="app-timeout-warning"[^>]*data-csrf-token="([^"]+)"', page, re.S)
    assert match, "no timeout warning on the page"
    return match.group(1)


def test_a_link_to_the_page_keeps_a_journey_and_goes_back_to_it(client: FlaskClient, app: Flask) -> None:
    answered_mode(client)
    response = client.get("/session-expired")
    assert response.status_code == 303 and response.location == "/questions/immediate_danger"
    assert journey_rows(app) == 1
    question = client.get("/questions/mode").get_data(as_text=True)
    assert re.search(r'value="practitioner"\s+checked', question), "the answer was lost"
    assert CLEARED not in text_of(client.get("/session-expired", follow_redirects=True))


def test_a_link_to_the_page_does_not_sign_a_facilitator_out(app: Flask) -> None:
    client = signed_in(app)
    response = client.get("/session-expired")
    assert response.status_code == 303 and response.location == "/"
    assert client.get("/inbox").status_code == 200


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_a_post_without_the_pages_token_clears_nothing(client: FlaskClient, app: Flask, token: str | None) -> None:
    answered_mode(client)
    response = client.post("/session-expired", data={} if token is None else {"csrf_token": token})
    assert response.status_code == 303 and response.location == "/session-expired"
    assert journey_rows(app) == 1
    assert client.get(response.location).location == "/questions/immediate_danger"


def test_the_timer_running_out_clears_the_answers_and_says_so(client: FlaskClient, app: Flask) -> None:
    answered_mode(client)
    token = the_timer_token(client)
    idle_nearly_to_the_limit(app)
    response = client.post("/session-expired", data={"csrf_token": token})
    assert response.status_code == 303 and response.location == "/session-expired"
    assert journey_rows(app) == 0
    page = client.get(response.location)
    assert page.status_code == 200 and CLEARED in text_of(page)
    again = client.get("/questions/immediate_danger")
    assert again.status_code in (302, 303) and "immediate_danger" not in again.headers["Location"]


TYPED = "The team around the family feels stuck; I would like to think about how we"


@pytest.mark.parametrize("sent_from", ["", "http://localhost/request/reflection", "https://elsewhere.example/"])
def test_the_timer_running_out_on_typed_text_gives_it_back_only_to_a_page_of_this_site(
    client: FlaskClient, app: Flask, sent_from: str
) -> None:
    """The warning's script posts the page and what was typed there (a reflection half-written):
    the page that says the answers were cleared gives the text back to copy, as a form sent after
    the limit does. Only the free text that page's form posts, and never to another site's page
    (it could post text of its choosing, to have it shown on this site)."""
    answered_mode(client)
    token = the_timer_token(client)
    idle_nearly_to_the_limit(app)
    sent = {"csrf_token": token, "page": "/request/reflection", "reflection": TYPED, "other": "not a field there"}
    response = client.post("/session-expired", data=sent, headers={"Origin": sent_from} if sent_from else {})
    assert journey_rows(app) == 0  # cleared all the same
    if sent_from.startswith("https://elsewhere"):
        assert response.status_code == 303 and TYPED not in text_of(client.get(response.location))
        return
    page = text_of(response)
    assert response.status_code == 200 and CLEARED in page
    assert TYPED in page and "Copy it now" in page and "not a field there" not in page


EVENT_GIVEN_BACK = r"Roughly when was the significant event\?</label>\s*<textarea[^>]*>(.*?)</textarea>"


def test_the_timer_running_out_on_the_events_month_and_year_gives_them_back(client: FlaskClient, app: Flask) -> None:
    """Found (review of the timeout on each request page): a month and year typed for the
    significant event went with the answers, though the reflection typed on its page came back
    to copy. They come back as typed, under the page's question, the month first."""
    answered_mode(client)
    token = the_timer_token(client)
    idle_nearly_to_the_limit(app)
    sent = {"csrf_token": token, "page": "/request/significant-event", "event_month": "March", "event_year": "2025"}
    response = client.post("/session-expired", data=sent)
    page = text_of(response)
    assert response.status_code == 200 and CLEARED in page and journey_rows(app) == 0
    given_back = re.search(EVENT_GIVEN_BACK, page, re.S)
    assert given_back is not None and html.unescape(given_back.group(1)) == "March 2025", page
    # Only the year typed: that alone, no stray space.
    answered_mode(client)
    token = the_timer_token(client)
    idle_nearly_to_the_limit(app)
    sent = {"csrf_token": token, "page": "/request/significant-event", "event_month": "", "event_year": "2025"}
    page = text_of(client.post("/session-expired", data=sent))
    given_back = re.search(EVENT_GIVEN_BACK, page, re.S)
    assert given_back is not None and html.unescape(given_back.group(1)) == "2025", page


def test_the_timer_of_a_tab_left_open_clears_nothing_while_the_session_is_in_use(
    client: FlaskClient, app: Flask
) -> None:
    """Found (journey review): a tab left open ran out its timer and cleared the answers while the
    person was busy in another tab. The server sees the session in use: nothing is cleared, and
    the page goes on to where the journey stands."""
    answered_mode(client)
    token = the_timer_token(client)  # the tab left open
    client.get("/questions/immediate_danger")  # busy in another tab
    response = client.post("/session-expired", data={"csrf_token": token})
    assert response.status_code == 303 and journey_rows(app) == 1
    onward = client.get(response.location)
    assert onward.status_code == 303 and onward.location == "/questions/immediate_danger"


def test_the_timer_running_out_after_the_server_cleared_the_session_shows_the_page(
    client: FlaskClient, app: Flask
) -> None:
    """The server's idle limit can come first: its token no longer matches anything, and there is
    nothing left to clear, so the page says the answers were cleared (not "this form has expired")."""
    answered_mode(client)
    token = the_timer_token(client)
    with app.app_context():
        db.session.execute(update(JourneySessionRow).values(expires_at=dt.datetime(2000, 1, 1)))
        db.session.commit()
    response = client.post("/session-expired", data={"csrf_token": token})
    assert response.status_code == 303 and response.location == "/session-expired"
    page = client.get(response.location)
    assert page.status_code == 200 and CLEARED in text_of(page)
    assert journey_rows(app) == 0


def test_without_javascript_an_idle_journey_leads_to_the_page(client: FlaskClient, app: Flask) -> None:
    answered_mode(client)
    with app.app_context():
        db.session.execute(update(JourneySessionRow).values(expires_at=dt.datetime(2000, 1, 1)))
        db.session.commit()
    response = client.get("/questions/immediate_danger")
    assert response.status_code in (302, 303) and response.location == "/session-expired"
    page = client.get(response.location)
    assert page.status_code == 200 and CLEARED in text_of(page)


def test_the_supervision_record_link_after_the_idle_time_says_the_answers_were_cleared(
    client: FlaskClient, app: Flask
) -> None:
    """Found (tester): the supervision record's link on an outcome page left open past the idle
    time led, without a word, to the first question ("Who is using this today?"); every other
    page of the journey says the answers were cleared."""
    to_outcome(client, SUPERVISION_PATH)
    assert supervision_record(client, app).mimetype == "application/pdf"
    expire_every_session(app)
    response = client.get("/request/supervision-record")
    assert response.status_code in (302, 303) and response.location == "/session-expired"
    page = client.get(response.location)
    assert page.status_code == 200 and CLEARED in text_of(page)


@SENT_IN
def test_after_send_request_the_warning_offers_to_keep_the_copy_and_its_timer_says_what_went(
    client: FlaskClient, app: Flask, path: Path, copy: str, not_copy: str
) -> None:
    """Found (accessibility review, WCAG 2.2.1): after Send request the timeout warning was not on
    the submitted page, so its page and PDF went after the idle limit with no warning and no way to
    keep them, and nothing said how long they stay. Now the page says so, the warning offers to keep
    them, and its timer's page says the copy went (the request is sent), not "your answers were
    cleared". Both say what this browser had: one PDF, or two from supervision."""
    from support.submission import submitted_request, to_outcome

    submitted_request(to_outcome(client, path))
    page = text_of(client.get("/request/submitted"))
    assert "You can open this page and the PDF" in page or "You can open this page and the PDFs" in page
    warning = re.search(r'<dialog[^>]*id="app-timeout-warning".*?</dialog>', page, re.S)
    assert warning, "no timeout warning on the submitted page"
    assert "Do you want to keep the copy of the request?" in warning.group(0)
    assert 'data-expired-from="copy"' in warning.group(0) and "Keep the copy" in warning.group(0)
    worded = html.unescape(warning.group(0))
    assert f"we will remove {copy} from this browser" in worded and not_copy not in worded
    assert ("Download both PDFs first if you need copies." in worded) is (path is SUPERVISION_PATH)
    token = re.search(r'data-csrf-token="([^"]+)"', warning.group(0)).group(1)  # type: ignore[union-attr]
    # The same warning on the service's other pages while the copy is kept (a cached page too).
    other = words_of(client.get("/privacy"))
    assert "Do you want to keep the copy of the request?" in other and f"we will remove {copy}" in other

    idle_nearly_to_the_limit(app)
    response = client.post("/session-expired", data={"csrf_token": token, "from": "copy"})
    assert response.status_code == 303 and response.location == "/session-expired?cleared=copy"
    assert [set(held) for held in stored_sessions(app)] == [{"copy_cleared"}]  # nothing of the request is kept
    gone = text_of(client.get(response.location))
    assert "The copy of the request was removed from this browser" in gone
    assert f"we removed {copy} from this browser" in gone and not_copy not in gone
    assert "The request was sent" in gone and CLEARED not in gone
    assert "A PDF you downloaded is still in this computer's Downloads folder" in gone
    assert client.get("/request/submitted").status_code == 404
    assert "app-timeout-warning" not in text_of(client.get("/privacy"))  # nothing left to warn about


def test_each_browser_is_warned_of_its_own_copy_on_a_page_rendered_once_for_all(app: Flask) -> None:
    """The layout's pages are rendered once and kept for everyone (``render_page``): the warning
    for a request sent in supervision is kept apart from the one for a request sent in the
    practitioner's own mode, so neither browser is told of the other's PDFs."""
    from support.submission import submitted_request

    own, supervision = app.test_client(), app.test_client()
    submitted_request(to_outcome(own, ELIGIBLE_PATH))
    submitted_request(to_outcome(supervision, SUPERVISION_PATH))
    for _ in range(2):  # each page once rendered, then the kept one
        for client, copy, not_copy in ((own, ONE_PDF, TWO_PDFS), (supervision, TWO_PDFS, ONE_PDF)):
            page = words_of(client.get("/privacy"))
            assert f"we will remove {copy} from this browser" in page and not_copy not in page


def test_the_copys_timer_in_a_tab_left_open_keeps_it_while_in_use(client: FlaskClient, app: Flask) -> None:
    """The copy's timer ran out in one tab while the browser was in use elsewhere: nothing is
    removed, and the page goes back to the request's page (not the start page)."""
    from support.submission import submitted_request, to_outcome

    submitted_request(to_outcome(client))
    page = text_of(client.get("/request/submitted"))
    token = re.search(r'id="app-timeout-warning"[^>]*data-csrf-token="([^"]+)"', page, re.S).group(1)  # type: ignore[union-attr]
    response = client.post("/session-expired", data={"csrf_token": token, "from": "copy"})
    assert response.status_code == 303 and journey_rows(app) == 1
    onward = client.get(response.location)
    assert onward.status_code == 303 and onward.location == "/request/submitted"
    assert client.get(onward.location).status_code == 200


@SENT_IN
def test_the_submitted_page_offers_to_remove_itself_from_a_shared_computer(
    client: FlaskClient, app: Flask, path: Path, copy: str, not_copy: str
) -> None:
    """Found (privacy review): after Send request, anyone at the same browser could open the request's
    page and PDF from the history for the next 30 idle minutes, and nothing offered to remove them.
    Its button forgets the session; the page is then not shown."""
    from support.submission import submitted_request, to_outcome

    submitted_request(to_outcome(client, path))
    page = text_of(client.get("/request/submitted"))
    form = re.search(r'<form method="post" action="/start-again" novalidate data-remove-copy>.*?</form>', page, re.S)
    assert form and re.search(r"Remove this page and the PDFs? from this browser", form.group(0))
    # What it cannot remove, said beside it and after it (found, shared computer review: told the page and
    # PDF were removed, the practitioner left the downloaded PDF, the whole request, in Downloads).
    downloads = "from the computer's Downloads folder (and its recycle bin) yourself."
    assert downloads in " ".join(page.split())
    removed = client.post("/start-again", data={"csrf_token": csrf_token(form.group(0))})
    assert removed.status_code == 302 and removed.location == "/"
    # The start page says it worked (journey review: it said nothing, so on a shared computer no
    # one could tell), once, and what went (one PDF, or two from supervision); the session then
    # holds nothing.
    start = text_of(client.get("/"))
    assert f"{copy[0].upper()}{copy[1:]} have been removed from this browser." in start and not_copy not in start
    assert "The request itself was sent" in start
    assert "A PDF you downloaded is still in this computer's Downloads folder" in start
    assert "have been removed" not in text_of(client.get("/"))
    assert client.get("/request/submitted").status_code == 404
    assert client.get("/request/submitted/request.pdf").status_code == 404
    assert journey_rows(app) == 0


def test_start_again_says_on_the_start_page_that_the_answers_were_cleared(client: FlaskClient) -> None:
    """Found (journey review): Start again (and the timeout warning's "Clear my answers now") went
    to the start page with nothing said, so whoever pressed it could not tell it had worked."""
    token = answered_mode(client)
    assert client.post("/start-again", data={"csrf_token": token}).location == "/"
    start = text_of(client.get("/"))
    assert "Your answers have been cleared from this browser." in start and "have been removed" not in start
    assert "have been cleared" not in text_of(client.get("/"))  # once
    # Start again again from the old page (its form out of date, nothing to clear): nothing is claimed.
    client.post("/start-again", data={"csrf_token": token})
    assert "have been cleared" not in text_of(client.get("/"))


@pytest.mark.parametrize(
    "status_url",
    # The submitted page's, and the questions to prepare's "being made" page's (open in another tab).
    ["/request/submitted/pdf-status", "/questions-to-prepare.pdf/status"],
)
def test_the_pdf_status_the_page_asks_for_does_not_keep_the_copy(
    client: FlaskClient, app: Flask, status_url: str
) -> None:
    """Found (diff review): the submitted page's script asks whether the PDF is made (for up to 2
    minutes), and each ask pushed the session's idle expiry on, so when the copy's timer ran out the
    server did not see the session as idle: nothing was removed and the page came back (a new load,
    another 30 minutes; for ever while the PDF was not made). The asking is not the person's
    activity: only their own requests keep the copy."""
    from support.submission import submitted_request, to_outcome

    submitted_request(to_outcome(client))
    page = text_of(client.get("/request/submitted"))
    token = re.search(r'id="app-timeout-warning"[^>]*data-csrf-token="([^"]+)"', page, re.S).group(1)  # type: ignore[union-attr]
    idle_nearly_to_the_limit(app)
    assert client.get(status_url).status_code == 200  # the script asks, once more
    response = client.post("/session-expired", data={"csrf_token": token, "from": "copy"})
    assert response.status_code == 303 and response.location == "/session-expired?cleared=copy"
    kept = stored_sessions(app)
    assert all("submitted_reference" not in held for held in kept), (
        "the copy was kept: the status asked for counted as activity"
    )
    assert "The copy of the request was removed from this browser" in text_of(client.get(response.location))


COPY_GONE = "The copy of the request was removed from this browser"


def test_the_page_says_a_request_was_sent_only_to_a_browser_that_sent_one(client: FlaskClient, app: Flask) -> None:
    """Found (journey review): /session-expired?cleared=copy, typed by hand or from an old bookmark
    by someone who never sent anything, said "The request was sent". The server now says so only
    when it cleared the copy of a request this browser had sent; anyone else reads the page every
    visitor gets."""
    by_hand = text_of(client.get("/session-expired?cleared=copy"))
    assert CLEARED in by_hand and COPY_GONE not in by_hand and "The request was sent" not in by_hand
    # A crafted post with from=copy (no session, or another site's form) changes nothing.
    response = client.post("/session-expired", data={"from": "copy"})
    assert response.location == "/session-expired?cleared=copy"
    assert COPY_GONE not in text_of(client.get(response.location))
    assert journey_rows(app) == 0
    # Answers cleared by the journey's timer are not a request sent, whatever the address says.
    token = answered_mode(client)
    idle_nearly_to_the_limit(app)
    client.post("/session-expired", data={"csrf_token": token})
    page = text_of(client.get("/session-expired?cleared=copy"))
    assert CLEARED in page and "The request was sent" not in page


def test_the_copys_page_says_the_same_when_loaded_again(client: FlaskClient, app: Flask) -> None:
    """The page saying the request was sent stays true when reloaded; once the browser starts a new
    journey and clears it (Start again), it is the page anyone gets."""
    token = the_copys_timer_token(client)
    idle_nearly_to_the_limit(app)
    response = client.post("/session-expired", data={"csrf_token": token, "from": "copy"})
    for _ in range(2):
        page = client.get(response.location)
        assert page.status_code == 200 and COPY_GONE in text_of(page)
    assert "app-timeout-warning" not in text_of(client.get("/privacy"))  # nothing to warn about
    start = client.get("/start", follow_redirects=True)
    client.post("/start-again", data={"csrf_token": csrf_token(text_of(start))})
    assert COPY_GONE not in text_of(client.get(response.location, follow_redirects=True))


def test_the_copys_page_marked_by_a_process_of_the_version_before_still_says_the_copy_went(client: FlaskClient) -> None:
    """While a new version goes live, the timer's post may reach a process still running the one
    before, which marked the copy it cleared ``True`` (it did not tell one PDF from two): the next
    process still says the copy went and the request was sent, worded for one PDF, as it was."""
    with client.session_transaction() as session:
        session["copy_cleared"] = True
    page = words_of(client.get("/session-expired?cleared=copy"))
    assert COPY_GONE in page and f"we removed {ONE_PDF} from this browser" in page and CLEARED not in page


@pytest.mark.parametrize(
    "path, purged, says_sent",
    [(ELIGIBLE_PATH, False, True), (SUPERVISION_PATH, False, True), (ELIGIBLE_PATH, True, False)],
    ids=["own", "supervision", "purged"],
)
def test_the_copys_timer_after_the_server_cleared_it_says_the_request_was_sent_if_the_server_knows(
    client: FlaskClient, app: Flask, path: Path, purged: bool, says_sent: bool
) -> None:
    """The server's idle limit can come first (a computer asleep, a tab in the background): the
    expired session still says what it held as the timer's post opens it, so the page says the
    request was sent, and what went (one PDF, or two from supervision). Once expired sessions have
    been purged the server cannot know: the page says what it says to anyone."""
    from app.sessions import purge_expired_sessions

    token = the_copys_timer_token(client, path)
    expire_every_session(app)
    if purged:
        with app.app_context():
            purge_expired_sessions()
    response = client.post("/session-expired", data={"csrf_token": token, "from": "copy"})
    assert response.status_code == 303 and response.location == "/session-expired?cleared=copy"
    page = text_of(client.get(response.location))
    assert (COPY_GONE in page and "The request was sent" in page) is says_sent
    assert (CLEARED in page) is not says_sent
    if says_sent:
        copy = TWO_PDFS if path is SUPERVISION_PATH else ONE_PDF
        assert f"we removed {copy} from this browser" in page
    assert client.get("/request/submitted").status_code == 404
    assert all("submitted_reference" not in held for held in stored_sessions(app))


def test_the_timer_on_the_page_before_a_new_check_leads_to_a_page_that_says_nothing_of_the_requests_mode(
    app: Flask,
) -> None:
    """The page before a new check, after a request was sent, says nothing of it, not even whether
    it was sent in supervision (the next person at a shared computer may be reading it), its timeout
    warning included. Found (review): left there past the idle limit, its timer led to the page
    saying "its two PDFs (the request and the supervision record)" went, for one sent in supervision.
    The page after it now reads the same for every request, and still says the request was sent."""
    pages = []
    for path in (ELIGIBLE_PATH, SUPERVISION_PATH):
        from support.submission import submitted_request

        client = app.test_client()
        submitted_request(to_outcome(client, path))
        page = text_of(client.get("/start"))
        warning = re.search(r'<dialog[^>]*id="app-timeout-warning".*?</dialog>', page, re.S)
        assert warning, "no timeout warning on the page before a new check"
        action = html.unescape(re.search(r'data-expired-url="([^"]+)"', warning.group(0)).group(1))  # type: ignore[union-attr]
        token = re.search(r'data-csrf-token="([^"]+)"', warning.group(0)).group(1)  # type: ignore[union-attr]
        idle_nearly_to_the_limit(app)
        response = client.post(action, data={"csrf_token": token, "from": "copy"})
        assert response.status_code == 303 and response.location == "/session-expired?cleared=copy"
        gone = words_of(client.get(response.location))
        assert "we removed the request's page and its PDF (or PDFs) from this browser" in gone
        assert "supervision record" not in gone and "The request was sent" in gone
        pages.append(re.sub(r'(nonce|value|token)="[^"]*"', "", gone))
    assert pages[0] == pages[1]


def test_the_timer_running_out_on_typed_text_while_another_tab_kept_the_session_gives_it_back(
    client: FlaskClient, app: Flask
) -> None:
    """Found (regression review): another tab kept the session alive, so this tab's timer cleared
    nothing, and the page it had been on went back to the journey: what was typed there was lost,
    with nothing said. Now the page says the answers are still there, and gives the text back."""
    answered_mode(client)
    token = the_timer_token(client)  # (the session is not idle: another tab was just used)
    sent = {"csrf_token": token, "page": "/request/reflection", "reflection": TYPED}
    response = client.post("/session-expired", data=sent)
    page = text_of(response)
    assert response.status_code == 200 and "Your answers are still here" in page and CLEARED not in page
    assert TYPED in page and 'href="/questions/immediate_danger"' in response.get_data(as_text=True)
    assert journey_rows(app) == 1  # nothing cleared


def test_the_answers_still_here_page_speaks_of_the_answers_in_supervision(client: FlaskClient) -> None:
    """Found (regression review of the supervision wording): in supervision every page speaks of
    "the practitioner", but this one said "Your answers are still here … go back to your check"."""
    answered_mode(client, "supervision")
    token = the_timer_token(client)
    sent = {"csrf_token": token, "page": "/request/reflection", "reflection": TYPED}
    page = text_of(client.post("/session-expired", data=sent))
    assert "The answers are still here" in page and "so the answers were not cleared" in page
    assert "Go back to the check" in page and not re.search(r"\byour (answers|check)\b", page, re.I), page
