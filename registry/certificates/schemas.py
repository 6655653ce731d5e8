"""The certificates feature's input (``*Create``) and output (``*Public``) shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta

from registry.certification.schemas import FindingPublic, OrganisationPublic
from registry.domain.vocabulary import StatusName
from registry.edge.schemas import Input, Output, ShortReason


class StatusChange(Input, kw_only=True):
    reason: ShortReason


class DomainCreate(Input, kw_only=True):
    domain: Annotated[str, Meta(min_length=1, max_length=300)]


class SchemeRef(Output, kw_only=True):
    slug: str
    name_nl: str
    name_en: str


class BodyRef(Output, kw_only=True):
    slug: str
    name: str


class CoveredDomain(Output, kw_only=True):
    domain: str
    source: Literal["audited", "holder"]
    added_at: datetime


class ClaimInstructions(Output, kw_only=True):
    """Either proves control: the TXT record, or the HTTPS file with the token as body."""

    dns_name: str
    dns_value: str
    http_url: str
    http_body: str


class DomainClaimPublic(Output, kw_only=True):
    """A holder's claim on a web domain, shown to that holder (and to staff in review).

    ``state`` is ``pending`` until a check finds the token, ``verified`` (with ``method``
    and ``verified_at``) once one did, ``failed`` with ``failure`` saying why. ``review``
    is ``required`` while staff must approve a domain another organisation's certificate
    covers. Only a claim with ``binds`` true binds the badge and is found by search.
    """

    id: int
    certificate: str
    domain: str
    shown: str
    state: Literal["pending", "verified", "failed"]
    method: str | None
    verified_at: datetime | None
    failure: str | None
    review: str | None
    binds: bool
    created_at: datetime
    checked_at: datetime | None
    next_check_at: datetime | None
    instructions: ClaimInstructions


class HistoryItem(Output, kw_only=True):
    type: str
    at: datetime
    reason: str
    assessment: str | None = None
    assessment_type: str | None = None
    log_index: int | None = None


class CertificatePublic(Output, kw_only=True):
    code: str
    status: StatusName
    status_reason: str
    status_changed_at: datetime
    holder: OrganisationPublic
    scheme: SchemeRef
    scheme_version: int
    body: BodyRef
    auditor: str
    scope: str
    valid_from: datetime
    valid_until: datetime
    issued_at: datetime
    domains: list[CoveredDomain]
    findings: list[FindingPublic]
    history: list[HistoryItem]
    credential_kid: str
    signature: Literal["current", "being_replaced"]
    """``being_replaced`` while the credential rests on a key compromised at or before it
    was signed (the status then says ``signature_being_replaced`` where it would say
    ``valid``), until ``registry keys reissue`` signs it again with the active key."""
