"""The request PDF is made for triage, and the supervision record is one people can use.

The longest possible request (tests/support/longest.py: built from the rule pack and the
fields table, so a new question, criterion, flag or field is included) is made through HTTP,
as a person would, and its PDF by the outbox worker with the real renderer. Each PDF is
rendered once for the module: the fixtures below are module-scoped.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.journey import CONFIRMED, MODE_LABELS
from app.models import StoredRequest
from app.pack import current_contacts, current_pack
from app.requests import fields
from app.requests.document import identifying_check_text, request_document
from app.requests.guard import KINDS
from app.rules import JourneyPath, RulePack, enumerate_paths
from support.database import dispose
from support.longest import longest_details, longest_path
from support.pdf import pdf_attachment_json, pdf_reader, placed_text
from support.submission import run_outbox, submitted_request, supervision_record
from support.walk import Walker

pytestmark = pytest.mark.real_pdf

A4 = (595, 842)  # points, give or take one for rounding
MIN_FONT_PT = 9


def words(text: str) -> str:
    """Text with every run of whitespace made one space (as the PDF's lines join)."""
    return " ".join(text.split())


@functools.cache
def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, whitespace made single spaces."""
    return [words(page.extract_text() or "") for page in pdf_reader(pdf).pages]


# What every page of the request has in its margins: the service's name with the reference, and
# the standing note with the page number.
FURNITURE = re.compile(
    r"Space to Think, Salford Safeguarding Children Partnership STT-[A-Z0-9-]+|"
    r"Does not replace supervision or statutory processes\. "
    r"If a child is in immediate danger, call 999\. Page \d+ of \d+"
)


def body_text(pdf: bytes) -> str:
    """The text of every page without what is in its margins, so text running on across a page
    break reads on."""
    return " ".join(words(FURNITURE.sub(" ", page)) for page in page_texts(pdf))


@functools.cache
def font_sizes(pdf: bytes) -> frozenset[float]:
    """The size, in points, at which each piece of visible text is drawn."""
    sizes: set[float] = set()

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if text.strip():
            scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
            sizes.add(round(size * scale, 2))

    for page in pdf_reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return frozenset(sizes)


@pytest.fixture(scope="module")
def module_app(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app (and database) for the module, so each PDF is made once."""
    from app import create_app

    database = tmp_path_factory.mktemp("pdf-triage") / "test.db"
    shutil.copyfile(sqlite_template, database)
    application = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    yield application
    dispose(application)


@pytest.fixture(scope="module")
def longest(module_app: Flask) -> dict[str, Any]:
    """The longest possible request, made through HTTP: its path, details, stored document,
    its PDF (from the outbox worker) and the supervision record of the same journey."""
    with module_app.app_context():
        pack = current_pack()
        details = longest_details(dt.date.today())
    path = longest_path(pack)
    client = module_app.test_client()
    walker = Walker(client)
    assert walker.walk(path.answers).status_code == 200
    submitted_request(walker, details=details)  # confirms the identifying-looking text when asked
    run_outbox(module_app)
    pdf = client.get("/request/submitted/request.pdf").get_data()
    assert pdf.startswith(b"%PDF-")
    record = supervision_record(client).get_data() if path.mode == "supervision" else b""
    with module_app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        assert stored is not None
        document = request_document(stored)
    return {"pack": pack, "path": path, "details": details, "document": document, "pdf": pdf, "record": record}


def _record_for(module_app: Flask, path: JourneyPath) -> bytes:
    client = module_app.test_client()
    assert Walker(client).walk(path.answers).status_code == 200
    response = supervision_record(client)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.get_data()


def most_contacts_path(pack: RulePack) -> JourneyPath:
    """The first supervision path to the outcome with the most contacts."""

    def contacts(path: JourneyPath) -> int:
        outcome = pack.outcome(path.outcome)
        return len(outcome.contacts) if outcome else 0

    return max((path for path in enumerate_paths(pack) if path.mode == "supervision"), key=contacts)


@pytest.fixture(scope="module")
def records(module_app: Flask, longest: dict[str, Any]) -> list[tuple[JourneyPath, bytes]]:
    """Supervision records: the longest request's journey, and the outcome with the most contacts."""
    chosen = [(longest["path"], longest["record"])] if longest["record"] else []
    other = most_contacts_path(longest["pack"])
    if not chosen or other.outcome != longest["path"].outcome:
        chosen.append((other, _record_for(module_app, other)))
    return chosen


# --- the request PDF ---------------------------------------------------------------------------

# What a failure of the two-page tests says (found, partnership review: a bare "assert 3 == 2").
TWO_PAGES = (
    "The longest possible request no longer fits on two A4 pages: a new question or request field, or "
    "larger margins or type, pushed it over. Tighten templates/pdf/print.css or lower a field's limit "
    "(README, 'Change the PDF layout')."
)


def test_the_longest_request_is_the_longest_the_service_takes(longest: dict[str, Any]) -> None:
    document, pack = longest["document"], longest["pack"]
    stored = document["details"]
    for entry in fields.FIELDS:
        if entry.kind in fields.TEXT_KINDS:
            assert len(stored[entry.name]) == entry.limit, entry.name
        else:
            assert stored[entry.name], entry.name
    criteria = pack.question(pack.roles.criteria_question)
    assert [item["value"] for item in stored["criteria"]] == [o.value for o in criteria.options if not o.exclusive]
    assert set(stored["identifying_check"]["found"]) == set(KINDS)
    request_paths = [path for path in enumerate_paths(pack) if pack.outcome(path.outcome).request]
    assert len(document["flags"]) == max(len(path.flags) for path in request_paths)


def test_the_longest_request_fits_on_two_a4_pages(longest: dict[str, Any]) -> None:
    reader = pdf_reader(longest["pdf"])
    assert len(reader.pages) == 2, TWO_PAGES
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - A4[0]) < 1 and abs(float(page.mediabox.height) - A4[1]) < 1


def test_a_partnerships_logo_adds_no_page_to_the_longest_request(module_app: Flask, longest: dict[str, Any]) -> None:
    """Found (review): with the partnership's logo in its band above the title, the longest
    request took three pages, not two. The band stands beside the title, the logo sized to the
    title's line: the same request with a logo takes no more pages, and the first still begins
    with the logo and the partnership's name."""
    import dataclasses

    from app.pack import PARTNERSHIP_KEY
    from app.requests.service import request_pdf
    from app.rules.partnership import Logo

    svg = (Path(__file__).resolve().parent.parent / "examples" / "northmere" / "logo.svg").read_bytes()
    logo = Logo("logo.svg", "Northmere emblem: a star over two waves", "image/svg+xml", svg)
    partnership = module_app.extensions[PARTNERSHIP_KEY]
    module_app.extensions[PARTNERSHIP_KEY] = dataclasses.replace(partnership, logo=logo)
    try:
        with module_app.app_context():  # made as the outbox worker made the one without
            pdf = request_pdf(db.session.scalar(select(StoredRequest)), current_pack())
    finally:
        module_app.extensions[PARTNERSHIP_KEY] = partnership
    assert len(pdf_reader(pdf).pages) == len(pdf_reader(longest["pdf"]).pages) == 2, TWO_PAGES

    def laid_out(placed: list[Any]) -> list[tuple[int, float, float, str]]:
        return [(piece.page, round(piece.x, 1), round(piece.y, 1), piece.text) for piece in placed]

    with_logo = placed_text(pdf)
    band = [piece for piece in with_logo if piece.text == partnership.name]
    title = next(piece for piece in with_logo if piece.text == "Request for a Space to Think session")
    assert len(band) == 1 and band[0].page == title.page == 1 and abs(band[0].y - title.y) < 8, (band, title)
    assert band[0].x > title.x + 250  # beside the title, on its right
    # Everything else is where it is without a logo: the band costs no height.
    assert laid_out([piece for piece in with_logo if piece not in band]) == laid_out(placed_text(longest["pdf"]))


def test_page_one_holds_the_triage_facts(longest: dict[str, Any]) -> None:
    document, details = longest["document"], longest["details"]
    page_one = page_texts(longest["pdf"])[0]
    how_soon = fields.FIELDS_BY_NAME["how_soon"]
    facts = {
        "reference": document["reference"],
        "how soon": how_soon.options[details["how_soon"]],
        "mode": MODE_LABELS[document["mode"]],
        "role": words(details["job_role"]),
        "agency": words(details["agency"]),
        "identifying-data result": identifying_check_text(document["details"]["identifying_check"]),
        "standing note": "does not replace supervision, or any statutory",
    }
    facts |= {f"criterion {item['value']}": item["label"] for item in document["details"]["criteria"]}
    facts |= {f"flag {flag['id']}": flag["label"] for flag in document["flags"]}
    missing = [name for name, fact in facts.items() if words(fact) not in page_one]
    assert not missing, missing


def test_a_long_email_address_stays_beside_its_label_broken_anywhere_in_the_value_column(
    longest: dict[str, Any],
) -> None:
    """Found (review): an email address too long for the value column with nothing to break at
    (no space or hyphen; the longest request's is 254 characters) began a line below its label:
    "Work email" stood alone on its line with a gap beside it. It now breaks wherever it must:
    its first line is level with the label, every line starts in the value column, on the page,
    and the whole address is there."""
    address = longest["details"]["email"]
    placed = placed_text(longest["pdf"])
    label = next(piece for piece in placed if piece.text == "Work email")
    pieces = sorted(
        (piece for piece in placed if piece.page == label.page and "".join(piece.text.split()) in address),
        key=lambda piece: piece.y,
    )
    assert "".join("".join(piece.text.split()) for piece in pieces) == address
    assert abs(pieces[0].y - label.y) < 1, (label, pieces[0])  # beside the label, not below it
    column = pieces[0].x
    assert column > label.x + 100  # the value column, 40mm from the key's
    assert all(abs(piece.x - column) < 1 for piece in pieces), pieces
    # Inside the page's 12mm margin: each line's width at 9pt, from Liberation Sans's (Arial's)
    # widths in ems (0.556 for the letters not listed).
    ems = {".": 0.278, "@": 1.015, "i": 0.222, "l": 0.222, "t": 0.278, "r": 0.333, "c": 0.5, "x": 0.5, "m": 0.833}
    lines = [line.strip() for piece in pieces for line in piece.text.splitlines()]
    widths = [sum(ems.get(character, 0.556) for character in line) * 9 for line in lines]
    assert len(lines) > 1 and all(column + width < A4[0] - 34 + 1 for width in widths), (column, widths)


def holds(unspaced: str, value: str) -> bool:
    """Whether text (without its whitespace) holds the start and the end of ``value`` (so nothing
    is cut off). Not the whole of it in one run: text drawn beside it (the other cells of a
    table row, or the keys at the top of page 2 when it runs on) can come between its lines."""
    squashed = "".join(value.split())
    return squashed[:50] in unspaced and squashed[-50:] in unspaced


def test_every_field_and_answer_is_in_the_pdf_and_the_guidance_as_titles_only(
    longest: dict[str, Any], module_app: Flask
) -> None:
    document, details = longest["document"], longest["details"]
    text = body_text(longest["pdf"])
    unspaced = "".join(text.split())
    for entry in fields.FIELDS:
        with module_app.app_context():  # a question naming local services: the partnership's answers
            shown = entry.shown(document["details"], document["mode"])
        value = details[entry.name] if entry.kind in fields.TEXT_KINDS else shown
        assert holds(unspaced, value), entry.name
    criteria = [item["label"] for item in document["details"]["criteria"]]
    for reason in document["explanation"]:
        assert holds(unspaced, reason["short"]), reason["short"]
        # A confirmation reads "Confirmed" (its statement is in request.json, as confirmed).
        asked = longest["pack"].question(reason["question_id"])
        for answer in [CONFIRMED] if asked.kind == "confirm" else reason["answers"]:
            assert holds(unspaced, answer), answer
        if asked.kind == "confirm":
            assert "".join(reason["answers"][0].split())[:60] not in unspaced  # not the statement in full
        for guidance in reason["guidance"]:
            assert holds(unspaced, guidance["source"]), guidance["source"]
            assert "".join(guidance["text"].split()) not in unspaced  # a list of titles, not the full text
    assert sum(unspaced.count("".join(label.split())) for label in criteria) == len(criteria)  # listed once


def test_the_request_pdf_is_readable_tagged_and_carries_the_request(longest: dict[str, Any]) -> None:
    pdf, document = longest["pdf"], longest["document"]
    assert min(font_sizes(pdf)) >= MIN_FONT_PT
    reader = pdf_reader(pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == f"Space to Think request {document['reference']}"
    assert 'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data().decode()
    assert pdf_attachment_json(pdf) == document


# --- the supervision record --------------------------------------------------------------------


def test_the_supervision_record_holds_the_outcomes_contacts_and_boxes_to_fill_in(
    module_app: Flask, records: list[tuple[JourneyPath, bytes]]
) -> None:
    with module_app.app_context():
        pack, book = current_pack(), current_contacts()
    for path, pdf in records:
        text = " ".join(page_texts(pdf))
        unbroken = "".join(text.split())  # a long web address wraps across lines in the PDF
        outcome = pack.outcome(path.outcome)
        assert outcome is not None and outcome.contacts
        for contact_id in outcome.contacts:
            contact = book.get(contact_id)
            assert contact is not None
            pages = [link.url for link in getattr(contact, "links", ())] or [getattr(contact, "url", None)]
            for detail in (contact.name, contact.phone, contact.hours, contact.email, *pages):
                if detail:
                    assert "".join(detail.split()) in unbroken, (path.outcome, contact_id, detail)
        for label in ("What was agreed", "Who will do it", "When to review it"):
            assert label in text, (path.outcome, label)
        # Found (review): the "Outcome" row was followed straight by an "Outcome" heading.
        assert re.findall(r"\bOutcome\b", text) == ["Outcome"] and "What to do now" in text, path.outcome
        assert min(font_sizes(pdf)) >= MIN_FONT_PT


def test_the_supervision_record_holds_no_case_details(longest: dict[str, Any]) -> None:
    record = longest["record"]
    assert record, "the longest request is made in supervision, so its journey has a record"
    text = " ".join(page_texts(record))
    for name in ("name", "email", "phone", "reflection", "other_agencies", "availability"):
        assert words(longest["details"][name])[:40] not in text, name
    assert not re.search(r"\[(" + "|".join(entry.name for entry in fields.FIELDS) + r")\]", text)


def request_html(module_app: Flask, document: dict[str, Any]) -> str:
    """The request PDF's HTML, as app.requests.service.request_pdf renders it."""
    import html as html_module

    from app.requests.service import request_pdf_html

    with module_app.test_request_context():
        page = request_pdf_html(document, "today", "pack")
    return html_module.unescape(page)


def test_each_line_typed_is_laid_out_in_its_own_direction(module_app: Flask, longest: dict[str, Any]) -> None:
    """Found (text review): a reflection of a Polish line then an Urdu one was laid out in the PDF
    as one left-to-right text, the Urdu clauses in the wrong order (and, Urdu first, an English line
    read ".The team is stuck"), where the box it was typed in showed each line in its own direction.
    Each line is a block with its own direction; a line with no letters takes its block's; a value
    of one line is as before."""
    polish, urdu, numbers = "Zespół czuje się.", "میں اس خاندان کے ساتھ 3 ماہ سے کام کر رہا ہوں (3 months)۔", "2025"
    document = {**longest["document"], "details": {**longest["document"]["details"]}}
    document["details"]["reflection"] = f"{polish}\n{urdu}\n\n{numbers}"
    page = request_html(module_app, document)
    assert (
        f'<span class="line" dir="ltr">{polish}</span><span class="line" dir="rtl">{urdu}</span>'
        f'<span class="line">\u00a0</span><span class="line">{numbers}</span>'
    ) in page.replace("\u200b", "")
    document["details"]["reflection"] = urdu
    assert f'dir="rtl">{urdu}</p>' in request_html(module_app, document).replace("\u200b", "")


def structure_types(pdf: bytes) -> list[str]:
    """The structure tree's element types, in the tree's order (what a screen reader follows)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append(str(node["/S"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids] if kids is not None else []:
                walk(kid)

    walk(pdf_reader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found


def test_the_pdfs_read_each_key_beside_its_value_after_the_title(longest: dict[str, Any]) -> None:
    """Found (PDF review): every key of a page was drawn before the page's other text (the keys were
    floats), so a reader not following the tags, copying or saving as text, got fifteen keys, then the
    title, then the values without their keys; and the tags made each key and each value an item of a
    list, nothing tying one to the other. The rows are now a table, each key a row header."""
    for pdf in (longest["pdf"], longest["record"]):
        first = page_texts(pdf)[0]
        title = "Request for a Space to Think session" if pdf is longest["pdf"] else "Supervision record"
        key = "Completed by" if pdf is longest["pdf"] else "Rules version"
        assert first.index(title) < first.index(key), first[:300]
        tags = structure_types(pdf)
        assert "/Table" in tags and "/TH" in tags and "/L" not in tags[: tags.index("/Table")]
    summary = page_texts(longest["pdf"])[0]
    assert re.search(r"Completed by A manager or supervisor", summary), summary[:400]
    record = page_texts(longest["record"])[0]
    assert re.search(r"Outcome \S", record) and "Made Rules version" not in record


def test_every_summary_row_is_key_then_value_and_several_values_are_a_list(
    module_app: Flask, longest: dict[str, Any]
) -> None:
    """Found: in the summary for the facilitators the first criterion ran on after "Criteria:" and the next
    stood on a full-width line of its own, reading as another row; free-text rows ran their key
    in ("Availability: …") while the others had two columns. Every row now has the same two
    columns; the criteria and the flags are bulleted lists in the value column."""
    document = longest["document"]
    page = request_html(module_app, document)
    criteria = [item["label"] for item in document["details"]["criteria"]]
    flags = [item["label"] for item in document["flags"]]
    assert len(criteria) > 1 and len(flags) > 1
    for key, items in (("Criteria, as the requester chose them", criteria), ("Flags from the answers", flags)):
        key_cell = f'<th class="summary__key" scope="row"><span class="summary__key-text">{key}</span></th>'
        row = re.search(rf'{key_cell}\s*<td class="summary__value">(.*?)</td>', page, re.S)
        assert row is not None, key
        listed = re.findall(r"<li>(.*?)</li>", row.group(1), re.S)
        assert '<ul class="value-list">' in row.group(1) and [" ".join(i.split()) for i in listed] == items
    css = (Path(__file__).resolve().parent.parent / "templates/pdf/print.css").read_text()
    assert "summary__row--long .summary__key" not in css and "summary__row--long .summary__value" not in css
    assert "table-layout: fixed" in css
    # The label keeps its object.
    assert '<span class="summary__key-text">Does the family know about this request</span>' in page


def test_the_supervision_record_words_the_flags_as_the_outcome_page_does(
    records: list[tuple[JourneyPath, bytes]],
) -> None:
    """Found: the record headed them "Flags"; the outcome page says "What we noted from the answers"."""
    texts = [body_text(record) for _path, record in records]
    assert any("What we noted from the answers" in text for text in texts)  # the longest journey has flags
    assert not any("Flags" in text for text in texts)


def test_each_answers_guidance_numbers_are_in_order(module_app: Flask, longest: dict[str, Any]) -> None:
    """Found (new-user review): the row "Talked about in supervision" cited "11, 2": the numbers
    came in the order the rule cites its guidance, not the order of the list they point into."""
    page = request_html(module_app, longest["document"])
    cells = re.findall(r'<td class="answers__cites">([^<]*)</td>', page)
    numbered = [[int(n) for n in cell.split(", ")] for cell in cells if cell]
    assert numbered and any(len(numbers) > 1 for numbers in numbered)
    assert all(numbers == sorted(numbers) for numbers in numbered), numbered
