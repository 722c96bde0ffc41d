from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "mutuelle.web.claims"
    label = "claims"
    verbose_name = "Prestations : lignes de soins, règlements, virements"
