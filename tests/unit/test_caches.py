"""The in-memory caches of public answers: bounded, emptied by any committed change seen
through the shared signal, and never holding a value past its deadline."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from registry.edge.caches import BoundedCache, FreshCache, lifetime
from registry.edge.changes import ChangeSignal
from tests.support.env import FakeClock
from tests.support.loops import run_apart

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def fresh(signal: ChangeSignal, clock: FakeClock, **options: object) -> FreshCache[str, str]:
    settings: dict[str, object] = {"max_entries": 100, "max_age": timedelta(seconds=60)}
    settings.update(options)
    return FreshCache(signal, clock, **settings)  # type: ignore[arg-type]


def test_a_bump_empties_the_cache() -> None:
    signal, clock = ChangeSignal(), FakeClock(T0)
    cache = fresh(signal, clock)
    cache.put("a", "one", cache.stamp())
    assert cache.get("a") == "one"
    signal.bump()
    assert cache.get("a") is None
    assert len(cache) == 0


def test_a_value_loaded_before_a_change_is_not_kept() -> None:
    signal, clock = ChangeSignal(), FakeClock(T0)
    cache = fresh(signal, clock)
    stamp = cache.stamp()  # a reader starts loading ...
    signal.bump()  # ... a writer commits meanwhile ...
    cache.put("a", "old", stamp)  # ... so what the reader loaded may be stale
    assert cache.get("a") is None


def test_fetch_loads_once_until_the_next_change() -> None:
    signal, clock = ChangeSignal(), FakeClock(T0)
    cache = fresh(signal, clock)
    loads: list[int] = []

    def load() -> str:
        loads.append(1)
        return f"v{len(loads)}"

    assert [cache.fetch("k", load) for _ in range(3)] == ["v1", "v1", "v1"]
    signal.bump()
    assert cache.fetch("k", load) == "v2"


def test_fetch_soon_answers_from_memory_and_loads_in_a_thread_once() -> None:
    signal, clock = ChangeSignal(), FakeClock(T0)
    cache = fresh(signal, clock)
    loads: list[int] = []

    def load() -> str:
        loads.append(1)
        return f"v{len(loads)}"

    async def read_three() -> list[str]:
        return [
            await cache.fetch_soon("k", load, lambda _: clock.now + timedelta(seconds=5))
            for _ in range(3)
        ]

    assert run_apart(read_three) == ["v1", "v1", "v1"]
    clock.now = T0 + timedelta(seconds=5)  # the first value's own deadline: loaded again
    assert run_apart(read_three) == ["v2", "v2", "v2"]


def test_a_load_that_races_a_commit_is_not_kept() -> None:
    signal, clock = ChangeSignal(), FakeClock(T0)
    cache = fresh(signal, clock)

    def load_while_a_change_commits() -> str:
        signal.bump()
        return "stale"

    assert cache.fetch("k", load_while_a_change_commits) == "stale"
    assert cache.get("k") is None


def test_lifetime_ends_by_the_change_by_the_clock() -> None:
    signal, clock = ChangeSignal(), FakeClock(T0)
    cache = fresh(signal, clock)
    assert cache.lifetime(None, 300) == 300
    assert cache.lifetime(T0 + timedelta(seconds=42, milliseconds=900), 300) == 42
    assert cache.lifetime(T0 + timedelta(hours=1), 300) == 300
    assert cache.lifetime(T0 - timedelta(seconds=1), 300) == 0
    assert lifetime(T0 + timedelta(seconds=7), T0, 60) == 7


def test_deadline_and_maximum_age() -> None:
    signal, clock = ChangeSignal(), FakeClock(T0)
    cache = fresh(signal, clock)
    cache.put("expires", "valid", cache.stamp(), until=T0 + timedelta(seconds=10))
    cache.put("plain", "x", cache.stamp())
    clock.now = T0 + timedelta(seconds=10)  # the moment of expiry: no longer "valid"
    assert cache.get("expires") is None
    assert cache.get("plain") == "x"
    clock.now = T0 + timedelta(seconds=60)
    assert cache.get("plain") is None


def test_zero_maximum_age_turns_caching_off() -> None:
    signal, clock = ChangeSignal(), FakeClock(T0)
    cache = fresh(signal, clock, max_age=timedelta(0))
    cache.put("a", "one", cache.stamp())
    assert cache.get("a") is None


def test_bounded_cache_drops_the_oldest() -> None:
    cache: BoundedCache[int, int] = BoundedCache(3)
    for n in range(5):
        cache.put(n, n * n)
    assert len(cache) == 3
    assert [cache.get(n) for n in range(5)] == [None, None, 4, 9, 16]
    with pytest.raises(ValueError, match="at least one entry"):
        BoundedCache(0)


def test_two_signals_on_one_file_see_each_other(tmp_path: Path) -> None:
    path = tmp_path / "changes"
    first, second = ChangeSignal(path), ChangeSignal(path)
    assert first.stamp() == second.stamp() != bytes(8)
    second.bump()
    assert first.stamp() == second.stamp()
    assert path.stat().st_mode & 0o777 == 0o600


def _bump(path: Path) -> None:
    ChangeSignal(path).bump()


def test_a_bump_in_another_process_empties_this_cache(tmp_path: Path) -> None:
    path = tmp_path / "changes"
    signal, clock = ChangeSignal(path), FakeClock(T0)
    cache = fresh(signal, clock)
    cache.put("a", "one", cache.stamp())
    process = multiprocessing.get_context("spawn").Process(target=_bump, args=(path,))
    process.start()
    process.join(30)
    assert process.exitcode == 0
    assert cache.get("a") is None


def test_a_new_signal_file_never_matches_an_old_stamp(tmp_path: Path) -> None:
    path = tmp_path / "changes"
    before = ChangeSignal(path).stamp()
    path.unlink()
    assert ChangeSignal(path).stamp() != before


def test_an_answer_made_from_a_cached_value_ends_with_its_confirmation() -> None:
    from registry.edge.caches import Caches

    caches = Caches(ChangeSignal(), FakeClock(T0), entries=10, seconds=60)
    read_at = T0 - timedelta(seconds=50)
    # Made now from a value the database confirmed 50 s ago: 10 s left, not 60.
    assert caches.confirmed_until(read_at, None) == T0 + timedelta(seconds=10)
    # An earlier deadline of its own (expiry) still wins.
    assert caches.confirmed_until(read_at, T0) == T0
    assert caches.confirmed_until(None, T0) == T0


def test_a_database_that_is_gone_is_unavailable_not_an_internal_error(tmp_path: Path) -> None:
    import socket

    from registry.db.database import Database
    from registry.errors import UnavailableError

    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    refused = Database(f"postgresql+psycopg://postgres@127.0.0.1:{port}/registry")
    with pytest.raises(UnavailableError, match="cannot be reached"):
        refused.ping()
    refused.dispose()
    empty = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(UnavailableError):  # reachable, but it holds no registry
        empty.ping()
    empty.dispose()
