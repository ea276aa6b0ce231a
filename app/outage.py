"""When the database fails: which errors mean "unreachable", and logging them without any data.

SQLAlchemy's engines run with ``hide_parameters=True`` (see ``app.config``), so an error's
message never lists the values a statement carried. The database's own message can still
quote one (``invalid input syntax for type integer: "..."``, or a key's value in a unique
violation's detail), so a database error on a request is logged here by its class, SQLSTATE
and statement, and the traceback's frames, never its message.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import time
import traceback
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .extensions import db
from .schema import expected_heads, known_revisions, missing_from_the_database, settings_that_cannot_connect

log = logging.getLogger(__name__)

# Errors that mean the database could not be reached or stopped answering (not a bug in a query).
OUTAGE_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)
STATEMENT_LOG_LIMIT = 300


# PostgreSQL's SQLSTATE for a write refused because the database takes none now (read_only_sql_transaction):
# a standby server (after a failover that did not promote it), or default_transaction_read_only set
# for maintenance. psycopg raises it as an InternalError.
READ_ONLY_SQLSTATE = "25006"
# PostgreSQL's SQLSTATE for a statement it cancelled: one that ran or waited (for a lock another
# session holds: a migration, a transaction left open in psql) past the statement_timeout.
QUERY_CANCELED_SQLSTATE = "57014"
# PostgreSQL's SQLSTATEs for a table or a column the code uses that the database does not have:
# the database is not at the version this code needs (`flask db upgrade` not run after a new
# release). Found (operator review): Send request then gave the bare "Try again later" page (500)
# with nothing of the request, and the log named no cause; it is answered as the database being
# unavailable (503: the request not sent, the answers kept), and the log says what to run.
# A missing column whose name is also a function's (`requests.mode`: PostgreSQL reads `table.name` as
# `name(table)`, "WITHIN GROUP is required for ordered-set aggregate mode") is wrong_object_type, 42809.
# Each is told so only when the database does lack something the code uses (``schema_words``): the
# same SQLSTATEs come from a bug in a query (found, regression review: `nextval('requests')`, a
# table as a sequence, was told "run db upgrade", with no traceback).
SCHEMA_BEHIND_SQLSTATES = frozenset({"42703", "42P01", "42809"})  # undefined_column, undefined_table
SCHEMA_BEHIND_WORDS = (
    "the database is not at the version this code needs (a table or column it uses is missing): run "
    "flask --app wsgi db upgrade (after a backup)"
)
# The same, the database upgraded by a newer version of the code that took out something this code
# uses (found, regression review: told "run db upgrade", which cannot find the newer migration).
SCHEMA_AHEAD_WORDS = (
    "the database was upgraded by a newer version of the code, which took out a table or column this code uses: "
    "run the web app, the worker and commands with that version's code (or downgrade the database)"
)
# The same, the database at this code's migration: a table or column renamed or dropped by hand.
SCHEMA_CHANGED_WORDS = (
    "a table or column this code uses is missing, though the database is at this code's migration: it was "
    "changed by hand; put it back as the migrations leave it (or restore a backup)"
)


def schema_words(error: BaseException | None) -> str | None:
    """For an error that says a table or column is missing (PostgreSQL's ``SCHEMA_BEHIND_SQLSTATES``,
    SQLite's "no such table" or "no such column"): what is wrong with the database, looked at now
    (in an app context): ``SCHEMA_BEHIND_WORDS`` if it is not at this code's migration (or cannot
    be looked at), ``SCHEMA_AHEAD_WORDS`` if a newer version's migration took it out,
    ``SCHEMA_CHANGED_WORDS`` if it is at this code's but lacks something; None if it has every
    table and column the code uses (the error is a bug in a query), or for any other error."""
    original = error.orig if isinstance(error, DBAPIError) else error
    missing_on_sqlite = isinstance(original, sqlite3.OperationalError) and str(original).startswith(
        ("no such table", "no such column")
    )
    if getattr(original, "sqlstate", None) not in SCHEMA_BEHIND_SQLSTATES and not missing_on_sqlite:
        return None
    # Looked at once for each error: the page's handler, its log line and its words all ask.
    if error is not None and hasattr(error, _SCHEMA_WORDS):
        said: str | None = getattr(error, _SCHEMA_WORDS)
        return said
    said = _schema_words_now()
    if error is not None:
        setattr(error, _SCHEMA_WORDS, said)
    return said


_SCHEMA_WORDS = "space_to_think_schema_words"


def _schema_words_now() -> str | None:
    """``schema_words``' look at the database (in an app context, else ``SCHEMA_BEHIND_WORDS``)."""
    from flask import has_app_context

    if not has_app_context():
        return SCHEMA_BEHIND_WORDS
    from alembic.runtime.migration import MigrationContext

    try:
        with db.engine.connect() as connection:
            heads = frozenset(MigrationContext.configure(connection).get_current_heads())
            if heads != expected_heads() and heads - known_revisions():
                # (Nothing this code uses missing: a bug in a query, not the newer migration: found,
                # regression review, told as the newer version's doing.)
                return SCHEMA_AHEAD_WORDS if missing_from_the_database(connection) else None
            if heads != expected_heads():
                return SCHEMA_BEHIND_WORDS
            return SCHEMA_CHANGED_WORDS if missing_from_the_database(connection) else None
    except SQLAlchemyError:
        return SCHEMA_BEHIND_WORDS


# What libpq and psycopg say of a host name not found (only matched, never logged).
_HOST_NOT_FOUND = re.compile(
    r"failed to resolve host|could not translate host name|Name or service not known|nodename nor servname"
)
# What PostgreSQL says when it takes no more connections: psycopg gives a connection refused so no
# SQLSTATE (only matched, never logged). Found (resources review): "not answering", where it was.
_TOO_MANY_CONNECTIONS = re.compile(r"too many clients already|remaining connection slots are reserved")
# PostgreSQL's SQLSTATEs for a server out of a resource (class 53), in words for the log.
INSUFFICIENT_RESOURCES = {
    "53000": "the database server is out of a resource it needs (insufficient_resources): see its log",
    "53100": "the database server's disk is full (disk_full): free space on it, and writes work again",
    "53200": "the database server is out of memory (out_of_memory): see its log",
    "53300": "the database server takes no more connections (too_many_connections: max_connections)",
    "53400": "the database server's configured limit was exceeded (configuration_limit_exceeded): see its log",
}


# What a command says when SQLite (the default database) stayed busy with another writer for longer
# than a connection waits for its lock (Python's sqlite3: 5 seconds): "database is locked".
SQLITE_BUSY_WORDS = (
    "The database was busy: something else (another command, the web app or the outbox worker) was writing to "
    "it for longer than this command waits (SQLite takes one change at a time), so the command did not finish. "
    "Run the command again."
)


def is_sqlite_busy(error: BaseException) -> bool:
    """True if ``error`` is SQLite's "database is locked" (or "database table is locked"): another
    connection held the write lock for longer than this one waited."""
    original = error.orig if isinstance(error, DBAPIError) else error
    if not isinstance(original, sqlite3.OperationalError):
        return False
    name = getattr(original, "sqlite_errorname", "")  # Python 3.11+: "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT"...
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "is locked" in str(original)


def is_database_outage(error: BaseException | None) -> bool:
    """True if ``error`` says the database is down or unreachable, or takes no writes now (answer
    503, try again later): not a bug in a query."""
    if isinstance(error, OUTAGE_ERRORS):
        return True
    sqlstate = getattr(error.orig, "sqlstate", None) if isinstance(error, DBAPIError) else None
    return sqlstate == READ_ONLY_SQLSTATE or (sqlstate in SCHEMA_BEHIND_SQLSTATES and schema_words(error) is not None)


def refuses_writes_only(error: BaseException) -> bool:
    """True if ``error`` is a database that answers but takes no writes now: its disk full
    (PostgreSQL's disk_full, SQLite's SQLITE_FULL), or read-only. A pass that only reads succeeds
    meanwhile, which is no sign it is over."""
    original = error.orig if isinstance(error, DBAPIError) else None
    if isinstance(original, sqlite3.OperationalError):
        return getattr(original, "sqlite_errorname", "") == "SQLITE_FULL"
    return getattr(original, "sqlstate", None) in ("53100", READ_ONLY_SQLSTATE)


def outage_in_words(error: BaseException) -> str:
    """What an outage error (``is_database_outage``) says, for a log line that repeats: by its
    SQLSTATE where that tells more than "not answering", then the error's class and the driver's,
    never its message. Found (dependency review): with a table locked from psql the outbox worker
    logged "the database is not answering" every pass while the database answered everything
    else, which sent whoever read the journal to the wrong place."""
    original = error.orig if isinstance(error, DBAPIError) else None
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate == QUERY_CANCELED_SQLSTATE:
        words = (
            "a statement took longer than the database allows (statement_timeout), "
            "most likely waiting for a lock another session holds"
        )
    elif sqlstate == READ_ONLY_SQLSTATE:
        words = "the database takes no writes now (a standby, or set read-only)"
    elif isinstance(original, sqlite3.OperationalError) and getattr(original, "sqlite_errorname", "") == "SQLITE_FULL":
        # Found (dependency review): SQLite's full disk was "the database is not answering".
        words = "the disk the SQLite database file is on is full: free space on it, and writes work again"
    elif is_sqlite_busy(error):
        # Found (review): SQLite's "database is locked" was "not answering", as PostgreSQL's lock was.
        words = "SQLite was busy: another connection held its write lock for longer than this one waits"
    elif said := schema_words(error):
        words = said
    elif sqlstate in INSUFFICIENT_RESOURCES:
        # Found (operator review): a full disk was logged as "the database is not answering".
        words = INSUFFICIENT_RESOURCES[sqlstate]
    elif original is not None and (turned_away := _settings_that_cannot_connect(error)) is not None:
        # Found (operations review): a password changed while serving was logged as "the database
        # is not answering", where start-up names it: "turned the connection away (password
        # authentication failed ...): check the user name and password in DATABASE_URL".
        words = turned_away.removeprefix("DATABASE_URL cannot be used: ").removesuffix(".")
    elif original is not None and _TOO_MANY_CONNECTIONS.search(str(original)):
        words = INSUFFICIENT_RESOURCES["53300"]
    elif original is not None and _HOST_NOT_FOUND.search(str(original)):
        # Found (operator review): a host name that can never be found (a typo in DATABASE_URL)
        # was only "not answering", page after page.
        words = "the database's host name cannot be found: check the host in DATABASE_URL, and the DNS"
    else:
        words = "the database is not answering"
    # The driver's error by its module ("from psycopg.OperationalError"): found (operator review),
    # "OperationalError from OperationalError" told an operator nothing.
    cause = f" from {type(original).__module__.split('.')[0]}.{type(original).__name__}" if original is not None else ""
    return f"{words} ({type(error).__name__}{cause}{f', SQLSTATE {sqlstate}' if sqlstate else ''})"


def _settings_that_cannot_connect(error: BaseException) -> str | None:

    said = settings_that_cannot_connect(error)
    # Only the server's refusal: the others (an SQLite file that cannot be opened, an option the
    # client does not take) are start-up's words, and a file gone while serving is an outage.
    return said if said is not None and "turned the connection away" in said else None


# An outage on requests is said in one line, at most once in this many seconds by each process,
# with how many more requests met it meanwhile (``log_database_error``).
OUTAGE_LOG_EVERY_SECONDS = 10.0
_outage_said = {"at": -OUTAGE_LOG_EVERY_SECONDS, "since": 0}


def log_database_error(error: SQLAlchemyError, during: str = "on a request") -> None:
    """Log a database error on a request (or ``during`` something else: "in a command"): class,
    SQLSTATE, statement and frames; no message, no values. An outage on a request (the database
    down or not answering: ``is_database_outage``) is said in one line, what it is
    (``outage_in_words``), at most once every ``OUTAGE_LOG_EVERY_SECONDS`` by each process.
    Found (operator review): each page asked for during an outage logged 40 lines of frames, the
    same each time, where the worker said the outage in one."""
    if during == "on a request" and is_database_outage(error):
        now = time.monotonic()
        if now - _outage_said["at"] < OUTAGE_LOG_EVERY_SECONDS:
            _outage_said["since"] += 1
            return
        more, _outage_said["at"], _outage_said["since"] = _outage_said["since"], now, 0
        behind = schema_words(error) is not None
        # A database not upgraded is the operator's to mend, not weather to wait out: an error, with
        # the statement that met it (found, regression review: a warning, with no statement, which
        # an alert on errors never saw).
        log.log(
            logging.ERROR if behind else logging.WARNING,
            "Database error on a request: %s; the service problem page was shown%s%s",
            outage_in_words(error),
            f" (and to {more} more request{'s' if more != 1 else ''} since the last line)" if more else "",
            "; statement: " + " ".join(str(getattr(error, "statement", "") or "").split())[:STATEMENT_LOG_LIMIT]
            if behind
            else "",
        )
        return
    original = error.orig if isinstance(error, DBAPIError) else None
    sqlstate = getattr(original, "sqlstate", None) or "unknown"
    statement = " ".join(str(getattr(error, "statement", "") or "").split())[:STATEMENT_LOG_LIMIT]
    if words := schema_words(error):
        # The operator's to mend, said in one line, an error, with its statement and no frames
        # (found, regression review: in a command, a warning and fifty lines a cron job would mail).
        log.error("Database error %s: %s; statement: %s", during, words, statement or "none")
        return
    frames = "".join(traceback.format_tb(error.__traceback__))
    level = logging.WARNING if is_database_outage(error) else logging.ERROR
    log.log(
        level,
        "Database error %s: %s%s (SQLSTATE %s); statement: %s\n%s",
        during,
        type(error).__name__,
        f" from {type(original).__name__}" if original is not None else "",
        sqlstate,
        statement or "none",
        frames,
    )


def said_in_one_line(command: click.Command) -> None:
    """Make ``command`` (and, for a group, every command in it) say in one line, and exit with status
    1, that the database did not answer, when it does not (``is_database_outage``).

    Found (dependency review): with the database down or not answering, every ``flask`` command that
    uses it (``outbox send``, ``outbox status``, ``outbox worker --once``, ``requests purge``,
    ``sessions purge``...) printed a traceback of about 150 lines, which a cron job mails on, and
    which says nothing of what to do. (``db upgrade`` already said it in one line.) The line names the
    error's class, never its message. Any other database error ends the command as well, logged
    by ``log_database_error``, never with its message."""
    if isinstance(command, click.Group):
        for inner in command.commands.values():
            said_in_one_line(inner)
        return
    callback = command.callback
    if callback is None or getattr(callback, "outage_said_in_one_line", False):
        return  # the groups outlive each app: wrapped once

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except SQLAlchemyError as error:
            if not is_database_outage(error):
                # Any other database error: logged as on a request (where, never what it said),
                # and the command ends with a line saying so. Found (privacy review): it ended in
                # Python's traceback, messages and all, so a broken constraint's "Failing row
                # contains (...)" on PostgreSQL put a request's details (the person's name) into
                # the journal or a cron job's email (``outbox worker --once``, ``outbox send``).
                log_database_error(error, during="in a command")
                raise click.ClickException(
                    f"The database refused the command's work ({type(error).__name__}), so the command did "
                    "not finish. What the database said is not shown, as it may quote what a request holds; "
                    "the log line above says where it happened."
                ) from None
            if is_sqlite_busy(error):
                # Found (operations review): two commands at the same moment on SQLite, one waiting
                # past its few seconds, were told the database did not answer, to check it was running.
                raise click.ClickException(SQLITE_BUSY_WORDS) from None
            original = error.orig if isinstance(error, DBAPIError) else error
            if words := schema_words(error):
                # Found (regression review): a column missing (the database not upgraded) was "did
                # not answer ... check that it is running", sending the operator to the wrong place.
                log_database_error(error, during="in a command")
                raise click.ClickException(f"{words[0].upper()}{words[1:]}, so the command did not finish.") from None
            if getattr(original, "sqlstate", None) == QUERY_CANCELED_SQLSTATE:
                # Found (dependency review): a command held up by a lock (a migration, a
                # transaction left open in psql) said the database did not answer, and to check it
                # was running, while it answered everything else.
                raise click.ClickException(
                    "The database stopped the command's work: it waited longer than the database allows "
                    "(statement_timeout), most likely for something another session holds (a migration, a "
                    "transaction left open in psql), so the command did not finish. Run it again once that "
                    "session has finished."
                ) from None
            if refuses_writes_only(error):
                # Found (regression review): a read-only database (a reporting copy, a standby) was "did
                # not answer ... check that it is running", where it had answered, refusing a write
                # (reading a quarter's statistics for the first time stores which counts it hid).
                why = (
                    "it is read-only"
                    if getattr(original, "sqlstate", None) == READ_ONLY_SQLSTATE
                    else "its disk is full"
                )
                raise click.ClickException(
                    f"The database answered but takes no changes now ({why}), and this command needed to make one, "
                    "so it did not finish. Run it again once the database takes changes (or against the main "
                    "database, not a read-only copy)."
                ) from None
            if isinstance(error, DBAPIError) and (turned_away := _settings_that_cannot_connect(error)) is not None:
                # Found (configuration review): a wrong password (or a database that does not exist)
                # was "did not answer ... check that it is running" from ``outbox status``, the
                # command a scheduled check alerts on, where start-up and the log name the refusal.
                raise click.ClickException(f"{turned_away} The command did not finish.") from None
            raise click.ClickException(
                f"The database did not answer ({type(original).__name__}), so the command did not finish. "
                "Check that the database (DATABASE_URL) is running and can be reached, then run the command again."
            ) from None

    run.outage_said_in_one_line = True  # type: ignore[attr-defined]  # a mark on the function, read above
    command.callback = run


__all__ = [
    "OUTAGE_ERRORS",
    "QUERY_CANCELED_SQLSTATE",
    "READ_ONLY_SQLSTATE",
    "SQLITE_BUSY_WORDS",
    "is_database_outage",
    "is_sqlite_busy",
    "log_database_error",
    "outage_in_words",
    "said_in_one_line",
]


def end_requests_database_work(app: Flask) -> None:
    """At the end of each request (after ``db.init_app``), end the request's database work as
    Flask-SQLAlchemy does (``db.session.remove()``: what it did not commit is rolled back), except
    that a connection the database has dropped meanwhile is not an error.

    Found (outage review): a connection that drops after the request's last statement on it is
    found dead only by that rollback, after the page was made, and the error left the app: a bare
    500 with no page. As when the database restarts or the network drops while a form is sent:
    signing in reads the account on the requests' connection, then notes the session's new id on
    the sessions' own connection (``sessions.claim_the_new_id``), which finds the database gone
    and gives the "problem with the service" page; the requests' connection, dropped with it,
    holds the account's read open. SQLAlchemy has discarded the connection when the rollback
    fails (and the pool, the connections made before it); the transaction ended with it, and
    nothing in it was committed, so nothing is lost that the rollback would have kept. Any other
    error is raised as before."""

    @app.teardown_appcontext  # run before Flask-SQLAlchemy's own (registered first), which then finds nothing to do
    def end_database_work(_error: BaseException | None) -> None:
        try:
            db.session.remove()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            db.session.registry.clear()  # (``remove`` stopped before forgetting the session)
            log.warning(
                "The request's database connection was dropped before its work ended; discarded: %s",
                outage_in_words(error),
            )


# PostgreSQL's "permission denied" (for a schema, a table).
INSUFFICIENT_PRIVILEGE_SQLSTATE = "42501"


def migration_failed(error: SQLAlchemyError, dialect: str) -> str:
    """Log a database error a migration ended in (``log_database_error``: type, SQLSTATE, statement,
    frames) and return one line for ``flask db upgrade`` or ``downgrade`` (migrations/env.py) naming
    the migration and what to do; never what the database said.

    Found (privacy review): a migration a stored row broke (a constraint, a column made NOT NULL)
    ended in the whole traceback, PostgreSQL's DETAIL "Failing row contains (...)" with it: the
    row's values (a person's name, an email address) in the operator's terminal or a deploy's log."""
    migration, direction = "", "upgrade"
    traceback = error.__traceback__
    while traceback is not None:  # the innermost frame in a file of migrations/versions
        frame = traceback.tb_frame
        if "revision" in frame.f_globals and Path(frame.f_code.co_filename).parent.name == "versions":
            migration = f"migration {frame.f_globals['revision']} ({Path(frame.f_code.co_filename).name})"
            direction = "downgrade" if frame.f_code.co_name == "downgrade" else "upgrade"
        traceback = traceback.tb_next
    kept = "None of this run's migrations was kept (PostgreSQL runs them in one transaction). "
    original = error.orig if isinstance(error, DBAPIError) else None
    sqlstate = getattr(original, "sqlstate", None) or "unknown"
    if sqlstate == INSUFFICIENT_PRIVILEGE_SQLSTATE:
        # Found (administrator review): a database created without ``--owner`` (PostgreSQL 15 lets
        # only its owner create tables in it) ended in 45 lines of frames and "Mend what the
        # migration or the stored rows need", the database's own reason hidden. It quotes no row.
        statement = " ".join(str(getattr(error, "statement", "") or "").split())[:STATEMENT_LOG_LIMIT]
        log.error("Database error in %s: insufficient privilege; statement: %s", migration or "a migration", statement)
        return (
            f"Space to Think cannot {direction} the database: {migration or 'a migration'} failed: the user in "
            "DATABASE_URL may not create or change tables in that database (SQLSTATE 42501, insufficient "
            f"privilege). {kept}Make that user the owner of the database and of every table in it (as the postgres "
            "user: `ALTER DATABASE <name> OWNER TO <user>`, or create it with `createdb --owner=<user> <name>`; "
            "then, in that database, `ALTER TABLE <table> OWNER TO <user>` for each table another user owns, as "
            "after a restore run as the postgres user without --no-owner), then run the command again."
        )
    log_database_error(error, during=f"in {migration or 'a migration'}")
    return (
        f"Space to Think cannot {direction} the database: {migration or 'a migration'} failed: the database "
        f"refused it ({type(error).__name__}, SQLSTATE {sqlstate}). What the database said is not shown, as it "
        "may quote a stored row; the log line above names the statement and where. "
        f"{kept if dialect == 'postgresql' else ''}Mend what the migration or the stored rows need, then run the "
        "command again (`flask --app wsgi db current` shows the migration the database is at)."
    )
