"""Pages rendered once and kept (``app.templating.render_page``) are exactly the pages a fresh
render gives, apart from each response's own CSP nonce and CSRF token.

The start page, the question pages and the outcome pages are rendered once per page, rule pack
version, mode, answer shown, back link and notice, then kept; every response still gets its
own nonce (matching its Content-Security-Policy header) and a CSRF token that the next POST
accepts. The paths come from the rule pack, so a new question or outcome is covered without
editing this file.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.rules import JourneyPath, enumerate_paths, load_contacts, load_pack
from app.templating import CSRF_SLOT, NONCE_SLOT, PAGES_KEY, PageCache
from support import csrf_token, session_cookie
from support.walk import Walker, question_of

PACK = load_pack(contacts=load_contacts())
NONCE = re.compile(r'nonce="([^"]*)"')
TOKENS = (
    re.compile(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*(")'),
    re.compile(r'(data-csrf-token=")[^"]*(")'),
)


def sample_paths() -> list[JourneyPath]:
    """One path to each outcome, in one mode or the other by turns (both modes are covered)."""
    chosen: dict[str, JourneyPath] = {}
    for path in enumerate_paths(PACK):
        wanted = ("practitioner", "supervision")[len(chosen) % 2]
        if path.outcome not in chosen and path.mode == wanted:
            chosen[path.outcome] = path
    assert {path.mode for path in chosen.values()} == {"practitioner", "supervision"}
    return list(chosen.values())


def normalised(response: TestResponse) -> str:
    """The page with its nonce and CSRF tokens blanked (they differ on every response)."""
    page = response.get_data(as_text=True)
    page = NONCE.sub('nonce=""', page)
    for pattern in TOKENS:
        page = pattern.sub(r"\1\2", page)
    return page


class RecordingWalker(Walker):
    """A walker that keeps every page it GETs."""

    def __init__(self, client: FlaskClient) -> None:
        super().__init__(client)
        self.pages: list[tuple[str, int, str]] = []

    def get(self, url: str) -> TestResponse:
        response = super().get(url)
        self.pages.append((url, response.status_code, normalised(response)))
        return response


def walk_everything(app: Flask) -> list[tuple[str, int, str]]:
    """Every page of the sample paths as a fresh visitor sees them; then, on each path, the first
    question again (the answer shown), a changed first answer (the notice) and the way back."""
    pages: list[tuple[str, int, str]] = []
    for number, path in enumerate(sample_paths()):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number + 1}"  # a visitor each: the rate limit is per address
        walker = RecordingWalker(client)
        walker.follow("/")
        walker.walk(path.answers)
        first, value = path.answers[0]
        walker.follow(f"/questions/{first}")
        other = next(option.value for option in PACK.question(first).options if option.value != value)  # type: ignore[union-attr]
        changed = walker.answer(first, other)
        assert changed.status_code == 302, (changed.status_code, changed.get_data(as_text=True)[-3000:])
        walker.follow(changed.location)
        back = walker.answer(first, value)
        assert back.status_code == 302, (back.status_code, back.get_data(as_text=True)[-1500:])
        walker.follow(back.location)
        walker.follow("/accessibility")
        walker.follow("/cookies")
        pages.extend(walker.pages)
    return pages


def test_kept_pages_are_the_pages_a_fresh_render_gives(app: Flask) -> None:
    first_visit = walk_everything(app)  # renders and keeps
    kept = app.extensions[PAGES_KEY]
    assert isinstance(kept, PageCache) and kept.pages, "no page was kept"
    second_visit = walk_everything(app)  # served from what was kept
    app.debug = True  # rendered afresh on every request
    try:
        fresh = walk_everything(app)
    finally:
        app.debug = False
    assert len(first_visit) == len(second_visit) == len(fresh)
    for kept_page, fresh_page, first_page in zip(second_visit, fresh, first_visit, strict=True):
        assert kept_page == fresh_page, f"kept {kept_page[0]} differs from a fresh render"
        assert first_page == fresh_page, f"first render of {first_page[0]} differs from a fresh render"
    assert not any(NONCE_SLOT in page or CSRF_SLOT in page for _, _, page in second_visit)


def test_every_response_has_its_own_nonce_matching_its_header(client: FlaskClient) -> None:
    nonces = []
    for _ in range(3):
        response = client.get("/")
        page_nonces = set(NONCE.findall(response.get_data(as_text=True)))
        assert len(page_nonces) == 1
        nonce = page_nonces.pop()
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_a_kept_question_page_has_a_csrf_token_the_answer_is_accepted_with(app: Flask) -> None:
    path = next(iter(enumerate_paths(PACK)))
    (first, value), (second, _) = path.answers[0], path.answers[1]
    for _ in range(2):  # the second visitor gets the kept page
        client = app.test_client()
        walker = Walker(client)
        walker.start()
        page = client.get(f"/questions/{first}")
        token = csrf_token(page.get_data(as_text=True))
        answer = client.post(f"/questions/{first}", data={"csrf_token": token, "answer": value})
        assert answer.status_code == 302
        assert question_of(client.get(answer.location)) == second


def test_a_kept_start_page_still_makes_no_session(client: FlaskClient) -> None:
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert session_cookie(client) is None


def test_the_cache_is_bounded() -> None:
    cache = PageCache(size=3)
    for number in range(5):
        cache.put(number, f"page {number}")
    assert list(cache.pages) == [2, 3, 4]
    assert cache.get(2) == "page 2"
    cache.put(5, "page 5")
    assert list(cache.pages) == [4, 2, 5]


def test_the_cache_is_bounded_in_bytes_and_keeps_pages_as_utf8() -> None:
    """A worker's memory stays bounded whatever the pages' size: an outcome page is about 30 KB, and
    one curly quote made Python hold all of it at two bytes a character."""
    page = "The practitioner’s next step. " * 1000  # 31,000 characters with curly quotes
    cache = PageCache(size=100, budget=3 * len(page.encode()))
    for number in range(5):
        cache.put(number, page + str(number))
    assert list(cache.pages) == [3, 4], "a fourth page of this size would be over the budget"
    assert cache.used == sum(len(kept) for kept in cache.pages.values()) <= cache.budget
    assert all(len(kept) == len((page + "4").encode()) for kept in cache.pages.values())
    assert cache.get(4) == page + "4" and cache.get(0) is None
    cache.put(4, "short")  # kept again under the same key: counted once
    assert cache.get(4) == "short" and cache.used == len(page + "3") + 5 + page.count("’") * 2
    cache.put("huge", page * 4)  # over the whole budget: not kept, and nothing else dropped for it
    assert list(cache.pages) == [3, 4]


def test_error_pages_a_visitor_causes_are_kept_and_are_what_a_fresh_render_gives(
    app: Flask, client: FlaskClient
) -> None:
    """A missing page, an expired form (with a journey under way, and without) and a refused
    method are rendered once and kept: a scan or a flood costs less than a page of the service."""
    walker = Walker(client)
    visits = [
        ("GET", "/no-such-page", 404),
        ("POST", "/", 405),
        ("POST", "/start", 400),  # no CSRF token: the form has expired
    ]
    pages: dict[str, list[str]] = {"first": [], "kept": [], "fresh": []}
    for round_name in ("first", "kept", "fresh", "journey"):
        if round_name == "journey":
            walker.start()  # the layout's timeout warning now shows: a page of its own
            continue
        app.debug = round_name == "fresh"
        try:
            for method, path, status in visits:
                response = client.open(path, method=method)
                assert response.status_code == status
                page = response.get_data(as_text=True)
                nonce = set(NONCE.findall(page))
                assert len(nonce) == 1 and f"'nonce-{nonce.pop()}'" in response.headers["Content-Security-Policy"]
                pages[round_name].append(normalised(response))
        finally:
            app.debug = False
    assert pages["first"] == pages["kept"] == pages["fresh"]
    kept_keys = [key[-1] for key in app.extensions[PAGES_KEY].pages if key[-1][0] == "error"]
    assert sorted(key[1] for key in kept_keys) == [400, 404, 405]
    expired = client.post("/start")  # with the journey under way: the timeout warning is in the layout
    assert expired.status_code == 400 and "data-idle-seconds" in expired.get_data(as_text=True)
    assert "data-idle-seconds" not in pages["kept"][2]
