"""Who ran a command at the server's terminal, in the audit log: a request deleted early, an
account changed, an email recorded as sent say which administrator did it where the server can
tell (the terminal's login, else ``SUDO_USER``), and "An administrator" where it cannot."""

from __future__ import annotations

import os

import pytest
from flask import Flask
from sqlalchemy import select

from app import audit, emails
from app.extensions import db
from app.inbox import service
from app.models import AuditEvent, OutboxMessage
from support.submission import make_request

PASSWORD = "quiet harbour lantern orchard"


def at_the_terminal(monkeypatch: pytest.MonkeyPatch, name: str | None, sudo_user: str | None = None) -> None:
    """The terminal's login is ``name`` (None: no terminal, as under cron); ``SUDO_USER`` as given."""

    def getlogin() -> str:
        if name is None:
            raise OSError(6, "No such device or address")
        return name

    monkeypatch.setattr(os, "getlogin", getlogin)
    if sudo_user is None:
        monkeypatch.delenv("SUDO_USER", raising=False)
    else:
        monkeypatch.setenv("SUDO_USER", sudo_user)


def actors(app: Flask, action: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.actor).where(AuditEvent.action == action)))


def test_the_login_name_is_the_terminals_then_sudos_then_no_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    at_the_terminal(monkeypatch, "alice", sudo_user="root")
    assert (audit.login_name(), audit.cli_actor()) == ("alice", "cli:alice")
    at_the_terminal(monkeypatch, None, sudo_user="bob")
    assert (audit.login_name(), audit.cli_actor()) == ("bob", "cli:bob")
    at_the_terminal(monkeypatch, None)
    assert (audit.login_name(), audit.cli_actor()) == (None, "cli")
    # Kept to what a login name is made of, and to the audit log's 40 characters.
    at_the_terminal(monkeypatch, "a l<i>ce" + "x" * 60)
    assert audit.cli_actor() == "cli:alice" + "x" * 27
    at_the_terminal(monkeypatch, "<>")
    assert audit.cli_actor() == "cli"


def test_a_request_deleted_at_the_terminal_names_who_deleted_it_in_its_trail(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        reference = make_request().reference
    at_the_terminal(monkeypatch, "alice")
    result = app.test_cli_runner().invoke(args=["requests", "delete", reference, "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        [deleted] = [entry for entry in service.audit_trail(reference) if entry.action.startswith("Deleted")]
    assert deleted.who == "An administrator (signed in to the server as alice)"


def test_a_purge_run_by_cron_is_by_an_administrator(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from app.models import StoredRequest, utcnow

    with app.app_context():
        reference = make_request().reference
        db.session.scalar(select(StoredRequest)).created_at = utcnow() - dt.timedelta(days=91)
        db.session.commit()
    at_the_terminal(monkeypatch, None)
    assert "Deleted 1 request" in app.test_cli_runner().invoke(args=["requests", "purge"]).output
    with app.app_context():
        [deleted] = [entry for entry in service.audit_trail(reference) if entry.action.startswith("Deleted")]
    assert deleted.who == "An administrator"


def test_accounts_changed_at_the_terminal_name_who_changed_them(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = app.test_cli_runner()
    with app.app_context():  # (by no one at a terminal: cron, say)
        service.add_facilitator("lee@partnership.example", "Lee", PASSWORD)
    at_the_terminal(monkeypatch, None, sudo_user="bob")
    added = runner.invoke(
        args=["facilitators", "add", "kim@partnership.example", "--name", "Kim"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert added.exit_code == 0, added.output
    for args in (
        ["facilitators", "set-role", "kim@partnership.example", "partnership", "--yes"],
        ["facilitators", "deactivate", "kim@partnership.example"],
        ["facilitators", "reactivate", "kim@partnership.example"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
    assert actors(app, "facilitator_added") == ["cli", "cli:bob"]
    for action in (
        "facilitator_role_changed",
        "facilitator_deactivated",
        "facilitator_reactivated",
    ):
        assert actors(app, action) == ["cli:bob"], action


def test_an_email_recorded_as_sent_names_who_recorded_it(mail_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app = mail_app
    app.config["SEND_ACKNOWLEDGEMENTS"] = True
    with app.app_context():
        reference = make_request().reference
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "acknowledgement"))
        message_id = emails.message_id(message)
    at_the_terminal(monkeypatch, "alice")
    result = app.test_cli_runner().invoke(args=["outbox", "mark-sent", message_id])
    assert result.exit_code == 0, result.output
    assert actors(app, "marked_sent") == ["cli:alice"]
    with app.app_context():
        [marked] = [entry for entry in service.audit_trail(reference) if "recorded as sent" in entry.action]
    assert marked.who == "An administrator (signed in to the server as alice)"


def test_an_audit_detail_is_cut_to_what_the_column_holds(app: Flask) -> None:
    """On PostgreSQL the column holds 500 characters: a longer detail (an export's filters, say)
    would make the action it records fail. Found (mutation review): no test said it is cut."""
    with app.app_context():
        audit.record_event("exported", None, audit.SYSTEM, "x" * 600)
        assert len(db.session.scalars(select(AuditEvent)).one().detail) == 500
