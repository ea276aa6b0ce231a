"""Builders for the request tests: a journey to the eligible outcome, valid details, and a
browser-like walk through the details pages to submission."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.requests.fields import PAGES
from support import csrf_token
from support.walk import Walker

ELIGIBLE_PATH: tuple[tuple[str, str | Sequence[str]], ...] = (
    ("mode", "practitioner"),
    ("immediate_danger", "no"),
    ("unshared_concern", "no_concern"),
    ("allegation", "no"),
    ("adult_at_risk", "no"),
    ("serious_incident", "no"),
    ("disagreement", "no"),
    ("decision_needed", "no"),
    ("criteria", ["stuck", "debrief"]),
    ("multi_agency", "yes"),
    ("supervision_discussed", "no"),
    ("understand", "confirmed"),
)

Path = tuple[tuple[str, str | Sequence[str]], ...]


def with_answers(path: Path, **answers: str | Sequence[str]) -> Path:
    """``path`` with these questions answered otherwise (each must be on it)."""
    unknown = set(answers) - {question for question, _ in path}
    assert not unknown, f"not on the path: {sorted(unknown)}"
    return tuple((question, answers.get(question, value)) for question, value in path)


def path_before(question_id: str, path: Path = ELIGIBLE_PATH) -> Path:
    """The answers of ``path`` before ``question_id`` is asked."""
    questions = [question for question, _ in path]
    return path[: questions.index(question_id)]


def path_after(question_id: str, path: Path = ELIGIBLE_PATH) -> Path:
    """The answers of ``path`` after ``question_id``."""
    questions = [question for question, _ in path]
    return path[questions.index(question_id) + 1 :]


# The same way to the request, in supervision. (Every journey the tests walk is made from
# ELIGIBLE_PATH: a question added to the pack on the way to a request goes there, once.)
SUPERVISION_PATH = with_answers(ELIGIBLE_PATH, mode="supervision", criteria=["needs"], supervision_discussed="yes")

REFLECTION = (
    "The team around the family feels stuck: each agency holds a different view of what the "
    "children need, and meetings go round in circles. I would like to think about the children's "
    "lived experience and how we work together."
)

VALID_DETAILS: dict[str, str] = {
    "name": "Alex Practitioner",
    "job_role": "Health visitor",
    "agency": "Health visiting, north team",
    "email": "alex.practitioner@nhs.example",
    "phone": "0161 496 0000",
    "manager_knows": "yes",
    "reflection": REFLECTION,
    "age_band": "5_10",
    "support_level": "child_in_need",
    "lead_professional": "Social worker, children's services",
    "other_agencies": "School nurse; early help worker",
    "family_knows": "not_yet",
    "family_knows_reason": "We plan to talk with them at the next visit.",
    "event_month": "3",
    "event_year": "2025",
    "how_soon": "month",
    "format": "online",
    "availability": "Tuesday mornings",
    "access_needs": "",
}

# Each details page and the inputs it posts, in order (from the fields table, app/requests/fields.py).
PAGE_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = tuple((page.slug, page.fields) for page in PAGES)


def to_outcome(client: FlaskClient, path: Sequence[tuple[str, str | Sequence[str]]] = ELIGIBLE_PATH) -> Walker:
    """Walk the wizard to the end of ``path`` (the eligible outcome by default)."""
    walker = Walker(client)
    response = walker.walk(path)
    assert response.status_code == 200
    return walker


def post_page(walker: Walker, slug: str, data: Mapping[str, str], change: bool = False) -> TestResponse:
    """POST one details page (GETting it first for a fresh CSRF token)."""
    url = f"/request/{slug}" + ("?change=1" if change else "")
    page = walker.get(url)
    assert page.status_code == 200, (slug, page.status_code, page.location)
    return walker.post(url, dict(data))


def fill_details(walker: Walker, details: Mapping[str, str] = VALID_DETAILS, skip: Sequence[str] = ()) -> TestResponse:
    """Fill in every details page in order; return the last response (a redirect)."""
    response: TestResponse | None = None
    for slug, names in PAGE_FIELDS:
        if slug in skip:
            continue
        if slug == "significant-event" and walker.get(f"/request/{slug}").status_code == 302:
            continue  # only asked when the "debrief" criterion was chosen
        response = post_page(walker, slug, {name: details.get(name, "") for name in names})
        assert response.status_code == 302, (slug, response.status_code, response.get_data(as_text=True)[:2000])
    assert response is not None
    return response


def submit(walker: Walker) -> TestResponse:
    """GET check your answers (for its token) and POST the submission."""
    check = walker.get("/request/check-answers")
    assert check.status_code == 200, (check.status_code, check.location)
    return walker.post("/request/submit", walker.shown)


def submitted_request(
    walker: Walker,
    path: Sequence[tuple[str, str | Sequence[str]]] = ELIGIBLE_PATH,
    details: Mapping[str, str] = VALID_DETAILS,
) -> TestResponse:
    """The whole journey: outcome, details, (confirm identifying data if asked), submit."""
    response = fill_details(walker, details)
    if response.location.endswith("/request/check-what-you-wrote"):
        walker.get("/request/check-what-you-wrote")
        walker.post("/request/check-what-you-wrote", {})
    response = submit(walker)
    assert response.status_code == 302 and response.location.endswith("/request/submitted"), (
        response.status_code,
        response.location,
    )
    return response


def token_from(response: TestResponse) -> str:
    """The CSRF token on a page."""
    return csrf_token(response.get_data(as_text=True))


ELIGIBLE_ANSWERS: dict[str, Any] = {
    question: (list(value) if not isinstance(value, str) else value) for question, value in ELIGIBLE_PATH
}


def make_request(
    now: Any = None,
    token: str | None = None,
    details: Mapping[str, str] = VALID_DETAILS,
    answers: Mapping[str, Any] = ELIGIBLE_ANSWERS,
    confirmed: str | None = None,
    pdf: bool = False,
) -> Any:
    """Store a request through the service (inside an app context); returns the Submission.
    With ``pdf``, the outbox worker then runs once, so the request has its PDF (and any email goes)."""
    import secrets

    from app.pack import current_pack
    from app.requests.service import submit_request

    submission = submit_request(
        current_pack(), answers, token or secrets.token_urlsafe(16), details, confirmed, now=now
    )
    if pdf:
        run_outbox()
    return submission


def run_outbox(app: Any = None, now: Any = None) -> Any:
    """One pass of the outbox worker, as ``flask outbox worker --once`` does: make the PDFs
    and send the emails that are due (``now``: the clock it goes by, if not the real one).
    Inside an app context, or give ``app``."""
    from app.outbox import run_pass

    if app is None:
        return run_pass(now=now)
    with app.app_context():
        return run_pass(now=now)


def supervision_record(client: Any, app: Any = None) -> Any:
    """The supervision record as a person gets it: ask for it (its page says it is being made),
    one pass of the outbox worker, then the download. Returns the download's response. ``app``:
    the client's own unless given."""
    asked = client.get("/request/supervision-record")
    assert asked.status_code == 200, asked.status_code
    run_outbox(app or client.application)
    return client.get("/request/supervision-record.pdf")


def scans_counted(monkeypatch: Any) -> list[int]:
    """Count the identifying-data check's scans of a request's text (the real check still runs)."""
    from app.requests import service

    scans: list[int] = []
    real = service.scan_fields

    def counted(*args: Any, **kwargs: Any) -> Any:
        scans.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "scan_fields", counted)
    return scans
