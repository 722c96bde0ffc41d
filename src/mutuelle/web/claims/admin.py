from django.contrib import admin

from mutuelle.web.claims import models as m


@admin.register(m.NoemieLink)
class NoemieLinkAdmin(admin.ModelAdmin):
    list_display = ("adhesion", "person", "status", "since")
    list_filter = ("status",)
    raw_id_fields = ("adhesion", "person")
