"""Whether the database has the tables this version of the code expects.

The schema is Alembic's (``migrations/``): the database records the migration it is at in
``alembic_version``, and this code expects the latest one in ``migrations/versions`` (the
head). A deploy that skips ``flask db upgrade`` would otherwise serve pages (and answer the
health check) while every request sent failed on a missing column, and the outbox worker
would stop on each pass. So the web app (``wsgi.py``) and the outbox worker refuse to start
with a database behind (or ahead of) the code, saying what to run, and ``/healthz`` reports
it. ``flask`` commands (``flask db upgrade`` itself) are not stopped.
"""

from __future__ import annotations

from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

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
        return None
    if not current:
        return f"The database has no tables yet (no migration has been run): run `{UPGRADE}`."
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


def refuse_a_database_out_of_step(app: Flask) -> None:
    """Raise ``StartupError`` if the database's schema is not this code's (the web app and the
    outbox worker call this as they start). A database that cannot be reached is not refused:
    the pages say so, and the health check reports it."""
    with app.app_context():
        try:
            with db.engine.connect() as connection:
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


def schema_is_current() -> bool:
    """For the health check (in an app context): the database is at this code's migration."""
    versions = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return frozenset(versions) == expected_heads()
