"""A small real-HTTP client with the parts of Flask's test client the journey helpers use.

``HttpClient(port, source="127.0.0.2")`` talks HTTP/1.1 to 127.0.0.1:port from the given
loopback source address (so a test can be "another visitor"), keeps cookies like a browser
(sending Secure ones too: the test servers are plain HTTP), and returns responses with
``status_code``, ``location``, ``headers`` and ``get_data(as_text=)``.
"""

from __future__ import annotations

import http.client
from collections.abc import Mapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit


class HttpResponse:
    """What came back."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.data = body

    @property
    def location(self) -> str | None:
        location = self.headers.get("Location")
        if location is None:
            return None
        parts = urlsplit(location)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def get_data(self, as_text: bool = False) -> Any:
        return self.data.decode("utf-8", errors="replace") if as_text else self.data


class HttpClient:
    """A visitor: one cookie jar, one source address."""

    def __init__(self, port: int, source: str = "127.0.0.1", host: str = "127.0.0.1") -> None:
        self.port = port
        self.source = source
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30, source_address=(self.source, 0))
        try:
            sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            connection.request(method, url, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return HttpResponse(response.status, response.headers, data)

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> HttpResponse:
        return self.request("GET", url, headers=headers)

    def post(
        self, url: str, data: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        body = urlencode(dict(data or {}), doseq=True).encode("ascii")
        return self.request(
            "POST", url, body=body, headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        )
