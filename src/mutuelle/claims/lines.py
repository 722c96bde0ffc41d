"""Claim lines: one act per line, read from CSV (``;``) or JSON Lines (docs/claims-format.md).

:func:`parse_record` reads one record (a CSV row's strings, or a JSON object) into a typed
:class:`ClaimLine`, or a :class:`Rejection` naming the field and the reason — never an
exception. :func:`read_records` streams a file's text lines (memory bounded: one line at a
time) into ``(line_no, record)`` pairs; :func:`to_event` maps a line to the engine's
:class:`~mutuelle.benefits.CareEvent` through the act-code table (:mod:`mutuelle.claims.acts`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from mutuelle.benefits.events import CareEvent, InvalidClaim, parse_event
from mutuelle.claims.acts import ActTable, UnknownAct
from mutuelle.refusal import Code

__all__ = [
    "FIELDS",
    "SOURCES",
    "ClaimLine",
    "Rejection",
    "parse_record",
    "read_records",
    "to_event",
]

SOURCES = ("amo", "tp_invoice", "member_invoice", "manual")
PAYEES = ("member", "professional")

# name → type: "str", "int" (integer, cents where the name ends in _cents), "bool", "date"
FIELDS: dict[str, str] = {
    "line_id": "str",
    "source": "str",
    "emitter": "str",
    "adhesion_no": "str",
    "beneficiary_birth_date": "date",
    "beneficiary_rank": "int",
    "care_date": "date",
    "billed_cents": "int",
    "br_cents": "int",
    "amo_cents": "int",
    "act_code": "str",
    "benefit": "str",
    "decompte_id": "str",
    "reverses_line_id": "str",
    "care_end": "date",
    "quantity": "int",
    "coefficient": "str",
    "amo_rate_bp": "int",
    "pf_cents": "int",
    "franchise_cents": "int",
    "dptam": "bool",
    "out_of_pathway": "bool",
    "practitioner_id": "str",
    "payee": "str",
    "professional_iban": "str",
    "prescription_date": "date",
    # the event fields the engine knows (mutuelle.benefits.events)
    "basket": "str",
    "lens_category": "str",
    "eye": "str",
    "ear": "str",
    "renewal": "str",
    "second_equipment": "bool",
    "price_limit_cents": "int",
    "distance_km": "int",
    "enrolled_on": "date",
    "days": "int",
    "establishment": "str",
    "out_of_pathway_penalty_cents": "int",
    "out_of_pathway_overrun_cents": "int",
    "label": "str",
}
IDENTITY = ("line_id", "source", "emitter", "adhesion_no")
BENEFICIARY = ("beneficiary_birth_date", "beneficiary_rank")
CARE = ("care_date", "billed_cents", "br_cents", "amo_cents")
EVENT_EXTRAS = (
    "basket",
    "lens_category",
    "eye",
    "ear",
    "renewal",
    "second_equipment",
    "price_limit_cents",
    "distance_km",
    "enrolled_on",
    "days",
    "establishment",
    "out_of_pathway_penalty_cents",
    "out_of_pathway_overrun_cents",
    "label",
)
_OWN = tuple(name for name in FIELDS if name not in EVENT_EXTRAS)
assert FIELDS.keys() - set(_OWN) == set(EVENT_EXTRAS) and list(FIELDS)[len(_OWN) :] == list(
    EVENT_EXTRAS
)
_TRUE = {"true", "1", "oui", "vrai", "yes"}
_FALSE = {"false", "0", "non", "faux", "no"}


@dataclass(frozen=True, slots=True)
class Rejection:
    """A line that cannot be settled as received: where, which field, why (French)."""

    line_no: int
    line_id: str
    field: str
    reason: str
    code: Code = Code.INPUT
    source: str = ""
    raw: Mapping[str, Any] = dc_field(default_factory=dict)

    def to_row(self) -> dict[str, str]:
        return {
            "line_no": str(self.line_no),
            "line_id": self.line_id,
            "field": self.field,
            "reason": self.reason,
            "code": self.code.value,
        }


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One act of a claim file, typed. ``reverses_line_id`` set: a cancellation."""

    line_no: int
    line_id: str
    source: str
    emitter: str
    adhesion_no: str
    beneficiary_birth_date: dt.date
    beneficiary_rank: int
    care_date: dt.date | None
    billed_cents: int
    br_cents: int
    amo_cents: int
    act_code: str | None = None
    benefit: str | None = None
    decompte_id: str | None = None
    reverses_line_id: str | None = None
    care_end: dt.date | None = None
    quantity: int = 1
    coefficient: str | None = None
    amo_rate_bp: int | None = None
    pf_cents: int = 0
    franchise_cents: int = 0
    dptam: bool | None = None
    out_of_pathway: bool | None = None
    practitioner_id: str | None = None
    payee: str = "member"
    professional_iban: str | None = None
    prescription_date: dt.date | None = None
    extras: Mapping[str, Any] = dc_field(default_factory=dict)  # EVENT_EXTRAS given

    @property
    def uid(self) -> str:
        """The idempotency key: ``source/emitter/line_id``."""
        return f"{self.source}/{self.emitter}/{self.line_id}"

    @property
    def reverses_uid(self) -> str | None:
        if self.reverses_line_id is None:
            return None
        return f"{self.source}/{self.emitter}/{self.reverses_line_id}"

    @property
    def is_cancellation(self) -> bool:
        return self.reverses_line_id is not None

    def to_record(self) -> dict[str, Any]:
        """The line as a JSON object of the format (what a fixed line is resubmitted as)."""
        out: dict[str, Any] = {}
        for name in _OWN:  # (FIELDS' order: its own fields, then the event's extras)
            value = getattr(self, name)
            if value is not None:
                out[name] = value.isoformat() if isinstance(value, dt.date) else value
        extras = self.extras
        for name in EVENT_EXTRAS if extras else ():
            value = extras.get(name)
            if value is not None:
                out[name] = value.isoformat() if isinstance(value, dt.date) else value
        return out


class _Bad(Exception):
    def __init__(self, name: str, reason: str, code: Code = Code.INPUT) -> None:
        super().__init__(reason)
        self.name = name
        self.reason = reason
        self.code = code


def _convert(name: str, value: Any, text: bool) -> Any:
    kind = FIELDS[name]
    if text and isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    if value is None:
        return None
    if kind == "str":
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _Bad(name, f"« {name} » : texte attendu, reçu {value!r}")
        return str(value)
    if kind == "int":
        if text and isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                raise _Bad(name, f"« {name} » : nombre entier attendu, reçu {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(name, f"« {name} » : nombre entier attendu, reçu {value!r}")
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if text and isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise _Bad(name, f"« {name} » : true ou false attendu, reçu {value!r}")
    # date
    if not isinstance(value, str):
        raise _Bad(name, f"« {name} » : date AAAA-MM-JJ attendue, reçu {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _Bad(name, f"« {name} » : date invalide {value!r} (format AAAA-MM-JJ)") from None


def parse_record(
    record: Mapping[str, Any], line_no: int, *, text: bool = False
) -> ClaimLine | Rejection:
    """One record → a :class:`ClaimLine`, or the :class:`Rejection` of its first fault.

    ``text``: the values are a CSV row's strings (an empty cell is an absent field)."""
    raw = dict(record)
    line_id = str(raw.get("line_id") or "").strip()
    try:
        return _parse(raw, line_no, line_id, text)
    except _Bad as bad:
        return Rejection(line_no, line_id, bad.name, bad.reason, bad.code, raw=raw)


def _parse(raw: dict[str, Any], line_no: int, line_id: str, text: bool) -> ClaimLine:
    unknown = sorted(k for k in raw if k not in FIELDS and k is not None)
    if None in raw:  # csv.DictReader puts the cells beyond the header under None
        raise _Bad("", "plus de cellules que de colonnes d'en-tête")
    if unknown:
        raise _Bad(
            unknown[0], f"champ(s) inconnu(s) : {', '.join(unknown)} (docs/claims-format.md)"
        )
    v = {name: _convert(name, value, text) for name, value in raw.items()}
    cancellation = v.get("reverses_line_id") is not None
    required = IDENTITY + BENEFICIARY + (() if cancellation else CARE)
    for name in required:
        if v.get(name) is None:
            raise _Bad(name, f"champ obligatoire « {name} » manquant")
    if v["source"] not in SOURCES:
        raise _Bad(
            "source", f"« source » : {v['source']!r} inconnue (valeurs : {', '.join(SOURCES)})"
        )
    if v["beneficiary_rank"] < 1:
        raise _Bad(
            "beneficiary_rank", "« beneficiary_rank » : 1 (adhérent), 2 (conjoint), 3… (enfants)"
        )
    if not cancellation and v.get("act_code") is None and v.get("benefit") is None:
        raise _Bad("act_code", "indiquer « act_code » (code de l'Assurance Maladie) ou « benefit »")
    for name in ("billed_cents", "br_cents", "amo_cents", "pf_cents", "franchise_cents"):
        if (v.get(name) or 0) < 0:
            raise _Bad(
                name,
                f"« {name} » : montant négatif ({v[name]}) ; une annulation se fait par "
                "« reverses_line_id »",
            )
    payee = v.get("payee") or "member"
    if payee not in PAYEES:
        raise _Bad("payee", f"« payee » : member ou professional, reçu {payee!r}")
    if payee == "professional" and not v.get("practitioner_id"):
        raise _Bad(
            "practitioner_id", "tiers payant (payee = professional) : « practitioner_id » manquant"
        )
    if v.get("quantity") is not None and v["quantity"] < 1:
        raise _Bad("quantity", "« quantity » : au moins 1")
    if v.get("care_end") and v.get("care_date") and v["care_end"] < v["care_date"]:
        raise _Bad("care_end", "« care_end » antérieure à « care_date »")
    if v.get("reverses_line_id") == v["line_id"]:
        raise _Bad("reverses_line_id", "une ligne ne peut pas s'annuler elle-même")
    extras = {k: v[k] for k in EVENT_EXTRAS if v.get(k) is not None}
    return ClaimLine(
        line_no=line_no,
        line_id=v["line_id"],
        source=v["source"],
        emitter=v["emitter"],
        adhesion_no=v["adhesion_no"],
        beneficiary_birth_date=v["beneficiary_birth_date"],
        beneficiary_rank=v["beneficiary_rank"],
        care_date=v.get("care_date"),
        billed_cents=v.get("billed_cents") or 0,
        br_cents=v.get("br_cents") or 0,
        amo_cents=v.get("amo_cents") or 0,
        act_code=v.get("act_code"),
        benefit=v.get("benefit"),
        decompte_id=v.get("decompte_id"),
        reverses_line_id=v.get("reverses_line_id"),
        care_end=v.get("care_end"),
        quantity=v.get("quantity") or 1,
        coefficient=v.get("coefficient"),
        amo_rate_bp=v.get("amo_rate_bp"),
        pf_cents=v.get("pf_cents") or 0,
        franchise_cents=v.get("franchise_cents") or 0,
        dptam=v.get("dptam"),
        out_of_pathway=v.get("out_of_pathway"),
        practitioner_id=v.get("practitioner_id"),
        payee=payee,
        professional_iban=v.get("professional_iban"),
        prescription_date=v.get("prescription_date"),
        extras=extras,
    )


def read_records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | Rejection, bool]]:
    """A file's text lines → ``(line_no, record or Rejection, text)``, one at a time.

    The format is told by the first non-blank line: ``{`` JSON Lines, else CSV with a header
    row (``;``). ``line_no`` is the file's line (the header is line 1)."""
    it = iter(lines)
    first = ""
    n = 0
    for first in it:
        n += 1
        if first.strip():
            break
    else:
        return
    if first.lstrip("\ufeff").lstrip().startswith("{"):
        yield from _jsonl(first.lstrip("\ufeff"), n, it)
        return
    try:
        header = [h.strip() for h in _cells(first.lstrip("\ufeff"))]
    except csv.Error as exc:
        yield n, Rejection(n, "", "", f"en-tête CSV illisible : {exc}"), True
        return
    id_col = header.index("line_id") if "line_id" in header else None
    for line in it:
        n += 1
        if not line.strip():
            continue
        try:
            cells = _cells(line)
        except csv.Error as exc:
            yield n, Rejection(n, "", "", f"ligne CSV illisible : {exc}", raw={"_line": line}), True
            continue
        if len(cells) != len(header):
            line_id = cells[id_col] if id_col is not None and id_col < len(cells) else ""
            reason = f"{len(cells)} cellule(s) pour {len(header)} colonne(s) d'en-tête"
            yield n, Rejection(n, line_id, "", reason, raw={"_line": line.rstrip("\r\n")}), True
            continue
        yield n, dict(zip(header, cells, strict=True)), True


def _cells(line: str) -> list[str]:
    return next(csv.reader([line.rstrip("\r\n")], delimiter=";"), [])


def _jsonl(
    first: str, n: int, it: Iterator[str]
) -> Iterator[tuple[int, dict[str, Any] | Rejection, bool]]:
    def one(text: str, no: int) -> tuple[int, dict[str, Any] | Rejection, bool]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return (
                no,
                Rejection(
                    no,
                    "",
                    "",
                    f"JSON illisible : {exc.msg} (colonne {exc.colno})",
                    raw={"_line": text.rstrip()},
                ),
                False,
            )
        if not isinstance(data, dict):
            return (
                no,
                Rejection(no, "", "", "objet JSON attendu", raw={"_line": text.rstrip()}),
                False,
            )
        return no, data, False

    yield one(first, n)
    for line in it:
        n += 1
        if line.strip():
            yield one(line, n)


def to_event(line: ClaimLine, acts: ActTable) -> CareEvent | Rejection:
    """The engine's event of a (non-cancellation) line, or the rejection of its act code or
    of the event fields the engine refuses to read."""
    assert line.care_date is not None
    act_basket: str | None = None
    if line.benefit is not None:
        benefit = line.benefit
    else:
        assert line.act_code is not None
        try:
            act = acts.benefit_of(line.act_code)
        except UnknownAct as exc:
            return Rejection(
                line.line_no,
                line.line_id,
                "act_code",
                exc.message,
                Code.UNKNOWN_BENEFIT,
                exc.source,
                raw=line.to_record(),
            )
        assert act.benefit is not None
        benefit = act.benefit
        act_basket = act.basket
    data: dict[str, Any] = {
        "id": line.uid,
        "date": line.care_date.isoformat(),
        "benefit": benefit,
        "billed_cents": line.billed_cents,
        "br_cents": line.br_cents,
        "amo_cents": line.amo_cents,
        "participation_forfaitaire_cents": line.pf_cents,
        "franchise_cents": line.franchise_cents,
        "quantity": line.quantity,
    }
    if line.dptam is not None:
        data["dptam"] = line.dptam
    for name, value in line.extras.items():
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    if act_basket is not None and "basket" not in data:
        data["basket"] = act_basket
    try:
        return parse_event(data, line.line_no)
    except InvalidClaim as exc:
        message = exc.message.replace(f"événement {line.uid}", f"ligne {line.line_id}")
        name = next((f for f in FIELDS if f"{line.uid}.{f}" in exc.message), "")
        return Rejection(
            line.line_no, line.line_id, name, message, Code.INPUT, raw=line.to_record()
        )
