"""Under ``/api/``, every answer is JSON, errors included (issue 12, probe findings 6 and 7).

* A ``POST``/``PUT``/``PATCH`` whose body is not declared ``application/json`` is refused with
  HTTP 415 before any view runs: a browser sends a cross-origin form or ``text/plain`` POST
  without asking the site first (no CORS preflight), so refusing them closes that way of filing
  an adhesion request from another site.
* An error that Django or django-ninja answered in HTML or plain text (an unknown address,
  404; a method the endpoint does not take, 405, with its ``Allow`` header) is rewritten as the
  schema's ``{"error": …, "code": …}`` in French.

The body size is bounded before this, by
:class:`mutuelle.web.security.limits.RequestSizeMiddleware`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from mutuelle.web.api.errors import JSON_ONLY, error_response, is_json

PREFIX = "/api/"
_WORDS = {
    400: ("requête refusée", "input"),
    403: ("accès refusé", "forbidden"),
    404: ("adresse inconnue de l'API : voir /api/docs", "not_found"),
    405: ("méthode non acceptée à cette adresse", "method"),
}


class ApiJsonMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            result: HttpResponse = self.get_response(request)
            return result
        if request.method in ("POST", "PUT", "PATCH") and not is_json(
            request.META.get("CONTENT_TYPE", "")
        ):
            return error_response(415, JSON_ONLY, "media_type")
        response: HttpResponse = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            words = _WORDS.get(response.status_code)
            if words is None:
                words = (
                    ("requête refusée", "http")
                    if response.status_code < 500
                    else (
                        "erreur interne du service : réessayez plus tard",
                        "server",
                    )
                )
            allow = response.get("Allow")
            response = error_response(response.status_code, *words)
            if allow:
                response["Allow"] = allow
        return response
