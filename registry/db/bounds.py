"""The integers the database columns hold, so that a number from outside is refused
before it reaches a query (SQLite raises OverflowError past 2^63, PostgreSQL a
DataError past the column's type) and answers a 400 or 404 instead of a 500.

Row ids, version numbers and counts are 32-bit ``INTEGER`` columns; positions in the
transparency log (entry indices, tree sizes) are ``BIGINT``.
"""

from __future__ import annotations

from typing import Final

INT32_MAX: Final = 2**31 - 1
INT64_MAX: Final = 2**63 - 1

LOG_POSITIONS: Final = frozenset({"start", "end", "index", "tree_size", "first", "second", "n"})
"""Parameter names that count entries of the log: held in BIGINT columns."""


def column_limit(parameter: str) -> int:
    """The largest value a parameter called ``parameter`` can meet in its column."""
    return INT64_MAX if parameter in LOG_POSITIONS else INT32_MAX


def out_of_range(parameter: str, value: int) -> bool:
    """Whether ``value`` can match no row: beyond the column, or below any id."""
    return value > column_limit(parameter) or value < -column_limit(parameter) - 1
