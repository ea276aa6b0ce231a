"""PDFs in tests: reading them back, and a fast stand-in for the real renderer.

Rendering a request with WeasyPrint takes a large share of a second, and most tests store
requests without looking at the PDF. ``fake_render_pdf`` keeps ``app.pdf.render_pdf``'s
interface (same parameters; returns the bytes of a valid PDF carrying the same attachments,
with the HTML's title as the document title) and takes a few milliseconds. The ``fake_pdf``
fixture in tests/conftest.py puts it in place for every test except those marked
``real_pdf`` (the PDF tests, the import tests and the browser test that downloads a request's PDF).
tests/test_pdf.py checks that the fake still matches the real renderer's interface.

Tests marked ``real_pdf`` get the real renderer, and every pass of the outbox worker on a new
database makes the questions to prepare (two PDFs, about as long to render as the document the
test reads). ``remember_questions_pdfs`` makes each distinct questions PDF once per test process:
the same HTML and images again get the bytes WeasyPrint made for them, unless the render took
longer than the limit now set (a test of the limit gets its real render, and its timeout).
"""

from __future__ import annotations

import functools
import html as html_module
import importlib
import io
import json
import pkgutil
import re
import sys
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import pypdf
import pytest

if TYPE_CHECKING:
    from app.pdf import PdfAttachment, PdfImage
    from app.pdf_weasyprint import RefusingFetcher

FAKE_PRODUCER = "Space to Think tests (fake PDF renderer)"


def fake_render_pdf(
    html: str,
    attachments: Sequence[PdfAttachment] = (),
    fetcher: RefusingFetcher | None = None,
    images: Mapping[str, PdfImage] | None = None,
    timeout: float | None = None,
) -> bytes:
    """A one-page PDF titled like ``html``, embedding ``attachments`` as the real renderer does
    (in this process, and at once: ``timeout`` is never reached)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4, in points
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    writer.add_metadata(
        {"/Title": html_module.unescape(title.group(1).strip()) if title else "", "/Producer": FAKE_PRODUCER}
    )
    for item in attachments:
        writer.add_attachment(item.name, item.content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _import_all_app_modules() -> None:
    """Import every module of the app, so none is first imported (binding a fake) mid-test."""
    import app

    for module in pkgutil.walk_packages(app.__path__, prefix="app."):
        importlib.import_module(module.name)


def use_fake_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put ``fake_render_pdf`` wherever the app holds ``render_pdf`` (undone after the test).

    The app's modules import the function by name (``from ..pdf import render_pdf``), so each
    module holding the real function gets the fake, wherever rendering happens (in the
    request or in a worker). Which modules those are is worked out once per test process.
    """
    for module in _modules_holding_the_renderer():
        monkeypatch.setattr(module, "render_pdf", fake_render_pdf)


_HOLDERS: list[Any] = []


def _modules_holding_the_renderer() -> list[Any]:
    if not _HOLDERS:
        from app import pdf

        _import_all_app_modules()
        real = pdf.render_pdf
        _HOLDERS.extend(
            module
            for name, module in list(sys.modules.items())
            if (name == "app" or name.startswith("app.")) and getattr(module, "render_pdf", None) is real
        )
    return _HOLDERS


# What WeasyPrint made for a questions PDF's HTML and images, and how long it took: per test process.
_QUESTIONS_MADE: dict[tuple[Any, ...], tuple[bytes, float]] = {}


def remember_questions_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render each distinct questions-to-prepare PDF for real once per test process (undone after
    the test): a render of the same HTML and images, within the limit it took, gives those bytes."""
    from app import pdf, questions_pdf

    real = questions_pdf.render_pdf

    def remembered(
        html: str,
        attachments: Sequence[PdfAttachment] = (),
        fetcher: RefusingFetcher | None = None,
        images: Mapping[str, PdfImage] | None = None,
        timeout: float | None = None,
    ) -> bytes:
        limit = pdf.render_time_limit() if timeout is None else timeout
        key = (html, tuple(attachments), tuple(sorted((images or {}).items())), fetcher is None)
        made = _QUESTIONS_MADE.get(key)
        if made is not None and made[1] < limit:
            return made[0]
        started = time.monotonic()
        result = real(html, attachments, fetcher, images, timeout)
        _QUESTIONS_MADE[key] = (result, time.monotonic() - started)
        return result

    monkeypatch.setattr(questions_pdf, "render_pdf", remembered)


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    """A pypdf reader for PDF bytes."""
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, with whitespace runs made single spaces."""
    reader = pdf_reader(data)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_attachment_json(data: bytes, name: str = "request.json") -> Any:
    """The named JSON attachment of a PDF, parsed."""
    attachments = pdf_reader(data).attachments
    assert name in attachments, list(attachments)
    return json.loads(attachments[name][0].decode("utf-8"))


class PlacedText(NamedTuple):
    """A run of text a PDF draws: its page (1 for the first), where it starts (points from the
    page's left edge and down from its top edge, to the text's baseline) and the text."""

    page: int
    x: float
    y: float
    text: str


def placed_text(data: bytes) -> list[PlacedText]:
    """Every run of visible text the PDF's pages draw, in the order drawn, with where it starts
    (the text matrix's origin through the page's transformation, turned to measure from the top)."""
    placed: list[PlacedText] = []
    for number, page in enumerate(pdf_reader(data).pages, start=1):
        height = float(page.mediabox.height)

        def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                placed.append(PlacedText(number, x, height - y, text.strip()))  # noqa: B023 (called at once)

        page.extract_text(visitor_text=visit)
    return placed


@functools.lru_cache(maxsize=8)
def _unspaced_pages(data: bytes) -> tuple[str, ...]:
    return tuple("".join((page.extract_text() or "").split()) for page in pdf_reader(data).pages)


def pages_holding(data: bytes, text: str) -> list[int]:
    """The pages (1 for the first) whose text, whitespace left out, holds ``text`` (whitespace left
    out). The pages' text is read once for the last few PDFs asked about."""
    wanted = "".join(text.split())
    return [number for number, page in enumerate(_unspaced_pages(data), start=1) if wanted in page]


class DrawnGlyph(NamedTuple):
    """One glyph a PDF's pages draw: the font it is drawn in (its name without the subset's tag),
    the text it stands for (from the font's ToUnicode map), and whether it is the font's
    .notdef glyph, the empty box drawn for a character the font does not have."""

    font: str
    text: str
    notdef: bool


def _cmap_entries(cmap: str, section: str) -> dict[int, str]:
    """A CMap's ``begin<section>`` entries (``bfchar``, ``bfrange``, ``cidchar``, ``cidrange``):
    each code to its value as written (hexadecimal in ``<>`` for text, a decimal CID for CIDs),
    a range's codes each to its own value."""
    found: dict[int, str] = {}
    for block in re.findall(rf"begin{section}(.*?)end{section}", cmap, re.DOTALL):
        if section.endswith("range"):
            for low, high, value in re.findall(r"<(\w+)>\s*<(\w+)>\s*(<\w+>|\d+)", block):
                hexadecimal = value.startswith("<")
                first = int(value.strip("<>"), 16 if hexadecimal else 10)
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    found[code] = f"<{first + offset:0{len(value) - 2}x}>" if hexadecimal else str(first + offset)
        else:
            for code, value in re.findall(r"<(\w+)>\s*(<\w+>|\d+)", block):
                found[int(code, 16)] = value
    return found


def glyphs_drawn(data: bytes) -> list[DrawnGlyph]:
    """Every glyph the PDF's pages draw with a two-byte (Type 0) font, as WeasyPrint writes every
    font but colour ones (emoji drawn in colour, Type 3 fonts, are left out). A glyph is .notdef
    when its code's CID is 0: WeasyPrint's fonts map CIDs to the font's own glyph numbers
    unchanged (``/CIDToGIDMap /Identity``, checked), and glyph 0 is .notdef."""
    reader = pdf_reader(data)
    glyphs: list[DrawnGlyph] = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        maps: dict[str, tuple[str, dict[int, int], dict[int, str]]] = {}
        for key, reference in fonts.items():
            font = reference.get_object()
            if font["/Subtype"] != "/Type0":
                continue
            descendant = font["/DescendantFonts"][0].get_object()
            assert descendant.get("/CIDToGIDMap") == "/Identity", descendant
            encoding = font["/Encoding"].get_object()
            cids: dict[int, int] = {}
            if encoding != "/Identity-H":
                cmap = encoding.get_data().decode("latin-1")
                cids = {
                    code: int(value)
                    for section in ("cidchar", "cidrange")
                    for code, value in _cmap_entries(cmap, section).items()
                }
            to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            texts = {
                code: bytes.fromhex(value.strip("<>")).decode("utf-16-be")
                for section in ("bfchar", "bfrange")
                for code, value in _cmap_entries(to_unicode, section).items()
            }
            maps[key] = (str(font["/BaseFont"]).split("+", 1)[-1], cids, texts)
        current: tuple[str, dict[int, int], dict[int, str]] | None = None
        for operands, operator in pypdf.generic.ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = maps.get(operands[0])
            elif operator in (b"Tj", b"TJ") and current is not None:
                name, cids, texts = current
                pieces = operands[0] if operator == b"TJ" else [operands[0]]
                for piece in pieces:
                    if isinstance(piece, (pypdf.generic.ByteStringObject, pypdf.generic.TextStringObject)):
                        raw = piece.original_bytes
                        for at in range(0, len(raw), 2):
                            code = int.from_bytes(raw[at : at + 2], "big")
                            glyphs.append(DrawnGlyph(name, texts.get(code, ""), cids.get(code, code) == 0))
    return glyphs
