"""The anonymous counts' pages: ``GET /inbox/statistics`` and ``GET /inbox/statistics.csv`` (blueprint
``stats``). Here, with the inbox, rather than in ``app.stats``: the counting is done by the journey
(below the inbox), the reading is a facilitators' page.

Signing in is the inbox's: this blueprint's ``before_request`` is the inbox's own
``require_facilitator``, and its pages get the inbox's template context. These are the only
pages (with signing out and changing its password) that a read-only partnership account may open.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..stats.charts import bar_chart
from ..stats.export import QUARTER_TOTAL, TABLE_DESCRIPTIONS, csv_filename, retired_note, statistics_csv
from ..stats.service import (
    HIDDEN,
    SMALL_NUMBER,
    Statistics,
    counting_began,
    first_figures,
    kept_quarters,
    latest_complete_quarter,
    parse_quarter,
    quarter_ends,
    quarter_label,
    quarter_of,
    statistics,
)
from ..web import csv_download, from_another_site
from .views import DOWNLOAD_FROM_ANOTHER_SITE, IMPORTANT, inbox_context, require_facilitator

bp = Blueprint("stats", __name__, url_prefix="/inbox")
bp.before_request(require_facilitator)
bp.context_processor(inbox_context)


def asked_for() -> Statistics:
    """The quarter in ``?quarter=YYYY-QN`` (by default the latest that is over): a 404 for anything
    but a quarter that is over and whose three months' counts are all kept, rather than another
    quarter's figures under a heading the reader did not ask for."""
    text = request.args.get("quarter")
    if text is None:
        return statistics(latest_complete_quarter())
    quarter = parse_quarter(text)
    if quarter is None or quarter not in kept_quarters():
        abort(404)
    return statistics(quarter)


@bp.get("/statistics")
def index() -> str:
    """One quarter's journeys, requests, outcomes and criteria, by month and for the quarter, with bar
    charts of the quarter's totals; small numbers hidden; links to the earlier quarters kept."""
    counts = asked_for()
    charts = {
        table.name: bar_chart([(row.label, row.total) for row in table.rows if not row.is_total], HIDDEN)
        for table in counts.tables
    }
    began = counting_began()
    pending = first_figures()
    earlier = [
        (quarter, quarter_label(quarter))
        for quarter in kept_quarters()
        if quarter != counts.quarter and began is not None and quarter >= quarter_of(began)
    ]
    return render_template(
        "stats/index.html",
        statistics=counts,
        charts=charts,
        small_number=SMALL_NUMBER,
        hidden_text=HIDDEN,
        quarter_total=QUARTER_TOTAL,
        pending=(quarter_ends(pending), quarter_label(pending)) if pending is not None else None,
        earlier=earlier,
        descriptions=TABLE_DESCRIPTIONS,
        retired_note=retired_note,
    )


@bp.get("/statistics.csv")
def download_csv() -> Response:
    """The same tables as CSV, for the same quarter, with the same numbers hidden. Followed from a link on
    another site, the page with the download link instead, saying why, as the requests' file and a request's
    PDF do (found, security review: only this download started from any website's link)."""
    if from_another_site():
        if request.method != "HEAD":  # (a HEAD is shown nothing: it leaves no message for later)
            flash(DOWNLOAD_FROM_ANOTHER_SITE, IMPORTANT)
        # To the page of the quarter the link named (regression review: the latest's, whatever it named).
        return redirect(url_for("stats.index", quarter=parse_quarter(request.args.get("quarter"))))
    counts = asked_for()
    return csv_download(statistics_csv(counts), csv_filename(counts))
