"""The demonstration's money, from the launch up to today, before the committee's reports are
published (issue 13: « the demonstration population, with a year of billing and claims »).

Everything goes through the services staff use, in the order a year would bring it:

* the yearly call of each year covered (``web.billing.services.call_chunk``), each adhesion
  called in the month it starts (or on 1 January);
* the direct debits due, collected on the 1st of each month (``web.billing.collection.collect``:
  a pain.008 each time); twice, a few debits come back
  rejected in a pain.002 built by ``mutuelle.sepa.bank`` as the bank would send it (« AM04 »,
  presented again the next time; « MS02 », refused for good);
* the other members' payments recorded by staff on each due date (transfer, cheque; the payroll
  deductions once a quarter: ``web.billing.services.record_payment``);
* the unpaid process on the 12th (``web.billing.unpaid.apply``): the debits refused
  for good go to notice, suspension, then termination — except one member, who pays the
  arrears once suspended and is reinstated;
* each month's care, a lighter volume than ``mutuelle demo-claims`` (about one act for three
  beneficiaries a month: the demonstration stays a few minutes long), ingested on the 5th of the
  next month through the claims' ingestion (``web.claims.services``) and paid by credit transfer
  (``web.claims.payouts.pay``: a pain.001).

The P/C needs a loadings rate, which no text gives (G-65): the demonstration enters one, labelled
as such (docs/interpretations.md I-260).
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Sum

from mutuelle.dates import first_of_next_month
from mutuelle.vocabulary import PaymentMode
from mutuelle.web.members.enums import AdhesionStatus
from mutuelle.web.members.models import Adhesion, Suspension

# docs/interpretations.md I-260: no text fixes the loadings rate (G-65); the demonstration enters
# one so that its P/C can be read, and says that it is the demonstration's.
DEMO_LOADINGS_BP = 2000
# The report already says « saisi par la Mutuelle (aucun texte ne le fixe) » beside the rate.
DEMO_LOADINGS_SOURCE = "taux de démonstration, fictif : ce n'est pas celui de la Mutuelle"

# Care lines per beneficiary and month: 0, 1 or 2 acts (mean 0.3; ``mutuelle demo-claims``
# draws 0 to 4, mean 1.4). A demo choice, to keep the first start short.
ACTS_PER_MONTH = ([0, 1, 2], [75, 20, 5])
CHUNK = 1000  # adhesions per call chunk
CLAIM_CHUNK = 500  # claim lines per ingestion chunk (see _ingest)


@dataclass
class _Run:
    today: dt.date
    rng: random.Random
    progress: Callable[[str], None]
    counts: dict[str, int] = field(default_factory=dict)
    staff_due: list[tuple[dt.date, int, int, str]] = field(default_factory=list)
    reinstate: str | None = None  # the member who pays once suspended
    rejected_for_good: list[str] = field(default_factory=list)

    def add(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


def load_money(
    today: dt.date, seed: int = 2025, progress: Callable[[str], None] = lambda s: None
) -> dict[str, int]:
    """Bring the demonstration's money into the journal, up to ``today`` (an empty journal of
    billing and claims; the population is written)."""
    from mutuelle.web.reporting import models as m

    adhesions = Adhesion.objects.filter(status=AdhesionStatus.ACTIVE, start__lte=today)
    first = adhesions.order_by("start").values_list("start", flat=True).first()
    run = _Run(today, random.Random(f"{seed}-argent"), progress)
    if first is None:
        return {}
    for year in range(first.year, today.year + 1):
        _call(run, year)
    _staff_schedule(run)
    month = first.replace(day=1)
    while month <= today:
        progress(f"  argent de la démonstration : {month:%m/%Y}…")
        for day, what in sorted(_days(month)):
            if day > today:
                continue
            what(run, day)
        month = first_of_next_month(month)
    if not m.LoadingsRate.objects.exists():
        m.LoadingsRate.objects.create(
            valid_from=dt.date(first.year, 1, 1),
            rate_bp=DEMO_LOADINGS_BP,
            source=DEMO_LOADINGS_SOURCE,
        )
    return run.counts


def _days(month: dt.date) -> list[tuple[dt.date, Callable[[_Run, dt.date], None]]]:
    d = month.replace
    # Collected on the 1st: every instalment fallen due since the last collection (an adhesion
    # starting on the 16th is debited on the next 1st), so that on the 12th the unpaid process
    # finds only what the bank rejected or nobody paid. The 12th, not earlier: the notice may
    # go from the 11th day after the due date (docs I-41), and the next month's debit is
    # imputed to the oldest instalment (docs I-166), so that a rejected 1st's instalment not
    # noticed by then would roll from month to month.
    return [(d(day=1), _collect), (d(day=5), _claims), (d(day=12), _unpaid)]


# --- contributions ---------------------------------------------------------------------------


def _call(run: _Run, year: int) -> None:
    """The call of ``year``, each adhesion on the first of the month it starts (1 January for
    those covered from before the year)."""
    from mutuelle.web.billing import services as billing

    jan1 = dt.date(year, 1, 1)
    rows = (
        billing.billable(year)
        .filter(status=AdhesionStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "start")
    )
    by_day: dict[dt.date, list[int]] = {}
    for pk, start in rows:
        on = min(max(jan1, start.replace(day=1)), max(run.today, jan1))
        by_day.setdefault(on, []).append(pk)
    for on, pks in sorted(by_day.items()):
        for i in range(0, len(pks), CHUNK):
            outcome, errors = billing.call_chunk(pks[i : i + CHUNK], year, on, batch="demo-data")
            run.add("call_entries", outcome.posted)
            run.add("calls_refused", len(errors))
    run.progress(f"  appel des cotisations {year} : fait")


def _staff_schedule(run: _Run) -> None:
    """The instalments the members not paying by direct debit pay on their due dates: billing's
    calls as the journal holds them, summed per instalment in one query (the due date is the
    instalment's first day, docs I-163) — ``web.billing.services.schedule`` reads the same,
    one adhesion and year at a time."""
    from mutuelle.billing.call import CALL_KINDS
    from mutuelle.journal import AccountKind
    from mutuelle.web.journal.models import JournalPosting

    others = Adhesion.objects.filter(status=AdhesionStatus.ACTIVE).exclude(
        payment_mode=PaymentMode.DIRECT_DEBIT
    )
    pks = dict(others.values_list("number", "pk"))
    rows = (
        JournalPosting.objects.filter(
            account=AccountKind.member_contributions.value,
            adhesion__in=others.values("number"),
            entry__key__startswith="bill:",
            entry__kind__in=[k.value for k in CALL_KINDS],
        )
        .values_list("adhesion", "entry__period_start")
        .annotate(total=Sum("cents"))
        .order_by()
    )
    payroll = set(others.filter(payroll_deduction=True).values_list("number", flat=True))
    quarters: dict[tuple[str, int, int], list[tuple[dt.date, int]]] = {}
    for number, start, cents in rows:
        if not cents or cents <= 0:
            continue
        if number in payroll:
            # The employer pays what it withheld once a quarter, on the quarter's first due
            # date, for its three months (a demo choice: no text sets the employer's rhythm).
            key = (number, start.year, (start.month - 1) // 3)
            quarters.setdefault(key, []).append((start, int(cents)))
        else:
            run.staff_due.append((start, pks[number], int(cents), start.isoformat()))
    for (number, _, _), parts in quarters.items():
        first = min(d for d, _ in parts)
        run.staff_due.append((first, pks[number], sum(c for _, c in parts), first.isoformat()))
    run.staff_due.sort()


def _staff_payments(run: _Run, day: dt.date) -> None:
    from mutuelle.web.billing import services as billing

    due = [x for x in run.staff_due if x[0] <= day]
    run.staff_due = [x for x in run.staff_due if x[0] > day]
    ads = Adhesion.objects.in_bulk([pk for _, pk, _, _ in due])
    for on, pk, cents, start in due:
        a = ads[pk]
        mode = "payroll" if a.payroll_deduction else a.payment_mode or "transfer"
        billing.record_payment(a, cents=cents, on=on, mode=mode, reference=f"DEMO-{start}")
        run.add("staff_payments", 1)


def _collect(run: _Run, day: dt.date) -> None:
    from mutuelle.web.billing import collection

    _staff_payments(run, day)
    report = collection.collect(day)
    if report.file is None:
        return
    run.add("debit_files", 1)
    run.add("debits", len(report.debits))
    if day.day == 1 and day.month in (10, 3) and day.year >= 2025:
        _reject(run, report.file, day)


def _reject(run: _Run, record: Any, day: dt.date) -> None:
    """A few of the day's debits come back rejected (a pain.002 as the bank builds it)."""
    from mutuelle import sepa
    from mutuelle.sepa import bank
    from mutuelle.web.payments import returns
    from mutuelle.web.payments import services as payments

    txs = list(record.transactions.order_by("pk").values_list("end_to_end_id", "reference"))
    if len(txs) < 2:
        return
    k = max(1, len(txs) // 1000)
    picked = run.rng.sample(txs, 2 * k)
    codes = {e2e: ("AM04" if i < k else "MS02") for i, (e2e, _) in enumerate(picked)}
    document = sepa.SepaDocument(
        kind=sepa.FileKind(record.kind),
        schema=record.schema,
        message_id=record.message_id,
        date=record.date,
        count=record.count,
        control_sum_cents=record.control_sum_cents,
        sha256=record.sha256,
        batches=(),
        xml=payments.file_bytes(record),
    )
    data = bank.status_report(
        document,
        codes,
        message_id=f"DEMO-REJ-{day:%Y%m%d}",
        created_at=dt.datetime.combine(day + dt.timedelta(days=2), dt.time(9, 0)),
    )
    returns.import_bank_returns(data, name=f"rejets-{day:%Y-%m-%d}.xml")
    run.add("debits_rejected", len(codes))
    for _, ref in picked[k:]:
        number = ref.split(":", 1)[0]
        run.rejected_for_good.append(number)
        if run.reinstate is None:
            run.reinstate = number


def _unpaid(run: _Run, day: dt.date) -> None:
    from mutuelle.web.billing import services as billing
    from mutuelle.web.billing import unpaid
    from mutuelle.web.journal import services as journal

    q = unpaid.apply(day)
    for key, n in q.done.items():
        run.add(f"unpaid_{key}", n)
    number = run.reinstate
    if number and Suspension.objects.filter(adhesion__number=number, ends_at__isnull=True):
        # Suspended, this member pays the arrears by transfer: reinstated the day after.
        a = Adhesion.objects.get(number=number)
        owed = journal.contribution_status(number).owed_on(day + dt.timedelta(days=1))
        if owed > 0:
            billing.record_payment(
                a, cents=owed, on=day, mode="transfer", reference=f"DEMO-ARRIERES-{day}"
            )
            run.add("staff_payments", 1)
        run.reinstate = ""


# --- claims ----------------------------------------------------------------------------------


def _claims(run: _Run, day: dt.date) -> None:
    """The previous month's care, received on the 5th and paid the same day."""
    from mutuelle.web.claims import payouts

    month = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"soins-{month:%Y-%m}.csv"
        if not _month_file(run, month, path):
            return
        counts = _ingest(path, day)
    run.add("claim_lines", int(counts.get("read", 0)))
    run.add("claim_lines_settled", int(counts.get("settled", 0)))
    paid = payouts.pay(day)
    if paid.created and paid.paid:
        run.add("benefit_transfers", len(paid.paid))


def _month_file(run: _Run, month: dt.date, out: Path) -> int:
    """The month's lines, written as ``mutuelle demo-claims`` writes them (same act mix, same
    format), at the demonstration's lighter volume; the number of lines."""
    from mutuelle.web.claims.demo import HEADER, beneficiaries, line, pick

    rng = random.Random(f"{run.rng.random()}-{month:%Y-%m}")
    days = calendar.monthrange(month.year, month.month)[1]
    rows: list[tuple[str, str]] = []
    n = 0
    for number, rank, birth in beneficiaries(month):
        for _ in range(rng.choices(*ACTS_PER_MONTH)[0]):
            n += 1
            day = month.replace(day=rng.randint(1, days)).isoformat()
            # « A… » ids: ``mutuelle demo-claims`` (« D… ») of the same month stays new.
            rows.append((day, line(f"A{month:%Y%m}-{n:06d}", number, rank, birth, day, pick(rng))))
    if not rows:
        return 0
    rows.sort(key=lambda r: r[0])
    with out.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for _, text in rows:
            f.write(text + "\n")
    return len(rows)


def _ingest(path: Path, on: dt.date) -> dict[str, Any]:
    """``mutuelle ingest`` without its command: the file received once, settled chunk by chunk
    (claims' own services; the rejected lines stay in the back office's queue)."""
    from mutuelle.web.claims import services as claims

    file, done = claims.open_file(path)
    assert file is not None
    if not done:
        ingest = claims.Ingest(on=on)
        with path.open(encoding="utf-8-sig", newline="") as f:
            # 500 lines a chunk: a chunk of 2 000 lines spread over more than about a thousand
            # households makes the ingestion's family query too deep for SQLite (« Expression
            # tree is too large »).
            for chunk in claims.chunks(f, CLAIM_CHUNK, after=file.lines_done):
                ingest.process(chunk, file)
        claims.finish(file)
    return dict(file.counts)
