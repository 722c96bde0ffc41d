"""``/gestion/prestations/…``: the claims' back office (every view through the admin site's
``admin_view``: staff, logged in with their second factor)."""

from django.contrib import admin
from django.urls import path

from mutuelle.web.claims import views

app_name = "claims"
v = admin.site.admin_view

urlpatterns = [
    path("adhesion/<str:number>/", v(views.member_claims), name="member"),
    path("adhesion/<str:number>/saisie/", v(views.manual_claim), name="manual"),
    path("adhesion/<str:number>/decompte/<str:period>/", v(views.decompte), name="decompte"),
    path("rejets/", v(views.rejections), name="rejections"),
    path("rejets/<int:pk>/", v(views.fix_rejection), name="fix"),
    path("virements/", v(views.batches), name="batches"),
]
