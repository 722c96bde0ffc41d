"""The back office at a city's scale: server time and HTML size of each page.

Usage (PostgreSQL, the figures of the README):
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuelle_backoffice
    .venv/bin/python bench/backoffice.py [--households 30000] [--runs 15]

Seeds the demonstration population if the database holds none (``mutuelle demo-data``, timed),
then asks each page ``--runs`` times through Django's test client in this process — the
server's time, no network — and prints p50/p95, the SQL queries of one request and the size
of the HTML: the adhesions' list, a search, an adhesion (the largest household), a pending
request, a person, the history, the home page with its work queues, the queue of requests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402


def seed(households: int) -> None:
    from mutuelle.web.members.models import Adhesion

    if Adhesion.objects.exists():
        n = Adhesion.objects.count()
        print(f"population déjà chargée : {n} adhésions")
        return
    from mutuelle.web.members import demo, services

    t0 = time.perf_counter()
    counts = demo.load_demo(services.offer_for(), households=households, progress=lambda s: None)
    took = time.perf_counter() - t0
    print(f"mutuelle demo-data --households {households} : {took:.1f} s ({counts})")


def staff_client() -> Client:
    from django.contrib.auth import get_user_model
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, _ = get_user_model().objects.get_or_create(
        username="bench.backoffice", defaults={"is_staff": True, "is_superuser": True}
    )
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def pages() -> list[tuple[str, str]]:
    from mutuelle.web.members.models import Adhesion, Person

    big = (
        Adhesion.objects.filter(status="active", end__isnull=True)
        .annotate(n=Count("affiliations"))
        .order_by("-n", "id")
        .first()
    )
    martin = Adhesion.objects.get(number="GR25-000001")
    person = Person.objects.order_by("-id").first()
    out = [
        ("liste des adhésions", reverse("admin:members_adhesion_changelist")),
        ("recherche « martin »", reverse("admin:members_adhesion_changelist") + "?q=martin"),
        ("recherche « noé »", reverse("admin:members_adhesion_changelist") + "?q=no%C3%A9"),
        ("adhésion MARTIN", reverse("admin:members_adhesion_change", args=[martin.pk])),
        ("personne", reverse("admin:members_person_change", args=[person.pk])),  # type: ignore[union-attr]
        ("historique (événements)", reverse("admin:members_event_changelist")),
        (
            "historique d'une adhésion",
            reverse("admin:members_adhesion_history", args=[martin.pk]),
        ),
        ("accueil : files de travail", reverse("admin:index")),
        (
            "file : demandes à instruire",
            reverse("admin:members_adhesion_changelist") + "?status__exact=pending",
        ),
        ("adhésion au guichet (formulaire)", reverse("admin:members_adhesion_counter")),
    ]
    if big is not None:
        out.insert(
            4,
            (
                f"adhésion du plus grand foyer ({big.n} ayants droit)",  # type: ignore[attr-defined]
                reverse("admin:members_adhesion_change", args=[big.pk]),
            ),
        )
    # The online requests of the demonstration (30 per thousand households): the one with the
    # most persons, its validation form, the refused one.
    pending = (
        Adhesion.objects.filter(status="pending")
        .annotate(n=Count("affiliations"))
        .order_by("-n", "id")
        .first()
    )
    if pending is not None:
        out += [
            (
                f"demande en ligne ({pending.n} ayants droit)",  # type: ignore[attr-defined]
                reverse("admin:members_adhesion_change", args=[pending.pk]),
            ),
            (
                "valider la demande (formulaire)",
                reverse("admin:members_adhesion_validate", args=[pending.pk]),
            ),
            (
                "demander les pièces (formulaire)",
                reverse("admin:members_adhesion_pieces", args=[pending.pk]),
            ),
        ]
    refused = Adhesion.objects.filter(status="refused").first()
    if refused is not None:
        out.append(("demande refusée", reverse("admin:members_adhesion_change", args=[refused.pk])))
    return out


def measure(client: Client, url: str, runs: int) -> tuple[list[float], int, int, int]:
    # One connection for the whole run (the test client would close it after each request,
    # and with it the record of its queries).
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    count = [0]

    def counting(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        r = client.get(url)
    status, size = r.status_code, len(r.content)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    return times, count[0], size, status


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--households", type=int, default=30000)
    p.add_argument("--runs", type=int, default=15)
    args = p.parse_args()
    if connection.vendor != "postgresql":
        print("(SQLite : les chiffres du README sont mesurés sous PostgreSQL, DATABASE_URL)")
    seed(args.households)
    from mutuelle.web.members.models import Adhesion, Person

    print(
        f"{Adhesion.objects.count()} adhésions, {Person.objects.count()} personnes, "
        f"base {connection.vendor}"
    )
    client = staff_client()
    print(f"{'page':48} {'p50 ms':>8} {'p95 ms':>8} {'requêtes':>9} {'HTML ko':>8}")
    worst = 0.0
    for name, url in pages():
        times, n_queries, size, status = measure(client, url, args.runs)
        p50 = statistics.median(times)
        p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
        worst = max(worst, p50)
        flag = "" if status == 200 else f"  (HTTP {status})"
        print(f"{name:48} {p50:8.0f} {p95:8.0f} {n_queries:9d} {size / 1000:8.0f}{flag}")
    print(f"médiane la plus lente : {worst:.0f} ms (objectif : moins de 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
