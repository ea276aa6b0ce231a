"""The fields table (``app.requests.fields.FIELDS``) drives every place a request field appears:
its form and page, check your answers, the request (HTML and PDF), the PDF's JSON and the
import check. Each test walks the whole table, so a new entry is covered without a new test."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re

import pytest
from wtforms.fields.core import UnboundField

from app.inbox.pdf_import import ImportProblem, check_document
from app.requests import fields
from app.requests.document import DOCUMENT_FORMAT, DOCUMENT_VERSION
from app.requests.fields import FIELDS, PAGES, Field, Words, table_problems
from app.requests.forms import FORMS, DetailsForm
from app.requests.reference import new_reference
from support.pdf import pdf_attachment_json, pdf_text
from support.submission import (
    ELIGIBLE_PATH,
    SUPERVISION_PATH,
    VALID_DETAILS,
    fill_details,
    run_outbox,
    submit,
    to_outcome,
    with_answers,
)

# (Made by question, not by place on the path: found, newcomer's review, a question added before
# criteria gave a path with criteria twice and the new question missing.)
DEBRIEF_SUPERVISION_PATH = with_answers(SUPERVISION_PATH, criteria=["needs", "debrief"])


def words_of(page: str) -> str:
    """A page's text: tags dropped, entities decoded, whitespace runs made single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_table_is_consistent() -> None:
    assert table_problems() == []
    assert {entry.page for entry in FIELDS} == {page.slug for page in PAGES}


def _entry(name: str) -> Field:
    return fields.FIELDS_BY_NAME[name]


def test_a_page_or_section_or_plain_error_that_says_you_without_supervision_wording_is_named() -> None:
    """Found (regression review): the check on "you" words covered only a field's own Words, not a
    page's title or intro, a section's heading on check your answers, or an error given as text."""
    page = next(page for page in PAGES if page.title is not None)
    pages = tuple(dataclasses.replace(p, title=Words("About you")) if p is page else p for p in PAGES)
    assert any(p.startswith(f"page {page.slug}: its title says") for p in table_problems(pages=pages))
    sections = tuple(dataclasses.replace(s, check_title=Words("About you")) for s in fields.SECTIONS)
    assert any(
        p.endswith("its check_title says “you”: give it its supervision wording too")
        for p in table_problems(sections=sections)
    )
    broken = dataclasses.replace(_entry("name"), errors={**_entry("name").errors, "missing": "Enter your full name"})
    table = tuple(broken if entry.name == "name" else entry for entry in FIELDS)
    assert any(p.startswith("field name: its errors['missing'] says") for p in table_problems(table))


@pytest.mark.parametrize(
    "broken, words",
    [
        (dataclasses.replace(_entry("email"), errors={"too_long": "Too long"}), "errors needs invalid"),
        (dataclasses.replace(_entry("how_soon"), options={}), "radios need options"),
        (dataclasses.replace(_entry("reflection"), page="nowhere"), "'nowhere' is not a page"),
        (dataclasses.replace(_entry("reflection"), limit=0), "needs a limit"),
        (dataclasses.replace(_entry("format"), guard=("postcode",)), "free text only"),
        (dataclasses.replace(_entry("agency"), joins="nobody"), "'nobody', which is not a field"),
        (dataclasses.replace(_entry("phone"), row=None), "either a row of its own or a field to join"),
        (dataclasses.replace(_entry("access_needs"), section="elsewhere"), "'elsewhere' is not a section"),
        (dataclasses.replace(_entry("event_month"), year_input=""), "needs its year_input"),
        (dataclasses.replace(_entry("support_level"), local_options=False), "radios need options"),
        (dataclasses.replace(_entry("support_level"), options={"none": "None"}), "gives none here"),
        (dataclasses.replace(_entry("how_soon"), local_options=True), "exactly for the partnership file's"),
        (dataclasses.replace(_entry("access_needs"), revealed=True), "revealed needs only_if"),
        (dataclasses.replace(_entry("family_knows_reason"), only_if=("family_knows", "perhaps")), "revealed needs"),
        (dataclasses.replace(_entry("family_knows_reason"), only_if=("how_soon", "month")), "revealed needs"),
        # Free text the identifying-data check would never read (found, new engineer's review).
        (dataclasses.replace(_entry("other_agencies"), guard=()), "free text needs guard="),
        (dataclasses.replace(_entry("agency"), guard=()), "free text needs guard="),
        # "You" with no supervision wording: the manager would be asked about themselves (review).
        (dataclasses.replace(_entry("agency"), label=Words("Which team are you in? (optional)")), "its label says"),
        (
            dataclasses.replace(_entry("agency"), hint=Words("Your own words", None)),
            "its hint says “you”, and in supervision the manager reads it",
        ),
    ],
)
def test_a_mistake_in_the_table_is_named(broken: Field, words: str) -> None:
    table = tuple(broken if entry.name == broken.name else entry for entry in FIELDS)
    problems = table_problems(table)
    assert any(problem.startswith(f"field {broken.name}:") and words in problem for problem in problems), problems


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.slug)
def test_each_pages_form_has_exactly_its_fields_inputs(page) -> None:
    form = FORMS[page.slug]
    inputs = {name for name in dir(form) if isinstance(getattr(form, name), UnboundField)}
    every_page = {name for name in dir(DetailsForm) if isinstance(getattr(DetailsForm, name), UnboundField)}
    assert every_page == {"asked_in"}  # the mode the page was shown in
    assert inputs - every_page == set(page.fields)
    assert page.fields == tuple(name for entry in FIELDS if entry.page == page.slug for name in entry.inputs)


@pytest.mark.parametrize("mode, path", [("practitioner", ELIGIBLE_PATH), ("supervision", DEBRIEF_SUPERVISION_PATH)])
def test_each_field_is_asked_on_its_page_with_its_wording(client, app, mode: str, path) -> None:
    walker = to_outcome(client, path)
    for page in PAGES:
        response = walker.get(f"/request/{page.slug}")
        assert response.status_code == 200, page.slug
        body = response.get_data(as_text=True)
        text = words_of(body)
        assert f"<title>{page.title_for(mode)}".replace("'", "&#39;") in body
        for entry in page.entries:
            assert entry.label.for_mode(mode) in text, (page.slug, entry.name)
            if entry.hint is not None:
                assert entry.hint.for_mode(mode) in text, (page.slug, entry.name)
            for name in entry.inputs:
                assert f'name="{name}"' in body, (page.slug, name)
            with app.app_context():  # a question naming local services has the partnership's answers
                choices = entry.choices(mode)
            for option_label in choices.values():
                assert option_label in text, (page.slug, entry.name, option_label)
        # Every error the page can give comes from its entries' wording.
        walker.get(f"/request/{page.slug}")
        refused = words_of(walker.post(f"/request/{page.slug}", dict.fromkeys(page.fields, "")).get_data(as_text=True))
        for entry in page.entries:
            if entry.required and entry.asked({}):
                assert entry.error("missing", mode) in refused, (page.slug, entry.name)


@pytest.mark.real_pdf  # the rows must be in the real PDF's text
def test_each_field_reaches_check_answers_the_request_and_its_json(client, app) -> None:
    walker = to_outcome(client, ELIGIBLE_PATH)  # chooses the debrief criterion: every page is asked
    details = {**VALID_DETAILS, "access_needs": "Step-free access"}
    fill_details(walker, details)
    check = walker.get("/request/check-answers")
    assert check.status_code == 200, check.location
    stored = fields.clean_details(details, debrief=True)
    check_text = words_of(check.get_data(as_text=True))
    with app.app_context():  # a question naming local services shows the partnership's answers
        shown_as = {entry.name: entry.shown(stored) for entry in FIELDS}
    for entry in FIELDS:
        shown = shown_as[entry.name]
        assert shown, entry.name  # every field has an answer in these details
        assert shown.split("\n")[0] in check_text, entry.name
        if entry.row is not None:
            assert entry.row.for_mode("practitioner") in check_text, entry.name
    assert submit(walker).status_code == 302
    submitted = words_of(walker.get("/request/submitted").get_data(as_text=True))
    run_outbox(app)  # the outbox worker makes the PDF
    pdf = client.get("/request/submitted/request.pdf").get_data()
    in_pdf = pdf_text(pdf)
    document = pdf_attachment_json(pdf)
    for entry in FIELDS:
        assert document["details"][entry.name] == stored[entry.name], entry.name
        assert shown_as[entry.name] in submitted, entry.name
        if entry.row is not None:
            # The submitted page speaks to the reader, as check your answers does; the PDF is the
            # facilitators' record, in their words.
            assert entry.row_key("practitioner", in_request=False) in submitted, entry.name
            assert entry.row_key("practitioner", in_request=True) in in_pdf, entry.name
    with app.app_context():  # the import checks a question naming local services against the partnership's answers
        assert check_document(document).details == document["details"]


# Fields whose question or errors speak of the person ("you", or in supervision "the practitioner").
PERSONAL = [
    entry
    for entry in FIELDS
    if entry.label.supervision is not None
    or any(isinstance(message, Words) and message.supervision is not None for message in entry.errors.values())
]
# The practitioner's own details: their page speaks of "you" (in supervision, "the practitioner"),
# so their "missing" errors do too, as GOV.UK's "Enter your full name".
OWN_DETAILS = [entry for entry in FIELDS if entry.page in ("about-you", "manager")]


@pytest.mark.parametrize("entry", OWN_DETAILS, ids=lambda entry: entry.name)
def test_errors_about_the_persons_own_details_say_whose_they_are(entry: Field) -> None:
    assert re.search(r"\byour\b", entry.error("missing", "practitioner")), entry.name
    assert "the practitioner's" in entry.error("missing", "supervision"), entry.name
    assert entry in PERSONAL


@pytest.mark.parametrize("entry", PERSONAL, ids=lambda entry: entry.name)
def test_a_fields_wording_speaks_of_the_same_person_in_each_mode(entry: Field) -> None:
    """Label, check-your-answers row, warning name and error messages agree: "you" in the
    practitioner's own request, "the practitioner" (never "you") in supervision."""
    worded = {
        mode: [
            entry.label.for_mode(mode),
            entry.row_key(mode, in_request=False),
            entry.short_name(mode),
            *(entry.error(key, mode) for key in entry.errors),
        ]
        for mode in ("practitioner", "supervision")
    }
    for text in worded["supervision"]:
        assert not re.search(r"\byour?\b", text, re.IGNORECASE), text
    own = " ".join(worded["practitioner"])
    assert "the practitioner" not in own.lower(), own


@pytest.mark.parametrize("who, path", [("you", ELIGIBLE_PATH), ("the practitioner", SUPERVISION_PATH)])
def test_the_reflection_speaks_of_the_same_person_on_its_page_and_check_answers(client, who: str, path) -> None:
    walker = to_outcome(client, path)
    too_long = walker.post("/request/reflection", {"reflection": "x" * (fields.REFLECTION_MAX + 1)})
    assert f"What {who} would like to reflect on must be 1,500 characters or less" in words_of(
        too_long.get_data(as_text=True)
    )
    fill_details(walker)
    check = words_of(walker.get("/request/check-answers").get_data(as_text=True))
    assert check.count(f"What {who} would like to reflect on") == 1  # its row; the section says why a session
    assert ("Why you are asking" if who == "you" else "Why the practitioner is asking") in check
    assert "What they would like" not in check


def _document(details: dict) -> dict:
    return {
        "format": DOCUMENT_FORMAT,
        "format_version": DOCUMENT_VERSION,
        "reference": new_reference(),
        "submitted_at": "2025-06-01T09:00:00Z",
        "mode": "practitioner",
        "rule_pack_version": "0123456789ab",
        "outcome": "P",
        "answers": {},
        "flags": [],
        "explanation": [],
        "details": details,
    }


def _not_allowed(entry: Field) -> str:
    if entry.local_options:  # an id no longer offered is kept: only words in its place are refused
        return "not one of the options"
    if entry.kind == "radios":
        return "not-one-of-the-options"
    if entry.kind == "month_year":
        return "2025-13"
    return "x" * (entry.limit + 1)


@pytest.mark.parametrize("entry", FIELDS, ids=lambda entry: entry.name)
def test_import_checks_each_field_against_its_entry(app, entry: Field) -> None:
    with app.app_context():  # the partnership's answers, for a question naming local services
        details = fields.clean_details(VALID_DETAILS, debrief=True)
        assert check_document(_document(details)).details == details
        assert check_document(_document({**details, entry.name: ""})).details[entry.name] == ""
        with pytest.raises(ImportProblem):
            check_document(_document({**details, entry.name: _not_allowed(entry)}))
        with pytest.raises(ImportProblem):
            check_document(_document({**details, entry.name: 42}))


def test_clean_details_keeps_only_what_was_asked() -> None:
    typed = {**VALID_DETAILS, "family_knows": "yes"}
    stored = fields.clean_details(typed, debrief=False)
    assert set(stored) == {entry.name for entry in FIELDS}
    assert stored["family_knows_reason"] == ""  # only kept when the family does not know yet
    assert stored["event_month"] == ""  # the event page is only asked for a debrief
    assert fields.clean_details(VALID_DETAILS, debrief=True)["event_month"] == "2025-03"
    assert fields.check_details({}, debrief=False, today=dt.date(2026, 1, 1)).keys() == {
        "about-you",
        "manager",
        "reflection",
        "family",
        "how-soon",
    }


def test_text_is_counted_as_the_browsers_character_count_counts_it() -> None:
    assert fields.text_length("abc") == 3
    assert fields.text_length("🙂") == 2  # outside the Basic Multilingual Plane: a UTF-16 surrogate pair
    assert fields.text_length("é") == 1 and fields.text_length("e\u0301") == 2
    assert fields.text_length("👨‍👩‍👧") == 8  # three emoji and two joiners


@pytest.mark.parametrize(
    "text, refused",
    [
        ("🙂" * (fields.REFLECTION_MAX // 2), False),  # exactly at the limit, as the counter shows it
        ("🙂" * (fields.REFLECTION_MAX // 2) + "x", True),  # one over: the counter shows it as too long
    ],
)
def test_emoji_count_as_the_character_counter_shows_them(client, text: str, refused: bool) -> None:
    walker = to_outcome(client)
    response = walker.post("/request/reflection", {"reflection": text})
    assert (response.status_code == 200) == refused
    if refused:
        assert "must be 1,500 characters or less" in words_of(response.get_data(as_text=True))
    entry = fields.FIELDS_BY_NAME["reflection"]
    assert (fields.stored_value_problem(entry, text) is not None) == refused  # the import counts the same way


def test_no_field_promises_when_a_session_will_be_arranged() -> None:
    """CONTENT.md: a response time is stated only where the deployment sets one (the acknowledgement's
    RESPONSE_TIME_TEXT). Found (content review): the "How soon" hint said the facilitators "will try
    to arrange a session within the time you choose"."""
    promising = re.compile(r"\bwill (?:try to )?(?:arrange|contact|offer)", re.IGNORECASE)
    said = [
        (entry.name, text)
        for entry in FIELDS
        for words in (entry.label, entry.hint)
        if words is not None
        for text in (words.for_mode("practitioner"), words.for_mode("supervision"))
        if promising.search(text)
    ]
    assert said == []
    how_soon = next(entry for entry in FIELDS if entry.name == "how_soon")
    assert how_soon.hint is not None and "not a promise" in how_soon.hint.for_mode("practitioner")


def test_the_work_email_says_what_goes_there_and_not_to_use_a_personal_one(client) -> None:
    """Found (privacy review): a personal address was taken without a word, and the invitation to a
    session (its date and place) and its reminders went to it. The hint, read with the box, says so."""
    walker = to_outcome(client, ELIGIBLE_PATH)
    body = walker.get("/request/about-you").get_data(as_text=True)
    box = re.search(r"<input[^>]*name=\"email\"[^>]*>", body)
    assert box is not None and 'aria-describedby="email-hint"' in box[0], box
    hint = re.search(r'<div id="email-hint" class="govuk-hint">\s*(.*?)\s*</div>', body, re.S)
    assert hint is not None and "You will be contacted here about this request and any session" in hint[1], hint
    assert "not a personal one" in hint[1]


@pytest.mark.parametrize("name", [name for name, kinds in fields.GUARDED_TEXT.items() if "person_name" in kinds])
def test_a_name_in_each_field_checked_for_names_is_warned_about(name: str) -> None:
    """Each field checked for names finds one: the agency fields leave out only what an agency's
    name may be (a hospital), availability only dates. Found (mutation review): no test said so of
    the agency fields or availability, so they could stop looking; and every field that should be
    checked for names is."""
    from app.requests.guard import scan

    found = scan("Not Tuesdays, that is when Jayden Smith (Y3) has contact", fields.GUARDED_TEXT[name])
    assert "person_name" in [finding.kind for finding in found]


def test_every_text_field_but_the_practitioners_own_name_is_checked_for_names() -> None:
    checked = {name for name, kinds in fields.GUARDED_TEXT.items() if "person_name" in kinds}
    assert checked == set(fields.GUARDED_TEXT) - {"name"}, checked
