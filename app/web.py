"""Small pieces several blueprints' views share: the GOV.UK error summary and PDF downloads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Response


def error_summary(fields: Iterable[Any]) -> list[dict[str, str]]:
    """The GOV.UK error summary's list: each field's first error, linked to the field.

    ``fields`` is a form (which iterates over its fields) or any fields; the CSRF token's
    field is left out (its failure has a page of its own).
    """
    return [
        {"text": field.errors[0], "href": f"#{field.id}"}
        for field in fields
        if field.errors and field.name != "csrf_token"
    ]


def pdf_download(data: bytes, filename: str) -> Response:
    """A PDF as a download, never kept in a cache (it can hold case details)."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
