"""The baselines for the bench/ scripts, served by the same gunicorn settings as the app.

- ``/``: a bare Flask "hello" (the smallest possible Flask page).
- ``/floor/<name>``: the floor for one of the app's pages: that page's HTML, captured from
  the app by the benchmark and served here as a constant string (no templates, no session,
  no database). ``BENCH_FLOOR_DIR`` names the folder of captured pages (``<name>.html``).

gunicorn --chdir bench hello_app:app
"""

import os
from pathlib import Path

from flask import Flask, Response, abort

app = Flask(__name__)

_FLOOR_DIR = os.environ.get("BENCH_FLOOR_DIR", "")
FLOOR_PAGES = {path.stem: path.read_bytes() for path in Path(_FLOOR_DIR).glob("*.html")} if _FLOOR_DIR else {}


@app.get("/")
def hello() -> str:
    """The smallest possible Flask page."""
    return "Hello, World!"


@app.get("/floor/<name>")
def floor(name: str) -> Response:
    """A captured page of the app, as a constant string."""
    page = FLOOR_PAGES.get(name)
    if page is None:
        abort(404)
    return Response(page, mimetype="text/html")
