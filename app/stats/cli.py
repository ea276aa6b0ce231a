"""``flask stats show|csv [--months 12]``: the anonymous counts, with the same numbers hidden as on the page."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import write_output
from ..config import MAXIMUMS
from ..schema import DatabaseCommands
from .export import statistics_csv
from .service import DEFAULT_MONTHS, HIDDEN, SMALL_NUMBER, CountTable, retention_months, shown, statistics

stats_cli = DatabaseCommands("stats", help="Anonymous counts: checks, requests, outcomes and criteria, by month.")

MONTHS_OPTION = click.option(
    "--months",
    # As many as a deployment may keep (``kept`` narrows it to what this one keeps): at 120, the
    # counts of a deployment keeping 240 months could not all be asked for.
    type=click.IntRange(1, MAXIMUMS["COUNTS_RETENTION_MONTHS"]),
    default=DEFAULT_MONTHS,
    show_default=True,
    help="How many months, this one included.",
)


def kept(months: int) -> int:
    """``months``, or a usage error if older months' counts are not kept (``COUNTS_RETENTION_MONTHS``):
    they would show as nothing counted."""
    retention = retention_months()
    if months > retention:
        raise click.UsageError(
            f"Counts are kept for the last {retention} months (COUNTS_RETENTION_MONTHS), so --months can be "
            f"at most {retention}: older months' counts have been deleted."
        )
    return months


@stats_cli.command("show")
@MONTHS_OPTION
def show_command(months: int) -> None:
    """Print the tables by month, with totals (numbers under 5, and any that would reveal one, hidden)."""
    counts = statistics(kept(months))
    if not counts.counted_anything:
        click.echo(f"Nothing counted in the last {months} months.")
        return
    for table in counts.tables:
        click.echo(table_text(table))
        click.echo("")
    click.echo(
        f'Numbers under {SMALL_NUMBER} show as "{HIDDEN}", and so do any others that would let one be '
        "worked out from the totals or from another table."
    )


def table_text(table: CountTable) -> str:
    """A table as aligned text: a short key per row (explained below it), a column per month, the total."""
    lines = [("", *table.months, "Total")]
    lines += [(row.key, *(shown(cell) for cell in row.cells), shown(row.total)) for row in table.rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = [
        table.title,
        *(
            "  ".join(
                cell.rjust(width) if i else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
            for line in lines
        ),
    ]
    text += [f"  {row.key}: {row.label}" for row in table.rows]
    return "\n".join(text)


@stats_cli.command("csv")
@MONTHS_OPTION
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of the screen.",
)
def csv_command(months: int, output: Path | None) -> None:
    """The same tables as a CSV (comma-separated values) file, as downloaded from the statistics page."""
    text = statistics_csv(statistics(kept(months)))
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(output, text, newline="")
    click.echo(f"Wrote {output}")
