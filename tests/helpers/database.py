"""Where a test's database lives: a fresh SQLite file, or its own PostgreSQL schema."""

from __future__ import annotations

import os
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


@contextmanager
def database_settings(backend: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """App settings for a clean database; PostgreSQL schemas are dropped afterwards."""
    if backend == "sqlite":
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}"}
        return
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (scripts/test sets it up when run as root)")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
        }
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
