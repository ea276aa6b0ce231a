"""The questions to prepare: every question of the rule pack in order, in one mode's wording,
with each answer and where it leads, for the "Questions to prepare" page (``app.main.views``)
and its PDF (``app.questions_pdf``, made by the outbox worker).

Each sheet depends only on the rule pack and the mode, so it is worked out once per pack
version and mode in each process (``app.pack.cached``), never per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from .pack import cached
from .rules import RulePack
from .rules.model import Mode, Option, Outcome, Question

# The modes people choose between on "Questions to prepare", as they appear in its URL
# (?mode=…), and the pack wording each one reads.
PREPARE_MODES: dict[str, Mode] = {"myself": "practitioner", "supervision": "supervision"}
DEFAULT_PREPARE_MODE = "myself"


@dataclass(frozen=True)
class Destination:
    """Where an answer leads: a later question (with its number) or an outcome."""

    title: str
    question_number: int | None = None
    outcome: bool = False


@dataclass(frozen=True)
class PreparedOption:
    """An answer as the sheet shows it: its wording, hint and where it leads."""

    label: str
    hint: str | None
    leads_to: Destination | None
    # What choosing it adds without changing the route (CONTENT.md: "next, and the request is
    # flagged"; "with advice to raise it in supervision too"): the flags it notes, the advice it gives.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreparedQuestion:
    """A question as the sheet shows it, in the chosen mode's wording."""

    number: int
    id: str
    kind: str
    title: str
    hint: str | None
    options: tuple[PreparedOption, ...]


def prepare_mode(raw: str | None) -> str:
    """The mode named in the URL, or the default for anything else (a mistyped link still works)."""
    return raw if raw in PREPARE_MODES else DEFAULT_PREPARE_MODE


def questions_to_prepare(pack: RulePack, mode: str) -> tuple[PreparedQuestion, ...]:
    """Every question of the pack in order, in ``mode``'s wording, once per pack version and mode."""
    return cached(("questions", pack.version, mode), lambda: build_questions(pack, PREPARE_MODES[mode]))


def build_questions(pack: RulePack, mode: Mode) -> tuple[PreparedQuestion, ...]:
    """The question sheet: each question, its hint, and each answer with where it leads."""
    numbers = {question.id: number for number, question in enumerate(pack.questions, start=1)}

    def destination(question: Question, option: Option) -> Destination | None:
        target = question.route_for(option)
        if target is None:
            return None
        node = pack.node(target)
        if isinstance(node, Question):
            return Destination(node.title.for_mode(mode), question_number=numbers[node.id])
        if isinstance(node, Outcome):
            return Destination(node.title.for_mode(mode), outcome=True)
        return None

    return tuple(
        PreparedQuestion(
            number=numbers[question.id],
            id=question.id,
            kind=question.kind,
            title=question.title.for_mode(mode),
            hint=question.hint.for_mode(mode) if question.hint else None,
            options=tuple(
                PreparedOption(
                    option.label.for_mode(mode),
                    option.hint.for_mode(mode) if option.hint else None,
                    destination(question, option),
                    option_notes(pack, option, mode),
                )
                for option in question.options
            ),
        )
        for question in pack.questions
    )


def option_notes(pack: RulePack, option: Option, mode: Mode) -> tuple[str, ...]:
    """What an answer adds besides where it leads, in ``mode``'s wording: each flag it sets in that
    mode (shown on the outcome page and carried by any request), and the advice it gives."""
    notes = [
        f"Noted on the outcome page and on any request: “{flag.label}”."
        for flag in (pack.flag(flag_id) for flag_id in option.flags)
        if flag is not None and flag.applies(mode)
    ]
    if option.advice is not None:
        notes.append(f"The outcome page also says: {option.advice.for_mode(mode)}")
    return tuple(notes)


__all__ = [
    "DEFAULT_PREPARE_MODE",
    "PREPARE_MODES",
    "Destination",
    "PreparedOption",
    "PreparedQuestion",
    "prepare_mode",
    "questions_to_prepare",
]
