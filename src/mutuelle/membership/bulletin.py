"""The summary of an online adhesion request as a document: the content of the bulletin
d'adhésion (Règlement particuliers I-3-2: identity, insured persons, formula, contribution and
payment, effective date and conditions), built from plain facts for the one renderer of
:mod:`mutuelle.web.documents`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mutuelle.documents import (
    Document,
    Field,
    KeyValues,
    Paragraph,
    Section,
    Table,
    Text,
)
from mutuelle.masking import mask_iban
from mutuelle.membership.common import fr
from mutuelle.money import format_euros

MUTUAL = "Mutuelle Entrenous"
TOWN = "Ville de Grenoble"
MUTUAL_ADDRESS = "Mutuelle Entrenous, 27 allée Albert Sylvestre, 73000 Chambéry"
LEGAL = (
    "Mutuelle Entrenous — mutuelle soumise aux dispositions du Livre II du Code de la "
    "mutualité, SIREN 309 244 648, 27 allée Albert Sylvestre, 73000 Chambéry — "
    "contact@mutuelle-entrenous.fr — Délégué à la protection des données : "
    "dpo@mutuelle-entrenous.fr. Offre « Mutuelle communale – Ville de Grenoble » (convention du "
    "3 février 2025) : la Ville de Grenoble n'est ni assureur, ni distributeur, et n'a pas accès "
    "à ces données."
)


@dataclass(frozen=True)
class Insured:
    role: str  # « Conjoint », « Enfant »…
    first_name: str
    last_name: str
    birth_date: dt.date
    proof: str = ""  # the 21–27 justification, in words
    disabled: bool = False
    dependant_until: dt.date | None = None


@dataclass(frozen=True)
class Justificatif:
    label: str
    who: str
    received: bool


@dataclass(frozen=True)
class RequestFacts:
    number: str
    last_name: str
    first_name: str
    birth_date: dt.date
    address: str
    postcode: str
    city: str
    email: str
    phone: str
    range_label: str
    insured: tuple[Insured, ...]
    formula: str
    monthly_cents: int | None
    payment_mode: str
    payment_frequency: str
    iban: str
    account_holder: str
    wished_start: dt.date | None
    start: dt.date
    previous_cover_ends: dt.date | None
    renunciation: str  # the rule of the renunciation window, in words
    effective_source: str
    justificatifs: tuple[Justificatif, ...]
    consent_at: dt.datetime | None
    issued_at: dt.datetime
    private_link: str = ""  # the request's private address (public site, issue 9), if known


def request_summary(f: RequestFacts) -> Document:
    member = f"{f.first_name} {f.last_name.upper()}"
    insured = [Field("Membre participant", f"{member}, né-e le {fr(f.birth_date)}")]
    for p in f.insured:
        text = f"{p.first_name} {p.last_name.upper()}, né-e le {fr(p.birth_date)}"
        if p.proof:
            text += f" — {p.proof.lower()}"
        if p.disabled:
            text += " — invalidité survenue avant 18 ans"
        if p.dependant_until:
            text += f" ; ayant droit jusqu'au {fr(p.dependant_until)}"
        insured.append(Field(p.role, text))
    if not f.insured:
        insured.append(Field("Ayants droit", "aucun"))
    monthly = "—" if f.monthly_cents is None else format_euros(f.monthly_cents)
    start = [
        Text("Date d'effet souhaitée : "),
        Text(fr(f.wished_start) if f.wished_start else "—", strong=True),
        Text(". Date d'effet prévue : "),
        Text(fr(f.start), strong=True),
    ]
    if f.previous_cover_ends:
        start.append(
            Text(f" (lendemain de la fin de votre contrat actuel, le {fr(f.previous_cover_ends)})")
        )
    start.append(Text("."))
    consent = (
        f"Le {f.consent_at:%d/%m/%Y à %H:%M}, le membre participant"
        if f.consent_at
        else "Le membre participant"
    )
    return Document(
        title=f"Demande d'adhésion n° {f.number} — récapitulatif",
        reference=f"Demande {f.number}",
        issued_at=f.issued_at,
        brands=(MUTUAL, TOWN),
        intro=(
            Paragraph.of(
                "Mutuelle communale de Grenoble : offre de la ",
                Text(MUTUAL, strong=True),
                " en partenariat avec la Ville de Grenoble. Contenu du bulletin d'adhésion "
                "(Règlement mutualiste, art. I-3-2). ",
                Text("Ce document n'est pas une attestation d'adhésion", strong=True),
                " : la Mutuelle étudie la demande, puis vous adresse le bulletin à signer et la "
                "confirmation.",
            ),
        ),
        sections=(
            Section(
                "Le membre participant (souscripteur)",
                (
                    KeyValues(
                        (
                            Field("Nom, prénom", f"{f.last_name.upper()} {f.first_name}"),
                            Field("Date de naissance", fr(f.birth_date)),
                            Field("Adresse", f"{f.address}, {f.postcode} {f.city}"),
                            Field("Contact", f"{f.email or '—'} · {f.phone or '—'}"),
                            Field("Gamme", f.range_label),
                        )
                    ),
                ),
            ),
            Section("Les personnes assurées", (KeyValues(tuple(insured)),)),
            Section(
                "La formule et la cotisation",
                (
                    KeyValues(
                        (
                            Field("Formule de garanties", f.formula, strong=True),
                            Field(
                                "Cotisation mensuelle du foyer",
                                f"{monthly} (toutes taxes comprises, tarifs 2025 de l'offre "
                                "négociée)",
                            ),
                            Field(
                                "Mode de paiement",
                                f"{f.payment_mode}, {f.payment_frequency.lower()}",
                            ),
                            Field(
                                "Compte (IBAN vérifié)",
                                f"{mask_iban(f.iban)} — titulaire : {f.account_holder}",
                            ),
                        )
                    ),
                ),
            ),
            Section(
                "La date d'effet et les conditions d'entrée en vigueur",
                (
                    Paragraph(tuple(start), style="box"),
                    Paragraph.of(
                        "L'adhésion prend effet à la date figurant sur le bulletin si le "
                        "bulletin signé, toutes les pièces justificatives et la première "
                        "cotisation parviennent à la Mutuelle au plus tard 15 jours après cette "
                        "date ; à défaut, le 1er jour du mois suivant leur réception. Aucun délai "
                        "d'attente. Renouvellement par tacite reconduction au 1er janvier.",
                        style="box",
                    ),
                    Paragraph.of(f"Source : {f.effective_source}.", style="small"),
                    Paragraph.of(
                        Text("Renonciation", strong=True),
                        f" (vente à distance) : {f.renunciation} Par simple lettre à "
                        f"{MUTUAL_ADDRESS}, par exemple : « Je soussigné(e) [nom, prénom, "
                        "adresse, n° adhérent] déclare renoncer à mon adhésion au contrat "
                        "[référence], souscrit le [date] à [lieu]. Date et signature. »",
                    ),
                ),
            ),
            *(
                (
                    Section(
                        "Votre lien privé",
                        (
                            Paragraph.of(
                                "Pour retrouver votre demande et envoyer vos justificatifs "
                                "depuis un autre appareil, tant qu'elle est à l'étude : ",
                                Text(f.private_link, strong=True),
                                " — gardez-le pour vous, il ouvre votre demande sans mot de passe.",
                            ),
                        ),
                    ),
                )
                if f.private_link
                else ()
            ),
            Section(
                "Les pièces justificatives",
                (
                    Table(
                        columns=("Pièce", "Pour", "Reçue en ligne"),
                        rows=tuple(
                            (j.label, j.who, "oui" if j.received else "à fournir")
                            for j in f.justificatifs
                        ),
                        widths=(55, 28, 17),
                    ),
                ),
            ),
            Section(
                "Déclarations",
                (
                    Paragraph.of(
                        f"{consent} a certifié l'exactitude de ces informations (Règlement "
                        "mutualiste, art. I-3-3 : une fausse déclaration intentionnelle peut "
                        "entraîner la nullité de l'adhésion), a pris connaissance que le règlement"
                        " mutualiste et le tableau des garanties font foi, et a accepté que la "
                        "Mutuelle Entrenous traite ces données pour étudier la demande et gérer "
                        "l'adhésion. Aucune question de santé n'a été posée."
                    ),
                ),
            ),
        ),
        sources=(f.effective_source,),
        footer=(LEGAL,),
        meta={"adhesion": f.number},
    )
