"""Compiled templates kept between tests: each test builds its own app, and so its own Jinja
environment, which would otherwise compile every template (GOV.UK Frontend's macros are
large) again for each test.

Safe to share: every test app configures Jinja the same way (``create_app``), and Jinja
checks each template's source against the cached code, recompiling when it changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class MemoryBytecodeCache(BytecodeCache):
    """Jinja's compiled templates, kept in memory for this test process.

    The code objects themselves are kept (they cannot be changed, so apps can share them),
    with the checksum of the source they came from: no marshalling to bytes and back, which
    cost about 4 ms of every test.
    """

    def __init__(self) -> None:
        self.store: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = self.store.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:  # a changed template is compiled afresh
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.store[bucket.key] = (bucket.checksum, bucket.code)


COMPILED_TEMPLATES = MemoryBytecodeCache()


@contextmanager
def remember_compiled_templates() -> Iterator[None]:
    """While open, every app this process builds (however a test builds it) shares compiled
    templates: through Flask's ``jinja_options``, what ``create_jinja_environment`` passes to
    Jinja's ``Environment``."""
    before = Flask.jinja_options
    Flask.jinja_options = {**before, "bytecode_cache": COMPILED_TEMPLATES}
    try:
        yield
    finally:
        Flask.jinja_options = before
