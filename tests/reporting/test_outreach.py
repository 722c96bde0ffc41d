"""The convention's minimum outreach (art. 4.1-4.3, seed l. 1946-1980) seen from a period."""

from __future__ import annotations

import datetime as dt

from mutuelle.reporting import outreach as ox
from mutuelle.reporting.periods import Period
from mutuelle.reporting.rules import SteeringRules

D = dt.date


def by_id(rules: SteeringRules, facts: ox.OutreachFacts, period: str) -> dict[str, ox.Check]:
    return {c.id: c for c in ox.checks(rules.outreach, rules.cite, facts, Period.parse(period))}


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def test_ten_half_days_every_week(rules: SteeringRules) -> None:
    """2nd quarter 2025: the twelve weeks from Monday 7 April to Sunday 29 June (the week of
    30 June ends in July). Two half-days every weekday, except the week of 12 May: one."""
    perms = [
        ox.PermanenceFact(d, "Maison des Habitant-es Abbaye", 1 if d.isocalendar()[1] == 20 else 2)
        for d in weekdays(D(2025, 4, 1), D(2025, 6, 30))
    ]
    c = by_id(rules, ox.OutreachFacts(permanences=perms), "2025-Q2")["permanences"]
    assert c.state is ox.State.BEHIND
    assert "sur 12 semaines ; 1 semaine(s) sous le minimum" in c.done
    assert c.detail == ("semaine du 12/05/2025 : 5 demi-journée(s)",)
    assert "l. 1946" in c.source
    full = [
        ox.PermanenceFact(d, "Hôtel de Ville", 2) for d in weekdays(D(2025, 4, 1), D(2025, 6, 30))
    ]
    assert (
        by_id(rules, ox.OutreachFacts(permanences=full), "2025-Q2")["permanences"].state
        is ox.State.MET
    )


def test_no_week_is_due_before_the_convention_could_be_signed(rules: SteeringRules) -> None:
    """The convention takes effect at its signature, after the CCAS deliberation of 20
    February 2025 (a Thursday): weeks are counted from Monday 24 February (24 Feb, 3, 10, 17
    and 24 March; the last ends on Sunday 30 March)."""
    c = by_id(rules, ox.OutreachFacts(), "2025-Q1")["permanences"]
    assert "sur 5 semaines" in c.done


def test_yearly_minimums_are_judged_at_the_pace_of_the_year(rules: SteeringRules) -> None:
    one = ox.OutreachFacts(events=[ox.EventFact(D(2026, 2, 1), "Forum des seniors")])
    assert by_id(rules, one, "2026-Q1")["events"].state is ox.State.ON_TRACK
    assert by_id(rules, one, "2026-Q2")["events"].state is ox.State.BEHIND  # 1 < 4 × 2 / 4
    three = ox.OutreachFacts(events=[ox.EventFact(D(2026, m, 1), f"e{m}") for m in (2, 5, 8)])
    assert by_id(rules, three, "2026-Q3")["events"].state is ox.State.ON_TRACK
    assert by_id(rules, three, "2026")["events"].state is ox.State.BEHIND
    four = ox.OutreachFacts(events=[ox.EventFact(D(2026, m, 1), f"e{m}") for m in (2, 5, 8, 11)])
    assert by_id(rules, four, "2026")["events"].state is ox.State.MET


def test_one_prevention_action_a_year_per_audience_and_four_free_checks(
    rules: SteeringRules,
) -> None:
    facts = ox.OutreachFacts(
        actions=[
            ox.ActionFact("a1", D(2026, 3, 5), ox.Audience.STUDENTS, "Sommeil et écrans", 25),
            *(
                ox.ActionFact(f"b{i}", D(2026, 2 + i, 1), ox.Audience.SENIORS, "Bilan", 6, True)
                for i in range(4)
            ),
        ]
    )
    q3 = by_id(rules, facts, "2026-Q3")
    assert q3["prevention_students"].state is ox.State.MET
    assert q3["prevention_agents"].state is ox.State.ON_TRACK
    assert q3["prevention_seniors"].state is ox.State.ON_TRACK  # free checks are not actions
    assert q3["free_checks"].state is ox.State.MET
    year = by_id(rules, facts, "2026")
    assert year["prevention_agents"].state is ox.State.BEHIND
    assert "l. 1967" in year["prevention_agents"].source


def test_launch_commitments_and_the_communication_budget(rules: SteeringRules) -> None:
    facts = ox.OutreachFacts(
        meetings=[ox.MeetingFact("m1", D(2025, 3, 10), ox.MeetingKind.PUBLIC, "Lancement", 80)],
        spending=[ox.SpendFact(D(2025, 3, 1), 500_000, "affiches")],
    )
    q2 = by_id(rules, facts, "2025-Q2")
    # Launch year: 3 meetings; by mid-year the pace asks for 3 × 2 // 4 = 1, by Q3 for 2.
    assert q2["launch_public"].state is ox.State.ON_TRACK
    assert by_id(rules, facts, "2025-Q3")["launch_public"].state is ox.State.BEHIND
    assert q2["budget"].state is ox.State.BEHIND  # 5 000 € < 20 000 € × 2 / 4
    assert "20 000,00 €" in q2["budget"].commitment.replace("\u202f", " ")
    later = by_id(rules, facts, "2026-Q2")
    assert later["launch_public"].state is ox.State.NOT_DUE  # « annuellement au besoin »
    assert "10 000,00 €" in later["budget"].commitment.replace("\u202f", " ")
