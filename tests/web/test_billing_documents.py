"""The call's PDF (schedule) and the yearly payment certificate, through the documents app."""

from __future__ import annotations

import datetime as dt

import pytest

from mutuelle.documents import DocumentKind
from mutuelle.web.billing import services
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.members.models import Adhesion


@pytest.mark.django_db
def test_call_pdfs_and_attestations_as_batch_runs(martin) -> None:
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="transfer", payment_frequency="monthly"
    )
    framework.run(
        jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)[0].pk
    )
    run, _ = jobs.start_run("billing-documents", {"year": 2027, "kind": "call"}, defer=False)
    result = framework.run(run.pk).result
    assert result["documents"] == 1
    # the run says its rate, and what the city's 30 000 would take at that rate
    assert result["documents_per_second"] > 0
    assert result["minutes_for_30000"] == round(30_000 / (1000 / result["work_ms"]) / 60, 1)
    pdf = ProducedDocument.objects.get(adhesion=martin, kind=DocumentKind.echeancier)
    assert pdf.title.startswith("Appel de cotisation 2027")
    services.record_payment(
        martin, cents=5000, on=dt.date(2027, 3, 1), mode="card", reference="CB1"
    )
    run, _ = jobs.start_run("billing-documents", {"year": 2027, "kind": "attestation"}, defer=False)
    assert framework.run(run.pk).result["documents"] == 1
    # a rerun produces nothing new
    run, _ = jobs.start_run(
        "billing-documents", {"year": 2027, "kind": "call"}, idempotency_key="again", defer=False
    )
    again = framework.run(run.pk).result
    assert again.get("documents", 0) == 0 and "documents_per_second" not in again
    with pytest.raises(framework.ParameterError, match="kind"):
        jobs.start_run("billing-documents", {"year": 2027, "kind": "lettre"}, defer=False)
