from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "mutuelle.web.public"
    label = "public"
    verbose_name = "Site public"
