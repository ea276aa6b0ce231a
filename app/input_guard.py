"""One boundary for untrusted text: nothing unusable reaches the database, a log or a page.

Some characters can never be part of a real answer, reference or address, and some break
what comes after: PostgreSQL refuses NUL in text, a lone surrogate (half of a UTF-16 pair,
which JSON can spell as ``\\ud800``) cannot be encoded as UTF-8 for a page, and
non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two code points of every plane)
are reserved for a program's own use. Control characters other than tab and line breaks are
invisible and useless in typed text.

What happens to them, at the edge of the app:
- **Form fields** (names and values): the characters are removed before any view, CSRF
  check or log sees the form. They cannot be typed, so nothing the person meant is lost,
  and the rest of what they typed is kept.
- **The web address** (path and query) and **the Host / X-Forwarded-Host headers**: the
  request is refused with the "problem with this page" page (400); address parts never
  carry such characters (nor tabs or line breaks), and a host name must be a host name.
  A bad host is replaced before Flask sees it, so the error page's links can be built.
- **A body sent as JSON** (to any form): refused, 400. Flask-WTF would read it as the form,
  past the cleaning above; nothing in the app takes JSON.
- **An imported request's JSON**: ``find_unsafe_text`` lets the import refuse the file with
  its own message (see ``app.inbox.pdf_import``).
- **Required free text** (a note, a reason, a session's place): ``is_blank`` says whether it
  has anything a person can see, so one made only of spaces, zero-width spaces, joiners, a
  byte order mark or other invisible characters gets the same message as an empty one.
- **Pages**: Jinja's ``finalize`` replaces any lone surrogate in an output value with U+FFFD,
  so a value that got into the database before these checks still shows instead of failing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, abort, request
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict

# Control characters other than tab, line feed and carriage return; lone surrogates; non-characters.
_UNSAFE_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)
)
UNSAFE_TEXT = re.compile(f"[{_UNSAFE_CLASS}]")
# Taken out of every form posted: those, and the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069), which reorder how the text after them is shown (U+202E shows it
# backwards). Found (security review): the journey's fields never kept them (``fields.clean_text``),
# but a note, a reason or a session's place did, shown reversed to other facilitators.
REMOVED_FROM_FORMS = re.compile(f"[{_UNSAFE_CLASS}\u202a-\u202e\u2066-\u2069]")
# In a web address even tabs and line breaks are wrong (a CR/LF in ``next=`` would split a header).
UNSAFE_IN_ADDRESS = re.compile(f"[\t\n\r{_UNSAFE_CLASS}]")
SURROGATE = re.compile("[\ud800-\udfff]")

# A host name (letters, digits, hyphens, underscores; dot-separated labels of 1 to 63), an
# IPv4 address, or a bracketed IPv6 address; then an optional port.
HOST = re.compile(
    r"(?:(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?"
    r"|\[[0-9A-Fa-f:.]{2,45}\])"
    r"(?::[0-9]{1,5})?"
)
MAX_HOST_LENGTH = 255
# Where a refused request's reason is kept in the WSGI environ (never the bad value itself).
REFUSED_KEY = "space_to_think.refused_input"
# What the app sees instead of a Host header that is not a host name.
STAND_IN_HOST = "localhost"

TextCheck = Callable[[str], bool]


def plain_line_endings(text: str) -> str:
    """``text`` with each Windows (CR LF) or old Mac (CR) line ending made a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_length(text: str) -> int:
    """How long ``text`` is as the browser counts it: in UTF-16 code units, as GOV.UK's
    character count (JavaScript's ``length``) does, so an emoji counts 2. The server's limits
    count the same way, so text the counter shows as within the limit is never refused."""
    return len(text.encode("utf-16-le")) // 2


def has_unsafe_text(value: str) -> bool:
    """True if ``value`` holds a character that typed text can never contain (NUL, a lone surrogate...)."""
    return UNSAFE_TEXT.search(value) is not None


# Unicode categories that show nothing: format characters (zero-width space U+200B, joiners
# U+200C/U+200D, word joiner U+2060, byte order mark U+FEFF, bidi marks...), controls, separators.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
# Invisible characters of other categories: the combining grapheme joiner, Hangul and Khmer
# fillers, the braille blank and the variation selectors.
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"
    + "".join(chr(code) for code in range(0xFE00, 0xFE10))
    + "".join(chr(code) for code in range(0xE0100, 0xE01F0))
)


def is_invisible(char: str) -> bool:
    """True if ``char`` shows nothing: whitespace, a format or control character, or one of the
    other invisible characters above. (The identifying-data check removes every such character
    that is not whitespace before it looks, so it and ``is_blank`` agree on what is invisible.)"""
    return char.isspace() or char in _INVISIBLE or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def without_invisible(text: str) -> str:
    """``text`` without the invisible characters that text copied from a document, an email or a
    contact card can carry (zero-width spaces, soft hyphens, direction marks, a byte order mark:
    ``is_invisible``); spaces are kept. An address, a number or a date never holds
    one, and the person cannot see one to take it out."""
    return "".join(char for char in text if char.isspace() or not is_invisible(char))


def is_blank(value: str | None) -> bool:
    """True if ``value`` has nothing a person can see: None, empty, or only whitespace and
    invisible characters (a required field filled with them is as empty as one left blank)."""
    return not value or all(map(is_invisible, value))


def clean_text(value: str) -> str:
    """``value`` without those characters."""
    return UNSAFE_TEXT.sub("", value)


def find_unsafe_text(value: Any) -> bool:
    """True if any string in a JSON-like value (dict keys included, at any depth) has unsafe characters."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_unsafe_text(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def valid_host(value: str) -> bool:
    """True if a Host or X-Forwarded-Host value is a host name or address with an optional port."""
    return len(value) <= MAX_HOST_LENGTH and HOST.fullmatch(value) is not None


class HostGuard:
    """WSGI middleware (outermost): a Host or X-Forwarded-Host that is not a host name is replaced.

    Werkzeug cannot build any link for such a host, so even the error page would fail. The
    request goes on with a stand-in host and a note in the environ, and ``refuse_unsafe_input``
    answers it with the 400 page before any view or database work.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], allowed: frozenset[str] | None = None) -> None:
        self.wsgi_app = wsgi_app
        self.allowed = allowed

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        forwarded = environ.get("HTTP_X_FORWARDED_HOST")
        bad_host = host is not None and not valid_host(_wsgi_text(host))
        bad_forwarded = forwarded is not None and not all(
            valid_host(part.strip()) for part in _wsgi_text(forwarded).split(",")
        )
        if self.allowed is not None and not (bad_host or bad_forwarded) and environ.get("PATH_INFO") != HEALTH_PATH:
            # Only the service's own names (``allowed_hosts``): found (security review), any Host
            # was answered in production; the shipped nginx site refuses others, a set-up without
            # it did not. The health check answers whatever name a monitor uses.
            named = [_wsgi_text(host)] if host is not None else []
            named += [part.strip() for part in _wsgi_text(forwarded).split(",")] if forwarded is not None else []
            bad_host = any(host_name(value) not in self.allowed for value in named)
        if bad_host or bad_forwarded:
            environ[REFUSED_KEY] = "host"
            environ["HTTP_HOST"] = STAND_IN_HOST
            environ.pop("HTTP_X_FORWARDED_HOST", None)
            if not valid_host(str(environ.get("SERVER_NAME", ""))):
                environ["SERVER_NAME"] = STAND_IN_HOST
        return self.wsgi_app(environ, start_response)


HEALTH_PATH = "/healthz"
# Names this machine answers to whatever the deployment: a monitor or a command on the machine.
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(value: str) -> str:
    """A Host header's name, without its port, in small letters and without a final dot."""
    name = value.strip().lower()
    if name.startswith("["):
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return name.rstrip(".")


def allowed_hosts(config: Any) -> frozenset[str] | None:
    """The host names the app answers to, in production with ``PUBLIC_BASE_URL`` set: its host,
    this machine's names and ``ALLOWED_HOSTS`` (comma-separated); None (any) otherwise."""
    public = config.get("PUBLIC_BASE_URL")
    if config.get("APP_ENV") != "production" or not public:
        return None
    extra = [part for part in str(config.get("ALLOWED_HOSTS") or "").split(",") if part.strip()]
    return frozenset({host_name(urlsplit(str(public)).netloc), *LOCAL_NAMES, *(host_name(part) for part in extra)})


def _wsgi_text(value: str) -> str:
    """A WSGI header value (bytes carried as Latin-1) as the text the client sent."""
    return value.encode("latin-1", "replace").decode("utf-8", "replace")


def _address_is_unsafe(asked: Request) -> bool:
    if UNSAFE_IN_ADDRESS.search(asked.path):
        return True
    return any(
        UNSAFE_IN_ADDRESS.search(key) or UNSAFE_IN_ADDRESS.search(value) for key, value in asked.args.items(multi=True)
    )


def _clean_form() -> None:
    """Remove unsafe characters and bidirectional controls from the posted form's names and values
    (``REMOVED_FROM_FORMS``), and make line endings plain (a browser sends each line break typed in
    a text area as CR LF), in place of ``request.form``. Found (text review): a note, a feedback
    comment, a session's place and a redirect reason counted each line break as 2 characters, so
    text the character count showed as fitting ("0 characters remaining") was refused, and notes
    were stored with Windows line endings (the journey's own fields made them plain already)."""
    form = request.form
    removed = REMOVED_FROM_FORMS
    if any(removed.search(key) or removed.search(value) or "\r" in value for key, value in form.items(multi=True)):
        request.form = ImmutableMultiDict(  # werkzeug's cached_property can be set
            [
                (removed.sub("", key), plain_line_endings(removed.sub("", value)))
                for key, value in form.items(multi=True)
            ]
        )
        request.__dict__.pop("values", None)  # ``request.values`` combines args and form: rebuild it


# The endpoints whose forms upload a file (``accepts_files``). Any other form's files are dropped
# before a view reads it: Flask-WTF reads a file sent in place of a text field as that field's
# value, and a form that strips or measures its text failed on it (a server error).
FILE_ENDPOINTS: set[str] = set()


def accepts_files(endpoint: str) -> None:
    """Say that ``endpoint``'s form uploads a file (its files are kept)."""
    FILE_ENDPOINTS.add(endpoint)


# Methods whose body Flask-WTF reads as a form (its ``SUBMIT_METHODS``).
FORM_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _not_a_form_body(asked: Request) -> bool:
    """Whether a body is sent in a way no browser sends a form: another type (text/plain), a
    multipart body with no boundary, a compressed body (Content-Encoding), or a form said to be
    in another character set than UTF-8. Found (bad-input review): each was read as an empty form
    and refused as a page "open for a long time or used in another tab", which was not why."""
    if asked.mimetype not in FORM_TYPES:
        return asked.mimetype != ""  # (a POST with no type and no body: the keep-alive, sign-out)
    if asked.mimetype == "multipart/form-data" and not asked.mimetype_params.get("boundary"):
        return True
    if asked.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity"):
        return True
    return asked.mimetype_params.get("charset", "utf-8").strip().lower() not in ("utf-8", "utf8")


def refuse_unsafe_input() -> None:
    """First ``before_request``: 400 for a bad host or address, a body sent as JSON, or one no browser
    sends as a form (``_not_a_form_body``); clean the form's text.

    The app takes no JSON bodies (its scripts send forms), but Flask-WTF reads a JSON body as
    the form, past this guard: a NUL (on PostgreSQL), a lone surrogate or a JSON array sent to any
    form, the sign-in page's included, was a server error, and control characters reached a note
    (security review)."""
    asked = request._get_current_object()  # type: ignore[attr-defined]  # the request itself: one look-up, not one per question below
    if asked.environ.get(REFUSED_KEY) or _address_is_unsafe(asked):
        abort(400)
    if asked.method in FORM_METHODS and asked.is_json:
        abort(400)
    if "CONTENT_TYPE" not in asked.environ:
        return  # no body said to be a form (every page opened): nothing more to look at
    if asked.method in FORM_METHODS and _not_a_form_body(asked):
        abort(400)
    if asked.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _clean_form()
    if asked.mimetype == "multipart/form-data" and asked.endpoint not in FILE_ENDPOINTS and asked.files:
        # Closed now: the request closes only the files it still holds when it ends.
        for uploads in request.files.listvalues():
            for upload in uploads:
                upload.close()
        request.files = ImmutableMultiDict()  # a file where text is expected: that answer is missing


def finalize_output(value: Any) -> Any:
    """Jinja ``finalize``: a lone surrogate in a value shown on a page becomes U+FFFD (the page still renders)."""
    if isinstance(value, str) and SURROGATE.search(value) is not None:
        cleaned = SURROGATE.sub("\ufffd", value)
        # A Markup value was already safe; only surrogates changed, so it stays Markup.
        return Markup(cleaned) if isinstance(value, Markup) else cleaned  # noqa: S704
    return value


def init_input_guard(app: Flask) -> None:
    """Wrap the app in ``HostGuard``, run ``refuse_unsafe_input`` before everything else, set ``finalize``."""
    app.wsgi_app = HostGuard(app.wsgi_app, allowed_hosts(app.config))  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unsafe_input)
    app.jinja_env.finalize = finalize_output


__all__ = [
    "FILE_ENDPOINTS",
    "HostGuard",
    "accepts_files",
    "clean_text",
    "find_unsafe_text",
    "has_unsafe_text",
    "init_input_guard",
    "is_blank",
    "is_invisible",
    "refuse_unsafe_input",
    "valid_host",
    "without_invisible",
]
