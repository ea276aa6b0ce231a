"""What is kept how long, and what deletes the rest: requests past the retention period with
everything tied to them, the sessions they leave empty and old feedback comments; one request now,
on request; and the commands ``flask requests purge`` (with the audit log entries, deactivated
accounts' personal data and the anonymous counts past theirs) and ``flask requests delete``.

Here, above the request, session and inbox packages, because a purge reaches all three: the
request package deletes its own rows and calls back (``also``) for what goes with them elsewhere.
The outbox worker runs the same purges every hour (``app.outbox.purge_due``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from . import audit
from .config import MAXIMUMS
from .database_files import empty_write_ahead_log, rewrite_tables
from .extensions import db
from .inbox.service import (
    EMAIL_CHECK_WORDS,
    confirm_work_email,
    find_request,
    purge_account_emails,
    remove_departed_accounts,
)
from .mail import REDIRECTED, REOPENED
from .models import OutboxMessage, StoredRequest
from .outage import is_database_outage, outage_in_words
from .requests.service import DeletionRefused, PurgeResult, delete_old_requests, delete_one_request, reference_typed
from .sessions import DatabaseSessionInterface, JourneySessionRow
from .space_sessions.models import SessionPlace, SpaceSession
from .space_sessions.service import (
    CANCELLATION,
    DELETE_ANYWAY,
    FEEDBACK_LINK,
    OUTCOME_KEPT_DAYS,
    cancellation_unsent,
    comments_containing,
    delete_comment,
    feedback_link_unsent,
    find_comment,
    invited_session_to_come,
    outcome_kept_until,
    outcome_to_record,
    practitioner_left_untold,
    purge_empty_sessions,
    purge_expired_feedback_links,
    purge_old_comments,
    route_email_unsent,
    session_or_told_start_in_words,
    starts_in_words,
    told_start_to_come_of_a_session_held,
    ways_to_tell,
)
from .stats.service import current_month, purge_old_counts, retention_months
from .uk_time import day_in_words
from .web import EMAIL_SEARCH_KEY, REFUSED_FORM_KEY


def purge_session_data(cutoff: dt.datetime) -> None:
    """With the requests (whose places in sessions went with them, their feedback links left
    working, tied to none): the sessions no request is in any more, feedback links expired,
    feedback comments from months wholly before the
    cutoff, and the emails about inbox accounts (a password changed) queued before it, which
    belong to no request, so are kept no longer than a request's emails (``purge_account_emails``).
    No commit."""
    purge_empty_sessions()
    purge_expired_feedback_links()
    # The UK month, as each comment's is (found, clock review: the cutoff's month in UTC kept a
    # comment up to an hour past its time for each month ending in summer time).
    purge_old_comments(current_month(cutoff))
    purge_account_emails(cutoff)


def purge_requests(
    retention_days: int, dry_run: bool = False, now: dt.datetime | None = None, actor: str = audit.CLI
) -> PurgeResult:
    """Delete requests older than ``retention_days`` with everything tied to them, then the
    sessions left empty and old feedback comments, in one transaction (``delete_old_requests``).
    A request whose practitioner would be left untold about their session (invited to one still
    to come, or a cancellation to them unsent: ``practitioner_left_untold``) is kept until that
    has passed. Found (operator review): with the retention period shortened, the purge deleted a
    request in a session still to come, and its practitioner came to a session nobody held."""
    result = delete_old_requests(
        retention_days,
        purge_session_data,
        dry_run=dry_run,
        now=now,
        actor=actor,
        keep=why_kept_past_its_time,
        may_keep=may_be_kept,
    )
    if not dry_run:
        forget_refused_forms_about(result.references)
    return result


def forget_refused_forms_about(references: Sequence[str]) -> None:
    """Drop from every signed-in facilitator's session a form refused on the page of one of these
    requests, deleted now (its text kept to be shown again: a note held back by the identifying-data
    check, say). Found (privacy review): the note's text outlived the request's deletion in the
    session's row, until the sign-in ended (up to 24 hours).

    And, when any request went, every work email a facilitator has searched for and kept for the
    results page (``EMAIL_SEARCH_KEY``): found (privacy review, b156), the address outlived the
    request deleted after the search (the usual reason for it: a practitioner asking for their data
    to be erased), in the session's row, until the sign-in ended. (A facilitator looking at the
    results sees the empty search form on their next showing of it, and can search again.) Commits."""
    if references:
        rows = db.session.execute(
            select(JourneySessionRow.id, JourneySessionRow.data).where(
                JourneySessionRow.data.contains(f'"{EMAIL_SEARCH_KEY}"', autoescape=True)
            )
        ).all()
        for row in rows:
            data = DatabaseSessionInterface.serializer.loads(row.data)
            if isinstance(data, dict) and data.pop(EMAIL_SEARCH_KEY, None) is not None:
                db.session.execute(
                    update(JourneySessionRow)
                    .where(JourneySessionRow.id == row.id)
                    .values(data=DatabaseSessionInterface.serializer.dumps(data))
                )
    for reference in references:
        page = f"/inbox/requests/{reference}"
        rows = db.session.execute(
            select(JourneySessionRow.id, JourneySessionRow.data).where(
                JourneySessionRow.data.contains(page, autoescape=True)
            )
        ).all()
        for row in rows:
            data = DatabaseSessionInterface.serializer.loads(row.data)
            refused = data.get(REFUSED_FORM_KEY) if isinstance(data, dict) else None
            if isinstance(refused, dict) and str(refused.get("address", "")).startswith(page):
                del data[REFUSED_FORM_KEY]
                db.session.execute(
                    update(JourneySessionRow)
                    .where(JourneySessionRow.id == row.id)
                    .values(data=DatabaseSessionInterface.serializer.dumps(data))
                )
    db.session.commit()


def may_be_kept() -> set[int]:
    """The requests ``why_kept_past_its_time`` could keep, in two queries: each of its reasons needs
    a place in a session, or an email waiting to be sent that cancels one, gives a feedback link, or
    says where to go instead or that the request was reopened.
    Found (volume review): each request due was looked at alone, about four queries each, so 3,000
    due (after the worker had been stopped a while, or the retention period shortened) took 8 to 22
    seconds, with them locked all the while, and the worker's first email after its start waited."""
    in_sessions = db.session.scalars(select(SessionPlace.request_id))
    waiting = db.session.scalars(
        select(OutboxMessage.request_id).where(
            OutboxMessage.request_id.is_not(None),
            OutboxMessage.kind.in_((CANCELLATION, FEEDBACK_LINK, REDIRECTED, REOPENED)),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.given_up_at.is_(None),
        )
    )
    return {*in_sessions, *(request_id for request_id in waiting if request_id is not None)}


def why_kept_past_its_time(request: StoredRequest) -> str | None:
    """Why the purge keeps ``request``, older than the retention period, for now, each reason that
    applies (found, regression review: the first alone was named, and "kept until the email goes"
    was untrue when a second reason kept it after): the email with its practitioner's feedback
    link is unsent (``feedback_link_unsent``), or its session has taken place and whether it was
    held is not recorded yet (``outcome_to_record``), each for a few days at most; its
    practitioner is invited to a session still to come, or a cancellation to them is unsent
    (``practitioner_left_untold``). Else None."""
    reasons = []
    if feedback_link_unsent(request):
        reasons.append(
            "the email with its practitioner's feedback link has not been sent yet: kept until it goes (see `flask "
            f"outbox status`), for {OUTCOME_KEPT_DAYS} days at most"
        )
    if route_email_unsent(request):
        reasons.append(
            "the email telling its practitioner where to go instead, or that it was reopened, has not been sent yet: "
            f"kept until it goes (see `flask outbox status`), for {OUTCOME_KEPT_DAYS} days at most"
        )
    session = outcome_to_record(request)
    if session is not None:
        reasons.append(
            "whether its session was held is not recorded yet: kept until a facilitator records this on the request's "
            f"page in the inbox, or until the end of {day_in_words(outcome_kept_until(session))} "
            f"({OUTCOME_KEPT_DAYS} days after the session)"
        )
    invited_to = invited_session_to_come(request)
    if invited_to is not None:
        reasons.append(_why_kept_for_the_session(request, invited_to))
    cancelled_until = cancellation_unsent(request)
    if cancelled_until is not None:
        reasons.append(
            "an email to its practitioner cancelling its place in the session has not been sent yet: kept until it "
            f"goes (see `flask outbox status`), or until {starts_in_words(cancelled_until)} at the latest, when they "
            "were told the session starts"
        )
    return "; and ".join(reasons) or None


def _why_kept_for_the_session(request: StoredRequest, invited_to: SpaceSession) -> str:
    """Why the purge keeps a request whose practitioner is invited to a session still to come, as
    they were last told it (each reason said apart, with its date: found, regression review, one
    either-or sentence without a date for both this and a cancellation unsent)."""
    delete = f"`.venv/bin/flask --app wsgi requests delete {request.reference} --without-cancellation`"
    told = told_start_to_come_of_a_session_held(request, invited_to)
    if told is not None:
        return (
            f"its practitioner was last told its session starts on {starts_in_words(told)}, but it has started (it "
            f"was moved, and no update reached them): kept until then. {ways_to_tell(request)}, then delete it with "
            f"{delete}"
        )
    return (
        f"its practitioner is invited to its session: kept until {session_or_told_start_in_words(request, invited_to)}"
        " (a facilitator can take the request out of the session on its page in the inbox, closing it, which emails "
        f"them a cancellation; or delete it now, without telling the practitioner, with {delete})"
    )


def left_untold(request: StoredRequest) -> str | None:
    """Why deleting the request now would leave its practitioner untold, in sentences for an
    operator, or None: about their session (``practitioner_left_untold``), or of the feedback
    link whose email waits to be sent (deleted with the request, it would never go: found,
    regression review, ``requests delete`` lost it without a word, as the purge no longer does)."""
    why = practitioner_left_untold(request)
    if feedback_link_unsent(request):
        # Both, when both: found (regression review), the session's advice alone led to deleting the
        # feedback email unsent, without a word.
        why = (why + "\n" if why is not None else "") + (
            f"The email with request {request.reference}'s feedback link is waiting to be sent to its practitioner, "
            "and would be deleted with the request, unsent. Delete the request once `flask outbox status` no "
            f"longer lists it as unsent (the outbox worker sends it within a minute while the mail server answers). "
            f"{DELETE_ANYWAY}"
        )
    if route_email_unsent(request):
        why = (why + "\n" if why is not None else "") + (
            f"The email telling request {request.reference}'s practitioner where to go instead, or that it was "
            "reopened, is waiting to be sent, and would be deleted with the request, unsent. Delete the request once "
            f"`flask outbox status` no longer lists it as unsent. {DELETE_ANYWAY}"
        )
    return why


def delete_request(reference: str, actor: str = audit.CLI, without_cancellation: bool = False) -> int:
    """Delete one request now, with everything tied to it, and the session it leaves empty
    (``delete_one_request``). Returns how many outbox messages went with it. Refused
    (``DeletionRefused``) while its practitioner would be left untold about a session or their
    feedback link (``left_untold``), unless ``without_cancellation``."""
    refuse = None if without_cancellation else left_untold
    emails = delete_one_request(reference, purge_empty_sessions, actor=actor, refuse=refuse)
    forget_refused_forms_about([reference])
    return emails


def deletion_refused(reference: str, without_cancellation: bool = False) -> str | None:
    """Why ``delete_request`` would refuse ``reference`` as things stand (no such request, or its
    practitioner would be left untold about a session), read without holding anything; else None."""
    found = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
    try:
        if found is None:
            return f"There is no stored request {reference}."
        return None if without_cancellation else left_untold(found)
    finally:
        db.session.rollback()


# PostgreSQL's SQLSTATE for a statement it cancelled (statement_timeout: app/config.py).
QUERY_CANCELED = "57014"

requests_cli = AppGroup("requests", help="Stored requests for a session.")


@requests_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted, and delete nothing.")
@click.option(
    "--days",
    # At most what RETENTION_DAYS may be: found (operations review), a mistyped --days 3000000 ended
    # in a traceback (a date before the year 1).
    type=click.IntRange(min=1, max=MAXIMUMS["RETENTION_DAYS"]),
    default=None,
    help=f"Retention in days, at most {MAXIMUMS['RETENTION_DAYS']} (default: RETENTION_DAYS, 90 unless set).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation when --days is shorter than RETENTION_DAYS.")
def purge_command(dry_run: bool, days: int | None, yes: bool) -> None:
    """Delete requests older than the retention period, with everything tied to them (PDFs,
    emails, notes, places in sessions, feedback links); then sessions left empty and feedback
    comments from before that period; then audit log entries older than AUDIT_RETENTION_DAYS, and
    the name, email address and password of accounts deactivated for longer; then the anonymous
    counts of months before the last COUNTS_RETENTION_MONTHS. The outbox worker does this every
    hour.

    With ``--days`` shorter than RETENTION_DAYS, it asks first, naming how many requests would go
    (found, administrator review: ``--days 1`` typed for ``--days 100`` deleted at once what only a
    backup could bring back; ``requests delete`` asks)."""
    configured = int(current_app.config.get("RETENTION_DAYS", 90))
    retention = days or configured
    actor = audit.cli_actor()
    going = purge_requests(retention, dry_run=True, actor=actor) if retention < configured and not dry_run else None
    # (Asked with no request to go as well: feedback comments from before the period go too, kept
    # apart from requests; regression review.)
    if going is not None and not yes:
        many = len(going.references)
        try:
            asked = click.confirm(
                f"Delete {many} request{'' if many == 1 else 's'} created before {going.cutoff:%Y-%m-%d %H:%M} UTC, "
                f"with everything tied to {'it' if many == 1 else 'them'}, and the feedback comments from before "
                f"then ({_days(retention)}, shorter than RETENTION_DAYS, {_days(configured)}) now?"
            )
        except click.Abort:  # no answer to read (run from cron, say): found, regression review, "Aborted!"
            asked = False
            click.echo("")
        if not asked:
            click.echo("Nothing was deleted. To delete them without being asked (from cron, say), add --yes.")
            raise SystemExit(1)
    result = purge_requests(retention, dry_run=dry_run, actor=actor)
    count = len(result.references)
    noun = "request" if count == 1 else "requests"
    cutoff = f"{result.cutoff:%Y-%m-%d %H:%M} UTC"
    audit_days = audit.retention_days()
    entries = audit.purge_audit_events(audit_days, dry_run=dry_run, actor=actor)
    entries_words = f"{entries} audit log {'entry' if entries == 1 else 'entries'} older than {audit_days} days"
    accounts = remove_departed_accounts(audit_days, dry_run=dry_run, actor=actor)
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
            f"(retention {_days(retention)}), with {result.outbox_messages} outbox message(s)."
        )
        for reference in result.references:
            click.echo(f"  {reference}")
        _say_kept(result)
        click.echo(f"Would delete {entries_words} (AUDIT_RETENTION_DAYS).")
        click.echo(f"Would remove {accounts_words}.")
        click.echo(f"Would delete {months_words}.")
    else:
        empty_write_ahead_log()
        _rewrite_tables()
        click.echo(
            f"Deleted {count} {noun} created before {cutoff} (retention {_days(retention)}), "
            f"with {result.outbox_messages} outbox message(s)."
        )
        _say_kept(result)
        click.echo(f"Deleted {entries_words} (AUDIT_RETENTION_DAYS).")
        click.echo(f"Removed {accounts_words}.")
        click.echo(f"Deleted {months_words}.")


def _days(days: int) -> str:
    """ "1 day", "90 days"."""
    return f"{days} day{'' if days == 1 else 's'}"


def _rewrite_tables() -> None:
    """``rewrite_tables`` after a deletion by hand, saying so when it could not be done, or not
    for every table (the deletion stands; the outbox worker rewrites them daily)."""
    try:
        done = rewrite_tables()
    except SQLAlchemyError as error:
        db.session.rollback()
        why = outage_in_words(error) if is_database_outage(error) else type(error).__name__
        click.echo(
            f"PostgreSQL's table files were not rewritten: {why}. What was deleted may stay in them until the "
            "outbox worker next does it (daily), or until flask requests purge is run again (it rewrites them too).",
            err=True,
        )
        return
    busy = done.busy
    if done.failed:
        # Found (regression review): a table whose copy did not fit stopped the rest, and the words
        # said only "OperationalError".
        reasons = "; ".join(dict.fromkeys(done.failed.values()))
        listed = names_listed(list(done.failed))
        space = " A rewrite needs free space on the database's disk as large as the table." if "disk" in reasons else ""
        click.echo(
            f"PostgreSQL's table files of {listed} were not rewritten: {reasons}. What was deleted may stay in them "
            f"until the outbox worker next does it (daily), or until flask requests purge is run again (it rewrites "
            f"them too).{space}",
            err=True,
        )
    if busy:
        # Found (regression review): a table in use was left with only a line in the app's log.
        click.echo(
            f"PostgreSQL's table files of {names_listed(busy)} were not rewritten, as they were in use: what was "
            "deleted may stay in them until the outbox worker next does it (daily), or run this again.",
            err=True,
        )


def names_listed(names: list[str]) -> str:
    """ "counts", "audit_events and counts", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _say_kept(result: PurgeResult) -> None:
    """The requests past the retention period the purge keeps for now, each with why."""
    for reference, why in result.kept:
        click.echo(f"Kept {reference}, older than the retention period: {why}.")


@requests_cli.command("comments")
@click.option("--containing", required=True, help="Words the comment holds: the name the practitioner says they wrote.")
def comments_command(containing: str) -> None:
    """List the feedback comments holding CONTAINING (its case aside), this month's too, with their
    ids, for an erasure or subject access request: a comment is tied to no request or address, and
    this month's are not on the inbox's page until the month is over. Found (data protection
    review): one in which the practitioner had written their name could be neither found nor
    deleted. The search is audited with how many were found, never the words."""
    words = " ".join(containing.split())
    if sum(character.isalnum() for character in words) < 2:  # ("Wu" is a surname; "%%%" lists them all)
        raise click.UsageError(
            "Give at least 2 letters to look for (a name, say): --containing is not a way to list them all."
        )
    found = comments_containing(words)
    audit.add_event("comments_searched", None, audit.cli_actor(), f"{len(found)} found")
    db.session.commit()
    if not found:
        click.echo("No feedback comment holds those words.")
        return
    for comment in found:
        click.echo(f"{comment.id}  {comment.month}  {' '.join(comment.text.split())}")
    click.echo(f"To delete one: flask requests delete-comment ID (its id above). {len(found)} found.")


@requests_cli.command("delete-comment")
@click.argument("comment_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_comment_command(comment_id: str, yes: bool) -> None:
    """Delete one feedback comment now (its id from `flask requests comments`), as the inbox's Delete
    does: audited with its month, never its words."""
    comment = find_comment(comment_id.strip())
    if comment is None:
        raise click.ClickException(
            f"There is no feedback comment with the id {comment_id.strip()!r} (deleted already?)."
        )
    if not yes and not click.confirm(f"Delete the feedback comment from {comment.month}?", default=False):
        click.echo("Nothing was deleted.")
        raise SystemExit(1)
    if not delete_comment(comment, audit.cli_actor()):
        click.echo("It had been deleted meanwhile.")
        return
    _rewrite_tables()
    click.echo(f"Deleted the feedback comment from {comment.month}.")


@requests_cli.command("confirm-email")
@click.argument("reference")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def confirm_email_command(reference: str, yes: bool) -> None:
    """Confirm that a request imported from a PDF this service could not check it made gives the
    practitioner's own work email, for a partnership with one facilitator (where there is no
    other facilitator to check it on the request's page). Check it with the practitioner first,
    at contact details found another way. Emails to it may then go (send the session invitation
    in the inbox), and it is counted as a request sent. Audited as the administrator."""
    try:
        reference = reference_typed(reference)
    except DeletionRefused as refused:
        raise click.ClickException(str(refused)) from None
    stored = find_request(reference)
    if stored is None:
        raise click.ClickException(f"There is no stored request {reference}.")
    if not stored.email_check_pending:
        click.echo(f"Request {reference} has no work email waiting for a check: nothing was changed.")
        return
    if not yes:
        try:
            asked = click.confirm(f"{EMAIL_CHECK_WORDS} (request {reference})?", default=False)
        except click.Abort:
            asked = False
            click.echo("")
        if not asked:
            click.echo(f"Nothing was changed: emails to the practitioner of {reference} still wait for the check.")
            raise SystemExit(1)
    if not confirm_work_email(stored, audit.cli_actor(), by_importer_allowed=True):
        click.echo(f"Request {reference}'s work email had been confirmed meanwhile: nothing was changed.")
        return
    click.echo(
        f"Confirmed the work email of request {reference}: emails to the practitioner can now be sent "
        "(send the session invitation in the inbox, if a session is arranged)."
    )


@requests_cli.command("delete")
@click.argument("reference")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--without-cancellation",
    is_flag=True,
    help="Delete it even while its practitioner is invited to a session still to come, or a cancellation "
    "or their feedback link waits to be emailed to them: they are not told.",
)
def delete_command(reference: str, yes: bool, without_cancellation: bool) -> None:
    """Delete one request now, before its retention period ends (someone asked for their
    information to be erased, or the request holds what it must not), with everything tied to
    it, as the purge does. Its audit trail is kept, with the reference only. Emails already sent
    (to the facilitators' mailbox, and to the practitioner) are not recalled. Refused while its
    practitioner is invited to a session still to come (take it out of the session in the inbox
    first, which emails them a cancellation) or a cancellation or feedback link to them is unsent,
    unless --without-cancellation."""
    try:
        reference = reference_typed(reference)
    except DeletionRefused as refused:
        raise click.ClickException(str(refused)) from None
    if not yes:
        # What would refuse it is said before the question (found, operator review: asked, then
        # refused once "y" was typed). The deletion checks again, holding the request.
        try:
            refused_now = deletion_refused(reference, without_cancellation)
        except OperationalError:
            db.session.rollback()
            refused_now = None  # (the deletion says why, after the question)
        if refused_now is not None:
            raise click.ClickException(refused_now)
        try:
            asked = click.confirm(f"Delete request {reference} and everything tied to it now?")
        except click.Abort:  # no answer to read (from a script, say): found, regression review, "Aborted!"
            asked = False
            click.echo("")
        if not asked:
            # (Found, administrator review: "Aborted!" alone did not say whether anything had gone.)
            click.echo(
                f"Nothing was deleted: request {reference} is kept. To delete it without being asked, add --yes."
            )
            raise SystemExit(1)
    try:
        outbox = delete_request(reference, actor=audit.cli_actor(), without_cancellation=without_cancellation)
    except DeletionRefused as refused:
        raise click.ClickException(str(refused)) from None
    except OperationalError as error:  # waited too long for a lock (statement_timeout), or the database went
        db.session.rollback()
        busy = getattr(error.orig, "sqlstate", None) == QUERY_CANCELED
        why = "something else was using it (a worker sending its email, say)" if busy else "the database did not answer"
        raise click.ClickException(
            f"Request {reference} was not deleted: {why}. Nothing was changed; try again in a minute."
        ) from None
    empty_write_ahead_log()
    _rewrite_tables()
    click.echo(f"Deleted request {reference}, with {outbox} outbox message(s).")
