"""Rate limits at start-up: the limit settings checked, and where counts are kept chosen.

Counts go in the shared store named by ``RATELIMIT_STORAGE_URI`` (Redis, so every worker and
server shares them); without one, in this process's memory (``app.rate_store``), with a warning
when the app first serves a page. The sign-in lockout (``app.lockout``) uses the same store.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from flask import Flask
from limits import parse_many

from .config import StartupError
from .lockout import LOCKOUT_KEY, SignInLockout

log = logging.getLogger(__name__)


def warn_when_serving(app: Flask, message: str) -> None:
    """Log ``message`` once, when the app serves its first web request: a warning about serving
    (rate limits) is noise in every ``flask`` command (``--help``, ``db upgrade``, adding a facilitator)."""
    pending = [message]

    def warn_once() -> None:
        with suppress(IndexError):  # empty: already said
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
    try:
        app.extensions[LOCKOUT_KEY] = SignInLockout.from_config(app.config)
    # Whatever the store's library raises (a malformed URI, an unknown scheme, a missing driver),
    # start-up stops with a message naming the setting rather than a traceback.
    except Exception as error:  # noqa: BLE001
        raise StartupError(f"RATELIMIT_STORAGE_URI cannot be used: {error}") from None
