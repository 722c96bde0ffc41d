"""The context of the write history (who, which page) — PostgreSQL only.

django-pghistory's middleware attaches the user and the URL to every row its triggers write,
by injecting SQL around each statement; that injection needs PostgreSQL (on SQLite it fails:
the SQLite cursor has no ``nextset``). On SQLite, where pgtrigger installs no trigger anyway,
this middleware does nothing: the write history is PostgreSQL's, the event history of the
acts (``members.Event``, append-only on both) is every backend's (README, « Journal des
écritures »).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from pghistory.middleware import HistoryMiddleware as _PgHistoryMiddleware


class HistoryMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.pghistory = _PgHistoryMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if connection.vendor == "postgresql":
            response: HttpResponse = self.pghistory(request)
            return response
        result: HttpResponse = self.get_response(request)
        return result
