"""The statistics in a real browser, as a read-only partnership account sees them: signing in
lands there, the tables and bar charts show with small numbers hidden, zero axe violations
(WCAG 2.2 A and AA) with JavaScript on and off, and at 320 CSS pixels the wide tables scroll
inside their own region rather than the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from support.browser import assert_focus_visible, assert_no_axe_violations, assert_no_horizontal_scroll, tab_until

EMAIL = "chair.browser@partnership.example"
PASSWORD = "amber heron quietly folding"


@pytest.fixture(scope="module")
def partnership_account(live_server) -> str:  # type: ignore[no-untyped-def]
    """A partnership account (its password hashed cheaply, as the function-scoped
    ``cheap_password_hashes`` does for a test's own accounts: it is not yet in place for a module's
    fixture), and counts (some small) for the last two months of the latest quarter that is over
    (the page shows only quarters that are over), and one before it (so counting began before it)."""
    from app.extensions import db
    from app.inbox import service
    from app.stats.service import add_count
    from support.passwords import cheap_password_hash

    first, last, now = shown_months()
    with pytest.MonkeyPatch.context() as patch, live_server.app.app_context():
        patch.setattr(service, "generate_password_hash", cheap_password_hash)
        if service.find_facilitator(EMAIL) is None:
            service.add_facilitator(EMAIL, "Chair of the Partnership", PASSWORD, "partnership")
            # Other browser tests reach outcomes on the same server, so the rows checked here are
            # outcomes no longer in the rule pack, which only this fixture counts.
            for kind, subject, month, times in (
                ("started", "", first, 6),
                ("started", "", last, 12),
                ("outcome", "RETIRED1", now, 2),
                ("outcome", "RETIRED2", last, 11),
                ("outcome", "RETIRED3", last, 30),
                ("outcome", "RETIRED3", now, 30),
            ):
                for _ in range(times):
                    add_count(kind, "practitioner", (subject,), month=month)
            db.session.commit()
    return EMAIL


def shown_months() -> tuple[str, ...]:
    """The months of the quarter the page shows: the latest that is over."""
    from app.stats.service import latest_complete_quarter, quarter_months

    return quarter_months(latest_complete_quarter())


def sign_in(page: Page) -> None:
    page.goto("/inbox/sign-in")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Statistics")).to_be_visible()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_statistics_page_has_no_axe_violations(browser_page, partnership_account: str, js: bool) -> None:  # type: ignore[no-untyped-def]
    page = browser_page(js=js)
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/inbox/statistics$"))
    expect(page.get_by_role("link", name="Requests", exact=True)).to_have_count(0)  # read-only: no inbox
    outcomes = page.get_by_role("table", name=re.compile(r"^Outcomes reached"))
    expect(outcomes).to_be_visible()
    _, last_month, newest = shown_months()
    expect(outcomes.locator(f'[data-row="RETIRED1"] [data-count="{newest}"]')).to_have_text("hidden")
    # Its total (2) is hidden too, and so is another total of that column, so the 2 cannot be worked out.
    expect(outcomes.locator('[data-row="RETIRED1"] [data-count="total"]')).to_have_text("hidden")
    # Large counts are shown as numbers: last month's outcomes, which only this fixture counts
    # (11 and 30), add up to 41. (Each row's cells and totals can be hidden: what they hide depends
    # on the bounds between tables. Two hidden cells with a total shown cannot be worked out one
    # from the other.)
    all_outcomes = outcomes.get_by_role("row", name=re.compile(r"^All outcomes reached"))
    expect(all_outcomes.locator(f'[data-count="{last_month}"]')).to_have_text(re.compile(r"^\s*41\s*$"))
    # One chart per table: journeys, outcomes and criteria always; feedback scores once any are counted.
    tables = page.locator("section[data-table]")
    assert tables.count() >= 3
    expect(page.locator("[data-chart]")).to_have_count(tables.count())
    expect(page.locator("[data-chart]").first).to_have_attribute("aria-hidden", "true")
    expect(page.locator("[data-hidden-marker]").first).to_be_attached()
    from app.stats.service import latest_complete_quarter

    expect(page.get_by_role("link", name=re.compile(r"Download these tables"))).to_have_attribute(
        "href", f"/inbox/statistics.csv?quarter={latest_complete_quarter()}"
    )
    assert_no_axe_violations(page, f"the statistics page (JavaScript {'on' if js else 'off'})")


def test_statistics_tables_scroll_in_their_own_region_on_a_narrow_screen(
    narrow_page: Page, partnership_account: str
) -> None:
    sign_in(narrow_page)
    region = narrow_page.get_by_role("region", name=re.compile(r"^Checks and requests, by month"))
    expect(region).to_be_visible()
    assert_no_horizontal_scroll(narrow_page)
    tab_until(narrow_page, region, max_presses=60)  # a keyboard user can reach it, to scroll it
    assert_focus_visible(narrow_page)
    # Scrolled to its far end, each row still says what it counts (found, review at 400% zoom: only
    # numbers were left in view).
    region.evaluate("element => { element.scrollLeft = element.scrollWidth }")
    assert region.evaluate("element => element.scrollLeft") > 0
    box = region.bounding_box()
    label = region.locator("tbody th").first.bounding_box()
    assert box is not None and label is not None
    assert abs(label["x"] - box["x"]) <= 2, "the row labels scrolled out of sight with the table"
    assert_no_axe_violations(narrow_page, "the statistics page at 320 CSS pixels")


def test_statistics_charts_take_the_themes_text_colour_in_high_contrast(browser_page, partnership_account: str) -> None:  # type: ignore[no-untyped-def]
    """Found (accessibility review): with forced colours and a dark theme (Windows' high contrast),
    each bar's number, drawn near-black, could not be seen on the black page, and the bars and the
    hidden count's marker were faint. They take the theme's text colour, as the page's text does."""
    page: Page = browser_page(js=False)
    page.emulate_media(forced_colors="active", color_scheme="dark")
    try:
        sign_in(page)
        expect(page.locator("[data-chart]").first).to_be_visible()
        colours = page.evaluate(
            """() => ({
                text: getComputedStyle(document.querySelector('main p')).color,
                numbers: [...document.querySelectorAll('[data-chart] text')].map(e => getComputedStyle(e).fill),
                bars: [...document.querySelectorAll('[data-chart] rect[data-bar]')].map(e => getComputedStyle(e).fill),
                markers: [...document.querySelectorAll('[data-hidden-marker]')].map(e => getComputedStyle(e).stroke),
            })"""
        )
    finally:
        page.emulate_media(forced_colors="none", color_scheme="light")
    assert colours["numbers"] and colours["bars"] and colours["markers"], colours
    assert {*colours["numbers"], *colours["bars"], *colours["markers"]} == {colours["text"]}, colours


def test_statistics_charts_and_tables_are_readable_on_a_phone(narrow_page: Page, partnership_account: str) -> None:
    """Found (accessibility review): at 320 CSS pixels each chart, drawn 640 units wide and
    shrunk to fit, had labels and numbers about 7 pixels high (WCAG 1.4.4 and 1.4.10), and each
    table opened on the oldest month, its totals out of sight. Now every word of a chart is at
    least 12 pixels high, nothing but the tables' own regions scrolls sideways, and each table
    shows its totals and its newest month without scrolling."""
    sign_in(narrow_page)
    charts = narrow_page.locator("[data-chart]")
    expect(charts.first).to_be_visible()
    sizes = narrow_page.evaluate(
        """() => [...document.querySelectorAll('[data-chart]')].flatMap(chart =>
            [...chart.querySelectorAll('text, [data-chart-label]')].map(e => ({
                text: e.textContent.trim(),
                height: parseFloat(getComputedStyle(e).fontSize) * (e.getScreenCTM ? e.getScreenCTM().a : 1),
                right: e.getBoundingClientRect().right,
                chartRight: chart.getBoundingClientRect().right,
            })))"""
    )
    assert sizes, "no chart text found"
    small = [f"{s['text']!r}: {s['height']:.1f} px" for s in sizes if s["height"] < 12]
    assert not small, "chart text smaller than 12 pixels at 320 pixels wide:\n  " + "\n  ".join(small)
    cut_off = [s["text"] for s in sizes if s["right"] > s["chartRight"] + 0.5]
    assert not cut_off, f"chart text past the chart's edge: {cut_off}"
    assert_no_horizontal_scroll(narrow_page)
    # Each table's totals and its newest month are in view as it opens, inside its scrolling region.
    this_month = shown_months()[-1]
    region = narrow_page.get_by_role("region", name=re.compile(r"^Outcomes reached, by month"))
    region.scroll_into_view_if_needed()
    box = region.bounding_box()
    assert box is not None
    for cell in (
        region.locator('[data-row="RETIRED3"] [data-count="total"]'),
        region.locator(f'[data-row="RETIRED3"] [data-count="{this_month}"]'),
    ):
        cell_box = cell.bounding_box()
        assert cell_box is not None
        assert cell_box["x"] + cell_box["width"] <= box["x"] + box["width"] + 0.5, (
            f"{cell.get_attribute('data-count')} is out of sight until the table is scrolled"
        )


def test_statistics_tables_print_whole(browser_page, partnership_account: str) -> None:  # type: ignore[no-untyped-def]
    """Found (b140, F4): printed, each table stopped at the paper's edge (its scrolling region cut it
    off), losing the oldest months with no sign. In print the region does not scroll or cut anything."""
    page: Page = browser_page(js=False)
    sign_in(page)
    page.emulate_media(media="print")
    try:
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('.app-table-scroll')].map(e => getComputedStyle(e).overflowX)"
        )
    finally:
        page.emulate_media(media="screen")
    assert overflow and set(overflow) == {"visible"}, overflow
