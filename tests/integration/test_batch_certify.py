"""A batch certifies exactly as one by one: the same rows, credentials and log entries.

Two organisations are certified through ``submit_assessment`` and ``decide``, two more
in one ``certify_batch``, all at the same instant. Everything stored about each is then
compared after replacing what must differ (the organisation's name, number and domains,
the random certificate code, assessment id and credential id, and database ids).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import msgspec
import pytest
from sqlmodel import col, select

from registry.bootstrap import Services
from registry.certification.schemas import AssessmentCreate, DecisionCreate
from registry.db.tables import (
    Assessment,
    Certificate,
    CertificateDomain,
    CertificateEvent,
    Decision,
    Finding,
    LogEntry,
    Organisation,
    OrganisationDomain,
)
from registry.errors import RegistryError
from tests.support.world import World

REASON = "all criteria met"
# Database ids and log positions differ by the order of writing, not by what was written.
IDS = {"id", "organisation_id", "certificate_id", "assessment_id", "scheme_version_id", "log_index"}


def _item(world: World, n: int, **overrides: Any) -> AssessmentCreate:
    body = world.assessment(
        organisation={
            "legal_name": f"Winkel {n} B.V.",
            "country": "NL",
            "registration_number": f"{n:08d}",
        },
        domains=[f"https://www.winkel{n}.example/shop", f"winkel{n}-outlet.example"],
        **overrides,
    )
    return msgspec.convert(body, AssessmentCreate)


def _payload(jws: str) -> dict[str, Any]:
    part = jws.split(".")[1]
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    for random_part in ("id", "jti"):
        payload.pop(random_part)
    for entry in payload["credentialStatus"]:  # a random index, the same for both lists
        index = entry.pop("statusListIndex")
        assert entry.pop("id") == f"{entry['statusListCredential']}#{index}"
    return payload


def _public(service: Services, code: str) -> dict[str, Any]:
    public: dict[str, Any] = msgspec.to_builtins(service.certificates.certificate(code))
    for item in public["history"]:
        item.pop("log_index")
    return public


def _row(row: Any) -> dict[str, Any]:
    return {k: v for k, v in row.model_dump(mode="json").items() if k not in IDS}


def _footprint(service: Services, code: str, n: int) -> Any:
    """Everything stored about one certification, with what must differ replaced."""
    with service.uow.db.read() as session:
        certificate = session.exec(select(Certificate).where(Certificate.code == code)).one()
        organisation = session.get(Organisation, certificate.organisation_id)
        assessment = session.exec(
            select(Assessment).where(Assessment.certificate_id == certificate.id)
        ).one()
        events = session.exec(
            select(CertificateEvent).where(CertificateEvent.certificate_id == certificate.id)
        ).all()
        entries = [bytes(session.get(LogEntry, e.log_index).data).decode() for e in events]  # type: ignore[union-attr]
        stored = {
            "organisation": _row(organisation),
            "organisation_domains": sorted(
                d.domain
                for d in session.exec(
                    select(OrganisationDomain).where(
                        OrganisationDomain.organisation_id == certificate.organisation_id
                    )
                )
            ),
            "certificate": _row(certificate),
            "assessment": _row(assessment),
            "findings": sorted(
                (
                    _row(f)
                    for f in session.exec(
                        select(Finding).where(Finding.assessment_id == assessment.id)
                    )
                ),
                key=lambda f: f["criterion_code"],
            ),
            "decision": _row(
                session.exec(select(Decision).where(Decision.assessment_id == assessment.id)).one()
            ),
            "domains": [
                _row(d)
                for d in session.exec(
                    select(CertificateDomain)
                    .where(CertificateDomain.certificate_id == certificate.id)
                    .order_by(col(CertificateDomain.domain))
                )
            ],
            "events": [_row(e) for e in events],
            "entries": entries,
            "public": _public(service, code),
            "credential": _payload(certificate.credential),
        }
        credential, assessment_id = certificate.credential, assessment.public_id
    text = json.dumps(stored, sort_keys=True)
    for secret, placeholder in [
        (credential, "JWS"),
        (code, "CODE"),
        (assessment_id, "ASSESSMENT"),
        (f"Winkel {n} B.V.", "NAME"),
        (f"{n:08d}", "NUMBER"),
        (f"winkel{n}", "winkelN"),
    ]:
        text = text.replace(secret, placeholder)
    return json.loads(text)


def test_a_batch_stores_what_one_by_one_stores(world: World, service: Services) -> None:
    auditor = service.identity.authenticate(world.auditor)
    admin = service.identity.authenticate(world.admin)
    singles = []
    for n in (10000001, 10000002):
        submitted = service.certification.submit_assessment(auditor, _item(world, n))
        decided = service.certification.decide(
            admin, submitted.id, DecisionCreate(outcome="certify", reason=REASON)
        )
        assert decided.certificate is not None
        singles.append((decided.certificate, n))
    batch = list(
        zip(
            service.certification.certify_batch(
                auditor, admin, [_item(world, 10000003), _item(world, 10000004)], REASON
            ),
            (10000003, 10000004),
            strict=True,
        )
    )
    expected = _footprint(service, *singles[0])
    assert _footprint(service, *singles[1]) == expected
    for code, n in batch:
        assert _footprint(service, code, n) == expected


def test_one_refused_item_refuses_the_batch(world: World, service: Services) -> None:
    auditor = service.identity.authenticate(world.auditor)
    admin = service.identity.authenticate(world.admin)
    size = service.transparency.log_checkpoint()
    bad = _item(world, 10000006)
    bad = msgspec.structs.replace(
        bad,
        findings=[
            msgspec.structs.replace(bad.findings[0], result="major_nonconformity"),
            *bad.findings[1:],
        ],
    )
    with pytest.raises(RegistryError):
        service.certification.certify_batch(auditor, admin, [_item(world, 10000005), bad], REASON)
    assert service.transparency.log_checkpoint() == size
    assert service.certificates.certificates(organisation="10000005").items == []
    with pytest.raises(RegistryError, match="body_admin"):  # the auditor cannot decide
        service.certification.certify_batch(auditor, auditor, [_item(world, 10000007)], REASON)
