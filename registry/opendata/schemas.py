"""The shape of one exported certificate: one line of the JSONL export and snapshots.

A stable, documented subset of the certificate as the API shows it: status (computed
from the clock), holder, scheme and version, body, validity, covered domains and each
criterion's result. Evidence summaries stay on the certificate's own page; the export
counts the evidence digests instead.
"""

from __future__ import annotations

from datetime import datetime

import msgspec


class ExportHolder(msgspec.Struct, kw_only=True):
    legal_name: str
    country: str
    registration_number: str


class ExportScheme(msgspec.Struct, kw_only=True):
    slug: str
    name_en: str
    version: int


class ExportBody(msgspec.Struct, kw_only=True):
    slug: str
    name: str


class ExportFinding(msgspec.Struct, kw_only=True):
    criterion: str
    title_en: str
    dimension: str
    method: str
    mandatory: bool
    result: str
    evidence_count: int


class ExportCertificate(msgspec.Struct, kw_only=True):
    code: str
    status: str
    status_changed_at: datetime
    holder: ExportHolder
    scheme: ExportScheme
    body: ExportBody
    valid_from: datetime
    valid_until: datetime
    issued_at: datetime
    domains: list[str]
    findings: list[ExportFinding]


FIELDS_EN: dict[str, str] = {
    "code": "the certificate's code, as on the label and at /c/<code>",
    "status": "valid, suspended, withdrawn, expired or signature_being_replaced (valid, but its credential's key was compromised and a new credential is on its way), computed at the moment of export",
    "status_changed_at": "when the status shown last changed (RFC 3339, UTC)",
    "holder": "legal name, country and registration number of the certified organisation",
    "scheme": "slug, English name and version number of the scheme the audit followed",
    "body": "slug and name of the certification body",
    "valid_from, valid_until, issued_at": "validity period and issue time (RFC 3339, UTC)",
    "domains": "web domains the certificate covers now",
    "findings": "per criterion: code, English title, dimension, method, mandatory, result, number of evidence digests",
}
