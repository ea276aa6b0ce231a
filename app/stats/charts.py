"""Horizontal bar charts of counts, laid out here and drawn as SVG by templates/stats/_bar_chart.html.

No JavaScript and no library: the template writes a few ``rect`` and ``text`` elements (Jinja
escapes the labels). Each bar has its label above it and its number after it. A hidden count
is drawn as a dashed empty box with the word "hidden", never as a bar of some length, so the
chart shows no more than the table beside it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .suppression import Cell

WIDTH = 640  # the SVG's own units; it scales to the page's width
BAR_AREA = 520  # the longest bar; the rest of the width holds its number
LABEL_HEIGHT = 22
BAR_HEIGHT = 20
GAP = 12
MARKER_WIDTH = 28
LABEL_CHARACTERS = 72  # longer labels are cut short with "…" (the table beside has them in full)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the number shown, where it goes, and how long it is (0 when hidden)."""

    label: str
    shown: str
    hidden: bool
    label_y: int
    bar_y: int
    length: float

    @property
    def text_x(self) -> float:
        """Where the number (or "hidden") starts, just after the bar or the marker."""
        return (MARKER_WIDTH if self.hidden else self.length) + 6


@dataclass(frozen=True)
class BarChart:
    """A chart's bars and its size."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_height: int = BAR_HEIGHT
    marker_width: int = MARKER_WIDTH

    @property
    def has_hidden(self) -> bool:
        return any(bar.hidden for bar in self.bars)


def short_label(label: str) -> str:
    """The label, cut at a word to fit on one line of the chart."""
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rsplit(" ", 1)[0] + "…"


def bar_chart(bars: Sequence[tuple[str, Cell]], hidden_text: str) -> BarChart:
    """Lay out one bar per (label, cell): lengths relative to the largest number shown."""
    largest = max((cell.count for _, cell in bars if not cell.hidden), default=0)
    laid_out = []
    y = 0
    for label, cell in bars:
        length = 0.0 if cell.hidden or not largest else BAR_AREA * cell.count / largest
        laid_out.append(
            Bar(
                short_label(label),
                hidden_text if cell.hidden else str(cell.count),
                cell.hidden,
                label_y=y + 16,
                bar_y=y + LABEL_HEIGHT,
                length=round(length, 1),
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + GAP
    return BarChart(tuple(laid_out), WIDTH, max(y - GAP, 1))


__all__ = ["Bar", "BarChart", "bar_chart"]
