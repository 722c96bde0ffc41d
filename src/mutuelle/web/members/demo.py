"""A deterministic demonstration population: a few thousand households across the four ranges.

Every date is computed by the core (effective dates, dependants' ends by age, formula
changes, terminations) and every contribution by the pricing engine, exactly as the back
office would; rows are written with ``bulk_create`` in batches. The same seed gives the same
population. One family is always there for a first visit: the MARTIN household (see README).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from mutuelle import membership as core
from mutuelle.dates import add_months, add_years
from mutuelle.journal import Entry, contribution_status
from mutuelle.membership import Refused
from mutuelle.offers.model import Offer
from mutuelle.pricing import Member, QuoteRefused
from mutuelle.pricing.household import AgentFacts
from mutuelle.pricing.schedule import FormulaSpan, Insured, monthly_price, quote_on
from mutuelle.vocabulary import PaymentFrequency, PaymentMode
from mutuelle.web.journal import services as journal
from mutuelle.web.members import services
from mutuelle.web.members.enums import (
    AdhesionStatus,
    Channel,
    DocumentKind,
    EndReason,
    EventKind,
    Proof,
    Role,
)
from mutuelle.web.members.models import (
    Adhesion,
    Affiliation,
    Document,
    Event,
    FormulaPeriod,
    Person,
)

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-mutuelle-2025"

FIRST = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Jade",
    "Louise",
    "Emma",
    "Alice",
    "Lina",
    "Sarah",
    "Zoé",
    "Juliette",
    "Nora",
    "Yasmine",
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "Arthur",
    "Jules",
    "Nathan",
    "Adam",
    "Karim",
    "Mathis",
    "Théo",
    "Noé",
    "Samir",
    "Paul",
    "Malik",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Francois",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Benali",
    "Haddad",
    "Nguyen",
    "Diallo",
    "Lopez",
    "Fontaine",
    "Chabert",
    "Vial",
    "Bonnet",
]
STREETS = (
    "cours Berriat",
    "avenue Alsace-Lorraine",
    "rue Très-Cloîtres",
    "quai Perrière",
    "avenue Jean-Perrot",
    "rue Saint-Laurent",
    "boulevard Gambetta",
    "place Notre-Dame",
)


@dataclass
class _Household:
    adhesion: Adhesion
    member: Person
    formula: str
    dependants: list[tuple[Person, Affiliation]] = field(default_factory=list)
    periods: list[FormulaPeriod] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    events: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)
    late: bool = False  # some contributions fallen due are unpaid
    paid_until: dt.date | None = None
    entries: list[Entry] = field(default_factory=list)  # the past, brought into the journal


def _date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def _person(rng: random.Random, last: str, birth: dt.date) -> Person:
    return Person(
        last_name=last,
        first_name=rng.choice(FIRST),
        birth_date=birth,
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        postcode="38000",
        city="Grenoble",
        email=f"{last.lower()}.{rng.randint(1, 999)}@exemple.fr",
    )


def _build(rng: random.Random, offer: Offer, n: int, today: dt.date, number: int) -> _Household:
    rid = rng.choices(["residents", "students", "agents", "tns"], weights=[60, 12, 15, 13])[0]
    r = offer.ranges[rid]  # type: ignore[index]
    last = rng.choice(LAST)
    if rid == "students":
        birth = _date(rng, dt.date(1998, 1, 1), dt.date(2006, 12, 31))
    elif rid == "agents":
        birth = _date(rng, dt.date(1962, 1, 1), dt.date(2000, 12, 31))
    else:
        birth = _date(rng, dt.date(1940, 1, 1), dt.date(2004, 12, 31))
    member = _person(rng, last, birth)
    wished = _date(rng, dt.date(2025, 2, 1), min(today, dt.date(2026, 10, 1))).replace(day=1)
    signed = wished - dt.timedelta(days=rng.randint(0, 25))
    sent = signed + dt.timedelta(days=rng.choice([0, 1, 2, 3, 5, 10, 20]))
    eff = core.effective_date(offer, rid, file_sent_on=sent, wished=wished)
    start = eff.date
    formula = rng.choices(r.formulas, weights=[3, 5, 6, 3, 2, 1, 1][: len(r.formulas)])[0]
    channel = rng.choices([c.value for c in Channel], weights=[55, 30, 3, 10, 2])[0]
    payroll = rid == "agents" and rng.random() < 0.6
    late = rng.random() <= 0.04
    a = Adhesion(
        number=f"GR{start.year % 100:02d}-{number:06d}",
        offer=offer.id,
        range=rid,
        channel=channel,
        signed_on=signed,
        file_sent_on=sent,
        wished_start=wished,
        start=start,
        payroll_deduction=payroll,
    )
    if rid == "agents":
        a.agent_service_entry = _date(rng, dt.date(2012, 1, 1), dt.date(2024, 12, 31))
        a.agent_last_reference_cover_end = start - dt.timedelta(days=rng.randint(1, 200))
    hh = _Household(a, member, formula, late=late)
    hh.events.append(
        (
            EventKind.ADHESION,
            f"Adhésion enregistrée, effet le {start:%d/%m/%Y}.",
            {"rules": services.steps_data(eff.steps)},
        )
    )
    for kind in (DocumentKind.IDENTITY, DocumentKind.AMO_ATTESTATION, DocumentKind.RIB):
        hh.documents.append(Document(kind=kind, received_on=sent, person=member))
    if rid == "students":
        hh.documents.append(
            Document(kind=DocumentKind.STUDENT_CERTIFICATE, received_on=sent, person=member)
        )
    if rid == "agents":
        hh.documents.append(
            Document(kind=DocumentKind.AGENT_CERTIFICATE, received_on=sent, person=member)
        )

    if rid != "students":
        if rng.random() < 0.45:
            sp_birth = _date(
                rng, add_years(birth, -6), min(add_years(birth, 6), dt.date(2006, 1, 1))
            )
            _affiliate(rng, offer, hh, Role.SPOUSE, _person(rng, last, sp_birth), start, None)
        n_children = rng.choices([0, 1, 2, 3, 4], weights=[45, 22, 20, 9, 4])[0]
        young_parent = add_years(birth, 20)
        for _ in range(n_children):
            lo, hi = max(young_parent, dt.date(1998, 1, 1)), min(today, add_years(birth, 45))
            if hi < lo:
                break
            c_birth = _date(rng, lo, hi)
            later = c_birth > start
            _affiliate(
                rng,
                offer,
                hh,
                Role.CHILD,
                _person(rng, last, c_birth),
                start,
                c_birth if later else None,
            )
    return hh


def _affiliate(
    rng: random.Random,
    offer: Offer,
    hh: _Household,
    role: str,
    person: Person,
    member_start: dt.date,
    birth_after_start: dt.date | None,
) -> None:
    rid = hh.adhesion.range
    proof = ""
    if role == Role.CHILD and core.age_limit_end(
        offer, rid, core.Dependant("child", person.birth_date)
    ):
        age_jan = member_start.year - person.birth_date.year
        if age_jan >= 21:
            proof = rng.choice([p.value for p in Proof])
    dep = core.Dependant(
        "spouse" if role == Role.SPOUSE else "child", person.birth_date, proof or None
    )
    if birth_after_start is not None:
        received = birth_after_start + dt.timedelta(days=rng.randint(3, 75))
        start = core.dependant_start(
            offer,
            rid,
            member_start=member_start,
            received_on=received,
            event="birth",
            event_date=birth_after_start,
        )
    else:
        received = hh.adhesion.file_sent_on
        start = core.dependant_start(
            offer, rid, member_start=member_start, received_on=received, with_adhesion=True
        )
    try:
        core.check_dependant(offer, rid, dep, start.date)
    except Refused:
        return  # too old to be a dependant: not in the household
    end = core.age_limit_end(offer, rid, dep)
    aff = Affiliation(
        role=role,
        proof=proof,
        requested_on=received,
        start=start.date,
        end=end.date if end else None,
        end_reason=EndReason.AGE if end else "",
    )
    hh.dependants.append((person, aff))
    hh.documents.append(
        Document(kind=DocumentKind.AMO_ATTESTATION, received_on=received, person=person)
    )
    if role == Role.SPOUSE:
        hh.documents.append(
            Document(kind=DocumentKind.SPOUSE_PROOF, received_on=received, person=person)
        )
    if birth_after_start:
        hh.documents.append(
            Document(kind=DocumentKind.BIRTH_CERTIFICATE, received_on=received, person=person)
        )
        hh.events.append(
            (
                EventKind.DEPENDANT_ADDED,
                f"Naissance : enfant couvert à partir du {start.date:%d/%m/%Y}.",
                {"rules": services.steps_data(start.steps)},
            )
        )


def _lifecycle(rng: random.Random, offer: Offer, hh: _Household, today: dt.date) -> None:
    """Formula history, an occasional termination, contributions and payments."""
    a = hh.adhesion
    rid = a.range
    hh.periods.append(FormulaPeriod(formula=hh.formula, start=a.start))
    r = offer.ranges[rid]  # type: ignore[index]
    # An adhesion not started yet (its effective date after today: a file sent late in the
    # month takes effect the month after) has no past: no change of formula, no termination.
    started = a.start <= today
    if rng.random() < 0.15 and started:
        idx = r.formulas.index(hh.formula)
        new = (
            r.formulas[min(idx + 1, len(r.formulas) - 1)]
            if rng.random() < 0.6
            else r.formulas[max(idx - 1, 0)]
        )
        if new != hh.formula:
            asked = _date(rng, a.start, today)
            d = core.formula_change(
                offer,
                rid,
                current=hh.formula,
                current_since=a.start,
                adhesion_start=a.start,
                new=new,
                requested_on=asked,
                up_to_date=not hh.late,
            )
            if d.allowed and d.effective_on and d.effective_on <= add_months(today, 2):
                hh.periods[-1].end = d.effective_on - dt.timedelta(days=1)
                hh.periods.append(
                    FormulaPeriod(formula=new, start=d.effective_on, requested_on=asked)
                )
                hh.events.append(
                    (
                        EventKind.FORMULA_CHANGED,
                        f"Changement de formule {hh.formula} → {new} : effet le "
                        f"{d.effective_on:%d/%m/%Y}.",
                        {"rules": services.steps_data(d.steps)},
                    )
                )
    paid_until: dt.date | None = (
        dt.date(today.year, 12, 31)
        if rng.random() < 0.2
        else today.replace(day=1) - dt.timedelta(days=1)
    )
    if paid_until is not None and paid_until < a.start:
        paid_until = None
    hh.paid_until = paid_until
    _contributions(offer, hh, today)
    if rng.random() < 0.06 and started:
        received = _date(rng, a.start, today)
        t, _ = core.member_termination(
            offer, rid, received_on=received, adhesion_start=a.start, signed_on=a.signed_on
        )
        if t.last_covered_day < today:
            a.end, a.end_reason, a.end_notified_on = t.last_covered_day, t.path, received
            status = contribution_status(hh.entries, a.number)
            t = core.with_received_refund(offer, rid, t, status.periods)
            hh.events.append(
                (
                    EventKind.TERMINATED,
                    f"{t.label.capitalize()} : dernier jour couvert "
                    f"le {t.last_covered_day:%d/%m/%Y}.",
                    {
                        "rules": services.steps_data(t.steps),
                        "refund_cents": t.refund_cents,
                        "refund_by": t.refund_by.isoformat() if t.refund_by else None,
                    },
                )
            )
            for p in hh.periods:
                if p.end is None or p.end > a.end:
                    p.end = a.end
            hh.periods = [p for p in hh.periods if p.start <= a.end]
            for _, aff in hh.dependants:
                if aff.end is None or aff.end > a.end:
                    aff.end, aff.end_reason = a.end, EndReason.ADHESION_END
            hh.dependants = [(p, f) for p, f in hh.dependants if f.start <= a.end]
            _drop_documents_of_the_absent(hh)


def _drop_documents_of_the_absent(hh: _Household) -> None:
    """The justificatifs of a dependant who left the household before it was written (a child
    born after the adhesion ended, one past the age limit) leave with it."""
    present = {id(hh.member), *(id(p) for p, _ in hh.dependants)}
    hh.documents = [d for d in hh.documents if d.person is None or id(d.person) in present]


def _insured(hh: _Household) -> list[Insured]:
    a = hh.adhesion
    agent = (
        AgentFacts(a.agent_service_entry, a.agent_last_reference_cover_end)
        if a.range == "agents"
        else None
    )
    people = [Insured(Member("adherent", hh.member.birth_date, 0, agent=agent), a.start, a.end)]
    for i, (p, aff) in enumerate(hh.dependants, start=1):
        role = "spouse" if aff.role == Role.SPOUSE else "child"
        member = Member(role, p.birth_date, i, proof=aff.proof or None, disabled=aff.disabled)  # type: ignore[arg-type]
        people.append(Insured(member, aff.start, aff.end))
    return people


def _contributions(offer: Offer, hh: _Household, today: dt.date) -> None:
    """The household's past contributions, priced by the pricing core, brought into the
    journal (docs I-110): called and received up to « payé jusqu'au »; a late household also
    owes its last two months."""
    a = hh.adhesion
    paid = hh.paid_until
    called = paid
    if hh.late:
        called = max(d for d in (paid, today.replace(day=1) - dt.timedelta(days=1)) if d)
        paid = add_months(today.replace(day=1), -2) - dt.timedelta(days=1)
        paid = paid if paid >= a.start else None
    if called is None or called < a.start:
        return
    try:
        hh.entries = services.reprise_entries(
            offer,
            number=a.number,
            range_id=a.range,
            insured=_insured(hh),
            spans=[FormulaSpan(p.formula, p.start, p.end) for p in hh.periods],
            start=a.start,
            called_until=called,
            paid_until=paid,
            on=today,
            memo="Reprise des données de démonstration",
        )
    except QuoteRefused:
        return  # a blank tariff cell: nothing can be brought in


def _monthly(offer: Offer, hh: _Household, today: dt.date) -> None:
    """The household's monthly contribution, as the back office will show it."""
    a = hh.adhesion
    on = a.end if a.end is not None else max(a.start, today)
    periods = [p for p in hh.periods if p.start <= on]
    formula = periods[-1].formula if periods else hh.formula
    try:
        q = quote_on(offer, a.range, _insured(hh), formula, on)  # type: ignore[arg-type]
    except QuoteRefused:
        a.monthly_cents = None
        return
    a.monthly_cents = monthly_price(q, on)


def _martin(offer: Offer) -> _Household:
    """The family of the README's first visit: Claire MARTIN, resident since 1 January 2025 in
    Belledonne, in Vanoise since 1 January 2026 (her first change), her spouse and their son.
    A downgrade asked now is too early (24 months in Vanoise); a termination asked now ends
    one month after reception (more than one year of membership) with a refund date."""
    a = Adhesion(
        number="GR25-000001",
        offer=offer.id,
        range="residents",
        channel=Channel.AGENCY,
        signed_on=dt.date(2024, 12, 10),
        file_sent_on=dt.date(2024, 12, 12),
        wished_start=dt.date(2025, 1, 1),
        start=dt.date(2025, 1, 1),
    )
    member = Person(
        last_name="Martin",
        first_name="Claire",
        birth_date=dt.date(1990, 6, 15),
        address="12 cours Berriat",
        postcode="38000",
        city="Grenoble",
        email="claire.martin@exemple.fr",
    )
    hh = _Household(a, member, "Vanoise", paid_until=dt.date(2026, 12, 31))
    hh.events.append((EventKind.ADHESION, "Adhésion enregistrée, effet le 01/01/2025.", {}))
    for kind in (DocumentKind.IDENTITY, DocumentKind.AMO_ATTESTATION, DocumentKind.RIB):
        hh.documents.append(Document(kind=kind, received_on=a.file_sent_on, person=member))
    for first, birth, role in (
        ("Karim", dt.date(1988, 9, 10), Role.SPOUSE),
        ("Noé", dt.date(2019, 4, 2), Role.CHILD),
    ):
        p = Person(last_name="Martin", first_name=first, birth_date=birth, city="Grenoble")
        dep = core.Dependant("spouse" if role == Role.SPOUSE else "child", birth)
        end = core.age_limit_end(offer, "residents", dep)
        hh.dependants.append(
            (
                p,
                Affiliation(
                    role=role,
                    requested_on=a.file_sent_on,
                    start=a.start,
                    end=end.date if end else None,
                    end_reason=EndReason.AGE if end else "",
                ),
            )
        )
    change = core.formula_change(
        offer,
        "residents",
        current="Belledonne",
        current_since=a.start,
        adhesion_start=a.start,
        new="Vanoise",
        requested_on=dt.date(2025, 11, 15),
        up_to_date=True,
    )
    assert change.allowed and change.effective_on == dt.date(2026, 1, 1)
    hh.periods.append(FormulaPeriod(formula="Belledonne", start=a.start, end=dt.date(2025, 12, 31)))
    hh.periods.append(
        FormulaPeriod(
            formula="Vanoise", start=dt.date(2026, 1, 1), requested_on=dt.date(2025, 11, 15)
        )
    )
    hh.events.append(
        (
            EventKind.FORMULA_CHANGED,
            "Changement de formule Belledonne → Vanoise : effet le 01/01/2026.",
            {"rules": services.steps_data(change.steps)},
        )
    )
    return hh


# Online requests waiting for staff, per thousand households: « a few dozen » (issue 8's
# second pass) so that the work queues and their pages have something to show. A demo choice,
# not a figure of the texts.
PENDING_PER_THOUSAND = 30

# The demonstration's bank accounts: made up, valid (ISO 13616 check digits and the French RIB
# key, computed by schwifty), and visibly fictitious — the account number begins with « DEMO ».
# The bank code is a real one (30006, as the demonstration creditor's in settings.dev) because
# the SEPA files need a BIC and take it from schwifty's bank registry: a fictitious bank code
# would have none, and neither the pain.008 nor the pain.001 could be produced.
DEMO_BANK, DEMO_BRANCH, DEMO_BRANCH_REQUESTS = "30006", "00001", "00002"


def demo_iban(n: int, *, request: bool = False) -> str:
    """The fictitious IBAN of the demonstration's ``n``-th household (its adhesion's counter),
    or of its ``n``-th online request."""
    from schwifty import IBAN

    branch = DEMO_BRANCH_REQUESTS if request else DEMO_BRANCH
    return str(IBAN.generate("FR", bank_code=DEMO_BANK, branch_code=branch,
                             account_code=f"DEMO{n:07d}"))  # fmt: skip


DEMO_IBAN = demo_iban(1, request=True)


def _pending(
    rng: random.Random, offer: Offer, hh: _Household, today: dt.date, k: int, fate: str
) -> None:
    """Turn a built household into an online request sent in the last three weeks: ``fate``
    is « complete » (every piece received), « missing » (one or two pieces not received),
    « asked » (missing, and staff asked for them) or « refused »."""
    a = hh.adhesion
    sent = today - dt.timedelta(days=rng.randint(0, 20))
    wished = (sent.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    eff = core.effective_date(offer, a.range, file_sent_on=sent, wished=wished)
    a.number = f"DEM{sent.year % 100:02d}-{k:06d}"  # until staff validate it
    a.status = AdhesionStatus.PENDING if fate != "refused" else AdhesionStatus.REFUSED
    a.channel, a.signed_on, a.file_sent_on = Channel.DISTANCE, sent, sent
    a.wished_start, a.start = wished, eff.date
    a.payroll_deduction = False
    a.payment_mode, a.payment_frequency = PaymentMode.DIRECT_DEBIT, PaymentFrequency.MONTHLY
    a.iban, a.account_holder = demo_iban(k, request=True), _holder(hh)
    kept = []
    for p, aff in hh.dependants:
        aff.start = max(a.start, p.birth_date)
        aff.requested_on = sent
        # A child who reaches the age limit before the request's effective date cannot join
        # with it (the limit's end would precede the start: affiliation_end_after_start).
        if aff.end is None or aff.end >= aff.start:
            kept.append((p, aff))
    hh.dependants = kept
    _drop_documents_of_the_absent(hh)
    hh.periods = [FormulaPeriod(formula=hh.formula, start=a.start)]
    hh.events = [
        (
            EventKind.REQUEST,
            f"Demande d'adhésion reçue en ligne : formule {hh.formula}, effet prévu le "
            f"{a.start:%d/%m/%Y} si le dossier est complet ; à instruire (justificatifs).",
            {"rules": services.steps_data(eff.steps)},
        )
    ]
    persons = [core.Insured(0, "adherent", hh.member.birth_date, hh.member.first_name)]
    persons += [
        core.Insured(i, aff.role, p.birth_date, p.first_name, aff.proof or None, aff.disabled)
        for i, (p, aff) in enumerate(hh.dependants, start=1)
    ]
    pieces = core.required_documents(offer, a.range, persons, payment_mode=a.payment_mode, on=sent)
    keep = list(pieces)
    if fate in ("missing", "asked", "refused"):
        for _ in range(min(len(keep) - 1, rng.choice([1, 1, 2]))):
            keep.pop(rng.randrange(len(keep)))
    who = [hh.member, *(p for p, _ in hh.dependants)]
    hh.documents = [
        Document(
            kind=piece.kind,
            received_on=sent,
            person=None if piece.person_index is None else who[piece.person_index],
        )
        for piece in keep
    ]
    if fate == "asked":
        hh.events.append(
            (EventKind.PIECES_ASKED, "Pièces manquantes demandées au demandeur.", {"note": ""})
        )
    if fate == "refused":
        reason = "Justificatif de domicile hors de Grenoble (démonstration)."
        hh.events.append(
            (EventKind.REQUEST_REFUSED, f"Demande refusée : {reason}", {"reason": reason})
        )


def build_population(
    offer: Offer,
    households: int,
    seed: int,
    today: dt.date,
    progress: Callable[[str], None] = lambda s: None,
) -> list[_Household]:
    """The households, computed by the core, not yet written (same seed → same population),
    then the online requests waiting for staff (``PENDING_PER_THOUSAND``), one of them refused."""
    rng = random.Random(seed)
    built: list[_Household] = [_martin(offer)]
    for i in range(households - 1):
        hh = _build(rng, offer, households, today, i + 2)
        _lifecycle(rng, offer, hh, today)
        built.append(hh)
        if (i + 2) % 500 == 0:
            progress(f"  {i + 2}/{households} foyers calculés…")
    _contributions(offer, built[0], today)
    n_pending = max(4, households * PENDING_PER_THOUSAND // 1000)
    fates = ["refused"] + [("complete", "missing", "asked")[k % 3] for k in range(n_pending - 1)]
    for k, fate in enumerate(fates, start=1):
        hh = _build(rng, offer, households, today, 0)
        _pending(rng, offer, hh, today, k, fate)
        built.append(hh)
    for hh in built:
        _monthly(offer, hh, today)
    _payment_modes(random.Random(f"{seed}-paiements"), built)
    return built


def _holder(hh: _Household) -> str:
    return f"{hh.member.first_name} {hh.member.last_name.upper()}"


# How the demonstration's members pay (a demo choice, not a figure of the texts): most by
# monthly direct debit, some once a year by debit, transfer or cheque; the TNS by direct debit
# only (Règlement TNS art. 4.2: « par prélèvement automatique, sur la base d'un mandat SEPA »);
# the agents with payroll deduction through their employer. Every member gives the account
# their benefits are paid to (the claims' payments read ``Adhesion.iban``).
MODES = [
    ((PaymentMode.DIRECT_DEBIT, PaymentFrequency.MONTHLY), 80),
    ((PaymentMode.DIRECT_DEBIT, PaymentFrequency.ANNUAL), 5),
    ((PaymentMode.TRANSFER, PaymentFrequency.ANNUAL), 10),
    ((PaymentMode.CHEQUE, PaymentFrequency.ANNUAL), 5),
]


def _payment_modes(rng: random.Random, built: list[_Household]) -> None:
    """Each validated household's payment mode and refund account (its own random draw, so the
    population itself does not change)."""
    for hh in built:
        a = hh.adhesion
        if a.status != AdhesionStatus.ACTIVE:
            continue  # an online request keeps the mode and the IBAN its form gave
        if a.payroll_deduction:
            a.payment_mode, a.payment_frequency = "", PaymentFrequency.MONTHLY
        elif a.range == "tns":
            a.payment_mode, a.payment_frequency = PaymentMode.DIRECT_DEBIT, PaymentFrequency.MONTHLY
        else:
            a.payment_mode, a.payment_frequency = rng.choices(
                [m for m, _ in MODES], [w for _, w in MODES]
            )[0]
        a.iban, a.account_holder = demo_iban(int(a.number.rsplit("-", 1)[1])), _holder(hh)


def _mandates(built: list[_Household]) -> list[Any]:
    """The SEPA mandate of each household paying by direct debit, signed with the adhesion, on
    the demonstration's account (its IBAN checked, its RUM and creditor as
    :func:`mutuelle.web.payments.services.create_mandate` gives them; written in bulk)."""
    from mutuelle import sepa
    from mutuelle.sepa.text import sepa_text
    from mutuelle.web.payments import services as payments
    from mutuelle.web.payments.models import Mandate

    ics = payments.creditor().creditor_id
    out = []
    banks: dict[str, Any] = {}  # bank code → the checked account of its first IBAN (its BIC)
    for hh in built:
        a = hh.adhesion
        if a.status != AdhesionStatus.ACTIVE or a.payment_mode != PaymentMode.DIRECT_DEBIT:
            continue
        # Every demonstration IBAN is schwifty's (demo_iban), valid by construction: the bank
        # registry is asked once for the demonstration's bank (3 s less at 30 000 households).
        bank = banks.get(a.iban[4:9])
        if bank is None:
            bank = banks[a.iban[4:9]] = sepa.check_iban(a.iban)
        account = sepa.BankAccount(iban=a.iban, bic=bank.bic, bank_name=bank.bank_name)
        out.append(
            Mandate(
                adhesion=a,
                rum=sepa.make_rum(a.number, 1),
                signed_on=a.signed_on,
                debtor_name=sepa_text(a.account_holder, 70),
                iban_stored=account.iban,
                bic=account.bic,
                creditor_ics=ics,
            )
        )
    return out


def load_demo(
    offer: Offer,
    households: int = 3000,
    seed: int = 2025,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr),
    money: bool = False,
) -> dict[str, int]:
    """Fill an empty database; returns the counts written. Refused under settings.prod.

    ``money``: the contributions called, collected and paid and the care settled and paid
    from the launch up to today, by billing's and claims' services
    (:mod:`mutuelle.web.reporting.demo_money`), before the committee's reports are published;
    without it, the past contributions are brought in as a reprise (docs I-110) and the
    published reports show no money."""
    from mutuelle.web.security.demo_guard import refuse_in_production

    refuse_in_production()
    if Adhesion.objects.exists():
        raise RuntimeError(
            "la base contient déjà des adhésions : données de démonstration non chargées"
        )
    today = today or dt.date.today()
    built = build_population(offer, households, seed, today, progress)
    if money:
        for hh in built:
            hh.entries = []  # billing calls the past itself: no reprise
    progress(f"  {households}/{households} foyers calculés ; écriture en base…")
    counts = _write(built)
    User = get_user_model()
    if not User.objects.filter(username=DEMO_USER).exists():
        User.objects.create_superuser(DEMO_USER, "demo@exemple.fr", DEMO_PASSWORD)
    if money:
        from mutuelle.web.reporting.demo_money import load_money

        counts.update(load_money(today, seed, progress))
    from mutuelle.web.reporting.demo import load_reporting_demo  # the steering committee's data

    counts.update(load_reporting_demo(today, seed, progress))
    return counts


def _copy(model: Any, objs: list[Any], batch: int = 1000) -> None:
    """Write many new rows: on PostgreSQL with ``COPY … FROM STDIN`` (its bulk path, several
    times faster than INSERT for a city's population; the rows' triggers and constraints still
    apply), the ids taken from the table's sequence first so the rows that refer to them can
    be built; elsewhere ``bulk_create``. Values are prepared by their fields (the IBAN
    encrypted, JSON adapted, « créé le » stamped)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch)
        return
    meta = model._meta
    table = meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
        fields = list(meta.concrete_fields)
        # A relation assigned before its target had an id: take the id now (bulk_create does).
        relations = [f for f in fields if f.is_relation]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for obj in objs:
                for f in relations:
                    target = obj._state.fields_cache.get(f.name)
                    if target is not None:
                        setattr(obj, f.attname, target.pk)
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias


def _write(built: list[_Household], batch: int = 1000) -> dict[str, int]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Check each reference as its row is written: hundreds of thousands of deferred
            # checks queued to the commit make the load several times slower.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # The write history (issue 12) records these rows under one named context,
                # « mutuelle demo-data »; with the settings present, the history triggers
                # read them instead of catching an exception per row (nothing is ignored).
                cursor.execute(
                    "SELECT set_config('pghistory.context_id', %s, true), "
                    "set_config('pghistory.context_metadata', %s, true), "
                    "set_config('pgtrigger.ignore', '{}', true)",
                    [str(uuid.uuid4()), json.dumps({"command": "mutuelle demo-data"})],
                )
        persons = [hh.member for hh in built] + [p for hh in built for p, _ in hh.dependants]
        _copy(Person, persons, batch)
        for hh in built:
            hh.adhesion.member = hh.member
        _copy(Adhesion, [hh.adhesion for hh in built], batch)
        affs, periods, docs, events = [], [], [], []
        for hh in built:
            for p, aff in hh.dependants:
                aff.adhesion, aff.person = hh.adhesion, p
                affs.append(aff)
            for fp in hh.periods:
                fp.adhesion = hh.adhesion
                periods.append(fp)
            for d in hh.documents:
                d.adhesion = hh.adhesion
                docs.append(d)
            for kind, summary, data in hh.events:
                events.append(
                    Event(
                        adhesion=hh.adhesion,
                        kind=kind,
                        summary=summary,
                        data={**data, "demo": True},
                    )
                )
        _copy(Affiliation, affs, batch)
        _copy(FormulaPeriod, periods, batch)
        _copy(Document, docs, batch)
        _copy(Event, events, batch)
        from mutuelle.web.payments.models import Mandate

        mandates = _mandates(built)
        _copy(Mandate, mandates, batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the journal's balance is checked at commit
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        posted = journal.post_many((e for hh in built for e in hh.entries), batch="demo-data")
    return {
        "households": sum(1 for hh in built if not hh.adhesion.number.startswith("DEM")),
        "online_requests": sum(1 for hh in built if hh.adhesion.number.startswith("DEM")),
        "persons": len(persons),
        "dependants": len(affs),
        "formula_periods": len(periods),
        "documents": len(docs),
        "events": len(events),
        "mandates": len(mandates),
        "reprise_entries": posted,  # past contributions brought in (none when billing calls them)
    }
