"""What the public pages compute: they load facts from the forms, ask the core, shape the
answer for a person to read. No rule is decided here; each result keeps its explanation
(rule + source) from the core.

* :func:`simulate`: every formula of the household's range side by side (pricing core), what
  is refused and why, the savings a newborn brings (the offer's exemption rules).
* :func:`css_check`: the CSS screening (``mutuelle.css``) or, without resources, the ceilings
  for the household's size — shown before any formula (convention art. 2.3).
* :func:`submit_request`: an online adhesion request, written atomically as a *pending*
  adhesion that staff see in the back office.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mutuelle import membership as core
from mutuelle.css import (
    CssHousehold,
    CssMember,
    CssParametersError,
    CssResult,
    load_parameters,
    screen,
)
from mutuelle.dates import age_on
from mutuelle.explain import Step
from mutuelle.membership import Refused
from mutuelle.money import format_euros
from mutuelle.offers import latest_offer_id, load_offer
from mutuelle.offers.model import Offer
from mutuelle.pricing import FormulaQuote, Household, Member, Quote, QuoteRefused, quote
from mutuelle.pricing.household import AgentFacts
from mutuelle.web.members.enums import (
    AdhesionStatus,
    Channel,
    DocumentKind,
    EndReason,
    EventKind,
    PaymentMode,
    Role,
)
from mutuelle.web.members.models import Adhesion, Affiliation, Event, FormulaPeriod, Person
from mutuelle.web.members.services import next_number
from mutuelle.web.public.models import CssOrientation

ROLE_WORDS = {"adherent": "Vous", "spouse": "Votre conjoint-e", "child": "Enfant"}


def the_offer() -> Offer:
    return load_offer(settings.MUTUELLE_OFFER or latest_offer_id())


def formulas_by_range(offer: Offer) -> dict[str, tuple[str, ...]]:
    return {rid: rng.formulas for rid, rng in offer.ranges.items()}


def person_label(m: dict[str, Any]) -> str:
    if m["role"] == "child":
        name = m.get("first_name")
        return name or f"Enfant n° {m['number']}"
    if m.get("first_name"):
        return m["first_name"]
    return ROLE_WORDS[m["role"]]


# --- the household in the core's terms --------------------------------------------------------


def to_household(
    offer: Offer,
    rid: str,
    start: dt.date,
    members: list[dict[str, Any]],
    agent_entry: dt.date | None = None,
    agent_last_cover_end: dt.date | None = None,
) -> Household:
    core_members = []
    for i, m in enumerate(members):
        core_members.append(
            Member(
                role=m["role"],
                birth_date=m["birth_date"],
                index=i,
                name=person_label(m),
                proof=m.get("proof"),
                disabled=bool(m.get("disabled")),
                agent=AgentFacts(
                    public_service_entry=agent_entry, last_reference_cover_end=agent_last_cover_end
                )
                if rid == "agents" and m["role"] == "adherent"
                else None,
            )
        )
    return Household(range=rid, date=start, members=tuple(core_members))  # type: ignore[arg-type]


def member_problems(offer: Offer, hh: Household, members: list[dict[str, Any]]) -> dict[str, str]:
    """Refusals that concern one person, keyed by the form field to show them beside: the
    member (under 16, no tariff for the age) and each child (too old, proof missing)."""
    problems: dict[str, str] = {}
    adherent = hh.members[0]
    try:
        quote(offer, Household(range=hh.range, date=hh.date, members=(adherent,)))
    except QuoteRefused as exc:
        if "agent" not in exc.message:  # the agents' questions have their own fields
            problems[members[0]["field"]] = plain_refusal(exc)
    for m, core_m in zip(members[1:], hh.members[1:], strict=True):
        try:
            quote(offer, Household(range=hh.range, date=hh.date, members=(adherent, core_m)))
        except QuoteRefused as exc:
            if "agent" not in exc.message and m["field"] not in problems:
                problems[m["field"]] = plain_refusal(exc)
    return problems


def plain_refusal(exc: QuoteRefused | Refused) -> str:
    msg = exc.message[0].upper() + exc.message[1:]
    return msg if msg.endswith(".") else msg + "."


# --- the simulator ------------------------------------------------------------------------


@dataclass
class PersonPrice:
    label: str
    age: int
    monthly_cents: int
    year_cents: int
    free_until: dt.date | None
    notes: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass
class NewbornSaving:
    text: str
    months: tuple[int, int] | None  # (seniority under 12 months, 12 months or more)
    saving_cents: tuple[int, int] | None
    source: str


@dataclass
class FormulaColumn:
    formula: str
    ok: bool
    monthly_cents: int = 0
    twelve_cents: int = 0
    year_cents: int = 0
    structure: str = ""
    persons: list[PersonPrice] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    error: str = ""
    source: str = ""
    cheapest: bool = False
    newborn: NewbornSaving | None = None
    family_rate: bool = False


@dataclass
class Simulation:
    offer: Offer
    range_id: str
    range_label: str
    start: dt.date
    period_end: dt.date
    months_left: int
    columns: list[FormulaColumn]
    notes: tuple[str, ...]
    quote: Quote
    quote_members: tuple[Member, ...] = ()

    @property
    def priced(self) -> list[FormulaColumn]:
        return [c for c in self.columns if c.ok]

    @property
    def refused(self) -> list[FormulaColumn]:
        return [c for c in self.columns if not c.ok]

    @property
    def persons(self) -> list[str]:
        return [p.label for p in self.priced[0].persons] if self.priced else []

    @property
    def person_rows(self) -> list[dict[str, Any]]:
        """Persons × formulas (the detail table)."""
        if not self.priced:
            return []
        first = self.priced[0].persons
        return [
            {
                "label": p.label,
                "age": p.age,
                "cells": [(c, c.persons[i]) for c in self.priced],
            }
            for i, p in enumerate(first)
        ]

    @property
    def show_newborn(self) -> bool:
        """The « un bébé à venir ? » lines, for households with an adult under 50 (a display
        choice: the exemption itself has no age condition)."""
        return any(c.newborn for c in self.priced) and any(
            m.role in ("adherent", "spouse") and self.start.year - m.birth_date.year < 50
            for m in self.quote_members
        )


STRUCTURE_WORDS = {
    "adult_child": "cotisations adulte et enfant",
    "student": "tarif étudiant",
    "family": "taux unique familial (toute la famille pour un seul prix)",
}


def simulate(offer: Offer, hh: Household) -> Simulation:
    """Every formula of the range, side by side (raises QuoteRefused for the household)."""
    q = quote(offer, hh)
    rng = offer.ranges[hh.range]
    columns: list[FormulaColumn] = []
    for f in q.formulas:
        if isinstance(f, FormulaQuote):
            persons = [
                PersonPrice(
                    label=m.member.name or ROLE_WORDS[m.member.role],
                    age=m.age,
                    monthly_cents=m.monthly_cents,
                    year_cents=m.year_cents,
                    free_until=m.free_until,
                    notes=m.notes,
                    steps=tuple(m.steps),
                )
                for m in f.members
            ]
            columns.append(
                FormulaColumn(
                    formula=f.formula,
                    ok=True,
                    monthly_cents=f.monthly_cents,
                    twelve_cents=12 * f.monthly_cents,
                    year_cents=f.year_cents,
                    structure=STRUCTURE_WORDS.get(f.structure, f.structure),
                    persons=persons,
                    notes=f.notes,
                    family_rate=f.structure == "family",
                )
            )
        else:
            columns.append(
                FormulaColumn(formula=f.formula, ok=False, error=f.error, source=f.source)
            )
    priced = [c for c in columns if c.ok]
    if priced:
        cheapest = min(priced, key=lambda c: (c.year_cents, c.monthly_cents))
        cheapest.cheapest = True
    _newborn(offer, hh, columns)
    months_left = 12 - hh.date.month + 1
    return Simulation(
        offer=offer,
        range_id=hh.range,
        range_label=rng.label,
        start=hh.date,
        period_end=q.period_end,
        months_left=months_left,
        columns=columns,
        notes=q.notes,
        quote=q,
        quote_members=hh.members,
    )


def _newborn(offer: Offer, hh: Household, columns: list[FormulaColumn]) -> None:
    """What a baby born into this household would save, formula by formula (Règlement
    particuliers III-1-3, agents Cotisations 1-3, TNS art. 8.2)."""
    p = offer.ranges[hh.range].pricing
    if "adult_child" not in p.structures:
        return  # students: no dependants
    rank = len(hh.children) + 1
    baby = Member(role="child", birth_date=hh.date, index=len(hh.members), name="bébé")
    try:
        q = quote(offer, Household(hh.range, hh.date, (*hh.members, baby)))
    except QuoteRefused:
        return
    by_formula = {f.formula: f for f in q.formulas if isinstance(f, FormulaQuote)}
    rank_word = "1er" if rank == 1 else f"{rank}e"
    for col in columns:
        f = by_formula.get(col.formula)
        if not col.ok or f is None:
            continue
        if f.structure == "family":
            assert p.family_structure is not None
            col.newborn = NewbornSaving(
                "Avec le taux unique familial, un enfant de plus ne change pas la cotisation.",
                None,
                None,
                offer.cite(p.family_structure),
            )
            continue
        tariff = next(m.tariff_cents for m in f.members if m.member.name == "bébé")
        if p.child_free_from_rank is not None and rank >= p.child_free_from_rank.value:
            col.newborn = NewbornSaving(
                f"Un {rank_word} enfant ne cotise pas du tout : économie de "
                f"{format_euros(12 * tariff)} par an ({format_euros(tariff)} par mois).",
                None,
                (12 * tariff, 12 * tariff),
                offer.cite(p.child_free_from_rank.source),
            )
            continue
        if p.newborn_free_months is None:
            continue
        rule = next((r for r in p.newborn_free_months.value if r.rank == rank), None)
        if rule is None:
            continue
        under, over = rule.months_under_12, rule.months_over_12
        text = (
            f"Un bébé ({rank_word} enfant) est couvert gratuitement {under} mois après sa "
            f"naissance, soit {format_euros(under * tariff)} d'économie"
        )
        if over != under:
            text += (
                f" ; {over} mois ({format_euros(over * tariff)}) si vous êtes dans la formule "
                "depuis plus de 12 mois à sa naissance"
            )
        col.newborn = NewbornSaving(
            text + ".",
            (under, over),
            (under * tariff, over * tariff),
            offer.cite(p.newborn_free_months.source),
        )


# --- CSS first ----------------------------------------------------------------------------


@dataclass
class CssCheck:
    """The screening (with resources) or the ceilings for the household (without)."""

    on: dt.date
    result: CssResult  # with resources 0 when ``screened`` is False: only ceilings are shown
    screened: bool
    participation_cents: int  # what the household would pay a month with participation
    error: str = ""

    @property
    def params(self) -> Any:
        return self.result.parameters


def css_members(members: list[dict[str, Any]]) -> tuple[CssMember, ...]:
    return tuple(
        CssMember(role=m["role"], birth_date=m["birth_date"], index=i, name=person_label(m))
        for i, m in enumerate(members)
    )


def css_check(
    members: list[dict[str, Any]],
    *,
    resources_cents: int | None,
    housing: str = "tenant",
    housing_aid_cents: int | None = None,
    rsa: bool = False,
    on: dt.date | None = None,
) -> CssCheck | None:
    """Screen the household on ``on`` (today: a CSS application is made now). None when the
    parameters cannot answer (date before the first installed table)."""
    on = on or timezone.localdate()
    screened = resources_cents is not None or rsa
    hh = CssHousehold(
        date=on,
        members=css_members(members),
        resources_cents=resources_cents or 0,
        housing=housing or "tenant",  # type: ignore[arg-type]
        housing_aid_monthly_cents=housing_aid_cents
        if housing == "tenant_with_housing_aid"
        else None,
        receives_rsa=rsa,
    )
    try:
        params = load_parameters(on)
        result = screen(params, hh)
    except (CssParametersError, ValueError):
        return None
    participation = sum(ms.monthly_participation_cents for ms in result.members if ms.counted)
    return CssCheck(on=on, result=result, screened=screened, participation_cents=participation)


def record_orientation(request: Any, check: CssCheck, channel: str = "web") -> None:
    """Count one orientation for the steering committee: the day, the verdict, the channel —
    nothing about the person. A visitor who redisplays the same verdict the same day in the
    same session is counted once."""
    if not check.screened:
        return
    key = f"{check.on.isoformat()}:{check.result.verdict}"
    if request is not None and hasattr(request, "session"):
        seen = request.session.get("css_counted", [])
        if key in seen:
            return
        request.session["css_counted"] = [*seen[-20:], key]
    CssOrientation.record(check.on, check.result.verdict, channel)


# --- the adhesion request ------------------------------------------------------------------


@dataclass(frozen=True)
class Needed:
    """A justificatif to provide (Règlement particuliers I-3-2 and the definitions)."""

    kind: str
    label: str
    who: str
    why: str
    person_index: int | None = None  # index in the request's members (None: the household)

    @property
    def key(self) -> str:
        return f"{self.kind}:{'' if self.person_index is None else self.person_index}"


SRC_I32 = "Règlement particuliers I-3-2 (seed l. 2273-2280)"


def needed_documents(
    rid: str, members: list[dict[str, Any]], payment_mode: str, on: dt.date
) -> list[Needed]:
    """The pieces to join to the request, for this household (I-3-2; agents I-2 and I-3-2;
    TNS art. 4.2). The 16+ dependants' own RIB is listed: they receive their benefits
    personally unless they expressly refuse (I-3-2, art. L.114-2 Code de la mutualité)."""
    out: list[Needed] = []
    member = members[0]
    out.append(
        Needed(
            DocumentKind.IDENTITY,
            "Copie d'une pièce d'identité officielle en cours de validité",
            person_label(member),
            SRC_I32,
            0,
        )
    )
    for i, m in enumerate(members):
        out.append(
            Needed(
                DocumentKind.AMO_ATTESTATION,
                "Attestation d'affiliation à l'Assurance Maladie (attestation de carte Vitale)",
                person_label(m),
                SRC_I32 if rid != "tns" else "Conditions générales TNS art. 4.2 (seed l. 4881)",
                i,
            )
        )
    out.append(
        Needed(
            DocumentKind.RIB,
            "Relevé d'identité bancaire (RIB) du compte indiqué",
            person_label(member),
            SRC_I32,
            0,
        )
    )
    if payment_mode == PaymentMode.DIRECT_DEBIT or rid == "tns":
        out.append(
            Needed(
                DocumentKind.SEPA_MANDATE,
                "Mandat de prélèvement SEPA daté et signé (la Mutuelle vous l'envoie)",
                person_label(member),
                SRC_I32,
                0,
            )
        )
    for i, m in enumerate(members[1:], start=1):
        if age_on(m["birth_date"], on) >= 16:
            out.append(
                Needed(
                    DocumentKind.RIB_INSURED,
                    "RIB de l'assuré-e de plus de 16 ans (ses remboursements lui sont versés), "
                    "sauf s'il ou elle le refuse expressément",
                    person_label(m),
                    SRC_I32 + " ; art. L.114-2 Code de la mutualité",
                    i,
                )
            )
        if m["role"] == "spouse":
            out.append(
                Needed(
                    DocumentKind.SPOUSE_PROOF,
                    "Justificatif de la qualité de conjoint-e (livret de famille, attestation de "
                    "PACS ou justificatif fiscal de domicile commun)",
                    person_label(m),
                    SRC_I32,
                    i,
                )
            )
        if m.get("proof"):
            out.append(
                Needed(
                    DocumentKind.CHILD_PROOF,
                    "Justificatif de la situation de l'enfant de 21 à 27 ans (études, "
                    "inscription à France Travail, apprentissage ou revenus), chaque année",
                    person_label(m),
                    "Règlement particuliers, Définitions – Ayants droit (seed l. 2155)",
                    i,
                )
            )
        if m.get("disabled"):
            out.append(
                Needed(
                    DocumentKind.DISABILITY_CARD,
                    "Carte mobilité inclusion mention « invalidité »",
                    person_label(m),
                    "Règlement particuliers, Définitions – Ayants droit (seed l. 2163)",
                    i,
                )
            )
    if rid == "students":
        out.append(
            Needed(
                DocumentKind.STUDENT_CERTIFICATE,
                "Attestation d'inscription dans un établissement d'enseignement supérieur",
                person_label(member),
                SRC_I32 + " ; I-8",
                0,
            )
        )
    if rid == "agents":
        out.append(
            Needed(
                DocumentKind.AGENT_CERTIFICATE,
                "Justificatif de votre qualité d'agent-e de la Ville ou du CCAS ; au-delà de 30 "
                "ans, le certificat de non-majoration de votre dernier organisme et, si vous êtes "
                "entré-e dans la fonction publique après le 10/11/2011, le justificatif de la "
                "date d'entrée",
                person_label(member),
                "Règlement agents I-2 (seed l. 3599-3601)",
                0,
            )
        )
    return out


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
    documents: list[Needed]


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
        raise RequestRefused({"start": [plain_refusal(exc)]}) from None
    start = effective.date
    verdict = core.check_eligibility(offer, rid, applicant, start)
    field_of = {
        "Âge": "member_birth",
        "Il faut être assuré": "amo",
        "Cette gamme est ouverte": "links",
        "Une personne couverte par une complémentaire santé collective": "mandatory_cover",
        "Une dette": "debt",
        "Le tarif étudiant": "higher_education",
    }
    for failure in verdict.failures:
        key = next((f for prefix, f in field_of.items() if failure.rule.startswith(prefix)), "")
        errors.setdefault(key, []).append(failure.rule)
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
            target = "agent_entry" if "agent" in exc.message else ""
            errors.setdefault(target, []).append(plain_refusal(exc))
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
        documents=needed_documents(rid, members, d["payment_mode"], today),
    )


def submit_request(
    offer: Offer, d: dict[str, Any], members: list[dict[str, Any]], checked: Checked
) -> Adhesion:
    """Write the request: persons, a *pending* adhesion, its formula, its dependants and the
    history, all or nothing (one transaction; a failure rolls every row back)."""
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


def _write_request(
    offer: Offer,
    d: dict[str, Any],
    members: list[dict[str, Any]],
    checked: Checked,
    today: dt.date,
    m0: dict[str, Any],
) -> Adhesion:
    from django.db import IntegrityError

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
                offer=offer.id,
                range=checked.rid,
                member=member,
                channel=Channel.DISTANCE,
                signed_on=today,
                file_sent_on=today,
                wished_start=d["start"],
                previous_cover_ends=d.get("current_cover_end")
                if d.get("current_cover") == "yes"
                else None,
                start=checked.effective.date,
                monthly_cents=checked.monthly_cents,
                payment_mode=d["payment_mode"],
                payment_frequency=d["payment_frequency"],
                payroll_deduction=d["payment_mode"] == PaymentMode.PAYROLL,
                iban=d["iban"],
                account_holder=d["account_holder"].strip(),
                agent_service_entry=d.get("agent_entry") if checked.rid == "agents" else None,
                agent_last_reference_cover_end=d.get("agent_last_cover_end")
                if checked.rid == "agents"
                else None,
                status=AdhesionStatus.PENDING,
                consent_at=timezone.now(),
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
    return adhesion


def access_token() -> str:
    return secrets.token_urlsafe(16)
