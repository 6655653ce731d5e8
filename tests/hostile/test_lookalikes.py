"""Staff see organisations whose names imitate another's; nobody else does."""

from __future__ import annotations

from tests.api.test_problems import assert_problem
from tests.support.world import World, bearer

PATH = "/api/v1/organisations/lookalikes"


def test_a_lookalike_organisation_is_flagged_for_staff(world: World) -> None:
    world.certify()  # Fietsen B.V., 12345678
    imitation = world.assessment(
        organisation={
            "legal_name": "Fіetsen B.V.",  # a Cyrillic і
            "country": "NL",
            "registration_number": "87654321",
        },
        domains=["fietsen-echt.example"],
    )
    assert world.post("/api/v1/assessments", world.auditor, imitation).status_code == 201
    honest = world.assessment(
        organisation={
            "legal_name": "Fietsen Twee B.V.",
            "country": "NL",
            "registration_number": "11112222",
        },
        domains=["fietsen-twee.example"],
    )
    assert world.post("/api/v1/assessments", world.auditor, honest).status_code == 201
    response = world.client.get(PATH, headers=bearer(world.staff))
    assert response.status_code == 200, response.text
    (group,) = response.json()
    assert sorted(o["registration_number"] for o in group["organisations"]) == [
        "12345678",
        "87654321",
    ]
    assert_problem(world.client.get(PATH, headers=bearer(world.admin)), 403)
    assert_problem(world.client.get(PATH), 401)
