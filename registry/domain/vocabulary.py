"""The snake_case values the API and the credential carry; pages translate them."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Dimension(StrEnum):
    """The trust dimension a criterion tests."""

    COMPETENCE = "competence"
    RELIABILITY = "reliability"
    INTEGRITY = "integrity"
    BENEVOLENCE = "benevolence"


class Method(StrEnum):
    """How a criterion is checked."""

    DOCUMENT_REVIEW = "document_review"
    SITE_VISIT = "site_visit"
    MYSTERY_SHOPPING = "mystery_shopping"
    CUSTOMER_SURVEY = "customer_survey"
    TECHNICAL_TEST = "technical_test"


class Result(StrEnum):
    """A finding's result."""

    CONFORMING = "conforming"
    MINOR_NONCONFORMITY = "minor_nonconformity"
    MAJOR_NONCONFORMITY = "major_nonconformity"
    NOT_APPLICABLE = "not_applicable"


class AssessmentType(StrEnum):
    INITIAL = "initial"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"


class Role(StrEnum):
    """A token's role; each belongs to one kind of party."""

    STAFF = "staff"
    BODY_ADMIN = "body_admin"
    AUDITOR = "auditor"
    HOLDER = "holder"


class PartyType(StrEnum):
    REGISTRY = "registry"
    BODY = "body"
    ORGANISATION = "organisation"


PARTY_OF_ROLE: dict[Role, PartyType] = {
    Role.STAFF: PartyType.REGISTRY,
    Role.BODY_ADMIN: PartyType.BODY,
    Role.AUDITOR: PartyType.BODY,
    Role.HOLDER: PartyType.ORGANISATION,
}

DimensionName = Literal["competence", "reliability", "integrity", "benevolence"]
MethodName = Literal[
    "document_review", "site_visit", "mystery_shopping", "customer_survey", "technical_test"
]
ResultName = Literal["conforming", "minor_nonconformity", "major_nonconformity", "not_applicable"]
AssessmentTypeName = Literal["initial", "surveillance", "recertification"]
StatusName = Literal["valid", "suspended", "withdrawn", "expired", "signature_being_replaced"]
