"""The journey in a real browser: start page to outcome, with JavaScript on and off, by
keyboard alone, the quick exit, reflow at 320 px, and axe-core on every kind of page.

Every test here also fails if a page loads anything from outside the app, the app answers
5xx, or the page logs a JavaScript or console error (see conftest.py).
"""

from __future__ import annotations

import contextlib
import itertools
import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from support.browser import (
    MYSELF,
    OUTCOMES,
    PATHS,
    Q_CRITERIA,
    Q_DANGER,
    Answer,
    FormPoster,
    answer,
    answer_values,
    assert_focus_visible,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    continue_button,
    in_sight_below_the_exit_button,
    keyboard_choose,
    open_outcome,
    option,
    outcome_hook,
    page_height,
    question_heading,
    radio,
    reach_outcome,
    start,
    start_button,
    tab_until,
    walk,
)

EXIT_URL = "https://www.bbc.co.uk/weather"  # TestConfig.EXIT_URL
SESSION_COOKIE = "space_to_think_session"


def session_cookies(context: BrowserContext) -> list[str]:
    return [cookie["name"] for cookie in context.cookies() if cookie["name"] == SESSION_COOKIE]


def open_question(page: Page, answered: tuple[Answer, ...] = ()) -> None:
    """Open the question after ``answered``, the answers posted (``FormPoster``) rather than
    chosen on each page: for the tests not about the walk there (walked by mouse and keyboard
    below). With none, the first question, where the start page's "Start now" leads."""
    if answered:
        page.goto(FormPoster(page.context).journey(answer_values(answered)))
    else:
        page.goto("/start")


# ---------------------------------------------------------------------------------------
# Start page


def test_start_page_has_no_axe_violations(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page, "the start page")


def test_start_page_has_no_axe_violations_without_javascript(page_no_js: Page) -> None:
    page_no_js.goto("/")
    assert_no_axe_violations(page_no_js, "the start page (JavaScript off)")


def test_start_page_warns_and_offers_start_now(any_page: Page) -> None:
    any_page.goto("/")
    expect(any_page).to_have_title(re.compile(r"Space to Think"))
    expect(any_page.get_by_text(re.compile(r"If a child is in immediate danger, call 999")).first).to_be_visible()
    expect(start_button(any_page)).to_be_visible()


def test_start_page_reflows_at_320_css_pixels(narrow_page: Page) -> None:
    narrow_page.goto("/")
    assert_no_horizontal_scroll(narrow_page)


# ---------------------------------------------------------------------------------------
# Quick exit


def leave_by_the_quick_exit(page: Page) -> None:
    """Press "Exit this page"; the browser must set off for the neutral site at once.

    The neutral site is stood in for (``offsite.stub``) where the browser lets a redirect be
    answered locally; the headless shell does not, and nothing outside loopback is reachable
    from the test browser (conftest.py's ``CHROMIUM_ARGS``), so the page may end on the
    browser's own error page. Either
    way the browser asked for the neutral site, and nothing left the machine.
    """
    with page.expect_request(lambda request: request.url == EXIT_URL and request.is_navigation_request()):
        page.get_by_role("button", name=re.compile(r"Exit this page")).click()
    # Until the browser has arrived (at the stand-in or its own error page), a test's next page.goto
    # can be cut short by that arrival ("interrupted by another navigation to chrome-error://").
    page.wait_for_url(lambda url: url.startswith((EXIT_URL, "chrome-error://")))


def test_exit_this_page_works_without_javascript_and_clears_the_answers(page_no_js: Page, offsite) -> None:
    offsite.stub(EXIT_URL)
    page = page_no_js
    open_question(page, (MYSELF,))
    expect(question_heading(page, radio(Q_DANGER, "Yes"))).to_be_visible()
    assert session_cookies(page.context), "the journey should have a session by now"

    leave_by_the_quick_exit(page)
    assert offsite.stubbed_hits, "the quick exit should have gone to the neutral site"
    assert not session_cookies(page.context), "the quick exit should drop the session cookie"

    # A fresh visit: the journey starts again with nothing chosen.
    start(page)
    expect(question_heading(page, MYSELF)).to_be_visible()
    for choice in page.get_by_role("radio").all():
        expect(choice).not_to_be_checked()


@pytest.mark.parametrize("javascript", [True, False])
def test_exit_this_page_works_at_the_first_click_after_tab_showed_the_skip_link(
    request: pytest.FixtureRequest, offsite, javascript: bool
) -> None:
    """Found (accessibility review): the first Tab shows the skip link, which pushed the page down;
    the mouse press that followed took its focus away, the page moved back up under the pointer, and
    the click on the lower half of "Exit this page" went nowhere."""
    page: Page = request.getfixturevalue("page" if javascript else "page_no_js")
    offsite.stub(EXIT_URL)
    open_question(page, (MYSELF,))
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    box = page.get_by_role("button", name=re.compile(r"Exit this page")).bounding_box()
    assert box is not None
    with page.expect_request(lambda request: request.url == EXIT_URL and request.is_navigation_request(), timeout=5000):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    # (Set off for the neutral site, which no test may reach: the arrival may be the browser's own error.)
    with contextlib.suppress(PlaywrightError):
        page.wait_for_url(lambda url: url.startswith((EXIT_URL, "chrome-error://")))


def test_exit_this_page_with_javascript_leaves_for_the_neutral_site(page: Page, offsite) -> None:
    offsite.stub(EXIT_URL)
    open_question(page, (MYSELF,))
    expect(question_heading(page, radio(Q_DANGER, "Yes"))).to_be_visible()
    leave_by_the_quick_exit(page)
    assert not session_cookies(page.context)


def test_exit_this_pages_shortcut_works_on_the_offline_page(page: Page, live_server, offsite) -> None:  # type: ignore[no-untyped-def]
    """Found (accessibility review): the page nginx shows while the app is down (``flask site
    offline-page``) has no inline script, so nothing marked the body as able to run GOV.UK
    Frontend, whose components then never started: pressing Shift three times, Exit this page's
    keyboard shortcut, did nothing there. (Its button, a link, still worked.)"""
    from app.main.offline import offline_page

    with live_server.app.app_context():
        html = offline_page()
    offsite.stub(EXIT_URL)
    # Served from the app's own address, as nginx serves it beside the app's static files.
    page.route("**/__offline__", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.goto("/__offline__")
    expect(page.get_by_role("heading", level=1, name="Sorry, there is a problem with the service")).to_be_visible()
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    expect(page.locator("[data-govuk-exit-this-page-init]")).to_have_count(1)
    with page.expect_request(lambda request: request.url == EXIT_URL and request.is_navigation_request()):
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(lambda url: "__offline__" not in url)  # gone (to the stand-in, or an error page)


def test_the_page_for_requests_nginx_refuses_has_no_axe_violations(any_page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """The page nginx shows for a request it refuses itself (``flask site offline-page`` writes
    it as static/request-error.html): WCAG 2.2 AA, JavaScript on and off, as nginx serves it."""
    from app.main.offline import request_error_page
    from support.browser import assert_no_axe_violations

    with live_server.app.app_context():
        html = request_error_page()
    any_page.route("**/__refused__", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    any_page.goto("/__refused__")
    expect(any_page.get_by_role("heading", level=1, name="Sorry, we could not open this page")).to_be_visible()
    assert_no_axe_violations(any_page, "the page for requests nginx refuses")


# ---------------------------------------------------------------------------------------
# Walking the journey


# Every outcome in both modes with JavaScript on; immediate danger (U1), supervision (S) and
# eligible (P) with it off as well.
OUTCOME_WALKS = [
    pytest.param(outcome, mode, True, id=f"{outcome}-{mode}-js")
    for outcome in OUTCOMES
    for mode in ("practitioner", "supervision")
] + [pytest.param(outcome, "practitioner", False, id=f"{outcome}-no-js") for outcome in ("U1", "S", "P")]

# Walked by mouse, answering by the visible labels: the longest path (P, which passes every
# question page, the checkboxes and the confirmation) in supervision mode and with JavaScript
# off. P in practitioner mode with JavaScript on is walked by keyboard alone, by the same labels
# (test_journey_to_eligible_outcome_by_keyboard_alone). S's own answer, the criteria page's
# "None of these", is chosen by mouse too, the answers before it posted: they are P's first
# eight, walked in those three walks. The other outcome pages are reached by posting the same
# answers (support.browser.FormPoster): every path is also walked over HTTP, outcome by outcome
# in both modes, in tests/test_wizard_paths.py.
BY_MOUSE = {
    ("P", "supervision", True),
    ("P", "practitioner", False),
}
LAST_ANSWER_BY_MOUSE = {("S", "practitioner", True)}

# Outcome pages must be short enough to act on: what to do and who to contact come first,
# the guidance is folded away. Heights in CSS pixels at a laptop and a phone width. (U2 in
# supervision is the tallest, about 2,400 px at 1024 out of the Bridge's hours, when its card says
# the line is closed and whom to call instead: its LADO card says how and when to consult, and its
# line for a worry about a colleague gives L's steps, as CONTENT.md asks, "as in L" (practitioners'
# cases review, 7 December 2026); a 999 card comes first, for "not sure" about danger.)
MAX_HEIGHT = {1024: 2450, 375: 4000}


@pytest.mark.parametrize("outcome, mode, js", OUTCOME_WALKS)
def test_journey_reaches_outcome_page_with_no_axe_violations(browser_page, outcome: str, mode: str, js: bool) -> None:
    """The outcome page explains itself, is short enough and passes axe (reached by the
    visible labels for the walks in ``BY_MOUSE``, and its last answer so for ``LAST_ANSWER_BY_MOUSE``)."""
    page = browser_page(js=js)
    if (outcome, mode, js) in BY_MOUSE:
        hook = reach_outcome(page, outcome, mode)
    elif (outcome, mode, js) in LAST_ANSWER_BY_MOUSE:
        open_question(page, PATHS[outcome][:-1])
        walk(page, PATHS[outcome][-1:])
        hook = outcome_hook(page, outcome)
        expect(hook).to_have_count(1)
    else:
        hook = open_outcome(page, outcome, mode)
    expect(hook).to_be_visible()
    expect(hook).to_have_attribute("data-mode", mode)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Why you are seeing this", re.I))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Start again"))).to_be_visible()
    if js:
        heights = {width: page_height(page, width) for width in MAX_HEIGHT}
        print(f"outcome {outcome} ({mode}) height: {heights[1024]} px at 1024 px, {heights[375]} px at 375 px")
        for width, most in MAX_HEIGHT.items():
            assert heights[width] < most, f"outcome {outcome} ({mode}) is {heights[width]} px tall at {width} px"
    assert_no_axe_violations(page, f"outcome page {outcome} in {mode} mode (JavaScript {'on' if js else 'off'})")


@pytest.mark.parametrize("outcome", ["U1", "U2"])
def test_the_numbers_to_call_on_an_urgent_outcome_are_large_targets_on_a_phone(page: Page, outcome: str) -> None:
    """Found (review as someone worried about a child on a phone): the one thing to press, the
    number to call, was a link the size of its text (999: 32 by 21 pixels). Each is at least 44
    pixels tall, the size of a fingertip, at 320 pixels wide, in the text's own size (regression
    review: a bigger type ran off a narrow screen at 200% zoom, as a number does not wrap)."""
    page.set_viewport_size({"width": 320, "height": 568})
    open_outcome(page, outcome)
    phones = page.locator(".app-contact__phone a[href^='tel:']")
    assert phones.count() >= 2
    for index in range(phones.count()):
        box = phones.nth(index).bounding_box()
        assert box is not None and box["height"] >= 44, (phones.nth(index).inner_text(), box)
    assert_no_horizontal_scroll(page)
    size = "element => getComputedStyle(element).fontSize"
    assert {phones.nth(index).evaluate(size) for index in range(phones.count())} == {
        page.locator(".app-contact__phone").first.evaluate(size)
    }
    # The footer's numbers (on every page): at least WCAG 2.2's 24 pixels (found, first-time users'
    # review: 17 pixels high on a phone).
    # The cards apart, so that two contacts do not read as one (found, first-time users' review: their
    # coloured bars ran together, 5 pixels apart).
    cards = [box for box in (card.bounding_box() for card in page.locator(".app-contact").all()) if box]
    assert len(cards) >= 2
    assert all(after["y"] - (before["y"] + before["height"]) >= 10 for before, after in itertools.pairwise(cards))
    footer = page.locator(".app-footer__contact a[href^='tel:']")
    assert footer.count() >= 2
    for index in range(footer.count()):
        box = footer.nth(index).bounding_box()
        assert box is not None and box["height"] >= 24, (footer.nth(index).inner_text(), box)


def test_a_printed_outcome_shows_the_guidance_cited_and_leaves_out_what_only_works_on_screen(page_no_js: Page) -> None:
    """Found (accessibility review): printed (to take to supervision), an outcome page left out
    the guidance it rests on, folded away under "The guidance cited", and printed Back, its
    buttons and, beside every answer, "Change" with the question's address; and (content review)
    the link to download a supervision record, of no use on paper."""
    page = page_no_js
    open_outcome(page, "L", "supervision")
    guidance = page.locator("#guidance .app-guidance__text").first
    expect(guidance).to_be_hidden()  # folded away on screen
    # What only paper needs (where the page came from, with PUBLIC_BASE_URL set: test_app.py) is
    # shown in print alone.
    paper = "<p class=app-print-only id=paper>x</p>"
    page.evaluate(f"() => document.querySelector('footer').insertAdjacentHTML('beforeend', '{paper}')")
    expect(page.locator("#paper")).to_be_hidden()
    page.emulate_media(media="print")
    try:
        expect(guidance).to_be_visible()
        expect(page.locator("#paper")).to_be_visible()
        for on_screen_only in (
            page.locator(".govuk-summary-list__actions").first,
            page.get_by_role("link", name="Back"),
            page.get_by_role("button", name="Start again"),
            page.get_by_role("link", name=re.compile(r"^Download a supervision record")),
        ):
            expect(on_screen_only).to_be_hidden()
        # Only another site's address prints beside its link (found, manager's review: this
        # site's printed as "(/request/supervision-record)").
        printed = page.evaluate(
            """() => [...document.querySelectorAll('main a.govuk-link')].map(link =>
                [link.getAttribute('href'), getComputedStyle(link, '::after').content])"""
        )
        assert any(href.startswith("/") for href, _ in printed), printed
        assert all(content == "none" for href, content in printed if href.startswith("/")), printed
        assert any(href.startswith("https://") for href, _ in printed), printed
        # Another site's address is printed after its link, without "https://", by the page itself
        # (``printed_address``), not by GOV.UK Frontend's ::after, which broke it after a hyphen.
        assert all(content == "none" for href, content in printed if href.startswith("https://")), printed
        shown = page.evaluate(
            """() => [...document.querySelectorAll('main a.govuk-link[href^="https://"]')].map(link =>
                [link.getAttribute('href'), link.nextElementSibling && link.nextElementSibling.innerText])"""
        )
        assert all(text.strip() == f"({href.removeprefix('https://')})" for href, text in shown), shown
        # On paper, the line to call outside the Bridge's hours beside its card, and each step of what
        # to do kept whole (found, printing review).
        expect(page.locator("[data-print-outside-hours]").first).to_be_visible()
        kept_whole = "el => getComputedStyle(el).breakInside"
        assert page.locator(".app-actions > li").first.evaluate(kept_whole) == "avoid"
        assert page.locator(".app-contact").first.evaluate(kept_whole) == "avoid"
    finally:
        page.emulate_media(media="null")  # (not "screen": page.pdf() in a later test would print screen styles)
    expect(page.locator("[data-print-outside-hours]").first).to_be_hidden()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_start_now_on_a_shared_computer_asks_before_showing_anyone_s_answers(browser_page, js: bool) -> None:  # type: ignore[no-untyped-def]
    """Someone left a journey at the LADO outcome; the next person at the computer presses
    "Start now": they are asked, see none of it, and start again on a clear first question."""
    page = browser_page(js=js)
    expect(open_outcome(page, "L", "supervision")).to_be_visible()
    page.goto("/")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1, name="Answers already started in this browser")).to_be_visible()
    assert "LADO" not in page.content()
    assert_no_axe_violations(page, f"answers already started (JavaScript {'on' if js else 'off'})")
    page.get_by_role("button", name="Start again").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/questions/mode")
    assert page.locator("input[type=radio]:checked").count() == 0


def test_journey_to_eligible_outcome_by_keyboard_alone(page: Page) -> None:
    """Tab, arrow keys, Space and Enter only; focus is visible at every stop."""
    page.goto("/")
    tab_until(page, start_button(page))
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    for step in PATHS["P"]:
        keyboard_choose(page, step)
    expect(outcome_hook(page, "P")).to_have_count(1)


def test_question_page_reflows_at_320_css_pixels(narrow_page: Page) -> None:
    open_question(narrow_page)
    expect(question_heading(narrow_page, MYSELF)).to_be_visible()
    assert_no_horizontal_scroll(narrow_page)


# ---------------------------------------------------------------------------------------
# axe-core on every kind of journey page


def test_radio_question_page_has_no_axe_violations(page: Page) -> None:
    open_question(page, (MYSELF,))
    expect(question_heading(page, radio(Q_DANGER, "Yes"))).to_be_visible()
    assert_no_axe_violations(page, "a radio question page")


def test_criteria_checkbox_page_has_no_axe_violations(page: Page) -> None:
    # The answers before it are posted (the walks above go through this page by mouse).
    open_question(page, PATHS["S"][:-1])
    expect(page.get_by_role("heading", level=1, name=Q_CRITERIA)).to_be_visible()
    expect(page.get_by_role("checkbox").first).to_be_visible()
    assert_no_axe_violations(page, "the criteria (checkboxes) page")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_page_with_errors_has_no_axe_violations(browser_page, js: bool) -> None:
    page = browser_page(js=js)
    open_question(page)
    continue_button(page).click()  # nothing chosen
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert").filter(has_text=re.compile("There is a problem"))
    expect(summary).to_be_visible()
    assert_no_axe_violations(page, f"a question page with an error (JavaScript {'on' if js else 'off'})")
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    # The focus is on the summary, with JavaScript (GOV.UK Frontend moves it) or without (its
    # autofocus: with scripts off a screen reader user heard the page from the top).
    expect(page.locator(":focus")).to_contain_text("There is a problem")
    if js:
        # Its link moves the focus to the first option; the summary, left, can no longer take the
        # focus by a click on its text (as GOV.UK Frontend does when it adds the tabindex itself).
        # Once GOV.UK Frontend's script has started it: as it starts, it takes the focus back.
        expect(page.locator(".govuk-error-summary")).to_have_attribute("data-govuk-error-summary-init", "")
        link.click()
        expect(page.get_by_role("radio").first).to_be_focused()
        expect(page.locator(".govuk-error-summary")).not_to_have_attribute("tabindex", "-1")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_back_to_a_question_once_refused_shows_the_question_not_a_resubmission_warning(browser_page, js: bool) -> None:  # type: ignore[no-untyped-def]
    """Found (review): the page with an error was the answer to the form's POST, which the browser
    may not keep (it can show answers). Once the answer was given and the next question shown,
    the browser's Back gave Chrome's "Confirm Form Resubmission" (net::ERR_CACHE_MISS), not the
    question. Now a refused answer is sent back to its question's address, so Back asks for
    that page again: the question, with the answer given and without the old error."""
    page = browser_page(js=js)
    open_question(page)
    first_question = page.url
    continue_button(page).click()  # nothing chosen
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.url == first_question
    answer(page, MYSELF)
    expect(page.get_by_role("heading", level=1, name=Q_DANGER)).to_be_visible()
    page.go_back()  # raises on net::ERR_CACHE_MISS
    assert page.url == first_question
    expect(page).not_to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_text("There is a problem")).to_have_count(0)
    expect(option(page, MYSELF, MYSELF.patterns()[0])).to_be_checked()


def test_an_error_summary_link_leaves_the_focused_option_in_sight_at_400_percent_zoom(browser_page) -> None:  # type: ignore[no-untyped-def]
    """Found (accessibility review, WCAG 2.4.11): at 320 by 256 CSS pixels (400% zoom), the error
    summary's link to the criteria focused the first checkbox but scrolled its long legend into
    view, leaving the focused box below the window."""
    page = browser_page(js=True)
    open_question(page, PATHS["S"][:-1])  # the answers before it
    expect(page.get_by_role("heading", level=1, name=Q_CRITERIA)).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 256})
    continue_button(page).click()  # nothing chosen
    page.get_by_role("alert").filter(has_text="There is a problem").get_by_role("link").click()
    first = page.get_by_role("checkbox").first
    expect(first).to_be_focused()
    expect(first).to_be_in_viewport()
    # And above it, below "Exit this page" (which sticks to the window's top), the error said of it
    # (found, accessibility review: it was under the button or above the window).
    in_sight_below_the_exit_button(page, page.locator(".govuk-error-message"))


@pytest.mark.parametrize("path", ["/accessibility", "/privacy", "/cookies", "/session-expired"])
def test_footer_and_notice_pages_have_no_axe_violations(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page, f"the page at {path}")


def test_a_printed_web_address_breaks_only_after_a_slash_never_at_a_hyphen_of_its_own(page_no_js: Page) -> None:
    """Found (printing review): printed, the LADO's card ended a line with "(https://safeguarding
    children.salford.gov.uk/professionals/managing-allegations-against-adults-" and began the next
    with "who-work-with-children)": someone typing it from paper could not tell whether the hyphen
    was part of the address. Printed to A4 from Chromium and read back, each part of each address's
    path is on one line; and on screen the address is not shown (the link is)."""
    from support.pdf import placed_text

    page = page_no_js
    open_outcome(page, "L", "supervision")
    addresses = page.evaluate(
        """() => [...document.querySelectorAll('main a.govuk-link[href^="https://"]')]
            .map(link => link.getAttribute('href'))"""
    )
    long_parts = {part for href in addresses for part in href.split("/") if part.count("-") >= 3}
    assert "managing-allegations-against-adults-who-work-with-children" in long_parts, addresses
    expect(page.locator(".app-printed-address").first).to_be_hidden()
    printed = page.pdf(format="A4", print_background=True)
    lines: dict[tuple[int, int], str] = {}
    for run in placed_text(printed):
        key = (run.page, round(run.y))
        lines[key] = lines.get(key, "") + run.text
    unspaced = [line.replace(" ", "") for line in lines.values()]
    for part in long_parts:
        assert any(part in line for line in unspaced), f"{part} broken across lines: {sorted(unspaced)}"
    assert not any(line.endswith("-") for line in unspaced), sorted(unspaced)


@pytest.mark.parametrize("outcome, mode", [("P", "supervision"), ("A", "supervision"), ("E", "supervision")])
def test_a_printed_outcome_keeps_headings_sources_and_contacts_with_what_follows(
    page: Page, outcome: str, mode: str
) -> None:
    """Found (manager's review): an outcome printed from Chromium to take to supervision ended a page
    with "Why you are seeing this", or with a quote's source ("Summary of Working Together to
    Safeguard Children (2023):"), its table or quote on the next; and children's social care's name
    at the foot of a page, its number on the next. The lowest text on each page but the last is
    read from the PDF Chromium prints."""
    from support.pdf import pages_holding, placed_text

    open_outcome(page, outcome, mode)
    headings = set(page.locator("main h2, main h3, footer h2").all_inner_texts())
    contacts = page.evaluate(
        """() => [...document.querySelectorAll('.app-contact, .app-footer__contact')]
            .filter(item => item.querySelector('a[href^="tel:"]'))
            .map(item => [
                item.innerText.split('\\n')[0].trim(), item.querySelector('a[href^="tel:"]').innerText.trim()])"""
    )
    assert headings and contacts, (headings, contacts)
    printed = page.pdf(format="A4", print_background=True)
    runs = placed_text(printed)
    last_page = max(run.page for run in runs)
    assert last_page >= 2, f"outcome {outcome} printed on one page: nothing to check"
    for number in range(1, last_page):
        lowest = max(run.y for run in runs if run.page == number)
        foot = " ".join(run.text for run in runs if run.page == number and run.y > lowest - 2)
        assert not foot.endswith(":") and not any(foot in heading for heading in headings), (
            f"page {number} of outcome {outcome} ({mode}) ends with {foot!r}"
        )
    for name, phone in contacts:
        assert set(pages_holding(printed, name)) <= set(pages_holding(printed, phone)), (
            f"{name} and its number {phone} printed on different pages"
        )


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_back_to_a_question_answered_since_in_another_tab_shows_the_answer_held_not_the_one_left(  # type: ignore[no-untyped-def]
    browser_page, js: bool
) -> None:
    """Found (regression review): "No" to the danger question in one tab, then "Yes" in another,
    which reached "Call 999"; Back in the first tab asked for the question again, the server
    sent it with "Yes" ticked, and the browser put back the "No" it had left (its own memory of
    the form), so Continue saved "No", the page's answer digest being "Yes"'s. The form says
    the browser is not to fill it in itself (``autocomplete="off"``)."""
    page = browser_page(js=js)
    open_question(page, (MYSELF,))
    expect(page.get_by_role("heading", level=1, name=Q_DANGER)).to_be_visible()
    no, yes = (option(page, radio(Q_DANGER, label), re.compile(f"^{label}$")) for label in ("No", "Yes"))
    no.check()
    continue_button(page).click()
    expect(page.get_by_role("heading", level=1, name=Q_DANGER)).to_have_count(0)
    other = page.context.new_page()
    other.goto(page.url.split("/questions/")[0] + "/questions/immediate_danger")
    option(other, radio(Q_DANGER, "Yes"), re.compile("^Yes$")).check()
    continue_button(other).click()
    expect(other).to_have_url(re.compile(r"/result$"))
    page.go_back()
    expect(page.get_by_role("heading", level=1, name=Q_DANGER)).to_be_visible()
    expect(yes).to_be_checked()
    expect(no).not_to_be_checked()


def test_a_printed_page_says_when_it_was_printed_in_uk_time(page: Page) -> None:
    """Found (printing review): no printed page said when it was printed, so an outcome taken to a
    meeting a month later could not be placed in time. As it is printed, the page writes the day and
    time in UK time, as the service writes times."""
    printed = page.locator("[data-printed-on]")
    for moment, said in (
        ("2026-12-07T19:34:00Z", "Printed on 7 December 2026 at 7:34pm (UK time)."),
        ("2026-07-03T11:00:00Z", "Printed on 3 July 2026 at midday (UK time)."),  # British Summer Time
        ("2026-03-28T23:05:00Z", "Printed on 28 March 2026 at 11:05pm (UK time)."),
    ):
        page.clock.set_fixed_time(moment)
        page.goto("/start")
        expect(printed).to_have_text("")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        expect(printed).to_have_text(said)
        page.emulate_media(media="print")
        expect(printed).to_be_visible()
        page.emulate_media(media="screen")
        expect(printed).to_be_hidden()
