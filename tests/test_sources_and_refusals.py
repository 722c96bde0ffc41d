"""Sources are structured: the staff rendering as before, a public one for residents (the
document's title and article, gaps in plain words, never a file name, a line, an interpretation
id or an offer id). Every core refuses with one type that carries a code."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mutuelle.benefits import PlanError, compile_plan, settle
from mutuelle.benefits.events import CareEvent, Coverage
from mutuelle.explain import Citation, Cited, public_article
from mutuelle.membership import Refused, effective_date
from mutuelle.offers import load_offer
from mutuelle.offers.model import Source
from mutuelle.pricing import Household, Member, QuoteRefused, quote
from mutuelle.pricing.household import AgentFacts
from mutuelle.refusal import Code, InputError, Refusal

D = dt.date
NOT_FOR_RESIDENTS = re.compile(
    r"\.txt|\bl\. \d|docs/|interpretations\.md|\b[GI]-\d{2,3}\b(?!-)|grenoble-2025|seed"
)


def _offer_sources(value: object, out: list[Source]) -> None:
    from pydantic import BaseModel

    if isinstance(value, Source):
        out.append(value)
    elif isinstance(value, BaseModel):
        for _, sub in value:
            _offer_sources(sub, out)
    elif isinstance(value, tuple | list):
        for sub in value:
            _offer_sources(sub, out)
    elif isinstance(value, dict):
        for sub in value.values():
            _offer_sources(sub, out)


def test_the_public_rendering_of_every_source_is_for_residents() -> None:
    offer = load_offer("grenoble-2025")
    found: list[Source] = []
    _offer_sources(offer.ranges, found)
    cited: list[Cited] = [offer.citation(s) for s in found]
    for rid in ("residents", "students", "agents", "tns"):
        plan = compile_plan(offer.id, rid)
        cited.extend(r.cite for r in plan.rules.values())
        cited.extend(
            line.cite
            for choices in plan.codes.values()
            for c in choices
            for line in c.by_formula.values()
        )
        cited.append(plan.not_in_table_cite)
    assert len(cited) > 500
    for c in cited:
        public = c.public()
        assert public and not NOT_FOR_RESIDENTS.search(public), public
        assert c.staff() == str(c)


def test_both_renderings_of_a_citation() -> None:
    offer = load_offer("grenoble-2025")
    p = offer.ranges["residents"].pricing
    c = offer.citation(p.newborn_free_months.source)
    assert c.staff() == offer.cite(p.newborn_free_months.source)
    assert "l. 2773" in c.staff() and "I-05" in c.staff()
    assert c.public() == "Règlement mutualiste, art. III-1-3"
    assert offer.citation(offer.price_guarantee.source).public() == "Convention, art. 2.2"


@pytest.mark.parametrize(
    ("ref", "article"),
    [
        ("III-1-3 Cas d'exonération des cotisations (nouveau-nés)", "art. III-1-3"),
        ("art. 2.2 Tarifs (cotisations garanties…) et art. 6 (trois ans)", "art. 2.2"),
        ("4-1-8 Frais accompagnant", "art. 4-1-8"),
        ("Cotisations 1-1 Principe (majoration de 2 %)", "Cotisations, art. 1-1"),
        ("Annexe 2 Périodicités", "annexe 2"),
        ("L.114-2 (âge minimal d'adhésion)", "art. L.114-2"),
        ("Bases de remboursement (Plafonds AMO incluse)", "Bases de remboursement"),
    ],
)
def test_a_resident_reads_the_article_only(ref: str, article: str) -> None:
    assert public_article(ref) == article


def test_a_gap_reads_in_plain_words() -> None:
    offer = load_offer("grenoble-2025")
    q = quote(
        offer,
        Household(
            "residents", D(2025, 1, 1), (Member("adherent", D(1944, 3, 1), 0),)
        ),  # tariff age 81: « 80 ans et + » is blank in Beaufortain and Vanoise (G-01)
    )
    (refused, *_) = [f for f in q.formulas if hasattr(f, "error")]
    assert "G-01" in refused.error and "l. 5847" in refused.source
    assert refused.cite.public() == (
        "Tarifs mensuels 2025, annexe 4 — la grille publiée ne donne pas ce tarif (case vide "
        "pour cet âge dans cette formule)"
    )


def test_every_core_refuses_with_a_code() -> None:
    offer = load_offer("grenoble-2025")
    young = Household("residents", D(2025, 1, 1), (Member("adherent", D(2012, 1, 1), 0),))
    with pytest.raises(QuoteRefused) as q:
        quote(offer, young)
    assert isinstance(q.value, Refusal) and q.value.code == Code.MEMBER_AGE
    agent = Household(
        "agents", D(2025, 1, 1), (Member("adherent", D(1970, 1, 1), 0, agent=AgentFacts()),)
    )
    with pytest.raises(QuoteRefused) as a:
        quote(offer, agent)
    assert a.value.code == Code.AGENT_FACTS
    with pytest.raises(Refused) as m:
        effective_date(offer, "residents", file_sent_on=D(2025, 3, 1))
    assert m.value.code == Code.EFFECTIVE_DATE and m.value.to_dict()["code"] == "effective_date"
    with pytest.raises(PlanError) as p:
        compile_plan("grenoble-2025", "mars")
    assert p.value.code == Code.RANGE and isinstance(p.value, LookupError)
    plan = compile_plan("grenoble-2025", "residents")
    cov = Coverage(
        None, "residents", ((D(2025, 1, 1), "Vercors"),), D(2025, 1, 1), None, D(1980, 1, 1)
    )
    (s,) = settle(
        plan, cov, [CareEvent("e", D(2024, 12, 1), "generaliste", billed_cents=1)]
    ).settlements
    assert s.error_code == Code.COVER_PERIOD and "l. 3259" in (s.error_source or "")
    assert issubclass(InputError, ValueError)


def test_a_citation_outside_the_offer() -> None:
    c = Cited.outside("R861-2 CSS ; regulation.md §3.3", "Code de la sécurité sociale, art. R861-2")
    assert c.staff() == "R861-2 CSS ; regulation.md §3.3"
    assert c.public() == "Code de la sécurité sociale, art. R861-2"
    both = c + Cited(
        (Citation("annexe1", "Règlement mutualiste", "Règlement particuliers", "I-2"),)
    )
    assert both.public() == "Règlement mutualiste ; Code de la sécurité sociale, art. R861-2"


def test_the_public_source_template_filter() -> None:
    from mutuelle.web.public.templatetags.public_tags import public_source

    offer = load_offer("grenoble-2025")
    young = Household("residents", D(2025, 1, 1), (Member("adherent", D(2012, 1, 1), 0),))
    with pytest.raises(QuoteRefused) as q:
        quote(offer, young)
    assert public_source(q.value) == "Règlement mutualiste, art. I-2"
    adult = Household("residents", D(2025, 1, 1), (Member("adherent", D(1980, 1, 1), 0),))
    step = quote(offer, adult).formulas[0].members[0].steps[1]  # type: ignore[union-attr]
    assert public_source(step) == "Règlement mutualiste, art. III-1-1"
    assert public_source(step.cite) == public_source(step) and public_source(object()) == ""
