"""What counts as an email address: one pattern, for checking a typed address and for finding
addresses inside free text (the identifying-data check)."""

from __future__ import annotations

import re

# A local part of letters, digits and . + - ' _, an @, and a domain whose last label is at
# least two letters. The look-arounds let ``finditer`` find an address inside other text.
# The parts are bounded (a local part is at most 64 characters, a domain label 63), so the time
# to search a long text grows in step with its length, whatever the text.
EMAIL_ADDRESS = re.compile(r"(?<![\w.+\-])[\w.+\-']{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,16}\.[^\W\d_]{2,63}(?![\w])")
EMAIL_MAX = 254
# What mail servers take of the parts: a local part with no dot at its start or end and no two
# together, and a domain of host names' labels (letters, digits and hyphens, with no hyphen at
# either end). Found (security review): "a@-.com", "a@b-.com" were taken, and the person was told
# emails were on their way to an address no email can reach.
_LOCAL_PART = re.compile(r"[^.](?:.*[^.])?")
_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?")


def is_email_address(text: str) -> bool:
    """Whether ``text`` is an email address the service can send to, and nothing else: no
    spaces, invisible or control characters, and only ASCII (an address such as
    ``ålex@exämple.org`` needs a mail server that takes SMTPUTF8, which most do not, so mail
    to it would fail after the person was told it was on its way). Finding addresses inside
    free text (``EMAIL_ADDRESS``) still takes any letters."""
    if not has_address_shape(text):
        return False
    local, _, domain = text.rpartition("@")
    return (
        _LOCAL_PART.fullmatch(local) is not None
        and ".." not in local
        and all(_HOST_LABEL.fullmatch(label) for label in domain.split("."))
    )


def has_address_shape(text: str) -> bool:
    """Whether ``text`` is shaped like an email address (``is_email_address`` without its check
    of the parts mail servers refuse), as every address the service took before 6 December 2026
    was: what the inbox's search by work email takes, so a request stored with one such address
    can still be found (for a person asking for their data, or for it to be erased)."""
    return (
        len(text) <= EMAIL_MAX and text.isascii() and text.isprintable() and EMAIL_ADDRESS.fullmatch(text) is not None
    )
