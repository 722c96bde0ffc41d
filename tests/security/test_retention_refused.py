"""Issue 8, second pass: a refused online request is a prospect's data, purged three years
after the refusal (its last contact with the visitor, I-153); a dry run lists it and deletes
nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from unittest import mock

from django.core.management import call_command

from mutuelle.web.members.enums import AdhesionStatus, EventKind
from mutuelle.web.members.models import Adhesion, Event, Person
from mutuelle.web.security import retention

D = dt.date


def refused_request(number: str, made: dt.datetime, refused: dt.datetime | None) -> Adhesion:
    p = Person.objects.create(last_name="Prospect", first_name="Rita", birth_date=D(1980, 1, 1))
    a = Adhesion.objects.create(
        number=number, offer="grenoble-2025", range="residents", member=p,
        signed_on=made.date(), file_sent_on=made.date(), start=D(2026, 2, 1),
        status=AdhesionStatus.REFUSED,
    )  # fmt: skip
    Adhesion.objects.filter(pk=a.pk).update(created_at=made)
    if refused is not None:  # the history is append-only: written on that day, not changed
        with mock.patch("django.utils.timezone.now", return_value=refused):
            Event.objects.create(
                adhesion=a, kind=EventKind.REQUEST_REFUSED, summary="Demande refusée",
                data={"reason": "hors de Grenoble"},
            )  # fmt: skip
    return a


def test_the_rule_has_its_source() -> None:
    r = retention.rule("request_refused")
    assert r.years == 3 and r.after == "refused" and r.enforced
    assert "CNIL" in r.source and "I-153" in r.source


def test_a_refused_request_goes_three_years_after_the_refusal(db) -> None:
    made = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    refused_request("DEM26-000001", made, dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))
    # Three years after the request was made is not enough: the refusal was a later contact.
    assert retention.plan(D(2029, 1, 6)).adhesions == []
    assert retention.plan(D(2029, 3, 10)).adhesions == []
    (item,) = retention.plan(D(2029, 3, 11)).adhesions
    assert (item.number, item.rule.key) == ("DEM26-000001", "request_refused")
    assert (item.reference_date, item.expired_on) == (D(2026, 3, 10), D(2029, 3, 10))


def test_a_dry_run_lists_it_and_deletes_nothing(db) -> None:
    made = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    refused_request("DEM26-000001", made, dt.datetime(2026, 1, 20, 9, tzinfo=dt.UTC))
    refused_request("DEM26-000002", made, None)  # no refusal in the history: kept, not guessed
    out = io.StringIO()
    call_command("purge", dry_run=True, today="2030-01-01", json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert result["dry_run"] is True and result["deleted"] is None
    assert [(a["number"], a["rule"]) for a in result["adhesions"]] == [
        ("DEM26-000001", "request_refused")
    ]
    assert Adhesion.objects.count() == 2 and Event.objects.count() == 1

    # The purge itself deletes the request, its history and its person.
    retention.purge(D(2030, 1, 1))
    assert list(Adhesion.objects.values_list("number", flat=True)) == ["DEM26-000002"]
    assert Person.objects.count() == 1 and not Event.objects.exists()
