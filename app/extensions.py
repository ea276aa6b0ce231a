"""Flask extensions, created unbound here and bound to the app in ``create_app``.

Also the security headers every response carries (a strict Content Security Policy with a
per-request nonce for GOV.UK Frontend's one inline script, no framing, no referrer, and
``Cache-Control: no-store`` on pages because they can show sensitive answers).
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFError, CSRFProtect, same_origin
from sqlalchemy import Engine, MetaData, Table, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import DeclarativeBase

from . import rate_store  # noqa: F401  (registers the memory:// store that starts no thread per request)
from .proxies import visitor_key
from .rate_store import COUNTED_AT_ONCE
from .static_files import FILE_ENDPOINTS, MADE_FILE_ENDPOINTS

log = logging.getLogger(__name__)

# Constraint names that are the same on SQLite and PostgreSQL, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model; shares one MetaData with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # Every model names its __tablename__, so each is mapped to a Table (DeclarativeBase
        # only promises a FromClause); this lets insert/update/delete take Model.__table__.
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # db.Model is a subclass of Base made at run time, which type checkers cannot follow as a
    # base class (mypy issue 8603); they check the models against Base instead.
    Model = Base
else:
    Model = db.Model
migrate = Migrate()


# SQLite: the write-ahead log's size, in pages of 4 KiB, past which a commit copies it into the
# database file itself (SQLite's default is 1,000); below it, the outbox worker does.
AUTOCHECKPOINT_PAGES = 10_000


@event.listens_for(Engine, "connect")
def use_write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    """SQLite (the embedded default) in write-ahead-log mode: readers and the one writer no
    longer wait for each other (the web server's threads and the outbox worker share the file),
    and a commit is written without waiting for the disk each time (``synchronous=NORMAL``:
    a power cut can lose the last commits, never corrupt the file). PostgreSQL is untouched.

    Deleted rows are overwritten with zeros (``secure_delete``): otherwise what the purge and the
    session clean-up delete (a request's text, a journey's answers) stays readable in the file's
    free pages until they are reused, in every copy of the file. Many builds of SQLite do this
    by default (Debian's); others (Python's own, macOS) do not, so it is not left to the build.

    Copying the log into the file (a checkpoint) is the outbox worker's job, after each pass
    (``checkpoint_write_ahead_log``): left to SQLite, it happens inside whichever commit takes the
    log past 1,000 pages, usually a visitor's, which then waits tens of milliseconds for it. A
    commit still does it once the log passes ``AUTOCHECKPOINT_PAGES`` (about 40 MB), so the log
    cannot grow for ever while no worker runs."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        except sqlite3.OperationalError:
            # A file this user may only read (a copy being looked at, say) stays as it is: reading
            # it must still work. (SQLite needs write access to read a file already in WAL mode.)
            pass
        finally:
            cursor.close()


@event.listens_for(Engine, "handle_error")
def discard_read_only_sqlite_connection(context: ExceptionContext) -> None:
    """SQLite: a connection that finds it may not write (SQLITE_READONLY) is discarded, as a dropped
    one is, so the next page opens the file again. SQLite opens a file it may not write (its
    permissions, a disk mounted read-only, for a while) read-only, and the connection stays so
    after the file can be written again: found (user review), with the pool keeping such
    connections, every page that saves (Start now, each answer) showed the problem page until
    the app was restarted. PostgreSQL is untouched."""
    original = context.original_exception
    if isinstance(original, sqlite3.OperationalError) and original.sqlite_errorname.startswith("SQLITE_READONLY"):
        context.is_disconnect = True


class OriginCheckingCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, which over HTTPS also requires the form to come from this
    site, by its ``Referer`` header only. A browser set (or an extension) to send no referrer
    was refused on every form for good, told to try again. Browsers send ``Origin`` on every
    form post as well, and it says the same: when ``Referer`` is missing, ``Origin`` is checked
    in its place (the same check, so a post from another site is still refused). When both are
    sent, both must be this site's (security review: another site's ``Origin`` beside this
    site's ``Referer`` was let through; no browser sends that, so it is a second lock only)."""

    # The (page, request) host pairs already logged by this worker, so each is said once; a
    # form from another site does not hide a real mismatch after it (diff review). Bounded.
    host_mismatches_logged: ClassVar[set[tuple[str, str]]] = set()

    def protect(self, apply_exemptions: bool = False) -> None:
        asked = request._get_current_object()  # type: ignore[attr-defined]  # the request itself: one look-up
        if asked.method not in current_app.config["WTF_CSRF_METHODS"] and "HTTP_ORIGIN" not in asked.environ:
            return  # a page opened: Flask-WTF checks nothing, and there is no Origin to stand in for the Referer
        origin = request.headers.get("Origin", "")
        checks_site = request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]
        strict = checks_site and origin not in ("", "null")
        if strict and not request.referrer:
            request.environ["HTTP_REFERER"] = f"{origin}/"  # what Flask-WTF reads (request.referrer)
        elif checks_site and not request.referrer and request.headers.get("Sec-Fetch-Site") == "same-origin":
            # Neither Referer nor Origin says where the form came from (a network's proxy that takes
            # both out, or a browser set to send "null"), but the browser itself says it came from
            # this site: a header no page can set (found, locked-down machines review: every form was
            # refused for good, told it had been open for a long time). Another site's form is said
            # to be "cross-site", and is refused as before.
            request.environ["HTTP_REFERER"] = f"https://{request.host}/"
        try:
            super().protect(apply_exemptions)
            if strict and g.get("csrf_valid") and not same_origin(f"{origin}/", f"https://{request.host}/"):
                g.csrf_valid = False
                self._error_response("The origin does not match the host.")
            # Over plain HTTP (a trial or development server) Flask-WTF checks no Referer: another
            # site's Origin is refused all the same (security review: a note was added from a page
            # of another site, token and all).
            # By its host alone: behind a proxy that ends HTTPS but does not say so (TRUSTED_PROXIES
            # unset), the page's https:// is this request's http:// (regression review: every form
            # would have been refused there, where it was taken before).
            if (
                not request.is_secure
                and origin not in ("", "null")
                and g.get("csrf_valid")
                and urlsplit(origin).netloc.lower() != request.host.lower()
            ):
                g.csrf_valid = False
                self._error_response("The origin does not match the host.")
        except CSRFError as error:
            if "does not match the host" in str(error.description):
                self._log_host_mismatch()
            # Refused, its token right, because nothing said the form came from this site: the pages
            # that say a form was not saved say what to do, as sending it again fails the same way.
            # Not when the browser said where it came from (Sec-Fetch-Site: another site's page, with
            # its referrer held back; found, regression review: the advice blamed the person's browser
            # and network for another site's post).
            g.csrf_site_unknown = (
                error.description == "The referrer header is missing." and "Sec-Fetch-Site" not in request.headers
            )
            raise

    def _log_host_mismatch(self) -> None:
        """Say once in the log that forms are refused because the page's address is not the one
        the app sees: behind a proxy that passes the wrong Host (or drops the port), every form
        was refused, as "out of date", and nothing was logged (operations review). Only the
        host names, never a path or a query; another site's form is refused the same way."""
        # With the scheme (found, operator review: a page at http:// posting to https:// was logged
        # as "from a page at 127.0.0.1:5252, but this request is for 127.0.0.1:5252").
        origin = request.headers.get("Origin", "").removesuffix("null")
        referrer = urlsplit(origin or request.referrer or "")  # the Origin, when sent: what was refused
        came_from = f"{referrer.scheme}://{referrer.netloc}" if referrer.netloc else "an unknown address"
        going_to = f"{request.scheme}://{request.host}"
        logged = OriginCheckingCSRFProtect.host_mismatches_logged
        if (came_from, going_to) in logged or len(logged) >= 20:
            return
        logged.add((came_from, going_to))
        log.warning(
            "A form was refused: it came from a page at %s, but this request is for %s. If every form is "
            "refused, the proxy in front does not pass the address visitors use: it must send the Host "
            "header as they see it (nginx: proxy_set_header Host $host, or $http_host on another port) and "
            "the scheme (X-Forwarded-Proto $scheme), and TRUSTED_PROXIES must name it. (Said once by each "
            "worker for these two addresses; a form sent from another site is refused the same way.)",
            came_from,
            going_to,
        )


csrf = OriginCheckingCSRFProtect()
# Storage comes from RATELIMIT_STORAGE_URI (Redis, so every worker and server shares the
# counts; memory:// only as a fallback that warns at start-up).
# One site-wide limit per address (RATELIMIT_APPLICATION, set by the RATELIMIT_DEFAULT
# variable): every page counts towards it, not each page separately. It is read from each
# app's settings when a request comes in: this limiter object outlives any one app (tests
# build many), and it would otherwise keep the first app's limits. The address is the direct
# peer's, or the visitor's as told by a trusted proxy (app.proxies); an IPv6 one counts by its
# /64 network, which one visitor can fill with addresses at will. The store is given only a
# pseudonym of it, made with SECRET_KEY, never the address itself (``visitor_key``).
# Its strategy is Flask-Limiter's fixed window, with a limit that counts only some requests (a
# password that failed...) counted as it is checked, so requests sent together cannot all pass
# (``rate_store.CountedAtOnce``).
limiter = Limiter(
    key_func=visitor_key,
    strategy=COUNTED_AT_ONCE,
    application_limits=[lambda: str(current_app.config["RATELIMIT_APPLICATION"])],
    application_limits_exempt_when=lambda: request.endpoint in FILE_ENDPOINTS | {"main.healthz"},
)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'nonce-{nonce}'; "
    "img-src 'self'; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)

# The icon and the partnership's logo, opened on their own (an SVG is a document then): nothing
# runs and nothing is fetched, whatever the logo's file holds, as the start-up check refuses.
FILE_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


def new_nonce() -> str:
    """A new CSP nonce: 18 random bytes, as 24 URL-safe characters."""
    return secrets.token_urlsafe(18)


def csp_nonce() -> str:
    """This request's CSP nonce (made on first use), for ``<script nonce>`` in templates."""
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = new_nonce()
        g.csp_nonce = nonce
    return nonce


def set_security_headers(response: Response) -> Response:
    """Add the security headers; pages (not static files, but their error pages) are never cached."""
    headers = response.headers
    if request.endpoint in MADE_FILE_ENDPOINTS:
        headers["Content-Security-Policy"] = FILE_SECURITY_POLICY
    else:
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(nonce=csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    # same-origin, not no-referrer: over HTTPS, Flask-WTF's CSRF check needs the browser to
    # send a Referer for our own forms; other sites still get nothing (no answers are in
    # URLs in any case).
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # A file's error (``/static/nope.css``: "Page not found") is a page like any other error page.
    if request.endpoint not in FILE_ENDPOINTS or response.status_code >= 400:
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers["Pragma"] = "no-cache"
    if current_app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_security_headers(app: Flask) -> None:
    """Register the headers on every response and the nonce for templates."""
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
