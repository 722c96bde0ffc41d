from django.apps import AppConfig

RUN_BILLING = "billing.run_billing"
BILLING_KINDS = ("yearly-call", "billing-documents", "sepa-collect", "unpaid-day")


class BillingConfig(AppConfig):
    name = "mutuelle.web.billing"
    label = "billing"
    verbose_name = "Cotisations (appels, prélèvements, impayés)"

    def ready(self) -> None:
        # The batch kinds and the bank-returns handler register themselves on import.
        from mutuelle.web.billing import batches, collection, documents  # noqa: F401
        from mutuelle.web.jobs import framework
        from mutuelle.web.security import roles

        # Billing's runs call contributions, debit members, write letters and suspend cover:
        # started only by the roles that may bill (comptabilité, administrateur).
        for kind in BILLING_KINDS:
            framework.require_permission(kind, RUN_BILLING)

        roles.extend(
            "comptabilite",
            "billing.view_formalnotice",
            "billing.add_formalnotice",
            "billing.run_billing",
            "billing.record_payment",
        )
