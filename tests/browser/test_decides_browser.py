""" "How this tool decides" and "Questions to prepare" in a real browser: axe-core finds nothing,
the diagram loads from our own origin under the Content Security Policy, and the pages reflow.

Every test here also fails if a page loads anything from outside the app, the app answers
4xx or 5xx (the diagram included), or the page logs a console error such as a CSP block
(see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from support.browser import assert_no_axe_violations, assert_no_horizontal_scroll


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
