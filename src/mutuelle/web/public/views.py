"""Public pages (the simulator and e-adhesion come with their own issue)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mutuelle.offers import latest_offer_id, load_offer


def home(request: HttpRequest) -> HttpResponse:
    offer = load_offer(latest_offer_id())
    return render(request, "public/home.html", {"offer": offer})
