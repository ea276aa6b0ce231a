"""Purge benchmark: how long the hourly purge takes to decide what to delete when many requests
are due at once (after the outbox worker was stopped a while, or the retention period shortened).

A throw-away SQLite database holds ``--requests`` requests (3,000 by default) made through the
requests service, all past the retention period, ``--in-sessions`` of them (1 by default) in a
session still to come. In interleaved rounds it times the purge's dry run (which finds the
requests due and asks of each whether to keep it, as the real purge does before deleting) two
ways, in the same process on the same data: asking every request due (the baseline, as before
6 December 2026), and asking only those ``app.retention.may_be_kept`` names (the requests in a
session, or with a cancellation or feedback email waiting, found in two queries). It prints each
way's median, and their ratio. In-process SQLite, so the figures leave out PostgreSQL's round
trips, which make the baseline slower still (volume review: 8 to 22 seconds for 3,000 on
PostgreSQL under load).

    .venv/bin/python bench/bench_purge.py [--requests 3000] [--in-sessions 1] [--rounds 5]

It prints figures and sets no target (exit 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH.parent / "tests"))

from _support import print_machine, run_benchmark  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--in-sessions", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()

    from app import create_app
    from app.models import utcnow
    from app.requests.service import delete_old_requests
    from app.retention import may_be_kept, why_kept_past_its_time
    from support.database import migrated_sqlite
    from support.sessions import session_to_come
    from support.submission import make_request

    print_machine("Purge: deciding what to delete, many requests due")
    folder = Path(tempfile.mkdtemp(prefix="stt-bench-purge-"))
    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": migrated_sqlite(folder / "purge.db")})
    with app.app_context():
        began = time.perf_counter()
        made = [make_request(now=utcnow() - dt.timedelta(days=91)).request for _ in range(options.requests)]
        session_to_come(
            "bench@space-to-think.invalid", request_ids=[r.id for r in made[: options.in_sessions]], invited=True
        )
        print(
            f"{options.requests:,} requests due ({options.in_sessions} invited to a session to come), made in "
            f"{time.perf_counter() - began:.1f} s"
        )
        times: dict[str, list[float]] = {"every request asked (baseline)": [], "only those that may be kept": []}
        for round_number in range(options.rounds):
            ways = list(zip(times, (None, may_be_kept), strict=True))
            for name, narrowing in ways if round_number % 2 == 0 else reversed(ways):
                began = time.perf_counter()
                result = delete_old_requests(
                    90, lambda _cutoff: None, dry_run=True, keep=why_kept_past_its_time, may_keep=narrowing
                )
                times[name].append(time.perf_counter() - began)
                assert len(result.kept) == options.in_sessions, result.kept  # the same answer either way
        medians = {name: statistics.median(taken) for name, taken in times.items()}
        for name, median in medians.items():
            print(f"{name:34} median {median * 1000:9.1f} ms over {options.rounds} rounds")
        baseline, narrowed = medians.values()
        print(
            f"ratio: the narrowed purge takes {narrowed / baseline:.3f} of the baseline's time "
            f"({baseline / narrowed:.0f}x faster)"
        )
    return 0


if __name__ == "__main__":
    run_benchmark(main)
