"""The statistics as CSV: the same tables, and the same hidden numbers, as the page.

One row per table row: the table, what is counted, a column per month ("YYYY-MM", oldest
first) and the total. Then, if the months include this one, a row saying it is not over
(``THIS_MONTH_LABEL``: its counts go on growing), with "so far" in its column, as the page
heads it (found: the file headed it with the month alone, as if its counts were a whole
month's; the heading stays "YYYY-MM", for a program reading the months). Then one last row
saying what "hidden" means (``HIDDEN_NOTE``), the same words whatever was counted, so a file
passed on explains itself without saying anything about any hidden count (found: the file
said "hidden" with no word of why, unlike the page). A cell that a spreadsheet would read as a
formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with an apostrophe,
so opening the file runs nothing; only labels from the rule pack could start so.
"""

from __future__ import annotations

import csv
import io

from .service import HIDDEN, SMALL_NUMBER, Statistics, shown

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The last row: its first two cells (the others are empty, so every row has the same columns).
HIDDEN_NOTE_LABEL = "About hidden numbers"
# The row before it when the months include this one: the same first cell every month.
THIS_MONTH_LABEL = "About this month"
SO_FAR = "so far"
HIDDEN_NOTE = (
    f'A count under {SMALL_NUMBER} is shown as "{HIDDEN}". Some larger counts and totals are hidden too, so that no '
    "one can work out a small count by taking the others away from a total, or from another table. Every hidden "
    f"count reads the same, so this file does not say which are under {SMALL_NUMBER}. Zero is shown as 0, unless "
    "it too could be used to work out a hidden count."
)


def not_over(month: str) -> str:
    """What the CSV and ``flask stats show`` say of this month."""
    return f"{month} is this month: it is not over, and its counts go on growing until it ends."


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
    if (month := statistics.month_not_over) is not None:
        writer.writerow(
            [THIS_MONTH_LABEL, not_over(month), *(SO_FAR if m == month else "" for m in statistics.months), ""]
        )
    writer.writerow([HIDDEN_NOTE_LABEL, HIDDEN_NOTE, *([""] * len(statistics.months)), ""])
    return out.getvalue()


def csv_filename(statistics: Statistics) -> str:
    """The download's name, with the window's last month."""
    return f"space-to-think-statistics-to-{statistics.months[-1]}.csv"


__all__ = [
    "HIDDEN_NOTE",
    "HIDDEN_NOTE_LABEL",
    "SO_FAR",
    "THIS_MONTH_LABEL",
    "csv_filename",
    "not_over",
    "safe_cell",
    "statistics_csv",
]
