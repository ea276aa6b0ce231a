"""Per-account sign-in lockout: failures for one email address, counted in the shared store.

Counted per email address typed, whether or not an account has it (so a lockout says
nothing about which addresses are real), in the rate-limit store (``RATELIMIT_STORAGE_URI``:
Redis, shared by every worker and server). An attempt is counted before its password is
checked (``begin_attempt``), so attempts sent at once cannot slip past. After the
``INBOX_LOCKOUT_AFTER``-th attempt without a success the address is locked for
``INBOX_LOCKOUT_MINUTES``; each further attempt (once the lock has passed) locks it for twice
as long as the last, up to ``INBOX_LOCKOUT_MAX_MINUTES``. Attempts are forgotten
``INBOX_LOCKOUT_WINDOW_HOURS`` after the first, or on a successful sign-in,
``flask facilitators unlock`` or ``reset-password``. While locked the password is not checked.
Keys hold an HMAC of the address, never the address itself.

A browser that has signed in to an account before (it sends the known-device token it was
given then: ``device_token``, ``known_device``) is counted on its own, under the address and its
token, not with everyone else: someone who knows a facilitator's email address and fails on
purpose locks out every other browser, never the facilitator's own (found: security review; it
kept the account locked for an hour with one attempt an hour). A stolen token gets no more
guesses than the address had (its own count, locked the same way). A token is bound to the
account's password as it was when the token was given (``stamp``: ``credential_stamp``, a keyed tag
of the stored password hash, which changes at every password change or reset): once the password
changes, a token given before no longer counts, so a browser that signed in while someone else
knew the password is counted with everyone else (OWASP: device cookies go with a password change).
Nothing is stored per token: the check is an HMAC made with ``SECRET_KEY``, so it holds across
processes and servers.

If the store stops answering, counting goes on in this process's memory (logged), so
sign-in keeps working and keeps some protection until the store is back; the store is tried
again after 1 s, 2 s, 4 s... up to ``STORE_RETRY_MAX_SECONDS``, not on every attempt (a hung store
cost each sign-in its timeout, a second by default).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from limits.storage import MemoryStorage, Storage, storage_from_string

LOCKOUT_KEY = "space_to_think.sign_in_lockout"
KEY_PREFIX = "space-to-think/sign-in"
MAX_DOUBLINGS = 20
# After the store fails, how long before it is tried again: doubling from 1 s to at most this
# (the site-wide limit's store is tried again the same way: app.rate_limits).
STORE_RETRY_MAX_SECONDS = 64

log = logging.getLogger(__name__)
T = TypeVar("T")


def normalise_email(text: str) -> str:
    """As the inbox stores addresses: trimmed, lower-case."""
    return text.strip().lower()


class StoreUnavailable(Exception):
    """The shared store (RATELIMIT_STORAGE_URI) did not answer; the message is the error's class name."""


class SignInLockout:
    """Failed sign-ins per email address, and the lock they lead to."""

    def __init__(
        self,
        storage: Storage,
        secret: str,
        *,
        after: int = 5,
        first_minutes: int = 1,
        max_minutes: int = 60,
        window_hours: int = 24,
    ) -> None:
        self.storage = storage
        self.fallback = MemoryStorage()
        self.secret = secret.encode("utf-8")
        self.after = after
        self.first_seconds = first_minutes * 60
        self.max_seconds = max(max_minutes, first_minutes) * 60
        self.window_seconds = window_hours * 3600
        self.store_failures = 0  # in a row: the store is tried again after 1 s, 2 s, 4 s...
        self.retry_at = 0.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SignInLockout:
        """The lockout for an app's settings (its store is the rate limits' store)."""
        uri = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
        options = dict(config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        storage = storage_from_string(uri, **options)
        if not isinstance(storage, Storage):
            raise ValueError(f"{uri.split(':', 1)[0]}: is an asynchronous store; use redis:// (or memory://)")
        return cls(
            storage,
            str(config.get("SECRET_KEY") or ""),
            after=int(config.get("INBOX_LOCKOUT_AFTER", 5)),
            first_minutes=int(config.get("INBOX_LOCKOUT_MINUTES", 1)),
            max_minutes=int(config.get("INBOX_LOCKOUT_MAX_MINUTES", 60)),
            window_hours=int(config.get("INBOX_LOCKOUT_WINDOW_HOURS", 24)),
        )

    @property
    def shared(self) -> bool:
        """Whether the counts are in a store other processes see (not this process's memory)."""
        return not isinstance(self.storage, MemoryStorage)

    def _tag(self, counted: str) -> str:
        return hmac.new(self.secret, counted.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def _keys(self, email: str, device: str | None = None, generation: int = 0) -> tuple[str, str]:
        counted = normalise_email(email) + (f"\n{device}\n{generation}" if device else "")
        tag = self._tag(counted)
        return f"{KEY_PREFIX}/failures/{tag}", f"{KEY_PREFIX}/locked/{tag}"

    def _generation_key(self, email: str) -> str:
        return f"{KEY_PREFIX}/generation/{self._tag(normalise_email(email))}"

    def _keys_in(self, storage: Storage, email: str, device: str | None) -> tuple[str, str]:
        """The keys counting this address (from ``device``): a device's are renewed each time the
        address's lock is lifted (``clear`` without a device), as nobody can list them to clear them."""
        generation = int(storage.get(self._generation_key(email))) if device else 0
        return self._keys(email, device, generation)

    def _device_mac(self, email: str, nonce: str, stamp: str) -> str:
        message = f"known-device\n{normalise_email(email)}\n{stamp}\n{nonce}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:32]

    def device_token(self, email: str, stamp: str = "") -> str:
        """A new known-device token for a browser that has just proved the password of this
        address's account, whose password is now ``stamp`` (its ``credential_stamp``)."""
        nonce = secrets.token_urlsafe(16)
        return f"{nonce}.{self._device_mac(email, nonce, stamp)}"

    def known_device(self, token: str | None, email: str, stamp: str = "") -> str | None:
        """The device a token given at an earlier sign-in with this address names, or None (no
        token, one made for another address, or before the account's password became ``stamp``,
        or one not made with this service's key)."""
        nonce, _, mac = (token or "").partition(".")
        if not (0 < len(nonce) <= 64 and nonce.isascii() and mac.isascii()):  # (a cookie can hold anything)
            return None
        return nonce if hmac.compare_digest(mac, self._device_mac(email, nonce, stamp)) else None

    def _run(self, operation: Callable[[Storage], T]) -> T:
        if self.store_failures and time.monotonic() < self.retry_at:
            return operation(self.fallback)  # the store failed a moment ago: not asked again yet
        try:
            result = operation(self.storage)
        except self.storage.base_exceptions as error:
            log.warning(
                "The rate-limit store (RATELIMIT_STORAGE_URI) did not answer (%s): counting sign-in "
                "failures in this process's memory until it does",
                type(error).__name__,
            )
            self.store_failures += 1
            self.retry_at = time.monotonic() + min(2 ** (self.store_failures - 1), STORE_RETRY_MAX_SECONDS)
            return operation(self.fallback)
        if self.store_failures:
            log.warning("The rate-limit store (RATELIMIT_STORAGE_URI) answers again: counting sign-in failures there.")
            self.store_failures = 0
        return result

    def seconds_locked(self, email: str, device: str | None = None) -> int:
        """How many seconds this address (for ``device``: tried from it) stays locked (0: not locked)."""
        return self._run(lambda storage: self._remaining(storage, self._keys_in(storage, email, device)[1]))

    @staticmethod
    def _remaining(storage: Storage, locked_key: str) -> int:
        if storage.get(locked_key) <= 0:
            return 0
        return max(1, math.ceil(storage.get_expiry(locked_key) - time.time()))

    def failures(self, email: str, device: str | None = None) -> int:
        """Sign-in attempts counted for this address (for ``device``: from it) now (a success clears them)."""
        return self._run(lambda storage: int(storage.get(self._keys_in(storage, email, device)[0])))

    def delay(self, attempt: int) -> int:
        """Seconds locked after the ``attempt``-th attempt (0 before ``after``), doubling to the maximum."""
        if attempt < self.after:
            return 0
        doubled: int = self.first_seconds * 2 ** min(attempt - self.after, MAX_DOUBLINGS)
        return min(doubled, self.max_seconds)

    def begin_attempt(self, email: str, device: str | None = None) -> int:
        """Claim the right to check a password for this address: 0 if granted, else seconds locked.
        From a known ``device`` (``known_device``), counted for the address from that device only.

        Every step is one atomic operation in the store, so attempts racing in on many
        workers and servers at once get no more password checks than one at a time would:
        the first ``after - 1`` attempts are free; each later one must find the address
        unlocked and be the one to lock it (for a period that doubles each time) before its
        password is checked. ``clear`` (a success) unlocks it.
        """

        def claim(storage: Storage) -> int:
            failures_key, locked_key = self._keys_in(storage, email, device)
            remaining = self._remaining(storage, locked_key)
            if remaining:
                return remaining
            attempt = int(storage.incr(failures_key, self.window_seconds))
            seconds = self.delay(attempt)
            if not seconds:
                return 0
            if int(storage.incr(locked_key, seconds)) == 1:  # a new key, expiring after ``seconds``: ours
                return 0
            return self._remaining(storage, locked_key)  # another attempt locked it first

        return self._run(claim)

    def clear(self, email: str, in_the_store_only: bool = False, device: str | None = None) -> int:
        """Forget this address's failures and lift its lock; how many failures there were. With
        ``device`` (a success from a known device), that device's only: a lock others' failures
        put on the address stays for everyone else (else each sign-in gave them more guesses).
        Without (a success elsewhere, or the commands that unlock an account), every device's too.

        ``in_the_store_only`` (the commands that unlock an account): raise ``StoreUnavailable``
        if the shared store does not answer, instead of clearing this process's own counts
        (which no web process sees), so the command can say that nothing was unlocked."""

        def forget(storage: Storage) -> int:
            failures_key, locked_key = self._keys_in(storage, email, device)
            count = int(storage.get(failures_key))
            storage.clear(failures_key)
            storage.clear(locked_key)
            if device is None:  # each device's count starts again (kept as long as any count lives)
                storage.incr(self._generation_key(email), self.window_seconds + self.max_seconds)
            return count

        if not in_the_store_only:
            return self._run(forget)
        try:
            return forget(self.storage)
        except self.storage.base_exceptions as error:
            raise StoreUnavailable(type(error).__name__) from None
