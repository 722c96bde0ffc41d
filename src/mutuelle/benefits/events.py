"""What happened: care events and the beneficiary's cover, and how they are read from JSON.

A claim file (``mutuelle reimburse CARE.json``) names the offer, the range, the formula (and its
changes, which take effect on 1 January, Règlement particuliers I-9-2-2), the cover dates, the
beneficiary, and the care events. Every amount is in integer cents. ``amo_cents`` is what the
Assurance Maladie reimbursed **before** the participation forfaitaire and the franchises are
deducted (they are given apart, and are never reimbursed: contrat responsable, L.871-1 CSS).

Parsing refuses malformed input with a French message naming the field
(:class:`InvalidClaim`); whether an event can be settled is the engine's business.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mutuelle import vocabulary as v
from mutuelle.refusal import InputError

BASKETS = tuple(v.Basket)
LENS_CATEGORIES = tuple(v.LensCategory)
EARS = tuple(v.Ear)
EYES = tuple(v.Eye)
RENEWALS = tuple(v.Renewal)
ESTABLISHMENTS = tuple(v.Establishment)


class InvalidClaim(InputError):
    """Input that cannot be read at all (the command exits with status 2)."""


@dataclass(frozen=True, slots=True)
class CareEvent:
    """One care event to settle. Optional fields default to "not said"."""

    id: str
    date: dt.date  # the fait générateur: care date on the AMO statement, hospitalisation date
    benefit: str  # a benefit code (``mutuelle benefits``)
    billed_cents: int = 0  # frais réels
    br_cents: int = 0  # base de remboursement
    amo_cents: int = 0  # AMO reimbursement before participation forfaitaire and franchises
    participation_forfaitaire_cents: int = 0
    franchise_cents: int = 0
    dptam: bool | None = None  # practitioner in OPTAM / OPTAM-CO
    days: int | None = None  # days of a stay (per-day lines)
    quantity: int = 1  # lenses, implants, devices, children, sessions
    basket: str | None = None  # "100_sante" (classe A / I) or "libre" (classe B / II)
    lens_category: str | None = None  # "simple", "complexe", "tres_complexe"
    ear: str | None = None  # "left" / "right" (hearing aids)
    eye: str | None = None  # "left" / "right" / "both" (refractive surgery)
    renewal: str | None = None  # early renewal reason (optics)
    second_equipment: bool = False  # second optical equipment (progressive lenses intolerance)
    price_limit_cents: int | None = None  # PLV / HLF of the item (100 % Santé)
    distance_km: int | None = None  # place of a thermal cure from home
    enrolled_on: dt.date | None = None  # child's enrolment (birth bonus)
    establishment: str | None = None  # "general", "geriatrie", "medico_social"
    out_of_pathway_penalty_cents: int = 0  # majoration of the TM outside the parcours de soins
    out_of_pathway_overrun_cents: int = 0  # dépassement autorisé (DA) outside the parcours
    label: str | None = None  # free text for the reader (the engine ignores it)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Who is covered, by what, and since when."""

    offer: str | None  # None: the latest offer
    range: str
    formulas: tuple[tuple[dt.date, str], ...]  # (effective date, formula), ascending
    cover_start: dt.date
    cover_end: dt.date | None  # last covered day (inclusive), None: still covered
    birth_date: dt.date
    last_optical_equipment: dt.date | None = None  # before the adhesion (equipment_carry)
    last_hearing_aids: Mapping[str, dt.date] = field(default_factory=dict)

    def formula_on(self, day: dt.date) -> str:
        current = self.formulas[0][1]
        for start, name in self.formulas:
            if start <= day:
                current = name
            else:
                break
        return current


@dataclass(frozen=True, slots=True)
class Claim:
    coverage: Coverage
    events: tuple[CareEvent, ...]


# --- parsing -------------------------------------------------------------------------------

_EVENT_FIELDS = {
    "id",
    "date",
    "benefit",
    "billed_cents",
    "br_cents",
    "amo_cents",
    "participation_forfaitaire_cents",
    "franchise_cents",
    "dptam",
    "days",
    "quantity",
    "basket",
    "lens_category",
    "ear",
    "eye",
    "renewal",
    "second_equipment",
    "price_limit_cents",
    "distance_km",
    "enrolled_on",
    "establishment",
    "out_of_pathway_penalty_cents",
    "out_of_pathway_overrun_cents",
    "label",  # free text, ignored by the engine
}


def _date(value: Any, where: str) -> dt.date:
    if not isinstance(value, str):
        raise InvalidClaim(f"{where} : date attendue au format AAAA-MM-JJ, reçu {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidClaim(f"{where} : date invalide {value!r} (format AAAA-MM-JJ)") from None


def _cents(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidClaim(f"{where} : montant en centimes entier attendu, reçu {value!r}")
    if value < 0:
        raise InvalidClaim(f"{where} : montant négatif {value}")
    return value


def _int(value: Any, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidClaim(f"{where} : nombre entier attendu, reçu {value!r}")
    if value < minimum:
        raise InvalidClaim(f"{where} : doit valoir au moins {minimum}, reçu {value}")
    return value


def _choice(value: Any, where: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidClaim(f"{where} : valeur {value!r} inconnue (valeurs : {', '.join(allowed)})")
    return str(value)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidClaim(f"{where} : true ou false attendu, reçu {value!r}")
    return value


def parse_event(data: Any, index: int) -> CareEvent:
    where = f"events[{index}]"
    if not isinstance(data, dict):
        raise InvalidClaim(f"{where} : objet JSON attendu")
    unknown = set(data) - _EVENT_FIELDS
    if unknown:
        raise InvalidClaim(
            f"{where} : champ(s) inconnu(s) {', '.join(sorted(unknown))} "
            f"(champs possibles : {', '.join(sorted(_EVENT_FIELDS))})"
        )
    for required in ("id", "date", "benefit"):
        if required not in data:
            raise InvalidClaim(f"{where} : champ « {required} » manquant")
    ev_id = data["id"]
    if not isinstance(ev_id, str | int) or isinstance(ev_id, bool) or str(ev_id) == "":
        raise InvalidClaim(f"{where}.id : identifiant texte attendu")
    where = f"événement {ev_id}"
    benefit = data["benefit"]
    if not isinstance(benefit, str) or not benefit:
        raise InvalidClaim(f"{where}.benefit : code de prestation attendu (voir mutuelle benefits)")
    kw: dict[str, Any] = {"id": str(ev_id), "date": _date(data["date"], f"{where}.date")}
    kw["benefit"] = benefit
    for name in (
        "billed_cents",
        "br_cents",
        "amo_cents",
        "participation_forfaitaire_cents",
        "franchise_cents",
        "out_of_pathway_penalty_cents",
        "out_of_pathway_overrun_cents",
    ):
        if name in data:
            kw[name] = _cents(data[name], f"{where}.{name}")
    if "price_limit_cents" in data and data["price_limit_cents"] is not None:
        kw["price_limit_cents"] = _cents(data["price_limit_cents"], f"{where}.price_limit_cents")
    if "dptam" in data and data["dptam"] is not None:
        kw["dptam"] = _bool(data["dptam"], f"{where}.dptam")
    if "second_equipment" in data:
        kw["second_equipment"] = _bool(data["second_equipment"], f"{where}.second_equipment")
    if "days" in data and data["days"] is not None:
        kw["days"] = _int(data["days"], f"{where}.days", 1)
    if "quantity" in data:
        kw["quantity"] = _int(data["quantity"], f"{where}.quantity", 1)
    if "distance_km" in data and data["distance_km"] is not None:
        kw["distance_km"] = _int(data["distance_km"], f"{where}.distance_km", 0)
    for name, allowed in (
        ("basket", BASKETS),
        ("lens_category", LENS_CATEGORIES),
        ("ear", EARS),
        ("eye", EYES),
        ("renewal", RENEWALS),
        ("establishment", ESTABLISHMENTS),
    ):
        if name in data and data[name] is not None:
            kw[name] = _choice(data[name], f"{where}.{name}", allowed)
    if "label" in data and data["label"] is not None:
        if not isinstance(data["label"], str):
            raise InvalidClaim(f"{where}.label : texte attendu")
        kw["label"] = data["label"]
    if "enrolled_on" in data and data["enrolled_on"] is not None:
        kw["enrolled_on"] = _date(data["enrolled_on"], f"{where}.enrolled_on")
    ev = CareEvent(**kw)
    paid_off = ev.participation_forfaitaire_cents + ev.franchise_cents
    if paid_off > ev.amo_cents:
        raise InvalidClaim(
            f"{where} : participation forfaitaire et franchise ({paid_off} c) supérieures au "
            f"remboursement AMO ({ev.amo_cents} c) dont elles sont déduites"
        )
    if ev.amo_cents > ev.billed_cents and ev.billed_cents > 0:
        raise InvalidClaim(
            f"{where} : remboursement AMO ({ev.amo_cents} c) supérieur aux frais "
            f"({ev.billed_cents} c)"
        )
    if ev.br_cents and ev.amo_cents > ev.br_cents:
        raise InvalidClaim(
            f"{where} : remboursement AMO ({ev.amo_cents} c) supérieur à la base de "
            f"remboursement ({ev.br_cents} c)"
        )
    return ev


def parse_claim(data: Any) -> Claim:
    """Read a claim file's JSON; :class:`InvalidClaim` with a French message otherwise."""
    if not isinstance(data, dict):
        raise InvalidClaim("le fichier doit contenir un objet JSON")
    allowed = {
        "offer",
        "range",
        "formula",
        "formula_changes",
        "cover_start",
        "cover_end",
        "beneficiary",
        "events",
    }
    unknown = set(data) - allowed
    if unknown:
        raise InvalidClaim(
            f"champ(s) inconnu(s) : {', '.join(sorted(unknown))} "
            f"(champs possibles : {', '.join(sorted(allowed))})"
        )
    for required in ("range", "formula", "cover_start", "beneficiary", "events"):
        if required not in data:
            raise InvalidClaim(f"champ « {required} » manquant")
    offer = data.get("offer")
    if offer is not None and not isinstance(offer, str):
        raise InvalidClaim("offer : identifiant texte attendu (ex. grenoble-2025)")
    rng = data["range"]
    if not isinstance(rng, str):
        raise InvalidClaim("range : residents, students, agents ou tns")
    formula = data["formula"]
    if not isinstance(formula, str) or not formula:
        raise InvalidClaim("formula : nom de formule attendu (ex. Belledonne)")
    start = _date(data["cover_start"], "cover_start")
    end = _date(data["cover_end"], "cover_end") if data.get("cover_end") is not None else None
    if end is not None and end < start:
        raise InvalidClaim("cover_end : antérieure à cover_start")
    formulas: list[tuple[dt.date, str]] = [(start, formula)]
    changes = data.get("formula_changes") or []
    if not isinstance(changes, list):
        raise InvalidClaim("formula_changes : liste attendue")
    for i, ch in enumerate(changes):
        where = f"formula_changes[{i}]"
        if not isinstance(ch, dict) or set(ch) != {"date", "formula"}:
            raise InvalidClaim(f'{where} : objet {{"date": …, "formula": …}} attendu')
        day = _date(ch["date"], f"{where}.date")
        if not isinstance(ch["formula"], str):
            raise InvalidClaim(f"{where}.formula : nom de formule attendu")
        if day <= formulas[-1][0]:
            raise InvalidClaim(
                f"{where} : les changements doivent suivre cover_start, dans l'ordre"
            )
        formulas.append((day, ch["formula"]))
    ben = data["beneficiary"]
    if not isinstance(ben, dict) or "birth_date" not in ben:
        raise InvalidClaim('beneficiary : objet {"birth_date": "AAAA-MM-JJ"} attendu')
    unknown_b = set(ben) - {"birth_date", "name", "last_optical_equipment", "last_hearing_aids"}
    if unknown_b:
        raise InvalidClaim(f"beneficiary : champ(s) inconnu(s) {', '.join(sorted(unknown_b))}")
    birth = _date(ben["birth_date"], "beneficiary.birth_date")
    last_opt = (
        _date(ben["last_optical_equipment"], "beneficiary.last_optical_equipment")
        if ben.get("last_optical_equipment")
        else None
    )
    hearing: dict[str, dt.date] = {}
    raw_h = ben.get("last_hearing_aids") or {}
    if not isinstance(raw_h, dict):
        raise InvalidClaim('beneficiary.last_hearing_aids : objet {"left": date, "right": date}')
    for ear, day in raw_h.items():
        _choice(ear, "beneficiary.last_hearing_aids", EARS)
        hearing[ear] = _date(day, f"beneficiary.last_hearing_aids.{ear}")
    events_raw = data["events"]
    if not isinstance(events_raw, list):
        raise InvalidClaim("events : liste d'événements attendue")
    events = tuple(parse_event(e, i) for i, e in enumerate(events_raw))
    dup = {i for i, n in Counter(e.id for e in events).items() if n > 1}
    if dup:
        raise InvalidClaim(f"identifiants d'événements en double : {', '.join(sorted(dup))}")
    coverage = Coverage(
        offer=offer,
        range=rng,
        formulas=tuple(formulas),
        cover_start=start,
        cover_end=end,
        birth_date=birth,
        last_optical_equipment=last_opt,
        last_hearing_aids=hearing,
    )
    return Claim(coverage=coverage, events=events)
