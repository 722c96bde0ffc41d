"""URL map: the back office (Django admin in French) under ``/gestion/``, the public site at the
root (namespace ``public``), the JSON API under ``/api/`` (namespace ``api``, OpenAPI schema at
``/api/openapi.json``, documentation at ``/api/docs``), the town's reports of the steering
committee under ``/ville/`` (namespace ``ville``), the health probe ``/sante/``."""

from django.contrib import admin
from django.urls import include, path

from mutuelle.web.security import views as security_views

admin.site.site_header = "Mutuelle communale — gestion des adhésions"
admin.site.site_title = "Mutuelle communale"
admin.site.index_title = "Back office de la Mutuelle"

urlpatterns = [
    path("sante/", security_views.health, name="health"),
    path("gestion/cotisations/", include("mutuelle.web.billing.urls")),
    path("gestion/prestations/", include("mutuelle.web.claims.urls")),
    path("gestion/", admin.site.urls),
    path("api/", include("mutuelle.web.api.urls")),
    path("ville/", include("mutuelle.web.reporting.urls")),
    path("", include("mutuelle.web.public.urls")),
]

handler404 = "mutuelle.web.public.views.not_found"
handler500 = "mutuelle.web.security.views.server_error"
handler400 = "mutuelle.web.security.views.bad_request"
