"""``flask stats show|csv [--quarter YYYY-QN]``: the anonymous counts, with the same numbers hidden as on the page.

One calendar quarter that is over (by default the latest), shown as the page shows it: its three
months and its total, from that quarter's counts alone. A quarter not over, or one whose months'
counts are not all kept any more (``COUNTS_RETENTION_MONTHS``), is refused: the first would grow,
and the second would show other figures than it did, so that two readings could be compared.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import write_output
from ..schema import DatabaseCommands
from ..web import BYTE_ORDER_MARK
from .export import QUARTER_TOTAL, quarter_note, statistics_csv
from .service import (
    HIDDEN,
    SMALL_NUMBER,
    CountTable,
    Statistics,
    kept_quarters,
    latest_complete_quarter,
    parse_quarter,
    quarter_is_over,
    quarter_label,
    shown,
    statistics,
)

stats_cli = DatabaseCommands("stats", help="Anonymous counts: checks, requests, outcomes and criteria, by quarter.")

QUARTER_OPTION = click.option(
    "--quarter",
    metavar="YYYY-QN",
    default=None,
    help="Which quarter that is over: 2026-Q4 is October to December 2026 (Q1 January to March, Q2 April to "
    "June, Q3 July to September). By default the latest.",
)


def chosen(quarter: str | None) -> Statistics:
    """The tables of ``quarter`` (by default the latest that is over), or a usage error if it is
    not a quarter, not over, or not all kept."""
    if quarter is None:
        return statistics(latest_complete_quarter())
    found = parse_quarter(quarter)
    if found is None:
        raise click.UsageError(f"--quarter must be a year and quarter, such as 2026-Q4, not {quarter!r}.")
    if not quarter_is_over(found):
        raise click.UsageError(
            f"{quarter_label(found)} is not over: a quarter's figures are shown once it is over "
            f"(the latest is {latest_complete_quarter()})."
        )
    kept = kept_quarters()
    if found not in kept:
        raise click.UsageError(
            f"The counts of {quarter_label(found)} are not all kept (COUNTS_RETENTION_MONTHS): the earliest "
            f"quarter kept whole is {kept[-1]}."
        )
    return statistics(found)


@stats_cli.command("show")
@QUARTER_OPTION
def show_command(quarter: str | None) -> None:
    """Print one quarter's tables by month, with the quarter's totals (numbers under 5, and any that
    would reveal one, hidden)."""
    counts = chosen(quarter)
    if not counts.counted_anything:
        click.echo(f"Nothing counted in {counts.label} ({counts.quarter}).")
        return
    click.echo(f"{counts.label} ({counts.quarter})")
    click.echo("")
    for table in counts.tables:
        click.echo(table_text(table))
        click.echo("")
    click.echo(
        f'Numbers under {SMALL_NUMBER} show as "{HIDDEN}", and so do any others that would let one be '
        "worked out from the totals or from another table."
    )
    click.echo(quarter_note(counts))


def table_text(table: CountTable) -> str:
    """A table as aligned text: a short key per row (explained below it), a column per month, the quarter's total."""
    lines = [("", *table.months, QUARTER_TOTAL)]
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
@QUARTER_OPTION
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of the screen.",
)
def csv_command(quarter: str | None, output: Path | None) -> None:
    """One quarter's tables as a CSV (comma-separated values) file, as downloaded from the statistics
    page. The file written by --output starts, as the download does, with the mark that tells Excel
    it is UTF-8."""
    text = statistics_csv(chosen(quarter))
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(output, BYTE_ORDER_MARK + text, newline="")  # a file, as the download is: Excel reads it as UTF-8
    click.echo(f"Wrote {output}")
