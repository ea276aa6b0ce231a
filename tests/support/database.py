"""Where a test's database lives, with the migrations run once per test run, not per test.

- SQLite: the migrations build a template file once per test process (per xdist worker);
  each test gets its own copy of it.
- PostgreSQL (TEST_DATABASE_URL): the migrations build one schema per test process, named
  uniquely (the worker's name and a random part: other people run the suite on the same
  server at the same time), dropped at the end; every table is emptied before each test
  (DELETE, not TRUNCATE: on tables this small, TRUNCATE's new files cost ten times more).
  The tests' connections commit without waiting for the disk (``synchronous_commit=off``:
  a crash could lose the last commits, which a test database can afford).
  Tests that migrate up and down themselves are marked ``own_schema`` and get a schema of
  their own, built from scratch and dropped afterwards.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

both_databases = pytest.mark.parametrize(
    "database_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
"""Run a test on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too."""

KEEP_TABLES = {"alembic_version"}
# PostgreSQL commits without waiting for its log to reach the disk (a per-connection setting).
NO_WAIT_FOR_DISK = "-csynchronous_commit=off"


def postgres_url() -> str:
    """TEST_DATABASE_URL, or skip the test (saying how to set it)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (scripts/test sets it up when run as root)")
    return url


def schema_settings(url: str, schema: str) -> dict[str, Any]:
    """App settings for the PostgreSQL database at ``url``, using only ``schema``."""
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema} {NO_WAIT_FOR_DISK}"}},
    }


def migrate(settings: dict[str, Any]) -> None:
    """Run the Alembic migrations into the database the settings name."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"APP_ENV": "test", **settings})
    with app.app_context():
        upgrade()
    dispose(app)


def dispose(app: Any) -> None:
    """Close the app's database connections."""
    from app.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@functools.cache
def sqlite_template() -> Path:
    """A migrated, empty SQLite database file, built once per test process (removed at exit)."""
    directory = Path(tempfile.mkdtemp(prefix="space-to-think-template-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "template.db"
    migrate({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    return path


def migrated_sqlite(path: Path) -> str:
    """A copy of the migrated, empty database at ``path``; its SQLAlchemy URI."""
    shutil.copyfile(sqlite_template(), path)
    return f"sqlite:///{path}"


def new_schema_name(worker: str) -> str:
    """A schema name no one else is using: this process's name and a random part."""
    return f"test_{worker}_{uuid.uuid4().hex[:10]}"


@contextmanager
def postgres_schema(url: str, worker: str) -> Iterator[str]:
    """A new, migrated schema, dropped afterwards."""
    schema = new_schema_name(worker)
    admin = sa.create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            migrate(schema_settings(url, schema))
            yield schema
        finally:
            with admin.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


class WorkerSchema:
    """This test process's migrated schema, emptied before each test that uses it.

    If a test broke the schema (dropped a table, say) without being marked ``own_schema``,
    emptying fails and the schema is built again, so the next test still starts clean.
    """

    def __init__(self, url: str, worker: str) -> None:
        self.url = url
        self.worker = worker
        self.engine = sa.create_engine(url)
        self.name = ""
        self.build()

    def build(self) -> None:
        """Create and migrate a new schema, and prepare the statements that empty it."""
        self.name = new_schema_name(self.worker)
        with self.engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{self.name}"'))
        migrate(schema_settings(self.url, self.name))
        tables = sa.MetaData(schema=self.name)
        with self.engine.connect() as connection:
            tables.reflect(connection)
            sequences = connection.execute(
                sa.text("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = :schema"),
                {"schema": self.name},
            ).scalars()
            restarts = [f'ALTER SEQUENCE "{self.name}"."{sequence}" RESTART' for sequence in sorted(sequences)]
        # Children before parents, so no foreign key is in the way.
        deletes = [
            f'DELETE FROM "{self.name}"."{table.name}"'  # noqa: S608 — our own schema's table names
            for table in reversed(tables.sorted_tables)
            if table.name not in KEEP_TABLES
        ]
        self.empty_statements = ";\n".join(["SET LOCAL synchronous_commit = off", *deletes, *restarts])

    def drop(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))

    def empty(self) -> None:
        """Delete every row (except Alembic's version) and restart the sequences, in one round trip."""
        try:
            with self.engine.begin() as connection:
                connection.exec_driver_sql(self.empty_statements)
        except sa.exc.DBAPIError:
            self.drop()
            self.build()

    def close(self) -> None:
        """Drop the schema and close the connections."""
        try:
            self.drop()
        finally:
            self.engine.dispose()


@contextmanager
def database_settings(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, own_schema: bool | None = None
) -> Iterator[dict[str, Any]]:
    """App settings for a clean, migrated database for one test (on PostgreSQL, in a schema
    of its own if ``own_schema``, or, by default, if the test is marked ``own_schema``)."""
    if backend == "sqlite":
        request.getfixturevalue("sqlite_template")  # so the session removes the template at its end
        yield {"SQLALCHEMY_DATABASE_URI": migrated_sqlite(tmp_path / "test.db")}
        return
    url = postgres_url()
    if own_schema is None:
        own_schema = request.node.get_closest_marker("own_schema") is not None
    if own_schema:
        with postgres_schema(url, request.getfixturevalue("worker_name")) as schema:
            yield schema_settings(url, schema)
        return
    schema: WorkerSchema = request.getfixturevalue("postgres_worker_schema")
    schema.empty()
    yield schema_settings(url, schema.name)


@contextmanager
def app_on_a_postgres_of_its_own() -> Iterator[tuple[Any, Any]]:
    """An app on a PostgreSQL server of the test's own (migrated), which the test may freeze:
    never the one TEST_DATABASE_URL names, which other people's tests share."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    from .servers import PostgresServer

    server = PostgresServer().start()
    try:
        # The check after 1 s (the least the setting takes in whole seconds; 2 by default) and a new
        # connection's limit of 2 s (libpq's least; 5 by default): the test is about the page being
        # given in seconds, with what was typed, not about the defaults' sizes.
        app = create_app(
            {
                "APP_ENV": "test",
                "SQLALCHEMY_DATABASE_URI": f"{server.url}?connect_timeout=2",
                "PROPAGATE_EXCEPTIONS": False,
                "DATABASE_ANSWER_CHECK_SECONDS": 1,
            }
        )
        with app.app_context():
            upgrade()
        try:
            yield app, server
        finally:
            with app.app_context():
                for engine in db.engines.values():
                    engine.dispose()
    finally:
        server.stop()


def sqlite_file_bytes(app: Any) -> bytes:
    """The app's SQLite database file and its write-ahead log (``…db-wal``), as they are on disk:
    to check that what was deleted can no longer be read in either."""
    from sqlalchemy.engine import make_url

    database = Path(str(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database))
    log = database.with_name(database.name + "-wal")
    return database.read_bytes() + (log.read_bytes() if log.exists() else b"")


@contextmanager
def statements_run(app: Any) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs inside the block, in a list filled as they run."""
    from app.extensions import db

    statements: list[str] = []

    def note(connection: Any, cursor: Any, statement: str, *rest: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def read_only_app(app: Any) -> Any:
    """Another app on ``app``'s PostgreSQL database whose connections take no changes (as a standby or
    a reporting copy would): ``default_transaction_read_only``. Dispose of it after."""
    from app import create_app

    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    connect = dict(options.get("connect_args", {}))
    connect["options"] = f"{connect.get('options', '')} -cdefault_transaction_read_only=on"
    options["connect_args"] = connect
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    return create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
