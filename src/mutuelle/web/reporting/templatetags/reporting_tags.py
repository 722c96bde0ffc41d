"""The complaints panel of the back office's home page (a small work queue of its own), and
the ``readable`` filter of the committee's sources."""

from __future__ import annotations

from typing import Any

from django import template

from mutuelle.reporting.document import readable
from mutuelle.web.reporting import services

register = template.Library()

# A source as a committee reads it (no seed file names nor paths), as in the PDF.
register.filter("readable", readable)


@register.inclusion_tag("admin/reporting/_overdue.html", takes_context=True)
def complaints_panel(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("reporting.view_complaint"):
        return {"overdue": None, "hidden": True}
    return {"overdue": services.overdue_complaints(limit=10), "hidden": False}
