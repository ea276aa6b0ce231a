"""Fuzzing: whatever anyone sends to any form, address or import, the answer is a page, never a 5xx.

Hypothesis sends hostile input through the test client, as a browser or an attacker would:
every form endpoint (with a valid CSRF token, so the input reaches validation and the
database), the web address's parts and query parameters, the Host header, and an imported
request's JSON. Text is drawn from all of Unicode plus the characters that broke the service
before (NUL, CR/LF, lone surrogates, non-characters) and raw bytes that are not UTF-8.

Property: every response is 2xx, 3xx or 4xx; a 4xx is one of the service's own pages (with
its heading), and a 2xx page has a heading too. The PostgreSQL runs (``both_databases``)
cover what only PostgreSQL refused (NUL). Each property's examples are few (``max_examples``)
so the whole file takes a few seconds; one app and client serve all of a test's examples
(hence the suppressed function-scoped-fixture health check: the state they build up over the
examples is part of what is being fuzzed).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from app.inbox import service
from app.inbox.pdf_import import ImportProblem, check_document
from app.inbox.service import STATUS_LABELS
from app.input_guard import find_unsafe_text
from app.pack import PACK_KEY
from app.requests.reference import new_reference
from support import add_session_probe, both_databases, csrf_token
from support.hardening import EMAIL, PASSWORD, pdf_with_json, valid_document
from support.submission import PAGE_FIELDS, VALID_DETAILS, make_request, to_outcome

# Characters that broke the service before, and others that break things in general.
NASTY = [
    "\x00",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x0b",
    "\x1b",
    "\x7f",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
    "\ufdd0",
    "\U0010ffff",
    "\u202e",
    "\u200b",
    "\ufeff",
    "%",
    "%00",
    "..",
    "/",
    "\\",
    "//",
    "?",
    "#",
    "&",
    "=",
    "+",
    ";",
    "'",
    '"',
    "<script>",
    "{{ 7*7 }}",
    "\u00e9",
    "\u5b50",
    "\U0001f642",
    " ",
]

FUZZ = settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADING = re.compile(r"<h1[ >]")
TOKEN_PAGE = "/_test/answers"


def raw(text: str) -> bytes:
    """Text as the bytes a client sends (a lone surrogate kept as its raw, invalid UTF-8 bytes)."""
    return text.encode("utf-8", "surrogatepass")


def _spike(value: str, nasty: str, position: int) -> str:
    position %= len(value) + 1
    return value[:position] + nasty + value[position:]


# Half the time one of those that broke the service before.
nasty = st.one_of(st.sampled_from(["\x00", "\ud800", "\r\n", "\uffff"]), st.sampled_from(NASTY))
hostile_text = st.lists(st.one_of(nasty, st.text(max_size=8)), max_size=6).map("".join)


def hostile(values: Sequence[str]) -> st.SearchStrategy[bytes]:
    """Bytes for a field or address part: a real value; a real value with a nasty character put into it
    (what gets past validation to the database); hostile text; or bytes that are not UTF-8 at all."""
    real = st.sampled_from(list(values))
    spiked = st.builds(_spike, real, nasty, st.integers(0, 400)).map(raw)
    return st.one_of(real.map(raw), spiked, spiked, hostile_text.map(raw), st.binary(max_size=24))


class Tally:
    """How many requests the fuzzing sent, and how many answered 5xx (the property says none)."""

    requests = 0
    server_errors = 0


@pytest.fixture(autouse=True)
def tally(request: pytest.FixtureRequest) -> Iterator[None]:
    """Count each test's requests and 5xx answers; shown with ``pytest -s`` (the fuzz count in the notes)."""
    Tally.requests = Tally.server_errors = 0
    yield
    print(f"\n{request.node.name}: {Tally.requests} requests or checks, {Tally.server_errors} answered 5xx")


def check(response: TestResponse, what: str) -> TestResponse:
    """The property: never a 5xx; an error or a page always comes with a heading that says what happened."""
    Tally.requests += 1
    if response.status_code >= 500:
        Tally.server_errors += 1
    assert response.status_code < 500, (what, response.status_code)
    if (
        response.status_code in (200, 400, 403, 404, 405, 413, 429)
        and response.mimetype == "text/html"
        and response.request.path != TOKEN_PAGE
    ):
        assert HEADING.search(response.get_data(as_text=True)), (what, response.status_code)
    return response


def form_body(fields: list[tuple[bytes, bytes]]) -> bytes:
    """An application/x-www-form-urlencoded body of raw bytes (the test client would refuse lone surrogates)."""
    return urlencode(fields).encode("ascii")


def post_raw(client: FlaskClient, url: str, token: str, fields: list[tuple[bytes, bytes]]) -> TestResponse:
    """POST raw form bytes with the CSRF token (unless a fuzzed field already named it)."""
    body = form_body([(b"csrf_token", token.encode()), *fields])
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def fields_for(values: Mapping[str, Sequence[str]]) -> st.SearchStrategy[list[tuple[bytes, bytes]]]:
    """Each named field with a hostile version of one of its real values; now and then a hostile name too."""
    field = st.sampled_from(sorted(values)).flatmap(lambda name: st.tuples(st.just(raw(name)), hostile(values[name])))
    stray = st.tuples(hostile(sorted(values)), hostile(["x"]))
    return st.lists(st.one_of(field, field, field, stray), max_size=8)


def token_of(client: FlaskClient) -> str:
    """A CSRF token for the client's session as it is now (a new one if the fuzzing ended the session)."""
    return csrf_token(check(client.get(TOKEN_PAGE), TOKEN_PAGE).get_data(as_text=True))


@pytest.fixture
def fuzz_app(app: Flask) -> Flask:
    """The test app without rate limits (so the fuzzing reaches the forms, not the 429 page), with a
    form page (``/_test/answers``) to take a CSRF token from whatever state the fuzzing left the session in."""
    app.config["RATELIMIT_ENABLED"] = False
    add_session_probe(app)
    return app


def address(path: bytes, query: Mapping[str, bytes] | None = None) -> str:
    """A URL from raw path bytes and raw query values, percent-encoded as a client sends them."""
    url = quote(path, safe="/")
    return url + ("?" + urlencode(query) if query else "")


# --- the journey and the request form --------------------------------------------------------


@both_databases
def test_journey_questions_never_fail(fuzz_app: Flask) -> None:
    pack = fuzz_app.extensions[PACK_KEY]
    ids = [question.id for question in pack.questions]
    values = sorted({option.value for question in pack.questions for option in question.options})
    client = fuzz_app.test_client()
    check(client.post("/start", data={"csrf_token": token_of(client)}), "start")

    @FUZZ
    @given(
        question=hostile(ids),
        answers=st.lists(hostile(values), max_size=3),
        extra=fields_for({"answer": values, "return_to": ["check-answers"]}),
        return_to=st.one_of(st.none(), hostile(["check-answers"])),
    )
    def fuzz(question: bytes, answers: list[bytes], extra: list[tuple[bytes, bytes]], return_to: bytes | None) -> None:
        url = address(b"/questions/" + question.replace(b"/", b"%2F"), {"return_to": return_to} if return_to else None)
        check(post_raw(client, url, token_of(client), [(b"answer", value) for value in answers] + extra), url)
        check(client.get(url), url)
        check(client.get("/result"), "/result")

    fuzz()


@both_databases
def test_request_details_pages_never_fail(fuzz_app: Flask) -> None:
    client = fuzz_app.test_client()
    to_outcome(client)
    slugs = [slug for slug, _ in PAGE_FIELDS]
    values = {name: [VALID_DETAILS.get(name) or "yes"] for _, fields in PAGE_FIELDS for name in fields}

    @FUZZ
    @given(
        slug=st.sampled_from(slugs),
        fields=fields_for(values),
        change=st.one_of(st.none(), hostile(["1"])),
        then=st.sampled_from(
            [
                "/request/check-answers",
                "/request/check-what-you-wrote",
                "/request/submit",
                "/request",
                "/request/submitted",
            ]
        ),
    )
    def fuzz(slug: str, fields: list[tuple[bytes, bytes]], change: bytes | None, then: str) -> None:
        url = address(f"/request/{slug}".encode(), {"change": change} if change is not None else None)
        check(post_raw(client, url, token_of(client), fields), url)
        check(client.get(url), url)
        if then.endswith(("submit", "check-what-you-wrote")):
            check(post_raw(client, then, token_of(client), fields), then)
        else:
            check(client.get(then), then)

    fuzz()


def test_other_public_forms_and_addresses_never_fail(fuzz_app: Flask) -> None:
    client = fuzz_app.test_client()
    to_outcome(client)
    paths = [
        "/",
        "/start",
        "/result",
        "/exit",
        "/session-expired",
        "/accessibility",
        "/privacy",
        "/cookies",
        "/request",
        "/request/check-answers",
        "/request/submitted/request.pdf",
        "/request/supervision-record",
        "/request/supervision-record.pdf",
        "/request/supervision-record/status",
        "/healthz",
        "/static/favicon.svg",
    ]

    @FUZZ
    @given(
        path=hostile(paths),
        query=st.lists(st.tuples(hostile(["change", "next"]), hostile(["1"])), max_size=3),
        post_to=st.sampled_from(["/keep-alive", "/start", "/start-again", "/request/submit"]),
        fields=fields_for({"answer": ["no"], "csrf_token": ["x"]}),
        # (No CR or LF in a Host header: no client can send one; Werkzeug's test client refuses it.)
        host=st.one_of(st.none(), hostile(["localhost"]).filter(lambda h: b"\r" not in h and b"\n" not in h)),
    )
    def fuzz(
        path: bytes,
        query: list[tuple[bytes, bytes]],
        post_to: str,
        fields: list[tuple[bytes, bytes]],
        host: bytes | None,
    ) -> None:
        url = quote(b"/" + path.lstrip(b"/"), safe="/") + ("?" + urlencode(query) if query else "")
        headers = {"Host": host.decode("latin-1")} if host is not None else {}
        with client.get(url, headers=headers) as response:  # closed: a static file's handle is open until then
            check(response, url)
        check(post_raw(client, post_to, token_of(client), fields), post_to)

    fuzz()


# --- the inbox ---------------------------------------------------------------------------------


@both_databases
def test_inbox_forms_and_addresses_never_fail(fuzz_app: Flask) -> None:
    with fuzz_app.app_context():
        service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
        reference = str(make_request().request.reference)
    visitor = fuzz_app.test_client()
    client = fuzz_app.test_client()
    assert (
        client.post(
            "/inbox/sign-in", data={"csrf_token": token_of(client), "email": EMAIL, "password": PASSWORD}
        ).status_code
        == 302
    )
    triage = {"status": list(STATUS_LABELS), "facilitator": ["1", ""], "text": ["Spoke to the school nurse."]}

    @FUZZ
    @example(
        email=EMAIL.replace("@", "\x00@").encode(),
        password=PASSWORD.encode(),
        next_url=b"/inbox\r\nX:1",
        action="notes",
        fields=[(b"text", b"A note\x00")],
        reference_part=b"STT\x00",
        status=b"new\x00",
        page=b"1\x00",
    )  # the reproducers of the findings this fuzzing is here to keep away
    @example(
        email=EMAIL.encode(),
        password=PASSWORD.encode(),
        next_url=b"/inbox%0d%0aX:1",
        action="status",
        fields=[(b"status", b"new\x00"), (b"\x00", b"\x00")],
        reference_part=reference.encode(),
        status=b"",
        page=b"\xed\xa0\x80",
    )
    @given(
        email=hostile([EMAIL]),
        password=hostile([PASSWORD]),
        next_url=st.one_of(st.none(), hostile(["/inbox"])),
        action=st.sampled_from(["status", "assignment", "notes"]),
        fields=fields_for(triage),
        reference_part=hostile([reference]),
        status=hostile(list(STATUS_LABELS)),
        page=hostile(["1", "2"]),
    )
    def fuzz(
        email: bytes,
        password: bytes,
        next_url: bytes | None,
        action: str,
        fields: list[tuple[bytes, bytes]],
        reference_part: bytes,
        status: bytes,
        page: bytes,
    ) -> None:
        sign_in = address(b"/inbox/sign-in", {"next": next_url} if next_url is not None else None)
        check(post_raw(visitor, sign_in, token_of(visitor), [(b"email", email), (b"password", password)]), sign_in)
        target = address(b"/inbox/requests/" + reference_part.replace(b"/", b"%2F"))
        check(post_raw(client, f"{target}/{action}", token_of(client), fields), action)
        check(client.get(target), target)
        check(client.get(f"{target}/request.pdf"), "pdf")
        listing = address(b"/inbox", {"status": status, "page": page})
        check(client.get(listing), listing)

    fuzz()


def document_mutations(document: dict) -> st.SearchStrategy[dict]:
    """The valid document with one part, at any depth, replaced by hostile JSON (or, if text, spiked)."""
    paths: list[tuple[object, ...]] = []

    def walk(node: object, path: tuple[object, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(document, ())
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text)
    hostile_json = st.recursive(
        leaf,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)),
        max_leaves=6,
    )
    spike = st.tuples(nasty, st.integers(0, 400))

    def mutate(path: tuple[object, ...], value: object, spiked: tuple[str, int] | None) -> dict:
        copy = json.loads(json.dumps(document))
        if not path:
            return value if isinstance(value, dict) else copy
        node = copy
        for step in path[:-1]:
            node = node[step]
        original = node[path[-1]]
        node[path[-1]] = _spike(original, *spiked) if spiked and isinstance(original, str) else value
        return copy

    return st.builds(mutate, st.sampled_from(paths), hostile_json, st.one_of(st.none(), spike))


def test_import_json_is_checked_or_refused_never_an_error(fuzz_app: Flask) -> None:
    """Straight to the check, many examples: any document is refused with a message, or clean."""
    document = valid_document(fuzz_app)

    @settings(max_examples=150, deadline=None, database=None)
    @given(candidate=document_mutations(document))
    def fuzz(candidate: dict) -> None:
        Tally.requests += 1
        with fuzz_app.app_context():
            try:
                imported = check_document(candidate)
            except ImportProblem:
                return
        assert not find_unsafe_text(
            [
                imported.answers,
                imported.details,
                imported.flags,
                imported.explanation,
                imported.outcome,
                imported.rule_pack_version,
            ]
        )

    fuzz()


@both_databases
def test_imports_and_their_pages_never_fail(fuzz_app: Flask) -> None:
    """Through the upload form: the import answers with a page, and an imported request's page shows."""
    document = valid_document(fuzz_app)
    with fuzz_app.app_context():
        service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
    client = fuzz_app.test_client()
    assert (
        client.post(
            "/inbox/sign-in", data={"csrf_token": token_of(client), "email": EMAIL, "password": PASSWORD}
        ).status_code
        == 302
    )

    def uploads(content: bytes) -> TestResponse:
        response = client.post(
            "/inbox/import",
            data={"csrf_token": token_of(client), "pdf": (io.BytesIO(content), "request.pdf")},
            content_type="multipart/form-data",
        )
        response.request.input_stream.close()
        return response

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(candidate=document_mutations(document), fresh=st.booleans())
    def fuzz(candidate: dict, fresh: bool) -> None:
        if fresh and isinstance(candidate.get("reference"), str):
            candidate = {**candidate, "reference": new_reference()}  # a new request, not one already here
        response = check(uploads(pdf_with_json(candidate)), "import")
        if response.status_code == 302:
            check(client.get(response.location), response.location)

    fuzz()
    check(uploads(b"%PDF-1.7 not really"), "import")
