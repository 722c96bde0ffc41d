"""Demonstration data of the steering committee, on top of the demonstration population.

Deterministic (one seed): the answer to « complémentaire santé avant d'adhérer ? » and the
member's situation, the permanences held since the convention could be signed (ten half-days a
week in the convention's places, fewer in some holiday weeks), events, prevention actions,
meetings, workshop themes, complaints (most handled in time, a few late or open), the list of
upcoming regulatory changes (from ../shared/reference/operations.md §8), the communication
spending, and the town's account. Every closed period is published, so the town has reports to
read. No loadings rate is invented: the Mutuelle enters it (G-65).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from mutuelle.reporting.complaints import Channel, Subject
from mutuelle.reporting.outreach import Audience, MeetingKind
from mutuelle.reporting.periods import closed_periods
from mutuelle.reporting.population import PriorCover, Situation
from mutuelle.web.members.enums import AdhesionStatus
from mutuelle.web.members.models import Adhesion
from mutuelle.web.public.models import PermanencePlace, PlaceStatus
from mutuelle.web.reporting import models as m
from mutuelle.web.reporting import services

TOWN_USER = "ville"
TOWN_PASSWORD = "ville-grenoble-2025"

# Monday … Friday: (place position in the seeded list, moment) — ten half-days a week.
WEEK = [
    (0, "morning"),
    (2, "afternoon"),
    (1, "morning"),
    (0, "afternoon"),
    (2, "morning"),
    (1, "afternoon"),
    (0, "morning"),
    (2, "afternoon"),
    (1, "morning"),
    (0, "afternoon"),
]


def town_account() -> None:
    """The town's demonstration account, in the ``ville`` role (mutuelle.web.security.roles):
    it sees published reports only."""
    from mutuelle.web.security import roles

    roles.sync_roles()
    group = Group.objects.get(name=roles.group_name("ville"))
    User = get_user_model()
    user = User.objects.filter(username=TOWN_USER).first()
    if user is None:
        user = User.objects.create_user(TOWN_USER, "sante-publique@exemple.fr", TOWN_PASSWORD)
    user.groups.add(group)


def _profiles(rng: random.Random, today: dt.date) -> None:
    adhesions = list(
        Adhesion.objects.filter(status=AdhesionStatus.ACTIVE)
        .select_related("member")
        .order_by("id")
    )
    for a in adhesions:
        # Blank: recorded before the question was asked.
        a.prior_cover = rng.choices(
            [PriorCover.NONE.value, PriorCover.HAD.value, ""], [30, 55, 15]
        )[0]
        age = today.year - a.member.birth_date.year
        if a.range == "students":
            s = Situation.STUDENT
        elif a.range == "agents":
            s = Situation.PUBLIC_AGENT
        elif a.range == "tns":
            s = Situation.SELF_EMPLOYED if rng.random() < 0.9 else Situation.RETIRED
        elif age >= 63:
            s = Situation.RETIRED if rng.random() < 0.85 else Situation.OTHER
        else:
            s = rng.choices(
                [
                    Situation.PRECARIOUS,
                    Situation.JOB_SEEKER,
                    Situation.EMPLOYEE,
                    Situation.OTHER,
                    Situation.UNKNOWN,
                ],
                [35, 25, 15, 10, 15],
            )[0]
        a.socio_professional = "" if s is Situation.UNKNOWN else s.value
    Adhesion.objects.bulk_update(adhesions, ["prior_cover", "socio_professional"], batch_size=1000)


def _permanences(rng: random.Random, start: dt.date, today: dt.date) -> int:
    places = list(
        PermanencePlace.objects.filter(status=PlaceStatus.ACTIVE).order_by("position")[:3]
    )
    if not places:
        return 0
    rows = []
    day = start - dt.timedelta(days=start.weekday())
    while day < today:
        # School holidays: a lighter week now and then (it shows in the outreach checks).
        light = day.month == 8 or (day.month == 12 and day.day > 20) or rng.random() < 0.04
        for i, (place, moment) in enumerate(WEEK):
            d = day + dt.timedelta(days=i // 2)
            if d < start or d >= today or (light and i % 3 == 0):
                continue
            participants = rng.randint(2, 14)
            contacts = rng.randint(0, min(6, participants))
            rows.append(
                m.PermanenceSession(
                    place=places[place % len(places)],
                    day=d,
                    moment=moment,
                    participants=participants,
                    contacts=contacts,
                    css_orientations=rng.choices([0, 1, 2], [70, 22, 8])[0],
                    aid_orientations=rng.choices([0, 1], [85, 15])[0],
                )
            )
        day += dt.timedelta(days=7)
    m.PermanenceSession.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _outreach(today: dt.date) -> None:
    D = dt.date
    events = [
        (D(2025, 3, 22), "Journée d'accès aux droits", "Hôtel de Ville"),
        (D(2025, 5, 17), "Fête des Maisons des Habitant-es", "MDH Abbaye"),
        (D(2025, 6, 26), "Fête des agent-es", "Parc Paul Mistral"),
        (D(2025, 9, 27), "Forum des associations", "Alpexpo"),
        (D(2025, 10, 14), "Forum des seniors", "Centre Communal Camille Claudel"),
        (D(2026, 3, 21), "Journée d'accès aux droits", "Hôtel de Ville"),
        (D(2026, 7, 8), "Été Oh Parcs", "Parc de la Villeneuve"),
    ]
    m.OutreachEvent.objects.bulk_create(
        [m.OutreachEvent(day=d, title=t, place=p, contacts=25) for d, t, p in events if d < today]
    )
    actions = [
        (D(2025, 4, 10), Audience.SENIORS, "Prévention des chutes à domicile", 22, False),
        (D(2025, 5, 6), Audience.STUDENTS, "Sommeil, écrans et examens", 34, False),
        (D(2025, 6, 12), Audience.AGENTS, "Gestes et postures au travail", 18, False),
        (D(2025, 10, 2), Audience.CARERS, "Prendre soin de soi quand on aide un proche", 9, False),
        (D(2025, 3, 18), Audience.EVERYONE, "Bilan auditif gratuit (ECOUTER-VOIR)", 8, True),
        (D(2025, 6, 3), Audience.SENIORS, "Bilan visuel gratuit (ECOUTER-VOIR)", 12, True),
        (D(2025, 9, 16), Audience.EVERYONE, "Bilan auditif gratuit (ECOUTER-VOIR)", 7, True),
        (D(2025, 11, 25), Audience.SENIORS, "Bilan visuel gratuit (ECOUTER-VOIR)", 11, True),
        (D(2026, 2, 12), Audience.STUDENTS, "Santé mentale : où trouver de l'aide", 41, False),
        (D(2026, 4, 9), Audience.SENIORS, "Bien vieillir : audition et lien social", 27, False),
        (D(2026, 5, 19), Audience.EVERYONE, "Bilan auditif gratuit (ECOUTER-VOIR)", 9, True),
        (D(2026, 9, 22), Audience.EVERYONE, "Bilan visuel gratuit (ECOUTER-VOIR)", 14, True),
    ]
    m.PreventionAction.objects.bulk_create(
        [
            m.PreventionAction(day=d, audience=a.value, title=t, participants=n, free_check=f)
            for d, a, t, n, f in actions
            if d < today
        ]
    )
    meetings = [
        (D(2025, 2, 27), MeetingKind.PUBLIC, "Présentation de la mutuelle communale", 120),
        (D(2025, 3, 13), MeetingKind.PUBLIC, "Réunion publique — quartiers sud", 64),
        (D(2025, 3, 27), MeetingKind.PUBLIC, "Réunion d'information des agent-es", 85),
        (D(2025, 3, 6), MeetingKind.PARTNERS, "Professionnel-les de l'accès aux droits", 31),
        (D(2025, 4, 3), MeetingKind.TRAINING, "Formation des agent-es du CCAS (demi-journée)", 16),
        (D(2025, 11, 20), MeetingKind.MEMBERS, "Rencontre des adhérent-es : premier bilan", 38),
        (D(2026, 6, 11), MeetingKind.MEMBERS, "Rencontre des adhérent-es : garanties 2027", 6),
    ]
    m.Meeting.objects.bulk_create(
        [
            m.Meeting(day=d, kind=k.value, title=t, participants=n)
            for d, k, t, n in meetings
            if d < today
        ]
    )
    m.WorkshopTheme.objects.bulk_create(
        [
            m.WorkshopTheme(
                proposed_on=D(2025, 6, 20),
                title="Audition et isolement des seniors",
                need="demandes répétées aux permanences du Centre Camille Claudel",
            ),
            m.WorkshopTheme(
                proposed_on=D(2025, 11, 20),
                title="Santé mentale des étudiant-es",
                need="orientations fréquentes vers le service de santé universitaire",
            ),
            m.WorkshopTheme(
                proposed_on=D(2026, 6, 11),
                title="Épuisement des aidant-es",
                need="rencontre des adhérent-es de juin 2026",
            ),
        ]
    )
    m.RegulatoryChange.objects.bulk_create(
        [
            m.RegulatoryChange(
                title="Gel des cotisations 2026 (« ne peut être augmenté par rapport à 2025 »)",
                effective_on=D(2026, 1, 1),
                source="LFSS 2026 (loi n° 2025-1403 du 30 décembre 2025) art. 13",
                impact="aucune revalorisation au 1er janvier 2026 ; contesté par les fédérations",
            ),
            m.RegulatoryChange(
                title="Contribution de 2,05 % sur les cotisations encaissées en 2026",
                effective_on=D(2026, 1, 1),
                source="LFSS 2026 art. 13",
                impact="une taxe à part, à côté de la TSA (13,27 %)",
            ),
            m.RegulatoryChange(
                title="Franchises et participations forfaitaires inchangées en 2026",
                effective_on=D(2026, 1, 1),
                source="doublement abandonné le 5 décembre 2025",
                impact="aucun changement des restes à charge",
            ),
            m.RegulatoryChange(
                title="Fin de la première période de la convention (trois ans, renouvelable par "
                "avenant)",
                effective_on=D(2028, 2, 20),
                source="Convention art. 6",
                impact="préparer l'avenant de renouvellement",
            ),
        ]
    )
    spend = [
        (D(2025, 2, 25), 850_000, "Affiches et flyers du lancement"),
        (D(2025, 4, 15), 350_000, "Encarts dans le journal municipal"),
        (D(2026, 3, 1), 300_000, "Campagne de printemps"),
        (D(2026, 9, 1), 250_000, "Rentrée étudiante"),
    ]
    m.CommunicationSpend.objects.bulk_create(
        [m.CommunicationSpend(day=d, cents=c, label=x) for d, c, x in spend if d < today]
    )


def _complaints(rng: random.Random, start: dt.date, today: dt.date) -> int:
    if (today - start).days < 30:
        return 0
    adhesions = list(Adhesion.objects.filter(status=AdhesionStatus.ACTIVE).order_by("id")[:2000])
    subjects = list(Subject)
    weights = [12, 20, 30, 8, 12, 8, 5, 2, 3]
    out = []
    for _ in range(max(8, len(adhesions) // 60)):
        received = start + dt.timedelta(days=rng.randint(20, (today - start).days - 1))
        a = rng.choice(adhesions) if adhesions and rng.random() < 0.9 else None
        written = rng.random() < 0.8
        age = (today - received).days
        ack = received + dt.timedelta(days=rng.choice([1, 2, 3, 5, 8, 15]))
        answer = received + dt.timedelta(days=rng.choice([5, 12, 25, 40, 55, 75]))
        open_ = age < 70 and rng.random() < 0.5
        out.append(
            m.Complaint(
                received_on=received,
                channel=(Channel.WRITTEN if written else Channel.ORAL).value,
                written_on=None if written else received + dt.timedelta(days=rng.randint(0, 5)),
                adhesion=a,
                range=a.range if a else "residents",
                subject=rng.choices(subjects, weights)[0].value,
                summary="Réclamation de démonstration.",
                acknowledged_on=ack if ack < today and not (open_ and age > 20) else None,
                answered_on=None if open_ or answer >= today else answer,
                answer="" if open_ or answer >= today else "Réponse écrite envoyée.",
                mediation_on=(
                    answer + dt.timedelta(days=30)
                    if not open_ and rng.random() < 0.05 and answer + dt.timedelta(days=30) < today
                    else None
                ),
            )
        )
    # Numbers follow the reception order within each year.
    out.sort(key=lambda c: c.received_on)
    counters: dict[int, int] = {}
    for c in out:
        counters[c.received_on.year] = counters.get(c.received_on.year, 0) + 1
        c.number = f"REC{c.received_on.year % 100:02d}-{counters[c.received_on.year]:05d}"
    m.Complaint.objects.bulk_create(out)
    return len(out)


def load_reporting_demo(
    today: dt.date | None = None,
    seed: int = 2025,
    progress: Callable[[str], None] = lambda s: None,
) -> dict[str, int]:
    """Fill the committee's data on top of the demonstration population (an empty register);
    publish every closed period."""
    today = today or dt.date.today()
    if m.PermanenceSession.objects.exists() or m.Complaint.objects.exists():
        return {}
    rng = random.Random(seed)
    rules = services.rules()
    start = rules.outreach.commitments_from
    with transaction.atomic():
        _profiles(rng, today)
        sessions = _permanences(rng, start, today)
        _outreach(today)
        complaints = _complaints(rng, start, today)
        town_account()
    periods = [p.key for p in closed_periods(rules.outreach.launch_year, today)]
    progress(f"  comité de pilotage : {len(periods)} rapports publiés pour la Ville…")
    published = services.publish_many(periods, None, today)
    return {"permanences": sessions, "complaints": complaints, "reports": len(published)}
