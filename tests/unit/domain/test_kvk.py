"""Registration numbers: the Dutch KvK number and other countries' numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.kvk import (
    InvalidCountryCodeError,
    InvalidRegistrationNumberError,
    normalise_country_code,
    normalise_registration_number,
)
from registry.errors import InvalidInputError


@pytest.mark.parametrize(
    ("country", "number", "normalised"),
    [
        ("NL", "12345678", "12345678"),
        ("nl", " 1234 5678 ", "12345678"),
        ("NL", "12.34.56.78", "12345678"),
        ("NL", "01234567", "01234567"),  # leading zeros are part of the number
        ("DE", "hrb 12345", "HRB12345"),
        ("GB", "sc123456", "SC123456"),
        ("be", "0123-456-789", "0123-456-789"),
        ("FR", "X" * 32, "X" * 32),
    ],
)
def test_normalise_registration_number(country: str, number: str, normalised: str) -> None:
    assert normalise_registration_number(country, number) == normalised


@pytest.mark.parametrize(
    ("country", "number", "message"),
    [
        ("NL", "1234567", "a Dutch KvK number has 8 digits, got 7"),
        ("NL", "123456789", "a Dutch KvK number has 8 digits, got 9"),
        ("NL", "", "a Dutch KvK number has 8 digits, got 0"),
        ("NL", "1234-5678", "a Dutch KvK number has only digits, spaces and dots, got '1234-5678'"),
        ("NL", "1234567a", "only digits, spaces and dots"),
        ("NL", "1234567\u0663", "only digits"),  # an Arabic-Indic digit is no KvK digit
        ("DE", "", "a registration number has 1 to 32 characters of A-Z, 0-9 and hyphens"),
        ("DE", "   ", "1 to 32 characters"),
        ("DE", "X" * 33, "1 to 32 characters"),
        ("DE", "HRB/12345", "got 'HRB/12345'"),
        ("DE", "H\u00c9B1", "1 to 32 characters"),
        ("DE", "stra\u00dfe", "1 to 32 characters"),  # not read as STRASSE
    ],
)
def test_refused_numbers_say_why(country: str, number: str, message: str) -> None:
    with pytest.raises(InvalidRegistrationNumberError) as caught:
        normalise_registration_number(country, number)
    assert isinstance(caught.value, InvalidInputError)
    assert message in caught.value.detail


@pytest.mark.parametrize(
    "country", ["", "N", "NLD", "N1", "1L", "\u00d1L", "N L", "\u00df", "\ufb00"]
)
def test_country_must_have_the_iso_shape(country: str) -> None:
    with pytest.raises(InvalidCountryCodeError, match="ISO 3166-1 code of two letters, like NL"):
        normalise_registration_number(country, "12345678")


def test_country_code_is_uppercased() -> None:
    assert normalise_country_code(" be ") == "BE"


@given(digits=st.from_regex(r"[0-9]{8}", fullmatch=True), data=st.data())
def test_any_spacing_of_eight_digits_is_the_same_kvk_number(
    digits: str, data: st.DataObject
) -> None:
    typed = "".join(digit + data.draw(st.sampled_from(["", "", " ", "."])) for digit in digits)
    assert normalise_registration_number("NL", typed) == digits


@given(number=st.from_regex(r"[A-Za-z0-9-]{1,32}", fullmatch=True))
def test_other_numbers_are_idempotent(number: str) -> None:
    once = normalise_registration_number("DE", number)
    assert once == number.upper()
    assert normalise_registration_number("DE", once) == once
