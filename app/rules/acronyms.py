"""Acronyms in the words people read: how one is found, and whether a text says what it stands for.

Shared by the rule pack's checks (``validate``) and the partnership file's (``partnership``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
# A word of letters that starts with a capital and has another: an acronym written with small
# letters in it ("DfE", "NHSx", "TfL") when it has more capitals than small letters, and is not
# an acronym's plural ("LADOs", "PDFs", left as they were). A name such as "McKenzie" or
# "YouTube" has more small letters, so it is a word, not an acronym.
_MIXED_CASE = re.compile(r"\b[A-Z][a-z]*[A-Z][A-Za-z]*\b")
# Capitals everyone reads as words, never spelled out (GOV.UK's style): the country, and the
# government's website by its name; and a part of a document numbered in Roman numerals, as the
# law is cited ("Children Act 1989, Part III"), which is a number, not an acronym; and an email or
# web address, given as it is ("SSCP@salford.gov.uk"): its capitals cannot be spelled out; and a
# time of day, "9 AM" or "5.30 PM", as "9am" is (found, partnership review: "9 AM to 5 PM" in a
# contact's hours was refused as two acronyms to spell out).
# And a full UK postcode ("OL11 1AB", "M5 4WT", "SW1A 1AA"), given as it is (in an example, say).
PLAIN_CAPITALS = re.compile(
    r"\b(?:0?[1-9]|1[0-2])(?:[.:][0-5]\d)? ?[AP]M\b"
    r"|\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b"
    r"|\bGOV\.UK\b|\bUK\b|\b(?i:part|chapter|schedule|section|volume|annex|appendix|article)s? [IVXLC]+\b"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?i:https?://|www\.)[^\s<>\"]*[\w/]"
)

# Capitals joined to a number, "NHS111" or "KS2": the capitals are an acronym all the same (found,
# partnership review: "Call NHS111" passed unexplained). Not when the word is one part of a code
# joined by hyphens (a reference such as "STT-KQ47-M9XA", "PDF/UA-1"), and not a postcode's first
# part on its own ("OL11", "WA14": a UK postcode area's letters, then one or two digits).
_JOINED_TO_DIGITS = re.compile(r"(?<![\w-])([A-Z]{2,})(\d+)(?![\w-])")
# The UK's postcode areas of two letters.
_POSTCODE_AREA = re.compile(
    "AB|AL|BA|BB|BD|BH|BL|BN|BR|BS|BT|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH"
    "|DL|DN|DT|DY|EC|EH|EN|EX|FK|FY|GL|GU|GY|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE"
    "|KA|KT|KW|KY|LA|LD|LE|LL|LN|LS|LU|ME|MK|ML|NE|NG|NN|NP|NR|NW|OL|OX|PA|PE|PH|PL"
    "|PO|PR|RG|RH|RM|SA|SE|SG|SK|SL|SM|SN|SO|SP|SR|SS|ST|SW|SY|TA|TD|TF|TN|TQ|TR|TS"
    "|TW|UB|WA|WC|WD|WF|WN|WR|WS|WV|YO|ZE"
)


def acronyms_in(text: str, terms: Iterable[str] = (), plain: bool = True) -> list[str]:
    """The acronyms in ``text``, each once, in the order a reader meets them: a word in capitals
    ("LADO"), one with small letters in it but more capitals ("DfE", "NHSx"), and each of
    ``terms`` (a glossary's), found exactly as written; with ``plain``, not the capitals
    ``PLAIN_CAPITALS`` names (the pages explain a glossary's "UK" all the same); capitals joined
    to a number ("NHS111") are found as the acronym they start with ("NHS").
    Found (partnership review): "DfE" was never found, so a glossary could not explain it."""
    words = PLAIN_CAPITALS.sub(" ", text) if plain else text
    found: dict[int, str] = {}
    for match in ACRONYM.finditer(words):
        found.setdefault(match.start(), match.group(0))
    for match in _JOINED_TO_DIGITS.finditer(words):
        letters, digits = match.groups()
        if not (_POSTCODE_AREA.fullmatch(letters) and len(digits) <= 2):
            found.setdefault(match.start(), letters)
    for match in _MIXED_CASE.finditer(words):
        word = match.group(0)
        capitals = sum(character.isupper() for character in word)
        if capitals > len(word) - capitals and not (word.endswith("s") and word[:-1].isupper()):
            found.setdefault(match.start(), word)
    for term in terms:
        for match in re.finditer(rf"\b{re.escape(term)}\b", words):
            found.setdefault(match.start(), term)
    return list(dict.fromkeys(found[start] for start in sorted(found)))


def spelled_out(acronym: str, text: str) -> bool:
    """Whether ``text`` says what ``acronym`` stands for where it uses it: "Team Around the Family
    (TAF)", "MASH (multi-agency safeguarding hub)" or "MASH: multi-agency safeguarding hub". The
    words given for it must start with its letters, in order ("the Emergency Duty Team (EDT)"),
    with or without a number joined to it ("National Health Service 111 (NHS111)"):
    found (review), "EDT (out of hours)" passed as saying what EDT stands for."""
    for after in re.finditer(rf"\({re.escape(acronym)}\d*\)", text):
        # The words before the brackets, back to the start of their clause.
        if _initials_fit(acronym.upper(), re.split(r"[.;:!?()]", text[: after.start()])[-1]):
            return True
    for meaning in re.finditer(rf"\b{re.escape(acronym)}\d*(?: \(([^)]{{3,}})\)|: ([^.;:!?()]{{3,}}))", text):
        if _initials_fit(acronym.upper(), meaning.group(1) or meaning.group(2)):
            return True
    return False


def _initials_fit(acronym: str, words: str) -> bool:
    """Whether the letters of ``acronym`` are, in order, first letters of ``words`` (split at
    spaces, hyphens and slashes; "of", "the" and the like may come between):
    "multi-agency safeguarding hub" fits MASH. A word may give its first two letters
    ("special educational needs coordinator (SENCO)"), a word in quotes counts from its first
    letter ("the ‘Early Help Assessment’ (EHA)"), and a word in capitals gives any of its
    letters, in order, as an acronym within the name does ("HM Revenue and Customs (HMRC)",
    "SEND Information, Advice and Support Service (SENDIASS)"), but not the acronym itself
    ("the EDT (EDT)"). Found (review): these were refused as unexplained."""
    reached = {0}  # how many of the acronym's letters the words so far can give, in order
    for part in re.split(r"[\s\-‐‑–—/]+", words):
        word = part.lstrip(_BEFORE_A_WORD)
        if not word[:1].isalpha():
            continue
        capitals = _CAPITALS_WORD.fullmatch(word) is not None and acronym not in word
        gained = set()  # from this word, added after it: one word gives its letters once
        for start in reached:
            at = start
            for position, character in enumerate(word if capitals else word[:2]):
                if at < len(acronym) and character.upper() == acronym[at] and (capitals or position == at - start):
                    at += 1
                    gained.add(at)
        reached |= gained
        if len(acronym) in reached:
            return True
    return False


# What may come before a word's first letter: quotes and brackets ("‘Early", "[Multi").
_BEFORE_A_WORD = "\"'‘’“”([{"
# A word in capitals (an acronym within a name), before any punctuation after it ("HM", "SEND,").
_CAPITALS_WORD = re.compile(r"[A-Z]{2,}(?=[^A-Za-z]*$)[^A-Za-z]*")
