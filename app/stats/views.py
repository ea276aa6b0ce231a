"""The anonymous route counts for facilitators: ``GET /inbox/statistics`` (blueprint ``stats``).

Signing in is the inbox's: this blueprint's ``before_request`` is the inbox's own
``require_facilitator``, and its pages get the inbox's template context.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from ..inbox.views import inbox_context, require_facilitator
from .service import DEFAULT_MONTHS, SMALL_NUMBER, statistics

bp = Blueprint("stats", __name__, url_prefix="/inbox")
bp.before_request(require_facilitator)
bp.context_processor(inbox_context)


@bp.get("/statistics")
def index() -> str:
    """Outcomes reached and criteria chosen, by month and mode, with small numbers suppressed."""
    return render_template(
        "stats/index.html", months=statistics(DEFAULT_MONTHS), month_count=DEFAULT_MONTHS, small_number=SMALL_NUMBER
    )
