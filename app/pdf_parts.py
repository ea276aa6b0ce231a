"""What a PDF is made from, shared by ``app.pdf`` (which the app imports) and
``app.pdf_weasyprint`` (imported only when the first PDF is made): the files it embeds, the
images it may show, the standard it follows, and the error for a URL it asks for. Nothing here
imports WeasyPrint, nor either of those modules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PDF_VARIANT = "pdf/ua-1"


class FetchRefused(ValueError):
    """Raised for every URL the renderer asks for (WeasyPrint logs it and carries on)."""


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (for example the request as JSON)."""

    name: str
    content: bytes
    description: str
    created: dt.datetime | None = None


@dataclass(frozen=True)
class PdfImage:
    """An image a PDF shows (the partnership's logo): its bytes and their type."""

    data: bytes
    mimetype: str


__all__ = ["PDF_VARIANT", "FetchRefused", "PdfAttachment", "PdfImage"]
