from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "mutuelle.web.payments"
    label = "payments"
    verbose_name = "Paiements SEPA"
