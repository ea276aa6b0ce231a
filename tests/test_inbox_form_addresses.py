"""The addresses a request page's forms post to, opened with a GET (facilitator review, finding 6).

After a form error the request page is shown at the form's address (``/inbox/requests/<ref>/status``
and the others below), so a reload, a bookmark or a sign-in's ``next=`` opens that address. It
gave a 405 that led to the public start page; now it goes to the request page, at the form.
Authorisation is unchanged: signed out, the sign-in page (``next=`` the request page); a
partnership account, refused (tests/test_partnership.py walks these routes too).
"""

from __future__ import annotations

import html

from flask import Flask

from app.inbox.views import REQUEST_FORMS, safe_next
from support import csrf_token
from test_inbox import add_facilitator, sign_in, signed_in, stored_request

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
    page = f"/inbox/requests/{reference}"
    shown = client.get(page).get_data(as_text=True)
    for form, section in FORMS.items():
        response = client.get(f"{page}/{form}")
        assert response.status_code == 303, form
        assert response.location == f"{page}#{section}", form
        assert f'id="{section}"' in shown, form  # the part of the page it opens at is there
    # As after a form error: "Change status" without a status, shown at the form's address;
    # then a reload there.
    token = csrf_token(client.get(page).get_data(as_text=True))
    refused = client.post(f"{page}/status", data={"csrf_token": token})
    assert refused.status_code == 200 and "There is a problem" in html.unescape(refused.get_data(as_text=True))
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
    assert sign_in(app.test_client(), next_url=f"{page}/request.pdf").location == f"{page}/request.pdf"


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
