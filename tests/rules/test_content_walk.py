"""CONTENT.md's routing and contacts, walked through HTTP by the words a person reads.

The other routing tests (test_content_routing.py, test_rules_pack.py) write CONTENT.md's routing
out by hand, but give the engine the pack's answer values ("yes", "not_sure"...), and the HTTP
walks (test_wizard_paths.py, test_outcome_contacts.py) take their paths and their expected
contacts from the pack and contacts files. So a pack that put the label "No" on the value that
routes like "Yes" (or "Yes" on the one that leads on to the request) passed them all, and so did
a phone number changed in contacts.yaml. Here nothing comes from the rule pack or the contacts
file: each question page is read, its heading and every option are recognised by CONTENT.md's
words (in either mode), the answer CONTENT.md names is chosen by its label, the page after each
answer must be the next question CONTENT.md asks, and the outcome page reached is compared with
CONTENT.md's "Questions" (the first match wins), "Outcomes" and "Contacts": the outcome, the
guidance it rests on, what to do (in the mode's words), the flags it notes, and the phone
numbers, hours and pages it shows; and no sentence says Space to Think replaces a process.

The ways walked (``covering_ways``, 26): every answer that ends the journey, in both modes,
with the answers that go on taken in turn, so that each is given on the way to every outcome
after it; every criterion; each request flag present and absent. Then, from the eligible
outcome, each answer changed to one that ends the journey and back. Every combination of
CONTENT.md's answers (all 31 sets of criteria, both modes: 7,054 ways) is walked by
``PYTHONPATH=tests .venv/bin/python tests/rules/test_content_walk.py`` (about 10 minutes of one core; not a test).
"""

from __future__ import annotations

import html as html_module
import itertools
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from support import csrf_token
from support.pack_data import CONTENT_WAYS

# CONTENT.md, "Questions": each question's answers, as the words that recognise its label in
# either mode ("you" or "the practitioner"), in CONTENT.md's order.
Label = str  # a regular expression matched against the whole label, case-insensitive
QUESTIONS: dict[str, dict[str, Label]] = {
    "mode": {
        "myself": r"I am thinking about my own practice",
        "supervision": r"I am a manager or supervisor using this in supervision with a practitioner",
    },
    "immediate_danger": {"yes": r"Yes", "not_sure": r"(I'm )?not sure", "no": r"No"},
    "unshared_concern": {
        "yes": r"Yes",
        "shared": r"No, it has already been shared",
        "no_concern": r"No, (I have|the practitioner has) no concern of that kind",
    },
    "allegation": {"yes": r"Yes", "no": r"No"},
    "adult_at_risk": {
        "not_reported": r"Yes, and it has not been reported",
        "reported": r"Yes, and it has been reported",
        "no": r"No",
    },
    "serious_incident": {
        "not_referred": r"Yes, and it has not been referred for a practice review",
        "referred": r"Yes, and it has been referred, or a review is under way",
        "not_sure": r"(I'm )?not sure",
        "no": r"No",
    },
    "disagreement": {
        "review": r"Yes, (I want|the practitioner wants) the decision reviewed",
        "unclear": r"(I'm|The practitioner is) unclear about a decision or a process and wants? to think it through",
        "no": r"No",
    },
    "decision_needed": {"yes": r"Yes", "no": r"No"},
    "criteria": {
        "1": r"(I feel|The practitioner feels) stuck, or unclear about the systems, processes or decisions being made",
        "2": r"(I want|The practitioner wants) to think about what might be needed or helpful for a child, "
        r"young person and their family",
        "3": r"(I want|The practitioner wants) a safe, supportive space to think about what (I|they) and (my|their) "
        r"colleagues may need help or support with, to improve practice",
        "4": r"(I want|The practitioner wants) to reflect and debrief after a significant event with multi-agency "
        r"colleagues, including looking after (myself|themselves) and others",
        "5": r"(I want|The practitioner wants) to consider the impact of the child's current situation on their "
        r"lived experience, and take account of other perspectives",
        "none": r"None of these",
    },
    "multi_agency": {"yes": r"Yes", "not_sure": r"(I'm )?not sure", "no": r"No"},
    "supervision_discussed": {
        "yes": r"Yes",
        "unavailable": r"Supervision is not available to (me|the practitioner)",
        "no": r"No",
    },
    "understand": {
        "confirmed": r"(I|We) understand that Space to Think complements but does not replace (my|the practitioner's) "
        r"supervision, or any statutory, single-agency or multi-agency process, meeting or guidance\. If a new "
        r"safeguarding concern comes up, (I|the practitioner) will act on it through the usual procedures\.",
    },
}
ORDER = tuple(QUESTIONS)
CRITERIA = ("1", "2", "3", "4", "5")
# Words each question's heading must hold (CONTENT.md's question, in either mode).
HEADINGS = {
    "mode": r"Who is using this today\?",
    "immediate_danger": r"Is a child or young person in immediate danger, or at risk of significant harm right now\?",
    "unshared_concern": r"Do(es)? (you|the practitioner) have a concern about a child's safety or welfare that has "
    r"not yet been shared with children's social care\?",
    "allegation": r"Is (your|the practitioner's) worry about how an adult who works or volunteers with children "
    r"behaves towards children\?",
    "adult_at_risk": r"Is (your|the practitioner's) main worry that an adult with care and support needs is being "
    r"abused or neglected\?",
    "serious_incident": r"Has a child died or been seriously harmed, where abuse or neglect is known or suspected\?",
    "disagreement": r"Do(es)? (you|the practitioner) disagree with a decision another agency has made about a "
    r"child, and want it changed\?",
    "decision_needed": r"Do(es)? (you|the practitioner) need a decision made, or a plan agreed, about this child or "
    r"family\?",
    "criteria": r"What would (you|the practitioner) like a reflective space to help with\?",
    "multi_agency": r"Are other agencies involved with this child or family, or should they be\?",
    # Supervision mode: "before today".
    "supervision_discussed": r"(Have you talked about this in your own supervision, or with your safeguarding lead"
    r"|Before today, had the practitioner talked about this in their own supervision, or with their "
    r"safeguarding lead)\?",
    "understand": r".+",
}

# CONTENT.md: the answers that end the journey, and the outcome; every other answer goes on.
ENDS: dict[tuple[str, str], str] = {
    ("immediate_danger", "yes"): "U1",
    ("immediate_danger", "not_sure"): "U2",
    ("unshared_concern", "yes"): "U2",
    ("allegation", "yes"): "L",
    ("adult_at_risk", "not_reported"): "A",
    ("serious_incident", "not_referred"): "R",
    ("serious_incident", "not_sure"): "R",
    ("disagreement", "review"): "E",
    ("decision_needed", "yes"): "D",
    ("criteria", "none"): "S",
    ("multi_agency", "no"): "S",
    ("understand", "confirmed"): "P",
}

# CONTENT.md, "Contacts": what a person is sent to, as shown. Phone numbers as displayed and
# dialled; pages by address.
PHONES = {
    "999": "tel:999",  # police emergency
    "0161 603 4500": "tel:01616034500",  # the Bridge Partnership
    "0161 794 8888": "tel:01617948888",  # Emergency Duty Team
    "0161 206 0604": "tel:01612060604",  # adult social care
}
SSC = "https://safeguardingchildren.salford.gov.uk"
PAGES = {
    "report_concern": f"{SSC}/parents-and-carers/report-a-child-concern/",
    "pathway_guidance": f"{SSC}/professionals/policies-and-procedures/pathway-guidance/",
    "adults": "https://safeguardingadults.salford.gov.uk",
    "lado": f"{SSC}/professionals/managing-allegations-against-adults-who-work-with-children",
    "practice_reviews": f"{SSC}/professionals/practice-reviews",
}
EMAILS = {"mailto:sscp@salford.gov.uk"}
BRIDGE_HOURS = r"Monday to Friday,? 8\.30am (to|–) 4\.30pm"


# CONTENT.md, "Outcomes" (and "Contacts"): what each outcome's page must show.
@dataclass(frozen=True)
class Expected:
    """What an outcome's page must show: words its heading holds, the phone numbers and pages its
    text sends people to, and the names and rules its text states (patterns)."""

    heading: str
    cites: list[str]  # the guidance it rests on (patterns for the sources named)
    phones: frozenset[str] | set[str]
    pages: frozenset[str] | set[str]
    words: list[str]


OUTCOMES: dict[str, Expected] = {
    "U1": Expected(
        heading=r"999",
        cites=[r"Working Together"],
        phones={"999", "0161 603 4500", "0161 794 8888"},
        pages=set(),
        words=[
            r"Call 999",
            r"Bridge Partnership",
            r"Emergency Duty Team",
            r"out of hours",
            r"designated safeguarding lead",
        ],
    ),
    "U2": Expected(
        heading=r"children's social care",
        cites=[r"Working Together", r"Bridge referrals"],
        phones={"999", "0161 603 4500"},  # 999 for "not sure" about danger (practitioner review)
        pages={"report_concern", "lado"},
        words=[
            # "not sure" about danger leads here; in supervision, who calls is agreed (supervision review)
            r"If a child may be in immediate danger, (?:call 999 now|agree now who calls 999, and call now)",
            r"referral route",
            r"Bridge Partnership for advice",
            r"designated safeguarding lead",
            r"cannot refer anonymously",
            r"(LADO|Local Authority Designated Officer)",
        ],
    ),
    "L": Expected(
        heading=r"Local Authority Designated Officer",
        cites=[r"Working Together .*allegations|Keeping Children Safe in Education", r"September 2024"],
        phones=set(),
        pages={"lado"},
        words=[
            r"line manager",
            r"named senior officer",
            r"Salford Children and Families Portal",
            r"referral to LADO",
            r"within one working day",
            r"Do not investigate",
        ],
    ),
    "A": Expected(
        heading=r"adult social care",
        cites=[r"Care Act 2014"],
        phones={"0161 206 0604"},
        pages={"adults"},
        words=[r"adult social care", r"come back to Space to Think"],
    ),
    "R": Expected(
        # CONTENT.md: "Tell your agency's safeguarding lead: the partnership's practice review procedure
        # applies" (found, content review: the heading said a review "may be needed").
        heading=r"safeguarding lead now: the practice review procedure applies",
        cites=[r"practice review policy and procedure"],
        phones=set(),
        pages={"practice_reviews"},
        words=[r"practice review procedure", r"debrief", r"referred"],
    ),
    "E": Expected(
        heading=r"escalation",
        cites=[r"effective challenge and escalation procedure"],
        phones=set(),
        pages={"pathway_guidance"},
        words=[r"effective challenge and escalation", r"resolving professional disagreements", r"does not change"],
    ),
    "D": Expected(
        heading=r"lead professional",
        cites=[r"Safeguarding Children Partnership procedures"],
        phones=set(),
        pages=set(),
        words=[
            r"lead professional",
            r"Team Around the Family",
            r"Child in Need",
            r"core group",
            r"child protection conference",
            r"does not make case decisions",
        ],
    ),
    "S": Expected(
        heading=r"[Ss]upervision or another route",
        cites=[r"Space to Think launch text"],
        phones=set(),
        pages=set(),
        words=[
            r"supervis",
            r"safeguarding lead",
            r"team reflection",
            r"wellbeing",
            r"own agency",
            r"change (your|the) answers",
        ],
    ),
    "P": Expected(
        heading=r"can ask for a Space to Think session",
        cites=[r"Space to Think launch text", r"Munro"],
        phones=set(),
        pages=set(),
        words=[r"Continue to the request"],
    ),
}
# CONTENT.md, "Request fields": the flags from the journey, and the words that note each.
FLAG_WORDS = {
    "supervision": r"[Ss]upervision with the practitioner's manager or supervisor",
    "review": r"practice review may be under way",
    "not_discussed": r"[Nn]ot discussed in supervision",
}


@dataclass(frozen=True)
class Way:
    """A way through the questions: CONTENT.md's answer to each question asked, in order."""

    answers: tuple[tuple[str, str | tuple[str, ...]], ...]

    @property
    def given(self) -> dict[str, str | tuple[str, ...]]:
        return dict(self.answers)

    @property
    def mode(self) -> str:
        return str(self.given["mode"])

    def outcome(self) -> str:
        """CONTENT.md: the first answer that ends the journey decides the outcome."""
        for question, value in self.answers:
            key = "none" if value == ("none",) else value
            if isinstance(key, str) and (question, key) in ENDS:
                return ENDS[(question, key)]
        raise AssertionError(f"CONTENT.md's routing always ends: {self.answers}")

    def flags(self) -> set[str]:
        given = self.given
        flags = set()
        if given["mode"] == "supervision":
            flags.add("supervision")
        if given.get("serious_incident") == "referred":
            flags.add("review")
        if given.get("supervision_discussed") == "no":
            flags.add("not_discussed")
        return flags


def ways(criteria_sets: Sequence[tuple[str, ...]]) -> Iterator[Way]:
    """Every way through CONTENT.md's questions, the criteria answered with ``criteria_sets``."""

    def walk(index: int, answers: tuple[tuple[str, str | tuple[str, ...]], ...]) -> Iterator[Way]:
        question = ORDER[index]
        values: Sequence[str | tuple[str, ...]] = (
            criteria_sets if question == "criteria" else tuple(QUESTIONS[question])
        )
        for value in values:
            now = (*answers, (question, value))
            key = "none" if value == ("none",) else value
            if isinstance(key, str) and (question, key) in ENDS:
                yield Way(now)
            else:
                yield from walk(index + 1, now)

    yield from walk(0, ())


EVERY_CRITERIA_SET = (("none",), *(c for n in range(1, 6) for c in itertools.combinations(CRITERIA, n)))


def text(html: str) -> str:
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@dataclass
class Options:
    """A question page read: the heading, and each option's label, value and whether ticked."""

    question: str
    heading: str
    options: dict[str, tuple[str, bool]] = field(default_factory=dict)  # CONTENT.md's key → (value, ticked)


def read_question(page: str, question: str, mode: str) -> Options:
    """Recognise every option on the page by its label: each is one of CONTENT.md's, all are there."""
    heading = re.search(r"<(?:h1|legend)[^>]*>(.*?)</(?:h1|legend)>", page, re.S)
    assert heading, (question, "no heading")
    read = Options(question, text(heading.group(1)))
    assert re.fullmatch(HEADINGS[question], read.heading), (question, mode, read.heading)
    for tag, label in re.findall(r'(<input[^>]*name="answer"[^>]*>)\s*<label[^>]*>(.*?)</label>', page, re.S):
        value = re.search(r'value="([^"]*)"', tag)
        assert value, tag
        words = text(label)
        keys = [key for key, pattern in QUESTIONS[question].items() if re.fullmatch(pattern, words, re.I)]
        assert len(keys) == 1, (question, mode, words, keys)
        assert keys[0] not in read.options, (question, mode, words)
        read.options[keys[0]] = (html_module.unescape(value.group(1)), bool(re.search(r"\schecked\b", tag)))
    assert set(read.options) == set(QUESTIONS[question]), (question, mode, read.options)
    if mode == "supervision" and question not in ("mode", "understand"):  # "Before you continue": the manager
        assert not re.search(r"\b(you|your)\b", read.heading, re.I), (question, read.heading)
    return read


class Person:
    """Someone answering with the test client: reads each page, chooses by label, posts."""

    def __init__(self, client: FlaskClient, check_pages: bool = True) -> None:
        self.client = client
        self.check_pages = check_pages
        self.token: str | None = None
        self.values: dict[tuple[str, str], Options] = {}  # (question, mode) → the page as read

    def get(self, url: str) -> TestResponse:
        response = self.client.get(url)
        page = response.get_data(as_text=True)
        if 'name="csrf_token"' in page:
            self.token = csrf_token(page)
        return response

    def post(self, url: str, data: dict[str, object]) -> TestResponse:
        assert self.token is not None
        return self.client.post(url, data={**data, "csrf_token": self.token})

    def start(self) -> str:
        """Start afresh (the start page's button): the first question's address."""
        if self.token is None:
            self.get(str(self.client.get("/start").location))  # a form, for the CSRF token
        response = self.post("/start", {})
        assert response.status_code == 302, response.status_code
        return str(response.location)

    def walk(self, way: Way) -> TestResponse:
        """Answer each question of ``way`` on its page; the page after each must be the next one CONTENT.md asks."""
        location = self.start()
        mode = "practitioner"
        for question, choice in way.answers:
            assert location.endswith(f"/questions/{question}"), (
                f"CONTENT.md asks the question {question} next on this way, but the app went to {location}: "
                f"{way.answers}"
            )
            key = (question, mode if question != "mode" else "")
            if self.check_pages or key not in self.values or question == "criteria":
                response = self.get(location)
                assert response.status_code == 200, (question, response.status_code)
                read = read_question(response.get_data(as_text=True), question, mode)
                self.values[key] = read
                if question == "criteria":
                    # CONTENT.md: "unclear about a decision" is criterion 1 (ticked; the person can untick it).
                    ticked = {k for k, (_, on) in read.options.items() if on}
                    assert ticked == ({"1"} if way.given.get("disagreement") == "unclear" else set()), (way, ticked)
            options = self.values[key].options
            chosen = [options[c][0] for c in choice] if isinstance(choice, tuple) else options[choice][0]
            response = self.post(f"/questions/{question}", {"answer": chosen})
            assert response.status_code == 302, (way.answers, question, response.status_code)
            location = str(response.location)
            if question == "mode":
                mode = "supervision" if choice == "supervision" else "practitioner"
        assert location.endswith("/result"), (
            f"CONTENT.md reaches the outcome after these answers, but the app went to {location}: {way.answers}"
        )
        return self.get(location)


def main_of(page: str) -> str:
    return page.split('id="main-content"', 1)[1].split("</main>", 1)[0]


def check_outcome(way: Way, response: TestResponse) -> None:
    """The outcome page is CONTENT.md's for this way, with its contacts, guidance and plain words."""
    expected = way.outcome()
    where = (way.answers, expected)
    assert response.status_code == 200, where
    page = response.get_data(as_text=True)
    shown = re.search(r'data-outcome="([^"]+)"', page)
    assert shown and shown.group(1) == expected, (where, shown and shown.group(1))
    main = main_of(page)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", main, re.S)
    assert heading, where
    spec = OUTCOMES[expected]
    assert re.search(spec.heading, text(heading.group(1))), (where, text(heading.group(1)))
    said = text(main)
    before_why = text(main.split('id="why"', 1)[0])

    # What to do now, in plain words, before the explanation.
    assert "What to do now" in before_why, where
    for words in spec.words:
        assert re.search(words, before_why), (where, words)
    if way.mode == "supervision":
        assert re.search(r"the practitioner", before_why), where
        assert "supervision record" in before_why, where
    else:
        assert "the practitioner" not in before_why, where
        assert "supervision record" not in before_why, where

    # Contacts: every number shown is CONTENT.md's, dialled as CONTENT.md's; the ones this
    # outcome sends people to are there; every page linked is CONTENT.md's.
    tels = set(re.findall(r'href="(tel:[^"]*)"', page))
    assert tels <= set(PHONES.values()), (where, tels - set(PHONES.values()))
    numbers = set(re.findall(r"\b0\d{3} ?\d{3} ?\d{4}\b|\b999\b", text(page)))
    assert numbers <= set(PHONES), (where, numbers - set(PHONES))
    for phone in spec.phones:
        assert phone in before_why and f'href="{PHONES[phone]}"' in main, (where, phone)
    if "0161 603 4500" in said:
        assert re.search(BRIDGE_HOURS, said), where
    if "0161 794 8888" in said:
        assert re.search(r"[Oo]ut(side|) (of )?(the Bridge|hours)", said), where
    links = {html_module.unescape(h).rstrip("/") for h in re.findall(r'href="(https?://[^"]*)"', main)}
    allowed = {p.rstrip("/") for p in PAGES.values()}
    assert links <= allowed, (where, links - allowed)
    for name in spec.pages:
        assert PAGES[name].rstrip("/") in links, (where, name)
    mails = set(re.findall(r'href="(mailto:[^"?]*)', page))
    assert mails <= EMAILS, (where, mails)

    # Why: every answer that led here, and the guidance cited.
    why = text(main.split('id="why"', 1)[1])
    assert len(re.findall(r"Change answer", why)) == len(way.answers), where
    guidance = main.split('id="guidance"', 1)
    assert len(guidance) == 2, (where, "no guidance cited")
    rests_on = re.search(r"This advice rests on: (.+?)\.\s", text(guidance[1]))
    assert rests_on, where
    for source in spec.cites:
        assert re.search(source, rests_on.group(1)), (where, source, rests_on.group(1))
    assert "Start again" in said and "Rules version" in said, where

    # Nothing says Space to Think replaces a statutory process or supervision.
    for sentence in re.split(r"(?<=[.!?])\s+", text(page)):
        if re.search(r"\breplac", sentence, re.I):
            assert re.search(r"\bnot replace\b|\bnot instead\b", sentence, re.I), (where, sentence)
        if re.search(r"\binstead of\b", sentence, re.I):
            assert re.search(r"\bnot instead of\b", sentence, re.I), (where, sentence)

    # The flags the journey noted (CONTENT.md, "Request fields": P carries them).
    if expected == "P":
        for flag, words in FLAG_WORDS.items():
            assert bool(re.search(words, before_why)) == (flag in way.flags()), (where, flag)
        # Not yet discussed in supervision: advice to raise it there too (not a block).
        advice = r"in (your|the practitioner's) own supervision too|on the agenda of the practitioner's supervision"
        assert bool(re.search(advice, before_why)) == (way.given["supervision_discussed"] == "no"), where


def continuing(question: str) -> tuple[str, ...]:
    """The answers to ``question`` that go on to the next question (CONTENT.md)."""
    return tuple(key for key in QUESTIONS[question] if (question, key) not in ENDS)


# Sets of criteria that go on, taken in turn: each criterion alone, some together, all five.
CRITERIA_TURNS = (("2",), ("1", "4"), ("3",), ("5",), CRITERIA, ("2", "3", "5"))


def covering_ways() -> list[Way]:
    """Every answer that ends the journey, once in each mode; on the way, the answers that go on
    taken in turn (variant 0 in one mode, 1 in the other), so that every answer that goes on is
    given on the way to every outcome it can lead to; then the eligible outcome twice more (the
    third answers to ``supervision_discussed``, and the request's flags in other combinations)."""
    found: list[Way] = []
    criteria_turn = 0

    def way_to(ending: tuple[str, str | tuple[str, ...]], mode: str, variant: int) -> Way:
        nonlocal criteria_turn
        answers: list[tuple[str, str | tuple[str, ...]]] = [("mode", mode)]
        for question in ORDER[1 : ORDER.index(ending[0])]:
            if question == "criteria":
                answers.append((question, CRITERIA_TURNS[criteria_turn % len(CRITERIA_TURNS)]))
                criteria_turn += 1
            else:
                options = continuing(question)
                answers.append((question, options[variant % len(options)]))
        return Way((*answers, ending))

    for variant, mode in enumerate(QUESTIONS["mode"]):
        for question, answer in ENDS:
            found.append(way_to((question, ("none",) if answer == "none" else answer), mode, variant))
    found.extend(way_to(("understand", "confirmed"), mode, 2) for mode in QUESTIONS["mode"])
    return found


def test_the_ways_walked_cover_content_md() -> None:
    walked = covering_ways()
    assert {(w.outcome(), w.mode) for w in walked} == {(o, m) for o in OUTCOMES for m in QUESTIONS["mode"]}
    # Every answer that goes on is given before every answer that ends.
    for ending_question, ending in ENDS:
        to_it = [
            w
            for w in walked
            if (ending_question, ending) in {(q, "none" if v == ("none",) else v) for q, v in w.answers}
        ]
        for question in ORDER[1 : ORDER.index(ending_question)]:
            if question != "criteria":
                assert {w.given[question] for w in to_it} == set(continuing(question)), (ending, question)
    assert {c for w in walked for c in w.given.get("criteria", ()) if c != "none"} == set(CRITERIA)
    eligible = [w.flags() for w in walked if w.outcome() == "P"]
    assert all(any(flag in f for f in eligible) and any(flag not in f for f in eligible) for flag in FLAG_WORDS)
    # All of CONTENT.md's ways, as ``python tests/rules/test_content_walk.py`` walks them.
    assert len(list(ways(EVERY_CRITERIA_SET))) == CONTENT_WAYS


@pytest.fixture(scope="module")
def person(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Person]:
    """One app for the module (the walks only read), without its rate limit (a walk is many pages)."""
    from app import create_app
    from support.database import dispose, migrated_sqlite

    database = migrated_sqlite(tmp_path_factory.mktemp("content_walk") / "test.db")
    application = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": False})
    yield Person(application.test_client(), check_pages=False)
    dispose(application)


def test_every_way_walked_reaches_content_mds_outcome_with_its_contacts(person: Person) -> None:
    for way in covering_ways():
        check_outcome(way, person.walk(way))
    # Every question page was read (in both modes) and its options recognised by their labels.
    pages = {(q, m) for q in ORDER[1:] for m in ("practitioner", "supervision")}
    assert set(person.values) == {*pages, ("mode", "")}


@pytest.mark.parametrize("mode", list(QUESTIONS["mode"]))
def test_changing_an_answer_on_the_eligible_outcome_to_one_that_ends_goes_where_content_md_says(
    person: Person, mode: str
) -> None:
    """From the eligible outcome, a person goes back and changes one answer to one that ends the
    journey: they reach that outcome (not the request, which is refused them now), and changing it
    back brings the eligible outcome back."""
    way = next(w for w in covering_ways() if w.outcome() == "P" and w.given["mode"] == mode)
    check_outcome(way, person.walk(way))
    page_mode = "supervision" if mode == "supervision" else "practitioner"
    for question, ending in ENDS:
        if question == "understand":
            continue
        options = person.values[(question, page_mode)].options
        value: str | tuple[str, ...] = ("none",) if ending == "none" else ending
        changed = Way((*way.answers[: ORDER.index(question)], (question, value)))
        for now, given in ((changed, value), (way, way.given[question])):
            chosen = [options[c][0] for c in given] if isinstance(given, tuple) else options[given][0]
            response = person.post(f"/questions/{question}", {"answer": chosen})
            assert response.status_code == 302 and str(response.location).endswith("/result"), (question, given)
            check_outcome(now, person.get(str(response.location)))
            # The request (/request sends on to its first page) is open from the eligible outcome only.
            request_page = person.client.get("/request")
            assert request_page.status_code == 302, (question, given)
            opened = str(request_page.location).startswith("/request/")
            assert opened == (now.outcome() == "P"), (question, given, request_page.location)


def test_the_confirmation_is_required_and_none_of_these_stands_alone(person: Person) -> None:
    way = next(w for w in covering_ways() if w.outcome() == "P")
    check_outcome(way, person.walk(way))
    # Unconfirmed: the confirmation is asked again, with an error, not the eligible outcome (the
    # page with the error is its GET: a refused answer is sent back to its question).
    refused = person.post("/questions/understand", {})
    assert refused.status_code == 303 and refused.location == "/questions/understand"
    response = person.get(refused.location)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-outcome="P"' not in page and "govuk-error-summary" in page
    # "None of these" with a criterion: an error, not a route.
    options = person.values[("criteria", "practitioner")].options
    refused = person.post("/questions/criteria", {"answer": [options["none"][0], options["2"][0]]})
    assert refused.status_code == 303 and refused.location == "/questions/criteria"
    assert "govuk-error-summary" in person.get(refused.location).get_data(as_text=True)


def test_the_start_page_warns_about_immediate_danger_before_the_start_button(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    main = main_of(page)
    before_button = text(main.split("<button", 1)[0])
    assert "999" in before_button and re.search(r"immediate danger", before_button)
    assert re.search(r"does not replace", before_button)


def walk_everything() -> int:  # pragma: no cover - run by hand (see the module docstring)
    """Every combination of CONTENT.md's answers (all 31 sets of criteria), each walked afresh."""
    import tempfile
    from pathlib import Path

    from app import create_app
    from support.database import dispose, migrated_sqlite

    database = migrated_sqlite(Path(tempfile.mkdtemp()) / "walk.db")
    application = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": False})
    person = Person(application.test_client(), check_pages=False)
    count = 0
    counts: dict[str, int] = {}
    for way in ways(EVERY_CRITERIA_SET):
        check_outcome(way, person.walk(way))
        count += 1
        counts[way.outcome()] = counts.get(way.outcome(), 0) + 1
        if count % 500 == 0:
            print(count, file=sys.stderr)
    print(f"walked {count} ways: {dict(sorted(counts.items()))}")
    dispose(application)
    return count


if __name__ == "__main__":  # pragma: no cover
    walk_everything()
