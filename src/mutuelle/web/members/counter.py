"""Enrolment at the counter in one screen (issue 8): the member, the dependants, the formula,
the payment mode and the SEPA mandate in one form — the public request's form and checks
(:mod:`mutuelle.web.public.request_forms`, :func:`mutuelle.web.public.adhesion_requests.
check_request`), so the same rules give the same messages — then, when every justificatif is
presented, the validation of :func:`mutuelle.web.members.services.validate_request`.

A person already known (same name and birth date) is found and offered instead of a
duplicate; the persons hold no NIR, so the name and birth date are the only key
(docs/interpretations.md I-152).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone

from mutuelle.membership import Refused
from mutuelle.money import format_euros
from mutuelle.offers.model import Offer
from mutuelle.web.members import services
from mutuelle.web.members.enums import (
    AdhesionStatus,
    Channel,
    EndReason,
    EventKind,
    PaymentMode,
    Role,
)
from mutuelle.web.members.models import Adhesion, Affiliation, Document, FormulaPeriod, Person
from mutuelle.web.public.adhesion_requests import Checked, request_fields
from mutuelle.web.public.request_forms import AdhesionRequestForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

NEW = "new"


class CounterForm(AdhesionRequestForm):
    """The bulletin filled in with the member at the counter: the public request's fields, the
    signature's date, the mandate's, whether the justificatifs are all presented, and which
    known person each line is when the search found one."""

    bulletin_signed_on = forms.DateField(label="Bulletin signé le", widget=DATE)
    mandate_signed_on = forms.DateField(
        label="Mandat de prélèvement SEPA signé le",
        required=False,
        widget=DATE,
        help_text="prélèvement seulement ; la référence unique (RUM) est donnée à la validation",
    )
    pieces_presented = forms.BooleanField(
        label="Toutes les pièces justificatives demandées sont présentées (Règlement I-3-2)",
        required=False,
        help_text="sinon la demande est enregistrée et attend ses pièces (file « à instruire »)",
    )

    def __init__(self, *args: Any, known: dict[int, list[Person]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        # What the member declares and signs, recorded by staff.
        self.fields["certify"].label = "Le membre certifie l'exactitude des informations (I-3-3)"
        self.fields[
            "documents_read"
        ].label = "Le règlement et le tableau des garanties sont remis au membre"
        self.fields[
            "data_consent"
        ].label = "Le membre accepte le traitement de ses données pour gérer son adhésion"
        if not self.is_bound:
            self.fields["bulletin_signed_on"].initial = timezone.localdate()
        self.known = known or {}
        for i, persons in self.known.items():
            self.fields[f"known_{i}"] = forms.ChoiceField(
                label="Personne déjà connue",
                choices=[
                    *((str(p.pk), f"c'est {p} (fiche n° {p.pk})") for p in persons),
                    (NEW, "c'est une autre personne : créer une fiche"),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": "Dites si c'est la personne déjà connue."},
            )

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        signed = d.get("bulletin_signed_on")
        if signed is not None and signed > timezone.localdate():
            self.add_error("bulletin_signed_on", "La date de signature est dans le futur.")
        mode = d.get("payment_mode")
        mandate = d.get("mandate_signed_on")
        if mode == PaymentMode.DIRECT_DEBIT and d.get("pieces_presented") and mandate is None:
            self.add_error(
                "mandate_signed_on",
                "Paiement par prélèvement : indiquez la date de signature du mandat SEPA.",
            )
        if mandate is not None and mandate > timezone.localdate():
            self.add_error("mandate_signed_on", "La date de signature du mandat est dans le futur.")
        return d

    def chosen(self) -> dict[int, Person | None]:
        """For each line of the household with a known person: that person, or None (new)."""
        out: dict[int, Person | None] = {}
        for i, persons in self.known.items():
            value = self.cleaned_data.get(f"known_{i}")
            out[i] = next((p for p in persons if str(p.pk) == value), None)
        return out


def known_persons(members: list[dict[str, Any]]) -> dict[int, list[Person]]:
    """The persons already recorded with the same name and birth date as a line of the
    household (one query per line, at most a few lines)."""
    out: dict[int, list[Person]] = {}
    for i, m in enumerate(members):
        last = (m.get("last_name") or members[0].get("last_name") or "").strip()
        first = (m.get("first_name") or "").strip()
        if not (last and first and m.get("birth_date")):
            continue
        found = list(
            Person.objects.filter(
                last_name__iexact=last, first_name__iexact=first, birth_date=m["birth_date"]
            ).order_by("id")[:5]
        )
        if found:
            out[i] = found
    return out


@dataclass(frozen=True)
class Enrolled:
    adhesion: Adhesion
    message: str


def enrol(
    offer: Offer,
    d: dict[str, Any],
    members: list[dict[str, Any]],
    checked: Checked,
    chosen: dict[int, Person | None],
    *,
    actor: Any = None,
) -> Enrolled:
    """Record the request made at the counter (its persons, known ones reused), then, when
    every piece is presented, validate it into an adhesion — all or nothing."""
    today = timezone.localdate()
    with transaction.atomic():
        persons = [chosen.get(i) or _new_person(d, m, i) for i, m in enumerate(members)]
        for p in persons:
            active = p.adhesions.filter(status=AdhesionStatus.ACTIVE, end__isnull=True).first()
            if active is not None:
                raise Refused(
                    f"{p.first_name} {p.last_name} est déjà membre participant (adhésion "
                    f"{active.number}) : ajoutez plutôt les ayants droit à cette adhésion"
                )
        adhesion = Adhesion.objects.create(
            number=services.next_number("DEM", today.year),  # until it is validated
            member=persons[0],
            channel=Channel.AGENCY,
            signed_on=d["bulletin_signed_on"],
            **request_fields(offer, d, checked, today),
        )
        FormulaPeriod.objects.create(
            adhesion=adhesion, formula=checked.formula, start=adhesion.start
        )
        for (m, end, _steps), person in zip(checked.dependants, persons[1:], strict=True):
            Affiliation.objects.create(
                adhesion=adhesion,
                person=person,
                role=Role.SPOUSE if m["role"] == "spouse" else Role.CHILD,
                proof=m.get("proof") or "",
                disabled=bool(m.get("disabled")),
                requested_on=today,
                start=adhesion.start,
                end=end.date if end else None,
                end_reason=EndReason.AGE if end else "",
            )
        services.log(
            adhesion,
            EventKind.REQUEST,
            f"Demande d'adhésion reçue au guichet : formule {checked.formula}, cotisation "
            f"prévue {format_euros(checked.monthly_cents)} par mois.",
            actor,
            [*checked.eligibility.steps, *checked.effective.steps, *checked.quote_steps],
            reused=[p.pk for i, p in enumerate(persons) if chosen.get(i) is not None],
        )
        if not d.get("pieces_presented"):
            missing = services.documents_view(adhesion, today).missing
            return Enrolled(
                adhesion,
                f"Demande {adhesion.number} enregistrée ; pièces à recevoir : "
                + ("; ".join(p.short for p in missing) or "aucune")
                + ".",
            )
        view = services.documents_view(adhesion, today)
        index_to_person = dict(enumerate(persons))
        Document.objects.bulk_create(
            Document(
                adhesion=adhesion,
                person=None if p.person_index is None else index_to_person[p.person_index],
                kind=p.kind.value,
                received_on=today,
                note="présentée au guichet",
            )
            for p in view.missing
        )
        facts = services.ValidationFacts(
            links=tuple(d["links"]),
            amo_affiliated=bool(d.get("amo")),
            mandatory_collective_cover=d.get("mandatory_cover") == "yes",
            debt_to_mutual=d.get("debt") == "yes",
            higher_education=bool(d.get("higher_education")),
            bulletin_signed_on=d["bulletin_signed_on"],
            bulletin_received_on=today,
            consents=bool(d.get("certify") and d.get("documents_read") and d.get("data_consent")),
            mandate_signed_on=d.get("mandate_signed_on"),
        )
        outcome = services.validate_request(adhesion, facts=facts, actor=actor)
    return Enrolled(Adhesion.objects.get(pk=adhesion.pk), outcome.message)


def _new_person(d: dict[str, Any], m: dict[str, Any], i: int) -> Person:
    if i == 0:
        return Person.objects.create(
            last_name=d["last_name"].strip(),
            first_name=d["first_name"].strip(),
            birth_date=d["member_birth"],
            email=d.get("email", ""),
            phone=d.get("phone", ""),
            address=d["address"].strip(),
            postcode=d["postcode"].strip(),
            city=d["city"].strip(),
        )
    return Person.objects.create(
        last_name=(m.get("last_name") or d["last_name"]).strip(),
        first_name=(m.get("first_name") or "").strip(),
        birth_date=m["birth_date"],
    )
