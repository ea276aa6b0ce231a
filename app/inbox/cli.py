"""``flask facilitators add|deactivate|reactivate|set-role|rename|set-email|list|unlock|reset-password``
and ``failed-sign-ins|audit-log``: the inbox's accounts, and what the audit log says they did.

Passwords are typed at a hidden prompt, twice, and never accepted as an argument (it would
stay in the shell history and the process list). They may also be piped in (two lines, for a
script): then they are read from standard input, which is not shown anywhere.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable

import click
from flask import current_app
from sqlalchemy import select

from ..audit import actor_in_words, cli_actor, record_event, retention_days
from ..extensions import db
from ..lockout import LOCKOUT_KEY, SignInLockout, StoreUnavailable
from ..mail import too_late
from ..models import AuditEvent, utcnow
from ..requests.reference import is_reference, normalise_reference
from ..schema import DatabaseCommands
from ..uk_time import uk_time_and_zone
from .models import FACILITATOR, ROLES, Facilitator
from .service import (
    ACCOUNT_EMAIL_WITHDRAWN,
    ACTION_WORDS,
    ACTOR_PATTERN,
    EMAIL_TOO_LATE_WORDS,
    PASSWORD_RULES,
    ROLE_WORDS,
    FacilitatorError,
    add_facilitator,
    address_as_searched,
    all_facilitators,
    change_email,
    change_role,
    deactivate_facilitator,
    email_fingerprint,
    facilitator_acting,
    find_facilitator,
    new_account_problem,
    open_requests_assigned,
    password_problem,
    reactivate_facilitator,
    rename_facilitator,
    reset_password,
)

# The password prompt says what it asks for up front (``PASSWORD_RULES``; found: it said only "at
# least 12 characters", then refused common passwords and ones easy to guess).
facilitators_cli = DatabaseCommands("facilitators", help="Facilitator accounts for the inbox.")


def typed_at_a_terminal() -> bool:
    """Whether the password comes from a person at a terminal (rather than a pipe)."""
    return sys.stdin.isatty()


def ask_password(text: str, check: Callable[[str], str]) -> str:
    """The new password, asked twice and checked. At a terminal it is hidden as it is typed.
    Piped in, it is read from standard input as it is: Python's hidden prompt would warn that it
    cannot hide it (nothing is shown anyway), and would read the terminal rather than the pipe."""
    password: str = click.prompt(text, hide_input=typed_at_a_terminal(), confirmation_prompt=True, value_proc=check)
    return password


# Said by ``add`` and ``reset-password``: the password was chosen by whoever ran it, so the
# account must choose its own at its next sign-in (b149 review: nothing made it).
HAND_OVER = (
    "Tell them the password by phone or in person, never by email or chat: at their next sign-in they must "
    "choose a new one only they know before they can use the inbox."
)


@facilitators_cli.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The facilitator's name, as shown in the inbox.")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default=FACILITATOR,
    show_default=True,
    help="facilitator: works the inbox; partnership: read-only, sees the statistics only.",
)
def add_command(email: str, name: str, role: str) -> None:
    """Add an account that can sign in to the inbox (asks for their password)."""

    def check(password: str) -> str:
        problem = password_problem(password, email, name)
        if problem:
            raise click.UsageError(problem)
        return password

    if problem := new_account_problem(email, name):
        raise click.ClickException(problem)
    password = ask_password(f"Password ({PASSWORD_RULES})", check)
    try:
        facilitator = add_facilitator(email, name, password, role, must_change_password=True)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    sees = "the statistics only" if facilitator.reads_statistics_only else "the inbox"
    click.echo(
        f"Added {facilitator.display_name} <{facilitator.email}> ({role}: {sees}). They can sign in at "
        # The whole address where the service knows it (operator review: "/inbox/sign-in" alone).
        f"{(current_app.config.get('PUBLIC_BASE_URL') or '').rstrip('/')}/inbox/sign-in. {HAND_OVER}"
    )


def say_requests_still_assigned(facilitator: Facilitator) -> None:
    """Say which open requests are still assigned to an account that can no longer work on them
    (deactivated, or moved to the partnership role), and to reassign them (b149 review: nothing said
    so, and no one was working on them)."""
    references = open_requests_assigned(facilitator)
    if not references:
        return
    how_many = "1 open request is" if len(references) == 1 else f"{len(references)} open requests are"
    click.echo(
        f"{how_many} still assigned to {facilitator.display_name}, who cannot work on requests now: "
        f"{', '.join(references)}. Reassign them in the inbox (its Assigned to filter lists them)."
    )


@facilitators_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Stop a facilitator signing in (their requests, notes and audit trail stay). Once it has been
    deactivated for longer than the audit log is kept (AUDIT_RETENTION_DAYS), the account's name,
    email address and password are removed."""

    def withdrawn() -> int:
        return len(db.session.scalars(select(AuditEvent.id).where(AuditEvent.action == ACCOUNT_EMAIL_WITHDRAWN)).all())

    before = withdrawn()
    try:
        facilitator = deactivate_facilitator(email)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    if facilitator.anonymised_at is not None:
        click.echo(
            f"{facilitator.display_name} <{facilitator.email}> was deactivated already, and its name, email "
            f"address and password were removed on {facilitator.anonymised_at:%Y-%m-%d}. Nothing was changed."
        )
        return
    days = retention_days()
    click.echo(
        f"Deactivated {facilitator.display_name} <{facilitator.email}>. They can no longer sign in. Unless the "
        f"account is reactivated, its name, email address and password will be removed {days} days after it was "
        "deactivated (AUDIT_RETENTION_DAYS)."
    )
    if gone := withdrawn() - before:
        # Found (regression review): "They will be emailed that their password was changed", said just
        # before, and nothing said that notice would not go.
        emails = "email not sent yet" if gone == 1 else f"{gone} emails not sent yet"
        click.echo(
            f"The account's {emails} (a notice that its password or email address was changed) "
            f"{'was' if gone == 1 else 'were'} withdrawn: its owner has left, and the address may now be someone "
            "else's."
        )
    say_requests_still_assigned(facilitator)


@facilitators_cli.command("reactivate")
@click.argument("email")
def reactivate_command(email: str) -> None:
    """Let a deactivated facilitator sign in again, with the account's current password."""
    try:
        facilitator, changed = reactivate_facilitator(email)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    who = f"{facilitator.display_name} <{facilitator.email}>"
    if not changed:
        click.echo(f"{who} is already active. Nothing was changed.")
        return
    # Its lockout is lifted, as reset-password lifts it (found, b149 review: the right password typed
    # while it was deactivated had locked it, and reactivated it was still refused).
    note = lift_lockout(facilitator)
    click.echo(
        f"Reactivated {who}. They can sign in again with the account's current password (the last one "
        f"set for it). If they do not know it, or others may know it, set a new one: "
        f"flask facilitators reset-password {facilitator.email}" + (f"\n{note.strip()}" if note else "")
    )


@facilitators_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES), metavar="ROLE")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def set_role_command(email: str, role: str, yes: bool) -> None:
    """Change an account's ROLE: facilitator (works the inbox) or partnership (read-only, sees the
    statistics only). Asks first, naming the account and both roles. Its notes, assignments and
    audit trail stay with it, as they would not if it were deactivated and added again. The last
    active facilitator cannot be made read-only."""
    account = find_facilitator(email)
    if account is not None and account.anonymised_at is None and account.role != role and not yes:
        click.confirm(
            f"Change {account.display_name} <{account.email}> from {account.role} "
            f"({ROLE_WORDS.get(account.role, 'a role the app does not know: read-only')}) to {role} "
            f"({ROLE_WORDS[role]})?",
            abort=True,
        )
    try:
        facilitator, old = change_role(email, role)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    who = f"{facilitator.display_name} <{facilitator.email}>"
    if old == role:
        click.echo(f"{who} is already {role} ({ROLE_WORDS[role]}). Nothing was changed.")
        return
    when = (
        "If they are signed in now, the change applies from the next page they open (an inbox page they have open "
        "now stops showing requests within a minute)."
        if facilitator.active
        else "The account is deactivated, so they still cannot sign in."
    )
    click.echo(f"Changed {who} from {old} to {role} ({ROLE_WORDS[role]}). {when}")
    if not facilitator.works_requests:
        say_requests_still_assigned(facilitator)


@facilitators_cli.command("rename")
@click.argument("email")
@click.option("--name", required=True, help="The facilitator's name as it should be shown in the inbox.")
def rename_command(email: str, name: str) -> None:
    """Correct the name of the account with this EMAIL address (as add checks it). Its notes,
    assignments and audit trail stay with it, now shown with the new name; the change is in the
    audit log with both names."""
    try:
        facilitator, old = rename_facilitator(email, name)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    if old == facilitator.display_name:
        click.echo(f"{facilitator.email} is already named {old}. Nothing was changed.")
        return
    click.echo(
        f"Renamed {facilitator.email} from {old} to {facilitator.display_name}. The inbox shows the new name from the "
        "next page anyone opens, on its notes, assignments and audit trail too."
    )


@facilitators_cli.command("set-email")
@click.argument("email")
@click.argument("new_email", metavar="NEW_EMAIL")
def set_email_command(email: str, new_email: str) -> None:
    """Change the email address of the account with this EMAIL address to NEW_EMAIL (checked as add
    checks it; refused if another account has it). They sign in with the new address from now on,
    with the same password; its notes, assignments and audit trail stay with it. A notice is emailed
    to both addresses, and the change is in the audit log with both addresses."""
    try:
        facilitator, old = change_email(email, new_email)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    who = f"{facilitator.display_name} <{facilitator.email}>"
    if old == facilitator.email:
        click.echo(f"{who} has that email address already. Nothing was changed.")
        return
    # The sign-in failures counted for either address go (b149 review: they are keyed by the address):
    # the old one's were this account's, and the new one's were not its owner's.
    note = lift_lockout(facilitator, old) + _emailed_or_why_not(
        facilitator, "the emails", " A notice that it changed will be emailed to both addresses."
    )
    click.echo(
        f"Changed the email address of {facilitator.display_name} from {old} to {facilitator.email}. They sign in "
        f"with the new address from now on, with the same password (any sign-in open now carries on).{note}"
    )


def _emailed_or_why_not(facilitator: Facilitator, what: str, emailed: str) -> str:
    """What a command that queues an account's notice says of it: ``emailed``, or why not."""
    if not current_app.config.get("FACILITATOR_EMAIL"):
        # Found (email review): run without the service's settings, it emailed nothing and said
        # nothing of it, as if the owner had been told (the notices are not queued then).
        return (
            " They were not emailed about it: this command has no FACILITATOR_EMAIL set (run it with the "
            f"service's settings for {what} to be sent)."
        )
    if not facilitator.active:
        # (No notice is queued for a deactivated account: its owner has left.)
        return " They were not emailed about it, as the account is deactivated."
    return emailed


@facilitators_cli.command("list")
def list_command() -> None:
    """List the facilitator accounts."""
    facilitators = all_facilitators()
    if not facilitators:
        click.echo("No facilitators yet. Add one with: flask facilitators add EMAIL --name NAME")
        return
    for facilitator in facilitators:
        state = "active"
        if facilitator.anonymised_at is not None:
            state = f"name, email and password removed {facilitator.anonymised_at:%Y-%m-%d}"
        elif not facilitator.active and facilitator.deactivated_at is not None:
            state = f"deactivated {facilitator.deactivated_at:%Y-%m-%d}"
        elif not facilitator.active:
            state = "deactivated"
        elif facilitator.must_change_password:
            # (Found, b151 review: whoever follows up first sign-ins could not tell who had not yet.)
            state = "active, must choose its own password at its next sign-in"
        last = f"{facilitator.last_login_at:%Y-%m-%d %H:%M} UTC" if facilitator.last_login_at else "never"
        click.echo(
            f"{facilitator.email}\t{facilitator.display_name}\t{facilitator.role}\t{state}\tlast signed in: {last}"
        )


@facilitators_cli.command("failed-sign-ins")
@click.option(
    "--days", type=click.IntRange(min=1, max=3650), default=7, show_default=True, help="How many days back to look."
)
def failed_sign_ins_command(days: int) -> None:
    """List the failed sign-ins of the last DAYS days from the audit log, newest first: when (UK time),
    which account they were for (or that no account has the address typed, with the address's tag,
    the same for each try of one address), and how (the sign-in page, or the password asked again).
    No internet address is kept, so none is shown. Found (facilitators' guide review): the guide
    says whoever manages accounts can see when attempts were made and which accounts were tried,
    and nothing but the database could show them."""
    since = utcnow() - dt.timedelta(days=days)
    events = db.session.execute(
        select(AuditEvent.at, AuditEvent.detail)
        .where(AuditEvent.action == "sign_in_failed", AuditEvent.at >= since)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    period = f"{days} day{'' if days == 1 else 's'}"
    if not events:
        click.echo(f"No failed sign-ins in the last {period}.")
        return
    click.echo(
        f"{len(events)} failed sign-in{'' if len(events) == 1 else 's'} in the last {period}, newest first "
        "(when, in UK time, GMT or BST; which account; how):"
    )
    for at, detail in events:
        target, _, rest = (detail or "").partition("; ")
        tag, _, how = rest.removeprefix("account tag ").partition("; ")
        account = facilitator_acting(target)
        if account is not None:
            who = f"{account.display_name} ({account.email or 'email address removed'})"
        else:
            who = f"no account has the address typed (tag {tag})"
        click.echo(f"{uk_time_and_zone(at)}\t{who}" + (f"\t{how}" if how else ""))


# At most this many entries printed by ``audit-log`` (the newest): narrow it down for more.
AUDIT_LOG_MOST = 5000


@facilitators_cli.command("audit-log")
@click.option(
    "--days", type=click.IntRange(min=1, max=3650), default=7, show_default=True, help="How many days back to look."
)
@click.option("--account", default=None, help="Only what this account did (its email address).")
@click.option("--reference", default=None, help="Only the entries about this request (its reference).")
@click.option(
    "--about-no-request",
    is_flag=True,
    help="Only the entries about no one request (exports, searches, sign-ins, accounts).",
)
@click.option(
    "--email",
    default=None,
    help="Only the entries naming this email address by its tag: emails sent to it as a requester, "
    "invitations queued to it, searches by work email for it, failed sign-ins with it.",
)
def audit_log_command(
    days: int, account: str | None, reference: str | None, about_no_request: bool, email: str | None
) -> None:
    """List the audit log's entries of the last DAYS days, newest first: when (UK time), who (an
    account by name and email address, the service, an administrator), what, about which request,
    and its detail. Found (audit review): the entries about no one request (an export's filters, a
    search by work email, sign-ins, account changes, a read-only account's refusals) were shown
    nowhere, and could be read only in the database, in UTC, with accounts as numbers.

    ``--email``: the log keeps no address, only its keyed tag (``audit.address_tag``): a data
    protection officer given an address can tell whether the service emailed it, or a facilitator
    searched for it, even after the request is deleted (found, b157 review)."""
    query = select(AuditEvent).where(AuditEvent.at >= utcnow() - dt.timedelta(days=days))
    if email is not None:
        if not email.strip():
            raise click.ClickException("Give the email address to look for after --email.")
        # "address tag T" (emails, searches) and "account tag T" (failed sign-ins): the same tag.
        # The address as the search by work email takes it (``address_as_searched``: a curly apostrophe,
        # a zero-width space), so the command finds what the search tagged.
        tag = email_fingerprint(address_as_searched(email))
        query = query.where(AuditEvent.detail.contains(f"tag {tag}", autoescape=True))
    if account is not None:
        found = find_facilitator(account)
        if found is None:
            raise click.ClickException(f"No account has the email address {account!r}.")
        query = query.where(AuditEvent.actor == found.actor)
    if reference is not None:
        if not is_reference(normalise_reference(reference)):  # (as typed: "stt 7kq4 m9xa")
            raise click.ClickException(f"{reference!r} is not a request's reference (STT-XXXX-XXXX).")
        query = query.where(AuditEvent.reference == normalise_reference(reference))
    if about_no_request:
        if reference is not None:
            raise click.ClickException("--reference and --about-no-request ask for opposite entries: give one.")
        query = query.where(AuditEvent.reference.is_(None))
    events = list(
        db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(AUDIT_LOG_MOST + 1))
    )
    period = f"{days} day{'' if days == 1 else 's'}"
    if not events:
        narrowed = account is not None or reference is not None or about_no_request or email is not None
        click.echo(f"No entries {'match ' if narrowed else ''}in the last {period}.")
        return
    more = len(events) > AUDIT_LOG_MOST
    events = events[:AUDIT_LOG_MOST]
    said = (
        f"the newest {AUDIT_LOG_MOST:,} entries"
        if more
        else f"{len(events):,} entr{'y' if len(events) == 1 else 'ies'}"
    )
    click.echo(
        f"{said[0].upper()}{said[1:]} of the last {period}, newest first (when, in UK time, GMT or BST; who, what, "
        "request, detail):"
    )
    names: dict[str, str] = {}
    for event in events:
        _account_in_words(event.actor, names)
        what = ACTION_WORDS.get(event.action) or event.action.replace("_", " ").capitalize()
        if event.action == "email_given_up" and too_late((event.detail or "").partition(": ")[2]):
            # Given up unsent (``outbox.give_up_late``): no mail server refused anything (found, b150:
            # an account's notice given up as its account was deactivated read "refused the address").
            what = EMAIL_TOO_LATE_WORDS
        # An account acted on, named as the one acting is (regression review: "facilitator:2").
        detail = ACTOR_PATTERN.sub(lambda found: _account_in_words(found[0], names), event.detail or "")
        # With its clock (regression review: the hour the clocks go back was printed twice alike).
        click.echo("\t".join((uk_time_and_zone(event.at), names[event.actor], what, event.reference or "-", detail)))
    if more:
        click.echo(f"More entries than {AUDIT_LOG_MOST:,}: ask for fewer days, an --account or a --reference.")


def _account_in_words(actor: str, names: dict[str, str]) -> str:
    """An audit entry's account ("facilitator:2") by name and email address, or the service or an
    administrator in words; kept in ``names``."""
    if actor not in names:
        person = facilitator_acting(actor)
        if person is None:
            known = actor_in_words(actor)
            names[actor] = known or (f"An account not found ({actor})" if ACTOR_PATTERN.fullmatch(actor) else actor)
        elif person.anonymised_at is not None:
            names[actor] = f"An account since removed ({actor})"
        else:
            names[actor] = f"{person.display_name} ({person.email})"
    return names[actor]


# Found (facilitator review): `scripts/run` counts them in a Redis of its own, whose address it
# prints; a command run in another terminal without that setting said they were in the web
# processes' memory, and that restarting was the only way.
WHERE_THE_FAILURES_ARE = (
    "If the web server counts them in Redis (scripts/run starts its own, and prints its address), run this "
    "command again with RATELIMIT_STORAGE_URI set to that address; if it counts them in its own memory, "
    "restarting it clears them."
)


def _lockout() -> SignInLockout:
    """The sign-in lockout; refuses (exit 1) when its counts are only in each web process's memory."""
    lockout: SignInLockout = current_app.extensions[LOCKOUT_KEY]
    if not lockout.shared:
        raise click.ClickException(
            "This command cannot reach the sign-in failures: RATELIMIT_STORAGE_URI does not name a shared "
            f"store such as redis://. {WHERE_THE_FAILURES_ARE}"
        )
    return lockout


@facilitators_cli.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Lift a sign-in lockout after too many failed attempts, and forget the failures."""
    account = find_facilitator(email)
    if account is None:
        raise click.ClickException(f"There is no facilitator with the email address {email.strip().lower()}.")
    try:
        failures = _lockout().clear(email, in_the_store_only=True)
    except StoreUnavailable as error:
        raise click.ClickException(
            f"Nothing was unlocked: the store that holds the sign-in lockouts (RATELIMIT_STORAGE_URI) did not "
            f"answer ({error}). Start it (Redis), then run this again."
        ) from None
    record_event("facilitator_unlocked", None, cli_actor(), f"{account.actor}; {failures} failed attempts forgotten")
    attempts = "attempt" if failures == 1 else "attempts"
    click.echo(f"Unlocked {account.email} ({failures} failed sign-in {attempts} forgotten). {_can_sign_in(account)}")


def _can_sign_in(account: Facilitator) -> str:
    """Whether the account can sign in now, in words (a deactivated one cannot, whatever else is done)."""
    if account.active:
        # Sign-ins from one network are limited too (INBOX_SIGN_IN_LIMIT), whoever they are for:
        # that limit passes on its own (operations review: "now" while it still refused them).
        return (
            "They can sign in now, unless their network has made too many sign-in attempts in the last "
            "hour (INBOX_SIGN_IN_LIMIT): then they can within the hour."
        )
    return "The account is deactivated, so they still cannot sign in."


def lift_lockout(facilitator: Facilitator, *others: str) -> str:
    """Lift the account's sign-in lockout and forget its failures (``reset-password``, ``reactivate``;
    ``set-email``, with the address it had, ``others``): "" if done, else a sentence (with a space
    before it) saying it was not, and what to run."""
    lockout: SignInLockout = current_app.extensions[LOCKOUT_KEY]
    note = (
        ""
        if lockout.shared
        else (
            " Any sign-in lockout was not lifted: this command has no shared store (RATELIMIT_STORAGE_URI). "
            + WHERE_THE_FAILURES_ARE.replace(
                "run this command again", f"run flask facilitators unlock {facilitator.email}"
            )
        )
    )
    try:
        for email in (facilitator.email, *others):
            lockout.clear(email, in_the_store_only=lockout.shared)
    except StoreUnavailable as error:
        note = (
            f" Any lockout was not lifted: the store that holds them (RATELIMIT_STORAGE_URI) did not answer ({error}); "
            f"once it does, run: flask facilitators unlock {facilitator.email}"
        )
    return note


@facilitators_cli.command("reset-password")
@click.argument("email")
def reset_password_command(email: str) -> None:
    """Set a new password for a facilitator (asks for it twice) and lift any sign-in lockout."""
    account = find_facilitator(email)
    if account is None:
        raise click.ClickException(f"There is no facilitator with the email address {email.strip().lower()}.")
    account_email, account_name = account.email, account.display_name

    def check(password: str) -> str:
        problem = password_problem(password, account_email, account_name)
        if problem:
            raise click.UsageError(problem)
        return password

    password = ask_password(f"New password ({PASSWORD_RULES})", check)
    try:
        facilitator = reset_password(email, password)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    note = lift_lockout(facilitator) + _emailed_or_why_not(
        facilitator, "the email", " They will be emailed that their password was changed."
    )
    click.echo(
        f"New password set for {facilitator.display_name} <{facilitator.email}>. {_can_sign_in(facilitator)}{note} "
        + HAND_OVER
    )
