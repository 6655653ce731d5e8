"""RFC 3339 timestamps in UTC with a ``Z``, as the public contract serves them.

Written with whole seconds (``2026-11-28T14:00:00Z``), so that one instant has one text
form; read strictly, so that a time zone offset, a missing ``Z`` or a naive datetime is
refused instead of guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from registry.signing.errors import InvalidTimeError, quoted

# RFC 3339 §5.6 date-time, restricted to the UTC "Z" form with upper-case "T" and "Z".
_RFC3339_Z = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d{1,6}))?Z",
    re.ASCII,
)


def format_time(moment: datetime) -> str:
    """``moment`` as RFC 3339 UTC with ``Z``, whole seconds (fractions are dropped).

    Raises InvalidTimeError for a naive datetime: its zone would be a guess.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidTimeError("time has no time zone; use an aware datetime in UTC")
    utc = moment.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return utc.isoformat() + "Z"


def parse_time(text: str) -> datetime:
    """The aware UTC datetime of an RFC 3339 ``Z`` timestamp (fractions up to µs allowed).

    Raises InvalidTimeError for any other form, including offsets such as ``+00:00``.
    """
    match = _RFC3339_Z.fullmatch(text)
    if match is None:
        raise InvalidTimeError(
            f"time {quoted(text)} is not RFC 3339 UTC such as 2026-11-28T14:00:00Z"
        )
    frac = (match["frac"] or "").ljust(6, "0")
    try:
        moment = datetime.strptime(f"{match['date']}T{match['time']}", "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise InvalidTimeError(f"time {quoted(text)} is not a real date and time") from None
    return moment.replace(microsecond=int(frac), tzinfo=UTC)
