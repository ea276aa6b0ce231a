""" "How this tool decides" and "Questions to prepare" in a real browser: axe-core finds nothing,
the diagram loads from our own origin under the Content Security Policy, and the pages reflow.

Every test here also fails if a page loads anything from outside the app, the app answers
4xx or 5xx (the diagram included), or the page logs a console error such as a CSP block
(see conftest.py).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from support.browser import ask_about_the_pdf_now, assert_no_axe_violations, assert_no_horizontal_scroll


def test_how_it_decides_page_has_no_axe_violations_and_draws_the_diagram(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="How this tool decides").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How this tool decides")
    diagram = page.locator("img.app-decision-diagram__image")
    expect(diagram).to_be_visible()
    # The image really decoded (an SVG blocked or broken by the CSP has no natural width).
    assert diagram.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.get_by_role("table")).to_be_visible()
    assert_no_axe_violations(page, "the how this tool decides page")


def test_how_it_decides_page_has_no_axe_violations_without_javascript(page_no_js: Page) -> None:
    page_no_js.goto("/how-it-decides")
    assert_no_axe_violations(page_no_js, "the how this tool decides page (JavaScript off)")


@pytest.mark.parametrize("mode", ["myself", "supervision"])
def test_questions_to_prepare_page_has_no_axe_violations(page: Page, mode: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="read the questions before you start").click()
    if mode == "supervision":
        page.get_by_role("link", name="see the wording for a manager or supervisor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Questions to prepare")
    assert_no_axe_violations(page, f"the questions to prepare page ({mode})")


@pytest.mark.parametrize("path", ["/how-it-decides", "/questions-to-prepare"])
def test_new_pages_reflow_at_320_css_pixels(narrow_page: Page, path: str) -> None:
    narrow_page.goto(path)
    assert_no_horizontal_scroll(narrow_page)


@pytest.mark.parametrize(
    "path, table, first_row",
    [
        ("/how-it-decides", "table.app-routes", ["Route: 1", "Answers, in order:", "Outcome: U1:"]),
        ("/cookies", "table.app-table--wraps", ["Name: space_to_think_session", "Purpose: Remembers", "Expires: When"]),
    ],
)
def test_wide_tables_become_labelled_lines_at_320_css_pixels(
    narrow_page: Page, path: str, table: str, first_row: list[str]
) -> None:
    """Found (WCAG 2.2 review): at 320 CSS pixels the routes' and the cookies' columns were let wrap
    anywhere, so narrow that "space_to_think_session" ran down the page two letters a line and the
    "Route" heading one. Each row is now a block of labelled lines, each as wide as the table; the
    headings are still there for a screen reader, out of sight."""
    narrow_page.goto(path)
    assert_no_horizontal_scroll(narrow_page)
    shown = narrow_page.locator(table)
    widths = shown.evaluate(
        """table => [table.getBoundingClientRect().width,
            ...[...table.querySelectorAll("tbody th, tbody td")].map(cell => cell.getBoundingClientRect().width)]"""
    )
    assert min(widths[1:]) >= 0.95 * widths[0], widths
    cells = shown.locator("tbody tr").first.locator("th, td")
    read = [
        " ".join(text.split())
        for text in cells.evaluate_all(
            """cells => cells.map(
                cell => getComputedStyle(cell, '::before').content.replace(/^"|"$/g, '') + cell.innerText)"""
        )
    ]
    assert [text[: len(start)] for text, start in zip(read, first_row, strict=True)] == first_row, read
    expect(shown.locator("thead th").first).to_be_attached()
    narrow_page.set_viewport_size({"width": 1024, "height": 768})  # a desktop: the table as it was
    assert shown.locator("thead").evaluate("head => head.getBoundingClientRect().height") > 10


def forget_questions_pdfs(app) -> None:  # type: ignore[no-untyped-def]
    """Delete the questions' PDFs made so far (the live server's database outlives a test)."""
    from app.extensions import db
    from app.models import QuestionsPdf

    with app.app_context():
        db.session.execute(sa.delete(QuestionsPdf))
        db.session.commit()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_questions_pdf_is_made_by_the_worker_then_downloaded(browser_page, js: bool, live_server) -> None:  # type: ignore[no-untyped-def]  # the conftest's fixtures, untyped
    """Until the outbox worker has made it, the questions' PDF address says it is being made. With
    JavaScript the page notices it has been made, offers the download and says so in its live
    region (a keyboard user on "Check again" is moved to the link); without, "Check again"
    downloads it. The "being made" page: zero axe violations."""
    from support.submission import run_outbox

    forget_questions_pdfs(live_server.app)
    page = browser_page(js=js)
    if js:
        page.clock.install()  # the page asks about its PDF when told (ask_about_the_pdf_now)
    page.goto("/questions-to-prepare.pdf?mode=supervision")
    expect(page.get_by_role("heading", level=1)).to_have_text("The questions to prepare are being made")
    assert_no_axe_violations(page, f"the questions PDF being made (JavaScript {'on' if js else 'off'})")
    check_again = page.get_by_role("link", name="Check again for the PDF")
    if js:
        check_again.focus()
    run_outbox(live_server.app)
    if js:
        ask_about_the_pdf_now(page)
        download = page.get_by_role("link", name="Download the questions to prepare (PDF)")
        expect(download).to_be_focused()
        expect(page.locator("[data-pdf-announce]")).to_have_text("The questions to prepare are ready to download.")
        # The heading and the window's title no longer say "being made" above the download link.
        expect(page.get_by_role("heading", level=1)).to_have_text("The questions to prepare are ready")
        expect(page).to_have_title(re.compile(r"^The questions to prepare are ready – "))
        # What a PDF is, still said once the "being made" text that said it has gone.
        expect(page.get_by_role("main")).to_contain_text("PDF (portable document format)")
    else:
        download = check_again
    with page.expect_download() as download_info:
        download.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_questions_pdf_the_worker_cannot_make_is_said_with_javascript(page: Page, live_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # the conftest's fixtures, untyped
    """With JavaScript, a PDF the outbox worker could not make is said on the page and in the live
    region, with a link to the page of questions to print, rather than "being made" for ever."""
    from app import questions_pdf
    from support.submission import run_outbox

    def broken(mode: str) -> bytes:
        raise OSError("renderer missing")

    forget_questions_pdfs(live_server.app)
    page.clock.install()  # the page asks about its PDF when told (ask_about_the_pdf_now)
    page.goto("/questions-to-prepare.pdf")
    page.get_by_role("link", name="Check again for the PDF").focus()
    monkeypatch.setattr(questions_pdf, "render_questions", broken)
    run_outbox(live_server.app)
    ask_about_the_pdf_now(page)
    instead = page.get_by_role("link", name="Print the questions from their page instead")
    expect(instead).to_be_focused()
    expect(page.locator("[data-pdf-announce]")).to_have_text("The questions to prepare could not be made just now.")
    expect(page.get_by_role("heading", level=1)).to_have_text("The questions to prepare could not be made just now")
    instead.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Questions to prepare")
