"""French working days, for deadlines that move to the next working day.

"Si ce délai expire un samedi, un dimanche ou un jour férié ou chômé, il est prorogé jusqu'au
premier jour ouvrable suivant" (Règlement particuliers I-6-3). Public holidays are those of
metropolitan France from the maintained ``holidays`` package (ARCHITECTURE.md, "dates").
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays


@functools.cache
def _french_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("FR", years=year, language="fr"))


def holiday_name(d: dt.date) -> str | None:
    return _french_holidays(d.year).get(d)


def is_working_day(d: dt.date) -> bool:
    return d.weekday() < 5 and holiday_name(d) is None


def why_not_working(d: dt.date) -> str:
    name = holiday_name(d)
    if name:
        return f"jour férié ({name})"
    return "samedi" if d.weekday() == 5 else "dimanche"


def next_working_day(d: dt.date) -> dt.date:
    """``d`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    return d
