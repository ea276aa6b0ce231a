"""Memory benchmark: resident memory of the gunicorn workers as full journeys go through them.

Starts the app under gunicorn with production settings (as bench_journey.py: PostgreSQL
database ``space_to_think_bench``, 2 sync workers by default) and walks 1,000 full journeys
(every path of the real rule pack in turn; 8 concurrent virtual users) in steps of 100,
reading each worker's VmRSS from /proc/<pid>/status before the first journey and after each
step. No web page renders a PDF any more (the outbox worker makes them all, the questions to
prepare too), so the web workers keep no PDF renderer process and none is measured here.

    .venv/bin/python bench/bench_memory.py [--journeys 1000] [--step 100] [--workers 2] [--users 8] [--time-limit 105]

Targets (issue 13: the workers' own memory): every worker under 150 MB after 1,000 journeys, and
not growing: less than 10% more between 500 and 1,000 journeys (half-way and the end, whatever
--journeys says).
No load is sent after 105 s from the start (so a run takes under 2 minutes; ``--time-limit``
allows up to 900 s on a busy machine); a busy machine
may not finish the journeys in that time, which counts as a miss (the readings so far are
still printed and judged). Exits 1 if a target is missed, 2 if it could not run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import (
    DatabaseUnavailable,
    LoadPlan,
    ServerSettings,
    app_server,
    bench_database_url,
    install_cleanup,
    journey_paths,
    load_average,
    prepare_database,
    print_machine,
    production_env,
    redacted,
    report_targets,
    rss_kib,
    run_benchmark,
    run_load,
    summarise,
)

RSS_TARGET_MB = 150.0
GROWTH_TARGET = 0.10
TIME_LIMIT = 105.0  # seconds from the script's start after which no more load is sent (a run stays < 2 min)


def main() -> int:
    """Run the benchmark, print the figures, and return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1000, help="journeys in all")
    parser.add_argument("--step", type=int, default=100, help="journeys between readings")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--users", type=int, default=8, help="concurrent virtual users (client processes)")
    parser.add_argument(
        "--time-limit", type=float, default=TIME_LIMIT, help="seconds after which no more load is sent (up to 900)"
    )
    args = parser.parse_args()
    if not (
        2 <= args.journeys <= 5000
        and 1 <= args.step <= args.journeys
        and 1 <= args.users <= 64
        and 10 <= args.time_limit <= 900
    ):
        parser.error("keep it bounded: 2-5000 journeys, a step no larger than that, 1-64 users, 10-900 s")
    script_started = time.monotonic()
    install_cleanup()
    print_machine(f"Memory benchmark ({args.journeys} journeys, {args.users} users, readings every {args.step})")
    try:
        database_url = bench_database_url()
        env = production_env(database_url)
        prepare_database(env)
    except DatabaseUnavailable as problem:
        print(f"Cannot run: PostgreSQL is needed (production settings refuse SQLite): {problem}")
        return 2
    settings = ServerSettings(args.workers)
    print(f"gunicorn: {settings.describe()}; APP_ENV=production, {redacted(database_url)}")
    paths = journey_paths()

    readings: list[tuple[int, dict[int, int]]] = []
    errors = requests = 0
    samples: list[str] = []
    started = time.monotonic()
    timed_out = False
    budget = args.time_limit - (started - script_started)
    try:
        with app_server(env, settings) as server:
            pids = server.worker_pids()
            readings.append((0, {pid: rss_kib(pid) for pid in pids}))
            done = 0
            while done < args.journeys:
                remaining = budget - (time.monotonic() - started)
                if remaining <= 5:
                    timed_out = True
                    break
                count = min(args.step, args.journeys - done)
                # Each step starts the path cycle where the last one stopped, so all paths get walked.
                offset = done % len(paths)
                plan = LoadPlan(
                    port=server.port,
                    scenario="journey",
                    users=args.users,
                    journeys=count,
                    paths=paths[offset:] + paths[:offset],
                    deadline=remaining,
                )
                results, _ = run_load(plan)
                figures = summarise(results, 1.0)
                errors += figures.errors
                requests += figures.requests
                samples.extend(figures.error_samples)
                walked = sum(result.journeys + result.errors for result in results)
                done += walked
                if walked < count or any(result.timed_out for result in results):
                    timed_out = True
                    readings.append((done, {pid: rss_kib(pid) for pid in pids}))
                    break
                now_pids = server.worker_pids()
                if sorted(now_pids) != sorted(pids):
                    print(f"Worker(s) restarted during the run (was {pids}, now {now_pids}): a worker died?")
                    print(server.log_tail())
                    return 1
                readings.append((done, {pid: rss_kib(pid) for pid in pids}))
    except RuntimeError as problem:
        print(f"Cannot run: {problem}")
        return 2
    elapsed = time.monotonic() - started

    pids = sorted(readings[0][1])
    print(f"\n{'journeys':>8} " + " ".join(f"{'worker ' + str(i + 1) + ' RSS':>15}" for i in range(len(pids))))
    for done, rss in readings:
        print(f"{done:>8} " + " ".join(f"{rss[pid] / 1024:>12.1f} MB" for pid in pids))
    print(f"\n{requests} requests, {errors} errors, {elapsed:.0f} s; load average at the end {load_average()}")
    for sample in samples[:5]:
        print(f"  error: {sample}")

    failures = []
    final_done, final = readings[-1]
    if timed_out or final_done < args.journeys:
        failures.append(
            f"only {final_done} of {args.journeys} journeys in the time allowed ({args.time_limit:.0f} s "
            "from the start): the machine is too busy, or the app too slow"
        )
    half = min(readings, key=lambda reading: abs(reading[0] - final_done / 2))
    for number, pid in enumerate(pids, start=1):
        mb = final[pid] / 1024
        growth = (final[pid] - half[1][pid]) / half[1][pid] if half[1][pid] else 0.0
        per_journey = (final[pid] - half[1][pid]) / max(1, final_done - half[0])
        print(
            f"worker {number}: {readings[0][1][pid] / 1024:.1f} MB at start, {half[1][pid] / 1024:.1f} MB after "
            f"{half[0]}, {mb:.1f} MB after {final_done} journeys; growth {half[0]}->{final_done}: {growth:+.1%} "
            f"({per_journey:+.2f} KiB per journey)"
        )
        if mb >= RSS_TARGET_MB:
            failures.append(f"worker {number} at {mb:.1f} MB >= {RSS_TARGET_MB:.0f} MB")
        if growth >= GROWTH_TARGET:
            failures.append(f"worker {number} grew {growth:.1%} between {half[0]} and {final_done} journeys")
    if errors:
        failures.append(f"{errors} journey error(s)")
    if len(pids) > 1:
        print(
            f"(Each worker served about 1/{len(pids)} of the journeys: gunicorn shares connections between "
            "its workers.)"
        )
    return report_targets(
        f"each worker < {RSS_TARGET_MB:.0f} MB after the journeys, and < {GROWTH_TARGET:.0%} growth from "
        "half-way to the end.",
        failures,
    )


if __name__ == "__main__":
    run_benchmark(main)
