"""Walk the journey through HTTP like a browser would, remembering every URL it saw.

``Walker(client)`` starts a journey, answers questions (with the page's CSRF token), and
records each request path and redirect target, so tests can check that no answer ever
appears in a URL.
"""

from __future__ import annotations

import copy
import html as html_module
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from support.pages import csrf_token, listed_digest, session_cookie, shown_digest

Answer = str | Sequence[str]
# The identifying-data warning: its form sends what it listed (``listed``), as check your answers'
# sends what it showed.
WARNING_URL = "/request/check-what-you-wrote"


def same_address(location: str | None, url: str) -> bool:
    """Whether a redirect's ``location`` is the address ``url`` itself (path and query)."""
    if not location:
        return False
    there, here = urlsplit(location), urlsplit(url)
    return (there.path, there.query) == (here.path, here.query)


def page_of_form(location: str | None, url: str) -> bool:
    """Whether a redirect's ``location`` is the address ``url`` itself, or the page whose form
    posts to ``url`` below it (a request's page, ``/inbox/requests/X``, for ``…/X/status``)."""
    if not location:
        return False
    there, here = urlsplit(location), urlsplit(url)
    return same_address(location, url) or (not there.query and here.path.startswith(there.path.rstrip("/") + "/"))


def post_shown(client: FlaskClient, url: str, data: dict[str, Any]) -> TestResponse:
    """POST ``data`` to ``url`` as a browser does: a refused form's redirect (303) to its page is
    followed, and that page returned; anything else is returned as it came."""
    response = client.post(url, data=data)
    if response.status_code == 303 and page_of_form(response.location, url):
        return client.get(response.location)
    return response


class Walker:
    """A test browser for the journey: start, answer, follow, and read pages."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.urls: list[str] = []
        self.token: str | None = None
        self.checked: str | None = None  # what the last check your answers page seen showed
        self.listed: str | None = None  # what the last identifying-data warning seen listed

    @property
    def shown(self) -> dict[str, str]:
        """Send request's form as the last check your answers page seen gave it (a browser sends
        its hidden ``checked`` field; Send request sends nothing without it): post it with the token."""
        return {"checked": self.checked} if self.checked is not None else {}

    def _seen(self, response: TestResponse, url: str) -> TestResponse:
        self.urls.append(url)
        if response.location:
            self.urls.append(response.location)
        return response

    def get(self, url: str) -> TestResponse:
        """GET a page (without following redirects); keep its CSRF token if it has one."""
        response = self._seen(self.client.get(url), url)
        page = response.get_data(as_text=True)
        if 'name="csrf_token"' in page:
            self.token = csrf_token(page)
        if 'name="checked"' in page:
            self.checked = shown_digest(page)
        if 'name="listed"' in page:
            self.listed = listed_digest(page)
        return response

    def follow(self, url: str) -> TestResponse:
        """GET a page and follow redirects, recording each hop."""
        response = self.get(url)
        hops = 0
        while response.status_code in (301, 302, 303) and hops < 10:
            response = self.get(response.location)
            hops += 1
        return response

    def start(self) -> TestResponse:
        """Start a fresh journey (POST /start) and land on the first question."""
        if self.token is None:
            self.follow("/start")
        response = self.post("/start", {})
        assert response.status_code == 302, response.status_code
        return self.follow(response.location)

    def post(self, url: str, data: dict[str, object], with_token: bool = True) -> TestResponse:
        """POST a form (with the last CSRF token seen, unless told not to)."""
        form = dict(data)
        if url == WARNING_URL and self.listed is not None:
            form.setdefault("listed", self.listed)  # the warning's hidden field, as a browser sends it
        if with_token:
            if self.token is None:
                self.follow("/start")
            form["csrf_token"] = self.token
        response = self._seen(self.client.post(url, data=form), url)
        if response.status_code == 303 and same_address(response.location, url):
            # A refused form: the browser is sent back to the page, whose GET shows the errors
            # (app.web.show_refused_form); followed here as a browser does.
            return self.get(response.location)
        return response

    def answer(self, question_id: str, value: Answer | None) -> TestResponse:
        """Answer one question (``None`` sends nothing); does not follow the redirect."""
        data: dict[str, object] = {}
        if value is not None:
            data["answer"] = value if isinstance(value, str) else list(value)
        return self.post(f"/questions/{question_id}", data)

    def walk(self, answers: Iterable[tuple[str, Answer]]) -> TestResponse:
        """Start afresh and answer each question in turn, checking each lands on the next."""
        self.start()
        response: TestResponse | None = None
        for question_id, value in answers:
            response = self.answer(question_id, value)
            assert response.status_code == 302, (question_id, response.status_code)
        assert response is not None
        return self.follow(response.location)


# The session each way through the journey left, walked once in each process (``walked``).
_WALKED: dict[str, dict[str, Any]] = {}


def walked(client: FlaskClient, way: str, walk: Callable[[Walker], object]) -> Walker:
    """A walker on ``client`` whose journey is where ``walk`` leaves one, for a test the pages on
    the way are not about. A client with a session already walks (what starting a journey does to
    it may be the test). A new one: the first time in a process, ``walk`` walks it over HTTP and
    the session it leaves is remembered under ``way``; after that, each new client is given that
    session, with a journey token and CSRF secret of its own (as each journey has), and nothing is
    drawn. What differs from a walk: its counts in the statistics are not made again, and the
    walker has seen no page (it takes the CSRF token from the first it opens)."""
    walker = Walker(client)
    if session_cookie(client) is not None:
        walk(walker)
        return walker
    if way not in _WALKED:
        walk(walker)
        with client.session_transaction() as held:
            _WALKED[way] = copy.deepcopy(dict(held))
        return walker
    remembered = _WALKED[way]
    old_token, new_token = remembered.get("journey_token"), secrets.token_urlsafe(24)

    def afresh(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: afresh(each) for key, each in value.items()}
        if isinstance(value, list):
            return [afresh(each) for each in value]
        return new_token if old_token is not None and value == old_token else value

    with client.session_transaction() as held:
        # Without the walk's CSRF secret (Flask-WTF's "csrf_token"): the session makes its own.
        held.update(afresh({key: value for key, value in remembered.items() if key != "csrf_token"}))
    return walker


def page_text(response: TestResponse) -> str:
    """The page's HTML with entities decoded (for looking for wording from the pack)."""
    return html_module.unescape(response.get_data(as_text=True))


def outcome_of(response: TestResponse) -> str | None:
    """The outcome id the page shows (its ``data-outcome`` hook), or None."""
    match = re.search(r'data-outcome="([^"]+)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def question_of(response: TestResponse) -> str | None:
    """The question id the page asks (its ``data-question`` hook on the page wrapper), or None."""
    match = re.search(r'<div class="govuk-grid-row" data-question="([^"]+)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def title_of(response: TestResponse) -> str:
    """The page's <title>, whitespace tidied."""
    match = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S)
    assert match, "page has no title"
    return " ".join(html_module.unescape(match.group(1)).split())


def path_of(url: str) -> str:
    """The path of a URL (absolute or relative)."""
    return urlsplit(url).path


def checked_values(response: TestResponse) -> list[str]:
    """The values of the checked inputs on the page, in order."""
    found = []
    for tag in re.findall(r"<input[^>]*>", response.get_data(as_text=True)):
        if re.search(r"\schecked\b", tag):
            value = re.search(r'value="([^"]*)"', tag)
            if value:
                found.append(html_module.unescape(value.group(1)))
    return found
