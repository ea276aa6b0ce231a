"""Space to Think's rules as data: a pure, typed package (standard library and PyYAML only).

Load a rule pack with ``load_pack``, contacts with ``load_contacts``; walk a journey with
``evaluate`` and ``answer``; list every route with ``enumerate_paths``.
"""

from __future__ import annotations

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
from .loader import DEFAULT_CONTACTS, DEFAULT_PACK, load_contacts, parse_pack, read_yaml
from .model import Contact, ContactBook, Flag, Guidance, Option, Outcome, Question, RulePack, Text
from .validate import validate_pack


def check_pack(
    path: str | Path | None = None, contacts: ContactBook | None = None
) -> tuple[RulePack | None, list[Problem]]:
    """Read, parse and validate a pack; return it (None if it could not be built) and every problem."""
    file = Path(path) if path is not None else DEFAULT_PACK
    data, problems = read_yaml(file)
    if problems:
        return None, problems
    pack, problems = parse_pack(data, str(file))
    if pack is None:
        return None, problems
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
    "answer",
    "check_pack",
    "enumerate_paths",
    "evaluate",
    "load_contacts",
    "load_pack",
    "normalise",
    "valid_answer",
    "validate_pack",
]
