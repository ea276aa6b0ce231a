"""Request references that are easy to read out over the phone: ``STT-7KQ4-M9XA``.

Eight characters from an alphabet without 0/O, 1/I/L (they are confused when read aloud or
handwritten), in two groups of four. 31^8 is about 850 billion references; a collision is
still handled (the unique constraint refuses it and the service tries another).
"""

from __future__ import annotations

import re
import secrets

PREFIX = "STT"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUP = 4
GROUPS = 2
PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{{GROUP}}}-[{ALPHABET}]{{{GROUP}}}$")
# What a typed reference may have between its groups: spaces and any dash, the hyphen and the
# dashes a word processor or email program puts in its place (en and em dash, minus sign...).
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def new_reference() -> str:
    """A random reference, from ``secrets`` (not guessable from earlier ones)."""
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP)) for _ in range(GROUPS))
    return "-".join((PREFIX, *groups))


def normalise_reference(text: str) -> str:
    """A reference as someone might type it ("stt 7kq4m9xa") in its standard form."""
    compact = SEPARATORS.sub("", text).upper()
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    return f"{PREFIX}-{compact[:GROUP]}-{compact[GROUP:]}"


def is_reference(text: str) -> bool:
    """Whether ``text`` is a well-formed reference, and nothing more (``$`` alone also matches
    before a final line break: a request PDF's "STT-7KQ4-M9XA\\n" was imported as another request)."""
    return bool(PATTERN.fullmatch(text))
