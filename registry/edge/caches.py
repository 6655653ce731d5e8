"""In-memory caches of public answers, so that the hot reads cost little more than a
constant answer: the one cache protocol of every public read (certificates, badges,
certificate JSON, pages, the checkpoint, proofs and tiles).

An entry is a value with its deadline; a value is kept only when it was loaded after the
freshness stamp ``ChangeSignal`` showed before the load, so a load that races a commit is
never kept; and the lifetime an answer announces comes from the same clock that ages the
entries (``FreshCache.lifetime``). Callers say what to load (``fetch`` in a thread,
``fetch_soon`` on the event loop); none of them takes stamps or stores entries itself.

Failing closed: no entry outlives ``REGISTRY_CACHE_SECONDS`` after the database last
confirmed it (an answer made from another cached value takes that value's confirmation
time, ``Caches.confirmed_until``); after that the load runs again, and when the database
is gone it raises ``UnavailableError`` and the answer says the status is unavailable.

``FreshCache`` holds what a committed change can make stale (a certificate, a badge, a
page, the checkpoint): it empties itself when the ``ChangeSignal`` stamp moves, and an
entry also ends at its own deadline (the moment the clock alone changes a status) and at
a maximum age. ``BoundedCache`` holds what never changes once it exists (an inclusion
proof for a given tree size, a full tile). Both keep at most a fixed number of entries,
dropping the oldest first, so memory per process stays bounded at any registry size.

Loads run outside any lock: two threads missing the same key both load it, and the
second store wins; a value loaded under an older stamp is never stored.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar, cast

import anyio.to_thread

from registry.clock import Clock
from registry.edge.changes import ChangeSignal

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Until = Callable[[V], datetime | None]
"""The moment the clock alone changes what a loaded value shows (None: never)."""


def lifetime(until: datetime | None, now: datetime, ceiling: int) -> int:
    """A cache lifetime of at most ``ceiling`` seconds that ends by ``until``, the moment
    the clock alone changes what the answer shows (None: never)."""
    if until is None:
        return ceiling
    return max(0, min(ceiling, int((until - now).total_seconds())))


class BoundedCache(Generic[K, V]):
    """At most ``max_entries`` values, the oldest dropped first."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError(f"a cache needs room for at least one entry, not {max_entries}")
        self._max_entries = max_entries
        self._entries: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._entries.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries.pop(key, None)
            while len(self._entries) >= self._max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


DEFAULT_MISSES = 2


class MissGate:
    """At most ``limit`` loads of missing answers in worker threads at once in this
    process; the others wait, first come first served (anyio's limiter is fair). A
    crawl of cold pages then takes ``limit`` threads and leaves the rest to every other
    request, the constant ones answered on the event loop meanwhile."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._limiter: tuple[object, anyio.CapacityLimiter] | None = None

    async def run(self, load: Callable[[], V]) -> V:
        loop = asyncio.get_running_loop()
        if self._limiter is None or self._limiter[0] is not loop:  # one per event loop
            self._limiter = (loop, anyio.CapacityLimiter(self.limit))
        return await anyio.to_thread.run_sync(load, limiter=self._limiter[1])


class FreshCache(Generic[K, V]):
    """Values valid until the next committed change, their deadline, or ``max_age``."""

    def __init__(
        self,
        signal: ChangeSignal,
        clock: Clock,
        *,
        max_entries: int,
        max_age: timedelta,
        misses: MissGate | None = None,
    ) -> None:
        self._misses = misses or MissGate(DEFAULT_MISSES)
        self._signal = signal
        self._clock = clock
        self._max_age = max_age
        self._entries: BoundedCache[K, tuple[V, datetime]] = BoundedCache(max_entries)
        self._stamp = signal.stamp()

    def stamp(self) -> bytes:
        """The stamp to pass to ``put`` for a value about to be loaded: take it first."""
        return self._signal.stamp()

    def get(self, key: K) -> V | None:
        """The value, or None when absent, stale or past its deadline."""
        stamp = self._signal.stamp()
        if stamp != self._stamp:
            self._entries.clear()
            self._stamp = stamp
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, until = entry
        return value if self._clock() < until else None

    def put(self, key: K, value: V, stamp: bytes, until: datetime | None = None) -> None:
        """Keep ``value``, loaded after ``stamp`` was taken, until ``until`` at the latest.
        A value loaded before the latest change is not kept."""
        if stamp != self._signal.stamp():
            return
        if stamp != self._stamp:
            self._entries.clear()
            self._stamp = stamp
        latest = self._clock() + self._max_age
        self._entries.put(key, (value, latest if until is None else min(until, latest)))

    def fetch(self, key: K, load: Callable[[], V], until: Until[V] | None = None) -> V:
        """The cached value, or ``load()`` kept for next time (until ``until(value)``)."""
        found = self.get(key)
        if found is not None:
            return found
        stamp = self.stamp()
        value = load()
        self.put(key, value, stamp, until(value) if until else None)
        return value

    async def fetch_soon(self, key: K, load: Callable[[], V], until: Until[V] | None = None) -> V:
        """``fetch`` for async handlers: a fresh value straight from memory on the event
        loop (no thread, no await), else ``load`` in a worker thread."""
        found = self.get(key)
        if found is not None:
            return found
        stamp = self.stamp()
        value = await self._misses.run(load)
        self.put(key, value, stamp, until(value) if until else None)
        return value

    def lifetime(self, until: datetime | None, ceiling: int) -> int:
        """The cache lifetime, at most ``ceiling`` seconds, of an answer that the clock
        alone changes at ``until``, on the clock that ages the entries."""
        return lifetime(until, self._clock(), ceiling)

    def __len__(self) -> int:
        return len(self._entries)


class Caches:
    """Makes this process's caches of public answers, all emptied by one change signal
    and aged by one clock, so that every feature's cache follows the same policy."""

    def __init__(
        self,
        signal: ChangeSignal,
        clock: Clock,
        *,
        entries: int,
        seconds: int,
        misses: int = DEFAULT_MISSES,
    ) -> None:
        self.signal = signal
        self.misses = MissGate(misses)
        self._clock = clock
        self._entries = max(1, entries)
        self._max_age = timedelta(seconds=max(0, seconds))
        self._named: dict[str, FreshCache[Any, Any]] = {}
        self._reference: FreshCache[tuple[Hashable, ...], Any] = self.fresh(1000)

    def fresh(self, max_entries: int | None = None) -> FreshCache[Any, Any]:
        """A cache of public answers that empties at the next committed change."""
        return FreshCache(
            self.signal,
            self._clock,
            max_entries=max(1, max_entries or self._entries),
            max_age=self._max_age,
            misses=self.misses,
        )

    def named(self, name: str) -> FreshCache[Any, Any]:
        """The cache called ``name`` (made at first use): for answers the edge shapes from
        the services' (a rendered badge or page)."""
        found = self._named.get(name)
        if found is None:
            found = self._named.setdefault(name, self.fresh())
        return found

    def confirmed_until(self, read_at: datetime | None, until: datetime | None) -> datetime | None:
        """The deadline of an answer made from a value the database confirmed at
        ``read_at`` that the clock alone changes at ``until``: a derived answer (a page
        made from a cached certificate) is served no longer after the confirmation than
        the value itself may be, ``REGISTRY_CACHE_SECONDS``."""
        if read_at is None:
            return until
        latest = read_at + self._max_age
        return latest if until is None else min(until, latest)

    def remember(self, key: tuple[Hashable, ...], read: Callable[[], V]) -> V:
        """Reference data every page reads (schemes, bodies, keys): read once until the
        next change. Callers must not change what they get: it is shared."""
        return cast(V, self._reference.fetch(key, read))
