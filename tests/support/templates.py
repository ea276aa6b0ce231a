"""Compiled templates kept between tests: each test builds its own app, and so its own Jinja
environment, which would otherwise compile every template (GOV.UK Frontend's macros are
large) again for each test.

Safe to share: every test app configures Jinja the same way (``create_app``), and Jinja
checks each template's source against the cached code, recompiling when it changes.
"""

from __future__ import annotations

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class MemoryBytecodeCache(BytecodeCache):
    """Jinja's compiled templates, kept in memory for this test process."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = MemoryBytecodeCache()


def share_compiled_templates(app: Flask) -> None:
    """Let ``app`` reuse templates other test apps in this process compiled."""
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
