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

from mutuelle.offers import Offer, load_offer

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
    """A member of the Mutuelle's staff (the back office's tests log in as this user)."""
    return django_user_model.objects.create_user(
        "agent.accueil", password="mot-de-passe-solide-2025", is_staff=True, is_superuser=True
    )


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
