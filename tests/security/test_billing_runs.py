"""Who may start billing's batch runs (issue 10): the yearly call, its documents, the SEPA
collection and the unpaid day call contributions, debit members, write letters and suspend
cover, so the back office asks ``billing.run_billing`` beside ``jobs.add_batchrun``: the roles
that may bill (comptabilité, administrateur) start them, no other role does — and a staff
member allowed to start batch runs but not to bill starts only the others."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from mutuelle.web.billing.apps import BILLING_KINDS
from mutuelle.web.jobs import framework
from mutuelle.web.jobs.models import BatchRun
from mutuelle.web.security import roles

PARAMS = {
    "yearly-call": "year=2027\non=2026-12-02",
    "billing-documents": "year=2027\nkind=call",
    "sepa-collect": "on=2027-01-05",
    "unpaid-day": "on=2027-01-12",
    "count-adhesions": "",
}
MAY_BILL = {"comptabilite", "administrateur"}


def _start(client, kind: str) -> tuple[int, bool]:
    before = BatchRun.objects.filter(kind=kind).count()
    r = client.post(
        "/gestion/jobs/batchrun/lancer/", {"kind": kind, "parameters": PARAMS[kind], "key": ""}
    )
    return r.status_code, BatchRun.objects.filter(kind=kind).count() > before


def test_every_billing_kind_asks_the_billing_permission() -> None:
    billing = {n for n, k in framework.REGISTRY.items() if type(k).__module__.startswith(
        "mutuelle.web.billing")}  # fmt: skip
    assert billing == set(BILLING_KINDS)
    for kind in BILLING_KINDS:
        assert framework.permissions_for(kind) == ("jobs.add_batchrun", "billing.run_billing")
    assert framework.permissions_for("count-adhesions") == ("jobs.add_batchrun",)


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_only_the_roles_that_may_bill_start_billing_runs(role, as_role) -> None:
    client, user = as_role(role)
    for kind in BILLING_KINDS:
        status, created = _start(client, kind)
        assert created is (role in MAY_BILL), (role, kind, status)
        if role not in MAY_BILL and user.has_perm("jobs.view_batchrun"):
            assert status == 403, (role, kind)


@pytest.mark.django_db
def test_starting_runs_is_not_enough_to_bill(client, django_user_model) -> None:
    from tests.web.conftest import login

    group = Group.objects.create(name="Lots sans facturation")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="jobs", codename__in=["add_batchrun", "view_batchrun"]
        )
    )
    user = django_user_model.objects.create_user("agent.lots", password="x", is_staff=True)
    user.groups.add(group)
    login(client, user)
    for kind in BILLING_KINDS:
        assert _start(client, kind) == (403, False), kind
    status, created = _start(client, "count-adhesions")
    assert created and status == 302
    # the service refuses the same, whoever calls it with a staff member as the actor
    with pytest.raises(framework.NotAllowed, match=r"billing\.run_billing"):
        from mutuelle.web.jobs import services

        services.start_run("sepa-collect", {"on": "2027-01-05"}, actor=user, defer=False)
