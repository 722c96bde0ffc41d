"""Rate limits of the public pages and API: a fixed window per client address, in the cache.

Zero configuration: the default cache is this process's memory (each server process counts on
its own); with ``MUTUELLE_REDIS_URL`` the counts are shared by every process. Limits are the
setting ``MUTUELLE_RATE_LIMITS`` (``{"bucket": (requests, seconds)}``) times
``MUTUELLE_RATE_LIMIT_SCALE`` (0 turns them off).

The client address is ``REMOTE_ADDR``: behind a reverse proxy, the proxy must set it (or this
module must be taught the proxy's header) — otherwise every visitor shares the proxy's limit.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def limit_of(bucket: str) -> tuple[int, int] | None:
    requests, window = settings.MUTUELLE_RATE_LIMITS[bucket]
    scale = settings.MUTUELLE_RATE_LIMIT_SCALE
    if scale <= 0:
        return None
    return max(1, int(requests * scale)), window


def client_key(request: HttpRequest) -> str:
    # The address is hashed: the cache never holds an IP address in clear.
    addr = request.META.get("REMOTE_ADDR", "") or "inconnu"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{addr}".encode()).hexdigest()[:24]


def hit(request: HttpRequest, bucket: str) -> Verdict:
    """Count one request of this client in ``bucket``; say whether it is allowed."""
    limit = limit_of(bucket)
    if limit is None:
        return Verdict(True, 0)
    requests, window = limit
    now = int(time.time())
    start = now - now % window
    key = f"rl:{bucket}:{client_key(request)}:{start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return Verdict(count <= requests, start + window - now)
