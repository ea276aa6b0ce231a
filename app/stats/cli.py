"""``flask stats show [--months 12]``: the anonymous route counts, small numbers suppressed."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .service import DEFAULT_MONTHS, SMALL_NUMBER, statistics

stats_cli = AppGroup("stats", help="Anonymous counts of the outcomes reached and criteria chosen.")

HEADERS = ("Month", "Mode", "Outcome", "Criterion", "Count")


@stats_cli.command("show")
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=DEFAULT_MONTHS,
    show_default=True,
    help="How many months to show, this one included.",
)
def show_command(months: int) -> None:
    """Print the counts by month, mode, outcome and criterion (counts under 5 are not shown)."""
    tables = statistics(months)
    if not tables:
        click.echo(f"No journeys counted in the last {months} months.")
        return
    lines = [HEADERS]
    outcomes: dict[str, str] = {}
    criteria: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            lines.append((row.month, row.mode, row.outcome_id, row.criterion or "-", row.shown))
            outcomes[row.outcome_id] = row.outcome_title
            criteria[row.criterion or "-"] = row.criterion_label
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    for line in lines:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    click.echo("")
    click.echo("Outcomes:")
    for outcome_id, title in outcomes.items():
        click.echo(f"  {outcome_id}: {title}")
    click.echo("Criteria:")
    for value, label in criteria.items():
        click.echo(f"  {value}: {label}")
    click.echo("")
    click.echo(
        f'Counts under {SMALL_NUMBER} show as "fewer than {SMALL_NUMBER}". A journey that chose several '
        "criteria is counted once for each, so there are no totals."
    )
