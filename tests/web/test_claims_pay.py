"""Paying benefits: one validated pain.001.001.09, paid once (rerun, crash), rejects owed again;
paid + due = settled to the cent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tests.factories import AdhesionFactory, PersonFactory
from tests.web.test_claims_ingest import _row, _write

from mutuelle import sepa
from mutuelle.cli import main
from mutuelle.sepa import bank
from mutuelle.web.claims import payouts
from mutuelle.web.claims.models import Payment, PaymentBatch
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalEntry
from mutuelle.web.payments import returns
from mutuelle.web.payments.models import SepaFile

pytestmark = pytest.mark.django_db
IBAN = "FR7630006000011234567890189"
PRO_IBAN = "FR1420041010050500013M02606"


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"


@pytest.fixture
def family():
    return AdhesionFactory(
        formula="Vercors",
        member=PersonFactory(birth_date=dt.date(1980, 6, 15)),
        iban=IBAN,
        account_holder="Claire Martin",
    )


def _run(capsys, *args: str) -> dict:
    code = main([*args, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    return out


def _books_hold() -> None:
    t = payouts.totals()
    assert t["paid_cents"] + t["due_cents"] == t["settled_cents"]


def _month(capsys, tmp_path: Path, family, name: str, day: str) -> dict:
    rows = [
        _row(family.number, f"{name}-1", day, code="G", pf=200),
        _row(family.number, f"{name}-2", day, benefit="medecines_douces", billed=3000, br=0, amo=0),
        _row(family.number, f"{name}-3", day, code="PH7", billed=1240, br=1240, amo=806,
             payee="professional", practitioner_id="PHARMA-38-1", professional_iban=PRO_IBAN),
    ]  # fmt: skip
    return _run(capsys, "ingest", str(_write(tmp_path / f"{name}.csv", rows)))


def test_pay_once_then_the_same_file_again_and_only_what_is_new_later(capsys, tmp_path, family):
    got = _month(capsys, tmp_path, family, "mars", "2025-03-02")
    out = _run(capsys, "pay", "--date", "2025-04-02", "--out", str(tmp_path / "v1.xml"))
    assert out["transfers"] == 2 and out["total_cents"] == got["to_pay_cents"] > 0
    xml = (tmp_path / "v1.xml").read_bytes()
    assert b"pain.001.001.09" in xml and IBAN.encode() in xml and PRO_IBAN.encode() in xml
    assert out["due_cents"] == 0
    _books_hold()
    # the same date again: the same file, nothing paid twice
    again = _run(capsys, "pay", "--date", "2025-04-02", "--out", str(tmp_path / "v1b.xml"))
    assert again["already_paid"] and (tmp_path / "v1b.xml").read_bytes() == xml
    assert Payment.objects.count() == 2 and SepaFile.objects.count() == 1
    # another date without new settlements: nothing
    empty = _run(capsys, "pay", "--date", "2025-04-09", "--out", str(tmp_path / "v2.xml"))
    assert empty["transfers"] == 0 and empty["file"] is None
    # a new month: only what is new
    got2 = _month(capsys, tmp_path, family, "avril", "2025-04-10")
    later = _run(capsys, "pay", "--date", "2025-05-02", "--out", str(tmp_path / "v3.xml"))
    assert later["total_cents"] == got2["to_pay_cents"]
    _books_hold()


def test_a_pay_run_that_crashes_midway_leaves_nothing_and_the_rerun_pays_once(
    capsys, tmp_path, family, monkeypatch
):
    _month(capsys, tmp_path, family, "mars", "2025-03-02")

    def boom(*a, **k):
        raise RuntimeError("arrêt brutal")

    monkeypatch.setattr(journal, "post_many", boom)
    with pytest.raises(RuntimeError):
        payouts.pay(dt.date(2025, 4, 2))
    monkeypatch.undo()
    assert not Payment.objects.exists() and not SepaFile.objects.exists()
    assert not PaymentBatch.objects.filter(status="done").exists()
    out = _run(capsys, "pay", "--date", "2025-04-02", "--out", str(tmp_path / "v.xml"))
    assert out["transfers"] == 2 and Payment.objects.count() == 2
    _books_hold()


def test_a_rejected_transfer_is_owed_again(capsys, tmp_path, family):
    _month(capsys, tmp_path, family, "mars", "2025-03-02")
    result = payouts.pay(dt.date(2025, 4, 2))
    record = result.batch.sepa_file
    member = Payment.objects.get(payable_adhesion=family.number)
    document = sepa.SepaDocument(
        kind=sepa.FileKind(record.kind), schema=record.schema, message_id=record.message_id,
        date=record.date, count=record.count, control_sum_cents=record.control_sum_cents,
        sha256=record.sha256, batches=(), xml=(tmp_path / "sepa" / str(record.path)).read_bytes(),
    )  # fmt: skip
    data = bank.status_report(document, {member.end_to_end: "AC04"}, message_id="BNK-9",
                              created_at=dt.datetime(2025, 4, 3))  # fmt: skip
    returns.import_bank_returns(data, name="rejets.xml")
    member.refresh_from_db()
    assert member.status == "returned"
    assert {d.label: d.cents for d in payouts.dues()} == {family.number: member.cents}
    _books_hold()
    # the next run pays it again (once the IBAN is right)
    out = _run(capsys, "pay", "--date", "2025-04-16", "--out", str(tmp_path / "v.xml"))
    assert out["transfers"] == 1 and out["total_cents"] == member.cents
    _books_hold()


def test_an_undue_after_a_cancellation_is_recovered_from_later_settlements(
    capsys, tmp_path, family
):
    _month(capsys, tmp_path, family, "mars", "2025-03-02")
    payouts.pay(dt.date(2025, 4, 2))
    cancel = _row(family.number, "X", "", reverses_line_id="mars-2", billed=0, br=0, amo=0)
    _run(capsys, "ingest", str(_write(tmp_path / "x.csv", [cancel])))
    out = _run(capsys, "pay", "--date", "2025-04-09", "--out", str(tmp_path / "v.xml"))
    assert out["undue"] == [{"payee": family.number, "cents": 3000}] and out["transfers"] == 0
    _books_hold()
    # a later settlement of 30 € + 9 € … is first set against what the member owes
    got = _month(capsys, tmp_path, family, "mai", "2025-05-05")
    later = _run(capsys, "pay", "--date", "2025-05-20", "--out", str(tmp_path / "w.xml"))
    member = Payment.objects.filter(payable_adhesion=family.number).order_by("-id").first()
    assert member is not None and member.cents == got["to_pay_cents"] - 3000 - 1240 + 806
    assert later["undue"] == []
    kinds = list(
        JournalEntry.objects.filter(kind__startswith="undue").values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["undue_found", "undue_recovered"]
    _books_hold()
