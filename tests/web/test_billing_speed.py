"""The faster reads of the yearly call give the same answers as the plain ones: the sums the
database makes (``call_summaries``) equal the core's fold of the entries."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.factories import AffiliationFactory, PersonFactory

from mutuelle.billing import already
from mutuelle.web.billing import services
from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.members.models import Adhesion

D = dt.date


def _bill(year: int, on: dt.date) -> dict:
    run, _ = jobs.start_run("yearly-call", {"year": year, "on": on.isoformat()}, defer=False)
    return framework.run(run.pk).result


@pytest.mark.django_db
def test_summaries_summed_by_the_database_equal_the_fold_of_the_entries(martin) -> None:
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="direct_debit", payment_frequency="monthly"
    )
    for year in (2026, 2027):
        _bill(year, D(year - 1, 12, 2))
    AffiliationFactory(  # a birth: regularisations beside the calls
        adhesion=martin,
        person=PersonFactory(first_name="Léa", birth_date=D(2027, 2, 10)),
        start=D(2027, 2, 10),
        requested_on=D(2027, 2, 20),
    )
    services.call_adhesion(martin, 2027, D(2027, 2, 21))
    numbers = list(Adhesion.objects.values_list("number", flat=True))
    for year in (2026, 2027, 2028):
        summed = services.call_summaries(numbers, year)
        entries = services.call_entries(numbers, year)
        for n in numbers:
            assert summed[n] == already(entries.get(n, []), n, year), (n, year)
    called = services.call_summaries([martin.number], 2027)[martin.number].called
    assert len(called) == 12 and max(c.entries for c in called.values()) == 2
    # and the call made from them posts nothing more
    assert _bill(2027, D(2027, 3, 1))["entries_posted"] == 0


@pytest.mark.django_db
def test_facts_read_as_rows_equal_the_facts_of_the_model(martin, offer) -> None:
    from tests.factories import AdhesionFactory

    AdhesionFactory(range="agents", payroll_deduction=True)
    AdhesionFactory(payment_mode="cheque")
    pks = list(Adhesion.objects.order_by("pk").values_list("pk", flat=True))
    rows = services.facts_many(pks)
    models = services.with_facts(Adhesion.objects.filter(pk__in=pks).order_by("pk"))
    assert [f for _, f in rows] == [services.facts_of(a) for a in models]
    assert [o for o, _ in rows] == [a.offer or "" for a in models]
