"""The suite's own shortcut for compiled SQL (``support/sql_cache.py``): apps made alike share it,
and an app whose engine is made differently does not."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.extensions import db
from app.models import StoredRequest
from support.database import dispose, migrated_sqlite


def requests_engine(app: Flask) -> sa.Engine:
    """The app's engine after one statement has run on it (the sharing starts at its first connection)."""
    with app.app_context():
        assert db.session.scalars(sa.select(StoredRequest).limit(1)).all() == []
        return db.engine


def test_apps_made_alike_share_compiled_statements_and_others_do_not(tmp_path: Path, sqlite_template: Path) -> None:
    first, second, other = (
        create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": migrated_sqlite(tmp_path / f"{name}.db"), **extra})
        for name, extra in (("a", {}), ("b", {}), ("c", {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 3600}}))
    )
    try:
        engines = [requests_engine(first)]
        compiled = engines[0]._compiled_cache
        kept = len(compiled)
        engines += [requests_engine(second), requests_engine(other)]
        assert engines[1]._compiled_cache is compiled and engines[1].dialect == engines[0].dialect
        assert engines[1].dialect is not engines[0].dialect  # each its own: events stay the app's
        assert len(compiled) == kept  # the second app's statement was the first's, not compiled again
        assert engines[2].dialect != engines[0].dialect and engines[2]._compiled_cache is not compiled
        assert str(engines[1].url) != str(engines[0].url)  # each still its own database file
    finally:
        for app in (first, second, other):
            dispose(app)
