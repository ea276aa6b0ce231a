"""HTML to PDF, with WeasyPrint (imported on first use, from ``app.pdf_weasyprint``; what both
share is in ``app.pdf_parts``).

``render_pdf(html, attachments)`` returns the PDF as bytes: PDF/UA-1, tagged, with the
title, language and author the HTML names (``<title>``, ``<html lang>``,
``<meta name="author">``). Styles come inline in the HTML (``<style>``), because nothing
is fetched while rendering: the URL fetcher refuses every URL — http(s), file, data,
anything — so text a user typed can never make the renderer read a file or call a server.
The one image a PDF may show, the partnership's logo, is handed to the renderer from memory
(``images``, by the address ``LOGO_URL``, which is never fetched).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .pdf_parts import PDF_VARIANT, FetchRefused, PdfAttachment, PdfImage

if TYPE_CHECKING:
    from .pdf_weasyprint import RefusingFetcher

# The address a PDF gives the partnership's logo: the renderer takes its bytes from ``images``
# (read at start-up), never from this address (".invalid" is never a real host).
LOGO_URL = "https://space-to-think.invalid/logo"

log = logging.getLogger(__name__)


def logo_images(logo: Any) -> dict[str, PdfImage] | None:
    """``render_pdf``'s ``images`` for the partnership's logo (its file's ``logo``: bytes, type),
    by ``LOGO_URL``, the address the PDF templates give it (pdf/_partnership.html); None without one."""
    return {LOGO_URL: PdfImage(logo.data, logo.mimetype)} if logo else None


def render_pdf(
    html: str,
    attachments: Sequence[PdfAttachment] = (),
    fetcher: RefusingFetcher | None = None,
    images: Mapping[str, PdfImage] | None = None,
) -> bytes:
    """Render ``html`` as a tagged PDF/UA-1 document, embedding ``attachments``; ``images``:
    the images it shows, by the address it gives them (``LOGO_URL``)."""
    from .pdf_weasyprint import RefusingFetcher, write_pdf  # on first use: see app/pdf_weasyprint.py

    fetcher = fetcher or RefusingFetcher(images)
    pdf = write_pdf(html, attachments, fetcher)
    if fetcher.refused:
        log.warning("Refused %d URL(s) while rendering a PDF", len(fetcher.refused))
    return pdf


__all__ = ["LOGO_URL", "PDF_VARIANT", "FetchRefused", "PdfAttachment", "PdfImage", "logo_images", "render_pdf"]
