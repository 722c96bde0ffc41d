from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mutuelle.web.api"
    label = "api"
    verbose_name = "API JSON"
