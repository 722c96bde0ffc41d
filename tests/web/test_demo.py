"""The demonstration population: deterministic, consistent with the rules, written in bulk."""

import datetime as dt
import itertools

import pytest
from django.db.models import F

from mutuelle.offers import load_offer
from mutuelle.web.members import demo
from mutuelle.web.members.models import Adhesion, Affiliation, FormulaPeriod


@pytest.mark.django_db
def test_demo_population_respects_the_rules() -> None:
    counts = demo.load_demo(
        load_offer("grenoble-2025"),
        households=400,
        today=dt.date(2026, 11, 23),
        progress=lambda s: None,
    )
    assert counts["households"] == 400
    assert set(Adhesion.objects.values_list("range", flat=True)) == {
        "residents",
        "students",
        "agents",
        "tns",
    }
    # A dependant never starts before the member, never outlives the adhesion.
    assert not Affiliation.objects.filter(start__lt=F("adhesion__start")).exists()
    assert not Affiliation.objects.filter(adhesion__end__isnull=False, end__isnull=True).exists()
    assert not Affiliation.objects.filter(end__gt=F("adhesion__end")).exists()
    assert not Affiliation.objects.filter(adhesion__range="students").exists()
    # Every adhesion has a formula from its start; periods are contiguous.
    for a in Adhesion.objects.prefetch_related("formula_periods"):
        periods = sorted(a.formula_periods.all(), key=lambda p: p.start)
        assert periods[0].start == a.start
        for before, after in itertools.pairwise(periods):
            assert before.end == after.start - dt.timedelta(days=1)
    assert (
        FormulaPeriod.objects.filter(start__month=1, start__day=1)
        .exclude(start=F("adhesion__start"))
        .count()
        == FormulaPeriod.objects.exclude(start=F("adhesion__start")).count()
    )
    # Every member gave a (fictitious, valid) account for their benefits; those paying by direct
    # debit signed a mandate on it, read back decrypted by the payments app.
    from mutuelle import sepa
    from mutuelle.web.payments import services as payments

    active = Adhesion.objects.filter(status="active")
    assert all(sepa.check_iban(a.iban).iban == a.iban and "DEMO" in a.iban for a in active)
    debit = active.filter(payment_mode="direct_debit")
    assert debit.count() > 300 and counts["mandates"] == debit.count()
    for a in debit[:50]:
        mandate = payments.active_mandate(a)
        assert mandate is not None and mandate.signed_on == a.signed_on
        assert payments.mandate_account(mandate).iban == a.iban
    assert not active.filter(range="tns").exclude(payment_mode="direct_debit").exists()
    # The family of the README's first visit.
    assert Adhesion.objects.get(number="GR25-000001").member.last_name == "Martin"
    with pytest.raises(RuntimeError, match="déjà des adhésions"):
        demo.load_demo(load_offer("grenoble-2025"), households=5)


def test_demo_is_deterministic() -> None:
    offer = load_offer("grenoble-2025")

    def signature(seed: int) -> list[tuple[object, ...]]:
        return [
            (
                hh.adhesion.number,
                hh.adhesion.range,
                hh.adhesion.start,
                hh.adhesion.monthly_cents,
                hh.member.birth_date,
                len(hh.dependants),
                tuple(p.formula for p in hh.periods),
            )
            for hh in demo.build_population(offer, 300, seed, dt.date(2026, 11, 23))
        ]

    assert signature(7) == signature(7)
    assert signature(7) != signature(8)


@pytest.mark.parametrize(
    "today", [dt.date(2026, 12, 2), dt.date(2026, 12, 20), dt.date(2026, 6, 15)]
)
def test_the_population_holds_no_piece_of_an_absent_person_nor_an_end_before_its_start(
    today: dt.date,
) -> None:
    """`demo-data --households 30000` failed: a child born after the adhesion ended kept its
    justificatif (an unsaved person), a request's child past the age limit before the
    request's start got an end before its start (affiliation_end_after_start); and `mutuelle
    serve` failed on 15 June (an adhesion taking effect next month drew a change of formula
    between its start and today)."""
    built = demo.build_population(load_offer("grenoble-2025"), 6000, 2025, today)
    for hh in built:
        present = {id(hh.member), *(id(p) for p, _ in hh.dependants)}
        assert all(d.person is None or id(d.person) in present for d in hh.documents)
        assert all(f.end is None or f.end >= f.start for _, f in hh.dependants)


def test_the_population_can_be_built_on_any_day_of_the_convention() -> None:
    """On the 1st and the 15th of every month since the launch, and on a month's last day, the
    population is built (an adhesion taking effect after today has no past to draw)."""
    offer = load_offer("grenoble-2025")
    days = [
        dt.date(y, m, d)
        for y in (2025, 2026, 2027)
        for m in range(1, 13)
        for d in (1, 15, 28)
        if dt.date(2025, 2, 15) <= dt.date(y, m, d) <= dt.date(2027, 3, 1)
    ]
    for today in days:
        built = demo.build_population(offer, 120, 2025, today)
        later = [hh for hh in built if hh.adhesion.start > today]
        assert all(len(hh.periods) == 1 and hh.adhesion.end is None for hh in later)
