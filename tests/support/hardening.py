"""Helpers for the hardening and fuzzing tests: a signed-in facilitator, and import PDFs built from JSON."""

from __future__ import annotations

import io
import json

import pypdf
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.config import TestConfig
from app.inbox import service
from app.requests.document import SIGNATURE_NAME, request_document, request_signature
from support import csrf_token
from support.submission import ELIGIBLE_ANSWERS, VALID_DETAILS

PASSWORD = "quiet harbour lantern orchard"
EMAIL = "sam.facilitator@partnership.example"


def post_form(client: FlaskClient, page_url: str, url: str, data: dict | None = None, **kwargs) -> TestResponse:
    """GET ``page_url`` for its CSRF token, then POST ``data`` to ``url``."""
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def signed_in(app: Flask) -> FlaskClient:
    """A client signed in as a new facilitator."""
    with app.app_context():
        service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
    client = app.test_client()
    response = post_form(client, "/inbox/sign-in", "/inbox/sign-in", {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return client


def pdf_with_json(document: object) -> bytes:
    """A one-page PDF carrying ``document`` as its request.json (json.dumps writes a lone surrogate as \\ud800),
    signed as the service signs it (under the tests' ``SECRET_KEY``)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    content = json.dumps(document).encode("ascii")
    writer.add_attachment("request.json", content)
    writer.add_attachment(SIGNATURE_NAME, request_signature(content, TestConfig.SECRET_KEY))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(client: FlaskClient, content: bytes) -> TestResponse:
    """POST a file to the import page."""
    response = post_form(
        client,
        "/inbox/import",
        "/inbox/import",
        {"pdf": (io.BytesIO(content), "request.pdf")},
        content_type="multipart/form-data",
    )
    response.request.input_stream.close()  # the test client spools the body and never closes it
    if response.status_code == 303 and response.location == "/inbox/import":
        return client.get(response.location)  # refused: shown by the page's GET, as a browser follows it
    return response


def valid_document(app: Flask) -> dict:
    """The request data a request PDF carries, built without storing a request or making a PDF."""
    from app.models import utcnow
    from app.requests.service import build_request
    from app.rules import evaluate

    with app.app_context():
        pack = app.extensions["space_to_think.pack"]
        unsaved = build_request(pack, evaluate(pack, ELIGIBLE_ANSWERS), "journey", dict(VALID_DETAILS), utcnow())
        return request_document(unsaved)
