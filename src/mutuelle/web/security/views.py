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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "requête invalide (trop de champs ou de fichiers, ou mal formée)"},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    html = loader.get_template("security/400.html").render({})
    return HttpResponse(html, status=400)
