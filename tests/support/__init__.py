"""Test helpers shared across test modules (keep conftest.py small)."""

from .database import both_databases
from .pages import csrf_token, external_resources, session_cookie
from .probe import add_session_probe

__all__ = ["add_session_probe", "both_databases", "csrf_token", "external_resources", "session_cookie"]
