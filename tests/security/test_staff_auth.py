"""Staff accounts (issue 12, probe finding 3: 70 wrong passwords in a row were all answered,
then the right one logged in): a second factor on every account, guessing slowed per address
then locked per account, unlock by an administrator, sessions that expire."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from tests.security.conftest import PASSWORD
from tests.web.conftest import login, totp_code

LOGIN = "/gestion/login/"


def attempt(client, username: str, password: str, code: str = "", **extra):
    data = {"username": username, "password": password, "otp_token": code, "next": "/gestion/"}
    return client.post(LOGIN, data, **extra)


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_the_back_office_needs_the_password_and_the_code(client, role_user, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp waits after a wrong code; not here
    user = role_user("accueil")
    r = attempt(client, user.username, PASSWORD)  # no code
    assert r.status_code == 200 and "Saisissez le code de double authentification" in r.text
    assert client.get("/gestion/").status_code == 302  # not in
    r = attempt(client, user.username, PASSWORD, "000000")
    assert "Code de double authentification faux" in r.text
    r = attempt(client, user.username, PASSWORD, totp_code(user))
    assert r.status_code == 302 and r["Location"] == "/gestion/"
    assert client.get("/gestion/").status_code == 200


def test_a_password_alone_never_opens_the_back_office(client, role_user) -> None:
    """A session logged in without the second factor (another login page, a stolen session
    cookie of a half-finished login) is not a back-office session."""
    user = role_user("administrateur")
    client.force_login(user)  # password step only: no verified device in the session
    assert client.get("/gestion/").status_code == 302


def test_brute_force_is_locked_then_unlocked_by_an_administrator(client, role_user) -> None:
    user = role_user("accueil")
    for _ in range(4):
        r = attempt(client, user.username, "mauvais-mot-de-passe")
        assert r.status_code == 200 and "Compte verrouillé" not in r.text
    r = attempt(client, user.username, "mauvais-mot-de-passe")  # the fifth: locked
    assert r.status_code == 429 and "Compte verrouillé" in r.text
    # Then even the right password and code are refused.
    r = attempt(client, user.username, PASSWORD, totp_code(user))
    assert r.status_code == 429 and "Compte verrouillé" in r.text
    assert client.get("/gestion/").status_code == 302
    # An administrator sees the lock and lifts it (deleting the attempt in the admin).
    admin_user = role_user("administrateur")
    from django.test import Client

    admin = Client()
    login(admin, admin_user)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert user.username in listing
    pk = AccessAttempt.objects.get(username=user.username).pk
    admin.post(reverse("admin:axes_accessattempt_delete", args=[pk]), {"post": "yes"})
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    r = attempt(client, user.username, PASSWORD, totp_code(user))
    assert r.status_code == 302


def test_logins_are_slowed_per_address_before_any_lock(client, settings, role_user) -> None:
    settings.MUTUELLE_RATE_LIMITS = {**settings.MUTUELLE_RATE_LIMITS, "login": (3, 600)}
    for i in range(3):
        assert attempt(client, f"inconnu{i}", "x").status_code == 200
    r = attempt(client, "inconnu9", "x")
    assert r.status_code == 429 and "Trop de tentatives de connexion" in r.text
    assert int(r["Retry-After"]) > 0
    # Another address is not slowed (the limit is per client, not global).
    assert attempt(client, "inconnu9", "x", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_staff_sessions_expire(client, role_user, settings) -> None:
    user = role_user("prestations")
    login(client, user)
    assert client.get("/gestion/").status_code == 200
    assert client.session.get_expiry_age() <= settings.MUTUELLE_STAFF_SESSION_IDLE
    session = client.session
    session["staff_since"] = int(time.time()) - settings.MUTUELLE_STAFF_SESSION_MAX - 1
    session.save()
    r = client.get("/gestion/")
    assert r.status_code == 302 and "expired=1" in r["Location"]
    assert client.get("/gestion/").status_code == 302  # logged out


def test_the_dev_exemption_of_the_demo_account_cannot_exist_in_production(
    client, django_user_model
) -> None:
    django_user_model.objects.create_user("demo", password="demo-mutuelle-2025", is_staff=True)
    with override_settings(MUTUELLE_OTP_EXEMPT_USERS=["demo"]):
        r = attempt(client, "demo", "demo-mutuelle-2025")
        assert r.status_code == 302  # scripts/run: the demonstration without an app
        client.logout()
        with override_settings(MUTUELLE_PRODUCTION=True):
            r = attempt(client, "demo", "demo-mutuelle-2025")
            assert r.status_code == 200 and "code de double authentification" in r.text
            from mutuelle.web.security.checks import production_checks

            ids = {e.id for e in production_checks()}
            assert "mutuelle.E002" in ids


def test_create_staff_prints_a_qr_code_and_enrols_the_device(db, capsys) -> None:
    import io

    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    out = io.StringIO()
    call_command("create_staff", "c.dupont", role=["comptabilite"], stdout=out)
    text = out.getvalue()
    assert "Mot de passe (à transmettre puis à changer) :" in text
    assert "otpauth://totp/" in text and "█" in text  # the link and the QR code in the terminal
    device = TOTPDevice.objects.get(user__username="c.dupont")
    assert device.confirmed
    assert device.user.groups.get().name == "Comptabilité" and device.user.is_staff
