"""The certificate list reads a page with a fixed number of SQL statements (no N+1).

Counted with SQLAlchemy's ``before_cursor_execute`` on every engine, around one HTTP
request; the background tasks that would also talk to the database (expiry sweep,
webhook dispatcher) are turned off for these tests, so what is counted is the request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from registry.config import Settings
from tests.support.world import World


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The usual test settings without the periodic tasks, whose queries would be counted."""
    return dataclasses.replace(settings, sweep_interval_seconds=0, webhook_poll_seconds=0)


@contextmanager
def counted() -> Iterator[list[str]]:
    """The SQL statements any engine sends while the block runs."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def certify(world: World, count: int, start: int) -> None:
    for n in range(start, start + count):
        world.certify(
            organisation={
                "legal_name": f"Winkel {n} B.V.",
                "country": "NL",
                "registration_number": f"{70000000 + n}",
            },
            domains=[f"winkel-{n}.example"],
        )


def list_statements(world: World, limit: int) -> int:
    """The statements of one list request, the fewer of two: a request that happens to
    open a new pooled connection also counts the driver's set-up statements, which have
    nothing to do with the page (the list is not cached, so both read the same)."""
    counts = []
    for _ in range(2):
        with counted() as statements:
            response = world.client.get(f"/api/v1/certificates?limit={limit}")
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) == min(limit, certificates(world))
        counts.append(len(statements))
    return min(counts)


def certificates(world: World) -> int:
    return len(world.client.get("/api/v1/certificates?limit=200").json()["items"])


def test_certificate_list_reads_a_page_in_a_fixed_number_of_statements(world: World) -> None:
    # A suspension and a covered domain added later make every kind of row appear.
    certify(world, 5, 0)
    first = world.client.get("/api/v1/certificates?limit=1").json()["items"][0]["code"]
    suspended = world.post(
        f"/api/v1/certificates/{first}/suspend", world.admin, {"reason": "onderzoek"}
    )
    assert suspended.status_code == 200, suspended.text
    few = {limit: list_statements(world, limit) for limit in (3, 200)}
    certify(world, 45, 5)
    many = {limit: list_statements(world, limit) for limit in (3, 200)}
    assert certificates(world) == 50
    assert many == few, f"statements per page grew with the certificates: {few} -> {many}"
    assert few[3] == few[200], f"statements grew with the page size: {few}"
