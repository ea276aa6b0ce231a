"""After a restore from a backup: the outbox held until the checks are done (``flask outbox
release``), the restore said in the audit log, each email's Message-ID kept with it whatever the
key, and a session's calendar SEQUENCE never going back.

Found (restore review, b122): following the README's restore, the worker's first pass sent "your
session is tomorrow" to a practitioner whose session had been cancelled, and whose request erased,
after the backup (F1); restored under another SECRET_KEY, every email waiting in the backup had a
Message-ID found nowhere in the mail server's log, and went again (F2); a session changed twice
after the backup and once after the restore sent SEQUENCE 1 to a calendar holding SEQUENCE 2, which
keeps its copy (F3); and nothing in the audit log said a restore had happened (F5)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy import text as sa_text
from sqlalchemy.engine import make_url

from app import emails, outbox
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, utcnow
from app.outbox import outbox_held
from app.space_sessions.models import SessionPlace, SpaceSession
from app.space_sessions.service import SEQUENCE_RAISED_AFTER_RESTORE
from support import both_databases
from support.database import app_on_a_postgres_of_its_own
from support.mail import SmtpServer
from support.sessions import the_day_before, uk_today
from support.submission import make_request, run_outbox
from test_late_session_emails import invited, pass_at
from test_sessions import (
    calendar_of,
    change_session,
    flush,
    queued_earlier,
    session_app,
    session_id_of,
)

__all__ = ["session_app"]  # a fixture: pytest finds it by name here

ROOT = Path(__file__).resolve().parents[1]
MESSAGE_ID = re.compile(r"<outbox-[a-z_]+\.[0-9a-f]{32}@space-to-think\.invalid>")


def cli(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


@both_databases
def test_a_held_outbox_sends_nothing_and_queues_no_reminder_until_released(
    session_app: Flask, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "_held_said_at", -math.inf)  # (not said yet in this process)
    smtp_server.start()
    tomorrow = uk_today() + dt.timedelta(days=1)
    client, _ = invited(session_app, smtp_server, day=tomorrow, start=dt.time(15))
    queued_earlier(session_app, 30)  # invited yesterday: a reminder is due, the invitation waits
    held = cli(session_app, "outbox", "hold")
    assert held.exit_code == 0 and "1 session not ended yet was raised by 1000" in held.output, held.output
    assert "was held already" in cli(session_app, "outbox", "hold").output  # (raised once)
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        result = pass_at(session_app, the_day_before(tomorrow))
        assert (result.sent, result.reminders_queued) == (0, 0)
    assert smtp_server.mailbox.messages == []
    # Said in the worker's log, once a minute at most (two passes: once).
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "the outbox is held since" in caplog.records[0].getMessage()
    assert "flask outbox release" in caplog.records[0].getMessage()
    status = cli(session_app, "outbox", "status")
    assert status.exit_code == 1
    assert status.output.startswith("The outbox is held since ")
    assert "Needs attention: the outbox is held after a restore (flask outbox release" in status.output
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and "flask outbox release" in health["outbox"], health
    for command in ("send", "remind"):
        refused = cli(session_app, "outbox", command)
        assert refused.exit_code == 1 and "Nothing was sent or queued: the outbox is held" in refused.output
    assert smtp_server.mailbox.messages == []

    released = cli(session_app, "outbox", "release")
    assert released.exit_code == 0 and "The outbox is released" in released.output, released.output
    result = pass_at(session_app, the_day_before(tomorrow))
    assert (result.sent, result.reminders_queued) == (2, 1)
    assert cli(session_app, "outbox", "release").output.startswith("The outbox is not held")
    with session_app.app_context():
        assert outbox_held() is None
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "outbox_released"))
        # The reminder's Message-ID is made from what it is, with no key: queued again after a
        # restore from a backup taken before it went (its row gone), under another key, it is the same.
        reminder = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
        first = reminder.message_id
        assert MESSAGE_ID.fullmatch(first)
        db.session.delete(reminder)
        db.session.commit()
    session_app.config["SECRET_KEY"] = "another-key-after-the-restore"
    smtp_server.mailbox.messages.clear()
    assert pass_at(session_app, the_day_before(tomorrow)).reminders_queued == 1
    assert [m["Message-ID"] for m in smtp_server.mailbox.messages] == [first]


@both_databases
def test_each_email_keeps_the_message_id_it_was_queued_with_whatever_the_key(mail_app: Flask) -> None:
    app = mail_app
    app.config["SEND_ACKNOWLEDGEMENTS"] = True
    with app.app_context():
        reference = make_request().request.reference
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        assert rows and all(MESSAGE_ID.fullmatch(row.message_id or "") for row in rows)
        assert len({row.message_id for row in rows}) == len(rows)
        assert [emails.message_id(row) for row in rows] == [row.message_id for row in rows]
        facilitators = rows[0].message_id
        # A row queued before migration 0026 (no Message-ID stored) keeps the keyed one, as before.
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == rows[-1].id).values(message_id=None))
        db.session.commit()
        db.session.refresh(rows[-1])
        keyed = emails.message_id(rows[-1])
        assert keyed.startswith("<outbox-") and keyed != facilitators
    # Restored under another key: status gives the Message-ID the mail server's log has, and
    # mark-sent takes it.
    app.config["SECRET_KEY"] = "a-new-key-after-a-compromise"
    status = cli(app, "outbox", "status")
    assert f"Message-ID {facilitators}" in status.output
    marked = cli(app, "outbox", "mark-sent", facilitators)
    assert marked.exit_code == 0 and f"{reference}\tfacilitators' email recorded as sent" in marked.output


def _database_file(app: Flask) -> str:
    return str(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)


def _copy(source: str, target: str) -> None:
    """Copy an SQLite database whole (its write-ahead log with it), as sqlite3's .backup does."""
    with sqlite3.connect(source) as old, sqlite3.connect(target) as new:
        old.backup(new)


def test_an_update_after_a_restore_goes_at_a_higher_sequence_than_any_sent_before_it(
    session_app: Flask, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    """F3: the backup holds the session at SEQUENCE 0; after it, two changes sent SEQUENCE 2 (the
    practitioner's calendar holds that); restored, held and released, the next change must go
    higher than 2, even one made while the outbox is held, before the release."""
    from test_inbox import signed_in
    from test_sessions import arrange, invite, offered

    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = offered(session_app)
    flush(session_app, smtp_server)
    day = uk_today() + dt.timedelta(days=14)
    assert arrange(client, reference, day=day, start_time="10:00").status_code == 302
    assert invite(client, reference).status_code == 302
    assert run_outbox(session_app).sent == 1
    session_id = session_id_of(session_app, reference)
    backup = str(tmp_path / "backup.db")
    with session_app.app_context():
        db.session.remove()
        _copy(_database_file(session_app), backup)
    for start in ("11:00", "12:00"):
        assert change_session(client, session_id, day=day, start_time=start).status_code == 302
        assert run_outbox(session_app).sent == 1
    sent_after_the_backup = int(calendar_of(smtp_server.mailbox.messages[-1]).events[0]["SEQUENCE"])
    assert sent_after_the_backup >= 2

    # The database is lost and put back from the backup, held (as scripts/backup --restore holds it).
    with session_app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
        _copy(backup, _database_file(session_app))
    assert cli(session_app, "outbox", "hold").exit_code == 0
    with session_app.app_context():  # (the audit entry scripts/backup --restore writes)
        db.session.add(AuditEvent(at=utcnow(), actor="cli", action="restored_from_backup", reference=None, detail=""))
        db.session.commit()
        session = db.session.get(SpaceSession, session_id)
        place = db.session.scalar(select(SessionPlace).where(SessionPlace.session_id == session_id))
        assert session.sequence == place.invited_sequence >= SEQUENCE_RAISED_AFTER_RESTORE
    # Every inbox page says emails are held (found, restore review: "it will be emailed in the next
    # minute" while nothing could go).
    assert "data-emails-held" in client.get("/inbox").get_data(as_text=True)
    # Changed while held (as the checks after a restore may ask): queued then, sent after the release.
    assert change_session(client, session_id, day=day, start_time="13:00").status_code == 302
    assert run_outbox(session_app).sent == 0
    assert cli(session_app, "outbox", "release").exit_code == 0
    assert "data-emails-held" not in client.get("/inbox").get_data(as_text=True)
    assert run_outbox(session_app).sent == 1
    update_email = smtp_server.mailbox.messages[-1]
    event = calendar_of(update_email).events[0]
    assert int(event["SEQUENCE"]) > sent_after_the_backup
    assert event.decoded("DTSTART").astimezone(dt.UTC).hour in (13, 12)  # 1pm UK time (GMT or BST)
    # Not "the time (it was 10am)": the practitioner was last sent 12pm, after the backup (found,
    # restore review). The update gives the session as it is, without what it was.
    text = update_email.get_body(preferencelist=("plain",)).get_content()
    assert "it was 10am" not in text and "Time: 1pm" in text, text


def _backup(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )


def _backed_up_and_restored(server: Any, tmp_path: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """As the README says: ``server``'s database backed up with scripts/backup, made again empty, and
    the backup restored into it. The backup, and what the restore did."""
    settings = tmp_path / "env"
    settings.write_text(f'SECRET_KEY=x\nDATABASE_URL="{server.url}"\n')
    made = _backup("--env", str(settings), "--to", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    [dump] = (tmp_path / "backups").iterdir()
    with psycopg.connect(server._plain("postgres"), autocommit=True) as connection:
        connection.execute("DROP DATABASE space_to_think")
        connection.execute("CREATE DATABASE space_to_think")
    return dump, _backup("--restore", str(dump), "--env", str(settings))


def test_a_restore_of_a_backup_from_before_the_hold_existed_holds_the_outbox_and_says_so_in_the_audit_log(
    tmp_path: Path,
) -> None:
    """The README's restore on PostgreSQL: scripts/backup --restore of a backup made at migration
    0025 (before the hold's table), then `flask db upgrade`: the outbox is held, with the backup's
    time, and the audit log (and each request's trail) says data was lost."""
    from flask_migrate import downgrade, upgrade

    from app.inbox.service import audit_trail

    with app_on_a_postgres_of_its_own() as (app, server):
        with app.app_context():
            stored = make_request().request
            reference = stored.reference
            # A session still to come (invited at SEQUENCE 2) and one over: only the first is raised.
            for uid, days in (("to-come", 7), ("over", -7)):
                db.session.add(
                    SpaceSession(
                        uid=uid, starts_at=utcnow() + dt.timedelta(days=days), minutes=60, format="online", place="x"
                    )
                )
            db.session.flush()
            to_come = db.session.scalar(select(SpaceSession).where(SpaceSession.uid == "to-come"))
            to_come.sequence = 2
            db.session.add(SessionPlace(request_id=stored.id, session_id=to_come.id, invited_sequence=2))
            db.session.commit()
            db.session.remove()
            downgrade(revision="0025")
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
        before = utcnow()
        dump, restored = _backed_up_and_restored(server, tmp_path)
        assert restored.returncode == 0, restored.stderr
        assert "The outbox is held" in restored.stdout and "flask outbox release" in restored.stdout
        with app.app_context():
            upgrade()  # 0026 finds the hold's table there already
            held = outbox_held()
            assert held is not None and held.held_at >= before - dt.timedelta(seconds=5)
            assert held.backup_taken_at is not None
            assert before - dt.timedelta(minutes=2) <= held.backup_taken_at <= before + dt.timedelta(seconds=5)
            [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "restored_from_backup"))
            assert event.reference is None and event.actor.startswith("cli")
            assert f"taken at {held.backup_taken_at:%d %B %Y %H:%M} UTC ({dump.name})" in event.detail
            assert "is lost" in event.detail
            sequences = dict(db.session.execute(select(SpaceSession.uid, SpaceSession.sequence)).all())
            assert sequences == {"to-come": 2 + SEQUENCE_RAISED_AFTER_RESTORE, "over": 0}
            assert db.session.scalar(select(SessionPlace.invited_sequence)) == 2 + SEQUENCE_RAISED_AFTER_RESTORE
            trail = audit_trail(reference)
            assert trail[-1].action == "The service's data was put back from a backup"
            assert trail[-1].detail.startswith(f"Taken at {held.backup_taken_at:%d %B %Y %H:%M} UTC: what was done")
            db.session.remove()
        status = cli(app, "outbox", "status")
        assert status.output.startswith("The outbox is held since ") and "after a restore of a backup taken at" in (
            status.output
        )
        assert cli(app, "outbox", "release").exit_code == 0
        with app.app_context():
            assert outbox_held() is None
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


def test_the_request_page_shows_the_restore_in_its_trail(app: Flask) -> None:
    """Its trail, read by a facilitator: the restore after the request's own entries, none before."""
    from app.inbox.service import audit_trail

    with app.app_context():
        db.session.add(
            AuditEvent(
                at=utcnow() - dt.timedelta(days=1),
                actor="cli",
                action="restored_from_backup",
                reference=None,
                detail="x",
            )
        )
        reference = make_request().request.reference
        db.session.add(
            AuditEvent(
                actor="cli:alice",
                action="restored_from_backup",
                reference=None,
                detail="The service's data was put back from a backup taken at 07 December 2026 19:39 UTC "
                "(2026-12-07T1939.dump): everything recorded between then and this restore is lost",
            )
        )
        db.session.commit()
        trail = audit_trail(reference)
    restores = [entry for entry in trail if entry.action.startswith("The service's data was put back")]
    assert len(restores) == 1 and restores[0] is trail[-1]
    assert restores[0].detail.startswith("Taken at 07 December 2026 19:39 UTC: what was done after then")
    assert restores[0].who == "An administrator (signed in to the server as alice)"


def test_a_restore_of_a_backup_from_before_sessions_existed_restores_and_holds(tmp_path: Path) -> None:
    """Found (regression review): the hold's statements raised the sessions' calendar numbers, and a
    backup made before migration 0008 has no sessions: the hold failed, and with the data and the hold
    in one transaction nothing would be restored. They are left out where there are no sessions."""
    from flask_migrate import downgrade, upgrade

    from app.models import StoredRequest

    with app_on_a_postgres_of_its_own() as (app, server):
        with app.app_context():
            downgrade(revision="0007")
            db.session.execute(
                sa_text(
                    "INSERT INTO audit_events (at, actor, action, reference, detail) "
                    "VALUES (now(), 'system', 'submitted', 'STT-7KQ4-M9XA', '')"
                )
            )
            db.session.commit()
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
        _, restored = _backed_up_and_restored(server, tmp_path)
        assert restored.returncode == 0, restored.stderr
        with app.app_context():
            upgrade()
            assert outbox_held() is not None
            actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
            assert actions == ["submitted", "restored_from_backup"]
            assert db.session.scalar(select(StoredRequest.id)) is None
            db.session.remove()
