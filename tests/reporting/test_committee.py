"""The committee's reports from plain facts: every period's export protected together, so that
no export, nor any two put side by side, gives back a figure about fewer than 11 people."""

from __future__ import annotations

import datetime as dt
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.reporting.oracle import leaks

from mutuelle.reporting import complaints as cx
from mutuelle.reporting import outreach as ox
from mutuelle.reporting.committee import compute, published_values, report
from mutuelle.reporting.disclosure import SECRET_MARK
from mutuelle.reporting.facts import UNAVAILABLE_MONEY, CareLine, Facts, MoneyFacts
from mutuelle.reporting.pc import LoadingsRate, MoneyLine, Term
from mutuelle.reporting.population import (
    AdhesionFact,
    Cover,
    FormulaSpan,
    PriorCover,
    Role,
    Situation,
)
from mutuelle.reporting.report import Report
from mutuelle.reporting.rules import SteeringRules

D = dt.date
TODAY = D(2026, 1, 15)
LABELS = {"residents": "Particuliers", "students": "Étudiant-es", "agents": "Agents", "tns": "TNS"}


def population(seed: int, n: int) -> list[AdhesionFact]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        start = D(2025, rng.randint(1, 12), 1)
        end = start + dt.timedelta(days=rng.randint(20, 300)) if rng.random() < 0.15 else None
        deps = tuple(
            Cover(rng.choice([Role.SPOUSE, Role.CHILD]), D(rng.randint(1950, 2024), 5, 1), start)
            for _ in range(rng.choice([0, 0, 0, 1, 2, 3]))
        )
        out.append(
            AdhesionFact(
                rng.choices(list(LABELS), [6, 1, 2, 1])[0],
                start,
                end,
                D(rng.randint(1940, 2006), rng.randint(1, 12), 1),
                rng.choice(list(PriorCover)),
                rng.choice(list(Situation)),
                deps,
                (FormulaSpan(rng.choice(["Bauges", "Vercors", "Vanoise"]), start, end),),
                key=str(i),
            )
        )
    return out


def outreach(seed: int) -> ox.OutreachFacts:
    rng = random.Random(seed)
    days = [D(2025, 3, 3) + dt.timedelta(days=d) for d in range(0, 300, 2)]
    return ox.OutreachFacts(
        permanences=[
            ox.PermanenceFact(
                d,
                rng.choice(["Hôtel de Ville", "MDH Abbaye"]),
                1,
                rng.randint(0, 9),
                rng.randint(0, 4),
                rng.randint(0, 2),
            )
            for d in days
        ],
        actions=[
            ox.ActionFact(
                f"a{i}",
                D(2025, 3 + i, 10),
                rng.choice(list(ox.Audience)),
                f"Atelier {i}",
                rng.randint(2, 30),
            )
            for i in range(8)
        ],
        meetings=[ox.MeetingFact("m1", D(2025, 3, 12), ox.MeetingKind.PUBLIC, "Lancement", 60)],
    )


def complaints(seed: int) -> list[cx.ComplaintFact]:
    rng = random.Random(seed)
    return [
        cx.ComplaintFact(
            D(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 290)),
            rng.choice(list(LABELS)),
            rng.choice(list(cx.Subject)),
        )
        for _ in range(rng.randint(0, 40))
    ]


def all_reports(facts: Facts, rules: SteeringRules) -> tuple[list[Report], object, object]:
    built, prot = compute(facts, rules, TODAY)
    return [report(built, prot, p.key, TODAY) for p in built.periods], built, prot


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(0, 400))
def test_no_export_nor_any_two_together_give_back_a_small_figure(
    rules: SteeringRules, seed: int, n: int
) -> None:
    facts = Facts(population(seed, n), LABELS, outreach(seed), complaints(seed))
    built, prot = compute(facts, rules, TODAY)
    shown: dict[object, int] = {}
    for p in built.periods:
        shown.update(published_values(built, prot, p.key))
    for k in shown:
        people = built.family.cells[k].people
        assert people == 0 or people >= 11, (k, people)
    # Every export of every period, side by side (two periods, two groupings, stocks and flows).
    assert leaks(built.family.cells, built.family.equations, set(shown)) == set()


def test_a_report_a_committee_can_read(rules: SteeringRules) -> None:
    facts = Facts(population(7, 600), LABELS, outreach(7), complaints(7))
    reports, _, _ = all_reports(facts, rules)
    keys = [r.period_key for r in reports]
    assert keys == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025-S1", "2025-S2", "2025"]
    q3 = next(r for r in reports if r.period_key == "2025-Q3")
    assert [s.number for s in q3.sections][:10] == list(range(1, 11))
    members = q3.section("members").tables[0]
    assert members.title.startswith("Adhésions en cours au 30/09/2025")
    assert members.total is not None and members.total[1][-1].value == sum(
        1 for a in facts.adhesions if a.active_on(D(2025, 9, 30))
    )
    assert q3.section("spending").unavailable == UNAVAILABLE_MONEY
    assert q3.section("pc").unavailable == UNAVAILABLE_MONEY
    assert "110 %" in json.dumps(q3.section("pc").lists, ensure_ascii=False)
    assert q3.section("outreach").checks
    assert "Convention art. 5" in q3.section("members").source
    # The report survives its own serialisation (what is stored at publication).
    assert Report.from_dict(json.loads(json.dumps(q3.as_dict()))) == q3
    svg = q3.section("profiles").tables[1].chart_svg
    assert svg.startswith("<svg") and "<title" in svg


def test_suppressed_figures_show_the_secret_mark_never_a_value(rules: SteeringRules) -> None:
    facts = Facts(population(3, 150), LABELS, outreach(3), complaints(3))
    reports, _, _ = all_reports(facts, rules)
    seen_secret = False
    for r in reports:
        for s in r.sections:
            for t in s.tables:
                for _, cells in (*t.rows, *((t.total,) if t.total else ())):
                    for c in cells:
                        if c.suppressed:
                            seen_secret = True
                            assert c.value is None and c.text == SECRET_MARK
    assert seen_secret


def money_facts() -> MoneyFacts:
    lines = []
    for m in range(1, 13):
        start = D(2025, m, 1)
        end = (D(2025, m + 1, 1) if m < 12 else D(2026, 1, 1)) - dt.timedelta(days=1)
        for formula, cents in (("Bauges", -600_000), ("Vercors", -900_000), ("Vanoise", -300_000)):
            lines.append(MoneyLine(Term.CONTRIBUTIONS, cents, start, end, "residents", formula))
        lines.append(MoneyLine(Term.BENEFITS, 1_300_000, start, end, "residents", "Vercors"))
        lines.append(MoneyLine(Term.BENEFITS, 500_000, start, end, "residents", "Bauges"))
        lines.append(MoneyLine(Term.BENEFITS, 150_000, start, end, "residents", "Vanoise"))
    care = [
        CareLine(cat, 10_000 * (i + 1), D(2025, 2, 1), D(2025, 2, 28), f"h{i}-{j}")
        for i, cat in enumerate(["optique", "dentaire"])
        for j in range(8 if cat == "optique" else 40)
    ]
    return MoneyFacts(lines, care, {"optique": "Optique", "dentaire": "Dentaire"})


def test_the_pc_section_with_money_and_the_revision_answer_of_the_year(
    rules: SteeringRules,
) -> None:
    """Contributions 18 000 € HT a month, benefits 19 500 € a month, loadings 15 %:
    P/C = 234 000 / (216 000 − 32 400) = 127,45 % → at most +8 % (l. 1903)."""
    adhesions = [
        AdhesionFact(
            "residents",
            D(2025, 1, 1),
            None,
            D(1970, 1, 1),
            formulas=(FormulaSpan(f, D(2025, 1, 1)),),
            key=f"{f}{i}",
        )
        for f, n in (("Bauges", 30), ("Vercors", 40), ("Vanoise", 5))
        for i in range(n)
    ]
    loadings = (LoadingsRate(D(2025, 1, 1), 1500, "note technique", D(2025, 1, 10)),)
    facts = Facts(adhesions, LABELS, money=money_facts(), loadings=loadings)
    built, prot = compute(facts, rules, TODAY)
    year = report(built, prot, "2025", TODAY)
    pc = year.section("pc")
    assert not pc.unavailable
    table = pc.tables[0]
    total = table.total
    assert total is not None
    assert [c.text.replace("\u202f", " ") for c in total[1]] == [
        "234 000,00 €",
        "0,00 €",
        "216 000,00 €",
        "32 400,00 €",
        "127,45 %",
    ]
    rows = {label: cells for label, cells in table.rows}
    # Vanoise: 5 households — its terms are secret, and so are its loadings and its ratio.
    assert all(c.suppressed for c in rows["Particuliers — Vanoise"])
    assert not any(c.suppressed for c in rows["Particuliers — Vercors"]) or all(
        c.suppressed for c in rows["Particuliers — Bauges"]
    )
    notes = " ".join(pc.notes)
    assert "au plus 8 %" in notes and "l. 1903" in notes
    spending = year.section("spending").tables[0]
    by_cat = {label: cells[0] for label, cells in spending.rows}
    assert by_cat["Optique"].suppressed  # 8 households
    assert by_cat["Dentaire"].suppressed  # its complement: the total is published
    assert spending.total is not None and spending.total[1][0].value == 8 * 10_000 + 40 * 20_000
    assert spending.columns == ("montant",)
