"""Input (``*Create``) and output (``*Public``) shapes of the use cases.

msgspec validates the input at the edge against these constraints, so a service receives
well-formed values and only has to apply the domain's rules.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

import msgspec
from msgspec import Meta

from registry.domain.vocabulary import (
    AssessmentTypeName,
    DimensionName,
    MethodName,
    ResultName,
    StatusName,
)

T = TypeVar("T")

Slug = Annotated[str, Meta(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", max_length=64)]
Name = Annotated[str, Meta(min_length=1, max_length=300)]
Text = Annotated[str, Meta(max_length=10_000)]
ShortReason = Annotated[str, Meta(min_length=3, max_length=500)]
Country = Annotated[str, Meta(pattern=r"^[A-Za-z]{2}$")]
CriterionCode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,31}$")]
Sha256Hex = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
Months = Annotated[int, Meta(ge=1, le=120)]


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every request body: unknown fields are refused, not silently dropped."""


class Output(msgspec.Struct, kw_only=True):
    """Base of every response shape."""


# --- schemes -------------------------------------------------------------------------


class SchemeCreate(Input, kw_only=True):
    slug: Slug
    name_nl: Name
    name_en: Name
    owner: Name
    description_nl: Text = ""
    description_en: Text = ""
    audited_by_nl: Name
    audited_by_en: Name
    accreditation_required: bool = True
    surveillance_interval_months: Months = 12
    max_validity_months: Months = 36
    sanctions_nl: Text = ""
    sanctions_en: Text = ""


class CriterionCreate(Input, kw_only=True):
    code: CriterionCode
    title_nl: Name
    title_en: Name
    checked_nl: Text
    checked_en: Text
    method: MethodName
    dimension: DimensionName
    mandatory: bool = True


class SchemeVersionCreate(Input, kw_only=True):
    criteria: Annotated[list[CriterionCreate], Meta(min_length=1, max_length=500)]


class CriterionPublic(Output, kw_only=True):
    code: str
    title_nl: str
    title_en: str
    checked_nl: str
    checked_en: str
    method: MethodName
    dimension: DimensionName
    mandatory: bool


class SchemeVersionPublic(Output, kw_only=True):
    scheme: str
    number: int
    published_at: datetime
    criteria: list[CriterionPublic]


class SchemePublic(Output, kw_only=True):
    slug: str
    name_nl: str
    name_en: str
    owner: str
    description_nl: str
    description_en: str
    audited_by_nl: str
    audited_by_en: str
    accreditation_required: bool
    surveillance_interval_months: int
    max_validity_months: int
    sanctions_nl: str
    sanctions_en: str
    versions: list[SchemeVersionPublic]
    certificates_valid: int


# --- bodies and people ------------------------------------------------------------------


class BodyCreate(Input, kw_only=True):
    slug: Slug
    name: Name
    country: Country = "NL"
    website: Annotated[str, Meta(pattern=r"^https?://\S+$", max_length=300)]


class AccreditationCreate(Input, kw_only=True):
    accrediting_body: Name
    registration_number: Annotated[str, Meta(min_length=1, max_length=64)]
    valid_from: date
    valid_until: date
    schemes: Annotated[list[Slug], Meta(min_length=1, max_length=100)]


class AccreditationPublic(Output, kw_only=True):
    id: int
    accrediting_body: str
    registration_number: str
    valid_from: date
    valid_until: date
    status: str
    schemes: list[str]


class BodyPublic(Output, kw_only=True):
    slug: str
    name: str
    country: str
    website: str
    accreditations: list[AccreditationPublic]


class AffiliationCreate(Input, kw_only=True):
    country: Country = "NL"
    registration_number: Annotated[str, Meta(min_length=1, max_length=40)]
    description: Annotated[str, Meta(max_length=500)] = ""


class PersonCreate(Input, kw_only=True):
    name: Name
    role: Literal["auditor", "body_admin"]
    affiliations: Annotated[list[AffiliationCreate], Meta(max_length=100)] = []


class PersonPublic(Output, kw_only=True):
    id: str
    name: str
    role: str
    body: str | None = None


class HolderPersonCreate(Input, kw_only=True):
    name: Name


class TokenCreate(Input, kw_only=True):
    label: Annotated[str, Meta(max_length=200)] = ""


class TokenIssued(Output, kw_only=True):
    """The token is shown once; only its hash is stored."""

    id: int
    token: str
    role: str
    person: str


# --- assessments -----------------------------------------------------------------------


class OrganisationCreate(Input, kw_only=True):
    legal_name: Name
    country: Country = "NL"
    registration_number: Annotated[str, Meta(min_length=1, max_length=40)]


class FindingCreate(Input, kw_only=True):
    criterion: CriterionCode
    result: ResultName
    evidence_summary: Annotated[str, Meta(max_length=4000)] = ""
    evidence_digests: Annotated[list[Sha256Hex], Meta(max_length=50)] = []


class AssessmentCreate(Input, kw_only=True):
    type: AssessmentTypeName
    scheme: Slug
    scheme_version: Annotated[int, Meta(ge=1)]
    organisation: OrganisationCreate
    certificate: str | None = None
    audit_start: date
    audit_end: date
    scope: Annotated[str, Meta(max_length=2000)] = ""
    domains: Annotated[list[Annotated[str, Meta(max_length=300)]], Meta(max_length=50)] = []
    findings: Annotated[list[FindingCreate], Meta(min_length=1, max_length=500)]


class FindingPublic(Output, kw_only=True):
    criterion: str
    title_nl: str
    title_en: str
    dimension: DimensionName
    method: MethodName
    mandatory: bool
    result: ResultName
    evidence_summary: str
    evidence_digests: list[str]


class OrganisationPublic(Output, kw_only=True):
    legal_name: str
    country: str
    registration_number: str


class AssessmentPublic(Output, kw_only=True):
    id: str
    type: AssessmentTypeName
    status: str
    scheme: str
    scheme_version: int
    organisation: OrganisationPublic
    body: str
    auditor: str
    certificate: str | None
    audit_start: date
    audit_end: date
    submitted_at: datetime
    scope: str
    domains: list[str]
    findings: list[FindingPublic]


class DecisionCreate(Input, kw_only=True):
    outcome: Literal["certify", "refuse"]
    reason: Annotated[str, Meta(max_length=500)] = ""


class DecisionPublic(Output, kw_only=True):
    assessment: str
    outcome: str
    decided_at: datetime
    decided_by: str
    certificate: str | None


# --- certificates ----------------------------------------------------------------------


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


# --- transparency log -------------------------------------------------------------------


class InclusionProof(Output, kw_only=True):
    """RFC 9162 inclusion proof; hashes in standard base64, ``checkpoint`` the latest signed one."""

    index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str]
    checkpoint: str


class ConsistencyProof(Output, kw_only=True):
    first: int
    second: int
    hashes: list[str]
    checkpoint: str


class LogEntryPublic(Output, kw_only=True):
    """One entry; ``entry`` is its exact text (RFC 8785 JSON), the bytes of the leaf."""

    index: int
    leaf_hash: str
    entry: str


class Page(Output, Generic[T], kw_only=True):
    """One page of a list; ``next`` is the cursor of the following page, or null."""

    items: list[T]
    next: str | None
