"""The sessions' engine on PostgreSQL. It checks no connection before using it (that would cost a
round trip on every request): a pooled connection the database dropped, as when PostgreSQL
restarts, is replaced when a statement finds it gone, and the visitor sees nothing of it. Its
commits do not wait for the disk; a request's do."""

from __future__ import annotations

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
def test_answers_and_counts_are_saved_without_waiting_for_the_disk_and_requests_still_wait(app: Flask) -> None:
    """Measured (issue 13): on this project's host a PostgreSQL commit that waits for the disk
    took 4 ms (8 ms at the 95th percentile) against 0.2 ms, and every answer saved was one. The
    journey sessions' connections, and the anonymous counts' transactions, no longer wait (a
    database server crash may lose the last fraction of a second of them); a request, with its
    email, audit entry and count, still does."""
    statements: list[str] = []

    def seen(_connection: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    def committed(_connection: object) -> None:
        statements.append("COMMIT")

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
    try:
        page = Walker(app.test_client()).walk([("mode", "practitioner"), ("immediate_danger", "yes")])
        assert page.status_code == 200 and outcome_of(page) == "U1"
        counted = [index for index, statement in enumerate(statements) if statement.startswith("INSERT INTO counts")]
        assert len(counted) == 2  # the journey started, and its outcome
        for index in counted:  # in a transaction whose commit was told not to wait
            last_commit = max((i for i in range(index) if statements[i] == "COMMIT"), default=-1)
            assert "SET LOCAL synchronous_commit TO off" in statements[last_commit + 1 : index]
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
