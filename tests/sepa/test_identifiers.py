"""IBAN, BIC, ICS and RUM: what staff type is checked, and refused in French."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutuelle.sepa import (
    SepaError,
    SepaErrorCode,
    check_bic,
    check_creditor_id,
    check_iban,
    check_rum,
    make_rum,
)
from mutuelle.sepa.text import sepa_text

from .helpers import french_iban


def test_a_french_iban_gets_its_bic_from_the_bank_registry() -> None:
    account = check_iban("fr76 3000 6000 0112 3456 7890 189")
    assert account.iban == "FR7630006000011234567890189"
    assert account.bic == "AGRIFRPPXXX"
    assert account.masked == "FR76 •••• •••• •••• •••• •••• 189"


def test_a_wrong_rib_key_is_refused_even_with_a_valid_mod_97() -> None:
    # Same bank, branch and account as above, RIB key 90 instead of 89: mod 97 recomputed.
    wrong = french_iban("30006000011234567890190")
    with pytest.raises(SepaError) as refused:
        check_iban(wrong)
    assert refused.value.code is SepaErrorCode.IBAN_INVALID
    assert "clé RIB" in refused.value.message


def test_a_mistyped_iban_says_what_is_wrong() -> None:
    with pytest.raises(SepaError, match="clé de contrôle"):
        check_iban("FR7630006000011234567890188")
    with pytest.raises(SepaError, match="longueur"):
        check_iban("FR76300060000112345678901")


def test_a_non_sepa_country_is_refused() -> None:
    with pytest.raises(SepaError, match="zone SEPA"):
        check_iban("BR1800360305000010009795493C1")


def test_a_given_bic_is_checked() -> None:
    assert check_iban("FR7630006000011234567890189", "agrifrpp").bic == "AGRIFRPP"
    with pytest.raises(SepaError, match="BIC"):
        check_bic("AGRIFR")


def test_the_creditor_identifier_is_checked_with_its_key() -> None:
    assert check_creditor_id("fr 76 zzz 000000") == "FR76ZZZ000000"
    with pytest.raises(SepaError) as refused:
        check_creditor_id("FR00ZZZ000000")
    assert refused.value.code is SepaErrorCode.ICS_INVALID


def test_the_rum_of_an_adhesion() -> None:
    assert make_rum("GR25-000001", 1) == "MC-GR25-000001-01"
    assert make_rum("DEM25-000123", 2) == "MC-DEM25-000123-02"
    with pytest.raises(SepaError):
        check_rum("MC GR25")  # a space is not allowed in an identifier
    with pytest.raises(SepaError):
        check_rum("X" * 36)


@given(st.text(max_size=200))
def test_free_text_always_fits_the_sepa_character_set(text: str) -> None:
    cleaned = sepa_text(text, 70)
    assert len(cleaned) <= 70
    assert all(c.isascii() and (c.isalnum() or c in "/-?:().,'+ ") for c in cleaned)


def _transliterated(value: str, max_length: int) -> str:
    """The text's cleaning done in full, as sepa_text does for a text outside the set."""
    import re

    from text_unidecode import unidecode

    text = re.sub(r"[^A-Za-z0-9/\-?:().,'+ ]", " ", unidecode(value))
    return re.sub(r" {2,}", " ", text).strip()[:max_length].rstrip()


@given(
    st.one_of(
        st.text(max_size=160),
        st.text(alphabet="abcXYZ019/-?:().,'+ ", max_size=160),  # the set: the quick path
    ),
    st.integers(1, 140),
)
def test_a_text_already_in_the_set_is_kept_as_the_full_cleaning_would(
    text: str, max_length: int
) -> None:
    assert sepa_text(text, max_length) == _transliterated(text, max_length)


@given(st.from_regex(r"[A-Z0-9]{1,12}-[0-9]{6}", fullmatch=True), st.integers(1, 99))
def test_every_generated_rum_is_a_valid_sepa_identifier(number: str, n: int) -> None:
    rum = make_rum(number, n)
    assert check_rum(rum) == rum
    assert len(rum) <= 35
