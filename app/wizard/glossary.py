"""Explain each acronym the first time it appears on a page.

Most of the rule pack's wording spells an acronym out itself ("Local Authority Designated
Officer (LADO)"). Guidance quoted word for word cannot be reworded, so the outcome page
asks an ``Explainer`` (given the rule pack's ``glossary``) which acronyms in a quote have not yet
been explained on the page, and spells those out next to it.
"""

from __future__ import annotations

from ..rules.acronyms import acronyms_in


class Explainer:
    """Remembers which acronyms a page has explained so far."""

    def __init__(self, glossary: dict[str, str]) -> None:
        self.glossary = glossary
        self.explained: set[str] = set()

    def unexplained(self, text: str) -> list[tuple[str, str]]:
        """The acronyms in ``text`` not yet explained on the page, with their meaning.

        An acronym that ``text`` introduces itself ("Local Authority Designated Officer (LADO)",
        or "LADO (Local Authority Designated Officer)") counts as explained; its meaning merely
        appearing elsewhere in the text does not, since a reader cannot tell the two go together.
        Every acronym returned is then counted as explained too.
        """
        found: list[tuple[str, str]] = []
        for acronym in acronyms_in(text, self.glossary, plain=False):
            meaning = self.glossary.get(acronym)
            if meaning is None or acronym in self.explained:
                continue
            self.explained.add(acronym)
            introduced = (f"{meaning} ({acronym})".lower(), f"{acronym} ({meaning})".lower())
            if not any(form in text.lower() for form in introduced):
                found.append((acronym, meaning))
        return found

    def note(self, text: str) -> str:
        """Mark acronyms in ``text`` as seen; return it unchanged (for use in templates)."""
        self.unexplained(text)
        return text
