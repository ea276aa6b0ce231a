"""The wizard blueprint: the journey from the first question to the outcome, and why."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("wizard", __name__)

from . import views  # noqa: E402,F401  (registers the routes on bp)
