"""Anonymous counts: what is counted and when, nothing identifying, and the page, CSV and
command with small numbers hidden (totals included)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.inbox import service as inbox_service
from app.pack import current_pack
from app.rules import DEFAULT_PACK
from app.stats import service as stats_service
from app.stats.models import Count, HiddenCounts
from app.stats.service import COUNTED_KEY, current_month, first_month, month_label, quarter_months, window
from app.stats.suppression import Bound
from support import both_databases, csrf_token, session_csrf_token
from support.database import dispose, read_only_app
from support.pack_data import option
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


def forget_first_readings(app: Flask) -> None:
    """Forget what each quarter's first reading hid: for a test that adds counts to a quarter it has
    read already (which never happens outside the tests: a quarter is read once it is over) and reads
    it again."""
    with app.app_context():
        db.session.execute(sa.delete(HiddenCounts))
        db.session.commit()


def months_ago(months: int) -> str:
    """The month ``months`` before this one in the UK as the counts' clock has it (as the counts
    are kept: from 11pm UTC on the last day of a summer month, the UK is in the next one), as "YYYY-MM"."""
    now = stats_service.utc_now().astimezone(UK)
    index = now.year * 12 + now.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# The statistics show quarters that are over. The tests that read them count with the counts'
# clock (``stats_service.utc_now``) in December 2026, then read them with it in January 2027,
# once October to December 2026 is over: so "this month", "last month" and "two months ago"
# are the quarter's three months, whatever the day the tests run.
RECORDED = dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC)
OVER = dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC)
QUARTER = "2026-Q4"
MONTHS = list(quarter_months(QUARTER))  # the quarter's months, oldest first


class Clock:
    """The counts' clock, set by a test."""

    def __init__(self) -> None:
        self.now = RECORDED

    def __call__(self) -> dt.datetime:
        return self.now

    def quarter_over(self) -> None:
        """Move on to January 2027: October to December 2026 is over, and shown."""
        self.now = OVER


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The counts' clock in December 2026 (``Clock.quarter_over`` moves it on)."""
    found = Clock()
    monkeypatch.setattr(stats_service, "utc_now", found)
    return found


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
    assert header[:2] == ["Table", "Counted"] and header[-1] == "Quarter total"
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


@both_databases
def test_a_tab_that_read_the_session_before_another_counted_counts_nothing_more(
    app: Flask, client: FlaskClient
) -> None:
    """Two tabs each read the session before either counted (the race the claim is for): the
    second's claim finds the session changed and writes nothing, then, in a transaction, finds
    what the first counted (on PostgreSQL the claim and its counts are one statement,
    ``app.sessions.claim_at_once``: written together or not at all)."""
    walker = Walker(client)
    for question_id, value in TO_U1:
        walker.answer(question_id, value)
    other_tab = another_tab(app, client)
    sent: list[int] = []

    def other_tab_counts_first() -> None:  # after this request read the session, before it counts
        if not sent:  # (once: the other tab's own request passes through here too)
            sent.append(0)
            sent[0] = other_tab.get("/result").status_code

    app.before_request_funcs.setdefault(None, []).append(other_tab_counts_first)
    try:
        assert outcome_of(walker.get("/result")) == "U1"
    finally:
        app.before_request_funcs[None].remove(other_tab_counts_first)
    assert sent == [200]
    assert outcome_of(walker.get("/result")) == "U1"  # and a reload
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
def test_a_session_held_is_counted_when_a_facilitator_moves_a_request_there(app: Flask, clock: Clock) -> None:
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
    clock.quarter_over()
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
def test_the_page_hides_small_numbers_and_enough_others_that_none_can_be_worked_out(app: Flask, clock: Clock) -> None:
    store_small_and_totals(app)
    add_counts(app, ("outcome", months_ago(3), "L", 2))  # outside the quarter: not shown, not in any total
    clock.quarter_over()
    response = signed_in(app).get("/inbox/statistics")
    assert response.status_code == 200
    tables = page_tables(response.get_data(as_text=True))
    before, last, now = MONTHS

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
    assert_no_line_gives_a_hidden_number_away(outcomes, [*MONTHS, "total"])
    assert_no_line_gives_a_hidden_number_away(journeys, [*MONTHS, "total"], columns_add_up=False)

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


def test_checks_finished_are_shown_by_who_used_the_tool_adding_up_to_the_checks_finished(
    app: Flask, clock: Clock
) -> None:
    """Found (design review): every count is stored with its mode, but every table added the
    modes up, so the partnership could not see how often managers use the tool in supervision
    (DESIGN.md, anonymous counts by outcome, criteria, mode and month)."""
    for mode, journeys in (("practitioner", 6), ("supervision", 5)):
        for _ in range(journeys):
            assert outcome_of(Walker(app.test_client()).walk(to_p(["stuck"], mode))) == "P"
    now = current_month()
    clock.quarter_over()
    client = signed_in(app, "partnership")
    page = client.get("/inbox/statistics").get_data(as_text=True)
    tables = page_tables(page)
    by_mode = tables["mode"]
    assert list(by_mode) == ["practitioner", "supervision", "total"]
    assert (by_mode["practitioner"][now], by_mode["supervision"][now], by_mode["total"][now]) == ("6", "5", "11")
    assert by_mode["total"]["total"] == tables["journeys"]["finished"]["total"] == "11"
    text = html.unescape(page)
    assert "A manager or supervisor, in supervision with the practitioner" in text
    exported = csv_tables(downloaded_csv(client.get("/inbox/statistics.csv")))
    assert exported["Who used the tool"]["All checks finished"]["total"] == "11"


def test_a_mode_used_once_is_hidden_and_so_is_the_other_but_not_the_total(app: Flask, clock: Clock) -> None:
    """Six checks by practitioners and one in supervision: the one is hidden, and so the six
    (the total, 7, shown as checks finished, less six would give the one away)."""
    with app.app_context():
        for mode, count in (("practitioner", 6), ("supervision", 1)):
            db.session.add(Count(kind="finished", month=current_month(), mode=mode, subject="", count=count))
            db.session.add(Count(kind="started", month=current_month(), mode=mode, subject="", count=count))
            db.session.add(Count(kind="outcome", month=current_month(), mode=mode, subject="S", count=count))
        db.session.commit()
    now = current_month()
    clock.quarter_over()
    tables = page_tables(signed_in(app, "partnership").get("/inbox/statistics").get_data(as_text=True))
    assert tables["mode"]["supervision"][now] == HIDDEN and tables["mode"]["practitioner"][now] == HIDDEN
    assert tables["mode"]["total"][now] == tables["journeys"]["finished"][now] == "7"
    shown, keys = shown_by_name(tables, [*MONTHS, "total"])
    adds_up = {name: "total" in rows for name, rows in tables.items()}
    with app.app_context():
        bounds = stats_service.linked_bounds(current_pack(), keys)
    finished = (("journeys", keys["journeys"].index("finished")),)
    by_mode_total = (("mode", len(keys["mode"])),)  # known to a reader whatever the app's bounds say
    bounds += [Bound(below=by_mode_total, above=finished), Bound(below=finished, above=by_mode_total)]
    assert given_away(narrowed(shown, adds_up, bounds)) == {}


@both_databases
def test_the_csv_has_the_same_numbers_hidden_and_no_formulas(app: Flask, clock: Clock) -> None:
    store_small_and_totals(app)
    clock.quarter_over()
    client = signed_in(app)
    page = page_tables(client.get("/inbox/statistics").get_data(as_text=True))
    response = client.get("/inbox/statistics.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="space-to-think-statistics-2026-Q4\.csv"', response.headers["Content-Disposition"]
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
def test_the_csv_says_what_hidden_means_in_words_that_never_change(app: Flask, clock: Clock) -> None:
    """Found: the CSV showed "hidden" with no word of why, so a file passed
    on outside the inbox read as if numbers were missing. Its last row now says what "hidden"
    means, as the page does, in the same words whatever was counted (so it says nothing about
    any hidden count), with every other cell of the row empty."""
    client = signed_in(app)
    store_small_and_totals(app)
    clock.quarter_over()
    before = list(csv.reader(io.StringIO(downloaded_csv(client.get("/inbox/statistics.csv?quarter=2026-Q3")))))
    rows = list(csv.reader(io.StringIO(downloaded_csv(client.get("/inbox/statistics.csv")))))
    assert any(HIDDEN in row for row in rows[1:-1])
    label, note, *rest = rows[-1]
    assert label == "About hidden numbers" and rest == [""] * (len(rows[0]) - 2)
    assert note.startswith('A count under 5 is shown as "hidden". Some larger counts and totals are hidden too')
    assert "Every hidden count reads the same, so this file does not say which are under 5" in note
    assert before[-1] == rows[-1]  # the same words, counted or not


def test_the_csv_says_what_each_table_counts_as_the_page_does(app: Flask, clock: Clock) -> None:
    """Found (partnership review): the page says what each table counts ("a check whose answers were
    changed ... counts for both"), the CSV did not, so a file passed on showed more outcomes reached
    than checks finished with nothing to say why. Each table's words follow the tables, as on the page."""
    client = signed_in(app)
    store_small_and_totals(app)
    clock.quarter_over()
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


def test_the_csv_says_which_quarter_it_holds_and_that_its_figures_never_change(app: Flask, clock: Clock) -> None:
    """The CSV holds one quarter that is over: its three months (headed "YYYY-MM", for a program
    reading them) and the quarter's total. The row before the note on hidden numbers says which
    quarter, and that its figures never change (found, b140: the rolling window's "so far" month and
    its moving total let two downloads be compared to work hidden numbers out)."""
    store_small_and_totals(app)
    clock.quarter_over()
    rows = list(csv.reader(io.StringIO(downloaded_csv(signed_in(app).get("/inbox/statistics.csv")))))
    assert rows[0] == ["Table", "Counted", *MONTHS, "Quarter total"]
    label, note, *cells = rows[-2]
    assert label == "About the quarter" and rows[-1][0] == "About hidden numbers"
    assert note == (
        "October to December 2026 (2026-Q4). Figures are shown only for quarters that are over, and a quarter's "
        "figures never change after it ends."
    )
    assert cells == ["", "", "", ""]
    assert not any("so far" in cell or "this month" in cell for row in rows for cell in row)


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
def test_sessions_held_and_feedback_appear_once_counted(app: Flask, clock: Clock, runner) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        for score, times in (("5", 6), ("4", 2), ("3", 7)):
            for _ in range(times):
                stats_service.add_count("feedback", subjects=(score,))
        for _ in range(6):
            stats_service.add_count("session_held")
        db.session.commit()
    month = current_month()
    clock.quarter_over()
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    tables = page_tables(page)
    assert tables["journeys"]["session_held"]["total"] == "6"
    # The table's words say what the row counts (found in the partnership review: they spoke
    # only of checks and requests sent).
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert 'sessions held too: requests a facilitator marked "session held", counted in the month' in said
    assert list(tables["feedback"]) == ["1", "2", "3", "4", "5", "total"]  # every score, given or not
    # The month is over and is shown like any other: 2 fours hidden, and the fives with them
    # (the total less the threes and fives would give the fours away); how many answered is shown.
    feedback = {row: cells["total"] for row, cells in tables["feedback"].items()}
    assert feedback == {"1": "0", "2": "0", "3": "7", "4": HIDDEN, "5": HIDDEN, "total": "15"}
    assert tables["feedback"]["total"][month] == "15"
    assert "Feedback scores" in runner.invoke(args=["stats", "show"]).output


def test_a_month_with_few_feedback_answers_does_not_say_which_scores_were_given(app: Flask, clock: Clock) -> None:
    """Found: one answer in a month gave the table one row, "Score 5", with its number hidden and
    no other rows; the facilitators know whose session was held, so they knew that person's score
    (the feedback page promises no one's can be picked out). Now every score has its row, and a
    month (or the whole window) with fewer than 5 answers hides every score, zeros too."""
    before, last, now = MONTHS
    add_counts(app, ("feedback", now, "5", 1), ("session_held", now, "-", 1))
    clock.quarter_over()
    client = signed_in(app)
    feedback = page_tables(client.get("/inbox/statistics").get_data(as_text=True))["feedback"]
    assert list(feedback) == ["1", "2", "3", "4", "5", "total"]
    assert {feedback[score][now] for score in feedback} == {HIDDEN}
    assert {feedback[score]["total"] for score in feedback} == {HIDDEN}

    # Last month, 10 answers, no score with more than 80% of them: its scores are shown, zeros
    # and all. This month's (6, 5 of them one score) stay hidden, and so does each score's total,
    # which would give them away.
    add_counts(app, ("feedback", last, "4", 5), ("feedback", last, "5", 5), ("feedback", now, "3", 5))
    forget_first_readings(app)
    feedback = page_tables(client.get("/inbox/statistics").get_data(as_text=True))["feedback"]
    scores = ["1", "2", "3", "4", "5"]
    assert [feedback[score][last] for score in scores] == ["0", "0", "0", "5", "5"]
    assert {feedback[score][now] for score in scores} == {HIDDEN}
    assert {feedback[score]["total"] for score in scores} == {HIDDEN}  # a total less last month's is this month's
    assert feedback["total"]["total"] == "16" and feedback["total"][now] == "6"  # how many answered: shown
    assert_no_line_gives_a_hidden_number_away(feedback, [*MONTHS, "total"])
    # A month where (nearly) everyone gave one score says what each of them gave: hidden.
    add_counts(app, ("feedback", before, "5", 6))
    forget_first_readings(app)
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


def test_each_feedback_score_is_named_with_the_words_the_practitioner_chose(app: Flask, clock: Clock, runner) -> None:  # type: ignore[no-untyped-def]
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
    clock.quarter_over()
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


def test_the_page_with_nothing_counted(app: Flask, clock: Clock) -> None:
    """Counting began in an earlier quarter, and nothing was counted in the latest: its tables, all 0."""
    add_counts(app, ("started", "2026-08", "", 6))
    clock.quarter_over()
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    assert "data-statistics-empty" in page and "Nothing was counted in October to December 2026." in page
    assert set(page_tables(page)["outcome"]["total"].values()) == {"0"}


def test_before_any_quarter_is_over_the_page_says_when_the_first_figures_come(app: Flask, clock: Clock) -> None:
    """Counting began this quarter (or nothing is counted yet): no tables, and the day the first
    figures will be shown, for which quarter."""
    client = signed_in(app)
    for counted in (False, True):
        if counted:
            add_counts(app, ("started", current_month(), "", 9))
        page = client.get("/inbox/statistics").get_data(as_text=True)
        said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
        assert "The first figures will be shown on 1 January 2027, for October to December 2026." in said
        assert page_tables(page) == {} and "statistics.csv" not in page
    clock.quarter_over()
    page = client.get("/inbox/statistics").get_data(as_text=True)
    assert "data-first-figures" not in page and page_tables(page)["journeys"]["started"]["total"] == "9"


def test_the_page_tells_a_partnership_account_why_its_figures_can_be_shared(app: Flask, clock: Clock) -> None:
    """Found (partnership's review): what to know before sharing the counts was said only in the
    facilitators' guide, which a partnership account cannot open. The page says it: a quarter's
    figures never change, so pages or downloads from different times can be compared safely (the
    advice to share one download only, from when they could not, is gone: b140)."""
    store_small_and_totals(app)
    clock.quarter_over()
    client = signed_in(app, "partnership")
    assert client.get("/inbox/guide").status_code == 403
    page = client.get("/inbox/statistics").get_data(as_text=True)
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "share one download" not in said
    assert "A quarter's figures never change after it ends, so no one can work out a hidden number by comparing" in said
    assert "Delete downloaded files when you have finished with them." in said


def test_the_page_speaks_of_checks_as_the_public_pages_do_not_journeys(app: Flask, clock: Clock, runner) -> None:  # type: ignore[no-untyped-def]
    """Found (words review): the statistics said "Journeys started" and "How many journeys
    reached each outcome": "journey" is the code's word; the public pages call one person's way
    through the questions a "check" ("Check whether a Space to Think session could help",
    "start a new check"). The page, the CSV and ``flask stats`` say "checks"."""
    store_small_and_totals(app)
    clock.quarter_over()
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


def test_the_page_shows_a_quarter_that_is_over_and_never_a_month_that_is_not(app: Flask, clock: Clock) -> None:
    """Found (b140): this month was shown "so far", so a page loaded before and after someone's check
    showed which outcome went up by one. Now only quarters that are over are shown, headed in words."""
    store_small_and_totals(app)
    clock.quarter_over()
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Statistics for October to December 2026" in said
    assert sorted(set(re.findall(r'data-month="([^"]+)"', page))) == MONTHS
    assert "2027-01" not in page and "(so far)" not in page and "This month is not over" not in said


def test_the_download_link_says_what_csv_means(app: Flask, clock: Clock) -> None:
    """Found (partnership review): "Download these tables as a spreadsheet (CSV)" used the
    acronym unexplained (CONTENT.md: explain every acronym on first use)."""
    store_small_and_totals(app)
    clock.quarter_over()
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    assert "as a spreadsheet (CSV: comma-separated values)</a>" in page


def test_an_outcome_or_answer_that_left_the_rules_says_so_in_words_with_its_id(app: Flask, clock: Clock) -> None:
    """Found: a criterion the partnership had taken out of the rules was shown by its id alone
    ("gone (no longer in the rule pack)"), which a partnership reader could not place. The counts
    hold only the id (the wording is not recorded), so the row says what it was and gives the id."""
    add_counts(
        app,
        ("outcome", current_month(), "OLD", 6),
        ("criterion", current_month(), "gone", 6),
        ("criterion", current_month(), "stuck", 6),
    )
    clock.quarter_over()
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
        **dict.fromkeys(MONTHS[:-1], "0"),
        MONTHS[-1]: "6",
        "total": "6",
    }


@both_databases
def test_the_page_draws_a_bar_chart_beside_each_table(app: Flask, clock: Clock) -> None:
    store_small_and_totals(app)
    clock.quarter_over()
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
    # Each table: the quarter's total, then the months newest first (on a phone the region opens on them).
    head = re.search(r"<thead.*?</thead>", page, re.S)
    assert head is not None
    assert re.findall(r'>(Quarter total)<|data-month="([\d-]+)"', head[0]) == [
        ("Quarter total", ""),
        *(("", month) for month in reversed(MONTHS)),
    ]
    assert "Bar chart of the totals for October to December 2026." in page


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
def test_stats_show_hides_the_same_numbers(app: Flask, clock: Clock, runner) -> None:  # type: ignore[no-untyped-def]
    store_small_and_totals(app)
    clock.quarter_over()
    result = runner.invoke(args=["stats", "show"])
    assert result.exit_code == 0, result.output
    lines = {
        line.split()[0]: line.split()[1:]
        for line in result.output.splitlines()
        if line and not line.startswith(" ") and len(line.split()) == 5
    }
    assert lines["started"][-3:] == [HIDDEN, HIDDEN, "32"]  # 2 months ago: 20 is shown, then last month, this one
    assert lines["started"][-4] == "20"
    assert lines["P"][-2:] == [HIDDEN, HIDDEN] and lines["total"][-1] == "54"
    assert "  P: You can ask for a Space to Think session" in result.output
    assert result.output.startswith("October to December 2026 (2026-Q4)\n")
    assert "a quarter's figures never change after it ends" in result.output and "not over" not in result.output
    shown_numbers = [cell for cells in lines.values() for cell in cells if cell != HIDDEN]
    assert not any(cell in {"1", "2", "3", "4"} for cell in shown_numbers)


@both_databases
def test_stats_csv_is_the_download(app: Flask, clock: Clock, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store_small_and_totals(app)
    clock.quarter_over()
    downloaded = downloaded_csv(signed_in(app).get("/inbox/statistics.csv"))
    assert runner.invoke(args=["stats", "csv"]).output == downloaded.replace("\r\n", "\n")  # the runner's newlines
    target = tmp_path / "counts.csv"
    result = runner.invoke(args=["stats", "csv", "--output", str(target)])
    # The file starts with the mark that makes Excel read it as UTF-8, as the download does.
    assert result.exit_code == 0 and target.read_bytes() == ("\ufeff" + downloaded).encode("utf-8")


def test_stats_show_with_nothing_counted(clock: Clock, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["stats", "show", "--quarter", "2026-Q2"])
    assert result.exit_code == 0
    assert "Nothing counted in April to June 2026 (2026-Q2)." in result.output


def test_stats_refuse_a_quarter_not_over_not_kept_or_not_a_quarter(app: Flask, clock: Clock, runner) -> None:  # type: ignore[no-untyped-def]
    """Only a quarter that is over, with its three months all kept, is shown: one not over would grow,
    one partly purged would show other figures than it did. ``--months`` is gone."""
    for command in ("show", "csv"):
        assert runner.invoke(args=["stats", command, "--months", "12"]).exit_code != 0
        for quarter in ("2026-Q5", "Q4", "2026-10", "2026-Q4 "):
            refused = runner.invoke(args=["stats", command, "--quarter", quarter])
            assert refused.exit_code != 0 and "such as 2026-Q4" in refused.output, quarter
        refused = runner.invoke(args=["stats", command, "--quarter", "2026-Q4"])  # December 2026: not over
        assert refused.exit_code != 0 and "October to December 2026 is not over" in refused.output
        # Counts kept for 12 months (this one included): January 2026 to December 2026.
        app.config["COUNTS_RETENTION_MONTHS"] = 12
        assert runner.invoke(args=["stats", command, "--quarter", "2026-Q1"]).exit_code == 0
        clock.quarter_over()  # January 2027: January 2026 is purged, so its quarter is not offered
        refused = runner.invoke(args=["stats", command, "--quarter", "2026-Q1"])
        assert refused.exit_code != 0 and "not all kept" in refused.output and "2026-Q2" in refused.output
        assert runner.invoke(args=["stats", command, "--quarter", "2026-q4"]).exit_code == 0
        clock.now = RECORDED


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
    clock: Clock,
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
    clock.quarter_over()
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
    assert pinned(page, MONTHS) == {}
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
    linked_bounds = stats_service.linked_bounds
    monkeypatch.setattr(stats_service, "linked_bounds", lambda pack, rows: [])
    forget_first_readings(app)  # else what the first reading hid stays hidden
    before, _, _ = read()
    assert before["criterion"]["stuck"][month] == "5"
    outcome_rows = list(before["outcome"])
    monkeypatch.setattr(stats_service, "linked_bounds", linked_bounds)  # the reader still knows the links
    found = pinned(before, MONTHS)
    assert ("outcome", outcome_rows.index("U1"), 2) in found and ("outcome", outcome_rows.index("U1"), 3) in found


@both_databases
def test_an_outcome_no_longer_in_the_rules_is_bounded_as_its_own_pack_bounded_it(app: Flask, clock: Clock) -> None:
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
    clock.quarter_over()
    page = page_tables(signed_in(app).get("/inbox/statistics").get_data(as_text=True))
    assert page["outcome"]["P_OLD"][month] == HIDDEN and page["outcome"]["U1"][month] == HIDDEN
    assert page["outcome"]["total"][month] == "6"
    assert page["criterion"]["stuck"][month] == HIDDEN
    # A reader who knows the pack P_OLD was counted under (where it is P) pins down nothing.
    shown, keys = shown_by_name(page, [*MONTHS, "total"])
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
    # To the page of the quarter the link named (regression review: the latest's, whatever it named).
    named = client.head("/inbox/statistics.csv?quarter=2026-Q1", headers={"Sec-Fetch-Site": "cross-site"})
    assert named.status_code == 302 and named.location == "/inbox/statistics?quarter=2026-Q1"
    assert "The download did not start" not in client.get("/inbox/statistics").get_data(as_text=True)
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {}):  # its own link; the address typed
        assert client.get("/inbox/statistics.csv", headers=headers).mimetype == "text/csv", headers


# --- quarters: the same figures whenever they are read ------------------------------------------


def quarter_tables(counted: stats_service.Statistics) -> tuple[object, ...]:
    """A quarter's tables as shown: (table, row, cells and total) for every row."""
    return tuple(
        (table.name, row.key, tuple(stats_service.shown(cell) for cell in (*row.cells, row.total)))
        for table in counted.tables
        for row in table.rows
    )


def months_in(text: str) -> set[str]:
    """Every "YYYY-MM" in a page, a CSV or a command's output."""
    return set(re.findall(r"\b(20\d\d-[01]\d)\b", text))


@pytest.mark.parametrize("seed", range(3))
def test_a_quarters_figures_are_the_same_whenever_they_are_read(app: Flask, clock: Clock, runner, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Found (b140): the page's rolling 12 months and their total moved every month, so December's page
    less January's gave hidden numbers exactly; and this month, shown "so far", went up by one when
    someone finished a check. Random counts over 36 months (12 quarters) are counted month by month,
    half of each month then the rest; after each half (and at the first minute of each month in the
    UK, just after a quarter ends) every quarter that is over is read again: its tables are the same
    each time, from just after it ends to years later. No page, CSV or command output ever shows a
    month that is not over."""
    import random

    from app.stats.service import kept_quarters, latest_complete_quarter, quarter_of

    chance = random.Random(seed)
    with app.app_context():
        pack = current_pack()
        outcomes = [outcome.id for outcome in pack.outcomes]
        question = pack.question(pack.roles.criteria_question)
        assert question is not None
        criteria = [option.value for option in question.options if not option.exclusive]
    subjects = [
        ("started", ""),
        ("finished", ""),
        ("request_sent", ""),
        ("session_held", ""),
        *(("outcome", outcome) for outcome in outcomes),
        *(("criterion", value) for value in criteria),
        *(("feedback", score) for score in "12345"),
    ]
    months = [f"{year}-{month:02d}" for year in (2024, 2025, 2026) for month in range(1, 13)]
    seen: dict[str, tuple[object, ...]] = {}
    client = signed_in(app, "partnership")

    def count_some(month: str) -> None:
        with app.app_context():
            for kind, subject in subjects:
                if chance.random() < 0.5:
                    for _ in range(chance.choice([1, 1, 2, 3, 6])):
                        stats_service.add_count(kind, chance.choice(["practitioner", "supervision"]), (subject,), month)
            db.session.commit()

    def read_all(now: dt.datetime, outputs: bool) -> None:
        clock.now = now
        with app.app_context():
            this = current_month()
            kept = kept_quarters()
            assert kept[0] == latest_complete_quarter() and quarter_of(this) not in kept
            for quarter in kept:
                found = stats_service.statistics(quarter)
                assert max(found.months) < this
                if quarter in seen:
                    assert quarter_tables(found) == seen[quarter], (quarter, now)
                else:
                    seen[quarter] = quarter_tables(found)
        if outputs:
            texts = [
                client.get("/inbox/statistics").get_data(as_text=True),
                downloaded_csv(client.get("/inbox/statistics.csv")),
                runner.invoke(args=["stats", "show"]).output,
                runner.invoke(args=["stats", "csv"]).output,
            ]
            for text in texts:
                assert all(month < this for month in months_in(text)), (now, sorted(months_in(text)))

    for index, month in enumerate(months):
        year, number = (int(part) for part in month.split("-"))
        read_all(dt.datetime(year, number, 1, 0, 1, tzinfo=UK).astimezone(dt.UTC), outputs=index % 3 == 0)
        count_some(month)
        read_all(dt.datetime(year, number, 14, 12, tzinfo=UK).astimezone(dt.UTC), outputs=index % 5 == 0)
        count_some(month)
        read_all(dt.datetime(year, number, 28, 23, 59, tzinfo=UK).astimezone(dt.UTC), outputs=False)
    read_all(dt.datetime(2028, 2, 1, 0, 1, tzinfo=UK).astimezone(dt.UTC), outputs=True)  # a year on and more
    assert len(seen) >= 9 and any(HIDDEN in str(tables) for tables in seen.values())


def test_decembers_page_less_januarys_gives_nothing_away(app: Flask, clock: Clock) -> None:
    """Found (b140, F1, on the real app): 60 checks in December, then one "Call 999" check just after
    midnight on 1 January. December's page showed "Call 999" 7 in December with a 12-month total of
    7; January's hid December and January but showed the total 8: so January's was 1, the one check.
    Now December's page shows July to September, January's October to December; neither has January,
    they share no month and no total, and January's page taken again in March shows the same."""
    add_counts(
        app,
        ("started", "2026-05", "", 40),  # counting began before July to September
        ("started", "2026-12", "", 60),
        ("finished", "2026-12", "", 60),
        ("outcome", "2026-12", "U1", 7),
        ("outcome", "2026-12", "U2", 6),
        ("outcome", "2026-12", "S", 47),
    )
    client = signed_in(app, "partnership")
    clock.now = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    december = client.get("/inbox/statistics").get_data(as_text=True)
    add_counts(app, ("started", "2027-01", "", 1), ("finished", "2027-01", "", 1), ("outcome", "2027-01", "U1", 1))
    clock.now = dt.datetime(2027, 1, 1, 0, 30, tzinfo=dt.UTC)
    january = client.get("/inbox/statistics").get_data(as_text=True)
    clock.now = dt.datetime(2027, 3, 31, 22, 0, tzinfo=dt.UTC)
    march = client.get("/inbox/statistics").get_data(as_text=True)
    old, new = page_tables(december), page_tables(january)
    assert set(old["outcome"]["U1"]) == {"2026-07", "2026-08", "2026-09", "total"}
    assert set(new["outcome"]["U1"]) == {*MONTHS, "total"}
    assert new["outcome"]["U1"] == {"2026-10": "0", "2026-11": "0", "2026-12": "7", "total": "7"}
    assert page_tables(march) == new  # the same quarter's figures, whenever read
    assert "2027-01" not in december + january + march  # January (and its one check) is on no page yet
    # The quarter with January in it: shown from 1 April, from its own counts alone, so nothing shown
    # before it (October to December's totals) has anything in common with it.
    clock.now = dt.datetime(2027, 4, 1, 0, 30, tzinfo=dt.UTC)
    april = page_tables(client.get("/inbox/statistics").get_data(as_text=True))
    assert april["outcome"]["U1"] == {"2027-01": HIDDEN, "2027-02": "0", "2027-03": "0", "total": HIDDEN}


def test_the_page_offers_each_earlier_quarter_kept_and_nothing_else(app: Flask, clock: Clock) -> None:
    """``?quarter=YYYY-QN``: each quarter that is over and whose three months are all kept, from the
    one counting began in; anything else is a 404, never another quarter's figures."""
    add_counts(app, ("started", "2026-02", "", 6), ("started", "2026-11", "", 8))
    app.config["COUNTS_RETENTION_MONTHS"] = 12
    clock.quarter_over()  # January 2027: February 2026 onwards kept, so January to March is not whole
    client = signed_in(app)
    page = client.get("/inbox/statistics").get_data(as_text=True)
    assert re.findall(r'href="/inbox/statistics\?quarter=([^"]+)"', page) == ["2026-Q3", "2026-Q2"]
    assert 'href="/inbox/statistics.csv?quarter=2026-Q4"' in page
    earlier = client.get("/inbox/statistics?quarter=2026-Q2")
    assert earlier.status_code == 200
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", earlier.get_data(as_text=True))).split())
    assert "Statistics for April to June 2026" in said
    assert page_tables(earlier.get_data(as_text=True))["journeys"]["started"]["total"] == "0"
    download = client.get("/inbox/statistics.csv?quarter=2026-Q3")
    assert 'filename="space-to-think-statistics-2026-Q3.csv"' in download.headers["Content-Disposition"]
    assert downloaded_csv(download).startswith("Table,Counted,2026-07,2026-08,2026-09,Quarter total")
    for quarter in ("2026-Q1", "2027-Q1", "2027-Q2", "2026-Q5", "latest", "", "2026-Q4x", "2026-10"):
        for url in ("/inbox/statistics", "/inbox/statistics.csv"):
            assert client.get(url, query_string={"quarter": quarter}).status_code == 404, (url, quarter)


# The privacy review's second quarter: twelve checks, six of them "None of these" (S), four P with
# "stuck" or "needs" or both, two L.
TWELVE_CHECKS = (
    ("started", "", 12),
    ("finished", "", 12),
    ("outcome", "L", 2),
    ("outcome", "P", 4),
    ("outcome", "S", 6),
    ("criterion", "needs", 6),
    ("criterion", "stuck", 5),
)


def none_of_these_leads_on(tmp_path: Path) -> Path:
    """The shipped rules changed as a partnership might: "None of these" leads on to the questions
    after the criteria, not to S, so P can be reached without a criterion."""
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    option(data, "criteria", "none")["next"] = "multi_agency"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return changed


def with_rules(app: Flask, rules: Path) -> Flask:
    """Another app on the same database with these rules: the service restarted after a rules change."""
    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")}
    return create_app({"APP_ENV": "test", **settings, "RULE_PACK_PATH": str(rules)})


def signed_in_again(app: Flask) -> FlaskClient:
    """A client signed in to this app with the account ``signed_in`` made (on the same database)."""
    client = app.test_client()
    token = session_csrf_token(client)
    response = client.post("/inbox/sign-in", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return client


def hidden_in(tables: dict[str, dict[str, dict[str, str]]]) -> set[tuple[str, str, str]]:
    return {
        (name, row, column)
        for name, rows in tables.items()
        for row, cells in rows.items()
        for column, shown in cells.items()
        if shown == HIDDEN
    }


@both_databases
def test_a_rules_change_after_a_quarter_is_over_shows_nothing_its_first_reading_hid(
    app: Flask, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (statistics review): the cells suppression hides depend on the rules the counts are
    read with. Twelve checks in December; with the shipped rules "needs" (6) and "stuck" (5) were
    hidden, as they would narrow P down (P comes only after a criterion). After the partnership let
    "None of these" lead on to the questions after the criteria, the same quarter showed them: two
    readings of one quarter hiding different cells, to be read side by side (in 97 of 300 random
    quarters). What a quarter's first reading hid is now hidden at every later reading."""
    month = MONTHS[-1]
    add_counts(app, *((kind, month, subject, count) for kind, subject, count in TWELVE_CHECKS))
    clock.quarter_over()
    first = page_tables(signed_in(app).get("/inbox/statistics").get_data(as_text=True))
    assert first["criterion"]["needs"][month] == HIDDEN and first["criterion"]["stuck"][month] == HIDDEN
    assert first["outcome"]["S"][month] == "6"

    changed = with_rules(app, none_of_these_leads_on(tmp_path))
    try:
        with changed.app_context():  # what the changed rules alone would hide: not the criteria
            with monkeypatch.context() as alone:
                alone.setattr(stats_service, "_as_first_read", lambda quarter, tables: tables)
                own = stats_service.statistics(QUARTER)
            criteria = own.table("criterion")
            assert criteria is not None
            shown = {row.key: stats_service.shown(row.cells[-1]) for row in criteria.rows}
            assert shown["needs"] == "6" and shown["stuck"] == "5"
        later = page_tables(signed_in_again(changed).get("/inbox/statistics").get_data(as_text=True))
    finally:
        dispose(changed)
    assert hidden_in(first) <= hidden_in(later)
    for name, rows in later.items():  # and what it shows, the first showed
        for row, cells in rows.items():
            for column, shown in cells.items():
                assert shown in (HIDDEN, first[name][row][column]), (name, row, column)


def test_the_worker_reads_each_quarter_as_it_ends_with_the_rules_then_in_use(
    app: Flask, clock: Clock, tmp_path: Path
) -> None:
    """A quarter no one looked at before the rules changed is read by the worker's hourly pass
    once it is over, so its first reading is made with the rules it ended under."""
    from app import outbox

    month = MONTHS[-1]
    add_counts(app, *((kind, month, subject, count) for kind, subject, count in TWELVE_CHECKS))
    clock.quarter_over()
    with app.app_context():
        outbox.purge_due(outbox.Purges(), now=OVER.replace(tzinfo=None))
        assert db.session.get(HiddenCounts, QUARTER) is not None
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(HiddenCounts)) == 1
        )  # none before counting began
    signed_in(app)  # the account, on the shared database
    changed = with_rules(app, none_of_these_leads_on(tmp_path))
    try:
        later = page_tables(signed_in_again(changed).get("/inbox/statistics").get_data(as_text=True))
    finally:
        dispose(changed)
    assert later["criterion"]["needs"][month] == HIDDEN and later["criterion"]["stuck"][month] == HIDDEN


def test_what_a_quarters_first_reading_hid_goes_with_its_counts(app: Flask, clock: Clock) -> None:
    month = MONTHS[-1]
    add_counts(app, *((kind, month, subject, count) for kind, subject, count in TWELVE_CHECKS))
    clock.quarter_over()
    with app.app_context():
        stats_service.statistics(QUARTER)
        assert db.session.get(HiddenCounts, QUARTER) is not None
        # Twelve months kept in February 2027: December 2026 still is.
        stats_service.purge_old_counts(12, now=dt.datetime(2027, 2, 10, tzinfo=dt.UTC))
        assert db.session.get(HiddenCounts, QUARTER) is not None
        # In January 2028 it is not, nor October or November: the quarter and its first reading go.
        stats_service.purge_old_counts(12, now=dt.datetime(2028, 1, 10, tzinfo=dt.UTC))
        assert db.session.get(HiddenCounts, QUARTER) is None


def test_each_months_column_is_named_in_full_for_a_screen_reader(app: Flask, clock: Clock) -> None:
    """Found (screen reader review): the columns were headed "Oct 2026" and the like, which some screen
    readers read as a word; shown short still (a phone's width), each is named in full."""
    add_counts(app, ("started", MONTHS[0], "", 9))
    clock.quarter_over()
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    headings = re.findall(r'<th [^>]*data-month="2026-10">(.*?)</th>', page, re.S)
    assert headings and all(
        heading == '<span aria-hidden="true">Oct 2026</span><span class="govuk-visually-hidden">October 2026</span>'
        for heading in headings
    ), headings


@pytest.mark.parametrize("database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_stats_show_on_a_read_only_database_says_so(app: Flask, clock: Clock) -> None:
    """Found (regression review): a quarter's first reading stores which counts it hid, and on a
    read-only database (a reporting copy, a standby) `flask stats show` said the database "did not
    answer", to check it was running."""
    add_counts(app, ("started", MONTHS[0], "", 9))
    clock.quarter_over()
    read_only = read_only_app(app)
    try:
        result = read_only.test_cli_runner().invoke(args=["stats", "show"])
    finally:
        dispose(read_only)
    assert result.exit_code == 1
    assert "takes no changes now (it is read-only)" in result.output and "did not answer" not in result.output
