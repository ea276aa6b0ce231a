"""WeasyPrint itself: the only module that imports it.

Imported by the process that renders the PDFs (``app.pdf_renderer``, a child of the app's
process started for the first PDF), not when the app starts: WeasyPrint takes about half a
second to import, which every ``flask`` command and every web worker that never makes a PDF
would otherwise pay. A broken WeasyPrint install therefore shows when a PDF is first made (the
child ends at once, the outbox worker records the failure and tries again; the
questions-to-prepare page gives the branded error page), not at start-up.

Two things are made once per process and kept, because making them again for each PDF was a
tenth of a request PDF's time (docs/PERFORMANCE.md): the font configuration (Fontconfig's list
of fonts and Pango's font map, with the fonts it has found and opened; made afresh, every
render looked every font family in the style sheet up again, though an English document uses
one), and each style sheet the templates give in a ``<style>`` element of the document's head,
parsed once for its text (``kept_style_sheets``). A font installed after the renderer process
started is therefore used from the next process on (the outbox worker's next start).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
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


_fonts: FontConfiguration | None = None


def kept_fonts() -> FontConfiguration:
    """This process's font configuration, made for its first PDF and kept."""
    global _fonts
    if _fonts is None:
        _fonts = FontConfiguration()
    return _fonts


# A <style> element without attributes (media, type), as the PDF templates write them, in the head.
STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)
# Style sheets kept, by their text: one for each template (and partnership) in use; a style sheet
# text never seen before past this many is parsed for its document only.
KEEP_STYLE_SHEETS = 16
_style_sheets: dict[str, CSS] = {}


def kept_style_sheets(html: str, fetcher: RefusingFetcher, fonts: FontConfiguration) -> tuple[str, list[CSS]]:
    """``html`` without the ``<style>`` elements of its head, and those style sheets, in their
    order, each parsed once per process and kept (WeasyPrint would parse them for every PDF).

    Given to WeasyPrint as the document's "user" style sheets, they set what they set as the
    page's own would: the only others are WeasyPrint's defaults, which both outrank (the PDF
    templates use no ``!important`` and no ``style`` attribute). A head that also names a style
    sheet some other way (a ``<link>``, a ``<style>`` with attributes) is left as it is, so the
    order between them stays the page's. A style sheet that asks for anything while it is parsed
    (an ``@import``) is used for its document only, not kept, so each render's fetcher refuses
    (and records) what it asks for."""
    head, body_tag, body = html.partition("<body")
    if not body_tag or "<link" in head or head.count("<style") != head.count("<style>"):
        return html, []
    sheets: list[CSS] = []

    def take(found: re.Match[str]) -> str:
        text = found.group(1)
        sheet = _style_sheets.get(text)
        if sheet is None:
            refused = len(fetcher.refused)
            sheet = CSS(string=text, base_url=None, url_fetcher=fetcher, font_config=fonts)
            if len(fetcher.refused) == refused and len(_style_sheets) < KEEP_STYLE_SHEETS:
                _style_sheets[text] = sheet
        sheets.append(sheet)
        return ""

    return STYLE_ELEMENT.sub(take, head) + body_tag + body, sheets


def write_pdf(html: str, attachments: Sequence[PdfAttachment], fetcher: RefusingFetcher) -> bytes:
    """``html`` as a tagged PDF/UA-1 document with ``attachments`` embedded, fetching nothing."""
    style_sheets: list[CSS] = []
    if "@font-face" in html:  # fonts of its own (none of the templates' PDFs): nothing kept, as before
        fonts = FontConfiguration()
    else:
        fonts = kept_fonts()
        html, style_sheets = kept_style_sheets(html, fetcher, fonts)
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
        stylesheets=style_sheets,
        font_config=fonts,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        attachments=embedded,
        attachment_relationships=None,
    )
    return pdf


__all__ = ["RefusingFetcher", "kept_fonts", "kept_style_sheets", "write_pdf"]
