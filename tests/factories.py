"""factory_boy factories for the Django models and the journal's entries (as les-emplois does).

* ``AdhesionFactory(residents=True)`` (the default), ``students=True``, ``agents=True``,
  ``tns=True``: the range, with a member of a plausible age and the range's first formula from
  the start (``formula="Vanoise"`` to choose, ``formula=False`` for none); ``pending=True``: an
  online request (DEM number, distance channel); ``terminated=True``: ended by the member;
  ``paid_until=date``: contributions brought into the journal as paid to that date (the
  amounts are the pricing core's, as the back office records them).
* ``AffiliationFactory(adhesion=a)`` a child covered with the member; ``spouse=True``.
* ``EntryFactory`` builds a balanced core entry (``mutuelle.journal.Entry``) on an adhesion's
  contributions account: ``call=True`` (the default: called against ``contributions``),
  ``payment=True`` (received in the bank), ``refund=True`` (paid back);
  ``PostedEntryFactory`` posts it through the journal service and returns the row.
* ``ProducedDocumentFactory(adhesion=a)`` produces a small attestation through the documents
  service (a real PDF, kept and recorded).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from mutuelle.documents import Document, DocumentKind, Field, KeyValues, Section
from mutuelle.journal import Account, AccountKind, Entry, EntryKind, Posting
from mutuelle.offers import load_offer
from mutuelle.web.documents import services as documents
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalEntry
from mutuelle.web.members import services
from mutuelle.web.members.enums import (
    AdhesionStatus,
    Channel,
    EndReason,
    EventKind,
    Role,
)
from mutuelle.web.members.enums import (
    DocumentKind as JustificatifKind,
)
from mutuelle.web.members.models import (
    Adhesion,
    Affiliation,
    Event,
    FormulaPeriod,
    Person,
)
from mutuelle.web.members.models import (
    Document as Justificatif,
)

D = dt.date


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = D(1980, 6, 15)
    city = "Grenoble"
    postcode = "38000"


class AdhesionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adhesion
        skip_postgeneration_save = True

    class Params:
        residents = factory.Trait(range="residents")
        students = factory.Trait(
            range="students", member=factory.SubFactory(PersonFactory, birth_date=D(2003, 3, 3))
        )
        agents = factory.Trait(
            range="agents",
            agent_service_entry=D(2015, 9, 1),
            agent_last_reference_cover_end=D(2024, 12, 31),
        )
        tns = factory.Trait(range="tns")
        pending = factory.Trait(
            status=AdhesionStatus.PENDING,
            number=factory.Sequence(lambda n: f"DEM26-{n + 1:06d}"),
            channel=Channel.DISTANCE,
        )
        terminated = factory.Trait(
            end=D(2025, 12, 31),
            end_reason=EndReason.ANNUAL,
            end_notified_on=D(2025, 10, 15),
        )

    number = factory.Sequence(lambda n: f"GR25-{n + 1:06d}")
    offer = "grenoble-2025"
    range = "residents"
    member = factory.SubFactory(PersonFactory)
    channel = Channel.AGENCY
    signed_on = D(2024, 12, 10)
    file_sent_on = D(2024, 12, 12)
    wished_start = D(2025, 1, 1)
    start = D(2025, 1, 1)

    @factory.post_generation
    def formula(obj: Adhesion, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or extracted is False:
            return
        name = extracted or load_offer(obj.offer).ranges[obj.range].formulas[0]  # type: ignore[index]
        FormulaPeriod.objects.create(adhesion=obj, formula=name, start=obj.start, end=obj.end)

    @factory.post_generation
    def paid_until(obj: Adhesion, create: bool, extracted: dt.date | None, **kw: Any) -> None:
        if create and extracted is not None:
            services.set_paid_until(obj, extracted, on=extracted)


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    class Params:
        spouse = factory.Trait(
            role=Role.SPOUSE, person=factory.SubFactory(PersonFactory, birth_date=D(1982, 9, 10))
        )

    adhesion = factory.SubFactory(AdhesionFactory)
    person = factory.SubFactory(PersonFactory, birth_date=D(2015, 4, 2))
    role = Role.CHILD
    requested_on = factory.SelfAttribute("adhesion.file_sent_on")
    start = factory.SelfAttribute("adhesion.start")


class FormulaPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormulaPeriod

    adhesion = factory.SubFactory(AdhesionFactory, formula=False)
    formula = "Bauges"
    start = factory.SelfAttribute("adhesion.start")


class JustificatifFactory(factory.django.DjangoModelFactory):
    """A justificatif received (``members.Document``)."""

    class Meta:
        model = Justificatif

    adhesion = factory.SubFactory(AdhesionFactory)
    kind = JustificatifKind.IDENTITY
    received_on = factory.SelfAttribute("adhesion.file_sent_on")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    adhesion = factory.SubFactory(AdhesionFactory)
    kind = EventKind.CHANGE
    summary = "Modifié : essai"


def _postings(o: Any) -> tuple[Posting, ...]:
    member = Account(AccountKind.member_contributions, o.adhesion)
    match o.kind:
        case EntryKind.contribution_call:
            other = Account(AccountKind.contributions)
            return (Posting(member, o.cents), Posting(other, -o.cents))
        case EntryKind.payment_received:
            return (Posting(Account(AccountKind.bank), o.cents), Posting(member, -o.cents))
        case EntryKind.refund:
            return (Posting(member, o.cents), Posting(Account(AccountKind.bank), -o.cents))
        case EntryKind.fee_called:
            return (Posting(member, o.cents), Posting(Account(AccountKind.fees), -o.cents))
    raise ValueError(f"EntryFactory ne sait pas faire {o.kind}")


class EntryFactory(factory.Factory):
    class Meta:
        model = Entry
        exclude = ("adhesion", "cents", "month")

    class Params:
        call = factory.Trait(kind=EntryKind.contribution_call)
        payment = factory.Trait(kind=EntryKind.payment_received)
        refund = factory.Trait(kind=EntryKind.refund)
        fee = factory.Trait(kind=EntryKind.fee_called)

    adhesion = "GR25-000001"
    cents = 5000
    month = D(2026, 1, 1)
    kind = EntryKind.contribution_call
    key = factory.Sequence(lambda n: f"test:{n}")
    date = factory.SelfAttribute("month")
    period_start = factory.SelfAttribute("month")
    period_end = factory.LazyAttribute(
        lambda o: (
            (o.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        )
    )
    postings = factory.LazyAttribute(_postings)
    source = "tests/factories.py"
    memo = factory.LazyAttribute(lambda o: f"{o.kind.label} (essai)")


class PostedEntryFactory(EntryFactory):
    """Posts the entry with :func:`mutuelle.web.journal.services.post`; returns its row."""

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> JournalEntry:
        entry = model_class(*args, **kwargs)
        journal.post(entry)
        return JournalEntry.objects.get(key=entry.key)


def small_document(title: str = "Attestation d'adhésion", reference: str = "essai") -> Document:
    return Document(
        title=title,
        reference=reference,
        issued_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
        brands=("Mutuelle Entrenous", "Ville de Grenoble"),
        sections=(Section("Adhésion", (KeyValues((Field("Numéro", reference),)),)),),
        sources=("tests/factories.py",),
    )


class ProducedDocumentFactory(factory.django.DjangoModelFactory):
    """A real production (render, keep, record) of a small attestation for ``adhesion``."""

    class Meta:
        model = ProducedDocument

    adhesion = factory.SubFactory(AdhesionFactory)
    kind = DocumentKind.attestation

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> ProducedDocument:
        a: Adhesion = kwargs["adhesion"]
        return documents.produce(
            kwargs.get("document") or small_document(reference=a.number),
            kind=kwargs["kind"],
            owner=a,
            offer=a.offer,
        )


__all__ = [
    "AdhesionFactory",
    "AffiliationFactory",
    "EntryFactory",
    "EventFactory",
    "FormulaPeriodFactory",
    "JustificatifFactory",
    "PersonFactory",
    "PostedEntryFactory",
    "ProducedDocumentFactory",
    "small_document",
]
