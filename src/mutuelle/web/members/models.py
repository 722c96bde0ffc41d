"""Persons, adhesions, dependants' affiliations, formula history, documents, event history.

Dates are computed by the core (:mod:`mutuelle.membership`), never typed: the services of
:mod:`mutuelle.web.members.services` write them with the rule that produced them in the event
history. The database forbids what it can: an end before a start (CHECK, every backend); on
PostgreSQL two overlapping periods of one adhesion's formulas, of one person's adhesions or
of one person's affiliations (EXCLUDE USING gist, migration 0002); an update or a deletion of
the event history (trigger, every backend).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from mutuelle.web.members.enums import (
    AdhesionStatus,
    Channel,
    DocumentKind,
    EndReason,
    EventKind,
    PaymentFrequency,
    PaymentMode,
    Proof,
    RangeChoice,
    Role,
)
from mutuelle.web.security.fields import EncryptedTextField


def _end_after_start(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name=name
    )


class Person(models.Model):
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance")
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.CharField("adresse", max_length=200, blank=True)
    postcode = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "personne"
        verbose_name_plural = "personnes"
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name} ({self.birth_date:%d/%m/%Y})"


class Adhesion(models.Model):
    number = models.CharField("numéro d'adhérent", max_length=20, unique=True)
    offer = models.CharField("offre", max_length=40)
    range = models.CharField("gamme", max_length=20, choices=RangeChoice.choices)
    member = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="adhesions",
        verbose_name="membre participant",
    )
    channel = models.CharField(
        "canal de vente", max_length=20, choices=Channel.choices, default=Channel.AGENCY
    )
    signed_on = models.DateField("bulletin signé le")
    file_sent_on = models.DateField(
        "dossier complet envoyé le", help_text="cachet de la Poste, courriel ou dépôt en agence"
    )
    wished_start = models.DateField("date d'effet souhaitée", null=True, blank=True)
    previous_cover_ends = models.DateField(
        "fin du précédent contrat", null=True, blank=True, help_text="continuité de couverture"
    )
    start = models.DateField("date d'effet (calculée)")
    end = models.DateField("dernier jour couvert (calculé)", null=True, blank=True)
    end_reason = models.CharField(
        "motif de cessation", max_length=30, choices=EndReason.choices, blank=True
    )
    end_notified_on = models.DateField("demande de cessation reçue le", null=True, blank=True)
    refund_cents = models.IntegerField("remboursement (centimes)", null=True, blank=True)
    refund_by = models.DateField("remboursement au plus tard le", null=True, blank=True)
    monthly_cents = models.IntegerField("cotisation mensuelle (centimes)", null=True, blank=True)
    paid_until = models.DateField("cotisations payées jusqu'au", null=True, blank=True)
    up_to_date = models.BooleanField("à jour de ses cotisations", default=True)
    payroll_deduction = models.BooleanField("précompte sur salaire (agents)", default=False)
    agent_service_entry = models.DateField(
        "entrée dans la fonction publique", null=True, blank=True
    )
    agent_last_reference_cover_end = models.DateField(
        "fin de la dernière garantie de référence", null=True, blank=True
    )
    status = models.CharField(
        "statut",
        max_length=10,
        choices=AdhesionStatus.choices,
        default=AdhesionStatus.ACTIVE,
        db_index=True,
    )
    payment_mode = models.CharField(
        "mode de paiement des cotisations", max_length=20, choices=PaymentMode.choices, blank=True
    )
    payment_frequency = models.CharField(
        "fréquence de paiement", max_length=10, choices=PaymentFrequency.choices, blank=True
    )
    # Encrypted at rest (mutuelle.web.security.fields); shown masked except to comptabilité
    # and administrateur (mutuelle.web.security.masking).
    iban = EncryptedTextField("IBAN (vérifié)", blank=True)
    account_holder = models.CharField("titulaire du compte", max_length=140, blank=True)
    consent_at = models.DateTimeField("consentements donnés le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "adhésion"
        verbose_name_plural = "adhésions"
        ordering = ["number"]
        constraints = [_end_after_start("adhesion_end_after_start")]
        indexes = [models.Index(fields=["range", "start"])]

    def __str__(self) -> str:
        return f"{self.number} — {self.member.last_name.upper()} {self.member.first_name}"

    def current_formula(self) -> FormulaPeriod | None:
        periods = sorted(self.formula_periods.all(), key=lambda p: p.start)
        return periods[-1] if periods else None


class Affiliation(models.Model):
    """A dependant (ayant droit) attached to an adhesion, with the dates of cover."""

    adhesion = models.ForeignKey(
        Adhesion, on_delete=models.PROTECT, related_name="affiliations", verbose_name="adhésion"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="affiliations", verbose_name="personne"
    )
    role = models.CharField("qualité", max_length=10, choices=Role.choices)
    proof = models.CharField(
        "justificatif (21-27 ans)", max_length=20, choices=Proof.choices, blank=True
    )
    disabled = models.BooleanField("invalidité survenue avant 18 ans", default=False)
    requested_on = models.DateField("demande reçue le")
    start = models.DateField("début de couverture (calculé)")
    end = models.DateField("fin de couverture (calculée)", null=True, blank=True)
    end_reason = models.CharField(
        "motif de fin", max_length=30, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = "ayant droit"
        verbose_name_plural = "ayants droit"
        ordering = ["adhesion", "start", "person__birth_date", "id"]
        constraints = [_end_after_start("affiliation_end_after_start")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} : {self.person}"

    def clean(self) -> None:
        a = self.adhesion
        if self.start < a.start:
            raise ValidationError("un ayant droit ne peut être couvert avant le membre participant")
        if a.end and (self.end is None or self.end > a.end):
            raise ValidationError("l'affiliation ne peut survivre à l'adhésion")


class FormulaPeriod(models.Model):
    adhesion = models.ForeignKey(
        Adhesion, on_delete=models.PROTECT, related_name="formula_periods", verbose_name="adhésion"
    )
    formula = models.CharField("formule", max_length=30)
    start = models.DateField("depuis le")
    end = models.DateField("jusqu'au", null=True, blank=True)
    requested_on = models.DateField("demande reçue le", null=True, blank=True)

    class Meta:
        verbose_name = "formule (historique)"
        verbose_name_plural = "historique des formules"
        ordering = ["adhesion", "start"]
        constraints = [_end_after_start("formula_period_end_after_start")]

    def __str__(self) -> str:
        end = f" au {self.end:%d/%m/%Y}" if self.end else ""
        return f"{self.formula} du {self.start:%d/%m/%Y}{end}"


class Document(models.Model):
    """A justificatif received (règlement I-3-2): what, for whom, when."""

    adhesion = models.ForeignKey(
        Adhesion, on_delete=models.PROTECT, related_name="documents", verbose_name="adhésion"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name="concerne",
    )
    kind = models.CharField("pièce", max_length=30, choices=DocumentKind.choices)
    received_on = models.DateField("reçue le")
    note = models.CharField("remarque", max_length=200, blank=True)
    # A file sent with an online request (kept outside any served folder; staff open it from
    # the back office). Paper documents have none.
    file = models.FileField("fichier", upload_to="demandes/%Y/%m/", blank=True, max_length=200)
    original_name = models.CharField("nom du fichier envoyé", max_length=200, blank=True)

    class Meta:
        verbose_name = "justificatif reçu"
        verbose_name_plural = "justificatifs reçus"
        ordering = ["adhesion", "received_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_on:%d/%m/%Y})"


class AppendOnly(Exception):
    pass


class Event(models.Model):
    """Append-only history: who did what, when, and the rules applied (a trigger in the
    database refuses UPDATE and DELETE)."""

    adhesion = models.ForeignKey(
        Adhesion, on_delete=models.PROTECT, related_name="events", verbose_name="adhésion"
    )
    at = models.DateTimeField("le", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    kind = models.CharField("événement", max_length=30, choices=EventKind.choices)
    summary = models.TextField("résumé")
    data = models.JSONField("détail (règles appliquées)", default=dict, blank=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "historique des événements"
        ordering = ["adhesion", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnly("l'historique des événements ne se modifie pas")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("l'historique des événements ne se supprime pas")


class NumberSeries(models.Model):
    """The last number given in a series (``GR25-``, ``DEM25-``): one row per series, locked
    while a number is taken (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers),
    so simultaneous requests never get the same number (issue 12, probe finding 4)."""

    series = models.CharField("série", max_length=12, primary_key=True)
    last = models.PositiveIntegerField("dernier numéro donné", default=0)

    class Meta:
        verbose_name = "série de numéros"
        verbose_name_plural = "séries de numéros"

    def __str__(self) -> str:
        return f"{self.series}{self.last:06d}"
