"""The ledger of one beneficiary, as a value: settling a batch returns a new ledger.

Its state is the fold of the opening entries (equipment bought before the adhesion) and of every
settlement's consumption entries. Events are settled in the order (care date, reception order);
a batch whose events all come after the ledger's last one continues from its state, and any
other batch re-settles the whole history, reporting the earlier settlements it changes
(``revised``). So settling events one by one, in any order, ends with the same settlements as
settling them all together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from mutuelle.benefits.consumption import EMPTY, Consumption, LedgerState, Working, fold
from mutuelle.benefits.engine import Settlement, check_coverage, settle_event
from mutuelle.benefits.events import CareEvent, Coverage
from mutuelle.benefits.optics import opening
from mutuelle.benefits.plan import Plan, PlanError

__all__ = ["BatchResult", "Ledger", "Settled", "settle"]


@dataclass(frozen=True, slots=True)
class Settled:
    """An event of the history and its settlement, with its place in the settlement order."""

    key: tuple[dt.date, int]
    event: CareEvent
    settlement: Settlement


@dataclass(frozen=True, slots=True)
class Ledger:
    """What one beneficiary has consumed: the settled events, the opening entries, and the
    state (the fold of the opening entries and of every settlement's consumption)."""

    coverage: Coverage | None = None
    history: tuple[Settled, ...] = ()  # empty when the history is not kept
    state: LedgerState = EMPTY
    opening: tuple[Consumption, ...] = ()
    last_key: tuple[dt.date, int] | None = None  # order key of the last settled event
    next_seq: int = 0

    @property
    def settlements(self) -> tuple[Settlement, ...]:
        return tuple(e.settlement for e in self.history)

    def consumption(self) -> tuple[Consumption, ...]:
        """Every entry, in order: the opening ones, then each settlement's (history kept)."""
        return (*self.opening, *(c for e in self.history for c in e.settlement.consumption))


@dataclass(frozen=True, slots=True)
class BatchResult:
    settlements: tuple[Settlement, ...]  # the batch's events, in settlement order
    revised: tuple[Settlement, ...]  # earlier settlements a late event changed
    ledger: Ledger


def settle(
    plan: Plan,
    cov: Coverage,
    events: Iterable[CareEvent],
    ledger: Ledger | None = None,
    keep_history: bool = True,
) -> BatchResult:
    """Settle a batch of one beneficiary's events, continuing ``ledger``.

    Events are settled in (care date, reception order). An event dated before the ledger's
    last one (or a changed cover) re-settles the whole history; the earlier settlements that
    change are returned in ``revised``. With ``keep_history=False`` (the benchmark's path) the
    ledger keeps only its state, and such a late event is refused (:class:`PlanError`).
    """
    if ledger is None or ledger.coverage != cov:
        check_coverage(plan, cov)
    ledger = ledger or Ledger()
    batch = list(events)
    new = [((ev.date, ledger.next_seq + i), ev) for i, ev in enumerate(batch)]
    new.sort(key=lambda x: x[0])
    next_seq = ledger.next_seq + len(batch)
    changed_cover = ledger.coverage is not None and ledger.coverage != cov
    late = bool(new) and ledger.last_key is not None and new[0][0] < ledger.last_key
    if not (changed_cover or late):
        first = ledger.last_key is None
        seeds = opening(plan, cov) if first else ledger.opening
        ws = Working(fold(seeds) if first else ledger.state)
        settled = [settle_event(plan, cov, ev, ws, k[1]) for k, ev in new]
        history = ledger.history
        if keep_history:
            history = history + tuple(
                Settled(k, ev, s) for (k, ev), s in zip(new, settled, strict=True)
            )
        last = new[-1][0] if new else ledger.last_key
        state = ws.freeze()
        return BatchResult(tuple(settled), (), Ledger(cov, history, state, seeds, last, next_seq))
    if ledger.last_key is not None and not ledger.history:
        raise PlanError(
            "ce registre ne garde pas l'historique des événements : un événement antérieur au "
            "dernier réglé, ou un changement de couverture, ne peut pas y être intégré"
        )
    # a late event (or a changed cover): re-settle the whole history, in order
    previous = {e.key: e.settlement for e in ledger.history}
    merged = sorted([(e.key, e.event) for e in ledger.history] + new, key=lambda x: x[0])
    seeds = opening(plan, cov)
    ws = Working(fold(seeds))
    history_l: list[Settled] = []
    fresh: list[Settlement] = []
    revised: list[Settlement] = []
    for k, ev in merged:
        s = settle_event(plan, cov, ev, ws, k[1])
        history_l.append(Settled(k, ev, s))
        if k in previous:
            if previous[k] != s:
                revised.append(s)
        else:
            fresh.append(s)
    last = merged[-1][0] if merged else None
    return BatchResult(
        tuple(fresh),
        tuple(revised),
        Ledger(cov, tuple(history_l), ws.freeze(), seeds, last, next_seq),
    )
