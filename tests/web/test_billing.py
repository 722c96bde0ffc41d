"""Billing's shell: the yearly call posted to the journal, its schedule, regularisations."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.factories import AdhesionFactory, AffiliationFactory, PersonFactory

from mutuelle.journal import AccountKind, EntryKind
from mutuelle.web.billing import services
from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.journal import services as journal
from mutuelle.web.members.models import Adhesion

D = dt.date
ON = D(2026, 12, 2)


def _bill(year: int = 2027, on: dt.date = ON) -> dict:
    run, _ = jobs.start_run("yearly-call", {"year": year, "on": on.isoformat()}, defer=False)
    return framework.run(run.pk).result


@pytest.mark.django_db
def test_martin_2027_call_is_twelve_monthly_instalments_with_taxes_apart(martin) -> None:
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="direct_debit", payment_frequency="monthly"
    )
    result = _bill()
    lines = services.schedule(martin.number, 2027)
    assert len(lines) == 12 and lines[0].due_on == D(2027, 1, 1)
    assert sum(line.ttc_cents for line in lines) == result["ttc_cents"]
    for line in lines:
        assert line.net_cents + line.tsa_cents + line.lfss_cents == line.ttc_cents
        assert line.lfss_cents == 0  # the LFSS 2026 contribution is for 2026 collections only
    assert -journal.balance_of(journal.Account(AccountKind.tax_tsa)) == result["tsa_cents"]
    # the member owes the call; nothing is due before the first instalment
    status = journal.contribution_status(martin.number)
    assert status.owed_on(D(2027, 1, 1)) == 0
    assert status.owed_on(D(2027, 1, 2)) == lines[0].ttc_cents


@pytest.mark.django_db
def test_rerun_posts_nothing_and_a_birth_is_regularised(martin) -> None:
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="transfer", payment_frequency="monthly"
    )
    first = _bill()
    assert first["entries_posted"] == 12
    assert _bill(on=D(2026, 12, 3))["entries_posted"] == 0
    # A baby born in 2027 joins from birth: the call is regularised, never rewritten.
    AffiliationFactory(
        adhesion=martin,
        person=PersonFactory(first_name="Léa", birth_date=D(2027, 2, 10)),
        start=D(2027, 2, 10),
        requested_on=D(2027, 2, 20),
    )
    call = services.call_adhesion(martin, 2027, D(2027, 2, 21))
    regs = [e for e in call.entries if e.kind is EntryKind.contribution_regularisation]
    assert regs, "the newborn's months after the exemption are called by regularisation"
    assert all(e.key.startswith(f"bill:{martin.number}:2027:") for e in regs)
    lines = services.schedule(martin.number, 2027)
    assert sum(line.ttc_cents for line in lines) == call.total.ttc > first["ttc_cents"]
    # the first months are free for the newborn (6 months from birth): unchanged
    assert lines[0].ttc_cents == lines[1].ttc_cents


@pytest.mark.django_db
def test_cheque_is_called_once_a_year_and_unpriced_households_are_reported(offer) -> None:
    a = AdhesionFactory(payment_mode="cheque", payment_frequency="annual")
    old = AdhesionFactory(
        member=PersonFactory(birth_date=D(1940, 1, 1)), formula="Vanoise", payment_mode="cheque"
    )
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": ON.isoformat()}, defer=False)
    done = framework.run(run.pk)
    assert [(line.start, line.end) for line in services.schedule(a.number, 2027)] == [
        (D(2027, 1, 1), D(2027, 12, 31))
    ]
    errors = {e.item: e.reason for e in done.errors.all()}
    assert old.number in errors and "G-01" in errors[old.number]


@pytest.mark.django_db
def test_bad_parameters_are_refused_in_french() -> None:
    with pytest.raises(framework.ParameterError, match="année"):
        jobs.start_run("yearly-call", {"year": "deux mille", "on": "2026-12-02"}, defer=False)
    with pytest.raises(framework.ParameterError, match="date illisible"):
        jobs.start_run("yearly-call", {"year": 2027, "on": "02/12/2026"}, defer=False)


@pytest.mark.django_db
def test_an_end_before_the_year_recorded_after_the_call_brings_it_to_nothing(martin) -> None:
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="transfer", payment_frequency="monthly"
    )
    called = _bill()["ttc_cents"]
    assert called > 0
    Adhesion.objects.filter(pk=martin.pk).update(end=D(2026, 12, 31), end_reason="annual")
    martin.affiliations.update(end=D(2026, 12, 31))
    martin.formula_periods.filter(end__isnull=True).update(end=D(2026, 12, 31))
    again = _bill(on=D(2026, 12, 20))
    assert again["entries_posted"] == 12
    assert services.schedule(martin.number, 2027) == []


@pytest.mark.django_db
def test_online_requests_pending_or_refused_are_never_called(martin) -> None:
    # Only a validated adhesion is a contract (Règlement particuliers I-4): a request waiting
    # for staff, or refused by them, owes nothing whatever its dates.
    waiting = AdhesionFactory(pending=True, start=D(2027, 1, 1))
    refused = AdhesionFactory(pending=True, status="refused", start=D(2027, 1, 1))
    result = _bill()
    assert result["entries_posted"] > 0  # martin is called
    assert services.schedule(martin.number, 2027) != []
    for a in (waiting, refused):
        assert services.schedule(a.number, 2027) == []
        assert journal.contribution_status(a.number).owed_on(D(2027, 12, 31)) == 0
