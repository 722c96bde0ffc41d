"""Each role reaches exactly what it should (issue 12): the table of role × screen/export,
checked through the back office as each member of staff would use it. The roles are Django
groups created by the post-migrate hook (mutuelle.web.security.roles)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from tests.security.conftest import close_download

from mutuelle.web.members.models import Document
from mutuelle.web.security import roles

IBAN = "FR7630006000011234567890189"
CLEAR = "FR76 3000 6000 0112 3456 7890 189"
MASKED = "FR76 •••• •••• •••• •••• •••• 189"

SCREENS = (
    "adhesions",  # the list and search
    "adhesion",  # a member's file
    "person",  # a person's page
    "justificatif",  # download of a file sent online
    "iban_clear",  # the IBAN unmasked on the file
    "act",  # an act on the file (add a dependant)
    "access_log",  # who opened which file
    "access_log_csv",
    "css_summary",  # the anonymous CSS counts (aggregates)
    "gdpr_export",  # a person's data as a file
    "lockouts",  # unlock an account (django-axes)
    "totp_devices",  # enrol a second factor
)
Y, N = True, False
TABLE = {
    #               list adh per doc iban act log csv css exp lock otp
    "accueil":        (Y, Y, Y, Y, N, Y, N, N, N, N, N, N),
    "prestations":    (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    "comptabilite":   (Y, Y, Y, N, Y, N, N, N, N, N, N, N),
    "reclamations":   (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    "direction":      (Y, Y, Y, Y, N, N, N, N, Y, N, N, N),
    "auditeur":       (Y, Y, Y, Y, N, N, Y, Y, Y, N, N, N),
    "ville":          (N, N, N, N, N, N, N, N, Y, N, N, N),
    "administrateur": (Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y),
}  # fmt: skip


def test_the_table_covers_every_role() -> None:
    assert set(TABLE) == set(roles.ROLES)


@pytest.fixture
def file_with_document(martin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    martin.iban = IBAN
    martin.save()
    doc = Document(adhesion=martin, person=martin.member, kind="identity", received_on=martin.start)
    doc.file.save("id.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    doc.save()
    return martin, doc


def reach(client, screen: str, adhesion, doc) -> bool:
    urls = {
        "adhesions": reverse("admin:members_adhesion_changelist"),
        "adhesion": reverse("admin:members_adhesion_change", args=[adhesion.pk]),
        "person": reverse("admin:members_person_change", args=[adhesion.member_id]),
        "justificatif": reverse("admin:members_adhesion_document", args=[adhesion.pk, doc.pk]),
        "act": reverse("admin:members_adhesion_dependant", args=[adhesion.pk]),
        "access_log": reverse("admin:security_accesslog_changelist"),
        "access_log_csv": reverse("admin:security_accesslog_export"),
        "css_summary": reverse("admin:public_cssorientation_summary"),
        "lockouts": reverse("admin:axes_accessattempt_changelist"),
        "totp_devices": reverse("admin:otp_totp_totpdevice_changelist"),
    }
    if screen == "iban_clear":
        r = client.get(urls["adhesion"])
        if r.status_code != 200:
            return False
        text = r.content.decode()
        assert (CLEAR in text) != (MASKED in text), "the IBAN is shown once, clear or masked"
        return CLEAR in text
    if screen == "gdpr_export":
        r = client.post(
            urls["adhesions"],
            {"action": "export_person_action", "_selected_action": [adhesion.pk]},
        )
        return r.status_code == 200 and r["Content-Type"] == "application/zip"
    r = client.get(urls[screen])
    if screen == "justificatif" and r.status_code == 200:
        assert r["Content-Disposition"].startswith("attachment")
        close_download(r)
    return r.status_code == 200


@pytest.mark.parametrize("role", list(TABLE))
def test_each_role_reaches_exactly_its_screens(role, as_role, file_with_document) -> None:
    adhesion, doc = file_with_document
    client, _ = as_role(role)
    got = {s: reach(client, s, adhesion, doc) for s in SCREENS}
    assert got == dict(zip(SCREENS, TABLE[role], strict=True))


def test_the_town_reaches_no_individual_data(as_role, file_with_document) -> None:
    """Convention art. 5 and the architecture: the town sees aggregates only."""
    client, user = as_role("ville")
    perms = user.get_all_permissions()
    assert perms == {"reporting.view_town_aggregates", "public.view_cssorientation"}
    page = client.get(reverse("admin:index")).content.decode()
    assert "Adhésions" not in page and "Personnes" not in page


def test_the_roles_are_groups_kept_in_step_with_the_data(db) -> None:
    names = set(Group.objects.values_list("name", flat=True))
    assert {r.group for r in roles.ROLES.values()} <= names
    accueil = Group.objects.get(name="Accueil")
    accueil.permissions.clear()  # a hand edit in the admin …
    roles.sync_roles()  # … is undone at the next migrate (post-migrate hook)
    assert accueil.permissions.filter(codename="add_adhesion").exists()


def test_a_later_app_extends_a_role_and_a_typo_is_an_error(db, monkeypatch) -> None:
    monkeypatch.setitem(
        roles.ROLES, "prestations", roles.Role("Prestations", "test", ["members.view_person"])
    )
    roles.extend("prestations", "members.view_event")
    roles.sync_roles()
    perms = set(
        Group.objects.get(name="Prestations").permissions.values_list("codename", flat=True)
    )
    assert perms == {"view_person", "view_event"}
    roles.extend("prestations", "claims.view_claim")  # an app not installed, or a typo
    with pytest.raises(LookupError, match=r"claims\.view_claim"):
        roles.sync_roles()
    with pytest.raises(KeyError):
        roles.extend("médecin-conseil", "members.view_person")
