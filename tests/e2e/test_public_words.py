"""Words a resident should never see (issue 9): every page that ``mutuelle screenshots`` visits
(its journey, run here in a real browser at phone width) and the request's PDF summary hold no
seed file name, line number, repository path, interpretation id or offer id, and none of the
wording slips residents reported."""

from __future__ import annotations

import io
import re

import pytest

from mutuelle.commands.screenshots import _journey
from mutuelle.offers.loader import available_offers

pytestmark = pytest.mark.django_db(transaction=True)

FORBIDDEN = {
    "un fichier des textes sources": re.compile(r"\b\d{3}_[0-9a-f]{8,}\b|\.txt\b"),
    "un numéro de ligne": re.compile(r"\bl\.\s?\d+"),
    "un chemin du dépôt": re.compile(r"\b(?:docs|src|tests|seeds?)/|\.(?:md|yaml|py)\b"),
    "un identifiant de lecture des textes": re.compile(r"\b[GI]-\d{2,3}\b"),
    "« Pour Votre » / « Pour Vous »": re.compile(r"Pour V(?:otre|ous)\b"),
    "« Enfant « Enfant n° »": re.compile(r"[Ee]nfant « Enfant"),
    "« pas lisible » pour une date qui n'existe pas": re.compile(r"31/02/\d{4}[^\n]*lisible"),
    "« sélectionnés »": re.compile(r"sélectionné"),
}


def leaks(text: str) -> list[str]:
    found = [
        f"{what} : « {text[max(0, m.start() - 40) : m.end() + 20]} »"
        for what, pattern in FORBIDDEN.items()
        for m in pattern.finditer(text)
    ]
    for offer_id in available_offers():
        if offer_id in text:
            found.append(f"l'identifiant d'offre {offer_id}")
    return found


def test_no_page_of_the_screenshots_journey_nor_the_pdf_shows_internal_words(page) -> None:
    from pypdf import PdfReader

    seen: dict[str, str] = {}

    def shot(name: str) -> None:
        seen[name] = page.locator("body").inner_text()
        link = page.get_by_role("link", name=re.compile("récapitulatif de ma demande"))
        if link.count():
            pdf = page.request.get(link.get_attribute("href"))
            assert pdf.ok
            reader = PdfReader(io.BytesIO(pdf.body()))
            seen[f"{name} (PDF)"] = "\n".join(p.extract_text() for p in reader.pages)

    _journey(page, shot)
    assert {
        "04-simulateur-resultat-famille",
        "07-conseil-resultat",
        "10-demande-enregistree",
        "14-conseil-81-ans",
        "16-adhesion-formules-tns",
    } <= set(seen)
    assert "10-demande-enregistree (PDF)" in seen
    problems = {name: found for name, text in seen.items() if (found := leaks(text))}
    assert not problems, problems
    # The private link is on screen and in the PDF.
    assert "/adherer/suivi/" in seen["10-demande-enregistree"]
    assert "/adherer/suivi/" in " ".join(seen["10-demande-enregistree (PDF)"].split())


def test_the_words_check_catches_what_residents_saw() -> None:
    for bad in (
        "(003_51bb29aac179bcf5.txt l. 1884)",
        "docs/interpretations.md I-09",
        "l'offre grenoble-2025",
        "Pour Votre conjoint-e",
        "Enfant « Enfant n° 1 »",
    ):
        assert leaks(bad), bad
    assert not leaks("Règlement mutualiste, art. III-1-3 ; Convention, art. 2.2")
