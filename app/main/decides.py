""" "How this tool decides": what the rule pack says, for people to read.

Everything here depends only on the rule pack, so each piece is worked out once per pack
version in each process and kept in ``app.extensions`` (``app.pack.cached``), never per
request: the decision diagram (Graphviz's ``dot``, run once) and the table of routes. The
pack's version is a hash of its content, so a changed pack never meets a stale copy. The
question sheets of "Questions to prepare" are in ``app.questions_to_prepare`` (the outbox
worker makes their PDFs from them).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import escape

from ..pack import cached
from ..rules import RulePack, enumerate_paths
from ..rules.graph import to_dot
from ..rules.model import Flag, Guidance, Option, Outcome, Question

log = logging.getLogger(__name__)

# Graphviz draws the pack's diagram in a few hundredths of a second. Found (robustness review): with
# 20 s here, a dot that hung held the first visit to the page, linked from every footer, for 20 s;
# and the failure was kept, so the diagram was missing until the service restarted.
DOT_TIMEOUT_SECONDS = 5
# A diagram that could not be drawn is tried again on a visit after this long.
DIAGRAM_RETRY_SECONDS = 300

# --- The decision diagram ----------------------------------------------------------------


@dataclass
class _Diagram:
    """A pack version's diagram in this process: drawn once; if it could not be, tried again later."""

    svg: str | None = None
    tried_at: float | None = None
    drawing: threading.Lock = field(default_factory=threading.Lock)


def decision_graph_svg(pack: RulePack) -> str | None:
    """The pack's decision graph as SVG, drawn once per pack version; None if it cannot be drawn
    (tried again after ``DIAGRAM_RETRY_SECONDS``). One visit draws it: one that comes meanwhile
    is not kept waiting (its page lists the routes in words, and says the diagram cannot be
    drawn at the moment)."""
    diagram = cached(("svg", pack.version), _Diagram)
    due = diagram.tried_at is None or time.monotonic() - diagram.tried_at >= DIAGRAM_RETRY_SECONDS
    if diagram.svg is None and due and diagram.drawing.acquire(blocking=False):
        try:
            if diagram.svg is None:
                diagram.svg = titled_svg(draw_svg(to_dot(pack)), pack)
                diagram.tried_at = time.monotonic()
        finally:
            diagram.drawing.release()
    return diagram.svg


# Graphviz gives the drawing, each box and each arrow a <title> of the pack's own ids
# ("rule_pack", "immediate_danger", "mode->immediate_danger"). Opened on its own ("Open the
# diagram on its own"), the browser showed those ids as each box's tooltip and a screen reader
# named each box and arrow with them, while the tab had no title and the text no language
# (accessibility review). Each id is kept, out of sight, as the group's data-name.
_GRAPHVIZ_TITLE = re.compile(r'(<g id="[^"]*" class="(node|edge|graph)"[^>]*)>\s*<title>([^<]*)</title>')
_SVG_START = re.compile(r"<svg\b[^>]*>")


def titled_svg(svg: str | None, pack: RulePack) -> str | None:
    """The drawn diagram with a title and language of its own and without the pack's ids as titles."""
    if svg is None:
        return None
    svg = _GRAPHVIZ_TITLE.sub(_id_out_of_sight, svg)
    title = escape(f"Diagram of the decision rules, version {pack.version} – {pack.name}")
    return _SVG_START.sub(
        lambda found: f'{found[0][:-1]} lang="en" xml:lang="en">\n<title>{title}</title>', svg, count=1
    )


def _id_out_of_sight(found: re.Match[str]) -> str:
    """A box's or arrow's group without its <title>, the id in its data-name; the drawing's without."""
    group, kind, name = found[1], found[2], found[3]
    if kind == "graph":
        return group + ">"
    return group + ' data-name="' + name.replace('"', "&quot;") + '">'


def draw_svg(dot_source: str) -> str | None:
    """Run Graphviz's ``dot`` on ``dot_source``; None (and a log line) if it is missing or fails."""
    dot = shutil.which("dot")
    if dot is None:
        log.warning("Graphviz is not installed (no 'dot' command): the decision diagram is not drawn")
        return None
    try:
        # Our own pack's DOT text on standard input, to the dot found on PATH: no user input.
        result = subprocess.run(  # noqa: S603
            [dot, "-Tsvg"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        log.warning("Graphviz could not draw the decision diagram: %s", error)
        return None
    if result.returncode != 0:
        log.warning(
            "Graphviz could not draw the decision diagram: %s",
            result.stderr.decode("utf-8", errors="replace").strip()[:500],
        )
        return None
    return result.stdout.decode("utf-8")


# --- The table of routes -----------------------------------------------------------------


@dataclass(frozen=True)
class RouteAnswer:
    """An answer in the table: an option's wording, or (``label`` None) any of the ordinary
    options of a multiple-choice question, which share one route: any but ``other_than``."""

    label: str | None
    other_than: tuple[str, ...] = ()


@dataclass(frozen=True)
class RouteStep:
    """One question on a route, and the answers to it that all lead the same way."""

    question: Question
    answers: tuple[RouteAnswer, ...]
    any_answer: bool


@dataclass(frozen=True)
class Route:
    """A row of the table: every combination of the steps' answers leads to ``outcome``."""

    steps: tuple[RouteStep, ...]
    outcome: Outcome
    paths: int


@dataclass(frozen=True)
class Routes:
    """Every path through the pack, as rows of answers that lead the same way."""

    rows: tuple[Route, ...]
    path_count: int


Cells = tuple[tuple[str, tuple[Hashable, ...]], ...]


def routes(pack: RulePack) -> Routes:
    """Every path from ``enumerate_paths``, once per pack version, with paths that differ only in
    the answer to one question joined into one row ("Yes or Not sure")."""
    return cached(("routes", pack.version), lambda: build_routes(pack))


def build_routes(pack: RulePack) -> Routes:
    """Join paths into rows: each row stands for every combination of the answers in its cells.

    Two rows are joined when they have the same outcome and the same answers everywhere but at
    one question; the joined row's cell at that question holds both answers. Repeating this
    over every question until nothing changes keeps each row exact (its combinations are
    exactly the paths it came from) and the rows in the order of the first path of each.
    """
    rows: list[tuple[Cells, str]] = []
    count = 0
    for path in enumerate_paths(pack):
        count += 1
        rows.append((tuple((question_id, (answer,)) for question_id, answer in path.answers), path.outcome))
    changed = True
    while changed:
        changed = False
        for question in pack.questions:
            joined = _join_at(rows, question.id)
            changed = changed or len(joined) < len(rows)
            rows = joined
    return Routes(tuple(_route(pack, cells, outcome_id) for cells, outcome_id in rows), count)


def _join_at(rows: list[tuple[Cells, str]], question_id: str) -> list[tuple[Cells, str]]:
    groups: dict[tuple[Cells, str], list[Cells]] = {}
    for cells, outcome_id in rows:
        key = (tuple((q, () if q == question_id else a) for q, a in cells), outcome_id)
        groups.setdefault(key, []).append(cells)
    joined: list[tuple[Cells, str]] = []
    for (shared, outcome_id), members in groups.items():
        merged: Cells = tuple(
            (q, _union(member[position][1] for member in members) if q == question_id else a)
            for position, (q, a) in enumerate(shared)
        )
        joined.append((merged, outcome_id))
    return joined


def _union(answer_sets: Iterable[tuple[Hashable, ...]]) -> tuple[Hashable, ...]:
    values: list[Hashable] = []
    for answers in answer_sets:
        values.extend(answer for answer in answers if answer not in values)
    return tuple(values)


def _route(pack: RulePack, cells: Cells, outcome_id: str) -> Route:
    steps = []
    paths = 1
    for question_id, answers in cells:
        question = pack.question(question_id)
        if question is None:  # cannot happen: paths only name the pack's questions
            continue
        paths *= len(answers)
        steps.append(
            RouteStep(
                question,
                tuple(_answer_label(question, a) for a in answers),
                any_answer=len(answers) == len(_distinct_choices(question)),
            )
        )
    outcome = pack.outcome(outcome_id)
    if outcome is None:  # cannot happen: paths end at the pack's outcomes
        raise LookupError(f"no outcome {outcome_id!r} in the rule pack")
    return Route(tuple(steps), outcome, paths)


def _distinct_choices(question: Question) -> list[Option | None]:
    """The answers that can route differently (all ordinary options of a multiple choice count once)."""
    if question.kind != "multiple":
        return list(question.options)
    return [option for option in question.options if option.exclusive] + (
        [None] if any(not option.exclusive for option in question.options) else []
    )


def _answer_label(question: Question, answer: Hashable) -> RouteAnswer:
    """The practitioner wording of an answer, or the ordinary options of a multiple-choice
    question taken together (they share one route)."""
    if isinstance(answer, tuple):
        if len(answer) == 1:
            return RouteAnswer(_option_label(question, str(answer[0])))
        return RouteAnswer(None, tuple(option.label.practitioner for option in question.options if option.exclusive))
    return RouteAnswer(_option_label(question, str(answer)))


def _option_label(question: Question, value: str) -> str:
    option = question.option(value)
    return option.label.practitioner if option is not None else value


def cited_guidance(pack: RulePack) -> tuple[Guidance, ...]:
    """The guidance that any question, answer or outcome cites, in the pack's order."""
    ids: set[str] = set()
    for question in pack.questions:
        ids.update(question.cites)
        for option in question.options:
            ids.update(option.cites)
    for outcome in pack.outcomes:
        ids.update(outcome.cites)
    return tuple(item for item in pack.guidance if item.id in ids)


def guidance_by_source(items: Sequence[Guidance]) -> list[tuple[Guidance, list[Guidance]]]:
    """The guidance under one heading for each source (its label and address), in the order each
    is first cited, with its passages in order. Found (accessibility review): one heading for
    each passage repeated a source's name word for word, five times for the launch text, so a
    list of the page's headings could not tell them apart."""
    groups: dict[tuple[str, str | None], list[Guidance]] = {}
    for item in items:
        groups.setdefault((item.label, item.url), []).append(item)
    return [(passages[0], passages) for passages in groups.values()]


def _only_in(flag: Flag) -> str:
    """ " (only …)" for a flag set in one mode only, else ""."""
    if flag.applies("practitioner") and flag.applies("supervision"):
        return ""
    return " (only when used in supervision)" if flag.applies("supervision") else " (only for your own practice)"


@dataclass(frozen=True)
class NotedAnswer:
    """An answer that notes something on the outcome and the request, for "How this tool decides"."""

    question: str
    answer: str
    flags: tuple[str, ...]
    advice: str | None


def noted_answers(pack: RulePack) -> tuple[NotedAnswer, ...]:
    """Every answer that sets a flag or gives advice, in the pack's order, in the practitioner
    wording the route table uses (a flag set in one mode only says which)."""
    noted = []
    for question in pack.questions:
        for option in question.options:
            flags = []
            for flag in (pack.flag(flag_id) for flag_id in option.flags):
                if flag is None:
                    continue
                flags.append(f"“{flag.label}”{_only_in(flag)}")
            if flags or option.advice is not None:
                noted.append(
                    NotedAnswer(
                        question.short.practitioner,
                        option.label.practitioner,
                        tuple(flags),
                        option.advice.practitioner if option.advice is not None else None,
                    )
                )
    return tuple(noted)
