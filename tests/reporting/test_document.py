"""The committee's report as a printable document (pure core): what the report shows and
nothing else, in the committee's order, the secret mark for a suppressed figure."""

from __future__ import annotations

import datetime as dt

from mutuelle.documents import Figure, KeyValues, Paragraph, Table
from mutuelle.reporting.document import committee_document, readable
from mutuelle.reporting.report import CellOut, Report, SectionOut, TableOut

SEED = "Convention art. 5, 9e indicateur (003_51bb29aac179bcf5.txt l. 2000)"


def section(id_: str, number: int | None, **kw) -> SectionOut:
    base = {"tables": (), "lists": (), "checks": (), "notes": (), "unavailable": ""}
    return SectionOut(id_, number, f"titre {id_}", SEED, **{**base, **kw})


def report() -> Report:
    complaints = TableOut(
        "complaints_subject",
        "Réclamations reçues, par objet",
        "Objet",
        ("nombre",),
        (("Tiers payant", (CellOut(None, "s", True),)), ("Autre", (CellOut(14, "14"),))),
        ("Total", (CellOut(None, "s", True),)),
        "",
        SEED,
        '<svg xmlns="http://www.w3.org/2000/svg" width="100%"><desc>Autre : 14</desc></svg>',
    )
    check = {
        "id": "events",
        "commitment": "au moins 4 événements par an",
        "done": "1 événement(s)",
        "state": "behind",
        "state_label": "en retard",
        "source": SEED,
        "detail": [],
    }
    return Report(
        title="Rapport au comité — 1er trimestre 2026",
        period_key="2026-Q1",
        period_label="1er trimestre 2026",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 31),
        offer="grenoble-2025",
        generated_on=dt.date(2026, 4, 2),
        sections=(
            section("outreach", None, checks=(check,)),
            section(
                "pc",
                None,
                notes=(
                    "Réponse de la convention : P/C de 104,00 % ≤ 110 % : aucune revalorisation.",
                    "À côté, la loi : « gel 2026 » (LFSS 2026 art. 13).",
                ),
            ),
            section("complaints", 9, tables=(complaints,)),
            section("spending", 5, unavailable="pas encore disponible : la facturation"),
        ),
    )


def test_the_document_is_the_report_in_the_committees_order() -> None:
    doc = committee_document(report(), dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC))
    titles = [s.title for s in doc.sections]
    assert titles == [
        "Résumé",
        "5. titre spending",
        "9. titre complaints",
        "titre pc",
        "titre outreach",
    ]
    blocks = {s.title: s.blocks for s in doc.sections}
    (table,) = [b for b in blocks["9. titre complaints"] if isinstance(b, Table)]
    assert table.rows == (("Tiers payant", "s"), ("Autre", "14"), ("Total", "s"))
    assert table.numeric == (1,)
    (fig,) = [b for b in blocks["9. titre complaints"] if isinstance(b, Figure)]
    assert 'width="55%"' in fig.svg and "Autre : 14" in fig.alt
    said = " ".join(b.text for b in blocks["9. titre complaints"] if isinstance(b, Paragraph))
    assert "2 case(s) masquée(s)" in said and "003_" not in said
    assert any(
        isinstance(b, Paragraph) and b.style == "box" and "Pas encore disponible" in b.text
        for b in blocks["5. titre spending"]
    )
    (alert,) = [
        b for b in blocks["titre outreach"] if isinstance(b, Paragraph) and b.style == "alert"
    ]
    assert "au moins 4 événements par an" in alert.text
    (side,) = [b for b in blocks["titre pc"] if isinstance(b, KeyValues)]
    assert [f.label for f in side.rows] == ["Réponse de la convention", "À côté, la loi"]
    # The full references stay at the end; the summary counts what is behind.
    assert SEED in doc.sources
    summary = {f.label: f.value for f in blocks["Résumé"][0].rows}  # type: ignore[union-attr]
    assert summary["Engagements en retard"] == "1"
    assert summary["Réclamations reçues"] == "s"  # the total as the table shows it
    assert summary["Pas encore disponible"] == "titre spending"
    # The offer by its name, never its folder's id.
    assert summary["Offre"] == "Mutuelle communale – Ville de Grenoble × Mutuelle Entrenous (2025)"


def test_readable_sources() -> None:
    assert readable(SEED) == "Convention art. 5, 9e indicateur"
    assert (
        readable(
            "LFSS 2026 art. 13 (gel ; ../shared/reference/operations.md §8) — lecture "
            "docs/interpretations.md I-142"
        )
        == "LFSS 2026 art. 13 (gel) — lecture I-142"
    )
