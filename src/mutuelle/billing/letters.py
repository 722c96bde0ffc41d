"""The billing documents as :class:`mutuelle.documents.Document` values (pure): the call and
its schedule (avis d'échéance, Règlement particuliers III-2-1), the formal notice (mise en
demeure, III-2-3 and Code de la mutualité L.221-7) and the yearly payment certificate. The
shell renders them through the documents app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from mutuelle.documents import Document
from mutuelle.documents.model import Field, KeyValues, Paragraph, Party, Section, Table, Text
from mutuelle.explain import Step
from mutuelle.membership.bulletin import LEGAL, MUTUAL, MUTUAL_ADDRESS, TOWN
from mutuelle.membership.common import fr
from mutuelle.membership.unpaid import UnpaidTimeline
from mutuelle.money import format_euros


@dataclass(frozen=True, slots=True)
class Addressee:
    number: str
    name: str
    address: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Line:
    """One instalment as printed: its period, due date and amounts."""

    start: dt.date
    end: dt.date
    due_on: dt.date
    ttc_cents: int
    net_cents: int
    tsa_cents: int
    lfss_cents: int


def _parties(to: Addressee) -> tuple[Party, ...]:
    return (
        Party("Expéditeur", MUTUAL, (MUTUAL_ADDRESS,)),
        Party("Destinataire", to.name, to.address),
    )


def _sources(steps: Sequence[Step]) -> tuple[str, ...]:
    seen: list[str] = []
    for s in steps:
        if s.source not in seen:
            seen.append(s.source)
    return tuple(seen)


def call_document(
    to: Addressee,
    year: int,
    mode: str,
    lines: Sequence[Line],
    steps: Sequence[Step],
    issued_at: dt.datetime,
) -> Document:
    total = sum(line.ttc_cents for line in lines)
    lfss = any(line.lfss_cents for line in lines)
    columns: tuple[str, ...] = (
        "Période",
        "Échéance",
        "Cotisation TTC",
        "dont hors taxes",
        "dont TSA",
    )
    if lfss:
        columns += ("dont LFSS 2026",)
    rows = tuple(
        (
            f"du {fr(line.start)} au {fr(line.end)}",
            fr(line.due_on),
            format_euros(line.ttc_cents),
            format_euros(line.net_cents),
            format_euros(line.tsa_cents),
            *((format_euros(line.lfss_cents),) if lfss else ()),
        )
        for line in lines
    )
    return Document(
        title=f"Appel de cotisation {year} et échéancier",
        reference=f"Adhésion {to.number} — appel {year}",
        issued_at=issued_at,
        brands=(MUTUAL, TOWN),
        parties=_parties(to),
        intro=(
            Paragraph.of(
                f"Votre cotisation {year} s'élève à ",
                Text(format_euros(total), strong=True),
                " toutes taxes comprises. Elle est annuelle et due pour l'année entière ; le "
                "fractionnement est une facilité de paiement. La non-réception de cet appel "
                "ne dispense pas de cotiser.",
            ),
            Paragraph.of(f"Mode de paiement : {mode}."),
        ),
        sections=(
            Section(
                "Échéancier",
                (Table(columns, rows, numeric=tuple(range(2, len(columns)))),),
            ),
        ),
        sources=_sources(steps),
        footer=(LEGAL,),
        meta={"adhesion": to.number, "year": str(year)},
    )


def notice_document(
    to: Addressee,
    owed_cents: int,
    due_on: dt.date,
    timeline: UnpaidTimeline,
    sent_on: dt.date,
    issued_at: dt.datetime,
) -> Document:
    assert timeline.suspended_from is not None and timeline.terminable_from is not None
    return Document(
        title="Mise en demeure — cotisations impayées",
        reference=f"Adhésion {to.number} — mise en demeure du {fr(sent_on)}",
        issued_at=issued_at,
        brands=(MUTUAL, TOWN),
        parties=_parties(to),
        intro=(
            Paragraph.of(
                f"Sauf erreur de notre part, la cotisation échue le {fr(due_on)} n'a pas été "
                "payée dans les dix jours de son échéance. Le montant échu non réglé à ce jour "
                "est de ",
                Text(format_euros(owed_cents), strong=True),
                ".",
            ),
            Paragraph.of(
                "Conformément à l'article L.221-7 du Code de la mutualité et au règlement "
                "mutualiste (défaut de paiement), à défaut de paiement, ",
                Text(
                    f"vos garanties seront suspendues le {fr(timeline.suspended_from)}", strong=True
                ),
                f", trente jours après la présente mise en demeure, et la Mutuelle pourra "
                f"résilier votre adhésion à partir du {fr(timeline.terminable_from)}, dix jours "
                "après la suspension.",
                style="box",
            ),
            Paragraph.of(
                "Le paiement de la cotisation arriérée (et des échéances venues pendant la "
                "suspension) remet vos garanties en vigueur à midi le lendemain du paiement."
            ),
        ),
        sections=(
            Section(
                "Dates",
                (
                    KeyValues(
                        (
                            Field("Échéance impayée", fr(due_on)),
                            Field("Mise en demeure envoyée le", fr(sent_on)),
                            Field("Suspension des garanties", fr(timeline.suspended_from)),
                            Field("Résiliation possible à partir du", fr(timeline.terminable_from)),
                        )
                    ),
                ),
            ),
        ),
        sources=_sources(timeline.steps),
        footer=(LEGAL,),
        meta={"adhesion": to.number, "due_on": due_on.isoformat()},
    )


def attestation_document(
    to: Addressee,
    year: int,
    payments: Sequence[tuple[dt.date, str, int]],
    called_cents: int,
    issued_at: dt.datetime,
    source: str,
) -> Document:
    paid = sum(c for _, _, c in payments)
    return Document(
        title=f"Attestation de paiement des cotisations {year}",
        reference=f"Adhésion {to.number} — attestation {year}",
        issued_at=issued_at,
        brands=(MUTUAL, TOWN),
        parties=_parties(to),
        intro=(
            Paragraph.of(
                f"La {MUTUAL} atteste que le membre participant {to.name} (adhésion "
                f"{to.number}) a payé au titre de l'année {year} des cotisations de complémentaire "
                "santé pour un montant de ",
                Text(format_euros(paid), strong=True),
                f" (cotisations appelées pour {year} : {format_euros(called_cents)}).",
            ),
        ),
        sections=(
            Section(
                "Paiements reçus",
                (
                    Table(
                        ("Date", "Paiement", "Montant"),
                        tuple((fr(d), what, format_euros(c)) for d, what, c in payments),
                        numeric=(2,),
                    ),
                ),
            ),
        ),
        sources=(source,),
        footer=(LEGAL,),
        meta={"adhesion": to.number, "year": str(year)},
    )
