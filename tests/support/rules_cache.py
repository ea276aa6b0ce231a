"""The rule pack, contacts and partnership files, read once per test process rather than
once per app.

Every test builds its own app, and each app reads and checks the YAML files at start-up
(about 12 ms of CPU). ``remember_checked_rules`` wraps the start-up's ``check_rules`` so that
the same files, with the same bytes, on the same day, give the report already made. A test
that writes its own file (another path, or other bytes) gets it read and checked afresh, and
a broken file still stops start-up the same way. The report holds frozen dataclasses, so
sharing it between apps is safe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _fingerprint(value: Any) -> Any:
    """A file path as (path, hash of its bytes); any other argument (a date, None) as it is."""
    if not isinstance(value, (str, Path)):
        return value
    try:
        return str(value), hashlib.sha256(Path(value).read_bytes()).hexdigest()
    except OSError:
        return str(value), "(unreadable)"


def remembering(check_rules: Callable[..., Any]) -> Callable[..., Any]:
    """``check_rules`` with its reports kept, keyed by the files' paths and bytes and the day."""
    reports: dict[tuple[Any, ...], Any] = {}

    def check(*args: Any, **kwargs: Any) -> Any:
        key = (
            tuple(_fingerprint(value) for value in args),
            tuple(sorted((name, _fingerprint(value)) for name, value in kwargs.items())),
        )
        if key not in reports:
            reports[key] = check_rules(*args, **kwargs)
        return reports[key]

    return check


@contextmanager
def remember_checked_rules() -> Iterator[None]:
    """While open, apps made by ``create_app`` share the reports on identical rule files."""
    from app import pack

    real = pack.check_rules
    pack.check_rules = remembering(real)  # type: ignore[assignment]  # same signature, remembers
    try:
        yield
    finally:
        pack.check_rules = real  # type: ignore[assignment]  # put back
