"""The area's place names as the identifying-data check reads them (app/requests/guard.py), from
the partnership file's ``places``, ``boroughs``, ``hospitals`` and ``public_places``
(app/rules/partnership.py reads them). Pure Python, so the check stays free of Flask and the rule pack's loader.
"""

from __future__ import annotations

from collections.abc import Iterable


class Places(frozenset[str]):
    """The area's place names in small letters (a set, as the check asks ``word in places``), with
    which of them name a whole city or borough (``boroughs``: "Year 9 at Salford" names the area,
    "Year 9 at Walkden" most likely the school) and the names, in small letters, that the area's
    well-known hospitals are known by without the word "hospital" (``hospitals``: "hope", "stepping
    hill"), and the names of its busy public streets, squares and stations, where something may
    happen to anyone (``public``: "found in Piccadilly Gardens" says where, not where a family
    lives). Every borough is a place."""

    boroughs: frozenset[str]
    hospitals: frozenset[str]
    public: frozenset[str]

    def __new__(
        cls,
        names: Iterable[str] = (),
        boroughs: Iterable[str] = (),
        hospitals: Iterable[str] = (),
        public: Iterable[str] = (),
    ) -> Places:
        whole = frozenset(boroughs)
        places = super().__new__(cls, frozenset(names) | whole)
        places.boroughs = whole
        places.hospitals = frozenset(hospitals)
        places.public = frozenset(public)
        return places

    def __reduce__(
        self,
    ) -> tuple[type[Places], tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]]:
        return (Places, (frozenset(self), self.boroughs, self.hospitals, self.public))

    def __repr__(self) -> str:
        return (
            f"Places({sorted(self)!r}, boroughs={sorted(self.boroughs)!r}, hospitals={sorted(self.hospitals)!r}, "
            f"public={sorted(self.public)!r})"
        )

    def key(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """All four lists, in order: what the check's version is worked out from."""
        return (
            tuple(sorted(self)),
            tuple(sorted(self.boroughs)),
            tuple(sorted(self.hospitals)),
            tuple(sorted(self.public)),
        )
