"""Page benchmark: the start page and a question page (GET, with a session) under gunicorn,
against bare Flask and against the page's own HTML served as a constant string, all in one run.

Starts the app under gunicorn with production settings (PostgreSQL database
``space_to_think_bench``; 2 sync workers by default) and, under the same gunicorn settings,
bench/hello_app.py, which serves two baselines:

- **bare Flask**: a one-line "hello" page (issue 13's baseline);
- **the floor**: the very HTML the app served for the page (captured from it at the start of
  the run), returned by bare Flask as a constant string: what the page would cost if
  building it cost nothing (it still pays for sending its bytes).

Load comes from wrk (``apt-get install wrk``): 8 connections on loopback, every request from a
new visitor address (X-Forwarded-For through one trusted proxy, as in production, so the
per-visitor rate limit applies without refusing the load; bench/wrk_visitors.lua). The question
page is GET with one visitor's session cookie (the session is read from PostgreSQL on every
request). Scenarios run in interleaved rounds (the order reverses each round) so other work
on the machine hits them alike; each ratio is the median of the per-round ratios. Without wrk
it falls back to the Python load client in bench/_support.py, which costs about as much CPU
per request as bare Flask and so flatters every ratio (it says so).

    .venv/bin/python bench/bench_pages.py [--rounds 5] [--duration 4] [--connections 8]
        [--workers 2] [--worker-class sync|gthread] [--threads N] [--rate-limit-store memory|redis]
        [--compare LABEL=DIR ...]   (another checkout, e.g. ``git archive <commit> | tar -x -C DIR``)

Targets (issue 13): start page >= 0.8x bare Flask; question page >= 0.5x bare Flask; no errors.
Exits 1 if a target is missed, 2 if it could not run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import (
    BENCH_DIR,
    DatabaseUnavailable,
    Gunicorn,
    LoadPlan,
    RedisServer,
    ServerSettings,
    app_server,
    bench_database_url,
    compare_root,
    cpu_used,
    hello_server,
    install_cleanup,
    load_average,
    postgres_pids,
    prepare_database,
    print_machine,
    production_env,
    redacted,
    report_targets,
    run_benchmark,
    run_load,
    summarise,
    total_cpu,
)

START_PAGE_TARGET = 0.8
QUESTION_PAGE_TARGET = 0.5
WRK_SCRIPT = BENCH_DIR / "wrk_visitors.lua"
WRK_LINE = re.compile(r"BENCH (.*)")


@dataclass
class Sample:
    """One round of one scenario."""

    rate: float
    p50: float
    p95: float
    p99: float
    errors: int
    worker_cpu_ms: float
    pg_cpu_ms: float


@dataclass
class Scenario:
    """A page to load, on a server, with an optional cookie."""

    label: str
    server: Gunicorn
    path: str
    cookie: str = ""
    with_postgres: bool = False
    samples: list[Sample] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        """The median of one figure over the rounds."""
        return statistics.median(getattr(sample, attribute) for sample in self.samples)


def capture(port: int, path: str, cookie: str = "", address: str = "10.250.0.1") -> tuple[int, str, bytes, list[str]]:
    """One GET as a browser would make it: status, Location, body and Set-Cookie headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        headers = {"X-Forwarded-For": address, "Accept": "text/html"}
        if cookie:
            headers["Cookie"] = cookie
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, response.getheader("Location") or "", body, response.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()


def start_session(port: int) -> tuple[str, str, bytes]:
    """A visitor who has pressed Start now: their cookie, the first question's path and page."""
    status, location, _, cookies = capture(port, "/start")
    if status not in (302, 303) or not cookies:
        raise RuntimeError(f"GET /start gave {status} and no session cookie")
    cookie = cookies[0].split(";", 1)[0]
    path = urllib.parse.urlsplit(location).path
    status, _, page, _ = capture(port, path, cookie)
    if status != 200 or b"data-question=" not in page:
        raise RuntimeError(f"GET {path} with the new session gave {status}, not the question page")
    return cookie, path, page


def run_wrk(scenario: Scenario, seconds: float, connections: int, threads: int) -> Sample:
    """One round of wrk against the scenario; CPU of the server's workers (and PostgreSQL) per request."""
    env = dict(os.environ)
    env["BENCH_COOKIE"] = scenario.cookie
    workers = scenario.server.worker_pids()
    pg = postgres_pids() if scenario.with_postgres else []
    before, before_pg = total_cpu(workers), total_cpu(pg)
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
            f"http://127.0.0.1:{scenario.server.port}{scenario.path}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 60,
        check=False,
    )
    worker_cpu = cpu_used(before, total_cpu(scenario.server.worker_pids()))
    pg_cpu = cpu_used(before_pg, total_cpu(postgres_pids())) if scenario.with_postgres else 0.0
    match = WRK_LINE.search(result.stdout)
    if result.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed: {(result.stderr or result.stdout).strip()[:300]}")
    values = dict(part.split("=", 1) for part in match.group(1).split())
    requests = int(values["requests"])
    rate = requests / float(values["seconds"])
    return Sample(
        rate=rate,
        p50=int(values["p50_us"]) / 1e6,
        p95=int(values["p95_us"]) / 1e6,
        p99=int(values["p99_us"]) / 1e6,
        errors=int(values["status_errors"]) + int(values["socket_errors"]),
        worker_cpu_ms=worker_cpu / max(1, requests) * 1000,
        pg_cpu_ms=pg_cpu / max(1, requests) * 1000,
    )


def run_python_client(scenario: Scenario, seconds: float, connections: int) -> Sample:
    """The fallback without wrk: bench/_support.py's load client GETting the page."""
    workers = scenario.server.worker_pids()
    before = total_cpu(workers)
    plan = LoadPlan(
        port=scenario.server.port,
        scenario="get",
        users=connections,
        warmup=0.3,
        duration=seconds,
        path=scenario.path,
        cookie=scenario.cookie,
    )
    results, wall = run_load(plan)
    figures = summarise(results, wall)
    worker_cpu = cpu_used(before, total_cpu(scenario.server.worker_pids())) * wall / (wall + 0.3)
    return Sample(
        rate=figures.rate,
        p50=figures.p50,
        p95=figures.p95,
        p99=figures.p99,
        errors=figures.errors,
        worker_cpu_ms=worker_cpu / max(1, figures.requests) * 1000,
        pg_cpu_ms=0.0,
    )


def cpu_ratio(page: Scenario, baseline: Scenario) -> float:
    """``baseline``'s median CPU per request over ``page``'s (its PostgreSQL CPU included): the
    throughput ratio the page would have if the server's CPU alone limited both."""
    cost = page.median("worker_cpu_ms") + (page.median("pg_cpu_ms") if page.with_postgres else 0.0)
    return baseline.median("worker_cpu_ms") / cost if cost > 0 else float("inf")


def ratio_per_round(page: Scenario, baseline: Scenario) -> tuple[float, list[float]]:
    """The median of the per-round rate ratios, and the ratios."""
    ratios = [p.rate / b.rate for p, b in zip(page.samples, baseline.samples, strict=True) if b.rate]
    return (statistics.median(ratios) if ratios else 0.0), ratios


def main() -> int:
    """Run the benchmark, print the figures, and return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of every scenario")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per scenario per round")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (app and baselines alike)")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"), help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread only)")
    parser.add_argument(
        "--rate-limit-store",
        default="memory",
        choices=("memory", "redis"),
        help="where the app counts rate limits (redis: a throw-away redis-server on loopback)",
    )
    parser.add_argument("--python-client", action="store_true", help="use the Python load client even if wrk is here")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="also serve another checkout (e.g. an older commit from git archive) and measure its pages alike",
    )
    args = parser.parse_args()
    if not (1 <= args.rounds <= 20 and 1 <= args.duration <= 30 and 1 <= args.connections <= 64):
        parser.error("keep it bounded: 1-20 rounds, 1-30 s each, 1-64 connections")
    try:
        others = [compare_root(value) for value in args.compare]
    except ValueError as problem:
        parser.error(str(problem))
    install_cleanup()
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    print_machine(
        f"Page benchmark ({args.connections} connections; {args.rounds} interleaved rounds of "
        f"{args.duration:g} s per scenario; load from {'wrk' if use_wrk else 'the Python client'})"
    )
    if not use_wrk:
        print(
            "NOTE: wrk is not installed (apt-get install wrk), so the Python load client makes the load. It "
            "costs about as much CPU per request as bare Flask itself and so holds the baselines down: the "
            "ratios below are flattered and not comparable with issue 13's wrk figures."
        )
    try:
        database_url = bench_database_url()
        env = production_env(database_url)
        prepare_database(env)
    except DatabaseUnavailable as problem:
        print(f"Cannot run: PostgreSQL is needed (production settings refuse SQLite): {problem}")
        return 2
    settings = ServerSettings(args.workers, args.worker_class, args.threads)
    floor_dir = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    try:
        with ExitStack() as stack:
            if args.rate_limit_store == "redis":
                redis = stack.enter_context(RedisServer())
                env["RATELIMIT_STORAGE_URI"] = redis.url
            print(
                f"gunicorn: {settings.describe()} for every server; app: APP_ENV=production, "
                f"{redacted(database_url)}; rate limits in {env['RATELIMIT_STORAGE_URI']}"
            )
            app = stack.enter_context(app_server(env, settings))
            status, _, start_html, _ = capture(app.port, "/")
            if status != 200:
                raise RuntimeError(f"the start page gave {status}")
            cookie, question_path, question_html = start_session(app.port)
            (floor_dir / "start.html").write_bytes(start_html)
            (floor_dir / "question.html").write_bytes(question_html)
            hello = stack.enter_context(hello_server(settings, floor_dir))
            scenarios = [
                Scenario("bare Flask hello", hello, "/"),
                Scenario("floor: start page HTML", hello, "/floor/start"),
                Scenario("start page (app)", app, "/"),
                Scenario("floor: question HTML", hello, "/floor/question"),
                Scenario("question page (app)", app, question_path, cookie=cookie, with_postgres=True),
            ]
            sizes = {"start page (app)": len(start_html), "question page (app)": len(question_html)}
            compared: list[tuple[str, Scenario, Scenario]] = []
            for label, root in others:
                other = stack.enter_context(app_server(env, settings, root=root, name=label))
                other_cookie, other_path, _ = start_session(other.port)
                compared.append(
                    (
                        label,
                        Scenario(f"start page ({label})", other, "/"),
                        Scenario(
                            f"question page ({label})", other, other_path, cookie=other_cookie, with_postgres=True
                        ),
                    )
                )
                scenarios += [compared[-1][1], compared[-1][2]]

            def measure(scenario: Scenario, seconds: float) -> Sample:
                if use_wrk:
                    return run_wrk(scenario, seconds, args.connections, args.wrk_threads)
                return run_python_client(scenario, seconds, args.connections)

            for scenario in scenarios:  # warm-up, unmeasured
                measure(scenario, 1)
            for number in range(args.rounds):
                for scenario in scenarios if number % 2 == 0 else list(reversed(scenarios)):
                    scenario.samples.append(measure(scenario, args.duration))
            # The session must still be there and the page still the question (not a redirect).
            status, _, page, _ = capture(app.port, question_path, cookie)
            if status != 200 or b"data-question=" not in page:
                raise RuntimeError(f"after the load, the question page gave {status}: the session was lost")
    except RuntimeError as problem:
        print(f"Cannot run: {problem}")
        return 2
    finally:
        shutil.rmtree(floor_dir, ignore_errors=True)
    load_end = load_average()

    print(
        f"\n{'scenario':<24} {'req/s':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>6} {'worker CPU':>11} "
        f"{'pg CPU':>7}   (medians over rounds; CPU in ms per request)"
    )
    for scenario in scenarios:
        pg = f"{scenario.median('pg_cpu_ms'):.2f}" if scenario.with_postgres else "-"
        print(
            f"{scenario.label:<24} {scenario.median('rate'):>7.0f} {scenario.median('p50') * 1000:>6.2f}ms "
            f"{scenario.median('p95') * 1000:>6.2f}ms {scenario.median('p99') * 1000:>6.2f}ms "
            f"{sum(s.errors for s in scenario.samples):>6} {scenario.median('worker_cpu_ms'):>11.3f} {pg:>7}"
        )
    hello, floor_start, start, floor_question, question = scenarios[:5]
    start_ratio, start_ratios = ratio_per_round(start, hello)
    question_ratio, question_ratios = ratio_per_round(question, hello)
    start_floor, _ = ratio_per_round(start, floor_start)
    question_floor, _ = ratio_per_round(question, floor_question)
    print(
        f"\nPage sizes: start page {sizes['start page (app)']:,} bytes, question page {sizes['question page (app)']:,}"
    )
    print(
        f"Start page vs bare Flask: {start_ratio:.2f}x (rounds: {', '.join(f'{r:.2f}' for r in start_ratios)}; "
        f"target >= {START_PAGE_TARGET:.2f}); vs its own HTML as a constant string (the floor): {start_floor:.2f}x"
    )
    print(
        f"Question page (GET, with a session) vs bare Flask: {question_ratio:.2f}x (rounds: "
        f"{', '.join(f'{r:.2f}' for r in question_ratios)}; target >= {QUESTION_PAGE_TARGET:.2f}); "
        f"vs the floor: {question_floor:.2f}x"
    )
    # The same ratios by CPU per request: bare Flask's worker CPU over the page's (PostgreSQL's
    # added for a page that reads the session). Throughput ratios swing from round to round when
    # something else shares the cores (one run, 2 December 2026: a question page's rounds went from
    # 0.20x to 0.74x, median 0.51x, while its CPU was four times bare Flask's in every round); what
    # a request costs the server moves far less. A target counts as met only by both.
    start_cpu = cpu_ratio(start, hello)
    question_cpu = cpu_ratio(question, hello)
    print(
        f"By CPU per request (bare Flask's worker CPU over the page's, PostgreSQL's included): start page "
        f"{start_cpu:.2f}x, question page {question_cpu:.2f}x"
    )
    for label, other_start, other_question in compared:
        print(
            f"{label}: start page {ratio_per_round(other_start, hello)[0]:.2f}x bare Flask, question page "
            f"{ratio_per_round(other_question, hello)[0]:.2f}x "
            f"(this checkout: {start_ratio:.2f}x and {question_ratio:.2f}x)"
        )
    print(f"Load average at the end: {load_end} (the ratios come from rounds measured side by side)")
    failures = []
    if start_ratio < START_PAGE_TARGET:
        failures.append(f"start page {start_ratio:.2f}x bare Flask < {START_PAGE_TARGET:.2f}x")
    if start_cpu < START_PAGE_TARGET:
        failures.append(f"start page {start_cpu:.2f}x bare Flask by CPU per request < {START_PAGE_TARGET:.2f}x")
    if question_ratio < QUESTION_PAGE_TARGET:
        failures.append(f"question page {question_ratio:.2f}x bare Flask < {QUESTION_PAGE_TARGET:.2f}x")
    if question_cpu < QUESTION_PAGE_TARGET:
        failures.append(
            f"question page {question_cpu:.2f}x bare Flask by CPU per request < {QUESTION_PAGE_TARGET:.2f}x"
        )
    errors = sum(s.errors for scenario in scenarios for s in scenario.samples)
    if errors:
        failures.append(f"{errors} error response(s) or socket error(s)")
    return report_targets(
        f"start page >= {START_PAGE_TARGET:.1f}x and question page >= {QUESTION_PAGE_TARGET:.1f}x bare Flask "
        "(wrk, same run), by throughput and by CPU per request; no errors.",
        failures,
    )


if __name__ == "__main__":
    run_benchmark(main)
