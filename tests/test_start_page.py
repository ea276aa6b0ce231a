"""The start page for a visitor with no cookie, given again from Flask's own response
(``app/start_page.py``): the same bytes and headers as the app gives, each with its own nonce;
counted towards the site-wide limit once, refused with the app's own page; and anything else
(another page, a query, a cookie, a refused host, debug mode) still goes through the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, request
from limits import parse
from werkzeug.test import TestResponse

from app import create_app
from app.proxies import visitor_key
from app.rate_limits import SITE_WIDE_KEY, SITE_WIDE_SCOPE
from app.start_page import MAX_KEPT, KeptStartPage, keep_for_new_visitors
from support.database import migrated_sqlite

NONCE_ATTRIBUTE = re.compile(r'nonce="([^"]*)"')


def make_app(tmp_path: Path, **overrides) -> tuple[Flask, list[str]]:
    """A test app, and the paths the app itself (Flask) has served since."""
    app = create_app(
        {"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": migrated_sqlite(tmp_path / "start.db"), **overrides}
    )
    served: list[str] = []
    # First of all the app's checks, so a request the app refuses is seen too.
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: served.append(request.path))
    return app, served


def nonce_of(response: TestResponse) -> str:
    """The response's CSP nonce, checked to be the one every nonce attribute of the page carries."""
    found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert found is not None
    nonce = found.group(1)
    attributes = NONCE_ATTRIBUTE.findall(response.get_data(as_text=True))
    assert attributes and set(attributes) == {nonce}
    return nonce


def without_nonce(response: TestResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    nonce = nonce_of(response)
    headers = [(name, value.replace(nonce, "NONCE")) for name, value in response.headers.items()]
    return response.status_code, headers, response.get_data().replace(nonce.encode(), b"NONCE")


def test_a_new_visitors_start_page_is_the_apps_own_response_with_a_nonce_of_its_own(tmp_path) -> None:
    app, served = make_app(tmp_path)
    first = app.test_client().get("/")
    again = [app.test_client().get("/") for _ in range(3)]
    assert served == ["/"]  # the next ones did not need the app's work
    # A visitor with a cookie (not the session's) gets the app's own page, as before.
    through_the_app = app.test_client(use_cookies=False).get("/", headers={"Cookie": "seen_banner=1"})
    assert served == ["/", "/"]
    assert len({nonce_of(response) for response in (first, *again, through_the_app)}) == 5
    for response in again:
        assert without_nonce(response) == without_nonce(through_the_app)
        assert "Set-Cookie" not in response.headers
    assert "Start now" in again[0].get_data(as_text=True)


def test_the_kept_page_counts_towards_the_site_wide_limit_once_and_the_refusal_is_the_apps_page(tmp_path) -> None:
    app, served = make_app(tmp_path, RATELIMIT_DEFAULT="3 per minute")
    visitor = app.test_client()
    statuses = [visitor.get("/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = visitor.get("/")
    assert refused.status_code == 429 and "too many" in refused.get_data(as_text=True).lower()
    assert refused.headers["Cache-Control"] == "no-store" and nonce_of(refused)
    assert served == ["/", "/", "/"]  # the first, then the two refusals: the app's 429 page
    # Each page counted once, the refusals too (not once before the app and again in it).
    site_wide = app.extensions[SITE_WIDE_KEY]
    storage = site_wide.strategy.storage
    # Under the same pseudonym of the address as the app's own pages (``visitor_key``).
    visitor_pseudonym = visitor_key("127.0.0.1", app.config["SECRET_KEY"])
    assert storage.get(parse("3 per minute").key_for(visitor_pseudonym, SITE_WIDE_SCOPE)) == 5
    assert visitor.get("/privacy").status_code == 429  # the same count as every other page
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    assert other.get("/").status_code == 200


@pytest.mark.parametrize(
    "method, path, headers",
    [
        ("GET", "/?from=leaflet", {}),  # a query string
        ("HEAD", "/", {}),
        ("GET", "/", {"Cookie": "space_to_think_session=whatever"}),
        ("GET", "/privacy", {}),
        ("GET", "/", {"Host": "not a host"}),  # refused by the input guard: 400, from the app
    ],
)
def test_anything_but_a_cookieless_get_of_the_start_page_goes_through_the_app(
    tmp_path, method: str, path: str, headers: dict[str, str]
) -> None:
    app, served = make_app(tmp_path)
    assert app.test_client().get("/").status_code == 200  # the start page is kept
    before = len(served)
    responses = [app.test_client(use_cookies=False).open(path, method=method, headers=headers) for _ in range(2)]
    assert len(served) == before + 2
    assert responses[0].status_code == responses[1].status_code


def test_in_debug_mode_the_start_page_is_rendered_each_time(tmp_path) -> None:
    app, served = make_app(tmp_path)
    app.debug = True  # template edits show at once
    for _ in range(2):
        assert app.test_client().get("/").status_code == 200
    assert served == ["/", "/"]


def test_each_address_the_app_is_reached_by_keeps_its_own_page_and_only_a_few_are_kept(tmp_path) -> None:
    app, served = make_app(tmp_path)
    for _ in range(2):
        assert app.test_client().get("/").status_code == 200
        page = app.test_client().get("/", base_url="http://localhost/space-to-think").get_data(as_text=True)
        assert "/space-to-think/start" in page and "/space-to-think/static/" in page
    assert served == ["/", "/"]
    for number in range(MAX_KEPT + 4):
        assert app.test_client().get("/", headers={"Host": f"host{number}.example"}).status_code == 200
    middleware = app.wsgi_app
    while not isinstance(middleware, KeptStartPage):
        middleware = middleware.wsgi_app if hasattr(middleware, "wsgi_app") else middleware.app
    assert len(middleware.kept) == MAX_KEPT


def test_a_few_made_up_hosts_do_not_keep_the_sites_own_address_out(tmp_path) -> None:
    """Found (review of 5421900): once MAX_KEPT addresses had a page kept, no other was kept
    until the process restarted, so a client that named a few made-up hosts (any host name is let
    through) had every later visitor's start page made by the app again, for good: the page kept
    longest now goes instead."""
    app, served = make_app(tmp_path)
    for number in range(MAX_KEPT):
        assert app.test_client().get("/", headers={"Host": f"made-up{number}.example"}).status_code == 200
    before = len(served)
    for _ in range(3):
        assert app.test_client().get("/").status_code == 200
    assert len(served) == before + 1  # kept after the first
    assert app.test_client().get("/", headers={"Host": f"made-up{MAX_KEPT - 1}.example"}).status_code == 200
    assert len(served) == before + 1  # the newest of the others is kept still


def test_only_a_response_the_view_marks_and_that_sets_no_cookie_is_kept() -> None:
    """The rules of the middleware itself, on a small app: a response is kept only if its view
    said every new visitor gets it, and it sets no cookie."""
    app = Flask(__name__)
    app.secret_key = "test"
    calls: list[str] = []
    behaviour = {"mark": False, "cookie": False}

    @app.get("/")
    def index() -> tuple[str, int, dict[str, str]]:
        calls.append("index")
        if behaviour["mark"]:
            keep_for_new_visitors()
        headers = {"Content-Security-Policy": "script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAAAA'"}
        if behaviour["cookie"]:
            headers["Set-Cookie"] = "a=b"
        return '<script nonce="AAAAAAAAAAAAAAAAAAAAAAAA"></script>', 200, headers

    app.wsgi_app = KeptStartPage(app, app.wsgi_app)  # type: ignore[method-assign]
    client = app.test_client(use_cookies=False)
    client.get("/")
    client.get("/")
    assert calls == ["index"] * 2  # not marked: not kept
    behaviour.update(mark=True, cookie=True)
    client.get("/")
    client.get("/")
    assert calls == ["index"] * 4  # sets a cookie: not kept
    behaviour.update(cookie=False)
    client.get("/")
    kept = client.get("/")
    assert calls == ["index"] * 5
    nonce = re.search(r"'nonce-([^']+)'", kept.headers["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
    assert nonce != "A" * 24 and kept.get_data(as_text=True) == f'<script nonce="{nonce}"></script>'
