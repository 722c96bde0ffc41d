"""The calendar helpers the cores share, against the standard library's own answers."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutuelle.dates import days_in_month
from mutuelle.membership.common import fr


@given(st.integers(1, 9999), st.integers(1, 12))
def test_the_days_of_a_month_are_the_calendar_s(year: int, month: int) -> None:
    assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_outside_the_year_is_refused(month: int) -> None:
    with pytest.raises(ValueError):
        days_in_month(2027, month)


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_a_date_shown_in_french_is_strftime_s(d: dt.date) -> None:
    assert fr(d) == d.strftime("%d/%m/%Y")
