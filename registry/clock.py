"""The only place that reads the wall clock; everything else is handed ``now``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, in UTC, to the whole second (what the API and the log show)."""
    return datetime.now(UTC).replace(microsecond=0)
