"""``field`` among many values, as one array parameter on PostgreSQL.

Django writes ``field__in=values`` as an ``IN`` list of one placeholder per value; with
thousands of values (a chunk's 5 000 claim lines, a collection's mandates) the driver's
client-side conversion and the server's parsing of that list cost more than the look-up. On
PostgreSQL ``= ANY(%s)`` sends the values as one array; elsewhere the plain ``IN``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import QuerySet


def among(qs: QuerySet[Any], field: str, values: Collection[Any]) -> QuerySet[Any]:
    """``qs`` filtered on ``field`` (a column of its model, or ``pk``) being one of ``values``."""
    values = list(values)
    if connection.vendor != "postgresql":
        return qs.filter(**{f"{field}__in": values})
    meta = qs.model._meta
    column = meta.pk.column if field == "pk" else meta.get_field(field).column
    return qs.extra(where=[f'"{meta.db_table}"."{column}" = ANY(%s)'], params=[values])
