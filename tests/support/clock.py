"""A clock stopped at one moment, for what depends on the date in the UK rather than in UTC.

``stop_clock(monkeypatch, moment, *modules)`` gives each module (one that does
``import datetime as dt``) a ``dt`` whose ``datetime.now`` and ``date.today`` answer as at
``moment``, with the machine's own clock in UTC as on the servers: only what those modules ask
of the clock changes, so the rest of the app and the database keep the real time.
"""

from __future__ import annotations

import datetime as dt
import types

import pytest


def stop_clock(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime, *modules: types.ModuleType) -> None:
    """Stop the clock at ``moment`` (an aware time) for ``modules``."""

    class StoppedDateTime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return moment.astimezone(tz) if tz is not None else moment.astimezone(dt.UTC).replace(tzinfo=None)

    class StoppedDate(dt.date):
        @classmethod
        def today(cls) -> dt.date:  # type: ignore[override]
            return moment.astimezone(dt.UTC).date()

    stopped = types.SimpleNamespace(**{name: getattr(dt, name) for name in dir(dt) if not name.startswith("__")})
    stopped.datetime = StoppedDateTime
    stopped.date = StoppedDate
    for module in modules:
        # raising: a module that no longer reads the clock (its code moved) must fail the test,
        # not leave it running on the real clock.
        monkeypatch.setattr(module, "dt", stopped, raising=True)
