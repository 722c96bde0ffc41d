"""The site's URLs plus one view that fails, to see the 500 page and its log line."""

from django.urls import path

from mutuelle.web.urls import handler400, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", boom), path("api/panne/", boom), *urlpatterns]
