"""The décompte: each act of the month per beneficiary with its amounts, reason and ceiling
left, as a PDF through the documents app; the read is logged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.factories import AdhesionFactory, PersonFactory
from tests.web.test_claims_ingest import _row, _write

from mutuelle.cli import main
from mutuelle.web.claims import statements
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.security.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dirs(settings, tmp_path):
    settings.MUTUELLE_DOCUMENTS_DIR = tmp_path / "docs"


def test_a_month_s_decompte_lists_each_act_with_its_reason_and_ceiling(capsys, tmp_path):
    a = AdhesionFactory(formula="Vercors", member=PersonFactory(birth_date=dt.date(1980, 6, 15)))
    douce = {"benefit": "medecines_douces", "billed": 6000, "br": 0, "amo": 0}
    rows = [
        _row(a.number, "M1", "2025-03-01", **douce),
        _row(a.number, "M2", "2025-03-20", **douce),
        _row(a.number, "G1", "2025-03-05", code="G", pf=200),
        _row(a.number, "A1", "2025-04-02", code="G"),
    ]
    assert main(["ingest", str(_write(tmp_path / "m.csv", rows)), "--json"]) == 0
    capsys.readouterr()
    doc = statements.decompte(a, statements.month("2025-03"))
    [section, paid] = doc.sections
    assert paid.title == "Paiements"
    table = section.blocks[0]
    assert [r[0] for r in table.rows] == ["01/03/2025", "05/03/2025", "20/03/2025"]
    second = table.rows[2]
    assert second[4] == "40,00 €" and "reste 0,00 €" in second[7]
    assert second[6]  # the reason of the amount
    out = tmp_path / "d.pdf"
    assert main(["decompte", a.number, "--period", "2025-03", "--out", str(out), "--json"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert json.loads(capsys.readouterr().out)["period"] == "2025-03"
    assert ProducedDocument.objects.filter(kind="decompte").count() == 1
    assert AccessLog.objects.filter(adhesion_number=a.number).exists()
    assert main(["decompte", a.number, "--period", "2025-13", "--out", str(out)]) == 2
    assert main(["decompte", "GR00-000000", "--period", "2025-03", "--out", str(out)]) == 2
