"""The rule pack and contacts, read once per test process rather than once per app.

Every test builds its own app, and each app reads and checks both YAML files at start-up
(about 12 ms of CPU). ``remember_checked_rules`` wraps the start-up's ``check_rules`` so that
the same files, with the same bytes, on the same day, give the report already made. A test
that writes its own pack (another path, or other bytes) gets it read and checked afresh, and
a broken file still stops start-up the same way. The report holds frozen dataclasses, so
sharing it between apps is safe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _fingerprint(path: str | Path | None) -> tuple[str, str] | None:
    if path is None:
        return None
    try:
        return str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return str(path), "(unreadable)"


def remembering(check_rules: Callable[..., Any]) -> Callable[..., Any]:
    """``check_rules`` with its reports kept, keyed by both files' paths and bytes and the day."""
    reports: dict[tuple[Any, ...], Any] = {}

    def check(pack_path: Any = None, contacts_path: Any = None, today: dt.date | None = None) -> Any:
        key = (_fingerprint(pack_path), _fingerprint(contacts_path), today)
        if key not in reports:
            reports[key] = check_rules(pack_path, contacts_path, today)
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
