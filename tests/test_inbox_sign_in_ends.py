"""The end of a sign-in, 12 hours after it began however busy the facilitator is (accessibility
review, WCAG 2.2.1: it came with no warning, and a note being typed was lost). Every inbox page
shown in its last 20 minutes says when it ends and why, without JavaScript; every page carries
the warning the script opens a few minutes before (tests/browser/test_inbox_timeout_browser.py);
"Sign in again now" signs out and comes back to the page; a form sent after the end gives back
what was typed and says why it was not saved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.inbox import service
from app.requests.document import uk_clock
from support import csrf_token
from test_inbox import EMAIL, PASSWORD, events, signed_in, stored_request, text

TOO_OLD = "You were signed out because you signed in more than 12 hours ago. Sign in again"


def signed_in_for(client: FlaskClient, ago: dt.timedelta) -> dt.datetime:
    """Time passes: the client's sign-in began ``ago``; returns when it ends."""
    with client.session_transaction() as stored:
        began = dt.datetime.fromisoformat(stored[service.SIGNED_IN_AT_KEY]) - ago
        stored[service.SIGNED_IN_AT_KEY] = began.isoformat()
    return began + dt.timedelta(hours=12)


def ending_banner(page: str) -> str | None:
    """What the page says about the sign-in ending (its part of the Important banner), or None."""
    match = re.search(r"<div data-sign-in-ending>(.*?)</div>", page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else None


def sign_in_ends_dialog(page: str) -> str:
    match = re.search(r'<dialog[^>]*id="app-sign-in-ends-warning".*?</dialog>', page, re.S)
    assert match, "no sign-in warning on the page"
    return match.group(0)


def sign_in_again(client: FlaskClient) -> int:
    """Sign in (again) through the form; the status of its answer."""
    page = text(client.get("/inbox/sign-in"))
    if "Sign in to the facilitators" not in page:  # still signed in: the page went on to the inbox
        return 302
    return client.post(
        "/inbox/sign-in", data={"csrf_token": csrf_token(page), "email": EMAIL, "password": PASSWORD}
    ).status_code


@pytest.mark.parametrize("minutes_left, warned", [(30, False), (21, False), (19, True), (1, True)])
def test_pages_shown_near_the_end_of_a_sign_in_say_when_it_ends(app: Flask, minutes_left: int, warned: bool) -> None:
    client, _ = signed_in(app)
    ends = signed_in_for(client, dt.timedelta(hours=12, minutes=-minutes_left))
    reference = stored_request(app)
    for url in ("/inbox", f"/inbox/requests/{reference}", "/inbox/sessions", "/inbox/statistics", "/inbox/guide"):
        page = client.get(url)
        assert page.status_code == 200, url
        said = ending_banner(text(page))
        if not warned:
            assert said is None, url
            continue
        assert said is not None, url
        assert f"You will be signed out at {uk_clock(ends)}" in said
        assert "For security, we sign you out 12 hours after you signed in" in said
        assert "Save what you are writing before then, then sign in again." in said
        # Its button is beside a note being typed: it says what the script's warning says.
        assert "Signing in again now loses anything not yet saved." in said
        # In the Important banner (a region the page names), with the page's flashed messages.
        assert re.search(r'aria-labelledby="important-banner-title".*data-sign-in-ending', text(page), re.S)


def test_the_ending_is_said_in_the_important_banner_beside_any_message(app: Flask) -> None:
    """One Important banner for what the page has to say (a refusal, a warning), not two."""
    client, _ = signed_in(app)
    signed_in_for(client, dt.timedelta(hours=11, minutes=50))
    with client.session_transaction() as stored:
        stored["_flashes"] = [("important", "Nothing was changed"), ("success", "Note added")]
    page = text(client.get("/inbox"))
    important = re.search(r'aria-labelledby="important-banner-title".*?</div>\s*</div>\s*</div>', page, re.S)
    assert important and "Nothing was changed" in important.group(0) and "data-sign-in-ending" in important.group(0)
    assert page.count('aria-labelledby="important-banner-title"') == 1
    assert page.count('aria-labelledby="success-banner-title"') == 1


def test_sign_in_again_now_signs_out_and_comes_back_to_the_page(app: Flask) -> None:
    client, _ = signed_in(app)
    signed_in_for(client, dt.timedelta(hours=11, minutes=50))
    reference = stored_request(app)
    page = text(client.get("/inbox?status=new&sort=due"))
    form = re.search(r"<div data-sign-in-ending>.*?(<form.*?</form>)", page, re.S)
    assert form and 'action="/inbox/sign-out"' in form.group(1)
    assert 'name="next" value="/inbox?status=new&sort=due"' in form.group(1)
    response = client.post(
        "/inbox/sign-out", data={"csrf_token": csrf_token(form.group(1)), "next": f"/inbox/requests/{reference}"}
    )
    assert response.status_code == 302 and response.location == f"/inbox/sign-in?next=/inbox/requests/{reference}"
    assert events(app, "signed_out")
    assert client.get("/inbox").status_code == 302  # signed out
    sign_in_page = client.get(response.location)
    assert "You have signed out" in text(sign_in_page)
    signed = client.post(
        response.location, data={"csrf_token": csrf_token(text(sign_in_page)), "email": EMAIL, "password": PASSWORD}
    )
    assert signed.status_code == 302 and signed.location == f"/inbox/requests/{reference}"
    assert ending_banner(text(client.get(signed.location))) is None  # 12 new hours


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/inbox", "/exit", "/inbox/../exit"])
def test_sign_in_again_now_goes_only_to_an_inbox_page(app: Flask, target: str) -> None:
    client, _ = signed_in(app)
    token = csrf_token(text(client.get("/inbox")))
    response = client.post("/inbox/sign-out", data={"csrf_token": token, "next": target})
    assert response.status_code == 302 and response.location == "/inbox/sign-in?next=/inbox"


def test_sign_out_without_a_page_to_come_back_to_is_as_before(app: Flask) -> None:
    client, _ = signed_in(app)
    token = csrf_token(text(client.get("/inbox")))
    response = client.post("/inbox/sign-out", data={"csrf_token": token})
    assert response.status_code == 302 and response.location == "/inbox/sign-in"


def test_every_inbox_page_carries_the_warning_its_script_opens_before_the_end(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    for url in ("/inbox", f"/inbox/requests/{reference}", "/inbox/statistics"):
        dialog = sign_in_ends_dialog(text(client.get(url)))
        seconds_left = int(re.search(r'data-seconds-left="(\d+)"', dialog).group(1))  # type: ignore[union-attr]
        assert 12 * 3600 - 60 < seconds_left <= 12 * 3600, url
        assert 'data-warn-seconds="300"' in dialog
        said = " ".join(re.sub(r"<[^>]+>", " ", dialog).split())
        assert "You will be signed out at" in said and "This cannot be extended." in said
        assert "Stay signed in" not in said
        form = re.search(r'<form id="app-sign-in-again"[^>]*action="/inbox/sign-out"[^>]*>(.*?)</form>', dialog, re.S)
        assert form and 'name="csrf_token"' in form.group(1)
        assert f'name="next" value="{url}"' in form.group(1)
        assert re.search(r'<button type="submit" form="app-sign-in-again"[^>]*>Sign in again now</button>', dialog)
        assert 'aria-describedby="app-sign-in-ends-text app-sign-in-ends-unsaved app-sign-in-ends-left"' in dialog
    signed_in_for(client, dt.timedelta(hours=11, minutes=58))
    dialog = sign_in_ends_dialog(text(client.get("/inbox")))
    assert 60 <= int(re.search(r'data-seconds-left="(\d+)"', dialog).group(1)) <= 120  # type: ignore[union-attr]
    # Not for anyone signed out, nor outside the inbox.
    assert 'id="app-sign-in-ends-warning"' not in text(app.test_client().get("/inbox/sign-in"))
    assert 'id="app-sign-in-ends-warning"' not in text(client.get("/"))


def test_a_note_or_reason_sent_after_the_end_is_given_back_and_the_page_says_why(app: Flask) -> None:
    """A facilitator writing a note as the 12 hours ran out: nothing is saved, the page shows
    what they typed to copy and says why (not the idle limit), and the sign-in page says it too."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    token = csrf_token(text(client.get(f"/inbox/requests/{reference}")))
    note = "Spoke to the practitioner's manager; <call back> Thursday & confirm the room."
    posts = (
        ("notes", {"text": note}, "Your note", note),
        ("status", {"status": "redirected", "reason": "Better in their own supervision"}, "Your reason", None),
    )
    for action, data, label, typed in posts:
        assert sign_in_again(client) == 302
        token = csrf_token(text(client.get(f"/inbox/requests/{reference}")))
        signed_in_for(client, dt.timedelta(hours=12, minutes=1))
        response = client.post(f"/inbox/requests/{reference}/{action}", data={"csrf_token": token, **data})
        shown = text(response)
        assert response.status_code == 400 and "This form has expired" in shown
        assert label in shown and (typed or data["reason"]) in shown and "Copy it now" in shown
        said = " ".join(re.sub(r"<[^>]+>", " ", shown).split())
        assert "We could not save this: you were signed out because you signed in more than 12 hours ago" in said
        assert "you had not done anything for" not in said
        assert TOO_OLD in text(client.get("/inbox/sign-in"))
    assert not events(app, "note_added")


def test_sign_in_again_now_pressed_after_the_end_still_comes_back_to_the_page(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    token = csrf_token(text(client.get(f"/inbox/requests/{reference}")))
    signed_in_for(client, dt.timedelta(hours=12, minutes=1))
    response = client.post("/inbox/sign-out", data={"csrf_token": token, "next": f"/inbox/requests/{reference}"})
    assert response.status_code == 302 and response.location == f"/inbox/sign-in?next=/inbox/requests/{reference}"
    assert TOO_OLD in text(client.get(response.location))


@pytest.mark.parametrize(
    "signed_in_at, now, said",
    [
        (dt.datetime(2026, 7, 1, 8, 45, 30), dt.datetime(2026, 7, 1, 20, 30), "9:45pm"),  # BST: UTC+1
        (dt.datetime(2026, 12, 1, 8, 45, 30), dt.datetime(2026, 12, 1, 20, 30), "8:45pm"),  # GMT
        # Signed in on British Summer Time's last day, signed out after the clocks went back.
        (dt.datetime(2026, 10, 24, 13, 45), dt.datetime(2026, 10, 25, 1, 30), "1:45am"),
        (dt.datetime(2026, 3, 28, 13, 45), dt.datetime(2026, 3, 29, 1, 30), "2:45am"),  # and forward
    ],
)
def test_the_time_a_sign_in_ends_is_said_in_uk_time(
    app: Flask, monkeypatch: pytest.MonkeyPatch, signed_in_at: dt.datetime, now: dt.datetime, said: str
) -> None:
    """The banner's time is the UK's, summer or winter, as the facilitator's clock shows it (the
    test above takes its expected time from the same function as the page, so it could not tell)."""
    from app.inbox import views

    client, _ = signed_in(app)
    with client.session_transaction() as stored:
        stored[service.SIGNED_IN_AT_KEY] = signed_in_at.isoformat()
    monkeypatch.setattr(views, "utcnow", lambda: now)
    monkeypatch.setattr(service, "utcnow", lambda: now)
    banner = ending_banner(text(client.get("/inbox")))
    assert banner is not None and f"You will be signed out at {said}" in banner
    dialog = sign_in_ends_dialog(text(client.get("/inbox")))
    assert f"You will be signed out at {said}</h2>" in dialog
