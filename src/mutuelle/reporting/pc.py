"""The P/C ratio of convention art. 2.2, from plain money facts.

« Le P/C (Prestation/Cotisation) se calcule de la manière suivante : (Prestations + FMT) /
(Cotisations HT – Chargements) » (seed l. 1886). The terms come from the money journal
(JOURNAL-SPEC: accounts ``benefits``, ``forfait_medecin_traitant``, ``contributions`` — income
net of taxes —, ``tax_tsa``, ``tax_lfss_2026``; analytic ``range``/``formula``); the loadings
rate is in no text (G-65): a dated parameter the Mutuelle enters, shown as such. Money is
attributed to a period by the cover period it relates to, prorated by days when it spans
several (I-143), so that two quarters always add up to their semester to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from mutuelle.explain import Cited, Said, Step
from mutuelle.money import BP_PER_UNIT, format_euros, mul_div_round
from mutuelle.reporting.periods import Period


class Term(StrEnum):
    """The journal account kinds the P/C reads (names of JOURNAL-SPEC's ``AccountKind``)."""

    CONTRIBUTIONS = "contributions"
    TAX_TSA = "tax_tsa"
    TAX_LFSS_2026 = "tax_lfss_2026"
    BENEFITS = "benefits"
    FMT = "forfait_medecin_traitant"

    @property
    def label(self) -> str:
        return _TERM_LABELS[self]


_TERM_LABELS = {
    Term.CONTRIBUTIONS: "cotisations hors taxes",
    Term.TAX_TSA: "taxe de solidarité additionnelle (TSA)",
    Term.TAX_LFSS_2026: "contribution LFSS 2026 art. 13",
    Term.BENEFITS: "prestations",
    Term.FMT: "forfait médecin traitant (FMT)",
}

# Journal sign (debit +, credit −) → the amount a person reads: income and taxes are credited
# when called, expenses debited when settled.
_SIGN = {
    Term.CONTRIBUTIONS: -1,
    Term.TAX_TSA: -1,
    Term.TAX_LFSS_2026: -1,
    Term.BENEFITS: 1,
    Term.FMT: 1,
}


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """Money on one account for one cover period (a journal posting or a sum of them)."""

    term: Term
    cents: int  # journal sign: debit +, credit −
    period_start: dt.date
    period_end: dt.date
    range: str | None = None
    formula: str | None = None
    care_category: str | None = None

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise ValueError("période de couverture inversée")


def allocate(cents: int, start: dt.date, end: dt.date, p_start: dt.date, p_end: dt.date) -> int:
    """The part of ``cents`` (for the days ``start``…``end``) that falls in ``p_start``…
    ``p_end``, prorated by days with cumulative rounding (I-143): the parts of consecutive
    periods always add up exactly to the whole."""
    days = (end - start).days + 1

    def upto(day: dt.date) -> int:  # amount of the days before ``day``
        n = min(max((day - start).days, 0), days)
        return mul_div_round(cents, n, days)

    return upto(p_end + dt.timedelta(days=1)) - upto(p_start)


@dataclass(frozen=True, slots=True)
class LoadingsRate:
    """The loadings rate (chargements) the Mutuelle entered, from a date (G-65)."""

    valid_from: dt.date
    rate_bp: int
    source: str  # what the Mutuelle based it on (its accounts, a technical note…)
    entered_on: dt.date
    entered_by: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.rate_bp < BP_PER_UNIT:
            raise ValueError("taux de chargement entre 0 et 100 %")


class PcUnavailable(Exception):
    """The P/C cannot be computed honestly; the message names the gap."""

    def __init__(self, message: str, source: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source = source


def rate_segments(
    rates: Sequence[LoadingsRate], start: dt.date, end: dt.date, source: str
) -> list[tuple[dt.date, dt.date, LoadingsRate]]:
    """The periods of constant loadings rate covering ``start``…``end`` (the latest entry wins
    for a same date); refuses when a day has no rate."""
    current: dict[dt.date, LoadingsRate] = {}
    for r in sorted(rates, key=lambda r: (r.valid_from, r.entered_on)):
        current[r.valid_from] = r
    ordered = sorted(current.values(), key=lambda r: r.valid_from)
    if not ordered or ordered[0].valid_from > start:
        raise PcUnavailable(
            f"aucun taux de chargement saisi pour le {start:%d/%m/%Y} : le P/C ne peut pas être "
            "calculé (aucun texte ne fixe ce taux ; la Mutuelle le saisit dans le back office)",
            source,
        )
    out: list[tuple[dt.date, dt.date, LoadingsRate]] = []
    for i, r in enumerate(ordered):
        nxt = ordered[i + 1].valid_from if i + 1 < len(ordered) else None
        seg_start = max(r.valid_from, start)
        seg_end = min(end, nxt - dt.timedelta(days=1)) if nxt else end
        if seg_start <= seg_end:
            out.append((seg_start, seg_end, r))
    return out


@dataclass(frozen=True)
class PcFigures:
    """Every term of one P/C (the offer, a range, or one formula of a range)."""

    range: str | None
    formula: str | None
    benefits_cents: int
    fmt_cents: int
    contributions_ht_cents: int
    tsa_cents: int
    lfss_cents: int
    loadings_cents: int
    loadings: tuple[tuple[dt.date, dt.date, int, str], ...]  # segment, rate, source
    ratio: Fraction | None
    steps: tuple[Step, ...] = ()
    fmt_not_allocated: bool = False

    @property
    def numerator_cents(self) -> int:
        return self.benefits_cents + self.fmt_cents

    @property
    def denominator_cents(self) -> int:
        return self.contributions_ht_cents - self.loadings_cents

    @property
    def ratio_bp(self) -> int | None:
        """The ratio in basis points rounded half up (for display; comparisons use the exact
        ratio, I-140)."""
        if self.ratio is None:
            return None
        return mul_div_round(self.ratio.numerator, BP_PER_UNIT, self.ratio.denominator)


@dataclass(frozen=True)
class PcReport:
    period: Period
    offer: PcFigures
    ranges: Mapping[str, PcFigures]
    formulas: Mapping[tuple[str, str], PcFigures]
    notes: tuple[str, ...] = field(default_factory=tuple)


def format_ratio(ratio: Fraction | None) -> str:
    if ratio is None:
        return "non calculable"
    bp = mul_div_round(ratio.numerator, BP_PER_UNIT, ratio.denominator)
    units, rem = divmod(abs(bp), 100)
    return f"{'-' if bp < 0 else ''}{units},{rem:02d} %"


def _figures(
    lines: Sequence[tuple[MoneyLine, int]],
    segments: Sequence[tuple[dt.date, dt.date, LoadingsRate]],
    rng: str | None,
    formula: str | None,
    sources: Mapping[str, Cited],
    fmt_not_allocated: bool = False,
) -> PcFigures:
    """``lines``: (line, part of it in the period). Loadings: the rate of each constant-rate
    segment on the contributions of that segment."""
    sums = {t: 0 for t in Term}
    for line, part in lines:
        sums[line.term] += _SIGN[line.term] * part
    loadings = 0
    seg_out = []
    for s_start, s_end, r in segments:
        contrib = sum(
            -allocate(line.cents, line.period_start, line.period_end, s_start, s_end)
            for line, _ in lines
            if line.term is Term.CONTRIBUTIONS
        )
        loadings += mul_div_round(contrib, r.rate_bp, BP_PER_UNIT)
        seg_out.append((s_start, s_end, r.rate_bp, r.source))
    num = sums[Term.BENEFITS] + sums[Term.FMT]
    den = sums[Term.CONTRIBUTIONS] - loadings
    ratio = Fraction(num, den) if den > 0 else None
    rates = "; ".join(
        f"{r / 100:.2f} % du {a:%d/%m/%Y} au {b:%d/%m/%Y}".replace(".", ",")
        for a, b, r, _ in seg_out
    )
    steps = (
        Said(
            f"Prestations : {format_euros(sums[Term.BENEFITS])}",
            sources["benefits"],
            "reporting.pc.figures",
        ),
        Said(
            f"Forfait médecin traitant : {format_euros(sums[Term.FMT])}"
            + (" (non ventilé par gamme et formule)" if fmt_not_allocated else ""),
            sources["fmt"],
            "reporting.pc.figures",
        ),
        Said(
            f"Cotisations HT : {format_euros(sums[Term.CONTRIBUTIONS])} (taxes exclues : TSA "
            f"{format_euros(sums[Term.TAX_TSA])}, LFSS 2026 "
            f"{format_euros(sums[Term.TAX_LFSS_2026])})",
            sources["contributions"],
            "reporting.pc.figures",
        ),
        Said(
            f"Chargements : {format_euros(loadings)} (taux saisi par la Mutuelle : {rates})",
            sources["loadings"],
            "reporting.pc.figures",
        ),
        Said(
            f"P/C = ({format_euros(sums[Term.BENEFITS])} + {format_euros(sums[Term.FMT])}) / "
            f"({format_euros(sums[Term.CONTRIBUTIONS])} − {format_euros(loadings)}) = "
            f"{format_ratio(ratio)}",
            sources["definition"],
            "reporting.pc.figures",
        ),
    )
    return PcFigures(
        range=rng,
        formula=formula,
        benefits_cents=sums[Term.BENEFITS],
        fmt_cents=sums[Term.FMT],
        contributions_ht_cents=sums[Term.CONTRIBUTIONS],
        tsa_cents=sums[Term.TAX_TSA],
        lfss_cents=sums[Term.TAX_LFSS_2026],
        loadings_cents=loadings,
        loadings=tuple(seg_out),
        ratio=ratio,
        steps=steps,
        fmt_not_allocated=fmt_not_allocated,
    )


def pc_report(
    lines: Iterable[MoneyLine],
    rates: Sequence[LoadingsRate],
    period: Period,
    sources: Mapping[str, Cited],
) -> PcReport:
    """The P/C of ``period`` for the offer, each range and each formula. ``sources``: the
    citations of ``definition``, ``benefits``, ``fmt``, ``contributions``, ``loadings``."""
    segments = rate_segments(rates, period.start, period.end, sources["loadings"].staff())
    parts: list[tuple[MoneyLine, int]] = []
    for line in lines:
        part = allocate(line.cents, line.period_start, line.period_end, period.start, period.end)
        if part or (line.period_start <= period.end and line.period_end >= period.start):
            parts.append((line, part))
    fmt_unallocated = any(
        line.term is Term.FMT and (line.range is None or line.formula is None) for line, _ in parts
    )
    offer = _figures(parts, segments, None, None, sources)
    ranges: dict[str, PcFigures] = {}
    formulas: dict[tuple[str, str], PcFigures] = {}
    # A range's line may have no formula (billing's regularisation of an instalment no longer
    # covered carries none): it counts in its range, not in a formula.
    keys = sorted(
        {(line.range, line.formula) for line, _ in parts if line.range is not None},
        key=lambda k: (k[0] or "", k[1] or ""),
    )
    for rng in sorted({r for r, _ in keys if r is not None}):
        in_range = [(line, p) for line, p in parts if line.range == rng]
        ranges[rng] = _figures(in_range, segments, rng, None, sources, fmt_unallocated)
        for _, formula in keys:
            if formula is None:
                continue
            sel = [(line, p) for line, p in in_range if line.formula == formula]
            if sel:
                formulas[(rng, formula)] = _figures(
                    sel, segments, rng, formula, sources, fmt_unallocated
                )
    notes: list[str] = []
    if fmt_unallocated:
        notes.append(
            "Une partie du forfait médecin traitant n'est pas rattachée à une gamme et une "
            "formule : elle n'entre que dans le P/C de l'offre ; les P/C par gamme et formule "
            f"sont calculés sans elle ({sources['fmt']})."
        )
    return PcReport(period, offer, ranges, formulas, tuple(notes))
