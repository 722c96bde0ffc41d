from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "mutuelle.web.reporting"
    label = "reporting"
    verbose_name = "Comité de pilotage"

    def ready(self) -> None:
        # The back office's home page shows the complaints whose deadlines have passed (a
        # work queue of this app's own; it extends the admin's index template).
        from django.contrib import admin

        admin.site.index_template = "reporting/admin_index.html"
