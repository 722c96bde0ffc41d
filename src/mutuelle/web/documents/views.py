"""Serving produced documents. The public summary of an online request keeps its address
(``public:request_pdf``, ``/adherer/demande/<n>/recapitulatif.pdf``): only the session that
sent the request sees it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from mutuelle.documents import DocumentKind
from mutuelle.web.documents import services
from mutuelle.web.documents.bulletin import bulletin_document


def request_pdf(request: HttpRequest, number: str) -> HttpResponse:
    from mutuelle.web.public.views import limited

    # Rendering costs about half a second of CPU: limited like the other costly pages (issue 12).
    return limited("pdf", methods=("GET", "HEAD"))(_request_pdf)(request, number)


def _request_pdf(request: HttpRequest, number: str) -> HttpResponse:
    from mutuelle.web.public.views import _my_request

    adhesion = _my_request(request, number)
    from mutuelle.web.public.views import request_info

    info = request_info(request, adhesion)
    produced = services.produce(
        bulletin_document(adhesion, info["documents"], info.get("link_url", "")),
        kind=DocumentKind.bulletin,
        owner=adhesion,
        offer=adhesion.offer,
    )
    response = HttpResponse(services.read_pdf(produced), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="demande-{adhesion.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
