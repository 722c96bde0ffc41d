"""The one rounding rule and the euro parsing/formatting at the edges."""

from hypothesis import given
from hypothesis import strategies as st

from mutuelle.money import (
    apply_rate,
    decimal_to_cents,
    format_euros,
    format_rate,
    mul_div_round,
    parse_euros,
)


def test_rounding_is_half_up_to_the_cent() -> None:
    assert mul_div_round(1, 1, 2) == 1  # 0.5 → 1
    assert mul_div_round(3, 1, 2) == 2  # 1.5 → 2 (not banker's 2… nor 1)
    assert mul_div_round(5, 1, 2) == 3  # 2.5 → 3, where round() would give 2
    assert mul_div_round(-5, 1, 2) == -3  # symmetric
    assert apply_rate(3000, 12_500) == 3750  # 125 % BR of 30 €
    assert apply_rate(3345, 200) == 67  # 2 % of 33,45 € = 0,669 → 0,67


@given(st.integers(-(10**9), 10**9), st.integers(0, 10**6), st.integers(1, 10**6))
def test_rounding_error_is_at_most_half_a_cent(amount: int, num: int, den: int) -> None:
    exact = amount * num / den
    assert abs(mul_div_round(amount, num, den) - exact) <= 0.5 + 1e-6 * abs(exact)


def test_parse_french_amounts() -> None:
    assert parse_euros("22,29 €") == 2229
    assert parse_euros("1 700") == 170000
    assert parse_euros("100,5") == 10050
    assert parse_euros("0.05") == 5
    for bad in ("", "abc", "1,234", "12,345", "€"):
        try:
            parse_euros(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_decimal_edges() -> None:
    assert decimal_to_cents("12.30") == 1230
    try:
        decimal_to_cents("0.001")
    except ValueError:
        pass
    else:
        raise AssertionError("three decimals accepted")


@given(st.integers(-(10**9), 10**9))
def test_format_parse_roundtrip(cents: int) -> None:
    assert parse_euros(format_euros(cents).replace("\u202f", " ")) == cents


def test_format_rate() -> None:
    assert format_rate(12_500) == "125 %"
    assert format_rate(250) == "2,5 %"
    assert format_rate(200) == "2 %"
