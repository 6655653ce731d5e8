"""Every rule of the assessment and decision workflow refuses clearly and writes nothing.

Each refusal is checked for its status, its problem ``type`` (which ends with the rule's
name), a ``detail`` that names what is wrong, and an unchanged database: every table is
read before and after the refused request and must be identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from registry.bootstrap import Services
from registry.certification.schemas import DecisionCreate
from registry.domain.vocabulary import Role
from registry.errors import RuleViolationError
from registry.identity.auth import Actor
from tests.support.people import own_token_of
from tests.support.world import CRITERIA, World, bearer

ASSESSMENTS = "/api/v1/assessments"


# --- helpers ---------------------------------------------------------------------------


def assert_problem(response: Any, status: int, rule: str, *named: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem for ``rule`` whose detail names each of ``named``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"].endswith(f"/problems/{rule}"), body
    assert body["status"] == status and body["title"]
    for word in named:
        assert word in body["detail"], body["detail"]
    return body


_TABLES: dict[str, list[sa.Table]] = {}  # by database URL: one test's, or the shared PostgreSQL one


def snapshot(service: Services) -> dict[str, list[str]]:
    """Every row of every table, so that a refused request can be shown to write nothing."""
    with service.uow.db.engine.connect() as connection:
        if service.uow.db.url not in _TABLES:
            _TABLES.clear()
            metadata = sa.MetaData()
            metadata.reflect(connection)
            _TABLES[service.uow.db.url] = [
                t for t in metadata.sorted_tables if t.name != "alembic_version"
            ]
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(sa.select(table)))
            for table in _TABLES[service.uow.db.url]
        }


@contextmanager
def nothing_written(service: Services) -> Iterator[None]:
    before = snapshot(service)
    yield
    after = snapshot(service)
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    assert not changed, f"a refused request changed the tables {changed}"


def person_id(service: Services, pseudonym: str) -> int:
    with service.uow.db.engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT id FROM person WHERE pseudonym = :p"), {"p": pseudonym}
        ).scalar_one()
    return int(found)


def queue(world: World, token: str | None = None) -> list[dict[str, Any]]:
    """The body's assessments as its admin sees them."""
    response = world.client.get(ASSESSMENTS, headers=bearer(token or world.admin))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def submit(world: World, token: str | None = None, **overrides: Any) -> dict[str, Any]:
    response = world.post(ASSESSMENTS, token or world.auditor, world.assessment(**overrides))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def decide(world: World, assessment_id: str, token: str, outcome: str = "certify") -> Any:
    return world.post(f"{ASSESSMENTS}/{assessment_id}/decision", token, {"outcome": outcome})


def certificate(world: World, code: str) -> dict[str, Any]:
    response = world.client.get(f"/api/v1/certificates/{code}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def add_scheme(world: World, slug: str, *, accredited: tuple[str, str] | None = None) -> None:
    """A second scheme with one version; accredited for keurcontrole over the given dates."""
    for path, body in [
        (
            "/api/v1/schemes",
            {
                "slug": slug,
                "name_nl": slug,
                "name_en": slug,
                "owner": "Stichting",
                "audited_by_nl": "Instellingen",
                "audited_by_en": "Bodies",
            },
        ),
        (f"/api/v1/schemes/{slug}/versions", {"criteria": CRITERIA}),
    ]:
        response = world.post(path, world.staff, body)
        assert response.status_code == 201, response.text
    if accredited is not None:
        response = world.post(
            "/api/v1/bodies/keurcontrole/accreditations",
            world.staff,
            {
                "accrediting_body": "Raad voor Accreditatie",
                "registration_number": f"C {slug}",
                "valid_from": accredited[0],
                "valid_until": accredited[1],
                "schemes": [slug],
            },
        )
        assert response.status_code == 201, response.text


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


def day(world: World, offset: int) -> str:
    return str(world.today + timedelta(days=offset))


# --- submission rules --------------------------------------------------------------------


def test_not_accredited(world: World, service: Services) -> None:
    add_scheme(world, "bezorgkeur")  # published, but in no accreditation of keurcontrole
    add_scheme(
        world, "later", accredited=("2026-05-29", "2029-12-31")
    )  # begins after the audit began
    add_scheme(
        world, "ended", accredited=("2025-01-01", "2026-05-25")
    )  # ended before the audit ended
    cases = [
        (
            "scheme outside the scope",
            "bezorgkeur",
            day(world, -10),
            day(world, -8),
            day(world, -10),
        ),
        ("before the accreditation", "later", "2026-05-20", "2026-05-22", "2026-05-20"),
        ("start alone before it", "later", "2026-05-27", "2026-05-30", "2026-05-27"),
        ("end alone after it", "ended", "2026-05-24", "2026-05-27", "2026-05-27"),
    ]
    for label, scheme, start, end, named in cases:
        with nothing_written(service):
            refused = world.post(
                ASSESSMENTS,
                world.auditor,
                world.assessment(scheme=scheme, audit_start=start, audit_end=end),
            )
        assert refused.status_code == 422, (label, refused.text)
        assert_problem(refused, 422, "not-accredited", f"'{scheme}'", named)
    assert queue(world) == []
    # The same schemes inside their accreditations are accepted: the rule is about the dates.
    assert (
        submit(world, scheme="later", audit_start="2026-05-29", audit_end="2026-05-31")["scheme"]
        == "later"
    )
    assert (
        submit(world, scheme="ended", audit_start="2026-05-20", audit_end="2026-05-25")["scheme"]
        == "ended"
    )


def test_conflict_of_interest(world: World, service: Services) -> None:
    with nothing_written(service):
        refused = world.post(ASSESSMENTS, world.auditor_affiliated, world.assessment())
    assert_problem(refused, 422, "conflict-of-interest", "12345678")
    assert queue(world) == []
    # The declared tie is with 12345678 only: the same auditor may audit another organisation.
    other = submit(
        world,
        world.auditor_affiliated,
        organisation={"legal_name": "Boeken B.V.", "registration_number": "87654321"},
    )
    assert other["organisation"]["registration_number"] == "87654321"


def test_findings_missing_mandatory_unknown_and_duplicate(world: World, service: Services) -> None:
    complete = world.assessment()["findings"]
    cases = [
        (
            "missing-mandatory-finding",
            [f for f in complete if f["criterion"] not in ("WS-1.1", "WS-3.1")],
            ["WS-1.1", "WS-3.1"],
            ["WS-2.1"],
        ),
        (
            "unknown-criterion",
            [*complete, {"criterion": "WS-9.9", "result": "conforming"}],
            ["WS-9.9"],
            ["WS-1.1"],
        ),
        (
            "duplicate-finding",
            [*complete, {"criterion": "WS-2.1", "result": "major_nonconformity"}],
            ["WS-2.1"],
            ["WS-1.1"],
        ),
    ]
    for rule, findings, named, not_named in cases:
        with nothing_written(service):
            refused = world.post(ASSESSMENTS, world.auditor, world.assessment(findings=findings))
        body = assert_problem(refused, 422, rule, *named)
        assert not any(code in body["detail"] for code in not_named), body["detail"]
    assert queue(world) == []
    # WS-4.1 is optional: leaving it out is accepted.
    accepted = submit(world, findings=[f for f in complete if f["criterion"] != "WS-4.1"])
    assert [f["criterion"] for f in accepted["findings"]] == ["WS-1.1", "WS-2.1", "WS-3.1"]


def test_inconsistent_dates(world: World, service: Services) -> None:
    code = world.certify()  # valid from 2026-06-01, for the follow-up case
    cases: list[tuple[str, dict[str, Any], list[str]]] = [
        (
            "end before start",
            {"audit_start": day(world, -5), "audit_end": day(world, -8)},
            ["before it starts", day(world, -8)],
        ),
        (
            "end in the future",
            {"audit_start": day(world, -1), "audit_end": day(world, 1)},
            ["future", day(world, 1)],
        ),
        (
            "too old",
            {"audit_start": day(world, -367), "audit_end": day(world, -366)},
            ["366 days ago", "365"],
        ),
        (
            "longer than a year",
            {"audit_start": day(world, -400), "audit_end": day(world, -2)},
            ["at most 366 days"],
        ),
        (
            "follow-up starting before the certificate",
            {
                "type": "surveillance",
                "certificate": code,
                "audit_start": day(world, -1),
                "audit_end": day(world, 0),
            },
            [day(world, -1), "before the certificate began", day(world, 0)],
        ),
    ]
    history = certificate(world, code)["history"]
    for label, overrides, named in cases:
        with nothing_written(service):
            refused = world.post(ASSESSMENTS, world.auditor, world.assessment(**overrides))
        assert refused.status_code == 422, (label, refused.text)
        assert_problem(refused, 422, "inconsistent-dates", *named)
    assert [a["type"] for a in queue(world)] == ["initial"]
    assert certificate(world, code)["history"] == history
    # The edges are accepted: ended exactly 365 days ago, and a one-day audit ending today.
    assert submit(world, audit_start=day(world, -366), audit_end=day(world, -365))[
        "audit_end"
    ] == day(world, -365)
    assert submit(world, audit_start=day(world, 0), audit_end=day(world, 0))["audit_end"] == day(
        world, 0
    )


def test_certificate_reference(world: World, service: Services) -> None:
    code = world.certify()
    add_scheme(world, "bezorgkeur", accredited=("2025-01-01", "2029-12-31"))
    continued = {"type": "surveillance", "audit_start": day(world, 0), "audit_end": day(world, 0)}
    cases: list[tuple[str, dict[str, Any], list[str]]] = [
        (
            "initial with a certificate",
            {"type": "initial", "certificate": code},
            ["initial", "must not name"],
        ),
        ("surveillance without one", {**continued}, ["surveillance", "must name the certificate"]),
        (
            "recertification without one",
            {**continued, "type": "recertification"},
            ["recertification", "must name the certificate"],
        ),
        (
            "another organisation's certificate",
            {
                **continued,
                "certificate": code,
                "organisation": {"legal_name": "Boeken B.V.", "registration_number": "87654321"},
            },
            [code, "another organisation"],
        ),
        (
            "another scheme's certificate",
            {**continued, "certificate": code, "scheme": "bezorgkeur"},
            [code, "another scheme"],
        ),
    ]
    history = certificate(world, code)["history"]
    for label, overrides, named in cases:
        with nothing_written(service):
            refused = world.post(ASSESSMENTS, world.auditor, world.assessment(**overrides))
        assert refused.status_code == 422, (label, refused.text)
        assert_problem(refused, 422, "certificate-reference", *named)
    assert [a["type"] for a in queue(world)] == ["initial"]
    assert certificate(world, code)["history"] == history


def test_certificate_withdrawn(world: World, service: Services) -> None:
    code = world.certify()
    assert (
        world.post(
            f"/api/v1/certificates/{code}/withdraw", world.admin, {"reason": "fraud established"}
        ).status_code
        == 200
    )
    history = certificate(world, code)["history"]
    assert [h["type"] for h in history] == ["issued", "withdrawn"]
    for kind in ("surveillance", "recertification"):
        with nothing_written(service):
            refused = world.post(
                ASSESSMENTS,
                world.auditor,
                world.assessment(
                    type=kind, certificate=code, audit_start=day(world, 0), audit_end=day(world, 0)
                ),
            )
        assert_problem(refused, 422, "certificate-withdrawn", code, "withdrawn")
    assert certificate(world, code)["history"] == history
    assert [a["type"] for a in queue(world)] == ["initial"]


def test_surveillance_decided_after_withdrawal_is_refused(world: World, service: Services) -> None:
    code = world.certify()
    pending = submit(
        world,
        type="surveillance",
        certificate=code,
        audit_start=day(world, 0),
        audit_end=day(world, 0),
    )
    assert (
        world.post(
            f"/api/v1/certificates/{code}/withdraw", world.admin, {"reason": "fraud established"}
        ).status_code
        == 200
    )
    history = certificate(world, code)["history"]
    decided = decide(world, pending["id"], world.admin)
    assert decided.status_code in (409, 422), decided.text
    assert "withdrawn" in decided.json()["detail"]
    assert certificate(world, code)["history"] == history


# --- decision rules ----------------------------------------------------------------------


def test_four_eyes_and_already_decided(world: World, service: Services) -> None:
    """A person holds one role, so the API alone cannot make an auditor decide on their own
    audit. Four-eyes is shown twice: through the use case with the auditor's person acting
    as a body admin, and through the API after the assessment's auditor is set, in the
    database, to the admin who then tries to decide. Then another admin decides, once."""
    assessment = submit(world)
    auditor_id = person_id(service, world.auditor_person)

    # An auditor's every token is an auditor token: refused by role before four-eyes.
    second = world.post("/api/v1/me/tokens", world.auditor, {"label": "second"})
    assert second.status_code == 201 and second.json()["role"] == "auditor"
    assert_problem(
        decide(world, assessment["id"], second.json()["token"]), 403, "forbidden", "body_admin"
    )

    # The use case refuses the auditor's person whatever role the caller carries.
    with service.uow.db.engine.connect() as connection:
        body_id = connection.execute(
            sa.text("SELECT body_id FROM person WHERE id = :i"), {"i": auditor_id}
        ).scalar_one()
    as_admin = Actor(
        person_id=auditor_id,
        pseudonym=world.auditor_person,
        role=Role.BODY_ADMIN,
        body_id=body_id,
        organisation_id=None,
        token_id=0,
    )
    with nothing_written(service), pytest.raises(RuleViolationError) as caught:
        service.certification.decide(as_admin, assessment["id"], DecisionCreate(outcome="certify"))
    assert caught.value.rule == "four-eyes" and "audited" in caught.value.detail

    # Through the API: the admin is made the assessment's auditor, then may not decide on it.
    with service.uow.db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE assessment SET auditor_id = :a WHERE public_id = :p"),
            {"a": person_id(service, world.admin_person), "p": assessment["id"]},
        )
    with nothing_written(service):
        refused = decide(world, assessment["id"], world.admin)
    assert_problem(refused, 422, "four-eyes", "audited", "certification decision")
    assert [a["status"] for a in queue(world)] == ["submitted"]
    assert world.client.get("/api/v1/certificates").json()["items"] == []
    # Another admin of the body may decide, once: a decided assessment is never decided again.
    decided = decide(world, assessment["id"], world.admin2)
    assert decided.status_code == 201, decided.text
    code = decided.json()["certificate"]
    for outcome in ("certify", "refuse"):
        with nothing_written(service):
            again = decide(world, assessment["id"], world.admin2, outcome)
        assert_problem(again, 409, "conflict", assessment["id"], "already decided", "certified")
    assert [c["code"] for c in world.client.get("/api/v1/certificates").json()["items"]] == [code]
    assert [h["type"] for h in certificate(world, code)["history"]] == ["issued"]


def test_major_nonconformity_blocks_certification(world: World, service: Services) -> None:
    findings = world.assessment()["findings"]
    findings[1]["result"] = "major_nonconformity"  # WS-2.1
    findings[3]["result"] = "minor_nonconformity"  # WS-4.1: a minor one does not block
    assessment = submit(world, findings=findings)
    with nothing_written(service):
        refused = decide(world, assessment["id"], world.admin)
    body = assert_problem(refused, 422, "major-nonconformity", "WS-2.1")
    assert "WS-4.1" not in body["detail"]
    assert [a["status"] for a in queue(world)] == ["submitted"]
    assert world.client.get("/api/v1/certificates").json()["items"] == []

    refusal = decide(world, assessment["id"], world.admin, outcome="refuse")
    assert refusal.status_code == 201, refusal.text
    assert refusal.json()["outcome"] == "refuse" and refusal.json()["certificate"] is None
    assert [a["status"] for a in queue(world)] == ["refused"]
    # A refusal is a decision too: nobody certifies the assessment afterwards.
    with nothing_written(service):
        again = decide(world, assessment["id"], world.admin2)
    assert_problem(again, 409, "conflict", "already decided", "refused")
    assert world.client.get("/api/v1/certificates").json()["items"] == []


def test_decisions_and_status_changes_refused(world: World, service: Services) -> None:
    stranger = other_body_admin(world)
    code = world.certify()
    assessment = submit(
        world, organisation={"legal_name": "Boeken B.V.", "registration_number": "87654321"}
    )
    with nothing_written(service):
        # Another body's admin may neither decide nor change this body's certificates.
        assert_problem(
            decide(world, assessment["id"], stranger),
            403,
            "forbidden",
            "another certification body",
        )
        for action in ("suspend", "withdraw"):
            refused = world.post(
                f"/api/v1/certificates/{code}/{action}", stranger, {"reason": "not ours to do"}
            )
            assert_problem(refused, 403, "forbidden", code, "another certification body")
        # Nor read its assessments.
        assert queue(world, stranger) == []
        assert_problem(
            world.client.get(f"{ASSESSMENTS}/{assessment['id']}", headers=bearer(stranger)),
            403,
            "forbidden",
        )
        # An auditor token cannot decide, nor change a certificate's status.
        assert_problem(
            decide(world, assessment["id"], world.auditor),
            403,
            "forbidden",
            "body_admin",
            "auditor",
        )
        refused = world.post(
            f"/api/v1/certificates/{code}/suspend", world.auditor, {"reason": "not mine to do"}
        )
        assert_problem(refused, 403, "forbidden", "body_admin", "auditor")
        # A body admin token cannot submit.
        refused = world.post(
            ASSESSMENTS,
            world.admin,
            world.assessment(
                organisation={"legal_name": "Boeken B.V.", "registration_number": "87654321"}
            ),
        )
        assert_problem(refused, 403, "forbidden", "auditor", "body_admin")
        # The certificate's own admin: a valid certificate cannot be reinstated, and a
        # suspension needs a real reason.
        refused = world.post(
            f"/api/v1/certificates/{code}/reinstate", world.admin, {"reason": "nothing to undo"}
        )
        assert_problem(refused, 409, "status-transition", "reinstate", "valid")
        refused = world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "no"})
        assert_problem(refused, 400, "invalid-input", "reason_nl", "3 to 500")
    assert [(a["id"], a["status"]) for a in queue(world)][:1] == [(assessment["id"], "submitted")]
    public = certificate(world, code)
    assert public["status"] == "valid" and public["status_reason"] == ""
    assert [h["type"] for h in public["history"]] == ["issued"]


# --- input validated by the domain ---------------------------------------------------------


def test_domains_and_registration_numbers_are_checked(world: World, service: Services) -> None:
    cases: list[tuple[str, dict[str, Any], list[str]]] = [
        ("invalid-domain", {"domains": ["fietsen.example", "localhost"]}, ["'localhost'"]),
        ("invalid-domain", {"domains": ["http://192.0.2.7/shop"]}, ["'192.0.2.7'"]),
        ("invalid-domain", {"domains": ["ftp://fietsen.example"]}, ["'ftp'"]),
        ("invalid-domain", {"domains": ["fiets_en.example"]}, ["'fiets_en'"]),
        (
            "invalid-registration-number",
            {"organisation": {"legal_name": "Kort B.V.", "registration_number": "1234567"}},
            ["8 digits", "got 7"],
        ),
        (
            "invalid-registration-number",
            {"organisation": {"legal_name": "Lang B.V.", "registration_number": "1234 5678 9"}},
            ["8 digits", "got 9"],
        ),
    ]
    for rule, overrides, named in cases:
        with nothing_written(service):  # neither the assessment nor the organisation is stored
            refused = world.post(ASSESSMENTS, world.auditor, world.assessment(**overrides))
        assert_problem(refused, 400, rule, *named)
    assert queue(world) == []


# --- schemes -------------------------------------------------------------------------------


def test_scheme_versions_are_immutable_and_publish_in_order(
    world: World, service: Services
) -> None:
    path = "/api/v1/schemes/webwinkel/versions/1"
    scheme = world.client.get("/api/v1/schemes/webwinkel").json()
    edits = [
        ("PUT", {"criteria": [{**CRITERIA[0], "title_en": "Changed"}]}),
        ("PATCH", {"criteria": []}),
        ("DELETE", None),
    ]
    for method, body in edits:
        with nothing_written(service):
            refused = world.client.request(method, path, json=body, headers=bearer(world.staff))
        assert_problem(refused, 409, "conflict", "'webwinkel'", "version 1", "immutable")
    version = world.client.get(path).json()
    assert version == scheme["versions"][0]
    assert [c["code"] for c in version["criteria"]] == [c["code"] for c in CRITERIA]
    assert version["criteria"][0]["title_en"] == "Identity"

    # A scheme is not replaced by creating it again under its slug.
    with nothing_written(service):
        refused = world.post(
            "/api/v1/schemes",
            world.staff,
            {
                "slug": "webwinkel",
                "name_nl": "Namaak",
                "name_en": "Copy",
                "owner": "Someone else",
                "audited_by_nl": "Niemand",
                "audited_by_en": "Nobody",
            },
        )
    assert_problem(refused, 409, "conflict", "'webwinkel'", "already exists")
    assert world.client.get("/api/v1/schemes/webwinkel").json() == scheme

    # Duplicate codes are refused, and the refused version takes no number.
    with nothing_written(service):
        refused = world.post(
            "/api/v1/schemes/webwinkel/versions",
            world.staff,
            {"criteria": [*CRITERIA, {**CRITERIA[2], "title_en": "Delivery again"}]},
        )
    body = assert_problem(refused, 400, "invalid-input", "WS-3.1", "unique")
    assert "WS-1.1" not in body["detail"]
    assert_problem(
        world.client.get("/api/v1/schemes/webwinkel/versions/2"), 404, "not-found", "version 2"
    )

    new_criteria = [
        {**CRITERIA[0], "title_en": "Identity and address"},
        *CRITERIA[1:],
        {**CRITERIA[3], "code": "WS-5.1", "title_en": "Returns", "mandatory": True},
    ]
    published = world.post(
        "/api/v1/schemes/webwinkel/versions", world.staff, {"criteria": new_criteria}
    )
    assert published.status_code == 201, published.text
    assert published.json()["number"] == 2
    assert [c["code"] for c in published.json()["criteria"]] == [
        "WS-1.1",
        "WS-2.1",
        "WS-3.1",
        "WS-4.1",
        "WS-5.1",
    ]
    assert world.client.get("/api/v1/schemes/webwinkel/versions/1").json() == version
    assert world.client.get("/api/v1/schemes/webwinkel/versions/2").json() == published.json()
    assert [
        v["number"] for v in world.client.get("/api/v1/schemes/webwinkel").json()["versions"]
    ] == [1, 2]
    # Version 2's rules apply to version 2: its new mandatory criterion needs a finding.
    refused = world.post(ASSESSMENTS, world.auditor, world.assessment(scheme_version=2))
    assert_problem(refused, 422, "missing-mandatory-finding", "WS-5.1")


def test_staff_only_endpoints_refuse_body_tokens(world: World, service: Services) -> None:
    requests = [
        (
            "/api/v1/schemes",
            {
                "slug": "nieuw",
                "name_nl": "N",
                "name_en": "N",
                "owner": "O",
                "audited_by_nl": "A",
                "audited_by_en": "A",
            },
        ),
        ("/api/v1/schemes/webwinkel/versions", {"criteria": CRITERIA}),
        ("/api/v1/bodies", {"slug": "nieuw", "name": "Nieuw", "website": "https://nieuw.example"}),
        (
            "/api/v1/bodies/keurcontrole/accreditations",
            {
                "accrediting_body": "RvA",
                "registration_number": "C 1",
                "valid_from": "2026-01-01",
                "valid_until": "2030-01-01",
                "schemes": ["webwinkel"],
            },
        ),
    ]
    holder = ("/api/v1/organisations/NL/12345678/people", {"name": "H", "email": "h@f.example"})
    with nothing_written(service):
        for token, role in [(world.auditor, "auditor"), (world.admin, "body_admin")]:
            for path, body in requests:
                assert_problem(world.post(path, token, body), 403, "forbidden", "staff", role)
        # Holders are invited by staff, or by a body that certified the organisation.
        assert_problem(
            world.post(*holder[:1], world.auditor, holder[1]), 403, "forbidden", "auditor"
        )
        assert_problem(
            world.post(*holder[:1], world.admin, holder[1]), 403, "forbidden", "certified"
        )
        # An auditor may not add people to its own body either.
        refused = world.post(
            "/api/v1/bodies/keurcontrole/people",
            world.auditor,
            {"name": "Eva", "email": "eva@keurcontrole.example", "role": "auditor"},
        )
        assert_problem(refused, 403, "forbidden", "auditor")
    assert [s["slug"] for s in world.client.get("/api/v1/schemes").json()] == ["webwinkel"]
    assert [b["slug"] for b in world.client.get("/api/v1/bodies").json()] == ["keurcontrole"]
