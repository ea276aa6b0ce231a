"""The inbox list: reading its filters from the address, finding the requests, counting them,
and the CSV export of the same list.

Filters come from a GET form, so they are in the address: they are the facilitators' own
choices (a status, a facilitator's id, a reference typed into the search), never what a
practitioner wrote. Each is read defensively: a value that is not one of the choices offered
is dropped with a message saying so, and the list is shown without it (never an error page).
Reads only: nothing here commits, except the audit event of an export (``record_export``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, insert, or_, select

from .. import audit, workflow
from ..extensions import db
from ..journey import MODE_LABELS
from ..mail import GIVEN_UP_AS_MEANT, REDIRECTED, UNTIL_MENDED, attempt_may_last
from ..models import AuditEvent, OutboxMessage, StoredRequest, utcnow
from ..pack import current_pack
from ..requests import fields
from ..requests.reference import ALPHABET, GROUP, GROUPS, PREFIX, SEPARATORS
from ..uk_time import UK_TIME, uk_day, uk_time
from .models import Assignment, Facilitator, assignee_suffix

PAGE_SIZE = 50
# A page number beyond any list (``read_filters``): the last page is shown.
PAST_EVERY_PAGE = 1_000_000
# Sort orders: value -> (label, what the caption says).
SORTS: dict[str, tuple[str, str]] = {
    "received_newest": ("Received (newest first)", "newest first"),
    "received_oldest": ("Received (oldest first)", "oldest first"),
    "due_soonest": ("Due date (soonest first)", "soonest due first"),
    "due_latest": ("Due date (latest first)", "latest due first"),
}
DEFAULT_SORT = "received_newest"
NOT_ASSIGNED = "none"
MAX_VALUE_LENGTH = 100
# Characters no filter value needs: controls (NUL included) and invisible formatting.
_UNWANTED = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# CSV cells starting with these are read as formulas by spreadsheets (CWE-1236).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Filters:
    """What the list shows: each filter is empty (None or "") when not used."""

    reference: str = ""  # the reference typed, compacted: letters and digits after "STT", upper case
    status: str | None = None
    assignee: str | None = None  # NOT_ASSIGNED, or a facilitator's id as text
    how_soon: str | None = None
    flag: str | None = None
    overdue: bool = False
    attention: bool = False  # only those with an email that needs a facilitator (``emails_stuck``)
    received: str | None = None  # "YYYY-MM": only those received that month (UK time)
    sort: str = DEFAULT_SORT
    page: int = 1

    def args(self, **changes: Any) -> dict[str, str]:
        """The filters as address parameters (only those in use), with ``changes`` applied."""
        chosen = replace(self, **changes)
        found = {
            # As a reference is written, with STT: the compacted letters alone ("K26S") are read
            # back as letters without STT, refused as a name (found, regression review: the list's
            # own CSV link and page links lost a search for "STT-K").
            "reference": written_reference(chosen.reference) if chosen.reference else "",
            "status": chosen.status or "",
            "assignee": chosen.assignee or "",
            "how_soon": chosen.how_soon or "",
            "flag": chosen.flag or "",
            "overdue": "yes" if chosen.overdue else "",
            "attention": "yes" if chosen.attention else "",
            "received": chosen.received or "",
            "sort": chosen.sort if chosen.sort != DEFAULT_SORT else "",
            "page": str(chosen.page) if chosen.page > 1 else "",
        }
        return {name: value for name, value in found.items() if value}

    @property
    def narrowed(self) -> bool:
        """Whether any filter (not the sort or the page) is in use."""
        return bool(
            self.reference
            or self.status
            or self.assignee
            or self.how_soon
            or self.flag
            or self.overdue
            or self.attention
            or self.received
        )

    def in_words(self, choices: Choices) -> list[str]:
        """Each filter in use, in words, for the list's title ("in triage", "overdue", "assigned to
        Sam Patel"): each list a filter makes has a title of its own, as the status's had (found, a
        site checker's review: "overdue" and "assigned to me" were titled "Requests" as the whole
        list was; WCAG 2.4.2). The sort and the page are not filters (the page has its own words)."""

        def label(options: tuple[tuple[str, str], ...], value: str) -> str:
            return dict(options).get(value, value)

        def lowered(words: str) -> str:
            return words[:1].lower() + words[1:]

        said = []
        if self.reference:
            said.append(f"reference {written_reference(self.reference)}")
        if self.status:
            said.append(lowered(label(choices.statuses, self.status)))
        if self.assignee:
            said.append(
                "not assigned"
                if self.assignee == NOT_ASSIGNED
                else f"assigned to {label(choices.assignees, self.assignee)}"
            )
        if self.how_soon:
            said.append(f"wanted {lowered(label(choices.how_soon, self.how_soon))}")
        if self.flag:
            said.append(lowered(label(choices.flags, self.flag)))
        if self.overdue:
            said.append("overdue")
        if self.attention:
            said.append("needs attention")
        if self.received:
            said.append(f"received in {month_words(self.received)}")
        return said


@dataclass(frozen=True)
class Choices:
    """What each filter may be: (value, label) pairs, as the form offers them."""

    assignees: tuple[tuple[str, str], ...]
    flags: tuple[tuple[str, str], ...]
    statuses: tuple[tuple[str, str], ...] = tuple(workflow.STATUS_LABELS.items())
    how_soon: tuple[tuple[str, str], ...] = tuple(fields.FIELDS_BY_NAME["how_soon"].options.items())
    sorts: tuple[tuple[str, str], ...] = tuple((value, label) for value, (label, _) in SORTS.items())
    # The months requests were received in ("2026-11", "November 2026"), newest first: found (review
    # at scale), a request from a given month could be found only by guessing pages.
    received: tuple[tuple[str, str], ...] = ()

    def received_with(self, chosen: str | None) -> tuple[tuple[str, str], ...]:
        """The months offered, with ``chosen`` (a bookmarked month, say) among them."""
        return with_month(self.received, chosen)

    def values_by_filter(self) -> dict[str, frozenset[str]]:
        """Each filter that is a choice, by its name in the address, with the values it may take."""
        offered = {
            "status": self.statuses,
            "assignee": self.assignees,
            "how_soon": self.how_soon,
            "flag": self.flags,
            "sort": self.sorts,
            "received": self.received,
            "overdue": (("yes", ""),),
            "attention": (("yes", ""),),
        }
        return {name: frozenset(value for value, _label in options) for name, options in offered.items()}


def received_months(oldest: dt.datetime | None, now: dt.datetime | None = None) -> tuple[tuple[str, str], ...]:
    """Each month in the UK from the one ``oldest`` (the first stored request's, naive UTC) was
    received in to this one, newest first, as (``"2026-11"``, ``"November 2026"``); none without
    requests."""
    if oldest is None:
        return ()
    try:
        first = oldest.replace(tzinfo=dt.UTC).astimezone(UK_TIME).date().replace(day=1)
    except (OverflowError, ValueError):  # a stored time at the calendar's edge: the most months offered
        first = dt.date.min
    month = (now or utcnow()).replace(tzinfo=dt.UTC).astimezone(UK_TIME).date().replace(day=1)
    month = max(month, first)  # (a request stored with a time still to come: from its month)
    months: list[tuple[str, str]] = []
    while month >= first and len(months) < MONTHS_OFFERED:
        months.append((f"{month:%Y-%m}", month_words(f"{month:%Y-%m}")))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return tuple(months)


# A month as the "Received in" filter takes it: any month from 2000, offered or not (a bookmarked
# month whose requests have all been deleted lists none, rather than being refused).
MONTH = re.compile(r"(20\d\d)-(0[1-9]|1[0-2])")


def month_words(month: str) -> str:
    """ "2026-11" as "November 2026"."""
    return f"{dt.date.fromisoformat(f'{month}-01'):%B %Y}"


def with_month(offered: tuple[tuple[str, str], ...], chosen: str | None) -> tuple[tuple[str, str], ...]:
    """The months offered, with ``chosen`` among them in its place if it is not (a bookmark's)."""
    if not chosen or chosen in dict(offered):
        return offered
    return tuple(sorted((*offered, (chosen, month_words(chosen))), reverse=True))


# At most this many months offered (requests are kept for RETENTION_DAYS, at most a few years).
MONTHS_OFFERED = 120


def _month_range(month: str) -> tuple[dt.datetime, dt.datetime]:
    """A UK month ("2026-11") as naive UTC times: its first moment and the next month's."""
    start = dt.date.fromisoformat(f"{month}-01")
    after = (start + dt.timedelta(days=32)).replace(day=1)

    def utc(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=UK_TIME).astimezone(dt.UTC).replace(tzinfo=None)

    return utc(start), utc(after)


def list_choices(
    facilitators: Sequence[Facilitator],
    flags: Iterable[tuple[str, str]],
    oldest: dt.datetime | None = None,
    holding: Iterable[int] = (),
) -> Choices:
    """The choices for the filter form: every facilitator account (a deactivated one may still hold
    requests) and any other account that holds some (``holding``: one moved to the partnership role,
    b149 review), each marked if it cannot work on requests now, the rule pack's flags, and the
    months from the first stored request's (``oldest``) to this one."""
    holders = set(holding)
    assignees = (
        (NOT_ASSIGNED, "Not assigned"),
        *(
            (str(f.id), f.display_name + f.assignee_suffix)
            for f in facilitators
            if not f.reads_statistics_only or f.id in holders
        ),
    )
    return Choices(assignees=assignees, flags=tuple(flags), received=received_months(oldest))


# An email address typed in the reference search (found, facilitator review: it got only "Enter a
# reference like ..."). The list's template links the page's name to it.
EMAIL_NOT_REFERENCE = (
    "The search is for a request's reference, not an email address. To find a practitioner's requests by "
    "their work email, use Find a practitioner's requests"
)


def clean_value(raw: object) -> str:
    """A filter value as text: controls and invisible characters removed, space trimmed."""
    return _UNWANTED.sub("", raw).strip() if isinstance(raw, str) else ""


def written_reference(compact: str) -> str:
    """A reference's letters and digits after "STT" (``compact_reference``), as references are
    written: "K26S" → "STT-K26S", "K26S2H" → "STT-K26S-2H"."""
    return f"{PREFIX}-{compact[:4]}" + (f"-{compact[4:]}" if len(compact) > 4 else "")


def compact_reference(text: str) -> str:
    """A typed reference ("stt 7kq4-m9", "7KQ4M9XA") as the letters and digits after "STT"."""
    compact = SEPARATORS.sub("", text).upper()
    return compact[len(PREFIX) :] if compact.startswith(PREFIX) else compact


def reference_problem(reference: str) -> str | None:
    """Why a reference search (compacted: ``compact_reference``) cannot be used, or None."""
    if "@" in reference:
        return EMAIL_NOT_REFERENCE
    if reference and (len(reference) > REFERENCE_LENGTH or any(ch not in ALPHABET for ch in reference)):
        return REFERENCE_NOT_VALID
    return None


# A whole reference's letters and numbers after STT.
REFERENCE_LENGTH = GROUP * GROUPS
REFERENCE_NOT_VALID = (
    "Enter a reference like STT-7KQ4-M9XA: letters and numbers only, without 0, O, 1, I or L. The search was not used"
)


# Letters alone typed without STT in the reference search (``could_be_personal``), not used.
LETTERS_NOT_REFERENCE = (
    "Enter a reference with STT at the start, like STT-7KQ4. Letters alone could be someone's name, so the "
    "search was not used"
)


# A search with a number, typed without STT, that could be a postcode or a name (``could_be_personal``).
NAME_OR_POSTCODE_NOT_REFERENCE = (
    "Enter a reference with STT at the start, like STT-7KQ4. What was typed could be a name or a postcode, so the "
    "search was not used"
)


# Part of a reference (fewer than its 8 letters and numbers), typed without STT (``could_be_personal``).
PART_WITHOUT_STT = (
    "Enter the whole reference, or its start with STT before it, like STT-7KQ4. Part of a reference typed without "
    "STT could be part of a name or a postcode, so the search was not used"
)


# A reference search that could not be used (typed, or in the address): an error on the Reference
# box, not one of the list's other problems.
REFERENCE_PROBLEMS = (
    EMAIL_NOT_REFERENCE,
    REFERENCE_NOT_VALID,
    LETTERS_NOT_REFERENCE,
    NAME_OR_POSTCODE_NOT_REFERENCE,
    PART_WITHOUT_STT,
)
# A whole UK postcode, as compacted ("M5 4WT" → "M54WT", "SE22 8XZ"). The start of some references
# has this shape too ("CQ68UG": 2 to 5 in 100 of the starts of 5 to 7 characters): typed without STT,
# it is not searched for, and the message says to type STT before it, which is always searched for.
# (Told apart only by a space, as a postcode is written, "SE22 8XZ" and "M54WT" went into the address:
# regression review.)
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
# A word written as a name is: a capital, then small letters ("Kate 3", "Amy7"). A reference is typed
# in capitals or in small letters, not so.
NAME_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Z][a-z]+")


def could_be_personal(typed: str) -> str | None:
    """Why a reference search typed without STT at its start is not used, when it could be about a
    person, or None: letters alone ("Kate", "Amy Ward": the start of a reference, or a name typed
    by mistake; ``LETTERS_NOT_REFERENCE``); a whole postcode's shape ("M5 4WT", ``POSTCODE``) or a
    word written as a name with a number ("Kate 3"; ``NAME_OR_POSTCODE_NOT_REFERENCE``); any other
    part of a reference ("kate 3", "SE22": ``PART_WITHOUT_STT``). Found (reviews): each, made of
    letters and numbers a reference may have, went into the list's address, the browser's history
    and the next page's Referer, as a search for a reference starting so; telling a name or a
    postcode from the start of a reference by its shape let some through each time ("kate 3" in
    small letters, an outward code alone), so without STT only a whole reference is searched for,
    and not one of letters alone (1 reference in 10), which a name may be ("mary-jane", "KATE-WARD":
    found, regression review, when one written with its dash was searched for).
    Such a search is kept out of the address (``app.inbox.views.send_list_form``) and not used, nor
    in an address (``read_filters``: the list and its CSV export). Typed with STT, any start of a
    reference is used."""
    compact = SEPARATORS.sub("", typed).upper()
    # Typed with STT only where the text starts so: "St Theresa" run together does too (found, regression
    # review: searched for as STT-HERE-SA, a saint's or a school's name put into the address).
    if not compact or typed.strip().upper().startswith(PREFIX):
        return None
    if not any(ch.isdigit() for ch in compact):
        return LETTERS_NOT_REFERENCE
    if POSTCODE.fullmatch(compact) or NAME_WORD.search(typed):
        return NAME_OR_POSTCODE_NOT_REFERENCE
    if len(compact) < REFERENCE_LENGTH:
        return PART_WITHOUT_STT
    return None


def read_filters(args: Mapping[str, Any], choices: Choices) -> tuple[Filters, list[str]]:
    """The filters in the address, and a message for each value that was not used."""
    problems: list[str] = []

    def value(name: str) -> str:
        text = clean_value(args.get(name))
        if len(text) > MAX_VALUE_LENGTH:
            problems.append(f"The {name.replace('_', ' ')} filter was too long, so it was not used")
            return ""
        return text

    def one_of(name: str, offered: Sequence[tuple[str, str]], what: str) -> str | None:
        chosen = value(name)
        if chosen and chosen not in {option for option, _ in offered}:
            problems.append(f"There is no {what} called “{chosen[:40]}”, so that filter was not used")
            return None
        return chosen or None

    typed = value("reference")
    reference = compact_reference(typed)
    problem = reference_problem(reference)
    if problem is None:
        # As the list's form does: found (review), a name in an address typed or bookmarked
        # ("/inbox?reference=Kate") was searched for, and went into a CSV export's audit entry.
        problem = could_be_personal(typed)
    if problem is not None:
        problems.append(problem)
        reference = ""
    overdue = value("overdue")
    if overdue not in ("", "yes"):
        problems.append("The overdue filter can only be yes, so it was not used")
    attention = value("attention")
    if attention not in ("", "yes"):
        problems.append("The “needs attention” filter can only be yes, so it was not used")
    received = value("received") or None
    if received is not None and not MONTH.fullmatch(received):
        problems.append("The month received must be written like 2026-11, so that filter was not used")
        received = None
    sort = value("sort") or DEFAULT_SORT
    if sort not in SORTS:
        problems.append("That sort order is not one of the choices, so the list is newest first")
        sort = DEFAULT_SORT
    page_text = value("page") or "1"
    # A number too long to be a page (found: "page=99999999999999999999" was said not to be a
    # whole number) is past the last page, which is shown, as for any page past it.
    digits = page_text.lstrip("0") if page_text.isascii() and page_text.isdigit() else ""
    page = int(digits) if 0 < len(digits) < 7 else PAST_EVERY_PAGE if digits else 0
    if page < 1:
        problems.append("The page number must be a whole number from 1, so the first page is shown")
        page = 1
    filters = Filters(
        reference=reference,
        status=one_of("status", choices.statuses, "status"),
        assignee=one_of("assignee", choices.assignees, "facilitator"),
        how_soon=one_of("how_soon", choices.how_soon, "“how soon” choice"),
        flag=one_of("flag", choices.flags, "flag"),
        overdue=overdue == "yes",
        attention=attention == "yes",
        received=received,
        sort=sort,
        page=page,
    )
    return filters, problems


@dataclass(frozen=True)
class ListRow:
    """One line of the inbox list (and of the CSV)."""

    reference: str
    created_at: dt.datetime
    how_soon: str | None
    due_on: dt.date | None
    overdue: bool
    status: str
    assigned_to: str | None
    mode: str
    criteria: tuple[str, ...]  # the criteria's labels, in one wording whatever the mode (``_criteria``)
    flags: tuple[str, ...]  # the flags' labels
    job_role: str  # the practitioner's own role and agency, as they typed them (not in the CSV)
    agency: str
    redirected_to: str | None
    duplicate_of: str | None
    pdf_state: str  # "made", "waiting" (the worker has not made it yet) or "failed" (it tried and will again)
    # An email about it has not gone out and the service has stopped trying, or it will go on being
    # refused until something is changed: a facilitator must act (the list says "Needs attention").
    emails_stuck: bool = False
    # Else, whether an email tried and not gone out will be tried again (nothing to do yet: found,
    # facilitator review, "Needs attention" showed after the first failed try), and the soonest it
    # will be (UTC); None when one is due now, with no time set for its next try.
    emails_retrying: bool = False
    emails_retry_at: dt.datetime | None = None
    emails_retry_words: str = ""  # (``retry_words``)


def pdf_state(made_at: dt.datetime | None, error: str | None) -> str:
    """Where a request's PDF stands, for the inbox: "made", "waiting" or "failed"."""
    if made_at is not None:
        return "made"
    return "failed" if error else "waiting"


@dataclass(frozen=True)
class ListPage:
    """A page of the list, the filters that made it and the counts above it."""

    rows: tuple[ListRow, ...]
    page: int
    pages: int
    total: int
    filters: Filters
    counts: dict[str, int] = field(default_factory=dict)  # requests per status, all of them
    overdue: int = 0  # overdue requests, all of them
    attention: int = 0  # requests with an email that needs a facilitator (``emails_stuck``), all of them

    @property
    def page_links(self) -> list[int | None]:
        """The page numbers the list links to, None where an ellipsis stands for pages left out:
        the first and last pages, this one and those either side (GOV.UK's pagination). Found
        (review at scale): a year of requests gave 61 page links, 61 stops for a keyboard to
        pass before "Next". An ellipsis never stands for a single page: that page is shown."""
        wanted = {1, self.pages, *range(self.page - 1, self.page + 2)}
        shown = sorted(number for number in wanted if 1 <= number <= self.pages)
        links: list[int | None] = []
        for number in shown:
            if links and number - (links[-1] or 0) == 2:
                links.append(number - 1)
            elif links and number - (links[-1] or 0) > 2:
                links.append(None)
            links.append(number)
        return links


def _conditions(filters: Filters, today: dt.date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.reference:
        # Only reference letters and digits reach here, so LIKE's wildcards cannot.
        conditions.append(func.replace(StoredRequest.reference, "-", "").like(f"{PREFIX}{filters.reference}%"))
    if filters.status:
        conditions.append(StoredRequest.status == filters.status)
    if filters.assignee == NOT_ASSIGNED:
        conditions.append(Assignment.facilitator_id.is_(None))
    elif filters.assignee:
        conditions.append(Assignment.facilitator_id == int(filters.assignee))
    if filters.how_soon:
        conditions.append(StoredRequest.how_soon == filters.how_soon)
    if filters.flag:
        conditions.append(StoredRequest.flag_ids.like(f"%,{filters.flag},%"))
    if filters.overdue:
        conditions.append(overdue_condition(today))
    if filters.attention:
        conditions.append(emails_stuck_condition())
    if filters.received:
        start, after = _month_range(filters.received)
        conditions.append(and_(StoredRequest.created_at >= start, StoredRequest.created_at < after))
    return conditions


def overdue_condition(today: dt.date) -> ColumnElement[bool]:
    """SQL for ``workflow.is_overdue``: waiting for a session, and due before today."""
    return StoredRequest.status.in_(workflow.AWAITING_SESSION) & (StoredRequest.due_on < today)


def _order(sort: str) -> list[Any]:
    newest: list[Any] = [StoredRequest.created_at.desc(), StoredRequest.id.desc()]
    oldest: list[Any] = [StoredRequest.created_at, StoredRequest.id]
    # Those with nothing due now (finished: "Nothing due now" listed first when sorted by due date,
    # found in a regression review) last, and before them those with no due date; in each group, the
    # same order (False sorts before True on every database).
    no_due_last = StoredRequest.due_on.is_(None)
    finished_last = StoredRequest.status.in_(workflow.NOTHING_DUE)
    orders: dict[str, list[Any]] = {
        "received_newest": newest,
        "received_oldest": oldest,
        "due_soonest": [finished_last, no_due_last, StoredRequest.due_on, *oldest],
        "due_latest": [finished_last, no_due_last, StoredRequest.due_on.desc(), *newest],
    }
    return orders[sort]


def _labels(items: object) -> tuple[str, ...]:
    """The labels of a stored list of {value/id, label} mappings (anything else is skipped)."""
    if not isinstance(items, list):
        return ()
    return tuple(str(item.get("label")) for item in items if isinstance(item, dict) and item.get("label"))


def _criteria_wording() -> dict[str, str]:
    """Each criterion's one wording in the list and its CSV, whichever mode its request was sent
    in: the rule pack's words about the practitioner ("The practitioner feels stuck..."), so a
    criterion reads the same on every line (found: a request sent in supervision said "The
    practitioner feels stuck", one sent by a practitioner "I feel stuck"). Made once per list."""
    pack = current_pack()
    question = pack.question(pack.roles.criteria_question)
    return {option.value: option.label.for_mode("supervision") for option in (question.options if question else ())}


def _criteria(items: object, wording: Mapping[str, str]) -> tuple[str, ...]:
    """The criteria chosen, in ``wording``; one the pack no longer has keeps the words it was sent with."""
    if not isinstance(items, list):
        return ()
    return tuple(
        str(wording.get(str(item.get("value")), item.get("label")))
        for item in items
        if isinstance(item, dict) and item.get("label")
    )


# Statuses with nothing left to do: an email given up on no longer needs attention in the list.
FINISHED_STATUSES = ("closed", "redirected", "duplicate")


# Stands for no time set for an email's next try, which makes it due now (an email tried before the
# worker recorded when to try again): earlier than any time set, so the soonest is found with one
# ``min``. Found: such an email, tried and not gone out, showed nothing in the list.
RETRY_DUE_NOW = dt.datetime(1970, 1, 1)
# How long past its time an email's next try may still be waiting for the outbox worker's next pass
# (a pass can be long: PDFs, a slow mail server) before the inbox says the try has not happened.
RETRY_OVERDUE_AFTER = dt.timedelta(minutes=15)


def retry_words(
    next_attempt_at: dt.datetime | None, now: dt.datetime | None = None, last_attempt_at: dt.datetime | None = None
) -> str:
    """What the service will do about an email it is still trying, after "the service ": when it
    tries next; "is due to try again now" with no time set; "is trying again now" while a try is
    under way (``last_attempt_at`` given: begun, not ended, within as long as a send may take; found,
    regression review: it said it would try again after a time already passed); and, once that time
    is well past (the worker stopped, say: found, it still said "will try again after 10:05" at
    midday), that the try has not happened and who to tell."""
    now = now or utcnow()
    if (
        last_attempt_at is not None
        and (next_attempt_at is None or next_attempt_at <= last_attempt_at)
        and now - last_attempt_at < attempt_may_last()
    ):
        return "is trying again now"
    if next_attempt_at is None or next_attempt_at == RETRY_DUE_NOW:
        return "is due to try again now"
    if next_attempt_at + RETRY_OVERDUE_AFTER < now:
        return (
            f"was due to try again at {uk_time(next_attempt_at)} and has not: tell whoever runs the service, "
            "as the part of it that sends emails may have stopped"
        )
    return f"will try again after {uk_time(next_attempt_at)}"


def emails_stuck_condition() -> ColumnElement[bool]:
    """SQL: an email about the request has not gone out and needs a facilitator: the list's
    "Needs attention" tag, its count and its filter (found, review at scale: with 300 requests the
    tag was on page 3 of 6, and nothing brought it forward)."""
    return exists().where(
        OutboxMessage.request_id == StoredRequest.id,
        OutboxMessage.sent_at.is_(None),
        # Given up on (tried, or too late to try), or refused until something is changed.
        or_(
            OutboxMessage.given_up_at.is_not(None),
            and_(OutboxMessage.attempts > 0, OutboxMessage.last_error.startswith(UNTIL_MENDED)),
        ),
        # An invitation or reminder given up as too late needs attention only while the
        # session is arranged (the practitioner may still need telling), not once it is held.
        or_(
            func.coalesce(OutboxMessage.last_error, "").not_like("Too late:%"),
            StoredRequest.status == "session_arranged",
        ),
        # Nor one given up because its session was cancelled, or its request taken out of
        # it, before it went: no one needs telling (the request may be in another session).
        func.coalesce(OutboxMessage.last_error, "").not_in(GIVEN_UP_AS_MEANT),
        # An email given up on needs attention while the request is being worked: not once
        # it is closed, redirected or a duplicate (there is nothing left to do, and nothing
        # else could clear the tag). The request page still says what happened to it. But the
        # email telling the practitioner where to go instead, sent only once the request is
        # redirected, needs it until a facilitator has opened the request's page since (found,
        # regression review: refused, it was never flagged, and the practitioner went on waiting).
        or_(
            OutboxMessage.given_up_at.is_(None),
            StoredRequest.status.not_in(FINISHED_STATUSES),
            and_(OutboxMessage.kind == REDIRECTED, ~_seen_since_given_up()),
        ),
    )


def _seen_since_given_up() -> ColumnElement[bool]:
    """SQL: a facilitator has opened the request's page since its email was given up on. Inside
    ``emails_stuck_condition``'s, the request and the email are the outer queries' (found, review
    at scale: left to SQLAlchemy, the request was a table of its own in here, so a view of any
    request cleared every request's "Needs attention")."""
    return (
        exists()
        .where(
            AuditEvent.reference == StoredRequest.reference,
            AuditEvent.action == "viewed",
            AuditEvent.detail == "inbox",
            AuditEvent.at >= OutboxMessage.given_up_at,
        )
        .correlate_except(AuditEvent)
    )


def seen_since(reference: str, when: dt.datetime) -> bool:
    """Whether a facilitator has opened the request's page since ``when``."""
    found = db.session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.reference == reference,
            AuditEvent.action == "viewed",
            AuditEvent.detail == "inbox",
            AuditEvent.at >= when,
        )
        .limit(1)
    )
    return found is not None


def _query(filters: Filters, today: dt.date) -> Any:
    return (
        select(
            StoredRequest.reference,
            StoredRequest.created_at,
            StoredRequest.how_soon,
            StoredRequest.due_on,
            StoredRequest.status,
            Facilitator.display_name,
            Facilitator.active.label("assignee_active"),
            Facilitator.role.label("assignee_role"),
            StoredRequest.mode,
            StoredRequest.details,
            StoredRequest.flags,
            StoredRequest.redirected_to,
            StoredRequest.duplicate_of,
            StoredRequest.pdf_made_at,
            StoredRequest.pdf_error,
            emails_stuck_condition().label("emails_stuck"),
            select(func.min(func.coalesce(OutboxMessage.next_attempt_at, RETRY_DUE_NOW)))
            .where(
                OutboxMessage.request_id == StoredRequest.id,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.given_up_at.is_(None),
                OutboxMessage.attempts > 0,
                func.coalesce(OutboxMessage.last_error, "").not_like(f"{UNTIL_MENDED}%"),
            )
            .scalar_subquery()
            .label("emails_retry_at"),
        )
        .outerjoin(Assignment, Assignment.request_id == StoredRequest.id)
        .outerjoin(Facilitator, Facilitator.id == Assignment.facilitator_id)
        .where(*_conditions(filters, today))
        .order_by(*_order(filters.sort))
    )


def _row(row: Any, today: dt.date, wording: Mapping[str, str]) -> ListRow:
    details = row.details if isinstance(row.details, dict) else {}
    return ListRow(
        reference=row.reference,
        created_at=row.created_at,
        how_soon=row.how_soon,
        due_on=row.due_on,
        overdue=workflow.is_overdue(row.status, row.due_on, today),
        status=row.status,
        # An assignee who cannot work on it now (account closed, or moved to the partnership role) is
        # said so, as on the request page: the request is no one's now.
        assigned_to=None
        if row.display_name is None
        else row.display_name + assignee_suffix(row.assignee_active, row.assignee_role),
        mode=row.mode,
        criteria=_criteria(details.get("criteria"), wording),
        flags=_labels(row.flags),
        job_role=str(details.get("job_role") or ""),
        agency=str(details.get("agency") or ""),
        redirected_to=row.redirected_to,
        duplicate_of=row.duplicate_of,
        pdf_state=pdf_state(row.pdf_made_at, row.pdf_error),
        emails_stuck=bool(row.emails_stuck),
        emails_retrying=row.emails_retry_at is not None,
        emails_retry_at=None if row.emails_retry_at == RETRY_DUE_NOW else row.emails_retry_at,
        emails_retry_words=retry_words(row.emails_retry_at) if row.emails_retry_at is not None else "",
    )


def status_counts(today: dt.date) -> tuple[dict[str, int], int, int]:
    """How many requests have each status (every status, 0 included), how many are overdue, and
    how many have an email that needs a facilitator (``emails_stuck_condition``)."""
    # One query for them all (every list page asks).
    late = func.sum(case((overdue_condition(today), 1), else_=0))
    stuck = func.sum(case((emails_stuck_condition(), 1), else_=0))
    found = db.session.execute(
        select(StoredRequest.status, func.count(), late, stuck).group_by(StoredRequest.status)
    ).all()
    by_status = {status: int(count) for status, count, _late, _stuck in found}
    counts = {status: by_status.get(status, 0) for status in workflow.STATUSES}
    overdue = sum(int(late_ones or 0) for _status, _count, late_ones, _stuck in found)
    return counts, overdue, sum(int(stuck_ones or 0) for _status, _count, _late, stuck_ones in found)


def list_page(filters: Filters, today: dt.date) -> ListPage:
    """The page of requests the filters ask for, ``PAGE_SIZE`` to a page, with the counts."""
    conditions = _conditions(filters, today)
    total = int(
        db.session.scalar(
            select(func.count())
            .select_from(StoredRequest)
            .outerjoin(Assignment, Assignment.request_id == StoredRequest.id)
            .where(*conditions)
        )
        or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    query = _query(filters, today).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    wording = _criteria_wording()
    rows = tuple(_row(row, today, wording) for row in db.session.execute(query))
    counts, overdue, attention = status_counts(today)
    return ListPage(rows, page, pages, total, replace(filters, page=page), counts, overdue, attention)


def all_rows(filters: Filters, today: dt.date) -> list[ListRow]:
    """Every request the filters ask for (no paging), in the list's order: for the CSV."""
    wording = _criteria_wording()
    return [_row(row, today, wording) for row in db.session.execute(_query(filters, today))]


# --- CSV --------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "Reference",
    "Received",
    "How soon",
    "Due date",
    "Overdue",
    "Needs attention",  # an email has not gone out and needs a facilitator (regression review)
    "Status",
    "Assigned to",
    "Completed by",
    "Criteria",
    "Flags",
    "Redirected to",
    "Duplicate of",
)


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula: one starting with =, +, -, @, tab or
    carriage return gets a leading apostrophe (OWASP's advice for CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


# The due date of a request with nothing due (held, closed, redirected, a duplicate), as the list words it.
NOTHING_DUE_NOW = "Nothing due now"


def csv_text(rows: Iterable[ListRow], outcome_titles: Mapping[str, str]) -> str:
    """The rows as CSV: the list's fields, but nothing anyone typed (no role, agency, notes or
    reasons): references, dates, choices and labels from the rule pack, and facilitators' names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    row.reference,
                    uk_day(row.created_at).isoformat(),
                    fields.option_label("how_soon", row.how_soon) or "Not given",
                    # As the list says it (found, facilitators' guide review: a duplicate's due date).
                    NOTHING_DUE_NOW
                    if row.status in workflow.NOTHING_DUE
                    else row.due_on.isoformat()
                    if row.due_on
                    else "",
                    "Yes" if row.overdue else "No",
                    "Yes" if row.emails_stuck else "No",
                    workflow.STATUS_LABELS.get(row.status, row.status),
                    row.assigned_to or "Not assigned",
                    MODE_LABELS.get(row.mode, row.mode),  # as the request's "Completed by" row words it
                    "; ".join(row.criteria),
                    "; ".join(row.flags),
                    outcome_titles.get(row.redirected_to, row.redirected_to) if row.redirected_to else "",
                    row.duplicate_of or "",
                )
            ]
        )
    return buffer.getvalue()


def record_export(filters: Filters, references: Sequence[str], actor: str) -> None:
    """Audit a CSV export: one event for the export (how many requests, which filters: the
    facilitator's choices only), and one in each exported request's own trail, since the file
    takes its details out of the service."""
    count = len(references)
    used = ", ".join(f"{name}={value}" for name, value in filters.args().items() if name != "page") or "none"
    summary = f"CSV of {count} request{'' if count == 1 else 's'}"
    if references:  # one insert, as for the list (volume review: one by one, about 2 s for 4,500 requests)
        now = utcnow()
        db.session.execute(
            insert(AuditEvent),
            [
                {"at": now, "actor": actor, "action": "exported", "reference": ref, "detail": summary}
                for ref in references
            ],
        )
    audit.record_event("exported", None, actor, f"{summary}; filters: {used}")


def record_listing(references: Sequence[str], actor: str, now: dt.datetime | None = None) -> None:
    """Audit a page of the list in each listed request's own trail, since the list shows what the
    requester typed (job role, agency) beside the reference: once a day for each facilitator and
    request (the first showing each UK day), so going back and forth between the list and the
    requests does not fill every trail (``audit.record_once_a_day``)."""
    audit.record_once_a_day("listed", references, actor, "inbox list", now)


def select_items(options: Iterable[tuple[str, str]], chosen: str | None, any_label: str) -> list[dict[str, Any]]:
    """Items for a GOV.UK select: "any" first (chosen when nothing is), then each option."""
    return [
        {"value": "", "text": any_label, "selected": not chosen},
        *({"value": value, "text": label, "selected": value == chosen} for value, label in options),
    ]


__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_SORT",
    "NOT_ASSIGNED",
    "PAGE_SIZE",
    "SORTS",
    "Choices",
    "Filters",
    "ListPage",
    "ListRow",
    "all_rows",
    "clean_value",
    "compact_reference",
    "could_be_personal",
    "csv_text",
    "list_choices",
    "list_page",
    "overdue_condition",
    "read_filters",
    "record_export",
    "reference_problem",
    "safe_cell",
    "select_items",
    "status_counts",
]
