"""``bench_pages.py --compare LABEL=DIR`` measures the other checkout's code, not this one's.

Found: every server was started as ``python -m gunicorn`` from this checkout's folder, which
Python puts first on the import path (before ``PYTHONPATH`` and gunicorn's ``--chdir``), so the
"other" checkout's server served this checkout's app, and every before-and-after comparison
measured one code twice (docs/PERFORMANCE.md)."""

from __future__ import annotations

import http.client
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import _support  # noqa: E402  (bench/ is not a package)


def test_a_compared_checkout_is_served_with_its_own_code(tmp_path: Path) -> None:
    other = tmp_path / "other-checkout"
    (other / "app").mkdir(parents=True)
    (other / "app" / "__init__.py").write_text(
        "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
        "    app.get('/healthz')(lambda: 'the other checkout: ' + __file__)\n    return app\n"
    )
    (other / "wsgi.py").write_text("from app import create_app\n\napp = create_app()\n")
    assert _support.compare_root(f"before={other}") == ("before", other)
    server = _support.app_server(
        {"PATH": "/usr/bin:/bin"}, _support.ServerSettings(workers=1), root=other, name="before"
    )
    with server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            answer = connection.getresponse().read().decode()
        finally:
            connection.close()
    assert answer == f"the other checkout: {other / 'app' / '__init__.py'}"
