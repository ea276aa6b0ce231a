"""Temporary files in memory: the tests' databases, logs and browser profiles.

SQLite waits for the disk at every commit (so does each server-side session save), and on
this shared machine that waiting, not the CPU, was much of the suite's time. When ``TMPDIR``
is not set and ``/dev/shm`` (a memory file system on Linux) is writable, the test run puts
its temporary directories there; pytest-xdist's workers and every server a test starts
inherit it. Set ``TMPDIR`` yourself to choose another place.
"""

from __future__ import annotations

import os
import tempfile

MEMORY_DIR = "/dev/shm"  # noqa: S108 — pytest and tempfile make private directories inside it


def use_memory_for_temporary_files() -> str | None:
    """Point ``TMPDIR`` (and Python's ``tempfile``) at ``/dev/shm`` unless ``TMPDIR`` is set;
    returns the directory chosen, or None if left alone."""
    if os.environ.get("TMPDIR") or not (os.path.isdir(MEMORY_DIR) and os.access(MEMORY_DIR, os.W_OK | os.X_OK)):
        return None
    os.environ["TMPDIR"] = MEMORY_DIR
    tempfile.tempdir = None  # gettempdir() looks again
    return MEMORY_DIR
