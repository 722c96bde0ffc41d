"""Health probe and error pages.

``GET /sante/`` (outside the API): 200 ``{"status": "ok", "database": "ok"}`` when the
database answers, 503 otherwise — what a load balancer or a supervisor polls. The 500 page
(visitors and staff alike) is French and shows the incident number that the log line of the
traceback also carries.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from mutuelle.web.security.incidents import incident_of

log = logging.getLogger("mutuelle.security")


def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as c:
            c.execute("SELECT 1")
            c.fetchone()
    except Exception as exc:  # the probe reports, it never raises
        log.error("sonde /sante/ : base de données injoignable (%s)", type(exc).__name__)
        return JsonResponse({"status": "indisponible", "database": "injoignable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    incident = incident_of(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": f"erreur interne du service (incident {incident}) : réessayez plus tard"},
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
    # No context processors and no database: the error may come from there.
    html = loader.get_template("security/500.html").render({"incident": incident})
    return HttpResponse(html, status=500)


def _why(exception: Exception | None) -> str:
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        return f"corps de la requête trop volumineux ({limit} Kio au plus hors fichiers)"
    if isinstance(exception, TooManyFilesSent):
        return "trop de fichiers dans un envoi : un seul à la fois"
    if isinstance(exception, TooManyFieldsSent):
        return "trop de champs dans un envoi"
    return "requête mal formée"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's refusals before any view (too big, too many fields or files, bad host): in
    French, JSON under ``/api/``."""
    from django.core.exceptions import RequestDataTooBig

    why = _why(exception)
    if request.path.startswith("/api/"):
        too_big = isinstance(exception, RequestDataTooBig)  # a body sent without its length
        return JsonResponse(
            {"error": f"requête refusée : {why}", "code": "too_large" if too_big else "input"},
            status=413 if too_big else 400,
            json_dumps_params={"ensure_ascii": False},
        )
    html = loader.get_template("security/400.html").render({"why": why})
    return HttpResponse(html, status=400)
