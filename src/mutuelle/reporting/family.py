"""Every figure of every closed period, and every equation between them.

One :class:`~mutuelle.reporting.tables.Family` for the whole history: stocks at each quarter's
end (members by range and prior cover, persons by role, ages, situations, households), flows of
each quarter, semester and year (new adhesions, exits, permanences, orientations, prevention,
meetings, complaints, money when it exists), the equations of the tables' margins, a semester =
its quarters, a year = its semesters, stock at a quarter's end = stock at its start + new −
exits, one action's participants inside its audience's total. Protecting this family at once is
what keeps two exports from being differenced (docs I-146).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from mutuelle.reporting import complaints as cx
from mutuelle.reporting import outreach as ox
from mutuelle.reporting.disclosure import Cell, Equation
from mutuelle.reporting.facts import Facts, MoneyFacts
from mutuelle.reporting.pc import Term, allocate
from mutuelle.reporting.periods import Period, PeriodKind
from mutuelle.reporting.population import (
    AGE_BANDS,
    AdhesionFact,
    Household,
    PriorCover,
    Role,
    Situation,
    age_band,
    age_band_label,
    civil_age,
)
from mutuelle.reporting.rules import SteeringRules
from mutuelle.reporting.tables import (
    Axis,
    Counts,
    Dims,
    Family,
    Key,
    Layout,
    Record,
    TableSpec,
    Unit,
    add_period_sums,
    add_table,
    dims,
)


def axis(name: str, values: Iterable[tuple[str, str]], total: str = "Total") -> Axis:
    return Axis(name, tuple(values), total)


PRIOR = axis("prior", ((p.value, p.label) for p in PriorCover))
ROLES = axis("role", ((r.value, r.label) for r in Role))
AGES = axis("age", ((b, age_band_label(b)) for b, _, _ in AGE_BANDS))
SITUATIONS = axis("situation", ((s.value, s.label) for s in Situation))
HOUSEHOLDS = axis("household", ((h.value, h.label) for h in Household))
SUBJECTS = axis("subject", ((s.value, s.label) for s in cx.Subject))
_DEADLINE = (("respected", "dans le délai"), ("missed", "hors délai ou en retard"))
ACK = axis("ack", (*_DEADLINE, ("pending", "en cours")))
ANSWER = axis("answer", (*_DEADLINE, ("pending", "en cours")))
MEDIATION = axis("mediation", (("yes", "portées devant le médiateur"), ("no", "non")))
CHANNELS = axis("channel", (("web", "site public"), ("api", "API"), ("permanence", "permanences")))
KINDS = axis("kind", (("css", "vers la CSS"), ("aid", "vers d'autres aides")))
AUDIENCES = axis("audience", ((a.value, a.label) for a in ox.Audience))
MEETINGS = axis("kind", ((k.value, k.label) for k in ox.MeetingKind))
RANGE_ORDER = ("residents", "students", "agents", "tns")
MEMBER = (("role", Role.MEMBER.value),)

FLOWS = (
    "adh_new",
    "adh_exit",
    "perm_participants",
    "perm_contacts",
    "orientations",
    "prev_participants",
    "meeting_participants",
    "complaints",
)
PC_TERMS = ("benefits", "fmt", "contrib")


def range_axis(labels: Mapping[str, str]) -> Axis:
    def order(r: str) -> int:
        return RANGE_ORDER.index(r) if r in RANGE_ORDER else len(RANGE_ORDER)

    return axis("range", sorted(labels.items(), key=lambda kv: order(kv[0])))


def stock_specs(ranges: Axis) -> tuple[TableSpec, ...]:
    def spec(id_: str, title: str, rows: Axis, cols: Axis | None, fixed: Dims = ()) -> TableSpec:
        return TableSpec(id_, title, "persons", rows, cols, fixed, priority=3)

    return (
        spec("adhesions", "Adhésions en cours", ranges, PRIOR, MEMBER),
        spec("persons", "Personnes couvertes", ranges, ROLES),
        spec("ages", "Âges des personnes couvertes", AGES, ROLES),
        spec("situations", "Situations socio-professionnelles", SITUATIONS, None, MEMBER),
        spec("households", "Typologie des ménages", HOUSEHOLDS, ranges, MEMBER),
    )


def deadline_key(state: cx.DeadlineState) -> str:
    respected = state.respected
    return "pending" if respected is None else ("respected" if respected else "missed")


def persons_on(adhesions: Sequence[AdhesionFact], day: dt.date) -> Counter[Dims]:
    """The persons covered on ``day``, counted by their dimensions (sorted by name, built as
    tuples: this runs for every person at every quarter's end)."""
    out: Counter[Dims] = Counter()
    member = ("role", Role.MEMBER.value)
    for a in adhesions:
        if a.start > day or (a.end is not None and a.end < day):
            continue
        r = ("range", a.range)
        age = ("age", age_band(civil_age(a.member_birth, day)))
        out[
            (
                age,
                ("household", a.household_on(day).value),
                ("prior", a.prior_cover.value),
                r,
                member,
                ("situation", a.situation_shown().value),
            )
        ] += 1
        for d in a.dependants:
            if d.start <= day and (d.end is None or day <= d.end):
                out[
                    (("age", age_band(civil_age(d.birth_date, day))), r, ("role", d.role.value))
                ] += 1
    return out


def adhesion_flows(
    adhesions: Sequence[AdhesionFact], p: Period
) -> tuple[list[AdhesionFact], list[AdhesionFact]]:
    """New adhesions (start in the period) and exits (first day without cover in the period)."""
    start, end = p.start, p.end
    before = start - dt.timedelta(days=1)
    new = [a for a in adhesions if start <= a.start <= end]
    exits = [a for a in adhesions if a.end is not None and before <= a.end < end]
    return new, exits


@dataclass
class Layouts:
    tables: dict[tuple[str, str], Layout] = field(default_factory=dict)  # (table id, time)
    places: tuple[str, ...] = ()
    care: dict[str, Layout] = field(default_factory=dict)
    pc: dict[str, dict[tuple[str | None, str | None], dict[str, Key]]] = field(default_factory=dict)

    def __getitem__(self, key: tuple[str, str]) -> Layout:
        return self.tables[key]


def build_family(
    facts: Facts, rules: SteeringRules, periods: Sequence[Period], today: dt.date
) -> tuple[Family, Layouts]:
    """``today``: the day the complaints' deadlines are looked at (the same for every period,
    so that a semester's figures add up its quarters')."""
    fam = Family()
    out = Layouts(places=tuple(sorted({p.place for p in facts.outreach.permanences})))
    ranges = range_axis(facts.range_labels)
    quarters = [p for p in periods if p.kind is PeriodKind.QUARTER]
    for day in sorted({q.end for q in quarters}):
        counts = Counts(persons_on(facts.adhesions, day), Unit.PEOPLE)
        for spec in stock_specs(ranges):
            out.tables[(spec.id, day.isoformat())] = add_table(fam, spec, day.isoformat(), counts)
    if quarters:
        # The stock before the first quarter: never published, but in the stock equation.
        first = quarters[0].previous_day()
        value, people = Counts(persons_on(facts.adhesions, first), Unit.PEOPLE).get(MEMBER)
        fam.add_cell(Cell(("persons", first.isoformat(), MEMBER), value, people, 0, False))
    for p in periods:
        _flows(fam, out, facts, rules, p, ranges, today)
    add_period_sums(fam, FLOWS, periods)
    # Members at a quarter's end = members at its start + new adhesions − exits.
    for q in quarters:
        terms = (
            (("persons", q.end.isoformat(), MEMBER), 1),
            (("persons", q.previous_day().isoformat(), MEMBER), -1),
            (("adh_new", q.key, ()), -1),
            (("adh_exit", q.key, ()), 1),
        )
        fam.add_equation(Equation(terms, f"membres {q.key}"))
    if isinstance(facts.money, MoneyFacts):
        _money(fam, out, facts, facts.money, periods)
    return fam, out


def _flows(
    fam: Family,
    out: Layouts,
    facts: Facts,
    rules: SteeringRules,
    p: Period,
    ranges: Axis,
    today: dt.date,
) -> None:
    def table(spec: TableSpec, records: Iterable[Record]) -> None:
        out.tables[(spec.id, p.key)] = add_table(fam, spec, p.key, Counts(records, Unit.PEOPLE))

    # New adhesions and exits are published in total only: by range or prior cover, a small
    # number of exits would be one subtraction away from two published stocks (I-146).
    new, exits = adhesion_flows(facts.adhesions, p)
    for measure, n in (("adh_new", len(new)), ("adh_exit", len(exits))):
        fam.add_cell(Cell((measure, p.key, ()), n, n, 2))
    perms = [x for x in facts.outreach.permanences if p.contains(x.day)]
    if out.places:
        places = axis("place", ((x, x) for x in out.places))
        for measure, attr in (("perm_participants", "participants"), ("perm_contacts", "contacts")):
            by_place = [Record(dims({"place": x.place}), getattr(x, attr)) for x in perms]
            table(TableSpec(measure, measure, measure, places), by_place)
    orient = [
        Record(dims({"channel": o.channel, "kind": "css"}), o.count)
        for o in facts.orientations
        if p.contains(o.day) and o.verdict in ("free", "with_participation")
    ]
    for x in perms:
        orient.append(Record(dims({"channel": "permanence", "kind": "css"}), x.css_orientations))
        orient.append(Record(dims({"channel": "permanence", "kind": "aid"}), x.aid_orientations))
    table(
        TableSpec(
            "orientations", "Orientations vers la CSS et les aides", "orientations", CHANNELS, KINDS
        ),
        orient,
    )
    actions = [a for a in facts.outreach.actions if p.contains(a.day)]
    meetings = [m for m in facts.outreach.meetings if p.contains(m.day)]
    table(
        TableSpec("prevention", "Actions de prévention", "prev_participants", AUDIENCES),
        (Record(dims({"audience": a.audience.value}), a.participants) for a in actions),
    )
    table(
        TableSpec("meetings", "Réunions", "meeting_participants", MEETINGS),
        (Record(dims({"kind": m.kind.value}), m.participants) for m in meetings),
    )
    recs: list[Record] = []
    for c in facts.complaints:
        if p.contains(c.received_on):
            st = cx.status(rules.complaint_rules(c.range), rules.citation, c, today)
            mediated = c.mediation_on is not None and c.mediation_on <= today
            values = {
                "subject": c.subject.value,
                "ack": deadline_key(st.acknowledgement),
                "answer": deadline_key(st.answer),
                "mediation": "yes" if mediated else "no",
            }
            recs.append(Record(dims(values)))
    counts = Counts(recs, Unit.PEOPLE)
    for ax, title in (
        (SUBJECTS, "Réclamations reçues, par objet"),
        (ACK, "Accusés de réception"),
        (ANSWER, "Réponses"),
        (MEDIATION, "Médiation"),
    ):
        spec = TableSpec(f"complaints_{ax.name}", title, "complaints", ax)
        out.tables[(spec.id, p.key)] = add_table(fam, spec, p.key, counts)
    if p.kind is PeriodKind.QUARTER:
        # One action's or meeting's participants: a figure of its own, inside its group's total.
        groups: dict[tuple[str, str, str], list[Key]] = {}
        for a in actions:
            k: Key = ("action", "", dims({"id": a.key}))
            fam.add_cell(Cell(k, a.participants, a.participants))
            groups.setdefault(("prev_participants", "audience", a.audience.value), []).append(k)
        for m in meetings:
            k = ("meeting", "", dims({"id": m.key}))
            fam.add_cell(Cell(k, m.participants, m.participants))
            groups.setdefault(("meeting_participants", "kind", m.kind.value), []).append(k)
        for (measure, name, value), ks in groups.items():
            total = (measure, p.key, dims({name: value}))
            fam.add_equation(Equation.total(total, ks, f"{measure} {p.key} {value}"))


def _money(
    fam: Family, out: Layouts, facts: Facts, money: MoneyFacts, periods: Sequence[Period]
) -> None:
    """Spending by care category (people: the households concerned) and the P/C terms per
    range and formula (people: the households covered in the formula during the period)."""
    categories = sorted({c.care_category for c in money.care})
    cats = axis("care", ((c, money.care_labels.get(c, c)) for c in categories))
    sign = {Term.BENEFITS: 1, Term.FMT: 1, Term.CONTRIBUTIONS: -1}
    name = {Term.BENEFITS: "benefits", Term.FMT: "fmt", Term.CONTRIBUTIONS: "contrib"}
    for p in periods:
        if categories:
            recs = [
                Record(
                    dims({"care": c.care_category}),
                    allocate(c.cents, c.period_start, c.period_end, p.start, p.end),
                    c.household,
                )
                for c in money.care
                if c.period_start <= p.end and c.period_end >= p.start
            ]
            title = "Dépenses par catégorie de soins"
            spec = TableSpec("care", title, "care", cats, unit=Unit.CENTS, value_label="montant")
            out.care[p.key] = add_table(fam, spec, p.key, Counts(recs, Unit.CENTS))
        households: Counter[tuple[str | None, str | None]] = Counter()
        for a in facts.adhesions:
            if a.start <= p.end and (a.end is None or a.end >= p.start):
                households[(None, None)] += 1
                households[(a.range, None)] += 1
                for f in {f.formula for f in a.formulas if f.overlaps(p.start, p.end)}:
                    households[(a.range, f)] += 1
        sums: Counter[tuple[str, str | None, str | None]] = Counter()
        for line in money.lines:
            if line.term not in sign:
                continue
            part = sign[line.term] * allocate(
                line.cents, line.period_start, line.period_end, p.start, p.end
            )
            t = name[line.term]
            sums[(t, None, None)] += part
            if line.range is not None:
                sums[(t, line.range, None)] += part
                if line.formula is not None:
                    sums[(t, line.range, line.formula)] += part
        out.pc[p.key] = _pc_cells(fam, p, sums, households)
    add_period_sums(fam, ["care", *(f"pc_{t}" for t in PC_TERMS)], periods)


Scope = tuple[str | None, str | None]  # (range, formula); (None, None) is the offer


def _pc_cells(
    fam: Family,
    p: Period,
    sums: Mapping[tuple[str, str | None, str | None], int],
    households: Mapping[Scope, int],
) -> dict[Scope, dict[str, Key]]:
    """The P/C terms of each scope; a range adds up its formulas, the offer its ranges. Money
    without a formula or a range (the FMT, G-67) is a figure of its own, never published."""
    scopes: list[Scope] = sorted({(r, f) for _, r, f in sums} | {(None, None)}, key=repr)
    keys: dict[Scope, dict[str, Key]] = {}
    for scope in scopes:
        rng, formula = scope
        d = dims({k: v for k, v in (("range", rng), ("formula", formula)) if v is not None})
        rank = 2 if rng is None else (1 if formula is None else 0)
        keys[scope] = {}
        for t in PC_TERMS:
            k: Key = (f"pc_{t}", p.key, d)
            fam.add_cell(Cell(k, sums.get((t, rng, formula), 0), households.get(scope, 0), rank))
            keys[scope][t] = k
    groups: dict[Scope, list[Scope]] = {(None, None): []}
    for rng, formula in scopes:
        if rng is None:
            continue
        groups.setdefault((rng, None), [])
        if formula is None:
            groups[(None, None)].append((rng, None))
        else:
            groups[(rng, None)].append((rng, formula))
    for t in PC_TERMS:
        for parent, members in groups.items():
            total_key = keys[parent][t]
            parts = [keys[m][t] for m in members]
            rest = fam.cells[total_key].value - sum(fam.cells[k].value for k in parts)
            if rest:
                d = dims({**dict(total_key[2]), "unallocated": "yes"})
                extra: Key = (f"pc_{t}", p.key, d)
                fam.add_cell(Cell(extra, rest, households.get(parent, 0), 0, publish=False))
                parts.append(extra)
            fam.add_equation(Equation.total(total_key, parts, f"pc {t} {p.key} {parent}"))
    return keys
