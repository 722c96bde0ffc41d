"""Fixtures of the benefits tests: the seed text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SEED_NAME = "003_51bb29aac179bcf5.txt"
# The seed texts live beside the repository (../shared/seeds/); MUTUELLE_SEEDS may point elsewhere.
_CANDIDATES = [
    Path(os.environ.get("MUTUELLE_SEEDS", "/nonexistent")),
    Path(__file__).resolve().parents[3] / "shared" / "seeds",
    Path("/work/shared/seeds"),
]


@pytest.fixture(scope="session")
def guarantee_seed() -> list[str]:
    """The seed text's lines (index 0 is line 1)."""
    for folder in _CANDIDATES:
        if (folder / SEED_NAME).is_file():
            return (folder / SEED_NAME).read_text(encoding="utf-8").split("\n")
    if os.environ.get("CI") or os.environ.get("MUTUELLE_REQUIRE_SEEDS"):
        pytest.fail(f"seed text {SEED_NAME} not found (set MUTUELLE_SEEDS)")
    pytest.skip(f"seed text {SEED_NAME} not found beside the repository (set MUTUELLE_SEEDS)")
