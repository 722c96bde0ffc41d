"""The data files read with libyaml are the values PyYAML's pure-Python loader reads."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from mutuelle import yamlio

DATA = [
    *sorted(Path(str(resources.files("mutuelle.offers") / "data")).rglob("*.yaml")),
    *sorted(Path(str(resources.files("mutuelle.css") / "data")).rglob("*.yaml")),
]


def test_libyaml_is_used() -> None:
    assert yamlio.LIBYAML, "PyYAML's wheels ship libyaml: mutuelle quote starts in < 0.5 s with it"


@pytest.mark.parametrize("path", DATA, ids=lambda p: p.name)
def test_libyaml_reads_the_same_values(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yamlio.load(text) == yaml.safe_load(text)
