"""The statistics as CSV: the same tables, and the same hidden numbers, as the page.

One quarter that is over: one row per table row, the table, what is counted, a column per
month of the quarter ("YYYY-MM", oldest first) and the quarter's total. Then a row saying which
quarter it is (``QUARTER_NOTE_LABEL``: its figures never change once it is over). Then one last row
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
# The row before it: which quarter the file holds, and that its figures do not change.
QUARTER_NOTE_LABEL = "About the quarter"
QUARTER_TOTAL = "Quarter total"
HIDDEN_NOTE = (
    f'A count under {SMALL_NUMBER} is shown as "{HIDDEN}". Some larger counts and totals are hidden too, so that no '
    "one can work out a small count by taking the others away from a total, or from another table. Every hidden "
    f"count reads the same, so this file does not say which are under {SMALL_NUMBER}. Zero is shown as 0, unless "
    "it too could be used to work out a hidden count."
)


# What each table counts: said under its heading on the page, and at the end of the CSV, so a file
# passed on can be read without the page (found, partnership review: "All outcomes reached" more than
# "Checks finished", with nothing in the file to say why).
TABLE_DESCRIPTIONS = {
    "journeys": (
        "A check is one person's way through the questions. Checks started (the first question answered), checks "
        "that reached an outcome, and requests for a session sent to the facilitators. Once a session has been "
        'held, sessions held too: requests a facilitator marked "session held", counted in the month they did so, '
        "which may be later than the month the request was sent."
    ),
    "mode": (
        "Checks that reached an outcome, by who answered the first question: a practitioner thinking about their "
        "own practice, or a manager or supervisor using the tool in supervision with the practitioner. These add up "
        "to the checks that reached an outcome in the table above."
    ),
    "outcome": (
        "How many checks reached each outcome. A check whose answers were changed to reach a different outcome "
        "counts for both."
    ),
    "criterion": (
        "What people chose a reflective space would help with, on checks that reached an outcome. People can choose "
        "more than one, so these are not added up."
    ),
    "feedback": (
        'The answers people gave to "How much did the Space to Think session help you?" after a session, from 1 '
        "(not at all) to 5 (very much). "
        "Each answer is counted once and cannot be linked to a person or a request."
    ),
}
# The first cell of the CSV's row saying what a table counts.
ABOUT_TABLE = "About the table: {title}"


def retired_note(table_name: str) -> str:
    """What a row "no longer in the rules" counts, in a table that has one."""
    what = "an outcome" if table_name == "outcome" else "an answer"
    return (
        f"A row “no longer in the rules” counts {what} that the partnership has since taken out of the rules. Its "
        "counts are kept, but its wording is not: the counts record only its id, which whoever looks after the rules "
        "can look up."
    )


def quarter_note(statistics: Statistics) -> str:
    """What the CSV and ``flask stats show`` say of the quarter shown."""
    return (
        f"{statistics.label} ({statistics.quarter}). Figures are shown only for quarters that are over, and a "
        "quarter's figures never change after it ends."
    )


def safe_cell(text: str) -> str:
    """The text, made inert if a spreadsheet would take it for a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def statistics_csv(statistics: Statistics) -> str:
    """The tables as CSV text (with a header row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Table", "Counted", *statistics.months, QUARTER_TOTAL])
    for table in statistics.tables:
        for row in table.rows:
            writer.writerow(
                [
                    safe_cell(cell)
                    for cell in (table.title, row.label, *(shown(cell) for cell in row.cells), shown(row.total))
                ]
            )
    blanks = [""] * (len(statistics.months) + 1)
    for table in statistics.tables:
        about = " ".join(
            [
                TABLE_DESCRIPTIONS.get(table.name, ""),
                *([retired_note(table.name)] if any(r.retired for r in table.rows) else []),
            ]
        ).strip()
        if about:
            writer.writerow([safe_cell(ABOUT_TABLE.format(title=table.title)), about, *blanks])
    writer.writerow([QUARTER_NOTE_LABEL, quarter_note(statistics), *blanks])
    writer.writerow([HIDDEN_NOTE_LABEL, HIDDEN_NOTE, *([""] * len(statistics.months)), ""])
    return out.getvalue()


def csv_filename(statistics: Statistics) -> str:
    """The download's name, with the quarter: "space-to-think-statistics-2026-Q4.csv"."""
    return f"space-to-think-statistics-{statistics.quarter}.csv"


__all__ = [
    "ABOUT_TABLE",
    "HIDDEN_NOTE",
    "HIDDEN_NOTE_LABEL",
    "QUARTER_NOTE_LABEL",
    "QUARTER_TOTAL",
    "TABLE_DESCRIPTIONS",
    "csv_filename",
    "quarter_note",
    "retired_note",
    "safe_cell",
    "statistics_csv",
]
