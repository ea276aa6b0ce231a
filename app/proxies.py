"""Who sent a request, when the app sits behind reverse proxies (``TRUSTED_PROXIES``).

A visitor can put anything in ``X-Forwarded-For``, so the header is believed only when the
direct peer is one of our own proxies. ``TRUSTED_PROXIES`` is either

- a list of proxy addresses or networks (``127.0.0.1,10.0.0.0/8``): the headers are used only
  when the request comes straight from one of them; the visitor is the nearest address in
  ``X-Forwarded-For`` that is not itself a trusted proxy. Reached directly, the app uses the
  peer's own address whatever the headers say; or
- a count of proxies (``1``): the headers are always believed, as Werkzeug's ``ProxyFix`` does.
  Only safe when nothing but the proxies can reach the app.

``X-Forwarded-Proto`` and ``X-Forwarded-Host`` are taken from the nearest proxy (their last
value), so HTTPS and the public host name are recognised behind it.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
log = logging.getLogger(__name__)
# An IPv6 visitor is counted by the /64 network its address is in: that is the smallest block
# an internet provider gives one home, phone or server, and the machine chooses the rest itself
# (privacy addresses change every day, and a server can use any of its 2**64 at will).
IPV6_VISITOR_PREFIX = 64


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def visitor_network(address: str | None = None) -> str:
    """Who a request counts as for the per-address rate limits, before it is made a pseudonym
    (``visitor_key``): its IPv4 address as it is, or the /64 network of its IPv6 address
    ("2001:db8:1:2::/64").

    Counted by whole address (security review), anyone given an IPv6 /64, as every home
    connection and server is, had 2**64 addresses to send from, each with limits of its own: the
    sign-in, request and supervision record limits and the site-wide one were no limit at all.
    ``address`` defaults to the request's (``request.remote_addr``, the visitor's as a trusted
    proxy names them)."""
    text = (request.remote_addr if address is None else address) or "127.0.0.1"
    parsed = _address(text)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, IPV6_VISITOR_PREFIX), strict=False))
    return str(parsed) if parsed is not None else text


# Keeps the visitor pseudonyms apart from anything else made with SECRET_KEY (the sign-in
# lockout's keys, the session's signature): the same secret gives an unrelated key for each use.
VISITOR_KEY_PURPOSE = b"space-to-think/rate-limit-visitor"
# 128 bits: far too many for two visitors to share a count by chance, and a short Redis key.
VISITOR_KEY_LENGTH = 32


@lru_cache(maxsize=8)
def _visitor_secret(secret: str) -> bytes:
    """The key the visitor pseudonyms are made with, derived from ``SECRET_KEY`` (worked out once
    per secret: the start page for new visitors counts each one without Flask, and quickly)."""
    return hmac.digest(secret.encode("utf-8"), VISITOR_KEY_PURPOSE, "sha256")


def visitor_key(address: str | None = None, secret: str | None = None) -> str:
    """What the rate limits count a request under: a pseudonym of its ``visitor_network``, never
    the address itself.

    An internet address is personal data, and the counts (in Redis, shared by every worker and
    server) need only tell visitors apart. The pseudonym is a keyed hash (HMAC-SHA-256) made with
    a key derived from ``SECRET_KEY``, so every worker and server of one deployment counts a
    visitor under the same one, while nobody without the secret can find the address again by
    hashing all 2**32 IPv4 addresses in turn. ``secret`` defaults to the current app's
    ``SECRET_KEY`` (given by the start page's middleware, which runs outside Flask)."""
    if secret is None:
        secret = str(current_app.config.get("SECRET_KEY") or "")
    network = visitor_network(address).encode("utf-8")
    # Named by its name, hmac.digest makes it in one call into OpenSSL (half the time of hashlib's function).
    return hmac.digest(_visitor_secret(secret), network, "sha256").hex()[:VISITOR_KEY_LENGTH]


class TrustedProxies:
    """WSGI middleware: believe forwarding headers only from the listed proxy networks."""

    def __init__(self, app: WSGIApplication, networks: Iterable[str]) -> None:
        self.app = app
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(n, strict=False) for n in networks)
        # One ProxyFix per number of hops to believe (a request names its own chain).
        self._fixers: dict[int, ProxyFix] = {}

    def trusted(self, text: str) -> bool:
        """Whether ``text`` is the address of one of our proxies."""
        address = _address(text)
        return address is not None and any(address in network for network in self.networks)

    def hops(self, environ: WSGIEnvironment) -> int:
        """How many ``X-Forwarded-For`` entries, from the right, our proxies vouch for (0: none)."""
        if not self.trusted(environ.get("REMOTE_ADDR", "")):
            return 0
        forwarded = [part.strip() for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        hops = 0
        for entry in reversed(forwarded):
            hops += 1
            if not self.trusted(entry):
                break  # the first address our proxies did not add themselves: the visitor
        return hops

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        hops = self.hops(environ)
        if not hops:
            if self.trusted(environ.get("REMOTE_ADDR", "")):  # our proxy, with no visitor named: still its scheme/host
                return self._fixer(0)(environ, start_response)
            return self.app(environ, start_response)
        return self._fixer(hops)(environ, start_response)

    def _fixer(self, hops: int) -> ProxyFix:
        fixer = self._fixers.get(hops)
        if fixer is None:
            fixer = self._fixers[hops] = ProxyFix(self.app, x_for=hops, x_proto=1, x_host=1)
        return fixer


def parse(setting: int | str | tuple[str, ...] | list[str] | None) -> int | tuple[str, ...]:
    """``TRUSTED_PROXIES`` as a count or a tuple of networks; ValueError saying what is wrong."""
    if setting is None:
        return 0
    if isinstance(setting, int):
        if setting < 0:
            raise ValueError(f"must be 0 or more, but it is {setting}.")
        return setting
    if isinstance(setting, str):
        text = setting.strip()
        if text.isdigit():
            return int(text)
        setting = text.split(",")
    networks = tuple(part.strip() for part in setting if part.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ValueError(
                f"must be a number of proxies or a list of proxy addresses or networks like "
                f"'127.0.0.1,10.0.0.0/8', but {network!r} is not an address or network."
            ) from None
        if ipaddress.ip_network(network, strict=False).prefixlen == 0:
            # Found (operator review): every address would be a trusted proxy, so anyone could name
            # their own address in X-Forwarded-For and count as someone new for every rate limit.
            raise ValueError(
                f"must list the reverse proxy's own address (127.0.0.1 for nginx on the same server), not "
                f"{network!r}, which trusts every address: anyone could then choose the address the rate "
                f"limits count."
            )
    return networks


class UnnamedProxyWarning:
    """WSGI middleware for production with no ``TRUSTED_PROXIES``: forwarding headers are ignored,
    as they must be, but a request carrying ``X-Forwarded-For`` most likely came through a proxy
    (nginx) the settings do not name. Then every visitor counts as that proxy's address for the
    rate limits: 10 requests an hour and 5 sign-ins a minute for the whole site (operations
    review: production started without a word). Said once in the log, naming the setting, never
    the address the request came from."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.warned = False

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not self.warned and environ.get("HTTP_X_FORWARDED_FOR"):
            self.warned = True
            # No address is named: the request may have come from a visitor who reached the app
            # directly (anyone can send the header), and the logs hold no visitor's address (privacy
            # review: it named REMOTE_ADDR). The setting to mend, and where its value is found, are.
            log.warning(
                "A request carried X-Forwarded-For, but TRUSTED_PROXIES is not set. If the app is "
                "behind a proxy (nginx), every visitor counts as the proxy's one address for the rate limits: "
                "set TRUSTED_PROXIES to the proxy's own address (127.0.0.1 for nginx on the same server; "
                "else the address the proxy connects to the app from, in the proxy's own settings) "
                "and restart. (Said once by each worker.)"
            )
        return self.app(environ, start_response)


def wrap(app: Any, setting: int | str | tuple[str, ...] | list[str] | None, production: bool = False) -> Any:
    """``app`` (a WSGI app) behind the proxy handling ``TRUSTED_PROXIES`` asks for (in
    production with none, ``UnnamedProxyWarning``)."""
    parsed = parse(setting)
    if isinstance(parsed, int):
        if parsed:
            return ProxyFix(app, x_for=parsed, x_proto=parsed, x_host=parsed)
        return UnnamedProxyWarning(app) if production else app
    return TrustedProxies(app, parsed) if parsed else app
