"""Patterns in the partnership's wording: the markup the rule files and the partnership file may not
hold, since every page shows their text as typed (escaped), never as HTML or Markdown; and words
looked for in it (``words_pattern``). Shared by the rule pack's checks (``validate``) and the
partnership file's (``partnership``)."""

from __future__ import annotations

import re

# What someone may type for emphasis or a link, which every page shows as typed: an HTML tag or
# entity, or Markdown's bold and links. Not an email or web address in angle brackets, as mail
# programs write one ("<sscp@salford.gov.uk>"): found (review), an email signature giving the
# team's address so was refused as HTML.
_ADDRESS_IN_BRACKETS = r"<\s*(?:[\w.+'-]+@[\w-]+(?:\.[\w-]+)+|(?i:https?://)[^\s<>]+)\s*>"
MARKUP = re.compile(
    rf"(?!{_ADDRESS_IN_BRACKETS})<\s*/?\s*[A-Za-z][^<>]*>"
    r"|&[A-Za-z]+;|&#\d+;|\*\*[^*]+\*\*|__[^_]+__|\[[^\]]+\]\([^)]*\)"
)


def words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``words``, as a whole word (its case as written)."""
    return re.compile(r"\b(" + "|".join(re.escape(word) for word in words) + r")\b")
