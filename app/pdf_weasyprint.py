"""WeasyPrint itself: the only module that imports it.

Imported by the process that renders the PDFs (``app.pdf_renderer``, a child of the app's
process started for the first PDF), not when the app starts: WeasyPrint takes about half a
second to import, which every ``flask`` command and every web worker that never makes a PDF
would otherwise pay. A broken WeasyPrint install therefore shows when a PDF is first made (the
child ends at once, the outbox worker records the failure and tries again; the
questions-to-prepare page gives the branded error page), not at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .pdf_parts import PDF_VARIANT, FetchRefused

if TYPE_CHECKING:
    from .pdf_parts import PdfAttachment, PdfImage


class RefusingFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that fetches nothing, and remembers what it was asked for.
    ``images``: the images the document may show (the partnership's logo), by the exact
    address it gives them (``app.pdf.LOGO_URL``), handed over from memory: never read from a
    file or a server, whatever the address says."""

    def __init__(self, images: Mapping[str, PdfImage] | None = None) -> None:
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []
        self.images = dict(images or {})

    def fetch(self, url: str, headers: object = None) -> object:
        """The image given for ``url``, if one was; else refuse it."""
        image = self.images.get(url)
        if image is not None:
            return URLFetcherResponse(url, body=image.data, headers={"Content-Type": image.mimetype})
        self.refused.append(url)
        raise FetchRefused(f"fetching is disabled while rendering PDFs ({url[:40]})")


def write_pdf(html: str, attachments: Sequence[PdfAttachment], fetcher: RefusingFetcher) -> bytes:
    """``html`` as a tagged PDF/UA-1 document with ``attachments`` embedded, fetching nothing."""
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
    return pdf


__all__ = ["RefusingFetcher", "write_pdf"]
