"""Counting what happens, anonymously, and reading the counts back with small numbers hidden.

Counting (each adds one to a row of ``counts`` for this month; see ``KINDS``):

- ``record_start(state)``: a journey started, when its first question (who is using it) is
  answered; once per journey.
- ``record_outcome(state)``: when the outcome page is shown: the journey finished (its first
  outcome), the outcome reached and each criterion chosen; once per journey per outcome, so a
  reload does not count again and changing answers to reach a different outcome counts that one.
- ``count_request_sent(mode)``: a request was submitted (counted in the transaction that stores it).
- ``add_count(kind, mode, subjects)``: the one writer of ``counts``; joins the caller's
  transaction (no commit), for workflows that count as part of their own change (sessions held,
  feedback scores).

What has been counted for this journey is kept in the session under ``counted_outcomes``: the
journey token, whether its start was counted, and the outcome ids counted (never the answers).
It is marked in the stored session in the transaction that adds the counts (``_record``), so two
tabs showing the outcome at the same moment count it once.
The ``record_*`` functions commit; a database failure is logged (by its class name only: the
SQL error text could carry an outcome or criterion) and never stops the page.

Reading: ``statistics(quarter)`` gives the tables for one calendar quarter that is over
("YYYY-QN": January to March, April to June, July to September, October to December, months in
the UK), its three months and the quarter's total, passed together through
``app.stats.suppression.suppress_linked`` (numbers under 5, and any that would let one be worked
out from the totals or, through ``linked_bounds``, from another table, are hidden). They are made
from that quarter's counts alone, which no longer change once it is over: the same quarter's
tables are the same whenever they are read, and no total spans two quarters, so comparing pages
taken at different times (or just before and after someone used the tool) gives nothing away
(found: a rolling 12-month window, with this month "so far", did). The page, its charts, the CSV
and ``flask stats`` all show these tables: there is no other reader.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from flask import current_app, session
from sqlalchemy import CursorResult, Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..config import Config
from ..extensions import db
from ..journey import MODE_LABELS, journey_token
from ..pack import current_pack
from ..rules import JourneyState, Option, Question, RulePack
from ..rules.diff import RETIRED_LABELS
from ..sessions import CLAIMED_COUNT, CLAIMED_THEN, claim, claim_at_once
from ..uk_time import UK_TIME
from .models import NO_MODE, NO_SUBJECT, Count, HiddenCounts
from .suppression import SMALL_NUMBER, Bound, Cell, CountsTable, suppress_linked

COUNTED_KEY = "counted_outcomes"
QUARTER_MONTHS = 3
QUARTER_PATTERN = re.compile(r"(\d{4})-Q([1-4])")  # "2026-Q4": October to December 2026
HIDDEN = "hidden"  # what a hidden count shows, in the page, the CSV and the command line

# The kinds of count. Sessions held and feedback scores come from the facilitators' workflow:
# their rows and tables appear only once something of that kind has been counted.
STARTED, FINISHED, OUTCOME, CRITERION, REQUEST_SENT, SESSION_HELD, FEEDBACK = (
    "started",
    "finished",
    "outcome",
    "criterion",
    "request_sent",
    "session_held",
    "feedback",
)
KINDS = {
    STARTED: "Checks started",
    FINISHED: "Checks finished (reached an outcome)",
    REQUEST_SENT: "Requests sent",
    SESSION_HELD: "Sessions held",
    OUTCOME: "Outcomes reached",
    CRITERION: "What a reflective space would help with",
    FEEDBACK: "Feedback scores",
}
JOURNEY_KINDS = (STARTED, FINISHED, REQUEST_SENT, SESSION_HELD)
# Not a kind of count: the table of checks finished split by who used the tool (the mode each
# finished check was counted with). Its total row is the journeys table's "checks finished".
BY_MODE = "mode"
SHOWN_WHEN_COUNTED = frozenset({SESSION_HELD, FEEDBACK})
# "How much did the Space to Think session help you?" from 1 (not at all) to 5 (very much), with the
# words the feedback page shows for each (app.space_sessions asks with them), so the statistics say
# what each score meant.
FEEDBACK_SCORES = ("1", "2", "3", "4", "5")
FEEDBACK_WORDS: dict[str, str] = dict(
    zip(FEEDBACK_SCORES, ("Not at all", "A little", "Somewhat", "A lot", "Very much"), strict=True)
)

# Dialects with INSERT ... ON CONFLICT DO UPDATE; any other database updates, then inserts.
UPSERT_INSERTS: dict[str, Callable[[Table], Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_UPSERTS: dict[Callable[[Table], Any], Any] = {}


def _upsert(make_insert: Callable[[Table], Any]) -> Any:
    """ "Add one to this count, making its row if new": one row's statement, built once per
    dialect and run once per count (several in one ``executemany``). SQLAlchemy compiles it
    once; an upsert with its rows written into it cannot be cached and was compiled for every
    page that counted (0.2 ms, plus its building)."""
    statement = _UPSERTS.get(make_insert)
    if statement is None:
        table = Count.__table__
        columns = ("kind", "month", "mode", "subject")
        statement = (
            make_insert(table)
            .values({name: bindparam(name) for name in columns} | {"count": 1})
            .on_conflict_do_update(
                index_elements=[table.c[name] for name in columns], set_={"count": table.c["count"] + 1}
            )
        )
        _UPSERTS[make_insert] = statement
    return statement


log = logging.getLogger(__name__)


# --- counting ---------------------------------------------------------------------------------


def utc_now() -> dt.datetime:
    """The time now (the one clock of the counts, so a test can move it)."""
    return dt.datetime.now(dt.UTC)


def _in_the_uk(now: dt.datetime | None) -> dt.datetime:
    """``now`` (a naive time is UTC, as stored), or the time now, in the UK: a month starts at
    midnight there, as the inbox and its pages say dates, not an hour later in summer."""
    moment = now or utc_now()
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)).astimezone(UK_TIME)


def current_month(now: dt.datetime | None = None) -> str:
    """This month in the UK, as "YYYY-MM"."""
    return f"{_in_the_uk(now):%Y-%m}"


def criteria_chosen(state: JourneyState) -> tuple[str, ...]:
    """The criteria chosen on the path (not "None of these"); none when none or not asked."""
    return tuple(option.value for option in state.criteria if not option.exclusive)


def _counted(token: str, stored: Any) -> dict[str, Any]:
    """What has been counted for this journey, from the session's ``counted_outcomes`` as
    stored (nothing if it names another journey)."""
    if not isinstance(stored, dict) or stored.get("journey") != token:
        return {"journey": token, "started": False, "outcomes": []}
    outcomes = stored.get("outcomes")
    return {
        "journey": token,
        "started": stored.get("started") is True,
        "outcomes": [str(item) for item in outcomes] if isinstance(outcomes, list) else [],
    }


def record_start(state: JourneyState) -> bool:
    """Count the journey as started (once per journey); True if it was counted now."""
    token = journey_token() or ""
    if _counted(token, session.get(COUNTED_KEY))["started"]:
        return False  # (as this request read the session: no database work)

    def mark(stored: Any) -> dict[str, Any] | None:
        counted = _counted(token, stored)
        return None if counted["started"] else {**counted, "started": True}

    return _record(mark, lambda _before: [(STARTED, state.mode, (NO_SUBJECT,))])


def record_outcome(state: JourneyState) -> bool:
    """Count the journey's outcome once, with its criteria (and the journey as finished, the first time)."""
    outcome = state.outcome
    if outcome is None:
        return False
    token = journey_token() or ""
    if outcome.id in _counted(token, session.get(COUNTED_KEY))["outcomes"]:
        return False  # (as this request read the session: no database work)

    def mark(stored: Any) -> dict[str, Any] | None:
        counted = _counted(token, stored)
        return (
            None if outcome.id in counted["outcomes"] else {**counted, "outcomes": [*counted["outcomes"], outcome.id]}
        )

    def add(before: Any) -> list[tuple[str, str, Iterable[str]]]:
        # Written together (one statement on PostgreSQL and SQLite): the outcome page is the one
        # page of a journey that writes counts, and each statement was a round trip of its own.
        first = not _counted(token, before)["outcomes"]
        return ([(FINISHED, state.mode, (NO_SUBJECT,))] if first else []) + [
            (OUTCOME, state.mode, (outcome.id,)),
            (CRITERION, state.mode, criteria_chosen(state)),
        ]

    return _record(mark, add)


def count_request_sent(mode: str) -> None:
    """Count a request submitted for the facilitators, inside the transaction that stores it
    (``requests.service.store_request``): counted exactly when it is stored, and with one
    commit, not two. In a savepoint, so a failure here is logged and the request still stored."""
    try:
        with db.session.begin_nested():
            add_count(REQUEST_SENT, mode)
    except SQLAlchemyError as error:
        log.warning("Count not recorded (%s); the request is stored as usual", type(error).__name__)


# The counts added together with the claim of ``counted_outcomes``, in one statement on PostgreSQL
# (``app.sessions.claim_at_once``): an upsert of each (kind, month, mode, subject) given, made only
# if the claim was written. Its text is the same whatever is counted (the counts are arrays), so
# PostgreSQL prepares it once per connection. For psycopg, and as SQLAlchemy takes it (should the
# driver fail, ``_on_driver`` runs it again through SQLAlchemy).
_COUNTED = (
    ", counted AS (INSERT INTO counts (kind, month, mode, subject, count) "
    "SELECT kind, month, mode, subject, 1 FROM unnest(CAST(%(kinds)s AS varchar[]), "
    "CAST(%(months)s AS varchar[]), CAST(%(modes)s AS varchar[]), CAST(%(subjects)s AS varchar[])) "
    "AS added (kind, month, mode, subject) WHERE EXISTS (SELECT FROM claimed) "
    "ON CONFLICT (kind, month, mode, subject) DO UPDATE SET count = counts.count + 1)"
)
_CLAIM_AND_COUNT = "".join((CLAIMED_THEN, _COUNTED, CLAIMED_COUNT))
_CLAIM_AND_COUNT_TEXT = text(re.sub(r"%\((\w+)\)s", r":\1", _CLAIM_AND_COUNT))


def _count_arrays(counts: Iterable[tuple[str, str, Iterable[str]]]) -> dict[str, list[str]] | None:
    """``_CLAIM_AND_COUNT``'s own parameters for these counts (this month), or ``None`` if one
    would be counted twice (an upsert cannot change a row twice: ``add_counts`` then counts them)."""
    keys = _count_keys(counts, None)
    if len({tuple(key.values()) for key in keys}) != len(keys):
        return None
    return {name: [key[column] for key in keys] for name, column in _ARRAYS}


_ARRAYS = (("kinds", "kind"), ("months", "month"), ("modes", "mode"), ("subjects", "subject"))


def _record(mark: Callable[[Any], Any], add: Callable[[Any], list[tuple[str, str, Iterable[str]]]]) -> bool:
    """Mark the journey's ``counted_outcomes`` in the stored session (``mark`` is given it as
    stored now, and returns it marked, or ``None`` if what it marks is counted already), add the
    counts (``add`` is given it as it was before, and gives them, as ``add_counts`` takes them)
    and commit, together: two tabs, or a reload, showing a page at the same moment count it once
    (``app.sessions.claim``). True if counted now. On a database failure, log it (class name
    only), roll back and go on.

    On PostgreSQL, tried first as one statement on the sessions' engine (``claim_at_once``, whose
    connections' commits do not wait for the disk either): one round trip where the transaction
    below takes six. Should that write nothing (the session changed meanwhile: another tab), the
    transaction below does as it always did.

    On PostgreSQL the commit does not wait for the disk (``synchronous_commit`` off for this
    transaction alone), as the journey sessions' saves do not (app/sessions.py): an anonymous
    count lost if the database server crashes in the next fraction of a second is not worth 4 ms
    of every journey's first and last page. The request's own count (``count_request_sent``) is
    in the request's transaction, which waits."""
    try:
        if claim_at_once(
            COUNTED_KEY, mark, _CLAIM_AND_COUNT_TEXT, _CLAIM_AND_COUNT, lambda before: _count_arrays(add(before))
        ):
            return True
    except SQLAlchemyError as error:
        log.warning("Count not recorded (%s); the page is shown as usual", type(error).__name__)
        return False
    claimed = None
    try:
        if db.session.get_bind(mapper=Count).dialect.name == "postgresql":
            db.session.execute(text("SET LOCAL synchronous_commit TO off"))
        claimed = claim(COUNTED_KEY, mark)
        if claimed is None:
            db.session.rollback()
            return False
        add_counts(add(claimed.before))
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        if claimed is not None:
            claimed.undo()
        log.warning("Count not recorded (%s); the page is shown as usual", type(error).__name__)
        return False
    return True


def add_count(
    kind: str, mode: str = NO_MODE, subjects: Iterable[str] = (NO_SUBJECT,), month: str | None = None
) -> None:
    """Add one to this month's count of ``kind`` for each subject (no commit: the caller's transaction)."""
    add_counts([(kind, mode, subjects)], month)


def add_counts(counts: Iterable[tuple[str, str, Iterable[str]]], month: str | None = None) -> None:
    """``add_count`` for several (kind, mode, subjects) at once, in one statement where the
    database has an upsert (no commit: the caller's transaction)."""
    table = Count.__table__
    keys = _count_keys(counts, month)
    if not keys:
        return
    make_insert = UPSERT_INSERTS.get(db.session.get_bind(mapper=Count).dialect.name)
    if make_insert is not None:
        db.session.execute(_upsert(make_insert), keys)
        return
    for key in keys:
        _update_or_insert(table, key)


def _count_keys(counts: Iterable[tuple[str, str, Iterable[str]]], month: str | None) -> list[dict[str, str]]:
    """Each count's row (kind, month, mode, subject), this month unless ``month`` is given."""
    month = month or current_month()
    keys: list[dict[str, str]] = []
    for kind, mode, subjects in counts:
        if kind not in KINDS:
            raise ValueError(f"unknown kind of count: {kind}")
        keys.extend(
            {"kind": kind, "month": month, "mode": mode, "subject": subject} for subject in dict.fromkeys(subjects)
        )
    return keys


def _update_or_insert(table: Table, key: dict[str, str]) -> None:
    """Without an upsert: update the row, else insert it; if another request inserted it first, update."""
    matches = [table.c[name] == value for name, value in key.items()]
    for attempt in (1, 2):
        statement = update(table).where(*matches).values(count=table.c["count"] + 1)
        # An UPDATE always gives a CursorResult; Session.execute is typed to promise only a Result.
        if cast("CursorResult[Any]", db.session.execute(statement)).rowcount:
            return
        try:
            with db.session.begin_nested():
                db.session.execute(insert(table).values(**key, count=1))
            return
        except IntegrityError:
            if attempt == 2:
                raise


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One row of a table: what it counts, a cell per month (oldest first) and the row's total."""

    key: str
    label: str
    cells: tuple[Cell, ...]
    total: Cell
    is_total: bool = False
    retired: bool = False  # counts an outcome or answer the rule pack no longer has (``RETIRED_LABELS``)


@dataclass(frozen=True)
class CountTable:
    """A table of counts by month, with totals, after suppression.

    ``adds_up`` says whether the rows add up to the total row (outcomes reached do; journeys
    started, finished and requests sent are different things; a journey can choose several
    criteria).
    """

    name: str
    title: str
    months: tuple[str, ...]
    rows: tuple[TableRow, ...]
    adds_up: bool

    @property
    def month_labels(self) -> tuple[tuple[str, str], ...]:
        """The months as column headings: shown short, "Nov 2026" (a phone's width), and in full,
        "November 2026", for a screen reader (found, screen reader review: some read "Sep" as a word)."""
        return tuple((month_label(month, short=True), month_label(month)) for month in self.months)

    @property
    def has_hidden(self) -> bool:
        return any(cell.hidden for row in self.rows for cell in (*row.cells, row.total))


@dataclass(frozen=True)
class Statistics:
    """Every table for one quarter that is over ("YYYY-QN"), its three months oldest first."""

    months: tuple[str, ...]
    tables: tuple[CountTable, ...]
    quarter: str

    @property
    def label(self) -> str:
        """The quarter in words: "October to December 2026"."""
        return quarter_label(self.quarter)

    @property
    def counted_anything(self) -> bool:
        return any(row.total.count for table in self.tables for row in table.rows)

    def table(self, name: str) -> CountTable | None:
        return next((table for table in self.tables if table.name == name), None)


def shown(cell: Cell) -> str:
    """A cell as shown: its number, or "hidden"."""
    return HIDDEN if cell.hidden else str(cell.count)


def window(months: int, now: dt.datetime | None = None) -> tuple[str, ...]:
    """The last ``months`` months ("YYYY-MM"), oldest first, this one included."""
    today = _in_the_uk(now)
    last = today.year * 12 + (today.month - 1)
    return tuple(f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(last - max(months, 1) + 1, last + 1))


def first_month(months: int, now: dt.datetime | None = None) -> str:
    """The earliest month ("YYYY-MM") in the last ``months`` months, this one included."""
    return window(months, now)[0]


def retention_months() -> int:
    """How many months of counts are kept, this one included (``COUNTS_RETENTION_MONTHS``)."""
    return int(current_app.config.get("COUNTS_RETENTION_MONTHS") or Config.COUNTS_RETENTION_MONTHS)


def purge_old_counts(months: int, dry_run: bool = False, now: dt.datetime | None = None) -> int:
    """Delete the counts of months before the last ``months`` (this one included); returns how
    many months' counts went (or, on a dry run, would go). Commits unless ``dry_run``."""
    first_kept = first_month(months, now)
    old = select(Count.month).where(Count.month < first_kept).distinct()
    gone = len(db.session.scalars(old).all())
    if dry_run or not gone:
        db.session.rollback()
        return gone
    db.session.execute(delete(Count).where(Count.month < first_kept))
    # A quarter whose counts have all gone: what its first reading hid goes too.
    db.session.execute(delete(HiddenCounts).where(HiddenCounts.quarter < quarter_of(first_kept)))
    db.session.commit()
    return gone


def quarter_of(month: str) -> str:
    """The quarter ("YYYY-QN") that a month ("YYYY-MM") is in."""
    year, number = month.split("-")
    return f"{year}-Q{(int(number) - 1) // QUARTER_MONTHS + 1}"


def parse_quarter(text: str | None) -> str | None:
    """ "2026-Q4" as it is (a lower-case q too), or None for anything else."""
    found = QUARTER_PATTERN.fullmatch((text or "").upper())
    return found.group(0) if found else None


def quarter_months(quarter: str) -> tuple[str, ...]:
    """A quarter's three months ("YYYY-MM"), oldest first."""
    year, number = quarter.split("-Q")
    first = (int(number) - 1) * QUARTER_MONTHS + 1
    return tuple(f"{year}-{first + i:02d}" for i in range(QUARTER_MONTHS))


def quarter_label(quarter: str) -> str:
    """ "2026-Q4" as "October to December 2026"."""
    months = quarter_months(quarter)
    return f"{month_label(months[0]).split()[0]} to {month_label(months[-1])}"


def _next_quarter(quarter: str) -> str:
    year, number = (int(part) for part in quarter.split("-Q"))
    return f"{year + number // 4}-Q{number % 4 + 1}"


def quarter_ends(quarter: str) -> str:
    """The day after the quarter's last, when its figures are first shown: "1 January 2027"."""
    first = dt.date.fromisoformat(f"{quarter_months(_next_quarter(quarter))[0]}-01")
    return f"{first.day} {first:%B %Y}"


def quarter_is_over(quarter: str, now: dt.datetime | None = None) -> bool:
    """Whether every month of the quarter is over (in the UK)."""
    return quarter_months(quarter)[-1] < current_month(now)


def latest_complete_quarter(now: dt.datetime | None = None) -> str:
    """The last quarter that is over: the one before this month's."""
    this = quarter_months(quarter_of(current_month(now)))[0]
    year, number = (int(part) for part in this.split("-"))
    index = year * 12 + number - 1 - 1  # the month before this quarter's first
    return quarter_of(f"{index // 12:04d}-{index % 12 + 1:02d}")


def kept_quarters(now: dt.datetime | None = None) -> tuple[str, ...]:
    """The quarters that are over and whose three months' counts are all kept
    (``COUNTS_RETENTION_MONTHS``), newest first: a quarter partly purged would show other figures."""
    first_kept = first_month(retention_months(), now)
    found: list[str] = []
    quarter = latest_complete_quarter(now)
    while quarter_months(quarter)[0] >= first_kept:
        found.append(quarter)
        year, number = (int(part) for part in quarter.split("-Q"))
        quarter = f"{year - (number == 1)}-Q{(number - 2) % 4 + 1}"
    return tuple(found)


def counting_began() -> str | None:
    """The earliest month with counts kept ("YYYY-MM"), or None if nothing is counted."""
    return db.session.scalar(select(func.min(Count.month)))


def first_figures(now: dt.datetime | None = None) -> str | None:
    """If no quarter has ended since counting began: the quarter whose figures will be the first
    shown (this one); otherwise None."""
    began = counting_began()
    this = quarter_of(current_month(now))
    return this if began is None or quarter_of(began) >= this else None


def month_label(month: str, short: bool = False) -> str:
    """ "2026-11" as "November 2026", or "Nov 2026" when short (anything unexpected as it is)."""
    try:
        return dt.datetime.strptime(month, "%Y-%m").strftime("%b %Y" if short else "%B %Y")
    except ValueError:
        return month


def statistics(quarter: str | None = None, pack: RulePack | None = None, now: dt.datetime | None = None) -> Statistics:
    """The tables for a quarter that is over ("YYYY-QN"; by default the latest), its three
    months and its total, small numbers hidden (``app.stats.suppression``), within each table and
    across them (``linked_bounds``), from that quarter's counts alone: the same whenever asked.
    A ``ValueError`` for a quarter not over (its counts would still grow)."""
    quarter = quarter or latest_complete_quarter(now)
    if parse_quarter(quarter) != quarter or not quarter_is_over(quarter, now):
        raise ValueError(f"not a quarter that is over: {quarter}")
    pack = pack or current_pack()
    columns = quarter_months(quarter)
    # (kind, subject) -> month -> count, summed over modes
    found: dict[tuple[str, str], dict[str, int]] = {}
    for row in db.session.scalars(select(Count).where(Count.month >= columns[0], Count.month <= columns[-1])):
        if row.count > 0:
            by_month = found.setdefault((row.kind, row.subject), {})
            by_month[row.month] = by_month.get(row.month, 0) + row.count
            if row.kind == FINISHED:
                by_mode = found.setdefault((BY_MODE, row.mode), {})
                by_mode[row.month] = by_mode.get(row.month, 0) + row.count
    kinds = {kind for kind, _ in found}
    labels = _Labels(pack)

    def subjects(kind: str, known: Sequence[str]) -> list[str]:
        """The pack's subjects in its order, then any counted that the pack no longer has."""
        extra = sorted(subject for found_kind, subject in found if found_kind == kind and subject not in known)
        return [*known, *extra]

    # name -> (title, rows as (row key, kind, subject), whether the rows add up, the total row's label)
    layout: dict[str, tuple[str, list[tuple[str, str, str]], bool, str]] = {
        "journeys": (
            "Checks and requests",
            [(kind, kind, NO_SUBJECT) for kind in JOURNEY_KINDS if kind not in SHOWN_WHEN_COUNTED or kind in kinds],
            False,
            "",
        ),
        BY_MODE: (
            "Who used the tool",
            [(mode, BY_MODE, mode) for mode in subjects(BY_MODE, list(MODE_LABELS))],
            True,
            "All checks finished",
        ),
        OUTCOME: (
            KINDS[OUTCOME],
            [(s, OUTCOME, s) for s in subjects(OUTCOME, labels.outcome_ids)],
            True,
            "All outcomes reached",
        ),
        CRITERION: (
            KINDS[CRITERION],
            [(s, CRITERION, s) for s in subjects(CRITERION, labels.criteria_values)],
            False,
            "",
        ),
    }
    if FEEDBACK in kinds:
        # Every score has its row, given or not: rows only for the scores given would say, in a
        # month of one answer, which score it was.
        scores = sorted({*FEEDBACK_SCORES, *(subject for kind, subject in found if kind == FEEDBACK)}, key=_score_order)
        layout[FEEDBACK] = (KINDS[FEEDBACK], [(s, FEEDBACK, s) for s in scores], True, "All feedback")

    counts = {}
    for name, (_, keys, adds_up, _) in layout.items():
        grid = [[found.get((kind, subject), {}).get(month, 0) for month in columns] for _, kind, subject in keys]
        hide = few_answers(grid) if name == FEEDBACK else frozenset()
        counts[name] = CountsTable(grid, column_totals=adds_up, hide=hide)
    rows_of = {name: [key for key, _, _ in keys] for name, (_, keys, _, _) in layout.items()}
    suppressed = suppress_linked(counts, linked_bounds(pack, rows_of))

    tables = []
    for name, (title, keys, adds_up, total_label) in layout.items():
        result = suppressed[name]
        rows = [
            TableRow(
                key,
                labels.label(kind, subject),
                result.cells[i],
                result.row_totals[i],
                retired=labels.retired(kind, subject),
            )
            for i, (key, kind, subject) in enumerate(keys)
        ]
        if keys and adds_up and result.grand_total is not None:
            rows.append(TableRow("total", total_label, result.column_totals, result.grand_total, is_total=True))
        tables.append(CountTable(name, title, columns, tuple(rows), adds_up))
    return Statistics(columns, _as_first_read(quarter, tuple(tables)), quarter)


def _hidden_cells(tables: Sequence[CountTable]) -> set[tuple[str, str, str]]:
    """Every hidden cell as (table, row, column), a column being a month or "total"."""
    return {
        (table.name, row.key, column)
        for table in tables
        for row in table.rows
        for column, cell in zip((*table.months, "total"), (*row.cells, row.total), strict=True)
        if cell.hidden
    }


def _as_first_read(quarter: str, tables: tuple[CountTable, ...]) -> tuple[CountTable, ...]:
    """The tables with every cell hidden that the quarter's first reading hid, as well as their own.

    The cells suppression hides depend on the rules read with, and a change to the rules after
    the quarter is over could show, in a later reading, a number the first hid: side by side the
    two would give hidden numbers away (found in 97 of 300 random quarters when "None of these"
    led on to the questions after the criteria). So the first reading's hidden cells are stored
    (``HiddenCounts``; the worker reads each quarter as it ends, ``record_first_readings``) and
    hidden again at every later reading. Hiding more can only give a reader less: every later
    reading shows a part of what the first showed, and nothing else."""
    stored = db.session.get(HiddenCounts, quarter)
    if stored is None:
        cells = sorted(_hidden_cells(tables))
        try:
            with db.session.begin_nested():
                db.session.add(
                    HiddenCounts(quarter=quarter, cells=json.dumps(cells), first_read_at=utc_now().replace(tzinfo=None))
                )
            db.session.commit()
            return tables
        except IntegrityError:  # read first at the same moment elsewhere: that reading stands
            stored = db.session.get(HiddenCounts, quarter)
            if stored is None:
                raise
    first = {tuple(cell) for cell in json.loads(stored.cells)}

    def hide(cell: Cell, key: tuple[str, str, str]) -> Cell:
        return Cell(cell.count, True) if key in first and not cell.hidden else cell

    return tuple(
        replace(
            table,
            rows=tuple(
                replace(
                    row,
                    cells=tuple(
                        hide(cell, (table.name, row.key, month))
                        for cell, month in zip(row.cells, table.months, strict=True)
                    ),
                    total=hide(row.total, (table.name, row.key, "total")),
                )
                for row in table.rows
            ),
        )
        for table in tables
    )


def record_first_readings(now: dt.datetime | None = None) -> int:
    """Read each quarter kept that no one has read yet, so that its hidden cells are those of the
    rules in use when it ended rather than of whatever rules are in use when someone first looks
    (the outbox worker's hourly pass). Returns how many quarters were read."""
    began = counting_began()
    if began is None:
        return 0
    read = set(db.session.scalars(select(HiddenCounts.quarter)))
    due = [quarter for quarter in kept_quarters(now) if quarter not in read and quarter >= quarter_of(began)]
    for quarter in due:
        statistics(quarter, now=now)
    db.session.rollback()
    return len(due)


def criteria_outcomes(pack: RulePack) -> tuple[frozenset[str], frozenset[str]]:
    """Which outcomes the criteria are counted with, from the pack's routes: (after, only_after).

    ``after``: the outcomes a journey can reach having chosen one of the criteria (not the
    exclusive "None of these"); the criteria are counted with each of them, so a criterion's
    count is at most theirs added up. ``only_after``: those that cannot be reached without
    choosing a criterion; every journey that reaches one counts at least one criterion, so their
    counts added up are at most the criteria's. P and S, and P, in the default pack.
    """
    question = pack.question(pack.roles.criteria_question)
    if question is None:
        return frozenset(), frozenset()

    def chosen(asked: Question, option: Option) -> bool:
        return asked.id == question.id and not option.exclusive

    starts = [
        target for option in question.options if chosen(question, option) and (target := question.route_for(option))
    ]
    after = _outcomes_reached(pack, starts, lambda asked, option: False)
    without = _outcomes_reached(pack, [pack.start], chosen)
    return frozenset(after), frozenset(after - without)


def _outcomes_reached(pack: RulePack, starts: Iterable[str], skip: Callable[[Question, Option], bool]) -> set[str]:
    """The outcomes reached from ``starts`` by any answers, not taking the options ``skip`` names."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = pack.question(node_id)
        for option in node.options if node is not None else ():
            target = node.route_for(option) if node is not None and not skip(node, option) else None
            if target is not None:
                todo.append(target)
    return {node_id for node_id in seen if pack.outcome(node_id) is not None}


def linked_bounds(pack: RulePack, rows: Mapping[str, Sequence[str]]) -> list[Bound]:
    """The bounds between the tables (``rows``: each table's row keys in order) that a reader can
    use to narrow a hidden count down, in every month and in the total (docs/STATISTICS.md):

    - each criterion is at most the outcomes after the criteria question (``criteria_outcomes``);
    - the outcomes reached only after choosing a criterion are at most the criteria added up;
    - journeys finished are at most all the outcomes reached (the first outcome of each journey);
    - the checks finished by who used the tool (``BY_MODE``) add up to the checks finished;
    - requests sent are at most the outcomes that lead to a request (sent from that outcome's
      page, almost always in the same month), and journeys finished at most journeys started
      (also almost always the same month): a reader would take both as true.
    """
    after, only_after = criteria_outcomes(pack)
    outcome_rows = list(rows.get(OUTCOME, ()))

    def refs(table: str, keys: Iterable[str]) -> tuple[tuple[str, int], ...]:
        found = list(rows.get(table, ()))
        return tuple((table, found.index(key)) for key in keys if key in found)

    criteria = refs(CRITERION, rows.get(CRITERION, ()))
    # The checks finished by mode add up to the checks finished: each is at most the other.
    finished = refs("journeys", [FINISHED])
    by_mode_total = ((BY_MODE, len(rows[BY_MODE])),) if BY_MODE in rows else ()  # its total row
    all_outcomes = ((OUTCOME, len(outcome_rows)),) if OUTCOME in rows else ()  # its total row
    request_ids = [outcome.id for outcome in pack.request_outcomes]
    requests = refs(OUTCOME, request_ids)
    bounds = [
        Bound(below=criteria, above=refs(OUTCOME, sorted(after))),
        Bound(below=refs(OUTCOME, sorted(only_after)), above=criteria, each=False),
        Bound(below=refs("journeys", [FINISHED]), above=all_outcomes),
        Bound(below=refs("journeys", [REQUEST_SENT]), above=requests),
        Bound(below=refs("journeys", [FINISHED]), above=refs("journeys", [STARTED])),
        Bound(below=by_mode_total, above=finished),
        Bound(below=finished, above=by_mode_total),
    ]
    # An outcome the pack no longer has (a row "no longer in the rules") may have come after the
    # criteria question, only after it, or led to a request, in the pack it was counted under:
    # a reader who looks the id up in the pack's history knows which. So the bounds are used as
    # well with each such outcome on the side it may have been on. A bound that was not true
    # for it can only hide more (every step here hides), never show more.
    retired = [key for key in outcome_rows if key != "total" and pack.outcome(key) is None]
    if retired:
        bounds += [
            Bound(below=criteria, above=refs(OUTCOME, [*sorted(after), *retired])),
            Bound(below=refs(OUTCOME, [*sorted(only_after), *retired]), above=criteria, each=False),
            Bound(below=refs("journeys", [REQUEST_SENT]), above=refs(OUTCOME, [*request_ids, *retired])),
        ]
    return [bound for bound in bounds if bound.below and bound.above]


# A month's feedback scores are hidden when its most common score holds more than this share
# of its answers: "0, 0, 0, 0, 6" says each of those six practitioners answered "Very much".
DOMINANT_SHARE = 0.8


def few_answers(grid: Sequence[Sequence[int]]) -> frozenset[tuple[int, int]]:
    """The feedback scores to hide whatever they are. A practitioner is told no one's score can
    be picked out, and the facilitators know whose sessions were held. So every score of a
    month is hidden, zeros too, when the month has fewer than ``SMALL_NUMBER`` answers ("0, 0,
    0, 0, hidden" would say both were 5), or when one score holds more than ``DOMINANT_SHARE`` of
    them. (No month not over is ever shown: ``statistics`` shows quarters that are over.) Then
    every score's total for the quarter is hidden as well (a total less the months shown is the
    hidden months' scores), as when the quarter itself has too few answers or one score
    dominates it."""
    width = len(grid[0]) if grid else 0
    columns = [[row[c] for row in grid] for c in range(width)] + [[sum(row) for row in grid]]

    def tells(scores: list[int]) -> bool:
        total = sum(scores)
        return total > 0 and (total < SMALL_NUMBER or max(scores) > DOMINANT_SHARE * total)

    hidden = [c for c in range(width) if tells(columns[c])]
    if hidden or tells(columns[width]):
        hidden.append(width)  # the column of each score's total
    return frozenset((row, column) for column in hidden for row in range(len(grid)))


def _score_order(subject: str) -> tuple[int, str]:
    """Feedback scores in number order where they are numbers."""
    return (int(subject), "") if subject.isdigit() else (1 << 30, subject)


class _Labels:
    """Row labels: kinds in words, outcome titles and criteria labels from the rule pack, and
    ``RETIRED_LABELS`` for those the pack no longer has."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.outcome_ids = [outcome.id for outcome in pack.outcomes]
        question = pack.question(pack.roles.criteria_question)
        options = [option for option in (question.options if question is not None else ()) if not option.exclusive]
        self.criteria_values = [option.value for option in options]
        self.criteria_labels = {option.value: str(option.label) for option in options}

    def retired(self, kind: str, subject: str) -> bool:
        """Whether this is an outcome or criterion that the pack no longer has."""
        if kind == OUTCOME:
            return self.pack.outcome(subject) is None
        return kind == CRITERION and subject not in self.criteria_labels

    def label(self, kind: str, subject: str) -> str:
        if self.retired(kind, subject):
            return RETIRED_LABELS[kind].format(id=subject)
        if kind == OUTCOME:
            found = self.pack.outcome(subject)
            return str(found.title) if found is not None else subject
        if kind == CRITERION:
            return self.criteria_labels[subject]
        if kind == BY_MODE:
            if subject == NO_MODE:
                return "Not recorded"
            return MODE_LABELS.get(subject) or f"Another way of using the tool (id: {subject})"
        if kind == FEEDBACK:
            words = FEEDBACK_WORDS.get(subject)
            return f"Score {subject} ({words.lower()})" if words else f"Score {subject}"
        return KINDS.get(kind, kind)


__all__ = [
    "BY_MODE",
    "COUNTED_KEY",
    "HIDDEN",
    "KINDS",
    "SMALL_NUMBER",
    "CountTable",
    "Statistics",
    "TableRow",
    "add_count",
    "count_request_sent",
    "criteria_chosen",
    "criteria_outcomes",
    "current_month",
    "first_figures",
    "first_month",
    "kept_quarters",
    "latest_complete_quarter",
    "linked_bounds",
    "month_label",
    "parse_quarter",
    "purge_old_counts",
    "quarter_ends",
    "quarter_is_over",
    "quarter_label",
    "quarter_months",
    "quarter_of",
    "record_first_readings",
    "record_outcome",
    "record_start",
    "retention_months",
    "shown",
    "statistics",
    "utc_now",
    "window",
]
