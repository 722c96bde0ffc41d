"""The tariff revision of convention art. 2.2, and the new offer folder it produces.

« Les cotisations proposées sont toutefois garanties pour toute la durée de la convention … sous
réserve d'un ratio annuel P/C ne dépassant pas 110 % » (seed l. 1884); above it the Mutuelle
recommends a revaluation « effective au 1er janvier de l'année suivante », validated jointly by
the steering committee (l. 1896), capped by the table of l. 1900-1904. Beyond its last row
(150 %) the table caps nothing: said plainly (G-66), never extrapolated. The 2026 freeze of the
LFSS 2026 (art. 13) is shown beside the convention's answer (I-142).

The committee's decision becomes data: :func:`derive_folder` turns the current offer folder
into next year's (every tariff cell = the previous cell × (1 + rate), rounded to the cent, with
the previous value, the decision and the rule beside it); the offer loader checks every cell
again and the quote engine prices it like any other folder.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from mutuelle.explain import Cited, Said, Step
from mutuelle.money import BP_PER_UNIT, format_rate, mul_div_round, parse_euros
from mutuelle.offers.model import Source
from mutuelle.reporting.pc import format_ratio
from mutuelle.reporting.rules import Freeze, RevisionRow, RevisionRules

Cite = Callable[[Source], Cited]


class Outcome(StrEnum):
    NO_CHANGE = "no_change"
    CAPPED = "capped"
    BEYOND_TABLE = "beyond_table"

    @property
    def label(self) -> str:
        return {
            Outcome.NO_CHANGE: "aucune revalorisation (cotisations garanties)",
            Outcome.CAPPED: "revalorisation plafonnée par le tableau",
            Outcome.BEYOND_TABLE: "au-delà du tableau : aucun plafond fixé par la convention",
        }[self]


@dataclass(frozen=True)
class FreezeNote:
    year: int
    text: str
    note: str
    cite: Cited

    @property
    def source(self) -> str:
        return self.cite.staff()


@dataclass(frozen=True)
class RevisionAnswer:
    """What the convention says for an annual P/C, and what the law says beside it."""

    ratio: Fraction
    pc_year: int
    outcome: Outcome
    max_increase_bp: int | None  # None: no increase (NO_CHANGE) or no cap (BEYOND_TABLE)
    row: RevisionRow | None
    effective_on: dt.date
    convention: str  # the convention's answer, in French
    cite: Cited  # the rule that gives it
    freeze: FreezeNote | None
    steps: tuple[Step, ...]

    @property
    def source(self) -> str:
        return self.cite.staff()

    @property
    def ratio_text(self) -> str:
        return format_ratio(self.ratio)


def _above(ratio: Fraction, bp: int) -> bool:
    return ratio > Fraction(bp, BP_PER_UNIT)


def revision_rule(
    rules: RevisionRules, cite: Cite, ratio: Fraction, pc_year: int
) -> RevisionAnswer:
    """The convention's answer for the annual P/C ``ratio`` of ``pc_year`` (exact ratio compared
    with the table's bounds, I-140), and the freeze of the year it would take effect."""
    effective = dt.date(pc_year + 1, 1, 1)
    steps = [
        Said(
            f"P/C annuel {pc_year} : {format_ratio(ratio)}",
            cite(rules.no_change_source),
            "reporting.revision.revision_rule",
        )
    ]
    row: RevisionRow | None = None
    if not _above(ratio, rules.no_change_up_to_bp):
        outcome, cap = Outcome.NO_CHANGE, None
        text = (
            f"P/C de {format_ratio(ratio)} ≤ {format_rate(rules.no_change_up_to_bp)} : les "
            "cotisations restent garanties, aucune revalorisation."
        )
        source = cite(rules.no_change_source)
        steps.append(Said(text, source, "reporting.revision.revision_rule"))
    else:
        row = next((r for r in rules.rows if not _above(ratio, r.to_bp)), None)
        if row is not None:
            outcome, cap = Outcome.CAPPED, row.increase_bp
            text = (
                f"P/C de {format_ratio(ratio)} entre {format_rate(row.from_bp)} et "
                f"{format_rate(row.to_bp)} : la Mutuelle peut préconiser une revalorisation "
                f"d'au plus {format_rate(row.increase_bp)} au {effective:%d/%m/%Y}, à valider "
                "conjointement en comité de pilotage."
            )
            source = cite(row.source)
            steps.append(Said(text, source, "reporting.revision.revision_rule"))
            steps.append(
                Said(
                    "Effet au 1er janvier suivant",
                    cite(rules.effective_source),
                    "reporting.revision.revision_rule",
                )
            )
        else:
            last = rules.rows[-1]
            outcome, cap = Outcome.BEYOND_TABLE, None
            text = (
                f"P/C de {format_ratio(ratio)} au-delà de la dernière ligne du tableau "
                f"({format_rate(last.from_bp)} – {format_rate(last.to_bp)} : "
                f"{format_rate(last.increase_bp)}) : la convention ne fixe aucun plafond "
                "au-delà. La revalorisation relève de la seule décision des Parties en comité "
                "de pilotage ; le logiciel ne la déduit pas du tableau."
            )
            source = cite(rules.beyond_source)
            steps.append(Said(text, source, "reporting.revision.revision_rule"))
    freeze = _freeze(rules.freezes, effective.year, cite)
    if freeze is not None:
        steps.append(
            Said(
                f"Gel légal {freeze.year} : « {freeze.text} ». {freeze.note}",
                freeze.cite,
                "reporting.revision.revision_rule",
            )
        )
    return RevisionAnswer(
        ratio=ratio,
        pc_year=pc_year,
        outcome=outcome,
        max_increase_bp=cap,
        row=row,
        effective_on=effective,
        convention=text,
        cite=source,
        freeze=freeze,
        steps=tuple(steps),
    )


def _freeze(freezes: tuple[Freeze, ...], year: int, cite: Cite) -> FreezeNote | None:
    for f in freezes:
        if f.year == year:
            return FreezeNote(f.year, f.text, f.note, cite(f.source))
    return None


class RevisionRefused(ValueError):
    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.message = message
        self.source = source


@dataclass(frozen=True)
class Decision:
    """A revision the steering committee validated, checked against the rule."""

    rate_bp: int
    text: str  # « COPIL du 20/11/2026 »
    answer: RevisionAnswer
    steps: tuple[Step, ...]

    @property
    def year(self) -> int:
        return self.answer.effective_on.year


def check_decision(answer: RevisionAnswer, rate_bp: int, text: str) -> Decision:
    """Refuse a decision the convention or the law does not allow (with the rule's source)."""
    if not text.strip():
        raise RevisionRefused(
            "la décision du comité de pilotage doit être nommée (ex. « COPIL du 20/11/2026 »)",
            answer.steps[0].source,
        )
    if rate_bp <= -BP_PER_UNIT:
        raise RevisionRefused("une baisse de 100 % ou plus n'a pas de sens", answer.steps[0].source)
    steps = list(answer.steps)
    if rate_bp > 0:
        if answer.outcome is Outcome.NO_CHANGE:
            raise RevisionRefused(
                f"{answer.convention} Une hausse de {format_rate(rate_bp)} n'est pas permise.",
                answer.source,
            )
        if answer.max_increase_bp is not None and rate_bp > answer.max_increase_bp:
            raise RevisionRefused(
                f"hausse de {format_rate(rate_bp)} supérieure au plafond de "
                f"{format_rate(answer.max_increase_bp)} pour un P/C de {answer.ratio_text}",
                answer.source,
            )
        if answer.freeze is not None:
            raise RevisionRefused(
                f"la convention permettrait {_allowed(answer)}, mais la loi l'interdit pour "
                f"{answer.freeze.year} : « {answer.freeze.text} ». {answer.freeze.note}",
                answer.freeze.source,
            )
    steps.append(
        Said(
            f"Décision « {text} » : évolution des tarifs de {format_rate(rate_bp)} au "
            f"{answer.effective_on:%d/%m/%Y}",
            answer.cite,
            "reporting.revision.check_decision",
        )
    )
    return Decision(rate_bp, text.strip(), answer, tuple(steps))


def _allowed(answer: RevisionAnswer) -> str:
    if answer.max_increase_bp is not None:
        return f"une hausse d'au plus {format_rate(answer.max_increase_bp)}"
    return "une hausse décidée par les Parties (au-delà du tableau)"


# --- the new offer folder ------------------------------------------------------------------


def revise_cell(cell: str | None, rate_bp: int) -> str | None:
    """A monthly tariff × (1 + rate), rounded half up to the cent (I-141); a blank cell of the
    text stays blank (its gap still applies)."""
    if cell is None:
        return None
    cents = mul_div_round(parse_euros(cell), BP_PER_UNIT + rate_bp, BP_PER_UNIT)
    units, rem = divmod(cents, 100)
    return f"{units},{rem:02d}"


_YEAR_RE = re.compile(r"(\d{4})(?!.*\d{4})")


def next_offer_id(base_id: str, year: int) -> str:
    """``grenoble-2025`` → ``grenoble-2027``."""
    if _YEAR_RE.search(base_id):
        return _YEAR_RE.sub(str(year), base_id)
    return f"{base_id}-{year}"


Folder = Mapping[str, Any]  # relative path → parsed YAML


def derive_folder(
    base: Folder,
    decision: Decision,
    new_id: str,
    rule_source: str,
    interpretation: str = "I-141",
) -> dict[str, Any]:
    """Next year's offer folder from the current one (pure: parsed YAML in, parsed YAML out).

    ``offer.yaml``: new id, label and dates; the tariff documents say they are revised;
    ``tariffs/*.yaml``: every cell revised, the previous value kept beside it (``base_eur``)
    and the ``revision`` (decision, rate, P/C, rule) recorded, so the loader can check each
    cell; every other file (guarantees, rules, steering) is kept as it is."""
    year = decision.year
    offer = copy.deepcopy(dict(base["offer.yaml"]))
    base_id = offer["id"]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rate_text = format_rate(decision.rate_bp)
    sign = "+" if decision.rate_bp >= 0 else ""
    suffix = (
        f" — tarifs {year} : {sign}{rate_text} au {start:%d/%m/%Y} (décision « {decision.text} », "
        "convention art. 2.2)"
    )
    offer["id"] = new_id
    offer["label"] = f"{offer['label']}{suffix}"
    offer["valid_from"], offer["valid_to"] = start, end
    guarantee = offer.get("price_guarantee")
    if guarantee is not None and guarantee["until"] <= end:
        offer.pop("price_guarantee")
    offer.setdefault("interpretations", {})[interpretation] = {
        "id": interpretation,
        "title": "Révision : un même taux pour toutes les grilles, arrondi au centime de chaque "
        "tarif mensuel",
    }
    out: dict[str, Any] = {}
    revision = {
        "base_offer": base_id,
        "rate_bp": decision.rate_bp,
        "decision": decision.text,
        "pc_year": decision.answer.pc_year,
        "pc_bp": mul_div_round(
            decision.answer.ratio.numerator, BP_PER_UNIT, decision.answer.ratio.denominator
        ),
        "outcome": str(decision.answer.outcome),
        "rule": rule_source,
        "interpretation": interpretation,
    }
    for path, data in base.items():
        if not path.startswith("tariffs/"):
            if path != "offer.yaml":
                out[path] = copy.deepcopy(data)
            continue
        grid = copy.deepcopy(dict(data))
        prefix = grid["document"][:10]
        grid["document"] = f"{grid['document']}{suffix}"
        for doc in offer["documents"].values():
            if doc["title"].startswith(prefix):
                doc["title"] = f"{doc['title']}{suffix}"
                doc["short"] = f"{doc['short']} {year} ({sign}{rate_text}, {decision.text})"
        grid["valid_from"], grid["valid_to"] = start, end
        grid["revision"] = dict(revision, base_valid_from=data["valid_from"])
        for table in grid["tables"].values():
            for row in table["rows"]:
                row["base_eur"] = list(row["eur"])
                row["eur"] = [revise_cell(c, decision.rate_bp) for c in row["eur"]]
        out[path] = grid
    out["offer.yaml"] = offer
    return out


def revision_step(rule_source: Cited, decision: Decision) -> Step:
    return Said(
        f"Tarifs {decision.year} = tarifs précédents × (1 {'+' if decision.rate_bp >= 0 else '−'} "
        f"{format_rate(abs(decision.rate_bp))}), arrondis au centime (décision « "
        f"{decision.text} »)",
        rule_source,
        "reporting.revision.revision_step",
    )
