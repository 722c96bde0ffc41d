"""The yearly call of an adhesion's contributions (appel de cotisation) and its schedule.

Règlement particuliers III-1-1 (agents Cotisations 1-1, TNS art. 8): « La cotisation est
annuelle et due pour l'année entière », priced on the age reached in the year (year − birth
year), « au prorata du temps à courir » when the adhesion starts during the year; III-1-2: the
price changes each 1 January with the ages; III-1-3: the newborns' and from-the-4th-child
exemptions; III-2-1: the call is sent yearly; III-2-2: the annual contribution may be paid in
monthly instalments, except by cheque. The prices are the pricing core's
(:mod:`mutuelle.pricing`: grid, ages, exemptions, agents' surcharge, prorata of a month begun);
this module cuts the civil year into the schedule's instalments, splits each TTC amount into its
net and its taxes (:mod:`mutuelle.billing.rates`), and turns the difference between what each
instalment should call and what the journal already called for it into an entry:

* nothing called yet for an instalment → a ``contribution_call`` entry;
* already called, and the facts changed since (a birth, a dependant leaving, a termination, a
  formula change) → a ``contribution_regularisation`` entry of the difference, never an
  overwrite (docs/interpretations.md I-160);
* already called at the right amount → nothing (a rerun posts nothing).

Periods already brought into the journal by a reprise (``opening`` entries, docs I-110) are not
called again: the call starts the day after the last period the reprise called (docs I-162).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mutuelle.billing.rates import ZERO, Split, TaxRates, articles, split, tax_rates
from mutuelle.dates import days_in_month, first_of_next_month
from mutuelle.explain import Cited, Said, Step
from mutuelle.journal import Account, AccountKind, Entry, EntryKind, Posting, distinct
from mutuelle.journal.contributions import moves_money
from mutuelle.membership.common import fr, range_of
from mutuelle.money import format_euros, mul_div_round
from mutuelle.offers.model import Offer, Source
from mutuelle.pricing.engine import QuoteRefused
from mutuelle.pricing.household import RangeName
from mutuelle.pricing.schedule import FormulaSpan, Insured, quote_on
from mutuelle.vocabulary import PaymentFrequency, PaymentMode

RULE = "billing.yearly_call"
CALL_KINDS = frozenset({EntryKind.contribution_call, EntryKind.contribution_regularisation})

Frequency = PaymentFrequency


@dataclass(frozen=True, slots=True)
class AdhesionFacts:
    """What the call needs to know of an adhesion (the shell loads it)."""

    number: str
    range: RangeName
    start: dt.date
    end: dt.date | None
    insured: tuple[Insured, ...]
    formulas: tuple[FormulaSpan, ...]
    mode: str = ""  # PaymentMode value, "" when none was chosen
    frequency: str = ""  # PaymentFrequency value, "" when none was chosen
    payroll: bool = False  # agents: deducted from the salary by the employer


@dataclass(frozen=True, slots=True)
class Instalment:
    """One échéance of the schedule: the cover period it pays, its due date, its amount."""

    start: dt.date
    end: dt.date
    due_on: dt.date
    amount: Split  # what it should call, TTC and its parts
    formula: str | None


@dataclass(frozen=True, slots=True)
class YearlyCall:
    adhesion: str
    year: int
    first: dt.date | None  # first day called (None: nothing to call this year)
    last: dt.date | None
    frequency: PaymentFrequency
    instalments: tuple[Instalment, ...]
    entries: tuple[Entry, ...]  # the entries to post (empty: the journal already says it all)
    steps: tuple[Step, ...]

    @property
    def total(self) -> Split:
        out = ZERO
        for i in self.instalments:
            out = Split(
                out.ttc + i.amount.ttc,
                out.net + i.amount.net,
                out.tsa + i.amount.tsa,
                out.lfss + i.amount.lfss,
            )
        return out


def key_prefix(number: str, year: int) -> str:
    return f"bill:{number}:{year}:"


def article(offer: Offer, range_id: str, name: str) -> Cited:
    """The billing article ``name`` of the range's règlement (``billing/data/billing.yaml``)."""
    doc = range_of(offer, range_id).document
    ref, line = articles()[doc][name]
    return offer.citation(Source(doc=doc, ref=ref, line=line))


def _with(cite: Cited, *readings: str) -> Cited:
    return Cited(cite.places, cite.readings + readings, cite.gap, cite.text, cite.public_text)


def frequency_of(offer: Offer, facts: AdhesionFacts) -> tuple[PaymentFrequency, Step]:
    """How the year is cut: monthly instalments when chosen (not by cheque), or the payroll
    deduction; otherwise the annual contribution in one échéance."""
    cite = article(offer, facts.range, "payment")
    if facts.payroll or facts.mode == PaymentMode.PAYROLL:
        return PaymentFrequency.MONTHLY, Said(
            "Cotisation précomptée sur le salaire : une échéance par mois (bulletin de paie).",
            _with(cite, "I-165"),
            RULE,
        )
    if facts.mode == PaymentMode.CHEQUE:
        return PaymentFrequency.ANNUAL, Said(
            "Paiement par chèque : la cotisation annuelle se paie en une fois (pas de "
            "fractionnement mensuel par chèque).",
            cite,
            RULE,
        )
    if facts.frequency == PaymentFrequency.MONTHLY:
        return PaymentFrequency.MONTHLY, Said(
            "Paiement fractionné mensuellement : une échéance par mois.", cite, RULE
        )
    if facts.frequency == PaymentFrequency.ANNUAL:
        return PaymentFrequency.ANNUAL, Said("Paiement annuel : une seule échéance.", cite, RULE)
    return PaymentFrequency.ANNUAL, Said(
        "Aucun fractionnement choisi : la cotisation annuelle est due en une fois, « exigible "
        "en totalité ».",
        _with(cite, "I-164"),
        RULE,
    )


# --- what the journal already says ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Called:
    """What billing's entries already called for one instalment period."""

    amount: Split
    entries: int


def _parts(entry: Entry, number: str) -> Split:
    ttc = net = tsa = lfss = 0
    for p in entry.postings:
        k = p.account.kind
        if k is AccountKind.member_contributions and p.account.adhesion == number:
            ttc += p.cents
        elif k is AccountKind.contributions:
            net -= p.cents
        elif k is AccountKind.tax_tsa:
            tsa -= p.cents
        elif k is AccountKind.tax_lfss_2026:
            lfss -= p.cents
    return Split(ttc, net, tsa, lfss)


def already_called(
    entries: Iterable[Entry], number: str, year: int
) -> dict[tuple[dt.date, dt.date], Called]:
    """Billing's calls and regularisations of ``year`` for the adhesion, per period."""
    prefix = key_prefix(number, year)
    out: dict[tuple[dt.date, dt.date], Called] = {}
    for e in distinct(entries):
        if e.kind not in CALL_KINDS or not e.key.startswith(prefix):
            continue
        slot = (e.period_start, e.period_end)
        before = out.get(slot, Called(ZERO, 0))
        parts = _parts(e, number)
        out[slot] = Called(
            Split(
                before.amount.ttc + parts.ttc,
                before.amount.net + parts.net,
                before.amount.tsa + parts.tsa,
                before.amount.lfss + parts.lfss,
            ),
            before.entries + 1,
        )
    return out


@dataclass(frozen=True, slots=True)
class Already:
    """What the journal already says for one adhesion and year, summed: billing's calls per
    instalment period (:func:`already_called`) and the last day a reprise called
    (:func:`reprise_until`). The shell may sum them in the database (a few rows per adhesion
    instead of every posting) and pass this to :func:`yearly_call` in place of the entries."""

    called: Mapping[tuple[dt.date, dt.date], Called]
    reprise: dt.date | None


def already(entries: Iterable[Entry], number: str, year: int) -> Already:
    entries = list(entries)
    return Already(already_called(entries, number, year), reprise_until(entries, number))


def reprise_until(entries: Iterable[Entry], number: str) -> dt.date | None:
    """The last day a reprise (``opening`` entries) called for the adhesion, if any."""
    member = Account(AccountKind.member_contributions, number)
    called: dict[tuple[dt.date, dt.date], int] = defaultdict(int)
    for e in distinct(entries):
        if e.kind is not EntryKind.opening or moves_money(e):
            continue
        cents = sum(p.cents for p in e.postings if p.account == member)
        if cents:
            called[(e.period_start, e.period_end)] += cents
    return max((end for (_, end), c in called.items() if c > 0), default=None)


# --- the prices ------------------------------------------------------------------------------


def _month_start(d: dt.date) -> dt.date:
    return d if d.day == 1 else first_of_next_month(d)


def month_amounts(
    offer: Offer, facts: AdhesionFacts, first: dt.date, last: dt.date
) -> tuple[dict[dt.date, int], dict[dt.date, str], list[Step]]:
    """What each month of ``first``…``last`` (one civil year) costs, by the pricing core: one
    quote per piece of constant facts (cut where a formula starts and from the first day of
    the month after a person joins or leaves, docs I-112, as :func:`mutuelle.pricing.schedule
    .dues`), each month of a piece taken from its quote (a month cut short counted for its
    days, docs I-01). Returns the amounts and formulas by first day of month, and the steps of
    the first piece's quote (ages on 1 January, exemptions, surcharge)."""
    marks = {f.start for f in facts.formulas}
    for i in facts.insured:
        marks.add(_month_start(i.start))
        if i.end is not None:
            marks.add(_month_start(i.end + dt.timedelta(days=1)))
    starts = [first, *sorted(d for d in marks if first < d <= last)]
    amounts: dict[dt.date, int] = defaultdict(int)
    formulas: dict[dt.date, str] = {}
    steps: list[Step] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] - dt.timedelta(days=1) if n + 1 < len(starts) else last
        span = next((f for f in facts.formulas if f.holds_on(start)), None)
        if span is None:
            raise QuoteRefused(f"aucune formule le {fr(start)}")
        q = quote_on(offer, facts.range, facts.insured, span.formula, start)
        if n == 0:
            steps.extend(s for m in q.members for s in m.steps)
        for month in q.months:
            dim = days_in_month(month.month.year, month.month.month)
            lo = max(month.month, start)
            hi = min(month.month.replace(day=dim), end)
            if hi < lo:
                continue
            key = month.month
            formulas.setdefault(key, span.formula)
            if hi.day == dim:
                amounts[key] += month.cents
            else:
                amounts[key] += mul_div_round(month.cents, (hi - lo).days + 1, dim - lo.day + 1)
    return dict(amounts), formulas, steps


def _slots(base: dt.date, year: int, frequency: PaymentFrequency) -> list[tuple[dt.date, dt.date]]:
    dec31 = dt.date(year, 12, 31)
    if frequency is PaymentFrequency.ANNUAL:
        return [(base, dec31)]
    out = []
    month = base.replace(day=1)
    while month.year == year:
        nxt = first_of_next_month(month)
        out.append((max(month, base), nxt - dt.timedelta(days=1)))
        month = nxt
    return out


# --- the call --------------------------------------------------------------------------------


def yearly_call(
    offer: Offer,
    facts: AdhesionFacts,
    year: int,
    existing: Sequence[Entry] | Already,
    *,
    on: dt.date,
    rates: TaxRates | None = None,
    explain: bool = True,
) -> YearlyCall:
    """The call of ``year`` for the adhesion: its schedule and the entries that bring the
    journal to it (none when it already says so). :class:`QuoteRefused` when the texts cannot
    price the household (a blank grid cell). ``explain=False`` (the yearly batch, which keeps
    only the entries and totals): the same schedule and entries without the explanation
    ``steps`` (tests/billing/test_billing_call.py compares both)."""
    rates = rates or tax_rates()
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    call_cite = article(offer, facts.range, "call")
    principle = article(offer, facts.range, "principle") if explain else call_cite
    steps: list[Step] = []
    # One rule for the cut of the year, explained or not (its step costs nothing to build).
    frequency, why = frequency_of(offer, facts)
    if not isinstance(existing, Already):
        existing = already(existing, facts.number, year)
    reprise = existing.reprise
    base = max(jan1, facts.start)
    if reprise is not None and reprise >= base:
        base = reprise + dt.timedelta(days=1)
        if explain:
            steps.append(
                Said(
                    f"Cotisations déjà reprises au journal jusqu'au {fr(reprise)} : l'appel "
                    f"{year} commence le {fr(base)}.",
                    _with(call_cite, "I-162"),
                    RULE,
                )
            )
    last = min(dec31, facts.end) if facts.end is not None else dec31
    first: dt.date | None = base if base <= last and base.year == year else None
    instalments: list[Instalment] = []
    if first is None:
        if explain:
            steps.append(Said(f"Aucune période couverte à appeler en {year}.", call_cite, RULE))
        slots: list[tuple[dt.date, dt.date]] = []
    else:
        assert last is not None
        amounts, formulas, quote_steps = month_amounts(offer, facts, first, last)
        if explain:
            steps.append(
                Said(
                    f"Appel de cotisation {year} : couverture du {fr(first)} au {fr(last)}, "
                    "âges atteints dans l'année (année − année de naissance), prorata du "
                    "temps à courir pour une adhésion ou une fin en cours d'année.",
                    principle,
                    RULE,
                )
            )
            steps.extend(quote_steps)
            steps.append(why)
        slots = _slots(first, year, frequency)
        for lo, hi in slots:
            m0 = lo.replace(day=1)
            ttc = sum(c for m, c in amounts.items() if m0 <= m <= hi)
            formula = formulas.get(m0) or next(
                (f for m, f in sorted(formulas.items()) if m >= m0), None
            )
            instalments.append(Instalment(lo, hi, lo, split(ttc, rates, lo), formula))
    total = sum(i.amount.ttc for i in instalments)
    if instalments and explain:
        lines = rates.on(instalments[0].due_on)
        taxes = ", ".join(
            f"{ln.tax.upper().replace('_', ' ')} {ln.rate_bp / 100:.2f} %".replace(".", ",")
            for ln in lines.values()
        )
        steps.append(
            Said(
                f"Montant appelé {format_euros(total)} toutes taxes comprises ; taxes gardées "
                f"à part au jour de chaque échéance ({taxes or 'aucune'}) sur la cotisation "
                "hors taxes.",
                _with(principle, "I-161"),
                RULE,
            )
        )
    entries = _entries(offer, facts, year, instalments, existing, on, call_cite)
    return YearlyCall(
        adhesion=facts.number,
        year=year,
        first=first,
        last=last if first is not None else None,
        frequency=frequency,
        instalments=tuple(instalments),
        entries=tuple(entries),
        steps=tuple(steps),
    )


# The Mutuelle's own accounts of a call (immutable values, shared by every entry)
_CONTRIBUTIONS = Account(AccountKind.contributions)
_TSA = Account(AccountKind.tax_tsa)
_LFSS = Account(AccountKind.tax_lfss_2026)


def _entries(
    offer: Offer,
    facts: AdhesionFacts,
    year: int,
    instalments: Sequence[Instalment],
    existing: Already,
    on: dt.date,
    cite: Cited,
) -> list[Entry]:
    called = existing.called
    wanted: dict[tuple[dt.date, dt.date], Instalment] = {(i.start, i.end): i for i in instalments}
    out: list[Entry] = []
    source = cite.staff()
    member = Account(AccountKind.member_contributions, facts.number)  # (one for all its slots)
    for slot in sorted(set(wanted) | set(called)):
        inst = wanted.get(slot)
        target = inst.amount if inst is not None else ZERO
        before = called.get(slot, Called(ZERO, 0))
        delta = target.minus(before.amount)
        if delta == ZERO:
            continue
        formula = inst.formula if inst is not None else None
        postings = [
            Posting(member, delta.ttc, range=facts.range, formula=formula) if delta.ttc else None,
            Posting(_CONTRIBUTIONS, -delta.net, range=facts.range, formula=formula)
            if delta.net
            else None,
            Posting(_TSA, -delta.tsa) if delta.tsa else None,
            Posting(_LFSS, -delta.lfss) if delta.lfss else None,
        ]
        start, end = slot
        period = f"du {fr(start)} au {fr(end)}"
        if before.entries == 0:
            kind = EntryKind.contribution_call
            memo = f"Appel de cotisation {year}, échéance {period} : {format_euros(delta.ttc)}"
        else:
            kind = EntryKind.contribution_regularisation
            memo = (
                f"Régularisation de la cotisation {year}, échéance {period} : "
                f"{format_euros(before.amount.ttc)} → {format_euros(target.ttc)}"
            )
        out.append(
            Entry(
                key=f"{key_prefix(facts.number, year)}{start.isoformat()}:{end.isoformat()}:"
                f"{before.entries}",
                kind=kind,
                date=on,
                period_start=start,
                period_end=end,
                postings=tuple(p for p in postings if p is not None),
                source=source,
                memo=memo,
            )
        )
    return out
