"""Space to Think: the application factory.

``create_app(overrides)`` assembles the app: settings, the rule pack and contacts, Jinja,
extensions, blueprints, error pages and CLI commands. An operator's mistake (a bad setting,
a broken rule pack) stops start-up with a message that names the setting or the file, node
and field, not a traceback. The pieces live in their own modules; this one only puts them
together, and nothing it imports imports it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.exc import ArgumentError

# Every module that defines tables, so Alembic (flask db migrate/check) sees them all.
from . import models, proxies, sessions  # noqa: F401
from .cli import rules_cli
from .config import PROJECT_ROOT, ConfigError, StartupError, engine_options, engine_options_problem, load_config
from .database_answers import init_answer_checks
from .errors import register_error_handlers
from .extensions import csrf, db, init_security_headers, limiter, migrate
from .inbox import bp as inbox_bp
from .inbox import facilitators_cli
from .inbox import models as inbox_models  # noqa: F401
from .inbox.statistics_views import bp as stats_bp
from .input_guard import init_input_guard
from .main import bp as main_bp
from .main.offline import site_cli
from .outage import end_requests_database_work, said_in_one_line
from .outbox import outbox_cli
from .pack import load_rules
from .rate_limits import init_limiter, init_rate_limit_storage, init_site_wide_limit
from .request_log import TracebacksWithoutMessages, quiet_request_log
from .requests import bp as requests_bp
from .retention import requests_cli
from .sessions import add_session_bind, init_sessions, sessions_cli
from .space_sessions import bp as feedback_bp
from .start_page import KeptStartPage
from .static_files import init_static_files
from .stats import models as stats_models  # noqa: F401
from .stats.cli import stats_cli
from .templating import init_jinja
from .wizard import bp as wizard_bp


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment; ``overrides`` (tests, benchmarks) win over it.

    ``APP_ENV`` (in ``overrides`` or the environment) picks development, test or production.
    """
    try:
        settings = load_config(overrides)
    except ConfigError as error:
        raise StartupError(str(error)) from None

    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    try:
        app.wsgi_app = proxies.wrap(  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
            KeptStartPage(app, app.wsgi_app),  # inside the proxy fix: it needs the visitor's address
            app.config["TRUSTED_PROXIES"],
            production=app.config["APP_ENV"] == "production",
        )
    except ValueError as error:
        raise StartupError(f"TRUSTED_PROXIES {error}") from None

    quiet_request_log()  # the development server's request lines: no query strings or feedback tokens
    load_rules(app)
    init_jinja(app)
    init_extensions(app)
    for blueprint in (main_bp, wizard_bp, requests_bp, inbox_bp, stats_bp, feedback_bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    for group in (sessions_cli, rules_cli, requests_cli, outbox_cli, facilitators_cli, stats_cli, site_cli):
        said_in_one_line(group)  # a database that does not answer: one line, not a traceback
        app.cli.add_command(group)
    init_input_guard(app)  # last: its middleware wraps everything, its check runs before every other
    # Outside it: a traceback written to the request's error stream (werkzeug's debugger) gives no messages.
    app.wsgi_app = TracebacksWithoutMessages(app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
    return app


def init_extensions(app: Flask) -> None:
    """Bind database, migrations, CSRF, rate limits, sessions, security headers and static files' caching."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"] or {}
    )
    add_session_bind(app)
    try:
        db.init_app(app)  # makes the engines: bad engine options fail here
    except (TypeError, ValueError, ArgumentError) as error:
        raise StartupError(engine_options_problem(error, app.config["SQLALCHEMY_ENGINE_OPTIONS"])) from None
    end_requests_database_work(app)  # a connection dropped before the request's end is no 500
    with app.app_context():
        init_answer_checks(app, db.engines)  # a PostgreSQL server that stops answering is given up in seconds
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
    )
    csrf.init_app(app)
    init_rate_limit_storage(app)
    init_limiter(app, limiter)
    init_site_wide_limit(app, limiter)
    init_sessions(app)
    init_security_headers(app)
    init_static_files(app)
