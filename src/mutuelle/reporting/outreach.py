"""The convention's minimum outreach, and what is behind.

Convention art. 4.1 (seed l. 1946): at least 10 half-day permanences a week; art. 4.2 (l. 1960-
1971): three public information meetings at launch then yearly « au besoin », at least 4 events
a year, one prevention action a year for agents, students, carers and seniors, 4 free hearing or
optical checks a year, a communication budget of about 20 000 € at launch then 10 000 € a year;
art. 4.3 (l. 1979-1980): a partners' meeting and a half-day training at launch. How « au
lancement », « annuellement au besoin » and a yearly minimum read during the year: I-148.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mutuelle.money import format_euros
from mutuelle.offers.model import Source
from mutuelle.reporting.periods import Period
from mutuelle.reporting.rules import OutreachRules

Cite = Callable[[Source], str]


class Audience(StrEnum):
    AGENTS = "agents"
    STUDENTS = "students"
    CARERS = "carers"
    SENIORS = "seniors"
    EVERYONE = "everyone"

    @property
    def label(self) -> str:
        return {
            Audience.AGENTS: "agent-es de la Ville et du CCAS",
            Audience.STUDENTS: "étudiant-es",
            Audience.CARERS: "aidant-es",
            Audience.SENIORS: "seniors",
            Audience.EVERYONE: "tous publics",
        }[self]


class MeetingKind(StrEnum):
    PUBLIC = "public"  # réunion d'information publique (art. 4.2)
    MEMBERS = "members"  # réunion avec les adhérent-es (art. 5, 8e indicateur)
    PARTNERS = "partners"  # réunion d'information partenariale (art. 4.3)
    TRAINING = "training"  # session de formation d'une demi-journée (art. 4.3)

    @property
    def label(self) -> str:
        return {
            MeetingKind.PUBLIC: "réunion d'information publique",
            MeetingKind.MEMBERS: "réunion avec les adhérent-es",
            MeetingKind.PARTNERS: "réunion d'information des professionnel-les",
            MeetingKind.TRAINING: "session de formation (demi-journée)",
        }[self]


@dataclass(frozen=True, slots=True)
class PermanenceFact:
    day: dt.date
    place: str
    half_days: int = 1
    participants: int = 0
    contacts: int = 0
    css_orientations: int = 0
    aid_orientations: int = 0


@dataclass(frozen=True, slots=True)
class ActionFact:
    """A prevention action (art. 4.2), possibly a free hearing or optical check."""

    key: str  # stable identifier (for the protection of its participants' count)
    day: dt.date
    audience: Audience
    title: str
    participants: int = 0
    free_check: bool = False


@dataclass(frozen=True, slots=True)
class MeetingFact:
    key: str
    day: dt.date
    kind: MeetingKind
    title: str
    participants: int = 0


@dataclass(frozen=True, slots=True)
class EventFact:
    day: dt.date
    title: str


@dataclass(frozen=True, slots=True)
class SpendFact:
    day: dt.date
    cents: int
    label: str = ""


@dataclass(frozen=True)
class OutreachFacts:
    permanences: Sequence[PermanenceFact] = ()
    actions: Sequence[ActionFact] = ()
    meetings: Sequence[MeetingFact] = ()
    events: Sequence[EventFact] = ()
    spending: Sequence[SpendFact] = ()


class State(StrEnum):
    MET = "met"
    BEHIND = "behind"  # under the minimum at the end of the period (or of the year)
    ON_TRACK = "on_track"  # under the yearly minimum, but not behind its pace yet
    NOT_DUE = "not_due"  # nothing due in the period (commitments not started, « au besoin »)

    @property
    def label(self) -> str:
        return {
            State.MET: "atteint",
            State.BEHIND: "en retard",
            State.ON_TRACK: "en cours",
            State.NOT_DUE: "non exigible sur la période",
        }[self]


@dataclass(frozen=True)
class Check:
    id: str
    commitment: str  # the minimum, in French
    done: str  # what was done, in French
    state: State
    source: str
    detail: tuple[str, ...] = ()

    @property
    def behind(self) -> bool:
        return self.state is State.BEHIND


def weeks_in(period: Period, since: dt.date) -> list[dt.date]:
    """The Mondays of the weeks counted in ``period``: weeks whose Monday is in the period and
    whose seven days are over by its end, the first full week on or after ``since`` (I-148)."""
    monday = period.start - dt.timedelta(days=period.start.weekday())
    if monday < period.start:
        monday += dt.timedelta(days=7)
    first = since + dt.timedelta(days=(7 - since.weekday()) % 7)
    out = []
    while monday + dt.timedelta(days=6) <= period.end:
        if monday >= first:
            out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def _year_check(
    id_: str,
    commitment: str,
    count: int,
    minimum: int,
    period: Period,
    source: str,
    unit: str,
    detail: tuple[str, ...] = (),
) -> Check:
    """A yearly minimum seen from ``period``: met, behind (the year is over, or the pace is
    not kept: fewer than minimum × elapsed quarters / 4 so far this year), or on track."""
    done = f"{count} {unit} depuis le 1er janvier {period.year}"
    if count >= minimum:
        state = State.MET
    else:
        quarters = period.end.month // 3
        due_so_far = minimum * quarters // 4
        state = State.BEHIND if quarters == 4 or count < due_so_far else State.ON_TRACK
    return Check(id_, commitment, done, state, source, detail)


def checks(rules: OutreachRules, cite: Cite, facts: OutreachFacts, period: Period) -> list[Check]:
    """Every minimum of art. 4 seen from ``period`` (yearly ones counted from 1 January of the
    period's year to its end)."""
    out: list[Check] = []
    year_start = dt.date(period.year, 1, 1)

    def in_year(day: dt.date) -> bool:
        return year_start <= day <= period.end

    # Permanences: at least N half-days every week.
    weeks = weeks_in(period, rules.commitments_from)
    per_week: Counter[dt.date] = Counter()
    for p in facts.permanences:
        if period.contains(p.day):
            per_week[p.day - dt.timedelta(days=p.day.weekday())] += p.half_days
    short = [w for w in weeks if per_week[w] < rules.permanences_per_week]
    total = sum(per_week.values())
    out.append(
        Check(
            "permanences",
            f"au moins {rules.permanences_per_week} permanences d'une demi-journée par semaine",
            f"{total} demi-journées sur {len(weeks)} semaines ; {len(short)} semaine(s) sous le "
            "minimum",
            State.NOT_DUE if not weeks else (State.BEHIND if short else State.MET),
            cite(rules.permanences_source),
            tuple(f"semaine du {w:%d/%m/%Y} : {per_week[w]} demi-journée(s)" for w in short[:60]),
        )
    )
    # Events organised by the Ville or the CCAS.
    events = sorted((e for e in facts.events if in_year(e.day)), key=lambda e: (e.day, e.title))
    out.append(
        _year_check(
            "events",
            f"au moins {rules.events_per_year} événements de la Ville ou du CCAS par an",
            len(events),
            rules.events_per_year,
            period,
            cite(rules.events_source),
            "événement(s)",
            tuple(f"{e.day:%d/%m/%Y} : {e.title}" for e in events),
        )
    )
    # Prevention actions per audience, and the free checks.
    for audience, per_year in rules.prevention_per_year.items():
        a = Audience(audience)
        n = sum(1 for x in facts.actions if x.audience is a and in_year(x.day) and not x.free_check)
        out.append(
            _year_check(
                f"prevention_{audience}",
                f"{per_year.count} action de prévention par an pour les {a.label}",
                n,
                per_year.count,
                period,
                cite(per_year.source),
                "action(s)",
            )
        )
    checks_done = sum(1 for x in facts.actions if x.free_check and in_year(x.day))
    out.append(
        _year_check(
            "free_checks",
            f"{rules.free_checks_per_year} bilans auditifs et optiques gratuits par an "
            "(réseau ECOUTER-VOIR)",
            checks_done,
            rules.free_checks_per_year,
            period,
            cite(rules.free_checks_source),
            "bilan(s)",
        )
    )
    # Launch commitments (the first year), then « annuellement au besoin »: not a minimum.
    launch = period.year == rules.launch_year
    for kind, minimum, src, what in (
        (
            MeetingKind.PUBLIC,
            rules.public_meetings_at_launch,
            rules.public_meetings_source,
            "réunions d'information publique au lancement",
        ),
        (
            MeetingKind.PARTNERS,
            rules.partner_meetings_at_launch,
            rules.partner_meetings_source,
            "réunion d'information partenariale des professionnel-les au lancement",
        ),
        (
            MeetingKind.TRAINING,
            rules.trainings_at_launch,
            rules.trainings_source,
            "session de formation d'une demi-journée au lancement",
        ),
    ):
        n = sum(1 for m in facts.meetings if m.kind is kind and in_year(m.day))
        if launch:
            c = _year_check(
                f"launch_{kind}",
                f"au moins {minimum} {what}",
                n,
                minimum,
                period,
                cite(src),
                "réalisée(s)",
            )
        else:
            c = Check(
                f"launch_{kind}",
                f"{what} ; les années suivantes « annuellement au besoin »",
                f"{n} en {period.year}",
                State.NOT_DUE,
                cite(src),
            )
        out.append(c)
    # Communication budget: about 20 000 € the first year, then 10 000 € a year.
    budget = rules.budget_launch_cents if launch else rules.budget_yearly_cents
    spent = sum(s.cents for s in facts.spending if in_year(s.day))
    quarters = period.end.month // 3
    if spent >= budget:
        state = State.MET
    elif quarters == 4 or spent < budget * quarters // 4:
        state = State.BEHIND
    else:
        state = State.ON_TRACK
    out.append(
        Check(
            "budget",
            f"budget de communication d'environ {format_euros(budget)} "
            + ("au lancement" if launch else "par an"),
            f"{format_euros(spent)} engagés depuis le 1er janvier {period.year}",
            state,
            cite(rules.budget_source),
        )
    )
    return out
