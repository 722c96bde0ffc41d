"""Ingest claim files: load the facts, call the core (:mod:`mutuelle.claims`), store results.

:class:`Ingest` processes a stream of records in chunks; each chunk is **one transaction**
that writes its lines, settlements (with their explanation), consumption entries, journal
entries (:func:`mutuelle.web.journal.services.post_many`), rejections and the file's
checkpoint — in batched inserts, never one query per line. A crash loses at most the chunk in
flight, which the database rolls back; a rerun of the file resumes after the checkpoint and
every line already received is a duplicate: exactly one settlement per line.

Per beneficiary, the ledger (the fold of their consumption entries) is kept in memory between
chunks when their lines arrive in care-date order (the fast path); a late line or a
cancellation loads the beneficiary's history (three queries for the whole chunk) and the core
re-settles it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Max
from django.utils import timezone

from mutuelle.benefits import Consumption, LedgerState, Plan, compile_plan
from mutuelle.benefits.consumption import Period, Unit, parse_key
from mutuelle.benefits.events import CareEvent, parse_event
from mutuelle.claims import (
    Change,
    ChangeKind,
    ClaimLine,
    Held,
    Household,
    Insured,
    Rejection,
    Suspended,
    apply,
    find_beneficiary,
    load_acts,
    parse_record,
    read_records,
    settle_beneficiary,
    to_event,
)
from mutuelle.claims.acts import ActTable
from mutuelle.claims.postings import Payee, reversal_entry, settlement_entry
from mutuelle.claims.settle import OrderKey, continue_ledger, ledger_state
from mutuelle.gcpause import cyclic_gc_lazy
from mutuelle.journal import Entry
from mutuelle.refusal import Code
from mutuelle.web.among import among
from mutuelle.web.claims import models as m
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.services import _insert as copy_rows
from mutuelle.web.journal.services import insert_with_ids
from mutuelle.web.members.models import Adhesion
from mutuelle.web.members.services import suspension_periods

CHUNK = 5000  # lines per transaction (a crash loses at most the chunk in flight)
RETRIES = 3  # a lane's chunk that met another lane's line (same line id, I-290) is redone
FAMILY_SLICE = 500  # adhesions read (with their persons and formulas) per query
Beneficiary = tuple[int, int]  # (adhesion id, person id)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one line (``--lines-out``)."""

    line_no: int
    line_id: str
    status: str  # settled / rejected / duplicate
    mutuelle_cents: int
    reason: str = ""
    field: str = ""


@dataclass
class Counts:
    read: int = 0
    settled: int = 0
    rejected: int = 0
    duplicates: int = 0
    cancelled: int = 0
    revised: int = 0
    to_pay_cents: int = 0

    def add(self, other: dict[str, int]) -> None:
        for k, v in other.items():
            setattr(self, k, getattr(self, k) + v)

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclass
class _Family:
    household: Household
    adhesion_id: int
    number: str
    range: str


@dataclass
class _Current:
    """The current settlement row of a history line (what a revision reverses)."""

    settlement_id: int
    line_id: int
    payee: Payee
    care_date: dt.date


@dataclass
class _Ledger:
    last: OrderKey | None
    state: LedgerState | None


@dataclass
class Ingest:
    """One ingestion (a file, or lines keyed by staff), chunk after chunk."""

    actor: str = ""
    dry_run: bool = False
    on: dt.date = field(default_factory=dt.date.today)
    acts: ActTable = field(default_factory=load_acts)
    counts: Counts = field(default_factory=Counts)
    _plans: dict[tuple[str, str], Plan] = field(default_factory=dict)
    _families: dict[str, _Family | None] = field(default_factory=dict)
    _ledgers: dict[Beneficiary, _Ledger] = field(default_factory=dict)
    timings: dict[str, float] = field(
        default_factory=lambda: {"parsing": 0.0, "settling": 0.0, "writing": 0.0}
    )

    # --- facts ------------------------------------------------------------------------------

    def plan(self, offer: str, range_id: str) -> Plan:
        key = (offer, range_id)
        if key not in self._plans:
            self._plans[key] = compile_plan(offer, range_id)
        return self._plans[key]

    def _load_families(self, numbers: Iterable[str]) -> None:
        missing = sorted({n for n in numbers if n not in self._families})
        if not missing:
            return
        found: dict[str, Adhesion] = {}
        # In slices: SQLite refuses a prefetch over more than about 1 000 adhesions
        # (« Expression tree is too large »), and a chunk of 5 000 lines spans more.
        for i in range(0, len(missing), FAMILY_SLICE):
            rows = (
                Adhesion.objects.filter(number__in=missing[i : i + FAMILY_SLICE])
                .filter(status="active")  # a validated adhesion only (Règlement particuliers I-4)
                .select_related("member")
                .prefetch_related("affiliations__person", "formula_periods")
            )
            found.update((a.number, a) for a in rows)
        susp = suspension_periods([a.pk for a in found.values()])
        for number in missing:
            a = found.get(number)
            if a is None:
                self._families[number] = None
                continue
            persons = [Insured(a.member_id, "adherent", a.member.birth_date, a.start, a.end, 0)]
            for aff in sorted(a.affiliations.all(), key=lambda x: x.pk):
                persons.append(
                    Insured(
                        aff.person_id, aff.role, aff.person.birth_date, aff.start, aff.end, aff.pk
                    )
                )
            periods = sorted(a.formula_periods.all(), key=lambda p: p.start)
            formulas = tuple((p.start, p.formula) for p in periods)
            household = Household(
                a.number,
                a.offer,
                a.range,
                formulas,
                tuple(persons),
                tuple(Suspended(s.starts_at, s.ends_at, s.source) for s in susp.get(a.pk, [])),
            )
            self._families[number] = _Family(household, a.pk, a.number, a.range)

    def _histories(
        self, who: set[Beneficiary]
    ) -> tuple[dict[Beneficiary, list[Held]], dict[str, _Current]]:
        """The current settlements of these beneficiaries (three queries)."""
        out: dict[Beneficiary, list[Held]] = {b: [] for b in who}
        current: dict[str, _Current] = {}
        if not who:
            return out, current
        persons = {p for _, p in who}
        lines = {
            ln.pk: ln
            for ln in among(m.ClaimLine.objects.filter(reverses=""), "person", persons).only(
                "id",
                "source",
                "emitter",
                "line_id",
                "adhesion_id",
                "person_id",
                "care_date",
                "event",
                "reception",
            )
            if (ln.adhesion_id, ln.person_id) in who
        }
        # (the columns needed, as tuples: the explanation and the rows' instances are not)
        last: dict[int, tuple[Any, ...]] = {}
        for row in (
            among(m.Settlement.objects.all(), "line", lines)
            .order_by("line_id", "version")
            .values_list(
                "id",
                "line_id",
                "version",
                "status",
                "mutuelle_cents",
                "reason",
                "payable_adhesion",
                "payable_party",
                "range",
                "formula",
                "benefit",
                "care_date",
            )
        ):
            last[row[1]] = row
        live = {lid: s for lid, s in last.items() if s[3] != "cancelled"}
        entries: dict[int, list[Consumption]] = defaultdict(list)
        for sid, key, start, end, window, unit, amount, tag in (
            among(
                m.ConsumptionEntry.objects.filter(reversing=False),
                "settlement",
                [s[0] for s in live.values()],
            )
            .order_by("id")
            .values_list(
                "settlement_id",
                "key",
                "period_start",
                "period_end",
                "window",
                "unit",
                "amount",
                "tag",
            )
        ):
            entries[sid].append(
                Consumption(
                    parse_key(key), Period(start, end, window), Unit(unit), amount, tag or None
                )
            )
        numbers = {f.adhesion_id: f.number for f in self._families.values() if f}
        offers = {f.adhesion_id: f.household.offer for f in self._families.values() if f}
        for lid, s in live.items():
            (
                sid,
                _,
                version,
                status,
                cents,
                reason,
                adhesion,
                party,
                range_,
                formula,
                benefit,
                day,
            ) = s
            ln = lines[lid]
            uid = ln.uid
            event = parse_event(ln.event, 0)
            assert ln.care_date is not None
            held = Held(
                uid,
                (ln.care_date, ln.reception, ln.line_id),
                event,
                version,
                cents,
                tuple(entries.get(sid, ())),
                reason or None if status == "refused" else None,
            )
            out[(ln.adhesion_id, ln.person_id)].append(held)
            payee = Payee(
                # (paid to a professional: the adhesion still names whose care it is, I-221)
                adhesion or numbers.get(ln.adhesion_id, ""),
                party or None,
                range_,
                formula or None,
                care_category(offers[ln.adhesion_id], range_, benefit),
            )
            current[uid] = _Current(sid, ln.pk, payee, day)
        return out, current

    def _slow(self, b: Beneficiary, items: Sequence[tuple[Any, _LineRow, Any]]) -> bool:
        """Whether the beneficiary's history must be loaded: not in memory, a cancellation,
        or a line dated before the last one settled."""
        ledger = self._ledgers.get(b)
        if ledger is None or any(ev is None for _, _, ev in items):
            return True
        return ledger.last is not None and min(row.key for _, row, _ in items) < ledger.last

    def _same_act_elsewhere(
        self,
        ready: list[tuple[ClaimLine, _Family, Insured, CareEvent | None]],
        rejections: list[Rejection],
    ) -> list[tuple[ClaimLine, _Family, Insured, CareEvent | None]]:
        """Reject a line whose act (beneficiary, care date, benefit, billed amount) was already
        received from another source — the AMO's télétransmission and the member's invoice of
        the same act: one act is reimbursed once (Règlement particuliers V-6; docs I-187)."""
        acts = [(ln, person, ev) for ln, _, person, ev in ready if ev is not None]
        if not acts:
            return ready
        seen: dict[tuple[int, dt.date, str, int], tuple[str, str]] = {}
        days = {ev.date for _, _, ev in acts if ev is not None}
        # (the chunk's care dates as a range: the index on (person, care date) reads each
        # beneficiary's few lines between them; the lines of other dates are left out below)
        rows = among(
            m.ClaimLine.objects.filter(
                reverses="", care_date__gte=min(days), care_date__lte=max(days)
            ),
            "person",
            {p.ref for _, p, _ in acts},
        ).values_list("person_id", "care_date", "benefit", "billed_cents", "source", "line_id")
        for pid, day, benefit, billed, source, line_id in rows:
            if day in days:
                seen[(pid, day, benefit, billed)] = (source, line_id)
        out = []
        for item in ready:
            ln, _, person, ev = item
            if ev is not None:
                key = (person.ref, ev.date, ev.benefit, ev.billed_cents)
                other = seen.get(key)
                if other is not None and other[0] != ln.source:
                    reason = (
                        f"acte déjà reçu par une autre voie ({other[0]}, ligne {other[1]}) : "
                        "un même acte n'est remboursé qu'une fois"
                    )
                    rejections.append(_reject(ln, "line_id", reason, Code.REFUSED))
                    continue
                seen.setdefault(key, (ln.source, ln.line_id))
            out.append(item)
        return out

    # --- one chunk ----------------------------------------------------------------------------

    def process(
        self,
        records: Sequence[tuple[int, dict[str, Any] | Rejection, bool]],
        file: m.ClaimFile | None,
        lane: m.ClaimFileLane | None = None,
    ) -> list[Outcome]:
        """Process a chunk in one transaction (with the checkpoint of the file, or of its
        ``lane`` when several processes share the file); the outcomes."""
        first, then = _cancellations_last(records)
        for attempt in range(1, RETRIES + 1):
            counts, timings = dataclasses.replace(self.counts), dict(self.timings)
            done, lane_counts = (lane.lines_done, dict(lane.counts)) if lane else (0, {})
            try:
                with transaction.atomic():
                    if lane is not None:
                        _hold(lane)
                    outcomes = self._process(first, file, lane)
                    if then:
                        # a cancellation of a line of this chunk: settled after its target
                        outcomes = sorted(
                            outcomes + self._process(then, file, lane), key=lambda o: o.line_no
                        )
                    if self.dry_run:
                        transaction.set_rollback(True)
                break
            except (IntegrityError, OperationalError) as exc:
                self._ledgers.clear()  # the cached ledgers may hold what was rolled back
                self.counts, self.timings = counts, timings
                if lane is not None:
                    lane.lines_done, lane.counts = done, lane_counts
                if lane is None or attempt == RETRIES or not _another_lane(exc):
                    raise
            except BaseException:
                self._ledgers.clear()  # the cached ledgers may hold what was rolled back
                raise
        if self.dry_run:
            self._ledgers.clear()
        return outcomes

    def _process(
        self,
        records: Sequence[tuple[int, dict[str, Any] | Rejection, bool]],
        file: m.ClaimFile | None,
        lane: m.ClaimFileLane | None = None,
    ) -> list[Outcome]:
        now = timezone.now()
        t0 = time.perf_counter()
        counts = Counts(read=len(records))
        outcomes: dict[int, Outcome] = {}
        rejections: list[Rejection] = []
        parsed: list[ClaimLine] = []
        for n, rec, text in records:
            got = rec if isinstance(rec, Rejection) else parse_record(rec, n, text=text)
            if isinstance(got, Rejection):
                rejections.append(got)
            else:
                parsed.append(got)
        # duplicates: in the chunk, then against what was received before (one query)
        seen: set[str] = set()
        unique: list[ClaimLine] = []
        dups: list[ClaimLine] = []
        for ln in parsed:
            (dups if ln.uid in seen else unique).append(ln)
            seen.add(ln.uid)
        known = _known_uids(unique)
        dups += [ln for ln in unique if ln.uid in known]
        unique = [ln for ln in unique if ln.uid not in known]
        for ln in dups:
            outcomes[ln.line_no] = Outcome(ln.line_no, ln.line_id, "duplicate", 0, "déjà reçue")
        counts.duplicates = len(dups)
        # who: the adhesion and the beneficiary of each line
        self._load_families(ln.adhesion_no for ln in unique)
        targets = _known_uids([], [ln.reverses_uid for ln in unique if ln.reverses_uid])
        in_chunk = {ln.uid for ln in unique if not ln.is_cancellation}
        ready: list[tuple[ClaimLine, _Family, Insured, CareEvent | None]] = []
        blocked = _noemie_blocked(unique, self._families)
        for ln in unique:
            fam = self._families.get(ln.adhesion_no)
            if fam is None:
                rejections.append(_reject(ln, "adhesion_no", f"adhésion {ln.adhesion_no} inconnue"))
                continue
            person = find_beneficiary(fam.household, ln.beneficiary_rank, ln.beneficiary_birth_date)
            if isinstance(person, str):
                rejections.append(_reject(ln, "beneficiary_rank", person))
                continue
            link = blocked.get((fam.adhesion_id, person.ref))
            if ln.source == "amo" and not ln.is_cancellation and link is not None:
                why = _noemie_refusal(link, ln.care_date)
                if why:
                    rejections.append(_reject(ln, "source", why, Code.REFUSED))
                    continue
            if ln.is_cancellation:
                target = ln.reverses_uid or ""
                if target not in targets:
                    reason = (
                        f"la ligne annulée {ln.reverses_line_id} arrive dans le même lot que son "
                        "annulation : renvoyer l'annulation (file des rejets)"
                        if target in in_chunk
                        else f"ligne annulée {ln.reverses_line_id} inconnue"
                    )
                    rejections.append(_reject(ln, "reverses_line_id", reason))
                    continue
                ready.append((ln, fam, person, None))
                continue
            ev = to_event(ln, self.acts)
            if isinstance(ev, Rejection):
                rejections.append(ev)
                continue
            ready.append((ln, fam, person, ev))
        ready = self._same_act_elsewhere(ready, rejections)
        t1 = time.perf_counter()
        if file is not None and file.reception_base is not None:
            # a file's lines: its reception base and their line number (the same order in
            # every lane and on a rerun, docs I-290)
            base = file.reception_base
            rows = [
                _LineRow(ln, fam, person, ev, base + ln.line_no) for ln, fam, person, ev in ready
            ]
        else:
            # lines keyed by staff: after every line received and every file's reserved range
            base = next_reception()
            rows = [
                _LineRow(ln, fam, person, ev, base + i)
                for i, (ln, fam, person, ev) in enumerate(ready)
            ]
        # settle, per beneficiary
        groups: dict[Beneficiary, list[tuple[ClaimLine, _LineRow, CareEvent | None]]] = defaultdict(
            list
        )
        fams: dict[Beneficiary, tuple[_Family, Insured]] = {}
        for (ln, fam, person, event), row in zip(ready, rows, strict=True):
            b = (fam.adhesion_id, person.ref)
            groups[b].append((ln, row, event))
            fams[b] = (fam, person)
        slow = {b for b, items in groups.items() if self._slow(b, items)}
        histories, current = self._histories(slow)
        writer = _Writer(self.on, now)
        refused_rows: set[int] = set()
        for b, items in groups.items():
            fam, person = fams[b]
            plan = self.plan(fam.household.offer, fam.household.range)
            cov = fam.household.coverage(person)
            new = [(row.key, ev) for _, row, ev in items if ev is not None]
            row_of = {row.uid: (ln, row) for ln, row, _ in items}
            cancels = {ln.reverses_uid or "": ln for ln, _, ev in items if ev is None}
            if b in slow:
                history = histories[b]
                changes = settle_beneficiary(
                    plan, cov, fam.household.suspensions, history, new, cancel=set(cancels)
                )
                after = apply(history, changes)
                state = ledger_state(plan, cov, after)
                last = max((h.key for h in after), default=None)
            else:
                ledger = self._ledgers[b]
                changes, state = continue_ledger(
                    plan, cov, fam.household.suspensions, ledger.state, new
                )
                kept = [c.key for c in changes if c.kind is not ChangeKind.REJECTED]
                last = max([*kept, *([ledger.last] if ledger.last else [])], default=None)
            self._ledgers[b] = _Ledger(last, state)
            for c in changes:
                ln_row = row_of.get(c.uid)
                if c.kind is ChangeKind.REJECTED:
                    assert c.settlement is not None and ln_row is not None
                    refused_rows.add(id(ln_row[1]))
                    rejections.append(
                        _reject(ln_row[0], "", c.settlement.error or "", c.settlement.error_code)
                    )
                    continue
                line_row = ln_row[1] if ln_row else None
                out = writer.change(c, fam, person, line_row, current.get(c.uid))
                if line_row is not None:
                    outcomes[line_row.ln.line_no] = out
                else:
                    counts.revised += c.kind is ChangeKind.REVISED
                    counts.cancelled += c.kind is ChangeKind.CANCELLED
                counts.to_pay_cents += c.delta_cents
            for target, ln in cancels.items():
                delta = sum(
                    c.delta_cents
                    for c in changes
                    if c.kind is ChangeKind.CANCELLED and c.uid == target
                )
                outcomes[ln.line_no] = Outcome(
                    ln.line_no, ln.line_id, "settled", delta, f"annule {target}"
                )
        t2 = time.perf_counter()
        # the lines received (a line the engine rejects is not: it can come back fixed)
        received = [r for r in rows if id(r) not in refused_rows]
        ids = insert_with_ids(
            m.ClaimLine, LINE_FIELDS, [r.values(file, now, self.actor) for r in received]
        )
        for kept_row, pk in zip(received, ids, strict=True):
            kept_row.pk = pk
        writer.flush(batch=file.sha256[:16] if file else "manuel")
        # rejections: the queue
        m.Rejection.objects.bulk_create(
            [
                m.Rejection(
                    file=file,
                    line_no=r.line_no,
                    line_id=r.line_id[:80],
                    adhesion_no=str(r.raw.get("adhesion_no") or "")[:20],
                    field=r.field[:40],
                    reason=r.reason,
                    code=r.code.value,
                    record={k: v for k, v in r.raw.items() if k is not None},
                )
                for r in rejections
            ],
            batch_size=1000,
        )
        for r in rejections:
            outcomes[r.line_no] = Outcome(r.line_no, r.line_id, "rejected", 0, r.reason, r.field)
        counts.rejected = len(rejections)
        counts.settled = sum(1 for o in outcomes.values() if o.status == "settled")
        mark: m.ClaimFile | m.ClaimFileLane | None = lane if lane is not None else file
        if mark is not None:
            if records:
                mark.lines_done = max(mark.lines_done, *(n for n, _, _ in records))
            total = Counts(**{k: int(v) for k, v in mark.counts.items()})
            total.add(counts.as_dict())
            mark.counts = total.as_dict()
            mark.save(update_fields=["lines_done", "counts"])
        self.counts.add(counts.as_dict())
        t3 = time.perf_counter()
        self.timings["parsing"] += t1 - t0
        self.timings["settling"] += t2 - t1
        self.timings["writing"] += t3 - t2
        return [outcomes[k] for k in sorted(outcomes)]


class LaneTaken(Exception):
    """Another process works on this lane of the file (a second ``mutuelle ingest`` of it)."""


def _hold(lane: m.ClaimFileLane) -> None:
    """Lock the lane's row for the chunk's transaction and check that its checkpoint is still
    this process's: two commands ingesting the same file at once never settle a line twice."""
    stored = (
        m.ClaimFileLane.objects.select_for_update()
        .values_list("lines_done", flat=True)
        .get(pk=lane.pk)
    )
    if stored != lane.lines_done:
        raise LaneTaken(
            f"la voie {lane.lane + 1} du fichier est traitée ailleurs (reprise à la ligne "
            f"{stored}, attendue {lane.lines_done}) : arrêt ici"
        )


def _another_lane(exc: Exception) -> bool:
    """Whether a chunk's failure came from another lane at work at the same time: the same
    line id received for two households of different lanes (unique violation), or the two
    transactions waiting on each other (deadlock) — redoing the chunk makes it a duplicate."""
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", "") or ""
    if state == "40P01":  # deadlock detected
        return True
    return state == "23505" and "claims_line_unique_per_emitter" in str(exc)


GC_THRESHOLDS = (50_000, 20, 100)  # the collector's, during an ingestion (bench/README.md)


def tuned_collector() -> contextlib.AbstractContextManager[None]:
    """While a file is ingested (:func:`mutuelle.gcpause.cyclic_gc_lazy`): a chunk allocates
    millions of short-lived objects without cycles, and each young collection walked them for
    nothing. Measured at 3 000 beneficiaries: 41 → 31 s of Python CPU, 12 MB more; at 30 000
    in two lanes, 246 → 190 s a lane, and the rate no longer falls as the year grows."""
    return cyclic_gc_lazy(GC_THRESHOLDS)


def next_reception() -> int:
    """The next reception order: after every line received and every file's reserved range."""
    top = m.ClaimLine.objects.aggregate(top=Max("reception"))["top"] or 0
    reserved = m.ClaimFile.objects.filter(reception_base__isnull=False).aggregate(
        top=Max(F("reception_base") + F("line_total"))
    )["top"]
    return max(top, reserved or 0) + 1


def _noemie_blocked(
    lines: Sequence[ClaimLine], families: dict[str, _Family | None]
) -> dict[tuple[int, int], m.NoemieLink]:
    """The NOEMIE links, ended or held by another complementary, of the chunk's beneficiaries
    received from the AMO (one query; none when no line comes from the AMO)."""
    ids = {
        f.adhesion_id for ln in lines if ln.source == "amo" and (f := families.get(ln.adhesion_no))
    }
    if not ids:
        return {}
    links = m.NoemieLink.objects.filter(adhesion_id__in=ids, status__in=m.NoemieLink.BLOCKING)
    return {(lk.adhesion_id, lk.person_id): lk for lk in links}


def _noemie_refusal(link: m.NoemieLink, care: dt.date | None) -> str:
    """Why a line télétransmise by the AMO is not paid, or "" (docs I-188): a beneficiary is
    linked to one complementary only (reference regulation.md §7.1; Règlement particuliers V-6
    Télétransmission), so the AMO's line for one whose link ended, or is held by another
    complementary, from the date it says, is not reimbursed twice."""
    if link.since is not None and care is not None and care < link.since:
        return ""  # care before the link changed: the link covered it
    since = f" depuis le {link.since:%d/%m/%Y}" if link.since else ""
    what = (
        "le lien NOEMIE de ce bénéficiaire est terminé"
        if link.status == "ended"
        else "ce bénéficiaire est relié (NOEMIE) à un autre organisme complémentaire"
    )
    return (
        f"{what}{since} : un bénéficiaire relié à deux complémentaires ne doit pas être "
        "remboursé deux fois ; ligne de l'Assurance Maladie non réglée (l'adhérent peut "
        "envoyer le décompte de la Sécurité sociale et la facture, Annexe 1 « non "
        "bénéficiaires NOEMIE »)"
    )


_Record = tuple[int, dict[str, Any] | Rejection, bool]


def _cancellations_last(records: Sequence[_Record]) -> tuple[list[_Record], list[_Record]]:
    """The chunk's records, the cancellations of a line of the same chunk set apart: they are
    settled once their target is (docs/claims-format.md, cancellations)."""
    ids = {
        str(r.get("line_id") or "").strip() for _, r, _ in records if not isinstance(r, Rejection)
    }
    first: list[_Record] = []
    then: list[_Record] = []
    for item in records:
        rec = item[1]
        target = "" if isinstance(rec, Rejection) else str(rec.get("reverses_line_id") or "")
        (then if target.strip() and target.strip() in ids else first).append(item)
    return first, then


# --- rows --------------------------------------------------------------------------------------


def _reject(ln: ClaimLine, name: str, reason: str, code: Code | None = None) -> Rejection:
    return Rejection(ln.line_no, ln.line_id, name, reason, code or Code.INPUT, raw=ln.to_record())


def _known_uids(lines: Sequence[ClaimLine], uids: Sequence[str] = ()) -> set[str]:
    """The uids already received among these lines' (one query)."""
    wanted = {ln.uid for ln in lines} | set(uids)
    if not wanted:
        return set()
    ids = {u.split("/", 2)[2] for u in wanted}
    rows = among(m.ClaimLine.objects.all(), "line_id", ids).values_list(
        "source", "emitter", "line_id"
    )
    return {f"{s}/{e}/{i}" for s, e, i in rows} & wanted


_NAMES: dict[type, tuple[tuple[str, Any], ...]] = {}


def _names(cls: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's fields and their defaults (``dataclasses.fields`` costs a call a row)."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple((f.name, f.default) for f in dataclasses.fields(cls))
    return names


def _event_data(ev: CareEvent) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, default in _names(type(ev)):
        value = getattr(ev, name)
        if value is None or value == default:
            continue
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    out["id"], out["date"], out["benefit"] = ev.id, ev.date.isoformat(), ev.benefit
    return out


def _plain(obj: Any) -> dict[str, Any]:
    """A step or a ceiling as plain data (as ``step_to_dict`` / ``asdict``: dates ISO)."""
    out: dict[str, Any] = {}
    for name, _ in _names(type(obj)):
        value = getattr(obj, name)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


# The columns written, by attname, in the order of the rows built below.
LINE_FIELDS = (
    "reception", "source", "emitter", "line_id", "file_id", "line_no", "adhesion_id",
    "person_id", "rank", "care_date", "benefit", "act_code", "billed_cents", "amo_cents",
    "payee", "practitioner_id", "reverses", "decompte_id", "event", "record", "received_at",
    "entered_by",
)  # fmt: skip
SETTLEMENT_FIELDS = (
    "line_id", "version", "kind", "status", "adhesion_id", "person_id", "care_date", "benefit",
    "formula", "billed_cents", "amo_paid_cents", "mutuelle_cents", "out_of_pocket_cents",
    "delta_cents", "payable_adhesion", "payable_party", "range", "reason", "reason_source",
    "explanation", "ceilings", "settled_on", "created_at",
)  # fmt: skip
CONSUMPTION_FIELDS = (
    "settlement_id", "person_id", "adhesion_id", "key", "period_start", "period_end", "window",
    "unit", "amount", "tag", "reversing",
)  # fmt: skip


@dataclass(slots=True, eq=False)
class _LineRow:
    """A line to be stored: its parsed line, who it is for, its event, its reception order;
    ``pk`` once written. Its row is a tuple of :data:`LINE_FIELDS` (no Django instance)."""

    ln: ClaimLine
    fam: _Family
    person: Insured
    ev: CareEvent | None
    reception: int
    pk: int | None = None

    @property
    def key(self) -> OrderKey:
        assert self.ln.care_date is not None
        return (self.ln.care_date, self.reception, self.ln.line_id)

    @property
    def uid(self) -> str:
        return self.ln.uid

    def values(self, file: m.ClaimFile | None, now: dt.datetime, actor: str) -> tuple[Any, ...]:
        ln, ev = self.ln, self.ev
        return (
            self.reception, ln.source, ln.emitter, ln.line_id, file.pk if file else None,
            ln.line_no, self.fam.adhesion_id, self.person.ref, ln.beneficiary_rank,
            ln.care_date, ev.benefit if ev else "", ln.act_code or "", ln.billed_cents,
            ln.amo_cents, ln.payee, ln.practitioner_id or "", ln.reverses_uid or "",
            ln.decompte_id or "", _event_data(ev) if ev else {}, ln.to_record(), now, actor,
        )  # fmt: skip


@functools.lru_cache(maxsize=64)
def _code_categories(offer: str, range_id: str) -> dict[str, str]:
    return compile_plan(offer, range_id).code_categories


def care_category(offer: str, range_id: str, benefit: str) -> str | None:
    """The care category of a benefit code in its guarantee table: the committee's spending by
    care category (convention art. 5, 5th indicator) reads it on the benefit's postings."""
    return _code_categories(offer, range_id).get(benefit)


class _Writer:
    """The rows of a chunk's changes, as tuples, written in a few COPY at the end."""

    def __init__(self, on: dt.date, now: dt.datetime) -> None:
        self.on = on
        self.now = now
        # (the line: its row, written first, or the id of a stored line; the other values)
        self.settlements: list[tuple[_LineRow | int, tuple[Any, ...]]] = []
        self.consumption: list[tuple[int, tuple[Any, ...]]] = []  # (settlement index, values)
        self.entries: list[Entry] = []

    def change(
        self,
        c: Change,
        fam: _Family,
        person: Insured,
        line_row: _LineRow | None,
        cur: _Current | None,
    ) -> Outcome:
        ln = line_row.ln if line_row is not None else None
        party = ln.practitioner_id if ln and ln.payee == "professional" else ""
        formula = c.settlement.formula if c.settlement else None
        category = care_category(fam.household.offer, fam.range, c.event.benefit)
        payee = Payee(fam.number, party or None, fam.range, formula, category)
        assert line_row is not None or cur is not None
        s = c.settlement
        prev = c.previous
        if prev is not None and cur is not None:
            payee_old = cur.payee
            rev = reversal_entry(
                c.uid, prev.version, prev.mutuelle_cents, payee_old, cur.care_date, self.on,
                "annulée" if c.kind is ChangeKind.CANCELLED else "révisée (ligne tardive)",
            )  # fmt: skip
            if rev is not None:
                self.entries.append(rev)
            payee = payee_old
        cents = c.mutuelle_cents
        status = "cancelled" if s is None else ("refused" if s.error else "settled")
        ev = c.event
        values = (
            c.version, c.kind.value, status, fam.adhesion_id, person.ref, ev.date, ev.benefit,
            (s.formula or "") if s else (payee.formula or ""), ev.billed_cents,
            s.amo_paid_cents if s else 0, cents, s.out_of_pocket_cents if s else 0,
            c.delta_cents, "" if payee.professional else fam.number, payee.professional or "",
            fam.range, (s.error or "") if s else "annulée par une ligne d'annulation",
            (s.error_source or "") if s else "",
            [{"code": st.code, **_plain(st)} for st in s.steps] if s else [],
            [_plain(u) for u in s.ceilings] if s else [],
            self.on, self.now,
        )  # fmt: skip
        line: _LineRow | int
        if line_row is not None:
            line = line_row
        else:
            assert cur is not None
            line = cur.line_id
        index = len(self.settlements)
        self.settlements.append((line, values))
        if prev is not None:
            for e in prev.consumption:
                self.consumption.append((index, _cons_row(e, fam, person, reversing=True)))
        if s is not None:
            for e in s.consumption:
                self.consumption.append((index, _cons_row(e, fam, person, reversing=False)))
            entry = settlement_entry(c.uid, c.version, cents, payee, ev.date, self.on, s.benefit)
            if entry is not None:
                self.entries.append(entry)
        no = ln.line_no if ln is not None else 0
        lid = ln.line_id if ln is not None else ""
        return Outcome(no, lid, "settled", cents, (s.error or "") if s else "")

    def flush(self, batch: str) -> None:
        """After the lines (whose ids the settlements take): settlements, their consumption
        entries, the journal's entries (keys new: the settlement versions are)."""
        rows = []
        for line, values in self.settlements:
            pk = line if isinstance(line, int) else line.pk
            assert pk is not None, "la ligne du règlement n'est pas écrite"
            rows.append((pk, *values))
        ids = insert_with_ids(m.Settlement, SETTLEMENT_FIELDS, rows)
        copy_rows(
            m.ConsumptionEntry,
            CONSUMPTION_FIELDS,
            [(ids[index], *values) for index, values in self.consumption],
        )
        # no key look-up: the settlement versions just written prove the keys new
        journal.post_new(self.entries, batch=batch)


def _cons_row(e: Consumption, fam: _Family, person: Insured, *, reversing: bool) -> tuple[Any, ...]:
    return (
        person.ref, fam.adhesion_id, e.key.id, e.period.start, e.period.end, e.period.window,
        e.unit.value, -e.amount if reversing else e.amount, e.tag or "", reversing,
    )  # fmt: skip


# --- a file -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileFacts:
    sha256: str
    lines: int  # an upper bound of the file's line numbers


def file_facts(path: Path) -> FileFacts:
    """The file's SHA-256 and its number of lines, in one reading."""
    h = hashlib.sha256()
    newlines = returns = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            newlines += block.count(b"\n")
            returns += block.count(b"\r")
    return FileFacts(h.hexdigest(), max(newlines, returns) + 1)


def open_file(
    path: Path, *, dry_run: bool = False, lanes: int = 1, facts: FileFacts | None = None
) -> tuple[m.ClaimFile | None, bool]:
    """The file's row (created, or found again for a rerun) and whether it is already done.
    A new file reserves its reception orders and is ingested by ``lanes`` processes; a file
    found again keeps the lanes it started with (their checkpoints)."""
    facts = facts or file_facts(path)
    if dry_run:
        return m.ClaimFile.objects.filter(sha256=facts.sha256).first(), False
    try:
        with transaction.atomic():
            row = m.ClaimFile.objects.create(
                sha256=facts.sha256,
                name=path.name,
                reception_base=next_reception(),
                line_total=facts.lines,
                lanes=lanes,
            )
        return row, False
    except IntegrityError:  # received before (or by another command at this very moment)
        pass
    with transaction.atomic():
        row = m.ClaimFile.objects.select_for_update().get(sha256=facts.sha256)
        if row.status == "running":
            row.attempts += 1
            row.save(update_fields=["attempts"])
    return row, row.status == "done"


def lane_of(adhesion_no: str, lanes: int) -> int:
    """The lane of a household's lines: every line of one adhesion (its beneficiaries' ceilings,
    their cancellations, the same act from another source) goes to one lane. CRC-32 of the
    number: the same in every process and every run (Python's ``hash`` of a text is not)."""
    if lanes <= 1:
        return 0
    return zlib.crc32(adhesion_no.strip().encode()) % lanes


def _record_lane(record: dict[str, Any] | Rejection, lanes: int) -> int:
    if isinstance(record, Rejection):  # an unreadable line: lane 1 reports it
        return 0
    return lane_of(str(record.get("adhesion_no") or ""), lanes)


def lane_rows(file: m.ClaimFile) -> list[m.ClaimFileLane]:
    """The checkpoints of the file's lanes (created at its first run)."""
    for lane in range(file.lanes):
        m.ClaimFileLane.objects.get_or_create(file=file, lane=lane)
    return list(m.ClaimFileLane.objects.filter(file=file).order_by("lane"))


def chunks(
    lines: Iterable[str], size: int, after: int = 0, *, lane: int = 0, lanes: int = 1
) -> Iterator[list[tuple[int, dict[str, Any] | Rejection, bool]]]:
    """The file's records in chunks of ``size``, skipping those up to line ``after``; with
    ``lanes``, only the records of ``lane`` (:func:`lane_of`)."""
    it = (r for r in read_records(lines) if r[0] > after)
    if lanes > 1:
        it = (r for r in it if _record_lane(r[1], lanes) == lane)
    while chunk := list(islice(it, size)):
        yield chunk


def finish(file: m.ClaimFile) -> None:
    """The file done; ingested in lanes, its counters are the sum of theirs."""
    if file.lanes > 1:
        total = Counts()
        rows = list(m.ClaimFileLane.objects.filter(file=file))
        for row in rows:
            total.add({k: int(v) for k, v in row.counts.items()})
        file.counts = total.as_dict()
        file.lines_done = max((r.lines_done for r in rows), default=0)
        m.ClaimFileLane.objects.filter(file=file).update(status="done")
    file.status = "done"
    file.finished_at = timezone.now()
    file.save(update_fields=["status", "finished_at", "counts", "lines_done"])
