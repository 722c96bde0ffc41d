"""The P/C ratio of convention art. 2.2 worked by hand: (Prestations + FMT) / (Cotisations HT −
Chargements), the loadings rate entered by the Mutuelle (G-65), money attributed to periods by
its cover period (I-143)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutuelle.explain import Cited
from mutuelle.reporting.pc import LoadingsRate, MoneyLine, PcUnavailable, Term, allocate, pc_report
from mutuelle.reporting.periods import Period

D = dt.date
SOURCES = {
    k: Cited.outside(f"source {k}", f"source {k}")
    for k in ("definition", "benefits", "fmt", "contributions", "loadings")
}
RATES = (
    LoadingsRate(D(2025, 1, 1), 1500, "note technique 2025", D(2025, 3, 1)),
    LoadingsRate(D(2026, 3, 1), 2000, "comptes 2025", D(2026, 2, 15)),
)


def month(term: Term, cents: int, m: int, formula: str | None = "Belledonne") -> MoneyLine:
    start = D(2026, m, 1)
    end = (D(2026, m + 1, 1) if m < 12 else D(2027, 1, 1)) - dt.timedelta(days=1)
    return MoneyLine(term, cents, start, end, "residents" if formula else None, formula)


def test_a_quarter_by_hand() -> None:
    """Contributions 10 000 € HT a month (credited), 26 000 € of benefits, 500 € of FMT not
    attributed to a formula; loadings 15 % until 28 February, 20 % from 1 March.
    Loadings = 20 000 × 15 % + 10 000 × 20 % = 5 000 €; P/C = 26 500 / (30 000 − 5 000) = 106 %."""
    lines = [month(Term.CONTRIBUTIONS, -1_000_000, m) for m in (1, 2, 3)]
    lines += [month(Term.TAX_TSA, -132_700, m) for m in (1, 2, 3)]
    lines.append(
        MoneyLine(
            Term.BENEFITS, 2_600_000, D(2026, 2, 10), D(2026, 2, 10), "residents", "Belledonne"
        )
    )
    lines.append(MoneyLine(Term.FMT, 50_000, D(2026, 1, 1), D(2026, 3, 31)))
    rep = pc_report(lines, RATES, Period.parse("2026-Q1"), SOURCES)
    o = rep.offer
    assert (o.contributions_ht_cents, o.tsa_cents, o.loadings_cents) == (
        3_000_000,
        398_100,
        500_000,
    )
    assert (o.benefits_cents, o.fmt_cents) == (2_600_000, 50_000)
    assert o.ratio == Fraction(2_650_000, 2_500_000) and o.ratio_bp == 10600
    # The formula's P/C has no FMT (not attributed: G-67) and says so.
    f = rep.formulas[("residents", "Belledonne")]
    assert f.fmt_cents == 0 and f.ratio_bp == 10400 and f.fmt_not_allocated
    assert any("n'est pas rattachée" in n for n in rep.notes)
    assert "P/C = (26 000,00 € + 500,00 €) / (30 000,00 € − 5 000,00 €) = 106,00 %" in o.steps[
        -1
    ].rule.replace("\u202f", " ")


def test_without_a_loadings_rate_there_is_no_ratio() -> None:
    with pytest.raises(PcUnavailable, match="aucun taux de chargement"):
        pc_report([month(Term.CONTRIBUTIONS, -1, 1)], (), Period.parse("2026-Q1"), SOURCES)
    late = (LoadingsRate(D(2026, 2, 1), 1500, "x", D(2026, 2, 1)),)
    with pytest.raises(PcUnavailable, match="01/01/2026"):
        pc_report([], late, Period.parse("2026-Q1"), SOURCES)


def test_a_later_entry_for_the_same_date_wins() -> None:
    rates = (
        LoadingsRate(D(2026, 1, 1), 1500, "estimation", D(2025, 12, 1)),
        LoadingsRate(D(2026, 1, 1), 1200, "comptes arrêtés", D(2026, 3, 10)),
    )
    rep = pc_report(
        [month(Term.CONTRIBUTIONS, -1_000_000, 1)], rates, Period.parse("2026-Q1"), SOURCES
    )
    assert rep.offer.loadings_cents == 120_000


def test_a_yearly_call_is_split_by_days_and_the_quarters_add_up_to_the_cent() -> None:
    total = 12_000_000
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    parts = [allocate(total, start, end, q.start, q.end) for q in Period.parse("2026").quarters()]
    assert parts[0] == 2_958_904  # 12 000 000 × 90 / 365 = 2 958 904,1
    assert sum(parts) == total


@given(
    st.integers(-(10**9), 10**9),
    st.dates(D(2025, 1, 1), D(2027, 12, 31)),
    st.integers(0, 800),
)
def test_parts_of_consecutive_periods_always_add_up(cents: int, start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    year = Period.parse(str(start.year))
    quarters = [allocate(cents, start, end, q.start, q.end) for q in year.quarters()]
    semesters = [allocate(cents, start, end, s.start, s.end) for s in year.children()]
    assert sum(quarters) == sum(semesters) == allocate(cents, start, end, year.start, year.end)
    assert quarters[0] + quarters[1] == semesters[0]
    whole = sum(
        allocate(cents, start, end, Period(y, year.kind).start, Period(y, year.kind).end)
        for y in range(start.year, end.year + 1)
    )
    assert whole == cents


def test_a_range_line_without_formula_counts_in_its_range_only() -> None:
    """Billing's regularisation of an instalment no longer covered (a termination) carries the
    range and no formula: the P/C of the range counts it, no formula does (the report once
    failed sorting the range's formulas beside None)."""
    lines = [month(Term.CONTRIBUTIONS, -1_000_000, m) for m in (1, 2, 3)]
    lines.append(MoneyLine(Term.CONTRIBUTIONS, 100_000, D(2026, 3, 1), D(2026, 3, 31), "residents"))
    lines.append(
        MoneyLine(Term.BENEFITS, 1_000_000, D(2026, 2, 10), D(2026, 2, 10), "residents", "Bauges")
    )
    rep = pc_report(lines, RATES, Period.parse("2026-Q1"), SOURCES)
    assert rep.ranges["residents"].contributions_ht_cents == 2_900_000
    assert rep.formulas[("residents", "Belledonne")].contributions_ht_cents == 3_000_000
    assert set(rep.formulas) == {("residents", "Belledonne"), ("residents", "Bauges")}
