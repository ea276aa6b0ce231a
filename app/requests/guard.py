"""Find what looks like identifying data in free text, and say why it matters.

Pure Python (no Flask): ``scan(text)`` returns ``Finding``s — the kind, the text that
matched and a plain-English reason. The request flow shows them and lets the person edit
or confirm; nothing here changes or blocks what they wrote.

What counts, and what deliberately does not:
- full dates (day, month and year: 12/03/2019, 12-3-19, 2019-03-12, 12 March 2019,
  March 12th 2019, and as Chinese, Japanese and Korean write them: 2015年3月12日, 2015년 3월 12일) and
  anything introduced as a date of birth, with a month's name in any language after the words
  ("date of birth: 12 marca 2015", "born on 12 मार्च 2015", "出生日期：2015年3月12日"). A month and year
  alone ("March 2019") is *not* flagged: the request asks for the event's month and year by design;
- UK postcodes, including GIR 0AA (the full code: an outward code alone names an area);
- NHS numbers: 10 digits (optionally 3-3-4, spaced or joined by hyphens, dashes or dots; after
  "NHS" or "NHS number", grouped any way) whose last digit is a valid modulus 11 check digit —
  other 10-digit numbers are not flagged, so "why" can be stated exactly;
- National Insurance numbers: a prefix HMRC issues (or its specimen prefix QQ), six digits and a
  letter A to D ("QQ 12 34 56 C", "AB123456C", "ab123456c"); written with spaces, only in
  capitals, as they are printed ("by 12 34 56 a" is not one);
- UK phone numbers (landline, mobile, freephone; 0…, +44…, 0044…; in any script's digits: "۰۷۷۰۰
  ۹۰۰۹۸۲"), the digits grouped by
  spaces, hyphens, en or em dashes, brackets, or dots between groups of three or more digits
  ("0161.496.0000"; "10.30" and "01.02.2026" are not phone numbers);
- email addresses;
- UK street addresses: a house number, one to three words and a street-type word
  ("12 Acacia Avenue", "3b St John's Rd", "10-12 High Street", "12 Acacia Av", "12, acacia avenue").
  In lower case ("12 acacia avenue") only the unmistakable street types count (road, street, avenue,
  lane...; "court", "dr", "way" and "place" only after a word for living there: "lives at 4 mill
  court", "lives at 12 acacia dr", "lives at 4 mill place", not "at 2 separate court hearings") and
  not after ordinary words ("2 miles down the road", "a 2 hour drive"); a court's name ("2 Family
  Court hearings") is not an address. A Welsh street, its type first ("12 Heol y Frenhines", "5 Ffordd
  Pen-y-bryn"), and a Polish one, its number last ("ul. Długa 5"), are addresses too. A flat in a
  named building ("Flat 3, Acacia House") is an address; a room in one ("Room 12, Acacia House",
  where a session is held) is not;
- a street named without a house number ("lives on Acacia Avenue", "moved to Mill Lane"): capitalised
  words and a street type seldom anything else in capitals (Road, Street, Lane, Avenue, Close, Drive,
  Way, Crescent, Court, Gardens, Terrace, Place, Grove, Mews; St where no name follows it to be a
  saint's: "lives on Liverpool St", not "Salford St Pauls"), with its own kind, ``street`` (a
  session's place may name its street: ``inbox.service.PLACE_KINDS``); not a name made of ordinary
  words ("the High Street", "Memory Lane", "No Way"), a court ("the Family Court"), nor a street
  before another capitalised word, which is part of that name ("Mill Lane Primary School"); and a
  street named by "the" and a type alone ("on The Crescent", "moved to The Grove"; not "the crescent
  moon", "The Way Forward"). In small letters ("lives on acacia avenue", "moved to mill lane"), only
  after a word saying where, with the street types a house number needs in small letters, and not
  ordinary words ("on the right road", "in cycle lane", "on google drive", "explore avenue of
  support"); "the" alone, and "close", "court", "dr" (drive) and "way", only after a word for living
  or moving ("lives on the crescent", "lives on acacia close", "lives on acacia dr", "lives on acacia
  way", not "lives close to mum", "moved to youth court", "lives in a different way" or a town before
  a doctor: "moved to swinton dr patel said"), and "place" only there with "on" or "off" ("lives on
  mill place", not "lives in a safe place", "staying at nans place" or "moved to bigger place");
- named schools and colleges: capitalised words before a school-type word ("St Mary's Primary
  School", "Oakwood High", "Beech Academy", "Elm Infant School", "Salford City College",
  "Oakwood school"), or a saint's name in any case ("st marys primary school"), alone after words
  saying a child goes there ("attends St Mary's", "pupil at st johns"; with its possessive, after
  going there or a child there too: "goes to St Mary's", "the girl at St Mary's", "the 14 year old at
  St Mary's", not "goes to St Helens", "goes to St Peter's every Sunday", nor after "was at" or "went
  to", as often a hospital's or a church's), or a name in small letters
  there with its type in full ("attends oakwood high school", "attends oakwood Primary School") or
  alone ("attends oakwood primary", "at oakwood primary"; "high" alone only after a word for going to
  school: "attends oakwood high", "goes to oakwood high", and after "went to" a name shaped as a
  place's: "went to oakwood high", "went to walkden high", not "went to get high", "went to town
  high", "goes to sleep high" or "at record high"; "academy" alone, not after a word for a club or a training: "attends
  oakwood academy", not "attends football academy"), the kind of school before its type ("attends
  oakwood community primary school"), possessive ("oakwood academy's breakfast club"), with a place's
  word after the name's first ("attends salford city academy", not "attends city academy"); with no
  such words, a name in small letters with its type in full, or a college, where the name holds one
  of the area's ``places`` or ends as a place's name does ("oakwood high school rang", "salford city
  college said", "bury college confirmed"), but not a college named by a whole city or borough alone
  (the partnership file's ``boroughs``) before what it offers ("bury college course", "an oldham
  college place", "the bury college open day"): borderline, and left unflagged because such words are
  about options a young person is weighing up rather than where they are known, and a borough's
  college, with thousands of students from across it, says little more than the area the request
  already asks for ("at bury college", "Bury College course" as a name is written, and a smaller
  place's "eccles college course" are still flagged); a saint's or a capitalised name and its church's initials ("St
  Peter's RC", "st johns c of e", "Holy Trinity CE"; not "St Peter's RC Church", "the Trust CE"), or
  a name in small letters, its church's initials and a school type ("oakwood rc primary"; not "the rc
  primary"); and a name shaped as a school's after a school year, in the plural too ("year 9 at
  Oakwood", "Y9 at St Ambrose", "year 9 at oakwood", "the year 9s at Oakwood", "Year 9 at Walkden",
  "Year 9 at Harrop Fold") or after "attends" or "pupil at" ("attends oakwood", "pupil at Walkden"):
  a saint's, one of the area's places that is not a whole city or borough, a word shaped as a place's
  name, or capitalised words ending as a place's name does; not a time, an event, a shop or the area
  ("Year 9 at Christmas", "Year 11 at Options Evening", "year 9 at school", "Year 9 at Tesco", "year 9
  at Salford", "Year 9 at Walkden Library", "attends meetings", "attends CAMHS", "attends the group").
  A school year alone ("the year 9s") names no school. Words that only describe a school ("the
  secondary school", "Primary care", "high risk", "Sixth Form College", "After school", "a Catholic
  school", "In September school starts") are not flagged;
- named GP (general practitioner) practices and health centres: capitalised words before a
  practice-type word ("Eccles Health Centre", "Pendleton Medical Practice", "Lance Burn Surgery",
  "Walkden Gateway GP practice", "Pendleton medical centre"; "Practice" only after "Medical",
  "Family" or "GP"), and a named doctor ("Dr Khan", "Dr. Patel", "dr Patel"), who points to their practice;
  in small letters where the words around say a doctor is named ("seen by dr patel", "dr patel
  said", "dr patel's letter", "dr patel is lovely"), or alone where the words about the doctor end
  ("GP: dr patel", "dr patel (GP)", "dr patel.", '"dr patel".', "'dr patel'."), less the words that follow any
  doctor ("dr appt", "dr today", "has been to dr lots of times", "dr aware", "dr informed", "dr
  availability is poor"): without a list of surnames a surname is told from a word only by the
  words around it.
  Words that only describe one ("the GP surgery", "a health centre", "her GP", "The Surgery",
  "Primary care", "GP practices in the area", "Mental Health Centre", "Knee Surgery", "a Salford
  GP practice") and "Dr" alone are not flagged. Named hospitals are found as GP practices are
  ("Hope Hospital", "Manchester Royal Infirmary", "Salford Royal"), as a kind of their own
  ("hospital": not looked for where an agency is asked for, as a hospital is one); not
  "the Children's Hospital", "In Hospital" or "the Princess Royal", nor a hospital's name before
  an agency's words ("Salford Royal health visiting", "Hope Hospital safeguarding team"); before a
  department's, it is where someone was ("taken to Salford Royal maternity unit"). In small
  letters, a hospital, health centre or medical practice after a word saying where ("seen at hope
  hospital", "registered at eccles health centre", "at royal oldham hospital", and "taken to salford
  royal" where the word before "royal" is one of the area's ``places``), after "the" ("in the hope
  hospital", "taken to the royal oldham hospital") and with "childrens" ("at royal manchester
  childrens hospital"), or led by one of the area's places with no word before it and words that
  describe a hospital alone as part of its name ("salford trust hospital discharged him", "at
  tameside general hospital", "GP is eccles health centre"; not "at the receiving trust hospital",
  "salford hospital staff"), not words that describe one ("at the local health centre", "in mental health
  hospital", "taken to the royal", "salford royal mail", "at royal hospital", "the children's
  hospital", "the general hospital", "the same hospital", "the royal college", "the wrong hospital").
  One of the area's well-known hospitals by the name it is known by (the partnership file's
  ``hospitals``) before "hospital", in any letters and with no word before it ("hope hospital",
  "stepping hill hospital"), but not where the name is a word of the sentence ("I hope hospital staff
  listen").
- a person named with a title ("Mrs Smith", "Mr. Jones", "Miss Patel", "Ms O'Brien", "Mx Lee"):
  the title says a name follows, so the surname may start with a particle ("Mr de Souza", "Mrs Van
  Dijk") or, after "Mrs" or "Mr", be typed in small letters ("Mrs khan"); after "Miss", "Ms" or "Mx"
  only after a word for someone's role ("teacher Miss jones", "TA (Ms lee)", "teacher miss jones"). A
  title with an initial only ("Mr A", the usual way of writing about someone without naming them) is
  not flagged;
- a family by its surname ("the Smith family", "the Smith children", "the Ali twins", and in the
  plural before a verb or a possessive or after a word for meeting them: "the Smiths have moved",
  "the Smiths' advice", "we visited the Smiths", "the Fosters have been supportive"), but not
  words saying which family or children ("the Foster family", "the Older Children", "the Polish
  family", "the Salford children"); in small letters ("the smith family", "the khan children"),
  only a word that is none of those and not shaped as a describing word is ("the extended
  family", "the struggling family", "the care experienced children");
- a capitalised name, however uncommon, after words that say a name follows: "surname Kowalski",
  "her name is Precious", "Dad's name is Gazza" (in small letters too, "surname kowalski", unless an ordinary word:
  "surname unknown", "her name is on the plan"), and "called", "named" or "known as" after a person or "is" ("a boy
  called Zbigniew", "Dad, known as Gazza", "Dad aka Gazza"), not a phone call or a role ("I called
  Early Help", "Dad called Childline", "the Named Nurse") nor a service, programme, meeting or
  acronym ("known as Child in Need", "called Signs of Safety", "called TAF");
- a name in another script (Arabic, Urdu, Devanagari, Chinese, Cyrillic, Greek...) after those words
  or a title, a label or a family member's word ("Mrs فاطمة بی بی", "her name is زینب", "a boy called
  राहुल", "Surname 王", "Mum: فاطمة"), or before an age or a family word in an English sentence
  ("زینب (7)"); not a language named in its own script ("Mum (اردو)"), nor a sentence in another
  script with no such words;
- initials: with full stops ("J.S."); without, after a word for a person ("child JS", "Mum: SB",
  "the young person (KM)", "siblings KM and LM"), after "known as" ("known as KM") or before an
  age, a relative or a home ("JS is 7", "JS (7)", "KM 7yrs", "JS's mum", "JS lives with nan"), less
  the acronyms practitioners write ("CP (4)", "the DSL's view", "Mum (CSC)", "known as EDT") and
  counts ("CIN is 3 months in", "the PDF is 4 pages");
- a common given name without a title, capitalised as a name is, alone or with the capitalised
  surname after it ("Jayden Smith, aged 7", "Mum (Kelly) says", "Tyler's mum", "Kelly-Ann
  O'Brien"): the most popular names in England and Wales (``given_names.txt``, from the ONS's baby
  names). Not the names that are more often something else ("Summer term", "Amber", "June",
  "Christian", "India"); not a name that is also an ordinary word at the start of a sentence
  ("Will the family engage?", "Grace period"), only inside one ("told Grace"); not a place's,
  saint's or royal's name ("Victoria Park", "Hope Hospital", "St Mary's", "Queen Elizabeth"); not
  a name that is also a language where the language is meant ("the family speak Shona").
  The same names all in small letters ("jayden is 7", "mum (kelly) says"), less those that are
  also words people write so ("the family will engage", "PE kit", "a grant": listed, with how
  the list was made, in ``given_names_also_words.txt``) unless the text says a person is meant
  ("grace's mum", "grace (4)", "hope is 19"); never inside an email or web address
  ("jayden.smith@...", "www.kelly.co.uk"). The same in capitals ("JAYDEN SMITH", "JAYDEN is 7",
  "MUM SAYS JAYDEN IS NOT EATING"), with the surname after it, less the names that are also words
  ("THE FAMILY WILL NOT ENGAGE", "GRACE PERIOD") or acronyms ("ELSA sessions", "a TIA"). A name
  typed in capitals is still a name in a heading or a whole sentence in capitals, so those are
  not left out. A name in no list is found by what the text says of it ("Zhyar (7)", "Mum: Zhyar",
  "Zhyar told me") and by where it stands, where only a person can ("I'm worried that Zhyar is",
  "I spoke with Zhyar", "a call from Zhyar", "The teacher said Zhyar has", "URGENT - ZHYAR BARZANI NOT
  SEEN"), unless it is an everyday word, a place, a service, a feast, a medicine or a role; the same in
  small letters in a sentence with no capital letter ("i spoke with zhyar"). A name that is an everyday
  word too, written plainly ("I spoke to Summer"), is still missed, and so is one in small letters in a
  sentence with capitals ("I spoke with zhyar") (the warning page says names can be missed).
- a child's sex and exact age written together, as a case record writes them ("M, 15", "F 14",
  "(M, 15)", "15/M", "15yo boy", "girl (14)", "female, 15", "YP is 15, female"), up to 25; not in
  small letters but with a comma ("m, 15"; not "m 15"), joined up ("M15", a postcode district), before
  a unit ("F 14 times"), after a room's, a grade's or a school year's word ("Room F 14", "Year 10,
  female"), before more words ("15 minutes, female worker"), as a count of each sex ("M 3, F 4"), nor
  in words anyone writes ("a 15-year-old boy", "a girl aged 14"), with its own kind, ``sex_and_age``.
Age bands (0-4, 11-15), school years (Year 6), money, times, percentages and version numbers
are not flagged.

The text is matched after Unicode NFKC normalisation with every invisible character that is not
a space removed (format characters such as zero-width spaces, joiners, invisible operators and
tag characters; variation selectors; the combining grapheme joiner: ``input_guard.is_invisible``),
so full-width digits or an invisible character inside a number do not hide it; and with plain letters
and ASCII digits, one character for one (``as_matched``), each finding quoted as typed.
"""

from __future__ import annotations

import bisect
import contextvars
import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from ..area_places import Places
from ..email_address import EMAIL_ADDRESS
from ..input_guard import is_blank, is_invisible
from ..months import MONTHS

# Every kind of finding: this is the one list (fields, forms and documents take it from here).
# Its order is the priority when two findings overlap: the earlier kind is kept (a validated
# NHS number is more specific than "ten digits that could be a phone number").
Kind = Literal[
    "email",
    "nhs_number",
    "national_insurance_number",
    "record_number",
    "date_of_birth",
    "date",
    "phone",
    "postcode",
    "address",
    "street",
    "school",
    "place_of_worship",
    "gp_practice",
    "hospital",
    "person_name",
    "sex_and_age",
]
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
    # In plain words (found, content review: "a valid ... check digit" is not what a reader knows).
    "nhs_number": "This looks like an NHS (National Health Service) number: it has 10 digits, and its last "
    "digit is the one an NHS number would have. An NHS number identifies one person.",
    "national_insurance_number": "This looks like a National Insurance number. "
    "A National Insurance number identifies one person.",
    "record_number": "This looks like a case, record or pupil number. A record number leads straight "
    "to one child's or family's record.",
    "phone": "This looks like a UK phone number. A family's phone number identifies them.",
    "email": "This looks like an email address. A family's email address identifies them.",
    "address": "This looks like a street address. An address can point to a family's home.",
    "street": "This looks like the name of a street. With the area, a street can point to a family's home.",
    "place_of_worship": "This looks like the name of a place of worship, such as a mosque, church, gurdwara, "
    "synagogue or temple. With the area, a named place of worship can point to a child or family.",
    "school": "This looks like the name of a school or college. A named school, with an age band, "
    "can identify a child.",
    "gp_practice": "This looks like the name of a GP (general practitioner) practice or health centre, "
    "or of a doctor there. With the area, it can point to where a family lives.",
    "hospital": "This looks like the name of a hospital. With the area and what happened there, a named hospital "
    "can point to a child or family.",
    "person_name": "This looks like a person's name. A name can identify a child or family, or someone close to them.",
    "sex_and_age": "This looks like a child's sex and exact age written together, as in a case record. "
    "With the area or a school, a sex and an exact age can identify a child: an age range, such as 11 to 15, "
    "says enough.",
}

# Each kind in a sentence ("The free text seemed to contain a postcode"): kinds only, never the text.
NAMES: dict[Kind, str] = {
    "email": "an email address",
    "nhs_number": "an NHS (National Health Service) number",
    "national_insurance_number": "a National Insurance number",
    "record_number": "a case, record or pupil number",
    "date_of_birth": "a date of birth",
    "date": "a date",
    "phone": "a phone number",
    "postcode": "a postcode",
    "address": "a street address",
    "street": "the name of a street",
    "school": "the name of a school",
    "place_of_worship": "the name of a place of worship",
    # (With "hospital": the requests stored before hospitals were a kind of their own found them so.)
    "gp_practice": "the name of a GP (general practitioner) practice, hospital or doctor",
    "hospital": "the name of a hospital",
    "person_name": "a person's name",
    "sex_and_age": "a child's sex and exact age",
}

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
# reorder how text is shown (U+202E shows what follows backwards), so they are not stored.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)


def has_visible_text(text: str) -> bool:
    """Whether ``text`` has anything to see: not only spaces, zero-width characters or
    other invisible formatting characters (``input_guard.is_blank`` decides)."""
    return not is_blank(text)


def _other_digits_and_marks() -> tuple[dict[str, str], str]:
    """In one pass over the code points below U+1FC00 (every decimal digit and every combining mark of
    a script in use is below it): each decimal digit that is not ASCII, with its ASCII digit
    (``_ASCII_DIGITS``); and the combining marks (Unicode's Mn and Mc) from U+0483 on, as a regular
    expression's ranges (``_MARKS``): the vowel signs and viramas of Indic scripts, Arabic's harakat,
    Hebrew's points. Python's ``\\w`` takes no mark, so "राहुल" is read as "र", "ह" and "ल" without
    them. (Those before U+0483 are the Latin accents NFKC has already joined to their letters.)"""
    digits: dict[str, str] = {}
    ranges: list[tuple[int, int]] = []
    for code in range(0x80, 0x1FC00):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Nd":
            digits[char] = str(unicodedata.decimal(char))
        elif category in ("Mn", "Mc") and code >= 0x0483:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    marks = "".join(f"{_escaped(start)}-{_escaped(end)}" if end > start else _escaped(start) for start, end in ranges)
    return digits, marks


def _escaped(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_OTHER_DIGITS, _MARKS = _other_digits_and_marks()
# A letter of any script but Latin (after ``plain_letters`` a Latin letter is most often ASCII;
# the ranges are those left: IPA, Latin Extended-C to E, ª and º).
_A_LETTER_IN_ANOTHER_SCRIPT = (
    r"(?![A-Za-z\u00aa\u00ba\u00c0-\u02af\u1d00-\u1dbf\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f])"
    r"[^\W\d_]"
)
# A word in another script, with its combining marks ("زینب", "राहुल", "Шевченко", "王小明").
_WORD_IN_ANOTHER_SCRIPT = rf"{_A_LETTER_IN_ANOTHER_SCRIPT}(?:{_A_LETTER_IN_ANOTHER_SCRIPT}|[{_MARKS}]){{0,39}}"
# A word of any script, with its marks: a month's name in another language ("marca", "मार्च", "مارس").
_A_WORD_WITH_ITS_MARKS = rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}]){{1,19}}(?![\w{_MARKS}])"


_MONTHS = MONTHS  # every way a month may be named ("february", "feb", "sept")
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month_name>{_MONTH_NAMES})(?![^\W\d_])\.?"
_ANY_MONTH = rf"(?:{_MONTH_NAMES})(?![^\W\d_])\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4}|'?\d{2})"

# Dashes other than the hyphen that word processors and phones put between digits: hyphen,
# non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DATE_SEPARATORS = rf"/.\-{_DASHES}"

# 12/03/2019, 12-3-19, 12.03.2019, 12–03–2019 (day or month first: both are dates).
_NUMERIC_DATE = re.compile(
    rf"(?<![\d{_DATE_SEPARATORS}])(?P<a>\d{{1,2}})(?P<sep>[{_DATE_SEPARATORS}])(?P<b>\d{{1,2}})(?P=sep)"
    rf"(?P<year>\d{{4}}|\d{{2}})(?![\d{_DATE_SEPARATORS}]{{0,8}}\d)"
)
# 2019-03-12, 2019/03/12
_ISO_DATE = re.compile(
    rf"(?<![\d{_DATE_SEPARATORS}])(?P<year>\d{{4}})(?P<sep>[{_DATE_SEPARATORS}])(?P<b>\d{{1,2}})(?P=sep)"
    rf"(?P<a>\d{{1,2}})(?![\d{_DATE_SEPARATORS}]{{0,8}}\d)"
)
# 12 March 2019, 12th of March, 2019, 12-Mar-19
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\w]){_DAY}(?:\s{{1,10}}of)?[\s\-/]{{0,10}}{_MONTH}(?:,)?[\s\-/]{{0,10}}{_YEAR}(?![\w])", re.IGNORECASE
)
# March 12, 2019; March 12th 2019
_MONTH_DAY_YEAR = re.compile(rf"(?<![\w]){_MONTH}\s{{1,10}}{_DAY},?\s{{1,10}}{_YEAR}(?![\w])", re.IGNORECASE)
# "DOB 12/3", "date of birth: March 2019", "born on the 4th of May" (a year alone is not
# flagged: the child's age band is asked for anyway).
# A day of the month in words: "twelfth", "twenty-first", "thirty first" (found, identifying-data
# review: "born on the twelfth of March 2015" went unwarned).
_DAY_IN_WORDS = (
    r"(?:(?:twenty|thirty)[\s\-]{1,3})?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
    r"|twentieth|thirtieth"
)
# A date as Chinese and Japanese (年, 月, 日 or 号) and Korean (년, 월, 일) write it, year first: in full,
# "2015年3月12日", a date ("出生日期：２０１５年３月１２日" is read, after NFKC, as "出生日期:2015年3月12日");
# with a cue for a date of birth, a month and a day ("3月12日") or a year and a month ("2015年3月") too.
_CJK_YEAR = r"\d{4}\s{0,2}[年년]"
_CJK_MONTH = r"[01]?\d\s{0,2}[月월]"
_CJK_DAY = r"[0-3]?\d\s{0,2}[日일号號]"
_CJK_DATE = re.compile(
    rf"(?<!\d)(?P<year>{_CJK_YEAR})\s{{0,2}}(?P<b>[01]?\d)\s{{0,2}}[月월]\s{{0,2}}(?P<a>[0-3]?\d)\s{{0,2}}[日일号號]"
)
_CJK_DATE_OF_BIRTH = (
    rf"(?<!\d)(?:{_CJK_YEAR}\s{{0,2}}{_CJK_MONTH}(?:\s{{0,2}}{_CJK_DAY})?|{_CJK_MONTH}\s{{0,2}}{_CJK_DAY})"
)
# Words for a date of birth in Chinese (simplified and traditional), Japanese and Korean, before a date
# written as they write it: "出生日期", "生日", "生年月日", "誕生日", "생년월일", "생일"; "出生于" (born on).
_CJK_BIRTH = re.compile(
    r"(?:出生日期|出生年月日|出生|生日|生年月日|誕生日|생년월일|생일|태어난\s{0,2}날)"
    r"\s{0,3}[:：]?\s{0,3}(?:[是為为は는은于於:]\s{0,3})?"
    rf"{_CJK_DATE_OF_BIRTH}"
)
_BIRTH = re.compile(
    # Also run together ("dob 03072011", "dob 3072011") and "birthday on the 4th of May" (found, review).
    r"(?<![\w])(?:(?:d\.?\s?o\.?\s?b\.?|date\s{1,10}of\s{1,10}birth)(?:\s{1,10}(?:is|was))?|born(?:\s{1,10}(?:on|in))?"
    r"|(?:birthday|b['\u2019\-]?day)(?:\s{1,10}(?:is|was|on))?"
    # "She turns 10 on 12 March" (found, identifying-data review, with "bday 12/03" and "b'day").
    r"|turn(?:s|ed)?\s{1,3}\d{1,2}\s{1,3}on)"
    rf"[\s:\-]{{0,10}}(?:the\s{{1,10}})?(?:(?:[0-3]?\d(?:st|nd|rd|th)?|{_DAY_IN_WORDS})(?:\s{{1,10}}of)?\s{{1,10}}{_ANY_MONTH}"
    # ... with its year, shown whole ("born 12th March 2015", not "born 12th March").
    r"(?:,?\s{1,10}(?:\d{4}|'\d{2}|\d{2})(?!\d))?"
    rf"|{_ANY_MONTH}(?:\s{{1,10}}\d{{1,4}})?|\d{{1,4}}[/.\-]\d{{1,4}}(?:[/.\-]\d{{1,4}})?"
    # With spaces between the parts ("DOB 12 03 2015", "12 / 03 / 2015"): after the word only.
    r"|[0-3]?\d\s{0,3}[/.\-]\s{0,3}[01]?\d(?:\s{0,3}[/.\-]\s{0,3}\d{2,4})?(?!\d)"
    r"|[0-3]?\d\s{1,3}[01]?\d\s{1,3}(?:\d{4}|\d{2})(?!\d)"
    # A day, a word and a year: the month in another language ("date of birth: 12 marca 2015", "born on
    # 12 मार्च 2015", "DOB: ١٢ مارس ٢٠١٥"; found, review of the world's text, b124: unwarned); not a
    # length of time ("born 12 weeks 2015" is no date).
    r"|[0-3]?\d(?:st|nd|rd|th)?\.?\s{1,3}(?!(?:weeks?|days?|months?|years?|hours?|wks?|yrs?)\b)"
    rf"{_A_WORD_WITH_ITS_MARKS}\.?,?\s{{1,3}}(?:19|20)\d\d(?!\d)"
    # A date as Chinese, Japanese and Korean write it ("2015年3月12日", "3月12日", "2015년 3월 12일").
    rf"|{_CJK_DATE_OF_BIRTH}"
    r"|[0-3]\d[01]\d(?:19|20)?\d\d(?!\d)|[0-3]?\d[01]?\d(?:19|20)\d\d(?!\d)|(?:19|20)\d\d[01]\d[0-3]\d(?!\d))",
    re.IGNORECASE,
)

# UK postcodes (the Royal Mail format), GIR 0AA included; the space is optional, and
# more than one ("M6  5JA") still counts.
_POSTCODE = re.compile(
    r"(?<![\w])(?P<code>GIR\s{0,10}0AA|"
    r"(?:[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?))\s{0,10}\d[ABD-HJLNP-UW-Z]{2})(?![\w])",
    re.IGNORECASE,
)
_ORDINAL_INWARD = re.compile(r"\d(?:st|nd|rd|th)$")

# Ten digits, run together or 3-3-4 with the same space, hyphen, dash or dot between the groups
# (not a part of a longer dotted number: "1.943.476.5919.2").
_NHS = re.compile(
    rf"(?<![\d+])(?<!\d\.)(?P<a>\d{{3}})(?P<sep>[ .\-{_DASHES}]?)(?P<b>\d{{3}})(?P=sep)(?P<c>\d{{4}})(?!\d|\.\d)"
)
# After "NHS" ("NHS number", "NHS no.:"), ten digits grouped any way ("943 4765 919", "9434 765 919"):
# the word says what the number is, so the usual 3-3-4 grouping is not needed.
_NHS_INTRODUCED = re.compile(
    rf"(?<![\w])(?i:nhs)(?:\s{{1,3}}(?i:number|num|no\.?|#))?\s{{0,3}}[:\-]?\s{{0,3}}"
    rf"(?<![\d])(?P<number>\d(?:[ .\-{_DASHES}]?\d){{9}})(?!\d|\.\d)"
)

# National Insurance numbers: a two-letter prefix, six digits (often in pairs) and a suffix
# letter A to D: "QQ 12 34 56 C", "AB123456C". The prefix is checked after matching.
_NATIONAL_INSURANCE = re.compile(r"(?<![\w])(?P<prefix>[A-Za-z]{2}) ?\d{2} ?\d{2} ?\d{2} ?(?P<suffix>[A-Da-d])(?![\w])")
# HMRC never issues D, F, I, Q, U or V as either letter of a prefix, nor O as the second, nor
# the prefixes BG, GB, KN, NK, NT, TN and ZZ. QQ is HMRC's specimen prefix ("QQ 12 34 56 C", on
# forms and guidance): it is looked for too, as a number that stands in for a real one.
_NI_FIRST_LETTERS = frozenset("ABCEGHJKLMNOPRSTWXYZ")
_NI_SECOND_LETTERS = frozenset("ABCEGHJKLMNPRSTWXYZ")
_NI_NOT_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NI_SPECIMEN = "QQ"

# A UK number: 0, +44 or 0044 (optionally "(0)"), then 9 or 10 more digits with spaces,
# hyphens, dashes or brackets between them, or a dot between groups of at least three digits
# ("0161.496.0000", not "01.02.2026 10.30" or "0.1234567890"). The digits are checked after matching.
_PHONE = re.compile(
    r"(?<![\d+\w])(?P<number>(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)"
    rf"(?:(?:[\s\-{_DASHES})]{{0,2}}|(?<=\d\d\d)\.(?=\d\d\d))\d){{9,10}})(?![\d])"
)

# A capitalised word of a name ("Acacia", "St", "St.", "John's", "Ashton-under-Lyne").
_NAME_WORD = r"(?:St\.|[A-Z][A-Za-z'\u2019\-]{0,39})"
# A word of a name in any case ("acacia", "st.", "marys").
_ANY_WORD = r"(?:[Ss][Tt]\.|[A-Za-z][A-Za-z'\u2019\-]{0,39})"
_STREET_TYPES = (
    "Road|Rd|Street|St|Avenue|Ave|Av|Lane|Ln|Close|Drive|Way|Crescent|Cres|Grove|Place|Pl|Court|Ct|"
    "Gardens|Gdns|Terrace|Walk|Square|Sq|Mews|Hill|Row|View|Park|Rise|Vale|Parade|Boulevard|Brow|"
    "Fold|Croft"
)
# The street types that are seldom anything else, for an address written in lower case ("walk",
# "park", "view", "close", "way", "place" are everyday words and are left out; "drive" counts,
# but not after a plural: "the 2 older ones drive her mad").
_LOWER_CASE_STREET_TYPES = "road|rd|street|avenue|ave|av|lane|crescent|cres|grove|terrace|mews|drive|boulevard"
_HOUSE_NUMBER = r"(?P<number>\d{1,3}[A-Za-z]?(?:\s{0,3}[-\u2013]\s{0,3}\d{1,3}[A-Za-z]?)?)"
_NOT_AFTER_SOMETHING = r"(?<![\w\u00a3$\u20ac.,:/\-])"
# After a house number, a space or a comma and a space ("12 Acacia Avenue", "12, acacia avenue":
# found, review, a comma hid the address).
_AFTER_A_HOUSE_NUMBER = r"(?:\s{0,3},)?\s{1,3}"
# Street types that are a street's only after a house number ("12 Acacia Green", "4 Riverside
# Meadows": found, identifying-data review), as surnames ("Jayden Green") or words elsewhere.
_STREET_TYPES_AFTER_A_NUMBER = "Green|Meadows|Wharf|Heights"
# A house number (12, 3b, 10-12), one to three capitalised words, a street type (any case).
_ADDRESS = re.compile(
    rf"{_NOT_AFTER_SOMETHING}{_HOUSE_NUMBER}{_AFTER_A_HOUSE_NUMBER}"
    rf"(?P<name>{_NAME_WORD}(?:\s{{1,3}}{_NAME_WORD}){{0,2}})\s{{1,3}}"
    rf"(?P<type>(?i:{_STREET_TYPES})|(?i:{_STREET_TYPES_AFTER_A_NUMBER})"
    # (not a count of things: "2 Village Green meetings": regression review)
    r"(?!\s{1,3}(?i:meetings?|sessions?|groups?|events?|days?|visits?|clubs?)(?![\w'\u2019])))\.?(?![\w'\u2019])"
)
# A Welsh street, its type first: a house number, the type ("Heol", road; "Ffordd", way; "Stryd",
# street; "Lôn", lane; "Rhodfa", avenue; "Cilgant", crescent; "Teras", terrace; "Clos", close; "Cwrt",
# court; "Llwyn", grove; "Rhes", row), "y" or "yr" (the) and a capitalised name: "12 Heol y Frenhines",
# "5 Ffordd Pen-y-bryn" (found, review of the world's text, b124: unwarned). Matched with plain letters
# ("Lôn" as "Lon"). Capitalised only: in small letters these are words of a Welsh sentence.
_WELSH_ADDRESS = re.compile(
    rf"{_NOT_AFTER_SOMETHING}{_HOUSE_NUMBER}{_AFTER_A_HOUSE_NUMBER}"
    r"(?P<type>Heol|Ffordd|Stryd|Lon|Rhodfa|Cilgant|Teras|Clos|Cwrt|Llwyn|Rhes)\s{1,3}(?:(?:y|yr|Y|Yr)\s{1,3})?"
    rf"(?P<name>{_NAME_WORD}(?:\s{{1,3}}{_NAME_WORD}){{0,2}}?)(?![\w'\u2019])"
)
# A Polish street: "ul." (ulica, street) or "al." (aleja, avenue), a capitalised name and the house
# number, with a flat's after a slash: "ul. Długa 5", "ul. Jana Pawła II 12/4", "al. Jerozolimskie 44"
# (found, review of the world's text, b124: unwarned); not "et al." in a reference.
_POLISH_ADDRESS = re.compile(
    r"(?<![\w.])(?<!et )(?:[Uu]l\.|[Aa]l\.|[Uu]lica|[Aa]leja)\s{0,3}"
    rf"(?P<name>{_NAME_WORD}(?:\s{{1,3}}{_NAME_WORD}){{0,3}}?)\s{{1,3}}"
    r"(?P<number>\d{1,4}[A-Za-z]?(?:\s{0,3}/\s{0,3}\d{1,4}[A-Za-z]?)?)(?![\w/])"
)
# The same in lower case ("12 acacia avenue"): only the types above, and not when a word of the
# "name" is an ordinary word (``_NOT_A_STREET_NAME``: "2 miles down the road"). After a house
# number "close", "gdns" and "st" are a street's too ("12 acacia close", "12 church st": found,
# review, they went unwarned), though not "close" as people are ("the 2 sisters close", "2 really
# close friends": ``_NOT_A_CLOSE``); "gardens" is not, as in "2 community gardens". "court" and "dr"
# (drive) are a street's only after a word for living there ("lives at 4 mill court", "lives at 12
# acacia dr", not "at 2 separate court hearings" or "seen by 2 locum dr": ``_LIVES_AT``).
_LOWER_CASE_ADDRESS = re.compile(
    rf"{_NOT_AFTER_SOMETHING}{_HOUSE_NUMBER}{_AFTER_A_HOUSE_NUMBER}"
    rf"(?P<name>{_ANY_WORD}(?:\s{{1,3}}{_ANY_WORD}){{0,2}})\s{{1,3}}"
    rf"(?P<type>(?i:{_LOWER_CASE_STREET_TYPES}|close|gdns|st|court|ct|dr|way|place))\.?(?![\w'\u2019])"
)
# Words for living or moving somewhere ("lives", "moved", "staying"), and the same with a word
# saying where after it, ending where a house number starts ("lives at ", "moved into ", "address: ").
_LIVES = r"(?i:lives?|lived|living|stays?|stayed|staying|moved|moves|moving|resides?|resided|residing)"
_LIVES_AT = re.compile(
    rf"(?<![\w'\u2019\-])(?:{_LIVES}\s{{1,3}}(?i:at|in|on|to|into)|(?i:address)(?:\s{{1,3}}(?i:is))?\s{{0,3}}:?)\s{{1,3}}$"
)
# Words that make "close" after a number how near people are, not a street: before it ("2 really
# close"), or after it ("2 cousins close by", "3 sisters close friends").
_NOT_A_CLOSE = frozenset(
    {
        *("really", "quite", "pretty", "fairly", "extremely", "super", "too", "incredibly", "always", "never"),
        *("by", "to", "together", "friends", "friend", "family", "relationship", "relationships", "bond"),
        *("contact", "call", "calls", "eye", "supervision", "attention", "knit", "enough", "in", "age", "ages"),
    }
)
# A flat in a named building or street: "Flat 3, Acacia House", "Apartment 12 Mill Court". A room
# ("Room 12, Acacia House") is not looked for: it is where a session or meeting is held.
_FLAT = re.compile(
    r"(?<![\w'\u2019])(?P<flat>(?i:flat|apartment|apt\.?))\s{0,3}(?P<number>\d{1,4}[A-Za-z]?)(?:\s{1,3}|\s{0,3},\s{0,3})"
    rf"(?P<name>{_ANY_WORD}(?:\s{{1,3}}{_ANY_WORD}){{0,2}})\s{{1,3}}"
    r"(?P<type>(?i:house|court|ct|tower|towers|lodge|mansions|buildings|building|heights|point|hall|block|"
    rf"apartments|flats|wharf|quay|mill|works|{_STREET_TYPES}))\.?(?![\w'\u2019])"
)
# A named block of flats or building someone lives in, after a word for living there, with no flat
# number: "lives in Thorn House", "moved into Irwell Point", "staying at Brindle Heights", "moved to
# Salford Tower" (found, review: a tower block went unwarned, where "Flat 3, Acacia House" was). Not
# a kind of home rather than its name ("lives in Halfway House", "staying at Foster House").
_BUILDING_LIVED_IN = re.compile(
    rf"(?<![\w'\u2019\-]){_LIVES}\s{{1,3}}(?i:at|in|on|to|into)\s{{1,3}}(?:(?i:the)\s{{1,3}})?"
    rf"(?P<name>{_NAME_WORD}(?:\s{{1,3}}{_NAME_WORD}){{0,2}}\s{{1,3}}"
    r"(?:House|Tower|Towers|Heights|Point|Mansions|Lodge|Buildings|Flats|Apartments))(?![\w'\u2019\-])"
)
# Words of a kind of home, or of who runs it, anywhere in the "name" ("Sheltered Housing Flats",
# "Council House", "Women's Aid House", "YMCA House": found, regression review).
_KINDS_OF_HOME = frozenset(
    {
        *("halfway", "care", "foster", "respite", "safe", "children's", "childrens", "family", "supported", "open"),
        *("council", "sheltered", "housing", "social", "private", "rented", "semi", "independent", "living"),
        *("emergency", "temporary", "crisis", "refuge", "women's", "womens", "aid", "foyer", "hostel", "shared"),
        *("accommodation", "bail", "approved", "move", "young", "persons", "person's", "leaving", "leavers", "high"),
        *("rise", "ymca", "salvation", "army", "ronald", "mcdonald", "adult", "adults", "abuse", "domestic"),
        *("mother", "baby", "residential", "nursing", "hospice", "student", "students", "assisted", "extra"),
    }
)
# Who moves to a building without living there: "the team moved to Civic House", "we have moved into",
# "our service recently moved to" (found, regression review: only the first was left alone).
_MOVES_WITHOUT_LIVING_THERE = re.compile(
    r"(?i:\b(?:team|teams|service|services|office|offices|clinic|base|hub|department|practice|surgery|we|"
    r"school|nursery|group|project|charity|organisation|organization|staff|mash|centre|center|centres|unit)"
    r"(?:\s{1,3}(?:has|have|had|is|are|was|were|will|be|now|recently|just|all|also|since|finally|soon)){0,3}\s{1,3})$"
)
# A flat by its number and its block, or its estate by name: "flat 4, Block B", "Flat 12 on the
# Ordsall estate", "apartment 3, block C". Found (security review): no street and no building's
# name, so nothing was warned about. ("a flat 3 floors up" has neither after it.)
_FLAT_IN_A_BLOCK_OR_ESTATE = re.compile(
    # Not "a flat 2 ...": a kind of flat (regression review: "in a flat 2 Council estate").
    r"(?<![\w'\u2019])(?<!\b[Aa]\s)(?i:flat|apartment|apt\.?)\s{0,3}\d{1,4}[A-Za-z]?(?:\s{0,3},\s{0,3}|\s{1,3})"
    r"(?:(?i:in|on|at)\s{1,3})?"
    r"(?:(?i:block|blk\.?)\s{1,3}[A-Za-z0-9]{1,3}(?![\w'\u2019])"
    # One to three capitalised words before "estate" (the Lower Kersal estate, St. Mary's estate),
    # not an estate's houses or agents ("Flat 3 Victorian estate houses": regression review).
    r"|(?:(?i:the)\s{1,3})?(?:[A-Z][a-z'\u2019\-.]{0,39}\s{1,3}){0,2}[A-Z][a-z'\u2019\-]{1,39}\s{1,3}(?i:estate)"
    r"(?![\w'\u2019])(?!\s{1,3}(?i:houses?|homes?|flats?|agents?|agency)(?![\w'\u2019])))"
)
# A house by its number alone, where someone lives or a family is ("lives at number 22", "the
# Smiths at number 22", "staying at #22"). Found (security review): not warned about. Not a place
# in a list, a queue or an agenda, nor a priority, a slot or a centre ("at number 3 on the waiting
# list", "at no. 1 priority"), and not after "is" or "are", which a place in any order follows ("the
# case is at number 2 on the MASH list", "risk is at number 7": regression reviews).
_PEOPLE_AT = (
    r"(?:mum|mother|dad|father|nan|nana|gran|granny|grandma|grandmother|grandad|granddad|grandfather|aunt|auntie"
    r"|uncle|carer|carers|parent|parents|family|child|children|kids|brother|sister|sibling|siblings|stepdad|stepmum"
    r"|partner|she|he|they|girls|boys|son|daughter|baby|boyfriend|girlfriend|husband|wife|young\s{1,3}person)"
)
_AT_NUMBER = re.compile(
    r"(?<![\w'\u2019])(?:(?i:lives?|lived|living|stays?|stayed|staying|resides?|resided|residing)"
    r"|(?i:the)\s{1,3}(?:O['\u2019])?[A-Z][a-z'\u2019\-]{1,39}s"
    # Someone "is" or "are" at a number ("Mum is at no. 14", "they're at #22 now", "the family are
    # currently at number 9"): a person, not risk, a referral or a worry (regression reviews: "the
    # case is at number 2 on the MASH list", "risk is at number 7" were taken for houses, then
    # "Mum is at number 14 and dad visits" missed).
    rf"|(?i:{_PEOPLE_AT}\s{{1,3}}(?:is|are|was|were)|{_PEOPLE_AT}['\u2019](?:s|re))"
    r"(?:\s{1,3}(?i:currently|now|still|back))?)"
    r"\s{1,3}(?i:at)\s{1,3}(?:(?i:number|no\.?)\s{0,3}|#\s{0,2})\d{1,4}[A-Za-z]?(?![\w'\u2019])"
    # Not a place in a list, a queue, a register or a class, up to three words before it ("on the
    # housing waiting list", "in the class rankings", "in his year group": regression review).
    r"(?!\s{0,3}(?:(?i:on|in|of)\s{1,3}(?:[A-Za-z'\u2019\-]{1,40}\s{1,3}){0,3}"
    r"(?i:list|lists|queue|agenda|league|charts?|table|rankings?|order|line|register|band|scale|class|group"
    r"|rota|programme|program|plan|steps|bid|bidding|ladder|team|squad)(?![\w'\u2019])"
    # "number 2 of 6": a place in an order (regression review).
    r"|(?i:of)\s{1,3}\d"
    r"|(?i:priority|slot|children['\u2019]s|centre|center|place|spot|position|out\s{1,3}of)(?![\w'\u2019])))"
)
# A street named without a house number: one to three capitalised words and a street type written
# as in a name ("lives on Acacia Avenue", "moved to Mill Lane", "the flat on Station Road"; found,
# privacy review: only an address with a house number was warned about). Only the street types
# that are seldom anything else capitalised ("Park", "View", "Hill", "Walk" and "St", a saint, are
# left out), and not before another capitalised word: the street is then part of another name
# ("Mill Lane Primary School", "Station Road Surgery", "Street Triage"), but a point of the compass
# that is part of the street's own name ("Wellington Street East": found, review). A name made only of
# ordinary words ("the High Street", "Main Road", "One Way", "Memory Lane") or a court ("Family
# Court") is not a street's.
_STREET = re.compile(
    rf"(?<![\w'\u2019\-])(?P<name>{_NAME_WORD}(?:\s{{1,3}}{_NAME_WORD}){{0,2}})\s{{1,3}}"
    # ("St" too, as "Street" where no name follows it to be a saint's: "lives on Liverpool St", found, a
    # review of real reflections; not "Salford St Pauls")
    r"(?P<type>Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Gardens|Terrace|Place|Grove|Mews"
    r"|Boulevard)(?:\s{1,3}(?:East|West|North|South|Upper|Lower))?(?![\w'\u2019\-])(?!\s{1,3}[A-Z&])"
)
# Words that are not a street's name, with ``_NOT_A_STREET_NAME`` and ``_NOT_A_NAME``: "Memory
# Lane", "A Safe Place", "a Good Place", "the Family Drug and Alcohol Court", "No Way", "Staying Close".
_NOT_A_STREET_WORD = frozenset(
    {
        *("memory", "safe", "safer", "happy", "fast", "slow", "right", "wrong", "best", "better", "easy"),
        *("either", "any", "half", "which", "alcohol", "drug", "drugs", "meeting", "work", "test", "yellow"),
        *("brick", "ring", "high", "mum's", "dad's", "coronation", "sesame", "civvy", "kew", "botanical"),
        *("dark", "safety", "good"),
        *("stay", "staying"),  # "Staying Close", the programme for care leavers
    }
)


# Words that describe a school ("a church school", "the middle school": ``_NOT_A_NAME``) and are
# also the names of streets in every town: "lives on Church Street", "Royal Crescent", "Middle
# Lane", "First Avenue" (found, a review of the check: "lives on Church Street" went unwarned when
# "they live just off church street" was warned about). Not "high": "the High Street" is a town's
# shops, not where a family lives. Nor before a type as often something else ("the Royal Court
# theatre", "the Middle Way", "a Church Court").
_STREET_NAMES_THAT_DESCRIBE_A_SCHOOL = frozenset({"church", "royal", "middle"})
_NOT_ONLY_STREETS = frozenset({"Court", "Way", "Place"})


# Ordinary words that come between a number and a street or building type ("2 miles down the
# road", "a 2 hour drive", "a flat 3 bedroom house"): a lower-case "name" with one is not a name.
_NOT_A_STREET_NAME = frozenset(
    {
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
        "on",
        "in",
        "at",
        "to",
        "into",
        "onto",
        "up",
        "down",
        "along",
        "across",
        "over",
        "under",
        "off",
        "from",
        "by",
        "for",
        "with",
        "without",
        "near",
        "past",
        "round",
        "around",
        "through",
        "and",
        "or",
        "but",
        "than",
        "then",
        "very",
        "more",
        "most",
        "less",
        "same",
        "other",
        "another",
        "each",
        "every",
        "one",
        "both",
        "all",
        "some",
        "any",
        "no",
        "main",
        "busy",
        "quiet",
        "whole",
        "entire",
        "long",
        "short",
        "big",
        "small",
        "new",
        "old",
        "only",
        "next",
        "last",
        "first",
        "second",
        "third",
        "back",
        "side",
        "front",
        "way",
        "ways",
        "lane",
        "lanes",
        "car",
        "cars",
        "bus",
        "buses",
        "train",
        "mile",
        "miles",
        "mph",
        "km",
        "kms",
        "metre",
        "metres",
        "meter",
        "meters",
        "yard",
        "yards",
        "foot",
        "feet",
        "step",
        "steps",
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "hr",
        "hrs",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "time",
        "times",
        "seconds",
        "percent",
        "per",
        "cent",
        "point",
        "points",
        "bed",
        "beds",
        "bedroom",
        "bedrooms",
        "bedroomed",
        "storey",
        "storeys",
        "story",
        "stories",
        "floor",
        "floors",
        "door",
        "doors",
        "room",
        "rooms",
        "seater",
        "older",
        "younger",
        "oldest",
        "eldest",
        "youngest",
        "ones",
        "two",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "so",
        "we",
        "they",
        "he",
        "she",
        "it",
        "i",
        "you",
        "me",
        "us",
        "them",
        "children",
        "kids",
        "people",
        "parents",
        "boys",
        "girls",
        "adults",
        "siblings",
        "families",
        "workers",
        "staff",
        "agencies",
        "professionals",
    }
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

# One to five capitalised words (joined by "of", "the" or "&": "Our Lady of Lourdes"), or a
# saint's name in any case ("st marys", "Saint John's"), then a school type. "primary school",
# "high school" and the like, and "school", "academy" and "college", may be in lower case
# ("Oakwood school": then ``_NOT_A_NAME_BEFORE_LOWER_CASE`` and the word before are checked too);
# the bare types ("Oakwood High") are capitalised, as in a name.
_SCHOOL = re.compile(
    r"(?<![\w'\u2019])(?P<name>"
    rf"(?i:st\.?|saint)(?:\s{{1,3}}{_ANY_WORD}){{1,4}}"
    rf"|{_NAME_WORD}(?:\s{{1,3}}(?:(?:of|the|&)\s{{1,3}})?{_NAME_WORD}){{0,4}})\s{{1,3}}"
    r"(?P<type>(?:(?i:(?:primary|infants?|junior|juniors|high|secondary|grammar|middle|nursery|prep|preparatory|"
    r"community|special|church|c\.?e\.?|r\.?c\.?)(?:\s{1,3}(?:and|&)\s{1,3}(?:junior|infant|nursery))?\s{1,3}"
    r"(?:school|academy))"
    # A faith's school or evening classes ("Zakariyya Madrasah", "Yeshiva"): found (review of the area's
    # communities), named ones went unwarned where a church school was found by "CE" or "RC".
    r"|(?P<plain>(?i:school|academy|college|madrasa|madrasah|madrassa|madrassah|madressa|yeshiva|cheder|kollel))"
    r"|(?P<bare>Primary|High|Infants|Juniors|Nursery|Playgroup|Pre-School|Preschool))(?:['\u2019]s)?)(?![\w'\u2019])"
)
# Words that describe a school without naming it: a "name" made only of these is not a name.
_NOT_A_NAME = {
    "sure",  # "the Sure Start Nursery": a national scheme's
    "start",
    # A language or the day a supplementary school teaches ("Chinese school on Saturdays").
    *("chinese", "mandarin", "cantonese", "vietnamese", "polish", "arabic", "urdu", "romanian", "kurdish"),
    *("somali", "supplementary", "saturday", "sunday", "weekend"),
    # Who a playgroup or nursery is for, or what it does ("the Toddler Playgroup", "Stay and Play").
    *("toddler", "toddlers", "baby", "babies", "parent", "parents", "family", "families", "stay", "play"),
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
    # Words that start a sentence or join one ("After school", "In School she is quiet", "Both
    # school and home"): never a school's whole name.
    "in",
    "at",
    "on",
    "to",
    "from",
    "after",
    "before",
    "during",
    "outside",
    "inside",
    "into",
    "for",
    "with",
    "without",
    "by",
    "about",
    "around",
    "between",
    "like",
    "and",
    "or",
    "but",
    "so",
    "if",
    "when",
    "while",
    "because",
    "since",
    "until",
    "once",
    "as",
    "although",
    "though",
    "whether",
    "where",
    "why",
    "how",
    "then",
    "now",
    "also",
    "even",
    "still",
    "just",
    "only",
    "perhaps",
    "maybe",
    "however",
    "meanwhile",
    "otherwise",
    "today",
    "yesterday",
    "tomorrow",
    "is",
    "was",
    "does",
    "did",
    "has",
    "had",
    "every",
    "each",
    "any",
    "some",
    "no",
    "all",
    "both",
    "either",
    "neither",
    "which",
    "what",
    "whose",
    "one",
    "many",
    "most",
    "few",
    "several",
    "such",
    "whole",
    "whole-school",
    "entire",
    "home",
    "pre",
    "later",
    "earlier",
    "afterwards",
    "soon",
    "sometimes",
    "often",
    "always",
    "never",
    "again",
    "already",
    "instead",
    "overall",
    "yet",
    "unless",
    "whenever",
    "whereas",
}
# Words that describe a school when "school", "academy" or "college" follows in lower case ("a
# Catholic school", "Summer school", "In September school starts", "Football academy", "Art
# college"): capitalised only because a sentence starts with them, or a faith, place or language.
_NOT_A_NAME_BEFORE_LOWER_CASE = frozenset(
    {
        *_MONTHS,
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "weekend",
        "weekday",
        "holiday",
        "holidays",
        "summer",
        "autumn",
        "winter",
        "spring",
        "easter",
        "christmas",
        "half-term",
        "term",
        "night",
        "evening",
        "morning",
        "afternoon",
        "village",
        "town",
        "city",
        "catchment",
        "feeder",
        "partner",
        "host",
        "receiving",
        "sending",
        "chosen",
        "preferred",
        "named",
        "nearest",
        "right",
        "wrong",
        "good",
        "bad",
        "big",
        "small",
        "large",
        "tiny",
        "outstanding",
        "failing",
        "public",
        "full-time",
        "part-time",
        "catholic",
        "jewish",
        "muslim",
        "islamic",
        "christian",
        "anglican",
        "methodist",
        "hindu",
        "sikh",
        "quaker",
        "orthodox",
        "steiner",
        "montessori",
        "english",
        "british",
        "uk",
        "welsh",
        "scottish",
        "irish",
        "gaelic",
        "england",
        "wales",
        "scotland",
        "ofsted",
        "dfe",
        "lea",
        "ap",
        "asd",
        "adhd",
        "semh",
        "ebsa",
        "ebd",
        "pe",
        "pshe",
        "re",
        "ta",
        "slt",
        "help",
        "social",
        "care",
        "services",
        "health",
        "youth",
        "team",
        "council",
        "authority",
        "attendance",
        "inclusion",
        "welfare",
        "language",
        "music",
        "art",
        "arts",
        "drama",
        "dance",
        "sports",
        "sport",
        "football",
        "rugby",
        "cricket",
        "stage",
        "theatre",
        "film",
        "technical",
        "agricultural",
        "medical",
        "nursing",
        "bible",
        "military",
        "electoral",
        "teacher",
        "teachers",
        "staff",
        "usual",
        "normal",
        "regular",
        "full",
        "left",
        "missed",
        "changed",
        "refused",
        "attended",
        "started",
        "joined",
        "moved",
        "finished",
        "avoided",
        "skipped",
        "attends",
        "misses",
        "hates",
        "likes",
        "loves",
        "enjoys",
        "young",
        "carer",
        "carers",
        "covid",
        "lockdown",
        "online",
        "remote",
        "poor",
        "excellent",
        "great",
        "strong",
        "weak",
        "premier",
        "league",
        "medium",
        "breakfast",
        "transition",
        "post-16",
        "second",
        "third",
    }
)
# Words that say the school is any one of a kind, not a named one: "a Salford school".
_INDEFINITE_WORDS = frozenset({"a", "an", "another", "any", "every", "each", "one", "no", "some"})
_INDEFINITE = re.compile(rf"(?:^|[^\w'\u2019])(?i:{'|'.join(sorted(_INDEFINITE_WORDS))})\s{{1,3}}$")
# Words that start a sentence or clause before a school's name, not part of it: "At St Mary's
# Primary School", "In Oakwood school", "A Salford school" (the finding starts after them).
_BEFORE_A_NAME = _INDEFINITE_WORDS | {
    "in",
    "at",
    "on",
    "to",
    "from",
    "after",
    "before",
    "during",
    "into",
    "for",
    "with",
    "by",
    "about",
    "and",
    "or",
    "but",
    "so",
    "if",
    "when",
    "while",
    "because",
    "since",
    "until",
    "once",
    "as",
    "although",
    "though",
    "then",
    "now",
    "also",
    "however",
    "meanwhile",
    "today",
    "yesterday",
}
_A_WORD = re.compile(r"\S{1,80}")
# After a bare "Primary" or "High" (no "School"), these words mean it is not a school's name:
# "Primary Care", "High Street", "High Court", "high risk".
_NOT_AFTER_A_SCHOOL = {
    "nurse",  # "Salford Nursery Nurse Team": a team's name, not a nursery's
    "nurses",
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
_NEXT_WORD = re.compile(r"[\s,]{0,10}([A-Za-z']{1,40})")

# One to five capitalised words (as in a school's name: ``_SCHOOL``), then a practice type:
# "Eccles Health Centre", "Pendleton Medical Practice", "Lance Burn Surgery", "Walkden Gateway GP
# practice". The types may be in lower case ("Pendleton medical centre": then the words before
# are checked as for "Oakwood school"), except "Surgery" and "Family Practice", which are
# everyday words in lower case ("knee surgery", "the Khan family practice yoga"). "Practice"
# alone is not a type: only after "Medical", "Family" or "GP".
_GP_PRACTICE = re.compile(
    rf"(?<![\w'\u2019])(?P<name>{_NAME_WORD}(?:\s{{1,3}}(?:(?:of|the|&)\s{{1,3}})?{_NAME_WORD}){{0,4}})\s{{1,3}}"
    r"(?P<type>(?P<lower>(?i:(?:medical|health)\s{1,3}cent(?:re|er)|(?:medical|gp)\s{1,3}practice|medical\s{1,3}group"
    r"|gp\s{1,3}surgery))|Family\s{1,3}Practice|Surgery)(?![\w'\u2019])"
)
# A doctor's title and a capitalised surname ("Dr Khan", "Dr. Patel", "Dr O'Neill"): a named
# doctor points to their practice. The title may be in small letters before a capitalised
# surname ("dr Patel", as a phone types it); "the dr said" is not a name. In single quotation
# marks too ("'Dr Patel'", "'dr patel'."), the closing mark left out: an apostrophe is a name's
# only before a letter ("Dr O'Neill", "Dr Patel's").
_BEFORE_A_DOCTOR = r"(?<!\w)(?<!\w['\u2019])"
_AFTER_A_SURNAME = r"(?![\w\-]|['\u2019][\w'\u2019\-])"
_DOCTOR = re.compile(
    rf"{_BEFORE_A_DOCTOR}[Dd]r\.?\s{{1,3}}(?P<surname>[A-Z][A-Za-z'\u2019\-]{{0,39}}?){_AFTER_A_SURNAME}"
)
# The same typed all in capitals ("SEEN BY DR PATEL"), unless a word such as "the" or "a" comes
# before "DR" ("THE DR SAID", "A DR APPOINTMENT"): then it is any doctor, not one named.
_DOCTOR_IN_CAPITALS = re.compile(
    _BEFORE_A_DOCTOR + r"(?<!\bA )(?<!\bTHE )(?<!\bHER )(?<!\bHIS )(?<!\bTHEIR )(?<!\bMY )(?<!\bANY )(?<!\bNO )"
    r"DR\.?\s{1,3}(?P<surname>[A-Z][A-Z'\u2019\-]{1,39}?)" + _AFTER_A_SURNAME
)
# A doctor named in small letters ("seen by dr patel", "dr khan's letter", "dr patel said"). In small
# letters "dr" is as often any doctor ("saw the dr today", "dr appt", "dr said to come back"), and a
# surname cannot be told from a word by its capital, so only where the words around it say a person
# is named: after words saying who was seen or heard from ("seen by", "saw", "with", "from", "to",
# "under"), or with a possessive or a verb of saying after the surname; and never after "the", "a",
# "her" and the like, nor when the word after "dr" is an ordinary one (``_doctor_in_small_letters``).
_DOCTOR_IN_SMALL_LETTERS = re.compile(
    _BEFORE_A_DOCTOR + r"(?:(?P<cue>(?i:seen\s{1,3}by|saw|see|seeing|with|from|to|under|by|phoned|rang))\s{1,3})?"
    r"(?P<doctor>[Dd]r\.?\s{1,3}(?P<surname>[a-z][a-z'\u2019\-]{1,39}?))(?P<possessive>['\u2019]s)?"
    + _AFTER_A_SURNAME
    + r"(?P<says>[\"\u201d'\u2019]?\s{1,3}(?:said|says|told|tells|thinks|thought|feels|felt|wants|wanted|advised"
    r"|advises|wrote|writes|explained|agreed|confirmed|suggested|recommended|prescribed|diagnosed|referred"
    # where the doctor works: "dr khan at the surgery" (found, a review of real reflections: unwarned)
    r"|at\s{1,3}the\s{1,3}(?:surgery|practice|health\s{1,3}cent(?:re|er))"
    r")(?![\w'\u2019\-]))?"
)
# Words after "dr" in small letters that are not a surname: what a doctor gives or is ("dr appt",
# "dr letter", "dr surgery"), times ("saw dr today"), and words for themselves ("dr herself said").
_NOT_A_SURNAME_IN_SMALL_LETTERS = frozenset(
    {
        *("appt", "appts", "appointment", "appointments", "surgery", "practice", "receptionist", "nurse"),
        *("letter", "letters", "note", "notes", "report", "reports", "review", "referral", "assessment"),
        *("visit", "visits", "call", "calls", "phone", "prescription", "advice", "visiting", "office"),
        *("tonight", "tomorrow", "morning", "afternoon", "evening", "week", "weekend", "twice", "re"),
        *("regarding", "concerning", "asap", "herself", "himself", "themselves", "here", "there", "did"),
        *("didn't", "does", "doesn't", "will", "would", "could", "should", "might", "may", "can", "can't"),
        *("wouldn't", "won't", "isn't", "wasn't", "hasn't", "said", "says", "told", "thinks", "wants"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "input", "support"),
        *("help", "involvement", "consent", "agreement", "permission", "approval", "records", "record"),
        # Found (review): "has been to dr lots of times" was warned about. How often or how many
        # ("dr loads", "dr three times"), when ("dr later", "dr tues"), and words that end a note
        # about any doctor ("dr aware", "dr tho", "dr etc").
        *("lots", "loads", "plenty", "many", "much", "several", "few", "multiple", "numerous", "countless"),
        *("often", "ever", "too", "again", "also", "now", "soon", "later", "earlier", "today", "yesterday"),
        *("already", "still", "yet", "once", "thrice", "three", "four", "five", "six", "seven", "eight"),
        *("nine", "ten", "anyway", "tho", "though", "etc", "whatever", "straight", "together", "alone"),
        *("myself", "yourself", "ourselves", "almost", "out", "away", "instead", "just", "even", "maybe"),
        *("perhaps", "mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun"),
        *("tmrw", "tmr", "tmw", "tomoz", "yday", "wk", "wks", "nxt", "tbc", "aswell", "ok", "okay", "fine"),
        *("aware", "happy", "unhappy", "present", "available", "unavailable", "busy", "ill", "absent"),
        *("late", "supportive", "helpful", "unhelpful", "dismissive", "concerned", "informed", "involved"),
        # What a doctor does or gives, beside those above ("waiting on dr results", "dr sick note").
        *("results", "result", "check", "checks", "checkup", "check-up", "meds", "medication", "medicine"),
        *("tests", "test", "bloods", "reception", "clinic", "meeting", "trip", "follow-up", "followup"),
        *("fees", "number", "details", "info", "information", "sick", "fit", "certificate", "x-ray", "scan"),
        *("scans", "referrals", "diagnosis", "opinion", "view", "views", "team", "list", "exam", "feedback"),
        *("form", "forms", "request", "requests", "instructions", "monitoring", "following", "checking"),
        *("waiting", "reviewing", "seeing", "prescribing", "arranging", "booking", "first", "visited"),
        *("prescribed", "diagnosed", "referred", "advised", "agreed", "confirmed", "suggested", "wrote"),
        *("explained", "recommended", "thought", "felt", "feels", "wanted", "tells", "writes", "advises"),
        # What a sentence about any doctor goes on with ("dr response was slow", "dr wait is long",
        # "went to dr everything is fine"), now that a verb after the word makes it a name.
        *("response", "responses", "access", "wait", "waits", "wait-list", "waitlist", "service", "services"),
        *("line", "lines", "system", "systems", "slot", "slots", "queue", "queues", "time", "times", "bill"),
        *("cost", "costs", "charge", "charges", "room", "rooms", "desk", "building", "car", "parking"),
        *("website", "app", "online", "everything", "nothing", "something", "anything", "someone", "somebody"),
        *("everyone", "everybody", "anyone", "anybody", "nobody", "noone", "who", "which", "what", "this"),
    }
)


# A title and a surname of two letters or more: "Mrs Smith", "Mr. Jones", "Ms O'Brien", "Mx Lee";
# in capitals ("MRS SMITH"), or in small letters after "mrs" or "mr" ("mrs smith"), which are
# titles only. The title says a name follows. Not "MS" ("MS Teams"), "ms" or "miss" in small
# letters ("they miss school"), and not "Mr A", an initial standing in for a name.
# A surname may start with a particle ("Mr de Souza", "Mrs Van Dijk", "Mr bin Hassan"), and "Mrs" or
# "Mr" may come before a surname typed in small letters ("Mrs khan"), as they are titles only.
_SURNAME_PARTICLE = r"(?:(?i:de|da|di|du|van|von|der|den|le|la|al|el|bin|ben|ibn|ap)\s{1,3}){0,2}"
_TITLED_NAME = re.compile(
    r"(?<![\w'\u2019])(?:"
    rf"(?:Mrs|Mr|Ms|Miss|Mx)\.?\s{{1,3}}(?P<surname>{_SURNAME_PARTICLE}[A-Z][A-Za-z'\u2019\-]{{1,39}})"
    r"|(?:MRS|MR|MISS|MX)\.?\s{1,3}(?P<capitals>[A-Z][A-Z'\u2019\-]{1,39})"
    r"|(?:mrs|mr|Mrs|Mr)\.?\s{1,3}(?P<small>[a-z][a-z'\u2019\-]{1,39})"
    r")(?![\w'\u2019])"
)
# Words that describe a practice, a health centre or an operation without naming one ("Mental
# Health Centre", "Knee Surgery", "Good Medical Practice"), or that start a sentence before its
# type ("Contact GP Surgery"); with ``_NOT_A_NAME``, a "name" made only of these is not a name.
_NOT_A_PRACTICE_NAME = frozenset(
    {
        "mental",
        "sexual",
        "women's",
        "men's",
        "youth",
        "student",
        "students",
        "university",
        "prison",
        "army",
        "military",
        "integrated",
        "neighbourhood",
        "village",
        "town",
        "city",
        "rural",
        "urban",
        "walk-in",
        "urgent",
        "emergency",
        "primary",
        "care",
        "health",
        "medical",
        "general",
        "good",
        "best",
        "safe",
        "dental",
        "doctor's",
        "doctors",
        "doctors'",
        "gp's",
        "gps",
        "gps'",
        "registered",
        "usual",
        "own",
        "nearest",
        "contact",
        "ask",
        "call",
        "phone",
        "ring",
        "email",
        "visit",
        "see",
        "saw",
        "seen",
        "tell",
        "told",
        "following",  # "Following Surgery, she..."
        "after",
        "before",
        "since",
        "attend",
        "attends",
        "attended",
        "needs",
        "needed",
        "had",
        "has",
        "having",
        "she",
        "they",
        "we",
        "i",
        "it",
        "you",
        # Operations ("Heart Surgery"), for "Surgery" in capitals.
        "heart",
        "cardiac",
        "knee",
        "hip",
        "eye",
        "cataract",
        "brain",
        "spinal",
        "back",
        "hand",
        "foot",
        "ear",
        "ent",
        "hernia",
        "cancer",
        "keyhole",
        "laser",
        "minor",
        "major",
        "cosmetic",
        "plastic",
        "weight",
        "loss",
        "bariatric",
        "orthopaedic",
        "paediatric",
        "elective",
        "routine",
        "planned",
        "further",
        "more",
        "recent",
        "oral",
    }
)
# After "Dr": words that are not a surname ("saw the Dr. She said", "Dr Barnardo's", the
# charity), with ``_BEFORE_A_NAME`` ("the Dr. In May..."). Kept short: "Best", "Day" and "Hand"
# are surnames too.
_NOT_A_SURNAME = frozenset(
    {
        *_BEFORE_A_NAME,
        "she",
        "he",
        "they",
        "we",
        "i",
        "it",
        "you",
        "the",
        "this",
        "that",
        "her",
        "his",
        "their",
        "our",
        "my",
        "your",
        "mum",
        "dad",
        "who",
        "barnardo's",
        "barnardos",
        "google",  # "Dr Google": what people find online
    }
)


@dataclass(frozen=True)
class Finding:
    """Something in the text that looks identifying: what kind, the text, and why it matters."""

    kind: Kind
    text: str
    reason: str
    start: int
    end: int


def prepare(text: str) -> str:
    """The text as matched: NFKC-normalised, with every invisible character that is not a space
    removed (``input_guard.is_invisible``: zero-width spaces and joiners, invisible operators,
    tag characters, variation selectors, the combining grapheme joiner...)."""
    return _MAYBE_INVISIBLE.sub(_visible_part, unicodedata.normalize("NFKC", text))


# The characters ``prepare`` must look at one by one: ASCII controls that are not whitespace
# (the only invisible ASCII characters it drops) and anything outside ASCII. Plain ASCII text,
# most of what people type, is then left alone at C speed (a 14,000-character text took 2.5 ms
# character by character in Python; docs/PERFORMANCE.md).
_MAYBE_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\U0010ffff]{1,4096}")


def _visible_part(match: re.Match[str]) -> str:
    return "".join(char for char in match[0] if char.isspace() or not is_invisible(char))


# Letters with no ASCII letter in their decomposition, read as the nearest one ("Łukasiewicz" as
# "Lukasiewicz"); one letter for one, so a finding's place in the text is the same in both.
_OWN_LETTERS = {
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ħ": "H", "ħ": "h",
    "ı": "i", "ß": "s", "Æ": "A", "æ": "a", "Œ": "O", "œ": "o", "Þ": "T", "þ": "t", "Ŋ": "N", "ŋ": "n",
    "ſ": "s", "ƒ": "f",
}  # fmt: skip


def _ascii_letter(char: str) -> str:
    """The ASCII letter a Latin letter is written with ("ó" → "o"), or the letter itself."""
    if char in _OWN_LETTERS:
        return _OWN_LETTERS[char]
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() and base.isalpha() else char


# The Latin letters of Western, Central and Eastern European languages, Welsh, Irish, Turkish and
# Vietnamese (Latin-1 Supplement to Latin Extended-B, Latin Extended Additional).
_ASCII_LETTERS = str.maketrans(
    {
        chr(code): _ascii_letter(chr(code))
        for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
        if chr(code).isalpha() and _ascii_letter(chr(code)) != chr(code)
    }
)


def plain_letters(text: str) -> str:
    """``text`` with its accented Latin letters as plain ones, letter for letter: "Mrs Wójcik",
    "Siân", "Zoë", "Łukasiewicz" are matched as "Mrs Wojcik", "Sian", "Zoe", "Lukasiewicz". Found
    (practitioner review): the name patterns took A to Z only, so a Welsh or Polish name, or any
    with an accent, was never warned about, even after "Mrs" or "her surname is"."""
    return text.translate(_ASCII_LETTERS) if not text.isascii() else text


# Every decimal digit that is not ASCII (Arabic-Indic "٠٧٧", Persian "۰۷۷", Devanagari "०७७", Bengali,
# Gujarati...), as its ASCII digit, one for one (``_other_digits_and_marks``). Found (review of the
# world's text, b124): dates and NHS numbers in these digits were found (``\d`` takes any digit), but
# not a phone number ("۰۷۷۰۰ ۹۰۰۹۸۲"), as a UK number starts with an ASCII "0" or "44". (Full-width
# digits are ASCII already, after NFKC.)
_ASCII_DIGITS = str.maketrans(_OTHER_DIGITS)


def as_matched(typed: str) -> str:
    """``typed`` (``prepare``'s) as the finders read it: with plain letters (``plain_letters``) and
    ASCII digits (``_ASCII_DIGITS``), character for character, so a finding's place is the same in
    both and it is quoted as typed ("Mum's mobile is ۰۷۷۰۰ ۹۰۰۹۸۲" lists "۰۷۷۰۰ ۹۰۰۹۸۲")."""
    return plain_letters(typed).translate(_ASCII_DIGITS) if not typed.isascii() else typed


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


# A case, client or record number (children's social care's, a hospital's, a school's), named as
# one and written with at least 5 digits: "case ref 123456", "LCS ID: 1234567", "hospital number
# K123456", "Mosaic 4567890"; and a unique pupil number, a letter then 12 digits, however it is
# introduced (found, privacy review: none was warned about, and one leads straight to a child's file).
# Also a hospital's medical record number ("MRN 10234567"), a case or crime reference ("CRN", "URN",
# "crime ref", "PNC", "incident 1234567"): found, review, "MRN 10234567" went unwarned.
_RECORD_NUMBER = re.compile(
    r"(?i:\b(?:case|record|client|child|person|patient|hospital|mosaic|lcs|liquidlogic|eclipse|ehm|"
    r"systmone|emis|rio|upn|uln|pupil|ref|reference|id|number|no|mrn|crn|urn|pnc|crime|incident|log)\b\.?)"
    r"(?:\s{0,3}(?i:id|no|number|ref|reference)\b\.?)?\s{0,3}[:#]?\s{0,3}"
    # With letters and slashes too ("crime ref CR/012345/25", "CR123456/25", "GMP/25/123456":
    # identifying-data review).
    r"(?P<number>[A-Z]{0,3}\d{5,10}/\d{2,4}|[A-Z]{1,4}/\d{4,10}(?:/\d{2,4})?|[A-Z]{1,4}/\d{2}/\d{4,10}"
    r"|[A-Z]{0,3}\d{5,20}[A-Z]?|\d{1,4}/\d{4,10}(?:/\d{2,4})?[A-Z]?|\d{5,10}/\d{2,4}"
    # Joined by a hyphen ("23-45678", "1234-5678"), not two years ("2023-2024": a school year).
    r"|(?!(?:19|20)\d\d-(?:19|20)\d\d(?!\d))\d{1,8}-\d{4,10}"
    # A system's letters first ("CSC-448812", "CP-2024-0117", "GMP-23-112233": identifying-data review).
    r"|[A-Z]{2,4}(?:-\d{2,10}){1,3})(?![\w/\-])"
    r"|(?<![\w/\-])(?P<upn>[A-Z]\d{12})(?![\w/\-])"
    # Joined to its name ("MRN1234567", "CRN12345678"), and a police log by its number and day
    # ("log 1834 of 12/03", "log 1834 from Friday"): found, review, with a crime reference's slashes
    # ("crime ref 06/123456/24", "PNC ID 24/123456X", above), or a hyphen ("Case no: 23-45678": found, review).
    r"|(?<![\w/\-])(?i:mrn|crn|urn|pnc|upn)(?P<joined>\d{5,20}[A-Z]?)(?![\w/\-])"
    r"|(?<![\w/\-])(?i:log)\s{0,3}(?i:no\.?|number)?\s{0,3}(?P<log>\d{3,4})(?=\s{1,3}(?i:of|from|on|dated)\b)"
    # "ID is 1234567" (found, identifying-data review); not "number is 07700 900982", a phone's.
    r"|(?<![\w/\-])(?i:id)\s{1,3}(?i:is|was)\s{1,3}(?P<id_is>[A-Z]{0,3}\d{5,20}[A-Z]?)(?![\w/\-])"
)
# Numbers that are not a child's or a family's: an online meeting's ("Teams meeting ID:
# 34567890123") and the practitioner's own staff number ("Staff no. 104522": found, review).
_A_MEETING_BEFORE = re.compile(
    r"(?i:(?:(?:meeting|conference|webinar|zoom|teams|webex|join)(?:[^.\n]|\.(?!\s)){0,60}?|staff\s{0,3}|employee\s{0,3}"
    r"|payroll\s{0,3})(?:id|number|no)\.?|passcode|pin|dial[\s\-]{0,1}in)"
    r"\s{0,3}[:#]?\s{0,3}$"
)
# Before "no", "number" or "ref", words naming what is not a person's record (identifying-data review).
_NOT_A_RECORD_BEFORE = re.compile(
    r"(?<![\w'\u2019\-])(?i:order|ticket|invoice|room|purchase|po|job|item|part|product|flight|seat|table|page|"
    r"parcel|tracking|booking)\s{0,3}$"
)
# A vehicle registration as plates have shown it since 2001: two letters, two digits and three
# letters ("MA19 XYZ"), in capitals. Found (review): a family's car went unwarned; with the area,
# it is as good as an address.
_VEHICLE_REGISTRATION = re.compile(
    r"(?<![\w\-])[A-Z]{2}(?:0[1-9]|[1-9]\d)\s?[A-Z]{3}(?![\w\-])"
    # In small letters, or as plates showed it before 2001 ("R123 ABC"), after a word for a vehicle
    # or its registration ("reg ma19xyz", "a white van, R123 ABC"): found, review.
    r"|(?<![\w'\u2019\-])(?i:reg|registration|plate|plates|car|van|vehicle|motorbike|bike|taxi|lorry)\b"
    r"[^.\n]{0,50}?(?<![\w\-])(?P<plate>(?i:[a-z]{2}(?:0[1-9]|[1-9]\d)\s?[a-z]{3})|[A-Z]\d{1,3}\s?[A-Z]{3})(?![\w\-])"
)
VEHICLE_REASON = (
    "This looks like a vehicle registration number. A car's registration can identify a family, as an address can."
)


def _record_numbers(text: str) -> Iterator[Finding]:
    for match in _RECORD_NUMBER.finditer(text):
        group = next(name for name in ("number", "joined", "log", "upn", "id_is") if match[name] is not None)
        number_at = match.start(group)
        if group == "number" and _A_MEETING_BEFORE.search(text, max(0, number_at - 80), number_at):
            continue  # "Teams meeting ID: 34567890123": an online meeting's, not a record's
        if group == "number" and _NOT_A_RECORD_BEFORE.search(text, max(0, match.start() - 24), match.start()):
            continue  # "order no 12-34567", "ticket no. 12-345678": not a child's or a family's
        yield _finding("record_number", match, group)
    for match in _VEHICLE_REGISTRATION.finditer(text):
        plate: str | int = "plate" if match["plate"] is not None else 0
        yield Finding("record_number", match[plate], VEHICLE_REASON, match.start(plate), match.end(plate))


# A child's sex and exact age written together, as case records and notes write them (found, review:
# none was warned about): a capital M or F and an age ("M, 15", "F 14", "(M, 15)", "M/15", "F, 14yrs",
# "M (15)"), an age and M or F ("15/M", "15yo F", "YP: 14, F.", "aged 15 (M)"), an age in short and a word for a boy
# or a girl ("15yo boy", "14 y/o girl", "15yr old male", "15-yr-old lad"), or that word and an age in
# brackets or between commas ("boy, 15,", "girl (14)"). Ages up to 25 only (care leavers), so "Mum F
# 34" is not one. Not in small letters ("m 15" is as often 15 metres), not joined up ("M15" is a postcode
# district, "M60" a motorway, "15M" fifteen million), not before a unit ("F 14 times", "M 15
# minutes"), not after a word that makes the letter a room's, a block's or a grade ("Room F 14",
# "size M 12", "grade F 2"); and not the words anyone writes of a child ("a 15-year-old boy", "a girl
# aged 14"), which the request's age range sits beside.
# In small letters, the letter and the age only with a comma between ("m, 15", "f, 14": found, review),
# not after a number ("5 m, 15 m", "£2 m, 15 jobs"). An age, a comma and the word for a child's sex
# ending the clause ("YP is 15, female", "15, male.": found, review), not before more words ("15
# minutes, female worker", "room 15, female toilets") nor after a school year's or a room's word
# ("Year 10, female"). A count of each sex ("M 3, F 4", "F 10 M 12", "M: 3, F: 4": found, review, taken
# for two children) is not one: the letter and the number with only a space between, and the other
# sex's letter and number next in the list. So "siblings M 15, F 12" is not warned about either; written
# as records write one child ("M, 15 and F, 12", "(M, 15)") it is.
_AGE_IN_SHORT = r"(?:y(?:ea)?rs?|y/?o|y\.o\.?)"
_AGE_ABBREVIATED = r"(?:yrs?|y/?o|y\.o\.?)"  # not "year": "a 15-year-old boy" is how anyone writes
# A school year after an age in brackets: "girl (15, yr 11)", "Winter (15, yr 11)", "Honey (4, yr R)"
# (found, a review of real reflections and a regression review: unwarned).
_SCHOOL_YEAR_AFTER_AN_AGE = r"(?:\s{0,3}[,;]\s{0,3}(?i:y(?:ea)?r|y)\s{0,3}(?:\d{1,2}|R))?"
_SEX_AND_AGE = re.compile(
    r"(?<![\w'\u2019/.&\-])(?:"
    r"(?P<letter>[MF])(?:\s{0,3}[,/]\s{0,3}|\s{1,3})(?P<age>\d{1,2})(?:\s{0,3}" + _AGE_IN_SHORT + r"(?:\s{1,3}old)?)?"
    r"|(?P<letter_before_brackets>[MF])\s{0,3}\(\s{0,3}(?P<age_in_brackets_after_letter>\d{1,2})(?:\s{0,3}"
    + _AGE_IN_SHORT
    + r")?\s{0,3}\)"
    r"|(?P<age_before_brackets>\d{1,2})(?:\s{0,3}" + _AGE_IN_SHORT + r")?\s{0,3}\(\s{0,3}[MF]\s{0,3}\)"
    r"|(?P<small_letter>[mf])\s{0,3},\s{0,3}(?P<age_after_small_letter>\d{1,2})"
    r"|(?P<age_before_word>\d{1,2})\s{0,3},\s{0,3}(?i:male|female|boy|girl)(?=\s{0,3}(?:$|[.,;:)\]]))"
    r"|(?P<age_first>\d{1,2})(?:\s{0,3}/\s{0,3}|\s{0,3}" + _AGE_IN_SHORT + r"(?:\s{1,3}old)?\s{0,3}[,/]?\s{0,3}"
    r"|\s{0,3},\s{0,3}(?=[MF]\s{0,3}(?:$|[.,;:)\]])))(?P<letter_after>[MF])"
    r"|(?P<age_in_short>\d{1,2})\s{0,3}-?\s{0,3}" + _AGE_ABBREVIATED + r"(?:\s{0,3}-?\s{0,3}old)?\s{0,3}-?\s{0,3}"
    r"(?i:boy|girl|male|female|lad|lass)"
    r"|(?i:boy|girl|male|female|lad|lass)(?:\s{0,3},\s{0,3}(?:(?i:aged?)\s{1,3})?(?P<age_after>\d{1,2})"
    r"(?:\s{0,3}" + _AGE_IN_SHORT + r")?(?=\s{0,3}(?:$|[.,;:)\]]))"
    r"|\s{0,3}\(\s{0,3}(?:(?i:aged?)\s{1,3})?(?P<age_in_brackets>\d{1,2})(?:\s{0,3}"
    + _AGE_IN_SHORT
    + r")?"
    + _SCHOOL_YEAR_AFTER_AN_AGE
    + r"\s{0,3}\))"
    r")(?![\w'\u2019&\-]|[/.,]\d|:\s{0,3}\d)"
    r"(?!\s{0,3}(?:h|hrs?|hours?|mins?|minutes?|secs?|seconds?|miles?|km|kg|lbs?|cm|mm|m|pm|am|times|out|of|per|x"
    r"|days?|weeks?|months?|percent|%)(?![\w'\u2019]))"
)
# Before a capital M or F and a number, words that make the letter a room's, a block's, a grade or
# a size, not a sex.
_NOT_A_SEX_BEFORE = frozenset(
    {
        *("room", "rm", "block", "ward", "flat", "unit", "size", "junction", "j", "seat", "row", "grade", "grades"),
        *("route", "section", "level", "floor", "platform", "gate", "bay", "bus", "plan", "appendix", "table"),
        *("figure", "fig", "page", "p", "exit", "zone", "type", "class", "category", "tier", "band", "form"),
        *("box", "bed", "locker", "desk", "lab", "building", "wing", "part", "step", "stage", "option"),
        *("vitamin", "item", "question", "q", "sheet", "annex", "annexe", "schedule", "code", "model"),
        *("the", "via", "off", "onto", "take", "took"),  # a motorway: "the M 6 was closed"
        *("year", "yr", "years", "no", "number", "of"),  # a school year's or a list's: "Year 10, female", "1 of 15"
    }
)


def _sexes_and_ages(text: str) -> Iterator[Finding]:
    for match in _SEX_AND_AGE.finditer(text):
        age = (
            match["age"]
            or match["age_first"]
            or match["age_in_short"]
            or match["age_after"]
            or match["age_in_brackets"]
            or match["age_in_brackets_after_letter"]
            or match["age_before_brackets"]
            or match["age_after_small_letter"]
            or match["age_before_word"]
        )
        if int(age) > 25:
            continue  # "Mum F 34": an adult
        if (
            match["letter"]
            or match["letter_before_brackets"]
            or match["age_before_brackets"]
            or match["small_letter"]
            or match["age_before_word"]
        ):
            before = _WORD_BEFORE.search(text, max(0, match.start() - 24), match.start())
            if before is not None and _plain(before[1]).rstrip(".:") in _NOT_A_SEX_BEFORE:
                continue  # "Room F 14"
            if before is not None and match["small_letter"] and before[1][-1].isdigit():
                continue  # "5 m, 15 m"
        if match["letter"] and _a_count_of_each_sex(text, match):
            continue  # "M 3, F 4"
        yield _finding("sex_and_age", match)


# A capital M or F and a number with only a space or a colon between ("M 3", "F: 4"), the other
# sex's next to it in a list ("M 3, F 4", "F 10 M 12", "M 3 and F 4"), either way round.
_COUNT_OF_A_SEX = r"(?<![\w'\u2019/.&\-])[MF](?:\s{0,3}:\s{0,3}|\s{1,3})\d{1,3}(?![\w'\u2019&\-])"
_COUNT_OF_THE_OTHER_AFTER = re.compile(r"\s{0,3}(?:[,;/&]|\band\b)?\s{0,3}" + _COUNT_OF_A_SEX)
_COUNT_OF_THE_OTHER_BEFORE = re.compile(_COUNT_OF_A_SEX + r"\s{0,3}(?:[,;/&]|\band\b)?\s{0,3}$")


def _a_count_of_each_sex(text: str, match: re.Match[str]) -> bool:
    """Whether the capital letter and number of ``match`` ("M 3") stand beside the other sex's in a
    list ("M 3, F 4"): a count of each, not a child."""
    letter = match["letter"]
    if not re.fullmatch(r"[MF]\s{1,3}\d{1,2}", match[0]):
        return False  # "M, 15", "M/15", "M 15yrs": as a record writes one child
    after = _COUNT_OF_THE_OTHER_AFTER.match(text, match.end())
    if after is not None and after[0].strip()[-1:].isdigit() and letter not in after[0]:
        return True
    before = _COUNT_OF_THE_OTHER_BEFORE.search(text, max(0, match.start() - 24), match.start())
    return before is not None and letter not in before[0]


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
    for match in _CJK_DATE.finditer(text):
        if _real_day_month(int(match["a"]), int(match["b"])):
            yield _finding("date", match)
    for pattern in (_BIRTH, _CJK_BIRTH):
        for match in pattern.finditer(text):
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
    for match in _NHS_INTRODUCED.finditer(text):
        if nhs_check_digit_valid("".join(ch for ch in match["number"] if ch.isdigit())):
            yield _finding("nhs_number", match, "number")


def _national_insurance_numbers(text: str) -> Iterator[Finding]:
    for match in _NATIONAL_INSURANCE.finditer(text):
        prefix = match["prefix"].upper()
        if " " in match[0] and not (match["prefix"].isupper() and match["suffix"].isupper()):
            continue  # "by 12 34 56 a": spaced out, only in capitals (as the numbers are printed)
        issued = prefix[0] in _NI_FIRST_LETTERS and prefix[1] in _NI_SECOND_LETTERS and prefix not in _NI_NOT_ISSUED
        if issued or prefix == _NI_SPECIMEN:
            yield _finding("national_insurance_number", match)


def national_number(raw: str) -> str:
    """A UK phone number as its national digits: "+44 (0)161 603 4500" and "0161-603 4500" both
    give "01616034500"."""
    raw = raw.strip().lstrip("(")
    digits = "".join(ch for ch in raw if ch.isdigit())
    if raw.startswith(("+", "00")):
        rest = digits[4:] if digits.startswith("0044") else digits[2:]
        if "(0)" in raw:
            rest = rest[1:]
        return "0" + rest
    return digits


def _phones(text: str) -> Iterator[Finding]:
    for match in _PHONE.finditer(text):
        national = national_number(match["number"])
        if len(national) in (10, 11) and national[0] == "0" and national[1] in "1235789":
            start = match.start("number")
            if match["number"].startswith("(") and ")" not in match["number"]:
                start += 1  # a number in brackets shown without the one bracket ("(0161 794 8888)": found, review)
            yield Finding("phone", text[start : match.end("number")], REASONS["phone"], start, match.end("number"))


# An email address written so that it is not one to a machine ("jayden.smith[at]gmail.com",
# "jayden.smith @ gmail.com", "jo (at) mail (dot) com"): found, identifying-data review.
_EMAIL_WRITTEN_OUT = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9][\w.+\-]{0,63}"
    r"(?:\s{0,3}(?:\[\s{0,2}(?i:at)\s{0,2}\]|\(\s{0,2}(?i:at)\s{0,2}\))\s{0,3}|\s{1,3}@\s{0,3}|\s{0,3}@\s{1,3})"
    r"[A-Za-z][\w\-]{0,62}"
    r"(?:(?:\s{0,3}(?:\[\s{0,2}(?i:dot)\s{0,2}\]|\(\s{0,2}(?i:dot)\s{0,2}\))\s{0,3}|\.)[A-Za-z][\w\-]{0,62}){0,3}"
    # Ending in a top-level domain people's addresses have, in small letters: not "Meeting @ 10.30",
    # "Mum @ home.Dad @ work" or "Session @ St.Marys" (found, regression review).
    r"(?:\s{0,3}(?:\[\s{0,2}(?i:dot)\s{0,2}\]|\(\s{0,2}(?i:dot)\s{0,2}\))\s{0,3}|\.)"
    r"(?i:com|org|net|uk|io|me|info|biz|edu|gov|ie|eu|us|de|fr|es|it|pl|ro|lt|lv|pk|in|ng|za|au|ca|nz|nl|pt|be"
    r"|ru|br|tr|se|no|dk|fi|ch|at|cz|sk|hu|gr|bg|hr|si|ua|cn|jp|kr|vn|ph|my|sg|ae|sa|eg|ke|gh|zw|tz|ug|il|mx|ar"
    r"|cl|co|by|kz|ir|iq|af|so|er|et|sd|bd|lk|np)(?:\.(?i:[a-z]{2}))?"  # ("yahoo.com.br", "yandex.com.tr")
    r"(?![\w\-])"
)


def _emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL_WRITTEN_OUT.finditer(text):
        yield Finding("email", match[0], REASONS["email"], match.start(), match.end())
    for match in EMAIL_ADDRESS.finditer(text):
        yield _finding("email", match)


# Ordinary words that are also part of many streets' names after a place name ("eccles old road",
# "chorley new road", "church back lane"): after a first word that is not ordinary, they are part
# of the name (first, "2 old road bridges" is still not an address).
_STREET_NAME_ADJECTIVES = frozenset({"old", "new", "main", "back", "front", "long", "short", "big", "small", "side"})


def _ordinary_words(name: str) -> bool:
    """Whether a lower-case street or building "name" has a word that is not part of a name."""
    words = [word.lower().replace("\u2019", "'") for word in name.split()]
    if not words or words[0] in _NOT_A_STREET_NAME:
        return True
    return any(word in _NOT_A_STREET_NAME and word not in _STREET_NAME_ADJECTIVES for word in words[1:])


def _addresses(text: str) -> Iterator[Finding]:
    for match in _ADDRESS.finditer(text):
        if match["type"].lower() in ("court", "ct") and match["name"].split()[-1].lower() in _COURTS:
            continue
        yield _finding("address", match)
    for match in _LOWER_CASE_ADDRESS.finditer(text):
        name = match["name"]
        # "the 2 older ones drive her mad", "the 2 sisters close": a plural before "drive", or alone
        # before "close", is who drives, or who is close ("12 st johns close" is a street); "staying at
        # 2 mates place" is whose place.
        kind = match["type"].lower()
        plural = name.endswith("s") and not name.endswith(("'s", "\u2019s"))
        if plural and (kind == "drive" or (kind in ("close", "place") and len(name.split()) == 1)):
            continue
        if kind == "close" and _close_as_people_are(text, match):
            continue
        if kind in ("court", "ct", "dr", "way", "place") and (
            _LIVES_AT.search(text, max(0, match.start() - 24), match.start()) is None
            or any(_plain(word) in _COURT_WORDS for word in name.split())
        ):
            continue  # "at 2 separate court hearings", "lives at 2 family court", "seen by 2 locum dr", "in 2 place"
        if not _ordinary_words(name):
            yield _finding("address", match)
    for match in _FLAT.finditer(text):
        name = match["name"]
        if match["type"].lower() in ("court", "ct") and name.split()[-1].lower() in _COURTS:
            continue
        if all(word[0].isupper() for word in name.split()) or not _ordinary_words(name):
            yield _finding("address", match)
    for pattern in (_FLAT_IN_A_BLOCK_OR_ESTATE, _AT_NUMBER, _WELSH_ADDRESS, _POLISH_ADDRESS):
        for match in pattern.finditer(text):
            yield _finding("address", match)
    for match in _BUILDING_LIVED_IN.finditer(text):
        moved_by = _MOVES_WITHOUT_LIVING_THERE.search(text, max(0, match.start() - 40), match.start())
        kind_of_home = any(_plain(word) in _KINDS_OF_HOME for word in match["name"].split())
        if not kind_of_home and moved_by is None:
            yield _finding("address", match, "name")


def _close_as_people_are(text: str, match: re.Match[str]) -> bool:
    """Whether "close" after a number says how near people are ("2 really close", "2 close by")."""
    following = _NEXT_WORD.match(text, match.end())
    return any(_plain(word) in _NOT_A_CLOSE for word in match["name"].split()) or (
        following is not None and _plain(following[1]) in _NOT_A_CLOSE
    )


# Words of a court's name, anywhere before "Court": "the Specialist Domestic Violence Court", "the
# Mental Health Court", "Care Proceedings Court", "Youth Justice Court".
_COURT_WORDS = frozenset(
    {
        *_COURTS,
        *("domestic", "violence", "abuse", "criminal", "civil", "mental", "health", "care", "proceedings"),
        *("justice", "drug", "drugs", "alcohol", "specialist", "sdvc", "fdac", "children's", "tribunal"),
        *("appeals", "coroner", "coroners'", "coroner’s", "probate", "divorce", "sentencing", "trial"),
    }
)
# The street types alone: a text without any (most texts) is not searched for streets.
_A_STREET_TYPE = re.compile(
    r"(?<![\w'\u2019\-])(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Gardens|Terrace|Place"
    r"|Grove|Mews|Boulevard)(?![\w'\u2019\-])"
)


# Streets named by "the" and their type alone, capitalised as a name is ("lives on The Crescent",
# "moved to The Grove", "the Mews": found, review, they went unwarned): the types seldom used so of
# anything else. Not "The Way", "The Place", "the Court" or "The Street", more often something else.
_STREET_NAMED_THE = re.compile(
    r"(?<![\w'\u2019\-])[Tt]he\s{1,3}(?:Avenue|Close|Crescent|Drive|Gardens|Grove|Mews|Terrace)(?![\w'\u2019\-])"
    r"(?!\s{1,3}[A-Z&])"
)
# After one, words that make it a programme's or a service's name ("the Drive project").
_NOT_AFTER_A_STREET_NAMED_THE = frozenset(
    {"project", "programme", "program", "team", "service", "services", "scheme", "initiative", "group", "centre"}
)


# A street named in small letters without a house number ("lives on acacia avenue", "moved to mill
# lane": found, review, they went unwarned): after a word saying where (on, off, at, in, to, from,
# near...), one to three words and a street type seldom anything else in small letters (as after a
# house number: ``_LOWER_CASE_STREET_TYPES``). In small letters the words cannot be told from a
# name by their capitals, so not where they are ordinary ("on the main road", "in a long lane",
# "on memory lane", "in the cycle lane", "on google drive"), nor before "of" ("to explore avenue of
# support") or a word saying what the type is about ("on school road trip"); "the" alone is a
# street's name only after a word for living or moving ("lives on the crescent", not "the crescent
# moon"). So are "close", "court" and "dr" (drive), everyday words in small letters ("close to mum",
# "taken to court", "saw the dr"): "lives on acacia close", "moved to mill court", "lives on acacia dr"
# (found, review: the first two went unwarned, the last was taken for a doctor). "place" is a street's
# after "on" or "off" ("lives on mill place": found, review); after "in", "at" or "to" it is as often
# whose or what kind ("staying at nans place", "lives in a safe place", "moved to bigger place"), so
# there only one word that says neither names a street ("lives in mill place": ``_names_a_place``).
_LOWER_CASE_STREET = re.compile(
    rf"(?<![\w'\u2019\-])(?:(?P<lives>{_LIVES})\s{{1,3}})?(?P<where>(?i:on|off|at|in|into|onto|to|from|near|along"
    r"|opposite|behind))\s{1,3}"
    rf"(?P<name>{_ANY_WORD}(?:\s{{1,3}}{_ANY_WORD}){{0,2}})\s{{1,3}}"
    rf"(?P<type>(?i:{_LOWER_CASE_STREET_TYPES}|(?P<where_lived>close|court|dr|way|place)))\.?(?![\w'\u2019\-])"
)
_A_LOWER_CASE_STREET_TYPE = re.compile(
    rf"(?<![\w'\u2019\-])(?i:{_LOWER_CASE_STREET_TYPES}|close|court|dr|way|place)(?![\w'\u2019\-])"
)
# Words that come before a street type in small letters without naming a street ("the cycle lane",
# "a slip road", "a roof terrace", "the shared drive"), with ``_NOT_A_STREET_NAME`` and ``_NOT_A_STREET_WORD``.
_NOT_A_STREET_NAME_IN_SMALL_LETTERS = frozenset(
    {
        *("cycle", "bike", "slip", "toll", "link", "dirt", "country", "private", "access", "service", "bumpy"),
        *("rocky", "muddy", "open", "middle", "inside", "outside", "left", "roof", "google", "shared", "hard"),
        *("usb", "flash", "network", "team", "external", "pen", "thumb", "cloud", "test", "disc", "disk", "c"),
        *("d", "h", "s", "x", "easy", "bumpy", "winding", "dead", "end", "dual", "carriage", "b", "a", "m"),
        *("crossing", "wrong", "bus", "taxi", "emergency", "fire", "treelined", "tree-lined", "quiet", "busy"),
        *("own", "mid", "slippery", "rough", "smooth", "icy", "wet", "steep", "narrow", "wide", "straight"),
        *("overtaking", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("benefit", "benefits"),  # "on benefits street", the television programme
        # Someone's street, not its name ("on nan's road", "to her friend's street").
        *("nan's", "nana's", "gran's", "granny's", "grandma's", "grandad's", "aunt's", "auntie's", "aunty's"),
        *("uncle's", "friend's", "friends'", "neighbour's", "sister's", "brother's", "partner's", "cousin's"),
        *("boyfriend's", "girlfriend's", "carer's", "mother's", "father's", "parents'", "parent's", "school's"),
    }
)
# After a street type in small letters, words saying what it is about, not where ("on school road
# trip", "in bus lane fines"): the words before it are then no street's name.
_NOT_AFTER_A_STREET_IN_SMALL_LETTERS = frozenset(
    {
        *("of", "trip", "trips", "safety", "works", "rage", "test", "map", "sign", "signs", "user", "users"),
        *("traffic", "accident", "accidents", "crossing", "closure", "closures", "markings", "sense", "fines"),
        *("fine", "show", "shows", "runner", "runners", "train", "cred", "credibility", "legal", "worthy"),
    }
)
# "the" alone as a street's name in small letters, after a word for living or moving: the types
# a street called so has ("lives on the crescent", "moved to the grove"; not "on the drive", where
# a car is parked, nor "the road").
_STREETS_NAMED_THE_IN_SMALL_LETTERS = frozenset({"avenue", "crescent", "grove", "mews", "terrace"})


def _lower_case_streets(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    if _A_LOWER_CASE_STREET_TYPE.search(text) is None:
        return
    # A match that is not a street may hold one: "at nan's on acacia rd" is looked at again from "on".
    at = 0
    while (match := _LOWER_CASE_STREET.search(text, at)) is not None:
        if _a_street_in_small_letters(text, match) and (
            match["where_lived"] is None or _where_someone_lives(text, match, places)
        ):
            start, end = match.start("name"), match.end("type")
            yield Finding("street", text[start:end], REASONS["street"], start, end)
            at = end
        else:
            at = match.start() + 1


def _a_street_in_small_letters(text: str, match: re.Match[str]) -> bool:
    if match["type"][0].isupper() and all(word[0].isupper() for word in match["name"].split()):
        return False  # capitalised as a name is: ``_STREET``'s ("Mill Lane Primary School" is a school)
    words = [_plain(word) for word in match["name"].split()]
    following = _NEXT_WORD.match(text, match.end())
    if following is not None and _plain(following[1]) in _NOT_AFTER_A_STREET_IN_SMALL_LETTERS:
        return False
    if words == ["the"]:
        return match["lives"] is not None and match["type"].lower() in _STREETS_NAMED_THE_IN_SMALL_LETTERS
    if _ordinary_words(match["name"]) or any(
        word in _NOT_A_STREET_WORD or word in _NOT_A_STREET_NAME_IN_SMALL_LETTERS or word in _MONTHS for word in words
    ):
        return False
    # "on to the 2 older ones drive": who drives.
    return not (match["type"].lower() == "drive" and words[-1].endswith("s") and not words[-1].endswith("'s"))


def _where_someone_lives(text: str, match: re.Match[str], places: AbstractSet[str]) -> bool:
    """For "close", "court", "dr", "way" or "place" in small letters (``_LOWER_CASE_STREET``): whether
    a word for living or moving comes first and the words are a street's name ("lives on acacia close",
    "lives on acacia way", "lives on mill place"), not how near ("lives in salford close to mum",
    "living at home close by"), a court ("moved to youth court"), how ("lives in a different way",
    "lives in harm's way"), whose or what kind ("staying at nans place", "moved to bigger place") or a
    town and its doctor ("moved to swinton dr patel said")."""
    if match["lives"] is None:
        return False
    words = [_plain(word) for word in match["name"].split()]
    if any(word in _NOT_A_NAME for word in words):
        return False  # "living at home", "moved to high court"
    kind = match["where_lived"].lower()
    if kind == "close":
        return not _close_as_people_are(text, match)
    if kind == "court":
        return not any(word in _COURT_WORDS for word in words)
    if kind == "way":  # not how ("lives in harm's way", "moved in slowly way")
        return not any(word in ("harm's", "harms") or _describes(word) for word in words)
    if kind == "place":
        if any(_describes(word) for word in words):
            return False
        if match["where"].lower() in ("on", "off"):
            return True
        # After "in", "at", "to" or "into", a place is as often whose or what kind ("staying at nans
        # place", "moved to bigger place"): a street's only when one word names it ("lives in mill
        # place": found, review, it went unwarned).
        return match["where"].lower() in ("in", "at", "to", "into") and len(words) == 1 and _names_a_place(words[0])
    return words[-1] not in places


# Before "place" in small letters after "in", "at" or "to", words that say whose or what kind of
# place it is ("staying at bf place", "moved to kinship place", "living in secure place"), with
# ``_NOT_A_STREET_NAME`` and the other lists a street's name is checked against.
_WHOSE_OR_WHAT_KIND_OF_PLACE = frozenset(
    {
        *("mum", "mam", "mom", "dad", "nan", "nana", "nanna", "gran", "granny", "grandma", "grandad", "grandpa"),
        *("aunt", "auntie", "aunty", "uncle", "cousin", "sister", "brother", "friend", "mate", "partner", "bf"),
        *("gf", "boyfriend", "girlfriend", "carer", "neighbour", "foster", "kinship", "respite", "care", "hostel"),
        *("refuge", "shelter", "uni", "student", "bail", "bnb", "b&b", "council", "nice", "bad", "safe", "warm"),
        *("cold", "damp", "cosy", "cozy", "clean", "dirty", "tidy", "calm", "sad", "scary", "weird", "strange"),
        *("permanent", "secure", "decent", "proper", "little", "small", "cheap", "different", "similar", "single"),
        *("happy", "hiding", "meeting", "resting", "work", "rented", "halfway", "kids", "crisis", "placement"),
    }
)


def _names_a_place(word: str) -> bool:
    """For "place" after "in", "at" or "to": whether the one word before it may be a street's name
    ("mill"), not whose the place is ("nans", "nan's", "bf") or what kind ("bigger", "safe")."""
    return not (
        word in _WHOSE_OR_WHAT_KIND_OF_PLACE
        or word.endswith(("s", "s'", "er"))
        or any(mark in word for mark in ("'", "\u2019", "-"))
    )


_SENTENCE_MARK = re.compile(r"[.!?\n]")


class Sentences:
    """The sentences of one text, found once: where the sentence holding a stretch of it starts and
    ends (after the full stop, question mark, exclamation mark or line break before it, to the next
    after it), and what a check finds in a sentence, worked out once for each sentence however many
    findings it holds. Found (regression reviews): each finding looking through the whole of a text
    without full stops made 15,000 characters take 3 seconds; then, looking at most 300 characters
    either side, a run-on sentence's "lives" further off than that went unseen."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._marks = [mark.start() for mark in _SENTENCE_MARK.finditer(text)]
        self._checked: dict[tuple[Callable[[str, int, int], bool], int, int], bool] = {}
        self._places: dict[tuple[re.Pattern[str], int, int], list[int]] = {}

    def around(self, start: int, end: int) -> tuple[int, int]:
        """Where the sentence holding ``text[start:end]`` starts and ends."""
        before = bisect.bisect_left(self._marks, start)
        after = bisect.bisect_left(self._marks, end)
        first = self._marks[before - 1] + 1 if before else 0
        return first, self._marks[after] if after < len(self._marks) else len(self.text)

    def found(self, pattern: re.Pattern[str], at: int, low: int, high: int | None = None) -> bool:
        """Whether ``pattern`` is found starting from ``low`` to ``high`` (the sentence's end if not
        given) in the sentence holding position ``at`` (where it is found in each sentence worked
        out once)."""
        bounds = self.around(at, at)
        key = (pattern, *bounds)
        if key not in self._places:
            self._places[key] = [found.start() for found in pattern.finditer(self.text, *bounds)]
        places = self._places[key]
        first = bisect.bisect_left(places, low)
        return first < len(places) and (high is None or places[first] <= high)

    def holds(self, check: Callable[[str, int, int], bool], start: int, end: int) -> bool:
        """Whether ``check(text, sentence_start, sentence_end)`` is true of the sentence holding
        ``text[start:end]`` (each check once a sentence)."""
        bounds = self.around(start, end)
        key = (check, *bounds)
        if key not in self._checked:
            self._checked[key] = check(self.text, *bounds)
        return self._checked[key]


# The sentences of the text ``scan`` is looking through, while it does (nothing is kept after it).
_SCANNING: contextvars.ContextVar[Sentences | None] = contextvars.ContextVar("scanning", default=None)


def sentences_of(text: str) -> Sentences:
    """The sentences of ``text``: those ``scan`` found already if it is scanning this text."""
    scanning = _SCANNING.get()
    return scanning if scanning is not None and scanning.text is text else Sentences(text)


def _a_public_place(text: str, finding: Finding, places: AbstractSet[str], sentences: Sentences) -> bool:
    """Whether ``finding`` (a street) is one of the area's busy public streets, squares and
    stations (the partnership file's ``public_places``) where one of the eight words just before it
    says something happened there, and nothing in its sentence says anyone lives or stays anywhere:
    "found in Piccadilly Gardens", "seen begging on Market Street", "The assault took place on Oxford
    Road" say where something happened, as anyone may be there (found, false-alarm review,
    December 2026: police officers' and youth workers' requests were warned about each). Otherwise
    it is warned about as any street is. Found (regression reviews): four narrower rules in turn let
    a family's home through ("Mum lives in the flat over the library on King Street", "Dad was
    arrested on King Street, outside the family home"); this one errs towards warning ("He lives in
    Eccles and was assaulted on Market Street" is warned about)."""
    public = places.public if isinstance(places, Places) else frozenset()
    named = _plain(finding.text).removeprefix("the ").split()
    if named and named[-1] == "st":
        named[-1] = "street"  # "Market St", as "Market Street"
    if not public or " ".join(named) not in public:
        return False
    if sentences.holds(_speaks_of_living, finding.start, finding.end):
        return False
    # Children playing out in a street, as they do near home ("seen playing out at the end of King
    # Street", "playing out till gone midnight on King Street"), not a square's or a station's ("young
    # people were seen playing out in Piccadilly Gardens", "at Salford Crescent station"), nor where
    # something else happened in between or the street came first ("playing out with his mates when
    # he was stabbed on Market Street", "Police stopped a group on Market Street; they said they were
    # only playing out": regression reviews).
    if (
        named[-1] in _A_STREETS_WORD
        and not _A_STATION_AFTER.match(text, finding.end)
        and (
            _PLAYING_OUT_BEFORE.search(text[max(0, finding.start - 90) : finding.start])
            or _PLAYING_OUT_AFTER.match(text[finding.end : finding.end + 60])
        )
    ):
        return False
    sentence_start = max(sentences.around(finding.start, finding.end)[0], finding.start - 200)
    words = [_plain(word) for word in re.findall(r"[\w'\u2019]+", text[sentence_start : finding.start])][-8:]
    happened = [at for at, word in enumerate(words) if word in _WHAT_HAPPENS_IN_A_PUBLIC_PLACE]
    if not happened:
        return False
    # Not where a family, or children, are what was found there ("Police attended and found the
    # children alone on King Street", "The children were found on King Street": a home as likely).
    last = happened[-1]
    # A boy, a girl, a brother or sister, a little one only where they were found ("Police found her
    # little brother on King Street"), not where something else happened to them or with them
    # ("Outreach workers met a 15 year old girl in Piccadilly Gardens": regression review).
    little_ones = {"little " + after for before, after in itertools.pairwise(words) if before == "little"}
    return not (
        any(word in _A_FAMILY_FOUND for word in words[last:])
        or (words[last] in _FOUND_THERE and any(word in _A_CHILD_OR_CHILDREN for word in (*words, *little_ones)))
    )


def _speaks_of_living(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a sentence) says anyone lives or stays anywhere: a word of living,
    or someone's place ("at nan's on", "at her dad's place on", "at his mates on"), not a shop's
    ("McDonald's on") or a word run on ("He's at risk", "It's in the police log")."""
    if _A_WORD_OF_LIVING.search(text, start, end):
        return True
    for match in _SOMEONES.finditer(text, start, end):
        group = "whose" if match["whose"] is not None else "whose_far" if match["whose_far"] is not None else ""
        if not group:
            return True  # "at his mates on"
        whose = re.sub(r"['\u2019]s?$", "", _plain(match[group]))
        if whose not in _SHOPS_AND_WORDS_RUN_ON and not _AT_RISK.match(text, match.end(group)):
            return True
    return False


# In a public street's sentence, words saying someone lives or stays somewhere ("home" not after
# "missing from" or "left": "went missing from home and was found on Market Street").
_A_WORD_OF_LIVING = re.compile(
    r"(?i:\b(?:live|lives|lived|living|homes?|house|flat|flats|apartment|bedsit|digs|lodgings?|residence"
    r"|household|doorstep|squat|housed|rehoused|resides?|residing|tenancy|tenant|property|accommodation|bungalow"
    r"|maisonette|caravan|hostel|b&b|refuge|evicted|stay|stays|stayed|staying|sleep|sleeps|sleeping|slept|kips?|sofa"
    r"|rent|rents|renting|rented|address|placed|placement|front\s{1,3}(?:door|garden))\b"
    r"|\b(?:moved|moving|move)\s{1,3}(?:house\s{1,3}|back\s{1,3}|out\s{1,3})?(?:to|into|in)\b"
    r"|\b(?:his|hers|theirs)\s{1,3}(?:on|in|at|off)\b)"
    r"(?<!missing from home)(?<!away from home)(?<!absconded from home)(?<!left home)"
)
# Children playing out ("play out", "playing out", "they played out"; not an incident "playing out on
# CCTV" or "seen on CCTV and played out", nor "playing out of a speaker"), then a few words of where
# or when, none saying something else happened, just before a street's name ("playing out until gone
# midnight on King Street", "playing out on bikes and scooters on"; not "playing out with his mates
# when he was stabbed on"): regression reviews.
_NOT_BETWEEN_PLAYING_OUT_AND_THE_STREET = (
    r"was|were|is|are|got|been|later|then|he|she|they|seen|found|stopped|arrested|stabbed|assaulted|robbed|attacked"
    r"|mugged|approached|picked|detained|caught|spotted|threatened|chased|fighting|but|whilst|while|met|shoplifting"
    r"|dealing|begging|cctv|took|taken|grabbed|saw|shows|showed|instead|not|exploited|sighted|located|happened"
)
_PLAYING_OUT_BEFORE = re.compile(
    r"(?i:(?<!incident\s)(?<!robbery\s)(?<!assault\s)(?<!stabbing\s)(?<!fight\s)(?<!scene\s)(?<!it\s)"
    r"(?<!thing\s)(?<!things\s)(?<!event\s)(?<!events\s)(?<!attack\s)(?<!row\s)(?<!argument\s)(?<!video\s)"
    r"(?<!situation\s)(?<!drama\s)(?<!this\s)(?<!that\s)"
    r"(?:\bplay(?:ing)?|\b(?:they|he|she|kids|children|ones|two|three|twins|boys|girls|youngest|eldest|who|neighbours)"
    r",?\s{1,3}(?:played|plays))\s{1,3}out\b(?!\s{1,3}of\b)"
    r"(?:[\s,]{1,3}(?!(?:" + _NOT_BETWEEN_PLAYING_OUT_AND_THE_STREET + r")\b)[\w'\u2019]{1,20}){0,8}\s{1,3}$)"
)
# A street's name, then a few words of when or with whom, then "playing out" ("seen on King Street at
# 11pm, playing out with no coats", "on King Street with their older brother, playing out"; not "on
# Market Street while playing out", "after playing out", "not playing out", "said playing out", nor
# an incident "played out" there: regression reviews).
_NOT_BETWEEN_THE_STREET_AND_PLAYING_OUT = (
    _NOT_BETWEEN_PLAYING_OUT_AND_THE_STREET
    + r"|said|says|told|claims|claimed|claiming|stated|states|reports|reported|denied|denies|insists|insisted|admits"
    + r"|admitted|explained|explains|maintains|near|nearby|group|lads|incident|camera|cctv|footage|from|by|and"
    + r"|fight|situation|disorder|thing|things|pattern|scene|row|argument|drama|event|events|crowd|familiar\s{1,3}story"
    + r"|(?:began|begin|begins|started|starting)\s{1,3}to|as\s{1,3}(?:the|a)\s{1,3}(?:fight|situation|row|incident)"
    + r"|derby|story|tensions|feud|rival|online|screens?|snapchat|familiar|continued|kept"
    + r"|(?:after|before|from|instead\s{1,3}of)\s{1,3}play\w{0,3}"
)
# (Words, and times such as 10.30 or 10:30: not across a full stop, nor into a quotation.)
_PLAYING_OUT_AFTER = re.compile(
    r"(?i:^(?:[\s,]{1,3}(?!(?:" + _NOT_BETWEEN_THE_STREET_AND_PLAYING_OUT + r")\b)"
    r"(?:\d{1,2}[:.]\d{2}(?:am|pm)?|\w[\w'\u2019]{0,19})){0,8}"
    r"[\s,]{1,3}play(?:ing)?\s{1,3}out\b(?!\s{1,3}(?:of|his|her|their|its)\b))"
)
_A_STATION_AFTER = re.compile(r"(?i:\s{1,3}(?:station|interchange|stop|tram\s{1,3}stop)\b)")
# The last word of a public place's name that makes it a street, where children play out.
_A_STREETS_WORD = frozenset({"street", "road", "way", "lane", "avenue", "crescent", "terrace", "close", "drive", "row"})
# A street's name: a word or two and one of those ("Chapel Street", "St John's Road").
# (Not "the way", "the usual way", "the main road"; "the King Street estate", "top of King Street", "\"King Street\"".)
_A_STREETS_NAME = (
    r"(?:(?:the|top\s{1,3}of|the\s{1,3}top\s{1,3}of|the\s{1,3}end\s{1,3}of)\s{1,3}(?=(?-i:[A-Z]))|[\"'\u2018\u201c])?"
    r"(?!(?:the|a|an|his|her|their|my|your|usual|same|other|wrong|right|long|quickest|best)\b)"
    r"(?:[\w'\u2019]{2,20}\s{1,3}){1,2}(?:" + "|".join(sorted(_A_STREETS_WORD)) + r")\b"
)
_PEOPLE_IN_THE_PLURAL = (
    r"mates|nans|nanas|nannas|nanans|grans|grandmas|grandads|grandparents|aunties|auntys|aunts|uncles|cousins|friends"
    r"|mums|mams|dads|bfs|gfs|boyfriends|girlfriends|partners|sisters|brothers|bros|stepdads|stepmums|exs|mans|lads"
    r"|pals|carers|nannys|nannies|grannys|grannies|moms|step\s{0,1}-?dads|step\s{0,1}-?mums"
)
_KIN_IN_THE_PLURAL = (
    r"nans|nanas|nannas|nanans|grans|grandmas|grandads|grandparents|aunties|auntys|aunts|uncles|cousins|mums|mams"
    r"|dads|bfs|gfs|boyfriends|girlfriends|partners|sisters|brothers|stepdads|stepmums|carers|nannys|nannies|grannys"
    r"|grannies|moms|step\s{0,1}-?dads|step\s{0,1}-?mums"
)
# Someone's, where they live or stay: "at nan's on", "the family's on", "at her dad's place on", "in
# his uncle's car on", "at nan's old place on", and as young people write it, "at his mates on", "at
# her bfs on" (regression reviews).
# (Words between only where a place follows them, and "at", "in" or the like before: not "the
# school's concerns in March", "the driver's licence at the time", "CCTV shows the man's car at the
# scene", "Mum's been seen in": the next regression review.)
_SOMEONES = re.compile(
    r"(?i:\b(?P<whose>[\w\-]{2,20}['\u2019]s?)\s{1,3}(?:on|in|at|off)\b"
    r"|\b(?:at|in|into|to|from|round|inside|outside|near|by)\s{1,3}(?:(?:his|her|their|my|your|the|a)\s{1,3})?"
    r"(?P<whose_far>[\w\-]{2,20}['\u2019]s?)(?:\s{1,3}(?:[\w\-]{2,20}['\u2019]s?|old|new|own|other)){0,2}"
    r"\s{1,3}(?:place|car|van|caravan|tent|garage|shed|garden|room|bedroom|pad|gaff|yard|driveway|bed|sofa|couch"
    r"|halls|block)"
    r"\s{1,3}(?:on|in|at|off)\b"
    r"|\b(?:at|from|round)\s{1,3}(?:his|her|their|my|your)\s{1,3}"
    r"(?P<whose_plain>" + _PEOPLE_IN_THE_PLURAL + r")\s{1,3}(?:on|in|off)\b"
    # Going or sent to someone's on a street ("walking to his dads on King Street", "sent to his nans
    # on", "going to his mates on"), not on an app, a day or a bus ("sent to his friends on WhatsApp",
    # "went to his dads on a Friday", "going to his mates on the tram"); a relative's in a street
    # ("going to her nans in Chapel Street"), not in a town or a square ("sent to his dads in Salford",
    # "going to his friends in Piccadilly Gardens"): regression reviews.
    r"|\b(?:go|goes|going|went|gone|walk\w{0,3}|back|ran|run|running|taken|took|came|come|coming|dropped|headed"
    r"|heading|sent|send|sends|sending)\s{1,3}to\s{1,3}(?:his|her|their|my|your)\s{1,3}"
    rf"(?:(?P<whose_kin>{_KIN_IN_THE_PLURAL})\s{{1,3}}in|(?P<whose_going>{_PEOPLE_IN_THE_PLURAL})\s{{1,3}}(?:on|off))"
    rf"\s{{1,3}}{_A_STREETS_NAME})"
)
_AT_RISK = re.compile(r"(?i:\s{1,3}at\s{1,3}risk\b)")
# Not someone's: a shop or restaurant named so ("McDonald's on Market Street"), or a word run on
# with "is" or "has" ("He's at risk", "It's in the police log", "She's in Year 9").
_SHOPS_AND_WORDS_RUN_ON = frozenset(
    {"mcdonald", "macdonald", "sainsbury", "nando", "domino", "morrison", "tesco", "asda", "aldi", "lidl"}
    | {"wetherspoon", "spoons", "boots", "primark", "argos", "greggs", "subway", "kfc", "iceland", "lesson"}
    | {"he", "she", "it", "that", "there", "what", "who", "where", "here", "this", "let", "one", "everyone", "nobody"}
    | {"children", "women", "men", "people", "today", "yesterday", "tonight", "week", "weekend", "year", "month"}
)

# After what happened, before the street, words of a family or its children; before "found",
# children or a family ("The children were found on King Street", not "Mum was arrested for
# shoplifting on Market Street": regression review).
_CHILDREN_OR_A_FAMILY = frozenset(
    {"children", "child", "kids", "kid", "baby", "babies", "siblings", "family", "toddler", "twins", "boys", "girls"}
    | {"son", "sons", "daughter", "daughters", "brothers", "sisters", "grandchildren", "toddlers", "infant"}
)
_A_FAMILY_FOUND = _CHILDREN_OR_A_FAMILY | frozenset(
    {"mum", "dad", "mother", "father", "parents", "nan", "gran", "alone", "home", "unsupervised"}
)
# ("found", not "seen": "A group of boys were seen on Oxford Road throwing stones", "Her son was seen on
# Market Street with older males" say no more than that: regression review.)
_FOUND_THERE = frozenset({"found", "located"})
_A_CHILD_OR_CHILDREN = (
    _CHILDREN_OR_A_FAMILY
    | frozenset({"boy", "girl", "brother", "sister", "youngest"})
    | {"little " + word for word in ("one", "ones", "lad", "lass", "un", "uns", "man")}
)
# Of the eight words before it, those saying something happened there.
_WHAT_HAPPENS_IN_A_PUBLIC_PLACE = frozenset(
    {"found", "seen", "spotted", "sighted", "located", "arrested", "stopped", "detained", "picked", "assaulted"}
    | {"robbed", "attacked", "mugged", "stabbed", "threatened", "approached", "caught", "shoplifting", "dealing"}
    | {"begging", "hanging", "hangs", "hung", "gather", "gathers", "gathered", "walked", "walking", "works"}
    | {"working", "worked", "happened", "incident", "outreach", "cctv", "exploited", "met", "assault"}
)


def _streets(text: str, places: AbstractSet[str] = frozenset()) -> Iterator[Finding]:
    sentences = sentences_of(text)
    for finding in _streets_anywhere(text, places):
        if not _a_public_place(text, finding, places, sentences):
            yield finding


def _streets_anywhere(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    yield from _lower_case_streets(text, places)
    if _A_STREET_TYPE.search(text) is None:
        return
    for match in _STREET.finditer(text):
        spans = list(_A_WORD.finditer(match["name"]))
        words = [_plain(span[0]) for span in spans]
        # "On Station Road", "The Mill Lane": the first words are not the name.
        lead = 0
        while lead < len(words) - 1 and (words[lead] in _BEFORE_A_NAME or words[lead] in _NOT_A_NAME):
            lead += 1
        name = words[lead:]
        if all(
            (
                word.rstrip(".") in _NOT_A_NAME
                and (word.rstrip(".") not in _STREET_NAMES_THAT_DESCRIBE_A_SCHOOL or match["type"] in _NOT_ONLY_STREETS)
            )
            or word in _NOT_A_STREET_NAME
            or word in _NOT_A_STREET_WORD
            for word in name
        ):
            continue
        if match["type"] == "Court" and any(word in _COURT_WORDS for word in name):
            continue  # "the Family Court", "Crown Court", "the Domestic Abuse Court"
        start = match.start("name") + spans[lead].start()
        yield Finding("street", text[start : match.end()], REASONS["street"], start, match.end())
    for match in _STREET_NAMED_THE.finditer(text):
        following = _NEXT_WORD.match(text, match.end())
        if following is None or _plain(following[1]) not in _NOT_AFTER_A_STREET_NAMED_THE:
            yield _finding("street", match)


def _describes_a_school(match: re.Match[str], leading: list[str], name: list[str], text: str) -> bool:
    """For "school", "academy" or "college" in lower case: whether the capitalised words before
    it describe a school rather than name one ("After school", "A Salford school", "Attending
    school", "Recently school has...", "On Monday school called"). A practice type in lower case
    is checked the same way ("Attending GP surgery", "On Monday health centre staff...")."""
    if any(word in _INDEFINITE_WORDS for word in leading):
        return True
    if all(word.rstrip(".") in _NOT_A_NAME or word in _NOT_A_NAME_BEFORE_LOWER_CASE for word in name):
        return True
    if len(name) == 1 and name[0].endswith(("ing", "ly")):
        return True
    return _INDEFINITE.search(text, max(0, match.start() - 12), match.start()) is not None


# A school named by its saint alone, after words that say a child goes to school there ("attends St
# Mary's", "pupil at st johns", "excluded from St Ambrose": found, review, they went unwarned). Not
# after words that a town's name follows as well ("went to St Helens", "moved to St Ives"), nor
# before the word for a hospital, church or practice ("attends St Mary's church"), found as those are.
_SCHOOL_BY_ITS_SAINT = re.compile(
    r"(?<![\w'\u2019])(?i:attends|attended|attending|pupil\s{1,3}at|student\s{1,3}at|started\s{1,3}at"
    r"|starts\s{1,3}at|transferred\s{1,3}to|excluded\s{1,3}from|on\s{1,3}roll\s{1,3}at)\s{1,3}"
    r"(?P<name>(?i:st\.?|saint)\s{1,3}[A-Za-z][a-z'\u2019\-]{1,39})(?![\w'\u2019\-])"
)
# The same, a saint's name with its possessive ("St Mary's", a school's or a church's, never a
# town's: "St Helens", "St Ives"), after words for going there or for a child there ("goes to St
# Mary's", "the 14 year old girl at St Mary's": found, new-user review, they went unwarned).
_SCHOOL_BY_ITS_SAINTS_POSSESSIVE = re.compile(
    r"(?<![\w'\u2019])(?i:(?:goes|go)\s{1,3}to|(?:girl|boy|child|son|daughter|kid|kids|children"
    r"|pupil|pupils|student|students|teenager|brother|sister|sibling|siblings|twins|(?:year|years|yr|yrs)"
    # An age in brackets after a name: "Jayden (7) at St Mary's" (found, facilitators' review).
    r"\s{1,3}old|\(\s{0,2}\d{1,2}\s{0,2}(?:y|yo|yrs?|years?)?\s{0,2}\))\s{1,3}at)\s{1,3}"
    r"(?P<name>(?i:st\.?|saint)\s{1,3}[A-Za-z][A-Za-z\-]{1,39}['\u2019](?i:s))(?![\w'\u2019\-])"
)
# After it, words for worship: a church's, not a school's ("the family goes to St Peter's every Sunday").
_WORSHIP_AFTER = re.compile(
    r"\s{1,3}(?i:(?:every|on|for)\s{1,3}(?:sunday|sundays|mass|service|services|worship|prayers))\b"
)
_NOT_AFTER_A_SAINT = frozenset(
    {
        *("hospital", "infirmary", "church", "cathedral", "chapel", "surgery", "medical", "health", "hospice"),
        *("church's", "parish", "mosque", "centre", "center", "clinic", "practice", "day", "ambulance"),
    }
)


# A named place of worship: one to four capitalised words before a word for one ("Jamia Mosque",
# "St Chad's Church", "Guru Nanak Gurdwara", "Machzikei Hadass Synagogue"), or after it ("Masjid
# Al-Noor", "Gurdwara Sri Guru Singh Sabha"). Found (review of the area's communities): none was
# ever warned about, though for many of the area's families a named mosque, church or gurdwara is
# as much theirs as a school, and may be where the harm happened.
_WORSHIP_WORDS = (
    r"mosque|masjid|musalla|church|chapel|cathedral|gurdwara|gurudwara|mandir|temple|synagogue|shul|kingdom\s{1,3}hall"
)
_PLACE_OF_WORSHIP = re.compile(
    rf"(?<![\w'\u2019])(?P<name>{_NAME_WORD}(?:['\u2019]s)?(?:\s{{1,3}}{_NAME_WORD}(?:['\u2019]s)?){{0,3}})"
    rf"\s{{1,3}}(?P<type>(?i:{_WORSHIP_WORDS}))(?![\w'\u2019\-])"
)
_PLACE_OF_WORSHIP_NAMED_AFTER = re.compile(
    r"(?<![\w'\u2019])(?P<type>Masjid|Gurdwara|Gurudwara|Mandir)"
    rf"(?P<name>(?:\s{{1,3}}{_NAME_WORD}){{1,4}})(?![\w'\u2019\-])"
)
# After the word for a place of worship, what makes it a street's or a school's name, or a
# denomination's ("Church Street", "Church Lane Primary", "Church of England", "Church of God").
_NOT_AFTER_A_PLACE_OF_WORSHIP = re.compile(
    r"\s{1,3}(?i:street|st\b|road|rd\b|lane|avenue|close|drive|way|walk|grove|terrace|place|square|gardens"
    r"|row|court|mews|view|primary|infants?|juniors?|high|academy|school|college|nursery|c\.?\s?e\b|r\.?\s?c\b"
    r"|of\s{1,3}(?:england|god|christ|scotland|ireland|wales|jesus))"
)
# Words before it that say which kind, not which one ("the Catholic church", "a Polish church", "the
# Sikh temple", "Central Mosque" is a name): a name made only of these is none. Also words that start
# a sentence before a name ("Attends Jamia Mosque").
_DESCRIBES_A_PLACE_OF_WORSHIP = frozenset(
    {
        *("the", "a", "an", "our", "their", "his", "her", "my", "your", "local", "nearest", "nearby", "same"),
        *("new", "big", "main", "old", "small", "parish", "village", "town", "city", "family's", "mum's"),
        *("catholic", "roman", "anglican", "baptist", "methodist", "pentecostal", "evangelical", "orthodox"),
        *("greek", "coptic", "free", "reformed", "united", "presbyterian", "lutheran", "congregational"),
        *("sikh", "hindu", "jain", "buddhist", "jewish", "muslim", "islamic", "christian", "shia", "sunni"),
        *("sufi", "african", "black", "gospel", "charismatic", "independent", "community", "polish"),
        *("romanian", "eritrean", "ethiopian", "nigerian", "ghanaian", "ukrainian", "russian", "chinese"),
        *("korean", "tamil", "filipino", "portuguese", "italian", "irish", "kurdish", "arabic", "somali"),
        *("attends", "attend", "attended", "attending", "at", "to", "goes", "go", "went", "from", "in"),
        *("visits", "visited", "near", "outside", "behind", "opposite", "by", "with", "and", "or", "both"),
        *("every", "on", "this", "that", "each", "sunday", "friday", "saturday", "weekly", "she", "he", "they"),
        *("mum", "dad", "family", "children", "child", "kids", "also", "then", "when", "after", "before"),
    }
)
# A denomination's own name before "Church" ("Redeemed Christian Church of God" is caught by "of God").
_DENOMINATIONS = frozenset({"redeemed christian", "salvation army", "latter day saints", "seventh day adventist"})


def _places_of_worship(text: str) -> Iterator[Finding]:
    for match in _PLACE_OF_WORSHIP.finditer(text):
        if _NOT_AFTER_A_PLACE_OF_WORSHIP.match(text, match.end()):
            continue
        # The name less the words before it that say which kind, or start a sentence ("Attends").
        words = list(_A_WORD.finditer(match["name"]))
        while words and _plain(words[0][0]) in _DESCRIBES_A_PLACE_OF_WORSHIP:
            words.pop(0)
        if not words or " ".join(word[0] for word in words).lower() in _DENOMINATIONS:
            continue
        start = match.start("name") + words[0].start()
        yield Finding("place_of_worship", text[start : match.end()], REASONS["place_of_worship"], start, match.end())
    for match in _PLACE_OF_WORSHIP_NAMED_AFTER.finditer(text):
        if all(_plain(word) in _DESCRIBES_A_PLACE_OF_WORSHIP for word in match["name"].split()):
            continue
        yield _finding("place_of_worship", match)


# A name in small letters, one to three words ("oakwood", "hope", "st marys"), for the searches
# of schools and health places below: the fewest words first, so that the words of a type are not
# taken into the name ("attends oakwood primary and nursery school", "at manchester royal infirmary":
# found, review, "primary and" or "royal" in the name passed them over).
_NAME_IN_SMALL_LETTERS = r"(?P<name>[a-z][a-z'\u2019\-]{1,39}(?:\s{1,3}[a-z][a-z'\u2019\-]{1,39}){0,2}?)"
# Or as typed before a type in small letters: a capital first letter to each word, or not
# ("goes to Oakwood primary", "at St Mary's primary": found, review, a capitalised name before a
# type in small letters was found by neither search, though "goes to oakwood primary" was).
_SCHOOLS_NAME_AS_TYPED = r"(?P<name>[A-Za-z][a-z'\u2019\-]{1,39}(?:\s{1,3}[A-Za-z][a-z'\u2019\-]{1,39}){0,2}?)"
# A school named in small letters, after words that say a child goes there, with its type in full
# ("attends oakwood high school", "moved to beech primary school", "at elm infant school": found,
# review, only a capitalised name or a saint's was found), the type in any case ("attends oakwood
# Primary School"). Not where a word of the "name" only describes a school ("at the local primary
# school", "attends a catholic high school", "at her new high school", "at a different primary school").
_SCHOOL_IN_SMALL_LETTERS = re.compile(
    r"(?<![\w'\u2019])(?i:(?P<cue>attends|attended|attending|goes\s{1,3}to|went\s{1,3}to|pupil\s{1,3}at"
    r"|student\s{1,3}at|started\s{1,3}at|starts\s{1,3}at|transferred\s{1,3}to|moved\s{1,3}to|excluded\s{1,3}from"
    r"|on\s{1,3}roll\s{1,3}at|at|from))\s{1,3}" + _SCHOOLS_NAME_AS_TYPED + r"\s{1,3}"
    # The kind of school may come first ("attends oakwood community primary school", "at elm c of e
    # primary": found, review, "community" was taken into the name, and the match passed over).
    r"(?i:(?:(?:community|church|catholic|c\s{0,3}of\s{0,3}e|ce|rc)\s{1,3})?"
    r"(?:(?:primary|infants?|junior|juniors|high|secondary|grammar|middle|nursery|church|community"
    r"|c\s{0,3}of\s{0,3}e|ce|rc)(?:\s{1,3}(?:and|&)\s{1,3}(?:junior|infant|nursery))?\s{1,3}(?:school|academy)"
    r"(?:['\u2019]s)?(?![\w'\u2019\-])"
    # Or the type alone, as a school is called ("attends oakwood primary", "moved to beech infants",
    # "attends oakwood high"): "high" only after a word for going to school ("attends", "pupil at",
    # "goes to"), not "at record high", "went to get high" or "goes to sleep high"
    # (``_schools_in_small_letters``). Either may be possessive ("attends oakwood academy's breakfast club").
    r"|(?P<alone>primary|infants|juniors|high|academy|nursery)(?:['\u2019]s)?(?![\w'\u2019\-])"
    r"(?!\s{1,3}(?:school|academy|(?:and|&)\s{1,3}(?:junior|infant|nursery))(?![\w'\u2019\-]))))"
)
# Words before a school's type alone that say a child goes there, with "high" after them.
_GOES_TO_A_HIGH = ("attend", "pupil", "student", "start", "transferred", "excluded", "on", "goes")
# After "went to", "high" is a school's only after a name shaped as a place's is, as a high school's
# is ("went to oakwood high", "went to walkden high", "went to st marys high": found, review): one of
# the area's ``places``, a saint, or a word ending as English places' names do. Not "went to get
# high", "went to bed high" or "went to town high", nor "went to park high".
_ENDINGS_OF_A_PLACES_NAME = (
    *("wood", "field", "ford", "ton", "ham", "ley", "bury", "dale", "worth", "croft", "hurst", "holme"),
    *("brook", "bridge", "borough", "thorpe", "combe", "mere", "moor", "stead", "wick"),
)
# Endings of a school's name alone, written with its capital, after a school year or "attends":
# found (privacy review), "Year 5 at Moorside", "attends Broadoak", "attends Westgate" went unwarned.
# Not in small letters, where they are as often words ("attended graveside", "attends ringside",
# "attended hillside walks": regression review), nor "-don" (London, Croydon, Gordon, Brandon).
_ENDINGS_OF_A_CAPITALISED_SCHOOLS_NAME = ("side", "oak", "oaks", "gate", "vale")
# Words with those endings that are not a school's name ("attends Outside agencies' meetings").
_NOT_A_SCHOOLS_NAME = frozenset(
    {
        *("alongside", "outside", "inside", "beside", "aside", "investigate", "navigate", "seaside", "graveside"),
        *("bedside", "roadside", "countryside", "fireside", "ringside", "trackside", "kerbside", "poolside"),
        # Counties and regions, and a football word (regression review: "Dad attends Merseyside").
        *("merseyside", "tyneside", "teesside", "humberside", "wearside", "deeside", "tameside", "offside"),
    }
)


def _named_as_a_place(name: str, places: AbstractSet[str]) -> bool:
    words = [_plain(word) for word in name.split()]
    last = words[-1]
    return last in places or (words[0] in ("st", "saint") and len(words) > 1) or _shaped_as_a_places_name(last)


# Words between "goes to" and "high" that are where or how someone goes, not a school's name ("goes
# to get high", "goes to sleep high", "goes to parties high"), with the words no school's name has.
_NOT_BEFORE_A_HIGH = frozenset(
    {
        *("get", "gets", "getting", "got", "be", "feel", "feeling", "sleep", "bed", "work", "class", "classes"),
        *("lesson", "lessons", "party", "parties", "town", "church", "mosque", "gym", "training", "mates"),
        *("friends", "friend's", "mate's", "really", "very", "extremely", "super", "sky", "record", "new"),
    }
)
# Words after the first of a school's name in small letters that are part of it, though they only
# describe a school alone ("attends salford city academy", "at worsley village primary": found,
# review; not "attends city academy").
_PART_OF_A_SCHOOLS_NAME = frozenset({"city", "town", "village"})
# Words before "academy" that make it a club or a training, not a school ("attends football
# academy", "at dance academy on Saturdays", "went to police academy", "at youth academy").
_NOT_A_SCHOOL_ACADEMY = frozenset(
    {
        *("football", "soccer", "rugby", "cricket", "tennis", "netball", "basketball", "boxing", "swimming"),
        *("gymnastics", "gym", "sports", "sport", "dance", "dancing", "ballet", "drama", "stage", "theatre"),
        *("music", "art", "arts", "performing", "film", "media", "coding", "police", "military", "fire"),
        *("youth", "weekend", "saturday", "sunday", "summer", "holiday", "training", "tuition", "martial"),
        *("karate", "judo", "multi", "form", "trust", "skills", "leadership", "apprenticeship", "hair"),
    }
)
# Words that describe a school in small letters, with ``_NOT_A_NAME`` and the others looked at.
_DESCRIBES_A_SCHOOL_IN_SMALL_LETTERS = frozenset(
    {
        *("different", "girls", "girls'", "boys", "boys'", "mixed", "single", "sex", "selective", "closest"),
        *("usual", "area", "council", "state", "struggling", "mainstream", "sen", "send", "specialist"),
        *("welsh", "english", "cofe", "new", "old", "last", "first", "second", "third", "own", "sister's"),
        *("brother's", "siblings'", "sibling's", "his", "her", "their", "local", "nearby", "chosen"),
        *("rural", "urban", "inner", "entry", "record", "sky", "all-time", "risk", "upper", "lower"),
    }
)


# Words before a school's type, in small letters, that are no school's name (both finders below).
_NOT_A_SCHOOLS_NAME_IN_SMALL_LETTERS = (
    _NOT_A_NAME,
    _NOT_A_NAME_BEFORE_LOWER_CASE,
    _NOT_A_STREET_NAME,
    _DESCRIBES_A_SCHOOL_IN_SMALL_LETTERS,
    _INDEFINITE_WORDS,
)


def _schools_in_small_letters(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    lowered = text.lower()
    if not any(word in lowered for word in ("school", "academy", "primary", "infants", "juniors", "high", "nursery")):
        return  # most texts: not searched
    # "at the local primary school" is passed over; "went to" may come later.
    for match in _named_in_small_letters(
        _SCHOOL_IN_SMALL_LETTERS, text, _NOT_A_SCHOOLS_NAME_IN_SMALL_LETTERS, _PART_OF_A_SCHOOLS_NAME
    ):
        alone = match["alone"]
        if alone is not None:
            if alone.lower() == "high" and (
                not (
                    match["cue"].lower().startswith(_GOES_TO_A_HIGH)
                    or (match["cue"].lower().startswith("went") and _named_as_a_place(match["name"], places))
                )
                or any(_plain(word) in _NOT_BEFORE_A_HIGH for word in match["name"].split())
            ):
                continue  # "went to get high", "goes to sleep high"
            if alone.lower() == "academy" and _plain(match["name"].split()[-1]) in _NOT_A_SCHOOL_ACADEMY:
                continue  # "attends football academy"
            # "nursery" alone after a name written with its capitals ("goes to Oakwood nursery", "at
            # Little Acorns nursery": found, a review of the check, they went unwarned, as "goes to
            # Oakwood Nursery" was not); in small letters a word before it more often says what kind
            # ("goes to day nursery", "at morning nursery").
            if alone.lower() == "nursery" and not all(word[0].isupper() for word in match["name"].split()):
                continue
            following = _NEXT_WORD.match(text, match.end())
            if following is not None and _plain(following[1]) in _NOT_AFTER_A_SCHOOL:
                continue  # "attends oakwood primary care"
        start = match.start("name")
        yield Finding("school", text[start : match.end()], REASONS["school"], start, match.end())


def _named_in_small_letters(
    pattern: re.Pattern[str],
    text: str,
    not_names: tuple[AbstractSet[str], ...],
    part_of_a_name: AbstractSet[str] = frozenset(),
) -> Iterator[re.Match[str]]:
    """``pattern``'s matches whose ``name`` holds no word of ``not_names``, less those of
    ``part_of_a_name`` beside a word of no list ("salford city", "royal oldham"; not "city" alone).
    A match passed over is searched again from its next character, so a later lead-in word ("went
    to", "at") is found."""
    at = 0
    while (match := pattern.search(text, at)) is not None:
        words = [_plain(word) for word in match["name"].split()]
        if all(word in part_of_a_name for word in words) or any(
            word in names and word not in part_of_a_name for word in words for names in not_names
        ):
            at = match.start() + 1
            continue
        yield match
        at = match.end()


def _schools(text: str, places: AbstractSet[str] = frozenset()) -> Iterator[Finding]:
    yield from _named_schools(text)
    yield from _schools_in_small_letters(text, places)
    yield from _schools_named_as_places_in_small_letters(text, places)
    # After those, so that a school's whole name is kept ("attends St Mary's Primary School").
    yield from _schools_by_their_faith(text, places)
    for saints, not_after in (
        (_SCHOOL_BY_ITS_SAINT, _NOT_AFTER_A_SAINT),
        # (Its church's initials after it are left to ``_schools_by_their_faith``, which finds the
        # school and not the church: "went to St Peter's RC church", "goes to St Peter's RC primary".)
        (_SCHOOL_BY_ITS_SAINTS_POSSESSIVE, _NOT_AFTER_A_SAINT | {"rc", "ce", "c"}),
    ):
        for match in saints.finditer(text):
            following = _NEXT_WORD.match(text, match.end())
            if following is not None and _plain(following[1]) in not_after:
                continue
            if saints is _SCHOOL_BY_ITS_SAINTS_POSSESSIVE and _WORSHIP_AFTER.match(text, match.end()):
                continue
            yield _finding("school", match, "name")
    yield from _schools_after_a_school_year(text, places)


# A school named in small letters with its type in full, or a college, and no words before it saying a
# child goes there ("oakwood high school rang", "walkden high school said", "salford city college
# confirmed": found, review, only after "attends", "at" and the like were they found): where a word of
# the name is one of the area's places, or its last is shaped as a place's name is (as after "went to":
# ``_named_as_a_place``). Not "the local high school", "the new secondary school", "a salford primary
# school" (any one), nor "art college" or "sixth form college".
_SCHOOL_NAMED_AS_A_PLACE = re.compile(
    r"(?<![\w'\u2019\-])(?P<name>[a-z][a-z'\u2019\-]{1,39}(?:\s{1,3}[a-z][a-z'\u2019\-]{1,39}){0,2}?)\s{1,3}"
    r"(?P<type>(?i:(?:primary|infants?|junior|juniors|high|secondary|grammar|middle|nursery|community|church"
    r"|c\s{0,3}of\s{0,3}e|ce|rc)(?:\s{1,3}(?:and|&)\s{1,3}(?:junior|infant|nursery))?\s{1,3}(?:school|academy)"
    r"|college)(?:['\u2019]s)?)(?![\w'\u2019\-])"
)

# The types alone: a text without one (most texts) is not searched for the names before them.
_BEFORE_SCHOOL_IN_FULL = re.compile(
    r"(?:primary|infants?|juniors?|high|secondary|grammar|middle|nursery|community|church|e|ce|rc)\s{1,3}$"
)


def _a_school_type_in_full(lowered: str) -> bool:
    if "college" in lowered:
        return True
    for word in ("school", "academy"):
        at = lowered.find(word)
        while at >= 0:
            if _BEFORE_SCHOOL_IN_FULL.search(lowered, max(0, at - 16), at):
                return True
            at = lowered.find(word, at + 1)
    return False


# After a college named by a whole city or borough alone, in small letters, words for what it offers
# ("bury college course", "an oldham college place", "the bury college open day").
_WHAT_A_COLLEGE_OFFERS = frozenset(
    {
        *("course", "courses", "place", "places", "application", "applications", "apply", "open", "prospectus"),
        *("taster", "offer", "offers", "website", "fair", "bus", "tour", "visit", "visits", "enrolment"),
    }
)


def _schools_named_as_places_in_small_letters(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    if not _a_school_type_in_full(text.lower()):
        return  # most texts: not searched
    not_names = (*_NOT_A_SCHOOLS_NAME_IN_SMALL_LETTERS, _NOT_A_SCHOOL_ACADEMY)
    boroughs = places.boroughs if isinstance(places, Places) else frozenset()
    for match in _named_in_small_letters(_SCHOOL_NAMED_AS_A_PLACE, text, not_names, _PART_OF_A_SCHOOLS_NAME):
        words = [_plain(word) for word in match["name"].split()]
        if not (any(word in places for word in words) or _shaped_as_a_places_name(words[-1])):
            continue
        if _INDEFINITE.search(text, max(0, match.start() - 12), match.start()) is not None:
            continue  # "a salford primary school"
        following = _NEXT_WORD.match(text, match.end())
        if (
            match["type"].lower() == "college"
            and all(word in boroughs for word in words)
            and following is not None
            and _plain(following[1]) in _WHAT_A_COLLEGE_OFFERS
        ):
            continue  # "bury college course": what the borough's college offers
        if following is not None and _plain(following[1]) in _NOT_AFTER_A_SCHOOL:
            continue
        yield _finding("school", match, 0)


# A school named by its saint, or by capitalised words, and its church's initials, as schools are
# called for short ("St Peter's RC", "St Mary's CE", "st johns c of e", "Holy Trinity CE", "Our Lady
# of Lourdes RC": found, review, with no "Primary" or "School" after them they went unwarned). The
# initials are in capitals after a name that is not a saint's ("the Trust ce" is not one). Not the
# church, parish or diocese itself ("St Peter's RC Church", "the Salford RC Diocese"), a remote-control
# toy ("Jayden's RC car"), nor a body's chief executive ("the Trust CE said").
_SCHOOL_BY_ITS_FAITH = re.compile(
    r"(?<![\w'\u2019])(?P<name>(?P<saint>(?i:st\.?|saint)\s{1,3}[A-Za-z][A-Za-z'\u2019\-]{1,39}"
    r"(?:\s{1,3}(?:and|&)\s{1,3}(?i:st\.?|saint)\s{1,3}[A-Za-z][A-Za-z'\u2019\-]{1,39})?)"
    rf"|{_NAME_WORD}(?:\s{{1,3}}(?:(?:of|the|&)\s{{1,3}})?{_NAME_WORD}){{0,3}})\s{{1,3}}"
    r"(?P<faith>(?i:r\.?\s?c\.?|c\.?\s?e\.?|c\s{0,3}of\s{0,3}e|cofe))(?![\w'\u2019\-])"
)
_FAITH_IN_CAPITALS = re.compile(r"R\.?\s?C\.?|C\.?\s?E\.?|C\s{0,3}of\s{0,3}E|CofE")
_NOT_AFTER_A_FAITH = frozenset(
    {
        *("church", "church's", "churches", "parish", "parishes", "diocese", "diocesan", "cathedral", "chapel"),
        *("mass", "priest", "vicar", "congregation", "hospital", "car", "cars", "plane", "planes", "boat"),
        *("helicopter", "truck", "toy", "toys", "drone", "club"),
    }
)
# The last word of a capitalised name before "CE" that makes it a body, whose chief executive it is.
_A_BODYS_NAME = frozenset(
    {
        *("trust", "council", "nhs", "company", "charity", "group", "board", "partnership", "foundation"),
        *("authority", "hospital", "icb", "ccg", "agency", "service", "services", "organisation", "team"),
        *("society", "association", "network", "office", "department", "ltd", "plc", "uk"),
    }
)


# In small letters, a name and its church's initials before a school's type ("oakwood rc primary", "st
# marys c of e high school", "beech ce primary": found, review, with no word before saying a child goes
# there they went unwarned): the initials before a type say a school is named. Not words that describe
# one ("the rc primary", "a local ce primary", "attending rc primary"), nor a whole city or borough's
# ("salford rc primary heads").
_SCHOOL_BY_ITS_FAITH_IN_SMALL_LETTERS = re.compile(
    r"(?<![\w'\u2019\-])" + _NAME_IN_SMALL_LETTERS + r"\s{1,3}"
    r"(?i:r\.?\s?c\.?|c\.?\s?e\.?|c\s{0,3}of\s{0,3}e|cofe)\s{1,3}"
    r"(?i:(?:primary|infants?|juniors?|high|secondary|grammar|middle|nursery)(?:\s{1,3}(?:school|academy))?"
    r"|school|academy|college)(?:['\u2019]s)?(?![\w'\u2019\-])"
)
_CHURCH_INITIALS = re.compile(r"(?<![a-z])(?:rc|ce|r\.c|c\.e|c\s{0,3}of\s{0,3}e|cofe)(?![a-z])")
# Words that say where a child goes or what they do, not a school's name, before the initials.
_NOT_A_NAME_BEFORE_THE_INITIALS = frozenset(
    {
        *("attends", "attended", "attending", "goes", "went", "go", "going", "joined", "joins", "joining"),
        *("started", "starts", "starting", "left", "leaves", "leaving", "moved", "moving", "transferred"),
        *("excluded", "chose", "chosen", "choose", "prefers", "preferred", "wants", "wanted", "catholic"),
        *("both", "two", "three", "several", "many", "all", "other", "nearest", "local", "feeder", "our"),
    }
)


def _schools_by_their_faith_in_small_letters(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    if _CHURCH_INITIALS.search(text.lower()) is None:
        return  # most texts: not searched
    boroughs = places.boroughs if isinstance(places, Places) else frozenset()
    not_names = (*_NOT_A_SCHOOLS_NAME_IN_SMALL_LETTERS, _BEFORE_A_NAME, _NOT_A_NAME_BEFORE_THE_INITIALS)
    for match in _named_in_small_letters(_SCHOOL_BY_ITS_FAITH_IN_SMALL_LETTERS, text, not_names):
        words = [_plain(word) for word in match["name"].split()]
        if all(word in boroughs for word in words) or words[-1].endswith("ing"):
            continue  # "salford rc primary heads", "visiting rc primary"
        if _INDEFINITE.search(text, max(0, match.start() - 12), match.start()) is not None:
            continue  # "a salford rc primary"
        yield _finding("school", match, 0)


def _schools_by_their_faith(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    yield from _schools_by_their_faith_in_small_letters(text, places)
    for match in _SCHOOL_BY_ITS_FAITH.finditer(text):
        following = _NEXT_WORD.match(text, match.end())
        if following is not None and _plain(following[1]) in _NOT_AFTER_A_FAITH:
            continue
        start = match.start("name")
        if match["saint"] is None:
            if not _FAITH_IN_CAPITALS.fullmatch(match["faith"]):
                continue
            spans = list(_A_WORD.finditer(match["name"]))
            words = [_plain(span[0]) for span in spans]
            lead = 0
            while lead < len(words) - 1 and words[lead] in _BEFORE_A_NAME:
                lead += 1
            name = words[lead:]
            if (
                all(word.rstrip(".") in _NOT_A_NAME or word in places for word in name)
                or name[-1] in _A_BODYS_NAME
                or name[-1].endswith("'s")
                or any(span[0].isupper() and len(span[0]) > 1 for span in spans[lead:])  # "the CSC CE"
            ):
                continue
            start += spans[lead].start()
        yield Finding("school", text[start : match.end()], REASONS["school"], start, match.end())


# A school's name where the words before say a school is meant: a saint's, capitalised words, or one word
# in small letters (``_a_school_named_alone`` decides).
_A_SCHOOLS_NAME_ALONE = (
    r"(?P<name>(?P<saint>(?i:st\.?|saint)\s{1,3}[A-Za-z][A-Za-z'\u2019\-]{1,39})"
    rf"|{_NAME_WORD}(?:\s{{1,3}}(?:(?:of|the|&)\s{{1,3}})?{_NAME_WORD}){{0,2}}"
    r"|(?P<small>[a-z][a-z'\u2019\-]{1,39}))(?![\w'\u2019\-])"
)
# A school year and the school after it ("year 9 at Oakwood", "Y9 at Oakwood", "year nine at Oakwood",
# "a year 10 pupil at Beechwood", "yr 9 from St Ambrose": found, review, a school's name without "High" or "School" went
# unwarned, though the year before it says a school is meant), the year in the plural too ("the year 9s
# at Oakwood", "year nines at Oakwood": found, review). The name is a saint's, or shaped as a school's
# is (``_a_schools_name_alone``): one of the area's smaller places ("Year 9 at Walkden": found, review),
# a word shaped as a place's name ("year 9 at oakwood"), or capitalised words ending in a word a
# place's name ends with ("Year 9 at Harrop Fold"). Not an ordinary word, a time or an event ("year 9
# at school", "Year 9 at Christmas", "Year 9 at Options Evening", "year 9 at Nan's", "Year 9 at GCSE"),
# a shop or a business ("Year 9 at Tesco": found, review, warned about), nor a whole city or borough
# (the partnership file's ``boroughs``: "year 9 at Salford" names the area, not a school).
_SCHOOL_YEAR_THEN_A_NAME = re.compile(
    r"(?<![\w'\u2019\-])(?:(?:(?i:year|yr)\.?\s{0,3}|[Yy])(?P<year>\d{1,2})(?:['\u2019]?s)?"
    r"|(?i:year)\s{1,3}(?P<year_in_words>(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen)"
    r"(?:e?s)?))"
    r"(?![\w'\u2019\-])"
    r"(?:\s{1,3}(?i:pupils?|students?|learners?|girls?|boys?|child|children))?\s{1,3}(?i:at|from)\s{1,3}"
    + _A_SCHOOLS_NAME_ALONE
)
# Times and events at school, capitalised as a heading's or an event's words are.
_NOT_A_SCHOOL_AFTER_A_YEAR = frozenset(
    {
        *("half", "term", "end", "start", "beginning", "moment", "present", "least", "times", "lunch"),
        *("lunchtime", "break", "breaktime", "playtime", "registration", "assembly", "prom", "camp", "options"),
        *("evening", "night", "week", "exams", "exam", "mocks", "sats", "gcse", "gcses", "interview", "work"),
        *("induction", "parents", "open", "sports", "taster", "nan's", "gran's", "grandma's", "friend's"),
        *("mate's", "dad's", "mum's", "home", "age", "risk", "time", "first", "last", "christmas", "easter"),
        # Clubs, groups and places of worship a child goes to outside school ("Year 9 at Scouts",
        # "year 9 at Mosque"), and what a year does ("Year 9 at Key Stage 3", "Year 9 at Duke of Edinburgh").
        *("scouts", "cadets", "guides", "brownies", "beavers", "cubs", "swimming", "gym", "dance", "karate"),
        *("mosque", "temple", "gurdwara", "synagogue", "madrassa", "madrasa", "key", "duke", "halloween"),
        *("bonfire", "eid", "diwali", "ramadan", "greater", "north", "south", "east", "west", "central"),
    }
)
# Words that end a school's name of capitalised words, as the last word of a place's name does ("Harrop
# Fold", "Moor Green", "Kings Hill").
_LAST_WORDS_OF_A_PLACES_NAME = frozenset(
    {"fold", "hill", "green", "vale", "bank", "gate", "moor", "heath", "grange", "lees", "fields", "brow", "side"}
)
# After a place's name, words that make it somewhere other than a school ("Year 9 at Walkden Library",
# "attends Eccles Leisure Centre"), with those of ``_NOT_AFTER_A_SAINT``.
_NOT_A_SCHOOL_AFTER_A_PLACE = frozenset(
    {
        *("library", "leisure", "centre", "center", "station", "interchange", "market", "precinct", "pool", "baths"),
        *("police", "fire", "bus", "train", "tram", "metrolink", "shopping", "retail", "park", "youth", "club"),
        *("football", "rugby", "cricket", "boxing", "gym", "family", "families", "contact", "court", "town", "civic"),
        *("library's", "methodist", "baptist", "gurdwara", "temple", "synagogue", "foodbank", "food", "job"),
        # A football club's ("attends Sheffield Wednesday matches", "attends Everton games").
        *("united", "city", "rovers", "athletic", "wanderers", "wednesday", "albion", "fc", "afc"),
        # What else goes on at a place ("attends Walkden sessions", "attends Ordsall Hall").
        *("games", "game", "matches", "match", "fixtures", "gigs", "gig", "concerts", "concert", "festival"),
        *("events", "event", "sessions", "session", "meetings", "meeting", "group", "groups", "services"),
        *("service", "hall", "castle", "museum", "zoo", "carnival", "fair", "show"),
    }
)


def _a_schools_name_alone(words: list[str], small: bool, places: AbstractSet[str]) -> bool:
    """Whether ``words`` (in small letters, as typed in small letters if ``small``), alone where a
    school is meant (after a school year, after "attends"), are shaped as a school's name: one of the
    area's places that is not a whole city or borough ("Walkden"), a word shaped as a place's name
    ("Oakwood", "brookfield"), or capitalised words ending as a place's name does ("Harrop Fold");
    not a shop or a business ("Tesco"), nor a place then a word that makes it somewhere else ("Walkden
    Library")."""
    boroughs = places.boroughs if isinstance(places, Places) else frozenset()
    if any(word in boroughs for word in words):
        return False  # "year 9 at Salford": the area
    if any(word in _NOT_A_SCHOOL_AFTER_A_PLACE or word in _NOT_AFTER_A_SAINT for word in words[1:]):
        return False  # "Walkden Library", "Oakwood Health Centre"
    if any(word in places for word in words) or _shaped_as_a_places_name(words[0]):
        return True
    if not small and len(words) == 1 and _shaped_as_a_capitalised_schools_name(words[0]):
        return True  # "Year 5 at Moorside", "attends Broadoak"
    return (
        not small
        and len(words) > 1
        and (words[-1] in _LAST_WORDS_OF_A_PLACES_NAME or _shaped_as_a_places_name(words[-1]))
    )


# A school's name alone after words that say a child goes there ("attends oakwood", "pupil at Walkden":
# found, review), shaped as a school's is, as after a school year. Not what else a child attends ("attends
# meetings", "attends regularly", "attends the group", "attends CAMHS", "attends Oakwood Youth Club").
_ATTENDS_THEN_A_NAME = re.compile(
    r"(?<![\w'\u2019\-])(?i:attends|attended|attending|pupil\s{1,3}at|student\s{1,3}at"
    r"|on\s{1,3}roll\s{1,3}at)\s{1,3}" + _A_SCHOOLS_NAME_ALONE
)


def _schools_after_a_school_year(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    for match in _SCHOOL_YEAR_THEN_A_NAME.finditer(text):
        if match["year"] is not None and not 1 <= int(match["year"]) <= 13:
            continue
        yield from _a_school_named_alone(text, match, places)
    lowered = text.lower()
    if not any(word in lowered for word in ("attend", "pupil", "student", "roll")):
        return  # most texts: not searched
    for match in _ATTENDS_THEN_A_NAME.finditer(text):
        yield from _a_school_named_alone(text, match, places)


def _a_school_named_alone(text: str, match: re.Match[str], places: AbstractSet[str]) -> Iterator[Finding]:
    """The school named by ``match``'s ``name`` (its ``saint``'s, or as typed: ``small`` in small
    letters), if it is shaped as a school's name is (``_a_schools_name_alone``)."""
    start, end = match.span("name")
    following = _NEXT_WORD.match(text, end)
    if any(_plain(word) in _NOT_AFTER_A_SAINT for word in match["name"].split()[1:]) or (
        following is not None and _plain(following[1]) in _NOT_AFTER_A_SAINT
    ):
        return  # "Year 9 at St Mary's church", "year 9 at Oakwood Health Centre": found as those are
    if match["saint"] is None:
        spans = list(_A_WORD.finditer(match["name"]))
        words = [_plain(span[0]) for span in spans]
        # The name ends before an ordinary word ("year 9 at Oakwood Mum says").
        kept = 1
        while kept < len(words) and not _not_a_schools_name_after_a_year(words[kept]):
            kept += 1
        first = words[0]
        after = words[kept] if kept < len(words) else _plain(following[1]) if following is not None else ""
        if (
            _not_a_schools_name_after_a_year(first)
            or first.endswith("'s")
            or (spans[0][0].isupper() and len(spans[0][0]) > 1)  # "Year 9 at GCSE"
            or after in _NOT_A_SCHOOL_AFTER_A_PLACE  # "Year 9 at Walkden Youth Club"
            or not _a_schools_name_alone(words[:kept], match["small"] is not None, places)
        ):
            return
        end = start + spans[kept - 1].end()
    yield Finding("school", text[start:end], REASONS["school"], start, end)


def _not_a_schools_name_after_a_year(word: str) -> bool:
    return (
        word.rstrip(".") in _NOT_A_NAME
        or word in _NOT_A_NAME_BEFORE_LOWER_CASE
        or word in _NOT_A_SCHOOL_AFTER_A_YEAR
        or word in _NOT_A_SCHOOL_ACADEMY
        or word in _NOT_A_STREET_NAME
        or word in _WHOSE_OR_WHAT_KIND_OF_PLACE
    )


def _shaped_as_a_places_name(word: str) -> bool:
    """Whether a word in small letters ends as English places' names do ("oakwood", "brookfield")."""
    return _ends_as_a_name(word, _ENDINGS_OF_A_PLACES_NAME)


def _shaped_as_a_capitalised_schools_name(word: str) -> bool:
    """Whether a word (in small letters, typed with its capital) ends as a school's name often does
    ("moorside", "broadoak": ``_ENDINGS_OF_A_CAPITALISED_SCHOOLS_NAME``)."""
    return word not in _NOT_A_SCHOOLS_NAME and _ends_as_a_name(word, _ENDINGS_OF_A_CAPITALISED_SCHOOLS_NAME)


def _ends_as_a_name(word: str, endings: tuple[str, ...]) -> bool:
    """Whether ``word`` ends with one of ``endings`` after at least three letters of its own."""
    return any(word.endswith(ending) and len(word) >= len(ending) + 3 for ending in endings)


# Words no school's name has, which a sentence in capitals or a heading has before "SCHOOL": "NOT SEEN
# IN SCHOOL", "Concerns Raised By School", "Not Responding To Calls From School".
_NOT_IN_A_SCHOOLS_NAME = frozenset(
    {"not", "in", "at", "to", "from", "off", "into", "seen", "is", "was", "has", "been", "no", "missed", "since"}
    | {"attends", "attend", "attended", "attending", "goes", "went", "by", "about", "for", "with"}
    | {"after", "before", "during"}  # "Supervision Of The Younger Children After School"
)
# And in capitals: "ATTENDS A SPECIAL SCHOOL", "MOVED TO A NEW SCHOOL" (found: each was a school's
# name; "He goes to The Valley School" keeps its "The"). Nor are they a school's name alone ("Notes
# From The Call With The School Nurse": found, held-out sentences).
_A_SCHOOLS_DETERMINERS = frozenset(
    {"a", "an", "the", "his", "her", "their", "this", "that", "another", "any", "same", "my", "our", "your"}
)
_NOT_IN_A_SCHOOLS_NAME_IN_CAPITALS = _NOT_IN_A_SCHOOLS_NAME | _A_SCHOOLS_DETERMINERS


def _named_schools(text: str) -> Iterator[Finding]:
    for match in _SCHOOL.finditer(text):
        spans = list(_A_WORD.finditer(match["name"]))
        words = [span[0].lower().replace("\u2019", "'") for span in spans]
        if all(word.rstrip(".") in _NOT_A_NAME for word in words):
            continue
        # "At St Mary's Primary School", "In Oakwood school": the first words are not the name.
        lead = 0
        while lead < len(words) - 1 and words[lead] in _BEFORE_A_NAME:
            lead += 1
        if match["plain"] and match["plain"].islower() and _describes_a_school(match, words[:lead], words[lead:], text):
            continue
        # A school's name starts after the last word no name has, as a sentence in capitals or a heading
        # has them: "ZHYAR NOT SEEN IN SCHOOL" and "Concerns Raised By School" name no school, "WENT TO
        # OAKWOOD PRIMARY SCHOOL" names Oakwood Primary School.
        not_in_a_name = _NOT_IN_A_SCHOOLS_NAME_IN_CAPITALS if match[0].isupper() else _NOT_IN_A_SCHOOLS_NAME
        lead = max([lead] + [at + 1 for at, word in enumerate(words) if word in not_in_a_name])
        if all(word in _A_SCHOOLS_DETERMINERS for word in words[lead:]):
            continue
        # In capitals, "school" after everyday words is no school's name ("KIDS NOT AT SCHOOL", "SHE
        # LOVES SCHOOL", "MUM KEPT HIM OFF SCHOOL": found, review), as in small letters it is not.
        if (
            match[0].isupper()
            and match["plain"]
            and all(_is_common_word(word.strip(".'")) or word.upper() in _ACRONYMS for word in words[lead:])
        ):
            continue
        following = _NEXT_WORD.match(text, match.end())
        after = following[1].lower() if following is not None else ""
        if after == "hospital" or (match["bare"] and after in _NOT_AFTER_A_SCHOOL):  # King's College Hospital
            continue
        start = match.start("name") + spans[lead].start()
        yield Finding("school", text[start : match.end()], REASONS["school"], start, match.end())


def _not_a_practice_name(word: str) -> bool:
    return word.rstrip(".") in _NOT_A_NAME or word in _NOT_A_PRACTICE_NAME


def _gp_practices(text: str, places: AbstractSet[str] = frozenset()) -> Iterator[Finding]:
    for match in _GP_PRACTICE.finditer(text):
        spans = list(_A_WORD.finditer(match["name"]))
        words = [span[0].lower().replace("\u2019", "'") for span in spans]
        # "At Eccles Health Centre": the first words are not the name.
        lead = 0
        while lead < len(words) - 1 and words[lead] in _BEFORE_A_NAME:
            lead += 1
        # "The Surgery", "Her GP Surgery", "Mental Health Centre", "A Salford GP practice".
        if all(_not_a_practice_name(word) for word in words[lead:]) or any(
            word in _INDEFINITE_WORDS for word in words[:lead]
        ):
            continue
        if _INDEFINITE.search(text, max(0, match.start() - 12), match.start()) is not None:
            continue
        if (
            match["lower"]
            and match["lower"].split()[-1].islower()
            and _describes_a_school(match, words[:lead], words[lead:], text)
        ):
            continue
        start = match.start("name") + spans[lead].start()
        yield Finding("gp_practice", text[start : match.end()], REASONS["gp_practice"], start, match.end())
    for match in _DOCTOR.finditer(text):
        surname = match["surname"].lower().replace("\u2019", "'")
        if surname not in _NOT_A_SURNAME:
            yield _finding("gp_practice", match)
    for match in _DOCTOR_IN_SMALL_LETTERS.finditer(text) if "dr" in text or "Dr" in text else ():
        if _doctor_in_small_letters(text, match):
            yield _finding("gp_practice", match, "doctor")
    for match in _DOCTOR_IN_CAPITALS.finditer(text):
        surname = match["surname"].lower().replace("\u2019", "'")
        # In capitals a surname cannot be told from a word by its capital either: not the words
        # "dr" in small letters is known to come before ("DR APPT", "DR LETTER", "DR WILL").
        if (
            surname not in _NOT_A_SURNAME
            and surname not in _NOT_A_SURNAME_IN_CAPITALS
            and surname not in _NOT_A_SURNAME_IN_SMALL_LETTERS
        ):
            yield _finding("gp_practice", match)
    yield from _hospitals(text)
    yield from _health_places_in_small_letters(text, places)
    yield from _hospitals_known_by_name(text, places)
    yield from _hospitals_where_someone_was_taken(text, places)


# A hospital, health centre or medical practice named in small letters, after words saying where
# ("seen at hope hospital", "admitted to eccles infirmary", "registered at eccles health centre":
# found, review, only capitalised names were found). Not words that describe one ("in the
# hospital", "at the local health centre", "at a childrens hospital", "in mental health hospital");
# "surgery" is left out: in small letters it is as often an operation ("recovering from jaw surgery").
# A hospital known by its town and "royal" ("taken to salford royal", "born at oldham royal": found,
# review) is looked for too, where the word before "royal" is one of the area's places (the
# partnership file's ``places``), and not before a word that makes it something else ("salford
# royal mail", "manchester royal exchange") or an agency ("salford royal health visiting").
_HEALTH_PLACE_IN_SMALL_LETTERS = re.compile(
    r"(?<![\w'\u2019])(?i:at|in|to|from|into)\s{1,3}(?:(?P<the>(?i:the))\s{1,3})?" + _NAME_IN_SMALL_LETTERS + r"\s{1,3}"
    r"(?P<type>(?P<hospital>hospital|infirmary|royal\s{1,3}(?:hospital|infirmary)|(?P<royal>royal))"
    r"|(?:health|medical)\s{1,3}cent(?:re|er)"
    r"|medical\s{1,3}practice)(?![\w'\u2019\-])"
)
# The same led by one of the area's places, with no word before it saying where ("salford trust
# hospital discharged him", "GP is eccles health centre", "registered with pendleton medical practice").
_HEALTH_PLACE_LED_BY_A_PLACE = re.compile(
    r"(?<![\w'\u2019\-])" + _NAME_IN_SMALL_LETTERS + r"\s{1,3}"
    r"(?P<type>(?P<hospital>hospital|infirmary|royal\s{1,3}(?:hospital|infirmary)|(?P<royal>royal))"
    r"|(?:health|medical)\s{1,3}cent(?:re|er)"
    r"|medical\s{1,3}practice)(?![\w'\u2019\-])"
)
# "royal" first in a hospital's name in small letters, before a word of no list ("taken to royal oldham
# hospital", "at royal bolton hospital": found, review; not "at royal hospital" alone), and "childrens"
# in one ("at royal manchester childrens hospital": found, review; not "at the childrens hospital").
# After "the" ("in the hope hospital", "taken to the royal oldham hospital": found, review), or with
# one of these, the other words must not describe one either ("the wrong hospital", "the adult
# hospital", "the isolation hospital", "at out-of-area childrens hospital").
_PART_OF_A_HOSPITALS_NAME = frozenset({"royal", "childrens", "children's"})
# Words that describe a hospital alone ("at the trust hospital", "in general hospital", "at university
# hospital") but are part of its name beside one of the area's places ("at salford trust hospital",
# "at tameside general hospital", "at manchester university hospital": found, review, they went unwarned).
_PART_OF_A_HOSPITALS_NAME_BESIDE_A_PLACE = frozenset(
    {"trust", "general", "district", "university", "teaching", "community", "memorial", "nhs", "foundation"}
)
# After a place and "royal" in small letters, words that make it something other than a hospital.
_NOT_AFTER_A_ROYAL = frozenset(
    {
        *("mail", "wedding", "weddings", "family", "exchange", "navy", "marines", "air", "british", "legion"),
        *("mint", "visit", "visits", "baby", "ballet", "academy", "society", "college", "court", "courts"),
        *("opera", "variety", "show", "blue", "jelly", "icing", "flush", "seal", "assent", "charter"),
        *("warrant", "commission", "park", "parks", "theatre", "pub", "hotel", "arms", "oak", "mile"),
    }
)
_DESCRIBES_A_HEALTH_PLACE_IN_SMALL_LETTERS = frozenset(
    {
        *("childrens", "kids", "kids'", "psych", "rehab", "adolescent", "neuro", "eating", "disorder", "disorders"),
        *("eye", "dental", "animal", "vet", "vets", "dog", "burns", "cancer", "heart", "chest", "women's", "womens"),
        *("mens", "local", "nearest", "nearby", "different", "another", "same", "big", "main", "new", "old"),
        *("uk", "overseas", "foreign", "abroad", "private", "field", "army", "prison", "secure", "specialist"),
        *("right", "wrong", "adult", "adults", "trauma", "stroke", "worst", "bad", "proper", "fever", "covid"),
        *("far", "baby", "babies", "labour", "delivery", "hospice", "forensic", "medium", "low", "gender"),
        *("disabilities", "ladies", "paeds", "uni", "correct", "little", "large", "tiny", "nice", "makeshift"),
        *("war", "ae", "trust", "trust's"),
        # Play and pretend ("went to the teddy bear hospital", a visit schools and nurseries hold).
        *("teddy", "bear", "toy", "toys", "doll", "dolls", "pretend", "play", "lego", "dentist", "dentists"),
    }
)


def _health_places_in_small_letters(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    if not any(word in text for word in ("hospital", "infirmary", "centre", "center", "medical", "royal")):
        return  # most texts: not searched
    not_names = (
        _NOT_A_NAME,
        _NOT_A_STREET_NAME,
        _NOT_A_PRACTICE_NAME,
        _NOT_A_HOSPITAL_NAME,
        _DESCRIBES_A_HEALTH_PLACE_IN_SMALL_LETTERS,
        _INDEFINITE_WORDS,
    )
    # "in the hospital" is passed over; "at" may come later. A name led by one of the area's places
    # needs no word before it ("salford trust hospital discharged him", "GP is eccles health centre").
    part_of_a_name = _PART_OF_A_HOSPITALS_NAME | _PART_OF_A_HOSPITALS_NAME_BESIDE_A_PLACE
    matches = _named_in_small_letters(_HEALTH_PLACE_IN_SMALL_LETTERS, text, not_names, part_of_a_name)
    if places:
        led_by_a_place = _named_in_small_letters(_HEALTH_PLACE_LED_BY_A_PLACE, text, not_names, part_of_a_name)
        matches = itertools.chain(matches, led_by_a_place)
    for match in matches:
        if match["royal"] is not None and not _a_royal_hospital(text, match, places):
            continue
        words = [_plain(word) for word in match["name"].split()]
        parts = _PART_OF_A_HOSPITALS_NAME
        if any(word in places for word in words):
            parts = part_of_a_name  # "salford trust hospital", "tameside general hospital"
        elif any(word in _PART_OF_A_HOSPITALS_NAME_BESIDE_A_PLACE for word in words):
            continue  # "at the receiving trust hospital", "at partner trust hospital"
        the = match.groupdict().get("the")
        if match.re is _HEALTH_PLACE_LED_BY_A_PLACE and words[0] not in places:
            continue
        after = _NEXT_WORD.match(text, match.end())
        if after is not None and _plain(after[1]) in _AGENCY_AFTER_A_HOSPITAL:
            continue  # "salford hospital staff", "referred to hope hospital safeguarding team": an agency
        if _INDEFINITE.search(text, max(0, match.start() - 12), match.start()) is not None:
            continue  # "a salford hospital"
        named = [word for word in words if word not in parts]
        if len(named) > 1 and named[0].endswith("ing"):
            # A first word ending in "-ing" before another word of the name is part of it ("at the
            # stepping hill hospital": found, review, taken for words describing a hospital, as
            # "in the receiving hospital" is); the words after it must not describe one.
            named = named[1:]
        if (the or any(word in parts for word in words)) and any(
            _describes(word) or word in _DESCRIBES_A_FAMILY or word.endswith(_ENDINGS_OF_A_NOUN) or "-" in word
            for word in named
        ):
            continue
        start = match.start("name")
        kind: Kind = "hospital" if match["hospital"] else "gp_practice"
        yield Finding(kind, text[start : match.end()], REASONS[kind], start, match.end())


# The area's well-known hospitals by the names they are known by (the partnership file's ``hospitals``),
# in any letters, before "hospital" or "infirmary" ("hope hospital", "stepping hill hospital": found,
# review, "hope hospital" alone in small letters went unwarned; one led by a place, "walkden hospital",
# is found above). Not where the name is a word of the sentence ("I hope hospital staff listen", "we
# really hope hospital discharge goes well"), nor an agency's words ("hope hospital safeguarding team").
@functools.lru_cache(maxsize=8)
def _names_spelled(names: frozenset[str]) -> str:
    """The area's hospitals' ``names`` as one alternation, the longest first, any spaces between words."""
    return "|".join(
        r"\s{1,3}".join(re.escape(word) for word in name.split()) for name in sorted(names, key=len, reverse=True)
    )


def _known_hospitals(names: frozenset[str]) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w'\u2019\-])(?P<name>(?i:{_names_spelled(names)}))\s{{1,3}}(?i:hospital|infirmary)(?:['\u2019]s)?"
        r"(?![\w'\u2019\-])"
    )


# Before a hospital's name that is also a word ("hope"), words that make it that word: who hopes, and how.
_NOT_BEFORE_A_KNOWN_HOSPITAL = frozenset(
    {
        *("i", "we", "you", "they", "he", "she", "mum", "dad", "parents", "carers", "family", "staff", "everyone"),
        *("still", "really", "just", "also", "all", "only", "truly", "do", "don't", "dont", "did", "would"),
        *("can", "could", "will", "may", "might", "should", "must", "we'd", "i'd", "they'd", "let's", "lets"),
        *("and", "but", "so", "cannot", "can't", "cant", "not", "genuinely", "sincerely", "both"),
    }
)


def _hospitals_known_by_name(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    names = places.hospitals if isinstance(places, Places) else frozenset()
    lowered = text.lower()
    if not names or ("hospital" not in lowered and "infirmary" not in lowered):
        return  # most texts: not searched
    for match in _known_hospitals(names).finditer(text):
        before = _WORD_BEFORE.search(text, max(0, match.start() - 24), match.start())
        if before is not None and _plain(before[1]) in _NOT_BEFORE_A_KNOWN_HOSPITAL:
            continue  # "I hope hospital staff listen"
        following = _NEXT_WORD.match(text, match.end())
        if following is not None and _plain(following[1]) in _AGENCY_AFTER_A_HOSPITAL:
            continue  # "hope hospital safeguarding team": an agency
        yield Finding("hospital", match[0], REASONS["hospital"], match.start(), match.end())


# After words for being taken to, kept or born in a hospital, a hospital named as people say it,
# without the word "hospital": "taken to Royal Oldham", "born at North Manchester General",
# "admitted to Stepping Hill" (found, review of the area's places: each went unwarned, "Salford
# Royal" alone was found).
_TAKEN_TO_A_HOSPITAL = (
    r"(?<![\w'\u2019\-])(?i:taken|admitted|born|seen|transferred|discharged|rushed|brought|kept|treated"
    r"|stayed|staying|stays|blue-lighted|blue\s{1,3}lighted)\s{1,3}(?i:to|at|from|into|in)\s{1,3}(?i:the\s{1,3})?"
)
_ROYAL_OR_GENERAL = re.compile(
    _TAKEN_TO_A_HOSPITAL
    + r"(?P<name>Royal(?:\s{1,3}[A-Z][a-z]{2,20}){1,2}|(?:[A-Z][a-z]{2,20}\s{1,3}){1,3}General)(?![\w'\u2019\-])"
)
# What "Royal" names that is no hospital.
_NOT_A_ROYAL_HOSPITAL = frozenset({"mail", "exchange", "albert", "navy", "marines", "air", "courts", "family"})


def _hospitals_where_someone_was_taken(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    """``_ROYAL_OR_GENERAL``, and the area's well-known hospitals (the partnership file's
    ``hospitals``) after the same words: "taken to Hope", "born at Fairfield"."""
    for match in _ROYAL_OR_GENERAL.finditer(text):
        words = match["name"].split()
        if words[0] == "Royal" and _plain(words[1]) in _NOT_A_ROYAL_HOSPITAL:
            continue
        yield _finding("hospital", match, "name")
    names = places.hospitals if isinstance(places, Places) else frozenset()
    if names:
        for match in _known_hospitals_after_taken(names).finditer(text):
            yield _finding("hospital", match, "name")


@functools.lru_cache(maxsize=16)
def _known_hospitals_after_taken(names: frozenset[str]) -> re.Pattern[str]:
    return re.compile(_TAKEN_TO_A_HOSPITAL + rf"(?P<name>(?:{_names_spelled(names)}))(?![\w'\u2019\-])", re.IGNORECASE)


def _a_royal_hospital(text: str, match: re.Match[str], places: AbstractSet[str]) -> bool:
    """Whether a name in small letters before "royal" is a hospital's: a place of the area's before
    it ("salford royal"), and no word after it that makes it something else ("salford royal mail")."""
    if match["name"].split()[-1] not in places:
        return False
    following = _NEXT_WORD.match(text, match.end())
    return following is None or (
        _plain(following[1]) not in _NOT_AFTER_A_ROYAL and _plain(following[1]) not in _AGENCY_AFTER_A_HOSPITAL
    )


# After "dr" and a word, what ends the words about the doctor: the end of the text or a line, a
# punctuation mark, a bracket, a dash, or "and" ("GP: dr patel", "dr patel (GP)", "dr patel - no
# concerns", "dr patel and the nurse").
# A closing quotation mark may come first ('"dr patel".', "'dr patel'.").
_DOCTOR_ENDS = re.compile(
    r"[\"\u201d'\u2019]?[ \t]{0,3}(?:$|[\n.,;:!?()\[\]/&\u2013\u2014]|-(?!\w)|and(?![\w'\u2019\-]))"
)
# After "dr" and a word, a verb saying what the doctor is or does ("dr patel is lovely", "dr khan has
# retired", "dr patel was kind"): the word is then who, as after "said" (``_DOCTOR_IN_SMALL_LETTERS``).
_DOCTOR_THEN_A_VERB = re.compile(
    r"[ \t]{1,3}(?:is|was|has|had|will|would|can|could|did|does|didn't|doesn't|isn't|wasn't|hasn't|won't"
    r"|seems|seemed|saw|sees|asked|asks|knows|knew|noted|notes|gave|gives|spoke|speaks|rang|phoned|called"
    r"|visited|came|comes|arranged|booked|raised|reported|reports)(?![\w'\u2019\-])"
)
# Surnames that end as a verb does ("dr informed", "dr monitoring"), found alone after "dr" all the same.
_SURNAMES_ENDING_AS_A_VERB = frozenset(
    {
        *("ahmed", "mohammed", "mohamed", "muhammed", "saeed", "javed", "rasheed", "hameed", "majeed"),
        *("waheed", "naveed", "fareed", "zaheed", "hamed", "reed", "creed", "king", "fleming", "manning"),
        *("browning", "dowling", "harding", "golding", "ling", "cumming", "banning", "channing", "deming"),
    }
)


# Endings of nouns that follow any doctor ("dr availability", "dr information", "dr assessment",
# "dr awareness"), less the surnames that end alike.
_ENDINGS_OF_A_NOUN = ("tion", "sion", "ity", "ment", "ness")
_SURNAMES_ENDING_AS_A_NOUN = frozenset({"clement", "ness", "furness"})


def _doctor_in_small_letters(text: str, match: re.Match[str]) -> bool:
    """Whether "dr" and the word after it, in small letters, name a doctor (``_DOCTOR_IN_SMALL_LETTERS``):
    with a word before or after saying so, or alone where the words about the doctor end (found,
    review: a bare "dr patel" went unwarned), unless the word looks like a verb ("dr informed")."""
    surname = _plain(match["surname"])
    if not (match["cue"] or match["possessive"] or match["says"]):
        if not _DOCTOR_ENDS.match(text, match.end()) and not _DOCTOR_THEN_A_VERB.match(text, match.end()):
            return False
        if surname.endswith(("ed", "ing")) and surname not in _SURNAMES_ENDING_AS_A_VERB:
            return False
        if surname.endswith(_ENDINGS_OF_A_NOUN) and surname not in _SURNAMES_ENDING_AS_A_NOUN:
            return False  # "dr availability is poor", "dr involvement was"
    if (
        surname in _NOT_A_SURNAME
        or surname in _NOT_A_SURNAME_IN_SMALL_LETTERS
        or surname in _NOT_A_NAME
        or surname in _NOT_A_STREET_NAME
        or surname in _NOT_A_PRACTICE_NAME
        or surname in _MONTHS
        or (surname.endswith("ly") and not surname.endswith("lly"))  # "dr clearly said"
    ):
        return False
    start = match.start("doctor")
    before = _WORD_BEFORE.search(text, max(0, start - 24), start)
    return before is None or _plain(before[1]) not in _DETERMINERS  # "the dr said", "her dr's letter"


# A hospital by its name: capitalised words before "Hospital" or "Infirmary" ("Hope Hospital",
# "Royal Manchester Children's Hospital", "Manchester Royal Infirmary"), or a place before "Royal",
# as a hospital is called where it is known ("Salford Royal") (found, privacy review: none was warned
# about). Words that only describe one ("the Children's Hospital", "Mental Health Hospital", "In
# Hospital") and royals ("the Princess Royal") are not. Found as a GP practice is: like one, a named
# hospital points to where a family lives, and it is left out where a GP practice is (a session's
# place, "Room 2, Salford Royal").
_HOSPITAL = re.compile(
    rf"(?<![\w'\u2019])(?P<name>{_NAME_WORD}(?:\s{{1,3}}(?:(?:of|the|&|for)\s{{1,3}})?{_NAME_WORD}){{0,4}})\s{{1,3}}"
    r"(?P<type>Hospital|Infirmary|(?P<royal>Royal))(?:['\u2019]s)?(?![\w'\u2019])"
)
_NOT_A_HOSPITAL_NAME = frozenset(
    {
        *("psychiatric", "maternity", "cottage", "teaching", "district", "acute", "secure", "field", "main"),
        *("veterans", "admitted", "discharged", "left", "went", "taken", "rushed", "transferred", "stayed"),
        *("visited", "visit", "local", "nearest", "private", "city", "county", "general", "children's"),
        *("princess", "prince", "queen", "king", "duke", "duchess", "princess's", "a&e", "emergency"),
    }
)
# After "Royal", a capitalised word that makes it another name ("Salford Royal Mail depot"), unless
# it is the hospital's own ("Salford Royal Foundation Trust", "Salford Royal A&E").
_HOSPITAL_WORDS_AFTER_ROYAL = frozenset({"a&e", "hospital", "infirmary", "emergency"})
# After a hospital's name, words that make it an agency's ("Salford Royal health visiting", the
# partnership's own example of an agency; "Hope Hospital safeguarding team", "Salford Royal NHS
# Foundation Trust"): the professionals to invite, not where a child was.
_AGENCY_AFTER_A_HOSPITAL = frozenset(
    {
        *("health", "safeguarding", "team", "teams", "school", "nurse", "nurses", "nursing", "midwife"),
        *("midwives", "midwifery", "paediatric", "paediatrics", "paediatrician", "paediatricians", "social"),
        *("foundation", "nhs", "trust", "community", "services", "service", "liaison", "camhs", "staff"),
        *("therapy", "therapists", "therapist", "doctors", "consultant", "consultants", "clinic", "clinics"),
    }
)
_NEXT_CAPITALISED = re.compile(r"\s{1,3}([A-Z]\S{0,40})")


def _hospitals(text: str) -> Iterator[Finding]:
    if "Hospital" not in text and "Infirmary" not in text and "Royal" not in text:
        return  # most texts: not searched
    for match in _HOSPITAL.finditer(text):
        spans = list(_A_WORD.finditer(match["name"]))
        words = [_plain(span[0]) for span in spans]
        lead = 0
        while lead < len(words) - 1 and words[lead] in _BEFORE_A_NAME:
            lead += 1
        if any(word in _INDEFINITE_WORDS for word in words[:lead]):
            continue
        if _INDEFINITE.search(text, max(0, match.start() - 12), match.start()) is not None:
            continue  # "a Salford Hospital"
        if all(_not_a_practice_name(word) or word in _NOT_A_HOSPITAL_NAME for word in words[lead:]):
            continue
        if match["royal"]:
            if words[-1] in _NOT_A_HOSPITAL_NAME or words[-1] in _NOT_BEFORE_A_GIVEN_NAME:
                continue  # "the Princess Royal"
            following = _NEXT_CAPITALISED.match(text, match.end())
            if following is not None and _plain(following[1]) not in _HOSPITAL_WORDS_AFTER_ROYAL:
                continue  # "Salford Royal Mail"
        after = _NEXT_WORD.match(text, match.end())
        if after is not None and _plain(after[1]) in _AGENCY_AFTER_A_HOSPITAL:
            continue  # "Salford Royal health visiting": an agency
        start = match.start("name") + spans[lead].start()
        yield Finding("hospital", text[start : match.end()], REASONS["hospital"], start, match.end())


# A surname and an initial after a word for who they are, as records list people: "Child: Smith J",
# "YP - KOWALSKI J (14)", "Mum: Jones, K", "Siblings: Smith K, Smith L" (found, December 2026: none
# was warned about). Not an everyday word ("Child: Unknown", "Mum: Yes I think so"), nor "I" as
# the initial before more words ("Dad: Maybe I will").
_LABELLED_SURNAME_AND_INITIAL = re.compile(
    r"(?<![\w'\u2019])(?i:child|son|daughter|baby|brother|sister|sibling|siblings|sibs|twins?|mum|mother|dad|father"
    r"|step-?dad|step-?mum|nan|gran|grandma|grandad|uncle|aunt|auntie|cousin|partner|carer|yp|cyp|young\s{1,3}person"
    r"|pupil|student|client|children|kids|name|full\s{1,3}name|surname|boyfriend|girlfriend|husband|wife"
    r"|ex-?partner|stepfather|stepmother|grandmother|grandfather)"
    r"(?:\s{1,3}\d{1,2})?"  # "Child 1: Smith J" (regression review)
    r"\s{0,3}[:\-\u2013\u2014]\s{0,3}"
)
_SURNAME_AND_INITIAL = re.compile(
    r"(?P<surname>(?:Mc|Mac|O['\u2019]|D['\u2019])?[A-Z][a-z'\u2019]{1,24}(?:-[A-Z][a-z'\u2019]{1,24})?"
    r"|[A-Z]{2}[A-Z'\u2019\-]{0,23})"
    r",?\s{1,3}(?P<initial>[A-Z])\.?(?![\w'\u2019\-])"
    r"(?P<then>\s{0,3}(?:\(\s{0,3}\d{1,2}[^()\n]{0,12}\))?\s{0,3}(?:,|;|&|\band\b|$))?"
)


# A word and a letter after a label that are not a surname and an initial: a school subject and its
# grade ("Student: English B, Maths C"), a germ ("Mum: Strep A"). Found, regression review.
_NOT_A_SURNAME_BEFORE_A_LETTER = frozenset(
    {
        *("strep", "hep", "vitamin", "type", "plan", "group", "grade", "level", "tier", "set", "band", "class"),
        *("english", "maths", "math", "science", "history", "geography", "art", "music", "french", "spanish"),
        *("german", "reading", "writing", "spelling", "biology", "chemistry", "physics", "drama", "computing"),
    }
)


def _labelled_surnames_and_initials(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    for label in _LABELLED_SURNAME_AND_INITIAL.finditer(text):
        end = label.end()
        while (match := _SURNAME_AND_INITIAL.match(text, end)) is not None:
            surname = match["surname"]
            if _plain(surname) in _NOT_A_SURNAME_BEFORE_A_LETTER or _plain(surname) in places:
                return
            if surname.isupper():
                if not _reads_as_a_surname_in_capitals(surname):
                    return
            elif not _reads_as_a_surname(_plain(surname), places):
                return
            if match["initial"] == "I" and match["then"] is None:
                return  # "Mum: Smith I think" (not "Smith I (14)")
            yield Finding(
                "person_name",
                match[0][: match.end("initial") - match.start()],
                REASONS["person_name"],
                match.start(),
                match.end("initial"),
            )
            if match["then"] is None:
                return
            end = match.end()
            if (joined := re.match(r"\s{0,3}(?:and|&)?\s{0,3}", text[end:])) is not None:
                end += joined.end()


def _person_names(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    yield from _labelled_surnames_and_initials(text, places)
    for match in _TITLED_NAME.finditer(text):
        surname = (match["surname"] or match["capitals"] or match["small"]).lower().replace("\u2019", "'")
        if surname not in _NOT_A_SURNAME and surname not in _NOT_A_SURNAME_AFTER_A_TITLE:
            yield _finding("person_name", match)
    for match in _MISS_AND_A_SMALL_SURNAME.finditer(text):
        surname = _plain(match["surname"])
        if _A_ROLE_BEFORE.search(text, max(0, match.start() - 40), match.start()) and not (
            surname in _NOT_A_SURNAME
            or surname in _NOT_A_SURNAME_AFTER_A_TITLE
            or _ordinary_in_small_letters(surname, frozenset())
        ):
            yield _finding("person_name", match)
    for match in _CALLED_BY_INITIALS.finditer(text):
        letters = match["letters"]
        if letters not in _NOT_INITIALS and letters not in _ACRONYMS and letters not in _WORDS_IN_CAPITALS:
            yield Finding("person_name", letters, INITIALS_REASON, match.start("letters"), match.end("letters"))
    for match in _INITIAL_AND_SURNAME.finditer(text):
        surname = match["surname"].lower()
        before = _WORD_BEFORE.search(text, max(0, match.start() - 24), match.start())
        if (
            surname in _NOT_A_SURNAME
            or surname in places
            or surname in _MONTHS
            or surname in _DAYS_OF_THE_WEEK
            or (_is_ordinary_word(surname) and surname not in _COMMON_SURNAMES_THAT_ARE_WORDS)
            or (before is not None and _plain(before[1]).rstrip(".,:;") in _LETTERED_THINGS)
            or (
                match["stop"] is None
                and (
                    match["initial"] in "AI"
                    or (_is_ordinary_word(surname) and surname not in _COMMON_SURNAMES_THAT_ARE_WORDS)
                    or surname in _NOT_A_SURNAME_AFTER_A_BARE_INITIAL
                    or (
                        surname not in _SURNAMES_AFTER_A_BARE_INITIAL
                        and _is_ordinary_word(surname)
                        and before is not None
                        and _plain(before[1]).rstrip(".,:;") in _WHERE_BEFORE_A_LETTERED_PLACE
                    )
                    or match["initial"] in _NOT_INITIALS
                    or match["initial"] in _ACRONYMS
                    or match["initial"] in _WORDS_IN_CAPITALS
                )
            )
            or surname in _NOT_A_SURNAME_AFTER_AN_INITIAL
        ):
            continue
        yield _finding("person_name", match)
    yield from _family_names(text, places)
    yield from _small_letter_family_names(text, places)
    yield from _small_letter_names_in_brackets(text, places)
    yield from _families_in_the_plural(text, places)
    yield from _introduced_names(text)
    yield from _names_before_the_word_surname(text)
    yield from _initials(text)
    yield from _given_names(text)
    yield from _word_names_spoken_to(text)
    yield from _names_the_text_says_are_names(text, places)
    yield from _unlisted_names(text, places)
    yield from _names_where_a_person_is(text, places)
    yield from _names_all_in_one_case(text, _SMALL, places)
    yield from _names_all_in_one_case(text, _CAPITALS)
    yield from _names_with_a_chinese_or_vietnamese_surname(text, places)
    yield from _usernames(text)
    yield from _names_in_other_scripts(text)


# Common Chinese (Mandarin and Cantonese spellings) and Vietnamese surnames that are no English
# word, for names the lists of given names miss, written either way round ("ZHANG Wei (Y10)",
# "Pham Thi Hoa", "Mum (Li Na Zhang)": found, identifying-data review: not warned about at all).
# Not those that are words ("Song", "Tang", "Pan", "Fan", "Long", "Ding").
_CHINESE_AND_VIETNAMESE_SURNAMES = frozenset(
    {
        *("zhang", "wang", "liu", "chen", "yang", "huang", "zhao", "zhou", "xu", "zhu", "guo", "luo", "liang"),
        *("zheng", "xie", "feng", "deng", "peng", "zeng", "xiao", "tian", "yuan", "cai", "jiang", "cheng"),
        *("shen", "yao", "cui", "zhong", "wong", "cheung", "chan", "leung", "lau", "yip", "tsang", "kwok"),
        *("nguyen", "tran", "pham", "hoang", "huynh", "phan", "vu", "dang", "bui", "ngo", "duong", "trinh"),
        *("dinh", "truong", "luong", "li", "lam", "lin", "lai", "dao", "chow", "vo", "quach", "ly", "ho"),
    }
)
# Vietnamese middle and given names that are English words too ("Van", the commonest men's
# middle name, "Thi", the women's): beside a surname of the list, they are names.
_VIETNAMESE_NAMES_THAT_ARE_WORDS = frozenset({"van", "thi", "hung", "long", "fang", "kim", "hong", "dung"})
_A_CHINESE_OR_VIETNAMESE_SURNAME = re.compile(
    r"(?<![\w'\u2019\-])(?P<surname>[A-Z](?:[a-z]{1,6}|[A-Z]{1,6}))(?![\w'\u2019\-])"
)
# One or two capitalised words beside the surname, the given names ("Wei", "Thi Hoa", "Li Na").
_GIVEN_NAMES_AFTER = re.compile(
    r"(?:\s{1,2}[A-Z][a-z]{1,10}(?:-[A-Za-z][a-z]{1,10})?(?=['\u2019]s(?!\w)|(?![\w'\u2019\-]))){1,2}"
)
_GIVEN_NAMES_BEFORE = re.compile(r"(?<![\w'\u2019\-])(?:[A-Z][a-z]{1,10}\s{1,2}){1,2}$")


def _names_with_a_chinese_or_vietnamese_surname(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    """A surname of ``_CHINESE_AND_VIETNAMESE_SURNAMES`` beside one or two capitalised words that
    are no everyday word, title or place: the whole name. Not the surname alone ("Mr Wong" is
    found as a title and a surname)."""
    for match in _A_CHINESE_OR_VIETNAMESE_SURNAME.finditer(text):
        if match["surname"].lower() not in _CHINESE_AND_VIETNAMESE_SURNAMES:
            continue
        start, end = match.span()
        after = _GIVEN_NAMES_AFTER.match(text, end)
        if after is not None:
            words = after[0].split()
            while words and not _reads_as_a_given_name_beside_a_surname(words[-1], places):
                words.pop()
            if words and all(_reads_as_a_given_name_beside_a_surname(word, places) for word in words):
                end = text.index(words[-1], end) + len(words[-1])
        if end == match.end():
            before = _GIVEN_NAMES_BEFORE.search(text, max(0, start - 24), start)
            if before is not None:
                words = before[0].split()
                while words and not _reads_as_a_given_name_beside_a_surname(words[0], places):
                    words.pop(0)
                if words and all(_reads_as_a_given_name_beside_a_surname(word, places) for word in words):
                    start = text.rindex(words[0], max(0, start - 24), start)
        if (start, end) != match.span():
            yield Finding("person_name", text[start:end], REASONS["person_name"], start, end)


def _reads_as_a_given_name_beside_a_surname(word: str, places: AbstractSet[str]) -> bool:
    plain = word.lower()
    if plain in _VIETNAMESE_NAMES_THAT_ARE_WORDS or "-" in plain:
        return True  # "Nguyen Van Minh", "Tran Van Hung", "HUANG Mei-Ling" (identifying-data review)
    return not (
        _is_ordinary_word(plain)
        or plain in _NOT_A_SURNAME
        or plain in _NOT_A_NAME
        or plain in places
        or plain in _MONTHS
        or plain in _DAYS_OF_THE_WEEK
        or _FAMILY_WORD_ALONE.fullmatch(plain) is not None
    )


# A social media username: "@jayden_x07" (not an email address's "@", nor "@ 3pm" or "@school"
# for "at school": with a digit, an underscore or a dot in it, or after the app's name), or one
# given after the app or "username" ("his snap is jaydenx07", "TikTok: lil.jay"). Found (review):
# in online harm and exploitation, the account is often what a practitioner writes down, and it
# identifies a child as surely as a name.
_APP_BEFORE = (
    r"(?i:snapchat|snap|insta|instagram|ig|tiktok|tik\s{0,1}tok|twitter|facebook|fb|telegram|discord|twitch"
    r"|youtube|roblox|xbox|psn|yubo|kik|wink|whatsapp|gamertag|username|user\s{0,1}name|handle|account)"
)
_USERNAME = re.compile(
    r"(?<![\w.@])@(?P<at>[A-Za-z0-9_](?:[A-Za-z0-9_]|\.(?=[A-Za-z0-9_])){1,29})(?![\w@])"
    # (The app's whole name: "insta" in "Instagram" left "gram" as its username, and the name
    # after "Instagram:" was never looked at: found, identifying-data review.)
    rf"|(?<![\w'\u2019])(?P<app>{_APP_BEFORE})(?![A-Za-z])\s{{0,3}}(?:(?i:she|he|they)\s{{1,3}})?"
    r"(?:(?P<naming>(?i:name|username|handle|gamertag|tag|id)\s{0,3})|(?i:account|is|was|are|called|as)\s{0,3}){0,3}"
    r"[:\-\u2013]?\s{0,3}['\"\u2018\u201c]?(?P<named>[A-Za-z_](?:[A-Za-z0-9_]|\.(?=[A-Za-z0-9_])){2,29})(?![\w@])"
    r"(?![\w.]{0,40}/)"  # (a profile's address, below: "Facebook: facebook.com/kayleigh.smith")
    # A profile's address: "facebook.com/jayden.smith", "instagram.com/jaydengirl_07", "tiktok.com/@kay".
    r"|(?<![\w.])(?P<profile>(?i:(?:https?://)?(?:www\.|m\.)?(?:facebook|fb|instagram|tiktok|twitter|x|snapchat"
    r"|youtube|twitch)\.com)/@?[A-Za-z0-9_](?:[A-Za-z0-9_]|\.(?=[A-Za-z0-9_])){1,49})(?![\w@])"
)
USERNAME_REASON = (
    "This looks like a social media or gaming username. A username can identify a child or family, "
    "or someone close to them."
)


_A_SITES_OWN_PAGE = re.compile(
    r"\.com/@?(?i:home|watch|shorts|groups|pages|events|hashtag|search|explore|login|share|sharer|help|about|policies"
    r"|privacy|settings|results|channel|c|user|reel|reels|p|stories|live|feed|messages|notifications)$"
)


def _usernames(text: str) -> Iterator[Finding]:
    for match in _USERNAME.finditer(text):
        if match["profile"] is not None:
            if _A_SITES_OWN_PAGE.search(match["profile"]):
                continue  # "youtube.com/watch", "x.com/home": a site's page, not someone's
            yield Finding("person_name", match["profile"], USERNAME_REASON, match.start(), match.end())
        elif match["at"] is not None:
            name = match["at"]
            before_app = _APP_NEAR_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if name[0].isdigit() or not (any(char in name for char in "0123456789_.") or before_app):
                continue  # "@home", "@school", "@2pm": "at"
            yield Finding("person_name", match[0], USERNAME_REASON, match.start(), match.end())
        elif match["named"].lower() in _NOT_A_USERNAME:
            continue  # "On Xbox: Fortnite mostly", "his Xbox is PS5"
        elif any(char in match["named"] for char in "0123456789_.") or (
            # After "name", "username", "gamertag"...: any word that is not an everyday one
            # ("His gamertag is ShadowKing": found, review); else "his snap is fine": a word.
            # After an app's own name and "is", "as" or a colon, the same ("his snap is kaylaxo",
            # "TikTok: kaylaxo": found, review), not after "account" ("her account is Barclays").
            (
                match["naming"] is not None
                or _NAMING_APP.fullmatch(match["app"]) is not None
                or (
                    # Not an acronym ("Snapchat: CEOP report made"), nor a game, channel or body
                    # (``_NOT_A_USERNAME``: "YouTube: MrBeast", "On Roblox: Brookhaven"): found,
                    # review. After "as", only in small letters ("on snap as kaylaxo", not "on
                    # Discord as Ofsted noted").
                    not match["named"].isupper()
                    and _NOT_AN_APP.fullmatch(match["app"]) is None
                    and (
                        _SAYS_WHAT_IT_IS.search(text, match.end("app"), match.start("named")) is not None
                        or (
                            match["named"][0].islower()
                            and _AS.search(text, match.end("app"), match.start("named")) is not None
                        )
                    )
                )
            )
            and not _is_ordinary_word(match["named"].lower())
        ):
            yield Finding("person_name", match["named"], USERNAME_REASON, match.start("named"), match.end("named"))


_NAMING_APP = re.compile(r"(?i:gamertag|username|user\s{0,1}name|handle)")
# "His twitch is tourettes related": a tic, not the app (found, review).
_NOT_AN_APP = re.compile(r"(?i:account|twitch)")
# Games, apps and consoles written after an app's name ("YouTube: Minecraft videos", "on Xbox:
# Fortnite mostly", "his Xbox is PS5"), in small letters.
_NOT_A_USERNAME = frozenset(
    {
        *("fortnite", "minecraft", "roblox", "gta", "gta5", "gtav", "fifa", "eafc", "fc24", "fc25", "fc26"),
        *("pokemon", "warzone", "valorant", "overwatch", "apex", "amongus", "callofduty", "cod", "brawlstars"),
        *("tiktok", "snapchat", "whatsapp", "instagram", "facebook", "messenger", "youtube", "netflix"),
        *("twitter", "telegram", "twitch", "discord", "reddit", "pinterest", "spotify", "bereal", "omegle"),
        *("kik", "yubo", "wink", "hoop", "grindr", "tinder", "onlyfans", "threads", "steam", "xbox", "ps4"),
        *("ps5", "playstation", "nintendo", "switch", "xbox360", "iphone", "android", "ipad"),
        # Channels, games' places, subscriptions and bodies written after an app (regression review).
        *("mrbeast", "ksi", "sidemen", "brookhaven", "bloxburg", "adoptme", "nitro", "premium", "plus"),
        *("ofsted", "ceop", "nspcc", "childline", "kooth", "barnardos", "barnardo's", "police", "school"),
    }
)
_SAYS_WHAT_IT_IS = re.compile(r"(?<![\w'\u2019])(?i:is|was|called)(?![\w'\u2019])|:")
_AS = re.compile(r"(?<![\w'\u2019])(?i:as)(?![\w'\u2019])")
_APP_NEAR_BEFORE = re.compile(rf"(?<![\w'\u2019]){_APP_BEFORE}(?![\w])")


# An initial and a surname: "J. Kowalski", "A. Nowak-Lewis" (found, review: unwarned; with a
# title, "Ms J. Smith", it always was). Not an ordinary word ("Plan B. Then we..."), unless it is
# one of the commonest surnames; not a lettered thing's letter ending a sentence ("vitamin D.
# Kowalski" is rare, "Part A. Nowak" rarer, but "Year 6 class B. Hughes" is a class, not a name).
# Without the full stop ("J Kowalski", "T Hughes": found, review), only a surname that is no word
# at all, after a letter that is not "A" or "I" ("A Roblox account", "I Think").
_INITIAL_AND_SURNAME = re.compile(
    # Two initials without a full stop too ("JP Smith": found, identifying-data review), not an
    # acronym ("GP", "YP", "SW"); and one of the commonest surnames after an initial ("J Smith").
    r"(?<![\w.'\u2019\-])(?P<initial>[A-Z](?:(?=[A-Z]\s)[A-Z])?)(?:(?P<stop>(?<![A-Z]{2})\.)\s{0,2}|\s{1,2})"
    r"(?P<surname>[A-Z][a-z'\u2019]{1,24}(?:-[A-Z][a-z'\u2019]{1,24})?)"
    r"(?![\w'\u2019\-])"
)
# After a bare letter, the commonest surnames that are words are a name ("Mum is K Hill", "Dad is
# R Ward": regression review), but not these ("D Day", "B Long"), nor, after a word for where,
# those that are a lettered place ("on F Ward", "in D Hall", "at C Block": regression review).
_NOT_A_SURNAME_AFTER_A_BARE_INITIAL = frozenset({"day", "long", "lord", "rose", "price", "rice", "bell", "wall"})
_WHERE_BEFORE_A_LETTERED_PLACE = frozenset({"on", "in", "at", "the", "to", "from", "into", "onto", "near", "a"})
# The commonest surnames that are words, and seldom a thing after a bare letter ("J Smith", "K
# Brown"): a name wherever they are.
_SURNAMES_AFTER_A_BARE_INITIAL = frozenset(
    {
        "smith",
        "jones",
        "brown",
        "taylor",
        "wright",
        "walker",
        "turner",
        "white",
        "baker",
        "cook",
        "khan",
        "moore",
        "shaw",
    }
)
# Germs written with their initial ("E Coli", "H. Pylori").
_NOT_A_SURNAME_AFTER_AN_INITIAL = frozenset({"coli", "pylori", "aureus", "difficile", "diff", "strep", "tec"})
# Initials someone is called by: "He goes by JJ", "Mum calls him AJ" (found, review: "known as
# JJ" was found, these were not), not an acronym ("goes by RAG").
_CALLED_BY_INITIALS = re.compile(
    r"(?<![\w'\u2019\-])(?i:(?:calls?|called|call)\s{1,3}(?:him|her|them)|nicknamed|goes\s{1,3}by)"
    r"\s{1,3}['\"\u2018\u201c]?(?P<letters>[A-Z]{2,3})(?![\w'\u2019\-])"
    r"(?!\s{1,3}(?i:rating|ratings|system|score|scores|status|level|levels|model|scale|plan|list|process)\b)"
)
_COMMON_SURNAMES_THAT_ARE_WORDS = frozenset(
    {
        *("smith", "jones", "brown", "green", "white", "black", "young", "wood", "hall", "wright", "walker"),
        *("taylor", "cook", "baker", "turner", "hill", "king", "lee", "ward", "moore", "wall", "bell", "rose"),
        *("hunt", "fox", "long", "price", "mills", "banks", "rice", "lord", "knight", "marsh", "day", "shaw"),
        "khan",  # (a title too, in small letters: the word list has it so)
    }
)
_LETTERED_THINGS = frozenset(
    {
        *("plan", "vitamin", "part", "grade", "section", "appendix", "annex", "class", "block", "room", "year"),
        *("stage", "tier", "type", "option", "level", "ward", "team", "unit", "group", "category", "box"),
        *("form", "step", "phase", "schedule", "side", "model", "hepatitis", "strep", "size", "question"),
        *("point", "item", "flat", "floor", "wing", "bay", "building", "gate", "platform", "exit", "route"),
        *("bus", "line", "band", "division", "zone", "area", "pod", "set", "table", "figure", "list"),
    }
)


# A name that is in neither list of given names (given_names.txt, given_names_more.txt), which the
# text itself says is a person's: an age after it ("Ionela (14)", "Ionela, 14,", "Ionela is 14"), a
# family member's word before it ("Mum Ionela", "dad (Costel)") or in brackets after it ("Hevi
# (mum)"), or "the eldest, Yossi". Found (identifying-data review): 56 of 200 identifying texts
# named a child or parent only so (Bengali, Chinese, Eritrean, Kurdish, Romanian, Somali, Traveller
# and Orthodox Jewish names, and nicknames: "Kuba", "Bex"), and no list can hold every name.
_CUED_NAME = r"(?P<name>[A-Z][a-z]{1,24}(?:-[A-Z][a-z]{1,24})?)"
_FAMILY_WORD = (
    r"(?:mum|mam|mom|mummy|mother|dad|daddy|father|nan|nana|nanna|nanny|gran|granny|grandma|grandmother|grandad"
    r"|grandpa|grandfather|step-?dad|step-?mum|step-?mother|step-?father|brother|sister|son|daughter|uncle|aunt"
    r"|auntie|aunty|cousin|partner|boyfriend|girlfriend|husband|wife|baby|twin|sibling|carer|ex-partner"
    r"|brothers|sisters|sons|daughters|twins|siblings|cousins)"
)
# The age after a name: "(14)", "(aged 14)", "(14 yrs)", ", 14,", " is 14", " was 14 and", " 14yo".
_AGE_AFTER = re.compile(
    # ... and with pronouns first, "(she/her, 16)" (found, identifying-data review).
    r"\s{0,3}\(\s{0,3}(?:(?i:twins?|siblings?|both|(?:she|he|they)\s{0,2}/\s{0,2}(?:her|him|them|they))\s{0,3},?\s{0,3})?"
    r"(?:aged?\s{1,3})?\d{1,2}\s{0,3}"
    r"(?:y(?:ea)?rs?|y/?o|months?|weeks?|m)?\s{0,3}" + _SCHOOL_YEAR_AFTER_AN_AGE + r"\s{0,3}\)"
    r"|\s{1,3}aged?\s{1,3}\d{1,2}(?!\d)"
    r"|\s{0,3},\s{0,3}(?:aged?\s{1,3})?\d{1,2}\s{0,3}(?:y(?:ea)?rs?(?:\s{1,3}old)?|y/?o)?"
    r"[ \t]{0,3}(?:[,;.)\n\r\u2028\u2029]|$)"
    r"|\s{1,3}(?:is|was|aged?|turned)\s{1,3}(?:now\s{1,3}|only\s{1,3}|just\s{1,3})?(?:1?\d|2[01])(?!\d)"
    r"(?:\s{1,3}(?:y(?:ea)?rs?(?:\s{1,3}old)?|months?(?:\s{1,3}old)?)|\s{0,3}y/?o)?"
    r"(?=\s{0,3}(?:[.,;:!?)]|$)|[ \t]{0,3}[\n\r\u2028\u2029]"
    r"|\s{1,3}(?:and|but|now|so|too|with|who|in|at|on|this|next|last|when)\b)"
    r"|\s{1,3}\d{1,2}\s{0,3}(?:y(?:ea)?rs?|y/?o)\b"
)
# Of the commonest surnames that are words too, those read as a surname after "baby": not what
# follows "baby" in everyday words ("Baby Rice", "Baby White noise", "Baby Walker", "Baby Bell",
# "Baby Banks", "Baby Cook", "Baby Day", "Baby Long sleeps": found, regression review).
_SURNAMES_AFTER_BABY = frozenset(
    {
        *("smith", "jones", "brown", "taylor", "wright", "turner", "hill", "lee", "ward", "moore", "hunt"),
        *("knight", "marsh", "shaw", "khan", "baker", "wood", "hall", "young", "king", "green", "mills"),
    }
)
_BABY_BEFORE = re.compile(r"(?<![\w'\u2019\-])(?i:baby)\s{1,3}$")
_FAMILY_BEFORE = re.compile(
    rf"(?<![\w'\u2019\-])(?i:{_FAMILY_WORD})(?:\s{{1,3}}|\s{{0,3}}\(\s{{0,3}}|\s{{0,3}},\s{{0,3}})$"
)
# As in a record, "Mum: Kasia Wójcik", "Sister - Precious Adeyemi, 17": only before a given name and
# a surname ("Baby: Jaundice at birth", "Mum: Tearful", "Mum - Polish" are what the text says of them).
_FAMILY_BEFORE_A_COLON = re.compile(
    rf"(?<![\w'\u2019\-])(?i:{_FAMILY_WORD})(?:\s{{0,3}}:\s{{0,3}}|\s{{1,3}}[\-\u2013\u2014]\s{{1,3}})$"
)
# After a family member's word, the name goes on as a sentence does ("Mum Ionela is worried"),
# not as a service's or a group's title ("Dad Matters service", "Mum Talk group").
_AFTER_A_FAMILY_NAME = re.compile(
    r"\s{0,3}(?:[.,;:!?)]|$)|['\u2019]s\b"
    r"|\s{1,3}(?!(?:service|services|group|groups|project|team|club|programme|program|session|sessions|class"
    r"|classes|app|network|charity|course|hub|cafe|time|day|week|line|pad|matters)\b)[a-z]{2,20}\b"
)
_FAMILY_AFTER = re.compile(
    rf"\s{{0,3}}\(\s{{0,3}}(?i:{_FAMILY_WORD})(?:['\u2019]s\s{{1,3}}[a-z]{{2,20}})?(?:\s{{1,3}}[^()\n]{{1,30}})?\s{{0,3}}\)"
    rf"|\s{{0,3}},\s{{0,3}}(?:(?i:the|her|his|their|our)\s{{1,3}})?(?i:{_FAMILY_WORD})\s{{0,3}}(?:,|\))"
    rf"|['\u2019]s\s{{1,3}}(?i:{_FAMILY_WORD})\b"
    r"|['\u2019]s\s{1,3}(?i:social\s{1,3}worker|youth\s{1,3}justice|key\s{0,3}worker|class\s{1,3}teacher|foster\s{1,3}carer)"
)
# What the text calls someone: "calls him Macca", "call her 'Tiny'", "nicknamed Bex".
# (Not "called" alone, "I called Early Help", nor "known as", "Signs of Safety": ``_introduced_names``.)
_CALLED_BEFORE = re.compile(
    r"(?<![\w'\u2019\-])(?i:(?:calls?|called)\s{1,3}(?:him|her|them)(?P<self>self|selves)?|nicknamed|goes\s{1,3}by"
    # What a young person is known by among those exploiting them (identifying-data review).
    r"|(?P<street>(?:street|gang|road|drill|online)\s{1,3}name\s{1,3}(?:is|was)|go\s{1,3}by))"
    r"\s{1,3}['\"\u2018\u201c]?$"
)
_FAMILY_WORD_ALONE = re.compile(rf"(?i:{_FAMILY_WORD})")
_SEASONS_OF_A_SCHOOL_YEAR = frozenset({"spring", "summer", "autumn", "winter"})
# Before a season, words that make it a time ("In Autumn (1, yr 7) the school...": regression review).
_A_SEASON_AS_A_TIME_BEFORE = re.compile(
    r"(?<![\w'\u2019\-])(?i:in|during|over|this|last|next|by|since|until|till)\s{1,3}$"
)
# After a word and a number in brackets (with a school year), what says the word is a term's or a
# subject's, not a child's: "Autumn (1, yr 7) term", "Winter (2, yr 9) exams", "Faith (2, yr 8)
# lessons" (found, regression review, once an age with a school year after a name was read so).
_A_SCHOOL_THING_AFTER_BRACKETS = re.compile(
    r"\s{0,3}\([^()\n]{1,30}\)\s{0,3}(?i:half[\s\-]{0,3})?"
    r"(?i:terms?|exams?|mocks?|lessons?|class(?:es)?|assembl(?:y|ies)|holidays?|hols|sats|tests?)\b"
)
_A_TERM_AFTER = re.compile(
    r"\s{0,3}\(\s{0,3}\d{1,2}\s{0,3}\)\s{0,3}(?:(?:and|&|or)\s{1,3}[A-Z][a-z]{1,10}\s{0,3}\(\s{0,3}\d{1,2}\s{0,3}\)\s{0,3})?"
    r"(?i:half[\s\-]{0,3})?(?i:terms?|holidays?|hols)\b"
)
# A name in a list with one the text says is a name ("Denisa and Darius (twins, 6)").
_LIST_FROM_PREVIOUS = re.compile(r"\s{0,3}(?:,|&|and)\s{1,3}")
_ELDEST_BEFORE = re.compile(
    r"(?<![\w'\u2019\-])(?i:eldest|youngest|oldest|middle\s{1,3}(?:one|child))\s{0,3}[,:\-\u2013]\s{0,3}$"
)
# Given names that are common words, found with a cue all the same ("Precious (7)", "Favour is
# 16", "Blessing, mum,"), and a word that is a name where a family word in brackets follows it
# ("Johnny (dad)", "Darius (twins, 6)"); a language, a nationality or a faith is never a name
# by a cue ("Arabic (mum)", "Mum (Polish)").
# Before a capitalised family word, a capitalised word: a job title ("Ward Sister", "Family Partner").
_A_TITLE_BEFORE = re.compile(r"(?<![\w'\u2019\-])[A-Z][a-z]{1,20}\s{1,3}$")


# How someone presented, as a record says it after "Mum" or "Dad" ("Mum Tearful", "Dad
# Evasive"): words with these endings are not names (found, review: they were warned about).
_PRESENTATION_ENDINGS = ("ful", "ive", "less", "ous", "able", "ible", "ish", "ated", "ised", "ized", "ent", "ant")


def _presents_so(plain: str) -> bool:
    """Whether ``plain`` reads as how someone presented (``_PRESENTATION_ENDINGS``), or is a word
    for it that is not common enough to be in common_words.txt."""
    return plain.endswith(_PRESENTATION_ENDINGS) or plain in _PRESENTATION_WORDS


_PRESENTATION_WORDS = frozenset(
    {
        *("teary", "unwell", "postnatal", "withdrawn", "guarded", "dishevelled", "unkempt", "hypervigilant"),
        # A state after a label ("Child: Nonverbal.", "Mum: Agoraphobic.", "Baby: Colicky.": review).
        *("nonverbal", "non-verbal", "agoraphobic", "colicky", "mute", "selective", "housebound", "bedbound"),
        *("asthmatic", "epileptic", "diabetic", "dyslexic", "dyspraxic", "anaemic", "jaundiced", "teething"),
        *("hypomanic", "psychotic", "catatonic", "unresponsive", "nonresponsive", "anorexic", "bulimic"),
        *("hypermobile", "schizophrenic", "dissociative", "overstayer", "undocumented", "sectioned"),
    }
)


def _is_ordinary_word(plain: str) -> bool:
    """Whether ``plain`` (in small letters) is an everyday English word: a common word
    (``_is_common_word``) that is not only a name ("hughes", "patel", "murphy":
    ``_NAMES_AMONG_COMMON_WORDS``)."""
    return plain not in _NAMES_AMONG_COMMON_WORDS and _is_common_word(plain)


def _is_common_word(plain: str) -> bool:
    """Whether ``plain`` (in small letters) is a common English word (``_COMMON_WORDS``), or one of
    them with "s", "es", "ed" or "ly" on the end ("Exclusions", "Overdoses", "Widowed")."""
    if plain in _COMMON_WORDS:
        return True
    return any(
        plain.endswith(ending) and plain[: -len(ending)] in _COMMON_WORDS for ending in ("s", "es", "ed", "d", "ly")
    )


_NAMES_THAT_ARE_WORDS = frozenset(
    {
        *("precious", "blessing", "favour", "patience", "mercy", "goodness", "tiny"),
        # Names in wordfreq's list of common words, so skipped even with a cue ("Dad Chris rang",
        # "Dave is 6", "Mei (14)": found, identifying-data review): the short English names of
        # many of the area's parents and carers, and given names of other communities.
        *("dave", "steve", "mike", "andy", "chris", "pete", "rob", "phil", "nick", "matt", "dan", "jess"),
        *("sue", "liz", "jen", "jo", "bob", "bill", "jim", "ken", "ron", "mel", "ray", "val", "vic", "al"),
        *("mo", "pat", "les", "stan", "di", "johnny", "darius", "bianca", "bev", "kev", "tony"),
        *("li", "wang", "chen", "mei", "ming", "wei", "lan", "hoa", "linh", "minh"),
        # Names ending as a word for how someone presented does ("Tearful", "Absent"): "Eilish (14)",
        # "Dad Laurent" (found, identifying-data review).
        *("eilish", "ailish", "laurent", "clement", "vincent", "florent", "bryant"),
    }
)
# Feasts and holidays, written with a capital after a family member's word ("Mum Christmas shopping").
_FEASTS = frozenset({"christmas", "easter", "eid", "diwali", "ramadan", "halloween", "hanukkah", "vaisakhi"})
_FAMILY_IN_BRACKETS = re.compile(rf"\s{{0,3}}\(\s{{0,3}}(?i:{_FAMILY_WORD})\s{{0,3}}[,)]")
_LANGUAGES_AND_FAITHS = frozenset(
    [
        "arabic",
        "polish",
        "urdu",
        "punjabi",
        "kurdish",
        "english",
        "romanian",
        "bengali",
        "somali",
        "farsi",
        "persian",
        "french",
        "spanish",
        "portuguese",
        "chinese",
        "mandarin",
        "cantonese",
        "turkish",
        "tigrinya",
        "amharic",
        "pashto",
        "dari",
        "lithuanian",
        "latvian",
        "russian",
        "ukrainian",
        "italian",
        "german",
        "welsh",
        "irish",
        "scottish",
        "british",
        "african",
        "muslim",
        "christian",
        "catholic",
        "jewish",
        "sikh",
        "hindu",
        "interpreter",
    ]
)
_DAYS_OF_THE_WEEK = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
# Capitalised words that such a cue does not make a name: words for people and family, pronouns
# and the like, and the words counted or dated as names are ("Year 9", "Room (14)", "Monday is 14th").
_NOT_A_CUED_NAME = frozenset(
    [
        *("arial", "verdana", "calibri", "tahoma", "helvetica", "kooth", "roblox", "fortnite", "tiktok"),
        *("playgroup", "creche", "preschool", "nursery"),  # "Baby Playgroup", "Baby Creche"
        *("stepdad", "stepmum", "aunty", "nani", "dadi", "amma", "abba", "baba", "mama", "papa", "bibi"),
        # Grandparents and parents in the area's other languages ("Babcia says...": found, review).
        *("babcia", "dziadek", "dziadzia", "mamusia", "tata", "bunica", "bunicul", "ammi", "abbu", "ammu"),
        *("khala", "phuppo", "chacha", "mamu", "nanu", "dadu", "nanima", "dadima", "ayeeyo", "awoowe"),
        *("yiayia", "oma", "opa", "abuela", "abuelo", "nonna", "nonno", "teta", "habooba"),
        *("barnardo", "barnardos", "paracetamol", "ibuprofen", "calpol", "sertraline", "fluoxetine"),
        *("snapchat", "whatsapp", "instagram", "youtube", "weds", "thurs", "tues", "lunchtimes"),
        "he",
        "she",
        "it",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "hers",
        "their",
        "our",
        "my",
        "your",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "who",
        "what",
        "which",
        "when",
        "where",
        "why",
        "how",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "both",
        "all",
        "each",
        "every",
        "some",
        "any",
        "none",
        "no",
        "yes",
        "only",
        "also",
        "now",
        "then",
        "today",
        "tomorrow",
        "yesterday",
        "tonight",
        "mum",
        "mam",
        "mom",
        "mummy",
        "mother",
        "dad",
        "daddy",
        "father",
        "nan",
        "nana",
        "nanna",
        "nanny",
        "gran",
        "granny",
        "grandma",
        "grandad",
        "grandpa",
        "parent",
        "parents",
        "carer",
        "carers",
        "baby",
        "babies",
        "child",
        "children",
        "son",
        "sons",
        "daughter",
        "daughters",
        "brother",
        "brothers",
        "sister",
        "sisters",
        "sibling",
        "siblings",
        "twin",
        "twins",
        "boy",
        "boys",
        "girl",
        "girls",
        "toddler",
        "teenager",
        "teen",
        "infant",
        "newborn",
        "young",
        "person",
        "people",
        "family",
        "families",
        "partner",
        "uncle",
        "aunt",
        "auntie",
        "cousin",
        "year",
        "years",
        "yr",
        "age",
        "aged",
        "week",
        "weeks",
        "day",
        "days",
        "month",
        "months",
        "term",
        "terms",
        "time",
        "times",
        "reception",
        "nursery",
        "class",
        "group",
        "set",
        "stage",
        "level",
        "grade",
        "room",
        "flat",
        "floor",
        "block",
        "house",
        "ward",
        "bay",
        "bed",
        "bus",
        "route",
        "gate",
        "platform",
        "step",
        "tier",
        "phase",
        "session",
        "sessions",
        "meeting",
        "page",
        "chapter",
        "section",
        "question",
        "point",
        "item",
        "number",
        "case",
        "team",
        "unit",
        "zone",
        "area",
        "score",
        "rating",
        "band",
        "scale",
        "plan",
        "review",
        "visit",
        "visits",
        "referral",
        "referrals",
        "incident",
        "incidents",
        "attendance",
        "contact",
        "school",
        "schools",
        "home",
        "care",
        "court",
        "police",
        "health",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "deceased",
        "absent",
        "pregnant",
        "maternal",
        "paternal",
        "adopted",
        "foster",
        "fostered",
        "estranged",
    ]
)


def _names_the_text_says_are_names(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    """Capitalised words the text says are someone's names (``_CUED_NAME``), not already in the
    lists of given names (those are found as such)."""
    candidates: list[tuple[int, int, bool]] = []  # (start, end, cued)
    listed: list[bool] = []  # for each candidate, whether it is a given name of the lists
    # For each candidate, where a list of names may go on after it: past its cue ("Zohaib (7) and
    # Kazhal": found, review of held-out names, Kazhal was missed where "Kazhal and Zohaib (7)" was found).
    list_ends: list[int] = []
    # (A name may be in quotes, "'Tiny'": an apostrophe before it only after a letter, "O'Brien".)
    for match in re.finditer(rf"(?<![\w\-])(?<!\w['\u2019]){_CUED_NAME}(?![\w\-])", text):
        plain = match["name"].lower()
        if plain in _NOT_A_CUED_NAME or plain in places or plain in _MONTHS or plain in _DAYS_OF_THE_WEEK:
            continue
        if plain in _LANGUAGES_AND_FAITHS or plain in _NOT_NAMES:
            continue
        start, end = match.span()
        if plain in _SEASONS_OF_A_SCHOOL_YEAR and _A_TERM_AFTER.match(text, end):
            continue  # "Spring (2) and Summer (3) terms" (found, review: a count of terms)
        if _A_SCHOOL_THING_AFTER_BRACKETS.match(text, end):
            continue  # "Autumn (1, yr 7) term", "Faith (2, yr 8) lessons" (regression review)
        if plain in _SEASONS_OF_A_SCHOOL_YEAR and _A_SEASON_AS_A_TIME_BEFORE.search(text, max(0, start - 12), start):
            continue  # "In Autumn (1, yr 7) the school..." (regression review)
        before = text[max(0, start - 30) : start]
        # What the text calls someone, in two or three letters, is a name even if it is a word too
        # ("He goes by Mo", "calls him Al": found, review), unless it is a family word ("calls her
        # Mum"); longer words after "calls him" are as often what he is called ("Stupid", "Useless").
        called_so = _CALLED_BEFORE.search(before)
        called = called_so is not None
        # What someone calls themselves is their name, a word or not ("She calls herself Star":
        # found, identifying-data review).
        short_name = (
            called_so is not None
            # Not a longer word someone calls themselves ("calls himself Superman", "Autistic").
            and (len(plain) <= 3 or ((called_so["self"] or called_so["street"]) is not None and len(plain) <= 4))
            and not _FAMILY_WORD_ALONE.fullmatch(plain)
        )
        if (
            not short_name
            and _presents_so(plain)
            and match["name"] not in _ANY_GIVEN_NAME
            and plain not in _NAMES_THAT_ARE_WORDS
        ):
            continue  # how someone presented: "Mum Tearful", "Dad Evasive"
        if (
            not short_name
            and _is_common_word(plain)
            and match["name"] not in _ANY_GIVEN_NAME
            and plain not in _NAMES_THAT_ARE_WORDS
            and not _FAMILY_IN_BRACKETS.match(text, end)
            # A word common in English text only as a name ("Marta", "Vlad", "Mick": not an
            # ordinary word) is one after a family member's word ("mum (Marta) is in hospital",
            # "Dad Vlad is 30": found, identifying-data review).
            and not (
                plain in _NAMES_AMONG_COMMON_WORDS
                and plain not in _FEASTS
                and _FAMILY_BEFORE.search(before) is not None
            )
            # One of the commonest surnames after "baby", as a newborn or unborn child is written
            # ("Baby Smith was born at 30 weeks", "baby Khan": found, privacy review; "baby Jones"
            # was found, as "jones" is no common word).
            and not (plain in _SURNAMES_AFTER_BABY and _BABY_BEFORE.search(before) is not None)
        ):
            continue  # an ordinary word with a capital: "Health Visitor (1)", "Mum - Polish"
        # A surname after the given name: "mum Kasia Wójcik and her partner", "Mum Kasia Smith rang"
        # (found, review: the surname hid the whole name, which no longer went on as a sentence does).
        surname = _SURNAME_AFTER_A_CUED_NAME.match(text, end)
        if surname is not None and not _reads_as_a_surname(surname["surname"].lower(), places):
            surname = None
        ends = (end,) if surname is None else (end, surname.end())
        named_after = any(_AFTER_A_FAMILY_NAME.match(text, after) is not None for after in ends)
        family_before = _FAMILY_BEFORE.search(before)
        if family_before is None and surname is not None:
            family_before = _FAMILY_BEFORE_A_COLON.search(before)
        if (
            family_before is not None
            and before[family_before.start()].isupper()
            and _A_TITLE_BEFORE.search(before[: family_before.start()])
        ):
            family_before = None  # a job title, not a family member: "Ward Sister (Paediatrics)"
        if (
            family_before is not None
            and surname is not None
            and _A_TITLE_AS_A_FAMILY_WORD.match(before, family_before.start()) is not None
            and family_before[0].rstrip()[-1:].isalpha()  # not "Sister - Precious Adeyemi"
        ):
            family_before = None  # a nurse's, a nun's or a priest's title: "Sister Mary Clarke"
        cued = (
            any(_AGE_AFTER.match(text, after) is not None for after in ends)
            or any(_FAMILY_AFTER.match(text, after) is not None for after in ends)
            or (named_after and family_before is not None)
            or (named_after and _ELDEST_BEFORE.search(before) is not None)
            or called
        )
        candidates.append((start, ends[-1] if cued else end, cued))
        cue_after = _AGE_AFTER.match(text, ends[-1]) or _FAMILY_AFTER.match(text, ends[-1]) if cued else None
        list_ends.append(cue_after.end() if cue_after is not None else candidates[-1][1])
        # A given name of the lists that is no common word ("Alexia") leads a list as a cued one
        # does ("children Darius and Alexia": found, identifying-data review), itself found as such.
        listed.append(match["name"] in _ANY_GIVEN_NAME and not _is_common_word(plain))
    # A name listed next to one the text says is a name is one too, either way round.
    for _ in range(2):
        for index, (start, end, cued) in enumerate(candidates):
            if cued:
                continue
            following = candidates[index + 1] if index + 1 < len(candidates) else None
            previous = candidates[index - 1] if index > 0 else None
            if (
                following is not None
                and (following[2] or listed[index + 1])
                and _LIST_FROM_PREVIOUS.fullmatch(text, end, following[0])
            ) or (
                previous is not None
                and (previous[2] or listed[index - 1])
                and _LIST_FROM_PREVIOUS.fullmatch(text, list_ends[index - 1], start)
            ):
                candidates[index] = (start, end, True)
    for start, end, cued in candidates:
        if cued:
            yield Finding("person_name", text[start:end], REASONS["person_name"], start, end)


_A_TITLE_AS_A_FAMILY_WORD = re.compile(r"(?:Sister|Brother|Father|Mother)(?![\w'\u2019\-])")
_SURNAME_AFTER_A_CUED_NAME = re.compile(
    r"\s{1,2}(?P<surname>(?:Mc|Mac|O['\u2019]|D['\u2019])?[A-Z][a-z'\u2019]{1,24}"
    r"(?:-(?:Mc|Mac|O['\u2019])?[A-Z][a-z'\u2019]{1,24})?)(?![\w\-])"
)


def _reads_as_a_surname(word: str, places: AbstractSet[str]) -> bool:
    """Whether a capitalised word after a given name reads as its surname: not an everyday word
    ("Mum Ionela Said"), unless one of the commonest surnames ("Smith"), nor a place or a date."""
    return not (
        word in _NOT_A_SURNAME
        or word in places
        or word in _MONTHS
        or word in _DAYS_OF_THE_WEEK
        or (_is_ordinary_word(word) and word not in _COMMON_SURNAMES_THAT_ARE_WORDS)
    )


# "Miss", "Ms" or "Mx" and a surname in small letters, after a word for someone's role ("teacher Miss
# jones", "class teacher: Ms khan", "TA (Miss lee)": found, review). Alone, "Miss" and "Ms" before a
# word in small letters are not a title often enough ("Miss any more sessions", "MS Teams"): the role
# says a person is named. Not an ordinary word ("a teacher Miss said", "the teacher Miss is lovely").
# The title is looked for first and the role just before it (``_A_ROLE_BEFORE``): most texts have no
# "Miss", and the role words at every place cost a text of 4,000 characters almost 1 ms. The title
# may be in small letters too ("teacher miss jones", "TA: ms lee": found, review): after a role,
# less what is missed ("let the TA miss lunch") and Microsoft's programs ("the worker ms teams").
_MISS_AND_A_SMALL_SURNAME = re.compile(
    r"(?<![\w'\u2019])(?:Miss|Ms|Mx|miss|ms|mx)\.?\s{1,3}(?P<surname>[a-z][a-z'\u2019\-]{1,39})(?![\w'\u2019\-])"
)
_A_ROLE_BEFORE = re.compile(
    r"(?<![\w'\u2019])(?i:teacher|headteacher|head|deputy|senco|sendco|dsl|tutor|ta|assistant|mentor|manager"
    r"|worker|sw|hv|visitor|midwife|nurse|practitioner|officer|pcso|lead|co-?ordinator|counsellor|therapist"
    r"|psychologist|ep|paediatrician|consultant|advocate|iro|chair|supervisor|principal|keyworker)"
    r"(?:\s{1,3}|\s{0,3}[:(,\-\u2013]\s{0,3})$"
)
# After a title: joining words ("mr and mrs smith") and the Mr Men books, not a surname.
_NOT_A_SURNAME_AFTER_A_TITLE = frozenset(
    {
        *("and", "or", "nor", "men", "is", "was", "has", "had", "said", "says", "will", "would", "can", "could"),
        # What follows "miss" as a verb, after a role ("the head Miss out", "the TA: Miss lessons").
        *("out", "him", "them", "me", "us", "lessons", "sessions", "classes", "appointments", "meetings"),
        *("lots", "nothing", "anything", "everything", "lunch", "lunches", "breakfast", "dinner", "tea", "break"),
        *("breaks", "playtime", "playtimes", "work", "visits", "visit", "deadlines", "time", "home"),
        # "ms" in small letters before Microsoft's programs ("the worker ms teams meeting").
        *("teams", "word", "forms", "excel", "outlook", "office", "powerpoint", "onenote", "edge", "paint"),
    }
)

# A family by its surname: "the Smith family", "the Kowalski-Jones household", "the Smith
# children", "the Ali twins" (found, privacy reviews: a surname went through with no warning unless
# it came after a title, then when it came before the children rather than the family). Only a
# capitalised word between "the" and a word for the family or its children, so "the foster
# family" and "the older children" are not one.
# A surname as it is written: "Smith", "O'Brien", "McDonald", "MacLeod".
_SURNAME = r"[A-Z](?:[a-z]{1,3}[A-Z]|['\u2019][A-Z])?[a-z'\u2019]{1,39}"
# A family word after a name ("the Smith family", "the Eccles families", "the Jones twins").
_A_FAMILY_WORD = (
    r"\s{1,3}(?i:famil(?:y|ies)|households?|children|kids|siblings|twins|boys|girls|brothers|sisters|parents"
    r"|grandparents)(?![\w\-])"
)
_FAMILY_NAME = re.compile(
    rf"(?<![\w'\u2019])(?:[Tt]he|THE)\s{{1,3}}(?P<surname>{_SURNAME}(?:-{_SURNAME})?){_A_FAMILY_WORD}"
)
# Capitalised words before "family" that say what kind of family it is, not whose: the
# family's place in the child's life or in a service ("the Foster family", "the Birth family",
# "the Troubled Families programme"), or where it is from or its faith ("the Polish family").
_NOT_A_FAMILY_NAME = frozenset(
    {
        *("foster", "birth", "host", "extended", "wider", "whole", "adoptive", "adopted", "kinship"),
        *("connected", "nuclear", "blended", "step", "lone", "single", "large", "big", "young", "new"),
        *("first", "second", "third", "current", "previous", "former", "referred", "troubled", "supporting"),
        *("early", "local", "entire", "target", "royal", "holy", "military", "forces", "service", "army"),
        *("navy", "traveller", "travelling", "refugee", "asylum", "muslim", "jewish", "hindu", "sikh"),
        *("christian", "catholic", "orthodox", "black", "white", "mixed", "roma", "romany", "gypsy"),
        *("maternal", "paternal", "care", "carer", "carers", "main", "other", "same", "both", "each"),
        *("every", "such", "above", "below", "latter", "relevant", "affected", "respite", "placement"),
        *("resident", "receiving", "sending", "host", "british", "english", "irish", "welsh", "dutch"),
        *("french", "greek", "czech", "thai", "afghan", "american", "mexican", "moroccan", "korean"),
        *("german", "cuban", "tibetan", "jamaican", "dominican", "kenyan", "ugandan", "sudanese"),
        *("pakistani", "bangladeshi", "iraqi", "kuwaiti", "israeli", "somali", "yemeni", "nepali"),
        *("saudi", "punjabi", "gujarati", "bengali", "kurdi", "eritrean", "caribbean", "european"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas"),
        *("arab", "asian", "african", "roma", "traveller", "syrian", "iraqi", "yemeni", "kurdish"),
        # Words that say which children, or where they are, not whose: "the Older Children", "the
        # Looked After Children's team", "the Reception children", "the Two boys".
        *("older", "younger", "eldest", "youngest", "elder", "little", "small", "two", "three", "four"),
        *("five", "six", "disabled", "vulnerable", "missing", "looked", "unaccompanied", "adopted"),
        *("fostered", "unborn", "remaining", "reception", "nursery", "primary", "secondary", "school"),
        *("class", "year", "local", "neighbouring", "neighbour's", "neighbours'", "other", "those"),
    }
)
# Endings of words saying where a family is from ("Polish", "Romanian", "Chinese", "Eritrean").
_FROM_SOMEWHERE = ("ish", "ian", "ean", "ese")


# Initials written with full stops: "J.S.", "K. S.", "J.A.S", as the request's hint asks people not
# to write (found, privacy review: none was warned about). Without the stops ("JS") they cannot be
# told from the acronyms practitioners write, unless a word before them says a person is meant
# (``_PERSON_BY_INITIALS``).
_INITIALS = re.compile(r"(?<![\w.'\u2019@])[A-Z]\.\s?[A-Z](?:\.\s?[A-Z])?\.?(?![\w@]|\.\w)")
# Abbreviations written with full stops that are not anyone's initials: places, times, Latin,
# degrees, school subjects, roles and services ("U.K.", "p.m.", "P.E.", "G.P.", "C.P.").
_NOT_INITIALS = frozenset(
    {
        *("UK", "US", "USA", "EU", "UN", "AM", "PM", "NB", "PS", "EG", "IE", "AD", "BC", "OK", "TV", "ID"),
        *("BA", "MA", "BSC", "MSC", "PHD", "PE", "RE", "IT", "DT", "GP", "HV", "SW", "CP", "LA", "EH"),
        *("TA", "OT", "PC", "DC", "DS", "DI", "MP", "JP", "QC", "KC", "RN", "AE", "HR", "PA", "LD", "DV"),
        *("DA", "FE", "HE", "SEN", "CIN", "LAC", "DOB", "AKA", "AN", "NHS", "RSVP", "ASAP", "VS", "ET"),
    }
)
INITIALS_REASON = (
    "These look like a person's initials. Initials can identify a child or family, or someone close to them."
)


# Initials without full stops where the words before them say a person is meant: "child JS",
# "his sister KM", "mum (KS)", "initials JS". Elsewhere two or three capitals are more often an
# acronym ("the CP plan").
_PERSON_BY_INITIALS = re.compile(
    r"(?<![\w'\u2019])(?P<who>(?i:child|son|daughter|boy|girl|baby|brother|sister|sibling|twin|mum|mother|dad|father"
    r"|stepdad|stepmum|step-dad|step-mum|stepson|stepdaughter|nan|gran|grandma|grandad|grandmother|grandfather"
    r"|uncle|aunt|auntie|niece|nephew|cousin|partner|boyfriend|girlfriend|husband|wife|carer|yp|young\s{1,3}person"
    r"|pupil|student|teenager|toddler|infant|client|children|siblings|twins|sons|daughters|brothers|sisters"
    r"|sibs|kids|cyp|initials))"
    # "child KM", "Mum (SB)", "Mum: SB", "Mum - SB", "the child, KM, ..."
    r"(?:\s{1,3}\(?|\s{0,3}\(|\s{0,3}[:\-\u2013\u2014]\s{0,3}|\s{0,3},\s{0,3}(?=[A-Z]{2,3}\s{0,3},))"
    r"(?P<initials>[A-Z]{2,3})(?![\w'\u2019&/\-])"
    # "siblings KM and LM", "twins KM & LM"
    r"(?:\s{1,3}(?:and|&)\s{1,3}(?P<more>[A-Z]{2,3})(?![\w'\u2019&/\-]))?"
)
# The rest of a list of initials after those words, each with its age or not: "sibs: KM, LM and TM",
# "Children: KM (7), LM (5), TM (2)" (found, December 2026: only the first were warned about).
_MORE_INITIALS = re.compile(
    # Each one's age, or school year, if given: "KM (7)", "KM (y7)", "KM 7", "KM - 7".
    r"(?:\s{0,3}\(\s{0,3}[Yy]?\d{1,2}\s{0,3}(?:y(?:ea)?rs?|y/?o|months?|m)?\s{0,3}\)"
    r"|\s{1,3}(?:-\s{0,3})?\d{1,2}(?:\s{0,3}(?:y(?:ea)?rs?|y/?o))?(?![\w.:/]))?"
    r"\s{0,3}(?:[,;/]\s{0,3}(?:and\s{1,3}|&\s{0,3})?|\s{1,3}(?:and|&)\s{1,3})"
    r"(?P<letters>[A-Z]{2,3})(?![\w'\u2019&\-])"
)
# Acronyms that follow those words and are not anyone's initials ("child CP plan", "son ASD",
# "mum DV", "child CSE concerns").
_NOT_INITIALS_AFTER_A_PERSON = frozenset(
    {
        *("CP", "CIN", "LAC", "CLA", "SEN", "EHC", "ASD", "ADD", "CSE", "CCE", "FGM", "DV", "DA", "MH"),
        *("LD", "PD", "ED", "EH", "YP", "YOT", "YJS", "SW", "HV", "GP", "PE", "TAF", "TAC", "CAF", "FE"),
        *("UC", "PIP", "DLA", "ESA", "JSA", "NHS", "CAMHS", "OCD", "PTSD", "SEMH", "SLCN", "ACE", "ACES"),
        "NA",  # not applicable, a note's value ("Dad - NA")
    }
)


# Initials without full stops anywhere, even starting a sentence, where what follows says a person
# is meant: an age ("JS is 7 and...", "JS (7)", "JS, aged 7"), a relative ("JS's mum") or a home
# ("JS lives with nan") (found, privacy review: "JS is 7" went through unless "child" came first).
# An age is a number alone, or in years or months old, not a count of something ("PDF is 4 pages",
# "CIN is 3 months in").
# Acronyms (``_ACRONYMS``) and words in capitals ("SHE IS 7") are not initials.
_BARE_INITIALS = re.compile(r"(?<![\w'\u2019&/\-.@#])[A-Z]{2,3}(?![\w&/\-@]|['\u2019]\w\w|\.\w)")
_INITIALS_THEN_AN_AGE = re.compile(
    r"(?i:\s{0,3}\(\s{0,3}(?:aged?\s{1,3})?\d{1,2}(?:\s{0,3}(?:y(?:ea)?rs?|y/?o|months?))?\s{0,3}\)"
    r"|\s{0,3},\s{0,3}(?:aged?\s{1,3})?\d{1,2}(?:\s{0,3}(?:y(?:ea)?rs?|y/?o))?\s{0,3}[,;)]"
    # "KM 7yrs", "KM 7 y/o", "KM 7 years old"
    r"|\s{1,3}\d{1,2}\s{0,3}(?:y(?:ea)?rs?\s{1,3}old|yrs?|y/?o)(?![\w/])"
    r"|\s{1,3}(?:is|was|aged?)\s{1,3}(?:now\s{1,3}|aged\s{1,3})?\d{1,2}(?!\d|[.:,/%]\d)"
    r"(?:\s{0,3}(?:y(?:ea)?rs?(?:\s{1,3}old)?|y/?o|months\s{1,3}old))?"
    r"(?=\s{0,3}(?:$|[.,;:!?)]|(?:and|but|with|who|has|had|lives|is|was|now)\b)))"
)
_INITIALS_THEN_A_PERSON = re.compile(
    r"['\u2019]s\s{1,3}(?i:mum|mother|dad|father|parents?|brother|sister|siblings?|nan|gran|grandma|grandad"
    r"|grandparents?|aunt|auntie|uncle|cousin|carers?|family|stepdad|stepmum|partner|boyfriend|girlfriend)\b"
    r"|\s{1,3}(?i:lives|lived|living|stays|stayed)\s{1,3}(?i:with|at)\b"
    # "TM and her brother RM" (found, identifying-data review: "RM" alone was warned about)
    r"|\s{1,3}(?:and|&)\s{1,3}(?i:his|her|their)\s{1,3}(?i:mum|mother|dad|father|brother|sister|siblings?|twin"
    r"|nan|gran|cousin|baby\s{1,3}(?:brother|sister)|little\s{1,3}(?:brother|sister)|big\s{1,3}(?:brother|sister))"
    r"\s{1,3}\(?[A-Z]{2,3}(?![\w'\u2019&/\-])"
)
# "ME" is not here, though it is a word in capitals too ("GIVE IT TO ME"): after a word for a person
# it is initials as often as the illness ("Mum (ME)", "child ME" went unwarned), so it is taken as
# the other two capitals that are also an acronym are ("Mum - ME diagnosis", "Mum has ME" are not).
_WORDS_IN_CAPITALS = frozenset(
    {
        *("HE", "SHE", "WE", "US", "IT", "HIS", "HER", "HIM", "MUM", "DAD", "NAN", "SON", "BOY", "GUY"),
        *("WHO", "AND", "THE", "YOU", "MY", "ONE", "TWO", "SIX", "TEN", "NOW", "AGE", "WAS", "ALL", "ANY"),
        *("OUR", "OF", "TO", "IN", "ON", "AT", "BY", "OR", "SO", "NO", "AN", "AS", "IS", "DOB", "KID", "BUT"),
        *("NOT", "HAS", "HAD", "ARE", "YET", "OLD", "NEW", "YES", "SIS", "BRO", "GAN", "AGED", "WHY", "HOW"),
        *("OUT", "OFF", "UP", "DO", "GO", "TOO", "FOR", "GIRL", "BABY", "ABOUT", "WITH", "OK", "AM", "PM"),
    }
)


# After two capitals that are also an acronym, a word that goes on about a person ("child KS lives
# with nan", "son MS and ..."): the capitals are then initials, not what the word after describes.
_GOES_ON_ABOUT_A_PERSON = frozenset(
    {
        *("is", "was", "has", "had", "have", "lives", "lived", "living", "stays", "stayed", "moved", "attends"),
        *("attended", "goes", "went", "and", "or", "who", "with", "aged", "age", "says", "said", "told", "tells"),
        *("wants", "wanted", "will", "would", "can", "could", "did", "does", "disclosed", "reported", "needs"),
        *("are", "were", "both", "all", "live", "attend", "stay", "visit", "visited", "go", "went", "visits"),
    }
)
_WORD_AFTER = re.compile(r"[ \t]{1,3}([a-z][a-z'\u2019\-]{0,39})(?![\w'\u2019\-])")


def _acronym_describes(text: str, end: int) -> bool:
    """Whether two capitals ending at ``end`` (an acronym, after a word for a person) are followed
    by a word they describe ("pupil PP funding", "Mum - MS diagnosis", "student EP on placement"),
    not by the end, a bracket or a word going on about the person ("brother KS", "mum (KS)",
    "child KS lives with nan"): found (review), those went unwarned as acronyms."""
    word = _WORD_AFTER.match(text, end)
    return word is not None and word[1] not in _GOES_ON_ABOUT_A_PERSON


def _initials(text: str) -> Iterator[Finding]:
    for match in _INITIALS.finditer(text):
        letters = "".join(letter for letter in match[0] if letter.isalpha())
        if letters not in _NOT_INITIALS:
            yield Finding("person_name", match[0], INITIALS_REASON, match.start(), match.end())
    for match in _PERSON_BY_INITIALS.finditer(text):
        if match["who"].isupper() and match["who"] != "YP":
            continue  # "MUM HAS BEEN IN HOSPITAL": a sentence in capitals
        for group in ("initials", "more"):
            letters = match[group]
            if letters is None or letters in _NOT_INITIALS or letters in _NOT_INITIALS_AFTER_A_PERSON:
                continue
            if (letters in _ACRONYMS and (len(letters) == 3 or _acronym_describes(text, match.end(group)))) or (
                letters in _WORDS_IN_CAPITALS
            ):
                # "Mum (CSC)", "child SGO", "pupil PP funding", "Mum - MS diagnosis", "children AND
                # adults"; two capitals after a person are initials more often ("mum (KS)", "brother
                # KS", "child KS lives with nan"), unless what follows is what they describe.
                continue
            start, end = match.span(group)
            yield Finding("person_name", letters, INITIALS_REASON, start, end)
        end = match.end()
        while (more := _MORE_INITIALS.match(text, end)) is not None:
            letters = more["letters"]
            if letters in _NOT_INITIALS or letters in _NOT_INITIALS_AFTER_A_PERSON or letters in _WORDS_IN_CAPITALS:
                break  # "siblings KM and LM, CIN plan", "children KM, LM AND adults"
            if (letters in _ACRONYMS and len(letters) == 3) or _acronym_describes(text, more.end()):
                break  # "children KM, LM, PEP due", "FSW visiting", "KM and LM, SG order" (regression reviews)
            yield Finding("person_name", letters, INITIALS_REASON, more.start("letters"), more.end())
            end = more.end()
    for match in _BARE_INITIALS.finditer(text):
        letters = match[0]
        if letters in _NOT_INITIALS or letters in _ACRONYMS or letters in _WORDS_IN_CAPITALS:
            continue
        end = match.end()
        if _INITIALS_THEN_AN_AGE.match(text, end) or _INITIALS_THEN_A_PERSON.match(text, end):
            yield Finding("person_name", letters, INITIALS_REASON, match.start(), end)


_A_FAMILY_WORD_AFTER = re.compile(_A_FAMILY_WORD)
# After one of the area's towns, the family words that say whose, unless a service's word follows ("the
# Worsley family", "the Pendlebury brothers"), not those as often said of a place's people ("the Irlam
# children", "the Eccles families").
_ONE_FAMILY = re.compile(
    r"\s{1,3}(?i:family|twins|siblings|boys|girls|brothers|sisters|parents|grandparents)(?![\w\-])"
)
# After those, a word that makes it a service's or a group's name: "the Irlam family hub", "the Eccles family
# support team", "the Irlam parents group", "the Swinton boys football team". Not what one family has ("the
# Worsley family home", "family court", "family plan", "family time", "the family group conference").
_A_SERVICE_AFTER = re.compile(
    r"\s{1,3}(?i:hubs?|support|centres?|centers?|teams?|services?|projects?|networks?|programmes?|programs?"
    r"|cafe|club|learning|partnership|advice|drop-in|festival|events?|zone|forum|outreach|offer|directory"
    r"|portal|line|clinic|groups?|workers|fun|sessions|nurture|officers|liaison(?!\s{1,3}officer)"
    # ("Family Help", the national name of the service: not "the Worsley family help them", "family help plan")
    r"|help(?!\s{1,3}(?:them|him|her|us|me|plan|plans|with|to|out)\b)"
    r"|football|netball|rugby|cricket|squad|choir|band|youth)(?![\w\-])"
)


def _a_place_not_a_family(surname: str, places: AbstractSet[str], text: str, end: int) -> bool:
    """Whether ``surname`` (in small letters, ending at ``end``) is one of the area's places that
    says where, not whose. A whole city or borough always ("the Salford family hubs"); a town
    before "children", "kids", "families" or "households" ("the Irlam children we support", "the
    Eccles families"), or before "family" and a service's word ("the Walkden family hub"). Found (privacy
    review): the towns Worsley, Eccles, Swinton and Pendlebury are surnames too, and "the Worsley
    family" went unwarned, its PDF emailed to the facilitators. (A regression review found the
    first version warned of "the Irlam children we support" and "the Irlam family hub"; the second
    missed "the Pendlebury brothers" and "the Worsley family home".)"""
    if surname not in places:
        return False
    if surname in _boroughs(places):
        return True
    family = _ONE_FAMILY.match(text, end)
    if family is not None and _A_FAMILY_GROUP_MEETING.match(text, end):
        return False  # "the Worsley family group conference": one family's meeting
    return family is None or _A_SERVICE_AFTER.match(text, family.end()) is not None


# A family group conference or meeting (one family's, about its children), not a group of families.
_A_FAMILY_GROUP_MEETING = re.compile(r"\s{1,3}(?i:family\s{1,3}group\s{1,3}(?:conference|meeting|decision))")


def _boroughs(places: AbstractSet[str]) -> AbstractSet[str]:
    """The area's whole cities and boroughs (``Places.boroughs``). Where none are named (a
    partnership file from before they were, or a plain set), every place is taken as one: the
    towns are then never a family's surname, as before (regression review: "the Salford children"
    was warned about in a live file without ``boroughs``)."""
    return getattr(places, "boroughs", None) or places


def _family_names(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    for match in _FAMILY_NAME.finditer(text):
        surname = _plain(match["surname"])
        words = surname.split("-")
        if surname in _NOT_A_SURNAME or surname in _NOT_A_NAME or surname.capitalize() in _NOT_A_GIVEN_NAME:
            continue
        if any(word in _NOT_A_FAMILY_NAME or word in _NOT_NAMES or word.endswith(_FROM_SOMEWHERE) for word in words):
            continue
        # The area's place as the whole name only: "the Clifton-Brown family" is a family's surname
        # even where Clifton is a place (found, privacy review: a double-barrelled name went unwarned).
        if _a_place_not_a_family(surname, places, text, match.end("surname")) or any(word in _PLACES for word in words):
            continue  # "the Salford children", "the UK families", "the Eccles families"
        if _A_NAME_GOES_ON.match(text, match.end()):
            continue  # "the Salford Children and Families Portal"
        yield _finding("person_name", match, "surname")


# The same in small letters: "the smith family", "the kowalski children" (found, privacy review).
# In small letters a surname cannot be told by its capital, so the word before "family" counts only
# when it is none of the words that describe a family (the lists above and below, and words shaped
# as describing words are: "the extended family", "the struggling family", "the polish family").
_FAMILY_NAME_IN_SMALL_LETTERS = re.compile(
    r"[Tt]he(?<![\w'\u2019\-][Tt]he)\s{1,3}(?P<surname>(?:o['\u2019])?[a-z]{2,39}(?:-[a-z]{1,39}){0,2})"
    r"\s{1,3}(?:famil(?:y|ies)|households?|children|kids|twins|siblings)(?![\w\-])"
)
# Endings of describing words ("extended", "struggling", "chaotic", "dysfunctional", "polish"),
# chosen to leave the common surnames that end alike ("Ahmed", "Reed", "Kelly", "Iqbal", "Kent",
# "Petrovic", "Khan", "Kumar", "Grant") to be found.
_DESCRIBING_ENDINGS = (
    *("ied", "ded", "ted", "ned", "red", "sed", "ved", "ked", "ged", "ped", "led", "xed", "hed", "zed", "ced"),
    *("ive", "ful", "less", "ous", "tic", "mic", "hic", "xic", "lic", "ric", "nic", "ble", "ary", "ory"),
    *("ical", "ional", "ral", "tal", "nal", "ial", "ual", "ient", "uent", "dent", "lent", "rrent", "ment"),
    *("nant", "tant", "vant", "cant", "lant", "ate", "ish", "ian", "ean", "ese", "ern", "ile", "ior", "ican"),
)
# Surnames with one of those endings, or "-ing", "-ly" or "-est" (which describe when longer).
_SURNAMES_THAT_LOOK_DESCRIBING = frozenset(
    {"fleming", "manning", "harding", "browning", "golding", "cumming", "pickering", "spalding", "ted", "ned"}
)


def _describes(word: str) -> bool:
    """Whether a word in small letters is shaped as a describing word is ("extended", "struggling",
    "friendly", "poorest"), and not one of the surnames shaped alike."""
    if word in _SURNAMES_THAT_LOOK_DESCRIBING:
        return False
    if word.endswith(_DESCRIBING_ENDINGS):
        return True
    if len(word) > 4 and word.endswith("ing"):
        return True
    if len(word) > 4 and word.endswith("ly") and not word.endswith("lly"):
        return True
    return len(word) > 5 and word.endswith("est")


_DESCRIBES_A_FAMILY = frozenset(
    {
        *("help", "parent", "parents", "church", "school", "care", "housing", "police", "council", "service"),
        *("whole", "wider", "older", "younger", "bigger", "smaller", "poorer", "richer", "happy", "unhappy"),
        *("busy", "wealthy", "needy", "healthy", "noisy", "messy", "lovely", "friendly", "chaotic", "complex"),
        *("difficult", "poor", "rich", "real", "said", "above", "very", "two", "three", "four", "five", "six"),
        *("whole", "target", "host", "step", "lone", "single", "kinship", "birth", "foster", "migrant", "gypsy"),
        *("traveller", "refugee", "asylum", "forces", "army", "navy", "placement", "respite", "kin", "core"),
        *("team", "cin", "cp", "lac", "send", "sen", "tac", "taf", "caf", "cla", "eh", "ehcp", "looked"),
        *("reception", "nursery", "year", "class", "other", "rest", "whole", "entire", "two-parent", "same-sex"),
        *("mixed-race", "dual-heritage", "at-risk", "hard-to-reach", "well-known", "so-called", "troubled", "big"),
        *("new", "old", "young", "first", "next", "last", "same", "main", "only", "average", "typical", "modern"),
        *("homeless", "blended", "nuclear", "adoptive", "resident", "muslim", "jewish", "hindu", "sikh", "roma"),
        *("black", "white", "asian", "arab", "kurdish", "local", "whole", "extended", "reconstituted", "own"),
        *("african", "afghan", "nuclear", "similar", "particular", "regular", "popular", "familiar", "different"),
        *("absent", "recent", "current", "early", "only", "elderly", "armed", "named", "king's", "kings"),
        *("known", "unknown", "subject", "index", "half", "twin", "sibling", "seeker", "seekers", "leaver"),
        *("house", "perfect", "ideal", "normal", "huge", "close", "strong", "safe", "unsafe", "sad", "sick"),
        *("ill", "deaf", "blind", "fourth", "fifth"),
        # Nouns naming a group, a scheme or a place the children are in ("the pupil premium children",
        # "the free school meals children", "the nurture group children", "the refuge children").
        *("premium", "meals", "focus", "club", "group", "groups", "project", "study", "sample", "case"),
        *("contact", "cohort", "intervention", "nurture", "unit", "base", "hub", "centre", "scheme"),
        *("support", "refuge", "hostel", "shelter", "estate", "street", "road", "block", "flat", "flats"),
        *("area", "ward", "neighbourhood", "village", "town", "camp", "hotel", "tier", "level", "list"),
        *("caseload", "register", "plan", "panel", "pilot", "trial", "programme", "service", "services"),
        # Possessives written without their apostrophe ("the dads family", "the mums children").
        *("mums", "dads", "mothers", "fathers", "childs", "babys", "nans", "grans", "partners", "sisters"),
        *("brothers", "uncles", "aunts", "aunties", "cousins", "carers", "boyfriends", "girlfriends"),
    }
)


# A family member's name in brackets in small letters after their word: "mum (marta) is exhausted",
# "dad (fitzroy)" (found, identifying-data review: capitalised, it was found).
_NAME_IN_BRACKETS_AFTER_FAMILY = re.compile(
    rf"(?<![\w'\u2019\-])(?i:{_FAMILY_WORD})\s{{0,3}}\(\s{{0,3}}(?P<name>[a-z][a-z'\u2019\-]{{2,24}})\s{{0,3}}\)"
)


def _small_letter_names_in_brackets(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    """``_NAME_IN_BRACKETS_AFTER_FAMILY``, less an ordinary word ("mum (tearful)", "dad (absent)"),
    a language or faith ("mum (polish)"), an acronym ("mum (nfa)") or a place."""
    for match in _NAME_IN_BRACKETS_AFTER_FAMILY.finditer(text):
        word = _plain(match["name"])
        if (
            (_is_common_word(word) and word not in _SMALL.names and word not in _NAMES_THAT_ARE_WORDS)
            or _ordinary_in_small_letters(word, places)
            or word in _LANGUAGES_AND_FAITHS
            or word in _NOT_A_CUED_NAME  # "grandma (nani)": the same word in another language
            or _FAMILY_WORD_ALONE.fullmatch(word) is not None
            or _presents_so(word)
        ):
            continue
        yield _finding("person_name", match, "name")


def _small_letter_family_names(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    for match in _FAMILY_NAME_IN_SMALL_LETTERS.finditer(text):
        word = match["surname"]
        if "-" in word:
            continue  # "the tight-knit family": in small letters, a describing word more often
        if word in places and not _a_place_not_a_family(word, places, text, match.end("surname")):
            yield _finding("person_name", match, "surname")  # ("the worsley family": the town's a surname too)
        elif not _ordinary_in_small_letters(word, places):
            yield _finding("person_name", match, "surname")


def _ordinary_in_small_letters(word: str, places: AbstractSet[str], shaped: bool = True) -> bool:
    """Whether a word in small letters, where a surname may stand ("the ... family", "surname ..."),
    is an ordinary word instead: one of the words lists here, one of the area's ``places``, or
    (``shaped``) shaped as a describing word is."""
    return (
        word in _DESCRIBES_A_FAMILY
        or word in _NOT_A_FAMILY_NAME
        or word in _NOT_A_NAME
        or word in _NOT_A_NAME_BEFORE_LOWER_CASE
        or word in _NOT_A_STREET_NAME
        or word in _NOT_A_SURNAME
        or word in _NOT_AN_INTRODUCED_NAME
        or word in _PLACES
        or word in places
        or word in _MONTHS
        or word in _NOT_NAMES
        or word in _SMALL.words
        or word.upper() in _ACRONYMS
        or (shaped and _describes(word))
    )


# Words for a country or a kind of place, which people write before "children" or "families" ("the
# UK children", "the city families") wherever they work. The area's own place names ("the Salford
# children", "the Eccles families") are the partnership's: ``places`` in its file, passed to ``scan``.
_PLACES = frozenset({"england", "wales", "scotland", "britain", "uk", "city", "borough", "town", "county"})
# After "the ... children", the rest of a service's or a place's name: "the Salford Children and
# Families Portal", "the Manchester Children's Hospital".
_A_NAME_GOES_ON = re.compile(r"(?:\s{1,3}(?:and|&)|['\u2019]s)\s{1,3}[A-Z]")


# A family by its surname in the plural, capitalised, after "the": "the Smiths have moved", "the
# Greens have been helpful", "the Smiths' advice", "the Joneses who live..." (found, review: only "the
# Smith family" was warned about). A capitalised plural after "the" is as often a body, a group or a
# place ("the Courts", "the Scouts", "the Midlands"), so only with a possessive or a verb in small
# letters after it (not a heading in capitals: "The Partners Have Agreed") or a word for meeting them
# before it (``_MET_BEFORE``), and not a word that is a body's, a group's or a place's, or one of the
# words lists here (``_not_a_family_in_the_plural``).
_FAMILY_IN_THE_PLURAL = re.compile(
    rf"(?<![\w'\u2019\-])[Tt]he\s{{1,3}}(?P<surname>{_SURNAME}(?:-{_SURNAME})?s)"
    r"(?:(?P<goes_on>(?=['\u2019](?![\w'\u2019])|\s{1,3}(?:have|has|had|are|were|live|lived|moved|move|moving|said|say|says|told|tell"
    r"|came|come|went|go|refused|refuse|declined|decline|agreed|agree|want|wanted|asked|feel|felt|do|did|don't|didn't"
    r"|will|would|can|could|won't|haven't|aren't|weren't|who|both|themselves|seem|seemed|engaged|engage|left"
    r"|returned|arrived|still|also|now|then|always|never)(?![\w'\u2019\-])))"
    # Or anywhere else, after a word for meeting or speaking to people (``_MET_BEFORE``), but not
    # before another capitalised word ("visited the Smiths Garden Centre").
    r"|(?![\w'\u2019\-]|\s{1,3}[A-Z&]))"
)
# Before "the" and a family's surname in the plural, words for meeting, speaking to or living with
# people: "we visited the Smiths", "spoke to the Joneses", "she is staying with the Browns" (found,
# review: only a verb after the surname was looked at). Not "supports", "watched" or "went to" ("he
# supports the Latics", "watched the Simpsons", "went to the Proms"), more often a team, a programme
# or a place.
_MET_BEFORE = re.compile(
    r"(?<![\w'\u2019\-])(?i:visited|visit|visits|visiting|met|meet|meets|meeting|saw|see|sees|seeing|seen|phoned"
    r"|phone|rang|ring|called|call|contacted|contact|emailed|texted|told|tell|asked|ask|helped|help"
    r"|(?:spoke|spoken|speaking|talked|talking|worked|working)\s{1,3}(?:to|with)"
    r"|(?:stays?|stayed|staying|lives?|lived|living|placed)\s{1,3}with)\s{1,3}$"
)
# Surnames that are also words describing a family or its place ("the foster family", "the young
# children"), capitalised and in the plural a family's: "the Fosters have been supportive".
_SURNAMES_THAT_ARE_WORDS = frozenset({"foster", "young", "white", "black", "ward", "king"})
# Words that are a body's, a group's or a place's in the plural (in the singular, as ``_plural_stems``
# gives them): "the Courts have", "the Governors agreed", "the Scouts meet", "the Midlands are".
_NOT_A_FAMILY_IN_THE_PLURAL = frozenset(
    {
        *("teacher", "worker", "manager", "nurse", "doctor", "professional", "agency", "partner", "governor"),
        *("trustee", "court", "service", "council", "authority", "commissioner", "inspector", "magistrate"),
        *("judge", "officer", "practitioner", "leader", "head", "member", "volunteer", "mentor", "provider"),
        *("regulation", "guideline", "standard", "procedure", "rule", "principle", "term", "condition", "note"),
        *("act", "law", "order", "trust", "borough", "academy", "board", "committee", "network", "centre"),
        *("police", "facilitator", "director", "lord", "common", "minister", "mp", "councillor", "official"),
        *("samaritan", "brownie", "scout", "guide", "cub", "beaver", "rainbow", "cadet", "olympic", "paralympic"),
        *("marine", "guard", "fusilier", "ranger"),  # "staying with the Marines", "joined the Rangers"
        *("midland", "highland", "lowland", "netherland", "philippine", "bahama", "maldive", "alp", "pennine"),
        *("cotswold", "canary", "azore", "hebride", "balkan", "broad", "america", "seychelle", "dolomite"),
        # Who a family's people are, capitalised as a heading's words ("visited the Grandparents").
        *("grandparent", "cousin", "relative", "neighbour", "friend", "sibling", "twin", "carer", "guardian"),
        *("dale", "lake", "fell", "moor", "tory", "liberal", "democrat", "conservative", "socialist"),
        *("republican", "beatle", "blue", "red", "spur", "saint", "gunner", "hammer", "magpie", "wolve"),
        *("holiday", "game", "art", "science", "humanity", "sport", "news", "result", "finding", "outcome"),
        # What a practitioner writes of in the plural, capitalised as a heading's words ("the Needs
        # are", "the Risks were", "the Actions agreed").
        *("need", "risk", "issue", "action", "strength", "concern", "worry", "recommendation", "question"),
        *("answer", "point", "step", "option", "goal", "target", "aim", "objective", "priority", "theme"),
        *("factor", "sign", "indicator", "difficulty", "challenge", "problem", "barrier", "gap", "change"),
        *("decision", "review", "meeting", "session", "visit", "report", "record", "document", "form"),
        *("detail", "fact", "figure", "number", "name", "date", "minute", "strategy", "intervention"),
        *("plan", "feeling", "view", "wish", "voice", "right", "value", "belief"),
    }
)


def _singular(word: str) -> str:
    """A plural in small letters in the singular: "smiths" smith, "joneses" jones, "churches"
    church, "agencies" agency, "services" service (and "nurses" nurs: the word less its "s" is
    looked at too)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    return word[:-1]


def _families_in_the_plural(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    for match in _FAMILY_IN_THE_PLURAL.finditer(text):
        if match["goes_on"] is None and _MET_BEFORE.search(text, max(0, match.start() - 30), match.start()) is None:
            continue  # "the Smiths" with neither a verb after nor a word for meeting them before
        word = _plain(match["surname"])
        one = _singular(word)
        if (
            word in _NOT_A_SURNAME
            # (A town's name in the plural is a family's: "the Worsleys have moved"; privacy review.)
            # (A place before a family word is ``_family_names``'s to judge: "we met the Eccles families".)
            or (word in places and _A_FAMILY_WORD_AFTER.match(text, match.end("surname")) is not None)
            or (one not in _SURNAMES_THAT_ARE_WORDS and _ordinary_in_small_letters(word, _boroughs(places)))
            or (one not in _SURNAMES_THAT_ARE_WORDS and _ordinary_in_small_letters(one, _boroughs(places)))
            or any(
                stem in _NOT_A_FAMILY_IN_THE_PLURAL or stem in _NOT_A_SURNAME or stem.capitalize() in _NOT_A_GIVEN_NAME
                for stem in (one, word[:-1])  # "the Nurses": nurse, as "the Joneses" is jones
            )
        ):
            continue  # "the Courts have", "the Americans have", "the Salfords have", "the Needs are"
        yield _finding("person_name", match, "surname")


# A name that the words before it say is one, however uncommon: "surname Kowalski", "her family
# name is Nowak", "a boy called Zbigniew", "her son, named Tyrone", "dad, known as Gazza" (found,
# privacy review: only common given names, or names after a title, were warned about). The name is
# capitalised (or in capitals), and the surname after it is taken too ("called Zbigniew Kowalski").
_BEFORE_AN_INTRODUCED_NAME = (
    r"(?<![\w'\u2019])(?P<cue>(?i:sur-?name|(?:family|last|maiden)\s{1,3}name)(?:\s{1,3}(?i:is|was))?"
    r"|(?i:(?:his|her|their|whose|(?:mum|mother|dad|father|child|baby|son|daughter|brother|sister|sibling|partner"
    r"|boyfriend|girlfriend|husband|wife|nan|gran|grandma|grandad|uncle|aunt|auntie|cousin|stepdad|stepmum|carer"
    r"|boy|girl|friend)['\u2019]s)\s{1,3}(?:first\s{1,3}|middle\s{1,3}|real\s{1,3}|full\s{1,3}|nick)?name"
    r"\s{1,3}(?:is|was))"
    r"|(?P<called>(?i:called|named|known\s{1,3}as|referred\s{1,3}to\s{1,3}as))|(?i:nicknamed|aka|a\.k\.a\.?))"
    r"\s{0,3}[:\-]?\s{0,3}[\"'\u201c\u2018]?"
)
_NAME_CUE = re.compile(
    _BEFORE_AN_INTRODUCED_NAME
    # A street name's word before the name: "known as Big Dave" (found, identifying-data review).
    + r"(?:(?:Big|Little|Lil|Young|Old|Mad|Baby)\s{1,3}(?=[A-Z]))?"
    rf"(?P<name>{_SURNAME}(?:-{_SURNAME})?|[A-Z][A-Z'\u2019\-]{{1,39}}|(?P<small>[a-z]{{2,39}}))(?![\w'\u2019\-])"
    rf"(?:\s{{1,3}}(?P<surname>{_SURNAME}(?:-{_SURNAME})?)(?![\w'\u2019\-]))?"
)
# Before "called" or "named", a word that makes it introduce a name ("a boy called", "she is
# called", "her partner, named"), not a phone call or a mention ("I called Early Help", "school
# called Mum", "the named nurse", "a Named Doctor").
_NAMED_AFTER = frozenset(
    {
        *("child", "son", "daughter", "boy", "girl", "baby", "brother", "sister", "sibling", "twin", "mum"),
        *("mother", "dad", "father", "stepdad", "stepmum", "step-dad", "step-mum", "nan", "gran", "grandma"),
        *("grandad", "grandmother", "grandfather", "uncle", "aunt", "auntie", "cousin", "partner", "boyfriend"),
        *("girlfriend", "husband", "wife", "ex", "ex-partner", "carer", "friend", "friends", "man", "woman"),
        *("lad", "lass", "bloke", "guy", "person", "someone", "somebody", "male", "female", "adult", "teenager"),
        *("toddler", "neighbour", "lodger", "relative", "niece", "nephew", "stepson", "stepdaughter", "pupil"),
        *("classmate", "peer", "individual", "young", "yp", "is", "was", "are", "were", "be", "been", "being"),
        *("he's", "she's", "they're", "who's", "also", "now", "originally", "actually", "sometimes", "often"),
    }
)
# After a cue, words that are not a name: a service, a meeting, a role, a law ("known as Early Help",
# "is called Child in Need", "also known as Section 47"), or an answer ("surname Unknown").
_NOT_AN_INTRODUCED_NAME = frozenset(
    {
        *("unknown", "not", "withheld", "none", "same", "different", "changed", "redacted", "removed"),
        *("section", "part", "schedule", "article", "operation", "project", "programme", "team", "service"),
        *("plan", "meeting", "panel", "conference", "review", "named", "lead", "nurse", "doctor", "worker"),
        *("professional", "person", "officer", "social", "police", "bridge", "council", "city", "town"),
        *("spelt", "given", "written", "shown", "taken", "used", "kept", "put", "left", "still", "too"),
        *("there", "here", "what", "that", "which", "known", "legally", "hers", "his", "theirs", "mine"),
        # Services people call, after "called" ("The young person called Childline", "her partner called
        # Samaritans", "the carer called Adult Social Care": found, false-alarm review, December 2026).
        *("childline", "kooth", "samaritans", "papyrus", "shout", "crimestoppers", "refuge", "shelter"),
        *("adult", "adults", "children's", "ambulance", "emergency", "nhs", "citizens", "victim", "rape"),
        *("women's", "mind", "relate", "cruse", "gingerbread", "stepchange", "switchboard", "galop"),
        *("barnardo's", "barnardos", "edt", "911", "111", "999", "101"),
        # The area's emergency services by their letters ("Her mum called GMP", "a neighbour called
        # NWAS"): Greater Manchester Police, the North West Ambulance Service, Greater Manchester Fire
        # and Rescue Service, the British Transport Police. Only here, not among the acronyms: after
        # "child" three capitals are as often initials ("child CAB (7)": regression review).
        *("gmp", "nwas", "gmfrs", "btp", "rspca", "pals", "sarc"),
    }
)
# Acronyms that are not anyone's name or initials ("known as TAF", "is called CIN", "JS and CP",
# "DSL (2)"): services, meetings, roles, conditions, plans and school words practitioners write.
_ACRONYMS = frozenset(
    {
        *("CP", "CIN", "LAC", "CLA", "SEN", "SEND", "EHC", "EHCP", "ASD", "ASC", "ADD", "ADHD", "ODD", "PDA"),
        *("EHCNA", "FSW", "CMHT", "FGC"),
        *("FASD", "CSE", "CCE", "FGM", "HBV", "DV", "DA", "MH", "LD", "PD", "ED", "EH", "EHA", "EHM", "YP"),
        *("CYP", "YOT", "YJS", "SW", "HV", "GP", "PE", "RE", "DT", "IT", "ICT", "PSHE", "RSE", "RSHE", "EAL"),
        *("FSM", "PP", "TA", "HLTA", "LSA", "ELSA", "TAF", "TAC", "CAF", "FE", "HE", "UC", "PIP", "DLA"),
        *("ESA", "JSA", "NHS", "CAMHS", "OCD", "PTSD", "SEMH", "SLCN", "ACE", "ACES", "DSL", "DDSL", "LADO"),
        *("ESOL", "EHAT", "EHP", "UKVI", "EWO", "IAPT"),
        *("MASH", "IRO", "PLO", "CSC", "ICPC", "RCPC", "CPC", "UASC", "SGO", "SENCO", "SENDCO", "EP", "SLT"),
        *("SALT", "OT", "PCSO", "PC", "DC", "DS", "MARAC", "MAPPA", "IDVA", "ISVA", "EBSA", "PRU", "AP", "LA"),
        *("DFE", "KS", "EYFS", "HMP", "YOI", "DWP", "NRPF", "NSPCC", "SSCP", "CSCP", "ICB", "AE", "NFA", "DBS"),
        *("PREVENT", "CHANNEL", "MS", "ME", "TIA", "ISA", "UK", "EU", "HR", "MP", "CPN", "RMN", "RGN", "SN"),
        *("PDF", "URL", "CSV", "SMS", "TV", "DVD", "CCTV", "ASB", "NEET", "GCSE", "SATS", "SAT", "MOT", "ID", "CPU"),
        # The rule packs' glossaries and contacts ("EDT": the Emergency Duty Team; "NSP": the example
        # partnership's): tests/test_guard.py checks every acronym they use is here.
        *("EDT", "NSP"),
        # Written after a word for a person, as a note ("Client: DNA", "child WNB", "Mum: TBC",
        # "infant FTT", "Mum: PND"): did not attend, was not brought, to be confirmed or arranged,
        # not applicable, faltering growth, postnatal depression.
        *("DNA", "WNB", "TBC", "TBA", "NA", "FTT", "PND"),
    }
)
_A_NUMBER_NEXT = re.compile(r"\s{0,3}\d")
NAMED_REASON = (
    "This looks like a person's name: the words before it say it is one. A name can identify a child or "
    "family, or someone close to them."
)


# The words every cue holds: a text without any (most texts) is not searched for cues.
_CUE_WORDS = ("name", "called", "known", "referred", "aka", "a.k.a")


# Before a word for a person, what makes it a person described rather than one who phoned ("a boy
# called", "her older brother called", "mum's partner called"; not "Dad called Childline").
_DESCRIBED_PERSON = frozenset(
    {
        *("a", "an", "the", "his", "her", "their", "my", "our", "your", "one", "another", "older"),
        *("younger", "little", "big", "eldest", "youngest", "new", "ex", "step", "half", "twin", "teenage"),
        *("adult", "male", "female", "young", "baby", "same", "other", "called", "named"),
    }
)
_BE_WORDS = frozenset(
    {"is", "was", "are", "were", "be", "been", "being", "he's", "she's", "they're", "who's", "also", "now"}
    | {"originally", "actually", "sometimes", "often"}
)
_TWO_WORDS_BEFORE = re.compile(r"(?:(\S{1,20})\s{1,3})?(\S{1,20})\s{1,3}$")
# After a capitalised word, a joining word and another: a programme's or a service's name ("Signs
# of Safety", "Space to Think", "Safe and Together"), not a person's.
_A_TITLE_GOES_ON = re.compile(r"\s{1,3}(?:of|to|and|&|for|in|on|the)\s{1,3}[A-Z]")


def _introduces_a_name(text: str, start: int) -> bool:
    """Whether the words before "called" or "named" at ``start`` make it introduce a name: "is"
    or "also" ("she is called"), or a word for a person described ("a boy called", "her son,
    named", "mum's partner called"), not one who phoned ("Dad called Childline")."""
    before = _TWO_WORDS_BEFORE.search(text, max(0, start - 48), start)
    if before is None:
        return False
    last = _plain(before[2])
    word = last.rstrip(",").removesuffix("'s")
    if word in _BE_WORDS:
        return True
    if word not in _NAMED_AFTER:
        return False
    if last.endswith(",") or last.endswith("'s"):
        return True
    first = _plain(before[1] or "")
    return first in _DESCRIBED_PERSON or first.endswith("'s")


def _initials_known_as(cue: str, letters: str) -> bool:
    """Whether ``letters`` are initials given as a name after "known as" or "referred to as", with no
    word for a person before them ("known as KM", found, privacy review: it went unwarned): only a
    person or an acronym is known by two or three capitals, and the acronyms are left out."""
    return (
        cue.lower().startswith(("known", "referred"))
        and re.fullmatch(r"[A-Z]{2,3}", letters) is not None
        and letters not in _NOT_INITIALS
        and letters not in _WORDS_IN_CAPITALS
    )


_A_SMALL_WORD_NEXT = re.compile(
    r"\s{1,3}(?:school|schools|academy|college|club|clubs|group|groups|class|classes|term|holidays?|camp)\b"
)


def _introduced_names(text: str) -> Iterator[Finding]:
    lowered = text.lower()
    if not any(word in lowered for word in _CUE_WORDS):
        return
    for match in _NAME_CUE.finditer(text):
        name = match["name"]
        plain = _plain(name).rstrip("'")
        if match["small"] is not None:
            # In small letters, only after "surname" or "her name is", and not an ordinary word:
            # "surname kowalski", not "surname unknown", "her name is on the plan" or "a boy called again".
            if match["called"] is not None or match["cue"].lower().startswith(("nick", "aka", "a.k")):
                continue
            # Not the area's places: after "surname" a place's name is the family's, as it is in
            # capitals (found, privacy review: "her surname is clifton" went through with no warning).
            if _ordinary_in_small_letters(plain, frozenset()):
                continue
        if plain in _NOT_AN_INTRODUCED_NAME or plain in _NOT_A_SURNAME or plain in _NOT_A_NAME:
            continue
        letters = name.rstrip("'\u2019")
        if letters.isupper() and letters in _ACRONYMS:
            continue
        if plain.removesuffix("'s") in _NOT_A_NAME_BEFORE_LOWER_CASE and (
            # Before a word in small letters ("is called Catholic school"), not alone: what a child
            # is called ("a boy called Tiny": found, false-alarm review, December 2026, a miss).
            _A_SMALL_WORD_NEXT.match(text, match.end("name")) is not None
            or match["surname"] is not None
            or plain in _DAYS_OF_THE_WEEK  # "a meeting was called Monday"
        ):
            continue
        if (
            match["called"]
            and not _introduces_a_name(text, match.start())
            and not _initials_known_as(match["called"], letters)
        ):
            continue  # "I called Early Help", "the named nurse", "Dad called Childline"
        if _A_TITLE_GOES_ON.match(text, match.end("name")):
            continue  # "is called Signs of Safety", "known as Space to Think"
        end = match.end("name")
        surname = match["surname"]
        if surname is not None and _plain(surname) not in _NOT_A_SURNAME and _plain(surname) not in _NOT_A_NAME:
            end = match.end("surname")
        if _A_NUMBER_NEXT.match(text, end):
            continue  # "known as Section 47", "called Year 6"
        start = match.start("name")
        end = start + len(text[start:end].rstrip("'\u2019"))  # "known as 'Tiny'": not its closing quote
        yield Finding("person_name", text[start:end], NAMED_REASON, start, end)


# A name written in another script after the words that say a name follows, as in an English text
# with the name as the family write it: "Mrs فاطمة بی بی", "her name is زینب", "a boy called राहुल",
# "Dad's name is Олег Шевченко", "Surname 王", "Mum: فاطمة", "mum (فاطمة)", "زینب (7)", "Dr رضا".
# Found (review of the world's text, b124): the name patterns took A to Z only, so none of these was
# warned about, and the request's PDF said nothing identifying had been found. In an English sentence,
# a word in another script right after such a cue is almost always a name. Up to three words ("فاطمة بی
# بی"), on its line; not a language named in its own script ("Mum (اردو)").
_NAME_IN_ANOTHER_SCRIPT = re.compile(
    rf"{_WORD_IN_ANOTHER_SCRIPT}(?:[ \t]{{1,2}}{_WORD_IN_ANOTHER_SCRIPT}){{0,2}}(?![\w{_MARKS}])"
)
# The text before such a name that says it is one.
_A_TITLE_BEFORE_ANOTHER_SCRIPT = re.compile(
    r"(?<![\w'\u2019])(?:Mrs|Mr|Ms|Miss|Mx|MRS|MR|MS|MISS|MX|mrs|mr)\.?\s{1,3}$"
)
_A_DOCTOR_BEFORE_ANOTHER_SCRIPT = re.compile(r"(?<![\w'\u2019])(?:Dr|DR|dr)\.?\s{1,3}$")
_AN_INTRODUCED_NAME_BEFORE = re.compile(_BEFORE_AN_INTRODUCED_NAME + "$")
_A_LABEL_BEFORE = re.compile(
    rf"(?<![\w'\u2019\-])(?i:(?:full\s{{1,3}}|first\s{{1,3}})?name|child|children|yp|cyp|young\s{{1,3}}person"
    rf"|{_FAMILY_WORD})\s{{0,3}}(?::|\s[\-\u2013\u2014])\s{{0,3}}$"
)
# Languages named in their own scripts, which follow a family word as a name does ("Mum (اردو)",
# "Dad: العربية"): the languages of ``tests/support/languages.py``.
_LANGUAGES_IN_THEIR_OWN_SCRIPTS = frozenset(
    {
        *("اردو", "عربی", "العربية", "عربي", "فارسی", "دری", "پښتو", "پشتو", "کوردی", "كوردی", "سۆرانی"),
        *("বাংলা", "ગુજરાતી", "ਪੰਜਾਬੀ", "پنجابی", "हिन्दी", "हिंदी", "தமிழ்", "ትግርኛ", "አማርኛ", "עברית"),
        *("中文", "汉语", "漢語", "普通话", "普通話", "粤语", "粵語", "日本語", "한국어", "ภาษาไทย", "ไทย"),
        *("українська", "русский", "ελληνικά", "soomaali"),
    }
)


def _names_in_other_scripts(text: str, cued_only: bool = False) -> Iterator[Finding]:
    """Names in another script that the words around them say are names (``_NAME_IN_ANOTHER_SCRIPT``):
    after a title (with it, as "Mrs Smith" is found), a doctor's title (a doctor's, as "Dr Khan" is),
    words such as "her name is", "surname" or "a boy called" (``_BEFORE_AN_INTRODUCED_NAME``), a label
    ("Name:", "Mum:") or a family member's word ("Mum فاطمة", "mum (فاطمة)"); or before an age or a
    family word ("زینب (7)", "زینب (mum)"), only where the name stands in an English sentence (words in
    Latin letters before it on its line, or after its cue if it starts the line; one word before an
    age, at most three before a family word), as a whole sentence in another script may hold "(3)"
    after any word. ``cued_only``: only the cues ``names_with_a_cue``
    takes (a family member's word, an age, and a title after a family member's word), for text where
    other names are expected (a session's place: "ask for Mrs خان at reception")."""
    if text.isascii():
        return
    for run in _NAME_IN_ANOTHER_SCRIPT.finditer(text):
        start, end = run.span()
        if run[0].split()[0].casefold() in _LANGUAGES_IN_THEIR_OWN_SCRIPTS:
            continue
        before = text[max(0, start - 60) : start]
        before = _LINE_BREAK.split(before)[-1]
        if _A_LATIN_LETTER.search(before) is None and _LETTERS_IN_ANOTHER_SCRIPT.search(before) is not None:
            continue  # inside a sentence in another script: no cue in English before it, nor after (at speed)
        offset = start - len(before)
        kind: Kind = "person_name"
        reason = REASONS["person_name"]
        found_from = start
        if (title := _A_TITLE_BEFORE_ANOTHER_SCRIPT.search(before)) is not None and (
            not cued_only
            or _FAMILY_BEFORE_A_TITLE.search(text, max(0, offset + title.start() - 30), offset + title.start())
            or _FAMILY_AFTER_A_TITLE.match(text, end)
        ):
            found_from = offset + title.start()
        elif not cued_only and (doctor := _A_DOCTOR_BEFORE_ANOTHER_SCRIPT.search(before)) is not None:
            kind, reason, found_from = "gp_practice", REASONS["gp_practice"], offset + doctor.start()
        elif not cued_only and (cue := _AN_INTRODUCED_NAME_BEFORE.search(before)) is not None:
            if cue["called"] and not _introduces_a_name(text, offset + cue.start()):
                continue  # "I called ...", "Dad called ..." (a phone call, as with a name in Latin letters)
            reason = NAMED_REASON
        elif _A_LABEL_BEFORE.search(before) or _FAMILY_BEFORE.search(before):
            pass
        else:
            # An age only after one word ("זינב (7)"), and one of at most four characters in a script
            # written without spaces: a phrase before "(2)" is a count of something ("אחות בית הספר (2)",
            # school nurse, "Ελπίζω να βοηθήσει (2)": found, checking this change's false alarms).
            one_name = " " not in run[0] and (len(run[0]) <= 4 or _CJK_IDEOGRAPHS.search(run[0]) is None)
            cue_after = (_AGE_AFTER.match(text, end) if one_name else None) or _FAMILY_AFTER.match(text, end)
            if cue_after is None or not _in_an_english_sentence(text, before, cue_after.end()):
                continue
        yield Finding(kind, text[found_from:end], reason, found_from, end)


_A_LATIN_LETTER = re.compile(r"[A-Za-z]")
# Chinese characters and Japanese kana, written without spaces between words.
_CJK_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LETTERS_IN_ANOTHER_SCRIPT = re.compile(rf"(?:{_A_LETTER_IN_ANOTHER_SCRIPT}|[{_MARKS}]){{1,80}}")


def _in_an_english_sentence(text: str, before: str, after: int) -> bool:
    """Whether a name in another script, with ``before`` before it on its line and its cue ending at
    ``after``, stands in a sentence in Latin letters: with Latin letters since the last letter of
    another script before it ("I worked with زینب (7)"), or first on its line with Latin letters after
    its cue, before any other script's ("زینب (7) has bruises"). Not a word of a sentence in another
    script ("خاندان کے ساتھ (3) سیشن"): a run of more than three words is read three at a time, and the
    second is after the first."""
    ends = [letters.end() for letters in _LETTERS_IN_ANOTHER_SCRIPT.finditer(before)]
    if ends:
        return _A_LATIN_LETTER.search(before, ends[-1]) is not None
    line_end = _LINE_BREAK.search(text, after)
    rest = text[after : line_end.start() if line_end else len(text)]
    next_letter = _LETTERS_IN_ANOTHER_SCRIPT.search(rest)
    return _A_LATIN_LETTER.search(rest, 0, next_letter.start() if next_letter else len(rest)) is not None


# A capitalised word before "surname" ("Khan surname, 6 kids"), as "surname Khan" is after it: found
# (a review of real reflections), only that way round was warned about. Not a word that says what
# kind of surname it is ("Polish surname", "Asian surname", "Her surname", "Same surname", "Mum's surname").
_NAME_BEFORE_THE_WORD_SURNAME = re.compile(
    r"(?<![\w'\u2019\-])(?P<name>[A-Z][A-Za-z'\u2019\-]{1,39})\s{1,3}(?i:surname)(?!\w)"
)
_SAYS_WHERE_A_NAME_IS_FROM = frozenset(
    {
        *("pakistani", "bangladeshi", "iraqi", "afghan", "arab", "african", "american", "czech", "slovak", "thai"),
        *("greek", "dutch", "yemeni", "saudi", "nepali", "kuwaiti", "omani", "muslim", "hindu", "sikh", "roma"),
    }
)


def _names_before_the_word_surname(text: str) -> Iterator[Finding]:
    if "surname" not in text.lower():
        return
    for match in _NAME_BEFORE_THE_WORD_SURNAME.finditer(text):
        plain = _plain(match["name"]).rstrip("'")
        if (
            plain.endswith("'s")
            or plain in _NOT_A_NAME
            or plain in _NOT_A_SURNAME
            or plain in _NOT_AN_INTRODUCED_NAME
            or plain in _LANGUAGES_AND_FAITHS
            or plain in _SAYS_WHERE_A_NAME_IS_FROM
            or plain.endswith(("ish", "ian", "ese", "ean", "barrelled", "barreled", "hyphenated"))
            or (_is_ordinary_word(plain) and plain not in _COMMON_SURNAMES_THAT_ARE_WORDS)
        ):
            continue
        yield Finding("person_name", match["name"], NAMED_REASON, match.start("name"), match.end("name"))


def _read_given_names(path: Path) -> frozenset[str]:
    """The names in ``path``, one a line ("#" starts a comment, on a line of its own or after a name)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    names = (line.partition("#")[0].strip() for line in lines)
    return frozenset(name for name in names if name)


# Given names that are, in what practitioners write, more often something else: a month ("June"),
# a season or a school term ("Summer", "Autumn term"), a RAG rating ("Amber"), a service or a
# law ("Liberty Protection Safeguards", "Sky"), a faith ("Christian", "Faith groups"), a kind
# of school ("Junior school"), a river ("the River Irwell"), or a place people move from or to
# ("India", "Preston"; "Ashton" and "Leigh", towns in Greater Manchester).
_NOT_A_GIVEN_NAME = frozenset(
    {
        *(month.capitalize() for month in _MONTHS),  # "June", "April", "Jan"
        "Amber",
        "Summer",
        "Autumn",
        "Winter",
        "Sky",
        "Liberty",
        "Christian",
        "Faith",
        "Junior",
        "River",
        "India",
        "Devon",
        "Chester",
        "Preston",
        "Ashton",
        "Leigh",
        # An Arabic and Somali name (Saeed), and a word in any title-case heading ("What Mum Said"):
        # a name only with a cue ("Said (15) is sofa surfing": found, review of names across the
        # area's communities, where "Hope (7)" was found).
        "Said",
    }
)
# Given names that are also ordinary words, which start a sentence as words ("Will the family
# engage?", "Grace period", "Hope Hospital", "Chase the GP", "Mark it as done", "Max 2 hours"):
# a name only where a capital is not needed anyway, inside a sentence ("told Grace and her mum").
_A_GIVEN_NAME_OR_A_WORD = frozenset(
    {
        "Will",
        "Mark",
        "Frank",
        "Hope",
        "Grace",
        "Joy",
        "Chase",
        "Drew",
        "Grant",
        "Miles",
        "Max",
        "Guy",
        "Dawn",
        "Carol",
        "Penny",
        "Robin",
        "Rose",
        "Angel",
        "Honey",
        "Crystal",
        "Buddy",
        "Kit",
        "Trinity",
        # Nigerian and Ghanaian names (given_names_more.txt's last section).
        *("Precious", "Blessing", "Favour", "Comfort", "Marvellous", "Goodness", "Mercy", "Patience"),
        *("Miracle", "Wisdom"),
    }
)
# Common given names in England and Wales (the ONS's most popular baby names: given_names.txt
# says which), less those above that are more often something else.
# With them, the adults' names of the area's communities from elsewhere (given_names_more.txt:
# how it was made), read without their accents as the text is (``plain_letters``).
_MORE_GIVEN_NAMES = _read_given_names(Path(__file__).with_name("given_names_more.txt"))
_CHILDRENS_GIVEN_NAMES = _read_given_names(Path(__file__).with_name("given_names.txt"))
_GIVEN_NAMES = (_CHILDRENS_GIVEN_NAMES | {plain_letters(name) for name in _MORE_GIVEN_NAMES}) - _NOT_A_GIVEN_NAME
CHILDRENS_NAMES_IN_SMALL_LETTERS = frozenset(name.casefold() for name in _CHILDRENS_GIVEN_NAMES)
# Every given name in the lists, also those taken for something else when alone ("Summer",
# "Amber", "India": _NOT_A_GIVEN_NAME), which a cue makes names ("Summer (14)", "Mum India").
_ANY_GIVEN_NAME = (_GIVEN_NAMES | _NOT_A_GIVEN_NAME) - {"Amber"}  # (a RAG rating: "Amber (2), Red (1)")
# Words that are not names, written with a capital where a name may stand: peoples, services and
# charities, hospital departments, roles (not_names.txt, which says how it grew). Never a name by a
# cue, nor a family's surname ("Cafcass told me", "The Yoruba family").
_NOT_NAMES = frozenset(name.lower() for name in _read_given_names(Path(__file__).with_name("not_names.txt")))
# Common English words (common_words.txt, from wordfreq: how it was made): not a name by a cue alone.
_COMMON_WORDS = _read_given_names(Path(__file__).with_name("common_words.txt"))
# Those of them that are names, not ordinary words (common_words_names.txt: how it was made).
_NAMES_AMONG_COMMON_WORDS = _read_given_names(Path(__file__).with_name("common_words_names.txt"))
# Given names as written with their accents, in small letters: given_names_more.txt's, and the
# common English ones' accented forms.
_ACCENTED_NAMES = frozenset(
    {
        *(name.lower() for name in _MORE_GIVEN_NAMES),
        *("zoë", "zoé", "chloé", "renée", "noël", "josé", "andré", "rené", "élise", "hélène", "seán", "siobhán"),
        *("aoife", "niamh", "éabha", "méabh", "róisín", "órla", "caoimhe", "sinéad", "pádraig", "dónal", "ciarán"),
        *(
            "françois",
            "jérôme",
            "rené",
            "anaïs",
            "maëlle",
            "inès",
            "léa",
            "chloë",
            "zoë",
            "noémie",
            "joão",
            "conceição",
        ),
    }
)

# A capitalised word ("Jayden", "Kelly-Ann"; not "O'Brien", "McKenzie" or "JAYDEN"), possibly
# possessive ("Tyler's"), and the capitalised word after it, a surname if it is one ("Jayden
# Smith", "Aisha O'Brien"). The first part of the word is looked up in ``_GIVEN_NAMES``: a set,
# not an alternation of a thousand names in the pattern. A part after a hyphen may be in small
# letters if it is a given name too ("Kayleigh-mae", "Lily-mae": found, privacy review; not
# "Rose-tinted": ``_given_names``).
_GIVEN_NAME = re.compile(
    r"(?<![\w'\u2019\-])(?P<word>(?P<given>[A-Z][a-z]{1,39})(?:-[A-Za-z][a-z]{1,39}){0,3})(?![\w\-])"
    r"(?=(?:\s{1,3}(?P<surname>[A-Z][A-Za-z'\u2019\-]{0,39})(?!\w))?)"
)
# After a given name, or its surname, these make it a place's or a service's name: "Victoria
# Park", "Hope Hospital", "Albert Edward Infirmary", "Elizabeth House", "Roman Catholic".
_NOT_AFTER_A_GIVEN_NAME = frozenset(
    {
        # Street types, less those that are common surnames too ("Jayden Hill", "Kelly Lane").
        *(street.lower() for street in _STREET_TYPES.split("|") if street not in ("Hill", "Lane", "Croft")),
        "house",
        "centre",
        "center",
        "hospital",
        "infirmary",
        "unit",
        "clinic",
        "surgery",
        "practice",
        "school",
        "primary",
        "high",
        "academy",
        "college",
        "university",
        "nursery",
        "chapel",
        "cathedral",
        "mosque",
        "library",
        "station",
        "trust",
        "foundation",
        "project",
        "programme",
        "team",
        "service",
        "services",
        "network",
        "partnership",
        "hub",
        "club",
        "building",
        "buildings",
        "tower",
        "towers",
        "estate",
        "village",
        "mill",
        "wharf",
        "quay",
        "lodge",
        "farm",
        "home",
        "fund",
        "award",
        "catholic",
        "platting",  # Miles Platting, in Manchester
        "vue",  # Belle Vue, in Manchester
        "hey",  # Abbey Hey, in Manchester
        "lever",  # Darcy Lever, in Bolton
        "knife",  # a Stanley knife
    }
)
# A school's class, a nursery's room or a hospital's ward named after a tree, a flower or a stone
# ("in Willow class", "Rowan Class", "Hazel room", "Jasmine ward": found, false-alarm review,
# December 2026); only these names: "Mia class teacher says", "Jayden room is dirty" and "Olivia
# Ward" (a surname) are a child's (regression review).
_NAMES_OF_CLASSES = frozenset(
    {
        *("Willow", "Rowan", "Hazel", "Holly", "Poppy", "Daisy", "Ruby", "Jasmine", "Ivy", "Lily", "Jade", "Rose"),
        *("Iris", "Maple", "Cedar", "Birch", "Aspen", "Juniper", "Heather", "Primrose", "Bluebell", "Violet"),
        *("Pearl", "Sapphire", "Emerald", "Crystal", "Amber", "Elm", "Ash", "Oak", "Hawthorn", "Blossom", "Laurel"),
        *("Wren", "Robin", "Kestrel", "Phoenix", "Olive", "Fern", "Saffron", "Hope", "Lark", "Starling"),
    }
)
_A_CLASS_NAMED_SO = re.compile(r"\s{1,3}(?:[Cc]lass(?:es|room)?|[Rr]oom|[Ww]ard|[Bb]ase|[Gg]roup)\b")


def _a_class_named_so(text: str, given: str, end: int) -> bool:
    """Whether the given name ending at ``end`` names a class, a room or a ward: one of the names
    of ``_NAMES_OF_CLASSES``, or one that is a word too ("Robin class", "Wren class", "Phoenix
    class", "Hope class", "Fern room": regression review, found as names once the list was
    narrowed), before "class", "room", "ward", "base" or "group"; not with an age after it ("Pearl
    Group (6)"), nor "Ward" as a surname (below)."""
    if not (given in _NAMES_OF_CLASSES or given in _ALSO_A_WORD or _is_ordinary_word(given.lower())):
        return False
    named = _A_CLASS_NAMED_SO.match(text, end)
    if named is None or _AGE_AFTER.match(text, named.end()):
        return False
    word = named[0].strip()
    if word.lower() != "ward":
        # "Wren class said goodbye", "Fern group attended the trip" (regression review); written as a
        # surname is, before what a child says or suffers, a surname ("Poppy Class said dad hit her").
        # (One child, not the class: "Poppy Class said dad hit her", not "Willow Group said they felt
        # safer" or "Rowan Class told the head teacher about the broken fence": regression review.)
        rest = re.split(r"[.!?\n]", text[named.end() : named.end() + 120])[0]
        return not (
            word[0].isupper()
            and _WHAT_ONLY_A_CHILD_SAYS_OR_SUFFERS.match(text, named.end())
            and _ONE_PERSONS_PRONOUN.search(rest)
        )
    # "Ward" is a surname as often: a hospital's ward where the words before say so ("Mum is on Juniper
    # Ward", "admitted to Rowan Ward") or its sentence speaks of a hospital's ward ("Hazel Ward told us
    # mum is ready for discharge"), else a surname ("Holly Ward also said dad hits her", "Lily Ward said
    # dad hits her. The school nurse saw bruises.": regression reviews).
    before = text[max(0, end - len(given) - 40) : end - len(given)]
    # Someone's home: "She moved into Daisy Ward's house with the kids", "the children were taken to Lily
    # Ward's house" (whatever the sentence says of a hospital); a room or a garden where nothing speaks of
    # one, not "Grandad was moved into Hazel Ward's spare room at the hospital" (regression reviews).
    if _POSSESSIVE.match(text, named.end()):
        if _A_HOME_AFTER.match(text, named.end() + 2):
            return False
        if (
            _A_ROOM_AFTER.match(text, named.end() + 2)
            and not _TAKEN_TO_A_WARD_BEFORE.search(before)
            and not sentences_of(text).found(_A_HOSPITAL_IN_THE_SENTENCE, end, end - 150, end + 150)
            and not sentences_of(text).found(_ABOUT_A_HOSPITALS_WARD, end, end - 150, end + 150)
        ):
            return False
    if _A_WARD_BEFORE.search(before):
        return True
    # (Within 150 characters of it in its sentence: in a run-on sentence, "Holly Ward said dad hits
    # her, ... mum was discharged from hospital last week" is a girl: regression review.)
    sentences = sentences_of(text)
    if sentences.found(_ABOUT_A_HOSPITALS_WARD, end, end - 150, end + 150):
        return True
    # "Mum is in Rowan Ward at Salford Royal", "in Rowan Ward at the hospital" (regression review): "in",
    # "at" or "from" before it, where its sentence speaks of a hospital within 150 characters; or "in" or
    # "at" before it, where a hospital is named up to 600 characters before ("Mum was admitted to Salford
    # Royal on Friday night after ... and she is still in Rowan Ward"; not a school nurse or an overdose
    # that far back: "... a big change in Holly Ward since Christmas", the next regression review);
    # not "a change in Lily Ward's".
    if _POSSESSIVE.match(text, named.end()) or _IN_AT_OR_FROM_BEFORE.search(before) is None:
        return False
    return sentences.found(_A_HOSPITAL_IN_THE_SENTENCE, end, end - 150, end + 150) or (
        _IN_OR_AT_BEFORE.search(before) is not None and sentences.found(_A_HOSPITAL_NAMED, end, end - 600, end)
    )


_ONE_PERSONS_PRONOUN = re.compile(r"(?i:\b(?:she|he|her|his|him|herself|himself)\b)")
_IN_AT_OR_FROM_BEFORE = re.compile(r"(?i:\b(?:in|at|from|into)\s{1,3})$")
_IN_OR_AT_BEFORE = re.compile(r"(?i:\b(?:in|at)\s{1,3}(?:(?:still|now)\s{1,3})?)$")
_A_HOSPITAL_NAMED = re.compile(r"(?i:\b(?:hospital|royal|infirmary|inpatients?|admitted\s{1,3}to)\b)")
_A_HOSPITAL_IN_THE_SENTENCE = re.compile(
    r"(?i:\b(?:hospital|royal|infirmary|inpatients?|admitted|admission|unit|nurses?|consultant|overdose|sectioned)\b)"
)


# Before a ward's name: "on", "the", or where someone was taken, moved or sent.
_A_WARD_BEFORE = re.compile(
    r"(?i:\b(?:on|onto|the|(?:admitted|moved|transferred|taken|sent|discharged|sectioned)\s{1,3}(?:to|from|on|onto|into)))"
    r"\s{1,3}$"
)
# Words of a hospital's ward, in the sentence about one.
_ABOUT_A_HOSPITALS_WARD = re.compile(
    r"(?i:\b(?:sectioned|section\s{1,3}[23]|discharged?|discharging|inpatients?|patients"
    r"|ward\s{1,3}(?:round|staff|manager)|visiting\s{1,3}hours|visitors|secure|mental\s{1,3}health\s{1,3}unit)\b)"
)


# Before a given name, these make it a place's, a saint's, a prophet's or a royal's: "St Mary's",
# "Queen Elizabeth", "Holy Trinity", "the Prophet Muhammad", "Christmas Eve".
_NOT_BEFORE_A_GIVEN_NAME = frozenset(
    {
        "st",
        "st.",
        "saint",
        "prophet",
        "queen",
        "king",
        "prince",
        "princess",
        "lady",
        "holy",
        "christmas",
        "year's",
        "lake",
        "mount",
    }
)
# After a name: its possessive ("Grace's mum"), which the ordinary word rarely takes.
_POSSESSIVE = re.compile(r"['\u2019]s(?!\w)")
_TAKEN_TO_A_WARD_BEFORE = re.compile(
    r"(?i:\b(?:admitted|transferred|taken|sent|discharged|sectioned)\s{1,3}(?:to|from|on|onto|into)\s{1,3}$)"
)
_A_HOME_AFTER = re.compile(
    r"(?i:\s{1,3}(?:(?:old|new|own|front|back)\s{1,3})?(?:house|flat|home|caravan|bungalow|maisonette|bedsit|place"
    r"|address|sofa(?!\s{1,3}bed)|couch|door(?!\s{1,3}bell))\b)"
)
# (A ward has these too, and a sofa bed and a door bell: "Mum slept on Rowan Ward's sofa bed at the hospital":
# regression review.)
_A_ROOM_AFTER = re.compile(
    r"(?i:\s{1,3}(?:(?:old|new|spare|own|side|front|back)\s{1,3})?(?:room|bedroom|garden|sofa\s{1,3}bed"
    r"|door\s{1,3}bell)\b)"
)
# After a name's "'s": what is named after someone, not theirs ("Clare's Law", "Sarah's Law",
# "Helen's Law", "Jessie's Fund"), as after a name (``_NOT_AFTER_A_GIVEN_NAME``: "Elizabeth's House").
_NOT_AFTER_A_POSSESSIVE_NAME = _NOT_AFTER_A_GIVEN_NAME | {"law"}
_WORD_BEFORE = re.compile(r"(\S{1,20})\s{1,3}$")
# What may come between the end of a sentence and its first word: spaces, quotes, brackets,
# and a list's bullet ("- Will the family...", "1. Grace period").
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\u2022*\u2013\u2014-]|\n\s{0,10}\d{1,2}[.)])[\s\"'\u201c\u2018(\[]{0,10}$")


_OF_ALL_TRADES = re.compile(r"(?i:\s{1,3}of\s{1,3}all\s{1,3}trades)\b")


# Before a given name that is a word too (``_A_GIVEN_NAME_OR_A_WORD``), words that make it the word.
_BEFORE_A_WORD_NOT_A_NAME = frozenset({"thank", "my", "for", "have", "a", "some", "the", "of", "no", "any", "what"})


def _given_names(text: str) -> Iterator[Finding]:
    for match in _GIVEN_NAME.finditer(text):
        given = match["given"]
        if given not in _GIVEN_NAMES:
            continue
        if any(
            part[0].islower() and part.capitalize() not in _ANY_GIVEN_NAME and part not in _NAMES_AMONG_COMMON_WORDS
            for part in match["word"].split("-")[1:]
        ):
            continue  # "Rose-tinted", "Will-power": a word joined on, not a second given name
        start, end = match.start(), match.end("word")
        before = _WORD_BEFORE.search(text, max(0, start - 24), start)
        # (In brackets too: "the SARC (St Mary's)": found, false-alarm review, December 2026.)
        if before is not None and _plain(before[1]).lstrip("([{\"'\u201c\u2018") in _NOT_BEFORE_A_GIVEN_NAME:
            continue
        if _a_drug_is_meant(text, start, end):
            continue  # "made to sell Charlie and weed" (found, review)
        surname_after = match["surname"]
        if surname_after is not None and (_plain(surname_after) in _NOT_A_SURNAME or surname_after == "I"):
            surname_after = None
        if _a_language_is_meant(text, start, match.end("given"), surname_after):
            continue  # "the family speak Shona"
        if (
            given in _A_GIVEN_NAME_OR_A_WORD
            and not _POSSESSIVE.match(text, end)  # "Grace's mum": a person's, wherever it is
            and not _in_a_list_of_names(text, end)  # "Siblings: Grace, Rose and Will"
            # "Mark has been hitting the children" (not "Grant has been helping with the rent")
            and not (_WHAT_ONLY_A_PERSON_DOES if given != "Grant" else _WHAT_ONLY_A_CHILD_SAYS_OR_SUFFERS).match(
                text, end
            )
            and (
                _SENTENCE_START.search(text, max(0, start - 24), start)
                # A word in a saying, capitalised as some write it: "Thank Goodness", "Lord have Mercy",
                # "Do me a Favour" (found, regression review).
                or (before is not None and _plain(before[1]) in _BEFORE_A_WORD_NOT_A_NAME)
            )
        ):
            continue
        surname = match["surname"]
        if surname is not None:
            surname = surname.removesuffix("'s").removesuffix("\u2019s")
            if _plain(surname) in _NOT_AFTER_A_GIVEN_NAME:
                continue  # "Victoria Park"
            if _plain(surname) not in _NOT_A_SURNAME and surname != "I":
                end = match.start("surname") + len(surname)
        following = _NEXT_WORD.match(text, end)
        if following is not None and _plain(following[1]) in _NOT_AFTER_A_GIVEN_NAME:
            continue  # "Albert Edward Infirmary"
        if given == "Jack" and _OF_ALL_TRADES.match(text, match.end("given")):
            continue  # "Jack of all trades feeling" (found, a review of real reflections: warned about)
        if _a_class_named_so(text, given, match.end("given")):
            continue  # "in Willow class", "Rowan Class", "Robin class"
        if (possessive := _POSSESSIVE.match(text, end)) is not None:
            # A law, fund or place named after someone, written as a name ("Clare's Law", "Jessie's
            # Fund", "Elizabeth's House"; not "Jayden's house"): found (identifying-data review), the
            # word after the "'s" was never looked at.
            owned = _NEXT_WORD.match(text, possessive.end())
            if owned is not None and owned[1][:1].isupper() and _plain(owned[1]) in _NOT_AFTER_A_POSSESSIVE_NAME:
                continue
        surname_first = _SURNAME_FIRST_IN_CAPITALS.search(text, max(0, start - 32), start)
        if surname_first is not None and _reads_as_a_surname_in_capitals(surname_first["surname"]):
            start = surname_first.start()
        yield Finding("person_name", text[start:end], REASONS["person_name"], start, end)


# After a given name that is also a word, starting a sentence: what only a person does ("Mark
# has been hitting the children", "Grace said no", "Will is 7"), so the name is meant. Found
# (identifying-data review): such a name starting a sentence was never warned about.
# Narrower, after a word that is a name less often than a thing (a season, "Faith", "Grant"): what
# is said of a child and never of the thing ("Summer said dad hit her", "Grant has been hitting
# his sister"; not "Summer has been challenging", "Faith lives at the heart of this family",
# "Amber refused to turn green", "Grant has been helping with the rent": regression reviews).
_WHAT_ONLY_A_CHILD_SAYS_OR_SUFFERS = re.compile(
    r"\s{1,3}(?:(?i:said|says|told|tells|disclosed|discloses|cried|cries|screamed|ran\s{1,3}away"
    r"|went\s{1,3}missing|goes\s{1,3}missing|ha[sd]\s{1,3}gone\s{1,3}missing|hit|hits|punched|kicked)(?![\w'\u2019])"
    r"|(?i:has|had)\s{1,3}been\s{1,3}(?i:hitting|hurting|crying|self-harming|shouting|missing|hit|hurt|assaulted"
    r"|abused|bullied|groomed|scared|kicking|punching|threatening)(?![\w'\u2019])"
    r"|(?i:is|was)\s{1,3}(?:\d{1,2}(?!\d)(?=\s{0,3}(?:[.,;:!?)]|$|(?i:and|years?|yrs?|y/?o|now)\b))"
    r"|(?i:scared|frightened|afraid|crying|missing)(?![\w'\u2019])))"
)
_WHAT_ONLY_A_PERSON_DOES = re.compile(
    r"\s{1,3}(?:(?i:said|says|told|tells|disclosed|discloses|hit|hits|punched|kicked|slapped|pushed|shouted"
    r"|screamed|cried|cries|lives|lived|stays|stayed|wants|wanted|refused|refuses|admitted|denied|attends"
    r"|attended|ran\s{1,3}away|went\s{1,3}missing|goes\s{1,3}missing|ha[sd]\s{1,3}gone\s{1,3}missing)(?![\w'\u2019])"
    r"|(?i:has|had)\s{1,3}been\s{1,3}(?i:[a-z]{2,20}ing)(?![\w'\u2019])"
    r"|(?i:is|was)\s{1,3}(?:\d{1,2}(?!\d)(?=\s{0,3}(?:[.,;:!?)]|$|(?i:and|years?|yrs?|y/?o|now)\b))"
    r"|(?i:scared|frightened|afraid|upset|crying|missing)(?![\w'\u2019])))"
)


# A given name taken for something else when alone ("Summer", "Faith", "River", "India":
# _NOT_A_GIVEN_NAME), after a word for speaking to or seeing someone, then nothing more of a
# name or a thing ("I spoke to Summer.", "told Faith and her mum"; not "talked to Faith groups",
# "saw River Irwell"). Found (identifying-data review): "I spoke to Summer." went unwarned.
_SPOKEN_TO_A_NAME = re.compile(
    r"(?<![\w'\u2019])(?i:spoke|speak|speaking|talked|talking)\s{1,3}(?i:to|with)\s{1,3}(?P<name>[A-Z][a-z]{2,24})"
    r"(?=\s{0,3}(?:[.,;:!?)]|$)|\s{1,3}(?i:and|about|today|yesterday|again|alone|on\s{1,3}her|on\s{1,3}his)"
    r"(?![\w'\u2019]))"
    r"|(?<![\w'\u2019])(?i:told|asked|met\s{1,3}with)\s{1,3}(?P<seen>[A-Z][a-z]{2,24})"
    r"(?=\s{0,3}(?:[.,;:!?)]|$)|\s{1,3}(?i:and|about|today|yesterday|again|alone)(?![\w'\u2019]))"
)


# Of those, the ones people are called: not a place ("visited Chester", "spoke to Leigh" about a
# town), a month or a service ("spoke to Sky about the bill"): found, regression review. With them,
# the adults' names that are English words too, in no list of names as they are words ("I spoke to
# Sue and her mum", "told Pat about the plan": found, December 2026).
_SEASONS_AND_VIRTUES_AS_NAMES = frozenset({"Summer", "Autumn", "Winter", "Faith", "River", "Amber"})
_WORDS_AS_ADULTS_NAMES = frozenset({"Pat", "Sue", "Bill", "Ray", "Rob", "Don", "Dot", "Norm", "Reg", "Rich"})
_WORDS_PEOPLE_ARE_CALLED = _SEASONS_AND_VIRTUES_AS_NAMES | _WORDS_AS_ADULTS_NAMES
# The months that are names too: not after a word saying when ("The review in May said...":
# regression review), and never after "spoke to" or "told" ("We were told June").
_MONTHS_AS_NAMES = frozenset({"April", "May", "June"})
_WHEN_BEFORE_A_MONTH = frozenset(
    {"in", "on", "by", "since", "until", "till", "from", "during", "of", "last", "next", "this", "early", "late"}
    | {"mid", "end", "beginning", "start", "throughout", "before", "after", "through", "every", "each", "between"}
    | {"and", "or", "to", "around", "about", "for"}
)
# Before "Bill" or "Reg", the words that make it a thing ("Her phone Bill was 80", "the Old Bill told
# him", "car Reg": regression review).
# A kind of bill ("gas", "Sky", "food"; "old": the Old Bill, the police), where only harm done just
# after it makes it a name ("In the car Bill hit her"); before the others ("her", "the", "new"), harm
# done anywhere after it in its sentence does ("Mum said her Bill said that if she left him he would
# kill her", "The new Bill said that if she told anyone he would kill her": regression review). Not
# "nursery": "At nursery Bill said his dad locks him in his room" (the same review).
_KINDS_OF_BILL = (
    frozenset({"phone", "gas", "electric", "electricity", "water", "council", "tax", "energy", "old", "mobile"})
    | {"broadband", "rent", "tv", "final", "unpaid", "monthly", "car", "vehicle", "number"}
    # A company's: "The EE Bill said she owes £40", "Her Sky Bill" (regression review).
    | {"ee", "sky", "bt", "virgin", "o2", "vodafone", "talktalk", "plusnet", "utility", "credit", "card"}
    | {"catalogue", "loan", "wifi", "landline", "internet", "food", "shopping", "ovo", "three", "latest", "overdue"}
    | {"outstanding", "heating", "annual", "quarterly", "client's", "clients", "octopus", "eon", "edf"}
)
_BEFORE_A_THING = _KINDS_OF_BILL | frozenset(
    {"the", "a", "an", "his", "her", "their", "my", "our", "your", "this", "that", "its", "big", "huge", "first"}
    | {"last", "next", "new"}
)
_BEFORE_A_BILL_OR_A_PERSON = _BEFORE_A_THING - _KINDS_OF_BILL
# "the nursery Bill" (a bill where money is spoken of), not "At the new nursery Bill said", "Inside the
# nursery Bill said" (a child there: regression reviews).
_A_NURSERY_BILL = re.compile(r"(?i:\b(?:the|her|his|their|my|our|your|this|that|last|new|first)\s{1,3}nursery\s{1,3}$)")
_AT_NURSERY = re.compile(
    r"(?i:\b(?:at|in|from|inside|outside|into|to|around|round)\s{1,3}(?:[\w'\u2019]{1,12}\s{1,3}){0,2}nursery\s{1,3}$)"
)
# Before "Reg" where it is a car's registration ("the car Reg", "her private Reg"), not "At nursery
# Reg said" (regression review).
_BEFORE_A_REGISTRATION = frozenset(
    {"the", "a", "an", "his", "her", "their", "my", "our", "your", "this", "that", "its", "car", "vehicle", "number"}
    | {"new", "old", "private", "personal", "plate", "van", "bike", "motorbike"}
)
# A sentence about the television company, not a child called Sky ("Sky said they would cut off
# the TV": regression review).
_ABOUT_SKY_THE_COMPANY = re.compile(
    r"(?i:\b(?:tv|television|broadband|package|account|bill|contract|subscription|box|channel|sports|engineer"
    r"|signal|dish|remote|cut\s{1,3}(?:it\s{1,3}|us\s{1,3}|them\s{1,3})?off|payments?|owed?|debt|arrears|pay|paying"
    r"|price|prices|charge|charged|charges)\b)"
)


# One of those before what only a person does ("Summer said dad hit her", "Faith told the teacher":
# found, regression review; "May said dad hit her", "Mum said Bill hit her", "Sky told her teacher
# dad hit her": found, December 2026); "Bill" not before a number ("Bill was 40 and mum could not pay").
_SEASON_OR_VIRTUE_DOING = re.compile(
    r"(?<![\w'\u2019\-])(?<![Tt]he\s)"  # (not "the River", "the Bill")
    rf"(?P<name>{'|'.join(sorted(_WORDS_PEOPLE_ARE_CALLED | _MONTHS_AS_NAMES | {'Sky'}))})(?=\s)"
)
_A_NUMBER_AFTER_IS = re.compile(r"\s{1,3}(?i:is|was)\s{1,3}\d")
_A_DAY_OF_THE_MONTH = re.compile(r"\d{1,2}(?:st|nd|rd|th)?")
_A_SCHOOL_YEAR_BEFORE = re.compile(r"(?i:\b(?:year|yr|y)\s{0,3}\d{1,2}\s{1,3})$")
# What is said of a person and never of a bill or a company, in a sentence about money ("Mum said Bill
# hit her because she couldn't pay the rent", "Sky said mum had to pay the dealer": regression review).
# (Found, regression review: "Sky said dad beat mum because she owed him money", "Bill said he would
# kill her if she did not pay the £200" went unwarned with only the first line's words.)
_HARM_WORDS = (
    r"hit|hits|hitting|hurt|hurts|kill\w{0,4}|threaten\w{0,12}|abuse\w{0,12}|punch\w{0,12}|kick\w{0,12}"
    r"|slap\w{0,12}|dealer|drugs|touched|grabbed|shout\w{0,12}|scream\w{0,12}|disclos\w{0,12}|rape\w{0,4}|raping"
    r"|sexual\w{0,6}|assault\w{0,6}|beat|beats|beaten|beating|strangl\w{0,6}|chok\w{0,6}|nudes?|groom\w{0,6}"
    r"|exploit\w{0,8}|vapes?|frightened|scared|afraid|violent|violence|weapon|knife|injur\w{0,6}"
)
_ABOUT_HARM = re.compile(rf"(?i:\b(?:{_HARM_WORDS})\b)")
# Harm done, not only feared: what keeps "Bill" a name after words for a bill ("at nursery Bill hit
# her"), where "Her Sky Bill said she owed £90 and mum is scared" is a bill (regression reviews).
_HARM_DONE = re.compile(rf"(?i:\b(?:{_HARM_WORDS.replace('|frightened|scared|afraid', '')})\b)")
# Broader, for the inbox's notes (app/inbox/service.py): in a sentence with one of these, a
# colleague's short form is someone else's ("Dave raped her when she was 12", "Dave beat mum", "She
# is frightened of Dave", "Dave sent her photos": regression reviews). A false alarm here costs a
# confirmation; a miss, a child's abuser unwarned. (Not for Sky: "the engineer sent photos of the dish".)
SPEAKS_OF_HARM = re.compile(rf"(?i:\b(?:{_HARM_WORDS}|photos?|images?)\b)")
# Money in words: what is owed or paid, a sum ("£"), and, but for "her Bill … her" (``_MONEY_SPOKEN_OF``:
# "she was due to see the GP"), what is due.
_OWED_OR_PAID = r"£|\$|\b(?:owed?|owes|owing|arrears|debt|pay|paid|paying|payment)\b"
_DUE = r"\b(?:due|overdue)\b"
_ABOUT_MONEY = re.compile(rf"(?i:{_OWED_OR_PAID}|{_DUE}|\d)")
_NURSERY_MONEY = re.compile(
    rf"(?i:{_OWED_OR_PAID}|{_DUE}|\b(?:fees?|funded|funding|invoice|prices?|extra\s{{1,3}}(?:hours|sessions)"
    r"|(?:the\s{1,3})?costs?\s{1,3}of|charges\s{1,3}for|charged"
    r"|sessions\s{1,3}(?:were|are|being|will\s{1,3}be)\s{1,3}(?:being\s{1,3})?(?:cut|reduced))\b)"
)
_MONEY_IN_WORDS = re.compile(rf"(?i:{_OWED_OR_PAID}|{_DUE})")
# A utility's own words, which no person's sentence has ("the tariff has gone up", "the supply will be
# disconnected"); not "council", "gas", "account", "letter" ("Her Bill said that if she went to the
# council he would kill her", "Her Bill said he would turn the gas on and kill them all": review).
_ABOUT_A_BILL = re.compile(
    r"(?i:\b(?:tariff|supply|disconnect\w{0,4}|direct\s{1,3}debit|standing\s{1,3}charge|meter\s{1,3}reading"
    r"|final\s{1,3}demand)\b)"
)
# Between the name and the harm: "has", "just" and the like ("Her Bill has raped her", "Her Bill just hit
# her again").
_BEFORE_THE_HARM = r"(?:(?:has|had|have|just|then|also|again|repeatedly|allegedly|physically)\s{1,3}){0,2}"
# Harm done by Bill, just after the name ("Her Bill raped her", "Her Bill strangled her": regression review).
# What only a person does to someone; and what a bill may do too ("The gas Bill threatened
# disconnection", "Her last Bill hurt her budget"), only to a person ("Her Bill hurt the baby").
_HARM_DONE_BY_A_PERSON = re.compile(
    rf"(?i:\s{{1,3}}{_BEFORE_THE_HARM}(?:sexually\s{{1,3}})?"
    r"(?:(?:raped|rapes|assaulted|assaults|strangled|strangles|choked|chokes|abused|abuses|slapped|slaps"
    r"|smacked|smacks|headbutted|stabbed|groomed|punched|punches|kicked|kicks|pinned|shook|throttled"
    r"|molested|sexually)(?![\w'\u2019])"
    # "threatened to kill her", not what a bill threatens ("threatened to withdraw his place").
    r"|(?:threatened|threatens|threatening)\s{1,3}to\s{1,3}(?!(?:withdraw|cancel|cut|disconnect|stop|end|charge"
    r"|increase|close|suspend|pass|send|refer|add|apply|report|restrict|instruct|involve|double|treble|rise|go|push"
    r"|take\s{1,3}(?:legal|action|further|enforcement|(?:her|them|mum|dad|us|him)\s{1,3}to\s{1,3}(?:court|the))"
    r")\b)[a-z]{2,20}"
    r"|shouted\s{1,3}abuse))"
)
# What a bill may do too ("The new Bill hurt her, its £400 more", "Her Bill dragged on for months",
# "Her Bill forced her to pay it all at once"), only to a person, and where no money is spoken of just
# after ("Her Bill hurt the baby"): regression reviews.
_HARM_DONE_TO_SOMEONE = re.compile(
    rf"(?i:\s{{1,3}}{_BEFORE_THE_HARM}"
    r"(?:beat|beats|beaten|hurt|hurts|threatened|threatens|touched|touches|shouted\s{1,3}at|shouts\s{1,3}at|grabbed"
    r"|grabs|pushed|pushes|shoved|attacked|attacks|hit|hits|threw|throws|bit|bites|dragged|drags|battered|forced"
    r"|forces)\s{1,3}"
    r"(?:him|them|me|us|mum|mummy|mam|dad|daddy|nan|the\s{1,3}(?:baby|kids|children|girls|boys|dog|child)"
    r"|(?:another|a|two|three|other)\s{1,3}(?:lad|lads|boy|boys|girl|girls|child|children|kid|kids|pupil|pupils)\b"
    r"|(?:my|his|her|their)\s{1,3}(?:daughter|son|sister|brother|stepson|stepdaughter|step-son|step-daughter|kids"
    r"|children|baby|mum|dad|partner|girlfriend|boyfriend|wife|husband|nan|friend)"
    # a name ("Bill grabbed Ella by the throat"), not two words ("hurt Universal Credit claimants")
    r"|(?-i:[A-Z][a-z]{1,20})(?:['\u2019]s)?(?![\w'\u2019])(?!\s{1,3}(?-i:[A-Z]))"
    r"|(?P<her>her)(?!\s{1,3}(?:budget|finances|account|bank|income|money|savings|credit|benefits|pocket|purse"
    r"|confidence|mood|sleep|down\s{1,3}financially))\b)"
    # (not into debt: "Her last Bill pushed Mum further into debt")
    r"(?!\s{1,3}(?:further\s{1,3})?into\s{1,3}(?:debt|arrears|(?:her|their|the)\s{1,3}(?:overdraft|red)|poverty|hardship)))"
)
# Before "Bill", words no bill has before it: the start, saying, and words that join a clause.
_BEFORE_A_PERSON_ONLY = frozenset(
    {"", "said", "says", "told", "tells", "that", "when", "after", "because", "and", "then", "but", "as", "if", "so"}
    | {"until", "before", "where", "while", "whilst", "reports", "reported", "disclosed", "stated", "states", "claims"}
    | {"claimed", "alleges", "alleged", "explained", "since", "once", "how", "why", "who", "mum", "dad", "nan", "she"}
    | {"he", "they", "partner", "boyfriend", "husband", "ex", "stepdad", "uncle", "grandad", "brother", "at", "in"}
    | {"landlord", "neighbour", "neighbor", "friend", "mate", "cousin", "dealer", "man", "bloke", "fella", "lodger"}
    | {"club", "carer", "coach", "perpetrator", "abuser", "suspect", "offender", "accused", "worker", "granddad"}
    | {"grandfather", "father", "stepfather", "boyfriend", "officer", "teacher", "manager", "boss", "lad", "named"}
    | {"boy", "pupil", "son", "nephew", "stepson", "victim"}
)
# A time before "Bill" ("Yesterday Bill forced his way in", "Last week Bill threw a brick"), or an adverb
# ("Allegedly"): a person's context, but not after "her" or "the" ("Her weekly Bill", "Her Monday
# Bill", "buy now pay later Bill": regression review).
# The two words before a position: the first of them, then the one just before it.
_WORDS_BEFORE = re.compile(r"([\w'\u2019-]{1,30})[\s,]{1,3}[\w'\u2019:;-]{1,30}\s{1,3}$")
_A_TIME_BEFORE = frozenset(
    {"yesterday", "today", "tonight", "later", "earlier", "again", "eventually", "then", "now", "morning"}
    | {"afternoon", "evening", "night", "week", "weekend", "monday", "tuesday", "wednesday", "thursday", "friday"}
    | {"saturday", "sunday"}
)
_NOT_AN_ADVERB = frozenset(
    {"supply", "family", "weekly", "fortnightly", "yearly", "nightly", "daily", "costly", "early", "only", "hourly"}
    | {"friendly", "lovely", "likely", "elderly", "holy", "reply", "apply", "assembly", "ugly", "italy", "july"}
)
_A_BILLS_WORD_BEFORE = frozenset(
    {"her", "his", "their", "my", "our", "your", "the", "a", "an", "its", "pay", "same", "end"}
)
# The same verbs, with no word before "Bill" that a bill may have: a person's, whatever follows ("Bill
# forced his way in"; not hurt or threatened, which need a person: "threatened to withdraw his place").
_HARM_DONE_BY_SOMEONE = re.compile(
    rf"(?i:\s{{1,3}}{_BEFORE_THE_HARM}"
    r"(?:beat|beats|beaten|touched|touches|shouted|shouts|grabbed|grabs|pushed|pushes|shoved|attacked|attacks|hit"
    r"|hits|threw|throws|bit|bites|dragged|drags|battered|forced|forces)(?![\w'\u2019]))"
)
_MONEY_SPOKEN_OF = re.compile(rf"(?i:{_OWED_OR_PAID})")
_A_MAN_OR_A_BODY = re.compile(
    r"(?i:\b(?:he|him|his|he's|he'd|he'll|himself)\b|\bby\s{1,3}(?:the|her|his|their)\s{1,3}(?:hair|throat|neck|arms?"
    r"|wrists?|collar|ears?|legs?)\b)"
)
_HIT_A_SUM = re.compile(r"\s{1,3}(?:hit|hits)\s{1,3}(?:£|\$|\d)")


def _before_a_person_only(text: str, start: int, word: str) -> bool:
    """Whether ``word``, just before "Bill" (at ``start``), is one no bill has before it: nothing, saying,
    a word that joins a clause, who he is ("The perpetrator Bill", "Mum's ex-boyfriend Bill", "Granddad
    Bill"), or a time or an adverb not after "her" or "the" ("Yesterday Bill forced his way in",
    "Allegedly Bill…"; not "Her weekly Bill", "Her Monday Bill": regression reviews)."""
    word = word.strip(":;")
    if word in _BEFORE_A_PERSON_ONLY or any(part in _BEFORE_A_PERSON_ONLY for part in word.split("-") if part):
        return True
    if not (word in _A_TIME_BEFORE or (len(word) > 4 and word.endswith("ly") and word not in _NOT_AN_ADVERB)):
        return False
    before = _WORDS_BEFORE.search(text, max(0, start - 60), start)
    return before is None or _plain(before[1]) not in _A_BILLS_WORD_BEFORE


def _harm_done_to_someone(text: str, match: re.Match[str], word_before: str) -> bool:
    """Whether what Bill does just after the name, which a bill may do too, is done by a person: after
    nothing, or a word a bill never has before it ("said", "that", "after"), any of it ("Bill forced his
    way into the flat", "Mum said Bill battered the door in"); after any other ("her", "the new", "Her
    United Utilities Bill forced her…": regression review), only to a person, and to "her" only
    where no money is spoken of just after, unless a man or a body is ("The new Bill hurt her, its £400
    more" is a bill; "Her Bill hurt the baby when mum said she couldn't pay the rent", "Her Bill grabbed
    her by the hair over the £50" are people: regression reviews)."""
    done = _HARM_DONE_TO_SOMEONE.match(text, match.end())
    if _before_a_person_only(text, match.start(), word_before):
        return done is not None or _HARM_DONE_BY_SOMEONE.match(text, match.end()) is not None
    if done is None:
        return False
    if done["her"] is None:
        return True
    sentences = sentences_of(text)
    return not sentences.found(_MONEY_SPOKEN_OF, match.start(), match.end(), match.end() + 80) or sentences.found(
        _A_MAN_OR_A_BODY, match.start(), match.end()
    )


# Names the lists miss, found by what the text around them says, whatever their language: found
# (identifying-data review of names across the area's communities), a name in neither list
# (Rawan, Rebwar, Nasrin, Tobiloba) was missed where the text said plainly it was one, while an
# English one was found there by the lists, so the check was worse for some families than others.
# A word in capitals, "RAWAN (7)", or small letters, "rawan (7)", as "Jayden (7)" is found.
_UNLISTED_WORD = r"[A-Z][a-z'\u2019]{1,24}(?:-[A-Z][a-z'\u2019]{1,24})?"
_UNLISTED_WORD_ANY_CASE = rf"(?:{_UNLISTED_WORD}|[a-z]{{2,24}}|[A-Z]{{3,24}})"
# A label and a colon or a dash, as a record is written, where what follows may say how someone is
# as often as who ("Mum: Dissociating", "YP: Truanting"): a word shaped as a describing word is not
# a name after one (``_an_unlisted_name``), unless it is shaped as a name in Pinyin ("Mum: Yiling").
_LABEL_CUES = (
    # "Name: Rawan Karimi", "Child: Rawan".
    re.compile(
        r"(?<![\w'\u2019\-])(?i:name|child|children|yp|cyp|young\s{1,3}person)"
        rf"\s{{0,3}}(?::|\s[\-\u2013\u2014])\s{{0,3}}(?P<name>{_UNLISTED_WORD})(?:\s{{1,3}}(?P<more>{_UNLISTED_WORD}))?"
        r"(?![\w'\u2019\-])"
    ),
    # After a family member's word, the same: "Mum: Nasrin.", "Dad - Rebwar Karimi"; a word alone only
    # where a sentence or a list goes on after it ("Baby: Jaundice at birth" says what the baby had).
    re.compile(
        rf"(?<![\w'\u2019\-])(?i:{_FAMILY_WORD})\s{{0,3}}(?::|\s[\-\u2013\u2014])\s{{0,3}}(?P<name>{_UNLISTED_WORD})"
        rf"(?:\s{{1,3}}(?P<more>{_UNLISTED_WORD})(?![\w'\u2019\-])|(?=\s{{0,3}}(?:[.,;)\n]|$)))"
    ),
)
# A school year, as an age is given: "Rawan (Y3)", "Rawan, Year 3,", "Rawan is in Year 3", "Rawan (YR)".
_SCHOOL_YEAR_CUE = re.compile(
    rf"(?<![\w'\u2019\-])(?P<name>{_UNLISTED_WORD_ANY_CASE})"
    r"(?:\s{0,3}\(\s{0,3}(?i:y(?:ea)?r|y)\s{0,3}(?:\d{1,2}|R)\s{0,3}\)"
    r"|\s{0,3},\s{0,3}(?i:y(?:ea)?r|y)\s{0,3}\d{1,2}\s{0,3}[,;)]"
    r"|\s{1,3}(?i:is|was)\s{1,3}in\s{1,3}(?i:y(?:ea)?r)\s{0,3}\d{1,2}(?!\d))"
)
# What the label cues and the school year's and an age's need in a text to be looked for.
_A_DASH_AFTER_A_SPACE = re.compile(r"\s[\-\u2013\u2014]")
_A_DIGIT = re.compile(r"\d|(?i:\by\s{0,3}r\s{0,3}\))")
# Starting a sentence, what only a person does: "Rawan told me", "Rebwar disclosed that"; or what
# is said only of a child, as health records say it: "Rawan not brought to clinic x3" (found, review
# of held-out names: a record's style missed 155 names in 160).
_SPEAKS_CUE = re.compile(
    rf"(?:^|[.!?\n]\s{{0,3}})[\"'\u201c\u2018]{{0,2}}(?P<name>{_UNLISTED_WORD_ANY_CASE})\s{{1,3}}"
    r"(?i:told|tells|disclosed|discloses|said|says|reported|stated|explained|shared|confided|cried|screamed"
    r"|(?:was\s{1,3}|wasn't\s{1,3}|has\s{1,3}not\s{1,3}been\s{1,3})?not\s{1,3}brought)\b"
)
# What is "not brought" but a child: medicines and aids a school or nurse writes of (found, regression
# review: "Inhaler not brought on the trip" was a name).
_BROUGHT_THINGS = frozenset(
    {
        *("inhaler", "inhalers", "spacer", "nebuliser", "nebulizer", "epipen", "epipens", "epi-pen", "ventolin"),
        *("salbutamol", "melatonin", "splint", "splints", "calpol", "insulin", "medication", "medicine", "meds"),
        *("wheelchair", "buggy", "pushchair", "glasses", "kit", "lunch", "uniform", "passport", "paperwork"),
    }
)
# Names that are also such a verb, so never a name by the lists, but a name before one: "Said told me"
# (Arabic; found, review: missed, as "said" is not a name alone).
_NAMES_THAT_SPEAK = frozenset({"Said"})
# Starting a sentence, a whole name, given name and surname, before what is said of a person: "Rawan
# Karimi has missed a lot of school" (found, review of held-out names: missed 66 times in 80). Both
# words must be no everyday word, service or place (``_an_unlisted_name``): "Early Help has".
_FULL_NAME_STARTING_A_SENTENCE = re.compile(
    rf"(?:^|[.!?\n]\s{{0,3}})(?P<name>{_UNLISTED_WORD})\s{{1,2}}(?P<more>{_UNLISTED_WORD})\s{{1,3}}"
    r"(?:has|had|is|was|missed|attends|attended|lives|lived|disclosed|told|said|says|has\s{1,3}been)\b"
)
_UNLISTED_NAME_CUES = (
    *_LABEL_CUES,
    _SCHOOL_YEAR_CUE,
    _SPEAKS_CUE,
    _FULL_NAME_STARTING_A_SENTENCE,
    # Someone's family or those who look after them: "Rawan's family", "Rebwar's teacher".
    re.compile(
        rf"(?<![\w'\u2019\-])(?P<name>{_UNLISTED_WORD})['\u2019]s\s{{1,3}}(?i:family|families|siblings|friends?|teachers?|carers?|worker)\b"
    ),
    # Who someone is, after their name: "Laith Haddad, mum's new partner,", "Zohaib, her older brother,"
    # (found, review of held-out names: missed, where "Mr Haddad, mum's new partner," was found).
    re.compile(
        rf"(?<![\w'\u2019\-])(?P<name>{_UNLISTED_WORD})(?:\s{{1,3}}(?P<more>{_UNLISTED_WORD}))?\s{{0,3}},\s{{0,3}}"
        r"(?:(?i:mum|mam|dad|her|his|their|the|our|my|family)(?:['\u2019]s)?\s{1,3})?"
        r"(?:(?i:new|older|younger|eldest|youngest|oldest|twin|half|step)[\s\-]{1,3})?"
        rf"(?i:{_FAMILY_WORD})\s{{0,3}}[,)]"
    ),
    # Two families by name: "the Lakatos and Balog families".
    re.compile(
        rf"(?<![\w'\u2019\-])(?i:the)\s{{1,3}}(?P<name>{_UNLISTED_WORD})\s{{1,3}}(?:and|&)\s{{1,3}}"
        rf"(?P<more>{_UNLISTED_WORD})\s{{1,3}}(?i:families)\b"
    ),
)
# An age after a word, in small letters or capitals too: "rawan (7)", "RAWAN is 7", "Majd (7)" (which
# ``_names_the_text_says_are_names`` took for "maj" and a "d", an everyday word's ending).
_A_WORD_IN_ONE_CASE = re.compile(
    r"(?<![\w'\u2019\-@#./=])(?P<name>[a-z]{2,24}|[A-Z]{3,24}|[A-Z][a-z]{1,24})(?![\w'\u2019\-@])"
)
_FAMILIES = re.compile(r"(?i:families)$")
_A_NAME_BEFORE_IN_ONE_CASE = re.compile(r"(?<![\w'\u2019\-@#./=])([a-z]{2,24}|[A-Z]{3,24})[ \t]{1,3}$")
_VOWELS = frozenset("aeiouy")


def _an_unlisted_name(word: str, places: AbstractSet[str], after_a_label: bool = False) -> bool:
    """Whether ``word``, which a cue says is a name, may be one: not an everyday word, a place, a
    language or a faith, a family word, an acronym, a month or a day, nor how someone presented.
    Found (a review of held-out names): a capitalised word was refused for its shape as a describing
    word has ("-ing", "-ian", "-ate": every Chinese name in "-ing", "Wenjing told me"), and for an
    everyday word left when "s", "d" or "ed" is taken off ("Majd", "Aws", "Sayed", "Rashed"): a
    word typed with a capital is judged by the lists alone (but after a label: ``_LABEL_CUES``), and
    an ending is taken off to leave a word of four letters or more ("Mocks"), five for "d", "ed" and
    "ly"."""
    plain = _plain(word)
    return not (
        len(plain) < 2
        or _A_PRONOUNS_SHORTENING.fullmatch(word) is not None  # not "We've", "I'm", "He's"
        or plain in _COMMON_WORDS
        or any(
            plain.endswith(ending) and len(plain) - len(ending) >= least and plain[: -len(ending)] in _COMMON_WORDS
            for ending, least in (("s", 4), ("es", 4), ("ed", 5), ("d", 5), ("ly", 5))
        )
        or plain.endswith(_A_SERVICES_ENDINGS)
        or plain.endswith(_A_ROLES_ENDINGS)
        or (after_a_label and _a_verbs_form(plain))
        or plain in _NOT_A_CUED_NAME
        or plain in _LANGUAGES_AND_FAITHS
        or plain in _MONTHS
        or plain in _DAYS_OF_THE_WEEK
        or _FAMILY_WORD_ALONE.fullmatch(plain) is not None
        or word.upper() in _ACRONYMS
        or word.upper() in _WORDS_IN_CAPITALS
        or (word.isupper() and sum(letter in _VOWELS for letter in plain) < 2)  # "NRPF (2)", "MASH (3)"
        or _presents_so(plain)
        or plain in _TAUGHT_AT_SCHOOL
        or _ordinary_in_small_letters(
            plain,
            places,
            shaped=not word[:1].isupper() or word.isupper() or (after_a_label and not _PINYIN_NAME.fullmatch(plain)),
        )
    )


# A given name of one to three syllables of Pinyin, Chinese written in the Latin alphabet ("yiling",
# "wenjing", "xiaoming"), which may end as an English word's "-ing" form does.
_PINYIN_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ao|an|ei|en|er|ia|ie|in|iu|ou|ua|ue|ui|un|uo|a|e|i|o|u|v)"
)
_PINYIN_NAME = re.compile(rf"(?:{_PINYIN_SYLLABLE}){{1,3}}")


def _a_verbs_form(plain: str) -> bool:
    """Whether ``plain`` is an everyday word's "-ing" or "-ed" form, though not itself a common word
    ("truanting", "dissociating", "absconded": what a record says someone is doing, "YP: Truanting"),
    and not a name shaped alike ("Yiling", "Wenjing": no English word before the ending)."""
    for ending in ("ing", "ed"):
        if plain.endswith(ending) and len(plain) > len(ending) + 2:
            stem = plain[: -len(ending)]
            if stem in _COMMON_WORDS or stem + "e" in _COMMON_WORDS:
                return True
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in _COMMON_WORDS:
                return True  # "dropped", "stopping"
    return False


# How a role ends ("Headmistress said", "Careworker told me"): never a name by a cue.
_A_ROLES_ENDINGS = (
    *("worker", "workers", "teacher", "teachers", "minder", "minders", "master", "mistress"),
    # "Paediatrician wants to see him", "Physiotherapist said", "Sonographer" (found, as above).
    *("ician", "icians", "iatrist", "iatrists", "therapist", "therapists", "ographer", "ographers"),
)


# How a hospital's department or a health service ends ("Radiology", "Orthopaedics", "Psychiatry"):
# never a name by a cue ("Radiology (2) appointments missed": found, review).
_A_SERVICES_ENDINGS = ("ology", "ologist", "ologists", "iatry", "iatrics", "paedics", "pedics", "ometry")


# What a school teaches, in a school year as a child is ("Phonics (Y1)"), not in common_words.txt.
_TAUGHT_AT_SCHOOL = frozenset({"phonics", "numeracy", "spellings", "boosters", "makaton", "elklan"})


def _unlisted_names(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    """Names found by ``_UNLISTED_NAME_CUES``, and by an age after a word in small letters or capitals.
    A cue that needs what the text does not have (a label's colon or dash, a school year's or an
    age's digit) is not looked for: most texts have neither, and each search costs about a
    millisecond in 14,000 characters."""
    has_a_label = ":" in text or _A_DASH_AFTER_A_SPACE.search(text) is not None
    has_a_number = _A_DIGIT.search(text) is not None
    for cue in _UNLISTED_NAME_CUES:
        after_a_label = cue in _LABEL_CUES
        if (after_a_label and not has_a_label) or (cue is _SCHOOL_YEAR_CUE and not has_a_number):
            continue
        for match in cue.finditer(text):
            words = match.groupdict()
            found = [
                group
                for group in ("name", "more")
                if words.get(group)
                and (
                    _an_unlisted_name(words[group], places, after_a_label)
                    or (cue is _SPEAKS_CUE and words[group] in _NAMES_THAT_SPEAK)
                )
                and not (cue is _SPEAKS_CUE and _plain(words[group]) in _BROUGHT_THINGS)
                # Not a people's: "the Nigerian and Ghanaian families" (found, review).
                and not (_FAMILIES.search(match[0]) and _plain(words[group]).endswith(_FROM_SOMEWHERE))
            ]
            if cue is _FULL_NAME_STARTING_A_SENTENCE and found != ["name", "more"]:
                continue  # (both words a name's, or neither: "Special Guardianship was", "Care Leavers has")
            if found == ["name", "more"] and not _FAMILIES.search(match[0]):  # one person: "Rawan Karimi"
                start, end = match.start("name"), match.end("more")
                yield Finding("person_name", text[start:end], REASONS["person_name"], start, end)
            else:
                yield from (_finding("person_name", match, group) for group in found)
    for match in _A_WORD_IN_ONE_CASE.finditer(text) if has_a_number else ():
        end = match.end()
        if (
            _AGE_AFTER.match(text, end) is not None
            and not _A_SCHOOL_THING_AFTER_BRACKETS.match(text, end)
            and _an_unlisted_name(match["name"], places)
        ):
            # With the name before it, written alike: "rawan karimi (7)".
            before = _A_NAME_BEFORE_IN_ONE_CASE.search(text, max(0, match.start() - 28), match.start())
            if (
                before is not None
                and (before[1].isupper() == match["name"].isupper())
                and _an_unlisted_name(before[1], places)
            ):
                yield Finding("person_name", text[before.start(1) : end], REASONS["person_name"], before.start(1), end)
            else:
                yield _finding("person_name", match, "name")


# What is said only of a person, after their name: "Zhyar told me", "Zhyar is being left", "Zhyar has
# missed", "Zhyar is scared". Not what is said of a thing too ("is", "was", "has", "will" alone:
# "Melatonin was prescribed", "Klarna has", "Khartoum was where they lived": found, review of false
# alarms, 10 ordinary requests in 12 warned about).
_A_PERSONS_STATE = (
    r"(?:scared|frightened|afraid|upset|tired|exhausted|hungry|anxious|worried|withdrawn|sad|angry|happy|quiet|unhappy"
    r"|distressed|tearful|low|lonely|isolated|bullied|hurt|injured|unwell|poorly|pregnant|missing|absent|late"
    r"|excluded|arrested|crying|sleeping|eating|refusing|struggling|self-harming|drinking|smoking|vaping|fighting"
    r"|hitting|kicking|biting|shouting|screaming|wetting|soiling|caring|living|staying|attending|bright|aggressive"
    r"|violent|disruptive|settled|settling|thriving|underweight|overweight|unkempt|smelly|dirty|asleep|alone|mute"
    r"|nervous|shy|clingy|defiant|frightening|vulnerable|at\s{1,3}risk|at\s{1,3}home|at\s{1,3}school"
    r"|in\s{1,3}(?:year|care|hospital|custody|class|bed|reception|nursery)|aged|\d|calmer|happier|quieter|thin|skinny"
    r"|learning\s{1,3}(?:English|to\s{1,3}(?:read|speak|walk|talk|write|swim|ride))"
    r"|speaking|talking|gaining|telling|carrying|hiding|running|looking\s{1,3}after|doing\s{1,3}homework|registered"
    r"|hit|smacked|slapped|punched|kicked|beaten|assaulted|attacked|abused|touched|groomed|exploited|left"
    r"|seen\s{1,3}(?:at|by|in|on|with|alone|out|near|around|outside|walking)"
    r"|found\s{1,3}(?:at|in|on|with|near|outside|alone|asleep|wandering|sleeping|hiding|waiting)|safe|allowed|himself|herself|themselves"
    r"|the\s{1,3}victim|a\s{1,3}victim|on\s{1,3}(?:her|his|their)\s{1,3}own|taken\s{1,3}(?:to|into|from|away|home)"
    r"|sent\s{1,3}(?:home|out|away|back)|collected|dropped\s{1,3}off|picked\s{1,3}up|wearing|trying\s{1,3}to"
    r"|working\s{1,3}(?:nights|at|in|for|long|cash)|doing\s{1,3}(?:well|badly|better|worse|okay|ok|fine)"
    r"|sleeping\s{1,3}rough|in\s{1,3}(?:school|college)|at\s{1,3}(?:college|nursery)|attending|spending|selling"
    r"|sitting|cooking|cleaning|washing|babysitting|pulled\s{1,3}out|getting\s{1,3}(?:her|his|their)|doing\s{1,3}(?:her|his|their|the)\s{1,3}[a-z]{3,15}"
    r"|being\s{1,3}(?:left|bullied|cared|looked|groomed|exploited|used|hit|hurt|abused|neglected|kept|made|sent|targeted"
    r"|pressured|moved|controlled|expected|forced|taken|picked|locked|followed|contacted|paid|married))"
)
_A_PERSONS_DOINGS = (
    r"(?:said|says|told|tells|disclosed|discloses|cried|cries|feels|felt|wants|wanted|arrived|arrives|attends"
    r"|attended|missed|misses|lives|lived|refused|refuses|stayed|stays|sleeps|slept|ate|eats|mentioned|spoke|talked"
    r"|shared|explained|asked|loves|likes|hates|plays|played|struggles|struggled|tried|tries|sat|sits|stood"
    r"|walked|shouted|screamed|laughed|smiled|thinks|knows|knew|understands|understood|kicked|punched|bit|bites"
    r"|self-harms|self-harmed|not\s{1,3}seen|talks|hides|hid|flinches|flinched|wears|wore|swears|swore|steals|stole"
    r"|goes\s{1,3}(?:to|home|out|missing|off)|went\s{1,3}(?:home|missing|out|off)|answered\s{1,3}the\s{1,3}door"
    r"|opened\s{1,3}the\s{1,3}door|came\s{1,3}(?:to|home|in|back|into)|gets\s{1,3}(?:on|off|home|up)"
    r"|takes\s{1,3}the\s{1,3}blame|ran\s{1,3}(?:away|off|out|straight|past|home)|spends|turned\s{1,3}up"
    r"|keeps\s{1,3}(?:her|his|their)|went\s{1,3}to\s{1,3}(?:the|school|bed|his|her|their|a)"
    r"|seems\s{1,3}to\s{1,3}(?:know|have|think|want|like|understand)|shouts|never\s{1,3}(?:leaves|goes"
    r"|eats|sleeps|speaks|talks|says|comes)|kept\s{1,3}(?:asking|saying|looking|crying|running|going|coming|talking"
    r"|texting|calling|hitting)|hit\s{1,3}(?:a|her|his|their|the|another|him|me|staff)\b"
    r"|(?:is|was|isn't|wasn't|are|were|seems|seemed|appears|appeared|looks|looked|became|becomes|gets|got|feels|felt"
    r"|(?:has|have|had)(?:\s{1,3}not|n't)?\s{1,3}(?:been|gone))\s{1,3}(?:not\s{1,3})?"
    r"(?:(?:very|really|so|quite|more|much|often|always|still|now|also|increasingly|too|clearly)\s{1,3}){0,2}"
    rf"{_A_PERSONS_STATE}"
    r"|(?:has|had|hasn't|hadn't)\s{1,3}(?:not\s{1,3})?(?:missed|stopped|started|told|said|disclosed|refused|run"
    r"|cried|self-harmed|hit|kicked|bruises|marks|nightmares|no\s{1,3}friends|registered|eaten|slept|attended"
    r"|lost\s{1,3}weight|a\s{1,3}knife|a\s{1,3}weapon|a\s{1,3}blade|breached"
    # A condition only a person has ("Dovydas has dyslexia": found, held-out names: missed).
    r"|dyslexia|dyspraxia|autism|adhd|asthma|epilepsy|diabetes|eczema|cerebral\s{1,3}palsy|sickle\s{1,3}cell"
    r"|a\s{1,3}(?:diagnosis|learning\s{1,3}disability|stammer|speech|social\s{1,3}worker|child\s{1,3}protection)"
    r"|become\s{1,3}(?:aggressive|withdrawn|quiet|violent|upset)"
    r"|(?:a\s{1,3})?(?:panic|row|fight|cut|bruise|black\s{1,3}eye|burn|injury|injuries|scars|nits|head\s{1,3}lice"
    r"|tantrums|meltdowns|seizures|seizure))"
    r"|(?:has|have|had)\s{1,3}(?:not\s{1,3})?been\s{1,3}(?:falling|sleeping|crying|going|coming|staying|living|eating"
    r"|drinking|smoking|writing|telling|saying|asking|hiding|running|refusing|fighting|hitting|self-harming|taking"
    r"|spending|talking|speaking|playing|skipping|truanting|absconding|wetting|soiling|cut\s{1,3}off|able|to"
    r"|collected|brought|asked|told|sent|taken|moved|excluded|suspended|arrested|charged|placed|removed|attending"
    r"|sending|caught|chatting|messaging|meeting|stopped|turning\s{1,3}up|coming\s{1,3}into|collecting)"
    r"|(?:doesn't|didn't|don't|won't|wouldn't|can't|cannot|couldn't|does\s{1,3}not|did\s{1,3}not|will\s{1,3}not"
    r"|would\s{1,3}not|could\s{1,3}not|should\s{1,3}not|shouldn't|must\s{1,3}not)"
    r"\s{1,3}(?:want|eat|sleep|talk|speak|go|come|leave|listen|engage|attend|understand|know|like|trust|feel|cope"
    r"|explain|finish|say|read|see)"
    r"|and\s{1,3}(?:his|her|their|I|mum|dad))"
)
# Where a sentence goes on with someone of whom something is said: "I'm worried that Zhyar is ...".
_BEFORE_SOMEONE_SPOKEN_OF = (
    r"(?:that|because|when|whether|if|as|since|until|while|whilst|but|and|so|now|then|where|though|although"
    r"|unless|after|before|said|says|say|told(?:\s{1,3}(?:me|us))?|tells\s{1,3}(?:me|us)|think|thinks|thought|seems|seemed"
    r"|appears|appeared|believe|believes|believed|feel|feels|felt|reports|reported|explained|mentioned|heard|know"
    r"|knew|found|sure|was|is)"
)
# What is done with a person, before their name: "I spoke with Zhyar", "Nursery noticed Zhyar", "a call
# from Zhyar", "worried about Zhyar". Not what is as often done with a service, a thing or a place ("help
# from Wai Yin", "help with Langar", "gave Melatonin", "about Erbil", "work with Mears": found, as above).
_DONE_WITH_SOMEONE = (
    r"(?:(?:spoke|speak|speaking|spoken|talked|talk|talking|chatted|chatting|met|meet|meeting|sat|sitting|played"
    r"|playing|worked|working|conversation|conversations|session|sessions|relationship|trust)\s{1,3}(?:to|with)"
    r"|listened\s{1,3}to|listening\s{1,3}to|went\s{1,3}with"
    r"|met|meet|visited|saw|see|seeing|seen|noticed|asked|phoned|rang|texted|messaged|hugged|reassured|comforted|helped"
    r"|told"
    r"|checked\s{1,3}on|collected|picked\s{1,3}up|dropped\s{1,3}off|observed|supported|supporting"
    r"|(?:think|thinking|thought)\s{1,3}about|(?:phoned|rang|referral|report)\s{1,3}about"
    r"|(?:worried|worries|worry|concerned|concerns|concern)\s{1,3}(?:about|for)"
    r"|(?:call|calls|text|texts|message|messages|disclosure)\s{1,3}from|heard\s{1,3}from|visit|visiting"
    r"|(?:wrote|written|writing|texts|text|message|messages|letter)\s{1,3}to)"
)
# What is done to a person (or a thing) before their name, and what after it says a person is meant:
# "The police stopped Arber near the car wash", "found Ylli hiding food", "took Bujar to the dentist",
# "gave Makiese a lift home", "brought Nusrat home" (found, held-out names: missed).
_DONE_TO_SOMEONE = (
    r"(?:stopped|found|took|taken|brought|gave|drove|walked|escorted|followed|searched|arrested|restrained"
    r"|excluded|suspended|sent|dropped|collected|picked\s{1,3}up|heard|spotted|caught)"
)
_WHERE_OR_HOW_AFTER = (
    r"(?:to\s{1,3}(?:the|school|hospital|a|his|her|their|court|college)|home|a\s{1,3}lift|hiding|waiting|sitting"
    r"|sleeping|crying|alone|asleep|near|outside|back\s{1,3}(?:to|home)|into\s{1,3}(?:care|custody)|in\s{1,3}a"
    r"|with\s{1,3}(?:a|an|two|three|older|some)|back|talking|shouting|saying|smoking|crying|running|fighting)"
)
# A phrase that sets the scene before whoever a sentence is of: "At the review Tesfalem said", "Over the
# weekend Fjolla ran away", "Afterwards, Sohrab kept asking" (found, held-out names: missed).
_WHEN_OR_WHERE_FIRST = (
    r"(?:(?:At|In|On|Over|During|After|Before|Since|Last|This|Earlier|Later|By)\s{1,3}(?:[a-z]{1,15}\s{1,3}){0,3}"
    r"[a-z]{2,15},?\s{1,3}|(?:On|Last|This|Since|By)\s{1,3}(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|night|week|weekend|morning|evening),?\s{1,3}"
    r"|(?:Afterwards|Later|Earlier|Then|Yesterday|Today|Recently|Since\s{1,3}then|So\s{1,3}far|It\s{1,3}turns\s{1,3}out"
    r"(?:\s{1,3}that)?|As\s{1,3}far\s{1,3}as\s{1,3}I\s{1,3}know|Worryingly|Sadly|Apparently|Thankfully|Unfortunately"
    r"|Luckily|Again|Still|Now|Lately|Meanwhile|Suddenly|Previously|Currently|Sometimes|Usually|Often),?\s{1,3})"
)
# What is said of one person or more after their names, or "who": "It was Akeem who called".
_A_PERSONS_DOING_AFTER = rf"(?:\s{{1,3}}(?i:{_A_PERSONS_DOINGS}|both)|\s{{0,3}},?\s{{0,3}}(?i:who))\b"
# Where a sentence starts: after a full stop, a line's start, a heading's colon or dash ("URGENT - ").
_A_SENTENCES_START = r"(?:^|[.!?\n:;]\s{0,3}|\s[\-\u2013\u2014]\s{1,3})"


def _where_a_person_is(word: str, before: str) -> tuple[re.Pattern[str], ...]:
    """``_NAMES_WHERE_A_PERSON_IS`` for names written as ``word`` is, after a letter ``before``. (Not a
    whole name alone, given name and surname both in no list, wherever it stands: "for Samira Haidari"
    was found so, and so were "Anorexia Nervosa", "Cystic Fibrosis" and "River Severn".)"""
    return (
        re.compile(
            rf"(?:(?<={before})\s{{1,3}}(?i:{_BEFORE_SOMEONE_SPOKEN_OF})|(?<={before}),)\s{{1,3}}(?P<name>{word})"
            rf"(?:\s{{1,2}}(?!(?i:and)\b)(?P<more>{word}))?(?:\s{{1,3}}(?:and|&|AND)\s{{1,3}}(?P<other>{word}))?"
            rf"{_A_PERSONS_DOING_AFTER}"
        ),
        re.compile(
            rf"{_A_SENTENCES_START}(?:(?i:and|but|so|then|now|today|yesterday|also)\s{{1,3}}|{_WHEN_OR_WHERE_FIRST})?"
            rf"(?P<name>{word})"
            rf"(?:\s{{1,2}}(?!(?i:and)\b)(?P<more>{word}))?(?:\s{{1,3}}(?:and|&|AND)\s{{1,3}}(?P<other>{word}))?"
            rf"{_A_PERSONS_DOING_AFTER}"
        ),
        re.compile(
            rf"(?<![\w'\u2019\-])(?i:{_DONE_WITH_SOMEONE})\s{{1,3}}(?P<name>{word})"
            rf"(?:\s{{1,2}}(?!(?i:and)\b)(?P<more>{word}))?(?:\s{{1,3}}(?:and|&|AND)\s{{1,3}}(?P<other>{word}))?"
            r"(?![\w'\u2019\-])"
        ),
        re.compile(
            rf"(?<![\w'\u2019\-])(?i:{_DONE_TO_SOMEONE})\s{{1,3}}(?P<name>{word})"
            rf"(?:\s{{1,2}}(?!(?i:and)\b)(?P<more>{word}))?(?=\s{{1,3}}(?i:{_WHERE_OR_HOW_AFTER})\b)"
        ),
    )


# A name where only a person can be (found, review of held-out names: "I'm worried that Zhyar is being
# left", "I spoke with Zhyar", "Had a call from Zhyar", "Zhyar and Hejar are hungry", "Zhyar has been
# struggling" each missed 155 names in 160 that were in no list): a capitalised word in no list of
# words, places, services or faiths (``_an_unlisted_name``), with the surname after it ("more"), and
# one more joined by "and" ("other"); in a text in capitals, the same in capitals ("URGENT - ZHYAR
# BARZANI NOT SEEN SINCE FRIDAY"), where the words around the name are in capitals too.
# (After a word in capitals too: "The GP said Mehwish was underweight": found, regression review.)
_NAMES_WHERE_A_PERSON_IS = _where_a_person_is(_UNLISTED_WORD, "[A-Za-z,;]")
_A_WORD_IN_CAPITALS = r"[A-Z][A-Z'\u2019]{1,24}(?:-[A-Z][A-Z'\u2019]{1,24})?"
_NAMES_IN_CAPITALS_WHERE_A_PERSON_IS = _where_a_person_is(_A_WORD_IN_CAPITALS, "[A-Z,;]")
_A_PERSONS_DOING_NEXT = re.compile(rf"\s{{1,3}}(?i:{_A_PERSONS_DOINGS})\b")
_SOME_WORDS_IN_CAPITALS = re.compile(r"[A-Z]{2,24}[ \t]{1,3}[A-Z]{2,24}")


# Words seldom a name where only the place in a sentence says so (feasts, medicines, places abroad,
# apps, languages: not_names_where_a_person_stands.txt, which says how it grew), and how a medicine's
# name ends ("Omeprazole", "Diazepam", "Amoxicillin").
_NOT_NAMES_WHERE_A_PERSON_STANDS = frozenset(
    name.lower() for name in _read_given_names(Path(__file__).with_name("not_names_where_a_person_stands.txt"))
)
_A_MEDICINES_ENDINGS = (
    *("azole", "olol", "azepam", "tamol", "profen", "apine", "idone", "amide", "cillin", "mycin", "statin"),
    *("oxetine", "triptyline", "pramine", "sartan", "codone", "afil", "umab", "inib"),
    # And a condition's ("Retinal Haemorrhages", "Osteomyelitis", "Scoliosis": found, held-out sentences).
    *("itis", "osis", "aemia", "emia", "pathy", "ectomy", "algia", "rrhage", "rrhages", "uria", "trophy", "plegia"),
    *("plasia", "lysis", "cephaly", "megaly", "otomy"),
)


# A word written as a name is, and how far before and after it ``_NAMES_WHERE_A_PERSON_IS`` may reach
# (the words before a name, "referral about", and a surname, "and" and another name after it).
_A_WORD_WRITTEN_AS_A_NAME = re.compile(
    rf"(?<![\w'\u2019\-])(?:{_UNLISTED_WORD}|{_A_WORD_IN_CAPITALS})(?![\w'\u2019\-])"
)
_A_WORD_IN_SMALL_LETTERS_AS_A_NAME = re.compile(r"(?<![\w'\u2019\-@#./=])[a-z]{2,24}(?![\w'\u2019\-@])")
_NAMES_IN_SMALL_LETTERS_WHERE_A_PERSON_IS = _where_a_person_is(r"[a-z]{2,24}(?:-[a-z]{2,24})?", "[a-z,;]")
# Those that find a name after what is done with someone ("spoke with"), with no doing after it.
_DONE_WITH_SOMEONE_CUES = (
    *_NAMES_WHERE_A_PERSON_IS[2:],
    *_NAMES_IN_CAPITALS_WHERE_A_PERSON_IS[2:],
    *_NAMES_IN_SMALL_LETTERS_WHERE_A_PERSON_IS[2:],
)
_A_VOWEL = re.compile(r"[aeiouy]")
# A word and its shortened verb: "We've tried", "I'm told", "He's told me", "I'd told her" (found,
# regression review: each was a name, starting a sentence before what a person does).
_A_PRONOUNS_SHORTENING = re.compile(
    r"(?i:[a-z]{1,12}['\u2019](?:ve|d|m|re|ll)|(?:he|she|it|that|there|what|who|here|where|let)['\u2019]s"
    r"|[a-z]{1,12}n['\u2019]t)"
)
# A name in small letters before a family member's word: "baraka's aunt has been looking after them"
# (found, held-out names: written with a capital, it was found).
_A_FAMILY_WORD_AFTER_A_POSSESSIVE = re.compile(rf"['\u2019]s\s{{1,3}}{_FAMILY_WORD}(?![\w'\u2019\-])")
_A_WORD_IN_SMALL_LETTERS_ENDING = re.compile(r"(?<![\w'\u2019\-@#./=])[a-z]{2,24}\Z")
# A word shortened as notes are written: no vowel but "y", three other letters together ("wkly": found,
# held-out sentences); not "glynn", "bryn".
_A_SHORTENED_WORD = re.compile(r"[^aeiou]{0,24}[b-df-hj-np-tv-xz]{3}[^aeiou]{0,24}")
_REACH_BEFORE_A_NAME = 60
_REACH_AFTER_A_NAME = 120
_A_WORDS_END = re.compile(r"\s|$")


def _a_typo_or_two_words(word: str) -> bool:
    """Whether ``word`` (in small letters) is an everyday word with two letters swapped ("teh",
    "becuase", "hygeine") or two everyday words run together ("selfharm", "playtimes"): found (review
    of false alarms), "talked with teh family" and "worried about selfharm" were names. (Not a
    letter left out or added: "hejar" is "hear" with a "j"; nor letters swapped in a word of four or
    fewer, "chra" is "char" so: the short typos are listed, not_names_where_a_person_stands.txt.)"""
    swapped = (word[:at] + word[at + 1] + word[at] + word[at + 2 :] for at in range(len(word) - 1))
    if len(word) > 4 and any(candidate in _COMMON_WORDS for candidate in swapped):
        return True
    return any(word[:at] in _COMMON_WORDS and word[at:] in _COMMON_WORDS for at in range(3, len(word) - 2))


def _spans_around(text: str, words: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    """The parts of ``text`` around ``words`` that ``_NAMES_WHERE_A_PERSON_IS`` may reach, joined
    where they overlap, each ending at a word's end (a word cut short could match)."""
    spans: list[tuple[int, int]] = []
    for word in words:
        start = max(0, word.start() - _REACH_BEFORE_A_NAME)
        after = _A_WORDS_END.search(text, min(len(text), word.end() + _REACH_AFTER_A_NAME))
        end = after.start() if after is not None else len(text)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _names_where_a_person_is(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    """Names in no list, found by where they stand (``_NAMES_WHERE_A_PERSON_IS``): written as names
    are, in capitals where the words around them are, and in small letters where the words around
    them are ("i spoke with zhyar", and "I spoke with zhyar": found, held-out names written in small
    letters, 763 of 1,401 found when only sentences with no capital were looked at, 1,028 now). Looked
    for only around such a word: most texts have few or none, and the cues,
    looked for everywhere, cost half a millisecond in 1,500 characters."""

    def unlisted(word: str) -> bool:
        plain = _plain(_without_possessive(word))  # "with Salford's policy"
        return (
            plain not in _NOT_NAMES_WHERE_A_PERSON_STANDS
            and not plain.endswith(_A_MEDICINES_ENDINGS)
            and _an_unlisted_name(_without_possessive(word), places)
        )

    def unlisted_in_small_letters(word: str) -> bool:
        return (
            _A_VOWEL.search(word) is not None  # not "fsw", "cmht"
            and _A_SHORTENED_WORD.fullmatch(word) is None  # not "wkly", "mthly"
            and word not in _SMALL.words
            and unlisted(word)
            and not any(word + ending in _COMMON_WORDS for ending in ("s", "d", "ed"))  # "bruise"
            and not (word.endswith("s") and not unlisted(word[:-1]))  # "sencos", "gcses"
            and not _a_typo_or_two_words(word)
        )

    cases = [
        (
            _NAMES_WHERE_A_PERSON_IS
            + (_NAMES_IN_CAPITALS_WHERE_A_PERSON_IS if _SOME_WORDS_IN_CAPITALS.search(text) else ()),
            _spans_around(text, (word for word in _A_WORD_WRITTEN_AS_A_NAME.finditer(text) if unlisted(word[0]))),
        ),
        (
            _NAMES_IN_SMALL_LETTERS_WHERE_A_PERSON_IS,
            _spans_around(
                text,
                (
                    word
                    for word in _A_WORD_IN_SMALL_LETTERS_AS_A_NAME.finditer(text)
                    if unlisted_in_small_letters(word[0])
                ),
            ),
        ),
    ]
    for family in _A_FAMILY_WORD_AFTER_A_POSSESSIVE.finditer(text):
        word = _A_WORD_IN_SMALL_LETTERS_ENDING.search(text, max(0, family.start() - 25), family.start())
        if word is not None and unlisted_in_small_letters(word[0]):
            yield Finding("person_name", word[0], REASONS["person_name"], word.start(), word.end())
    yield from _common_names_before_a_persons_doing(text, places, unlisted)
    for cues, spans in cases:
        for cue in cues if spans else ():
            written_alike = (
                cue in _NAMES_IN_CAPITALS_WHERE_A_PERSON_IS or cue in _NAMES_IN_SMALL_LETTERS_WHERE_A_PERSON_IS
            )
            for match in (match for start, end in spans for match in cue.finditer(text, start, end)):
                if written_alike and match[0] != (match[0].upper() if match["name"].isupper() else match[0].lower()):
                    continue  # (the words around it written as it is)
                small = cue in _NAMES_IN_SMALL_LETTERS_WHERE_A_PERSON_IS
                yield from _a_name_where_a_person_is(
                    text, match, cue, written_alike, unlisted_in_small_letters if small else unlisted
                )


def _a_common_name(word: str, places: AbstractSet[str]) -> bool:
    """Whether ``word``, written with a capital, is a name common in English text though not an
    everyday word ("Bianca", "Lamar", "Keisha": common_words_names.txt), not a people's ("Nigerian")."""
    plain = _plain(_without_possessive(word))
    return (
        word[:1].isupper()
        and not word.isupper()
        and len(plain) >= 3
        and plain not in {"mrs", "miss", "prof", "rev", "sir", "dame", "lord", "lady"}  # "Mrs said no"
        and plain in _NAMES_AMONG_COMMON_WORDS
        and not plain.endswith(("ian", "ean", "ese", "ish", "ic", "an"))
        and plain not in _NOT_NAMES_WHERE_A_PERSON_STANDS
        and plain not in _LANGUAGES_AND_FAITHS
        and plain not in places
    )


_A_WORD_WITH_A_CAPITAL = re.compile(r"[A-Z][a-z]")


def _common_names_before_a_persons_doing(
    text: str, places: AbstractSet[str], unlisted: Callable[[str], bool]
) -> Iterator[Finding]:
    """Names common in English text (``_a_common_name``) before what only a person does, in small
    letters: "In the meeting Bianca told me", "Mum said Keisha has been crying" (found, held-out
    names: 33 in 1,401 were missed so). Not after what is done with someone ("They visited Chester",
    "I spoke to Leigh": places too), nor in a heading in capitals ("Wang Said Yes")."""
    words = [word for word in _A_WORD_WRITTEN_AS_A_NAME.finditer(text) if _a_common_name(word[0], places)]
    if not words:
        return
    spans = _spans_around(text, words)
    for cue in _NAMES_WHERE_A_PERSON_IS[:2]:
        for match in (match for start, end in spans for match in cue.finditer(text, start, end)):
            names = [group for group in ("name", "more", "other") if match[group] is not None]
            if _A_WORD_WITH_A_CAPITAL.search(text, match.end(names[-1]), match.end()) is not None:
                continue
            if not any(_a_common_name(match[group], places) for group in names):
                continue  # (found with the others)
            for group in names:
                if _a_common_name(match[group], places) or unlisted(match[group]):
                    yield _finding("person_name", match, group)


def _a_name_where_a_person_is(
    text: str, match: re.Match[str], cue: re.Pattern[str], written_alike: bool, unlisted: Callable[[str], bool]
) -> Iterator[Finding]:
    """The names ``cue`` found in ``match`` (``_names_where_a_person_is``)."""
    other = match.groupdict().get("other")
    more = match.groupdict().get("more")
    if not unlisted(match["name"]):
        if match["name"] in _ANY_GIVEN_NAME and not _is_ordinary_word(_plain(match["name"])):  # not "River"
            if more and unlisted(more):  # "Jonas Kazlauskas"
                start, end = match.start("name"), match.end("more")
                yield Finding("person_name", text[start:end], REASONS["person_name"], start, end)
            if other and unlisted(other):  # "Rohan and Aarav were"
                yield _finding("person_name", match, "other")
        return
    if (
        more
        and not unlisted(more)
        and not (
            written_alike and (cue in _DONE_WITH_SOMEONE_CUES or _A_PERSONS_DOING_NEXT.match(text, match.end("name")))
        )
    ):
        # A thing's name, "Juniper Ward is", "Solihull Approach is", "SHONA INTERPRETER NEEDED"; not
        # "SPOKE WITH ZHYAR TODAY" (in capitals, "TODAY" is written as a surname is).
        return
    if more and unlisted(more):  # "Zhyar Barzani"
        start, end = match.start("name"), match.end("more")
        yield Finding("person_name", text[start:end], REASONS["person_name"], start, end)
    else:
        yield _finding("person_name", match, "name")
    if other and unlisted(other):
        yield _finding("person_name", match, "other")


def _word_names_spoken_to(text: str) -> Iterator[Finding]:
    sentences = sentences_of(text)
    for match in _SEASON_OR_VIRTUE_DOING.finditer(text):
        name, start = match["name"], match.start()
        before = _WORD_BEFORE.search(text, max(0, start - 24), start)
        word_before = _plain(before[1]).strip("(\"'\u201c\u2018,") if before is not None else ""
        if name in _MONTHS_AS_NAMES and (
            word_before in _WHEN_BEFORE_A_MONTH
            or (
                _A_DAY_OF_THE_MONTH.fullmatch(word_before)
                and not _A_SCHOOL_YEAR_BEFORE.search(text, max(0, start - 24), start)
            )
        ):
            continue  # "in May said", "dated 3 May said", "the 14th June said"; not "Year 6 April said" (reviews)
        # (What the rest of its sentence holds, each pattern's places found once a sentence: many Bills in a
        # run-on sentence, each reading to its end, made 15,000 characters take half a second.) Harm anywhere
        # after it keeps a name ("In the car Bill hit her", "at nursery Bill hit her": regression review);
        # money or the company only within 300 characters.
        harm = sentences.found(_ABOUT_HARM, start, start)
        # Harm done by Bill, just after the name ("at nursery Bill hit her"), not a sum it hit ("The
        # electric Bill hit £400") or harm later in the sentence ("The gas Bill said they owe £600,
        # which mum thinks dad spent on drugs": regression review).
        harm_done = sentences.found(_HARM_DONE, start, match.end(), match.end() + 25) and not _HIT_A_SUM.match(
            text, match.end()
        )
        if name == "Bill" and not harm_done and word_before in _BEFORE_A_BILL_OR_A_PERSON:
            # ("Her Bill said she was a slag and then punched her"; not "Her Bill was £80", "The Bill said
            # they owe £600, which dad spent on drugs": money just after it.)
            # (Money in words, not a time or a date: "Mum said her Bill said at 2am that he would kill her";
            # nor a bill's words: "Her Bill said the supply will be disconnected, and that night he hit
            # her": the next regression review.)
            harm_done = (
                sentences.found(_HARM_DONE, start, match.end())
                and not sentences.found(_MONEY_IN_WORDS, start, match.end(), match.end() + 40)
                and not sentences.found(_ABOUT_A_BILL, start, match.end(), match.end() + 80)
            )
        things = _BEFORE_A_THING if name == "Bill" else _BEFORE_A_REGISTRATION
        if (
            name == "Bill"
            and _A_NURSERY_BILL.search(text, max(0, start - 30), start)
            and not _AT_NURSERY.search(text, max(0, start - 50), start)
            and sentences.found(_NURSERY_MONEY, start, start, start + 300)
        ):
            things = things | {"nursery"}  # "The nursery Bill said mum owes £300" (not "At nursery Bill said")
        if (
            # Harm done to a person just after the name (not after a kind of bill: "the Old Bill grabbed him",
            # "The gas Bill threatened disconnection": regression review), whatever the sentence says of money.
            name == "Bill"
            and word_before not in _KINDS_OF_BILL
            and "nursery" not in things
            and (_HARM_DONE_BY_A_PERSON.match(text, match.end()) or _harm_done_to_someone(text, match, word_before))
        ):
            yield Finding("person_name", name, REASONS["person_name"], start, match.end())
            continue
        if (
            name in ("Bill", "Reg")
            and (word_before in things or _A_NUMBER_AFTER_IS.match(text, match.end()))
            and not harm_done
        ):
            continue
        if name == "Bill" and not harm and sentences.found(_ABOUT_MONEY, start, start, start + 300):
            continue  # "Her EE Bill said she owed £90", "Mum's Bill hit £300" (regression review)
        if name == "Sky" and not harm and sentences.found(_ABOUT_SKY_THE_COMPANY, start, start, start + 300):
            continue
        if _WHAT_ONLY_A_CHILD_SAYS_OR_SUFFERS.match(text, match.end()):
            yield Finding("person_name", name, REASONS["person_name"], start, match.end())
    for match in _SPOKEN_TO_A_NAME.finditer(text):
        group = "name" if match["name"] is not None else "seen"
        name = match[group]
        if name in _WORDS_PEOPLE_ARE_CALLED:
            yield Finding("person_name", name, REASONS["person_name"], match.start(group), match.end(group))


# A surname in capitals before the given name and a comma, as records list people ("NOWAK,
# Zuzanna": found, identifying-data review: only "Zuzanna" was highlighted).
_SURNAME_FIRST_IN_CAPITALS = re.compile(r"(?<![\w'\u2019\-])(?P<surname>[A-Z][A-Z'\u2019\-]{1,24}),\s{1,3}$")


def _reads_as_a_surname_in_capitals(word: str) -> bool:
    """Whether a word in capitals before a given name and a comma reads as its surname: not an
    acronym, nor what ``_reads_as_a_surname`` refuses ("CSC, Jayden's worker"; "NOTE, Kelly")."""
    return word not in _ACRONYMS and _reads_as_a_surname(_plain(word), frozenset())


# After a word, the next in a list: ", Rose", " and Will", " & Mia".
_NEXT_IN_A_LIST = re.compile(r"\s{0,3}(?:,|&|\band\b|\bor\b)\s{1,3}([A-Z][a-z]{1,39})(?![\w\-])")


def _in_a_list_of_names(text: str, end: int) -> bool:
    """Whether the word ending at ``end`` is followed by a given name in a list ("Grace, Rose and
    Will"): a name-word starting a sentence is a name there too, not the ordinary word."""
    following = _NEXT_IN_A_LIST.match(text, end)
    return following is not None and following[1] in _GIVEN_NAMES


# Given names that are also words or acronyms people write in small letters or capitals ("the
# family will engage", "PE kit", "a grant for the family", "GRACE PERIOD", "ELSA sessions", "nan had
# a tia"): given_names_also_words.txt, with how it was made and, beside each name, the word it
# also is. Written so, one counts only where the text says a person is meant (``_A_PERSON_IS_MEANT``).
_ALSO_A_WORD = _read_given_names(Path(__file__).with_name("given_names_also_words.txt"))
# Given names taken for something else when alone (_NOT_A_GIVEN_NAME), counted in small letters or
# capitals as those above are, where the text says a person is meant: found (a review of real
# reflections), "summer (6) and sky (6) are twins" and "faith (15) is pregnant" were never warned
# about, where "grace (7)" was. Not the months ("may (6)"), places ("preston (3)"), "amber" (a
# rating), "christian" or "junior" (words in counts as often), nor "india".
_NAMES_ONLY_WITH_A_CUE = frozenset({"Summer", "Autumn", "Winter", "Sky", "Liberty", "Faith", "River"})
# After a name in capitals, words that are not its surname but the rest of a sentence
# ("JAYDEN IS 7", "KELLY SAID").
_NOT_A_SURNAME_IN_CAPITALS = frozenset({"is", "was", "has", "had", "are", "were", "said", "says", "aged", "age", "dob"})


@dataclass(frozen=True)
class _Case:
    """One way of writing a name with every letter alike: all in small letters ("jayden") or all
    in capitals ("JAYDEN")."""

    names: frozenset[str]  # the common given names, written so
    words: frozenset[str]  # those that are also words, written so
    # Every run of these letters: the names in a text are among them, found at C speed, so a text
    # with no name written so (most texts) costs one pass and a set's intersection.
    letters: re.Pattern[str]
    part: str  # a later part of a name such as "kelly-ann", written so
    list_goes_on: re.Pattern[str]  # after a name, the next in a list: ", jayden", " and mia"
    list_came_before: re.Pattern[str]  # before a name, the one before it in a list: "kayden and "


_SMALL = _Case(
    frozenset(name.lower() for name in _GIVEN_NAMES | _NAMES_ONLY_WITH_A_CUE),
    frozenset(name.lower() for name in _ALSO_A_WORD | _NAMES_ONLY_WITH_A_CUE),
    re.compile(r"[a-z]{2,39}"),
    r"[a-z]{2,39}",
    re.compile(r"\s{0,3}(?:,|&|\band\b|\bor\b)\s{1,3}([a-z]{2,39})(?![\w\-])"),
    re.compile(r"(?<![\w'\u2019\-])([a-z]{2,39})\s{0,3}(?:,|&|\band\b|\bor\b)\s{1,3}$"),
)
_CAPITALS = _Case(
    frozenset(name.upper() for name in _GIVEN_NAMES | _NAMES_ONLY_WITH_A_CUE),
    frozenset(name.upper() for name in _ALSO_A_WORD | _NAMES_ONLY_WITH_A_CUE),
    re.compile(r"[A-Z]{2,39}"),
    r"[A-Z]{2,39}",
    re.compile(r"\s{0,3}(?:,|&|\b(?i:and|or)\b)\s{1,3}([A-Z]{2,39})(?![\w\-])"),
    re.compile(r"(?<![\w'\u2019\-])([A-Z]{2,39})\s{0,3}(?:,|&|\b(?i:and|or)\b)\s{1,3}$"),
)
# After a name in small letters or capitals, these make it a place's name ("victoria park",
# "stanley knife", "the wendy house"); not the words that follow a person as often ("took jayden
# home", "kelly high on cannabis", "mia primary carer", "tyler team player").
_NOT_AFTER_A_NAME_IN_ONE_CASE = _NOT_AFTER_A_GIVEN_NAME - {
    "home",
    "high",
    "primary",
    "team",
    "club",
    "trust",
    "unit",
    "fund",
    "award",
    "service",
    "services",
    "project",
    "programme",
    "network",
    "partnership",
    "hub",
}
# Before a word, these say it is the word, not a name: "the will's terms", "the mark is 10".
_DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "our", "my", "your", "its", "no"}
)
# After a name that is also a word, what says a person is meant: a possessive ("grace's mum"), an
# age ("grace (4)", "grace, 4,", "grace aged 4", "hope is 19", "will 7yrs"; not "max is 10 hours");
# or brackets round it alone ("mum (hope) says"), or a list going on to a name ("grace and jayden").
_A_PERSON_IS_MEANT = re.compile(
    r"(?i:['\u2019]s(?!\w)"
    r"|\s{0,3}(?:\(|,)\s{0,3}(?:aged?\s{1,3})?\d{1,2}(?:\s{0,3}(?:y(?:ea)?rs?|y/?o|months?))?\s{0,3}(?:[),;]|$)"
    r"|\s{1,3}(?:is|was|aged?)\s{1,3}(?:now\s{1,3})?\d{1,2}(?![\d.:%/])"
    r"(?!\s{0,3}(?:h|hrs?|hours?|mins?|minutes?|miles?|km|kg|pm|am|times|out|of|per|x)\b)"
    r"|\s{1,3}\d{1,2}\s{0,3}(?:y(?:ea)?rs?|y/?o)\b)"
)
_BRACKET_OPENS = re.compile(r"\(\s{0,3}$")
_BRACKET_CLOSES = re.compile(r"\s{0,3}\)")
# After a name in capitals: a surname, in capitals or as names are written ("JAYDEN SMITH",
# "JAYDEN Smith"), unless more capitals follow it, as in a sentence typed in capitals
# ("JAYDEN MISSED SCHOOL").
_SURNAME_AFTER_CAPITALS = re.compile(
    r"\s{1,3}(?P<surname>[A-Z][A-Za-z'\u2019\-]{1,39})(?![\w'\u2019\-])(?!\s{1,3}[A-Z]{2})"
)


def _a_person_is_meant(text: str, start: int, end: int, case: _Case) -> bool:
    """Whether the text says the name-that-is-a-word at ``start:end`` is a person: a possessive or
    an age after it, brackets round it alone, or a list going on to a name that is not a word."""
    if _A_PERSON_IS_MEANT.match(text, end):
        return not _A_SCHOOL_THING_AFTER_BRACKETS.match(text, end)
    if _BRACKET_OPENS.search(text, max(0, start - 4), start) and _BRACKET_CLOSES.match(text, end):
        return True
    listed = case.list_goes_on.match(text, end)
    if listed is not None and listed[1] in case.names and listed[1] not in case.words:
        return True
    # Or after one: "kayden and tia" (found, identifying-data review: "tia" was not); not a verb
    # that goes on from the name before ("kelly and will be there", "jayden or may not").
    if text[start:end].lower() in ("will", "may"):
        return False
    listed = case.list_came_before.search(text, max(0, start - 48), start)
    return listed is not None and listed[1] in case.names and listed[1] not in case.words


@functools.lru_cache(maxsize=4096)
def _written_alone(word: str, part: str) -> re.Pattern[str]:
    """``word`` as a word of its own, or the first part of a name such as "kelly-ann": not part of
    another word, nor of an email address ("kelly@...", "jayden.smith@..."), a web address
    ("www.kelly.co.uk", ".../jayden", "...?child=jayden") or a handle ("@jayden", "#jayden")."""
    return re.compile(rf"(?<![\w'\u2019@#./=\-]){word}(?:-(?P<next>{part})(?:-{part}){{0,2}})?(?![\w@]|[.:/\-][^\W_])")


# Drugs called by a name ("charlie": cocaine; "molly", "mandy": MDMA), in small letters after a
# word for dealing in drugs within the clause, or just after "uses" or "on" ("mum is on
# charlie", "a bag of charlie"): not a child. "charlie (14)", "took molly home" still are.
_DRUGS_NAMED_SO = frozenset({"charlie", "molly", "mandy"})
_DRUG_WORDS_BEFORE = re.compile(
    r"(?<![\w'\u2019])(?:(?i:sell|sells|selling|sold|deal|deals|dealing|dealt|snort|snorts|snorting|sniff|sniffing"
    r"|line|lines|gram|grams|bag|bags|wrap|wraps|drugs?|cocaine|coke|mdma|ecstasy|pills?|weed|cannabis|ket"
    r"|ketamine|spice|carrying|carry|carried)\b[^.;!?\n()]{0,30}"
    r"|(?i:use|uses|using|used|on|doing|some|popping|popped|pop|snorted)\s{1,3})$"
)
# After the word: "a charlie user", "molly pills" (found, review).
_DRUG_WORDS_AFTER = re.compile(r"\s{1,3}(?i:users?|dealers?|dealing|habit|addiction|pills?|powder)\b")


# A given name that is also a language ("Shona", spoken by families from Zimbabwe), where the words
# before it say a language is meant: "the family speak Shona", "mum speaks English and a little
# Shona", "first language is Shona", "Languages: Shona, English", "an interpreter for Shona", "a
# Shona interpreter" (found, review: warned about as a child's name). Only so: a name is missed
# otherwise, so not where a person may be meant ("Shona speaking to staff said", "Shona language
# delay", "When interpreting Shona was upset", "spoke to Shona", "confided in Shona": regression
# review), nor with a possessive ("speaks Shona's name") or a surname after it ("speaks Shona Moyo").
_ALSO_A_LANGUAGE = frozenset({"shona"})
_OTHER_LANGUAGES = (
    "english|arabic|french|portuguese|spanish|ndebele|swahili|zulu|xhosa|afrikaans|tswana|sotho|nyanja|chichewa"
    "|bemba|lingala|somali|amharic|tigrinya"
)
# Before it, words that make it the language whatever follows: "translated into", "an interpreter
# in", "speaks in", "fluent in" (never "an interpreter for Shona, who is deaf", "confided in Shona").
_A_LANGUAGE_ALWAYS_BEFORE = re.compile(
    r"(?<![\w'\u2019\-])(?:"
    r"(?:interpret(?:er|ers|ing|ed)?|translat(?:or|ors|ion|ions|ed|ing))\s{1,3}(?:in|into|from)"
    r"|(?:speaks?|spoke|spoken|reads?|writes?|talks?|communicates?|fluent)\s{1,3}in"
    r")"
    rf"(?:\s{{1,3}}(?:{_OTHER_LANGUAGES})\s{{0,3}}(?:,|and|or)){{0,4}}\s{{1,3}}$",  # "Portuguese, English and Shona"
    re.IGNORECASE,
)
# Before it, words that name a language next: "first language is", "Home language:", "mother tongue
# is", "Languages:", "Languages spoken at home:", "Interpreter needed:"; the language only where
# nothing may go on to make it someone (``_AFTER_A_LANGUAGE``). Not any "language" ("Speech and
# language: Shona", "body language: Shona", "the one with the strongest language is Shona": a child,
# found in the last reviews): only a language said to be someone's first, home or main one.
_A_LANGUAGE_NAMED_BEFORE = re.compile(
    r"(?<![\w'\u2019\-])(?:"
    r"(?:first|home|main|preferred|second|native|mother|family'?s?|their|her|his)\s{1,3}(?:languages?|tongue)"
    r"\s{0,3}(?:is|are|:)"
    r"|languages?\s{1,3}spoken\s{1,3}at\s{1,3}home\s{0,3}(?:is|are|:)"
    r"|languages\s{0,3}:"
    r"|(?:interpreter|translator)s?(?:\s{1,3}(?:needed|required|booked))?\s{0,3}:"
    r")"
    rf"(?:\s{{1,3}}(?:{_OTHER_LANGUAGES})\s{{0,3}}(?:,|and|or)){{0,4}}\s{{1,3}}$",
    re.IGNORECASE,
)
# Before it, speaking it ("speaks Shona", "speaks only / a little / broken Shona"): the language only
# where nothing may go on to make it someone (``_AFTER_A_LANGUAGE``). Never "learned": "We learned
# Shona, who is 9, had been hit" (regression review); never "reads Shona a story".
_SPOKEN_BEFORE = re.compile(
    r"(?<![\w'\u2019\-])(?:speaks?|spoke|spoken|speaking)"
    r"(?:\s{1,3}(?:only|mainly|mostly|some|a\s{1,3}little|a\s{1,3}mix\s{1,3}of|broken|basic|good|fluent))?"
    rf"(?:\s{{1,3}}(?:{_OTHER_LANGUAGES})\s{{0,3}}(?:,|and|or)){{0,4}}\s{{1,3}}$",
    re.IGNORECASE,
)
# After "speaks Shona" or "first language is Shona": the end of the sentence, another language, or
# how well. Found (regression reviews): "When mum spoke Shona started crying", "When dad spoke Shona
# and her sister hid", "spoke Shona, her sister..." were children; any other word may begin what is
# said of one.
_AFTER_A_LANGUAGE = re.compile(
    rf"\s{{0,3}}(?:$|[.;:!?)]|(?:,|\s(?:and|or))\s{{1,3}}(?i:{_OTHER_LANGUAGES})(?![\w\-])"
    r"|\s(?i:fluently|well|at\s{1,3}home)(?![\w\-]))"
)
# After it, words only a language takes ("Shona interpreter needed", "Shona speakers"); and, after
# "a", "an" or "the", its community or language ("the Shona community").
_SPEAKERS_AFTER = re.compile(
    r"\s{1,3}(?i:speakers(?![\w\-])|(?:interpreters?|translators?)"
    r"(?=\s{0,3}(?:$|[.;:!?)]|(?:needed|required|booked|requested)(?![\w\-]))))"
)
# "in Shona", "into Shona", "from Shona": nothing between (``_A_LANGUAGE_ALWAYS_BEFORE``).
_RIGHT_AFTER_IN = re.compile(r"(?i:in|into|from)\s{1,3}$")
_ITS_PEOPLE_AFTER = re.compile(r"\s{1,3}(?i:interpreters?|translators?|speakers?|community|language|culture)(?![\w\-])")
_A_DETERMINER_BEFORE = re.compile(r"(?<![\w'\u2019\-])(?i:a|an|the)\s{1,3}$")


def _a_language_is_meant(text: str, start: int, end: int, surname: str | None) -> bool:
    """Whether the given name ``text[start:end]`` (``surname``: a capitalised word after it, if any)
    is a language there (``_ALSO_A_LANGUAGE``). Only where the words leave no doubt: a name
    missed is the bigger risk than a language warned about, which the person confirms."""
    if _plain(text[start:end]) not in _ALSO_A_LANGUAGE or _POSSESSIVE.match(text, end) or surname:
        return False
    if _SPEAKERS_AFTER.match(text, end):
        return True
    before = text[max(0, start - 64) : start]
    if _A_DETERMINER_BEFORE.search(before):
        return _ITS_PEOPLE_AFTER.match(text, end) is not None
    always = _A_LANGUAGE_ALWAYS_BEFORE.search(before)
    if always is not None and _RIGHT_AFTER_IN.search(always[0]):
        return True
    # With other languages before it ("in English and Shona"), it may begin what follows: "Mum speaks
    # in English and Shona translates for her" (found, last review): only as "speaks Shona" is.
    said = always or _SPOKEN_BEFORE.search(before) or _A_LANGUAGE_NAMED_BEFORE.search(before)
    return said is not None and _AFTER_A_LANGUAGE.match(text, end) is not None


def _a_drug_is_meant(text: str, start: int, end: int) -> bool:
    """Whether "charlie", "molly" or "mandy" at ``start``-``end`` is a drug's name, by the words
    around it (``_DRUG_WORDS_BEFORE``, ``_DRUG_WORDS_AFTER``)."""
    return (
        text[start:end].lower() in _DRUGS_NAMED_SO
        and not _POSSESSIVE.match(text, end)
        and (
            _DRUG_WORDS_BEFORE.search(text, max(0, start - 40), start) is not None
            or _DRUG_WORDS_AFTER.match(text, end) is not None
        )
    )


# After a given name in small letters, its surname in small letters ("spoke to mariam khan today",
# "kelly jones says": found, identifying-data review: only "mariam" was highlighted, so deleting
# what was highlighted left the surname).
_SURNAME_AFTER_SMALL_LETTERS = re.compile(
    r"\s{1,3}(?P<surname>(?:o['\u2019])?[a-z][a-z'\u2019]{1,24}(?:-[a-z][a-z'\u2019]{1,24})?)(?![\w\-])"
)
# The commonest surnames that are words too, taken after a given name in small letters; not those
# as often a word after a name ("jayden young carer", "kelly brown hair", "mia day 3").
_COMMON_SURNAMES_IN_SMALL_LETTERS = frozenset({"smith", "jones", "wright", "walker", "taylor", "turner", "khan"})
# Not a surname after a given name in small letters: what notes put after a name ("kelly dob
# 3.7.11", "jayden aka jj", "kelly nee jones", "jayden yo").
_NOT_A_SURNAME_AFTER_A_SMALL_NAME = frozenset(
    {"dob", "aka", "nee", "née", "yo", "yrs", "yr", "y/o", "tbc", "nfa", "dna", "wnb", "lol", "xx", "xxx", "x"}
)


def _reads_as_a_surname_in_small_letters(word: str, places: AbstractSet[str]) -> bool:
    """Whether a word in small letters after a given name written so reads as its surname: not an
    everyday word (unless one of ``_COMMON_SURNAMES_IN_SMALL_LETTERS``), nor one of the words
    lists here, a place, a month or an acronym."""
    if word in _COMMON_SURNAMES_IN_SMALL_LETTERS:
        return True
    return not (
        word in _NOT_A_SURNAME_AFTER_A_SMALL_NAME
        or word in _NOT_A_SURNAME
        or word in _NOT_A_SURNAME_IN_SMALL_LETTERS
        or _is_ordinary_word(word)
        or _ordinary_in_small_letters(word, places)
        or word in _DAYS_OF_THE_WEEK
    )


def _names_all_in_one_case(text: str, case: _Case, places: AbstractSet[str] = frozenset()) -> Iterator[Finding]:
    """Common given names written all in small letters ("jayden is 7", "mum (kelly) says") or all
    in capitals ("JAYDEN SMITH"), less those that are words too unless a person is meant ("grace's
    mum", not "a grace period"), with a surname after them written alike."""
    for word in case.names.intersection(case.letters.findall(text)):
        for match in _written_alone(word, case.part).finditer(text):
            start, end = match.start(), match.start() + len(word)
            if match["next"] and match["next"] not in case.names and match[0] not in case.names:
                continue  # "kelly-ann", "ellie-may", but not "aria-label" or "billy-no-mates"
            before = _WORD_BEFORE.search(text, max(0, start - 24), start)
            if before is not None and _plain(before[1]) in _NOT_BEFORE_A_GIVEN_NAME:
                continue  # "st mary's", "christmas eve", "the prophet muhammad"
            following = _NEXT_WORD.match(text, match.end())
            if following is not None and _plain(following[1]) in _NOT_AFTER_A_NAME_IN_ONE_CASE:
                continue  # "victoria park"
            if word in case.words:
                if before is not None and _plain(before[1]) in _DETERMINERS:
                    continue  # "the will's terms", "a grant (2) for..."
                if not _a_person_is_meant(text, start, end, case):
                    continue
            if _a_drug_is_meant(text, start, end):
                continue  # "sells charlie and molly" (found, review: warned about as two children)
            end = match.end()
            surname = _SURNAME_AFTER_CAPITALS.match(text, end) if case is _CAPITALS else None
            if surname is not None:
                plain = _plain(surname["surname"])
                if plain not in _NOT_A_SURNAME and plain not in _NOT_A_SURNAME_IN_CAPITALS and plain != "i":
                    end = surname.end()
            elif case is _SMALL:
                surname = _SURNAME_AFTER_SMALL_LETTERS.match(text, end)
                if surname is not None and _reads_as_a_surname_in_small_letters(_plain(surname["surname"]), places):
                    end = surname.end()
            if end == match.end() and _a_language_is_meant(text, start, end, None):
                continue  # "dad speaks shona" (not "speaks shona moyo")
            yield Finding("person_name", text[start:end], REASONS["person_name"], start, end)


def _plain(word: str) -> str:
    """A word in small letters with a plain apostrophe, as the word lists have it."""
    return word.lower().replace("\u2019", "'")


def _finding(kind: Kind, match: re.Match[str], group: int | str = 0) -> Finding:
    return Finding(kind, match[group], REASONS[kind], match.start(group), match.end(group))


# People, characters and brands practitioners write about that are not a child or family: the
# children of national safeguarding reviews, researchers and writers on practice, and a few
# others a reflection may mention. Found (identifying-data review): "Victoria Climbié", "Eileen
# Munro", "Harry Ferguson's research", "Mo Farah's story", "Mr Tumble" (Makaton) were warned about.
# Whole names only: "Victoria" or "Stella" alone is still a name.
_WELL_KNOWN = (
    "victoria climbie",
    "peter connelly",
    "baby p",
    "daniel pelka",
    "khyra ishaq",
    "hamzah khan",
    "arthur labinjo-hughes",
    "star hobson",
    "lord laming",
    "eileen munro",
    "harry ferguson",
    "brigid daniel",
    "donald winnicott",
    "john bowlby",
    "mary ainsworth",
    "bruce perry",
    "dan hughes",
    "karen treisman",
    "brene brown",
    "urie bronfenbrenner",
    "abraham maslow",
    "mr tumble",
    "ms rachel",
    "peppa pig",
    "harry potter",
    "marcus rashford",
    "mo farah",
    "taylor swift",
    "john lewis",
    "jack daniels",
    "jack daniel's",
    "guy fawkes",
    "sara sharif",
    "logan mwangi",
    "finley boden",
    "andrew tate",
    "tommy robinson",
    "jimmy savile",
    # Found (identifying-data review): named in reflections as people in the news or on screen.
    "lucy letby",
    "molly-mae",
    "molly mae",
    "jeremy kyle",
    "billie eilish",
    "mother teresa",
    "jackie chan",
    "xiao long bao",
    "bruce lee",
    "feng shui",
    "shen yun",
    "vu lan",
    "ho chi minh city",  # (before "ho chi minh": "Minh" is a given name, "Minh City" read as one)
    # (Regression review: named once the area's communities' given names were added.)
    "lakshmi puja",
    "hui muslims",
    "hui people",
    "amit shah",
    "taras shevchenko",
    "kofi annan",
    "ho chi minh",
    "emma raducanu",
    "stacey solomon",
    "sarah everard",
    "sarah's law",
    "clare's law",
    "helen's law",
    # Brands, shows and guidance named after people (found, false-alarm review, December 2026: listed
    # as signs of exploitation, "Dr Martens boots", "Fraser competent", "Hunter wellies").
    "ralph lauren",
    "tommy hilfiger",
    "louis vuitton",
    "hugo boss",
    "calvin klein",
    "ted baker",
    "jack wills",
    "air max",
    "stone island",
    "canada goose",
    "dr martens",
    "doc martens",
    "dr. martens",
    "dr seuss",
    "dr who",
    "doctor who",
    "dr pepper",
    "dr dre",
    "fraser competent",
    "fraser competence",
    "fraser guidelines",
    "fraser guidance",
    "fraser criteria",
    "fraser ruling",
    "frank ocean",
    "hunter wellies",
    "hunter boots",
    "maggie's centre",
    "father christmas",
    "santa claus",
    # (Regression review: named once adults' names were added.)
    "stan smith",
    "stan smiths",
    "fred perry",
    "jim beam",
    "nick jr",
    "winston churchill",
    "les miserables",
    "les mis",
    "gill sans",
    "nick of time",
    # Online lessons, not a school anyone attends (found, review: "Khan Academy videos" was a school).
    "khan academy",
    "oak national academy",
    "shirley temple",
)
# Of those, the brands that are a person's whole name too: a person where the text says so ("Jack
# Wills (14) went missing", "Ted Baker said his dad hit him": found, regression review).
_BRANDS_THAT_ARE_NAMES = frozenset(
    {"jack wills", "ted baker", "hugo boss", "calvin klein", "ralph lauren", "tommy hilfiger", "fred perry"}
    | {"stan smith", "louis vuitton", "dr martens", "frank ocean", "jack daniels", "john lewis"}
)
_WELL_KNOWN_NAME = re.compile(
    r"(?<![\w'\u2019\-])(?i:"
    + "|".join(re.escape(name).replace("\\ ", r"\s{1,3}") for name in _WELL_KNOWN)
    + r")(?![\w\-])"
)


# What a well-known name is not taken for: "Khan Academy" is no school, "Shirley Temple" no temple.
_WELL_KNOWN_KINDS = ("person_name", "gp_practice", "school", "place_of_worship")


def _well_known_names(text: str) -> list[tuple[int, int]]:
    """Where the text names someone well known (``_WELL_KNOWN``), as (start, end): not a brand
    that is a person's name where the text says a person is meant (``_BRANDS_THAT_ARE_NAMES``)."""
    return [
        match.span()
        for match in _WELL_KNOWN_NAME.finditer(text)
        if not (
            " ".join(match[0].lower().split()) in _BRANDS_THAT_ARE_NAMES
            and (_AGE_AFTER.match(text, match.end()) or _WHAT_ONLY_A_PERSON_DOES.match(text, match.end()))
        )
    ]


_ONLY_A_PARTICLE = re.compile(
    r"\s{1,3}(?:(?i:bin|binti|bint|ibn|ben|van|von|de|da|di|du|der|den|al|el|la|le|dos|das|do)\s{1,3}){1,2}"
)


def _names_overlapping_joined(found: list[Finding], text: str) -> list[Finding]:
    """Names found in parts that overlap, as one: "Mr Tran" (a title and a surname) and "Tran Van
    Minh" (a surname and given names) are "Mr Tran Van Minh". Found (review of names across the
    area's communities): the first alone was kept, as it starts first, and the warning showed "Mr
    Tran" and "Minh", leaving "Van" in the text."""
    names = sorted((f for f in found if f.kind == "person_name"), key=lambda f: (f.start, -f.end))
    if len(names) < 2:
        return found
    joined: list[Finding] = []
    for name in names:
        last = joined[-1] if joined else None
        if (
            last is not None
            and name.start >= last.end
            and (
                _ONLY_A_PARTICLE.fullmatch(text, last.end, name.start)
                or (
                    last.text.split()[-1].lower() in _ENDS_WITH_A_PARTICLE
                    and text[last.end : name.start].isspace()
                    and name.start - last.end <= 3
                )
            )
        ):
            # Or with only a particle between them: "Mr Ali" and "Omar" in "Mr Ali bin Omar".
            joined[-1] = Finding("person_name", text[last.start : name.end], last.reason, last.start, name.end)
            continue
        if last is not None and name.start < last.end:
            if name.end > last.end:
                joined[-1] = Finding("person_name", text[last.start : name.end], last.reason, last.start, name.end)
            continue
        joined.append(name)
    return [f for f in found if f.kind != "person_name"] + joined


def _within(finding: Finding, spans: list[tuple[int, int]]) -> bool:
    """Whether the finding lies inside one of ``spans``."""
    return any(start <= finding.start and finding.end <= end for start, end in spans)


def scan(
    text: str, kinds: Iterable[Kind] = KINDS, places: AbstractSet[str] = frozenset(), *, signed_name: bool = False
) -> list[Finding]:
    """Every identifying-looking piece of ``text``, in order, without overlaps. ``places`` are the
    area's place names in small letters (the partnership file's ``places``): not a family's surname
    in "the Salford children". Given as ``area_places.Places`` (as the app gives them), they also say
    which are a whole city or borough ("year 9 at Salford": no school) and name the area's hospitals
    ("hope hospital"). ``signed_name``: a name signed at the end ("Kind regards, Jo Tester") is
    found too, for text that must not say who wrote it (feedback, which is anonymous: found,
    facilitator review); else it is the writer's own, which a request asks for anyway."""
    if not text:
        return []
    typed = prepare(text)
    # Matched with plain letters and ASCII digits (``as_matched``), shown as typed: the same places in both.
    prepared = as_matched(typed)
    wanted = set(kinds)
    scanning = _SCANNING.set(Sentences(prepared))  # (the sentences found once for every finder)
    try:
        return _scan(typed, prepared, wanted, places, signed_name=signed_name)
    finally:
        _SCANNING.reset(scanning)


# A school's name that starts with its saint's: "St Mary's", "St. Ambrose", "st marys".
_SAINTS_NAME = re.compile(r"(?i:st\.?|saint)\s{1,3}(?:[A-Z]|[a-z]{2,39}['\u2019]?s(?![\w'\u2019]))")
# An address's last word, "St" (or "St."), and whether the words before it have one in small letters.
_ENDS_WITH_ST = re.compile(r"(?i:st)\.?$")
_A_WORD_IN_SMALL_LETTERS = re.compile(r"(?<![\w'\u2019\-])[a-z]")


def _without_a_saints_school_read_as_a_street(found: list[Finding], text: str) -> list[Finding]:
    """``found`` less an address that is a number, words in small letters and "St", where a school
    named for a saint is found from that "St" on: "aged 7, attends St Mary's Primary School" is the
    school, not the street "7, attends St" (found, requirements review: the warning sent the writer
    looking for an address, and did not name the school). The school is the one the school finders
    found, with their checks ("lives at 12 Church St near the school" is still a street: regression
    review), and a capitalised street name keeps its address ("12 Church St St Mary's")."""
    schools = {f.start for f in found if f.kind == "school" and _SAINTS_NAME.match(text, f.start)}
    if not schools:
        return found

    def a_saints_school(finding: Finding) -> bool:
        last = _ENDS_WITH_ST.search(finding.text) if finding.kind == "address" else None
        return (
            last is not None
            and finding.start + last.start() in schools
            and _A_WORD_IN_SMALL_LETTERS.search(finding.text, 0, last.start()) is not None
        )

    return [f for f in found if not a_saints_school(f)]


def _scan(
    typed: str, prepared: str, wanted: set[Kind], places: AbstractSet[str], *, signed_name: bool
) -> list[Finding]:
    """``scan`` of the text ``typed``, matched as ``prepared``."""
    found: list[Finding] = []
    finders = (
        _emails,
        _nhs_numbers,
        _national_insurance_numbers,
        _record_numbers,
        _dates,
        _phones,
        _postcodes,
        _addresses,
        functools.partial(_streets, places=places),
        functools.partial(_schools, places=places),
        _places_of_worship,
        functools.partial(_gp_practices, places=places),
        functools.partial(_person_names, places=places),
        _sexes_and_ages,
    )
    for finder in finders:
        found.extend(f for f in finder(prepared) if f.kind in wanted)
    found = _without_a_saints_school_read_as_a_street(found, prepared)
    found = [_on_its_first_line(f) if f.kind == "person_name" else f for f in found]
    if wanted.intersection(_WELL_KNOWN_KINDS) and (known := _well_known_names(prepared)):
        found = [f for f in found if f.kind not in _WELL_KNOWN_KINDS or not _within(f, known)]
    found = _names_overlapping_joined(found, prepared)
    found.sort(key=lambda f: (KINDS.index(f.kind), f.start))
    # The findings kept so far, in order and without overlaps: only the two either side of a new
    # one can overlap it, so a text with thousands of findings is still checked in step with its length.
    kept: list[Finding] = []
    starts: list[int] = []
    for finding in found:
        at = bisect.bisect_left(starts, finding.start)
        if (at > 0 and kept[at - 1].end > finding.start) or (at < len(kept) and kept[at].start < finding.end):
            continue
        kept.insert(at, finding)
        starts.insert(at, finding.start)
    if "person_name" in wanted:
        limits = [finding.start for finding in kept[1:]] + [len(prepared)] if kept else []
        kept = [
            _with_the_rest_of_the_name(finding, prepared, limit, places) if finding.kind == "person_name" else finding
            for finding, limit in zip(kept, limits, strict=True)
        ]
        signed = _with_the_signed_name(prepared, kept, places) if signed_name else _without_the_sign_off(prepared, kept)
        kept = _with_the_same_names_elsewhere(prepared, signed, places)
    if prepared is not typed:
        kept = [_as_typed(finding, typed, prepared) for finding in kept if not _foreign_word(finding, typed)]
    return kept


# After a name found, on the same line: the surname's particles ("da", "van der", "bin", "O")
# and one more word written as a name, in capitals if the name is ("JAYDEN SMITH").
_REST_OF_A_NAME = re.compile(
    r"[ \t]{1,3}(?P<particles>(?:(?i:de|da|di|du|dos|das|van|von|der|den|ter|le|la|al|el|bin|ben|ibn|ap|o)"
    r"[ \t]{1,3}){0,2})"
    r"(?P<word>[A-Z](?:[a-z'\u2019\-]{1,39}|[A-Z'\u2019\-]{1,39}))(?![\w'\u2019\-])"
)


_NOT_THE_REST_OF_A_NAME = frozenset(
    {
        "barnardo",
        "barnardos",
        "barnardo's",
        "nspcc",
        "childline",
        "camhs",
        "montfort",
        "leche",
        "cordon",
        "gogh",
        "carers",
    }
)


# A name's particle, or a Vietnamese middle name, after which the name goes on ("Mr Nguyen Van An").
_ENDS_WITH_A_PARTICLE = frozenset(
    {"van", "thi", "de", "da", "di", "du", "von", "der", "den", "bin", "ben", "ibn", "ap"}
)


def _with_the_rest_of_the_name(finding: Finding, text: str, limit: int, places: AbstractSet[str]) -> Finding:
    """A name found with the rest of it that follows on its line, up to ``limit`` (the next
    finding): found (identifying-data review), "Ryan De Souza" was listed as "Ryan De", "Maria da
    Silva" as "Maria", "Jayden Smith Jones" as "Jayden Smith", "JAYDEN SMITH" as "JAYDEN", so
    deleting what the warning listed left the surname. Only a word that is not an everyday one
    (or is one of the commonest surnames that are words too: "Smith", "Green"; or follows a
    particle), nor a place, and in capitals only after a name in capitals."""
    match = _REST_OF_A_NAME.match(text, finding.end)
    if match is None or match.end() > limit or not finding.text[:1].isupper():
        return finding  # (nor after a name in small letters: "și țară Ąčęėį", a word of another language)
    word = match["word"]
    plain = word.lower()
    in_capitals = finding.text.isupper()
    if (word.isupper() and len(word) > 1) != in_capitals:
        return finding
    # After a surname's particle any word is its surname ("van der Berg"), also where the name found
    # ends with one ("Mr Nguyen Van" and "An": found, regression review); else not an everyday one.
    after_a_particle = bool(match["particles"]) or finding.text.split()[-1].lower() in _ENDS_WITH_A_PARTICLE
    ordinary = not after_a_particle and _is_ordinary_word(plain) and plain not in _COMMON_SURNAMES_THAT_ARE_WORDS
    if ordinary or plain in places:
        return finding
    if plain in _MONTHS or plain in _DAYS_OF_THE_WEEK or word in _NOT_A_GIVEN_NAME:
        return finding
    # Not an acronym ("MIA NSPCC", "JAYDEN CAMHS") nor a service or a charity ("Jayden Barnardos",
    # "Ellie de Montfort", "Tyler La Leche"): found, regression review.
    if word in _ACRONYMS or word.upper() in _ACRONYMS or plain in _NOT_THE_REST_OF_A_NAME:
        return finding
    return dataclasses.replace(finding, text=text[finding.start : match.end()], end=match.end())


_LINE_BREAK = re.compile(r"[\n\r\v\f\x85\u2028\u2029]")
_TITLE_ALONE = re.compile(r"(?i:mrs|mr|ms|miss|mx|dr|prof|sir|dame|lady|lord|rev|revd)\.?")


def _on_its_first_line(finding: Finding) -> Finding:
    """A name read on across a line break ("…worried about Shona" then "Next steps" on a line of
    its own) is shown as the words on its first line: the name, not the next heading. Left whole
    where the first line is only a title ("Mrs" then "Smith"): the surname is on the next."""
    if not (line_break := _LINE_BREAK.search(finding.text)):
        return finding
    first_line = finding.text[: line_break.start()].rstrip()
    if not re.search(r"[^\W\d_]{2}", first_line) or _TITLE_ALONE.fullmatch(first_line.split()[-1]):
        return finding
    # A surname on the next line (a line broken where the text was pasted from: "Jayden" then
    # "Smith, who is in Year 4") stays with it: only an everyday word is a heading's or the next
    # sentence's (found, regression review: the surname was left out of the warning).
    next_word = re.match(r"\s*([^\W\d_][\w'\u2019\-]*)", finding.text[line_break.start() :])
    if next_word is not None:
        word, plain = next_word[1], next_word[1].lower()
        last = first_line.split()[-1].lower()
        another_name = (
            plain.startswith(last)  # "We met Shona" then "Shona is 7", "Ava" then "Ava-Rose"
            or word in _GIVEN_NAMES  # a list, one a line: "Jayden" then "Mia"
            or word in _ACRONYMS
            or word.upper() in _ACRONYMS  # "Mia" then "NSPCC referral made" (regression review)
            or plain.rstrip("'s\u2019") in _NOT_THE_REST_OF_A_NAME
        )
        if not another_name and (not _is_ordinary_word(plain) or plain in _COMMON_SURNAMES_THAT_ARE_WORDS):
            return finding
    return dataclasses.replace(finding, text=first_line, end=finding.start + len(first_line))


SAME_NAME_REASON = (
    "This is written elsewhere in the text as a person's name. A name can identify a child or family, "
    "or someone close to them."
)


# How much of the text either side of a finding a warning shows: a few words.
AROUND = 32


def words_around(text: str, start: int, end: int) -> tuple[str, str]:
    """A few whole words before ``start`` and after ``end`` in ``text``, on one line, "…" where cut
    ("…I visited and ", " told me that…"), so a warning shows where each finding was. Found
    (identifying-data review): a list of words alone ("Cafcass", "Paeds") left the writer to work
    out where each was, and why it was taken for a name."""
    before = text[max(0, start - AROUND) : start]
    after = text[end : end + AROUND]
    if start > AROUND:
        before = "\u2026" + re.sub(r"^\S*\s", "", before, count=1) if " " in before else "\u2026" + before
    if end + AROUND < len(text):
        after = (re.sub(r"\s\S*$", "", after, count=1) if " " in after else after) + "\u2026"
    return " ".join(before.split("\n")[-1:]), " ".join(after.split("\n")[:1])


def around(text: object, finding: Finding) -> dict[str, str]:
    """The words before and after ``finding`` in ``text`` (``words_around``), as a warning shows
    them ("before", "after"), if its place there is known: the text as given, or with its ends'
    spaces taken off as some checks read it (the text as stored may differ from the text as read)."""
    for read in (text, text.strip()) if isinstance(text, str) else ():
        if read[finding.start : finding.end] == finding.text:
            before, after = words_around(read, finding.start, finding.end)
            before, after = before.lstrip(), after.rstrip()  # (the line's edge: found, review, "in “  M6 5HH”")
            return {"before": before, "after": after} if before or after else {}
    return {}


def in_context(findings: Iterable[Finding], text: object) -> list[dict[str, Any]]:
    """``findings`` in ``text`` as a warning lists them (templates/_findings.html, ``once_each``):
    each with the words around where it was found. Found (review): only the request's warning
    showed them; a facilitator's note, a session's place and a feedback comment showed "Cafcass"
    or "Zohaib" alone, and the writer had to work out where each was."""
    return [{"text": finding.text, "reason": finding.reason, **around(text, finding)} for finding in findings]


def once_each(findings: Any) -> list[dict[str, Any]]:
    """Findings as a warning lists them: each text once, in the order first found, with how many
    times it was found ("Amara" three times in a reflection was three identical lines). Its
    reason is the first found, unless that was only "written elsewhere as a name"
    (``SAME_NAME_REASON``) and another place says more. Takes ``Finding`` objects or the dicts a
    view made of them (templates/_findings.html)."""
    listed: dict[str, dict[str, Any]] = {}
    for finding in findings or ():
        text, reason = (
            (finding["text"], finding["reason"]) if isinstance(finding, Mapping) else (finding.text, finding.reason)
        )
        # Written in other capitals, the same ("Amara", "amara", "AMARA": found, review, three lines).
        # Where it was first found, in the words around it, when the view gives them ("before", "after").
        around = (finding.get("before", ""), finding.get("after", "")) if isinstance(finding, Mapping) else ("", "")
        item = listed.setdefault(
            text.casefold(), {"text": text, "reason": reason, "times": 0, "before": around[0], "after": around[1]}
        )
        item["times"] += 1
        if item["reason"] == SAME_NAME_REASON:
            item["reason"] = reason
    return list(listed.values())


# In a name found, the words that are not the name: titles, and the words of "the Smith family".
_NOT_THE_NAME_ITSELF = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "the", "family", "families", "and", "of", "de", "van", "von", "al", "el"}
)
# A word as a name is written: letters, with an apostrophe or a hyphen between them ("O'Brien",
# "Jean-Paul"); a possessive's "'s" is taken off where it is looked up.
# (With the combining marks of other scripts: "राहुल" is one word, not "र", "ह" and "ल".)
_WORD_AS_A_NAME_IS_WRITTEN = re.compile(
    rf"(?<![\w'\u2019\-{_MARKS}])[^\W\d_](?:[^\W\d_]|[{_MARKS}]|['\u2019\-](?=[^\W\d_])){{0,40}}"
)


# A sign-off ending the text: "Thanks, Kelly", "Kind regards, Sam Jones (health visitor)". The
# practitioner's own name, which the request asks for anyway, not a child's or a family's (found,
# review: it was warned about). Only the last 160 characters are looked at.
# Also "Thanks again - Jo x", "Ta, Bev", "Thanks, JP" (found, identifying-data review: in feedback,
# which is anonymous, the signed name is looked for).
_SIGN_OFF = re.compile(
    r"(?:^|\n|[.!?,]\s{1,3})(?i:many\s{1,3}thanks|thanks|thank\s{1,3}you|kind\s{1,3}regards|best\s{1,3}regards"
    r"|warm\s{1,3}regards|regards|best\s{1,3}wishes|best|cheers|with\s{1,3}thanks|ta)"
    r"(?:\s{1,3}(?i:again|so\s{1,3}much|very\s{1,3}much))?\s{0,3}[,.!:\-\u2013]?\s{1,10}"
    r"(?P<signed>(?:[A-Z](?:[a-z'\u2019\-]{1,24}|\.)|[A-Z]{2,3}(?![\w'\u2019]))"
    r"(?:\s{1,3}[A-Z](?:[a-z'\u2019\-]{1,24}|\.)){0,2})"
    # Then perhaps pronouns or a role, in brackets, after a comma or a dash ("(she/her)", "–
    # Health Visitor"), a kiss ("x"), and a line or two more of role and team ("Health Visitor,
    # 0-19 Service"): found, review.
    r"(?:\s{0,3}\([A-Za-z0-9 ,/\-]{1,40}\)|\s{0,3}[,\-\u2013\u2014]\s{0,3}[A-Za-z0-9 ,/\-]{1,40})?(?:\s{1,3}[xX]{1,3})?"
    r"(?:\s{0,3}\n[A-Za-z0-9 ,/()&\-\u2013]{1,60}){0,2}\s{0,10}[.!]?\s{0,10}$"
)


def _without_the_sign_off(text: str, kept: list[Finding]) -> list[Finding]:
    """``kept`` less the name signed in a sign-off that ends the text (``_SIGN_OFF``): only the
    name itself, not the lines after it, which may name anyone."""
    if not kept:
        return kept
    tail_start = max(0, len(text) - 240)
    sign_off = _SIGN_OFF.search(text, tail_start)
    if sign_off is None:
        return kept
    signed_from, signed_to = sign_off.span("signed")
    return [f for f in kept if f.kind != "person_name" or not (signed_from <= f.start and f.end <= signed_to)]


def _with_the_signed_name(text: str, kept: list[Finding], places: AbstractSet[str]) -> list[Finding]:
    """``kept`` and the name signed in a sign-off ending the text ("Thanks, Jo", "Kind regards, Jo
    Tester"), in no list of names perhaps, but a name by where it stands; not everyday words
    ("Thanks, Everyone", "Best, The Team", "Thank you, Facilitators!"), an acronym ("Thanks, CSC")
    nor a place ("Thanks, Salford!")."""
    sign_off = _SIGN_OFF.search(text, max(0, len(text) - 240))
    if sign_off is None:
        return kept
    start, end = sign_off.span("signed")
    signed = sign_off["signed"].split()
    words = [word.rstrip(".").lower() for word in signed]
    # A person's name: a given name (or initials) first, or two words or more that are no
    # everyday word or place; not an organisation ("Thank you, Anna Freud Centre", "Thanks,
    # Ofsted", "Thanks, Coventry", "Merry Christmas": found, review).
    person = (
        signed[0] in _ANY_GIVEN_NAME
        or words[0] in _NAMES_THAT_ARE_WORDS
        or (re.fullmatch(r"[A-Z]{2,3}|[A-Z]\.", signed[0]) is not None and signed[0] not in _ACRONYMS)
        # Any other word or words that are no everyday word, place or body ("Regards, Kasia",
        # "Thanks, Tendai": found, review), not an acronym.
        or not any(
            _is_common_word(word) or word in places or word in _NOT_SIGNED or word in _NOT_A_USERNAME for word in words
        )
    )
    if (
        not person
        or sign_off["signed"].upper() in _ACRONYMS
        or words[-1] in _ORGANISATION_WORDS
        or all(_is_ordinary_word(word) or word in places or word in _NOT_SIGNED for word in words if len(word) > 1)
        or any(f.start < end and start < f.end for f in kept)
    ):
        return kept
    return sorted([*kept, Finding("person_name", text[start:end], SIGNED_REASON, start, end)], key=_by_start)


SIGNED_REASON = (
    "This looks like a name signed at the end, perhaps your own. What you write here is anonymous: "
    "a name would say who wrote it."
)
_ORGANISATION_WORDS = frozenset(
    {
        *("centre", "center", "trust", "council", "service", "services", "team", "school", "academy"),
        *("partnership", "foundation", "charity", "society", "hub", "project", "group", "college"),
        *("university", "unit", "clinic", "hospital", "nhs", "police", "office", "department"),
    }
)


_NOT_SIGNED = frozenset({"facilitator", "facilitators", "team", "teams", "all", "everyone", "everybody", "guys"})


def _by_start(finding: Finding) -> int:
    return finding.start


def _with_the_same_names_elsewhere(text: str, kept: list[Finding], places: AbstractSet[str]) -> list[Finding]:
    """``kept`` with every other place the text writes a name that was found as one: "Zeltra
    (mum) is worried. Later Zeltra says no", "Mr Kowalczyk rang. Kowalczyk was angry", "later
    kowalczyk put the phone down", "Dad (KM) rang. KM says", "Mrs Nowak-Lewis... Nowak is".
    Found (reviews): only the place with the cue or the title was warned about, so a practitioner
    who changed what the warning listed sent the name written elsewhere.

    How each is looked for depends on the word (``_how_a_name_is_looked_for``): an everyday word
    not at all ("jack (14)", "Mrs Hope... given up hope"); one of the commonest surnames that are
    words too ("Mrs Young", "Miss Hall") as written, and not where it reads as the word ("Young
    Carers", "the Sports Hall", "Young people" starting a sentence); any other name in any case.
    One pass over the text's words, each checked against the findings either side of it: in step
    with the text's length."""
    names: dict[str, str] = {}
    for finding in kept:
        if finding.kind != "person_name":
            continue
        # Of a profile's address, its last part: not the site ("facebook.com/kay.smith": "Facebook"
        # elsewhere was then taken for a name too, regression review).
        written = finding.text.rsplit("/", 1)[-1] if finding.reason == USERNAME_REASON else finding.text
        for word in _WORD_AS_A_NAME_IS_WRITTEN.findall(written):
            name = _without_possessive(word)
            for part in (name, *(name.split("-") if "-" in name else ())):
                how = _how_a_name_is_looked_for(part, places)
                if how:
                    names.setdefault(part.lower() if how == ANY_CASE else part, how)
    if not names:
        return kept
    known = _well_known_names(text)
    starts = [finding.start for finding in kept]
    added: list[Finding] = []
    for match in _WORD_AS_A_NAME_IS_WRITTEN.finditer(text):
        written = _without_possessive(match[0])
        how = names.get(written) or (ANY_CASE if names.get(written.lower()) == ANY_CASE else None)
        if how is None:
            continue
        start = match.start()
        end = start + len(written)
        at = bisect.bisect_left(starts, start)
        if (at > 0 and kept[at - 1].end > start) or (at < len(kept) and kept[at].start < end):
            continue
        if how == AS_WRITTEN and _reads_as_the_word(text, start, end):
            continue
        finding = Finding("person_name", written, SAME_NAME_REASON, start, end)
        if not _within(finding, known):
            added.append(finding)
    return sorted([*kept, *added], key=lambda f: f.start) if added else kept


ANY_CASE, AS_WRITTEN = "any case", "as written"
# Of the commonest surnames that are words too (``_COMMON_SURNAMES_THAT_ARE_WORDS``), those whose
# everyday meaning rarely starts a sentence ("Khan said...", "Smith was..."): found there too.
_SURNAMES_RARELY_STARTING_A_SENTENCE = frozenset(
    {"khan", "smith", "jones", "taylor", "walker", "baker", "turner", "wright", "moore", "shaw", "price", "cook"}
)
_BEFORE_THE_WORD = frozenset({"the", "a", "an", "up", "no", "any", "some", "given", "much", "more", "all"})


def _how_a_name_is_looked_for(name: str, places: AbstractSet[str]) -> str | None:
    """How the name ``name``, found once, is looked for elsewhere in the text: ``ANY_CASE``,
    ``AS_WRITTEN`` (a common surname that is a word too), or None (not at all: too short, a
    title's or a family's word, the area's place, an everyday word)."""
    plain = name.lower()
    if len(name) < 2 or plain in _NOT_THE_NAME_ITSELF or plain in places:
        return None
    if len(name) < 3 and _A_LATIN_LETTER.match(name) is None:
        return None  # two letters of another script are as often a word or a title ("بی", Bibi)
    if name.isupper() and len(name) <= 3:
        return AS_WRITTEN  # initials: "KM", not km
    if plain in _COMMON_SURNAMES_THAT_ARE_WORDS:
        return AS_WRITTEN if not name.islower() else None
    if _is_ordinary_word(plain):
        return None
    return ANY_CASE


def _reads_as_the_word(text: str, start: int, end: int) -> bool:
    """Whether a common surname that is a word too (``AS_WRITTEN``) reads as the word where it is:
    starting a sentence ("Young people..."), unless it rarely does ("Khan said..."); beside
    another capitalised word ("Young Carers", "the Sports Hall", "Church of England"); or after
    "the", "up" and the like ("given up Hope")."""
    word = text[start:end]
    if word.isupper():
        return False
    if word.lower() not in _SURNAMES_RARELY_STARTING_A_SENTENCE and _SENTENCE_START.search(
        text, max(0, start - 24), start
    ):
        return True
    following = _A_CAPITALISED_WORD_NEXT.match(text, end)
    before = _WORD_BEFORE.search(text, max(0, start - 24), start)
    return (
        following is not None
        or (
            before is not None
            and before[1][:1].isupper()
            and not _SENTENCE_START.search(text, max(0, start - 24), start)
        )
        or (before is not None and _plain(before[1]) in _BEFORE_THE_WORD)
    )


_A_CAPITALISED_WORD_NEXT = re.compile(r"\s{1,3}(?:of\s{1,3})?[A-Z][a-z]")


def _without_possessive(word: str) -> str:
    return word[:-2] if word[-2:] in ("'s", "\u2019s") else word


def _as_typed(finding: Finding, typed: str, prepared: str) -> Finding:
    """A finding in the text with plain letters (``plain_letters``), quoting the text as typed."""
    if finding.text != prepared[finding.start : finding.end]:
        return finding
    return dataclasses.replace(finding, text=typed[finding.start : finding.end])


def _foreign_word(finding: Finding, typed: str) -> bool:
    """A "name" found in small letters that has accented letters: a word of another language read
    as an English name once its accents are gone (Romanian "și țară", "and country", as "si
    tara"), not a name typed without capitals, which is written in English letters."""
    text = typed[finding.start : finding.end]
    if finding.kind != "person_name" or text.isascii() or any(char.isupper() for char in text):
        return False
    if plain_letters(text) == text:
        return False  # no accented Latin letter: a name in another script ("Surname 王", "زینب (7)")
    if not _ONE_WORD.fullmatch(text):
        return False  # with a title, or a name and a surname: "mrs wójcik" (found, review: it was dropped)
    # A name written with its own accents is a name ("łukasz", "siân": found, review, that typing
    # the accent gave less protection than leaving it off), Romanian's with a cedilla too, as most
    # phones type them ("ştefan", "ionuţ": found, review; the list has "ștefan", with a comma).
    if text in _ACCENTED_NAMES or text.translate(_CEDILLA_AS_COMMA) in _ACCENTED_NAMES:
        return False
    # So is a word the text says is someone's: "the wójcik family", "wójcik's", "wójcik (14)".
    return not (
        _SOMEONES_BEFORE.search(typed, max(0, finding.start - 20), finding.start)
        or _SOMEONES_AFTER.match(typed, finding.end)
    )


_ONE_WORD = re.compile(r"[^\W\d_]{1,40}")
_CEDILLA_AS_COMMA = str.maketrans("\u015f\u0163\u015e\u0162", "\u0219\u021b\u0218\u021a")
_SOMEONES_BEFORE = re.compile(r"(?i:\b(?:mr|mrs|ms|miss|mx|dr|mum|dad|nan|the|called)\.?\s{1,3})$")
_SOMEONES_AFTER = re.compile(r"['\u2019]s\b|\s{0,3}\(|\s{0,3},\s{0,3}\d|\s{1,3}(?i:family|is\s{1,3}\d)")


def names_with_a_cue(text: str, places: AbstractSet[str] = frozenset()) -> list[Finding]:
    """Only the names the text says are someone's (``_names_the_text_says_are_names``: "Zoë is
    7", "Amara (mum)"), for text where other names are expected (a session's place: "ask for Mrs
    Khan at reception"), quoted as typed."""
    typed = prepare(text)
    prepared = as_matched(typed)
    known = _well_known_names(prepared)
    cued = sorted(
        itertools.chain(
            _names_the_text_says_are_names(prepared, places),
            _family_names(prepared, places),  # "the Kowalski family" (found, facilitator review)
            _small_letter_family_names(prepared, places),  # "the kowalski family home"
            _names_of_homes(prepared, places),
            _titled_names_of_family(prepared),
            _names_in_other_scripts(prepared, cued_only=True),  # "Mum: فاطمة", "زینب (7)"
        ),
        key=lambda finding: (finding.start, -finding.end),
    )
    found: list[Finding] = []
    for finding in cued:
        if not _within(finding, known) and not (found and found[-1].end > finding.start):
            found.append(_on_its_first_line(finding))
    return [_as_typed(finding, typed, prepared) if prepared is not typed else finding for finding in found]


# Someone's home by their name: "Sarah Jones's house", "at the Smiths' home", "Kelly's flat".
# Found (facilitator review): a session's place, "Meet at Sarah Jones's house", went unwarned.
_NAME_OF_A_HOME = re.compile(
    r"(?<![\w'\u2019\-])(?:(?P<title>(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s{1,3}(?:(?:and|&)\s{1,3}(?:Mr|Mrs|Ms|Miss|Mx)\.?\s{1,3})?)"
    r"|(?:[Tt]he\s{1,3}))?"
    r"(?P<name>[A-Z][a-z'\-]{1,24}(?:\s{1,3}[A-Z][a-z'\-]{1,24})?)(?:['\u2019]s|s['\u2019])"
    r"\s{1,3}(?:own\s{1,3})?(?:house|home|flat|address|place|caravan|bungalow|maisonette)\b"
)
# A titled name after a family member's, a carer's or a home's word: "foster carer Mrs Patel",
# "mum (Mrs Nowak)", "Nan's (Mrs Doherty) flat", "the foster carers' (Mr & Mrs Hughes) house",
# "Grandad's house (Mr Singh)".
_FAMILY_BEFORE_A_TITLE = re.compile(
    rf"(?<![\w'\u2019\-])(?:(?i:{_FAMILY_WORD}|carer|carers|foster\s{{1,3}}carers?|guardian|kinship\s{{1,3}}carers?)"
    r"(?:['\u2019]s|['\u2019])?"
    r"|(?i:house|home|flat|bungalow|caravan|maisonette|address))"
    r"\s{0,3}[:(,\-]?\s{0,3}(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s{1,3}(?:and|&)\s{1,3})?$"
)


def _names_of_homes(text: str, places: AbstractSet[str]) -> Iterator[Finding]:
    for match in _NAME_OF_A_HOME.finditer(text):
        name = match["name"]
        first = name.split()[0].lower()
        if match["title"] is None and (
            name.lower() in places
            or first in _NOT_A_SURNAME
            or _FAMILY_WORD_ALONE.fullmatch(first) is not None  # "Grandad's house", "Nan's flat"
            or (
                _is_ordinary_word(first)
                and name.split()[0] not in _ANY_GIVEN_NAME
                and first not in _COMMON_SURNAMES_THAT_ARE_WORDS
            )
        ):
            continue  # "Salford's home", "Everyone's house", "Nobody's home"
        if match["title"] is not None:
            yield Finding(
                "person_name",
                text[match.start() : match.end("name")],
                REASONS["person_name"],
                match.start(),
                match.end("name"),
            )
        else:
            yield _finding("person_name", match, "name")


def _titled_names_of_family(text: str) -> Iterator[Finding]:
    for match in _TITLED_NAME.finditer(text):
        if _FAMILY_BEFORE_A_TITLE.search(
            text, max(0, match.start() - 30), match.start()
        ) or _FAMILY_AFTER_A_TITLE.match(text, match.end()):
            yield _finding("person_name", match)


# The same word in brackets after the titled name: "Mrs Patel (foster carer)" (found, review).
_FAMILY_AFTER_A_TITLE = re.compile(
    rf"\s{{0,3}}\(\s{{0,3}}(?:(?i:the|her|his|their)\s{{1,3}})?(?i:{_FAMILY_WORD}|carer|foster\s{{1,3}}carer"
    r"|kinship\s{1,3}carer|guardian|special\s{1,3}guardian)\b"
)


def scan_with_cued_names(
    text: str, kinds: Iterable[Kind] = KINDS, places: AbstractSet[str] = frozenset()
) -> list[Finding]:
    """``scan``; where names are not looked for (the practitioner's own full name, a session's
    place), a name the text says is someone's still is (``names_with_a_cue``): "Jane Doe for
    Tyler (7)", "Zoë is 7" (found, reviews: a child's name with an age went unwarned there)."""
    kinds = tuple(kinds)
    found = scan(text, kinds, places)
    if "person_name" in kinds:
        return found
    taken = [(finding.start, finding.end) for finding in found]
    found += [
        finding
        for finding in names_with_a_cue(text, places)
        if not any(start < finding.end and finding.start < end for start, end in taken)
    ]
    return sorted(found, key=lambda finding: (KINDS.index(finding.kind), finding.start))


def scan_fields(
    texts: Mapping[str, str | None],
    kinds_for: Mapping[str, Iterable[Kind]] | None = None,
    places: AbstractSet[str] = frozenset(),
) -> dict[str, list[Finding]]:
    """Scan several named texts; only the names with findings are returned, in the given order."""
    results: dict[str, list[Finding]] = {}
    for name, text in texts.items():
        kinds = (kinds_for or {}).get(name, KINDS)
        findings = scan_with_cued_names(text or "", kinds, places)
        if findings:
            results[name] = findings
    return results
