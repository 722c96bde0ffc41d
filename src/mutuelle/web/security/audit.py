"""The access log's API, for every app that shows a person's data.

Call :func:`log_read` wherever a member's data is shown or handed out (a page, a download, an
export, a claim, a décompte); use :class:`AuditedAdminMixin` on a ``ModelAdmin`` whose change
page shows a person's data::

    from mutuelle.web.security.audit import AuditedAdminMixin, log_read
    log_read(request, claim)                               # a page showing one claim
    log_read(request, document, action=AccessAction.DOWNLOAD)
    log_many(request, adhesions, action=AccessAction.EXPORT, what="export CSV des adhésions")

Who: the logged-in account (``username`` is kept even if the account is later renamed);
when: the database's clock; what: the object (type, id, adhesion number, person id, label);
from where: the client address behind the trusted proxies (:mod:`mutuelle.web.security.net`).
A failing write of the log is an error of the page (never a silent read).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest, HttpResponse

from mutuelle.web.security.models import AccessAction, AccessLog
from mutuelle.web.security.net import client_ip

__all__ = ["AccessAction", "AuditedAdminMixin", "log_command", "log_many", "log_read"]


def _adhesion_number(obj: Any) -> str:
    from mutuelle.web.members.models import Adhesion

    if isinstance(obj, Adhesion):
        return obj.number
    adhesion = getattr(obj, "adhesion", None)
    return getattr(adhesion, "number", "") or ""


def _person_id(obj: Any) -> int | None:
    from mutuelle.web.members.models import Adhesion, Person

    if isinstance(obj, Person):
        return obj.pk  # type: ignore[no-any-return]
    if isinstance(obj, Adhesion):
        return obj.member_id  # type: ignore[no-any-return]
    pid = getattr(obj, "person_id", None)
    return int(pid) if pid is not None else None


def _label(obj: Any) -> str:
    meta = obj._meta
    number = _adhesion_number(obj)
    if meta.model_name == "adhesion":
        return f"adhésion {number}"
    base = f"{meta.verbose_name} n° {obj.pk}"
    return f"{base} (adhésion {number})" if number else base


def _row(request: HttpRequest, obj: models.Model, action: str, what: str) -> AccessLog:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return AccessLog(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "(anonyme)",
        action=action,
        subject_type=obj._meta.label_lower,
        subject_id=str(obj.pk),
        adhesion_number=_adhesion_number(obj)[:20],
        person_id=_person_id(obj),
        what=(what or _label(obj))[:200],
        path=request.get_full_path()[:300],
        client_ip=client_ip(request) or None,
    )


def log_read(
    request: HttpRequest, obj: models.Model, *, action: str = AccessAction.READ, what: str = ""
) -> AccessLog:
    """Record that this request showed ``obj`` (a member's data) to its user."""
    row = _row(request, obj, action, what)
    row.save()
    return row


def log_many(
    request: HttpRequest,
    objs: Iterable[models.Model],
    *,
    action: str = AccessAction.EXPORT,
    what: str = "",
) -> int:
    """One row per object (an export, a list of files handed out), written together."""
    rows = [_row(request, o, action, what) for o in objs]
    with transaction.atomic():
        AccessLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def log_command(objs: Iterable[models.Model], *, action: str, what: str, command: str) -> int:
    """The same rows for a command run on the server (no request): the account is the
    operating-system user, the page is the command line."""
    import getpass

    try:
        who = getpass.getuser()
    except Exception:  # no login name in this environment
        who = "inconnu"
    rows = [
        AccessLog(
            user=None,
            username=f"(commande) {who}"[:150],
            action=action,
            subject_type=o._meta.label_lower,
            subject_id=str(o.pk),
            adhesion_number=_adhesion_number(o)[:20],
            person_id=_person_id(o),
            what=(what or _label(o))[:200],
            path=command[:300],
            client_ip=None,
        )
        for o in objs
    ]
    with transaction.atomic():
        AccessLog.objects.bulk_create(rows)
    return len(rows)


class AuditedAdminMixin:
    """A ``ModelAdmin`` mixin: each opening of an object's page (change or view, GET or POST)
    and of its history adds a row to the access log, once the page is allowed (a 403 or a
    missing object logs nothing: nothing was shown)."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        request._audited_object = obj  # type: ignore[attr-defined]
        return obj

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response: HttpResponse = super().change_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context
        )
        self._audit(request, object_id, response)
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        response: HttpResponse = super().history_view(  # type: ignore[misc]
            request, object_id, extra_context
        )
        self._audit(request, object_id, response)
        return response

    def _audit(self, request: HttpRequest, object_id: str, response: HttpResponse) -> None:
        if response.status_code not in (200, 302):
            return
        if response.status_code == 302 and request.method != "POST":
            return  # a redirect without a page (object missing → admin index)
        obj = getattr(request, "_audited_object", None)
        if obj is None:
            obj = self.get_object(request, object_id)
        if obj is not None:
            log_read(request, obj)
