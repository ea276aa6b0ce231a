"""The rule pack's data model: frozen dataclasses, no behaviour beyond look-ups."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

Mode = Literal["practitioner", "supervision"]
MODES: tuple[Mode, ...] = ("practitioner", "supervision")
# The key that marks wording as the same in both modes, on purpose: ``title: {both: ...}``.
NEUTRAL = "both"
QuestionKind = Literal["single", "multiple", "confirm"]
QUESTION_KINDS: tuple[QuestionKind, ...] = ("single", "multiple", "confirm")


@dataclass(frozen=True)
class Text:
    """Wording with a variant for each mode (equal where the pack marks it mode-neutral, ``{both: ...}``)."""

    practitioner: str
    supervision: str

    def for_mode(self, mode: str) -> str:
        """The wording for ``mode``; anything but "supervision" reads as practitioner wording."""
        return self.supervision if mode == "supervision" else self.practitioner

    def __str__(self) -> str:
        return self.practitioner


@dataclass(frozen=True)
class Guidance:
    """A piece of guidance that rules cite: where it comes from and what it says."""

    id: str
    source: str
    text: str
    url: str | None = None
    quote: bool = False
    line: int | None = None
    # The line of each of its fields in the file ("source", "text"), where a problem with that
    # field's words is named (else ``line``).
    field_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        """How the item is introduced: a quote names its source; anything else is a summary of it."""
        if self.quote:
            return self.source
        # "Summary of the Munro Review", not "of The Munro Review" (found, content review).
        source = "the" + self.source[3:] if self.source.startswith("The ") else self.source
        return f"Summary of {source}"


@dataclass(frozen=True)
class Flag:
    """A marker a journey can set on the request (for example a review under way), in the
    modes it names (``modes``; default both)."""

    id: str
    label: str
    modes: tuple[Mode, ...] = MODES
    line: int | None = None
    # The line of its label in the file, where a problem with its words is named (else ``line``).
    label_line: int | None = field(default=None, repr=False, compare=False)

    def applies(self, mode: str) -> bool:
        """Whether the flag is set in ``mode``."""
        return mode in self.modes


@dataclass(frozen=True)
class Option:
    """One answer to a question, and the rule it carries: where it routes and why."""

    value: str
    label: Text
    next: str | None = None
    hint: Text | None = None
    cites: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    advice: Text | None = None
    safe: bool = False
    unsure: bool = False
    exclusive: bool = False
    mode: Mode | None = None
    implies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    line: int | None = None
    # The line of its ``next``, where a problem with the route is named (else ``line``).
    next_line: int | None = field(default=None, compare=False)
    # The line of each of its fields in the file ("title", "actions[2]"...), where a problem with
    # that field's words is named (else ``line``).
    field_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Question:
    """A question asked on its own page."""

    id: str
    kind: QuestionKind
    title: Text
    short: Text
    options: tuple[Option, ...]
    error: Text
    hint: Text | None = None
    exclusive_error: Text | None = None
    next: str | None = None
    cites: tuple[str, ...] = ()
    risk: bool = False
    line: int | None = None
    # The line of its ``next``, where a problem with the route is named (else ``line``).
    next_line: int | None = field(default=None, compare=False)
    # The line of each of its fields in the file ("title", "actions[2]"...), where a problem with
    # that field's words is named (else ``line``).
    field_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _by_value: dict[str, tuple[int, Option]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_value: dict[str, tuple[int, Option]] = {}
        for position, option in enumerate(self.options):
            by_value.setdefault(option.value, (position, option))
        object.__setattr__(self, "_by_value", by_value)

    def option(self, value: str) -> Option | None:
        """The option with ``value``, or None."""
        found = self._by_value.get(value)
        return found[1] if found else None

    def position(self, option: Option) -> int:
        """Where ``option`` stands among the question's options (for keeping pack order)."""
        return self._by_value[option.value][0]

    def cites_for(self, option: Option) -> tuple[str, ...]:
        """The guidance ids a chosen option's rule rests on (the option's, else the question's)."""
        return option.cites or self.cites

    def route_for(self, option: Option) -> str | None:
        """Where choosing ``option`` leads (the option's own route, else the question's)."""
        if option.next is not None:
            return option.next
        if self.kind == "multiple" and not option.exclusive:
            return self.next
        return None


@dataclass(frozen=True)
class Outcome:
    """Where a journey ends: what to do now, with whom, and why."""

    id: str
    title: Text
    summary: Text
    actions: tuple[Text, ...]
    contacts: tuple[str, ...]
    cites: tuple[str, ...]
    request: bool = False
    contact_notes: tuple[tuple[str, Text], ...] = ()
    change_question: str | None = None
    change_text: Text | None = None
    # A route to act on now (999, children's social care, the safeguarding lead today): a phone line
    # closed now gives the one to call instead, not "if it cannot wait", and the email redirecting a
    # request to it says to act now in its subject and first line (found, content review: on U2 at
    # 5pm, "Share the concern now" above "if it cannot wait until it opens"; and the redirect email
    # for "Call 999" looked like routine post, its call to act on its ninth line).
    act_now: bool = False
    line: int | None = None
    # The line of each of its fields in the file ("title", "actions[2]"...), where a problem with
    # that field's words is named (else ``line``).
    field_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def contact_note(self, contact_id: str) -> Text | None:
        """When this outcome's contact ``contact_id`` applies (for example "if the worry is about..."), if it says."""
        for noted_id, note in self.contact_notes:
            if noted_id == contact_id:
                return note
        return None


@dataclass(frozen=True)
class Roles:
    """Which of the pack's nodes the rest of the app relies on, by id: the question whose
    options are the reflective-space criteria, and the criterion that is a debrief after a
    significant event (it asks when the event was)."""

    criteria_question: str
    debrief_criterion: str
    line: int | None = None


@dataclass(frozen=True)
class RulePack:
    """A whole, loaded rule pack. Build it with ``app.rules.load_pack``."""

    path: str
    name: str
    owner: str
    review_date: dt.date
    start: str
    questions: tuple[Question, ...]
    outcomes: tuple[Outcome, ...]
    guidance: tuple[Guidance, ...]
    flags: tuple[Flag, ...]
    version: str
    roles: Roles
    glossary: tuple[tuple[str, str], ...] = ()
    # The lines of the ``pack:`` section's fields (start, review_date, ...), so what the checks
    # say about them names the line, as for every other part of the pack.
    line_of: dict[str, int | None] = field(default_factory=dict, repr=False, compare=False)
    # The line of each glossary term's meaning, by term, where a problem with the meaning is named
    # (every term given, even one whose meaning was refused).
    glossary_lines: dict[str, int | None] = field(default_factory=dict, repr=False, compare=False)
    _index: dict[str, Question | Outcome] = field(default_factory=dict, repr=False, compare=False)
    _guidance: dict[str, Guidance] = field(default_factory=dict, repr=False, compare=False)
    _flags: dict[str, Flag] = field(default_factory=dict, repr=False, compare=False)
    _modes: tuple[tuple[str, str, Mode], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Question | Outcome] = {}
        for node in self.nodes:
            index.setdefault(node.id, node)
        object.__setattr__(self, "_index", index)
        modes = tuple(
            (question.id, option.value, option.mode)
            for question in self.questions
            for option in question.options
            if option.mode is not None
        )
        object.__setattr__(self, "_modes", modes)
        object.__setattr__(self, "_guidance", {item.id: item for item in reversed(self.guidance)})
        object.__setattr__(self, "_flags", {item.id: item for item in reversed(self.flags)})

    @property
    def nodes(self) -> tuple[Question | Outcome, ...]:
        """Every question and then every outcome, in pack order."""
        return (*self.questions, *self.outcomes)

    def node(self, node_id: str) -> Question | Outcome | None:
        """The question or outcome called ``node_id``, or None."""
        return self._index.get(node_id)

    def question(self, question_id: str) -> Question | None:
        """The question called ``question_id``, or None."""
        node = self._index.get(question_id)
        return node if isinstance(node, Question) else None

    def outcome(self, outcome_id: str) -> Outcome | None:
        """The outcome called ``outcome_id``, or None."""
        node = self._index.get(outcome_id)
        return node if isinstance(node, Outcome) else None

    def guidance_for(self, guidance_id: str) -> Guidance | None:
        """The guidance called ``guidance_id``, or None."""
        return self._guidance.get(guidance_id)

    def flag(self, flag_id: str) -> Flag | None:
        """The flag called ``flag_id``, or None."""
        return self._flags.get(flag_id)

    def mode_chosen(self, answers: Mapping[str, object]) -> Mode | None:
        """The mode an answer among ``answers`` (by question id) chose, or None: without walking the
        journey (``JourneyState.mode`` walks it), for what only needs the words (the timeout warning)."""
        for question_id, value, mode in self._modes:
            if answers.get(question_id) == value:
                return mode
        return None

    @property
    def request_outcomes(self) -> tuple[Outcome, ...]:
        """The outcomes that lead on to a request for a session."""
        return tuple(outcome for outcome in self.outcomes if outcome.request)


@dataclass(frozen=True)
class Link:
    """A page a person can open to act: its words on the page and its web address."""

    text: str
    url: str
    # The line of its text in the file, where a problem with its words is named.
    line: int | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Verification:
    """Where a contact's details were verified, when, and how (kept apart from where people go)."""

    on: dt.date
    how: str
    sources: tuple[str, ...]


# The UK's nations by name, as a contacts file names them (``open.bank_holidays``), and as the
# holidays package does (its subdivisions of GB: England and Wales share theirs but for a few years).
BANK_HOLIDAY_NATIONS = {"England": "ENG", "Wales": "WLS", "Scotland": "SCT", "Northern Ireland": "NIR"}


# The holidays package's names for the UK's bank holidays, where GOV.UK's differ (gov.uk/bank-holidays).
GOV_UK_NAMES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "Summer Bank Holiday": "Summer bank holiday",
    "New Year Holiday": "2nd January",
    "Saint Andrew's Day": "St Andrew's Day",
    "Saint Patrick's Day": "St Patrick's Day",
    "Battle of the Boyne": "Battle of the Boyne (Orangemen's Day)",
}
SUBSTITUTE = " (observed)"


@functools.lru_cache(maxsize=32)
def bank_holiday_names(nation: str, year: int) -> dict[dt.date, str]:
    """The bank holidays of one of the UK's nations in ``year``, each with its name as GOV.UK gives
    it ("Boxing Day (substitute day)", "Early May bank holiday"), weekdays only, the days given
    instead of one at a weekend included (27 and 28 December 2027): the holidays package works out
    the regular ones, and its releases add the one-off days (a coronation, a jubilee), as GOV.UK
    announces them. Not to be changed."""
    import holidays  # (here, not at the top: loaded by the first process that needs it, about 0.1 s)

    found = holidays.country_holidays("GB", subdiv=BANK_HOLIDAY_NATIONS[nation], years=year)
    names = {}
    for day, name in found.items():
        # A holiday at a weekend is not a bank holiday: its substitute day is (as GOV.UK lists them;
        # found, regression review: Saturday 26 December 2026 was called one).
        if day.weekday() >= 5:
            continue
        plain = name.removesuffix(SUBSTITUTE)
        names[day] = GOV_UK_NAMES.get(plain, plain) + (" (substitute day)" if name.endswith(SUBSTITUTE) else "")
    return names


@functools.lru_cache(maxsize=32)
def bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    """The days of ``bank_holiday_names``."""
    return frozenset(bank_holiday_names(nation, year))


def bank_holiday_name(nation: str, day: dt.date) -> str:
    """The name of the bank holiday ``day`` is in ``nation`` ("Christmas Day"); "" if it is not one,
    or the nation is not known ("")."""
    return bank_holiday_names(nation, day.year).get(day, "") if nation else ""


@dataclass(frozen=True)
class OpenHours:
    """When a contact's phone is answered, on the days it is: from ``opens`` to ``closes``, UK
    time, on ``days`` (0 is Monday), and the contact to call when it is not (``otherwise``, an id);
    closed on the bank holidays of ``bank_holidays`` (a nation of the UK; "" if not known). It may
    close on other days too (between Christmas and New Year), so "usually", and never when it opens
    next."""

    days: frozenset[int]
    opens: dt.time
    closes: dt.time
    otherwise: str = ""
    bank_holidays: str = ""
    # Other times on some of ``days`` (``except`` in the file): (those days, opens, closes), the
    # first that names a day standing for it. Found (another area's review): a line open until 5pm
    # Monday to Thursday and 4:30pm on Fridays could not be given, so a page said the line was
    # closed for half an hour each day it was open, or open on Friday afternoons when it was not.
    exceptions: tuple[tuple[frozenset[int], dt.time, dt.time], ...] = ()

    DAY_NAMES: ClassVar[tuple[str, ...]] = (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    )

    def _day_names(self, days: frozenset[int]) -> str:
        return ", ".join(name for number, name in enumerate(self.DAY_NAMES) if number in days)

    def in_words(self) -> str:
        """ "Monday, Tuesday, Wednesday, Thursday, Friday, 08:30 to 16:30, otherwise out_of_hours"
        (``rules diff``), with any other times on some days ("except Friday, 08:30 to 16:00")."""
        closed = f", closed on bank holidays in {self.bank_holidays}" if self.bank_holidays else ""
        other = "".join(
            f", except {self._day_names(days)}, {opens:%H:%M} to {closes:%H:%M}"
            for days, opens, closes in self.exceptions
        )
        return (
            f"{self._day_names(self.days)}, {self.opens:%H:%M} to {self.closes:%H:%M}{other}{closed}, "
            f"otherwise {self.otherwise}"
        )

    def window(self, weekday: int) -> tuple[dt.time, dt.time] | None:
        """When it is answered on that day of the week (0 is Monday), or None if not at all."""
        if weekday not in self.days:
            return None
        return next(((opens, closes) for days, opens, closes in self.exceptions if weekday in days), None) or (
            self.opens,
            self.closes,
        )

    @property
    def times(self) -> frozenset[dt.time]:
        """Every time it opens or closes, on any day."""
        return frozenset({self.opens, self.closes, *(time for _, *pair in self.exceptions for time in pair)})

    def is_open(self, at: dt.datetime) -> bool:
        """Whether it is usually open at ``at`` (a UK local time): never on a bank holiday, where
        they are known. Found (review of Christmas Day): "usually open now (not on bank holidays)"
        left the reader to know it was one, and the closed line's number to find."""
        window = self.window(at.weekday())
        if window is None or not window[0] <= at.time() < window[1]:
            return False
        return not self.bank_holidays or at.date() not in bank_holidays(self.bank_holidays, at.year)

    def closes_at(self, at: dt.datetime) -> dt.time | None:
        """When it closes on the day of ``at`` (a UK local time), if it is open then; else None."""
        window = self.window(at.weekday())
        return window[1] if window is not None and self.is_open(at) else None


@dataclass(frozen=True)
class Contact:
    """A service people are sent to: the ways to reach it, and how its details were verified."""

    id: str
    name: str
    detail: str
    verified: Verification
    phone: str | None = None
    hours: str | None = None
    # When its phone is answered, as data (``hours`` says it in words): an outcome page says
    # whether it is open now (found, review as someone worried about a child at 11pm on a Saturday).
    open: OpenHours | None = None
    links: tuple[Link, ...] = ()
    email: str | None = None
    line: int | None = None
    # The line of each of its fields in the file ("name", "hours"), where a problem with that
    # field is named (else ``line``).
    field_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    # Where the date of the last verification is read from (and named in warnings): the one
    # place to change if the contacts file names it differently.
    VERIFIED_FIELD: ClassVar[str] = "verified.on"

    @property
    def verified_on(self) -> dt.date:
        """When the contact's details were last verified against their source."""
        return self.verified.on

    @property
    def calls_999(self) -> bool:
        """Whether its phone is 999 (or 112): the emergency services."""
        return (self.phone or "").replace(" ", "") in {"999", "112"}

    @property
    def tel(self) -> str | None:
        """The phone number as a ``tel:`` address (digits only), if the contact has one."""
        return "tel:" + "".join(self.phone.split()) if self.phone else None


@dataclass(frozen=True)
class ContactBook:
    """The deployment's contacts, and which of them stand in every page's footer."""

    path: str
    contacts: tuple[Contact, ...]
    emergency_ids: tuple[str, ...]
    version: str = ""

    def get(self, contact_id: str) -> Contact | None:
        """The contact called ``contact_id``, or None."""
        for contact in self.contacts:
            if contact.id == contact_id:
                return contact
        return None

    @property
    def emergency(self) -> tuple[Contact, ...]:
        """The contacts shown on every page, in order."""
        return tuple(c for c in (self.get(i) for i in self.emergency_ids) if c is not None)
