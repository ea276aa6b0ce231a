"""PostgreSQL: a connection whose server has stopped answering is given up in seconds, not held.

A statement sent to a PostgreSQL server that is still reachable but has stopped answering (its
processes frozen: stopped with SIGSTOP, a virtual machine paused, a disk that hangs under it) was
waited for with no end: the server's computer acknowledges what was sent, so libpq's
``tcp_user_timeout`` and TCP keepalives never fire, and the server's own ``statement_timeout``
cannot run while the server is stopped. Measured (dependency review): each page held for 31 s,
until gunicorn killed its worker (no page at all; behind nginx, the offline page), the answers
typed on it lost.

No wait can be cut short for its length alone: a statement may rightly take long (the outbox
worker's hourly purges, a migration, a page waiting for a lock, which ``statement_timeout``
ends). So, once ``DATABASE_ANSWER_CHECK_SECONDS`` pass without an answer, the connection asks the
server, on a connection of its own, whether it still answers at all: libpq's ``PQping``, as
``pg_isready`` does (no password, no session; about 10 ms on a server that answers), giving it as
long again (at least 2 s, libpq's least). A server that answers is left to finish the statement,
however long it takes, and asked again each time the same time passes. A server that does not
answer: the connection is closed and the statement fails as a dropped connection does
(``DatabaseNotAnswering``, an ``OperationalError``; the pool makes a new connection next time),
so the page says the database is not answering (the 503 page, with what was typed) after about
twice the setting (4 s by default).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import psycopg
from flask import Flask
from psycopg import pq
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

# libpq's least connect_timeout: a value of 1 is taken as 2.
PING_LEAST_SECONDS = 2
# psycopg.connect's own arguments, which are not connection options (libpq's conninfo).
NOT_CONNINFO = frozenset({"autocommit", "prepare_threshold", "context", "row_factory", "cursor_factory"})
# Left out of the ping's options: PQping needs no password (a server that asks for one has
# answered), and given one it signs in, a whole session, each time a statement is slow.
NOT_FOR_PING = frozenset({"password"})


class DatabaseNotAnswering(psycopg.OperationalError):
    """The server neither answered a statement nor a new connection in time: the connection is closed."""


class AnswerCheckedConnection(psycopg.Connection[Any]):
    """A psycopg connection that checks the server still answers when a statement waits long."""

    answer_check_seconds: float = 0.0
    ping_conninfo: bytes = b""

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        """Wait for ``gen`` as psycopg does; unless the caller gave a timeout of its own, check the
        server answers each ``answer_check_seconds`` (see the module's docstring)."""
        if timeout is not None or self.answer_check_seconds <= 0:
            return super().wait(gen, interval, timeout)
        while True:
            try:
                return super().wait(gen, interval, self.answer_check_seconds)
            except psycopg.errors._WaitTimeout:
                # PQping holds Python's interpreter while it waits: in a threaded server (the
                # development one) the other threads wait with it, only when the server does not answer.
                if pq.PGconn.ping(self.ping_conninfo) != pq.Ping.NO_RESPONSE:
                    continue  # the server answers: the statement is only slow
                self.pgconn.finish()  # closed: SQLAlchemy takes the connection for dropped, and discards it
                raise DatabaseNotAnswering(
                    "the database server did not answer, nor a new connection: connection closed"
                ) from None


def ping_conninfo(
    cargs: Any, cparams: dict[str, Any], seconds: float, connected: Mapping[str, str] | None = None
) -> bytes:
    """The connection's own options (address, port, SSL...) for ``PQping``, giving up after
    ``seconds``; never the password, nor one written in the URL (``NOT_FOR_PING``). ``connected``:
    the server the connection reached (``connected_to``), which the ping asks, not whichever one
    the host's name or a list of hosts gives next time (review: a slow name lookup on a healthy
    server would have closed a long statement's connection)."""
    options = {name: value for name, value in cparams.items() if name not in NOT_CONNINFO | NOT_FOR_PING}
    options["connect_timeout"] = max(PING_LEAST_SECONDS, math.ceil(seconds))
    given = conninfo_to_dict(cargs[0]) if cargs and cargs[0] else {}
    given = {name: value for name, value in given.items() if name not in NOT_FOR_PING}
    return make_conninfo("", **{**given, **options, **(connected or {})}).encode()


def connected_to(connection: psycopg.Connection[Any]) -> dict[str, str]:
    """The server ``connection`` reached: its host name, the address it was reached at (none for
    a Unix socket) and port."""
    info = connection.info
    found = {"host": info.host, "port": str(info.port)}
    if info.hostaddr:
        found["hostaddr"] = info.hostaddr
    return found


def check_answers(engine: Engine, seconds: float) -> None:
    """Make ``engine``'s PostgreSQL connections check the server answers (nothing for SQLite, or 0)."""
    if engine.dialect.driver != "psycopg" or seconds <= 0:
        return

    @event.listens_for(engine, "do_connect")
    def connect(_dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> AnswerCheckedConnection:
        connection = AnswerCheckedConnection.connect(*cargs, **cparams)
        connection.answer_check_seconds = seconds
        connection.ping_conninfo = ping_conninfo(cargs, cparams, seconds, connected_to(connection))
        return connection

    @event.listens_for(engine, "handle_error")
    def no_second_wait(context: ExceptionContext) -> None:
        # The pool's check of a connection (pool_pre_ping) found the server not answering: fail
        # now. Taken for a dropped connection, the pool would make a new one, and wait for the
        # same server again, for its connect_timeout (the health check took 9 s, not 4).
        if context.is_pre_ping and isinstance(context.original_exception, DatabaseNotAnswering):
            context.is_disconnect = False


def init_answer_checks(app: Flask, engines: Mapping[str | None, Engine]) -> None:
    """Every engine of the app (the requests', the sessions') checks, after DATABASE_ANSWER_CHECK_SECONDS."""
    for engine in engines.values():
        check_answers(engine, float(app.config["DATABASE_ANSWER_CHECK_SECONDS"]))


__all__ = ["AnswerCheckedConnection", "DatabaseNotAnswering", "check_answers", "init_answer_checks"]
