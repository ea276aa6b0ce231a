"""The idle time limit for a signed-in facilitator, in a real browser (review-a11y H1, WCAG 2.2.1):
a warning before the limit, worded for staff; "Stay signed in" keeps the page as it was (what was
typed, and the focus); "Sign out" signs out; doing nothing leads to the sign-in page, which says
why. The page clock is faked, so the tests take seconds, not half an hour. What the pages say is
checked over HTTP in tests/test_inbox_timeout.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from support.browser import FormPoster, assert_no_axe_violations
from support.passwords import cheap_password_hash
from support.sessions import idle_nearly_to_the_limit

EMAIL = "kit.timeout@partnership.example"
PASSWORD = "quiet harbour lantern seven"
NOTE = "Called the school; waiting to hear back."
TIMED_OUT = "You were signed out because you had not done anything for 30 minutes"


@pytest.fixture(scope="module")
def reference(live_server) -> str:  # type: ignore[no-untyped-def]
    """A facilitator (cheap password hash) and one stored request in the live server's database."""
    from app.inbox import service
    from support.submission import make_request

    with pytest.MonkeyPatch.context() as patch, live_server.app.app_context():
        patch.setattr(service, "generate_password_hash", cheap_password_hash)
        if service.find_facilitator(EMAIL) is None:
            service.add_facilitator(EMAIL, "Kit Timeout", PASSWORD)
        return str(make_request().request.reference)


def _warning(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Do you want to stay signed in?")


def _signed_in_with_a_fake_clock(page: Page, url: str) -> None:
    """Sign in (posting the form), fake the page's clock, open ``url`` and wait for its script."""
    forms = FormPoster(page.context)
    forms.get("/inbox/sign-in")
    forms.post("/inbox/sign-in", [("email", EMAIL), ("password", PASSWORD)])
    page.clock.install()
    page.goto(url)
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)


def test_the_warning_comes_before_the_limit_and_stay_signed_in_keeps_the_page(page: Page, reference: str) -> None:
    _signed_in_with_a_fake_clock(page, f"/inbox/requests/{reference}")
    note = page.get_by_label("Add a note")
    note.fill(NOTE)
    page.clock.fast_forward("26:00")
    expect(_warning(page)).to_be_hidden()
    page.clock.fast_forward("01:30")
    expect(_warning(page)).to_be_visible()
    expect(page.get_by_role("heading", name="Do you want to stay signed in?")).to_be_focused()
    expect(_warning(page)).to_have_accessible_description(
        "To protect the information in the inbox, we will sign you out if you do nothing for 30 minutes. "
        "You will be signed out in 2 minutes."
    )
    assert_no_axe_violations(page, "the inbox's timeout warning")
    with page.expect_response(lambda r: r.url.endswith("/keep-alive")) as kept:
        _warning(page).get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    expect(_warning(page)).to_be_hidden()
    expect(note).to_be_focused()
    expect(note).to_have_value(NOTE)
    # The next warning, and its "Sign out": the inbox's own, with the page's token.
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    _warning(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to the facilitators' inbox")).to_be_visible()
    expect(page.get_by_text(TIMED_OUT)).to_have_count(0)
    page.goto("/inbox")
    expect(page).to_have_url(re.compile(r"/inbox/sign-in\?next="))


def test_doing_nothing_signs_out_and_the_sign_in_page_says_why(page: Page, reference: str, live_server) -> None:  # type: ignore[no-untyped-def]
    _signed_in_with_a_fake_clock(page, "/inbox")
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    idle_nearly_to_the_limit(live_server.app)  # the server's clock has run on too
    page.clock.fast_forward("02:05")
    page.wait_for_url("**/inbox/sign-in")
    expect(page.get_by_role("heading", level=1, name="Sign in to the facilitators' inbox")).to_be_visible()
    expect(page.get_by_role("region", name="Important")).to_contain_text(TIMED_OUT)
    assert_no_axe_violations(page, "the sign-in page after the time limit")
