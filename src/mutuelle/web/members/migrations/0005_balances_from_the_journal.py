"""Balances leave the adhesion (docs/interpretations.md I-110 to I-113).

``paid_until``, ``up_to_date``, ``monthly_cents``, ``refund_cents`` and ``refund_by`` were
stored beside what they summarise. Before the columns go, each row's facts are brought in:

* contributions paid until a date → ``opening`` entries of the money journal: called and
  received from the start to that date, at the stored monthly amount (the prorata of I-01) —
  what the former fields said, no more;
* not up to date → the month after « payé jusqu'au » is brought in as called and unpaid (the
  least the former flag said: something fallen due is unpaid);
* a refund and its deadline → an event of the history carrying them (the membership core
  computed them at the termination; billing pays them);
* « payé jusqu'au » without a monthly amount (nothing to price the reprise with) → an event
  keeping the date, so nothing is lost.

The monthly contribution is a price: the pricing core computes it again (``Adhesion.
monthly_cents``). Going backwards restores empty columns; the journal keeps its entries.
"""

import datetime as dt

from django.db import migrations

from mutuelle.dates import days_in_month
from mutuelle.journal import opening_entries
from mutuelle.membership.prorata import due_for_period
from mutuelle.pricing.schedule import Due
from mutuelle.web.journal.services import entry_fields, posting_fields

MEMO = "Reprise de l'ancienne fiche (migration 0005)"


def _month_end(d):
    return d.replace(day=days_in_month(d.year, d.month))


def forward(apps, schema_editor):
    Adhesion = apps.get_model("members", "Adhesion")
    Event = apps.get_model("members", "Event")
    FormulaPeriod = apps.get_model("members", "FormulaPeriod")
    JournalEntry = apps.get_model("journal", "JournalEntry")
    JournalPosting = apps.get_model("journal", "JournalPosting")
    today = dt.date.today()
    formulas = {}
    for p in FormulaPeriod.objects.order_by("adhesion_id", "start"):
        formulas[p.adhesion_id] = p.formula
    entries, events = [], []
    for a in Adhesion.objects.order_by("id").iterator():
        formula = formulas.get(a.id)
        paid = a.paid_until if a.paid_until and a.paid_until >= a.start else None
        amounts = []
        if a.monthly_cents is not None:
            if paid is not None:
                amounts.append(
                    Due(a.start, paid, formula, due_for_period(a.monthly_cents, a.start, paid))
                )
            if not a.up_to_date:
                first = paid + dt.timedelta(days=1) if paid else a.start
                last = _month_end(first)
                amounts.append(
                    Due(first, last, formula, due_for_period(a.monthly_cents, first, last))
                )
            entries += opening_entries(
                a.number, amounts, paid_through=paid, date=today, range_id=a.range, memo=MEMO
            )
        elif a.paid_until is not None:
            said = "" if a.up_to_date else ", pas à jour"
            events.append(
                (
                    a.id,
                    "Reprise au journal impossible (cotisation mensuelle non calculée) : "
                    f"l'ancienne fiche disait cotisations payées jusqu'au "
                    f"{a.paid_until:%d/%m/%Y}{said}.",
                    {"paid_until": a.paid_until.isoformat()},
                )
            )
        if a.refund_cents is not None or a.refund_by is not None:
            amount = f"{a.refund_cents / 100:.2f} €".replace(".", ",") if a.refund_cents else ""
            by = f"au plus tard le {a.refund_by:%d/%m/%Y}" if a.refund_by else ""
            events.append(
                (
                    a.id,
                    "Reprise : remboursement calculé à la cessation "
                    + ", ".join(x for x in (amount, by) if x)
                    + ".",
                    {
                        "refund_cents": a.refund_cents,
                        "refund_by": a.refund_by.isoformat() if a.refund_by else None,
                    },
                )
            )
    rows = [JournalEntry(**entry_fields(e), batch="migration-0005") for e in entries]
    JournalEntry.objects.bulk_create(rows, batch_size=500)
    ids = dict(JournalEntry.objects.filter(batch="migration-0005").values_list("key", "id"))
    JournalPosting.objects.bulk_create(
        [JournalPosting(entry_id=ids[e.key], **f) for e in entries for f in posting_fields(e)],
        batch_size=500,
    )
    Event.objects.bulk_create(
        [
            Event(adhesion_id=pk, kind="change", summary=text, data={**data, "migrated": True})
            for pk, text, data in events
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_online_requests"),
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="adhesion",
            name="monthly_cents",
        ),
        migrations.RemoveField(
            model_name="adhesion",
            name="paid_until",
        ),
        migrations.RemoveField(
            model_name="adhesion",
            name="refund_by",
        ),
        migrations.RemoveField(
            model_name="adhesion",
            name="refund_cents",
        ),
        migrations.RemoveField(
            model_name="adhesion",
            name="up_to_date",
        ),
    ]
