"""Find what looks like identifying data in free text, and say why it matters.

Pure Python (no Flask): ``scan(text)`` returns ``Finding``s — the kind, the text that
matched and a plain-English reason. The request flow shows them and lets the person edit
or confirm; nothing here changes or blocks what they wrote.

What counts, and what deliberately does not:
- full dates (day, month and year: 12/03/2019, 12-3-19, 2019-03-12, 12 March 2019,
  March 12th 2019) and anything introduced as a date of birth. A month and year alone
  ("March 2019") is *not* flagged: the request asks for the event's month and year by design;
- UK postcodes, including GIR 0AA (the full code: an outward code alone names an area);
- NHS numbers: 10 digits (optionally 3-3-4) whose last digit is a valid modulus 11 check
  digit — other 10-digit numbers are not flagged, so "why" can be stated exactly;
- UK phone numbers (landline, mobile, freephone; 0…, +44…, 0044…);
- email addresses;
- UK street addresses: a house number, one to three capitalised words and a street-type word
  ("12 Acacia Avenue", "3b St John's Rd", "10-12 High Street"); a court's name ("2 Family Court
  hearings") is not an address;
- named schools and colleges: capitalised words before a school-type word ("St Mary's Primary
  School", "Oakwood High", "Beech Academy", "Elm Infant School", "Salford City College"). Words
  that only describe a school ("the secondary school", "Primary care", "high risk", "Sixth
  Form College") are not flagged.
Names of people cannot be told apart from ordinary words, so they are not looked for (the
warning page says so).
Age bands (0-4, 11-15), school years (Year 6), money and times are not flagged.

The text is matched after Unicode NFKC normalisation with zero-width characters removed,
so full-width digits or a zero-width space inside a number do not hide it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from ..email_address import EMAIL_ADDRESS

# Every kind of finding: this is the one list (fields, forms and documents take it from here).
# Its order is the priority when two findings overlap: the earlier kind is kept (a validated
# NHS number is more specific than "ten digits that could be a phone number").
Kind = Literal["email", "nhs_number", "date_of_birth", "date", "phone", "postcode", "address", "school"]
KINDS: tuple[Kind, ...] = get_args(Kind)

# Why each kind matters. These are shown wherever free text is checked (a request, a facilitator's
# note, a practitioner's feedback), so they say nothing about the form they are shown on: the
# request adds what fits its own fields (``fields.OWN_DETAILS_NOTES``).
REASONS: dict[Kind, str] = {
    "date": "This looks like a full date. A date of birth, or the exact date of an event, "
    "can be enough to identify a child or family.",
    "date_of_birth": "This looks like a date of birth. A date of birth can identify a child, "
    "especially with their age band and area.",
    "postcode": "This looks like a postcode. A postcode can point to a family's home or a school.",
    "nhs_number": "This is a 10-digit number whose last digit is a valid NHS number check digit, "
    "so it may be an NHS number. An NHS number identifies one person.",
    "phone": "This looks like a UK phone number. A family's phone number identifies them.",
    "email": "This looks like an email address. A family's email address identifies them.",
    "address": "This looks like a street address. An address can point to a family's home.",
    "school": "This looks like the name of a school or college. A named school, with an age band, "
    "can identify a child.",
}

# Each kind in a sentence ("The free text seemed to contain a postcode"): kinds only, never the text.
NAMES: dict[Kind, str] = {
    "email": "an email address",
    "nhs_number": "an NHS number",
    "date_of_birth": "a date of birth",
    "date": "a date",
    "phone": "a phone number",
    "postcode": "a postcode",
    "address": "a street address",
    "school": "the name of a school",
}

# Characters that change nothing visible but can split a number or word.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
# reorder how text is shown (U+202E shows what follows backwards), so they are not stored.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)


def has_visible_text(text: str) -> bool:
    """Whether ``text`` has anything to see: not only spaces, zero-width characters or
    other invisible formatting characters."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf") for ch in text.translate(_INVISIBLE))


_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month_name>{_MONTH_NAMES})(?![^\W\d_])\.?"
_ANY_MONTH = rf"(?:{_MONTH_NAMES})(?![^\W\d_])\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4}|'?\d{2})"

# 12/03/2019, 12-3-19, 12.03.2019 (day or month first: both are dates).
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/.\-]*\d)"
)
# 2019-03-12, 2019/03/12
_ISO_DATE = re.compile(
    r"(?<![\d/.\-])(?P<year>\d{4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<a>\d{1,2})(?![\d/.\-]*\d)"
)
# 12 March 2019, 12th of March, 2019, 12-Mar-19
_DAY_MONTH_YEAR = re.compile(rf"(?<![\w]){_DAY}(?:\s+of)?[\s\-/]*{_MONTH}(?:,)?[\s\-/]*{_YEAR}(?![\w])", re.IGNORECASE)
# March 12, 2019; March 12th 2019
_MONTH_DAY_YEAR = re.compile(rf"(?<![\w]){_MONTH}\s+{_DAY},?\s+{_YEAR}(?![\w])", re.IGNORECASE)
# "DOB 12/3", "date of birth: March 2019", "born on the 4th of May" (a year alone is not
# flagged: the child's age band is asked for anyway).
_BIRTH = re.compile(
    r"(?<![\w])(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+(?:on|in))?|birthday(?:\s+is)?)"
    rf"[\s:\-]*(?:the\s+)?(?:[0-3]?\d(?:st|nd|rd|th)?(?:\s+of)?\s+{_ANY_MONTH}|{_ANY_MONTH}(?:\s+\d{{1,4}})?|\d{{1,4}}[/.\-]\d{{1,2}}(?:[/.\-]\d{{1,4}})?)",
    re.IGNORECASE,
)

# UK postcodes (the Royal Mail format), GIR 0AA included; the space is optional, and
# more than one ("M6  5JA") still counts.
_POSTCODE = re.compile(
    r"(?<![\w])(?P<code>GIR\s*0AA|"
    r"(?:[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?))\s*\d[ABD-HJLNP-UW-Z]{2})(?![\w])",
    re.IGNORECASE,
)
_ORDINAL_INWARD = re.compile(r"\d(?:st|nd|rd|th)$")

# Ten digits, run together or spaced/hyphenated 3-3-4.
_NHS = re.compile(r"(?<![\d+])(?P<a>\d{3})(?P<sep>[ \-]?)(?P<b>\d{3})(?P=sep)(?P<c>\d{4})(?![\d])")

# A UK number: 0, +44 or 0044 (optionally "(0)"), then 9 or 10 more digits with spaces,
# hyphens or brackets between them. The digits are checked after matching.
_PHONE = re.compile(r"(?<![\d+\w])(?P<number>(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)(?:[\s\-)]{0,2}\d){9,10})(?![\d])")

# A capitalised word of a name ("Acacia", "St", "St.", "John's", "Ashton-under-Lyne").
_NAME_WORD = r"(?:St\.|[A-Z][A-Za-z'\u2019\-]{0,39})"
_STREET_TYPES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Way|Crescent|Cres|Grove|Place|Pl|Court|Ct|"
    "Gardens|Gdns|Terrace|Walk|Square|Sq|Mews|Hill|Row|View|Park|Rise|Vale|Parade|Boulevard|Brow|"
    "Fold|Croft"
)
# A house number (12, 3b, 10-12), one to three capitalised words, a street type (any case).
_ADDRESS = re.compile(
    r"(?<![\w\u00a3$\u20ac.,:/\-])(?P<number>\d{1,3}[A-Za-z]?(?:\s*[-\u2013]\s*\d{1,3}[A-Za-z]?)?)\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})\s+(?P<type>(?i:{_STREET_TYPES}))\.?(?![\w'\u2019])"
)
# Courts that are not streets: "2 Family Court hearings".
_COURTS = {
    "family",
    "crown",
    "youth",
    "county",
    "high",
    "magistrates",
    "magistrates'",
    "magistrates\u2019",
    "coroner's",
    "coroners",
    "supreme",
    "appeal",
    "district",
    "juvenile",
}

# One to five capitalised words (joined by "of", "the" or "&": "Our Lady of Lourdes"), then a
# school type. "School", "Academy", "College" and the bare types are capitalised, as in a name;
# "primary school", "high school" and the like may be in lower case.
_SCHOOL = re.compile(
    rf"(?<![\w'\u2019])(?P<name>{_NAME_WORD}(?:\s+(?:(?:of|the|&)\s+)?{_NAME_WORD}){{0,4}})\s+"
    r"(?P<type>(?:(?i:(?:primary|infants?|junior|juniors|high|secondary|grammar|middle|nursery|prep|preparatory|"
    r"community|special|church|c\.?e\.?|r\.?c\.?)(?:\s+(?:and|&)\s+(?:junior|infant|nursery))?\s+(?:school|academy))"
    r"|School|Academy|College|(?P<bare>Primary|High|Infants|Juniors))(?:['\u2019]s)?)(?![\w'\u2019])"
)
# Words that describe a school without naming it: a "name" made only of these is not a name.
_NOT_A_NAME = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "my",
    "our",
    "your",
    "his",
    "her",
    "their",
    "its",
    "of",
    "&",
    "local",
    "nearby",
    "new",
    "old",
    "previous",
    "current",
    "former",
    "same",
    "other",
    "another",
    "next",
    "very",
    "primary",
    "secondary",
    "high",
    "junior",
    "juniors",
    "infant",
    "infants",
    "middle",
    "first",
    "nursery",
    "prep",
    "preparatory",
    "grammar",
    "community",
    "special",
    "specialist",
    "independent",
    "private",
    "state",
    "free",
    "faith",
    "church",
    "catholic",
    "rc",
    "ce",
    "c",
    "e",
    "sixth",
    "form",
    "fe",
    "he",
    "further",
    "higher",
    "education",
    "royal",
    "virtual",
    "forest",
    "sunday",
    "boarding",
    "residential",
    "hospital",
    "mainstream",
    "alternative",
    "multi",
    "police",
    "national",
    "training",
    "university",
    "day",
    "school",
    "schools",
    "academy",
    "college",
    "pupil",
    "referral",
    "unit",
    "mum",
    "mum's",
    "dad",
    "dad's",
    "child",
    "child's",
    "children's",
    "parent",
    "parents",
    "parents'",
    "mother",
    "father",
    "family",
    "sibling",
    "brother",
    "sister",
    "sen",
    "send",
    "senco",
    "dsl",
    "gp",
    "nhs",
    "ehcp",
    "camhs",
    "pru",
    "la",
    "eyfs",
    "early",
    "years",
    "year",
}
# After a bare "Primary" or "High" (no "School"), these words mean it is not a school's name:
# "Primary Care", "High Street", "High Court", "high risk".
_NOT_AFTER_A_SCHOOL = {
    "care",
    "carer",
    "carers",
    "risk",
    "risks",
    "level",
    "levels",
    "need",
    "needs",
    "concern",
    "concerns",
    "health",
    "healthcare",
    "mental",
    "source",
    "team",
    "court",
    "street",
    "st",
    "road",
    "rd",
    "priority",
    "priorities",
    "threshold",
    "support",
    "age",
    "aged",
    "years",
    "phase",
    "stage",
    "education",
    "curriculum",
    "sector",
    "setting",
    "settings",
    "provision",
    "focus",
    "aim",
    "reason",
    "issue",
    "issues",
    "worry",
    "worries",
    "quality",
    "standard",
    "standards",
    "demand",
    "numbers",
    "number",
    "prevention",
    "hospital",
    "nhs",
    "trust",
    "network",
    "services",
    "service",
    "practice",
    "practices",
}
_NEXT_WORD = re.compile(r"[\s,]*([A-Za-z']+)")


@dataclass(frozen=True)
class Finding:
    """Something in the text that looks identifying: what kind, the text, and why it matters."""

    kind: Kind
    text: str
    reason: str
    start: int
    end: int


def prepare(text: str) -> str:
    """The text as matched: NFKC-normalised, with zero-width characters removed."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE)


def nhs_check_digit_valid(digits: str) -> bool:
    """Whether a 10-digit string ends in a valid NHS number (modulus 11) check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    values = [int(d) for d in digits]
    total = sum(value * weight for value, weight in zip(values[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == values[9]


def _real_day_month(day: int, month: int) -> bool:
    """A day (1-31) and a month (1-12). 31/02 still counts: a mistyped date of birth is still one."""
    return 1 <= day <= 31 and 1 <= month <= 12


def _dates(text: str) -> Iterator[Finding]:
    for pattern in (_NUMERIC_DATE, _ISO_DATE):
        for match in pattern.finditer(text):
            a, b = int(match["a"]), int(match["b"])
            if _real_day_month(a, b) or _real_day_month(b, a):
                yield _finding("date", match)
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            month = _MONTHS[match["month_name"].lower()]
            if _real_day_month(int(match["day"]), month):
                yield _finding("date", match)
    for match in _BIRTH.finditer(text):
        yield _finding("date_of_birth", match)


def _postcodes(text: str) -> Iterator[Finding]:
    for match in _POSTCODE.finditer(text):
        code = match["code"]
        inward = code[-3:]
        # "Y6 2nd", "KS2 3rd": a school year and an ordinal, not a postcode. Upper case
        # ("M6 2ND") is how postcodes are written, so it still counts.
        if _ORDINAL_INWARD.match(inward) and inward[1:].islower():
            continue
        yield _finding("postcode", match)


def _nhs_numbers(text: str) -> Iterator[Finding]:
    for match in _NHS.finditer(text):
        if nhs_check_digit_valid(match["a"] + match["b"] + match["c"]):
            yield _finding("nhs_number", match)


def _phones(text: str) -> Iterator[Finding]:
    for match in _PHONE.finditer(text):
        raw = match["number"]
        digits = "".join(ch for ch in raw if ch.isdigit())
        if raw.startswith(("+", "00")):
            rest = digits[4:] if digits.startswith("0044") else digits[2:]
            if "(0)" in raw:
                rest = rest[1:]
            national = "0" + rest
        else:
            national = digits
        if len(national) in (10, 11) and national[0] == "0" and national[1] in "1235789":
            yield _finding("phone", match, group="number")


def _emails(text: str) -> Iterator[Finding]:
    for match in EMAIL_ADDRESS.finditer(text):
        yield _finding("email", match)


def _addresses(text: str) -> Iterator[Finding]:
    for match in _ADDRESS.finditer(text):
        if match["type"].lower() in ("court", "ct") and match["name"].split()[-1].lower() in _COURTS:
            continue
        yield _finding("address", match)


def _schools(text: str) -> Iterator[Finding]:
    for match in _SCHOOL.finditer(text):
        words = [word.lower().replace("\u2019", "'") for word in match["name"].split()]
        if all(word.rstrip(".") in _NOT_A_NAME for word in words):
            continue
        following = _NEXT_WORD.match(text, match.end())
        after = following[1].lower() if following is not None else ""
        if after == "hospital" or (match["bare"] and after in _NOT_AFTER_A_SCHOOL):  # King's College Hospital
            continue
        yield _finding("school", match)


def _finding(kind: Kind, match: re.Match[str], group: int | str = 0) -> Finding:
    return Finding(kind, match[group], REASONS[kind], match.start(group), match.end(group))


def scan(text: str, kinds: Iterable[Kind] = KINDS) -> list[Finding]:
    """Every identifying-looking piece of ``text``, in order, without overlaps."""
    if not text:
        return []
    prepared = prepare(text)
    wanted = set(kinds)
    found: list[Finding] = []
    for finder in (_emails, _nhs_numbers, _dates, _phones, _postcodes, _addresses, _schools):
        found.extend(f for f in finder(prepared) if f.kind in wanted)
    found.sort(key=lambda f: (KINDS.index(f.kind), f.start))
    kept: list[Finding] = []
    for finding in found:
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def scan_fields(
    texts: Mapping[str, str | None], kinds_for: Mapping[str, Iterable[Kind]] | None = None
) -> dict[str, list[Finding]]:
    """Scan several named texts; only the names with findings are returned, in the given order."""
    results: dict[str, list[Finding]] = {}
    for name, text in texts.items():
        kinds = (kinds_for or {}).get(name, KINDS)
        findings = scan(text or "", kinds)
        if findings:
            results[name] = findings
    return results
