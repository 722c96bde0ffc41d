"""Resumable batch runs: one row per run (what, who, progress, checkpoint, result) and one row
per item that could not be processed, with its reason. The checkpoint advances in the same
transaction as the work of each chunk (:mod:`mutuelle.web.jobs.framework`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RunStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Interrompu par une erreur"


class BatchRun(models.Model):
    kind = models.CharField("traitement", max_length=60, db_index=True)
    parameters = models.JSONField("paramètres", default=dict, blank=True)
    idempotency_key = models.CharField(
        "clé d'idempotence",
        max_length=200,
        unique=True,
        help_text="relancer avec la même clé reprend ce traitement, sans le refaire",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lancé par",
    )
    status = models.CharField(
        "état", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    total = models.IntegerField("éléments à traiter", null=True, blank=True)
    done = models.IntegerField("éléments traités", default=0)
    error_count = models.IntegerField("éléments en erreur", default=0)
    checkpoint = models.JSONField("dernier élément traité", null=True, blank=True)
    result = models.JSONField("résultat", default=dict, blank=True)
    failure = models.TextField("erreur qui a arrêté le traitement", blank=True)
    worker = models.CharField("exécuté par", max_length=120, blank=True)
    attempts = models.IntegerField("lancements", default=0)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "traitement par lots"
        verbose_name_plural = "traitements par lots"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(done__gte=0), name="batchrun_done_positive")
        ]

    def __str__(self) -> str:
        return f"{self.kind} n° {self.pk} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, self.done * 100 // self.total)


class BatchRunError(models.Model):
    run = models.ForeignKey(
        BatchRun, on_delete=models.CASCADE, related_name="errors", verbose_name="traitement"
    )
    item = models.CharField("élément", max_length=200)
    reason = models.TextField("motif")
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "élément en erreur"
        verbose_name_plural = "éléments en erreur"
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.item} : {self.reason}"
