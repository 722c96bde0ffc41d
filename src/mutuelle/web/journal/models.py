"""The journal's rows: one :class:`JournalEntry` per entry of :mod:`mutuelle.journal`, its
:class:`JournalPosting` lines. Append-only: the models refuse to save an existing row or to
delete one; the database refuses UPDATE and DELETE (triggers, every backend) and, on
PostgreSQL, an entry whose postings do not sum to zero when the transaction commits (a
deferred constraint trigger, migration 0001). Balances are queries over the postings: no
column anywhere stores one.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from mutuelle.journal import AccountKind, EntryKind
from mutuelle.web.appendonly import AppendOnly, AppendOnlyModel, recorded_by

ENTRY_CHOICES = [(k.value, k.label) for k in EntryKind]
ACCOUNT_CHOICES = [(k.value, k.label) for k in AccountKind]

__all__ = ["AppendOnly", "JournalEntry", "JournalPosting"]


class JournalEntry(AppendOnlyModel):
    refusal = "le journal est en ajout seul (passer une écriture inverse)"

    key = models.CharField("clé d'idempotence", max_length=200, unique=True)
    kind = models.CharField("nature", max_length=40, choices=ENTRY_CHOICES)
    date = models.DateField("date comptable", db_index=True)
    period_start = models.DateField("période du", db_index=True)
    period_end = models.DateField("au")
    source = models.CharField("règle appliquée", max_length=300)
    memo = models.TextField("libellé")
    # No index: no query looks an entry up by what it reverses (issue 10: each index is
    # maintained on every one of the 340 000 entries of a yearly call).
    reverses = models.CharField("annule l'écriture", max_length=200, null=True, blank=True)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)
    created_by = recorded_by()
    # A plain index (Meta) for the back office's filter by batch, without the pattern (LIKE)
    # index ``db_index`` adds on PostgreSQL, which no query uses.
    batch = models.CharField("lot", max_length=80, blank=True)
    digest = models.CharField("empreinte du contenu (SHA-256)", max_length=64)

    class Meta:
        verbose_name = "écriture"
        verbose_name_plural = "écritures du journal"
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["batch"], name="journal_entry_batch")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="journal_entry_period_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} — {self.memo}"


class JournalPosting(AppendOnlyModel):
    refusal = "le journal est en ajout seul (passer une écriture inverse)"

    # No index of its own: the unique (entry, line) index below starts with the entry and serves
    # every look-up by entry (the balance trigger, the prefetch); a second index would only be
    # maintained on each of the millions of postings a year writes (issue 10). No foreign key
    # constraint either: the database's statement trigger over each insert's postings refuses
    # one whose entry is unknown, or of an earlier transaction (journal migration 0005: one
    # join per statement instead of one deferred check per posting at commit).
    entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="postings",
        verbose_name="écriture",
        db_index=False,
        db_constraint=False,
    )
    line = models.PositiveSmallIntegerField("ligne")
    account = models.CharField("compte", max_length=40, choices=ACCOUNT_CHOICES)
    # Indexed below by a plain index: ``db_index`` would add on PostgreSQL a second, pattern
    # (LIKE) index that no query uses, maintained on every posting.
    adhesion = models.CharField("adhésion", max_length=20, null=True, blank=True)
    party = models.CharField("professionnel", max_length=40, null=True, blank=True)
    cents = models.BigIntegerField("montant (centimes, débit > 0)")
    range = models.CharField("gamme", max_length=20, null=True, blank=True)
    formula = models.CharField("formule", max_length=30, null=True, blank=True)
    care_category = models.CharField("catégorie de soins", max_length=40, null=True, blank=True)

    class Meta:
        verbose_name = "ligne d'écriture"
        verbose_name_plural = "lignes d'écriture"
        ordering = ["entry", "line"]
        constraints = [
            models.CheckConstraint(condition=~Q(cents=0), name="journal_posting_not_zero"),
            models.UniqueConstraint(fields=["entry", "line"], name="journal_posting_line"),
        ]
        indexes = [
            models.Index(fields=["account", "adhesion"], name="journal_account_adhesion"),
            models.Index(fields=["adhesion"], name="journal_posting_adhesion"),
        ]

    def __str__(self) -> str:
        return f"{self.get_account_display()} {self.cents:+d}"
