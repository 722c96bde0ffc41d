"""The online adhesion request: ask the core everything a request needs (eligibility, dates,
contribution, dependants, payment, justificatifs), then write it atomically as a *pending*
adhesion that staff find in the back office. Refusals come back beside their form field, routed
by their code (:mod:`mutuelle.web.public.refusals`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuelle import membership as core
from mutuelle.explain import Step
from mutuelle.membership import Refused
from mutuelle.money import format_euros
from mutuelle.offers.model import Offer
from mutuelle.pricing import FormulaQuote, Household, QuoteRefused, quote
from mutuelle.reporting.population import PriorCover
from mutuelle.web.members.enums import (
    AdhesionStatus,
    Channel,
    EndReason,
    EventKind,
    PaymentMode,
    Role,
)
from mutuelle.web.members.models import Adhesion, Affiliation, Event, FormulaPeriod, Person
from mutuelle.web.members.services import next_number
from mutuelle.web.public.common import person_label, plain_refusal
from mutuelle.web.public.refusals import field_for, field_for_step
from mutuelle.web.public.simulation import member_problems, to_household

__all__ = [
    "Checked",
    "RequestRefused",
    "access_token",
    "check_request",
    "insured",
    "required_documents",
    "submit_request",
]


def insured(members: list[dict[str, Any]]) -> tuple[core.Insured, ...]:
    """The request's persons as the justificatifs see them (the member first)."""
    return tuple(
        core.Insured(
            index=i,
            role=m["role"],
            birth_date=m["birth_date"],
            name=person_label(m),
            proof=m.get("proof"),
            disabled=bool(m.get("disabled")),
        )
        for i, m in enumerate(members)
    )


def required_documents(
    offer: Offer, rid: str, members: list[dict[str, Any]], payment_mode: str, on: dt.date
) -> tuple[core.RequiredPiece, ...]:
    """The pieces to join to the request (``mutuelle.membership.documents``)."""
    return core.required_documents(offer, rid, insured(members), payment_mode=payment_mode, on=on)


class RequestRefused(Exception):
    """The request cannot be recorded: messages keyed by form field ("" = the whole form)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


@dataclass
class Checked:
    """A request the core accepts: what it will record."""

    rid: str
    formula: str
    household: Household
    eligibility: core.EligibilityResult
    effective: core.Dated
    monthly_cents: int
    year_cents: int
    quote_steps: tuple[Step, ...]
    dependants: list[tuple[dict[str, Any], core.Dated | None, tuple[Step, ...]]]
    renunciation: core.RenunciationWindow
    documents: tuple[core.RequiredPiece, ...]


def check_request(offer: Offer, d: dict[str, Any], members: list[dict[str, Any]]) -> Checked:
    """Ask the core everything a request needs; raise :class:`RequestRefused` with every
    problem in plain French beside its field."""
    today = timezone.localdate()
    rid = d["situation"]
    errors: dict[str, list[str]] = {}
    applicant = core.Applicant(
        birth_date=d["member_birth"],
        links=tuple(d["links"]),
        amo_affiliated=bool(d.get("amo")),
        resides_in_france=bool(d.get("amo")),
        mandatory_collective_cover=d.get("mandatory_cover") == "yes",
        debt_to_mutual=d.get("debt") == "yes",
        higher_education=bool(d.get("higher_education")),
        dependants=len(members) - 1,
    )
    previous_end = d.get("current_cover_end") if d.get("current_cover") == "yes" else None
    try:
        effective = core.effective_date(
            offer, rid, file_sent_on=today, wished=d["start"], previous_cover_ends=previous_end
        )
    except Refused as exc:
        raise RequestRefused({field_for(exc, "start"): [plain_refusal(exc)]}) from None
    start = effective.date
    verdict = core.check_eligibility(offer, rid, applicant, start)
    for failure in verdict.failures:
        errors.setdefault(field_for_step(failure), []).append(failure.rule)
    hh = to_household(
        offer, rid, start, members, d.get("agent_entry"), d.get("agent_last_cover_end")
    )
    for name, problem in member_problems(offer, hh, members).items():
        errors.setdefault(name, []).append(problem)
    monthly = year = 0
    steps: tuple[Step, ...] = ()
    if not errors:
        try:
            q = quote(offer, hh, d["formula"])
        except QuoteRefused as exc:
            errors.setdefault(field_for(exc), []).append(plain_refusal(exc))
        else:
            f = q.formulas[0]
            if isinstance(f, FormulaQuote):
                monthly, year = f.monthly_cents, f.year_cents
                steps = tuple(s for m in f.members for s in m.steps)
            else:
                errors.setdefault("formula", []).append(
                    f"{f.error[0].upper()}{f.error[1:]} : choisissez une autre formule."
                )
    dependants: list[tuple[dict[str, Any], core.Dated | None, tuple[Step, ...]]] = []
    for m in members[1:]:
        dep = core.Dependant(
            role="spouse" if m["role"] == "spouse" else "child",
            birth_date=m["birth_date"],
            proof=m.get("proof"),
            disabled=bool(m.get("disabled")),
        )
        try:
            dstart = core.dependant_start(
                offer, rid, member_start=start, received_on=today, with_adhesion=True
            )
            ok = core.check_dependant(offer, rid, dep, start)
            end = core.age_limit_end(offer, rid, dep)
        except Refused as exc:
            errors.setdefault(m["field"], []).append(plain_refusal(exc))
            continue
        dependants.append((m, end, (*dstart.steps, *ok)))
    if errors:
        raise RequestRefused(errors)
    window = core.renunciation_window(
        offer, rid, channel="distance", signed_on=today, effective_on=start
    )
    return Checked(
        rid=rid,
        formula=d["formula"],
        household=hh,
        eligibility=verdict,
        effective=effective,
        monthly_cents=monthly,
        year_cents=year,
        quote_steps=steps,
        dependants=dependants,
        renunciation=window,
        documents=required_documents(offer, rid, members, d["payment_mode"], today),
    )


def submit_request(
    offer: Offer,
    d: dict[str, Any],
    members: list[dict[str, Any]],
    checked: Checked,
    idempotency_key: str = "",
    same_key_other_content: str = "refuse",
) -> Adhesion:
    """Write the request: persons, a *pending* adhesion, its formula, its dependants and the
    history, all or nothing (one transaction; a failure rolls every row back).

    With an ``idempotency_key`` (the form's hidden ``request_key``, the API's
    ``Idempotency-Key`` header) a repeat of the same request — a double click, a client that
    retries — files nothing new and returns the first adhesion
    (:func:`mutuelle.web.security.idempotency.once`). The same key with another content raises
    ``KeyReused`` (the API), or with ``same_key_other_content="new"`` files a new request (the
    form: a visitor who went back and changed an answer means a new request)."""
    if idempotency_key:
        from mutuelle.web.security import idempotency

        content = {k: v for k, v in d.items() if k != "request_key"}
        adhesion, _ = idempotency.once(
            "adhesion-request",
            idempotency_key,
            idempotency.fingerprint(content, members),
            lambda: submit_request(offer, d, members, checked),
            lambda a: str(a.pk),  # the number changes when staff validate the request
            lambda pk: Adhesion.objects.get(pk=int(pk)),
            same_key_other_content=same_key_other_content,
        )
        return adhesion
    today = timezone.localdate()
    m0 = members[0]
    for _ in range(3):
        try:
            with transaction.atomic():
                return _write_request(offer, d, members, checked, today, m0)
        except _NumberTaken:
            continue
    raise RuntimeError("numéro de demande : trop de demandes simultanées, réessayer")


class _NumberTaken(Exception):
    pass


def request_fields(
    offer: Offer, d: dict[str, Any], checked: Checked, today: dt.date
) -> dict[str, Any]:
    """The adhesion's fields a request fills from its form, online or at the counter (one
    mapping: the back office's counter enrolment writes the same request)."""
    return {
        "offer": offer.id,
        "range": checked.rid,
        "file_sent_on": today,
        "wished_start": d["start"],
        "previous_cover_ends": d.get("current_cover_end")
        if d.get("current_cover") == "yes"
        else None,
        # Convention art. 5, indicator 1 (l. 1992): the answer to « avez-vous aujourd'hui une
        # autre complémentaire santé ? » (docs/interpretations.md I-149).
        "prior_cover": PriorCover.HAD if d.get("current_cover") == "yes" else PriorCover.NONE,
        "start": checked.effective.date,
        "payment_mode": d["payment_mode"],
        "payment_frequency": d["payment_frequency"],
        "payroll_deduction": d["payment_mode"] == PaymentMode.PAYROLL,
        "iban": d["iban"],
        "account_holder": d["account_holder"].strip(),
        "agent_service_entry": d.get("agent_entry") if checked.rid == "agents" else None,
        "agent_last_reference_cover_end": d.get("agent_last_cover_end")
        if checked.rid == "agents"
        else None,
        "status": AdhesionStatus.PENDING,
        "consent_at": timezone.now(),
    }


def _write_request(
    offer: Offer,
    d: dict[str, Any],
    members: list[dict[str, Any]],
    checked: Checked,
    today: dt.date,
    m0: dict[str, Any],
) -> Adhesion:
    member = Person.objects.create(
        last_name=d["last_name"].strip(),
        first_name=d["first_name"].strip(),
        birth_date=d["member_birth"],
        email=d.get("email", ""),
        phone=d.get("phone", ""),
        address=d["address"].strip(),
        postcode=d["postcode"].strip(),
        city=d["city"].strip(),
    )
    try:
        with transaction.atomic():
            adhesion = Adhesion.objects.create(
                number=next_number("DEM", today.year),  # until staff validate it
                member=member,
                channel=Channel.DISTANCE,
                signed_on=today,
                **request_fields(offer, d, checked, today),
            )
    except IntegrityError:
        raise _NumberTaken from None
    FormulaPeriod.objects.create(adhesion=adhesion, formula=checked.formula, start=adhesion.start)
    for m, end, _steps in checked.dependants:
        person = Person.objects.create(
            last_name=(m.get("last_name") or d["last_name"]).strip(),
            first_name=(m.get("first_name") or "").strip(),
            birth_date=m["birth_date"],
        )
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
    rules = [
        *checked.eligibility.steps,
        *checked.effective.steps,
        *(s for _, _, steps in checked.dependants for s in steps),
        *checked.quote_steps,
        *checked.renunciation.steps,
    ]
    Event.objects.create(
        adhesion=adhesion,
        kind=EventKind.REQUEST,
        summary=(
            f"Demande d'adhésion reçue en ligne : formule {checked.formula}, effet prévu le "
            f"{adhesion.start:%d/%m/%Y} si le dossier est complet, cotisation "
            f"{format_euros(checked.monthly_cents)} par mois ; à instruire (justificatifs)."
        ),
        data={
            "rules": [{"rule": s.rule, "source": s.source} for s in rules],
            "documents_to_provide": [n.label + f" ({n.who})" for n in checked.documents],
        },
    )
    created: Adhesion = adhesion
    return created


def access_token() -> str:
    return secrets.token_urlsafe(16)
