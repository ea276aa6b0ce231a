"""The facilitators' workflow in one place: the statuses a request moves through, which moves
are allowed, how each status is labelled and coloured, and the due date worked out from
"how soon".

Pure Python (no Flask, no database): the models, the inbox service, the forms, the templates
and the migration that introduced these statuses all read them from here.

    new → in triage → session offered → session arranged → session held → closed
    or, from new or in triage: redirected (to another route of the rule pack, with a reason)
    or duplicate (of another request, by its reference);
    and, from triage, waiting for the practitioner (asked for more before a session can be
    offered: never overdue meanwhile), back to triage or on from there.

A few moves go back a step, because real life does: an offer turned down goes back to
triage, a cancelled session back to "offered", and a closed, redirected or duplicate
request can be reopened (back to triage). Everything else is refused with a message.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

# In the order a request normally moves; the two side outcomes last.
STATUSES: tuple[str, ...] = (
    "new",
    "in_triage",
    "waiting",
    "session_offered",
    "session_arranged",
    "session_held",
    "closed",
    "redirected",
    "duplicate",
)
STATUS_LABELS: dict[str, str] = {
    "new": "New",
    "in_triage": "In triage",
    "waiting": "Waiting for the practitioner",
    "session_offered": "Session offered",
    "session_arranged": "Session arranged",
    "session_held": "Session held",
    "closed": "Closed",
    "redirected": "Redirected",
    "duplicate": "Duplicate",
}
# How a sentence says a request is in each status ("A request that ... cannot be moved"): a
# status's label is a name ("Session arranged"), and "a request that is session arranged" is
# not English.
STATUS_STATES: dict[str, str] = {
    "new": "is new",
    "in_triage": "is in triage",
    "waiting": "is waiting for the practitioner",
    "session_offered": "has been offered a session",
    "session_arranged": "has a session arranged",
    "session_held": "has had its session",
    "closed": "is closed",
    "redirected": "has been redirected",
    "duplicate": "is marked as a duplicate",
}
# The same with "already", for a move to the status the request is in.
STATUS_ALREADY: dict[str, str] = {
    "new": "is already new",
    "in_triage": "is already in triage",
    "waiting": "is already waiting for the practitioner",
    "session_offered": "has already been offered a session",
    "session_arranged": "already has a session arranged",
    "session_held": "has already had its session",
    "closed": "is already closed",
    "redirected": "has already been redirected",
    "duplicate": "is already marked as a duplicate",
}
# How a sentence says what a request is now, after "this request" or "it" (a message saying it
# changed while a page was open). Found (facilitator review): "this request is now session held"
# was built from the label, which is a name, not English in a sentence.
STATUS_NOW: dict[str, str] = {
    "new": "is now new",
    "in_triage": "is now in triage",
    "waiting": "is now waiting for the practitioner",
    "session_offered": "has now been offered a session, with none arranged",
    "session_arranged": "now has a session arranged",
    "session_held": "now has its session marked as held",
    "closed": "is now closed",
    "redirected": "has now been redirected",
    "duplicate": "is now marked as a duplicate",
}
# GOV.UK tag colours, the same on the list and the request page (templates/inbox/_status.html).
# GOV.UK Frontend 6's plain tag is blue (it has no --blue modifier).
STATUS_TAG_CLASSES: dict[str, str] = {
    "new": "",
    "in_triage": "govuk-tag--yellow",
    "waiting": "govuk-tag--pink",
    "session_offered": "govuk-tag--magenta",
    "session_arranged": "govuk-tag--turquoise",
    "session_held": "govuk-tag--green",
    "closed": "govuk-tag--grey",
    "redirected": "govuk-tag--purple",
    "duplicate": "govuk-tag--orange",
}
# Where each status may move to. The order is the order the choices are offered in.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_triage", "redirected", "duplicate"),
    "in_triage": ("session_offered", "waiting", "redirected", "duplicate", "closed"),
    # Found (facilitators' review): a request waiting on the practitioner's answer to a question
    # sat in triage and turned overdue. The answer may show it fits, belongs elsewhere, or no
    # longer needs a session.
    "waiting": ("in_triage", "session_offered", "redirected", "closed"),
    "session_offered": ("session_arranged", "in_triage", "closed"),
    "session_arranged": ("session_held", "session_offered", "closed"),
    "session_held": ("closed",),
    "closed": ("in_triage",),
    "redirected": ("in_triage",),
    "duplicate": ("in_triage",),
}
# Waiting for the facilitators: a request in one of these is overdue once its due date has passed.
# (Once a session is arranged, the session's own date is what counts; while the facilitators wait
# for the practitioner, nothing is overdue: the due date is shown, and counts again once it moves on.)
AWAITING_SESSION: tuple[str, ...] = ("new", "in_triage", "session_offered")
# Statuses with nothing due: the inbox shows no due date for them (found, acceptance review: a
# redirected request "Due 15 November 2026", weeks after it was dealt with).
NOTHING_DUE: tuple[str, ...] = ("session_held", "closed", "redirected", "duplicate")
# Statuses of the first version of the inbox, and what each became (migration 0006).
OLD_STATUSES: dict[str, str] = {
    "new": "new",
    "in_triage": "in_triage",
    "arranged": "session_arranged",
    "closed": "closed",
}

# "How soon" (the request's how_soon answer) → how long the facilitators have, in calendar
# days from the day the request was received (UK date), or "month" for the same day next
# month (the last day of that month when it is shorter). Calendar days, not working days
# (a due date may fall at a weekend or on a bank holiday), and a due date that errs early is
# the safe side. Unanswered (an imported request may lack it): no due date.
DUE_RULE: dict[str, int | str] = {"two_weeks": 14, "month": "month", "flexible": 42}


def can_move(old: str, new: str) -> bool:
    """Whether a request with status ``old`` may be moved to ``new``."""
    return new in TRANSITIONS.get(old, ())


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a request with ``status`` may move to, in the order to offer them."""
    return TRANSITIONS.get(status, ())


def refusal(old: str, new: str) -> str:
    """Why a move is refused, in words, naming the moves that are allowed."""
    allowed = [STATUS_LABELS[status].lower() for status in next_statuses(old)]
    choices = ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 else "".join(allowed)
    if old == new:
        return f"The request {STATUS_ALREADY.get(old, 'is already ' + old)}"
    return (
        f"A request that {STATUS_STATES.get(old, 'is ' + old)} cannot be moved to "
        f"{STATUS_LABELS.get(new, new).lower()}. It can be moved to {choices}"
    )


def add_month(day: dt.date) -> dt.date:
    """The same day next month, or the last day of next month when it has no such day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received: dt.date, how_soon: object) -> dt.date | None:
    """When a session should happen by, from the day the request was received and its "how soon"."""
    rule = DUE_RULE.get(how_soon) if isinstance(how_soon, str) else None
    if rule is None:
        return None
    try:
        return add_month(received) if rule == "month" else received + dt.timedelta(days=int(rule))
    except (OverflowError, ValueError):  # a date at the end of the calendar (a bad import): no due date
        return None


def now_in_words(status: str) -> str:
    """What a request is now, after "this request" or "it": "now has a session arranged"."""
    return STATUS_NOW.get(status, f"is now {STATUS_LABELS.get(status, status).lower()}")


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    """Whether a request is still waiting for a session after its due date."""
    return due is not None and status in AWAITING_SESSION and due < today


def check_tables(labels: Mapping[str, str] = STATUS_LABELS) -> None:
    """Every status has a label, a colour and a row of moves, and every move names a status
    (the tests call this; a mistake here would strand requests)."""
    for table in (labels, STATUS_STATES, STATUS_ALREADY, STATUS_NOW, STATUS_TAG_CLASSES, TRANSITIONS):
        if tuple(table) != STATUSES:
            raise ValueError(f"status table out of step: {sorted(set(table) ^ set(STATUSES))}")
    for old, moves in TRANSITIONS.items():
        if old in moves or not set(moves) <= set(STATUSES):
            raise ValueError(f"bad moves from {old}: {moves}")


__all__ = [
    "AWAITING_SESSION",
    "DUE_RULE",
    "OLD_STATUSES",
    "STATUSES",
    "STATUS_ALREADY",
    "STATUS_LABELS",
    "STATUS_NOW",
    "STATUS_STATES",
    "STATUS_TAG_CLASSES",
    "TRANSITIONS",
    "add_month",
    "can_move",
    "check_tables",
    "due_date",
    "is_overdue",
    "next_statuses",
    "now_in_words",
    "refusal",
]
