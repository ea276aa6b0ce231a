"""The idle-timeout warning in a real browser: it appears before the limit, keeps answers
when asked, and clears them when the time runs out; typing in a form counts as activity. The
page clock is faked, so the test takes seconds, not half an hour."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from support.browser import (
    PATHS,
    FormPoster,
    answer_values,
    assert_focus_visible,
    assert_no_axe_violations,
    continue_button,
    keep_alive_handled,
    tab_until,
)
from support.pages import shown_digest
from support.sessions import idle_nearly_to_the_limit, idle_past_the_limit, idle_time_left


def _warning(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("dialog", name="Do you want to keep your answers?")


def _start_with_a_fake_clock(page: Page) -> None:
    """Fake the page's clock, start a journey (opening /start, where the start page's "Start
    now" leads: the start page is tested in test_journey_browser.py), and wait until the page's
    script has run."""
    page.clock.install()
    page.goto("/start")
    page.wait_for_load_state("load")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)


# The page's timer runs to 29 minutes: the 30-minute limit less the server's refresh step
# (app.sessions.refresh_step), so the warning opens at 27:00 and time runs out at 29:00.
def test_warning_appears_before_the_limit_and_keep_my_answers_closes_it(page: Page) -> None:
    _start_with_a_fake_clock(page)
    question_url = page.url
    expect(_warning(page)).to_be_hidden()
    page.clock.fast_forward("26:00")
    expect(_warning(page)).to_be_hidden()
    page.clock.fast_forward("01:30")
    expect(_warning(page)).to_be_visible()
    expect(page.get_by_role("heading", name="Do you want to keep your answers?")).to_be_focused()
    assert_no_axe_violations(page, "the timeout warning")
    with page.expect_response(lambda r: r.url.endswith("/keep-alive")) as kept:
        page.get_by_role("button", name="Keep my answers").click()
    assert kept.value.status == 204
    expect(_warning(page)).to_be_hidden()
    assert page.url == question_url


def test_a_page_printed_with_the_warning_open_prints_the_page_not_the_warning(page: Page) -> None:
    """Found (printing review): printed (or saved as PDF) while "Do you want to keep your answers?"
    was open, every sheet showed only the warning, painted over the page: an outcome came out as 4
    sheets with no route or number on them. In print the open warning and its backdrop are left out."""
    _start_with_a_fake_clock(page)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    page.emulate_media(media="print")
    expect(_warning(page)).to_be_hidden()
    expect(page.locator("h1").first).to_be_visible()
    backdrop = page.evaluate(
        "() => getComputedStyle(document.getElementById('app-timeout-warning'), '::backdrop').display"
    )
    assert backdrop == "none", backdrop
    page.emulate_media(media="screen")  # back on screen, the warning is still there to answer
    expect(_warning(page)).to_be_visible()


def test_the_warning_scrolled_on_a_small_screen_shows_the_focus_as_every_control_does(browser_page) -> None:  # type: ignore[no-untyped-def]
    """Found (accessibility review): at 320 by 256 CSS pixels (400% zoom) the warning scrolls, and
    Tab then stops on the dialog itself (Chromium's keyboard-focusable scroller), which showed
    the browser's thin 1px ring instead of GOV.UK's yellow and black focus."""
    page = browser_page(viewport={"width": 320, "height": 256})
    _start_with_a_fake_clock(page)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    tab_until(page, "el => el.id === 'app-timeout-warning'", max_presses=6)
    assert_focus_visible(page)
    look = page.evaluate("() => getComputedStyle(document.activeElement).boxShadow")
    assert "rgb(255, 221, 0)" in look, f"the scrolled warning's focus is not GOV.UK's: box-shadow {look}"


def test_the_warning_fits_a_small_screen_border_and_all(browser_page) -> None:  # type: ignore[no-untyped-def]
    """Found (journey review): at 320 by 256 CSS pixels (400% zoom) the warning was 32px taller
    than the screen (the browser's height limit left out its padding and border), so its top
    and bottom edges, and the focus drawn round it when it scrolls, were off screen."""
    page = browser_page(viewport={"width": 320, "height": 256})
    _start_with_a_fake_clock(page)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    top, bottom, height = page.evaluate(
        "() => { const r = document.getElementById('app-timeout-warning').getBoundingClientRect();"
        " return [r.top, r.bottom, innerHeight]; }"
    )
    assert top >= 0 and bottom <= height, f"the warning runs from {top} to {bottom} on a screen {height}px high"


def test_escape_keeps_the_answers(page: Page) -> None:
    _start_with_a_fake_clock(page)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/keep-alive")):
        page.keyboard.press("Escape")
    expect(_warning(page)).to_be_hidden()


def test_doing_nothing_clears_the_answers(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    _start_with_a_fake_clock(page)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    idle_nearly_to_the_limit(live_server.app)  # the server's clock has run on too
    page.clock.fast_forward("02:05")
    page.wait_for_url("**/session-expired")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/start")
    expect(page.get_by_role("radio").first).not_to_be_checked()


def test_the_timer_posts_the_pages_token_to_clear_the_answers(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """The answers are cleared by the page's own POST (with its CSRF token), not by opening the page."""
    _start_with_a_fake_clock(page)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    idle_nearly_to_the_limit(live_server.app)
    with page.expect_request(lambda r: r.url.endswith("/session-expired") and r.method == "POST") as cleared:
        page.clock.fast_forward("02:05")
    assert "csrf_token=" in (cleared.value.post_data or "")
    page.wait_for_url("**/session-expired")
    expect(page.get_by_role("heading", level=1, name="Your answers were cleared")).to_be_visible()


def test_busy_in_another_tab_the_idle_tabs_timer_clears_nothing(page: Page) -> None:
    """Found (journey review): a tab left open (the outcome, or "How this tool decides") ran its
    own timer and cleared the answers of someone answering a question every 18 seconds in
    another tab. Its POST now clears only a session the server also sees as idle."""
    _start_with_a_fake_clock(page)
    first_question = page.url
    other_tab = page.context.new_page()
    other_tab.goto(first_question)  # busy here (each page pushes the server's expiry on)
    expect(other_tab.get_by_role("radio").first).to_be_visible()
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    # Both tabs' timers run out (the browser has one clock): each posts, and is sent back to where
    # the journey stands. Waited for as navigations, as the address is the same before and after:
    # waiting for the address went on at once, before either post had been answered.
    with page.expect_navigation(url=first_question), other_tab.expect_navigation(url=first_question):
        page.clock.fast_forward("02:05")
    expect(page.get_by_role("heading", name="Your answers were cleared")).to_have_count(0)
    other_tab.get_by_role("radio").first.check()
    continue_button(other_tab).click()
    expect(other_tab.get_by_role("heading", name="This form has expired")).to_have_count(0)
    assert other_tab.url != first_question  # the answer was saved, the journey went on
    other_tab.close()


def test_a_link_to_the_expired_page_keeps_the_answers(page: Page) -> None:
    """Found (security review): opening /session-expired (a link on another site, say) cleared
    the answers. Now it clears nothing and goes back to where the journey stands."""
    page.goto("/start")  # the first question, as the start page's "Start now" opens it
    question_url = page.url
    page.get_by_role("radio").first.check()
    continue_button(page).click()
    expect(page).not_to_have_url(question_url)
    next_url = page.url
    page.goto("/session-expired")
    assert page.url == next_url
    expect(page.get_by_role("heading", name="Your answers were cleared")).to_have_count(0)
    page.goto(question_url)
    expect(page.get_by_role("radio").first).to_be_checked()


def test_the_time_left_is_read_when_the_warning_opens_and_announced_accurately(page: Page) -> None:
    """Found (review-a11y L3): the time left was hidden from screen readers when the warning
    opened (its live region was filled while the dialog was still hidden), and later
    announcements rounded up (90 seconds left: "2 minutes"). Also, "Clear my answers now" sat
    lower than "Keep my answers"."""
    _start_with_a_fake_clock(page)
    page.clock.fast_forward("27:30")
    warning = _warning(page)
    expect(warning).to_be_visible()
    expect(warning).to_have_accessible_description(
        # (A question page: no text to type, so nothing said of typed text being given back.)
        "To protect your information, we will clear your answers if you do nothing for about 30 minutes. "
        "Your answers will be cleared in 2 minutes."
    )
    announce = warning.locator("[aria-live]")
    expect(announce).to_have_text("")  # (said in the description: not said twice)
    page.clock.run_for("00:30")
    expect(announce).to_have_text("Your answers will be cleared in 1 minute 30 seconds.")
    page.clock.run_for("00:30")
    expect(announce).to_have_text("Your answers will be cleared in 1 minute.")
    keep = warning.get_by_role("button", name="Keep my answers").bounding_box()
    clear = warning.get_by_role("button", name="Clear my answers now").bounding_box()
    assert keep and clear and abs(keep["y"] - clear["y"]) < 1, (keep, clear)


def test_typing_the_request_keeps_the_answers(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """Found (facilitator review, finding 3, the same timer as the inbox's): typing did not count
    as activity, so someone writing their request slowly had it cleared. Typing now tells the
    server (the keep-alive, at most once a minute) and starts the page's timer again."""
    page.clock.install()
    FormPoster(page.context).journey(answer_values(PATHS["P"]))
    page.goto("/request/about-you")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    field = page.get_by_role("textbox").first
    field.click()
    page.clock.fast_forward("25:00")
    idle_nearly_to_the_limit(live_server.app)  # the server's clock has run on too
    with keep_alive_handled(page) as kept:  # the page's script has the answer: its timer set again
        page.keyboard.type("Sam")
    assert kept.value.status == 204
    assert idle_time_left(live_server.app, page.context.cookies()) > dt.timedelta(minutes=29)
    page.clock.fast_forward("26:00")  # 51 minutes since the page opened
    expect(_warning(page)).to_be_hidden()
    expect(field).to_have_value("Sam")
    # Stopped typing: the warning opens 27 minutes after the last keep-alive.
    page.clock.fast_forward("01:30")
    expect(_warning(page)).to_be_visible()


HALF_WRITTEN = "The team around the family feels stuck; I would like to think about how we"


def test_time_run_out_on_a_half_written_request_gives_back_what_was_typed(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """Found (practitioner review): with JavaScript, a reflection typed and left went with the
    answers when the time ran out, though without JavaScript the same form, sent after the
    limit, gives it back to copy. Now the page that says the answers were cleared gives it back,
    read-only, and nothing else of the journey."""
    page.clock.install()
    FormPoster(page.context).journey(answer_values(PATHS["P"]))
    page.goto("/request/reflection")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    field = page.get_by_role("textbox").first
    field.fill(HALF_WRITTEN)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    idle_nearly_to_the_limit(live_server.app)  # the server's clock has run on too
    with page.expect_request(lambda r: r.url.endswith("/session-expired") and r.method == "POST") as cleared:
        page.clock.fast_forward("02:05")
    assert "page=%2Frequest%2Freflection" in (cleared.value.post_data or "")
    expect(page.get_by_role("heading", level=1, name="Your answers were cleared")).to_be_visible()
    # Folded away until asked for (found, shared computer review: on screen in full for whoever came next).
    expect(page.locator("textarea")).to_be_hidden()
    show_what_was_typed(page)
    kept = page.get_by_role("textbox")
    expect(kept).to_have_count(1)
    expect(kept).to_have_value(HALF_WRITTEN)
    expect(kept).not_to_be_editable()
    assert_no_axe_violations(page, "the answers cleared, with what was typed to copy")
    page.goto("/start")
    expect(page.get_by_role("radio").first).not_to_be_checked()  # the answers went all the same


def test_keep_my_answers_with_no_connection_says_nothing_was_kept_and_counts_on(page: Page, offsite) -> None:  # type: ignore[no-untyped-def]
    """Found (a slow connection's review): "Keep my answers" pressed with no signal closed the
    warning as if it had worked, and it opened again later counting time the server no longer
    gave. It opens again at once, counting down to when it was to end, and says nothing was kept;
    pressed again with a signal, it keeps them."""
    _start_with_a_fake_clock(page)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    page.clock.fast_forward("00:30")  # the warning open for half a minute: 1 minute 30 seconds left
    page.context.set_offline(True)
    page.get_by_role("button", name="Keep my answers").click()
    said = page.locator("[data-timeout-unreached]")
    expect(said).to_have_text(
        re.compile(r"^This page could not reach the service, so nothing was kept\. Check your signal")
    )
    expect(said).to_be_visible()
    expect(_warning(page)).to_be_visible()
    # Counting down to when it was to end (about 1 minute 30 seconds left), not 2 minutes again.
    expect(page.locator("[data-timeout-countdown]")).to_have_text(re.compile(r"cleared in 1 minute [23]\d seconds"))
    page.context.set_offline(False)
    # (The keep that could not reach the service is the one console error expected.)
    assert offsite.console_errors and all("ERR_INTERNET_DISCONNECTED" in e for e in offsite.console_errors)
    offsite.console_errors.clear()
    with page.expect_response(lambda r: r.url.endswith("/keep-alive")) as kept:
        page.get_by_role("button", name="Keep my answers").click()
    assert kept.value.status == 204
    expect(_warning(page)).to_be_hidden()
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    expect(said).to_be_hidden()  # said of that try only


def test_time_run_out_with_no_connection_keeps_the_page_and_what_was_typed(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """Found (a slow connection's review): the time running out with no signal sent the form that
    ends the session, and the browser's error page took the page's place, with the half-written
    reflection. The page stays, the warning says so, and once the signal is back the page that says
    the answers were cleared gives back what was typed."""
    page.clock.install()
    FormPoster(page.context).journey(answer_values(PATHS["P"]))
    page.goto("/request/reflection")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    page.get_by_role("textbox").first.fill(HALF_WRITTEN)
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    idle_nearly_to_the_limit(live_server.app)  # the server's clock has run on too
    page.context.set_offline(True)
    page.clock.fast_forward("02:05")
    expect(page.locator("[data-timeout-unreached]")).to_have_text(
        re.compile(r"^You are offline and the time has run out\.")
    )
    assert page.url.endswith("/request/reflection")
    expect(page.get_by_role("textbox").first).to_have_value(HALF_WRITTEN)
    with page.expect_request(lambda r: r.url.endswith("/session-expired") and r.method == "POST"):
        page.context.set_offline(False)
    expect(page.get_by_role("heading", level=1, name="Your answers were cleared")).to_be_visible()
    show_what_was_typed(page)
    expect(page.get_by_role("textbox")).to_have_value(HALF_WRITTEN)


def test_time_run_out_on_a_date_changed_in_one_box_gives_back_the_whole_date(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """Found (regression review): the significant event's year changed alone, with the month saved
    before, came back as "2024" when the time ran out: the script sends only the boxes changed.
    A date's boxes go together, so the month comes back with it, "3 2024"."""
    page.clock.install()
    debrief = [
        (question, ["stuck", "debrief"] if question == "criteria" else value)
        for question, value in answer_values(PATHS["P"])
    ]
    forms = FormPoster(page.context)
    forms.journey(debrief)
    forms.post("/request/significant-event", [("event_month", "3"), ("event_year", "2025")])
    page.goto("/request/significant-event?change=1")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    page.get_by_label("Year").fill("2024")
    page.clock.fast_forward("27:30")
    expect(_warning(page)).to_be_visible()
    idle_nearly_to_the_limit(live_server.app)
    with page.expect_request(lambda r: r.url.endswith("/session-expired") and r.method == "POST"):
        page.clock.fast_forward("02:05")
    expect(page.get_by_role("heading", level=1, name="Your answers were cleared")).to_be_visible()
    show_what_was_typed(page)
    expect(page.get_by_role("textbox", name="Roughly when was the significant event?")).to_have_value("3 2024")


def show_what_was_typed(page: Page) -> None:
    """Open "Show what you typed" on the page saying the answers were cleared."""
    page.get_by_text("Show what you typed", exact=True).click()


def send_a_request(page: Page) -> None:
    """Post a journey to P, its details and Send request, in this page's browser context (the walk
    there in the browser itself is tested elsewhere)."""
    forms = FormPoster(page.context)
    forms.journey(answer_values(PATHS["P"]))
    forms.details(skip=["significant-event"])  # (only asked for a debrief)
    shown = shown_digest(forms.get("/request/check-answers"))
    forms.post("/request/submit", [("checked", shown or "")])


def test_after_send_request_the_warning_offers_to_keep_the_copy_then_says_it_went(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """Found (accessibility review, WCAG 2.2.1): the submitted page had no timeout warning, so its
    page and PDF went with no warning and no way to keep them. The answers and details are posted
    (the walk there is tested elsewhere); the submitted page is drawn with a fake clock."""
    send_a_request(page)
    page.clock.install()
    page.goto("/request/submitted")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    warning = page.get_by_role("dialog", name="Do you want to keep the copy of the request?")
    page.clock.fast_forward("27:30")
    expect(warning).to_be_visible()
    assert_no_axe_violations(page, "the submitted page's timeout warning")
    idle_nearly_to_the_limit(live_server.app)
    page.clock.fast_forward("02:05")
    page.wait_for_url("**/session-expired?cleared=copy")
    expect(page.get_by_role("heading", level=1)).to_have_text("The copy of the request was removed from this browser")
    assert_no_axe_violations(page, "the page saying the copy was removed")


def test_the_timer_on_the_page_before_a_new_check_says_nothing_of_the_request_sent(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """The page before a new check says nothing of the request sent from this browser, not even
    how many PDFs it had (one sent in supervision has two). Found (review): the page its timer led
    to said which. Now it says "its PDF (or PDFs)", as the page and its warning do."""
    send_a_request(page)
    page.clock.install()
    page.goto("/start")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    warning = page.get_by_role("dialog", name="Do you want to keep the copy of the request?")
    page.clock.fast_forward("27:30")
    expect(warning).to_be_visible()
    idle_nearly_to_the_limit(live_server.app)
    page.clock.fast_forward("02:05")
    page.wait_for_url("**/session-expired?cleared=copy")
    expect(page.get_by_role("heading", level=1)).to_have_text("The copy of the request was removed from this browser")
    expect(page.get_by_text("we removed the request's page and its PDF (or PDFs) from this browser")).to_be_visible()


def test_a_tab_left_idle_while_another_is_in_use_does_not_warn(page: Page) -> None:
    """Found (practitioner review): a tab left idle opened "Your answers will be cleared in 58
    seconds" while another tab was in use, and nothing was cleared. A page opened in another tab
    starts the idle tab's timer again, and closes its warning if it is open."""
    _start_with_a_fake_clock(page)
    first_question = page.url
    other_tab = page.context.new_page()
    try:
        other_tab.goto(first_question)
        expect(other_tab.get_by_role("radio").first).to_be_visible()
        page.clock.fast_forward("20:00")
        other_tab.reload()  # in use there: the server's expiry pushed on
        expect(other_tab.get_by_role("radio").first).to_be_visible()
        page.clock.fast_forward("08:00")  # 28 minutes since this page opened, 8 since the other did
        expect(_warning(page)).to_be_hidden()
        page.clock.fast_forward("19:30")  # 27:30 since the other tab's page opened: now both are idle
        expect(_warning(page)).to_be_visible()
        other_tab.reload()  # in use again: the warning here closes
        expect(_warning(page)).to_be_hidden()
    finally:
        other_tab.close()


def test_a_page_shown_again_from_the_back_forward_cache_keeps_what_was_typed_or_ends_as_the_time_running_out_does(  # type: ignore[no-untyped-def]
    browser_type, browser_type_launch_args, live_server
) -> None:
    """Found (shared computer review): Back, after the server's idle limit had cleared the answers,
    brought a journey's page back whole from the browser's back/forward cache, its timer not
    catching up. Shown from the cache, the page asks the server to keep its session: ended, it goes
    on as the time running out does (the answers cleared, what was typed given back folded away);
    not ended, it stays with what was being typed (regression review: reloading it lost that on an
    ordinary Back from another site). Playwright turns that cache off by default: it is on here, as
    in people's browsers, in Debian's full Chromium, headless (the headless shell keeps no page in it)."""
    from support.browser import FormPoster

    launch = {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "headless": True}
    browser = browser_type.launch(**launch, ignore_default_args=["--disable-back-forward-cache"])
    try:
        for ended in (False, True):  # (each in a browser of its own: the first's Back keeps its session)
            context = browser.new_context(base_url=live_server.url)
            page = context.new_page()
            FormPoster(context).journey(answer_values(PATHS["P"]))
            page.goto("/request/reflection")
            expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
            box = page.get_by_role("textbox").first
            box.fill(HALF_WRITTEN)
            page.evaluate("() => { window.shownBefore = true }")
            page.goto("data:text/html,<title>Another site</title>")  # (another site: this one's cookie untouched)
            if ended:
                idle_past_the_limit(live_server.app, context.cookies())  # the server's limit passed
            page.go_back(wait_until="commit")  # (a page shown from the cache fires no "load")
            if ended:
                expect(page.get_by_role("heading", level=1, name="Your answers were cleared")).to_be_visible()
                show_what_was_typed(page)
                expect(page.get_by_role("textbox")).to_have_value(HALF_WRITTEN)
            else:
                expect(box).to_have_value(HALF_WRITTEN)  # the same page, with what was being typed
                assert page.evaluate("() => window.shownBefore === true")
            context.close()
    finally:
        browser.close()


def test_without_javascript_the_answers_can_be_kept_without_leaving_the_page(page_no_js: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """Found (interrupted people review, WCAG 2.2.1): with JavaScript off nothing could extend the idle
    limit, and a practitioner writing a long reflection lost every earlier page's answers. "Keep my
    answers" pushes the limit on; the keep-alive answers 204, so the page stays, with what was typed."""
    page = page_no_js
    FormPoster(page.context).journey(answer_values(PATHS["P"]))
    page.goto("/request/reflection")
    box = page.get_by_role("textbox").first
    box.fill(HALF_WRITTEN)
    idle_nearly_to_the_limit(live_server.app)  # 30 seconds left on the server
    assert idle_time_left(live_server.app, page.context.cookies()) < dt.timedelta(minutes=1)
    with page.expect_response(lambda response: response.url.endswith("/keep-alive")) as kept:
        page.get_by_role("button", name="Keep my answers").click()
    assert kept.value.status == 204
    assert idle_time_left(live_server.app, page.context.cookies()) > dt.timedelta(minutes=29)
    expect(page).to_have_url(re.compile(r"/request/reflection$"))
    expect(box).to_have_value(HALF_WRITTEN)  # the page as it was, with what was typed


def test_without_javascript_keep_my_answers_pressed_too_late_gives_back_what_was_typed(
    page_no_js: Page, live_server
) -> None:  # type: ignore[no-untyped-def]
    """Found (regression review): without JavaScript, "Keep my answers" pressed once the idle limit had
    passed gave "This form has expired", and what was typed on the page was lost (Continue gave it
    back). The button sends the page's own form, so the page saying the answers were cleared gives
    it back, folded away, as the timeout warning's does."""
    page = page_no_js
    FormPoster(page.context).journey(answer_values(PATHS["P"]))
    page.goto("/request/reflection")
    page.get_by_role("textbox").first.fill(HALF_WRITTEN)
    idle_past_the_limit(live_server.app, page.context.cookies())
    page.get_by_role("button", name="Keep my answers").click()
    expect(page.get_by_role("heading", level=1, name="Your answers were cleared")).to_be_visible()
    show_what_was_typed(page)
    expect(page.get_by_role("textbox")).to_have_value(HALF_WRITTEN)
