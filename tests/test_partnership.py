"""The read-only partnership account: it sees the statistics and nothing else of the inbox.

The refusal test walks every route under /inbox in ``app.url_map``, so a route added later is
covered without changing this file: it is refused unless it is added to the short list of
pages a partnership account may open.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.extensions import db
from app.inbox import service
from app.inbox.models import Assignment, Facilitator, TriageNote
from app.inbox.views import PARTNERSHIP_ENDPOINTS
from app.models import AuditEvent, OutboxMessage, StoredRequest
from app.space_sessions.models import FeedbackComment, SpaceSession
from support import both_databases, csrf_token
from support.submission import make_request
from support.walk import post_shown

PASSWORD = "quiet harbour lantern orchard"
PARTNERSHIP_EMAIL = "chair@partnership.example"
FACILITATOR_EMAIL = "sam.facilitator@partnership.example"
REFUSED_TITLE = "You cannot open this page"


def filled_in(rule: str, **values: object) -> str:
    """An inbox route's address with each of its parts ("<reference>", "<session_id>", ...) given
    a value; fails naming the part a test gives none for (a route added later, say)."""
    url = rule
    for name, value in values.items():
        url = url.replace(f"<{name}>", str(value))
    assert "<" not in url, f"{rule}: give the test a value for this part of the address"
    return url


def add_account(app: Flask, email: str, role: str) -> int:
    with app.app_context():
        return service.add_facilitator(email, f"Someone {role}", PASSWORD, role).id


def sign_in(client: FlaskClient, email: str, next_url: str = "") -> str:
    """Sign in through the form; return where it sent us."""
    url = "/inbox/sign-in" + (f"?next={next_url}" if next_url else "")
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert response.status_code == 302
    return response.location


def partnership_client(app: Flask) -> FlaskClient:
    add_account(app, PARTNERSHIP_EMAIL, "partnership")
    client = app.test_client()
    sign_in(client, PARTNERSHIP_EMAIL)
    return client


def test_the_cli_makes_a_partnership_account(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        args=["facilitators", "add", PARTNERSHIP_EMAIL, "--name", "Chair", "--role", "partnership"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "statistics only" in result.output
    with app.app_context():
        account = service.find_facilitator(PARTNERSHIP_EMAIL)
        assert account is not None and account.role == "partnership" and account.reads_statistics_only
    assert "\tpartnership\t" in runner.invoke(args=["facilitators", "list"]).output
    refused = runner.invoke(
        args=["facilitators", "add", "x@partnership.example", "--name", "X", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert refused.exit_code != 0 and "admin" in refused.output
    # Without --role, an account works the inbox, as before.
    assert (
        runner.invoke(
            args=["facilitators", "add", FACILITATOR_EMAIL, "--name", "Sam"], input=f"{PASSWORD}\n{PASSWORD}\n"
        ).exit_code
        == 0
    )
    with app.app_context():
        assert service.find_facilitator(FACILITATOR_EMAIL).role == "facilitator"  # type: ignore[union-attr]


def test_a_partnership_account_lands_on_the_statistics_and_sees_no_inbox_links(app: Flask) -> None:
    add_account(app, PARTNERSHIP_EMAIL, "partnership")
    client = app.test_client()
    assert sign_in(client, PARTNERSHIP_EMAIL) == "/inbox/statistics"
    assert client.get("/inbox/sign-in").location == "/inbox/statistics"  # already signed in
    page = client.get("/inbox/statistics")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'href="/inbox"' not in text and 'href="/inbox/import"' not in text
    assert 'href="/inbox/guide"' not in text  # found: the menu offered the guide, which it may not open
    assert client.get("/inbox/statistics.csv").status_code == 200
    # Public pages stay open to it, as to anyone.
    assert client.get("/").status_code == 200


@both_databases
def test_a_partnership_account_is_refused_every_other_inbox_route(app: Flask) -> None:
    reference = str(make_request_in(app))
    session_id = a_session_with(app, reference)
    with app.app_context():
        comment = FeedbackComment(month="2026-01", text="A comment")
        db.session.add(comment)
        db.session.commit()
        comment_id = comment.id
    author = add_account(app, FACILITATOR_EMAIL, "facilitator")
    with app.app_context():  # a note it might delete
        stored = db.session.scalar(select(StoredRequest))
        note = service.add_note(stored, "A note", db.session.get(Facilitator, author))
        note_id, stamp = note.id, service.note_stamp(note)
    client = partnership_client(app)
    token = csrf_token(client.get("/inbox/statistics").get_data(as_text=True))
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/inbox")]
    checked = set()
    for rule in rules:
        if rule.endpoint in PARTNERSHIP_ENDPOINTS or rule.endpoint in ("inbox.sign_in", "inbox.confirm_sign_in"):
            continue  # (confirming its own password to stay signed in is open to every account: below)
        url = filled_in(rule.rule, reference=reference, session_id=session_id, comment_id=comment_id, note_id=note_id)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {
                "csrf_token": token,
                "status": "closed",
                "text": "A note",
                "facilitator": "",
                "outcome": "held",
                "session": str(session_id),
                "confirm": "yes",
                "note": stamp,
            }
            response = client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code == 403, (method, rule.rule, response.status_code)
            assert REFUSED_TITLE in html.unescape(response.get_data(as_text=True)), rule.rule  # the branded page
            checked.add(rule.endpoint)
    assert checked >= {
        "inbox.index",
        "inbox.request_page",
        "inbox.download_pdf",
        "inbox.change_status",
        "inbox.assign",
        "inbox.add_note",
        "inbox.delete_note",
        "inbox.import_request",
        "inbox.find_by_email",
        "inbox.sessions_list",
        "inbox.session_page",
        "inbox.cancel_session",
        "inbox.delete_comment",
        "inbox.arrange_session",
        "inbox.send_invitation",
        "inbox.session_outcome",
        "inbox.form_address",  # a GET of the forms' addresses (to the request page)
    }
    # Nothing was read or changed on its behalf; it is still signed in.
    with app.app_context():
        assert db.session.scalar(select(StoredRequest.status)) == "session_arranged"
        assert db.session.scalar(select(SpaceSession.cancelled_at)) is None
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 1
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
        assert db.session.scalar(select(func.count()).select_from(FeedbackComment)) == 1
        done = {
            event.action
            for event in db.session.scalars(select(AuditEvent))
            if event.actor.startswith("facilitator:") and event.actor != f"facilitator:{author}"
        }
        # No view, download, import, note or change was recorded; each refusal was (privacy review).
        assert done == {"signed_in", "refused"}
    # Its own password page (to stay signed in past 24 hours) opens: it names only the account.
    page = client.get("/inbox/confirm-sign-in")
    assert page.status_code == 200 and 'type="password"' in page.get_data(as_text=True)
    assert reference not in page.get_data(as_text=True)
    assert client.get("/inbox/statistics").status_code == 200


def a_session_with(app: Flask, reference: str) -> int:
    """Arrange a session for the request, as a facilitator would; returns the session's id."""
    from app.space_sessions.service import SessionDetails, arrange

    with app.app_context():
        stored = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        stored.status = "session_offered"
        day = dt.date.today() + dt.timedelta(days=7)
        return arrange(stored, "cli", SessionDetails(day, dt.time(10), 60, "online", "A video link")).id


def make_request_in(app: Flask) -> str:
    with app.app_context():
        return str(make_request().request.reference)


def test_the_pages_a_partnership_account_may_open_are_few() -> None:
    """The statistics, and its own sign-in: signing out, changing its password, and whether its open
    pages are still signed in."""
    assert {
        "stats.index",
        "stats.download_csv",
        "inbox.sign_out",
        "inbox.change_password",
        "inbox.still_signed_in",
    } == PARTNERSHIP_ENDPOINTS


def test_a_partnership_account_cannot_be_assigned_requests(app: Flask) -> None:
    partnership_id = add_account(app, PARTNERSHIP_EMAIL, "partnership")
    add_account(app, FACILITATOR_EMAIL, "facilitator")
    reference = make_request_in(app)
    client = app.test_client()
    sign_in(client, FACILITATOR_EMAIL)
    page = client.get(f"/inbox/requests/{reference}").get_data(as_text=True)
    assert f'value="{partnership_id}"' not in page and "Someone partnership" not in page
    # Nor is it offered in the list's "Assigned to" filter (found: it was).
    listing = client.get("/inbox").get_data(as_text=True)
    assert f'value="{partnership_id}"' not in listing and "Someone partnership" not in listing
    token = csrf_token(page)
    refused = post_shown(
        client, f"/inbox/requests/{reference}/assignment", {"csrf_token": token, "facilitator": str(partnership_id)}
    )
    assert refused.status_code == 200 and "govuk-error-summary" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


@pytest.mark.parametrize("role", ["partnership", "auditor"])
def test_an_account_that_is_not_a_facilitator_is_refused_the_list(app: Flask, role: str) -> None:
    """An unknown role (set in the database by hand) is read-only too: refusal is the default."""
    account = add_account(app, PARTNERSHIP_EMAIL, "partnership")
    with app.app_context():
        db.session.execute(update(Facilitator).where(Facilitator.id == account).values(role=role))
        db.session.commit()
    client = app.test_client()
    sign_in(client, PARTNERSHIP_EMAIL)
    assert client.get("/inbox").status_code == 403
    assert client.get("/inbox/statistics").status_code == 200


def test_a_facilitator_still_opens_the_inbox_and_the_statistics(app: Flask) -> None:
    add_account(app, FACILITATOR_EMAIL, "facilitator")
    client = app.test_client()
    assert sign_in(client, FACILITATOR_EMAIL) == "/inbox"
    assert client.get("/inbox").status_code == 200
    page = client.get("/inbox/statistics").get_data(as_text=True)
    assert 'href="/inbox/import"' in page


def test_the_refusal_page_leads_a_signed_in_account_back_to_what_it_may_open(app: Flask) -> None:
    """Found: the 403 page a partnership account sees in the inbox only linked to the start page."""
    client = partnership_client(app)
    for url in ("/inbox", "/inbox/import", "/inbox/requests/STT-2345-6789"):
        refused = client.get(url)
        page = html.unescape(refused.get_data(as_text=True))
        assert refused.status_code == 403 and REFUSED_TITLE in page, url
        assert 'href="/inbox/statistics"' in page and "statistics only" in page, url
        assert 'action="/inbox/sign-out"' in page and ">Sign out</button>" in page, url
    # Its sign-out button works (its form carries this session's token).
    token = csrf_token(page)
    signed_out = client.post("/inbox/sign-out", data={"csrf_token": token})
    assert signed_out.status_code == 302 and signed_out.location == "/inbox/sign-in"
    # Nobody signed in: no sign-out button, and the start page (the page is not the one kept above).
    anonymous = app.test_client()
    token = csrf_token(anonymous.get("/inbox/sign-in").get_data(as_text=True))
    page = html.unescape(anonymous.post("/inbox/import", data={"csrf_token": token}).get_data(as_text=True))
    assert REFUSED_TITLE in page and 'href="/"' in page and "/inbox/sign-out" not in page


def test_a_missing_page_under_the_inbox_leads_a_partnership_account_to_what_it_may_open(app: Flask) -> None:
    """Found (accessibility review): a partnership account's "Page not found" under /inbox offered
    "Go to the inbox", which refused it (403): the page is found missing before the account is."""
    client = partnership_client(app)
    missing = client.get("/inbox/no-such-page")
    assert missing.status_code == 404
    link = html.unescape(missing.get_data(as_text=True)).split('href="/inbox/sign-in">Go to the inbox</a>')
    assert len(link) == 2, "no way on from the page"
    onward = client.get("/inbox/sign-in")
    assert onward.status_code == 302 and onward.location.startswith("/inbox/statistics")
    assert client.get(onward.location).status_code == 200
