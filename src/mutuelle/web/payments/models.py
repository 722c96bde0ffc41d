"""SEPA mandates, the files we send to the bank and their transactions, the bank's returns.

The IBAN of a mandate is stored in one field read and written only through
:mod:`mutuelle.web.payments.services` (``mandate_account``, ``create_mandate``,
``change_account``), encrypted at rest like the adhesion's (issue 12:
:class:`~mutuelle.web.security.fields.EncryptedTextField`, keys ``MUTUELLE_FIELD_KEYS``,
``mutuelle rotate-keys``), and so are the previous and new IBAN of an amendment; the back office
shows them masked (``iban_masked``).
Money rows (files, transactions, returns) are written once by the services; the admin shows
them read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mutuelle.masking import mask_iban
from mutuelle.sepa import FileKind, ReturnStage, SequenceType
from mutuelle.web.security.fields import EncryptedTextField


class MandateStatus(models.TextChoices):
    ACTIVE = "active", "Actif"
    REVOKED = "revoked", "Révoqué"
    EXPIRED = "expired", "Caduc (36 mois sans prélèvement)"


class Mandate(models.Model):
    """A SEPA Core direct-debit mandate (EPC SDD Core rulebook, AT-01…AT-27)."""

    adhesion = models.ForeignKey(
        "members.Adhesion",
        on_delete=models.PROTECT,
        related_name="mandates",
        verbose_name="adhésion",
    )
    rum = models.CharField("référence unique de mandat (RUM)", max_length=35, unique=True)
    signed_on = models.DateField("signé le")
    debtor_name = models.CharField("titulaire du compte", max_length=70)
    # Read through services.mandate_account() only; encrypted at rest (issue 12).
    iban_stored = EncryptedTextField("IBAN", db_column="iban")
    bic = models.CharField("BIC", max_length=11)
    creditor_ics = models.CharField("ICS du créancier", max_length=35)
    status = models.CharField(
        "état", max_length=10, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    status_on = models.DateField("révoqué ou caduc le", null=True, blank=True)
    status_reason = models.CharField("motif", max_length=200, blank=True)
    first_collected_on = models.DateField(
        "premier prélèvement présenté le",
        null=True,
        blank=True,
        help_text="vide : le prochain prélèvement sera un premier (FRST)",
    )
    last_collected_on = models.DateField("dernier prélèvement présenté le", null=True, blank=True)
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )

    class Meta:
        verbose_name = "mandat SEPA"
        verbose_name_plural = "mandats SEPA"
        ordering = ["adhesion", "signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["adhesion"],
                condition=Q(status="active"),
                name="one_active_mandate_per_adhesion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rum} ({self.get_status_display()})"

    @property
    def iban_masked(self) -> str:
        return mask_iban(self.iban_stored)


class MandateAmendment(models.Model):
    """An IBAN change under the same RUM (EPC AT-24/AT-26): the previous account is kept here
    and announced in the next collection (``reported_in``). Interpretation I-121."""

    mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="amendments", verbose_name="mandat"
    )
    on = models.DateField("changement reçu le")
    previous_iban = EncryptedTextField("IBAN précédent")
    previous_bic = models.CharField("BIC précédent", max_length=11)
    new_iban = EncryptedTextField("nouvel IBAN")
    new_bic = models.CharField("nouveau BIC", max_length=11)
    new_bank = models.BooleanField("changement de banque (SMNDA)")
    reported_in = models.ForeignKey(
        "SepaTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="annoncé dans le prélèvement",
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )

    class Meta:
        verbose_name = "modification de mandat"
        verbose_name_plural = "modifications de mandats"
        ordering = ["mandate", "on", "id"]

    def __str__(self) -> str:
        return f"{self.mandate.rum} : changement de compte le {self.on:%d/%m/%Y}"


KIND_CHOICES = [(k.value, k.label.capitalize()) for k in FileKind]
SEQUENCE_CHOICES = [(s.value, f"{s.value} — {s.label}") for s in SequenceType]
STAGE_CHOICES = [(s.value, s.label.capitalize()) for s in ReturnStage]


class SepaFile(models.Model):
    """A file sent to the bank: its identity, totals, hash and where it is kept."""

    kind = models.CharField("nature", max_length=10, choices=KIND_CHOICES)
    schema = models.CharField("version", max_length=20)
    message_id = models.CharField("identifiant du message", max_length=35, unique=True)
    idempotency_key = models.CharField("clé d'idempotence", max_length=200, unique=True)
    date = models.DateField("date de prélèvement ou d'exécution", db_index=True)
    count = models.IntegerField("opérations")
    control_sum_cents = models.BigIntegerField("total (centimes)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    path = models.CharField("fichier (dans le dossier des données)", max_length=300)
    created_at = models.DateTimeField("produit le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="produit par",
    )
    batch = models.ForeignKey(
        "jobs.BatchRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sepa_files",
        verbose_name="traitement par lots",
    )

    class Meta:
        verbose_name = "fichier SEPA émis"
        verbose_name_plural = "fichiers SEPA émis"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="sepafile_not_empty"),
            models.CheckConstraint(
                condition=Q(control_sum_cents__gt=0), name="sepafile_positive_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.get_kind_display()}, {self.date:%d/%m/%Y})"


class SepaTransaction(models.Model):
    """One debit or transfer of a file; ``(purpose, reference)`` is the caller's key (a
    schedule line, a settlement): the database forbids presenting it twice."""

    file = models.ForeignKey(
        SepaFile, on_delete=models.PROTECT, related_name="transactions", verbose_name="fichier"
    )
    end_to_end_id = models.CharField("référence de bout en bout", max_length=35, unique=True)
    payment_info_id = models.CharField("lot (PmtInfId)", max_length=35)
    purpose = models.CharField("objet", max_length=30)
    reference = models.CharField("référence interne", max_length=100)
    amount_cents = models.BigIntegerField("montant (centimes)")
    sequence = models.CharField("type", max_length=4, choices=SEQUENCE_CHOICES, blank=True)
    mandate = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transactions",
        verbose_name="mandat",
    )
    party_name = models.CharField("débiteur ou bénéficiaire", max_length=70)
    account_masked = models.CharField("compte", max_length=42)  # mutuelle.masking: 34 + 8 spaces

    class Meta:
        verbose_name = "opération SEPA"
        verbose_name_plural = "opérations SEPA"
        ordering = ["file", "id"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "reference"], name="sepa_reference_once"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="sepatx_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} ({self.amount_cents / 100:.2f} €)"


class BankReturnFile(models.Model):
    """A bank file imported (pain.002 or camt.054), once: its hash is unique."""

    sha256 = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    message_type = models.CharField("type", max_length=10)
    schema = models.CharField("version", max_length=20)
    message_id = models.CharField("identifiant du message de la banque", max_length=35)
    original_message_ids = models.JSONField("fichiers d'origine", default=list)
    original_name = models.CharField("nom du fichier reçu", max_length=200, blank=True)
    path = models.CharField("fichier (dans le dossier des données)", max_length=300)
    line_count = models.IntegerField("opérations rejetées ou retournées")
    imported_at = models.DateTimeField("importé le", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="importé par",
    )

    class Meta:
        verbose_name = "fichier de retour bancaire"
        verbose_name_plural = "fichiers de retour bancaire"
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_type} {self.message_id} ({self.imported_at:%d/%m/%Y})"


class BankReturnLine(models.Model):
    """A transaction the bank rejected or returned, with its ISO reason; once per end-to-end
    id, reason and stage (a second import of the same return adds nothing)."""

    file = models.ForeignKey(
        BankReturnFile, on_delete=models.PROTECT, related_name="lines", verbose_name="fichier"
    )
    transaction = models.ForeignKey(
        SepaTransaction,
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name="opération d'origine",
    )
    end_to_end_id = models.CharField("référence de bout en bout", max_length=35)
    stage = models.CharField("étape", max_length=10, choices=STAGE_CHOICES)
    reason_code = models.CharField("code motif ISO", max_length=8)
    reason_label = models.CharField("motif", max_length=200)
    next_step = models.CharField("suite suggérée", max_length=20)
    amount_cents = models.BigIntegerField("montant (centimes)")
    booked_on = models.DateField("comptabilisé le", null=True, blank=True)
    # What the bank charged for this reject or return, when its file says so (pain.002
    # ChrgsInf, camt.054 Chrgs); and what the domain did with it (billing: called back from the
    # member or not, and why — Règlement particuliers III-2-4, docs I-240…I-243).
    charge_cents = models.BigIntegerField("frais de la banque (centimes)", null=True, blank=True)
    charge_note = models.CharField("frais : suite donnée", max_length=300, blank=True)

    class Meta:
        verbose_name = "rejet ou retour"
        verbose_name_plural = "rejets et retours"
        ordering = ["file", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["end_to_end_id", "reason_code", "stage"], name="bank_return_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} : {self.reason_code} {self.reason_label}"
