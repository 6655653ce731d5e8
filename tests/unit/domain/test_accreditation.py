"""The accreditation window: first and last day included, nothing outside."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from registry.domain.accreditation import check_window, covers
from registry.errors import InvalidInputError

FIRST, LAST = date(2025, 1, 1), date(2029, 12, 31)


@pytest.mark.parametrize(
    ("day", "covered"),
    [
        (FIRST - timedelta(days=1), False),
        (FIRST, True),
        (date(2027, 6, 15), True),
        (LAST, True),
        (LAST + timedelta(days=1), False),
    ],
)
def test_covers_first_and_last_day_inclusive(day: date, covered: bool) -> None:
    assert covers(FIRST, LAST, day) is covered


def test_a_one_day_window_covers_that_day_only() -> None:
    day = date(2024, 2, 29)
    assert covers(day, day, day)
    assert not covers(day, day, day + timedelta(days=1))


@pytest.mark.parametrize("until", [FIRST, FIRST - timedelta(days=1)])
def test_a_window_must_end_after_it_starts(until: date) -> None:
    with pytest.raises(InvalidInputError, match="must be after valid_from"):
        check_window(FIRST, until)
    check_window(FIRST, FIRST + timedelta(days=1))
