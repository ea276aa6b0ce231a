"""Anonymous counts: what is counted and when, nothing identifying, and the page, CSV and
command with small numbers hidden (totals included)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import logging
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.inbox import service as inbox_service
from app.pack import current_pack
from app.stats import service as stats_service
from app.stats.models import Count
from app.stats.service import COUNTED_KEY, current_month, first_month, month_label, window
from app.stats.suppression import Bound
from support import both_databases, csrf_token, session_csrf_token
from support.pages import downloaded_csv
from support.sessions import UK, session_form, session_has_started
from support.submission import (
    ELIGIBLE_PATH,
    VALID_DETAILS,
    fill_details,
    make_request,
    path_after,
    path_before,
    submit,
    submitted_request,
    to_outcome,
    with_answers,
)
from support.tabs import another_tab, at_the_same_moment
from support.walk import Walker, outcome_of
from test_suppression import Shown, given_away, narrowed

TO_U1 = [("mode", "practitioner"), ("immediate_danger", "yes")]
SAFE_TO_CRITERIA = list(path_before("criteria", with_answers(ELIGIBLE_PATH, unshared_concern="shared")))
AFTER_CRITERIA = list(path_after("criteria"))
EMAIL = "sam.facilitator@partnership.example"
PASSWORD = "quiet harbour lantern orchard"
HIDDEN = "hidden"


def to_p(criteria: list[str], mode: str = "practitioner") -> list[tuple[str, object]]:
    """Answers that reach outcome P having chosen ``criteria``."""
    return [("mode", mode), *SAFE_TO_CRITERIA[1:], ("criteria", criteria), *AFTER_CRITERIA]


def counts(app: Flask, kind: str | None = None) -> dict[tuple[str, ...], int]:
    """Every stored count, keyed by (kind, month, mode, subject), or by (mode, subject) for one kind this month."""
    with app.app_context():
        rows = list(db.session.scalars(select(Count)))
    if kind is None:
        return {(r.kind, r.month, r.mode, r.subject): r.count for r in rows}
    return {(r.mode, r.subject): r.count for r in rows if r.kind == kind and r.month == current_month()}


def add_counts(app: Flask, *rows: tuple[str, str, str, int]) -> None:
    """Store counts directly, all in mode "practitioner": (kind, month, subject, count)."""
    with app.app_context():
        for kind, month, subject, count in rows:
            db.session.add(Count(kind=kind, month=month, mode="practitioner", subject=subject, count=count))
        db.session.commit()


def months_ago(months: int) -> str:
    """The month ``months`` before this one in the UK (as the counts are kept: from 11pm UTC on
    the last day of a summer month, the UK is in the next one), as "YYYY-MM"."""
    now = dt.datetime.now(UK)
    index = now.year * 12 + now.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def signed_in(app: Flask, role: str = "facilitator") -> FlaskClient:
    """A client signed in to the inbox as a new account with this role."""
    with app.app_context():
        inbox_service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD, role)
    client = app.test_client()
    token = session_csrf_token(client)  # the session's, as the sign-in form carries it: no page drawn for it
    response = client.post("/inbox/sign-in", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return client


def page_tables(page: str) -> dict[str, dict[str, dict[str, str]]]:
    """The statistics page's tables: table name -> row key -> month ("YYYY-MM", or "total") -> as shown,
    the months oldest first and the total last, as in the CSV (the page shows the total first, then
    the months newest first)."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for name, body in re.findall(r'<section [^>]*data-table="([^"]+)">(.*?)</section>', page, re.S):
        rows = tables.setdefault(name, {})
        for key, cells in re.findall(r'<tr class="govuk-table__row" data-row="([^"]*)">(.*?)</tr>', body, re.S):
            shown = re.findall(r'data-count="([^"]+)">([^<]*)</td>', cells)
            rows[key] = {
                month: html.unescape(text).strip()
                for month, text in sorted(shown, key=lambda cell: (cell[0] == "total", cell[0]))
            }
    return tables


def csv_tables(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """The CSV in the same shape as ``page_tables``, keyed by table title and row label."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header[:2] == ["Table", "Counted"] and header[-1] == "Total"
    months = [*header[2:-1], "total"]
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for row in reader:
        tables.setdefault(row[0], {})[row[1]] = dict(zip(months, row[2:], strict=True))
    return tables


# --- counting ---------------------------------------------------------------------------------


@both_databases
def test_a_journey_counts_its_start_finish_and_outcome_once(app: Flask, client: FlaskClient) -> None:
    walker = Walker(client)
    assert outcome_of(walker.walk(TO_U1)) == "U1"
    expected = {("started", ""): 1, ("finished", ""): 1, ("outcome", "U1"): 1}
    assert {(kind, subject): n for (kind, _, mode, subject), n in counts(app).items()} == expected
    assert set(counts(app, "started")) == {("practitioner", "")}
    for _ in range(2):
        assert outcome_of(walker.get("/result")) == "U1"
    # Going back to the first question and answering it again is still the same journey.
    walker.follow(walker.answer("mode", "practitioner").location)
    assert {(kind, subject): n for (kind, _, _, subject), n in counts(app).items()} == expected


@both_databases
def test_two_tabs_showing_the_outcome_at_the_same_moment_count_it_once(app: Flask, client: FlaskClient) -> None:
    """Found (review of the two tabs' merge): each page read the session before the other saved
    that it had counted the outcome, so both counted it. The same for the start, when the first
    question is answered in two tabs at once. What is counted is marked in the session as it is
    counted, in the same transaction, so a page that opens meanwhile sees it."""
    walker = Walker(client)
    walker.start()
    other_tab = another_tab(app, client)
    answer = {"answer": "practitioner", "csrf_token": walker.token}
    with at_the_same_moment(app, lambda: other_tab.post("/questions/mode", data=answer)) as sent:
        walker.answer("mode", "practitioner")
    assert sent == [302]
    for question_id, value in TO_U1[1:]:
        walker.answer(question_id, value)
    with at_the_same_moment(app, lambda: other_tab.get("/result")) as sent:
        assert outcome_of(walker.get("/result")) == "U1"
    assert sent == [200]
    assert outcome_of(other_tab.get("/result")) == "U1"  # and a reload, after both
    expected = {("started", ""): 1, ("finished", ""): 1, ("outcome", "U1"): 1}
    assert {(kind, subject): n for (kind, _, _, subject), n in counts(app).items()} == expected


def test_opening_the_first_question_without_answering_counts_nothing(app: Flask, client: FlaskClient) -> None:
    assert client.get("/start").status_code == 302
    assert client.get("/questions/mode").status_code == 200
    assert counts(app) == {}


@both_databases
def test_different_outcomes_and_new_journeys_count_separately(app: Flask, client: FlaskClient) -> None:
    walker = Walker(client)
    walker.walk(TO_U1)
    # Changing an answer to reach a different outcome counts that outcome, but not another finish.
    assert outcome_of(walker.follow(walker.answer("immediate_danger", "not_sure").location)) == "U2"
    assert outcome_of(walker.follow(walker.answer("immediate_danger", "yes").location)) == "U1"
    assert counts(app, "outcome") == {("practitioner", "U1"): 1, ("practitioner", "U2"): 1}
    assert counts(app, "finished") == {("practitioner", ""): 1}
    # A new journey is counted afresh, and the other mode is another row.
    walker.walk(TO_U1)
    walker.walk([("mode", "supervision"), ("immediate_danger", "yes")])
    assert counts(app, "outcome") == {("practitioner", "U1"): 2, ("practitioner", "U2"): 1, ("supervision", "U1"): 1}
    assert counts(app, "started") == {("practitioner", ""): 2, ("supervision", ""): 1}
    assert counts(app, "finished") == {("practitioner", ""): 2, ("supervision", ""): 1}


@both_databases
def test_each_criterion_chosen_is_counted_and_none_of_these_is_not(app: Flask, client: FlaskClient) -> None:
    walker = Walker(client)
    assert outcome_of(walker.walk(to_p(["stuck", "debrief"]))) == "P"
    assert outcome_of(walker.walk(to_p(["debrief"], mode="supervision"))) == "P"
    assert outcome_of(walker.walk([*SAFE_TO_CRITERIA, ("criteria", ["none"])])) == "S"
    assert counts(app, "criterion") == {
        ("practitioner", "stuck"): 1,
        ("practitioner", "debrief"): 1,
        ("supervision", "debrief"): 1,
    }
    assert counts(app, "outcome") == {("practitioner", "P"): 1, ("supervision", "P"): 1, ("practitioner", "S"): 1}


@both_databases
def test_counts_add_up_across_journeys(app: Flask, client: FlaskClient) -> None:
    walker = Walker(client)
    for _ in range(6):
        walker.walk(to_p(["needs"]))
    assert counts(app, "criterion") == {("practitioner", "needs"): 6}
    assert counts(app, "started") == counts(app, "finished") == {("practitioner", ""): 6}


@both_databases
def test_without_an_upsert_the_count_updates_or_inserts(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_service, "UPSERT_INSERTS", {})
    walker = Walker(client)
    for _ in range(3):
        walker.walk(to_p(["stuck", "support"]))
    assert counts(app, "criterion") == {("practitioner", "stuck"): 3, ("practitioner", "support"): 3}
    assert counts(app, "started") == {("practitioner", ""): 3}


@both_databases
def test_a_request_sent_is_counted_once(app: Flask, client: FlaskClient) -> None:
    walker = to_outcome(client)
    submitted_request(walker)
    assert counts(app, "request_sent") == {("practitioner", ""): 1}
    # The back button and a second submission make no second request, and no second count.
    walker.post("/request/submit", walker.shown)
    assert counts(app, "request_sent") == {("practitioner", ""): 1}


@both_databases
def test_a_request_and_its_count_are_stored_with_one_commit(app: Flask, client: FlaskClient) -> None:
    walker = to_outcome(client)
    fill_details(walker, VALID_DETAILS)
    with app.app_context():
        engine = db.engine
    commits: list[str] = []

    def committed(connection: sa.Connection) -> None:
        commits.append("commit")

    sa.event.listen(engine, "commit", committed)
    try:
        submit(walker)
    finally:
        sa.event.remove(engine, "commit", committed)
    assert commits == ["commit"], f"a submission made {len(commits)} commits on the main engine"
    assert counts(app, "request_sent") == {("practitioner", ""): 1}


def test_a_count_that_cannot_be_written_leaves_the_request_stored(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The count is in a savepoint of the request's transaction: when it fails (its table is
    gone here), it is rolled back alone, and the person sees the request sent."""
    walker = to_outcome(client)
    with app.app_context():
        db.session.execute(sa.text("DROP TABLE counts"))
        db.session.commit()
    with caplog.at_level(logging.WARNING, logger="app.stats.service"):
        response = submitted_request(walker)
    assert response.status_code == 302 and response.headers["Location"].endswith("/request/submitted")
    assert "Count not recorded (OperationalError); the request is stored as usual" in caplog.text
    with app.app_context():
        stored = db.session.scalar(sa.text("SELECT count(*) FROM requests"))
    assert stored == 1


@both_databases
def test_a_session_held_is_counted_when_a_facilitator_moves_a_request_there(app: Flask) -> None:
    with app.app_context():
        reference = str(make_request().request.reference)
    client = signed_in(app)
    page = f"/inbox/requests/{reference}"
    token = session_csrf_token(client)  # the session's, as the page's forms carry it
    for status in ("in_triage", "session_offered", "session_arranged", "session_held", "closed"):
        if status == "session_arranged":  # reached by arranging the session
            data, url = {"csrf_token": token, **session_form()}, f"{page}/session"
        else:
            data, url = {"csrf_token": token, "status": status}, f"{page}/status"
        assert client.post(url, data=data).status_code == 302
        if status == "session_arranged":
            session_has_started(app, reference)  # held, next, only once it has taken place
    assert counts(app, "session_held") == {("practitioner", ""): 1}
    tables = page_tables(client.get("/inbox/statistics").get_data(as_text=True))
    assert tables["journeys"]["session_held"]["total"] == HIDDEN  # 1: shown once counted, and hidden


def test_an_unknown_kind_of_count_is_refused(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError, match="unknown kind"):
        stats_service.add_count("page_views")


# --- nothing identifying ----------------------------------------------------------------------


@both_databases
def test_the_table_holds_only_kind_month_mode_subject_and_count(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        inspector = sa.inspect(db.engine)
        columns = {column["name"]: column for column in inspector.get_columns("counts")}
        uniques = [tuple(u["column_names"]) for u in inspector.get_unique_constraints("counts")]
        assert "route_counts" not in inspector.get_table_names()
    assert set(columns) == {"id", "kind", "month", "mode", "subject", "count"}
    assert not any(isinstance(c["type"], sa.DateTime | sa.Date | sa.JSON | sa.Text) for c in columns.values())
    assert uniques == [("kind", "month", "mode", "subject")]

    Walker(client).walk(to_p(["stuck"]))
    with client.session_transaction() as session:
        counted = session[COUNTED_KEY]
        token = session["journey_token"]
    assert counted == {"journey": token, "started": True, "outcomes": ["P"]}  # outcome ids only, never answers
    for kind, month, mode, subject in counts(app):
        assert re.fullmatch(r"\d{4}-\d{2}", month) and mode == "practitioner"
        assert subject in ("", "P", "stuck"), (kind, subject)


def test_models_match_the_migration(app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            d for d in compare_metadata(context, db.metadata) if "counts" in repr(d) or "facilitators" in repr(d)
        ]
    assert differences == []


@both_databases
@pytest.mark.own_schema
def test_the_migration_carries_the_old_route_counts_over(app: Flask) -> None:
    from flask_migrate import downgrade, upgrade

    month = current_month()
    with app.app_context():
        downgrade(revision="0006")
        old = sa.table(
            "route_counts", *(sa.column(name) for name in ("month", "mode", "outcome_id", "criterion", "count"))
        )
        db.session.execute(
            sa.insert(old),
            [
                {"month": month, "mode": "practitioner", "outcome_id": "P", "criterion": "stuck", "count": 7},
                {"month": month, "mode": "practitioner", "outcome_id": "P", "criterion": "debrief", "count": 3},
                {"month": month, "mode": "practitioner", "outcome_id": "S", "criterion": "", "count": 2},
                {"month": month, "mode": "practitioner", "outcome_id": "S", "criterion": "stuck", "count": 1},
            ],
        )
        db.session.execute(
            sa.text(
                "INSERT INTO facilitators (email, display_name, password_hash, active, created_at) "
                "VALUES ('old@partnership.example', 'Old', 'x', true, '2026-01-01 00:00:00')"
            )
        )
        db.session.commit()
        upgrade()
    assert counts(app, "criterion") == {("practitioner", "stuck"): 8, ("practitioner", "debrief"): 3}
    assert counts(app, "outcome") == {("practitioner", "P"): 7, ("practitioner", "S"): 3}
    with app.app_context():
        facilitator = db.session.execute(sa.text("SELECT role FROM facilitators")).scalar_one()
        assert facilitator == "facilitator"  # an account made before roles works the inbox, as it did
        db.session.rollback()  # end the read, or PostgreSQL's ALTER TABLE would wait for it
        downgrade(revision="0006")
        assert "counts" not in sa.inspect(db.engine).get_table_names()
        assert "role" not in {column["name"] for column in sa.inspect(db.engine).get_columns("facilitators")}
        upgrade()


# --- a failure to count -----------------------------------------------------------------------


@both_databases
@pytest.mark.own_schema
def test_a_database_error_while_counting_still_shows_every_page(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        db.session.execute(sa.text("DROP TABLE counts"))
        db.session.commit()
    caplog.set_level(logging.WARNING, logger="app.stats.service")
    response = Walker(client).walk(to_p(["stuck", "debrief"]))
    assert response.status_code == 200 and outcome_of(response) == "P"
    messages = [record.getMessage() for record in caplog.records if record.name == "app.stats.service"]
    assert len(messages) == 2 and all("Count not recorded" in message for message in messages)  # start, outcome
    assert not any(word in message for message in messages for word in ("stuck", "debrief", "'P'", "practitioner"))
    assert not any(record.exc_info for record in caplog.records if record.name == "app.stats.service")
    with client.session_transaction() as session:
        assert COUNTED_KEY not in session  # not marked as counted, so a later page can count it


# --- reading, with small numbers hidden ------------------------------------------------------


def test_months_and_labels() -> None:
    now = dt.datetime(2026, 3, 15, tzinfo=dt.UTC)
    assert current_month(now) == "2026-03"
    assert first_month(1, now) == "2026-03"
    assert first_month(3, now) == "2026-01"
    assert first_month(12, now) == "2025-04"
    assert window(3, now) == ("2026-01", "2026-02", "2026-03")
    assert month_label("2026-11") == "November 2026" and month_label("2026-11", short=True) == "Nov 2026"
    assert month_label("nonsense") == "nonsense"


def test_a_month_starts_at_midnight_in_the_uk() -> None:
    """Found (review): months were UTC ones, so a request sent or marked held from midnight to
    1am on the first of a month in British Summer Time was counted in the month before."""
    # 00:30 on 1 June in the UK, still 31 May in UTC (stored times are naive UTC).
    for now in (dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC), dt.datetime(2026, 5, 31, 23, 30)):
        assert current_month(now) == "2026-06"
        assert window(2, now) == ("2026-05", "2026-06")
    # In winter the UK is on UTC.
    assert current_month(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)) == "2026-11"


SMALL_AND_TOTALS = [
    # Journeys: started this month 3 (hidden) must take another month of the row with it.
    ("started", 0, "", 3),
    ("started", 1, "", 9),
    ("started", 2, "", 20),
    ("finished", 0, "", 12),
    ("finished", 1, "", 8),
    # Outcomes: P 1 this month; S 6 and 7; U1 40 last month.
    ("outcome", 0, "P", 1),
    ("outcome", 0, "S", 6),
    ("outcome", 1, "S", 7),
    ("outcome", 1, "U1", 40),
    ("criterion", 0, "stuck", 5),
    ("criterion", 1, "needs", 2),
    ("criterion", 2, "needs", 30),
]


def store_small_and_totals(app: Flask) -> None:
    add_counts(app, *((kind, months_ago(ago), subject, n) for kind, ago, subject, n in SMALL_AND_TOTALS))


@both_databases
def test_the_page_hides_small_numbers_and_enough_others_that_none_can_be_worked_out(app: Flask) -> None:
    store_small_and_totals(app)
    add_counts(app, ("outcome", months_ago(13), "L", 2))  # outside the 12 months: not shown, not in any total
    response = signed_in(app).get("/inbox/statistics")
    assert response.status_code == 200
    tables = page_tables(response.get_data(as_text=True))
    now, last, before = current_month(), months_ago(1), months_ago(2)

    journeys = tables["journeys"]
    assert list(journeys) == ["started", "finished", "request_sent"]  # no sessions held counted: no row
    assert journeys["started"][now] == HIDDEN and journeys["started"][last] == HIDDEN  # 3, and 9 to protect it
    assert journeys["started"][before] == "20" and journeys["started"]["total"] == "32"
    # Finished 12 and 8 are hidden too: shown, they would put a floor under the hidden starts
    # (a journey finished was started), and 12 under this month's hidden P and S.
    assert journeys["finished"][now] == HIDDEN and journeys["finished"][last] == HIDDEN
    assert journeys["finished"]["total"] == "20"
    assert journeys["request_sent"]["total"] == "0" and set(journeys["request_sent"].values()) == {"0"}

    outcomes = tables["outcome"]
    assert list(outcomes)[-1] == "total" and "P" in outcomes and "L" in outcomes  # every outcome of the pack
    # P's 1 is hidden; so is P's total (1); so that P's row and this month's column cannot give it
    # away, S's 6 (the next smallest this month) and S's 7 (to protect S's row) are hidden too.
    assert outcomes["P"][now] == HIDDEN and outcomes["P"]["total"] == HIDDEN
    assert outcomes["S"][now] == HIDDEN
    assert outcomes["L"]["total"] == "0"
    # Last month "needs" 2 and 30 two months ago are hidden; S's 7 shown would say "needs" was at
    # most 7 last month (criteria are counted with P and S), so at least 25 before: S's 7 is hidden
    # too, and U1's 40 with it (not a real month: 30 criteria with no P or S, but the rule holds).
    assert outcomes["U1"][last] == HIDDEN and outcomes["S"][last] == HIDDEN
    assert_no_line_gives_a_hidden_number_away(outcomes, [*window(12), "total"])
    assert_no_line_gives_a_hidden_number_away(journeys, [*window(12), "total"], columns_add_up=False)

    criteria = tables["criterion"]
    assert "total" not in criteria and "none" not in criteria  # several can be chosen: no total row
    # "stuck" 5 is hidden: criteria are counted only with P and S, both hidden this month, and 5
    # would say they add up to at least 5. The same goes for the total of "needs" (32, with P's and
    # S's totals hidden); with its total hidden, "needs" 2 last month no longer takes the 30 with it.
    assert criteria["stuck"][now] == HIDDEN and criteria["needs"][last] == HIDDEN
    assert criteria["needs"][before] == "30" and criteria["needs"]["total"] == HIDDEN
    assert "feedback" not in tables  # nothing counted: no table

    page = html.unescape(response.get_data(as_text=True))
    assert "You can ask for a Space to Think session" in page  # outcome titles from the pack
    assert not re.search(r'data-count="[^"]+">\s*[1-4]\s*<', page)


def assert_no_line_gives_a_hidden_number_away(
    table: dict[str, dict[str, str]], columns: list[str], columns_add_up: bool = True
) -> None:
    """No row or column (with its total) has exactly one hidden number."""
    lines = [[row[c] for c in columns] for row in table.values()]
    if columns_add_up:
        lines += [[row[c] for row in table.values()] for c in columns]
    for line in lines:
        assert line.count(HIDDEN) != 1, line


def test_checks_finished_are_shown_by_who_used_the_tool_adding_up_to_the_checks_finished(app: Flask) -> None:
    """Found (design review): every count is stored with its mode, but every table added the
    modes up, so the partnership could not see how often managers use the tool in supervision
    (DESIGN.md, anonymous counts by outcome, criteria, mode and month)."""
    for mode, journeys in (("practitioner", 6), ("supervision", 5)):
        for _ in range(journeys):
            assert outcome_of(Walker(app.test_client()).walk(to_p(["stuck"], mode))) == "P"
    client = signed_in(app, "partnership")
    page = client.get("/inbox/statistics").get_data(as_text=True)
    tables = page_tables(page)
    now = current_month()
    by_mode = tables["mode"]
    assert list(by_mode) == ["practitioner", "supervision", "total"]
    assert (by_mode["practitioner"][now], by_mode["supervision"][now], by_mode["total"][now]) == ("6", "5", "11")
    assert by_mode["total"]["total"] == tables["journeys"]["finished"]["total"] == "11"
    text = html.unescape(page)
    assert "A manager or supervisor, in supervision with the practitioner" in text
    exported = csv_tables(downloaded_csv(client.get("/inbox/statistics.csv")))
    assert exported["Who used the tool"]["All checks finished"]["total"] == "11"


def test_a_mode_used_once_is_hidden_and_so_is_the_other_but_not_the_total(app: Flask) -> None:
    """Six checks by practitioners and one in supervision: the one is hidden, and so the six
    (the total, 7, shown as checks finished, less six would give the one away)."""
    with app.app_context():
        for mode, count in (("practitioner", 6), ("supervision", 1)):
            db.session.add(Count(kind="finished", month=current_month(), mode=mode, subject="", count=count))
            db.session.add(Count(kind="started", month=current_month(), mode=mode, subject="", count=count))
            db.session.add(Count(kind="outcome", month=current_month(), mode=mode, subject="S", count=count))
        db.session.commit()
    tables = page_tables(signed_in(app, "partnership").get("/inbox/statistics").get_data(as_text=True))
    now = current_month()
    assert tables["mode"]["supervision"][now] == HIDDEN and tables["mode"]["practitioner"][now] == HIDDEN
    assert tables["mode"]["total"][now] == tables["journeys"]["finished"][now] == "7"
    shown, keys = shown_by_name(tables, [*window(12), "total"])
    adds_up = {name: "total" in rows for name, rows in tables.items()}
    with app.app_context():
        bounds = stats_service.linked_bounds(current_pack(), keys)
    finished = (("journeys", keys["journeys"].index("finished")),)
    by_mode_total = (("mode", len(keys["mode"])),)  # known to a reader whatever the app's bounds say
    bounds += [Bound(below=by_mode_total, above=finished), Bound(below=finished, above=by_mode_total)]
    assert given_away(narrowed(shown, adds_up, bounds)) == {}


@both_databases
def test_the_csv_has_the_same_numbers_hidden_and_no_formulas(app: Flask) -> None:
    store_small_and_totals(app)
    client = signed_in(app)
    page = page_tables(client.get("/inbox/statistics").get_data(as_text=True))
    response = client.get("/inbox/statistics.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="space-to-think-statistics-to-\d{4}-\d{2}\.csv"', response.headers["Content-Disposition"]
    )
    assert response.headers["Cache-Control"] == "no-store"
    exported = csv_tables(downloaded_csv(response))
    titles = {
        "journeys": "Checks and requests",
        "mode": "Who used the tool",
        "outcome": "Outcomes reached",
        "criterion": "What a reflective space would help with",
    }
    with app.app_context():
        statistics = stats_service.statistics()
    for table in statistics.tables:
        for row in table.rows:
            assert exported[titles[table.name]][row.label] == page[table.name][row.key], (table.name, row.key)


@both_databases
def test_the_csv_says_what_hidden_means_in_words_that_never_change(app: Flask) -> None:
    """Found: the CSV showed "hidden" with no word of why, so a file passed
    on outside the inbox read as if numbers were missing. Its last row now says what "hidden"
    means, as the page does, in the same words whatever was counted (so it says nothing about
    any hidden count), with every other cell of the row empty."""
    client = signed_in(app)
    before = list(csv.reader(io.StringIO(downloaded_csv(client.get("/inbox/statistics.csv")))))
    store_small_and_totals(app)
    rows = list(csv.reader(io.StringIO(downloaded_csv(client.get("/inbox/statistics.csv")))))
    assert any(HIDDEN in row for row in rows[1:-1])
    label, note, *rest = rows[-1]
    assert label == "About hidden numbers" and rest == [""] * (len(rows[0]) - 2)
    assert note.startswith('A count under 5 is shown as "hidden". Some larger counts and totals are hidden too')
    assert "Every hidden count reads the same, so this file does not say which are under 5" in note
    assert before[-1] == rows[-1] and before[0] == rows[0]  # the same words, counted or not


def test_the_csv_says_what_each_table_counts_as_the_page_does(app: Flask) -> None:
    """Found (partnership review): the page says what each table counts ("a check whose answers were
    changed ... counts for both"), the CSV did not, so a file passed on showed more outcomes reached
    than checks finished with nothing to say why. Each table's words follow the tables, as on the page."""
    client = signed_in(app)
    store_small_and_totals(app)
    rows = list(csv.reader(io.StringIO(downloaded_csv(client.get("/inbox/statistics.csv")))))
    page = html.unescape(client.get("/inbox/statistics").get_data(as_text=True))
    about = {row[0]: row[1] for row in rows if row[0].startswith("About the table: ")}
    assert set(about) == {
        "About the table: Checks and requests",
        "About the table: Who used the tool",
        "About the table: Outcomes reached",
        "About the table: What a reflective space would help with",
    }
    assert (
        "A check whose answers were changed to reach a different outcome counts for both."
        in about["About the table: Outcomes reached"]
    )
    for words in about.values():
        assert words in page  # the page's own words
    assert all(all(cell == "" for cell in row[2:]) for row in rows if row[0].startswith("About the table: "))
    assert rows[-1][0] == "About hidden numbers"


def test_the_csv_says_this_month_is_not_over(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    """Found (review): the page heads this month's column "(so far)", but the CSV headed it with
    the month alone, as if its counts were a whole month's. The heading stays the month (a
    program reads the months from it); the row before the note on hidden numbers says this month
    is not over, with "so far" in its column. Earlier twelves of ``flask stats csv`` have no such row."""
    store_small_and_totals(app)
    rows = list(csv.reader(io.StringIO(downloaded_csv(signed_in(app).get("/inbox/statistics.csv")))))
    assert rows[0] == ["Table", "Counted", *window(12), "Total"]
    label, note, *cells = rows[-2]
    assert label == "About this month" and rows[-1][0] == "About hidden numbers"
    assert note == f"{current_month()} is this month: it is not over, and its counts go on growing until it ends."
    assert cells == [*[""] * 11, "so far", ""]
    two = list(csv.reader(io.StringIO(runner.invoke(args=["stats", "csv", "--months", "24"]).output)))
    assert [row[0] for row in two].count("About this month") == 1
    assert [row[0] for row in two].index("About this month") == len(two) - 2


def test_csv_cells_that_look_like_formulas_are_made_inert() -> None:
    from app.stats.export import safe_cell

    assert [safe_cell(text) for text in ("=1+1", "+44", "-3", "@SUM(A1)", "\tx", "Calls", "12")] == [
        "'=1+1",
        "'+44",
        "'-3",
        "'@SUM(A1)",
        "'\tx",
        "Calls",
        "12",
    ]


@both_databases
def test_sessions_held_and_feedback_appear_once_counted(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        for score, times in (("5", 6), ("4", 2), ("3", 7)):
            for _ in range(times):
                stats_service.add_count("feedback", subjects=(score,))
        for _ in range(6):
            stats_service.add_count("session_held")
        db.session.commit()
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    tables = page_tables(page)
    assert tables["journeys"]["session_held"]["total"] == "6"
    # The table's words say what the row counts (found in the partnership review: they spoke
    # only of checks and requests sent).
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert 'sessions held too: requests a facilitator marked "session held", counted in the month' in said
    assert list(tables["feedback"]) == ["1", "2", "3", "4", "5", "total"]  # every score, given or not
    # This month is not over: its scores (and so each score's 12-month total) are hidden, or
    # today's page less yesterday's would give the latest answer away; how many answered is not.
    feedback = {row: cells["total"] for row, cells in tables["feedback"].items()}
    assert feedback == {"1": HIDDEN, "2": HIDDEN, "3": HIDDEN, "4": HIDDEN, "5": HIDDEN, "total": "15"}
    assert tables["feedback"]["total"][current_month()] == "15"
    assert "Feedback scores" in runner.invoke(args=["stats", "show"]).output


def test_a_month_with_few_feedback_answers_does_not_say_which_scores_were_given(app: Flask) -> None:
    """Found: one answer in a month gave the table one row, "Score 5", with its number hidden and
    no other rows; the facilitators know whose session was held, so they knew that person's score
    (the feedback page promises no one's can be picked out). Now every score has its row, and a
    month (or the whole window) with fewer than 5 answers hides every score, zeros too."""
    now, last = current_month(), months_ago(1)
    add_counts(app, ("feedback", now, "5", 1), ("session_held", now, "-", 1))
    client = signed_in(app)
    feedback = page_tables(client.get("/inbox/statistics").get_data(as_text=True))["feedback"]
    assert list(feedback) == ["1", "2", "3", "4", "5", "total"]
    assert {feedback[score][now] for score in feedback} == {HIDDEN}
    assert {feedback[score]["total"] for score in feedback} == {HIDDEN}

    # Last month, 10 answers, no score with more than 80% of them: its scores are shown, zeros
    # and all. This month's stay hidden, and so does each score's total, which would give them away.
    add_counts(app, ("feedback", last, "4", 5), ("feedback", last, "5", 5), ("feedback", now, "3", 5))
    feedback = page_tables(client.get("/inbox/statistics").get_data(as_text=True))["feedback"]
    scores = ["1", "2", "3", "4", "5"]
    assert [feedback[score][last] for score in scores] == ["0", "0", "0", "5", "5"]
    assert {feedback[score][now] for score in scores} == {HIDDEN}
    assert {feedback[score]["total"] for score in scores} == {HIDDEN}  # a total less last month's is this month's
    assert feedback["total"]["total"] == "16" and feedback["total"][now] == "6"  # how many answered: shown
    assert_no_line_gives_a_hidden_number_away(feedback, [*window(12), "total"])
    # A month where (nearly) everyone gave one score says what each of them gave: hidden.
    before = months_ago(2)
    add_counts(app, ("feedback", before, "5", 6))
    feedback = page_tables(client.get("/inbox/statistics").get_data(as_text=True))["feedback"]
    assert {feedback[score][before] for score in scores} == {HIDDEN}
    assert [feedback[score][last] for score in scores] == ["0", "0", "0", "5", "5"]
    exported = csv_tables(downloaded_csv(client.get("/inbox/statistics.csv")))["Feedback scores"]
    assert [list(exported[f"Score {score} ({words})"].values()) for score, words in SCORE_WORDS.items()] == [
        list(feedback[score].values()) for score in scores
    ]


# The words the feedback page asks "How much did the Space to Think session help you?" with, each
# score's (the page's radios).
SCORE_WORDS = {"1": "not at all", "2": "a little", "3": "somewhat", "4": "a lot", "5": "very much"}


def test_each_feedback_score_is_named_with_the_words_the_practitioner_chose(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    """Found (the partnership's side, read as a newcomer): the feedback page offers words only
    ("Not at all", "A little", "Somewhat", "A lot", "Very much"), but the statistics named the
    rows "Score 1" to "Score 5" and explained only the ends of the scale, so a reader could not
    tell what "Score 4" meant. Each score's row on the page, in the CSV and in ``flask stats
    show`` now says its words, the same as the feedback page's."""
    from app.space_sessions.forms import FeedbackForm

    with app.test_request_context():
        offered = {choice.value: str(choice.label) for choice in FeedbackForm().score.choices}  # type: ignore[union-attr]
    assert {score: words.lower() for score, words in offered.items()} == SCORE_WORDS
    add_counts(app, ("feedback", months_ago(1), "4", 5), ("feedback", months_ago(1), "5", 5))
    client = signed_in(app)
    said = " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", client.get("/inbox/statistics").get_data(as_text=True))).split()
    )
    exported = csv_tables(downloaded_csv(client.get("/inbox/statistics.csv")))["Feedback scores"]
    shown = runner.invoke(args=["stats", "show"]).output
    for score, words in SCORE_WORDS.items():
        assert f"Score {score} ({words})" in said
        assert f"Score {score} ({words})" in exported
        assert f"Score {score} ({words})" in shown


def test_the_page_with_nothing_counted(app: Flask) -> None:
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    assert "data-statistics-empty" in page
    assert set(page_tables(page)["outcome"]["total"].values()) == {"0"}


def test_the_page_tells_a_partnership_account_how_to_share_the_counts_safely(app: Flask) -> None:
    """Found (partnership's review): that two downloads taken at different times can be compared
    to work out how much a hidden number changed, so only one should be shared, was said only in
    the facilitators' guide, which a partnership account cannot open; the partnership staff who
    share the counts with their boards never read it."""
    client = signed_in(app, "partnership")
    assert client.get("/inbox/guide").status_code == 403
    page = client.get("/inbox/statistics").get_data(as_text=True)
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "share one download, not one from each month" in said
    assert "Delete downloaded files when you have finished with them." in said


def test_the_page_speaks_of_checks_as_the_public_pages_do_not_journeys(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    """Found (words review): the statistics said "Journeys started" and "How many journeys
    reached each outcome": "journey" is the code's word; the public pages call one person's way
    through the questions a "check" ("Check whether a Space to Think session could help",
    "start a new check"). The page, the CSV and ``flask stats`` say "checks"."""
    client = signed_in(app)
    page = client.get("/inbox/statistics").get_data(as_text=True)
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Checks and requests" in said and "Checks started" in said and "A check is one person's way" in said
    download = downloaded_csv(client.get("/inbox/statistics.csv"))
    shown = runner.invoke(args=["stats", "show"]).output
    for words in (said, download, shown, runner.invoke(args=["stats", "--help"]).output):
        assert "journey" not in words.lower()
    # What is hidden, in sentences of a readable length (it was one sentence of 60 words, with
    # "session outcomes" for the outcomes the criteria lead to).
    assert "so that no one can work out a small number by taking the others away from a total" in said
    assert "hidden in a month where the outcomes it leads to are hidden. Zero is shown as 0, unless it too" in said
    # CSV is explained in the command's help too, as on the page's download link.
    assert "CSV (comma-separated values)" in " ".join(runner.invoke(args=["stats", "csv", "--help"]).output.split())


def test_this_months_column_says_the_month_is_not_over(app: Flask) -> None:
    """Found (partnership review): this month's column read like any other ("Dec 2026"), so a
    month half gone looked like a quiet month beside the full ones."""
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    found = re.findall(r'data-month="([^"]+)">(.*?)</th>', page)
    assert sum("(so far)" in heading for _, heading in found) == len(page_tables(page))  # once in each table
    headings = dict(found)
    this_month = " ".join(re.sub(r"<[^>]+>", " ", headings[current_month()]).split())
    assert this_month == f"{month_label(current_month(), short=True)} (so far)"
    assert "(so far)" not in headings[months_ago(1)]
    assert "This month is not over: its counts go on growing until it ends." in page


def test_the_download_link_says_what_csv_means(app: Flask) -> None:
    """Found (partnership review): "Download these tables as a spreadsheet (CSV)" used the
    acronym unexplained (CONTENT.md: explain every acronym on first use)."""
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    assert "as a spreadsheet (CSV: comma-separated values)</a>" in page


def test_an_outcome_or_answer_that_left_the_rules_says_so_in_words_with_its_id(app: Flask) -> None:
    """Found: a criterion the partnership had taken out of the rules was shown by its id alone
    ("gone (no longer in the rule pack)"), which a partnership reader could not place. The counts
    hold only the id (the wording is not recorded), so the row says what it was and gives the id."""
    add_counts(
        app,
        ("outcome", current_month(), "OLD", 6),
        ("criterion", current_month(), "gone", 6),
        ("criterion", current_month(), "stuck", 6),
    )
    client = signed_in(app, "partnership")
    page = html.unescape(client.get("/inbox/statistics").get_data(as_text=True))
    labels = {
        name: dict(re.findall(r'data-row="([^"]*)">\s*<th scope="row" class="govuk-table__header">([^<]*)</th>', body))
        for name, body in re.findall(r'<section [^>]*data-table="([^"]+)">(.*?)</section>', page, re.S)
    }
    assert labels["outcome"]["OLD"] == "An outcome no longer in the rules (id: OLD)"
    assert labels["criterion"]["gone"] == "An answer no longer in the rules (id: gone)"
    with app.app_context():
        [stuck] = [
            option
            for option in current_pack().question(current_pack().roles.criteria_question).options
            if option.value == "stuck"
        ]
    assert labels["criterion"]["stuck"] == str(stuck.label)  # one still in the rules: its words
    assert list(labels["criterion"])[-1] == "gone"  # after the rules' own, in their order
    # Each table with such a row says what it is, once; a table without one does not.
    explained = dict(re.findall(r'data-table="([^"]+)">.*?(data-retired-explained|</section>)', page, re.S))
    assert explained == {
        "journeys": "</section>",
        "mode": "</section>",
        "outcome": "data-retired-explained",
        "criterion": "data-retired-explained",
    }
    # The download says the same.
    exported = csv_tables(downloaded_csv(client.get("/inbox/statistics.csv")))
    assert exported["Outcomes reached"]["An outcome no longer in the rules (id: OLD)"]["total"] == "6"
    assert exported["What a reflective space would help with"]["An answer no longer in the rules (id: gone)"] == {
        **dict.fromkeys(window(12)[:-1], "0"),
        current_month(): "6",
        "total": "6",
    }


@both_databases
def test_the_page_draws_a_bar_chart_beside_each_table(app: Flask) -> None:
    store_small_and_totals(app)
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    charts = re.findall(r'<div class="app-bar-chart" aria-hidden="true" data-chart>(.*?)</figure>', page, re.S)
    assert len(charts) == 4
    journeys = charts[0]
    assert re.findall(r'data-bar="(\d+)"', journeys) == ["32", "20", "0"]
    assert re.findall(r"<p [^>]*data-chart-label>([^<]*)</p>", journeys)[0] == "Checks started"
    outcomes = charts[2]
    assert "data-hidden-marker" in outcomes and 'data-bar="1"' not in outcomes  # P's total is a marker, not a bar
    # Lengths are percentages of the chart's width (the longest 75%), so the chart fits any screen.
    bar = r'<rect x="0" y="0" width="([\d.]+)%" height="[\d.]+em" fill="#106165" data-bar="(\d+)"'
    lengths = {value: float(width) for width, value in re.findall(bar, journeys)}
    assert lengths["32"] == 75 and lengths["20"] == pytest.approx(75 * 20 / 32, abs=0.01) and lengths["0"] == 0
    # Each table: the total, then the months newest first (on a phone the region opens on them).
    head = re.search(r"<thead.*?</thead>", page, re.S)
    assert head is not None
    assert re.findall(r'>(Total)<|data-month="([\d-]+)"', head[0]) == [
        ("Total", ""),
        *(("", month) for month in reversed(window(12))),
    ]


def test_chart_labels_are_escaped(app: Flask) -> None:
    from flask import render_template_string

    from app.stats.charts import bar_chart
    from app.stats.suppression import Cell

    with app.test_request_context():
        svg = render_template_string(
            '{% from "stats/_bar_chart.html" import bar_chart as draw %}{{ draw(c, "x") }}',
            c=bar_chart([("<script>alert(1)</script>", Cell(7, False))], HIDDEN),
        )
    assert "<script>" not in svg and "&lt;script&gt;" in svg


# --- the command line -------------------------------------------------------------------------


@both_databases
def test_stats_show_hides_the_same_numbers(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    store_small_and_totals(app)
    result = runner.invoke(args=["stats", "show"])
    assert result.exit_code == 0, result.output
    lines = {
        line.split()[0]: line.split()[1:]
        for line in result.output.splitlines()
        if line and not line.startswith(" ") and len(line.split()) == 14
    }
    assert lines["started"][-3:] == [HIDDEN, HIDDEN, "32"]  # 2 months ago: 20 is shown, then last month, this one
    assert lines["started"][-4] == "20"
    assert lines["P"][-2:] == [HIDDEN, HIDDEN] and lines["total"][-1] == "54"
    assert "  P: You can ask for a Space to Think session" in result.output
    assert f"{current_month()} is this month: it is not over, and its counts go on growing" in result.output
    shown_numbers = [cell for cells in lines.values() for cell in cells if cell != HIDDEN]
    assert not any(cell in {"1", "2", "3", "4"} for cell in shown_numbers)


@both_databases
def test_stats_csv_is_the_download(app: Flask, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store_small_and_totals(app)
    downloaded = downloaded_csv(signed_in(app).get("/inbox/statistics.csv"))
    assert runner.invoke(args=["stats", "csv"]).output == downloaded.replace("\r\n", "\n")  # the runner's newlines
    target = tmp_path / "counts.csv"
    result = runner.invoke(args=["stats", "csv", "--output", str(target)])
    # The file starts with the mark that makes Excel read it as UTF-8, as the download does.
    assert result.exit_code == 0 and target.read_bytes() == ("\ufeff" + downloaded).encode("utf-8")


def test_stats_show_with_nothing_counted(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["stats", "show", "--months", "24"])
    assert result.exit_code == 0
    assert "Nothing counted in the last 24 months." in result.output


def test_stats_refuse_a_silly_number_of_months(runner) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["stats", "show", "--months", "0"]).exit_code != 0
    assert runner.invoke(args=["stats", "csv", "--months", "500"]).exit_code != 0


@both_databases
def test_no_window_of_months_gives_a_hidden_number_away_beside_the_page(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    """Found (partnership review): 2 checks started 12 months ago and 10 this month. The page's
    12 months showed 10 and a total of 10; `flask stats show --months 13` hid both months but
    showed the total, 12, so the hidden month was 12 less 10: 2. Only whole twelves of months
    can be asked for now, each shown as the page shows its own, with its own totals."""
    add_counts(app, ("started", months_ago(12), "", 2), ("started", months_ago(0), "", 10))
    for months in ("1", "11", "13", "25"):
        refused = runner.invoke(args=["stats", "show", "--months", months])
        assert refused.exit_code != 0 and "multiple of 12" in refused.output
        assert runner.invoke(args=["stats", "csv", "--months", months]).exit_code != 0
    page = runner.invoke(args=["stats", "show"]).output
    two = runner.invoke(args=["stats", "show", "--months", "24"])
    assert two.exit_code == 0, two.output
    older, newer = two.output.split(f"The 12 months from {month_label(months_ago(23))}")[1].split(
        f"The 12 months from {month_label(months_ago(11))}"
    )
    assert newer.split("\n", 2)[2] == page  # the page's 12 months, as on their own
    started = [line.split()[1:] for line in older.splitlines() if line.startswith("started ")]
    assert started == [[*["0"] * 11, HIDDEN, HIDDEN]]  # 2 and its total hidden: nothing to subtract
    exported = runner.invoke(args=["stats", "csv", "--months", "24"]).output
    assert exported.count("Table,Counted,") == 2
    assert exported.endswith(runner.invoke(args=["stats", "csv"]).output)
    # Counts kept for 30 months: 24 of them can be shown, in two twelves.
    app.config["COUNTS_RETENTION_MONTHS"] = 30
    refused = runner.invoke(args=["stats", "show", "--months", "36"])
    assert refused.exit_code != 0 and "so --months can be at most 24" in refused.output


# --- who may see them -------------------------------------------------------------------------


def test_the_page_needs_sign_in(app: Flask, client: FlaskClient) -> None:
    # The CSV's sign-in goes on to the page with its link, not to a download that would leave the
    # tab on the sign-in page (tests/test_inbox_form_addresses.py).
    for url in ("/inbox/statistics", "/inbox/statistics.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location == "/inbox/sign-in?next=/inbox/statistics"


def test_signing_in_from_the_page_comes_back_to_it(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        inbox_service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
    url = "/inbox/sign-in?next=/inbox/statistics"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/inbox/statistics"
    assert client.get("/inbox/statistics").status_code == 200


# --- across tables ----------------------------------------------------------------------------


def shown_by_name(
    tables: dict[str, dict[str, dict[str, str]]], columns: list[str]
) -> tuple[Shown, dict[str, list[str]]]:
    """Page tables as ``test_suppression.narrowed`` reads them, with each table's row keys."""
    shown: Shown = {}
    keys: dict[str, list[str]] = {}
    for name, rows in tables.items():
        shown[name] = [[None if row[c] == HIDDEN else int(row[c]) for c in columns] for row in rows.values()]
        keys[name] = [key for key in rows if key != "total"]
    return shown, keys


def cli_tables(output: str) -> dict[str, dict[str, list[str]]]:
    """``flask stats show``'s tables: title -> row key -> the cells as shown."""
    tables: dict[str, dict[str, list[str]]] = {}
    titles = {"Checks and requests", "Who used the tool", *stats_service.KINDS.values()}
    current: dict[str, list[str]] | None = None
    for line in output.splitlines():
        if line in titles:
            current = tables.setdefault(line, {})
        elif not line:
            current = None
        elif current is not None and not line.startswith(" "):
            key, *cells = line.split()
            current[key] = cells
    return tables


@both_databases
def test_the_reviewers_month_gives_nothing_away_on_the_page_csv_or_command_line(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The privacy review's month: five journeys reach P choosing "stuck" and "debrief", one
    answers yes to immediate danger (U1, call 999). Each table on its own hid U1 and P and showed
    the total (6), S (0) and "stuck" (5): criteria are counted only with P and S, so P was at
    least 5 and U1 at most 1, and hidden, so 1. A reader who knows every link between the tables
    now pins down nothing, on the page, in the CSV or on the command line (which all agree)."""
    walker = Walker(client)
    for _ in range(5):
        assert outcome_of(walker.walk(to_p(["stuck", "debrief"]))) == "P"
    assert outcome_of(walker.walk(TO_U1)) == "U1"
    month = current_month()
    signed = signed_in(app)

    def read() -> tuple[dict[str, dict[str, dict[str, str]]], str, str]:
        return (
            page_tables(signed.get("/inbox/statistics").get_data(as_text=True)),
            downloaded_csv(signed.get("/inbox/statistics.csv")),
            runner.invoke(args=["stats", "show"]).output,
        )

    def pinned(tables: dict[str, dict[str, dict[str, str]]], months: list[str]) -> dict[tuple[str, int, int], range]:
        shown, keys = shown_by_name(tables, [*months, "total"])
        adds_up = {name: "total" in rows for name, rows in tables.items()}
        with app.app_context():
            bounds = stats_service.linked_bounds(current_pack(), keys)
        return given_away(narrowed(shown, adds_up, bounds))

    page, exported, shown_text = read()
    outcomes, criteria = page["outcome"], page["criterion"]
    assert outcomes["U1"][month] == HIDDEN and outcomes["P"][month] == HIDDEN
    assert outcomes["total"][month] == "6" and outcomes["S"][month] == "0"
    assert criteria["stuck"][month] == HIDDEN and criteria["debrief"][month] == HIDDEN  # they would give P away
    assert pinned(page, list(window(12))) == {}
    # The CSV and the command line show the same.
    titles = {
        "journeys": "Checks and requests",
        "mode": "Who used the tool",
        "outcome": "Outcomes reached",
        "criterion": stats_service.KINDS["criterion"],
    }
    csv_shown = csv_tables(exported)
    cli = cli_tables(shown_text)
    for name, rows in page.items():
        assert list(csv_shown[titles[name]].values()) == list(rows.values())
        assert cli[titles[name]] == {key: list(row.values()) for key, row in rows.items()}

    # Without the links between tables, the same reader finds the one call to 999.
    monkeypatch.setattr(stats_service, "linked_bounds", lambda pack, rows: [])
    before, _, _ = read()
    assert before["criterion"]["stuck"][month] == "5"
    outcome_rows = list(before["outcome"])
    monkeypatch.undo()  # the reader still knows the links
    found = pinned(before, list(window(12)))
    assert ("outcome", outcome_rows.index("U1"), 11) in found and ("outcome", outcome_rows.index("U1"), 12) in found


@both_databases
def test_an_outcome_no_longer_in_the_rules_is_bounded_as_its_own_pack_bounded_it(app: Flask) -> None:
    """Found (partnership review): the privacy review's month, under an outcome the partnership
    has since taken out (P_OLD, a request outcome after the criteria question in the pack it was
    counted under). "stuck" showed 5 beside P_OLD hidden: a reader who looks P_OLD up in the
    pack's history, as the page and `flask rules diff` tell them to, knew P_OLD was at least 5,
    so U1 (call 999) at most 1 and, hidden, 1. The bounds are used with such an outcome too."""
    month = current_month()
    add_counts(
        app,
        ("started", month, "", 6),
        ("finished", month, "", 6),
        ("outcome", month, "P_OLD", 5),
        ("outcome", month, "U1", 1),
        ("criterion", month, "stuck", 5),
    )
    page = page_tables(signed_in(app).get("/inbox/statistics").get_data(as_text=True))
    assert page["outcome"]["P_OLD"][month] == HIDDEN and page["outcome"]["U1"][month] == HIDDEN
    assert page["outcome"]["total"][month] == "6"
    assert page["criterion"]["stuck"][month] == HIDDEN
    # A reader who knows the pack P_OLD was counted under (where it is P) pins down nothing.
    shown, keys = shown_by_name(page, [*window(12), "total"])
    outcome, journeys = keys["outcome"], keys["journeys"]
    criteria = tuple(("criterion", row) for row in range(len(keys["criterion"])))

    def outcomes(*ids: str) -> tuple[tuple[str, int], ...]:
        return tuple(("outcome", outcome.index(key)) for key in ids)

    finished, started, sent = (("journeys", journeys.index(key)) for key in ("finished", "started", "request_sent"))
    reader = [
        Bound(below=criteria, above=outcomes("P", "S", "P_OLD")),
        Bound(below=outcomes("P", "P_OLD"), above=criteria, each=False),
        Bound(below=(finished,), above=(("outcome", len(outcome)),)),
        Bound(below=(finished,), above=(started,)),
        Bound(below=(sent,), above=outcomes("P", "P_OLD")),
    ]
    adds_up = {name: "total" in rows for name, rows in page.items()}
    assert given_away(narrowed(shown, adds_up, reader)) == {}


@pytest.mark.parametrize("role", ["facilitator", "partnership"])
def test_a_link_on_another_site_starts_no_download_of_the_counts(app: Flask, role: str) -> None:
    """Found (security review): the requests' file and a request's PDF, followed from a link on
    another website, lead to the page with the download link, saying why; the counts' file alone
    downloaded (as the statistics-only partnership account too). It now does as they do."""
    client = signed_in(app, role)
    elsewhere = client.get("/inbox/statistics.csv", headers={"Sec-Fetch-Site": "cross-site"})
    assert elsewhere.status_code == 302 and elsewhere.location == "/inbox/statistics"
    page = html.unescape(client.get(elsewhere.location).get_data(as_text=True))
    assert "The download did not start, because the link to it was on another website" in page
    assert client.head("/inbox/statistics.csv", headers={"Referer": "https://evil.example/"}).status_code == 302
    assert "The download did not start" not in client.get("/inbox/statistics").get_data(as_text=True)
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {}):  # its own link; the address typed
        assert client.get("/inbox/statistics.csv", headers=headers).mimetype == "text/csv", headers
