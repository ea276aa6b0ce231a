"""A cheap password hash for tests.

Facilitators' passwords are hashed with scrypt, which takes about a third of a second by
design. Tests that are not about hashing make accounts with this instead (tests/conftest.py
puts it in place for every test not marked ``real_password_hash``). Checking a password is
still the app's own code: it reads the method from the stored hash.
"""

from __future__ import annotations

from werkzeug.security import generate_password_hash


def cheap_password_hash(password: str) -> str:
    """PBKDF2 with 1,000 rounds: thousands of times cheaper than scrypt, same interface."""
    return generate_password_hash(password, method="pbkdf2:sha256:1000")
