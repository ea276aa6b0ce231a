"""The sessions' JSON (``app.sessions.SessionSerializer``, issue 13): the very same text as Flask's
tagged JSON both ways, for plain data (written without the tagging walk) and for data with
values Flask tags (tuples, bytes, datetimes, Markup, UUIDs, a dict whose one key is a tag's)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from markupsafe import Markup

from app.sessions import DatabaseSessionInterface, SessionSerializer

FLASKS = TaggedJSONSerializer()
OURS = SessionSerializer()

TAGGED: list[Any] = [
    (1, 2),
    {"a": (1, "b")},
    b"\x00bytes",
    Markup("<b>x</b>"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    dt.datetime(2026, 12, 8, 3, 0, tzinfo=dt.UTC),
    {" t": [1, 2]},
    {" di": {"x": 1}},
    {"nested": [{" b": "not bytes"}, {" u": 1, "other": 2}]},
    {"z": 1, "a": [True, False, None, 1.5, "é", "\u2028"]},
    [{"k": {" m": "<i>"}}],
    {"answers": {"mode": "practitioner", "criteria": ["stuck", "needs"]}, "n": 3},
    {},
    [],
    "",
    None,
]


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    """Data a session could hold: mostly plain, now and then a tuple or a tag's key."""
    choice = rng.random()
    if depth < 4 and choice < 0.3:
        keys = [rng.choice(["a", "b", " t", " di", "answers", "é", "z"]) for _ in range(rng.randint(0, 3))]
        return {key: _random_value(rng, depth + 1) for key in keys}
    if depth < 4 and choice < 0.45:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 4 and choice < 0.5:
        return tuple(_random_value(rng, depth + 1) for _ in range(rng.randint(0, 2)))
    return rng.choice(["yes", "", "<&>", 0, 7, -1.25, True, False, None, "\u00e9\u2603"])


def test_the_same_text_as_flasks_tagged_json_both_ways(app: Flask) -> None:
    """Written alike (with the app's JSON settings: sorted keys, ASCII), and what either writes is
    read alike by both (a dict whose one key is a tag's comes back as it was)."""
    rng = random.Random(13)
    values = TAGGED + [_random_value(rng) for _ in range(400)]
    with app.app_context():
        for value in values:
            text = OURS.dumps(value)
            assert text == FLASKS.dumps(value), value
            assert OURS.loads(text) == FLASKS.loads(text), text
            assert OURS.loads(text) == value or isinstance(value, float), text


def test_the_sessions_use_it(app: Flask) -> None:
    """The interface, a claim and the purge all write with it (``DatabaseSessionInterface.serializer``)."""
    assert isinstance(DatabaseSessionInterface.serializer, SessionSerializer)
    with app.app_context():
        # A tuple still comes back a tuple, a datetime a datetime (tagged as Flask tags them).
        held = {"when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "pair": (1, "x")}
        assert OURS.loads(OURS.dumps(held)) == held
