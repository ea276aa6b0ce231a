""" "How this tool decides" and "Questions to prepare": drawn from the rule pack, and redrawn when it changes.

The pages are checked on the installed pack and on a changed copy of it (loaded through
RULE_PACK_PATH from a temporary folder): a rerouted answer, a reworded question, a new
guidance link and a new review date must all show. The table of routes is checked below
HTTP against every path the engine enumerates.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from app import create_app, questions_pdf, uk_time
from app.extensions import db
from app.main import decides
from app.main import views as main_views
from app.models import QuestionsPdf, utcnow
from app.pack import current_pack
from app.rules import DEFAULT_CONTACTS, DEFAULT_PACK, RulePack, enumerate_paths, load_contacts, load_pack
from support import both_databases
from support.clock import stop_clock
from support.database import database_settings, dispose
from support.pack_data import wellbeing_added_and_lived_experience_retired
from support.pdf import pdf_text, use_fake_renderer
from support.submission import run_outbox

CONTACTS = load_contacts(DEFAULT_CONTACTS)
PACK = load_pack(DEFAULT_PACK, CONTACTS)

# The changed copy of the pack: the allegation question's "Yes" leads to the outcome for an
# unshared concern instead of the LADO outcome (which goes), the disagreement question is reworded, the
# guidance on allegations gains a link, and the review date moves.
NEW_TITLE = "Do you disagree with a decision another agency made about a child or young person?"
NEW_TITLE_SUPERVISION = (
    "Does the practitioner disagree with a decision another agency made about a child or young person?"
)
NEW_LINK = "https://example.org/allegations-procedure"
NEW_REVIEW = dt.date(2028, 1, 31)


def changed_pack_file(folder: Path) -> Path:
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    data["pack"]["review_date"] = NEW_REVIEW
    questions = {question["id"]: question for question in data["questions"]}
    for option in questions["allegation"]["options"]:
        if option["value"] == "yes":
            option["next"] = "U2"
    data["outcomes"] = [outcome for outcome in data["outcomes"] if outcome["id"] != "L"]  # nothing leads there now
    questions["disagreement"]["title"] = {"practitioner": NEW_TITLE, "supervision": NEW_TITLE_SUPERVISION}
    for item in data["guidance"]:
        if item["id"] == "wt_allegations":
            item["url"] = NEW_LINK
    path = folder / "changed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def app_with(request: pytest.FixtureRequest, tmp_path: Path, **overrides: Any) -> Iterator[Flask]:
    with database_settings(request, "sqlite", tmp_path) as settings:
        application = create_app({"APP_ENV": "test", **settings, **overrides})
        yield application
        dispose(application)


@pytest.fixture
def changed_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app running on the changed copy of the pack."""
    yield from app_with(request, tmp_path, RULE_PACK_PATH=str(changed_pack_file(tmp_path)))


def text_of(page: str) -> str:
    """A page's visible text, tags dropped, entities decoded and white space squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def route_outcomes(page: str) -> list[str]:
    return re.findall(r'class="govuk-table__row app-route" data-outcome="([^"]+)"', page)


def get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- Links to the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/cookies", "/questions-to-prepare"])
def test_every_footer_links_to_how_this_tool_decides(client: FlaskClient, path: str) -> None:
    page = get(client, path)
    assert 'href="/how-it-decides"' in page[page.index("<footer") :]


def test_start_page_links_to_the_questions_to_prepare(client: FlaskClient) -> None:
    page = get(client, "/")
    main = page[page.index("<main") : page.index("</main>")]
    assert 'href="/questions-to-prepare">read the questions before you start</a>, to prepare on your own' in main
    # Found (supervision review): "or for supervision" led to the practitioner's wording alone.
    assert (
        'href="/questions-to-prepare?mode=supervision">read them as a manager or supervisor asks them</a>, '
        "to prepare for supervision" in main
    )


# --- How this tool decides ------------------------------------------------------------------


def test_a_review_date_that_has_passed_is_not_told_as_one_to_come(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Found (partnership review): with the pack's review date passed (``flask rules check`` warns,
    the service runs on), the public page said "The partnership will review these rules by" a
    date already gone."""
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    data["pack"]["review_date"] = dt.date(2025, 3, 31)
    path = tmp_path / "overdue.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for application in app_with(request, tmp_path, RULE_PACK_PATH=str(path)):
        words = text_of(get(application.test_client(), "/how-it-decides"))
        assert "The partnership was due to review these rules by 31 March 2025, and has not yet set a new" in words
        assert "will review these rules by" not in words


def test_the_review_date_passes_at_midnight_in_the_uk(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (review): the page compared the review date with the date in UTC, so from midnight
    to 1am in British Summer Time it still said the partnership "will review by" yesterday."""
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    data["pack"]["review_date"] = dt.date(2027, 6, 1)
    path = tmp_path / "due.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    # 00:30 on 2 June 2027 in the UK, still 1 June in UTC (after the shipped files were verified).
    stop_clock(monkeypatch, dt.datetime(2027, 6, 1, 23, 30, tzinfo=dt.UTC), main_views, uk_time)
    for application in app_with(request, tmp_path, RULE_PACK_PATH=str(path)):
        words = text_of(get(application.test_client(), "/how-it-decides"))
        assert "The partnership was due to review these rules by 1 June 2027, and has not yet set a new" in words
        assert "will review these rules by" not in words


def test_how_it_decides_shows_the_version_review_date_diagram_and_every_outcome(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The day before the shipped pack's review date: from that date on, the page rightly says the
    # review was due (tested above), and this test would fail on any run after it.
    day_before = PACK.review_date - dt.timedelta(days=1)
    stop_clock(monkeypatch, dt.datetime.combine(day_before, dt.time(10), tzinfo=dt.UTC), main_views, uk_time)
    page = get(client, "/how-it-decides")
    words = text_of(page)
    assert PACK.version in words
    assert f"will review these rules by {PACK.review_date.day} {PACK.review_date:%B %Y}" in words
    assert 'src="/how-it-decides/decision-diagram.svg"' in page
    # Who to tell about an outcome that looks wrong: the partnership that owns the rules (found,
    # review of the design's promises: its address was only on the accessibility statement).
    with client.application.app_context():
        from app.pack import current_contacts, current_partnership

        owner = current_contacts().get(current_partnership().accessibility.contact_id)
    assert owner is not None and owner.email
    assert (
        f"If you think the tool gave the wrong outcome, or a question is unclear, tell the {PACK.owner}: email" in words
    )
    assert f'href="mailto:{owner.email}"' in page
    # The diagram's description points at the table, which follows it on the page.
    assert 'aria-describedby="diagram-description"' in page and 'id="diagram-description"' in page
    assert page.index("decision-diagram.svg") < page.index("<table")
    # Plain words for the link to the diagram: "image", not "SVG image".
    assert "to zoom in (image)." in words and "SVG" not in words
    # Every outcome the pack can reach has a row in the table of routes.
    reachable = {path.outcome for path in enumerate_paths(PACK)}
    assert set(route_outcomes(page)) == reachable
    # The count of ways through says how it counts the reasons ticked (found, content review: it
    # read as if there were only that many, where the reasons' mixes alone make far more).
    assert re.search(
        r"Different ways through \d+ \(a question where you can tick more than one answer counts as one way", words
    )
    assert "The outcome P, shaded, leads on to a request for a session." in words
    assert "Summary of the Munro Review" in words and "Summary of The" not in words


def test_how_it_decides_cites_the_guidance_the_rules_rest_on(client: FlaskClient) -> None:
    words = text_of(get(client, "/how-it-decides"))
    cited = decides.cited_guidance(PACK)
    assert cited, "the installed pack cites guidance"
    for item in cited:
        assert item.label in words and " ".join(item.text.split()) in words
    # One heading for each source, never the same twice (found, accessibility review: the launch
    # text's name was five headings in a row, one for each passage).
    section = get(client, "/how-it-decides").split('id="guidance"', 1)[1]
    headings = [
        " ".join(re.sub(r"<[^>]+>", "", found).split()) for found in re.findall(r"<h3[^>]*>(.*?)</h3>", section, re.S)
    ]
    assert len(headings) == len(set(headings)) == len({(item.label, item.url) for item in cited}) < len(cited)


def test_how_it_decides_explains_each_acronym_in_the_guidance_it_quotes(client: FlaskClient) -> None:
    """The launch text says "the SSCP"; its source names the Salford Safeguarding Children
    Partnership in full, but nothing tells a reader the two are the same."""
    words = text_of(get(client, "/how-it-decides"))
    assert "the SSCP in Salford" in words
    assert "SSCP means Salford Safeguarding Children Partnership" in words


def test_diagram_is_an_svg_of_the_pack_served_from_our_origin(client: FlaskClient) -> None:
    response = client.get("/how-it-decides/decision-diagram.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "<svg" in svg and PACK.version in svg
    for node in (*PACK.questions, *PACK.outcomes):
        assert f'data-name="{node.id}"' in svg
    # Served under the same Content Security Policy as the pages; nothing in it needs an
    # inline style or a script, which that policy would block.
    assert "img-src 'self'" in response.headers["Content-Security-Policy"]
    assert "style=" not in svg and "<script" not in svg


def test_the_diagram_opened_on_its_own_has_a_title_and_language_and_no_ids_to_read(client: FlaskClient) -> None:
    """Found: opened on its own, the tab had no title, the text no language, and each box and
    arrow was named (tooltip and screen reader) with the pack's ids, "immediate_danger",
    "mode->immediate_danger"."""
    svg = client.get("/how-it-decides/decision-diagram.svg").get_data(as_text=True)
    root = ElementTree.fromstring(svg.encode("utf-8"))  # noqa: S314 (our own app's drawing)
    assert root.get("lang") == "en" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    title = root[0]
    assert title.tag == "{http://www.w3.org/2000/svg}title"
    assert title.text == f"Diagram of the decision rules, version {PACK.version} – Space to Think"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}title")) == 1


def test_diagram_is_drawn_once_per_pack_version(app: Flask, client: FlaskClient, monkeypatch) -> None:
    runs: list[str] = []
    real = decides.draw_svg

    def counting(source: str) -> str | None:
        runs.append(source)
        return real(source)

    monkeypatch.setattr(decides, "draw_svg", counting)
    first = client.get("/how-it-decides/decision-diagram.svg").get_data()
    get(client, "/how-it-decides")
    again = client.get("/how-it-decides/decision-diagram.svg").get_data()
    assert len(runs) == 1 and first == again


def test_without_graphviz_the_page_shows_the_table_and_says_so(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot command anywhere
    for application in app_with(request, tmp_path):
        client = application.test_client()
        page = get(client, "/how-it-decides")
        assert "decision-diagram.svg" not in page
        assert "app-diagram-missing" in page
        assert set(route_outcomes(page)) == {path.outcome for path in enumerate_paths(PACK)}
        assert client.get("/how-it-decides/decision-diagram.svg").status_code == 404


def test_a_graphviz_that_hangs_costs_one_visit_its_time_limit_and_the_diagram_is_tried_again_later(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (robustness review): a dot that hung held the first visit for 20 s, and the failure
    was kept: no diagram until the service restarted. Now the visit waits at most the time limit,
    and a later visit, once ``DIAGRAM_RETRY_SECONDS`` have passed, draws it."""
    import shutil
    import time

    real_dot = shutil.which("dot")
    if real_dot is None:
        pytest.skip("Graphviz (dot) is not installed: scripts/setup installs it")
    hanging = tmp_path / "hanging"
    hanging.mkdir()
    (hanging / "dot").write_text("#!/bin/sh\nexec sleep 60\n")
    (hanging / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", str(hanging))
    monkeypatch.setattr(decides, "DOT_TIMEOUT_SECONDS", 0.5)
    for application in app_with(request, tmp_path):
        client = application.test_client()
        started = time.monotonic()
        page = get(client, "/how-it-decides")
        assert time.monotonic() - started < 5  # the limit, not the hang's 60 s
        assert "app-diagram-missing" in page and "decision-diagram.svg" not in page
        monkeypatch.setenv("PATH", str(Path(real_dot).parent))  # mended
        assert "app-diagram-missing" in get(client, "/how-it-decides")  # not tried again at once
        monkeypatch.setattr(decides, "DIAGRAM_RETRY_SECONDS", 0)  # ... but once its time has come
        assert "decision-diagram.svg" in get(client, "/how-it-decides")
        assert client.get("/how-it-decides/decision-diagram.svg").status_code == 200


def test_graph_page_and_route_table_change_when_the_pack_changes(client: FlaskClient, changed_app: Flask) -> None:
    before = get(client, "/how-it-decides")
    changed_client = changed_app.test_client()
    after = get(changed_client, "/how-it-decides")
    with changed_app.app_context():
        changed = current_pack()
    assert changed.version != PACK.version
    assert changed.version in after and PACK.version not in after
    assert f"{NEW_REVIEW.day} {NEW_REVIEW:%B %Y}" in text_of(after)
    # The rerouted answer: no route reaches the LADO outcome any more.
    assert "L" in route_outcomes(before)
    assert "L" not in route_outcomes(after)
    assert NEW_TITLE not in text_of(before)
    assert f'href="{NEW_LINK}"' in after and f'href="{NEW_LINK}"' not in before
    svg = changed_client.get("/how-it-decides/decision-diagram.svg").get_data(as_text=True)
    drawn_text = " ".join(re.findall(r">([^<]*)</text>", svg))  # (a long label is on several lines)
    assert changed.version in svg and html.escape(NEW_TITLE, quote=False) in drawn_text
    assert 'data-name="L"' not in svg and 'data-name="allegation&#45;&gt;U2"' in svg


# --- The table of routes, below HTTP --------------------------------------------------------


def expand(pack: RulePack, route: decides.Route) -> set[tuple[Any, ...]]:
    """Every path a row of the table stands for, as (question id, answer) pairs and the outcome."""
    per_step = []
    for step in route.steps:
        values = []
        for answer in step.answers:
            if answer.label is None:  # the ordinary options of a multiple-choice question
                values.append(tuple(o.value for o in step.question.options if not o.exclusive))
            else:
                option = next(o for o in step.question.options if o.label.practitioner == answer.label)
                values.append((option.value,) if step.question.kind == "multiple" else option.value)
        per_step.append([(step.question.id, value) for value in values])
    return {(combination, route.outcome.id) for combination in itertools.product(*per_step)}


@pytest.mark.parametrize("pack_file", ["installed", "changed"])
def test_route_table_stands_for_exactly_every_path(tmp_path: Path, pack_file: str) -> None:
    path = DEFAULT_PACK if pack_file == "installed" else changed_pack_file(tmp_path)
    pack = load_pack(path, load_contacts(DEFAULT_CONTACTS))
    table = decides.build_routes(pack)
    paths = {(p.answers, p.outcome) for p in enumerate_paths(pack)}
    covered: list[tuple[Any, ...]] = []
    for route in table.rows:
        rows_paths = expand(pack, route)
        assert len(rows_paths) == route.paths
        covered.extend(rows_paths)
    assert len(covered) == len(paths) == table.path_count  # no path twice
    assert set(covered) == paths
    assert len(table.rows) < len(paths)  # joined into rows people can read


# --- Questions to prepare -------------------------------------------------------------------


def question_titles(pack: RulePack, mode: str) -> list[str]:
    return [" ".join(q.title.for_mode(mode).split()) for q in pack.questions]


def in_order(words: str, phrases: list[str]) -> bool:
    position = 0
    for phrase in phrases:
        position = words.find(phrase, position)
        if position < 0:
            return False
        position += len(phrase)
    return True


@pytest.mark.parametrize("mode, wording", [("myself", "practitioner"), ("supervision", "supervision")])
def test_questions_to_prepare_lists_every_question_in_order_in_the_mode_wording(
    client: FlaskClient, mode: str, wording: str
) -> None:
    page = get(client, f"/questions-to-prepare?mode={mode}")
    main = page[page.index("<main") : page.index("</main>")]
    headings = [text_of(heading) for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", main, re.S)]
    assert headings == [f"{n}. {title}" for n, title in enumerate(question_titles(PACK, wording), start=1)]
    words = text_of(page)
    for question in PACK.questions:
        if question.hint:
            assert " ".join(question.hint.for_mode(wording).split()) in words
        for option in question.options:
            assert " ".join(option.label.for_mode(wording).split()) in words
    other = "supervision" if wording == "practitioner" else "practitioner"
    differing = [q for q in PACK.questions if q.title.for_mode(other) != q.title.for_mode(wording)]
    assert differing and all(q.title.for_mode(other) not in words for q in differing)


def test_questions_to_prepare_says_where_each_answer_leads(client: FlaskClient) -> None:
    words = text_of(get(client, "/questions-to-prepare"))
    numbers = {q.id: n for n, q in enumerate(PACK.questions, start=1)}
    for question in PACK.questions:
        for option in question.options:
            target = question.route_for(option)
            node = PACK.node(target) if target else None
            assert node is not None
            label = " ".join(option.label.practitioner.split())
            title = " ".join(node.title.practitioner.split())
            where = f"question {numbers[node.id]}: {title}" if node.id in numbers else f"outcome: {title}"
            assert re.search(re.escape(label) + r" .{0,40}" + re.escape(where), words), (question.id, option.value)


# CONTENT.md: answers that lead on but are noted ("next, and the request is flagged"; "next,
# with advice to raise it in supervision too (not a block), and the request is flagged"). Found
# (routing review): both public pages said only where these answers lead, as if nothing followed.
NOTED = [
    ("Yes, and it has been referred, or a review is under way", "A practice review may be under way"),
    ("No", "Not discussed in supervision before this request"),
]
ADVICE = "Raise this in your own supervision too."


def test_questions_to_prepare_say_which_answers_are_noted_on_the_request(client: FlaskClient) -> None:
    words = text_of(get(client, "/questions-to-prepare"))
    for answer, flag in NOTED:
        noted = re.escape(answer) + r" Leads to question \d+: [^“]{0,250}“" + re.escape(flag) + "”"
        assert re.search(noted, words), flag
    assert words.index(ADVICE) > words.index("Not discussed in supervision before this request")
    supervision = text_of(get(client, "/questions-to-prepare?mode=supervision"))
    assert "Keep this on the agenda of the practitioner's supervision" in supervision


def test_how_it_decides_says_which_answers_are_noted_on_the_request(client: FlaskClient) -> None:
    words = text_of(get(client, "/how-it-decides"))
    for answer, flag in NOTED:
        assert f"“{answer}” is noted as “{flag}”" in words, flag
    assert ADVICE in words


def test_an_unknown_mode_shows_the_practitioner_wording(client: FlaskClient) -> None:
    unknown = get(client, "/questions-to-prepare?mode=%3Cscript%3E")
    assert text_of(unknown) == text_of(get(client, "/questions-to-prepare"))


def test_questions_to_prepare_change_when_the_pack_changes(client: FlaskClient, changed_app: Flask) -> None:
    changed_client = changed_app.test_client()
    u2_title = PACK.outcome("U2").title.practitioner
    lado_title = PACK.outcome("L").title.practitioner
    number = next(n for n, q in enumerate(PACK.questions, start=1) if q.id == "allegation")
    allegation = f"{number}. " + " ".join(PACK.question("allegation").title.practitioner.split())  # its heading
    for mode, title in (("myself", NEW_TITLE), ("supervision", NEW_TITLE_SUPERVISION)):
        before = text_of(get(client, f"/questions-to-prepare?mode={mode}"))
        after = text_of(get(changed_client, f"/questions-to-prepare?mode={mode}"))
        assert title not in before and title in after
    before = text_of(get(client, "/questions-to-prepare"))
    after = text_of(get(changed_client, "/questions-to-prepare"))
    # The allegation question's "Yes" now leads to the unshared-concern outcome.
    following = f"{number + 1}. " + " ".join(PACK.questions[number].title.practitioner.split())

    def section(words: str) -> str:
        return words[words.index(allegation) : words.index(following)]

    assert lado_title in section(before) and u2_title not in section(before)
    assert u2_title in section(after) and lado_title not in section(after)


def struct_elements(data: bytes) -> list[Any]:
    """Every structure element of a tagged PDF."""
    from test_pdf import _struct_elements

    return _struct_elements(PdfReader(io.BytesIO(data)))


def holds_heading(element: Any) -> bool:
    """Whether a structure element has a heading among its descendants."""
    stack = [element.get("/K")]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get"):
            if str(node.get("/S", "")).startswith("/H"):
                return True
            stack.append(node.get("/K"))
    return False


def being_made(response: Any) -> bool:
    """Whether ``response`` is the "being made" page, with its Check again link and the script's data."""
    page = html.unescape(response.get_data(as_text=True))
    return (
        response.status_code == 200
        and "The questions to prepare are being made" in page
        and "Check again for the PDF" in page
        and 'data-pdf="waiting"' in page
        and 'role="status"' in page
    )


@pytest.mark.real_pdf
def test_questions_pdf_is_made_by_the_worker_opens_and_holds_every_question(client: FlaskClient, app: Flask) -> None:
    """Found (performance review): the questions' PDF was rendered inside the web request, the
    first time in each process for each rules version and mode. Now the outbox worker makes it
    and the page serves the stored one; until then it says it is being made (no JavaScript
    needed: "Check again" loads the page again)."""
    for mode in ("myself", "supervision"):
        assert being_made(client.get(f"/questions-to-prepare.pdf?mode={mode}"))
        status = client.get(f"/questions-to-prepare.pdf/status?mode={mode}")
        assert status.get_json() == {"ready": False, "failed": False}
    run_outbox(app)
    for mode, wording in (("myself", "practitioner"), ("supervision", "supervision")):
        assert client.get(f"/questions-to-prepare.pdf/status?mode={mode}").get_json() == {
            "ready": True,
            "failed": False,
        }
        response = client.get(f"/questions-to-prepare.pdf?mode={mode}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        words = pdf_text(response.get_data())
        assert in_order(words, question_titles(PACK, wording))
        assert PACK.version in words
        assert "Rules version" in words and "Rule pack" not in words
        # A printed page has no footer: the contacts for a child at risk are in it (found, earlier
        # notes: it said only "call 999").
        assert "not an urgent route" in words
        # The questions are sections under their numbered headings, not one list: the renderer tags
        # each page's part of a list as a list of its own, so a screen reader met six lists of two
        # or three questions (found, review of the files the service hands out).
        lists_of_questions = [
            element
            for element in struct_elements(response.get_data())
            if element["/S"] == "/L" and holds_heading(element)
        ]
        assert lists_of_questions == []
        for contact in CONTACTS.emergency:
            assert contact.name in words and (contact.phone or contact.detail) in words, contact.id
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionsPdf)) == 2  # one per mode
        before = {row.mode: row.made_at for row in db.session.scalars(select(QuestionsPdf))}
    # Made once: the next pass leaves them be, and writes nothing (found, reread: every pass
    # deleted, and committed, whether or not anything had changed, taking SQLite's write lock
    # every few seconds of an idle worker).
    written: list[str] = []

    def note_writes(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            written.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", note_writes)
        try:
            questions_pdf.want_pdfs()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note_writes)
    assert written == []
    run_outbox(app)
    with app.app_context():
        assert {row.mode: row.made_at for row in db.session.scalars(select(QuestionsPdf))} == before


@pytest.mark.real_pdf
def test_the_worker_makes_the_questions_pdf_for_the_changed_pack_and_deletes_the_old_ones_a_day_on(
    changed_app: Flask,
) -> None:
    """After a rules change the new rules' PDFs are made, never the old ones served; the old rules'
    rows go once no worker has wanted them for a day (one may still be running in a rolling deploy)."""
    with changed_app.app_context():
        partnership_version = changed_app.extensions["space_to_think.partnership"].version
        for mode in ("myself", "supervision"):  # made by a worker on the rules before the change
            db.session.add(
                QuestionsPdf(
                    pack_version="old",
                    partnership_version=partnership_version,
                    mode=mode,
                    pdf=b"%PDF old",
                    made_at=utcnow(),
                    wanted_at=utcnow(),
                )
            )
        db.session.commit()
    assert being_made(changed_app.test_client().get("/questions-to-prepare.pdf"))  # never the old rules' PDF
    run_outbox(changed_app)
    response = changed_app.test_client().get("/questions-to-prepare.pdf")
    assert response.mimetype == "application/pdf" and NEW_TITLE in pdf_text(response.get_data())
    version = changed_app.extensions["space_to_think.pack"].version

    def kept() -> set[tuple[str, str]]:
        with changed_app.app_context():
            return {(row.pack_version, row.mode) for row in db.session.scalars(select(QuestionsPdf))}

    new_rows = {(version, "myself"), (version, "supervision")}
    assert kept() == new_rows | {("old", "myself"), ("old", "supervision")}
    run_outbox(changed_app, now=utcnow() + dt.timedelta(days=1, minutes=1))
    assert kept() == new_rows


@both_databases
def test_workers_on_old_and_new_rules_side_by_side_keep_each_others_questions_pdfs(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (deploy review): in a rolling deploy, outbox workers on the old rules and the new run
    side by side on one database, and each deleted the other's questions PDFs at every pass, so
    each made its own again at every pass (renders wasted) and the pages of both kept saying
    "being made". Now each keeps its own; another version's rows go only once no worker has
    wanted them for a day."""
    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")}
    new = create_app({"APP_ENV": "test", **settings, "RULE_PACK_PATH": str(changed_pack_file(tmp_path))})
    try:
        real = questions_pdf.render_questions
        renders: list[str] = []

        def counted(mode: str) -> bytes:
            renders.append(mode)
            return real(mode)

        monkeypatch.setattr(questions_pdf, "render_questions", counted)
        for _ in range(3):  # the old rules' worker and the new one, each looking for work in turn
            run_outbox(app)
            run_outbox(new)
        assert sorted(renders) == ["myself", "myself", "supervision", "supervision"]  # each version's, once
        for application in (app, new):
            for query in ("", "?mode=supervision"):
                response = application.test_client().get(f"/questions-to-prepare.pdf{query}")
                assert response.mimetype == "application/pdf"

        old_version = app.extensions["space_to_think.pack"].version

        def versions_kept() -> set[str]:
            with new.app_context():
                return set(db.session.scalars(select(QuestionsPdf.pack_version)))

        # The old rules' worker, still running, says at least hourly that it wants its rows...
        run_outbox(app, now=utcnow() + dt.timedelta(hours=2))
        run_outbox(new, now=utcnow() + dt.timedelta(days=1, minutes=1))
        assert old_version in versions_kept()
        # ...and a day after it last did (it was stopped), the new rules' worker deletes them.
        run_outbox(new, now=utcnow() + dt.timedelta(days=1, hours=2, minutes=1))
        assert versions_kept() == {new.extensions["space_to_think.pack"].version}
        assert len(renders) == 4
    finally:
        dispose(new)


def test_a_change_to_the_contacts_makes_the_questions_pdf_again(client: FlaskClient, app: Flask) -> None:
    """The PDF gives the contacts for a child at risk: after a change to the contacts file (a
    number changed), the PDF with the old number is never served; the worker makes one anew."""
    import dataclasses

    from app.pack import CONTACTS_KEY

    run_outbox(app)
    assert client.get("/questions-to-prepare.pdf").mimetype == "application/pdf"
    book = app.extensions[CONTACTS_KEY]
    app.extensions[CONTACTS_KEY] = dataclasses.replace(book, version=f"{book.version}-changed")
    try:
        assert being_made(client.get("/questions-to-prepare.pdf"))
        run_outbox(app)
        assert client.get("/questions-to-prepare.pdf").mimetype == "application/pdf"
    finally:
        app.extensions[CONTACTS_KEY] = book


def test_the_questions_pdf_says_it_could_not_be_made_when_the_renderer_fails(
    client: FlaskClient, app: Flask, monkeypatch
) -> None:
    """Found (faults review): with the PDF renderer broken (Pango missing, say), the questions' PDF
    gave the general "problem with the service" page (500). Now the worker records the failure,
    the page says so and offers the printable page, and the worker tries again later, not at
    every pass."""
    from app import questions_pdf

    calls: list[str] = []

    def broken(mode: str) -> bytes:
        calls.append(mode)
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(questions_pdf, "render_questions", broken)
    run_outbox(app)
    assert sorted(calls) == ["myself", "supervision"]
    for query, back in (("", 'href="/questions-to-prepare"'), ("?mode=supervision", "mode=supervision")):
        response = client.get(f"/questions-to-prepare.pdf{query}")
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 503
        assert "The questions to prepare could not be made just now" in page
        assert "which you can print" in page and back in page
        assert client.get(f"/questions-to-prepare.pdf/status{query}").get_json() == {"ready": False, "failed": True}
    run_outbox(app)
    assert len(calls) == 2  # not tried again until its wait is over
    monkeypatch.undo()
    use_fake_renderer(monkeypatch)
    run_outbox(app, now=utcnow() + dt.timedelta(hours=2))
    assert client.get("/questions-to-prepare.pdf").mimetype == "application/pdf"


def test_a_journey_at_its_outcome_as_the_rules_change_is_told_the_outcome_changed(app: Flask, tmp_path: Path) -> None:
    """Found (rules maintainer's review): the rules updated under a journey at its outcome page (an
    answer rerouted, the app restarted), the page reloaded showed another outcome with nothing to
    say it had changed. It says so, once; where the same answers still lead to the same outcome
    (the rules changed elsewhere), nothing is said. (A journey that answered the safety question
    reworded is asked it again: test_wizard.py.)"""
    from app.wizard.messages import NOTICE_OUTCOME_CHANGED
    from support.submission import ELIGIBLE_PATH, path_before
    from support.walk import Walker, outcome_of, page_text

    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")}
    new = create_app({"APP_ENV": "test", **settings, "RULE_PACK_PATH": str(changed_pack_file(tmp_path))})
    cookie = app.config["SESSION_COOKIE_NAME"]
    try:
        for path, before, after in (
            ((*path_before("allegation"), ("allegation", "yes")), "L", "U2"),  # rerouted: now U2
            ((("mode", "practitioner"), ("immediate_danger", "yes")), "U1", "U1"),
        ):
            walker = Walker(app.test_client())
            shown = walker.walk(path)
            assert outcome_of(shown) == before and NOTICE_OUTCOME_CHANGED not in page_text(shown)
            updated = new.test_client()  # the same browser, once the server runs the new rules
            kept = walker.client.get_cookie(cookie)
            assert kept is not None
            updated.set_cookie(cookie, kept.value)
            page = updated.get("/result")
            assert outcome_of(page) == after
            assert (NOTICE_OUTCOME_CHANGED in page_text(page)) is (after != before), after
            again = updated.get("/result")  # once
            assert outcome_of(again) == after and NOTICE_OUTCOME_CHANGED not in page_text(again)
        # The disagreement question reworded, on the way to P: asked again, not rerouted.
        walker = Walker(app.test_client())
        assert outcome_of(walker.walk(ELIGIBLE_PATH)) == "P"
        updated = new.test_client()
        updated.set_cookie(cookie, walker.client.get_cookie(cookie).value)  # type: ignore[union-attr]
        assert updated.get("/result").location.endswith("/questions/disagreement")
    finally:
        dispose(new)


def test_after_the_rules_change_the_same_answers_given_again_and_a_request_page_say_the_outcome_changed(
    app: Flask, tmp_path: Path
) -> None:
    """Found (regression review): after an update that moved the journey's outcome, Back and
    Continue with the same answers noted the new outcome before its page compared, and nothing
    was said; and a request page opened after the update said only that "the answers now lead
    here", never that the rules had changed. Both now say so."""
    from app.wizard.messages import (
        NOTICE_NOT_ASKED,
        NOTICE_OUTCOME_CHANGED,
        NOTICE_OUTCOME_CHANGED_NO_REQUEST,
        NOTICE_OUTCOME_REACHED,
    )
    from support.submission import ELIGIBLE_PATH, fill_details, path_before
    from support.walk import Walker, outcome_of, page_text

    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    discussed = next(q for q in data["questions"] if q["id"] == "supervision_discussed")
    next(o for o in discussed["options"] if o["value"] == "no")["next"] = "S"  # ELIGIBLE_PATH's answer
    rerouted = tmp_path / "rerouted.yaml"
    rerouted.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")}
    new = create_app({"APP_ENV": "test", **settings, "RULE_PACK_PATH": str(rerouted)})
    cookie = app.config["SESSION_COOKIE_NAME"]

    def moved_over(walker: Walker) -> Walker:
        kept = walker.client.get_cookie(cookie)
        assert kept is not None
        updated = Walker(new.test_client())
        updated.client.set_cookie(cookie, kept.value)
        return updated

    try:
        # Back to an answer and Continue with it, as it was.
        walker = Walker(app.test_client())
        assert outcome_of(walker.walk(ELIGIBLE_PATH)) == "P"
        updated = moved_over(walker)
        updated.get("/questions/supervision_discussed")
        response = updated.answer("supervision_discussed", "no")
        page = updated.follow(response.location)
        assert outcome_of(page) == "S" and NOTICE_OUTCOME_CHANGED in page_text(page)
        # The later answer set aside was the update's doing: no answer to "change back" (found,
        # second regression review).
        assert "set aside because they no longer apply" in page_text(page)
        assert "change your answer back" not in page_text(page)
        # A request page, its details part written.
        walker = Walker(app.test_client())
        walker.walk(ELIGIBLE_PATH)
        fill_details(walker)
        updated = moved_over(walker)
        page = updated.follow("/request/check-answers")
        words = page_text(page)
        assert (
            outcome_of(page) == "S" and NOTICE_OUTCOME_CHANGED in words and NOTICE_OUTCOME_CHANGED_NO_REQUEST in words
        )
        # A details page sent after the update: not saved, said to be the update's doing (found,
        # regression review: "changed ... in another tab"), what was typed given back.
        walker = Walker(app.test_client())
        walker.walk(ELIGIBLE_PATH)
        walker.get("/request/about-you")
        typed = {"name": "Sam Typed", "job_role": "School nurse", "agency": "Health", "email": "sam@nhs.example"}
        updated = moved_over(walker)
        sent = updated.client.post("/request/about-you", data={**typed, "csrf_token": walker.token})
        words = page_text(sent)
        assert sent.status_code == 400
        assert "the rules this tool follows were updated after it was shown" in words
        assert "no request has been sent" in words and "another tab" not in words and "Sam Typed" in words
        # On a question still to answer ("Before you continue"), the page sent or reloaded (found,
        # regression review: it said only that "the answers given lead here").
        for send in (True, False):
            walker = Walker(app.test_client())
            walker.walk(path_before("understand"))
            updated = moved_over(walker)
            if send:
                updated.get("/questions/understand")  # (the page as it is shown now: a fresh token)
                response = updated.answer("understand", "confirmed")
            else:
                response = updated.get("/questions/understand")
            words = page_text(updated.follow(response.location))
            assert NOTICE_OUTCOME_REACHED in words and NOTICE_NOT_ASKED not in words, send
            assert NOTICE_OUTCOME_REACHED not in page_text(updated.get("/result"))  # once
        # A different answer given after the update that moved the journey is the person's own: not
        # put down to the rules, and the answers it set aside can come back (found, regression
        # review: "Yes" to immediate danger was said to be the update's doing).
        walker = Walker(app.test_client())
        walker.walk(path_before("understand"))
        updated = moved_over(walker)
        updated.get("/questions/immediate_danger")
        page = updated.follow(updated.answer("immediate_danger", "yes").location)
        words = page_text(page)
        assert outcome_of(page) == "U1" and "The rules this tool follows" not in words
        assert "If you change your answer back, they will come back." in words
        # Nothing said of the rules when the person's own answer, given after the update, leads to
        # an outcome (the question was the one to answer next before it and after).
        walker = Walker(app.test_client())
        walker.walk(path_before("supervision_discussed"))
        updated = moved_over(walker)
        updated.get("/questions/supervision_discussed")
        page = updated.follow(updated.answer("supervision_discussed", "no").location)
        assert outcome_of(page) == "S" and "The rules this tool follows" not in page_text(page)
    finally:
        dispose(new)


def test_a_question_added_by_an_update_answered_never_says_to_change_an_answer_back(app: Flask, tmp_path: Path) -> None:
    """Found (rules maintainer's review): a journey that had chosen an answer the partnership then
    retired, with a question added before it, answered the new question and was told its later
    answers were set aside and would "come back if you change your answer back": the person had
    changed nothing, and had no answer to change back."""
    from support.submission import ELIGIBLE_PATH, with_answers
    from support.walk import Walker, page_text

    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    wellbeing_added_and_lived_experience_retired(data)
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")}
    new = create_app({"APP_ENV": "test", **settings, "RULE_PACK_PATH": str(changed)})
    try:
        walker = Walker(app.test_client())
        walker.walk(with_answers(ELIGIBLE_PATH, criteria=["lived_experience"]))
        cookie = app.config["SESSION_COOKIE_NAME"]
        kept = walker.client.get_cookie(cookie)
        assert kept is not None
        updated = Walker(new.test_client())
        updated.client.set_cookie(cookie, kept.value)
        asked = updated.get("/result")
        assert asked.status_code == 302 and asked.location.endswith("/questions/wellbeing"), asked.location
        assert "The questions have changed since you started" in page_text(updated.get("/questions/wellbeing"))
        page = updated.follow(updated.answer("wellbeing", "no").location)
        words = page_text(page)
        assert "set aside because they no longer apply" in words
        assert "change your answer back" not in words
    finally:
        dispose(new)
