"""Incident numbers: a server error gets a short number, shown on the French error page and
written in the log line that holds its traceback, so that staff quoting « incident
E-20261201-7F3A2C » lead the administrator to the exact line of the log."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.utils import timezone


def new_incident() -> str:
    return f"E-{timezone.localtime():%Y%m%d}-{secrets.token_hex(3).upper()}"


def incident_of(request: Any) -> str:
    """The request's incident number (given at the first server error of that request)."""
    if request is None:
        return new_incident()
    number = getattr(request, "incident", None)
    if number is None:
        number = new_incident()
        request.incident = number
    return str(number)


def on_exception(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """``got_request_exception``: number the incident before the 500 page and the log."""
    if request is not None:
        incident_of(request)


class RequestContextFilter(logging.Filter):
    """Adds ``incident`` and ``client`` (the address behind the trusted proxies) to every
    record; ``-`` when the record has no request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.incident = getattr(request, "incident", "-") if request is not None else "-"
        if not hasattr(record, "client"):
            client = "-"
            if request is not None and hasattr(request, "META"):
                from mutuelle.web.security.net import client_ip

                client = client_ip(request) or "-"
            record.client = client
        return True
