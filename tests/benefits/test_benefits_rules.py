"""The règlements' rules around the table: cover, gaps, ceilings, counters, contrat responsable."""

from __future__ import annotations

import pytest
from benefits_helpers import cover, event, one, plan_for, run

from mutuelle.benefits import PlanError, check_coverage
from mutuelle.benefits.steps import NoCover

# --- cover dates, formulas, gaps -----------------------------------------------------------


def test_no_settlement_outside_the_cover_dates() -> None:
    cov = cover(start="2025-03-01", end="2025-06-30")
    before, inside, after = run(
        cov,
        event("pharmacie", "2025-02-28", "a", billed_cents=1000, br_cents=1000, amo_cents=650),
        event("pharmacie", "2025-06-30", "b", billed_cents=1000, br_cents=1000, amo_cents=650),
        event("pharmacie", "2025-07-01", "c", billed_cents=1000, br_cents=1000, amo_cents=650),
    )
    assert before.error and "hors de la période de couverture" in before.error
    assert "l. 3259" in (before.error_source or "")  # Règlement particuliers V-3
    assert inside.error is None and inside.mutuelle_cents == 350  # last day is covered (I-21)
    assert after.error and "hors de la période" in after.error


def test_formula_in_force_on_the_care_date() -> None:
    """I-9-2-2: the change to Vanoise on 1 January 2026 applies to care from that date."""
    cov = cover(formula="Vercors", changes=(("2026-01-01", "Vanoise"),))
    gp = {"billed_cents": 7000, "br_cents": 3000, "amo_cents": 2100, "dptam": True}
    old, new = run(
        cov,
        event("generaliste", "2025-12-31", "a", **gp),
        event("generaliste", "2026-01-01", "b", **gp),
    )
    assert (old.formula, old.mutuelle_cents) == ("Vercors", 900)  # 100 % BR: 30 − 21
    assert (new.formula, new.mutuelle_cents) == ("Vanoise", 3900)  # 200 % BR: 60 − 21


def test_a_formula_change_not_on_1_january_is_refused() -> None:
    with pytest.raises(PlanError, match="1er janvier") as exc:
        check_coverage(plan_for("residents"), cover(changes=(("2025-07-01", "Vanoise"),)))
    assert exc.value.source and "l. 2524" in exc.value.source


def test_unknown_formula_is_refused() -> None:
    with pytest.raises(PlanError, match="formule inconnue"):
        check_coverage(plan_for("tns"), cover("tns", "Belledonne"))


@pytest.mark.parametrize(
    "benefit",
    ["generaliste", "hospitalisation_sejour", "dentaire_soins", "implant", "pharmacie", "sport"],
)
def test_tns_care_missing_from_the_text_is_refused_naming_the_gap(benefit: str) -> None:
    s = one(cover("tns", "AER"), event(benefit, billed_cents=10000, br_cents=3000, amo_cents=2100))
    assert s.error is not None and "G-10" in s.error
    assert "Aucun remboursement par analogie" in s.error
    assert s.mutuelle_cents == 0


def test_residents_care_absent_from_their_table_is_not_covered() -> None:
    """Règlement particuliers IV-5 (l. 3199): a TNS-only benefit is settled at 0 €."""
    s = one(cover(), event("aide_auditive_non_remboursee", billed_cents=80000, ear="left"))
    assert s.error is None and s.mutuelle_cents == 0
    assert s.steps[-1].code == "not_in_table"


def test_unknown_benefit_code_is_an_event_error() -> None:
    s = one(cover(), event("osteo", billed_cents=5000))
    assert s.error and "prestation inconnue" in s.error and "mutuelle benefits" in s.error


def test_blank_cells_are_refused_naming_their_gap() -> None:
    lens = event(
        "optique_verre",
        basket="libre",
        lens_category="tres_complexe",
        billed_cents=30000,
        br_cents=5,
        amo_cents=3,
    )
    s = one(cover(formula="Beaufortain"), lens)
    assert s.error and "G-11" in s.error and "l. 6032" in (s.error_source or "")
    s = one(cover(formula="Bauges"), event("medecines_douces", billed_cents=5000))
    assert s.error and "G-12" in s.error
    s = one(
        cover("tns", "ASOCLR", birth="1970-01-01"),
        event("optique_remplacement_monture", billed_cents=5000),
    )
    assert s.error and "G-13" in s.error


def test_dash_is_settled_at_zero_with_its_reason() -> None:
    s = one(cover(formula="Bauges"), event("vaccins_non_rembourses", billed_cents=3000))
    assert s.error is None and s.mutuelle_cents == 0 and s.steps[-1] == NoCover("Bauges")


# --- amounts: AMO included, PF and franchises, pathway ---------------------------------------


def test_participation_forfaitaire_and_franchise_stay_with_the_member() -> None:
    """The issue's example: 30 € GP, AMO 21 € before the 2 € PF → mutual 9 €, member 2 €."""
    s = one(
        cover(),
        event(
            "generaliste",
            billed_cents=3000,
            br_cents=3000,
            amo_cents=2100,
            dptam=True,
            participation_forfaitaire_cents=200,
        ),
    )
    assert (s.mutuelle_cents, s.amo_cents, s.amo_paid_cents, s.out_of_pocket_cents) == (
        900,
        2100,
        1900,
        200,
    )


def test_out_of_pathway_penalty_and_overrun_are_not_reimbursed() -> None:
    """I-26: AMO paid 30 % (9 €) instead of 70 % (21 €); DA of 5 € billed outside the parcours.

    Vanoise 200 % BR, computed as if the AMO had paid 21 €: bill 40 − 5 (DA) = 35; cap 60 − 21 =
    39; after AMO 35 − 21 = 14 → mutual 14 €; the member keeps 12 € of penalty and the 5 € DA.
    """
    s = one(
        cover(formula="Vanoise"),
        event(
            "generaliste",
            billed_cents=4000,
            br_cents=3000,
            amo_cents=900,
            dptam=True,
            out_of_pathway_penalty_cents=1200,
            out_of_pathway_overrun_cents=500,
        ),
    )
    assert s.mutuelle_cents == 1400
    assert s.out_of_pocket_cents == 4000 - 900 - 1400


def test_amo_at_100_percent_pays_only_the_overrun() -> None:
    """Règlement IV-3 (l. 2931): AMO 100 % (ALD), 100 % BR formula → nothing; 200 % → overrun."""
    ald = {"billed_cents": 5000, "br_cents": 3000, "amo_cents": 3000, "dptam": True}
    assert one(cover(formula="Bauges"), event("specialiste", **ald)).mutuelle_cents == 0
    assert one(cover(formula="Vanoise"), event("specialiste", **ald)).mutuelle_cents == 2000


def test_care_not_reimbursed_by_the_amo_gets_nothing_on_a_pct_line() -> None:
    s = one(cover(formula="Vanoise"), event("specialiste", billed_cents=5000, br_cents=3000))
    assert s.mutuelle_cents == 0 and s.steps[-1].code == "not_reimbursed"


def test_a_non_amo_line_with_an_amo_amount_is_an_input_error() -> None:
    s = one(cover(), event("implant", billed_cents=100000, amo_cents=1000))
    assert s.error and "non pris en charge par l'AMO" in s.error


def test_lenses_ticket_moderateur_floor_beyond_the_yearly_ceiling() -> None:
    """I-28: Bauges AMO + 50 €/an; after 50 € of refused lenses, accepted lenses still get
    their ticket modérateur 39,48 − 23,69 = 15,79 € (contrat responsable)."""
    cov = cover(formula="Bauges")
    a, b = run(
        cov,
        event("lentilles_non_remboursees", "2025-02-01", "a", billed_cents=12000),
        event("lentilles", "2025-06-01", "b", billed_cents=10000, br_cents=3948, amo_cents=2369),
    )
    assert a.mutuelle_cents == 5000 and a.ceilings[0].remaining == 0
    assert b.mutuelle_cents == 1579 and any(st.code == "tm_floor" for st in b.steps)


# --- shared ceilings, counters, periods -------------------------------------------------------


def test_bien_etre_lines_share_one_yearly_ceiling_reset_on_1_january() -> None:
    """I-14: osteopath, homeopathy and contraception share Belledonne's 150 €/an."""
    cov = cover()
    a, b, c, d = run(
        cov,
        event("medecines_douces", "2025-02-01", "a", billed_cents=6000),
        event("homeopathie", "2025-03-01", "b", billed_cents=6000),
        event("contraception", "2025-04-01", "c", billed_cents=6000),
        event("medecines_douces", "2026-01-05", "d", billed_cents=6000),
    )
    assert [x.mutuelle_cents for x in (a, b, c, d)] == [6000, 6000, 3000, 6000]
    assert c.ceilings[0].remaining == 0 and c.ceilings[0].used_before == 12000
    assert d.ceilings[0].period == "année 2026" and d.ceilings[0].used_before == 0


def test_additional_benefits_share_their_ceiling() -> None:
    cov = cover(formula="Vercors")  # 30 €/an (l. 5998)
    a, b = run(
        cov,
        event("vaccins_non_rembourses", "2025-01-10", "a", billed_cents=2000),
        event("sevrage_tabagique", "2025-05-10", "b", billed_cents=5000),
    )
    assert (a.mutuelle_cents, b.mutuelle_cents) == (2000, 1000)


def test_implants_three_per_calendar_year() -> None:
    cov = cover(formula="Vercors")  # 150 € per implant
    a, b, c = run(
        cov,
        event("implant", "2025-02-01", "a", billed_cents=200000, quantity=2),
        event("implant", "2025-06-01", "b", billed_cents=200000, quantity=2),
        event("implant", "2026-01-15", "c", billed_cents=100000),
    )
    assert a.mutuelle_cents == 30000
    assert b.mutuelle_cents == 15000  # one implant left in 2025
    assert c.mutuelle_cents == 15000 and c.ceilings[0].used_before == 0


def test_companion_days_fifteen_per_calendar_year() -> None:
    cov = cover(formula="Belledonne", birth="2018-04-01")  # 25 €/jour, a child of 6
    a, b = run(
        cov,
        event("accompagnant", "2025-02-01", "a", billed_cents=50000, days=10),
        event("accompagnant", "2025-09-01", "b", billed_cents=50000, days=10),
    )
    assert a.mutuelle_cents == 25000  # 10 days × 25 €
    assert b.mutuelle_cents == 12500  # 5 days left
    assert b.ceilings[0].unit == "jours" and b.ceilings[0].remaining == 0


@pytest.mark.parametrize(
    ("birth", "day", "paid"),
    [
        ("2009-03-11", "2025-03-10", 12000),  # 15 years and 364 days
        ("2009-03-10", "2025-03-10", 0),  # 16 today
        ("1955-03-10", "2025-03-10", 0),  # 70 today: not « plus de 70 ans »
        ("1955-03-09", "2025-03-10", 12000),  # 70 and a day
        ("1980-06-15", "2025-03-10", 0),
    ],
)
def test_companion_costs_only_for_under_16_or_over_70(birth: str, day: str, paid: int) -> None:
    s = one(
        cover(formula="Vanoise", birth=birth, start="2000-01-01" if birth < "2000" else birth),
        event("accompagnant", day, billed_cents=20000, days=4),
    )
    assert s.mutuelle_cents == paid


def test_one_sports_registration_per_year() -> None:
    cov = cover(formula="Vanoise")  # 30 €/an
    a, b = run(
        cov,
        event("sport", "2025-09-01", "a", billed_cents=1000),
        event("sport", "2025-10-01", "b", billed_cents=10000),
    )
    assert (a.mutuelle_cents, b.mutuelle_cents) == (1000, 0)
    assert b.steps[-1].code == "claims_limit"


def test_cure_forfait_one_period_of_24_months_carried_across_a_formula_change() -> None:
    """I-9-2-3: Belledonne paid 150 € in 2025; in Vanoise (300 €) from 2026 the same 24-month
    period has 150 € left; a new period opens 24 months after the first claim."""
    cov = cover(changes=(("2026-01-01", "Vanoise"),))
    kw = {"billed_cents": 40000, "distance_km": 200}
    a, b, c = run(
        cov,
        event("cure_thermale_forfait", "2025-05-01", "a", **kw),
        event("cure_thermale_forfait", "2026-05-01", "b", **kw),
        event("cure_thermale_forfait", "2027-05-01", "c", **kw),
    )
    assert a.mutuelle_cents == 15000
    assert b.mutuelle_cents == 15000 and b.ceilings[0].used_before == 15000
    assert c.mutuelle_cents == 30000 and c.ceilings[0].period.startswith("période du 01/05/2027")


def test_cure_forfait_needs_a_place_of_cure_over_50_km() -> None:
    s = one(
        cover(formula="Vanoise"), event("cure_thermale_forfait", billed_cents=40000, distance_km=50)
    )
    assert s.mutuelle_cents == 0
    s = one(cover(formula="Vanoise"), event("cure_thermale_forfait", billed_cents=40000))
    assert s.error and "distance_km" in s.error


def test_refused_orthodontics_per_calendar_semester() -> None:
    cov = cover(formula="Vercors")  # 150 € per semester
    a, b, c = run(
        cov,
        event("orthodontie_refusee", "2025-02-01", "a", billed_cents=10000),
        event("orthodontie_refusee", "2025-05-01", "b", billed_cents=10000),
        event("orthodontie_refusee", "2025-07-01", "c", billed_cents=10000),
    )
    assert [x.mutuelle_cents for x in (a, b, c)] == [10000, 5000, 10000]


def test_orthodontics_prorata_of_the_covered_days_of_the_semester() -> None:
    """I-20: cover from 1 April; 1st semester 2025 = 181 days, 91 covered (1/4-30/6).
    Accepted: 174,15 € × 91/181 = 87,556… → 87,56 €; refused: 150 € × 91/181 → 75,41 €."""
    cov = cover(formula="Vercors", start="2025-04-01")
    s = one(
        cov, event("orthodontie", "2025-04-15", billed_cents=60000, br_cents=19350, amo_cents=11610)
    )
    assert s.mutuelle_cents == 8756
    s = one(cov, event("orthodontie_refusee", "2025-04-15", billed_cents=70000))
    assert s.mutuelle_cents == 7541


def test_refractive_surgery_one_eye_half_then_the_other() -> None:
    cov = cover(formula="Beaufortain")  # 400 € a year for both eyes
    a, b, c = run(
        cov,
        event("chirurgie_refractive", "2025-02-01", "a", billed_cents=150000, eye="left"),
        event("chirurgie_refractive", "2025-03-01", "b", billed_cents=150000, eye="right"),
        event("chirurgie_refractive", "2025-04-01", "c", billed_cents=150000, eye="right"),
    )
    assert [x.mutuelle_cents for x in (a, b, c)] == [20000, 20000, 0]


def test_tns_refractive_surgery_per_eye_per_year() -> None:
    cov = cover("tns", "ADR")  # 350 € per eye operated
    a, b = run(
        cov,
        event("chirurgie_refractive", "2025-02-01", "a", billed_cents=150000, eye="left"),
        event("chirurgie_refractive", "2025-03-01", "b", billed_cents=150000, eye="both"),
    )
    assert a.mutuelle_cents == 35000
    assert b.mutuelle_cents == 35000  # the left eye's 350 € are used


def test_tns_bien_etre_per_session_then_yearly_ceiling() -> None:
    cov = cover("tns", "ABASER")  # 175 €/an, max 25 € per session
    results = run(
        cov,
        *(
            event("medecines_douces", f"2025-{m:02d}-01", f"s{m}", billed_cents=5000)
            for m in range(1, 9)
        ),
    )
    assert [s.mutuelle_cents for s in results] == [2500] * 7 + [0]


# --- hospital exclusions, birth bonus --------------------------------------------------------


def test_hospital_exclusions_by_establishment() -> None:
    cov = cover(formula="Vanoise")
    s = one(
        cov, event("forfait_journalier", billed_cents=6000, days=3, establishment="medico_social")
    )
    assert s.mutuelle_cents == 0
    s = one(
        cov, event("chambre_particuliere", billed_cents=30000, days=3, establishment="geriatrie")
    )
    assert s.mutuelle_cents == 0
    s = one(cov, event("forfait_journalier", billed_cents=6000, days=3, establishment="general"))
    assert s.mutuelle_cents == 6000


def test_birth_bonus_needs_enrolment_within_three_months() -> None:
    cov = cover(formula="Belledonne")  # 250 € per child
    ok = one(cov, event("prime_naissance", "2025-03-10", enrolled_on="2025-06-10", quantity=2))
    assert ok.mutuelle_cents == 50000 and ok.out_of_pocket_cents == 0  # twins
    late = one(cov, event("prime_naissance", "2025-03-10", enrolled_on="2025-06-11"))
    assert late.mutuelle_cents == 0
    missing = one(cov, event("prime_naissance", "2025-03-10"))
    assert missing.error and "enrolled_on" in missing.error


# --- 100 % Santé and hearing aids ------------------------------------------------------------


def test_100_sante_without_price_limit_is_refused_naming_the_gap() -> None:
    s = one(
        cover(), event("dentaire_100_sante", billed_cents=50000, br_cents=12000, amo_cents=7200)
    )
    assert s.error and "price_limit_cents" in s.error and "G-14" in s.error


def test_100_sante_above_the_price_limit_pays_up_to_the_limit() -> None:
    s = one(
        cover(),
        event(
            "aide_auditive",
            basket="100_sante",
            ear="left",
            billed_cents=120000,
            br_cents=40000,
            amo_cents=24000,
        ),
    )
    assert s.mutuelle_cents == 71000 and s.out_of_pocket_cents == 25000


def test_hearing_aids_one_per_ear_per_four_years_carried_from_before_the_adhesion() -> None:
    cov = cover(formula="Vanoise", last_hearing={"left": "2022-05-01"})
    kw = {"basket": "libre", "billed_cents": 150000, "br_cents": 40000, "amo_cents": 24000}
    left, right, left_again, left_later = run(
        cov,
        event("aide_auditive", "2025-03-01", "l", ear="left", **kw),
        event("aide_auditive", "2025-03-01", "r", ear="right", **kw),
        event("aide_auditive", "2026-05-01", "l2", ear="left", **kw),
        event("aide_auditive", "2026-06-01", "l3", ear="left", **kw),
    )
    assert left.mutuelle_cents == 0  # 2022-05-01 + 4 years = 2026-05-01
    assert right.mutuelle_cents == 25000
    assert left_again.mutuelle_cents == 25000
    assert left_later.mutuelle_cents == 0


def test_hearing_aid_class_2_capped_at_1700_euros_amo_included() -> None:
    """TNS AER, a child of 10 (BR 1 400 €, AMO 840 €): 100 % BR + 500 € = 1 060 € would make
    1 900 € with the AMO; R871-2 caps mutual + AMO at 1 700 € → 860 €."""
    s = one(
        cover("tns", "AER", birth="2015-01-01"),
        event(
            "aide_auditive",
            basket="libre",
            ear="left",
            billed_cents=200000,
            br_cents=140000,
            amo_cents=84000,
        ),
    )
    assert s.mutuelle_cents == 86000 and any(st.code == "hearing_cap" for st in s.steps)


def test_each_range_cites_its_own_reglement() -> None:
    """Agents settle on the same table but their rules cite the agents' règlement (annexe 2)."""
    ev = event("implant", billed_cents=100000, quantity=4)
    agents = one(cover("agents", "Vercors"), ev)
    students = one(cover("students", "Vercors", birth="2004-02-02"), ev)
    assert agents.mutuelle_cents == students.mutuelle_cents == 45000  # 3 implants × 150 €
    assert "Règlement agents 4-2-2 Implantologie" in plan_for("agents").rule("implant_limit").source
    assert "l. 4347" in plan_for("agents").rule("implant_limit").source
    assert "l. 3012" in plan_for("students").rule("implant_limit").source


def test_settle_refuses_a_cover_the_range_cannot_have() -> None:
    from mutuelle.benefits import settle

    with pytest.raises(PlanError):
        settle(plan_for("residents"), cover("residents", "ABR"), [])
