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

import html as html_module
import importlib
import io
import json
import pkgutil
import re
import sys
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

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
