"""How alike a name is to a query: PostgreSQL ``pg_trgm``'s scores, in Python.

Both texts are folded as the database folds them (``registry_fold``: accents removed, then
lower case). Each word (a run of letters and digits) is padded with two spaces before and
one after, and cut into its three-character pieces: "Kamile" gives ``"  k"``, ``" ka"``,
``"kam"``, ``"ami"``, ``"mil"``, ``"ile"``, ``"le "``. ``similarity`` is the number of
pieces two texts share divided by the number of distinct pieces they have together, from
0 (none shared) to 1 (the same pieces). The search scores a name with
``strict_word_similarity``: the same ratio between the query and the run of whole words of
the name that matches it best, so that a legal form or a trade word around the name
("Drogisterij ... B.V.") does not drown a typo. A name is *similar* from ``THRESHOLD`` on.

PostgreSQL computes the score itself (``strict_word_similarity(registry_fold(query),
registry_fold(name))``); SQLite has no such function, so the search scores its candidates
here, with the same steps and the same single-precision arithmetic. The tests compare
these functions with the server's for a set of pairs.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from typing import Final

THRESHOLD: Final = 0.3
_WORD: Final = re.compile(r"[^\W_]+")
# Letters that PostgreSQL's unaccent rules replace and Unicode decomposition leaves alone.
_LETTERS: Final = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


def fold(text: str) -> str:
    """The text without accents, in lower case, as ``registry_fold`` makes it."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded words of the text: runs of letters and digits."""
    return _WORD.findall(fold(text))


def _padded_words(text: str) -> list[list[str]]:
    """Each folded word's pieces in order: "  w", " wo", ..., "d " for "word"."""
    result = []
    for word in words(text):
        padded = f"  {word} "
        result.append([padded[i : i + 3] for i in range(len(padded) - 2)])
    return result


def trigrams(text: str) -> frozenset[str]:
    """The distinct three-character pieces of the text's padded, folded words."""
    return frozenset(piece for word in _padded_words(text) for piece in word)


def _ratio(shared: int, first: int, second: int) -> float:
    """shared / (first + second - shared) as PostgreSQL's float4 holds it.

    The quotient of two small integers rounded to a double and then to single precision
    is the single-precision quotient (double rounding is exact for division here).
    """
    value: float = struct.unpack("f", struct.pack("f", shared / (first + second - shared)))[0]
    return value


def similarity(first: str, second: str) -> float:
    """``similarity(first, second)``: shared pieces over all distinct pieces of both."""
    one, other = trigrams(first), trigrams(second)
    if not one or not other:
        return 0.0
    return _ratio(len(one & other), len(one), len(other))


def strict_word_similarity(query: str, name: str) -> float:
    """``strict_word_similarity(query, name)``: how well the query matches a run of words.

    The greatest ``similarity`` between the query and a run of consecutive whole words of
    the name, found as PostgreSQL finds it: one pass over the name's pieces in order,
    scoring the run that ends at each word end and moving its start forward (never back)
    to the word start that scores best. A name is not penalised for the words around the
    one that matches ("kamile" and "Drogisterij Kamille B.V." score 0.67, where
    ``similarity`` gives 0.24).
    """
    wanted = trigrams(query)
    pieces: list[str] = []
    starts: set[int] = set()
    ends: set[int] = set()
    for word in _padded_words(name):
        starts.add(len(pieces))
        pieces.extend(word)
        ends.add(len(pieces) - 1)
    if not wanted or not pieces:
        return 0.0
    size = len(wanted)
    last_seen: dict[str, int] = {}
    lower, distinct, shared, best = 0, 0, 0, 0.0
    for upper, piece in enumerate(pieces):
        if last_seen.get(piece, -1) < 0:
            distinct += 1
            shared += piece in wanted
        last_seen[piece] = upper
        if upper not in ends:
            continue
        current = _ratio(shared, size, distinct)
        # Try each word start of the run as its new start; drop what falls out of the run.
        first_lower, trial_distinct, trial_shared = lower, distinct, shared
        for start in range(lower, upper + 1):
            if start in starts:
                trial = _ratio(trial_shared, size, trial_distinct)
                if trial > current:
                    current, distinct, lower, shared = trial, trial_distinct, start, trial_shared
            if last_seen[pieces[start]] == start:
                trial_distinct -= 1
                trial_shared -= pieces[start] in wanted
        best = max(best, current)
        for start in range(first_lower, lower):
            if last_seen[pieces[start]] == start:
                last_seen[pieces[start]] = -1
    return best


def is_similar(query: str, name: str) -> bool:
    """Whether the name is offered for the query: a strict word similarity from 0.3 on."""
    return strict_word_similarity(query, name) >= THRESHOLD
