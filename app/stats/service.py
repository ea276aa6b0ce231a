"""Counting the routes people take, anonymously, and reading the counts back with small numbers hidden.

``record_outcome(state)`` is called when the outcome page is shown. It adds one to the
month's row for the outcome, the mode and each criterion chosen (or criterion "" when none
was chosen or the criteria question was not on the path), once per journey per outcome: the
outcome ids already counted are kept in the session under ``counted_outcomes`` with the
journey token they belong to (never the answers), so a reload does not count again, a new
journey starts afresh, and changing answers to reach a different outcome counts that one.
It is the only place in this package that commits. A database failure is logged (by its
class name only: the SQL error text could carry the outcome and criteria) and never stops
the outcome page.

``statistics(months)`` reads the counts for display: any count below ``SMALL_NUMBER`` is
shown as "fewer than 5", and no totals are shown, so a hidden count cannot be worked out by
subtraction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask import session
from sqlalchemy import CursorResult, Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..extensions import db
from ..journey import MODE_LABELS, journey_token
from ..pack import current_pack
from ..rules import JourneyState, RulePack
from .models import NO_CRITERION, RouteCount

COUNTED_KEY = "counted_outcomes"
SMALL_NUMBER = 5
SUPPRESSED = f"fewer than {SMALL_NUMBER}"
DEFAULT_MONTHS = 12
NO_CRITERION_LABEL = "No criteria chosen, or not asked"

# Dialects with INSERT … ON CONFLICT DO UPDATE; any other database updates, then inserts.
UPSERT_INSERTS: dict[str, Callable[[Table], Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

log = logging.getLogger(__name__)


# --- counting ---------------------------------------------------------------------------------


def current_month(now: dt.datetime | None = None) -> str:
    """This month in UTC, as "YYYY-MM"."""
    return f"{(now or dt.datetime.now(dt.UTC)):%Y-%m}"


def criteria_chosen(state: JourneyState) -> tuple[str, ...]:
    """The criteria chosen on the path (not "None of these"), or ("",) when none or not asked."""
    chosen = tuple(option.value for option in state.criteria if not option.exclusive)
    return chosen or (NO_CRITERION,)


def _counted_outcomes(token: str) -> list[str]:
    """The outcome ids already counted for this journey (none if the session names another journey)."""
    stored = session.get(COUNTED_KEY)
    if not isinstance(stored, dict) or stored.get("journey") != token:
        return []
    outcomes = stored.get("outcomes")
    return [str(item) for item in outcomes] if isinstance(outcomes, list) else []


def record_outcome(state: JourneyState) -> bool:
    """Count the journey's outcome once, by month, mode and criterion; True if it was counted now."""
    outcome = state.outcome
    if outcome is None:
        return False
    token = journey_token() or ""
    counted = _counted_outcomes(token)
    if outcome.id in counted:
        return False
    try:
        _increment(current_month(), state.mode, outcome.id, criteria_chosen(state))
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("Route count not recorded (%s); the outcome page is shown as usual", type(error).__name__)
        return False
    session[COUNTED_KEY] = {"journey": token, "outcomes": [*counted, outcome.id]}
    return True


def _increment(month: str, mode: str, outcome_id: str, criteria: Sequence[str]) -> None:
    """Add one to each (month, mode, outcome, criterion) row, making rows that are not there yet."""
    table = RouteCount.__table__
    keys = [{"month": month, "mode": mode, "outcome_id": outcome_id, "criterion": c} for c in dict.fromkeys(criteria)]
    make_insert = UPSERT_INSERTS.get(db.session.get_bind(mapper=RouteCount).dialect.name)
    if make_insert is not None:
        statement = make_insert(table).values([{**key, "count": 1} for key in keys])
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.month, table.c.mode, table.c.outcome_id, table.c.criterion],
            set_={"count": table.c["count"] + 1},
        )
        db.session.execute(statement)
        return
    for key in keys:
        _update_or_insert(table, key)


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
class CountRow:
    """One count for display: what it counts, and the count or "fewer than 5"."""

    month: str
    mode: str
    mode_label: str
    outcome_id: str
    outcome_title: str
    criterion: str
    criterion_label: str
    count: int

    @property
    def suppressed(self) -> bool:
        """Whether the count is too small to show."""
        return self.count < SMALL_NUMBER

    @property
    def shown(self) -> str:
        """The count as shown: the number, or "fewer than 5"."""
        return SUPPRESSED if self.suppressed else str(self.count)


@dataclass(frozen=True)
class MonthCounts:
    """A month's counts, in rule pack order."""

    month: str
    label: str
    rows: tuple[CountRow, ...]


def first_month(months: int, now: dt.datetime | None = None) -> str:
    """The earliest month ("YYYY-MM") in the last ``months`` months, this one included."""
    today = now or dt.datetime.now(dt.UTC)
    index = today.year * 12 + (today.month - 1) - (max(months, 1) - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_label(month: str) -> str:
    """ "2026-11" as "November 2026" (anything unexpected as it is)."""
    try:
        return dt.datetime.strptime(month, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return month


def statistics(
    months: int = DEFAULT_MONTHS, pack: RulePack | None = None, now: dt.datetime | None = None
) -> list[MonthCounts]:
    """The counts for the last ``months`` months, newest month first, small numbers suppressed."""
    pack = pack or current_pack()
    found = db.session.scalars(select(RouteCount).where(RouteCount.month >= first_month(months, now)))
    labels = _Labels(pack)
    by_month: dict[str, list[CountRow]] = {}
    for row in found:
        if row.count <= 0:
            continue
        by_month.setdefault(row.month, []).append(
            CountRow(
                month=row.month,
                mode=row.mode,
                mode_label=MODE_LABELS.get(row.mode, row.mode),
                outcome_id=row.outcome_id,
                outcome_title=labels.outcome(row.outcome_id),
                criterion=row.criterion,
                criterion_label=labels.criterion(row.criterion),
                count=row.count,
            )
        )
    return [
        MonthCounts(month, month_label(month), tuple(sorted(rows, key=labels.order)))
        for month, rows in sorted(by_month.items(), reverse=True)
    ]


class _Labels:
    """Outcome titles and criteria labels from the rule pack, and the pack's order for sorting."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.outcomes = {outcome.id: position for position, outcome in enumerate(pack.outcomes)}
        question = pack.question(pack.roles.criteria_question)
        options = question.options if question is not None else ()
        self.criteria_labels = {option.value: str(option.label) for option in options}
        self.criteria = {option.value: position for position, option in enumerate(options)}
        self.modes = {mode: position for position, mode in enumerate(MODE_LABELS)}

    def outcome(self, outcome_id: str) -> str:
        found = self.pack.outcome(outcome_id)
        return str(found.title) if found is not None else f"{outcome_id} (no longer in the rule pack)"

    def criterion(self, value: str) -> str:
        if value == NO_CRITERION:
            return NO_CRITERION_LABEL
        return self.criteria_labels.get(value, f"{value} (no longer in the rule pack)")

    def order(self, row: CountRow) -> tuple[Any, ...]:
        unknown = len(self.outcomes) + len(self.criteria) + len(self.modes)
        return (
            self.outcomes.get(row.outcome_id, unknown),
            row.outcome_id,
            self.modes.get(row.mode, unknown),
            row.mode,
            # "no criteria" after the pack's criteria
            self.criteria.get(row.criterion, unknown + (row.criterion == NO_CRITERION)),
            row.criterion,
        )


__all__ = [
    "COUNTED_KEY",
    "SMALL_NUMBER",
    "SUPPRESSED",
    "CountRow",
    "MonthCounts",
    "criteria_chosen",
    "current_month",
    "first_month",
    "month_label",
    "record_outcome",
    "statistics",
]
