"""The public site, in the Mutuelle's name (convention art. 4.2: both partners' logos).

Journeys: simulate (every formula side by side, CSS checked first) → needs-based advice →
ask to join (a pending adhesion, justificatifs, the bulletin as PDF); the permanences.
What the visitor typed is kept in the session (``household``) so that the next page starts
from it: nothing typed is lost between pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mutuelle.money import format_euros
from mutuelle.pricing import QuoteRefused
from mutuelle.web.members import services as members_services
from mutuelle.web.members.enums import AdhesionStatus, EventKind
from mutuelle.web.members.models import Adhesion
from mutuelle.web.public import charts, links, ratelimit, services, uploads
from mutuelle.web.public.contact import contact
from mutuelle.web.public.forms import (
    SITUATION_SHORT,
    AdhesionRequestForm,
    HouseholdForm,
    NeedsForm,
    UploadForm,
    rows_action,
)
from mutuelle.web.public.formulas import formula_choices, formula_levels
from mutuelle.web.public.models import PermanencePlace, PermanenceSlot, PlaceStatus
from mutuelle.web.public.simulation import request_surcharge

HOUSEHOLD_KEYS = (
    "situation",
    "start",
    "member_birth",
    "spouse_birth",
    "agent_entry",
    "agent_last_cover_end",
    "resources",
    "housing",
    "housing_aid",
    "rsa",
    "children",
)


def limited(bucket: str, methods: tuple[str, ...] = ("POST",)) -> Callable[[Any], Any]:
    """Rate-limit a page's ``methods`` (``ratelimit``; the POSTs by default): over the limit, a
    plain page says when to come back (HTTP 429), nothing is computed."""

    def wrap(view: Any) -> Any:
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Adding or removing a child is not a calculation: never counted (issue 9).
            if request.method in methods and rows_action(request.POST) is None:
                v = ratelimit.hit(request, bucket)
                if not v.allowed:
                    return too_many(request, v.retry_after)
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]

        return run

    return wrap


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """HTTP 429: the wait in minutes, and the ways to reach the Mutuelle without waiting."""
    minutes = max(1, -(-retry_after // 60))
    response = render(
        request,
        "public/429.html",
        {"minutes": minutes, "contact": contact(services.the_offer())},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def saved_household(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get("household", {}))


def save_household(request: HttpRequest, data: Any) -> None:
    kept = {k: data.get(k, "") for k in HOUSEHOLD_KEYS}
    count = services_children(data)
    for i in range(count):
        for s in ("birth", "situation", "first_name", "last_name"):
            key = f"child_{i}_{s}"
            if key in data:
                kept[key] = data.get(key, "")
    kept["children"] = str(count)
    request.session["household"] = kept


def initial_from(data: Any) -> dict[str, Any]:
    """Posted data as a form's initial values (a checkbox group keeps all its values)."""
    return {k: (v if len(v) > 1 else v[0]) for k, v in data.lists() if v}


def _keep_saved(request: HttpRequest, data: Any) -> Any:
    """The CSS page does not ask the situation and start: keep those saved before."""
    new = data.copy()
    old = saved_household(request)
    for key in ("situation", "start", "agent_entry", "agent_last_cover_end"):
        if not new.get(key) and old.get(key):
            new[key] = old[key]
    return new


def focus_after(posted: Any, form: Any) -> str:
    """The field to return to after « Ajouter un enfant » (the new child's first field) or
    « Retirer » (the button to add one), so that the page does not restart at the top."""
    count = form.children_count
    if posted.get("action") == "add_child" and count and not form.children_full_before:
        first = "first_name" if f"child_{count - 1}_first_name" in form.fields else "birth"
        return f"id_child_{count - 1}_{first}"
    return "ajouter-enfant"


def services_children(data: Any) -> int:
    try:
        return max(0, min(int(data.get("children", 0) or 0), 12))
    except (TypeError, ValueError):
        return 0


# --- pages ---------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    offer = services.the_offer()
    return render(request, "public/home.html", {"offer": offer, "page": "home"})


def _household_form(request: HttpRequest, for_css: bool = False) -> tuple[HouseholdForm, bool]:
    """The household form from the POST (or the session); True when it should be computed."""
    if request.method == "POST":
        changed = rows_action(request.POST)
        if changed is not None:
            save_household(request, changed)
            form = HouseholdForm(initial=initial_from(changed), for_css=for_css)
            form.focus = focus_after(request.POST, form)
            return form, False
        return HouseholdForm(request.POST, for_css=for_css), True
    return HouseholdForm(initial=saved_household(request), for_css=for_css), False


@limited("compute")
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    offer = services.the_offer()
    form, compute = _household_form(request)
    context: dict[str, Any] = {
        "form": form,
        "offer": offer,
        "page": "simulator",
        "focus": getattr(form, "focus", ""),
    }
    if compute and form.is_valid():
        save_household(request, request.POST)
        d = form.cleaned_data
        members = form.members()
        hh = services.to_household(
            offer,
            d["situation"],
            d["start"],
            members,
            d.get("agent_entry"),
            d.get("agent_last_cover_end"),
        )
        for name, problem in services.member_problems(offer, hh, members).items():
            form.add_error(name, problem)
        if form.is_valid():
            try:
                sim = services.simulate(offer, hh)
            except QuoteRefused as exc:
                form.add_error(services.field_for(exc) or None, services.plain_refusal(exc))
            else:
                css = services.css_check(
                    members,
                    resources_cents=d.get("resources"),
                    housing=d.get("housing") or "tenant",
                    housing_aid_cents=d.get("housing_aid"),
                    rsa=bool(d.get("rsa")),
                )
                if css is not None:
                    services.record_orientation(request, css)
                context.update(
                    sim=sim,
                    css=css,
                    situation=SITUATION_SHORT[d["situation"]],
                    chart=_price_chart(sim),
                )
    return render(request, "public/simulator.html", context, status=_status(form))


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def _price_chart(sim: services.Simulation) -> dict[str, Any]:
    bars = [
        charts.Bar(
            label=c.formula,
            segments=(charts.Segment(c.monthly_cents, "premium", "cotisation"),),
            value_text=f"{format_euros(c.monthly_cents)} par mois",
            highlight=c.cheapest,
        )
        for c in sim.priced
    ]
    return charts.bar_chart(
        "Cotisation mensuelle du foyer, par formule", bars, [], chart_id="chart-prices"
    )


@limited("compute")
@require_http_methods(["GET", "POST"])
def css_page(request: HttpRequest) -> HttpResponse:
    form, compute = _household_form(request, for_css=True)
    context: dict[str, Any] = {"form": form, "page": "css", "focus": getattr(form, "focus", "")}
    if compute and form.is_valid():
        save_household(request, _keep_saved(request, request.POST))
        d = form.cleaned_data
        if d.get("resources") is None and not d.get("rsa"):
            form.add_error(
                "resources",
                "Indiquez les ressources de votre foyer sur les 12 derniers mois (0 si aucune), "
                "ou cochez la case RSA.",
            )
        else:
            css = services.css_check(
                form.members(),
                resources_cents=d.get("resources"),
                housing=d.get("housing") or "tenant",
                housing_aid_cents=d.get("housing_aid"),
                rsa=bool(d.get("rsa")),
            )
            if css is None:
                form.add_error(None, "Les plafonds de la CSS ne sont pas disponibles.")
            else:
                services.record_orientation(request, css)
                context["css"] = css
    return render(request, "public/css.html", context, status=_status(form))


def permanences(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    places = list(
        PermanencePlace.objects.exclude(status=PlaceStatus.CLOSED).prefetch_related(
            Prefetch("slots", queryset=PermanenceSlot.objects.order_by("weekday", "starts", "id"))
        )
    )
    rows = []
    for p in places:
        slots = [s for s in p.slots.all() if s.current_on(today)]
        rows.append({"place": p, "slots": slots})
    return render(
        request,
        "public/permanences.html",
        {
            "rows": rows,
            "page": "permanences",
            "today": today,
            "contact": contact(services.the_offer()),
        },
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "public/accessibility.html", {"page": "accessibility"})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "public/privacy.html", {"page": "privacy"})


# --- ask to join ---------------------------------------------------------------------------


@limited("compute")  # the anti-abuse ceiling of every form (60 a minute): no visitor meets it
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The request form. Only a request actually filed counts in the limit of requests (bucket
    « adhesion »): a correction, a refused check or adding a person never does (issue 9)."""
    offer = services.the_offer()
    formulas = services.formulas_by_range(offer)
    choices = formula_choices(offer, formulas)
    context: dict[str, Any] = {
        "offer": offer,
        "page": "join",
        "formulas": formulas,
        "formulas_json": formulas,
        "tns_levels": formula_levels(offer, "tns") if "tns" in offer.ranges else {},
    }
    if request.method == "POST":
        changed = rows_action(request.POST)
        if changed is not None:
            form = AdhesionRequestForm(
                initial=initial_from(changed), formulas=formulas, offer=offer, choices=choices
            )
            context["focus"] = focus_after(request.POST, form)
        else:
            form = AdhesionRequestForm(
                request.POST, formulas=formulas, offer=offer, choices=choices
            )
            if form.is_valid():
                d = form.cleaned_data
                members = form.members()
                try:
                    checked = services.check_request(offer, d, members)
                except services.RequestRefused as exc:
                    for name, messages in exc.errors.items():
                        for msg in messages:
                            form.add_error(name or None, msg)
                else:
                    v = ratelimit.hit(request, "adhesion")
                    if not v.allowed:
                        return too_many(request, v.retry_after)
                    adhesion = services.submit_request(
                        offer,
                        d,
                        members,
                        checked,
                        idempotency_key=d.get("request_key") or "",
                        same_key_other_content="new",
                    )
                    documents = [
                        {
                            "key": n.key,
                            "kind": n.kind.value,
                            "label": n.label,
                            "who": n.who,
                            "why": n.reason,
                            "source": n.cite.public(),
                            "person_index": n.person_index,
                        }
                        for n in checked.documents
                    ]
                    token = links.create(adhesion, documents)
                    links.remember(request, adhesion, token, documents)
                    return redirect("public:request", number=adhesion.number)
    else:
        initial = saved_household(request)
        if request.GET.get("formule"):
            initial["formula"] = request.GET["formule"]
        if request.GET.get("situation") in formulas:
            initial["situation"] = request.GET["situation"]
        form = AdhesionRequestForm(initial=initial, formulas=formulas, offer=offer, choices=choices)
    context["form"] = form
    return render(request, "public/join.html", context, status=_status(form))


def request_link(request: HttpRequest, token: str) -> HttpResponse:
    """The private link: opens the request on this device while it is pending."""
    link = links.find(token)
    if link is None:
        return render(
            request,
            "public/link_gone.html",
            {"contact": contact(services.the_offer()), "page": "join"},
            status=404,
        )
    links.remember(request, link.adhesion, token, link.documents)
    response = redirect("public:request", number=link.adhesion.number)
    response["Cache-Control"] = "no-store"  # the token stays out of caches
    response["Referrer-Policy"] = "no-referrer"
    return response


def _my_request(request: HttpRequest, number: str) -> Adhesion:
    """A request is shown only in a browser that sent it or opened its private link, for a
    while after its last visit (``mutuelle.web.public.links``: personal data)."""
    if not links.allowed(request, number):
        raise Http404("demande inconnue dans cette session")
    # A validated request has its adhesion number; the request's number is in the history.
    rows = Adhesion.objects.select_related("member").prefetch_related(
        "affiliations__person", "formula_periods", "documents"
    )
    found = (
        rows.filter(number=number).first()
        or rows.filter(events__kind=EventKind.VALIDATED, events__data__request=number).first()
    )
    if found is None:
        raise Http404("demande inconnue")
    return found


@limited("upload")
@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, number: str) -> HttpResponse:
    adhesion = _my_request(request, number)
    info = request_info(request, adhesion)  # its private link
    # One list of pieces for the visitor and staff (members.services.request_pieces, issue 8).
    needed = members_services.request_pieces(adhesion, timezone.localdate())
    kinds = [(n["key"], f"{n['label']} — {n['who']}") for n in needed if not n["received"]]
    decision = members_services.request_decision(adhesion)
    open_request = adhesion.status == AdhesionStatus.PENDING
    form = UploadForm(kinds=kinds)
    sent_ok = ""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, kinds=kinds)
        refused = getattr(request, "upload_refused", "")  # mutuelle.web.security.limits
        if refused:
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", refused)
        elif not open_request:
            form.is_valid()
            form.add_error(None, "Cette demande n'attend plus de pièces.")
        elif form.is_valid():
            target = next(n for n in needed if n["key"] == form.cleaned_data["kind"])
            try:
                uploads.attach(adhesion, target, form.cleaned_data["file"])
            except uploads.Rejected as exc:
                form.add_error("file", str(exc))
            else:
                sent_ok = f"{target['label']} ({target['who']}) : fichier bien reçu."
                adhesion = _my_request(request, number)
                needed = members_services.request_pieces(adhesion, timezone.localdate())
                kinds = [
                    (n["key"], f"{n['label']} — {n['who']}") for n in needed if not n["received"]
                ]
                form = UploadForm(kinds=kinds)
    rows = needed
    context = {
        "adhesion": adhesion,
        "documents": rows,
        "missing": [r for r in rows if not r["received"]] if open_request else [],
        "decision": decision,
        "request_number": number,
        "form": form,
        "sent_ok": sent_ok,
        "page": "join",
        "formula": adhesion.formula_periods.all()[0].formula,
        "monthly": adhesion.monthly_cents,
        "link_url": info.get("link_url", ""),
        "surcharge": request_surcharge(services.the_offer(), adhesion),
        "link_hours": links.SESSION_SECONDS // 3600,
        "contact": contact(services.the_offer()),
    }
    status = 400 if form.is_bound and form.errors else 200
    response = render(request, "public/request.html", context, status=status)
    # Personal data and the private link: never cached. (The site's « same-origin » referrer
    # policy stays: « no-referrer » would send « Origin: null » with the upload form, which the
    # CSRF check refuses.)
    response["Cache-Control"] = "no-store"
    return response


def request_info(request: HttpRequest, adhesion: Adhesion) -> dict[str, Any]:
    """The justificatifs the request needs and its private address, for the page and PDF."""
    info = dict(request.session.get(f"request:{adhesion.number}", {}))
    link = getattr(adhesion, "public_link", None)
    if "documents" not in info:
        info["documents"] = link.documents if link is not None else []
    token = info.get("link", "")
    info["link_url"] = (
        request.build_absolute_uri(reverse("public:request_link", kwargs={"token": token}))
        if token
        else ""
    )
    return info


# --- errors --------------------------------------------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "public/csrf.html", {"back": request.path}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "public/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "public/500.html", status=500)


def join_link(formula: str, rid: str) -> str:
    return reverse("public:join") + f"?formule={formula}&situation={rid}"


__all__ = ["settings"]


# --- needs-based advice --------------------------------------------------------------------


@limited("compute")
@require_http_methods(["GET", "POST"])
def advice(request: HttpRequest) -> HttpResponse:
    """Step 1: the household (or the one saved by the simulator); step 2: the care expected
    per person; the result: premium + expected out-of-pocket per formula (``mutuelle.advice``)."""
    from mutuelle.advice import PersonNeeds, advise, load_typical_prices

    offer = services.the_offer()
    prices = load_typical_prices()
    context: dict[str, Any] = {"page": "advice", "prices": prices}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action != "needs":
        hform, compute = _household_form(request)
        if compute and hform.is_valid():
            save_household(request, request.POST)
            return redirect(reverse("public:advice") + "#besoins")
        context["hform"] = hform
        context["focus"] = getattr(hform, "focus", "")
        return render(request, "public/advice.html", context, status=_status(hform))
    saved = saved_household(request)
    hform = HouseholdForm(saved) if saved else HouseholdForm()
    if not saved or not hform.is_valid():
        context["hform"] = HouseholdForm(initial=saved)
        return render(request, "public/advice.html", context)
    d = hform.cleaned_data
    members = hform.members()
    hh = services.to_household(
        offer,
        d["situation"],
        d["start"],
        members,
        d.get("agent_entry"),
        d.get("agent_last_cover_end"),
    )
    year = d["start"].year
    persons = [
        (services.person_label(m), m["birth_date"] and year - m["birth_date"].year) for m in members
    ]
    needs_form = NeedsForm(
        request.POST if action == "needs" else None,
        persons=persons,
        needs=list(prices.needs),
        initial=request.session.get("needs", {}),
    )
    context.update(
        needs_form=needs_form,
        persons=persons,
        situation=SITUATION_SHORT[d["situation"]],
        start=d["start"],
        year=year,
    )
    if action == "needs" and needs_form.is_valid():
        request.session["needs"] = {k: v for k, v in needs_form.cleaned_data.items() if v}
        quantities = needs_form.quantities()
        if not any(quantities):
            needs_form.add_error(None, "Indiquez au moins un soin prévu dans l'année.")
        else:
            people = [
                PersonNeeds(label, m["birth_date"], q)
                for (label, _), m, q in zip(persons, members, quantities, strict=True)
            ]
            try:
                result = advise(offer, hh, people, prices)
            except QuoteRefused as exc:
                needs_form.add_error(None, services.plain_refusal(exc))
            else:
                css = services.css_check(
                    members,
                    resources_cents=d.get("resources"),
                    housing=d.get("housing") or "tenant",
                    housing_aid_cents=d.get("housing_aid"),
                    rsa=bool(d.get("rsa")),
                )
                if css is not None:
                    services.record_orientation(request, css)
                context.update(result=result, css=css, chart=_advice_chart(result))
    status = 400 if needs_form.is_bound and needs_form.errors else 200
    return render(request, "public/advice.html", context, status=status)


def _advice_chart(result: Any) -> dict[str, Any]:
    bars = [
        charts.Bar(
            label=f.formula if f.complete else f"{f.formula} (au plus)",
            segments=(
                charts.Segment(f.premium_cents, "premium", "cotisation"),
                charts.Segment(max(0, f.out_of_pocket_cents), "rest", "reste à charge"),
            ),
            value_text=f"{format_euros(f.total_cents)} par an",
            highlight=f.cheapest,
        )
        for f in result.formulas
    ]
    return charts.bar_chart(
        "Coût total de l'année par formule : cotisation + reste à charge",
        bars,
        [("premium", "cotisation"), ("rest", "reste à votre charge")],
        chart_id="chart-advice",
        best_label="le coût total le plus bas",
    )
