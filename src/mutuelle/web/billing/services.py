"""Billing's shell: loads an adhesion's facts and journal entries, calls the core
(:mod:`mutuelle.billing`), posts its entries, reads the schedule back from the journal."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from mutuelle.billing import AdhesionFacts, Already, YearlyCall, key_prefix, yearly_call
from mutuelle.billing.call import CALL_KINDS, Called, reprise_until
from mutuelle.billing.rates import ZERO, Split
from mutuelle.journal import AccountKind, Entry, EntryKind
from mutuelle.offers import load_offer
from mutuelle.refusal import Refusal
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalEntry, JournalPosting
from mutuelle.web.members import services as members
from mutuelle.web.members.enums import AdhesionStatus
from mutuelle.web.members.models import Adhesion


def facts_of(a: Adhesion) -> AdhesionFacts:
    """The facts the call needs (prefetch ``affiliations__person`` and ``formula_periods``)."""
    rid: Any = a.range
    return AdhesionFacts(
        number=a.number,
        range=rid,
        start=a.start,
        end=a.end,
        insured=tuple(members.insured_of(a)),
        formulas=tuple(members.formula_spans(a)),
        mode=a.payment_mode or "",
        frequency=a.payment_frequency or "",
        payroll=a.payroll_deduction,
    )


def facts_many(pks: Sequence[int]) -> list[tuple[str, AdhesionFacts]]:
    """``(offer id, facts_of(a))`` for the adhesions ``pks``, by increasing pk, read as plain
    rows in three queries (model instances and Django's prefetching cost more than the call
    itself at 30 000 households). Same facts as :func:`facts_of`, built the way
    :func:`mutuelle.web.members.services.insured_of` builds them (tests/web/
    test_billing_speed.py compares both)."""
    from mutuelle.pricing import Member
    from mutuelle.pricing.household import AgentFacts
    from mutuelle.pricing.schedule import FormulaSpan, Insured
    from mutuelle.web.members.enums import Role
    from mutuelle.web.members.models import Affiliation, FormulaPeriod

    deps: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in Affiliation.objects.filter(adhesion_id__in=pks).values_list(
        "adhesion_id", "start", "person__birth_date", "pk", "role", "person__first_name",
        "proof", "disabled", "end",
    ):  # fmt: skip
        deps[row[0]].append(row[1:])
    spans: dict[int, list[FormulaSpan]] = defaultdict(list)
    for adhesion_id, formula, start, end in FormulaPeriod.objects.filter(
        adhesion_id__in=pks
    ).values_list("adhesion_id", "formula", "start", "end"):
        spans[adhesion_id].append(FormulaSpan(formula, start, end))
    out = []
    for (pk, number, offer, rid, start, end, mode, frequency, payroll, entry, last_cover,
         birth, first_name) in (
        Adhesion.objects.filter(pk__in=pks).order_by("pk").values_list(
            "pk", "number", "offer", "range", "start", "end", "payment_mode",
            "payment_frequency", "payroll_deduction", "agent_service_entry",
            "agent_last_reference_cover_end", "member__birth_date", "member__first_name",
        )
    ):  # fmt: skip
        insured = [
            Insured(
                Member(
                    role="adherent",
                    birth_date=birth,
                    index=0,
                    name=first_name,
                    agent=AgentFacts(
                        public_service_entry=entry, last_reference_cover_end=last_cover
                    )
                    if rid == "agents"
                    else None,
                ),
                start,
                end,
            )
        ]
        for i, (d_start, d_birth, _, role, name, proof, disabled, d_end) in enumerate(
            sorted(deps.get(pk, []), key=lambda r: (r[0], r[1], r[2] or 0)), start=1
        ):
            insured.append(
                Insured(
                    Member(
                        role="spouse" if role == Role.SPOUSE else "child",
                        birth_date=d_birth,
                        index=i,
                        name=name,
                        proof=proof or None,
                        disabled=disabled,
                    ),
                    d_start,
                    d_end,
                )
            )
        facts = AdhesionFacts(
            number=number,
            range=cast(Any, rid),
            start=start,
            end=end,
            insured=tuple(insured),
            formulas=tuple(sorted(spans.get(pk, []), key=lambda f: f.start)),
            mode=mode or "",
            frequency=frequency or "",
            payroll=payroll,
        )
        out.append((offer or "", facts))
    return out


def billable(year: int, ended_called: Sequence[int] | None = None) -> QuerySet[Adhesion]:
    """The adhesions the call of ``year`` looks at: every validated adhesion of every range
    covered on a day of the year, and those already called for the year whose cover no
    longer reaches it (an end recorded after the call: their call is brought to nothing).
    ``ended_called``: the latter's ids when already read (:func:`ended_called_ids`, once per
    run instead of once per chunk)."""
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if ended_called is None:
        ended_called = ended_called_ids(year)
    covered = Q(start__lte=dec31) & (Q(end__isnull=True) | Q(end__gte=jan1))
    # Only a validated adhesion is a contract (Règlement particuliers I-4): an online request
    # waiting for staff or refused by them is never called.
    return Adhesion.objects.filter(status=AdhesionStatus.ACTIVE).filter(
        covered | Q(pk__in=list(ended_called))
    )


def ended_called_ids(year: int) -> list[int]:
    """The adhesions whose cover ended before ``year`` but that have a call entry of the year
    (a few ids: an OR with this subquery makes PostgreSQL scan it per row; read apart, and
    while a call grows the journal its plan can take a tenth of a second)."""
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ended = Adhesion.objects.filter(end__lt=jan1)
    called = JournalPosting.objects.filter(
        adhesion__in=ended.values("number"),
        account=AccountKind.member_contributions.value,
        entry__kind=EntryKind.contribution_call.value,
        entry__period_start__gte=jan1,
        entry__period_start__lte=dec31,
    ).values("adhesion")
    return list(ended.filter(number__in=called).values_list("pk", flat=True))


def with_facts(qs: QuerySet[Adhesion]) -> QuerySet[Adhesion]:
    return qs.select_related("member").prefetch_related("affiliations__person", "formula_periods")


def call_entries(numbers: Sequence[str], year: int) -> dict[str, list[Entry]]:
    """The entries the call of ``year`` compares with, per adhesion (billing's calls of the
    year and the reprises), in a few queries for a whole chunk."""
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ids = JournalPosting.objects.filter(
        adhesion__in=numbers, account=AccountKind.member_contributions.value
    ).values("entry_id")
    kinds = [EntryKind.opening.value, *(k.value for k in CALL_KINDS)]
    rows = JournalEntry.objects.filter(
        pk__in=ids, kind__in=kinds, period_end__gte=jan1, period_start__lte=dec31
    )
    return _fast_entries(rows.values("pk"))


def call_summaries(numbers: Sequence[str], year: int) -> dict[str, Already]:
    """What the journal already says for the call of ``year``, per adhesion, summed by the
    database: one row per call entry (its four parts) instead of every posting as an object,
    and the reprises (few ``opening`` entries) read whole. Equal to
    ``billing.already(call_entries(...)[n], n, year)`` (tests/web/test_billing_speed.py)."""
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    mc = AccountKind.member_contributions.value
    mine = JournalPosting.objects.filter(adhesion__in=numbers, account=mc)
    overlap = Q(entry__period_end__gte=jan1, entry__period_start__lte=dec31)
    calls = mine.filter(
        overlap, entry__kind__in=[k.value for k in CALL_KINDS], entry__key__startswith="bill:"
    ).values("entry_id")

    def part(kind: AccountKind) -> Sum:
        return Sum("cents", filter=Q(account=kind.value), default=0)

    rows = (
        JournalPosting.objects.filter(entry_id__in=calls)
        .values("entry_id", "entry__key", "entry__period_start", "entry__period_end")
        .annotate(
            # billing's call entries post on their own adhesion's account only (call._entries)
            ttc=part(AccountKind.member_contributions),
            net=part(AccountKind.contributions),
            tsa=part(AccountKind.tax_tsa),
            lfss=part(AccountKind.tax_lfss_2026),
        )
        .values_list(
            "entry__key", "entry__period_start", "entry__period_end", "ttc", "net", "tsa", "lfss"
        )
        .order_by()
    )
    called: dict[str, dict[tuple[dt.date, dt.date], Called]] = defaultdict(dict)
    for key, start, end, ttc, net, tsa, lfss in _plain_rows(rows):
        number = key.split(":", 2)[1]
        if not key.startswith(key_prefix(number, year)):
            continue
        slots = called[number]
        before = slots.get((start, end), Called(ZERO, 0))
        b = before.amount
        slots[(start, end)] = Called(
            Split(b.ttc + int(ttc), b.net - int(net), b.tsa - int(tsa), b.lfss - int(lfss)),
            before.entries + 1,
        )
    openings = mine.filter(overlap, entry__kind=EntryKind.opening.value).values("entry_id")
    reprises = _fast_entries(openings)
    return {n: Already(called.get(n, {}), reprise_until(reprises.get(n, []), n)) for n in numbers}


def _plain_rows(rows: Any) -> Iterable[tuple[Any, ...]]:
    """A ``values_list`` queryset's rows. On PostgreSQL through the cursor, without Django's
    per-row converters (they cost more than the query at 30 000 households, bench/billing.py):
    only for columns psycopg already gives as Python values (text, dates; sums as Decimal,
    which the caller turns into int)."""
    if connection.vendor != "postgresql":
        out: Iterable[tuple[Any, ...]] = rows.iterator(chunk_size=5000)
        return out
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched: list[tuple[Any, ...]] = cursor.fetchall()
        return fetched


_E = ("entry_id", "entry__key", "entry__kind", "entry__date", "entry__period_start",
      "entry__period_end", "entry__source", "entry__memo", "entry__reverses")  # fmt: skip
_P = ("line", "account", "adhesion", "party", "cents", "range", "formula", "care_category")


def _fast_entries(entry_ids: Any) -> dict[str, list[Entry]]:
    """The entries of ``entry_ids`` as core values, per adhesion, read as plain rows in one
    query (building model instances costs more than the call itself at 30 000 households)."""
    from mutuelle.journal import Account, Posting

    heads: dict[int, tuple[Any, ...]] = {}
    lines: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = (
        JournalPosting.objects.filter(entry_id__in=entry_ids)
        .values_list(*_E, *_P)
        .order_by("entry_id", "line")
    )
    for row in rows.iterator(chunk_size=5000):
        heads.setdefault(row[0], row[1:9])
        lines[row[0]].append(row[9:])
    out: dict[str, list[Entry]] = defaultdict(list)
    for pk, (key, kind, date, start, end, source, memo, reverses) in heads.items():
        postings = tuple(
            Posting(Account(AccountKind(acc), adh, party), cents, rng, formula, care)
            for _, acc, adh, party, cents, rng, formula, care in lines[pk]
        )
        e = Entry(key, EntryKind(kind), date, start, end, postings, source, memo, reverses)
        owner = next((p.account.adhesion for p in postings if p.account.adhesion), None)
        if owner:
            out[owner].append(e)
    return out


# The offers are immutable data read from the package: read once per process, not per chunk.
_OFFERS: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class CallOutcome:
    calls: list[YearlyCall]
    posted: int


def call_many(
    adhesions: Iterable[Adhesion],
    year: int,
    on: dt.date,
    *,
    actor: Any = None,
    batch: str = "",
) -> tuple[CallOutcome, list[tuple[str, str]]]:
    """Call ``year`` for each adhesion and post the entries (one ``post_many``). Returns the
    calls and the adhesions the texts cannot price, with why."""
    return call_facts(
        [(a.offer or "", facts_of(a)) for a in adhesions], year, on, actor=actor, batch=batch
    )


def call_chunk(
    pks: Sequence[int], year: int, on: dt.date, *, actor: Any = None, batch: str = ""
) -> tuple[CallOutcome, list[tuple[str, str]]]:
    """:func:`call_many` for a chunk of adhesion ids, their facts read as rows
    (:func:`facts_many`)."""
    return call_facts(facts_many(pks), year, on, actor=actor, batch=batch)


def call_facts(
    items: Sequence[tuple[str, AdhesionFacts]],
    year: int,
    on: dt.date,
    *,
    actor: Any = None,
    batch: str = "",
) -> tuple[CallOutcome, list[tuple[str, str]]]:
    existing = call_summaries([f.number for _, f in items], year)
    offers = _OFFERS
    calls: list[YearlyCall] = []
    errors: list[tuple[str, str]] = []
    for offer_id, facts in items:
        offer = offers.get(offer_id)
        if offer is None:
            offer = offers[offer_id] = load_offer(offer_id) if offer_id else members.offer_for(None)
        try:
            calls.append(
                yearly_call(offer, facts, year, existing[facts.number], on=on, explain=False)
            )
        except Refusal as exc:  # the texts cannot price it: the item is reported
            message = exc.message
            errors.append((facts.number, f"cotisations impossibles à chiffrer : {message}"))
    # Every key is new: a call entry's key ends with the number of entries the journal
    # already holds for its instalment (``existing``, read in this transaction), so the
    # journal's look-up of the keys (one query per part) would find none; should a concurrent
    # call of the same adhesion commit first, the unique key refuses this chunk's transaction
    # (nothing written twice) and its rerun reads the other's entries.
    posted = journal.post_new([e for c in calls for e in c.entries], actor=actor, batch=batch)
    return CallOutcome(calls, posted), errors


def call_adhesion(adhesion: Adhesion, year: int, on: dt.date, *, actor: Any = None) -> YearlyCall:
    """Call (or regularise) one adhesion's year, e.g. after a birth or a termination."""
    a = with_facts(Adhesion.objects.filter(pk=adhesion.pk)).get()
    outcome, errors = call_many([a], year, on, actor=actor)
    if errors:
        from mutuelle.membership.common import Refused

        raise Refused(errors[0][1])
    adhesion.forget_derived()
    return outcome.calls[0]


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    """One instalment of the schedule as the journal says it (net of regularisations)."""

    start: dt.date
    end: dt.date
    due_on: dt.date
    ttc_cents: int
    net_cents: int
    tsa_cents: int
    lfss_cents: int


def schedule(number: str, year: int) -> list[ScheduleLine]:
    """The échéancier of ``year``: billing's entries summed per instalment (the due date is the
    first day of the period, docs I-163)."""
    rows = (
        JournalPosting.objects.filter(
            entry__key__startswith=f"bill:{number}:{year}:",
            entry__kind__in=[k.value for k in CALL_KINDS],
        )
        .values_list("entry__period_start", "entry__period_end", "account", "adhesion", "cents")
        .order_by("entry__period_start")
    )
    parts: dict[tuple[dt.date, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for start, end, account, _, cents in rows:
        parts[(start, end)][account] += cents
    out = []
    for (start, end), p in sorted(parts.items()):
        ttc = p[AccountKind.member_contributions.value]
        if ttc == 0:
            continue
        out.append(
            ScheduleLine(
                start,
                end,
                start,
                ttc,
                -p[AccountKind.contributions.value],
                -p[AccountKind.tax_tsa.value],
                -p[AccountKind.tax_lfss_2026.value],
            )
        )
    return out


# --- payments recorded by staff (cheque, transfer, card, cash) -------------------------------

STAFF_MODES = {
    "cheque": "chèque",
    "transfer": "virement",
    "card": "carte bancaire",
    "cash": "espèces",
    "payroll": "précompte (versement de la Collectivité)",
}


class PaymentRefused(ValueError):
    """A payment that cannot be recorded, in French."""


def record_payment(
    adhesion: Adhesion,
    *,
    cents: int,
    on: dt.date,
    mode: str,
    reference: str,
    actor: Any = None,
) -> tuple[Entry, bool]:
    """Record a payment received by staff: a ``payment_received`` entry imputed by the journal
    to the oldest instalments due (docs I-166). ``reference`` (the cheque number, the transfer's
    label) makes it idempotent: the same reference twice records one payment."""
    if mode not in STAFF_MODES:
        raise PaymentRefused(
            f"mode de paiement inconnu « {mode} » (possibles : {', '.join(STAFF_MODES)})"
        )
    if type(cents) is not int or cents <= 0:
        raise PaymentRefused("le montant reçu doit être positif")
    if not reference.strip():
        raise PaymentRefused("indiquez la référence du paiement (n° de chèque, libellé…)")
    from mutuelle.journal import Account, Posting
    from mutuelle.money import format_euros

    entry = Entry(
        key=f"pay:{adhesion.number}:{mode}:{reference.strip()[:80]}",
        kind=EntryKind.payment_received,
        date=on,
        period_start=on,
        period_end=on,
        postings=(
            Posting(Account(AccountKind.bank), cents),
            Posting(Account(AccountKind.member_contributions, adhesion.number), -cents),
        ),
        source="Règlement particuliers III-2-2 (virement, carte bancaire, chèque, espèces) — "
        "docs I-166",
        memo=f"Paiement par {STAFF_MODES[mode]} reçu le {on:%d/%m/%Y} ({reference.strip()}) : "
        f"{format_euros(cents)}",
    )
    created = journal.post(entry, actor=actor)
    adhesion.forget_derived()
    return entry, created
