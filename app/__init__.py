"""Space to Think: the application factory.

``create_app(config)`` builds the app: settings, extensions, server-side sessions, the rule
pack and contacts (loaded once, here), Jinja, blueprints, error pages and CLI commands.
An operator's mistake (a bad setting, a broken rule pack) stops start-up with a message
that names the setting or the file, node and field, not a traceback.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, url_for
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader, StrictUndefined, Undefined
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import PROJECT_ROOT, Config, ConfigError, load_config
from .extensions import csrf, db, init_security_headers, limiter, migrate
from .rules import ContactBook, RulePack, RulesError, load_contacts, load_pack
from .sessions import add_session_bind, init_sessions, session_expired

PACK_KEY = "space_to_think.pack"
CONTACTS_KEY = "space_to_think.contacts"
FRAGMENTS_KEY = "space_to_think.fragments"

SERVICE_NAME = "Space to Think"

# ---------------------------------------------------------------------------------------
# Blueprints, registered in this order. ADD YOURS HERE as "module.path:attribute".
# A listed module that fails to import stops start-up (it is never silently skipped).
BLUEPRINTS: tuple[str, ...] = (
    "app.main:bp",  # start page, footer pages, exit, health check, session expired
    "app.wizard:bp",  # the journey (issue 3): must provide endpoint "wizard.start"
    "app.requests:bp",  # request details, check answers, submission (issue 4)
    "app.inbox:bp",  # facilitators' inbox (issue 5): sign in, list, triage, import
    "app.stats.views:bp",  # anonymous route counts for facilitators: /inbox/statistics
)

# CLI command groups (click groups), "module.path:attribute". ADD YOURS HERE.
CLI_GROUPS: tuple[str, ...] = (
    "app.sessions:sessions_cli", "app.cli:rules_cli",
    "app.requests:requests_cli", "app.mail:outbox_cli",  # issue 4: flask requests purge, flask outbox send
    "app.inbox:facilitators_cli",  # issue 5: flask facilitators add|deactivate|list
    "app.stats.cli:stats_cli",  # flask stats show
)

# Modules that define models, imported at start-up so Alembic (flask db migrate/check)
# sees every table even before their blueprint is registered. ADD YOURS HERE.
MODEL_MODULES: tuple[str, ...] = (
    "app.sessions",  # journey_sessions
    "app.models",  # requests, outbox, audit log
    "app.inbox.models",  # facilitators, request assignments, triage notes
    "app.stats.models",  # route_counts (anonymous)
)
# ---------------------------------------------------------------------------------------

# Error pages with their own template in templates/errors/; other codes use errors/error.html.
ERROR_TEMPLATES = {400, 404, 405, 413, 429, 500}
LIBRARY_TEMPLATE_MARKERS = ("govuk_frontend_jinja", "govuk_frontend_wtf")

log = logging.getLogger(__name__)


class StartupError(SystemExit):
    """Start-up refused: the message names the setting or file. Exits with status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Space to Think cannot start: {message}")


class ProjectUndefined(StrictUndefined):
    """StrictUndefined for this project's templates; lenient inside the GOV.UK macro packages.

    GOV.UK Frontend's macros test optional parameters (``{% if params.classes %}``) that a
    caller leaves out, which StrictUndefined would refuse; our own templates stay strict, so
    a misspelt variable is an error, not a blank.
    """

    __slots__ = ()

    def _lenient(self) -> bool:
        frame: FrameType | None = sys._getframe(2)
        for _ in range(8):
            if frame is None:
                return False
            if "environment" in frame.f_globals and "__file__" in frame.f_globals:
                filename = str(frame.f_code.co_filename)
                return any(marker in filename for marker in LIBRARY_TEMPLATE_MARKERS)
            frame = frame.f_back
        return False

    def __str__(self) -> str:
        return "" if self._lenient() else self._fail_with_undefined_error()

    def __bool__(self) -> bool:
        return False if self._lenient() else self._fail_with_undefined_error()

    def __iter__(self) -> Any:
        return iter(()) if self._lenient() else self._fail_with_undefined_error()

    def __len__(self) -> int:
        return 0 if self._lenient() else self._fail_with_undefined_error()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) if self._lenient() else self._fail_with_undefined_error()

    def __ne__(self, other: object) -> bool:
        return type(self) is not type(other) if self._lenient() else self._fail_with_undefined_error()

    def __contains__(self, item: object) -> bool:
        return False if self._lenient() else self._fail_with_undefined_error()

    __hash__ = Undefined.__hash__


def create_app(config: str | type[Config] | Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config``: None (from the environment), a config class or name, or overrides."""
    try:
        settings = load_config(config)
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
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    load_rules(app)
    init_jinja(app)
    init_extensions(app)
    import_models()
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def load_rules(app: Flask) -> None:
    """Load contacts and the rule pack once; a broken file stops start-up naming file, node and field."""
    try:
        contacts = load_contacts(app.config["CONTACTS_PATH"])
        pack = load_pack(app.config["RULE_PACK_PATH"], contacts)
    except RulesError as error:
        raise StartupError(str(error)) from None
    except OSError as error:
        raise StartupError(f"cannot read rule data: {error}") from None
    app.extensions[CONTACTS_KEY] = contacts
    app.extensions[PACK_KEY] = pack


def current_pack() -> RulePack:
    """The rule pack loaded at start-up."""
    pack: RulePack = current_app.extensions[PACK_KEY]
    return pack


def current_contacts() -> ContactBook:
    """The contacts loaded at start-up."""
    contacts: ContactBook = current_app.extensions[CONTACTS_KEY]
    return contacts


def url_if_exists(endpoint: str, fallback: str | None = None, **values: Any) -> str | None:
    """``url_for(endpoint)`` if the endpoint is registered, else ``fallback`` (for not-yet-built parts)."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return fallback


def cached_fragment(name: str, caller: Any) -> Markup:
    """Render a ``{% call cached_fragment(name) %}`` block once per app and reuse it.

    For page chrome that never changes while the app runs (header, footer). Not cached in
    debug mode, so template edits show at once.
    """
    if current_app.debug:
        return Markup(caller())
    fragments: dict[str, Markup] = current_app.extensions.setdefault(FRAGMENTS_KEY, {})
    fragment = fragments.get(name)
    if fragment is None:
        fragment = fragments[name] = Markup(caller())
    return fragment


def init_jinja(app: Flask) -> None:
    """Our templates first, then the GOV.UK macro packages under their prefixes; strict undefined."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.undefined = ProjectUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["url_if_exists"] = url_if_exists
    app.jinja_env.globals["cached_fragment"] = cached_fragment
    app.jinja_env.globals["session_expired"] = session_expired
    WTFormsHelpers(app)

    @app.context_processor
    def site_context() -> dict[str, Any]:
        """What the layout needs on every page."""
        return {
            "service_name": SERVICE_NAME,
            "partnership_name": current_pack().owner,  # the rule pack names who runs the service
            "contacts": current_contacts(),
        }


def init_extensions(app: Flask) -> None:
    """Bind database, migrations, CSRF, rate limits, sessions and security headers."""
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
    limiter.init_app(app)
    init_sessions(app)
    init_security_headers(app)


def _import_attribute(path: str) -> Any:
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def import_models() -> None:
    """Import every module listed in ``MODEL_MODULES`` so the metadata holds every table."""
    for module_name in MODEL_MODULES:
        importlib.import_module(module_name)


def register_blueprints(app: Flask) -> None:
    """Register every blueprint listed in ``BLUEPRINTS``."""
    for path in BLUEPRINTS:
        blueprint: Blueprint = _import_attribute(path)
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    """Add every command group listed in ``CLI_GROUPS``."""
    for path in CLI_GROUPS:
        group = _import_attribute(path)
        if group.name not in app.cli.commands:
            app.cli.add_command(group)


def render_error(code: int, csrf_failure: bool = False, description: str | None = None) -> tuple[str, int]:
    """The friendly page for an HTTP error code."""
    template = f"errors/{code}.html" if code in ERROR_TEMPLATES else "errors/error.html"
    return render_template(template, code=code, csrf_failure=csrf_failure, description=description), code


def register_error_handlers(app: Flask) -> None:
    """Every error a user can cause gets a page that says what to do next; never a traceback."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        """The form's token was missing or did not match the session (usually: the session expired)."""
        return render_error(400, csrf_failure=True)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        """4xx and 5xx raised by views or routing."""
        code = error.code or 500
        if code < 400:
            return error
        if code >= 500:
            return render_error(500)
        body, status = render_error(code)
        valid_methods = getattr(error, "valid_methods", None)
        if code == 405 and valid_methods:
            return body, status, {"Allow": ", ".join(valid_methods)}
        return body, status

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        """Anything unexpected: log it with its traceback, show a plain apology.

        Under test or debug (PROPAGATE_EXCEPTIONS) the error is raised instead, so tests see it.
        """
        propagate = app.config.get("PROPAGATE_EXCEPTIONS")
        if propagate is None:
            propagate = app.testing or app.debug
        if propagate:
            raise error
        log.error("Unhandled error on a request", exc_info=error)
        try:
            return render_error(500)
        except Exception:  # the error page itself failed: last resort, still no traceback
            log.exception("The error page failed to render")
            return "Sorry, there is a problem with the service. Try again later.", 500
