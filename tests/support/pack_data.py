"""Helpers to find questions and options in inline pack data."""

from __future__ import annotations

from typing import Any

# How many ways through CONTENT.md's questions there are, both modes, counted by hand from its
# routing (each test that walks CONTENT.md checks its own count against it): per mode U1, U2, U2,
# 2 x (L, A, 2 x (R, R, 2 x (E, 2 x (D, S, 31 x (S, 2 x 3 P))))). Change it with CONTENT.md.
CONTENT_WAYS = 2 * (3 + 2 * (2 + 2 * (2 + 2 * (1 + 2 * (2 + 31 * 7)))))


def question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    """The question called ``question_id`` in pack data."""
    return next(q for q in data["questions"] if q["id"] == question_id)


def option(data: dict[str, Any], question_id: str, value: str) -> dict[str, Any]:
    """The option ``value`` of question ``question_id`` in pack data."""
    return next(o for o in question(data, question_id)["options"] if o["value"] == value)


def wellbeing_added_and_lived_experience_retired(data: dict[str, Any]) -> None:
    """The shipped pack's data changed as a rules maintainer did (rules maintainer's review): a
    question "Is this mainly about your own wellbeing?" before the criteria (Yes to S, No on to the
    criteria, wherever the criteria were asked from), and the criterion ``lived_experience`` taken out.
    (Found, newcomer's review: written as after "No" to a decision being needed, it broke when a
    question was added between the two.)"""
    at = next(i for i, q in enumerate(data["questions"]) if q["id"] == "criteria")
    data["questions"].insert(
        at,
        {
            "id": "wellbeing",
            "kind": "single",
            "title": {"both": "Is this mainly about your own wellbeing?"},
            "short": {"both": "Mainly about wellbeing"},
            "error": {"both": "Select whether this is mainly about your own wellbeing"},
            "cites": ["decisions"],
            "options": [
                {"value": "yes", "label": {"both": "Yes"}, "next": "S"},
                {"value": "no", "label": {"both": "No"}, "safe": True, "next": "criteria"},
            ],
        },
    )
    for asked in data["questions"]:
        if asked["id"] == "wellbeing":
            continue
        for routed in (asked, *asked.get("options", ())):
            if routed.get("next") == "criteria":
                routed["next"] = "wellbeing"
    criteria = question(data, "criteria")
    criteria["options"] = [o for o in criteria["options"] if o["value"] != "lived_experience"]
