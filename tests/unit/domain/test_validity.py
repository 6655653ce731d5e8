"""Validity arithmetic: calendar months, clamped to the month's end, at midnight UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from registry.domain.validity import add_months, valid_until_after


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # clamped to a short month's end
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # and four years on
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),  # across the year's end
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 5, 31), 120, date(2035, 5, 31)),  # the longest validity a scheme allows
        (date(2025, 8, 31), 0, date(2025, 8, 31)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_valid_until_is_midnight_utc_of_the_day() -> None:
    start = datetime(2024, 1, 31, 17, 45, 3, tzinfo=UTC)
    assert valid_until_after(start, 1) == datetime(2024, 2, 29, tzinfo=UTC)
    assert valid_until_after(start, 36) == datetime(2027, 1, 31, tzinfo=UTC)
