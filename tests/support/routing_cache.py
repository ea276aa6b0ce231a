"""URL builders compiled once per test process rather than once per app.

Werkzeug compiles two small Python functions for every URL rule when an app registers its
routes (``Rule._compile_builder``: about 7 ms of CPU per app here), and every test builds an
app. The functions depend only on the rule's text, its parsed parts and its defaults (they
look up the rule's converters when called), so apps with the same routes can share them.
If Werkzeug's internals are not what this expects, nothing is changed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.routing import rules


@contextmanager
def remember_url_builders() -> Iterator[None]:
    """While open, rules with the same text, parts and defaults share compiled builders."""
    real: Callable[..., Any] | None = getattr(rules.Rule, "_compile_builder", None)
    if real is None or list(inspect.signature(real).parameters) != ["self", "append_unknown"]:
        yield
        return
    builders: dict[tuple[Any, ...], Any] = {}

    def compile_builder(self: rules.Rule, append_unknown: bool = True) -> Any:
        defaults = tuple(sorted((str(name), repr(value)) for name, value in (self.defaults or {}).items()))
        key = (self.rule, self.host, self.subdomain, tuple(self._trace), defaults, append_unknown)
        if key not in builders:
            builders[key] = real(self, append_unknown)
        return builders[key]

    rules.Rule._compile_builder = compile_builder  # type: ignore[method-assign]  # same signature, remembers
    try:
        yield
    finally:
        rules.Rule._compile_builder = real  # type: ignore[method-assign]  # put back
