"""Every address the app answers, sent what no form sends: never a 5xx, never an address off the
site, and what was typed never in a log record or an address the app sends the browser to.

``test_fuzz.py`` draws hostile field values with Hypothesis for the forms it knows; this module
walks the URL map itself (``ROUTES``, which ``test_wizard.test_route_list_snapshot`` keeps equal
to it, so a new route is covered here as soon as it is listed there), as a practitioner with a
journey under way, a signed-in facilitator and a signed-in read-only partnership account:

- every method the rule does not allow: 405, the service's own page, with an ``Allow`` header;
- junk query strings (negative and huge page numbers, ``return_to``/``next`` off the site,
  repeated parameters, a 10,000-character value, NUL, bytes that are not UTF-8, a lone surrogate);
- junk path parameters (not a number, negative, huge, unicode, NUL, not UTF-8);
- a POST body in an unexpected shape (missing or repeated fields, a file for text, JSON, 2 MB,
  broken urlencoding or multipart).

A unique string (``CANARY``) is typed into every field posted; the app's log records (as the app
configures its logging) and every redirect's address are checked for it. One app for the module;
rate limits off, so the requests reach the pages rather than the 429 page.
"""

from __future__ import annotations

import html
import io
import logging
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.test import TestResponse

from app.extensions import db
from app.inbox import service
from app.inbox.models import PARTNERSHIP
from app.models import StoredRequest
from app.retention import delete_request
from app.typed_text import TYPED_TEXT
from support import add_session_probe, csrf_token
from support.database import dispose, migrated_sqlite
from support.hardening import EMAIL, PASSWORD
from support.passwords import cheap_password_hash
from support.submission import PAGE_FIELDS, VALID_DETAILS, make_request, run_outbox, submitted_request, to_outcome
from test_form_expired import feedback_link
from test_inbox import post_form
from test_sessions import arrange, session_id_of
from test_wizard import ROUTES
from test_workflow import new_request

CANARY = f"canary{secrets.token_hex(6)}"
PARTNER_EMAIL = "pat.partner@partnership.example"
HEADING = re.compile(r"<h1[ >]")
TOKEN_PAGE = "/_test/answers"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE")

# Every field name any form posts (and a few no form has): each gets the canary.
FIELD_NAMES = sorted(
    {name for _, names in PAGE_FIELDS for name in names}
    | {"answer", "text", "reason", "place", "email", "password", "comment", "score", "status", "facilitator"}
    | {"name", "when", "date", "time", "outcome", "checked", "confirm", "q", "search", "note"}
)
JUNK_QUERIES = (
    "page=-1&return_to=//evil.example&next=//evil.example&change=1&status=%00&x=%ff%fe&y=%ed%a0%80",
    "page=99999999999999999999&return_to=javascript:alert(1)&next=https://evil.example/&reference=%00"
    "&next=%0d%0aLocation:%20https://evil.example",
    "page=1&page=2&change=1&change=x&return_to=check-answers&return_to=result&status=new&status=x",
    "q=" + "a" * 10_000 + "&email=%00%ff",
)
JUNK_PARAMETERS = ("abc", "-1", "99999999999999999999", "\u00e9\u5b50\U0001f642", "%00", "%ff%fe", "%ed%a0%80", "1.5")
PARAMETER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


class LogRecords(logging.Handler):
    """Every log record the app's loggers let through, as its final text."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")


@dataclass
class Site:
    app: Flask
    reference: str
    logs: LogRecords
    sent: int = 0
    logged: int = 0
    redirects: list[str] = field(default_factory=list)

    browsers: dict[str, FlaskClient] = field(default_factory=dict)

    def client(self, role: str) -> FlaskClient:
        """A browser: a practitioner at the outcome of a journey, or signed in to an account. The
        same one as the last test's while it still is (what a test sends may end the journey or
        the sign-in, as sign out does: then a new one)."""
        client = self.browsers.get(role)
        still = {"practitioner": "/result", "facilitator": "/inbox/guide", "partnership": "/inbox/statistics"}[role]
        if client is not None and client.get(still).status_code == 200:
            return client
        client = self.browsers[role] = self.app.test_client()
        if role == "practitioner":
            to_outcome(client)
            return client
        token_value = csrf_token(client.get("/inbox/sign-in").get_data(as_text=True))
        email = {"facilitator": EMAIL, "partnership": PARTNER_EMAIL}[role]
        signed = client.post("/inbox/sign-in", data={"csrf_token": token_value, "email": email, "password": PASSWORD})
        assert signed.status_code == 302, role
        return client


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from app import create_app

    database = migrated_sqlite(tmp_path_factory.mktemp("routes") / "test.db")
    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": False})
    add_session_probe(app)
    # Made before any test's fixtures hash passwords cheaply: with scrypt, each account and every
    # sign-in would cost a third of a second.
    with app.app_context(), pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(service, "generate_password_hash", cheap_password_hash)
        reference = str(make_request().request.reference)
        service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
        service.add_facilitator(PARTNER_EMAIL, "Pat Partner", PASSWORD, role=PARTNERSHIP)
    logs, root = LogRecords(), logging.getLogger()
    level = root.level
    root.addHandler(logs)
    root.setLevel(logging.INFO)  # as a server logs (the app's loggers leave the level to the root)
    try:
        yield Site(app, reference, logs)
    finally:
        root.removeHandler(logs)
        root.setLevel(level)
        dispose(app)


def methods_of(app: Flask, rule: str) -> set[str]:
    """The methods ``rule`` answers (a rule string may be two rules: a POST and its GET)."""
    return {method for each in app.url_map.iter_rules() if str(each) == rule for method in each.methods or ()}


def another_rule_takes(app: Flask, path: str, method: str) -> bool:
    """Whether another rule answers ``method`` at ``path`` (then it is not a 405)."""
    try:
        app.url_map.bind("localhost").match(path, method=method)
    except MethodNotAllowed:
        return False
    return True


def path_of(rule: str, site: Site, value: str | None = None) -> str:
    """``rule`` with each parameter filled: ``value`` if given, else one that exists."""

    def fill(match: re.Match[str]) -> str:
        if value is not None:
            return value
        return {"reference": site.reference, "filename": "favicon.svg"}.get(match.group(1), "1")

    return PARAMETER.sub(fill, rule)


def check(site: Site, response: TestResponse, what: object) -> TestResponse:
    """Never a 5xx; a page or an error comes with a heading; a 405 says what is allowed; a redirect
    stays on the site and carries nothing typed."""
    site.sent += 1
    status = response.status_code
    assert status < 500, (what, status)
    if (
        response.request.method != "HEAD"
        and response.mimetype == "text/html"
        and status in (200, 400, 403, 404, 405, 413)
    ):
        assert HEADING.search(response.get_data(as_text=True)), (what, status)
    if status == 405:
        assert response.headers.get("Allow"), what
    if response.location:
        location = urlsplit(response.location)
        assert location.scheme in ("", "http", "https"), (what, response.location)
        quick_exit = response.request.path == "/exit" and response.location == site.app.config["EXIT_URL"]
        assert location.netloc in ("", "localhost") or quick_exit, (what, response.location)
        assert not response.location.startswith(("//", "/\\")), (what, response.location)
        assert CANARY not in response.location, (what, response.location)
        site.redirects.append(response.location)
    return response


def token(site: Site, client: FlaskClient) -> str:
    """A CSRF token for the client's session as it is now."""
    return csrf_token(client.get(TOKEN_PAGE).get_data(as_text=True))


def typed(token_value: str) -> dict[str, str]:
    """A form with the token and the canary typed into every field."""
    return {"csrf_token": token_value, **{name: f"{CANARY} {name}" for name in FIELD_NAMES}}


def bodies(token_value: str) -> list[dict]:
    """POST bodies in shapes no form of the service sends."""
    encoded, canary = token_value.encode(), CANARY.encode()
    return [
        {"data": {"csrf_token": token_value}},  # every field missing
        {"data": {"csrf_token": [token_value, "x"], **{name: [CANARY, CANARY + "2"] for name in FIELD_NAMES}}},
        {
            "data": {
                "csrf_token": token_value,
                **{name: (io.BytesIO(canary), f"{CANARY}.txt") for name in FIELD_NAMES},
            },
            "content_type": "multipart/form-data",
        },
        {"json": typed(token_value)},
        {
            "data": b"csrf_token=" + encoded + b"&text=" + canary + b"a" * 2_000_000,
            "content_type": "application/x-www-form-urlencoded",
        },
        {
            "data": b"csrf_token=" + encoded + b"&%zz=%&&==&text=" + canary + b"%ff%fe%00&reason=%e0%80&\xff",
            "content_type": "application/x-www-form-urlencoded",
        },
        {"data": b"--x\r\nbroken " + canary, "content_type": "multipart/form-data; boundary=x"},
        {"data": canary, "content_type": "multipart/form-data"},
        {"data": typed(token_value), "headers": {"Content-Type": "text/plain"}},
    ]


def send(site: Site, client: FlaskClient, method: str, url: str, **kwargs: object) -> TestResponse:
    if method == "POST" and not kwargs:
        kwargs = {"data": typed(token(site, client))}
    with client.open(url, method=method, **kwargs) as response:  # closed: a file's handle is open until then
        response.get_data()
        return check(site, response, (method, url[:120]))


@pytest.mark.parametrize("role", ["practitioner", "facilitator", "partnership"])
@pytest.mark.parametrize("rule", sorted(set(ROUTES)))
def test_every_address_survives_what_no_form_sends(site: Site, rule: str, role: str) -> None:
    client = site.client(role)
    site.logs.texts.clear()
    allowed = methods_of(site.app, rule)
    assert allowed, f"{rule} is not in the URL map"
    path = path_of(rule, site)
    for method in METHODS:
        if method not in allowed:
            response = send(site, client, method, path)
            if not another_rule_takes(site.app, path, method):  # (POST /feedback/thank-you is a feedback link's)
                assert response.status_code == 405, (method, path, response.status_code)
                assert set(response.headers["Allow"].replace(" ", "").split(",")) >= allowed - {"OPTIONS"}
    sent_by = [method for method in ("GET", "POST") if method in allowed]
    for method in sent_by:
        for query in JUNK_QUERIES:
            send(site, client, method, f"{path}?{query}")
    if PARAMETER.search(rule):
        for value in JUNK_PARAMETERS:
            send(site, client, sent_by[0], path_of(rule, site, value))
    if "POST" in allowed:
        for body in bodies(token(site, client)):
            send(site, client, "POST", path, **body)
    leaked = [text for text in site.logs.texts if CANARY in text]
    assert not leaked, leaked[:3]
    site.logged += len(site.logs.texts)


def test_the_addresses_checked_are_the_url_map(site: Site) -> None:
    """The module's list is the app's: no rule is left unchecked (the probe's own are the test's)."""
    rules = {str(rule) for rule in site.app.url_map.iter_rules() if not str(rule).startswith("/_test")}
    assert rules == set(ROUTES)


def test_the_log_was_listened_to(site: Site) -> None:
    """The check above read real records: a sign-in that fails is logged (without what was typed)."""
    site.logs.texts.clear()
    client = site.app.test_client()
    token_value = csrf_token(client.get("/inbox/sign-in").get_data(as_text=True))
    client.post("/inbox/sign-in", data={"csrf_token": token_value, "email": EMAIL, "password": CANARY})
    assert site.logs.texts
    assert not [text for text in site.logs.texts if CANARY in text]


# --- what was typed, after a form was refused: its security token missing or out of date, or the
# other fields missing (with a valid token, a form complete as sent is saved and goes on) ---------

# The forms whose free text the app gives back (``app.typed_text.TYPED_TEXT``; checked below to be all of them).
TYPED_FORMS = (
    "feedback.answer",
    "inbox.add_note",
    "inbox.arrange_session",
    "inbox.change_status",
    "inbox.confirm_sign_in",
    "inbox.find_by_email",
    "inbox.session_page",
    "inbox.sign_in",
    "requests.about_you",
    "requests.child_family",
    "requests.event",
    "requests.family",
    "requests.how_soon",
    "requests.manager",
    "requests.preferences",
    "requests.reflection",
)


def test_every_form_that_gives_back_typed_text_is_checked(site: Site) -> None:
    assert set(TYPED_FORMS) == set(TYPED_TEXT)


def form_address(site: Site, endpoint: str) -> tuple[FlaskClient, str]:
    """Who posts ``endpoint``'s form, and where to (a request, session or feedback link that exists)."""
    if endpoint == "feedback.answer":
        return site.client("practitioner"), feedback_link(site.app)
    if endpoint == "inbox.sign_in":
        return site.app.test_client(), "/inbox/sign-in"
    client = site.client("practitioner" if endpoint.startswith("requests.") else "facilitator")
    arguments: dict[str, object] = {}
    if endpoint == "inbox.session_page":
        reference = new_request(site.app, status="session_offered")
        assert arrange(client, reference).status_code == 302
        arguments["session_id"] = session_id_of(site.app, reference)
    elif "<reference>" in next(str(rule) for rule in site.app.url_map.iter_rules(endpoint)):
        arguments["reference"] = site.reference
    with site.app.test_request_context():
        return client, url_for(endpoint, **arguments)


def typed_inputs(endpoint: str) -> list[str]:
    """The names of the inputs whose text ``endpoint``'s form gives back (a month and a year: both)."""
    return [name for names, _ in TYPED_TEXT[endpoint] for name in ((names,) if isinstance(names, str) else names)]


@pytest.mark.parametrize("token_sent", ["bad", "none", "valid"])
@pytest.mark.parametrize("endpoint", TYPED_FORMS)
def test_a_form_refused_gives_back_what_was_typed(site: Site, endpoint: str, token_sent: str) -> None:
    client, url = form_address(site, endpoint)
    client.get(url)  # the page, as a browser opens it first
    site.logs.texts.clear()
    typed = {name: f"{CANARY}-{name}@example.org" for name in typed_inputs(endpoint)}
    if endpoint == "inbox.confirm_sign_in":  # the password page carries the form sent once the hours were up
        typed["then"] = f"/inbox/requests/{site.reference}/notes"
    token_value = {"bad": "bogus", "none": None, "valid": token(site, client)}[token_sent]
    response = send(site, client, "POST", url, data={**typed, **({"csrf_token": token_value} if token_value else {})})
    if token_sent != "valid":
        assert response.status_code == 400, (url, response.status_code)
    if response.status_code not in (302, 303):  # (with a valid token: complete as sent, saved; or a search, kept)
        assert response.status_code in (200, 400), (url, response.status_code)
        page = html.unescape(response.get_data(as_text=True))
        assert [name for name, value in typed.items() if CANARY in value and value not in page] == [], url
    assert not [text for text in site.logs.texts if CANARY in text]


@pytest.mark.parametrize("token_sent", ["bad", "valid"])
@pytest.mark.parametrize(
    "endpoint", ["inbox.add_note", "inbox.change_status", "inbox.arrange_session", "inbox.session_page"]
)
def test_a_form_for_a_request_deleted_meanwhile_gives_back_what_was_typed(
    site: Site, endpoint: str, token_sent: str
) -> None:
    """The request deleted (or the session removed) while its page was open, with the token still
    good or out of date too: the page says so, with what was typed, to copy."""
    client = site.client("facilitator")
    if endpoint == "inbox.session_page":
        arguments: dict[str, object] = {"session_id": 999_999}
    else:
        with site.app.app_context():
            reference = str(make_request().request.reference)
            delete_request(reference)
        arguments = {"reference": reference}
    with site.app.test_request_context():
        url = url_for(endpoint, **arguments)
    typed = {name: f"{CANARY}-{name}" for name in typed_inputs(endpoint)}
    token_value = token(site, client) if token_sent == "valid" else "bogus"
    response = send(site, client, "POST", url, data={**typed, "csrf_token": token_value})
    assert response.status_code in (400, 404), (url, response.status_code)
    page = html.unescape(response.get_data(as_text=True))
    assert [name for name, value in typed.items() if value not in page] == [], url


# --- redirects: none leaves the site ----------------------------------------------------------------

OFF_SITE = (
    "//evil.example",
    "https://evil.example/inbox",
    "/\\evil.example",
    "/inbox/../../\\evil.example",
    "/inbox\\..\\..\\evil.example",
    "/inbox/%2e%2e/%2e%2e//evil.example",
    "/inbox//evil.example",
    "/inbox/\t/evil.example",
    "/inbox\r\nLocation: https://evil.example",
    "javascript:alert(1)//inbox",
    "/inbox@evil.example",
    "\u3002evil.example",
    "/inbox/\u2215\u2215evil.example",
    " //evil.example",
)


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_goes_on_to_another_site(site: Site, target: str) -> None:
    client = site.app.test_client()
    url = f"/inbox/sign-in?{urlencode({'next': target})}"
    if send(site, client, "GET", url).status_code == 400:  # control characters: the address itself is refused
        assert any(character in target for character in "\t\r\n"), target
        return
    signed = send(
        site, client, "POST", url, data={"csrf_token": token(site, client), "email": EMAIL, "password": PASSWORD}
    )
    assert signed.status_code == 302
    location = urlsplit(signed.location)
    assert location.netloc in ("", "localhost") and location.path.startswith("/inbox"), signed.location


def test_a_file_sent_where_text_is_expected_is_a_missing_answer_not_a_server_error(site: Site) -> None:
    """Found: a file posted as the session's joining instructions or place was a server error (the
    form stripped the file as if it were text). Only the import's form takes a file."""
    client = site.client("facilitator")
    reference = new_request(site.app, status="session_offered")
    form = {"csrf_token": token(site, client), "place": (io.BytesIO(CANARY.encode()), "place.txt")}
    response = send(site, client, "POST", f"/inbox/requests/{reference}/session", data=form)
    assert response.status_code == 303 and response.location == f"/inbox/requests/{reference}"
    shown = send(site, client, "GET", response.location)
    assert "Enter the joining instructions or the place" in html.unescape(shown.get_data(as_text=True))


def test_the_list_s_filters_sent_put_only_the_choices_offered_in_the_address(site: Site) -> None:
    """Found: the list's form (a POST, redirected to the list with its filters in the address) put
    whatever text was sent in place of a choice into the address."""
    client = site.client("facilitator")
    form = {"csrf_token": token(site, client), "status": "new", "how_soon": CANARY, "flag": CANARY, "sort": CANARY}
    response = send(site, client, "POST", "/inbox", data={**form, "assignee": CANARY, "overdue": CANARY})
    assert response.status_code == 303
    assert response.location == "/inbox?status=new"


def test_what_is_typed_on_the_way_to_a_request_and_in_the_inbox_is_never_logged_or_in_an_address(site: Site) -> None:
    """A request sent with the canary in every free text field, made into its PDF by the outbox
    worker and read and noted in the inbox: no log record, and no address on the way, holds it
    (``test_the_log_was_listened_to``: the records are read)."""
    text_fields = ("name", "job_role", "agency", "lead_professional", "other_agencies", "family_knows_reason")
    details = {**VALID_DETAILS, **{name: f"{VALID_DETAILS[name]} {CANARY}" for name in text_fields}}
    details |= {"availability": f"Tuesdays {CANARY}", "access_needs": f"Captions {CANARY}"}
    details |= {"reflection": f"{VALID_DETAILS['reflection']} {CANARY}", "email": f"{CANARY}@nhs.example"}
    site.logs.texts.clear()
    walker = to_outcome(site.app.test_client())
    submitted_request(walker, details=details)
    walker.get("/request/submitted")
    with site.app.app_context():
        reference = str(db.session.scalars(select(StoredRequest.reference).order_by(StoredRequest.id.desc())).first())
    run_outbox(site.app)
    facilitator = site.client("facilitator")
    assert CANARY in facilitator.get(f"/inbox/requests/{reference}").get_data(as_text=True)
    noted = post_form(
        facilitator, f"/inbox/requests/{reference}", f"/inbox/requests/{reference}/notes", {"text": CANARY}
    )
    assert noted.status_code == 302
    walker.urls.append(noted.location)
    assert [url for url in walker.urls if CANARY in url] == []
    assert [text for text in site.logs.texts if CANARY in text] == []


@pytest.mark.parametrize("target", OFF_SITE)
def test_confirming_the_password_never_goes_on_to_another_site(site: Site, target: str) -> None:
    """The password page sends a carried form on (``then``, a 307) or goes back (``next``)."""
    client = site.client("facilitator")
    form = {"csrf_token": token(site, client), "password": PASSWORD, "then": target, "text": CANARY}
    confirmed = send(site, client, "POST", f"/inbox/confirm-sign-in?{urlencode({'next': target})}", data=form)
    assert confirmed.status_code in (302, 303, 307, 400), confirmed.status_code
    if confirmed.location:
        location = urlsplit(confirmed.location)
        assert location.netloc in ("", "localhost") and location.path.startswith("/inbox"), confirmed.location


@pytest.mark.parametrize("target", [*OFF_SITE[:8], "javascript:alert(1)", "result", "check-answers"])
def test_an_answer_sent_with_any_return_to_stays_on_the_site(site: Site, target: str) -> None:
    client = site.client("practitioner")
    url = f"/questions/multi_agency?{urlencode({'return_to': target})}"
    answered = send(site, client, "POST", url, data={"csrf_token": token(site, client), "answer": "yes"})
    assert answered.status_code in (302, 303, 400), answered.status_code
    if answered.location:
        location = urlsplit(answered.location)
        assert location.netloc in ("", "localhost") and location.path.startswith(
            ("/questions/", "/result", "/request/")
        ), answered.location
