"""The guarantee tables as validated data (Annexe 7 and the surviving part of Annexe 8).

A table file (``guarantees/<table>.yaml``) keeps **every row of the table as printed** (its seed
line, its label and its cells exactly as the text shows them) and says, for each guarantee line,
which benefit codes it settles and how its cells read. A cell is read:

* from its own text (``"125% BR"``, ``"42 €"``, ``"Frais réels"``, ``"-"`` …), parsed here;
* or, where the PDF conversion left it blank or garbled, through an explicit ``read`` entry that
  names the printed cell it takes its value from (a merged cell), a corrected text, or a gap —
  always with the entry of ``docs/interpretations.md`` that justifies it.

The loader refuses a blank cell without a reading, a cell text it cannot parse, a reading
without its interpretation, a group of lines sharing a ceiling with different amounts, and a
non-DPTAM rate beyond the contrat responsable limit (R871-2 2°, restated by Règlement
particuliers IV-2 2°). ``tests/benefits/test_seed_guarantees.py`` re-parses the seed text
independently and checks every cell against this data.

``rules.yaml`` holds the règlement rules the settlement engine applies, each with its source in
each règlement (particuliers, agents, TNS), so that an explanation cites the text of the
beneficiary's own range.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from mutuelle.money import BP_PER_UNIT

_INTERP_RE = re.compile(r"^[GI]-\d{2,3}$")

Category = Literal[
    "soins_courants",
    "prevention_bien_etre",
    "cure_thermale",
    "hospitalisation",
    "optique",
    "dentaire",
    "aides_auditives",
    "prime",
]

CATEGORY_LABELS: dict[str, str] = {
    "soins_courants": "Soins courants",
    "prevention_bien_etre": "Prévention, bien-être et prestations additionnelles",
    "cure_thermale": "Cure thermale",
    "hospitalisation": "Hospitalisation",
    "optique": "Optique",
    "dentaire": "Dentaire",
    "aides_auditives": "Aides auditives",
    "prime": "Prime de naissance",
}

# How an amount in euros applies (the cell text says it, or the line does when the text is bare)
Per = Literal["event", "item", "day", "year", "semester", "24_months", "eye_year"]

CellKind = Literal[
    "none",  # "-": no cover in this formula
    "gap",  # the text gives no value: refuse, naming the gap
    "pct_br",  # rate × BR, AMO included
    "pct_br_plus",  # rate × BR + a lump sum, AMO included in the rate part
    "frais_reels",  # what was billed, less AMO
    "pct_fr",  # rate × what was billed, AMO included
    "amo_plus",  # a lump sum on top of AMO
    "eur",  # an amount in euros, AMO included
    "price_limit",  # full cover up to the regulatory price limit (PLV or HLF)
]


def normalize(text: str) -> str:
    """A printed cell or label as compared with the data: no markup, single spaces.

    The same rule is written again, independently, in the test that re-reads the seed.
    """
    text = re.sub(r"<[^>]+>", "", text).replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text[2:] if text.startswith("- ") else text


@dataclass(frozen=True, slots=True)
class Cell:
    """What one printed cell means, once read."""

    kind: CellKind
    text: str  # the text read (as printed, or the corrected text of a reading)
    line: int  # the seed line the text comes from
    position: int  # its position among the row's value cells (0 = first formula)
    rate_bp: int = 0
    cents: int = 0
    unit: str | None = None  # "jour", "an", "implant", "enfant" when the text says it
    days_per_year: int | None = None  # "Dans la limite de 15 jours par an"
    per_session_cents: int | None = None  # "(Max 25€ p/séance ou demande)"
    limit: Literal["PLV", "HLF"] | None = None
    interpretation: str | None = None  # set when the cell is read through a ``read`` entry
    gap: str | None = None


_EUR = r"(\d+) ?€"
_CELL_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^-$"), "none"),
    (re.compile(r"^(\d+)% BR$"), "pct_br"),
    (re.compile(r"^(\d+)% BR \+ " + _EUR + "$"), "pct_br_plus"),
    (re.compile(r"^Frais réels$"), "frais_reels"),
    (re.compile(r"^(\d+)% Frais réels$"), "pct_fr"),
    (re.compile(r"^AMO \+ " + _EUR + "$"), "amo_plus"),
    (re.compile(r"^Prise en charge intégrale dans la limite du prix limite de vente$"), "plv"),
    (
        re.compile(
            r"^Prise en charge intégrale dans la limite des honoraires limites de facturation$"
        ),
        "hlf",
    ),
    (re.compile("^" + _EUR + "$"), "eur"),
    (re.compile("^" + _EUR + r" ?(?:p/jour|/ ?jour)$"), "eur_day"),
    (
        re.compile(
            "^" + _EUR + r" ?/ ?jour Dans la limite de (\d+) jours par an, par bénéficiaire$"
        ),
        "eur_day_limit",
    ),
    (re.compile(r"^(?:Plafond de )?" + _EUR + r" ?/ ?an ?/ ?bénéficiaire$"), "eur_year"),
    (
        re.compile(
            "^" + _EUR + r" p/an et p/bénéficiaire \(Max " + _EUR + r" p/séance ou demande\)$"
        ),
        "eur_year_session",
    ),
    (re.compile("^" + _EUR + r" ?/ ?implant$"), "eur_implant"),
    (re.compile("^" + _EUR + r" ?/ ?enfant$"), "eur_child"),
)


def parse_cell(text: str, line: int, position: int) -> Cell:
    """Read a printed cell; ``ValueError`` for a text the tables never print."""

    def cell(kind: CellKind, **kw: Any) -> Cell:
        return Cell(kind=kind, text=text, line=line, position=position, **kw)

    for pattern, tag in _CELL_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        if tag == "none":
            return cell("none")
        if tag == "pct_br":
            return cell("pct_br", rate_bp=g[0] * 100)
        if tag == "pct_br_plus":
            return cell("pct_br_plus", rate_bp=g[0] * 100, cents=g[1] * 100)
        if tag == "frais_reels":
            return cell("frais_reels")
        if tag == "pct_fr":
            return cell("pct_fr", rate_bp=g[0] * 100)
        if tag == "amo_plus":
            return cell("amo_plus", cents=g[0] * 100)
        if tag in ("plv", "hlf"):
            return cell("price_limit", limit="PLV" if tag == "plv" else "HLF")
        if tag == "eur":
            return cell("eur", cents=g[0] * 100)
        if tag == "eur_day":
            return cell("eur", cents=g[0] * 100, unit="jour")
        if tag == "eur_day_limit":
            return cell("eur", cents=g[0] * 100, unit="jour", days_per_year=g[1])
        if tag == "eur_year":
            return cell("eur", cents=g[0] * 100, unit="an")
        if tag == "eur_year_session":
            return cell("eur", cents=g[0] * 100, unit="an", per_session_cents=g[1] * 100)
        if tag == "eur_implant":
            return cell("eur", cents=g[0] * 100, unit="implant")
        if tag == "eur_child":
            return cell("eur", cents=g[0] * 100, unit="enfant")
    raise ValueError(f"l. {line}: cellule illisible {text!r}")


# Which ``per`` a unit printed in a cell allows
_UNIT_PER: dict[str, tuple[str, ...]] = {
    "jour": ("day",),
    "an": ("year",),
    "implant": ("item",),
    "enfant": ("item",),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CellRead(_Frozen):
    """How a blank or garbled cell is read. Exactly one of ``gap`` / (``cell`` or ``text``)."""

    line: int | None = Field(default=None, gt=0)  # another row (vertical merge); default: own
    cell: int | None = Field(default=None, ge=0)  # position of the printed cell to read
    text: str | None = None  # a corrected text (the printed one is garbled)
    gap: str | None = None  # no honest value: refuse, naming this entry
    interpretation: str | None = None

    @model_validator(mode="after")
    def _one(self) -> CellRead:
        if self.gap is not None:
            if any(x is not None for x in (self.line, self.cell, self.text, self.interpretation)):
                raise ValueError("a gap reading takes no other field")
            if not _INTERP_RE.match(self.gap):
                raise ValueError(f"bad gap id {self.gap!r}")
            return self
        if self.interpretation is None or not _INTERP_RE.match(self.interpretation):
            raise ValueError("a reading needs its interpretation id (docs/interpretations.md)")
        if (self.cell is None) == (self.text is None):
            raise ValueError("a reading gives either the cell it reads or a corrected text")
        return self


class CodeBinding(_Frozen):
    """A benefit code this line settles, with the event fields that select it."""

    code: str
    dptam: bool | None = None
    basket: Literal["100_sante", "libre"] | None = None
    lens_category: Literal["simple", "complexe", "tres_complexe"] | None = None
    amo: Literal["covered", "not_covered"] | None = None  # overrides the line's ``amo``


class Row(_Frozen):
    """A row of the table that is not itself a guarantee line (heading, note, ceiling row)."""

    line: int = Field(gt=0)
    role: Literal["heading", "note", "ceiling", "detail", "value"]
    text: str  # its first cell as printed (normalized)
    cells: tuple[str, ...] = ()
    note: str | None = None  # what it is for (e.g. "plafond du groupe bien_etre")


class Line(_Frozen):
    """One guarantee line of the table: label and cells as printed, and how it settles."""

    id: str
    line: int = Field(gt=0)
    label: str  # as printed (normalized)
    label_line: int | None = None  # when the label is printed on another row (l. 6005)
    section: str
    category: Category
    codes: tuple[CodeBinding, ...]
    cells: tuple[str, ...]  # as printed (normalized), "" for a blank cell
    read: dict[str, CellRead] = Field(default_factory=dict)
    per: Per = "event"
    ceiling: str | None = None  # id of a ceiling shared by several lines (consumption key)
    ceiling_label: str | None = None
    max_items_per_year: int | None = None
    max_claims_per_year: int | None = None
    amo: Literal["covered", "not_covered", "any"] = "any"
    periodicity: (
        Literal["optical_frame", "optical_lens", "hearing", "replacement_frame", "replacement_lens"]
        | None
    ) = None
    prorata_semester: bool = False  # Règlement particuliers 4-2-3 (actes en série)
    half_for_one_eye: bool = False  # Règlement particuliers 4-3-3
    requires: tuple[Literal["distance_over_50km", "adult", "enrolment_3_months"], ...] = ()
    footnotes: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()  # ids of rules.yaml this line applies
    interpretation: str | None = None  # a reading of the whole line

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9_]+$", v):
            raise ValueError(f"line id must be snake_case, got {v!r}")
        return v


class RuleSource(_Frozen):
    ref: str
    line: int = Field(gt=0)


class Rule(_Frozen):
    """A rule of the règlements the engine applies, with its source in each document."""

    id: str
    title: str  # the rule in plain French, as an explanation prints it
    value: int | None = None  # its parameter (months, days, count), when it has one
    unit: Literal["months", "days", "count", "years"] | None = None
    sources: dict[str, tuple[RuleSource, ...]]  # document key → where it is written
    interpretation: str | None = None

    @model_validator(mode="after")
    def _unit(self) -> Rule:
        if (self.value is None) != (self.unit is None):
            raise ValueError(f"rule {self.id}: a value needs its unit and conversely")
        if not self.sources:
            raise ValueError(f"rule {self.id}: no source")
        return self


class RuleBook(_Frozen):
    rules: tuple[Rule, ...]
    _by_id: dict[str, Rule] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _index(self) -> RuleBook:
        self._by_id.clear()  # validators may run again when the offer is validated
        for r in self.rules:
            if r.id in self._by_id:
                raise ValueError(f"duplicate rule {r.id!r}")
            self._by_id[r.id] = r
        return self

    def get(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id


class GuaranteeTable(_Frozen):
    id: str
    document: str  # offer document key (annexe7, annexe8)
    seed: str
    title: str
    ranges: tuple[str, ...]
    formulas: tuple[str, ...]
    first_line: int
    last_line: int
    header: Row | None = None  # "Les prestations ci-dessous comprennent …"
    footnotes: dict[str, RuleSource]  # "(1)" → the footnote's line
    not_in_table: Literal["not_covered", "gap"]
    not_in_table_gap: str | None = None
    rows: tuple[Row, ...]
    lines: tuple[Line, ...]
    missing_parts: tuple[str, ...] = ()  # what the conversion lost (names the gap)

    _values: dict[tuple[str, str], Cell] = PrivateAttr(default_factory=dict)
    _by_id: dict[str, Line] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _resolve(self) -> GuaranteeTable:
        self._values.clear()  # validators may run again when the offer is validated
        self._by_id.clear()
        n = len(self.formulas)
        printed: dict[int, tuple[str, ...]] = {}
        for row in self.rows:
            if row.cells and len(row.cells) != n:
                raise ValueError(f"{self.id} l. {row.line}: {len(row.cells)} cells for {n}")
            printed[row.line] = row.cells
        seen_lines: set[int] = {r.line for r in self.rows}
        for ln in self.lines:
            if ln.id in self._by_id:
                raise ValueError(f"{self.id}: duplicate line id {ln.id!r}")
            self._by_id[ln.id] = ln
            if len(ln.cells) != n:
                raise ValueError(f"{self.id} {ln.id}: {len(ln.cells)} cells for {n} formulas")
            if ln.line in seen_lines:
                raise ValueError(f"{self.id}: seed line {ln.line} described twice")
            seen_lines.add(ln.line)
            printed[ln.line] = ln.cells
            if not (self.first_line <= ln.line <= self.last_line):
                raise ValueError(f"{self.id} {ln.id}: line {ln.line} outside the table")
            unknown = set(ln.read) - set(self.formulas)
            if unknown:
                raise ValueError(f"{self.id} {ln.id}: readings for unknown formulas {unknown}")
        for ln in self.lines:
            for i, formula in enumerate(self.formulas):
                self._values[(ln.id, formula)] = self._read(ln, i, formula, printed)
        self._check_groups()
        self._check_dptam()
        return self

    def _read(self, ln: Line, i: int, formula: str, printed: dict[int, tuple[str, ...]]) -> Cell:
        r = ln.read.get(formula)
        if r is None:
            text = ln.cells[i]
            if not text:
                raise ValueError(
                    f"{self.id} {ln.id} (l. {ln.line}): blank cell for {formula} without a reading"
                )
            cell = parse_cell(text, ln.line, i)
        elif r.gap is not None:
            return Cell(kind="gap", text=ln.cells[i], line=ln.line, position=i, gap=r.gap)
        else:
            src_line = r.line or ln.line
            if src_line not in printed:
                raise ValueError(f"{self.id} {ln.id}: reads l. {src_line}, not in the table")
            if r.text is not None:
                text, pos = r.text, i
            else:
                assert r.cell is not None
                pos = r.cell
                if pos >= len(printed[src_line]):
                    raise ValueError(f"{self.id} {ln.id}: no cell {pos} on l. {src_line}")
                text = printed[src_line][pos]
                if not text:
                    raise ValueError(f"{self.id} {ln.id}: reads a blank cell of l. {src_line}")
            parsed = parse_cell(text, src_line, pos)
            cell = dataclasses.replace(parsed, interpretation=r.interpretation)
        if cell.unit is not None and ln.per not in _UNIT_PER[cell.unit]:
            raise ValueError(
                f"{self.id} {ln.id}: cell {cell.text!r} says per {cell.unit}, line is per {ln.per}"
            )
        if cell.kind == "eur" and cell.unit is None and ln.per == "event":
            raise ValueError(f"{self.id} {ln.id}: an amount needs its basis (per)")
        return cell

    def _check_groups(self) -> None:
        groups: dict[str, list[Line]] = {}
        for ln in self.lines:
            if ln.ceiling:
                groups.setdefault(ln.ceiling, []).append(ln)
        for gid, members in groups.items():
            if len({m.per for m in members}) != 1:
                raise ValueError(f"{self.id}: ceiling {gid} mixes periods")
            for f in self.formulas:
                amounts = {
                    (c.kind, c.cents)
                    for m in members
                    if (c := self._values[(m.id, f)]).kind not in ("none", "gap")
                }
                if len(amounts) > 1:
                    raise ValueError(f"{self.id}: ceiling {gid} has amounts {amounts} in {f}")

    def _check_dptam(self) -> None:
        """R871-2 2° (Règlement particuliers IV-2 2°): non-DPTAM ≤ min(100 % + BR, DPTAM − 20 %)."""
        pairs: dict[str, dict[bool, Line]] = {}
        for ln in self.lines:
            for b in ln.codes:
                if b.dptam is not None:
                    pairs.setdefault(b.code, {})[b.dptam] = ln
        for code, pair in pairs.items():
            if set(pair) != {True, False}:
                raise ValueError(f"{self.id}: {code} needs both a DPTAM and a non-DPTAM line")
            for f in self.formulas:
                yes, no = self._values[(pair[True].id, f)], self._values[(pair[False].id, f)]
                if yes.kind != "pct_br" or no.kind != "pct_br":
                    continue
                over_yes = yes.rate_bp - BP_PER_UNIT
                over_no = no.rate_bp - BP_PER_UNIT
                if over_no > 0 and over_no > min(BP_PER_UNIT, over_yes - 2000):
                    raise ValueError(
                        f"{self.id}: {code} non-DPTAM {no.text} in {f} breaks R871-2 2°"
                    )

    def value(self, line_id: str, formula: str) -> Cell:
        return self._values[(line_id, formula)]

    def line(self, line_id: str) -> Line:
        return self._by_id[line_id]

    def codes(self) -> list[str]:
        seen: dict[str, None] = {}
        for ln in self.lines:
            for b in ln.codes:
                seen.setdefault(b.code, None)
        return list(seen)

    def interpretations(self) -> set[str]:
        ids = {r.interpretation for ln in self.lines for r in ln.read.values() if r.interpretation}
        ids |= {r.gap for ln in self.lines for r in ln.read.values() if r.gap}
        ids |= {ln.interpretation for ln in self.lines if ln.interpretation}
        if self.not_in_table_gap:
            ids.add(self.not_in_table_gap)
        return ids
