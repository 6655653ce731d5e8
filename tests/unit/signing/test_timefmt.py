"""RFC 3339 UTC timestamps: one text form per instant, and strict reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.signing import InvalidTimeError, format_time, parse_time

AMSTERDAM_WINTER = timezone(timedelta(hours=1))


def test_format_is_utc_z_whole_seconds() -> None:
    moment = datetime(2026, 11, 28, 15, 0, 0, 999_999, tzinfo=AMSTERDAM_WINTER)
    assert format_time(moment) == "2026-11-28T14:00:00Z"


def test_format_keeps_four_digit_years() -> None:
    assert format_time(datetime(9, 1, 2, tzinfo=UTC)) == "0009-01-02T00:00:00Z"


def test_format_refuses_naive() -> None:
    with pytest.raises(InvalidTimeError, match="no time zone"):
        format_time(datetime(2026, 11, 28, 14, 0))


def test_parse_gives_aware_utc() -> None:
    parsed = parse_time("2026-11-28T14:00:00Z")
    assert parsed == datetime(2026, 11, 28, 14, tzinfo=UTC)
    assert parsed.tzinfo is UTC
    assert parse_time("2026-11-28T14:00:00.5Z").microsecond == 500_000


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-28T14:00:00+00:00",
        "2026-11-28T14:00:00",
        "2026-11-28 14:00:00Z",
        "2026-11-28t14:00:00z",
        "2026-11-28T14:00Z",
        "2026-02-30T14:00:00Z",
        "2026-11-28T24:00:00Z",
        "2026-11-28T14:00:00.1234567Z",
        "２０２６-11-28T14:00:00Z",
        "2026-11-28T14:00:00Z\n",
        "",
    ],
)
def test_parse_refuses_other_forms(text: str) -> None:
    with pytest.raises(InvalidTimeError):
        parse_time(text)


@given(st.datetimes(timezones=st.just(UTC)))
def test_round_trip_to_the_second(moment: datetime) -> None:
    assert parse_time(format_time(moment)) == moment.replace(microsecond=0)


@given(st.text(max_size=40))
def test_parse_raises_only_invalid_time(text: str) -> None:
    try:
        parsed = parse_time(text)
    except InvalidTimeError:
        return
    assert parsed.tzinfo is UTC
