"""The rules package's own exceptions: one root, with a branch per kind of failure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class RulesError(Exception):
    """Root of every error raised by ``app.rules``."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule pack or contacts file, located as exactly as we can.

    ``node`` is empty for a problem with the whole file (it cannot be read, or YAML cannot
    parse it): then ``message`` reads on from the file's name, or from its line when there
    is one ("cannot be read: there is no such file"; "this line is not indented like …").
    """

    file: str
    node: str
    field: str
    message: str
    line: int | None = None
    # A text given one wording for both modes without being marked mode-neutral: the format
    # packs had before every text needed its supervision wording (``rules diff`` reads an
    # old pack in that format; nothing else accepts it).
    one_wording: bool = False
    # A check added once packs were live (an acronym not spelled out): ``rules diff`` reads a live
    # (OLD) pack that fails it, as it reads one with one wording, so the change that mends it can
    # be reviewed. Everything else refuses it.
    newer_check: bool = False
    # A safeguarding check changed since the rules were approved (``approval``): the change, as
    # ``rules diff`` lists it (``rules approve`` shows it alone).
    unapproved: str = ""

    def __str__(self) -> str:
        if not self.node:
            # A problem with the file as a whole (it cannot be read, or is not YAML): its
            # message is a sentence about the file, with no node or field to name.
            if self.line is None:
                return f"{self.file} {self.message}"
            return f"{self.file}, line {self.line}: {self.message}"
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.node}: {self.field}: {self.message}"


class DefinitionError(RulesError):
    """A rule pack or contacts file is not valid. Carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        heading = f"{count:,} problem{'s' if count != 1 else ''} in the rule data:"
        listed = [f"  - {p}" for p in in_reading_order(self.problems)[:PROBLEMS_LISTED]]
        if count > PROBLEMS_LISTED:
            # Found (operator review): a file named by mistake (a dump, a log) gave a line for each
            # of its 200,000 keys, at every start-up and in the server's log.
            listed.append(
                f"  - and {count - PROBLEMS_LISTED:,} more, not listed: mend these first, then check again "
                "(so many often means the setting names the wrong file)"
            )
        super().__init__("\n".join([heading, *listed]))


# The most problems a refusal lists, in reading order; the rest are counted.
PROBLEMS_LISTED = 50


def in_reading_order(problems: Sequence[Problem]) -> list[Problem]:
    """The problems as a person mending the files reads them: file by file (in the order the
    files were checked), and in each file those with no line first (about the file as a whole,
    or a node or field that is missing, in the order found), then by line. Found (review): they
    were listed in the order the checks ran, so line 80 could come before line 3."""
    files: dict[str, int] = {}
    for problem in problems:
        files.setdefault(problem.file, len(files))
    return sorted(problems, key=lambda problem: (files[problem.file], problem.line is not None, problem.line or 0))


class InvalidAnswer(RulesError):
    """An answer that the question does not accept (unknown option, empty, mixed exclusive)."""

    def __init__(self, question_id: str, message: str) -> None:
        self.question_id = question_id
        self.message = message
        super().__init__(f"{question_id}: {message}")


class QuestionNotReached(InvalidAnswer):
    """An answer to a question that the journey has not reached (out of order or tampered)."""
