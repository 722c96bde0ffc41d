from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "mutuelle.web.reporting"
    label = "reporting"
    verbose_name = "Comité de pilotage"
