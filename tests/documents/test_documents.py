"""Documents: plain models built by the cores, one renderer (WeasyPrint, tagged PDF), every
produced document recorded, kept readable by the server only, and provable again later."""

from __future__ import annotations

import datetime as dt
import io
import stat

import pytest
from pypdf import PdfReader
from tests.factories import AdhesionFactory, ProducedDocumentFactory, small_document
from tests.web.conftest import login

from mutuelle.documents import (
    Bar,
    Document,
    DocumentKind,
    Field,
    KeyValues,
    Paragraph,
    Party,
    Section,
    Table,
    Text,
    bar_chart,
    document_from_data,
)
from mutuelle.web.documents import services
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.documents.render import render_html

AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def committee_report() -> Document:
    """What reporting will build: aggregates, a table and a chart, no one's personal data."""
    chart = bar_chart(
        "Adhésions par gamme",
        [Bar("Particuliers", 1840, "1 840"), Bar("Agents", 460, "460"), Bar("TNS", 390, "390")],
    )
    return Document(
        title="Comité de pilotage — 4e trimestre 2026",
        reference="COPIL 2026-T4",
        issued_at=AT,
        brands=("Mutuelle Entrenous", "Ville de Grenoble"),
        parties=(Party("Destinataire", "Comité de pilotage", ("Ville de Grenoble",)),),
        intro=(Paragraph.of("Indicateurs ", Text("agrégés", strong=True), " du trimestre."),),
        sections=(
            Section(
                "Adhésions",
                (
                    Table(
                        ("Gamme", "Adhésions", "Part"),
                        (("Particuliers", "1 840", "68 %"), ("Agents", "460", "17 %")),
                        numeric=(1, 2),
                        caption="Au 31 décembre 2026",
                    ),
                    chart,
                ),
            ),
            Section("Rapport P/C", (KeyValues((Field("P/C", "71 %", strong=True),)),)),
        ),
        sources=("exemple : la source de chaque indicateur",),
        footer=("Données agrégées : aucune donnée personnelle.",),
    )


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_a_document_is_a_value_that_round_trips_through_json() -> None:
    d = committee_report()
    again = document_from_data(d.to_data())
    assert again == d and again.fingerprint() == d.fingerprint()
    later = document_from_data({**d.to_data(), "issued_at": "2027-01-05T08:00:00+00:00"})
    assert later.fingerprint() == d.fingerprint()  # the same content, edited later
    with pytest.raises(ValueError, match="fuseau"):
        Document(title="x", reference="x", issued_at=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="colonnes"):
        Table(("a", "b"), (("1",),))
    with pytest.raises(ValueError, match="négative"):
        bar_chart("x", [Bar("a", -1, "-1")])


@pytest.mark.django_db
def test_one_renderer_makes_a_tagged_reproducible_pdf() -> None:
    d = committee_report()
    html = render_html(d)
    assert '<html lang="fr">' in html and "<svg" in html and 'class="num"' in html
    pdf = services.render_pdf(d)
    assert pdf.startswith(b"%PDF-") and services.render_pdf(d) == pdf  # same bytes again
    text = text_of(pdf)
    for expected in (
        "Comité de pilotage — 4e trimestre 2026",
        "Particuliers",
        "71 %",
        "COPIL 2026-T4 — page 1 / 1",
        "Édité le 02/11/2026 à 10:30",
    ):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged (PDF/UA-1)
    assert root["/Lang"] == "fr" and reader.metadata.title == d.title


@pytest.mark.django_db
def test_a_produced_document_is_recorded_kept_private_and_provable() -> None:
    a = AdhesionFactory()
    produced = ProducedDocumentFactory(adhesion=a)
    assert (produced.kind, produced.adhesion, produced.person) == ("attestation", a, a.member)
    assert produced.offer == "grenoble-2025" and produced.template_version == "2"
    path = services.documents_dir() / produced.path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert services.read_pdf(produced).startswith(b"%PDF-")
    assert len(produced.sha256) == 64 and produced.size == path.stat().st_size
    # The same content for the same owner is produced once.
    assert ProducedDocumentFactory(adhesion=a) == produced
    assert ProducedDocument.objects.count() == 1
    check = services.verify(produced)
    assert check.ok and "redonne exactement le même PDF" in check.message
    # A kept file altered afterwards is caught; the record still re-produces the original.
    path.chmod(0o600)
    path.write_bytes(path.read_bytes() + b"%")
    check = services.verify(produced)
    assert not check.ok and not check.stored_ok and check.reproduced_ok


@pytest.mark.django_db
def test_a_batch_renders_many_in_one_process_and_resumes(django_assert_max_num_queries) -> None:
    owners = [AdhesionFactory() for _ in range(6)]
    items = [
        services.Item(small_document(reference=a.number), DocumentKind.attestation, a, a.offer)
        for a in owners
    ]
    assert services.produce_many(items[:2], batch="essai") == 2  # interrupted after two
    with django_assert_max_num_queries(6):
        assert services.produce_many(items, batch="essai", chunk=10) == 4
    assert services.produce_many(items, batch="essai") == 0
    assert ProducedDocument.objects.filter(batch="essai").count() == 6
    assert all(services.verify(p).ok for p in ProducedDocument.objects.all()[:2])


@pytest.mark.django_db
def test_the_back_office_lists_opens_and_verifies_produced_documents(client, staff) -> None:
    from django.urls import reverse

    produced = ProducedDocumentFactory()
    login(client, staff)
    r = client.get(reverse("admin:documents_produceddocument_changelist"))
    assert r.status_code == 200 and produced.sha256[:12] in r.text
    r = client.get(reverse("admin:documents_produceddocument_pdf", args=[produced.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF-")
    r = client.post(
        reverse("admin:documents_produceddocument_changelist"),
        {"action": "verify", "_selected_action": [produced.pk]},
        follow=True,
    )
    assert "redonne exactement le même PDF" in r.text
