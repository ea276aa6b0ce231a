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

Across tables, ``suppress_linked(tables, bounds)``: counts in different tables that bound one
another (each criterion is at most the outcomes after the criteria question, and so on: a
``Bound``). Where a shown count would put a floor under hidden ones (5 criteria shown, the
outcomes they came with hidden), or the shown ones a ceiling on a hidden count lower than its
row allows, the counts giving it away are hidden as well, and every table suppressed again,
until nothing changes.

Last, every line and bound together (``_hide_what_is_pinned``): each hidden count is narrowed as a
reader who knows them all would, and where one that is not 0 comes down to one value, or to 0
or 1, another count is hidden and everything suppressed again (docs/STATISTICS.md, step 5).

What this does not do: it narrows one line or bound at a time. Someone who sets up equations across
several lines, or compares tables taken at different times (this month's counts still grow;
next month's 12 months drop one and add one), can sometimes narrow a hidden number down.
The page and the CSV show one fixed window so that a single download is consistent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


def suppress(
    counts: Sequence[Sequence[int]], column_totals: bool = True, hide: Iterable[Position] = ()
) -> SuppressedTable:
    """The table with totals, small numbers hidden and enough others hidden that none can be worked out.

    ``hide``: cells to hide as well as the small ones, as (row, column) in the grid with totals
    (the row after the last is the column totals, the column after the last the row totals);
    ``suppress_linked`` passes those another table's counts would give away.
    """
    rows = [list(row) for row in counts]
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows) or any(count < 0 for row in rows for count in row):
        raise ValueError("counts must be rows of the same length, with no negative counts")
    grid = [[*row, sum(row)] for row in rows]  # each row with its total at the end
    if column_totals:
        grid.append([sum(row[c] for row in grid) for c in range(width + 1)])
    lines = _lines(len(rows), width, column_totals)
    hidden = {(r, c) for r, row in enumerate(grid) for c, count in enumerate(row) if 0 < count < SMALL_NUMBER}
    hidden |= {(r, c) for r, c in hide if 0 <= r < len(grid) and 0 <= c <= width}
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


@dataclass(frozen=True)
class Bound:
    """Counts in different tables that a reader knows to be related, in every column (each month,
    and the total): each count of ``below`` (or, with ``each`` False, their sum) is at most the
    sum of the counts of ``above``.

    A count is named by (table, row); the row after a table's last is its column totals. For
    example, each criterion is chosen on at most as many journeys as reached an outcome after
    the criteria question (``below``: every criterion; ``above``: those outcomes).
    """

    below: tuple[tuple[str, int], ...]
    above: tuple[tuple[str, int], ...]
    each: bool = True


@dataclass(frozen=True)
class CountsTable:
    """A table's counts (rows of equal length, one column per month) and whether its columns add up."""

    counts: Sequence[Sequence[int]]
    column_totals: bool = True
    hide: frozenset[Position] = frozenset()  # cells hidden whatever their count (``suppress``'s ``hide``)


def suppress_linked(tables: Mapping[str, CountsTable], bounds: Sequence[Bound]) -> dict[str, SuppressedTable]:
    """Every table through ``suppress``, and more hidden where a bound between tables would give
    a hidden count away.

    A bound says that a shown count of ``below`` is at most the sum of ``above``. Where some of
    ``above`` is hidden in a column, that tells the reader the hidden part of ``above`` is at
    least the shown ``below`` minus the shown part of ``above`` (5 shown below, 0 shown above: the
    hidden ones add up to at least 5). So when a shown ``below`` count (their sum, without
    ``each``) is more than the shown part of ``above``, every non-zero ``below`` count in that
    column is hidden too (a 0 tells nothing: it bounds nothing from below). The tables are then
    suppressed again with those hidden (which may hide more), until nothing changes. All the
    tables must have the same number of columns.
    """
    width = max((len(table.counts[0]) for table in tables.values() if table.counts), default=0)
    forced: dict[str, set[Position]] = {name: set(table.hide) for name, table in tables.items()}
    while True:
        result = {
            name: suppress(table.counts, table.column_totals, hide=forced[name]) for name, table in tables.items()
        }
        grown = False
        for bound in bounds:
            for column in range(width + 1):
                above = [_cell(result, ref, column) for ref in bound.above]
                if not any(cell is not None and cell.hidden for cell in above):
                    continue
                known_above = sum(cell.count for cell in above if cell is not None and not cell.hidden)
                below = [(ref, _cell(result, ref, column)) for ref in bound.below]
                shown_below = [cell.count for _, cell in below if cell is not None and not cell.hidden]
                told = max(shown_below, default=0) if bound.each else sum(shown_below)
                if told > known_above:
                    for (name, row), cell in below:
                        if cell is not None and not cell.hidden and cell.count > 0:
                            forced[name].add((row, column))
                            grown = True
            for column in range(width + 1):
                if _upper_bound_tells(result, bound, column, width):
                    for name, row in bound.above:
                        cell = _cell(result, (name, row), column)
                        if cell is not None and not cell.hidden and cell.count > 0:
                            forced[name].add((row, column))
                            grown = True
        if not grown and not _hide_what_is_pinned(result, bounds, forced):
            return result


# A reader's reasoning about hidden counts, as linear constraints over every cell of every table
# (shown cells fixed at their count): sum(sign * count) <= 0 for each constraint.
Key = tuple[str, int, int]  # (table, row, column) in the grid with totals
Constraint = tuple[tuple[int, Key], ...]
UNKNOWN_HIGH = 10**9  # what a reader knows of a hidden count before reasoning: nothing
NARROWING_PASSES = 100  # real months settle in under 10; counts that break the bounds may never settle


def _grids(tables: Mapping[str, SuppressedTable]) -> dict[str, list[list[Cell]]]:
    """Each table as rows of cells with the row total last (and the column totals' row last)."""
    grids = {}
    for name, table in tables.items():
        rows = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
        if table.grand_total is not None:
            rows.append([*table.column_totals, table.grand_total])
        grids[name] = rows
    return grids


def _constraints(tables: Mapping[str, SuppressedTable], bounds: Sequence[Bound]) -> list[Constraint]:
    """Every line of every table (its counts add up to its total: two constraints) and every
    bound, in every column."""
    found: list[Constraint] = []

    def equal(parts: Sequence[Key], total: Key) -> None:
        found.append((*((1, part) for part in parts), (-1, total)))
        found.append((*((-1, part) for part in parts), (1, total)))

    width = max((len(table.cells[0]) for table in tables.values() if table.cells), default=0)
    for name, table in tables.items():
        columns = len(table.cells[0]) if table.cells else 0
        height = len(table.cells) + (1 if table.grand_total is not None else 0)
        for row in range(height):
            equal([(name, row, column) for column in range(columns)], (name, row, columns))
        if table.grand_total is not None:
            for column in range(columns + 1):
                equal([(name, row, column) for row in range(len(table.cells))], (name, len(table.cells), column))
    for bound in bounds:
        for column in range(width + 1):
            above = [(name, row, column) for name, row in bound.above if _cell(tables, (name, row), column)]
            below = [(name, row, column) for name, row in bound.below if _cell(tables, (name, row), column)]
            groups = [[key] for key in below] if bound.each else [below]
            found.extend((*((1, key) for key in group), *((-1, key) for key in above)) for group in groups if group)
    return found


def _narrowed(
    tables: Mapping[str, SuppressedTable], constraints: Sequence[Constraint]
) -> dict[Key, tuple[int, int]] | None:
    """Each hidden count's lowest and highest possible value, as a reader who knows every line
    and bound narrows them (each constraint in turn, until nothing changes); None if that has
    not settled after ``NARROWING_PASSES``."""
    low: dict[Key, int] = {}
    high: dict[Key, int] = {}
    hidden: set[Key] = set()
    grids = _grids(tables)
    for name, rows in grids.items():
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                key = (name, r, c)
                if cell.hidden:
                    low[key], high[key] = 0, UNKNOWN_HIGH
                    hidden.add(key)
                else:
                    low[key] = high[key] = cell.count
    relevant = [terms for terms in constraints if any(key in hidden for _, key in terms)]
    for _ in range(NARROWING_PASSES):
        changed = False
        for terms in relevant:
            for sign, key in terms:
                if key not in hidden:
                    continue
                # The least the other terms can add up to: sign * count <= -rest.
                rest = sum(low[other] if s > 0 else -high[other] for s, other in terms if other != key)
                if sign > 0 and -rest < high[key]:
                    high[key], changed = -rest, True
                elif sign < 0 and rest > low[key]:
                    low[key], changed = rest, True
        if not changed:
            break
    else:
        return None
    counts = {
        key: cell.count
        for name, rows in grids.items()
        for r, row in enumerate(rows)
        for c, cell in enumerate(row)
        if (key := (name, r, c)) in hidden
    }
    if any(not low[key] <= count <= high[key] for key, count in counts.items()):
        return None
    return {key: (low[key], high[key]) for key in hidden}


def _hide_what_is_pinned(
    tables: Mapping[str, SuppressedTable], bounds: Sequence[Bound], forced: dict[str, set[Position]]
) -> bool:
    """Hide one more count (in ``forced``) for each hidden count, not 0, that a reader who puts
    every line and bound together could still pin down: to one value, or to 0 or 1 (so, hidden,
    a 1).
    The checks in ``suppress_linked`` take a line or a bound at a time, and a chain of them can
    still narrow a count: journeys started, shown, cap the checks finished, which are the checks
    by mode, where one mode shown leaves the other at most 1. The count hidden is the smallest
    shown one that is not 0 in a constraint with the pinned count, else one further along the
    chain. Whether it hid any."""
    constraints = _constraints(tables, bounds)
    grids = _grids(tables)
    ranges = _narrowed(tables, constraints)
    if ranges is None:
        return False
    pinned = [
        key
        for key, (low, high) in ranges.items()
        if grids[key[0]][key[1]][key[2]].count > 0 and (high == low or high <= 1)  # a hidden 0 gives nobody away
    ]
    grown = False
    for key in pinned:
        chosen = _nearest_shown(key, constraints, grids)
        if chosen is not None and (chosen[1], chosen[2]) not in forced[chosen[0]]:
            forced[chosen[0]].add((chosen[1], chosen[2]))
            grown = True
    return grown


def _nearest_shown(start: Key, constraints: Sequence[Constraint], grids: Mapping[str, list[list[Cell]]]) -> Key | None:
    """The smallest shown count that is not 0 in a constraint with ``start``; if there is none,
    in a constraint with one of their hidden counts, and so on; None if the chain finds none."""

    def cell(key: Key) -> Cell:
        return grids[key[0]][key[1]][key[2]]

    frontier, seen = {start}, {start}
    while frontier:
        near = [terms for terms in constraints if any(key in frontier for _, key in terms)]
        shown = {key for terms in near for _, key in terms if not cell(key).hidden and cell(key).count > 0}
        if shown:
            return min(shown, key=lambda key: (cell(key).count, key))
        frontier = {key for terms in near for _, key in terms if cell(key).hidden} - seen
        seen |= frontier
    return None


def _upper_bound_tells(tables: Mapping[str, SuppressedTable], bound: Bound, column: int, width: int) -> bool:
    """Whether the shown ``above`` (all shown) put a ceiling on a hidden ``below`` count that its
    own row does not already: lower than the hidden numbers of its row add up to (a month's
    count), or at all (a total). Beside another hidden count of that row, such a ceiling is a
    floor for the other one; where every hidden count of a row sits at its ceiling, all of
    them are given away (journeys finished = journeys started, month after month)."""
    above = [_cell(tables, ref, column) for ref in bound.above]
    if any(cell is None or cell.hidden for cell in above):
        return False
    ceiling = sum(cell.count for cell in above if cell is not None)
    below = [(ref, _cell(tables, ref, column)) for ref in bound.below]
    if not bound.each:
        ceiling -= sum(cell.count for _, cell in below if cell is not None and not cell.hidden)
    for (name, row), cell in below:
        if cell is None or not cell.hidden or cell.count == 0:
            continue
        if column == width:
            return True
        table = tables[name]
        line = (*table.cells[row], table.row_totals[row]) if row < len(table.cells) else table.column_totals
        if ceiling < sum(other.count for other in line[:width] if other.hidden):
            return True
    return False


def _cell(tables: Mapping[str, SuppressedTable], ref: tuple[str, int], column: int) -> Cell | None:
    """The cell of table ``ref[0]``, row ``ref[1]`` (the row after the last: the column totals), in
    ``column`` (the column after the last: the row totals); None if there is no such cell."""
    name, row = ref
    table = tables.get(name)
    if table is None:
        return None
    if row < len(table.cells):
        line = (*table.cells[row], table.row_totals[row])
    elif row == len(table.cells) and table.grand_total is not None:
        line = (*table.column_totals, table.grand_total)
    else:
        return None
    return line[column] if 0 <= column < len(line) else None


__all__ = ["SMALL_NUMBER", "Bound", "Cell", "CountsTable", "SuppressedTable", "suppress", "suppress_linked"]
