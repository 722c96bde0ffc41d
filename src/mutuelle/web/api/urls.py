"""The JSON API behind the public pages (django-ninja): quote, CSS screening, reimbursement
estimate, adhesion request, permanences. OpenAPI schema at ``/api/openapi.json``, interactive
documentation at ``/api/docs`` (served from the app's static files, no CDN).

Every public endpoint is rate-limited per client address (``mutuelle.web.public.ratelimit``)
and validates its whole input: an input that cannot be processed gets HTTP 400
``{"error": "…", "code": "…"}`` in French (``fields`` beside it for the adhesion request), never
a traceback; a body that is not ``application/json`` 415, over 1 Mo 413, over the rate limit
429 with ``Retry-After`` — all in the same shape, as the schema declares (:mod:`.middleware`
rewrites Django's own 404 and 405 too). The typed schemas are :mod:`.schemas`, the errors and
the bounded JSON parser :mod:`.errors`, the endpoints :mod:`.routers`.
"""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from mutuelle.web.api import errors
from mutuelle.web.api.routers import router

app_name = "api"

api = NinjaAPI(
    title="Mutuelle communale de Grenoble — API publique",
    version="1.0",
    description=(
        "L'API des pages publiques de la Mutuelle Entrenous (mutuelle communale de Grenoble). "
        "Montants en centimes d'euro (entiers), dates AAAA-MM-JJ. Chaque résultat porte son "
        "explication : la règle appliquée et sa source (article du règlement, ligne du texte). "
        "Limites : 60 calculs par minute et 10 demandes d'adhésion par heure et par adresse ; "
        "au-delà, HTTP 429 et l'en-tête Retry-After. Corps en JSON (Content-Type: "
        "application/json, sinon HTTP 415), 1 Mo au plus (HTTP 413), 32 niveaux "
        "d'imbrication au plus, dates entre 1900 et 2100. Chaque erreur : "
        '{"error": "…", "code": "…"} en français.'
    ),
    urls_namespace="api",
    parser=errors.JsonParser(),
)
errors.install(api)
api.add_router("/", router)

urlpatterns = [*api.urls[0]]
__all__ = ["api", "path"]
