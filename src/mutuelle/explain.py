"""How every result of the core explains itself: a list of steps, each a rule and its source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One rule applied, in plain French, with the source a reviewer can search."""

    rule: str
    source: str
