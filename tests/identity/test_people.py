"""One e-mail, one person; memberships granted and changed by someone entitled; and
four-eyes between persons across all their memberships, whatever token they use."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from registry.bootstrap import Services
from tests.identity.conftest import accept, link_for
from tests.support.smtp import Inbox
from tests.support.world import World, bearer

CARLA = "carla@keurcontrole.example"  # the world's auditor


def me(world: World, token: str) -> dict[str, Any]:
    answer = world.client.get("/api/v1/me", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def grant(world: World, by: str, email: str, role: str, name: str = "Someone") -> Any:
    return world.post(
        "/api/v1/bodies/keurcontrole/people", by, {"name": name, "email": email, "role": role}
    )


def token_for(world: World, own: str, role: str) -> str:
    """A token the holder of ``own`` makes for their own ``role`` membership."""
    membership = next(m for m in me(world, own)["memberships"] if m["role"] == role)
    made = world.post("/api/v1/me/tokens", own, {"label": role, "membership": membership["id"]})
    assert made.status_code == 201, made.text
    assert made.json()["role"] == role
    token: str = made.json()["token"]
    return token


def submit(world: World, token: str) -> str:
    made = world.post("/api/v1/assessments", token, world.assessment())
    assert made.status_code == 201, made.text
    found: str = made.json()["id"]
    return found


def decide(world: World, assessment: str, token: str) -> Any:
    return world.post(f"/api/v1/assessments/{assessment}/decision", token, {"outcome": "certify"})


def test_one_email_is_one_person_whatever_its_case(world: World, service: Services) -> None:
    """The admin's bypass of old (a second person row for the auditor, as admin) now gives
    the auditor's own person a second membership; the database refuses a second row."""
    again = grant(world, world.admin2, "Carla@KeurControle.Example", "body_admin", "Carla Two")
    assert again.status_code == 201, again.text
    assert again.json()["id"] == world.auditor_person
    roles = sorted(m["role"] for m in me(world, world.auditor)["memberships"])
    assert roles == ["auditor", "body_admin"]
    with service.uow.db.engine.connect() as connection:
        count = connection.execute(
            sa.text("SELECT count(*) FROM person WHERE lower(email) = :e"), {"e": CARLA}
        ).scalar_one()
    assert count == 1
    with pytest.raises(sa.exc.IntegrityError), service.uow.db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO person (pseudonym, name, email, email_key, party_type, role, created_at) "
                "VALUES ('p-copy', 'Carla', 'CARLA@keurcontrole.example', :k, 'body', 'body_admin', :t)"
            ),
            {"k": CARLA, "t": "2026-06-01 12:00:00"},
        )


def test_the_same_person_through_two_memberships_cannot_decide_their_audit(
    world: World,
) -> None:
    assert grant(world, world.admin2, CARLA, "body_admin").status_code == 201
    as_admin = token_for(world, world.auditor, "body_admin")
    assert me(world, as_admin)["id"] == world.auditor_person
    assessment = submit(world, world.auditor)
    refused = decide(world, assessment, as_admin)
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"].endswith("/four-eyes")
    # Nor through a brand-new token of either membership; another person may.
    assert decide(world, assessment, token_for(world, as_admin, "body_admin")).status_code == 422
    assert decide(world, assessment, world.admin).status_code == 201


def test_an_admin_tied_to_the_organisation_through_a_membership_cannot_decide(
    world: World,
) -> None:
    world.certify()  # registers Fietsen B.V. (NL 12345678)
    bert = me(world, world.admin2)
    made = world.post(
        "/api/v1/organisations/NL/12345678/people",
        world.staff,
        {"name": "Bert", "email": "bert@keurcontrole.example"},
    )
    assert made.status_code == 201 and made.json()["id"] == bert["id"]
    assessment = submit(world, world.auditor)
    refused = decide(world, assessment, world.admin2)
    assert refused.status_code == 422 and "tied" in refused.json()["detail"]
    assert decide(world, assessment, world.admin).status_code == 201


def test_the_path_that_minted_tokens_for_others_is_gone(world: World) -> None:
    for by in (world.staff, world.admin):
        refused = world.post(f"/api/v1/people/{world.auditor_person}/tokens", by, {})
        assert refused.status_code == 403, refused.text
    paths = world.client.get("/schema/openapi.json").json()["paths"]
    assert not any(p.startswith("/api/v1/people/") and p.endswith("/tokens") for p in paths)
    assert "/api/v1/me/tokens" in paths


def test_admins_suspend_and_remove_people_of_their_own_body_only(
    world: World, service: Services
) -> None:
    base = f"/api/v1/bodies/keurcontrole/people/{world.auditor_person}/auditor"
    stranger_body = world.post(
        "/api/v1/bodies",
        world.staff,
        {"slug": "anderkeur", "name": "Anderkeur B.V.", "website": "https://anderkeur.example"},
    )
    assert stranger_body.status_code == 201
    assert world.post(f"{base}/suspend", world.auditor, {}).status_code == 403
    own = f"/api/v1/bodies/keurcontrole/people/{world.admin_person}/body_admin/suspend"
    assert world.post(own, world.admin, {}).status_code == 403  # not oneself

    suspended = world.post(f"{base}/suspend", world.admin, {})
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    answer = world.client.get("/api/v1/me", headers=bearer(world.auditor))
    assert answer.status_code == 401 and "suspended" in answer.json()["detail"]
    assert world.post(f"{base}/reinstate", world.admin, {}).status_code == 200
    assert me(world, world.auditor)["role"] == "auditor"
    assert world.post(f"{base}/remove", world.admin2, {}).status_code == 200
    assert world.client.get("/api/v1/me", headers=bearer(world.auditor)).status_code == 401
    assert world.post(f"{base}/reinstate", world.admin, {}).status_code == 409

    # Each change names who made it, and is a write record of its own.
    with service.uow.db.engine.connect() as connection:
        actions = connection.execute(
            sa.text(
                "SELECT w.action, p.pseudonym FROM write_record w JOIN person p ON p.id = w.person_id "
                "WHERE w.action LIKE 'membership_%' ORDER BY w.id"
            )
        ).all()
        changed_by = connection.execute(
            sa.text(
                "SELECT p.pseudonym FROM membership m JOIN person p ON p.id = m.changed_by_id "
                "JOIN person a ON a.id = m.person_id WHERE a.pseudonym = :a"
            ),
            {"a": world.auditor_person},
        ).scalar_one()
    assert [a for a, _ in actions] == [
        "membership_suspended",
        "membership_active",
        "membership_revoked",
    ]
    admin2 = me(world, world.admin2)["id"]
    assert [p for _, p in actions] == [world.admin_person, world.admin_person, admin2]
    assert changed_by == admin2


def test_grants_are_write_records_by_someone_entitled(world: World, service: Services) -> None:
    with service.uow.db.engine.connect() as connection:
        granted = connection.execute(
            sa.text(
                "SELECT a.pseudonym, m.role, g.pseudonym FROM membership m "
                "JOIN person a ON a.id = m.person_id LEFT JOIN person g ON g.id = m.granted_by_id "
                "ORDER BY m.id"
            )
        ).all()
        records = connection.execute(
            sa.text("SELECT count(*) FROM write_record WHERE action = 'grant_membership'")
        ).scalar_one()
    staff = me(world, world.staff)["id"]
    assert granted[0] == (staff, "staff", None)  # the command-line bootstrap
    assert (world.admin_person, "body_admin", staff) in granted
    assert (world.auditor_person, "auditor", world.admin_person) in granted
    assert records == 4
    # An auditor grants nothing; staff do not add a body's auditors.
    assert grant(world, world.auditor, "x@keurcontrole.example", "auditor").status_code == 403
    assert grant(world, world.staff, "x@keurcontrole.example", "auditor").status_code == 403


def test_a_person_created_by_an_admin_cannot_act_until_they_accept(
    world: World, client: TestClient[Any], inbox: Inbox
) -> None:
    """An admin can make a person row for any address, but only whoever reads that
    mailbox can sign in and make a token: the admin never acts as them."""
    made = grant(world, world.admin, "puppet@keurcontrole.example", "auditor")
    assert made.status_code == 201
    page = client.get("/account")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    refused = client.post(
        "/account/sign-in",
        data={"csrf": csrf, "email": "puppet@keurcontrole.example", "password": "anything at all"},
        follow_redirects=False,
    )
    assert refused.status_code == 401
    assert accept(client, link_for(inbox, "puppet@keurcontrole.example")).status_code == 303
    assert "puppet@keurcontrole.example" in client.get("/account").text
