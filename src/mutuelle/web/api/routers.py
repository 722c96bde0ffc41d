"""The API's endpoints: quote, CSS screening, reimbursement estimate, adhesion request,
permanences. Each one validates its whole input (typed schemas, :mod:`.schemas`), asks the core
as the CLI does, and answers its typed response; a refusal is HTTP 400 with its code
(:mod:`.errors`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Header, Router, Status

from mutuelle.benefits import (
    InvalidClaim,
    PlanError,
    batch_to_dict,
    compile_plan,
    parse_claim,
    settle,
)
from mutuelle.css import InvalidCssHousehold, parse_css_household, result_to_dict, screen
from mutuelle.css import load_parameters as css_parameters
from mutuelle.css.loader import CssParametersError
from mutuelle.offers import OfferNotFound, latest_offer_id, load_offer
from mutuelle.pricing import InvalidHousehold, QuoteRefused, parse_household, quote, quote_to_dict
from mutuelle.web.api.errors import BadInput, limit
from mutuelle.web.api.schemas import (
    AdhesionIn,
    AdhesionOut,
    ClaimIn,
    CssIn,
    CssOut,
    ErrorOut,
    HealthOut,
    HouseholdIn,
    PlaceOut,
    QuoteOut,
    ReimburseOut,
    dump,
)
from mutuelle.web.public import links, services
from mutuelle.web.public.forms import AdhesionRequestForm
from mutuelle.web.public.models import CssOrientation, PermanencePlace, PlaceStatus
from mutuelle.web.security import idempotency

router = Router()
REFUSED = {400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 429: ErrorOut}


@router.get("/sante/", response=HealthOut, url_name="health", summary="État du service")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok", "offer": latest_offer_id()}


@router.post(
    "/devis/",
    response={200: QuoteOut, **REFUSED},
    url_name="quote",
    summary="Cotisations d'un foyer dans chaque formule (comme « mutuelle quote --json »)",
)
def api_quote(request: HttpRequest, payload: HouseholdIn) -> dict[str, Any]:
    limit(request, "compute")
    offer_id = payload.offer or latest_offer_id()
    try:
        hh = parse_household(dump(payload))
        offer = load_offer(offer_id)
        return quote_to_dict(quote(offer, hh))
    except (InvalidHousehold, QuoteRefused, OfferNotFound) as exc:
        raise BadInput.of(exc) from None


@router.post(
    "/css/",
    response={200: CssOut, **REFUSED},
    url_name="css",
    summary="Repérage Complémentaire santé solidaire (comme « mutuelle css --json »)",
    description="Chaque appel compte une orientation anonyme (jour, résultat, canal « api ») "
    "pour le comité de pilotage.",
)
def api_css(request: HttpRequest, payload: CssIn) -> dict[str, Any]:
    limit(request, "compute")
    try:
        hh = parse_css_household(dump(payload))
        result = screen(css_parameters(hh.date), hh)
    except (InvalidCssHousehold, CssParametersError, ValueError) as exc:
        raise BadInput.of(exc) from None
    CssOrientation.record(timezone.localdate(), result.verdict, "api")
    return result_to_dict(result)


@router.post(
    "/remboursement/",
    response={200: ReimburseOut, **REFUSED},
    url_name="reimburse",
    summary="Remboursement de soins (comme « mutuelle reimburse --json »)",
    description="Corps : le fichier de soins de « mutuelle reimburse » (offer, range, formula, "
    "cover_start, beneficiary, events[] avec benefit, billed_cents, br_cents, amo_cents…). "
    "Chaque événement porte la ligne de garantie, la règle, la source et les plafonds "
    "consommés ; une prestation que les textes ne publient pas est refusée en le disant.",
)
def api_reimburse(request: HttpRequest, payload: ClaimIn) -> dict[str, Any]:
    limit(request, "compute")
    try:
        claim = parse_claim(dump(payload))
        plan = compile_plan(claim.coverage.offer or latest_offer_id(), claim.coverage.range)
        result = settle(plan, claim.coverage, claim.events)
    except (InvalidClaim, PlanError, OfferNotFound) as exc:
        raise BadInput.of(exc) from None
    return batch_to_dict(plan, result.settlements, result.revised)


@router.post(
    "/adhesions/",
    response={201: AdhesionOut, 422: ErrorOut, **REFUSED},
    url_name="adhesion",
    summary="Demande d'adhésion : crée une adhésion « à instruire » dans le back office",
    description="Mêmes règles que le formulaire du site (éligibilité, dates, cotisation, modes "
    "de paiement et justificatifs décidés par le cœur métier, IBAN vérifié). Tout ou rien : une "
    "demande refusée ne crée rien. Les justificatifs se déposent sur le site ou en permanence. "
    "Avec l'en-tête Idempotency-Key (une valeur unique par demande, un UUID par exemple), "
    "renvoyer la même demande — après une coupure réseau, un double envoi — ne crée rien de "
    "plus et répond la demande déjà créée ; la même clé avec un autre contenu est refusée "
    "(HTTP 422).",
)
def api_adhesion(
    request: HttpRequest,
    payload: AdhesionIn,
    idempotency_key: str | None = Header(
        default=None,
        alias="Idempotency-Key",
        max_length=200,
        description="clé unique de la demande : un renvoi avec la même clé ne crée rien de plus",
    ),
) -> Status[dict[str, Any]]:
    limit(request, "adhesion")
    offer = services.the_offer()
    form = AdhesionRequestForm(
        _Data(_form_data(payload)), formulas=services.formulas_by_range(offer), offer=offer
    )
    if not form.is_valid():
        raise BadInput("demande invalide", _field_errors(form.errors), code="input")
    members = form.members()
    try:
        checked = services.check_request(offer, form.cleaned_data, members)
    except services.RequestRefused as exc:
        raise BadInput("demande refusée", exc.errors, code="refused") from None
    try:
        a = services.submit_request(
            offer, form.cleaned_data, members, checked, idempotency_key=idempotency_key or ""
        )
    except idempotency.KeyReused:
        return Status(
            422,
            {
                "error": "clé Idempotency-Key déjà utilisée pour une demande au contenu différent "
                ": une nouvelle demande prend une nouvelle clé",
                "code": "idempotency_key_reused",
            },
        )
    # The private link, as the site's form gives it (web/public/links.py): the visitor opens
    # the request and sends the justificatifs with it; only its hash is stored.
    token = links.create(a, [_link_document(n) for n in checked.documents])
    return Status(
        201,
        {
            "private_link": request.build_absolute_uri(
                reverse("public:request_link", args=[token])
            ),
            "number": a.number,
            "status": a.status,
            "formula": checked.formula,
            "start": a.start,
            "monthly_cents": a.monthly_cents or 0,
            "documents_to_provide": [
                {
                    "kind": n.kind.value,
                    "label": n.label,
                    "who": n.who,
                    "reason": n.reason,
                    "source": n.cite.public(),
                }
                for n in checked.documents
            ],
            "next_steps": "La Mutuelle Entrenous étudie la demande et recontacte la personne ; "
            "les justificatifs se déposent avec le lien privé, en permanence ou par courrier "
            "avec la référence.",
        },
    )


def _link_document(n: Any) -> dict[str, Any]:
    """A piece to send, as the request's page lists it (same keys as the site's form)."""
    return {
        "key": n.key,
        "kind": n.kind.value,
        "label": n.label,
        "who": n.who,
        "why": n.reason,
        "source": n.cite.public(),
        "person_index": n.person_index,
    }


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


@router.get("/permanences/", response=list[PlaceOut], url_name="permanences", summary="Permanences")
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
