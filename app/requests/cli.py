"""``flask requests purge``: delete requests older than the retention period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .service import purge_requests

requests_cli = AppGroup("requests", help="Stored requests for a session.")


@requests_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted, and delete nothing.")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Retention in days (default: RETENTION_DAYS, 90 unless set).",
)
def purge_command(dry_run: bool, days: int | None) -> None:
    """Delete requests older than the retention period, with everything tied to them (PDFs,
    emails, notes, places in sessions, feedback links); then sessions left empty and feedback
    comments from before that period. The outbox worker does this every hour."""
    retention = days or int(current_app.config.get("RETENTION_DAYS", 90))
    result = purge_requests(retention, dry_run=dry_run)
    count = len(result.references)
    noun = "request" if count == 1 else "requests"
    cutoff = f"{result.cutoff:%Y-%m-%d %H:%M} UTC"
    if dry_run:
        click.echo(
            f"Dry run: would delete {count} {noun} created before {cutoff} "
            f"(retention {retention} days), with {result.outbox_messages} outbox message(s)."
        )
        for reference in result.references:
            click.echo(f"  {reference}")
    else:
        click.echo(
            f"Deleted {count} {noun} created before {cutoff} (retention {retention} days), "
            f"with {result.outbox_messages} outbox message(s)."
        )
