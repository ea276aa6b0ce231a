"""The idle time limit for a signed-in facilitator (review-a11y H1, WCAG 2.2.1): the inbox's pages
carry a warning worded for staff ("Stay signed in", "Sign out"); when its timer runs out the
facilitator is signed out and the sign-in page says why; and the "form has expired" page names
doing nothing as a cause. The dialog itself, in a browser: tests/browser/test_inbox_timeout_browser.py."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from werkzeug.test import TestResponse

from app.extensions import db
from app.inbox import service as inbox_service
from app.sessions import NOTE_START, JourneySessionRow, purge_expired_sessions
from support.sessions import idle_nearly_to_the_limit
from support.walk import Walker
from test_inbox import EMAIL, PASSWORD, add_colleague, events, sign_in, signed_in, stored_request, text

TIMED_OUT = "You were signed out because you had not done anything for 30 minutes"


def dialog_of(page: str) -> str:
    """The timeout warning's HTML (fails the test if the page has none)."""
    match = re.search(r'<dialog[^>]*id="app-timeout-warning".*?</dialog>', page, re.S)
    assert match, "no timeout warning on the page"
    return match.group(0)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def the_timer_token(client: FlaskClient) -> str:
    """The CSRF token the warning's script posts (its dialog's data-csrf-token)."""
    match = re.search(r'data-csrf-token="([^"]+)"', dialog_of(text(client.get("/inbox"))))
    assert match
    return match.group(1)


def expire_every_session(app: Flask) -> None:
    """The server's idle limit passes (as if nothing had been done for 30 minutes)."""
    with app.app_context():
        db.session.execute(update(JourneySessionRow).values(expires_at=dt.datetime(2000, 1, 1)))
        db.session.commit()


def timer_runs_out(client: FlaskClient, token: str) -> TestResponse:
    """What the warning's script posts when its time is up (static/src/app.js ``expire``)."""
    return client.post("/session-expired", data={"csrf_token": token, "from": "inbox"})


def test_a_signed_in_facilitator_gets_a_warning_worded_for_staff(app: Flask) -> None:
    client, _ = signed_in(app)
    dialog = dialog_of(text(client.get("/inbox")))
    said = words(dialog)
    assert "Do you want to stay signed in?" in said
    assert "we will sign you out if you do nothing for about 30 minutes" in said
    assert "You will be signed out in 2 minutes." in said
    # What doing nothing costs (facilitator review, finding 3), and read when the warning opens:
    # what was typed stays on the page (found: it said it would be lost, and it was kept).
    assert (
        "If you do nothing, anything you have typed and not yet saved stays on this page: you can sign in "
        "again there to save it."
    ) in said
    assert 'aria-describedby="app-timeout-text app-timeout-unsaved app-timeout-left"' in dialog
    assert "answers" not in said  # (the journey's words: "Keep my answers", "Clear my answers now")
    assert re.search(r"<button[^>]*data-timeout-continue[^>]*>Stay signed in</button>", dialog)
    # "Sign out" is the inbox's own sign-out: a POST with the page's token.
    form = re.search(r'<form[^>]*id="([^"]+)"[^>]*action="/inbox/sign-out"[^>]*>(.*?)</form>', dialog, re.S)
    assert form and 'name="csrf_token"' in form.group(2)
    assert re.search(rf'<button type="submit" form="{form.group(1)}"[^>]*>Sign out</button>', dialog)
    assert 'data-keep-alive-url="/keep-alive"' in dialog and 'data-expired-from="inbox"' in dialog
    # The same on a request's page and the statistics.
    reference = stored_request(app)
    for url in (f"/inbox/requests/{reference}", "/inbox/statistics"):
        assert "Stay signed in" in dialog_of(text(client.get(url))), url


def test_no_warning_when_signed_out_or_outside_the_inbox(app: Flask) -> None:
    client = app.test_client()
    assert 'id="app-timeout-warning"' not in text(client.get("/inbox/sign-in"))
    signed, _ = signed_in(app)
    assert 'id="app-timeout-warning"' not in text(signed.get("/"))


def test_stay_signed_in_pushes_the_expiry_on(app: Flask) -> None:
    client, _ = signed_in(app)
    token = the_timer_token(client)
    soon = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=1)
    with app.app_context():
        db.session.execute(update(JourneySessionRow).values(expires_at=soon))
        db.session.commit()
    assert client.post("/keep-alive", headers={"X-CSRFToken": token}).status_code == 204
    with app.app_context():
        # (Not the note, kept a few seconds, of the id the sign-in replaced: app.sessions.REPEAT_GRACE.)
        signed = ~JourneySessionRow.data.startswith(NOTE_START)
        expiry = db.session.execute(select(JourneySessionRow.expires_at).where(signed)).scalar_one()
    assert expiry - soon > dt.timedelta(minutes=20)
    assert client.get("/inbox").status_code == 200


def test_the_timer_running_out_signs_out_and_the_sign_in_page_says_why(app: Flask) -> None:
    client, _ = signed_in(app)
    token = the_timer_token(client)
    idle_nearly_to_the_limit(app)
    response = timer_runs_out(client, token)
    assert response.status_code == 303 and response.location == "/inbox/sign-in"
    page = text(client.get(response.location))
    assert TIMED_OUT in page and "Sign in to the facilitators" in page
    assert TIMED_OUT not in text(client.get("/inbox/sign-in"))  # said once
    gone = client.get("/inbox")
    assert gone.status_code == 302 and gone.location.startswith("/inbox/sign-in")


def test_signing_in_again_after_the_timer_ran_out_goes_back_to_the_page_it_ran_out_on(app: Flask) -> None:
    """Found (facilitator review): with JavaScript on, a facilitator signed out by the timer on a
    request's page signed in again to the list, and had to find the request again (without
    JavaScript, the next page they open sends them back to it). The warning's script now posts
    the page (``data-expired-next``); a form's address gives its request's page, and an address
    outside the inbox gives the list."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    assert f'data-expired-next="{page}"' in dialog_of(text(client.get(page)))
    assert 'data-expired-next="/inbox?status=new"' in dialog_of(text(client.get("/inbox?status=new")))
    token = the_timer_token(client)
    idle_nearly_to_the_limit(app)
    response = client.post("/session-expired", data={"csrf_token": token, "from": "inbox", "next": f"{page}/notes"})
    assert response.status_code == 303 and response.location == f"/inbox/sign-in?next={page}"
    assert TIMED_OUT in text(client.get(response.location))
    signed_again = sign_in(client, next_url=page)
    assert signed_again.status_code == 302 and signed_again.location == page
    for elsewhere in ("https://elsewhere.example/inbox", "//elsewhere.example/inbox", "/exit"):
        token = the_timer_token(client)
        idle_nearly_to_the_limit(app)
        response = client.post("/session-expired", data={"csrf_token": token, "from": "inbox", "next": elsewhere})
        assert response.status_code == 303 and response.location == "/inbox/sign-in?next=/inbox", elsewhere
        assert sign_in(client).status_code == 302


def test_the_timer_running_out_after_the_server_signed_out_says_why_too(app: Flask) -> None:
    """The server's limit can come first (it counts from the last request saved): nothing is left
    to clear, and the page still says why."""
    client, _ = signed_in(app)
    token = the_timer_token(client)
    expire_every_session(app)
    response = timer_runs_out(client, token)
    assert response.status_code == 303 and response.location == "/inbox/sign-in"
    assert TIMED_OUT in text(client.get(response.location))


def signed_out_events(app: Flask) -> list[tuple[str, str, dt.datetime]]:
    """The audit log's "signed_out" entries: who, how and when."""
    return [(event.actor, event.detail, event.at) for event in events(app, "signed_out")]


def test_a_sign_in_ended_by_the_timer_is_in_the_audit_log_as_timed_out(app: Flask) -> None:
    """Found: only Sign out was in the audit log; a sign-in ended by the idle limit left no entry."""
    client, facilitator_id = signed_in(app)
    token = the_timer_token(client)
    idle_nearly_to_the_limit(app)
    timer_runs_out(client, token)
    [(actor, how, _)] = signed_out_events(app)
    assert (actor, how) == (f"facilitator:{facilitator_id}", "timed out: nothing done for 30 minutes")


def test_a_sign_in_the_servers_limit_ended_is_audited_once_when_it_was_ended(app: Flask) -> None:
    """The server's limit came first: the sign-in is audited as timed out, at the moment its limit
    passed, by the request that finds it so (the timer's, here) or by the worker's purge, whichever
    comes first, and once only; a journey's session that expires records nothing."""
    client, facilitator_id = signed_in(app)
    token = the_timer_token(client)
    journey = Walker(app.test_client())  # someone's journey, not signed in
    journey.start()
    assert journey.answer("mode", "practitioner").status_code == 302
    expire_every_session(app)
    timer_runs_out(client, token)
    client.get("/inbox")
    assert journey.client.get("/questions/immediate_danger").status_code == 302  # its answers are gone
    expected = (f"facilitator:{facilitator_id}", "timed out: nothing done for 30 minutes", dt.datetime(2000, 1, 1))
    assert signed_out_events(app) == [expected]
    # Left alone: the worker's purge deletes it, and says so; the browser coming back adds nothing.
    other, _ = signed_in_as_a_colleague(app)
    expire_every_session(app)
    with app.app_context():
        assert purge_expired_sessions() >= 1
    assert other.get("/inbox").status_code == 302
    colleague = events(app, "signed_out")[-1]
    assert len(signed_out_events(app)) == 2 and colleague.actor != expected[0]
    assert colleague.detail == expected[1] and colleague.at == dt.datetime(2000, 1, 1)


def test_a_timed_out_sign_in_that_cannot_be_audited_is_logged_and_the_page_still_shown(
    app: Flask, monkeypatch, caplog
) -> None:
    client, _ = signed_in(app)
    expire_every_session(app)

    def fails(*_args: object) -> None:
        raise OperationalError("INSERT", None, Exception("disk full"))

    monkeypatch.setattr(inbox_service, "record_sign_in_ended", fails)
    response = client.get("/inbox")
    assert response.status_code == 302 and response.location.startswith("/inbox/sign-in")
    assert "What an expired session held could not be recorded" in caplog.text


def signed_in_as_a_colleague(app: Flask) -> tuple[FlaskClient, int]:
    """Another client, signed in as a second facilitator."""
    colleague_id = add_colleague(app)
    client = app.test_client()
    assert sign_in(client, email="kim.colleague@partnership.example").status_code == 302
    return client, colleague_id


def test_a_crafted_post_signs_nobody_out_and_says_nothing_untrue(app: Flask) -> None:
    """A form on another site (no token) neither signs a facilitator out nor tells someone who was
    never signed in that they were."""
    client, _ = signed_in(app)
    for data in ({"from": "inbox"}, {"from": "inbox", "csrf_token": "not-the-token"}):
        client.post("/session-expired", data=data)
        assert client.get("/inbox").status_code == 200
    stranger = app.test_client()
    response = stranger.post("/session-expired", data={"from": "inbox"}, follow_redirects=True)
    assert response.status_code == 200 and TIMED_OUT not in text(response)


def test_the_expired_form_page_names_doing_nothing_as_a_cause(app: Flask) -> None:
    """A facilitator who typed a note, did nothing for 30 minutes, then pressed "Add note": the page
    no longer blames signing out or another tab alone."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = text(client.get(f"/inbox/requests/{reference}"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    expire_every_session(app)
    response = client.post(f"/inbox/requests/{reference}/notes", data={"csrf_token": token.group(1), "text": "A note"})
    said = words(text(response))
    assert response.status_code == 400 and "This form has expired" in said
    assert "you had not done anything for 30 minutes (so we signed you out)" in said
    # And the service updated (its secret key changed): found (interrupted people review), not among the causes.
    assert "or the service had just been updated." in said
    # Found (facilitator review): "Go back to the inbox" led, once signed in again, to the list of
    # requests: the facilitator, holding the note they had copied, had to find the request again.
    # It leads back to the request.
    link = re.search(r'<a class="govuk-link" href="([^"]+)">Go back to the inbox</a>', text(response))
    assert link is not None and link.group(1) == f"/inbox/sign-in?next=/inbox/requests/{reference}/notes"
    from test_inbox import EMAIL, PASSWORD, csrf_token

    sign_in_page = text(client.get(link.group(1)))
    back = client.post(
        link.group(1), data={"csrf_token": csrf_token(sign_in_page), "email": EMAIL, "password": PASSWORD}
    )
    assert back.status_code == 302 and back.location == f"/inbox/requests/{reference}"
    # Signed in already (a form refused in a tab left open): straight on to the request.
    assert client.get(link.group(1)).location == f"/inbox/requests/{reference}"


def test_what_was_typed_is_given_back_when_the_form_expired_after_signing_out(app: Flask) -> None:
    """Found: after the idle sign-out, a note, a redirect reason or a session's joining
    instructions typed meanwhile were lost. The expired page gives each back to copy."""
    from support.sessions import session_form

    client, _ = signed_in(app)
    reference = stored_request(app)
    page = text(client.get(f"/inbox/requests/{reference}"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    expire_every_session(app)
    note = "Talked it through with the lead. <Follow up> & book a room"
    posts = (
        ("notes", {"text": note}, "Your note", note),
        ("status", {"status": "redirected", "reason": "Better in their own supervision"}, "Your reason", None),
        ("session", session_form(place="Room 4, 2nd floor"), "The joining instructions or place", "Room 4, 2nd floor"),
    )
    for action, data, label, typed in posts:
        response = client.post(f"/inbox/requests/{reference}/{action}", data={"csrf_token": token.group(1), **data})
        shown = text(response)
        assert response.status_code == 400 and "This form has expired" in shown
        assert label in shown and (typed or data["reason"]) in shown
        assert "<Follow up>" not in response.get_data(as_text=True)  # given back as text, never as markup
        if action == "session":  # its date and time too (facilitator review: only the place came back)
            assert "Start time (UK time)" in shown and data["start_time"] in shown and data["date-year"] in shown
    empty = client.post(f"/inbox/requests/{reference}/notes", data={"csrf_token": token.group(1), "text": "  "})
    assert "Your note" not in text(empty) and "Copy it now" not in text(empty)
    # Only a form sent from this site: another site's page cannot have its own text shown here.
    planted = "Call 0800 000 000 now to keep your account"
    for header in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}):
        response = client.post(f"/inbox/requests/{reference}/notes", data={"text": planted}, headers=header)
        assert response.status_code == 400 and planted not in text(response)
    ours = client.post(
        f"/inbox/requests/{reference}/notes", data={"text": note}, headers={"Origin": "http://localhost"}
    )
    assert note in text(ours)


JSON = {"Accept": "application/json"}


def test_the_timer_running_out_on_a_typed_note_signs_out_and_the_password_signs_in_again_in_place(
    app: Flask, caplog
) -> None:  # type: ignore[no-untyped-def]
    """With something typed on the page, the warning's script asks for JSON rather than leaving
    the page (found, review: the sign-in page replaced it, and the half-written note was lost).
    The session ends as it did, audited as timed out, and the browser opens nothing; the answer
    carries the new session's security token, with which the page's warning signs in again (the
    sign-in page's own check: a wrong password refused, audited, never logged), and is given a
    token its forms then save with. The note is sent only when its button is pressed."""
    client, facilitator_id = signed_in(app)
    reference = stored_request(app)
    token = the_timer_token(client)
    idle_nearly_to_the_limit(app)
    ended = client.post("/session-expired", data={"csrf_token": token, "from": "inbox"}, headers=JSON)
    assert ended.status_code == 200 and ended.json is not None
    assert ended.json["signed_out"] is True and ended.json["csrf_token"]
    [(actor, how, _)] = signed_out_events(app)
    assert (actor, how) == (f"facilitator:{facilitator_id}", "timed out: nothing done for 30 minutes")
    gone = client.get(f"/inbox/requests/{reference}")
    assert gone.status_code == 302 and gone.location.startswith("/inbox/sign-in")
    new_token = ended.json["csrf_token"]
    wrong = client.post(
        "/inbox/sign-in",
        data={"csrf_token": new_token, "email": EMAIL, "password": "not it at all"},
        headers=JSON,
    )
    assert wrong.status_code == 200 and wrong.json == {
        "error": "The password is not correct. Enter the password you sign in with"
    }
    assert len(events(app, "sign_in_failed")) == 1 and "not it at all" not in caplog.text
    # (The page's old token is the ended session's: its forms would not save.)
    right = client.post(
        "/inbox/sign-in",
        data={"csrf_token": new_token, "email": EMAIL, "password": PASSWORD},
        headers=JSON,
    )
    assert right.status_code == 200 and right.json is not None
    assert right.json["message"].startswith("You are signed in again for 24 hours")
    assert right.json["seconds_left"] > 23 * 3600 and right.json["csrf_token"] not in (token, new_token)
    assert [event.actor for event in events(app, "signed_in")][-1] == f"facilitator:{facilitator_id}"
    saved = client.post(
        f"/inbox/requests/{reference}/notes", data={"csrf_token": right.json["csrf_token"], "text": "Called them."}
    )
    assert saved.status_code == 302 and "Note added" in text(client.get(saved.location))


def test_the_timer_running_out_in_place_ends_nothing_while_another_tab_keeps_the_session(app: Flask) -> None:
    """The page's timer counts that page's time only: busy in another tab, the session is not
    ended, and the script is told it is still signed in (its timer starts again)."""
    client, _ = signed_in(app)
    token = the_timer_token(client)
    answer = client.post("/session-expired", data={"csrf_token": token, "from": "inbox"}, headers=JSON)
    assert answer.status_code == 200 and answer.json == {"signed_in": True}
    assert client.get("/inbox").status_code == 200
    assert signed_out_events(app) == []


def test_the_warnings_password_after_the_servers_idle_limit_signs_in_again_once(app: Flask) -> None:
    """The sign-in's warning left open past the idle limit (found, review: "Copy anything you have
    typed, then reload the page", and the note was lost): its password, sent with the ended
    session's token, is checked by neither form, and the script is given a new token to sign in
    with, which it does once; a sign-in with an out-of-date token, asking for JSON, is offered
    the same, never signed in without its password."""
    client, _ = signed_in(app)
    token = the_timer_token(client)
    expire_every_session(app)
    offer = client.post("/inbox/confirm-sign-in", data={"csrf_token": token, "password": PASSWORD}, headers=JSON)
    assert offer.status_code == 200 and offer.json is not None and offer.json["sign_in"] is True
    assert events(app, "sign_in_failed") == []  # (nothing checked)
    stale = client.post(
        "/inbox/sign-in",
        data={"csrf_token": token, "email": EMAIL, "password": PASSWORD},
        headers=JSON,
    )
    assert stale.status_code == 200 and stale.json is not None and stale.json["sign_in"] is True
    assert client.get("/inbox").status_code == 302  # still signed out
    signed = client.post(
        "/inbox/sign-in",
        data={
            "csrf_token": stale.json["csrf_token"],
            "email": EMAIL,
            "password": PASSWORD,
        },
        headers=JSON,
    )
    assert signed.status_code == 200 and signed.json is not None and signed.json["csrf_token"]
    assert client.get("/inbox").status_code == 200
