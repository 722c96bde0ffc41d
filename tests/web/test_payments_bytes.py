"""The pain.008 of a fixed population, byte for byte: issue 10's speed work (mandates read as
plain rows, transactions inserted by COPY) changed no byte of the file. The digests were taken
with the code before that work (the file of 2 December 2026, commit 05c034f)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone
from tests.factories import AdhesionFactory, PersonFactory

from mutuelle.web.payments import services
from mutuelle.web.payments.models import SepaTransaction

D = dt.date

IBANS = (
    "FR7630006000011234567890189",
    "FR1420041010050500013M02606",
    "FR7630004000031234567890143",
)
GOLDEN = {
    "first": "24704530515452610f1c412e98e484baec372718a0ce03aec5140786d7b517a0",
    "second": "26a848d3318d0b177c9b317f951e0e6690e146edfcd709cf59bc25b10df0fd05",
}


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"


def _population() -> list:
    mandates = []
    for i, (last, city) in enumerate((("Martin", "Grenoble"), ("Durand", ""), ("Petit", "Eybens"))):
        member = PersonFactory(
            last_name=last,
            first_name="Claire",
            city=city,
            postcode="38000" if city else "",
            address=f"{i + 1} rue des Alpes" if city else "",
        )
        adhesion = AdhesionFactory(number=f"GR25-{900 + i:06d}", member=member)
        mandates.append(
            services.create_mandate(
                adhesion, iban=IBANS[i], debtor_name=f"{last} Claire", signed_on=D(2024, 12, 10)
            )
        )
    return mandates


def _produce(mandates, day: dt.date, tag: str):
    record, _ = services.produce_debit_file(
        day,
        [
            services.DebitInstruction(m.pk, 9_811 + i, f"{tag}:{i}", f"Cotisation {day:%m/%Y}")
            for i, m in enumerate(mandates)
        ],
        idempotency_key=f"bytes:{tag}",
    )
    return record


def test_the_files_bytes_are_those_of_the_code_before_issue_10s_speed_work(db, monkeypatch) -> None:
    monkeypatch.setattr(timezone, "localtime", lambda *a: dt.datetime(2025, 1, 2, 10, 30))
    mandates = _population()
    first = _produce(mandates, D(2025, 1, 6), "first")
    # An account change inside the same bank, one to another bank (SMNDA, FRST again).
    services.change_account(mandates[0], iban="FR7630006000000000000000749", on=D(2025, 1, 20))
    services.change_account(mandates[2], iban=IBANS[1], on=D(2025, 1, 20))
    second = _produce(mandates, D(2025, 2, 5), "second")
    digests = {
        "first": hashlib.sha256(services.file_bytes(first)).hexdigest(),
        "second": hashlib.sha256(services.file_bytes(second)).hexdigest(),
    }
    xml = services.file_bytes(second)
    assert xml.count(b"<AmdmntInd>true</AmdmntInd>") == 2 and b"SMNDA" in xml
    assert digests == GOLDEN
    stored = SepaTransaction.objects.filter(file=second).order_by("reference")
    assert [(t.sequence, t.amount_cents, t.mandate_id) for t in stored] == [
        ("RCUR", 9_811, mandates[0].pk),
        ("RCUR", 9_812, mandates[1].pk),
        ("FRST", 9_813, mandates[2].pk),
    ]
