"""Test environment: strict mode, the PostgreSQL server, a hand-moved clock."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from registry.config import Settings

PG_SERVER = os.environ.get("REGISTRY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
STRICT = os.environ.get("REGISTRY_TEST_STRICT") == "1"
TEST_KDF_ROUNDS = 4  # bcrypt KDF rounds: tests need no real KDF cost; one test checks the default


def need(condition: bool, reason: str) -> None:
    """Skip when ``condition`` fails, unless strict mode makes that a failure."""
    if condition:
        return
    if STRICT:
        pytest.fail(f"REGISTRY_TEST_STRICT=1 and {reason}")
    pytest.skip(reason)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def registry_env(settings: Settings) -> dict[str, str]:
    """The ``REGISTRY_*`` variables that make a ``registry`` process use ``settings``."""
    return {
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_KEYS_DIR": str(settings.keys_dir),
        "REGISTRY_PUBLIC_URL": settings.public_url,
        "REGISTRY_KEY_PASSPHRASE": settings.key_passphrase or "",
        "REGISTRY_KEY_KDF_ROUNDS": str(settings.key_kdf_rounds),
    }
