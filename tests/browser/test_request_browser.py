"""The request in a real browser: from the eligible outcome through the details pages, the
identifying-data warning and check your answers, to the submitted page and its PDF, with
zero axe violations (WCAG 2.2 A and AA) on every page, JavaScript on and off.

Fields are filled by their visible labels (CONTENT.md "Request fields"). Every test here also
fails if a page loads anything from outside the app (see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pytest
from playwright.sync_api import Page, expect

from support.browser import (
    CONFIRM,
    PATHS,
    Q_CRITERIA,
    Q_MULTI,
    Q_SUPERVISION,
    TO_CRITERIA,
    Answer,
    AxeAudit,
    FormPoster,
    answer_values,
    ask_about_the_pdf_now,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    checkboxes,
    continue_button,
    in_sight_below_the_exit_button,
    outcome_hook,
    radio,
)
from support.pages import shown_digest
from support.submission import VALID_DETAILS

# Criteria "stuck" and "debrief": the debrief criterion adds the significant-event page.
STUCK_AND_DEBRIEF = checkboxes(
    Q_CRITERIA,
    "I feel stuck, or unclear about the systems",
    "I want to reflect and debrief after a significant event",
)
TO_ELIGIBLE_WITH_DEBRIEF = (
    *TO_CRITERIA,
    STUCK_AND_DEBRIEF,
    radio(Q_MULTI, "Yes"),
    radio(Q_SUPERVISION, "Yes"),
    CONFIRM,
)
# Not yet talked about in supervision: check your answers also shows the flag and the advice.
TO_ELIGIBLE_NOT_DISCUSSED = tuple(
    radio(Q_SUPERVISION, "No") if step == radio(Q_SUPERVISION, "Yes") else step for step in TO_ELIGIBLE_WITH_DEBRIEF
)

# Looks like a date of birth and a postcode: the identifying-data warning should name them.
IDENTIFYING_REFLECTION = (
    "Agencies disagree about what the family needs after the event. The child (born 14/02/2015) lives near M5 4WT."
)
ORDINARY_REFLECTION = "Agencies see the family's needs differently and I feel stuck about what would help next."


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1, name=text)).to_be_visible()


def check_page(page: Page, axe: AxeAudit | None, where: str) -> None:
    if axe is not None:
        axe.check(page, where)


def to_request(page: Page, steps: Sequence[Answer] = TO_ELIGIBLE_WITH_DEBRIEF) -> None:
    """To the eligible outcome (its answers posted: the journey is walked by mouse and keyboard
    in test_journey_browser.py), then on to the request as a person would."""
    page.goto(FormPoster(page.context).journey(answer_values(steps)))
    expect(outcome_hook(page, "P")).to_have_count(1)
    page.get_by_role("button", name=re.compile(r"^Continue to your request")).click()


def fill_details(page: Page, reflection: str, axe: AxeAudit | None = None, empty_submit_first: bool = False) -> None:
    """Fill every details page by its labels; run axe on each page before continuing."""
    heading(page, "About you")
    check_page(page, axe, "request page 'About you'")
    if empty_submit_first:
        continue_button(page).click()
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
        check_page(page, axe, "request page 'About you' with errors")
    page.get_by_label("Full name").fill("Sam Practitioner")
    page.get_by_label("Job role").fill("Health visitor")
    page.get_by_label("Agency or team").fill("Health visiting, central team")
    page.get_by_label("Work email address").fill("sam.practitioner@nhs.example")
    page.get_by_label("Work telephone number").fill("01632 960 001")
    continue_button(page).click()

    heading(page, "Does your manager or safeguarding lead know you are asking for a session?")
    check_page(page, axe, "request page 'manager'")
    page.get_by_role("radio", name="Yes", exact=True).check()
    continue_button(page).click()

    heading(page, "What would you like to reflect on?")
    check_page(page, axe, "request page 'reflection' (character count)")
    page.get_by_label("What would you like to reflect on?").fill(reflection)
    continue_button(page).click()

    heading(page, "About the child and family")
    check_page(page, axe, "request page 'child and family'")
    page.get_by_role("group", name=re.compile(r"^How old is the child")).get_by_role("radio", name="5 to 10").check()
    page.get_by_role("group", name=re.compile(r"^What is the current level of support")).get_by_role(
        "radio", name="Child in Need"
    ).check()
    page.get_by_role("textbox", name=re.compile(r"^Lead professional.s agency or role")).fill(
        "Social worker, children's services"
    )
    page.get_by_role("textbox", name=re.compile(r"^Other agencies or roles to invite")).fill(
        "School nurse; family support worker"
    )
    continue_button(page).click()

    heading(page, "Does the family know you are seeking reflective support?")
    check_page(page, axe, "request page 'family'")
    page.get_by_role("radio", name="Yes", exact=True).check()
    continue_button(page).click()

    heading(page, "Roughly when was the significant event?")
    check_page(page, axe, "request page 'significant event' (date input)")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill("2025")
    continue_button(page).click()

    heading(page, "How soon would you like a session?")
    check_page(page, axe, "request page 'how soon'")
    page.get_by_role("radio", name="Within a month").check()
    continue_button(page).click()

    heading(page, "Your preferences")
    check_page(page, axe, "request page 'preferences'")
    page.get_by_role("radio", name="Online").check()
    page.get_by_role("textbox", name=re.compile(r"^When are you usually available")).fill("Tuesday mornings")
    continue_button(page).click()


def confirm_identifying_warning(page: Page, axe: AxeAudit | None) -> None:
    heading(page, "Check what you wrote does not identify anyone")
    main = page.get_by_role("main")
    expect(main).to_contain_text("14/02/2015")
    expect(main).to_contain_text("M5 4WT")
    check_page(page, axe, "the identifying-data warning page")
    page.get_by_role("button", name=re.compile(r"^Continue . it does not identify anyone")).click()


def send_from_check_answers(page: Page, axe: AxeAudit | None) -> None:
    heading(page, re.compile(r"^Check your answers", re.I))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Sam Practitioner")
    expect(main).to_contain_text("Within a month")
    expect(main).to_contain_text("Raise this in your own supervision too")
    check_page(page, axe, "check your answers")
    page.get_by_role("button", name="Send request").click()


def submitted_reference(page: Page, axe: AxeAudit | None = None) -> str:
    heading(page, "Request sent")
    reference = page.locator(".app-reference").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9-]+", reference), reference
    assert not set(reference) & set("01OI"), f"reference {reference!r} has a character that is hard to read out"
    check_page(page, axe, "the submitted page")
    return reference


def outbox_left_empty(live_server) -> None:  # type: ignore[no-untyped-def]
    """Before a test that renders its own PDF for real (``real_pdf``): one pass of the outbox worker
    with the stand-in renderer (``support.pdf``), so what earlier tests left to be made on this
    live server (a request whose PDF they never made, a record they made fail) is not rendered
    for real, at WeasyPrint's cost, in this test's pass."""
    from support.pdf import use_fake_renderer
    from support.submission import run_outbox

    with pytest.MonkeyPatch.context() as patch:
        use_fake_renderer(patch)
        run_outbox(live_server.app)


def pdf_made_then_check_again(page: Page, live_server, js: bool = True) -> None:  # type: ignore[no-untyped-def]
    """The outbox worker runs once (making the PDF). With JavaScript the page notices by itself,
    offers the download and says so in its live region (new-user review: the person had to
    select "Check again"); without it, the person follows "Check again for your PDF". (With
    JavaScript, the page's clock was installed before it opened: it is asked to check now.)"""
    from support.submission import run_outbox

    if js:  # a keyboard user on "Check again" is moved to the download link (diff review)
        page.get_by_role("link", name="Check again for your PDF").focus()
    run_outbox(live_server.app)
    if js:
        ask_about_the_pdf_now(page)
        download = page.get_by_role("link", name=re.compile(r"Download your request \(PDF\)"))
        expect(download).to_be_focused()
        expect(page.locator("[data-pdf-list] li").first).to_have_attribute("data-pdf", "made")
        expect(page.locator("[data-pdf-announce]")).to_have_text("Your PDF is ready to download.")
        expect(page.get_by_role("link", name="Check again for your PDF")).to_have_count(0)
        return
    page.get_by_role("link", name="Check again for your PDF").click()
    heading(page, "Request sent")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_request_pages_have_no_axe_violations(browser_page: Callable, js: bool, live_server) -> None:  # type: ignore[no-untyped-def]
    """Every request page, an error page, the identifying-data warning, check your answers and
    submitted: zero axe violations, reached by filling the forms as a person would."""
    page = browser_page(js=js)
    if js:
        page.clock.install()  # the submitted page asks about its PDF when told (ask_about_the_pdf_now)
    audit = AxeAudit()
    to_request(page, TO_ELIGIBLE_NOT_DISCUSSED)
    fill_details(page, IDENTIFYING_REFLECTION, axe=audit, empty_submit_first=True)
    confirm_identifying_warning(page, axe=audit)
    send_from_check_answers(page, axe=audit)
    reference = submitted_reference(page, axe=audit)
    expect(page.get_by_role("main")).to_contain_text("Sam Practitioner")
    expect(page.get_by_role("main")).to_contain_text("Your PDF is being prepared")
    pdf_made_then_check_again(page, live_server, js)
    check_page(page, audit, "the submitted page, with its PDF made")
    expect(page.get_by_role("link", name=re.compile(r"Download your request \(PDF\)"))).to_be_visible()
    assert reference
    # Start now, with the sent request still here: asked first; "Go back to the request" keeps it.
    page.goto(page.url.split("/request/")[0] + "/")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A request was sent from this browser")
    check_page(page, audit, "Start now while a sent request is still shown here")
    page.get_by_role("button", name="Go back to the request").click()
    expect(page.get_by_role("main")).to_contain_text(reference)
    assert len(audit.pages_checked) == 14
    audit.assert_clean()


# The first details pages of a request with nothing in it that could identify anyone: the manager
# does not know, the child and family's page left empty (all optional).
ALEX_MANAGER_FIRST_PAGES = {
    "name": "Alex Manager",
    "job_role": "Team manager",
    "agency": "Early help, west",
    "email": "alex.manager@council.example",
    "phone": "07700 900 982",
    "manager_knows": "no",
    "reflection": ORDINARY_REFLECTION,
}


@pytest.mark.real_pdf
def test_request_without_identifying_data_skips_the_warning_and_downloads_the_pdf(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """From the family's page on, by the labels: its "Not yet" reveals the question why, there is
    no significant-event page (criterion "stuck" only), and check your answers follows the last
    page, with no identifying-data warning; sent, the PDF is made and downloaded. The pages before
    are posted (``FormPoster``): they are filled by their labels in the axe walks above."""
    outbox_left_empty(live_server)
    page.clock.install()  # the submitted page asks about its PDF when told (ask_about_the_pdf_now)
    forms = FormPoster(page.context)
    forms.journey(answer_values(PATHS["P"]))  # criterion "stuck" only: no significant-event page
    forms.details(ALEX_MANAGER_FIRST_PAGES, skip=("family", "significant-event", "how-soon", "preferences"))
    page.goto("/request/family")
    heading(page, "Does the family know you are seeking reflective support?")
    page.get_by_role("radio", name="Not yet").check()
    page.get_by_label("Why does the family not know yet?").fill("We plan to talk with them next week.")
    continue_button(page).click()
    heading(page, "How soon would you like a session?")
    page.get_by_role("radio", name=re.compile(r"^Flexible")).check()
    continue_button(page).click()
    heading(page, "Your preferences")
    continue_button(page).click()

    send_from_check_answers_for(page, "Alex Manager", "flexible")
    reference = submitted_reference(page)
    pdf_made_then_check_again(page, live_server)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Download your request \(PDF\)")).click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert reference


def test_a_pdf_still_not_made_after_two_minutes_is_said_in_the_live_region(page: Page) -> None:
    """Found (accessibility review): when the page's script stopped asking (after 2 minutes, the
    worker slow or stopped), nothing was said: a screen reader user waiting for the download link
    heard nothing more. Now the live region says it is taking longer and what to do."""
    from support.submission import ELIGIBLE_PATH

    forms = FormPoster(page.context)
    forms.journey([(question, [value] if isinstance(value, str) else list(value)) for question, value in ELIGIBLE_PATH])
    forms.details()
    shown = shown_digest(forms.get("/request/check-answers"))
    assert forms.post("/request/submit", [("checked", shown or "")]).endswith("/request/submitted")
    page.clock.install()
    page.goto("/request/submitted")  # the outbox worker does not run here: the PDF is never made
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    announce = page.locator("[data-pdf-announce]")
    with page.expect_response(lambda response: response.url.endswith("/request/submitted/pdf-status")):
        page.clock.fast_forward("00:01")
    expect(announce).to_have_text("")
    # Two minutes on. Not waited for as a response: on a loaded machine the script may not yet have
    # set its next 3-second timer when the clock jumps, and then it says it is taking longer at once,
    # without asking again. Either way the live region must say so.
    page.clock.fast_forward("02:00")
    expect(announce).to_have_text(
        "Your PDF is taking longer than usual. "
        "Your request is stored: select Check again for your PDF in a few minutes."
    )
    expect(page.get_by_role("link", name="Check again for your PDF")).to_be_visible()
    # Printed, the page leaves out what only the screen can do (found, visual review: "Check again
    # for your PDF" and the page removed after 30 minutes printed); the request itself prints.
    page.emulate_media(media="print")
    try:
        for on_screen_only in ('[data-pdf="waiting"]', "[data-copy-kept]", "#your-copy"):
            expect(page.locator(on_screen_only)).to_be_hidden()
        expect(page.get_by_role("main")).to_contain_text(VALID_DETAILS["reflection"])
    finally:
        page.emulate_media(media="null")  # (not "screen": page.pdf() in a later test would print screen styles)


def test_a_supervision_record_taking_long_shows_what_to_do_and_is_still_offered_once_made(
    page: Page, live_server
) -> None:  # type: ignore[no-untyped-def]
    """Found (accessibility review): with JavaScript, after 2 minutes only the live region (visually
    hidden) said the record was taking longer; the page still read "usually takes less than a
    minute", with no page to print instead (the page without JavaScript has one), and the script
    stopped asking, so a record made a minute later was never offered without "Check again"."""
    from support.submission import SUPERVISION_PATH, run_outbox

    outbox_left_empty(live_server)
    page.clock.install()
    ask_for_the_supervision_record(page, SUPERVISION_PATH)
    page.clock.fast_forward("02:05")
    main = page.get_by_role("main")
    expect(main).to_contain_text("it is taking longer than usual")
    expect(main).not_to_contain_text("This usually takes less than a minute")
    expect(page.locator("[data-pdf-instead]").get_by_role("link", name="the outcome page")).to_be_visible()
    run_outbox(live_server.app)  # the worker catches up
    page.clock.fast_forward("00:16")
    expect(page.get_by_role("link", name="Download the supervision record (PDF)")).to_be_visible()
    expect(page.locator("[data-pdf-instead]")).to_have_count(0)  # (regression review: it stayed)


def ask_for_the_supervision_record(page: Page, path: Sequence[tuple[str, str | Sequence[str]]]) -> None:
    """Walk ``path`` (a supervision journey) and ask for its record from the outcome page."""
    forms = FormPoster(page.context)
    page.goto(
        forms.journey([(question, [value] if isinstance(value, str) else list(value)) for question, value in path])
    )
    page.get_by_role("link", name=re.compile("Download a supervision record")).click()
    heading(page, "Your supervision record is being made")


def send_from_check_answers_for(page: Page, name: str, how_soon: str) -> None:
    heading(page, re.compile(r"^Check your answers", re.I))
    main = page.get_by_role("main")
    expect(main).to_contain_text(name)
    expect(main).to_contain_text(re.compile(how_soon, re.I))
    page.get_by_role("button", name="Send request").click()


def test_check_answers_page_reflows_at_320_css_pixels(narrow_page: Page) -> None:
    """Check your answers with every details page filled in (posted: the pages are filled by
    their labels in the tests above, and over HTTP in tests/test_request_flow.py)."""
    from support.submission import VALID_DETAILS

    forms = FormPoster(narrow_page.context)
    forms.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF))
    details = {**VALID_DETAILS, "reflection": ORDINARY_REFLECTION}
    forms.details(details)
    narrow_page.goto("/request/check-answers")
    heading(narrow_page, re.compile(r"^Check your answers", re.I))
    expect(narrow_page.get_by_role("main")).to_contain_text(VALID_DETAILS["name"])
    assert_no_horizontal_scroll(narrow_page)


def test_the_identifying_data_warning_reflows_at_320_css_pixels(narrow_page: Page) -> None:
    """Found (practitioner review): an email address pasted into the request is quoted, in bold,
    on the identifying-data warning, and a long one (a work address with a family's name in it)
    has no space to wrap at: the page scrolled sideways at 320 CSS pixels (WCAG 1.4.10 Reflow).
    The quoted text breaks anywhere instead."""
    forms = FormPoster(narrow_page.context)
    forms.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF))
    pasted = f"{ORDINARY_REFLECTION} The parent wrote from sam.parent-family.contact@salfordfamilies.example.org.uk."
    details = {**VALID_DETAILS, "reflection": pasted}
    forms.details(details)
    narrow_page.goto("/request/check-what-you-wrote")
    heading(narrow_page, "Check what you wrote does not identify anyone")
    expect(narrow_page.get_by_role("main")).to_contain_text("sam.parent-family.contact@salfordfamilies.example.org.uk")
    assert_no_horizontal_scroll(narrow_page)


def test_change_what_i_wrote_puts_the_focus_in_the_text_to_change(any_page: Page) -> None:
    """Found (practitioner review): "Change what I wrote" on the identifying-data warning opened
    the page at its top, leaving the person to find the text again. It links to the input itself
    ("#reflection"): the browser focuses it, with JavaScript on and off, its label in view."""
    page = any_page
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    details = {**VALID_DETAILS, "reflection": IDENTIFYING_REFLECTION}
    poster.details(details)
    # Narrow and short (a phone, or a zoomed-in screen): the textarea is well below the top of the page.
    page.set_viewport_size({"width": 320, "height": 500})
    page.goto("/request/check-what-you-wrote")
    page.get_by_role("link", name=re.compile(r"^Change what I wrote")).click()
    heading(page, "What would you like to reflect on?")
    reflection = page.get_by_label("What would you like to reflect on?")
    expect(reflection).to_be_focused()
    expect(reflection).to_have_value(IDENTIFYING_REFLECTION)
    expect(page.locator("label[for=reflection]")).to_be_in_viewport()


@pytest.mark.parametrize("height", [500, 256], ids=["320x500", "400-percent-zoom"])
def test_change_on_check_your_answers_shows_the_question_of_the_answer_to_change(any_page: Page, height: int) -> None:
    """Found (new-user review): each details row's Change link goes to its input ("#how_soon"),
    which the browser scrolls to the top of the window: for answers in a group (radios) the
    question, the group's legend, was out of sight above them, with JavaScript on and off. The
    legend is now in view, the answer chosen focused (found, accessibility review: the first was,
    "Within 2 weeks" where "Within a month" was chosen, and an arrow key changed the answer)."""
    page = any_page
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    poster.details()
    page.set_viewport_size({"width": 320, "height": height})
    page.goto("/request/check-answers")
    page.get_by_role("link", name=re.compile(r"^Change\s+how soon")).click()
    heading(page, "How soon would you like a session?")
    chosen = page.get_by_role("radio", name="Within a month")
    expect(chosen).to_be_checked()
    expect(chosen).to_be_focused()
    # The answer chosen wholly in view (found, regression review: at 400% zoom, 1280 by 1024 as
    # 320 by 256, it was focused below the window's foot); where there is room, its question too.
    expect(chosen).to_be_in_viewport(ratio=1)
    # Neither under "Exit this page", which sticks to the window's top (regression review: at 400%
    # zoom the question's first line was under it).
    bar = page.locator(".govuk-exit-this-page").bounding_box()
    chosen_box = chosen.bounding_box()
    assert bar is not None and chosen_box is not None
    assert chosen_box["y"] >= bar["y"] + bar["height"] - 1, (chosen_box, bar)
    if height >= 500:
        expect(page.locator("legend")).to_be_in_viewport(ratio=1)
        legend = page.locator("legend").bounding_box()
        assert legend is not None and legend["y"] >= bar["y"] + bar["height"] - 1, (legend, bar)


def test_an_error_summary_link_at_400_percent_zoom_with_text_spaced_out_shows_the_error_s_first_line(
    page: Page,
) -> None:
    """Found (accessibility review, WCAG 1.4.12 at 400% zoom): with text spaced out the manager
    question's error no longer fitted above the focused answer, and its first line ("Select yes if
    your ...") was left under "Exit this page". It is brought out from under it, at least half the
    answer still in the window."""
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    page.set_viewport_size({"width": 320, "height": 256})
    page.goto("/request/manager")
    continue_button(page).click()  # nothing entered
    page.evaluate(
        """() => { for (const element of document.querySelectorAll("body, body *")) {
            element.style.setProperty("line-height", "1.5", "important");
            element.style.setProperty("letter-spacing", "0.12em", "important");
            element.style.setProperty("word-spacing", "0.16em", "important"); }
          for (const paragraph of document.querySelectorAll("p")) {
            paragraph.style.setProperty("margin-bottom", "2em", "important"); } }"""
    )
    page.get_by_role("alert").filter(has_text="There is a problem").get_by_role("link").first.click()
    expect(page.locator(":focus")).to_be_in_viewport(ratio=0.5)  # (WCAG 2.4.11: not hidden; at least half here)
    bar, error = (
        page.locator(".govuk-exit-this-page").bounding_box(),
        page.locator(".govuk-error-message").first.bounding_box(),
    )
    assert bar is not None and error is not None
    assert error["y"] >= bar["y"] + bar["height"] - 1, (error, bar)


@pytest.mark.parametrize(
    "path, shown", [("/request/manager", ".govuk-error-message"), ("/request/reflection", ".govuk-error-message")]
)
def test_an_error_summary_link_at_400_percent_zoom_shows_what_is_wrong_above_the_field(
    page: Page, path: str, shown: str
) -> None:
    """Found (accessibility review): at 320 by 256 CSS pixels (400% zoom), an error summary's link
    focused the field, in view, but its question and its error were under "Exit this page" (which
    sticks to the window's top) or above the window: "Yes" alone showed, or, for the reflection, an
    empty box filling the window."""
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    page.set_viewport_size({"width": 320, "height": 256})
    page.goto(path)
    continue_button(page).click()  # nothing entered
    page.get_by_role("alert").filter(has_text="There is a problem").get_by_role("link").first.click()
    focused = page.locator(":focus")
    expect(focused).to_be_in_viewport()
    # The question where it fits above the field, else (as on both these pages at 400%) the error.
    in_sight_below_the_exit_button(page, page.locator(shown).first)


def test_why_the_family_does_not_know_shows_only_once_not_yet_is_chosen(page: Page) -> None:
    """Found (review): "Why does the family not know yet?" was on screen whatever was chosen. With
    JavaScript it is hidden until "Not yet" is chosen, hidden again for another answer, shown when
    the page comes back with an error or with "Not yet" already chosen; axe finds nothing either
    way. (Without JavaScript it shows under "Not yet": the axe walk, test_request_pages_have_no_axe_violations.)"""
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    poster.details(skip=("family", "significant-event", "how-soon", "preferences"))
    audit = AxeAudit()
    page.goto("/request/family")
    heading(page, "Does the family know you are seeking reflective support?")
    reason = page.get_by_role("textbox", name="Why does the family not know yet?")
    not_yet = page.get_by_role("radio", name="Not yet")
    expect(reason).to_be_hidden()
    page.get_by_role("radio", name="Yes", exact=True).check()
    expect(reason).to_be_hidden()
    not_yet.check()
    expect(reason).to_be_visible()
    check_page(page, audit, "the family page, 'Not yet' chosen")
    page.get_by_role("radio", name="No", exact=True).check()
    expect(reason).to_be_hidden()
    not_yet.check()
    continue_button(page).click()  # no reason given
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(not_yet).to_be_checked()
    expect(reason).to_be_visible()
    check_page(page, audit, "the family page, 'Not yet' with no reason")
    page.get_by_role("link", name="Enter why the family does not know yet").click()
    expect(reason).to_be_focused()
    reason.fill("We plan to talk with them at the next visit.")
    continue_button(page).click()
    heading(page, "Roughly when was the significant event?")
    page.goto("/request/family")  # back to the page, "Not yet" already chosen
    expect(reason).to_be_visible()
    expect(reason).to_have_value("We plan to talk with them at the next visit.")
    audit.assert_clean()


def test_with_the_pages_script_not_loaded_why_the_family_does_not_know_is_shown(page: Page, offsite) -> None:  # type: ignore[no-untyped-def]
    """Found (a slow connection's review): with GOV.UK Frontend's script not loaded (a dropped
    signal, a proxy that blocks scripts), the body was still marked as running it, so its styles
    hid "Why does the family not know yet?" under "Not yet" for good, and Continue gave an error
    about a question no one could see. The page's styles then show it, as without JavaScript."""
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    poster.details(skip=("family", "significant-event", "how-soon", "preferences"))
    page.route("**/govuk-frontend.min.js*", lambda route: route.abort())
    page.goto("/request/family")
    heading(page, "Does the family know you are seeking reflective support?")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(0)
    page.get_by_role("radio", name="Not yet").check()
    reason = page.get_by_role("textbox", name="Why does the family not know yet?")
    expect(reason).to_be_visible()
    reason.fill("We plan to talk with them at the next visit.")
    page.unroute("**/govuk-frontend.min.js*")  # (the next page loads it: no error arrives after the check below)
    continue_button(page).click()
    heading(page, "Roughly when was the significant event?")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    # (The script the test kept from loading is the one console error expected.)
    assert offsite.console_errors and all("Failed to load" in e or "net::" in e for e in offsite.console_errors)
    offsite.console_errors.clear()


def test_continue_with_no_connection_keeps_the_page_and_what_was_typed(page: Page) -> None:
    """Found (a slow connection's review): Continue pressed with no signal put the browser's
    error page where the page was; Back then skipped the page, and the reflection typed on it was
    lost. Nothing is sent: the page stays, with what was typed, and says so; sent again once the
    signal is back, it goes."""
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    page.goto("/request/reflection")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    page.get_by_role("textbox").first.fill(ORDINARY_REFLECTION)
    address = page.url
    page.context.set_offline(True)
    continue_button(page).click()
    offline = page.get_by_role("heading", name="You are offline")
    expect(offline).to_be_visible()
    expect(page.get_by_text("Nothing has been sent. What you chose and typed is still on this page.")).to_be_visible()
    assert page.url == address
    expect(page.get_by_role("textbox").first).to_have_value(ORDINARY_REFLECTION)
    page.context.set_offline(False)
    expect(offline).to_be_hidden()
    page.wait_for_timeout(1100)  # (GOV.UK Frontend's button takes no second click within a second)
    continue_button(page).click()
    expect(page).not_to_have_url(address)
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("reflection", re.IGNORECASE))


def test_the_signal_back_moves_the_focus_from_the_offline_message_to_the_button(page: Page) -> None:
    """Found (screen reader review, WCAG 2.4.3): the "You are offline" message takes the focus, and
    was taken away when the signal came back, with the focus in it: the focus fell to the page's
    body, and a screen reader said nothing. It goes to the button pressed, to be pressed again."""
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    page.goto("/request/reflection")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    page.get_by_role("textbox").first.fill(ORDINARY_REFLECTION)
    page.context.set_offline(True)
    continue_button(page).focus()
    page.keyboard.press("Enter")
    offline = page.locator("[data-app-offline]")
    expect(offline).to_be_focused()
    page.context.set_offline(False)
    expect(offline).to_have_count(0)
    expect(continue_button(page)).to_be_focused()


def test_a_browser_that_wrongly_says_it_is_offline_sends_the_form_when_pressed_again(page: Page) -> None:
    """Found (regression review): some browsers say they are offline when they are not (behind
    some VPNs), and would never have sent a form. Pressed again, the form goes."""
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    wrong = page.context.new_page()  # (its own page: the kept one must not keep the script below)
    wrong.add_init_script("Object.defineProperty(Navigator.prototype, 'onLine', { get: () => false })")
    wrong.goto("/request/reflection")
    expect(wrong.locator("body.govuk-frontend-supported")).to_have_count(1)
    wrong.get_by_role("textbox").first.fill(ORDINARY_REFLECTION)
    continue_button(wrong).click()
    expect(wrong.get_by_role("heading", name="You are offline")).to_be_visible()
    wrong.wait_for_timeout(1100)  # (GOV.UK Frontend's button takes no second click within a second)
    continue_button(wrong).click()
    expect(wrong).not_to_have_url(re.compile(r"/request/reflection$"))


@pytest.mark.real_pdf
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_supervision_record_is_made_by_the_worker_then_downloaded(
    browser_page: Callable, js: bool, live_server
) -> None:  # type: ignore[no-untyped-def]
    """The outcome's link asks for the record; its page says it is being made. With JavaScript
    the page notices the outbox worker has made it, offers the download and says so in its live
    region (a keyboard user on "Check again" is moved to the link); without, "Check again" does.
    Both pages: zero axe violations."""
    from support.submission import SUPERVISION_PATH, run_outbox

    outbox_left_empty(live_server)
    page = browser_page(js=js)
    if js:
        page.clock.install()  # the record's page asks about it when told (ask_about_the_pdf_now)
    audit = AxeAudit()
    ask_for_the_supervision_record(page, SUPERVISION_PATH)
    check_page(page, audit, "the supervision record being made")
    if js:
        page.get_by_role("link", name="Check again for the supervision record").focus()
    run_outbox(live_server.app)
    download = page.get_by_role("link", name="Download the supervision record (PDF)")
    if js:
        ask_about_the_pdf_now(page)
        expect(download).to_be_focused()
        expect(page.locator("[data-pdf-announce]")).to_have_text("The supervision record is ready to download.")
    else:
        page.get_by_role("link", name="Check again for the supervision record").click()
    # With JavaScript too, the heading and the window's title say it is ready, not "being made"
    # above the download link (new-user review).
    heading(page, "Your supervision record is ready")
    expect(page).to_have_title(re.compile(r"^Your supervision record is ready – "))
    # What a PDF is, still said once the "being made" text that said it has gone.
    expect(page.get_by_role("main")).to_contain_text("PDF (portable document format)")
    check_page(page, audit, "the supervision record made")
    with page.expect_download() as download_info:
        download.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    # Found (supervision review): once the record had gone (its time up, the page kept open), the link
    # saved the page sent in its place as a file, "supervision-record.html", the page still saying the
    # record was ready. The link now opens that page, which asks for the record again.
    from sqlalchemy import delete

    from app.extensions import db
    from app.models import SupervisionRecord

    with live_server.app.app_context():
        db.session.execute(delete(SupervisionRecord))
        db.session.commit()
    downloads: list[object] = []
    page.on("download", lambda started: downloads.append(started))
    download.click()
    heading(page, "Your supervision record is being made")
    expect(page).to_have_url(re.compile(r"/request/supervision-record$"))
    assert downloads == []
    audit.assert_clean()


def test_a_supervision_record_the_worker_cannot_make_is_said_with_javascript(
    page: Page, live_server, monkeypatch
) -> None:  # type: ignore[no-untyped-def]  # the conftest's fixtures, untyped
    """With JavaScript, a record the outbox worker could not make is said on the page and in the
    live region, with a link to ask again (a keyboard user on "Check again" is moved to it),
    rather than "being made" for ever."""
    from app import supervision_record as record
    from support.submission import SUPERVISION_PATH, run_outbox

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("renderer missing")

    forms = FormPoster(page.context)
    answers = [(question, [value] if isinstance(value, str) else list(value)) for question, value in SUPERVISION_PATH]
    forms.journey(answers)
    page.clock.install()  # the record's page asks about it when told (ask_about_the_pdf_now)
    page.goto("/request/supervision-record")
    heading(page, "Your supervision record is being made")
    page.get_by_role("link", name="Check again for the supervision record").focus()
    monkeypatch.setattr(record, "render_pdf", broken)
    run_outbox(live_server.app)
    ask_about_the_pdf_now(page)
    again = page.get_by_role("link", name="Try again")
    expect(again).to_be_focused()
    expect(page.locator("[data-pdf-announce]")).to_have_text("The supervision record could not be made just now.")
    # And the page to print meanwhile, as without JavaScript (found, operations review).
    instead = page.locator("[data-pdf-instead]")
    expect(instead).to_have_count(1)
    expect(instead).to_contain_text("If you need it now, print the outcome page instead")
    expect(instead.get_by_role("link", name="the outcome page")).to_have_attribute("href", "/result")
    # The heading says so too, as the page loaded again would, not "being made" (new-user review).
    heading(page, "The supervision record could not be made just now")
    expect(page).to_have_title(re.compile(r"^The supervision record could not be made just now – "))
    monkeypatch.undo()
    again.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your supervision record is being made")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_back_on_a_details_page_keeps_what_was_typed(browser_page, js: bool) -> None:  # type: ignore[no-untyped-def]
    """Found (practitioner review): Back on a request's page was a link, and what was typed on the
    page was lost when it was followed, with or without JavaScript. Back sends the page's form now,
    in a navigation landmark as every Back is, and looks and is reached as GOV.UK's back link."""
    page: Page = browser_page(js=js)
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    poster.details()
    page.goto("/request/reflection")
    page.get_by_role("textbox").first.fill(ORDINARY_REFLECTION)
    back = page.get_by_role("navigation", name="Back").get_by_role("button", name="Back")
    expect(back).to_have_css("text-decoration-line", "underline")
    expect(back).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    back.click()
    expect(page).to_have_url(re.compile(r"/request/manager$"))
    continue_button(page).click()
    expect(page).to_have_url(re.compile(r"/request/reflection$"))
    expect(page.get_by_role("textbox").first).to_have_value(ORDINARY_REFLECTION)
    assert_no_axe_violations(page, "a details page with its Back button")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_enter_in_a_field_of_a_details_page_continues(browser_page, js: bool) -> None:  # type: ignore[no-untyped-def]
    """Found (regression review): with Back a button of the page's form, first in the page, Enter in
    a field (or a phone keyboard's Go) went back a page: a form's first button is the one Enter
    presses. It continues, as on every other page."""
    page: Page = browser_page(js=js)
    poster = FormPoster(page.context)
    poster.get(poster.journey(answer_values(TO_ELIGIBLE_WITH_DEBRIEF)))
    poster.details()
    page.goto("/request/about-you")
    page.get_by_role("textbox").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/request/manager$"))


def test_immediate_danger_answered_in_another_tab_after_sending_shows_999_on_the_sent_page(any_page: Page) -> None:
    """Found (two tabs in a real browser, 92 trials in 245): "Is a child in immediate danger?"
    answered "Yes" in a second tab just after the first tab's Send request went through was dropped
    without a word, on a page saying "A request was sent from this browser". Now that tab shows the
    sent request's page, with the change not saved and what the check would have said, 999 first, as
    a link, on every view; with and without JavaScript."""
    forms = FormPoster(any_page.context)
    forms.journey(answer_values(PATHS["P"]))
    forms.details()
    other = any_page.context.new_page()
    other.goto("/questions/immediate_danger")  # the question open in a second tab
    expect(other.get_by_role("radio", name="Yes", exact=True)).to_be_visible()
    any_page.goto("/request/check-answers")
    any_page.get_by_role("button", name="Send request").click()
    heading(any_page, "Request sent")
    other.get_by_role("radio", name="Yes", exact=True).check()
    continue_button(other).click()
    for _ in range(2):  # and again on reload
        heading(other, "Request sent")
        banner = other.locator(".govuk-notification-banner").filter(has_text="With the changed answer")
        expect(banner).to_contain_text("An answer was changed in this browser as this request was sent, or after.")
        expect(banner).to_contain_text("Call 999 and contact children's social care now")
        expect(banner.locator('a[href^="tel:"]').first).to_have_attribute("href", "tel:999")
        other.reload()
    other.close()
