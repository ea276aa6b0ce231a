"""The longest possible request, built from the rule pack and the fields table (so a new
question, criterion, flag or field is included without editing this file).

- ``longest_path``: of every path through the pack to an outcome that leads to a request,
  the one with the most flags and then the most words to show (questions, answers, and the
  guidance cited), in its own mode. Multiple-choice questions have every ordinary option
  ticked (``enumerate_paths`` gives that selection), so every criterion is chosen.
- ``longest_details``: every field answered, every free-text field at its limit (prose in
  paragraphs, as people write it, each starting with its field's name in brackets; the first
  long free text also holds one example of each kind of identifying data the guard looks for,
  so the identifying-data result is its longest),
  every radio question on the option with the longest label (or the one that asks a
  follow-up field), and the month of the significant event given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.requests import fields
from app.requests.fields import FIELDS, Field
from app.requests.guard import KINDS
from app.rules import JourneyPath, RulePack, enumerate_paths, evaluate

# One example of each kind the identifying-data guard looks for (app/requests/guard.py KINDS).
IDENTIFYING_EXAMPLES: dict[str, str] = {
    "date": "on 12 March 2019",
    "date_of_birth": "DOB 14/02/2016",
    "postcode": "near M5 4WT",
    "nhs_number": "NHS 943 476 5919",
    "phone": "on 0161 496 0999",
    "email": "at family@example.org",
    "address": "at 12 Acacia Avenue",
    "street": "on Mill Lane",
    "school": "at Oakwood High School",
    "place_of_worship": "at Jamia Mosque",
    "national_insurance_number": "NI number QQ 12 34 56 C",
    "record_number": "case ref 1234567",
    "gp_practice": "at Pendleton Medical Centre",
    "hospital": "at Hope Hospital",
    "person_name": "with Mrs Smith",
    "sex_and_age": "a child (F, 14)",
}
PROSE = (
    "The agencies around this family hold different views of what the children need, and the "
    "meetings we hold keep going round in circles without a shared plan. "
)
PARAGRAPH = 480  # characters between paragraph breaks in long free text


def _score(pack: RulePack, path: JourneyPath) -> tuple[int, int]:
    state = evaluate(pack, dict(path.answers))
    words = sum(
        len(reason.question) + sum(map(len, reason.answers)) + sum(len(g.source) for g in reason.guidance)
        for reason in state.explanation()
    )
    return len(path.flags), words


def longest_path(pack: RulePack) -> JourneyPath:
    """The path to a request with the most flags, then the most to show (see the module docstring)."""
    requests = {outcome.id for outcome in pack.outcomes if outcome.request}
    return max(
        (path for path in enumerate_paths(pack) if path.outcome in requests), key=lambda path: _score(pack, path)
    )


def path_answers(path: JourneyPath) -> dict[str, Any]:
    """A path's answers as the session holds them (lists for multiple choice)."""
    return {question: list(value) if isinstance(value, tuple) else value for question, value in path.answers}


def prose(length: int, start: str = "", paragraphs: bool = True) -> str:
    """Ordinary words, exactly ``length`` characters long, starting with ``start``; in
    paragraphs (a blank line every ``PARAGRAPH`` characters) if ``paragraphs``."""
    text, since_break = start, len(start)
    while len(text) < length:
        if paragraphs and since_break >= PARAGRAPH:
            text, since_break = text.rstrip() + "\n\n", 0
        text += PROSE
        since_break += len(PROSE)
    text = text[:length]
    return text[:-1] + "." if text[-1].isspace() else text


def _email(limit: int) -> str:
    """An address exactly ``limit`` characters long: a 64-character local part and domain labels
    of at most 63 characters, as addresses can have."""
    local = "practitioner." + "a" * (64 - len("practitioner."))
    domain_end = ".nhs.example"
    room = limit - len(local) - 1 - len(domain_end)  # the labels and the dots between them
    count = -(-(room + 1) // 64)  # as few labels as fit: each takes at most 63 and a dot
    letters = room - (count - 1)
    sizes = [letters // count + (1 if i < letters % count else 0) for i in range(count)]
    address = f"{local}@{'.'.join('b' * size for size in sizes)}{domain_end}"
    assert len(address) == limit and max(sizes) <= 63, (len(address), sizes)
    return address


def _phone(limit: int) -> str:
    groups = ["+44", "161", "496", "0000"]
    text = " ".join(groups)
    gaps = 0
    while len(text) < limit:  # widen the gaps between groups (spaces are allowed in a number)
        groups[gaps % 3] += " "
        gaps += 1
        text = " ".join(groups)
    return text


def _follow_up_value(entry: Field) -> str | None:
    """The option of ``entry`` that asks another field (``only_if``), if any."""
    for other in FIELDS:
        if other.only_if is not None and other.only_if[0] == entry.name:
            return other.only_if[1]
    return None


def longest_details(today: dt.date) -> dict[str, str]:
    """The details pages' inputs for the longest request (see the module docstring), in an app
    context: the longest of the app's partnership's answers where a question has them."""
    details: dict[str, str] = {}
    used: set[str] = set()
    for entry in FIELDS:
        if entry.kind == "radios":
            choices = entry.choices()  # a question naming local services: the partnership's answers
            details[entry.name] = _follow_up_value(entry) or max(choices, key=lambda v: len(choices[v]))
        elif entry.kind == "month_year":
            details[entry.name], details[entry.year_input] = "9", str(today.year - 1)  # September: the longest name
        elif entry.kind == "email":
            details[entry.name] = _email(entry.limit)
        elif entry.kind == "phone":
            details[entry.name] = _phone(entry.limit)
        elif entry.guard == KINDS and entry.long_text and "identifying" not in used:
            used.add("identifying")  # the first free text the guard reads in full holds the examples
            examples = "We noted " + ", ".join(IDENTIFYING_EXAMPLES[kind] for kind in KINDS) + ". "
            details[entry.name] = prose(entry.limit, f"[{entry.name}] {examples}")
        else:
            details[entry.name] = prose(entry.limit, f"[{entry.name}] ", paragraphs=entry.long_text)
    problems = fields.check_details(details, True, today)
    assert not problems, problems  # the longest request is still a valid one
    for entry in FIELDS:
        if entry.kind in fields.TEXT_KINDS:
            assert len(fields.clean_text(details[entry.name])) == entry.limit, entry.name
    return details
