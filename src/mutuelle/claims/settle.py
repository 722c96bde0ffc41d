"""Settle a beneficiary's claim lines against the ledger folded from their stored entries.

Lines are settled in the order (care date, reception order, line id). A line arriving after
every line already settled for the beneficiary continues from the fold of the stored
consumption entries (the fast path: nothing else is read). A late line — dated before one
already settled — or a cancellation re-settles the beneficiary's whole history in that order,
from the opening entries; every earlier settlement whose amount, consumption or refusal changes
is returned as a revision (the shell stores the reversing and the new entries and pays or
recovers the difference). So settling lines one by one or all together ends with the same
settlements (``tests/claims/test_claims_properties.py``).

Before the engine, two refusals of the règlement: care during a suspension of the guarantees
for unpaid contributions (Code de la mutualité L.221-7, Règlement particuliers III-2-3) and
care of a person outside their own cover dates (Règlement particuliers V-3, the engine's
``cover_period``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mutuelle.benefits.consumption import Consumption, LedgerState, Working, fold
from mutuelle.benefits.engine import Settlement, settle_event
from mutuelle.benefits.events import CareEvent, Coverage
from mutuelle.benefits.optics import opening
from mutuelle.benefits.plan import Plan
from mutuelle.explain import Cited
from mutuelle.refusal import Code

__all__ = [
    "FIXABLE",
    "Change",
    "ChangeKind",
    "Held",
    "Household",
    "Insured",
    "OrderKey",
    "Suspended",
    "apply",
    "continue_ledger",
    "find_beneficiary",
    "ledger_state",
    "settle_beneficiary",
    "suspended_on",
]

OrderKey = tuple[dt.date, int, str]  # care date, reception order, line id

# Engine refusals that say the line itself is wrong (a field missing or contradicting its
# line): the line is rejected, to be fixed and resubmitted, not settled at 0 €.
FIXABLE = frozenset({Code.EVENT_FIELD, Code.INPUT, Code.EVENT_INCONSISTENT, Code.UNKNOWN_BENEFIT})

SUSPENSION_SOURCE = Cited.outside(
    "Code de la mutualité L.221-7 ; Règlement particuliers III-2-3 (suspension des garanties "
    "pour défaut de paiement) — lecture docs/interpretations.md I-180",
    "Règlement mutualiste, art. III-2-3",
)
RANK_SOURCE = "docs/claims-format.md (beneficiary_rank) — lecture docs/interpretations.md I-183"


@dataclass(frozen=True, slots=True)
class Suspended:
    """Guarantees suspended from ``starts_at`` until ``ends_at`` (None: not reinstated)."""

    starts_at: dt.datetime
    ends_at: dt.datetime | None
    source: str = ""


def suspended_on(suspensions: Sequence[Suspended], day: dt.date) -> Suspended | None:
    """The suspension in force for the whole of ``day``, if any (docs I-180: a claim line
    carries a date, not an hour; care on the day a suspension starts or ends — the cover
    comes back « le lendemain à midi » of the payment, L.221-7 — is given the benefit of the
    doubt and settled)."""
    for s in suspensions:
        start = s.starts_at.replace(tzinfo=None)
        end = s.ends_at.replace(tzinfo=None) if s.ends_at else None
        day_start = dt.datetime.combine(day, dt.time())
        day_end = day_start + dt.timedelta(days=1)
        if start <= day_start and (end is None or end >= day_end):
            return s
    return None


@dataclass(frozen=True, slots=True)
class Insured:
    """A person of the household, with their own cover dates (``ref``: the shell's id)."""

    ref: int
    role: str  # "adherent", "spouse", "child"
    birth_date: dt.date
    cover_start: dt.date
    cover_end: dt.date | None
    order: int = 0  # affiliation order (ties of twins)
    name: str = ""


@dataclass(frozen=True, slots=True)
class Household:
    adhesion_no: str
    offer: str
    range: str
    formulas: tuple[tuple[dt.date, str], ...]
    persons: tuple[Insured, ...]
    suspensions: tuple[Suspended, ...] = ()

    def ranked(self) -> dict[int, Insured]:
        """1 the member, 2 the spouse, 3… the children in birth order (docs I-183)."""
        out: dict[int, Insured] = {}
        for p in self.persons:
            if p.role == "adherent":
                out[1] = p
            elif p.role == "spouse":
                out.setdefault(2, p)
        children = sorted(
            (p for p in self.persons if p.role == "child"), key=lambda p: (p.birth_date, p.order)
        )
        for i, p in enumerate(children, start=3):
            out[i] = p
        return out

    def coverage(self, person: Insured) -> Coverage:
        """The person's cover: their own dates, the formula in force at their start and the
        later changes (each on 1 January, Règlement particuliers I-9-2-2)."""
        start = person.cover_start
        at_start = self.formulas[0][1]
        for day, name in self.formulas:
            if day <= start:
                at_start = name
        later = tuple((d, f) for d, f in self.formulas if d > start)
        return Coverage(
            offer=self.offer,
            range=self.range,
            formulas=((start, at_start), *later),
            cover_start=start,
            cover_end=person.cover_end,
            birth_date=person.birth_date,
        )


def find_beneficiary(household: Household, rank: int, birth_date: dt.date) -> Insured | str:
    """The person of ``rank``, whose birth date must match; otherwise the reason (French)."""
    person = household.ranked().get(rank)
    if person is None:
        return (
            f"adhésion {household.adhesion_no} : aucun bénéficiaire de rang {rank} ({RANK_SOURCE})"
        )
    if person.birth_date != birth_date:
        return (
            f"adhésion {household.adhesion_no}, rang {rank} : date de naissance "
            f"{birth_date:%d/%m/%Y} différente de celle du bénéficiaire"
        )
    return person


@dataclass(frozen=True, slots=True)
class Held:
    """A line of the beneficiary's history, as stored: its current settlement."""

    uid: str
    key: OrderKey
    event: CareEvent
    version: int
    mutuelle_cents: int
    consumption: tuple[Consumption, ...]
    error: str | None = None


class ChangeKind(StrEnum):
    NEW = "new"  # a new line settled (or refused at 0 € with its reason)
    REVISED = "revised"  # an earlier settlement changed by a late line or a cancellation
    CANCELLED = "cancelled"  # a line reversed by a cancellation line
    REJECTED = "rejected"  # a new line the engine refuses to read (fixable)


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    uid: str
    key: OrderKey
    event: CareEvent
    version: int
    settlement: Settlement | None  # None for a cancellation
    previous: Held | None

    @property
    def mutuelle_cents(self) -> int:
        return (
            self.settlement.mutuelle_cents if self.settlement and not self.settlement.error else 0
        )

    @property
    def delta_cents(self) -> int:
        before = self.previous.mutuelle_cents if self.previous else 0
        return self.mutuelle_cents - before


def _refused(ev: CareEvent, seq: int, message: str, cite: Cited, code: Code) -> Settlement:
    amo_paid = ev.amo_cents - ev.participation_forfaitaire_cents - ev.franchise_cents
    return Settlement(
        event_id=ev.id,
        seq=seq,
        date=ev.date,
        benefit=ev.benefit,
        formula=None,
        billed_cents=ev.billed_cents,
        amo_cents=ev.amo_cents,
        amo_paid_cents=amo_paid,
        mutuelle_cents=0,
        out_of_pocket_cents=max(0, ev.billed_cents - amo_paid),
        line=None,
        steps=(),
        error=message,
        error_cite=cite,
        error_code=code,
    )


def _one(
    plan: Plan, cov: Coverage, susp: Sequence[Suspended], ev: CareEvent, ws: Working, seq: int
) -> Settlement:
    s = suspended_on(susp, ev.date)
    if s is not None and cov.cover_start <= ev.date:
        until = (
            f"remises en vigueur le {s.ends_at:%d/%m/%Y à %H:%M}"
            if s.ends_at
            else "non remises en vigueur"
        )
        return _refused(
            ev,
            seq,
            f"soins du {ev.date:%d/%m/%Y} pendant la suspension des garanties pour défaut de "
            f"paiement des cotisations (suspendues le {s.starts_at:%d/%m/%Y}, {until}) : "
            "aucune prestation",
            SUSPENSION_SOURCE,
            Code.COVER_PERIOD,
        )
    return settle_event(plan, cov, ev, ws, seq)


def _fixable(s: Settlement) -> bool:
    return s.error is not None and s.error_code in FIXABLE


def _same(h: Held, s: Settlement) -> bool:
    return (
        h.mutuelle_cents == (0 if s.error else s.mutuelle_cents)
        and h.consumption == s.consumption
        and h.error == s.error
    )


def ledger_state(plan: Plan, cov: Coverage, history: Sequence[Held]) -> LedgerState:
    """The fold of the opening entries and of the history's consumption, in settlement order."""
    ordered = sorted(history, key=lambda h: h.key)
    return fold([*opening(plan, cov), *(c for h in ordered for c in h.consumption)])


def continue_ledger(
    plan: Plan,
    cov: Coverage,
    suspensions: Sequence[Suspended],
    state: LedgerState | None,
    new: Sequence[tuple[OrderKey, CareEvent]],
) -> tuple[list[Change], LedgerState]:
    """Settle lines that all come after the history, from its folded ``state`` (None: nothing
    settled yet, the opening entries); the changes and the state after them."""
    ws = Working(state if state is not None else fold(opening(plan, cov)))
    changes: list[Change] = []
    for k, ev in sorted(new, key=lambda x: x[0]):
        s = _one(plan, cov, suspensions, ev, ws, k[1])
        kind = ChangeKind.REJECTED if _fixable(s) else ChangeKind.NEW
        changes.append(Change(kind, ev.id, k, ev, 1, s, None))
    return changes, ws.freeze()


def settle_beneficiary(
    plan: Plan,
    cov: Coverage,
    suspensions: Sequence[Suspended],
    history: Sequence[Held],
    new: Sequence[tuple[OrderKey, CareEvent]],
    cancel: Collection[str] = (),
) -> list[Change]:
    """What the new lines and the cancellations change, in settlement order.

    ``history``: the beneficiary's lines already settled (any order); ``new``: lines not yet
    settled (an uid already in ``history`` is ignored: a duplicate); ``cancel``: uids of
    history lines reversed by a cancellation line."""
    held = {h.uid: h for h in history}
    fresh = sorted(((k, ev) for k, ev in new if ev.id not in held), key=lambda x: x[0])
    cancel = {u for u in cancel if u in held}
    last = max((h.key for h in history), default=None)
    changes: list[Change] = []
    if not cancel and (last is None or not fresh or fresh[0][0] > last):
        return continue_ledger(plan, cov, suspensions, ledger_state(plan, cov, history), fresh)[0]
    # a late line or a cancellation: the whole history again, in order
    merged: list[tuple[OrderKey, CareEvent, Held | None]] = [
        (h.key, h.event, h) for h in history if h.uid not in cancel
    ]
    merged += [(k, ev, None) for k, ev in fresh]
    merged.sort(key=lambda x: x[0])
    ws = Working(fold(opening(plan, cov)))
    for k, ev, h in merged:
        s = _one(plan, cov, suspensions, ev, ws, k[1])
        if h is None:
            kind = ChangeKind.REJECTED if _fixable(s) else ChangeKind.NEW
            changes.append(Change(kind, ev.id, k, ev, 1, s, None))
        elif not _same(h, s):
            changes.append(Change(ChangeKind.REVISED, h.uid, k, ev, h.version + 1, s, h))
    for uid in sorted(cancel):
        h = held[uid]
        changes.append(Change(ChangeKind.CANCELLED, uid, h.key, h.event, h.version + 1, None, h))
    return changes


def apply(history: Sequence[Held], changes: Sequence[Change]) -> list[Held]:
    """The history after ``changes`` (what the shell's stored rows say once written)."""
    out = {h.uid: h for h in history}
    for c in changes:
        if c.kind is ChangeKind.REJECTED:
            continue
        if c.kind is ChangeKind.CANCELLED:
            out.pop(c.uid, None)
            continue
        assert c.settlement is not None
        s = c.settlement
        out[c.uid] = Held(
            c.uid,
            c.key,
            c.event,
            c.version,
            0 if s.error else s.mutuelle_cents,
            s.consumption,
            s.error,
        )
    return list(out.values())
