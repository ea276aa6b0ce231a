"""Error pages: every error a user can cause gets a page that says what to do next, never a traceback.

``render_error(code)`` gives the friendly page for an HTTP status (views use it too, e.g. for
a form whose security token failed); ``register_error_handlers(app)`` routes errors to it.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .outage import is_database_outage, log_database_error
from .rate_limits import limit_hit, wait_words
from .sessions import forget_in_this_browser, leave_session_untouched, session_expired, session_unreadable
from .templating import render_page
from .typed_text import form_to_send_again, typed_text_kept
from .web import from_another_site, read_rest_of_body

# Why a form was refused when its token was right but nothing said it came from this service's own
# page (no Referer or Origin header: a browser setting, a privacy extension or a network's proxy
# takes them out; ``extensions.OriginCheckingCSRFProtect``). It would be refused each time it was sent
# again, and was said to have been "open for a long time" (found, locked-down machines review).
SITE_UNKNOWN = (
    "Your browser did not say that the form came from this service. A browser setting, "
    "a privacy extension or your organisation's network can hold this back. Try another browser, or ask your IT "
    "service desk to let your browser send the Referer and Origin headers to this website"
)

# Error pages with their own template in templates/errors/; other codes use errors/error.html.
ERROR_TEMPLATES = {400, 403, 404, 405, 413, 429, 500, 503}
# The addresses of the questions, the outcome and the request (``in_journey``).
JOURNEY_PATHS = ("/start", "/continue", "/questions/", "/result", "/request")

log = logging.getLogger(__name__)


def render_error(
    code: int,
    csrf_failure: bool = False,
    description: str | None = None,
    kept: list[tuple[str, str]] | None = None,
    answers_gone: bool = False,
    wait: str | None = None,
    signed_out_because: str | None = None,
    account_closed: bool = False,
    choose_password: str | None = None,
) -> tuple[str, int]:
    """The friendly page for an HTTP error code.

    The pages for what visitors cause (4xx) are rendered once and kept, like the journey's pages
    (``render_page``): a visitor over the rate limit, or a scan for missing pages, then costs
    less than a page of the service, not more. 500 and 503 are rendered afresh, with as little
    as possible between the failure and the page, and so is a page that gives back what was
    typed (``kept``: label and text, for an expired inbox form whose facilitator was signed out,
    so they can copy it before signing in again; a 503 after a form finds its own:
    ``app.typed_text``), and an expired inbox form's, which links back to its own address.
    ``answers_gone``: an expired journey form whose journey was cleared since (Start again or
    Exit this page in another tab), so the page does not say the answers were kept. ``wait``:
    for 429, how long the limit hit may take to let the next try through, in words
    (``app.rate_limits.wait_words``). ``signed_out_because``: for an inbox form sent after its
    sign-in ended (its hours were up, its password was changed), why, so the "form has expired"
    page says that, not the usual causes; ``account_closed``: the account was closed, so the
    page does not suggest signing in again; ``choose_password``: the address of "Change your
    password" for an account that must choose its own first, which the page leads to instead."""
    template = f"errors/{code}.html" if code in ERROR_TEMPLATES else "errors/error.html"
    # A form in the facilitators' inbox is not a journey's: its page says so, and leads back there.
    in_inbox = has_request_context() and (request.path == "/inbox" or request.path.startswith("/inbox/"))
    # A page of the questions, their outcome or the request: its 429 leads back to the questions.
    in_journey = has_request_context() and request.path.startswith(JOURNEY_PATHS)
    # Who is signed in to the inbox (set by its require_facilitator), so a refusal can lead back
    # to what the account may open: "statistics" (a read-only account), "inbox", or None. Not for
    # a 5xx page, which leads nowhere by account: found (dependency review), after a write the
    # database refused, reading the account's role asked the failed transaction again, so every
    # inbox form sent then got a bare line of text (500) instead of this page, and what was typed
    # was lost.
    # The inbox's sign-in form itself (refused over the limit on sign-in attempts, say).
    signing_in = in_inbox and request.endpoint == "inbox.sign_in"
    account = g.get("facilitator") if in_inbox and code < 500 else None
    signed_in_to = None if account is None else "statistics" if account.reads_statistics_only else "inbox"
    # A form refused for its token, sent without the service's cookie at all: the browser was
    # closed since, Exit this page took the cookie out in another tab, or the browser blocks
    # cookies (a locked-down council or NHS computer, say), where every form is refused so, and
    # "Start again" led back to the same page for ever, never saying why (found: b158, cookies
    # blocked). The page says what to do if it comes back at once.
    no_cookie = (
        csrf_failure and has_request_context() and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
    )
    # Refused with its token right because nothing said the form came from this site (no Referer, no
    # Origin: ``extensions.OriginCheckingCSRFProtect``): sent again, it is refused again.
    site_unknown = csrf_failure and has_request_context() and bool(g.get("csrf_site_unknown"))
    context: dict[str, Any] = {
        "code": code,
        "csrf_failure": csrf_failure,
        "description": description,
        "in_inbox": in_inbox,
        "in_journey": in_journey,
        "signing_in": signing_in,
        "signed_in_to": signed_in_to,
        "kept": kept or [],
        "answers_gone": answers_gone,
        "wait": wait,
        "signed_out_because": signed_out_because,
        "account_closed": account_closed,
        "choose_password": choose_password,
        "no_cookie": no_cookie,
        "site_unknown": SITE_UNKNOWN if site_unknown else None,
    }
    if code == 503:
        context.update(outage_context())
        # A form sent as the database failed: what was typed, to copy (Back would ask the server again).
        context["kept"] = kept or typed_text_kept()
        context["send_again"] = None if context["submitting"] else form_to_send_again()
    elif code == 429:
        # A form sent over a rate limit: the same (found, operations review: it was lost; an office
        # or a training room shares one address, and so the site-wide limit). Not a sign-in's email
        # address (kept for a 503, when the sign-in page is the same problem page): the sign-in page
        # opens again at once, only its posts are limited, and the address is soon typed again
        # (found, facilitator review: it was offered in a box "to copy").
        context["kept"] = kept = kept or ([] if signing_in else typed_text_kept())
    # The inbox's "form has expired" page links back to the address its form was sent to
    # (templates/errors/400.html), so it is made afresh each time: kept, every later one gave the
    # first one's link, to another request (security review).
    names_its_address = csrf_failure and in_inbox
    if code < 500 and not kept and not names_its_address:
        key = (
            "error",
            code,
            csrf_failure,
            description,
            session_expired(),
            session_unreadable(),
            in_inbox,
            in_journey,
            signing_in,
            signed_in_to,
            answers_gone,
            wait,
            signed_out_because,
            account_closed,
            no_cookie,
            site_unknown,
        )
        return render_page(template, key, context), code
    return render_template(template, **context), code


def slash_removed() -> str | None:
    """For a GET of one of our addresses typed with a slash at the end ("/inbox/"), the address
    without it (and its query), if that is a page; else None."""
    path = request.path
    if request.method not in ("GET", "HEAD") or path == "/" or not path.endswith("/"):
        return None
    target = path.rstrip("/")
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(target, method=request.method)
    except HTTPException:
        return None
    query = request.query_string.decode("ascii", "replace")
    return request.script_root + target + (f"?{query}" if query else "")


# Where a failed request sent its answers: the request's "send" button (nothing was sent).
SUBMIT_PATH = "/request/submit"


# Where the database failing must still end the sign-in in this browser.
SIGN_OUT_ENDPOINT = "inbox.sign_out"


def _session_left_as_it_was() -> None:
    """The database failed: nothing is written to the session. A facilitator's sign-out takes the
    cookie out of the browser all the same (``sessions.forget_in_this_browser``), and the page says
    so (``signed_out_here``)."""
    # (Not a sign-out sent from another site: with the database up it is refused. Regression review.)
    if has_request_context() and request.endpoint == SIGN_OUT_ENDPOINT and not from_another_site():
        forget_in_this_browser()
        g.signed_out_here = True
        g.tell_tabs_signed_out = True  # the inbox's other tabs close too (regression review)
        g.facilitator = None  # (no "Stay signed in?" warning on its page: regression review)
    else:
        leave_session_untouched()


def outage_context() -> dict[str, Any]:
    """What the "database down" page says about what was kept, and where to pick up again.

    ``sent_form``: the failed request carried a form (a POST), so what was typed on that page was
    not saved. ``submitting``: it was the request's "send" (``request_stored``: the request was
    stored before the failure, so sending again shows its reference, never a second request).
    ``had_answers``: the browser sent a session's cookie. ``resume_url``: the page to go back to
    once the service is back: the address asked for, when it is one of ours that can be opened
    (GET), without its query string, under the path the service is reached by (``script_root``, as
    ``url_for`` gives); check your answers for a failed "send". Never anything typed: answers are
    not in addresses. Found (dependency review): a facilitator's form that failed (a note, a
    status) had no link back, as its address takes only posts; a GET of it leads to the request
    page, at the form, so it is the link."""
    if not has_request_context():
        return {
            "sent_form": False,
            "signed_out_here": False,
            "submitting": False,
            "request_stored": False,
            "resume_url": None,
            "had_answers": False,
        }
    sent_form = request.method not in ("GET", "HEAD")
    submitting = request.path == SUBMIT_PATH and sent_form
    rule = request.url_rule
    resume_url = None
    if submitting:
        resume_url = url_for("requests.check")
    elif rule is not None and request.path.startswith("/") and ("GET" in (rule.methods or ()) or opens(request.path)):
        resume_url = request.script_root + request.path  # (under the path the service is reached by)
    return {
        "sent_form": sent_form,
        "signed_out_here": bool(g.get("signed_out_here")),
        "submitting": submitting,
        "request_stored": bool(g.get("request_stored")) if submitting else False,
        "resume_url": resume_url,
        # Whether this browser has a journey whose answers can be kept: it sent the session's
        # cookie. Found (user review): "Answers you saved before this page are kept" was said to a
        # first visit (Start now as the database failed), which had saved nothing.
        # Not on a feedback link's page (interrupted people review: "Answers you saved before this page are
        # kept" to a practitioner answering the feedback email, who had saved none): its session holds none.
        "had_answers": current_app.config["SESSION_COOKIE_NAME"] in request.cookies and request.blueprint != "feedback",
    }


def opens(path: str) -> bool:
    """Whether a GET of ``path`` is one of our pages: a form's address that only takes posts can
    still be one (a request page's form addresses lead to the request page, at the form)."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return False
    return True


def error_without_messages(error: BaseException) -> str:
    """An unexpected error for the log: the type and frames (file, line, function and source line)
    of the error and of each error it was raised from or while handling, never their messages.

    A message can quote what someone typed: a library's ``ValueError`` quoting its input, or a
    database error met on the way (PostgreSQL's "Failing row contains (...)", which
    ``hide_parameters`` does not hide) that Python printed as the context of the one logged.
    Before, the whole traceback was logged, messages and all (privacy review); a database error
    on its own was already logged without its message (``log_database_error``)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{link}{kind.__module__}.{kind.__qualname__} (message not logged)\n{frames}")
        if current.__cause__ is not None:
            current, link = current.__cause__, "raised from "
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "raised while handling "
        else:
            current = None
    return "".join(parts).rstrip("\n")


def log_unexpected_error(error: BaseException) -> None:
    """An unexpected error in the log: a database error as ``log_database_error`` logs it, any
    other by ``error_without_messages``."""
    if isinstance(error, SQLAlchemyError):
        log_database_error(error)
    else:
        log.error("Unhandled error on a request: %s", error_without_messages(error))


class ErrorsWithoutMessages(logging.Filter):
    """On Flask's own logger (``app.logger``): an error it logs with its traceback (its
    "Request finalizing failed", when an error page could not be finished) is logged with
    ``error_without_messages`` instead, its messages left out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg, record.args = "%s: %s", (record.getMessage(), error_without_messages(record.exc_info[1]))
            record.exc_info, record.exc_text = None, None
        return True


def register_error_handlers(app: Flask) -> None:
    """Send CSRF failures, HTTP errors and anything unexpected to ``render_error``.

    An error raised outside the view (in an ``after_request`` function, or saving the session)
    reaches Flask's ``handle_exception``, which logs it itself (``log_exception``) before the
    handlers below: whole, messages and all, as "Exception on <path>", the path naming the
    question page (found, diff review: the errors the handlers log left messages out, these did
    not). It is logged as the handlers log theirs."""

    def log_exception(exc_info: Any) -> None:
        log_unexpected_error(exc_info[1])

    app.log_exception = log_exception  # type: ignore[method-assign]  # Flask's hook, called by handle_exception

    @app.after_request
    def say_when_to_try_again(response: Response) -> Response:
        """A refusal over a rate limit or an account's lockout (429) says how many seconds to wait,
        at most, in a Retry-After header, as its page says it in words (``g.retry_after``: set by
        ``rate_limits.limit_hit`` and the inbox's lockout)."""
        if response.status_code == 429 and "Retry-After" not in response.headers:
            seconds = g.get("retry_after")
            if seconds:
                response.headers["Retry-After"] = str(seconds)
        return response

    if not any(isinstance(existing, ErrorsWithoutMessages) for existing in app.logger.filters):
        app.logger.addFilter(ErrorsWithoutMessages())

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        """The form's token was missing or did not match the session (usually: the session expired)."""
        return render_error(400, csrf_failure=True)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        """4xx and 5xx raised by views or routing (a view's own page, ``abort(response)``, as it is)."""
        if error.response is not None:
            return error.response
        code = error.code or 500
        if code < 400:
            return error
        if code >= 500:  # 503: the database is down (also when saving the session failed after the view)
            if code == 503 or is_database_outage(getattr(error, "original_exception", None)):
                _session_left_as_it_was()
                return render_error(503)
            return render_error(500)
        if code == 404 and (without_slash := slash_removed()) is not None:
            return redirect(without_slash, code=308)
        if code == 413:
            read_rest_of_body()  # (else nginx, still sending it, shows its offline page)
        wait = wait_words(limit_hit(error)) if code == 429 else None
        body, status = render_error(code, wait=wait)
        valid_methods = getattr(error, "valid_methods", None)
        if code == 405 and valid_methods:
            return body, status, {"Allow": ", ".join(valid_methods)}
        return body, status

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        """Anything unexpected: log it with its traceback, show a plain apology.

        Under test or debug (PROPAGATE_EXCEPTIONS) the error is raised instead, so tests see it.
        """
        propagate = app.config.get("PROPAGATE_EXCEPTIONS")
        if propagate is None:
            propagate = app.testing or app.debug
        if propagate:
            raise error
        code = 500
        log_unexpected_error(error)  # without its message: it can quote what was typed
        if isinstance(error, SQLAlchemyError) and is_database_outage(error):
            _session_left_as_it_was()
            code = 503
        try:
            return render_error(code)
        except Exception as page_error:  # noqa: BLE001 — the error page itself failed: last resort, no traceback
            log.error("The error page failed to render: %s", error_without_messages(page_error))
            return "Sorry, there is a problem with the service. Try again in a few minutes.", 500
