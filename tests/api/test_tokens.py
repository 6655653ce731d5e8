"""Bearer tokens: random, stored only as SHA-256, scoped to one person, revocable; every
authenticated write can be traced to the person who made it."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from registry.bootstrap import Services
from tests.support.people import own_token_of
from tests.support.world import CRITERIA, World, bearer

TOKEN = re.compile(r"tlr_([A-Za-z0-9_-]+)")


# --- helpers ---------------------------------------------------------------------------


def assert_problem(response: Any, status: int, rule: str, *named: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith(f"/problems/{rule}") and body["status"] == status, body
    for word in named:
        assert word in body["detail"], body["detail"]


_TABLES: dict[str, list[sa.Table]] = {}  # by database URL: one test's, or the shared PostgreSQL one


def tables(service: Services) -> list[sa.Table]:
    """The registry's tables, reflected once per test."""
    if service.uow.db.url not in _TABLES:
        _TABLES.clear()
        metadata = sa.MetaData()
        with service.uow.db.engine.connect() as connection:
            metadata.reflect(connection)
        _TABLES[service.uow.db.url] = [
            t for t in metadata.sorted_tables if t.name != "alembic_version"
        ]
    return _TABLES[service.uow.db.url]


def rows(service: Services, among: list[sa.Table]) -> dict[str, set[tuple[tuple[str, Any], ...]]]:
    """Every row of every table as (column, value) pairs."""
    with service.uow.db.engine.connect() as connection:
        return {
            t.name: {tuple(dict(row._mapping).items()) for row in connection.execute(sa.select(t))}
            for t in among
        }


def person_id(service: Services, pseudonym: str) -> int:
    with service.uow.db.engine.connect() as connection:
        return int(
            connection.execute(
                sa.text("SELECT id FROM person WHERE pseudonym = :p"), {"p": pseudonym}
            ).scalar_one()
        )


def pseudonym_of(world: World, token: str) -> str:
    me = world.client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    found: str = me.json()["id"]
    return found


def new_token(world: World, own: str, label: str = "") -> dict[str, Any]:
    """A new token that the holder of token ``own`` makes for themselves."""
    issued = world.post("/api/v1/me/tokens", own, {"label": label})
    assert issued.status_code == 201, issued.text
    body: dict[str, Any] = issued.json()
    return body


def other_body_admin(world: World) -> str:
    """A token of the admin of a second, unrelated certification body."""
    body = world.post(
        "/api/v1/bodies",
        world.staff,
        {"slug": "anderkeur", "name": "Anderkeur B.V.", "website": "https://anderkeur.example"},
    )
    assert body.status_code == 201, body.text
    person = world.post(
        "/api/v1/bodies/anderkeur/people",
        world.staff,
        {"name": "Olga Other", "email": "olga@anderkeur.example", "role": "body_admin"},
    )
    assert person.status_code == 201, person.text
    plain: str = own_token_of(world.client)(person.json()["id"])
    return plain


def the_world_tokens(world: World) -> list[str]:
    return [world.staff, world.admin, world.admin2, world.auditor, world.auditor_affiliated]


# --- storage and strength ------------------------------------------------------------------


def test_tokens_are_random_and_stored_only_as_their_sha256(world: World, service: Services) -> None:
    issued = [new_token(world, world.auditor, f"t{i}")["token"] for i in range(20)]
    plain = the_world_tokens(world) + issued
    assert len(set(plain)) == len(plain)

    # At least 128 random bits, drawn from the whole base64url alphabet (not hex, not a
    # counter): 860 uniform draws from 64 characters leave more than 8 unseen with
    # negligible probability.
    seen: set[str] = set()
    for token in plain:
        match = TOKEN.fullmatch(token)
        assert match is not None, token
        random_part = match[1]
        raw = base64.urlsafe_b64decode(random_part + "=" * (-len(random_part) % 4))
        assert len(raw) * 8 >= 128 and len(random_part) * 6 >= 128, token
        seen.update(random_part)
    assert len(seen) >= 56, sorted(seen)

    # No table holds a plain token, or even its random part.
    everything = rows(service, tables(service))
    values = [
        str(value) for table in everything.values() for row in table for _column, value in row
    ]
    for token in plain:
        random_part = token.removeprefix("tlr_")
        assert not any(random_part in value for value in values), "a plain token is stored"

    # The api_token table holds exactly the SHA-256 of each, with its person and role.
    with service.uow.db.engine.connect() as connection:
        stored = {
            row.token_hash: (row.pseudonym, row.role)
            for row in connection.execute(
                sa.text(
                    "SELECT t.token_hash, p.pseudonym, t.role FROM api_token t JOIN person p ON p.id = t.person_id"
                )
            )
        }
    assert {hashlib.sha256(t.encode()).hexdigest() for t in plain} == stored.keys()
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in stored)
    assert stored[hashlib.sha256(world.admin.encode()).hexdigest()] == (
        world.admin_person,
        "body_admin",
    )
    assert stored[hashlib.sha256(world.auditor.encode()).hexdigest()] == (
        world.auditor_person,
        "auditor",
    )
    assert stored[hashlib.sha256(issued[0].encode()).hexdigest()] == (
        world.auditor_person,
        "auditor",
    )


def test_a_revoked_token_is_refused_at_once(world: World, service: Services) -> None:
    laptop = new_token(world, world.auditor, "laptop")
    assert (laptop["role"], laptop["person"]) == ("auditor", world.auditor_person)
    assert world.client.get("/api/v1/me", headers=bearer(laptop["token"])).status_code == 200

    revoked = world.client.delete(f"/api/v1/tokens/{laptop['id']}", headers=bearer(world.admin))
    assert revoked.status_code == 204, revoked.text
    assert_problem(
        world.client.get("/api/v1/me", headers=bearer(laptop["token"])),
        401,
        "unauthenticated",
        "revoked",
    )
    refused = world.post("/api/v1/assessments", laptop["token"], world.assessment())
    assert_problem(refused, 401, "unauthenticated", "revoked")
    assert refused.headers["www-authenticate"].startswith("Bearer")
    with service.uow.db.engine.connect() as connection:
        revoked_at = connection.execute(
            sa.text("SELECT revoked_at FROM api_token WHERE id = :i"), {"i": laptop["id"]}
        ).scalar_one()
    assert revoked_at is not None

    # Only that token: the auditor's other token still works.
    assert world.client.get("/api/v1/me", headers=bearer(world.auditor)).status_code == 200
    # A person may revoke their own token with that very token.
    phone = new_token(world, world.auditor, "phone")
    assert (
        world.client.delete(
            f"/api/v1/tokens/{phone['id']}", headers=bearer(phone["token"])
        ).status_code
        == 204
    )
    assert_problem(
        world.client.get("/api/v1/me", headers=bearer(phone["token"])), 401, "unauthenticated"
    )
    assert_problem(
        world.client.delete("/api/v1/tokens/9999", headers=bearer(world.admin)),
        404,
        "not-found",
        "9999",
    )


def test_nobody_issues_tokens_for_another_and_strangers_cannot_revoke(
    world: World, service: Services
) -> None:
    """The path that minted tokens for others answers 403 to everyone (staff and the
    person's own admin too) and is gone from the documentation."""
    stranger = other_body_admin(world)
    laptop = new_token(world, world.auditor, "laptop")
    among = tables(service)
    before = rows(service, among)
    for by in (stranger, world.admin, world.staff, world.auditor):
        for person in (world.auditor_person, world.admin_person):
            refused = world.post(f"/api/v1/people/{person}/tokens", by, {"label": "mine now"})
            assert_problem(refused, 403, "forbidden", "only by the person they belong to")
    assert (
        "/api/v1/people/{person_id}/tokens"
        not in world.client.get("/schema/openapi.json").json()["paths"]
    )
    assert_problem(
        world.client.delete(f"/api/v1/tokens/{laptop['id']}", headers=bearer(stranger)),
        403,
        "forbidden",
    )
    # Nor may an auditor issue tokens for a colleague.
    colleague = pseudonym_of(world, world.auditor_affiliated)
    assert_problem(
        world.post(f"/api/v1/people/{colleague}/tokens", world.auditor, {}), 403, "forbidden"
    )
    assert rows(service, among) == before
    assert world.client.get("/api/v1/me", headers=bearer(laptop["token"])).status_code == 200


# --- identity and attribution ------------------------------------------------------------------


def test_me_names_the_person_and_role_behind_the_token(world: World) -> None:
    def me(token: str) -> dict[str, Any]:
        response = world.client.get("/api/v1/me", headers=bearer(token))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    assert (
        me(world.admin).items()
        >= {
            "id": world.admin_person,
            "name": "Anna Admin",
            "role": "body_admin",
            "body": "keurcontrole",
        }.items()
    )
    assert (
        me(world.auditor).items()
        >= {
            "id": world.auditor_person,
            "name": "Carla Auditor",
            "role": "auditor",
            "body": "keurcontrole",
        }.items()
    )
    staff = me(world.staff)
    assert (staff["name"], staff["role"], staff.get("body")) == ("Sam Staff", "staff", None)
    assert me(world.admin2)["id"] not in (world.admin_person, world.auditor_person, staff["id"])

    assert world.post("/api/v1/assessments", world.auditor, world.assessment()).status_code == 201
    holder = world.post(
        "/api/v1/organisations/NL/12345678/people",
        world.staff,
        {"name": "Henk Holder", "email": "henk@fietsen.example"},
    ).json()
    holder_token = own_token_of(world.client)(holder["id"])
    assert me(holder_token) | {"memberships": []} == {
        "id": holder["id"],
        "name": "Henk Holder",
        "role": "holder",
        "body": None,
        "organisation": "NL-12345678",
        "membership": me(holder_token)["membership"],
        "email": None,
        "memberships": [],
    }
    assert [(m["role"], m["party"], m["party_name"]) for m in me(holder_token)["memberships"]] == [
        ("holder", "NL-12345678", "Fietsen B.V.")
    ]


def _attributed(service: Services, pseudonym: str, write: Callable[[], Any]) -> bool:
    """Whether a row the write added or changed names its author: a reference to the
    author's person row, or their pseudonymous id."""
    among = tables(service)
    person_columns = {
        t.name: {fk.parent.name for fk in t.foreign_keys if fk.column.table.name == "person"}
        for t in among
    }
    author = person_id(service, pseudonym)
    before = rows(service, among)
    response = write()
    assert response.status_code in (200, 201, 204), response.text
    after = rows(service, among)
    for name, table_rows in after.items():
        for row in table_rows - before[name]:
            values = dict(row)
            if any(values[column] == author for column in person_columns[name]):
                return True
            if pseudonym in values.values():
                return True
    return False


def test_writes_are_attributed_to_their_author(world: World, service: Services) -> None:
    staff = pseudonym_of(world, world.staff)
    admin2 = pseudonym_of(world, world.admin2)
    answers: dict[str, Any] = {}

    def keep(name: str, response: Any) -> Any:
        answers[name] = response.json()
        return response

    writes: list[tuple[str, str, Callable[[], Any]]] = [
        (
            "publish a scheme version",
            staff,
            lambda: world.post(
                "/api/v1/schemes/webwinkel/versions", world.staff, {"criteria": CRITERIA}
            ),
        ),
        (
            "submit an assessment",
            world.auditor_person,
            lambda: keep(
                "submitted", world.post("/api/v1/assessments", world.auditor, world.assessment())
            ),
        ),
        (
            "decide",
            world.admin_person,
            lambda: keep(
                "decided",
                world.post(
                    f"/api/v1/assessments/{answers['submitted']['id']}/decision",
                    world.admin,
                    {"outcome": "certify"},
                ),
            ),
        ),
        (
            "suspend",
            admin2,
            lambda: world.post(
                f"/api/v1/certificates/{answers['decided']['certificate']}/suspend",
                world.admin2,
                {"reason": "complaints not handled"},
            ),
        ),
    ]
    unattributed = [
        label for label, author, write in writes if not _attributed(service, author, write)
    ]
    assert unattributed == []

    # The answers name people by their pseudonymous id: the auditor, and the deciding admin.
    assert answers["submitted"]["auditor"] == world.auditor_person
    assert answers["decided"]["decided_by"] == world.admin_person
    with service.uow.db.engine.connect() as connection:
        decided_by = connection.execute(sa.text("SELECT decided_by_id FROM decision")).scalar_one()
        actors = connection.execute(
            sa.text(
                "SELECT e.type, p.pseudonym FROM certificate_event e JOIN person p ON p.id = e.actor_id ORDER BY e.id"
            )
        ).all()
    assert decided_by == person_id(service, world.admin_person)
    assert [tuple(a) for a in actors] == [("issued", world.admin_person), ("suspended", admin2)]


def test_every_authenticated_write_records_its_author(world: World, service: Services) -> None:
    staff = pseudonym_of(world, world.staff)
    laptop: dict[str, Any] = {}

    def issue() -> Any:
        response = world.post("/api/v1/me/tokens", world.admin, {"label": "laptop"})
        laptop.update(response.json())
        return response

    writes: list[tuple[str, str, Callable[[], Any]]] = [
        (
            "create a scheme",
            staff,
            lambda: world.post(
                "/api/v1/schemes",
                world.staff,
                {
                    "slug": "nieuw",
                    "name_nl": "N",
                    "name_en": "N",
                    "owner": "O",
                    "audited_by_nl": "A",
                    "audited_by_en": "A",
                },
            ),
        ),
        (
            "register a body",
            staff,
            lambda: world.post(
                "/api/v1/bodies",
                world.staff,
                {"slug": "nieuw", "name": "Nieuw", "website": "https://nieuw.example"},
            ),
        ),
        (
            "record an accreditation",
            staff,
            lambda: world.post(
                "/api/v1/bodies/nieuw/accreditations",
                world.staff,
                {
                    "accrediting_body": "RvA",
                    "registration_number": "C 2",
                    "valid_from": "2026-01-01",
                    "valid_until": "2030-01-01",
                    "schemes": ["nieuw"],
                },
            ),
        ),
        (
            "add a person",
            world.admin_person,
            lambda: world.post(
                "/api/v1/bodies/keurcontrole/people",
                world.admin,
                {"name": "Eva Auditor", "email": "eva@keurcontrole.example", "role": "auditor"},
            ),
        ),
        ("issue a token", world.admin_person, issue),
        (
            "revoke a token",
            world.admin_person,
            lambda: world.client.delete(
                f"/api/v1/tokens/{laptop['id']}", headers=bearer(world.admin)
            ),
        ),
    ]
    unattributed = [
        label for label, author, write in writes if not _attributed(service, author, write)
    ]
    assert unattributed == []
