"""Inbox benchmark: a request's page and the inbox list, signed in, against a bare page of the
same app, in-process through Werkzeug's test client, on a realistic database.

Test settings (as the test suite renders these pages), PostgreSQL (a throw-away schema in
``space_to_think_bench``, dropped at the end). The database holds ``--requests`` requests (200
by default) submitted through the requests service and moved on by the inbox service (so each
has the audit entries a real one has) to a spread of statuses: new, in triage, session offered,
session arranged (several in one group session), closed, redirected and duplicate. A third of
the practitioners have sent two requests (the page lists the other); a third of the requests
have a triage note, a half are assigned, and most have been viewed a few times.

One facilitator signs in through the form; then, in interleaved rounds (the order reverses each
round), it fetches the baseline (``/bench-bare``, a constant string added to the same app for
the run: through every hook the app runs for a page, the session, security headers, rate
limits), the inbox list's first page, and a request's page (a different request each time, one
in session arranged every third time: the fullest page). Each page's median and p95 are
printed, and the ratio of its median to the baseline's, for wall time and for this process's CPU
time (PostgreSQL's aside): on a busy machine the CPU time moves far less.
``--compare-templates DIR`` renders the same pages from another checkout's templates too, in
the same rounds (before and after a template change). ``--profile`` also profiles the request
page and the list (cProfile, in-process) and prints where the time goes.

    .venv/bin/python bench/bench_inbox.py [--requests 200] [--rounds 5] [--per-round 20] [--profile]
        [--compare-templates DIR]   (another checkout's templates/, e.g. from ``git archive``)

It prints figures and sets no target (exit 0; 2 if it could not run). Every page is checked
(200 and its own content), so a figure is never that of an error page.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import re
import secrets
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _profile import component
from _support import DatabaseUnavailable, load_average, percentile, print_machine, redacted, run_benchmark
from bench_submit import DETAILS, bench_app, request_journey

BENCH = Path(__file__).resolve().parent

EMAIL = "sam.facilitator@partnership.example"
PASSWORD = "bench-inbox-" + secrets.token_urlsafe(12)  # a strong, fresh one: the password rules allow it
COLLEAGUE = "kim.colleague@partnership.example"
NOTE = "Spoke to the practitioner's manager: the team would welcome a session before the review meeting."
ROOM = "Room 2, Civic Centre, Example Road (step-free access by the side door)"
BARE_PATH = "/bench-bare"
BARE_TEXT = b"A bare page"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# Where each request ends up, in turn (the workflow's moves from "new" to get there).
ROUTES: tuple[tuple[str, ...], ...] = (
    (),
    ("in_triage",),
    ("in_triage", "session_offered"),
    ("in_triage", "session_offered", "session_arranged"),
    ("in_triage", "closed"),
    ("redirected",),
    ("duplicate",),
    ("in_triage", "session_offered"),
)


def ms(seconds: float) -> str:
    """Seconds as milliseconds."""
    return f"{seconds * 1000:.1f} ms"


def fill(app: Any, count: int) -> tuple[list[str], list[str]]:
    """``count`` requests in a spread of statuses, with notes, assignments, views and a group
    session; returns every reference, and those in session arranged."""
    from app.extensions import db
    from app.inbox import service
    from app.pack import current_pack
    from app.requests.service import submit_request
    from app.space_sessions import service as sessions

    with app.app_context():
        me = service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
        colleague = service.add_facilitator(COLLEAGUE, "Kim Colleague", PASSWORD)
        pack = current_pack()
        outcomes = {outcome.id: str(outcome.title) for outcome in pack.outcomes if not outcome.request}
        answers = request_journey(pack)
        redirect_to = next(iter(outcomes))
        group = None
        references: list[str] = []
        arranged: list[str] = []
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for number in range(count):
            received = now - dt.timedelta(hours=(count - number) * 6 + number % 5)
            details = {
                **DETAILS,
                "how_soon": ("month", "two_weeks", "flexible")[number % 3],
                # A third of the practitioners have sent two requests (the page lists the other).
                "email": f"practitioner.{number % (count * 3 // 4)}@nhs.example",
            }
            stored = submit_request(pack, answers, secrets.token_urlsafe(16), details, None, now=received).request
            references.append(str(stored.reference))
            for status in ROUTES[number % len(ROUTES)]:
                if status == "session_arranged":
                    if group is None or number % 24 == 3:
                        day = (now + dt.timedelta(days=14 + number // 24)).date()
                        group = sessions.arrange(
                            stored, me.actor, sessions.SessionDetails(day, dt.time(10, 0), 90, "in_person", ROOM)
                        )
                    else:
                        sessions.arrange(stored, me.actor, session_id=group.id)
                    arranged.append(str(stored.reference))
                    continue
                move = service.Move(status)
                if status == "redirected":
                    move = service.Move(
                        status, redirected_to=redirect_to, reason="Better placed with the service named."
                    )
                elif status == "duplicate":
                    move = service.Move(status, duplicate_of=references[0])
                service.move_request(stored, move, me, outcomes)
                db.session.commit()
            if number % 3 == 0:
                service.add_note(stored, NOTE, me)
            if number % 2 == 0:
                service.assign(stored, colleague if number % 4 else me, me)
            for _ in range(number % 4):
                service.record_view(stored, me if number % 2 else colleague)
            db.session.commit()
        return references, arranged


def sign_in(app: Any) -> Any:
    """A test client signed in through the form."""
    client = app.test_client()
    page = client.get("/inbox/sign-in").get_data(as_text=True)
    token = CSRF.search(page)
    if token is None:
        raise SystemExit("Cannot run: no CSRF token on the sign-in page")
    response = client.post("/inbox/sign-in", data={"csrf_token": token.group(1), "email": EMAIL, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"Cannot run: signing in gave {response.status_code}")
    return client


def fetcher(client: Any, path: Callable[[int], str], expect: bytes) -> Callable[[int], tuple[float, float]]:
    """A function that GETs the ``n``th path and returns its wall time and this process's CPU
    time (checking the page: 200, with ``expect`` in it)."""

    def fetch(number: int) -> tuple[float, float]:
        address = path(number)
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(address)
        body = response.get_data()
        spent, cpu_spent = time.perf_counter() - started, time.process_time() - cpu
        if response.status_code != 200 or expect not in body:
            raise SystemExit(f"Cannot run: GET {address} gave {response.status_code} without {expect!r}")
        return spent, cpu_spent

    return fetch


def use_templates(app: Any, folder: Path) -> Callable[[], None]:
    """A function that makes the app render from ``folder``'s templates (compiled afresh, and
    the fragments rendered once per process forgotten)."""
    from app.templating import FRAGMENTS_KEY

    def switch() -> None:
        app.jinja_loader.loaders[0].searchpath = [str(folder)]
        app.jinja_env.cache.clear()
        app.extensions.pop(FRAGMENTS_KEY, None)

    return switch


def profile(fetch: Callable[[int], tuple[float, float]], count: int, label: str, top: int = 25) -> str:
    """cProfile of ``count`` fetches: own time by component, then the top functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(count):
        fetch(number)
    profiler.disable()
    raw: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())
    by_component: dict[str, float] = {}
    for (filename, _line, name), entry in raw.items():
        by_component[component(filename, name)] = by_component.get(component(filename, name), 0.0) + entry[2]
    out = io.StringIO()
    out.write(f"Profile of {count} x {label}: {total / count * 1000:.1f} ms per page under cProfile\n")
    for name, seconds in sorted(by_component.items(), key=lambda item: -item[1]):
        out.write(f"  {seconds / total * 100:5.1f}%  {seconds / count * 1000:6.2f} ms/page  {name}\n")
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("cumulative").print_stats(top)
    out.write(listing.getvalue())
    return out.getvalue()


def main() -> int:
    """Build the database, sign in, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests in the database")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--per-round", type=int, default=20, help="fetches of each page per round")
    parser.add_argument("--profile", action="store_true", help="also profile the request page and the list")
    parser.add_argument(
        "--compare-templates",
        type=Path,
        metavar="DIR",
        help="another checkout's templates folder, measured in the same rounds (its Python code is this one's)",
    )
    args = parser.parse_args()
    if not (8 <= args.requests <= 2000 and 1 <= args.rounds <= 20 and 1 <= args.per_round <= 200):
        parser.error("keep it bounded: 8-2000 requests, 1-20 rounds, 1-200 fetches per round")
    print_machine("Inbox benchmark: a request's page and the list, signed in, against a bare page (in-process)")
    try:
        # (No email is sent: the pages queue none. Port 9, discard, for the settings' sake.)
        with bench_app("postgresql", 9, Path("/nonexistent")) as app:
            app.add_url_rule(BARE_PATH, "bench_bare", lambda: BARE_TEXT.decode())
            print(f"database: {redacted(str(app.config['SQLALCHEMY_DATABASE_URI']))} (a throw-away schema)")
            started = time.perf_counter()
            references, arranged = fill(app, args.requests)
            print(
                f"filled: {len(references)} requests ({len(arranged)} in session arranged) "
                f"in {time.perf_counter() - started:.1f} s"
            )
            client = sign_in(app)

            def request_path(number: int) -> str:
                if number % 3 == 0:
                    return f"/inbox/requests/{arranged[number // 3 % len(arranged)]}"
                return f"/inbox/requests/{references[number * 7 % len(references)]}"

            pages: dict[str, Callable[[int], tuple[float, float]]] = {
                "bare page (baseline)": fetcher(client, lambda n: BARE_PATH, BARE_TEXT),
                "inbox list (first page)": fetcher(client, lambda n: "/inbox", b'data-reference="'),
                "request page": fetcher(client, request_path, b'id="audit-heading"'),
            }
            # Each page with this checkout's templates, and (--compare-templates) another's.
            variants: list[tuple[str, Callable[[], None]]] = [("", use_templates(app, BENCH.parent / "templates"))]
            if args.compare_templates:
                variants.append((" [compared]", use_templates(app, args.compare_templates)))
            scenarios = [(label + suffix, label, switch) for suffix, switch in variants for label in pages]
            for _name, label, switch in scenarios:  # warm up: templates compiled, connections made
                switch()
                for number in range(5):
                    pages[label](number)
            wall: dict[str, list[float]] = {name: [] for name, _label, _switch in scenarios}
            cpu: dict[str, list[float]] = {name: [] for name, _label, _switch in scenarios}
            for round_number in range(args.rounds):
                for name, label, switch in scenarios if round_number % 2 == 0 else reversed(scenarios):
                    switch()
                    pages[label](0)  # (templates compiled again after a switch: not measured)
                    for number in range(args.per_round):
                        spent, cpu_spent = pages[label](round_number * args.per_round + number)
                        wall[name].append(spent)
                        cpu[name].append(cpu_spent)
            print(
                f"{args.rounds} interleaved rounds x {args.per_round} fetches of each page; wall time, and this "
                "process's CPU time (PostgreSQL's not counted: steadier than wall time on a busy machine):"
            )
            print(
                f"  {'page':<38} {'median':>9} {'p95':>9} {'ratio':>7} {'CPU median':>11} {'CPU p95':>9} {'ratio':>7}"
            )
            for suffix, _switch in variants:
                base_name = next(iter(pages)) + suffix
                base_wall, base_cpu = statistics.median(wall[base_name]), statistics.median(cpu[base_name])
                for label in pages:
                    name = label + suffix
                    walls, cpus = sorted(wall[name]), sorted(cpu[name])
                    print(
                        f"  {name:<38} {ms(statistics.median(walls)):>9} {ms(percentile(walls, 0.95)):>9} "
                        f"{statistics.median(walls) / base_wall:>6.1f}x {ms(statistics.median(cpus)):>11} "
                        f"{ms(percentile(cpus, 0.95)):>9} {statistics.median(cpus) / base_cpu:>6.1f}x"
                    )
            variants[0][1]()
            if args.profile:
                print(profile(pages["request page"], 60, "request page"))
                print(profile(pages["inbox list (first page)"], 30, "inbox list"))
    except DatabaseUnavailable as problem:
        print(f"Cannot run: {problem}")
        return 2
    print(f"load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    run_benchmark(main)
