"""Views for the pages every visitor can reach without starting the journey."""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from dataclasses import dataclass, field

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms import ValidationError

from .. import typed_text
from ..errors import render_error
from ..extensions import csrf, db
from ..inbox import service as inbox_service
from ..inbox.views import DEVICE_COOKIE_DAYS, FACILITATOR_KEY, IMPORTANT, device_cookie_name, page_of_form, sign_in_page
from ..journey import current_state, has_journey, journey_url
from ..models import utcnow
from ..outage import QUERY_CANCELED_SQLSTATE, is_database_outage, outage_in_words
from ..outbox import (
    failing_for_too_long,
    held_in_words,
    outbox_held,
    refused_until_mended,
    untried_after_in_words,
    untried_for_too_long,
    worker_silent,
)
from ..pack import RULE_FILES_CHANGED, current_pack, rule_files_changed
from ..questions_pdf import stored_pdf
from ..questions_to_prepare import DEFAULT_PREPARE_MODE, prepare_mode, questions_to_prepare
from ..rate_limits import rate_limit_store_answers
from ..schema import schema_in_words, sqlite_disk_full, still_serves, takes_writes
from ..sessions import CLEARED_KEY, expired_session, not_the_persons_activity, refresh_step, reset_session
from ..sessions import session_expired as session_had_expired
from ..space_sessions.service import FEEDBACK_DAYS, OUTCOME_KEPT_DAYS
from ..start_page import keep_for_new_visitors
from ..supervision_record import forget_record
from ..templating import SENT_COPIES, kept_for_a_while, render_page
from ..uk_time import uk_today
from ..web import from_another_site, pdf_download
from ..wizard.glossary import Explainer
from . import bp
from .decides import cited_guidance, decision_graph_svg, guidance_by_source, noted_answers, routes

log = logging.getLogger(__name__)

# Slack for the clock between the page's timer and the server (a slow network, a busy worker).
IDLE_CHECK_MARGIN = dt.timedelta(seconds=15)
# Set in the (new) session when the timer cleared the copy of a request this browser had sent, so
# /session-expired?cleared=copy says the request was sent only then: never to someone who typed the address.
# It holds which copy went (``SENT_COPIES``: one PDF, or two from supervision), never in the address.
COPY_CLEARED_KEY = "copy_cleared"
# What it holds when the timer ran out on the page before a new check (wizard/sent_request_here.html),
# which says nothing of the request, not even its mode: the page after it says as little.
UNNAMED_COPY = "copy_unnamed"


@bp.get("/")
def index() -> str:
    """The start page: what the tool does, the 999 warning, and Start now; once after Start
    again, what it cleared (``CLEARED_KEY``)."""
    # Said once, by the GET that shows it (a HEAD only looks: a link checker, a preview).
    take = session.get if request.method == "HEAD" else session.pop
    cleared = take(CLEARED_KEY, None) if CLEARED_KEY in session else None
    if cleared != "journey" and cleared not in SENT_COPIES:
        cleared = None
    if cleared is None:
        keep_for_new_visitors()  # the page of every visitor with no cookie, nonce aside
    return render_page("main/index.html", cleared, {"cleared": cleared})


@bp.get("/exit")
def exit() -> Response:  # named like the builtin on purpose: the endpoint is main.exit
    """Quick exit: forget everything, drop the session id, leave for a neutral site.

    Reached from another site (a link or a script there), it only leaves: a page elsewhere must
    not be able to sign a facilitator out or wipe someone's answers. The browser says where a
    navigation came from (``Sec-Fetch-Site``; else the ``Referer``, when it names another site);
    with neither, as from a typed address, everything is forgotten. A HEAD request (a link checker, a
    preview) only looks: nothing is forgotten, audited or ended (found, regression review: it deleted
    the supervision record and audited a sign-out, keeping the sign-in)."""
    if not from_another_site() and request.method != "HEAD":
        forget_record()  # the supervision record made in this browser, if any
        if FACILITATOR_KEY in session:
            _record_sign_in_ended(inbox_service.SIGNED_OUT_BY_EXIT)
        reset_session()
    return redirect(current_app.config["EXIT_URL"], code=303)


def _record_sign_in_ended(how: str) -> None:
    """Audit the end of the sign-in this session holds. Leaving goes on if the audit log cannot be
    written: a quick exit must never wait or fail (the server's log says so)."""
    try:
        inbox_service.record_sign_in_ended(session.get(FACILITATOR_KEY), how)
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("The end of a sign-in (%s) could not be written to the audit log", how, exc_info=True)


@bp.route("/session-expired", methods=["GET", "POST"])
@csrf.exempt  # the POST checks its token itself, and only when there is something to clear
def session_expired() -> Response | str:
    """Tell the user their answers were cleared after a period without activity.

    The server clears a session left idle for SESSION_IDLE_MINUTES by itself, and the next
    journey page sends people here (so this works without JavaScript). The timeout warning's
    script, when its timer runs out, POSTs here with the page's CSRF token: that clears the
    session (the server's clock may not quite have got there) and comes back with a GET.

    A signed-in facilitator's warning (on the inbox's pages) posts ``from=inbox`` with its token:
    the session ends the same way, and the facilitator goes to the inbox's sign-in page, which
    says they were signed out because they had done nothing for so long (a flashed message; also
    when the server's limit came first, so the session was already gone).

    The submitted page's warning posts ``from=copy``: the page says the copy of the request was
    removed and the request was sent only when the server saw that this session (or the session
    the server's limit had just ended) held it (``COPY_CLEARED_KEY``); typed by hand, or from a
    bookmark, it gives the wording anyone gets: that answers are cleared after the idle limit. The
    page before a new check (which says nothing of the request) posts it to ``?unnamed=1``, and the
    page then says nothing of the request's mode either (``UNNAMED_COPY``).

    Nothing else clears anything: a link (or a form without the token) on another site must
    not sign a facilitator out or wipe someone's answers. Reached that way while the session
    is still alive, the page would not be true, so it sends the person back to where their
    journey stands (or to the start page); with ``from=inbox``, to the inbox's sign-in page
    (which goes on to the inbox for someone still signed in), saying nothing about inactivity.
    """
    if request.method == "POST":
        typed = _typed_when_time_ran_out()  # (labelled in the journey's mode: before it goes)
        ended = False
        signed_out = False
        cleared: str | None = None  # what the timer cleared (``kept_for_a_while``)
        if session and _csrf_token_is_valid() and _idle_nearly_long_enough():
            ended = True
            signed_out = session.get(FACILITATOR_KEY) is not None
            if signed_out:  # (the server's limit, come first, is audited as the session is found expired)
                _record_sign_in_ended(inbox_service.timed_out_words())
            cleared = kept_for_a_while()
            forget_record()
            reset_session()
        elif not session:
            ended = True
            signed_out = session_had_expired()  # the server's idle limit came first
            cleared = kept_for_a_while(expired_session())
        if request.form.get("from") == "copy":  # the submitted page's copy (a request sent)
            if cleared in SENT_COPIES:  # (the new session holds nothing else: the page is free to say so)
                session[COPY_CLEARED_KEY] = UNNAMED_COPY if request.args.get("unnamed") else cleared
            return redirect(url_for("main.session_expired", cleared="copy"), code=303)
        if request.form.get("from") != "inbox":
            if typed and ended:  # shown now, to copy: kept nowhere else (the answers have gone)
                return render_template(
                    "main/session_expired.html", copy=None, acknowledged=False, kept=typed, still_here=None
                )
            if typed and session:
                # Still in use in another tab (its pages kept the session alive): nothing was
                # cleared, but this tab's page has gone, and what was typed there with it. Found
                # (regression review): it went back to the journey, the text lost, and nothing said.
                journey_at = (journey_url(current_state()) if has_journey() else None) or url_for("main.index")
                return render_template(
                    "main/session_expired.html", copy=None, acknowledged=False, kept=typed, still_here=journey_at
                )
            return redirect(url_for("main.session_expired"), code=303)
        if request.accept_mimetypes.best == "application/json":
            return _inbox_signed_out_in_place()
        if signed_out:
            minutes = int(current_app.config["SESSION_IDLE_MINUTES"])
            idle = f"{minutes} minute{'s' if minutes != 1 else ''}"
            flash(f"You were signed out because you had not done anything for {idle}", IMPORTANT)
        # Signing in again goes back to the inbox page the time ran out on (``next``, from the
        # warning's script), as it does without JavaScript. Found (facilitator review): it went
        # to the list, and the request being worked on had to be found again.
        back_to = request.form.get("next")
        return redirect(sign_in_page(page_of_form(back_to)) if back_to else url_for("inbox.sign_in"), code=303)
    if any(key != COPY_CLEARED_KEY for key in session):
        # Still in use: back to the journey, or to the request's page this browser keeps.
        if has_journey():
            return redirect(journey_url(current_state()), code=303)
        kept = kept_for_a_while() in SENT_COPIES
        return redirect(url_for("requests.submitted") if kept else url_for("main.index"), code=303)
    config = current_app.config
    return render_template(
        "main/session_expired.html",
        copy=_copy_cleared() if request.args.get("cleared") == "copy" else None,
        not_found=request.args.get("why") == "not-found",
        acknowledged=bool(config.get("SEND_ACKNOWLEDGEMENTS") and config.get("FACILITATOR_EMAIL")),
        kept=[],
        still_here=None,
    )


def _typed_when_time_ran_out() -> list[tuple[str, str]]:
    """The free text on the journey's page the idle warning's time ran out on (``page``, that
    page's address on the site, posted by the warning's script with what was typed there, only
    when something was), to give back to copy. Found (practitioner review): with JavaScript, a
    reflection typed and left went with the answers, though without it the same form, sent after
    the limit, gives what was typed back to copy. Only the free text that page's own form posts
    (``app.typed_text``), and only from a page of this site."""
    page = request.form.get("page", "")
    if not page.startswith("/") or request.form.get("from"):
        return []
    path = page.removeprefix(request.script_root) if request.script_root else page
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(path, method="POST")
    except HTTPException:
        return []
    return typed_text.typed_text_kept(endpoint)


def _inbox_signed_out_in_place() -> Response:
    """The inbox's idle warning, its time run out on a page with something typed into a form (a
    half-written note): the page is not left, and the script is answered in JSON. The session has
    ended as above (or had already: the server's limit came first, audited as it was found), and
    the answer carries the new session's security token, for the warning to sign in again there
    (``app.inbox.views.sign_in``, the password checked as on the sign-in page): what was typed stays
    on the page, and is saved only when its button is pressed. Still signed in (busy in another
    tab, or a token not this session's), it says so, and nothing has ended."""
    if session.get(FACILITATOR_KEY) is not None:
        return jsonify(signed_in=True)
    g.pop("csrf_token", None)  # (the token Flask-WTF gave on this request was the ended session's)
    return jsonify(signed_out=True, csrf_token=str(generate_csrf()))


def _copy_cleared() -> str | None:
    """Which copy of a sent request the timer cleared from this browser (``SENT_COPIES``), or None
    if it cleared none. ``True`` was set by a process still running the code from before the
    copies were told apart (while a new version goes live): worded as before, with one PDF."""
    cleared = session.get(COPY_CLEARED_KEY)
    if cleared is True:
        return "copy"
    return cleared if cleared in (*SENT_COPIES, UNNAMED_COPY) else None


def _idle_nearly_long_enough() -> bool:
    """Whether the session has been idle (on the server) nearly as long as the limit: the page's
    timer counts only that page's time, and the person may have been busy in another tab all
    along, which pushed the session's expiry on (``app.sessions``: rewritten at most every
    ``refresh_step``). A timer's POST then clears nothing, and the page goes to where the
    journey stands (or, for the inbox, to the inbox)."""
    expires_at = getattr(session, "expires_at", None)
    if expires_at is None:
        return True
    step = refresh_step(dt.timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"])))
    left: dt.timedelta = expires_at - utcnow()
    return left <= 2 * step + IDLE_CHECK_MARGIN


def _csrf_token_is_valid() -> bool:
    """Whether the form carries this session's CSRF token (always, where CSRF checks are off)."""
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


@bp.post("/keep-alive")
def keep_alive() -> tuple[str, int]:
    """Push the idle expiry on (the timeout warning's "Keep my answers", and without JavaScript the
    page's own button, which sends its form: 204, so the browser stays on the page); CSRF-protected."""
    session.modified = True
    return "", 204


@bp.errorhandler(CSRFError)
def form_not_checked(error: CSRFError) -> tuple[str, int]:
    """A form of this blueprint whose security token is missing or out of date. Without JavaScript,
    "Keep my answers" pressed once the idle limit had passed (the session gone): the page saying the
    answers were cleared, with what was typed on the page (its form came with it) folded away to copy,
    as the timeout warning's own does. Found (regression review): it was "This form has expired", the
    text lost. Anything else: the page every such form gets."""
    if request.endpoint == "main.keep_alive" and not session and (typed := _typed_when_time_ran_out()):
        # (200, as the same page from the timeout warning's form: the idle limit ended it, not a mistake.)
        page = render_template("main/session_expired.html", copy=None, acknowledged=False, kept=typed, still_here=None)
        return page, 200
    return render_error(400, csrf_failure=True)


@bp.get("/accessibility")
def accessibility() -> str:
    """Accessibility statement (Public Sector Bodies Accessibility Regulations 2018)."""
    return render_page("main/accessibility.html", None, {})


@bp.get("/privacy")
def privacy() -> str:
    """Privacy notice; controller and contact come from settings, never invented."""
    return render_page(
        "main/privacy.html",
        None,
        lambda: {
            "counts_kept": counts_kept_words(),
            "outcome_kept_days": OUTCOME_KEPT_DAYS,
            "feedback_days": FEEDBACK_DAYS,
        },
    )


def counts_kept_words() -> str | None:
    """How long the rate limits keep a count per internet address, in words (None without limits)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    longest = longest_rate_limit()
    return period_in_words(longest) if longest else None


def longest_rate_limit() -> int:
    """The longest time, in seconds, any count per internet address is kept (``RATE_LIMITS``: the
    store forgets a count when its window ends)."""
    from limits import parse_many

    from ..config import RATE_LIMITS

    windows = [
        item.get_expiry() for name in RATE_LIMITS for item in parse_many(str(current_app.config.get(name) or ""))
    ]
    return max(windows, default=0)


def period_in_words(seconds: int) -> str:
    """A time as "a minute", "an hour", "a day" or "3 days", rounded up."""
    if seconds <= 60:
        return "a minute"
    if seconds <= 3600:
        return "an hour" if seconds == 3600 else f"{-(-seconds // 60)} minutes"
    if seconds <= 86400:
        return "a day" if seconds == 86400 else f"{-(-seconds // 3600)} hours"
    return f"{-(-seconds // 86400):,} days"


@bp.get("/cookies")
def cookies() -> str:
    """The essential cookies this service sets (the second for facilitators only), and nothing else."""
    return render_page(
        "main/cookies.html",
        None,
        {"known_device_cookie": device_cookie_name(), "known_device_days": DEVICE_COOKIE_DAYS},
    )


@bp.get("/how-it-decides")
def how_it_decides() -> str:
    """The decision diagram, every route in words, the guidance cited, the pack's version."""
    pack = current_pack()
    return render_template(
        "main/how_it_decides.html",
        pack=pack,
        routes=routes(pack),
        noted=noted_answers(pack),
        has_graph=decision_graph_svg(pack) is not None,
        guidance=guidance_by_source(cited_guidance(pack)),
        explainer=Explainer(dict(pack.glossary)),
        # A date passed (``flask rules check`` warns of it; the service still runs) is not said as
        # one still to come.
        review_passed=pack.review_date < uk_today(),
    )


@bp.get("/how-it-decides/decision-diagram.svg")
def decision_diagram() -> Response:
    """The decision diagram as an SVG image (drawn once per pack version), from our own origin."""
    svg = decision_graph_svg(current_pack())
    if svg is None:
        abort(404)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = 'inline; filename="space-to-think-decision-diagram.svg"'
    return response


@bp.get("/questions-to-prepare")
def questions_to_prepare_page() -> str:
    """Every question in order with its answers and where each leads, for your own practice or supervision."""
    mode = prepare_mode(request.args.get("mode"))
    pack = current_pack()
    return render_template(
        "main/questions_to_prepare.html", pack=pack, mode=mode, questions=questions_to_prepare(pack, mode)
    )


def questions_page_url(mode: str) -> str:
    """The printable questions page in ``mode`` (one of the modes prepare_mode allows: nothing typed)."""
    url = url_for("main.questions_to_prepare_page")
    return url if mode == DEFAULT_PREPARE_MODE else f"{url}?mode={mode}"


def questions_pdf_url(mode: str, endpoint: str = "main.questions_to_prepare_pdf") -> str:
    """The questions PDF's address (or its status's) in ``mode``."""
    url = url_for(endpoint)
    return url if mode == DEFAULT_PREPARE_MODE else f"{url}?mode={mode}"


@bp.get("/questions-to-prepare.pdf")
def questions_to_prepare_pdf() -> Response | str | tuple[str, int]:
    """The same questions as a printable PDF, made by the outbox worker (``app.questions_pdf``):
    the stored one; until it is made, a page that says so, with "Check again"; if it could not
    be made, a page that says so and offers the printable page."""
    mode = prepare_mode(request.args.get("mode"))
    stored = stored_pdf(mode)
    if stored is not None and stored.made_at is not None and stored.pdf:
        suffix = "" if mode == DEFAULT_PREPARE_MODE else f"-{mode}"
        return pdf_download(stored.pdf, f"space-to-think-questions-to-prepare{suffix}.pdf")
    if stored is not None and stored.failed_at is not None:
        return render_template(
            "requests/record_unavailable.html", what="questions", back_url=questions_page_url(mode)
        ), 503
    return render_template(
        "main/questions_pdf_waiting.html",
        check_url=questions_pdf_url(mode),
        status_url=questions_pdf_url(mode, "main.questions_to_prepare_pdf_status"),
        page_url=questions_page_url(mode),
    )


@bp.get("/questions-to-prepare.pdf/status")
def questions_to_prepare_pdf_status() -> Response:
    """Whether the questions PDF in the mode asked for is made yet (or could not be), for the
    "being made" page's script: ``{"ready": …, "failed": …}``. Not the person's activity: it
    does not push a journey's idle expiry on (as the submitted page's ``pdf_status``)."""
    not_the_persons_activity()
    stored = stored_pdf(prepare_mode(request.args.get("mode")))
    made = stored is not None and stored.made_at is not None
    response = jsonify(ready=made, failed=not made and stored is not None and stored.failed_at is not None)
    response.headers["Cache-Control"] = "no-store"
    return response


# The database's part of the health check is asked at most this often in each process: the
# answers between are the last one. Found (operations review): /healthz is public and never
# rate-limited (a load balancer or monitor refused would take a working server out of service, or
# wake someone), and it ran its queries on every request, so anyone could make the database work
# as fast as they could send. Now a flood costs the database one check per worker in this time,
# and a database that goes down shows as down within it.
DATABASE_CHECK_SECONDS = 2.0
HEALTH_CHECK_KEY = "space_to_think_health_check"


@dataclass
class DatabaseCheck:
    """The last answer of the database's part of the health check, in this process, and when it came."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    checked_at: float = -math.inf
    report: dict[str, str] = field(default_factory=dict)


# The longest the health check waits for the outbox's table on PostgreSQL (milliseconds). Found
# (dependency review): with that table locked by another session (a migration, a transaction left
# open in psql), the check waited for the statement timeout (10 s), then said the whole database was
# unavailable (503), so a load balancer would have taken every instance out while the pages worked.
OUTBOX_CHECK_TIMEOUT_MS = 1000
OUTBOX_NOT_CHECKED = (
    "not checked: its table did not answer within a second (most likely locked by another session, "
    "such as a migration or a transaction left open); pages still work"
)


def outbox_report() -> str:
    """What the health check says of the outbox: "ok", work waiting too long or refused, or that
    its table did not answer in time (PostgreSQL: a statement cancelled at ``OUTBOX_CHECK_TIMEOUT_MS``,
    degraded, not unavailable: the database answered the checks before it). Any other database
    error is raised, for the database to be called unavailable."""
    on_postgres = db.engine.dialect.name == "postgresql"
    try:
        if on_postgres:  # for this transaction only, which the check ends
            db.session.execute(text(f"SET LOCAL statement_timeout = {OUTBOX_CHECK_TIMEOUT_MS}"))
        if (held := outbox_held()) is not None:
            # Degraded, and first: no email reaches anyone until someone acts (found, restore review:
            # nothing held the outbox after a restore, and nothing anywhere said one had happened).
            return held_in_words(held)
        if untried := untried_for_too_long():
            return (
                f"{untried} {'PDF or email' if untried == 1 else 'PDFs or emails'} not tried for over "
                f"{untried_after_in_words()}: "
                "is the outbox worker running?"
            )
        if silent := worker_silent():
            return silent
        if refused := refused_until_mended():
            return (
                f"{refused} facilitators' {'email' if refused == 1 else 'emails'} refused by the mail server "
                "until something is changed: run flask outbox status to see what to do"
            )
        emails, pdfs = failing_for_too_long()
        if emails or pdfs:
            failing = [
                f"{emails} {'email' if emails == 1 else 'emails'} not sent (is the mail server answering?)"
                if emails
                else "",
                f"{pdfs} request {'PDF' if pdfs == 1 else 'PDFs'} not made (is the PDF renderer working?)"
                if pdfs
                else "",
            ]
            return (
                f"{' and '.join(part for part in failing if part)} after trying for over 30 minutes: "
                "run flask outbox status to see why, and flask outbox send once it is mended"
            )
        return "ok"
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != QUERY_CANCELED_SQLSTATE:
            raise
        db.session.rollback()
        current_app.logger.warning("Health check: %s", outage_in_words(error))
        return OUTBOX_NOT_CHECKED
    finally:
        if on_postgres and db.session.is_active:
            db.session.rollback()  # the time limit goes with the transaction


def database_report() -> dict[str, str]:
    """The database, its schema and the outbox, as the health check reports them: asked afresh if
    the last answer is older than ``DATABASE_CHECK_SECONDS``, else the last answer. One check at a
    time in each process: a request that comes while the database is being asked (slow to answer,
    or not at all) waits for that answer and takes it, rather than asking again."""
    check: DatabaseCheck | None = current_app.extensions.get(HEALTH_CHECK_KEY)
    if check is None:  # the first check in this process (setdefault: two threads keep the same one)
        check = current_app.extensions.setdefault(HEALTH_CHECK_KEY, DatabaseCheck())
    with check.lock:
        if time.monotonic() < check.checked_at + DATABASE_CHECK_SECONDS:
            return dict(check.report)
        report = {"database": "ok", "schema": "ok", "outbox": "ok"}
        try:
            report["schema"] = schema_in_words()
            if not still_serves(report["schema"]):
                pass  # (nothing more is asked of a database this code cannot use)
            elif not takes_writes():
                report["database"] = (
                    "read-only: it takes no writes (a standby server, or set read-only)"
                    if db.engine.dialect.name == "postgresql"
                    else "read-only: the database file, or its folder, cannot be written (check its permissions)"
                )
            elif sqlite_disk_full():
                report["database"] = "full: the disk the database file is on has less than 1 MB free (free some space)"
            else:
                report["outbox"] = outbox_report()
        except SQLAlchemyError as error:
            report = dict.fromkeys(report, "unavailable")
            # Named as the worker names it: a password changed while serving is the server turning
            # the service away, not the database not answering (found, operations review).
            said = outage_in_words(error) if is_database_outage(error) else type(error).__name__
            current_app.logger.warning("Health check: database unavailable: %s", said)
        check.report, check.checked_at = report, time.monotonic()
        return dict(report)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Health check for load balancers and monitoring (docs: README, "Running it in production").

    503 (``"status": "unavailable"``) if the database does not answer, takes no writes (a standby,
    or set read-only), or its schema is not this code's (``flask db upgrade`` not run: requests sent
    would fail); 200 otherwise, with ``"status": "degraded"`` while a newer version of the code has
    upgraded the database (this server, not yet restarted with it, still serves:
    ``schema.still_serves``), while the rate-limit store (Redis) does not answer (pages still work:
    the counts go on in each process's memory; the store is asked at most every 10 seconds, and the
    log says when its answer changes), or while PDFs (requests' and supervision records) or emails
    wait more than 10 minutes untried (the outbox worker is not running: requests reach no one;
    ``untried_for_too_long``), or no worker has run for 30 minutes (``worker_silent``), or the outbox
    is held after a restore from a backup until `flask outbox release` (``outbox_held``), or the rule
    files have changed since this process read them (``rule_files_changed``: restart it), or the
    mail server refuses a facilitators' email until something is
    changed (``refused_until_mended``), or emails or requests' PDFs have been tried and failed for
    over 30 minutes (the mail server or the PDF renderer: ``failing_for_too_long``).
    The database is asked at
    most every ``DATABASE_CHECK_SECONDS`` in each process (``database_report``). A database
    failure is one log line, never a traceback.
    """
    report = database_report()
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask's documented way to get the app behind the proxy
    report["rate_limit_store"] = "ok"
    if not rate_limit_store_answers(app):
        report["rate_limit_store"] = "unavailable"
    report["rules"] = RULE_FILES_CHANGED if rule_files_changed(app) else "ok"
    if report["database"] != "ok" or not still_serves(report["schema"]):
        return jsonify(status="unavailable", **report), 503
    healthy = all(report[part] == "ok" for part in ("rate_limit_store", "outbox", "schema", "rules"))
    return jsonify(status="ok" if healthy else "degraded", **report), 200
