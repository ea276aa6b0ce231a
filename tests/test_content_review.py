"""Faults from the content review (notes/review-content.md, L1 to L3), each checked as a person
meets it: through HTTP, and in the PDFs as read back with pypdf.

- L1: a contact card with a note for when it applies ("If the worry is about an adult who
  works or volunteers with children") still says how to use the contact: the LADO card on U2
  gives the portal and "within one working day", as on L; the Bridge Partnership's card on S
  and P keeps "Make referrals through the online Children's portal".
- L2: the supervision record says what the outcome page says under "What we noted from the
  answers" (the advice as well as the flags), lists each contact with its note, and explains
  each acronym in the guidance it quotes ("SSCP means Salford Safeguarding Children
  Partnership."), as the page does.
  The request PDF explains the acronyms it uses too.
- L3: "GP" and "NHS" are explained where the request pages, the identifying-data warning and
  the privacy page first use them.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from flask.testing import FlaskClient

from app.rules import DEFAULT_PACK, JourneyPath, load_contacts, load_pack
from support import session_csrf_token
from support.database import database_settings, dispose, migrated_sqlite
from support.hardening import EMAIL as FACILITATOR_EMAIL
from support.hardening import PASSWORD as FACILITATOR_PASSWORD
from support.hardening import signed_in
from support.mail import SmtpServer, only_message
from support.pdf import pdf_attachment_json, pdf_reader, pdf_text
from support.submission import (
    ELIGIBLE_PATH,
    PAGE_FIELDS,
    VALID_DETAILS,
    fill_details,
    make_request,
    post_page,
    run_outbox,
    submitted_request,
    supervision_record,
    to_outcome,
)
from support.walk import Walker
from test_outcome_contacts import one_path_per_outcome_and_mode

CONTACTS = load_contacts()
PACK = load_pack(contacts=CONTACTS)

# Acronyms the app's own words use, beside those the rule pack's glossary explains.
MEANINGS = {**dict(PACK.glossary), "GP": "general practitioner", "NHS": "National Health Service"}
GP_NHS = ("GP", "NHS")

SUPERVISION_TO_P_NOT_DISCUSSED = (("mode", "supervision"), *ELIGIBLE_PATH[1:])
TO_U2 = {mode: (("mode", mode), ("immediate_danger", "not_sure")) for mode in ("practitioner", "supervision")}


def words(text: str) -> str:
    """Text with every run of whitespace made one space."""
    return " ".join(text.split())


def main_text(page: str) -> str:
    """The words of a page's <main> (no footer), tags removed."""
    main = page.split('id="main-content"', 1)[1].split("</main>", 1)[0]
    return words(html_module.unescape(re.sub(r"<[^>]+>", " ", main)))


# Characters from an acronym in a name (a heading, a list of sources) to its explanation under it.
NAME_LONGEST = 200


def unexplained_acronyms(text: str, only: tuple[str, ...] = tuple(MEANINGS)) -> list[str]:
    """Acronyms (of ``only``, from ``MEANINGS``) whose first use in ``text`` is not explained:
    spelled out there ("GP (general practitioner)", "general practitioner (GP)"), or the use is its
    explanation ("SSCP means Salford Safeguarding Children Partnership.", before the quote that
    uses it; found, content review: it came after the quote, once the reader had met it)."""
    missing = []
    for acronym in only:
        meaning = MEANINGS[acronym]
        uses = list(re.finditer(rf"\b{acronym}\b", text))
        if not uses:
            continue
        first = uses[0]
        near = text[max(0, first.start() - len(meaning) - 3) : first.end() + len(meaning) + 5].lower()
        spelled_out = f"{acronym} ({meaning})".lower() in near or f"{meaning} ({acronym})".lower() in near
        explained_first = text.startswith(f"{acronym} means {meaning}", first.start())
        # A heading or a source's name that holds it ("Summary of SSCP news:"), explained at once
        # under it; not a whole quote or paragraph later.
        explained_under_a_name = (
            len(uses) > 1
            and text.startswith(f"{acronym} means {meaning}", uses[1].start())
            and uses[1].start() - first.end() <= NAME_LONGEST
        )
        if not (spelled_out or explained_first or explained_under_a_name):
            missing.append(acronym)
    return missing


# --- L1: contact cards on the outcome pages ------------------------------------------------------


PATHS = one_path_per_outcome_and_mode()
Cards = dict[tuple[str, str], dict[str, str]]


Answers = tuple[tuple[str, object], ...]


class Walked:
    """One app for the module, and a client for each walk to an outcome page, kept (by the
    answers' repr: an answer may be a list) with the page it reached: the tests only read them.
    The supervision record of a walk is made when a test first asks for it (so in a ``real_pdf``
    test), from the client that walked there."""

    def __init__(self, application: Flask) -> None:
        self.application = application
        self.walks: dict[str, tuple[FlaskClient, str]] = {}
        self.records: dict[str, str] = {}

    def page(self, answers: Answers) -> str:
        """The outcome page (its HTML) these answers reach, walked once."""
        key = repr(answers)
        if key not in self.walks:
            client = self.application.test_client()
            response = Walker(client).walk(answers)
            assert response.status_code == 200
            self.walks[key] = (client, response.get_data(as_text=True))
        return self.walks[key][1]

    def page_and_record(self, answers: Answers) -> tuple[str, str]:
        """The outcome page and the supervision record (the real PDF's words) these answers get."""
        page = self.page(answers)
        key = repr(answers)
        if key not in self.records:
            self.records[key] = record_text(self.walks[key][0])
        return page, self.records[key]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walked]:
    """The walks to outcome pages, and their supervision records, shared by the module's tests."""
    from app import create_app

    database = migrated_sqlite(tmp_path_factory.mktemp("content-review") / "test.db")
    application = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database})
    yield Walked(application)
    dispose(application)


@pytest.fixture(scope="module")
def outcome_pages(walked: Walked) -> dict[tuple[str, str], str]:
    """Each outcome's page (its HTML), in each mode, reached by one path."""
    return {(path.outcome, path.mode): walked.page(tuple(path.answers)) for path in PATHS}


@pytest.fixture(scope="module")
def cards(outcome_pages: dict[tuple[str, str], str]) -> Cards:
    """Each outcome page's contact cards (contact id → the card's words), in each mode."""
    return {
        key: {
            contact_id: words(html_module.unescape(re.sub(r"<[^>]+>", " ", card)))
            for contact_id, card in re.findall(r'<li class="app-contact" data-contact="([^"]+)">(.*?)</li>', page, re.S)
        }
        for key, page in outcome_pages.items()
    }


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.outcome}-{p.mode}")
def test_every_contact_card_says_how_to_use_its_contact_even_when_it_has_a_note(
    cards: Cards, path: JourneyPath
) -> None:
    found = cards[(path.outcome, path.mode)]
    assert found, f"{path.outcome}: no contact cards"
    for contact_id, card in found.items():
        contact = CONTACTS.get(contact_id)
        assert contact is not None
        assert words(contact.detail) in card, (path.outcome, contact_id, card)


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_a_new_concern_says_how_and_when_to_consult_the_lado_as_the_allegation_outcome_does(
    cards: Cards, mode: str
) -> None:
    lado = cards[("U2", mode)]["lado"]
    assert "If the worry is about an adult who works or volunteers with children" in lado
    for said in ("Salford Children and Families Portal", '"referral to LADO"', "within one working day"):
        assert said in lado, (mode, said, lado)
        assert said in cards[("L", mode)]["lado"]


@pytest.mark.parametrize("outcome", ["S", "P"])
@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_the_bridge_card_keeps_the_childrens_portal_where_it_has_a_note(cards: Cards, outcome: str, mode: str) -> None:
    bridge = cards[(outcome, mode)]["childrens_social_care"]
    assert "Make referrals through the online Children's portal." in bridge
    assert "Phone 0161 603 4500" in bridge


# --- L2: the supervision record ------------------------------------------------------------------


def record_text(client: FlaskClient) -> str:
    response = supervision_record(client)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return words(pdf_text(response.get_data()))


@pytest.fixture(scope="module")
def supervision_records(walked: Walked) -> Callable[[Answers], tuple[str, str]]:
    """The outcome page (its HTML) and the supervision record (the real PDF's words) a walk with
    these answers gets: each walked and rendered once in the module, when a test first asks for
    it (so in a ``real_pdf`` test), for the tests that only read them."""
    return walked.page_and_record


@pytest.mark.real_pdf
def test_the_supervision_record_notes_the_advice_the_outcome_page_gives(
    supervision_records: Callable[[Answers], tuple[str, str]],
) -> None:
    page, record = supervision_records(SUPERVISION_TO_P_NOT_DISCUSSED)
    advice = [
        words(html_module.unescape(re.sub(r"<[^>]+>", " ", found)))
        for found in re.findall(r'<div class="govuk-inset-text app-advice">(.*?)</div>', page, re.S)
    ]
    assert advice and advice[0].startswith("Keep this on the agenda of the practitioner's supervision")
    noted = record.split("What we noted from the answers", 1)[1].split("What was considered, and why", 1)[0]
    assert "Not discussed in supervision before this request" in noted
    for text in advice:
        assert text in noted, (text, noted)


def test_the_supervision_record_names_the_confirmation_by_what_was_confirmed(app: Flask) -> None:
    """Found (supervision review): the record's "What was considered, and why" named the last
    question by its page heading, "Before you continue", which says nothing on paper. It is named
    as the request's PDF names it. (The record's HTML: the PDF is made from it.)"""
    from app.models import utcnow
    from app.requests.service import supervision_record_html
    from app.rules.engine import evaluate

    with app.test_request_context():
        html = supervision_record_html(evaluate(PACK, dict(SUPERVISION_TO_P_NOT_DISCUSSED)), utcnow())
    considered = html.split("What was considered, and why", 1)[1]
    keys = [words(key) for key in re.findall(r'<th scope="row" class="summary__key">(.*?)</th>', considered, re.S)]
    assert len(keys) == len(SUPERVISION_TO_P_NOT_DISCUSSED), keys
    assert keys[0] == "Who is using this today?"
    assert keys[-1] == "Understands what Space to Think does not replace"
    assert "Before you continue" not in keys


@pytest.mark.real_pdf
def test_the_supervision_record_says_which_guidance_is_a_quote_and_which_our_summary(
    supervision_records: Callable[[Answers], tuple[str, str]],
) -> None:
    """Found (new-user review): the record printed every item as "<text> (<source>)", so our
    summary of Working Together read as a quote from it. The outcome page says "Summary of"."""
    _, record = supervision_records(TO_U2["supervision"])
    summaries = [g for g in PACK.guidance if not g.quote and words(g.text)[:60] in record]
    quotes = [g for g in PACK.guidance if g.quote and words(g.text)[:60] in record]
    assert summaries and quotes, "this record should hold both kinds"
    for item in summaries:
        assert f"Summary of {words(item.source)}: {words(item.text)[:60]}" in record, item.id
    for item in quotes:
        assert f"{words(item.source)}: “{words(item.text)[:60]}" in record, item.id


@pytest.mark.real_pdf
def test_the_supervision_record_explains_sscp_as_the_outcome_page_does(
    supervision_records: Callable[[Answers], tuple[str, str]],
) -> None:
    outcome_page, record = supervision_records(SUPERVISION_TO_P_NOT_DISCUSSED)
    page = main_text(outcome_page)
    assert "SSCP means Salford Safeguarding Children Partnership." in page
    assert page.index("SSCP means") < page.index("proposed by the SSCP")  # before the quote, as below
    assert "The new model proposed by the SSCP in Salford" in record
    assert record.count("SSCP means Salford Safeguarding Children Partnership.") == 1
    assert record.index("SSCP means") < record.index("proposed by the SSCP")  # before the quote


@pytest.mark.real_pdf
@pytest.mark.parametrize("outcome", sorted({p.outcome for p in PATHS}))
def test_each_supervision_record_explains_every_acronym_on_first_use(
    supervision_records: Callable[[Answers], tuple[str, str]], outcome: str
) -> None:
    path = next(p for p in PATHS if p.outcome == outcome and p.mode == "supervision")
    _, record = supervision_records(tuple(path.answers))
    assert unexplained_acronyms(record) == [], outcome


@pytest.mark.real_pdf
@pytest.mark.parametrize("outcome", sorted({p.outcome for p in PATHS}))
def test_every_supervision_record_gives_the_emergency_numbers_the_footer_gives(
    supervision_records: Callable[[Answers], tuple[str, str]], outcome: str
) -> None:
    """Found (routing review): a record whose outcome lists only the weekday front door (the
    Bridge Partnership, 8.30am to 4.30pm) gave no number for out of hours; every web page has
    them at its foot, but a printed record has no footer. Each is listed once."""
    path = next(p for p in PATHS if p.outcome == outcome and p.mode == "supervision")
    _, record = supervision_records(tuple(path.answers))
    for contact in CONTACTS.emergency:
        assert record.count(f"Phone: {contact.phone}") == 1, (outcome, contact.id)
    assert "Phone: 0161 794 8888 Outside the Bridge Partnership's hours" in record, outcome
    listed = record.split("Guidance this outcome rests on", 1)[0]
    for contact in CONTACTS.emergency:
        assert f"Phone: {contact.phone}" in listed, (outcome, contact.id)


@pytest.mark.real_pdf
def test_the_supervision_record_lists_a_contact_with_its_note_as_the_outcome_page_does(
    supervision_records: Callable[[Answers], tuple[str, str]],
) -> None:
    _, record = supervision_records(TO_U2["supervision"])
    contacts = record.split("Who to contact", 1)[1].split("Guidance this outcome rests on", 1)[0]
    lado = contacts.split("Local Authority Designated Officer (LADO)", 1)[1].strip()
    assert lado.startswith("If the worry is about an adult who works or volunteers with children:"), lado
    assert "within one working day" in lado


@pytest.mark.real_pdf
def test_the_request_pdf_explains_every_acronym_on_first_use(app: Flask) -> None:
    """The PDF the outbox worker makes of a request sent on the eligible path (stored through the
    service: the pages on the way have tests of their own, below)."""
    with app.app_context():
        make_request(pdf=True)
    pdf = stored_request_of(app)[1]
    assert pdf is not None
    text = words(pdf_text(pdf))
    assert "Guidance cited" in text
    assert unexplained_acronyms(text) == []
    # Its keywords too (a reader's document list shows them): the partnership by its full name, not "SSCP".
    keywords = str(pdf_reader(pdf).metadata.get("/Keywords"))
    assert keywords == "Space to Think, Salford Safeguarding Children Partnership", keywords


# --- L3: GP and NHS on the request pages and the privacy page ------------------------------------


def test_the_reflection_hint_explains_gp(client: FlaskClient) -> None:
    walker = Walker(client)
    walker.walk(ELIGIBLE_PATH)
    for slug, names in PAGE_FIELDS:
        if slug == "reflection":
            break
        post_page(walker, slug, {name: VALID_DETAILS.get(name, "") for name in names})
    text = main_text(walker.get("/request/reflection").get_data(as_text=True))
    assert "GP (general practitioner) practices" in text
    assert unexplained_acronyms(text) == []


def test_the_accessibility_statement_explains_pdf(client: FlaskClient) -> None:
    """Found (journey review): "PDF files" with no explanation, on the one page that lacked it."""
    text = main_text(client.get("/accessibility").get_data(as_text=True))
    assert "PDF (portable document format)" in text
    assert unexplained_acronyms(text, only=("PDF",)) == []


def test_the_accessibility_statement_says_its_status_in_the_model_words_and_why_results_share_a_title(
    client: FlaskClient,
) -> None:
    """Found (accessibility review): "aims to be fully compliant" is none of the model statement's
    three answers (fully, partially or not compliant); the check by hand was not listed under how
    the tool is tested; and the result pages' shared title, kept on purpose, was not explained."""
    text = " ".join(main_text(client.get("/accessibility").get_data(as_text=True)).split())
    assert "This tool is fully compliant with the Web Content Accessibility Guidelines (WCAG) version 2.2" in text
    assert "aims to be" not in text
    assert "We also check the tool by hand against each WCAG 2.2 AA success criterion" in text
    assert text.index("Documents you can download") < text.index("Page titles of results")
    assert 'is called "Your result" (or "The result" in supervision) in the browser\'s tab and history' in text


def test_the_pages_about_a_request_sent_from_this_browser_explain_pdf(client: FlaskClient) -> None:
    """Found (accessibility review): "There is no sent request to show here" and "A request was
    sent from this browser" (Start now after sending one) said "PDF" with no explanation."""
    text = main_text(client.get("/request/submitted").get_data(as_text=True))
    assert "There is no sent request to show here" in text
    assert unexplained_acronyms(text, only=("PDF",)) == []
    walker = to_outcome(client)
    submitted_request(walker)
    text = main_text(walker.get("/start").get_data(as_text=True))
    assert "A request was sent from this browser" in text
    assert unexplained_acronyms(text, only=("PDF",)) == []


def test_the_questions_pdf_pages_explain_pdf_before_their_headings_use_it(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (content review): the heading "The questions to prepare are being made into a PDF"
    came before the paragraph that explains PDF, as did the headings the page's script puts in
    its place once the PDF is made or could not be made, and the page saying it could not be made
    never explained it."""
    from app import questions_pdf

    for query in ("", "?mode=supervision"):
        page = client.get(f"/questions-to-prepare.pdf{query}").get_data(as_text=True)
        assert unexplained_acronyms(main_text(page), only=("PDF",)) == [], query
        for heading in re.findall(r'data-(?:ready|failed)-heading="([^"]*)"', page):
            assert "PDF" not in heading, heading  # the lead that explains it follows

    def broken(mode: str) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(questions_pdf, "render_questions", broken)
    run_outbox(app)
    failed = client.get("/questions-to-prepare.pdf")
    assert failed.status_code == 503
    assert unexplained_acronyms(main_text(failed.get_data(as_text=True)), only=("PDF",)) == []


def test_the_accessibility_statement_says_what_the_time_limits_are_and_how_to_extend_them(client: FlaskClient) -> None:
    """Found (accessibility review of staying signed in): the statement said nothing of the time
    limits (WCAG 2.2.1): the answers cleared after the idle time, and the facilitators' 24 hours,
    which they can now extend by confirming their password."""
    text = main_text(client.get("/accessibility").get_data(as_text=True))
    idle = client.application.config["SESSION_IDLE_MINUTES"]
    assert f"they are cleared from the browser after {idle} minutes without activity" in text
    assert "they can stay signed in for another 24 hours by confirming their password, as often as they need" in text
    assert "and the facilitators' inbox" in text  # what the automated checks cover


def test_the_facilitators_email_explains_pdf(mail_app: Flask, smtp_server: SmtpServer) -> None:
    """Found (maintainer review): the email each request sends the facilitators' mailbox said "the
    attached PDF" five times and never what a PDF is, as the inbox's pages do."""
    smtp_server.start()
    with mail_app.app_context():
        reference = make_request(pdf=True).request.reference
    body = words(only_message(smtp_server).get_body(preferencelist=("plain",)).get_content())
    assert (
        f"The request is in the attached PDF (portable document format) file, space-to-think-request-{reference}.pdf."
        in body
    )
    assert unexplained_acronyms(body, only=("PDF",)) == []


def test_the_facilitators_pages_explain_pdf_and_say_what_each_status_link_lists(app: Flask) -> None:
    """Found (accessibility review): "PDF" unexplained on the inbox, a request's page and the
    import page; the status links read "New", "Closed"... out of context (a screen reader's
    list of links)."""
    from app.inbox import service

    with app.app_context():
        service.add_facilitator("sam@partnership.example", "Sam Facilitator", "amber thistle quarry lantern")
        reference = make_request().request.reference
    client = app.test_client()
    signing_in = {"email": "sam@partnership.example", "password": "amber thistle quarry lantern"}
    signed_in = client.post("/inbox/sign-in", data={"csrf_token": session_csrf_token(client), **signing_in})
    assert signed_in.status_code == 302
    with app.app_context():
        made = make_request(pdf=True).request.reference  # its PDF made: the download link
    pages: dict[str, str] = {}
    for path in ("/inbox", f"/inbox/requests/{reference}", f"/inbox/requests/{made}", "/inbox/import"):
        pages[path] = client.get(path).get_data(as_text=True)
        text = main_text(pages[path])
        assert "PDF (portable document format)" in text, path
        assert unexplained_acronyms(text, only=("PDF",)) == [], path
    # Found (content review): the import hint said "smaller than 5MB", the unit unexplained.
    import_page = main_text(pages["/inbox/import"])
    assert "smaller than 5 megabytes (MB)" in import_page and "5MB" not in import_page
    # Found (content review): the error summary of an import with no file chosen, first on the
    # page, said "Select a request PDF", explained only further down.
    token = session_csrf_token(client)
    refused = client.post("/inbox/import", data={"csrf_token": token}, content_type="multipart/form-data")
    assert refused.status_code == 303  # shown by the page's GET
    text = main_text(client.get(refused.location).get_data(as_text=True))
    assert "There is a problem" in text and "Select a request PDF" in text
    assert unexplained_acronyms(text, only=("PDF",)) == []
    # Found (facilitator review): "CSV" unexplained on the list and the statistics page (counted in a
    # quarter that is over, so that it shows its tables and their download).
    from app.extensions import db
    from app.stats.service import add_count, latest_complete_quarter, quarter_months

    with app.app_context():
        add_count("started", month=quarter_months(latest_complete_quarter())[0])
        db.session.commit()
    pages["/inbox/statistics"] = client.get("/inbox/statistics").get_data(as_text=True)
    for path in ("/inbox", "/inbox/statistics"):
        assert "(CSV: comma-separated values)" in main_text(pages[path]), path
    links = re.findall(r'data-count-status="[^"]+">\s*<a [^>]*>(.*?)</a>', pages["/inbox"], re.S)
    assert len(links) >= 8
    # Each with its count in it (found, review by keyboard and screen reader), its words in the order
    # they are read (found, screen reader review: "In triage requests: 0").
    assert all(
        re.fullmatch(
            r'<span class="govuk-visually-hidden">Requests with the status </span>[A-Z][a-z ]+: <strong>\d+</strong>',
            link,
        )
        for link in links
    ), links
    [overdue] = re.findall(r"data-count-overdue>\s*<a [^>]*>(.*?)</a>", pages["/inbox"], re.S)
    assert re.fullmatch(r'Overdue<span class="govuk-visually-hidden"> requests</span>: <strong>\d+</strong>', overdue)


def test_this_advice_rests_on_names_each_source_once(outcome_pages: dict[tuple[str, str], str]) -> None:
    """Found (journey review): two guidance entries from one source listed it twice (U2, P); and
    (acceptance review) a document cited whole and by a section was named twice (S)."""
    for key, page in outcome_pages.items():
        found = re.search(r"This advice rests on:\s*(.*?)\.\s*</p>", html_module.unescape(page), re.S)
        assert found, f"no sources line on {key}"
        sources = [words(source) for source in found.group(1).split(";")]
        assert len(sources) == len(set(sources)), (key, sources)
        assert not [one for one in sources for other in sources if other.startswith(f"{one},")], (key, sources)


def test_the_guidance_writes_numbers_as_numerals(outcome_pages: dict[tuple[str, str], str]) -> None:
    """Found (words review): every outcome's guidance said "Working Together names three tests";
    GOV.UK style writes numbers other than "one" as numerals."""
    for key, page in outcome_pages.items():
        said = main_text(page)
        assert "three tests" not in said, key
        if key[0] == "L":
            assert "Working Together names 3 tests" in said, key


def test_the_privacy_page_explains_gp(client: FlaskClient) -> None:
    text = main_text(client.get("/privacy").get_data(as_text=True))
    assert "GP (general practitioner) practices" in text
    assert unexplained_acronyms(text) == []


def test_the_request_pages_explain_gp_and_nhs_on_first_use(client: FlaskClient) -> None:
    """Every details page, check your answers and the submitted page (the identifying-data
    warning has a test of its own, below)."""
    walker = Walker(client)
    walker.walk(ELIGIBLE_PATH)
    for slug, names in PAGE_FIELDS:
        page = walker.get(f"/request/{slug}")
        if page.status_code == 302:
            continue
        assert unexplained_acronyms(main_text(page.get_data(as_text=True)), GP_NHS) == [], slug
        post_page(walker, slug, {name: VALID_DETAILS.get(name, "") for name in names})
    assert unexplained_acronyms(main_text(walker.get("/request/check-answers").get_data(as_text=True)), GP_NHS) == []
    walker.post("/request/submit", walker.shown)
    submitted = main_text(walker.get("/request/submitted").get_data(as_text=True))
    assert unexplained_acronyms(submitted, (*GP_NHS, "PDF")) == []  # found: "Your PDF is being prepared"


@pytest.mark.parametrize("found", ["an NHS number", "a date only"])
def test_the_identifying_data_warning_explains_nhs_on_first_use(client: FlaskClient, found: str) -> None:
    """Its first "NHS" is in a finding's reason when an NHS number was found, else in what the
    check looks for (the words are app/requests/guard.py's and the warning page's)."""
    walker = Walker(client)
    walker.walk(ELIGIBLE_PATH)
    added = " Reference 943 476 5919 on file." if found == "an NHS number" else " We met on 12 March 2024."
    response = fill_details(walker, {**VALID_DETAILS, "reflection": VALID_DETAILS["reflection"] + added})
    assert response.location.endswith("/request/check-what-you-wrote")
    text = main_text(walker.get("/request/check-what-you-wrote").get_data(as_text=True))
    assert "NHS" in text
    assert unexplained_acronyms(text, GP_NHS) == []


# --- A glossary term in the name of a guidance source -------------------------------------------


# The glossary's terms a guidance source is named by below: one of the pack's own, and one in
# small and capital letters, as an area may add (found, partnership review: "DfE" was refused in
# the glossary, and never explained on the pages or in the PDFs).
SOURCE_TERMS = {"SSCP": MEANINGS["SSCP"], "DfE": "Department for Education"}


@pytest.fixture(scope="module", params=sorted(SOURCE_TERMS))
def term(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def sourced_app(tmp_path_factory: pytest.TempPathFactory, term: str) -> Iterator[Flask]:
    """The app on a copy of the pack whose guidance for U2 names its source by a glossary term,
    as an area might ("SSCP news, January 2023"): the glossary is how a pack explains one. One
    for the module for each term: its tests read it, and one of them sends the one request."""
    from app import create_app

    folder = tmp_path_factory.mktemp(f"sourced-{term}")
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    [item] = [item for item in data["guidance"] if item["id"] == "salford_named_referrals"]
    item["source"] = f"{term} news, January 2023 (Bridge referrals)"
    if term not in dict(PACK.glossary):
        data["glossary"].append({"term": term, "meaning": SOURCE_TERMS[term]})
    pack = folder / "space_to_think.yaml"
    pack.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    database = migrated_sqlite(folder / "test.db")
    application = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database, "RULE_PACK_PATH": str(pack)})
    yield application
    dispose(application)


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_a_glossary_term_in_a_guidance_source_is_explained_on_the_outcome_page(
    sourced_app: Flask, term: str, mode: str
) -> None:
    """Found (partnership review): "How this tool decides" explained it, but the outcome page
    showed "This advice rests on: … SSCP news" and "Summary of SSCP news" with SSCP unexplained."""
    page = main_text(Walker(sourced_app.test_client()).walk(TO_U2[mode]).get_data(as_text=True))
    assert f"Summary of {term} news, January 2023" in page
    assert f"{term} means {SOURCE_TERMS[term]}." in page
    assert unexplained_acronyms(page, ("SSCP",)) == []


@pytest.mark.real_pdf
def test_a_glossary_term_in_a_guidance_source_is_explained_in_the_supervision_record(
    sourced_app: Flask, term: str
) -> None:
    client = sourced_app.test_client()
    Walker(client).walk(TO_U2["supervision"])
    record = record_text(client)
    assert f"Summary of {term} news, January 2023" in record
    assert f"{term} means {SOURCE_TERMS[term]}." in record
    assert unexplained_acronyms(record, ("SSCP",)) == []


def stored_request_of(app: Flask) -> tuple[str, bytes | None]:
    """The reference and PDF of the one request the app's database holds."""
    from app.extensions import db
    from app.models import StoredRequest

    with app.app_context():
        [stored] = db.session.scalars(db.select(StoredRequest)).all()
        return stored.reference, stored.pdf


@pytest.mark.real_pdf
def test_a_glossary_term_in_a_cited_source_is_explained_in_the_request_the_inbox_and_its_pdf_as_when_it_was_sent(
    sourced_app: Flask, term: str, tmp_path: Path
) -> None:
    """Found (partnership review): the request showed "Guidance: SSCP news, January 2023" under
    its answers, on the page its sender sees, in the inbox and in its PDF's "Guidance cited",
    with SSCP explained nowhere, though the glossary explains it on the outcome page.

    A request is shown (the inbox) and made into a PDF (the outbox worker) after it was sent,
    perhaps after the pack changed: it explains a term with the meaning the request keeps, from the
    pack it was sent under, so it reads the same every time. (The PDF is made only after the
    change: what it says is what the request kept.)"""
    from app import create_app

    title = f"{term} news, January 2023 (Bridge referrals)"
    meaning = f"{term} means {SOURCE_TERMS[term]}."
    # Sent on the way through the guidance for U2 (the source named by the term is cited on it).
    client = sourced_app.test_client()
    submitted_request(to_outcome(client))
    reference = stored_request_of(sourced_app)[0]
    page = main_text(client.get("/request/submitted").get_data(as_text=True))
    assert f"Guidance: {title}" in page
    assert page.count(meaning) == 1  # where the request first names it, not under every answer
    assert page.index(f"Guidance: {title}") < page.index(meaning)
    inbox = main_text(signed_in(sourced_app).get(f"/inbox/requests/{reference}").get_data(as_text=True))
    assert inbox.count(meaning) == 1
    assert inbox.index(title) < inbox.index(meaning)

    data = yaml.safe_load(Path(sourced_app.config["RULE_PACK_PATH"]).read_text(encoding="utf-8"))
    [entry] = [entry for entry in data["glossary"] if entry["term"] == term]
    entry["meaning"] = "A meaning written after the request was sent"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    later = create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": sourced_app.config["SQLALCHEMY_DATABASE_URI"],
            "RULE_PACK_PATH": str(changed),
        }
    )
    try:
        later_client = later.test_client()
        signing_in = {"email": FACILITATOR_EMAIL, "password": FACILITATOR_PASSWORD}
        token = session_csrf_token(later_client)
        assert later_client.post("/inbox/sign-in", data={"csrf_token": token, **signing_in}).status_code == 302
        later_inbox = main_text(later_client.get(f"/inbox/requests/{reference}").get_data(as_text=True))
        with later.app_context():  # past the time it is left for a worker with the rules it was sent under
            from app.extensions import db
            from app.models import StoredRequest
            from app.pack import OTHER_RULES_WAIT_MINUTES

            left = dt.timedelta(minutes=OTHER_RULES_WAIT_MINUTES + 1)
            for stored in db.session.scalars(sa.select(StoredRequest)):
                stored.created_at -= left
            db.session.commit()
        run_outbox(later)
        pdf = stored_request_of(later)[1]
    finally:
        dispose(later)
    assert pdf is not None
    text = pdf_text(pdf)
    for shown in (later_inbox, text):
        assert meaning in shown
        assert "written after the request was sent" not in shown
    cited = text.split("Guidance cited", 1)[1]
    assert f"{title} {meaning}" in cited
    assert pdf_attachment_json(pdf)["format_version"] == 1  # still what the inbox imports


def test_the_pages_explain_each_glossary_term_found_exactly_as_written() -> None:
    """A term in small and capital letters is found as written, and a term the checks read as a
    word ("UK") is still explained where a glossary gives it, as it was before such terms."""
    from app.wizard.glossary import Explainer

    explainer = Explainer({"UK": "United Kingdom", "DfE": "Department for Education"})
    assert explainer.unexplained("Guidance across the UK from the DfE, not the DFE or the Dfe.") == [
        ("UK", "United Kingdom"),
        ("DfE", "Department for Education"),
    ]
    assert explainer.unexplained("The DfE again.") == []  # explained once on a page


# --- Guidance with a web address ---------------------------------------------------------------


@pytest.fixture
def linked_guidance_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on a copy of the pack whose every guidance item has its source's web address, as
    an area may add (items from one source share it)."""
    from app import create_app

    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    sources = sorted({item["source"] for item in data["guidance"]})
    for item in data["guidance"]:
        item["url"] = f"https://guidance.example.org/{sources.index(item['source'])}"
    pack = tmp_path / "space_to_think.yaml"
    pack.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with database_settings(request, "sqlite", tmp_path) as settings:
        application = create_app({"APP_ENV": "test", **settings, "RULE_PACK_PATH": str(pack)})
        yield application
        dispose(application)


def test_each_guidance_link_on_an_outcome_page_names_its_source(linked_guidance_app: Flask) -> None:
    """Found (accessibility review): each guidance item with a web address was linked as
    "source", so the outcome page had several links called "source", each to another place,
    which say nothing in a screen reader's list of links (WCAG 2.4.4). The source's name is now
    the link, as on "How this tool decides"."""
    page = Walker(linked_guidance_app.test_client()).walk(TO_U2["practitioner"]).get_data(as_text=True)
    links = re.findall(r'<a class="govuk-link[^"]*" href="(https://guidance\.example\.org/[^"]+)">([^<]*)</a>', page)
    assert len(links) >= 2, links
    names = [html_module.unescape(name).strip() for _, name in links]
    assert "source" not in names and all(names), names
    assert len(set(names)) == len({url for url, _ in links}), links  # one name for each place
