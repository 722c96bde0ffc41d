"""What the database itself forbids (models' CHECK constraints, migration 0002)."""

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from tests.factories import AdhesionFactory, AffiliationFactory, EventFactory

from mutuelle.web.members.models import AppendOnly, Event, FormulaPeriod

from .conftest import postgres_only

D = dt.date


def test_end_before_start_is_refused(martin) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FormulaPeriod.objects.filter(adhesion=martin).update(end=D(2020, 1, 1))


def test_event_history_is_append_only(martin) -> None:
    e = EventFactory(adhesion=martin, kind="change", summary="essai")
    with pytest.raises(AppendOnly):
        e.save()
    with pytest.raises(AppendOnly):
        e.delete()
    # …and the database refuses it too, even behind the ORM's back.
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=e.pk).update(summary="réécrit")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=e.pk).delete()


@postgres_only
def test_formula_periods_cannot_overlap(martin) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FormulaPeriod.objects.create(adhesion=martin, formula="Bauges", start=D(2026, 6, 1))


@postgres_only
def test_one_person_cannot_hold_two_overlapping_adhesions(martin) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AdhesionFactory(
            number="GR26-000999",
            member=martin.member,
            signed_on=D(2026, 1, 1),
            file_sent_on=D(2026, 1, 1),
            start=D(2026, 2, 1),
            formula=False,
        )


@postgres_only
def test_a_person_cannot_be_affiliated_twice_at_once(martin) -> None:
    noe = martin.affiliations.get(person__first_name="Noé")
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(
            adhesion=martin, person=noe.person, requested_on=D(2026, 1, 1), start=D(2026, 1, 2)
        )


def test_backend_is_postgresql_when_ci_requires_it(db) -> None:
    import os

    from django.db import connection

    if os.environ.get("MUTUELLE_REQUIRE_POSTGRES") == "1":
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor in {"sqlite", "postgresql"}
