"""Submission and PDF benchmark: submitting a request (store + PDF + outbox + email), and the
request PDF rendered warm and cold, against WeasyPrint rendering a minimal one-page document.

In-process, with the app's own code (``app.requests.service.submit_request`` and
``request_pdf``): test settings, a local SMTP sink on loopback (so the outbox email is really
sent), SQLite in a temporary folder and, when available, PostgreSQL (a throw-away schema in
``space_to_think_bench``). The journey is a path to the request outcome from the real rule
pack; the details are realistic and valid.

    .venv/bin/python bench/bench_submit.py [--submissions 30] [--warm 20] [--cold 5]

Figures: submission p50/p95 per database (store only; the PDF and the email are timed in the outbox
worker pass after each), warm PDF median (interleaved with the minimal-document baseline, same process), cold PDF
(a fresh interpreter: import, app start and first render, median of --cold), PDF size.
Targets: warm median under 200 ms and under 2x the baseline; submission p95 under
400 ms. Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
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

WARM_TARGET = 0.200
BASELINE_RATIO_TARGET = 2.0
SUBMIT_P95_TARGET = 0.400

MINIMAL_HTML = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Minimal</title></head>'
    "<body><h1>Hello</h1><p>A minimal one-page document.</p></body></html>"
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


def measure_submissions(app: Any, count: int, received: list[int]) -> dict[str, Any]:
    """Submit ``count`` requests (after 2 unmeasured); return times and checks."""
    import app.mail as mail
    from app.extensions import db
    from app.outbox import run_pass
    from app.pack import PACK_KEY
    from app.requests import service
    from app.rules import evaluate

    pack = app.extensions[PACK_KEY]
    answers = request_journey(pack)
    details = dict(DETAILS)
    timers = Timers()
    timers.wrap(service, "request_pdf", "pdf")
    timers.wrap(mail, "smtp_send", "email")
    times: list[float] = []
    # The outbox worker's pass after each submission (the PDF and the email, off the request path).
    parts: dict[str, list[float]] = {"pdf": [], "email": [], "worker": []}
    sizes: list[int] = []
    with app.test_request_context("/"):
        state = evaluate(pack, answers)
        criteria = service.chosen_criteria(state)
        from app.requests import fields

        problems = fields.check_details(details, state.debrief, dt.date.today())
        if problems:
            raise SystemExit(f"Cannot run: the benchmark's request details are not valid now: {problems}")
        confirmed = service.guarded_fingerprint(details) if service.identifying_findings(details) else None
        sent_before = len(received)
        for number in range(count + 2):
            timers.spent.clear()
            token = secrets.token_urlsafe(24)
            started = time.perf_counter()
            submission = service.submit_request(pack, answers, token, details, confirmed)
            elapsed = time.perf_counter() - started
            reference = submission.request.reference
            started = time.perf_counter()
            run_pass()
            timers.spent["worker"] = time.perf_counter() - started
            stored = service.find_by_reference(reference)
            db.session.refresh(stored)
            if not submission.created or not (stored.pdf or b"").startswith(b"%PDF"):
                raise SystemExit("Cannot run: a submission did not store a new request, or the worker made no PDF")
            if number >= 2:
                times.append(elapsed)
                for label in parts:
                    parts[label].append(timers.spent.get(label, 0.0))
                sizes.append(len(stored.pdf))
        emails = len(received) - sent_before
    return {
        "times": times,
        "parts": parts,
        "size": statistics.median(sizes),
        "emails": emails,
        "outcome": state.outcome.id if state.outcome else "?",
        "criteria": criteria,
    }


def measure_pdf(app: Any, repeat: int) -> dict[str, Any]:
    """Request PDFs (typical and longest) rendered warm, interleaved with the minimal document,
    in this process: wall and CPU times."""
    import io

    from weasyprint import HTML

    from app.pack import PACK_KEY
    from app.pdf import render_pdf
    from app.requests import fields, service
    from app.rules import evaluate

    pack = app.extensions[PACK_KEY]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    requests = {}
    with app.test_request_context("/"):
        for name, criteria in (("typical", TYPICAL_CRITERIA), ("longest", None)):
            state = evaluate(pack, request_journey(pack, criteria))
            stored = fields.clean_details(DETAILS, state.debrief)
            requests[name] = service.build_request(pack, state, secrets.token_urlsafe(24), stored, now)
        renders: dict[str, Callable[[], bytes]] = {
            "typical": lambda: service.request_pdf(requests["typical"], pack),
            "longest": lambda: service.request_pdf(requests["longest"], pack),
            "plain": lambda: HTML(string=MINIMAL_HTML).write_pdf(),
            "options": lambda: render_pdf(MINIMAL_HTML),
        }
        wall: dict[str, list[float]] = {name: [] for name in renders}
        cpu: dict[str, list[float]] = {name: [] for name in renders}
        output: dict[str, bytes] = {}
        for number in range(repeat + 2):
            for name, render in renders.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                output[name] = render()
                if number >= 2:
                    wall[name].append(time.perf_counter() - started)
                    cpu[name].append(time.process_time() - started_cpu)
    pages: dict[str, int | None] = {}
    for name, pdf in output.items():
        try:
            import pypdf

            pages[name] = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        except ImportError:
            pages[name] = None
    return {
        "wall": wall,
        "cpu": cpu,
        "size": {name: len(pdf) for name, pdf in output.items()},
        "pages": pages,
        "criteria": {name: list(requests[name].details.get("criteria", [])) for name in requests},
    }


# --- cold: a fresh interpreter ---------------------------------------------------------------


def cold_child() -> None:
    """In a fresh interpreter: import the app, start it, render one request PDF; print timings."""
    started = time.perf_counter()
    from app import create_app
    from app.pack import PACK_KEY
    from app.requests import service  # imports app.pdf and so WeasyPrint

    imported = time.perf_counter()
    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    pack = app.extensions[PACK_KEY]
    created = time.perf_counter()
    from app.rules import evaluate

    answers = request_journey(pack)
    with app.test_request_context("/"):
        state = evaluate(pack, answers)
        from app.requests import fields

        stored = fields.clean_details(DETAILS, state.debrief)
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


def main() -> int:
    """Run the benchmark, print the figures, and return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30, help="measured submissions per database")
    parser.add_argument("--warm", type=int, default=20, help="warm renders measured (median taken)")
    parser.add_argument("--cold", type=int, default=5, help="fresh interpreters for the cold render")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
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
                    if pdf is None:
                        pdf = measure_pdf(app, args.warm)
            except DatabaseUnavailable as problem:
                notes.append(f"PostgreSQL skipped: {problem}")
    assert pdf is not None
    cold = measure_cold(args.cold)

    print(
        f"\nSubmission (store request + outbox row; the PDF and the email to a local SMTP sink are the "
        f"outbox worker's pass after it), {args.submissions} per database:"
    )
    print(f"{'database':<10} {'p50':>9} {'p95':>9} {'max':>9} {'worker PDF':>13} {'email':>9} {'emails':>7}")
    for backend, result in submissions.items():
        times = result["times"]
        print(
            f"{backend:<10} {ms(statistics.median(times)):>9} {ms(percentile(times, 0.95)):>9} {ms(max(times)):>9} "
            f"{ms(statistics.median(result['parts']['pdf'])):>13} {ms(statistics.median(result['parts']['email'])):>9} "
            f"{result['emails']:>7}"
        )
    first = next(iter(submissions.values()))
    print(
        f"(a practitioner's journey to outcome {first['outcome']} with criteria {', '.join(first['criteria'])}; "
        f"stored PDF {first['size'] / 1024:.1f} KiB)"
    )
    for note in notes:
        print(note)

    wall = {name: statistics.median(times) for name, times in pdf["wall"].items()}
    cpu = {name: statistics.median(times) for name, times in pdf["cpu"].items()}
    warm, plain = wall["typical"], wall["plain"]
    ratio = warm / plain
    labels = {
        "typical": f"request PDF, typical ({len(TYPICAL_CRITERIA)} criteria) (the target)",
        "longest": "request PDF, longest (every criterion)",
        "plain": "baseline: minimal document, WeasyPrint defaults",
        "options": "minimal document with the app's options (PDF/UA-1, tags)",
    }
    print(f"\nPDF rendering, warm (median of {args.warm}, interleaved, same process):")
    print(f"  {'document':<58} {'wall':>9} {'CPU':>9} {'size':>9} {'pages':>5}")
    for name, label in labels.items():
        print(
            f"  {label:<58} {ms(wall[name]):>9} {ms(cpu[name]):>9} {pdf['size'][name] / 1024:>5.1f} KiB "
            f"{pdf['pages'][name] if pdf['pages'][name] is not None else '?':>5}"
        )
    print(
        f"  ratio typical request / baseline: {ratio:.2f} wall, {cpu['typical'] / cpu['plain']:.2f} CPU "
        f"(target < {BASELINE_RATIO_TARGET:.1f}); per page: "
        f"{wall['typical'] / max(1, pdf['pages']['typical'] or 1) / plain:.2f}"
    )
    print(f"\nPDF rendering, cold (fresh interpreter, median of {args.cold}):")
    print(
        f"  import app + WeasyPrint {ms(statistics.median(cold['import']))}, create_app "
        f"{ms(statistics.median(cold['app']))}, first render {ms(statistics.median(cold['render']))}; "
        f"import + start + first render {ms(statistics.median(cold['total']))} "
        f"(process wall time with interpreter start-up {ms(statistics.median(cold['wall']))})"
    )
    print(f"\nLoad average at the end: {load_average()}; {time.perf_counter() - started:.0f} s in all")

    failures = []
    if warm >= WARM_TARGET:
        failures.append(f"warm request PDF median {ms(warm)} >= {ms(WARM_TARGET)}")
    if ratio >= BASELINE_RATIO_TARGET:
        failures.append(
            f"warm request PDF is {ratio:.2f}x the minimal document (target < {BASELINE_RATIO_TARGET:.1f}x)"
        )
    for backend, result in submissions.items():
        p95 = percentile(result["times"], 0.95)
        if p95 >= SUBMIT_P95_TARGET:
            failures.append(f"submission p95 on {backend} {ms(p95)} >= {ms(SUBMIT_P95_TARGET)}")
        if result["emails"] != args.submissions + 2:
            failures.append(
                f"{backend}: {result['emails']} emails reached the sink for {args.submissions + 2} submissions"
            )
    return report_targets(
        f"warm PDF median < {ms(WARM_TARGET)} and < {BASELINE_RATIO_TARGET:.0f}x the minimal document; "
        f"submission p95 < {ms(SUBMIT_P95_TARGET)}.",
        failures,
    )


if __name__ == "__main__":
    from _support import run_benchmark

    run_benchmark(main)
