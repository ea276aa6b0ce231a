"""Small pieces several blueprints' views share: the GOV.UK error summary, a refused form shown
after a redirect, PDF and CSV downloads, whether a request came from another site, and a page's
full address for an email."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from typing import Any

from flask import current_app, redirect, request, session
from werkzeug.wrappers import Response


def public_url(endpoint: str, **values: str) -> str | None:
    """A page's full address for an email (``PUBLIC_BASE_URL`` and the route), or None when
    ``PUBLIC_BASE_URL`` is unset. Built from the routes, not from a web request: the outbox
    worker, which writes the emails, has none."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base:
        return None
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def error_summary(fields: Iterable[Any]) -> list[dict[str, str]]:
    """The GOV.UK error summary's list: each field's first error, linked to the field.

    ``fields`` is a form (which iterates over its fields) or any fields; the CSRF token's
    field is left out (its failure has a page of its own).
    """
    return [
        {"text": field.errors[0], "href": f"#{field.id}"}
        for field in fields
        if field.errors and field.name != "csrf_token"
    ]


# What a refused form's page needs to show it again (``show_refused_form``), until its next GET.
REFUSED_FORM_KEY = "refused_form"
# The work email a facilitator has just searched for, kept in their session for the results page
# (``app.inbox.views.find_by_email``), and dropped from every session when requests are deleted
# (``app.retention.forget_refused_forms_about``).
EMAIL_SEARCH_KEY = "inbox_email_search"


def _this_address() -> str:
    """This request's address on the site (its path and query), to come back to."""
    query = request.query_string.decode("latin-1")
    return f"{request.script_root}{request.path}{'?' + query if query else ''}"


# A feedback link's token in an address kept in the session, kept only as its hash (as the
# feedback_tokens table keeps it): found (data protection review), a refused feedback form kept
# its address, working link and all, in the session for up to 30 minutes, where the privacy
# notice says only a scrambled version of the link is kept.
_FEEDBACK_LINK = re.compile(r"(/feedback/)(?!thank-you(?:$|\?))([^/?]+)")


def _as_kept(address: str) -> str:
    """``address`` as the session keeps it: a feedback link's token as its SHA-256 hash."""
    return _FEEDBACK_LINK.sub(
        lambda found: found.group(1) + "sha256-" + hashlib.sha256(found.group(2).encode()).hexdigest(), address, 1
    )


def show_refused_form(kept: dict[str, Any], address: str | None = None) -> Response:
    """After a form is refused (an answer missing or not valid): keep ``kept``, what the page needs
    to show the form as it was sent, with its errors (never a password), in the session, and send
    the browser to the same address (303), or to the page's ``address`` (a path on the site) for a
    form posted elsewhere, whose GET shows it (``refused_form``).

    Found (review): the page with the errors was the answer to the POST, which no browser may keep
    (``no-store``: it can show answers). Once the form was put right and sent, the browser's Back
    to that page gave Chrome's "Confirm Form Resubmission" (net::ERR_CACHE_MISS) instead of the
    question. Now every page in the browser's history is a GET, asked for again on Back."""
    address = address or _this_address()
    session[REFUSED_FORM_KEY] = {"address": _as_kept(address), "kept": kept}
    return redirect(address, 303)


def refused_form(keep: bool = False) -> dict[str, Any] | None:
    """On a page's GET, what ``show_refused_form`` kept for this address, once (``keep``: until
    ``forget_refused_form``, for a page that keeps nothing else of what was typed, so that a
    reload shows it again); else None (also when it was kept for another page: it is dropped,
    so it never shows up later)."""
    if REFUSED_FORM_KEY not in session:
        return None
    stored = session.get(REFUSED_FORM_KEY)
    here = stored if isinstance(stored, dict) and stored.get("address") == _as_kept(_this_address()) else None
    if not (keep and here):
        session.pop(REFUSED_FORM_KEY)
    kept = here.get("kept") if here else None
    return kept if isinstance(kept, dict) else None


def refused_form_holds(key: str) -> bool:
    """Whether what ``show_refused_form`` kept for this address has ``key`` (without taking it)."""
    stored = session.get(REFUSED_FORM_KEY) if REFUSED_FORM_KEY in session else None
    if not (isinstance(stored, dict) and stored.get("address") == _as_kept(_this_address())):
        return False
    kept = stored.get("kept")
    return isinstance(kept, dict) and key in kept


def forget_refused_form() -> None:
    """Drop what ``show_refused_form`` kept (the form has been sent)."""
    if REFUSED_FORM_KEY in session:
        session.pop(REFUSED_FORM_KEY)


def forget_refused_form_elsewhere() -> None:
    """Drop what ``show_refused_form`` kept, unless it was kept for this page: another page
    opened (the list, say), the refused form is done with, and coming back to its page later
    shows the page as it is, not the old errors."""
    stored = session.get(REFUSED_FORM_KEY) if REFUSED_FORM_KEY in session else None
    if stored is not None and not (isinstance(stored, dict) and stored.get("address") == _as_kept(_this_address())):
        session.pop(REFUSED_FORM_KEY)


def from_another_site() -> bool:
    """Whether this request came from a page of another site, as far as the browser says
    (``Sec-Fetch-Site``; else the ``Referer``, when it names another site; with neither, as from a
    typed address or a bookmark, it did not)."""
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from not in ("same-origin", "none")
    referrer = request.referrer
    if not referrer:
        return False
    return not referrer.startswith(request.host_url)


def pdf_download(data: bytes, filename: str) -> Response:
    """A PDF as a download, never kept in a cache (it can hold case details)."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# Put before a CSV download's text: Excel (the spreadsheet most partnership staff open a CSV in)
# reads a UTF-8 file without it as Windows-1252, so "Siobhán" came out "SiobhÃ¡n" (found:
# partnership review). LibreOffice, Numbers, Google Sheets and Python's "utf-8-sig" skip it.
BYTE_ORDER_MARK = "\ufeff"


def csv_download(text: str, filename: str) -> Response:
    """CSV text as a download (UTF-8, marked as such for Excel), never kept in a cache."""
    response = Response(BYTE_ORDER_MARK + text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# How much of a body over the limit is read (and thrown away) before the "too large" answer, and
# for how long at most.
DRAINED_AT_MOST = 20 * 1024 * 1024
DRAINED_FOR_AT_MOST_SECONDS = 2.0


def read_rest_of_body() -> None:
    """Read the rest of a request body over the limit, up to ``DRAINED_AT_MOST``, before answering,
    so the sender, still sending it, gets the answer. Answered while it was sending: a browser may
    take the closed connection for a failure and show its own "connection reset" page (found, a
    test's browser under load), and nginx does: it showed the offline page, "a problem with the
    service", and logged a 502 for a page the app had answered (administrator review).

    Only from the development server (threaded: nothing times out), or through one of our own
    proxies (``TRUSTED_PROXIES``: nginx, which has the whole body before it sends any, so no read
    waits on a slow sender). Under gunicorn, a visitor sending slowly straight to it would hold a
    worker until its timeout, each read waiting for its bytes (regression reviews): the time limit
    is checked between reads, so it does not bound one read that waits (as for any body sent
    slowly to gunicorn directly, which the README's set-up never lets happen)."""
    length = request.content_length or 0
    through_our_proxy = "werkzeug.proxy_fix.orig" in request.environ  # (app.proxies: set only for them)
    development = request.environ.get("SERVER_SOFTWARE", "").startswith("Werkzeug")
    if length > DRAINED_AT_MOST or not (development or through_our_proxy):
        return
    stream = request.environ.get("wsgi.input")
    left = length
    until = time.monotonic() + DRAINED_FOR_AT_MOST_SECONDS
    while stream is not None and left > 0 and time.monotonic() < until:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            break
        left -= len(chunk)
