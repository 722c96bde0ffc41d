"""The claims' rows. Lines, settlements and consumption entries are append-only (like the
journal): a revision is a new settlement version with its reversing and new consumption
entries, never an update. Files and payment batches carry their progress (checkpoints).

* :class:`ClaimFile` — a received file (by its SHA-256), its checkpoint and counters;
* :class:`ClaimFileLane` — the checkpoint and counters of one lane of a file ingested by
  parallel processes;
* :class:`ClaimLine` — one line received (unique ``source`` + ``emitter`` + ``line_id``);
* :class:`Settlement` — a version of a line's settlement with its explanation (typed steps as
  data); the line's current settlement is its highest version;
* :class:`ConsumptionEntry` — the typed consumption entries (``mutuelle.benefits.consumption``)
  of a settlement, and the reversing entries of a revised one;
* :class:`Rejection` — a line that could not be settled as received (the rejection queue);
* :class:`PaymentBatch` / :class:`Payment` — a transfer file and what it pays.
"""

from __future__ import annotations

from django.db import models

from mutuelle.web.appendonly import AppendOnlyModel

STATUS_CHOICES = [("running", "en cours"), ("done", "terminé")]


class ClaimFile(models.Model):
    sha256 = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    name = models.CharField("nom du fichier", max_length=300)
    status = models.CharField("état", max_length=10, choices=STATUS_CHOICES, default="running")
    lines_done = models.PositiveIntegerField("lignes traitées (point de reprise)", default=0)
    counts = models.JSONField("compteurs", default=dict)
    attempts = models.PositiveSmallIntegerField("passages", default=1)
    started_at = models.DateTimeField("commencé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    # The lines of the file count from this reception order (its line number added): fixed
    # when the file is first received, so that lanes working at once and a rerun give each
    # line the same order; ``line_total`` lines are reserved (docs I-290).
    reception_base = models.BigIntegerField("premier ordre de réception", null=True, blank=True)
    line_total = models.PositiveIntegerField("lignes du fichier", null=True, blank=True)
    lanes = models.PositiveSmallIntegerField("voies parallèles", default=1)

    class Meta:
        verbose_name = "fichier de prestations"
        verbose_name_plural = "fichiers de prestations"

    def __str__(self) -> str:
        return self.name


class ClaimFileLane(models.Model):
    """One lane of a file ingested by several processes at once (``mutuelle ingest --lanes``):
    the lines of the households whose adhesion number falls in this lane, with their own
    checkpoint and counters (docs I-290)."""

    file = models.ForeignKey(ClaimFile, on_delete=models.CASCADE, related_name="lane_rows")
    lane = models.PositiveSmallIntegerField("voie")
    lines_done = models.PositiveIntegerField("lignes traitées (point de reprise)", default=0)
    counts = models.JSONField("compteurs", default=dict)
    status = models.CharField("état", max_length=10, choices=STATUS_CHOICES, default="running")

    class Meta:
        verbose_name = "voie d'un fichier de prestations"
        verbose_name_plural = "voies des fichiers de prestations"
        constraints = [
            models.UniqueConstraint(fields=["file", "lane"], name="claims_file_lane_once")
        ]

    def __str__(self) -> str:
        return f"{self.file} — voie {self.lane + 1}/{self.file.lanes}"


class ClaimLine(AppendOnlyModel):
    refusal = "les lignes reçues sont en ajout seul"

    source = models.CharField("origine", max_length=20)
    emitter = models.CharField("émetteur", max_length=60)
    line_id = models.CharField("identifiant de ligne", max_length=80, db_index=True)
    file = models.ForeignKey(
        ClaimFile, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    line_no = models.PositiveIntegerField("ligne du fichier", default=0)
    reception = models.BigIntegerField("ordre de réception", db_index=True)
    adhesion = models.ForeignKey(
        "members.Adhesion", on_delete=models.PROTECT, related_name="claim_lines"
    )
    # (indexed by the two indexes below, which lead with it)
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    rank = models.PositiveSmallIntegerField("rang du bénéficiaire")
    care_date = models.DateField("date des soins", null=True, blank=True)
    benefit = models.CharField("prestation", max_length=40, blank=True)
    act_code = models.CharField("code d'acte", max_length=20, blank=True)
    billed_cents = models.BigIntegerField("frais réels", default=0)
    amo_cents = models.BigIntegerField("remboursement AMO", default=0)
    payee = models.CharField("bénéficiaire du paiement", max_length=12, default="member")
    practitioner_id = models.CharField("professionnel", max_length=40, blank=True)
    reverses = models.CharField("annule la ligne", max_length=200, blank=True)
    decompte_id = models.CharField("décompte AMO", max_length=60, blank=True)
    event = models.JSONField("événement de soins (moteur)", default=dict)
    record = models.JSONField("ligne reçue", default=dict)
    received_at = models.DateTimeField("reçue le")
    entered_by = models.CharField("saisie par", max_length=150, blank=True)

    class Meta:
        verbose_name = "ligne de soins"
        verbose_name_plural = "lignes de soins"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "emitter", "line_id"], name="claims_line_unique_per_emitter"
            )
        ]
        indexes = [
            models.Index(fields=["person", "adhesion"], name="claims_line_beneficiary"),
            # the same act received by another path (I-187): by beneficiary and care date
            models.Index(fields=["person", "care_date"], name="claims_line_person_day"),
        ]

    @property
    def uid(self) -> str:
        return f"{self.source}/{self.emitter}/{self.line_id}"


class Settlement(AppendOnlyModel):
    refusal = "les règlements sont en ajout seul (une révision est une nouvelle version)"

    # (indexed by the unique constraint (line, version))
    line = models.ForeignKey(
        ClaimLine, on_delete=models.PROTECT, related_name="settlements", db_index=False
    )
    version = models.PositiveSmallIntegerField("version")
    kind = models.CharField("nature", max_length=10)  # new / revised / cancelled
    status = models.CharField("état", max_length=10)  # settled / refused / cancelled
    # The line's adhesion and person, copied for the statements' queries: the database checks
    # them once, on the line (docs I-250) — not again on each settlement version.
    adhesion = models.ForeignKey(
        "members.Adhesion",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    care_date = models.DateField("date des soins")
    benefit = models.CharField("prestation", max_length=40)
    formula = models.CharField("formule", max_length=30, blank=True)
    billed_cents = models.BigIntegerField("frais réels")
    amo_paid_cents = models.BigIntegerField("versé par l'AMO")
    mutuelle_cents = models.BigIntegerField("part de la Mutuelle")
    out_of_pocket_cents = models.BigIntegerField("reste à charge")
    delta_cents = models.BigIntegerField("écart avec la version précédente")
    payable_adhesion = models.CharField("payé à l'adhésion", max_length=20, blank=True)
    payable_party = models.CharField("payé au professionnel", max_length=40, blank=True)
    range = models.CharField("gamme", max_length=20)
    reason = models.TextField("motif", blank=True)
    reason_source = models.TextField("source du motif", blank=True)
    explanation = models.JSONField("explication (étapes)", default=list)
    ceilings = models.JSONField("plafonds consommés", default=list)
    settled_on = models.DateField("réglé le")
    created_at = models.DateTimeField("enregistré le")

    class Meta:
        verbose_name = "règlement"
        verbose_name_plural = "règlements"
        constraints = [
            models.UniqueConstraint(fields=["line", "version"], name="claims_settlement_version")
        ]
        indexes = [models.Index(fields=["adhesion", "care_date"], name="claims_settl_adhesion")]


class ConsumptionEntry(AppendOnlyModel):
    refusal = "les consommations sont en ajout seul"

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="consumption")
    # the settlement's line's person and adhesion (docs I-250; indexed below)
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    adhesion = models.ForeignKey(
        "members.Adhesion",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    key = models.CharField("clé", max_length=80)
    period_start = models.DateField("période du")
    period_end = models.DateField("au")
    window = models.PositiveSmallIntegerField("fenêtre", default=0)
    unit = models.CharField("unité", max_length=20)
    amount = models.BigIntegerField("quantité consommée")  # < 0: reversing entry
    tag = models.CharField("étiquette", max_length=20, blank=True)
    reversing = models.BooleanField("écriture inverse", default=False)

    class Meta:
        verbose_name = "consommation"
        verbose_name_plural = "consommations"
        indexes = [models.Index(fields=["person", "adhesion"], name="claims_cons_beneficiary")]


class Rejection(models.Model):
    """The rejection queue: a line received and not settled; fixed and resubmitted by staff."""

    file = models.ForeignKey(
        ClaimFile, on_delete=models.PROTECT, null=True, blank=True, related_name="rejections"
    )
    line_no = models.PositiveIntegerField("ligne du fichier", default=0)
    line_id = models.CharField("identifiant de ligne", max_length=80, blank=True)
    adhesion_no = models.CharField("adhésion", max_length=20, blank=True, db_index=True)
    field = models.CharField("champ", max_length=40, blank=True)
    reason = models.TextField("motif")
    code = models.CharField("code", max_length=30, blank=True)
    record = models.JSONField("ligne reçue", default=dict)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    resolved_at = models.DateTimeField("traitée le", null=True, blank=True)
    resolved_by = models.CharField("traitée par", max_length=150, blank=True)

    class Meta:
        verbose_name = "ligne rejetée"
        verbose_name_plural = "lignes rejetées"


class PaymentBatch(models.Model):
    key = models.CharField("clé", max_length=60, unique=True)
    pay_date = models.DateField("date d'exécution")
    status = models.CharField("état", max_length=10, choices=STATUS_CHOICES, default="running")
    sepa_file = models.ForeignKey(
        "payments.SepaFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_cents = models.BigIntegerField("total", default=0)
    count = models.PositiveIntegerField("virements", default=0)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "lot de virements de prestations"
        verbose_name_plural = "lots de virements de prestations"


class Payment(models.Model):
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="payments")
    payable_adhesion = models.CharField("adhésion", max_length=20, blank=True, db_index=True)
    payable_party = models.CharField("professionnel", max_length=40, blank=True)
    cents = models.BigIntegerField("montant")
    end_to_end = models.CharField("référence de bout en bout", max_length=35, unique=True)
    status = models.CharField("état", max_length=10, default="sent")  # sent / returned
    entry_key = models.CharField("écriture", max_length=200)

    class Meta:
        verbose_name = "virement de prestations"
        verbose_name_plural = "virements de prestations"


class NoemieLink(models.Model):
    """The télétransmission link of a beneficiary with the AMO (Règlement particuliers V-6):
    linked, not linked, ended. One beneficiary is linked to one complementary only (reference
    regulation.md §7.1): a beneficiary still linked elsewhere must not be reimbursed twice."""

    STATUS = [
        ("linked", "relié"),
        ("not_linked", "non relié"),
        ("ended", "lien terminé"),
        ("elsewhere", "relié à un autre organisme complémentaire"),
    ]
    # The states in which a line télétransmise by the AMO is not paid (docs I-188).
    BLOCKING = ("ended", "elsewhere")

    adhesion = models.ForeignKey("members.Adhesion", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("état", max_length=12, choices=STATUS, default="not_linked")
    since = models.DateField("depuis le", null=True, blank=True)
    note = models.CharField("remarque", max_length=200, blank=True)

    class Meta:
        verbose_name = "lien NOEMIE"
        verbose_name_plural = "liens NOEMIE"
        constraints = [
            models.UniqueConstraint(fields=["adhesion", "person"], name="claims_noemie_once")
        ]
