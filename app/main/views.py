"""Views for the pages every visitor can reach without starting the journey."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, session
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..extensions import db
from ..sessions import reset_session
from . import bp


@bp.get("/")
def index() -> str:
    """The start page: what the tool does, the 999 warning, and Start now."""
    return render_template("main/index.html")


@bp.get("/exit")
def exit() -> Response:  # noqa: A001  (the endpoint is main.exit)
    """Quick exit: forget everything, drop the session id, leave for a neutral site."""
    reset_session()
    return redirect(current_app.config["EXIT_URL"], code=303)


@bp.get("/session-expired")
def session_expired() -> str:
    """Tell the user their answers were cleared after a period without activity.

    The timeout warning's script sends people here when its timer runs out; clearing the
    session here makes the page true even if the server's clock had not quite got there.
    """
    reset_session()
    return render_template("main/session_expired.html")


@bp.post("/keep-alive")
def keep_alive() -> tuple[str, int]:
    """Push the idle expiry on (the timeout warning's "Keep my answers"); CSRF-protected."""
    session.modified = True
    return "", 204


@bp.get("/accessibility")
def accessibility() -> str:
    """Accessibility statement (Public Sector Bodies Accessibility Regulations 2018)."""
    return render_template("main/accessibility.html")


@bp.get("/privacy")
def privacy() -> str:
    """Privacy notice; controller and contact come from settings, never invented."""
    return render_template("main/privacy.html")


@bp.get("/cookies")
def cookies() -> str:
    """The essential cookie this service sets, and nothing else."""
    return render_template("main/cookies.html")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Health check for load balancers: 200 if the database answers, 503 if not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: database unavailable")
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200
