"""The end of a sign-in, 12 hours after it began however busy the facilitator is: a form sent
after the end gives back what was typed and says why it was not saved."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient

from app.inbox import service
from support import csrf_token
from test_inbox import EMAIL, PASSWORD, events, signed_in, stored_request, text

TOO_OLD = "You were signed out because you signed in more than 12 hours ago. Sign in again"


def signed_in_for(client: FlaskClient, ago: dt.timedelta) -> dt.datetime:
    """Time passes: the client's sign-in began ``ago``; returns when it ends."""
    with client.session_transaction() as stored:
        began = dt.datetime.fromisoformat(stored[service.SIGNED_IN_AT_KEY]) - ago
        stored[service.SIGNED_IN_AT_KEY] = began.isoformat()
    return began + dt.timedelta(hours=12)


def sign_in_again(client: FlaskClient) -> int:
    """Sign in (again) through the form; the status of its answer."""
    page = text(client.get("/inbox/sign-in"))
    if "Sign in to the facilitators" not in page:  # still signed in: the page went on to the inbox
        return 302
    return client.post(
        "/inbox/sign-in", data={"csrf_token": csrf_token(page), "email": EMAIL, "password": PASSWORD}
    ).status_code


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
