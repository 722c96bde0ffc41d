from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "mutuelle.web.billing"
    label = "billing"
    verbose_name = "Cotisations (appels, prélèvements, impayés)"

    def ready(self) -> None:
        # The batch kinds and the bank-returns handler register themselves on import.
        from mutuelle.web.billing import batches, collection, documents  # noqa: F401
        from mutuelle.web.security import roles

        roles.extend(
            "comptabilite",
            "billing.view_formalnotice",
            "billing.add_formalnotice",
            "billing.run_billing",
            "billing.record_payment",
        )
