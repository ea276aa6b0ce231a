"""Journey benchmark: throughput and latency of full journeys under gunicorn, against bare Flask.

Starts the app under gunicorn with production settings (PostgreSQL database
``space_to_think_bench``; 2 sync workers by default) and, in the same run, a bare Flask "hello"
app (bench/hello_app.py) under the same gunicorn settings. A load client of ``--users``
processes (one keep-alive http.client connection and one cookie jar each) walks whole journeys
through the real rule pack — start page, Start now, each question (GET, read the CSRF token,
POST the answer, follow the redirect), the outcome page — cycling through every path to every
outcome; each journey is a new visitor (new cookies, new X-Forwarded-For address, as behind
a reverse proxy, so the per-visitor rate limit applies as in production). The baseline is the
same client GETting hello. A third scenario GETs the app's start page as a new visitor (no
session, no database): the ceiling for any page with this layout. The measured time is split
into interleaved rounds (hello, journey, start page, then the reverse order, ...) so that other
work on the machine hits every scenario alike; with wrk installed, hello is also measured with
wrk to show whether the Python client limits the baseline.

    .venv/bin/python bench/bench_journey.py [--users 8] [--warmup 3] [--duration 15] [--rounds 3] [--workers 2]

Targets (issue 13): journey throughput at least 0.35x the baseline's requests/s; journey p95 at
most 4x the baseline's p95 in the same run (8 users); no errors. ``--rate-limit-store redis``
counts rate limits in a throw-away Redis server (as production does) instead of memory.
Prints the figures; when a target is missed it profiles journeys in-process and prints where
the time goes (also with --profile). Exits 1 if a target is missed,
2 if it could not run (no PostgreSQL, a server that would not start).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import (
    ClientResult,
    DatabaseUnavailable,
    Gunicorn,
    LoadFigures,
    LoadPlan,
    RedisServer,
    ServerSettings,
    app_server,
    bench_database_url,
    cpu_used,
    hello_server,
    install_cleanup,
    journey_paths,
    load_average,
    ms,
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

THROUGHPUT_RATIO_TARGET = 0.35
P95_RATIO_TARGET = 4.0


@dataclass
class Series:
    """One scenario's results, gathered over the rounds."""

    label: str
    server: Gunicorn
    scenario: str
    with_postgres: bool = False
    results: list[ClientResult] = field(default_factory=list)
    seconds: float = 0.0
    worker_cpu: float = 0.0
    pg_cpu: float = 0.0

    def run(self, plan_kwargs: dict[str, Any], paths: list[Any], duration: float, warmup: float) -> None:
        """One segment of load; adds its results, and the CPU used in it, to the series."""
        plan = LoadPlan(
            port=self.server.port, scenario=self.scenario, paths=paths, warmup=warmup, duration=duration, **plan_kwargs
        )
        workers = self.server.worker_pids()
        pg = postgres_pids() if self.with_postgres else []
        before_workers, before_pg = total_cpu(workers), total_cpu(pg)
        results, seconds = run_load(plan)
        # The CPU counters also cover the segment's warm-up (the server is idle while the client
        # processes start and stop): scale to the measured window.
        share = seconds / (seconds + warmup)
        self.results.extend(results)
        self.seconds += seconds
        self.worker_cpu += cpu_used(before_workers, total_cpu(self.server.worker_pids())) * share
        if self.with_postgres:
            self.pg_cpu += cpu_used(before_pg, total_cpu(postgres_pids())) * share

    def figures(self) -> LoadFigures:
        """The merged figures."""
        return summarise(self.results, self.seconds)


def row(series: Series) -> str:
    """One line of the results table."""
    figures = series.figures()

    def per_request(seconds: float) -> str:
        return f"{seconds / figures.requests * 1000:.2f}" if figures.requests else "-"

    pg = per_request(series.pg_cpu) if series.with_postgres else "-"
    return (
        f"{series.label:<22} {figures.rate:>7.0f} {ms(figures.p50):>9} {ms(figures.p95):>9} {ms(figures.p99):>9} "
        f"{figures.errors:>6} {figures.requests:>8} {per_request(series.worker_cpu):>7} {pg:>5} "
        f"{per_request(figures.client_cpu):>7}"
    )


def wrk_hello(port: int, users: int, seconds: int = 5) -> str | None:
    """The baseline measured with wrk too (if installed): is the Python client the bottleneck?"""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    result = subprocess.run(
        [wrk, "-t2", f"-c{users}", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=False,
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    p99 = re.search(r"99%\s+(\S+)", result.stdout)
    p50 = re.search(r"50%\s+(\S+)", result.stdout)
    if rate is None:
        return f"wrk failed: {(result.stderr or result.stdout).strip()[:200]}"
    return (
        f"{float(rate.group(1)):.0f} req/s, p50 {p50.group(1) if p50 else '?'}, p99 {p99.group(1) if p99 else '?'} "
        f"(wrk -t2 -c{users}, {seconds} s)"
    )


def main() -> int:
    """Run the benchmark, print the figures, and return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent virtual users (client processes)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring, per server")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per scenario (in all)")
    parser.add_argument("--rounds", type=int, default=3, help="the duration is split into this many interleaved rounds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (app and baseline alike)")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"), help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread only)")
    parser.add_argument("--no-start-page", action="store_true", help="skip the start-page ceiling scenario")
    parser.add_argument(
        "--rate-limit-store",
        default="memory",
        choices=("memory", "redis"),
        help="where the app counts rate limits (redis: a throw-away redis-server on loopback)",
    )
    parser.add_argument("--profile", action="store_true", help="profile journeys in-process even if targets are met")
    parser.add_argument("--no-profile", action="store_true", help="never profile (faster when a target is missed)")
    args = parser.parse_args()
    if not (1 <= args.users <= 64 and 0 <= args.warmup <= 30 and 1 <= args.duration <= 30 and 1 <= args.rounds <= 10):
        parser.error("keep it bounded: 1-64 users, warm-up up to 30 s, duration 1-30 s, 1-10 rounds")
    install_cleanup()

    print_machine(
        f"Journey benchmark ({args.users} users; per scenario {args.warmup:g} s warm-up, then "
        f"{args.duration:g} s measured in {args.rounds} interleaved rounds)"
    )
    try:
        database_url = bench_database_url()
        env = production_env(database_url)
        prepare_database(env)
    except DatabaseUnavailable as problem:
        print(f"Cannot run: PostgreSQL is needed (production settings refuse SQLite): {problem}")
        return 2
    settings = ServerSettings(args.workers, args.worker_class, args.threads)
    paths = journey_paths()
    plan_kwargs = {"users": args.users}
    segment = args.duration / args.rounds
    wrk_line = None
    try:
        with ExitStack() as stack:
            if args.rate_limit_store == "redis":
                env["RATELIMIT_STORAGE_URI"] = stack.enter_context(RedisServer()).url
            print(
                f"gunicorn: {settings.describe()} for both; app: APP_ENV=production, {redacted(database_url)}; "
                f"rate limits in {env['RATELIMIT_STORAGE_URI']}"
            )
            hello = stack.enter_context(hello_server(settings))
            app = stack.enter_context(app_server(env, settings))
            series = [
                Series("hello (bare Flask)", hello, "hello"),
                Series("journey (app)", app, "journey", with_postgres=True),
            ]
            if not args.no_start_page:
                series.append(Series("start page only (app)", app, "page"))
            # Warm-up: every server and scenario once, unmeasured (duration 0 is not allowed: tiny window).
            for item in series:
                run_load(
                    LoadPlan(
                        port=item.server.port,
                        scenario=item.scenario,
                        paths=paths,
                        warmup=args.warmup,
                        duration=0.2,
                        **plan_kwargs,
                    )
                )
            for number in range(args.rounds):
                order = series if number % 2 == 0 else list(reversed(series))
                for item in order:
                    item.run(plan_kwargs, paths, segment, warmup=0.3)
            wrk_line = wrk_hello(hello.port, args.users)
    except RuntimeError as problem:
        print(f"Cannot run: {problem}")
        return 2
    load_end = load_average()

    hello_figures = series[0].figures()
    app_figures = series[1].figures()
    ratio = app_figures.rate / hello_figures.rate if hello_figures.rate else 0.0
    p95_ratio = app_figures.p95 / hello_figures.p95 if hello_figures.p95 else float("inf")
    print(
        f"\n{'scenario':<22} {'req/s':>7} {'p50':>9} {'p95':>9} {'p99':>9} {'errors':>6} {'requests':>8} "
        f"{'worker':>7} {'pg':>5} {'client':>7}"
    )
    print(f"{'':<22} {'':>7} {'':>9} {'':>9} {'':>9} {'':>6} {'':>8} {'CPU ms per request':>21}")
    for item in series:
        print(row(item))
    if wrk_line:
        print(f"hello with wrk instead of the Python client: {wrk_line}")
    wrk_rate = re.match(r"([\d.]+) req/s", wrk_line or "")
    per_journey = sum(3 + 2 * len(answers) for answers, _ in paths) / len(paths)
    print(
        f"\nJourneys: {app_figures.journeys} completed inside the measured windows; at {per_journey:.1f} requests "
        f"per journey (the mean over the {len(paths)} paths) the rate is {app_figures.rate / per_journey:.1f} "
        "journeys/s"
    )
    print("Journey requests by kind (count, p50, p95):")
    for kind, (count, p50, p95) in app_figures.by_kind.items():
        print(f"  {kind:<9} {count:>7} {ms(p50):>9} {ms(p95):>9}")
    for sample in app_figures.error_samples:
        print(f"  error: {sample}")
    print(
        f"\nThroughput ratio to bare Flask: {app_figures.rate:.0f} / {hello_figures.rate:.0f} = {ratio:.2f} "
        f"(target >= {THROUGHPUT_RATIO_TARGET:.2f})"
    )
    if wrk_rate:
        print(
            f"  against hello measured with wrk: {app_figures.rate:.0f} / {float(wrk_rate.group(1)):.0f} = "
            f"{app_figures.rate / float(wrk_rate.group(1)):.2f} (the Python client costs about as much CPU per "
            "request as bare Flask, so it holds the baseline down)"
        )
    hello_cpu = series[0].worker_cpu / max(1, hello_figures.requests)
    app_cpu = (series[1].worker_cpu + series[1].pg_cpu) / max(1, app_figures.requests)
    if app_cpu:
        print(
            f"  server CPU per request: bare Flask {hello_cpu * 1000:.2f} ms, journey {app_cpu * 1000:.2f} ms "
            f"(workers + PostgreSQL): a ratio of {hello_cpu / app_cpu:.2f} when the server alone limits throughput"
        )
    if len(series) > 2:
        page = series[2].figures()
        print(
            f"Start page alone (no session, no database): {page.rate:.0f} req/s = "
            f"{page.rate / hello_figures.rate:.2f} of bare Flask (the ceiling for any page of this layout)"
        )
    print(
        f"Journey p95: {ms(app_figures.p95)} = {p95_ratio:.1f}x bare Flask's p95 of {ms(hello_figures.p95)} "
        f"in the same run (target <= {P95_RATIO_TARGET:.0f}x)"
    )
    print(
        f"Load average at the end: {load_end} (other work on the machine inflates latency; "
        "the CPU ms per request columns are less sensitive to it)"
    )

    failures = []
    if ratio < THROUGHPUT_RATIO_TARGET:
        failures.append(f"throughput {ratio:.2f} of bare Flask < {THROUGHPUT_RATIO_TARGET:.2f}")
    if p95_ratio > P95_RATIO_TARGET:
        failures.append(
            f"p95 {ms(app_figures.p95)} is {p95_ratio:.1f}x bare Flask's {ms(hello_figures.p95)} "
            f"(> {P95_RATIO_TARGET:.0f}x) at {args.users} users"
        )
    if app_figures.errors:
        failures.append(f"{app_figures.errors} journey error(s)")
    if (failures and not args.no_profile) or args.profile:
        from _profile import build_app, profile_journeys

        try:
            app_object = build_app(database_url, env["SECRET_KEY"])
            print("\n" + profile_journeys(app_object, paths, journeys=25, warmup=8))
        except SystemExit as problem:  # the app refused to start in this process
            print(f"\nProfile skipped: {problem}")
    return report_targets(
        f"throughput >= {THROUGHPUT_RATIO_TARGET:.2f}x bare Flask; p95 <= {P95_RATIO_TARGET:.0f}x bare Flask's p95 "
        f"at {args.users} users; no errors.",
        failures,
    )


if __name__ == "__main__":
    run_benchmark(main)
