"""The offer as validated, immutable data.

An offer version (``grenoble-2025``) is a folder of YAML files: ``offer.yaml`` (documents,
ranges, formulas, the pricing rules' parameters, each with its source) and one file per
tariff grid (``tariffs/*.yaml``). Every value keeps the place of the text it comes from:
the document (annex), the article or table row, and the line of the seed file.

Blank cells of the text are ``None`` and must be declared in the grid's ``gaps`` with the
entry of ``docs/interpretations.md`` that records them; the loader refuses an undeclared
blank and a declared gap that is not blank.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mutuelle.explain import Citation, Cited, public_article
from mutuelle.money import mul_div_round, parse_euros
from mutuelle.offers.guarantees import GuaranteeTable, RuleBook

RangeId = Literal["residents", "students", "agents", "tns"]
Structure = Literal["adult_child", "student", "family"]
GridTableId = Literal["adult", "child", "student", "family"]

_INTERP_RE = re.compile(r"^[GI]-\d{2,3}$")  # ids beyond 99 are assigned (I-100…)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Document(Frozen):
    """One of the texts of the offer (convention, annex)."""

    title: str
    short: str  # how a sentence cites it for staff: "Règlement particuliers"
    public: str  # how a resident reads its name: "Règlement mutualiste", "Convention"
    table: bool = False  # a tariff grid or a guarantee table: cited by its title alone
    seed: str | None = None  # None for a legal code outside the seeds
    line: int | None = Field(default=None, gt=0)

    def citation(
        self,
        key: str,
        ref: str,
        line: int | None,
        *,
        detail: str = "",
        table: bool = False,
    ) -> Citation:
        """This document at ``ref`` (an article, or a table row when ``table``)."""
        return Citation(
            document=key,
            title=self.public,
            short=self.short,
            ref=ref,
            article="" if (table or self.table) else public_article(ref),
            seed=self.seed,
            line=line,
            detail=detail,
            table=table,
        )


class Source(Frozen):
    """Where a value or a rule is written: document key, article or table, seed line."""

    doc: str
    ref: str
    line: int | None = Field(default=None, gt=0)  # None only for a legal code
    interpretation: str | None = None

    @field_validator("interpretation")
    @classmethod
    def _interp(cls, v: str | None) -> str | None:
        if v is not None and not _INTERP_RE.match(v):
            raise ValueError(f"interpretation id must look like G-01 or I-01, got {v!r}")
        return v


T = TypeVar("T")


class Sourced(Frozen, Generic[T]):
    value: T
    source: Source


# --- tariff grids -------------------------------------------------------------------------

_AGE_RE = re.compile(r"^(\d+)(?:-(\d+)|(\+))?$")


class TariffRow(Frozen):
    age: str  # "45", "0-9", "18-30", "80+"
    text: str  # the row label exactly as printed
    line: int = Field(gt=0)
    eur: tuple[str | None, ...]
    interpretation: str | None = None
    # A revised grid (``TariffGrid.revision``): the cells of the grid it derives from.
    base_eur: tuple[str | None, ...] | None = None

    @property
    def age_min(self) -> int:
        return _parse_age(self.age)[0]

    @property
    def age_max(self) -> int | None:
        return _parse_age(self.age)[1]

    def covers(self, age: int) -> bool:
        lo, hi = _parse_age(self.age)
        return age >= lo and (hi is None or age <= hi)

    @field_validator("age")
    @classmethod
    def _age(cls, v: str) -> str:
        _parse_age(v)
        return v


@functools.cache  # a pure parse of a few dozen labels, asked for at every quote's row lookup
def _parse_age(label: str) -> tuple[int, int | None]:
    m = _AGE_RE.match(label)
    if not m:
        raise ValueError(f"age label must be N, N-M or N+, got {label!r}")
    lo = int(m.group(1))
    if m.group(2):
        hi = int(m.group(2))
        if hi < lo:
            raise ValueError(f"empty age range {label!r}")
        return lo, hi
    if m.group(3):
        return lo, None
    return lo, lo


class TariffTable(Frozen):
    heading: str
    line: int = Field(gt=0)
    rows: tuple[TariffRow, ...]

    @model_validator(mode="after")
    def _contiguous(self) -> TariffTable:
        expected: int | None = None
        for row in self.rows:
            if expected is not None and row.age_min != expected:
                raise ValueError(
                    f"table {self.heading!r}: ages not contiguous at row {row.text!r} "
                    f"(expected {expected})"
                )
            hi = row.age_max
            expected = None if hi is None else hi + 1
        return self


class GridGap(Frozen):
    table: GridTableId
    age: str
    formulas: tuple[str, ...]
    interpretation: str


class GridRevision(Frozen):
    """A grid derived from a previous year's by the steering committee's decision (convention
    art. 2.2; ``mutuelle revise``): every cell = the previous cell × (1 + rate), rounded half up
    to the cent (docs I-141). The loader checks every cell against this rule."""

    base_offer: str
    base_valid_from: dt.date
    rate_bp: int = Field(gt=-10_000)
    decision: str = Field(min_length=1)
    pc_year: int
    pc_bp: int
    outcome: str
    rule: str = Field(min_length=1)  # the citation of the rule applied
    interpretation: str

    def revised(self, cell: str) -> int:
        return mul_div_round(parse_euros(cell), 10_000 + self.rate_bp, 10_000)


class TariffGrid(Frozen):
    id: str
    document: str
    seed: str
    valid_from: dt.date
    valid_to: dt.date
    formulas: tuple[str, ...]
    tables: dict[GridTableId, TariffTable]
    gaps: tuple[GridGap, ...] = ()
    revision: GridRevision | None = None

    @model_validator(mode="after")
    def _check_revision(self) -> TariffGrid:
        for table_id, table in self.tables.items():
            for row in table.rows:
                if self.revision is None:
                    if row.base_eur is not None:
                        raise ValueError(
                            f"{self.id} {table_id} {row.text!r}: base_eur, pas de révision"
                        )
                    continue
                if row.base_eur is None or len(row.base_eur) != len(row.eur):
                    raise ValueError(
                        f"{self.id} {table_id} {row.text!r}: grille révisée sans les cellules "
                        "de la grille précédente (base_eur)"
                    )
                for formula, cell, base in zip(self.formulas, row.eur, row.base_eur, strict=True):
                    if (cell is None) != (base is None):
                        raise ValueError(f"{self.id} {table_id} {row.text!r} {formula}: case vide")
                    if cell is not None and base is not None:
                        expected = self.revision.revised(base)
                        if parse_euros(cell) != expected:
                            raise ValueError(
                                f"{self.id} {table_id} {row.text!r} {formula}: {cell} ≠ {base} "
                                f"révisé de {self.revision.rate_bp} pb ({expected} centimes)"
                            )
        return self

    @model_validator(mode="after")
    def _check_cells(self) -> TariffGrid:
        declared = {(g.table, g.age, f): g.interpretation for g in self.gaps for f in g.formulas}
        seen: set[tuple[str, str, str]] = set()
        for table_id, table in self.tables.items():
            for row in table.rows:
                if len(row.eur) != len(self.formulas):
                    raise ValueError(
                        f"{self.id} {table_id} {row.text!r}: {len(row.eur)} cells for "
                        f"{len(self.formulas)} formulas"
                    )
                for formula, cell in zip(self.formulas, row.eur, strict=True):
                    key = (table_id, row.age, formula)
                    if cell is None:
                        if key not in declared:
                            raise ValueError(f"{self.id}: blank cell {key} not declared in gaps")
                        seen.add(key)
                    else:
                        if key in declared:
                            raise ValueError(f"{self.id}: gap {key} declared but cell is {cell!r}")
                        cents = parse_euros(cell)
                        if cents <= 0:
                            raise ValueError(f"{self.id}: non-positive tariff {key}: {cell!r}")
        missing = set(declared) - seen
        if missing:
            raise ValueError(f"{self.id}: gaps declared for cells that do not exist: {missing}")
        return self

    def gap_for(self, table: str, age: str, formula: str) -> str | None:
        for g in self.gaps:
            if g.table == table and g.age == age and formula in g.formulas:
                return g.interpretation
        return None


# --- pricing rules (parameters of the rules, each with its source) -----------------------


class NewbornFreeMonths(Frozen):
    rank: int = Field(ge=1)
    months_under_12: int = Field(ge=0)  # member counts less than 12 months in the formula
    months_over_12: int = Field(ge=0)  # member counts 12 months or more (docs I-05)


class ChildEligibility(Frozen):
    max_age_without_proof: int  # "âgés de moins de 21 ans" at 1 January
    max_age_with_proof: int  # "âgés de moins de 28 ans" at 1 January
    proofs: tuple[str, ...]
    disabled_any_age: bool
    source: Source
    over_age_source: Source


class AgentMajoration(Frozen):
    rate_bp_per_year: int = Field(gt=0)
    min_age: int
    grace_years: int
    reference_date: dt.date  # 10 November 2011
    first_label_list_published: dt.date | None  # not in the texts: gap G-03
    gap_interpretation: str
    source: Source


class PricingRules(Frozen):
    structures: tuple[Structure, ...]
    adult_grid: str | None = None  # "annexe4.adult"
    child_grid: str | None = None
    student_grid: str | None = None
    family_grid: str | None = None
    member_min_age: Sourced[int]
    tariff_age: Source  # cotisation year − birth year
    prorata: Source
    adult_structure: Source | None = None
    child_structure: Source | None = None
    student_structure: Source | None = None
    family_structure: Source | None = None
    child_free_from_rank: Sourced[int] | None = None
    newborn_free_months: Sourced[tuple[NewbornFreeMonths, ...]] | None = None
    children: ChildEligibility
    agent_majoration: AgentMajoration | None = None
    starts_first_of_month: Source | None = None  # TNS art. 4.3

    @model_validator(mode="after")
    def _grids_for_structures(self) -> PricingRules:
        needs = {
            "adult_child": ("adult_grid", "child_grid", "adult_structure", "child_structure"),
            "student": ("student_grid", "student_structure"),
            "family": ("family_grid", "family_structure"),
        }
        for s in self.structures:
            for attr in needs[s]:
                if getattr(self, attr) is None:
                    raise ValueError(f"structure {s} needs {attr}")
        return self


# The membership rules' parameters live in their own module; it needs Frozen and Source above.
from mutuelle.offers.membership_rules import MembershipRules  # noqa: E402


class Range(Frozen):
    id: RangeId
    label: str
    description: str
    document: str
    formulas: tuple[str, ...]
    pricing: PricingRules
    membership: MembershipRules | None = None  # adhesion lifecycle (mutuelle.membership)


class Gap(Frozen):
    """An entry of docs/interpretations.md that the data relies on."""

    id: str
    title: str
    # G-xx (a gap: the system refuses): what the texts do not give, in words for a resident
    public: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _INTERP_RE.match(v):
            raise ValueError(f"bad interpretation id {v!r}")
        return v

    @model_validator(mode="after")
    def _public(self) -> Gap:
        if self.id.startswith("G-") and not self.public:
            raise ValueError(f"{self.id}: a gap needs its wording for residents (public)")
        return self


class PriceGuarantee(Frozen):
    until: dt.date
    source: Source


class Offer(Frozen):
    id: str
    label: str
    town: str
    insurer: str
    adopted_on: dt.date
    valid_from: dt.date
    valid_to: dt.date
    price_guarantee: PriceGuarantee | None = None
    documents: dict[str, Document]
    ranges: dict[RangeId, Range]
    grids: dict[str, TariffGrid]
    interpretations: dict[str, Gap]
    # The guarantee tables (``guarantees/*.yaml``) and the règlements' settlement rules
    # (``guarantees/rules.yaml``); empty for an offer folder that has none yet.
    guarantees: dict[str, GuaranteeTable] = Field(default_factory=dict)
    rulebook: RuleBook | None = None

    @model_validator(mode="after")
    def _references(self) -> Offer:
        def check_source(src: Source, where: str) -> None:
            if src.doc not in self.documents:
                raise ValueError(f"{where}: unknown document {src.doc!r}")
            if self.documents[src.doc].seed and src.line is None:
                raise ValueError(f"{where}: a source in a seed text needs its line")
            if src.interpretation and src.interpretation not in self.interpretations:
                raise ValueError(f"{where}: unknown interpretation {src.interpretation!r}")

        if self.price_guarantee:
            check_source(self.price_guarantee.source, "price_guarantee")
        for rid, rng in self.ranges.items():
            if rng.id != rid:
                raise ValueError(f"range key {rid!r} != id {rng.id!r}")
            if rng.document not in self.documents:
                raise ValueError(f"range {rid}: unknown document {rng.document!r}")
            p = rng.pricing
            for attr in ("adult_grid", "child_grid", "student_grid", "family_grid"):
                ref = getattr(p, attr)
                if ref is None:
                    continue
                grid_id, _, table = ref.partition(".")
                grid = self.grids.get(grid_id)
                if grid is None or table not in grid.tables:
                    raise ValueError(f"range {rid}: {attr} {ref!r} does not exist")
                unknown = set(rng.formulas) - set(grid.formulas)
                if unknown:
                    raise ValueError(f"range {rid}: formulas {unknown} absent from grid {grid_id}")
            for name, value in p:
                if isinstance(value, Source):
                    check_source(value, f"range {rid} {name}")
                elif isinstance(value, Sourced):
                    check_source(value.source, f"range {rid} {name}")
                elif isinstance(value, ChildEligibility | AgentMajoration):
                    check_source(value.source, f"range {rid} {name}")
                    if isinstance(value, ChildEligibility):
                        check_source(value.over_age_source, f"range {rid} {name}")
            if rng.membership is not None:
                for where, src in rng.membership.sources():
                    check_source(src, f"range {rid} membership.{where}")
            if p.agent_majoration and p.agent_majoration.gap_interpretation not in (
                self.interpretations
            ):
                raise ValueError(f"range {rid}: unknown interpretation for agent majoration")
        for grid in self.grids.values():
            for gap in grid.gaps:
                if gap.interpretation not in self.interpretations:
                    raise ValueError(f"grid {grid.id}: unknown interpretation {gap.interpretation}")
            for table in grid.tables.values():
                for row in table.rows:
                    if row.interpretation and row.interpretation not in self.interpretations:
                        raise ValueError(f"grid {grid.id}: unknown interpretation")
            if grid.revision and grid.revision.interpretation not in self.interpretations:
                raise ValueError(f"grid {grid.id}: unknown interpretation of its revision")
        self._check_guarantees()
        return self

    def _check_guarantees(self) -> None:
        covered: dict[str, str] = {}
        ranges: dict[str, Range] = {str(k): v for k, v in self.ranges.items()}
        for tid, table in self.guarantees.items():
            if table.id != tid:
                raise ValueError(f"guarantee table key {tid!r} != id {table.id!r}")
            if table.document not in self.documents:
                raise ValueError(f"guarantee table {tid}: unknown document {table.document!r}")
            for rid in table.ranges:
                if rid not in ranges:
                    raise ValueError(f"guarantee table {tid}: unknown range {rid!r}")
                if rid in covered:
                    raise ValueError(f"range {rid} has two guarantee tables")
                covered[rid] = tid
                if tuple(ranges[rid].formulas) != table.formulas:
                    raise ValueError(f"guarantee table {tid}: formulas differ from range {rid}")
            unknown = table.interpretations() - set(self.interpretations)
            if unknown:
                raise ValueError(f"guarantee table {tid}: unknown interpretations {unknown}")
            if self.rulebook is None:
                raise ValueError("guarantee tables need guarantees/rules.yaml")
            for line in table.lines:
                for rule_id in line.rules:
                    if rule_id not in self.rulebook:
                        raise ValueError(f"{tid} {line.id}: unknown rule {rule_id!r}")
        if self.rulebook is not None:
            for rule in self.rulebook.rules:
                for doc in rule.sources:
                    if doc not in self.documents:
                        raise ValueError(f"rule {rule.id}: unknown document {doc!r}")
                if rule.interpretation and rule.interpretation not in self.interpretations:
                    raise ValueError(f"rule {rule.id}: unknown interpretation")

    def guarantee_table(self, range_id: str) -> GuaranteeTable | None:
        """The guarantee table of a range (None when the offer has none for it)."""
        for table in self.guarantees.values():
            if range_id in table.ranges:
                return table
        return None

    def cite(self, src: Source) -> str:
        """A sentence a reviewer can search: "Règlement particuliers III-1-3 (l. 2773)"."""
        return self.citation(src).staff()

    def citation(self, src: Source) -> Cited:
        """The structured source of a value or a rule (staff and public renderings)."""
        place = self.documents[src.doc].citation(src.doc, src.ref, src.line)
        return self.sourced((place,), (src.interpretation,) if src.interpretation else ())

    def sourced(self, places: tuple[Citation, ...], readings: tuple[str, ...] = ()) -> Cited:
        """Places and readings as a source; a gap (G-xx) among the readings is said in plain
        words for residents."""
        gaps = [g.public for r in readings if (g := self.interpretations.get(r)) and g.public]
        return Cited(places, readings, " ; ".join(gaps) or None)


def citation(documents: dict[str, Document], src: Source) -> Cited:
    """``src`` as a structured source, its document taken from ``documents`` (for data outside
    an offer's own sources, e.g. the steering rules)."""
    place = documents[src.doc].citation(src.doc, src.ref, src.line)
    return Cited((place,), (src.interpretation,) if src.interpretation else ())


def cite(documents: dict[str, Document], src: Source) -> str:
    """``src`` as a sentence a reviewer can search (the staff rendering of :func:`citation`)."""
    return citation(documents, src).staff()
