"""The sessions' engine on PostgreSQL. It checks no connection before using it (that would cost a
round trip on every request): a pooled connection the database dropped, as when PostgreSQL
restarts, is replaced when a statement finds it gone, and the visitor sees nothing of it. Its
commits do not wait for the disk; a request's do."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.extensions import db
from app.rules import enumerate_paths, load_contacts, load_pack
from app.sessions import SESSION_BIND
from support import session_cookie
from support.database import NO_WAIT_FOR_DISK
from support.submission import make_request
from support.walk import Walker, outcome_of, question_of

on_postgres = pytest.mark.parametrize(
    "database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def session_backends(app: Flask) -> set[int]:
    """The server process ids behind the sessions' engine's pooled connections (one, here)."""
    with app.app_context(), db.engines[SESSION_BIND].connect() as connection:
        return {int(connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())}


@on_postgres
def test_a_journey_goes_on_after_the_database_drops_its_connections(app: Flask) -> None:
    with app.app_context():
        assert db.engines[SESSION_BIND].pool._pre_ping is False
    client = app.test_client()
    walker = Walker(client)
    first_page = walker.start()
    first = question_of(first_page)
    cookie = session_cookie(client)
    dropped = session_backends(app)
    with app.app_context(), db.engine.connect() as admin:  # the app's other engine: a different connection
        for pid in dropped:
            assert admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    page = client.get(f"/questions/{first}")
    assert page.status_code == 200 and question_of(page) == first
    assert session_cookie(client) == cookie
    assert session_backends(app).isdisjoint(dropped)  # a new connection took the dropped one's place


@on_postgres
def test_answers_and_counts_are_saved_without_waiting_for_the_disk_and_requests_still_wait(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured (issue 13): on this project's host a PostgreSQL commit that waits for the disk
    took 4 ms (8 ms at the 95th percentile) against 0.2 ms, and every answer saved was one. The
    journey sessions' connections, and the anonymous counts, no longer wait (a database server
    crash may lose the last fraction of a second of them); a request, with its email, audit entry
    and count, still does. A journey's counts are written with the claim of ``counted_outcomes``
    in one statement (``app.sessions.claim_at_once``), on a sessions' connection."""
    statements: list[str] = []
    on_driver: list[tuple[str, psycopg.Connection[Any]]] = []
    execute = psycopg.Cursor.execute

    def seen(_connection: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    def committed(_connection: object) -> None:
        statements.append("COMMIT")

    def driver_execute(cursor: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        on_driver.append((" ".join(str(query).split()), cursor.connection))
        return execute(cursor, query, *args, **kwargs)

    # The tests' own connections never wait for the disk (support/database.py): an app without that.
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"].replace(NO_WAIT_FOR_DISK, "")
    waiting = create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": options}},
        }
    )
    with waiting.app_context():
        try:
            with db.engines[SESSION_BIND].connect() as connection:
                assert connection.execute(sa.text("SHOW synchronous_commit")).scalar_one() == "off"
            with db.engine.connect() as connection:
                assert connection.execute(sa.text("SHOW synchronous_commit")).scalar_one() == "on"
        finally:
            for engine in db.engines.values():
                engine.dispose()
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        sa.event.listen(db.engine, "commit", committed)
        sessions_engine = db.engines[SESSION_BIND]
    monkeypatch.setattr(psycopg.Cursor, "execute", driver_execute)
    try:
        page = Walker(app.test_client()).walk([("mode", "practitioner"), ("immediate_danger", "yes")])
        assert page.status_code == 200 and outcome_of(page) == "U1"
        monkeypatch.undo()
        counted = [(query, connection) for query, connection in on_driver if "INSERT INTO counts" in query]
        assert len(counted) == 2  # the journey started, and its outcome
        for query, connection in counted:  # with the claim, on a connection whose commits do not wait
            assert query.startswith("WITH claimed AS (UPDATE journey_sessions SET data")
            assert connection.execute("SHOW synchronous_commit").fetchone() == ("off",)
        assert not any("counts" in statement for statement in statements)  # nothing on the app's engine
        with app.app_context():
            assert {connection for _query, connection in counted} <= {
                record.driver_connection for record in sessions_engine.pool._pool.queue
            }
        statements.clear()
        with app.app_context():
            make_request()
        assert any(statement.startswith("INSERT INTO requests") for statement in statements)
        assert any(statement.startswith("INSERT INTO counts") for statement in statements)
        assert not any("synchronous_commit" in statement for statement in statements)
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", seen)
            sa.event.remove(db.engine, "commit", committed)


@on_postgres
def test_a_page_reads_and_an_answer_writes_the_session_on_the_driver_s_own_cursor(app: Flask) -> None:
    """The read every request with a session makes, and the write of each answer, go to psycopg
    directly, not through SQLAlchemy's execution (about 0.3 ms of CPU each, on requests of 2-4 ms:
    docs/PERFORMANCE.md)."""
    (first, value), (second, _) = next(iter(enumerate_paths(load_pack(contacts=load_contacts())))).answers[:2]
    walker = Walker(app.test_client())
    assert question_of(walker.start()) == first
    through_sqlalchemy: list[str] = []

    def seen(_connection: object, _cursor: object, statement: str, *_args: object) -> None:
        through_sqlalchemy.append(statement)

    with app.app_context():
        engine = db.engines[SESSION_BIND]
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        page = walker.get(f"/questions/{first}")
        assert page.status_code == 200 and question_of(page) == first  # the session was read
        assert through_sqlalchemy == []
        answered = walker.answer(first, value)
        assert answered.status_code == 302
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert through_sqlalchemy == []
    assert question_of(walker.get(answered.location)) == second  # the answer was saved
