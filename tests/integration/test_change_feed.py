"""Servers on other hosts hear of a committed change through PostgreSQL, at once.

Two registries share one PostgreSQL database but not a change file, as two hosts would.
The second listens; a write through the first must empty the second's caches within
moments, long before their maximum age.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from registry.bootstrap import Services, initialise, open_registry
from registry.config import Settings
from registry.db import change_feed
from tests.support.env import TEST_KDF_ROUNDS
from tests.support.pg import scratch_database


@pytest.fixture
def pg_url() -> Iterator[str]:
    with scratch_database("registry_feed") as url:
        yield url


@pytest.fixture
def hosts(pg_url: str, tmp_path: Path) -> tuple[Services, Services]:
    """A writer and a reader on one database, each with a change file of its own host,
    and caches that would otherwise hold for an hour."""
    settings = Settings(
        database_url=pg_url,
        keys_dir=tmp_path / "keys",
        key_passphrase="correct horse battery staple",
        key_kdf_rounds=TEST_KDF_ROUNDS,
        change_file=tmp_path / "host-a" / "changes",
        cache_seconds=3600,
    )
    writer = initialise(settings)
    return writer, open_registry(replace(settings, change_file=tmp_path / "host-b" / "changes"))


def test_a_change_on_one_host_empties_the_caches_of_another(
    pg_url: str, hosts: tuple[Services, Services]
) -> None:
    writer, reader = hosts
    before = reader.transparency.log_checkpoint()
    stop = change_feed.listen(pg_url, reader.uow.changes.bump)
    try:
        time.sleep(0.5)  # listening
        assert reader.transparency.log_checkpoint() == before  # served from memory
        writer.transparency.rotate_keys()  # a logged change, signed into a new checkpoint
        deadline = time.monotonic() + 5
        while reader.transparency.log_checkpoint() == before:
            assert time.monotonic() < deadline, "the other host never heard of the change"
            time.sleep(0.05)
    finally:
        stop()


def test_without_the_feed_the_other_host_waits_for_the_maximum_age(
    hosts: tuple[Services, Services],
) -> None:
    """The control: what the feed is for. Without it, the cache holds the old answer."""
    writer, reader = hosts
    before = reader.transparency.log_checkpoint()
    writer.transparency.rotate_keys()
    time.sleep(0.5)
    assert reader.transparency.log_checkpoint() == before


def test_sqlite_needs_no_feed(tmp_path: Path) -> None:
    """One SQLite file has one host: no thread, no connection, no calls."""
    heard: list[int] = []
    threads = {t.name for t in threading.enumerate()}
    stop = change_feed.listen(f"sqlite:///{tmp_path}/registry.sqlite3", lambda: heard.append(1))
    assert "registry-change-feed" not in {t.name for t in threading.enumerate()} - threads
    stop()
    assert heard == []
