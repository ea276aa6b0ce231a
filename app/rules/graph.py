"""Draw a rule pack's decision graph as Mermaid or Graphviz DOT text, and paths as a table."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterable

from .engine import JourneyPath
from .model import Question, RulePack


def _mermaid_label(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


_PLAIN_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _mermaid_id(node_id: str) -> str:
    """A node's id as Mermaid reads it: ids with a - or . (which pack ids may have) are spelt
    with _ instead (the label still shows the real id)."""
    return node_id if _PLAIN_ID.fullmatch(node_id) else "id_" + re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def _dot_id(node_id: str) -> str:
    """A node's id in DOT: as it is when plain, else quoted."""
    return node_id if _PLAIN_ID.fullmatch(node_id) else _dot_quote(node_id)


def to_mermaid(pack: RulePack) -> str:
    """A Mermaid flowchart: questions as boxes, outcomes as rounded boxes, answers on the arrows."""
    lines = ["flowchart TD"]
    lines.extend(
        f'  {_mermaid_id(question.id)}["{_mermaid_label(question.title.practitioner)}"]' for question in pack.questions
    )
    lines.extend(
        f'  {_mermaid_id(outcome.id)}(["{outcome.id}: {_mermaid_label(outcome.title.practitioner)}"])'
        for outcome in pack.outcomes
    )
    for question in pack.questions:
        lines.extend(
            _edges(
                question,
                lambda src, label, dst: f'  {_mermaid_id(src)} -->|"{_mermaid_label(label)}"| {_mermaid_id(dst)}',
            )
        )
    lines.append("  classDef outcome fill:#f3f2f1,stroke:#0b0c0c")
    lines.append("  classDef request fill:#cce2d8,stroke:#005a30")
    ordinary = [_mermaid_id(o.id) for o in pack.outcomes if not o.request]
    requests = [_mermaid_id(o.id) for o in pack.outcomes if o.request]
    if ordinary:
        lines.append(f"  class {','.join(ordinary)} outcome")
    if requests:
        lines.append(f"  class {','.join(requests)} request")
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_DOT_FONT = '"Liberation Sans,Arial,sans-serif"'


# Long labels are wrapped onto lines of about this many characters (never cut short: found in
# review, "…in supervision wi..." on the diagram of /how-it-decides).
_DOT_LINE = 34


def _dot_label(text: str, width: int = _DOT_LINE) -> str:
    """``text`` as a quoted DOT label, wrapped at word boundaries onto lines of about ``width``."""
    return _dot_quote("\n".join(textwrap.wrap(text, width)) or text).replace("\n", "\\n")


def to_dot(pack: RulePack) -> str:
    """A Graphviz DOT digraph of the same graph."""
    lines = [
        "digraph rule_pack {",
        f"  label={_dot_quote(f'{pack.name} rule pack, version {pack.version}')};",
        f"  rankdir=TB; node [fontname={_DOT_FONT}]; edge [fontname={_DOT_FONT}];",
    ]
    lines.extend(
        f"  {_dot_id(question.id)} [shape=box, label={_dot_label(question.title.practitioner, 44)}];"
        for question in pack.questions
    )
    for outcome in pack.outcomes:
        style = "filled" if outcome.request else "rounded"
        lines.append(
            f"  {_dot_id(outcome.id)} [shape=box, style={style}, "
            f"label={_dot_label(outcome.id + ': ' + outcome.title.practitioner, 44)}];"
        )
    for question in pack.questions:
        lines.extend(
            _edges(question, lambda src, label, dst: f"  {_dot_id(src)} -> {_dot_id(dst)} [label={_dot_label(label)}];")
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


_DrawEdge = Callable[[str, str, str], str]
"""Draws one arrow: (source id, label, target id) to a line of the diagram."""


def _edges(question: Question, draw: _DrawEdge) -> list[str]:
    """One line per distinct (target) route, with the answers that take it joined."""
    by_target: dict[str, list[str]] = {}
    for option in question.options:
        target = question.route_for(option)
        if target is None:
            continue
        label = option.label.practitioner
        if question.kind == "multiple" and not option.exclusive:
            label = "any of the listed reasons"
        labels = by_target.setdefault(target, [])
        if label not in labels:
            labels.append(label)
    return [draw(question.id, " / ".join(labels), target) for target, labels in by_target.items()]


def paths_table(pack: RulePack, paths: Iterable[JourneyPath]) -> str:
    """A readable table: one row per path, its answers in order, then the outcome and flags."""
    rows = []
    for number, path in enumerate(paths, start=1):
        answers = "; ".join(f"{q}={_answer_text(pack, q, a)}" for q, a in path.answers)
        rows.append((str(number), path.outcome, ",".join(path.flags) or "-", answers))
    headers = ("#", "outcome", "flags", "answers")
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers[:3])]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers[:3], widths, strict=True)) + "  " + headers[3]]
    out.extend("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3] for r in rows)
    if any(ANY_OF in r[3] for r in rows):
        out.append(
            f"({ANY_OF}a/b/c: one or more of those options, not all of them; every such choice leads the same way)"
        )
    return "\n".join(out) + "\n"


ANY_OF = "any of "


def _answer_text(pack: RulePack, question_id: str, answer: str | tuple[str, ...]) -> str:
    """An answer as the table shows it. A path takes every ordinary option of a multiple-choice
    question together where any one of them leads the same way (``enumerate_paths``): written
    "any of a/b/c", not "a+b+c", which would read as if all of them had to be chosen."""
    if not isinstance(answer, tuple):
        return answer
    question = pack.question(question_id)
    ordinary = tuple(option.value for option in question.options if not option.exclusive) if question else ()
    if question is not None and question.kind == "multiple" and len(answer) > 1 and answer == ordinary:
        return ANY_OF + "/".join(answer)
    return "+".join(answer)


def paths_json(pack: RulePack, paths: Iterable[JourneyPath]) -> str:
    """Every path as JSON, with the pack's version."""
    return (
        json.dumps({"pack": pack.name, "version": pack.version, "paths": [p.as_dict() for p in paths]}, indent=2) + "\n"
    )
