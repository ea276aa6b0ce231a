"""The start page for a new visitor, served again from Flask's own response.

A visitor with no cookie asking for ``GET /`` gets the same page every time but for the CSP
nonce: the start page holds nothing of theirs (``app.main.views.index``), and with no cookie
there is no session to read. ``KeptStartPage`` (WSGI middleware, inside the proxy fix) keeps
the first such response Flask gives, for each address the app is reached by (scheme, host,
port, the path it is served under), and answers the next ones from it: it counts the visitor
against the site-wide rate limit as the app does (``SiteWideLimit.count``), makes a new nonce
and puts it where the kept response had its own (the ``Content-Security-Policy`` header and the
page's ``nonce`` attributes). Everything else about the response (status, every header, the
body) is Flask's, byte for byte.

What goes through Flask as before: any other page, method or query string; a visitor with any
cookie; a host the input guard refused; debug mode (pages are not kept, so template edits
show); the first request for each address; a response the view did not mark as the same for
every new visitor (``keep_for_new_visitors``), or one that sets a cookie; and a visitor over
the site-wide limit, whose refusal (already counted) the app's own 429 page gives. Why: the
start page cost about twice a bare Flask "hello" in the app's hooks and Flask's own
dispatch, for bytes that only differ in the nonce (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request

from .extensions import new_nonce
from .input_guard import REFUSED_KEY
from .proxies import visitor_key
from .rate_limits import SITE_WIDE_KEY, SITE_WIDE_REFUSED_KEY, SiteWideLimit, SiteWideLimitExceeded

# Set by the view on a response that every new visitor (no cookie) would be given, nonce aside.
KEEPABLE_KEY = "space_to_think.keep_for_new_visitors"
# The nonce in the Content-Security-Policy header (secrets.token_urlsafe's alphabet).
NONCE_IN_POLICY = re.compile(r"'nonce-([A-Za-z0-9_-]{16,})'")
# Addresses the app is reached by that each keep a page: a few (its own name, a proxy's, an
# IP address); a client naming new hosts without end must not make the process grow. Past it, the
# page kept longest goes: a client naming a few made-up hosts must not keep the site's own out.
MAX_KEPT = 8

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def keep_for_new_visitors() -> None:
    """Say that this response is what every visitor with no cookie gets for this request, its
    nonce aside, so ``KeptStartPage`` may give it to the next ones."""
    request.environ[KEEPABLE_KEY] = True


@dataclass(frozen=True)
class KeptResponse:
    """A response with its nonce taken out: the body split where the nonce was, and the headers
    as (name, value split where the nonce was)."""

    status: str
    headers: tuple[tuple[str, tuple[str, ...]], ...]
    body: tuple[bytes, ...]

    @classmethod
    def of(cls, status: str, headers: list[tuple[str, str]], body: bytes) -> KeptResponse | None:
        """The response kept, or None if it has no nonce to replace."""
        policy = next((value for name, value in headers if name.lower() == "content-security-policy"), "")
        found = NONCE_IN_POLICY.search(policy)
        if found is None:
            return None
        nonce = found.group(1)
        return cls(
            status,
            tuple((name, tuple(value.split(nonce))) for name, value in headers),
            tuple(body.split(nonce.encode("ascii"))),
        )

    def with_nonce(self, nonce: str) -> tuple[list[tuple[str, str]], bytes]:
        return [(name, nonce.join(parts)) for name, parts in self.headers], nonce.encode("ascii").join(self.body)


class KeptStartPage:
    """WSGI middleware: the start page for visitors with no cookie, from Flask's own response (see the module)."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.kept: dict[tuple[Any, ...], KeptResponse] = {}
        self.keeping = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") != "/"
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or "HTTP_COOKIE" in environ
            or REFUSED_KEY in environ
            or self.app.debug
        ):
            return self.wsgi_app(environ, start_response)
        address = (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME", ""),
        )
        kept = self.kept.get(address)
        if kept is None:
            return self._serve_and_keep(address, environ, start_response)
        try:
            self._count(environ)
        except SiteWideLimitExceeded as refused:
            environ[SITE_WIDE_REFUSED_KEY] = refused.item  # counted: the app's 429 page says so
            return self.wsgi_app(environ, start_response)
        headers, body = kept.with_nonce(new_nonce())
        start_response(kept.status, headers)
        return [body]

    def _count(self, environ: dict[str, Any]) -> None:
        """Count this visitor against the site-wide limit, as ``SiteWideLimit`` does for the app's pages."""
        site_wide: SiteWideLimit | None = self.app.extensions.get(SITE_WIDE_KEY)
        if site_wide is not None:
            # The same pseudonym as the app's own pages count under (``visitor_key``), made
            # with the app's secret here, outside Flask.
            visitor = visitor_key(environ.get("REMOTE_ADDR") or "", str(self.app.config.get("SECRET_KEY") or ""))
            site_wide.count(str(self.app.config["RATELIMIT_APPLICATION"]), visitor)

    def _serve_and_keep(
        self, address: tuple[Any, ...], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Flask's answer, kept for this address if the view marked it and it sets no cookie."""
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            answer.update(status=status, headers=list(headers), exc_info=exc_info)
            return parts.append

        parts: list[bytes] = []
        response = self.wsgi_app(environ, capture)
        try:
            parts.extend(response)
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()
        status, headers = answer["status"], answer["headers"]
        body = b"".join(parts)
        if (
            environ.get(KEEPABLE_KEY)
            and status.startswith("200 ")
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            kept = KeptResponse.of(status, headers, body)
            if kept is not None:
                with self.keeping:  # gunicorn's threads: no one else changes the dict while it is read
                    while len(self.kept) >= MAX_KEPT:
                        del self.kept[next(iter(self.kept))]  # the oldest: dicts keep their order
                    self.kept[address] = kept
        start_response(status, headers, answer["exc_info"])
        return [body]


__all__ = ["KEEPABLE_KEY", "KeptResponse", "KeptStartPage", "keep_for_new_visitors"]
