"""Space to Think's rules as data: a pure, typed package (standard library and PyYAML only).

Load a rule pack with ``load_pack``, contacts with ``load_contacts``; walk a journey with
``evaluate`` and ``answer``; list every route with ``enumerate_paths``.
"""

from __future__ import annotations

import dataclasses
import hashlib
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
)
from .errors import DefinitionError, InvalidAnswer, Problem, QuestionNotReached, RulesError
from .loader import DEFAULT_CONTACTS, DEFAULT_PACK, load_contacts, parse_pack, read_yaml
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
from .validate import validate_pack


def check_pack(
    path: str | Path | None = None, contacts: ContactBook | None = None
) -> tuple[RulePack | None, list[Problem]]:
    """Read, parse and validate a pack; return it (None if it could not be built) and every problem.

    With neither a path nor contacts, this is the installed pack with the installed contacts
    (its version covers both, as the app's does).
    """
    if path is None and contacts is None:
        contacts = load_contacts()
    file = Path(path) if path is not None else DEFAULT_PACK
    data, problems = read_yaml(file)
    if problems:
        return None, problems
    pack, problems = parse_pack(data, str(file))
    if pack is None:
        return None, problems
    if contacts is not None:
        # The contacts are part of what a person is told, so they are part of the version:
        # changing a phone number or a page changes the version stamped on outcomes and PDFs.
        combined = hashlib.sha256(f"{pack.version}:{contacts.version}".encode()).hexdigest()[:12]
        pack = dataclasses.replace(pack, version=combined)
    return pack, validate_pack(pack, contacts)


def load_pack(path: str | Path | None = None, contacts: ContactBook | None = None) -> RulePack:
    """Load a valid rule pack, or raise ``DefinitionError`` naming every problem's file, node and field."""
    pack, problems = check_pack(path, contacts)
    if problems or pack is None:
        raise DefinitionError(problems)
    return pack


__all__ = [
    "DEFAULT_CONTACTS",
    "DEFAULT_PACK",
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
    "Problem",
    "Question",
    "QuestionNotReached",
    "Reason",
    "RulePack",
    "RulesError",
    "Step",
    "Text",
    "Verification",
    "answer",
    "check_pack",
    "enumerate_paths",
    "evaluate",
    "load_contacts",
    "load_pack",
    "normalise",
    "validate_pack",
]
