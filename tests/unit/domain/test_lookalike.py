"""Look-alike names share a skeleton; different names do not."""

from __future__ import annotations

import pytest

from registry.domain.lookalike import imitates, skeleton


@pytest.mark.parametrize(
    ("original", "imitation"),
    [
        ("Fietsen B.V.", "Fіetsen B.V."),  # Cyrillic i
        ("Fietsen B.V.", "FIETSEN BV"),
        ("Bol Shop", "B0l Shop"),  # zero for o
        ("Media Markt", "Rnedia Markt"),  # rn for m
        ("Café Noir", "Cafe Noir"),
        ("Opa's Koffie", "Ора's Коffіе"),  # Cyrillic О, р, а, К, і, е
        ("PayPal", "PayPaI"),  # capital I for l
        ("Wonen", "Vvonen"),
    ],
)
def test_imitations_are_caught(original: str, imitation: str) -> None:
    assert imitates(original, imitation)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Fietsen B.V.", "Fietsen Twee B.V."), ("Bol Shop", "Bal Shop"), ("Koffie", "Thee")],
)
def test_different_names_are_not_flagged(one: str, other: str) -> None:
    assert not imitates(one, other)
    assert not imitates(one, one)  # a name does not imitate itself
    assert skeleton("") == ""
