from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Roles, staff authentication, the health-data access log, encryption at rest, retention
    and the rights of the persons (issue 12)."""

    name = "mutuelle.web.security"
    label = "security"
    verbose_name = "Sécurité et protection des données"

    def ready(self) -> None:
        from django.contrib import admin
        from django.db.models.signals import post_migrate

        from mutuelle.web.security import checks, predicates, roles, signals
        from mutuelle.web.security.staff import StaffAdminSite

        # The back office requires two factors (django-otp's documented way to switch the
        # default admin site: every ModelAdmin already registered keeps working).
        admin.site.__class__ = StaffAdminSite
        post_migrate.connect(roles.sync_after_migrate, sender=self)
        signals.connect()
        checks.register()
        predicates.register()
