"""Space to Think's rules as data: a pure, typed package (standard library and PyYAML only).

Load a rule pack with ``load_pack``, contacts with ``load_contacts``; walk a journey with
``evaluate`` and ``answer``; list every route with ``enumerate_paths``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from .engine import (
    Answer,
    Change,
    JourneyPath,
    JourneyState,
    Reason,
    Step,
    answer,
    enumerate_paths,
    evaluate,
    normalise,
    valid_answer,
)
from .errors import DefinitionError, InvalidAnswer, Problem, QuestionNotReached, RulesError
from .loader import (
    DEFAULT_CONTACTS,
    DEFAULT_PACK,
    check_contacts,
    load_contacts,
    parse_pack,
    read_rule_file,
    read_yaml,
)
from .model import (
    Contact,
    ContactBook,
    Flag,
    Guidance,
    Link,
    Option,
    Outcome,
    Question,
    RulePack,
    Text,
    Verification,
)
from .partnership import (
    DEFAULT_PARTNERSHIP,
    Partnership,
    check_partnership,
    cross_check,
    example_partnership_words,
    load_partnership,
    logo_unseen_on_brand,
    read_partnership,
    shipped_contacts_elsewhere,
    shipped_details_elsewhere,
    shipped_partnership_words,
    shipped_place_lists,
)
from .validate import (
    another_partnerships_words,
    another_partnerships_words_in_file,
    fictional_footer_links,
    future_statement_dates,
    future_verifications,
    rules_warnings,
    unnamed_partnership,
    unshown_contacts,
    validate_pack,
)


def check_pack(
    path: str | Path | None = None, contacts: ContactBook | None = None, accept_one_wording: bool = False
) -> tuple[RulePack | None, list[Problem]]:
    """Read, parse and validate a pack; return it (None unless it is valid) and every problem, all in one run.

    With neither a path nor contacts, this is the installed pack with the installed contacts
    (its version covers both, as the app's does). ``accept_one_wording`` reads a pack from
    before every text needed its supervision wording (a plain string serves both modes), or
    before a later check (``Problem.newer_check``): only for ``rules diff``'s old pack, never
    for a pack that runs.
    """
    if path is None and contacts is None:
        contacts = load_contacts()
    file = Path(path) if path is not None else DEFAULT_PACK
    # A loaded pack never changes, and what is found in it depends only on the file's bytes, its
    # name and the contacts: the same pack (the shipped one, most often) is read and checked once,
    # however many times ``rules diff`` and start-up ask, and a changed file is read afresh.
    try:
        key: tuple[object, ...] | None = (str(file), read_rule_file(file), contacts, accept_one_wording)
        hash(key)
    except (OSError, TypeError):
        key = None  # unreadable (read_yaml names why), or contacts built by hand that cannot be a key
    if key is not None:
        with _CHECKED_LOCK:
            cached = _CHECKED.get(key)
            if cached is not None:
                _CHECKED.move_to_end(key)
                return cached[0], list(cached[1])
    pack, problems = _check_pack(file, contacts, accept_one_wording)
    if key is not None and _unchanged(file, key[1]):  # never kept under bytes it was not read from
        with _CHECKED_LOCK:
            _CHECKED[key] = (pack, tuple(problems))
            while len(_CHECKED) > _CHECKED_SIZE:
                _CHECKED.popitem(last=False)
    return pack, problems


def _unchanged(file: Path, content: object) -> bool:
    try:
        return read_rule_file(file) == content
    except OSError:
        return False


# What ``check_pack`` found, by file name, file bytes, contacts and ``accept_one_wording``: a few
# packs at once (a comparison's two, the running one), the least recently used dropped first.
_CHECKED: OrderedDict[tuple[object, ...], tuple[RulePack | None, tuple[Problem, ...]]] = OrderedDict()
_CHECKED_SIZE = 8
_CHECKED_LOCK = threading.Lock()


def _check_pack(
    file: Path, contacts: ContactBook | None, accept_one_wording: bool
) -> tuple[RulePack | None, list[Problem]]:
    data, problems = read_yaml(file)
    if problems:
        return None, problems
    pack, problems = parse_pack(data, str(file))
    if accept_one_wording:
        problems = [problem for problem in problems if not problem.one_wording]
    if pack is None:
        return None, problems
    if contacts is not None:
        # The contacts are part of what a person is told, so they are part of the version:
        # changing a phone number or a page changes the version stamped on outcomes and PDFs.
        combined = hashlib.sha256(f"{pack.version}:{contacts.version}".encode()).hexdigest()[:12]
        pack = dataclasses.replace(pack, version=combined)
    # A part that could not be read has a placeholder in the pack: leave out what validation
    # says about the same node and field again, so each mistake is reported once.
    # (A text that lacks its supervision wording was still read, so it hides nothing.)
    reported = {(problem.node, problem.field) for problem in problems if not problem.one_wording}
    problems += [p for p in validate_pack(pack, contacts) if (p.node, p.field) not in reported]
    if accept_one_wording:
        problems = [problem for problem in problems if not problem.newer_check]
    return (None if problems else pack), problems


@dataclass(frozen=True)
class RulesReport:
    """Everything ``check_rules`` found: the pack and contacts (None unless valid), every
    problem in either file, and warnings (due, not wrong: review date, old verifications)."""

    pack: RulePack | None
    contacts: ContactBook | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    partnership: Partnership | None = None
    # No approved copies of the files (``approval``): a warning, and refused in production.
    unapproved: tuple[Problem, ...] = ()


def check_rules(
    pack_path: str | Path | None = None,
    contacts_path: str | Path | None = None,
    today: dt.date | None = None,
    partnership_path: str | Path | None = None,
    compare_approved: bool = True,
) -> RulesReport:
    """Check the contacts and the pack together (and the partnership file, when given: a
    deployment checks all three) and report every problem in them in one run (a broken
    contacts file does not stop the pack being checked), with warnings as of ``today``; without
    ``compare_approved``, the files as they are, changes from their approved copies aside (`rules
    approve` says what else `rules check` warns of in the files it is about to approve)."""
    contacts, problems = check_contacts(contacts_path)
    if contacts is not None and today is not None:
        problems += future_verifications(contacts, today)
    pack, pack_problems = check_pack(pack_path, contacts)
    problems += pack_problems
    unapproved: list[Problem] = []
    if pack is not None and contacts is not None and compare_approved:
        from .approval import approval_problems  # (it compares packs as rules diff does: diff imports the rules)

        changed, unapproved = approval_problems(
            pack, contacts, pack_path or DEFAULT_PACK, contacts_path or DEFAULT_CONTACTS, check_pack
        )
        problems += changed
        if changed:
            pack = None  # (not valid: refused as a broken file is)
    partnership = None
    if partnership_path is not None:
        # What could be read of the file is compared with the pack and the contacts even when
        # some of it is wrong, so every problem in it is named in one run.
        partnership, partnership_problems = read_partnership(partnership_path)
        problems += partnership_problems
        if partnership is not None:
            reported = {(problem.node, problem.field) for problem in partnership_problems}
            mismatches = [p for p in cross_check(partnership, pack, contacts) if (p.node, p.field) not in reported]
            if today is not None:
                mismatches += future_statement_dates(partnership, today)
            problems += mismatches
            partnership = None if partnership_problems or mismatches else partnership
    warnings = rules_warnings(pack, contacts, today) if pack is not None and today is not None else []
    if partnership is not None and today is not None:
        warnings += fictional_footer_links(partnership) + unnamed_partnership(partnership)
        if contacts is not None and (elsewhere := shipped_contacts_elsewhere(partnership, contacts)) is not None:
            warnings.append(elsewhere)
        warnings += shipped_details_elsewhere(partnership, contacts) if contacts is not None else []
        if pack is not None:
            warnings += another_partnerships_words(pack, *shipped_partnership_words(partnership))
            warnings += another_partnerships_words(pack, *example_partnership_words(partnership))
        warnings += another_partnerships_words_in_file(partnership, *shipped_partnership_words(partnership))
        warnings += another_partnerships_words_in_file(partnership, *example_partnership_words(partnership))
        warnings += shipped_place_lists(partnership)
        warnings += logo_unseen_on_brand(partnership)
        if pack is not None and contacts is not None:
            # Only with the partnership file: its accessibility statement may show a contact.
            warnings += unshown_contacts(pack, contacts, partnership)
    return RulesReport(pack, contacts, tuple(problems), tuple(warnings), partnership, tuple(unapproved))


def load_pack(
    path: str | Path | None = None, contacts: ContactBook | None = None, accept_one_wording: bool = False
) -> RulePack:
    """Load a valid rule pack, or raise ``DefinitionError`` naming every problem's file, node and field
    (``accept_one_wording``: see ``check_pack``)."""
    pack, problems = check_pack(path, contacts, accept_one_wording)
    if problems or pack is None:
        raise DefinitionError(problems)
    return pack


__all__ = [
    "DEFAULT_CONTACTS",
    "DEFAULT_PACK",
    "DEFAULT_PARTNERSHIP",
    "Answer",
    "Change",
    "Contact",
    "ContactBook",
    "DefinitionError",
    "Flag",
    "Guidance",
    "InvalidAnswer",
    "JourneyPath",
    "JourneyState",
    "Link",
    "Option",
    "Outcome",
    "Partnership",
    "Problem",
    "Question",
    "QuestionNotReached",
    "Reason",
    "RulePack",
    "RulesError",
    "RulesReport",
    "Step",
    "Text",
    "Verification",
    "answer",
    "check_contacts",
    "check_pack",
    "check_partnership",
    "check_rules",
    "enumerate_paths",
    "evaluate",
    "load_contacts",
    "load_pack",
    "load_partnership",
    "normalise",
    "rules_warnings",
    "valid_answer",
    "validate_pack",
]
