"""Compare two rule packs (and their contacts) in plain English, for review before a change goes live.

``diff_packs(old, new)`` lists the questions, options, routes, outcomes, contacts, citations,
flags and glossary terms added, removed or changed, and every route (sequence of answers)
whose outcome changes; first, every change that weakens or moves a safeguarding check, a flag
the facilitators triage on lost or reworded, or an answer's advice taken away, among them
(``safeguarding_changes``); it warns when
the new pack's review date has passed (given ``today``), when the pack's owner changes (the
partnership file must change with it), and when a contact's phone number, email or page address
changed but its verified date did not (``unverified_contact_changes``). ``to_text`` and
``to_markdown`` write it out. Pure: standard library
and the rules package only.

How routes are compared: every path of the old pack is walked through the new pack, keeping
the old path's answers and trying every answer to questions the old path never asked. Each
pairing is one set of answers a person could give; when the two packs send it to different
outcomes it is reported, with the answer where the packs part ways. A path of the old pack
that the new pack cannot follow (an answer was removed) is reported as "not a possible
route" in the new pack, and a path of the new pack that no old path matches (an answer was
added) as "not a possible route" in the old one. A question whose id alone changed, or an
option whose value alone changed, is first given its new name in (a copy of) the old pack
(``question_ids_changed``, ``option_values_changed``), so it is compared with its old self.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

from .engine import enumerate_paths, evaluate, normalise
from .errors import InvalidAnswer
from .model import Contact, ContactBook, Flag, Guidance, Option, Outcome, Question, RulePack, Text
from .validate import review_date_passed

# The statistics' row for an outcome or answer that was counted, but that the current rule pack no
# longer has (the partnership took it out), by kind of count ("outcome", "criterion": the kinds
# in ``app.stats.service``). Its counts are kept; its words are not (a count holds only the id,
# and the pack it came from is gone), so the row says what it was and gives the id, which whoever
# maintains the rules can look up in the pack's history: never the bare id alone. Here, not in
# the statistics, so that the comparison says what the statistics will show (``statistics_notes``).
RETIRED_LABELS = {
    "outcome": "An outcome no longer in the rules (id: {id})",
    "criterion": "An answer no longer in the rules (id: {id})",
}

Section = Literal["questions", "options", "routes", "outcomes", "contacts", "citations", "flags", "glossary", "pack"]
Kind = Literal["added", "removed", "changed"]

SECTION_TITLES: tuple[tuple[Section, str], ...] = (
    ("questions", "Questions"),
    ("options", "Options (answers)"),
    ("routes", "Routes"),
    ("outcomes", "Outcomes"),
    ("contacts", "Contacts"),
    ("citations", "Citations (guidance)"),
    ("flags", "Flags"),
    ("glossary", "Glossary"),
    ("pack", "Pack details"),
)
T = TypeVar("T")
NOT_POSSIBLE = "not a possible route"
# Found (rules maintainer's review): "704 routes" read as wrong beside `rules check`'s "334 paths".
ROUTES_MEANING = (
    "A route is one set of answers a person could give, followed through both packs, so there can be more "
    "of them than the paths `rules check` counts in one pack. Each line below is told by the answer that "
    "makes the difference."
)
NONE = "(none)"

# One answer on a route: the question's id and the option value(s) chosen, in pack order.
Step = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class FieldChange:
    """One field of an item, before and after, written for people (text in quotes, lists joined)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ItemChange:
    """A question, option, route, outcome, contact, citation, flag or term added, removed or changed."""

    section: Section
    kind: Kind
    subject: str
    changes: tuple[FieldChange, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Answered:
    """One answer on a route, in words: the question (full and short) and the answer chosen."""

    question_id: str
    question: str
    short: str
    answer: str


@dataclass(frozen=True)
class RouteChange:
    """A set of answers that leads to a different outcome (None: not a possible route in that pack)."""

    answers: tuple[Answered, ...]
    at: Answered | None
    old_outcome: str | None
    new_outcome: str | None
    steps: tuple[Step, ...] = ()
    # The questions the route asks only in the old pack, past where the new pack's route ends
    # (found, new-developer review: listed among the answers as if the new route asked them).
    old_only: frozenset[str] = frozenset()

    def sentence(self) -> str:
        """For example: Yes at "A worry about an adult who works with children" now leads to L, was U2: the question
        by its short name (found, rules maintainer's review: its title cut to 35 characters, "Is a
        child or young person in…", hid what the question was)."""
        now = f"now leads to {self.new_outcome}" if self.new_outcome else f"now: {NOT_POSSIBLE}"
        was = f"was {self.old_outcome}" if self.old_outcome else f"was: {NOT_POSSIBLE}"
        if self.at is None:
            return f"These answers {now}, {was}"
        return f'{shorten(self.at.answer, 60)} at "{self.at.short}" {now}, {was}'

    def answers_text(self) -> str:
        """Every answer on the route, in order; those the old pack's route goes on to ask after the
        new one ends said apart."""
        said = [f"{a.short}: {shorten(a.answer, 70)}" for a in self.answers if a.question_id not in self.old_only]
        before = [f"{a.short}: {shorten(a.answer, 70)}" for a in self.answers if a.question_id in self.old_only]
        return "; ".join(said) + (f" (then, on the old route only: {'; '.join(before)})" if before else "")


@dataclass(frozen=True)
class PackDiff:
    """Everything that differs between two packs (and their contacts, when given)."""

    old: RulePack
    new: RulePack
    items: tuple[ItemChange, ...]
    routes: tuple[RouteChange, ...]
    old_contacts: ContactBook | None = None
    new_contacts: ContactBook | None = None
    # Things a reviewer must look at that are not changes in themselves (see
    # ``unverified_contact_changes``): they do not change the exit code.
    warnings: tuple[str, ...] = ()
    # Changes that weaken or move a safeguarding check (see ``safeguarding_changes``): listed
    # first, and they make the exit code 1 even when no route or outcome changes.
    safeguarding: tuple[str, ...] = ()
    # The questions whose id alone changed, old id to new (``question_ids_changed``): compared as
    # one question each, and the routes' steps name them by their new ids.
    renamed: dict[str, str] = field(default_factory=dict)
    # The options whose value alone changed, by the new pack's question id, old value to new
    # (``option_values_changed``): compared as one option each, and the routes' steps give the new.
    values_changed: dict[str, dict[str, str]] = field(default_factory=dict)
    _titles: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        titles = {o.id: o.title.practitioner for o in self.old.outcomes}
        titles.update({o.id: o.title.practitioner for o in self.new.outcomes})
        object.__setattr__(self, "_titles", titles)

    def section(self, section: Section) -> tuple[ItemChange, ...]:
        """The item changes in one section, in pack order."""
        return tuple(item for item in self.items if item.section == section)

    @property
    def outcomes_changed(self) -> tuple[ItemChange, ...]:
        """Outcomes added, removed or changed (what people are told to do, with whom, and why)."""
        return self.section("outcomes")

    @property
    def outcomes_change(self) -> bool:
        """Whether any route leads to a different outcome, or any outcome itself changed."""
        return bool(self.routes or self.outcomes_changed)

    @property
    def exit_code(self) -> int:
        """1 when outcomes change or a safeguarding check is weakened or moved (a deployment should
        require review), else 0."""
        return 1 if self.outcomes_change or self.safeguarding else 0

    @property
    def unchanged(self) -> bool:
        """Whether nothing at all differs."""
        return not self.items and not self.routes

    def route_groups(self) -> tuple[tuple[str, tuple[RouteChange, ...]], ...]:
        """The changed routes grouped by what changed (the same answer, question and outcomes), in order."""
        groups: dict[str, list[RouteChange]] = {}
        for route in self.routes:
            groups.setdefault(route.sentence(), []).append(route)
        return tuple((sentence, tuple(routes)) for sentence, routes in groups.items())

    def mentioned_outcomes(self) -> tuple[tuple[str, str], ...]:
        """(id, title) of every outcome named in the changed routes, in order of first mention."""
        ids: list[str] = []
        for route in self.routes:
            for outcome_id in (route.new_outcome, route.old_outcome):
                if outcome_id is not None and outcome_id not in ids:
                    ids.append(outcome_id)
        return tuple((outcome_id, self._titles.get(outcome_id, "")) for outcome_id in ids)

    def safeguarding_outcomes(self) -> tuple[tuple[str, str], ...]:
        """(id, title) of the outcomes named by the safeguarding section's changed routes."""
        ids: list[str] = []
        for route in self.routes:
            if any(note.startswith(f"{route.sentence()} (") for note in self.safeguarding):
                ids.extend(i for i in (route.new_outcome, route.old_outcome) if i is not None and i not in ids)
        return tuple((outcome_id, self._titles.get(outcome_id, "")) for outcome_id in ids)

    def statistics_notes(self) -> tuple[str, ...]:
        """What the change does to the anonymous statistics (docs/STATISTICS.md), which count
        outcomes and the criteria question's answers by id: one the new pack no longer has keeps
        its counts so far, in a row of its own with the id and not its words; a new one is
        counted from the day the pack goes live. An id changed is both, in two rows not joined."""
        notes = []
        kinds = (
            ("outcome", "Outcome", _outcome_titles(self.old), _outcome_titles(self.new)),
            ("criterion", "Answer", _criteria_labels(self.old), _criteria_labels(self.new)),
        )
        for kind, noun, old, new in kinds:
            for key, words in old.items():
                if key not in new:
                    retired = RETIRED_LABELS[kind].format(id=key)
                    notes.append(
                        f'{noun} {key} ("{shorten(words, 70)}") is no longer in the rules: the statistics keep '
                        f'its counts so far, shown as "{retired}".'
                    )
            for key, words in new.items():
                if key not in old:
                    notes.append(
                        f'{noun} {key} ("{shorten(words, 70)}") is new: the statistics count it from the day this '
                        "pack goes live, in a row of its own."
                    )
        if any("is no longer in the rules" in note for note in notes) and any("is new:" in note for note in notes):
            notes.append(
                "An outcome or answer whose id changed is counted afresh under its new id: its old and new "
                "rows are not added together."
            )
        return tuple(notes)

    @property
    def same_contacts(self) -> str | None:
        """The contacts file both packs were read with, when it is one file: then changes to
        the contacts cannot show, and the comparison must say so."""
        if self.old_contacts is None or self.new_contacts is None:
            return None
        old, new = self.old_contacts.path, self.new_contacts.path
        return new if os.path.realpath(old) == os.path.realpath(new) else None

    def contacts_caveat(self) -> str | None:
        """Why contacts were not compared, when they were not; else None."""
        if self.same_contacts is not None:
            return (
                f"Both packs were read with the same contacts file ({self.same_contacts}), so changes "
                "to contacts are not compared: give --old-contacts with a copy of the contacts as they were."
            )
        if self.old_contacts is None or self.new_contacts is None:
            return "Contacts are not compared: give both packs' contacts files to compare them."
        return None

    def summary(self) -> str:
        """One plain sentence: does anything change where people are sent? With the caveat
        when the contacts were not compared, so "No changes" is never said without it."""
        caveat = self.contacts_caveat()
        return f"{self._summary(caveat is not None)} {caveat}" if caveat else self._summary(False)

    def _summary(self, contacts_unseen: bool) -> str:
        others = len(self.items) - len(self.outcomes_changed)
        checks = (
            f"{SAFEGUARDING_TITLE}: {_count(len(self.safeguarding), 'change')}, listed first. "
            if self.safeguarding
            else ""
        )
        if self.unchanged:
            rewritten = self._rewritten()
            if rewritten:
                return rewritten
            if contacts_unseen:
                return "No changes to the packs: the two packs ask, route and say the same."
            return "No changes: the two packs ask, route and say the same."
        if not self.outcomes_change:
            if checks:
                return (
                    f"{checks}No route leads to a different outcome and no outcome changed, but ask a second "
                    f"person to review this before it goes live ({_count(others, 'change')} below)."
                )
            return (
                f"No route leads to a different outcome and no outcome changed. {_count(others, 'other change')} below."
            )
        parts = []
        # Told apart (found, partnership review: an answer added made "352 routes now lead to a
        # different outcome" of 96 that did and 256 new ones, burying the one real change).
        moved = [route for route in self.routes if route.old_outcome and route.new_outcome]
        new = sum(1 for route in self.routes if not route.old_outcome)
        ended = sum(1 for route in self.routes if not route.new_outcome)
        if moved:
            parts.append(
                f"{_count(len(moved), 'route')} now lead{'s' if len(moved) == 1 else ''} to a different outcome"
            )
        if new:
            parts.append(f"{_count(new, 'route')} {'is' if new == 1 else 'are'} new (an answer or question added)")
        if ended:
            parts.append(f"{_count(ended, 'route')} {'is' if ended == 1 else 'are'} no longer possible")
        if self.outcomes_changed:
            parts.append(f"{_count(len(self.outcomes_changed), 'outcome')} added, removed or changed")
        # Said outright when so (area review): another area keeping the routing, with its own
        # wording and contacts in every outcome, reads here that every route still ends where it did.
        # (Not when routes are new or no longer possible: an answer replaced by one leading elsewhere
        # is both, and "no route possible before leads elsewhere" read as no change; regression review.)
        same_routes = "" if self.routes else "; no route leads to a different outcome"
        more = f" ({_count(others, 'other change')} below too)" if others else ""
        return (
            f"{checks}Outcomes change: {', '.join(parts[:-1]) + ' and ' if len(parts) > 1 else ''}{parts[-1]}"
            f"{same_routes}. "
            f"Ask a second person to review this before it goes live{more}."
        )

    def _rewritten(self) -> str | None:
        """When nothing compared differs but the version does (the items of the pack or the contacts
        in another order, the same words written out for each mode instead of as both...): said, not
        "No changes", as the version, which covers both files, is stamped on every outcome page,
        request and PDF."""
        if self.old.version == self.new.version:
            return None
        return (
            "Nothing the packs ask, route or say changes, but the version stamped on every outcome page, "
            f"request and PDF changes from {self.old.version} to {self.new.version}: only how the files are "
            "written changed (such as the order of questions, outcomes, guidance, contacts or glossary terms, "
            "or the same words given for each mode instead of as both)."
        )


def _outcome_titles(pack: RulePack) -> dict[str, str]:
    """Each outcome's id and title, in pack order."""
    return {outcome.id: outcome.title.practitioner for outcome in pack.outcomes}


def _criteria_labels(pack: RulePack) -> dict[str, str]:
    """The criteria question's answers that the statistics count (not "None of these"): value and label."""
    asked = pack.question(pack.roles.criteria_question)
    options = asked.options if asked is not None else ()
    return {option.value: option.label.practitioner for option in options if not option.exclusive}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return (cut or text[:limit]) + "…"


def _quoted(text: str | None) -> str:
    return f'"{text}"' if text else NONE


def _ids(values: Sequence[str]) -> str:
    return ", ".join(values) if values else NONE


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# ---------------------------------------------------------------- field comparisons


def _text(name: str, old: Text | None, new: Text | None) -> list[FieldChange]:
    """Changes to wording, naming the mode's variant when the two wordings differ."""
    if old == new:
        return []
    before, after = old or Text("", ""), new or Text("", "")
    if before.practitioner == before.supervision and after.practitioner == after.supervision:
        return [FieldChange(name, _quoted(before.practitioner), _quoted(after.practitioner))]
    changes = []
    if before.practitioner != after.practitioner:
        changes.append(
            FieldChange(f"{name} (practitioner wording)", _quoted(before.practitioner), _quoted(after.practitioner))
        )
    if before.supervision != after.supervision:
        changes.append(
            FieldChange(f"{name} (supervision wording)", _quoted(before.supervision), _quoted(after.supervision))
        )
    return changes


def _open(contact: Contact) -> str | None:
    """When a contact's phone is answered, as its ``open`` data says, in words (None: not given)."""
    return contact.open.in_words() if contact.open is not None else None


def _plain(name: str, old: str | None, new: str | None, quote: bool = True) -> list[FieldChange]:
    if old == new:
        return []
    show = _quoted if quote else (lambda value: value or NONE)
    return [FieldChange(name, show(old), show(new))]


def _flag(name: str, old: bool, new: bool) -> list[FieldChange]:
    return [] if old == new else [FieldChange(name, _yes_no(old), _yes_no(new))]


def _id_list(name: str, old: Sequence[str], new: Sequence[str]) -> list[FieldChange]:
    return [] if tuple(old) == tuple(new) else [FieldChange(name, _ids(old), _ids(new))]


def _implies(option: Option) -> str:
    return "; ".join(f"{question_id}: {', '.join(values)}" for question_id, values in option.implies) or NONE


# ---------------------------------------------------------------- names of things


def _question_name(question: Question) -> str:
    return f'question "{shorten(question.title.practitioner, 60)}" ({question.id})'


def _option_name(question: Question, option: Option) -> str:
    return f'option "{shorten(option.label.practitioner, 60)}" ({option.value}) of {_question_name(question)}'


def _outcome_name(outcome: Outcome) -> str:
    return f'outcome {outcome.id} "{shorten(outcome.title.practitioner, 60)}"'


def _leads(question: Question, option: Option) -> str:
    return f"leads to {question.route_for(option) or NONE}"


# ---------------------------------------------------------------- items


def _pair(old: Sequence[T], new: Sequence[T], key: Callable[[T], str]) -> tuple[list[T], list[T], list[tuple[T, T]]]:
    """Items only in ``new`` (added), only in ``old`` (removed), and in both (matched on ``key``), in pack order."""
    old_by = {key(item): item for item in old}
    new_keys = {key(item) for item in new}
    added = [item for item in new if key(item) not in old_by]
    removed = [item for item in old if key(item) not in new_keys]
    both = [(old_by[key(item)], item) for item in new if key(item) in old_by]
    return added, removed, both


def _by_id(item: Question | Outcome | Guidance | Flag | Contact) -> str:
    return item.id


def _by_value(item: Option) -> str:
    return item.value


def _same_question(old: Question, new: Question) -> bool:
    """Whether two questions ask the same thing with the same answers (their ids, routes, hints
    and markings aside): the same kind and title, and the same options' values and labels, in order."""
    return (
        old.kind == new.kind
        and old.title == new.title
        and [(o.value, o.label) for o in old.options] == [(o.value, o.label) for o in new.options]
    )


def question_ids_changed(old: RulePack, new: RulePack) -> dict[str, str]:
    """The questions whose id alone changed, old id to new: a question only the old pack has
    matched to the one question only the new pack has with the same title and answers (see
    ``_same_question``), when neither has another such match. Found (rules review): such a
    question was compared as one removed and another added, and every route through it, hundreds
    in the shipped pack, was listed as changed, hiding any route that really changed."""
    gone = [q for q in old.questions if new.question(q.id) is None]
    came = [q for q in new.questions if old.question(q.id) is None]
    renamed = {}
    for before in gone:
        matches = [after for after in came if _same_question(before, after)]
        if len(matches) == 1 and [b for b in gone if _same_question(b, matches[0])] == [before]:
            renamed[before.id] = matches[0].id
    return renamed


def _with_question_ids(pack: RulePack, renamed: dict[str, str]) -> RulePack:
    """``pack`` with the questions in ``renamed`` called by their new ids, everywhere an id names
    one (routes, the first question, ``implies``, roles, outcomes' change links); its path and
    version kept."""
    if not renamed:
        return pack

    def to(node_id: str | None) -> str | None:
        return renamed.get(node_id, node_id) if node_id is not None else None

    def option(item: Option) -> Option:
        implies = tuple((renamed.get(question_id, question_id), values) for question_id, values in item.implies)
        return replace(item, next=to(item.next), implies=implies)

    questions = tuple(
        replace(q, id=renamed.get(q.id, q.id), next=to(q.next), options=tuple(option(o) for o in q.options))
        for q in pack.questions
    )
    outcomes = tuple(replace(o, change_question=to(o.change_question)) for o in pack.outcomes)
    roles = replace(
        pack.roles, criteria_question=renamed.get(pack.roles.criteria_question, pack.roles.criteria_question)
    )
    return replace(pack, start=renamed.get(pack.start, pack.start), questions=questions, outcomes=outcomes, roles=roles)


def option_values_changed(old: RulePack, new: RulePack) -> dict[str, dict[str, str]]:
    """The options whose value alone changed, by question id, old value to new: an option only
    the old version of a question has matched to the one option only the new version has with
    the same label, when neither has another such match (``old`` names its questions as ``new``
    does, see ``question_ids_changed``). Found (rules review): such an option was compared as one
    removed and another added, and every route through it listed twice, as no longer possible
    and as new."""
    changed: dict[str, dict[str, str]] = {}
    for after in new.questions:
        before = old.question(after.id)
        if before is None:
            continue
        gone = [o for o in before.options if after.option(o.value) is None]
        came = [o for o in after.options if before.option(o.value) is None]
        for was in gone:
            matches = [o for o in came if o.label == was.label]
            if len(matches) == 1 and [o for o in gone if o.label == was.label] == [was]:
                changed.setdefault(after.id, {})[was.value] = matches[0].value
    return changed


def _with_option_values(pack: RulePack, changed: dict[str, dict[str, str]]) -> RulePack:
    """``pack`` with the option values in ``changed`` (by question id) made the new ones,
    everywhere a value names one (``implies``, the debrief criterion); its path and version kept."""
    if not changed:
        return pack

    def implied(item: Option) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple(
            (question_id, tuple(changed.get(question_id, {}).get(value, value) for value in values))
            for question_id, values in item.implies
        )

    questions = tuple(
        replace(
            q,
            options=tuple(
                replace(o, value=changed.get(q.id, {}).get(o.value, o.value), implies=implied(o)) for o in q.options
            ),
        )
        for q in pack.questions
    )
    criteria = changed.get(pack.roles.criteria_question, {})
    roles = replace(
        pack.roles, debrief_criterion=criteria.get(pack.roles.debrief_criterion, pack.roles.debrief_criterion)
    )
    return replace(pack, questions=questions, roles=roles)


def _pack_items(old: RulePack, new: RulePack) -> Iterator[ItemChange]:
    changes = [
        *_plain("name", old.name, new.name),
        *_plain("owner", old.owner, new.owner),
        *_plain("review by", old.review_date.isoformat(), new.review_date.isoformat(), quote=False),
        *_plain("first question", old.start, new.start, quote=False),
        *_plain("criteria question", old.roles.criteria_question, new.roles.criteria_question, quote=False),
        *_plain("debrief criterion", old.roles.debrief_criterion, new.roles.debrief_criterion, quote=False),
    ]
    if changes:
        yield ItemChange("pack", "changed", "the pack", tuple(changes))


def _question_items(
    old: RulePack, new: RulePack, renamed: dict[str, str], values: dict[str, dict[str, str]]
) -> Iterator[ItemChange]:
    """The questions added, removed and changed (``old`` with the ids in ``renamed`` and the
    option values in ``values`` already changed to the new pack's, see ``question_ids_changed``
    and ``option_values_changed``)."""
    added, removed, both = _pair(old.questions, new.questions, _by_id)
    for question in added:
        options = "; ".join(f'"{shorten(o.label.practitioner, 40)}" {_leads(question, o)}' for o in question.options)
        note = f"{question.kind} choice: {options}"
        was = next((q.id for q in removed if q.title.practitioner == question.title.practitioner), None)
        if was is not None:
            note += (
                f" (the same title as question {was}, removed, but not the same answers, so the two are compared "
                "as different questions: routes that give them different answers are listed as changed)"
            )
        yield ItemChange("questions", "added", _question_name(question), note=note)
    for question in removed:
        yield ItemChange("questions", "removed", _question_name(question))
    was_called = {new_id: old_id for old_id, new_id in renamed.items()}
    for before, after in both:
        note = ""
        changes = []
        if after.id in was_called:
            note = (
                f"id changed from {was_called[after.id]} to {after.id} (the same title and answers): compared as one "
                "question, so only routes that really changed are listed; its page's address changes with its id, "
                "and people part way through who answered it are asked it again (their answer is kept under its "
                "old id): keep an id when only the words change"
            )
            changes.append(FieldChange("id", was_called[after.id], after.id))
        changes += [
            *_plain("kind", before.kind, after.kind, quote=False),
            *_text("title", before.title, after.title),
            *_text("short title (used in summaries)", before.short, after.short),
            *_text("hint", before.hint, after.hint),
            *_text("error message", before.error, after.error),
            *_text("error message for an exclusive option with others", before.exclusive_error, after.exclusive_error),
            *_flag("safety question (risk)", before.risk, after.risk),
            *_option_order(before, after),
        ]
        if changes:
            yield ItemChange("questions", "changed", _question_name(after), tuple(changes), note)
        yield from _option_items(before, after, values.get(after.id, {}))
        if before.cites != after.cites:
            yield ItemChange(
                "citations",
                "changed",
                _question_name(after),
                tuple(_id_list("guidance cited", before.cites, after.cites)),
            )


def _option_order(old: Question, new: Question) -> list[FieldChange]:
    """The order the options are shown in, when the options both versions have are in another order."""
    kept = {option.value for option in old.options} & {option.value for option in new.options}
    before = [option.value for option in old.options if option.value in kept]
    after = [option.value for option in new.options if option.value in kept]
    return _id_list("order of the options shown", before, after) if before != after else []


def _option_items(old: Question, new: Question, values: dict[str, str]) -> Iterator[ItemChange]:
    """The options added, removed and changed (``old`` with the values in ``values`` already
    changed to the new pack's, see ``option_values_changed``)."""
    added, removed, both = _pair(old.options, new.options, _by_value)
    for option in added:
        note = _leads(new, option)
        was = next((o.value for o in removed if o.label.practitioner == option.label.practitioner), None)
        if was is not None:
            note += (
                f" (the same words as option {was}, removed, though another option has them too, so the two are "
                "compared as different answers: the routes it is on are listed as changed, once as not a possible "
                "route and once as new)"
            )
        yield ItemChange("options", "added", _option_name(new, option), note=note)
    for option in removed:
        yield ItemChange(
            "options", "removed", _option_name(old, option), note=f"it led to {old.route_for(option) or NONE}"
        )
    ordinary: list[tuple[str, str, str]] = []
    was_called = {now: was for was, now in values.items()}
    for before, after in both:
        note = ""
        changes = []
        if after.value in was_called:
            note = (
                f"value changed from {was_called[after.value]} to {after.value} (the same words): compared as one "
                "answer, so only routes that really changed are listed"
            )
            changes.append(FieldChange("value", was_called[after.value], after.value))
        changes += [
            *_text("label", before.label, after.label),
            *_text("hint", before.hint, after.hint),
            *_text("advice", before.advice, after.advice),
            *_id_list("flags set", before.flags, after.flags),
            *_flag("safe (may lead on towards a request)", before.safe, after.safe),
            *_flag('a "not sure" answer', before.unsure, after.unsure),
            *_flag('exclusive ("none of these")', before.exclusive, after.exclusive),
            *_plain("sets the mode", before.mode, after.mode, quote=False),
            *_plain("pre-fills later answers", _implies(before), _implies(after), quote=False),
        ]
        if changes:
            yield ItemChange("options", "changed", _option_name(new, after), tuple(changes), note)
        old_route, new_route = old.route_for(before) or NONE, new.route_for(after) or NONE
        if old_route != new_route:
            grouped = (
                old.kind == new.kind == "multiple"
                and not before.exclusive
                and not after.exclusive
                and before.next is None
                and after.next is None
            )
            if grouped:
                ordinary.append((after.label.practitioner, old_route, new_route))
            else:
                yield ItemChange(
                    "routes",
                    "changed",
                    f'"{shorten(after.label.practitioner, 60)}" ({after.value}) at {_question_name(new)}',
                    (FieldChange("leads to", old_route, new_route),),
                )
        if before.cites != after.cites:
            yield ItemChange(
                "citations",
                "changed",
                _option_name(new, after),
                tuple(_id_list("guidance cited", before.cites, after.cites)),
            )
    if ordinary:
        _, old_route, new_route = ordinary[0]
        yield ItemChange(
            "routes",
            "changed",
            f"the ordinary (tick any) options at {_question_name(new)}",
            (FieldChange("leads to", old_route, new_route),),
        )


def _outcome_items(old: RulePack, new: RulePack) -> Iterator[ItemChange]:
    added, removed, both = _pair(old.outcomes, new.outcomes, _by_id)
    for outcome in added:
        yield ItemChange("outcomes", "added", _outcome_name(outcome), note=f"contacts: {_ids(outcome.contacts)}")
    for outcome in removed:
        yield ItemChange("outcomes", "removed", _outcome_name(outcome))
    for before, after in both:
        changes = [*_text("title", before.title, after.title), *_text("summary", before.summary, after.summary)]
        changes.extend(_action_changes(before.actions, after.actions))
        changes.extend(_id_list("contacts shown", before.contacts, after.contacts))
        for contact_id in dict.fromkeys((*before.contacts, *after.contacts)):
            changes.extend(
                _text(f"when {contact_id} applies", before.contact_note(contact_id), after.contact_note(contact_id))
            )
        changes.extend(_plain("change link to", before.change_question, after.change_question, quote=False))
        changes.extend(_text("change link words", before.change_text, after.change_text))
        changes.extend(_flag("leads to a request for a session", before.request, after.request))
        changes.extend(_flag("to act on now", before.act_now, after.act_now))
        if changes:
            yield ItemChange("outcomes", "changed", _outcome_name(after), tuple(changes))
        if before.cites != after.cites:
            yield ItemChange(
                "citations",
                "changed",
                _outcome_name(after),
                tuple(_id_list("guidance cited", before.cites, after.cites)),
            )


def _action_changes(old: Sequence[Text], new: Sequence[Text]) -> list[FieldChange]:
    """An outcome's actions added, removed or reworded, in order, each numbered as its own pack
    numbers it. Found (rules review): they were compared by position, so taking away the first
    ("Call 999 if a child is in immediate danger.") read as every action reworded into the next
    and the last removed."""
    changes: list[FieldChange] = []
    for was, now in _actions_aligned(old, new):
        if was is not None and now is not None:
            name = f"action {was + 1}" if was == now else f"action {was + 1}, now {now + 1}"
            changes.extend(_text(name, old[was], new[now]))
        elif was is not None:
            changes.extend(_text(f"action {was + 1} of {len(old)} (removed)", old[was], None))
        elif now is not None:
            changes.extend(_text(f"action {now + 1} of {len(new)} (added)", None, new[now]))
    return changes


def _actions_aligned(old: Sequence[Text], new: Sequence[Text]) -> list[tuple[int | None, int | None]]:
    """The actions of two versions of an outcome that differ, lined up in order: (old, new)
    positions of an action reworded, (old, None) of one removed, (None, new) of one added."""
    aligned: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(old_end - old_start, new_end - new_start)
        aligned += [(old_start + offset, new_start + offset) for offset in range(pairs)]
        aligned += [(index, None) for index in range(old_start + pairs, old_end)]
        aligned += [(None, index) for index in range(new_start + pairs, new_end)]
    return aligned


def _guidance_items(old: RulePack, new: RulePack) -> Iterator[ItemChange]:
    def name(item: Guidance) -> str:
        return f'guidance {item.id} ("{shorten(item.source, 60)}")'

    added, removed, both = _pair(old.guidance, new.guidance, _by_id)
    for item in added:
        yield ItemChange("citations", "added", name(item), note=_quoted(item.text))
    for item in removed:
        yield ItemChange("citations", "removed", name(item))
    for before, after in both:
        changes = [
            *_plain("source", before.source, after.source),
            *_plain("text", before.text, after.text),
            *_plain("web address", before.url, after.url, quote=False),
            *_flag("a verbatim quote", before.quote, after.quote),
        ]
        if changes:
            yield ItemChange("citations", "changed", name(after), tuple(changes))


def _flag_items(old: RulePack, new: RulePack) -> Iterator[ItemChange]:
    def name(item: Flag) -> str:
        return f"flag {item.id}"

    added, removed, both = _pair(old.flags, new.flags, _by_id)
    for item in added:
        yield ItemChange("flags", "added", name(item), note=_quoted(item.label))
    for item in removed:
        yield ItemChange("flags", "removed", name(item))
    for before, after in both:
        changes = [
            *_plain("label", before.label, after.label),
            *_plain("set in", " and ".join(before.modes) + " mode", " and ".join(after.modes) + " mode", quote=False),
        ]
        if changes:
            yield ItemChange("flags", "changed", name(after), tuple(changes))


def _glossary_items(old: RulePack, new: RulePack) -> Iterator[ItemChange]:
    before, after = dict(old.glossary), dict(new.glossary)
    for term, meaning in new.glossary:
        if term not in before:
            yield ItemChange("glossary", "added", f"term {term}", note=_quoted(meaning))
        elif before[term] != meaning:
            yield ItemChange("glossary", "changed", f"term {term}", tuple(_plain("meaning", before[term], meaning)))
    for term, _ in old.glossary:
        if term not in after:
            yield ItemChange("glossary", "removed", f"term {term}")


def _links(contact: Contact) -> str | None:
    """A contact's pages as one line (text and address), for comparing."""
    return "; ".join(f"{link.text} <{link.url}>" for link in contact.links) or None


def _contact_items(old: ContactBook, new: ContactBook) -> Iterator[ItemChange]:
    def name(item: Contact) -> str:
        return f'contact {item.id} ("{item.name}")'

    added, removed, both = _pair(old.contacts, new.contacts, _by_id)
    for item in added:
        yield ItemChange(
            "contacts",
            "added",
            name(item),
            note=item.phone or item.email or (item.links[0].url if item.links else item.detail),
        )
    for item in removed:
        yield ItemChange("contacts", "removed", name(item))
    for before, after in both:
        changes = [
            *_plain("name", before.name, after.name),
            *_plain("detail", before.detail, after.detail),
            *_plain("phone", before.phone, after.phone, quote=False),
            *_plain("hours", before.hours, after.hours),
            *_plain("open (as data)", _open(before), _open(after), quote=False),
            *_plain("pages", _links(before), _links(after), quote=False),
            *_plain("email", before.email, after.email, quote=False),
            *_plain("verified on", before.verified.on.isoformat(), after.verified.on.isoformat(), quote=False),
            *_plain("how verified", before.verified.how, after.verified.how),
            *_plain("verified from", "; ".join(before.verified.sources), "; ".join(after.verified.sources)),
        ]
        if changes:
            yield ItemChange("contacts", "changed", name(after), tuple(changes))
    if old.emergency_ids != new.emergency_ids:
        yield ItemChange(
            "contacts",
            "changed",
            "the contacts shown on every page",
            tuple(_id_list("in order", old.emergency_ids, new.emergency_ids)),
        )


def _tel(contact: Contact) -> str:
    """The phone number as it is dialled (formatting aside: "0161 603 4500" is "01616034500")."""
    return contact.tel or ""


def _addresses(contact: Contact) -> set[str]:
    return {link.url for link in contact.links}


def unverified_contact_changes(old: ContactBook, new: ContactBook) -> tuple[str, ...]:
    """A warning for each contact whose phone number, email or page address changed while its
    ``verified.on`` date stayed the same: that date now vouches for a detail nobody has compared
    with its source (a number typed wrong still looks verified). Formatting only (spaces in a
    number, the case of an email) and a detail taken away are not new details."""
    warnings = []
    before = {contact.id: contact for contact in old.contacts}
    for after in new.contacts:
        was = before.get(after.id)
        if was is None or was.verified.on != after.verified.on:
            continue
        changed: list[str] = []  # what changed, in words
        unchecked: list[str] = []  # each new detail, with its article
        if after.phone and _tel(was) != _tel(after):
            changed.append(f"phone number changed to {after.phone}")
            unchecked.append("a phone number")
        if after.email and (was.email or "").lower() != after.email.lower():
            changed.append(f"email changed to {after.email}")
            unchecked.append("an email address")
        if added := [link.url for link in after.links if link.url not in _addresses(was)]:
            changed.append(f"new page address{'es' if len(added) > 1 else ''} {', '.join(added)}")
            unchecked.extend("a page address" for _ in added)
        if not changed:
            continue
        one = len(unchecked) == 1
        warnings.append(
            f'contact {after.id} ("{after.name}"): {" and ".join(changed)}, but the verified date did not change '
            f"({Contact.VERIFIED_FIELD} is still {after.verified.on.isoformat()}), so that date now vouches for "
            f"{unchecked[0] if one else 'details'} nobody has checked. Compare {'it' if one else 'them'} with the "
            f"source, then update {Contact.VERIFIED_FIELD}, how and sources."
        )
    return tuple(warnings)


# ---------------------------------------------------------------- routes
#
# The two packs are walked together, one set of answers at a time. At each question the
# answers are split into classes that both packs treat alike (for multiple choice: the
# ordinary options together, each exclusive option alone, and selections only one pack
# accepts), so every set of answers a person could give falls in exactly one route below.

_ABSENT = "-"  # the pack does not have the question: any answer is irrelevant to it


def _values(question: Question) -> tuple[str, ...]:
    return tuple(option.value for option in question.options)


def _classify(question: Question | None, selection: tuple[str, ...]) -> str | None:
    """How ``question`` routes ``selection``: a key per answer class, None if it is not an answer here."""
    if question is None:
        return _ABSENT
    if question.kind != "multiple":
        return f"={selection[0]}" if len(selection) == 1 and question.option(selection[0]) else None
    options = [question.option(value) for value in selection]
    if not selection or any(option is None for option in options):
        return None
    exclusive = [option for option in options if option is not None and option.exclusive]
    if exclusive:
        return f"!{exclusive[0].value}" if len(selection) == 1 else None
    return "+"


def _answer_classes(old: Question | None, new: Question | None) -> list[tuple[str, ...]]:
    """One selection from each class of answers that the two versions of a question route alike,
    in option order (a question in only one pack: that pack's own classes)."""
    questions = [q for q in (old, new) if q is not None]
    union: list[str] = []
    for question in questions:
        union.extend(value for value in _values(question) if value not in union)
    ordinary = [tuple(o.value for o in q.options if not o.exclusive) for q in questions if q.kind == "multiple"]
    candidates: list[tuple[str, ...]] = []
    if len(ordinary) == 2:
        candidates.append(tuple(v for v in ordinary[0] if v in ordinary[1]))
    for index, own in enumerate(ordinary):
        other = questions[1 - index] if len(questions) == 2 else None
        known = set(_values(other)) if other is not None else set()
        candidates += [tuple(v for v in own if v not in known), own]
    candidates += [(value,) for value in union]
    by_signature: dict[tuple[str | None, str | None], tuple[str, ...]] = {}
    for selection in candidates:
        if not selection:
            continue
        signature = (_classify(old, selection), _classify(new, selection))
        if all(key in (None, _ABSENT) for key in signature):
            continue  # not an answer in either pack
        by_signature.setdefault(signature, selection)
    return sorted(by_signature.values(), key=lambda selection: union.index(selection[0]))


def _target(question: Question, values: tuple[str, ...]) -> str | None:
    """Where choosing ``values`` leads, as the engine routes it; None when they are not an answer here."""
    if question.kind != "multiple" and len(values) != 1:
        return None
    try:
        options = normalise(question, values if question.kind == "multiple" else values[0])
    except InvalidAnswer:
        return None
    for option in options:
        if option.exclusive:
            return question.route_for(option)
    return question.route_for(options[0])


@dataclass(frozen=True)
class _Leaf:
    steps: tuple[Step, ...]
    old_outcome: str | None
    new_outcome: str | None
    parting: str | None


def _walk_both(old: RulePack, new: RulePack) -> Iterator[_Leaf]:
    """Every route through both packs at once, with where each pack ends (None: not a possible route)
    and the question at which the packs first send the answers different ways."""
    steps: list[Step] = []
    chosen: dict[str, tuple[str, ...]] = {}
    limit = 2 * (len(old.questions) + len(new.questions)) + 1
    # The walk meets the same question, and the same answer to it, on many routes: each answer's
    # classes and targets are worked out once (pure functions of the packs, which never change).
    classes: dict[str, list[tuple[str, ...]]] = {}
    targets: dict[tuple[int, tuple[str, ...]], str | None] = {}

    def moved(pack: RulePack, node_id: str | None, question_id: str) -> str | None:
        question = pack.question(node_id) if node_id is not None else None
        if question is None or question.id != question_id:
            return node_id
        key = (id(question), chosen[question_id])
        if key not in targets:
            targets[key] = _target(question, chosen[question_id])
        return targets[key]

    def walk(
        old_id: str | None, new_id: str | None, together: bool, parting: str | None, depth: int
    ) -> Iterator[_Leaf]:
        old_q = old.question(old_id) if old_id is not None else None
        new_q = new.question(new_id) if new_id is not None else None
        if old_q is None and new_q is None:
            yield _Leaf(tuple(steps), old_id, new_id, parting)
            return
        if depth > limit:  # a cycle: validation refuses such a pack
            return
        ask = next((q.id for q in (old_q, new_q) if q is not None and q.id not in chosen), None)
        if ask is None:  # each pack is at a question answered earlier on the way: follow that answer
            old_next = moved(old, old_id, old_q.id) if old_q is not None else old_id
            new_next = moved(new, new_id, new_q.id) if new_q is not None else new_id
            yield from walk(old_next, new_next, False, parting, depth + 1)
            return
        if ask not in classes:
            classes[ask] = _answer_classes(old.question(ask), new.question(ask))
        for selection in classes[ask]:
            chosen[ask] = selection
            steps.append((ask, selection))
            old_next, new_next = moved(old, old_id, ask), moved(new, new_id, ask)
            still = together and old_next is not None and old_next == new_next
            yield from walk(old_next, new_next, still, ask if together and not still else parting, depth + 1)
            steps.pop()
            del chosen[ask]

    yield from walk(old.start, new.start, old.start == new.start, None, 0)


def _answered(old: RulePack, new: RulePack, step: Step) -> Answered:
    question_id, values = step
    question = new.question(question_id) or old.question(question_id)
    if question is None:  # every step comes from one of the packs
        return Answered(question_id, question_id, question_id, ", ".join(values))
    labels = []
    for value in values:
        option = question.option(value) or _other_option(old, new, question_id, value)
        labels.append(option.label.practitioner if option else value)
    answer = labels[0] if len(labels) == 1 else "any of " + ", ".join(f'"{shorten(label, 40)}"' for label in labels)
    ordinary = {option.value for option in question.options if not option.exclusive}
    if question.kind == "multiple" and len(values) > 1 and set(values) == ordinary:
        # The ordinary options together stand for any selection of them (they share one route):
        # said in a few words, which the route's line keeps whole (five labels were cut mid-list,
        # leaving two and an open quote, as if only those two led there).
        others = [f'"{shorten(option.label.practitioner, 20)}"' for option in question.options if option.exclusive]
        answer = "one or more" + (", not " + " or ".join(others) if others else "")
    return Answered(question_id, question.title.practitioner, question.short.practitioner, answer)


def _other_option(old: RulePack, new: RulePack, question_id: str, value: str) -> Option | None:
    for pack in (new, old):
        question = pack.question(question_id)
        found = question.option(value) if question else None
        if found is not None:
            return found
    return None


def _pack_answers(pack: RulePack, steps: tuple[Step, ...]) -> dict[str, object]:
    """The answers in ``steps`` to the questions ``pack`` asks, as its ``evaluate`` takes them."""
    answers: dict[str, object] = {}
    for question_id, values in steps:
        question = pack.question(question_id)
        if question is not None:
            answers[question_id] = list(values) if question.kind == "multiple" else values[0]
    return answers


def _asked_order(old: RulePack, new: RulePack, steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """The steps in the order a person is asked them: along the new pack's path (else the old
    pack's, for a route only it allows), then any question only the other pack asks."""
    given = dict(steps)
    for pack in (new, old):
        answers = _pack_answers(pack, steps)
        try:
            path = [step.question.id for step in evaluate(pack, answers).steps]
        except (InvalidAnswer, KeyError, ValueError):
            continue
        if path:
            rest = [question_id for question_id, _ in steps if question_id not in path]
            return tuple((question_id, given[question_id]) for question_id in [*path, *rest] if question_id in given)
    return steps


def route_changes(old: RulePack, new: RulePack) -> tuple[RouteChange, ...]:
    """Every set of answers that the two packs send to different outcomes (or that only one allows).

    Each is told by its decisive answer (``RouteChange.at``): the last answer on it to a question
    only one pack asks (a question added or removed), else the answer at which the two packs
    first send the answers different ways."""
    old_ids = {question.id for question in old.questions}
    new_ids = {question.id for question in new.questions}
    changes = []
    for leaf in _walk_both(old, new):
        if leaf.old_outcome == leaf.new_outcome:
            continue
        steps = _asked_order(old, new, leaf.steps)
        answers = tuple(_answered(old, new, step) for step in steps)
        only_one = [a for a in answers if (a.question_id in old_ids) != (a.question_id in new_ids)]
        at = only_one[-1] if only_one else next((a for a in answers if a.question_id == leaf.parting), None)
        if leaf.old_outcome is None or leaf.new_outcome is None:
            # A route only one pack allows because an answer was taken out (or added) is told by that
            # answer: found (rules maintainer's review), with a question added as well, routes that
            # chose a retired answer were told as 'No at "<the new question>" now: not a possible
            # route', as if the new question's No were broken.
            at = next(iter(_answers_in_one_pack_only(old, new, steps)), at)
        changes.append(
            RouteChange(answers, at, leaf.old_outcome, leaf.new_outcome, steps, _old_only(old, new, steps, leaf))
        )
    return tuple(changes)


def _answers_in_one_pack_only(old: RulePack, new: RulePack, steps: tuple[Step, ...]) -> list[Answered]:
    """Each answer on the route that is an option of a question both packs ask, in only one of them
    (taken out, or added): by its label alone."""
    found = []
    for question_id, values in steps:
        before, after = old.question(question_id), new.question(question_id)
        if before is None or after is None:
            continue
        for value in values:
            was, now = before.option(value), after.option(value)
            option = was or now
            if (was is None) != (now is None) and option is not None:
                found.append(
                    Answered(question_id, after.title.practitioner, after.short.practitioner, option.label.practitioner)
                )
    return found


def _old_only(old: RulePack, new: RulePack, steps: tuple[Step, ...], leaf: _Leaf) -> frozenset[str]:
    """The questions of ``steps`` on the old pack's route that the new pack still asks, but not on
    this route (it ends first, or goes another way). A question taken out is not one of them."""
    if leaf.old_outcome is None or leaf.new_outcome is None:
        return frozenset()
    try:
        old_path = {step.question.id for step in evaluate(old, _pack_answers(old, steps)).steps}
        new_path = {step.question.id for step in evaluate(new, _pack_answers(new, steps)).steps}
    except (InvalidAnswer, KeyError, ValueError):
        return frozenset()
    return frozenset(asked for asked in old_path - new_path if new.question(asked) is not None)


# ---------------------------------------------------------------- safeguarding checks
#
# The markers the safeguarding checks rest on (a safety question's ``risk``, an answer's ``safe``
# and ``unsure``) are pack data: the validator cannot tell that one was dropped (docs/RULES.md,
# "What the validator cannot see"). A change that drops one, or that sends an answer showing a
# risk somewhere else, is listed first and makes the exit code 1.

SAFEGUARDING_TITLE = "Safeguarding checks changed, weakened or moved"
# In plain words (found, rules maintainer's review: it was one sentence of 130 words in the rules'
# own terms, "risk: true", "marked safe", "flag").
SAFEGUARDING_INTRO = (
    "These changes could leave a child at risk. Ask the partnership's safeguarding lead to agree each one "
    'before it goes live. A safety question is one whose "Yes" or "Not sure" sends the person to the '
    "service that deals with the risk (999, children's social care, the Local Authority Designated Officer) "
    "instead of to a request "
    "(in the rules: risk: true; the answers that may go on are marked safe). Listed here: an answer that "
    "now leads somewhere else, or no longer counts as a risk; an outcome for someone at risk changed, or "
    "removed, or one of its actions, contacts or words taken out; a warning to the facilitators (a flag on "
    "a request) or advice that an answer no longer gives."
)


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def _risk_answer(pack: RulePack, steps: tuple[Step, ...]) -> tuple[Question, Option] | None:
    """The first answer on ``pack``'s path for these answers that shows a risk (an answer not
    marked safe to a safety question), if any."""
    answers = _pack_answers(pack, steps)
    try:
        path = evaluate(pack, answers).steps
    except (InvalidAnswer, KeyError, ValueError):
        return None
    for step in path:
        if step.question.risk:
            for chosen in step.options:
                if not chosen.safe:
                    return step.question, chosen
    return None


def _risk_outcomes(pack: RulePack) -> set[str]:
    """The outcomes an answer that shows a risk leads to directly."""
    return {
        target
        for question in pack.questions
        if question.risk
        for option in question.options
        if not option.safe and (target := question.route_for(option)) is not None and pack.outcome(target)
    }


def safeguarding_changes(old: RulePack, new: RulePack, routes: Sequence[RouteChange] = ()) -> tuple[str, ...]:
    """Each change that weakens or moves a safeguarding check, in words: a safety question removed
    or no longer marked ``risk``; an answer to one newly marked ``safe``, or no longer marked
    ``unsure``; an outcome that an answer showing a risk leads to no longer showing a contact; and
    each group of ``routes`` on which, in the old pack, an answer showing a risk led somewhere else;
    an answer's advice, or an action or contact's note of an outcome an answer showing a risk
    leads to, taken away (``_advice_dropped``, ``_outcome_advice_dropped``); and a flag no longer
    set where it was, or its words changed (``_flags_weakened``). (A contact no longer shown on
    every page is added by ``diff_packs``, which has the contacts.)"""
    notes: list[str] = []
    for safety in old.questions:
        now = new.question(safety.id)
        if not safety.risk:
            continue
        if now is None:
            notes.append(
                f"Safety {_question_name(safety)} is removed: its answers that "
                "showed a risk no longer stop a journey before a request."
            )
        elif not now.risk:
            notes.append(
                f"{_first_up(_question_name(now))} is no longer a safety question (risk: yes → no): its "
                "answers no longer have to be marked safe to lead on towards a request."
            )
    for after in new.questions:
        before = old.question(after.id)
        if before is None or not before.risk:
            continue
        for option in after.options:
            was = before.option(option.value)
            if after.risk and option.safe and (was is None or not was.safe):
                change = "is new and marked safe" if was is None else "is now marked safe (safe: no → yes)"
                notes.append(f"{_first_up(_option_name(after, option))} {change}: it may lead on towards a request.")
            if was is not None and was.unsure and not option.unsure:
                notes.append(
                    f'{_first_up(_option_name(after, option))} is no longer marked as a "not sure" answer '
                    "(unsure: yes → no): it could now be marked safe."
                )
    notes.extend(_safety_words_changed(old, new))
    for outcome_id in sorted(_risk_outcomes(old), key=lambda key: [o.id for o in old.outcomes].index(key)):
        before_outcome, after_outcome = old.outcome(outcome_id), new.outcome(outcome_id)
        if before_outcome is None:
            continue
        if after_outcome is None:  # its routes are told below, and here that it went (rules maintainer's review)
            notes.append(
                f"{_first_up(_outcome_name(before_outcome))}, where an answer showing a risk leads, is removed."
            )
            continue
        notes.extend(_risk_outcome_words_changed(before_outcome, after_outcome))
        dropped = [contact for contact in before_outcome.contacts if contact not in after_outcome.contacts]
        if dropped:
            notes.append(
                f"{_first_up(_outcome_name(after_outcome))}, where an answer showing a risk leads, no longer "
                f"shows {'contact' if len(dropped) == 1 else 'contacts'} {_ids(dropped)}."
            )
        notes.extend(_outcome_advice_dropped(before_outcome, after_outcome))
        if before_outcome.act_now and not after_outcome.act_now:
            notes.append(
                f"{_first_up(_outcome_name(after_outcome))}, where an answer showing a risk leads, is no longer "
                "marked to act on now: the email redirecting a request to it will not say to act now, and, unless its "
                'first step is to call 999, a phone line closed now will say "if it cannot wait until it opens".'
            )
    notes.extend(_advice_dropped(old, new))
    notes.extend(_flags_weakened(old, new))
    groups: dict[str, list[tuple[RouteChange, tuple[Question, Option]]]] = {}
    for route in routes:
        if route.old_outcome is None:
            continue
        risk = _risk_answer(old, route.steps)
        if risk is not None:
            groups.setdefault(route.sentence(), []).append((route, risk))
    for sentence, found in groups.items():
        first, (question, chosen) = found[0]
        count = _count(len(found), "route")
        if first.at is None or first.at.question_id != question.id:  # told by another answer on the way
            count += (
                f', on which "{shorten(chosen.label.practitioner, 40)}" to the safety question '
                f'"{question.short.practitioner}" shows a risk'
            )
        notes.append(f'{sentence} ({count}): listed under "Routes whose outcome changes".')
    return tuple(notes)


def _safety_words_changed(old: RulePack, new: RulePack) -> list[str]:
    """Each safety question (``risk`` in both packs), and each confirmation, whose words change: its
    title, short name, hint or error messages, or an answer's words, hint or advice, in either mode
    (an error message told to "choose No to carry on" steers the answer as much as the title).
    Found (partnership review): "...that has not yet been shared with children's social care?"
    turned into "...that has already been shared...", "No, it has already been shared" into "No,
    I will share it later" (still marked safe), and the significant-harm explanation taken away,
    each exited 0: the routes are the same, but what a person answers, and so where they are
    sent, is not. The words before and after are listed under questions and options."""
    notes: list[str] = []
    for after in new.questions:
        before = old.question(after.id)
        if before is None or not ((before.risk and after.risk) or before.kind == after.kind == "confirm"):
            continue
        what = "safety question" if after.risk else "confirmation"
        changed = [
            name
            for name, was, now in (
                ("its title", before.title, after.title),
                ("its short name", before.short, after.short),
                ("its hint", before.hint, after.hint),
                ("its error message", before.error, after.error),
                ("its error message for an answer that goes alone", before.exclusive_error, after.exclusive_error),
            )
            if was != now
        ]
        changed += [
            f'the {part} of its answer "{shorten(option.label.practitioner, 50)}" ({option.value})'
            for option in after.options
            if (was_option := before.option(option.value)) is not None
            for part, was, now in (
                ("words", was_option.label, option.label),
                ("hint", was_option.hint, option.hint),
                ("advice", was_option.advice, option.advice),
            )
            if was != now
        ]
        if changed:
            listed = ", ".join(changed[:-1]) + (" and " if len(changed) > 1 else "") + changed[-1]
            notes.append(
                f'The {what} {after.id} ("{shorten(after.title.practitioner, 60)}") changes {listed}: a '
                "person may now answer it otherwise, and be sent elsewhere. The words are listed under "
                '"Questions" and "Options".'
            )
    return notes


def _risk_outcome_words_changed(old: Outcome, new: Outcome) -> list[str]:
    """What an outcome an answer showing a risk leads to says differently: its title, its summary,
    an action reworded or added, or its contacts in another order (an action or a contact taken
    away is told by itself). Found (partnership review): "Call 999" turned into "Consider calling
    999 if you think it might help", and 999 moved below another contact, were listed as any
    outcome's change, not among the safeguarding checks for the safeguarding lead to agree."""
    changed = [
        name
        for name, was, now in (("title", old.title, new.title), ("summary", old.summary, new.summary))
        if was != now
    ]
    if any(
        now is not None and (index is None or old.actions[index] != new.actions[now])
        for index, now in _actions_aligned(old.actions, new.actions)
    ):
        changed.append("actions")
    kept = [contact for contact in old.contacts if contact in new.contacts]
    if kept != [contact for contact in new.contacts if contact in old.contacts]:
        changed.append("order of its contacts")
    # A note changed, or added (found, rules maintainer's review: "If you think it is needed" put on
    # U1's 999 contact was listed only under "Outcomes"). A note taken away: ``_outcome_advice_dropped``.
    if any((now := new.contact_note(contact)) is not None and old.contact_note(contact) != now for contact in kept):
        changed.append("notes on when a contact applies")
    if old.change_text is not None and new.change_text is not None and old.change_text != new.change_text:
        changed.append("link to change an answer")
    if not changed:
        return []
    listed = ", ".join(changed[:-1]) + (" and " if len(changed) > 1 else "") + changed[-1]
    return [
        f"{_first_up(_outcome_name(new))}, where an answer showing a risk leads, changes its {listed}: "
        'what it tells the person to do with the risk. The words are listed under "Outcomes".'
    ]


def _outcome_advice_dropped(old: Outcome, new: Outcome) -> list[str]:
    """What an outcome an answer showing a risk leads to no longer tells the person to do: each
    action taken away (not one reworded: see ``_actions_aligned``), and each note on when one of
    its contacts applies that is gone while the contact is still shown. An action reworded is
    listed under outcomes (which exits 1 too)."""
    notes = [
        f'{_first_up(_outcome_name(new))}, where an answer showing a risk leads, no longer says "'
        f'{shorten(old.actions[index].practitioner, 100)}" (action {index + 1} of {len(old.actions)}).'
        for index, now in _actions_aligned(old.actions, new.actions)
        if index is not None and now is None
    ]
    notes.extend(
        f"{_first_up(_outcome_name(new))}, where an answer showing a risk leads, no longer says when contact "
        f'{contact_id} applies ("{shorten(note.practitioner, 100)}").'
        for contact_id, note in old.contact_notes
        if contact_id in new.contacts and new.contact_note(contact_id) is None
    )
    return notes


def _advice_dropped(old: RulePack, new: RulePack) -> list[str]:
    """Each answer that no longer gives the advice it gave (``advice`` taken away; ``advice:``
    left with nothing after it is refused in the new pack, by the loader): advice is what the
    outcome page and check your answers tell the person to do besides the outcome, such as
    raising a worry in their own supervision (CONTENT.md's routing: "No → next, with advice to
    raise it in supervision too"). An answer removed is told by its routes; advice reworded is
    listed under options. Found (rules review): taking it away exited 0."""
    notes: list[str] = []
    for after in new.questions:
        before = old.question(after.id)
        for option in after.options if before is not None else ():
            was = before.option(option.value) if before is not None else None
            if was is not None and was.advice is not None and option.advice is None:
                notes.append(
                    f"{_first_up(_option_name(after, option))} no longer gives its advice "
                    f'("{shorten(was.advice.practitioner, 100)}"): the outcome page and check your answers no '
                    "longer tell the person so."
                )
    return notes


def _flag_name(pack: RulePack, flag_id: str) -> str:
    found = pack.flag(flag_id)
    return f'flag {flag_id} ("{found.label}")' if found is not None else f"flag {flag_id}"


def _flags_weakened(old: RulePack, new: RulePack) -> list[str]:
    """Each flag a request no longer carries where it did (an answer no longer sets it, or it is
    set in fewer modes) and each flag whose words change: the facilitators triage and filter
    requests on them (the summary for the facilitators lists them), and the requester reads them ("What your
    request tells the facilitators"). Found (rules review): "No" to "Have you talked about this in
    your own supervision" no longer setting not_discussed_in_supervision exited 0. A flag newly
    set, or added, tells the facilitators more: listed under flags and options only."""
    notes: list[str] = []
    for after in new.questions:
        before = old.question(after.id)
        if before is None:
            continue  # a question removed, or added: its routes are told
        for option in after.options:
            was = before.option(option.value)
            dropped = [] if was is None else [flag_id for flag_id in was.flags if flag_id not in option.flags]
            notes.extend(
                f"{_first_up(_option_name(after, option))} no longer sets {_flag_name(old, flag_id)}: requests "
                "made with this answer no longer tell the facilitators so."
                for flag_id in dropped
            )
    for flag in old.flags:
        now = new.flag(flag.id)
        if now is None:
            continue  # each answer that set it is named above
        fewer = [mode for mode in flag.modes if mode not in now.modes]
        if fewer:
            notes.append(
                f"{_first_up(_flag_name(old, flag.id))} is no longer set in {' or '.join(fewer)} mode: requests made "
                "in it no longer tell the facilitators so."
            )
        if now.label != flag.label:
            notes.append(
                f'The words of flag {flag.id} change from "{flag.label}" to "{now.label}": the facilitators triage '
                "on them, and the requester reads them on the request."
            )
    # Still set, but on no route that ends in a request (found, partnership review: "No" to
    # supervision_discussed sent to S, its flag could never reach the facilitators, and nothing said so).
    # (Not again for a flag an answer no longer sets, or no longer sets in a mode: said above.)
    told = " ".join(notes).lower()
    (reached, _), (reached_now, modes) = flags_reaching_a_request(old), flags_reaching_a_request(new)
    for flag in old.flags:
        # (In a mode journeys still take: the mode question taken out ends every supervision route.)
        lost = sorted(mode for flag_id, mode in reached - reached_now if flag_id == flag.id and mode in modes)
        if lost and new.flag(flag.id) is not None and _flag_name(old, flag.id).lower() not in told:
            notes.append(
                f"{_first_up(_flag_name(old, flag.id))} no longer reaches a request in {' or '.join(lost)} mode: no "
                "route where an answer sets it now ends in a request for a session, so the facilitators are never "
                "told it."
            )
    return notes


def flags_reaching_a_request(pack: RulePack) -> tuple[set[tuple[str, str]], set[str]]:
    """Each (flag, mode) set on some route that ends in a request for a session; and the modes of
    the pack's routes ending in a request."""
    reaching: set[tuple[str, str]] = set()
    modes: set[str] = set()
    for path in enumerate_paths(pack):
        outcome = pack.node(path.outcome)
        if isinstance(outcome, Outcome) and outcome.request:
            modes.add(path.mode)
            reaching.update((flag_id, path.mode) for flag_id in path.flags)
    return reaching, modes


# ---------------------------------------------------------------- the whole comparison


def diff_packs(
    old: RulePack,
    new: RulePack,
    old_contacts: ContactBook | None = None,
    new_contacts: ContactBook | None = None,
    today: dt.date | None = None,
) -> PackDiff:
    """Compare two loaded packs (and their contacts, when both are given). With ``today`` (the
    command gives the UK's date, as ``rules check`` does), the new pack's review date is warned
    of when it has passed, as ``rules check`` warns of it."""
    renamed = question_ids_changed(old, new)
    # The old pack as the new one names its questions: a question whose id alone changed is
    # compared with its old self, and the routes through it with the routes through that.
    was = _with_question_ids(old, renamed)
    values = option_values_changed(was, new)
    was = _with_option_values(was, values)
    items = [
        *_question_items(was, new, renamed, values),
        *_outcome_items(was, new),
        *_guidance_items(old, new),
        *_flag_items(old, new),
        *_glossary_items(old, new),
        *_pack_items(was, new),
    ]
    warnings = tuple(str(problem) for problem in review_date_passed(new, today)) if today is not None else ()
    warnings += _owner_changed(old, new)
    if old_contacts is not None and new_contacts is not None:
        items.extend(_contact_items(old_contacts, new_contacts))
        warnings += unverified_contact_changes(old_contacts, new_contacts)
    order = {section: position for position, (section, _) in enumerate(SECTION_TITLES)}
    items.sort(key=lambda item: order[item.section])  # stable: pack order within each section
    routes = route_changes(was, new)
    safeguarding = safeguarding_changes(was, new, routes)
    if old_contacts is not None and new_contacts is not None:
        safeguarding += _emergency_dropped(old_contacts, new_contacts)
        safeguarding += _ways_to_act_dropped(old_contacts, new_contacts, was)
        safeguarding += _urgent_contacts_changed(old_contacts, new_contacts, was)
    return PackDiff(old, new, tuple(items), routes, old_contacts, new_contacts, warnings, safeguarding, renamed, values)


def _owner_changed(old: RulePack, new: RulePack) -> tuple[str, ...]:
    """The pack's owner changed: the app starts only with a partnership file of that name, which
    this comparison does not read (a warning: start-up refuses a mismatch, and no route or page of
    a safeguarding matter changes). Found (rules review): it was listed among the pack's details
    only, and the live service then would not start after the change."""
    if old.owner == new.owner:
        return ()
    return (
        f'the pack\'s owner changes from "{old.owner}" to "{new.owner}": the app and its worker start only when the '
        f'partnership file\'s name (partnership.yaml, or the file PARTNERSHIP_PATH names) is "{new.owner}" too, '
        "and every page's header and footer, and the PDFs, will name it. Change the partnership file with the "
        "pack, and check the two together before restarting: flask --app wsgi rules check --pack NEW "
        "--partnership FILE.",
    )


def _emergency_dropped(old: ContactBook, new: ContactBook) -> tuple[str, ...]:
    """The contacts shown on every page (``emergency``: the 999 contact, children's social care...)
    that the new contacts no longer show there: a safeguarding check weakened."""
    dropped = [contact_id for contact_id in old.emergency_ids if contact_id not in new.emergency_ids]
    if not dropped:
        return ()
    named = ", ".join(
        f'{contact_id} ("{found.name}")' if (found := old.get(contact_id)) else contact_id for contact_id in dropped
    )
    return (f"The contacts shown on every page (emergency in the contacts file) no longer include {named}.",)


def _ways_to_act_dropped(old: ContactBook, new: ContactBook, pack: RulePack) -> tuple[str, ...]:
    """The contacts shown on every page, or by an outcome an answer showing a risk leads to in
    ``pack``, that lose their phone number or every page to open: a safeguarding check weakened
    (operator review: children's social care's number taken out passed every check, and the
    urgent outcomes were left with a web page to report through)."""
    urgent = [*old.emergency_ids]
    for outcome_id in sorted(_risk_outcomes(pack)):
        outcome = pack.outcome(outcome_id)
        urgent.extend(outcome.contacts if outcome is not None else ())
    notes: list[str] = []
    for contact_id in dict.fromkeys(urgent):
        before, after = old.get(contact_id), new.get(contact_id)
        if before is None or after is None:
            continue  # removed: told as a contact removed, and by the outcomes that named it
        where = (
            "shown on every page" if contact_id in old.emergency_ids else "shown where an answer showing a risk leads"
        )
        if before.phone and not after.phone:
            notes.append(
                f'Contact {contact_id} ("{before.name}"), {where}, no longer has a phone number (was {before.phone}).'
            )
        if before.links and not after.links:
            notes.append(f'Contact {contact_id} ("{before.name}"), {where}, no longer has a page to open.')
    return tuple(notes)


def _urgent_contacts(old: ContactBook, pack: RulePack) -> dict[str, str]:
    """The contacts shown on every page, and those an outcome an answer showing a risk leads to in
    ``pack`` shows, each with where it is shown, in words."""
    urgent = dict.fromkeys(old.emergency_ids, "shown on every page")
    for outcome_id in sorted(_risk_outcomes(pack)):
        outcome = pack.outcome(outcome_id)
        for contact_id in outcome.contacts if outcome is not None else ():
            urgent.setdefault(contact_id, "shown where an answer showing a risk leads")
    return urgent


def _urgent_contacts_changed(old: ContactBook, new: ContactBook, pack: RulePack) -> tuple[str, ...]:
    """The contacts shown on every page, or where an answer showing a risk leads, whose name, phone
    number, hours, email, pages or note change (a change of spacing in a number, or of case in an
    email, aside): a person in danger is sent to them as they stand. Found (partnership review):
    children's social care's number changed by one digit, its verified date moved on, exited 0
    with no word; so did the 999 contact's note made to say "do not call about children"."""
    notes: list[str] = []
    kept = [contact_id for contact_id in old.emergency_ids if contact_id in new.emergency_ids]
    if kept != [contact_id for contact_id in new.emergency_ids if contact_id in old.emergency_ids]:
        notes.append(
            f"The contacts shown on every page (emergency in the contacts file) are in another order: "
            f"{_ids(new.emergency_ids)}, was {_ids(old.emergency_ids)}: the first is what a person in danger reads "
            "first."
        )
    for contact_id, where in _urgent_contacts(old, pack).items():
        before, after = old.get(contact_id), new.get(contact_id)
        if before is None or after is None:
            continue  # removed: told as a contact removed, and by the outcomes that named it
        changed = [
            name
            for name, was, now in (
                ("name", before.name, after.name),
                ("phone number", _tel(before) if before.phone else None, _tel(after) if after.phone else None),
                ("hours", before.hours, after.hours),
                ("open hours", _open(before), _open(after)),
                ("email", (before.email or "").lower() or None, (after.email or "").lower() or None),
                ("pages", _links(before), _links(after)),
                ("note", before.detail, after.detail),
            )
            # Taken away: ``_ways_to_act_dropped`` tells the phone and pages. Its hours or note taken away from
            # a phone kept are a change here (found, contact change review: the front door's hours deleted
            # passed with no approval, and every page's footer gave its number with no hours).
            if was != now and (now is not None or name == "note" or (name.endswith("hours") and after.phone))
        ]
        if changed:
            listed = ", ".join(changed[:-1]) + (" and " if len(changed) > 1 else "") + changed[-1]
            notes.append(
                f'Contact {contact_id} ("{after.name}"), {where}, changes its {listed}: check each against its '
                'source before it goes live. The details are listed under "Contacts".'
            )
    return tuple(notes)


def _pack_line(pack: RulePack) -> str:
    return f"{pack.path}: {pack.name}, version {pack.version}, review by {pack.review_date.isoformat()}"


# Routes listed under each changed-route line; the rest are counted (``all_routes`` lists every one).
ROUTES_SHOWN = 5


def _more(shown: int, total: int) -> str:
    more = total - shown
    return f"… and {_count(more, 'more route')} like these (--all-routes lists every one)"


def to_text(diff: PackDiff, all_routes: bool = False) -> str:
    """The comparison as plain text, for a terminal (``all_routes``: every changed route, not
    the first ``ROUTES_SHOWN`` of each kind)."""
    lines = ["Rule pack changes", f"  Old: {_pack_line(diff.old)}", f"  New: {_pack_line(diff.new)}"]
    if diff.same_contacts is not None:
        lines.append(f"  Contacts: {diff.same_contacts} (the same file for both)")
    elif diff.old_contacts is not None and diff.new_contacts is not None:
        lines.append(f"  Contacts: {diff.old_contacts.path} (old), {diff.new_contacts.path} (new)")
    lines += ["", diff.summary()]
    if diff.safeguarding:
        lines += ["", f"{SAFEGUARDING_TITLE} ({len(diff.safeguarding)})", f"  {SAFEGUARDING_INTRO}"]
        lines.extend(f"  - {note}" for note in diff.safeguarding)
        if named := diff.safeguarding_outcomes():  # by their titles (rules maintainer's review: only codes)
            lines.append("  Outcomes named above:")
            lines.extend(f"    {outcome_id}: {title}" for outcome_id, title in named)
    if diff.warnings:
        lines += ["", f"Warnings ({len(diff.warnings)})"]
        lines.extend(f"  - Warning: {warning}" for warning in diff.warnings)
    if diff.routes:
        lines += ["", f"Routes whose outcome changes ({len(diff.routes)})", f"  {ROUTES_MEANING}"]
        for sentence, routes in diff.route_groups():
            lines.append(f"  - {sentence}" + (f" ({len(routes)} routes)" if len(routes) > 1 else ""))
            shown = routes if all_routes else routes[:ROUTES_SHOWN]
            for number, route in enumerate(shown, start=1):
                lines.append(f"      {number}. answers: {route.answers_text()}")
            if len(shown) < len(routes):
                lines.append(f"      {_more(len(shown), len(routes))}")
        lines.append("  Outcomes named above:")
        lines.extend(f"    {outcome_id}: {title}" for outcome_id, title in diff.mentioned_outcomes())
    for section, title in SECTION_TITLES:
        items = diff.section(section)
        if not items:
            continue
        lines += ["", f"{title} ({len(items)})"]
        for item in items:
            note = f": {item.note}" if item.note else ""
            lines.append(f"  - {item.kind.capitalize()}: {item.subject}{note}")
            lines.extend(f"      {change.field}: {change.old} → {change.new}" for change in item.changes)
    notes = diff.statistics_notes()
    if notes:
        lines += ["", f"Statistics ({len(notes)})"]
        lines.extend(f"  - {note}" for note in notes)
    return "\n".join(lines) + "\n"


_MARKDOWN_SPECIAL = str.maketrans({char: "\\" + char for char in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    return text.translate(_MARKDOWN_SPECIAL)


def to_markdown(diff: PackDiff, all_routes: bool = False) -> str:
    """The comparison as Markdown, to paste into a change request (``all_routes``: as ``to_text``)."""
    old, new = diff.old, diff.new
    lines = [
        f"# Rule pack changes: {_md(new.name)}",
        "",
        "| | Old | New |",
        "|---|---|---|",
        f"| File | `{old.path}` | `{new.path}` |",
        f"| Version | `{old.version}` | `{new.version}` |",
        f"| Review by | {old.review_date.isoformat()} | {new.review_date.isoformat()} |",
    ]
    if diff.old_contacts is not None and diff.new_contacts is not None:
        lines.append(f"| Contacts | `{diff.old_contacts.path}` | `{diff.new_contacts.path}` |")
    summary = _md(diff.summary())
    lines += ["", f"**{summary}**" if diff.exit_code else summary]
    if diff.safeguarding:
        lines += ["", f"## {SAFEGUARDING_TITLE} ({len(diff.safeguarding)})", "", _md(SAFEGUARDING_INTRO), ""]
        lines.extend(f"- **{_md(note)}**" for note in diff.safeguarding)
        if named := diff.safeguarding_outcomes():
            lines += ["", "Outcomes named above:", ""]
            lines.extend(f"- `{outcome_id}`: {_md(title)}" for outcome_id, title in named)
    if diff.warnings:
        lines += ["", f"## Warnings ({len(diff.warnings)})", ""]
        lines.extend(f"- **Warning:** {_md(warning)}" for warning in diff.warnings)
    if diff.routes:
        groups = diff.route_groups()
        lines += [
            "",
            f"## Routes whose outcome changes ({len(diff.routes)})",
            "",
            _md(ROUTES_MEANING),
            "",
            "| Answer | At the question | Was | Now | Routes |",
            "|---|---|---|---|---|",
        ]
        for _, routes in groups:
            first = routes[0]
            answer = _md(shorten(first.at.answer, 60)) if first.at else "(from the start)"
            question = _md(shorten(first.at.question, 60)) if first.at else ""
            was = f"`{first.old_outcome}`" if first.old_outcome else NOT_POSSIBLE
            now = f"`{first.new_outcome}`" if first.new_outcome else NOT_POSSIBLE
            lines.append(f"| {answer} | {question} | {was} | {now} | {len(routes)} |")
        lines += ["", "Outcomes named above:", ""]
        lines.extend(f"- `{outcome_id}`: {_md(title)}" for outcome_id, title in diff.mentioned_outcomes())
        for sentence, routes in groups:
            lines += ["", f"### {_md(sentence)}", "", "The answers on each route:", ""]
            shown = routes if all_routes else routes[:ROUTES_SHOWN]
            lines.extend(f"{number}. {_md(route.answers_text())}" for number, route in enumerate(shown, start=1))
            if len(shown) < len(routes):
                lines += ["", _md(_more(len(shown), len(routes)))]
    for section, title in SECTION_TITLES:
        items = diff.section(section)
        if not items:
            continue
        lines += ["", f"## {title} ({len(items)})", ""]
        for item in items:
            note = f": {_md(item.note)}" if item.note else ""
            lines.append(f"- **{item.kind.capitalize()}:** {_md(item.subject)}{note}")
            lines.extend(f"  - {_md(change.field)}: {_md(change.old)} → {_md(change.new)}" for change in item.changes)
    notes = diff.statistics_notes()
    if notes:
        lines += ["", f"## Statistics ({len(notes)})", ""]
        lines.extend(f"- {_md(note)}" for note in notes)
    return "\n".join(lines) + "\n"
