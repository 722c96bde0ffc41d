"""The request's summary as a PDF: the content of the bulletin d'adhésion (Règlement
particuliers I-3-2: identity, insured persons, formula, contribution and payment, effective
date and conditions), rendered from an HTML template by WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from mutuelle import membership as core
from mutuelle.web.members.models import Adhesion
from mutuelle.web.public import services, uploads


def masked_iban(iban: str) -> str:
    if len(iban) < 8:
        return "—"
    groups = [iban[i : i + 4] for i in range(0, len(iban), 4)]
    return " ".join([groups[0], *("••••" for _ in groups[1:-1]), groups[-1]])


def bulletin_context(adhesion: Adhesion, documents: list[dict[str, Any]]) -> dict[str, Any]:
    offer = services.the_offer()
    rng = offer.ranges[adhesion.range]  # type: ignore[index]
    window = core.renunciation_window(
        offer,
        adhesion.range,
        channel="distance",
        signed_on=adhesion.signed_on,
        effective_on=adhesion.start,
    )
    rules = core.rules_for(offer, adhesion.range)
    received = {(d.kind, d.note) for d in adhesion.documents.all() if d.file}
    return {
        "adhesion": adhesion,
        "offer": offer,
        "range": rng,
        "formula": adhesion.formula_periods.all()[0].formula,
        "affiliations": list(adhesion.affiliations.order_by("id")),
        "iban": masked_iban(adhesion.iban),
        "window": window,
        "effective_source": offer.cite(rules.effective_date.source),
        "documents": [
            {**n, "received": (n["kind"], uploads.note_for(n)) in received} for n in documents
        ],
        "generated": timezone.localtime(),
    }


def bulletin_pdf(
    request: HttpRequest, adhesion: Adhesion, documents: list[dict[str, Any]]
) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "public/bulletin_pdf.html", bulletin_context(adhesion, documents), request=request
    )
    # Self-contained template (inline styles and logos): nothing is fetched while rendering.
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
