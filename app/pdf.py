"""HTML to PDF, with WeasyPrint. The only module that imports WeasyPrint.

``render_pdf(html, attachments)`` returns the PDF as bytes: PDF/UA-1, tagged, with the
title, language and author the HTML names (``<title>``, ``<html lang>``,
``<meta name="author">``). Styles come inline in the HTML (``<style>``), because nothing
is fetched while rendering: the URL fetcher refuses every URL — http(s), file, data,
anything — so text a user typed can never make the renderer read a file or call a server.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/ua-1"

log = logging.getLogger(__name__)


class FetchRefused(ValueError):
    """Raised for every URL the renderer asks for (WeasyPrint logs it and carries on)."""


class RefusingFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that fetches nothing, and remembers what it was asked for."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> object:
        """Refuse ``url``."""
        self.refused.append(url)
        raise FetchRefused(f"fetching is disabled while rendering PDFs ({url[:40]})")


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (for example the request as JSON)."""

    name: str
    content: bytes
    description: str
    created: dt.datetime | None = None


def render_pdf(html: str, attachments: Sequence[PdfAttachment] = (), fetcher: RefusingFetcher | None = None) -> bytes:
    """Render ``html`` as a tagged PDF/UA-1 document, embedding ``attachments``."""
    fetcher = fetcher or RefusingFetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    embedded = [
        Attachment(
            string=item.content,
            name=item.name,
            description=item.description,
            url_fetcher=fetcher,
            created=item.created,
            modified=item.created,
            relationship="Data",
        )
        for item in attachments
    ]
    pdf: bytes = document.write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        attachments=embedded,
        attachment_relationships=None,
    )
    if fetcher.refused:
        log.warning("Refused %d URL(s) while rendering a PDF", len(fetcher.refused))
    return pdf


__all__ = ["PDF_VARIANT", "FetchRefused", "PdfAttachment", "RefusingFetcher", "render_pdf"]
