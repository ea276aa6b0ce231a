"""The development server's request log without what must not be logged.

``flask run`` (``scripts/run``) logs every request line, as ``"GET /path?query HTTP/1.1" 200``.
A query string can hold what someone typed (an inbox search), and a feedback link's path is a
single-use token sent to a practitioner. Like the nginx example's access log, this log gives no
visitor's address (each line starts "-" in its place), keeps the path without its query string
and a feedback link as ``/feedback/[link]``, and leaves out the questions, the outcome and the
request (their paths, and how many a visitor went through, show how they answered), unless they
were refused (4xx: a refusal saves no answer, so it counts none) or the app failed on them
(5xx); then a question page is ``/questions/[question]`` and a page of the request
``/request/[page]``. In production, nginx's log has the paths (deploy/), and gunicorn's has none
and leaves out the same lines (``app.gunicorn_log``). An error that gets past the app's own error
pages is logged, as gunicorn's error log gives it, by its type and frames, never its message.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import error_without_messages

# The request line as werkzeug logs it: method, target, protocol (coloured at a terminal).
_COLOUR = r"(?:\x1b\[[0-9;]*m)*"
# The target runs to the last " HTTP/": a decoded path can hold spaces of any kind (a no-break
# space pasted into a search), and a line that does not match is not logged at all.
_REQUEST_LINE = re.compile(
    rf"^(?P<before>{_COLOUR})(?P<method>[A-Z]+) (?P<target>.+)(?P<rest> HTTP/[0-9.]+)(?P<after>{_COLOUR})$", re.S
)
HIDDEN_LINE = "[request line not shown]"
# werkzeug's words for an error that got past the app (its own error pages failing too, a WSGI
# middleware, a response failing as it was sent), followed by the whole traceback, messages and all.
UNCAUGHT = "Error on request:"
_FEEDBACK_LINK = re.compile(r"^/feedback/(?!thank-you$)[^/]+")
_QUESTION_PAGE = re.compile(r"^/questions/.*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_REQUEST_PAGE = re.compile(r"^/request/.*")
# The questions, the outcome and the request: not logged but when refused (4xx) or on a server
# error (5xx), as in nginx's example. Found (operations review): a refusal (a form whose page had
# expired, an address that is no page, too many pages too quickly) was left out too.
# The icon too (/favicon.svg): found (privacy review, b156), a private (incognito) Chromium window
# fetches it again with every page, so its lines counted the pages a visitor opened, which shows
# where they were sent (the 999 route after 2 answers, the LADO after 4).
# And Exit this page (/exit): found (privacy review, b156), its line said when someone left the service
# in a hurry, the one thing the control is there to hide; an operator needs nothing from it.
_JOURNEY_PAGE = re.compile(r"^/(start|continue|questions/|result|request|favicon\.svg$|exit$)")
_LOGGED_STATUS = ("4", "5")
# The visitor's internet address that starts each of werkzeug's lines (its own format: "<address>
# - - [<date>] "). Found (privacy review): logged for every request, the visitor's own address
# behind a trusted proxy, though nginx's and gunicorn's logs leave it out. "-", as a log gives an
# unknown value.
_ADDRESS = re.compile(r"^\S+(?= - - \[)")
NO_ADDRESS = "-"


def served_target(target: str) -> str | None:
    """The request target as the page werkzeug serves for it: an absolute one
    ("http://host/questions/allegation"), one starting with two slashes ("//questions/allegation")
    and one with escaped letters ("/%71uestions/allegation") are all served as
    "/questions/allegation", so they are logged as it is (found, privacy review: each was logged
    whole, question, feedback link token and all). None if it cannot be read."""
    path, mark, query = target.partition("?")
    try:
        parts = urlsplit(path)
    except ValueError:
        return None
    if parts.scheme and parts.netloc:
        path = parts.path or "/"
    elif parts.netloc:
        path = f"/{parts.netloc}{parts.path}"
    # Escaped control characters (a new line, say) stay escaped: decoded, they could forge a log line.
    return _CONTROL.sub(lambda char: f"%{ord(char[0]):02X}", unquote(path)) + mark + query


def journey_line_kept(path: str, status: object) -> bool:
    """Whether a response to ``path`` with ``status`` may be logged at all: anything but a page
    of the questions, the outcome or the request answered without a refusal (4xx) or a failure
    (5xx). Used by the development server's log and by gunicorn's (``app.gunicorn_log``)."""
    return not _JOURNEY_PAGE.match(path) or str(status).startswith(_LOGGED_STATUS)


def quiet_target(target: str) -> str:
    """A request target fit for the log: no query string, no feedback link token, no question's
    id, no page of the request (which pages a request had shows some answers)."""
    path = _QUESTION_PAGE.sub("/questions/[question]", target.split("?", 1)[0])
    path = _REQUEST_PAGE.sub("/request/[page]", path)
    return _FEEDBACK_LINK.sub("/feedback/[link]", path) + ("?[query]" if "?" in target else "")


class QuietRequestLines(logging.Filter):
    """Rewrites werkzeug's request lines (``quiet_target``), and gives no visitor's address in any
    of its lines; other records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        message = str(record.msg)  # werkzeug's: "<address> - - [<date>] " then its own format
        if message.startswith(UNCAUGHT):
            # Logged as gunicorn's error log gives it (``app.gunicorn_log``): the error's type and
            # frames, never its message. Found (privacy review): the traceback was logged whole,
            # so a message quoting what was typed reached the terminal. werkzeug logs it while
            # handling the error, so the error is at hand.
            error = sys.exc_info()[1]
            record.msg, record.args = (
                f"{UNCAUGHT}\n%s",
                (error_without_messages(error) if error is not None else "[traceback not shown]",),
            )
            return True
        if _ADDRESS.match(message):
            message = record.msg = _ADDRESS.sub(NO_ADDRESS, message, count=1)
        if message.endswith('"%s" %s %s') and isinstance(args, tuple) and args and isinstance(args[0], str):
            found = _REQUEST_LINE.match(args[0])
            served = served_target(found["target"]) if found else None
            if served is not None and not journey_line_kept(served, args[1]):
                return False  # a page of the questions, answered: where it leads is not logged
            if found and served is not None:
                target = quiet_target(served)
                line = f"{found['before']}{found['method']} {target}{found['rest']}{found['after']}"
            else:  # not a request line werkzeug could read: it could hold anything
                line = HIDDEN_LINE
            record.args = (line, *args[1:])
        elif message.endswith("code %d, message %s") and isinstance(args, tuple) and len(args) == 2:
            # werkzeug's "Bad request syntax ('GET /feedback/… HTTP/1.1')": the request line again.
            record.args = (args[0], HIDDEN_LINE)
        return True


class _ErrorStreamWithoutMessages:
    """A request's ``wsgi.errors`` stream, but a traceback written to it while an error is being
    handled is written as ``error_without_messages`` gives it: the error's type and frames."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: Any) -> Any:
        error = sys.exc_info()[1]
        if error is not None and isinstance(text, str) and "Traceback (most recent call last)" in text:
            text = f"{UNCAUGHT}\n{error_without_messages(error)}\n"
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class TracebacksWithoutMessages:
    """WSGI middleware: the request's ``wsgi.errors`` stream (the terminal, under ``flask run``) is
    given tracebacks without their messages (``_ErrorStreamWithoutMessages``). Found (privacy
    review): with ``flask --debug run`` (``scripts/run --debug``), werkzeug's debugger printed each
    error that reached it there whole, its message with it, which can quote what was typed. (The
    debugger's page, in the developer's own browser, still shows it all.)"""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        stream = environ.get("wsgi.errors")
        if stream is not None and not isinstance(stream, _ErrorStreamWithoutMessages):
            environ["wsgi.errors"] = _ErrorStreamWithoutMessages(stream)  # the debugger writes to the same environ
        return self.wsgi_app(environ, start_response)


def quiet_request_log() -> None:
    """Put the filter on werkzeug's logger, once per process."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, QuietRequestLines) for existing in logger.filters):
        logger.addFilter(QuietRequestLines())


__all__ = [
    "QuietRequestLines",
    "TracebacksWithoutMessages",
    "journey_line_kept",
    "quiet_request_log",
    "quiet_target",
    "served_target",
]
