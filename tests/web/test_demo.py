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
