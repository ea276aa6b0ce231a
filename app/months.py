"""A date's month as people type it: a number, or the month's name, whole or shortened.

The GOV.UK date input pattern asks services to accept month names and their abbreviations in
the month field ("feb", "February", "SEPT"), not only numbers. Used by every date the app
reads from a month field (the significant event's month and year, a session's date) and by the
identifying-data check, which looks for dates written with month names.
"""

from __future__ import annotations

import re
import unicodedata

NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Every name a month may be typed as, in lower case: in full, its first three letters, and
# "sept", as often written for September.
MONTHS: dict[str, int] = {
    **{name: number for number, name in enumerate(NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(NAMES, start=1)},
    "sept": 9,
}
# A number: the digits 0 to 9 only (not full-width or other digits that isdigit() takes).
_NUMBER = re.compile(r"[0-9]+")
# The full-width forms of the ASCII characters (U+FF01 to U+FF5E: "０３/２０１５", as Chinese and
# Japanese input methods type digits) as those characters, and the ideographic space as a space.
# One character for one, each the same character drawn wider: never a different number (unlike
# superscripts or other scripts' digits, which isdigit() takes but are not read as digits here).
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class _AsciiForms(dict[int, int]):
    """Full-width letters, digits and punctuation (``_FULL_WIDTH``), and the digits of every other
    script (Arabic-Indic "١٠", Devanagari "१०"...: found, practitioner review, "١٠" was not a real
    month), as ASCII, looked up as ``str.translate`` meets them (a character kept as it is raises
    ``LookupError``, as translate wants)."""

    def __missing__(self, code: int) -> int:
        digit = unicodedata.decimal(chr(code), None)
        if digit is None:
            raise LookupError(code)
        self[code] = ord("0") + digit
        return self[code]


_ASCII_FORMS = _AsciiForms(_FULL_WIDTH)


def narrow(text: str) -> str:
    """``text`` with full-width letters, digits and punctuation as their ASCII forms ("０３" is
    "03"), and any script's digits as ASCII digits ("١٠" is "10")."""
    return text if text.isascii() else text.translate(_ASCII_FORMS)


def month_number(text: str) -> int | None:
    """The month (1 to 12) typed in a month field, or None if it is not one: a number ("3",
    "03"), or a name in full or shortened, in any case, with or without a full stop ("feb",
    "Feb.", "February", "SEPT"). Spaces around it are ignored."""
    typed = text.strip()
    if _NUMBER.fullmatch(typed):
        # Never int() of thousands of digits (Python refuses over 4,300): no month has over two.
        significant = typed.lstrip("0")
        return int(significant) if significant and len(significant) <= 2 and int(significant) <= 12 else None
    return MONTHS.get(typed.removesuffix(".").lower()) if typed.isascii() else None


__all__ = ["MONTHS", "NAMES", "month_number", "narrow"]
