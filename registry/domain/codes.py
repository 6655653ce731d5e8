"""Certificate codes: public, unguessable and safe to type.

A code is ``TL-`` and eight random characters of Crockford's base32 (digits and capitals
without I, L, O, U), then one check character by the Luhn mod N algorithm with N = 32 over
the same alphabet, e.g. ``TL-7K3Q-9XPM-X``. The eight random characters carry 40 bits.

Luhn mod 32 detects every single-character substitution. It detects every transposition of
two adjacent characters except one pair: ``0`` and ``Z`` (the values 0 and 31), the same
blind spot as ``09``/``90`` in decimal Luhn.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Final, NewType

from registry.errors import InvalidInputError

CertificateCode = NewType("CertificateCode", str)
"""A code in its canonical form ``TL-XXXX-XXXX-C``."""

ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX: Final = "TL"
BODY_LENGTH: Final = 8
_N: Final = len(ALPHABET)
_VALUE: Final = {char: value for value, char in enumerate(ALPHABET)}
# Crockford's decoding: letters that look like digits are read as those digits.
_READINGS: Final = {"I": "1", "L": "1", "O": "0"}
# People copy codes from documents that turn the hyphen into a typographic dash.
_SEPARATORS: Final = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")
_EXPLICIT_PREFIX: Final = re.compile(r"\s*TL\s*[-\u2010\u2011\u2012\u2013\u2014\u2212\s]", re.I)


class InvalidCodeError(InvalidInputError):
    """The text is not a certificate code, or its check character shows a typo."""

    rule = "invalid-certificate-code"


def check_char(body: str) -> str:
    """The Luhn mod 32 check character of an 8-character canonical body.

    Raises InvalidCodeError when the body is not 8 characters of the alphabet.
    """
    if len(body) != BODY_LENGTH or any(char not in _VALUE for char in body):
        raise InvalidCodeError(
            f"a code body is {BODY_LENGTH} characters of {ALPHABET}, got {body!r}"
        )
    return ALPHABET[(_N - _luhn_sum(body, factor=2)) % _N]


def new_code(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> CertificateCode:
    """A fresh random code; ``random_bytes`` is injectable so that tests are repeatable.

    Five bytes give exactly eight 5-bit characters, so every character is uniform with no
    modulo bias.
    """
    raw = random_bytes(5)
    if len(raw) != 5:
        raise ValueError(f"random_bytes(5) returned {len(raw)} bytes")
    bits = int.from_bytes(raw, "big")
    body = "".join(ALPHABET[(bits >> shift) & 0x1F] for shift in range(35, -1, -5))
    return _format(body + check_char(body))


def normalise_code(text: str) -> CertificateCode:
    """The canonical code for what a person typed or pasted.

    Case, spaces and hyphens are ignored, I and L are read as 1 and O as 0, and the ``TL``
    prefix is optional. Raises InvalidCodeError naming what is wrong: a character outside
    the alphabet, the wrong number of characters, or a check character that does not match.
    """
    chars = _strip_prefix(text, _clean(text))
    for char in chars:
        if char not in _VALUE and char not in _READINGS:
            raise InvalidCodeError(
                f"a certificate code has only digits and the letters A to Z without U, got {char!r}"
            )
    if len(chars) != BODY_LENGTH + 1:
        raise InvalidCodeError(
            f"a certificate code has {BODY_LENGTH + 1} characters after {PREFIX}-, got {len(chars)}"
        )
    canonical = "".join(_READINGS.get(char, char) for char in chars)
    if _luhn_sum(canonical, factor=1) % _N != 0:
        raise InvalidCodeError("check character does not match: the code was probably mistyped")
    return _format(canonical)


def is_code_like(text: str) -> bool:
    """Whether search should treat the text as an attempt at a code rather than a name.

    True for a ``TL-`` (or ``TL ``) prefix followed by seven to eleven letters and digits,
    for ``TL`` directly followed by nine, and for nine bare characters whose check character
    matches. A mistyped code with its prefix counts, so that search can say what is wrong
    with it; a bare nine-letter word rarely passes the check (1 in 32). It is a guess: a
    name such as "TL Webshop" also looks like a code, so search should fall back to names
    when normalise_code refuses the text.
    """
    chars = _clean(text)
    if not chars.isascii() or not chars.isalnum():
        return False
    if _EXPLICIT_PREFIX.match(text):
        return abs(len(chars) - len(PREFIX) - (BODY_LENGTH + 1)) <= 2
    if chars.startswith(PREFIX) and len(chars) == len(PREFIX) + BODY_LENGTH + 1:
        return True
    if len(chars) == BODY_LENGTH + 1:
        try:
            normalise_code(chars)
        except InvalidCodeError:
            return False
        return True
    return False


def _clean(text: str) -> str:
    """Uppercase, without whitespace and hyphens; non-ASCII stays so it can be refused."""
    return "".join(
        char.upper() if char.isascii() else char
        for char in text
        if not char.isspace() and char not in _SEPARATORS
    )


def _strip_prefix(text: str, chars: str) -> str:
    """Drop the TL prefix; nine characters without a separator after TL are a bare code.

    A person may type l for 1, so a bare code can start with TL: without ``TL-`` or ``TL ``
    in the text, only a length other than nine shows that TL is the prefix.
    """
    if _EXPLICIT_PREFIX.match(text) or (chars.startswith(PREFIX) and len(chars) != BODY_LENGTH + 1):
        return chars[len(PREFIX) :]
    return chars


def _luhn_sum(chars: str, *, factor: int) -> int:
    """Luhn mod N sum from the right, starting with ``factor`` (2 to compute, 1 to check)."""
    total = 0
    for char in reversed(chars):
        addend = factor * _VALUE[char]
        total += addend // _N + addend % _N
        factor = 3 - factor
    return total


def _format(chars: str) -> CertificateCode:
    return CertificateCode(f"{PREFIX}-{chars[:4]}-{chars[4:8]}-{chars[8]}")
