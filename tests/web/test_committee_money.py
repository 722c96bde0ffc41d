"""The money indicators read the journal (issue 13): the P/C of convention art. 2.2 and the
spending by care category, from entries of the kinds billing and claims post, worked by hand —
including the revision table's edges (exactly 110 %, just above, beyond the last row). Until
both billing and claims post, each figure says plainly that it is not there yet."""

from __future__ import annotations

import datetime as dt

import pytest

from mutuelle.journal import AccountKind
from mutuelle.journal.model import Account, Entry, EntryKind, Posting
from mutuelle.money import format_euros
from mutuelle.offers import load_offer
from mutuelle.reporting.facts import UNAVAILABLE_CLAIMS
from mutuelle.web.journal.services import post
from mutuelle.web.members import demo
from mutuelle.web.members.enums import AdhesionStatus
from mutuelle.web.members.models import Adhesion
from mutuelle.web.reporting import models as m
from mutuelle.web.reporting import services

TODAY = dt.date(2026, 11, 23)
D = dt.date
QUARTERS = [(D(2025, 1, 1), D(2025, 3, 31)), (D(2025, 4, 1), D(2025, 6, 30))]
QUARTERS += [(D(2025, 7, 1), D(2025, 9, 30)), (D(2025, 10, 1), D(2025, 12, 31))]
RANGE, FORMULA = "residents", "Vercors"


@pytest.fixture
def population(db) -> list[str]:
    demo.load_demo(
        load_offer("grenoble-2025"), households=300, today=TODAY, progress=lambda s: None
    )
    numbers = list(
        Adhesion.objects.filter(status=AdhesionStatus.ACTIVE, range=RANGE).values_list(
            "number", flat=True
        )[:20]
    )
    assert len(numbers) == 20
    return numbers


def acc(kind: AccountKind, adhesion: str | None = None) -> Account:
    return Account(kind, adhesion=adhesion)


def call_contributions(number: str, ht_cents: int, tsa_cents: int) -> None:
    """Billing's quarterly call: the member owes the TTC; income HT and the TSA are credited."""
    for i, (start, end) in enumerate(QUARTERS, start=1):
        post(
            Entry(
                f"test-call-{i}",
                EntryKind.contribution_call,
                start,
                start,
                end,
                (
                    Posting(acc(AccountKind.member_contributions, number), ht_cents + tsa_cents),
                    Posting(acc(AccountKind.contributions), -ht_cents, RANGE, FORMULA),
                    Posting(acc(AccountKind.tax_tsa), -tsa_cents, RANGE, FORMULA),
                ),
                "Règlement particuliers (cotisations)",
                "appel trimestriel (test)",
            )
        )


def settle_benefits(numbers: list[str], cents: list[int]) -> None:
    """Claims' settlements: a benefit in a care category for one household each."""
    for i, (number, amount) in enumerate(zip(numbers, cents, strict=True)):
        day = QUARTERS[i % 4][0] + dt.timedelta(days=10)
        post(
            Entry(
                f"test-benefit-{i}",
                EntryKind.benefit_settled,
                day,
                day,
                day,
                (
                    Posting(acc(AccountKind.benefits), amount, RANGE, FORMULA, "hospitalisation"),
                    Posting(acc(AccountKind.benefits_payable, number), -amount),
                ),
                "Tableau de garanties (hospitalisation)",
                "prestation (test)",
            )
        )


def pay_fmt(cents: int) -> None:
    post(
        Entry(
            "test-fmt-2025",
            EntryKind.benefit_settled,
            D(2025, 12, 31),
            D(2025, 1, 1),
            D(2025, 12, 31),
            (
                Posting(acc(AccountKind.forfait_medecin_traitant), cents),
                Posting(acc(AccountKind.bank), -cents),
            ),
            "Forfait patientèle médecin traitant",
            "FMT 2025 (test)",
        )
    )


def loadings(rate_bp: int) -> None:
    m.LoadingsRate.objects.create(
        valid_from=D(2025, 1, 1), rate_bp=rate_bp, source="note technique de la Mutuelle (test)"
    )


def pc_table(period: str):
    report = services.preview(period, services.compute_all(TODAY))
    section = report.section("pc")
    assert not section.unavailable, section.unavailable
    (table,) = section.tables
    assert table.total is not None
    label, cells = table.total
    assert label == "Offre"
    return report, section, dict(zip(table.columns, (c.text for c in cells), strict=True))


def flat(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("extra_cents", "ratio", "answer"),
    [
        # 95 000 € of benefits + 1 800 € of FMT = 96 800 €; 100 000 € HT − 12 % = 88 000 €;
        # 96 800 / 88 000 = 110,00 % exactly: « ne dépassant pas 110 % », no change.
        (0, "110,00 %", "110,00 % ≤ 110 % : les cotisations restent garanties"),
        # 8,80 € more: 96 808,80 / 88 000 = 110,01 %: the first row, at most 6,60 %.
        (880, "110,01 %", "revalorisation d'au plus 6,6 % au 01/01/2026"),
        # 132 008,80 − 96 800 = 35 208,80 € more: 150,01 %, beyond the last row: no cap.
        (3_520_880, "150,01 %", "au-delà de la dernière ligne"),
    ],
)
def test_the_yearly_pc_from_journal_entries_worked_by_hand(
    population, extra_cents: int, ratio: str, answer: str
) -> None:
    call_contributions(population[0], 2_500_000, 331_750)  # 25 000 € HT + TSA 13,27 %
    benefits = [475_000] * 20  # 20 households × 4 750 € = 95 000 €
    benefits[-1] += extra_cents
    settle_benefits(population, benefits)
    pay_fmt(180_000)
    loadings(1200)
    _, section, offer = pc_table("2025")
    assert offer["prestations"] == format_euros(9_500_000 + extra_cents)
    assert flat(offer["forfait médecin traitant"]) == "1 800,00 €"
    assert flat(offer["cotisations HT"]) == "100 000,00 €"
    assert flat(offer["chargements"]) == "12 000,00 €"
    assert offer["P/C"] == ratio
    notes = flat(" ".join(section.notes))
    assert "TSA 13 270,00 €" in notes  # taxes excluded, and shown
    assert "note technique de la Mutuelle (test)" in flat(section.tables[0].note)
    assert "Réponse de la convention" in notes and answer in notes
    # The 2026 freeze of the LFSS 2026 beside the convention's answer for 2026's tariffs.
    assert "À côté, la loi" in notes and "LFSS 2026 art. 13" in notes
    # Every term is shown with its source.
    for term in ("Prestations :", "Forfait médecin traitant :", "Cotisations HT :", "Chargements"):
        assert term in notes
    assert "art. 2.2" in section.source


def test_a_quarter_takes_its_share_of_money_spanning_the_year(population) -> None:
    """Q4 2025: 25 000 € HT, loadings 3 000 €, five benefits of 4 750 € = 23 750 €, the
    year's FMT by days: 1 800 € × 92 / 365 = 453,70 €. (23 750 + 453,70) / 22 000 = 110,02 %."""
    call_contributions(population[0], 2_500_000, 331_750)
    settle_benefits(population, [475_000] * 20)
    pay_fmt(180_000)
    loadings(1200)
    _, section, offer = pc_table("2025-Q4")
    assert flat(offer["forfait médecin traitant"]) == "453,70 €"
    assert flat(offer["prestations"]) == "23 750,00 €"
    assert flat(offer["chargements"]) == "3 000,00 €"
    assert offer["P/C"] == "110,02 %"
    assert "la règle de révision porte sur le ratio annuel" in " ".join(section.notes)
    # The spending by care category: 20 households, so the figure is shown.
    spending = services.preview("2025", services.compute_all(TODAY)).section("spending")
    assert not spending.unavailable
    (table,) = spending.tables
    assert [label for label, _ in table.rows] == ["Hospitalisation"]
    assert flat(table.rows[0][1][-1].text) == "95 000,00 €"
    assert not spending.notes
    # A benefit paid to a professional (tiers payant): no household in the journal. It counts
    # in the P/C, not in the table, and the section says so (without an amount).
    post(
        Entry(
            "test-benefit-tiers-payant",
            EntryKind.benefit_settled,
            D(2025, 11, 3),
            D(2025, 11, 3),
            D(2025, 11, 3),
            (
                Posting(acc(AccountKind.benefits), 12_345, RANGE, FORMULA, "pharmacie"),
                Posting(Account(AccountKind.benefits_payable, party="PHARMA-01"), -12_345),
            ),
            "Tableau de garanties (tiers payant)",
            "prestation en tiers payant (test)",
        )
    )
    report = services.preview("2025", services.compute_all(TODAY))
    (table,) = report.section("spending").tables
    assert flat(table.rows[0][1][-1].text) == "95 000,00 €"
    assert "tiers payant" in report.section("spending").notes[0]
    _, _, offer = pc_table("2025")
    assert offer["prestations"] == format_euros(9_512_345)


def test_billing_without_claims_gives_no_ratio_but_says_why(population) -> None:
    """Billing posts, claims not yet: a P/C of 0 % would be false; the report says the
    benefits are not recorded yet, and so does the spending by care category."""
    call_contributions(population[0], 2_500_000, 331_750)
    loadings(1200)
    report = services.preview("2025", services.compute_all(TODAY))
    assert report.section("pc").unavailable == UNAVAILABLE_CLAIMS
    assert report.section("spending").unavailable == UNAVAILABLE_CLAIMS
    assert not report.section("pc").tables


def test_the_lfss_2026_contribution_is_a_tax_not_income(population) -> None:
    """Q1 2026: 30 000 € HT called with the TSA (13,27 % = 3 981 €) and the LFSS 2026 art. 13
    contribution (2,05 % = 615 €): only the 30 000 € HT enter the P/C; the taxes are shown."""
    post(
        Entry(
            "test-call-2026-q1",
            EntryKind.contribution_call,
            D(2026, 1, 1),
            D(2026, 1, 1),
            D(2026, 3, 31),
            (
                Posting(acc(AccountKind.member_contributions, population[0]), 3_459_600),
                Posting(acc(AccountKind.contributions), -3_000_000, RANGE, FORMULA),
                Posting(acc(AccountKind.tax_tsa), -398_100, RANGE, FORMULA),
                Posting(acc(AccountKind.tax_lfss_2026), -61_500, RANGE, FORMULA),
            ),
            "Règlement particuliers (cotisations) ; LFSS 2026 art. 13",
            "appel du 1er trimestre 2026 (test)",
        )
    )
    post(
        Entry(
            "test-benefit-2026",
            EntryKind.benefit_settled,
            D(2026, 2, 2),
            D(2026, 2, 2),
            D(2026, 2, 2),
            (
                Posting(acc(AccountKind.benefits), 2_640_000, RANGE, FORMULA, "optique"),
                Posting(acc(AccountKind.benefits_payable, population[1]), -2_640_000),
            ),
            "Tableau de garanties (optique)",
            "prestation (test)",
        )
    )
    loadings(1200)
    _, section, offer = pc_table("2026-Q1")
    # 26 400 / (30 000 − 12 % = 26 400) = 100,00 %
    assert flat(offer["cotisations HT"]) == "30 000,00 €"
    assert flat(offer["chargements"]) == "3 600,00 €"
    assert flat(offer["prestations"]) == "26 400,00 €"
    assert offer["P/C"] == "100,00 %"
    notes = flat(" ".join(section.notes))
    assert "TSA 3 981,00 €, LFSS 2026 615,00 €" in notes


def test_a_tiers_payant_settlement_appears_in_its_care_category(population) -> None:
    """Claims' settlements paid to a pharmacy (tiers payant, Règlement particuliers V-8): the
    payable names the professional, the charge names the household (I-221), so the spending
    by care category counts them — 20 households × 45 € = 900 € of « Soins courants »."""
    from mutuelle.claims.postings import Payee, settlement_entry

    call_contributions(population[0], 2_500_000, 331_750)
    for i, number in enumerate(population):
        payee = Payee(number, "PHARMA-38-1", RANGE, FORMULA, "soins_courants")
        entry = settlement_entry(f"t{i}", 1, 4_500, payee, D(2025, 5, 2), D(2025, 5, 9), "test")
        assert entry is not None
        post(entry)
    report = services.preview("2025", services.compute_all(TODAY))
    spending = report.section("spending")
    assert not spending.unavailable
    (table,) = spending.tables
    assert [label for label, _ in table.rows] == ["Soins courants"]
    assert flat(table.rows[0][1][-1].text) == "900,00 €"
    assert not spending.notes  # nothing left out
    # The professional is still the one owed; the charge is the whole account's.
    from mutuelle.web.journal.services import balance_of

    assert balance_of(Account(AccountKind.benefits_payable, party="PHARMA-38-1")) == -90_000
    assert balance_of(Account(AccountKind.benefits)) == 90_000
