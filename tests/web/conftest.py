import datetime as dt

import pytest
from django.db import connection
from tests.factories import (
    AdhesionFactory,
    AffiliationFactory,
    FormulaPeriodFactory,
    PersonFactory,
)

from mutuelle import membership as core
from mutuelle.offers import load_offer
from mutuelle.web.members import services
from mutuelle.web.members.enums import EndReason, Role
from mutuelle.web.members.models import Adhesion

D = dt.date

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="EXCLUDE USING gist (périodes qui se chevauchent) n'existe que sous PostgreSQL ; "
    "SQLite n'a pas cette contrainte (définir DATABASE_URL pour ces tests)",
)


@pytest.fixture
def martin(db) -> Adhesion:
    """Claire MARTIN, resident since 1 Jan 2025 (Belledonne, Vanoise since 1 Jan 2026), her
    spouse Karim and their son Noé; contributions paid through 31 Dec 2026."""
    offer = load_offer("grenoble-2025")
    a = AdhesionFactory(
        number="GR25-000001",
        member=PersonFactory(last_name="Martin", first_name="Claire", birth_date=D(1990, 6, 15)),
        formula=False,
    )
    FormulaPeriodFactory(adhesion=a, formula="Belledonne", end=D(2025, 12, 31))
    FormulaPeriodFactory(adhesion=a, formula="Vanoise", start=D(2026, 1, 1))
    for first, birth, role in (
        ("Karim", D(1988, 9, 10), Role.SPOUSE),
        ("Noé", D(2019, 4, 2), Role.CHILD),
    ):
        end = core.age_limit_end(offer, "residents", core.Dependant(role, birth))
        AffiliationFactory(
            adhesion=a,
            person=PersonFactory(last_name="Martin", first_name=first, birth_date=birth),
            role=role,
            end=end.date if end else None,
            end_reason=EndReason.AGE if end else "",
        )
    # Paid through 2026: brought into the money journal (the amounts are the pricing core's).
    services.set_paid_until(a, D(2026, 12, 31), on=D(2026, 11, 1))
    return Adhesion.objects.get(pk=a.pk)
