from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "mutuelle.web.journal"
    label = "journal"
    verbose_name = "Journal des mouvements d'argent"
