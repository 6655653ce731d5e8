"""Pages follow changes: status events, the clock, renamed holders, tampered rows."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from registry.bootstrap import Services
from registry.search.service import Search
from tests.support.env import FakeClock
from tests.support.world import World


def test_expiry_by_the_clock_shows_expired_with_its_reason(world: World, clock: FakeClock) -> None:
    code = world.certify()
    clock.now = datetime(2027, 6, 1, tzinfo=UTC)
    page = world.client.get(f"/c/{code}", params={"lang": "en"})
    assert '<span class="status-word">Expired</span>' in page.text
    assert "validity period ended" in page.text and "1 June 2027" in page.text
    assert "geldigheidsduur verstreken" in world.client.get(f"/c/{code}").text
    assert "badge-expired" in world.client.get("/", params={"q": "fietsen"}).text


def test_the_cache_lifetime_never_outlives_expiry(world: World, clock: FakeClock) -> None:
    code = world.certify()
    assert world.client.get(f"/c/{code}").headers["cache-control"] == "public, max-age=60"
    clock.now = datetime(2027, 5, 31, 23, 59, 35, tzinfo=UTC)  # 25 s before valid_until
    for path in [f"/c/{code}", "/?q=fietsen", "/bodies/keurcontrole", "/schemes/webwinkel"]:
        cache = world.client.get(path).headers["cache-control"]
        assert cache == "public, max-age=25, must-revalidate", path


def test_a_status_change_changes_the_etag(world: World) -> None:
    code = world.certify()
    etag = world.client.get(f"/c/{code}").headers["etag"]
    world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "complaints"})
    changed = world.client.get(f"/c/{code}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert '<span class="status-word">Geschorst</span>' in changed.text


def test_a_credential_tampered_in_the_database_fails_the_servers_check(
    world: World, service: Services
) -> None:
    code = world.certify()
    token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    header, payload, signature = token.split(".")
    flipped = "A" if payload[-2] != "A" else "B"
    forged = f"{header}.{payload[:-2]}{flipped}{payload[-1]}.{signature}"
    with service.uow.db.write() as session:
        session.execute(
            sa.text("UPDATE certificate SET credential = :c WHERE code = :code"),
            {"c": forged, "code": code},
        )
    html = world.client.get(f"/c/{code}", params={"lang": "en"}).text
    server = html.split('id="server-steps"', 1)[1].split("</ol>", 1)[0]
    assert "step-failed" in server and "FAILED" in server


def test_renaming_an_organisation_updates_the_index(world: World, service: Services) -> None:
    code = world.certify()
    with service.uow.db.write() as session:
        session.execute(
            sa.text("UPDATE organisation SET legal_name = :name WHERE registration_number = :n"),
            {"name": "Rijwielhandel Zoë", "n": "12345678"},
        )
    search = Search(service.uow.db, service.uow.clock)
    assert [h.code for h in search.find("rijwiel zoe").hits] == [code]
    assert search.find("fietsen").hits == []
