"""Bounds on what anonymous badge requests can make the registry store.

A badge request with a made-up ``Referer`` host is a foreign showing, and each new host
would be a new row: a flood of invented hosts must not fill the disk or slow the
writers. So the counts are bounded three ways:

- per client: at most ``per_client_minute`` showings a minute are counted from one
  address (a /64 for IPv6), in memory in each process; the badge answers regardless;
- per certificate and day: at most ``per_day`` domains get a row; showings on further
  domains that day are dropped (the domains already counted keep counting);
- in time: rows older than ``keep_days`` days are deleted at each flush.

The table therefore holds at most certificates x ``per_day`` x ``keep_days`` rows,
whatever anyone sends.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Final

from sqlmodel import Session, col, delete, select

from registry.db.tables import Certificate, ForeignEmbed
from registry.misuse.foreign_embeds import record_foreign_embed
from registry.misuse.store import client_key

MAX_CLIENTS: Final = 50_000  # distinct clients tracked in one minute, per process


class ClientWindow:
    """Counts per client in the current minute; a new minute starts from nothing."""

    def __init__(self, per_minute: int, max_clients: int = MAX_CLIENTS) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self._minute = -1
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def allow(self, address: str | None, minute: int) -> bool:
        """Count one request of the client at ``minute``; whether it is within bounds."""
        key = client_key(address)
        with self._lock:
            if minute != self._minute:
                self._minute, self._counts = minute, Counter()
            if key not in self._counts and len(self._counts) >= self.max_clients:
                return False
            self._counts[key] += 1
            return self._counts[key] <= self.per_minute


def flush(
    session: Session,
    counts: Counter[tuple[str, str, date]],
    *,
    per_day: int,
    keep_days: int,
    today: date,
) -> int:
    """Write ``counts`` within the bounds; returns how many counters were written."""
    oldest = today - timedelta(days=keep_days - 1)
    session.execute(delete(ForeignEmbed).where(col(ForeignEmbed.day) < oldest))
    grouped: dict[tuple[str, date], list[tuple[str, int]]] = defaultdict(list)
    for (code, domain, day), count in sorted(counts.items()):
        if day >= oldest:
            grouped[(code, day)].append((domain, count))
    written = 0
    for (code, day), items in grouped.items():
        query = select(Certificate.id).where(Certificate.code == code)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()  # two servers flushing one certificate count as one
        certificate_id = session.exec(query).first()
        if certificate_id is None:
            continue
        known = set(
            session.exec(
                select(ForeignEmbed.domain).where(
                    ForeignEmbed.certificate_id == certificate_id, ForeignEmbed.day == day
                )
            ).all()
        )
        for domain, count in items:
            if domain not in known:
                if len(known) >= per_day:
                    continue
                known.add(domain)
            record_foreign_embed(session, code, domain, day, count)
            written += 1
    return written
