"""The town's space (namespace ``ville``) under ``/ville/``."""

from django.urls import path, register_converter

from mutuelle.web.reporting import views


class PeriodConverter:
    regex = r"\d{4}(?:-[QS][1-4])?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PeriodConverter, "period")

app_name = "ville"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("connexion/", views.Login.as_view(), name="login"),
    path("deconnexion/", views.Logout.as_view(), name="logout"),
    path("rapport/<period:period>/", views.period_report, name="report"),
    path("rapport/<period:period>.csv", views.export, {"fmt": "csv"}, name="csv"),
    path("rapport/<period:period>.xlsx", views.export, {"fmt": "xlsx"}, name="xlsx"),
    path("rapport/<period:period>.pdf", views.export, {"fmt": "pdf"}, name="pdf"),
]
