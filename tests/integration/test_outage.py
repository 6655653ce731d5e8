"""Failing closed: the database goes away under load and comes back.

A real ``registry serve`` process on a PostgreSQL server of the test's own (the shared
server on 5432 is never stopped). While a thread keeps asking for a certificate's badge,
page and JSON, the server is stopped: once ``REGISTRY_CACHE_SECONDS`` have passed since
the database last answered, no answer may say "valid"; the badge says "status
unavailable" (an SVG), the page says the status cannot be determined now (503, in its
language), the API answers a 503 problem document; readiness fails, liveness holds. The
database is started again and the same server process answers as before.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import initialise
from registry.config import Settings
from registry.db.migrate import upgrade
from tests.support.env import TEST_KDF_ROUNDS
from tests.support.own_pg import own_postgres
from tests.support.serving import serving
from tests.support.world import build_world

CACHE_SECONDS = 2
SLACK = 0.5  # the server's clock and this one are the same machine's; allow a hair
PATIENCE = 60.0  # how long to wait for a condition before giving up (not a measurement)


@dataclass(frozen=True)
class Seen:
    started: float
    kind: str
    status: int
    said_valid: bool
    body: str
    content_type: str


def _said_valid(kind: str, response: httpx.Response) -> bool:
    if kind == "badge":
        return 'data-state="valid"' in response.text
    if kind == "page":
        return '<span class="status-word">Valid</span>' in response.text
    try:
        return bool(response.json().get("status") == "valid")
    except ValueError:
        return False


class Load:
    """A thread asking for the badge, the page and the JSON of ``code`` in turn."""

    def __init__(self, base: str, code: str) -> None:
        self.paths = {
            "badge": f"{base}/badge/{code}.svg?lang=en",
            "page": f"{base}/c/{code}?lang=en",
            "api": f"{base}/api/v1/certificates/{code}",
        }
        self.seen: list[Seen] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set():
                for kind, url in self.paths.items():
                    started = time.monotonic()
                    try:
                        response = client.get(url)
                    except httpx.HTTPError:
                        continue
                    self.seen.append(
                        Seen(
                            started,
                            kind,
                            response.status_code,
                            _said_valid(kind, response),
                            response.text,
                            response.headers.get("content-type", ""),
                        )
                    )

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def since(self, moment: float) -> list[Seen]:
        return [s for s in list(self.seen) if s.started >= moment]

    def wait_for(self, moment: float) -> list[Seen]:
        """The answers to requests started after ``moment``, once each kind has some."""
        deadline = time.monotonic() + PATIENCE
        while True:
            found = self.since(moment)
            if {s.kind for s in found} == set(self.paths):
                return found
            assert time.monotonic() < deadline, "the load thread got no answers"
            time.sleep(0.1)


def _until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_outage_fails_closed_and_recovers_without_a_restart(tmp_path: Path) -> None:
    with own_postgres() as database:
        url = database.create_database("registry")
        upgrade(url)
        settings = Settings(
            database_url=url,
            keys_dir=tmp_path / "keys",
            public_url="https://registry.test",
            key_passphrase="correct horse battery staple",
            key_kdf_rounds=TEST_KDF_ROUNDS,
            cache_seconds=CACHE_SECONDS,
            sweep_interval_seconds=0,
            webhook_poll_seconds=0,
        )
        service = initialise(settings)
        with TestClient(create_app(settings, keyring=service.uow.keyring)) as client:
            world = build_world(client, service.identity.create_staff_token("Sam Staff").token)
            code = world.certify()
        service.uow.db.dispose()
        extra = {"REGISTRY_CACHE_SECONDS": str(CACHE_SECONDS), "REGISTRY_WEBHOOK_POLL": "0"}
        with (
            serving(settings, tmp_path, count=1, extra_env=extra) as [base],
            Load(base, code) as load,
        ):
            before = load.wait_for(time.monotonic())
            assert all(s.status == 200 and s.said_valid for s in before), before[:3]

            database.stop()
            stopped = time.monotonic()
            window_ends = stopped + CACHE_SECONDS + SLACK
            after = load.wait_for(window_ends)
            assert not [s for s in after if s.said_valid], "a valid answer after the window"
            for seen in after:
                assert seen.status == 503, (seen.kind, seen.status, seen.body[:200])
                if seen.kind == "badge":
                    assert seen.content_type.startswith("image/svg+xml")
                    assert 'data-state="unavailable"' in seen.body
                    assert "Status unavailable" in seen.body
                elif seen.kind == "page":
                    assert seen.content_type.startswith("text/html")
                    assert "Status unavailable" in seen.body
                    assert "cannot determine the status right now" in seen.body
                else:
                    assert seen.content_type.startswith("application/problem+json")
                    assert seen.body and '"status":503' in seen.body.replace(" ", "")
                    assert "/problems/unavailable" in seen.body
            # In Dutch, the default: the page and the badge.
            dutch_page = httpx.get(f"{base}/c/{code}", timeout=10)
            assert dutch_page.status_code == 503 and "Status niet beschikbaar" in dutch_page.text
            assert "kan de status nu niet vaststellen" in dutch_page.text
            dutch_badge = httpx.get(f"{base}/badge/{code}.svg", timeout=10)
            assert dutch_badge.status_code == 503 and "Status niet beschikbaar" in dutch_badge.text
            assert dutch_badge.headers["cache-control"] == "no-store"
            # Readiness fails, liveness holds.
            ready = httpx.get(f"{base}/healthz", timeout=10)
            assert ready.status_code == 503 and ready.text.startswith("unavailable")
            assert httpx.get(f"{base}/livez", timeout=10).status_code == 200

            database.start()
            _until(
                lambda: httpx.get(f"{base}/healthz", timeout=10).status_code == 200,
                "readiness did not come back with the database",
            )
            back = time.monotonic()
            recovered = load.wait_for(back)
            _until(
                lambda: all(s.status == 200 and s.said_valid for s in load.since(back)[-6:]),
                "answers did not recover",
            )
            assert recovered
