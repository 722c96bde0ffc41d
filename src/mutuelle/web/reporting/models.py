"""What staff record for the steering committee (convention art. 4 and 5), and the reports
published to it.

Permanences held, events, prevention actions, meetings, workshop themes, the complaints
register, the list of upcoming regulatory changes, the communication spending, the loadings rate
of the P/C ratio (G-65: in no text, entered by the Mutuelle), and each report published to the
committee (frozen: the figures the town received never change, and every later report is
protected together with them — docs I-146). The town's role reads the published reports only,
through the permission ``reporting.view_town_aggregates``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from mutuelle.reporting.complaints import Channel, Subject
from mutuelle.reporting.outreach import Audience, MeetingKind
from mutuelle.web.members.enums import RangeChoice

TOWN_PERMISSION = "reporting.view_town_aggregates"


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]  # type: ignore[attr-defined]


class Recorded(models.Model):
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
        editable=False,
    )
    recorded_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        abstract = True


class Moment(models.TextChoices):
    MORNING = "morning", "matin (une demi-journée)"
    AFTERNOON = "afternoon", "après-midi (une demi-journée)"
    DAY = "day", "journée (deux demi-journées)"


class PermanenceSession(Recorded):
    """A permanence held (convention art. 4.1; art. 5, 3rd indicator)."""

    place = models.ForeignKey(
        "public.PermanencePlace",
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name="lieu",
    )
    day = models.DateField("date")
    moment = models.CharField("moment", max_length=10, choices=Moment.choices)
    participants = models.PositiveIntegerField(
        "participant-es", default=0, help_text="personnes reçues pendant la permanence"
    )
    contacts = models.PositiveIntegerField(
        "contacts établis", default=0, help_text="personnes à recontacter (devis, dossier)"
    )
    css_orientations = models.PositiveIntegerField(
        "orientations vers la CSS", default=0, help_text="convention art. 2.3"
    )
    aid_orientations = models.PositiveIntegerField(
        "orientations vers d'autres aides", default=0, help_text="aides à la complémentaire santé"
    )
    note = models.CharField("remarque", max_length=200, blank=True)

    class Meta:
        verbose_name = "permanence effectuée"
        verbose_name_plural = "permanences effectuées"
        ordering = ["-day", "place", "moment"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "day", "moment"], name="one_session_per_place_and_moment"
            ),
            models.CheckConstraint(
                condition=Q(css_orientations__lte=F("participants") + F("contacts"))
                & Q(aid_orientations__lte=F("participants") + F("contacts")),
                name="orientations_among_people_met",
            ),
        ]

    @property
    def half_days(self) -> int:
        return 2 if self.moment == Moment.DAY else 1

    def __str__(self) -> str:
        return f"{self.place} — {self.day:%d/%m/%Y} ({self.get_moment_display()})"


class OutreachEvent(Recorded):
    """An event organised by the Ville or the CCAS where the Mutuelle took part (art. 4.2)."""

    day = models.DateField("date")
    title = models.CharField("événement", max_length=200, help_text="forum des seniors…")
    place = models.CharField("lieu", max_length=200, blank=True)
    contacts = models.PositiveIntegerField("contacts établis", default=0)
    note = models.CharField("remarque", max_length=200, blank=True)

    class Meta:
        verbose_name = "événement de la Ville ou du CCAS"
        verbose_name_plural = "événements de la Ville ou du CCAS"
        ordering = ["-day", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.day:%d/%m/%Y})"


class PreventionAction(Recorded):
    """A prevention action (art. 4.2; art. 5, 7th indicator), possibly a free check."""

    day = models.DateField("date")
    audience = models.CharField("public", max_length=10, choices=_choices(Audience))
    title = models.CharField("contenu", max_length=200, help_text="thème, intervenant-e")
    free_check = models.BooleanField(
        "bilan auditif ou optique gratuit (réseau ECOUTER-VOIR)", default=False
    )
    participants = models.PositiveIntegerField("participant-es", default=0)
    place = models.CharField("lieu", max_length=200, blank=True)

    class Meta:
        verbose_name = "action de prévention"
        verbose_name_plural = "actions de prévention"
        ordering = ["-day", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.day:%d/%m/%Y})"


class Meeting(Recorded):
    """A meeting (art. 4.2 public meetings, art. 4.3 partners and training, art. 5 8th)."""

    day = models.DateField("date")
    kind = models.CharField("type", max_length=10, choices=_choices(MeetingKind))
    title = models.CharField("contenu", max_length=200)
    participants = models.PositiveIntegerField("participant-es", default=0)
    place = models.CharField("lieu", max_length=200, blank=True)

    class Meta:
        verbose_name = "réunion"
        verbose_name_plural = "réunions"
        ordering = ["-day", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.day:%d/%m/%Y})"


class WorkshopTheme(Recorded):
    """A prevention workshop theme proposed for a local need (art. 5, 6th indicator)."""

    proposed_on = models.DateField("proposée le")
    title = models.CharField("thématique", max_length=200)
    need = models.CharField("besoin local repéré", max_length=300, blank=True)

    class Meta:
        verbose_name = "thématique d'atelier proposée"
        verbose_name_plural = "thématiques d'ateliers proposées"
        ordering = ["-proposed_on", "title"]

    def __str__(self) -> str:
        return self.title


class RegulatoryChange(Recorded):
    """An upcoming legal or regulatory change (art. 5, 10th indicator)."""

    title = models.CharField("évolution", max_length=250)
    effective_on = models.DateField("à partir du", null=True, blank=True)
    source = models.CharField("source", max_length=250, help_text="texte, article, date")
    impact = models.CharField("effet sur la mutuelle communale", max_length=300, blank=True)

    class Meta:
        verbose_name = "évolution législative ou réglementaire"
        verbose_name_plural = "évolutions législatives et réglementaires"
        ordering = ["effective_on", "title"]

    def __str__(self) -> str:
        return self.title


class CommunicationSpend(Recorded):
    """Money the Mutuelle spent on communication (art. 4.2: 20 000 € at launch, then 10 000 €)."""

    day = models.DateField("date")
    cents = models.PositiveIntegerField("montant (centimes)")
    label = models.CharField("objet", max_length=200)

    class Meta:
        verbose_name = "dépense de communication"
        verbose_name_plural = "dépenses de communication"
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.label


class Complaint(Recorded):
    """The complaints register (règlements: particuliers II-2, agents Dispositions diverses
    2), TNS art. 13). Deadlines are computed by the core, never typed."""

    number = models.CharField("numéro", max_length=20, unique=True, editable=False)
    received_on = models.DateField("reçue le")
    channel = models.CharField("forme", max_length=10, choices=_choices(Channel))
    written_on = models.DateField(
        "réclamation écrite le",
        null=True,
        blank=True,
        help_text="pour une réclamation orale : la date de l'écrit qui la formalise (il ouvre la "
        "médiation) ; une réclamation écrite : laisser vide",
    )
    adhesion = models.ForeignKey(
        "members.Adhesion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name="adhésion",
    )
    range = models.CharField(
        "gamme (règlement applicable)",
        max_length=20,
        choices=RangeChoice.choices,
        blank=True,
        help_text="déduite de l'adhésion ; à choisir quand la personne n'est pas adhérente",
    )
    subject = models.CharField("objet", max_length=15, choices=_choices(Subject))
    summary = models.TextField("contenu (personnel de la Mutuelle seulement)")
    acknowledged_on = models.DateField("accusé de réception le", null=True, blank=True)
    answered_on = models.DateField("réponse le", null=True, blank=True)
    answer = models.TextField("réponse apportée", blank=True)
    mediation_on = models.DateField("médiateur saisi le", null=True, blank=True)
    court = models.BooleanField("tribunaux saisis", default=False)

    class Meta:
        verbose_name = "réclamation"
        verbose_name_plural = "registre des réclamations"
        ordering = ["-received_on", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(written_on__isnull=True) | Q(written_on__gte=F("received_on")))
                & (Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gte=F("received_on")))
                & (Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")))
                & (Q(mediation_on__isnull=True) | Q(mediation_on__gte=F("received_on"))),
                name="complaint_dates_after_reception",
            ),
        ]
        indexes = [models.Index(fields=["answered_on", "received_on"])]

    def __str__(self) -> str:
        return f"{self.number} — {self.get_subject_display()}"


class LoadingsRate(Recorded):
    """The loadings rate (chargements) of the P/C ratio, from a date (G-65). Never edited: a
    correction is a new entry (the latest entered for a date wins)."""

    valid_from = models.DateField("à partir du")
    rate_bp = models.PositiveIntegerField(
        "taux (points de base)",
        validators=[MinValueValidator(0), MaxValueValidator(9999)],
        help_text="15 % = 1500",
    )
    source = models.CharField(
        "fondement", max_length=250, help_text="comptes de la Mutuelle, note technique…"
    )

    class Meta:
        verbose_name = "taux de chargement (P/C)"
        verbose_name_plural = "taux de chargement (P/C)"
        ordering = ["-valid_from", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.rate_bp / 100:.2f} % à partir du {self.valid_from:%d/%m/%Y}".replace(
            ".", ","
        )


class Publication(models.Model):
    """A report published to the steering committee: what the town sees, frozen."""

    period = models.CharField("période", max_length=10, unique=True)
    published_on = models.DateField("publié le")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="publié par",
    )
    offer = models.CharField("offre", max_length=40)
    report = models.JSONField("rapport")
    values = models.JSONField("chiffres publiés", help_text="[[case, valeur], …]")

    class Meta:
        verbose_name = "rapport publié au comité de pilotage"
        verbose_name_plural = "rapports publiés au comité de pilotage"
        ordering = ["-published_on", "-period"]
        permissions = [
            (
                "view_town_aggregates",
                "Voir les rapports agrégés du comité de pilotage (compte de la Ville)",
            )
        ]

    def __str__(self) -> str:
        return f"Rapport {self.period} (publié le {self.published_on:%d/%m/%Y})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("un rapport publié ne se modifie pas")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("un rapport publié ne se supprime pas")
