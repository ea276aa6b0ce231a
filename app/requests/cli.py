"""``flask requests purge``: delete requests older than the retention period, audit log entries
older than theirs, and the personal data of accounts deactivated for as long; ``flask requests
delete``: delete one request now."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from .. import audit
from ..extensions import db, empty_write_ahead_log
from ..stats.service import purge_old_counts, retention_months
from .service import DeletionRefused, delete_request, purge_requests

# PostgreSQL's SQLSTATE for a statement it cancelled (statement_timeout: app/config.py).
QUERY_CANCELED = "57014"

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
    comments from before that period; then audit log entries older than AUDIT_RETENTION_DAYS, and
    the name, email address and password of accounts deactivated for longer; then the anonymous
    counts of months before the last COUNTS_RETENTION_MONTHS. The outbox worker does this every
    hour."""
    from ..inbox.service import remove_departed_accounts  # it imports this package

    retention = days or int(current_app.config.get("RETENTION_DAYS", 90))
    result = purge_requests(retention, dry_run=dry_run)
    count = len(result.references)
    noun = "request" if count == 1 else "requests"
    cutoff = f"{result.cutoff:%Y-%m-%d %H:%M} UTC"
    audit_days = audit.retention_days()
    entries = audit.purge_audit_events(audit_days, dry_run=dry_run, actor=audit.CLI)
    entries_words = f"{entries} audit log {'entry' if entries == 1 else 'entries'} older than {audit_days} days"
    accounts = remove_departed_accounts(audit_days, dry_run=dry_run, actor=audit.CLI)
    accounts_words = (
        f"the name, email address and password of {accounts} facilitator account{'' if accounts == 1 else 's'} "
        f"deactivated more than {audit_days} days ago"
    )
    counts_months = retention_months()
    months = purge_old_counts(counts_months, dry_run=dry_run)
    months_words = (
        f"the counts of {months} month{'' if months == 1 else 's'} before the last {counts_months} months "
        "(COUNTS_RETENTION_MONTHS)"
    )
    if dry_run:
        click.echo(
            f"Dry run: would delete {count} {noun} created before {cutoff} "
            f"(retention {retention} days), with {result.outbox_messages} outbox message(s)."
        )
        for reference in result.references:
            click.echo(f"  {reference}")
        click.echo(f"Would delete {entries_words} (AUDIT_RETENTION_DAYS).")
        click.echo(f"Would remove {accounts_words}.")
        click.echo(f"Would delete {months_words}.")
    else:
        empty_write_ahead_log()
        click.echo(
            f"Deleted {count} {noun} created before {cutoff} (retention {retention} days), "
            f"with {result.outbox_messages} outbox message(s)."
        )
        click.echo(f"Deleted {entries_words} (AUDIT_RETENTION_DAYS).")
        click.echo(f"Removed {accounts_words}.")
        click.echo(f"Deleted {months_words}.")


@requests_cli.command("delete")
@click.argument("reference")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_command(reference: str, yes: bool) -> None:
    """Delete one request now, before its retention period ends (someone asked for their
    information to be erased, or the request holds what it must not), with everything tied to
    it, as the purge does. Its audit trail is kept, with the reference only. Emails already sent
    (to the facilitators' mailbox, and to the practitioner) are not recalled."""
    if not yes:
        click.confirm(f"Delete request {reference.strip().upper()} and everything tied to it now?", abort=True)
    try:
        outbox = delete_request(reference)
    except DeletionRefused as refused:
        raise click.ClickException(str(refused)) from None
    except OperationalError as error:  # waited too long for a lock (statement_timeout), or the database went
        db.session.rollback()
        busy = getattr(error.orig, "sqlstate", None) == QUERY_CANCELED
        why = "something else was using it (a worker sending its email, say)" if busy else "the database did not answer"
        raise click.ClickException(
            f"Request {reference.strip().upper()} was not deleted: {why}. Nothing was changed; try again in a minute."
        ) from None
    empty_write_ahead_log()
    click.echo(f"Deleted request {reference.strip().upper()}, with {outbox} outbox message(s).")
