"""``bench_memory.py`` reports the PDF renderer process beside each worker's memory.

Found: it read only the gunicorn workers' memory, but each process that makes a PDF in a page
(the supervision record, the questions to prepare) keeps a renderer process beside it
(``app.pdf_renderer``: about 60 MB), which no figure counted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from app import pdf_renderer
from app.pdf import render_pdf

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import _support  # noqa: E402  (bench/ is not a package)
import bench_memory  # noqa: E402

pytestmark = pytest.mark.real_pdf

SIMPLE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>A test</title></head>
<body><h1>Hello</h1></body></html>"""


def test_the_renderer_a_process_keeps_is_found_and_its_memory_read() -> None:
    pdf_renderer.stop_all()
    assert _support.renderer_pids(os.getpid()) == []
    assert bench_memory.renderers_kib(os.getpid()) is None  # no PDF made yet: no renderer
    assert render_pdf(SIMPLE).startswith(b"%PDF-")
    assert _support.renderer_pids(os.getpid()) == sorted(pdf_renderer.child_pids())
    kib = bench_memory.renderers_kib(os.getpid())
    assert kib is not None and kib > 20 * 1024  # WeasyPrint and its libraries: tens of megabytes
