"""``flask facilitators add|deactivate|list``: the facilitator accounts for the inbox.

Passwords are typed at a hidden prompt, twice, and never accepted as an argument (it would
stay in the shell history and the process list).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .models import FACILITATOR, ROLES
from .service import FacilitatorError, add_facilitator, all_facilitators, deactivate_facilitator, password_problem

facilitators_cli = AppGroup("facilitators", help="Facilitator accounts for the inbox.")


@facilitators_cli.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The facilitator's name, as shown in the inbox.")
@click.option("--role", type=click.Choice(ROLES), default=FACILITATOR, show_default=True,
              help="facilitator: works the inbox; partnership: read-only, sees the statistics only.")
def add_command(email: str, name: str, role: str) -> None:
    """Add an account that can sign in to the inbox (asks for their password)."""

    def check(password: str) -> str:
        problem = password_problem(password, email, name)
        if problem:
            raise click.UsageError(problem)
        return password

    password = click.prompt("Password (at least 12 characters)", hide_input=True, confirmation_prompt=True,
                            value_proc=check)
    try:
        facilitator = add_facilitator(email, name, password, role)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    sees = "the statistics only" if facilitator.reads_statistics_only else "the inbox"
    click.echo(f"Added {facilitator.display_name} <{facilitator.email}> ({role}: {sees}). "
               "They can sign in at /inbox/sign-in.")


@facilitators_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Stop a facilitator signing in (their requests, notes and audit trail stay)."""
    try:
        facilitator = deactivate_facilitator(email)
    except FacilitatorError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Deactivated {facilitator.display_name} <{facilitator.email}>. They can no longer sign in.")


@facilitators_cli.command("list")
def list_command() -> None:
    """List the facilitator accounts."""
    facilitators = all_facilitators()
    if not facilitators:
        click.echo("No facilitators yet. Add one with: flask facilitators add EMAIL --name NAME")
        return
    for facilitator in facilitators:
        state = "active" if facilitator.active else "deactivated"
        last = f"{facilitator.last_login_at:%Y-%m-%d %H:%M} UTC" if facilitator.last_login_at else "never"
        click.echo(f"{facilitator.email}\t{facilitator.display_name}\t{facilitator.role}\t{state}\t"
                   f"last signed in: {last}")
