"""The calendar file sent with an invitation: one event, in UK time, made with ``icalendar``.

iTIP (RFC 5546): METHOD REQUEST invites (and, with the same UID and a higher SEQUENCE,
updates); METHOD CANCEL cancels. The organiser is the facilitators' address
(``FACILITATOR_EMAIL``), sent by the service's own (``MAIL_FROM``) when it differs; the
attendee the practitioner's work email. The summary, description and location never hold
case details: the service's name, the reference, and the joining instructions or place
(checked for identifying data when the facilitator wrote them): in full in the description, and
as the event's place where a calendar keeps it whole (``short_location``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import cast

from icalendar import Calendar, Event, Timezone, vCalAddress

from ..uk_time import UK_TIME

PRODUCT_ID = "-//Space to Think//Sessions//EN"
SUMMARY = "Space to Think session"
REQUEST, CANCEL = "REQUEST", "CANCEL"
# Outlook (Exchange) keeps no more than this of an event's LOCATION, and no line breaks in it
# (MS-OXCICAL); the whole text goes in the description, which it keeps.
LOCATION_MAX = 255
LOCATION_IN_DETAILS = "See this event's details for the joining instructions or place"
# How the description gives the whole text, after the reference (read back by ``entry_in``).
PLACE_IN_DETAILS = "Joining instructions or place:\n"


def short_location(place: str) -> str:
    """What a calendar shows as the event's place: the joining instructions or place on one line
    (its lines joined with commas) if Outlook keeps it whole, else where to find them. Found (email
    review): a Teams link with its meeting ID and passcode was cut in the middle of the link, and
    was the only copy in the calendar."""
    one_line = ", ".join(line.strip().rstrip(",") for line in place.splitlines() if line.strip().rstrip(","))
    return one_line if len(one_line) <= LOCATION_MAX else LOCATION_IN_DETAILS


def references_in_words(references: Sequence[str]) -> str:
    """References in a sentence: "STT-A", "STT-A and STT-B", "STT-A, STT-B and STT-C"."""
    if len(references) < 2:
        return "".join(references)
    return f"{', '.join(references[:-1])} and {references[-1]}"


def to_uk(moment: dt.datetime) -> dt.datetime:
    """A stored UTC time (no tzinfo) in UK time."""
    return moment.replace(tzinfo=dt.UTC).astimezone(UK_TIME)


def _unambiguous(moment: dt.datetime) -> dt.datetime:
    """A stored UTC time (no tzinfo) as a calendar file writes it: in UK time, unless UK time
    shows that hour twice (the night the clocks go back), where it is written in UTC. A calendar
    reads a UK time of that hour as the first of the two (RFC 5545, 3.3.5): found (dates review),
    a 2-hour session from 12:30am that night ended an hour early in the file. A session cannot
    start in that hour (``forms.clock_change_problem``), but may end in it."""
    local = to_uk(moment)
    if local.replace(fold=1 - local.fold).astimezone(dt.UTC) != local.astimezone(dt.UTC):
        return moment.replace(tzinfo=dt.UTC)
    return local


def session_calendar(
    *,
    method: str,
    uid: str,
    sequence: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    organiser: str,
    attendee: str,
    reference: str,
    location: str,
    stamp: dt.datetime,
    also: Sequence[str] = (),
    sent_by: str | None = None,
    organiser_name: str | None = None,
) -> str:
    """The ``.ics`` text for one session: times are stored UTC, written in Europe/London with its
    time zone definition, so a calendar in any zone shows the right moment. ``also``: the
    attendee's other references in the session (their calendar has one entry for it, and the
    last file it read names them all). ``sent_by``: the address the email comes from
    (``MAIL_FROM``), when it is not the organiser's: named as sending for the organiser
    (RFC 5545's SENT-BY), as a calendar otherwise sees an invitation, or its update, sent by
    someone who is not its organiser (found, email review). ``organiser_name``: the name the
    setting gives the facilitators' address, if any (their calendar's name for them)."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown calendar method {method!r}")
    calendar = Calendar.new(prodid=PRODUCT_ID, method=method)
    # Not the calendar's own UID, which icalendar makes new for every file: the event's UID is the
    # one a calendar goes by, and a second one, different in each update, only confuses (found,
    # email review). The same session's files now differ only where the session did.
    calendar.pop("UID", None)
    organizer = vCalAddress(f"mailto:{organiser}")
    organizer.params["CN"] = organiser_name or "Space to Think facilitators"
    if sent_by and sent_by.casefold() != organiser.casefold():
        organizer.params["SENT-BY"] = f"mailto:{sent_by}"
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["ROLE"] = "REQ-PARTICIPANT"
    guest.params["RSVP"] = "FALSE"
    event = Event.new(
        uid=uid,
        sequence=sequence,
        summary=SUMMARY,
        description=(
            (
                f"Your Space to Think session. Your references: {references_in_words([reference, *also])}."
                if also
                else f"Your Space to Think session. Your reference: {reference}."
            )
            + f"\n\n{PLACE_IN_DETAILS}{location}"
        ),
        location=short_location(location),
        start=to_uk(starts_at),
        end=_unambiguous(ends_at),
        stamp=stamp.replace(tzinfo=dt.UTC),
        organizer=organizer,
        attendees=[guest],
    )
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    calendar.add_component(event)
    for position, tzid in enumerate(sorted(calendar.get_missing_tzids())):
        calendar.subcomponents.insert(position, zone_definition(tzid))
    ics: bytes = calendar.to_ical()
    return ics.decode("utf-8")


@functools.cache
def zone_definition(tzid: str) -> Timezone:
    """The time zone's definition (VTIMEZONE): made once per process (about 5 ms of work each
    time before), then only read. Europe/London is written as calendars write it (Google's,
    Outlook's, tzurl.org's): summer time from 1 am UTC on the last Sunday of March to the last
    Sunday of October, as two yearly rules (``UK_ZONE``). icalendar's own definition
    (``Timezone.from_tzid``, still used for any other zone) lists each change from 1970 to 2038
    one by one and begins with 1970's British Standard Time, +01:00 all year: Outlook is reported
    to place events an hour out with definitions like it (found, email review)."""
    if tzid != "Europe/London":
        return Timezone.from_tzid(tzid)
    # (from_ical gives the component class its text begins with: a Timezone)
    return cast("Timezone", Timezone.from_ical(UK_ZONE))


UK_ZONE = "\r\n".join(
    (
        "BEGIN:VTIMEZONE",
        "TZID:Europe/London",
        "BEGIN:DAYLIGHT",
        "TZNAME:BST",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "DTSTART:19700329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZNAME:GMT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "DTSTART:19701025T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
        "",
    )
)


def start_in(ics: str) -> dt.datetime | None:
    """When the session in a ``.ics`` text made by ``session_calendar`` starts, as stored (UTC,
    no tzinfo); None if the text cannot be read or gives no start time."""
    entry = entry_in(ics)
    return entry[0] if entry is not None else None


def entry_in(ics: str) -> tuple[dt.datetime, dt.datetime, str] | None:
    """The session as a ``.ics`` text made by ``session_calendar`` gives it: its start and end,
    as stored (UTC, no tzinfo), and its joining instructions or place, whole (from the
    description; from the location in a file made before commit 569f45c1, 6 December 2026, which
    had them there only); None if the text cannot be read or lacks one."""
    try:
        events = Calendar.from_ical(ics).walk("VEVENT")
        if not events:
            return None
        start, end = events[0].decoded("DTSTART"), events[0].decoded("DTEND")
        _, given, place = str(events[0].get("DESCRIPTION", "")).partition(PLACE_IN_DETAILS)
        location = place if given else str(events[0].get("LOCATION", ""))
    except (ValueError, KeyError, IndexError):
        return None
    times = []
    for moment in (start, end):
        if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
            return None
        times.append(moment.astimezone(dt.UTC).replace(tzinfo=None))
    return times[0], times[1], location


__all__ = [
    "CANCEL",
    "REQUEST",
    "SUMMARY",
    "entry_in",
    "references_in_words",
    "session_calendar",
    "start_in",
    "to_uk",
]
