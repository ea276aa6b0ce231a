"""Small-number suppression for a table of counts with totals, so a hidden number cannot be worked out.

Pure Python (no Flask, no database): ``suppress(counts, column_totals=...)`` takes the counts
(rows of equal length) and returns the same table with its totals added and every cell marked
shown or hidden. docs/STATISTICS.md explains the method for readers; in short:

- A *line* is a row with its row total, or a column with its column total (only when the table
  has column totals: counts that can be added up down a column, such as outcomes reached). The
  row of column totals with the grand total is a line too, and so is the column of row totals
  with the grand total.
- **Primary suppression**: every count from 1 to 4 is hidden, totals included. 0 is shown as 0
  (nobody to identify, and hiding it would hide the many empty months of a new deployment).
- **Secondary suppression**, repeated until nothing changes:
  1. a line with exactly one hidden number gets another one hidden (else that number is the
     line's total minus the numbers shown);
  2. a line whose total is shown, and whose hidden numbers add up to fewer than 5, gets another
     one hidden (else two hidden numbers adding up to 2 would both be 1).
  The number hidden next is the smallest non-zero count shown in the line, then the line's
  total, then a zero (hiding a zero protects nothing by itself, so it comes last).

Every hidden number looks the same ("hidden"), whether it was small or hidden to protect a small
one: a reader who knew which was which could sometimes pin both down (1 to 4 and "5 or more"
adding up to 6 can only be 1 and 5).

What this does not do: it checks each line on its own. Someone who sets up equations across
several lines, or compares tables taken at different times (this month's counts still grow;
next month's 12 months drop one and add one), can sometimes narrow a hidden number down.
The page and the CSV show one fixed window so that a single download is consistent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SMALL_NUMBER = 5


@dataclass(frozen=True)
class Cell:
    """A count and whether it is hidden."""

    count: int
    hidden: bool

    @property
    def value(self) -> int | None:
        """The count if it may be shown, else None."""
        return None if self.hidden else self.count


@dataclass(frozen=True)
class SuppressedTable:
    """Counts with their totals, each cell shown or hidden.

    ``cells[r][c]`` are the counts; ``row_totals[r]`` each row's total; with column totals,
    ``column_totals[c]`` each column's and ``grand_total`` (else ``()`` and None).
    """

    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell | None


Position = tuple[int, int]  # (row, column) in the grid with totals: the last row and column are the totals


def suppress(counts: Sequence[Sequence[int]], column_totals: bool = True) -> SuppressedTable:
    """The table with totals, small numbers hidden and enough others hidden that none can be worked out."""
    rows = [list(row) for row in counts]
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows) or any(count < 0 for row in rows for count in row):
        raise ValueError("counts must be rows of the same length, with no negative counts")
    grid = [[*row, sum(row)] for row in rows]  # each row with its total at the end
    if column_totals:
        grid.append([sum(row[c] for row in grid) for c in range(width + 1)])
    lines = _lines(len(rows), width, column_totals)
    hidden = {(r, c) for r, row in enumerate(grid) for c, count in enumerate(row) if 0 < count < SMALL_NUMBER}
    margins = {(r, width) for r in range(len(grid))} | (
        {(len(rows), c) for c in range(width + 1)} if column_totals else set()
    )
    changed = True
    while changed:
        changed = False
        for interior, total in lines:
            line = [*interior, total]
            hidden_here = [p for p in line if p in hidden]
            if not hidden_here:
                continue
            hidden_sum = sum(grid[r][c] for r, c in interior if (r, c) in hidden)
            exposed = len(hidden_here) == 1 or (total not in hidden and hidden_sum < SMALL_NUMBER)
            if exposed:
                hidden.add(_next_to_hide(grid, line, hidden, margins))
                changed = True
    marked = [[Cell(count, (r, c) in hidden) for c, count in enumerate(row)] for r, row in enumerate(grid)]
    body = marked[: len(rows)]
    return SuppressedTable(
        cells=tuple(tuple(row[:width]) for row in body),
        row_totals=tuple(row[width] for row in body),
        column_totals=tuple(marked[-1][:width]) if column_totals else (),
        grand_total=marked[-1][width] if column_totals else None,
    )


def _lines(height: int, width: int, column_totals: bool) -> list[tuple[list[Position], Position]]:
    """Every line as (its counts, its total): rows, then (with column totals) columns and the totals' lines."""
    lines = [([(r, c) for c in range(width)], (r, width)) for r in range(height)]
    if column_totals:
        lines += [([(r, c) for r in range(height)], (height, c)) for c in range(width + 1)]
        lines.append(([(height, c) for c in range(width)], (height, width)))
    return lines


def _next_to_hide(
    grid: list[list[int]], line: list[Position], hidden: set[Position], margins: set[Position]
) -> Position:
    """The shown cell of the line to hide next: the smallest non-zero count, then the total, then a zero."""
    shown = [p for p in line if p not in hidden]

    def preference(position: Position) -> tuple[int, int, int]:
        count = grid[position[0]][position[1]]
        if count == 0:
            return (2, 0, line.index(position))
        return (1 if position in margins else 0, count, line.index(position))

    return min(shown, key=preference)


__all__ = ["SMALL_NUMBER", "Cell", "SuppressedTable", "suppress"]
