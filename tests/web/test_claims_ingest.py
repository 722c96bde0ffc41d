"""Ingesting claim files: settlements stored with their explanation, rejections reported,
exactly once; late lines re-settle, cancellations reverse; the journal says what is owed."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from tests.factories import AdhesionFactory, AffiliationFactory, PersonFactory

from mutuelle.cli import main
from mutuelle.journal import Account, AccountKind
from mutuelle.web.claims.models import ClaimLine, ConsumptionEntry, Rejection, Settlement
from mutuelle.web.journal import services as journal
from mutuelle.web.members.models import Suspension

pytestmark = pytest.mark.django_db

HEADER = [
    "line_id", "source", "emitter", "adhesion_no", "beneficiary_birth_date", "beneficiary_rank",
    "care_date", "act_code", "benefit", "billed_cents", "br_cents", "amo_cents", "pf_cents",
    "dptam",
]  # fmt: skip


@pytest.fixture
def family():
    adhesion = AdhesionFactory(
        formula="Vercors", member=PersonFactory(birth_date=dt.date(1980, 6, 15))
    )
    AffiliationFactory(adhesion=adhesion, spouse=True)
    AffiliationFactory(adhesion=adhesion, person=PersonFactory(birth_date=dt.date(2015, 4, 2)))
    return adhesion


def _row(no: str, lid: str, day: str, code: str = "", benefit: str = "", billed: int = 3000,
         br: int = 3000, amo: int = 2100, rank: int = 1, birth: str = "1980-06-15", pf: int = 0,
         **extra: str) -> dict[str, str]:  # fmt: skip
    row = {
        "line_id": lid, "source": "amo", "emitter": "CPAM38", "adhesion_no": no,
        "beneficiary_birth_date": birth, "beneficiary_rank": str(rank), "care_date": day,
        "act_code": code, "benefit": benefit, "billed_cents": str(billed), "br_cents": str(br),
        "amo_cents": str(amo), "pf_cents": str(pf), "dptam": "",
    }  # fmt: skip
    row.update(extra)
    return row


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    header = HEADER + sorted({k for r in rows for k in r} - set(HEADER))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, delimiter=";")
        w.writeheader()
        w.writerows(rows)
    return path


def _ingest(capsys, path: Path, *more: str) -> dict:
    assert main(["ingest", str(path), "--json", *more]) == 0
    return json.loads(capsys.readouterr().out)


def _current() -> dict[str, int]:
    out: dict[str, int] = {}
    for s in Settlement.objects.select_related("line").order_by("line_id", "version"):
        out[s.line.line_id] = s.mutuelle_cents
    return out


def _check_books() -> None:
    """The charge of benefits equals what the current settlements say, and what is owed."""
    settled = sum(_current().values())
    assert journal.balance_of(Account(AccountKind.benefits)) == settled
    payable = journal.totals(kind=AccountKind.benefits_payable)
    assert -sum(payable.values()) == settled
    assert (Settlement.objects.aggregate(t=Sum("delta_cents"))["t"] or 0) == settled


def test_a_month_file_settles_good_lines_and_reports_the_others(capsys, tmp_path, family) -> None:
    no = family.number
    rows = [
        _row(no, "A1", "2025-03-02", code="G", pf=200),
        _row(no, "A2", "2025-03-02", code="PH7", billed=1240, br=1240, amo=806),
        _row(no, "A3", "2025-03-05", benefit="medecines_douces", billed=6000, br=0, amo=0),
        _row(no, "A1", "2025-03-02", code="G", pf=200),  # the same line twice
        _row(no, "B1", "2025-03-06", code="ZZZ"),  # unknown code
        _row("GR99-999999", "B2", "2025-03-06", code="G"),  # unknown adhesion
        _row(no, "B3", "2025-03-06", code="G", rank=2, birth="1990-01-01"),  # wrong birth date
        _row(no, "B4", "2025-13-06", code="G"),  # malformed date
        _row(no, "C1", "2025-03-07", code="G", rank=3, birth="2015-04-02"),  # the child
    ]
    path = _write(tmp_path / "mars.csv", rows)
    out = _ingest(capsys, path, "--lines-out", str(tmp_path / "out.csv"))
    assert (out["read"], out["settled"], out["rejected"], out["duplicates"]) == (9, 4, 4, 1)
    assert out["to_pay_cents"] == sum(_current().values()) > 0
    # the rejection report names the field and the reason
    with (tmp_path / "mars.rejets.csv").open(encoding="utf-8") as f:
        report = {r["line_id"]: r for r in csv.DictReader(f, delimiter=";")}
    assert set(report) == {"B1", "B2", "B3", "B4"}
    assert report["B1"]["field"] == "act_code" and "inconnu" in report["B1"]["reason"]
    assert report["B2"]["field"] == "adhesion_no"
    assert report["B3"]["field"] == "beneficiary_rank" and "naissance" in report["B3"]["reason"]
    assert report["B4"]["field"] == "care_date"
    assert Rejection.objects.count() == 4
    with (tmp_path / "out.csv").open(encoding="utf-8") as f:
        statuses = [r["status"] for r in csv.DictReader(f, delimiter=";")]
    assert statuses.count("settled") == 4 and statuses.count("duplicate") == 1
    # each settlement keeps its explanation
    s = Settlement.objects.get(line__line_id="A3")
    assert s.mutuelle_cents == 6000 and s.explanation is not None and s.ceilings
    assert ConsumptionEntry.objects.filter(settlement=s).exists()
    _check_books()
    # the same file again: nothing new
    again = _ingest(capsys, path)
    assert again["already_done"] and ClaimLine.objects.count() == 4
    # the same lines in another file: duplicates
    other = _ingest(capsys, _write(tmp_path / "copie.csv", rows[:3]))
    assert other["duplicates"] == 3 and other["settled"] == 0
    _check_books()


def test_a_late_line_re_settles_the_later_ones_of_the_same_ceiling(
    capsys, tmp_path, family
) -> None:
    no = family.number
    douce = {"benefit": "medecines_douces", "billed": 6000, "br": 0, "amo": 0}
    first = [_row(no, "M1", "2025-03-01", **douce), _row(no, "M2", "2025-04-01", **douce)]
    _ingest(capsys, _write(tmp_path / "f1.csv", first))
    assert _current() == {"M1": 6000, "M2": 4000}  # Vercors: 100 € a year
    out = _ingest(capsys, _write(tmp_path / "f2.csv", [_row(no, "M0", "2025-02-01", **douce)]))
    assert out["revised"] == 2
    assert _current() == {"M0": 6000, "M1": 4000, "M2": 0}
    assert out["to_pay_cents"] == 0  # the ceiling was already full: nothing more to pay
    assert Settlement.objects.filter(line__line_id="M2").count() == 2  # v1 kept, v2 added
    _check_books()
    # the ledger after the revision is the fold of the current entries: a later line is refused
    _ingest(capsys, _write(tmp_path / "f3.csv", [_row(no, "M3", "2025-05-01", **douce)]))
    assert _current()["M3"] == 0
    _check_books()


def test_a_cancellation_reverses_and_frees_the_ceiling(capsys, tmp_path, family) -> None:
    no = family.number
    douce = {"benefit": "medecines_douces", "billed": 6000, "br": 0, "amo": 0}
    first = [_row(no, "M1", "2025-03-01", **douce), _row(no, "M2", "2025-04-01", **douce)]
    _ingest(capsys, _write(tmp_path / "f1.csv", first))
    cancel = _row(no, "X1", "", reverses_line_id="M1", billed=0, br=0, amo=0)
    out = _ingest(capsys, _write(tmp_path / "f2.csv", [cancel]))
    assert out["cancelled"] == 1 and out["revised"] == 1
    assert _current() == {"M1": 0, "M2": 6000}
    assert out["to_pay_cents"] == -6000 + 2000
    _check_books()


def test_care_during_a_suspension_is_refused_with_its_reason(capsys, tmp_path, family) -> None:
    Suspension.objects.create(
        adhesion=family,
        starts_at=dt.datetime(2025, 5, 10, tzinfo=dt.UTC),
        ends_at=None,
        source="L.221-7",
        notice_sent_on=dt.date(2025, 4, 10),
    )
    rows = [_row(family.number, "S1", "2025-06-02", code="G")]
    out = _ingest(capsys, _write(tmp_path / "s.csv", rows))
    assert out["settled"] == 1
    s = Settlement.objects.get(line__line_id="S1")
    assert s.status == "refused" and s.mutuelle_cents == 0 and "suspension" in s.reason


def test_a_dry_run_writes_nothing(capsys, tmp_path, family) -> None:
    path = _write(tmp_path / "d.csv", [_row(family.number, "D1", "2025-03-02", code="G")])
    out = _ingest(capsys, path, "--dry-run")
    assert out["settled"] == 1 and out["to_pay_cents"] > 0
    assert ClaimLine.objects.count() == 0 and Settlement.objects.count() == 0


def test_json_lines_and_a_missing_file(capsys, tmp_path, family) -> None:
    path = tmp_path / "l.jsonl"
    line = {"line_id": "J1", "source": "member_invoice", "emitter": family.number,
            "adhesion_no": family.number, "beneficiary_birth_date": "1980-06-15",
            "beneficiary_rank": 1, "care_date": "2025-02-03", "benefit": "medecines_douces",
            "billed_cents": 6000, "br_cents": 0, "amo_cents": 0}  # fmt: skip
    path.write_text(json.dumps(line) + "\n{broken\n", encoding="utf-8")
    out = _ingest(capsys, path)
    assert (out["settled"], out["rejected"]) == (1, 1)
    assert main(["ingest", str(tmp_path / "nope.csv"), "--json"]) == 2
    assert "introuvable" in capsys.readouterr().out


def test_a_cancellation_of_an_unknown_line_or_of_a_line_in_the_same_chunk(
    capsys, tmp_path, family
) -> None:
    no = family.number
    rows = [
        _row(no, "N1", "2025-03-01", code="G"),
        _row(no, "X1", "", reverses_line_id="N1", billed=0, br=0, amo=0),
        _row(no, "X2", "", reverses_line_id="NOPE", billed=0, br=0, amo=0),
    ]
    # the cancellation is settled after its target, in the same chunk; the unknown one rejected
    out = _ingest(capsys, _write(tmp_path / "c.csv", rows))
    assert (out["settled"], out["rejected"], out["cancelled"]) == (2, 1, 1)
    assert out["to_pay_cents"] == 0 and _current()["N1"] == 0
    reasons = dict(Rejection.objects.values_list("line_id", "reason"))
    assert set(reasons) == {"X2"} and "inconnue" in reasons["X2"]
    _check_books()
    # the cancellation first, then its target, a line after it: the same, in order
    late = [
        _row(no, "X3", "", reverses_line_id="N2", billed=0, br=0, amo=0),
        _row(no, "N2", "2025-03-04", code="G"),
        _row(no, "N3", "2025-03-05", code="G"),
    ]
    out = _ingest(capsys, _write(tmp_path / "c2.csv", late))
    assert (out["settled"], out["rejected"], out["cancelled"]) == (3, 0, 1)
    assert _current()["N2"] == 0 and _current()["N3"] > 0
    again = _ingest(capsys, _write(tmp_path / "c2.csv", late))
    assert again["already_done"]
    _check_books()


def test_the_same_act_from_the_amo_and_the_member_s_invoice_is_paid_once(
    capsys, tmp_path, family
) -> None:
    no = family.number
    _ingest(capsys, _write(tmp_path / "amo.csv", [_row(no, "T1", "2025-03-02", code="G")]))
    invoice = _row(no, "F1", "2025-03-02", benefit="generaliste", source="member_invoice")
    out = _ingest(capsys, _write(tmp_path / "facture.csv", [invoice]))
    assert out["rejected"] == 1 and out["settled"] == 0
    assert "autre voie" in Rejection.objects.get(line_id="F1").reason
    _check_books()


def test_the_amo_s_line_for_a_beneficiary_linked_elsewhere_is_not_paid(
    capsys, tmp_path, family
) -> None:
    """I-188: the member's link ended on 1 April; the spouse is linked to another complementary.
    The AMO's lines from those dates are rejected with the reason; care before, the child's
    line and the member's own invoice are paid."""
    from mutuelle.web.claims.models import NoemieLink

    no = family.number
    member = family.member
    spouse = family.affiliations.get(role="spouse").person
    NoemieLink.objects.create(
        adhesion=family, person=member, status="ended", since=dt.date(2025, 4, 1)
    )
    NoemieLink.objects.create(adhesion=family, person=spouse, status="elsewhere")
    spouse_birth = spouse.birth_date.isoformat()
    rows = [
        _row(no, "L1", "2025-03-20", code="G"),  # before the end of the link: paid
        _row(no, "L2", "2025-04-02", code="G"),  # after: rejected
        _row(no, "L3", "2025-04-03", code="G", rank=2, birth=spouse_birth),  # elsewhere
        _row(no, "L4", "2025-04-03", code="G", rank=3, birth="2015-04-02"),  # the child: paid
        _row(
            no,
            "L5",
            "2025-04-04",
            benefit="medecines_douces",
            billed=6000,
            br=0,
            amo=0,
            source="member_invoice",
        ),
    ]
    out = _ingest(capsys, _write(tmp_path / "noemie.csv", rows))
    assert (out["settled"], out["rejected"]) == (3, 2)
    reasons = {r.line_id: r for r in Rejection.objects.all()}
    assert set(reasons) == {"L2", "L3"}
    assert "terminé depuis le 01/04/2025" in reasons["L2"].reason
    assert "autre organisme complémentaire" in reasons["L3"].reason
    assert "remboursé deux fois" in reasons["L3"].reason and reasons["L3"].field == "source"
    assert set(_current()) == {"L1", "L4", "L5"}
    _check_books()


def test_a_tiers_payant_line_names_the_household_on_its_charge_even_when_reversed(
    capsys, tmp_path, family
) -> None:
    """I-221: paid to the pharmacy, the charge posting names the adhesion; its cancellation
    (a later file, history reloaded) mirrors it, so the household's spending nets to 0."""
    from mutuelle.web.journal.models import JournalPosting

    no = family.number
    tp = {"payee": "professional", "practitioner_id": "PHARMA-38-1",
          "professional_iban": "FR1420041010050500013M02606"}  # fmt: skip
    line = _row(no, "P1", "2025-03-02", code="PH7", billed=1240, br=1240, amo=806, **tp)
    _ingest(capsys, _write(tmp_path / "p1.csv", [line]))
    charge = JournalPosting.objects.filter(account="benefits", adhesion=no)
    assert charge.count() == 1 and charge.get().cents == _current()["P1"] > 0
    payable = Account(AccountKind.benefits_payable, party="PHARMA-38-1")
    assert journal.balance_of(payable) == -_current()["P1"]
    cancel = _row(no, "X1", "", reverses_line_id="P1", billed=0, br=0, amo=0)
    _ingest(capsys, _write(tmp_path / "p2.csv", [cancel]))
    assert charge.count() == 2 and sum(p.cents for p in charge) == 0
    assert journal.balance_of(payable) == 0
    _check_books()


def test_a_settled_benefit_is_charged_to_its_care_category(capsys, tmp_path, family) -> None:
    """The committee's spending by care category (convention art. 5, 5th indicator) reads the
    guarantee table's category on the benefit's postings, never the benefit code."""
    from mutuelle.web.journal.models import JournalPosting

    no = family.number
    rows = [
        _row(no, "K1", "2025-03-02", code="G", pf=200),
        _row(no, "K2", "2025-03-05", benefit="medecines_douces", billed=6000, br=0, amo=0),
    ]
    _ingest(capsys, _write(tmp_path / "k.csv", rows))
    categories = set(
        JournalPosting.objects.filter(account=AccountKind.benefits.value).values_list(
            "care_category", flat=True
        )
    )
    assert categories == {"soins_courants", "prevention_bien_etre"}


def test_the_database_refuses_to_rewrite_lines_settlements_and_consumption(
    capsys, tmp_path, family
) -> None:
    """Append-only behind the ORM's back too, on SQLite as on PostgreSQL (SQLite's tables
    rebuilt by claims migrations 0003/0004 had lost their triggers: migration 0006)."""
    no = family.number
    douce = {"benefit": "medecines_douces", "billed": 6000, "br": 0, "amo": 0}
    _ingest(capsys, _write(tmp_path / "f.csv", [_row(no, "A1", "2025-03-02", **douce)]))
    assert ConsumptionEntry.objects.exists()
    for table in ("claims_claimline", "claims_settlement", "claims_consumptionentry"):
        for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)
    assert ClaimLine.objects.count() == 1
