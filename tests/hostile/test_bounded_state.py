"""Every table an anonymous request can grow has a cap that holds under a flood.

Anonymous requests write four tables: ``foreign_embed`` (badges shown on other domains),
``misuse_report``, ``client_rate`` (rate counters and spent form tokens) and
``client_salt``. Each test floods one and counts the rows.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import initialise
from registry.config import Settings
from registry.errors import RateLimitedError
from registry.misuse.form_tokens import FormTokenSpentError
from registry.misuse.service import MisuseService
from registry.misuse.store import MisuseReportCreate
from tests.support.env import FakeClock
from tests.support.world import World, build_world

SMALL = {
    "foreign_embeds_per_day": 25,
    "foreign_embeds_per_client_minute": 10,
    "misuse_reports_per_day": 12,
}


@pytest.fixture
def bounded(settings: Settings, clock: FakeClock) -> Iterator[tuple[World, MisuseService]]:
    """A registry with small caps, and its world."""
    small = dataclasses.replace(settings, **SMALL)  # type: ignore[arg-type]
    service = initialise(small, clock)
    with TestClient(create_app(small, clock=clock, keyring=service.uow.keyring)) as client:
        staff = service.identity.create_staff_token("Sam Staff").token
        yield build_world(client, staff), client.app.state.services.misuse


def rows(service: MisuseService, table: str, where: str = "") -> int:
    with service.uow.db.read() as session:
        return int(session.execute(sa.text(f"SELECT count(*) FROM {table} {where}")).scalar_one())  # noqa: S608


def test_a_flood_of_invented_referers_from_one_client_counts_at_most_its_rate(
    bounded: tuple[World, MisuseService],
) -> None:
    world, service = bounded
    code = world.certify()
    for n in range(400):
        response = world.client.get(
            f"/badge/{code}.svg", headers={"Referer": f"https://x{uuid.uuid4().hex}-{n}.example/"}
        )
        assert response.status_code == 200
    service.flush_foreign_badges()
    assert rows(service, "foreign_embed") == SMALL["foreign_embeds_per_client_minute"]


def test_many_clients_cannot_push_a_certificate_past_its_daily_domains(
    bounded: tuple[World, MisuseService], clock: FakeClock
) -> None:
    world, service = bounded
    code = world.certify()
    for n in range(2000):  # 2,000 clients, each one showing on a new domain
        service.count_foreign_badge(
            code, f"d{n}.example", f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"
        )
        if n % 500 == 0:
            service.flush_foreign_badges()
    service.flush_foreign_badges()
    assert rows(service, "foreign_embed") == SMALL["foreign_embeds_per_day"]
    service.count_foreign_badge(code, "d0.example", "192.0.2.1")  # a known domain keeps counting
    service.flush_foreign_badges()
    with service.uow.db.read() as session:
        count = session.execute(
            sa.text("SELECT count FROM foreign_embed WHERE domain = 'd0.example'")
        ).scalar_one()
    assert count == 2
    clock.now += timedelta(days=1)  # a new day has room again
    service.count_foreign_badge(code, "new-day.example", "192.0.2.1")
    service.flush_foreign_badges()
    assert rows(service, "foreign_embed") == SMALL["foreign_embeds_per_day"] + 1


def test_counts_are_kept_ninety_days(
    bounded: tuple[World, MisuseService], clock: FakeClock
) -> None:
    world, service = bounded
    code = world.certify()
    service.count_foreign_badge(code, "old.example", "192.0.2.1")
    service.flush_foreign_badges()
    clock.now += timedelta(days=89)
    service.count_foreign_badge(code, "newer.example", "192.0.2.1")
    service.flush_foreign_badges()
    assert rows(service, "foreign_embed") == 2
    clock.now += timedelta(days=1)
    service.count_foreign_badge(code, "newest.example", "192.0.2.1")
    service.flush_foreign_badges()
    with service.uow.db.read() as session:
        kept = session.execute(
            sa.text("SELECT domain FROM foreign_embed ORDER BY domain")
        ).scalars()
        assert list(kept) == ["newer.example", "newest.example"]


def test_a_flood_of_reports_from_many_clients_stops_at_the_daily_cap(
    bounded: tuple[World, MisuseService], clock: FakeClock
) -> None:
    _world, service = bounded
    report = MisuseReportCreate(site="https://copycat.example/", seen="the label")
    accepted = refused = 0
    for n in range(60):
        try:
            service.submit_misuse_report(report, f"2001:db8:{n:x}::1")
            accepted += 1
        except RateLimitedError as error:
            assert "a day" in error.detail and error.retry_after > 0
            refused += 1
    assert (accepted, refused) == (SMALL["misuse_reports_per_day"], 60 - accepted)
    assert rows(service, "misuse_report") == SMALL["misuse_reports_per_day"]
    # refused reports roll back whole: no rate counter or salt rows beyond the accepted ones
    assert rows(service, "client_rate") == SMALL["misuse_reports_per_day"]
    assert rows(service, "client_salt") == 1
    clock.now += timedelta(days=1, hours=2)
    service.submit_misuse_report(report, "192.0.2.7")
    assert rows(service, "client_salt") == 1  # yesterday's salt is gone
    assert rows(service, "client_rate") == 1  # and so are the old hours' counters


ORIGIN = {"Origin": "https://registry.test", "Sec-Fetch-Site": "same-origin"}


def form_token(client: TestClient[Any]) -> str:
    found = re.search(r'name="t" value="([^"]+)"', client.get("/").text)
    assert found
    return found.group(1)


def test_the_form_token_is_spent_once_per_client(
    bounded: tuple[World, MisuseService], clock: FakeClock
) -> None:
    world, service = bounded
    token = form_token(world.client)
    clock.now += timedelta(seconds=10)
    form = {"t": token, "site": "https://copycat.example/", "seen": "the label"}
    assert world.client.post("/report", data=form, headers=ORIGIN).status_code == 200
    again = world.client.post("/report", data=form, headers=ORIGIN)
    assert again.status_code == 400 and "verlopen" in again.text
    assert rows(service, "misuse_report") == 1
    # the page (and its token) is served from memory: another visitor may send the same one
    report = MisuseReportCreate(site="https://copycat.example/", seen="the label")
    service.submit_misuse_report(report, "192.0.2.9", token)
    with pytest.raises(FormTokenSpentError):
        service.submit_misuse_report(report, "192.0.2.9", token)
    assert rows(service, "misuse_report") == 2


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 403),  # a post that says nothing of where it comes from
        ({"Origin": "null"}, 403),
        ({"Origin": "https://evil.example"}, 403),
        ({"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"}, 403),
        ({"Sec-Fetch-Site": "same-site"}, 403),
        ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, 200),  # no-referrer pages
        ({"Origin": "https://registry.test"}, 200),  # an older browser without Fetch metadata
        ({"Sec-Fetch-Site": "same-origin"}, 200),
    ],
)
def test_the_form_requires_its_origin_check(
    bounded: tuple[World, MisuseService], clock: FakeClock, headers: dict[str, str], status: int
) -> None:
    world, _ = bounded
    token = form_token(world.client)
    clock.now += timedelta(seconds=10)
    form = {"t": token, "site": "https://copycat.example/", "seen": "the label"}
    assert world.client.post("/report", data=form, headers=headers).status_code == status
