"""Issue 8, second pass: the demonstration population has online requests waiting for staff,
some complete, some with pieces missing (some already asked for), one refused; staff can work
them like real ones."""

from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import login

from mutuelle.offers import load_offer
from mutuelle.web.members import demo, services
from mutuelle.web.members.models import Adhesion


def test_the_demo_has_requests_for_the_queues(db, client, staff) -> None:
    today = timezone.localdate()
    counts = demo.load_demo(load_offer("grenoble-2025"), households=300, progress=lambda s: None)
    assert counts["households"] == 300
    assert counts["online_requests"] == 9  # 30 per thousand households
    requests = Adhesion.objects.filter(number__startswith="DEM")
    assert requests.filter(status="refused").count() == 1
    pending = list(requests.filter(status="pending"))
    assert len(pending) == 8
    missing = [len(services.documents_view(a, today).missing) for a in pending]
    assert 0 in missing and any(m > 0 for m in missing)
    assert all(a.start >= a.wished_start and a.monthly_cents for a in pending)

    queues = {q.key: q for q in services.work_queues(today)}
    assert queues["to_validate"].count + queues["missing_pieces"].count == 8
    assert queues["missing_pieces"].count > 0

    # A complete one is validated like a request made on the site.
    login(client, staff)
    complete = next(a for a, m in zip(pending, missing, strict=True) if m == 0)
    r = client.get(reverse("admin:members_adhesion_change", args=[complete.pk]))
    assert r.status_code == 200 and "Valider la demande" in r.text
    data = {
        "links": ["resident"],
        "amo_affiliated": "on",
        "bulletin_signed_on": complete.signed_on.isoformat(),
        "bulletin_received_on": complete.file_sent_on.isoformat(),
        "consents": "on",
        "mandate_signed_on": complete.signed_on.isoformat(),
    }
    if complete.range != "residents":
        data["links"] = {"agents": ["agent"], "students": ["studies"], "tns": ["tns"]}[
            complete.range
        ]
        data["higher_education"] = "on" if complete.range == "students" else ""
    r = client.post(reverse("admin:members_adhesion_validate", args=[complete.pk]), data)
    complete.refresh_from_db()
    assert complete.status == "active", r.text[-3000:]
