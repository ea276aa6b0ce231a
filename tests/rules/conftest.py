"""Small inline rule packs for testing the engine and validator below HTTP."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.rules import RulePack, load_pack

TINY_PACK: dict[str, Any] = {
    "pack": {"name": "Tiny", "owner": "Tests", "review_date": "2030-01-01", "start": "mode"},
    "roles": {"criteria_question": "reasons", "debrief_criterion": "a"},
    "guidance": [
        {"id": "g1", "source": "Source one", "text": "Guidance one."},
        {"id": "g2", "source": "Source two", "text": "Guidance two."},
    ],
    "flags": [{"id": "review", "label": "A review is under way"}],
    "questions": [
        {
            "id": "mode",
            "kind": "single",
            "title": {"both": "Who?"},
            "error": {"both": "Select who"},
            "cites": ["g1"],
            "options": [
                {"value": "me", "label": {"both": "Me"}, "mode": "practitioner", "next": "danger"},
                {"value": "super", "label": {"both": "Supervisor"}, "mode": "supervision", "next": "danger"},
            ],
        },
        {
            "id": "danger",
            "kind": "single",
            "risk": True,
            "title": {"practitioner": "Are you worried?", "supervision": "Is the practitioner worried?"},
            "error": {
                "practitioner": "Select whether you are worried",
                "supervision": "Select whether the practitioner is worried",
            },
            "cites": ["g1"],
            "options": [
                {"value": "yes", "label": {"both": "Yes"}, "next": "urgent"},
                {"value": "unsure", "label": {"both": "Not sure"}, "unsure": True, "next": "urgent"},
                {"value": "no", "label": {"both": "No"}, "safe": True, "next": "reasons"},
                {
                    "value": "reviewed",
                    "label": {"both": "No, reviewed"},
                    "safe": True,
                    "flags": ["review"],
                    "cites": ["g2"],
                    "next": "reasons",
                },
            ],
        },
        {
            "id": "reasons",
            "kind": "multiple",
            "title": {"both": "Why?"},
            "error": {"both": "Select why"},
            "exclusive_error": {"both": "Select why, or 'None of these' on its own"},
            "next": "sure",
            "cites": ["g2"],
            "options": [
                {"value": "a", "label": {"both": "Reason A"}},
                {"value": "b", "label": {"both": "Reason B"}},
                {"value": "none", "label": {"both": "None of these"}, "exclusive": True, "next": "elsewhere"},
            ],
        },
        {
            "id": "sure",
            "kind": "confirm",
            "title": {"both": "Confirm"},
            "error": {"both": "Confirm"},
            "cites": ["g2"],
            "options": [
                {"value": "ok", "label": {"both": "I understand"}, "next": "session"},
            ],
        },
    ],
    "outcomes": [
        {
            "id": "urgent",
            "title": {"both": "Act now"},
            "summary": {"both": "Act now."},
            "actions": [{"both": "Call"}],
            "cites": ["g1"],
            "contacts": ["police_emergency"],
        },
        {
            "id": "elsewhere",
            "title": {"both": "Elsewhere"},
            "summary": {"both": "Go elsewhere."},
            "actions": [{"both": "Go"}],
            "cites": ["g2"],
            # (Not the police: an outcome that says to ring 999 first is for a risk answer alone.)
            "contacts": ["procedures"],
        },
        {
            "id": "session",
            "title": {"both": "Session"},
            "summary": {"both": "Ask."},
            "actions": [{"both": "Ask"}],
            "cites": ["g2"],
            "contacts": ["procedures"],
            "request": True,
        },
    ],
}


@pytest.fixture
def pack_data() -> dict[str, Any]:
    """A fresh, valid tiny pack as plain data, to change per test."""
    return copy.deepcopy(TINY_PACK)


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[[Any], Path]:
    """Write pack data (or raw YAML text) to a file and return its path."""

    def write(data: Any, name: str = "pack.yaml") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def tiny_pack(pack_data: dict[str, Any], write_pack: Callable[[Any], Path]) -> RulePack:
    """The tiny pack, loaded and validated."""
    return load_pack(write_pack(pack_data))
