"""Jinja set-up: where templates come from, strict undefined values, and what every page gets.

Every template gets ``service_name``, ``partnership`` (the deployment's partnership file:
names, colours, footer, accessibility details, PDF author, email signature),
``partnership_name`` (its name, which is the rule pack's ``owner``), ``contacts`` (the
ContactBook), ``cached_fragment`` and ``say`` (wording for the journey's mode); the GOV.UK
macros come from ``govuk_frontend_jinja`` and ``govuk_frontend_wtf``.
"""

from __future__ import annotations

import re
import sys
import threading
import time
import unicodedata
from collections import ChainMap, OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, MutableMapping
from pathlib import Path
from types import FrameType
from typing import Any, cast
from urllib.parse import urlsplit

from flask import Flask, current_app, g, get_flashed_messages, render_template, request, session, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_wtf.csrf import generate_csrf
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    TemplateSyntaxError,
    Undefined,
    nodes,
    pass_context,
)
from jinja2.runtime import Context
from jinja2.utils import LRUCache
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from .config import PROJECT_ROOT, StartupError
from .extensions import csp_nonce
from .journey import ANSWERS_KEY
from .pack import current_contacts, current_pack, current_partnership, open_now_words
from .sessions import session_expired, session_unreadable

SERVICE_NAME = "Space to Think"
FRAGMENTS_KEY = "space_to_think.fragments"
PAGES_KEY = "space_to_think.pages"
# Rendered pages kept per process (least recently used dropped first): at most this many, and at most this
# many bytes of them. A question page is 10-20 KB, an outcome page about 30 KB (one for every path and mode: 334
# of them take 10 MB), so the pages of every path fit.
PAGE_CACHE_SIZE = 1024
PAGE_CACHE_BYTES = 24 * 1024 * 1024
# Stand-ins for the per-request secrets while a page is rendered for the cache: characters
# from Unicode's private use area, which no template or pack text contains and no escaping changes.
NONCE_SLOT = "\ue000csp-nonce\ue001"
CSRF_SLOT = "\ue000csrf-token\ue001"
BACK_SLOT = "\ue000back-link\ue001"
LIBRARY_TEMPLATE_MARKERS = ("govuk_frontend_jinja", "govuk_frontend_wtf")


class ProjectUndefined(Undefined):
    """As strict as StrictUndefined in this project's templates; lenient inside the GOV.UK macro packages.

    GOV.UK Frontend's macros test optional parameters (``{% if params.classes %}``) that a
    caller leaves out, which StrictUndefined would refuse; our own templates stay strict, so
    a misspelt variable is an error, not a blank. (It extends Undefined, not StrictUndefined:
    it overrides every method StrictUndefined changes, with signatures that type-check.)
    """

    __slots__ = ()

    def _lenient(self) -> bool:
        frame: FrameType | None = sys._getframe(2)
        for _ in range(8):
            if frame is None:
                return False
            if "environment" in frame.f_globals and "__file__" in frame.f_globals:
                filename = str(frame.f_code.co_filename)
                return any(marker in filename for marker in LIBRARY_TEMPLATE_MARKERS)
            frame = frame.f_back
        return False

    def __str__(self) -> str:
        return "" if self._lenient() else self._fail_with_undefined_error()

    def __bool__(self) -> bool:
        return False if self._lenient() else self._fail_with_undefined_error()

    def __iter__(self) -> Iterator[Any]:
        return iter(()) if self._lenient() else self._fail_with_undefined_error()

    def __len__(self) -> int:
        return 0 if self._lenient() else self._fail_with_undefined_error()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) if self._lenient() else self._fail_with_undefined_error()

    def __ne__(self, other: object) -> bool:
        return type(self) is not type(other) if self._lenient() else self._fail_with_undefined_error()

    def __contains__(self, item: object) -> bool:
        return False if self._lenient() else self._fail_with_undefined_error()

    __hash__ = Undefined.__hash__


def cached_fragment(name: str, caller: Any) -> Markup:
    """Render a ``{% call cached_fragment(name) %}`` block once per app and reuse it.

    For page chrome that never changes while the app runs (header, footer). Not cached in
    debug mode, so template edits show at once.
    """
    if current_app.debug:
        return Markup(caller())  # noqa: S704 - see below
    fragments: dict[str, Markup] = current_app.extensions.setdefault(FRAGMENTS_KEY, {})
    fragment = fragments.get(name)
    if fragment is None:
        # caller() is the block of our own template, rendered with autoescaping on: already safe HTML.
        fragment = fragments[name] = Markup(caller())  # noqa: S704
    return fragment


class PageCache:
    """Rendered pages by key, least recently used dropped first, at most ``size`` pages and ``budget`` bytes;
    safe across a worker's threads.

    Pages are kept as UTF-8: a page with one curly quote or dash in it is held by Python at two bytes a
    character, so an outcome page of 30,000 characters took 60 KB as a string (found, measured: the kept
    outcome pages of every path took 20 MB in each worker, 10 MB as UTF-8; full of outcome pages, the cache
    would have taken a worker from 120 MB to about 180). Reading one back costs about 2 microseconds."""

    def __init__(self, size: int = PAGE_CACHE_SIZE, budget: int = PAGE_CACHE_BYTES) -> None:
        self.size = size
        self.budget = budget
        self.used = 0
        self.pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        """The page kept under ``key``, or None."""
        with self.lock:
            kept = self.pages.get(key)
            if kept is not None:
                self.pages.move_to_end(key)
        return None if kept is None else kept.decode()

    def put(self, key: Hashable, page: str) -> None:
        """Keep ``page`` under ``key`` (not if it alone is over the budget)."""
        kept = page.encode()
        with self.lock:
            replaced = self.pages.pop(key, None)
            if replaced is not None:
                self.used -= len(replaced)
            if len(kept) > self.budget:
                return
            self.pages[key] = kept
            self.used += len(kept)
            while len(self.pages) > self.size or self.used > self.budget:
                _, dropped = self.pages.popitem(last=False)
                self.used -= len(dropped)


# What ``kept_for_a_while`` calls the copy of a request this browser has just sent: one sent in
# the practitioner's own mode, then one sent in supervision (which has two PDFs).
SENT_COPIES = ("copy", "copy_and_record")


def kept_for_a_while(held: Mapping[str, Any] | None = None) -> str | None:
    """What the timeout warning would clear, for anyone not signed in to the inbox: "journey"
    (answers, or a journey begun), "copy" (the page and PDF of the request this browser has just
    sent: ``submitted_reference``, app/requests/views.py), "copy_and_record" (the same for a
    request sent in supervision, whose page offers two PDFs, the request and the supervision
    record: ``submitted_mode``, kept with the reference when it was sent, so no page reads the
    request to know), or None (nothing: no warning). Of this session, or of ``held`` (a session's
    data: one that has just expired, say)."""
    held = session if held is None else held
    if held.get("journey_token") or held.get("answers"):
        return "journey"
    if not held.get("submitted_reference"):
        return None
    return "copy_and_record" if held.get("submitted_mode") == "supervision" else "copy"


def answers_given_together() -> bool:
    """Whether this session's answers say a manager and a practitioner are using the tool together
    (supervision), so that the timeout warning speaks of "the answers", not "your" or "my answers"
    (found, supervision review: the warning alone still spoke to one person)."""
    answers = session.get(ANSWERS_KEY)
    return isinstance(answers, dict) and bool(answers) and current_pack().mode_chosen(answers) == "supervision"


def keep_answers_words() -> str:
    """The words of the button that keeps the answers: "Keep my answers", or in supervision "Keep the answers"."""
    return "Keep the answers" if answers_given_together() else "Keep my answers"


def layout_variant() -> tuple[Hashable, ...]:
    """What the layout shows differently from one request to another, apart from the CSP nonce
    and the CSRF token: what the timeout warning would clear (``kept_for_a_while``: the copy of a
    request sent in supervision is worded apart from one sent in the practitioner's own mode), whose
    answers it speaks of (``answers_given_together``), and the path the app is served under. Anything
    per-request that the layout comes to use belongs here."""
    kept = kept_for_a_while()
    return (kept, kept == "journey" and answers_given_together(), request.script_root)


def render_page(template_name: str, key: Hashable, context: Mapping[str, Any] | Callable[[], Mapping[str, Any]]) -> str:
    """``render_template(template_name, **context)``, rendered once per ``key`` and kept.

    ``key`` must name everything that makes the page differ besides the rule pack, contacts and
    partnership (which are added), the layout's variant (``layout_variant``), the CSP nonce and the
    CSRF token: for a question page, the question, the mode, the chosen values, the back link,
    the notice. The page is rendered with stand-ins for the nonce and the token, which are filled
    in on every request, so each response still carries its own. ``context`` may be a callable,
    called only when the page must be rendered (so a form is built only then). Not kept in debug
    mode, so template edits show at once.
    """
    if current_app.debug:
        return render_template(template_name, **(context() if callable(context) else context))
    pack = current_pack()
    # The pack's version covers the contacts; the partnership's data is loaded once, like them.
    full_key = (template_name, pack.version, id(pack), id(current_partnership()), layout_variant(), key)
    cache: PageCache = current_app.extensions.setdefault(PAGES_KEY, PageCache())
    page = cache.get(full_key)
    if page is None:
        page = _render_with_slots(template_name, context)
        cache.put(full_key, page)
    if NONCE_SLOT in page:
        page = page.replace(NONCE_SLOT, csp_nonce())
    if CSRF_SLOT in page:
        page = page.replace(CSRF_SLOT, page_csrf_token())
    if BACK_SLOT in page:
        page = page.replace(BACK_SLOT, str(escape(came_from())))
    return page


# A session's signed security token, as Flask-WTF's ``generate_csrf`` made it, kept for up to a
# minute in this process: signing it (a timestamp and an HMAC) was a seventh of a kept question
# page's work, made again for every page. The token checked on a POST is the session's own,
# whatever its signature's time: one signed a minute before is as good (``WTF_CSRF_TIME_LIMIT``,
# when set, counts from then: at most a minute less). Keyed by the app and the session's token,
# so it is never another session's.
_SIGNED_TOKENS: OrderedDict[tuple[int, str, int], str] = OrderedDict()
_SIGNED_TOKENS_LOCK = threading.Lock()
SIGNED_TOKENS_KEPT = 4096
SIGNED_TOKEN_SECONDS = 60


def page_csrf_token() -> str:
    """``generate_csrf()``, signed at most once a minute per session in this process."""
    field = str(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    raw = session.get(field)
    if not isinstance(raw, str) or g.get(field) is not None:
        return str(generate_csrf())  # (a new session's first token is made there; one signed already kept)
    key = (id(current_app), raw, int(time.time() // SIGNED_TOKEN_SECONDS))
    with _SIGNED_TOKENS_LOCK:
        signed = _SIGNED_TOKENS.get(key)
    if signed is None:
        signed = str(generate_csrf())
        with _SIGNED_TOKENS_LOCK:
            _SIGNED_TOKENS[key] = signed
            while len(_SIGNED_TOKENS) > SIGNED_TOKENS_KEPT:
                _SIGNED_TOKENS.popitem(last=False)
    else:
        setattr(g, field, signed)  # as generate_csrf keeps it, for the rest of this page
    return signed


def came_from() -> str:
    """Where a page's Back link goes: the page of this service the browser came from (its
    Referer, which the Referrer-Policy "same-origin" sends only from this site's own pages), if it
    is one a browser can open again; else the start page. The pages every page's footer links to
    (the privacy notice, cookies...) are reached from any page, so they cannot know where Back is.
    While a page is rendered to be kept, a stand-in that is filled in for each request."""
    if g.get("csp_nonce") == NONCE_SLOT:
        return BACK_SLOT
    home = url_for("main.index")
    referrer = urlsplit(request.headers.get("Referer", ""))
    if referrer.netloc != request.host or referrer.scheme not in ("http", "https"):
        return home
    path, root = referrer.path, request.script_root  # (the path the service is reached by, if any)
    if not path.startswith(f"{root}/") or path.startswith("//") or path[len(root) :] == request.path or "\\" in path:
        return home
    try:  # a page that answers GET, whoever may see it (the inbox's own pages say if signed out)
        endpoint, _ = current_app.url_map.bind(request.host).match(path[len(root) :], method="GET")
    except HTTPException:
        return home
    return home if endpoint in ("main.exit", "static") else path


def _render_with_slots(template_name: str, context: Mapping[str, Any] | Callable[[], Mapping[str, Any]]) -> str:
    """Render with the nonce and CSRF token replaced by their slots; put the real ones back on ``g`` after."""
    token_name = str(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    saved = {name: g.get(name) for name in ("csp_nonce", token_name)}
    g.csp_nonce = NONCE_SLOT
    setattr(g, token_name, CSRF_SLOT)  # what flask_wtf's generate_csrf returns while it is set
    try:
        return render_template(template_name, **(context() if callable(context) else context))
    finally:
        for name, value in saved.items():
            if value is None:
                g.pop(name, None)
            else:
                setattr(g, name, value)


@pass_context
def say(context: Context, words: Any, supervision: str | None = None, mode: str | None = None) -> str:
    """Wording for the journey's mode: the one way templates choose words by mode.

    ``say(text)`` for wording that knows its modes (the pack's ``Text``, a request field's
    ``Words``); ``say("your request", "the request")`` for a template's own words, the
    practitioner's first, then a manager's in supervision (who reads "the practitioner", never
    "you" for them). The mode is the template's ``mode``; a macro, which cannot see it, passes
    ``mode=``.
    """
    chosen = mode if mode is not None else context.get("mode")
    if not isinstance(chosen, str):
        raise RuntimeError(f"say() in {context.name}: the template has no mode (pass mode=...)")
    if supervision is not None:
        return supervision if chosen == "supervision" else str(words)
    return str(words.for_mode(chosen))


def site_context() -> dict[str, Any]:
    """What the layout needs on every page."""
    return {
        "service_name": SERVICE_NAME,
        "partnership": current_partnership(),
        "partnership_name": current_partnership().name,
        "contacts": current_contacts(),
    }


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals (its own, then the environment's), whose ``keys()`` is a dict's view.

    On every ``{% import %}`` and ``{% from ... import %}`` Jinja works out which of the page's
    globals the imported template lacks: ``page_keys - template.globals.keys()``. A ``ChainMap``'s
    keys view answers that one key at a time in Python (about 25 µs for our 20 globals, and an
    inbox page imports dozens of times: 4% of its time); a dict's keys view does it in C. Jinja
    reads ``keys()`` only there; lookups and writes are the ``ChainMap``'s own."""

    def keys(self) -> Any:  # a dict's KeysView, not ChainMap's (typeshed's KeysView[str] is both)
        return dict.fromkeys(self).keys()


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, with ``TemplateGlobals`` for each template."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, self.globals)


def flashed_messages(with_categories: bool = False) -> list[Any]:
    """Flask's ``get_flashed_messages``, except that a HEAD request (a link checker, a preview)
    only looks: the one-off message ("Session cancelled", "signed out because…") is still there
    for the GET that shows it."""
    if request.method != "HEAD":
        return list(get_flashed_messages(with_categories=with_categories))
    kept = session.get("_flashes", [])
    return list(kept) if with_categories else [message for _category, message in kept]


# The bidirectional classes of a letter written right to left (Hebrew; Arabic, Urdu, Persian...).
RIGHT_TO_LEFT_CLASSES = frozenset({"R", "AL"})


def direction(text: Any) -> str:
    """The direction ``text`` reads in, as ``dir`` gives it: "rtl" or "ltr" by its first letter
    with a direction of its own (as ``right_to_left``), or "" if it has none (digits alone)."""
    for character in str(text):
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in RIGHT_TO_LEFT_CLASSES:
            return "rtl"
    return ""


def right_to_left(text: Any) -> bool:
    """Whether ``text`` reads right to left: its first letter with a direction of its own is one
    of a right-to-left script, as a browser decides for ``dir="auto"`` (digits, spaces and
    punctuation have none). For the PDFs, which WeasyPrint lays out left to right unless told
    ``dir="rtl"``: it does not work out ``dir="auto"``."""
    for character in str(text):
        direction = unicodedata.bidirectional(character)
        if direction == "L":
            return False
        if direction in RIGHT_TO_LEFT_CLASSES:
            return True
    return False


# A run of this many characters or more with no space in it (an email address, a web address)
# cannot be relied on to fit the PDF's value column: see ``breakable_words``.
UNBROKEN_WORD = 40
_UNBROKEN = re.compile(rf"\S{{{UNBROKEN_WORD},}}")


def breakable_words(text: Any) -> Markup:
    """``text`` escaped, each run of ``UNBROKEN_WORD`` characters or more without a space in a
    ``<span class="unbroken">``, which the PDFs break anywhere (print.css): WeasyPrint moves a
    line that begins with a word too wide for the value column below the key floated beside
    it, whatever ``overflow-wrap`` says, leaving the key alone on its line (an email address of a
    hundred characters, in the request PDF)."""
    text = str(text)
    pieces: list[Markup] = []
    at = 0
    for found in _UNBROKEN.finditer(text):
        pieces.append(escape(text[at : found.start()]))
        pieces.append(Markup('<span class="unbroken">{}</span>').format(found.group(0)))  # escaped by format
        at = found.end()
    pieces.append(escape(text[at:]))
    return Markup("").join(pieces)


# A UK phone number in a setting's sentences ("call 0161 496 0000", "+44 161 496 0000"), and an
# email address ("email facilitators@partnership.example."): the full stop after it is the sentence's.
# "+44 (0)161 …", "0044 161 …", "(0161) 496 0000" too; never digits inside a word or an address
# ("ref01614960000", "…?tel=0161…"). Found (regression review): "0044 161 496 0000" was linked cut
# short, "tel:0044161496", a wrong number to tap.
# (And "00 44 …", "Tel:0161 …"; not the start of an address, "0161…@sms.example".)
_PHONE = re.compile(
    r"(?<![\w+=/.-])"
    r"(?:(?:\+44|00\s?44)\s?(?:\(0\)\s?)?[1-9](?:[ -]?\d){8,9}"
    r"|\(0\d{2,4}\)\s?\d{3,4}[ -]?\d{3,4}"
    r"|0[1-9](?:[ -]?\d){8,9})"
    r"(?![\w@]|[ -]?\d)"  # (not the first digits of a longer run: "07700 900 123 456")
)
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"  # a part of an address's domain: no hyphen at either end
# An address's own part may hold an apostrophe (o'brien@…: found, regression review, it was cut
# to brien@…), but does not start with one (a quotation mark).
_EMAIL = re.compile(rf"(?<![\w.+-])\w[\w.+'’-]*@{_LABEL}(?:\.{_LABEL})+")
_CONTACT = re.compile(f"(?P<phone>{_PHONE.pattern})|(?P<email>{_EMAIL.pattern})")


def linked_contacts(text: Any) -> Markup:
    """``text`` escaped, with each phone number in it a ``tel:`` link (kept on one line by the
    style sheet's rule for them) and each email address a ``mailto:`` link. Found (review): the
    facilitators' contact details, typed into a setting (``FACILITATOR_CONTACT_TEXT``), were plain
    text, so a phone number could not be tapped on a phone and broke across two lines."""
    text = str(text)
    pieces: list[Markup] = []
    at = 0
    for found in _CONTACT.finditer(text):
        pieces.append(escape(text[at : found.start()]))
        shown = found.group(0)
        if found.group("phone"):
            digits = re.sub(r"\D", "", shown.replace("(0)", ""))
            if shown.startswith("+"):
                digits = "+" + digits
            elif digits.startswith("0044"):
                digits = "+" + digits[2:]
            href = "tel:" + digits
        else:
            href = "mailto:" + shown
        pieces.append(Markup('<a class="govuk-link" href="{}">{}</a>').format(href, shown))  # escaped by format
        at = found.end()
    pieces.append(escape(text[at:]))
    return Markup("").join(pieces)


_WEB_ADDRESS_START = re.compile(r"^(?:https?://)?[^/\s]+/?")
# Joins the characters either side of it into one word for line breaking, and is not drawn (web_address).
WORD_JOINER = "\u2060"


def css_string(text: Any) -> Markup:
    """``text`` as a quoted CSS string (for a PDF's running header): every character but letters,
    digits and spaces written as a CSS escape, so no quote, backslash or "</style>" in it can end the
    string or the style sheet, and an apostrophe is not written as an HTML entity (which a style
    sheet shows as it is). Each escape ends with a space, which CSS takes as part of it: a space
    after an escape is always taken so, and the name's own space after a comma was lost."""
    escaped = "".join(
        character if (character.isalnum() and character.isascii()) or character == " " else f"\\{ord(character):06x} "
        for character in str(text)
    )
    return Markup(f'"{escaped}"')  # noqa: S704 - every character but letters, digits and spaces escaped above


def web_address(address: Any) -> Markup:
    """A web address to print, escaped, its start (the scheme and the site's name) kept on one
    line: a printed address breaks after a "/" of its path, not after "https://". Found (new-user
    review): the supervision record's pathway guidance address read "https://" at the end of one
    line, the rest below. An address with its scheme is a link too, which a PDF reader opens
    (found, PDF review: the record's addresses were text only).

    The start is held together by a word joiner (U+2060, which is not drawn, nor copied or read out
    from the PDF) after each of its characters, not by an element of its own: the PDF renderer makes
    a link area for each element in a link, and tags it as that element, not as the link. Found
    (review of the files the service hands out): with a ``<span>`` there, each address had a second
    link area, tagged as a Span, so a screen reader met the address twice and the record failed
    PDF/UA-1 ("a link annotation is not nested within a Link tag", ISO 14289-1, 7.18.5). The rest of
    the path is not held together either: a printed address may break after a hyphen of its path."""
    text = str(address)
    found = _WEB_ADDRESS_START.match(text)
    if found is None:
        return escape(text)
    start, rest = text[: found.end()], text[found.end() :]
    shown = escape(WORD_JOINER.join(start)) + escape(rest)
    if text.startswith(("https://", "http://")):
        return Markup('<a href="{}">{}</a>').format(text, shown)
    return shown


def printed_address(address: Any) -> Markup:
    """Another site's address, shown only on paper after its link (whose class
    ``app-link--address-printed`` keeps GOV.UK Frontend's own printed address from it): without
    "https://", each part of its path kept on one line, a line breaking only after a "/". Found
    (printing review): the address GOV.UK Frontend prints broke after a hyphen of its own,
    "…managing-allegations-against-adults-" then "who-work-with-children)", and someone typing it
    from paper could not tell whether the hyphen was part of it. Empty for anything but a web address."""
    text = str(address)
    scheme = re.match(r"^https?://", text)
    if scheme is None:
        return Markup("")
    parts = re.findall(r"[^/]*/|[^/]+$", text[scheme.end() :])
    shown = Markup("<wbr>").join(Markup('<span class="app-printed-address__part">{}</span>').format(p) for p in parts)
    return Markup('<span class="app-printed-address"> ({})</span>').format(shown)  # escaped by format


# Marks around the contacts in an email's text (the urgent contacts, and a route's own), so that an
# email stored when it is queued gives them as they are when it is sent (``emails.with_contacts_now``).
CONTACTS_MARK = "\x1e({})\x1e"
CONTACTS_END = "\x1e(end)\x1e"


def contacts_mark(what: str) -> str:
    """The mark before contacts in an email's text: ``what`` they are ("urgent contacts")."""
    return CONTACTS_MARK.format(what)


def init_jinja(app: Flask) -> None:
    """Our templates first, then the GOV.UK macro packages under their prefixes; strict undefined."""
    app.jinja_environment = Environment  # before anything makes app.jinja_env
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    # The same package under another name, for our few wrappers of its macros that
                    # keep its path (templates/govuk_frontend_jinja/: the character count's hint).
                    "govuk_frontend_jinja_package": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.undefined = ProjectUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["cached_fragment"] = cached_fragment
    app.jinja_env.globals["kept_for_a_while"] = kept_for_a_while
    app.jinja_env.globals["answers_given_together"] = answers_given_together
    app.jinja_env.globals["keep_answers_words"] = keep_answers_words
    app.jinja_env.globals["session_expired"] = session_expired
    app.jinja_env.globals["session_unreadable"] = session_unreadable
    app.jinja_env.globals["say"] = say
    app.jinja_env.globals["came_from"] = came_from
    app.jinja_env.globals["get_flashed_messages"] = flashed_messages
    # Whether contacts' phone lines are open now: only for pages made afresh for each request
    # (never a kept page or fragment, which would keep one moment's answer).
    app.jinja_env.globals["open_now_words"] = open_now_words
    app.jinja_env.tests["right_to_left"] = right_to_left
    app.jinja_env.filters["direction"] = direction
    app.jinja_env.filters["breakable_words"] = breakable_words
    app.jinja_env.filters["linked_contacts"] = linked_contacts
    app.jinja_env.filters["web_address"] = web_address
    app.jinja_env.filters["printed_address"] = printed_address
    app.jinja_env.globals["contacts_mark"] = contacts_mark
    app.jinja_env.globals["contacts_end"] = CONTACTS_END
    app.jinja_env.filters["css_string"] = css_string
    WTFormsHelpers(app)
    app.context_processor(site_context)


# Our own templates (not GOV.UK Frontend's), read for mistakes when the web app or the outbox
# worker starts (``template_mistake``).
TEMPLATES_ROOT = PROJECT_ROOT / "templates"


def template_mistake(app: Flask, root: Path | None = None) -> str | None:
    """The first of our templates that Jinja cannot read, in a sentence naming its file and
    line, or None. Found (new engineer's review): a mistake in the request PDF's template (an
    ``endmacro`` inside a ``for``) let the app and the worker start, and the practitioner was
    told "Request sent"; only the worker's log said "the PDF renderer failed
    (TemplateSyntaxError)", naming no template or line. A page's template shows its mistake when
    the page is opened; a PDF's or an email's only when the worker renders it. Read, not run:
    only the template language is checked (about 0.3 s for them all, once per process: a
    template read again with the same words, filters and tests is not compiled again). A block
    left open is named at the line where the template ends, as Jinja finds it there."""
    root = root or TEMPLATES_ROOT
    known = (frozenset(app.jinja_env.filters), frozenset(app.jinja_env.tests))
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        # (print.css too: every PDF includes it, as a template. Found, regression review.)
        if path.suffix not in (".html", ".txt", ".css") or relative.parts[0] == "govuk_frontend_jinja":
            continue
        if not path.is_file():
            continue
        source = path.read_text(encoding="utf-8")
        key = (relative.as_posix(), source, known)
        if (mistake := _TEMPLATES_READ.get(key, "")) == "":
            mistake = _TEMPLATES_READ[key] = _mistake_in(app.jinja_env, source, relative, path)
        if mistake is not None:
            return mistake
    return None


# What ``template_mistake`` found in each template read (its name, its words and the filters and
# tests known then): each is compiled once in a process, however many apps are made (the tests
# make thousands; ``flask outbox send`` and the worker read them all as they start).
_TEMPLATES_READ: dict[tuple[str, str, tuple[frozenset[str], frozenset[str]]], str | None] = {}


def _mistake_in(env: FlaskEnvironment, source: str, relative: Path, path: Path) -> str | None:
    """The first mistake in one template's ``source``, as ``template_mistake`` words it, or None."""
    try:
        # Compiled, not only parsed: a filter or test that does not exist is found too (found,
        # regression review: "{{ x | nosuchfilter }}" passed a parse). Jinja leaves one inside
        # an "if" to when it runs, so each filter and test is looked up as well.
        env.compile(source, relative.as_posix(), str(path))
        tree = env.parse(source, relative.as_posix(), str(path))
    except TemplateSyntaxError as error:
        return f"templates/{relative.as_posix()}, line {error.lineno}: {error.message}"
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in known:
            kind = "filter" if isinstance(node, nodes.Filter) else "test"
            return f"templates/{relative.as_posix()}, line {node.lineno}: No {kind} named '{node.name}'."
    return None


def refuse_a_template_mistake(app: Flask) -> None:
    """Stop start-up (``StartupError``) at a template Jinja cannot read (``template_mistake``)."""
    if (mistake := template_mistake(app)) is not None:
        raise StartupError(f"a template has a mistake: {mistake}")


def keep_every_template(app: Flask) -> int:
    """Load every template the app can render (ours, GOV.UK Frontend's, govuk-frontend-wtf's) into
    Jinja's cache, where a served app or the outbox worker keeps it for as long as it runs; returns
    how many. An upgrade replaces the files under the running version (README, "Upgrade": the new
    code is in place before the restart), and Jinja reads a template from its file the first time
    it is asked for it: found (administrator review), between `git pull` and the restart the old
    code rendered the new templates, and the privacy notice, question pages, the inbox, and the
    "Request sent" page after a request was stored, were server errors (the practitioner, told it
    may not have been saved, sent it again); the worker failed the request's PDF. Cached, a
    template is never read again (Jinja looks at its file again only with ``auto_reload``, off
    unless TEMPLATES_AUTO_RELOAD or debug is set). About a second, once, as the process starts."""
    env = app.jinja_env
    names = env.list_templates(extensions=("html", "txt", "css"))
    if not isinstance(env.cache, LRUCache) or env.cache.capacity < len(names) * 2:
        # (Room for them all and more. With no cache, Jinja would read each file every time.)
        env.cache = cast("MutableMapping[Any, Any]", LRUCache(len(names) * 2))
    for name in names:
        env.get_template(name)
    return len(names)
