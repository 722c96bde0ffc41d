"""The one renderer of produced documents: a :class:`mutuelle.documents.Document` → HTML
(Django template) → PDF (WeasyPrint, tagged PDF/UA-1).

The output is reproducible: the edition date is the document's own (``issued_at``, written in
the PDF's metadata), nothing is fetched while rendering (one self-contained stylesheet, no
images but inline SVG), so the same document, template version and WeasyPrint version give
the same bytes — which is what :func:`mutuelle.web.documents.services.verify` proves.

Templates are versioned (``document-v1.html`` + ``.css``): a change of layout is a new version,
and a document is re-produced with the version it was produced with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from mutuelle.documents import Document, Figure, KeyValues, Paragraph, Table

TEMPLATE_VERSION = "2"
TEMPLATES = {
    "1": ("documents/document-v1.html", "document-v1.css"),
    # v2: the same page, a table row never cut by a page break.
    "2": ("documents/document-v1.html", "document-v2.css"),
}
PDF_VARIANT = "pdf/ua-1"


def renderer() -> str:
    """What renders, recorded with each produced document (a new WeasyPrint may change bytes)."""
    import weasyprint

    return f"WeasyPrint {weasyprint.__version__}, {PDF_VARIANT}"


def _block(b: Paragraph | KeyValues | Table | Figure) -> tuple[str, Any]:
    match b:
        case Paragraph():
            return "paragraph", b
        case KeyValues():
            return "keyvalues", b
        case Table():
            widths = b.widths or tuple(0 for _ in b.columns)
            return "table", {
                "caption": b.caption,
                "cols": list(zip(b.columns, widths, strict=True)),
                "rows": [[(cell, i in b.numeric) for i, cell in enumerate(row)] for row in b.rows],
            }
        case Figure():
            return "figure", b


def render_html(document: Document, version: str = TEMPLATE_VERSION) -> str:
    template, _css = TEMPLATES[version]
    issued = timezone.localtime(document.issued_at)
    context = {
        "doc": document,
        "issued": issued,
        "created": document.issued_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sections": [
            {"title": s.title, "blocks": [_block(b) for b in s.blocks]} for s in document.sections
        ],
    }
    return render_to_string(template, context)


@cache
def _stylesheet(version: str) -> Any:
    from weasyprint import CSS

    _template, css = TEMPLATES[version]
    text = (files("mutuelle.web.documents") / "templates" / "documents" / css).read_text()
    return CSS(string=text, font_config=_fonts())


@cache
def _fonts() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(document: Document, version: str = TEMPLATE_VERSION) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(document, version)).write_pdf(
        stylesheets=[_stylesheet(version)], font_config=_fonts(), pdf_variant=PDF_VARIANT
    )
    return pdf


def render_many(documents: Iterable[Document], version: str = TEMPLATE_VERSION) -> Iterator[bytes]:
    """Render one document after another in this process (the stylesheet and fonts are loaded
    once), yielding each PDF as it is done — a batch never holds every PDF in memory."""
    for d in documents:
        yield render_pdf(d, version)
