"""Caps on the rows anonymous requests can add, beyond each client's own rate.

A rate per client does not bound a table when the clients are many (a botnet, or the
addresses of an IPv6 network). Misuse reports therefore also have a registry-wide cap
per UTC day; as a refused report rolls back whole, the rate counters and spent form
tokens it would have written are bounded by the same cap.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.db.tables import MisuseReport
from registry.errors import RateLimitedError


def check_reports_today(session: Session, cap: int, now: datetime) -> None:
    """Raise RateLimitedError when ``cap`` reports were already stored today (UTC)."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    stored = session.exec(
        select(func.count()).where(col(MisuseReport.submitted_at) >= day_start)
    ).one()
    if int(stored) >= cap:
        retry_after = max(1, math.ceil((day_start + timedelta(days=1) - now).total_seconds()))
        raise RateLimitedError(
            f"the registry takes at most {cap} reports a day; try again in {retry_after} s",
            retry_after,
        )
