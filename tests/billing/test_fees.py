"""The rejection fee of a rejected or returned direct debit (Règlement particuliers III-2-4,
agents Cotisations 2-4: « refacturer les frais de rejet … à l'euro l'euro »; docs I-240…I-243,
G-70), for each range of the offer."""

from __future__ import annotations

import datetime as dt

import pytest

from mutuelle.billing.fees import FeeOutcome, fee_entry, fee_key, rejection_fee
from mutuelle.journal import AccountKind, EntryKind
from mutuelle.sepa import reason


@pytest.mark.parametrize(
    ("range_id", "outcome", "article"),
    [
        ("residents", FeeOutcome.CALLED, "III-2-4"),
        ("students", FeeOutcome.CALLED, "III-2-4"),
        ("agents", FeeOutcome.CALLED, "Cotisations 2-4"),
        ("tns", FeeOutcome.NOT_IN_REGLEMENT, "Article 10"),
    ],
)
def test_the_charge_is_called_to_the_cent_where_the_reglement_gives_the_right(
    offer, range_id, outcome, article
) -> None:
    fee = rejection_fee(offer, range_id, charge_cents=837, reason=reason("AM04"))
    assert fee.outcome is outcome
    assert fee.cents == (837 if outcome is FeeOutcome.CALLED else 0)
    assert article in fee.source and fee.note


def test_no_charge_said_no_fee_and_the_banks_or_our_fault_no_fee(offer) -> None:
    for charge in (None, 0):
        fee = rejection_fee(offer, "residents", charge_cents=charge, reason=reason("AM04"))
        assert fee.outcome is FeeOutcome.NO_CHARGE and fee.cents == 0 and "G-70" in fee.source
    for code in ("FF01", "AM05", "TM01", "ED05"):
        fee = rejection_fee(offer, "residents", charge_cents=500, reason=reason(code))
        assert fee.outcome is FeeOutcome.NOT_MEMBERS_DOING and fee.cents == 0, code
    for code in ("AM04", "MS02", "AC04", "MD06", "MD01"):  # the member's side
        assert rejection_fee(offer, "residents", charge_cents=500, reason=reason(code)).called


def test_the_fee_entry_is_balanced_and_keyed_by_the_return(offer) -> None:
    r = reason("AM04")
    fee = rejection_fee(offer, "residents", charge_cents=750, reason=r)
    args = dict(
        adhesion="GR25-000001",
        end_to_end_id="MC-E2E-1",
        reason=r,
        stage="reject",
        stage_label="rejet avant règlement",
        on=dt.date(2027, 1, 6),
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 1, 31),
    )
    entry = fee_entry(fee, **args)  # type: ignore[arg-type]
    assert entry is not None and entry.kind is EntryKind.fee_called
    assert entry.key == fee_key("MC-E2E-1", "AM04", "reject")
    assert {(p.account.kind, p.cents) for p in entry.postings} == {
        (AccountKind.member_contributions, 750),
        (AccountKind.fees, -750),
    }
    assert "7,50 €" in entry.memo and "III-2-4" in entry.source
    tns = rejection_fee(offer, "tns", charge_cents=750, reason=r)
    assert fee_entry(tns, **args) is None  # type: ignore[arg-type]


def test_the_fee_articles_cited_say_what_the_reading_says(seed_lines) -> None:
    """The lines ``billing.yaml`` cites for the fee hold the sentences I-240 and I-241 read."""
    from mutuelle.billing.rates import articles, rejection_fee_allowed

    said = {doc: seed_lines[arts["fees"][1] - 1] for doc, arts in articles().items()}
    for doc in ("annexe1", "annexe2"):
        assert "refacturer les frais de rejet de prélèvement" in said[doc]
        assert rejection_fee_allowed(doc)
    assert "FRAIS DE GESTION" in said["annexe3"] and not rejection_fee_allowed("annexe3")
    assert "Conditions Particulières" in seed_lines[articles()["annexe3"]["fees"][1] + 1]
    with pytest.raises(KeyError, match="non renseigné"):
        rejection_fee_allowed("annexe9")
