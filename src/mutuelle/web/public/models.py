"""Data of the public site: where and when the permanences are (staff edit them in the back
office), and the anonymous count of CSS orientations for the steering committee.

Convention art. 4.1 (seed l. 1936-1946): the Mutuelle holds information and adhesion
permanences in the town's premises (Maisons des Habitant-es, Hôtel de Ville, Centre Communal
Camille Claudel, the future Cité des aîné-es et des aidant-es), at least 10 half-days a week,
places and frequency agreed between the parties. Convention art. 2.3 (l. 1917) and art. 5
(l. 1995): the Mutuelle detects people who may be entitled to the CSS, orients them, and reports
the « nombre d'orientations vers la Complémentaire Santé Solidaire » to the steering committee.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, models, transaction
from django.db.models import F, Q


class PlaceStatus(models.TextChoices):
    ACTIVE = "active", "Permanences en cours"
    PLANNED = "planned", "Lieu prévu, pas encore ouvert"
    CLOSED = "closed", "Plus de permanence"


class PermanencePlace(models.Model):
    name = models.CharField("lieu", max_length=150)
    address = models.CharField(
        "adresse", max_length=200, blank=True, help_text="laisser vide si elle n'est pas connue"
    )
    postcode = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("commune", max_length=100, default="Grenoble")
    phone = models.CharField(
        "téléphone",
        max_length=30,
        blank=True,
        help_text="le numéro à appeler pour ce lieu (les textes n'en donnent pas : à saisir)",
    )
    access = models.TextField(
        "accès et accessibilité",
        blank=True,
        help_text="transports, accès en fauteuil roulant, boucle magnétique…",
    )
    status = models.CharField(
        "statut", max_length=10, choices=PlaceStatus.choices, default=PlaceStatus.ACTIVE
    )
    source = models.CharField(
        "source", max_length=200, blank=True, help_text="article de la convention, décision"
    )
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "lieu de permanence"
        verbose_name_plural = "lieux de permanence"
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name


WEEKDAYS = [
    (0, "lundi"),
    (1, "mardi"),
    (2, "mercredi"),
    (3, "jeudi"),
    (4, "vendredi"),
    (5, "samedi"),
    (6, "dimanche"),
]


class PermanenceSlot(models.Model):
    place = models.ForeignKey(
        PermanencePlace, on_delete=models.CASCADE, related_name="slots", verbose_name="lieu"
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=WEEKDAYS)
    starts = models.TimeField("de")
    ends = models.TimeField("à")
    valid_from = models.DateField("à partir du", null=True, blank=True)
    valid_until = models.DateField("jusqu'au", null=True, blank=True)
    note = models.CharField(
        "précision",
        max_length=200,
        blank=True,
        help_text="« sur rendez-vous », « 1er et 3e mardis du mois », « sauf vacances »…",
    )

    class Meta:
        verbose_name = "créneau de permanence"
        verbose_name_plural = "créneaux de permanence"
        ordering = ["place", "weekday", "starts", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="slot_ends_after"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="slot_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"

    def current_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class CssVerdict(models.TextChoices):
    FREE = "free", "probablement éligible, sans participation"
    WITH_PARTICIPATION = "with_participation", "probablement éligible, avec participation"
    NOT_ELIGIBLE = "not_eligible", "probablement pas éligible"


class CssChannel(models.TextChoices):
    WEB = "web", "site public"
    API = "api", "API"


class CssOrientation(models.Model):
    """How many CSS screenings gave each verdict, per day and channel. Nothing else: no person,
    no resources, no address, no session (convention art. 5: the committee sees aggregates)."""

    day = models.DateField("jour")
    verdict = models.CharField("résultat", max_length=20, choices=CssVerdict.choices)
    channel = models.CharField("canal", max_length=5, choices=CssChannel.choices)
    count = models.PositiveIntegerField("nombre", default=0)

    class Meta:
        verbose_name = "orientation CSS (compteur anonyme)"
        verbose_name_plural = "orientations CSS (compteurs anonymes)"
        ordering = ["-day", "verdict", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["day", "verdict", "channel"], name="css_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_verdict_display()} ({self.channel}) : {self.count}"

    @classmethod
    def record(cls, day: dt.date, verdict: str, channel: str) -> None:
        """Add one to the day's counter (safe under concurrent requests)."""
        for _ in range(3):
            updated = cls.objects.filter(day=day, verdict=verdict, channel=channel).update(
                count=F("count") + 1
            )
            if updated:
                return
            try:
                with transaction.atomic():
                    cls.objects.create(day=day, verdict=verdict, channel=channel, count=1)
                return
            except IntegrityError:  # created meanwhile by another request: update it
                continue


class RequestLink(models.Model):
    """The private link of an online request (issue 9): a random token, given once to the
    visitor (on screen and in the PDF summary), that opens the request's page on another
    device while the request is pending. Only its SHA-256 is stored; the justificatifs the
    request needs are kept beside it so that the page reads the same on every device."""

    adhesion = models.OneToOneField(
        "members.Adhesion",
        on_delete=models.CASCADE,
        related_name="public_link",
        verbose_name="demande",
    )
    token_hash = models.CharField("empreinte du lien", max_length=64, unique=True)
    documents = models.JSONField("justificatifs demandés", default=list)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "lien privé d'une demande en ligne"
        verbose_name_plural = "liens privés des demandes en ligne"

    def __str__(self) -> str:
        return f"lien privé de {self.adhesion_id}"
