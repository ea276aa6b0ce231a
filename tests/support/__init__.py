"""Test helpers shared across test modules (keep conftest.py small)."""

from .database import both_databases
from .pages import checked_field, csrf_token, external_resources, session_cookie, session_csrf_token
from .probe import add_session_probe

# What /healthz answers when everything is well (app/main/views.py healthz).
HEALTHY = {"status": "ok", "database": "ok", "schema": "ok", "rate_limit_store": "ok", "outbox": "ok", "rules": "ok"}

__all__ = [
    "HEALTHY",
    "add_session_probe",
    "both_databases",
    "checked_field",
    "csrf_token",
    "external_resources",
    "session_cookie",
    "session_csrf_token",
]
