"""Graph and safeguarding checks on a parsed rule pack.

Structural checks (types, missing fields) happen while parsing, in ``loader``. Here we check
what only the whole pack shows: ids, routes, reachability, dead ends, cycles, citations, and
the safeguarding invariants that make the routing safe to rely on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from .acronyms import PLAIN_CAPITALS, acronyms_in, spelled_out
from .errors import Problem
from .markup import MARKUP, words_pattern
from .model import ContactBook, OpenHours, Option, Outcome, Question, RulePack, Text

if TYPE_CHECKING:
    from .partnership import Partnership

_Report = Callable[[str, str, str, int | None], None]
"""Records one problem: (node, field, message, line)."""


def successors(pack: RulePack, question: Question) -> Iterator[tuple[str, str]]:
    """(option value, target id) for every route out of ``question``."""
    for option in question.options:
        target = question.route_for(option)
        if target is not None:
            yield option.value, target


def reachable_from(pack: RulePack, start: str, without: str | None = None) -> set[str]:
    """Every node id reachable from ``start`` (optionally pretending node ``without`` is gone)."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id == without:
            continue
        seen.add(node_id)
        node = pack.node(node_id)
        if isinstance(node, Question):
            stack.extend(target for _, target in successors(pack, node))
    return seen


def validate_pack(pack: RulePack, contacts: ContactBook | None = None) -> list[Problem]:
    """Every problem with ``pack`` (and its contact references, when ``contacts`` is given)."""
    problems: list[Problem] = []

    def add(node: str, field: str, message: str, line: int | None) -> None:
        problems.append(Problem(pack.path, node, field, message, line))

    _check_ids(pack, add)
    _check_references(pack, contacts, add)
    _check_options(pack, add)
    _check_roles(pack, add)
    _check_quoted_acronyms(pack, problems.append)
    _check_own_wording(pack, problems.append)
    _check_guidance_acronyms(pack, problems.append)
    _check_guidance_markup(pack, problems.append)
    _check_glossary_meanings(pack, problems.append)
    _check_change_links(pack, problems.append)
    # The graph checks run even when some ids or routes are broken (those are reported
    # above), so one run reports every problem: a route to a missing node counts as leading
    # somewhere (no dead end is blamed on it) and is otherwise left out of the graph.
    unmarked = _check_emergency_questions(pack, contacts, add) if contacts is not None else False
    if _check_graph(pack, add, contacts):
        _check_safeguarding(pack, add)  # only on an acyclic graph: it counts routes
        if not unmarked:  # (a question not marked risk makes its outcomes look shared: one mistake)
            _check_risk_outcomes(pack, add)
        _check_confirmation(pack, add)
    if contacts is not None:
        _check_ways_to_act(pack, contacts, add)
        # Every page's footer is for an emergency: each contact there is rung (operator review:
        # children's social care without its number passed every check and started).
        problems.extend(
            Problem(
                contacts.path,
                contact.id,
                "phone",
                "is shown on every page for an emergency (emergency), so it needs a phone number "
                "a person can ring at once: give its phone, or take it out of emergency",
                contact.line,
            )
            for contact in contacts.emergency
            if not contact.phone
        )
        problems += _contact_wording(pack, contacts)
        phones = [(found.phone or "").replace(" ", "") for i in contacts.emergency_ids if (found := contacts.get(i))]
        if contacts.emergency_ids and not {"999", "112"} & set(phones):
            problems.append(
                Problem(
                    contacts.path,
                    "(contacts)",
                    "emergency",
                    "must include the contact whose phone is 999 (or 112): every page says how to reach the police "
                    "in an emergency",
                    None,
                )
            )
    return problems


def _check_quoted_acronyms(pack: RulePack, add: Callable[[Problem], None]) -> None:
    """A quote cannot be reworded, so each acronym in one is spelled out in it ("Local Authority
    Designated Officer (LADO)", "LADO (Local Authority Designated Officer)") or in the glossary,
    from which the pages and PDFs spell it out beside the quote (CONTENT.md: every acronym
    explained on first use). Found (area review): only the installed pack's tests checked it;
    another area's quote naming its "MASH" passed. Found (partnership review): any words before
    "(EDT)" passed as spelling it out ("the out of hours team (EDT)"), and the pages left EDT
    unexplained; and "EDT (Emergency Duty Team)" was refused. That "(EDT)" no longer passes is a
    newer check: a live pack from before it is still ``rules diff``'s OLD pack."""
    glossary = dict(pack.glossary)
    for item in pack.guidance:
        if not item.quote:
            continue
        for acronym in acronyms_in(item.text, glossary):
            # A term whose meaning is refused (reported with it) is not reported again here.
            if acronym in glossary or acronym in pack.glossary_lines or spelled_out(acronym, item.text):
                continue
            message = (
                f"quotes the acronym {acronym} without spelling it out: add it to the glossary "
                f"({{term: {acronym}, meaning: ...}}), as a quote cannot be reworded"
            )
            if bracketed := f"({acronym})" in item.text:
                message += (
                    f' (the words before "({acronym})" do not say what it stands for: they must start with its letters)'
                )
            # Passed before these checks: one in brackets, one with small letters ("DfE"), or one
            # only ever joined to a number ("NHS111").
            joined_only = re.search(rf"\b{re.escape(acronym)}\b", item.text) is None
            passed_before = bracketed or not acronym.isupper() or joined_only
            line = item.field_lines.get("text", item.line)
            add(Problem(pack.path, f"guidance {item.id}", "text", message, line, newer_check=passed_before))


def _check_guidance_acronyms(pack: RulePack, add: Callable[[Problem], None]) -> None:
    """A guidance item's summary (``text``, when it is not a quote) and its ``source`` are the
    pack's own words, shown beside the outcome ("Summary of <source>" on the outcome page, in the
    supervision record and on "How this tool decides"): each acronym in them is spelled out there
    ("Multi-Agency Safeguarding Hub (MASH)") or is in the glossary, from which those pages spell it
    out beside them, as for a quote. Found (adversarial review): "Refer through the MASH." as a
    summary passed `rules check`, and the outcome page showed MASH unexplained; (partnership review)
    "source: KCSIE, allegations against staff" the same on every page citing it. A newer check: a
    live pack from before it is still ``rules diff``'s OLD pack."""
    glossary = dict(pack.glossary)
    for item in pack.guidance:
        texts = [("source", item.source, "the pages spell it out beside the guidance")]
        if not item.quote:  # a quote's acronyms: _check_quoted_acronyms
            texts.insert(0, ("text", item.text, "the page spells it out beside the summary"))
        for field, words, shown in texts:
            plain = PLAIN_CAPITALS.sub(" ", words)
            for acronym in acronyms_in(words, glossary):
                if acronym in glossary or acronym in pack.glossary_lines or spelled_out(acronym, plain):
                    continue
                message = (
                    f'uses the acronym {acronym} without saying what it stands for: write it as "what it stands '
                    f'for ({acronym})", or in words alone, or add it to the glossary ({{term: {acronym}, meaning: '
                    f"...}}), from which {shown}"
                )
                line = item.field_lines.get(field, item.line)
                add(Problem(pack.path, f"guidance {item.id}", field, message, line, newer_check=True))


# The texts a person reads, in the order they meet them: (node, field, wording, line). A page's
# texts are one sequence (an acronym spelled out in a question's title needs no more in its
# hint); a text shown on pages of its own (a question's short form, an option's advice, a
# flag) is a sequence of its own.
_Sequence = list[tuple[str, str, "Text | str | None", int | None]]


def _worded_sequences(pack: RulePack) -> Iterator[_Sequence]:
    # Each text is named at its own line where the file gives it (found, maintainer review: an
    # acronym in an outcome's second action was named at the outcome's first line, ten lines up).
    def at(node: Question | Option | Outcome, field: str) -> int | None:
        return node.field_lines.get(field, node.line)

    for question in pack.questions:
        node = f"question {question.id}"
        page: _Sequence = [(node, "title", question.title, at(question, "title"))]
        page += [(node, "hint", question.hint, at(question, "hint"))]
        for option in question.options:
            option_node = f"{node} option {option.value}"
            page += [(option_node, "label", option.label, at(option, "label"))]
            page += [(option_node, "hint", option.hint, at(option, "hint"))]
            yield [(option_node, "advice", option.advice, at(option, "advice"))]
        page += [(node, "error", question.error, at(question, "error"))]
        page += [(node, "exclusive_error", question.exclusive_error, at(question, "exclusive_error"))]
        yield page
        yield [(node, "short", question.short, at(question, "short"))]
    for outcome in pack.outcomes:
        node = f"outcome {outcome.id}"
        page = [(node, "title", outcome.title, at(outcome, "title"))]
        page += [(node, "summary", outcome.summary, at(outcome, "summary"))]
        page += [
            (node, f"actions[{n}]", action, at(outcome, f"actions[{n}]"))
            for n, action in enumerate(outcome.actions, start=1)
        ]
        page += [
            (
                node,
                f"contacts ({contact_id}) when",
                note,
                outcome.field_lines.get(f"contacts ({contact_id}) when", at(outcome, "contacts")),
            )
            for contact_id, note in outcome.contact_notes
        ]
        page += [
            (node, "change text", outcome.change_text, outcome.field_lines.get("change text", at(outcome, "change")))
        ]
        yield page
    for flag in pack.flags:
        yield [(f"flag {flag.id}", "label", flag.label, flag.label_line or flag.line)]


def _unexplained(sequence: _Sequence, glossary: dict[str, str]) -> Iterator[tuple[str, str, int | None, str]]:
    """(node, field, line, message) for each acronym whose first use in ``sequence``, in either
    mode's wording, does not say what it stands for."""
    reported: set[tuple[str, str, str]] = set()
    for mode in ("practitioner", "supervision"):
        explained: set[str] = set()
        for node, field, wording, line in sequence:
            if wording is None:
                continue
            text = wording if isinstance(wording, str) else wording.for_mode(mode)
            for acronym in acronyms_in(text, glossary):
                if acronym in explained:
                    continue
                explained.add(acronym)
                if spelled_out(acronym, text) or (node, field, acronym) in reported:
                    continue
                reported.add((node, field, acronym))
                meaning = glossary.get(acronym)
                said = f'"{meaning or "what it stands for"} ({acronym})", or in words alone'
                if meaning is None and acronym.isupper():
                    said += " (a word in capitals for emphasis reads as an acronym too: write it in small letters)"
                elif meaning is not None:
                    # Found (partnership review): with the term in the glossary, the refusal read as
                    # a mistake in the check; the glossary is shown beside guidance only.
                    said += (
                        " (the glossary spells it out beside guidance only, not in the pack's or a contact's own words)"
                    )
                yield (
                    node,
                    field,
                    line,
                    f"uses the acronym {acronym} without saying what it stands for, where a reader first meets "
                    f"it: write it as {said}",
                )


def _first_found(
    sequence: _Sequence, patterns: tuple[tuple[str, re.Pattern[str]], ...]
) -> Iterator[tuple[str, str, int | None, str, str]]:
    """(node, field, line, kind, what was found) for each text in which one of ``patterns``
    (kind, pattern: the first that matches) is found, in either mode's words; each field once."""
    reported: set[tuple[str, str]] = set()
    for node, field, wording, line in sequence:
        if wording is None or (node, field) in reported:
            continue
        texts = [wording] if isinstance(wording, str) else [wording.practitioner, wording.supervision]
        for kind, pattern in patterns:
            found = next((match.group(0) for text in texts if (match := pattern.search(text))), None)
            if found is not None:
                reported.add((node, field))
                yield node, field, line, kind, found
                break


def _markup(sequence: _Sequence) -> Iterator[tuple[str, str, int | None, str]]:
    """(node, field, line, message) for each text with markup in it. Found (maintainer review):
    "does <b>not</b> make decisions" passed `rules check`, and the page showed the tags as typed."""
    for node, field, line, _kind, found in _first_found(sequence, (("markup", MARKUP),)):
        yield (
            node,
            field,
            line,
            f"has {found!r} in it, which the page shows just as it is written: write plain words, without HTML "
            "or Markdown (a link belongs in a contact's links, emphasis is not used)",
        )


# "Your" and its kin: whose, in the practitioner's words (found, rules maintainer's review:
# title: {both: "Your own supervision or another route"} passed `rules check`, and in supervision
# it spoke of the manager's own supervision).
_YOUR = re.compile(r"\byour(?:s|self|selves)?\b", re.IGNORECASE)


def your_in_both_modes(pack: RulePack) -> list[Problem]:
    """A warning for each text worded alike for both modes that says "your": in supervision the
    reader is the manager, and "your" is read as theirs. Right for what is theirs ("Change your
    answer": the manager answers), wrong for the practitioner's own (their supervision, their
    agency): which, only the partnership can say, so a warning, not a refusal."""
    warnings = []
    for sequence in _worded_sequences(pack):
        for node, field, wording, line in sequence:
            found = _YOUR.search(wording.practitioner) if isinstance(wording, Text) else None
            if found and isinstance(wording, Text) and wording.practitioner == wording.supervision:
                message = (
                    f'says "{found.group(0)}" in the same words for both modes: in supervision mode the reader '
                    f'is the manager or supervisor, who will read "{found.group(0)}" as theirs. If it means the '
                    "practitioner's, give a practitioner: and a supervision: wording"
                )
                warnings.append(Problem(pack.path, node, field, message, line))
    return warnings


# A supervision wording that begins as the practitioner would speak, or as if to them: "I feel
# stuck", "You feel stuck", "Your supervision" (found, configuration review: supervision: "You feel
# stuck, or unclear" passed `rules check`, though docs/RULES.md says the supervision wording speaks
# of "the practitioner", never "you" for them).
_SPOKEN_AS_THE_PRACTITIONER = re.compile(r"^(?:I|I'm|I've|I'd|My|You|You're|You've|Your)\b", re.IGNORECASE)


def supervision_worded_for_the_practitioner(pack: RulePack) -> list[Problem]:
    """A warning for each supervision wording (not given for both modes) that begins "I", "My",
    "You" or "Your": in supervision the manager reads it, and it speaks of the practitioner as
    "the practitioner". A warning, not a refusal: "You can choose more than one" may be meant for
    the manager."""
    warnings = []
    for sequence in _worded_sequences(pack):
        for node, field, wording, line in sequence:
            # (Not words given for both modes: the first question's "I'm a practitioner" is asked
            # before the mode is known.)
            if not isinstance(wording, Text) or wording.practitioner == wording.supervision:
                continue
            found = _SPOKEN_AS_THE_PRACTITIONER.match(wording.supervision.strip())
            if found:
                warnings.append(
                    Problem(
                        pack.path,
                        node,
                        field,
                        f'supervision wording begins "{found.group(0)}": in supervision the manager or supervisor '
                        'reads it. Speak of "the practitioner" (as "The practitioner feels stuck"), or, if it is '
                        "meant for the manager, leave it",
                        line,
                    )
                )
    return warnings


# A phone number (0 and 9 or 10 more digits, spaced as people write them), an email address or a
# web address, typed into the pack's own words.
_PHONE_IN_WORDS = re.compile(r"(?<![\d])0\d(?:[ -]?\d){8,9}(?![\d])")
_EMAIL_IN_WORDS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_WEB_IN_WORDS = re.compile(
    r"\bhttps?://[^\s()]*[^\s().,;:!?'\"]|\bwww\.[A-Za-z0-9-]+\.[^\s()]*[^\s().,;:!?'\"]", re.IGNORECASE
)


def _contact_details(sequence: _Sequence) -> Iterator[tuple[str, str, int | None, str]]:
    """(node, field, line, message) for each text that gives a phone number, an email or a web
    address in its own words. Found (maintainer review): "phone the Bridge Partnership on 0161
    603 4500" in an outcome's action passed `rules check`; a change of the number in contacts.yaml
    (README: "nothing else in the pack changes") would leave the old one on the page, and the
    number was never checked, verified or made a link, as a contact's is."""
    patterns = (("phone number", _PHONE_IN_WORDS), ("email", _EMAIL_IN_WORDS), ("web address", _WEB_IN_WORDS))
    for node, field, line, kind, found in _first_found(sequence, patterns):
        yield (
            node,
            field,
            line,
            f"gives a {kind} ({found!r}) in the pack's own words: phone numbers, emails and web addresses "
            "belong in contacts.yaml, where they are checked, verified and changed in one place. Name the "
            "contact in the outcome's contacts (its card shows the detail) and refer to it in words",
        )


def _check_own_wording(pack: RulePack, add: Callable[[Problem], None]) -> None:
    """Every acronym in the pack's own wording is spelled out where a person first meets it
    (CONTENT.md: explain every acronym on first use): in a question's page (title, hint, answers,
    error) or an outcome's (title, summary, actions, notes). The glossary explains acronyms in
    guidance beside it, never in these. Found (maintainer review): "Ask your DSL." added to a
    hint passed `rules check`, and the question's page showed DSL unexplained. Nor is there markup
    in them (``_markup``). A live pack from before these checks is still read as ``rules diff``'s
    OLD pack (``Problem.newer_check``)."""
    glossary = dict(pack.glossary)
    for sequence in _worded_sequences(pack):
        markup = list(_markup(sequence))
        marked = {(node, field) for node, field, _, _ in markup}
        # A Markdown link is told as markup, not again as a web address.
        details = [found for found in _contact_details(sequence) if (found[0], found[1]) not in marked]
        for node, field, line, message in [*_unexplained(sequence, glossary), *markup, *details]:
            add(Problem(pack.path, node, field, message, line, newer_check=True))


def _check_guidance_markup(pack: RulePack, add: Callable[[Problem], None]) -> None:
    """No markup in guidance either: its source and text are shown just as written, on the
    outcome page, in the supervision record and on "How this tool decides". Found (partnership
    review): a summary with "**fourth**" and a source with "<i>…</i>", as copied from a web
    page or a document, passed `rules check`, and every page citing them showed the marks. A
    newer check: a live pack from before it is still ``rules diff``'s OLD pack."""
    sequence: _Sequence = []
    for item in pack.guidance:
        sequence += [(f"guidance {item.id}", "source", item.source, item.field_lines.get("source", item.line))]
        sequence += [(f"guidance {item.id}", "text", item.text, item.field_lines.get("text", item.line))]
    for node, field, line, message in _markup(sequence):
        add(Problem(pack.path, node, field, message, line, newer_check=True))


def _check_glossary_meanings(pack: RulePack, add: Callable[[Problem], None]) -> None:
    """A glossary meaning is shown as it is, "LADO means <meaning>.", beside the guidance: its own
    acronyms are spelled out in it, and it has no markup. Found (partnership review): "NHSx means
    NHS technology unit." and "<b>Local</b> Authority Designated Officer" passed `rules check`.
    A newer check: a live pack from before it is still ``rules diff``'s OLD pack."""
    sequence: _Sequence = []
    for term, meaning in pack.glossary:
        node, line = f"glossary {term}", pack.glossary_lines.get(term)
        sequence.append((node, "meaning", meaning, line))
        for acronym in acronyms_in(meaning, [term]):
            if spelled_out(acronym, meaning):
                continue
            if acronym == term:
                # Found (review): a meaning giving the term itself ("LADO", "the LADO for Salford")
                # passed, and the pages said "LADO means LADO." beside the guidance.
                message = (
                    f'uses {term}, its own term, without saying what it stands for, and the pages show it as "{term} '
                    f'means {meaning}.": write what {term} stands for, in words'
                )
            else:
                message = (
                    f'uses the acronym {acronym} without saying what it stands for, and the pages show it as "{term} '
                    f'means {meaning}.": write it as "what it stands for ({acronym})", or in words alone'
                )
            add(Problem(pack.path, node, "meaning", message, line, newer_check=True))
    for node, field, line, message in _markup(sequence):
        add(Problem(pack.path, node, field, message, line, newer_check=True))


def _contact_wording(pack: RulePack, contacts: ContactBook) -> list[Problem]:
    """Each contact's card (and its line in every page's footer) spells out its own acronyms:
    "Local Authority Designated Officer (LADO)"; and it has no markup (``_markup``)."""
    glossary = dict(pack.glossary)
    problems = []
    for contact in contacts.contacts:
        node = f"contact {contact.id}"
        # Each at its own line (found, maintainer review: named at the contact's first line).
        card: _Sequence = [
            (node, field, getattr(contact, field), contact.field_lines.get(field, contact.line))
            for field in ("name", "hours", "detail")
        ]
        card += [
            (node, f"links[{n}] text", link.text, link.line or contact.line)
            for n, link in enumerate(contact.links, start=1)
        ]
        for where, field, line, message in [*_unexplained(card, glossary), *_markup(card)]:
            problems.append(Problem(contacts.path, where, field, message, line, newer_check=True))
    return problems


def _check_ways_to_act(pack: RulePack, contacts: ContactBook, add: _Report) -> None:
    """Every outcome names a contact with a phone number or a page: something a person can do at once."""
    for outcome in pack.outcomes:
        found = [contacts.get(contact_id) for contact_id in outcome.contacts]
        if not any(contact is not None and (contact.phone or contact.links) for contact in found):
            add(
                f"outcome {outcome.id}",
                "contacts",
                "names no contact with a phone number or a page: a person must have something to do at once",
                outcome.line,
            )


def _check_ids(pack: RulePack, add: _Report) -> None:
    # Found (maintainer review): "is used by more than one question or outcome" said neither
    # where the other one is nor what to do (a block copied to start a new question keeps its id).
    lines: dict[str, list[int | None]] = {}
    for node in pack.nodes:
        lines.setdefault(node.id, []).append(node.line)
    for node in pack.nodes:
        kind = "question" if isinstance(node, Question) else "outcome"
        if len(lines[node.id]) > 1:
            add(
                f"{kind} {node.id}",
                "id",
                f"is used by more than one question or outcome{_also_on(lines[node.id], node.line)}: give each its "
                "own id (and make the next: that should lead to the renamed one name its new id)",
                node.line,
            )
    for label, items in (("guidance", pack.guidance), ("flag", pack.flags)):
        item_lines: dict[str, list[int | None]] = {}
        for item in items:
            item_lines.setdefault(item.id, []).append(item.line)
        for item in items:
            if len(item_lines[item.id]) > 1:
                add(
                    f"{label} {item.id}",
                    "id",
                    f"is used by more than one {label}{_also_on(item_lines[item.id], item.line)}: give each its own id",
                    item.line,
                )
    for question in pack.questions:
        values = Counter(option.value for option in question.options)
        for option in question.options:
            if values[option.value] > 1:
                add(
                    f"question {question.id} option {option.value}",
                    "value",
                    "is used by more than one option of this question",
                    option.line,
                )


def _also_on(lines: list[int | None], own: int | None) -> str:
    """ " (also on line 12)": where the others with the same id are, when their lines are known."""
    others = [str(line) for line in lines if line is not None and line != own]
    if not others:
        return ""
    return f" (also on line{'s' if len(others) > 1 else ''} {', '.join(others)})"


def _meant(pack: RulePack, missing_id: str) -> str | None:
    """The node a route to the missing ``missing_id`` most likely meant (a near spelling), if any."""
    ids = [node.id for node in pack.nodes]
    # Ids differ only in case, as typed ("next: d" for the outcome D): too short for a near
    # spelling to be found, and what was meant is plain.
    same_but_case = [node_id for node_id in ids if node_id.casefold() == missing_id.casefold()]
    if len(same_but_case) == 1:
        return same_but_case[0]
    # An outcome's letter typed twice or with a neighbour ("Ss", "SS": found, partnership review,
    # too short for a near spelling): the one outcome id its letters all are.
    letters = set(missing_id.casefold())
    one_letter = [node_id for node_id in ids if len(node_id) == 1 and {node_id.casefold()} == letters]
    if len(one_letter) == 1:
        return one_letter[0]
    found = difflib.get_close_matches(missing_id, ids, n=1, cutoff=0.75)
    return found[0] if found else None


def _start(pack: RulePack) -> str | None:
    """The start question, or the one a misspelt start most likely meant."""
    return pack.start if pack.node(pack.start) is not None else _meant(pack, pack.start)


def _did_you_mean(pack: RulePack, missing_id: str) -> str:
    meant = _meant(pack, missing_id)
    return f" (did you mean {meant!r}?)" if meant else ""


def _check_references(pack: RulePack, contacts: ContactBook | None, add: _Report) -> None:
    if pack.node(pack.start) is None:
        add(
            "pack",
            "start",
            f"names {pack.start!r}, which is not a question or outcome{_did_you_mean(pack, pack.start)}",
            pack.line_of.get("start"),
        )
    elif not isinstance(pack.node(pack.start), Question):
        message = f"names outcome {pack.start!r}; a journey must start with a question"
        add("pack", "start", message, pack.line_of.get("start"))
    guidance_ids = {item.id for item in pack.guidance}
    flag_ids = {item.id for item in pack.flags}
    contact_ids = {contact.id for contact in contacts.contacts} if contacts is not None else set()
    # Found (maintainer review): a misspelt guidance, flag or contact id had no "did you mean" (a
    # misspelt route has), and was named at the line its question or outcome starts on.

    def at(node: Question | Option | Outcome, field: str) -> int | None:
        return node.field_lines.get(field, node.line)

    for question in pack.questions:
        node = f"question {question.id}"
        if question.next is not None and pack.node(question.next) is None:
            add(
                node,
                "next",
                f"names {question.next!r}, which is not a question or outcome{_did_you_mean(pack, question.next)}",
                question.next_line or question.line,
            )
        for cite in question.cites:
            if cite not in guidance_ids:
                add(node, "cites", _not_in_pack("guidance", cite, guidance_ids), at(question, "cites"))
        for option in question.options:
            option_node = f"{node} option {option.value}"
            if option.next is not None and pack.node(option.next) is None:
                add(
                    option_node,
                    "next",
                    f"names {option.next!r}, which is not a question or outcome{_did_you_mean(pack, option.next)}",
                    option.next_line or option.line,
                )
            for cite in option.cites:
                if cite not in guidance_ids:
                    add(option_node, "cites", _not_in_pack("guidance", cite, guidance_ids), at(option, "cites"))
            for flag in option.flags:
                if flag not in flag_ids:
                    add(option_node, "flags", _not_in_pack("flag", flag, flag_ids), at(option, "flags"))
            for implied_id, values in option.implies:
                implied = pack.question(implied_id)
                if implied is None:
                    add(option_node, "implies", f"names {implied_id!r}, which is not a question", at(option, "implies"))
                    continue
                for value in values:
                    if implied.option(value) is None:
                        add(
                            option_node,
                            "implies",
                            f"names {value!r}, which is not an option of {implied_id!r}",
                            at(option, "implies"),
                        )
    for outcome in pack.outcomes:
        node = f"outcome {outcome.id}"
        for cite in outcome.cites:
            if cite not in guidance_ids:
                add(node, "cites", _not_in_pack("guidance", cite, guidance_ids), at(outcome, "cites"))
        if outcome.change_question is not None and pack.question(outcome.change_question) is None:
            add(node, "change", f"names {outcome.change_question!r}, which is not a question", at(outcome, "change"))
        for noted_id, _ in outcome.contact_notes:
            if noted_id not in outcome.contacts:
                add(node, "contacts", f"has a note for {noted_id!r}, which it does not list", at(outcome, "contacts"))
        if contacts is not None:
            for contact_id in outcome.contacts:
                if contacts.get(contact_id) is None:
                    add(
                        node,
                        "contacts",
                        f"names contact {contact_id!r}, which is not in {contacts.path}"
                        + _near(contact_id, contact_ids),
                        at(outcome, "contacts"),
                    )


def _near(missing: str, known: set[str]) -> str:
    """ " (did you mean 'x'?)": the known id ``missing`` most likely meant, if any is near it."""
    same_but_case = [found for found in known if found.casefold() == missing.casefold()]
    found = same_but_case or difflib.get_close_matches(missing, sorted(known), n=1, cutoff=0.75)
    return f" (did you mean {found[0]!r}?)" if found else ""


def _not_in_pack(kind: str, missing: str, known: set[str]) -> str:
    return f"names {kind} {missing!r}, which is not in the pack{_near(missing, known)}"


def _check_options(pack: RulePack, add: _Report) -> None:
    for question in pack.questions:
        node = f"question {question.id}"
        if not question.options:
            add(node, "options", "has no options, so the journey would stop here (dead end)", question.line)
            continue
        if question.kind == "confirm" and len(question.options) != 1:
            add(node, "options", "a confirm question must have exactly one option", question.line)
        if (
            question.kind == "multiple"
            and question.next is None
            and any(not option.exclusive for option in question.options)
        ):
            add(
                node,
                "next",
                "is missing: a multiple-choice question routes its ordinary options here: give the question "
                "its own next: (beside its title, not under an option), naming the question or outcome after it",
                question.line,
            )
        if question.kind != "multiple" and question.next is not None:
            add(node, "next", "only multiple-choice questions take a question-level route", question.line)
        if question.kind == "multiple" and not any(not o.exclusive for o in question.options):
            add(node, "options", "a multiple-choice question needs at least one ordinary option", question.line)
        has_exclusive = any(option.exclusive for option in question.options)
        if has_exclusive and question.exclusive_error is None:
            add(
                node,
                "exclusive_error",
                "is missing: the message when an exclusive option is chosen with others",
                question.line,
            )
        elif not has_exclusive and question.exclusive_error is not None:
            add(node, "exclusive_error", "is only used by a question with an exclusive option", question.line)
        for option in question.options:
            option_node = f"{node} option {option.value}"
            if option.exclusive and question.kind != "multiple":
                add(
                    option_node, "exclusive", "only options of a multiple-choice question can be exclusive", option.line
                )
            if question.kind == "multiple" and not option.exclusive and option.next is not None:
                add(
                    option_node,
                    "next",
                    "ordinary options of a multiple-choice question route through the question's next",
                    option.line,
                )
            # An ordinary option of a multiple-choice question routes through the question's
            # next: when that is missing it is said once, for the question, not again for each
            # option (found, maintainer review: a deleted next gave 6 problems for 1 mistake).
            through_question = question.kind == "multiple" and not option.exclusive
            if question.route_for(option) is None and not through_question:
                add(option_node, "next", "is missing: every option needs a route", option.line)
            if not question.cites_for(option) and any(other.cites for other in question.options):
                add(
                    option_node,
                    "cites",
                    "is missing: every routing rule must cite the guidance it rests on: give this answer its own "
                    "cites: [guidance ids], or the question one for all its answers that have none",
                    option.line,
                )
        # Found (maintainer review): a question with no cites (and none on its answers) was one
        # problem per answer; it is one mistake, said once, for the question.
        if not question.cites and not any(option.cites for option in question.options):
            add(
                node,
                "cites",
                "is missing: every routing rule must cite the guidance it rests on: give the question cites: "
                "[guidance ids] (beside its title), for all its answers, or each answer its own",
                question.line,
            )
            if option.mode is not None and question.id != _start(pack):
                add(option_node, "mode", "only options of the first question can choose the mode", option.line)
    for outcome in pack.outcomes:
        if not outcome.cites:
            add(
                f"outcome {outcome.id}",
                "cites",
                "is missing: every outcome must cite the guidance it rests on",
                outcome.line,
            )
    if not pack.request_outcomes:
        add("(pack)", "outcomes", "no outcome has request: true, so nobody could ask for a session", None)


def _check_roles(pack: RulePack, add: _Report) -> None:
    """The roles name a multiple-choice criteria question and one of its ordinary options."""
    roles = pack.roles
    criteria = pack.question(roles.criteria_question)
    if not roles.criteria_question:
        return  # missing: reported when the pack was read
    if criteria is None:
        add("roles", "criteria_question", f"names {roles.criteria_question!r}, which is not a question", roles.line)
    elif criteria.kind != "multiple":
        add(
            "roles",
            "criteria_question",
            f"names {criteria.id!r}, a {criteria.kind} question; the criteria question must be multiple choice",
            roles.line,
        )
    else:
        debrief = criteria.option(roles.debrief_criterion)
        if not roles.debrief_criterion:
            return  # missing: reported when the pack was read
        if debrief is None:
            add(
                "roles",
                "debrief_criterion",
                f"names {roles.debrief_criterion!r}, which is not an option of {criteria.id!r}",
                roles.line,
            )
        elif debrief.exclusive:
            add(
                "roles",
                "debrief_criterion",
                f"names {debrief.value!r}, an exclusive option ('None of these'); the debrief must be an ordinary "
                "criterion",
                roles.line,
            )


def _leads_nowhere_known(pack: RulePack, start: str, reached: set[str]) -> bool:
    """Whether ``start``, or a route from the nodes ``reached`` after it, names a node that does
    not exist and is near none (reported on its own): what comes after it cannot be known."""
    targets = [start] + [
        target
        for node_id in reached
        if isinstance(question := pack.node(node_id), Question)
        for _, target in successors(pack, question)
    ]
    return any(pack.node(target) is None and _meant(pack, target) is None for target in targets)


def _reachable_as_meant(pack: RulePack, start: str, avoiding: str | None = None) -> set[str]:
    """The node ids reachable from ``start``, a misspelt route taken to lead where it was meant
    (``_meant``), and never through ``avoiding``. Found (maintainer review): "next: adult_at_rsk"
    gave 14 problems, the 13 after the one mistake saying each question and outcome beyond it
    "cannot be reached"."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        node_id = stack.pop()
        if pack.node(node_id) is None:
            node_id = _meant(pack, node_id) or node_id
        node = pack.node(node_id)
        if node is None or node_id in seen or node_id == avoiding:
            continue
        seen.add(node_id)
        if isinstance(node, Question):
            stack.extend(target for _, target in successors(pack, node))
    return seen


def _calls_999(contacts: ContactBook) -> set[str]:
    """The contacts whose phone is 999 (or 112)."""
    return {c.id for c in contacts.contacts if c.calls_999}


def _check_graph(pack: RulePack, add: _Report, contacts: ContactBook | None = None) -> bool:
    """Reachability, cycles and dead ends; returns whether the graph is acyclic."""
    # A node that a misspelt route (or start) was meant for is not reported again as
    # unreachable: the misspelling (reported with "did you mean") is the one mistake.
    start = _start(pack)
    reachable = _reachable_as_meant(pack, start) if start else {node.id for node in pack.nodes}
    meant = {
        _meant(pack, target) for q in pack.questions for _, target in successors(pack, q) if pack.node(target) is None
    }
    # A question whose options are missing or misspelt (reported where it is read) routes
    # nowhere: everything after it would be reported unreachable too, burying the one mistake.
    optionless = {question.id for question in pack.questions if not question.options}
    # So does a multiple-choice question without its own next (reported where it is read): what
    # its ordinary options lead to would be reported unreachable too.
    optionless |= {
        question.id
        for question in pack.questions
        if question.kind == "multiple"
        and question.next is None
        and any(not option.exclusive for option in question.options)
    }
    unreached = [node for node in pack.nodes if node.id not in reachable and node.id not in meant]
    # Only where each unreached part begins: what follows it is unreached because it is (found,
    # maintainer review: a route to a name that is nowhere, "next: adult", gave 14 problems).
    unreached_ids = {node.id for node in unreached}
    fed = {target for q in pack.questions if q.id in unreached_ids for _, target in successors(pack, q)}
    emergency = _calls_999(contacts) if contacts else set()
    for node in [node for node in unreached if node.id not in fed] or unreached:
        if not optionless:
            kind = "question" if isinstance(node, Question) else "outcome"
            tells_to_call_999 = (
                isinstance(node, Outcome)
                and bool(node.contacts)
                and node.contacts[0] in emergency
                and node.contact_note(node.contacts[0]) is None
            )
            add(
                f"{kind} {node.id}",
                "id",
                f"cannot be reached from the start question {pack.start!r}: no answer's next: leads here. "
                + (
                    # Found (rules maintainer's review): "Remove the outcome" was the advice for U1, where an
                    # answer rerouted by mistake had led; removed, the pack was valid with a warning.
                    "It is where someone is told to call 999 first: an answer that led here has probably been "
                    "changed. Find it (flask rules diff, with the pack as it was, lists it) and give it "
                    f"next: {node.id} again. Do not remove this outcome"
                    if tells_to_call_999
                    else f"Give the answer that should lead here next: {node.id}. Remove the {kind} only if the "
                    "partnership has agreed to retire it (flask rules diff shows which routes that changes)"
                ),
                node.line,
            )
    cycles = _find_cycles(pack)
    for cycle_at, via in cycles:
        # Named at the route that closes the loop, the one most likely edited (found, rules
        # maintainer's review: it was named at the line of the question it went back to).
        closing = pack.question(via[-2])
        own = [option for option in closing.options if option.next == cycle_at] if closing is not None else []
        back_to = "its own question" if via[-2] == cycle_at else f"question {cycle_at}, which comes before it"
        said = (
            f"leads back to {back_to} (cycle through {' → '.join(via)}), so a journey could go round for ever. "
            "Route it to a later question or an outcome"
        )
        if own:
            for option in own:
                add(f"question {via[-2]} option {option.value}", "next", said, option.next_line or option.line)
        else:
            add(
                f"question {via[-2]}",
                "next",
                said,
                (closing.next_line or closing.line) if closing is not None else None,
            )
    for question in pack.questions:
        for option in question.options:
            target = question.route_for(option)
            if target is None or not option.implies:
                continue  # an option with no route is reported as such
            # The routes after this answer as they were meant: a misspelt route (reported with
            # "did you mean") is the one mistake, not also every answer it suggests for later.
            later = _reachable_as_meant(pack, target)
            for implied_id, _ in option.implies:
                if implied_id not in later and not _leads_nowhere_known(pack, target, later):
                    add(
                        f"question {question.id} option {option.value}",
                        "implies",
                        f"suggests an answer to {implied_id!r}, which cannot come after this answer",
                        option.line,
                    )
    missing = {
        target for question in pack.questions for _, target in successors(pack, question) if pack.node(target) is None
    }
    ends = reaching(pack, {outcome.id for outcome in pack.outcomes} | missing | optionless)
    for question in pack.questions:
        if question.id not in ends:
            add(f"question {question.id}", "options", "no outcome can be reached from here (dead end)", question.line)
    return not cycles


def _check_change_links(pack: RulePack, report: Callable[[Problem], None]) -> None:
    """An outcome's ``change`` link changes one answer given on the way there, so every route to
    the outcome asks its question. Found (partnership review): R's link named a question asked
    only after R ("question: criteria"), which `rules check` took; the link, the way on to a
    debrief once a review is referred, led back to the outcome saying "that question is not
    asked". (A question not in the pack at all is reported with the other names.) A newer check:
    a live pack from before it is still ``rules diff``'s OLD pack."""
    start = _start(pack)
    if start is None:
        return
    reachable = _reachable_as_meant(pack, start)
    for outcome in pack.outcomes:
        asked = outcome.change_question
        if asked is None or pack.question(asked) is None or outcome.id not in reachable:
            continue
        if outcome.id in _reachable_as_meant(pack, start, avoiding=asked):
            message = (
                f"names {asked!r}, which not every route to this outcome asks: the link changes an answer given "
                'on the way here, and where that question was not asked it only leads back here ("that question '
                'is not asked"): name a question every route here asks'
            )
            line = outcome.field_lines.get("change", outcome.line)
            report(Problem(pack.path, f"outcome {outcome.id}", "change", message, line, newer_check=True))


def reaching(pack: RulePack, targets: set[str]) -> set[str]:
    """Every node id from which one of ``targets`` can be reached (targets included)."""
    predecessors: dict[str, list[str]] = {}
    for question in pack.questions:
        for _, target in successors(pack, question):
            predecessors.setdefault(target, []).append(question.id)
    seen: set[str] = set()
    stack = list(targets)
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        stack.extend(predecessors.get(node_id, ()))
    return seen


def _path_counts(pack: RulePack, targets: set[str]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """For an acyclic pack: how many routes lead from the start to each node, and from each
    node to each of ``targets`` (sparse: only targets it can reach). Python's integers are
    exact, so these counts never overflow."""
    order = _topological_order(pack)
    edges = {q.id: [t for _, t in successors(pack, q) if pack.node(t) is not None] for q in pack.questions}
    from_start: dict[str, int] = dict.fromkeys(order, 0)
    from_start[pack.start] = 1
    for node_id in order:
        for target in edges.get(node_id, ()):
            from_start[target] = from_start.get(target, 0) + from_start[node_id]
    to_target: dict[str, dict[str, int]] = {}
    for node_id in reversed(order):
        counts: dict[str, int] = {node_id: 1} if node_id in targets else {}
        for successor in edges.get(node_id, ()):
            for target, count in to_target.get(successor, {}).items():
                counts[target] = counts.get(target, 0) + count
        to_target[node_id] = counts
    return from_start, to_target


def _topological_order(pack: RulePack) -> list[str]:
    edges = {q.id: [t for _, t in successors(pack, q) if pack.node(t) is not None] for q in pack.questions}
    incoming: dict[str, int] = {node.id: 0 for node in pack.nodes}
    for targets in edges.values():
        for target in targets:
            incoming[target] += 1
    ready = [node_id for node_id, count in incoming.items() if count == 0]
    order: list[str] = []
    while ready:
        node_id = ready.pop()
        order.append(node_id)
        for target in edges.get(node_id, ()):
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return order


def _find_cycles(pack: RulePack) -> list[tuple[str, list[str]]]:
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    found: list[tuple[str, list[str]]] = []
    path: list[str] = []  # node ids on the current walk; empty again after each root
    stack: list[tuple[str, Iterator[str]]] = []  # each node on the walk and the targets left to try

    def enter(node_id: str) -> None:
        state[node_id] = 1
        path.append(node_id)
        question = pack.question(node_id)
        targets = (target for _, target in successors(pack, question)) if question else iter(())
        stack.append((node_id, targets))

    for root in (question.id for question in pack.questions):
        if state.get(root):
            continue
        enter(root)
        while stack:
            node_id, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                path.pop()
                state[node_id] = 2
            elif state.get(target) == 1:
                found.append((target, [*path[path.index(target) :], target]))
            elif not state.get(target):
                enter(target)
    return found


# An answer whose words say the person does not know: on a safety question it must be marked
# `unsure: true`, which can never be marked safe (CONTENT.md: a "not sure" never reaches the request).
# Either apostrophe (a typographic one pasted from a word processor), and the supervision
# wording's "the practitioner does not know" (diff review).
NOT_SURE_WORDS = re.compile(
    r"\b(?:not sure|unsure|(?:don|doesn)['\u2019]?t know|(?:do|does) not know)\b", re.IGNORECASE
)


def _plain_yes(value: str, wordings: Iterable[str]) -> bool:
    """Whether an answer is a bare yes: its value, or any of its wordings, "yes" alone."""
    return value.strip().lower() == "yes" or any(w.strip().rstrip(".!").strip().lower() == "yes" for w in wordings)


def _check_safeguarding(pack: RulePack, add: _Report) -> None:
    request_ids = {outcome.id for outcome in pack.request_outcomes}
    leads_to_request = reaching(pack, request_ids)
    from_start, to_request = _path_counts(pack, request_ids)
    for question in pack.questions:
        node = f"question {question.id}"
        for option in question.options:
            if option.unsure and option.safe:
                add(
                    f"{node} option {option.value}", "safe", "a 'not sure' answer can never be marked safe", option.line
                )
        if not question.risk:
            continue
        if question.kind != "single":
            add(node, "kind", "a risk question must be single choice", question.line)
        if not any(option.safe for option in question.options):
            add(node, "options", "a risk question needs at least one answer marked safe", question.line)
        for option in question.options:
            wordings = {option.label.practitioner, option.label.supervision}
            if option.safe and _plain_yes(option.value, wordings):
                # Found (robustness review): "Yes" to "Is a child in immediate danger" marked safe and
                # sent on towards a request passed the check (only ``rules diff`` showed it).
                add(
                    f"{node} option {option.value}",
                    "safe",
                    "a plain 'Yes' to a safety question says the risk is there: it can never be marked safe "
                    "(ask the question so that the answer ruling the risk out is 'No', or word that answer "
                    "to say what it rules out, as 'Yes, and it has been reported' does)",
                    option.line,
                )
            if not option.unsure and any(NOT_SURE_WORDS.search(wording) for wording in wordings):
                add(
                    f"{node} option {option.value}",
                    "unsure",
                    f"{option.label.practitioner!r} reads as a 'not sure' answer to a safety question: mark it "
                    "unsure: true (a 'not sure' can never be safe, nor lead towards a request)",
                    option.line,
                )
            target = question.route_for(option)
            if option.safe or target is None or target not in leads_to_request:
                continue
            reached = reachable_from(pack, target) & request_ids
            add(
                f"{node} option {option.value}",
                "next",
                f"is a risk answer (not marked safe) but can lead to the request outcome {', '.join(sorted(reached))}: "
                "on a safety question only an answer that rules the risk out may lead on; send this one to an "
                "outcome that says where to go instead (mark it safe: true only if it truly rules the risk out, "
                "never for a 'yes' or a 'not sure')",
                option.line,
            )
        # Every route to a request this question can lead to must pass through it: the routes
        # through it (start → question → request) must be all the routes (start → request).
        bypassed = sorted(
            target
            for target, onward in to_request.get(question.id, {}).items()
            if from_start.get(question.id, 0) * onward != from_start.get(target, 0)
        )
        if question.id != pack.start and bypassed:
            add(
                node,
                "id",
                f"can be bypassed on the way to the request outcome {', '.join(bypassed)}; "
                "every risk question must be asked on every route to a request",
                question.line,
            )


def _risk_answers(pack: RulePack) -> Iterator[tuple[Question, Option, str]]:
    """(question, option, target) for every answer to a risk question that does not rule the
    risk out (not marked safe: the risk is there, or may be) and routes somewhere."""
    for question in pack.questions:
        if question.risk:
            for option in question.options:
                target = question.route_for(option)
                if not option.safe and target is not None:
                    yield question, option, target


def _check_risk_outcomes(pack: RulePack, add: _Report) -> None:
    """A risk that is there (or may be) never leads to an outcome that a journey with no risk
    reaches too: found (rules maintainer's review), "Yes" to "Is a child in immediate danger"
    routed to S ("Supervision or another route may suit this better") passed `rules check` and
    started, since S is not the request. An outcome for a risk is one that only risk answers
    lead to (999, children's social care, the LADO...); which one is the partnership's to say
    (`rules diff` shows a change), but never one of the outcomes for everyone else."""
    start = _start(pack)
    if start is None or pack.node(start) is None:
        return
    risky = {(question.id, option.value) for question, option, _ in _risk_answers(pack)}
    ordinary: set[str] = set()  # reached on a route that takes no risk answer
    # The answers not for a risk that lead straight to each outcome, as the message names them: found
    # (new engineer's review), a question added with "Yes" to D, not marked as a risk, was reported
    # as a fault of "Yes" to decision_needed, the question before it, with no word of the new one.
    ordinary_ways: dict[str, dict[str, int]] = {}
    stack = [start]
    while stack:
        node_id = stack.pop()
        node = pack.node(node_id)
        if node is None or node_id in ordinary:
            continue
        ordinary.add(node_id)
        if isinstance(node, Question):
            for value, target in successors(pack, node):
                if (node.id, value) in risky:
                    continue
                stack.append(target)
                if isinstance(pack.node(target), Outcome):
                    chosen = next((o for o in node.options if o.value == value), None)
                    if chosen is not None and chosen.next is None:  # routed by the question's own next
                        way, line = f"question {node.id} (its next)", node.next_line or node.line
                    else:
                        way, line = f"question {node.id} option {value}", chosen.line if chosen else None
                    ordinary_ways.setdefault(target, {})[way + (f", line {line}" if line else "")] = line or 0
    for question, option, target in _risk_answers(pack):
        shared = sorted(
            found.id
            for node_id in reachable_from(pack, target) & ordinary
            if isinstance(found := pack.node(node_id), Outcome) and not found.request  # (the request: above)
        )
        if shared:
            # (Named as they stand, in the file's order: found, regression review, advice to mark them
            # risk questions pointed the wrong way when the fault was the risk answer's own next.)
            ways = {way: line for outcome_id in shared for way, line in ordinary_ways.get(outcome_id, {}).items()}
            straight = sorted(ways, key=lambda way: (ways[way], way))
            add(
                f"question {question.id} option {option.value}",
                "next",
                f"is a risk answer (not marked safe) but leads to the outcome {', '.join(shared)}, which journeys "
                "with no risk reach too"
                + (
                    f" (through {'; '.join(straight)}: if one of these questions asks about a risk too, mark it "
                    "risk: true)"
                    if straight
                    else ""
                )
                + ": send a risk that is there, or may be, to an outcome that says where to go "
                "instead (999, children's social care, the LADO) and that only such answers lead to (if the "
                "partnership means the same advice for both, give this answer a copy of the outcome with an id "
                "of its own)",
                option.line,
            )


def _check_emergency_questions(pack: RulePack, contacts: ContactBook, add: _Report) -> bool:
    """A question with an answer that leads straight to an outcome putting 999 first (as what to
    do at once) asks about a risk: it must be marked ``risk: true``, so that its other answers
    are checked as safety answers are. Found (rules maintainer's review): ``risk: true`` taken off
    "Is a child in immediate danger" passed `rules check` and started. Returns whether one was
    found (then the outcomes of risk answers are not checked: found, regression review, the
    unmarked question made U2 look shared, and the "Yes" of another question was blamed)."""
    emergency = _calls_999(contacts)
    found = False
    for question in pack.questions:
        if question.risk:
            continue
        for value, target in successors(pack, question):
            outcome = pack.node(target)
            if (
                isinstance(outcome, Outcome)
                and outcome.contacts[:1]
                and outcome.contacts[0] in emergency
                and outcome.contact_note(outcome.contacts[0]) is None
            ):
                rung = contacts.get(outcome.contacts[0])
                add(
                    f"question {question.id}",
                    "risk",
                    f"its answer {value!r} leads to {outcome.id}, which says to ring "
                    f"{rung.name if rung is not None else outcome.contacts[0]} ({rung.phone if rung else '999'}) at "
                    "once: a question that can send someone to ring 999 asks about a risk, so mark it risk: true "
                    "(its answers are then checked as safety answers are)",
                    question.line,
                )
                found = True
                break
    return found


def _check_confirmation(pack: RulePack, add: _Report) -> None:
    """Every route to a request outcome passes a confirmation (``kind: confirm``): the request
    pages open only after one (``app.requests.service.journey_complete``), so an outcome reached
    without it would offer a request that no one could make."""
    confirmations = {question.id for question in pack.questions if question.kind == "confirm"}
    seen: set[str] = set()
    stack = [pack.start] if pack.start else []
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id in confirmations:
            continue
        seen.add(node_id)
        node = pack.node(node_id)
        if isinstance(node, Question):
            stack.extend(target for _, target in successors(pack, node))
    for outcome in pack.request_outcomes:
        if outcome.id in seen:
            add(
                f"outcome {outcome.id}",
                "request",
                "can be reached without a confirmation question (kind: confirm) on the way; the request pages "
                "open only once the person has confirmed what Space to Think does not replace",
                outcome.line,
            )


VERIFY_EVERY_MONTHS = 12


def future_verifications(contacts: ContactBook, today: dt.date) -> list[Problem]:
    """A problem for each contact "verified" after ``today`` (a typo: 2099 for 2026), which the
    check of old verifications would otherwise trust for years."""
    return [
        Problem(
            contacts.path,
            f"contact {contact.id}",
            contact.VERIFIED_FIELD,
            f"is in the future ({contact.verified_on.isoformat()}): the details cannot have been verified yet",
            contact.field_lines.get(contact.VERIFIED_FIELD, contact.line),
        )
        for contact in contacts.contacts
        if contact.verified_on > today + dt.timedelta(days=1)  # a day's grace for time zones
    ]


def future_statement_dates(partnership: Partnership, today: dt.date) -> list[Problem]:
    """A problem for each of the accessibility statement's dates after ``today`` (a typo: 2062 for
    2026). The statement is a public promise (the accessibility regulations ask for its dates):
    it told everyone it was prepared, or the tool tested, on a day still to come, and the check
    of a contact's date verified already refused the same mistake."""
    statement = partnership.accessibility
    found = [
        ("prepared_on", statement.prepared_on, "it was prepared"),
        ("tested_on", statement.tested_on, "the tool was tested"),
    ]
    return [
        Problem(
            partnership.path,
            "(partnership) accessibility",
            key,
            f"is in the future ({date.isoformat()}): the statement cannot say {done} on a day still to come",
            partnership.line_of.get(f"accessibility.{key}"),
        )
        for key, date, done in found
        if date is not None and date > today + dt.timedelta(days=1)  # a day's grace for time zones
    ]


def review_date_passed(pack: RulePack, today: dt.date) -> list[Problem]:
    """A warning when the pack's review date is before ``today`` (``rules check``, start-up and
    ``rules diff``, for the new pack, say the same)."""
    if pack.review_date >= today:
        return []
    return [
        Problem(
            pack.path,
            "pack",
            "review_date",
            f"was {pack.review_date.isoformat()}: the review date has passed. Review the pack and set a new date",
            pack.line_of.get("review_date"),
        )
    ]


def rules_warnings(pack: RulePack, contacts: ContactBook | None, today: dt.date) -> list[Problem]:
    """What is due rather than wrong: the pack's review date has passed, a contact was last
    verified more than ``VERIFY_EVERY_MONTHS`` months before ``today``, or an example's detail
    (fictional guidance, a drama number, an example domain) is still in."""
    warnings = review_date_passed(pack, today)
    warnings.extend(fictional_guidance(pack))
    warnings.extend(uncited_guidance(pack))
    warnings.extend(your_in_both_modes(pack))
    warnings.extend(supervision_worded_for_the_practitioner(pack))
    if contacts is None:
        return warnings
    oldest = _months_before(today, VERIFY_EVERY_MONTHS)
    warnings.extend(
        Problem(
            contacts.path,
            f"contact {contact.id}",
            contact.VERIFIED_FIELD,
            f"was last verified on {contact.verified_on.isoformat()}, more than {VERIFY_EVERY_MONTHS} months ago. "
            "Verify the details against their source again",
            contact.field_lines.get(contact.VERIFIED_FIELD, contact.line),
        )
        for contact in contacts.contacts
        if contact.verified_on < oldest
    )
    warnings.extend(fictional_contacts(contacts))
    warnings.extend(_no_emergency_outcome(pack, contacts))
    warnings.extend(hours_silent_on_bank_holidays(contacts))
    warnings.extend(hours_words_disagree_with_open(contacts))
    warned = {problem.node for problem in warnings if problem.field == "hours"}
    warnings.extend(p for p in hours_days_disagree_with_open(contacts) if p.node not in warned)
    return warnings


_TIME_IN_WORDS = re.compile(
    r"\b(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s?m\b\.?"  # 8.30am, 8:30 a.m., 5pm
    r"|\b([01]?\d|2[0-3])[.:]([0-5]\d)\b(?!\s*[ap]\.?\s?m)"  # 08:30, 16.30, 8:30 (no am or pm)
    r"|\b(noon|midday)\b",
    re.IGNORECASE,
)


def _times_in_words(text: str) -> list[dt.time] | None:
    """The times of day written in a contact's hours ("8.30am", "5pm", "8:30 a.m.", "17:00",
    "noon"), in order; None when one could be morning or afternoon ("8:30", "4.30" without am or
    pm), which is not guessed."""
    found = []
    for match in _TIME_IN_WORDS.finditer(text):
        if match.group(3):
            hour, minute = int(match.group(1)) % 12, int(match.group(2) or 0)
            hour += 12 if match.group(3).lower() == "p" else 0
        elif match.group(6):
            hour, minute = 12, 0
        else:
            hour, minute = int(match.group(4)), int(match.group(5))
            if 1 <= hour <= 12 and not match.group(4).startswith("0"):
                return None  # "4:30": morning or afternoon?
        if hour < 24 and minute < 60:
            found.append(dt.time(hour, minute))
    return found


def hours_words_disagree_with_open(contacts: ContactBook) -> list[Problem]:
    """A contact whose hours in words give times other than ``open``'s: the card says one thing
    under the number and "This phone line is closed now" (or not) by the other. More than two
    times ("Friday 8.30am to 4pm") are warned of when one is not ``open``'s: ``open`` has one
    from and until for every day it names, but those its ``except`` entries give other times."""
    problems = []
    for contact in contacts.contacts:
        if contact.open is None or not contact.hours:
            continue
        times = _times_in_words(contact.hours)
        if not times:
            continue
        opening = (contact.open.opens, contact.open.closes)
        if len(times) == 2 and tuple(times) == opening and not contact.open.exceptions:
            continue
        if contact.open.exceptions:
            # Every time the data gives is in the words, and no other (found, regression review: a
            # Friday close at 16:30 in the data, "Monday to Friday, 8.30am to 5pm" in the words, was
            # not warned of, and the card said "to 5pm" above "This phone line is closed now").
            # Given in pairs, each from and until as the data pairs them (found, a second regression
            # review: Monday to Thursday from 9am and Friday from 8.30am in the words, the other way
            # round in the data, was not warned of). Which days each pair is for is not read.
            windows = {(contact.open.opens, contact.open.closes), *((o, c) for _, o, c in contact.open.exceptions)}
            paired = set(zip(times[::2], times[1::2], strict=False)) if len(times) % 2 == 0 else None
            if set(times) == set(contact.open.times) and (paired is None or paired == windows):
                continue
        elif len(times) != 2 and all(time in opening for time in times):
            continue
        said = ", ".join(f"{time:%H:%M}" for time in times)
        problems.append(
            Problem(
                contacts.path,
                f"contact {contact.id}",
                "hours",
                f"say {said}, but open says {_open_in_words(contact.open)}: pages would "
                "say the line is open or closed by open's times. Change both together (open's except can give other "
                "times on some days)",
                contact.field_lines.get("hours", contact.line),
            )
        )
    return problems


_DAY_WORDS = (
    r"mon(?:day)?", r"tue(?:s(?:day)?)?", r"wed(?:nesday)?", r"thu(?:r(?:s(?:day)?)?)?", r"fri(?:day)?",
    r"sat(?:urday)?", r"sun(?:day)?",
)  # fmt: skip
_DAY = re.compile(
    r"\b(?:(?P<day>" + "|".join(f"(?:{word})" for word in _DAY_WORDS) + r")s?\.?|(?P<weekdays>weekdays?)"
    r"|(?P<weekends>weekends?)|(?P<every>every day|daily|7 days a week|seven days a week))\b",
    re.IGNORECASE,
)
# Between two days: a range ("Monday to Friday", "Mon-Thu"), or one more in a list ("Monday and Wednesday").
_DAY_RANGE = re.compile(r"^\s*(?:to|-|–|—|through|thru)\s*$", re.IGNORECASE)
_DAY_LIST = re.compile(r"^\s*(?:,|and|&|/|,\s*and)\s*$", re.IGNORECASE)


def _days_matched(match: re.Match[str]) -> frozenset[int]:
    if match.group("weekdays"):
        return frozenset(range(5))
    if match.group("weekends"):
        return frozenset({5, 6})
    if match.group("every"):
        return frozenset(range(7))
    word = match.group("day").lower()
    return frozenset(n for n, pattern in enumerate(_DAY_WORDS) if re.fullmatch(pattern, word))


def _hours_by_day_in_words(text: str) -> list[tuple[frozenset[int], tuple[dt.time, ...], bool]] | None:
    """The days a contact's hours in words name, each group with the times given for it, in order
    ("Mon-Thu 8.30am-5pm, Fri 8.30am-4.30pm": Monday to Thursday with 08:30 and 17:00, then Friday
    with 08:30 and 16:30), and whether it is said to be closed then (a group with no times beside
    "closed": "closed at weekends"); times may come before their days too ("8.30am to 5pm Monday to
    Thursday"). None when the words name no day, or a time that could be morning or afternoon."""
    if _times_in_words(text) is None:
        return None
    items = [(match.start(), match.end(), _days_matched(match)) for match in _DAY.finditer(text)]
    if not items:
        return None
    groups: list[tuple[int, int, frozenset[int]]] = []
    for start, end, days in items:
        if groups:
            last_start, last_end, last_days = groups[-1]
            between = text[last_end:start]
            if _DAY_RANGE.match(between) and len(last_days) == 1 and len(days) == 1:
                first, final = min(last_days), min(days)
                span = range(first, final + 1) if first <= final else [*range(first, 7), *range(final + 1)]
                groups[-1] = (last_start, end, frozenset(span))
                continue
            if _DAY_LIST.match(between):
                groups[-1] = (last_start, end, last_days | days)
                continue
        groups.append((start, end, days))
    times = [(m.start(), t) for m, t in zip(_TIME_IN_WORDS.finditer(text), _times_in_words(text) or [], strict=False)]
    days_first = groups[0][0] < (times[0][0] if times else len(text))
    found = []
    for n, (start, end, days) in enumerate(groups):
        if days_first:
            until = groups[n + 1][0] if n + 1 < len(groups) else len(text)
            mine = tuple(t for at, t in times if end <= at < until)
        else:
            since = groups[n - 1][1] if n else 0
            mine = tuple(t for at, t in times if since <= at < start)
        around = text[groups[n - 1][1] if n else 0 : groups[n + 1][0] if n + 1 < len(groups) else len(text)]
        found.append((days, mine, not mine and re.search(r"\bclosed\b", around, re.IGNORECASE) is not None))
    return found


def hours_days_disagree_with_open(contacts: ContactBook) -> list[Problem]:
    """A contact whose hours in words give, for some day, other times than ``open`` has for that
    day, or name days ``open`` does not (or leave out one it does). Found (earlier notes): the
    times were compared, not which days each is for, so "Monday until 4.30pm" in the data and
    "Friday until 4.30pm" in the words passed. Words that are not one pair of times for each
    group of days, or "closed" for it, ("24 hours, 7 days a week", "Monday until 4.30pm") are not
    read."""
    problems = []
    for contact in contacts.contacts:
        if contact.open is None or not contact.hours:
            continue
        groups = _hours_by_day_in_words(contact.hours)
        if not groups or any(len(times) != 2 and not closed for _, times, closed in groups):
            continue
        named: set[int] = set()
        said = []
        for days, times, closed in groups:
            named |= days
            for day in sorted(days):
                window = contact.open.window(day)
                if closed and window is not None:
                    said.append(f"{OpenHours.DAY_NAMES[day]} closed")
                elif not closed and window != times:
                    said.append(f"{OpenHours.DAY_NAMES[day]} {times[0]:%H:%M} to {times[1]:%H:%M}")
        missing = [OpenHours.DAY_NAMES[day] for day in sorted(contact.open.days - named)]
        if not said and not missing:
            continue
        wrong = f"say {'; '.join(said)}" if said else ""
        left = f"say nothing of {' and '.join(missing)}" if missing else ""
        problems.append(
            Problem(
                contacts.path,
                f"contact {contact.id}",
                "hours",
                f"{wrong}{', and ' if wrong and left else ''}{left}, but open says {_open_in_words(contact.open)}: "
                "pages would say the line is open or closed by open's times. Change both together",
                contact.field_lines.get("hours", contact.line),
            )
        )
    return problems


def _open_in_words(hours: OpenHours) -> str:
    """``open``'s times for a warning: "08:30 to 17:00 (every day it names)", and each except's."""
    main = f"{hours.opens:%H:%M} to {hours.closes:%H:%M} (every day it names"
    if not hours.exceptions:
        return main + ")"
    others = "; ".join(
        f"{' and '.join(name for number, name in enumerate(OpenHours.DAY_NAMES) if number in days)} {opens:%H:%M} to "
        f"{closes:%H:%M}"
        for days, opens, closes in hours.exceptions
    )
    return f"{main} but: {others})"


def hours_silent_on_bank_holidays(contacts: ContactBook) -> list[Problem]:
    """A contact whose ``open.bank_holidays`` says its line is closed on them, whose hours in words
    say nothing of bank or public holidays. Found (regression review): on Christmas Day, a Friday,
    the card gave "Monday to Friday, 8.30am to 4.30pm", then "This phone line is closed now", with
    no reason; a printed page gives only the words. A warning, not a refusal: the words are the
    partnership's ("Bank holidays: closed", "excl. bank holidays"), and a refused contacts file stops
    the service (a second regression review)."""
    return [
        Problem(
            contacts.path,
            f"contact {contact.id}",
            "hours",
            "say nothing of bank holidays, though open.bank_holidays says its phone line is closed on them: say "
            f'it in words too, like hours: "{contact.hours.strip().rstrip(".")}, not on bank holidays"',
            contact.field_lines.get("hours", contact.line),
        )
        for contact in contacts.contacts
        if contact.open is not None
        and contact.open.bank_holidays
        and contact.hours
        and contact.hours.strip()
        and not re.search(r"\b(?:bank|public)\s+hol(?:iday)?s?\b", contact.hours, re.IGNORECASE)
    ]


def uncited_guidance(pack: RulePack) -> list[Problem]:
    """Guidance that no question, answer or outcome cites, so no page quotes it. Found (rules
    maintainer's review): a criterion taken out left the guidance only it cited, and nothing said
    so (a contact no page shows is warned of). A warning: it may be kept for later on purpose."""
    cited = {
        guidance_id
        for question in pack.questions
        for guidance_id in (*question.cites, *(g for option in question.options for g in option.cites))
    } | {guidance_id for outcome in pack.outcomes for guidance_id in outcome.cites}
    return [
        Problem(
            pack.path,
            f"guidance {item.id}",
            "id",
            "is cited by no question, answer or outcome, so no page quotes it: cite it where it applies "
            f"(cites: [{item.id}]), or remove it if it no longer applies",
            item.line,
        )
        for item in pack.guidance
        if item.id not in cited
    ]


def _no_emergency_outcome(pack: RulePack, contacts: ContactBook) -> list[Problem]:
    """No outcome a journey can reach puts the contact whose phone is 999 (or 112) first, as the
    thing to do at once, whatever the answers (not "If a child may be in immediate danger", as U2
    gives it for "I'm not sure"). Found (maintainer review): with "Yes" to "Is a child … in
    immediate danger" sent to U2 and U1 deleted, no outcome said to call 999 first, and `rules
    check` said the pack was valid (`rules diff` showed the change); and again (rules
    maintainer's review) once U2 gave 999 first under its condition, which was taken for an
    outcome that does. A warning, not a refusal: which outcome is the emergency one is the
    partnership's to say (docs/RULES.md, "What the validator cannot see"), and every page's
    footer still gives 999."""
    emergency = _calls_999(contacts)
    start = _start(pack)
    if not emergency or start is None:
        return []
    reached = _reachable_as_meant(pack, start)
    if any(
        outcome.contacts[:1] and outcome.contacts[0] in emergency and outcome.contact_note(outcome.contacts[0]) is None
        for outcome in pack.outcomes
        if outcome.id in reached
    ):
        return []
    named = ", ".join(sorted(emergency))
    return [
        Problem(
            pack.path,
            "(outcomes)",
            "contacts",
            f"no outcome a journey can reach puts the emergency contact ({named}, 999) first in its contacts, "
            'with no "when", as what to do at once: the outcome for a child in immediate danger '
            "(U1 in the shipped pack) should. "
            "If an answer that led to it was rerouted, or it was removed, check that with the partnership "
            "(flask rules diff shows which routes changed)",
            None,
        )
    ]


# A guidance source the example deployment marks as made up ("... 2026; fictional").
FICTIONAL_SOURCE = re.compile(r"\bfictional\b", re.IGNORECASE)


def fictional_guidance(pack: RulePack) -> list[Problem]:
    """Guidance whose ``source`` says it is fictional: the example's own launch text, left in a
    copy, cited on a real deployment's outcomes (area review). As ``fictional_contacts``: a
    warning in `rules check`; production refuses to start, and `rules check` run there refuses
    it too (app/pack.py)."""
    return [
        Problem(
            pack.path,
            f"guidance {item.id}",
            "source",
            f"says the guidance is fictional ({item.source!r}): cite your partnership's own guidance",
            item.field_lines.get("source", item.line),
        )
        for item in pack.guidance
        if FICTIONAL_SOURCE.search(item.source)
    ]


# Ofcom's numbers for drama and examples (the first digits; each range is a thousand numbers):
# they never reach anyone. examples/northmere/ uses 01632 960xxx.
DRAMA_NUMBERS = re.compile(
    r"0(?:11[3-8]|1[2-6]1)4960\d{3}|020794 60\d{3}|0289649 6\d{3}|0292018 0\d{3}|01632 960\d{3}"
    r"|07700 900\d{3}|08081 570\d{3}|0909879 0\d{3}|03069 990\d{3}".replace(" ", "")
)
# Domain names kept for examples and tests (RFC 2606, RFC 6761): no real page or mailbox.
EXAMPLE_DOMAIN = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|example|invalid|test|localhost)$", re.IGNORECASE)


def fictional_contacts(contacts: ContactBook) -> list[Problem]:
    """Contact details that reach no one: one of Ofcom's drama numbers, or an address under a
    domain kept for examples. Found (area review): a partnership that copies examples/northmere/
    (as the README says) and misses one entry passed `rules check` in silence, and would show
    people a number that never answers, in the footer of every page. A warning in
    `rules check`; production refuses to start, and `rules check` run there refuses it too
    (app/pack.py)."""
    found: list[Problem] = []
    for contact in contacts.contacts:
        node = f"contact {contact.id}"
        if contact.phone and DRAMA_NUMBERS.fullmatch("".join(contact.phone.split())):
            found.append(
                Problem(
                    contacts.path,
                    node,
                    "phone",
                    f"{contact.phone} is one of Ofcom's numbers for drama and examples, which never reach anyone: "
                    "give the service's real number",
                    contact.field_lines.get("phone", contact.line),
                )
            )
        addresses = [("email", contact.email.rpartition("@")[2])] if contact.email else []
        addresses += [("links", _host(link.url)) for link in contact.links]
        for field, host in dict.fromkeys(addresses):  # each domain once for each field
            if EXAMPLE_DOMAIN.search(host):
                found.append(
                    Problem(
                        contacts.path,
                        node,
                        field,
                        f"{host} is a domain kept for examples, with no real page or mailbox: give the service's own",
                        contact.field_lines.get(field, contact.line),
                    )
                )
    return found


def fictional_footer_links(partnership: Partnership) -> list[Problem]:
    """The partnership file's footer links under a domain kept for examples (the example's own
    link to its partnership, left in): as ``fictional_contacts``."""
    return [
        Problem(
            partnership.path,
            "(partnership) footer",
            "links",
            f"{host} is a domain kept for examples, with no real page: give the partnership's own",
            partnership.line_of.get("footer"),
        )
        for host in dict.fromkeys(_host(link.url) for link in partnership.footer_links)
        if EXAMPLE_DOMAIN.search(host)
    ]


def unnamed_partnership(partnership: Partnership) -> list[Problem]:
    """The partnership file's texts that name a partnership (every page's title and footer, the
    PDFs' author) naming neither its ``name`` nor its ``short_name``: after a change of name,
    left as they were. Found (maintainer review): with the name changed in the partnership file
    and the pack, every page's title and footer, and every PDF, still named the old one, and
    `rules check` said nothing. A warning, not a refusal: each may be worded freely."""
    names = [name.casefold() for name in (partnership.name, partnership.short_name) if name]
    texts = (
        ("page_title_suffix", "page_title_suffix", partnership.page_title_suffix, "every page's title"),
        ("footer", "footer text", partnership.footer_text, "every page's footer"),
        ("pdf_author", "pdf_author", partnership.pdf_author, "every PDF's author"),
    )
    return [
        Problem(
            partnership.path,
            "(partnership)",
            field,
            f"{text!r} ({where}) names neither {partnership.name!r} nor {partnership.short_name!r}: if the "
            "partnership's name has changed, change this too (or leave it out, and it names the partnership)",
            partnership.line_of.get(key),
        )
        for key, field, text, where in texts
        if names and not any(name in text.casefold() for name in names)
    ]


def unshown_contacts(pack: RulePack, contacts: ContactBook, partnership: Partnership) -> list[Problem]:
    """Contacts no page shows: named by no outcome, not in ``emergency`` (every page's footer)
    and not the accessibility statement's contact. Found (maintainer review): a contact added
    to contacts.yaml, as README's "Change a contact" reads, was shown nowhere, and `rules check`
    said the files were valid. A warning: a contact may be kept for later on purpose."""
    shown = (
        {contact_id for outcome in pack.outcomes for contact_id in outcome.contacts}
        | set(contacts.emergency_ids)
        | {partnership.accessibility.contact_id}
    )
    return [
        Problem(
            contacts.path,
            f"contact {contact.id}",
            "id",
            "is shown on no page: no outcome in the rule pack names it in its contacts, it is not in emergency "
            "(every page's footer) and it is not the accessibility statement's contact. To show it, add "
            f"{contact.id} to the contacts of the outcomes it is for; if it is no longer used, remove it",
            contact.line,
        )
        for contact in contacts.contacts
        if contact.id not in shown
    ]


def _host(url: str) -> str:
    """The host name of an https:// address."""
    return re.split(r"[/?#:]", url.removeprefix("https://"), maxsplit=1)[0]


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def another_partnerships_words(pack: RulePack, words: tuple[str, ...], whose: str) -> list[Problem]:
    """A warning for each text of ``pack`` (owned by another partnership) naming one of ``words``,
    the shipped partnership's (``whose``) area and short name: found (another area's review), a
    pack copied from the shipped one with only its owner changed kept 31 mentions of Salford and
    its Bridge Partnership ("In Salford, you reach children's social care through the Bridge
    Partnership"), on the pages of another area, and `rules check` said nothing. A warning, not a
    refusal: a neighbouring area may have reason to name it."""
    if not words:
        return []
    named = words_pattern(words)
    warnings = []
    texts: list[tuple[str, str, Text | str | None, int | None]] = [
        entry for sequence in _worded_sequences(pack) for entry in sequence
    ]
    # A guidance item's source is its label on outcome pages, PDFs and "How this tool decides";
    # a glossary meaning is said wherever its term is (found, regression review: neither was read).
    for item in pack.guidance:
        texts += [
            (f"guidance {item.id}", key, getattr(item, key), item.field_lines.get(key, item.line))
            for key in ("source", "text")
        ]
    texts += [
        ("glossary", f"{term} meaning", meaning, pack.glossary_lines.get(term)) for term, meaning in pack.glossary
    ]
    for node, field, wording, line in texts:
        said = (
            [wording]
            if isinstance(wording, str)
            else [wording.practitioner, wording.supervision]
            if isinstance(wording, Text)
            else []
        )
        found = next((match.group(1) for text in said if (match := named.search(text or ""))), None)
        if found is not None:
            message = (
                f"names {found!r}, which is {whose}'s, but the pack is {pack.owner}'s: name your own area and "
                f"services (a copy of {whose}'s pack keeps its local words)"
            )
            warnings.append(Problem(pack.path, node, field, message, line))
    return warnings


def another_partnerships_words_in_file(partnership: Partnership, words: tuple[str, ...], whose: str) -> list[Problem]:
    """As ``another_partnerships_words``, for the partnership file's own texts: a copy of the shipped
    file with its name changed kept the shipped area's email signature, under every email, and its
    example of an agency, in a question's hint (found, regression review)."""
    if not words:
        return []
    named = words_pattern(words)
    # The title, footer and author naming neither of the partnership's names are warned of already
    # (``unnamed_partnership``): not twice (regression review).
    names = [name.casefold() for name in (partnership.name, partnership.short_name) if name]

    def own_name_in(text: str) -> bool:
        return any(name in text.casefold() for name in names)

    texts = (
        ("(partnership)", "email_signature", partnership.email_signature, "email_signature"),
        ("(partnership) examples", "agency", partnership.examples.get("agency", ""), "examples"),
        ("(partnership)", "footer text", partnership.footer_text, "footer"),
        ("(partnership)", "page_title_suffix", partnership.page_title_suffix, "page_title_suffix"),
        ("(partnership)", "pdf_author", partnership.pdf_author, "pdf_author"),
        *(
            ("(partnership) accessibility", f"known_issues[{n}]", issue, "accessibility")
            for n, issue in enumerate(partnership.accessibility.known_issues, start=1)
        ),
    )
    return [
        Problem(
            partnership.path,
            node,
            field,
            f"names {found.group(1)!r}, which is {whose}'s, but the partnership file is {partnership.name}'s: name "
            "your own area (a copy of the shipped file keeps its local words)",
            partnership.line_of.get(key),
        )
        for node, field, text, key in texts
        if (found := named.search(text or "")) is not None
        and (key not in ("footer", "page_title_suffix", "pdf_author") or own_name_in(text))
    ]
