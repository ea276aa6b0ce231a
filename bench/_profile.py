"""Where a journey's time goes: cProfile of whole journeys run in-process (production settings,
the same PostgreSQL database), summarised by component and by function.

Used by bench_journey.py when a target is missed (or with --profile). The WSGI app is driven
directly through Werkzeug's test client, so the figures are the app's own cost per request,
without gunicorn, sockets or the load client.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from typing import Any

from _support import PathAnswers, Visitor

# Component of a function, by the file it lives in (first match wins).
COMPONENTS: tuple[tuple[str, Callable[[str, str], bool]], ...] = (
    (
        "template Undefined hook (app/templating.py ProjectUndefined)",
        lambda f, n: (
            f.endswith(os.path.join("app", "templating.py"))
            and n in {"_lenient", "__str__", "__bool__", "__iter__", "__len__", "__eq__", "__ne__", "__contains__"}
        ),
    ),
    ("rule engine (app/rules)", lambda f, n: os.sep + os.path.join("app", "rules") + os.sep in f),
    ("other app code (app/)", lambda f, n: os.sep + "app" + os.sep in f and "site-packages" not in f),
    ("Jinja templates (compiled template code)", lambda f, n: f.endswith(".html") or f.startswith("<template")),
    ("Jinja runtime", lambda f, n: os.sep + "jinja2" + os.sep in f or os.sep + "markupsafe" + os.sep in f),
    (
        "forms (WTForms, Flask-WTF, govuk-frontend-wtf)",
        lambda f, n: any(os.sep + p + os.sep in f for p in ("wtforms", "flask_wtf", "govuk_frontend_wtf")),
    ),
    (
        "database (SQLAlchemy, psycopg)",
        lambda f, n: any(os.sep + p + os.sep in f for p in ("sqlalchemy", "psycopg", "flask_sqlalchemy")),
    ),
    (
        "rate limits (Flask-Limiter, limits)",
        lambda f, n: any(os.sep + p + os.sep in f for p in ("flask_limiter", "limits")),
    ),
    (
        "Flask, Werkzeug, itsdangerous",
        lambda f, n: any(os.sep + p + os.sep in f for p in ("flask", "werkzeug", "itsdangerous")),
    ),
    (
        "socket and other I/O waits (built-ins)",
        lambda f, n: f == "~" and any(w in n for w in ("recv", "send", "poll", "select", "connect", "execute", "wait")),
    ),
)


def component(filename: str, name: str) -> str:
    """The component a profiled function belongs to."""
    for label, matches in COMPONENTS:
        if matches(filename, name):
            return label
    return "other (stdlib, built-ins, other packages)"


class InProcessVisitor(Visitor):
    """The load client's visitor, talking to the WSGI app directly instead of over a socket."""

    def __init__(self, app: Any, index: int) -> None:
        super().__init__(port=0, index=index)
        self.app = app
        self.client = app.test_client()

    def new_visitor(self) -> None:
        """A new person: a fresh test client (its own cookie jar) and a new address."""
        super().new_visitor()
        self.client = self.app.test_client()

    def fetch(self, kind: str, method: str, path: str, body: bytes | None = None) -> tuple[int, str, bytes]:
        """One request through the test client (https, so the Secure session cookie is kept)."""
        started = time.perf_counter()
        response = self.client.open(
            path,
            method=method,
            data=body,
            base_url="https://localhost",
            headers={"X-Forwarded-For": self.address, "Referer": f"https://localhost{path}"},
            content_type="application/x-www-form-urlencoded" if body else None,
        )
        data = response.get_data()
        if self.record is not None:
            self.record(kind, time.perf_counter() - started)
        return response.status_code, response.headers.get("Location", ""), data


def build_app(database_url: str, secret_key: str) -> Any:
    """The app with production settings, as the gunicorn workers build it."""
    from app import create_app

    return create_app(
        {
            "APP_ENV": "production",
            "SECRET_KEY": secret_key,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TRUSTED_PROXIES": 1,
            "RATELIMIT_STORAGE_URI": "memory://",
            "DATA_CONTROLLER": "Example City Council",
            "DATA_PROTECTION_CONTACT": "Data protection officer, dpo@example.gov.uk",
            "LAWFUL_BASIS": "We use your information to carry out our public task.",
        }
    )


def profile_journeys(
    app: Any, paths: list[tuple[PathAnswers, str]], journeys: int = 60, warmup: int = 15, top: int = 18
) -> str:
    """Profile ``journeys`` whole journeys after ``warmup`` unprofiled ones; return the report."""
    visitor = InProcessVisitor(app, index=99)
    count = {"requests": 0}
    visitor.record = lambda kind, seconds: count.__setitem__("requests", count["requests"] + 1)
    for number in range(warmup):
        visitor.journey(*paths[number % len(paths)])
    count["requests"] = 0
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for number in range(journeys):
        visitor.journey(*paths[(warmup + number) % len(paths)])
    profiler.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())  # tottime sums to the profiled time
    by_component: dict[str, float] = {}
    for (filename, _line, name), entry in raw.items():
        label = component(filename, name)
        by_component[label] = by_component.get(label, 0.0) + entry[2]
    requests = count["requests"]
    out = io.StringIO()
    out.write(
        f"In-process profile: {journeys} journeys, {requests} requests, {wall:.2f} s under cProfile "
        f"({wall / requests * 1000:.2f} ms per request with profiling overhead)\n"
    )
    out.write("Own time by component (share of profiled time):\n")
    for label, seconds in sorted(by_component.items(), key=lambda item: -item[1]):
        out.write(f"  {seconds / total * 100:5.1f}%  {seconds / requests * 1000:6.2f} ms/request  {label}\n")
    out.write("Inclusive time of key steps (share of profiled time):\n")
    keys = (
        ("render_template", "flask/templating.py"),
        ("open_session", "app/sessions.py"),
        ("save_session", "app/sessions.py"),
        ("_lenient", "app/templating.py"),
        ("evaluate", "app/rules/engine.py"),
        ("form_class", "app/wizard/forms.py"),
        ("validate", "flask_wtf/form.py"),
        ("generate_csrf", "flask_wtf/csrf.py"),
        ("execute", "sqlalchemy/engine/base.py"),
        ("commit", "psycopg/connection.py"),
        ("_check_request_limit", "flask_limiter/_extension.py"),
        ("set_security_headers", "app/extensions.py"),
    )
    for name, where in keys:
        inclusive = sum(
            entry[3]
            for (filename, _l, fn), entry in raw.items()
            if fn == name and filename.endswith(where.replace("/", os.sep))
        )
        calls = sum(
            entry[1]
            for (filename, _l, fn), entry in raw.items()
            if fn == name and filename.endswith(where.replace("/", os.sep))
        )
        if calls:
            out.write(
                f"  {inclusive / total * 100:5.1f}%  {inclusive / requests * 1000:6.2f} ms/request  "
                f"{calls:>7} calls  {where}:{name}\n"
            )
    waits = sum(
        entry[1]
        for (filename, _l, fn), entry in raw.items()
        if fn == "wait" and filename.endswith(os.path.join("psycopg", "connection.py"))
    )
    if waits:
        out.write(f"PostgreSQL driver waits (psycopg Connection.wait calls) per request: {waits / requests:.2f}\n")
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("tottime").print_stats(top)
    lines = [line for line in listing.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    out.write(f"Top {top} functions by own time:\n")
    for line in lines[start : start + top + 1]:
        out.write("  " + line.replace(os.path.dirname(os.path.dirname(os.__file__)), "…") + "\n")
    return out.getvalue()
