"""The arguments for pytest, with the test paths given next to each other by folder.

Used by ``scripts/test``: with pytest 9.1, a file of ``tests/`` given between two of
``tests/rules/`` (or of ``tests/browser/``) leaves the second without its folder's
``conftest.py`` fixtures ("fixture 'pack_data' not found": pytest issue 14997). Only the paths
move, into the places paths were given, each folder's in the order given; an option's value
that may be a path (``--deselect tests/x.py::y``) stays where it is. Written to standard output
separated by NUL characters (a path may hold a space).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

# Options that take the next argument as their value (a path, or "-k tests": found, regression
# review), which stays where it is.
TAKES_A_VALUE = frozenset(
    {
        *("--deselect", "--ignore", "--ignore-glob", "--basetemp", "--rootdir", "-c", "--confcutdir"),
        *("-k", "-m", "-p", "-o", "-W", "--junitxml", "--log-file", "--override-ini", "--pythonwarnings"),
    }
)


def folder(path: str) -> str:
    """The folder a test path is in ("tests/rules" for tests/rules/test_x.py::test_y); a folder's own."""
    path = os.path.normpath(path.split("::")[0])
    return path if os.path.isdir(path) else os.path.dirname(path)


def is_a_test_path(argument: str) -> bool:
    """Whether ``argument`` names a file or folder of tests/ that exists ("./tests/x.py::y" too):
    not an option's value such as ``-k "tests or partnership"`` (found, regression review)."""
    path = os.path.normpath(argument.split("::")[0])
    return (path == "tests" or path.startswith("tests" + os.sep)) and os.path.exists(path)


def by_folder(given: Sequence[str]) -> list[str]:
    """``given`` with its test paths grouped by folder, stably."""
    arguments = list(given)
    places = [
        index
        for index, argument in enumerate(arguments)
        if is_a_test_path(argument) and (index == 0 or arguments[index - 1] not in TAKES_A_VALUE)
    ]
    for index, path in zip(places, sorted((arguments[index] for index in places), key=folder), strict=True):
        arguments[index] = path
    return arguments


if __name__ == "__main__":
    sys.stdout.write("".join(f"{argument}\0" for argument in by_folder(sys.argv[1:])))
