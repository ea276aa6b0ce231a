"""The idle-timeout warning: offered once a journey has started, and "keep my answers" works."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.sessions import JourneySessionRow
from support import csrf_token
from support.database import dispose
from support.sessions import idle_nearly_to_the_limit
from support.submission import ELIGIBLE_PATH, fill_details, to_outcome


def test_no_warning_before_a_journey_starts(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'id="app-timeout-warning"' not in page
    assert "data-no-script-timeout" not in page


def test_with_javascript_off_a_journey_s_pages_say_when_the_answers_are_cleared(
    client: FlaskClient, app: Flask
) -> None:
    """Found (accessibility review, WCAG 2.2.1): with JavaScript off the warning never opens, and
    nothing on the journey's pages said the answers would be cleared without one."""
    page = client.get("/start", follow_redirects=True).get_data(as_text=True)
    said = re.search(r"<noscript><p [^>]*data-no-script-timeout>([^<]*)</p>", page)
    assert said is not None
    minutes = app.config["SESSION_IDLE_MINUTES"]
    assert said.group(1) == (
        f"The answers are cleared {minutes} minutes after a button to go on was last selected. With JavaScript "
        "turned off, there is no warning first. Typing alone does not count."
    )


def test_warning_is_ready_once_a_journey_starts(client: FlaskClient, app: Flask) -> None:
    page = client.get("/start", follow_redirects=True).get_data(as_text=True)
    dialog = re.search(r'<dialog[^>]*id="app-timeout-warning"[^>]*>', page)
    assert dialog is not None
    idle = app.config["SESSION_IDLE_MINUTES"] * 60 - 60  # less the server's refresh step (below)
    assert f'data-idle-seconds="{idle}"' in dialog.group(0)
    assert 'data-keep-alive-url="/keep-alive"' in dialog.group(0)
    # What doing nothing costs, said when the warning opens (facilitator review, finding 3): a
    # question page has no text to type, so nothing is said of typed text given back.
    assert 'aria-describedby="app-timeout-text app-timeout-left"' in dialog.group(0)
    assert 'id="app-timeout-unsaved"' not in page


def test_the_warning_promises_typed_text_back_only_on_a_page_that_gives_it_back(client: FlaskClient) -> None:
    """Found (regression review): the warning said on every journey page that typed text "will not
    be kept: the next page will show it once, for you to copy"; on check your answers (no text to
    type, a request not yet sent) the page after the limit gave nothing back. It says so only on a
    request page with text to type, which is given back."""
    walker = to_outcome(client, ELIGIBLE_PATH)
    promise = "anything you have typed on this page and not yet saved will not be kept: the next page will show it"
    for page in ("/request/about-you", "/request/significant-event"):  # (a month and year are typed too)
        typed = walker.get(page).get_data(as_text=True)
        assert promise in typed and 'aria-describedby="app-timeout-text app-timeout-unsaved app-timeout-left"' in typed
    fill_details(walker)
    for page in ("/request/check-answers", "/request/manager"):
        shown = walker.get(page)
        assert shown.status_code == 200, page
        assert promise not in shown.get_data(as_text=True) and 'id="app-timeout-warning"' in shown.get_data(
            as_text=True
        )


def _expiry(app: Flask) -> dt.datetime:
    with app.app_context():
        return db.session.execute(select(JourneySessionRow.expires_at)).scalar_one()


def test_keep_alive_needs_the_csrf_token(client: FlaskClient) -> None:
    client.get("/start", follow_redirects=True)
    assert client.post("/keep-alive").status_code == 400


def test_keep_alive_pushes_the_expiry_on(client: FlaskClient, app: Flask) -> None:
    page = client.get("/start", follow_redirects=True).get_data(as_text=True)
    token = csrf_token(page)
    soon = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=1)
    with app.app_context():
        db.session.execute(db.update(JourneySessionRow).values(expires_at=soon))
        db.session.commit()
    response = client.post("/keep-alive", headers={"X-CSRFToken": token})
    assert response.status_code == 204
    assert _expiry(app) - soon > dt.timedelta(minutes=20)


def test_the_timer_running_out_clears_the_answers(client: FlaskClient, app: Flask) -> None:
    page = client.get("/start", follow_redirects=True).get_data(as_text=True)
    client.post("/questions/mode", data={"csrf_token": csrf_token(page), "answer": "practitioner"})
    # The warning's script posts the page's token (a plain GET clears nothing: test_session_expired.py).
    idle_nearly_to_the_limit(app)
    expired = client.post("/session-expired", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert expired.status_code == 200
    with app.app_context():
        assert db.session.execute(select(JourneySessionRow)).first() is None
    again = client.get("/questions/immediate_danger")
    assert again.status_code in (302, 303) and "immediate_danger" not in again.headers["Location"]


def test_the_warning_says_the_limit_in_words_and_comes_halfway_through_a_short_limit(app: Flask) -> None:
    """A 1-minute limit: the dialog says "1 minute" (not "1 minutes") and warns 30 seconds
    before the end, not 2 minutes before it (which would open it as soon as the page loads)."""
    from app import create_app

    def dialog_of(application: Flask) -> tuple[str, str]:
        page = application.test_client().get("/start", follow_redirects=True).get_data(as_text=True)
        dialog = page.split('id="app-timeout-warning"', 1)[1].split("</dialog>", 1)[0]
        return dialog, " ".join(re.sub(r"<[^>]+>", " ", dialog.split(">", 1)[1]).split())

    dialog, text = dialog_of(app)
    assert 'data-idle-seconds="1740" data-warn-seconds="120"' in dialog
    assert "if you do nothing for about 30 minutes." in text and "cleared in 2 minutes." in text
    short = create_app(
        {"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SESSION_IDLE_MINUTES": 1}
    )
    try:
        dialog, text = dialog_of(short)
    finally:
        dispose(short)
    assert 'data-idle-seconds="58" data-warn-seconds="29"' in dialog
    assert "if you do nothing for about 1 minute." in text and "cleared in 29 seconds." in text


@pytest.mark.parametrize("minutes", [30, 1])
def test_the_warnings_timer_ends_before_the_server_can_have_ended_the_session(app: Flask, minutes: int) -> None:
    """Found: an unchanged session's expiry is only rewritten when it would move by more than a
    minute, so the server could end it up to a minute before the page's timer: "Keep my answers"
    in that minute failed. The page counts to the limit less that step."""
    from app import create_app
    from app.sessions import refresh_step

    configured = create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SESSION_IDLE_MINUTES": minutes,
        }
    )
    try:
        client = configured.test_client()
        page = client.get("/start", follow_redirects=True).get_data(as_text=True)
        timer = int(re.search(r'data-idle-seconds="(\d+)"', page).group(1))
        limit = dt.timedelta(minutes=minutes)
        assert timer == (limit - refresh_step(limit)).total_seconds()
        # The server: a page opened a moment later leaves the expiry where it was (within the step).
        with configured.app_context():
            before = db.session.execute(select(JourneySessionRow.expires_at)).scalar_one()
        client.get("/accessibility")
        with configured.app_context():
            after = db.session.execute(select(JourneySessionRow.expires_at)).scalar_one()
        assert after == before or after - before > refresh_step(limit)
    finally:
        dispose(configured)
