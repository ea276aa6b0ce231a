"""What was typed into a form that could not be saved, given back on the page that says so.

Three pages say a form was not saved: "this form has expired" for a facilitator signed out
meanwhile (``errors/400.html``), "a problem with the service" when the database did not answer
(``errors/503.html``), and "too many attempts" over a rate limit (``errors/429.html``). Each
shows the form's free text, read-only, to copy before leaving the page: once the browser has
moved on, what was typed is kept nowhere else (the form's page is never cached, so Back asks the
server for it again, and while the database is down that is the same problem page).

Each blueprint registers the free text its forms post (``register``): the input's name and
the label to show it under. Only text typed into a form sent from this site is given back
(another site's page could otherwise post text of its choosing and have it shown on ours;
browsers send Origin with every form posted across sites).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from flask import has_request_context, request
from werkzeug.exceptions import HTTPException

from .input_guard import is_blank

# The free text each form posts, by endpoint: (input name, label). A label may be a function,
# called when the page is shown (a request field's label in the journey's mode). A field typed
# into several boxes (a month and a year) names them all, its text given back as they read in
# order, "3 2025".
Label = str | Callable[[], str]
Inputs = str | tuple[str, ...]
TYPED_TEXT: dict[str, tuple[tuple[Inputs, Label], ...]] = {}
TYPED_TEXT_MAX = 20_000  # more than any form takes, and no more is shown back


def register(endpoint: str, fields: Iterable[tuple[Inputs, Label]]) -> None:
    """Say which free text ``endpoint``'s form posts (input name, label), to be given back."""
    TYPED_TEXT[endpoint] = tuple(fields)


def typed_text_kept(endpoint: str | None = None) -> list[tuple[str, str]]:
    """What was typed into the posted form's free text (label, text), if anything: only for a
    form sent from this site. ``endpoint``: the free text of that endpoint's form, posted here
    (the idle warning's, when its time runs out: ``main.session_expired``)."""
    if not has_request_context() or request.method != "POST":
        return []
    sent_from = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if sent_from and urlsplit(sent_from).netloc != request.host:
        return []
    fields = TYPED_TEXT.get(endpoint or request.endpoint or "", ())
    if not fields:
        return []
    try:
        form = request.form
    except HTTPException:  # a form too large to read: nothing to give back
        return []
    kept = [(label() if callable(label) else label, typed_in(form, names)) for names, label in fields]
    return [(label, text) for label, text in kept if not is_blank(text)]


def typed_in(form: Mapping[str, str], names: Inputs) -> str:
    """What was typed into the field's box (or boxes, in order, each as typed: a space between)."""
    if isinstance(names, str):
        return form.get(names, "")[:TYPED_TEXT_MAX]
    return " ".join(text for name in names if not is_blank(text := form.get(name, "")[:TYPED_TEXT_MAX]))


def form_to_send_again() -> dict[str, object] | None:
    """The form the database failed on, to send again as it was once the service is back: its
    address (``action``: the path and query, which never hold answers) and every field it posted
    (``fields``: name, value), for the "service problem" page's Send again button. Found
    (operator review): after a minute's outage, "Go back to that page" opened it empty, and a
    radio answer or a reflection not copied from the page was lost. Only a form sent from this
    site, with no password and no file (a password is never written into a page; a file cannot
    be), nor the request's Send (its page has its own way back: check your answers)."""
    if not has_request_context() or request.method != "POST" or request.endpoint is None:
        return None
    sent_from = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not sent_from or urlsplit(sent_from).netloc != request.host:
        return None
    try:
        form, files = request.form, request.files
    except HTTPException:  # a form too large to read
        return None
    if files or any("password" in name for name in form):
        return None
    fields = [(name, value[:TYPED_TEXT_MAX]) for name, value in form.items(multi=True)]
    query = request.query_string.decode("latin-1")
    action = request.script_root + request.path + (f"?{query}" if query else "")
    return {"action": action, "fields": fields}


__all__ = ["TYPED_TEXT", "TYPED_TEXT_MAX", "form_to_send_again", "register", "typed_text_kept"]
