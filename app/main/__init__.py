"""The main blueprint: start page, footer pages, quick exit, session expired, health check."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import views  # noqa: E402,F401  (registers the routes on bp)
