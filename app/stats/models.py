"""The anonymous counts: one row per kind of count, month, mode and subject.

Models never commit: ``app.stats.service`` does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model

NO_SUBJECT = ""  # a kind that counts no particular thing (journeys started), or "no criteria chosen"
NO_MODE = ""  # a count recorded where the mode is not known
UNIQUE_NAME = "uq_counts_kind_month_mode_subject"


class Count(Model):
    """How many times something happened in a month: a journey started, an outcome reached, ...

    ``kind`` says what is counted (``app.stats.service.KINDS``); ``subject`` which one, where
    the kind has several (an outcome id, a criterion, a feedback score), else "". A new kind of
    count (sessions held, feedback scores) is a new ``kind`` value, not a new table. Holds no
    free text, no contact details, no session, journey or request ids, and no time finer than
    the month.
    """

    __tablename__ = "counts"
    __table_args__ = (UniqueConstraint("kind", "month", "mode", "subject", name=UNIQUE_NAME),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "started", "finished", "outcome", "criterion", ...
    month: Mapped[str] = mapped_column(String(7))  # "YYYY-MM", the month in the UK
    mode: Mapped[str] = mapped_column(String(20), default=NO_MODE)  # "practitioner", "supervision" or ""
    subject: Mapped[str] = mapped_column(String(40), default=NO_SUBJECT)  # an outcome id, a criterion, or ""
    count: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<Count {self.kind} {self.month} {self.mode} {self.subject!r}: {self.count}>"


class HiddenCounts(Model):
    """Which counts a quarter's first reading hid, so that every later reading hides them too.

    Suppression protects the numbers of one reading, and the cells it hides depend on the rule
    pack read with (which outcomes come after the criteria question, which lead to a request). A
    change to the rules after a quarter is over could hide other cells of it: one reading's hidden
    number shown by the other (docs/STATISTICS.md). ``cells`` is a JSON list of [table, row,
    column] (a column is a month "YYYY-MM" or "total"); it holds no counts, no free text and
    nothing about anyone. Deleted with the quarter's counts (``purge_old_counts``).
    """

    __tablename__ = "hidden_counts"

    quarter: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-QN"
    cells: Mapped[str] = mapped_column(Text)
    first_read_at: Mapped[dt.datetime] = mapped_column(DateTime())  # UTC, naive, as every stored time

    def __repr__(self) -> str:
        return f"<HiddenCounts {self.quarter}>"


__all__ = ["NO_MODE", "NO_SUBJECT", "Count", "HiddenCounts"]
