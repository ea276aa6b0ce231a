"""The guide for facilitators: ``docs/FACILITATORS.md``, shown in the inbox as a GOV.UK page.

The Markdown file is the one source (it reads well on GitHub too); Python-Markdown turns it
into HTML, and a small tree processor gives each element its GOV.UK class. The file is ours,
not anyone's input, so its HTML is trusted. It is read again only when it changes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..config import PROJECT_ROOT, Config

GUIDE_PATH = PROJECT_ROOT / "docs" / "FACILITATORS.md"
# The guide gives the default time without activity before a facilitator is signed out in these
# words, each time, and says it may be set up otherwise; in the inbox it is said as it is set up.
DEFAULT_IDLE_MINUTES = Config.SESSION_IDLE_MINUTES
IDLE_WORDS = f"{DEFAULT_IDLE_MINUTES} minutes"
ANOTHER_TIME = {
    ", unless the service is set up with another time. The sign-in page says how long.": ".",
    " (unless the service is set up with another time)": "",
}
GOVUK_CLASSES = {
    "h1": "govuk-heading-l",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "strong": "govuk-!-font-weight-bold",
}


HEADINGS = ("h2", "h3", "h4", "h5", "h6")


class GovukClasses(Treeprocessor):
    """Give each element the GOV.UK Frontend class for its kind, and put each table in a
    region that scrolls sideways on a small screen instead of the whole page (WCAG 1.4.10
    Reflow; the pattern of the statistics tables): focusable, so a keyboard can scroll it, and
    named by the heading above the table; each row headed by its first cell."""

    def run(self, root: ElementTree.Element) -> None:
        """Set the classes in place, and wrap the tables."""
        parents = {child: parent for parent in root.iter() for child in parent}
        tables: list[tuple[ElementTree.Element, ElementTree.Element, ElementTree.Element | None]] = []
        heading: ElementTree.Element | None = None
        for element in root.iter():  # in document order: the last heading is the one above
            if element.tag in HEADINGS:
                heading = element
            elif element.tag == "table":
                tables.append((parents[element], element, heading))
        for element in root.iter():
            if element.tag in GOVUK_CLASSES:
                element.set("class", GOVUK_CLASSES[element.tag])
            if element.tag == "th":
                element.set("scope", "col")
        for number, (parent, table, heading) in enumerate(tables, start=1):
            # Each row's first cell heads its row (found, screen reader review: moving along the
            # "Statuses" table gave "What it means: Nobody has picked it up yet." without the status).
            for body in table.iter("tbody"):
                for row in body.iter("tr"):
                    first = next(iter(row), None)
                    if first is not None and first.tag == "td":
                        first.tag = "th"
                        first.set("scope", "row")
                        first.set("class", GOVUK_CLASSES["th"])
            region = ElementTree.Element("div", {"class": "app-table-scroll", "role": "region", "tabindex": "0"})
            if heading is not None:
                heading.set("id", heading.get("id") or f"guide-table-{number}-heading")
                region.set("aria-labelledby", heading.get("id", ""))
            else:
                region.set("aria-label", "Table")
            index = list(parent).index(table)
            parent.remove(table)
            region.append(table)
            region.tail, table.tail = table.tail, None
            parent.insert(index, region)


class GovukExtension(Extension):
    """Registers ``GovukClasses`` after Markdown's own processors."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Python-Markdown's name
        """Add the tree processor."""
        md.treeprocessors.register(GovukClasses(md), "govuk_classes", 0)


@lru_cache(maxsize=4)
def _rendered(path: Path, modified: float) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    html = markdown.markdown(body, extensions=["tables", GovukExtension()], output_format="html")
    return title.lstrip("# ").strip(), html


def guide_html(path: Path = GUIDE_PATH, idle_minutes: int = DEFAULT_IDLE_MINUTES) -> tuple[str, str]:
    """The guide's title (its first line, a "# " heading) and its body as HTML, saying the time
    without activity after which a facilitator is signed out as the service is set up
    (``SESSION_IDLE_MINUTES``): found (accessibility review), it said 30 minutes where the
    sign-in page said 3. The file says the default, which reads right on GitHub."""
    title, html = _rendered(path, path.stat().st_mtime)
    if idle_minutes == DEFAULT_IDLE_MINUTES:
        return title, html
    for said, as_set_up in ANOTHER_TIME.items():
        html = html.replace(said, as_set_up)
    return title, html.replace(IDLE_WORDS, f"{idle_minutes} minute{'' if idle_minutes == 1 else 's'}")
