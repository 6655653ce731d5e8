"""The certification feature's input (``*Create``) and output (``*Public``) shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from registry.domain.vocabulary import AssessmentTypeName, DimensionName, MethodName, ResultName
from registry.edge.schemas import (
    Country,
    CriterionCode,
    Input,
    Name,
    OptionalReasonInput,
    Output,
    Sha256Hex,
    Slug,
)


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


class DecisionCreate(OptionalReasonInput, kw_only=True):
    """The decision. Refusing an audit of an existing certificate may ``suspend`` it
    (with a ``deadline``) or ``withdraw`` it, and must when the audit found a major
    nonconformity; a refusal needs a reason."""

    outcome: Literal["certify", "refuse"]
    action: Literal["suspend", "withdraw"] | None = None
    deadline: date | None = None


class DecisionPublic(Output, kw_only=True):
    assessment: str
    outcome: str
    decided_at: datetime
    decided_by: str
    certificate: str | None
    reason_nl: str = ""
    reason_en: str | None = None
    action: Literal["suspend", "withdraw"] | None = None
    deadline: date | None = None


class ResultCountsPublic(Output, kw_only=True):
    """``applicable`` of ``total`` criteria apply; of those, how many conform and how many
    have a minor or major nonconformity (a criterion that does not apply is not checked)."""

    total: int
    applicable: int
    conforming: int
    minor_nonconformity: int
    major_nonconformity: int


class DraftSummary(Output, kw_only=True):
    """An auditor's unfinished assessment, as their portal lists it."""

    id: int
    title: str
    updated_at: datetime
