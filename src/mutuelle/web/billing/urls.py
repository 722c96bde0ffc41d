from django.contrib import admin
from django.urls import path

from mutuelle.web.billing import views

app_name = "billing"

urlpatterns = [
    path("impayes/", admin.site.admin_view(views.unpaid_queue), name="unpaid"),
    path("adhesion/<str:number>/", admin.site.admin_view(views.account), name="account"),
]
