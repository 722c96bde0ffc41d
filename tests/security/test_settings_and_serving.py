"""Production settings, the production server, the health probe, the demonstration data kept
out of production (issue 12, probe finding 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from mutuelle.offers import load_offer
from mutuelle.web.members import demo
from mutuelle.web.security.demo_guard import DemoRefused

ROOT = Path(__file__).resolve().parents[2]


def prod_env(tmp_path: Path, **over: str) -> dict[str, str]:
    from mutuelle.web.security.fields import new_key

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MUTUELLE_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mutuelle.web.settings.prod",
        MUTUELLE_SECRET_KEY="s" * 30 + "-production-key-" + "t" * 20,
        MUTUELLE_ALLOWED_HOSTS="mutuelle.example.org",
        MUTUELLE_FIELD_KEYS=new_key(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        MUTUELLE_DATA_DIR=str(tmp_path / "var"),
        MUTUELLE_STATIC_COMPRESSION="0",  # hashed names still; gzip/brotli take half a minute
    )
    env.update(over)
    return env


def run(args: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mutuelle.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_under_the_production_settings(tmp_path) -> None:
    # Today's main: four warnings (HSTS, SSL redirect, session and CSRF cookies).
    r = run(["manage", "check", "--deploy", "--fail-level", "WARNING"], prod_env(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


@pytest.mark.parametrize(
    "missing",
    ["MUTUELLE_SECRET_KEY", "MUTUELLE_ALLOWED_HOSTS", "MUTUELLE_FIELD_KEYS", "DATABASE_URL"],
)
def test_production_refuses_to_start_without_each_secret(tmp_path, missing) -> None:
    env = prod_env(tmp_path)
    del env[missing]
    r = run(["serve", "--prod", "--check"], env)
    assert r.returncode == 2
    assert f"{missing} manquante" in r.stderr


def test_wsgi_never_falls_back_to_the_development_key(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    r = subprocess.run(
        [sys.executable, "-c", "import mutuelle.web.wsgi"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode != 0 and "DJANGO_SETTINGS_MODULE absent" in r.stderr


def test_the_production_server_prepares_and_refuses_a_demo_database(tmp_path) -> None:
    env = prod_env(tmp_path)
    r = run(["serve", "--prod", "--check"], env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Fichiers statiques prêts" in r.stdout
    manifest = tmp_path / "var" / "static" / "staticfiles.json"
    assert manifest.exists()  # hashed names for whitenoise
    # The demonstration population is refused under settings.prod, even asked for.
    r = run(["demo-data", "--households", "5"], env)
    assert r.returncode == 2 and "refusées en production" in r.stdout + r.stderr
    # A database holding the demo account (copied from elsewhere) does not get served.
    create = (
        "import django; django.setup(); from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_user('demo', password='demo-mutuelle-2025')"
    )
    subprocess.run([sys.executable, "-c", create], env=env, cwd=ROOT, check=True, timeout=60)
    r = run(["serve", "--prod", "--check"], env)
    assert r.returncode == 2 and "compte de démonstration" in r.stderr


def test_the_demonstration_data_are_refused_in_production(db) -> None:
    # Today's main loads them (and the superuser demo / demo-mutuelle-2025) under any settings.
    with override_settings(MUTUELLE_PRODUCTION=True), pytest.raises(DemoRefused):
        demo.load_demo(load_offer("grenoble-2025"), households=1, progress=lambda s: None)
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="demo").exists()


def test_health_probe_checks_the_database(db, client, monkeypatch) -> None:
    r = client.get(reverse("health"))
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok"}
    from mutuelle.web.security import views

    def broken():
        raise OSError("connexion refusée")

    with monkeypatch.context() as m:
        m.setattr(views.connection, "cursor", broken)
        r = client.get(reverse("health"))
    assert r.status_code == 503 and r.json()["database"] == "injoignable"


def test_every_page_carries_the_content_security_policy(client) -> None:
    for url in ("/", "/simulateur/", "/gestion/login/", "/api/docs"):
        csp = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], url
