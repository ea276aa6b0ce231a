"""Shared fixtures: ``app`` (test settings, fresh database built by the migrations), ``client``, ``runner``.

The database is a new SQLite file per test. Tests that should also run on PostgreSQL use
``@both_databases`` from ``helpers``; the PostgreSQL run needs TEST_DATABASE_URL and gets
its own schema, dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from helpers.database import database_settings


@pytest.fixture
def database_backend(request: pytest.FixtureRequest) -> str:
    """"sqlite" unless a test is parametrised (indirectly) with "postgres"."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def app(tmp_path, database_backend: str) -> Iterator[Flask]:
    """The app with test settings and a migrated, empty database."""
    with database_settings(database_backend, tmp_path) as settings:
        from app import create_app
        from flask_migrate import upgrade

        application = create_app({"APP_ENV": "test", **settings})
        with application.app_context():
            upgrade()
        yield application
        with application.app_context():
            from app.extensions import db

            for engine in db.engines.values():

                engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (cookies kept between requests, like a browser)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs the app's ``flask`` commands."""
    return app.test_cli_runner()
