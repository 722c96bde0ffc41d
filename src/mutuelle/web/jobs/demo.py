"""A demonstration batch kind that moves no money: count the adhesions by range.

Used by the tests of the framework (a kill -9 midway then a rerun must count each adhesion
exactly once: the counters live in the run's result, advanced in the chunk's transaction) and
by staff to see a run progress in the back office. ``delay_ms`` slows each chunk down.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from mutuelle.web.jobs.framework import (
    BatchKind,
    ChunkOutcome,
    ItemError,
    Key,
    ParameterError,
    keyset_chunk,
    register,
)
from mutuelle.web.jobs.models import BatchRun


@register
class CountAdhesions(BatchKind):
    name = "count-adhesions"
    label = "Compter les adhésions par gamme (démonstration, sans mouvement d'argent)"
    chunk_size = 100

    def clean(self, params: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(params) - {"delay_ms", "label", "per_chunk"}
        if unknown:
            raise ParameterError(f"paramètre inconnu : {', '.join(sorted(unknown))}")
        try:
            delay = int(params.get("delay_ms", 0))
        except (TypeError, ValueError):
            raise ParameterError("delay_ms : un nombre entier de millisecondes") from None
        if not 0 <= delay <= 60_000:
            raise ParameterError("delay_ms : entre 0 et 60 000")
        try:
            per_chunk = int(params.get("per_chunk", self.chunk_size))
        except (TypeError, ValueError):
            raise ParameterError("per_chunk : un nombre entier d'adhésions") from None
        if not 1 <= per_chunk <= 10_000:
            raise ParameterError("per_chunk : entre 1 et 10 000")
        cleaned: dict[str, Any] = {"delay_ms": delay, "per_chunk": per_chunk}
        if params.get("label"):
            cleaned["label"] = str(params["label"])[:60]
        return cleaned

    def chunk_size_for(self, params: Mapping[str, Any]) -> int:
        return int(params.get("per_chunk", self.chunk_size))

    def _queryset(self) -> Any:
        from mutuelle.web.members.models import Adhesion

        return Adhesion.objects.values("pk", "number", "range", "status")

    def count(self, params: Mapping[str, Any]) -> int:
        return int(self._queryset().count())

    def chunk(
        self, params: Mapping[str, Any], after: Key | None, size: int
    ) -> Sequence[tuple[Key, Any]]:
        return keyset_chunk(self._queryset(), after, size)

    def process(
        self, run: BatchRun, params: Mapping[str, Any], items: Sequence[Any]
    ) -> ChunkOutcome:
        outcome = ChunkOutcome()
        for row in items:
            if row["status"] == "pending":
                outcome.errors.append(
                    ItemError(row["number"], "demande en ligne pas encore validée : non comptée")
                )
                continue
            outcome.counts["adhesions"] = outcome.counts.get("adhesions", 0) + 1
            key = f"gamme {row['range']}"
            outcome.counts[key] = outcome.counts.get(key, 0) + 1
        if params.get("delay_ms"):
            time.sleep(params["delay_ms"] / 1000)
        return outcome
