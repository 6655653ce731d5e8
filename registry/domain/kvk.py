"""Organisation registration numbers, normalised so that search and uniqueness agree.

For the Netherlands the number is the 8-digit KvK (Chamber of Commerce) number, often
written with spaces or dots (``12.34.56.78``). Other countries' registers differ too much
to check, so their numbers are only kept to a safe, searchable shape.
"""

from __future__ import annotations

import re
from typing import Final

from registry.errors import InvalidInputError

_COUNTRY: Final = re.compile(r"[A-Z]{2}")
_KVK_LENGTH: Final = 8
_DIGITS: Final = re.compile(r"[0-9]*")
_OTHER: Final = re.compile(r"[A-Z0-9-]{1,32}")


class InvalidCountryCodeError(InvalidInputError):
    """The country is not shaped like an ISO 3166-1 alpha-2 code."""

    rule = "invalid-country-code"


class InvalidRegistrationNumberError(InvalidInputError):
    """The number cannot be a registration number of the given country."""

    rule = "invalid-registration-number"


def normalise_country_code(country: str) -> str:
    """The ISO 3166-1 alpha-2 code in capitals; only its shape is checked, not the list.

    Raises InvalidCountryCodeError unless the text is two letters A to Z.
    """
    # Checked before uppercasing: "ß".upper() is "SS", which would pass as a country.
    code = country.strip()
    if not code.isascii() or not _COUNTRY.fullmatch(code.upper()):
        raise InvalidCountryCodeError(
            f"a country is an ISO 3166-1 code of two letters, like NL, got {country!r}"
        )
    return code.upper()


def normalise_registration_number(country: str, number: str) -> str:
    """The registration number in the form the registry stores and searches.

    NL: exactly 8 digits once spaces and dots are removed. Elsewhere: 1 to 32 characters of
    A-Z, 0-9 and hyphens once uppercased and without spaces. Raises InvalidCountryCodeError
    or InvalidRegistrationNumberError.
    """
    if normalise_country_code(country) == "NL":
        return _kvk_number(number)
    cleaned = "".join(number.split())
    if not cleaned.isascii() or not _OTHER.fullmatch(cleaned.upper()):
        raise InvalidRegistrationNumberError(
            f"a registration number has 1 to 32 characters of A-Z, 0-9 and hyphens, got {number!r}"
        )
    return cleaned.upper()


def _kvk_number(number: str) -> str:
    digits = "".join(number.split()).replace(".", "")
    if not _DIGITS.fullmatch(digits):
        raise InvalidRegistrationNumberError(
            f"a Dutch KvK number has only digits, spaces and dots, got {number!r}"
        )
    if len(digits) != _KVK_LENGTH:
        raise InvalidRegistrationNumberError(
            f"a Dutch KvK number has {_KVK_LENGTH} digits, got {len(digits)}"
        )
    return digits
