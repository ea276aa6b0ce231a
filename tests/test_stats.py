"""Anonymous route counts: counted once per journey per outcome, nothing identifying, small numbers hidden."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.inbox import service as inbox_service
from app.stats import service as stats_service
from app.stats.models import RouteCount
from app.stats.service import COUNTED_KEY, current_month, first_month, month_label
from support import both_databases, csrf_token
from support.walk import Walker, outcome_of

TO_U1 = [("mode", "practitioner"), ("immediate_danger", "yes")]
SAFE_TO_CRITERIA = [
    ("mode", "practitioner"),
    ("immediate_danger", "no"),
    ("unshared_concern", "shared"),
    ("allegation", "no"),
    ("adult_at_risk", "no"),
    ("serious_incident", "no"),
    ("disagreement", "no"),
    ("decision_needed", "no"),
]
AFTER_CRITERIA = [("multi_agency", "yes"), ("supervision_discussed", "no"), ("understand", "confirmed")]
EMAIL = "sam.facilitator@partnership.example"
PASSWORD = "correct horse battery staple"


def to_p(criteria: list[str], mode: str = "practitioner") -> list[tuple[str, object]]:
    """Answers that reach outcome P having chosen ``criteria``."""
    return [("mode", mode), *SAFE_TO_CRITERIA[1:], ("criteria", criteria), *AFTER_CRITERIA]


def counts(app: Flask) -> dict[tuple[str, str, str, str], int]:
    """Every stored count, keyed by (month, mode, outcome_id, criterion)."""
    with app.app_context():
        rows = db.session.scalars(select(RouteCount))
        return {(r.month, r.mode, r.outcome_id, r.criterion): r.count for r in rows}


def add_counts(app: Flask, *rows: tuple[str, str, str, str, int]) -> None:
    """Store counts directly: (month, mode, outcome_id, criterion, count)."""
    with app.app_context():
        for month, mode, outcome_id, criterion, count in rows:
            db.session.add(RouteCount(month=month, mode=mode, outcome_id=outcome_id, criterion=criterion, count=count))
        db.session.commit()


def months_ago(months: int) -> str:
    """The month ``months`` before this one, as "YYYY-MM"."""
    now = dt.datetime.now(dt.UTC)
    index = now.year * 12 + now.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def signed_in(app: Flask) -> FlaskClient:
    """A client signed in to the inbox as a new facilitator."""
    with app.app_context():
        inbox_service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
    client = app.test_client()
    token = csrf_token(client.get("/inbox/sign-in").get_data(as_text=True))
    response = client.post("/inbox/sign-in", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return client


def shown_counts(page: str) -> dict[tuple[str, str, str, str], str]:
    """The statistics page's cells: (month, outcome, mode, criterion) -> the count as shown."""
    found = {}
    for month, body in re.findall(r'<table class="govuk-table" data-month="([^"]+)">(.*?)</table>', page, re.S):
        for outcome, mode, criterion, shown in re.findall(
            r'data-outcome="([^"]*)" data-mode="([^"]*)" data-criterion="([^"]*)">.*?<td[^>]*data-count>([^<]*)</td>',
            body,
            re.S,
        ):
            found[(month, outcome, mode, criterion)] = html.unescape(shown).strip()
    return found


# --- counting ---------------------------------------------------------------------------------


@both_databases
def test_reaching_an_outcome_counts_once_and_a_reload_does_not_count_again(app: Flask, client: FlaskClient) -> None:
    walker = Walker(client)
    assert outcome_of(walker.walk(TO_U1)) == "U1"
    assert counts(app) == {(current_month(), "practitioner", "U1", ""): 1}
    for _ in range(2):
        assert outcome_of(walker.get("/result")) == "U1"
    assert counts(app) == {(current_month(), "practitioner", "U1", ""): 1}


@both_databases
def test_different_outcomes_and_new_journeys_count_separately(app: Flask, client: FlaskClient) -> None:
    walker = Walker(client)
    month = current_month()
    walker.walk(TO_U1)
    # Changing an answer to reach a different outcome counts that one.
    assert outcome_of(walker.follow(walker.answer("immediate_danger", "not_sure").location)) == "U2"
    assert counts(app) == {(month, "practitioner", "U1", ""): 1, (month, "practitioner", "U2", ""): 1}
    # Back to the first outcome in the same journey: already counted.
    assert outcome_of(walker.follow(walker.answer("immediate_danger", "yes").location)) == "U1"
    assert counts(app)[(month, "practitioner", "U1", "")] == 1
    # A new journey is counted afresh, and the same outcome in another mode is another row.
    walker.walk(TO_U1)
    walker.walk([("mode", "supervision"), ("immediate_danger", "yes")])
    assert counts(app) == {
        (month, "practitioner", "U1", ""): 2,
        (month, "practitioner", "U2", ""): 1,
        (month, "supervision", "U1", ""): 1,
    }


@both_databases
def test_one_row_per_criterion_chosen_and_an_empty_criterion_for_none(app: Flask, client: FlaskClient) -> None:
    walker = Walker(client)
    month = current_month()
    assert outcome_of(walker.walk(to_p(["stuck", "debrief"]))) == "P"
    assert outcome_of(walker.walk(to_p(["debrief"], mode="supervision"))) == "P"
    assert outcome_of(walker.walk([*SAFE_TO_CRITERIA, ("criteria", ["none"])])) == "S"
    assert counts(app) == {
        (month, "practitioner", "P", "stuck"): 1,
        (month, "practitioner", "P", "debrief"): 1,
        (month, "supervision", "P", "debrief"): 1,
        (month, "practitioner", "S", ""): 1,  # "None of these" is not a criterion
    }


@both_databases
def test_counts_add_up_across_journeys(app: Flask, client: FlaskClient) -> None:
    walker = Walker(client)
    for _ in range(6):
        walker.walk(to_p(["needs"]))
    assert counts(app) == {(current_month(), "practitioner", "P", "needs"): 6}


@both_databases
def test_without_an_upsert_the_count_updates_or_inserts(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_service, "UPSERT_INSERTS", {})
    walker = Walker(client)
    for _ in range(3):
        walker.walk(to_p(["stuck", "support"]))
    month = current_month()
    assert counts(app) == {(month, "practitioner", "P", "stuck"): 3, (month, "practitioner", "P", "support"): 3}


# --- nothing identifying ----------------------------------------------------------------------


@both_databases
def test_the_table_holds_only_month_mode_outcome_criterion_and_count(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        inspector = sa.inspect(db.engine)
        columns = {column["name"]: column for column in inspector.get_columns("route_counts")}
        uniques = [tuple(u["column_names"]) for u in inspector.get_unique_constraints("route_counts")]
    assert set(columns) == {"id", "month", "mode", "outcome_id", "criterion", "count"}
    assert not any(isinstance(c["type"], sa.DateTime | sa.Date | sa.JSON | sa.Text) for c in columns.values())
    assert uniques == [("month", "mode", "outcome_id", "criterion")]

    Walker(client).walk(to_p(["stuck"]))
    with client.session_transaction() as session:
        counted = session[COUNTED_KEY]
        token = session["journey_token"]
    assert counted == {"journey": token, "outcomes": ["P"]}  # outcome ids only, never the answers
    [(month, mode, outcome_id, criterion)] = counts(app)
    assert re.fullmatch(r"\d{4}-\d{2}", month) and (mode, outcome_id, criterion) == ("practitioner", "P", "stuck")


def test_models_match_the_migration(app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, db.metadata) if "route_counts" in repr(d)]
    assert differences == []


# --- a failure to count -----------------------------------------------------------------------


@both_databases
@pytest.mark.own_schema
def test_a_database_error_while_counting_still_shows_the_outcome(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        db.session.execute(sa.text("DROP TABLE route_counts"))
        db.session.commit()
    caplog.set_level(logging.WARNING, logger="app.stats.service")
    response = Walker(client).walk(to_p(["stuck", "debrief"]))
    assert response.status_code == 200 and outcome_of(response) == "P"
    messages = [record.getMessage() for record in caplog.records if record.name == "app.stats.service"]
    assert messages and all("Route count not recorded" in message for message in messages)
    assert not any(word in message for message in messages for word in ("stuck", "debrief", "'P'", "practitioner"))
    assert not any(record.exc_info for record in caplog.records if record.name == "app.stats.service")
    with client.session_transaction() as session:
        assert COUNTED_KEY not in session  # not marked as counted, so a later reload can count it


# --- reading, with small numbers suppressed ---------------------------------------------------


def test_months_and_labels() -> None:
    now = dt.datetime(2026, 3, 15, tzinfo=dt.UTC)
    assert current_month(now) == "2026-03"
    assert first_month(1, now) == "2026-03"
    assert first_month(3, now) == "2026-01"
    assert first_month(12, now) == "2025-04"
    assert month_label("2026-11") == "November 2026"
    assert month_label("nonsense") == "nonsense"


@both_databases
def test_cli_suppresses_small_numbers(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    month = current_month()
    add_counts(
        app,
        (month, "practitioner", "P", "stuck", 4),
        (month, "practitioner", "P", "debrief", 5),
        (month, "supervision", "U1", "", 17),
        (month, "practitioner", "S", "", 1),
        (months_ago(13), "practitioner", "L", "", 9),
    )
    result = runner.invoke(args=["stats", "show"])
    assert result.exit_code == 0, result.output
    table = {
        (cells[1], cells[2], cells[3]): cells[4]
        for cells in (
            re.split(r"\s{2,}", line.strip()) for line in result.output.splitlines() if line.startswith(month)
        )
    }
    assert table == {
        ("practitioner", "P", "stuck"): "fewer than 5",
        ("practitioner", "P", "debrief"): "5",
        ("practitioner", "S", "-"): "fewer than 5",
        ("supervision", "U1", "-"): "17",
    }
    assert not re.search(r"\b[1-4]\b", "\n".join(line for line in result.output.splitlines() if line.startswith(month)))
    assert "You can ask for a Space to Think session" in result.output  # outcome titles from the pack
    assert "L:" not in result.output and months_ago(13) not in result.output  # older than 12 months
    older = runner.invoke(args=["stats", "show", "--months", "14"])
    assert re.search(rf"^{months_ago(13)}\s+practitioner\s+L\s+-\s+9$", older.output, re.M)


def test_cli_with_nothing_counted(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["stats", "show", "--months", "3"])
    assert result.exit_code == 0
    assert "No journeys counted in the last 3 months." in result.output


def test_cli_refuses_a_silly_number_of_months(runner) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["stats", "show", "--months", "0"]).exit_code != 0


def test_the_page_needs_sign_in(app: Flask, client: FlaskClient) -> None:
    response = client.get("/inbox/statistics")
    assert response.status_code == 302
    assert response.location.startswith("/inbox/sign-in?next=/inbox/statistics")
    assert "fewer than" not in client.get("/inbox/statistics", follow_redirects=True).get_data(as_text=True)


def test_signing_in_from_the_page_comes_back_to_it(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        inbox_service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
    url = "/inbox/sign-in?next=/inbox/statistics"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/inbox/statistics"
    assert client.get("/inbox/statistics").status_code == 200


@both_databases
def test_page_suppresses_small_numbers_and_uses_the_pack_wording(app: Flask) -> None:
    month, last_month = current_month(), months_ago(1)
    add_counts(
        app,
        (month, "practitioner", "P", "stuck", 3),
        (month, "practitioner", "P", "lived_experience", 8),
        (month, "supervision", "S", "", 5),
        (last_month, "practitioner", "U2", "", 2),
        (months_ago(12), "practitioner", "L", "", 40),
    )
    client = signed_in(app)
    response = client.get("/inbox/statistics")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert shown_counts(response.get_data(as_text=True)) == {
        (month, "P", "practitioner", "stuck"): "fewer than 5",
        (month, "P", "practitioner", "lived_experience"): "8",
        (month, "S", "supervision", ""): "5",
        (last_month, "U2", "practitioner", ""): "fewer than 5",
    }
    assert page.index(month_label(month)) < page.index(month_label(last_month))  # newest first
    assert "You can ask for a Space to Think session" in page
    assert "I feel stuck, or unclear about the systems, processes or decisions being made" in page
    assert "No criteria chosen, or not asked" in page
    assert not re.search(r"<td[^>]*data-count>\s*[1-4]\s*<", page)
    assert "16" not in re.sub(r"\d{4}-\d{2}", "", page.split("<h1", 1)[1].split("</main>")[0])  # no totals


def test_page_with_nothing_counted(app: Flask) -> None:
    page = signed_in(app).get("/inbox/statistics").get_data(as_text=True)
    assert "data-statistics-empty" in page


def test_outcome_that_left_the_pack_is_still_shown_by_id(app: Flask) -> None:
    add_counts(app, (current_month(), "practitioner", "OLD", "gone", 6))
    page = html.unescape(signed_in(app).get("/inbox/statistics").get_data(as_text=True))
    assert "OLD (no longer in the rule pack)" in page and "gone (no longer in the rule pack)" in page
