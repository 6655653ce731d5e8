"""Names that look alike: the skeleton two names share when one imitates the other.

A shop called "Fіetsen B.V." with a Cyrillic "і" reads like "Fietsen B.V." but is
another name; so do "Fietsen B.V." and "FIETSEN BV", or "rnedia" and "media". The
skeleton folds case and compatibility forms, drops accents, spaces and punctuation and
maps characters that are drawn alike (a small table after Unicode TR39's confusables
for the Latin, Cyrillic and Greek letters and digits that names use) to one letter.
Two different names with one skeleton are flagged for staff; nothing is refused, as a
look-alike may be honest.
"""

from __future__ import annotations

import unicodedata
from typing import Final

# Characters drawn like a Latin letter (lower case, after casefold), to that letter.
CONFUSABLE: Final = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ɡ": "g",
        "ӏ": "l",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "μ": "u",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ϲ": "c",
        # Latin look-alikes and digits
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "0": "o",
        "1": "l",
        "|": "l",
        "5": "s",
        "$": "s",
        "@": "a",
    }
)
SEQUENCES: Final = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("i", "l"))


def skeleton(name: str) -> str:
    """The form two look-alike names share; different names usually differ in it."""
    folded = unicodedata.normalize("NFKD", name).casefold()
    letters = "".join(c for c in folded if not unicodedata.combining(c))
    mapped = letters.translate(CONFUSABLE)
    kept = "".join(c for c in mapped if c.isalnum())
    for sequence, single in SEQUENCES:
        kept = kept.replace(sequence, single)
    return kept


def imitates(name: str, other: str) -> bool:
    """Whether two names that differ look alike."""
    return name != other and skeleton(name) == skeleton(other) != ""
