"""Issue 8: the work queues on the back office's home page, with counts, oldest first."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from tests.factories import AdhesionFactory, AffiliationFactory, PersonFactory
from tests.web.conftest import login

from mutuelle.web.members import services
from mutuelle.web.members.enums import EndReason, EventKind

TODAY = timezone.localdate()
DEC31 = dt.date(TODAY.year, 12, 31)


def test_the_home_page_shows_each_queue_with_its_count(
    client, staff, django_assert_max_num_queries
) -> None:
    old = AdhesionFactory(pending=True, file_sent_on=TODAY - dt.timedelta(days=9))
    AdhesionFactory(pending=True, file_sent_on=TODAY - dt.timedelta(days=2))
    waiting = AdhesionFactory(pending=True, file_sent_on=TODAY - dt.timedelta(days=5))
    services.log(waiting, EventKind.PIECES_ASKED, "Pièces demandées")
    AdhesionFactory(
        channel="distance",
        signed_on=TODAY - dt.timedelta(days=3),
        start=TODAY.replace(day=1),
        file_sent_on=TODAY - dt.timedelta(days=3),
    )
    first = TODAY.replace(day=1)
    AdhesionFactory(end=first + dt.timedelta(days=5), end_reason=EndReason.ANNUAL)
    family = AdhesionFactory()
    AffiliationFactory(
        adhesion=family,
        person=PersonFactory(first_name="Zoé", birth_date=dt.date(TODAY.year - 20, 5, 1)),
        end=DEC31,
        end_reason=EndReason.AGE,
    )
    queues = {q.key: q for q in services.work_queues(TODAY)}
    assert queues["to_validate"].count == 2
    assert queues["to_validate"].rows[0].number == old.number  # oldest first
    assert queues["missing_pieces"].count == 1
    assert queues["renunciation"].count == 1
    assert queues["terminations"].count == 1
    assert queues["age_limit"].count == 1
    assert "à demander" in queues["age_limit"].rows[0].detail

    login(client, staff)
    with django_assert_max_num_queries(40):
        r = client.get(reverse("admin:index"))
    assert r.status_code == 200
    assert "Demandes d&#x27;adhésion à instruire : 2" in r.text
    assert "Zoé" in r.text
