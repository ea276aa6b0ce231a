"""scripts/backup: the nightly backup and the restore (README, "Backups"), with the real
pg_dump and pg_restore against a PostgreSQL server of the test's own.

Found (administrator review): the README's crontab line passed the database's URL, password
and all, on pg_dump's command line, which any user of the server can read while it runs; kept a
second copy of the password in a file of its own, to drift from the service's; and a failed
dump left an empty file named like a backup, with nothing said anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from support.database import app_on_a_postgres_of_its_own

ROOT = Path(__file__).resolve().parents[1]
BACKUP = ROOT / "scripts" / "backup"
SECRET = "not-on-any-command-line"


def backup(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": path or os.environ["PATH"]}
    return subprocess.run(
        [sys.executable, str(BACKUP), *args], capture_output=True, text=True, timeout=120, env=environment, check=False
    )


def watched_tools(folder: Path, seen: Path) -> str:
    """A PATH on which pg_dump, pg_restore and psql are the real ones, each run noted first in
    ``seen``: its command line, and whether the password reached its environment."""
    folder.mkdir()
    for tool in ("pg_dump", "pg_restore", "psql"):
        real = subprocess.run(["which", tool], capture_output=True, text=True, check=True).stdout.strip()
        script = folder / tool
        script.write_text(
            f'#!/bin/sh\necho "{tool} $* password-given:${{PGPASSWORD:+yes}}" >> {seen}\nexec {real} "$@"\n'
        )
        script.chmod(0o755)
    return f"{folder}:{os.environ['PATH']}"


def test_a_backup_is_made_checked_and_restored_with_the_password_never_on_a_command_line(tmp_path: Path) -> None:
    from app.extensions import db
    from app.models import StoredRequest
    from support.submission import make_request

    with app_on_a_postgres_of_its_own() as (app, server):
        with app.app_context():
            reference = make_request().request.reference
            db.session.remove()  # (its connection given back, then closed: nothing left connected)
            for engine in db.engines.values():
                engine.dispose()
        # The service's own settings file, as systemd reads it (the server trusts any password).
        url = server.url.replace("space_to_think@", f"space_to_think:{SECRET}@")
        settings = tmp_path / "env"
        settings.write_text(f'# the service\'s settings\nSECRET_KEY=x\nDATABASE_URL="{url}"\nRETENTION_DAYS=30\n')
        seen = tmp_path / "seen.log"
        path = watched_tools(tmp_path / "bin", seen)
        folder = tmp_path / "backups"
        stale = folder / "2020-01-01.dump"
        folder.mkdir(mode=0o700)
        stale.write_bytes(b"an old backup")
        os.utime(stale, (0, 0))
        made = backup("--env", str(settings), "--to", str(folder), path=path)
        assert made.returncode == 0, made.stderr
        dumps = sorted(folder.iterdir())
        assert [dump.suffix for dump in dumps] == [".dump"] and dumps[0] != stale  # older than 30 + 7 days: gone
        assert f"Backed up space_to_think to {dumps[0]}" in made.stdout
        assert oct(dumps[0].stat().st_mode & 0o777) == "0o600"
        # Recorded in the audit log, who took it and where (found, audit review: a restore was, a backup not).
        with psycopg.connect(server._plain("space_to_think"), autocommit=True) as connection:
            taken = connection.execute(
                "SELECT actor, detail FROM audit_events WHERE action = 'backup_taken'"
            ).fetchall()
        assert len(taken) == 1 and taken[0][0].startswith("cli") and str(dumps[0]) in taken[0][1], taken
        # The restore: into the database made again, empty, as the README says.
        with psycopg.connect(server._plain("postgres"), autocommit=True) as connection:
            connection.execute("DROP DATABASE space_to_think")
            connection.execute("CREATE DATABASE space_to_think")
        restored = backup("--restore", str(dumps[0]), "--env", str(settings), path=path)
        assert restored.returncode == 0, restored.stderr
        with app.app_context():
            assert db.session.scalar(select(StoredRequest.reference)) == reference
            db.session.remove()  # (its connection given back, then closed: nothing left connected)
            for engine in db.engines.values():
                engine.dispose()
        runs = seen.read_text().splitlines()
        # Made, checked; read (when it was taken), then restored and the outbox held in one transaction
        # (pg_restore's script into psql, with the hold after it: README, "Restore").
        tools = [run.split()[0] for run in runs]
        assert tools[:4] == ["pg_dump", "pg_restore", "psql", "pg_restore"] and sorted(tools[4:]) == [
            "pg_restore",
            "psql",
        ]
        assert all(run.endswith("password-given:yes") and SECRET not in run for run in runs), runs
        # Restored again over what is there, it fails, and changes nothing: the data and the hold are one
        # transaction (found, regression review: restored table by table, then held, a worker left
        # running sent every email waiting in the backup again in between).
        with psycopg.connect(server._plain("space_to_think"), autocommit=True) as connection:
            before = connection.execute("SELECT count(*) FROM audit_events").fetchone()
        again = backup("--restore", str(dumps[0]), "--env", str(settings), path=path)
        assert again.returncode == 1 and "failed, and nothing was restored" in again.stderr, again.stderr
        with psycopg.connect(server._plain("space_to_think"), autocommit=True) as connection:
            assert connection.execute("SELECT count(*) FROM audit_events").fetchone() == before


def test_a_backup_that_fails_leaves_nothing_that_looks_like_a_backup_and_says_why(tmp_path: Path) -> None:
    settings = tmp_path / "env"
    # No server answers there.
    settings.write_text(
        "DATABASE_URL=postgresql+psycopg://space_to_think:x@127.0.0.1:9/space_to_think?connect_timeout=2\n"
    )
    folder = tmp_path / "backups"
    failed = backup("--env", str(settings), "--to", str(folder))
    assert failed.returncode == 1
    assert failed.stderr.startswith("scripts/backup: pg_dump failed: ") and "127.0.0.1" in failed.stderr
    assert list(folder.iterdir()) == []
    # A folder it cannot make: said in a line, not a traceback (regression review).
    (tmp_path / "a-file").write_text("")
    unwritable = backup("--env", str(settings), "--to", str(tmp_path / "a-file" / "backups"))
    assert (
        unwritable.returncode == 1
        and unwritable.stderr.startswith("scripts/backup: ")
        and "Traceback" not in unwritable.stderr
    )


@pytest.mark.parametrize(
    "settings, said",
    [
        ("SECRET_KEY=x\n", "has no DATABASE_URL"),
        ("DATABASE_URL=sqlite:////srv/x.db\n", 'for SQLite, copy it with sqlite3 FILE ".backup COPY.db"'),
    ],
)
def test_a_settings_file_it_cannot_use_is_named_with_what_to_do(tmp_path: Path, settings: str, said: str) -> None:
    path = tmp_path / "env"
    path.write_text(settings)
    refused = backup("--env", str(path), "--to", str(tmp_path / "backups"))
    assert refused.returncode == 1 and str(path) in refused.stderr and said in refused.stderr
    missing = backup("--env", str(tmp_path / "nowhere"), "--to", str(tmp_path / "backups"))
    assert missing.returncode == 1 and "cannot be read" in missing.stderr and "--env" in missing.stderr
