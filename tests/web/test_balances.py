"""Balances are derived from the money journal, never stored beside it: what the back office
shows of an adhesion's contributions, how staff correct « payées jusqu'au », the refund of a
termination, the unpaid timeline, the demonstration population and the migration of old rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from tests.factories import AdhesionFactory, AffiliationFactory
from tests.web.conftest import login

from mutuelle.journal import AccountKind
from mutuelle.offers import load_offer
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalEntry
from mutuelle.web.members import demo, services
from mutuelle.web.members.enums import EventKind
from mutuelle.web.members.models import Adhesion, Event

D = dt.date


def test_martin_contributions_come_from_the_journal(martin) -> None:
    s = martin.contribution_status
    assert martin.paid_until == D(2026, 12, 31) and martin.up_to_date
    # 2025 in Belledonne, 2026 in Vanoise: each year called and received at the pricing
    # core's price for the household (three persons).
    assert [(p.start, p.end) for p in s.periods] == [
        (D(2025, 1, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 12, 31)),
    ]
    assert s.periods[1].called_cents == 12 * martin.monthly_cents
    assert journal.adhesion_balances(martin.number) == {AccountKind.member_contributions: 0}
    assert sum(journal.totals().values()) == 0


def test_the_adhesion_page_shows_the_journal_lines(client, staff, martin) -> None:
    login(client, staff)
    r = client.get(reverse("admin:members_adhesion_change", args=[martin.pk]))
    assert r.status_code == 200
    for text in (
        "Cotisations et paiements (journal, lecture seule)",
        "Reprise de solde — appelé",
        "Reprise de solde — réglé",
        "01/01/2026 – 31/12/2026",
        "Payées jusqu'au : <strong>31/12/2026</strong>",
        "aucun solde n'est enregistré",
    ):
        assert text in r.text, text
    # The journal itself, read-only, searchable by adhesion.
    r = client.get(reverse("admin:journal_journalentry_changelist"), {"q": martin.number})
    assert r.status_code == 200 and "opening:GR25-000001:r1:2026-01-01" in r.text
    entry = JournalEntry.objects.filter(postings__adhesion=martin.number).first()
    r = client.get(reverse("admin:journal_journalentry_change", args=[entry.pk]))
    assert r.status_code == 200 and "Enregistrer" not in r.text


def test_staff_move_paid_until_back_and_the_member_is_no_longer_up_to_date(
    client, staff, martin
) -> None:
    text = services.set_paid_until(martin, D(2026, 6, 30), actor=staff, on=D(2026, 11, 2))
    a = Adhesion.objects.get(pk=martin.pk)
    assert a.paid_until == D(2026, 6, 30)
    assert not a.contribution_status.up_to_date(D(2026, 11, 2))
    assert "non (" in text and "échus non réglés" in text
    # The former reprise is reversed, never rewritten; moving it back again is possible.
    assert JournalEntry.objects.filter(reverses__isnull=False).count() == 4
    services.set_paid_until(a, D(2026, 12, 31), on=D(2026, 11, 3))
    a = Adhesion.objects.get(pk=martin.pk)
    assert a.paid_until == D(2026, 12, 31) and a.contribution_status.up_to_date(D(2026, 11, 3))
    # The unpaid timeline of L.221-7 gets its facts from the journal.
    services.set_paid_until(a, D(2026, 8, 31), on=D(2026, 11, 4))
    a = Adhesion.objects.get(pk=martin.pk)
    line = services.contributions_line(a, D(2026, 11, 4))
    assert "impayé" in line.value and "le premier le 01/09/2026" in line.value
    assert any("mise en demeure" in s.rule for s in line.steps)


def test_a_termination_refunds_what_was_received_beyond_the_last_covered_day(martin) -> None:
    services.set_paid_until(martin, D(2026, 11, 30), on=D(2026, 11, 2))
    a = Adhesion.objects.get(pk=martin.pk)
    out = services.terminate(a, kind="member", received_on=D(2026, 11, 5))
    a = Adhesion.objects.get(pk=martin.pk)
    # Covered to 5 December, paid to 30 November: nothing to refund, 1–5 December owed.
    assert a.end == D(2026, 12, 5) and a.refund_cents == 0
    assert "Restent dues" in " ".join(s.rule for s in out.steps)
    e = Event.objects.get(adhesion=a, kind=EventKind.TERMINATED)
    assert e.data["refund_cents"] == 0 and e.data["refund_by"] == "2027-01-04"
    with pytest.raises(services.Refused, match="a cessé"):
        services.set_paid_until(a, D(2026, 12, 31))


def test_once_billing_calls_contributions_a_reprise_is_refused(martin) -> None:
    from tests.factories import PostedEntryFactory

    PostedEntryFactory(call=True, adhesion=martin.number, month=D(2027, 1, 1))
    a = Adhesion.objects.get(pk=martin.pk)
    with pytest.raises(services.Refused, match="enregistrer un paiement"):
        services.set_paid_until(a, D(2027, 1, 31))


@pytest.mark.django_db
def test_factories_give_every_range_a_priced_household() -> None:
    for trait in ("residents", "students", "agents", "tns"):
        a = AdhesionFactory(**{trait: True}, paid_until=D(2025, 6, 30))
        assert a.range == trait
        assert a.monthly_cents and a.monthly_cents > 0, trait
        assert Adhesion.objects.get(pk=a.pk).paid_until == D(2025, 6, 30)
    family = AdhesionFactory(formula="Vanoise")
    before = family.monthly_cents
    AffiliationFactory(adhesion=family, spouse=True)
    assert Adhesion.objects.get(pk=family.pk).monthly_cents > before  # a price, recomputed
    pending = AdhesionFactory(pending=True)
    assert pending.number.startswith("DEM") and pending.paid_until is None
    assert pending.up_to_date and pending.contribution_status.periods == ()


@pytest.mark.django_db
def test_the_demonstration_population_brings_its_past_into_the_journal() -> None:
    counts = demo.load_demo(
        load_offer("grenoble-2025"), households=120, today=D(2026, 11, 23), progress=lambda s: None
    )
    assert counts["reprise_entries"] == JournalEntry.objects.count() > 120
    assert sum(journal.totals().values()) == 0  # the journal balances
    martin = Adhesion.objects.get(number="GR25-000001")
    assert martin.paid_until == D(2026, 12, 31)
    paid = [a.paid_until for a in Adhesion.objects.all()]
    assert sum(1 for p in paid if p is not None) > 100
    received = journal.totals(kind=AccountKind.bank)
    brought = journal.totals(kind=AccountKind.opening_balances)
    assert 0 < received[()] <= -brought[()]  # received ≤ called: some are late


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_stored_balances_to_the_journal_and_the_history() -> None:
    from django.db.migrations.executor import MigrationExecutor

    before = [("members", "0004_online_requests"), ("journal", "0001_initial")]
    if connection.vendor == "postgresql":
        # The write-history triggers (django-pghistory) follow today's tables: lift them while
        # the database stands at an older state; migrating forward installs them again.
        import pgtrigger

        pgtrigger.uninstall()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Person = old.get_model("members", "Person")
    OldAdhesion = old.get_model("members", "Adhesion")
    FormulaPeriod = old.get_model("members", "FormulaPeriod")
    common = {
        "offer": "grenoble-2025",
        "range": "residents",
        "signed_on": D(2025, 1, 2),
        "file_sent_on": D(2025, 1, 2),
        "start": D(2025, 2, 1),
    }
    rows = [
        ("GR25-000101", {"monthly_cents": 5000, "paid_until": D(2025, 12, 31)}),
        ("GR25-000102", {"monthly_cents": 5000, "paid_until": D(2025, 6, 30), "up_to_date": False}),
        ("GR25-000103", {"paid_until": D(2025, 9, 30)}),
        (
            "GR25-000104",
            {
                "monthly_cents": 6000,
                "paid_until": D(2025, 12, 31),
                "end": D(2025, 10, 31),
                "refund_cents": 12000,
                "refund_by": D(2025, 11, 30),
            },
        ),
    ]
    for n, (number, facts) in enumerate(rows):
        p = Person.objects.create(last_name=f"Ancien{n}", first_name="A", birth_date=D(1970, 1, 1))
        a = OldAdhesion.objects.create(number=number, member=p, **common, **facts)
        FormulaPeriod.objects.create(adhesion=a, formula="Bauges", start=a.start)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    if connection.vendor == "postgresql":
        import pgtrigger

        pgtrigger.install()

    a1, a2, a3, a4 = (Adhesion.objects.get(number=number) for number, _ in rows)
    assert a1.paid_until == D(2025, 12, 31) and a1.contribution_status.called_cents == 55000
    assert a2.paid_until == D(2025, 6, 30) and not a2.up_to_date  # July owed
    assert a2.contribution_status.first_unpaid.start == D(2025, 7, 1)
    assert a3.paid_until is None  # no monthly amount to price it with: kept in the history
    assert "payées jusqu'au 30/09/2025" in Event.objects.get(adhesion=a3).summary
    assert (a4.refund_cents, a4.refund_by) == (12000, D(2025, 11, 30))
    assert sum(journal.totals().values()) == 0


def test_a_new_adhesion_typed_as_paid_brings_its_contributions_in(client, staff, db) -> None:
    from tests.factories import PersonFactory

    login(client, staff)
    p = PersonFactory(birth_date=D(1985, 2, 2))
    r = client.post(
        reverse("admin:members_adhesion_add"),
        {
            "member": p.pk,
            "range": "residents",
            "channel": "agency",
            "links": ["resident"],
            "amo_affiliated": "on",
            "signed_on": "2026-03-02",
            "file_sent_on": "2026-03-02",
            "wished_start": "2026-03-01",
            "formula": "Vercors",
            "paid_until": "2026-05-31",
        },
    )
    assert r.status_code == 302, r.text[:2000]
    a = Adhesion.objects.get(member=p)
    assert a.paid_until == D(2026, 5, 31)
    assert a.contribution_status.called_cents == 3 * a.monthly_cents  # March to May
    e = Event.objects.get(adhesion=a, kind=EventKind.ADHESION)
    assert "Cotisations payées jusqu'au 31/05/2026" in e.summary
