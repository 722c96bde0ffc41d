"""The API's errors: HTTP 400 ``{"error": "…", "code": "…"}`` in French (``fields`` beside
it for the adhesion request), never a traceback; HTTP 429 with ``Retry-After`` over the rate
limit. A refusal of a core keeps its machine-readable code (:class:`mutuelle.refusal.Code`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from mutuelle.refusal import Refusal
from mutuelle.web.public import ratelimit


class Limited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class BadInput(Exception):
    def __init__(
        self,
        message: str,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.code = code

    @classmethod
    def of(cls, exc: Exception) -> BadInput:
        """A core's refusal (its message, source and code), or another error's words."""
        if isinstance(exc, Refusal):
            return cls(str(exc), code=exc.code.value)
        return cls(str(exc))


def limit(request: HttpRequest, bucket: str) -> None:
    v = ratelimit.hit(request, bucket)
    if not v.allowed:
        raise Limited(v.retry_after)


def install(api: NinjaAPI) -> None:
    """The exception handlers of ``api``."""

    @api.exception_handler(Limited)
    def _limited(request: HttpRequest, exc: Limited) -> HttpResponse:
        response = api.create_response(
            request,
            {"error": f"trop de demandes : réessayer dans {exc.retry_after} s"},
            status=429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(BadInput)
    def _bad_input(request: HttpRequest, exc: BadInput) -> HttpResponse:
        body: dict[str, Any] = {"error": exc.message}
        if exc.code:
            body["code"] = exc.code
        if exc.fields:
            body["fields"] = exc.fields
        return api.create_response(request, body, status=400)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = []
        for e in exc.errors[:8]:
            loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "payload"))
            details.append(f"{loc or 'corps'} : {french(e)}")
        return api.create_response(
            request,
            {"error": "entrée invalide — " + "; ".join(details), "code": "input"},
            status=400,
        )


def french(e: dict[str, Any]) -> str:
    kind = str(e.get("type", ""))
    if kind == "missing":
        return "champ obligatoire absent"
    if kind == "extra_forbidden":
        return "champ inconnu"
    if kind.startswith("date"):
        return "date invalide (attendu AAAA-MM-JJ)"
    if kind.startswith("int"):
        return "nombre entier attendu"
    if kind in ("literal_error", "enum"):
        return f"valeur non reconnue ({e.get('ctx', {}).get('expected', '')})"
    if kind == "json_invalid":
        return "JSON illisible"
    return str(e.get("msg", "valeur invalide"))
