"""A partnership's logo in the header (``logo`` in its partnership file), in a real browser:
beside the name, the name still text, the image drawn at the header's size, and no
accessibility faults axe-core can find, with JavaScript on and off.

The live server runs Salford's data, which has no logo: the example partnership's start page
(examples/northmere/, which has one) is rendered by an app of its own and served to the
browser at a path of the live server, so the page's own stylesheet and scripts come from the
live server as on any page. Its logo is written into the page as a data: address (the page is
served without the app's policy, which would refuse one): with JavaScript off, axe-core checks
the page's HTML in another page, where a route for /logo.svg would not reach.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, Route, expect

from app import create_app
from support.browser import axe_violations
from support.database import database_settings, dispose

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "northmere"
PAGE_PATH = "/__tests__/northmere-start"
ALT = "Northmere emblem: a star over two waves"
NAME = "Northmere Safeguarding Partnership"


@pytest.fixture(scope="module")
def northmere(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with database_settings(request, "sqlite", tmp_path_factory.mktemp("northmere")) as settings:
        app = create_app(
            {
                "APP_ENV": "test",
                **settings,
                "RULE_PACK_PATH": str(EXAMPLE / "space_to_think.yaml"),
                "CONTACTS_PATH": str(EXAMPLE / "contacts.yaml"),
                "PARTNERSHIP_PATH": str(EXAMPLE / "partnership.yaml"),
            }
        )
        yield app
        dispose(app)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_logo_stands_beside_the_name_and_the_header_passes_axe(  # type: ignore[no-untyped-def]
    browser_page, live_server, northmere: Flask, js: bool
) -> None:
    start = northmere.test_client().get("/")
    html = start.get_data(as_text=True)
    logo_data = base64.b64encode((EXAMPLE / "logo.svg").read_bytes()).decode()
    src = next(part for part in html.split('"') if part.startswith("/logo.svg?v="))
    html = html.replace(f'src="{src}"', f'src="data:image/svg+xml;base64,{logo_data}"')
    assert 'class="app-header__logo" src="data:image/svg+xml;base64,' in html
    page: Page = browser_page(js=js)

    def serve_page(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(live_server.url + PAGE_PATH, serve_page)
    page.goto(PAGE_PATH)

    link = page.locator(".govuk-generic-header__homepage-link")
    expect(link).to_have_accessible_name(f"{ALT} {NAME}")
    logo = link.get_by_role("img", name=ALT)
    expect(logo).to_be_visible()
    expect(link.locator(".app-header__partnership")).to_have_text(NAME)
    drawn = logo.evaluate("image => [image.complete, image.naturalWidth, image.getBoundingClientRect().height]")
    assert drawn[0] and drawn[1] > 0 and 30 <= drawn[2] <= 42, drawn  # loaded, and the header's size
    assert logo.evaluate("image => getComputedStyle(image).marginRight") == "15px"  # a gap before the name
    logo_box, name_box = logo.bounding_box(), link.locator(".app-header__partnership").bounding_box()
    assert logo_box is not None and name_box is not None
    assert logo_box["x"] + logo_box["width"] <= name_box["x"]  # before the name, on the same line
    assert abs((logo_box["y"] + logo_box["height"] / 2) - (name_box["y"] + name_box["height"] / 2)) < 8
    assert axe_violations(page) == []


def test_in_high_contrast_the_logo_keeps_the_brand_colour_it_was_made_to_read_on(  # type: ignore[no-untyped-def]
    browser_page, live_server, northmere: Flask
) -> None:
    """Forced colours make the header the theme's background (white, in a light theme): the
    example's white logo vanished on it, leaving only its name."""
    html = northmere.test_client().get("/").get_data(as_text=True)
    logo_data = base64.b64encode((EXAMPLE / "logo.svg").read_bytes()).decode()
    src = next(part for part in html.split('"') if part.startswith("/logo.svg?v="))
    html = html.replace(f'src="{src}"', f'src="data:image/svg+xml;base64,{logo_data}"')
    page: Page = browser_page(js=False)

    def serve_page(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(live_server.url + PAGE_PATH, serve_page)
    page.emulate_media(forced_colors="active")
    try:
        page.goto(PAGE_PATH)
        logo = page.locator(".app-header__logo")
        expect(logo).to_be_visible()
        behind = logo.evaluate("image => getComputedStyle(image).backgroundColor")
        header = page.locator(".app-header").evaluate("header => getComputedStyle(header).backgroundColor")
    finally:
        page.emulate_media(forced_colors="none")
    assert behind == "rgb(90, 42, 110)", behind  # the example's brand colour, #5a2a6e
    assert header != behind  # the theme's background, which the white logo could not be seen on


def test_a_logo_wider_than_a_small_screen_is_narrowed_to_fit_in_its_own_proportions(  # type: ignore[no-untyped-def]
    browser_page, live_server, northmere: Flask
) -> None:
    """Found (area review): a wide logo at 320 pixels (or 400% zoom) kept the header's height and
    was narrowed to the screen's width: squashed. It is narrowed to fit, drawn whole in its own
    proportions, and the page does not scroll sideways."""
    html = northmere.test_client().get("/").get_data(as_text=True)
    wide = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="40" viewBox="0 0 1200 40">'
        '<rect width="1200" height="40" fill="#ffffff"/></svg>'
    )
    src = next(part for part in html.split('"') if part.startswith("/logo.svg?v="))
    html = html.replace(f'src="{src}"', f'src="data:image/svg+xml;base64,{base64.b64encode(wide.encode()).decode()}"')
    page: Page = browser_page(js=False, viewport={"width": 320, "height": 640})

    def serve_page(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(live_server.url + PAGE_PATH, serve_page)
    page.goto(PAGE_PATH)
    logo = page.locator(".app-header__logo")
    expect(logo).to_be_visible()
    box = logo.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 320
    assert logo.evaluate("image => getComputedStyle(image).objectFit") == "contain"  # its proportions kept
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scrolling
