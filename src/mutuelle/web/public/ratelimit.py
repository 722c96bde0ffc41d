"""Rate limits of the public pages, the API, the PDF summary and the back-office login: a
sliding window per client, in the cache.

Sliding window counter: the count of the current fixed window plus the previous window's
count weighted by the part of it still inside the sliding window. A client cannot double its
rate across a window's edge (a fixed window accepted 120 requests in 3 s at a 60/min limit;
this one accepts at most the limit, plus at most one request of rounding, in any window).
Only atomic cache operations (``add``, ``incr``) are used, so concurrent processes sharing
Redis never lose a count.

The client is the address behind the trusted proxies (``MUTUELLE_TRUSTED_PROXIES``,
:func:`mutuelle.web.security.net.client_ip`): ``X-Forwarded-For`` counts only when the
direct peer is one of them, so visitors behind the proxy each get their own bucket and nobody
can pick theirs by sending the header.

Zero configuration: the default cache is this process's memory (each server process counts
on its own); with ``MUTUELLE_REDIS_URL`` the counts are shared by every process. Limits are the
setting ``MUTUELLE_RATE_LIMITS`` (``{"bucket": (requests, seconds)}``) times
``MUTUELLE_RATE_LIMIT_SCALE`` (0 turns them off).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from mutuelle.web.security.net import client_ip


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until a request would be allowed again (0 when allowed)


def limit_of(bucket: str) -> tuple[int, int] | None:
    requests, window = settings.MUTUELLE_RATE_LIMITS[bucket]
    scale = settings.MUTUELLE_RATE_LIMIT_SCALE
    if scale <= 0:
        return None
    return max(1, int(requests * scale)), window


def client_key(request: HttpRequest) -> str:
    # The address is hashed: the cache never holds an IP address in clear.
    addr = client_ip(request) or "inconnu"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{addr}".encode()).hexdigest()[:24]


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def hit(request: HttpRequest, bucket: str, now: float | None = None) -> Verdict:
    """Count one request of this client in ``bucket``; say whether it is allowed. A refused
    request is not counted (a client that keeps retrying is not locked out for longer)."""
    limit = limit_of(bucket)
    if limit is None:
        return Verdict(True, 0)
    requests, window = limit
    now = time.time() if now is None else now
    current = int(now // window)
    elapsed = (now - current * window) / window  # share of the current window gone by
    base = f"rl:{bucket}:{client_key(request)}"
    previous = int(cache.get(f"{base}:{current - 1}", 0))
    weight = previous * (1 - elapsed)
    count = _count(f"{base}:{current}", timeout=2 * window + 5)
    if weight + count <= requests:
        return Verdict(True, 0)
    cache.decr(f"{base}:{current}")  # refused: not counted
    # When does one more request fit? Allowed when previous·(1 − e) + in_window + 1 ≤ requests
    # (e: elapsed share of the window): later in this window as the previous window's weight
    # fades, or in the next window once this one's weight (then « previous ») has faded enough.
    in_window = count - 1
    if in_window + 1 <= requests and previous > 0:
        wait = (1 - (requests - in_window - 1) / previous - elapsed) * window
    else:
        share = 1 - (requests - 1) / max(in_window, 1)
        wait = (1 - elapsed + max(0.0, share)) * window
    return Verdict(False, max(1, min(2 * window, math.ceil(wait))))
