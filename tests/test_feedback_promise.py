"""What the feedback email and page promise about the practitioner's answer is true: the score is
counted without their name or reference, but a comment is read by month, so in a quiet month
the facilitators may be able to tell whose it is (review: "cannot be linked to you or your
request" did not hold for a month with one session held)."""

from __future__ import annotations

from flask import Flask

from support.mail import SmtpServer
from support.sessions import session_has_started
from support.submission import run_outbox
from test_inbox import signed_in, text
from test_sessions import arrange, body_of, feedback_link, flush, invite, offered, outcome, session_app

__all__ = ["session_app"]  # a fixture: pytest finds it by name here

HONEST = "in a month with few sessions they may be able to tell"


def test_the_feedback_email_and_page_say_a_comment_may_be_recognised(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = offered(session_app)
    arrange(client, reference)
    invite(client, reference)
    flush(session_app, smtp_server)
    session_has_started(session_app, reference)
    outcome(client, reference, "held")
    run_outbox(session_app)
    email = body_of(smtp_server.mailbox.messages[-1])
    page = text(session_app.test_client().get(feedback_link(smtp_server.mailbox.messages[-1])))
    for said in (email, page):
        assert HONEST in said.lower().replace(",", "")
        assert "cannot be linked" not in said and "not linked to you" not in said and "anonymous" not in said
    # The page's hint in sentences a reader can follow (words review: one 45-word sentence).
    hint = "The counts for a month are shown only once the month is over, and only if there are enough answers"
    assert f"{hint}, and enough different ones" in page
    # Found (journey review): the hints began with fragments ("Thinking about your Space to Think
    # session.", "About the session, not the case.").
    assert "This question is about your Space to Think session." in page and "Thinking about" not in page
    assert "Write about the session, not the case." in page
    assert "You can answer once with this link." in page


def test_the_privacy_notice_makes_the_same_promise(session_app: Flask) -> None:
    """Found (words review): the privacy notice said a comment was "not linked to you or your
    request", the promise the feedback email and page were corrected to stop making."""
    page = " ".join(text(session_app.test_client().get("/privacy")).split())
    assert HONEST in page.lower().replace(",", "") and "neither is stored with your name or your request" in page
    assert "linked to you" not in page
