"""Posting limits per user and per client address, counted in the shared cache.

A sliding window per limit, kept as N slots (N is the limit): an attempt takes the first
free slot with `cache.add`, which is atomic, and the slot frees itself one period later. An
attempt with no free slot is refused. So no more than N attempts pass in any period, even
across a clock-minute boundary where a fixed window would let 2N through. The slots live in
Django's default cache (Redis, or the database cache when no Redis is configured), never in
one process's memory, so the limit holds across workers and machines. Addresses appear only
as a keyed hash (HMAC with the secret key) in cache keys and rows: no raw IP is stored.
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
    retry_after: int = 0  # seconds until a slot frees
    rate: Rate | None = None


def _take_slot(scope: str, identity: str, rate: Rate, now: float) -> int:
    """Take a free slot and return 0, or return the seconds until the first slot frees."""
    keys = [f"comments:throttle:{scope}:{identity}:{rate.period}:{n}" for n in range(rate.limit)]
    for key in keys:
        # The value is when the slot frees, for Retry-After.
        if cache.add(key, now + rate.period, timeout=rate.period):
            return 0
    frees_at = min(cache.get_many(keys).values(), default=now)
    return max(1, math.ceil(frees_at - now))


def check_post_rate(request: HttpRequest) -> Verdict:
    """Count one posting attempt for the user and for the address; refuse past either limit."""
    rate = parse_rate(settings.COMMENTS_RATE_LIMIT)
    now = time.time()
    identities = [("user", str(request.user.pk))]
    ip_hash = hash_ip(client_ip(request))
    if ip_hash:
        identities.append(("ip", ip_hash))
    refused = [wait for wait in (_take_slot(s, i, rate, now) for s, i in identities) if wait]
    if refused:
        return Verdict(False, max(refused), rate)
    return Verdict(True, rate=rate)
