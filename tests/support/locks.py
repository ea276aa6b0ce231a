"""Two people at the same moment, on PostgreSQL: a colleague's change held open on a connection
of its own while the test's action runs in another thread and waits for it.

``run_while_held(colleague, action)`` starts ``action`` (a page posted, a command run), waits until
it waits for a lock the colleague's connection holds (PostgreSQL's ``pg_blocking_pids``: proof
that it waited, not a sleep), commits the colleague's change, and returns what ``action``
returned (raising what it raised). ``own_connections(app)`` gives an engine of the app's own
database that pools nothing: for tests whose action closes the app's pooled connections (a
command does), or that run outside the app's context.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

T = TypeVar("T")


def wait_until_blocked_by(engine: Engine, pid: int, thread: threading.Thread) -> None:
    """Until a connection waits for a lock the PostgreSQL connection ``pid`` holds (``thread``'s).
    Each look in a transaction of its own: within one, PostgreSQL shows the same activity again."""
    deadline = time.monotonic() + 10
    while True:
        with engine.connect() as watcher:
            if watcher.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"), {"pid": pid}
            ).scalar_one():
                return
        assert time.monotonic() < deadline and thread.is_alive(), "it did not wait for the lock"
        time.sleep(0.02)


def run_while_held(
    colleague: Connection, action: Callable[[], T], *, then: Callable[[], Any] | None = None, timeout: float = 15
) -> T:
    """Run ``action`` in another thread; once it waits for a lock ``colleague`` holds, run ``then``
    (more of the colleague's change, if any), commit the colleague's transaction, and return what
    ``action`` returned, or raise what it raised."""
    results: list[T] = []
    errors: list[BaseException] = []

    def act() -> None:
        try:
            results.append(action())
        except BaseException as error:  # noqa: BLE001 — raised again in the test's own thread
            errors.append(error)

    pid = colleague.execute(text("SELECT pg_backend_pid()")).scalar_one()
    thread = threading.Thread(target=act)
    thread.start()
    wait_until_blocked_by(colleague.engine, pid, thread)
    if then is not None:
        then()
    colleague.commit()
    thread.join(timeout)
    if errors:
        raise errors[0]
    assert results, "the action did not finish once the colleague's change was committed"
    return results[0]


@contextmanager
def own_connections(app: Any) -> Iterator[Engine]:
    """An engine of the app's database with no pool (every connection its own), disposed after."""
    engine = create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"],
        connect_args=app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"],
        poolclass=NullPool,
    )
    try:
        yield engine
    finally:
        engine.dispose()
