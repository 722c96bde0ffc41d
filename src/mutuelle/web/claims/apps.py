from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "mutuelle.web.claims"
    label = "claims"
    verbose_name = "Prestations : lignes de soins, règlements, virements"

    def ready(self) -> None:
        from mutuelle.web.claims import payouts
        from mutuelle.web.payments import returns
        from mutuelle.web.security import roles

        returns.register_return_handler(payouts.PURPOSE, payouts.handle_returns)
        roles.extend(
            "prestations",
            "claims.view_claimline",
            "claims.add_claimline",
            "claims.view_settlement",
            "claims.view_consumptionentry",
            "claims.view_rejection",
            "claims.change_rejection",
            "claims.view_paymentbatch",
            "claims.view_payment",
            "claims.view_noemielink",
            "claims.change_noemielink",
            "claims.add_noemielink",
        )
        roles.extend("comptabilite", "claims.view_paymentbatch", "claims.view_payment")
