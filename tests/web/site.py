"""One small registry with a certificate in every situation the pages must show.

Built once per module (and once for the browser tests) through the API, like real data:
a plain shop, a café with accents in its name, a suspended and a withdrawn certificate,
a certificate audited three times (a surveillance with a minor nonconformity, then one
with a major nonconformity that suspended it), and a hostile holder certified against a scheme version with hostile criteria (and no
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


def _decide(world: World, assessment: dict[str, Any], decision: dict[str, Any]) -> None:
    decided = world.post(f"/api/v1/assessments/{assessment['id']}/decision", world.admin, decision)
    assert decided.status_code == 201, decided.text


def audited_over_time(world: World) -> str:
    """A certificate with an initial audit, a surveillance that found a minor
    nonconformity, and a surveillance that found a major one and suspended it."""
    code = world.certify(
        organisation=_organisation("Tuincentrum De Linde", "77778888"),
        domains=["tuincentrum-delinde.example"],
    )
    today = str(world.today)
    for results, decision in [
        (
            {"WS-3.1": "minor_nonconformity"},
            {
                "outcome": "certify",
                "reason_nl": "verbeterplan voor levering ontvangen",
                "reason_en": "improvement plan for delivery received",
            },
        ),
        (
            {"WS-2.1": "major_nonconformity", "WS-3.1": "conforming"},
            {
                "outcome": "refuse",
                "action": "suspend",
                "deadline": str(world.today.replace(year=world.today.year + 1)),
                "reason_nl": "betaalpagina zonder TLS; herstel vereist",
            },
        ),
    ]:
        submitted = world.post(
            "/api/v1/assessments",
            world.auditor,
            world.assessment(
                type="surveillance",
                certificate=code,
                organisation=_organisation("Tuincentrum De Linde", "77778888"),
                domains=["tuincentrum-delinde.example"],
                audit_start=today,
                audit_end=today,
                findings=[
                    {
                        "criterion": c["code"],
                        "result": results.get(str(c["code"]), "conforming"),
                        "evidence_summary": "gezien",
                    }
                    for c in CRITERIA
                ],
            ),
        )
        assert submitted.status_code == 201, submitted.text
        _decide(world, submitted.json(), decision)
    return code


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
    codes["audited"] = audited_over_time(world)
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
