"""The W3C Verifiable Credential of a certificate, as DESIGN.md fixes it.

The payload is the VC itself (no ``vc`` wrapper) plus ``iss``, ``jti`` and ``iat``; no
``exp`` or ``nbf``, because the signature never expires and the live status is read from
the registry, not from the credential.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from registry.certification.schemas import FindingPublic
from registry.db.tables import Accreditation, Body, Certificate, Organisation, Scheme, SchemeVersion
from registry.discovery.context import VC_CONTEXT, context_url
from registry.signing import format_time


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
    status: Sequence[Mapping[str, Any]] = (),
    credential_id: str | None = None,
) -> dict[str, Any]:
    """The credential's claims. ``status`` is its ``credentialStatus`` entries;
    ``credential_id`` is given by a reissue, which keeps the credential's ``id``."""
    credential_id = credential_id or f"urn:uuid:{uuid.uuid4()}"
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
        "@context": [VC_CONTEXT, context_url(issuer)],
        "type": ["VerifiableCredential", "TrustLabelCertificate"],
        "id": credential_id,
        "issuer": issuer,
        "validFrom": format_time(certificate.valid_from),
        "validUntil": format_time(certificate.valid_until),
        "credentialSubject": subject,
        **({"credentialStatus": [dict(entry) for entry in status]} if status else {}),
        "iss": issuer,
        "jti": credential_id,
        "iat": int(issued_at.timestamp()),
    }
