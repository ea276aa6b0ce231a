"""HTML to PDF, with WeasyPrint (imported on first use, from ``app.pdf_weasyprint``; what both
share is in ``app.pdf_parts``).

``render_pdf(html, attachments)`` returns the PDF as bytes: PDF/UA-1, tagged, with the
title, language and author the HTML names (``<title>``, ``<html lang>``,
``<meta name="author">``). Styles come inline in the HTML (``<style>``), because nothing
is fetched while rendering: the URL fetcher refuses every URL — http(s), file, data,
anything — so text a user typed can never make the renderer read a file or call a server.
The one image a PDF may show, the partnership's logo, is handed to the renderer from memory
(``images``, by the address ``LOGO_URL``, which is never fetched).

Rendering happens in a child process, with a time limit (``app.pdf_renderer``): a render that
takes longer is stopped for real and raises ``PdfRenderTimeout``, so a document that makes
WeasyPrint hang cannot hold the outbox worker (``PDF_RENDER_TIMEOUT_SECONDS``). No web page
makes a PDF: the outbox worker makes them all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context

from .pdf_parts import (
    PDF_VARIANT,
    FetchRefused,
    PdfAttachment,
    PdfImage,
    PdfRendererNotStarted,
    PdfRendererStopped,
    PdfRenderTimeout,
)

if TYPE_CHECKING:
    from .pdf_weasyprint import RefusingFetcher

# The address a PDF gives the partnership's logo: the renderer takes its bytes from ``images``
# (read at start-up), never from this address (".invalid" is never a real host).
LOGO_URL = "https://space-to-think.invalid/logo"

log = logging.getLogger(__name__)

# The time limit when no setting says (outside an app: benchmarks, a script); the setting's
# default is the same (app/config.py).
RENDER_TIMEOUT_SECONDS = 60.0


def render_time_limit() -> float:
    """How long a render may take: ``PDF_RENDER_TIMEOUT_SECONDS`` in the app (the outbox worker,
    ``flask`` commands; no web page makes a PDF)."""
    if has_app_context():
        return float(current_app.config.get("PDF_RENDER_TIMEOUT_SECONDS") or RENDER_TIMEOUT_SECONDS)
    return RENDER_TIMEOUT_SECONDS


def logo_images(logo: Any) -> dict[str, PdfImage] | None:
    """``render_pdf``'s ``images`` for the partnership's logo (its file's ``logo``: bytes, type),
    by ``LOGO_URL``, the address the PDF templates give it (pdf/_partnership.html); None without one."""
    return {LOGO_URL: PdfImage(logo.data, logo.mimetype)} if logo else None


def render_pdf(
    html: str,
    attachments: Sequence[PdfAttachment] = (),
    fetcher: RefusingFetcher | None = None,
    images: Mapping[str, PdfImage] | None = None,
    timeout: float | None = None,
) -> bytes:
    """Render ``html`` as a tagged PDF/UA-1 document, embedding ``attachments``; ``images``:
    the images it shows, by the address it gives them (``LOGO_URL``).

    Rendered in a child process (``app.pdf_renderer``), stopped after ``timeout`` seconds
    (default: ``render_time_limit()``) with ``PdfRenderTimeout``. A ``fetcher`` given is not
    sent to the child: the child's own refuses the same, hands over the same ``images`` (the
    fetcher's, when it has them) and its refused addresses are added to ``fetcher.refused``."""
    from .pdf_renderer import render_in_child

    if fetcher is not None and not images:
        images = fetcher.images
    pdf, refused = render_in_child(html, attachments, images, render_time_limit() if timeout is None else timeout)
    if fetcher is not None:
        fetcher.refused.extend(refused)
    if refused:
        log.warning("Refused %d URL(s) while rendering a PDF", len(refused))
    return pdf


__all__ = [
    "LOGO_URL",
    "PDF_VARIANT",
    "FetchRefused",
    "PdfAttachment",
    "PdfImage",
    "PdfRenderTimeout",
    "PdfRendererNotStarted",
    "PdfRendererStopped",
    "logo_images",
    "render_pdf",
    "render_time_limit",
]
