"""One small registry with a certificate in every situation the pages must show.

Built once per module (and once for the browser tests) through the API, like real data:
a plain shop, a café with accents in its name, a suspended and a withdrawn certificate,
and a hostile holder certified against a scheme version with hostile criteria (and no
benevolence criterion, so one dimension is empty).
"""

from __future__ import annotations

from typing import Any

from tests.support.world import CRITERIA, World

# Markup and quotes; bidirectional controls are refused at the door (tests/hostile).
HOSTILE_NAME = '<script>alert("x")</script> \'quoted\' "double" gnp.exe Shop & Co'
LONG_TEXT = "Lang<b>" + "x" * 9_993  # 10,000 characters: the most a criterion text may hold
CAFE: dict[str, Any] = {
    "organisation": {
        "legal_name": "Café Zoë V.O.F.",
        "country": "NL",
        "registration_number": "87654321",
    },
    "domains": ["https://www.cafe-zoe.example/"],
}


def _organisation(name: str, number: str) -> dict[str, str]:
    return {"legal_name": name, "country": "NL", "registration_number": number}


def populate(world: World) -> dict[str, str]:
    """Certify the cast; the certificate codes by role."""
    codes = {"fietsen": world.certify(), "cafe": world.certify(**CAFE)}
    codes["suspended"] = world.certify(
        organisation=_organisation("Bakkerij De Zon", "11112222"), domains=["bakkerij.example"]
    )
    codes["withdrawn"] = world.certify(
        organisation=_organisation("Slagerij Het Hoekje", "33334444"), domains=["slagerij.example"]
    )
    for role, action, reason in [
        ("suspended", "suspend", "klachten niet behandeld"),
        ("withdrawn", "withdraw", "bedrijf beëindigd"),
    ]:
        response = world.post(
            f"/api/v1/certificates/{codes[role]}/{action}", world.admin, {"reason": reason}
        )
        assert response.status_code == 200, response.text
    hostile_criteria = [
        {
            **c,
            "title_en": HOSTILE_NAME,
            "title_nl": HOSTILE_NAME,
            "checked_en": LONG_TEXT,
            "checked_nl": LONG_TEXT,
        }
        if c["code"] == "WS-1.1"
        else c
        for c in CRITERIA
        if c["dimension"] != "benevolence"
    ]
    published = world.post(
        "/api/v1/schemes/webwinkel/versions", world.staff, {"criteria": hostile_criteria}
    )
    assert published.status_code == 201, published.text
    codes["hostile"] = world.certify(
        scheme_version=2,
        organisation=_organisation(HOSTILE_NAME, "55556666"),
        scope=LONG_TEXT[:2000],
        domains=["hostile.example"],
        findings=[
            {"criterion": c["code"], "result": "conforming", "evidence_summary": HOSTILE_NAME}
            for c in hostile_criteria
        ],
    )
    return codes
