"""The statistics as CSV: the same tables, and the same hidden numbers, as the page.

One row per table row: the table, what is counted, a column per month ("YYYY-MM", oldest
first) and the total; then one last row saying what "hidden" means (``HIDDEN_NOTE``), the same
words whatever was counted, so a file passed on explains itself without saying anything about
any hidden count (found: the file said "hidden" with no word of why, unlike the page). A cell
that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage
return) is prefixed with an apostrophe, so opening the file runs nothing; only labels from the
rule pack could start so.
"""

from __future__ import annotations

import csv
import io

from .service import HIDDEN, SMALL_NUMBER, Statistics, shown

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The last row: its first two cells (the others are empty, so every row has the same columns).
HIDDEN_NOTE_LABEL = "About hidden numbers"
HIDDEN_NOTE = (
    f'A count under {SMALL_NUMBER} is shown as "{HIDDEN}". Some larger counts and totals are hidden too, so that no '
    "one can work out a small count by taking the others away from a total, or from another table. Every hidden "
    f"count reads the same, so this file does not say which are under {SMALL_NUMBER}. Zero is shown as 0."
)


def safe_cell(text: str) -> str:
    """The text, made inert if a spreadsheet would take it for a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def statistics_csv(statistics: Statistics) -> str:
    """The tables as CSV text (with a header row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Table", "Counted", *statistics.months, "Total"])
    for table in statistics.tables:
        for row in table.rows:
            writer.writerow(
                [
                    safe_cell(cell)
                    for cell in (table.title, row.label, *(shown(cell) for cell in row.cells), shown(row.total))
                ]
            )
    writer.writerow([HIDDEN_NOTE_LABEL, HIDDEN_NOTE, *([""] * len(statistics.months)), ""])
    return out.getvalue()


def csv_filename(statistics: Statistics) -> str:
    """The download's name, with the window's last month."""
    return f"space-to-think-statistics-to-{statistics.months[-1]}.csv"


__all__ = ["HIDDEN_NOTE", "HIDDEN_NOTE_LABEL", "csv_filename", "safe_cell", "statistics_csv"]
