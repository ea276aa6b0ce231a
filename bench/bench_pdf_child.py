"""What rendering in a child process costs (app/pdf_renderer.py): each PDF warm, in this process
(WeasyPrint called directly, as before the time limit) against ``app.pdf.render_pdf`` (the kept
child, over its pipe), interleaved, for a minimal document, a typical request and the longest
request (tests/support/longest.py), and a typical request whose reflection is written in many
scripts (tests/support/languages.py: each in a font other than the Arial-like one); and how long
a new child takes to start (after a kill).

    .venv/bin/python bench/bench_pdf_child.py [--repeat 15]

Prints medians and the added time per render (child minus in-process). Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH.parent / "tests"))

from _support import load_average, print_machine  # noqa: E402
from bench_submit import DETAILS, MINIMAL_HTML, TYPICAL_CRITERIA, request_journey, stored_as_sent  # noqa: E402


def documents(app: Any) -> dict[str, tuple[str, list[Any], Any]]:
    """The HTML, attachments and images of each document, as ``service.request_pdf`` hands them over."""
    from app.pack import PACK_KEY, current_partnership
    from app.pdf import PdfAttachment, logo_images
    from app.requests import service
    from app.requests.document import document_json, request_document
    from app.rules import evaluate
    from support.languages import TYPED_IN_MANY_SCRIPTS
    from support.longest import longest_details, longest_path, path_answers

    pack = app.extensions[PACK_KEY]
    in_many_scripts = {**DETAILS, "reflection": " ".join(TYPED_IN_MANY_SCRIPTS.values())}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    found: dict[str, tuple[str, list[Any], Any]] = {"minimal": (MINIMAL_HTML, [], None)}
    with app.test_request_context("/"):
        images = logo_images(current_partnership().logo)
        for name, answers, details in (
            ("typical", request_journey(pack, TYPICAL_CRITERIA), DETAILS),
            ("longest", path_answers(longest_path(pack)), longest_details(now.date())),
            ("scripts", request_journey(pack, TYPICAL_CRITERIA), in_many_scripts),
        ):
            state = evaluate(pack, answers)
            stored = stored_as_sent(state, details)
            request = service.build_request(pack, state, secrets.token_urlsafe(24), stored, now)
            document = request_document(request)
            html = service.request_pdf_html(document, service.uk_time(now), pack.name)
            attachment = PdfAttachment("request.json", document_json(document), "The request as data", created=now)
            found[name] = (html, [attachment], images)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="warm renders of each document each way (15)")
    args = parser.parse_args()
    print_machine("PDF renderer child against WeasyPrint in this process (warm, interleaved)")

    from app import create_app, pdf_renderer
    from app.pdf import render_pdf
    from app.pdf_weasyprint import RefusingFetcher, write_pdf

    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    docs = documents(app)
    ways: dict[str, Callable[[str, list[Any], Any], bytes]] = {
        "in process": lambda html, attachments, images: write_pdf(html, attachments, RefusingFetcher(images)),
        "child": lambda html, attachments, images: render_pdf(html, attachments, images=images, timeout=120),
    }
    times: dict[tuple[str, str], list[float]] = {(doc, way): [] for doc in docs for way in ways}
    for number in range(args.repeat + 2):  # two warm-up rounds, not counted
        for doc, (html, attachments, images) in docs.items():
            for way, render in ways.items():
                started = time.perf_counter()
                pdf = render(html, attachments, images)
                took = time.perf_counter() - started
                assert pdf.startswith(b"%PDF-")
                if number >= 2:
                    times[(doc, way)].append(took)

    print(f"Warm renders, {args.repeat} each (interleaved): median (fastest)")
    print(f"{'document':<10} {'in process':>20} {'child':>20} {'added':>18} {'ratio':>7}")
    for doc in docs:
        inside, child = times[(doc, "in process")], times[(doc, "child")]
        middle, fastest = statistics.median, min
        print(
            f"{doc:<10} {middle(inside) * 1000:>8.1f} ({fastest(inside) * 1000:>6.1f}) ms "
            f"{middle(child) * 1000:>8.1f} ({fastest(child) * 1000:>6.1f}) ms "
            f"{(middle(child) - middle(inside)) * 1000:>6.1f} ({(fastest(child) - fastest(inside)) * 1000:>5.1f}) ms "
            f"{middle(child) / middle(inside):>6.2f}x"
        )

    starts = []
    for _ in range(3):
        pdf_renderer.stop_all()
        started = time.perf_counter()
        render_pdf(MINIMAL_HTML, timeout=120)
        starts.append(time.perf_counter() - started)
    print(
        f"A new child's first render (start-up + a cold render of the minimal document), median of 3: "
        f"{statistics.median(starts) * 1000:.0f} ms"
    )
    print(f"load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
