from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "mutuelle.web.claims"
    label = "claims"
    verbose_name = "Prestations : lignes de soins, règlements, virements"

    def ready(self) -> None:
        from mutuelle.web.claims import payouts
        from mutuelle.web.payments import returns

        returns.register_return_handler(payouts.PURPOSE, payouts.handle_returns)
