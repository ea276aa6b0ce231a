"""Faults found by the security review in the facilitators' inbox (docs: the review's sections 3,
4, 5, 7 and 8): every showing of a request is audited, a form whose security token failed comes
back with what was typed, imports check email addresses and telephone numbers as the form does,
``next=`` cannot leave the inbox with dot segments, and an odd digit in a session's address is a
404, never a 500."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.extensions import db
from app.inbox.models import Assignment, TriageNote
from app.inbox.views import safe_next
from app.models import StoredRequest
from app.requests import fields
from app.space_sessions.models import SessionPlace, SpaceSession
from support import both_databases, csrf_token
from support.sessions import ROOM, session_form, session_has_started
from support.submission import VALID_DETAILS
from support.walk import post_shown
from test_inbox import (
    add_facilitator,
    error_summary_of,
    events,
    pdf_with_attachment,
    post_form,
    sign_in,
    signed_in,
    stored_request,
    text,
    upload,
    valid_document,
)
from test_workflow import new_request, status_of

NOT_SAVED = "because the form had expired"


def request_url(reference: str, action: str = "") -> str:
    return f"/inbox/requests/{reference}" + (f"/{action}" if action else "")


def viewed(app: Flask, reference: str) -> int:
    """How many times the request's page has been audited as viewed."""
    return sum(1 for event in events(app, "viewed") if event.reference == reference)


def post_after_opening(client: FlaskClient, page: str, url: str, data: dict[str, str]) -> TestResponse:
    """Open ``page`` (its view is audited), then post ``data`` to ``url`` with the page's token."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_only_the_page_straight_after_an_action_goes_unaudited(app: Flask) -> None:
    """Found (security review): the page after an action is not audited as a view (the action
    is the entry), but the marker stayed until the next request page, however much later: a
    later look at the request, after other pages, went unrecorded."""
    client, _ = signed_in(app)
    reference = new_request(app)
    note = {"text": "Called the practitioner back."}
    response = post_after_opening(client, request_url(reference), request_url(reference, "notes"), note)
    assert response.status_code == 302 and viewed(app, reference) == 1  # the opening
    for page in ("/inbox", "/inbox/sessions", "/inbox/guide"):  # elsewhere, then back: a view
        assert client.get(page).status_code == 200
    assert client.get(request_url(reference)).status_code == 200 and viewed(app, reference) == 2
    # Straight after an action, the redirect's page is not a view (each note new: the same
    # words again would be the form sent twice)...
    response = post_after_opening(client, request_url(reference), request_url(reference, "notes"), {"text": "Two."})
    assert viewed(app, reference) == 3
    assert client.get(response.location).status_code == 200 and viewed(app, reference) == 3
    # ...unless it is opened long after (the marker keeps its time).
    response = post_after_opening(client, request_url(reference), request_url(reference, "notes"), {"text": "Three."})
    with client.session_transaction() as stored:
        stored["inbox_acted_on"] = {**stored["inbox_acted_on"], "at": stored["inbox_acted_on"]["at"] - 120}
    assert client.get(response.location).status_code == 200 and viewed(app, reference) == 5


def shows_the_request(page: str) -> bool:
    return VALID_DETAILS["reflection"] in page and VALID_DETAILS["email"] in page


def in_a_session(app: Flask, client: FlaskClient) -> str:
    """A request with a session arranged (through the form)."""
    reference = new_request(app, status="session_offered")
    assert post_form(client, request_url(reference), request_url(reference, "session"), session_form()).status_code == (
        302
    )
    return reference


def session_of(app: Flask, reference: str) -> SpaceSession:
    with app.app_context():
        found = db.session.scalar(
            select(SpaceSession)
            .join(SessionPlace, SessionPlace.session_id == SpaceSession.id)
            .join(StoredRequest, StoredRequest.id == SessionPlace.request_id)
            .where(StoredRequest.reference == reference)
        )
        assert found is not None
        db.session.expunge(found)
        return found


# --- 3: every showing of a request is in its audit trail ------------------------------------------


@pytest.mark.parametrize(
    "status, action, data",
    [
        ("new", "status", {"status": "deleted"}),  # not a status
        ("new", "status", {"status": "session_arranged"}),  # refused by the workflow
        ("new", "notes", {"text": "   "}),  # empty
        ("new", "assignment", {"facilitator": "9999"}),  # no such facilitator
        ("session_offered", "session", {"session": "new"}),  # no date, time or place
        ("new", "session", session_form()),  # refused: not ready for a session
        ("new", "invitation", {}),  # refused: no session
        ("session_arranged", "session-outcome", {}),  # neither held nor not held
        ("new", "session-outcome", {"outcome": "not_held"}),  # refused: no session
    ],
)
def test_a_refused_form_shows_the_request_and_audits_it_once(
    app: Flask, status: str, action: str, data: dict[str, str]
) -> None:
    """Found: a form posted empty or refused showed the whole request with no audit entry, so
    a facilitator could read any request without trace."""
    client, facilitator_id = signed_in(app)
    reference = new_request(app, status=status)
    page = request_url(reference)
    token = csrf_token(client.get(page).get_data(as_text=True))
    before = viewed(app, reference)
    response = post_shown(client, request_url(reference, action), {"csrf_token": token, **data})
    assert response.status_code == 200 and shows_the_request(text(response))
    assert "govuk-error-summary" in text(response)
    assert viewed(app, reference) == before + 1
    assert events(app, "viewed")[-1].actor == f"facilitator:{facilitator_id}"
    assert client.get(page).status_code == 200
    assert viewed(app, reference) == before + 2  # and the next page is a view as well


def test_an_assignment_that_changes_nothing_leaves_the_next_page_audited(app: Flask) -> None:
    """Found: assigning a request to whoever it was assigned to already recorded nothing, and
    the page shown after it was not audited either (it was treated as the action's page)."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = request_url(reference)
    response = post_after_opening(client, page, request_url(reference, "assignment"), {"facilitator": ""})
    assert response.status_code == 302 and response.location == page
    before = viewed(app, reference)
    assert shows_the_request(text(client.get(page)))
    assert viewed(app, reference) == before + 1
    assert events(app, "assigned") == []


def test_the_page_after_an_action_is_not_audited_as_a_view_too(app: Flask) -> None:
    """The action is the audit entry for the page shown after it (by design): one entry, not two."""
    client, _ = signed_in(app)
    colleague = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    reference = stored_request(app)
    page = request_url(reference)
    for action, data in (
        ("notes", {"text": "Offered two dates."}),
        ("assignment", {"facilitator": str(colleague)}),
        ("status", {"status": "in_triage"}),
    ):
        response = post_after_opening(client, page, request_url(reference, action), data)
        assert response.status_code == 302, action
        before = viewed(app, reference)
        assert client.get(response.location).status_code == 200
        assert viewed(app, reference) == before, action
        assert client.get(page).status_code == 200
        assert viewed(app, reference) == before + 1, action  # the next opening is a view again


def test_a_refused_form_after_an_action_does_not_hide_the_next_view(app: Flask) -> None:
    """The "just acted" mark is used up by the first page that shows the request, so an action
    whose page was never opened cannot leave a later opening unaudited."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = request_url(reference)
    token = csrf_token(client.get(page).get_data(as_text=True))
    assert client.post(request_url(reference, "notes"), data={"csrf_token": token, "text": "A note"}).status_code == 302
    before = viewed(app, reference)
    refused = post_shown(client, request_url(reference, "notes"), {"csrf_token": token, "text": ""})
    assert refused.status_code == 200 and viewed(app, reference) == before + 1
    client.get(page)
    assert viewed(app, reference) == before + 2


# --- 4: a form whose security token failed keeps what was typed ------------------------------------


@pytest.fixture(params=["missing", "wrong"])
def bad_token(request: pytest.FixtureRequest) -> dict[str, str]:
    """No token at all, or one that is not this session's (as after signing out and in again)."""
    return {} if request.param == "missing" else {"csrf_token": "IjNhYjQ1Ig.aGVsbG8.c2lnbmF0dXJl"}


def assert_not_saved(response: TestResponse, message: str, href: str) -> str:
    """The page came back (400) with the error summary and the message, and a new token to try again."""
    page = text(response)
    assert response.status_code == 400
    assert re.search(r"<title>\s*Error: ", page)
    summary = error_summary_of(page)
    assert message in summary and NOT_SAVED in summary and f'href="{href}"' in summary
    assert csrf_token(response.get_data(as_text=True))
    assert "This form has expired" not in page  # not the general page
    return page


def test_a_note_whose_token_failed_is_shown_again_not_added_and_audited(app: Flask, bad_token: dict) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    page_url = request_url(reference)
    client.get(page_url)
    before = viewed(app, reference)
    note = "Gannetnote: offered two dates, waiting to hear back."
    response = client.post(request_url(reference, "notes"), data={**bad_token, "text": note})
    page = assert_not_saved(response, "The note has not been added", "#text")
    assert f">{note}</textarea>" in page and 'id="text-error"' in page
    assert shows_the_request(page) and viewed(app, reference) == before + 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TriageNote)) == 0
    assert events(app, "note_added") == []
    # The page shown again can be sent as it is.
    again = client.post(
        request_url(reference, "notes"), data={"csrf_token": csrf_token(response.get_data(as_text=True)), "text": note}
    )
    assert again.status_code == 302 and len(events(app, "note_added")) == 1


def test_a_status_change_whose_token_failed_is_shown_again_not_made(app: Flask, bad_token: dict) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    before = viewed(app, reference)
    reason = "Belongs with the early help team"
    response = client.post(
        request_url(reference, "status"),
        data={**bad_token, "status": "redirected", "redirected_to": "L", "reason": reason},
    )
    page = assert_not_saved(response, "The status has not been changed", "#status")
    assert f">{reason}</textarea>" in page
    assert re.search(r'value="redirected"\s+checked', page)
    assert viewed(app, reference) == before + 1
    assert status_of(app, reference) == "new" and events(app, "status_changed") == []


def test_an_assignment_whose_token_failed_is_shown_again_not_made(app: Flask, bad_token: dict) -> None:
    client, _ = signed_in(app)
    colleague = add_facilitator(app, "kim.colleague@partnership.example", "Kim Colleague")
    reference = stored_request(app)
    response = client.post(request_url(reference, "assignment"), data={**bad_token, "facilitator": str(colleague)})
    page = assert_not_saved(response, "The assignment has not been changed", "#facilitator")
    assert re.search(rf'value="{colleague}"\s+selected', page)
    assert viewed(app, reference) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_arranging_a_session_whose_token_failed_is_shown_again_not_made(app: Flask, bad_token: dict) -> None:
    client, _ = signed_in(app)
    reference = new_request(app, status="session_offered")
    place = "Video call: the link follows by email"
    response = client.post(request_url(reference, "session"), data={**bad_token, **session_form(place=place)})
    page = assert_not_saved(response, "The session has not been arranged", "#session")
    assert f">{place}</textarea>" in page and 'value="10:00"' in page
    assert viewed(app, reference) == 1
    assert status_of(app, reference) == "session_offered"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SpaceSession)) == 0


def test_the_session_outcome_whose_token_failed_is_shown_again_not_saved(app: Flask, bad_token: dict) -> None:
    client, _ = signed_in(app)
    reference = in_a_session(app, client)
    session_has_started(app, reference)
    before = viewed(app, reference)
    response = client.post(request_url(reference, "session-outcome"), data={**bad_token, "outcome": "held"})
    page = assert_not_saved(response, "Whether the session was held has not been saved", "#session-section")
    assert re.search(r'value="held"\s+checked', page)
    assert viewed(app, reference) == before + 1
    assert status_of(app, reference) == "session_arranged"


def test_an_invitation_whose_token_failed_is_not_sent(app: Flask, bad_token: dict) -> None:
    client, _ = signed_in(app)
    reference = in_a_session(app, client)
    before = viewed(app, reference)
    response = client.post(request_url(reference, "invitation"), data=bad_token)
    page = assert_not_saved(response, "The invitation has not been sent", "#session-section")
    # Which button to select (found: it said only "Try again").
    assert "Select Send invitation to try again" in error_summary_of(page)
    assert viewed(app, reference) == before + 1
    assert events(app, "invitation_queued") == []


def test_a_session_change_whose_token_failed_is_shown_again_not_made(app: Flask, bad_token: dict) -> None:
    client, _ = signed_in(app)
    reference = in_a_session(app, client)
    session = session_of(app, reference)
    place = "Room 9, second floor"
    response = client.post(f"/inbox/sessions/{session.id}", data={**bad_token, **session_form(place=place)})
    page = assert_not_saved(response, "The changes to the session have not been saved", "#change-session")
    assert f">{place}</textarea>" in page
    assert session_of(app, reference).place == ROOM and events(app, "session_changed") == []


def test_cancelling_a_session_whose_token_failed_asks_again(app: Flask, bad_token: dict) -> None:
    client, _ = signed_in(app)
    reference = in_a_session(app, client)
    session = session_of(app, reference)
    response = client.post(f"/inbox/sessions/{session.id}/cancel", data={**bad_token, "confirm": "yes"})
    page = assert_not_saved(response, "The session has not been cancelled", "#cancel-session")
    assert 'id="cancel-session"' in page and "Are you sure you want to cancel" in page
    assert session_of(app, reference).cancelled_at is None and status_of(app, reference) == "session_arranged"


def test_a_session_form_whose_token_failed_after_the_session_was_cancelled_says_so(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = in_a_session(app, client)
    session = session_of(app, reference)
    cancel = f"/inbox/sessions/{session.id}/cancel"
    assert post_form(client, cancel, cancel, {"confirm": "yes"}).status_code == 302
    for url, data in ((f"/inbox/sessions/{session.id}", session_form()), (cancel, {"confirm": "yes"})):
        response = client.post(url, data=data)
        assert response.status_code == 302 and response.location == f"/inbox/sessions/{session.id}", url
        assert "This session is already cancelled" in text(client.get(response.location)), url


def test_a_form_whose_token_failed_for_someone_signed_out_leads_to_sign_in(app: Flask) -> None:
    add_facilitator(app)
    reference = stored_request(app)
    client = app.test_client()
    note = "Gannetnote from a tab left open"
    response = client.post(request_url(reference, "notes"), data={"text": note})
    page = text(response)
    assert response.status_code == 400 and "This form has expired" in page
    assert f'href="/inbox/sign-in?next=/inbox/requests/{reference}/notes"' in page  # back to the request once signed in
    assert VALID_DETAILS["reflection"] not in page  # nothing of the request
    assert note in page  # only what was posted, given back to copy (test_inbox_timeout.py)
    assert viewed(app, reference) == 0


def test_the_expired_form_page_leads_back_to_its_own_request_not_the_one_before(app: Flask) -> None:
    """Found (security review): the "form has expired" page is kept once rendered (errors'
    ``render_page``), but its "Go back to the inbox" link names the address the form was sent to.
    A form with nothing typed (a status, an assignment) for one request gave every later one,
    whoever sent it and for whichever request, the first's link: another request's reference,
    and a facilitator signing in again was taken to the wrong request."""
    add_facilitator(app)
    first, second = stored_request(app), stored_request(app)
    assert not app.debug  # (in debug mode nothing is kept)
    for reference in (first, second):
        response = app.test_client().post(request_url(reference, "status"), data={"status": "in_triage"})
        page = text(response)
        assert response.status_code == 400 and "This form has expired" in page
        assert f'href="/inbox/sign-in?next=/inbox/requests/{reference}/status"' in page, reference


def test_a_form_whose_token_failed_for_a_partnership_account_shows_no_request(app: Flask) -> None:
    from app.inbox import service

    with app.app_context():
        service.add_facilitator("chair@partnership.example", "Chair", "quiet harbour lantern orchard", "partnership")
    reference = stored_request(app)
    client = app.test_client()
    assert sign_in(client, "chair@partnership.example").status_code == 302
    response = client.post(request_url(reference, "notes"), data={"text": "x"})
    assert response.status_code == 400 and VALID_DETAILS["reflection"] not in text(response)
    assert viewed(app, reference) == 0


def test_a_form_whose_token_failed_for_a_request_that_is_not_there_is_the_expired_page(app: Flask) -> None:
    client, _ = signed_in(app)
    for url in ("/inbox/requests/STT-2222-3333/notes", "/inbox/sessions/999/cancel", "/inbox/sessions/x"):
        response = client.post(url, data={"text": "x"})
        assert response.status_code == 400 and "This form has expired" in text(response), url


# --- 5: imported requests' email addresses and telephone numbers ----------------------------------


@pytest.mark.parametrize(
    "name, value",
    [
        ("email", "victim@agency.example.org, attacker@evil.example"),
        ("email", "a@x.example b@y.example"),
        ("email", "not an email at all"),
        ("email", "someone@agency.example.org\r\nBcc: attacker@evil.example"),
        ("phone", "call the office"),
        ("phone", "12"),
        ("phone", "ext 1234"),
        ("phone", "0161 496 0000 ext"),
        ("phone", "0161 496 0000 ext 1234567"),
        ("phone", "0161 496 0000 (extension)"),
        ("phone", "07700 900982 after 2pm"),
        ("phone", "mobile"),
    ],
)
def test_an_import_is_refused_for_an_email_or_phone_the_form_would_refuse(app: Flask, name: str, value: str) -> None:
    """Found: an import only checked their length, so an invitation could go to a list of addresses."""
    entry = fields.FIELDS_BY_NAME[name]
    problem = fields.stored_value_problem(entry, value)
    assert problem is not None and ("email address" if name == "email" else "telephone number") in problem
    client, _ = signed_in(app)
    document: dict[str, Any] = valid_document(app)
    document["details"] = {**document["details"], name: value}
    response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    assert response.status_code == 200 and "govuk-error-summary" in text(response)
    what = "work email address" if name == "email" else "work telephone number"
    # Which field, and why, then what to do.
    assert f"cannot be imported: its {what} {problem}. Read the request in the PDF itself" in text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredRequest)) == 0


@pytest.mark.parametrize(
    "name, value",
    [
        ("email", VALID_DETAILS["email"]),
        ("email", "o'brien+team@agency.example.org"),
        ("phone", "01632 960 001"),
        ("phone", "+44 808 157 0192"),
        ("phone", ""),
        # Found (journey review): a work number with its extension was refused as "not a telephone number".
        ("phone", "0161 496 0000 ext 1234"),
        ("phone", "0161 496 0000 Ext. 12"),
        ("phone", "01632 960001 extension 5"),
        ("phone", "0161 496 0000 x1234"),
        ("phone", "+44 161 496 0000 ext: 99"),
        # Found (practitioner review): a word saying which number it is got "Enter a telephone number".
        ("phone", "07700 900982 (mobile)"),
        ("phone", "Mobile: 07700 900982"),
        ("phone", "0161 496 0000 - direct line"),
    ],
)
def test_stored_email_and_phone_the_form_accepts_are_accepted(name: str, value: str) -> None:
    assert fields.stored_value_problem(fields.FIELDS_BY_NAME[name], value) is None


# --- 7: next= stays in the inbox ------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/inbox/../exit",
        "/inbox/../../evil",
        "/inbox/./requests",
        "/inbox/requests/..",
        "/inbox/.%2e/%2e%2e/evil",
        "/inbox/%2e%2e/exit",
        "/inbox/%2E/x",
        "/inbox/..?x=1",
        "/inbox/..#top",
    ],
)
def test_next_with_a_dot_segment_goes_to_the_inbox(app: Flask, target: str) -> None:
    """Found: ``/inbox/../exit`` was followed, and a browser reads it as ``/exit``."""
    with app.test_request_context():
        assert safe_next(target) == "/inbox"
    add_facilitator(app)
    client = app.test_client()
    assert sign_in(client, next_url=quote(target, safe="/")).location == "/inbox"


@pytest.mark.parametrize("target", ["/inbox", "/inbox/requests/STT-2222-3333", "/inbox?q=..", "/inbox/sessions/.1"])
def test_next_without_a_dot_segment_is_followed(app: Flask, target: str) -> None:
    with app.test_request_context():
        assert safe_next(target) == target


# --- 8: digits that int() cannot read ---------------------------------------------------------------


@pytest.mark.parametrize("session_id", ["²", "١", "¹²", "𝟙"])
def test_a_session_address_with_other_digits_is_not_found(app: Flask, session_id: str) -> None:
    """Found: ``/inbox/sessions/²`` was a 500 (``"²".isdigit()`` is True; ``int("²")`` fails)."""
    client, _ = signed_in(app)
    for url in (f"/inbox/sessions/{quote(session_id)}", f"/inbox/sessions/{quote(session_id)}/cancel"):
        assert client.get(url).status_code == 404, url


# --- 9: a line break after a reference or a month -----------------------------------------------------


def test_a_reference_or_month_with_a_line_break_after_it_is_not_imported(app: Flask) -> None:
    """Found (security review): the reference's pattern ended in ``$``, which also matches before a
    final line break, so a request PDF whose data said ``"STT-7KQ4-M9XA\\n"`` was imported as a
    request of its own: beside the request of that reference, or in place of one the service had
    deleted (someone's information, erased at their request, came back), and under an address the
    inbox refuses (a line break in the path), so it could never be opened. The event's month
    (``"2025-03\\n"``) was let through the same way."""
    from app.inbox.pdf_import import BAD_DATA
    from app.requests.reference import is_reference

    client, _ = signed_in(app)
    valid = valid_document(app)
    altered = [
        {**valid, "reference": valid["reference"] + "\n"},
        {**valid, "details": {**valid["details"], "event_month": valid["details"]["event_month"] + "\n"}},
    ]
    for document in altered:
        response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
        assert response.status_code == 200 and BAD_DATA.split(".")[0] in text(response), document
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredRequest)) == 0
    assert is_reference("STT-7KQ4-M9XA") and not is_reference("STT-7KQ4-M9XA\n")


# --- 10: an imported answer to a question its request was not asked ---------------------------------


def test_an_imported_answer_to_a_question_not_asked_is_not_kept(app: Flask) -> None:
    """Found (security review): a request sent through the form keeps nothing for a question its
    answers did not ask (``clean_details``: "" for the family's reason when the family knows, and
    for the significant event without the debrief). An import kept whatever the file said there,
    where no page, PDF or list shows it: free text (a child's name, say) no facilitator could see,
    check or delete, kept until the purge."""
    client, _ = signed_in(app)
    valid = valid_document(app)
    hidden = "The family are the Smiths, 4 Acacia Avenue; their son is in year 2"
    details = {**valid["details"], "family_knows": "yes", "family_knows_reason": hidden}
    response = upload(client, pdf_with_attachment("request.json", json.dumps({**valid, "details": details}).encode()))
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        assert stored is not None and stored.details["family_knows"] == "yes"
        assert stored.details["family_knows_reason"] == ""


# --- 11: a required detail of spaces alone, or a month the form would refuse -------------------------


def test_an_import_with_a_blank_required_detail_or_a_month_the_form_refuses_is_not_stored(app: Flask) -> None:
    """Found (security review): an import took a required detail made of spaces alone, and an
    event month of "0000-01" or "2999-01", which the request form refuses ("must be January 1950
    or later", "must be this month or in the past"). Now the import holds to the form's rules, on
    the day the request was sent: the month it was sent is taken, the month after is not."""
    from app.inbox.pdf_import import BAD_DATA
    from app.uk_time import uk_day

    client, _ = signed_in(app)
    valid = valid_document(app)
    sent = uk_day(dt.datetime.fromisoformat(valid["submitted_at"]).replace(tzinfo=None))
    next_month = f"{sent.year + sent.month // 12:04d}-{sent.month % 12 + 1:02d}"
    altered = [{"job_role": " \u00a0 \u200b"}, {"event_month": "0000-01"}, {"event_month": "1949-12"}]
    altered += [{"event_month": "2999-01"}, {"event_month": next_month}]
    for change in altered:
        document = {**valid, "details": {**valid["details"], **change}}
        response = upload(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
        assert response.status_code == 200 and BAD_DATA.split(".")[0] in text(response), change
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredRequest)) == 0
    this_month = f"{sent.year:04d}-{sent.month:02d}"
    document = {**valid, "details": {**valid["details"], "event_month": this_month}}
    assert upload(client, pdf_with_attachment("request.json", json.dumps(document).encode())).status_code == 302


@both_databases
@pytest.mark.parametrize("page", ["", "request.pdf"])
def test_a_request_deleted_while_its_page_or_pdf_is_made_is_never_a_service_problem(
    app: Flask, monkeypatch, page: str
) -> None:
    """Found (two facilitators at once review): a request deleted (``flask requests delete``, the
    daily purge) while a facilitator's download of its PDF was under way gave the "problem with
    the service" page, and its trail a download after the deletion with no file sent. The row
    read, it went when the download's (or the view's) audit entry was committed. Now the PDF read
    is sent, and a page being made says the request was deleted, as a moment later it would."""
    from app import audit
    from app.retention import delete_request

    client, _ = signed_in(app)
    reference = stored_request(app, pdf=True)
    recorded = audit.record_event
    deleted: list[str] = []

    def deleted_meanwhile(action: str, about: str | None, *args: Any, **kwargs: Any) -> None:
        # (Once: the deleted request's page audits its own view too.)
        if about == reference and action in ("viewed", "pdf_downloaded") and not deleted:
            with app.app_context():  # another database session: as another process's, mid-page
                delete_request(reference)
            deleted.append(reference)
        recorded(action, about, *args, **kwargs)

    monkeypatch.setattr(audit, "record_event", deleted_meanwhile)
    response = client.get(request_url(reference, page))
    if page:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.get_data().startswith(b"%PDF")
    else:
        said = text(response)
        assert response.status_code == 404, said[:300]
        assert f"Request {reference} has been deleted" in said and "problem with the service" not in said
    # The page asked for again says the same, and nothing was left half done.
    again = client.get(request_url(reference))
    assert again.status_code == 404 and "has been deleted" in text(again)
