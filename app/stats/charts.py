"""Horizontal bar charts of counts, laid out here and drawn by templates/stats/_bar_chart.html.

No JavaScript and no library. Each bar has its label above it, as text of the page (so it wraps
and is as big as the text around it on any screen), and below that a small SVG, as wide as the
column, holding the bar and its number. The bar's length is a percentage of that width and the
number is in the page's own text size, so nothing is shrunk to fit a phone (WCAG 1.4.4 and
1.4.10). A hidden count is drawn as a dashed empty box with the word "hidden", never as a bar of
some length, so the chart shows no more than the table beside it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .suppression import Cell

BAR_AREA = 75  # the longest bar, as a percentage of the chart's width; the rest holds its number


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the number shown, and how long it is (a percentage; 0 when hidden)."""

    label: str
    shown: str
    hidden: bool
    length: float


@dataclass(frozen=True)
class BarChart:
    """A chart's bars."""

    bars: tuple[Bar, ...]

    @property
    def has_hidden(self) -> bool:
        return any(bar.hidden for bar in self.bars)


def bar_chart(bars: Sequence[tuple[str, Cell]], hidden_text: str) -> BarChart:
    """Lay out one bar per (label, cell): lengths relative to the largest number shown."""
    largest = max((cell.count for _, cell in bars if not cell.hidden), default=0)
    return BarChart(
        tuple(
            Bar(
                label,
                hidden_text if cell.hidden else str(cell.count),
                cell.hidden,
                length=0.0 if cell.hidden or not largest else round(BAR_AREA * cell.count / largest, 2),
            )
            for label, cell in bars
        )
    )


__all__ = ["Bar", "BarChart", "bar_chart"]
