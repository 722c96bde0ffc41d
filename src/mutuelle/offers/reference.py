"""Reference facts from outside the offer texts, as dated and sourced data.

``offers/data/reference/*.yaml`` holds what the settlement of a claim needs beyond the offer
itself: the contrat responsable limits (R871-2 of the Code de la sécurité sociale, restated by the
règlements), regulatory price limits of the 100 % Santé baskets, and AMO rates and bases used
by the benchmark's synthetic claims. Each value carries its validity dates, the tag of
``../shared/reference/regulation.md`` ([C] confirmed, [S] secondary, [U] unconfirmed, [A]
arithmetic) and its source. An [U] value is refused by the loader: it is a lead, not a value.

A new value (a revaluation) is a new entry with a later ``valid_from``; an entry is never
overwritten, so past claims are settled under the values in force on their care date.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mutuelle import yamlio

Tag = Literal["C", "S", "A"]  # [U] is deliberately absent: never a value to compute with


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dated(_Frozen):
    value: int  # cents, basis points, or a count (see the entry's ``unit``)
    valid_from: dt.date
    valid_to: dt.date | None = None
    tag: Tag
    source: str

    def applies(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class Entry(_Frozen):
    label: str  # French, as an explanation prints it
    unit: Literal["cents", "bp", "count"]
    values: tuple[Dated, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> Entry:
        ordered = sorted(self.values, key=lambda d: d.valid_from)
        for a, b in itertools.pairwise(ordered):
            if a.valid_to is None or a.valid_to >= b.valid_from:
                raise ValueError(f"{self.label}: overlapping validity from {b.valid_from}")
        return self

    def on(self, day: dt.date) -> Dated | None:
        for d in self.values:
            if d.applies(day):
                return d
        return None


class ReferenceFile(_Frozen):
    id: str
    title: str
    entries: dict[str, Entry]


class Reference(_Frozen):
    files: dict[str, ReferenceFile]

    def entry(self, key: str) -> Entry:
        for f in self.files.values():
            if key in f.entries:
                return f.entries[key]
        raise KeyError(key)

    def keys(self) -> list[str]:
        return [k for f in self.files.values() for k in f.entries]


class ReferenceInvalid(ValueError):
    pass


def _folder() -> Path:
    return Path(str(resources.files("mutuelle.offers") / "data" / "reference"))


@functools.cache
def load_reference() -> Reference:
    """All reference files, validated once; :class:`ReferenceInvalid` otherwise."""
    files: dict[str, ReferenceFile] = {}
    try:
        for path in sorted(_folder().glob("*.yaml")):
            f = ReferenceFile.model_validate(yamlio.load_path(path))
            if f.id in files:
                raise ReferenceInvalid(f"{path}: duplicate reference id {f.id!r}")
            files[f.id] = f
        ref = Reference(files=files)
    except ValidationError as exc:
        raise ReferenceInvalid(f"données de référence invalides :\n{exc}") from exc
    seen: set[str] = set()
    for f in ref.files.values():
        dup = seen & set(f.entries)
        if dup:
            raise ReferenceInvalid(f"reference keys defined twice: {sorted(dup)}")
        seen |= set(f.entries)
    return ref
