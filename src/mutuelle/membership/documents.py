"""The justificatifs an adhesion needs, per person, and what is still missing.

Règlement particuliers and agents I-3-2 (« Elle joint au Bulletin d'adhésion les pièces
justificatives suivantes »), agents I-2 (certificate of non-surcharge), TNS art. 4.2, and the
definitions of the dependants (a child of 21 to 27 with a yearly proof, a disabled child). The
list of each range is the offer's data (``membership.documents``): the piece, for whom, when
(« le cas échéant »: a SEPA mandate when contributions are debited), why, and its source.

One function for the public site (the request's list and the PDF summary), the back office
(« Justificatifs manquants ») and the API: :func:`required_documents`. :func:`documents_status`
tells received from missing, given the pieces received: a piece received for one person counts
for that person; a piece received without a person counts for the household (one AMO
attestation lists the beneficiaries it covers). Readings: docs/interpretations.md I-100.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mutuelle.dates import age_on
from mutuelle.explain import Cited
from mutuelle.membership.common import rules_of
from mutuelle.offers.membership_rules import RequiredDocument
from mutuelle.offers.model import Offer
from mutuelle.vocabulary import DocumentKind, PaymentMode, Role


@dataclass(frozen=True)
class Insured:
    """A person the adhesion covers, as the justificatifs see them."""

    index: int  # 0: the member; then the dependants in the order of the request
    role: str  # Role value
    birth_date: dt.date
    name: str  # how the person is named on the page (« Vous », a first name)
    proof: str | None = None  # a child of 21 to 27: the reason (Proof value)
    disabled: bool = False


@dataclass(frozen=True)
class RequiredPiece:
    """One justificatif to provide: what, for whom, why, and where the text asks it."""

    kind: DocumentKind
    label: str
    person_index: int | None  # None: the household
    who: str
    reason: str
    cite: Cited

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{'' if self.person_index is None else self.person_index}"

    @property
    def source(self) -> str:
        return self.cite.staff()

    @property
    def short(self) -> str:
        """The piece in a list of missing pieces: its kind, and whose when not the member's."""
        if self.person_index:
            return f"{self.kind.label} ({self.who})"
        return self.kind.label


def _applies(rule: RequiredDocument, person: Insured, on: dt.date) -> bool:
    match rule.who:
        case "member":
            return person.role == Role.ADHERENT
        case "every_insured":
            return True
        case "dependants_from_age":
            assert rule.from_age is not None
            return person.role != Role.ADHERENT and age_on(person.birth_date, on) >= rule.from_age
        case "spouse":
            return person.role == Role.SPOUSE
        case "child_with_proof":
            return person.role == Role.CHILD and bool(person.proof)
        case "disabled_child":
            return person.role == Role.CHILD and person.disabled


def required_documents(
    offer: Offer,
    range_id: str,
    persons: Sequence[Insured],
    *,
    payment_mode: str | None,
    on: dt.date,
) -> tuple[RequiredPiece, ...]:
    """The pieces to join for these persons (the member first), in the order of the text."""
    out: list[RequiredPiece] = []
    for rule in rules_of(offer, range_id).documents:
        if rule.when == "direct_debit" and payment_mode != PaymentMode.DIRECT_DEBIT:
            continue
        cite = offer.citation(rule.source)
        for person in persons:
            if _applies(rule, person, on):
                out.append(
                    RequiredPiece(
                        DocumentKind(rule.kind),
                        rule.label,
                        person.index,
                        person.name,
                        rule.reason,
                        cite,
                    )
                )
    return tuple(out)


@dataclass(frozen=True)
class DocumentsView:
    """The pieces required, each received or not."""

    pieces: tuple[tuple[RequiredPiece, bool], ...]

    @property
    def missing(self) -> tuple[RequiredPiece, ...]:
        return tuple(p for p, ok in self.pieces if not ok)

    @property
    def received(self) -> tuple[RequiredPiece, ...]:
        return tuple(p for p, ok in self.pieces if ok)

    @property
    def complete(self) -> bool:
        return not self.missing


def documents_status(
    pieces: Iterable[RequiredPiece], received: Iterable[tuple[str, int | None]]
) -> DocumentsView:
    """``received``: (kind, person index or None for the household) of each piece received."""
    got = set(received)
    household = {kind for kind, index in got if index is None}
    return DocumentsView(
        tuple(
            (p, p.kind.value in household or (p.kind.value, p.person_index) in got) for p in pieces
        )
    )
