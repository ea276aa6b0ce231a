"""Another area deploys with data alone: the app running on examples/northmere/ shows nothing of Salford.

One app (module scope) is pointed at the example's rule pack, contacts and partnership file
through RULE_PACK_PATH, CONTACTS_PATH and PARTNERSHIP_PATH, exactly as a deployment would.
Every outcome is reached over HTTP in both modes; the public pages, the error pages, the
request pages, the submitted request's emails (a real SMTP server, sent by the outbox worker)
and its PDF, the supervision record and the questions to prepare (real WeasyPrint PDFs), the
inbox, and a session invitation with its calendar file are all read, and none may name
Salford, its front door (the Bridge Partnership), its towns or its partnership's short name.
Each test also checks that the example partnership's own name, colour and wording are there,
so a blank page cannot pass. The example must route exactly as the installed pack does: a
routing change to the installed pack is made to the example too.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from app.inbox.pdf_import import read_request_pdf
from app.rules import DEFAULT_CONTACTS, DEFAULT_PACK, check_rules, enumerate_paths, load_contacts, load_pack
from support.database import database_settings, dispose
from support.mail import FACILITATORS, SmtpServer
from support.pdf import pdf_attachment_json, pdf_reader, pdf_text
from support.submission import (
    ELIGIBLE_PATH,
    SUPERVISION_PATH,
    VALID_DETAILS,
    fill_details,
    run_outbox,
    submitted_request,
    supervision_record,
    to_outcome,
)
from support.walk import Walker, outcome_of, title_of
from test_inbox import signed_in
from test_sessions import arrange, invite
from test_workflow import new_request

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "northmere"
PACK_FILE, CONTACTS_FILE, PARTNERSHIP_FILE = (
    EXAMPLE / "space_to_think.yaml",
    EXAMPLE / "contacts.yaml",
    EXAMPLE / "partnership.yaml",
)
NAME = "Northmere Safeguarding Partnership"
BRAND = "#5a2a6e"
# Salford, its front door, the places in its examples and its partnership's short name.
SALFORD = re.compile(r"salford|bridge|swinton|sscp|greater manchester", re.IGNORECASE)


def visible_text(page: str) -> str:
    """A page's text and attributes (titles, alt text, links), entities decoded."""
    return html.unescape(page)


def assert_nothing_of_salford(where: str, text: str) -> None:
    found = sorted({match.group(0) for match in SALFORD.finditer(text)})
    assert not found, f"{where} names {found}"


def assert_example_page(where: str, response: TestResponse, status: int = 200) -> str:
    """The page is the example partnership's: its title, footer and colour; nothing of Salford."""
    assert response.status_code == status, (where, response.status_code, response.location)
    page = visible_text(response.get_data(as_text=True))
    assert_nothing_of_salford(where, page)
    assert title_of(response).endswith(f"– Space to Think – {NAME}"), (where, title_of(response))
    assert f"Space to Think is run by the {NAME}, on behalf of its agencies." in page, where
    # The colours come in a <style> the page's Content Security Policy allows by its nonce.
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce and f'<style nonce="{nonce.group(1)}">:root{{--govuk-brand-colour:{BRAND};' in page, where
    return page


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def example_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer
) -> Iterator[Flask]:
    """The app deployed for the example partnership, with a mailbox on the test SMTP server."""
    with database_settings(request, "sqlite", tmp_path_factory.mktemp("example")) as settings:
        app = create_app(
            {
                "APP_ENV": "test",
                **settings,
                "RULE_PACK_PATH": str(PACK_FILE),
                "CONTACTS_PATH": str(CONTACTS_FILE),
                "PARTNERSHIP_PATH": str(PARTNERSHIP_FILE),
            }
        )
        app.config.update(
            FACILITATOR_EMAIL=FACILITATORS,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=smtp.port,
            SMTP_TIMEOUT=5,
            MAIL_FROM="space-to-think@northmere.example.org",
            SEND_ACKNOWLEDGEMENTS=True,
            PUBLIC_BASE_URL="https://spacetothink.northmere.example.org",
        )
        yield app
        dispose(app)


@pytest.fixture
def client(example_app: Flask) -> FlaskClient:
    return example_app.test_client()


def test_the_example_passes_rules_check_and_routes_exactly_as_the_installed_pack() -> None:
    report = check_rules(PACK_FILE, CONTACTS_FILE, partnership_path=PARTNERSHIP_FILE)
    assert report.problems == () and report.pack is not None and report.partnership is not None
    installed = load_pack(DEFAULT_PACK, load_contacts(DEFAULT_CONTACTS))
    routes = [(path.answers, path.outcome, path.flags, path.mode) for path in enumerate_paths(report.pack)]
    assert routes == [(path.answers, path.outcome, path.flags, path.mode) for path in enumerate_paths(installed)]


def test_the_example_asks_every_question_and_offers_every_answer_in_the_installed_packs_words() -> None:
    """Found (another area's review): the example kept an answer's words the installed pack had
    put right ("No, there is no concern of that kind", where CONTENT.md has "No, I have no concern
    of that kind"), so `rules diff` of the unchanged example told a new area a safety question had
    changed, and copying it undid the fix. Local names are in hints and guidance, never in these."""
    example = load_pack(PACK_FILE, load_contacts(CONTACTS_FILE))
    installed = load_pack(DEFAULT_PACK, load_contacts(DEFAULT_CONTACTS))
    assert [
        (question.id, question.title, [(option.value, option.label) for option in question.options])
        for question in example.questions
    ] == [
        (question.id, question.title, [(option.value, option.label) for option in question.options])
        for question in installed.questions
    ]


def test_the_examples_contacts_are_fictional() -> None:
    """Drama numbers (Ofcom's 01632 960xxx) or 999, and addresses under example.org."""
    contacts = load_contacts(CONTACTS_FILE)
    for contact in contacts.contacts:
        assert contact.phone in (None, "999") or contact.phone.startswith("01632 960"), contact.id
        assert contact.email is None or contact.email.endswith(".example.org"), contact.id
        assert all(re.match(r"https://([a-z]+\.)*example\.org/", link.url) for link in contact.links), contact.id


def shortest_paths() -> list[tuple[str, str, tuple[tuple[str, object], ...]]]:
    """For every outcome and mode, the shortest route there through the example pack."""
    pack = load_pack(PACK_FILE, load_contacts(CONTACTS_FILE))
    shortest: dict[tuple[str, str], tuple[tuple[str, object], ...]] = {}
    for path in enumerate_paths(pack):
        key = (path.outcome, path.mode)
        if key not in shortest or len(path.answers) < len(shortest[key]):
            shortest[key] = path.answers
    return [(outcome, mode, answers) for (outcome, mode), answers in sorted(shortest.items())]


def test_every_outcome_in_both_modes_is_the_example_partnerships(client: FlaskClient) -> None:
    walker = Walker(client)
    reached = set()
    for outcome, mode, answers in shortest_paths():
        walk = [(question, list(answer) if isinstance(answer, tuple) else answer) for question, answer in answers]
        response = walker.walk(walk)  # type: ignore[arg-type]  # answers are str or list of str
        assert outcome_of(response) == outcome, (outcome, mode)
        page = assert_example_page(f"outcome {outcome} ({mode})", response)
        reached.add((outcome, mode))
        if outcome == "U2":  # the outcome that named the Bridge Partnership and Salford's rule
            assert "Children's Front Door" in page and "01632 960 100" in page
    assert len(reached) == 18  # nine outcomes, two modes
    # The question pages on the way: the first and the one whose hint named Salford's front door.
    walker.start()
    assert_example_page("first question", walker.follow("/questions/mode"))
    walker.answer("mode", "practitioner")
    walker.answer("immediate_danger", "no")
    page = assert_example_page("unshared concern question", walker.follow("/questions/unshared_concern"))
    assert "In Northmere, you reach children's social care through the Children's Front Door." in page


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accessibility",
        "/privacy",
        "/cookies",
        "/how-it-decides",
        "/questions-to-prepare",
        "/questions-to-prepare?mode=supervision",
        "/session-expired",
        "/inbox/sign-in",
    ],
)
def test_the_public_pages_are_the_example_partnerships(client: FlaskClient, path: str) -> None:
    page = assert_example_page(path, client.get(path))
    if path == "/accessibility":
        assert "spacetothink@northmere.example.org" in page and "within 5 working days" in page
        assert "The tool was last tested on 30 November 2026." in page
    if path == "/":
        assert 'href="https://safeguarding.northmere.example.org/"' in page  # the footer's own link


def test_error_pages_are_the_example_partnerships(client: FlaskClient) -> None:
    assert_example_page("not found", client.get("/no-such-page"), 404)
    assert_example_page("method not allowed", client.get("/start-again"), 405)
    assert_example_page("missing CSRF token", client.post("/start", data={}), 400)


def test_the_decision_diagram_names_only_the_example_partnerships_rules(client: FlaskClient) -> None:
    response = client.get("/how-it-decides/decision-diagram.svg")  # drawn by Graphviz (scripts/setup installs it)
    assert response.status_code == 200
    assert_nothing_of_salford("decision diagram", response.get_data(as_text=True))


@pytest.mark.real_pdf
def test_the_questions_to_prepare_pdf_is_the_example_partnerships(client: FlaskClient) -> None:
    # One mode: the PDF holds the same pack and partnership text in both (the pages are read in both).
    run_outbox(client.application)  # made by the outbox worker
    response = client.get("/questions-to-prepare.pdf?mode=supervision")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = assert_pdf_is_the_example_partnerships("questions to prepare", response.data)
    assert "Children's Front Door" in text


def assert_pdf_is_the_example_partnerships(where: str, data: bytes) -> str:
    text = pdf_text(data)
    assert_nothing_of_salford(where, text)
    metadata = pdf_reader(data).metadata
    assert metadata is not None and metadata.author == f"Space to Think, {NAME}", where
    assert_nothing_of_salford(f"{where} (metadata)", " ".join(str(value) for value in metadata.values()))
    return text


@pytest.mark.real_pdf
def test_the_supervision_record_is_the_example_partnerships(client: FlaskClient) -> None:
    walker = Walker(client)
    to_u2 = [("mode", "supervision"), ("immediate_danger", "not_sure")]
    assert outcome_of(walker.walk(to_u2)) == "U2"
    response = supervision_record(client)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = assert_pdf_is_the_example_partnerships("supervision record", response.data)
    assert "01632 960 100" in text  # the example's front door, as on the outcome page


def bodies(message: EmailMessage) -> tuple[str, list[bytes]]:
    """An email's text and its attachments' bytes."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    attachments = [part.get_payload(decode=True) for part in message.iter_attachments()]
    return body.get_content().replace("\r\n", "\n"), [data for data in attachments if isinstance(data, bytes)]


def test_the_request_check_knows_the_example_areas_places_not_salfords(client: FlaskClient) -> None:
    """The identifying-data check reads the area's place names from its partnership file: in
    Northmere, "the Northmere children" is not a family's surname, and "the Eccles families"
    (a Salford town, unknown here) is warned about as one may be."""
    walker = to_outcome(client)
    details = {**VALID_DETAILS, "reflection": "The Northmere children and the Eastbrook families wait months."}
    assert fill_details(walker, details).location.endswith("/request/check-answers")
    walker = to_outcome(client)
    response = fill_details(walker, {**VALID_DETAILS, "reflection": "The Eccles families wait months."})
    assert response.location.endswith("/request/check-what-you-wrote")
    warning = re.sub(
        r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", walker.get(response.location).get_data(as_text=True)))
    )
    assert "Eccles , in \u201c The Eccles families wait months. \u201d: This looks like a person's name." in warning


@pytest.mark.real_pdf
def test_a_request_its_pages_emails_and_pdf_are_the_example_partnerships(
    example_app: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    walker = Walker(client)
    for path in (ELIGIBLE_PATH, SUPERVISION_PATH):
        assert outcome_of(walker.walk(path)) == "P"
        for page in ("/request/about-you", "/request/reflection", "/request/how-soon"):
            shown = assert_example_page(page, walker.get(page))
            if page == "/request/about-you":
                assert "For example, Northmere Hospital health visiting, or Eastbrook primary schools team" in shown
    walker.walk(ELIGIBLE_PATH)
    submitted_request(walker, ELIGIBLE_PATH, VALID_DETAILS)
    assert_example_page("submitted", walker.get("/request/submitted"))

    before = len(smtp.mailbox.messages)
    run_outbox(example_app)  # the worker makes the PDF and sends both emails
    messages = smtp.mailbox.messages[before:]
    assert sorted(message["To"] for message in messages) == sorted([FACILITATORS, VALID_DETAILS["email"]])
    for message in messages:
        text, attachments = bodies(message)
        assert_nothing_of_salford(f"email to {message['To']}", str(message["Subject"]) + text)
        assert text.rstrip().endswith(f"Space to Think\n{NAME}"), text[-200:]
        for data in attachments:
            assert_pdf_is_the_example_partnerships("request PDF", data)
    facilitators = next(message for message in messages if message["To"] == FACILITATORS)
    assert len(bodies(facilitators)[1]) == 1  # the request's PDF

    download = client.get("/request/submitted/request.pdf")
    assert download.status_code == 200
    assert_pdf_is_the_example_partnerships("request PDF download", download.data)


def test_the_inbox_and_a_session_invitation_are_the_example_partnerships(example_app: Flask, smtp: SmtpServer) -> None:
    client, _ = signed_in(example_app)
    reference = new_request(example_app, status="session_offered")
    run_outbox(example_app)  # the request's own emails, read in the test above
    assert_example_page("inbox", client.get("/inbox"))
    assert_example_page("a request in the inbox", client.get(f"/inbox/requests/{reference}"))
    assert_example_page("statistics", client.get("/inbox/statistics"))
    assert_example_page("the facilitators' guide", client.get("/inbox/guide"))

    assert (
        arrange(client, reference, format="online", place="Join online: the link comes the day before").status_code
        == 302
    )
    assert invite(client, reference).status_code == 302
    before = len(smtp.mailbox.messages)
    run_outbox(example_app)
    (invitation,) = smtp.mailbox.messages[before:]
    assert invitation["To"] == VALID_DETAILS["email"]
    text, attachments = bodies(invitation)
    assert_nothing_of_salford("session invitation", str(invitation["Subject"]) + text)
    assert text.rstrip().endswith(f"Space to Think\n{NAME}"), text[-200:]
    (calendar,) = attachments
    assert_nothing_of_salford("session invitation's calendar file", calendar.decode())


def test_known_accessibility_issues_make_the_statement_say_partially_compliant(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The example has no known issues; a partnership that lists some gets them on its statement."""
    issue = "The decision diagram cannot be zoomed beyond 200% on small screens."
    partnership = PARTNERSHIP_FILE.read_text(encoding="utf-8").replace(
        "  tested_on: 2026-11-30\n", f"  tested_on: 2026-11-30\n  known_issues:\n    - {issue}\n"
    )
    assert issue in partnership
    (tmp_path / "partnership.yaml").write_text(partnership, encoding="utf-8")
    (tmp_path / "logo.svg").write_bytes((EXAMPLE / "logo.svg").read_bytes())  # the file's logo, beside it
    with database_settings(request, "sqlite", tmp_path) as settings:
        app = create_app(
            {
                "APP_ENV": "test",
                **settings,
                "RULE_PACK_PATH": str(PACK_FILE),
                "CONTACTS_PATH": str(CONTACTS_FILE),
                "PARTNERSHIP_PATH": str(tmp_path / "partnership.yaml"),
            }
        )
        page = assert_example_page("accessibility statement", app.test_client().get("/accessibility"))
        dispose(app)
    assert "This tool is partially compliant" in page and f"<li>{issue}</li>" in page
    assert "is fully compliant" not in page


def test_a_password_made_of_the_partnerships_name_is_refused_in_its_own_area(example_app: Flask, app: Flask) -> None:
    from app.inbox.service import password_problem

    with example_app.app_context():
        assert password_problem("northmere2026!") is not None
        assert password_problem("NSP-1234-5678") is not None
        assert password_problem("salford12345") is None  # not a guess here
    with app.app_context():  # the installed (Salford) deployment
        assert password_problem("salford12345") is not None
        assert password_problem("northmere2026!") is None


def test_the_offline_page_has_the_example_partnerships_colours(example_app: Flask, tmp_path: Path) -> None:
    """Found (area review): nginx's policy refuses the page's inline style, so the page nginx
    shows while the app is down was in the stylesheet's fallback colours, Salford's dark teal.
    The colours go in a stylesheet beside it in the static folder, which the page links to."""
    static_folder = example_app.static_folder
    example_app.static_folder = str(tmp_path)  # the checkout's static/ in a deployment
    try:
        written = example_app.test_cli_runner().invoke(
            args=["site", "offline-page", "--output", str(tmp_path / "offline.html")]
        )
    finally:
        example_app.static_folder = static_folder
    assert written.exit_code == 0, written.output
    page = (tmp_path / "offline.html").read_text()
    assert_nothing_of_salford("offline page", page)
    assert "<style" not in page and "nonce" not in page  # nginx's policy has no nonce
    assert '<link rel="stylesheet" href="/static/offline.css' in page
    colours = (tmp_path / "offline.css").read_text()
    assert colours.startswith(f":root{{--govuk-brand-colour:{BRAND};")
    # The icon too: the app's /favicon.svg does not answer while the app is down.
    assert re.search(r'<link rel="icon" href="/static/offline\.svg(\?v=[0-9a-f]{12})?" type="image/svg\+xml">', page)
    assert "/favicon.svg" not in page
    assert f'fill="{BRAND}"' in (tmp_path / "offline.svg").read_text()
    # The logo too (found, area review: it was left out, as the app that serves it is down): beside
    # the page, from disk, with its text alternative; the name stays beside it.
    assert re.search(
        r'<img class="app-header__logo" src="/static/offline-logo\.svg(\?v=[0-9a-f]{12})?" '
        r'alt="Northmere emblem: a star over two waves">',
        page,
    )
    assert "/logo.svg" not in page
    assert (tmp_path / "offline-logo.svg").read_bytes() == (EXAMPLE / "logo.svg").read_bytes()
    assert f'<span class="app-header__partnership">{NAME}</span>' in page


def test_the_icon_is_in_the_example_partnerships_colour(client: FlaskClient) -> None:
    """Found (area review): every area's tabs and bookmarks had Salford's teal icon."""
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="(/favicon\.svg\?v=[0-9a-f]{12})"', page)
    assert href is not None
    with client.get(html.unescape(href.group(1))) as response:
        assert response.status_code == 200
        icon = response.get_data(as_text=True)
    assert f'<rect width="32" height="32" rx="6" fill="{BRAND}"/>' in icon and "#106165" not in icon


def test_the_examples_fictional_contacts_are_warned_about_and_refused_in_production(tmp_path: Path) -> None:
    """Found (area review): a partnership copying the example (README: "Deploying it for another
    area") that missed one entry passed `rules check` in silence, and its pages would give a number
    that never answers. Every drama number and example domain is warned about; production refuses
    to start with any."""
    from app.config import StartupError
    from test_app import PRODUCTION_OK

    report = check_rules(PACK_FILE, CONTACTS_FILE, dt.date(2026, 12, 1), partnership_path=PARTNERSHIP_FILE)
    warned = {(warning.node, warning.field) for warning in report.warnings}
    assert ("contact out_of_hours", "phone") in warned and ("contact partnership", "email") in warned
    assert ("contact lado", "links") in warned and ("contact police_emergency", "phone") not in warned  # 999 is real
    assert "01632 960 199 is one of Ofcom's numbers for drama" in " ".join(map(str, report.warnings))

    # Bolton copied the example and rewrote every entry but the out-of-hours team's.
    contacts = CONTACTS_FILE.read_text(encoding="utf-8")
    contacts = re.sub(r"01632 960 (?!199)", "01204 333 ", contacts).replace("northmere.example.org", "bolton.gov.uk")
    (tmp_path / "contacts.yaml").write_text(contacts, encoding="utf-8")
    paths = {"RULE_PACK_PATH": str(PACK_FILE), "CONTACTS_PATH": str(tmp_path / "contacts.yaml")}
    with pytest.raises(StartupError) as refused:
        create_app(PRODUCTION_OK | paths | {"PARTNERSHIP_PATH": str(PARTNERSHIP_FILE)})
    assert "contact out_of_hours: phone: 01632 960 199" in str(refused.value)
    assert "contact partnership" not in str(refused.value)


def test_the_examples_footer_link_left_in_is_warned_about_and_refused_in_production(tmp_path: Path) -> None:
    """Found (area review): the example's footer link to its fictional partnership, left in a
    copy, passed `rules check` in silence and stood in every page's footer."""
    from app.config import StartupError
    from test_app import PRODUCTION_OK

    report = check_rules(PACK_FILE, CONTACTS_FILE, dt.date(2026, 12, 1), partnership_path=PARTNERSHIP_FILE)
    assert ("(partnership) footer", "links") in {(warning.node, warning.field) for warning in report.warnings}

    settings = {"RULE_PACK_PATH": str(PACK_FILE), "CONTACTS_PATH": str(boltons_copy(tmp_path)["CONTACTS_PATH"])}
    with pytest.raises(StartupError) as refused:
        create_app(PRODUCTION_OK | settings | {"PARTNERSHIP_PATH": str(PARTNERSHIP_FILE)})
    assert "(partnership) footer: links: safeguarding.northmere.example.org is a domain kept for examples" in str(
        refused.value
    )


def boltons_copy(tmp_path: Path, without: tuple[str, ...] = ()) -> dict[str, str]:
    """Settings for Bolton's copy of the example in ``tmp_path``: every contact's number and
    address and the footer link rewritten as Bolton's, the example's pack (and its fictional
    guidance) kept, and the partnership file less the sections named in ``without`` (its logo
    copied beside it if kept)."""
    import yaml

    contacts = re.sub(r"01632 960 ", "01204 333 ", CONTACTS_FILE.read_text(encoding="utf-8"))
    (tmp_path / "contacts.yaml").write_text(
        contacts.replace("northmere.example.org", "bolton.gov.uk"), encoding="utf-8"
    )
    partnership = PARTNERSHIP_FILE.read_text(encoding="utf-8").replace("northmere.example.org", "bolton.gov.uk")
    if without:
        data = yaml.safe_load(partnership)
        for section in without:
            data.pop(section)
        partnership = yaml.safe_dump(data, sort_keys=False)
    (tmp_path / "partnership.yaml").write_text(partnership, encoding="utf-8")
    if "logo" not in without:
        (tmp_path / "logo.svg").write_bytes((EXAMPLE / "logo.svg").read_bytes())
    return {
        "RULE_PACK_PATH": str(PACK_FILE),
        "CONTACTS_PATH": str(tmp_path / "contacts.yaml"),
        "PARTNERSHIP_PATH": str(tmp_path / "partnership.yaml"),
    }


def test_the_examples_fictional_guidance_is_warned_about_and_refused_in_production(tmp_path: Path) -> None:
    """Found (area review): the example's guidance says its sources are fictional ("Space to
    Think launch text (Northmere Safeguarding Partnership, 2026; fictional)"); a copy that kept
    it passed `rules check` in silence and would cite made-up guidance on a real deployment's
    outcomes. Each such source is warned about, and production refuses to start with one."""
    from app.config import StartupError
    from test_app import PRODUCTION_OK

    report = check_rules(PACK_FILE, CONTACTS_FILE, dt.date(2026, 12, 1), partnership_path=PARTNERSHIP_FILE)
    fictional = [warning for warning in report.warnings if warning.field == "source"]
    assert {warning.node for warning in fictional} >= {"guidance seed_who", "guidance seed_note"}
    assert all(warning.line for warning in fictional)
    assert "says the guidance is fictional" in str(fictional[0])
    # Salford's own pack cites real guidance only.
    installed = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, dt.date(2026, 12, 1))
    assert not [warning for warning in installed.warnings if warning.field == "source"]

    # Bolton rewrote every contact and the footer link, and kept the example's guidance.
    settings = boltons_copy(tmp_path)
    with pytest.raises(StartupError) as refused:
        create_app(PRODUCTION_OK | settings)
    message = str(refused.value)
    assert f"{PACK_FILE}" in message and ": source: says the guidance is fictional" in message
    assert "contact " not in message and "footer" not in message  # only the guidance is left


def test_rules_check_refuses_in_production_what_production_refuses_to_start_with(tmp_path: Path) -> None:
    """Upgrade review: `rules check` runs while the live files are refused, to check a mended copy
    (app/pack.py), so it no longer meets start-up's refusal on the way. In production it refuses
    what production refuses, said as start-up says it: the example's fictional guidance, kept in a
    copy, is a problem there, not a warning (exit 0) as elsewhere."""
    from test_app import PRODUCTION_OK

    copy = boltons_copy(tmp_path)
    args = ["rules", "check", "--pack", copy["RULE_PACK_PATH"], "--contacts", copy["CONTACTS_PATH"]]
    args += ["--partnership", copy["PARTNERSHIP_PATH"]]

    production = create_app(PRODUCTION_OK)  # the installed files, which start
    refused = production.test_cli_runner().invoke(args=args)
    assert refused.exit_code == 1, refused.output
    assert f"{PACK_FILE}" in refused.output and ": source: says the guidance is fictional" in refused.output
    assert "valid" not in refused.output
    dispose(production)

    elsewhere = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    warned = elsewhere.test_cli_runner().invoke(args=args)
    assert warned.exit_code == 0, warned.output
    assert "Warning: " in warned.output and "says the guidance is fictional" in warned.output
    dispose(elsewhere)


@pytest.mark.real_pdf  # the answer's words must be in the real PDF's text
def test_the_request_offers_the_example_partnerships_own_levels_of_support(
    example_app: Flask, client: FlaskClient
) -> None:
    """Found (area review): the answers to "What is the current level of support?" were in the
    code, in Salford's words ("Early help or Team Around the Family"): an area whose services
    have other names (an Early Help Assessment, a MASH) could not change them. They are the
    partnership file's now, worded and hinted as the area's own, stored by id and checked by id
    on import."""
    walker = Walker(client)
    for path, mode in ((ELIGIBLE_PATH, "practitioner"), (SUPERVISION_PATH, "supervision")):
        walker.walk(path)
        page = assert_example_page(mode, walker.get("/request/child-and-family"))
        for label in (
            "Early Help Assessment (EHA)",
            "MASH (multi-agency safeguarding hub) enquiry",
            "Child in need plan",
        ):
            assert label in page, (mode, label)
        assert "Team Around the Family" not in page and "Child Protection<" not in page
        assert re.search(r'value="mash"[^>]*aria-describedby="[^"]*support_level-\d+-item-hint', page), mode
        assert "Being looked at by the front door now, before any plan" in page

    walker.walk(ELIGIBLE_PATH)
    submitted_request(walker, ELIGIBLE_PATH, {**VALID_DETAILS, "support_level": "mash"})
    submitted = visible_text(walker.get("/request/submitted").get_data(as_text=True))
    assert "MASH (multi-agency safeguarding hub) enquiry" in submitted
    run_outbox(example_app)
    pdf = client.get("/request/submitted/request.pdf").data
    assert pdf_attachment_json(pdf)["details"]["support_level"] == "mash"
    assert "MASH (multi-agency safeguarding hub) enquiry" in " ".join(pdf_text(pdf).split())
    with example_app.app_context():
        assert read_request_pdf(pdf).details["support_level"] == "mash"  # the import knows the area's ids

    # An answer the area does not offer is refused, as a tampered form is.
    walker.walk(ELIGIBLE_PATH)
    walker.get("/request/child-and-family")
    refused = walker.post(
        "/request/child-and-family", {"support_level": "early_help_team_around_the_family", "age_band": "banana"}
    )
    page = html.unescape(refused.get_data(as_text=True))
    # Each named, so the error summary's two links differ (regression review: two identical lines).
    assert refused.status_code == 200 and (
        "The answer given for current level of support is not one of its answers now (it may no longer be "
        "offered): select one of those shown, or leave it unanswered" in page
    )
    assert "The answer given for child's age band is not one of its answers now" in page


def test_the_header_shows_the_example_partnerships_logo_beside_its_name(client: FlaskClient) -> None:
    """Found (area review): there was no way to show a partnership's logo. The partnership file's
    logo stands before the name in the header's link, with its text alternative; the name stays
    as text. It is served by the app, versioned and kept like a static file."""
    page = assert_example_page("start page", client.get("/"))
    header = re.search(r'<header class="govuk-template__header app-header">.*?</header>', page, re.S)
    assert header is not None
    logo = re.search(
        r'<a href="/" class="govuk-generic-header__homepage-link">\s*'
        r'<img class="app-header__logo" src="(/logo\.svg)\?v=([0-9a-f]{12})" '
        r'alt="Northmere emblem: a star over two waves">'
        rf'<span class="app-header__partnership">{NAME}</span>',
        header.group(0),
    )
    assert logo is not None, header.group(0)
    path, version = logo.groups()
    with client.get(f"{path}?v={version}") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.data == (EXAMPLE / "logo.svg").read_bytes()
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff" and "Set-Cookie" not in response.headers
        policy = response.headers["Content-Security-Policy"]  # opened on its own, it runs and fetches nothing
        assert policy.startswith("default-src 'none';") and "sandbox" in policy and "script-src" not in policy
    with client.get(path) as response:
        assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_an_answer_the_area_no_longer_offers_is_said_so_and_its_pdf_imported_with_it(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Upgrade review: requests stored, and PDFs sent, before an upgrade hold the level of
    support by id. An area whose new request_options changed or dropped an id ("looked_after")
    showed those requests as "Not given", and the inbox refused their PDFs as "damaged or
    incomplete", naming the question as "its what is the current level of support? (optional)".
    The answer is shown as one no longer offered, with its id. Facilitator review: the import
    then refused the PDF, saying to offer the id again in the partnership file, which a
    facilitator cannot do; now the PDF is imported with the answer kept by its id (all the
    PDF's data holds), as a request stored before the change keeps it."""
    import yaml

    from app.inbox.pdf_import import ImportProblem
    from app.requests.fields import FIELDS_BY_NAME
    from support.hardening import pdf_with_json, valid_document

    data = yaml.safe_load(PARTNERSHIP_FILE.read_text(encoding="utf-8"))
    levels = data["request_options"]["support_level"]
    data["request_options"]["support_level"] = [level for level in levels if level["id"] != "looked_after"]
    data.pop("logo")
    partnership = tmp_path / "partnership.yaml"
    partnership.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with database_settings(request, "sqlite", tmp_path) as settings:
        app = create_app(
            {
                "APP_ENV": "test",
                **settings,
                "RULE_PACK_PATH": str(PACK_FILE),
                "CONTACTS_PATH": str(CONTACTS_FILE),
                "PARTNERSHIP_PATH": str(partnership),
            }
        )
        try:
            document = valid_document(app)
            document["details"] |= {"support_level": "looked_after", "event_month": "2025-03"}  # as stored
            with app.app_context():
                shown = FIELDS_BY_NAME["support_level"].shown(document["details"])
                assert shown == "An answer no longer offered (id: looked_after)"
                assert read_request_pdf(pdf_with_json(document)).details["support_level"] == "looked_after"
                # Only an id's shape: words are refused as damage.
                document["details"]["support_level"] = "Looked after by Jo"
                with pytest.raises(ImportProblem) as caught:
                    read_request_pdf(pdf_with_json(document))
            message = str(caught.value)
            assert "its current level of support is not an answer the questions could have recorded" in message
        finally:
            dispose(app)


def test_production_names_the_examples_fictional_guidance_with_the_other_problems_in_one_run(tmp_path: Path) -> None:
    """Upgrade review: an area's copy of the example made before request_options, which kept the
    example's fictional guidance, was told only that request_options was missing; mended, the
    next check refused the guidance. Both are said at once, before the restart."""

    from app.config import StartupError
    from test_app import PRODUCTION_OK

    settings = boltons_copy(tmp_path, without=("request_options", "logo"))
    with pytest.raises(StartupError) as refused:
        create_app(PRODUCTION_OK | settings)
    message = str(refused.value)
    assert "request_options: is missing" in message
    assert f"{PACK_FILE}" in message and ": source: says the guidance is fictional" in message
    assert "contact " not in message  # the contacts were rewritten


def test_the_accessibility_statement_gives_the_contacts_phone_as_well_as_its_email(client: FlaskClient) -> None:
    """Found (another area's review): the statement left out the phone number whenever the contact
    had an email, though someone who cannot use email may need it."""
    page = client.get("/accessibility").get_data(as_text=True)
    assert 'href="mailto:spacetothink@northmere.example.org"' in page and 'href="tel:01632960300"' in page
