"""Load an offer folder once, validate it, and keep it immutable.

An offer is ``offers/data/<offer-id>/``: ``offer.yaml`` plus ``tariffs/*.yaml`` and
``guarantees/*.yaml`` (the guarantee tables, and ``rules.yaml`` for the règlements' settlement
rules). ``MUTUELLE_OFFERS_PATH`` may name extra folders (``:``-separated) holding offer folders,
so a new town or a new year is a new folder of data, not new code.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mutuelle import yamlio
from mutuelle.offers.guarantees import GuaranteeTable, RuleBook
from mutuelle.offers.model import Offer, TariffGrid


class OfferNotFound(LookupError):
    pass


class OfferInvalid(ValueError):
    pass


def _roots() -> list[Path]:
    roots = [Path(str(resources.files("mutuelle.offers") / "data"))]
    extra = os.environ.get("MUTUELLE_OFFERS_PATH", "")
    roots.extend(Path(p) for p in extra.split(os.pathsep) if p)
    return roots


def available_offers() -> dict[str, Path]:
    """Offer id → folder, for every folder that holds an ``offer.yaml``."""
    found: dict[str, Path] = {}
    for root in _roots():
        if not root.is_dir():
            continue
        for child in sorted(root.iterdir()):
            if (child / "offer.yaml").is_file():
                found[child.name] = child
    return found


def _read_yaml(path: Path) -> Any:
    return yamlio.load_path(path)


@functools.cache
def load_offer(offer_id: str) -> Offer:
    """The validated offer ``offer_id``; raises :class:`OfferNotFound` or :class:`OfferInvalid`."""
    folders = available_offers()
    if offer_id not in folders:
        known = ", ".join(sorted(folders)) or "aucune"
        raise OfferNotFound(f"offre inconnue : {offer_id!r} (offres disponibles : {known})")
    folder = folders[offer_id]
    try:
        raw = _read_yaml(folder / "offer.yaml")
        grids: dict[str, Any] = {}
        for path in sorted((folder / "tariffs").glob("*.yaml")):
            grid = TariffGrid.model_validate(_read_yaml(path))
            if grid.id in grids:
                raise OfferInvalid(f"{path}: duplicate grid id {grid.id!r}")
            grids[grid.id] = grid
        raw["grids"] = grids
        tables: dict[str, Any] = {}
        for path in sorted((folder / "guarantees").glob("*.yaml")):
            if path.name == "rules.yaml":
                raw["rulebook"] = RuleBook.model_validate(_read_yaml(path))
                continue
            table = GuaranteeTable.model_validate(_read_yaml(path))
            if table.id in tables:
                raise OfferInvalid(f"{path}: duplicate guarantee table id {table.id!r}")
            tables[table.id] = table
        raw["guarantees"] = tables
        offer = Offer.model_validate(raw)
    except ValidationError as exc:
        raise OfferInvalid(f"offre {offer_id!r} invalide :\n{exc}") from exc
    if offer.id != offer_id:
        raise OfferInvalid(f"{folder}/offer.yaml declares id {offer.id!r}")
    return offer


def latest_offer_id(on: dt.date | None = None) -> str:
    """The offer in force on ``on`` (today by default): the greatest ``valid_from`` not after
    that day. An offer folder that starts later (next year's grids, written by ``mutuelle
    revise`` after the committee's decision) is not yet the default: it prices only when named
    or once its day has come (docs/interpretations.md I-270). An offer whose ``valid_to`` has
    passed stays the default until a later one starts (2026 contributions are those of 2025:
    LFSS 2026 art. 13)."""
    folders = available_offers()
    if not folders:
        raise OfferNotFound("aucune offre installée")
    day = on or dt.date.today()
    starts = {oid: load_offer(oid).valid_from for oid in folders}
    in_force = [oid for oid, start in starts.items() if start <= day]
    if not in_force:
        first = min(starts, key=lambda oid: (starts[oid], oid))
        raise OfferNotFound(
            f"aucune offre en vigueur le {day.strftime('%d/%m/%Y')} : la première, {first!r}, "
            f"commence le {starts[first].strftime('%d/%m/%Y')}"
        )
    return max(in_force, key=lambda oid: (starts[oid], oid))
