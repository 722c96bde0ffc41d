"""The record of every produced document: what, for whom, from which template and offer, its
sha256, and where its PDF is kept (under the data folder, readable by the server's user only).
Append-only, like the event history: a record proves what was sent.
"""

from __future__ import annotations

from django.db import models

from mutuelle.documents import KIND_LABELS
from mutuelle.web.appendonly import AppendOnly, AppendOnlyModel, recorded_by
from mutuelle.web.members.models import Adhesion, Person

KIND_CHOICES = [(k.value, label) for k, label in KIND_LABELS.items()]

__all__ = ["AppendOnly", "ProducedDocument"]


class ProducedDocument(AppendOnlyModel):
    refusal = "un document produit est conservé tel quel (en produire un nouveau)"

    kind = models.CharField("document", max_length=30, choices=KIND_CHOICES, db_index=True)
    title = models.CharField("titre", max_length=200)
    adhesion = models.ForeignKey(
        Adhesion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="produced_documents",
        verbose_name="adhésion",
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="produced_documents",
        verbose_name="personne",
    )
    offer = models.CharField("offre", max_length=40, blank=True)
    sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64, db_index=True)
    size = models.PositiveIntegerField("taille (octets)")
    fingerprint = models.CharField("empreinte du contenu", max_length=64, db_index=True)
    template_version = models.CharField("version du gabarit", max_length=10)
    renderer = models.CharField("moteur de rendu", max_length=60)
    content = models.JSONField("contenu (modèle du document)")
    path = models.CharField("fichier (dossier des documents)", max_length=200)
    batch = models.CharField("lot", max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField("produit le", auto_now_add=True)
    created_by = recorded_by()

    class Meta:
        verbose_name = "document produit"
        verbose_name_plural = "documents produits"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["adhesion", "kind"], name="documents_adhesion_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.title}"
