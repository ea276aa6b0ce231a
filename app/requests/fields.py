"""The request's fields, each described once: the ``FIELDS`` table, and the pages that ask them.

Everything about a field comes from its one ``Field`` entry: its form (``forms.py``), its
place on the page (``templates/requests/_page.html`` loops over the page's fields), its
checks (here, shared by the forms, the submission service and the import of a request PDF),
its row on check your answers and in the request (HTML and PDF, ``document.py``), its key in
the JSON inside the PDF, and whether the identifying-data guard reads it. Adding a field is
one entry in ``FIELDS`` (plus a migration only if it gets a column of its own).

Wording follows the GOV.UK Design System. ``Words`` holds a field's wording for the
practitioner's own request ("myself") and, where it differs, for one made in supervision.

``details`` (what ``session["request_details"]`` holds) is a flat mapping of input name to
the text the person typed or the option value they chose.

The answers of a question that names local services (``local_options``, such as the current
level of support: early help, a child protection plan) are the partnership's, in its file's
``request_options`` (app/rules/partnership.yaml): ``Field.choices`` reads them from the
partnership the current app loaded. Their ids are what is stored, so the words can change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import MappingProxyType
from typing import Any, Literal

from .. import months
from ..email_address import EMAIL_MAX, is_email_address
from ..input_guard import text_length, without_invisible
from ..months import month_number
from ..pack import current_partnership
from ..rules.partnership import REQUEST_OPTION_FIELDS
from .guard import BIDI_CONTROLS, KINDS, Kind, has_visible_text, plain_letters

FieldKind = Literal["text", "email", "phone", "textarea", "character_count", "radios", "month_year"]
TEXT_KINDS: tuple[FieldKind, ...] = ("text", "email", "phone", "textarea", "character_count")
LONG_TEXT_KINDS: tuple[FieldKind, ...] = ("textarea", "character_count")
# Typed in words, so read by the identifying-data check (an email address or phone number is
# checked for its own form instead).
FREE_TEXT_KINDS: tuple[FieldKind, ...] = ("text", *LONG_TEXT_KINDS)
# What is typed rather than chosen: given back to copy when a page's form cannot be saved, or its
# time runs out (a month and year too: found, review of a session timing out on the event's page).
TYPED_KINDS: tuple[FieldKind, ...] = (*TEXT_KINDS, "month_year")
# The error wording each kind of field needs ("missing" is optional: without it the field is optional).
ERROR_KEYS: dict[FieldKind, tuple[str, ...]] = {
    "text": ("too_long",),
    "textarea": ("too_long",),
    "character_count": ("too_long",),
    "email": ("too_long", "invalid", "two_addresses", "accented"),
    "phone": ("too_long", "invalid", "two_numbers"),
    "radios": (),
    "month_year": (
        "missing",
        "no_month",
        "no_year",
        "whole_date",
        "in_one_box",
        "month_words",
        "not_real",
        "year_digits",
        "too_early",
        "future",
    ),
}
# An optional radio with a value it does not offer: a tampered form, or an answer saved before the
# partnership stopped offering it (found, regression reviews: "Select one of the options" alone did
# not say why a question left optional was refused, nor which question, nor that none may be chosen).
NOT_AN_OPTION = (
    "The answer given for {what} is not one of its answers now (it may no longer be offered): select one of "
    "those shown, or leave it unanswered"
)

REFLECTION_MAX = 1500
SHORT_MAX = 120
LONG_MAX = 500
PHONE_MAX = 30
EARLIEST_EVENT_YEAR = 1950

_PHONE_CHARS = re.compile(r"[\s\-().]")
# ASCII digits only: "\d" would also match other scripts' digits (such as Arabic-Indic).
_UK_PHONE = re.compile(r"^(?:\+44|0044|0)[0-9]{9,10}$")
_INTERNATIONAL_PHONE = re.compile(r"^(?:\+|00)[1-9][0-9]{7,14}$")
# An extension after the number, as work numbers often have ("0161 496 0000 ext 1234", "x1234").
_EXTENSION = re.compile(r"(?:ext(?:ension)?|x)[:#]?[0-9]{1,6}$", re.IGNORECASE)
# Between two telephone numbers typed in the one box: "0161 496 0000 / 07700 900000", "… or …".
_BETWEEN_NUMBERS = re.compile(r"\s*(?:[/,;&|]|\b(?:or|and)\b)\s*", re.IGNORECASE)
# Between two email addresses typed in the one box: "alex@nhs.net, sam@nhs.net", "… or …".
_BETWEEN_ADDRESSES = re.compile(r"\s*(?:[/,;&|\s]|\b(?:or|and)\b)\s*", re.IGNORECASE)
# Words before a number in such a list: "office: 0161 496 0000 or mobile 07700 900000".
_LABEL_BEFORE_NUMBER = re.compile(r"^[^0-9+]*")
# One number with a word or two saying which it is, before or after it: "Mobile: 07700 900982",
# "07700 900982 (mobile)", "0161 496 0000 - direct line". The label has no digits and starts with a
# letter; the number starts as a number does (+, 0 or a bracket) and may end in an extension (an
# extension word with no number after it is not a label: "0161 496 0000 ext" stays refused).
_LABELLED_NUMBER = re.compile(
    r"(?:[^\W\d_][^\d+()]{0,29}?[\s:\-\u2013]*)?"
    r"(?P<number>[+0(][0-9\s\-().+]*?(?:\s*(?:ext(?:ension)?\.?|x)\s*[:#]?\s*[0-9]{1,6})?)"
    r"(?:[\s,\-\u2013]*\(?(?!(?:ext(?:ension)?|x)\W*$)[^\W\d_][^\d()]{0,29}\)?)?",
    re.IGNORECASE,
)
# An address as mail programs copy it: "Alex Worker <alex@nhs.net>", "\"Worker, Alex\" <alex@nhs.net>",
# "<alex@nhs.net>", "mailto:alex@nhs.net". A display name is quoted, or words with no @, angle
# brackets, quotes, colon or semicolon (which would make it a second address, a group or a list).
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
_NAMED_ADDRESS = re.compile(r'(?:"[^"@<>\\]*"\s*|[^"@<>:;]*)<\s*(?:mailto:)?([^<>\s]+)\s*>', re.IGNORECASE)

Errors = dict[str, str]


@dataclass(frozen=True)
class Words:
    """Wording in each mode: the practitioner's own request, and (if different) in supervision."""

    myself: str
    supervision: str | None = None

    def for_mode(self, mode: str) -> str:
        """The wording for ``mode`` ("supervision", or anything else for the practitioner's own)."""
        return self.supervision if mode == "supervision" and self.supervision is not None else self.myself


@dataclass(frozen=True)
class Field:
    """One request field: how it is asked, checked, shown and kept.

    ``name`` is the input's name and the key in the stored details (and the PDF's JSON).
    ``page`` is the slug of the page that asks it. ``kind`` picks the form control and the
    checks. ``errors`` holds its error wording by situation (``ERROR_KEYS`` lists what each
    kind needs; a field with ``"missing"`` is required). ``guard`` lists the kinds of
    identifying data the guard looks for in it (free text only). ``only_if`` (another
    field's name and value) asks it, and keeps it, only when that field has that value;
    ``revealed`` then draws it inside that answer of those radios (on the same page, before
    it): GOV.UK Frontend's conditional reveal, so with JavaScript it shows only once that
    answer is chosen (without JavaScript it shows under the answer).

    ``row`` is its key on check your answers and in the request; ``request_row``, if set,
    replaces it in the request (HTML and PDF), which the facilitators read (the person filling
    it in is "you" on check your answers, "they" to the facilitators). A field with ``joins``
    instead shows its value in that field's row (``change_label`` then names the whole row
    for screen readers). ``triage`` puts it among the facts the facilitators triage on, at the
    top of the request (HTML and page 1 of the PDF), instead of in its section's rows, keyed by
    ``triage_row`` if set (else its row, else its label): under "Completed by: a manager or
    supervisor", a plain "Job role" read as the manager's. ``short``
    names it on the identifying-data warning. Wording that speaks of the person (label, hint,
    row, short name, error messages) has a supervision variant that speaks of "the practitioner". ``params``
    are extra GOV.UK macro parameters for its control; ``autocomplete`` is used for the
    practitioner's own request only (in supervision the details are someone else's).
    """

    name: str
    page: str
    kind: FieldKind
    label: Words
    hint: Words | None = None
    options: Mapping[str, str] = dataclass_field(default_factory=dict)
    limit: int = 0
    errors: Mapping[str, str | Words] = dataclass_field(default_factory=dict)
    guard: tuple[Kind, ...] = ()
    only_if: tuple[str, str] | None = None
    revealed: bool = False
    section: str = ""
    row: Words | None = None
    request_row: str = ""
    joins: str | None = None
    change_label: str = ""
    triage: bool = False
    triage_row: Words | None = None
    short: Words | None = None
    label_size: Literal["", "s", "m", "l"] = ""
    autocomplete: str | None = None
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)
    year_input: str = ""  # month_year only: the year's input name (the month's is ``name``)
    # Its hint is the partnership's local example of this kind (``examples`` in partnership.yaml),
    # in place of ``hint``: examples name teams and places, which differ from area to area.
    example_hint: str | None = None
    # Its answers name local services: they are the partnership's (``request_options`` in its
    # file), not ``options``, read by ``choices``.
    local_options: bool = False
    # Its question asks something different in each mode, not only in other words (the manager
    # asking in supervision knows already): its answer is forgotten when the journey's mode
    # changes, so it is asked again (app.requests.views.forget_answers_of_another_mode).
    mode_bound: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))
        object.__setattr__(self, "errors", MappingProxyType(dict(self.errors)))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def choices(self, mode: str = "practitioner") -> Mapping[str, str]:
        """Its answers, stored value to label, worded for ``mode``: the partnership's for a
        question that names local services (needs an app: the one handling the request or
        command), else ``options``."""
        if self.local_options:
            return current_partnership().option_labels(self.name, mode)
        return self.options

    def choice_hints(self, mode: str = "practitioner") -> Mapping[str, str]:
        """The hints of its answers that have one, by stored value (only the partnership's answers have hints)."""
        return current_partnership().option_hints(self.name, mode) if self.local_options else {}

    @property
    def inputs(self) -> tuple[str, ...]:
        """The names the form posts for this field (a month and year field posts two)."""
        return (self.name, self.year_input) if self.kind == "month_year" else (self.name,)

    def row_key(self, mode: str, in_request: bool) -> str:
        """Its row's key, worded for ``mode``: on check your answers, or in the request (``in_request``)."""
        if in_request and self.request_row:
            return self.request_row
        return self.row.for_mode(mode) if self.row is not None else ""

    def short_name(self, mode: str) -> str:
        """Its name on the identifying-data warning, worded for ``mode``."""
        return self.short.for_mode(mode) if self.short is not None else self.label.for_mode(mode)

    def error(self, key: str, mode: str) -> str:
        """The error message for ``key`` (see ``ERROR_KEYS``), worded for ``mode``."""
        message = self.errors[key]
        return message.for_mode(mode) if isinstance(message, Words) else message

    @property
    def required(self) -> bool:
        """Whether an answer is needed (when the field is asked)."""
        return "missing" in self.errors

    @property
    def long_text(self) -> bool:
        """Free text of several lines (shown with its line breaks)."""
        return self.kind in LONG_TEXT_KINDS

    def asked(self, details: Mapping[str, Any]) -> bool:
        """Whether the field applies, given the other answers (see ``only_if``)."""
        return self.only_if is None or details.get(self.only_if[0]) == self.only_if[1]

    def input_id(self, stored: Mapping[str, Any], mode: str = "practitioner") -> str:
        """The id of the input a Change link goes to: the answer chosen, for radios (GOV.UK Frontend
        numbers them ``name``, ``name-2``…), else the field's first input. Found (accessibility
        review): "Change how soon" put focus on "Within 2 weeks" when "Within a month" was chosen,
        so an arrow key or Space there changed the answer unseen."""
        value = stored.get(self.name)
        if self.kind == "radios" and isinstance(value, str):
            values = list(self.choices(mode))
            if value in values and (at := values.index(value)) > 0:
                return f"{self.name}-{at + 1}"
        return self.name

    def shown(self, stored: Mapping[str, Any], mode: str = "practitioner") -> str:
        """A stored value as words: an option's label (for ``mode``), a month as "March 2024", or
        the text ("" if none). An answer of the partnership's (``local_options``) in a sent request
        is shown in the words it was chosen in (``ANSWER_LABELS``), whatever its file says now."""
        value = stored.get(self.name)
        if self.local_options and isinstance(value, str) and value:
            kept = stored.get(ANSWER_LABELS)
            if isinstance(kept, Mapping) and isinstance(kept.get(self.name), str) and kept[self.name]:
                return str(kept[self.name])
        if self.kind == "radios":
            choices = self.choices(mode)
            if self.local_options and isinstance(value, str) and value and value not in choices:
                # Stored before the partnership file stopped offering it: said, not shown as unanswered.
                return NO_LONGER_OFFERED.format(id=value)
            return label(choices, value)
        if self.kind == "month_year":
            return event_label(value) if isinstance(value, str) else ""
        return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Page:
    """One page of the request: its address, its title and when it is asked. Its fields are
    the entries of ``FIELDS`` that name it. ``heading`` is the field whose label is the page's
    heading (a one-question page); other pages show ``title`` and ``intro`` above their fields."""

    slug: str
    endpoint: str
    title: Words | None = None
    intro: Words | None = None
    heading: str | None = None
    debrief_only: bool = False
    template: str = "requests/_page.html"
    # Its answers are the person's own in one mode and the practitioner's in the other (a manager
    # using it in supervision gives the practitioner's): when who is using this changes after the
    # page was done, they are kept, and the page is asked again, saying this, before the request
    # can go (``app.requests.views.forget_answers_of_another_mode``). Found (untidy-use review): a
    # manager who first answered as a practitioner sent their own details as the practitioner's.
    checked_again: Words | None = None

    @property
    def entries(self) -> tuple[Field, ...]:
        """The page's fields, in order."""
        return FIELDS_BY_PAGE[self.slug]

    @property
    def fields(self) -> tuple[str, ...]:
        """The names the page's form posts, in order."""
        return tuple(name for entry in self.entries for name in entry.inputs)

    @property
    def typed(self) -> bool:
        """Whether the page has text to type (given back to copy if the time runs out first)."""
        return any(entry.kind in TYPED_KINDS for entry in self.entries)

    def title_for(self, mode: str) -> str:
        """The page's title in ``mode``: its heading field's label, else its own title."""
        if self.heading is not None:
            return FIELDS_BY_NAME[self.heading].label.for_mode(mode)
        return self.title.for_mode(mode) if self.title is not None else ""

    def applies(self, debrief: bool) -> bool:
        """Whether this page is asked: every journey's, or only when the debrief criterion was chosen."""
        return not self.debrief_only or debrief

    def check(self, details: Mapping[str, Any], today: dt.date, mode: str = "practitioner") -> Errors:
        """The page's errors, by input name, worded for ``mode`` (empty when all is well)."""
        errors: Errors = {}
        for entry in self.entries:
            check_field(entry, details, today, errors, mode)
        return errors


@dataclass(frozen=True)
class DetailSection:
    """A group of rows on check your answers and in the request."""

    id: str
    title: str  # in the request (HTML and PDF), which the facilitators read
    check_title: Words  # on check your answers, which the person reads


SECTIONS: tuple[DetailSection, ...] = (
    DetailSection("contact", "Who is asking", Words("About you", "The practitioner's details")),
    # Its one row is "What you would like to reflect on" (the question): the heading says what the
    # section is, so the words are not read twice (found, review: heading and row said the same).
    DetailSection(
        "reflection",
        "What to reflect on",
        Words("Why you are asking for a session", "Why the practitioner is asking for a session"),
    ),
    DetailSection("child", "The child and family (in bands, without names)", Words("The child and family")),
    DetailSection("timing", "Timing and preferences", Words("Timing and preferences")),
)

PAGES: tuple[Page, ...] = (
    Page(
        "about-you",
        "requests.about_you",
        Words("About you", "The practitioner's details"),
        intro=Words(
            "The facilitators use these details to contact you about a session. They are your own work "
            "details, not the child's or family's.",
            "The facilitators use these details to contact the practitioner about a session. They are the "
            "practitioner's own work details, not the child's or family's. Your own details are not asked "
            "for or kept: the acknowledgement and any invitation go to the practitioner.",
        ),
        checked_again=Words(
            "You changed who is using this tool after these details were given, as the practitioner's. "
            "Check they are your own work details, and change any that are not.",
            "You changed who is using this tool after these details were given, as your own. Check they "
            "are the practitioner's own work details, and change any that are not.",
        ),
    ),
    Page("manager", "requests.manager", heading="manager_knows"),
    Page("reflection", "requests.reflection", heading="reflection"),
    Page(
        "child-and-family",
        "requests.child_family",
        Words("About the child and family"),
        intro=Words(
            "These questions are optional. We ask for bands, not exact details, because age, agency and "
            "place together can identify a child."
        ),
    ),
    Page("family", "requests.family", heading="family_knows"),
    Page("significant-event", "requests.event", heading="event_month", debrief_only=True),
    Page("how-soon", "requests.how_soon", heading="how_soon", template="requests/how-soon.html"),
    Page(
        "preferences",
        "requests.preferences",
        Words("Your preferences", "The practitioner's preferences"),
        intro=Words("These questions are optional."),
        checked_again=Words(
            "You changed who is using this tool after these preferences were given, as the practitioner's. "
            "Check they are your own, and change any that are not.",
            "You changed who is using this tool after these preferences were given, as your own. Check "
            "they are the practitioner's, and change any that are not.",
        ),
    ),
)

# Added to the identifying-data warning's reason (``guard.REASONS``) for a phone number or email
# address in the request's free text: the person's own work details are asked for on the first
# page, so they need not be in the free text. (The guard's reasons are shared with forms that
# ask for no contact details, so they cannot say this themselves.)
OWN_DETAILS_NOTES: Mapping[Kind, Words] = MappingProxyType(
    {
        "phone": Words(
            "Your own work telephone number belongs on the About you page, not here.",
            "The practitioner's work telephone number belongs on the practitioner's details page, not here.",
        ),
        "email": Words(
            "Your own work email address belongs on the About you page, not here.",
            "The practitioner's work email address belongs on the practitioner's details page, not here.",
        ),
    }
)

# Free text may hold identifying data; availability may well hold dates (of meetings, not of a
# child), and the street of a place the practitioner can get to ("Tuesdays at Unity House, Chorley
# Road"), so dates and streets without a house number are not looked for there.
# A date labelled as a date of birth ("DOB 14/03/2015", "born 3 May 2015") is still looked for.
_NO_DATES: tuple[Kind, ...] = tuple(kind for kind in KINDS if kind not in ("date", "street"))
# A job role and an agency or team are the practitioner's own (their school, surgery or hospital, a
# church's or a mosque's project they work for,
# their base's street, their own number and email: all asked for as theirs). What else looks
# identifying there is about a child or family ("Key worker for Jayden Smith, DOB 14/03/2015"):
# found (privacy review), those two were not checked at all, and the inbox list shows both.
_OWN_WORK: tuple[Kind, ...] = tuple(
    kind
    for kind in KINDS
    if kind not in ("school", "place_of_worship", "gp_practice", "hospital", "street", "phone", "email")
)

# The practitioner's own name is a person's name, and may have a title ("Dr Sarah Jones": not a
# GP practice); anything else identifying typed there is not theirs ("Jayden Smith DOB
# 14/03/2015"). Found (practitioner review): the full name was not checked at all.
_OWN_NAME: tuple[Kind, ...] = tuple(kind for kind in _OWN_WORK if kind not in ("person_name",))
# The lead professional's and other agencies are agencies, a hospital's among them ("Health visitor
# (Salford Royal)", as the agency field's hint suggests, "paediatrics at Salford Royal"): found
# (false-alarm review, December 2026), warned about as a hospital the family was seen at. A GP
# practice is still looked for there: it is the child's own.
_AGENCIES: tuple[Kind, ...] = tuple(kind for kind in KINDS if kind != "hospital")


def _too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or less"


_REFLECTION = Words("What you would like to reflect on", "What the practitioner would like to reflect on")


FIELDS: tuple[Field, ...] = (
    # --- about you -------------------------------------------------------------------------
    Field(
        "name",
        "about-you",
        "text",
        Words("Full name"),
        limit=SHORT_MAX,
        section="contact",
        row=Words("Requested by", "The practitioner"),
        change_label="name, job role and agency",
        guard=_OWN_NAME,
        short=Words("Full name"),
        errors={
            "missing": Words("Enter your full name", "Enter the practitioner's full name"),
            "too_long": _too_long("Full name", SHORT_MAX),
        },
        autocomplete="name",
        params={"spellcheck": False},
    ),
    Field(
        "job_role",
        "about-you",
        "text",
        Words("Job role"),
        limit=SHORT_MAX,
        section="contact",
        joins="name",
        triage=True,
        triage_row=Words("Job role", "The practitioner's job role"),
        guard=_OWN_WORK,
        short=Words("Job role"),
        errors={
            "missing": Words("Enter your job role", "Enter the practitioner's job role"),
            "too_long": _too_long("Job role", SHORT_MAX),
        },
        autocomplete="organization-title",
    ),
    Field(
        "agency",
        "about-you",
        "text",
        Words("Agency or team"),
        limit=SHORT_MAX,
        section="contact",
        joins="name",
        triage=True,
        triage_row=Words("Agency or team", "The practitioner's agency or team"),
        example_hint="agency",
        guard=_OWN_WORK,
        short=Words("Agency or team"),
        errors={
            "missing": Words("Enter your agency or team", "Enter the practitioner's agency or team"),
            "too_long": _too_long("Agency or team", SHORT_MAX),
        },
        autocomplete="organization",
    ),
    Field(
        "email",
        "about-you",
        "email",
        Words("Work email address"),
        limit=EMAIL_MAX,
        section="contact",
        row=Words("Work email"),
        # Found (privacy review): a personal address was taken without a word, and the invitation (a
        # session's date and place) and its reminders went to it.
        hint=Words(
            "You will be contacted here about this request and any session: use your work address, not a personal one",
            "The practitioner will be contacted here about this request and any session: use their work address, "
            "not a personal one",
        ),
        errors={
            "missing": Words("Enter your work email address", "Enter the practitioner's work email address"),
            "too_long": _too_long("Work email address", EMAIL_MAX),
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "two_addresses": "Enter one email address",
            # Found (practitioner review): "Siân.Wójcik@nhs.net" had the format's message, and a
            # Welsh or Polish name's writer could not see what was wrong. Most mail systems at work
            # take no accented letters in an address.
            "accented": Words(
                "Enter your work email address without accents (such as â or ó), as your email system "
                "gives it: an email address uses only the letters a to z, numbers and . _ - +",
                "Enter the practitioner's work email address without accents (such as â or ó), as their "
                "email system gives it: an email address uses only the letters a to z, numbers and . _ - +",
            ),
        },
        autocomplete="email",
        params={"type": "email", "spellcheck": False, "classes": "govuk-!-width-two-thirds"},
    ),
    Field(
        "phone",
        "about-you",
        "phone",
        Words("Work telephone number"),
        limit=PHONE_MAX,
        section="contact",
        row=Words("Work telephone"),
        hint=Words("For international numbers include the country code"),
        errors={
            "missing": Words("Enter your work telephone number", "Enter the practitioner's work telephone number"),
            "too_long": _too_long("Work telephone number", PHONE_MAX),
            "invalid": "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            "two_numbers": "Enter one telephone number",
        },
        autocomplete="tel",
        params={"type": "tel", "classes": "govuk-input--width-20"},
    ),
    # --- the manager or safeguarding lead ---------------------------------------------------
    Field(
        "manager_knows",
        "manager",
        "radios",
        # In supervision the manager asking is the practitioner's manager or supervisor, so they
        # know: the question is then whether the practitioner's safeguarding lead knows too.
        Words(
            "Does your manager or safeguarding lead know you are asking for a session?",
            "Does the practitioner's safeguarding lead know about this request?",
        ),
        hint=Words(
            "Space to Think works alongside supervision. The facilitators may ask about this.",
            "As the practitioner's manager or supervisor, you know about it. The facilitators may ask "
            "whether the practitioner's safeguarding lead does too.",
        ),
        options={"yes": "Yes", "no": "No"},
        section="contact",
        mode_bound=True,
        row=Words(
            "Manager or safeguarding lead knows about this request", "Safeguarding lead knows about this request"
        ),
        errors={
            "missing": Words(
                "Select yes if your manager or safeguarding lead knows you are asking for a session",
                "Select yes if the practitioner's safeguarding lead knows about this request",
            )
        },
        params={"classes": "govuk-radios--inline"},
    ),
    # --- what they would like to reflect on -------------------------------------------------
    Field(
        "reflection",
        "reflection",
        "character_count",
        Words("What would you like to reflect on?", "What would the practitioner like to reflect on?"),
        hint=Words(
            "Describe the situation, not the people. Do not include names, initials, dates of birth, "
            "addresses, or the names of schools or GP (general practitioner) practices."
        ),
        limit=REFLECTION_MAX,
        guard=KINDS,
        section="reflection",
        row=_REFLECTION,
        request_row="What to reflect on",
        short=_REFLECTION,
        errors={
            "missing": Words(
                "Enter what you would like to reflect on", "Enter what the practitioner would like to reflect on"
            ),
            "too_long": Words(
                _too_long(_REFLECTION.myself, REFLECTION_MAX), _too_long(str(_REFLECTION.supervision), REFLECTION_MAX)
            ),
        },
        params={"rows": 10},
    ),
    # --- the child and family ---------------------------------------------------------------
    Field(
        "age_band",
        "child-and-family",
        "radios",
        Words("How old is the child or young person? (optional)"),
        options={
            "unborn": "Unborn",
            "0_4": "0 to 4",
            "5_10": "5 to 10",
            "11_15": "11 to 15",
            "16_17": "16 to 17",
            "18_25": "18 to 25 (a care leaver, or with special educational needs and disabilities (SEND))",
        },
        section="child",
        row=Words("Child's age band"),
        label_size="m",
    ),
    Field(
        "support_level",
        "child-and-family",
        "radios",
        Words("What is the current level of support? (optional)"),
        local_options=True,  # request_options in the partnership file: the names differ by area
        section="child",
        row=Words("Current level of support"),
        label_size="m",
    ),
    Field(
        "lead_professional",
        "child-and-family",
        "text",
        Words("Lead professional's agency or role (optional)"),
        hint=Words(
            "The role and agency only, for example, social worker in children's services. Not a name. "
            f"You can enter up to {SHORT_MAX:,} characters.",
            # The same in supervision: "you" is whoever types it.
            "The role and agency only, for example, social worker in children's services. Not a name. "
            f"You can enter up to {SHORT_MAX:,} characters.",
        ),
        limit=SHORT_MAX,
        guard=_AGENCIES,
        section="child",
        row=Words("Lead professional's agency or role"),
        short=Words("The lead professional's agency or role"),
        errors={"too_long": _too_long("The lead professional's agency or role", SHORT_MAX)},
        label_size="s",
        params={"autocomplete": "off"},
    ),
    Field(
        "other_agencies",
        "child-and-family",
        "character_count",
        Words("Other agencies or roles to invite (optional)"),
        hint=Words("Roles and agencies only, not names."),
        limit=LONG_MAX,
        guard=_AGENCIES,
        section="child",
        row=Words("Other agencies or roles to invite"),
        short=Words("Other agencies or roles to invite"),
        errors={"too_long": _too_long("Other agencies or roles", LONG_MAX)},
        label_size="s",
    ),
    # --- whether the family knows -----------------------------------------------------------
    Field(
        "family_knows",
        "family",
        "radios",
        Words(
            "Does the family know you are seeking reflective support?",
            "Does the family know the practitioner is seeking reflective support?",
        ),
        hint=Words("This is about being open with the family. It is not asking for their consent."),
        options={"yes": "Yes", "no": "No", "not_yet": "Not yet"},
        section="child",
        row=Words("Does the family know about this request"),
        change_label="whether the family knows",
        errors={"missing": "Select whether the family knows about this request for reflective support"},
    ),
    Field(
        "family_knows_reason",
        "family",
        "character_count",
        Words("Why does the family not know yet?"),
        hint=Words("Do not include names or anything else that could identify the family."),
        limit=LONG_MAX,
        guard=KINDS,
        only_if=("family_knows", "not_yet"),
        revealed=True,
        section="child",
        joins="family_knows",
        short=Words("Why the family does not know yet"),
        errors={
            "missing": "Enter why the family does not know yet",
            "too_long": _too_long("The reason the family does not know yet", LONG_MAX),
        },
        label_size="s",
    ),
    # --- when the significant event was (only for a debrief) ----------------------------------
    Field(
        "event_month",
        "significant-event",
        "month_year",
        Words("Roughly when was the significant event?"),
        hint=Words("The month and year only, for example 3 2025. Not the exact date or the place."),
        year_input="event_year",
        section="timing",
        row=Words("When the significant event was"),
        params={"id": "event-date"},
        errors={
            "missing": "Enter the month and year of the significant event",
            "no_month": "The date of the significant event must include a month",
            "no_year": "The date of the significant event must include a year",
            # The whole date, or the month and year, typed in the month box ("12/03/2015", "3 2025").
            "whole_date": "Enter only the month and year of the significant event, not the day",
            "in_one_box": "Enter the month in the Month box and the year in the Year box",
            "not_real": "The date of the significant event must be a real date",
            # A month in words that are not English ("Hyd", "Październik": practitioner review).
            "month_words": "Enter the month as a number, like 10, or its name in English, like October",
            "year_digits": "Year must include 4 numbers",
            # A real month outside the range: say what the range is ("not_real" is for 13, say).
            "too_early": f"The date of the significant event must be January {EARLIEST_EVENT_YEAR} or later",
            "future": "The date of the significant event must be this month or in the past",
        },
    ),
    # --- how soon, and preferences ------------------------------------------------------------
    Field(
        "how_soon",
        "how-soon",
        "radios",
        Words("How soon would you like a session?", "How soon would the practitioner like a session?"),
        hint=Words(
            # Not a promise (CONTENT.md: a response time is said only where one is set up; found,
            # content review: "will try to arrange a session within the time you choose").
            "This helps the facilitators plan. It is not a promise of a date."
        ),
        options={"two_weeks": "Within 2 weeks", "month": "Within a month", "flexible": "Flexible"},
        section="timing",
        row=Words("How soon"),
        errors={"missing": "Select how soon a session is needed"},
        triage=True,
    ),
    Field(
        "format",
        "preferences",
        "radios",
        Words("Would a session in person or online suit better? (optional)"),
        options={"in_person": "In person", "online": "Online", "either": "Either"},
        section="timing",
        row=Words("Preferred format"),
        label_size="m",
    ),
    Field(
        "availability",
        "preferences",
        "character_count",
        Words("When are you usually available? (optional)", "When is the practitioner usually available? (optional)"),
        hint=Words("For example, Tuesday and Thursday mornings."),
        limit=LONG_MAX,
        guard=_NO_DATES,
        section="timing",
        row=Words("Availability"),
        short=Words("Availability"),
        errors={"too_long": _too_long("Availability", LONG_MAX)},
        label_size="s",
    ),
    Field(
        "access_needs",
        "preferences",
        "character_count",
        Words("Access needs or adjustments (optional)"),
        hint=Words(
            "Anything that would help you take part, for example a hearing loop or step-free access.",
            "Anything that would help the practitioner take part, for example a hearing loop or step-free access.",
        ),
        limit=LONG_MAX,
        guard=KINDS,
        section="timing",
        row=Words("Access needs"),
        short=Words("Access needs"),
        errors={"too_long": _too_long("Access needs", LONG_MAX)},
        label_size="s",
    ),
)

FIELDS_BY_NAME: dict[str, Field] = {entry.name: entry for entry in FIELDS}
FIELDS_BY_PAGE: dict[str, tuple[Field, ...]] = {
    page.slug: tuple(entry for entry in FIELDS if entry.page == page.slug) for page in PAGES
}
PAGES_BY_SLUG = {page.slug: page for page in PAGES}
PAGE_OF_FIELD: dict[str, Page] = {entry.name: PAGES_BY_SLUG[entry.page] for entry in FIELDS}
# Free text the guard reads, and which kinds it looks for there (in table order).
GUARDED_TEXT: dict[str, tuple[Kind, ...]] = {entry.name: entry.guard for entry in FIELDS if entry.guard}


# "You" in a field's words: in supervision the manager reads them, so such words need their
# supervision wording, the same words where "you" is whoever types (found, new engineer's review:
# "Which team are you in?", without it, asked the manager for their own team, and no test saw it).
_SPEAKS_TO_YOU = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)


def _words_of(entry: Field) -> list[tuple[str, Words]]:
    """Each of a field's wordings, by what it is (an error message given as plain text is one
    wording for both modes)."""
    found = [(name, getattr(entry, name)) for name in ("label", "hint", "row", "triage_row", "short")]
    found += [
        (f"errors[{key!r}]", Words(words) if isinstance(words, str) else words) for key, words in entry.errors.items()
    ]
    return [(name, words) for name, words in found if isinstance(words, Words)]


def _says_you_for_both(words: Words | None) -> bool:
    """Whether ``words`` say "you" with no supervision wording of their own (``_SPEAKS_TO_YOU``)."""
    return words is not None and words.supervision is None and _SPEAKS_TO_YOU.search(words.myself) is not None


def table_problems(
    fields: tuple[Field, ...] = FIELDS, pages: tuple[Page, ...] = PAGES, sections: tuple[DetailSection, ...] = SECTIONS
) -> list[str]:
    """What is wrong with a fields table (empty when it is consistent); checked when this module loads."""
    problems: list[str] = []
    slugs = {page.slug for page in pages}
    names = [entry.name for entry in fields]
    by_name = {entry.name: entry for entry in fields}
    section_ids = {section.id for section in sections}
    for entry in fields:
        where = f"field {entry.name}"
        if names.count(entry.name) > 1:
            problems.append(f"{where}: name is used by more than one field")
        if entry.page not in slugs:
            problems.append(f"{where}: page {entry.page!r} is not a page")
        missing = [key for key in ERROR_KEYS[entry.kind] if key not in entry.errors]
        if missing:
            problems.append(f"{where}: errors needs {', '.join(missing)}")
        if entry.kind in TEXT_KINDS and entry.limit <= 0:
            problems.append(f"{where}: a text field needs a limit")
        if (entry.kind == "radios") != bool(entry.options or entry.local_options):
            problems.append(f"{where}: options are for radios, and radios need options")
        if entry.local_options and entry.options:
            problems.append(f"{where}: its options are the partnership's (local_options), so it gives none here")
        if entry.local_options != (entry.name in REQUEST_OPTION_FIELDS):
            problems.append(
                f"{where}: local_options must be set exactly for the partnership file's request_options "
                f"({', '.join(REQUEST_OPTION_FIELDS)})"
            )
        for name, words in _words_of(entry):
            if _says_you_for_both(words):
                problems.append(
                    f"{where}: its {name} says “you”, and in supervision the manager reads it: give it its "
                    "supervision wording (Words(practitioner's, supervision's)), the same words if “you” is "
                    "whoever types"
                )
        if entry.kind == "month_year" and not entry.year_input:
            problems.append(f"{where}: a month and year field needs its year_input")
        if entry.guard and entry.kind not in TEXT_KINDS:
            problems.append(f"{where}: the identifying-data guard reads free text only")
        if not entry.guard and entry.kind in FREE_TEXT_KINDS:
            # Found (new engineer's review): a free-text field without it passed every check and
            # test, and what was typed there reached the facilitators without the warning.
            problems.append(
                f"{where}: free text needs guard= (the kinds of identifying data the check looks for in it: "
                "KINDS for all), or a name or address typed there reaches the facilitators unchecked"
            )
        if entry.guard and not entry.short:
            problems.append(f"{where}: a guarded field needs a short name for the warning")
        if (entry.row is None) == (entry.joins is None):
            problems.append(f"{where}: needs either a row of its own or a field to join")
        if entry.joins is not None and entry.joins not in by_name:
            problems.append(f"{where}: joins {entry.joins!r}, which is not a field")
        if entry.section not in section_ids:
            problems.append(f"{where}: section {entry.section!r} is not a section")
        if entry.only_if is not None and entry.only_if[0] not in by_name:
            problems.append(f"{where}: only_if names {entry.only_if[0]!r}, which is not a field")
        if entry.revealed:
            shown_under = by_name.get(entry.only_if[0]) if entry.only_if is not None else None
            if (
                entry.only_if is None
                or shown_under is None
                or shown_under.kind != "radios"
                or shown_under.page != entry.page
                or names.index(shown_under.name) > names.index(entry.name)
                or (not shown_under.local_options and entry.only_if[1] not in shown_under.options)
            ):
                problems.append(f"{where}: revealed needs only_if naming an answer of radios before it on its page")
    for page in pages:
        for name, page_words in (("title", page.title), ("intro", page.intro)):
            if _says_you_for_both(page_words):
                problems.append(f"page {page.slug}: its {name} says “you”: give it its supervision wording too")
        on_page = [entry.name for entry in fields if entry.page == page.slug]
        if not on_page:
            problems.append(f"page {page.slug}: has no fields")
        if page.heading is not None and page.heading not in on_page:
            problems.append(f"page {page.slug}: heading {page.heading!r} is not one of its fields")
        if page.heading is None and page.title is None:
            problems.append(f"page {page.slug}: needs a title or a heading field")
    problems.extend(
        f"section {section.id}: its check_title says “you”: give it its supervision wording too"
        for section in sections
        if _says_you_for_both(section.check_title)
    )
    return problems


_PROBLEMS = table_problems()
if _PROBLEMS:  # a mistake in the table stops the app (and every test) at import, naming the entry
    raise RuntimeError("app/requests/fields.py: " + "; ".join(_PROBLEMS))


def clean_text(value: Any) -> str:
    """Text as stored: Windows line endings made plain, bidirectional controls removed,
    outer space removed; "" if nothing visible is left (only zero-width characters, say)."""
    if not isinstance(value, str):
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(BIDI_CONTROLS).strip()
    return text if has_visible_text(text) else ""


def valid_email(text: str) -> bool:
    """An email address in the correct format (one @, a domain with a dot, no spaces, and
    no invisible or control characters)."""
    return is_email_address(text)


def bare_email(text: str) -> str:
    """The one address in an email address as mail programs copy it (``_NAMED_ADDRESS``:
    "Alex Worker <alex@nhs.net>", "mailto:alex@nhs.net"), which is what is stored, shown and
    used; any other text as it is (``valid_email`` then says whether it is an address)."""
    named = _NAMED_ADDRESS.fullmatch(text)
    if named is not None:
        return named.group(1)
    return text[len("mailto:") :].strip() if _MAILTO.match(text) else text


def valid_phone(text: str) -> bool:
    """A UK telephone number, or an international one starting with + or 00, with or without
    an extension after it ("ext 1234", "extension 1234", "x1234"), and with or without a word or
    two saying which number it is ("Mobile: 07700 900982", "07700 900982 (mobile)"): found (user
    review), such a label got only "Enter a telephone number, like ...", with the number right."""
    labelled = _LABELLED_NUMBER.fullmatch(text.strip())
    return _is_number(text) or (labelled is not None and _is_number(labelled.group("number")))


def _is_number(text: str) -> bool:
    """The number itself, as ``valid_phone`` takes it (no label)."""
    compact = _EXTENSION.sub("", _PHONE_CHARS.sub("", text))
    return bool(_UK_PHONE.match(compact) or _INTERNATIONAL_PHONE.match(compact))


def several_phones(text: str) -> bool:
    """Whether ``text`` is two or more telephone numbers ("0161 496 0000 / 07700 900000",
    "office 0161 496 0000 or mobile 07700 900000"), so the message can say to enter one."""
    parts = _BETWEEN_NUMBERS.split(text)
    return sum(valid_phone(_LABEL_BEFORE_NUMBER.sub("", part)) for part in parts) >= 2


def several_emails(text: str) -> bool:
    """Whether ``text`` is two or more email addresses ("alex@nhs.net, sam@nhs.net", "… or …"),
    so the message can say to enter one."""
    return sum(valid_email(bare_email(part)) for part in _BETWEEN_ADDRESSES.split(text) if part) >= 2


def field_text(entry: Field, value: Any) -> str:
    """A text field's value as it is checked, stored and shown (``clean_text``): an email
    address as mail programs copy it is the one address in it (``bare_email``), and a telephone
    number's full-width digits are ASCII digits, as in the month and year boxes (``months.narrow``).
    Neither keeps an invisible character (``without_invisible``)."""
    text = clean_text(value)
    if entry.kind not in LONG_TEXT_KINDS:
        # A one-line answer is one line: a line break pasted or sent into it (the browser's input
        # drops them, a crafted request need not) would show in the inbox and the PDF as a row of
        # its own ("Health visitor" then "Manager knows: Yes": found, security review).
        text = _LINE_BREAKS.sub(" ", text)
    if entry.kind == "email":
        return bare_email(without_invisible(text))
    if entry.kind == "phone":
        return months.narrow(without_invisible(text))
    return text


# Line breaks and the spaces around them, in a one-line answer (``field_text``).
_LINE_BREAKS = re.compile(r"[ \t]*[\n\v\f\x1c-\x1e\x85\u2028\u2029]+[ \t]*")


def event_month(details: Mapping[str, Any], entry: Field | None = None) -> tuple[int, int] | None:
    """A month and year field's (year, month) if the year is a whole number and the month a
    month, as a number or a name ("3", "mar", "March"), else None."""
    entry = entry or _MONTH_YEAR
    typed, year = typed_month_year(details, entry)
    month = month_number(typed)
    if month is None or not (year.isascii() and year.isdigit()):
        return None
    return int(year), month


def typed_month_year(details: Mapping[str, Any], entry: Field) -> tuple[str, str]:
    """A month and year field's month and year as typed, cleaned, with full-width digits and
    letters as ASCII ("０３" and "２０１５", from a Chinese or Japanese keyboard, are 03 and 2015)."""
    month, year = (without_invisible(clean_text(details.get(name))) for name in (entry.name, entry.year_input))
    return months.narrow(month), months.narrow(year)


# Between the parts of a date typed in one box: "12/03/2015", "12-3-2015", "12.03.2015", "March 2015".
_DATE_SEPARATORS = re.compile(r"[\s/\-.,]+")


def _date_in_month_box(month: str) -> str | None:
    """What the month box holds if it is a date: "whole_date" for a day, month and year
    ("12/03/2015", "12 March 2015"), "in_one_box" for a month and a 4-digit year ("03/2015",
    "March 2015", "3 2025"), else None."""
    parts = [part for part in _DATE_SEPARATORS.split(month) if part]
    if not all((part.isascii() and part.isdigit()) or month_number(part) is not None for part in parts):
        return None
    if len(parts) == 3:
        return "whole_date"
    if len(parts) == 2 and any(len(part) == 4 and part.isdigit() for part in parts):
        return "in_one_box" if any(month_number(part) is not None for part in parts) else None
    return None


def month_year_problem(entry: Field, details: Mapping[str, Any], today: dt.date) -> tuple[str, tuple[str, ...]] | None:
    """What is wrong with a month and year field, or None if nothing: the error's key (see
    ``ERROR_KEYS``) and the inputs at fault, month before year (GOV.UK date input: outline the
    input with the problem, or both when the problem is the whole date). Month and year, no day,
    from ``EARLIEST_EVENT_YEAR`` to this month ("must be a real date" only for a month that
    cannot exist; a real month outside the range says what the range is). The month may be a
    number or a name, whole or shortened, in any case ("2", "feb", "February": ``month_number``),
    in ordinary or full-width digits; a date typed in the month box says what to type where."""
    month, year = typed_month_year(details, entry)
    if not month and not year:
        return "missing", (entry.name, entry.year_input)
    if not month:
        return "no_month", (entry.name,)
    # A whole date in the month box says to leave out the day, not "must include a year". The day
    # is not dropped for the person: 12/03/2015 is 3 December written month first, so the month
    # kept could be the wrong one, and the question asks for no exact date.
    in_month_box = _date_in_month_box(month)
    if in_month_box:
        return in_month_box, (entry.name,)
    if not year:
        return "no_year", (entry.year_input,)
    number = month_number(month)
    month_bad = number is None
    year_bad = not (year.isascii() and year.isdigit())
    if month_bad and not year_bad and len(year) != 4:
        year_bad = True  # 13 and 20: both are wrong, so both are outlined (accessibility review)
    if month_bad and not year_bad and any(character.isalpha() for character in month):
        return "month_words", (entry.name,)
    if month_bad or year_bad:
        return "not_real", tuple(name for name, bad in ((entry.name, month_bad), (entry.year_input, year_bad)) if bad)
    if len(year) != 4:
        return "year_digits", (entry.year_input,)
    if int(year) < EARLIEST_EVENT_YEAR:
        return "too_early", (entry.year_input,)
    if int(year) > today.year:
        return "future", (entry.year_input,)
    if int(year) == today.year and number is not None and number > today.month:
        return "future", (entry.name,)
    return None


def _check_month_year(entry: Field, details: Mapping[str, Any], today: dt.date, errors: Errors, mode: str) -> None:
    """The month and year field's error (if any), on the first input at fault (``month_year_problem``)."""
    problem = month_year_problem(entry, details, today)
    if problem is not None:
        key, at_fault = problem
        errors[at_fault[0]] = entry.error(key, mode)


def within_limit(entry: Field, text: str) -> bool:
    """Whether ``text`` fits the field's limit (counted as the browser counts it)."""
    return text_length(text) <= entry.limit


def check_field(
    entry: Field, details: Mapping[str, Any], today: dt.date, errors: Errors, mode: str = "practitioner"
) -> None:
    """Add the field's error (if any, worded for ``mode``) to ``errors``, keyed by the input it is about."""
    if not entry.asked(details):
        return
    if entry.kind == "month_year":
        _check_month_year(entry, details, today, errors, mode)
        return
    if entry.kind == "radios":
        value = details.get(entry.name)
        if value in (None, ""):
            if entry.required:
                errors[entry.name] = entry.error("missing", mode)
        elif value not in entry.choices(mode):  # a tampered form: ask again rather than store it
            if entry.required:
                errors[entry.name] = entry.error("missing", mode)
            else:
                named = entry.row.for_mode(mode) if entry.row is not None else entry.short_name(mode)
                errors[entry.name] = NOT_AN_OPTION.format(what=named[:1].lower() + named[1:])
        return
    text = field_text(entry, details.get(entry.name))
    if not text:
        if entry.required:
            errors[entry.name] = entry.error("missing", mode)
    elif entry.kind == "phone" and not valid_phone(text) and several_phones(text):
        # Before the length: two numbers are often over it, and "enter one" says what to change.
        errors[entry.name] = entry.error("two_numbers", mode)
    elif entry.kind == "email" and not valid_email(text) and several_emails(text):
        errors[entry.name] = entry.error("two_addresses", mode)
    elif not within_limit(entry, text):
        errors[entry.name] = entry.error("too_long", mode)
    elif entry.kind == "email" and not valid_email(text) and not text.isascii() and valid_email(plain_letters(text)):
        errors[entry.name] = entry.error("accented", mode)
    elif (entry.kind == "email" and not valid_email(text)) or (entry.kind == "phone" and not valid_phone(text)):
        errors[entry.name] = entry.error("invalid", mode)


def pages_for(debrief: bool) -> tuple[Page, ...]:
    """The pages asked, in order; ``debrief``: whether the journey chose the pack's debrief criterion."""
    return tuple(page for page in PAGES if page.applies(debrief))


def check_details(details: Mapping[str, Any], debrief: bool, today: dt.date) -> dict[str, Errors]:
    """Every page's errors (only pages with errors), in page order."""
    problems: dict[str, Errors] = {}
    for page in pages_for(debrief):
        errors = page.check(details, today)
        if errors:
            problems[page.slug] = errors
    return problems


def page_values(details: Mapping[str, Any], page: Page) -> dict[str, str]:
    """The values a page holds (strings), for the session."""
    return {name: details[name] for name in page.fields if isinstance(details.get(name), str)}


def asked_fields(details: Mapping[str, Any], debrief: bool) -> frozenset[str]:
    """The names of the fields a request with these details was asked: its page was asked (the
    event's page only for a debrief), and its ``only_if`` holds. A field not asked is stored as
    "", whether the request was sent through the form or imported."""
    asked_pages = {page.slug for page in pages_for(debrief)}
    return frozenset(entry.name for entry in FIELDS if entry.page in asked_pages and entry.asked(details))


def clean_details(details: Mapping[str, Any], debrief: bool) -> dict[str, Any]:
    """The details as stored with the request: every field, cleaned; "" for a field not asked
    (``asked_fields``); a month as "YYYY-MM". Call after ``check_details``."""
    cleaned: dict[str, Any] = {}
    asked = asked_fields(details, debrief)
    for entry in FIELDS:
        if entry.name not in asked:
            cleaned[entry.name] = ""
        elif entry.kind == "month_year":
            parsed = event_month(details, entry)
            cleaned[entry.name] = f"{parsed[0]:04d}-{parsed[1]:02d}" if parsed else ""
        else:
            cleaned[entry.name] = field_text(entry, details.get(entry.name))
    return cleaned


# In a sent request's details: the words each answer of the partnership's (``local_options``) was
# chosen in, by field name. Found (review of a rules update during use): the partnership file's
# words for "None" changed to "Not open to any service", and every request sent before showed the
# new words in the inbox, while the PDF the practitioner sent said "None"; the request kept the id only.
ANSWER_LABELS = "answer_labels"


def answer_labels(details: Mapping[str, Any], mode: str) -> dict[str, str]:
    """The words of each answer of the partnership's given in ``details``, as offered now (in ``mode``)."""
    labels = {}
    for entry in FIELDS:
        value = details.get(entry.name)
        if entry.local_options and isinstance(value, str) and value and (words := entry.choices(mode).get(value)):
            labels[entry.name] = words
    return labels


# A stored answer to a question whose answers are the partnership's (``local_options``) that its
# file no longer offers (its id was changed or removed): shown so, with the id, never as "Not
# given", as the statistics show an answer no longer in the rules.
NO_LONGER_OFFERED = "An answer no longer offered (id: {id})"


def label(options: Mapping[str, str], value: Any) -> str:
    """The label for a stored option value ("" when not answered)."""
    return options.get(value, "") if isinstance(value, str) else ""


def option_label(name: str, value: Any) -> str:
    """The label of field ``name``'s option ``value`` ("" when not answered)."""
    return label(FIELDS_BY_NAME[name].choices(), value)


_STORED_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")


def event_label(value: str) -> str:
    """ "2024-03" as "March 2024"."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return f"{months.NAMES[month - 1].capitalize()} {year}"
    except (ValueError, IndexError):
        return ""


def stored_value_problem(entry: Field, value: Any) -> str | None:
    """Why a stored (or imported) value cannot be this field's, or None if it can: text within
    the field's limit, one of its options, or a month written "YYYY-MM" ("" or None: not given);
    an email address or telephone number as the request form checks it (``valid_email``,
    ``valid_phone``), so an import cannot bring in a list of addresses the form would refuse."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return "is not text"
    if entry.kind == "radios":
        return None if value in entry.choices() else "is not one of its options"
    if entry.kind == "month_year":
        return None if _STORED_MONTH.fullmatch(value) and event_label(value) else "is not a month written YYYY-MM"
    if not within_limit(entry, value):
        return f"is longer than {entry.limit:,} characters"
    if entry.kind == "email" and not valid_email(value):
        return "is not an email address in the correct format"
    if entry.kind == "phone" and not valid_phone(value):
        return "is not a telephone number in the correct format"
    return None


_MONTH_YEAR = next(entry for entry in FIELDS if entry.kind == "month_year")
