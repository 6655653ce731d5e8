"""Public reads are served from memory, yet a change shows at the very next request.

Two real server processes share one database and one host: each keeps certificates,
badges, pages and the checkpoint in memory. A suspension sent to one must show on the
other's JSON, badge and page at the next request, with no wait; so must a reinstatement
sent to the other, and a change made by a separate process (the command line).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from registry.bootstrap import initialise
from registry.config import Settings
from registry.domain.reasons import Reason
from registry.domain.status import Transition
from tests.support.people import own_token_via
from tests.support.serving import serving
from tests.support.world import World, bearer, build_world


@pytest.fixture
def servers(settings: Settings, tmp_path: Path) -> Iterator[list[str]]:
    with serving(settings, tmp_path) as urls:
        yield urls


def _shown(client: httpx.Client, code: str) -> tuple[str, str, str]:
    """What a consumer sees of ``code``: JSON status, badge status word, page status word."""
    status = client.get(f"/api/v1/certificates/{code}").json()["status"]
    badge = client.get(f"/badge/{code}.svg", params={"lang": "en"}).text
    page = client.get(f"/c/{code}", params={"lang": "en"}).text
    badge_word = next(w for w in ("Valid", "Suspended", "Withdrawn") if f">{w}<" in badge)
    page_word = page.split('<span class="status-word">', 1)[1].split("<", 1)[0]
    return status, badge_word, page_word


def test_a_status_change_shows_at_once_on_every_server(
    servers: list[str], settings: Settings
) -> None:
    staff = initialise(settings).identity.create_staff_token("Sam Staff").token
    clients = [httpx.Client(base_url=url, timeout=30) for url in servers]
    try:
        world = build_world(clients[0], staff, own_token_via(initialise(settings)))  # type: ignore[arg-type]
        world.today = datetime.now(UTC).date()
        code = world.certify()
        checkpoint = clients[1].get("/log/checkpoint").text
        for client in clients * 3:  # both servers hold the certificate in memory now
            assert _shown(client, code) == ("valid", "Valid", "Valid")

        suspended = clients[0].post(
            f"/api/v1/certificates/{code}/suspend",
            json={"reason": "complaint under investigation"},
            headers=bearer(world.admin),
        )
        assert suspended.status_code == 200, suspended.text
        assert _shown(clients[1], code) == ("suspended", "Suspended", "Suspended")
        assert _shown(clients[0], code) == ("suspended", "Suspended", "Suspended")
        assert clients[1].get("/log/checkpoint").text != checkpoint  # the log grew too

        reinstated = World(client=clients[1], staff=staff, admin=world.admin).post(  # type: ignore[arg-type]
            f"/api/v1/certificates/{code}/reinstate", world.admin, {"reason": "resolved"}
        )
        assert reinstated.status_code == 200, reinstated.text
        assert _shown(clients[0], code) == ("valid", "Valid", "Valid")

        # A change by another process altogether, through its own services (as the
        # command line makes them), not through either server.
        other = initialise(settings)
        other.certificates.change_status(
            other.identity.authenticate(world.admin),
            code,
            Transition.WITHDRAW,
            Reason.of("fraude vastgesteld", "fraud established"),
        )
        for client in clients:
            assert _shown(client, code) == ("withdrawn", "Withdrawn", "Withdrawn")
    finally:
        for client in clients:
            client.close()
