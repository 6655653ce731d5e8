"""The W3C Verifiable Credential of a certificate, as DESIGN.md fixes it.

The payload is the VC itself (no ``vc`` wrapper) plus ``iss``, ``jti`` and ``iat``; no
``exp`` or ``nbf``, because the signature never expires and the live status is read from
the registry, not from the credential.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from registry.certification.schemas import FindingPublic
from registry.db.tables import Accreditation, Body, Certificate, Organisation, Scheme, SchemeVersion
from registry.signing import format_time

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def credential_payload(
    *,
    issuer: str,
    certificate: Certificate,
    organisation: Organisation,
    scheme: Scheme,
    version: SchemeVersion,
    body: Body,
    accreditation: Accreditation | None,
    auditor_pseudonym: str,
    assessment_type: str,
    audit_end: str,
    domains: Sequence[str],
    scope: str,
    findings: Sequence[FindingPublic],
    issued_at: datetime,
) -> dict[str, Any]:
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    subject: dict[str, Any] = {
        "id": f"{issuer}/c/{certificate.code}",
        "type": "TrustLabelCertification",
        "certificate": certificate.code,
        "holder": {
            "legalName": organisation.legal_name,
            "country": organisation.country,
            "registrationNumber": organisation.registration_number,
        },
        "scheme": {
            "id": scheme.slug,
            "name": scheme.name_en,
            "owner": scheme.owner,
            "version": version.number,
        },
        "scope": {"description": scope, "domains": list(domains)},
        "criteria": [
            {"code": f.criterion, "dimension": f.dimension, "method": f.method, "result": f.result}
            for f in findings
        ],
        "certificationBody": {
            "id": body.slug,
            "name": body.name,
            **(
                {
                    "accreditation": {
                        "accreditingBody": accreditation.accrediting_body,
                        "registrationNumber": accreditation.registration_number,
                    }
                }
                if accreditation is not None
                else {}
            ),
        },
        "auditor": auditor_pseudonym,
        "assessment": {"type": assessment_type, "auditEnd": audit_end},
    }
    return {
        "@context": [VC_CONTEXT],
        "type": ["VerifiableCredential", "TrustLabelCertificate"],
        "id": credential_id,
        "issuer": issuer,
        "validFrom": format_time(certificate.valid_from),
        "validUntil": format_time(certificate.valid_until),
        "credentialSubject": subject,
        "iss": issuer,
        "jti": credential_id,
        "iat": int(issued_at.timestamp()),
    }
