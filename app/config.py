"""Settings: plain class attributes, one class per environment, overridable from the environment.

``APP_ENV`` picks the class (``development``, ``test`` or ``production``; default
``development``). Every upper-case, annotated attribute of the class is a setting, and an
environment variable of the same name replaces it (``DATABASE_URL`` for
``SQLALCHEMY_DATABASE_URI``), converted to the attribute's type by ``read_environment``, the
one place the environment is read. A bad value stops start-up with a ``ConfigError`` naming
the variable, and production refuses settings that would be unsafe with real users.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import ipaddress
import json
import logging
import os
import re
import secrets
import socket
import types
import typing
from collections.abc import Mapping
from email import policy as email_policy
from email.errors import InvalidHeaderDefect
from email.header import decode_header, make_header
from email.utils import getaddresses
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .input_guard import is_blank, valid_host
from .rules.acronyms import acronyms_in, spelled_out
from .rules.markup import MARKUP

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = PROJECT_ROOT / "instance"
RULES_DIR = Path(__file__).resolve().parent / "rules"

MIN_SECRET_KEY_LENGTH = 32
# A random key of 32 characters or more has far more different characters than this (48 random bytes
# as URL-safe text, about 40); one typed by hand ("aaaa...", "abcabc...") fewer.
MIN_SECRET_KEY_DIFFERENT = 10
# What deploy/space-to-think.env.example puts where a real value must go: refused in production.
PLACEHOLDER = "CHANGE-ME"
# Every engine gets these, even when SQLALCHEMY_ENGINE_OPTIONS is overridden (tests add
# connect_args): pool_pre_ping replaces a connection the database dropped (after a restart)
# instead of failing a request; hide_parameters keeps the values a statement carried (what
# someone typed) out of every database error's message and so out of the logs.
ENGINE_OPTION_DEFAULTS: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
# PostgreSQL: how long, in seconds, to wait for a new connection to be made and answered before
# the page says the database is not answering (libpq's connect_timeout; each address tried, and
# psycopg tries without SSL after SSL, so a connection can take up to about twice this). Unless
# connect_args or DATABASE_URL give one: without it, a database that takes the connection and never
# answers (stopped, a firewall dropping its packets, a host gone) held every page until gunicorn
# killed its worker (30 s, and no page at all) and held start-up, and the worker, for ever.
DATABASE_CONNECT_TIMEOUT_SECONDS = 5
# PostgreSQL: the longest one statement may run, or wait for a lock, before the database cancels
# it (its statement_timeout) and the page says there is a problem with the service, giving back
# what was typed. Without it, a page waiting on a lock (a migration altering a table, a session
# left open in psql) waited until gunicorn killed its worker 30 s later: nginx's offline page, and
# the text typed into the form lost. Unless libpq's options (connect_args, DATABASE_URL,
# PGOPTIONS) already set one. Migrations run without it (migrations/env.py).
DATABASE_STATEMENT_TIMEOUT_SECONDS = 10
# PostgreSQL: how long what the app sent may go unacknowledged before the connection is given up
# (libpq's tcp_user_timeout), and TCP keepalives on idle connections. Without them, a database
# host that vanished (powered off, a network path or firewall dropping its packets) while a
# connection was open held the page on that connection (the pool's check included) until
# gunicorn killed its worker 30 s later: no page at all. Now the connection fails within this,
# the pool makes a new one (or the page says the database is not answering), well inside
# gunicorn's 30 s. A database that is slow to answer is not cut off by it: its computer
# acknowledges what was sent at once (the statement_timeout above covers a slow statement).
# Unless the address or connect_args set them.
DATABASE_TCP_USER_TIMEOUT_SECONDS = 10
TCP_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 60, "keepalives_interval": 10, "keepalives_count": 3}


def engine_options(uri: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The database engines' options: ``options`` (SQLALCHEMY_ENGINE_OPTIONS) over
    ``ENGINE_OPTION_DEFAULTS``, so that whatever they say, errors never list a statement's values
    and dropped connections are replaced; and, for PostgreSQL, ``DATABASE_CONNECT_TIMEOUT_SECONDS``
    as ``connect_timeout`` unless ``connect_args``, the address or libpq's ``PGCONNECT_TIMEOUT``
    already give one (a connection option beats the environment: it would override it),
    ``DATABASE_STATEMENT_TIMEOUT_SECONDS`` as the statement_timeout (``statement_timeout_options``),
    and ``DATABASE_TCP_USER_TIMEOUT_SECONDS`` with ``TCP_KEEPALIVES``, unless the address sets them."""
    merged = {**ENGINE_OPTION_DEFAULTS, **options}
    try:
        url = make_url(uri)
    except ArgumentError:
        return merged  # db.init_app says what is wrong with it
    connect_args = merged.get("connect_args", {})
    if url.get_backend_name() != "postgresql" or not isinstance(connect_args, dict):
        return merged
    added: dict[str, Any] = {}
    if "connect_timeout" not in url.query and not os.environ.get("PGCONNECT_TIMEOUT", "").strip():
        added["connect_timeout"] = DATABASE_CONNECT_TIMEOUT_SECONDS
    connection_life = {**TCP_KEEPALIVES, "tcp_user_timeout": DATABASE_TCP_USER_TIMEOUT_SECONDS * 1000}
    added.update({name: value for name, value in connection_life.items() if name not in url.query})
    combined = {**added, **connect_args}
    libpq_options = statement_timeout_options(url.query.get("options"), connect_args.get("options"))
    if libpq_options is not None:
        combined["options"] = libpq_options
    return {**merged, "connect_args": combined}


def statement_timeout_options(in_url: Any, in_connect_args: Any) -> str | None:
    """libpq's ``options`` for a PostgreSQL connection with ``DATABASE_STATEMENT_TIMEOUT_SECONDS``
    as its statement_timeout and PostgreSQL's JIT compiler off (``-c jit=off``), keeping the
    options already given (``connect_args``, else libpq's ``PGOPTIONS``, which a connection
    option would replace), and each of the two as they give it if they do; None (leave them) when
    the address gives options of its own.

    JIT off: found (review at scale), with a year of requests (3,000), once the tables had been
    analysed (the daily rewrite does so), PostgreSQL judged the inbox list's counts costly enough to
    compile them to machine code, about 225 ms at every list page for a query that runs in 10 ms
    (the list 247 ms, its last page 776 ms; 64 and 83 ms with it off). The app's queries are small
    and many, not the long analytical ones JIT pays off for."""
    if in_url is not None:
        return None
    given = in_connect_args if in_connect_args is not None else os.environ.get("PGOPTIONS", "")
    if not isinstance(given, str):
        return None
    added = (
        [] if "statement_timeout" in given else [f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000}"]
    )
    if "jit" not in given:
        added.append("-c jit=off")
    return " ".join([given.strip(), *added]).strip()


class ConfigError(Exception):
    """A setting is missing or wrong. The message names the variable and says what to do."""


class StartupError(SystemExit):
    """Start-up refused: the message names the setting or file. Exits with status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Space to Think cannot start: {message}")


def database_uri(url: str) -> str:
    """SQLAlchemy URI for a DATABASE_URL; plain postgres:// URLs get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment (each one is listed in README's Settings table)."""

    # Not read from the environment: APP_ENV chooses the class; debugging is ``flask --debug``.
    FIXED: ClassVar[frozenset[str]] = frozenset({"APP_ENV", "DEBUG", "TESTING"})

    APP_ENV: str = "base"
    DEBUG: bool = False
    TESTING: bool = False
    SECRET_KEY: str | None = None

    SQLALCHEMY_DATABASE_URI: str = "sqlite:///" + str(INSTANCE_PATH / "space_to_think.db")
    # PostgreSQL: after this many seconds without an answer to a statement, the connection asks the
    # server, on a connection of its own, whether it still answers at all (app/database_answers.py),
    # giving it as long again (at least 2 s). One that does not (its processes frozen, its machine
    # paused) is given up: the page says the database is not answering after about 4 s, instead of
    # holding it until gunicorn killed its worker 30 s later. A slow statement on a server that
    # answers is never cut short by it (statement_timeout ends those). 0: no check.
    DATABASE_ANSWER_CHECK_SECONDS: int = 2
    # Added to ENGINE_OPTION_DEFAULTS, which every engine gets even when this is set (app.init_extensions).
    # A setting, not a ClassVar (the environment can set it); load_config copies it, so the default is never changed.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}  # noqa: RUF012

    RULE_PACK_PATH: str = str(RULES_DIR / "space_to_think.yaml")
    CONTACTS_PATH: str = str(RULES_DIR / "contacts.yaml")
    PARTNERSHIP_PATH: str = str(RULES_DIR / "partnership.yaml")

    # The facilitators' inbox and the mail server that reaches it. Unset means "no inbox".
    FACILITATOR_EMAIL: str | None = None
    SMTP_HOST: str | None = None
    SMTP_PORT: int = 25
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_USE_TLS: bool = False
    # Production refuses to send mail unencrypted to a mail server on another machine unless this
    # says the network between them is trusted (a relay on a private network without STARTTLS).
    SMTP_ALLOW_UNENCRYPTED: bool = False
    SMTP_TIMEOUT: int = 10
    MAIL_FROM: str = "space-to-think@localhost"
    # The outbox worker (flask outbox worker): how often it looks for work, and how long it
    # waits before trying a failed PDF or email again (doubling each time, up to the maximum).
    OUTBOX_POLL_SECONDS: int = 5
    OUTBOX_RETRY_SECONDS: int = 60
    OUTBOX_RETRY_MAX_SECONDS: int = 3600
    # The longest one PDF may take to render (app/pdf_renderer.py): past it the renderer, a child
    # process, is killed, so a document that makes WeasyPrint hang cannot stop the outbox worker
    # (the request's PDF is tried again later, as after any renderer fault). No PDF is made
    # inside a web request (the outbox worker makes them all), so there is no page's limit.
    PDF_RENDER_TIMEOUT_SECONDS: int = 60

    # Whether the person who asked gets an acknowledgement email (their reference, what happens
    # next, the response time and the facilitators' contact; never case details). Sent only
    # where the service sends mail at all (FACILITATOR_EMAIL is set).
    SEND_ACKNOWLEDGEMENTS: bool = True
    # The service's own address as people reach it (https://…, with any path prefix), for links
    # in emails: the outbox worker has no web request to take it from. Unset: emails say so.
    PUBLIC_BASE_URL: str | None = None
    # Other names the service answers to in production, beside PUBLIC_BASE_URL's and this
    # machine's own (app.input_guard.allowed_hosts), comma-separated: any other Host is refused.
    ALLOWED_HOSTS: str | None = None

    RETENTION_DAYS: int = 90
    # How long the audit log's entries are kept, in days, after which the outbox worker's hourly
    # purge deletes them: six years, the time within which most legal claims must be brought
    # (Limitation Act 1980) and the usual period for records of how a case was handled in councils'
    # retention schedules. More than RETENTION_DAYS (checked at start-up): a request's trail must
    # outlive it. A facilitator account deactivated for longer loses its name and email too.
    AUDIT_RETENTION_DAYS: int = 6 * 365 + 2  # six calendar years, whichever two leap days they hold
    # How many months of the anonymous counts (the statistics) are kept, this month included: the
    # worker's hourly purge deletes older months. Six years, as the audit log: long enough to show
    # how use changes from year to year. At least 12: the statistics page shows quarters that are
    # over and whose three months are all kept, so the latest (up to 5 months back) always is.
    COUNTS_RETENTION_MONTHS: int = 72
    SESSION_IDLE_MINUTES: int = 30
    # How soon the facilitators usually reply, as a phrase that completes "The facilitators will
    # usually contact you … to arrange a session.", such as "within 5 working days". Shown after
    # submitting and in the acknowledgement. Unset: no time is given. Checked at start-up.
    RESPONSE_TIME_TEXT: str | None = None
    # How to reach the facilitators (for example "Email spacetothink@partnership.example or call
    # 0161 000 0000, Monday to Friday"), shown after submitting and in the acknowledgement.
    # Never invented: unset, both say plainly that no contact has been set.
    FACILITATOR_CONTACT_TEXT: str | None = None

    # Named in the privacy notice. Never invented: templates say plainly when unset.
    DATA_CONTROLLER: str | None = None
    DATA_PROTECTION_CONTACT: str | None = None
    # The legal grounds (lawful basis) the controller uses what people enter on, and the condition
    # for the health information access needs may give, in the controller's words (found, data
    # protection review: the notice said neither). Never invented: the notice says plainly when unset.
    LAWFUL_BASIS: str | None = None

    EXIT_URL: str = "https://www.bbc.co.uk/weather"

    SESSION_COOKIE_NAME: str = "space_to_think_session"
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    # Chance (0–1) that saving a new session also deletes expired ones.
    SESSION_PURGE_PROBABILITY: float = 0.02

    WTF_CSRF_ENABLED: bool = True
    # The CSRF token lives in the server-side session, so it lasts as long as the session.
    WTF_CSRF_TIME_LIMIT: int | None = None
    MAX_CONTENT_LENGTH: int = 1024 * 1024

    # Rate limits and sign-in lockouts are counted here: Redis, shared by every worker and
    # server. Unset: each process's own memory, with a warning at start-up (production
    # refuses it unless memory:// is given).
    RATELIMIT_STORAGE_URI: str | None = None
    # Redis client options: a hung Redis holds a request up for about a second at most.
    # (A setting, not a ClassVar; load_config copies it, as SQLALCHEMY_ENGINE_OPTIONS.)
    RATELIMIT_STORAGE_OPTIONS: dict[str, Any] = {"socket_timeout": 1, "socket_connect_timeout": 1}  # noqa: RUF012
    # If the shared store stops answering, count in memory until it is back (never a 500).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED: bool = True
    # Requests from one address to the whole site, every page counting towards one limit.
    # Flask-Limiter's name for a site-wide limit (its RATELIMIT_DEFAULT counts each page
    # apart); the environment variable is RATELIMIT_DEFAULT (ENV_NAMES).
    RATELIMIT_APPLICATION: str = "2000 per minute"
    RATELIMIT_HEADERS_ENABLED: bool = False
    # Said explicitly: Flask-Limiter's one limiter object would otherwise carry an
    # earlier app's setting into every app built after it (as tests build many).
    RATELIMIT_ENABLED: bool = True
    # Sign-in attempts allowed per visitor address on the inbox's sign-in page.
    INBOX_SIGN_IN_LIMIT: str = "5 per minute;20 per hour"
    # Supervision records asked for per visitor address: each costs the outbox worker a render
    # (about half a second), and anyone can ask for one. Looking again at the one being made,
    # or asking again with the same answers, does not count (app.requests.views).
    SUPERVISION_RECORD_LIMIT: str = "10 per minute;60 per hour"
    # Requests sent per visitor address (each emails the facilitators and, where set up, the
    # address typed in it): enough for an office sharing one address, not for a flood.
    REQUEST_SUBMIT_LIMIT: str = "10 per hour;30 per day"
    # Attempts for one email address (app.lockout): after INBOX_LOCKOUT_AFTER without a
    # success it is locked for INBOX_LOCKOUT_MINUTES, doubling with each further failure up
    # to INBOX_LOCKOUT_MAX_MINUTES; forgotten INBOX_LOCKOUT_WINDOW_HOURS after the first.
    INBOX_LOCKOUT_AFTER: int = 5
    INBOX_LOCKOUT_MINUTES: int = 1
    INBOX_LOCKOUT_MAX_MINUTES: int = 60
    INBOX_LOCKOUT_WINDOW_HOURS: int = 24

    # Who may say where a request came from (X-Forwarded-For/-Proto/-Host), read by
    # app.proxies: the addresses or networks of the reverse proxies in front
    # ("127.0.0.1,10.0.0.0/8"), or a count of proxies (believed from any address: only when
    # nothing else can reach the app). 0: none.
    TRUSTED_PROXIES: str | int | tuple[str, ...] = 0

    HSTS: bool = False
    # None: reload templates when running with --debug.
    TEMPLATES_AUTO_RELOAD: bool | None = None
    # None: errors propagate under test and --debug; otherwise the error page is shown.
    PROPAGATE_EXCEPTIONS: bool | None = None

    @classmethod
    def finish(cls, settings: dict[str, Any]) -> None:
        """Fill in what depends on other settings (after the environment and overrides)."""

    @classmethod
    def check(cls, settings: Mapping[str, Any]) -> None:
        """Refuse settings that are unsafe for this environment. Base: a secret key must exist,
        and the public address, when set, is a plain web address."""
        if not settings["SECRET_KEY"]:
            raise ConfigError("SECRET_KEY is not set. Set it to a long random string.")
        samesite = settings["SESSION_COOKIE_SAMESITE"]
        if not isinstance(samesite, str) or samesite.title() not in SAMESITE_VALUES:
            raise ConfigError(samesite_problem(samesite))
        check_public_base_url(settings.get("PUBLIC_BASE_URL"))
        check_allowed_hosts(settings.get("ALLOWED_HOSTS"))
        check_response_time_text(settings.get("RESPONSE_TIME_TEXT"))
        check_contact_text(settings.get("FACILITATOR_CONTACT_TEXT"))
        for variable, shown in ACRONYM_CHECKED_SETTINGS.items():
            check_acronyms_explained(variable, settings.get(variable), shown)
        check_ranges(settings)
        check_database_url(str(settings["SQLALCHEMY_DATABASE_URI"]))
        check_engine_logging(settings.get("SQLALCHEMY_ENGINE_OPTIONS"))
        check_engine_option_values(settings.get("SQLALCHEMY_ENGINE_OPTIONS"))
        check_exit_url(settings.get("EXIT_URL"))
        check_mail(settings)
        name = settings.get("SESSION_COOKIE_NAME")
        if not isinstance(name, str) or not COOKIE_NAME.fullmatch(name):
            raise ConfigError(
                "SESSION_COOKIE_NAME must be letters, digits and - _ . only (a browser ignores a cookie whose "
                f"name has spaces or ; = , in it), but it is {name!r}."
            )
        if name.lower().removeprefix("__host-").removeprefix("__secure-") == DEVICE_COOKIE:
            # Found (operator review): one cookie would hold both the session and the inbox's
            # known-device token, each overwriting the other, so no answer and no sign-in kept.
            raise ConfigError(
                f"SESSION_COOKIE_NAME must not be {name!r}: the inbox already uses that name for its "
                f"known-device cookie, and one would overwrite the other. Give the session cookie another "
                f"name, like space_to_think_session."
            )
        if samesite.title() == "None" and not settings.get("SESSION_COOKIE_SECURE") and cls.APP_ENV != "production":
            # Browsers refuse a SameSite=None cookie that is not Secure. (Production refuses None.)
            raise ConfigError(
                "SESSION_COOKIE_SAMESITE is None, which browsers take only with SESSION_COOKIE_SECURE=true, but "
                "SESSION_COOKIE_SECURE is false, so no browser would keep the cookie and no answer could be saved: "
                "set SESSION_COOKIE_SAMESITE=Lax (the default), or SESSION_COOKIE_SECURE=true over HTTPS."
            )
        prefix = next((p for p in ("__Host-", "__Secure-") if name.lower().startswith(p.lower())), None)
        if prefix and not settings.get("SESSION_COOKIE_SECURE") and cls.APP_ENV != "production":
            # Found (operator review): production's name, copied to a server on plain HTTP, started;
            # browsers refused the cookie, and every answer was asked again. (Production refuses
            # SESSION_COOKIE_SECURE false itself, saying why.)
            raise ConfigError(
                f"SESSION_COOKIE_NAME starts with {prefix}, which browsers keep only from an HTTPS site "
                f"with SESSION_COOKIE_SECURE=true, but SESSION_COOKIE_SECURE is false, so no browser would keep "
                f"the cookie and no answer could be saved: set SESSION_COOKIE_SECURE=true (over HTTPS), or "
                f"give the cookie a name without {prefix}, like space_to_think_session."
            )


class DevelopmentConfig(Config):
    """Local running: SQLite in instance/, plain-HTTP cookies, a secret key kept in instance/."""

    APP_ENV = "development"
    DEBUG = False  # Werkzeug's debugger runs code from the browser: opt in with --debug only.

    @classmethod
    def finish(cls, settings: dict[str, Any]) -> None:
        settings["SECRET_KEY"] = settings["SECRET_KEY"] or development_secret_key()


def development_secret_key(directory: Path = INSTANCE_PATH) -> str:
    """A random key kept in instance/ so local sessions survive restarts. Never used in production."""
    key_file = directory / "dev_secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return key


class TestConfig(Config):
    """The test suite: fixed secret, anything external pointed at addresses that cannot work."""

    # Pinned whatever the environment says, so tests never reach a real mail server.
    FIXED = Config.FIXED | {
        "SMTP_HOST",
        "SMTP_PORT",
        "FACILITATOR_EMAIL",
        "MAIL_FROM",
        "EXIT_URL",
        "RATELIMIT_STORAGE_URI",
        "SESSION_PURGE_PROBABILITY",
    }

    APP_ENV = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-real-use-0123456789"  # noqa: S105 - tests only; production needs its own
    # .invalid never resolves (RFC 2606); port 9 is "discard". Tests start their own SMTP server.
    SMTP_HOST = "smtp.example.invalid"
    SMTP_PORT = 9
    MAIL_FROM = "space-to-think@example.invalid"
    RATELIMIT_STORAGE_URI = "memory://"  # tests that need Redis start their own
    SESSION_PURGE_PROBABILITY = 0.0
    # Off unless a test is about it, so a test of the facilitators' email sees that email alone.
    SEND_ACKNOWLEDGEMENTS = False
    # Every test's client is 127.0.0.1, and the limiter's counts outlive each test's app: the
    # limits have their own tests (tests/test_limits.py).
    SUPERVISION_RECORD_LIMIT = "10000 per minute"
    REQUEST_SUBMIT_LIMIT = "10000 per minute"


class ProductionConfig(Config):
    """Real users: refuses a weak secret, SQLite, cookies that travel over plain HTTP or to other
    sites' requests or that scripts can read, CSRF protection or HSTS turned off, and a privacy
    notice that names no data controller."""

    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    # "__Host-": browsers keep this cookie only if this site set it, over HTTPS, for the whole
    # site, so another site under the same domain (or a reply over plain HTTP to one of its
    # addresses) cannot put a session of its own in a visitor's browser and read what is typed
    # into it (security review: one with Path=/request took over the request's pages).
    SESSION_COOKIE_NAME = "__Host-space_to_think_session"
    HSTS = True
    TEMPLATES_AUTO_RELOAD = False

    @classmethod
    def check(cls, settings: Mapping[str, Any]) -> None:
        """Stop start-up, naming the setting, if anything is unsafe for real users."""
        super().check(settings)
        secret_key = settings["SECRET_KEY"] or ""
        if len(secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY is too short for production ({len(secret_key)} characters); "
                f"use at least {MIN_SECRET_KEY_LENGTH} random characters."
            )
        # The example environment file's placeholders (deploy/space-to-think.env.example), left in.
        if placeholders := sorted(
            ENV_NAMES.get(name, name)
            for name, value in settings.items()
            if isinstance(value, str) and PLACEHOLDER in value.upper()
        ):
            raise ConfigError(
                f"{', '.join(placeholders)} still {'has' if len(placeholders) == 1 else 'have'} the example's "
                f"{PLACEHOLDER} in {'it' if len(placeholders) == 1 else 'them'}: set the real "
                f"{'value' if len(placeholders) == 1 else 'values'}"
                + (
                    " (SECRET_KEY: a long random string, from `python3 -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))'`)."
                    if "SECRET_KEY" in placeholders
                    else "."
                )
            )
        # Found (administrator review): 46 copies of "a" was taken, long enough but no secret.
        if len(set(secret_key)) < MIN_SECRET_KEY_DIFFERENT:
            raise ConfigError(
                f"SECRET_KEY is not random: it has only {len(set(secret_key))} different characters. Use a long "
                "random string, from `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            raise ConfigError(
                "DATABASE_URL must name a PostgreSQL database in production, not SQLite (several workers share it)."
            )
        if not settings["SESSION_COOKIE_SECURE"]:
            raise ConfigError("SESSION_COOKIE_SECURE must be true in production: cookies must only travel over HTTPS.")
        if not settings["SESSION_COOKIE_HTTPONLY"]:
            raise ConfigError(
                "SESSION_COOKIE_HTTPONLY must be true in production: scripts in a page must not be able to read "
                "the session cookie."
            )
        if settings["SESSION_COOKIE_SAMESITE"].title() == "None":
            raise ConfigError(
                "SESSION_COOKIE_SAMESITE must be Lax or Strict in production, not None: with None, other sites "
                "can send requests that carry the session cookie."
            )
        if not settings["WTF_CSRF_ENABLED"]:
            raise ConfigError(
                "WTF_CSRF_ENABLED must be true in production: without it, another site can send in the forms "
                "as the person using the service."
            )
        if not settings["HSTS"]:
            raise ConfigError("HSTS must be true in production: it tells browsers to use HTTPS only for this service.")
        if not settings["RATELIMIT_ENABLED"]:
            # Found (configuration review): taken without a word, though it turns off the limits on
            # signing in, on requests sent (each emails the address typed in it) and on the site.
            raise ConfigError(
                "RATELIMIT_ENABLED must be true in production: without the rate limits anyone could try "
                "passwords without end, flood the inbox with requests, or use the service to email others."
            )
        if settings.get("FACILITATOR_EMAIL") and settings.get("MAIL_FROM") == Config.MAIL_FROM:
            # Found (configuration review): with MAIL_FROM left out, mail went from
            # space-to-think@localhost, which mail servers and filters refuse or put in junk.
            raise ConfigError(
                f"MAIL_FROM must be set in production when FACILITATOR_EMAIL is: {Config.MAIL_FROM} is no "
                "address a mail server will send from. Set it to the address the service sends from."
            )
        if not settings["RATELIMIT_STORAGE_URI"]:
            raise ConfigError(
                "RATELIMIT_STORAGE_URI is not set: in production, rate limits and sign-in lockouts must be shared "
                "by every worker and server, e.g. redis://127.0.0.1:6379/0 (or memory:// for one single process)."
            )
        # Found (practitioner review): unset, the privacy notice told people not to enter personal
        # details until the controller was named, while the request form required them.
        if is_blank(settings.get("DATA_CONTROLLER")):
            raise ConfigError(
                "DATA_CONTROLLER is not set: in production the privacy notice must name the data controller, so "
                "set it to the name of the organisation responsible for what people enter, "
                'e.g. DATA_CONTROLLER="Example City Council".'
            )
        # Found (go-live review): unset, the privacy notice said so, and gave nobody to ask about
        # what is kept or to use their rights with, nor why the service may keep it (data
        # protection law asks for both).
        for name, example in (
            ("DATA_PROTECTION_CONTACT", 'DATA_PROTECTION_CONTACT="Data protection officer, dpo@example.gov.uk"'),
            ("LAWFUL_BASIS", 'LAWFUL_BASIS="We use your information to carry out our public task: ..."'),
        ):
            if is_blank(settings.get(name)):  # (invisible characters alone too: regression review)
                raise ConfigError(
                    f"{name} is not set: in production the privacy notice must say who to ask about what is "
                    f"kept and why the service may keep it, in the data controller's words, e.g. {example}."
                )
        if (settings.get("PUBLIC_BASE_URL") or "").lower().startswith("http://"):
            raise ConfigError("PUBLIC_BASE_URL must start with https:// in production: emails link to the inbox.")
        # Found (operations review): the README and the message say https://, production took http://.
        if (settings.get("EXIT_URL") or "").lower().startswith("http://"):
            raise ConfigError(
                "EXIT_URL must start with https:// in production: someone leaving in a hurry must not land on a "
                "page a network could change or watch, like https://www.bbc.co.uk/weather."
            )
        # Found (administrator review): "https://bbc" and "https://localhost" were taken, and "Exit this
        # page" led to a browser's error page (the contacts' links need a dotted name too).
        exit_host = (urlsplit(settings.get("EXIT_URL") or "").hostname or "").strip(".")
        if "." not in exit_host:
            raise ConfigError(
                f"EXIT_URL must name a website on the internet in production, like https://www.bbc.co.uk/weather, "
                f"but its host name {exit_host!r} has no dot in it."
            )
        # Found (operator review): the example settings file says "never in production", and it started.
        if settings.get("TEMPLATES_AUTO_RELOAD"):
            raise ConfigError(
                "TEMPLATES_AUTO_RELOAD must not be true in production: it is for development, and makes every "
                "page check its template files on disk again. Leave it unset (or false)."
            )
        if settings.get("PROPAGATE_EXCEPTIONS"):
            raise ConfigError(
                "PROPAGATE_EXCEPTIONS must not be true in production: an error would then reach people as the "
                "server's bare error page, not the service's own page that says what to do."
            )
        # Found (privacy review): production sent request PDFs, and the mail server's password, over
        # the network unencrypted when SMTP_USE_TLS was left at its default.
        host = str(settings.get("SMTP_HOST") or "").strip()
        unencrypted = not settings.get("SMTP_USE_TLS") and not settings.get("SMTP_ALLOW_UNENCRYPTED")
        if host and unencrypted and not on_this_machine(host):
            raise ConfigError(
                f"SMTP_USE_TLS must be true in production when the mail server ({host}) is another machine: "
                "request PDFs and the mail server's password would otherwise cross the network unencrypted. "
                "Set SMTP_USE_TLS=true (the mail server must offer STARTTLS), send through a mail server "
                "on this machine (SMTP_HOST=localhost), or, if the network to it is private and trusted "
                "and it offers no STARTTLS, set SMTP_ALLOW_UNENCRYPTED=true."
            )
        if problem := password_in_clear(settings):
            raise ConfigError(problem)


# The largest sensible value of each whole-number setting: past it, a timer cannot be set
# (a browser fires a delay over about 24.8 days at once), a date cannot be worked out, or it is
# surely a mistake. Start-up names the setting rather than failing later.
MAXIMUMS: dict[str, int] = {
    "SESSION_IDLE_MINUTES": 24 * 60,
    "RETENTION_DAYS": 10 * 365,
    "AUDIT_RETENTION_DAYS": 20 * 365,
    "COUNTS_RETENTION_MONTHS": 240,
    "SMTP_PORT": 65535,
    "SMTP_TIMEOUT": 300,
    "DATABASE_ANSWER_CHECK_SECONDS": 300,
    "OUTBOX_POLL_SECONDS": 3600,
    "OUTBOX_RETRY_SECONDS": 24 * 3600,
    "OUTBOX_RETRY_MAX_SECONDS": 7 * 24 * 3600,
    "PDF_RENDER_TIMEOUT_SECONDS": 3600,
    "INBOX_LOCKOUT_AFTER": 100,
    "INBOX_LOCKOUT_MINUTES": 24 * 60,
    "INBOX_LOCKOUT_MAX_MINUTES": 7 * 24 * 60,
    "INBOX_LOCKOUT_WINDOW_HOURS": 30 * 24,
    "WTF_CSRF_TIME_LIMIT": 7 * 24 * 3600,
    "MAX_CONTENT_LENGTH": 100 * 1024 * 1024,
}
# (smaller, larger): the first may not be more than the second.
ORDERED = (
    ("OUTBOX_RETRY_SECONDS", "OUTBOX_RETRY_MAX_SECONDS"),
    ("INBOX_LOCKOUT_MINUTES", "INBOX_LOCKOUT_MAX_MINUTES"),
)
# One email address as a setting gives it: one "@", nothing that would make it a list or a name
# ("a@b.example, c@d.example", "Team <a@b.example>"); the mail server judges the rest.
ONE_ADDRESS = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+")


def one_address(value: str) -> bool:
    """Whether a setting names one email address, bare or with a name ("Space to Think
    <noreply@partnership.example>"), not a list."""
    found = getaddresses([value.strip()])
    return (
        len(found) == 1
        and ONE_ADDRESS.fullmatch(found[0][1]) is not None
        and not read_as_a_group(value)
        and not header_defects(value)
    )


def read_as_a_group(value: str) -> bool:
    """Whether an email header would read ``value`` as a named group of addresses, not one mailbox:
    a name with a colon in it ("Space to Think: Salford <a@example.org>" is the group "Space to
    Think"). Found (email review): such a MAIL_FROM was taken, and every email's From: header, which
    may not hold a group (RFC 5322 3.6.2), ended in ";" (mail servers may refuse it, or call it spam).
    A name written as an encoded word ("=?utf-8?q?Space_to_Think:_Salford?=") is read as it is sent,
    decoded (regression review: it went out as the same group)."""
    written_ways = [value.strip()]
    # (An encoded word that cannot be decoded is read as written.)
    with contextlib.suppress(LookupError, ValueError, UnicodeError):
        written_ways.append(str(make_header(decode_header(value.strip()))))
    for written in written_ways:
        try:
            header = email_policy.default.header_factory("From", written)
        except (ValueError, IndexError):  # (unreadable as a header at all: getaddresses has said so)
            continue
        if any(group.display_name is not None for group in header.groups):
            return True
    return False


def header_defects(value: str) -> bool:
    """Whether an email header finds ``value`` malformed ("Space to Think\\: Salford <a@example.org>":
    a backslash outside quotes, and no address it can read; regression review)."""
    try:
        header = email_policy.default.header_factory("From", value.strip())
    except (ValueError, IndexError):
        return True
    return any(isinstance(defect, InvalidHeaderDefect) for defect in header.defects)


QUOTE_THE_NAME = (
    " A name with a colon in it is read as a list of addresses: put the name in double quotes, like "
    '"Space to Think: Salford" <space-to-think@partnership.example>.'
)


# A cookie name as browsers keep it (RFC 6265's token, kept to the plainest characters).
COOKIE_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
# The inbox's known-device cookie (app/inbox/views.py): a session cookie must not take its name.
DEVICE_COOKIE = "space_to_think_device"


def check_ranges(settings: Mapping[str, Any]) -> None:
    """A ConfigError naming the setting (by its environment variable) if a whole number is over
    its maximum (``MAXIMUMS``) or under its minimum (``MINIMUMS``), the first of a pair is more
    than the second (``ORDERED``), or the audit log would be kept no longer than the requests it
    records."""
    for setting, maximum in MAXIMUMS.items():
        value = settings.get(setting)
        if isinstance(value, int) and not isinstance(value, bool) and value > maximum:
            raise ConfigError(f"{ENV_NAMES.get(setting, setting)} must be {maximum:,} or less, but it is {value:,}.")
    for setting, minimum in MINIMUMS.items():
        value = settings.get(setting)
        if isinstance(value, int) and not isinstance(value, bool) and value < minimum:
            raise ConfigError(f"{ENV_NAMES.get(setting, setting)} must be {minimum:,} or more, but it is {value:,}.")
    for smaller, larger in ORDERED:
        low, high = settings.get(smaller), settings.get(larger)
        if isinstance(low, int) and isinstance(high, int) and low > high:
            raise ConfigError(f"{smaller} ({low}) must not be more than {larger} ({high}).")
    requests, audit = settings.get("RETENTION_DAYS"), settings.get("AUDIT_RETENTION_DAYS")
    if isinstance(requests, int) and isinstance(audit, int) and audit <= requests:
        raise ConfigError(
            f"AUDIT_RETENTION_DAYS ({audit}) must be more than RETENTION_DAYS ({requests}): the audit log says "
            "what happened to each request, so it must be kept for longer than the requests themselves."
        )


# Settings there were once and are no longer, with why: set, they are not used, and start-up
# says so in the log (never refusing to start, as it does for a misspelt setting in production:
# an operator's environment file that still sets one keeps working).
REMOVED_SETTINGS = {
    "PDF_RENDER_PAGE_TIMEOUT_SECONDS": (
        "no PDF is made inside a web page any more (the outbox worker makes the questions to prepare, "
        "within PDF_RENDER_TIMEOUT_SECONDS)"
    ),
}


def removed_settings(environ: Mapping[str, str]) -> list[str]:
    """The settings no longer used (``REMOVED_SETTINGS``) that the environment still sets, with why."""
    return [f"{name} ({why})" for name, why in REMOVED_SETTINGS.items() if environ.get(name, "").strip()]


def _port_works(url: str) -> bool:
    """Whether ``url``'s port, if it names one, is a port a browser can reach (1 to 65535).
    Found (operator review): "https://example.org:99999" and ":abc" were taken, and every link
    made from them led nowhere."""
    try:
        port = urlsplit(url).port
    except ValueError:
        return False
    return port is None or port > 0


def check_exit_url(url: str | None) -> None:
    """A ConfigError naming EXIT_URL unless it is a whole https:// (or http://) address with a
    host: "Exit this page" sends people there at once, and a relative one ("www.bbc.co.uk")
    would land them on this service's own "Page not found"."""
    parts = urlsplit(url or "")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(ch.isspace() for ch in url or "")
        or not _port_works(url or "")
    ):
        raise ConfigError(
            f"EXIT_URL must be a whole web address starting with https://, like https://www.bbc.co.uk/weather, "
            f"but it is {url!r}."
        )


# The port of SMTP over TLS from the first byte (RFC 8314), which smtp_send does not speak.
SMTPS_PORT = 465


# A mail server's name: labels of letters, digits, - and _ between single dots, none starting or
# ending with a hyphen (a last dot allowed). Found (operator reviews): "smtp.example.org," and "-1"
# were taken, then "smtp..example", and every email then failed to find the server.
HOST_NAME = re.compile(
    r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?"
)


def check_mail(settings: Mapping[str, Any]) -> None:
    """A ConfigError naming the setting if mail cannot work as set: FACILITATOR_EMAIL without
    SMTP_HOST, an address that is not one email address, a mail server named as a web address, or
    the SMTPS port (465)."""
    facilitators = settings.get("FACILITATOR_EMAIL")
    if facilitators and not one_address(str(facilitators)):
        said = QUOTE_THE_NAME if read_as_a_group(str(facilitators)) else ""
        raise ConfigError(f"FACILITATOR_EMAIL must be one email address, but it is {facilitators!r}.{said}")
    sender = settings.get("MAIL_FROM")
    if facilitators and not one_address(str(sender or "")):
        said = QUOTE_THE_NAME if read_as_a_group(str(sender or "")) else ""
        raise ConfigError(f"MAIL_FROM must be one email address, but it is {sender!r}.{said}")
    host = settings.get("SMTP_HOST")
    if facilitators and not host:
        raise ConfigError(
            "SMTP_HOST is not set, but FACILITATOR_EMAIL is: the service could not send any email. "
            "Set SMTP_HOST to the mail server's name (or leave FACILITATOR_EMAIL unset for no inbox email)."
        )
    if host and not _is_ip(str(host)) and not HOST_NAME.fullmatch(str(host)):
        raise ConfigError(
            f"SMTP_HOST must be the mail server's name or address, like smtp.example.org, but it is {host!r}."
        )
    # Found (operations review): every send waited SMTP_TIMEOUT and failed with "Connection
    # unexpectedly closed: timed out", which said nothing of the port.
    if host and settings.get("SMTP_PORT") == SMTPS_PORT:
        raise ConfigError(
            f"SMTP_PORT is {SMTPS_PORT}, where mail servers speak TLS from the first byte (SMTPS), which this "
            "service does not: it starts in plain text and asks for STARTTLS (SMTP_USE_TLS), so every email "
            "would wait and fail. Use the mail server's STARTTLS port, usually 587, with SMTP_USE_TLS=true."
        )


def password_in_clear(settings: Mapping[str, Any]) -> str | None:
    """What is wrong, naming the settings, if the mail server's password would cross the network
    as it is: signing in (``SMTP_USERNAME``) without STARTTLS to a mail server on another machine.
    ``SMTP_ALLOW_UNENCRYPTED`` trusts the network with request PDFs, never with the password,
    which anyone who read it could use to send mail as the service. Production refuses it; the
    other environments warn."""
    host = str(settings.get("SMTP_HOST") or "").strip()
    if not host or not settings.get("SMTP_USERNAME") or settings.get("SMTP_USE_TLS") or on_this_machine(host):
        return None
    return (
        f"SMTP_USERNAME is set but SMTP_USE_TLS is not: signing in to the mail server ({host}), another "
        "machine, would send the mail password (SMTP_PASSWORD) across the network unencrypted, where anyone "
        "who reads it can send mail as the service (SMTP_ALLOW_UNENCRYPTED trusts the network with request "
        "PDFs, not with the password). Set SMTP_USE_TLS=true (the mail server must offer STARTTLS), or, for a "
        "relay that takes this machine's mail without signing in, leave SMTP_USERNAME and SMTP_PASSWORD unset."
    )


def on_this_machine(host: str) -> bool:
    """Whether the mail server ``host`` is this machine: localhost, a loopback address, or
    ip6-localhost, ip6-loopback or the machine's own name when it leads to loopback addresses only."""
    name = host.strip().lower().rstrip(".")
    if name in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        pass
    # Found (review): these were taken by their spelling alone, but the mail is sent to wherever
    # the name is looked up to (/etc/hosts, DNS): a hostname put on another machine (a name shared
    # with a relay, a search domain's wildcard) sent the PDFs and the password across the network.
    if name not in {"ip6-localhost", "ip6-loopback", socket.gethostname().lower()}:
        return False
    try:
        found = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):  # not known here: no way to tell where it would lead
        return False
    addresses = {str(sockaddr[0]).split("%", 1)[0] for *_, sockaddr in found}
    return bool(addresses) and all(ipaddress.ip_address(address).is_loopback for address in addresses)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def check_engine_logging(options: Any) -> None:
    """A ConfigError naming SQLALCHEMY_ENGINE_OPTIONS if it would put what people typed into the
    logs: ``hide_parameters`` turned off (every database error, and every statement SQLAlchemy
    logs, would then list the values it carried: answers, request details, notes), or ``echo``
    set to "debug" (SQLAlchemy then logs every row it reads, the stored requests included).
    Before, either was taken as given, although ``ENGINE_OPTION_DEFAULTS`` promises that errors
    never list a statement's values "whatever the options say" (privacy review)."""
    if not isinstance(options, Mapping):
        return
    if "hide_parameters" in options and options["hide_parameters"] is not True:
        raise ConfigError(
            "SQLALCHEMY_ENGINE_OPTIONS must not turn hide_parameters off: database errors and logged "
            "statements would then show the values they carried (what people typed). Remove it."
        )
    if str(options.get("echo", "")).lower() == "debug":
        raise ConfigError(
            'SQLALCHEMY_ENGINE_OPTIONS must not set echo to "debug": SQLAlchemy would log every row it '
            "reads, stored requests included. Remove it (true logs the statements alone)."
        )


# The engine options most often set, what each must be, and its least value: checked at start-up,
# so that a mistake is said in words (found, configuration review: "ValueError: invalid literal for
# int() with base 10: 'ten'", and a negative pool_size taken, which leaves the pool without a limit).
ENGINE_OPTION_KINDS: dict[str, tuple[type, str, float]] = {
    "pool_size": (int, "a whole number from 0 (0 for no limit)", 0),
    "max_overflow": (int, "a whole number from 0", 0),
    "pool_timeout": (float, "a number of seconds above 0", 0.001),
    "pool_recycle": (float, "a number of seconds (-1 for never)", -1),
    "pool_pre_ping": (bool, "true or false", 0),
    "pool_use_lifo": (bool, "true or false", 0),
    "connect_args": (dict, 'a JSON object, like {"application_name": "space-to-think"}', 0),
    "execution_options": (dict, "a JSON object", 0),
}


def check_engine_option_values(options: Any) -> None:
    """A ConfigError naming SQLALCHEMY_ENGINE_OPTIONS and the option when one of
    ``ENGINE_OPTION_KINDS`` has a value of the wrong kind (an option SQLAlchemy does not take is
    said by ``app.init_extensions``)."""
    if not isinstance(options, Mapping):
        return
    for name, (kind, wanted, least) in ENGINE_OPTION_KINDS.items():
        if name not in options:
            continue
        value = options[name]
        if kind is bool:
            fits = isinstance(value, bool)
        elif kind is dict:
            fits = isinstance(value, dict)
        elif kind is int:
            fits = isinstance(value, int) and not isinstance(value, bool) and value >= least
        else:
            fits = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= least
        if not fits:
            raise ConfigError(f"SQLALCHEMY_ENGINE_OPTIONS: {name} must be {wanted}, but it is {json.dumps(value)}.")


# Options of SQLAlchemy's create_engine, for "did you mean" when one is misspelt.
_ENGINE_OPTION_NAMES = (
    *ENGINE_OPTION_KINDS,
    *("echo", "echo_pool", "hide_parameters", "isolation_level", "logging_name", "pool_logging_name"),
    *("pool_reset_on_return", "query_cache_size", "insertmanyvalues_page_size", "max_identifier_length"),
    *("label_length", "poolclass", "enable_from_linting", "use_insertmanyvalues", "paramstyle"),
)
_INVALID_ENGINE_ARGUMENTS = re.compile(r"Invalid argument\(s\) (?P<names>.+?) sent to create_engine")


def engine_options_problem(error: BaseException, options: Mapping[str, Any]) -> str:
    """What to say when the database engine cannot be made with SQLALCHEMY_ENGINE_OPTIONS: an option
    it does not take, by name (with the one most like it); else which kind of mistake, in words,
    never SQLAlchemy's own message alone (found, configuration review: "TypeError: Invalid
    argument(s) 'pool_sise' sent to create_engine(), using configuration PGDialect_psycopg/...")."""
    found = _INVALID_ENGINE_ARGUMENTS.search(str(error))
    if found:
        names = re.findall(r"'([^']+)'", found["names"])
        said = []
        for name in names:
            close = difflib.get_close_matches(name, _ENGINE_OPTION_NAMES, n=1, cutoff=0.7)
            said.append(f"{name} (did you mean {close[0]}?)" if close else name)
        verb = "is not an option" if len(said) == 1 else "are not options"
        return (
            f"SQLALCHEMY_ENGINE_OPTIONS cannot be used: {', '.join(said)} {verb} the database engine takes. "
            "Correct or remove it."
        )
    given = ", ".join(sorted(options)) or "none"
    return (
        f"SQLALCHEMY_ENGINE_OPTIONS cannot be used: one of its options ({given}) has a value of the wrong kind "
        f"for it ({type(error).__name__}). Check each value against SQLAlchemy's create_engine, or remove it."
    )


# The database driver the service connects with, for each kind of database (``database_uri``
# gives a plain postgresql:// address psycopg 3; SQLite's is Python's own sqlite3).
DATABASE_DRIVERS = {"postgresql": "psycopg", "sqlite": "pysqlite"}


def check_database_url(uri: str) -> None:
    """A ConfigError naming DATABASE_URL unless it is a PostgreSQL or SQLite address SQLAlchemy
    can read (a malformed one failed later, with a traceback that named no setting)."""
    from sqlalchemy.engine import make_url

    example = "like postgresql://user:password@host:5432/name"
    try:
        url = make_url(uri)
        backend = url.get_backend_name()
    except Exception as error:  # noqa: BLE001 — SQLAlchemy raises several kinds for a malformed address
        raise ConfigError(
            f"DATABASE_URL must be a database address {example}, but it cannot be read ({type(error).__name__})."
        ) from None
    if backend not in ("postgresql", "sqlite"):
        raise ConfigError(f"DATABASE_URL must be a PostgreSQL database address {example}, not {backend}.")
    # Found (configuration review): a password holding "@" not percent-encoded
    # (postgresql://stt:p@ss@host/db) was read as the host "ss@host", and every page said "the
    # database's host name cannot be found: check the host". Only that is refused: a "#" in a
    # password, and a user name such as "user@server", are read right (regression review).
    if backend == "postgresql" and "@" in (url.host or ""):
        raise ConfigError(
            "DATABASE_URL cannot be read as it is meant: a user name or password holding @, #, /, ? or % must "
            "have each written as a code (@ as %40, # as %23, / as %2F, ? as %3F, % as %25), like "
            "postgresql://user:p%40ssword@host:5432/name."
        )
    # Found (robustness review): "postgresql+psycopg2://…", the form most guides show, named a
    # driver this service does not have: a traceback that named no setting, and every flask
    # command said it did not exist ("No such command 'db'").
    driver = url.get_driver_name()
    if driver != DATABASE_DRIVERS[backend]:
        written = (
            "postgresql://user:password@host:5432/name" if backend == "postgresql" else "sqlite:///path/to/file.db"
        )
        raise ConfigError(
            f"DATABASE_URL names the database driver {driver!r} ({backend}+{driver}://), which this service "
            f"does not use: write the address as {written}, with no driver after the +."
        )


def check_allowed_hosts(value: str | None) -> None:
    """A ConfigError naming ALLOWED_HOSTS unless each of its names is a host name or address."""
    for part in str(value or "").split(","):
        if part.strip() and (not valid_host(part.strip()) or "/" in part):
            raise ConfigError(
                f"ALLOWED_HOSTS must be host names separated by commas, like stt.example.org,10.0.0.5, "
                f"but it has {part.strip()!r}."
            )


# The first part of every page's path (tests/test_app.py checks it against the app's routes): a
# PUBLIC_BASE_URL ending in one is a page's address, not the service's.
SERVICE_PATHS = frozenset(
    {
        *("accessibility", "continue", "cookies", "exit", "favicon.svg", "feedback", "healthz"),
        *("how-it-decides", "inbox", "keep-alive", "privacy", "questions", "questions-to-prepare"),
        *("questions-to-prepare.pdf", "request", "result", "session-expired", "start", "start-again", "static"),
        *("logo.svg", "logo.png"),
    }
)


def check_public_base_url(url: str | None) -> None:
    """A ConfigError naming PUBLIC_BASE_URL unless it is unset or an http(s) address with a host
    and no query, fragment or login (it is the start of every link in an email)."""
    if not url:
        return
    parts = urlsplit(url)
    if any(part in SERVICE_PATHS for part in parts.path.split("/")):
        # Found (operations review): "https://stt.example.org/inbox" (the inbox's address pasted
        # in) was taken, and every emailed link went to /inbox/inbox/... or /inbox/feedback/...
        # (A path of its own, where the service is served under one, "https://example.org/stt",
        # is the start of every link, as it should be.)
        raise ConfigError(
            f"PUBLIC_BASE_URL must be the address of the service's start page, like "
            f"https://spacetothink.example.org, not of one of its pages, but it is {url!r}."
        )
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or any(ch.isspace() for ch in url)
        or not _port_works(url)
    ):
        raise ConfigError(
            f"PUBLIC_BASE_URL must be the service's web address, like https://spacetothink.example.org, "
            f"but it is {url!r}."
        )


# What browsers accept for the session cookie's SameSite (Werkzeug refuses anything else when
# it sets the cookie: every page would fail, so start-up refuses it instead).
SAMESITE_VALUES = ("Strict", "Lax", "None")


def samesite_problem(value: object, variable: str = "SESSION_COOKIE_SAMESITE") -> str:
    """The message for a SameSite value that is not one of SAMESITE_VALUES."""
    return f"{variable} must be Strict, Lax or None, but it is {value!r}."


RESPONSE_TIME_MAX = 80
_SENTENCE_ENDS = ".!?;:,"


# The settings whose words people read, each with where they read them: an acronym in them is
# spelled out, as in the partnership file's words. Found (partnership review): the privacy
# notice's DATA_CONTROLLER and DATA_PROTECTION_CONTACT were not checked ("the SSCP's DPO").
ACRONYM_CHECKED_SETTINGS = {
    "RESPONSE_TIME_TEXT": "the submitted page and the acknowledgement email show it",
    "FACILITATOR_CONTACT_TEXT": "the submitted page and the acknowledgement email show it",
    "DATA_CONTROLLER": "the privacy notice shows it",
    "DATA_PROTECTION_CONTACT": "the privacy notice shows it",
    "LAWFUL_BASIS": "the privacy notice shows it",
}


def check_acronyms_explained(variable: str, text: str | None, shown: str) -> None:
    """A ConfigError naming ``variable`` if ``text`` uses an acronym without saying what it stands
    for, as the partnership file's words may not (CONTENT.md: every acronym explained on first
    use); ``shown`` says where people read it. Found (partnership review): "Email the SSCP team."
    passed, and the submitted page and the acknowledgement email said SSCP to every practitioner
    unexplained."""
    if not text:
        return
    # Found (operator review): "Email <b>us</b>." or "**us**", as the partnership file's words may
    # not hold, passed, and the pages and emails showed the marks as typed.
    if (markup := MARKUP.search(text)) is not None:
        raise ConfigError(
            f"{variable} has {markup.group(0)!r} in it, which is shown just as it is written ({shown}): write "
            f"plain words, without HTML or Markdown, but it is {text!r}."
        )
    # The example file's CHANGE-ME is not an acronym (production refuses it as a placeholder).
    for acronym in acronyms_in(text.replace(PLACEHOLDER, " ")):
        if not spelled_out(acronym, text):
            raise ConfigError(
                f"{variable} uses the acronym {acronym} without spelling it out ({shown}): give its "
                f'meaning after it, like "{acronym} (what it stands for)", or write it in words, but it is '
                f"{text!r}."
            )


def check_response_time_text(text: str | None) -> None:
    """A ConfigError naming RESPONSE_TIME_TEXT unless it is unset or a phrase that fits in the
    middle of a sentence ("The facilitators will usually contact you within 5 working days to
    arrange a session."): one short line, starting with a small letter, with no full stop."""
    if not text:
        return
    phrase = text.strip()
    if (
        len(phrase) > RESPONSE_TIME_MAX
        or any(ch in "\r\n" for ch in phrase)
        or not phrase[0].islower()
        or phrase[-1] in _SENTENCE_ENDS
    ):
        raise ConfigError(
            "RESPONSE_TIME_TEXT must be a short phrase (at most "
            f"{RESPONSE_TIME_MAX} characters, starting with a small letter, no full stop) that completes "
            '"The facilitators will usually contact you …, to arrange a session or …", like "within 5 working days", '
            f"but it is {text!r}."
        )


def check_contact_text(text: str | None) -> None:
    """A ConfigError naming FACILITATOR_CONTACT_TEXT unless it is unset or whole sentences
    (a capital letter or a number first, a full stop, ! or ? last): it stands on its own on the
    submitted page, and the acknowledgement email goes on after it ("… You can also reply to this
    email.")."""
    sentences = (text or "").strip()
    if not sentences:
        return
    # The last sentence may end inside brackets or quotes: "… (Monday to Friday.)"
    if sentences[0].islower() or sentences.rstrip(")\"'’”")[-1:] not in (".", "!", "?"):
        raise ConfigError(
            "FACILITATOR_CONTACT_TEXT must be one or more whole sentences, starting with a capital letter and "
            'ending with a full stop, like "Email facilitators@partnership.example or call 0161 496 0000.", '
            f"but it is {text!r}."
        )


CONFIG_CLASSES: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
# Environment variables whose name differs from the setting's.
ENV_NAMES = {"SQLALCHEMY_DATABASE_URI": "DATABASE_URL", "RATELIMIT_APPLICATION": "RATELIMIT_DEFAULT"}
# Settings that are rate limits such as "5 per minute;20 per hour" (checked when read).
RATE_LIMITS = frozenset(
    {"RATELIMIT_APPLICATION", "INBOX_SIGN_IN_LIMIT", "SUPERVISION_RECORD_LIMIT", "REQUEST_SUBMIT_LIMIT"}
)
# Lowest value allowed for a whole-number setting (others: 1).
MINIMUMS: dict[str, int] = {
    "COUNTS_RETENTION_MONTHS": 12,  # the latest quarter that is over and the ones before it, kept whole
    "DATABASE_ANSWER_CHECK_SECONDS": 0,  # 0 turns the check off (README, the example settings file)
    # Less refuses the service's own forms (100 refused Start now): every page a 413, nothing kept.
    "MAX_CONTENT_LENGTH": 64 * 1024,
}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


_SETTING_TYPES: dict[type[Config], types.MappingProxyType[str, Any]] = {}


def setting_types(cls: type[Config]) -> types.MappingProxyType[str, Any]:
    """Each setting's name and declared type (None left out of ``X | None``). Worked out once
    per class (reading the type hints is most of the cost of loading the settings)."""
    if cls not in _SETTING_TYPES:
        _SETTING_TYPES[cls] = _read_setting_types(cls)
    return _SETTING_TYPES[cls]


def _read_setting_types(cls: type[Config]) -> types.MappingProxyType[str, Any]:
    types_by_name = {}
    for name, hint in typing.get_type_hints(cls).items():
        if not name.isupper() or typing.get_origin(hint) is ClassVar:
            continue
        if isinstance(hint, types.UnionType):
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        types_by_name[name] = typing.get_origin(hint) or hint
    return types.MappingProxyType(types_by_name)


def convert(variable: str, raw: str, kind: Any, setting: str) -> Any:
    """The variable's text as the setting's type, or a ConfigError naming the variable."""
    if kind is bool:
        if raw.lower() in TRUE_WORDS:
            return True
        if raw.lower() in FALSE_WORDS:
            return False
        raise ConfigError(f"{variable} must be true or false, but it is {raw!r}.")
    if kind is int:
        # Digits only (found, configuration review: Python's int() took "1_000" and full-width "３０").
        if not re.fullmatch(r"[+-]?[0-9]+", raw):
            raise ConfigError(f"{variable} must be a whole number, but it is {raw!r}.")
        value = int(raw)
        minimum = MINIMUMS.get(setting, 1)
        if value < minimum:
            raise ConfigError(f"{variable} must be {minimum:,} or more, but it is {value:,}.")
        return value
    if kind is float:
        try:
            number = float(raw)
        except ValueError:
            raise ConfigError(f"{variable} must be a number from 0 to 1, but it is {raw!r}.") from None
        if not 0 <= number <= 1:
            raise ConfigError(f"{variable} must be a number from 0 to 1, but it is {raw!r}.")
        return number
    if kind is dict:
        try:
            mapping = json.loads(raw)
        except ValueError:
            mapping = None
        if not isinstance(mapping, dict):
            example = '{"socket_timeout": 1}' if variable == "RATELIMIT_STORAGE_OPTIONS" else '{"pool_size": 10}'
            raise ConfigError(f"{variable} must be a JSON object such as {example}, but it is {raw!r}.")
        return mapping
    if setting == "SQLALCHEMY_DATABASE_URI":
        return database_uri(raw)
    if setting == "TRUSTED_PROXIES":
        from .proxies import parse

        try:
            return parse(raw)
        except ValueError as error:
            raise ConfigError(f"{variable} {error}") from None
    if setting == "SESSION_COOKIE_SAMESITE":
        if raw.title() not in SAMESITE_VALUES:
            raise ConfigError(samesite_problem(raw, variable))
        return raw.title()
    if setting in RATE_LIMITS:
        from limits import parse_many

        try:
            parsed = parse_many(raw)
        except ValueError:
            raise ConfigError(
                f"{variable} must be a rate limit like '5 per minute' or '5 per minute;20 per hour', but it is {raw!r}."
            ) from None
        if any(limit.amount < 1 for limit in parsed):
            # "0 per minute" refuses every request it counts: the whole site, or every request sent.
            raise ConfigError(
                f"{variable} must allow at least 1 in each period, like '5 per minute', but it is {raw!r}: "
                "0 would refuse every one."
            )
    return raw


# Bytes that were not UTF-8, as Python reads them from the environment (surrogate escapes).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
# Control characters (a newline, a bell), in a setting that is not JSON.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # (not a tab)


def check_characters(variable: str, raw: str, kind: Any) -> None:
    """Refuse a value holding bytes that are not UTF-8, or control characters (JSON may hold line
    breaks). Found (configuration review): an environment file saved as Windows-1252 put
    "Salford \ufffd Council" on the privacy notice and a broken link in the facilitators' email, and a
    SECRET_KEY so saved stopped start-up naming RATELIMIT_STORAGE_URI."""
    if bad := _NOT_UTF8.search(raw):
        byte = ord(bad[0]) - 0xDC00
        raise ConfigError(
            f"{variable} holds a byte that is not UTF-8 text (0x{byte:02x}, character {bad.start() + 1}), most likely "
            "from a file saved as Windows-1252: save the environment file as UTF-8 and set it again."
        )
    if kind is not dict and (control := _CONTROL.search(raw)):
        raise ConfigError(
            f"{variable} holds a control character (U+{ord(control[0]):04X}, character {control.start() + 1}): "
            "give it as plain text, on one line."
        )


def read_environment(cls: type[Config], environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment sets for ``cls``; surrounding space removed, empty counts as unset."""
    found = {}
    for setting, kind in setting_types(cls).items():
        if setting in cls.FIXED:
            continue
        variable = ENV_NAMES.get(setting, setting)
        raw = environ.get(variable, "").strip()
        if raw:
            check_characters(variable, raw, kind)
            found[setting] = convert(variable, raw, kind, setting)
    return found


def misspelt_settings(cls: type[Config], environ: Mapping[str, str]) -> list[str]:
    """Variables in the environment that are not settings but nearly are ("RETENTON_DAYS (did you
    mean RETENTION_DAYS?)"): a misspelt name would otherwise leave its setting at the default
    without a word (a retention period of 90 days, not the 30 meant)."""
    known = frozenset({ENV_NAMES.get(setting, setting) for setting in setting_types(cls)} | {"APP_ENV"})
    found = []
    for variable in sorted(environ):
        if variable in known or variable in REMOVED_SETTINGS or not environ[variable].strip():
            continue
        if variable in ENV_NAMES:
            # A setting's own name where its variable is another ("SQLALCHEMY_DATABASE_URI", read
            # in this file): found (new engineer's review), it was ignored without a word, and the
            # database stayed the SQLite default.
            found.append(f"{variable} (the variable for it is {ENV_NAMES[variable]})")
        elif meant := setting_nearly_named(variable, known):
            found.append(f"{variable} (did you mean {meant}?)")
    return found


@functools.lru_cache(maxsize=4096)
def setting_nearly_named(variable: str, known: frozenset[str]) -> str | None:
    """The setting ``variable`` is a near miss for, if any (the same names come back for every
    app a process builds, and comparing each with every setting is not free)."""
    # Another program's setting named after one of ours (TEST_DATABASE_URL, a word and an
    # underscore before or after it) is not a misspelling.
    if any(variable.startswith(name + "_") or variable.endswith("_" + name) for name in known):
        return None
    close = difflib.get_close_matches(variable, known, n=1, cutoff=0.8)
    return close[0] if close else None


def config_class(name: str | None) -> type[Config]:
    """The class for an APP_ENV value, or a ConfigError naming APP_ENV."""
    key = (name or "development").strip().lower()
    if key in CONFIG_CLASSES:
        return CONFIG_CLASSES[key]
    raise ConfigError(f"APP_ENV must be one of development, test or production, but it is {name!r}.")


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build and check the settings: class defaults, then the environment, then ``overrides``.

    ``APP_ENV`` in ``overrides`` (else in the environment) picks the class. The result is
    checked after the overrides are applied.
    """
    env = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    chosen_by_the_environment = "APP_ENV" not in overrides
    if "RATELIMIT_DEFAULT" in overrides:  # the environment's name for the site-wide limit
        overrides["RATELIMIT_APPLICATION"] = overrides.pop("RATELIMIT_DEFAULT")
    cls = config_class(overrides.pop("APP_ENV", None) or env.get("APP_ENV"))
    settings = {name: getattr(cls, name) for name in setting_types(cls)}
    # Copies of the dict defaults, so nothing done to one app's settings changes the class.
    settings.update({name: dict(value) for name, value in settings.items() if isinstance(value, dict)})
    settings.update(read_environment(cls, env))
    if chosen_by_the_environment and (ignored := settings_the_tests_pin(cls, env)):
        raise ConfigError(
            f"APP_ENV is test, the test suite's settings, which ignore {', '.join(ignored)} (set here): they send no "
            "email, count the rate limits in each process's memory and point Exit this page at a test address. On a "
            "server use APP_ENV=production "
            "(development to try the service on your own machine)."
        )
    if misspelt := misspelt_settings(cls, env):
        message = f"Not settings, so not used: {'; '.join(misspelt)}."
        if cls.APP_ENV == "production":
            raise ConfigError(message + " Correct the name, or remove the variable.")
        logging.getLogger(__name__).warning(message)
    if removed := removed_settings(env):
        logging.getLogger(__name__).warning(
            "No longer settings, so not used (remove them from the environment): %s.", "; ".join(removed)
        )
    settings.update(overrides)
    cls.finish(settings)
    cls.check(settings)
    if cls.APP_ENV != "production" and (problem := password_in_clear(settings)):
        logging.getLogger(__name__).warning(problem)  # production refuses it (ProductionConfig.check)
    if cls.APP_ENV != "test" and (unused := mail_settings_unused(settings)):
        logging.getLogger(__name__).warning(unused)
    return settings


def settings_the_tests_pin(cls: type[Config], environ: Mapping[str, str]) -> list[str]:
    """The variables set in the environment that ``cls`` pins whatever the environment says (the test
    settings' mail and rate-limit store). Found (configuration review): a server started with
    APP_ENV=test and the mail settings answered "ok", and no request was ever emailed to anyone."""
    pinned = cls.FIXED - Config.FIXED
    return sorted(ENV_NAMES.get(name, name) for name in pinned if environ.get(ENV_NAMES.get(name, name), "").strip())


def mail_settings_unused(settings: Mapping[str, Any]) -> str | None:
    """What to say when the mail server is set up but no email can ever be sent (no
    FACILITATOR_EMAIL: the service then sends none). Found (operator review): SMTP_HOST or
    SMTP_USERNAME alone started without a word, though nothing would ever be sent."""
    if settings.get("FACILITATOR_EMAIL"):
        return None
    given = [name for name in ("SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD") if settings.get(name)]
    if not given:
        return None
    return (
        f"{' and '.join(given)} {'is' if len(given) == 1 else 'are'} set but FACILITATOR_EMAIL is not, so the "
        "service sends no email at all (no request to the facilitators, no acknowledgement). Set "
        "FACILITATOR_EMAIL to the facilitators' address, or unset the mail settings."
    )
