"""Schemathesis against the served OpenAPI document, with a token for each role, on
SQLite and PostgreSQL: no server error, and every answer as the document says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from registry.bootstrap import initialise
from registry.config import Settings
from tests.support.fuzz import fuzz
from tests.support.people import own_token_via
from tests.support.serving import serving
from tests.support.world import World, build_world


def holder_token(world: World, own_token: Callable[[str], str]) -> str:
    person = world.post(
        "/api/v1/organisations/NL/12345678/people",
        world.staff,
        {"name": "Hanna", "email": "hanna@holder.example"},
    )
    assert person.status_code == 201, person.text
    return own_token(person.json()["id"])


def known_parameters(code: str) -> Callable[[str], dict[str, Any]]:
    """Path parameters that exist in the fuzzed registry, per path."""

    def known(path: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if "{code}" in path:
            values["code"] = code
        if "{slug}" in path:
            values["slug"] = "keurcontrole" if path.startswith("/api/v1/bodies") else "webwinkel"
        if path.startswith("/api/v1/schemes") and "{number}" in path:
            values["number"] = 1
        if "{domain}" in path:
            values["domain"] = "www.fietsen.example"
        if path.startswith("/api/v1/organisations"):
            values.update(country="NL", number="12345678")
        if "{assessment_id}" in path:
            values["assessment_id"] = 1
        return values

    return known


def test_the_served_contract_holds_under_fuzzing(settings: Settings, tmp_path: Path) -> None:
    with serving(settings, tmp_path, count=1) as (url,):
        staff = initialise(settings).identity.create_staff_token("Sam Staff").token
        with httpx.Client(base_url=url, timeout=30) as client:
            own_token = own_token_via(initialise(settings))
            world = build_world(client, staff, own_token)  # type: ignore[arg-type]
            world.today = date.today()
            code = world.certify()
            holder = holder_token(world, own_token)
        tokens = {
            "anonymous": None,
            "staff": staff,
            "body admin": world.admin,
            "auditor": world.auditor,
            "holder": holder,
        }
        run = fuzz(url, tokens, known_parameters(code))
    assert run.cases >= 200, run.cases
    assert not run.failures, "\n\n".join(f"{k}:\n{v}" for k, v in run.failures.items())
