"""The request's fields: pages, options, limits and validation, in one pure module.

The forms (``forms.py``) and the submission service (``service.py``) both validate through
``check_page`` here, so what a page accepts and what the server accepts at submission can
never drift apart. Error messages follow the GOV.UK Design System's wording.

``details`` (what ``session["request_details"]`` holds) is a flat mapping of field name to
the text the person typed or the option value they chose.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..email_address import is_email_address
from .guard import BIDI_CONTROLS, KINDS, Kind, has_visible_text

# Options: value -> label. Values are what is stored; labels are shown.
YES_NO = {"yes": "Yes", "no": "No"}
AGE_BANDS = {
    "unborn": "Unborn",
    "0_4": "0 to 4",
    "5_10": "5 to 10",
    "11_15": "11 to 15",
    "16_17": "16 to 17",
    "18_25": "18 to 25 (a care leaver, or with special educational needs and disabilities (SEND))",
}
SUPPORT_LEVELS = {
    "none": "None",
    "early_help": "Early help or Team Around the Family",
    "child_in_need": "Child in Need",
    "child_protection": "Child Protection",
    "looked_after": "Looked after",
    "not_known": "Not known",
}
FAMILY_KNOWS = {"yes": "Yes", "no": "No", "not_yet": "Not yet"}
HOW_SOON = {
    "two_weeks": "Within 2 weeks",
    "month": "Within a month",
    "flexible": "I'm flexible",
}
FORMATS = {
    "in_person": "In person",
    "online": "Online",
    "either": "Either",
}

# Free text the guard reads, and which kinds it looks for there. Availability may well hold
# dates (of meetings, not of a child), so dates are not flagged in it.
GUARDED_TEXT: dict[str, tuple[Kind, ...]] = {
    "reflection": KINDS,
    "lead_professional": KINDS,
    "other_agencies": KINDS,
    "family_knows_reason": KINDS,
    "availability": tuple(k for k in KINDS if k not in ("date", "date_of_birth")),
    "access_needs": KINDS,
}

REFLECTION_MAX = 1500
SHORT_MAX = 120
LONG_MAX = 500
EARLIEST_EVENT_YEAR = 1950

_PHONE_CHARS = re.compile(r"[\s\-().]")
# ASCII digits only: "\d" would also match other scripts' digits (such as Arabic-Indic).
_UK_PHONE = re.compile(r"^(?:\+44|0044|0)[0-9]{9,10}$")
_INTERNATIONAL_PHONE = re.compile(r"^(?:\+|00)[1-9][0-9]{7,14}$")

Errors = dict[str, str]


def clean_text(value: Any) -> str:
    """Text as stored: Windows line endings made plain, bidirectional controls removed,
    outer space removed; "" if nothing visible is left (only zero-width characters, say)."""
    if not isinstance(value, str):
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(BIDI_CONTROLS).strip()
    return text if has_visible_text(text) else ""


@dataclass(frozen=True)
class Page:
    """One page of the request: its address, its fields, and when it is asked."""

    slug: str
    endpoint: str
    title: str
    fields: tuple[str, ...]
    check: Callable[[Mapping[str, Any], dt.date], Errors]
    needs_event_date: bool = False

    def applies(self, criteria: tuple[str, ...]) -> bool:
        """Whether this page is asked, given the criteria chosen in the journey."""
        return not self.needs_event_date or "debrief" in criteria


def _required_text(details: Mapping[str, Any], name: str, missing: str, too_long: str,
                   limit: int, errors: Errors) -> str:
    text = clean_text(details.get(name))
    if not text:
        errors[name] = missing
    elif len(text) > limit:
        errors[name] = too_long
    return text


def _optional_text(details: Mapping[str, Any], name: str, too_long: str, limit: int, errors: Errors) -> str:
    text = clean_text(details.get(name))
    if len(text) > limit:
        errors[name] = too_long
    return text


def _choice(details: Mapping[str, Any], name: str, options: Mapping[str, str], missing: str | None,
            errors: Errors) -> None:
    value = details.get(name)
    if value in (None, ""):
        if missing:
            errors[name] = missing
    elif value not in options:  # a tampered form: ask again rather than store it
        errors[name] = missing or "Select one of the options"


def valid_email(text: str) -> bool:
    """An email address in the correct format (one @, a domain with a dot, no spaces, and
    no invisible or control characters)."""
    return is_email_address(text)


def valid_phone(text: str) -> bool:
    """A UK telephone number, or an international one starting with + or 00."""
    compact = _PHONE_CHARS.sub("", text)
    return bool(_UK_PHONE.match(compact) or _INTERNATIONAL_PHONE.match(compact))


def check_about_you(details: Mapping[str, Any], today: dt.date) -> Errors:
    """The professional's own name, role, agency and work contact details."""
    errors: Errors = {}
    _required_text(details, "name", "Enter a full name", f"Full name must be {SHORT_MAX} characters or less",
                   SHORT_MAX, errors)
    _required_text(details, "job_role", "Enter a job role",
                   f"Job role must be {SHORT_MAX} characters or less", SHORT_MAX, errors)
    _required_text(details, "agency", "Enter an agency or team",
                   f"Agency or team must be {SHORT_MAX} characters or less", SHORT_MAX, errors)
    email = _required_text(details, "email", "Enter a work email address",
                           "Work email address must be 254 characters or less", 254, errors)
    if email and "email" not in errors and not valid_email(email):
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    phone = _required_text(details, "phone", "Enter a work telephone number",
                           "Work telephone number must be 30 characters or less", 30, errors)
    if phone and "phone" not in errors and not valid_phone(phone):
        errors["phone"] = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
    return errors


def check_manager(details: Mapping[str, Any], today: dt.date) -> Errors:
    """Whether their manager or safeguarding lead knows they are asking."""
    errors: Errors = {}
    _choice(details, "manager_knows", YES_NO,
            "Select yes if the manager or safeguarding lead knows about this request", errors)
    return errors


def check_reflection(details: Mapping[str, Any], today: dt.date) -> Errors:
    """What they would like to reflect on (required, up to 1,500 characters)."""
    errors: Errors = {}
    _required_text(details, "reflection", "Enter what you would like to reflect on",
                   f"What you would like to reflect on must be {REFLECTION_MAX:,} characters or less",
                   REFLECTION_MAX, errors)
    return errors


def check_child_family(details: Mapping[str, Any], today: dt.date) -> Errors:
    """The child and family in bands, all optional."""
    errors: Errors = {}
    _choice(details, "age_band", AGE_BANDS, None, errors)
    _choice(details, "support_level", SUPPORT_LEVELS, None, errors)
    _optional_text(details, "lead_professional",
                   f"The lead professional's agency or role must be {SHORT_MAX} characters or less", SHORT_MAX, errors)
    _optional_text(details, "other_agencies",
                   f"Other agencies or roles must be {LONG_MAX} characters or less", LONG_MAX, errors)
    return errors


def check_family(details: Mapping[str, Any], today: dt.date) -> Errors:
    """Whether the family knows (with a reason when "not yet")."""
    errors: Errors = {}
    _choice(details, "family_knows", FAMILY_KNOWS,
            "Select whether the family knows about this request for reflective support", errors)
    if details.get("family_knows") == "not_yet":
        _required_text(details, "family_knows_reason", "Enter why the family does not know yet",
                       f"Why the family does not know yet must be {LONG_MAX} characters or less", LONG_MAX, errors)
    return errors


def event_month(details: Mapping[str, Any]) -> tuple[int, int] | None:
    """The event's (year, month) if both parts are whole numbers, else None."""
    month, year = clean_text(details.get("event_month")), clean_text(details.get("event_year"))
    if not (month.isascii() and month.isdigit() and year.isascii() and year.isdigit()):
        return None
    return int(year), int(month)


def check_event(details: Mapping[str, Any], today: dt.date) -> Errors:
    """Roughly when the significant event was: month and year, no day, not in the future."""
    errors: Errors = {}
    month, year = clean_text(details.get("event_month")), clean_text(details.get("event_year"))
    if not month and not year:
        errors["event_month"] = "Enter the month and year of the significant event"
    elif not month:
        errors["event_month"] = "The date of the significant event must include a month"
    elif not year:
        errors["event_year"] = "The date of the significant event must include a year"
    else:
        parsed = event_month(details)
        if parsed is None or not 1 <= parsed[1] <= 12:
            errors["event_month"] = "The date of the significant event must be a real date"
        elif len(year) != 4:
            errors["event_year"] = "Year must include 4 numbers"
        elif parsed[0] < EARLIEST_EVENT_YEAR:
            errors["event_year"] = "The date of the significant event must be a real date"
        elif parsed > (today.year, today.month):
            errors["event_month"] = "The date of the significant event must be this month or in the past"
    return errors


def check_how_soon(details: Mapping[str, Any], today: dt.date) -> Errors:
    """How soon they would like a session."""
    errors: Errors = {}
    _choice(details, "how_soon", HOW_SOON, "Select how soon a session is needed", errors)
    return errors


def check_preferences(details: Mapping[str, Any], today: dt.date) -> Errors:
    """Format, availability and access needs, all optional."""
    errors: Errors = {}
    _choice(details, "format", FORMATS, None, errors)
    _optional_text(details, "availability", f"Availability must be {LONG_MAX} characters or less", LONG_MAX, errors)
    _optional_text(details, "access_needs", f"Access needs must be {LONG_MAX} characters or less", LONG_MAX, errors)
    return errors


PAGES: tuple[Page, ...] = (
    Page("about-you", "requests.about_you", "About you",
         ("name", "job_role", "agency", "email", "phone"), check_about_you),
    Page("manager", "requests.manager", "Your manager or safeguarding lead", ("manager_knows",), check_manager),
    Page("reflection", "requests.reflection", "What you would like to reflect on", ("reflection",), check_reflection),
    Page("child-and-family", "requests.child_family", "About the child and family",
         ("age_band", "support_level", "lead_professional", "other_agencies"), check_child_family),
    Page("family", "requests.family", "Whether the family knows",
         ("family_knows", "family_knows_reason"), check_family),
    Page("significant-event", "requests.event", "When the significant event was",
         ("event_month", "event_year"), check_event, needs_event_date=True),
    Page("how-soon", "requests.how_soon", "How soon", ("how_soon",), check_how_soon),
    Page("preferences", "requests.preferences", "Your preferences",
         ("format", "availability", "access_needs"), check_preferences),
)
PAGES_BY_SLUG = {page.slug: page for page in PAGES}
ALL_FIELDS: tuple[str, ...] = tuple(name for page in PAGES for name in page.fields)


def pages_for(criteria: tuple[str, ...]) -> tuple[Page, ...]:
    """The pages asked for a journey with these criteria, in order."""
    return tuple(page for page in PAGES if page.applies(criteria))


def check_details(details: Mapping[str, Any], criteria: tuple[str, ...], today: dt.date
                  ) -> dict[str, Errors]:
    """Every page's errors (only pages with errors), in page order."""
    problems: dict[str, Errors] = {}
    for page in pages_for(criteria):
        errors = page.check(details, today)
        if errors:
            problems[page.slug] = errors
    return problems


def page_values(details: Mapping[str, Any], page: Page) -> dict[str, str]:
    """The values a page holds (strings), for the session."""
    return {name: details[name] for name in page.fields if isinstance(details.get(name), str)}


def clean_details(details: Mapping[str, Any], criteria: tuple[str, ...]) -> dict[str, Any]:
    """The details as stored with the request: cleaned text, no fields of pages not asked,
    no reason unless "not yet", and the event as "YYYY-MM". Call after ``check_details``."""
    cleaned: dict[str, Any] = {}
    for page in pages_for(criteria):
        for name in page.fields:
            if name in ("event_month", "event_year"):
                continue
            cleaned[name] = clean_text(details.get(name))
    if cleaned.get("family_knows") != "not_yet":
        cleaned["family_knows_reason"] = ""
    parsed = event_month(details) if "debrief" in criteria else None
    cleaned["event_month"] = f"{parsed[0]:04d}-{parsed[1]:02d}" if parsed else ""
    return cleaned


def label(options: Mapping[str, str], value: Any) -> str:
    """The label for a stored option value ("" when not answered)."""
    return options.get(value, "") if isinstance(value, str) else ""


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


def event_label(value: str) -> str:
    """"2024-03" as "March 2024"."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return f"{MONTH_NAMES[month - 1]} {year}"
    except (ValueError, IndexError):
        return ""
