"""axe-core as these tests run it (support/browser.py) finds what it should, with JavaScript on
and off: a page with known faults fails, and the page after it, clean, passes.

With JavaScript off, axe-core checks the page's HTML written into a warm JavaScript-on page
(it cannot run where scripts are off): the fault below that only the partnership's stylesheet
makes (dark text on the brand-coloured header) shows the stylesheet is applied there too.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from support.browser import AXE_PATH, axe_violations

FAULTY_PATH = "/__tests__/faulty-page"
FAULTY_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><title>A page with faults</title><link rel="stylesheet" href="/static/dist/app.css"></head>
<body class="govuk-template__body">
  <header class="app-generic-header">
    <p id="dark-on-brand" style="color: #0b0c0c">Dark text on the brand colour</p>
  </header>
  <main><h1>A page with faults</h1><img id="no-alt" src="/static/favicon.svg"></main>
</body>
</html>"""


def rule_targets(violations: list[dict]) -> dict[str, list[str]]:
    return {
        v["id"]: [" ".join(node.get("target", [])) or node.get("html", "") for node in v["nodes"]] for v in violations
    }


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_axe_reports_a_faulty_page_then_passes_a_clean_one(browser_page, live_server, js: bool) -> None:  # type: ignore[no-untyped-def]
    page: Page = browser_page(js=js)

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=FAULTY_PAGE)

    page.route(live_server.url + FAULTY_PATH, serve)
    page.goto(FAULTY_PATH)
    found = rule_targets(axe_violations(page))
    assert any("no-alt" in target for target in found.get("image-alt", [])), found
    assert any("dark-on-brand" in target for target in found.get("color-contrast", [])), found

    page.goto("/accessibility")
    expect(page.get_by_role("heading", level=1, name=re.compile("Accessibility"))).to_be_visible()
    assert axe_violations(page) == []


CHOICE_PATH = "/__tests__/a-box-shown-by-a-choice"
CHOICE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><title>A box shown by a choice</title><link rel="stylesheet" href="/static/dist/app.css">
<style>#unlabelled { display: none } #show:checked ~ #unlabelled { display: block }</style></head>
<body class="govuk-template__body">
  <main><h1>A box shown by a choice</h1>
    <form><input type="radio" id="show" name="choice" aria-label="Show the box">
      <input id="unlabelled" type="text"></form>
  </main>
</body>
</html>"""


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_axe_checks_the_page_as_the_person_left_it_with_a_box_their_choice_shows(
    browser_page, live_server, js: bool
) -> None:  # type: ignore[no-untyped-def]
    """A box the stylesheet shows only once a radio is ticked (as the inbox's status follow-up
    fields are, with JavaScript off) is checked once it is shown: with JavaScript off too, where
    axe-core checks a copy of the page, which must carry the tick."""
    page: Page = browser_page(js=js)

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=CHOICE_PAGE)

    page.route(live_server.url + CHOICE_PATH, serve)
    page.goto(CHOICE_PATH)
    assert "label" not in rule_targets(axe_violations(page))  # hidden, so not yet read out
    page.check("#show")
    expect(page.locator("#unlabelled")).to_be_visible()
    found = rule_targets(axe_violations(page))
    assert any("unlabelled" in target for target in found.get("label", [])), found


@pytest.mark.parametrize("path", ["/cookies", "/start"])
def test_everything_on_a_page_with_a_back_link_is_in_a_landmark(browser_page, path: str) -> None:  # type: ignore[no-untyped-def]
    """Found (practitioner review): axe's "region" check (a best practice beyond WCAG's A and AA,
    which the other checks run) named the back link, outside every landmark, on each page that
    has one. It is in a navigation landmark named "Back" now."""
    page: Page = browser_page()
    page.goto(path)
    expect(page.get_by_role("navigation", name="Back").get_by_role("link", name="Back")).to_be_visible()
    page.add_script_tag(url=AXE_PATH)
    found = page.evaluate("() => axe.run({runOnly: {type: 'rule', values: ['region']}}).then(r => r.violations)")
    assert found == [], rule_targets(found)
