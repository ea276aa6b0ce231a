"""The in-memory rate-limit store, without a new thread on most requests.

``limits``' ``MemoryStorage`` frees expired counts with a ``threading.Timer`` of 10 ms that it
starts again on every count (``incr``, ``decr``, ``acquire_entry``) whenever the last one has
finished: under steady traffic that is a new thread every other request or so, which was 41% of
a gunicorn worker's time on the start page. The timer only frees memory: every read already
treats an expired count as zero (``get``) or an old entry as outside the window
(``acquire_entry``), so counting does not depend on it. This store is the same, except that it
lets the timer be started at most once every ``SWEEP_SECONDS``: expired counts are freed up to
a second later, and a worker starts at most one thread a second for it.

Defining it registers it for the ``memory://`` scheme (``limits`` keeps one class per scheme,
the last defined), so Flask-Limiter and the sign-in lockout both get it from
``RATELIMIT_STORAGE_URI=memory://`` without another setting. Redis is unaffected.

It also defines the strategy Flask-Limiter counts with (``CountedAtOnce``, registered as
``COUNTED_AT_ONCE``): its fixed window, with a limit that counts only some requests counted
atomically as it is checked.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

from flask import g, has_request_context
from limits import RateLimitItem
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter

log = logging.getLogger(__name__)

# The name-mangled private method MemoryStorage calls on every count (limits 5.8.0, pinned).
_SCHEDULE = "_MemoryStorage__schedule_expiry"


class SweptMemoryStorage(MemoryStorage):
    """``MemoryStorage`` whose expiry sweep runs at most once every ``SWEEP_SECONDS``."""

    STORAGE_SCHEME = ["memory"]  # noqa: RUF012  (the registry reads a list, as in limits)
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _schedule_sweep(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep:
            return
        with self._sweep_lock:
            if now < self._next_sweep:
                return
            self._next_sweep = now + self.SWEEP_SECONDS
        getattr(super(), _SCHEDULE)()


# MemoryStorage's own methods call self.__schedule_expiry(), which Python spells
# self._MemoryStorage__schedule_expiry(): point that name at the rationed sweep.
setattr(SweptMemoryStorage, _SCHEDULE, SweptMemoryStorage._schedule_sweep)
if not callable(getattr(MemoryStorage, _SCHEDULE, None)):  # pragma: no cover - a limits upgrade
    raise ImportError("limits.storage.MemoryStorage no longer has the expiry method SweptMemoryStorage rations")


# Flask-Limiter's name for ``CountedAtOnce`` (``Limiter(strategy=...)``, app.extensions).
COUNTED_AT_ONCE = "fixed-window-counted-at-once"
# Where a request keeps the places it holds: (store, key, cost) for each.
_HELD = "rate_limit_places_held"
# Takes back places from a Redis count without going below nothing or touching an ended window.
_GIVE_BACK = b"""
local current = tonumber(redis.call("get", KEYS[1]) or "0")
local amount = tonumber(ARGV[1])
if current >= amount then
    return redis.call("decrby", KEYS[1], amount)
end
return current
"""


class CountedAtOnce(FixedWindowRateLimiter):
    """Flask-Limiter's fixed window, where a limit that counts only some requests (``deduct_when``:
    a password that failed, a request stored, a record asked for) is counted as it is checked.

    Flask-Limiter checks such a limit with ``test`` when a request comes in and counts it with
    ``hit`` after the view has said it counts, so requests in flight together all passed the
    check: sixteen wrong passwords sent at once from one address were all checked, where the limit
    is 5 a minute (concurrency review). Here ``test`` takes a place in the count at once, in one
    step of the store (given back at once if it was one too many), ``hit`` for that limit in the
    same request keeps the place instead of taking another, and a place the request has not kept
    by its end is given back (``give_back_unkept``, after Flask-Limiter's own after-request hook).
    Outside a request (``flask limiter limits``), ``test`` only looks."""

    def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        if not has_request_context():
            return super().test(item, *identifiers, cost=cost)
        key = item.key_for(*identifiers)
        if self.storage.incr(key, item.get_expiry(), amount=cost) > item.amount:
            give_back(self.storage, key, cost)
            return False
        g.setdefault(_HELD, []).append((self.storage, key, cost))
        return True

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        held: list[tuple[Storage, str, int]] | None = g.get(_HELD) if has_request_context() else None
        if held:
            key = item.key_for(*identifiers)
            for index, (storage, held_key, _) in enumerate(held):
                if storage is self.storage and held_key == key:
                    del held[index]  # counted when it was checked
                    return True
        return super().hit(item, *identifiers, cost=cost)


STRATEGIES[COUNTED_AT_ONCE] = CountedAtOnce


def give_back_unkept() -> None:
    """Give back every place this request took in a count (``CountedAtOnce.test``) and did not
    keep: the password was right, the request was not stored... (Never fails the request.)"""
    held: list[tuple[Storage, str, int]] | None = g.pop(_HELD, None)
    for storage, key, cost in held or ():
        give_back(storage, key, cost)


def give_back(storage: Storage, key: str, cost: int) -> None:
    """Take ``cost`` back from the count at ``key``, never below nothing (a window that ended
    meanwhile has nothing to take back from); a store that fails is only logged."""
    try:
        if isinstance(storage, RedisStorage):  # (and its Sentinel and Cluster kinds)
            script = _scripts.get(storage)
            if script is None:
                script = _scripts[storage] = storage.get_connection().register_script(_GIVE_BACK)
            script([storage.prefixed_key(key)], [cost])
        elif isinstance(storage, MemoryStorage):
            storage.decr(key, cost)
        else:
            log.warning("A rate-limit place was not given back: %s has no way to take from a count", type(storage))
    except Exception as error:  # noqa: BLE001  (whatever the store's client raises: the count is only one high)
        log.warning("A rate-limit place was not given back (%s): the store did not answer", type(error).__name__)


# Each Redis store's give-back script (redis-py sends it once, then by its hash).
_scripts: weakref.WeakKeyDictionary[Storage, Any] = weakref.WeakKeyDictionary()
