"""``flask stats show|csv [--months 12]``: the anonymous counts, with the same numbers hidden as on the page.

``--months`` is 12 or a multiple of 12: each 12 months (the page's, then the 12 before them, and
so on) are shown as the page shows its own, with their own totals. A window of any other length
would hide different numbers over the same months, and its totals less the page's would give
hidden numbers away (the 13 months' total less the 12 months' is the 13th month's count).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..cli import write_output
from ..config import MAXIMUMS
from ..schema import DatabaseCommands
from ..web import BYTE_ORDER_MARK
from .export import not_over, statistics_csv
from .service import (
    DEFAULT_MONTHS,
    HIDDEN,
    SMALL_NUMBER,
    CountTable,
    Statistics,
    month_label,
    retention_months,
    shown,
    statistics,
)

stats_cli = DatabaseCommands("stats", help="Anonymous counts: checks, requests, outcomes and criteria, by month.")

MONTHS_OPTION = click.option(
    "--months",
    # As many as a deployment may keep (``kept`` narrows it to what this one keeps): at 120, the
    # counts of a deployment keeping 240 months could not all be asked for.
    type=click.IntRange(1, MAXIMUMS["COUNTS_RETENTION_MONTHS"]),
    default=DEFAULT_MONTHS,
    show_default=True,
    help=f"How many months, this one included: {DEFAULT_MONTHS} or a multiple of {DEFAULT_MONTHS}, "
    f"each {DEFAULT_MONTHS} with their own totals.",
)


def kept(months: int) -> int:
    """``months``, or a usage error if older months' counts are not kept (``COUNTS_RETENTION_MONTHS``):
    they would show as nothing counted."""
    retention = retention_months()
    if months > retention:
        most = retention - retention % DEFAULT_MONTHS
        raise click.UsageError(
            f"Counts are kept for the last {retention} months (COUNTS_RETENTION_MONTHS), so --months can be "
            f"at most {most}: older months' counts have been deleted."
        )
    return months


def periods(months: int) -> list[Statistics]:
    """The tables of each ``DEFAULT_MONTHS`` months in the last ``months`` (oldest first), each
    exactly as the page shows its own; a usage error unless ``months`` is a multiple of them."""
    kept(months)
    if months % DEFAULT_MONTHS:
        raise click.UsageError(
            f"--months must be {DEFAULT_MONTHS} or a multiple of {DEFAULT_MONTHS} ({DEFAULT_MONTHS * 2}, "
            f"{DEFAULT_MONTHS * 3}, ...). Each {DEFAULT_MONTHS} months are shown as the statistics page shows "
            "them, with their own totals: a window of another length would hide different numbers, and its "
            "totals less the page's would give hidden numbers away."
        )
    now = dt.datetime.now(dt.UTC)
    return [
        statistics(DEFAULT_MONTHS, now=now, before=before)
        for before in range(months - DEFAULT_MONTHS, -1, -DEFAULT_MONTHS)
    ]


def period_heading(counts: Statistics) -> str:
    """ "The 12 months from January 2026 to December 2026"."""
    return f"The {len(counts.months)} months from {month_label(counts.months[0])} to {month_label(counts.months[-1])}"


@stats_cli.command("show")
@MONTHS_OPTION
def show_command(months: int) -> None:
    """Print the tables by month, with totals (numbers under 5, and any that would reveal one, hidden)."""
    found = periods(months)
    if not any(counts.counted_anything for counts in found):
        click.echo(f"Nothing counted in the last {months} months.")
        return
    for counts in found:
        if len(found) > 1:
            click.echo(period_heading(counts))
            click.echo("")
        for table in counts.tables:
            click.echo(table_text(table))
            click.echo("")
    click.echo(
        f'Numbers under {SMALL_NUMBER} show as "{HIDDEN}", and so do any others that would let one be '
        "worked out from the totals or from another table."
    )
    click.echo(not_over(found[-1].months[-1]))


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
    """The same tables as a CSV (comma-separated values) file, as downloaded from the statistics page
    (with more than 12 months, each 12 months' tables in turn, each with its own heading row and its own
    last row saying what "hidden" means). The file written by --output starts, as the download does,
    with the mark that tells Excel it is UTF-8."""
    text = "".join(statistics_csv(counts) for counts in periods(months))
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(output, BYTE_ORDER_MARK + text, newline="")  # a file, as the download is: Excel reads it as UTF-8
    click.echo(f"Wrote {output}")
