"""Small-number suppression (app.stats.suppression): nothing under 5 shown, and no hidden number
can be worked out from what is shown, for any table hypothesis can think of."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.stats.suppression import SMALL_NUMBER, Cell, SuppressedTable, suppress

# Counts as a partnership would see them: mostly small (the hard case), some zeros, some large.
COUNT = st.one_of(st.integers(0, 9), st.integers(0, 4), st.integers(10, 500))
TABLE = st.integers(1, 6).flatmap(
    lambda width: st.lists(st.lists(COUNT, min_size=width, max_size=width), min_size=1, max_size=6)
)


def lines(table: SuppressedTable) -> list[tuple[list[Cell], Cell]]:
    """Every row and column with its total, as (cells, total)."""
    found = [(list(row), total) for row, total in zip(table.cells, table.row_totals, strict=True)]
    if table.grand_total is not None:
        found += [([row[c] for row in table.cells], table.column_totals[c]) for c in range(len(table.column_totals))]
        found.append((list(table.row_totals), table.grand_total))
        found.append((list(table.column_totals), table.grand_total))
    return found


def worked_out(table: SuppressedTable) -> set[int]:
    """The hidden cells (by identity) someone can work out by subtraction, one row or column at a time.

    Repeats until nothing more can be learned: a number worked out in one line is then known in
    the others, which may give away another.
    """
    known: set[int] = set()

    def unknown(cell: Cell) -> bool:
        return cell.hidden and id(cell) not in known

    progress = True
    while progress:
        progress = False
        for cells, total in lines(table):
            missing = [cell for cell in (*cells, total) if unknown(cell)]
            if len(missing) == 1:
                known.add(id(missing[0]))
                progress = True
    return known


def all_cells(table: SuppressedTable) -> list[Cell]:
    cells = [cell for row in table.cells for cell in row] + list(table.row_totals) + list(table.column_totals)
    return cells + ([table.grand_total] if table.grand_total is not None else [])


@settings(max_examples=300, deadline=None)
@given(counts=TABLE, column_totals=st.booleans())
def test_no_hidden_number_can_be_worked_out_from_a_row_or_column(counts: list[list[int]], column_totals: bool) -> None:
    table = suppress(counts, column_totals=column_totals)
    # The numbers are the table's, with the right totals.
    assert [[cell.count for cell in row] for row in table.cells] == counts
    assert [total.count for total in table.row_totals] == [sum(row) for row in counts]
    if column_totals:
        assert [total.count for total in table.column_totals] == [sum(column) for column in zip(*counts, strict=True)]
    # Every number from 1 to 4, totals included, is hidden; zeros and larger numbers are shown unless needed.
    for cell in all_cells(table):
        if 0 < cell.count < SMALL_NUMBER:
            assert cell.hidden
    # No row or column has exactly one hidden number, so subtraction finds none, even repeated.
    assert worked_out(table) == set()
    # Where a line's total is shown, its hidden numbers add up to 5 or more (two hidden 1s adding
    # up to 2 would give both away).
    for cells, total in lines(table):
        hidden_sum = sum(cell.count for cell in cells if cell.hidden)
        if not total.hidden and any(cell.hidden for cell in cells):
            assert hidden_sum >= SMALL_NUMBER, (cells, total)


def test_worked_out_finds_what_a_single_hidden_cell_gives_away() -> None:
    """The checker itself: a table with only primary suppression leaks, and it says so."""
    exposed = SuppressedTable(
        cells=((Cell(3, True), Cell(10, False)),), row_totals=(Cell(13, False),), column_totals=(), grand_total=None
    )
    assert worked_out(exposed) == {id(exposed.cells[0][0])}


def test_a_worked_example() -> None:
    # 1 is hidden; its row's next smallest (20) goes with it; its column then has 1 and 6
    # (6 is hidden so the column's 17 cannot give the 1 away), and 6's row loses its 7.
    table = suppress([[1, 20, 30], [10, 12, 40], [6, 7, 8]])
    assert [[cell.value for cell in row] for row in table.cells] == [
        [None, None, 30],
        [10, 12, 40],
        [None, None, 8],
    ]
    assert [total.value for total in table.row_totals] == [51, 62, 21]
    assert [total.value for total in table.column_totals] == [17, 39, 78]
    assert table.grand_total == Cell(134, False)


def test_small_totals_are_hidden_and_zeros_shown() -> None:
    table = suppress([[0, 2], [0, 0]])
    assert [[cell.value for cell in row] for row in table.cells] == [[0, None], [0, 0]]
    assert table.row_totals[0].hidden and table.row_totals[1] == Cell(0, False)
    assert table.column_totals[1].hidden and table.grand_total is not None and table.grand_total.hidden


def test_two_small_numbers_that_add_up_to_less_than_5_take_a_third_with_them() -> None:
    table = suppress([[1, 1, 30, 40]], column_totals=False)
    assert [cell.value for cell in table.cells[0]] == [None, None, None, 40]
    assert table.row_totals[0] == Cell(72, False)


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError, match="no negative counts"):
        suppress([[-1]])
