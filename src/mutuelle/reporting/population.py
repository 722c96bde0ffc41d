"""Who is covered on a date, described the way art. 5 asks: ranges, prior cover, ages,
socio-professional situations and household types (seed l. 1992-1993).

Plain facts in (one :class:`AdhesionFact` per active adhesion, with its dependants' periods),
classifications out. The readings (which age bands, which situations, how the five household
types partition the households): docs/interpretations.md I-144, I-145, I-149.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    SPOUSE = "spouse"
    CHILD = "child"

    @property
    def label(self) -> str:
        return {
            Role.MEMBER: "membres participants",
            Role.SPOUSE: "conjoints",
            Role.CHILD: "enfants",
        }[self]


class PriorCover(StrEnum):
    """Convention art. 5, 1st indicator: « ceux-elles qui n'avaient pas de complémentaire santé
    avant d'adhérer » (I-149: any complementary cover — individual, collective, CSS — counts)."""

    NONE = "none"
    HAD = "had"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            PriorCover.NONE: "sans complémentaire avant d'adhérer",
            PriorCover.HAD: "avec une complémentaire avant",
            PriorCover.UNKNOWN: "non renseigné",
        }[self]


class Situation(StrEnum):
    """Socio-professional situation of the member (convention préambule l. 1820 lists the
    publics; art. 1 l. 1846-1856 the links with the town; I-145)."""

    STUDENT = "student"
    JOB_SEEKER = "job_seeker"
    PRECARIOUS = "precarious"
    EMPLOYEE = "employee"
    PUBLIC_AGENT = "public_agent"
    SELF_EMPLOYED = "self_employed"
    RETIRED = "retired"
    OTHER = "other"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _SITUATIONS[self]


_SITUATIONS = {
    Situation.STUDENT: "étudiant-e",
    Situation.JOB_SEEKER: "demandeur-euse d'emploi, jeune sans emploi",
    Situation.PRECARIOUS: "salarié-e en CDD, intérim, multi-employeurs ou CDI à temps partiel",
    Situation.EMPLOYEE: "autre salarié-e",
    Situation.PUBLIC_AGENT: "agent-e de la Ville ou du CCAS",
    Situation.SELF_EMPLOYED: (
        "travailleur-euse non salarié-e (artisan, commerçant, libéral, agricole)"
    ),
    Situation.RETIRED: "retraité-e",
    Situation.OTHER: "autre situation sans activité professionnelle",
    Situation.UNKNOWN: "non renseignée",
}

# I-145: a range is itself a situation when the member's was not recorded.
_RANGE_SITUATION = {
    "students": Situation.STUDENT,
    "agents": Situation.PUBLIC_AGENT,
    "tns": Situation.SELF_EMPLOYED,
}


class Household(StrEnum):
    """The five household types of art. 5 as a partition (I-144)."""

    SINGLE = "single"
    COUPLE = "couple"
    COUPLE_CHILDREN = "couple_children"
    LARGE_FAMILY = "large_family"
    SINGLE_PARENT = "single_parent"

    @property
    def label(self) -> str:
        return {
            Household.SINGLE: "personne seule",
            Household.COUPLE: "couple sans enfant",
            Household.COUPLE_CHILDREN: "couple avec enfant(s) à charge (1 ou 2)",
            Household.LARGE_FAMILY: "famille nombreuse (couple, 3 enfants ou plus)",
            Household.SINGLE_PARENT: "famille monoparentale (un ou plusieurs enfants)",
        }[self]


# I-145: the texts ask « âges » without bands; these keep few small cells.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-17", 0, 17),
    ("18-29", 18, 29),
    ("30-44", 30, 44),
    ("45-59", 45, 59),
    ("60-74", 60, 74),
    ("75+", 75, None),
)


_BAND_OF_AGE = tuple(
    next(label for label, lo, hi in AGE_BANDS if age >= lo and (hi is None or age <= hi))
    for age in range(AGE_BANDS[-1][1] + 1)
)


def age_band(age: int) -> str:
    return _BAND_OF_AGE[min(max(age, 0), len(_BAND_OF_AGE) - 1)]


def age_band_label(band: str) -> str:
    for label, lo, hi in AGE_BANDS:
        if label == band:
            return f"{lo} ans et plus" if hi is None else f"{lo} à {hi} ans"
    raise KeyError(band)


@dataclass(frozen=True, slots=True)
class Cover:
    """A dependant's period of cover (affiliation)."""

    role: Role
    birth_date: dt.date
    start: dt.date
    end: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class FormulaSpan:
    formula: str
    start: dt.date
    end: dt.date | None = None

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and (self.end is None or self.end >= start)


@dataclass(frozen=True, slots=True)
class AdhesionFact:
    """One adhesion (status active) with what art. 5 describes. ``end``: last covered day."""

    range: str
    start: dt.date
    end: dt.date | None
    member_birth: dt.date
    prior_cover: PriorCover = PriorCover.UNKNOWN
    situation: Situation = Situation.UNKNOWN
    dependants: tuple[Cover, ...] = ()
    formulas: tuple[FormulaSpan, ...] = ()
    key: str = ""  # stable identifier (never shown)

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def situation_shown(self) -> Situation:
        if self.situation is Situation.UNKNOWN:
            return _RANGE_SITUATION.get(self.range, Situation.UNKNOWN)
        return self.situation

    def household_on(self, day: dt.date) -> Household:
        spouse = any(d.role is Role.SPOUSE and d.active_on(day) for d in self.dependants)
        children = sum(1 for d in self.dependants if d.role is Role.CHILD and d.active_on(day))
        if not children:
            return Household.COUPLE if spouse else Household.SINGLE
        if not spouse:
            return Household.SINGLE_PARENT
        return Household.LARGE_FAMILY if children >= 3 else Household.COUPLE_CHILDREN

    def persons_on(self, day: dt.date) -> list[tuple[Role, dt.date]]:
        """The member and the dependants covered on ``day`` (role, birth date)."""
        if not self.active_on(day):
            return []
        out = [(Role.MEMBER, self.member_birth)]
        out.extend((d.role, d.birth_date) for d in self.dependants if d.active_on(day))
        return out

    def formula_on(self, day: dt.date) -> str | None:
        for f in self.formulas:
            if f.start <= day and (f.end is None or day <= f.end):
                return f.formula
        return None


def civil_age(birth: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` (0 before birth): the same as :func:`mutuelle.dates.age_on`,
    written for speed (it runs for every person at every quarter's end)."""
    if day < birth:
        return 0
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
