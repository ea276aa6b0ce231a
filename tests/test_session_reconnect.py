"""The sessions' engine checks no connection before using it (that would cost a round trip on
every request): a pooled connection the database dropped, as when PostgreSQL restarts, is
replaced when a statement finds it gone, and the visitor sees nothing of it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.sessions import SESSION_BIND
from support import session_cookie
from support.walk import Walker, question_of

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
