"""What the database's files keep, and what is done so they keep no more than they must: SQLite's
write-ahead log copied into the file and emptied, PostgreSQL's tables rewritten after a deletion,
so that what the purges and facilitators delete is gone from the disk too. (The SQLite settings
each connection opens with are in ``extensions.use_write_ahead_log``.)
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .outage import is_database_outage, outage_in_words

log = logging.getLogger(__name__)


def empty_write_ahead_log() -> bool:
    """SQLite: copy the write-ahead log into the database file and empty the log
    (``wal_checkpoint(TRUNCATE)``). What the purges delete is zeroed in the file
    (``secure_delete``), but the log keeps earlier versions of its pages (a journey's answers as
    each was saved, a request's text) until they are written over, which may be long on a quiet
    service. Called after the purges (the outbox worker's hourly one, ``flask requests purge`` and
    ``delete``). Returns whether it was done: not on PostgreSQL, nor while someone is reading
    (SQLite says "busy"; the next purge tries again)."""
    if db.engine.dialect.name != "sqlite":
        return False
    with db.engine.connect() as connection:
        busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
    return busy is not None and busy[0] == 0


# PostgreSQL: how long rewriting a table (``rewrite_tables``) waits for its lock, pages waiting
# behind it meanwhile; a table busier than that is rewritten the next time (an hour later, by the worker).
REWRITE_LOCK_WAIT_MS = 1000
# PostgreSQL's SQLSTATEs for a lock not had in time (lock_timeout) and a statement cancelled
# (statement_timeout): a table left for next time, not a fault.
_LOCK_NOT_AVAILABLE = "55P03"
_QUERY_CANCELED = "57014"


class Rewritten(NamedTuple):
    """What ``rewrite_tables`` did: the tables rewritten, those left as another was using them, and
    those it could not rewrite, each with why (in words: ``outage.outage_in_words``)."""

    tables: list[str]
    busy: list[str]
    failed: Mapping[str, str] = MappingProxyType({})


def rewrite_tables(skip: Collection[str] = (), only: Collection[str] | None = None) -> Rewritten:
    """PostgreSQL: rewrite each of the app's tables (``VACUUM (FULL)``), so that what was deleted,
    or replaced by an update, is no longer in their files. PostgreSQL keeps a deleted row's bytes
    in the table's file (a dead row, then free space) until they happen to be written over, and
    autovacuum's plain ``VACUUM`` only marks the space free. Found (data-protection review):
    after the purge a request's words were still in the ``requests`` and ``outbox`` files, and
    old versions of a journey's answers in ``journey_sessions``'. A rewrite writes the live rows
    to new files and removes the old ones. Called after the purges: by the outbox worker as it
    starts an hour after it starts, then once a day (``outbox.REWRITE_TABLES_EVERY``), and by
    ``flask requests purge`` and ``delete``; as ``empty_write_ahead_log`` is on SQLite.

    Each table's rewrite holds it for itself (pages that use it wait), so it waits at most
    ``REWRITE_LOCK_WAIT_MS`` for that, and takes at most the database's statement timeout;
    a table busy for longer is left for the next time (the log says which). Measured (regression
    review): 0.83 s for an audit log of 300,000 entries (six years' worth), 0.27 s for 800
    requests with their PDFs. PostgreSQL's write-ahead log and backups are not touched (the
    README says what they keep). A table that cannot be rewritten (its copy does not fit on the
    disk, say) is said and the others are still rewritten (found, regression review: the audit
    log's copy did not fit, and the requests table after it, which would have, kept a purged
    request's words). ``skip``: tables not to try now; ``only``: the tables to try (all, if None).
    Returns the tables rewritten, those left busy and those that failed; nothing on SQLite."""
    if db.engine.dialect.name != "postgresql":
        return Rewritten([], [])
    rewritten: list[str] = []
    busy: list[str] = []
    failed: dict[str, str] = {}
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"SET lock_timeout = {REWRITE_LOCK_WAIT_MS}")
        quote = connection.dialect.identifier_preparer.quote
        # Every table of the app's database: the journey sessions' too (an engine of their own,
        # ``sessions.SESSION_BIND``, on the same database: their own metadata).
        every = {table.name for metadata in db.metadatas.values() for table in metadata.tables.values()}
        names = sorted((every if only is None else every & set(only)) - set(skip))
        for name in names:
            try:
                # ANALYZE too: the planner's statistics keep sampled values (an erased practitioner's
                # email address among the outbox's commonest recipients, found, data protection review)
                # until a table is next analysed, which on a quiet service can be days.
                connection.exec_driver_sql(f"VACUUM (FULL, ANALYZE) {quote(name)}")
                _forget_statistics_if_empty(connection, name, quote(name))
            except SQLAlchemyError as error:
                if getattr(getattr(error, "orig", None), "sqlstate", None) not in (
                    _LOCK_NOT_AVAILABLE,
                    _QUERY_CANCELED,
                ):
                    if connection.closed or connection.invalidated:
                        raise  # the database has gone: nothing more can be rewritten now
                    failed[name] = outage_in_words(error) if is_database_outage(error) else type(error).__name__
                    log.warning("Table %s not rewritten: %s", name, failed[name])
                    continue
                log.warning("Table %s not rewritten now (it was busy); tried again within the hour", name)
                busy.append(name)
                continue
            rewritten.append(name)
    return Rewritten(rewritten, busy, failed)


def _forget_statistics_if_empty(connection: Any, name: str, quoted: str) -> None:
    """PostgreSQL keeps a table's statistics when ANALYZE finds no rows: a purge or deletion that
    emptied it left the last sampled values (an erased address among the outbox's recipients: found,
    regression review). Each text column's statistics go with an ALTER of its type to itself, which
    a table the rewrite has just held for itself, now empty, takes at once."""
    if connection.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {quoted})").scalar():  # noqa: S608 - the app's own table, quoted
        return
    columns = connection.exec_driver_sql(
        "SELECT s.attname, format_type(a.atttypid, a.atttypmod) FROM pg_stats s "
        "JOIN pg_attribute a ON a.attrelid = to_regclass(quote_ident(s.schemaname) || '.' || quote_ident(s.tablename)) "
        "AND a.attname = s.attname "
        "WHERE s.schemaname = current_schema() AND s.tablename = %(name)s "
        "AND format_type(a.atttypid, a.atttypmod) ~ '^(text|character varying|json|jsonb)'",
        {"name": name},
    ).all()
    quote = connection.dialect.identifier_preparer.quote
    for column, column_type in columns:
        try:
            connection.exec_driver_sql(f"ALTER TABLE {quoted} ALTER COLUMN {quote(column)} TYPE {column_type}")
        except SQLAlchemyError as error:  # (the table was rewritten; its statistics go at the next analysis)
            if connection.closed or connection.invalidated:
                raise
            log.warning("Statistics of %s.%s not forgotten: %s", name, column, type(error).__name__)


def checkpoint_write_ahead_log() -> None:
    """SQLite: copy what the write-ahead log holds into the database file, without waiting for
    anyone (``wal_checkpoint(PASSIVE)``: what a reader still needs waits for the next time). The
    outbox worker's pass ends with it, so visitors' commits never do it (``use_write_ahead_log``).
    Nothing on PostgreSQL."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").first()


def forget_deleted_text(what: str) -> None:
    """After a facilitator deletes text that must not be kept (a note, a feedback comment: one
    that names a child, say), empty SQLite's write-ahead log at once (``empty_write_ahead_log``)
    rather than at the next hourly purge, which would otherwise be the first to do it. Call it
    straight after the commit, with nothing read since (an open read keeps the log busy). The
    deletion is saved already, so a fault here is logged (``what`` was deleted), never raised;
    a log kept busy by a reader is emptied by the next purge."""
    try:
        empty_write_ahead_log()
    except SQLAlchemyError as error:
        log.warning("SQLite's log not emptied after %s was deleted (%s)", what, type(error).__name__)
