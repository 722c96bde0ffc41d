"""The JSON API (django-ninja or DRF with OpenAPI, per the architecture map, comes later)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from mutuelle.offers import latest_offer_id

app_name = "api"


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "offer": latest_offer_id()})


urlpatterns = [path("sante/", health, name="health")]
