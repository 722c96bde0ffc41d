"""The JSON API behind the public pages (django-ninja): quote, CSS screening, reimbursement
estimate, adhesion request, permanences. OpenAPI schema at ``/api/openapi.json``, interactive
documentation at ``/api/docs`` (served from the app's static files, no CDN).

Every public endpoint is rate-limited per client address (``mutuelle.web.public.ratelimit``)
and validates its whole input: an input that cannot be processed gets HTTP 400
``{"error": "…"}`` in French (``fields`` beside it for the adhesion request), never a
traceback; over the limit, HTTP 429 with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from ninja import Body, Field, NinjaAPI, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict

from mutuelle.css import InvalidCssHousehold, parse_css_household, result_to_dict, screen
from mutuelle.css import load_parameters as css_parameters
from mutuelle.css.loader import CssParametersError
from mutuelle.offers import OfferNotFound, latest_offer_id, load_offer
from mutuelle.pricing import InvalidHousehold, QuoteRefused, parse_household, quote, quote_to_dict
from mutuelle.web.public import ratelimit, services
from mutuelle.web.public.forms import AdhesionRequestForm
from mutuelle.web.public.models import CssOrientation, PermanencePlace, PlaceStatus

app_name = "api"

api = NinjaAPI(
    title="Mutuelle communale de Grenoble — API publique",
    version="1.0",
    description=(
        "L'API des pages publiques de la Mutuelle Entrenous (mutuelle communale de Grenoble). "
        "Montants en centimes d'euro (entiers), dates AAAA-MM-JJ. Chaque résultat porte son "
        "explication : la règle appliquée et sa source (article du règlement, ligne du texte). "
        "Limites : 60 calculs par minute et 10 demandes d'adhésion par heure et par adresse ; "
        "au-delà, HTTP 429 et l'en-tête Retry-After."
    ),
    urls_namespace="api",
)


class ErrorOut(Schema):
    error: str
    fields: dict[str, list[str]] | None = None


class Limited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class BadInput(Exception):
    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


@api.exception_handler(Limited)
def _limited(request: HttpRequest, exc: Limited) -> HttpResponse:
    response = api.create_response(
        request,
        {"error": f"trop de demandes : réessayer dans {exc.retry_after} s"},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(BadInput)
def _bad_input(request: HttpRequest, exc: BadInput) -> HttpResponse:
    body: dict[str, Any] = {"error": exc.message}
    if exc.fields:
        body["fields"] = exc.fields
    return api.create_response(request, body, status=400)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = []
    for e in exc.errors[:8]:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "payload"))
        details.append(f"{loc or 'corps'} : {_french(e)}")
    return api.create_response(
        request, {"error": "entrée invalide — " + "; ".join(details)}, status=400
    )


def _french(e: dict[str, Any]) -> str:
    kind = str(e.get("type", ""))
    if kind == "missing":
        return "champ obligatoire absent"
    if kind == "extra_forbidden":
        return "champ inconnu"
    if kind.startswith("date"):
        return "date invalide (attendu AAAA-MM-JJ)"
    if kind.startswith("int"):
        return "nombre entier attendu"
    if kind == "literal_error":
        return f"valeur non reconnue ({e.get('ctx', {}).get('expected', '')})"
    if kind == "json_invalid":
        return "JSON illisible"
    return str(e.get("msg", "valeur invalide"))


def _limit(request: HttpRequest, bucket: str) -> None:
    v = ratelimit.hit(request, bucket)
    if not v.allowed:
        raise Limited(v.retry_after)


# --- health ------------------------------------------------------------------------------


class HealthOut(Schema):
    status: str
    offer: str


@api.get("/sante/", response=HealthOut, url_name="health", summary="État du service")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok", "offer": latest_offer_id()}


# --- quote -------------------------------------------------------------------------------


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class AgentIn(_In):
    public_service_entry: dt.date | None = None
    last_reference_cover_end: dt.date | None = None
    transmitted_majoration_bp: int = 0


class MemberIn(_In):
    role: Literal["adherent", "spouse", "child"]
    birth_date: dt.date
    name: str | None = Field(default=None, max_length=100)
    proof: Literal["studies", "job_seeker", "apprentice", "low_income"] | None = None
    disabled: bool = False
    agent: AgentIn | None = None


class HouseholdIn(_In):
    offer: str | None = None
    range: Literal["residents", "students", "agents", "tns"]
    date: dt.date = Field(description="début de la couverture : le devis court jusqu'au 31/12")
    members: list[MemberIn] = Field(min_length=1, max_length=30)
    structure: Literal["adult_child", "family"] | None = None
    current_formula: str | None = None
    formula_since: dt.date | None = None


class _Out(Schema):
    model_config = ConfigDict(extra="allow")


class FormulaOut(_Out):
    formula: str
    monthly_cents: int | None = None
    year_cents: int | None = None
    error: str | None = None
    source: str | None = None


class QuoteOut(_Out):
    offer: str
    range: str
    date: dt.date
    period_end: dt.date
    formulas: list[FormulaOut]


def _dump(payload: Schema) -> dict[str, Any]:
    data: dict[str, Any] = payload.model_dump(mode="json", exclude_none=True)
    return data


@api.post(
    "/devis/",
    response={200: QuoteOut, 400: ErrorOut, 429: ErrorOut},
    url_name="quote",
    summary="Cotisations d'un foyer dans chaque formule (comme « mutuelle quote --json »)",
)
def api_quote(request: HttpRequest, payload: HouseholdIn) -> dict[str, Any]:
    _limit(request, "compute")
    offer_id = payload.offer or latest_offer_id()
    try:
        hh = parse_household(_dump(payload))
        offer = load_offer(offer_id)
        return quote_to_dict(quote(offer, hh))
    except (InvalidHousehold, QuoteRefused, OfferNotFound) as exc:
        raise BadInput(str(exc)) from None


# --- CSS -----------------------------------------------------------------------------------


class CssMemberIn(_In):
    role: Literal["adherent", "spouse", "child"]
    birth_date: dt.date
    name: str | None = Field(default=None, max_length=100)


class CssIn(_In):
    date: dt.date = Field(description="date de la demande de CSS (aujourd'hui en général)")
    members: list[CssMemberIn] = Field(min_length=1, max_length=20)
    resources_cents: int = Field(ge=0, description="ressources des 12 derniers mois (centimes)")
    housing: Literal["tenant", "tenant_with_housing_aid", "owner", "housed_free"]
    housing_aid_monthly_cents: int | None = Field(default=None, gt=0)
    receives_rsa: bool = False


class CssOut(_Out):
    verdict: Literal["free", "with_participation", "not_eligible"]
    verdict_label: str
    monthly_participation_cents: int
    ceiling_free_cents: int
    ceiling_participation_cents: int
    parameters_valid_on: dt.date
    parameters_outdated: bool
    warnings: list[str]


@api.post(
    "/css/",
    response={200: CssOut, 400: ErrorOut, 429: ErrorOut},
    url_name="css",
    summary="Repérage Complémentaire santé solidaire (comme « mutuelle css --json »)",
    description="Chaque appel compte une orientation anonyme (jour, résultat, canal « api ») "
    "pour le comité de pilotage.",
)
def api_css(request: HttpRequest, payload: CssIn) -> dict[str, Any]:
    _limit(request, "compute")
    try:
        hh = parse_css_household(_dump(payload))
        result = screen(css_parameters(hh.date), hh)
    except (InvalidCssHousehold, CssParametersError, ValueError) as exc:
        raise BadInput(str(exc)) from None
    CssOrientation.record(timezone.localdate(), result.verdict, "api")
    return result_to_dict(result)


# --- reimbursement estimate ---------------------------------------------------------------


CLAIM_BODY = Body(..., description="le fichier de soins de « mutuelle reimburse »")


class ReimburseOut(_Out):
    offer: str
    range: str
    events: list[dict[str, Any]]
    totals: dict[str, int]


@api.post(
    "/remboursement/",
    response={200: ReimburseOut, 400: ErrorOut, 429: ErrorOut},
    url_name="reimburse",
    summary="Remboursement de soins (comme « mutuelle reimburse --json »)",
    description="Corps : le fichier de soins de « mutuelle reimburse » (offer, range, formula, "
    "cover_start, beneficiary, events[] avec benefit, billed_cents, br_cents, amo_cents…). "
    "Chaque événement porte la ligne de garantie, la règle, la source et les plafonds "
    "consommés ; une prestation que les textes ne publient pas est refusée en le disant.",
)
def api_reimburse(request: HttpRequest, payload: dict[str, Any] = CLAIM_BODY) -> dict[str, Any]:
    from mutuelle.benefits import (
        InvalidClaim,
        PlanError,
        batch_to_dict,
        compile_plan,
        parse_claim,
        settle,
    )

    _limit(request, "compute")
    try:
        claim = parse_claim(payload)
        plan = compile_plan(claim.coverage.offer or latest_offer_id(), claim.coverage.range)
        result = settle(plan, claim.coverage, claim.events)
    except (InvalidClaim, PlanError, OfferNotFound) as exc:
        raise BadInput(str(exc)) from None
    return batch_to_dict(plan, result.settlements, result.revised)


# --- adhesion request ------------------------------------------------------------------


class ChildIn(_In):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: dt.date
    situation: Literal["studies", "job_seeker", "apprentice", "low_income", "disabled"] | None = (
        None
    )


class SpouseIn(_In):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: dt.date


class AdhesionIn(_In):
    situation: Literal["residents", "students", "agents", "tns"]
    links: list[Literal["resident", "works", "studies", "agent", "tns"]] = Field(min_length=1)
    formula: str
    start: dt.date = Field(description="date d'effet souhaitée")
    current_cover_end: dt.date | None = Field(
        default=None, description="dernier jour couvert par la mutuelle actuelle, s'il y en a une"
    )
    last_name: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    birth_date: dt.date
    email: str | None = None
    phone: str | None = None
    address: str
    postcode: str
    city: str
    amo: bool = Field(description="assuré-e d'un régime obligatoire français et résidant en France")
    mandatory_cover: bool = False
    debt: bool = False
    higher_education: bool = False
    spouse: SpouseIn | None = None
    children: list[ChildIn] = Field(default_factory=list, max_length=12)
    agent_entry: dt.date | None = None
    agent_last_cover_end: dt.date | None = None
    payment_mode: Literal["direct_debit", "transfer", "card", "cheque", "cash", "payroll"]
    payment_frequency: Literal["monthly", "annual"]
    iban: str
    account_holder: str
    certify: bool
    documents_read: bool
    data_consent: bool


class DocumentOut(Schema):
    kind: str
    label: str
    who: str


class AdhesionOut(Schema):
    number: str
    status: str
    formula: str
    start: dt.date
    monthly_cents: int
    documents_to_provide: list[DocumentOut]
    next_steps: str


def _form_data(p: AdhesionIn) -> dict[str, Any]:
    def d(x: dt.date | None) -> str:
        return x.isoformat() if x else ""

    data: dict[str, Any] = {
        "situation": p.situation,
        "links": list(p.links),
        "formula": p.formula,
        "start": d(p.start),
        "current_cover": "yes" if p.current_cover_end else "no",
        "current_cover_end": d(p.current_cover_end),
        "last_name": p.last_name,
        "first_name": p.first_name,
        "member_birth": d(p.birth_date),
        "email": p.email or "",
        "phone": p.phone or "",
        "address": p.address,
        "postcode": p.postcode,
        "city": p.city,
        "mandatory_cover": "yes" if p.mandatory_cover else "no",
        "debt": "yes" if p.debt else "no",
        "agent_entry": d(p.agent_entry),
        "agent_last_cover_end": d(p.agent_last_cover_end),
        "payment_mode": p.payment_mode,
        "payment_frequency": p.payment_frequency,
        "iban": p.iban,
        "account_holder": p.account_holder,
        "children": str(len(p.children)),
    }
    for name in ("amo", "higher_education", "certify", "documents_read", "data_consent"):
        if getattr(p, name):
            data[name] = "on"
    if p.spouse:
        data.update(
            spouse_first_name=p.spouse.first_name,
            spouse_last_name=p.spouse.last_name,
            spouse_birth=d(p.spouse.birth_date),
        )
    for i, c in enumerate(p.children):
        data[f"child_{i}_first_name"] = c.first_name
        data[f"child_{i}_last_name"] = c.last_name
        data[f"child_{i}_birth"] = d(c.birth_date)
        data[f"child_{i}_situation"] = c.situation or ""
    return data


class _Data(dict[str, Any]):
    """Form data with list values for the checkbox group (QueryDict-like ``getlist``)."""

    def getlist(self, key: str) -> list[Any]:
        v = self.get(key, [])
        return v if isinstance(v, list) else [v]


@api.post(
    "/adhesions/",
    response={201: AdhesionOut, 400: ErrorOut, 429: ErrorOut},
    url_name="adhesion",
    summary="Demande d'adhésion : crée une adhésion « à instruire » dans le back office",
    description="Mêmes règles que le formulaire du site (éligibilité, dates et cotisation "
    "décidées par le cœur métier, IBAN vérifié). Tout ou rien : une demande refusée ne crée "
    "rien. Les justificatifs se déposent sur le site ou en permanence.",
)
def api_adhesion(request: HttpRequest, payload: AdhesionIn) -> Status[dict[str, Any]]:
    _limit(request, "adhesion")
    offer = services.the_offer()
    form = AdhesionRequestForm(
        _Data(_form_data(payload)), formulas=services.formulas_by_range(offer)
    )
    if not form.is_valid():
        raise BadInput("demande invalide", _field_errors(form.errors))
    members = form.members()
    try:
        checked = services.check_request(offer, form.cleaned_data, members)
    except services.RequestRefused as exc:
        raise BadInput("demande refusée", exc.errors) from None
    a = services.submit_request(offer, form.cleaned_data, members, checked)
    return Status(
        201,
        {
            "number": a.number,
            "status": a.status,
            "formula": checked.formula,
            "start": a.start,
            "monthly_cents": a.monthly_cents or 0,
            "documents_to_provide": [
                {"kind": n.kind, "label": n.label, "who": n.who} for n in checked.documents
            ],
            "next_steps": "La Mutuelle Entrenous étudie la demande et recontacte la personne ; "
            "les justificatifs se déposent en permanence ou par courrier avec la référence.",
        },
    )


_API_NAMES = {
    "member_birth": "birth_date",
    "spouse_birth": "spouse.birth_date",
    "spouse_first_name": "spouse.first_name",
    "spouse_last_name": "spouse.last_name",
    "current_cover_end": "current_cover_end",
}


def _field_errors(errors: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, msgs in dict(errors).items():
        key = name or "__all__"
        if name.startswith("child_"):
            _, i, rest = name.split("_", 2)
            key = f"children.{i}." + {"birth": "birth_date", "situation": "situation"}.get(
                rest, rest
            )
        else:
            key = _API_NAMES.get(name, key)
        out[key] = [str(m) for m in msgs]
    return out


# --- permanences ------------------------------------------------------------------------


class SlotOut(Schema):
    weekday: str
    starts: dt.time
    ends: dt.time
    note: str


class PlaceOut(Schema):
    name: str
    address: str
    postcode: str
    city: str
    status: str
    access: str
    slots: list[SlotOut]


@api.get("/permanences/", response=list[PlaceOut], url_name="permanences", summary="Permanences")
def api_permanences(request: HttpRequest) -> list[dict[str, Any]]:
    today = timezone.localdate()
    out = []
    for p in PermanencePlace.objects.exclude(status=PlaceStatus.CLOSED).prefetch_related("slots"):
        out.append(
            {
                "name": p.name,
                "address": p.address,
                "postcode": p.postcode,
                "city": p.city,
                "status": p.status,
                "access": p.access,
                "slots": [
                    {
                        "weekday": s.get_weekday_display(),
                        "starts": s.starts,
                        "ends": s.ends,
                        "note": s.note,
                    }
                    for s in sorted(p.slots.all(), key=lambda s: (s.weekday, s.starts))
                    if s.current_on(today)
                ],
            }
        )
    return out


urlpatterns = [*api.urls[0]]
__all__ = ["api", "path"]
