"""The contribution engine, against cases worked out by hand from the texts.

Every expected amount below is read off the grids (Annexes 4-6, seed l. 5782-5967) and the
règlements' rules; the comment next to it says which cell and which rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mutuelle.offers import Offer
from mutuelle.pricing import (
    FormulaQuote,
    FormulaRefusal,
    QuoteRefused,
    parse_household,
    quote,
)
from mutuelle.pricing.engine import Quote


def hh(range_: str, date: str, *members: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"range": range_, "date": date, "members": list(members), **extra}


def adherent(birth: str, **kw: Any) -> dict[str, Any]:
    return {"role": "adherent", "birth_date": birth, **kw}


def spouse(birth: str) -> dict[str, Any]:
    return {"role": "spouse", "birth_date": birth}


def child(birth: str, **kw: Any) -> dict[str, Any]:
    return {"role": "child", "birth_date": birth, **kw}


def run(offer: Offer, data: dict[str, Any], formula: str | None = None) -> Quote:
    return quote(offer, parse_household(data), formula)


def f(q: Quote, name: str) -> FormulaQuote:
    found = next(x for x in q.formulas if x.formula == name)
    assert isinstance(found, FormulaQuote), found
    return found


def refusal(q: Quote, name: str) -> FormulaRefusal:
    found = next(x for x in q.formulas if x.formula == name)
    assert isinstance(found, FormulaRefusal), found
    return found


# --- residents: the adult and child grids, the age rule ---------------------------------


def test_issue_example_household(offer: Offer) -> None:
    q = run(
        offer,
        hh(
            "residents",
            "2025-01-01",
            adherent("1980-06-15"),
            spouse("1982-09-10"),
            child("2019-04-02"),
        ),
    )
    bauges = f(q, "Bauges")
    # Adultes « 45 ans » 33,45 + « 43 ans » 32,18 ; Enfants « 0 - 9 ans » 19,25
    assert [m.monthly_cents for m in bauges.members] == [3345, 3218, 1925]
    assert bauges.monthly_cents == 8488
    assert bauges.year_cents == 12 * 8488
    assert [x.formula for x in q.formulas] == [
        "Bauges",
        "Vercors",
        "Belledonne",
        "Beaufortain",
        "Vanoise",
    ]
    assert f(q, "Vanoise").monthly_cents == 7163 + 6884 + 3902


def test_tariff_age_is_year_minus_birth_year(offer: Offer) -> None:
    # Born 31 Dec 1980: 44 years old on 1 Jan 2025, but the tariff age is 2025 − 1980 = 45.
    q = run(offer, hh("residents", "2025-01-01", adherent("1980-12-31")), "Bauges")
    m = f(q, "Bauges").members[0]
    assert m.age == 45 and m.monthly_cents == 3345
    assert "III-1-1" in " ".join(s.source for s in m.steps)


def test_each_amount_names_its_grid_cell(offer: Offer) -> None:
    q = run(offer, hh("residents", "2025-01-01", adherent("1953-05-04")), "Vercors")
    m = f(q, "Vercors").members[0]
    assert m.monthly_cents == 6925  # Adultes « 72 ans » Vercors 69,25 €
    assert "« 72 ans »" in m.source and "l. 5839" in m.source


# --- the prorata (docs I-01) --------------------------------------------------------------


def test_cover_from_the_first_of_a_month_is_whole_months(offer: Offer) -> None:
    q = run(offer, hh("residents", "2025-07-01", adherent("1980-06-15")), "Bauges")
    assert f(q, "Bauges").year_cents == 6 * 3345


def test_cover_from_mid_month_is_prorated_by_days(offer: Offer) -> None:
    q = run(offer, hh("residents", "2025-03-15", adherent("1980-06-15")), "Bauges")
    b = f(q, "Bauges")
    # March: 17 days of 31 → 33,45 × 17/31 = 18,3435 → 18,34 ; then April–December 9 × 33,45.
    assert b.months[0].cents == 1834
    assert b.year_cents == 1834 + 9 * 3345
    assert len(b.months) == 10


def test_cover_from_the_last_day_of_a_leap_february(offer: Offer) -> None:
    q = run(offer, hh("residents", "2025-12-31", adherent("1980-06-15")), "Bauges")
    assert f(q, "Bauges").year_cents == 108  # 33,45 × 1/31 = 1,079 → 1,08


# --- newborns and large families (Règlement particuliers III-1-3, docs I-02, I-05, I-08) ---


def test_first_child_free_six_months_from_birth(offer: Offer) -> None:
    q = run(
        offer, hh("residents", "2025-03-01", adherent("1995-01-01"), child("2025-02-10")), "Bauges"
    )
    c = f(q, "Bauges").members[1]
    assert c.free_until == dt.date(2025, 8, 9)
    # Free March–July; August charged for 22 of 31 days: 19,25 × 22/31 = 13,66; Sep–Dec 4 × 19,25.
    assert c.year_cents == 1366 + 4 * 1925
    assert c.monthly_cents == 1925  # what a normal month will cost


def test_second_child_seniority_under_12_months_gives_6(offer: Offer) -> None:
    q = run(
        offer,
        hh(
            "residents",
            "2025-02-01",
            adherent("1990-01-01"),
            child("2020-05-05"),
            child("2025-01-15"),
        ),
        "Bauges",
    )
    newborn = f(q, "Bauges").members[2]
    assert newborn.free_until == dt.date(2025, 7, 14)


def test_second_child_with_12_months_in_the_formula_gives_8(offer: Offer) -> None:
    data = hh(
        "residents",
        "2025-02-01",
        adherent("1990-01-01"),
        child("2020-05-05"),
        child("2025-01-15"),
        current_formula="Belledonne",
        formula_since="2024-01-15",
    )
    q = run(offer, data)
    # Exactly 12 months on the birth date counts as "plus de 12 mois" (docs I-05).
    assert f(q, "Belledonne").members[2].free_until == dt.date(2025, 9, 14)
    # In another formula the member would start on the quote date: 0 months of seniority.
    assert f(q, "Bauges").members[2].free_until == dt.date(2025, 7, 14)


def test_third_child_8_or_10_months(offer: Offer) -> None:
    kids = [child("2015-01-01"), child("2018-01-01"), child("2025-01-20")]
    short = run(offer, hh("residents", "2025-02-01", adherent("1985-01-01"), *kids), "Vercors")
    assert f(short, "Vercors").members[3].free_until == dt.date(2025, 9, 19)
    long = run(
        offer,
        hh(
            "residents",
            "2025-02-01",
            adherent("1985-01-01"),
            *kids,
            current_formula="Vercors",
            formula_since="2020-01-01",
        ),
        "Vercors",
    )
    assert f(long, "Vercors").members[3].free_until == dt.date(2025, 11, 19)


def test_from_the_fourth_child_free_and_ranked_by_birth(offer: Offer) -> None:
    # Input order differs from birth order: the youngest two are the 4th and 5th children.
    kids = [
        child("2014-01-01", name="d"),
        child("2008-01-01", name="a"),
        child("2016-01-01", name="e"),
        child("2010-01-01", name="b"),
        child("2012-01-01", name="c"),
    ]
    q = run(offer, hh("residents", "2025-01-01", adherent("1980-01-01"), *kids), "Bauges")
    by_name = {m.member.name: m for m in f(q, "Bauges").members if m.member.name}
    # Enfants Bauges: « 17 ans » 20,30, « 15 ans » 19,90, « 13 ans » 19,25; then free.
    assert [by_name[k].monthly_cents for k in "abcde"] == [2030, 1990, 1925, 0, 0]
    assert "4e enfant" in by_name["d"].steps[-1].rule


def test_children_older_than_21_need_a_proof(offer: Offer) -> None:
    data = hh("residents", "2025-01-01", adherent("1970-01-01"), child("2002-06-01"))
    with pytest.raises(QuoteRefused) as exc:
        run(offer, data)
    assert "justificatif" in exc.value.message and "2155" in str(exc.value.source)
    data["members"][1]["proof"] = "studies"
    q = run(offer, data, "Bauges")
    assert f(q, "Bauges").members[1].monthly_cents == 2155  # Enfants « 23 ans » Bauges 21,55


def test_child_28_on_first_january_is_no_longer_a_dependant(offer: Offer) -> None:
    # Born 1 Jan 1997: 28 on 1 Jan 2025, no longer "âgé de moins de 28 ans".
    data = hh(
        "residents", "2025-01-01", adherent("1970-01-01"), child("1997-01-01", proof="studies")
    )
    with pytest.raises(QuoteRefused, match="membre participant"):
        run(offer, data)
    # Born 2 Jan 1997: 27 on 1 Jan 2025, dependant all 2025 at the « 28 ans » rate.
    data["members"][1]["birth_date"] = "1997-01-02"
    q = run(offer, data, "Bauges")
    assert f(q, "Bauges").members[1].monthly_cents == 2177


def test_disabled_child_beyond_the_grid_is_refused_with_the_gap(offer: Offer) -> None:
    data = hh("residents", "2025-01-01", adherent("1960-01-01"), child("1990-01-01", disabled=True))
    with pytest.raises(QuoteRefused, match="G-04"):
        run(offer, data)


# --- refusals the texts impose -------------------------------------------------------------


def test_80_plus_rate_missing_for_two_formulas(offer: Offer) -> None:
    q = run(offer, hh("residents", "2025-01-01", adherent("1940-03-01")))
    assert f(q, "Bauges").monthly_cents == 7476  # « 80 ans et + » 74,76
    assert f(q, "Belledonne").monthly_cents == 9252
    for name in ("Beaufortain", "Vanoise"):
        r = refusal(q, name)
        assert "G-01" in r.error and "l. 5847" in r.source


def test_member_under_16_is_refused(offer: Offer) -> None:
    with pytest.raises(QuoteRefused) as exc:
        run(offer, hh("residents", "2025-01-01", adherent("2009-06-01")))
    assert "16 ans" in exc.value.message and "2245" in str(exc.value.source)


def test_member_aged_17_has_no_adult_tariff(offer: Offer) -> None:
    # 16 years old on the date (may join), tariff age 2025 − 2008 = 17: the grid starts at 18.
    with pytest.raises(QuoteRefused, match="G-04"):
        run(offer, hh("residents", "2025-01-01", adherent("2008-12-01")))


def test_date_outside_the_offer(offer: Offer) -> None:
    with pytest.raises(QuoteRefused, match="à partir du 01/01/2025"):
        run(offer, hh("residents", "2024-12-01", adherent("1980-01-01")))
    with pytest.raises(QuoteRefused, match="2028"):
        run(offer, hh("residents", "2028-01-01", adherent("1980-01-01")))


def test_2026_uses_the_guaranteed_2025_grid_with_a_note(offer: Offer) -> None:
    q = run(offer, hh("residents", "2026-01-01", adherent("1980-06-15")), "Bauges")
    assert f(q, "Bauges").monthly_cents == 3411  # tariff age 46 in 2026: 34,11
    assert any("1884" in n and "P/C" in n for n in q.notes)


def test_unknown_formula(offer: Offer) -> None:
    with pytest.raises(QuoteRefused, match="formule inconnue"):
        run(offer, hh("residents", "2025-01-01", adherent("1980-01-01")), "Chartreuse")
    q = run(offer, hh("residents", "2025-01-01", adherent("1980-01-01")), "belledonne")
    assert [x.formula for x in q.formulas] == ["Belledonne"]


# --- students (Annexe 5, Règlement particuliers I-8) -------------------------------------


def test_student_rate(offer: Offer) -> None:
    q = run(offer, hh("students", "2025-09-01", adherent("2004-02-11")))
    b = f(q, "Bauges")
    assert b.structure == "student" and b.monthly_cents == 1560  # « 21 ans » 15,60
    assert b.year_cents == 4 * 1560


def test_student_with_a_dependant_is_refused(offer: Offer) -> None:
    with pytest.raises(QuoteRefused) as exc:
        run(offer, hh("students", "2025-01-01", adherent("2003-01-01"), spouse("2003-05-05")))
    assert "sans ayant droit" in exc.value.message and "2412" in str(exc.value.source)


def test_student_outside_18_28(offer: Offer) -> None:
    with pytest.raises(QuoteRefused, match="de 18 à 28 ans"):
        run(offer, hh("students", "2025-01-01", adherent("1994-01-01")))


# --- agents: same grid, late-entry surcharge (Règlement agents Cotisations 1-1, I-07) ----


def agent(birth: str, **facts: Any) -> dict[str, Any]:
    return adherent(birth, agent=facts)


def test_agent_surcharge_counts_uncovered_years_after_30(offer: Offer) -> None:
    # Entry 2016-09-01, last reference cover ended 2019-12-31, adhesion 2025-03-01:
    # 5 whole years → 10 %. Adultes « 47 ans » Bauges 34,78 × 1,10 = 38,258 → 38,26.
    q = run(
        offer,
        hh(
            "agents",
            "2025-03-01",
            agent(
                "1978-01-20",
                public_service_entry="2016-09-01",
                last_reference_cover_end="2019-12-31",
            ),
        ),
    )
    m = f(q, "Bauges").members[0]
    assert m.tariff_cents == 3478 and m.monthly_cents == 3826
    assert any("10 %" in s.rule and "4042" in s.source for s in m.steps)


def test_agent_surcharge_skips_the_first_two_years(offer: Offer) -> None:
    # Entry 2020-03-01, never covered: count from 2022-03-01 → 2025-03-01 = 3 years = 6 %.
    q = run(
        offer,
        hh("agents", "2025-03-01", agent("1970-01-01", public_service_entry="2020-03-01")),
        "Vercors",
    )
    m = f(q, "Vercors").members[0]
    assert m.tariff_cents == 4946  # Adultes « 55 ans » Vercors 49,46
    assert m.monthly_cents == 5243  # 49,46 × 1,06 = 52,4276 → 52,43


def test_agent_under_30_has_no_surcharge_and_needs_no_facts(offer: Offer) -> None:
    q = run(offer, hh("agents", "2025-01-01", adherent("1997-01-01")), "Bauges")
    assert f(q, "Bauges").members[0].monthly_cents == 2408  # « 28 ans » 24,08


def test_agent_over_30_without_entry_date_is_refused(offer: Offer) -> None:
    with pytest.raises(QuoteRefused, match="public_service_entry"):
        run(offer, hh("agents", "2025-01-01", adherent("1980-01-01")))


def test_agent_in_post_in_2011_needs_the_missing_date(offer: Offer) -> None:
    with pytest.raises(QuoteRefused, match="G-03"):
        run(
            offer,
            hh(
                "agents",
                "2025-01-01",
                agent(
                    "1970-01-01",
                    public_service_entry="2005-01-01",
                    last_reference_cover_end="2018-12-31",
                ),
            ),
        )
    # Covered until less than a year ago: no year counted, the date is not needed;
    # the coefficient transmitted by the previous insurer still applies.
    q = run(
        offer,
        hh(
            "agents",
            "2025-01-01",
            agent(
                "1970-01-01",
                public_service_entry="2005-01-01",
                last_reference_cover_end="2024-12-31",
                transmitted_majoration_bp=400,
            ),
        ),
        "Bauges",
    )
    m = f(q, "Bauges").members[0]
    assert m.tariff_cents == 4083 and m.monthly_cents == 4246  # 40,83 × 1,04 = 42,4632


def test_spouse_of_an_agent_pays_no_surcharge(offer: Offer) -> None:
    q = run(
        offer,
        hh(
            "agents",
            "2025-03-01",
            agent("1978-01-20", public_service_entry="2016-09-01"),
            spouse("1978-05-05"),
        ),
        "Bauges",
    )
    assert f(q, "Bauges").members[1].monthly_cents == 3478


# --- TNS (Annexe 6, conditions générales art. 8) ------------------------------------------


def test_tns_family_rate_is_chosen_when_cheaper(offer: Offer) -> None:
    data = hh(
        "tns",
        "2025-01-01",
        adherent("1975-10-03"),
        spouse("1977-02-17"),
        child("2008-05-30"),
        child("2011-12-01"),
    )
    q = run(offer, data)
    a = f(q, "ASOCLR")
    assert a.structure == "family" and a.monthly_cents == 8986  # FAMILLE « 46-50 ans »
    alt = a.alternatives[0]
    # ADULTE « 46-50 ans » 33,90 × 2 + ENFANT 15,21 × 2 = 98,22
    assert alt.structure == "adult_child" and alt.monthly_cents == 9822  # type: ignore[union-attr]


def test_tns_third_child_free(offer: Offer) -> None:
    data = hh(
        "tns",
        "2025-01-01",
        adherent("1990-01-01"),
        child("2015-01-01"),
        child("2017-01-01"),
        child("2019-01-01"),
        structure="adult_child",
    )
    a = f(run(offer, data), "ABR")
    # ADULTE « 31-40 ans » ABR 47,10 ; children 33,71, 33,71, then free from the 3rd.
    assert [m.monthly_cents for m in a.members] == [4710, 3371, 3371, 0]


def test_tns_child_aged_5_uses_the_0_row_read_as_0_9(offer: Offer) -> None:
    data = hh(
        "tns", "2025-01-01", adherent("1990-01-01"), child("2020-01-01"), structure="adult_child"
    )
    m = f(run(offer, data), "AER").members[1]
    assert m.monthly_cents == 6817 and "I-03" in m.source


def test_tns_family_gap_falls_back_or_refuses(offer: Offer) -> None:
    # Member aged 58 (FAMILLE « 56-60 ans »: ADR and AER blank, docs G-02).
    data = hh("tns", "2025-01-01", adherent("1967-01-01"), spouse("1968-01-01"))
    q = run(offer, data)
    adr = f(q, "ADR")
    assert adr.structure == "adult_child" and adr.monthly_cents == 2 * 10166
    assert any("G-02" in getattr(a, "error", "") for a in adr.alternatives)
    forced = run(offer, {**data, "structure": "family"})
    assert "G-02" in refusal(forced, "AER").error
    assert f(forced, "ACR").monthly_cents == 20611


def test_tns_note_when_not_starting_on_the_first(offer: Offer) -> None:
    q = run(offer, hh("tns", "2025-04-15", adherent("1980-01-01")), "AAR")
    assert any("4906" in n for n in f(q, "AAR").notes)
