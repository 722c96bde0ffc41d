"""The back office's acts: load the facts, ask the core, store the result and its history.

Every act runs in a transaction and writes an :class:`Event` (who, when, what, the rules
applied with their sources). A refusal of the règlement (:class:`mutuelle.membership.Refused`)
is also written to the history, then raised for the screen to show it in plain words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from mutuelle import membership as core
from mutuelle.membership import Refused, Step
from mutuelle.money import format_euros
from mutuelle.offers import latest_offer_id, load_offer
from mutuelle.offers.model import Offer
from mutuelle.pricing import Household, Member, QuoteRefused, quote
from mutuelle.pricing.engine import FormulaQuote
from mutuelle.pricing.household import AgentFacts
from mutuelle.web.members.enums import EndReason, EventKind, Role
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
    return Event.objects.create(
        adhesion=adhesion, actor=user, kind=kind, summary=summary, data=payload
    )


# --- contributions (the pricing core) --------------------------------------------------------


def covered_on(adhesion: Adhesion, on: dt.date) -> list[Affiliation]:
    return [
        a for a in adhesion.affiliations.all() if a.start <= on and (a.end is None or a.end >= on)
    ]


def household_on(adhesion: Adhesion, on: dt.date) -> Household:
    members = [
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
        )
    ]
    for i, a in enumerate(covered_on(adhesion, on), start=1):
        members.append(
            Member(
                role="spouse" if a.role == Role.SPOUSE else "child",
                birth_date=a.person.birth_date,
                index=i,
                name=a.person.first_name,
                proof=a.proof or None,  # type: ignore[arg-type]
                disabled=a.disabled,
            )
        )
    return Household(range=adhesion.range, date=on, members=tuple(members))  # type: ignore[arg-type]


def monthly_contribution(adhesion: Adhesion, formula: str, on: dt.date) -> tuple[int | None, str]:
    """The household's monthly contribution on ``on`` (pricing core), or None and why."""
    try:
        q = quote(offer_for(adhesion), household_on(adhesion, on), formula)
    except QuoteRefused as exc:
        return None, str(exc)
    f = q.formulas[0]
    if isinstance(f, FormulaQuote):
        return f.monthly_cents, f"{format_euros(f.monthly_cents)} par mois ({f.formula})"
    return None, f"{f.error} ({f.source})"


# --- acts --------------------------------------------------------------------------------


def _logging_refusals(kind: str, prefix: str) -> Any:
    """Run an act; if the règlement refuses it, the act's transaction rolls back, then the
    refusal is written to the history (in its own transaction) and raised for the screen."""

    def wrap(act: Any) -> Any:
        def run(adhesion: Adhesion, **kw: Any) -> Outcome:
            try:
                return act(adhesion, **kw)  # type: ignore[no-any-return]
            except Refused as exc:
                log(
                    adhesion,
                    kind,
                    f"{prefix}{exc.message}",
                    kw.get("actor"),
                    source=exc.source or "",
                )
                raise

        run.__doc__ = act.__doc__
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
                "affilier d'ayant droit"
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
            raise Refused("l'adhésion couvre déjà un conjoint à cette date")
        end_by_age = core.age_limit_end(offer, rid, dep)
        end = end_by_age.date if end_by_age else None
        s, e = core.clamp_to_adhesion(start.date, end, adhesion.start, adhesion.end)
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
            monthly, note = monthly_contribution(adhesion, period.formula, max(s, received_on))
            if monthly is not None:
                adhesion.monthly_cents = monthly
                adhesion.save(update_fields=["monthly_cents"])
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
            raise Refused("aucune formule enregistrée pour cette adhésion")
        if adhesion.end is not None:
            raise Refused(f"l'adhésion a cessé le {adhesion.end:%d/%m/%Y}")
        if period.start > requested_on:
            raise Refused(
                f"un changement vers {period.formula} prendra déjà effet le "
                f"{period.start:%d/%m/%Y} ; une nouvelle demande ne peut venir qu'après"
            )
        decision = core.formula_change(
            offer,
            adhesion.range,
            current=period.formula,
            current_since=period.start,
            adhesion_start=adhesion.start,
            new=new,
            requested_on=requested_on,
            up_to_date=adhesion.up_to_date,
        )
        if not decision.allowed:
            refusal = Refused(decision.reason or "refusé", decision.source)
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


TERMINATION_KINDS = {
    "member": "Demande du membre participant (annuelle, avis tardif ou après un an)",
    "css": "Admission à la Complémentaire santé solidaire",
    "mandatory_collective": "Contrat collectif obligatoire",
    "situation_change": "Changement de situation (art. L.221-17)",
    "category_loss": "Sortie des catégories professionnelles (TNS)",
    "death": "Décès du membre participant",
}


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
                f"({adhesion.get_end_reason_display()})"
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
                path=kind,
                received_on=received_on,
                event_date=event_date,  # type: ignore[arg-type]
            )
            others = ()
        if t.last_covered_day < adhesion.start:
            raise Refused(
                f"la cessation au {t.last_covered_day:%d/%m/%Y} précéderait la prise d'effet "
                f"de l'adhésion ({adhesion.start:%d/%m/%Y}) : voir plutôt la renonciation"
            )
        if adhesion.monthly_cents is not None and adhesion.paid_until is not None:
            t = core.with_refund(
                offer, rid, t, monthly_cents=adhesion.monthly_cents, paid_until=adhesion.paid_until
            )
        adhesion.end = t.last_covered_day
        adhesion.end_reason = t.path
        adhesion.end_notified_on = received_on
        adhesion.refund_cents = t.refund_cents
        adhesion.refund_by = t.refund_by
        adhesion.save()
        for aff in adhesion.affiliations.all():
            if aff.start > t.last_covered_day:
                aff.end = aff.start  # never covered: closed on its start (CHECK end ≥ start)
                aff.end_reason = EndReason.ADHESION_END
                aff.save(update_fields=["end", "end_reason"])
            elif aff.end is None or aff.end > t.last_covered_day:
                aff.end = t.last_covered_day
                aff.end_reason = EndReason.ADHESION_END
                aff.save(update_fields=["end", "end_reason"])
        for p in adhesion.formula_periods.all():
            if p.start > t.last_covered_day:
                p.delete()  # a change that will never take effect
            elif p.end is None or p.end > t.last_covered_day:
                p.end = t.last_covered_day
                p.save(update_fields=["end"])
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
        log(adhesion, EventKind.TERMINATED, msg, actor, t.steps, path=t.path)
    return Outcome(msg, t.steps)


# --- what the admin shows: dates computed by the core ----------------------------------------


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    steps: tuple[Step, ...]


def computed_dates(adhesion: Adhesion, today: dt.date) -> list[Line]:
    offer = offer_for(adhesion)
    rid = adhesion.range
    lines: list[Line] = []
    try:
        eff = core.effective_date(
            offer,
            rid,
            file_sent_on=adhesion.file_sent_on,
            wished=adhesion.wished_start,
            previous_cover_ends=adhesion.previous_cover_ends,
        )
        lines.append(Line("Date d'effet", f"{eff.date:%d/%m/%Y}", eff.steps))
    except Refused as exc:
        lines.append(
            Line(
                "Date d'effet", f"{adhesion.start:%d/%m/%Y}", (Step(exc.message, exc.source or ""),)
            )
        )
    lines.append(renunciation_line(adhesion))
    lines.append(missing_documents(adhesion, today))
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
    rng = offer.ranges[rid]  # type: ignore[index]
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


def renunciation_line(adhesion: Adhesion) -> Line:
    """Until when the member may renounce (I-6), by the channel of the sale (docs I-32)."""
    offer = offer_for(adhesion)
    if adhesion.channel == "agency":
        return Line(
            "Renonciation",
            "aucun délai : adhésion conclue en agence de la Mutuelle",
            (
                Step(
                    "Le règlement n'ouvre une faculté de renonciation que pour la vente à "
                    "distance, le démarchage à domicile et la vente hors établissement "
                    "(docs/interpretations.md I-32).",
                    offer.cite(
                        core.rules_for(offer, adhesion.range).renunciation.channels[0].source
                    ),
                ),
            ),
        )
    w = core.renunciation_window(
        offer,
        adhesion.range,
        channel=adhesion.channel,  # type: ignore[arg-type]
        signed_on=adhesion.signed_on,
        effective_on=adhesion.start,
    )
    value = f"jusqu'au {w.last_day:%d/%m/%Y} inclus" if w.last_day else "aucune faculté"
    return Line(f"Renonciation ({adhesion.get_channel_display()})", value, w.steps)


def missing_documents(adhesion: Adhesion, today: dt.date) -> Line:
    """The justificatifs of règlement I-3-2 not yet received (identity, AMO attestations,
    spouse's status, student's enrolment, proof for a child of 21 to 27)."""
    from mutuelle.web.members.enums import DocumentKind

    offer = offer_for(adhesion)
    src = offer.cite(core.rules_for(offer, adhesion.range).eligibility.amo_and_residence)
    received = {(d.kind, d.person_id) for d in adhesion.documents.all()}
    kinds = {k for k, _ in received}
    missing: list[str] = []
    for kind in (DocumentKind.IDENTITY, DocumentKind.AMO_ATTESTATION):
        if kind not in kinds:
            missing.append(DocumentKind(kind).label)
    if adhesion.range == "students" and DocumentKind.STUDENT_CERTIFICATE not in kinds:
        missing.append(DocumentKind.STUDENT_CERTIFICATE.label)
    for a in covered_on(adhesion, today):
        who = a.person.first_name
        if a.role == Role.SPOUSE and DocumentKind.SPOUSE_PROOF not in kinds:
            missing.append(f"{DocumentKind.SPOUSE_PROOF.label} ({who})")
        if a.proof and (DocumentKind.CHILD_PROOF, a.person_id) not in received:
            missing.append(f"{DocumentKind.CHILD_PROOF.label} ({who}, à fournir chaque année)")
        if a.disabled and (DocumentKind.DISABILITY_CARD, a.person_id) not in received:
            missing.append(f"{DocumentKind.DISABILITY_CARD.label} ({who})")
    value = "aucun" if not missing else "; ".join(missing)
    return Line("Justificatifs manquants", value, (Step("Pièces à joindre au bulletin.", src),))


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
