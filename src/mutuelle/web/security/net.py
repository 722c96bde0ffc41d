"""The client's address, behind the proxies the operator trusts (``MUTUELLE_TRUSTED_PROXIES``).

``X-Forwarded-For`` is read only when the direct peer (``REMOTE_ADDR``) is a trusted proxy;
then the addresses are walked from the right (the nearest hop) and the first one that is not
a trusted proxy is the client. A visitor who sends their own ``X-Forwarded-For`` to a server
without a proxy, or through the proxy, can therefore never choose the address counted for
rate limits, login lockouts and the access log.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(s.strip(), strict=False) for s in spec if s.strip())


def _trusted(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.MUTUELLE_TRUSTED_PROXIES)))


def _valid(addr: str) -> str | None:
    try:
        return str(ipaddress.ip_address(addr.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client address (``""`` when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return _valid(remote) or ""
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        addr = _valid(hop)
        if addr is None:
            return _valid(remote) or ""  # a garbled header: count the proxy, never trust it
        if not _trusted(addr):
            return addr
    return _valid(remote) or ""


def axes_client_ip(request: HttpRequest) -> str:
    """For django-axes (``AXES_CLIENT_IP_CALLABLE``)."""
    return client_ip(request) or "0.0.0.0"
