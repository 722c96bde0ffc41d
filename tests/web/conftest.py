import datetime as dt

import pytest
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
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


def totp_code(user) -> str:
    """The code the user's authenticator application shows now."""
    device = TOTPDevice.objects.get(user=user)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def login(client, user) -> None:
    """Log ``user`` in as if with password and TOTP code (the back office requires both)."""
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="téléphone", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


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


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's ``admin_client``, verified by its second factor like every staff login."""
    from django.test import Client

    c = Client()
    login(c, admin_user)
    return c
