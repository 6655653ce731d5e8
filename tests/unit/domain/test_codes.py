"""Certificate codes: generation, normalisation and what the check character catches."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.codes import (
    ALPHABET,
    CertificateCode,
    InvalidCodeError,
    check_char,
    is_code_like,
    new_code,
    normalise_code,
)
from registry.errors import InvalidInputError

CHECK_FAILED = "check character does not match: the code was probably mistyped"

codes = st.binary(min_size=5, max_size=5).map(lambda raw: new_code(lambda n: raw[:n]))


def chars_of(code: CertificateCode) -> str:
    """The nine characters after TL-, without hyphens."""
    return code[3:].replace("-", "")


def code_of(chars: str) -> str:
    return f"TL-{chars[:4]}-{chars[4:8]}-{chars[8]}"


def test_design_example_is_a_valid_code() -> None:
    assert normalise_code("TL-7K3Q-9XPM-X") == "TL-7K3Q-9XPM-X"
    assert check_char("7K3Q9XPM") == "X"


def test_new_code_uses_the_injected_randomness() -> None:
    assert new_code(lambda n: bytes(n)) == "TL-0000-0000-0"
    assert new_code(lambda n: b"\xff" * n) == "TL-ZZZZ-ZZZZ-" + check_char("ZZZZZZZZ")


def test_new_code_refuses_short_randomness() -> None:
    with pytest.raises(ValueError, match="returned 4 bytes"):
        new_code(lambda n: bytes(4))


def test_new_code_defaults_to_a_secure_source() -> None:
    assert len({new_code() for _ in range(50)}) == 50


@given(raw=st.binary(min_size=5, max_size=5))
def test_each_character_is_five_bits_of_randomness(raw: bytes) -> None:
    """The body is the 40 random bits in base 32: a bijection, so no character is biased."""
    body = chars_of(new_code(lambda n: raw))[:8]
    assert int("".join(f"{ALPHABET.index(c):05b}" for c in body), 2) == int.from_bytes(raw)


@given(code=codes)
def test_every_generated_code_normalises_to_itself(code: CertificateCode) -> None:
    assert normalise_code(code) == code


@given(code=codes, data=st.data())
def test_case_spaces_hyphens_and_lookalike_letters_are_ignored(
    code: CertificateCode, data: st.DataObject
) -> None:
    readings = {"1": "IiLl1", "0": "Oo0"}
    typed = ""
    for char in data.draw(st.sampled_from([code, chars_of(code), "tl" + chars_of(code)])):
        choices = readings.get(char, char + char.lower())
        typed += data.draw(st.sampled_from(choices))
        typed += data.draw(st.sampled_from(["", "", " ", "-", "\u2013", "  "]))
    assert normalise_code(typed) == code


@pytest.mark.parametrize(
    "typed",
    [
        "tl-7k3q-9xpm-x",
        "TL 7K3Q 9XPM X",
        "7K3Q9XPMX",
        "  tl7k3q9xpmx ",
        "TL\u20137K3Q\u20139XPM\u2013X",
    ],
)
def test_written_forms_of_one_code(typed: str) -> None:
    assert normalise_code(typed) == "TL-7K3Q-9XPM-X"


def test_letters_read_as_digits() -> None:
    code = code_of("10" + "234567" + check_char("10234567"))
    assert normalise_code(code.replace("10", "Lo")) == code
    assert normalise_code(code.replace("10", "iO")) == code


def test_nine_characters_starting_with_tl_are_a_bare_code() -> None:
    """A bare code whose body starts with T1 may be typed as TL...; the length decides."""
    body = "T1234567"
    code = code_of(body + check_char(body))
    assert normalise_code("TL234567" + check_char(body)) == code
    assert normalise_code("TL-TL234567" + check_char(body)) == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("TL-7K3Q-9XP", "a certificate code has 9 characters after TL-, got 7"),
        ("TL-7K3Q-9XPM-XX", "a certificate code has 9 characters after TL-, got 10"),
        ("", "a certificate code has 9 characters after TL-, got 0"),
        ("TL-", "a certificate code has 9 characters after TL-, got 0"),
        ("TL-7K3Q-9XPM-U", "only digits and the letters A to Z without U, got 'U'"),
        ("TL-7K3Q/9XPM-X", "got '/'"),
        ("TL-7K3Q-9XPM-\u0131", "got '\u0131'"),  # dotless i uppercases to I: refused, not read
        ("TL-7K3Q-9XPM-Z", CHECK_FAILED),
    ],
)
def test_errors_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(InvalidCodeError, match=message) as caught:
        normalise_code(typed)
    assert isinstance(caught.value, InvalidInputError)
    assert caught.value.detail.endswith(message)


@pytest.mark.parametrize("body", ["7K3Q9XP", "7K3Q9XPMX", "7k3q9xpm", "7K3Q9XPU"])
def test_check_char_needs_a_canonical_body(body: str) -> None:
    with pytest.raises(InvalidCodeError):
        check_char(body)


@given(code=codes, position=st.integers(0, 8), replacement=st.sampled_from(ALPHABET))
def test_every_single_substitution_is_detected(
    code: CertificateCode, position: int, replacement: str
) -> None:
    chars = chars_of(code)
    if chars[position] == replacement:
        return
    typo = chars[:position] + replacement + chars[position + 1 :]
    with pytest.raises(InvalidCodeError, match=CHECK_FAILED):
        normalise_code(typo)


def undetected_transposition(a: str, b: str) -> bool:
    """Luhn mod 32's one blind spot: 0 and Z (values 0 and N-1) swap unnoticed."""
    return {a, b} == {"0", "Z"}


@given(code=codes, position=st.integers(0, 7))
def test_adjacent_transpositions_are_detected_except_0_and_z(
    code: CertificateCode, position: int
) -> None:
    chars = chars_of(code)
    a, b = chars[position], chars[position + 1]
    if a == b:
        return
    swapped = chars[:position] + b + a + chars[position + 2 :]
    if undetected_transposition(a, b):
        assert normalise_code(swapped) == code_of(swapped)
    else:
        with pytest.raises(InvalidCodeError, match=CHECK_FAILED):
            normalise_code(swapped)


@pytest.mark.parametrize("position", range(8))
def test_adjacent_transpositions_exhaustively(position: int) -> None:
    """Every pair at every place, including the check character itself (position 7 to 8)."""
    rng = random.Random(position)
    for a, b in itertools.permutations(ALPHABET, 2):
        chars = None
        while chars is None:
            body = [rng.choice(ALPHABET) for _ in range(8)]
            body[position] = a
            if position < 7:
                body[position + 1] = b
            candidate = "".join(body) + check_char("".join(body))
            if candidate[position + 1] == b:
                chars = candidate
        swapped = chars[:position] + b + a + chars[position + 2 :]
        try:
            normalise_code(swapped)
        except InvalidCodeError:
            detected = True
        else:
            detected = False
        assert detected != undetected_transposition(a, b), (chars, swapped)


@given(code=codes)
def test_every_written_code_looks_like_a_code(code: CertificateCode) -> None:
    assert is_code_like(code)
    assert is_code_like(code.lower())
    assert is_code_like(chars_of(code))
    assert is_code_like("TL" + chars_of(code))


@pytest.mark.parametrize(
    "text", ["TL-7K3Q-9XP", "tl 7k3q 9xpm xx", "TL-7K3Q-9XPM-Z", "TL-7K3Q-9XPM-U"]
)
def test_mistyped_codes_with_a_prefix_look_like_codes(text: str) -> None:
    assert is_code_like(text)


@pytest.mark.parametrize(
    "text",
    ["", "Bakker", "Bakker Webshop B.V.", "12345678", "shop.nl", "TL", "TL-7K", "7K3Q9XPMZ"],
)
def test_names_numbers_and_domains_do_not_look_like_codes(text: str) -> None:
    assert not is_code_like(text)
