from django.urls import path

from mutuelle.web.documents.views import request_pdf
from mutuelle.web.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("simulateur/", views.simulator, name="simulator"),
    path("complementaire-sante-solidaire/", views.css_page, name="css"),
    path("conseil/", views.advice, name="advice"),
    path("adherer/", views.join, name="join"),
    path("adherer/demande/<str:number>/", views.request_page, name="request"),
    path("adherer/demande/<str:number>/recapitulatif.pdf", request_pdf, name="request_pdf"),
    path("adherer/suivi/<str:token>/", views.request_link, name="request_link"),
    path("permanences/", views.permanences, name="permanences"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
]
