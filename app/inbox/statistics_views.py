"""The anonymous counts' pages: ``GET /inbox/statistics`` and ``GET /inbox/statistics.csv`` (blueprint
``stats``). Here, with the inbox, rather than in ``app.stats``: the counting is done by the journey
(below the inbox), the reading is a facilitators' page.

Signing in is the inbox's: this blueprint's ``before_request`` is the inbox's own
``require_facilitator``, and its pages get the inbox's template context. These are the only
pages (with signing out and changing its password) that a read-only partnership account may open.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..stats.charts import bar_chart
from ..stats.export import TABLE_DESCRIPTIONS, csv_filename, retired_note, statistics_csv
from ..stats.service import DEFAULT_MONTHS, HIDDEN, SMALL_NUMBER, statistics
from ..web import csv_download, from_another_site
from .views import DOWNLOAD_FROM_ANOTHER_SITE, IMPORTANT, inbox_context, require_facilitator

bp = Blueprint("stats", __name__, url_prefix="/inbox")
bp.before_request(require_facilitator)
bp.context_processor(inbox_context)


@bp.get("/statistics")
def index() -> str:
    """Journeys, requests, outcomes and criteria by month, with bar charts; small numbers hidden."""
    counts = statistics(DEFAULT_MONTHS)
    charts = {
        table.name: bar_chart([(row.label, row.total) for row in table.rows if not row.is_total], HIDDEN)
        for table in counts.tables
    }
    return render_template(
        "stats/index.html",
        statistics=counts,
        charts=charts,
        month_count=DEFAULT_MONTHS,
        small_number=SMALL_NUMBER,
        hidden_text=HIDDEN,
        this_month=counts.months[-1],  # the window ends with this month, still counting
        descriptions=TABLE_DESCRIPTIONS,
        retired_note=retired_note,
    )


@bp.get("/statistics.csv")
def download_csv() -> Response:
    """The same tables as CSV, with the same numbers hidden. Followed from a link on another site, the
    page with the download link instead, saying why, as the requests' file and a request's PDF do
    (found, security review: only this download started from any website's link)."""
    if from_another_site():
        if request.method != "HEAD":  # (a HEAD is shown nothing: it leaves no message for later)
            flash(DOWNLOAD_FROM_ANOTHER_SITE, IMPORTANT)
        return redirect(url_for("stats.index"))
    counts = statistics(DEFAULT_MONTHS)
    return csv_download(statistics_csv(counts), csv_filename(counts))
