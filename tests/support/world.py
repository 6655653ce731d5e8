"""A small registry built through the API: the cast every workflow test starts from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from litestar.testing import TestClient

CRITERIA = [
    {
        "code": "WS-1.1",
        "title_nl": "Identiteit",
        "title_en": "Identity",
        "checked_nl": "KvK en adres op de site.",
        "checked_en": "Chamber of Commerce number and address on the site.",
        "method": "document_review",
        "dimension": "integrity",
        "mandatory": True,
    },
    {
        "code": "WS-2.1",
        "title_nl": "Veilige betaling",
        "title_en": "Secure payment",
        "checked_nl": "TLS en betaalprovider.",
        "checked_en": "TLS and payment provider.",
        "method": "technical_test",
        "dimension": "competence",
        "mandatory": True,
    },
    {
        "code": "WS-3.1",
        "title_nl": "Levering",
        "title_en": "Delivery",
        "checked_nl": "Proefbestelling op tijd geleverd.",
        "checked_en": "Test order delivered on time.",
        "method": "mystery_shopping",
        "dimension": "reliability",
        "mandatory": True,
    },
    {
        "code": "WS-4.1",
        "title_nl": "Klachten",
        "title_en": "Complaints",
        "checked_nl": "Klanttevredenheid over klachten.",
        "checked_en": "Customer satisfaction with complaint handling.",
        "method": "customer_survey",
        "dimension": "benevolence",
        "mandatory": False,
    },
]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    client: TestClient[Any]
    staff: str
    admin: str = ""
    admin2: str = ""
    auditor: str = ""
    auditor_affiliated: str = ""
    auditor_person: str = ""
    admin_person: str = ""
    today: date = date(2026, 6, 1)
    tokens: dict[str, str] = field(default_factory=dict)

    def post(self, path: str, token: str, body: Any) -> Any:
        return self.client.post(path, json=body, headers=bearer(token))

    def assessment(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "initial",
            "scheme": "webwinkel",
            "scheme_version": 1,
            "organisation": {
                "legal_name": "Fietsen B.V.",
                "country": "NL",
                "registration_number": "12345678",
            },
            "audit_start": str(self.today - timedelta(days=10)),
            "audit_end": str(self.today - timedelta(days=8)),
            "scope": "Online sales of bicycles",
            "domains": ["https://www.fietsen.example/shop", "fietsen-outlet.example"],
            "findings": [
                {
                    "criterion": c["code"],
                    "result": "conforming",
                    "evidence_summary": "seen",
                    "evidence_digests": ["ab" * 32],
                }
                for c in CRITERIA
            ],
        }
        body.update(overrides)
        return body

    def certify(self, **overrides: Any) -> str:
        """Submit as the auditor and certify as the admin; the certificate code."""
        submitted = self.post("/api/v1/assessments", self.auditor, self.assessment(**overrides))
        assert submitted.status_code == 201, submitted.text
        decided = self.post(
            f"/api/v1/assessments/{submitted.json()['id']}/decision",
            self.admin,
            {"outcome": "certify"},
        )
        assert decided.status_code == 201, decided.text
        code: str = decided.json()["certificate"]
        return code


def build_world(
    client: TestClient[Any], staff_token: str, own_token: Callable[[str], str] | None = None
) -> World:
    """The cast, invited by e-mail through the API; each person then makes their own token
    (``own_token``: by default through the in-process client's application)."""
    world = World(client=client, staff=staff_token)
    if own_token is None:
        from tests.support.people import own_token_of

        own_token = own_token_of(client)

    def ok(response: Any) -> Any:
        assert response.status_code in (200, 201), response.text
        return response.json()

    ok(
        world.post(
            "/api/v1/schemes",
            staff_token,
            {
                "slug": "webwinkel",
                "name_nl": "Webwinkel Keur",
                "name_en": "Web Shop Label",
                "owner": "Stichting Keur",
                "audited_by_nl": "Geaccrediteerde instellingen",
                "audited_by_en": "Accredited bodies",
                "max_validity_months": 12,
            },
        )
    )
    ok(world.post("/api/v1/schemes/webwinkel/versions", staff_token, {"criteria": CRITERIA}))
    ok(
        world.post(
            "/api/v1/bodies",
            staff_token,
            {
                "slug": "keurcontrole",
                "name": "Keurcontrole B.V.",
                "website": "https://keurcontrole.example",
            },
        )
    )
    ok(
        world.post(
            "/api/v1/bodies/keurcontrole/accreditations",
            staff_token,
            {
                "accrediting_body": "Raad voor Accreditatie",
                "registration_number": "C 123",
                "valid_from": "2025-01-01",
                "valid_until": "2029-12-31",
                "schemes": ["webwinkel"],
            },
        )
    )
    admin = ok(
        world.post(
            "/api/v1/bodies/keurcontrole/people",
            staff_token,
            {"name": "Anna Admin", "email": "anna@keurcontrole.example", "role": "body_admin"},
        )
    )
    world.admin_person = admin["id"]
    world.admin = own_token(admin["id"])
    admin2 = ok(
        world.post(
            "/api/v1/bodies/keurcontrole/people",
            world.admin,
            {"name": "Bert Admin", "email": "bert@keurcontrole.example", "role": "body_admin"},
        )
    )
    world.admin2 = own_token(admin2["id"])
    auditor = ok(
        world.post(
            "/api/v1/bodies/keurcontrole/people",
            world.admin,
            {"name": "Carla Auditor", "email": "carla@keurcontrole.example", "role": "auditor"},
        )
    )
    world.auditor_person = auditor["id"]
    world.auditor = own_token(auditor["id"])
    tied = ok(
        world.post(
            "/api/v1/bodies/keurcontrole/people",
            world.admin,
            {
                "name": "Dirk Auditor",
                "email": "dirk@keurcontrole.example",
                "role": "auditor",
                "affiliations": [
                    {
                        "registration_number": "1234 5678",
                        "description": "brother-in-law is director",
                    }
                ],
            },
        )
    )
    world.auditor_affiliated = own_token(tied["id"])
    return world
