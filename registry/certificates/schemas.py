"""The certificates feature's input (``*Create``) and output (``*Public``) shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from registry.certification.schemas import (
    FindingPublic,
    OrganisationPublic,
    ResultCountsPublic,
)
from registry.domain.vocabulary import AssessmentTypeName, StatusName
from registry.edge.schemas import Input, Output, ReasonInput


class StatusChange(ReasonInput, kw_only=True):
    """A status change with its public reason; a suspension may set a ``deadline`` by
    which the holder must have put things right (nothing happens by itself when it
    passes: the page says so and the body is told)."""

    deadline: date | None = None


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
    """One event; ``at`` is when it took effect (an expiry at ``valid_until``) and
    ``recorded_at`` when it was written to the log, when that differs."""

    type: str
    at: datetime
    reason: str
    """Deprecated: the Dutch reason, as ``reason_nl``."""
    reason_nl: str = ""
    reason_en: str | None = None
    recorded_at: datetime | None = None
    assessment: str | None = None
    assessment_type: str | None = None
    log_index: int | None = None


class DecisionSummary(Output, kw_only=True):
    outcome: Literal["certify", "refuse"]
    decided_at: datetime
    reason_nl: str
    reason_en: str | None
    action: Literal["suspend", "withdraw"] | None = None
    deadline: date | None = None


class AuditPublic(Output, kw_only=True):
    """One published audit of a certificate: what was found, by whom, and what followed."""

    id: str
    type: AssessmentTypeName
    audit_start: date
    audit_end: date
    submitted_at: datetime
    scheme_version: int
    body: BodyRef
    auditor: str
    counts: ResultCountsPublic
    findings: list[FindingPublic]
    decision: DecisionSummary | None


class Overdue(Output, kw_only=True):
    """A date that passed without the step it called for: nothing happens by itself,
    the page says so and the body is told."""

    kind: Literal["suspension_deadline", "surveillance"]
    due: date


class CertificatePublic(Output, kw_only=True):
    code: str
    status: StatusName
    status_reason: str
    """Deprecated: the Dutch reason, as ``status_reason_nl``."""
    status_reason_nl: str = ""
    status_reason_en: str | None = None
    status_deadline: date | None = None
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
    """The results of the latest published audit (surveillance included)."""
    findings_audit: str | None = None
    counts: ResultCountsPublic | None = None
    surveillance_due: date | None = None
    overdue: list[Overdue] = []
    history: list[HistoryItem]
    credential_kid: str
    signature: Literal["current", "being_replaced"]
    """``being_replaced`` while the credential rests on a key compromised at or before it
    was signed (the status then says ``signature_being_replaced`` where it would say
    ``valid``), until ``registry keys reissue`` signs it again with the active key."""
