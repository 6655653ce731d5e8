"""Validity arithmetic: how long a certificate is valid, by calendar months.

A validity of n months from a day ends on the same day n months later, clamped to that
month's end (31 January + 1 month = 28 or 29 February), at midnight UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def valid_until_after(start: datetime, months: int) -> datetime:
    """The end of a validity of ``months`` from ``start``: midnight UTC of that day."""
    return datetime.combine(add_months(start.date(), months), time(0, 0), tzinfo=UTC)
