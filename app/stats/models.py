"""The anonymous route counts: one row per month, mode, outcome and criterion.

Models never commit: ``app.stats.service`` does.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model

NO_CRITERION = ""  # no criterion chosen, or the criteria question was not on the path
UNIQUE_NAME = "uq_route_counts_month_mode_outcome_id_criterion"


class RouteCount(Model):
    """How many journeys reached an outcome in a month, by mode and by criterion chosen.

    A journey that chose two criteria adds one to two rows, so the counts of one outcome's
    criteria do not add up to the journeys that reached it. Holds no free text, no contact
    details, no session or journey ids, and no time finer than the month.
    """

    __tablename__ = "route_counts"
    __table_args__ = (UniqueConstraint("month", "mode", "outcome_id", "criterion", name=UNIQUE_NAME),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # "YYYY-MM", UTC
    mode: Mapped[str] = mapped_column(String(20))  # "practitioner" or "supervision"
    outcome_id: Mapped[str] = mapped_column(String(40))  # a rule pack outcome id
    criterion: Mapped[str] = mapped_column(String(40), default=NO_CRITERION)  # a criteria option value, or ""
    count: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<RouteCount {self.month} {self.mode} {self.outcome_id} {self.criterion!r}: {self.count}>"


__all__ = ["NO_CRITERION", "RouteCount"]
