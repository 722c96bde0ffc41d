"""The CSS first (convention art. 2.3): the screening (``mutuelle.css``) or, without resources,
the ceilings for the household's size, shown before any formula; anonymous orientation counts
for the steering committee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from mutuelle.css import (
    CssHousehold,
    CssMember,
    CssParametersError,
    CssResult,
    load_parameters,
    screen,
)
from mutuelle.web.public.common import person_label
from mutuelle.web.public.models import CssOrientation

__all__ = ["CssCheck", "css_check", "css_members", "record_orientation"]


@dataclass
class CssCheck:
    """The screening (with resources) or the ceilings for the household (without)."""

    on: dt.date
    result: CssResult  # with resources 0 when ``screened`` is False: only ceilings are shown
    screened: bool
    participation_cents: int  # what the household would pay a month with participation
    error: str = ""

    @property
    def params(self) -> Any:
        return self.result.parameters


def css_members(members: list[dict[str, Any]]) -> tuple[CssMember, ...]:
    return tuple(
        CssMember(role=m["role"], birth_date=m["birth_date"], index=i, name=person_label(m))
        for i, m in enumerate(members)
    )


def css_check(
    members: list[dict[str, Any]],
    *,
    resources_cents: int | None,
    housing: str = "tenant",
    housing_aid_cents: int | None = None,
    rsa: bool = False,
    on: dt.date | None = None,
) -> CssCheck | None:
    """Screen the household on ``on`` (today: a CSS application is made now). None when the
    parameters cannot answer (date before the first installed table)."""
    on = on or timezone.localdate()
    screened = resources_cents is not None or rsa
    hh = CssHousehold(
        date=on,
        members=css_members(members),
        resources_cents=resources_cents or 0,
        housing=housing or "tenant",  # type: ignore[arg-type]
        housing_aid_monthly_cents=housing_aid_cents
        if housing == "tenant_with_housing_aid"
        else None,
        receives_rsa=rsa,
    )
    try:
        params = load_parameters(on)
        result = screen(params, hh)
    except (CssParametersError, ValueError):
        return None
    participation = sum(ms.monthly_participation_cents for ms in result.members if ms.counted)
    return CssCheck(on=on, result=result, screened=screened, participation_cents=participation)


def record_orientation(request: Any, check: CssCheck, channel: str = "web") -> None:
    """Count one orientation for the steering committee: the day, the verdict, the channel —
    nothing about the person. A visitor who redisplays the same verdict the same day in the
    same session is counted once."""
    if not check.screened:
        return
    key = f"{check.on.isoformat()}:{check.result.verdict}"
    if request is not None and hasattr(request, "session"):
        seen = request.session.get("css_counted", [])
        if key in seen:
            return
        request.session["css_counted"] = [*seen[-20:], key]
    CssOrientation.record(check.on, check.result.verdict, channel)
