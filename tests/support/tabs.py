"""Two tabs of one browser sending requests at the same moment, over the Flask test client.

``another_tab(app, client)`` is a second client holding the first one's session cookie (a second
tab). ``at_the_same_moment(app, send)`` runs ``send`` (the other tab's request) once, as the next
request the app serves finishes and before its session is saved: the overlap two tabs can make.
It yields a list that then holds the other request's status code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def another_tab(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second client with ``client``'s session cookie: the same browser, another tab."""
    tab = app.test_client()
    cookie = app.config["SESSION_COOKIE_NAME"]
    held = client.get_cookie(cookie)
    assert held is not None, "the first tab has no session yet"
    tab.set_cookie(cookie, held.value)
    return tab


@contextmanager
def at_the_same_moment(app: Flask, send: Callable[[], TestResponse]) -> Iterator[list[int]]:
    """Run ``send`` once as the next request finishes, before its session is saved (an
    after-request hook: no setup method is needed, the app has served requests already)."""
    sent: list[int] = []

    def other_tab_sends(response: Response) -> Response:
        if not sent:  # (once: the other tab's own request passes through here too)
            sent.append(0)
            sent[0] = send().status_code
        return response

    app.after_request_funcs.setdefault(None, []).append(other_tab_sends)
    try:
        yield sent
    finally:
        app.after_request_funcs[None].remove(other_tab_sends)
