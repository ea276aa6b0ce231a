"""Settings, read from the environment only, with one class per environment.

``APP_ENV`` picks the class (``development``, ``test`` or ``production``; default
``development``). A bad value stops start-up with a ``ConfigError`` that names the variable,
and production refuses settings that would be unsafe with real users.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = PROJECT_ROOT / "instance"
RULES_DIR = Path(__file__).resolve().parent / "rules"

MIN_SECRET_KEY_LENGTH = 32


class ConfigError(Exception):
    """A setting is missing or wrong. The message names the variable and says what to do."""


def _env(environ: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """The variable's value with surrounding space removed; empty counts as unset."""
    value = environ.get(name, "").strip()
    return value if value else default


def _env_int(environ: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    """A whole number from the environment, or a ConfigError naming the variable."""
    raw = _env(environ, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, but it is {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be {minimum} or more, but it is {value}.")
    return value


def _env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """A yes/no value from the environment, or a ConfigError naming the variable."""
    raw = _env(environ, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, but it is {raw!r}.")


def _env_limit(environ: Mapping[str, str], name: str, default: str) -> str:
    """A rate limit such as ``5 per minute;20 per hour``, or a ConfigError naming the variable."""
    from limits import parse_many

    value = _env(environ, name, default) or default
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(
            f"{name} must be a rate limit like '5 per minute' or '5 per minute;20 per hour', but it is {value!r}."
        ) from None
    return value


def _env_proxies(environ: Mapping[str, str], name: str) -> int | tuple[str, ...]:
    """A count of proxies, or a tuple of proxy addresses/networks; ConfigError naming the variable."""
    raw = _env(environ, name, "0") or "0"
    if raw.isdigit():
        return int(raw)
    networks = tuple(part.strip() for part in raw.split(",") if part.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(
                f"{name} must be a number of proxies or a list of proxy addresses or networks like "
                f"'127.0.0.1,10.0.0.0/8', but {network!r} is not an address or network."
            ) from None
    return networks


def database_uri(url: str) -> str:
    """SQLAlchemy URI for a DATABASE_URL; plain postgres:// URLs get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Settings shared by every environment. Built from an environment mapping."""

    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.SECRET_KEY: str | None = _env(env, "SECRET_KEY")

        default_db = "sqlite:///" + str(INSTANCE_PATH / "space_to_think.db")
        self.SQLALCHEMY_DATABASE_URI = database_uri(_env(env, "DATABASE_URL", default_db) or default_db)
        self.SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}

        self.RULE_PACK_PATH = _env(env, "RULE_PACK_PATH", str(RULES_DIR / "space_to_think.yaml"))
        self.CONTACTS_PATH = _env(env, "CONTACTS_PATH", str(RULES_DIR / "contacts.yaml"))

        # The facilitators' inbox and the mail server that reaches it. Unset means "no inbox".
        self.FACILITATOR_EMAIL = _env(env, "FACILITATOR_EMAIL")
        self.SMTP_HOST = _env(env, "SMTP_HOST")
        self.SMTP_PORT = _env_int(env, "SMTP_PORT", 25)
        self.SMTP_USERNAME = _env(env, "SMTP_USERNAME")
        self.SMTP_PASSWORD = _env(env, "SMTP_PASSWORD")
        self.SMTP_USE_TLS = _env_bool(env, "SMTP_USE_TLS", False)
        self.SMTP_TIMEOUT = _env_int(env, "SMTP_TIMEOUT", 10, minimum=1)
        self.MAIL_FROM = _env(env, "MAIL_FROM", "space-to-think@localhost")

        self.RETENTION_DAYS = _env_int(env, "RETENTION_DAYS", 90)
        self.SESSION_IDLE_MINUTES = _env_int(env, "SESSION_IDLE_MINUTES", 30)
        self.RESPONSE_TIME_TEXT = _env(env, "RESPONSE_TIME_TEXT")

        # Named in the privacy notice. Never invented: templates say plainly when unset.
        self.DATA_CONTROLLER = _env(env, "DATA_CONTROLLER")
        self.DATA_PROTECTION_CONTACT = _env(env, "DATA_PROTECTION_CONTACT")

        self.EXIT_URL = _env(env, "EXIT_URL", "https://www.bbc.co.uk/weather")

        self.SESSION_COOKIE_NAME = "space_to_think_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _env_bool(env, "SESSION_COOKIE_SECURE", self.default_secure_cookies())
        # Chance (0–1) that saving a new session also deletes expired ones.
        self.SESSION_PURGE_PROBABILITY = 0.02

        self.WTF_CSRF_ENABLED = True
        # The CSRF token lives in the server-side session, so it lasts as long as the session.
        self.WTF_CSRF_TIME_LIMIT = None
        self.MAX_CONTENT_LENGTH = 1024 * 1024

        # Rate limits and sign-in lockouts are counted here. Unset: each process's own memory
        # (a start-up warning says so; production refuses it unless memory:// is given).
        self.RATELIMIT_STORAGE_URI = _env(env, "RATELIMIT_STORAGE_URI")
        self.RATELIMIT_STORAGE_OPTIONS: dict[str, Any] = {"socket_timeout": 1, "socket_connect_timeout": 1}
        # If the shared store stops answering, count in memory until it is back (never a 500).
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        # Requests from one address to the whole site (every page counts towards one limit).
        # Kept under Flask-Limiter's name for a site-wide limit: its RATELIMIT_DEFAULT is per page.
        self.RATELIMIT_APPLICATION = _env_limit(env, "RATELIMIT_DEFAULT", "2000 per minute")
        self.RATELIMIT_HEADERS_ENABLED = False
        # Said explicitly: Flask-Limiter's one limiter object would otherwise carry an
        # earlier app's setting into every app built after it (as tests build many).
        self.RATELIMIT_ENABLED = True
        # Facilitator sign-in: attempts from one address, and failures for one email address
        # (after INBOX_LOCKOUT_AFTER failures the address is locked for INBOX_LOCKOUT_MINUTES,
        # doubling with each further failure up to INBOX_LOCKOUT_MAX_MINUTES; failures are
        # forgotten INBOX_LOCKOUT_WINDOW_HOURS after the first).
        self.INBOX_SIGN_IN_LIMIT = _env_limit(env, "INBOX_SIGN_IN_LIMIT", "5 per minute;20 per hour")
        self.INBOX_LOCKOUT_AFTER = _env_int(env, "INBOX_LOCKOUT_AFTER", 5)
        self.INBOX_LOCKOUT_MINUTES = _env_int(env, "INBOX_LOCKOUT_MINUTES", 1)
        self.INBOX_LOCKOUT_MAX_MINUTES = _env_int(env, "INBOX_LOCKOUT_MAX_MINUTES", 60)
        self.INBOX_LOCKOUT_WINDOW_HOURS = _env_int(env, "INBOX_LOCKOUT_WINDOW_HOURS", 24)

        # Who may say where a request came from (X-Forwarded-For/-Proto/-Host): the addresses
        # or networks of the reverse proxies in front (e.g. 127.0.0.1,10.0.0.0/8), or a count of
        # proxies (trusted from any address: only when nothing else can reach the app). 0: none.
        self.TRUSTED_PROXIES = _env_proxies(env, "TRUSTED_PROXIES")

        self.HSTS = False
        self.TEMPLATES_AUTO_RELOAD = self.DEBUG

    def default_secure_cookies(self) -> bool:
        """Whether cookies are Secure unless SESSION_COOKIE_SECURE says otherwise."""
        return False

    def check(self) -> None:
        """Refuse settings that are unsafe for this environment. Base: a secret key must exist."""
        if not self.SECRET_KEY:
            raise ConfigError("SECRET_KEY is not set. Set it to a long random string.")

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain mapping for ``app.config.update``."""
        return {key: value for key, value in vars(self).items() if key.isupper()} | {
            "DEBUG": self.DEBUG,
            "TESTING": self.TESTING,
            "APP_ENV": self.ENV_NAME,
        }


class DevelopmentConfig(Config):
    """Local running: SQLite in instance/, plain-HTTP cookies, template reloading."""

    ENV_NAME = "development"
    DEBUG = False  # Werkzeug's debugger runs code from the browser: opt in with --debug only.

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        if not self.SECRET_KEY:
            self.SECRET_KEY = development_secret_key()


def development_secret_key(directory: Path = INSTANCE_PATH) -> str:
    """A random key kept in instance/ so local sessions survive restarts. Never used in production."""
    key_file = directory / "dev_secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return key


class TestConfig(Config):
    """The test suite: fixed secret, anything external pointed at addresses that cannot work."""

    ENV_NAME = "test"
    TESTING = True

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        self.SECRET_KEY = self.SECRET_KEY or "test-secret-key-not-for-real-use-0123456789"
        # .invalid never resolves (RFC 2606); port 9 is "discard". Tests start their own SMTP server.
        self.SMTP_HOST = "smtp.example.invalid"
        self.SMTP_PORT = 9
        self.FACILITATOR_EMAIL = None
        self.MAIL_FROM = "space-to-think@example.invalid"
        self.EXIT_URL = "https://www.bbc.co.uk/weather"
        self.RATELIMIT_STORAGE_URI = "memory://"  # tests that need Redis start their own
        self.SESSION_PURGE_PROBABILITY = 0.0


class ProductionConfig(Config):
    """Real users: refuses a weak secret, SQLite, and cookies that travel over plain HTTP."""

    ENV_NAME = "production"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        self.HSTS = True
        self.TEMPLATES_AUTO_RELOAD = False

    def default_secure_cookies(self) -> bool:
        """Production cookies are Secure unless someone turns that off (which check refuses)."""
        return True

    def check(self) -> None:
        """Stop start-up, naming the setting, if anything is unsafe for real users."""
        super().check()
        secret_key = self.SECRET_KEY or ""
        if len(secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY is too short for production ({len(secret_key)} characters); "
                f"use at least {MIN_SECRET_KEY_LENGTH} random characters."
            )
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            raise ConfigError(
                "DATABASE_URL must name a PostgreSQL database in production, not SQLite "
                "(several workers share it)."
            )
        if not self.SESSION_COOKIE_SECURE:
            raise ConfigError("SESSION_COOKIE_SECURE must be true in production: cookies must only travel over HTTPS.")
        if not self.RATELIMIT_STORAGE_URI:
            raise ConfigError(
                "RATELIMIT_STORAGE_URI is not set: in production, rate limits and sign-in lockouts must be shared "
                "by every worker and server, e.g. redis://127.0.0.1:6379/0 (or memory:// for one single process)."
            )


CONFIG_CLASSES: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None) -> type[Config]:
    """The class for an APP_ENV value or class name, or a ConfigError naming APP_ENV."""
    key = (name or "development").strip()
    by_class_name = {cls.__name__: cls for cls in CONFIG_CLASSES.values()}
    if key in by_class_name:
        return by_class_name[key]
    if key.lower() in CONFIG_CLASSES:
        return CONFIG_CLASSES[key.lower()]
    raise ConfigError(f"APP_ENV must be one of development, test or production, but it is {name!r}.")


def load_config(
    config: str | type[Config] | Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build and check the settings.

    ``config`` is None (APP_ENV decides), a class or class/environment name, or a mapping of
    overrides; a mapping may carry ``APP_ENV`` to pick the class, and its other keys win over
    the environment's. The result is checked after the overrides are applied.
    """
    env = os.environ if environ is None else environ
    overrides: dict[str, Any] = {}
    if config is None:
        cls = config_class(_env(env, "APP_ENV"))
    elif isinstance(config, type) and issubclass(config, Config):
        cls = config
    elif isinstance(config, str):
        cls = config_class(config)
    else:
        overrides = dict(config)
        cls = config_class(overrides.pop("APP_ENV", None) or _env(env, "APP_ENV"))
    if "RATELIMIT_DEFAULT" in overrides:  # the environment's name for the site-wide limit
        overrides["RATELIMIT_APPLICATION"] = overrides.pop("RATELIMIT_DEFAULT")
    settings = cls(env)
    for key, value in overrides.items():
        setattr(settings, key, value)
    settings.check()
    return settings.as_dict()
