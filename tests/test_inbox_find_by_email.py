"""Finding every request sent with a work email, to answer a practitioner's subject access or
erasure request: a form (POST, never a URL), the request page's match (case and surrounding
spaces aside), each search audited with the address's keyed tag, never the address, and only for
facilitators."""

from __future__ import annotations

import html
import logging

import pytest
from flask import Flask
from sqlalchemy import select

from app.audit import without_address_tag
from app.extensions import db
from app.inbox.service import EMAIL_SEARCHED, FOUND_BY_EMAIL, email_fingerprint
from app.models import AuditEvent, StoredRequest
from support import both_databases, csrf_token
from support.submission import VALID_DETAILS, make_request
from test_inbox import post_form, signed_in, text

PAGE = "/inbox/find-by-email"
ADDRESS = VALID_DETAILS["email"]  # alex.practitioner@nhs.example


def requests_by(app: Flask, *emails: str) -> list[str]:
    """A request from each work email, in order; their references."""
    with app.app_context():
        return [str(make_request(details={**VALID_DETAILS, "email": email}).request.reference) for email in emails]


def audit_events(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


@both_databases
def test_a_search_finds_every_request_with_the_work_email_and_is_audited_without_it(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    first, other, second = requests_by(app, ADDRESS, "sam.other@school.example", "Alex.Practitioner@NHS.example")
    client, facilitator_id = signed_in(app)
    assert "Find a practitioner&#39;s requests" in client.get("/inbox").get_data(as_text=True)  # in the menu
    before = len(audit_events(app))

    caplog.set_level(logging.DEBUG)
    response = post_form(client, PAGE, PAGE, {"email": f"  {ADDRESS.upper()} "}, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == PAGE  # the address is in no URL
    page = text(response)
    assert "<title>2 requests found: Find a practitioner's requests" in page
    assert "2 requests sent with this work email" in page
    found = page.split("data-found-by-email", 1)[1]
    assert f'href="/inbox/requests/{first}"' in found and f'href="/inbox/requests/{second}"' in found
    assert found.index(first) < found.index(second)  # oldest first
    assert other not in found
    assert f'value="  {ADDRESS.upper()} "' in page  # what was typed, kept

    new = audit_events(app)[before:]
    [search] = [event for event in new if event.action == EMAIL_SEARCHED]
    with app.app_context():
        tag, nobody = email_fingerprint(ADDRESS), email_fingerprint("Nobody@Nowhere.example ")
    # The address's keyed tag, never the address (found, b157 review: a search was not tied to it).
    assert (search.actor, search.reference, search.detail) == (
        f"facilitator:{facilitator_id}",
        None,
        f"2 requests found; address tag {tag}",
    )
    assert sorted(event.reference for event in new if event.action == FOUND_BY_EMAIL) == sorted([first, second])
    for event in new:  # never the address, in any case
        assert "alex.practitioner" not in f"{event.detail} {event.reference}".lower()
    assert "alex.practitioner" not in caplog.text.lower()
    trail = text(client.get(f"/inbox/requests/{first}")).split("data-audit-trail", 1)[1]
    assert "Found by a search for its work email" in trail

    nothing = text(post_form(client, PAGE, PAGE, {"email": "nobody@nowhere.example"}, follow_redirects=True))
    assert "No requests sent with this work email" in nothing
    assert [event.detail for event in audit_events(app) if event.action == EMAIL_SEARCHED][-1] == (
        f"0 requests found; address tag {nobody}"
    )
    # A data protection officer given the address finds the search that found nothing, and no other.
    listed = app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--email", "nobody@nowhere.example"])
    assert listed.exit_code == 0, listed.output
    [entry] = [line for line in listed.output.splitlines() if "\t" in line]
    assert "Searched by email" in entry or "searched" in entry.lower()
    assert f"0 requests found; address tag {nobody}" in entry
    assert (
        "No entries match"
        in app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--email", "someone@else.example"]).output
    )


def test_an_address_copied_with_invisible_characters_is_searched_for_without_them(app: Flask) -> None:
    """Found (user review): an address copied from the practitioner's email or a document can carry
    characters no one can see (a zero-width space, a byte order mark, a direction mark); the search
    was refused ("in the correct format") though the address looked right."""
    [reference] = requests_by(app, ADDRESS)
    client, _ = signed_in(app)
    typed = f"\ufeff{ADDRESS}\u200b\u200e"
    page = text(post_form(client, PAGE, PAGE, {"email": typed}, follow_redirects=True))
    assert "1 request sent with this work email" in page and f'href="/inbox/requests/{reference}"' in page


def test_an_address_pasted_with_a_curly_apostrophe_finds_the_requests_sent_with_a_plain_one(app: Flask) -> None:
    """Found (data protection review): "B.O’Neil@..." pasted from a letter was refused as no address."""
    [reference] = requests_by(app, "b.o'neil@agency.example.org")
    client, _ = signed_in(app)
    page = text(post_form(client, PAGE, PAGE, {"email": "B.O\u2019Neil@agency.example.org"}, follow_redirects=True))
    assert "1 request sent with this work email" in page and f'href="/inbox/requests/{reference}"' in page


@both_databases
def test_the_audit_log_command_takes_an_address_as_the_search_does(app: Flask) -> None:
    """Found (review of the address tags): a search for "O’Neil@..." (a curly apostrophe, as a letter
    gives it) found the request and was tagged, but `flask facilitators audit-log --email` with the
    same address, or with a zero-width space copied with it, said "No entries match"."""
    requests_by(app, "o'neil@example.org")
    client, _ = signed_in(app)
    page = text(post_form(client, PAGE, PAGE, {"email": "O\u2019Neil@example.org"}, follow_redirects=True))
    assert "1 request sent with this work email" in page
    for typed in (
        "o\u2019neil@example.org",
        "o'neil@example.org\u200b",
        " \ufeffO\u2018Neil@Example.ORG  ",
        "o'neil@example.org",
    ):
        listed = app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--email", typed])
        assert listed.exit_code == 0, listed.output
        assert "1 request found; address tag" in listed.output, (typed, listed.output)
    other = app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--email", "oneil@example.org"])
    assert "No entries match" in other.output


def test_a_request_stored_with_an_address_no_longer_taken_can_still_be_found(app: Flask) -> None:
    """Found (regression review): addresses taken until 6 December 2026 that no mail could reach
    ("alex..p@", a domain ending in a hyphen) are refused for new requests now; the search refused
    them too, so such a request could not be found for someone asking for their data."""
    [reference] = requests_by(app, ADDRESS)
    with app.app_context():  # stored before the check of its parts, with such an address
        stored = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        assert stored is not None
        stored.details = {**stored.details, "email": "alex..p@nhs-.example"}
        db.session.commit()
    client, _ = signed_in(app)
    page = text(post_form(client, PAGE, PAGE, {"email": "alex..p@nhs-.example"}, follow_redirects=True))
    assert "1 request sent with this work email" in page and f'href="/inbox/requests/{reference}"' in page


def searches(app: Flask) -> list[str]:
    """The audit entries of searches by work email (each search, and each showing of its results)."""
    return [without_address_tag(str(event.detail)) for event in audit_events(app) if event.action == EMAIL_SEARCHED]


@both_databases
def test_the_results_are_a_page_to_come_back_to_without_sending_the_search_again(app: Flask) -> None:
    """Found (usability review): the results were the answer to the form's post, so Back from a
    request found, or a refresh, asked to send the form again ("Document expired"). Now the post
    redirects to the results page (a GET, the address kept in the server-side session, never in
    a URL), which Back and a refresh show again; each showing is audited, as a search was."""
    first, second = requests_by(app, ADDRESS, ADDRESS)
    client, _ = signed_in(app)
    before = len(audit_events(app))

    sent = post_form(client, PAGE, PAGE, {"email": ADDRESS}, as_sent=True)
    assert sent.status_code == 303 and sent.headers["Location"] == PAGE
    assert "alex" not in sent.headers["Location"].lower() and not sent.get_data(as_text=True).count("@")
    # A HEAD (a link checker, a preview) is sent nothing: not audited, and the first showing's
    # entry still stands for the search (found: review; the GET after it was audited again).
    assert client.head(PAGE).status_code == 200 and searches(app) == ["2 requests found"]
    results = client.get(PAGE)
    page = text(results)
    assert results.status_code == 200 and "<title>2 requests found: " in page
    assert f'href="/inbox/requests/{first}"' in page and f'href="/inbox/requests/{second}"' in page
    assert f'value="{ADDRESS}"' in page  # the address searched for, in the form to change
    assert searches(app) == ["2 requests found"]  # the search and its first showing: one entry
    new = audit_events(app)[before:]
    assert sorted(event.reference for event in new if event.action == FOUND_BY_EMAIL) == sorted([first, second])

    assert client.get(f"/inbox/requests/{first}").status_code == 200  # a request found, opened
    back = client.get(PAGE)  # Back (or a refresh): a GET, nothing sent again
    assert back.status_code == 200 and f'href="/inbox/requests/{second}"' in back.get_data(as_text=True)
    assert searches(app) == ["2 requests found"] * 2  # shown again: audited again
    for event in audit_events(app)[before:]:
        assert "alex.practitioner" not in f"{event.detail} {event.reference}".lower()


def test_the_address_searched_for_is_forgotten_on_sign_out_after_a_while_and_on_a_refused_search(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from app.inbox import views
    from test_inbox import sign_in

    requests_by(app, ADDRESS)
    client, _ = signed_in(app)

    def nothing_kept() -> None:
        page = text(client.get(PAGE))
        assert "data-found-by-email" not in page and ADDRESS not in page and "<title>Find a" in page

    post_form(client, PAGE, PAGE, {"email": ADDRESS})
    assert "data-found-by-email" in text(client.get(PAGE))
    assert post_form(client, "/inbox", "/inbox/sign-out").status_code == 302
    assert sign_in(client).status_code == 302
    nothing_kept()

    post_form(client, PAGE, PAGE, {"email": ADDRESS})
    refused = post_form(client, PAGE, PAGE, {"email": "not an address"})
    assert refused.status_code == 200 and "There is a problem" in text(refused)
    nothing_kept()  # not the earlier search's results

    post_form(client, PAGE, PAGE, {"email": ADDRESS})
    later = time.time() + views.EMAIL_SEARCH_KEPT_SECONDS + 1
    monkeypatch.setattr(views, "time", type("Later", (), {"time": staticmethod(lambda: later)}))
    shown = len(searches(app))
    nothing_kept()
    assert len(searches(app)) == shown  # nothing shown, nothing audited


def test_the_address_searched_for_is_not_kept_past_its_time_while_other_pages_are_used(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (review): the address was forgotten after ``EMAIL_SEARCH_KEPT_SECONDS`` only when the
    search page was opened again; a facilitator working on in the inbox kept it in the stored
    session (a practitioner's work email) until signing out, perhaps all day."""
    import time

    from app.inbox import views
    from app.sessions import JourneySessionRow

    requests_by(app, ADDRESS)
    client, _ = signed_in(app)
    post_form(client, PAGE, PAGE, {"email": ADDRESS})
    later = time.time() + views.EMAIL_SEARCH_KEPT_SECONDS + 1
    monkeypatch.setattr(views, "time", type("Later", (), {"time": staticmethod(lambda: later)}))
    assert client.get("/inbox").status_code == 200  # the list: another page, later
    with app.app_context():
        stored = " ".join(db.session.scalars(select(JourneySessionRow.data)))
    assert "alex.practitioner" not in stored.lower()


@both_databases
def test_the_address_searched_for_goes_when_the_requests_found_are_deleted(app: Flask) -> None:
    """Found (privacy review, b156): a search is usually made to answer a practitioner asking for
    their data to be erased; the request deleted, their work email stayed in the facilitator's stored
    session until the sign-in ended. Deleting requests (``flask requests delete``, and the purge)
    drops every kept search; the facilitator sees the empty form, and can search again."""
    from app.sessions import JourneySessionRow

    (reference,) = requests_by(app, ADDRESS)
    client, _ = signed_in(app)
    post_form(client, PAGE, PAGE, {"email": ADDRESS})
    assert "data-found-by-email" in text(client.get(PAGE))

    def stored() -> str:
        with app.app_context():
            return " ".join(db.session.scalars(select(JourneySessionRow.data))).lower()

    assert "alex.practitioner" in stored()
    result = app.test_cli_runner().invoke(args=["requests", "delete", reference, "--yes"])
    assert result.exit_code == 0, result.output
    assert "alex.practitioner" not in stored()
    page = text(client.get(PAGE))
    assert "data-found-by-email" not in page and ADDRESS not in page and "<title>Find a" in page
    assert client.get("/inbox").status_code == 200  # still signed in


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter the work email address to search for"),
        ("   ", "Enter the work email address to search for"),
        ("alex.practitioner", "Enter an email address in the correct format, like name@example.org"),
        ("alex practitioner@nhs.example", "Enter an email address in the correct format, like name@example.org"),
    ],
)
def test_an_empty_or_malformed_address_is_refused_keeping_what_was_typed(app: Flask, typed: str, message: str) -> None:
    requests_by(app, ADDRESS)
    client, _ = signed_in(app)
    before = len(audit_events(app))
    response = post_form(client, PAGE, PAGE, {"email": typed})
    page = text(response)
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    assert f'href="#email">{message}</a>' in page  # in the summary, linked to the field
    if typed:
        assert f'value="{typed}"' in page  # what was typed, kept to correct
    assert "data-found-by-email" not in page
    assert [event.action for event in audit_events(app)[before:]] == []  # no search was made
    # The refusal is shown by the page's GET, once (a reload, or Back to it later, asks to send nothing).
    sent = post_form(client, PAGE, PAGE, {"email": typed}, as_sent=True)
    assert sent.status_code == 303 and sent.headers["Location"] == PAGE
    assert "There is a problem" in text(client.get(PAGE))
    assert "There is a problem" not in text(client.get(PAGE))


def test_a_search_whose_form_expired_is_shown_again_with_the_address(app: Flask) -> None:
    requests_by(app, ADDRESS)
    client, _ = signed_in(app)
    before = len(audit_events(app))
    response = client.post(PAGE, data={"csrf_token": "out of date", "email": ADDRESS})
    page = text(response)
    assert response.status_code == 400
    assert "The search has not been made because the form had expired" in page
    assert f'value="{ADDRESS}"' in page and "data-found-by-email" not in page
    assert csrf_token(page)  # a new token, to try again
    assert audit_events(app)[before:] == []


def test_a_search_whose_form_expired_does_not_bring_back_the_earlier_one(app: Flask) -> None:
    """Found (review): after a search whose form had expired, Back or a refresh showed the results
    of the search before it, for another address, as if the new one had been made. A search
    refused for what was typed forgot the earlier one already."""
    requests_by(app, ADDRESS)
    client, _ = signed_in(app)
    post_form(client, PAGE, PAGE, {"email": ADDRESS})
    assert client.post(PAGE, data={"csrf_token": "out of date", "email": "sam@school.example"}).status_code == 400
    page = text(client.get(PAGE))
    assert "data-found-by-email" not in page and ADDRESS not in page


def test_a_signed_out_search_is_not_made(app: Flask) -> None:
    requests_by(app, ADDRESS)
    client = app.test_client()
    assert client.get(PAGE).status_code == 302
    assert client.post(PAGE, data={"email": ADDRESS}).status_code in (400, 403)
    assert [event for event in audit_events(app) if event.action == EMAIL_SEARCHED] == []


def test_the_page_explains_itself_without_a_search(app: Flask) -> None:
    client, _ = signed_in(app)
    page = html.unescape(client.get(PAGE).get_data(as_text=True))
    assert "subject access request" in page and 'type="email"' in page and 'method="post"' in page
    assert "data-found-by-email" not in page


def test_a_search_sent_after_the_idle_sign_out_gives_the_address_back(app: Flask) -> None:
    """Signed out for doing nothing while the page was open: no search is made, and the "form has
    expired" page shows the address typed, to copy (as for a note)."""
    from test_inbox_timeout import expire_every_session

    requests_by(app, ADDRESS)
    client, _ = signed_in(app)
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    expire_every_session(app)
    response = client.post(PAGE, data={"csrf_token": token, "email": ADDRESS})
    page = text(response)
    assert response.status_code == 400 and "This form has expired" in page
    assert "The work email you searched for" in page and ADDRESS in page
    assert [event for event in audit_events(app) if event.action == EMAIL_SEARCHED] == []


@both_databases
def test_each_stored_address_is_compared_whole_and_without_invisible_characters(app: Flask) -> None:
    """Each request's address is compared whole: "_" in an address matches only itself, a longer
    address holding this one is not this one, and the case and spaces around it do not matter. One
    stored with a zero-width space (before the stricter check) is found too (regression review: the
    search took them out of the address typed, not of the one stored)."""
    from app.inbox.service import requests_with_email

    wanted, like_it, longer, upper = requests_by(
        app, "sam_ok@school.example", "samXok@school.example", "x.sam_ok@school.example", "SAM_OK@School.Example"
    )
    with app.app_context():
        found = [reference for reference, _, _ in requests_with_email(" Sam_Ok@school.example ")]
        hidden = make_request().request
        hidden_reference = hidden.reference
        hidden.details = {**hidden.details, "email": "sam_ok@school.\u200bexample"}  # as stored before the check
        db.session.commit()
        again = [reference for reference, _, _ in requests_with_email("sam_ok@school.example")]
    assert found == [wanted, upper] and like_it not in found and longer not in found
    assert again == [wanted, upper, hidden_reference]


def test_the_readme_says_a_new_secret_key_leaves_the_address_tags_made_before_unmatched(app: Flask) -> None:
    """Found (review of the address tags): after `SECRET_KEY` was changed, `audit-log --email` said "No
    entries match" of an address searched for before, and "Rotating the secret key" named only the
    failed sign-ins' tags."""
    from pathlib import Path

    requests_by(app, ADDRESS)
    client, _ = signed_in(app)
    post_form(client, PAGE, PAGE, {"email": ADDRESS}, follow_redirects=True)
    found = app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--email", ADDRESS]).output
    assert "1 request found; address tag" in found
    app.secret_key = "another-secret-key-that-is-long-enough-0123456789"
    assert (
        "No entries match"
        in app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--email", ADDRESS]).output
    )
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").split())
    rotating = readme.split("**Rotating the secret key**", 1)[1].split("**", 1)[0]
    assert "The address tags made before the change" in rotating
    assert "`flask facilitators audit-log --email ADDRESS` finds only the entries made since" in rotating
