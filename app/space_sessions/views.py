"""The public feedback page a practitioner reaches from the link sent after a session.

Routes (blueprint ``feedback``, prefix ``/feedback``):
  GET/POST  /feedback/<token>     answer      (a single-use link: "Did the space help?")
  GET       /feedback/thank-you   thank_you

No sign-in: the token is the permission, used up by the answer. Nothing identifies who
answered: the score is counted anonymously and any comment is kept with its month only
(``app.space_sessions.service.answer_feedback``). An unknown, used or expired token gets a
page that says so (410), never a hint of whose it was.
"""

from __future__ import annotations

import hashlib

from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..requests.guard import Finding, scan
from . import bp, service
from .forms import FeedbackForm


def comment_fingerprint(text: str) -> str:
    """A hash of the comment as it will be stored: confirming the warning holds for exactly this text."""
    return hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).hexdigest()


def unconfirmed_findings(text: str, confirmed: str | None) -> list[Finding]:
    """Identifying-looking data in the comment not yet confirmed (empty: store it)."""
    findings = scan(text.strip()) if text.strip() else []
    return findings if findings and confirmed != comment_fingerprint(text) else []


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str) -> Response | str | tuple[str, int]:
    """Did the space help? A scale and optional words; the link works once."""
    if not service.feedback_token_works(token):
        return render_template("feedback/gone.html"), 410
    form = FeedbackForm()
    findings: list[Finding] = []
    if form.is_submitted() and form.validate():  # (CSRFProtect has checked the token already)
        findings = unconfirmed_findings(form.comment.data or "", form.confirmed.data)
        if not findings:
            if not service.answer_feedback(token, form.score.data or "", form.comment.data or ""):
                return render_template("feedback/gone.html"), 410  # answered a moment ago in another tab
            return redirect(url_for("feedback.thank_you"))
    errors = [{"text": field.errors[0], "href": f"#{field.id}"} for field in (form.score, form.comment) if field.errors]
    return render_template(
        "feedback/answer.html",
        form=form,
        scale=service.FEEDBACK_SCALE,
        errors=errors,
        has_errors=bool(errors),
        findings=findings,
        fingerprint=comment_fingerprint(form.comment.data or "") if findings else "",
    )


@bp.get("/thank-you")
def thank_you() -> str:
    """Thanks; nothing more is asked."""
    return render_template("feedback/thank_you.html")
