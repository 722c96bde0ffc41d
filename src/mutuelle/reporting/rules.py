"""The convention's commitments towards the steering committee, as validated data.

``offers/data/<offer>/steering.yaml`` holds, each with its source: the P/C definition and the
capped revision table (convention art. 2.2), the legal freezes beside it (LFSS 2026 art. 13), the
minimum outreach (art. 4), the indicators and their rhythm (art. 5), and the complaint rules of
each règlement. A new town or a new year is a new folder, not new code.
"""

from __future__ import annotations

import datetime as dt
import functools
from enum import StrEnum
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from mutuelle.explain import Cited
from mutuelle.offers.loader import OfferInvalid, OfferNotFound, available_offers, load_offer
from mutuelle.offers.model import (
    Document,
    Frozen,
    Gap,
    Offer,
    RangeId,
    Source,
    citation,
    cite,
)


class Counting(StrEnum):
    """How a delay in days is counted."""

    WORKING = "jours_ouvrables"  # every day but Sundays and public holidays (I-147)
    CALENDAR = "calendar_days"

    @property
    def label(self) -> str:
        return "jours ouvrables" if self is Counting.WORKING else "jours (calendaires)"


class Rhythm(Frozen):
    first_year_every: Literal["quarter", "semester"]
    later_every: Literal["quarter", "semester"]
    source: Source
    indicators_source: Source


class Indicator(Frozen):
    number: int = Field(ge=1, le=10)
    title: str
    source: Source


class PcSources(Frozen):
    definition: Source
    benefits: Source
    fmt: Source
    contributions: Source
    loadings: Source
    periods: Source


class RevisionRow(Frozen):
    from_bp: int = Field(gt=0)
    to_bp: int = Field(gt=0)
    increase_bp: int = Field(gt=0)
    source: Source


class Freeze(Frozen):
    year: int
    compared_to: int
    text: str
    note: str
    source: Source


class RevisionRules(Frozen):
    no_change_up_to_bp: int
    no_change_source: Source
    effective: Literal["next_january_first"]
    effective_source: Source
    rows: tuple[RevisionRow, ...]
    beyond_source: Source
    applies_to_grids_source: Source
    freezes: tuple[Freeze, ...] = ()

    @model_validator(mode="after")
    def _contiguous(self) -> RevisionRules:
        # I-140: each row starts one hundredth of a point above the previous one's end.
        expected = self.no_change_up_to_bp + 1
        for row in self.rows:
            if row.from_bp != expected or row.to_bp < row.from_bp:
                raise ValueError(f"revision table not contiguous at {row.from_bp} bp")
            expected = row.to_bp + 1
        return self


class AudienceMinimum(Frozen):
    count: int = Field(ge=0)
    source: Source


class OutreachRules(Frozen):
    launch_year: int
    launch_source: Source
    commitments_from: dt.date
    commitments_source: Source
    permanences_per_week: int
    permanences_source: Source
    public_meetings_at_launch: int
    public_meetings_source: Source
    events_per_year: int
    events_source: Source
    prevention_per_year: dict[Literal["agents", "students", "carers", "seniors"], AudienceMinimum]
    free_checks_per_year: int
    free_checks_source: Source
    budget_launch_cents: int
    budget_yearly_cents: int
    budget_source: Source
    partner_meetings_at_launch: int
    partner_meetings_source: Source
    trainings_at_launch: int
    trainings_source: Source


class ComplaintRules(Frozen):
    ranges: tuple[RangeId, ...]
    definition: Source
    ack_days: int = Field(gt=0)
    ack_counting: Counting
    ack_source: Source
    answer_months: int = Field(gt=0)
    answer_source: Source
    written_answer_source: Source | None = None
    mediation_months: int = Field(gt=0)
    mediation_source: Source
    mediator_source: Source
    mediator_answer_days: int | None = None
    mediator_answer_source: Source | None = None


class Mediator(Frozen):
    name: str
    address: str
    website: str
    source: Source


class SteeringRules(Frozen):
    offer: str = ""
    documents: dict[str, Document] = Field(default_factory=dict)
    interpretations: dict[str, Gap] = Field(default_factory=dict)
    rhythm: Rhythm
    indicators: tuple[Indicator, ...]
    pc: PcSources
    revision: RevisionRules
    outreach: OutreachRules
    complaints: tuple[ComplaintRules, ...]
    mediator: Mediator
    # Documents of the offer (convention, règlements) merged in at load time, for citations.
    all_documents: dict[str, Document] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _numbers(self) -> SteeringRules:
        numbers = [i.number for i in self.indicators]
        if numbers != list(range(1, 11)):
            raise ValueError(f"the ten indicators of art. 5 are needed in order, got {numbers}")
        seen: set[str] = set()
        for c in self.complaints:
            if seen & set(c.ranges):
                raise ValueError(f"two complaint rules for {seen & set(c.ranges)}")
            seen |= set(c.ranges)
        return self

    def complaint_rules(self, range_id: str) -> ComplaintRules:
        for c in self.complaints:
            if range_id in c.ranges:
                return c
        raise KeyError(f"aucune règle de réclamation pour la gamme {range_id!r}")

    def cite(self, src: Source) -> str:
        """« Convention art. 2.2 Tarifs (…) (003_….txt l. 1886) — lecture … I-140 »."""
        return cite(self.all_documents, src)

    def citation(self, src: Source) -> Cited:
        """The structured source (staff and public renderings) of ``src``."""
        return citation(self.all_documents, src)

    def sources(self) -> list[tuple[str, Source]]:
        out: list[tuple[str, Source]] = []

        def walk(prefix: str, value: Any) -> None:
            if isinstance(value, Source):
                out.append((prefix, value))
            elif isinstance(value, Frozen):
                for name, v in value:
                    walk(f"{prefix}.{name}" if prefix else name, v)
            elif isinstance(value, dict):
                for k, v in value.items():
                    walk(f"{prefix}.{k}", v)
            elif isinstance(value, tuple):
                for i, v in enumerate(value):
                    walk(f"{prefix}[{i}]", v)

        for name in ("rhythm", "indicators", "pc", "revision", "outreach", "complaints"):
            walk(name, getattr(self, name))
        walk("mediator", self.mediator)
        return out


def _validate(rules: SteeringRules, offer: Offer) -> SteeringRules:
    docs = {**offer.documents, **rules.documents}
    gaps = {**offer.interpretations, **rules.interpretations}
    for where, src in rules.sources():
        if src.doc not in docs:
            raise OfferInvalid(f"steering.yaml {where}: unknown document {src.doc!r}")
        if docs[src.doc].seed and src.line is None:
            raise OfferInvalid(f"steering.yaml {where}: a source in a seed text needs its line")
        if src.interpretation and src.interpretation not in gaps:
            raise OfferInvalid(f"steering.yaml {where}: unknown interpretation")
    unknown = {r for c in rules.complaints for r in c.ranges} - set(offer.ranges)
    if unknown:
        raise OfferInvalid(f"steering.yaml: complaint rules for unknown ranges {unknown}")
    missing = set(offer.ranges) - {r for c in rules.complaints for r in c.ranges}
    if missing:
        raise OfferInvalid(f"steering.yaml: no complaint rule for ranges {missing}")
    return rules.model_copy(update={"offer": offer.id, "all_documents": docs})


@functools.cache
def load_steering(offer_id: str) -> SteeringRules:
    """The validated steering rules of an offer folder (``steering.yaml``)."""
    folders = available_offers()
    if offer_id not in folders:
        raise OfferNotFound(f"offre inconnue : {offer_id!r}")
    path = folders[offer_id] / "steering.yaml"
    if not path.is_file():
        raise OfferNotFound(
            f"l'offre {offer_id} n'a pas de fichier steering.yaml (engagements de la convention "
            "envers le comité de pilotage)"
        )
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    try:
        rules = SteeringRules.model_validate(raw)
    except ValidationError as exc:
        raise OfferInvalid(f"{path} invalide :\n{exc}") from exc
    return _validate(rules, load_offer(offer_id))
