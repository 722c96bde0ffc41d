"""The décompte de prestations (pure): a statement of the acts settled for a household.

One section per beneficiary: each act with its date, what was billed, the AMO's part, the
mutual's part, what remains to the member, the reason of the amount and what is left of the
ceiling it consumed; then the payments. Règlement particuliers V-7: « Le montant des
Prestations versées donne lieu à un relevé électronique ».
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mutuelle.documents import Document, Field, KeyValues, Paragraph, Party, Section, Table
from mutuelle.money import format_euros

__all__ = ["DecompteAct", "decompte_document"]

SOURCE = (
    "Règlement mutualiste, art. V-7 (paiement des Prestations, relevé) et V-9 (Prestations "
    "indues) ; les montants suivent le tableau de garanties de votre formule"
)


@dataclass(frozen=True, slots=True)
class DecompteAct:
    date: dt.date
    label: str
    billed_cents: int
    amo_cents: int  # what the AMO paid
    mutuelle_cents: int
    remainder_cents: int
    reason: str
    ceiling_left: str  # "" when the act consumes no ceiling
    revised: bool = False


def decompte_document(
    *,
    adhesion_no: str,
    member: str,
    address: Sequence[str],
    period: tuple[dt.date, dt.date],
    acts: Mapping[str, Sequence[DecompteAct]],
    payments: Sequence[tuple[dt.date, int]],
    undue_cents: int,
    issued_at: dt.datetime,
) -> Document:
    start, end = period
    sections: list[Section] = []
    total_m = 0
    for who, items in acts.items():
        rows = tuple(
            (
                f"{a.date:%d/%m/%Y}",
                a.label + (" (révisé)" if a.revised else ""),
                format_euros(a.billed_cents),
                format_euros(a.amo_cents),
                format_euros(a.mutuelle_cents),
                format_euros(a.remainder_cents),
                a.reason,
                a.ceiling_left or "—",
            )
            for a in items
        )
        total_m += sum(a.mutuelle_cents for a in items)
        sections.append(
            Section(
                who,
                (
                    Table(
                        ("Date", "Acte", "Frais", "AMO", "Mutuelle", "Reste", "Motif", "Plafond"),
                        rows,
                        numeric=(2, 3, 4, 5),
                        widths=(9, 17, 9, 9, 9, 9, 26, 12),
                    ),
                ),
            )
        )
    if not sections:
        sections.append(Section("Actes", (Paragraph.of("Aucun acte réglé pour cette période."),)))
    pay_rows = tuple(Field(f"Virement du {d:%d/%m/%Y}", format_euros(c)) for d, c in payments)
    summary = [Field("Part de la Mutuelle sur la période", format_euros(total_m), strong=True)]
    if undue_cents > 0:
        summary.append(
            Field(
                "Indu à récupérer sur vos prochaines prestations (art. V-9)",
                format_euros(undue_cents),
            )
        )
    sections.append(
        Section(
            "Paiements",
            (KeyValues((*summary, *pay_rows)),)
            if pay_rows
            else (KeyValues(tuple(summary)), Paragraph.of("Pas encore de virement.")),
        )
    )
    return Document(
        title="Décompte de prestations",
        reference=f"{adhesion_no} — {start:%m/%Y}",
        issued_at=issued_at,
        parties=(Party("Destinataire", member, tuple(address)),),
        intro=(
            Paragraph.of(
                f"Soins du {start:%d/%m/%Y} au {end:%d/%m/%Y}. Pour chaque acte : les frais, la "
                "part de l'Assurance Maladie, la part de la Mutuelle, ce qui reste à votre charge "
                "et le motif du montant."
            ),
        ),
        sections=tuple(sections),
        sources=(SOURCE,),
        meta={"adhesion": adhesion_no, "period": f"{start:%Y-%m}"},
    )
