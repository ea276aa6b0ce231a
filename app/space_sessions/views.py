"""The public feedback page a practitioner reaches from the link sent after a session.

Routes (blueprint ``feedback``, prefix ``/feedback``):
  GET/POST  /feedback/<token>     answer      (a single-use link: "How much did the Space to Think session help you?")
  GET       /feedback/thank-you   thank_you

No sign-in: the token is the permission, used up by the answer. Nothing identifies who
answered: the score is counted anonymously and any comment is kept with its month only
(``app.space_sessions.service.answer_feedback``). An unknown, used or expired token gets a
page that says so (410), never a hint of whose it was.

A post whose security token (CSRF) is missing or out of date (the session behind the token ran
out while the page was open, or was cleared in another tab) stores nothing: the form is shown
again with the score and comment as posted and a message saying they were not sent
(``form_not_checked``). The link is still the permission; the page carries a fresh token.
"""

from __future__ import annotations

import hashlib

from flask import g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import typed_text
from ..errors import render_error
from ..input_guard import text_length
from ..pack import current_partnership
from ..requests.guard import KINDS, Finding, in_context, scan
from ..web import error_summary, forget_refused_form, refused_form, show_refused_form
from . import bp, service
from .forms import FeedbackForm
from .models import COMMENT_MAX

# A comment past its limit is kept (to be cut down) up to this many times the limit.
KEEP_OVER_LIMIT = 10

# The error summary's message when the form's security token failed (as the journey's pages say it).
NOT_SENT = (
    "Your answer was not sent because the page had been open for a long time or the service was used in "
    "another tab. Check your answer and select Send"
)

# Put on the comment when it looks identifying, so the page says (in its title, its error summary
# and beside the comment) that nothing was sent yet, as the inbox's note does; the warning under
# it names what was found (found: only that warning, mid-page, changed, and a screen reader heard
# the same page again, "How much did the Space to Think session help you?").
COMMENT_NOT_SENT = (
    "Check your comment does not identify anyone (what was found is listed above it): your answer has not been sent yet"
)


def comment_fingerprint(text: str) -> str:
    """A hash of the comment as it will be stored: confirming the warning holds for exactly this text."""
    return hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).hexdigest()


# A comment is about a session, which was held somewhere: the street of its place ("Unity House,
# Chorley Road") is not looked for, as in a session's place and a practitioner's availability, nor
# a place of worship (a session in "St Peter's Church hall"). A numbered address still is.
COMMENT_KINDS = tuple(kind for kind in KINDS if kind not in ("street", "place_of_worship"))


def comment_findings(comment: str) -> list[Finding]:
    """What looks identifying in a comment, a name signed at its end included ("Kind regards, Jo
    Tester"): the comment is anonymous, so the writer's own name identifies them (found,
    facilitator review: it went through, and was shown to every facilitator)."""
    return scan(comment, COMMENT_KINDS, current_partnership().places, signed_name=True)


def unconfirmed_findings(text: str, confirmed: str | None) -> list[Finding]:
    """Identifying-looking data in the comment not yet confirmed (empty: store it)."""
    findings = comment_findings(text.strip()) if text.strip() else []
    return findings if findings and confirmed != comment_fingerprint(text) else []


# The comment, given back on the "problem with the service" page if the database fails as it is sent.
typed_text.register("feedback.answer", (("comment", "Your comment"),))


def link_gone(give_back: bool = True) -> tuple[str, int]:
    """The page saying the link cannot be used (410); on a POST whose form was checked
    (``give_back``), with the comment typed, to copy: found (interrupted people review), a link that
    expired, or was answered in another tab, while the comment was being written dropped it, the page
    saying the answer was counted. (Not from a form that was not checked: another site's form could
    put its words on this service's page.)"""
    kept = typed_text.typed_text_kept() if give_back and request.method == "POST" else []
    return render_template("feedback/gone.html", kept=kept), 410


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str) -> Response | str | tuple[str, int]:
    """How much did the Space to Think session help you? A scale and optional words; the link works once."""
    if not service.feedback_token_works(token):
        # A comment kept from a form refused while the link worked goes with it (regression review:
        # it stayed in the session until the session ended).
        forget_refused_form()
        return link_gone()
    findings: list[Finding] = []
    if request.method == "POST":
        form = FeedbackForm()
        if form.validate():  # (CSRFProtect has checked the token already)
            findings = unconfirmed_findings(form.comment.data or "", form.confirmed.data)
            if not findings:
                forget_refused_form()
                if not service.answer_feedback(token, form.score.data or "", form.comment.data or ""):
                    return link_gone()  # answered a moment ago in another tab
                return redirect(url_for("feedback.thank_you"))
        # Not sent (an error, or a comment to check first): shown by the page's GET, as sent.
        return show_refused_form(
            {
                "score": form.score.data if isinstance(form.score.data, str) else "",
                "comment": (form.comment.data or "")[: COMMENT_MAX * KEEP_OVER_LIMIT],
                "confirmed": form.confirmed.data or "",
            }
        )
    kept = refused_form(keep=True)  # (a reload shows the comment again: nothing else keeps it)
    if kept is None:
        form = FeedbackForm()
    else:
        form = FeedbackForm(formdata=MultiDict({name: str(value) for name, value in kept.items()}))
        form.validate()
        form.csrf_token.errors = []  # (a page's GET: its form carries a new token)
        if not form.score.errors and not form.comment.errors:
            findings = unconfirmed_findings(form.comment.data or "", form.confirmed.data)
    errors = error_summary((form.score, form.comment))
    return render_form(form, errors, findings)


def render_form(form: FeedbackForm, errors: list[dict[str, str]], findings: list[Finding]) -> str:
    """The feedback page: the form as given, its error summary and any identifying-data warning."""
    if findings and not form.comment.errors:
        form.comment.errors = [COMMENT_NOT_SENT]
        errors = [*errors, {"text": COMMENT_NOT_SENT, "href": f"#{form.comment.id}"}]
    return render_template(
        "feedback/answer.html",
        form=form,
        scale=service.FEEDBACK_SCALE,
        errors=errors,
        has_errors=bool(errors),
        findings=in_context(findings, form.comment.data),
        fingerprint=comment_fingerprint(form.comment.data or "") if findings else "",
    )


@bp.errorhandler(CSRFError)
def form_not_checked(error: CSRFError) -> tuple[str, int]:
    """A feedback post whose security token is missing or out of date: nothing is stored.

    The link's token is the permission, so while it works the form is shown again (400) with
    the score and comment as posted, the message that they were not sent, and a new security
    token (a new session, when the last one ran out). A comment with identifying-looking data
    shows its warning again, as the next "Send" confirms it. Used or unknown links get the
    page that says so, as before."""
    token = (request.view_args or {}).get("token")
    if request.endpoint != "feedback.answer" or not isinstance(token, str):
        return render_error(400, csrf_failure=True)
    if g.get("csrf_site_unknown"):  # sent again, it would be refused again (found, regression review)
        return render_error(400, csrf_failure=True, kept=typed_text.typed_text_kept())
    if not service.feedback_token_works(token):
        return link_gone(give_back=False)
    form = FeedbackForm()  # what was posted, not checked and not stored
    comment = (form.comment.data or "").strip()
    # Scanned only within the comment's limit, as when it is sent (the scan's cost grows with length).
    findings = comment_findings(comment) if comment and text_length(comment) <= COMMENT_MAX else []
    return render_form(form, [{"text": NOT_SENT, "href": "#score"}], findings), 400


@bp.get("/thank-you")
def thank_you() -> str:
    """Thanks; nothing more is asked."""
    return render_template("feedback/thank_you.html")
