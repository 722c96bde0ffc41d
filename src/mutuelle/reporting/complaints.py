"""Complaints: the deadlines of the règlements, and where each complaint stands.

Règlement particuliers II-2 and Règlement agents « Dispositions diverses 2) » (seed l. 2599-2630,
3899-3929): acknowledgement « dans un délai maximum de dix (10) jours ouvrables suivant sa
réception, sauf si durant ce même délai elle est en mesure d'apporter une réponse », an answer
within « deux (2) mois », then the Médiateur de la Mutualité Française, to be asked « dans un
délai d'un an à compter de la réclamation écrite ». TNS conditions art. 13 (l. 5172-5205): « dix
jours », two months, one year, and the mediator's answer within 90 days of the complete file.
How the delays are counted: docs/interpretations.md I-147.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from mutuelle.dates import add_months
from mutuelle.explain import Cited, Said, Step
from mutuelle.membership.workdays import holiday_name
from mutuelle.offers.model import Source
from mutuelle.reporting.rules import ComplaintRules, Counting, Mediator

Cite = Callable[[Source], Cited]


class Subject(StrEnum):
    """What a complaint is about (the register's categories; « contenus » of art. 5, I-147)."""

    ADHESION = "adhesion"
    CONTRIBUTIONS = "contributions"
    BENEFITS = "benefits"
    THIRD_PARTY = "third_party"
    DELAYS = "delays"
    RECEPTION = "reception"
    GUARANTEES = "guarantees"
    DATA = "data"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _SUBJECTS[self]


_SUBJECTS = {
    Subject.ADHESION: "Adhésion, changement de formule, résiliation",
    Subject.CONTRIBUTIONS: "Cotisations, prélèvements, échéancier",
    Subject.BENEFITS: "Remboursements et prestations",
    Subject.THIRD_PARTY: "Tiers payant",
    Subject.DELAYS: "Délais de traitement",
    Subject.RECEPTION: "Accueil, information, conseil",
    Subject.GUARANTEES: "Garanties et contrat",
    Subject.DATA: "Données personnelles",
    Subject.OTHER: "Autre",
}


class Channel(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"

    @property
    def label(self) -> str:
        return "par écrit (courriel, lettre…)" if self is Channel.WRITTEN else "à l'oral"


@dataclass(frozen=True, slots=True)
class ComplaintFact:
    received_on: dt.date
    range: str
    subject: Subject
    channel: Channel = Channel.WRITTEN
    written_on: dt.date | None = None  # the written complaint (= received_on when written)
    acknowledged_on: dt.date | None = None
    answered_on: dt.date | None = None
    mediation_on: dt.date | None = None  # the member referred it to the mediator
    court: bool = False  # the member went to court (no mediation then)

    def __post_init__(self) -> None:
        for name in ("written_on", "acknowledged_on", "answered_on", "mediation_on"):
            day = getattr(self, name)
            if day is not None and day < self.received_on:
                raise ValueError(f"{name} avant la réception de la réclamation")

    @property
    def written_date(self) -> dt.date | None:
        if self.written_on is not None:
            return self.written_on
        return self.received_on if self.channel is Channel.WRITTEN else None


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th jour ouvrable after ``start``: every day but Sundays and public holidays
    (metropolitan France, ``holidays`` package) — I-147."""
    d = start
    counted = 0
    while counted < n:
        d += dt.timedelta(days=1)
        if d.weekday() != 6 and holiday_name(d) is None:
            counted += 1
    return d


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: dt.date
    answer_by: dt.date
    mediation_from: dt.date | None  # the member may go to the mediator from this day
    mediation_until: dt.date | None  # None: no written complaint yet (the window has not opened)
    mediator_answer_by: dt.date | None
    steps: tuple[Step, ...]


def deadlines(rules: ComplaintRules, cite: Cite, c: ComplaintFact) -> Deadlines:
    steps: list[Step] = []
    if rules.ack_counting is Counting.WORKING:
        ack = add_working_days(c.received_on, rules.ack_days)
        how = f"{rules.ack_days} jours ouvrables (lundi au samedi, hors jours fériés)"
    else:
        ack = c.received_on + dt.timedelta(days=rules.ack_days)
        how = f"{rules.ack_days} jours"
    steps.append(
        Said(
            f"Accusé de réception au plus tard le {ack:%d/%m/%Y} : {how} après la réception du "
            f"{c.received_on:%d/%m/%Y}, sauf réponse donnée dans ce délai",
            cite(rules.ack_source),
            "reporting.complaints.deadlines",
        )
    )
    answer = add_months(c.received_on, rules.answer_months)
    steps.append(
        Said(
            f"Réponse au plus tard le {answer:%d/%m/%Y} ({rules.answer_months} mois après la "
            "réception)",
            cite(rules.answer_source),
            "reporting.complaints.deadlines",
        )
    )
    if c.channel is Channel.WRITTEN and rules.written_answer_source is not None:
        steps.append(
            Said(
                "Réclamation écrite : la réponse est écrite",
                cite(rules.written_answer_source),
                "reporting.complaints.deadlines",
            )
        )
    written = c.written_date
    med_from: dt.date | None = None
    med_until: dt.date | None = None
    if c.court:
        steps.append(
            Said(
                "Tribunaux saisis : la médiation n'est plus ouverte",
                cite(rules.mediation_source),
                "reporting.complaints.deadlines",
            )
        )
    elif written is None:
        steps.append(
            Said(
                "Réclamation orale : la médiation suppose une réclamation écrite ; inviter la "
                "personne à l'écrire sur un support durable (le délai d'un an part de cet écrit)",
                cite(rules.mediation_source),
                "reporting.complaints.deadlines",
            )
        )
    else:
        after_answer = c.answered_on
        med_from = (
            min(after_answer, answer + dt.timedelta(days=1))
            if after_answer
            else (answer + dt.timedelta(days=1))
        )
        med_until = add_months(written, rules.mediation_months)
        steps.append(
            Said(
                f"Médiation possible dès le {med_from:%d/%m/%Y} (réponse insatisfaisante ou "
                f"absence de réponse dans le délai), demande au plus tard le "
                f"{med_until:%d/%m/%Y} (un an après la réclamation écrite du {written:%d/%m/%Y})",
                cite(rules.mediation_source),
                "reporting.complaints.deadlines",
            )
        )
    med_answer: dt.date | None = None
    if c.mediation_on is not None and rules.mediator_answer_days is not None:
        med_answer = c.mediation_on + dt.timedelta(days=rules.mediator_answer_days)
        assert rules.mediator_answer_source is not None
        steps.append(
            Said(
                f"Solution du médiateur au plus tard le {med_answer:%d/%m/%Y} "
                f"({rules.mediator_answer_days} jours après réception du dossier complet)",
                cite(rules.mediator_answer_source),
                "reporting.complaints.deadlines",
            )
        )
    return Deadlines(ack, answer, med_from, med_until, med_answer, tuple(steps))


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"  # done, but after the deadline
    OVERDUE = "overdue"  # not done, deadline passed
    PENDING = "pending"  # not done, deadline not passed

    @property
    def label(self) -> str:
        return {
            DeadlineState.ON_TIME: "dans le délai",
            DeadlineState.LATE: "hors délai",
            DeadlineState.OVERDUE: "en retard",
            DeadlineState.PENDING: "en cours",
        }[self]

    @property
    def respected(self) -> bool | None:
        """True/False once known; None while still pending."""
        if self is DeadlineState.PENDING:
            return None
        return self is DeadlineState.ON_TIME


def _state(done: dt.date | None, due: dt.date, today: dt.date) -> DeadlineState:
    if done is not None:
        return DeadlineState.ON_TIME if done <= due else DeadlineState.LATE
    return DeadlineState.OVERDUE if today > due else DeadlineState.PENDING


@dataclass(frozen=True)
class ComplaintStatus:
    deadlines: Deadlines
    acknowledgement: DeadlineState
    answer: DeadlineState

    @property
    def overdue(self) -> bool:
        return DeadlineState.OVERDUE in (self.acknowledgement, self.answer)

    @property
    def next_due(self) -> dt.date | None:
        due = []
        if self.acknowledgement in (DeadlineState.PENDING, DeadlineState.OVERDUE):
            due.append(self.deadlines.acknowledge_by)
        if self.answer in (DeadlineState.PENDING, DeadlineState.OVERDUE):
            due.append(self.deadlines.answer_by)
        return min(due) if due else None


def status(rules: ComplaintRules, cite: Cite, c: ComplaintFact, today: dt.date) -> ComplaintStatus:
    """Where the complaint stands on ``today``: an answer within the acknowledgement delay
    counts as the acknowledgement (« sauf si durant ce même délai elle est en mesure d'apporter
    une réponse »)."""
    d = deadlines(rules, cite, c)
    first = [x for x in (c.acknowledged_on, c.answered_on) if x is not None]
    ack_done = min(first) if first else None
    return ComplaintStatus(
        d, _state(ack_done, d.acknowledge_by, today), _state(c.answered_on, d.answer_by, today)
    )


def mediator_text(m: Mediator) -> str:
    return f"{m.name}, {m.address} — {m.website}"
