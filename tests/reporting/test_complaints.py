"""Complaint deadlines of the règlements (particuliers II-2 l. 2614-2626, agents Dispositions
diverses 2) l. 3913-3925, TNS art. 13 l. 5185-5201), worked on the calendar with its holidays."""

from __future__ import annotations

import datetime as dt

from mutuelle.reporting.complaints import (
    Channel,
    ComplaintFact,
    DeadlineState,
    Subject,
    add_working_days,
    deadlines,
    status,
)
from mutuelle.reporting.rules import SteeringRules

D = dt.date


def test_ten_working_days_skip_sundays_and_public_holidays(rules: SteeringRules) -> None:
    """Received Wednesday 30 April 2025: 1 May (holiday) not counted, Fri 2 (1), Sat 3 (2),
    Mon 5 (3), Tue 6 (4), Wed 7 (5), Thu 8 May (holiday), Fri 9 (6), Sat 10 (7), Mon 12 (8),
    Tue 13 (9), Wed 14 (10)."""
    assert add_working_days(D(2025, 4, 30), 10) == D(2025, 5, 14)
    c = ComplaintFact(D(2025, 4, 30), "residents", Subject.BENEFITS)
    d = deadlines(rules.complaint_rules("residents"), rules.citation, c)
    assert d.acknowledge_by == D(2025, 5, 14)
    assert d.answer_by == D(2025, 6, 30)
    assert d.mediation_until == D(2026, 4, 30)
    assert d.mediation_from == D(2025, 7, 1)
    assert "l. 2614" in d.steps[0].source and "I-147" in d.steps[0].source


def test_tns_ten_days_are_calendar_days_and_the_mediator_answers_in_90_days(
    rules: SteeringRules,
) -> None:
    c = ComplaintFact(D(2025, 4, 30), "tns", Subject.CONTRIBUTIONS, mediation_on=D(2025, 8, 1))
    d = deadlines(rules.complaint_rules("tns"), rules.citation, c)
    assert d.acknowledge_by == D(2025, 5, 10)
    assert d.mediator_answer_by == D(2025, 10, 30)
    assert "l. 5199" in d.steps[-1].source


def test_two_months_at_a_month_end(rules: SteeringRules) -> None:
    c = ComplaintFact(D(2025, 12, 31), "agents", Subject.ADHESION)
    d = deadlines(rules.complaint_rules("agents"), rules.citation, c)
    assert d.answer_by == D(2026, 2, 28)
    assert "l. 3913" in d.steps[1].source


def test_an_oral_complaint_opens_no_mediation_window_until_written(rules: SteeringRules) -> None:
    oral = ComplaintFact(D(2025, 3, 3), "residents", Subject.RECEPTION, Channel.ORAL)
    d = deadlines(rules.complaint_rules("residents"), rules.citation, oral)
    assert d.mediation_until is None and "support durable" in d.steps[-1].rule
    written = ComplaintFact(
        D(2025, 3, 3), "residents", Subject.RECEPTION, Channel.ORAL, written_on=D(2025, 3, 20)
    )
    assert deadlines(
        rules.complaint_rules("residents"), rules.citation, written
    ).mediation_until == D(2026, 3, 20)
    court = ComplaintFact(D(2025, 3, 3), "residents", Subject.RECEPTION, court=True)
    assert (
        deadlines(rules.complaint_rules("residents"), rules.citation, court).mediation_until is None
    )


def test_an_answer_within_the_acknowledgement_delay_is_the_acknowledgement(
    rules: SteeringRules,
) -> None:
    r = rules.complaint_rules("residents")
    quick = ComplaintFact(D(2025, 4, 30), "residents", Subject.BENEFITS, answered_on=D(2025, 5, 9))
    st = status(r, rules.citation, quick, D(2025, 6, 1))
    assert st.acknowledgement is DeadlineState.ON_TIME and st.answer is DeadlineState.ON_TIME
    assert not st.overdue and st.next_due is None
    silent = ComplaintFact(D(2025, 4, 30), "residents", Subject.BENEFITS)
    st = status(r, rules.citation, silent, D(2025, 5, 15))
    assert st.acknowledgement is DeadlineState.OVERDUE and st.answer is DeadlineState.PENDING
    assert st.overdue and st.next_due == D(2025, 5, 14)
    late = ComplaintFact(
        D(2025, 4, 30),
        "residents",
        Subject.BENEFITS,
        acknowledged_on=D(2025, 5, 20),
        answered_on=D(2025, 7, 2),
    )
    st = status(r, rules.citation, late, D(2025, 8, 1))
    assert st.acknowledgement is DeadlineState.LATE and st.answer is DeadlineState.LATE
    assert not st.overdue
