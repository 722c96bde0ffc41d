from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "mutuelle.web.jobs"
    label = "jobs"
    verbose_name = "Traitements par lots"

    def ready(self) -> None:
        # The batch kinds shipped with the code register themselves on import.
        from mutuelle.web.jobs import demo  # noqa: F401
