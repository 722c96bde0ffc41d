"""The town's account (issue 13): it reaches no individual member, claim, payment or complaint —
not through its views, the admin, the API, the exports or filters — and every figure it gets is
about 11 people or more, alone or put beside any other figure it got."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.reporting.oracle import leaks
from tests.web.conftest import login

from mutuelle.offers import load_offer
from mutuelle.reporting.disclosure import SECRET_MARK, THRESHOLD
from mutuelle.web.members import demo
from mutuelle.web.members.models import Adhesion, Person
from mutuelle.web.reporting import services
from mutuelle.web.reporting.models import Complaint, Publication

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def population(db) -> None:
    demo.load_demo(
        load_offer("grenoble-2025"), households=300, today=TODAY, progress=lambda s: None
    )


@pytest.fixture
def town(django_user_model) -> Any:
    """A town account in the project's own ``ville`` role (mutuelle.web.security.roles)."""
    from mutuelle.web.security import roles

    roles.sync_roles()
    user = django_user_model.objects.create_user(
        "sante.publique", password="mot-de-passe-ville-2025"
    )
    user.groups.add(Group.objects.get(name=roles.group_name("ville")))
    assert user.has_perm("reporting.view_town_aggregates") and not user.is_staff
    return user


def personal_strings() -> list[str]:
    """What would give a person away: names, adhesion and complaint numbers, IBANs, the
    complaints' contents."""
    out = []
    for p in Person.objects.order_by("id")[:200]:
        out.append(f"{p.last_name.upper()} {p.first_name}")
        out.append(f"{p.first_name} {p.last_name}")
        if p.email:
            out.append(p.email)
    out.extend(Adhesion.objects.values_list("number", flat=True)[:200])
    out.extend(Complaint.objects.values_list("number", flat=True))
    out.extend(i for i in Adhesion.objects.exclude(iban="").values_list("iban", flat=True))
    out.append("Réclamation de démonstration")
    return out


def parameter_values() -> dict[str, list[str]]:
    """Real values for the parameters of any address (so a route another domain adds with an
    id, a number or a period is tried too): the first person, adhesion and complaint."""
    a = Adhesion.objects.order_by("pk").first()
    c = Complaint.objects.order_by("pk").first()
    assert a is not None and c is not None
    ints = [str(a.pk), str(a.member_id), str(c.pk)]
    strs = [a.number, c.number, "2025", "2025-Q3", "csv", "pdf"]
    return {"int": ints, "str": strs, "slug": strs, "path": strs, "period": ["2025-Q3", "2026"]}


def fill(route: str, values: dict[str, list[str]]) -> list[str]:
    """Every address of a Django route with its ``<conv:name>`` parameters replaced by each
    real value of the converter (regex routes are left to the admin's own list below)."""
    parts = re.split(r"<(?:\w+:)?\w+>", route)
    convs = re.findall(r"<(?:(\w+):)?\w+>", route)
    out = [parts[0]]
    for conv, tail in zip(convs, parts[1:], strict=True):
        out = [u + v + tail for u in out for v in values.get(conv or "str", values["str"])]
    return out


def every_url() -> list[str]:
    """Every GET address of the site, with real objects for the admin's (one of each model) and
    real values for parameterised routes (people's ids and numbers, periods)."""
    urls = set()
    values = parameter_values()

    def walk(patterns: list[Any], prefix: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "(?P" in route or "^" in route:
                    continue
                for url in fill(route, values):
                    urls.add("/" + url.replace("\\", ""))

    walk(get_resolver().url_patterns)
    urls.update({"/admin/", "/api/adhesions/", "/api/membres/", "/gestion/members/person/"})
    for model in site._registry:
        opts = model._meta
        urls.add(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.add(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?q=a")
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            for view in ("change", "history", "delete"):
                urls.add(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk]))
    a = Adhesion.objects.order_by("pk").first()
    assert a is not None
    for name in ("dependant", "formula", "termination", "death"):
        urls.add(reverse(f"admin:members_adhesion_{name}", args=[a.pk]))
    doc = a.documents.order_by("pk").first()
    if doc is not None:
        urls.add(reverse("admin:members_adhesion_document", args=[a.pk, doc.pk]))
    urls.add(reverse("admin:reporting_committee"))
    for key in ("2025-Q3", "2026"):
        urls.add(reverse("admin:reporting_preview", args=[key]))
        for fmt in ("csv", "pdf"):
            urls.add(reverse("admin:reporting_preview_export", args=[key, fmt]))
    urls.add(f"/adherer/demande/{a.number}/")
    urls.add(f"/adherer/demande/{a.number}/recapitulatif.pdf")
    for pub in Publication.objects.all():
        for name in ("ville:report", "ville:csv", "ville:xlsx", "ville:pdf"):
            urls.add(reverse(name, args=[pub.period]))
    return sorted(u for u in urls if "deconnexion" not in u and "logout" not in u)


def test_the_town_reaches_no_person_anywhere(client, population, town, staff) -> None:
    secrets = personal_strings()
    assert len(secrets) > 100
    # The same addresses do show people to the Mutuelle's staff (so the check below can fail).
    login(client, staff)
    page = client.get(reverse("admin:members_adhesion_changelist")).content.decode()
    assert sum(1 for s in secrets if s in page) > 20
    client.force_login(town)
    seen_reports = 0
    for url in every_url():
        r = client.get(url)
        body = r.content.decode("utf-8", errors="replace") if r.content else ""
        if url.startswith("/gestion/") and not url.startswith("/gestion/login/"):
            # Not staff: the back office only ever sends the town to its login page.
            assert r.status_code == 302 and "/gestion/login/" in r["Location"], url
            continue
        assert r.status_code < 500, url
        if url.endswith(".xlsx") and r.status_code == 200:
            body = xlsx_text(r.content)
        if r.get("Content-Type", "").startswith("application/pdf") and r.status_code == 200:
            body = pdf_text(r.content)
        for s in secrets:
            assert s not in body, (url, s)
        if url.startswith("/ville/rapport/") and r.status_code == 200:
            seen_reports += 1
    assert seen_reports >= 4 * 11  # every published period, as a page, CSV, XLSX and PDF


def test_the_town_cannot_filter_or_ask_for_what_was_not_published(client, population, town) -> None:
    client.force_login(town)
    r = client.get(reverse("admin:members_adhesion_changelist"), {"q": "Martin"})
    assert r.status_code == 302
    r = client.get(reverse("admin:reporting_complaint_changelist"), {"delais": "retard"})
    assert r.status_code == 302
    r = client.get("/ville/rapport/2026-Q4/")  # not over, never published
    assert r.status_code == 404 and "pas encore été publié" in r.text
    r = client.get("/ville/", {"periode": "2025-Q1", "range": "tns", "q": "Martin"})
    assert r.status_code == 200 and "MARTIN" not in r.text
    r = client.post("/ville/")
    assert r.status_code == 405
    # Its password does not open the back office either (not staff, no second factor).
    client.logout()
    r = client.post(
        "/gestion/login/", {"username": "sante.publique", "password": "mot-de-passe-ville-2025"}
    )
    assert r.status_code == 200
    r = client.get(reverse("admin:members_adhesion_changelist"))
    assert r.status_code == 302 and "/gestion/login/" in r["Location"]
    client.force_login(town)
    # The API reads nobody's file either.
    for url in ("/api/permanences/", "/api/sante/", "/api/openapi.json"):
        r = client.get(url)
        assert r.status_code == 200 and "GR25-000001" not in r.text and "MARTIN" not in r.text


def test_an_account_without_the_permission_sees_no_report(client, population, django_user_model):
    someone = django_user_model.objects.create_user("curieux", password="mot-de-passe-2025-x")
    client.force_login(someone)
    r = client.get("/ville/")
    assert r.status_code == 403 and "Accès réservé" in r.text
    assert client.get("/ville/rapport/2025-Q3.csv").status_code == 403
    client.logout()
    r = client.get("/ville/rapport/2025-Q3/")
    assert r.status_code == 302 and "/ville/connexion/" in r["Location"]


def test_every_figure_the_town_got_is_about_11_people_or_more_even_put_together(
    population,
) -> None:
    """All the reports published to the town, side by side (quarters, semesters, the year; the
    tables by range, by role, by age, by household): nothing about fewer than 11 people shows,
    nor can be recomputed."""
    computed = services.compute_all(TODAY)
    family = computed.built.family
    published = services.prior_values()
    assert len(Publication.objects.all()) == 11  # 2025: Q1-Q4, S1, S2, year; 2026: Q1-Q3, S1
    for key in published:
        people = family.cells[key].people
        assert people == 0 or people >= 11, (key, people)
    assert leaks(family.cells, family.equations, set(published)) == set()


def test_a_published_report_never_changes_and_late_entries_do_not_leak(
    client, population, town, staff
) -> None:
    """Q3 2025 was published; two adhesions effective in Q3 are recorded afterwards. The town's
    Q3 stays as published; nothing it now gets gives away those two."""
    before = services.published("2025-Q3").as_dict()
    client.force_login(town)
    exports_before = {
        fmt: client.get(f"/ville/rapport/2025-Q3.{fmt}").content for fmt in ("csv", "xlsx", "pdf")
    }
    for i in range(2):
        member = Person.objects.create(
            last_name="Tardif", first_name=f"Léa{i}", birth_date=dt.date(1980, 1, 1)
        )
        Adhesion.objects.create(
            number=f"GR25-9{i:05d}",
            offer="grenoble-2025",
            range="tns",
            member=member,
            signed_on=dt.date(2025, 8, 1),
            file_sent_on=dt.date(2025, 8, 1),
            start=dt.date(2025, 9, 1),
        )
    assert services.published("2025-Q3").as_dict() == before
    # Downloaded again, the exports are the same: nothing to difference.
    after = {fmt: client.get(f"/ville/rapport/2025-Q3.{fmt}").content for fmt in ("csv", "pdf")}
    assert after["csv"] == exports_before["csv"] and after["pdf"] == exports_before["pdf"]
    xlsx_after = client.get("/ville/rapport/2025-Q3.xlsx").content
    assert xlsx_text(xlsx_after) == xlsx_text(exports_before["xlsx"])
    computed = services.compute_all(TODAY)
    hidden = [k for k, s in computed.protection.status.items() if s.value == "hidden"]
    assert any(k[1] == "2025-09-30" for k in hidden)  # the corrected stock is not shown again
    family = computed.built.family
    published = services.prior_values()
    current = {k for k, s in computed.protection.status.items() if s.value == "published"}
    from tests.reporting.oracle import recomputable

    unknown = set(family.cells) - (set(published) | current)
    assert not {k for k in hidden if k[1] == "2025-09-30"} & recomputable(
        family.equations, set(published) | current, unknown
    )


def xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    out = []
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            out.extend(str(v) for v in row if v is not None)
    return "\n".join(out)


def test_the_exports_carry_the_same_protected_figures(client, population, town) -> None:
    client.force_login(town)
    report = services.published("2025")
    csv_text = client.get("/ville/rapport/2025.csv").content.decode("utf-8-sig")
    lines = [line.split(";") for line in csv_text.splitlines()]
    assert lines[0][:4] == ["période", "section", "indicateur", "tableau"]
    secret_csv = sum(1 for line in lines[1:] if len(line) > 7 and line[7] == SECRET_MARK)
    secret_report = sum(
        1
        for s in report.sections
        for t in s.tables
        for _, cells in (*t.rows, *((t.total,) if t.total else ()))
        for c in cells
        if c.suppressed
    )
    assert secret_csv == secret_report > 0
    for line in lines[1:]:
        if len(line) > 7 and line[7] == SECRET_MARK:
            assert line[6] == ""  # never the value behind the mark
    r = client.get("/ville/rapport/2025.xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    text = xlsx_text(r.content)
    assert "Mutuelle communale — rapport au comité de pilotage — année 2025" in text
    assert text.count(f"\n{SECRET_MARK}\n") + text.endswith(f"\n{SECRET_MARK}") > 0
    members = report.section("members").tables[0]
    total = members.total[1][-1].value  # type: ignore[index]
    assert re.search(rf"\b{total}\b", text)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_the_committee_pdf_is_the_protected_report_and_nobody_in_it(
    client, population, town, tmp_path
) -> None:
    """The PDF the town downloads for the meeting: the ten indicators, the P/C, the commitments
    (behind in red), the charts; the same secret marks as the report, no person."""
    from mutuelle.documents import Figure, Paragraph, Table
    from mutuelle.reporting.document import committee_document

    client.force_login(town)
    page = client.get("/ville/rapport/2025/")
    assert 'href="/ville/rapport/2025.pdf"' in page.text
    r = client.get("/ville/rapport/2025.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert 'filename="comite-de-pilotage-2025.pdf"' in r["Content-Disposition"]
    (tmp_path / "r.pdf").write_bytes(r.content)
    text = pdf_text(r.content)
    flat = " ".join(text.split())
    for s in personal_strings():
        assert s not in text, s
    report = services.published("2025")
    for s in report.sections:
        if s.number:
            assert f"{s.number}. {s.title}"[:40] in flat, s.title
    assert "Rapport P/C" in flat and "Engagements" in flat
    assert "moins de 11 personnes" in flat
    # The document holds exactly the report's cells: a suppressed figure is the mark, never
    # its value.
    doc = committee_document(report, dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    blocks = [b for s in doc.sections for b in s.blocks]
    marks = sum(
        1 for b in blocks if isinstance(b, Table) for row in b.rows for c in row[1:] if c == "s"
    )
    hidden = sum(t.suppressed for s in report.sections for t in s.tables)
    assert marks == hidden > 0
    assert any(isinstance(b, Figure) for b in blocks)  # the charts, inline SVG
    behind = [c for c in report.section("outreach").checks if c["state"] == "behind"]
    alerts = [b for b in blocks if isinstance(b, Paragraph) and b.style == "alert"]
    assert len(alerts) == len(behind)
    # Asked again, the same kept file (documents app: one record per content), and its
    # recorded content renders again to the very same bytes.
    assert client.get("/ville/rapport/2025.pdf").content == r.content
    from mutuelle.web.documents.models import ProducedDocument
    from mutuelle.web.documents.services import verify

    (record,) = ProducedDocument.objects.filter(kind="committee_report")
    assert record.adhesion_id is None and record.person_id is None
    assert verify(record).ok
    # Not published, no PDF either.
    assert client.get("/ville/rapport/2026-Q4.pdf").status_code == 404


def test_the_towns_health_officer_logs_in_and_finds_the_meeting_papers(client, population) -> None:
    """The demonstration's town account, as a new user: its login page, the latest report, the
    papers for the meeting; a wrong password is answered in French."""
    from mutuelle.web.reporting.demo import TOWN_PASSWORD, TOWN_USER

    r = client.post("/ville/connexion/", {"username": TOWN_USER, "password": "pas-le-bon"})
    assert r.status_code == 200 and "mot de passe" in r.text.lower()
    r = client.post(
        "/ville/connexion/", {"username": TOWN_USER, "password": TOWN_PASSWORD}, follow=True
    )
    assert r.status_code == 200 and "Rapports au comité de pilotage" in r.text
    latest = services.publications()[0]
    assert f'href="/ville/rapport/{latest.period}.pdf"' in r.text
    assert client.get(f"/ville/rapport/{latest.period}.pdf").content.startswith(b"%PDF")


def test_no_suppressed_figure_comes_out_of_differencing_two_exports(client, population, town):
    """The town's CSV exports side by side: a semester is its two quarters, the year its two
    semesters. Wherever the same count of the same table is in the three exports and one of
    them is `s`, the difference of the two others (what the town can compute) is never about
    1 to 10 people: a hidden figure recovered so is one that was hidden only as a complement."""
    client.force_login(town)

    def figures(period: str) -> dict[tuple[str, ...], tuple[str, str]]:
        text = client.get(f"/ville/rapport/{period}.csv").content.decode("utf-8-sig")
        out = {}
        for line in [x.split(";") for x in text.splitlines()[1:]]:
            if len(line) > 7 and line[5] and not line[7].endswith(("€", "%")):
                out[(line[1], line[3], line[4], line[5])] = (line[6], line[7])
        return out

    compared = recovered = 0
    for whole, a, b in (
        ("2025-S1", "2025-Q1", "2025-Q2"),
        ("2025-S2", "2025-Q3", "2025-Q4"),
        ("2025", "2025-S1", "2025-S2"),
        ("2026-S1", "2026-Q1", "2026-Q2"),
    ):
        w, x, y = figures(whole), figures(a), figures(b)
        for key in w.keys() & x.keys() & y.keys():
            texts = [w[key][1], x[key][1], y[key][1]]
            if not all(t == SECRET_MARK or t.replace("\u202f", "").isdigit() for t in texts):
                continue  # a date or a text, not a count
            compared += 1
            if texts.count(SECRET_MARK) != 1:
                continue
            # Exactly one is hidden (its value is empty in the CSV): what the others give.
            vw, vx, vy = (int(v or 0) for v in (w[key][0], x[key][0], y[key][0]))
            if texts[0] == SECRET_MARK:
                got = vx + vy
            elif texts[1] == SECRET_MARK:
                got = vw - vy
            else:
                got = vw - vx
            recovered += 1
            assert got == 0 or got >= THRESHOLD, (whole, a, b, key, got)
    assert compared > 100 and recovered > 0
