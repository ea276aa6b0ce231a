"""Helpers to find questions and options in inline pack data."""

from __future__ import annotations

from typing import Any


def question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    """The question called ``question_id`` in pack data."""
    return next(q for q in data["questions"] if q["id"] == question_id)


def option(data: dict[str, Any], question_id: str, value: str) -> dict[str, Any]:
    """The option ``value`` of question ``question_id`` in pack data."""
    return next(o for o in question(data, question_id)["options"] if o["value"] == value)
