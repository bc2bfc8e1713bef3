"""Posting limits per user and per client address, counted exactly in the database.

A sliding window per limit: the times of the comments let through in the last period,
kept per user and per address (one `PostingWindow` row each). A comment is refused when
either already holds the limit, and Retry-After says when the oldest leaves the window. So
no more than N pass in any period, even across a clock-minute boundary where a fixed
window would let 2N through. Refused attempts are not counted, so waiting as told always
works.

Atomic: the check and the write are one transaction that begins by locking the poster's
rows (an upsert, INSERT … ON CONFLICT DO UPDATE, which also locks a row it did not create;
on SQLite the transaction is IMMEDIATE, so writers take turns). Simultaneous posts by one
reader queue for the lock: against a limit of 5, exactly 5 of 20 pass. No cache holds any
of it, so nothing that fills or evicts a cache resets a limit.

Bounded: a row keeps at most MAX_ENTRIES entries of [time, count]. Only a limit above that
many per period (`make bench` runs with 1000000/m) fills them; then a new pass joins the
newest entry, which takes the new time: its passes are held a little longer than they
happened, so the limit errs only on the strict side, and a post stays three small queries
plus a prune. Each post deletes up to PRUNE_BATCH rows whose window has emptied, so rows of
idle posters do not pile up.

Addresses appear only as a keyed hash (HMAC with the secret key) in the rows' identities:
no raw IP is stored.
"""

import ipaddress
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .models import PostingWindow

MAX_ENTRIES = 100
PRUNE_BATCH = 100

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @property
    def unit(self) -> str:
        names = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}
        return names.get(self.period, f"{self.period} seconds")

    @property
    def description(self) -> str:
        return f"{self.limit} comment{'s' if self.limit != 1 else ''} a {self.unit}"


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


def _seconds_until_one_more(entries: list, rate: Rate, now: float) -> float:
    """Entries leave oldest first; one more passes once fewer than the limit remain."""
    remaining = sum(count for _, count in entries)
    for passed_at, count in entries:
        remaining -= count
        if remaining < rate.limit:
            return passed_at + rate.period - now
    return rate.period  # a limit of 0: nothing ever passes


def check_post_rate(request: HttpRequest) -> Verdict:
    """Let one comment through, counted for the user and the address, or refuse it."""
    rate = parse_rate(settings.COMMENTS_RATE_LIMIT)
    identities = [f"user:{request.user.pk}:{rate.period}"]
    ip_hash = hash_ip(client_ip(request))
    if ip_hash:
        identities.append(f"ip:{ip_hash}:{rate.period}")
    identities.sort()  # every poster locks rows in the same order, so no two deadlock
    with transaction.atomic():
        PostingWindow.objects.bulk_create(
            [PostingWindow(identity=identity, expires=0) for identity in identities],
            update_conflicts=True,
            unique_fields=["identity"],
            update_fields=["identity"],  # changes nothing; it is there to take the lock
        )
        windows = list(
            PostingWindow.objects.select_for_update()
            .filter(identity__in=identities)
            .order_by("identity")
        )
        now = time.time()  # read once the lock is ours: a waiter must not record the past
        for window in windows:
            window.entries = [entry for entry in window.entries if entry[0] > now - rate.period]
        waits = [
            _seconds_until_one_more(window.entries, rate, now)
            for window in windows
            if sum(count for _, count in window.entries) >= rate.limit
        ]
        if waits:
            return Verdict(False, max(1, math.ceil(max(waits))), rate)
        for window in windows:
            window.entries.append([now, 1])
            if len(window.entries) > MAX_ENTRIES:
                window.entries[-2:] = [[now, window.entries[-2][1] + 1]]
            window.expires = now + rate.period
        PostingWindow.objects.bulk_update(windows, ["entries", "expires"])
    _prune(now)
    return Verdict(True, rate=rate)


def check_new_draft_session(request: HttpRequest) -> Verdict:
    """Let one more signed-out visitor from this address start a session for a draft
    (COMMENTS_DRAFT_RATE_LIMIT), or refuse. Drafts are bounded per session; this bounds the
    sessions. A fixed window in the `default` cache (the database: never evicted early):
    `add` starts the count and `incr` adds one. Two requests at the same instant may both
    read the same count (the database cache's incr reads, then writes): near enough for a
    bound on stored text, which is all this is."""
    return check_address_rate(
        request, scope="draft-sessions", rate=parse_rate(settings.COMMENTS_DRAFT_RATE_LIMIT)
    )


def check_address_rate(request: HttpRequest, *, scope: str, rate: Rate) -> Verdict:
    """Count one more of `scope` for the client's address in a fixed window of the default
    cache, or refuse: see `check_new_draft_session`."""
    now = time.time()
    window = int(now // rate.period)
    key = f"{scope}:{hash_ip(client_ip(request))}:{rate.period}:{window}"
    cache.add(key, 0, rate.period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two: a new window
        cache.add(key, 1, rate.period)
        count = 1
    if count > rate.limit:
        return Verdict(False, max(1, math.ceil((window + 1) * rate.period - now)), rate)
    return Verdict(True, rate=rate)


def _prune(now: float) -> None:
    # Its own transaction, taking only rows no poster holds: it never waits on a poster,
    # so it can't deadlock with one, and a row a poster is using is never deleted under it.
    with transaction.atomic():
        emptied = (
            PostingWindow.objects.select_for_update(skip_locked=True)
            .filter(expires__lt=now)
            .values("pk")[:PRUNE_BATCH]
        )
        PostingWindow.objects.filter(pk__in=emptied).delete()
