"""The back office's acts: load the facts, ask the core, store the result and its history.

Every act runs in a transaction and writes an :class:`Event` (who, when, what, the rules
applied with their sources). A refusal of the règlement (:class:`mutuelle.membership.Refused`)
is also written to the history, then raised for the screen to show it in plain words.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mutuelle import journal as journal_core
from mutuelle import membership as core
from mutuelle.explain import NO_SOURCE, Said, Step
from mutuelle.membership import Refused
from mutuelle.money import format_euros
from mutuelle.offers import latest_offer_id, load_offer
from mutuelle.offers.model import Offer
from mutuelle.pricing import Member, QuoteRefused
from mutuelle.pricing.household import AgentFacts
from mutuelle.pricing.schedule import FormulaSpan, Insured, dues, monthly_price, quote_on
from mutuelle.refusal import Code
from mutuelle.vocabulary import TerminationRequest
from mutuelle.web.journal import services as journal
from mutuelle.web.members.enums import AdhesionStatus, EndReason, EventKind, Role
from mutuelle.web.members.models import Adhesion, Affiliation, Event, FormulaPeriod, Person


def offer_for(adhesion: Adhesion | None = None) -> Offer:
    if adhesion is not None and adhesion.offer:
        return load_offer(adhesion.offer)
    return load_offer(settings.MUTUELLE_OFFER or latest_offer_id())


def steps_data(steps: tuple[Step, ...] | list[Step]) -> list[dict[str, str]]:
    return [{"rule": s.rule, "source": s.source} for s in steps]


def log(
    adhesion: Adhesion,
    kind: str,
    summary: str,
    actor: Any = None,
    steps: tuple[Step, ...] | list[Step] = (),
    **data: Any,
) -> Event:
    user = actor if getattr(actor, "is_authenticated", False) else None
    payload = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    if steps:
        payload["rules"] = steps_data(steps)
    event: Event = Event.objects.create(
        adhesion=adhesion, actor=user, kind=kind, summary=summary, data=payload
    )
    return event


# --- contributions (the pricing core) --------------------------------------------------------


def covered_on(adhesion: Adhesion, on: dt.date) -> list[Affiliation]:
    return [
        a for a in adhesion.affiliations.all() if a.start <= on and (a.end is None or a.end >= on)
    ]


def insured_of(adhesion: Adhesion) -> list[Insured]:
    """The adhesion's persons with their cover dates, as the pricing core reads them."""
    member = Insured(
        Member(
            role="adherent",
            birth_date=adhesion.member.birth_date,
            index=0,
            name=adhesion.member.first_name,
            agent=AgentFacts(
                public_service_entry=adhesion.agent_service_entry,
                last_reference_cover_end=adhesion.agent_last_reference_cover_end,
            )
            if adhesion.range == "agents"
            else None,
        ),
        adhesion.start,
        adhesion.end,
    )
    out = [member]
    for i, a in enumerate(sorted(adhesion.affiliations.all(), key=_by_start), start=1):
        out.append(
            Insured(
                Member(
                    role="spouse" if a.role == Role.SPOUSE else "child",
                    birth_date=a.person.birth_date,
                    index=i,
                    name=a.person.first_name,
                    proof=a.proof or None,  # type: ignore[arg-type]
                    disabled=a.disabled,
                ),
                a.start,
                a.end,
            )
        )
    return out


def _by_start(a: Affiliation) -> tuple[dt.date, dt.date, int]:
    return (a.start, a.person.birth_date, a.pk or 0)


def formula_spans(adhesion: Adhesion) -> list[FormulaSpan]:
    return [
        FormulaSpan(p.formula, p.start, p.end)
        for p in sorted(adhesion.formula_periods.all(), key=lambda p: p.start)
    ]


def monthly_contribution(adhesion: Adhesion, formula: str, on: dt.date) -> tuple[int | None, str]:
    """What a full month of ``on`` costs the household in ``formula`` (pricing core; a newborn
    exempt that month counts nothing), or None and why."""
    rid: Any = adhesion.range
    try:
        q = quote_on(offer_for(adhesion), rid, insured_of(adhesion), formula, on)
    except QuoteRefused as exc:
        return None, str(exc)
    monthly = monthly_price(q, on)
    return monthly, f"{format_euros(monthly)} par mois ({q.formula})"


def current_monthly(adhesion: Adhesion, today: dt.date | None = None) -> int | None:
    """The monthly contribution shown for the adhesion: for today's month, the last covered
    day's once ended, the start's before it begins."""
    on = max(today or timezone.localdate(), adhesion.start)
    if adhesion.end is not None:
        on = min(on, adhesion.end)
    span = next((f for f in formula_spans(adhesion) if f.holds_on(on)), None)
    if span is None:
        return None
    return monthly_contribution(adhesion, span.formula, on)[0]


def reprise_entries(
    offer: Offer,
    *,
    number: str,
    range_id: str,
    insured: Sequence[Insured],
    spans: Sequence[FormulaSpan],
    start: dt.date,
    called_until: dt.date,
    paid_until: dt.date | None,
    on: dt.date,
    memo: str,
    existing: Sequence[journal_core.Entry] = (),
) -> list[journal_core.Entry]:
    """The entries bringing an adhesion's contributions into the journal as called from
    ``start`` to ``called_until`` and received to ``paid_until``, priced by the pricing core
    (:class:`QuoteRefused` when the texts cannot price them), replacing any former reprise."""
    rid: Any = range_id
    amounts = dues(
        offer,
        rid,
        insured,
        spans,
        start,
        called_until,
        cuts=[paid_until + dt.timedelta(days=1)] if paid_until else [],
    )
    return journal_core.reopen(
        existing, number, amounts, paid_through=paid_until, date=on, range_id=range_id, memo=memo
    )


def set_paid_until(
    adhesion: Adhesion,
    paid_until: dt.date | None,
    *,
    actor: Any = None,
    on: dt.date | None = None,
) -> str:
    """Record « cotisations payées jusqu'au » as a reprise in the journal (docs I-110): the
    contributions from the start are brought in as called up to the later of the former and
    the new date, and as received up to the new date; the former reprise is reversed. The
    amounts are the pricing core's. Returns what changed, in words, for the history."""
    on = on or timezone.localdate()
    if adhesion.end is not None:
        raise Refused(
            f"l'adhésion a cessé le {adhesion.end:%d/%m/%Y} : la reprise des cotisations ne se "
            "corrige plus (la facturation rembourse ou recouvre le solde)"
        )
    before = adhesion.contribution_status
    called_until = max(
        (d for d in (before.called_until, paid_until) if d is not None), default=None
    )
    if called_until is None or called_until < adhesion.start:
        return "aucune cotisation à reprendre"
    try:
        entries = reprise_entries(
            offer_for(adhesion),
            number=adhesion.number,
            range_id=adhesion.range,
            insured=insured_of(adhesion),
            spans=formula_spans(adhesion),
            start=adhesion.start,
            called_until=called_until,
            paid_until=paid_until,
            on=on,
            memo="Reprise saisie au back office",
            existing=adhesion.journal_entries,
        )
    except QuoteRefused as exc:
        raise Refused(f"cotisations impossibles à chiffrer : {exc.message}", exc.source) from None
    except journal_core.NotAnOpening as exc:
        raise Refused(str(exc), journal_core.opening.SOURCE) from None
    journal.post_many(entries, actor=actor)
    adhesion.forget_derived()
    after = adhesion.contribution_status
    said = "aucune" if after.paid_until is None else f"{after.paid_until:%d/%m/%Y}"
    text = f"Cotisations payées jusqu'au {said}"
    owed = after.owed_on(on)
    text += (
        f" ; à jour de ses cotisations : non ({format_euros(owed)} échus non réglés)"
        if owed
        else " ; à jour de ses cotisations : oui"
    )
    return text


# --- acts --------------------------------------------------------------------------------


def _logging_refusals(
    kind: str, prefix: str
) -> Callable[[Callable[..., Outcome]], Callable[..., Outcome]]:
    """Run an act; if the règlement refuses it, the act's transaction rolls back, then the
    refusal is written to the history (in its own transaction) and raised for the screen."""

    def wrap(act: Callable[..., Outcome]) -> Callable[..., Outcome]:
        @functools.wraps(act)
        def run(adhesion: Adhesion, **kw: Any) -> Outcome:
            try:
                return act(adhesion, **kw)
            except Refused as exc:
                log(
                    adhesion,
                    kind,
                    f"{prefix}{exc.message}",
                    kw.get("actor"),
                    source=exc.source or "",
                    code=exc.code.value,
                )
                raise

        return run

    return wrap


@dataclass(frozen=True)
class Outcome:
    message: str
    steps: tuple[Step, ...]


@_logging_refusals(EventKind.DEPENDANT_REFUSED, "Affiliation d'un ayant droit refusée : ")
def add_dependant(
    adhesion: Adhesion,
    *,
    person: Person,
    role: str,
    received_on: dt.date,
    event: str | None = None,
    event_date: dt.date | None = None,
    proof: str = "",
    disabled: bool = False,
    actor: Any = None,
) -> Outcome:
    """Affiliate a dependant (I-7-2): the core checks the person and computes the dates."""
    offer = offer_for(adhesion)
    rid = adhesion.range
    with transaction.atomic():
        adhesion = Adhesion.objects.select_for_update().get(pk=adhesion.pk)
        if adhesion.end is not None and received_on > adhesion.end:
            raise Refused(
                f"l'adhésion a cessé le {adhesion.end:%d/%m/%Y} : on ne peut plus y "
                "affilier d'ayant droit",
                code=Code.ADHESION_ENDED,
            )
        dep = core.Dependant(
            role="spouse" if role == Role.SPOUSE else "child",
            birth_date=person.birth_date,
            proof=proof or None,
            disabled=disabled,
        )
        start = core.dependant_start(
            offer,
            rid,
            member_start=adhesion.start,
            received_on=received_on,
            event=event,  # type: ignore[arg-type]
            event_date=event_date,
        )
        eligible = core.check_dependant(offer, rid, dep, start.date)
        if role == Role.SPOUSE and any(
            a.role == Role.SPOUSE and (a.end is None or a.end >= start.date)
            for a in adhesion.affiliations.all()
        ):
            raise Refused(
                "l'adhésion couvre déjà un conjoint à cette date", code=Code.SPOUSE_ALREADY
            )
        end_by_age = core.age_limit_end(offer, rid, dep)
        end = end_by_age.date if end_by_age else None
        s, e = core.clamp_to_adhesion(start.date, end, adhesion.start, adhesion.end)
        if e is not None and e < s:
            raise Refused(
                f"{person.first_name} ne serait couvert-e aucun jour : la couverture commencerait "
                f"le {s:%d/%m/%Y} et finirait le {e:%d/%m/%Y}",
                end_by_age.steps[0].cite if end_by_age and end_by_age.steps else None,
                code=Code.DEPENDANT,
            )
        same = [
            a
            for a in adhesion.affiliations.select_related("person")
            if a.person.birth_date == person.birth_date
            and a.person.first_name.strip().casefold() == person.first_name.strip().casefold()
            and a.person.last_name.strip().casefold() == person.last_name.strip().casefold()
            and (a.end is None or a.end >= s)
        ]
        if same or (
            person.birth_date == adhesion.member.birth_date
            and person.first_name.strip().casefold() == adhesion.member.first_name.casefold()
            and person.last_name.strip().casefold() == adhesion.member.last_name.casefold()
        ):
            raise Refused(
                f"{person.first_name} {person.last_name}, né-e le {person.birth_date:%d/%m/%Y}, "
                "est déjà couvert-e par cette adhésion",
                code=Code.DEPENDANT,
            )
        if person.pk is None:
            person.save()
        aff = Affiliation.objects.create(
            adhesion=adhesion,
            person=person,
            role=role,
            proof=proof,
            disabled=disabled,
            requested_on=received_on,
            start=s,
            end=e,
            end_reason=EndReason.AGE if e is not None and e == end else "",
        )
        steps = (*start.steps, *eligible)
        period = adhesion.current_formula()
        note = ""
        if period is not None:
            _monthly, note = monthly_contribution(adhesion, period.formula, max(s, received_on))
        msg = (
            f"{aff.get_role_display()} {person.first_name} {person.last_name} affilié-e : "
            f"couvert-e à partir du {s:%d/%m/%Y}"
            + (f" jusqu'au {e:%d/%m/%Y}" if e else "")
            + (f". Cotisation du foyer : {note}" if note else "")
            + "."
        )
        log(adhesion, EventKind.DEPENDANT_ADDED, msg, actor, steps, affiliation=aff.pk)
    return Outcome(msg, steps)


def change_formula(
    adhesion: Adhesion, *, new: str, requested_on: dt.date, actor: Any = None
) -> Outcome:
    offer = offer_for(adhesion)
    refusal: Refused | None = None
    with transaction.atomic():
        adhesion = Adhesion.objects.select_for_update().get(pk=adhesion.pk)
        period = adhesion.current_formula()
        if period is None:
            raise Refused("aucune formule enregistrée pour cette adhésion", code=Code.FORMULA)
        if adhesion.end is not None:
            raise Refused(
                f"l'adhésion a cessé le {adhesion.end:%d/%m/%Y}", code=Code.ADHESION_ENDED
            )
        if period.start > requested_on:
            raise Refused(
                f"un changement vers {period.formula} prendra déjà effet le "
                f"{period.start:%d/%m/%Y} ; une nouvelle demande ne peut venir qu'après",
                code=Code.FORMULA_CHANGE,
            )
        decision = core.formula_change(
            offer,
            adhesion.range,
            current=period.formula,
            current_since=period.start,
            adhesion_start=adhesion.start,
            new=new,
            requested_on=requested_on,
            up_to_date=adhesion.contribution_status.up_to_date(requested_on),
        )
        if not decision.allowed:
            refusal = decision.refusal()
        else:
            effect = _apply_formula_change(adhesion, period, decision, new, requested_on)
            msg = f"Changement de formule {period.formula} → {new} : effet le {effect:%d/%m/%Y}."
            log(adhesion, EventKind.FORMULA_CHANGED, msg, actor, decision.steps)
    if refusal is not None:
        # Outside the transaction: the refused request stays in the history.
        log(
            adhesion,
            EventKind.FORMULA_REFUSED,
            refusal.message,
            actor,
            decision.steps,
            requested=new,
            requested_on=requested_on,
        )
        raise refusal
    return Outcome(msg, decision.steps)


def _apply_formula_change(
    adhesion: Adhesion,
    period: FormulaPeriod,
    decision: core.FormulaChangeDecision,
    new: str,
    requested_on: dt.date,
) -> dt.date:
    effect = decision.effective_on
    assert effect is not None
    period.end = effect - dt.timedelta(days=1)
    period.save(update_fields=["end"])
    FormulaPeriod.objects.create(
        adhesion=adhesion, formula=new, start=effect, requested_on=requested_on
    )
    return effect


TERMINATION_KINDS = {k.value: k.label for k in TerminationRequest}


@_logging_refusals(EventKind.TERMINATION_REFUSED, "Résiliation refusée : ")
def terminate(
    adhesion: Adhesion,
    *,
    kind: str,
    received_on: dt.date,
    event_date: dt.date | None = None,
    notice_sent_on: dt.date | None = None,
    actor: Any = None,
) -> Outcome:
    """Record the end of an adhesion; the core fixes the last covered day and the refund."""
    offer = offer_for(adhesion)
    rid = adhesion.range
    with transaction.atomic():
        adhesion = Adhesion.objects.select_for_update().get(pk=adhesion.pk)
        if adhesion.end is not None:
            raise Refused(
                f"l'adhésion a déjà cessé le {adhesion.end:%d/%m/%Y} "
                f"({adhesion.get_end_reason_display()})",
                code=Code.ADHESION_ENDED,
            )
        if kind == "member":
            t, others = core.member_termination(
                offer,
                rid,
                received_on=received_on,
                adhesion_start=adhesion.start,
                signed_on=adhesion.signed_on,
                notice_sent_on=notice_sent_on,
            )
        else:
            t = core.special_termination(
                offer,
                rid,
                path=kind,  # type: ignore[arg-type]
                received_on=received_on,
                event_date=event_date,
            )
            others = ()
        if t.last_covered_day < adhesion.start:
            raise Refused(
                f"la cessation au {t.last_covered_day:%d/%m/%Y} précéderait la prise d'effet "
                f"de l'adhésion ({adhesion.start:%d/%m/%Y}) : voir plutôt la renonciation",
                code=Code.TERMINATION,
            )
        # The refund: what the journal says was received beyond the last covered day.
        t = core.with_received_refund(offer, rid, t, adhesion.contribution_status.periods)
        _end(adhesion, t.last_covered_day, t.path, received_on)
        msg = f"{t.label.capitalize()} : dernier jour couvert le {t.last_covered_day:%d/%m/%Y}"
        if t.refund_cents:
            msg += f" ; remboursement de {format_euros(t.refund_cents)}"
            if t.refund_by:
                msg += f" au plus tard le {t.refund_by:%d/%m/%Y}"
        elif t.refund_by:
            msg += f" ; solde éventuel remboursé au plus tard le {t.refund_by:%d/%m/%Y}"
        msg += "."
        if others:
            msg += (
                " Autres voies : "
                + "; ".join(f"{o.label} ({o.last_covered_day:%d/%m/%Y})" for o in others)
                + "."
            )
        log(
            adhesion,
            EventKind.TERMINATED,
            msg,
            actor,
            t.steps,
            path=t.path,
            refund_cents=t.refund_cents,
            refund_by=t.refund_by,
        )
        adhesion.forget_derived()
    return Outcome(msg, t.steps)


def _end(adhesion: Adhesion, last_day: dt.date, reason: str, notified_on: dt.date) -> None:
    """Write the adhesion's end, and its household's and formulas' with it."""
    adhesion.end = last_day
    adhesion.end_reason = reason
    adhesion.end_notified_on = notified_on
    adhesion.save()
    for aff in adhesion.affiliations.all():
        if aff.start > last_day:
            aff.end = aff.start  # never covered: closed on its start (CHECK end ≥ start)
            aff.end_reason = EndReason.ADHESION_END
            aff.save(update_fields=["end", "end_reason"])
        elif aff.end is None or aff.end > last_day:
            aff.end = last_day
            aff.end_reason = EndReason.ADHESION_END
            aff.save(update_fields=["end", "end_reason"])
    for p in adhesion.formula_periods.all():
        if p.start > last_day:
            p.delete()  # a change that will never take effect
        elif p.end is None or p.end > last_day:
            p.end = last_day
            p.save(update_fields=["end"])


def end_for_unpaid(
    adhesion: Adhesion,
    *,
    last_day: dt.date,
    decided_on: dt.date,
    steps: Sequence[Step],
    actor: Any = None,
) -> bool:
    """Record the termination for non-payment decided by billing's unpaid process (Code de la
    mutualité L.221-7, Règlement particuliers III-2-3; docs I-170). False when the adhesion
    already ended on or before ``last_day`` (nothing written)."""
    with transaction.atomic():
        adhesion = Adhesion.objects.select_for_update().get(pk=adhesion.pk)
        if adhesion.end is not None and adhesion.end <= last_day:
            return False
        _end(adhesion, last_day, EndReason.UNPAID, decided_on)
        log(
            adhesion,
            EventKind.TERMINATED,
            f"{EndReason.UNPAID.label} : dernier jour couvert le {last_day:%d/%m/%Y}.",
            actor,
            tuple(steps),
            path=EndReason.UNPAID.value,
        )
        adhesion.forget_derived()
    return True


# --- what the admin shows: dates computed by the core ----------------------------------------


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    steps: tuple[Step, ...]


def computed_dates(adhesion: Adhesion, today: dt.date) -> list[Line]:
    offer = offer_for(adhesion)
    rid: Any = adhesion.range
    lines: list[Line] = []
    pending = adhesion.status != AdhesionStatus.ACTIVE
    try:
        eff = core.effective_date(
            offer,
            rid,
            # a request: the date if the file were complete today (I-151)
            file_sent_on=today if pending else adhesion.file_sent_on,
            wished=adhesion.wished_start,
            previous_cover_ends=adhesion.previous_cover_ends,
        )
        if not pending:
            lines.append(Line("Date d'effet", f"{eff.date:%d/%m/%Y}", eff.steps))
        else:
            # Nothing says the file is complete before it is (issue 8): the core's reasoning,
            # as a supposition.
            said = tuple(
                Said(
                    f"Si le dossier était complet aujourd'hui : {s.rule[0].lower()}{s.rule[1:]}",
                    s.cite or NO_SOURCE,
                    s.rule_id,
                )
                for s in eff.steps
            )
            label = "Date d'effet si le dossier est complet aujourd'hui"
            lines.append(Line(label, f"{eff.date:%d/%m/%Y}", said))
            lines.append(missing_documents(adhesion, today))
            return lines
    except Refused as exc:
        lines.append(
            Line(
                "Date d'effet",
                f"{adhesion.start:%d/%m/%Y}",
                (Said(exc.message, exc.cite or NO_SOURCE, "membership.effective_date"),),
            )
        )
    lines.append(renunciation_line(adhesion))
    lines.append(missing_documents(adhesion, today))
    lines.append(contributions_line(adhesion, today))
    if adhesion.end is not None:
        lines.append(
            Line(
                "Cessation",
                f"dernier jour couvert {adhesion.end:%d/%m/%Y} "
                f"({adhesion.get_end_reason_display()})"
                + (
                    f", remboursement {format_euros(adhesion.refund_cents)}"
                    if adhesion.refund_cents
                    else ""
                )
                + (f" au plus tard le {adhesion.refund_by:%d/%m/%Y}" if adhesion.refund_by else ""),
                (),
            )
        )
        return lines
    ren = core.next_renewal(offer, rid, start=adhesion.start, on=today)
    lines.append(Line("Prochain renouvellement", f"{ren.date:%d/%m/%Y}", ren.steps))
    period = adhesion.current_formula()
    rng = offer.ranges[rid]
    if period is not None:
        for label, target in (
            (
                "hausse",
                next((f for f in rng.formulas[rng.formulas.index(period.formula) + 1 :]), None),
            ),
            (
                "baisse",
                next(
                    (f for f in reversed(rng.formulas[: rng.formulas.index(period.formula)])), None
                ),
            ),
        ):
            if target is None:
                lines.append(Line(f"Changement de formule à la {label}", "aucune formule", ()))
                continue
            d = core.formula_change(
                offer,
                rid,
                current=period.formula,
                current_since=period.start,
                adhesion_start=adhesion.start,
                new=target,
                requested_on=max(today, period.start),
                up_to_date=True,
            )
            when = d.effective_on if d.allowed else d.earliest_effective_on
            lines.append(
                Line(
                    f"Changement de formule à la {label} (vers {target})",
                    f"au plus tôt le {when:%d/%m/%Y}, demande reçue au plus tard le "
                    f"{d.request_by:%d/%m/%Y}",
                    d.steps,
                )
            )
    best, others = core.member_termination(
        offer, rid, received_on=today, adhesion_start=adhesion.start, signed_on=adhesion.signed_on
    )
    for t in (best, *others):
        lines.append(
            Line(
                f"Résiliation demandée aujourd'hui : {t.label}",
                f"dernier jour couvert {t.last_covered_day:%d/%m/%Y}"
                + (
                    f", remboursement au plus tard le {t.refund_by:%d/%m/%Y}" if t.refund_by else ""
                ),
                t.steps,
            )
        )
    for aff in covered_on(adhesion, today):
        if aff.end:
            lines.append(
                Line(
                    f"Fin de couverture de {aff.person.first_name}",
                    f"{aff.end:%d/%m/%Y} ({aff.get_end_reason_display() or 'fin prévue'})",
                    (),
                )
            )
    return lines


def contributions_line(adhesion: Adhesion, today: dt.date) -> Line:
    """What the journal says of the contributions; when some are unpaid, the timeline of
    L.221-7 (notice, suspension, termination) from the first unpaid period's due date."""
    status = adhesion.contribution_status
    if not status.periods:
        return Line("Cotisations (journal)", "aucune cotisation au journal", ())
    paid = f"{status.paid_until:%d/%m/%Y}" if status.paid_until else "rien encore"
    owed = status.owed_on(today)
    unpaid = status.first_unpaid
    if not owed or unpaid is None:
        return Line("Cotisations (journal)", f"payées jusqu'au {paid} ; à jour", ())
    value = (
        f"payées jusqu'au {paid} ; impayé : {format_euros(owed)} échus, le premier le "
        f"{unpaid.start:%d/%m/%Y}"
    )
    try:
        timeline = core.unpaid_timeline(
            offer_for(adhesion),
            adhesion.range,
            due_on=unpaid.start,
            instalments=adhesion.payment_frequency != "annual",
            payroll=adhesion.payroll_deduction and adhesion.range == "agents",
        )
    except Refused as exc:
        return Line(
            "Cotisations (journal)",
            value,
            (Said(exc.message, exc.cite or NO_SOURCE, str(exc.code)),),
        )
    return Line("Cotisations (journal)", value, timeline.steps)


def renunciation_line(adhesion: Adhesion) -> Line:
    """Until when the member may renounce (I-6), by the channel of the sale (docs I-32)."""
    offer = offer_for(adhesion)
    if adhesion.channel == "agency":
        return Line(
            "Renonciation",
            "aucun délai : adhésion conclue en agence de la Mutuelle",
            (
                Said(
                    "Le règlement n'ouvre une faculté de renonciation que pour la vente à "
                    "distance, le démarchage à domicile et la vente hors établissement "
                    "(docs/interpretations.md I-32).",
                    offer.citation(
                        core.rules_for(offer, adhesion.range).renunciation.channels[0].source
                    ),
                    "membership.renunciation_window",
                ),
            ),
        )
    channel: Any = adhesion.channel  # not "agency" here (checked above)
    w = core.renunciation_window(
        offer,
        adhesion.range,
        channel=channel,
        signed_on=adhesion.signed_on,
        effective_on=adhesion.start,
    )
    value = f"jusqu'au {w.last_day:%d/%m/%Y} inclus" if w.last_day else "aucune faculté"
    return Line(f"Renonciation ({adhesion.get_channel_display()})", value, w.steps)


def _affiliated(adhesion: Adhesion) -> list[tuple[int, Affiliation]]:
    """The dependants in the order they were affiliated, numbered from 1 (the member is 0)."""
    return list(enumerate(sorted(adhesion.affiliations.all(), key=lambda a: a.pk), start=1))


def persons_covered_on(adhesion: Adhesion, on: dt.date) -> tuple[core.Insured, ...]:
    """The member and the dependants covered on ``on``, as the justificatifs see them."""
    member = adhesion.member
    persons = [core.Insured(0, "adherent", member.birth_date, member.first_name)]
    for i, a in _affiliated(adhesion):
        if a.start <= on and (a.end is None or a.end >= on):
            p = a.person
            persons.append(
                core.Insured(i, a.role, p.birth_date, p.first_name, a.proof or None, a.disabled)
            )
    return tuple(persons)


def documents_view(adhesion: Adhesion, today: dt.date) -> core.DocumentsView:
    """The justificatifs of the adhesion (``mutuelle.membership.documents``), received or not:
    a piece filed for a person counts for that person, one filed without a person for the
    household.

    One list for staff and the visitor: for a request not yet validated, every person of the
    request (all are to be covered from its effective date) with the ages of the day the
    request was made — the list the visitor was given then (docs/interpretations.md I-150);
    for an adhesion, the persons covered today."""
    index_of = {a.person_id: i for i, a in _affiliated(adhesion)}
    index_of[adhesion.member_id] = 0
    if adhesion.status == AdhesionStatus.ACTIVE:
        persons, on = persons_covered_on(adhesion, today), today
    else:
        persons = persons_covered_on(adhesion, adhesion.start)
        on = adhesion.file_sent_on
    pieces = core.required_documents(
        offer_for(adhesion),
        adhesion.range,
        persons,
        payment_mode=adhesion.payment_mode or None,
        on=on,
    )
    received = [
        (d.kind, None if d.person_id is None else index_of.get(d.person_id, -1))
        for d in adhesion.documents.all()
    ]
    return core.documents_status(pieces, received)


def missing_documents(adhesion: Adhesion, today: dt.date) -> Line:
    """The justificatifs of règlement I-3-2 not yet received, person by person."""
    view = documents_view(adhesion, today)
    value = "; ".join(p.short for p in view.missing) or "aucun"
    steps = tuple(
        dict.fromkeys(
            Said(f"{p.label} : {p.reason}.", p.cite, "membership.documents") for p in view.missing
        )
    )
    return Line("Justificatifs manquants", value, steps)


def next_number(prefix: str, year: int) -> str:
    """The next adhesion number of a series: ``GR25-000042`` (adhesions), ``DEM25-000007``
    (online requests until staff validate them).

    Unique under concurrency: the series' row is locked until the caller's transaction ends,
    so a second request waits for the first to commit (PostgreSQL row lock; SQLite takes its
    write lock at the start of the transaction, ``transaction_mode`` IMMEDIATE). Numbers
    already in the table (loaded in bulk, typed by hand) are never given again: the counter
    starts above the highest existing number of the series."""
    from mutuelle.web.members.models import NumberSeries

    series = f"{prefix}{year % 100:02d}-"
    with transaction.atomic():
        NumberSeries.objects.bulk_create([NumberSeries(series=series)], ignore_conflicts=True)
        row = NumberSeries.objects.select_for_update().get(series=series)
        last = (
            Adhesion.objects.filter(number__startswith=series)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        existing = int(last.rsplit("-", 1)[1]) if last else 0
        row.last = max(row.last, existing) + 1
        row.save(update_fields=["last"])
    return f"{series}{row.last:06d}"


# --- suspensions for unpaid contributions (written by billing, read by claims) --------------


@dataclass(frozen=True)
class SuspensionPeriod:
    """Cover suspended from ``starts_at`` until ``ends_at`` (None: not reinstated)."""

    starts_at: dt.datetime
    ends_at: dt.datetime | None
    source: str

    def covers(self, moment: dt.datetime) -> bool:
        return self.starts_at <= moment and (self.ends_at is None or moment < self.ends_at)


def suspension_periods(adhesion_ids: Sequence[int]) -> dict[int, list[SuspensionPeriod]]:
    """The suspensions of these adhesions (one query), by adhesion id, in date order."""
    from mutuelle.web.members.models import Suspension

    out: dict[int, list[SuspensionPeriod]] = {i: [] for i in adhesion_ids}
    rows = Suspension.objects.filter(adhesion_id__in=list(adhesion_ids)).order_by(
        "adhesion_id", "starts_at", "id"
    )
    for s in rows:
        out[s.adhesion_id].append(SuspensionPeriod(s.starts_at, s.ends_at, s.source))
    return out


# --- online requests: validate, ask for pieces, refuse ----------------------------------------


@dataclass(frozen=True)
class ValidationFacts:
    """What staff check and record to validate an online request (Règlement particuliers I-3,
    I-4): the applicant's conditions as the justificatifs show them, the signed bulletin, the
    consents and, for a direct debit, the SEPA mandate's date of signature."""

    links: tuple[str, ...]
    amo_affiliated: bool
    mandatory_collective_cover: bool
    debt_to_mutual: bool
    higher_education: bool
    bulletin_signed_on: dt.date
    bulletin_received_on: dt.date
    consents: bool
    mandate_signed_on: dt.date | None = None


def request_pieces(adhesion: Adhesion, today: dt.date) -> list[dict[str, Any]]:
    """The justificatifs of a request, as the visitor's page and its upload form use them:
    the same list staff see (:func:`documents_view`)."""
    view = documents_view(adhesion, today)
    return [
        {
            "key": p.key,
            "kind": p.kind.value,
            "label": p.label,
            "who": p.who,
            "person_index": p.person_index,
            "reason": p.reason,
            "received": ok,
        }
        for p, ok in view.pieces
    ]


def file_complete_on(adhesion: Adhesion, bulletin_received_on: dt.date) -> dt.date:
    """The date the file became complete: the later of the signed bulletin's reception and of
    the last justificatif received (Règlement particuliers I-4, « accompagné de l'ensemble des
    pièces justificatives »; docs/interpretations.md I-151)."""
    dates = [d.received_on for d in adhesion.documents.all()]
    return max([bulletin_received_on, *dates])


def _pending(adhesion_pk: int) -> Adhesion:
    adhesion = Adhesion.objects.select_for_update().select_related("member").get(pk=adhesion_pk)
    if adhesion.status != AdhesionStatus.PENDING:
        raise Refused(
            f"la demande {adhesion.number} n'est plus à instruire "
            f"({adhesion.get_status_display().lower()})",
            code=Code.REFUSED,
        )
    return adhesion


@_logging_refusals(EventKind.VALIDATION_REFUSED, "Validation impossible : ")
def validate_request(
    adhesion: Adhesion, *, facts: ValidationFacts, today: dt.date | None = None, actor: Any = None
) -> Outcome:
    """Turn a pending online request into an adhesion: the core checks the eligibility, every
    justificatif required per person must be received, the core computes the effective date
    from the day the file was complete; the adhesion gets its number (``GR…``), its formula
    period and its dependants' dates; a direct debit gets its SEPA mandate (unique RUM,
    date of signature). Everything or nothing; the event is in the history."""
    from mutuelle import sepa
    from mutuelle.web.payments import services as payments

    today = today or timezone.localdate()
    offer = offer_for(adhesion)
    with transaction.atomic():
        adhesion = _pending(adhesion.pk)
        rid = adhesion.range
        if not facts.consents:
            raise Refused(
                "les consentements du bulletin (acceptation des Statuts et du Règlement, "
                "traitement des données) ne sont pas recueillis",
                offer.citation(core.rules_for(offer, rid).effective_date.source),
                code=Code.REFUSED,
            )
        if facts.bulletin_received_on < facts.bulletin_signed_on:
            raise Refused(
                "le bulletin ne peut avoir été reçu avant d'être signé", code=Code.EFFECTIVE_DATE
            )
        if facts.bulletin_received_on > today:
            raise Refused(
                "la date de réception du bulletin est dans le futur", code=Code.EFFECTIVE_DATE
            )
        view = documents_view(adhesion, today)
        if view.missing:
            raise Refused(
                "dossier incomplet, pièces manquantes : "
                + "; ".join(p.short for p in view.missing)
                + " (demandez-les au demandeur)",
                view.missing[0].cite,
                code=Code.REFUSED,
            )
        for refusal in core.payment_refusals(
            offer, rid, adhesion.payment_mode or None, adhesion.payment_frequency or None
        ):
            raise refusal
        complete_on = file_complete_on(adhesion, facts.bulletin_received_on)
        effective = core.effective_date(
            offer,
            rid,
            file_sent_on=complete_on,
            wished=adhesion.wished_start,
            previous_cover_ends=adhesion.previous_cover_ends,
        )
        start = effective.date
        affiliations = list(adhesion.affiliations.select_related("person").order_by("id"))
        applicant = core.Applicant(
            birth_date=adhesion.member.birth_date,
            links=tuple(facts.links),  # type: ignore[arg-type]
            amo_affiliated=facts.amo_affiliated,
            resides_in_france=facts.amo_affiliated,
            mandatory_collective_cover=facts.mandatory_collective_cover,
            debt_to_mutual=facts.debt_to_mutual,
            higher_education=facts.higher_education,
            dependants=len(affiliations),
        )
        verdict = core.check_eligibility(offer, rid, applicant, start)
        if not verdict.eligible:
            first = verdict.failures[0]
            raise Refused(
                " ; ".join(f.rule for f in verdict.failures), first.cite, code=Code.REFUSED
            )
        steps: list[Step] = [*verdict.steps, *effective.steps]
        for aff in affiliations:
            dep = core.Dependant(
                role="spouse" if aff.role == Role.SPOUSE else "child",
                birth_date=aff.person.birth_date,
                proof=aff.proof or None,
                disabled=aff.disabled,
            )
            steps.extend(core.check_dependant(offer, rid, dep, start))
            end = core.age_limit_end(offer, rid, dep)
            aff.start = start
            aff.end = end.date if end else None
            aff.end_reason = EndReason.AGE if end else ""
            aff.requested_on = complete_on
            aff.save(update_fields=["start", "end", "end_reason", "requested_on"])
        request_number = adhesion.number
        adhesion.number = next_number("GR", start.year)
        adhesion.status = AdhesionStatus.ACTIVE
        adhesion.start = start
        adhesion.signed_on = facts.bulletin_signed_on
        adhesion.file_sent_on = complete_on
        adhesion.save(update_fields=["number", "status", "start", "signed_on", "file_sent_on"])
        adhesion.formula_periods.update(start=start)
        mandate_text = ""
        if adhesion.payment_mode == "direct_debit":
            if facts.mandate_signed_on is None:
                raise Refused(
                    "prélèvement : indiquez la date de signature du mandat SEPA",
                    code=Code.PAYMENT_MODE,
                )
            try:
                mandate = payments.create_mandate(
                    adhesion,
                    iban=adhesion.iban,
                    debtor_name=adhesion.account_holder
                    or f"{adhesion.member.first_name} {adhesion.member.last_name}",
                    signed_on=facts.mandate_signed_on,
                    actor=actor,
                )
            except sepa.SepaError as exc:
                raise Refused(f"mandat SEPA : {exc.message}", code=Code.PAYMENT_MODE) from None
            mandate_text = f" ; mandat SEPA {mandate.rum} signé le {mandate.signed_on:%d/%m/%Y}"
        adhesion.forget_derived()
        period = adhesion.current_formula()
        note = monthly_contribution(adhesion, period.formula, start)[1] if period else ""
        msg = (
            f"Demande {request_number} validée : adhésion {adhesion.number}, effet le "
            f"{start:%d/%m/%Y} (dossier complet le {complete_on:%d/%m/%Y}, bulletin signé le "
            f"{facts.bulletin_signed_on:%d/%m/%Y}){mandate_text} ; cotisation : {note}."
        )
        log(
            adhesion,
            EventKind.VALIDATED,
            msg,
            actor,
            steps,
            request=request_number,
            complete_on=complete_on,
            links=list(facts.links),
        )
    return Outcome(msg, tuple(steps))


def ask_for_pieces(
    adhesion: Adhesion, *, note: str = "", today: dt.date | None = None, actor: Any = None
) -> Outcome:
    """Ask the visitor for the justificatifs still missing (the list of
    :func:`documents_view`); the visitor's page shows it and takes the uploads."""
    today = today or timezone.localdate()
    with transaction.atomic():
        adhesion = _pending(adhesion.pk)
        missing = documents_view(adhesion, today).missing
        if not missing:
            raise Refused("aucune pièce ne manque : la demande peut être validée")
        msg = "Pièces demandées au demandeur : " + "; ".join(p.short for p in missing) + "."
        if note:
            msg += f" Message : {note}"
        log(
            adhesion,
            EventKind.PIECES_ASKED,
            msg,
            actor,
            note=note,
            missing=[p.key for p in missing],
        )
    return Outcome(msg, ())


def refuse_request(adhesion: Adhesion, *, reason: str, actor: Any = None) -> Outcome:
    """Refuse an online request with the reason the visitor reads on the request's page."""
    reason = reason.strip()
    if not reason:
        raise Refused("indiquez le motif du refus : le demandeur le lira")
    with transaction.atomic():
        adhesion = _pending(adhesion.pk)
        adhesion.status = AdhesionStatus.REFUSED
        adhesion.save(update_fields=["status"])
        msg = f"Demande {adhesion.number} refusée : {reason}"
        log(adhesion, EventKind.REQUEST_REFUSED, msg, actor, reason=reason)
    return Outcome(msg, ())


def request_decision(adhesion: Adhesion) -> Event | None:
    """The last decision staff made on a request (pieces asked, refused, validated)."""
    kinds = (EventKind.PIECES_ASKED, EventKind.REQUEST_REFUSED, EventKind.VALIDATED)
    return adhesion.events.filter(kind__in=kinds).order_by("-at", "-id").first()


def persons_of(adhesion: Adhesion | None) -> Any:
    """The persons of one adhesion (member and dependants): what a justificatif may concern."""
    if adhesion is None or adhesion.pk is None:
        return Person.objects.none()
    ids = [adhesion.member_id, *(a.person_id for a in adhesion.affiliations.all())]
    return Person.objects.filter(pk__in=ids)  # by primary key: the household, nobody else


# --- what the member pays, person by person (the pricing core) -------------------------------


@dataclass(frozen=True)
class PersonDue:
    """One person's monthly contribution as the pricing core computes it."""

    name: str
    role: str
    tariff_cents: int
    surcharge: str  # the agents' late-entry surcharge in words, or ""
    free: str  # a newborn's (or a rank's) free months in words, or ""
    this_month_cents: int  # what this person costs in the month shown
    monthly_cents: int  # a full month once any free months are over
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Contribution:
    on: dt.date
    formula: str
    total_cents: int
    persons: tuple[PersonDue, ...]
    refusal: str = ""


ROLE_LABELS = {"adherent": "membre participant", "spouse": "conjoint-e", "child": "enfant"}


def contribution_breakdown(adhesion: Adhesion, today: dt.date) -> Contribution | None:
    """The monthly contribution of the month shown (today's; the start's before it begins;
    the last covered day's once ended), person by person: the grid's tariff, the agents'
    surcharge (Règlement agents, Cotisations 1-1), a newborn's free months (Règlement
    particuliers III-1-3) — the same computation the journal's calls use."""
    from mutuelle.pricing.steps import FreeFromRank, LateSurcharge, NewbornFree, SurchargeApplied

    on = max(today, adhesion.start)
    if adhesion.end is not None:
        on = min(on, adhesion.end)
    span = next((f for f in formula_spans(adhesion) if f.holds_on(on)), None)
    if span is None:
        return None
    rid: Any = adhesion.range
    try:
        q = quote_on(offer_for(adhesion), rid, insured_of(adhesion), span.formula, on)
    except QuoteRefused as exc:
        return Contribution(on, span.formula, 0, (), refusal=str(exc))
    persons = []
    for m in q.members:
        surcharge = " ".join(
            s.rule for s in m.steps if isinstance(s, SurchargeApplied | LateSurcharge)
        )
        free = ""
        for s in m.steps:
            if isinstance(s, NewbornFree):
                free = (
                    f"gratuit {s.months} mois à compter de la naissance, jusqu'au "
                    f"{s.free_until:%d/%m/%Y} (enfant de rang {s.rank})"
                )
            elif isinstance(s, FreeFromRank):
                free = f"gratuit à partir du {s.from_rank}e enfant (rang {s.rank})"
        free_now = m.free_until is not None and m.free_until >= on
        persons.append(
            PersonDue(
                name=m.member.name or "",
                role=ROLE_LABELS.get(m.member.role, m.member.role),
                tariff_cents=m.tariff_cents,
                surcharge=surcharge,
                free=free,
                this_month_cents=0 if free_now else m.monthly_cents,
                monthly_cents=m.monthly_cents,
                steps=tuple(m.steps),
            )
        )
    return Contribution(on, q.formula, monthly_price(q, on), tuple(persons))


# --- the work queues of the back office's home page -------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    adhesion_pk: int
    number: str
    who: str
    since: dt.date
    detail: str


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    count: int
    rows: tuple[QueueRow, ...]
    source: str = ""


QUEUE_ROWS = 10  # rows shown per queue (the count gives the rest); a page size, not a rule


def _who(a: Adhesion) -> str:
    return f"{a.member.last_name.upper()} {a.member.first_name}"


def work_queues(today: dt.date) -> list[Queue]:
    """Each queue with its count and its oldest rows first, in a bounded number of queries
    (two per queue, whatever the size of the population)."""
    from django.db.models import Exists, OuterRef, Q

    offer = offer_for()
    asked = Event.objects.filter(adhesion=OuterRef("pk"), kind=EventKind.PIECES_ASKED)
    pending = (
        Adhesion.objects.filter(status=AdhesionStatus.PENDING)
        .annotate(asked=Exists(asked))
        .select_related("member")
        .prefetch_related("affiliations__person", "documents")  # each row's pieces, at once
        .order_by("file_sent_on", "created_at", "id")  # the date the queue shows, oldest first
    )

    def pieces(a: Adhesion, said: str) -> str:
        # What the agent needs to pick a request: can it be validated now? (Règlement I-3-2)
        n = len(documents_view(a, today).missing)
        if not n:
            return f"{said} — dossier complet, à valider"
        return f"{said} — {n} pièce{'s' if n > 1 else ''} manquante{'s' if n > 1 else ''}"

    queues: list[Queue] = []
    to_check = pending.filter(asked=False)
    queues.append(
        Queue(
            "to_validate",
            "Demandes d'adhésion à instruire",
            to_check.count(),
            tuple(
                QueueRow(
                    a.pk,
                    a.number,
                    _who(a),
                    a.file_sent_on,
                    pieces(a, "demande envoyée en ligne"),
                )
                for a in to_check[:QUEUE_ROWS]
            ),
            "Règlement particuliers I-3, I-4",
        )
    )
    waiting = pending.filter(asked=True)
    queues.append(
        Queue(
            "missing_pieces",
            "Justificatifs manquants (pièces demandées, en attente)",
            waiting.count(),
            tuple(
                QueueRow(
                    a.pk,
                    a.number,
                    _who(a),
                    a.file_sent_on,
                    pieces(a, "pièces demandées au demandeur"),
                )
                for a in waiting[:QUEUE_ROWS]
            ),
            "Règlement particuliers I-3-2",
        )
    )
    # Renunciation windows: the core decides for each candidate; the candidates are the
    # adhesions sold away from the agency signed or starting within the longest window (plus
    # the few days a last day falling on a weekend and a public holiday moves).
    windows = [
        c.days
        for r in offer.ranges.values()
        if r.membership is not None
        for c in r.membership.renunciation.channels
        if c.days
    ]
    if windows:
        since = today - dt.timedelta(days=max(windows) + 4)
        candidates = (
            Adhesion.objects.filter(status=AdhesionStatus.ACTIVE, end__isnull=True)
            .exclude(channel="agency")
            .filter(Q(signed_on__gte=since) | Q(start__gte=since))
            .select_related("member")
            .order_by("signed_on", "id")[:500]
        )
        open_rows = []
        for a in candidates:
            channel: Any = a.channel
            w = core.renunciation_window(
                offer_for(a), a.range, channel=channel, signed_on=a.signed_on, effective_on=a.start
            )
            if w.last_day is not None and w.last_day >= today:
                open_rows.append(
                    QueueRow(
                        a.pk, a.number, _who(a), a.signed_on, f"jusqu'au {w.last_day:%d/%m/%Y}"
                    )
                )
        queues.append(
            Queue(
                "renunciation",
                "Délais de renonciation ouverts",
                len(open_rows),
                tuple(open_rows[:QUEUE_ROWS]),
                "Règlement particuliers I-6",
            )
        )
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    ending = (
        Adhesion.objects.filter(end__gte=first, end__lte=last)
        .select_related("member")
        .order_by("end", "id")
    )
    queues.append(
        Queue(
            "terminations",
            "Cessations prenant effet ce mois-ci",
            ending.count(),
            tuple(
                QueueRow(
                    a.pk,
                    a.number,
                    _who(a),
                    a.end_notified_on or a.end,  # type: ignore[arg-type]
                    f"dernier jour couvert le {a.end:%d/%m/%Y} ({a.get_end_reason_display()})",
                )
                for a in ending[:QUEUE_ROWS]
            ),
            "Règlement particuliers I-9, I-10",
        )
    )
    # Dependants at an age limit on next 1 January: the core fixed their last day by age
    # (31 December of this year); without a proof, the annual proof keeps a child of 21 to 27
    # covered; with one, the child reaches the last age and must join as a member.
    dec31 = dt.date(today.year, 12, 31)
    proof_label = next(
        (
            d.label
            for r in offer.ranges.values()
            if r.membership is not None
            for d in r.membership.documents
            if d.kind == "child_proof"
        ),
        "justificatif de la situation de l'enfant",
    )
    at_limit = (
        Affiliation.objects.filter(
            role=Role.CHILD,
            end=dec31,
            end_reason=EndReason.AGE,
            adhesion__status=AdhesionStatus.ACTIVE,
        )
        .filter(Q(adhesion__end__isnull=True) | Q(adhesion__end__gt=dec31))
        .select_related("person", "adhesion__member")
        .order_by("person__birth_date", "id")
    )
    queues.append(
        Queue(
            "age_limit",
            f"Ayants droit atteignant une limite d'âge au 1er janvier {today.year + 1}",
            at_limit.count(),
            tuple(
                QueueRow(
                    f.adhesion_id,
                    f.adhesion.number,
                    f"{f.person.first_name} {f.person.last_name.upper()} "
                    f"(né-e le {f.person.birth_date:%d/%m/%Y})",
                    f.person.birth_date,
                    f"à demander : {proof_label}"
                    if not f.proof
                    else "dernière année comme ayant droit : lui proposer d'adhérer comme "
                    "membre participant",
                )
                for f in at_limit[:QUEUE_ROWS]
            ),
            "Règlement particuliers, Définitions — Ayants droit",
        )
    )
    return queues
