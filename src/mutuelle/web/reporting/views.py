"""The town's view: a ``ville`` account (permission ``reporting.view_town_aggregates``) reads the
reports the Mutuelle published to the steering committee — aggregates only, every small figure
suppressed with its complement — and exports them (CSV, XLSX, PDF) for the meeting. Nothing here
reads a member, a claim, a payment or a complaint: only :class:`~.models.Publication`."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from mutuelle.reporting.disclosure import SECRET_TEXT, THRESHOLD
from mutuelle.reporting.periods import Period
from mutuelle.reporting.report import Report
from mutuelle.web.reporting import exports, services
from mutuelle.web.reporting.models import TOWN_PERMISSION

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Login(auth_views.LoginView):
    template_name = "reporting/login.html"
    redirect_authenticated_user = True
    # Without ?next=, the town's own dashboard (not Django's default /accounts/profile/).
    next_page = reverse_lazy("ville:dashboard")
    extra_context = {"title": "Connexion — comité de pilotage"}


class Logout(auth_views.LogoutView):
    next_page = reverse_lazy("ville:login")


def _refuse(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reporting/message.html",
        {
            "title": "Accès réservé",
            "message": "Ce compte n'a pas accès aux rapports du comité de pilotage. Les comptes "
            "de la Ville sont créés par la Mutuelle.",
        },
        status=403,
    )


def _allowed(request: HttpRequest) -> bool:
    return bool(request.user.has_perm(TOWN_PERMISSION))


def _context(report: Report | None, **extra: Any) -> dict[str, Any]:
    pubs = services.publications()
    years: dict[int, list[Any]] = {}
    for p in sorted(pubs, key=lambda p: Period.parse(p.period)):
        period = Period.parse(p.period)
        years.setdefault(period.year, []).append({"key": p.period, "label": period.label})
    return {
        "report": report,
        "publications": pubs,
        "years": sorted(years.items(), reverse=True),
        "secret": SECRET_TEXT,
        "threshold": THRESHOLD,
        **extra,
    }


@login_required(login_url="ville:login")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return _refuse(request)
    pubs = services.publications()
    report = services.published(pubs[0].period) if pubs else None
    return render(request, "reporting/dashboard.html", _context(report, title="Comité de pilotage"))


def _published_or_404(request: HttpRequest, period: str) -> Report | HttpResponse:
    try:
        return services.published(period)
    except services.NotAvailable as exc:
        return render(
            request,
            "reporting/message.html",
            {"title": "Rapport introuvable", "message": exc.message},
            status=404,
        )


@login_required(login_url="ville:login")
@require_GET
def period_report(request: HttpRequest, period: str) -> HttpResponse:
    if not _allowed(request):
        return _refuse(request)
    found = _published_or_404(request, period)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "reporting/dashboard.html", _context(found, title=found.title))


@login_required(login_url="ville:login")
@require_GET
def export(request: HttpRequest, period: str, fmt: str) -> HttpResponse:
    if not _allowed(request):
        return _refuse(request)
    found = _published_or_404(request, period)
    if isinstance(found, HttpResponse):
        return found
    return export_response(found, fmt, request.user)


def export_response(report: Report, fmt: str, actor: Any = None) -> HttpResponse:
    name = f"comite-de-pilotage-{report.period_key}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(report), content_type="text/csv; charset=utf-8")
    elif fmt == "pdf":
        response = HttpResponse(services.report_pdf(report, actor), content_type="application/pdf")
    else:
        buf = io.BytesIO()
        exports.to_xlsx(report, buf)
        response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
