"""Times as people in the UK read them: UTC moments (stored naive, as the database keeps them) in
UK local time, and dates and times of day in words, as pages, emails and PDFs write them.

The standard library only: every layer of the app uses these (the rule files' review dates at
start-up, the request pages, the inbox, the sessions, the statistics).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")


def _uk_local(moment: dt.datetime) -> dt.datetime | None:
    """A naive UTC time in UK local time, or None at the edges of the calendar (year 1 or
    9999), where the conversion overflows: one odd stored time must not break a page."""
    try:
        return moment.replace(tzinfo=dt.UTC).astimezone(UK_TIME)
    except (OverflowError, ValueError):
        return None


def uk_time(moment: dt.datetime) -> str:
    """A naive UTC time as UK local time, in words: "27 November 2026 at 9:05am"
    (as UTC ISO text, "0001-01-01T00:00:00Z", if it cannot be converted)."""
    local = _uk_local(moment)
    if local is None:
        return moment.replace(microsecond=0).isoformat() + "Z"
    return f"{local.day} {local:%B %Y} at {_clock(local)}"


def uk_time_and_zone(moment: dt.datetime) -> str:
    """``uk_time`` and its clock, GMT or BST, always: "27 November 2026 at 9:05am GMT" (for the audit
    log's listings)."""
    local = _uk_local(moment)
    if local is None or _lived_twice(local):  # uk_time names the clock already
        return uk_time(moment)
    return f"{uk_time(moment)} {local.tzname() or ''}".rstrip()


def _lived_twice(local: dt.datetime) -> bool:
    """Whether this time of day in the UK comes twice that night: the hour the clocks go back."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def uk_clock(moment: dt.datetime) -> str:
    """A naive UTC time as UK local time of day: "9:05am", "12:30pm" (the whole of ``uk_time``
    if it cannot be converted)."""
    local = _uk_local(moment)
    return uk_time(moment) if local is None else _clock(local)


def _clock(local: dt.datetime) -> str:
    """The time of day, GOV.UK style: "9:05am", "12:30pm", "midday" (the minute it is in, never
    rounded up); in the hour the clocks go back, which comes twice, with its clock: "1:30am BST",
    then "1:30am GMT" (found, clock review: two requests an hour apart were both "received at
    1:30am" in the inbox, the audit trail and the PDF, which could not say which came first)."""
    words = time_in_words(local.time())
    return f"{words} {local.tzname()}" if _lived_twice(local) else words


def time_in_words(time: dt.time) -> str:
    """A time of day as pages and emails write it, GOV.UK style: "10am", "2:30pm", "midday" and
    "midnight", not "12:00pm" and "12:00am", which people read either way. (Found, dates review:
    on the hour it wrote "10:00am", where GOV.UK writes "10am".)"""
    if time.minute == 0 and time.hour in (0, 12):
        return "midday" if time.hour == 12 else "midnight"
    minutes = f":{time:%M}" if time.minute else ""
    return f"{time.hour % 12 or 12}{minutes}{'am' if time.hour < 12 else 'pm'}"


def uk_day(moment: dt.datetime) -> dt.date:
    """A naive UTC time's date in the UK (its UTC date at the edges of the calendar)."""
    local = _uk_local(moment)
    return local.date() if local is not None else moment.date()


def uk_today() -> dt.date:
    """Today's date in the UK."""
    return dt.datetime.now(UK_TIME).date()


def day_in_words(day: dt.date) -> str:
    """A date in words: "27 November 2026"."""
    return f"{day.day} {day:%B %Y}"


def uk_date(moment: dt.datetime) -> str:
    """A naive UTC time's UK date in words: "27 November 2026" (the UTC ISO date if it
    cannot be converted)."""
    local = _uk_local(moment)
    if local is None:
        return moment.date().isoformat()
    return f"{local.day} {local:%B %Y}"
