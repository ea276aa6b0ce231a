"""Space to Think: the application factory.

``create_app(overrides)`` assembles the app: settings, the rule pack and contacts, Jinja,
extensions, blueprints, error pages and CLI commands. An operator's mistake (a bad setting,
a broken rule pack) stops start-up with a message that names the setting or the file, node
and field, not a traceback. The pieces live in their own modules; this one only puts them
together, and nothing it imports imports it back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from flask import Flask
from limits import parse_many

# Every module that defines tables, so Alembic (flask db migrate/check) sees them all.
from . import models, proxies, sessions  # noqa: F401
from .cli import rules_cli
from .config import ENGINE_OPTION_DEFAULTS, PROJECT_ROOT, ConfigError, StartupError, load_config
from .errors import register_error_handlers
from .extensions import csrf, db, init_security_headers, limiter, migrate
from .inbox import bp as inbox_bp
from .inbox import facilitators_cli
from .inbox import models as inbox_models  # noqa: F401
from .input_guard import init_input_guard
from .lockout import LOCKOUT_KEY, SignInLockout
from .main import bp as main_bp
from .outbox import outbox_cli
from .pack import load_rules
from .requests import bp as requests_bp
from .requests import requests_cli
from .sessions import add_session_bind, init_sessions, sessions_cli
from .space_sessions import bp as feedback_bp
from .stats import models as stats_models  # noqa: F401
from .stats.cli import stats_cli
from .stats.views import bp as stats_bp
from .templating import init_jinja
from .wizard import bp as wizard_bp

log = logging.getLogger(__name__)


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
        app.wsgi_app = proxies.wrap(app.wsgi_app, app.config["TRUSTED_PROXIES"])  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
    except ValueError as error:
        raise StartupError(f"TRUSTED_PROXIES {error}") from None

    load_rules(app)
    init_jinja(app)
    init_extensions(app)
    for blueprint in (main_bp, wizard_bp, requests_bp, inbox_bp, stats_bp, feedback_bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    for group in (sessions_cli, rules_cli, requests_cli, outbox_cli, facilitators_cli, stats_cli):
        app.cli.add_command(group)
    init_input_guard(app)  # last: its middleware wraps everything, its check runs before every other
    return app


def init_extensions(app: Flask) -> None:
    """Bind database, migrations, CSRF, rate limits, sessions and security headers."""
    # Whatever the options say, errors never list a statement's values and dropped connections are replaced.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **ENGINE_OPTION_DEFAULTS,
        **(app.config["SQLALCHEMY_ENGINE_OPTIONS"] or {}),
    }
    add_session_bind(app)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
    )
    csrf.init_app(app)
    init_rate_limit_storage(app)
    limiter.init_app(app)
    init_sessions(app)
    init_security_headers(app)


def warn_when_serving(app: Flask, message: str) -> None:
    """Log ``message`` once, when the app serves its first web request: a warning about serving
    (rate limits) is noise in every ``flask`` command (``--help``, ``db upgrade``, adding a facilitator)."""
    pending = [message]

    def warn_once() -> None:
        with suppress(IndexError):  # empty: already said
            log.warning(pending.pop())

    app.before_request(warn_once)


def init_rate_limit_storage(app: Flask) -> None:
    """Check the limits; counts in the shared store, memory only as a fallback that warns."""
    for setting, variable in (
        ("RATELIMIT_APPLICATION", "RATELIMIT_DEFAULT"),
        ("INBOX_SIGN_IN_LIMIT", "INBOX_SIGN_IN_LIMIT"),
    ):
        try:
            parse_many(str(app.config[setting]))
        except ValueError:
            raise StartupError(
                f"{variable} must be a rate limit like '5 per minute' or '5 per minute;20 per hour', "
                f"but it is {app.config[setting]!r}."
            ) from None
    uri = app.config.get("RATELIMIT_STORAGE_URI")
    if not uri:
        app.config["RATELIMIT_STORAGE_URI"] = uri = "memory://"
        if not app.testing:
            warn_when_serving(
                app,
                "RATELIMIT_STORAGE_URI is not set, so rate limits and sign-in lockouts are "
                "counted in this process's memory only: with several workers or servers each "
                "counts alone. Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (a Redis server).",
            )
    elif uri.startswith("memory://") and not app.testing:
        warn_when_serving(
            app,
            "RATELIMIT_STORAGE_URI is memory://: rate limits and sign-in lockouts hold only "
            "within this one process. Use a Redis server when running several workers or servers.",
        )
    if not uri.startswith(("redis", "rediss", "valkey")):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {}  # the timeouts are Redis client options
    try:
        app.extensions[LOCKOUT_KEY] = SignInLockout.from_config(app.config)
    # Whatever the store's library raises (a malformed URI, an unknown scheme, a missing driver),
    # start-up stops with a message naming the setting rather than a traceback.
    except Exception as error:  # noqa: BLE001
        raise StartupError(f"RATELIMIT_STORAGE_URI cannot be used: {error}") from None
