"""SQL statements compiled once per test process rather than once per app.

SQLAlchemy compiles each statement to SQL the first time an engine runs it and keeps the result
in that engine's cache, keyed by the engine's dialect. Every test builds an app, and every app
makes new engines (the requests' and the sessions'), so every test compiled again the statements
the tests before it had compiled: measured on ``tests/test_sessions.py``, 5,800 compilations for
15,300 statements run, about an eighth of the tests' time; with this, 912.

Here engines made alike (the same dialect, the same address apart from a SQLite file's name, the
same options) share one cache, and their dialects compare equal, so that what one compiled the
next finds. What a compiled statement holds depends only on the kind of dialect, its options and
its server, which such engines share; each engine keeps its own dialect object, so its events (an
app's ``handle_error`` listener, say) stay its own. A PostgreSQL schema of its own
(``own_schema``) has its own search path in its options, and so its own cache. If SQLAlchemy's
internals are not what this expects, nothing is changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.engine import Dialect
from sqlalchemy.util import LRUCache

# Room for every distinct statement the suite runs on one kind of engine (SQLAlchemy's default
# per engine is 500).
SHARED_CACHE_SIZE = 5_000


def engine_kind(engine: sa.Engine, options: dict[str, Any]) -> tuple[Any, ...]:
    """What must be the same for two engines to share a dialect and compiled statements."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        url = url.set(database="")  # each test's own file: the same SQLite otherwise
    others = sorted((name, value) for name, value in options.items() if name != "url")  # the address is above
    return (type(engine.dialect), url.render_as_string(hide_password=False), repr(others))


def alike(dialect_class: type[Dialect]) -> type[Dialect]:
    """``dialect_class`` with dialects equal when made alike (``engine_kind``), so that a statement
    compiled by one is found in the cache by another (the cache's key holds the dialect)."""
    kind_class = _ALIKE.get(dialect_class)
    if kind_class is None:

        def equal(self: Any, other: object) -> bool:
            return self is other or (isinstance(other, kind_class) and self._made_alike == other._made_alike)

        kind_class = type(
            dialect_class.__name__,
            (dialect_class,),
            {
                "supports_statement_cache": True,  # the class it is made from does (checked below)
                "__eq__": equal,
                "__hash__": lambda self: hash(self._made_alike),
                "__module__": dialect_class.__module__,
            },
        )
        _ALIKE[dialect_class] = kind_class
    return kind_class


_ALIKE: dict[type[Dialect], type[Dialect]] = {}


@contextmanager
def share_compiled_statements() -> Iterator[None]:
    """While open, app engines made alike share one compiled statement cache, their dialects equal."""
    real = getattr(SQLAlchemy, "_make_engine", None)
    if real is None:
        yield
        return
    caches: dict[tuple[Any, ...], LRUCache[Any, Any]] = {}

    def make_engine(self: SQLAlchemy, bind_key: str | None, options: dict[str, Any], app: Any) -> sa.Engine:
        engine: sa.Engine = real(self, bind_key, options, app)
        dialect = engine.dialect
        cacheable = type(dialect).__dict__.get("supports_statement_cache") is True
        if not cacheable or not isinstance(getattr(engine, "_compiled_cache", None), LRUCache):
            return engine  # no cache (query_cache_size=0), or not the SQLAlchemy this expects
        kind = engine_kind(engine, options)
        dialect._made_alike = kind  # type: ignore[attr-defined]
        dialect.__class__ = alike(type(dialect))
        engine._compiled_cache = caches.setdefault(kind, LRUCache(SHARED_CACHE_SIZE))
        return engine

    SQLAlchemy._make_engine = make_engine  # type: ignore[method-assign]
    try:
        yield
    finally:
        SQLAlchemy._make_engine = real  # type: ignore[method-assign]
