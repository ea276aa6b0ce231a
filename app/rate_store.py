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
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

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
