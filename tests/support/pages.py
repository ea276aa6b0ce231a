"""Reading what the app sent back: CSRF tokens, what check your answers showed, the session
cookie, external resources."""

from __future__ import annotations

import hashlib
import os
import re
from html.parser import HTMLParser

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from werkzeug.test import TestResponse

SESSION_COOKIE = "space_to_think_session"


def csrf_token(html: str) -> str:
    """The CSRF token from a page's form (fails the test if there is none)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no csrf_token field on the page"
    return match.group(1)


def session_csrf_token(client: FlaskClient) -> str:
    """A CSRF token good for any form of ``client``'s session, without drawing a page for it.
    Flask-WTF's token is the raw token the session holds, signed with the secret key (its
    ``generate_csrf``, which makes the raw one, as a form does, when the session holds none): it is
    bound to the session, not to the page it was read from, so this is the token every form of
    the session carries."""
    app = client.application
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    with client.session_transaction() as session:
        if field not in session:
            session[field] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324  # as Flask-WTF makes it
        raw = session[field]
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


def shown_digest(html: str) -> str | None:
    """What check your answers' form says the page showed (its hidden ``checked`` field), or None."""
    match = re.search(r'name="checked"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="checked"', html)
    return (match.group(1) or match.group(2)) if match else None


def listed_digest(html: str) -> str | None:
    """What the identifying-data warning's form says the page listed (its hidden ``listed``
    field), or None."""
    match = re.search(r'name="listed"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="listed"', html)
    return (match.group(1) or match.group(2)) if match else None


def checked_field(page: TestResponse) -> dict[str, str]:
    """Check your answers' form fields, as the browser sends them: its token and what the page
    showed (``checked``; Send request sends nothing without it)."""
    text = page.get_data(as_text=True)
    shown = shown_digest(text)
    assert shown, "the page's form does not say what it showed"
    return {"csrf_token": csrf_token(text), "checked": shown}


def session_cookie(client: FlaskClient) -> str | None:
    """The session cookie's value as the test browser holds it, or None."""
    cookie = client.get_cookie(SESSION_COOKIE)
    return cookie.value if cookie is not None else None


class _ResourceParser(HTMLParser):
    """Collects every URL the browser would fetch by itself (not links the user follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "srcset", "poster", "data", "action", "formaction"):
            if values.get(name):
                self.urls.append(values[name] or "")
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")
        style = values.get("style") or ""
        self.urls.extend(re.findall(r"url\(([^)]*)\)", style))


def external_resources(html: str) -> list[str]:
    """URLs on the page that would load something from another site."""
    parser = _ResourceParser()
    parser.feed(html)
    return [url for url in parser.urls if re.match(r"\s*(https?:)?//", url, re.IGNORECASE)]


def downloaded_csv(response: TestResponse) -> str:
    """A CSV download's text, once it is checked to start with the byte order mark that makes
    Excel read it as UTF-8 (which every spreadsheet skips), without that mark."""
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), f"no byte order mark: {text[:40]!r}"
    return text.removeprefix("\ufeff")


class _TextBrowserParser(HTMLParser):
    """What a text-only browser (Lynx, w3m) shows: every element's words, ``hidden``, closed
    ``<dialog>`` and visually hidden ones too, but never a script's or a style sheet's content."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.words.append(data)


def text_browser_words(html: str) -> str:
    """The page's words as a text-only browser shows them, spaces made single."""
    parser = _TextBrowserParser()
    parser.feed(html)
    return " ".join(" ".join(parser.words).split())
