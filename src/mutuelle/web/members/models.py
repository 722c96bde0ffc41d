"""Persons, adhesions, dependants' affiliations, formula history, documents, event history.

Dates are computed by the core (:mod:`mutuelle.membership`), never typed: the services of
:mod:`mutuelle.web.members.services` write them with the rule that produced them in the event
history. Balances are never stored here: what was called, paid, owed or is to be refunded is
read from the money journal (:mod:`mutuelle.web.journal`) and the event history, and the
monthly contribution is a price the pricing core computes (``Adhesion.monthly_cents``).
The database forbids what it can: an end before a start (CHECK, every backend); on
PostgreSQL two overlapping periods of one adhesion's formulas, of one person's adhesions or
of one person's affiliations (EXCLUDE USING gist, migration 0002); an update or a deletion of
the event history (trigger, every backend).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mutuelle.reporting.population import PriorCover, Situation
from mutuelle.web.appendonly import AppendOnly, AppendOnlyModel, recorded_by
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

if TYPE_CHECKING:
    from mutuelle.journal import ContributionStatus, Entry

__all__ = [
    "Adhesion",
    "Affiliation",
    "AppendOnly",
    "Document",
    "Event",
    "FormulaPeriod",
    "Person",
]


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
    # Convention art. 5, indicators 1 and 2 (seed l. 1992-1993): asked at the counter (and, once
    # wired, on the public request form); docs/interpretations.md I-145, I-149.
    # Blank: not asked (adhesions recorded before the question, or not answered).
    prior_cover = models.CharField(
        "complémentaire santé avant l'adhésion",
        max_length=10,
        choices=[(p.value, p.label) for p in PriorCover if p is not PriorCover.UNKNOWN],
        blank=True,
        help_text="« n'avaient pas de complémentaire santé avant d'adhérer » (convention art. 5) ; "
        "toute complémentaire compte : individuelle, collective, CSS",
    )
    socio_professional = models.CharField(
        "situation socio-professionnelle",
        max_length=20,
        choices=[(s.value, s.label) for s in Situation if s is not Situation.UNKNOWN],
        blank=True,
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

    # --- derived, never stored beside the journal (docs/interpretations.md I-110…I-113) ---
    # Cached on the instance for one request or act; a fresh ``Adhesion.objects.get`` reads
    # them again.

    @cached_property
    def journal_entries(self) -> list[Entry]:
        """The adhesion's entries in the money journal (two queries)."""
        from mutuelle.web.journal import services as journal

        return journal.entries_of(self.number)

    @cached_property
    def contribution_status(self) -> ContributionStatus:
        """What the journal says of the contributions: called, settled, paid until, owed."""
        from mutuelle.web.journal import services as journal

        return journal.contribution_status(self.number, self.journal_entries)

    @property
    def paid_until(self) -> dt.date | None:
        """« Cotisations payées jusqu'au »: the end of the last period paid in full."""
        return self.contribution_status.paid_until

    @property
    def up_to_date(self) -> bool:
        """« À jour de ses cotisations » today: nothing fallen due is unpaid."""
        return self.contribution_status.up_to_date(timezone.localdate())

    @property
    def monthly_cents(self) -> int | None:
        """The household's monthly contribution — a price (pricing core), not a balance: for
        the month of today, of the last covered day once the adhesion has ended, of its start
        before it begins. None when the texts cannot price it. Assigning primes the cache with
        a price already computed (the demonstration population, before it is written)."""
        if "_monthly_cents" not in self.__dict__:
            from mutuelle.web.members import services

            self.__dict__["_monthly_cents"] = services.current_monthly(self)
        value: int | None = self.__dict__["_monthly_cents"]
        return value

    @monthly_cents.setter
    def monthly_cents(self, value: int | None) -> None:
        self.__dict__["_monthly_cents"] = value

    @cached_property
    def _refund(self) -> dict[str, object]:
        """The refund recorded with the termination (the membership core computed it from the
        contributions the journal says were received); billing pays it."""
        event = (
            self.events.filter(data__has_key="refund_cents").order_by("-at", "-id").first()
            if self.pk
            else None
        )
        return event.data if event is not None else {}

    @property
    def refund_cents(self) -> int | None:
        value = self._refund.get("refund_cents")
        return int(value) if isinstance(value, int) else None

    @property
    def refund_by(self) -> dt.date | None:
        value = self._refund.get("refund_by")
        return dt.date.fromisoformat(value) if isinstance(value, str) else None

    def forget_derived(self) -> None:
        """Drop the cached views after an act changed the journal or the history."""
        for name in ("journal_entries", "contribution_status", "_monthly_cents", "_refund"):
            self.__dict__.pop(name, None)


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


class Event(AppendOnlyModel):
    """Append-only history: who did what, when, and the rules applied (a trigger in the
    database refuses UPDATE and DELETE)."""

    refusal = "l'historique des événements est en ajout seul"

    adhesion = models.ForeignKey(
        Adhesion, on_delete=models.PROTECT, related_name="events", verbose_name="adhésion"
    )
    at = models.DateTimeField("le", auto_now_add=True)
    actor = recorded_by()
    kind = models.CharField("événement", max_length=30, choices=EventKind.choices)
    summary = models.TextField("résumé")
    data = models.JSONField("détail (règles appliquées)", default=dict, blank=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "historique des événements"
        ordering = ["adhesion", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"


class Suspension(models.Model):
    """Cover suspended for unpaid contributions (Code de la mutualité L.221-7; Règlement
    particuliers III-2-3, agents Cotisations 2-3, TNS art. 9): the guarantees stop from
    ``starts_at`` until the reinstatement ``ends_at`` (« le lendemain à midi du jour où ont été
    payées » the contributions due), or for good when the adhesion is terminated for unpaid
    contributions. Billing writes these rows (the dates come from the membership core's
    :func:`mutuelle.membership.unpaid_timeline`); claims read them
    (:func:`mutuelle.web.members.services.suspension_periods`) and settle no care inside one.
    A row is never deleted; ``ends_at`` is set once, when the member pays."""

    adhesion = models.ForeignKey(
        Adhesion, on_delete=models.PROTECT, related_name="suspensions", verbose_name="adhésion"
    )
    starts_at = models.DateTimeField("garanties suspendues à partir du")
    ends_at = models.DateTimeField("remises en vigueur le", null=True, blank=True)
    source = models.CharField("règle appliquée", max_length=300)
    notice_sent_on = models.DateField("mise en demeure envoyée le")
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "suspension des garanties"
        verbose_name_plural = "suspensions des garanties"
        ordering = ["adhesion", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="suspension_end_after_start",
            )
        ]

    def __str__(self) -> str:
        end = f" au {self.ends_at:%d/%m/%Y %H:%M}" if self.ends_at else ""
        return f"Garanties suspendues du {self.starts_at:%d/%m/%Y %H:%M}{end}"

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("une suspension des garanties ne se supprime pas")


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
