"""Optical equipment: periods, early renewals, classes A/B, contrat responsable caps."""

from __future__ import annotations

from benefits_helpers import cover, event, run

FRAME_B = {"basket": "libre", "billed_cents": 15000, "br_cents": 5, "amo_cents": 3}
LENSES_B = {
    "basket": "libre",
    "lens_category": "simple",
    "quantity": 2,
    "billed_cents": 20000,
    "br_cents": 10,
    "amo_cents": 6,
}


def frame(day: str, id: str, **kw: object) -> object:
    return event("optique_monture", day, id, **{**FRAME_B, **kw})


def lenses(day: str, id: str, **kw: object) -> object:
    return event("optique_verre", day, id, **{**LENSES_B, **kw})


def test_adult_one_equipment_per_two_years() -> None:
    """Belledonne: frame 82 €, simple lens 52 €. A new frame 23 months later is refused; the
    date of the next one is given; 24 months later it is paid again."""
    cov = cover()
    f1, l1, f2, f3 = run(
        cov,
        frame("2025-02-01", "f1"),
        lenses("2025-02-01", "l1"),
        frame("2027-01-15", "f2"),
        frame("2027-02-01", "f3"),
    )
    assert (f1.mutuelle_cents, l1.mutuelle_cents) == (8197, 10394)  # 82 − 0,03; 104 − 0,06
    assert f2.mutuelle_cents == 0
    refusal = next(st for st in f2.steps if st.code == "periodicity_optical")
    assert refusal.next.isoformat() == "2027-02-01"
    assert f3.mutuelle_cents == 8197


def test_child_under_16_one_equipment_per_year() -> None:
    cov = cover(birth="2015-06-01")
    a, b = run(cov, frame("2025-02-01", "a"), frame("2026-02-01", "b"))
    assert a.mutuelle_cents == b.mutuelle_cents == 8197


def test_age_is_taken_on_the_purchase_date() -> None:
    """Bought at 15, renewed 12 months later at 16: the adult period (2 years) applies."""
    cov = cover(birth="2009-06-01")
    a, b = run(cov, frame("2025-05-01", "a"), frame("2026-05-01", "b"))
    assert a.mutuelle_cents == 8197 and b.mutuelle_cents == 0


def test_lenses_may_come_one_by_one_within_the_period() -> None:
    cov = cover()
    one_lens = {"quantity": 1, "br_cents": 5, "amo_cents": 3}
    a, b, c = run(
        cov,
        lenses("2025-02-01", "a", **one_lens),
        lenses("2025-03-01", "b", **one_lens),
        lenses("2025-04-01", "c", **one_lens),
    )
    assert [x.mutuelle_cents for x in (a, b, c)] == [5197, 5197, 0]  # 52 € − 0,03


def test_early_renewal_for_a_change_of_sight() -> None:
    """Annexe 2: 16 and over, a complete equipment after one year; under 16, lenses at once."""
    adult = cover()
    a, b, c = run(
        adult,
        lenses("2025-02-01", "a"),
        lenses("2025-12-01", "b", renewal="vision_change"),
        lenses("2026-02-01", "c", renewal="vision_change"),
    )
    assert (a.mutuelle_cents, b.mutuelle_cents, c.mutuelle_cents) == (10394, 0, 10394)
    child = cover(birth="2015-06-01")
    a, b, c = run(
        child,
        lenses("2025-02-01", "a"),
        lenses("2025-04-01", "b", renewal="vision_change"),
        frame("2025-04-01", "c", renewal="vision_change"),
    )
    assert b.mutuelle_cents == 10394  # lenses without delay
    assert c.mutuelle_cents == 8197  # the frame's own first period


def test_early_renewal_child_face_and_medical_situations() -> None:
    small = cover(birth="2020-01-01")  # 5 years old
    a, b, c = run(
        small,
        frame("2025-02-01", "a"),
        frame("2025-07-01", "b", renewal="child_face"),
        frame("2025-08-01", "c", renewal="child_face"),
    )
    assert (a.mutuelle_cents, b.mutuelle_cents, c.mutuelle_cents) == (8197, 0, 8197)
    adult = cover()
    a, c, b = run(
        adult,
        lenses("2025-02-01", "a"),
        lenses("2025-03-01", "b", renewal="medical"),
        frame("2025-02-01", "c"),
    )  # settled in date order: a, c, b
    assert (a.mutuelle_cents, b.mutuelle_cents, c.mutuelle_cents) == (10394, 10394, 8197)
    d = run(adult, frame("2025-02-01", "a"), frame("2025-03-01", "d", renewal="medical"))[1]
    assert d.mutuelle_cents == 0  # a medical situation renews lenses, not the frame


def test_second_equipment_has_its_own_periods() -> None:
    cov = cover()
    a, b, c = run(
        cov,
        frame("2025-02-01", "a"),
        frame("2025-02-01", "b"),
        frame("2025-02-01", "c", second_equipment=True),
    )
    assert [x.mutuelle_cents for x in (a, b, c)] == [8197, 0, 8197]


def test_equipment_bought_before_the_adhesion_counts() -> None:
    """I-9-2-3 / 4-3-1: the period runs from the last equipment reimbursed by the AMO."""
    cov = cover(last_optical="2024-06-01")
    a, b = run(cov, frame("2025-02-01", "a"), frame("2026-06-01", "b"))
    assert (a.mutuelle_cents, b.mutuelle_cents) == (0, 8197)


def test_periods_carry_across_a_formula_change() -> None:
    cov = cover(changes=(("2026-01-01", "Vanoise"),))
    a, b = run(cov, frame("2025-09-01", "a"), frame("2026-03-01", "b"))
    assert (a.mutuelle_cents, b.mutuelle_cents) == (8197, 0)


def test_mixed_equipment_and_no_mixing_of_lens_classes() -> None:
    """Footnote (1): a class A frame with class B lenses is allowed; A and B lenses are not."""
    cov = cover()
    frame_a = event(
        "optique_monture",
        "2025-02-01",
        "fa",
        basket="100_sante",
        billed_cents=3000,
        br_cents=900,
        amo_cents=540,
    )
    lens_b = event(
        "optique_verre",
        "2025-02-01",
        "lb",
        basket="libre",
        lens_category="simple",
        billed_cents=10000,
        br_cents=5,
        amo_cents=3,
    )
    lens_a = event(
        "optique_verre",
        "2025-02-02",
        "la",
        basket="100_sante",
        billed_cents=5000,
        br_cents=1000,
        amo_cents=600,
        price_limit_cents=5000,
    )
    fa, lb, la = run(cov, frame_a, lens_b, lens_a)
    assert fa.mutuelle_cents == 2460 and lb.mutuelle_cents == 5197
    assert la.mutuelle_cents == 0 and la.steps[-1].code == "lens_mix"


def test_tns_replacement_frame_between_13th_and_23rd_month_within_100_euros() -> None:
    """I-25, ABR: frame at 60 € (mutual 59,97 + AMO 0,03), replacement 30 € in the 14th month:
    60 + 30 ≤ 100. A second replacement frame is refused."""
    cov = cover("tns", "ABR")
    f = frame("2025-01-10", "f", billed_cents=6000)
    r1 = event("optique_remplacement_monture", "2026-02-15", "r1", billed_cents=5000)
    r2 = event("optique_remplacement_monture", "2026-03-15", "r2", billed_cents=5000)
    early = event("optique_remplacement_monture", "2026-01-09", "e", billed_cents=5000)
    a, e, b, c = run(cov, f, early, r1, r2)
    assert a.mutuelle_cents == 5997
    assert e.mutuelle_cents == 0  # 12th month: too early
    assert b.mutuelle_cents == 3000
    assert c.mutuelle_cents == 0


def test_tns_replacement_frame_stops_at_the_100_euro_frame_cap() -> None:
    cov = cover("tns", "ABR")
    a, b = run(
        cov,
        frame("2025-01-10", "f"),
        event("optique_remplacement_monture", "2026-02-15", "r", billed_cents=5000),
    )
    assert a.mutuelle_cents == 9997  # frame 100 € AMO comprise
    assert b.mutuelle_cents == 0 and any(st.code == "frame_cap" for st in b.steps)


def test_tns_replacement_lenses_stop_at_the_equipment_maximum() -> None:
    """ADR: frame 100 €, two simple lenses 110 € each → 100 + 220 = 320 € with the AMO; case a)
    allows 420 €, so two replacement lenses (100 € each) get 100 € in all."""
    cov = cover("tns", "ADR")
    f, l1, r = run(
        cov,
        frame("2025-01-10", "f"),
        lenses("2025-01-10", "l", billed_cents=30000),
        event("optique_remplacement_verre", "2026-03-01", "r", quantity=2, billed_cents=30000),
    )
    assert (f.mutuelle_cents, l1.mutuelle_cents) == (9997, 21994)
    assert r.mutuelle_cents == 10000
    assert any(st.code == "equipment_cap" for st in r.steps)


def test_tns_replacement_is_for_adults() -> None:
    cov = cover("tns", "ABR", birth="2010-01-01")
    _, r = run(
        cov,
        frame("2025-01-10", "f"),
        event("optique_remplacement_monture", "2026-02-15", "r", billed_cents=5000),
    )
    assert r.mutuelle_cents == 0 and r.steps[-1].code == "adult"


def test_basket_and_lens_category_are_required() -> None:
    cov = cover()
    (s,) = run(cov, event("optique_verre", billed_cents=10000, br_cents=5, amo_cents=3))
    assert s.error and "basket" in s.error
    (s,) = run(
        cov, event("optique_verre", basket="libre", billed_cents=10000, br_cents=5, amo_cents=3)
    )
    assert s.error and "lens_category" in s.error
