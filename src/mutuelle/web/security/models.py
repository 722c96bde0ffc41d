"""The health-data access log (append-only), the flag that lets ``mutuelle purge`` delete
from append-only tables, the permissions that belong to no other model, and the history of
writes recorded by database triggers (django-pghistory, PostgreSQL only).

The access log answers « who opened this member's file, when, from where »: every read of a
member's file, a justificatif download, an export (and, once they exist, a claim or a
décompte) adds a row through :func:`mutuelle.web.security.audit.log_read`. The database
refuses to change a row and to delete one outside a purge (triggers, migration 0002 of this
app): a member of staff cannot erase their own traces.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models

from mutuelle.web.members.models import Adhesion, Affiliation, Document, FormulaPeriod, Person


class AccessAction(models.TextChoices):
    READ = "read", "consultation"
    DOWNLOAD = "download", "téléchargement d'un justificatif"
    EXPORT = "export", "export"
    SEARCH = "search", "recherche"


class AccessLog(models.Model):
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # a user who read files is deactivated, never deleted
        null=True,
        related_name="+",
        verbose_name="compte",
    )
    username = models.CharField("identifiant", max_length=150)
    action = models.CharField("acte", max_length=10, choices=AccessAction.choices)
    subject_type = models.CharField("objet", max_length=60)
    subject_id = models.CharField("n° interne", max_length=40)
    adhesion_number = models.CharField("adhésion", max_length=20, blank=True, db_index=True)
    person_id = models.BigIntegerField("personne (n° interne)", null=True, blank=True)
    what = models.CharField("quoi", max_length=200)
    path = models.CharField("adresse de la page", max_length=300)
    client_ip = models.GenericIPAddressField("depuis l'adresse", null=True, blank=True)

    class Meta:
        verbose_name = "accès à un dossier"
        verbose_name_plural = "journal des accès aux dossiers"
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        permissions = [("export_accesslog", "Exporter le journal des accès (CSV)")]
        indexes = [models.Index(fields=["person_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} — {self.what}"


class PurgeFlag(models.Model):
    """SQLite only: while ``mutuelle purge`` holds a row here (inside its transaction), the
    append-only triggers let it delete. PostgreSQL uses ``SET LOCAL mutuelle.purge = 'on'``."""

    on = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()


class Safeguard(models.Model):
    """No rows: the holder of the permissions that belong to no model."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_iban", "Voir les IBAN en clair (comptabilité)"),
            ("export_person", "Exporter les données d'une personne (RGPD art. 15 et 20)"),
            ("erase_person", "Traiter une demande d'effacement (RGPD art. 17)"),
        ]


# --- writes recorded by database triggers (PostgreSQL) ---------------------------------------
# django-pghistory installs INSERT/UPDATE/DELETE triggers on the tracked tables: bulk writes and
# raw SQL are caught, unlike signals (the context — user, page — is not attached: settings.base
# says why). On SQLite pgtrigger installs nothing (its vendor check):
# the tables exist and stay empty, and the append-only event history of the acts
# (``members.Event``) is the only record of writes there (README, « Journal des écritures »).
# The IBAN columns are not copied: the history says that they changed, not to what.


def _trackers() -> tuple[pghistory.RowEvent, ...]:
    # New instances for each model: a tracker keeps the fields of the model it was set up on.
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


# The columns copied into the history: listed, not « all but », so that a field another app
# adds to a tracked model does not silently change this app's tables (add it here, with a
# migration of this app, when its history matters). No IBAN: the history says that the bank
# details changed (an update row), never to what.
TRACKED = {
    Person: [
        "id",
        "last_name",
        "first_name",
        "birth_date",
        "email",
        "phone",
        "address",
        "postcode",
        "city",
    ],
    Adhesion: [
        "id",
        "number",
        "offer",
        "range",
        "member",
        "channel",
        "signed_on",
        "file_sent_on",
        "wished_start",
        "previous_cover_ends",
        "start",
        "end",
        "end_reason",
        "end_notified_on",
        "status",
        "payment_mode",
        "payment_frequency",
        "prior_cover",
        "socio_professional",
    ],
    Affiliation: [
        "id",
        "adhesion",
        "person",
        "role",
        "proof",
        "disabled",
        "requested_on",
        "start",
        "end",
        "end_reason",
    ],
    FormulaPeriod: ["id", "adhesion", "formula", "start", "end", "requested_on"],
    Document: ["id", "adhesion", "person", "kind", "received_on", "note", "file"],
}


def _history(model: type[models.Model], name: str, label: str) -> type[models.Model]:
    return pghistory.create_event_model(  # type: ignore[no-any-return]
        model,
        *_trackers(),
        fields=TRACKED[model],
        model_name=name,
        app_label="security",
        abstract=False,
        meta={"verbose_name": f"écriture ({label})", "verbose_name_plural": f"écritures : {label}"},
    )


PersonHistory = _history(Person, "PersonHistory", "personnes")
AdhesionHistory = _history(Adhesion, "AdhesionHistory", "adhésions")
AffiliationHistory = _history(Affiliation, "AffiliationHistory", "ayants droit")
FormulaPeriodHistory = _history(FormulaPeriod, "FormulaPeriodHistory", "formules")
DocumentHistory = _history(Document, "DocumentHistory", "justificatifs")

HISTORY_MODELS = (
    PersonHistory,
    AdhesionHistory,
    AffiliationHistory,
    FormulaPeriodHistory,
    DocumentHistory,
)


class IdempotencyKey(models.Model):
    """A request that must take effect once (issue 12, probe finding 4: a double click made two
    adhesion requests): the first request with a key records here what it created; a repeat of
    the same key answers that instead of creating again (:mod:`mutuelle.web.security.idempotency`).
    The key is claimed in the same transaction as the write, so two simultaneous repeats cannot
    both create."""

    scope = models.CharField("usage", max_length=40)
    key = models.CharField("clé", max_length=200)
    fingerprint = models.CharField("empreinte du contenu (SHA-256)", max_length=64)
    reference = models.CharField("créé", max_length=60, blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "clé d'idempotence"
        verbose_name_plural = "clés d'idempotence"
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="one_use_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} → {self.reference or '…'}"
