"""The PDFs: tagged PDF/UA-1 with title, language and author; the request's content and its
JSON attachment; nothing fetched while rendering; the supervision record."""

from __future__ import annotations

import http.server
import inspect
import logging
import os
import re
import subprocess
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import select

from app.extensions import db
from app.inbox.pdf_import import read_request_pdf
from app.models import StoredRequest
from app.pdf import FetchRefused, PdfAttachment, render_pdf
from app.pdf_weasyprint import RefusingFetcher
from app.requests.document import SIGNATURE_NAME, document_json, request_document, request_signature
from support.languages import TYPED_IN_MANY_SCRIPTS
from support.pdf import (
    fake_render_pdf,
    glyphs_drawn,
    pages_holding,
    pdf_attachment_json,
    pdf_reader,
    pdf_text,
    placed_text,
)
from support.servers import project_python
from support.submission import (
    SUPERVISION_PATH,
    VALID_DETAILS,
    make_request,
    path_before,
    run_outbox,
    submitted_request,
    supervision_record,
    to_outcome,
)
from support.walk import Walker

# Everything here renders with WeasyPrint; the rest of the suite uses support.pdf.fake_render_pdf.
pytestmark = pytest.mark.real_pdf

PRINT_CSS = Path(__file__).resolve().parent.parent / "templates" / "pdf" / "print.css"
SIMPLE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>A test</title>
<meta name="author" content="Tester"></head><body><h1>Hello</h1><p>{body}</p></body></html>"""


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def http_server() -> Iterator[str]:
    """A real HTTP server on loopback that counts requests made to it."""
    _Counter.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_fetcher_refuses_every_url() -> None:
    fetcher = RefusingFetcher()
    for url in (
        "http://example.com/x.png",
        "https://example.com/",
        "file:///etc/passwd",
        "data:text/plain,hi",
        "ftp://example.com/x",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_the_fetcher_hands_over_only_the_images_it_was_given_by_their_exact_address() -> None:
    """The logo's bytes, given from memory at ``LOGO_URL``; any other address, one like it too, is refused."""
    from app.pdf import LOGO_URL, PdfImage

    fetcher = RefusingFetcher({LOGO_URL: PdfImage(b"<svg/>", "image/svg+xml")})
    response = fetcher.fetch(LOGO_URL)
    assert response.read() == b"<svg/>" and response.content_type == "image/svg+xml"  # type: ignore[attr-defined]
    for url in (f"{LOGO_URL}?x", f"{LOGO_URL}/", "file:///etc/passwd", LOGO_URL.upper()):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_rendering_fetches_nothing(http_server: str) -> None:
    body = (
        f'<img src="{http_server}/tracker.png" alt="x"><img src="file:///etc/passwd" alt="y">'
        f'<link rel="stylesheet" href="{http_server}/style.css">'
        f'<span style="background: url({http_server}/bg.png)">text</span>'
    )
    html = SIMPLE.format(body=body).replace("</head>", f'<link rel="stylesheet" href="{http_server}/s.css"></head>')
    fetcher = RefusingFetcher()
    pdf = render_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF-")
    assert _Counter.hits == []
    assert any("passwd" in url for url in fetcher.refused)
    assert any(url.startswith(http_server) for url in fetcher.refused)
    assert "root:" not in pdf_text(pdf)


def test_each_pdf_has_its_own_styles_though_the_renderer_keeps_them(http_server: str) -> None:
    """The renderer parses each style sheet once and keeps it (app.pdf_weasyprint): a document
    still gets only its own styles, however often it and others are rendered, and a style sheet
    that asks for something is still refused it, and the refusal recorded, every time."""
    red = SIMPLE.format(body="Text").replace("</head>", "<style>p { color: #ff0000; }</style></head>")
    importing = red.replace("<style>", f"<style>@import url({http_server}/i.css); ")

    def drawn_red(pdf: bytes) -> bool:
        return b"1 0 0 rg" in b"".join(page.get_contents().get_data() for page in pdf_reader(pdf).pages)

    for _ in range(2):
        assert drawn_red(render_pdf(red))
        assert not drawn_red(render_pdf(SIMPLE.format(body="Text")))
        fetcher = RefusingFetcher()
        assert drawn_red(render_pdf(importing, fetcher=fetcher))
        assert fetcher.refused == [f"{http_server}/i.css"]
    assert _Counter.hits == []


WEASYPRINT_ON_FIRST_PDF = """
import sys
from app import create_app
app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
assert app.test_client().get("/").status_code == 200
assert "weasyprint" not in sys.modules, "WeasyPrint was imported before any PDF was made"
assert "pypdf" not in sys.modules, "pypdf was imported before any PDF was imported"
print("ok")
"""


def test_weasyprint_is_imported_with_the_first_pdf_not_at_start_up() -> None:
    """A web worker or ``flask`` command that never makes a PDF does not load WeasyPrint (about
    half a second and 26 MB), nor pypdf unless it imports a request PDF (about 0.1 s). (Every
    other test here makes its PDFs through that first use.)"""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "DATABASE_URL"))}
    result = project_python(["-c", WEASYPRINT_ON_FIRST_PDF], env)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_render_pdf_is_tagged_pdf_ua_with_metadata() -> None:
    pdf = render_pdf(SIMPLE.format(body="Plain text"), [PdfAttachment("data.json", b"{}", "Some data")])
    reader = pdf_reader(pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "A test"
    assert reader.metadata.author == "Tester"
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert reader.attachments["data.json"] == [b"{}"]


def test_the_fake_renderer_keeps_the_real_ones_interface(app) -> None:
    """The other tests' stand-in takes what render_pdf takes, and gives a PDF the app reads back the same way."""

    def parameters(function: object) -> list[tuple[str, object, object, object]]:
        return [(p.name, p.kind, p.default, p.annotation) for p in inspect.signature(function).parameters.values()]

    assert parameters(fake_render_pdf) == parameters(render_pdf)
    assert inspect.signature(fake_render_pdf).return_annotation == inspect.signature(render_pdf).return_annotation
    html = SIMPLE.format(body="Plain text")
    attachment = PdfAttachment("data.json", b'{"a": 1}', "Some data")
    for renderer in (render_pdf, fake_render_pdf):
        pdf = renderer(html, [attachment])
        assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")
        reader = pdf_reader(pdf)
        assert len(reader.pages) >= 1 and reader.metadata.title == "A test"
        assert reader.attachments == {"data.json": [b'{"a": 1}']}
    with app.app_context():
        stored = make_request(pdf=True).request
        real_pdf, created, document = stored.pdf, stored.created_at, request_document(stored)
    content = document_json(document)
    attached = PdfAttachment("request.json", content, "The request as data", created=created)
    with app.app_context():  # the import checks each answer against the partnership's
        signature = PdfAttachment(SIGNATURE_NAME, request_signature(content), "Its signature", created=created)
        assert read_request_pdf(fake_render_pdf(html, [attached, signature])) == read_request_pdf(real_pdf)
        assert read_request_pdf(real_pdf).signed  # the real renderer keeps the signature as it is


def test_request_pdf_content_and_attachment(app) -> None:
    with app.app_context():
        stored = make_request(pdf=True).request
        pdf = stored.pdf
        document = request_document(stored)
    text = pdf_text(pdf)
    assert stored.reference in text
    assert "does not replace" in text
    # Who to call, with their numbers (found, content review: "contact children's social care" only).
    with app.app_context():
        from app.pack import current_contacts

        emergency = current_contacts().emergency
    assert len(emergency) == 3  # 999, the front door and out of hours
    # With the hours of a line answered at set times (found, review of the design's promises: the
    # front door's number alone gave no sign it is closed at night).
    listed = "; ".join(f"{c.name}, {c.phone}" + (f" ({c.hours})" if c.open else "") for c in emergency)
    assert sum(1 for c in emergency if c.open) == 1
    assert f"call 999 in an emergency: {listed}." in " ".join(text.split())
    assert stored.rule_pack_version in text
    assert "Rules version" in text and "Rule pack" not in text  # the same words as every other page
    assert "I feel stuck, or unclear about the systems" in text  # criteria
    assert "Not discussed in supervision before this request" in text  # flags
    for value in (
        "Alex Practitioner",
        "Health visitor",
        "alex.practitioner@nhs.example",
        "0161 496 0000",
        "5 to 10",
        "Child in Need",
        "March 2025",
        "Within a month",
        "Online",
        "Tuesday mornings",
    ):
        assert value in text, value
    assert " ".join(VALID_DETAILS["reflection"].split()) in text
    # The answers: the question in a few words (the JSON keeps it in full), the answer, and the
    # titles of the guidance cited.
    danger = next(reason for reason in document["explanation"] if reason["question_id"] == "immediate_danger")
    assert danger["question"].startswith("Is a child or young person in immediate danger")
    assert danger["short"] in text
    assert "Working Together to Safeguard Children (2023)" in text
    reader = pdf_reader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == f"Space to Think request {stored.reference}"
    assert "Space to Think" in reader.metadata.author
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert 'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data().decode()
    attached = pdf_attachment_json(pdf)
    assert attached == document
    assert attached["details"]["reflection"] == VALID_DETAILS["reflection"]
    assert attached["answers"]["criteria"] == ["stuck", "debrief"]


def test_downloaded_pdf_attachment_equals_what_was_submitted(client, app) -> None:
    walker = to_outcome(client)
    submitted_request(walker)
    run_outbox(app)
    pdf = client.get("/request/submitted/request.pdf").get_data()
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        expected = request_document(stored)
    attached = pdf_attachment_json(pdf)
    assert attached == expected
    for name, value in VALID_DETAILS.items():
        if name not in ("event_month", "event_year"):
            assert attached["details"][name] == value, name
    assert attached["details"]["event_month"] == "2025-03"


def test_user_text_cannot_make_the_renderer_fetch(app, http_server: str) -> None:
    hostile = (
        f'<img src="{http_server}/x.png"> <link rel=attachment href="file:///etc/passwd"> '
        f'</p><iframe src="{http_server}/"></iframe>'
    )
    with app.app_context():
        stored = make_request(
            details={**VALID_DETAILS, "reflection": hostile, "access_needs": "file:///etc/passwd"}, pdf=True
        ).request
        pdf = stored.pdf
    assert _Counter.hits == []
    text = pdf_text(pdf)
    assert "<img src=" in text  # shown as the text it is
    assert "root:x:" not in text
    assert list(pdf_reader(pdf).attachments) == ["request.json", SIGNATURE_NAME]


def _font_installed(name: str) -> bool:
    import shutil

    if shutil.which("fc-list") is None:
        return False
    return name in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout


@pytest.mark.skipif(not _font_installed("Symbola"), reason="emoji need the Symbola font (apt: fonts-symbola)")
def test_long_and_odd_unicode_text_in_the_pdf(app) -> None:
    odd = "Emoji 🙂👩‍👧, RTL \u05e9\u05dc\u05d5\u05dd, zero\u200bwidth, e\u0301, "
    reflection = ("word " * 150 + "x" * 400 + " " + odd * 8)[:1494] + " LAST."
    with app.app_context():
        stored = make_request(
            details={**VALID_DETAILS, "reflection": reflection, "other_agencies": "Ünïcödé ağency — ’quotes’"}, pdf=True
        ).request
        pdf = stored.pdf
    assert pdf_attachment_json(pdf)["details"]["reflection"] == reflection
    text = pdf_text(pdf)
    assert "LAST." in text  # nothing cut off
    assert "Ünïcödé ağency" in text
    assert "x" * 50 in text.replace(" ", "")  # a 400-character word is wrapped, not lost


def _fonts_used(pdf: bytes) -> set[str]:
    """The names of the fonts a PDF's pages use (without their subset prefix, "ABCDEF+")."""
    names: set[str] = set()
    for page in pdf_reader(pdf).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        for font in fonts.values():
            names.add(str(font.get_object().get("/BaseFont", "")).split("+", 1)[-1])
    return names


def test_an_emoji_with_a_skin_tone_prints_in_colour_as_one(app) -> None:
    """Found (practitioner review): "👩🏽‍⚕️" printed in black and white as a woman, a box for the skin
    tone and a staff of Aesculapius, side by side (Symbola has no skin tones, nor people made of
    several). With Noto Color Emoji installed (scripts/setup), Pango draws it with that, as one, in
    colour; the words around it are Liberation Sans. Not skipped without the font: scripts/setup
    installs it, and a PDF without it is the fault this test is for."""
    assert _font_installed("Noto Color Emoji"), "Noto Color Emoji is missing: run scripts/setup as root"
    with app.app_context():
        reflection = "The health visitor 👩🏽‍⚕️ and the school nurse meet the family on Thursday."
        pdf = make_request(details={**VALID_DETAILS, "reflection": reflection}, pdf=True).request.pdf
    used = _fonts_used(pdf)
    assert "Noto-Color-Emoji" in used and "Liberation-Sans" in used, used
    assert "Symbola" not in used, used


ARABIC = (  # "I would like to reflect on the work with the family."
    "\u0623\u0631\u063a\u0628 \u0641\u064a \u0627\u0644\u062a\u0641\u0643\u064a\u0631 \u0641\u064a "
    "\u0627\u0644\u0639\u0645\u0644 \u0645\u0639 \u0627\u0644\u0639\u0627\u0626\u0644\u0629."
)
HEBREW = "\u05d0\u05d7\u05d5\u05ea \u05d1\u05d9\u05ea \u05d4\u05e1\u05e4\u05e8"  # "a school nurse"


def _line_starts(pdf: bytes) -> dict[str, float]:
    """Where on the page (points from the left) each piece of text in the PDF starts."""
    starts: dict[str, float] = {}

    def visit(text: str, _cm: object, matrix: list[float], _font: object, _size: object) -> None:
        if text.strip():
            starts.setdefault(text.strip(), matrix[4])

    for page in pdf_reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return starts


def test_text_typed_right_to_left_is_laid_out_right_to_left_in_the_request_pdf(app) -> None:
    """WeasyPrint lays text out left to right unless told dir="rtl" (it does not work out
    dir="auto", as the pages' browsers do): Arabic or Hebrew typed in a box is set from the
    right margin, with its full stop at its left end; English stays set from the left."""
    with app.app_context():
        pdf = make_request(
            details={**VALID_DETAILS, "reflection": ARABIC, "other_agencies": HEBREW}, pdf=True
        ).request.pdf
    starts = _line_starts(pdf)
    arabic = next(x for text, x in starts.items() if "\u0623\u0631\u063a\u0628" in text)
    hebrew = next(x for text, x in starts.items() if "\u05d0\u05d7\u05d5\u05ea" in text)
    english = starts[VALID_DETAILS["job_role"]]  # a value in the same column as the Hebrew
    assert arabic > english + 150  # a short line, set against the right margin
    assert hebrew > english + 150
    assert pdf_attachment_json(pdf)["details"]["reflection"] == ARABIC  # the words themselves unchanged
    assert ARABIC[:10] in pdf_text(pdf)


def test_a_request_typed_in_any_of_salfords_languages_prints_every_letter(app) -> None:
    """Found: Urdu ("ہے"), Bengali, Gujarati, Punjabi, Hindi, Tamil, Tigrinya, Chinese, Japanese,
    Korean and Thai typed in a request printed as empty boxes (each character WeasyPrint's .notdef
    glyph: no installed font had it), and Urdu's own letters came from a different font than the
    Arabic letters beside them. Read back from the PDF itself: every glyph drawn is a real letter,
    and Arabic script is drawn in one font."""
    reflection = " ".join(TYPED_IN_MANY_SCRIPTS.values())
    details = {
        **VALID_DETAILS,
        "reflection": reflection,
        "job_role": TYPED_IN_MANY_SCRIPTS["Bengali"][:40],
        "other_agencies": TYPED_IN_MANY_SCRIPTS["Urdu"],
    }
    with app.app_context():
        pdf = make_request(details=details, pdf=True).request.pdf
    glyphs = glyphs_drawn(pdf)
    boxes = "".join(glyph.text for glyph in glyphs if glyph.notdef)
    assert not boxes, f"printed as empty boxes: {boxes!r} (scripts/setup installs the fonts, as root)"
    drawn = {character for glyph in glyphs for character in glyph.text}
    for language, phrase in TYPED_IN_MANY_SCRIPTS.items():
        letters = {character for character in phrase if unicodedata.category(character).startswith("L")}
        assert letters <= drawn, (language, sorted(letters - drawn))
    arabic_script = {glyph.font for glyph in glyphs if any("ARABIC" in unicodedata.name(c, "") for c in glyph.text)}
    assert len(arabic_script) == 1, arabic_script
    assert pdf_attachment_json(pdf)["details"]["reflection"] == reflection


def test_right_to_left_is_decided_by_the_first_letter_with_a_direction() -> None:
    from app.templating import right_to_left

    assert right_to_left(ARABIC)
    assert right_to_left("12, (" + HEBREW + ")")  # digits and punctuation have no direction
    assert not right_to_left("School nurse, " + HEBREW)  # English first: left to right
    assert not right_to_left("")
    assert not right_to_left("2026-12-03 !")
    from app.templating import direction  # (each line of a value in the PDF: ``_content.html``'s lines)

    assert (direction(ARABIC), direction("12, (" + HEBREW + ")"), direction("School nurse")) == ("rtl", "rtl", "ltr")
    assert direction("2026-12-03 !") == direction("") == ""


def test_supervision_record_has_no_case_details(client) -> None:
    walker = to_outcome(client, SUPERVISION_PATH)
    pdf = supervision_record(client).get_data()
    text = pdf_text(pdf)
    assert "supervision record" in text.lower()
    assert "The practitioner can ask for a Space to Think session" in text  # the outcome, in supervision wording
    assert "version" in text and "does not replace" in text
    assert "Rules version" in text and "Rule pack" not in text
    assert "Is a child or young person in immediate danger" in text
    reader = pdf_reader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Space to Think supervision record")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    # Made after the details are typed, it still holds none of them.
    from support.submission import fill_details

    fill_details(walker)
    text = pdf_text(supervision_record(client).get_data())
    for value in ("Alex Practitioner", "alex.practitioner@nhs.example", VALID_DETAILS["reflection"][:30]):
        assert value not in text


def test_a_printed_web_address_never_breaks_after_https(client) -> None:  # type: ignore[no-untyped-def]
    """Found (new-user review): the supervision record printed the pathway guidance's address as
    "https://" at the end of one line and the rest on the next. It breaks in its path now. (The
    rest of the path is not cut into spans: each span in a link is a link area and a tag of its own,
    and a screen reader met each address several times: PDF review.)"""
    from app.templating import web_address

    joined = "\u2060".join  # a word joiner between each two characters of the start (app.templating.WORD_JOINER)
    assert str(web_address("https://a.example/<b>")) == (
        f'<a href="https://a.example/&lt;b&gt;">{joined("https://a.example/")}&lt;b&gt;</a>'
    )
    assert str(web_address("a.example/page")) == f"{joined('a.example/')}page"
    walker = Walker(client)
    walker.walk([("mode", "supervision"), ("immediate_danger", "yes")])  # U1: children's social care's pages
    reader = pdf_reader(supervision_record(client).get_data())
    lines = [line.strip() for page in reader.pages for line in (page.extract_text() or "").splitlines()]
    assert any("safeguardingchildren.salford.gov.uk" in line for line in lines)
    assert not [line for line in lines if line.endswith(("https://", "https:", "http://"))], lines
    # Each is a link a PDF reader opens (PDF review: they were text only).
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    assert any("safeguardingchildren.salford.gov.uk" in str(link) for link in links), links


def test_each_printed_web_address_is_one_link_tagged_as_a_link(client) -> None:  # type: ignore[no-untyped-def]
    """Found (review of the files the service hands out): each address in the supervision record had
    a second link area, for the element that kept its start on one line, tagged as that element (a
    Span), not as a link: a screen reader met the address twice, and the record failed PDF/UA-1
    (ISO 14289-1, 7.18.5: "a link annotation is not nested within a Link tag"). Every link area is
    now a Link's, one for each line of an address, and nothing the start is held with is read out."""
    walker = Walker(client)
    # E: the pathway guidance's address, after its name, runs onto a second line.
    walker.walk([*path_before("disagreement", SUPERVISION_PATH), ("disagreement", "want_review")])
    reader = pdf_reader(supervision_record(client).get_data())
    parents = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()["/Nums"]
    # (A page's entry is the list of its marked content's parents; an annotation's is its element.)
    entries = {parents[i]: parents[i + 1].get_object() for i in range(0, len(parents), 2)}
    tagged_as = {key: entry.get("/S") for key, entry in entries.items() if hasattr(entry, "get")}
    annotations = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    assert annotations
    assert [tagged_as[annotation["/StructParent"]] for annotation in annotations] == ["/Link"] * len(annotations)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "https://safeguardingchildren.salford.gov.uk/" in text and "\u2060" not in text
    # Each address whole on a line of its own (files review: the pathway guidance's broke after a
    # hyphen of its path, "policies-" / "and-procedures", and copying it gave "policiesand-procedures").
    lines = {line.strip() for page in reader.pages for line in (page.extract_text() or "").splitlines()}
    addresses = {str(annotation["/A"]["/URI"]) for annotation in annotations}
    assert any("-" in address.split("//", 1)[-1] for address in addresses), addresses
    assert [line for line in lines if "https://" in line and line[line.index("https://") :] not in addresses] == []


def test_a_typical_request_pdfs_answers_are_one_table_to_a_screen_reader(app) -> None:  # type: ignore[no-untyped-def]
    """Found (review of the files the service hands out): a typical request's answers table ran from
    the foot of page 1 onto page 2, and the PDF renderer tags each page's part of an element as an
    element of its own (WeasyPrint issue 2903): a screen reader met a second table, with no heading,
    of the last answer under the header row again. The table now starts on the next page when the
    rest of page 1 cannot hold it whole: one table, under its heading, and still two pages."""
    from app.pack import current_pack
    from app.requests.service import request_pdf

    with app.app_context():
        reader = pdf_reader(request_pdf(make_request().request, current_pack()))
    tables = [element for element in _struct_elements(reader) if element["/S"] == "/Table"]
    answers = [table for table in tables if "/THead" in [kid.get_object().get("/S") for kid in table["/K"]]]
    assert len(answers) == 1, f"{len(answers)} answers tables"
    assert len(reader.pages) == 2


def test_only_a_long_word_is_marked_to_break_anywhere_and_what_was_typed_stays_text() -> None:
    """The request PDF's values: a word of 40 characters or more is breakable anywhere (print.css
    .unbroken); shorter words and everything typed is escaped, markup shown as the text it is."""
    from app.templating import breakable_words

    address = "<b>" + "a" * 40 + "&amp;@example.org"
    assert str(breakable_words(f"Write to {address} or <i>me</i>")) == (
        'Write to <span class="unbroken">&lt;b&gt;' + "a" * 40 + "&amp;amp;@example.org</span> or &lt;i&gt;me&lt;/i&gt;"
    )
    assert str(breakable_words("a" * 39 + " ordinary words")) == "a" * 39 + " ordinary words"


def _struct_elements(reader: object) -> list[object]:
    """Every structure element of a tagged PDF, depth first."""
    found: list[object] = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]  # type: ignore[attr-defined]  # a pypdf reader
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not hasattr(node, "get"):
            continue  # a marked-content id
        if node.get("/S") is not None:
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    return found


def _request_pdf_with_the_example_logo(app, caplog: pytest.LogCaptureFixture, logo: bool) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    """A stored request's PDF, made with the example partnership's logo (or none), asking for
    nothing the renderer refuses; and the logo's text alternative."""
    import dataclasses
    import logging
    from pathlib import Path

    from app.pack import PARTNERSHIP_KEY, current_pack
    from app.requests.service import request_pdf
    from app.rules.partnership import Logo

    alt = "Northmere emblem: a star over two waves"
    svg = (Path(__file__).resolve().parent.parent / "examples" / "northmere" / "logo.svg").read_bytes()
    with app.app_context():
        if logo:
            partnership = app.extensions[PARTNERSHIP_KEY]
            app.extensions[PARTNERSHIP_KEY] = dataclasses.replace(
                partnership, logo=Logo("logo.svg", alt, "image/svg+xml", svg)
            )
        stored = make_request().request
        with caplog.at_level(logging.WARNING, logger="app.pdf"):
            pdf = request_pdf(stored, current_pack())
    assert not [record for record in caplog.records if "Refused" in record.getMessage()]
    return pdf, alt


def test_the_request_pdf_shows_the_partnerships_logo_with_its_text_alternative(app, caplog) -> None:
    """Found (area review): the partnership's logo, in every page's header, was not in the request
    PDF. It stands beside the name at the top, on the brand colour (a logo is white, to read on
    it, as in the header), handed to the renderer from memory (nothing is fetched); the PDF stays
    PDF/UA: the image is a Figure with the logo's text alternative."""
    pdf, alt = _request_pdf_with_the_example_logo(app, caplog, logo=True)
    reader = pdf_reader(pdf)
    figures = [element for element in _struct_elements(reader) if element["/S"] == "/Figure"]
    assert [str(figure["/Alt"]) for figure in figures] == [alt]
    assert 'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data().decode()
    first_page = " ".join((reader.pages[0].extract_text() or "").split())
    assert "Salford Safeguarding Children Partnership" in first_page  # the name beside the logo
    assert figures[0]["/Pg"].get_object() == reader.pages[0]  # on the first page


@pytest.mark.real_pdf
def test_the_supervision_record_and_the_questions_show_the_logo_too(app, caplog) -> None:  # type: ignore[no-untyped-def]
    """Found (review of the logo in the request PDF): the supervision record and the questions to
    prepare, the other PDFs a person downloads, had no logo nor the partnership's name: the same
    band now, from one template (pdf/_partnership.html), the logo handed over from memory."""
    import dataclasses
    import datetime as dt
    import logging
    from pathlib import Path

    from app.models import SupervisionRecord
    from app.pack import PARTNERSHIP_KEY, current_pack
    from app.requests.service import supervision_record_html
    from app.rules import evaluate
    from app.rules.partnership import Logo
    from app.supervision_record import render_record
    from support.submission import SUPERVISION_PATH

    alt = "Northmere emblem: a star over two waves"
    svg = (Path(__file__).resolve().parent.parent / "examples" / "northmere" / "logo.svg").read_bytes()
    partnership = app.extensions[PARTNERSHIP_KEY]
    app.extensions[PARTNERSHIP_KEY] = dataclasses.replace(partnership, logo=Logo("logo.svg", alt, "image/svg+xml", svg))
    answers = dict(SUPERVISION_PATH)
    with caplog.at_level(logging.WARNING, logger="app.pdf"):
        with app.test_request_context():
            html = supervision_record_html(evaluate(current_pack(), answers), dt.datetime(2026, 12, 2, 9, 0))
            record = render_record(SupervisionRecord(html=html))  # as the outbox worker makes it
        run_outbox(app)  # the questions to prepare are made by the outbox worker
        questions = app.test_client().get("/questions-to-prepare.pdf").get_data()
    assert not [entry for entry in caplog.records if "Refused" in entry.getMessage()]  # nothing fetched
    for pdf in (record, questions):
        reader = pdf_reader(pdf)
        figures = [element for element in _struct_elements(reader) if element["/S"] == "/Figure"]
        assert [str(figure["/Alt"]) for figure in figures] == [alt]
        assert "Salford Safeguarding Children Partnership" in " ".join((reader.pages[0].extract_text() or "").split())


def test_a_request_pdf_without_a_logo_has_no_image_and_no_partnership_band(app, caplog) -> None:
    """Without a logo in the partnership file the PDF is as it was: no image, no name band. Its
    running header names the partnership on every page (PDF review: printed, no PDF said whose it
    was), as the PDF's author does (the partnership file's ``pdf_author``)."""
    pdf, _ = _request_pdf_with_the_example_logo(app, caplog, logo=False)
    reader = pdf_reader(pdf)
    assert not [element for element in _struct_elements(reader) if element["/S"] == "/Figure"]
    for page in reader.pages:
        text = " ".join((page.extract_text() or "").split())
        assert "Space to Think, Salford Safeguarding Children Partnership STT-" in text, text[-300:]


def test_the_running_header_takes_any_partnership_name_as_words() -> None:
    """The header's words are a CSS string in the PDF's style sheet: a quote, a backslash, an
    apostrophe or "</style>" in the partnership's name stays words, and ends nothing."""
    from app.templating import css_string

    said = str(css_string('Space to Think, St Anne\'s "Partnership" \\ </style>'))
    assert said.startswith('"Space to Think') and said.endswith('"') and said.count('"') == 2
    assert "</style>" not in said and "\\000027" in said and "\\00005c" in said


def test_the_questions_to_prepare_fill_their_first_page_and_keep_each_heading_with_its_start(app) -> None:
    """Found (review): each question was kept whole, so one too long for what was left of page 1
    went whole to page 2, leaving a quarter of page 1 empty (and of the pages after it). A question
    now breaks between its answers: page 1 is filled to within an eighth of its foot, and each
    question's heading is on the same page as its hint and its first answer."""
    from app.pack import current_pack
    from app.questions_pdf import render_questions
    from app.questions_to_prepare import PREPARE_MODES, questions_to_prepare

    # The page's top and bottom margins, as print.css gives them (22mm and 24mm when written).
    margins = re.search(r"@page \{[^}]*?margin: (\d+)mm \d+mm (\d+)mm", PRINT_CSS.read_text(encoding="utf-8"))
    assert margins is not None, "the @page rule's margin in templates/pdf/print.css (top right bottom left, in mm)"
    top, bottom = (int(margin) / 25.4 * 72 for margin in margins.groups())
    foot = 842 - bottom  # A4's height less the bottom margin, in points
    for mode in PREPARE_MODES:
        with app.test_request_context():
            pdf = render_questions(mode)
            questions = questions_to_prepare(current_pack(), mode)
        lowest = max(piece.y for piece in placed_text(pdf) if piece.page == 1 and piece.y < foot)
        assert foot - lowest < (foot - top) / 8, (mode, foot - lowest)
        for question in questions:
            pages = pages_holding(pdf, f"{question.number}. {question.title}")
            assert len(pages) == 1, (mode, question.number, pages)
            for start in (question.hint, question.options[0].label):
                assert not start or pages[0] in pages_holding(pdf, start), (mode, question.number, start)


def test_a_questions_page_that_starts_with_answers_says_whose_answers_they_are(app) -> None:
    """Found (PDF review): a question breaks between its answers, so a page could start with "No,
    it has already been shared" under no heading, and a manager printing the questions for
    supervision could not tell which question it answered. The running head of such a page says
    "question 3, continued"; a page that starts with a question's heading says nothing more."""
    from app.pack import current_pack
    from app.questions_pdf import render_questions
    from app.questions_to_prepare import PREPARE_MODES, questions_to_prepare

    margins = re.search(r"@page \{[^}]*?margin: (\d+)mm", PRINT_CSS.read_text(encoding="utf-8"))
    assert margins is not None, "the @page rule's margin in templates/pdf/print.css"
    top = int(margins[1]) / 25.4 * 72
    continued_pages = 0
    for mode in PREPARE_MODES:
        with app.test_request_context():
            pdf = render_questions(mode)
            questions = questions_to_prepare(current_pack(), mode)
        placed = placed_text(pdf)
        starts = {
            question.number: pages_holding(pdf, f"{question.number}. {question.title}")[0] for question in questions
        }
        for page in range(2, max(piece.page for piece in placed) + 1):
            head = " ".join(piece.text for piece in placed if piece.page == page and piece.y < top)
            first = min((piece for piece in placed if piece.page == page and piece.y > top), key=lambda p: p.y)
            begun = [number for number, start in starts.items() if start < page]
            if re.match(r"\d+\. ", first.text) and starts.get(int(first.text.split(".")[0])) == page:
                assert "continued" not in head, (mode, page, head)
            else:
                continued_pages += 1
                assert f"question {max(begun)}, continued" in head, (mode, page, first.text, head)
    assert continued_pages, "no page started with a question's later answers: the test checks nothing"


def test_the_renderers_warnings_never_quote_what_a_request_says(app, caplog) -> None:
    """Found (privacy review): WeasyPrint warns, for each character no installed font has, with the
    character itself (".notdef glyph rendered for Unicode string unsupported by fonts: "漢"
    (U+6F22)"), so a name or a reflection typed in a script the server has no font for reached the
    outbox worker's log one character at a time, in order. Its warnings are logged without their
    values; what they are about is still said."""
    # No font has the private-use characters: each is warned about. With them, text built to
    # provoke warnings: Chinese and hieroglyphs (often no font), emoji, right-to-left text and its
    # override, a very long word, control-like characters, and what looks like CSS and markup.
    name = "Zqxname \ue000\U0010fffd 漢字"
    reflection = (
        "Reflectmark \ue001\U0010fffc𓀀 🙂\U0001fae8 \u202eשלום\u202c ﷽ "
        + "Longword" * 60
        + " \u0085\u2028\ufeff\u200b "
        "color: red; } @import url(x); <b id=a>x</b>"
    )
    with app.app_context(), caplog.at_level(logging.DEBUG):
        stored = make_request(details={**VALID_DETAILS, "name": name, "reflection": reflection}, pdf=True).request
        assert stored.pdf is not None
    warnings = [record for record in caplog.records if record.name.startswith("weasyprint")]
    assert any(".notdef glyph" in record.getMessage() for record in warnings), [r.getMessage() for r in warnings]
    assert "\ue000" in "".join(glyph.text for glyph in glyphs_drawn(stored.pdf) if glyph.notdef)  # seen as boxes
    logged = "\n".join(logging.Formatter("%(name)s %(message)s").format(record) for record in caplog.records)
    for typed in ("Zqxname", "Reflectmark", "Longword", "\ue000", "\ue001", "\U0010fffd", "漢", "𓀀", "שלום", "\u0085"):
        assert typed not in logged, (typed, logged)
    # Nor the characters' numbers, which name them as well as the characters do.
    assert "10FFFD" not in logged.upper() and "E000" not in logged.upper() and "6F22" not in logged.upper(), logged


def test_a_questions_pdf_asked_for_again_in_the_tests_is_weasyprints_first_unless_the_limit_is_shorter(
    app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tests' own shortcut (``support.pdf.remember_questions_pdfs``): every outbox pass on a new
    database makes the questions to prepare, so the same questions PDF is made once per test process
    and its bytes given again; a limit shorter than that render took still gets the real render,
    stopped at the limit."""
    from app import pdf_renderer, questions_pdf
    from app.pdf import PdfRenderTimeout

    rendered: list[float] = []
    real = pdf_renderer.render_in_child

    def counted(html, attachments, images, seconds):  # type: ignore[no-untyped-def]
        rendered.append(seconds)
        return real(html, attachments, images, seconds)

    monkeypatch.setattr(pdf_renderer, "render_in_child", counted)
    with app.app_context():
        first = questions_pdf.render_questions("supervision")
        renders = len(rendered)
        assert renders <= 1  # none if an earlier test in this process made it
        assert questions_pdf.render_questions("supervision") == first and first.startswith(b"%PDF-")
        assert len(rendered) == renders
        app.config.update(PDF_RENDER_TIMEOUT_SECONDS=0.001)
        with pytest.raises(PdfRenderTimeout):
            questions_pdf.render_questions("supervision")
        assert rendered[renders:] == [0.001]


def test_a_row_whose_first_answer_is_short_takes_it_with_its_key_onto_the_next_page(app) -> None:
    """Found (PDF review): in the longest request with a shorter reflection, "Does the family know
    about this request" at the foot of page 1 left its first answer, "Not yet", there, under the row
    above and with no key, and took the key to page 2 with the reason alone (a table's cells break
    apart). With the reflection 100 to 450 characters long, the row moves from page 1 to page 2:
    wherever the key is, its first answer is with it. (The hint that kept them together, the first
    answer's break-after, failed once the text above changed: new engineer's review. Such a row is
    not broken now.)"""
    import datetime as dt

    from app.pack import current_pack
    from app.requests.service import guarded_fingerprint, request_pdf
    from support.longest import longest_details, longest_path, path_answers

    with app.app_context():
        answers = path_answers(longest_path(current_pack()))
        where = []
        for length in range(100, 500, 50):
            details = longest_details(dt.date.today())
            details["reflection"] = details["reflection"][:length]
            stored = make_request(details=details, answers=answers, confirmed=guarded_fingerprint(details, False))
            first = " ".join(
                (pdf_reader(request_pdf(stored.request, current_pack())).pages[0].extract_text() or "").split()
            )
            where.append(("Does the family know" in first, "Not yet" in first))
    # First the fault itself: at some length, the key on one page and its first answer on the other.
    split = [(length, place) for length, place in zip(range(100, 500, 50), where, strict=True) if place[0] != place[1]]
    assert split == [], (
        f"the PDF is wrong: at these reflection lengths, 'Does the family know about this request' and its "
        f"first answer 'Not yet' are on different pages ((key on page 1, answer on page 1)): {split}"
    )
    # Then that the lengths tried do test it: the row on page 1, then on page 2, somewhere in them.
    # (Not a fault of the PDF when it is not: a row added above it, or a layout change, moves where
    # the page breaks. Only then shift the lengths tried until it moves within them.)
    assert (True, True) in where and (False, False) in where, (
        f"the PDF is right, but the row did not move from page 1 to page 2 over these reflection lengths, "
        f"so the test tried nothing: shift the lengths ({where})"
    )


def test_a_row_of_the_request_pdf_that_runs_onto_the_next_page_takes_its_whole_key_with_it(app) -> None:
    """Found (review): a long answer whose row began at the foot of page 1 had the first line of
    its key there ("Other agencies or roles") and the rest ("to invite"), with the answer, on page
    2. The text written above it is made one line longer at a time (found by halving) to the
    first length that moves the end of the key to page 2: the start of the key goes with it."""
    from app.pack import current_pack
    from app.requests.service import request_pdf

    other_agencies = "School nurse, early help worker and the youth offending team. " * 7

    def first_page(lines: int) -> str:
        reflection = "\n".join(f"- point {number}" for number in range(lines))
        details = {**VALID_DETAILS, "reflection": reflection, "other_agencies": other_agencies}
        pdf = request_pdf(make_request(details=details).request, current_pack())
        return " ".join((pdf_reader(pdf).pages[0].extract_text() or "").split())

    with app.app_context():
        low, high = 1, 100  # the key's end is on page 1 with 1 line above it, on page 2 with 100
        assert "to invite" in first_page(low) and "to invite" not in first_page(high)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if "to invite" in first_page(middle) else (low, middle)
        assert "Other agencies or roles" not in first_page(high)
