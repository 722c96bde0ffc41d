"""The API's errors: every one is ``{"error": "…", "code": "…"}`` in French (the schema's
``ErrorOut``; ``fields`` beside it for the adhesion request), never a traceback nor Django's or
django-ninja's own ``{"detail": …}``: HTTP 400 for an input that cannot be processed (JSON
unreadable, nested too deep, a date out of range, a field invalid), 413 for a body over the
limit, 415 for a body that is not ``application/json``, 429 with ``Retry-After`` over the rate
limit. A refusal of a core keeps its machine-readable code (:class:`mutuelle.refusal.Code`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from mutuelle import inputs
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


class UnsupportedMediaType(Exception):
    pass


JSON_ONLY = (
    "le corps de la requête doit être du JSON envoyé avec l'en-tête "
    "« Content-Type: application/json »"
)


def is_json(content_type: str) -> bool:
    """``application/json`` or a ``…+json`` type (parameters such as ``charset`` aside)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class JsonParser(Parser):
    """The API's body parser: JSON only (a cross-origin form or ``text/plain`` POST, which a
    browser sends without asking, is refused with 415), depth and dates bounded
    (:mod:`mutuelle.inputs`)."""

    def parse_body(self, request: HttpRequest) -> Any:
        if not is_json(request.content_type or ""):
            raise UnsupportedMediaType(JSON_ONLY)
        try:
            return inputs.loads(request.body)
        except inputs.InputBoundsError as exc:
            raise BadInput(str(exc), code="input") from None
        except (ValueError, UnicodeDecodeError):
            raise BadInput(
                "JSON illisible : le corps n'est pas un document JSON", code="input"
            ) from None


def error_response(status: int, message: str, code: str) -> HttpResponse:
    """A JSON error in the schema's shape, for the places outside django-ninja (middleware)."""
    import json

    return HttpResponse(
        json.dumps({"error": message, "code": code}, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


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
            {
                "error": f"trop de demandes : réessayer dans {exc.retry_after} s",
                "code": "rate_limited",
            },
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

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # django-ninja wraps the parser's exceptions (« Cannot parse request body »).
        cause = exc.__cause__
        if isinstance(cause, UnsupportedMediaType):
            return api.create_response(
                request, {"error": str(cause), "code": "media_type"}, status=415
            )
        if isinstance(cause, BadInput):
            return _bad_input(request, cause)
        return api.create_response(
            request, {"error": "requête refusée", "code": "http"}, status=exc.status_code
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, {"error": "ressource introuvable", "code": "not_found"}, status=404
        )

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
    ctx = e.get("ctx", {})
    if kind == "string_too_long":
        return f"texte trop long ({ctx.get('max_length')} caractères au plus)"
    if kind == "string_too_short":
        return f"texte trop court ({ctx.get('min_length')} caractère(s) au moins)"
    if kind == "too_long":
        return f"trop d'éléments ({ctx.get('max_length')} au plus)"
    if kind == "too_short":
        return f"pas assez d'éléments ({ctx.get('min_length')} au moins)"
    if kind in ("greater_than_equal", "greater_than"):
        sign = "≥" if kind == "greater_than_equal" else ">"
        return f"valeur {sign} {ctx.get('ge', ctx.get('gt'))} attendue"
    if kind in ("less_than_equal", "less_than"):
        sign = "≤" if kind == "less_than_equal" else "<"
        return f"valeur {sign} {ctx.get('le', ctx.get('lt'))} attendue"
    if kind.startswith("string"):
        return "texte attendu"
    if kind.startswith("bool"):
        return "vrai ou faux attendu (true/false)"
    if kind in ("list_type", "tuple_type"):
        return "liste attendue"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "objet attendu"
    if kind == "value_error":
        return str(e.get("msg", "valeur invalide")).removeprefix("Value error, ")
    if kind.startswith("float") or kind == "int_from_float":
        return "nombre entier attendu"
    if kind.startswith("union") or kind == "json_type":
        return "valeur d'un type inattendu"
    return "valeur invalide"
