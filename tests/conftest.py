"""Shared fixtures: the seed text (the specification) and the embedded offer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mutuelle.offers import Offer, load_offer

# The seed texts live beside the repository (../shared/seeds/); MUTUELLE_SEEDS may point elsewhere.
_CANDIDATES = [
    Path(os.environ.get("MUTUELLE_SEEDS", "/nonexistent")),
    Path(__file__).resolve().parents[2] / "shared" / "seeds",
    Path("/work/shared/seeds"),
]
SEED_NAME = "003_51bb29aac179bcf5.txt"


def seed_path() -> Path | None:
    for folder in _CANDIDATES:
        if (folder / SEED_NAME).is_file():
            return folder / SEED_NAME
    return None


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    path = seed_path()
    if path is None:
        if os.environ.get("CI") or os.environ.get("MUTUELLE_REQUIRE_SEEDS"):
            pytest.fail(f"seed text {SEED_NAME} not found (set MUTUELLE_SEEDS)")
        pytest.skip(f"seed text {SEED_NAME} not found beside the repository (set MUTUELLE_SEEDS)")
    return path.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def offer() -> Offer:
    return load_offer("grenoble-2025")
