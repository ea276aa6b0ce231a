"""Whether the database has the tables this version of the code expects.

The schema is Alembic's (``migrations/``): the database records the migration it is at in
``alembic_version``, and this code expects the latest one in ``migrations/versions`` (the
head). A deploy that skips ``flask db upgrade`` would otherwise serve pages (and answer the
health check) while every request sent failed on a missing column, and the outbox worker
would stop on each pass. So the web app (``wsgi.py``) and the outbox worker refuse to start
with a database behind (or ahead of) the code, saying what to run, and ``/healthz`` reports
it. ``flask`` commands (``flask db upgrade`` itself) are not stopped.

They also refuse to start when the database settings can never work: a connection option the
database client does not take (``SQLALCHEMY_ENGINE_OPTIONS``' ``connect_args``, or
``DATABASE_URL``: an unknown name, or a value libpq refuses, like ``sslmode=bogus`` or a port
over 65535), SSL asked of a server without it, or a server that answers and turns the
connection away for good (a wrong password, a role or database that does not exist, no
``pg_hba.conf`` entry), or a SQLite file that cannot be opened. A database that does not answer
at all (refused, timed out, a name not found) is not refused: it may be starting too, the pages
say so, and the health check reports it.
"""

from __future__ import annotations

import functools
import re
import shutil
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError, SQLAlchemyError

from .config import PROJECT_ROOT, StartupError
from .extensions import db

MIGRATIONS = PROJECT_ROOT / "migrations"
UPGRADE = "flask --app wsgi db upgrade"


@lru_cache(maxsize=1)
def expected_heads() -> frozenset[str]:
    """The latest migration (or migrations) in ``migrations/versions``."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


@lru_cache(maxsize=1)
def known_revisions() -> frozenset[str]:
    """Every migration this code has."""
    return frozenset(script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions())


def schema_problem(connection: Connection) -> str | None:
    """What is wrong with the database's schema for this code, or None if it is the expected one."""
    current = frozenset(MigrationContext.configure(connection).get_current_heads())
    expected = expected_heads()
    if current == expected:
        return columns_missing(connection)
    if not current:
        return f"The database has no tables yet (no migration has been run): run `{UPGRADE}`."
    if several := several_markers(current):
        return several
    if current - known_revisions():
        return (
            f"The database is at migration {', '.join(sorted(current))}, which this version of the code does "
            f"not have (it needs {', '.join(sorted(expected))}): the database was upgraded by a newer version. "
            "Deploy that version, or downgrade the database first."
        )
    return (
        f"The database is at migration {', '.join(sorted(current))}, and this version of the code needs "
        f"{', '.join(sorted(expected))}: run `{UPGRADE}` (after a backup), then start it again."
    )


def several_markers(current: frozenset[str]) -> str | None:
    """What to do when the database names more migrations than this code's one line of them can
    leave (``alembic_version`` has a row for each), else None. Found (administrator review): a
    backup restored into a database that was not empty (one already upgraded, or the same restore
    run twice) left two rows, 0019 and 0022: start-up said to run `flask db upgrade`, which then
    failed with Alembic's "Requested revision 0022 overlaps with other requested revisions 0019"."""
    if len(current) < 2 or len(expected_heads()) != 1:
        return None
    return (
        f"The database names {len(current)} migrations at once ({', '.join(sorted(current))}), where it should "
        "name one: a backup was probably restored into a database that was not empty (one already upgraded, or "
        "the same restore run twice). Make the database again, empty, restore the backup into it, and run "
        f"`{UPGRADE}` (the README's Restore)."
    )


def columns_missing(connection: Connection) -> str | None:
    """What the code uses that the database does not have although it is at this code's migration
    (a table or column renamed or dropped by hand, or a migration edited after it ran), in a
    sentence; None if nothing is missing. Found (operator review): with a column renamed, the
    health check said "ok" while every request sent gave the problem page."""
    missing = missing_from_the_database(connection)
    if not missing:
        return None
    return (
        f"The database is at this code's migration but lacks {_listed(missing)}, which this code uses: it was "
        "changed by hand. Put it back as the migrations leave it (or restore a backup), then start it again."
    )


def missing_from_the_database(connection: Connection) -> list[str]:
    """The tables ("table requests") and columns ("column requests.due_on") the code's models have
    and the database does not: one statement on PostgreSQL."""
    tables = db.metadata.tables
    found: dict[str, set[str]] = {}
    if connection.dialect.name == "postgresql":
        # The catalogue itself: SQLAlchemy's reflection waits on a table another session has locked
        # (a migration, psql), and the health check must not (it says degraded in a second).
        rows = connection.execute(
            text(
                "SELECT c.relname, a.attname FROM pg_catalog.pg_class c "
                "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                "WHERE c.relkind IN ('r', 'p') AND c.relname = ANY(:names) AND pg_catalog.pg_table_is_visible(c.oid)"
            ),
            {"names": list(tables)},
        )
        for table_name, column_name in rows:
            found.setdefault(table_name, set()).add(column_name)
    else:
        reflected = inspect(connection).get_multi_columns(filter_names=list(tables))
        found = {name: {column["name"] for column in columns} for (_schema, name), columns in reflected.items()}
    missing = []
    for name, table in sorted(tables.items()):
        if name not in found:
            missing.append(f"table {name}")
        else:
            missing.extend(f"column {name}.{column.name}" for column in table.columns if column.name not in found[name])
    return missing


def _listed(missing: list[str]) -> str:
    return ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")


# What PostgreSQL (or libpq) says when it turns a connection away for good, and what to change;
# the first match wins. Matched in the error's words: a failed connection carries no SQLSTATE
# (libpq keeps only the message), so a server set to answer in another language is not
# recognised, and the app starts as if the database were not answering yet (as before).
REFUSED_FOR_GOOD: tuple[tuple[str, str], ...] = (
    ("password authentication failed", "check the user name and password in DATABASE_URL"),  # 28P01
    ("no password supplied", "DATABASE_URL has no password, and the database server asks for one"),
    ("does not exist", "check the names in DATABASE_URL, or create the database and its user"),  # 3D000, 28000
    ("is not permitted to log in", "the user in DATABASE_URL may not log in (ALTER ROLE ... LOGIN)"),  # 28000
    ("pg_hba.conf", "the database server's pg_hba.conf does not let this user in from here"),  # 28000
    ("authentication failed", "check the user name and password in DATABASE_URL"),  # 28000: peer, ident...
    ("permission denied for database", "the user in DATABASE_URL may not connect to that database"),  # 42501
)
# The server's reason for turning a connection away ("FATAL:  password authentication failed
# for user ..."), or libpq's when it had no password to give.
_TURNED_AWAY = re.compile(r"FATAL:\s+(?P<fatal>[^\n]+)|fe_sendauth: (?P<client>no password supplied)")
# What libpq says of a connection option it cannot use, before it sends anything (psycopg raises
# these as OperationalError, like a database not answering): 'invalid sslmode value: "bogus"',
# 'invalid port number: "99999"', 'invalid integer value "abc" for connection option "keepalives"'.
_OPTION_REFUSED = re.compile(
    r'\binvalid (?:[a-z_]+ value: "[^"\n]*"|port number: "[^"\n]*"'
    r'|integer value "[^"\n]*" for connection option "[a-z_]+")'
)
# A SQLite file in a folder that does not exist, or that this user may not write to: there is no
# server to wait for. Found (operator review): the app started, and every page said "try again in a
# few minutes" for good; `flask db upgrade` said to check that the database "is running".
_SQLITE_CANNOT_OPEN = "unable to open database file"
# A server without SSL, where DATABASE_URL's sslmode asks for it: no retry mends that either.
_SSL_REQUIRED = "server does not support SSL, but SSL was required"


def settings_that_cannot_connect(error: BaseException, secrets: tuple[str, ...] = ()) -> str | None:
    """Why connecting failed, in one line naming the setting, if no retry will mend it (the
    settings must change); None if the database may simply not be answering yet (refused,
    timed out, a host name not found, starting up, too many clients). ``secrets`` (the
    password) are blanked out of the words quoted, should they ever appear there."""
    original = error.orig if isinstance(error, DBAPIError) else error
    # Read as the client and server wrote them; the password is blanked only in what is quoted.
    # Found (partnership's review): blanked first, a wrong password such as "auth" turned
    # "password authentication failed" into "password [password]entication failed", which no
    # longer read as turned away for good: the app started as if the database were only down.
    words = str(original).strip()

    def quoted(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, "[password]")
        return text

    if isinstance(error, (ProgrammingError, TypeError, ValueError)):
        # The database client refused the options before sending anything (psycopg: "invalid
        # connection option", "bad value for connect_timeout"; sqlite3: an unknown keyword).
        first = quoted(words.splitlines()[0])[:200] if words else type(original).__name__
        return (
            "SQLALCHEMY_ENGINE_OPTIONS (its connect_args) or DATABASE_URL cannot be used: the database client "
            f"does not take a connection option they give: {first}"
        )
    if option := _OPTION_REFUSED.search(words):
        return (
            "SQLALCHEMY_ENGINE_OPTIONS (its connect_args) or DATABASE_URL cannot be used: the database client "
            f"does not take a connection option they give: {quoted(option.group(0))[:200]}"
        )
    if _SSL_REQUIRED in words:
        return (
            f"DATABASE_URL cannot be used: the database {_SSL_REQUIRED} (its sslmode): turn SSL on in the database "
            "server, or set sslmode to what it offers."
        )
    if isinstance(original, sqlite3.Error) and _SQLITE_CANNOT_OPEN in words:
        return (
            f"DATABASE_URL cannot be used: SQLite cannot open the database file it names ({_SQLITE_CANNOT_OPEN}): "
            "check that the file's folder exists and that this user may write to it, or name another file."
        )
    turned_away = _TURNED_AWAY.search(words)
    if turned_away is None:
        return None
    said = (turned_away.group("fatal") or turned_away.group("client")).strip()
    advice = next((advice for marks, advice in REFUSED_FOR_GOOD if marks in said), None)
    if advice is None:
        return None
    return (
        f"DATABASE_URL cannot be used: the database server turned the connection away ({quoted(said)[:200]}): {advice}."
    )


def cannot_migrate(app: Flask, error: BaseException) -> str:
    """One line for ``flask db upgrade`` (migrations/env.py) that could not connect: the setting
    to mend (``settings_that_cannot_connect``), or that the database does not answer; never the
    password (operations review: a wrong password there gave a 151-line traceback)."""
    cannot = settings_that_cannot_connect(error, _secrets(app))
    if cannot is None:
        original = error.orig if isinstance(error, DBAPIError) else error
        first = (str(original).strip().splitlines() or [type(original).__name__])[0]
        for secret in _secrets(app):
            first = first.replace(secret, "[password]")
        cannot = (
            f"the database does not answer ({first[:200]}): check that it is running, and that DATABASE_URL "
            "names it, then run this again"
        )
    return f"Space to Think cannot upgrade the database: {cannot}"


def _secrets(app: Flask) -> tuple[str, ...]:
    """The database password, wherever the settings give it."""
    connect_args = (app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("connect_args")
    candidates = [db.engine.url.password]
    if isinstance(connect_args, dict):
        candidates.append(connect_args.get("password"))
    return tuple(str(secret) for secret in candidates if secret)


def refuse_a_database_out_of_step(app: Flask) -> None:
    """Raise ``StartupError`` if the database settings can never work
    (``settings_that_cannot_connect``) or the database's schema is not this code's; the web
    app and the outbox worker call this as they start. A database that cannot be reached is
    not refused: the pages say so, and the health check reports it."""
    with app.app_context():
        try:
            try:
                connection = db.engine.connect()
            except (SQLAlchemyError, TypeError, ValueError) as error:
                cannot = settings_that_cannot_connect(error, _secrets(app))
                if cannot is not None:
                    raise StartupError(cannot) from None
                return
            try:
                with connection:
                    problem = schema_problem(connection)
            except SQLAlchemyError:
                return
        finally:
            # No connection is kept: gunicorn --preload makes its workers as copies of this
            # process, and a pooled connection copied into each would be one socket shared.
            for engine in db.engines.values():
                engine.dispose()
    if problem is not None:
        raise StartupError(problem)


class DatabaseCommands(AppGroup):
    """A command group (``flask stats``, ``flask facilitators``) whose commands each stop with one
    line naming what to do if the database cannot work as set or is not upgraded, as the web app
    and the worker do (operations review: a traceback ending "no such table: counts"). Checked as
    a command runs, so ``--help`` needs no database (diff review)."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:  # type: ignore[override]  # as Flask's AppGroup.command: only the decorator form is used
        register = super().command(*args, **kwargs)

        def decorator(function: Callable[..., Any]) -> click.Command:
            @functools.wraps(function)
            def in_step(*call_args: Any, **call_kwargs: Any) -> Any:
                refuse_a_database_out_of_step(current_app._get_current_object())  # type: ignore[attr-defined]  # the app behind the proxy
                return function(*call_args, **call_kwargs)

            return register(in_step)

        return decorator


# The health check's words for a database a newer version of the code has upgraded, and which
# still has everything this code uses: this server still serves, as in a rolling restart after
# `db upgrade` (``still_serves``).
SCHEMA_NEWER = "upgraded by a newer version of the code"
SERVES_UNTIL_RESTARTED = "this server still serves; restart it with the new code"


def still_serves(schema: str) -> bool:
    """Whether the health check's ``schema`` words let this server serve: "ok", or a database a
    newer version upgraded that still has all this code uses."""
    return schema == "ok" or (schema.startswith(SCHEMA_NEWER) and schema.endswith(SERVES_UNTIL_RESTARTED))


def schema_in_words() -> str:
    """For the health check (in an app context): "ok" if the database is at this code's migration
    and has every table and column the code uses, else what is wrong, briefly.

    A database at a migration this code does not have, with everything this code uses, is
    ``SCHEMA_NEWER``: found (operator review), after the README's `db upgrade` and before each
    server's restart, the servers still on the old code served requests, and the health check
    said they were "unavailable ... run flask db upgrade", which had been run (a load balancer
    going by it takes them all out)."""
    versions = frozenset(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    missing = None
    if several_markers(versions):
        return "names several migrations at once (restored over a database that was not empty?): see the logs"
    if versions != expected_heads():
        if not versions or not versions - known_revisions():
            return "not the version this code needs: run flask db upgrade"
        missing = missing_from_the_database(db.session.connection())
        if missing:
            return f"{SCHEMA_NEWER}, which took out {_listed(missing)}: restart this server with the new code"
        return f"{SCHEMA_NEWER} (migration {', '.join(sorted(versions))}): {SERVES_UNTIL_RESTARTED}"
    missing = missing_from_the_database(db.session.connection())
    if missing:
        return f"changed by hand: {_listed(missing)} missing; put it back as the migrations leave it"
    return "ok"


# How long the health check's write test waits for another connection's write to end (SQLite).
HEALTH_WRITE_WAIT_MS = 200
# Below this much free space on the disk of an SQLite database file, the health check calls it full:
# a request with its PDF takes a few hundred kilobytes.
SQLITE_FREE_BYTES_NEEDED = 1024 * 1024


def sqlite_disk_full() -> bool:
    """For the health check (in an app context): an SQLite database file's disk has less than
    ``SQLITE_FREE_BYTES_NEEDED`` free. Found (dependency review): with that disk full every page that
    saves gave the problem page, /start too, and the health check said "ok", as its write test, a write
    that changes nothing, still worked. (PostgreSQL's disk cannot be seen from here: a full one is
    named in the log by its error, "disk_full".)"""
    if db.engine.dialect.name != "sqlite" or not db.engine.url.database or db.engine.url.database == ":memory:":
        return False
    try:
        return shutil.disk_usage(Path(db.engine.url.database).resolve().parent).free < SQLITE_FREE_BYTES_NEEDED
    except OSError:
        return False  # (a folder that cannot be read is the write test's to report)


def takes_writes() -> bool:
    """For the health check (in an app context): the database takes writes. PostgreSQL says not on a
    standby server (after a failover that did not promote it) or with default_transaction_read_only
    set for maintenance: every answer saved and every request sent would fail. SQLite says not when
    the file (or its folder, for its journal) cannot be written: found (user review), the health
    check said "ok" while every page that saves showed the problem page. Asked by starting a write
    that changes nothing, rolled back at once."""
    if db.engine.dialect.name == "postgresql":
        return str(db.session.execute(text("SELECT current_setting('transaction_read_only')")).scalar_one()) != "on"
    if db.engine.dialect.name != "sqlite":
        return True
    with db.engine.connect() as connection:
        # Another connection's long write does not hold the health check for the usual 5 s: a short
        # wait, then "busy" (writes are taken); the pooled connection's own wait is put back.
        waits = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {HEALTH_WRITE_WAIT_MS}")
        try:
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        except OperationalError as error:
            original = error.orig
            if not isinstance(original, sqlite3.OperationalError):
                raise
            if original.sqlite_errorname.startswith("SQLITE_READONLY"):
                return False  # (the connection is discarded: app.extensions)
            if not original.sqlite_errorname.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise
            # else another connection is writing: writes are taken
        finally:
            if not connection.invalidated:
                connection.rollback()
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {waits}")
    return True
