"""Logging (issues 8 and 12): a server error shows a French page with an incident number that
the log line of its traceback carries; failed logins, lockouts and refused acts are logged, to
stderr and to a rotating file under the data folder."""

from __future__ import annotations

import logging
import logging.config
import re

import pytest
from django.conf import settings as dj_settings
from django.test import Client
from django.urls import reverse

from mutuelle.web.settings.base import logging_config


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.security.urls_boom"
    client = Client(raise_request_exception=False)
    return client


def test_a_500_shows_a_french_page_with_the_incident_number_of_its_log_line(
    failing_site, caplog
) -> None:
    # Today's main: an English-free page but no number, and no logging configured at all.
    with caplog.at_level(logging.ERROR, logger="django.request"):
        r = failing_site.get("/panne/")
    assert r.status_code == 500
    text = r.content.decode()
    assert "Un problème technique nous empêche de répondre" in text
    incident = re.search(r"E-\d{8}-[0-9A-F]{6}", text).group(0)
    record = next(rec for rec in caplog.records if rec.name == "django.request")
    assert record.exc_info and "panne simulée" in str(record.exc_info[1])
    assert record.request.incident == incident  # the filter writes it into the line


def test_an_api_500_is_json_with_its_incident(failing_site) -> None:
    r = failing_site.get("/api/panne/")
    assert r.status_code == 500 and r["Content-Type"] == "application/json"
    assert re.search(r"incident E-\d{8}-[0-9A-F]{6}", r.json()["error"])


def test_the_log_file_under_the_data_folder_holds_the_traceback_and_the_incident(
    failing_site, tmp_path
) -> None:
    logging.config.dictConfig(logging_config(tmp_path / "logs"))
    try:
        r = failing_site.get("/panne/")
        incident = re.search(r"E-\d{8}-[0-9A-F]{6}", r.content.decode()).group(0)
        for h in logging.getLogger().handlers:
            h.flush()
        line = (tmp_path / "logs" / "mutuelle.log").read_text(encoding="utf-8")
        assert f"incident={incident}" in line and "client=127.0.0.1" in line
        assert "RuntimeError: panne simulée" in line  # the traceback itself
        assert (tmp_path / "logs").stat().st_mode & 0o777 == 0o700
    finally:
        logging.config.dictConfig(dj_settings.LOGGING)


def test_failed_logins_and_refused_acts_are_logged(client, staff, martin, caplog) -> None:
    from tests.web.conftest import login

    with caplog.at_level(logging.INFO, logger="mutuelle.security"):
        client.post(reverse("admin:login"), {"username": "agent.accueil", "password": "faux"})
    assert any("connexion refusée : identifiant 'agent.accueil'" in m for m in caplog.messages)
    caplog.clear()
    login(client, staff)
    with caplog.at_level(logging.INFO, logger="mutuelle.security"):
        # A downgrade asked too early is refused by the règlement (24 months in Vanoise).
        client.post(
            reverse("admin:members_adhesion_formula", args=[martin.pk]),
            {"new": "Vercors", "requested_on": "2026-11-02"},
        )
    assert any(m.startswith("acte refusé (formula_refused)") for m in caplog.messages)
