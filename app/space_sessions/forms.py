"""The session form (arranging or changing a session) and the feedback form.

Both carry the CSRF token (Flask-WTF) and are checked on the server only (``novalidate``):
bad input gives a GOV.UK message on the field and keeps everything typed, never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; stubs are 3.2

from ..input_guard import is_blank, text_length, without_invisible
from ..months import month_number, narrow
from ..pack import current_partnership
from ..rules.model import bank_holiday_name
from ..uk_time import UK_TIME, day_in_words, uk_day, uk_today
from .models import COMMENT_MAX, FORMATS, PLACE_MAX
from .service import FEEDBACK_SCALE, LENGTHS, RECORD_WEEKS, SessionDetails, time_in_words

NEW_SESSION = "new"
# The digits 0 to 9 only (\d would take others, such as full-width digits, that the date does not).
TIME_PATTERN = re.compile(r"^([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?$", re.IGNORECASE)
# An hour from 1 to 7 with no am or pm and no leading zero ("2.30", "3", "7:15") could be
# either: in an office "2.30" is almost always the afternoon, so the form asks rather than
# reading it as early morning. "02:30", "14:30", "2:30pm" and "9.30" are clear.
UNCLEAR_HOURS = range(1, 8)
# "Noon" and "midday", alone or after 12 ("12 noon", "12.00 midday"), are how many people write
# 12pm: read as it (found in the facilitator review: "noon" was refused as not a time of day).
NOON = re.compile(r"^(?:12(?:[:.]00)?\s*)?(?:noon|mid-?day)$", re.IGNORECASE)
# "Midnight", as the pages write 00:00 ("12 midnight" too): the page's own words are accepted back.
MIDNIGHT = re.compile(r"^(?:12(?:[:.]00)?\s*)?mid-?night$", re.IGNORECASE)
NEEDS_AM_OR_PM = "Enter am or pm, for example 2:30pm, or use the 24-hour clock, for example 14:30"
DATE_PARTS = (("day", "a day"), ("month", "a month"), ("year", "a year"))
LATEST_DAYS = 366  # a session more than a year ahead is surely a typing mistake
# "12am" is midnight by the rule, but people often write it meaning midday: asked, not guessed.
MIDNIGHT_OR_MIDDAY = "Enter 12pm for midday. For midnight, enter midnight or use the 24-hour clock: 00:00"
TWELVE_AM = re.compile(r"^12(?:[:.]([0-9]{2}))?\s*am$", re.IGNORECASE)


def twelve_am_message(text: str) -> str:
    """What to enter instead of "12am" or "12:30am" (``TWELVE_AM``), in the typed minutes: found
    (facilitator review), "12:21am" got the message for 12am, which did not say how to enter it."""
    found = TWELVE_AM.match(text)
    minutes = found.group(1) if found else None
    if not minutes or minutes == "00":
        return MIDNIGHT_OR_MIDDAY
    return f"Enter 12:{minutes}pm for just after midday. For just after midnight, use the 24-hour clock: 00:{minutes}"


# A day at the weekend, as the date's question names it ("select that the session is on a Saturday").
WEEKEND_DAYS = {5: "a Saturday", 6: "a Sunday"}


def bank_holiday_message(day: dt.date, holiday: str) -> str:
    """What the date says when it is a bank holiday, or a day at the weekend, not yet confirmed."""
    if holiday in WEEKEND_DAYS.values():
        return (
            f"{day_in_words(day)} is at the weekend. Check the date, or if it is right, select that the "
            f"session is on {holiday}"
        )
    return (
        f"{day_in_words(day)} is a bank holiday: {holiday}. Check the date, or if it is right, select that the "
        f"session is on {holiday}"
    )


# A start outside these hours (before 7am, or from 9pm) is more likely a typing mistake than a
# session: the form asks the facilitator to confirm it before an invitation can go out.
WORKING_DAY = (dt.time(7, 0), dt.time(21, 0))


# Ways of writing a time the pattern reads once put as it writes them (``as_the_pattern_reads``):
# "2:30 p.m." and "2:30p.m." (am and pm with full stops), "1400hrs" and "14:00 hours", "1030" and
# "930" (the 24-hour clock without its colon), "10:" (the minutes left out). Found (dates review):
# each was refused as "not a time of day".
_AM_OR_PM_WITH_STOPS = re.compile(r"\s*([ap])\.\s*m\.?$", re.IGNORECASE)
_HOURS_WORD = re.compile(r"\s*(?:hrs|hours|hr|h)\.?$", re.IGNORECASE)
_WITHOUT_COLON = re.compile(r"^([0-9]{1,2})([0-9]{2})(\s*(?:am|pm)?)$", re.IGNORECASE)
_NO_MINUTES = re.compile(r"^([0-9]{1,2})[:.](\s*(?:am|pm)?)$", re.IGNORECASE)


def as_the_pattern_reads(text: str) -> str:
    """The time typed, written as ``TIME_PATTERN`` reads it (``2:30pm``, ``14:00``) where it is
    another common way of writing one; else as typed (stripped)."""
    text = text.strip()
    text = _AM_OR_PM_WITH_STOPS.sub(lambda found: found.group(1) + "m", text)
    if re.match(r"^[0-9]", text):
        text = _HOURS_WORD.sub("", text)
    text = _WITHOUT_COLON.sub(lambda found: f"{found.group(1)}:{found.group(2)}{found.group(3)}", text)
    return _NO_MINUTES.sub(lambda found: f"{found.group(1)}{found.group(2)}", text)


def parse_time(text: str) -> dt.time | None:
    """ "14:30", "14.30", "2:30pm", "9am", "9", "noon" or "midnight" as a time of day (and the
    other ways ``as_the_pattern_reads`` puts so: "2:30 p.m.", "1400hrs", "1030"); None if it is
    not one."""
    if NOON.match(text.strip()):
        return dt.time(12, 0)
    if MIDNIGHT.match(text.strip()):
        return dt.time(0, 0)
    found = TIME_PATTERN.match(as_the_pattern_reads(text))
    if found is None:
        return None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), (found.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def needs_am_or_pm(text: str) -> bool:
    """Whether a time as typed could be morning or afternoon: an hour from 1 to 7 without am
    or pm, and without the leading zero of the 24-hour clock ("2.30", "3", "7:15")."""
    found = TIME_PATTERN.match(as_the_pattern_reads(text))
    return (
        found is not None
        and not found.group(3)
        and not found.group(1).startswith("0")
        and int(found.group(1)) in UNCLEAR_HOURS
    )


def clock_change_problem(day: dt.date, time: dt.time) -> str | None:
    """Why ``time`` on ``day`` is no one time in the UK, or None: the hour skipped when the
    clocks go forward (1am to 2am, last Sunday of March) does not exist, and the hour repeated
    when they go back (1am to 2am, last Sunday of October) happens twice. Either way the form
    asks for another time rather than guessing which was meant."""
    earlier = dt.datetime.combine(day, time, tzinfo=UK_TIME)
    later = earlier.replace(fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return None
    date, typed = day_in_words(day), time_in_words(time)
    if earlier.astimezone(dt.UTC).astimezone(UK_TIME).replace(tzinfo=None) != earlier.replace(tzinfo=None):
        return f"The clocks go forward at 1am on {date}, so {typed} does not exist that day. Enter another time"
    return (
        f"The clocks go back at 2am on {date}, so {typed} happens twice that day. Enter a time before 1am or from 2am"
    )


class SessionForm(FlaskForm):
    """A session's date, start time, length, format and joining instructions or place; when
    arranging, an existing upcoming session may be chosen instead (``session``)."""

    session = RadioField(choices=[], validate_choice=False)
    day = StringField(name="date-day")
    month = StringField(name="date-month")
    year = StringField(name="date-year")
    start_time = StringField()
    length = RadioField(choices=[SelectChoice(v, words) for v, words in LENGTHS.items()], validate_choice=False)
    format = RadioField(choices=[SelectChoice(v, words) for v, words in FORMATS.items()], validate_choice=False)
    place = TextAreaField()
    # The fingerprint of joining instructions whose identifying-data warning was confirmed.
    confirmed = HiddenField()
    # A start time outside the working day, confirmed as meant ("HH:MM", the time confirmed).
    unusual_time = StringField()
    # A date that is a bank holiday where the partnership is, confirmed as meant ("YYYY-MM-DD").
    bank_holiday = StringField()
    # Changing a session to a start already gone, confirmed as when it took place
    # ("YYYY-MM-DD HH:MM", the start confirmed): no update is emailed for it.
    took_place = StringField()

    date_errors: list[str]
    received_at: dt.datetime | None = None
    confirm_started = False
    # The date's inputs at fault ("day", "month", "year"), each outlined in red, the first the
    # one the error summary's link goes to: only the parts with the problem, or all three when
    # the problem is the whole date (GOV.UK date input pattern, as the significant event's date).
    date_at_fault: tuple[str, ...] = ()
    details: SessionDetails | None = None

    def validate(
        self,
        extra_validators: Any = None,
        offered: frozenset[str] = frozenset({NEW_SESSION}),
        received_at: dt.datetime | None = None,
        confirm_started: bool = False,
    ) -> bool:
        """CSRF; then an existing session from ``offered``, or every detail of a new one.

        ``received_at`` (naive UTC): when the request being arranged was received (changing a
        session: the latest of its requests'). Given, a session that has already started may be
        recorded, from then and up to ``RECORD_WEEKS`` back (``earliest_record``); without it, the
        start must be to come. ``confirm_started`` (changing a session): a start already gone is
        taken only once the facilitator has ticked that the session took place then (``took_place``)."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        self.received_at = received_at
        self.confirm_started = confirm_started
        self.date_errors = []
        self.date_at_fault = ()
        chosen = self.session.data or NEW_SESSION
        if chosen not in offered:
            self.session.errors = ["Select a session, or A new session"]
            return False
        if chosen != NEW_SESSION:
            return valid
        day = self._check_date()
        time = self._check_time()
        if self.length.data not in LENGTHS:
            self.length.errors = ["Select how long the session is"]
        if self.format.data not in FORMATS:
            self.format.errors = ["Select how the session is held"]
        place = (self.place.data or "").strip()
        if is_blank(place):
            self.place.errors = ["Enter the joining instructions or the place"]
        elif text_length(place) > PLACE_MAX:
            self.place.errors = [f"The joining instructions or place must be {PLACE_MAX:,} characters or less"]
        if day is not None and time is not None and (problem := clock_change_problem(day, time)):
            self.start_time.errors = [problem]
        elif (
            day is not None
            and time is not None
            and received_at is None
            and dt.datetime.combine(day, time, tzinfo=UK_TIME) <= dt.datetime.now(UK_TIME)
        ):
            self.start_time.errors = ["The start time must be in the future"]  # today, at a time already gone
        elif (
            day is not None
            and time is not None
            and received_at is not None
            and dt.datetime.combine(day, time, tzinfo=UK_TIME) < received_at.replace(tzinfo=dt.UTC)
        ):
            received = received_at.replace(tzinfo=dt.UTC).astimezone(UK_TIME)
            self.start_time.errors = [
                f"The start time must be after the request was received, at {time_in_words(received.time())} "
                f"on {day_in_words(received.date())}"
            ]
        elif day is not None and time is not None and (key := self.start_to_confirm()) and self.took_place.data != key:
            self.start_time.errors = [
                f"{day_in_words(day)} at {time_in_words(time)} has already gone. If the session took place then, "
                "select that it did (no update is emailed for a session that has started), or enter a time to come"
            ]
        elif time is not None and self.time_to_confirm() and self.unusual_time.data != time.strftime("%H:%M"):
            self.start_time.errors = [
                f"{time_in_words(time).capitalize()} is outside the working day. Check the start time, or if it "
                "is right, "
                f"select that the session starts at {time_in_words(time)}"
            ]
        confirm_day, holiday = self.bank_holiday_to_confirm()
        if day is not None and not self.date_errors and confirm_day and self.bank_holiday.data != confirm_day:
            self.refuse_whole_date(bank_holiday_message(day, holiday))
        problems = self.date_errors or self.start_time.errors or self.length.errors or self.format.errors
        if not valid or problems or self.place.errors or day is None or time is None:
            return False
        self.details = SessionDetails(day, time, int(self.length.data or 0), self.format.data or "", place)
        return True

    def refuse_whole_date(self, message: str) -> None:
        """Say ``message`` beside the date, with all three of its inputs outlined: for a date
        refused after the form was checked (a day on or after a request's deletion), where the
        whole date is the problem (diff review: nothing was outlined)."""
        self.date_errors = [message]
        self.date_at_fault = tuple(name for name, _ in DATE_PARTS)

    def _date_part(self, name: str) -> str:
        """A part of the date as typed, read as the request's dates are: without invisible
        characters, full-width digits as ASCII ("２０２７", from a Chinese or Japanese keyboard).
        Found (user review): the session's date refused what the request's dates take."""
        return narrow(without_invisible((getattr(self, name).data or "").strip())).strip()

    def _check_date(self) -> dt.date | None:
        """The date typed, or None with a GOV.UK date input message in ``date_errors`` and the
        inputs at fault in ``date_at_fault``."""
        whole = tuple(name for name, _ in DATE_PARTS)
        parts = {name: self._date_part(name) for name in whole}

        def refuse(message: str, at_fault: tuple[str, ...] = whole) -> None:
            self.date_errors = [message]
            self.date_at_fault = at_fault

        if not any(parts.values()):
            refuse("Enter the date of the session")
            return None
        missing = [(name, words) for name, words in DATE_PARTS if not parts[name]]
        if missing:
            refuse(
                f"The date of the session must include {' and '.join(words for _, words in missing)}",
                tuple(name for name, _ in missing),
            )
            return None
        # The month may be a name, whole or shortened ("feb", "February": GOV.UK date input);
        # the day and year are numbers.
        month = month_number(parts["month"])
        named = month is not None and not parts["month"].isdigit()
        not_numbers = tuple(
            name
            for name, part in parts.items()
            if not (name == "month" and named) and not (part.isascii() and part.isdigit())
        )
        if not_numbers:
            refuse("The date of the session must be a real date, for example 27 3 2027", not_numbers)
            return None
        # Lengths first: int() of a 30-digit day is too large for a date (OverflowError). Every
        # part that cannot be is outlined ("13" and "27": the month and the year).
        year_digits = len(parts["year"]) == 4
        bad = tuple(
            name
            for name, cannot_be in (
                ("day", len(parts["day"]) > 2 or not 1 <= int(parts["day"]) <= 31),
                ("month", month is None or (not named and len(parts["month"]) > 2)),
                ("year", not year_digits or int(parts["year"]) < dt.MINYEAR),
            )
            if cannot_be
        )
        if bad == ("year",) and not year_digits:
            refuse("Year must include 4 numbers", bad)
            return None
        if bad or month is None:
            refuse("The date of the session must be a real date", bad)
            return None
        try:
            day = dt.date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:  # a day the month does not have: 30 February
            refuse("The date of the session must be a real date", ("day",))
            return None
        today = uk_today()
        if day < today and self.received_at is None:
            refuse("The date of the session must be today or in the future")
            return None
        if day < today and self.received_at is not None and day < (earliest := self.earliest_record()):
            if earliest == uk_day(self.received_at):
                refuse(
                    f"The date of the session must be on or after {day_in_words(earliest)}, "
                    "the day the request was received"
                )
            else:
                refuse(
                    f"A session that has already taken place can be recorded up to {RECORD_WEEKS} weeks later: "
                    f"the date must be on or after {day_in_words(earliest)}. Check the date"
                )
            return None
        if day > today + dt.timedelta(days=LATEST_DAYS):
            refuse("The date of the session must be within the next year")
            return None
        return day

    def earliest_record(self) -> dt.date:
        """The earliest day a session already over can be recorded for: ``RECORD_WEEKS`` ago, or
        the day the request was received if that is later."""
        earliest = uk_today() - dt.timedelta(weeks=RECORD_WEEKS)
        return max(earliest, uk_day(self.received_at)) if self.received_at is not None else earliest

    def _check_time(self) -> dt.time | None:
        text = (self.start_time.data or "").strip()
        if not text:
            self.start_time.errors = ["Enter the start time"]
            return None
        if needs_am_or_pm(text):
            self.start_time.errors = [NEEDS_AM_OR_PM]
            return None
        if TWELVE_AM.match(as_the_pattern_reads(text)):
            self.start_time.errors = [twelve_am_message(as_the_pattern_reads(text))]
            return None
        found = parse_time(text)
        if found is None:
            self.start_time.errors = ["Enter the start time as a time of day, like 14:30 or 2:30pm"]
        return found

    def time_to_confirm(self) -> str:
        """The start time typed, as "HH:MM", when it is a time outside the working day that
        must be confirmed; else ""."""
        text = (self.start_time.data or "").strip()
        time = parse_time(text)
        if time is None or WORKING_DAY[0] <= time < WORKING_DAY[1]:
            return ""
        if needs_am_or_pm(text) or TWELVE_AM.match(as_the_pattern_reads(text)):
            # Asked about first ("2.30": morning or afternoon?): a tick for "2:30am" would
            # contradict that message, and could not answer it (found in the facilitator review).
            return ""
        return time.strftime("%H:%M")

    def start_to_confirm(self) -> str:
        """The start typed, as "YYYY-MM-DD HH:MM", when a session is being changed to a start
        already gone, which must be confirmed as when it took place; else "". Found (facilitator
        review): a session held earlier than arranged (the date mistyped, or brought forward) could
        not be moved to when it took place: only cancelled, which emailed everyone invited that it
        was cancelled, or left until its wrong day to say it was held."""
        if not self.confirm_started:
            return ""
        day, time = self._typed_date(), parse_time((self.start_time.data or "").strip())
        if day is None or time is None or dt.datetime.combine(day, time, tzinfo=UK_TIME) > dt.datetime.now(UK_TIME):
            return ""
        return f"{day:%Y-%m-%d} {time:%H:%M}"

    def took_place_item(self) -> dict[str, Any] | None:
        """The checkbox confirming that a session changed to a start already gone took place
        then, once one has been typed and the form shown again (not beside a date refused); else None."""
        value = self.start_to_confirm()
        if not value or self.date_errors:
            return None
        start = dt.datetime.strptime(value, "%Y-%m-%d %H:%M")
        return {
            "value": value,
            "text": f"Yes, the session took place on {day_in_words(start.date())} at {time_in_words(start.time())}",
            "checked": self.took_place.data == value,
        }

    def _typed_date(self) -> dt.date | None:
        """The date typed, if it is one (numbers, or a month's name), without any message."""
        parts = [self._date_part(name) for name, _ in DATE_PARTS]
        month = month_number(parts[1])
        if month is None or not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts[::2]):
            return None
        try:
            return dt.date(int(parts[2]), month, int(parts[0]))
        except ValueError:
            return None

    def bank_holiday_to_confirm(self) -> tuple[str, str]:
        """The date typed ("YYYY-MM-DD") and the name of the bank holiday it is, where the partnership
        file says which nation's the area keeps, when it is today or to come; else ("", ""). Found
        (review of Christmas week): a session could be arranged on Christmas Day, or on the substitute
        day for Boxing Day, without a word, and its invitations went out for a day the office is shut."""
        day = self._typed_date()
        if day is None or day < uk_today():
            return "", ""
        # A day at the weekend is asked about too (found, a day of real use: a session on a
        # Saturday was taken, and its invitations sent, without a word, where Christmas Day and a
        # 2am start were asked about; a date typed a day out lands on one as easily).
        holiday = bank_holiday_name(current_partnership().bank_holidays, day) or WEEKEND_DAYS.get(day.weekday(), "")
        return (f"{day:%Y-%m-%d}", holiday) if holiday else ("", "")

    def bank_holiday_item(self) -> dict[str, Any] | None:
        """The checkbox confirming a date that is a bank holiday, once one has been typed and the form
        shown again (not beside another problem with the date); else None."""
        value, holiday = self.bank_holiday_to_confirm()
        if not value:
            return None
        day = dt.date.fromisoformat(value)
        if self.date_errors and self.date_errors[0] != bank_holiday_message(day, holiday):
            return None
        return {
            "value": value,
            "text": f"Yes, the session is on {holiday}, {day_in_words(day)}",
            "checked": self.bank_holiday.data == value,
        }

    def unusual_time_item(self) -> dict[str, Any] | None:
        """The checkbox confirming a start time outside the working day, once one has been
        typed and the form shown again; else None."""
        value = self.time_to_confirm()
        time = parse_time(self.start_time.data or "")
        if not value or time is None:
            return None
        day = self._typed_date()
        if day is not None and clock_change_problem(day, time):
            # "1:30am does not exist that day": no box to say it is right (found, facilitator review).
            return None
        return {
            "value": value,
            "text": f"Yes, the session starts at {time_in_words(time)}",
            "checked": self.unusual_time.data == value,
        }

    def error_list(self) -> list[dict[str, str]]:
        """The GOV.UK error summary's list, in the order the fields are shown."""
        errors = [{"text": self.session.errors[0], "href": "#session"}] if self.session.errors else []
        if self.date_errors:
            # A bank holiday to confirm: the link goes to the box to tick (regression review: to the day).
            href = "#bank_holiday" if self.bank_holiday_item() else f"#date-{(self.date_at_fault or ('day',))[0]}"
            errors.append({"text": self.date_errors[0], "href": href})
        for field, href in (
            (self.start_time, "#start_time"),
            (self.length, "#length"),
            (self.format, "#format"),
            (self.place, "#place"),
        ):
            if field.errors:
                errors.append({"text": field.errors[0], "href": href})
        return errors


class FeedbackForm(FlaskForm):
    """How much did the Space to Think session help you? A score, and optional words (checked for
    identifying data by the view)."""

    score = RadioField(choices=[SelectChoice(v, words) for v, words in FEEDBACK_SCALE.items()], validate_choice=False)
    comment = TextAreaField()
    confirmed = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, a score from the scale, and at most ``COMMENT_MAX`` characters of comment."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        if self.score.data not in FEEDBACK_SCALE:
            self.score.errors = ["Select how much the session helped"]
            valid = False
        if text_length((self.comment.data or "").strip()) > COMMENT_MAX:
            self.comment.errors = [f"Your comment must be {COMMENT_MAX:,} characters or less"]
            valid = False
        return valid
