"""Submission and PDF benchmark: submitting a request (store + outbox row) against answering a
question, over HTTP in the same app; and the longest request's PDF against a minimal document of
the same number of pages, rendered by the same WeasyPrint in the same renderer process.

In-process, through the WSGI app (Werkzeug's test client: the real views, session store, CSRF
check, rate limits): test settings, a local SMTP sink on loopback (so the outbox worker really
sends the email), SQLite in a temporary folder and, when available, PostgreSQL (a throw-away
schema in ``space_to_think_bench``). Each round makes a visitor whose session holds a journey
to the request outcome and valid details, then times, one after the other, a question POST (the
journey's last answer, again) and the submission POST (``/request/submit``); the outbox
worker's pass (the PDF and the email, off the request path) runs after each and is timed apart.

    .venv/bin/python bench/bench_submit.py [--submissions 30] [--warm 20] [--cold 5] [--no-postgres] [--no-pdf]

Targets (issue 13): submission p95 at most 2x the question POST's p95 (same run, same
database); the longest request's PDF (tests/support/longest.py) warm median at most 2x a minimal
document of as many pages with the app's PDF options (PDF/UA-1, tagged). Also printed: the
typical request's PDF, the minimal document with WeasyPrint's defaults, the cold render.
Exits 1 if a target is missed, 2 if it could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

BASELINE_RATIO_TARGET = 2.0
SUBMIT_RATIO_TARGET = 2.0

MINIMAL_HTML = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Minimal</title></head>'
    "<body><h1>Hello</h1><p>A minimal one-page document.</p></body></html>"
)


def minimal_document(pages: int) -> str:
    """A minimal document of ``pages`` pages: a heading and a line on each."""
    body = "".join(
        f'<h1 style="{"break-before: page" if number else ""}">Page {number + 1}</h1><p>A minimal page.</p>'
        for number in range(pages)
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Minimal</title></head>'
        f"<body>{body}</body></html>"
    )


REFLECTION = (
    "The team around the family feels stuck: each agency holds a different view of what the "
    "children need, and meetings go round in circles. I would like to think about the children's "
    "lived experience, how we share what we know, and how we work together when we disagree."
)
DETAILS: dict[str, str] = {
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


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    """Seconds as milliseconds."""
    return f"{seconds * 1000:.1f} ms"


TYPICAL_CRITERIA = ["stuck", "debrief"]  # what the request tests use: two criteria, one of them a debrief


def request_journey(pack: Any, criteria: list[str] | None = TYPICAL_CRITERIA) -> dict[str, Any]:
    """Answers of a practitioner's journey to the request outcome with ``criteria`` chosen
    (all the criteria the pack's path offers when None, or when these are not on offer)."""
    from app.requests.service import chosen_criteria, journey_complete
    from app.rules import enumerate_paths, evaluate

    best: tuple[int, dict[str, Any]] | None = None
    for path in enumerate_paths(pack):
        answers = dict(path.answers)
        state = evaluate(pack, answers)
        if journey_complete(state):
            score = len(chosen_criteria(state)) * 2 + (state.mode == "practitioner")
            if best is None or score > best[0]:
                best = (score, answers)
    if best is None:
        raise SystemExit("Cannot run: no path in the rule pack reaches a request outcome")
    answers = best[1]
    criteria_question = pack.roles.criteria_question
    if criteria is not None and criteria_question in answers:
        chosen = {**answers, criteria_question: list(criteria)}
        if journey_complete(evaluate(pack, chosen)):
            return chosen
    return answers


# --- the SMTP sink ---------------------------------------------------------------------------


@contextmanager
def smtp_sink() -> Iterator[tuple[int, list[int]]]:
    """An SMTP server on loopback that accepts and counts messages (aiosmtpd, a test dependency)."""
    from aiosmtpd.controller import Controller

    from _support import free_port

    received: list[int] = []

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(len(envelope.content))
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


# --- the app ---------------------------------------------------------------------------------


@contextmanager
def bench_app(backend: str, smtp_port: int, folder: Path) -> Iterator[Any]:
    """The app with test settings, email to the local sink, and a clean database."""
    from app import create_app
    from app.extensions import db

    overrides: dict[str, Any] = {
        "APP_ENV": "test",
        "FACILITATOR_EMAIL": "facilitators@example.invalid",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "SMTP_USE_TLS": False,
    }
    admin = schema = None
    if backend == "sqlite":
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'bench.db'}"
    else:
        import sqlalchemy as sa

        from _support import bench_database_url

        url = bench_database_url()
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(url)
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        overrides["SQLALCHEMY_DATABASE_URI"] = url
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "connect_args": {"options": f"-csearch_path={schema}"},
        }
    app = create_app(overrides)
    try:
        with app.app_context():
            db.create_all()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if admin is not None:
            with admin.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


class Timers:
    """Wall time spent inside some functions during one submission."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] = self.spent.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token(page: bytes) -> str:
    match = CSRF.search(page.decode())
    if match is None:
        raise SystemExit("Cannot run: no CSRF token on the page")
    return match.group(1)


def measure_submissions(app: Any, count: int, received: list[int]) -> dict[str, Any]:
    """``count`` rounds (after 2 unmeasured) of: a question POST, then the submission POST, each
    timed over HTTP in-process; the outbox worker's pass after each submission is timed apart."""
    from werkzeug.datastructures import MultiDict

    import app.mail as mail
    from app.extensions import db
    from app.outbox import run_pass
    from app.pack import PACK_KEY
    from app.requests import fields, service
    from app.requests.views import CONFIRMED_KEY, DETAILS_KEY, DONE_KEY, GUARD_KEY
    from app.rules import evaluate

    pack = app.extensions[PACK_KEY]
    answers = request_journey(pack)
    details = dict(DETAILS)
    timers = Timers()
    timers.wrap(service, "request_pdf", "pdf")
    timers.wrap(mail, "smtp_send", "email")
    with app.test_request_context("/"):
        state = evaluate(pack, answers)
        criteria = service.chosen_criteria(state)
        problems = fields.check_details(details, state.debrief, dt.date.today())
        if problems:
            raise SystemExit(f"Cannot run: the benchmark's request details are not valid now: {problems}")
        confirmed = (
            service.guarded_fingerprint(details, state.debrief)
            if service.identifying_findings(details, state.debrief)
            else None
        )
        pages = [page.slug for page in fields.pages_for(state.debrief)]
        # What the last details page's POST remembers of the identifying-data check (the views' ``needs_confirmation``).
        guarded = service.guard_record(details, state.debrief)
    last_question, last_value = list(answers.items())[-1]
    last_form = [("answer", value) for value in (last_value if isinstance(last_value, list) else [last_value])]
    times: dict[str, list[float]] = {"submit": [], "question": []}
    # This thread's CPU time in each POST (the app's work, the database's aside): on a busy machine
    # the wall times wait for the cores, and move far more from run to run than this does.
    cpu: dict[str, list[float]] = {"submit": [], "question": []}
    parts: dict[str, list[float]] = {"pdf": [], "email": [], "worker": []}
    sizes: list[int] = []
    sent_before = len(received)
    for number in range(count + 2):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number % 250 + 1}"  # a visitor each (rate limits)
        first = client.get("/start")  # starts a journey: the session exists from here
        page = client.get(first.headers["Location"]).get_data()
        with client.session_transaction() as session:
            session["answers"] = answers
            session[DETAILS_KEY] = details
            session[DONE_KEY] = pages
            session[GUARD_KEY] = guarded
            if confirmed is not None:
                session[CONFIRMED_KEY] = confirmed
        token = _token(page)
        started, started_cpu = time.perf_counter(), time.thread_time()
        answered = client.post(f"/questions/{last_question}", data=MultiDict([("csrf_token", token), *last_form]))
        question_time, question_cpu = time.perf_counter() - started, time.thread_time() - started_cpu
        if answered.status_code != 302 or not answered.headers["Location"].endswith("/result"):
            raise SystemExit(f"Cannot run: the question POST gave {answered.status_code}, not the outcome")
        # Send request's form says what its check your answers page showed (nothing is sent without it).
        shown = re.search(rb'name="checked"[^>]*value="([^"]*)"', client.get("/request/check-answers").get_data())
        if shown is None:
            raise SystemExit("Cannot run: check your answers has no Send request form")
        timers.spent.clear()
        started, started_cpu = time.perf_counter(), time.thread_time()
        submitted = client.post("/request/submit", data={"csrf_token": token, "checked": shown.group(1).decode()})
        submit_time, submit_cpu = time.perf_counter() - started, time.thread_time() - started_cpu
        if submitted.status_code != 302 or not submitted.headers["Location"].endswith("/request/submitted"):
            raise SystemExit(f"Cannot run: the submission POST gave {submitted.status_code}, not the submitted page")
        started = time.perf_counter()
        with app.app_context():
            run_pass()
            timers.spent["worker"] = time.perf_counter() - started
            stored = service.find_by_reference(_reference(client))
            if stored is None or not (stored.pdf or b"").startswith(b"%PDF"):
                raise SystemExit("Cannot run: a submission did not store a request, or the worker made no PDF")
            size = len(stored.pdf)
            db.session.remove()
        if number >= 2:
            times["question"].append(question_time)
            times["submit"].append(submit_time)
            cpu["question"].append(question_cpu)
            cpu["submit"].append(submit_cpu)
            for label in parts:
                parts[label].append(timers.spent.get(label, 0.0))
            sizes.append(size)
    return {
        "times": times,
        "cpu": cpu,
        "parts": parts,
        "size": statistics.median(sizes),
        "emails": len(received) - sent_before,
        "outcome": state.outcome.id if state.outcome else "?",
        "criteria": criteria,
    }


def _reference(client: Any) -> str:
    """The reference the session submitted."""
    from app.journey import SUBMITTED_KEY

    with client.session_transaction() as session:
        return str(session[SUBMITTED_KEY])


def stored_as_sent(state: Any, details: dict[str, Any]) -> dict[str, Any]:
    """``details`` as a sent request stores them (``service.stored_details``): with the criteria
    chosen and what the identifying-data check finds, as ``submit_request`` stores them, so the
    PDF is the one the service makes for that request."""
    from app.requests import service

    return service.stored_details(state, details, service.guard_record(details, state.debrief)["found"])


def words_document(html: str) -> str:
    """The words of a request's PDF (``html``) as plain paragraphs of about 120 words, in its
    fonts (the same font-family list) and its size (9 pt), on its page margins, with no other
    style: what the same text costs without the request's layout."""
    body = html[html.index("<body") :]
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).split()
    family = re.search(r"html \{ font-family: (.*?);", html, flags=re.S)
    fonts = family.group(1) if family else "sans-serif"
    paragraphs = "".join(f"<p>{' '.join(words[at : at + 120])}</p>" for at in range(0, len(words), 120))
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Words</title><style>'
        f"@page {{ size: A4; margin: 11mm 12mm 12mm 12mm; }} html {{ font-family: {fonts}; font-size: 9pt; "
        f"line-height: 1.2; }}</style></head><body>{paragraphs}</body></html>"
    )


def longest_html(request: Any, pack: Any) -> str:
    """The request PDF's HTML, as ``service.request_pdf`` renders it (inside a request context)."""
    from app.requests import service

    document = service.request_document(request)
    return service.request_pdf_html(document, service.uk_time(request.created_at), pack.name)


def cpu_with_renderers() -> float:
    """CPU seconds of this process and of its PDF renderer processes (``app.pdf_renderer``: the
    app's PDFs are made there, not here), read from /proc in clock ticks (10 ms here)."""
    from app import pdf_renderer

    tick = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    for pid in pdf_renderer.child_pids():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def measure_pdf(app: Any, repeat: int) -> dict[str, Any]:
    """Request PDFs (typical, and the longest possible: tests/support/longest.py) rendered warm,
    interleaved with minimal documents of as many pages as the longest, in this process."""
    import io

    import pypdf
    from weasyprint import HTML

    sys.path.insert(0, str(BENCH.parent / "tests"))
    from app.pack import PACK_KEY
    from app.pdf import render_pdf
    from app.requests import service
    from app.rules import evaluate
    from support.longest import longest_details, longest_path, path_answers

    def count_pages(pdf: bytes) -> int:
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)

    pack = app.extensions[PACK_KEY]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    requests = {}
    with app.test_request_context("/"):
        typical = evaluate(pack, request_journey(pack, TYPICAL_CRITERIA))
        longest = evaluate(pack, path_answers(longest_path(pack)))
        for name, state, details in (
            ("typical", typical, DETAILS),
            ("longest", longest, longest_details(now.date())),
        ):
            stored = stored_as_sent(state, details)
            requests[name] = service.build_request(pack, state, secrets.token_urlsafe(24), stored, now)
        pages = count_pages(service.request_pdf(requests["longest"], pack))
        minimal = minimal_document(pages)
        # A second baseline: the longest request's own words and markup without its stylesheet,
        # so the figures show how much of the time is the text itself rather than its styling.
        unstyled = re.sub(r"<style>.*?</style>", "", longest_html(requests["longest"], pack), flags=re.S)
        # A third: its words alone, as plain paragraphs in its fonts and size (the floor for this text).
        words = words_document(longest_html(requests["longest"], pack))
        renders: dict[str, Callable[[], bytes]] = {
            "longest": lambda: service.request_pdf(requests["longest"], pack),
            "typical": lambda: service.request_pdf(requests["typical"], pack),
            "options": lambda: render_pdf(minimal),
            "plain": lambda: HTML(string=minimal).write_pdf(),
            "unstyled": lambda: render_pdf(unstyled),
            "words": lambda: render_pdf(words),
        }
        wall: dict[str, list[float]] = {name: [] for name in renders}
        cpu: dict[str, list[float]] = {name: [] for name in renders}
        output: dict[str, bytes] = {}
        for number in range(repeat + 2):
            for name, render in renders.items():
                started, started_cpu = time.perf_counter(), cpu_with_renderers()
                output[name] = render()
                if number >= 2:
                    wall[name].append(time.perf_counter() - started)
                    cpu[name].append(cpu_with_renderers() - started_cpu)
    return {
        "wall": wall,
        "cpu": cpu,
        "size": {name: len(pdf) for name, pdf in output.items()},
        "pages": {name: count_pages(pdf) for name, pdf in output.items()},
        "criteria": {name: list(requests[name].details.get("criteria", [])) for name in requests},
    }


# --- cold: a fresh interpreter ---------------------------------------------------------------


def cold_child() -> None:
    """In a fresh interpreter: import the app, start it, render one request PDF; print timings."""
    started = time.perf_counter()
    from app import create_app
    from app.pack import PACK_KEY
    from app.requests import service  # WeasyPrint is imported by the renderer process, at the first render

    imported = time.perf_counter()
    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    pack = app.extensions[PACK_KEY]
    created = time.perf_counter()
    from app.rules import evaluate

    answers = request_journey(pack)
    with app.test_request_context("/"):
        state = evaluate(pack, answers)

        stored = stored_as_sent(state, dict(DETAILS))
        request = service.build_request(
            pack, state, secrets.token_urlsafe(24), stored, dt.datetime.now(dt.UTC).replace(tzinfo=None)
        )
        prepared = time.perf_counter()
        pdf = service.request_pdf(request, pack)
    rendered = time.perf_counter()
    print(
        json.dumps(
            {
                "import": imported - started,
                "app": created - imported,
                "render": rendered - prepared,
                "total": rendered - started - (prepared - created),
                "size": len(pdf),
            }
        )
    )


def measure_cold(count: int) -> dict[str, list[float]]:
    """Run ``count`` fresh interpreters; their in-process timings and the parent's wall time."""
    results: dict[str, list[float]] = {"import": [], "app": [], "render": [], "total": [], "wall": []}
    for _ in range(count):
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--cold-child"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=BENCH.parent,
        )
        wall = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"Cannot run: the cold-render child failed:\n{completed.stderr[-1500:]}")
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        for key in ("import", "app", "render", "total"):
            results[key].append(figures[key])
        results["wall"].append(wall)
    return results


def submission_failures(submissions: dict[str, dict[str, Any]], ratios: dict[str, float], count: int) -> list[str]:
    """The submission targets missed: the p95 ratio, and every email reaching the sink."""
    failures = []
    for backend, result in submissions.items():
        if ratios[backend] > SUBMIT_RATIO_TARGET:
            failures.append(
                f"submission p95 on {backend} is {ratios[backend]:.2f}x the question POST's "
                f"(target <= {SUBMIT_RATIO_TARGET:.1f}x)"
            )
        if result["emails"] != count + 2:
            failures.append(f"{backend}: {result['emails']} emails reached the sink for {count + 2} submissions")
    return failures


def main() -> int:
    """Run the benchmark, print the figures, and return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30, help="measured submissions per database")
    parser.add_argument("--warm", type=int, default=20, help="warm renders measured (median taken)")
    parser.add_argument("--cold", type=int, default=5, help="fresh interpreters for the cold render")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--no-pdf", action="store_true", help="submissions only: no PDF renders, warm or cold (while iterating)"
    )
    parser.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child()
        return 0
    if not (1 <= args.submissions <= 200 and 1 <= args.warm <= 200 and 1 <= args.cold <= 20):
        parser.error("keep it bounded: 1-200 submissions, 1-200 warm renders, 1-20 cold runs")
    from _support import DatabaseUnavailable, load_average, print_machine, report_targets

    print_machine("Submission and PDF benchmark")
    started = time.perf_counter()
    submissions: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as folder, smtp_sink() as (smtp_port, received):
        backends = ["sqlite"] if args.no_postgres else ["sqlite", "postgres"]
        pdf: dict[str, Any] | None = None
        for backend in backends:
            try:
                with bench_app(backend, smtp_port, Path(folder)) as app:
                    submissions[backend] = measure_submissions(app, args.submissions, received)
                    if pdf is None and not args.no_pdf:
                        pdf = measure_pdf(app, args.warm)
            except DatabaseUnavailable as problem:
                notes.append(f"PostgreSQL skipped: {problem}")
    cold = None if args.no_pdf else measure_cold(args.cold)

    print(
        f"\nSubmission over HTTP (store the request + an outbox row; the PDF and the email to a local SMTP sink "
        f"are the outbox worker's pass after it) against a question POST, {args.submissions} rounds per database:"
    )
    print(
        f"{'database':<10} {'question p50':>13} {'question p95':>13} {'submit p50':>11} {'submit p95':>11} "
        f"{'p95 ratio':>9} {'worker':>9} {'of it PDF':>10} {'email':>8} {'emails':>7}"
    )
    ratios: dict[str, float] = {}
    for backend, result in submissions.items():
        question, submit = result["times"]["question"], result["times"]["submit"]
        ratios[backend] = percentile(submit, 0.95) / percentile(question, 0.95)
        print(
            f"{backend:<10} {ms(statistics.median(question)):>13} {ms(percentile(question, 0.95)):>13} "
            f"{ms(statistics.median(submit)):>11} {ms(percentile(submit, 0.95)):>11} {ratios[backend]:>8.2f}x "
            f"{ms(statistics.median(result['parts']['worker'])):>9} "
            f"{ms(statistics.median(result['parts']['pdf'])):>10} "
            f"{ms(statistics.median(result['parts']['email'])):>8} {result['emails']:>7}"
        )
    first = next(iter(submissions.values()))
    print(
        f"(a practitioner's journey to outcome {first['outcome']} with criteria {', '.join(first['criteria'])}; "
        f"stored PDF {first['size'] / 1024:.1f} KiB)"
    )
    for note in notes:
        print(note)
    print("CPU time of this process in each POST (median; the database server's aside):")
    for backend, result in submissions.items():
        question, submit = statistics.median(result["cpu"]["question"]), statistics.median(result["cpu"]["submit"])
        print(f"  {backend:<10} question {ms(question)}, submit {ms(submit)}: {submit / question:.2f}x")

    failures = []
    if pdf is None or cold is None:
        print(f"\nNo PDFs rendered (--no-pdf). Load average at the end: {load_average()}")
        return report_targets(
            f"submission p95 <= {SUBMIT_RATIO_TARGET:.0f}x a question POST's p95 (the PDF's target not measured).",
            submission_failures(submissions, ratios, args.submissions),
        )
    wall = {name: statistics.median(times) for name, times in pdf["wall"].items()}
    cpu = {name: statistics.median(times) for name, times in pdf["cpu"].items()}
    pages = pdf["pages"]["longest"]
    ratio = wall["longest"] / wall["options"]
    labels = {
        "longest": "request PDF, the longest possible request (the target)",
        "typical": f"request PDF, typical ({len(TYPICAL_CRITERIA)} criteria)",
        "options": f"baseline: minimal {pages}-page document, the app's options",
        "plain": f"minimal {pages}-page document, WeasyPrint defaults",
        "unstyled": "the longest request's HTML without its stylesheet",
        "words": "the longest request's words as plain paragraphs, its fonts",
    }
    print(
        f"\nPDF rendering, warm (median of {args.warm}, interleaved; the app's PDFs in its renderer process, "
        "WeasyPrint's defaults in this one; CPU: both processes, in 10 ms ticks):"
    )
    print(f"  {'document':<58} {'wall':>9} {'CPU':>9} {'size':>9} {'pages':>5}")
    for name, label in labels.items():
        print(
            f"  {label:<58} {ms(wall[name]):>9} {ms(cpu[name]):>9} {pdf['size'][name] / 1024:>5.1f} KiB "
            f"{pdf['pages'][name]:>5}"
        )
    print(
        f"  ratio longest request / minimal {pages}-page document: {ratio:.2f} wall, "
        f"{cpu['longest'] / cpu['options']:.2f} CPU (target <= {BASELINE_RATIO_TARGET:.1f}); against WeasyPrint's "
        f"defaults: {wall['longest'] / wall['plain']:.2f}; against its own words unstyled: "
        f"{wall['longest'] / wall['unstyled']:.2f} (the text alone is {wall['unstyled'] / wall['options']:.1f}x "
        f"the minimal document); against its words as plain paragraphs: {wall['longest'] / wall['words']:.2f} "
        f"(those words alone are {wall['words'] / wall['options']:.1f}x wall, {cpu['words'] / cpu['options']:.1f}x CPU "
        f"the minimal document)"
    )
    print(f"\nPDF rendering, cold (fresh interpreter, median of {args.cold}):")
    print(
        f"  import app {ms(statistics.median(cold['import']))}, create_app "
        f"{ms(statistics.median(cold['app']))}, first render (starting the renderer process, which imports "
        f"WeasyPrint) {ms(statistics.median(cold['render']))}; "
        f"import + start + first render {ms(statistics.median(cold['total']))} "
        f"(process wall time with interpreter start-up {ms(statistics.median(cold['wall']))})"
    )
    print(f"\nLoad average at the end: {load_average()}; {time.perf_counter() - started:.0f} s in all")

    if ratio > BASELINE_RATIO_TARGET:
        failures.append(
            f"the longest request's PDF is {ratio:.2f}x a minimal {pages}-page document "
            f"(target <= {BASELINE_RATIO_TARGET:.1f}x)"
        )
    failures.extend(submission_failures(submissions, ratios, args.submissions))
    return report_targets(
        f"submission p95 <= {SUBMIT_RATIO_TARGET:.0f}x a question POST's p95; the longest request's PDF <= "
        f"{BASELINE_RATIO_TARGET:.0f}x a minimal document of as many pages.",
        failures,
    )


if __name__ == "__main__":
    from _support import run_benchmark

    run_benchmark(main)
