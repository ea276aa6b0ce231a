"""A tiny test-only blueprint that reads and writes the session through a CSRF-protected form."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request, session

from app.sessions import session_expired

FORM = """<form method="post" action="/_test/answers" novalidate>
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input name="value"><button>Save</button></form>"""


def add_session_probe(app: Flask) -> None:
    """Register /_test/answers (GET form, POST saves an answer) and /_test/session (JSON)."""
    probe = Blueprint("probe", __name__)
    page = app.jinja_env.from_string(FORM)  # compiled once: tests fetch it for a token, often

    @probe.get("/_test/answers")
    def form() -> str:
        return page.render()

    @probe.post("/_test/answers")
    def save() -> str:
        session.setdefault("answers", {})["immediate_danger"] = request.form["value"]
        session.modified = True
        return "saved"

    @probe.get("/_test/session")
    def show():  # type: ignore[no-untyped-def]
        return jsonify(answers=session.get("answers"), expired=session_expired())

    @probe.get("/_test/boom")
    def boom() -> str:
        raise RuntimeError("a bug with a secret in its message")

    app.register_blueprint(probe)
