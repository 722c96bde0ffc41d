"""The steering committee's side of the shell: load the facts, let the core build and protect
the reports, publish them, and keep the complaints register's deadlines in view.

Nothing is decided here: the indicators, the suppression, the P/C, the deadlines are the core's
(:mod:`mutuelle.reporting`). A published report is frozen (:class:`Publication`); every new
computation keeps the figures already published fixed, so no two reports the town received can
be differenced (docs I-146).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum

from mutuelle.reporting import complaints as cx
from mutuelle.reporting import outreach as ox
from mutuelle.reporting.committee import Built, compute, published_values, report
from mutuelle.reporting.disclosure import Protection
from mutuelle.reporting.facts import ChangeFact, Facts, OrientationCount, ThemeFact
from mutuelle.reporting.pc import LoadingsRate as LoadingsFact
from mutuelle.reporting.periods import Period, PeriodError
from mutuelle.reporting.population import (
    AdhesionFact,
    Cover,
    FormulaSpan,
    PriorCover,
    Role,
    Situation,
)
from mutuelle.reporting.report import Report
from mutuelle.reporting.rules import SteeringRules, load_steering
from mutuelle.reporting.tables import Key
from mutuelle.web.members import services as members
from mutuelle.web.members.enums import AdhesionStatus
from mutuelle.web.members.models import Adhesion, Affiliation, FormulaPeriod
from mutuelle.web.public.models import CssOrientation
from mutuelle.web.reporting import models as m
from mutuelle.web.reporting.money import money_facts


def rules() -> SteeringRules:
    return load_steering(members.offer_for().id)


def range_labels() -> dict[str, str]:
    return {rid: r.label for rid, r in members.offer_for().ranges.items()}


# --- facts -----------------------------------------------------------------------------------


def adhesion_facts() -> list[AdhesionFact]:
    """Every active adhesion (online requests still pending are not members yet), with its
    dependants' and formulas' periods: four queries, whatever the number of households."""
    deps: dict[int, list[Cover]] = defaultdict(list)
    for a_id, role, birth, start, end in Affiliation.objects.filter(
        adhesion__status=AdhesionStatus.ACTIVE
    ).values_list("adhesion_id", "role", "person__birth_date", "start", "end"):
        deps[a_id].append(Cover(Role(role), birth, start, end))
    formulas: dict[int, list[FormulaSpan]] = defaultdict(list)
    for a_id, formula, start, end in FormulaPeriod.objects.filter(
        adhesion__status=AdhesionStatus.ACTIVE
    ).values_list("adhesion_id", "formula", "start", "end"):
        formulas[a_id].append(FormulaSpan(formula, start, end))
    out = []
    for a_id, rng, start, end, birth, prior, situation in Adhesion.objects.filter(
        status=AdhesionStatus.ACTIVE
    ).values_list(
        "id", "range", "start", "end", "member__birth_date", "prior_cover", "socio_professional"
    ):
        out.append(
            AdhesionFact(
                rng,
                start,
                end,
                birth,
                PriorCover(prior or PriorCover.UNKNOWN.value),
                Situation(situation or Situation.UNKNOWN.value),
                tuple(deps[a_id]),
                tuple(formulas[a_id]),
                key=str(a_id),
            )
        )
    return out


def outreach_facts() -> ox.OutreachFacts:
    perms = [
        ox.PermanenceFact(
            s.day,
            s.place.name,
            s.half_days,
            s.participants,
            s.contacts,
            s.css_orientations,
            s.aid_orientations,
        )
        for s in m.PermanenceSession.objects.select_related("place")
    ]
    actions = [
        ox.ActionFact(
            f"action-{a.pk}", a.day, ox.Audience(a.audience), a.title, a.participants, a.free_check
        )
        for a in m.PreventionAction.objects.all()
    ]
    meetings = [
        ox.MeetingFact(f"meeting-{x.pk}", x.day, ox.MeetingKind(x.kind), x.title, x.participants)
        for x in m.Meeting.objects.all()
    ]
    events = [ox.EventFact(e.day, e.title) for e in m.OutreachEvent.objects.all()]
    spending = [ox.SpendFact(s.day, s.cents, s.label) for s in m.CommunicationSpend.objects.all()]
    return ox.OutreachFacts(perms, actions, meetings, events, spending)


def complaint_range(c: m.Complaint) -> str:
    return c.adhesion.range if c.adhesion_id and c.adhesion else c.range


def complaint_fact(c: m.Complaint) -> cx.ComplaintFact:
    return cx.ComplaintFact(
        c.received_on,
        complaint_range(c),
        cx.Subject(c.subject),
        cx.Channel(c.channel),
        c.written_on,
        c.acknowledged_on,
        c.answered_on,
        c.mediation_on,
        c.court,
    )


def facts() -> Facts:
    orientations = [
        OrientationCount(day, channel, verdict, total)
        for day, channel, verdict, total in CssOrientation.objects.values_list(
            "day", "channel", "verdict"
        )
        .annotate(total=Sum("count"))
        .order_by()
    ]
    return Facts(
        adhesions=adhesion_facts(),
        range_labels=range_labels(),
        outreach=outreach_facts(),
        complaints=[
            complaint_fact(c) for c in m.Complaint.objects.select_related("adhesion").order_by()
        ],
        orientations=orientations,
        themes=[ThemeFact(t.proposed_on, t.title, t.need) for t in m.WorkshopTheme.objects.all()],
        changes=[
            ChangeFact(c.title, c.effective_on, c.source, c.impact)
            for c in m.RegulatoryChange.objects.all()
        ],
        money=money_facts(),
        loadings=[
            LoadingsFact(
                r.valid_from,
                r.rate_bp,
                r.source,
                r.recorded_at.date(),
                r.recorded_by.get_username() if r.recorded_by else "",
            )
            for r in m.LoadingsRate.objects.select_related("recorded_by")
        ],
    )


# --- reports ---------------------------------------------------------------------------------


def _key(raw: Any) -> Key:
    """A cell key from its JSON form (lists back to tuples)."""
    measure, time, dims = raw
    return (measure, time, tuple((a, b) for a, b in dims))


def prior_values() -> dict[Key, int]:
    """Every figure already published to the committee."""
    out: dict[Key, int] = {}
    for values in m.Publication.objects.values_list("values", flat=True):
        for raw, v in values:
            out[_key(raw)] = v
    return out


@dataclass
class Computed:
    built: Built
    protection: Protection
    today: dt.date


def compute_all(today: dt.date | None = None) -> Computed:
    today = today or dt.date.today()
    built, protection = compute(facts(), rules(), today, prior_values())
    return Computed(built, protection, today)


class NotAvailable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise NotAvailable(str(exc)) from None


def preview(period: str, computed: Computed | None = None) -> Report:
    """The report of a closed period as it would be published (protected like the town's)."""
    p = parse_period(period)
    computed = computed or compute_all()
    if not p.closed_on(computed.today):
        raise NotAvailable(
            f"le {p.label} n'est pas terminé : son rapport se prépare après le {p.end:%d/%m/%Y}"
        )
    try:
        return report(computed.built, computed.protection, p.key, computed.today)
    except KeyError:
        raise NotAvailable(f"aucune donnée pour le {p.label}") from None


def published(period: str) -> Report:
    """The report the committee received (frozen); :class:`NotAvailable` otherwise."""
    p = parse_period(period)
    pub = m.Publication.objects.filter(period=p.key).first()
    if pub is None:
        raise NotAvailable(f"le rapport du {p.label} n'a pas encore été publié par la Mutuelle")
    return Report.from_dict(pub.report)


def publications() -> list[m.Publication]:
    """Published reports, the most recent period first."""
    pubs = list(m.Publication.objects.defer("report", "values"))
    return sorted(pubs, key=lambda p: Period.parse(p.period).recency, reverse=True)


class AlreadyPublished(NotAvailable):
    pass


def publish(period: str, user: Any = None, today: dt.date | None = None) -> m.Publication:
    """Freeze a closed period's report for the committee (once: a published report never
    changes; later figures are protected together with it)."""
    return publish_many([period], user, today)[0]


def publish_many(
    periods: list[str], user: Any = None, today: dt.date | None = None
) -> list[m.Publication]:
    """Publish several closed periods from one computation (they are protected together)."""
    keys = [parse_period(p).key for p in periods]
    done = set(m.Publication.objects.filter(period__in=keys).values_list("period", flat=True))
    if done and len(keys) == 1:
        raise AlreadyPublished(f"le rapport du {parse_period(keys[0]).label} est déjà publié")
    computed = compute_all(today)
    out = []
    with transaction.atomic():
        for key in keys:
            if key in done:
                continue
            rep = preview(key, computed)
            values = published_values(computed.built, computed.protection, key)
            data = rep.as_dict()
            data["published_on"] = computed.today.isoformat()
            try:
                with transaction.atomic():
                    out.append(
                        m.Publication.objects.create(
                            period=key,
                            published_on=computed.today,
                            published_by=user
                            if user is not None and user.is_authenticated
                            else None,
                            offer=rep.offer,
                            report=data,
                            values=[
                                [[k[0], k[1], [list(d) for d in k[2]]], v]
                                for k, v in values.items()
                            ],
                        )
                    )
            except IntegrityError:
                raise AlreadyPublished(f"le rapport {key} est déjà publié") from None
    return out


def report_pdf(report: Report, actor: Any = None) -> bytes:
    """The committee's PDF of ``report`` (documents app: rendered, kept and recorded once per
    content; asked again, the same file). It shows exactly what the report shows."""
    from django.utils import timezone

    from mutuelle.documents import DocumentKind
    from mutuelle.reporting.document import committee_document
    from mutuelle.web.documents.services import produce, read_pdf

    document = committee_document(report, timezone.now())
    produced = produce(
        document,
        kind=DocumentKind.committee_report,
        owner=None,
        offer=report.offer,
        batch=f"comite-{report.period_key}",
        actor=actor,
    )
    return read_pdf(produced)


# --- complaints ------------------------------------------------------------------------------


def next_complaint_number(year: int) -> str:
    prefix = f"REC{year % 100:02d}-"
    last = m.Complaint.objects.filter(number__startswith=prefix).aggregate(n=Max("number"))["n"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def complaint_status(c: m.Complaint, today: dt.date | None = None) -> cx.ComplaintStatus:
    r = rules()
    return cx.status(
        r.complaint_rules(complaint_range(c)),
        r.citation,
        complaint_fact(c),
        today or dt.date.today(),
    )


@dataclass(frozen=True)
class Overdue:
    complaint: m.Complaint
    status: cx.ComplaintStatus

    @property
    def what(self) -> str:
        late = []
        if self.status.acknowledgement is cx.DeadlineState.OVERDUE:
            late.append(
                f"accusé de réception dû le {self.status.deadlines.acknowledge_by:%d/%m/%Y}"
            )
        if self.status.answer is cx.DeadlineState.OVERDUE:
            late.append(f"réponse due le {self.status.deadlines.answer_by:%d/%m/%Y}")
        return " ; ".join(late)


def overdue_complaints(today: dt.date | None = None, limit: int | None = None) -> list[Overdue]:
    """Complaints whose acknowledgement or answer is late, the oldest first (the open ones
    only: a complaint answered is never overdue)."""
    today = today or dt.date.today()
    out = []
    for c in m.Complaint.objects.filter(answered_on__isnull=True).select_related("adhesion"):
        st = complaint_status(c, today)
        if st.overdue:
            out.append(Overdue(c, st))
    out.sort(key=lambda o: (o.status.next_due or today, o.complaint.number))
    return out[:limit] if limit else out
