"""The back office's work queues on its home page (issue 8)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from mutuelle.web.members import services

register = template.Library()


@register.inclusion_tag("admin/members/_queues.html", takes_context=True)
def work_queues(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("members.view_adhesion"):
        return {"queues": None}
    return {"queues": services.work_queues(timezone.localdate())}
