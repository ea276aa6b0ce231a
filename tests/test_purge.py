"""Retention: ``flask requests purge`` deletes old requests with their outbox messages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StoredRequest, utcnow
from support import both_databases
from support.submission import make_request


def _requests(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(StoredRequest.reference)))


def _outbox_count(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def _make_old_and_new(app) -> tuple[str, str]:
    # A mailbox on a port where nothing listens: each request gets an (unsent) outbox row.
    app.config.update(
        FACILITATOR_EMAIL="facilitators@partnership.example", SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_TIMEOUT=2
    )
    with app.app_context():
        old = make_request(now=utcnow() - dt.timedelta(days=91)).request.reference
        new = make_request(now=utcnow() - dt.timedelta(days=89)).request.reference
    return old, new


@both_databases
def test_purge_removes_old_requests_with_their_outbox(app, runner) -> None:
    old, new = _make_old_and_new(app)
    assert _outbox_count(app) == 2
    result = runner.invoke(args=["requests", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 request" in result.output and "retention 90 days" in result.output
    assert "1 outbox message" in result.output
    assert _requests(app) == [new]
    assert _outbox_count(app) == 1
    with app.app_context():
        purged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purged")).all()
        assert [(e.reference, e.actor) for e in purged] == [(old, "cli")]
        assert "@" not in purged[0].detail
        # The audit trail of the purged request outlives it.
        assert {e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.reference == old))} >= {
            "created",
            "purged",
        }


@both_databases
def test_dry_run_deletes_nothing(app, runner) -> None:
    old, new = _make_old_and_new(app)
    result = runner.invoke(args=["requests", "purge", "--dry-run"])
    assert result.exit_code == 0
    assert "would delete 1 request" in result.output and old in result.output and new not in result.output
    assert _requests(app) == sorted([old, new])
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purged")).all() == []


def test_retention_comes_from_config_or_option(app, runner) -> None:
    _make_old_and_new(app)
    app.config["RETENTION_DAYS"] = 100
    assert "Deleted 0 requests" in runner.invoke(args=["requests", "purge"]).output
    assert "Deleted 2 requests" in runner.invoke(args=["requests", "purge", "--days", "30"]).output
    assert _requests(app) == []
    assert _outbox_count(app) == 0


def test_purge_with_nothing_to_do(app, runner) -> None:
    result = runner.invoke(args=["requests", "purge"])
    assert result.exit_code == 0 and "Deleted 0 requests" in result.output
