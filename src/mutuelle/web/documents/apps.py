from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "mutuelle.web.documents"
    label = "documents"
    verbose_name = "Documents produits"
