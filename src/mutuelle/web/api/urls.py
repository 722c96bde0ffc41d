"""The JSON API behind the public pages (django-ninja): quote, CSS screening, reimbursement
estimate, adhesion request, permanences. OpenAPI schema at ``/api/openapi.json``, interactive
documentation at ``/api/docs`` (served from the app's static files, no CDN).

Every public endpoint is rate-limited per client address (``mutuelle.web.public.ratelimit``)
and validates its whole input: an input that cannot be processed gets HTTP 400
``{"error": "…", "code": "…"}`` in French (``fields`` beside it for the adhesion request), never
a traceback; over the limit, HTTP 429 with ``Retry-After``. The typed schemas are
:mod:`.schemas`, the errors :mod:`.errors`, the endpoints :mod:`.routers`.
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
        "au-delà, HTTP 429 et l'en-tête Retry-After."
    ),
    urls_namespace="api",
    parser=errors.JsonParser(),
)
errors.install(api)
api.add_router("/", router)

urlpatterns = [*api.urls[0]]
__all__ = ["api", "path"]
