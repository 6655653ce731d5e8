"""Misuse reports and foreign-embed counts: anyone reports, staff and the certificate's
body read, a client is rate-limited by a counter in the database, and no address is kept."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from registry.bootstrap import Services
from registry.domain.codes import new_code
from registry.errors import RateLimitedError
from registry.misuse.store import MisuseReportCreate
from tests.support.env import FakeClock
from tests.support.people import own_token_of
from tests.support.world import World, bearer

REPORTS = "/api/v1/misuse-reports"


def report(world: World, **fields: Any) -> Any:
    body = {"site": "https://www.nep-fietsen.example/shop", "seen": "The label in the footer."}
    body.update(fields)
    return world.client.post(REPORTS, json=body)


def listed(world: World, token: str, status: str = "open") -> list[dict[str, Any]]:
    response = world.client.get(REPORTS, params={"status": status}, headers=bearer(token))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def assert_problem(response: Any, status: int, *named: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    for word in named:
        assert word in problem["detail"], problem["detail"]
    return problem


def other_body_admin(world: World) -> str:
    created = world.post(
        "/api/v1/bodies",
        world.staff,
        {"slug": "anderkeur", "name": "Anderkeur B.V.", "website": "https://anderkeur.example"},
    )
    assert created.status_code == 201, created.text
    person = world.post(
        "/api/v1/bodies/anderkeur/people",
        world.staff,
        {"name": "Olga Other", "email": "olga@anderkeur.example", "role": "body_admin"},
    )
    plain: str = own_token_of(world.client)(person.json()["id"])
    return plain


def holder_of(world: World, number: str, name: str) -> str:
    person = world.post(
        f"/api/v1/organisations/NL/{number}/people",
        world.staff,
        {"name": name, "email": f"{number}@holder.example"},
    )
    assert person.status_code == 201, person.text
    plain: str = own_token_of(world.client)(person.json()["id"])
    return plain


def test_a_report_reaches_staff_and_the_certificates_body_only(
    world: World, service: Services
) -> None:
    code = world.certify()
    other = other_body_admin(world)
    made_up = new_code()
    sent = report(
        world, certificate=code.lower().replace("-", " "), contact_email="Piet@Example.COM"
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["id"].startswith("mr_") and sent.json()["submitted_at"].endswith("Z")
    assert report(world, site="copycat.example", certificate=made_up).status_code == 201
    assert service.misuse.record_foreign_embed(code, "https://www.nep-fietsen.example/")
    assert service.misuse.record_foreign_embed(code, "nep-fietsen.example")

    staff_view = listed(world, world.staff)
    assert [r["domain"] for r in staff_view] == ["copycat.example", "nep-fietsen.example"]
    unknown, known = staff_view
    assert (unknown["certificate"], unknown["certificate_known"], unknown["body"]) == (
        made_up,
        False,
        None,
    )
    assert (
        known["certificate"] == code
        and known["certificate_known"]
        and known["body"] == "keurcontrole"
    )
    assert known["site"] == "https://www.nep-fietsen.example/shop"
    assert known["contact_email"] == "Piet@example.com"
    assert known["seen"] == "The label in the footer." and known["handled_at"] is None
    assert known["foreign_embeds"] == [
        {
            "certificate": code,
            "domain": "nep-fietsen.example",
            "total": 2,
            "first_day": "2026-06-01",
            "last_day": "2026-06-01",
        }
    ]

    assert [r["id"] for r in listed(world, world.admin)] == [known["id"]]
    assert listed(world, other) == []
    assert_problem(
        world.client.get(REPORTS, headers=bearer(world.auditor)), 403, "staff or body_admin"
    )
    assert_problem(world.client.get(REPORTS), 401)

    handle = f"{REPORTS}/{known['id']}/handled"
    assert_problem(world.post(handle, other, {"note": "not ours"}), 404, known["id"])
    done = world.post(handle, world.admin, {"note": "Holder asked to remove the label."})
    assert done.status_code == 200, done.text
    assert done.json()["handled_note"] == "Holder asked to remove the label."
    assert done.json()["handled_by"] == world.admin_person and done.json()["handled_at"]
    assert_problem(world.post(handle, world.staff, {"note": "again"}), 409, "already handled")
    assert listed(world, world.admin) == []
    assert [r["id"] for r in listed(world, world.admin, "handled")] == [known["id"]]
    assert len(listed(world, world.staff, "all")) == 2


def test_reports_never_enter_the_log(world: World) -> None:
    before = world.client.get("/log/checkpoint").text
    assert report(world, contact_email="piet@example.com").status_code == 201
    assert world.client.get("/log/checkpoint").text == before


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"site": "not a domain"}, "site"),
        ({"site": "http://127.0.0.1/"}, "IP address"),
        ({"site": "localhost"}, "two labels"),
        ({"certificate": "TL-7K3Q-9XPM-Y"}, "mistyped"),
        ({"certificate": "hello"}, "certificate code"),
        ({"seen": ""}, "seen"),
        ({"seen": "   "}, "seen"),
        ({"seen": "x" * 2001}, "seen"),
        ({"seen": "bell\x07"}, "control character"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"contact_email": "a@b"}, "contact_email"),
        ({"contact_email": "a b@example.com"}, "contact_email"),
        ({"honeypot": "x"}, "honeypot"),
    ],
)
def test_invalid_reports_say_what_is_wrong(
    world: World, fields: dict[str, Any], named: str
) -> None:
    refused = report(world, **fields)
    assert_problem(refused, 400, named)


def test_a_client_is_rate_limited_by_the_database(
    world: World, service: Services, clock: FakeClock
) -> None:
    clock.advance(minutes=20)  # 12:20: the hour's window ends in 40 minutes
    for _ in range(5):
        assert report(world).status_code == 201
    limited = report(world)
    problem = assert_problem(limited, 429, "at most 5 reports an hour")
    assert limited.headers["retry-after"] == "2400" and problem["status"] == 429
    # A refused request is not stored, and another client is not affected.
    assert len(listed(world, world.staff)) == 5
    data = MisuseReportCreate(site="fietsen.example", seen="label")
    assert service.misuse.submit_misuse_report(data, "203.0.113.9").id
    with pytest.raises(RateLimitedError):
        service.misuse.submit_misuse_report(data, "testclient")
    # IPv6 clients are counted by their /64.
    for host in range(5):
        service.misuse.submit_misuse_report(data, f"2001:db8:1:2::{host + 1}")
    with pytest.raises(RateLimitedError):
        service.misuse.submit_misuse_report(data, "2001:db8:1:2:ffff::1")

    clock.advance(minutes=40)
    assert report(world).status_code == 201


def test_no_client_address_is_stored(world: World, service: Services, clock: FakeClock) -> None:
    data = MisuseReportCreate(site="fietsen.example", seen="label", contact_email="x@example.com")
    service.misuse.submit_misuse_report(data, "203.0.113.77")
    service.misuse.submit_misuse_report(data, "2001:db8:77::5")
    clock.advance(days=1)
    service.misuse.submit_misuse_report(data, "203.0.113.77")

    with service.uow.db.engine.connect() as connection:
        dump = {
            table: [tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {table}"))]  # noqa: S608  (fixed names)
            for table in ("misuse_report", "client_rate", "client_salt")
        }
        hashes = (
            connection.execute(sa.text("SELECT client_hash FROM misuse_report ORDER BY id"))
            .scalars()
            .all()
        )
    text = repr(dump)
    assert "203.0.113" not in text and "2001:db8" not in text
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)
    assert hashes[0] != hashes[2], "a new day's salt makes a new hash"
    assert len(dump["client_salt"]) == 1, "the salts of past days are deleted"


def test_foreign_embeds_are_counted_per_domain_and_day(
    world: World, service: Services, clock: FakeClock
) -> None:
    code = world.certify()
    other_code = world.certify(
        organisation={"legal_name": "Boeken B.V.", "registration_number": "87654321"},
        domains=["boeken.example"],
    )
    holder = holder_of(world, "12345678", "Henk Holder")
    other_holder = holder_of(world, "87654321", "Bea Boeken")
    other_body = other_body_admin(world)

    for host in ("https://copycat.example/page", "www.copycat.example", "other.example"):
        assert service.misuse.record_foreign_embed(code, host)
    clock.advance(days=1)
    assert service.misuse.record_foreign_embed(code, "copycat.example")
    assert service.misuse.record_foreign_embed(other_code, "copycat.example")
    assert not service.misuse.record_foreign_embed(new_code(), "copycat.example")

    expected = [
        {"certificate": code, "domain": "copycat.example", "day": "2026-06-02", "count": 1},
        {"certificate": code, "domain": "copycat.example", "day": "2026-06-01", "count": 2},
        {"certificate": code, "domain": "other.example", "day": "2026-06-01", "count": 1},
    ]
    own = world.client.get(
        f"/api/v1/holder/certificates/{code}/foreign-embeds", headers=bearer(holder)
    )
    assert own.status_code == 200, own.text
    assert own.json() == expected
    today_only = world.client.get(
        f"/api/v1/holder/certificates/{code}/foreign-embeds",
        params={"days": 1},
        headers=bearer(holder),
    )
    assert today_only.json() == expected[:1]

    body = world.client.get(
        "/api/v1/bodies/keurcontrole/foreign-embeds", headers=bearer(world.admin)
    ).json()
    assert [r["day"] for r in body] == ["2026-06-02"] * 2 + ["2026-06-01"] * 2
    assert {
        (r["certificate"], r["day"], r["count"]) for r in body if r["domain"] == "copycat.example"
    } == {
        (code, "2026-06-02", 1),
        (other_code, "2026-06-02", 1),
        (code, "2026-06-01", 2),
    }
    staff = world.client.get(
        "/api/v1/bodies/keurcontrole/foreign-embeds", headers=bearer(world.staff)
    )
    assert staff.status_code == 200 and staff.json() == body

    for token, path in (
        (other_holder, f"/api/v1/holder/certificates/{code}/foreign-embeds"),
        (world.admin, f"/api/v1/holder/certificates/{code}/foreign-embeds"),
        (other_body, "/api/v1/bodies/keurcontrole/foreign-embeds"),
        (world.auditor, "/api/v1/bodies/keurcontrole/foreign-embeds"),
        (holder, "/api/v1/bodies/keurcontrole/foreign-embeds"),
    ):
        assert_problem(world.client.get(path, headers=bearer(token)), 403)
    assert_problem(world.client.get("/api/v1/bodies/keurcontrole/foreign-embeds"), 401)

    with service.uow.db.engine.connect() as connection:
        columns = [c["name"] for c in sa.inspect(connection).get_columns("foreign_embed")]
    assert sorted(columns) == ["certificate_id", "count", "day", "domain"]
