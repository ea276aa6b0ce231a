"""URL rules compiled once per test process rather than once per app.

When an app registers its routes, Werkzeug compiles every URL rule (``Rule.compile``): it
parses the rule's text into parts, a trace and converters, and compiles two small Python
functions that build its URLs. Every test builds an app, with the same 52 rules, so this was
about 2% of the tests' time. What ``compile`` makes depends only on the rule's text, host or
subdomain, slash handling, defaults and the map's converters, so apps with the same routes can
share it: the parts, trace, converters and argument names are kept, the URL builders bound to
each new rule.
(The converters here keep a reference to the first map; Werkzeug's own converters use it only
when they are made.) If Werkzeug's internals are not what this expects, nothing is changed.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.routing import rules

_MADE_BY_COMPILE = ("_parts", "_trace", "_converters", "arguments")


@contextmanager
def remember_url_builders() -> Iterator[None]:
    """While open, rules with the same text, options and map converters share what ``compile`` makes."""
    real: Callable[..., Any] | None = getattr(rules.Rule, "compile", None)
    if real is None or list(inspect.signature(real).parameters) != ["self"]:
        yield
        return
    compiled: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def compile_rule(self: rules.Rule) -> None:
        assert self.map is not None, "rule not bound"
        defaults = tuple(sorted((str(name), repr(value)) for name, value in (self.defaults or {}).items()))
        converters = tuple(sorted((name, id(kind)) for name, kind in self.map.converters.items()))
        key = (
            self.rule,
            self.host,
            self.subdomain,
            self.map.host_matching,
            self.merge_slashes,
            defaults,
            converters,
        )
        kept = compiled.get(key)
        if kept is None:
            real(self)
            kept = (
                *(copy.copy(getattr(self, name)) for name in _MADE_BY_COMPILE),
                self._build.__func__,  # type: ignore[attr-defined]  # the function, unbound
                self._build_unknown.__func__,  # type: ignore[attr-defined]
            )
            compiled[key] = kept
            return
        parts, trace, converters_made, arguments, build, build_unknown = kept
        self._parts, self._trace, self._converters = list(parts), list(trace), dict(converters_made)
        self.arguments = set(arguments)  # the defaults' names and the rule's variables
        self._build = build.__get__(self, None)
        self._build_unknown = build_unknown.__get__(self, None)

    rules.Rule.compile = compile_rule  # type: ignore[method-assign]  # same signature, remembers
    try:
        yield
    finally:
        rules.Rule.compile = real  # type: ignore[method-assign]  # put back
