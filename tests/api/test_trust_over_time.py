"""Trust over time through the API: reasons in two languages, every audit published, a
major nonconformity that cannot leave a certificate plainly valid, expiry dated at
``valid_until`` without backdating the log, and the scheme's profile."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from registry.bootstrap import Services
from tests.api.test_rules import assert_problem
from tests.support.env import FakeClock
from tests.support.world import CRITERIA, World, bearer


def log_entries(world: World) -> list[dict[str, Any]]:
    page = world.client.get("/api/v1/log/entries", params={"start": 0, "end": 1000}).json()
    return [json.loads(item["entry"]) for item in page["items"]]


def certificate(world: World, code: str) -> dict[str, Any]:
    response = world.client.get(f"/api/v1/certificates/{code}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def audits(world: World, code: str) -> list[dict[str, Any]]:
    response = world.client.get(f"/api/v1/certificates/{code}/assessments")
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


def findings(**results: str) -> list[dict[str, Any]]:
    """One finding per criterion: conforming unless ``results`` names it (``WS_3_1=...``)."""
    return [
        {
            "criterion": c["code"],
            "result": results.get(str(c["code"]).replace("-", "_").replace(".", "_"), "conforming"),
            "evidence_summary": "seen",
        }
        for c in CRITERIA
    ]


def follow_up(world: World, clock: FakeClock, code: str, kind: str, **results: str) -> str:
    """Submit a surveillance or recertification audit that ended yesterday; its id."""
    today = clock.now.date()
    submitted = world.post(
        "/api/v1/assessments",
        world.auditor,
        world.assessment(
            type=kind,
            certificate=code,
            audit_start=str(today - timedelta(days=2)),
            audit_end=str(today - timedelta(days=1)),
            findings=findings(**results),
        ),
    )
    assert submitted.status_code == 201, submitted.text
    identifier: str = submitted.json()["id"]
    return identifier


def decide(world: World, assessment: str, body: dict[str, Any]) -> Any:
    return world.post(f"/api/v1/assessments/{assessment}/decision", world.admin, body)


def test_reasons_in_two_languages(world: World) -> None:
    code = world.certify()
    suspended = world.post(
        f"/api/v1/certificates/{code}/suspend",
        world.admin,
        {"reason_nl": "betaalpagina onveilig", "reason_en": "payment page unsafe"},
    )
    assert suspended.status_code == 200, suspended.text
    shown = certificate(world, code)
    assert (shown["status_reason_nl"], shown["status_reason_en"]) == (
        "betaalpagina onveilig",
        "payment page unsafe",
    )
    assert shown["status_reason"] == "betaalpagina onveilig"  # the deprecated field: Dutch
    last = shown["history"][-1]
    assert (last["type"], last["reason_nl"], last["reason_en"]) == (
        "suspended",
        "betaalpagina onveilig",
        "payment page unsafe",
    )
    entry = log_entries(world)[-1]
    assert entry["type"] == "certificate.suspended"
    assert (entry["reason"], entry["reason_en"]) == ("betaalpagina onveilig", "payment page unsafe")

    # The old single field is read as Dutch, with no English; the log entry then has no
    # reason_en member at all.
    reinstated = world.post(
        f"/api/v1/certificates/{code}/reinstate", world.admin, {"reason": "hersteld"}
    )
    assert reinstated.status_code == 200, reinstated.text
    assert (reinstated.json()["status_reason_nl"], reinstated.json()["status_reason_en"]) == (
        "hersteld",
        None,
    )
    assert "reason_en" not in log_entries(world)[-1]

    # Dutch is required; the alias may not contradict it; English alone is not enough.
    for body, named in (
        ({"reason_en": "english only"}, ["reason_nl", "required"]),
        ({"reason_nl": "ja", "reason_en": "fine"}, ["reason_nl", "3 to 500"]),
        ({"reason_nl": "eerste tekst", "reason": "andere tekst"}, ["reason_nl", "deprecated"]),
        ({"reason_nl": "prima reden", "reason_en": "x" * 501}, ["reason_en"]),
    ):
        refused = world.post(f"/api/v1/certificates/{code}/suspend", world.admin, body)
        assert_problem(refused, 400, "invalid-input", *named)
    assert certificate(world, code)["status"] == "valid"

    # The OpenAPI document marks the old field deprecated and documents the new ones.
    schemas = world.client.get("/schema/openapi.json").json()["components"]["schemas"]
    change = next(s for name, s in schemas.items() if name.startswith("StatusChange"))
    assert change["properties"]["reason"]["deprecated"] is True
    assert {"reason_nl", "reason_en", "deadline"} <= change["properties"].keys()


def test_every_decided_audit_is_published_and_the_latest_is_shown(
    world: World, clock: FakeClock
) -> None:
    code = world.certify()
    first = certificate(world, code)
    assert first["counts"] == {
        "total": 4,
        "applicable": 4,
        "conforming": 4,
        "minor_nonconformity": 0,
        "major_nonconformity": 0,
    }
    clock.advance(days=120)
    surveillance = follow_up(
        world, clock, code, "surveillance", WS_3_1="minor_nonconformity", WS_4_1="not_applicable"
    )
    # Not public before it is decided.
    assert [a["type"] for a in audits(world, code)] == ["initial"]
    decided = decide(
        world,
        surveillance,
        {
            "outcome": "certify",
            "reason_nl": "kleine tekortkoming, verbeterplan ontvangen",
            "reason_en": "minor nonconformity, improvement plan received",
        },
    )
    assert decided.status_code == 201, decided.text

    listed = audits(world, code)
    assert [(a["type"], a["decision"]["outcome"]) for a in listed] == [
        ("initial", "certify"),
        ("surveillance", "certify"),
    ]
    later = listed[1]
    assert later["id"] == surveillance and later["body"]["slug"] == "keurcontrole"
    assert later["auditor"] == listed[0]["auditor"] and later["auditor"].startswith("p-")
    assert {f["criterion"]: f["result"] for f in later["findings"]}["WS-3.1"] == (
        "minor_nonconformity"
    )
    assert later["decision"]["reason_en"] == "minor nonconformity, improvement plan received"
    assert later["counts"] == {
        "total": 4,
        "applicable": 3,
        "conforming": 2,
        "minor_nonconformity": 1,
        "major_nonconformity": 0,
    }
    # The certificate shows the latest audit's results, not the first audit's forever.
    now = certificate(world, code)
    assert now["findings_audit"] == surveillance
    assert {f["criterion"]: f["result"] for f in now["findings"]}["WS-3.1"] == (
        "minor_nonconformity"
    )
    surveilled = now["history"][-1]
    assert surveilled["type"] == "surveilled"
    assert surveilled["reason_nl"] == "kleine tekortkoming, verbeterplan ontvangen"
    assert "surveillance audit passed" not in json.dumps(now)
    # The next surveillance is due a scheme interval (12 months) after this audit.
    assert now["surveillance_due"] == str(
        clock.now.date() - timedelta(days=1) + timedelta(days=365)
    )


def test_a_refused_initial_assessment_stays_private(world: World) -> None:
    other = world.assessment(
        organisation={"legal_name": "Boeken B.V.", "registration_number": "87654321"}
    )
    submitted = world.post("/api/v1/assessments", world.auditor, other).json()
    refused = decide(world, submitted["id"], {"outcome": "refuse", "reason_nl": "onvoldoende"})
    assert refused.status_code == 201, refused.text
    assert refused.json()["certificate"] is None
    code = world.certify()
    assert [a["id"] for a in audits(world, code)] != [submitted["id"]]
    assert submitted["id"] not in world.client.get(f"/api/v1/certificates/{code}/assessments").text
    assert world.client.get("/api/v1/certificates").text.count(submitted["id"]) == 0
    # An unknown certificate is a problem document, not an empty list.
    missing = world.client.get("/api/v1/certificates/TL-0000-0000-0/assessments")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_a_major_nonconformity_never_leaves_the_certificate_plainly_valid(
    world: World, clock: FakeClock, service: Services
) -> None:
    code = world.certify()
    clock.advance(days=150)
    audit = follow_up(world, clock, code, "surveillance", WS_2_1="major_nonconformity")
    assert_problem(decide(world, audit, {"outcome": "certify"}), 422, "major-nonconformity")
    assert_problem(
        decide(world, audit, {"outcome": "refuse", "reason_nl": "betaling onveilig"}),
        422,
        "major-nonconformity-action",
        "WS-2.1",
        "suspend",
        "withdraw",
    )
    assert_problem(
        decide(
            world,
            audit,
            {"outcome": "refuse", "action": "suspend", "reason_nl": "betaling onveilig"},
        ),
        422,
        "suspension-deadline",
    )
    today = clock.now.date()
    assert_problem(
        decide(
            world,
            audit,
            {
                "outcome": "refuse",
                "action": "suspend",
                "deadline": str(today),
                "reason_nl": "betaling onveilig",
            },
        ),
        422,
        "suspension-deadline",
        "after today",
    )
    assert_problem(
        decide(world, audit, {"outcome": "refuse", "action": "suspend", "deadline": "2027-01-01"}),
        422,
        "status-reason",
    )
    assert certificate(world, code)["status"] == "valid"  # every refusal above wrote nothing
    assert [a["type"] for a in audits(world, code)] == ["initial"]

    deadline = today + timedelta(days=30)
    decided = decide(
        world,
        audit,
        {
            "outcome": "refuse",
            "action": "suspend",
            "deadline": str(deadline),
            "reason_nl": "betaalpagina onveilig; herstel binnen 30 dagen",
            "reason_en": "payment page unsafe; fix within 30 days",
        },
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["certificate"] == code and decided.json()["action"] == "suspend"
    shown = certificate(world, code)
    assert shown["status"] == "suspended" and shown["status_deadline"] == str(deadline)
    assert shown["status_reason_en"] == "payment page unsafe; fix within 30 days"
    assert shown["history"][-1]["assessment"] == audit
    assert shown["overdue"] == []
    refused = audits(world, code)[-1]
    assert (refused["type"], refused["decision"]["outcome"], refused["decision"]["action"]) == (
        "surveillance",
        "refuse",
        "suspend",
    )
    assert refused["decision"]["deadline"] == str(deadline)
    assert world.client.get(f"/badge/{code}.svg?lang=en").text.count("uspended") >= 1

    # Nothing happens by itself when the deadline passes: the certificate stays suspended
    # and says the deadline has passed.
    clock.advance(days=31)
    later = certificate(world, code)
    assert later["status"] == "suspended"
    assert later["overdue"] == [{"kind": "suspension_deadline", "due": str(deadline)}]


def test_withdrawal_after_a_major_nonconformity(world: World, clock: FakeClock) -> None:
    code = world.certify()
    clock.advance(days=100)
    audit = follow_up(world, clock, code, "surveillance", WS_1_1="major_nonconformity")
    assert_problem(
        decide(
            world,
            audit,
            {
                "outcome": "refuse",
                "action": "withdraw",
                "deadline": "2027-01-01",
                "reason_nl": "identiteit onjuist",
            },
        ),
        422,
        "suspension-deadline",
        "only a suspension",
    )
    decided = decide(
        world,
        audit,
        {"outcome": "refuse", "action": "withdraw", "reason_nl": "identiteit onjuist"},
    )
    assert decided.status_code == 201, decided.text
    shown = certificate(world, code)
    assert shown["status"] == "withdrawn" and shown["status_reason_en"] is None
    # An initial assessment has no certificate to act on.
    other = world.post(
        "/api/v1/assessments",
        world.auditor,
        world.assessment(
            organisation={"legal_name": "Boeken B.V.", "registration_number": "87654321"},
            audit_start=str(clock.now.date() - timedelta(days=3)),
            audit_end=str(clock.now.date() - timedelta(days=2)),
        ),
    ).json()
    assert_problem(
        decide(world, other["id"], {"outcome": "refuse", "action": "withdraw", "reason_nl": "nee"}),
        422,
        "decision-action",
    )


def test_expiry_is_dated_at_valid_until_and_the_log_is_not_backdated(
    world: World, clock: FakeClock, service: Services
) -> None:
    code = world.certify()
    valid_until = certificate(world, code)["valid_until"]
    clock.advance(days=400)
    assert service.certificates.expire_due() == [code]
    shown = certificate(world, code)
    expired = shown["history"][-1]
    assert expired["type"] == "expired"
    assert expired["at"] == valid_until
    assert expired["recorded_at"] == clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (expired["reason_nl"], expired["reason_en"]) == (
        "geldigheidsduur verstreken",
        "validity period ended",
    )
    entry = log_entries(world)[-1]
    assert entry["type"] == "certificate.expired"
    assert entry["time"] == expired["recorded_at"] and entry["effective_at"] == valid_until


def test_the_scheme_profile_is_set_by_staff_and_public(world: World) -> None:
    profile = {
        "criteria_set_by_nl": "Stichting Keur; criteria door een college van belanghebbenden",
        "criteria_set_by_en": "Stichting Keur; criteria by a board of stakeholders",
        "stakeholders_nl": "Consumentenbond en branchevereniging in het college",
        "stakeholders_en": "Consumer association and trade association on the board",
        "ambition_nl": "Gaat verder dan de wet: retour binnen 30 dagen",
        "ambition_en": "Beyond the law: returns within 30 days",
        "control_nl": "Jaarlijkse audit door een RvA-geaccrediteerde instelling",
        "control_en": "Yearly audit by an RvA-accredited body",
        "transparency_nl": "Alle criteria openbaar",
        "transparency_en": "All criteria public",
        "complaints_nl": "Geschillencommissie Webwinkel",
        "complaints_en": "Web shop disputes committee",
    }
    refused = world.client.patch(
        "/api/v1/schemes/webwinkel", json=profile, headers=bearer(world.admin)
    )
    assert refused.status_code == 403, refused.text
    changed = world.client.patch(
        "/api/v1/schemes/webwinkel", json=profile, headers=bearer(world.staff)
    )
    assert changed.status_code == 200, changed.text
    shown = world.client.get("/api/v1/schemes/webwinkel").json()
    assert {k: shown[k] for k in profile} == profile
    assert shown["owner"] == "Stichting Keur"  # left out: kept
    entry = log_entries(world)[-1]
    assert entry["type"] == "scheme.updated" and entry["data"]["scheme"] == "webwinkel"
    assert "complaints_en" in entry["data"]["fields"]
    bad = world.client.patch(
        "/api/v1/schemes/webwinkel", json={"versions": []}, headers=bearer(world.staff)
    )
    assert bad.status_code == 400
    missing = world.client.patch(
        "/api/v1/schemes/nope", json={"ambition_nl": "x"}, headers=bearer(world.staff)
    )
    assert missing.status_code == 404
    page = world.client.get("/schemes/webwinkel?lang=en").text
    assert "Web shop disputes committee" in page and "Beyond the law" in page
    page_nl = world.client.get("/schemes/webwinkel?lang=nl").text
    assert "Geschillencommissie Webwinkel" in page_nl


def test_a_refused_audit_without_a_sanction_is_in_the_history_and_the_log(
    world: World, clock: FakeClock
) -> None:
    """A surveillance refused for minor nonconformities changes no status, yet it is a
    published fact: the history and the log say so, with the reason."""
    code = world.certify()
    clock.advance(days=150)
    audit = follow_up(world, clock, code, "surveillance", WS_3_1="minor_nonconformity")
    decided = decide(
        world,
        audit,
        {
            "outcome": "refuse",
            "reason_nl": "retourbeleid onduidelijk",
            "reason_en": "unclear returns",
        },
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["certificate"] == code
    shown = certificate(world, code)
    assert shown["status"] == "valid"
    last = shown["history"][-1]
    assert (last["type"], last["assessment"], last["reason_nl"], last["reason_en"]) == (
        "audit_refused",
        audit,
        "retourbeleid onduidelijk",
        "unclear returns",
    )
    index = last["log_index"]
    page = world.client.get("/api/v1/log/entries", params={"start": index, "end": index + 1})
    entry = json.loads(page.json()["items"][0]["entry"])
    assert (entry["type"], entry["data"]["code"], entry["reason_en"]) == (
        "certificate.audit_refused",
        code,
        "unclear returns",
    )
    page = world.client.get(f"/c/{code}?lang=en").text
    assert "Audit not passed: certificate not suspended" in page
