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


class PdfRenderTimeout(TimeoutError):
    """The renderer took longer than its time limit (``seconds``) and was stopped (``app.pdf_renderer``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the PDF took longer than {seconds:g} s to render and was stopped")
        self.seconds = seconds

    def __reduce__(self) -> tuple[type[PdfRenderTimeout], tuple[float]]:
        return type(self), (self.seconds,)


class PdfRendererNotStarted(RuntimeError):
    """A new renderer process was not ready within ``seconds`` (``app.pdf_renderer.START_SECONDS``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the PDF renderer did not start within {seconds:g} s")
        self.seconds = seconds

    def __reduce__(self) -> tuple[type[PdfRendererNotStarted], tuple[float]]:
        return type(self), (self.seconds,)


class PdfRendererStopped(RuntimeError):
    """The process rendering the PDF ended before it answered (killed for memory, a crash in a
    library): ``exitcode`` is its exit status, or minus the signal that ended it."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"the PDF renderer stopped before it finished (exit status {exitcode})")
        self.exitcode = exitcode

    def __reduce__(self) -> tuple[type[PdfRendererStopped], tuple[int | None]]:
        return type(self), (self.exitcode,)


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


__all__ = [
    "PDF_VARIANT",
    "FetchRefused",
    "PdfAttachment",
    "PdfImage",
    "PdfRenderTimeout",
    "PdfRendererNotStarted",
    "PdfRendererStopped",
]
