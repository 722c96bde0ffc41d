"""The unpaid-contributions process, day by day (the dates are the cores': :mod:`mutuelle.
billing.unpaid` and :func:`mutuelle.membership.unpaid_timeline`). :func:`queue` lists what is
due on a day; :func:`apply` does it, once: the formal notice recorded and its PDF produced, the
suspension written (``members.Suspension``, read by claims), the reinstatement at noon the day
after payment, and the termination for non-payment 10 days after the suspension (docs I-170),
followed by the regularisation of the calls after the last covered day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from mutuelle.billing import letters
from mutuelle.billing.unpaid import Notice, UnpaidCase, unpaid_case
from mutuelle.documents import DocumentKind
from mutuelle.explain import Cited, Said
from mutuelle.journal import AccountKind, EntryKind
from mutuelle.money import format_euros
from mutuelle.vocabulary import PaymentFrequency, PaymentMode
from mutuelle.web.billing.models import FormalNotice
from mutuelle.web.documents import services as documents
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalPosting
from mutuelle.web.members import services as members
from mutuelle.web.members.enums import AdhesionStatus, EventKind
from mutuelle.web.members.models import Adhesion, Suspension


@dataclass(slots=True)
class Queue:
    on: dt.date
    cases: list[tuple[Adhesion, UnpaidCase]] = field(default_factory=list)
    done: dict[str, int] = field(default_factory=dict)

    def of(self, action: str) -> list[tuple[Adhesion, UnpaidCase]]:
        return [(a, c) for a, c in self.cases if c.action == action]


def _aware(day: dt.date, hour: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def candidates(on: dt.date) -> Any:
    """Adhesions that may owe something fallen due before ``on`` (a database sum over the
    periods begun before it), or whose notice is still open."""
    owing = (
        JournalPosting.objects.filter(
            account=AccountKind.member_contributions.value, entry__period_start__lt=on
        )
        .values("adhesion")
        .annotate(total=Sum("cents"))
        .filter(total__gt=0)
        .values("adhesion")
    )
    open_notice = FormalNotice.objects.filter(resolved_on__isnull=True).values("adhesion_id")
    return (
        Adhesion.objects.filter(status=AdhesionStatus.ACTIVE)
        .filter(Q(number__in=owing) | Q(pk__in=open_notice))
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("member")
        .order_by("pk")
    )


def case_of(a: Adhesion, on: dt.date) -> UnpaidCase | None:
    entries = journal.entries_of(a.number)
    status = journal.contribution_status(a.number, entries)
    notice = a.formal_notices.filter(resolved_on__isnull=True).order_by("-sent_on").first()
    suspended = a.suspensions.filter(ends_at__isnull=True).exists()
    paid = [e.date for e in entries if e.kind is EntryKind.payment_received]
    monthly = a.payroll_deduction or (
        a.payment_frequency == PaymentFrequency.MONTHLY and a.payment_mode != PaymentMode.CHEQUE
    )
    return unpaid_case(
        members.offer_for(a),
        a.range,
        status,
        on=on,
        notice=Notice(notice.due_on, notice.sent_on) if notice else None,
        suspended=suspended,
        paid_on=max(paid) if paid else None,
        instalments=monthly,
        payroll=a.payroll_deduction,
    )


def _cases(on: dt.date) -> Iterator[tuple[Adhesion, UnpaidCase | None]]:
    for a in candidates(on).iterator(chunk_size=500):
        yield a, case_of(a, on)


def queue(on: dt.date) -> Queue:
    """What the unpaid process asks on ``on`` (nothing is written)."""
    q = Queue(on)
    q.cases = [(a, c) for a, c in _cases(on) if c is not None]
    return q


def _addressee(a: Adhesion) -> letters.Addressee:
    m = a.member
    lines = tuple(x for x in (m.address, f"{m.postcode} {m.city}".strip()) if x)
    return letters.Addressee(a.number, f"{m.first_name} {m.last_name.upper()}", lines)


DONE = ("notices", "suspensions", "terminations", "reinstatements", "closed")


def apply(on: dt.date, *, actor: Any = None) -> Queue:
    """Do what is due on ``on``, once (a rerun the same day does nothing new)."""
    q = Queue(on, done=dict.fromkeys(DONE, 0))
    for a, case in _cases(on):
        act(a, case, on, actor, q.done)
        if case is not None:
            q.cases.append((a, case))
    return q


def act(
    a: Adhesion, case: UnpaidCase | None, on: dt.date, actor: Any, done: dict[str, int]
) -> None:
    """Do the act ``case`` asks for one adhesion, in one transaction, counting it in ``done``
    (also the body of the ``unpaid-day`` batch run)."""
    with transaction.atomic():
        if case is None:
            closed = a.formal_notices.filter(resolved_on__isnull=True).update(resolved_on=on)
            done["closed"] += closed
        elif case.action == "notice":
            _notice(a, case, on, actor)
            done["notices"] += 1
        elif case.action == "suspend":
            _suspend(a, case, actor)
            done["suspensions"] += 1
        elif case.action == "terminate":
            if not a.suspensions.filter(ends_at__isnull=True).exists():
                _suspend(a, case, actor)  # a day not run: the suspension comes first
                done["suspensions"] += 1
            if _terminate(a, case, on, actor):
                done["terminations"] += 1
        elif case.action == "reinstate":
            at = case.timeline.reinstated_at
            assert at is not None
            a.suspensions.filter(ends_at__isnull=True).update(ends_at=_aware(at.date(), 12))
            a.formal_notices.filter(resolved_on__isnull=True).update(resolved_on=on)
            members.log(
                a,
                EventKind.CHANGE,
                f"Cotisations arriérées payées : garanties remises en vigueur le "
                f"{at:%d/%m/%Y} à midi.",
                actor,
                case.steps,
            )
            done["reinstatements"] += 1


def _suspend(a: Adhesion, case: UnpaidCase, actor: Any) -> None:
    t = case.timeline
    assert t.suspended_from is not None
    Suspension.objects.create(
        adhesion=a,
        starts_at=_aware(t.suspended_from),
        source=t.steps[-1].source if t.steps else "",
        notice_sent_on=t.notice_sent_on,
    )
    members.log(
        a,
        EventKind.CHANGE,
        f"Garanties suspendues à partir du {t.suspended_from:%d/%m/%Y} "
        f"(cotisations impayées : {format_euros(case.owed_cents)}).",
        actor,
        case.steps,
    )


TERMINATION_CITE = Cited(
    readings=("I-170",),
    text="Règlement particuliers III-2-3 (« La Mutuelle est en droit de résilier la Garantie au "
    "plus tôt dix (10) jours après la suspension ») ; Code de la mutualité L.221-7",
    public_text="Règlement, article III-2-3 ; Code de la mutualité, article L.221-7",
)


def _terminate(a: Adhesion, case: UnpaidCase, on: dt.date, actor: Any) -> bool:
    """The termination for non-payment on the first day the texts allow it: the adhesion's
    last covered day is the day before (docs I-170); the notice is closed; the calls after
    that day are brought down by regularisation (docs I-169); what stays owed stays owed."""
    t = case.timeline
    assert t.terminable_from is not None
    last = t.terminable_from - dt.timedelta(days=1)
    steps = (
        *case.steps,
        Said(
            f"Toujours impayé {format_euros(case.owed_cents)} le {t.terminable_from:%d/%m/%Y}, "
            f"dix jours après la suspension : adhésion résiliée pour non-paiement, dernier jour "
            f"couvert le {last:%d/%m/%Y} ; les cotisations échues jusque-là restent dues.",
            TERMINATION_CITE,
            "billing.unpaid_termination",
        ),
    )
    if not members.end_for_unpaid(a, last_day=last, decided_on=on, steps=steps, actor=actor):
        return False
    a.formal_notices.filter(resolved_on__isnull=True).update(resolved_on=on)
    from mutuelle.billing import key_prefix
    from mutuelle.web.billing import services

    for year in (last.year, last.year + 1):
        called = JournalPosting.objects.filter(
            adhesion=a.number, entry__key__startswith=key_prefix(a.number, year)
        ).exists()
        if called:
            services.call_adhesion(a, year, on, actor=actor)
    return True


def _notice(a: Adhesion, case: UnpaidCase, on: dt.date, actor: Any) -> FormalNotice:
    # The letter is sent on ``on``: the timeline from that day (30 days, then 10).
    from mutuelle.membership.unpaid import unpaid_timeline

    t = unpaid_timeline(
        members.offer_for(a),
        a.range,
        due_on=case.due_on,
        notice_sent_on=on,
        instalments=case.timeline.suspension_ends is not None,
        payroll=a.payroll_deduction,
    )
    notice, _ = FormalNotice.objects.get_or_create(
        adhesion=a,
        due_on=case.due_on,
        defaults={
            "owed_cents": case.owed_cents,
            "sent_on": on,
            "source": t.steps[0].source[:300] if t.steps else "",
        },
    )
    doc = letters.notice_document(
        _addressee(a), case.owed_cents, case.due_on, t, on, timezone.now()
    )
    documents.produce(doc, kind=DocumentKind.mise_en_demeure, owner=a, offer=a.offer, actor=actor)
    members.log(
        a,
        EventKind.CHANGE,
        f"Mise en demeure envoyée le {on:%d/%m/%Y} : {format_euros(case.owed_cents)} échus "
        f"depuis le {case.due_on:%d/%m/%Y} ; suspension le {t.suspended_from:%d/%m/%Y}.",
        actor,
        t.steps,
    )
    return notice
