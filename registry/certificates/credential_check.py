"""The server's check of a credential against what its page says: the signature under
its key, and the content (code, holder, registration number, scheme, version,
validity). Nothing in it changes with the log's growth, so it is made once per change
of the certificate and kept in its read row; the log step is joined at request time
(``verification.py``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import msgspec

from registry.certificates.schemas import CertificatePublic
from registry.errors import RegistryError
from registry.signing import KeyRecord, VerifiedCredential, parse_time, verify_credential


@dataclass(frozen=True)
class CredentialCheck:
    """Outcomes ("passed" | "failed") of the signature and content steps, with details."""

    signature: str
    signature_detail: str = ""
    content: str = "unavailable"
    content_detail: str = ""
    kid: str = ""
    audit_end: date | None = None

    def to_json(self) -> str:
        return msgspec.json.encode(asdict(self)).decode("utf-8")

    @classmethod
    def from_json(cls, text: str) -> CredentialCheck:
        return msgspec.json.decode(text, type=cls)


def check_credential(
    token: str,
    keys: list[KeyRecord],
    logged_at: datetime | None,
    certificate: CertificatePublic,
) -> CredentialCheck:
    """The signature and content steps of ``token`` for ``certificate``; never raises
    for a bad credential: a failure is a result to show."""
    try:
        verified = verify_credential(token, keys, logged_at=logged_at)
    except RegistryError as error:
        return CredentialCheck("failed", error.detail)
    content, detail = _content_step(verified, certificate)
    subject = verified.payload.get("credentialSubject", {})
    assessment = subject.get("assessment", {}) if isinstance(subject, dict) else {}
    return CredentialCheck(
        "passed",
        content=content,
        content_detail=detail,
        kid=verified.kid,
        audit_end=_day(assessment.get("auditEnd")) if isinstance(assessment, dict) else None,
    )


def _content_step(verified: VerifiedCredential, certificate: CertificatePublic) -> tuple[str, str]:
    payload = verified.payload
    subject = payload.get("credentialSubject")
    if not isinstance(subject, dict):
        return "failed", "the credential has no credentialSubject"
    holder = subject.get("holder") or {}
    scheme = subject.get("scheme") or {}
    expected: list[tuple[str, Any, Any]] = [
        ("certificate", subject.get("certificate"), certificate.code),
        ("holder", holder.get("legalName"), certificate.holder.legal_name),
        (
            "registration number",
            holder.get("registrationNumber"),
            certificate.holder.registration_number,
        ),
        ("scheme", scheme.get("id"), certificate.scheme.slug),
        ("scheme version", scheme.get("version"), certificate.scheme_version),
        ("valid until", instant(payload.get("validUntil")), certificate.valid_until),
    ]
    for name, signed, shown in expected:
        if signed != shown:
            return "failed", f"the signed {name} differs from the page"
    return "passed", ""


def instant(value: Any) -> datetime | None:
    try:
        return parse_time(value) if isinstance(value, str) else None
    except RegistryError:
        return None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
