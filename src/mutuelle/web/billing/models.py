"""Billing's own rows. The amounts live in the journal (calls, payments, rejections, fees,
refunds: entries of :mod:`mutuelle.journal`); the schedule is derived from the call entries
(one per instalment). What is kept here is what is not money: the formal notices sent."""

from __future__ import annotations

from django.db import models

from mutuelle.web.members.models import Adhesion


class FormalNotice(models.Model):
    """A mise en demeure sent for an unpaid instalment (Règlement particuliers III-2-3, Code de
    la mutualité L.221-7): one per adhesion and due date of the first unpaid instalment."""

    adhesion = models.ForeignKey(
        Adhesion, on_delete=models.PROTECT, related_name="formal_notices", verbose_name="adhésion"
    )
    due_on = models.DateField("échéance impayée du")
    owed_cents = models.BigIntegerField("montant échu non réglé (centimes)")
    sent_on = models.DateField("envoyée le")
    source = models.CharField("règle appliquée", max_length=300)
    resolved_on = models.DateField(
        "close le", null=True, blank=True, help_text="payée, ou garanties remises en vigueur"
    )
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "mise en demeure"
        verbose_name_plural = "mises en demeure"
        ordering = ["-sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["adhesion", "due_on"], name="formal_notice_once")
        ]
        permissions = [
            ("run_billing", "Lancer les appels de cotisation et les prélèvements"),
            ("record_payment", "Enregistrer un paiement de cotisation"),
        ]

    def __str__(self) -> str:
        return f"Mise en demeure du {self.sent_on:%d/%m/%Y} ({self.adhesion.number})"
