"""Rate limits: the limit settings checked at start-up, where counts are kept, and the
site-wide limit on pages counted for each request.

Counts go in the shared store named by ``RATELIMIT_STORAGE_URI`` (Redis, so every worker and
server shares them); without one, in this process's memory (``app.rate_store``), with a warning
when the app first serves a page. The sign-in lockout (``app.lockout``) uses the same store.
Each count is kept under a pseudonym of the visitor's address (``app.proxies.visitor_key``),
never the address itself, and is forgotten when its limit's window ends.

The limits on single pages (signing in, sending a request, the supervision record) are
Flask-Limiter's, checked by its decorators on those views. The site-wide limit on pages
(``RATELIMIT_APPLICATION``, set by ``RATELIMIT_DEFAULT``) is counted here, in the same store,
under the same keys and with the same strategy as Flask-Limiter's application limit, in place
of Flask-Limiter's own check before every request: that check works out, for every page, which
of its kinds of limit apply (a third of the start page's time, a fifth of a question page's;
docs/PERFORMANCE.md), where this one only counts.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from contextlib import suppress
from functools import lru_cache, partial
from typing import TypeGuard, cast
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, request
from flask.globals import request_ctx
from flask_limiter import Limiter
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter, RateLimiter
from werkzeug.exceptions import TooManyRequests

from .config import StartupError
from .lockout import LOCKOUT_KEY, STORE_RETRY_MAX_SECONDS, SignInLockout
from .proxies import visitor_key
from .rate_store import CountedAtOnce, SweptMemoryStorage, give_back_unkept

log = logging.getLogger(__name__)


def warn_when_serving(app: Flask, message: str) -> None:
    """Log ``message`` once, when the app serves its first web request: a warning about serving
    (rate limits) is noise in every ``flask`` command (``--help``, ``db upgrade``, adding a facilitator)."""
    pending = [message]

    def warn_once() -> None:
        if pending:  # (else already said: no exception raised and caught on every page)
            with suppress(IndexError):  # another thread said it meanwhile
                log.warning(pending.pop())

    app.before_request(warn_once)


def unknown_redis_options(options: dict[str, object]) -> list[str]:
    """The option names neither the ``limits`` Redis stores (``key_prefix``, Sentinel's
    ``service_name``...) nor the Redis client take (misspelt ones, say), sorted."""
    import inspect

    from limits.storage import RedisClusterStorage, RedisSentinelStorage, RedisStorage
    from redis import Redis

    known = {
        name
        for takes in (Redis, RedisStorage, RedisSentinelStorage, RedisClusterStorage)
        for name in inspect.signature(takes.__init__).parameters
    } - {"self", "uri", "options"}
    return sorted(str(name) for name in options if name not in known)


# What each Redis client option checked at start-up must be, in words, and the check. A value the
# client cannot use (a timeout of "x", or -1) would fail every use of Redis: the counts would
# stay in each process's memory (the fallback) for ever, with only "did not answer" in the log.
def _number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


_SECONDS = ("a number of seconds more than 0", lambda value: _number(value) and value > 0)
_POSITIVE_WHOLE = ("a whole number more than 0", lambda value: _whole(value) and value > 0)
_YES_NO = ("true or false", lambda value: isinstance(value, bool))
# (null: none, as the Redis client's own default for a user name or password)
_TEXT = ("text (in double quotes), or null", lambda value: value is None or isinstance(value, str))
REDIS_OPTION_VALUES: dict[str, tuple[str, Callable[[object], bool]]] = {
    "socket_timeout": _SECONDS,
    "socket_connect_timeout": _SECONDS,
    "health_check_interval": ("a number of seconds, 0 or more", lambda value: _number(value) and value >= 0),
    "max_connections": _POSITIVE_WHOLE,
    "socket_read_size": _POSITIVE_WHOLE,
    "db": ("a whole number, 0 or more", lambda value: _whole(value) and value >= 0),
    "port": ("a whole number from 1 to 65535", lambda value: _whole(value) and 1 <= value <= 65535),
    "protocol": ("2 or 3", lambda value: _whole(value) and value in (2, 3)),
    "socket_keepalive": _YES_NO,
    "retry_on_timeout": _YES_NO,
    "decode_responses": _YES_NO,
    "single_connection_client": _YES_NO,
    "ssl": _YES_NO,
    "ssl_check_hostname": _YES_NO,
    "use_replicas": _YES_NO,
    "wrap_exceptions": _YES_NO,
    "username": _TEXT,
    "password": _TEXT,
    "client_name": _TEXT,
    "encoding": _TEXT,
    "key_prefix": _TEXT,
    "service_name": _TEXT,
}


def wrong_redis_option_values(options: dict[str, object]) -> list[str]:
    """What is wrong with the values of the options in ``REDIS_OPTION_VALUES`` (the others'
    values are left to the client), one phrase each, by option name."""
    problems = []
    for name in sorted(options):
        if name in REDIS_OPTION_VALUES:
            words, fits = REDIS_OPTION_VALUES[name]
            if not fits(options[name]):
                shown = "password" if name == "password" else json.dumps(options[name])
                problems.append(f"{name} must be {words}, not {shown}")
    return problems


def init_rate_limit_storage(app: Flask) -> None:
    """Check the limits; counts in the shared store, memory only as a fallback that warns."""
    for setting, variable in (
        ("RATELIMIT_APPLICATION", "RATELIMIT_DEFAULT"),
        ("INBOX_SIGN_IN_LIMIT", "INBOX_SIGN_IN_LIMIT"),
    ):
        try:
            parse_many(str(app.config[setting]))
        except ValueError:
            raise StartupError(
                f"{variable} must be a rate limit like '5 per minute' or '5 per minute;20 per hour', "
                f"but it is {app.config[setting]!r}."
            ) from None
    uri = app.config.get("RATELIMIT_STORAGE_URI")
    if not uri:
        app.config["RATELIMIT_STORAGE_URI"] = uri = "memory://"
        if not app.testing:
            warn_when_serving(
                app,
                "RATELIMIT_STORAGE_URI is not set, so rate limits and sign-in lockouts are "
                "counted in this process's memory only: with several workers or servers each "
                "counts alone. Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (a Redis server).",
            )
    elif uri.startswith("memory://") and not app.testing:
        warn_when_serving(
            app,
            "RATELIMIT_STORAGE_URI is memory://: rate limits and sign-in lockouts hold only "
            "within this one process. Use a Redis server when running several workers or servers.",
        )
    if not uri.startswith(("redis", "rediss", "valkey")):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {}  # the timeouts are Redis client options
    elif unknown := unknown_redis_options(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}):
        # The Redis client would refuse them on first use, and the counts would silently stay in
        # each process's memory (the fallback) for ever.
        raise StartupError(
            f"RATELIMIT_STORAGE_OPTIONS has options the Redis client does not know: {', '.join(unknown)}."
        )
    elif wrong := wrong_redis_option_values(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}):
        raise StartupError(f"RATELIMIT_STORAGE_OPTIONS cannot be used: {'; '.join(wrong)}.")
    try:
        app.extensions[LOCKOUT_KEY] = SignInLockout.from_config(app.config)
    # Whatever the store's library raises (a malformed URI, an unknown scheme, a missing driver),
    # start-up stops with a message naming the setting rather than a traceback, and an example
    # of the right form (operator review: "unknown storage scheme" alone).
    except Exception as error:  # noqa: BLE001
        raise StartupError(
            f"RATELIMIT_STORAGE_URI cannot be used: {error}. Give a Redis address, like redis://127.0.0.1:6379/0"
        ) from None


# Flask-Limiter's state that outlives an app, which each app starts afresh (``init_limiter``).
_LIMITER_STATE = {"_storage_options": dict, "_storage_dead": bool}


def init_limiter(app: Flask, limiter: Limiter) -> None:
    """Bind the one limiter to ``app``, from a fresh start. Flask-Limiter adds each app's
    RATELIMIT_STORAGE_OPTIONS to the limiter's own options, and the limiter outlives any one app
    (the tests build many): one app's Redis options (a password, a key prefix) reached every app
    built after it. So did its "store not answering" state, left by an app whose store had stopped:
    the next app counted in the limiter's memory until a recheck (due a doubling time after the
    failure) moved it to its own store, where counting began again from nothing. Both are
    Flask-Limiter's own attributes: if an upgrade renamed them, start-up stops saying so (setting
    them would do nothing: found, new engineer's review)."""
    for name, kind in _LIMITER_STATE.items():
        if not isinstance(getattr(limiter, name, None), kind):
            raise StartupError(
                f"Flask-Limiter's {name} was not found (a Flask-Limiter version this code does not know): "
                "install the version pyproject.toml names."
            )
    limiter._storage_options = {}
    limiter._storage_dead = False
    limiter.init_app(app)


def refuse_a_store_that_turns_us_away(app: Flask) -> None:
    """Raise ``StartupError`` if the rate-limit store (a Redis server, ``RATELIMIT_STORAGE_URI``)
    turns this app away: a wrong password, or none where it asks for one. A store that does not
    answer (not started yet, a wrong port) is only warned about: the counts go on in each
    process's memory until it answers, and the health check says "degraded". Found (operations
    review): a refused password started production without a word, and rate limits and sign-in
    lockouts were then counted per process for good; a wrong database password stops start-up.
    The web app calls this as it starts (``wsgi.py``)."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    if uri.startswith("redis+unix://"):
        uri = "unix://" + uri.removeprefix("redis+unix://")  # (the limits library's name for a socket)
    if not uri.startswith(("redis://", "rediss://", "unix://")):
        return  # memory (development, tests), or a Sentinel or cluster set-up: not asked here
    from redis import Redis
    from redis.exceptions import AuthenticationError, RedisError, ResponseError

    database = urlsplit(uri).path.strip("/") if not uri.startswith("unix://") else ""
    if database and not database.isdigit():  # (the Redis client would quietly use database 0)
        raise StartupError(
            f"RATELIMIT_STORAGE_URI: the database at its end must be a number, not {database[:20]!r}, "
            "like redis://127.0.0.1:6379/0."
        )

    options = {
        key: value
        for key, value in (app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}).items()
        if key not in ("key_prefix", "service_name")
    }
    options.setdefault("socket_connect_timeout", 2)
    options.setdefault("socket_timeout", 2)
    try:
        client = Redis.from_url(uri, **options)
        try:
            client.ping()
        finally:
            client.close()
    except AuthenticationError as error:
        raise StartupError(
            f"RATELIMIT_STORAGE_URI: the Redis server turned the connection away ({error}): check the user name "
            "and password in it (redis://:password@host:6379/0)."
        ) from None
    # Found (dependency review): a database the server does not have ("DB index is out of range")
    # or a port that cannot be was warned about as a server not answering yet, for good.
    except ResponseError as error:
        if "DB index" not in str(error):  # (protected mode, an ACL, a replica: mended on the server)
            log.warning(
                "RATELIMIT_STORAGE_URI: the Redis server refused the connection (%s): rate limits and sign-in "
                "lockouts are counted in each process's memory until it takes it.",
                str(error)[:120],
            )
            return
        raise StartupError(
            f"RATELIMIT_STORAGE_URI: the Redis server refused it ({str(error)[:120]}): check the database number "
            "at its end (a Redis server has databases 0 to 15 unless set otherwise: redis://127.0.0.1:6379/0)."
        ) from None
    except ValueError as error:
        raise StartupError(
            f"RATELIMIT_STORAGE_URI cannot be used: {str(error)[:120]}. Give a Redis address, like "
            "redis://127.0.0.1:6379/0"
        ) from None
    except (RedisError, OSError) as error:
        log.warning(
            "RATELIMIT_STORAGE_URI: the Redis server does not answer yet (%s): rate limits and sign-in lockouts "
            "are counted in each process's memory until it does.",
            type(error).__name__,
        )


# Flask-Limiter's scope for application limits (they are shared by every page): the counts made
# here are the ones it would make, so its limit and this one never disagree about a count.
SITE_WIDE_SCOPE = "global"
# Pages that never count besides static files (any blueprint's "static" endpoint) and requests
# no page answers (a 404 or 405 has no endpoint), as with Flask-Limiter: the health check.
SITE_WIDE_EXEMPT = frozenset({"main.healthz", "favicon", "logo"})  # the icon and logo: files like the static ones
# How often the health check asks the store, per process.
STORE_CHECK_SECONDS = 10.0
SITE_WIDE_KEY = "space_to_think.site_wide_limit"
# In the WSGI environ: the limit this request was counted against and refused by, before Flask
# (``app.start_page``); the app gives its 429 page without counting it again.
SITE_WIDE_REFUSED_KEY = "space_to_think.site_wide_refused"


class SiteWideLimitExceeded(TooManyRequests):
    """This address has opened more pages than ``RATELIMIT_APPLICATION`` allows (``item``)."""

    def __init__(self, item: RateLimitItem) -> None:
        super().__init__()
        self.item = item


# How long to wait for a limit counted per second, minute, hour or day (limits' granularity names).
WAITS = {"second": "a minute", "minute": "a minute", "hour": "up to an hour", "day": "up to a day"}


def limit_hit(error: Exception) -> RateLimitItem | None:
    """The rule a refusal (429) was for: the site-wide limit's (``SiteWideLimitExceeded``), or
    Flask-Limiter's (``RateLimitExceeded``: ``.limit`` is the rule, ``.limit.limit`` its count
    and period); None for any other.

    A page with several limits ("5 per minute;20 per hour") is refused for the shortest one
    breached (Flask-Limiter checks them shortest first and stops at the first breach), while a
    longer one may be used up too: then the longer one is what holds the next try back, and is
    returned (found, diff review: "Wait a minute", and a minute later refused again by the hour's
    limit).

    The refusal's seconds to wait at most (the rule's whole period: a fixed window) are kept for
    its Retry-After header (``retry_after``; the error handlers' ``after_request`` sends it)."""
    if isinstance(error, SiteWideLimitExceeded):
        return retry_after(error.item)
    item = getattr(getattr(error, "limit", None), "limit", None)
    if not isinstance(item, RateLimitItem):
        return None
    with suppress(Exception):  # the store not answering: the rule breached is all there is to say
        return retry_after(_longest_used_up(item))
    return retry_after(item)


def retry_after(item: RateLimitItem) -> RateLimitItem:
    """``item``, noting for this request's 429 response that the next try may be refused for up
    to its whole period (``g.retry_after``): the response's Retry-After header (found, security
    review: a refusal said how long to wait in words only, not to a program)."""
    if has_request_context():
        g.retry_after = int(item.get_expiry())
    return item


def _longest_used_up(item: RateLimitItem) -> RateLimitItem:
    """``item``, or a longer limit of this request's page with nothing left (same key and scope)."""
    from .extensions import limiter  # (the app's; imported here, as app.extensions loads after this module)

    if not has_request_context():
        return item
    breached = next((limit for limit in limiter.current_limits if limit.breached), None)
    if breached is None:
        return item
    _, decorated = limiter.limit_manager.resolve_limits(
        current_app._get_current_object(),  # type: ignore[attr-defined]  # Flask's documented way to get the app behind the proxy
        request.endpoint,
        request.blueprint,
    )
    longest = item
    for limit in decorated:
        other = limit.limit
        if other.get_expiry() > longest.get_expiry():
            remaining = limiter.limiter.get_window_stats(other, *breached.request_args).remaining
            if remaining <= 0:
                longest = other
    return longest


def limit_period(item: RateLimitItem | None) -> tuple[str, int]:
    """The period ``item`` counts over: its granularity's name ("minute", "hour") and how many of
    them (2, for "per 2 hours"); a day for an unknown rule."""
    granularity = str(getattr(getattr(item, "GRANULARITY", None), "name", "day"))
    return granularity, int(getattr(item, "multiples", 1) or 1)


def wait_words(item: RateLimitItem | None) -> str:
    """How long to wait, in words, before ``item`` lets the next try through: a fixed window may
    need its whole period ("up to an hour", "up to 2 hours"). "a few minutes" for an unknown rule."""
    if item is None:
        return "a few minutes"
    granularity, multiples = limit_period(item)
    return WAITS.get(granularity, "a while") if multiples == 1 else f"up to {multiples} {granularity}s"


@lru_cache(maxsize=16)
def site_wide_items(text: str) -> tuple[RateLimitItem, ...]:
    """The limits in ``RATELIMIT_APPLICATION`` ("2000 per minute;20000 per day"), shortest first
    (as Flask-Limiter orders them)."""
    return tuple(sorted(parse_many(text)))


class SiteWideLimit:
    """Counts each request against the site-wide limit (a ``before_request`` function).

    When the store fails (Redis down), the count goes on in this process's memory, as
    Flask-Limiter's fallback does, and the store is tried again after 1 s, 2 s, 4 s... up to
    ``STORE_RETRY_MAX_SECONDS``: a page is never refused or failed because the store is down.
    """

    def __init__(self, limiter: Limiter, strategy: RateLimiter) -> None:
        self.limiter = limiter
        self.strategy = strategy  # on the shared store, whatever Flask-Limiter's own fallback is doing
        self.fallback: RateLimiter | None = None
        self.failures = 0
        self.retry_at = 0.0
        # The health check's last look at the store (rate_limit_store_answers).
        self.store_answers = True
        self.store_checked_at = -STORE_CHECK_SECONDS

    def __call__(self) -> None:
        refused = request.environ.get(SITE_WIDE_REFUSED_KEY)
        if refused is not None:
            raise SiteWideLimitExceeded(refused)
        endpoint = request.endpoint
        if endpoint is None or endpoint in SITE_WIDE_EXEMPT or endpoint.rsplit(".", 1)[-1] == "static":
            return
        self.count(str(current_app.config["RATELIMIT_APPLICATION"]), visitor_key())

    def count(self, limits: str, key: str) -> None:
        """Count one page for visitor ``key`` against ``limits`` (``RATELIMIT_APPLICATION``);
        ``SiteWideLimitExceeded`` if that is one too many. Needs no request context."""
        if not (self.limiter.enabled and self.limiter.initialized):
            return
        items = site_wide_items(limits)
        fallback = self.fallback
        if fallback is None or time.monotonic() >= self.retry_at:
            try:
                self._count(self.strategy, items, key)
            except SiteWideLimitExceeded:
                raise
            # Whatever the store's client raises (a refused connection, a timeout...).
            except Exception as error:  # noqa: BLE001
                fallback = self._store_failed(error)
            else:
                if fallback is not None:
                    log.warning("The rate-limit store (RATELIMIT_STORAGE_URI) answers again: counting pages there.")
                    self.fallback, self.failures = None, 0
                return
        self._count(fallback, items, key)

    @staticmethod
    def _count(strategy: RateLimiter, items: tuple[RateLimitItem, ...], key: str) -> None:
        for index, item in enumerate(items):
            if not strategy.hit(item, key, SITE_WIDE_SCOPE):
                # The longest limit with nothing left holds the next try back (shortest first:
                # "a minute" said while the day's was used up too, diff review).
                used_up = [
                    other
                    for other in items[index + 1 :]
                    if strategy.get_window_stats(other, key, SITE_WIDE_SCOPE).remaining <= 0
                ]
                raise SiteWideLimitExceeded(used_up[-1] if used_up else item)

    def _store_failed(self, error: Exception) -> RateLimiter:
        """Count in memory from now on, and try the store again later; returns the memory count."""
        if self.fallback is None:
            log.warning(
                "The rate-limit store (RATELIMIT_STORAGE_URI) did not answer (%s): counting pages "
                "towards the site-wide limit in this process's memory until it does.",
                type(error).__name__,
            )
            self.fallback = type(self.strategy)(SweptMemoryStorage())
        self.failures += 1
        self.retry_at = time.monotonic() + min(2 ** (self.failures - 1), STORE_RETRY_MAX_SECONDS)
        return self.fallback


def init_site_wide_limit(app: Flask, limiter: Limiter) -> None:
    """Count the site-wide limit with ``SiteWideLimit``, where Flask-Limiter's check before every
    request was (after ``limiter.init_app(app)``). Flask-Limiter's decorators still check their
    own pages' limits; its check before every request, which is only needed for limits that
    apply to every page, is taken out."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return  # Flask-Limiter does nothing then (not even its check): nor does this
    # Flask-Limiter's fixed window (its fallback in memory is made with the same) on the shared
    # store; only counting, so without CountedAtOnce's places held for single pages' limits.
    if not isinstance(limiter.limiter, CountedAtOnce):
        raise StartupError(
            f"Flask-Limiter counts with {type(limiter.limiter).__name__}, not CountedAtOnce: the limits on signing "
            "in and sending requests would let requests sent together all through (app.rate_store)."
        )
    strategy = FixedWindowRateLimiter(limiter.storage)
    functions = app.before_request_funcs.setdefault(None, [])
    # Flask-Limiter's bound method; if an upgrade renamed it, start-up stops saying so (every test would too).
    check = getattr(limiter, "_check_request_limit", None)
    if check not in functions:
        raise StartupError(
            "Flask-Limiter's check before each request was not found (a Flask-Limiter version this code does not "
            "know): install the version pyproject.toml names."
        )
    site_wide = SiteWideLimit(limiter, strategy)
    functions[functions.index(check)] = site_wide
    app.extensions[SITE_WIDE_KEY] = site_wide
    skip_limiter_hooks_when_unused(app, limiter)


def _limiter_used() -> bool:
    """Whether this request used Flask-Limiter's per-request state (a decorated view's limit
    checked, or its limits asked for): Flask-Limiter makes it on first use."""
    return hasattr(request_ctx, "_limiter_request_context")


def skip_limiter_hooks_when_unused(app: Flask, limiter: Limiter) -> None:
    """Run Flask-Limiter's after-request hook (its conditional deductions, ``deduct_when``, and its
    headers) and its teardown (which empties its per-request state) only on requests that used
    that state. On any other page (every question page: only the site-wide limit, counted by
    ``SiteWideLimit``, applies) both find nothing to do, yet made the state to find it empty
    (with the other hooks' cuts, 39 µs of a question page's CPU: docs/PERFORMANCE.md)."""
    after = app.after_request_funcs.setdefault(None, [])
    teardown = app.teardown_request_funcs.setdefault(None, [])
    inject = next(
        (
            index
            for index, function in enumerate(after)
            if isinstance(function, partial)
            and function.args == (limiter,)
            and "inject_headers" in function.func.__name__
        ),
        None,
    )
    release = next(
        (
            index
            for index, function in enumerate(teardown)
            if getattr(function, "__self__", None) is limiter and "release_context" in function.__name__
        ),
        None,
    )
    if inject is None or release is None:
        raise StartupError(
            "Flask-Limiter's hooks after each request were not found (a Flask-Limiter version this code does not "
            "know): install the version pyproject.toml names."
        )
    inject_headers, release_context = after[inject], teardown[release]

    def limiter_after_request(response: Response) -> Response:
        return cast(Response, inject_headers(response)) if _limiter_used() else response

    def limiter_teardown_request(error: BaseException | None = None) -> None:
        if _limiter_used():
            give_back_unkept()  # (once Flask-Limiter's after-request hook has kept what counts)
            release_context(error)

    after[inject] = limiter_after_request
    teardown[release] = limiter_teardown_request


# The count the health check takes in the store to see it takes counts (kept a minute).
STORE_CHECK_KEY = "space-to-think/health-check"
STORE_CHECK_KEY_SECONDS = 60


def rate_limit_store_answers(app: Flask) -> bool:
    """For the health check: whether this app's rate-limit store answers and takes a count. Asked at most every
    ``STORE_CHECK_SECONDS`` per process (a hung Redis costs its timeout once in that time, not on
    every check), and only said in the log when the answer changes."""
    site_wide: SiteWideLimit | None = app.extensions.get(SITE_WIDE_KEY)
    if site_wide is None:  # rate limits turned off
        return True
    now = time.monotonic()
    if now >= site_wide.store_checked_at + STORE_CHECK_SECONDS:
        storage = site_wide.strategy.storage
        why = "does not answer"
        try:
            # Answering, and taking a count: a Redis at its maxmemory with noeviction answers a ping
            # but refuses every count, and the limits fell back to each worker's memory while the
            # health check said "ok" (resources review).
            answers = bool(storage.check())
            if answers:
                why = "answers but takes no count (is it full? Redis's maxmemory)"
                answers = storage.incr(STORE_CHECK_KEY, STORE_CHECK_KEY_SECONDS) > 0
        except Exception:  # noqa: BLE001  (whatever the store's client raises is "not answering")
            answers = False
        if answers != site_wide.store_answers:
            if answers:
                log.warning("Health check: the rate-limit store (RATELIMIT_STORAGE_URI) answers again")
            else:
                log.warning("Health check: the rate-limit store (RATELIMIT_STORAGE_URI) %s", why)
        site_wide.store_answers, site_wide.store_checked_at = answers, now
    return bool(site_wide.store_answers)
