"""The addresses a request page's forms post to, opened with a GET (facilitator review, finding 6),
and a refused form shown by the request page's own address.

After a form error the request page was shown at the form's address (``/inbox/requests/<ref>/status``
and the others below), so a reload, a bookmark or a sign-in's ``next=`` opened that address. It
gave a 405 that led to the public start page; now it goes to the request page, at the form. (A
refused form is now shown by the request page's GET: the form's address is only in old bookmarks.)
Authorisation is unchanged: signed out, the sign-in page (``next=`` the request page); a
partnership account, refused (tests/test_partnership.py walks these routes too).
"""

from __future__ import annotations

import html
import re

from flask import Flask
from sqlalchemy import update

from app.extensions import db
from app.inbox.views import REQUEST_FORMS, safe_next
from app.models import StoredRequest
from support import csrf_token
from test_inbox import add_facilitator, post_form, sign_in, signed_in, stored_request
from test_workflow import new_request

# Each form's address (the last part) and the part of the request page the form is in.
FORMS = REQUEST_FORMS


def test_every_address_a_request_pages_form_posts_to_is_one_of_them(app: Flask) -> None:
    """A form added to the request page gets the same: its address opened leads to the page.
    (Not an address that is a page of its own, opened with a GET too: a note's "Are you sure?")"""
    posted = {
        rule.rule.rsplit("/", 1)[1]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/inbox/requests/<reference>/")
        and "POST" in (rule.methods or set())
        and "GET" not in (rule.methods or set())
    }
    assert posted and posted <= set(FORMS), posted - set(FORMS)


def test_opening_a_forms_address_goes_to_the_request_page_at_the_form(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = stored_request(app)
    with app.app_context():  # as imported unchecked: the part of its page where the work email is confirmed is there
        db.session.execute(
            update(StoredRequest).where(StoredRequest.reference == reference).values(email_check_pending=True)
        )
        db.session.commit()
    page = f"/inbox/requests/{reference}"
    shown = client.get(page).get_data(as_text=True)
    for form, section in FORMS.items():
        response = client.get(f"{page}/{form}")
        assert response.status_code == 303, form
        assert response.location == f"{page}#{section}", form
        assert f'id="{section}"' in shown, form  # the part of the page it opens at is there
    # "Change status" without a status: refused, and shown by the request's page (its GET, so
    # Back to it after the next form never asks to send a form again); a reload shows it again.
    token = csrf_token(client.get(page).get_data(as_text=True))
    refused = client.post(f"{page}/status", data={"csrf_token": token})
    assert refused.status_code == 303 and refused.location == page
    for _ in range(2):
        shown = html.unescape(client.get(page).get_data(as_text=True))
        assert "There is a problem" in shown and "Select a status" in shown
    # An address bar or bookmark that kept a form's address still leads to the page.
    reloaded = client.get(f"{page}/status", follow_redirects=True)
    assert reloaded.status_code == 200 and reloaded.request.path == page
    assert reference in reloaded.get_data(as_text=True)


def test_signed_out_a_forms_address_signs_in_to_the_request_page(app: Flask) -> None:
    add_facilitator(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    for form in FORMS:
        response = app.test_client().get(f"{page}/{form}")
        assert response.status_code == 302, form
        assert response.location == f"/inbox/sign-in?next={page}", form
    # A sign-in link that already names a form's address (kept from before) leads to the page too.
    for form in FORMS:
        assert sign_in(app.test_client(), next_url=f"{page}/{form}").location == page, form


def test_signing_in_to_an_address_that_only_takes_a_form_goes_to_the_list(app: Flask) -> None:
    """Found (attacker review): a link to sign in with ``next=/inbox/sign-out`` (an address only a
    form is sent to) ended, once signed in, on "Sorry, you cannot do that on this page" (405)."""
    add_facilitator(app)
    client = app.test_client()
    signed_in_to = sign_in(client, next_url="/inbox/sign-out")
    assert signed_in_to.status_code == 302 and signed_in_to.location == "/inbox"
    assert client.get(signed_in_to.location).status_code == 200
    with app.test_request_context():
        assert safe_next("/inbox/sign-out?then=x") == "/inbox"


def test_signing_in_to_a_download_goes_to_the_page_with_its_link(app: Flask) -> None:
    """Found (bad-input review): signing in with a download as ``next=`` (the request's PDF, the
    list's CSV) started the download and left the tab on the sign-in page, as if signing in had
    failed; from a link on another site, the file came without the check that refuses it there.
    Now signing in goes to the page with the download's link (the list with its filters)."""
    add_facilitator(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    for download, then in (
        (f"{page}/request.pdf", page),
        ("/inbox/requests.csv", "/inbox"),
        ("/inbox/requests.csv?status=new", "/inbox?status=new"),
    ):
        signed_in_to = sign_in(app.test_client(), next_url=download)
        assert signed_in_to.status_code == 302 and signed_in_to.location == then, download
        assert "Content-Disposition" not in signed_in_to.headers
    # Opened signed out, the sign-in page goes on to the page, not the file.
    assert app.test_client().get(f"{page}/request.pdf").location == f"/inbox/sign-in?next={page}"
    assert app.test_client().get("/inbox/requests.csv").location == "/inbox/sign-in?next=/inbox"
    with app.test_request_context():
        assert safe_next("/inbox/statistics.csv?months=6") == "/inbox/statistics?months=6"


def test_signed_out_the_lists_filters_are_kept_through_signing_in(app: Flask) -> None:
    """Found (privacy review): the list's download (or the list) followed once signed out came
    back, after signing in, to the list with none of its filters. A reference in the address is
    not carried into the sign-in page's (it could be a name)."""
    add_facilitator(app)
    for asked, then in (
        ("/inbox/requests.csv?status=new&sort=received_oldest", "/inbox?status=new&sort=received_oldest"),
        ("/inbox?status=closed&overdue=yes", "/inbox?status=closed&overdue=yes"),
        ("/inbox?reference=Kate&status=new", "/inbox?status=new"),
        ("/inbox?reference=Kate", "/inbox"),
        # Only the list's own filters (regression review: anything else was carried too), and not
        # so many that the sign-in page's address grows past what a proxy takes.
        ("/inbox?name=Jane+Smith&email=jane%40nhs.example&status=new", "/inbox?status=new"),
        ("/inbox?status=Jane+Smith&overdue=yes", "/inbox?overdue=yes"),  # a value no filter offers
        ("/inbox?status=" + "%C3%A9" * 300, "/inbox"),
    ):
        client = app.test_client()
        to_sign_in = client.get(asked)
        assert to_sign_in.status_code == 302, asked
        assert to_sign_in.location.startswith("/inbox/sign-in?next=") and "Kate" not in to_sign_in.location, asked
        assert "Jane" not in to_sign_in.location and len(to_sign_in.location) < 1000, asked
        next_url = to_sign_in.location.split("next=", 1)[1]
        signed_in_to = sign_in(client, next_url=next_url)
        assert signed_in_to.status_code == 302 and signed_in_to.location == then, asked
        listing = client.get(signed_in_to.location)
        assert listing.status_code == 200, asked


def test_safe_next_picks_the_page_a_form_is_on(app: Flask) -> None:
    with app.test_request_context():
        for form in FORMS:
            assert safe_next(f"/inbox/requests/STT-2222-3333/{form}") == "/inbox/requests/STT-2222-3333", form
            assert safe_next(f"/inbox/requests/STT-2222-3333/{form}?x=1#top") == "/inbox/requests/STT-2222-3333"
        for kept in ("/inbox/requests/STT-2222-3333", "/inbox/sessions/1", "/inbox/sessions/1/cancel", "/inbox/import"):
            assert safe_next(kept) == kept


def test_the_wrong_method_in_the_inbox_leads_back_to_the_inbox(app: Flask) -> None:
    """Found: the 405 page offered only "Go to the start page" (the public one), in the inbox too."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    for url in (f"/inbox/requests/{reference}", "/inbox/sign-out"):
        response = client.delete(url) if url != "/inbox/sign-out" else client.get(url)
        said = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 405, url
        assert "Sorry, you cannot do that on this page" in said
        # Found before the account is (routing): by way of the sign-in page, which goes on to the inbox.
        assert '<a class="govuk-link" href="/inbox/sign-in">Go to the inbox</a>' in said, url
        assert "Go to the start page" not in said
    assert client.get("/inbox/sign-in").location == "/inbox"
    # Outside the inbox, the start page as before.
    said = html.unescape(client.delete("/accessibility").get_data(as_text=True))
    assert '<a class="govuk-link" href="/">Go to the start page</a>' in said and "Go to the inbox" not in said


def test_a_refused_form_is_shown_by_the_request_page_until_another_page_or_form(app: Flask) -> None:
    """Found (regression and facilitator reviews): the page with a refused form's errors was the
    answer to its POST, so once the form was put right and sent, Back to it gave the browser's
    "Confirm Form Resubmission". Now the request page's GET shows it, with what was typed, as
    often as it is reloaded; another page opened, or another form sent, and it is done with."""
    client, _ = signed_in(app)
    reference = stored_request(app)
    page = f"/inbox/requests/{reference}"
    note = "Mum Jayden Smith, 12 Acacia Avenue, M6 5FX"  # refused: it looks identifying
    refused = post_form(client, page, f"{page}/notes", {"text": note}, as_sent=True)
    assert refused.status_code == 303 and refused.location == page
    for _ in range(2):  # shown, and shown again on a reload, with the note as typed
        shown = html.unescape(client.get(page).get_data(as_text=True))
        assert "There is a problem" in shown and "Check the note does not identify anyone" in shown
        assert note in shown
    client.get("/inbox")  # the list: the refused note is done with
    shown = html.unescape(client.get(page).get_data(as_text=True))
    assert "There is a problem" not in shown and note not in shown
    # Refused again, then another form sent and done: the page after it shows no old error.
    assert post_form(client, page, f"{page}/notes", {"text": note}, as_sent=True).status_code == 303
    assert post_form(client, page, f"{page}/status", {"status": "in_triage"}).status_code == 302
    shown = html.unescape(client.get(page).get_data(as_text=True))
    assert "Status changed to in triage" in shown
    assert "There is a problem" not in shown and note not in shown


def test_a_refused_session_form_comes_back_with_its_date_and_its_errors(app: Flask) -> None:
    """The session form keeps more than its fields: which parts of the date are at fault, each
    outlined, and the date's own error beside it."""
    client, _ = signed_in(app)
    reference = new_request(app, status="session_offered")
    page = f"/inbox/requests/{reference}"
    typed = {"date-day": "31", "date-month": "2", "date-year": "2031", "start_time": "10:00", "place": "Room 4"}
    assert (
        post_form(
            client, page, f"{page}/session", {**typed, "length": "90", "format": "in_person"}, as_sent=True
        ).location
        == page
    )
    shown = html.unescape(client.get(page).get_data(as_text=True))
    assert "The date of the session must be a real date" in shown
    for name, value in typed.items():
        assert re.search(rf'name="{name}"[^>]*value="{value}"', shown) or (name == "place" and value in shown), name
    assert "govuk-input--error" in shown
