"""Posting limits per user and per client address, counted in the shared cache.

A sliding window per limit: the times of the comments let through in the last period,
kept per user and per address. A comment is refused when either already holds the limit,
and Retry-After says when the oldest leaves the window. So no more than N pass in any
period, even across a clock-minute boundary where a fixed window would let 2N through.
Refused attempts are not counted, so waiting as told always works. Reading and writing a
window are two steps (Django's cache has no compare-and-set): two requests of the same
reader in the same instant can both pass, one more than the limit, which the duplicate
check (comments.services) backs up.

The windows live in Django's default cache (Redis, or the database cache when no Redis is
configured), never in one process's memory, so the limit holds across workers and
machines. Addresses appear only as a keyed hash (HMAC with the secret key) in cache keys
and rows: no raw IP is stored.
"""

import ipaddress
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @property
    def description(self) -> str:
        names = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}
        unit = names.get(self.period, f"{self.period} seconds")
        return f"{self.limit} comment{'s' if self.limit != 1 else ''} a {unit}"


def parse_rate(rate: str) -> Rate:
    """ "5/m" → 5 per 60 seconds; "10/5m" → 10 per 300 seconds."""
    match = _RATE.match(rate or "")
    if not match:
        raise ValueError(f"Not a rate: {rate!r} (expected e.g. '5/m' or '10/5m').")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * _UNITS[unit])


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the entry they added.

    Uses ALLAUTH_TRUSTED_PROXY_COUNT (the accounts settings), so sign-in and comment limits
    agree on who the client is. IPv6 clients are grouped by /64, as one host usually has a
    whole /64 to rotate through.
    """
    ip = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("x-forwarded-for", "")
    if hops > 0 and forwarded:
        entries = [entry.strip() for entry in forwarded.split(",")]
        if len(entries) >= hops:
            ip = entries[-hops]
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    return str(address)


def hash_ip(ip: str) -> str:
    return salted_hmac("comments.client-ip", ip, algorithm="sha256").hexdigest() if ip else ""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the limit lets one more through
    rate: Rate | None = None


def check_post_rate(request: HttpRequest) -> Verdict:
    """Let one comment through, counted for the user and the address, or refuse it."""
    rate = parse_rate(settings.COMMENTS_RATE_LIMIT)
    now = time.time()
    identities = [("user", str(request.user.pk))]
    ip_hash = hash_ip(client_ip(request))
    if ip_hash:
        identities.append(("ip", ip_hash))
    keys = [f"comments:throttle:{scope}:{who}:{rate.period}" for scope, who in identities]
    stored = cache.get_many(keys)
    windows = {key: [t for t in stored.get(key, ()) if t > now - rate.period] for key in keys}
    full = [window for window in windows.values() if len(window) >= rate.limit]
    if full:
        oldest_leaves = max(window[-rate.limit] + rate.period for window in full)
        return Verdict(False, max(1, math.ceil(oldest_leaves - now)), rate)
    cache.set_many({key: [*window, now] for key, window in windows.items()}, rate.period + 1)
    return Verdict(True, rate=rate)
