"""Shared fixtures and suite-wide checks.

* The seed text (the specification) and the embedded offer.
* With ``MUTUELLE_REQUIRE_POSTGRES=1`` (set by .ci/run) the database tests must run on
  PostgreSQL: a missing or non-PostgreSQL ``DATABASE_URL`` stops the run as a failure (an
  unreachable server fails every database test at setup); it never turns into skips.
* With ``MUTUELLE_REQUIRE_SEEDS=1`` (also set by .ci/run) a missing seed text is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from mutuelle.offers import Offer, load_offer

# Hypothesis's timing checks measure the machine, not the code: CI shares two cores with other
# work, where generating a journal's examples once took longer than the « too slow » threshold.
# The number of examples and every assertion stay as each test sets them.
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "shared-machine"))

# The seed texts live beside the repository (../shared/seeds/); MUTUELLE_SEEDS may point elsewhere.
_CANDIDATES = [
    Path(os.environ.get("MUTUELLE_SEEDS", "/nonexistent")),
    Path(__file__).resolve().parents[2] / "shared" / "seeds",
]
SEED_NAME = "003_51bb29aac179bcf5.txt"


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("MUTUELLE_REQUIRE_POSTGRES") == "1":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise pytest.UsageError(
                "MUTUELLE_REQUIRE_POSTGRES=1 mais DATABASE_URL ne désigne pas un serveur "
                f"PostgreSQL ({url or 'absent'})"
            )


def seed_path() -> Path | None:
    for folder in _CANDIDATES:
        if (folder / SEED_NAME).is_file():
            return folder / SEED_NAME
    return None


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    path = seed_path()
    if path is None:
        if os.environ.get("MUTUELLE_REQUIRE_SEEDS") == "1":
            pytest.fail(f"seed text {SEED_NAME} not found (MUTUELLE_SEEDS)")
        pytest.skip(f"seed text {SEED_NAME} not found beside the repository (set MUTUELLE_SEEDS)")
    return path.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def offer() -> Offer:
    return load_offer("grenoble-2025")


@pytest.fixture
def staff(django_user_model):
    """A superuser of the back office with its TOTP device (every staff account has one; log in
    with ``tests.web.conftest.login``, which passes the second factor)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_user(
        "agent.accueil", password="mot-de-passe-solide-2025", is_staff=True, is_superuser=True
    )
    TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    return user


@pytest.fixture(autouse=True)
def _documents_in_tmp(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Produced PDFs go to a temporary folder, never to the worktree's ``var/``."""
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover
        yield
        return
    folder = tmp_path_factory.mktemp("documents")
    settings.MUTUELLE_DOCUMENTS_DIR = str(folder)
    yield
    del settings.MUTUELLE_DOCUMENTS_DIR


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _sqlite_append_only_tables_emptied(request: pytest.FixtureRequest):
    """After a test that commits, on SQLite: empty the append-only tables (event history,
    journal, access log…) with their triggers lifted, then put the triggers back, so that
    Django's flush between tests can delete the rest (PostgreSQL truncates; SQLite's triggers
    refuse DELETE). The database fixture is requested first so this runs before its flush."""
    if not _transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as c:
        c.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'"
        )
        triggers = c.fetchall()
        c.execute("PRAGMA foreign_keys = OFF")
        try:
            for name, _table, _sql in triggers:
                c.execute(f'DROP TRIGGER "{name}"')
            for table in sorted({t for _n, t, _s in triggers}):
                c.execute(f'DELETE FROM "{table}"')
            for _name, _table, sql in triggers:
                c.execute(sql)
        finally:
            c.execute("PRAGMA foreign_keys = ON")
