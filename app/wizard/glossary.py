"""Explain each acronym the first time it appears on a page.

Most of the rule pack's wording spells an acronym out itself ("Local Authority Designated
Officer (LADO)"). Guidance quoted word for word cannot be reworded, so the outcome page
asks an ``Explainer`` (given the rule pack's ``glossary``) which acronyms in a quote have not yet
been explained on the page, and spells those out next to it.
"""

from __future__ import annotations

import functools

from ..rules.acronyms import acronyms_in


@functools.lru_cache(maxsize=4096)
def _acronyms(text: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    """``acronyms_in(text, terms, plain=False)``, worked out once per text and glossary: an outcome
    page asks it about 26 times, of the same few hundred texts of the rule pack and contacts (about
    0.5 ms of a 4 ms page). Only the pack's and the contacts' own words come here, never what a
    person typed (the page's answers are choices, shown by their pack labels)."""
    return tuple(acronyms_in(text, terms, plain=False))


class Explainer:
    """Remembers which acronyms a page has explained so far."""

    def __init__(self, glossary: dict[str, str]) -> None:
        self.glossary = glossary
        self.terms = tuple(glossary)
        self.explained: set[str] = set()

    def unexplained(self, text: str) -> list[tuple[str, str]]:
        """The acronyms in ``text`` not yet explained on the page, with their meaning.

        An acronym that ``text`` introduces itself ("Local Authority Designated Officer (LADO)",
        or "LADO (Local Authority Designated Officer)") counts as explained; its meaning merely
        appearing elsewhere in the text does not, since a reader cannot tell the two go together.
        Every acronym returned is then counted as explained too.
        """
        found: list[tuple[str, str]] = []
        for acronym in _acronyms(text, self.terms):
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
