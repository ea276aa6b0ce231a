"""Small-number suppression (app.stats.suppression): nothing under 5 shown, and no hidden number
can be worked out from what is shown, for any table hypothesis can think of."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules import load_pack
from app.stats.service import linked_bounds
from app.stats.suppression import (
    SMALL_NUMBER,
    Bound,
    Cell,
    CountsTable,
    SuppressedTable,
    suppress,
    suppress_linked,
)

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


# --- across tables ----------------------------------------------------------------------------
#
# The statistics page has several tables whose counts are related: each criterion is chosen on
# at most as many journeys as reached an outcome after the criteria question (P and S), every
# journey that reached P chose one, journeys finished are at most the outcomes reached, requests
# sent at most the P outcomes, journeys finished at most journeys started. ``narrowed`` is a
# reader who knows all that and the rule pack: it narrows every hidden count down to the range
# that every row, column and bound allows, again and again until nothing changes.

Shown = dict[
    str, list[list[int | None]]
]  # table -> rows (with the total row) -> columns (with the total), None if hidden
BIG = 10**6


def shown_tables(tables: dict[str, SuppressedTable]) -> Shown:
    """The tables as a reader sees them."""
    shown: Shown = {}
    for name, table in tables.items():
        rows = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
        if table.grand_total is not None:
            rows.append([*table.column_totals, table.grand_total])
        shown[name] = [[cell.value for cell in row] for row in rows]
    return shown


def narrowed(shown: Shown, adds_up: dict[str, bool], bounds: list[Bound]) -> dict[tuple[str, int, int], range]:
    """Every hidden count's possible values (as a range), from every line of every table and every
    bound between tables, by narrowing each one's lowest and highest value until nothing changes."""
    low: dict[tuple[str, int, int], int] = {}
    high: dict[tuple[str, int, int], int] = {}
    for name, rows in shown.items():
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    low[(name, r, c)], high[(name, r, c)] = 0, BIG
    # Each constraint: sum of sign * count <= limit, as ([(sign, key)], limit) once shown counts are moved across.
    constraints: list[tuple[list[tuple[int, tuple[str, int, int]]], int]] = []

    def at_most(terms: list[tuple[int, tuple[str, int, int]]]) -> None:
        unknown = [(sign, key) for sign, key in terms if key in low]
        limit = -sum(sign * v for sign, (n, r, c) in terms if (v := shown[n][r][c]) is not None)
        constraints.append((unknown, limit))

    def equal(parts: list[tuple[str, int, int]], total: tuple[str, int, int]) -> None:
        at_most([*((1, p) for p in parts), (-1, total)])
        at_most([*((-1, p) for p in parts), (1, total)])

    for name, rows in shown.items():
        width = len(rows[0]) - 1
        body = len(rows) - 1 if adds_up[name] else len(rows)
        for r in range(len(rows) if adds_up[name] else body):
            equal([(name, r, c) for c in range(width)], (name, r, width))
        if adds_up[name]:
            for c in range(width + 1):
                equal([(name, r, c) for r in range(body)], (name, body, c))
    width = len(next(iter(shown.values()))[0])
    for bound in bounds:
        for c in range(width):
            above = [(1, (name, row, c)) for name, row in bound.above]
            belows = (
                [[(name, row, c)] for name, row in bound.below]
                if bound.each
                else [[(name, row, c) for name, row in bound.below]]
            )
            for below in belows:
                at_most([*((1, key) for key in below), *((-1, key) for _, key in above)])

    changed = True
    while changed:
        changed = False
        for terms, limit in constraints:
            for sign, key in terms:
                rest = sum(low[k] if s > 0 else -high[k] for s, k in terms if k != key)
                if sign > 0 and limit - rest < high[key]:
                    high[key], changed = limit - rest, True
                elif sign < 0 and rest - limit > low[key]:
                    low[key], changed = rest - limit, True
    return {key: range(low[key], high[key] + 1) for key in low}


def given_away(ranges: dict[tuple[str, int, int], range]) -> dict[tuple[str, int, int], range]:
    """The hidden counts a reader can pin down: to one value, or to 0 or 1 (and a hidden count
    is a small one, so 1)."""
    return {key: values for key, values in ranges.items() if len(values) <= 1 or values.stop <= 2}


PACK = load_pack()
CRITERIA = ("stuck", "needs", "support", "debrief", "lived_experience")
JOURNEY_ROWS = ("started", "finished", "request_sent")
MODES = ("practitioner", "supervision")
ADDS_UP = {"journeys": False, "mode": True, "outcome": True, "criterion": False}


@dataclass(frozen=True)
class Journey:
    """A journey as counted: the outcome it reached, the criteria chosen, whether a request was sent."""

    outcome: str
    criteria: tuple[str, ...] = ()
    request: bool = False
    mode: str = "practitioner"


def counted(months: list[list[Journey]], abandoned: list[int]) -> dict[str, CountsTable]:
    """The statistics' tables (before suppression) for these journeys, month by month, and
    ``abandoned`` journeys a month that were started and never finished."""
    outcomes = [outcome.id for outcome in PACK.outcomes]
    journeys = [
        [len(month) + left for month, left in zip(months, abandoned, strict=True)],
        [len(month) for month in months],
        [sum(journey.request for journey in month) for month in months],
    ]
    return {
        "journeys": CountsTable(journeys, column_totals=False),
        "mode": CountsTable([[sum(j.mode == m for j in month) for month in months] for m in MODES]),
        "outcome": CountsTable([[sum(j.outcome == o for j in month) for month in months] for o in outcomes]),
        "criterion": CountsTable(
            [[sum(c in j.criteria for j in month) for month in months] for c in CRITERIA], column_totals=False
        ),
    }


def bounds_for() -> list[Bound]:
    rows = {
        "journeys": list(JOURNEY_ROWS),
        "mode": list(MODES),
        "outcome": [outcome.id for outcome in PACK.outcomes],
        "criterion": list(CRITERIA),
    }
    return linked_bounds(PACK, rows)


# What a reader knows whatever the app's bounds say: checks finished by mode add up to the
# checks finished (written here, so an app that forgot the link would be caught).
MODE_LINKS = [
    Bound(below=(("mode", len(MODES)),), above=(("journeys", 1),)),
    Bound(below=(("journeys", 1),), above=(("mode", len(MODES)),)),
]


def leaks(months: list[list[Journey]], abandoned: list[int], linked: bool = True) -> dict[tuple[str, int, int], range]:
    """What a reader who knows every bound pins down, with the tables suppressed knowing the
    bounds (as the app does) or each on its own (``linked`` False: as before)."""
    tables = counted(months, abandoned)
    suppressed = suppress_linked(tables, bounds_for() if linked else [])
    return given_away(narrowed(shown_tables(suppressed), ADDS_UP, [*bounds_for(), *MODE_LINKS]))


def test_the_bounds_come_from_the_rule_pack() -> None:
    """Criteria are counted with P and S (reached after the criteria question); P only after
    choosing one; requests are sent from P."""
    outcome_row = {outcome.id: i for i, outcome in enumerate(PACK.outcomes)}
    criteria = tuple(("criterion", i) for i in range(len(CRITERIA)))
    assert bounds_for() == [
        Bound(below=criteria, above=(("outcome", outcome_row["P"]), ("outcome", outcome_row["S"]))),
        Bound(below=(("outcome", outcome_row["P"]),), above=criteria, each=False),
        Bound(below=(("journeys", 1),), above=(("outcome", len(PACK.outcomes)),)),
        Bound(below=(("journeys", 2),), above=(("outcome", outcome_row["P"]),)),
        Bound(below=(("journeys", 1),), above=(("journeys", 0),)),
        *MODE_LINKS,
    ]


REVIEWED = [[*(Journey("P", ("stuck", "debrief")) for _ in range(5)), Journey("U1")]]


def test_the_reviewers_month_no_longer_gives_away_the_one_call_to_999() -> None:
    """Five journeys reach P choosing "stuck" and "debrief", one answers yes to immediate danger
    (U1). Suppressed table by table, U1 and P are hidden and the total (6) and S (0) shown; but
    "stuck" 5 says P is at least 5, so U1 is at most 1, and hidden, so 1."""
    u1 = ("outcome", [outcome.id for outcome in PACK.outcomes].index("U1"), 0)
    assert u1 in leaks(REVIEWED, [0], linked=False)  # the finding, as it was
    assert leaks(REVIEWED, [0]) == {}
    tables = suppress_linked(counted(REVIEWED, [0]), bounds_for())
    assert all(cell.hidden for row in tables["criterion"].cells for cell in row if cell.count)
    assert tables["journeys"].cells[2][0] == Cell(0, False)  # no requests: 0 tells nothing
    assert tables["outcome"].grand_total == Cell(6, False)


def test_a_request_sent_does_not_give_a_hidden_p_away() -> None:
    """The same month with the five requests sent: "requests sent" 5 would say P is at least 5."""
    month = [*(Journey("P", ("stuck", "debrief"), request=True) for _ in range(5)), Journey("U1")]
    assert leaks([month], [0], linked=False)
    assert leaks([month], [0]) == {}
    journeys = suppress_linked(counted([month], [0]), bounds_for())["journeys"]
    assert journeys.cells[2][0].hidden


def test_the_only_criterion_chosen_is_not_given_away_by_p() -> None:
    """Every journey that reaches P chose a criterion: in a month where one criterion was chosen
    and hidden (to protect another month), P shown would give it away, and so its other month."""
    months = [[Journey("P", ("stuck",)) for _ in range(2)], [Journey("P", ("stuck",)) for _ in range(7)]]
    months[0] += [Journey("U2") for _ in range(6)]
    assert leaks(months, [0, 0], linked=False)
    assert leaks(months, [0, 0]) == {}


def test_checks_finished_do_not_give_a_hidden_mode_away() -> None:
    """Six checks by practitioners, one in supervision, a month of its own: the one is hidden
    in its table, and so the six beside it; the total, 7, is checks finished. Shown, checks
    finished hidden would be given away by the total, and the other way round."""
    month = [*(Journey("U2") for _ in range(6)), Journey("U2", mode="supervision")]
    assert leaks([month], [0]) == {}
    tables = suppress_linked(counted([month], [0]), bounds_for())
    assert tables["mode"].cells[1][0].hidden and tables["mode"].cells[0][0].hidden
    assert tables["mode"].column_totals[0].value == tables["journeys"].cells[1][0].value


def test_journeys_finished_do_not_give_a_hidden_start_away() -> None:
    """Five journeys finish one month; the next, one is started and left. Started 5 and 1 are
    both hidden (total 6), but finished 5 says the first is at least 5, so the second is 1."""
    months = [[Journey("U1"), Journey("U2"), Journey("U2"), Journey("U2"), Journey("U1")], []]
    started = ("journeys", 0, 1)
    assert started in leaks(months, [0, 1], linked=False)
    assert leaks(months, [0, 1]) == {}


def test_journeys_started_do_not_pin_a_hidden_mode_down_through_the_checks_finished() -> None:
    """Found by the property test below: six checks finished one month, one by a practitioner and
    five in supervision; the month after, one journey left unfinished. Started 6 was shown: it
    caps the checks finished (hidden), which are the checks by mode, and with supervision's 5
    shown the practitioner's hidden count was at most 1. No single line or bound gives it away;
    the chain of them did, and now hides more."""
    month = [Journey("U1", mode="practitioner"), *(Journey("U1", mode="supervision") for _ in range(5))]
    months, abandoned = [[], month, []], [0, 0, 1]
    assert leaks(months, abandoned) == {}
    mode = suppress_linked(counted(months, abandoned), bounds_for())["mode"]
    assert mode.cells[0][1].hidden and mode.cells[1][1].hidden  # the practitioner's 1 and supervision's 5


AS_COUNTED = st.one_of(
    st.sampled_from([Journey("U1"), Journey("U2"), Journey("L"), Journey("S")]),  # S: "None of these"
    st.builds(
        Journey,
        st.sampled_from(["P", "S"]),
        st.lists(st.sampled_from(CRITERIA), min_size=1, max_size=3, unique=True).map(tuple),
    ),
    st.builds(
        Journey,
        st.just("P"),
        st.lists(st.sampled_from(CRITERIA), min_size=1, max_size=3, unique=True).map(tuple),
        st.just(True),
    ),
)
# Each journey in either mode: checks finished by mode add up to checks finished.
JOURNEY = st.tuples(AS_COUNTED, st.sampled_from(MODES)).map(lambda pair: replace(pair[0], mode=pair[1]))
MONTHS = st.integers(1, 3).flatmap(
    lambda n: st.tuples(
        st.lists(st.lists(JOURNEY, max_size=12), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


@settings(max_examples=400, deadline=None)
@given(months=MONTHS)
def test_no_hidden_count_can_be_pinned_down_from_every_table_together(
    months: tuple[list[list[Journey]], list[int]],
) -> None:
    journeys, abandoned = months
    assert leaks(journeys, abandoned) == {}
