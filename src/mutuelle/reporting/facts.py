"""The plain facts the steering committee's indicators are computed from (no Django: the
shell loads them from the database, the tests build them by hand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mutuelle.reporting.complaints import ComplaintFact
from mutuelle.reporting.outreach import OutreachFacts
from mutuelle.reporting.pc import LoadingsRate, MoneyLine
from mutuelle.reporting.population import AdhesionFact

UNAVAILABLE_MONEY = (
    "pas encore disponible : la facturation / les prestations ne sont pas encore enregistrées"
)


@dataclass(frozen=True, slots=True)
class OrientationCount:
    """Anonymous CSS screenings of the public site and API (I-76): day, channel, verdict."""

    day: dt.date
    channel: str  # "web" | "api"
    verdict: str  # "free" | "with_participation" | "not_eligible"
    count: int


@dataclass(frozen=True, slots=True)
class ThemeFact:
    """A prevention workshop theme proposed for a local need (art. 5, 6th indicator)."""

    proposed_on: dt.date
    title: str
    need: str = ""


@dataclass(frozen=True, slots=True)
class ChangeFact:
    """An upcoming legal or regulatory change staff keep on the list (art. 5, 10th)."""

    title: str
    effective_on: dt.date | None
    source: str
    impact: str = ""


@dataclass(frozen=True, slots=True)
class CareLine:
    """Benefits settled for one household in one care category over a cover period."""

    care_category: str
    cents: int
    period_start: dt.date
    period_end: dt.date
    household: str


UNAVAILABLE_BILLING = (
    "pas encore disponible : la facturation n'est pas encore enregistrée (aucune cotisation au "
    "journal)"
)
UNAVAILABLE_CLAIMS = (
    "pas encore disponible : les prestations ne sont pas encore enregistrées (aucune prestation "
    "au journal)"
)


@dataclass(frozen=True)
class MoneyFacts:
    lines: Sequence[MoneyLine] = ()
    care: Sequence[CareLine] = ()
    care_labels: Mapping[str, str] = field(default_factory=dict)
    # Some benefits settled have no household in the journal (paid to a professional, tiers
    # payant): in the P/C, not in the spending by care category (docs I-221).
    care_unattributed: bool = False

    def missing(self, *, benefits_only: bool = False) -> str:
        """Why the money figures cannot be shown yet, or ``""``: billing and claims post to the
        journal separately, and a P/C without one of its sides would be a false figure (a ratio
        of 0 % before the first benefit is recorded)."""
        terms = {line.term.value for line in self.lines}
        if not benefits_only and "contributions" not in terms:
            return UNAVAILABLE_BILLING
        if "benefits" not in terms:
            return UNAVAILABLE_CLAIMS
        return ""


@dataclass(frozen=True)
class Unavailable:
    """Money figures that do not exist yet, and why (said in the report)."""

    message: str


@dataclass(frozen=True)
class Facts:
    adhesions: Sequence[AdhesionFact]
    range_labels: Mapping[str, str]
    outreach: OutreachFacts = field(default_factory=OutreachFacts)
    complaints: Sequence[ComplaintFact] = ()
    orientations: Sequence[OrientationCount] = ()
    themes: Sequence[ThemeFact] = ()
    changes: Sequence[ChangeFact] = ()
    money: MoneyFacts | Unavailable = Unavailable(UNAVAILABLE_MONEY)
    loadings: Sequence[LoadingsRate] = ()
