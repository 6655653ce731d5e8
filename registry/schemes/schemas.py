"""The schemes feature's input (``*Create``) and output (``*Public``) shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from registry.domain.vocabulary import DimensionName, MethodName
from registry.edge.schemas import CriterionCode, Input, Months, Name, Output, Slug, Text


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
    criteria_set_by_nl: Text = ""
    criteria_set_by_en: Text = ""
    stakeholders_nl: Text = ""
    stakeholders_en: Text = ""
    ambition_nl: Text = ""
    ambition_en: Text = ""
    control_nl: Text = ""
    control_en: Text = ""
    transparency_nl: Text = ""
    transparency_en: Text = ""
    complaints_nl: Text = ""
    complaints_en: Text = ""


PROFILE_FIELDS = (
    "owner",
    "audited_by_nl",
    "audited_by_en",
    "accreditation_required",
    "surveillance_interval_months",
    "max_validity_months",
    "sanctions_nl",
    "sanctions_en",
    "criteria_set_by_nl",
    "criteria_set_by_en",
    "stakeholders_nl",
    "stakeholders_en",
    "ambition_nl",
    "ambition_en",
    "control_nl",
    "control_en",
    "transparency_nl",
    "transparency_en",
    "complaints_nl",
    "complaints_en",
)
"""The fields of the scheme's public profile: who owns it and who sets its criteria,
stakeholder involvement, ambition beyond the law, independent control and accreditation,
sanctions, how open its criteria are, and how to complain."""


class SchemeUpdate(Input, kw_only=True):
    """A change to a scheme's names, description or profile (staff); a field left out
    keeps its value. Versions and criteria never change here."""

    name_nl: Name | None = None
    name_en: Name | None = None
    owner: Name | None = None
    description_nl: Text | None = None
    description_en: Text | None = None
    audited_by_nl: Name | None = None
    audited_by_en: Name | None = None
    accreditation_required: bool | None = None
    surveillance_interval_months: Months | None = None
    max_validity_months: Months | None = None
    sanctions_nl: Text | None = None
    sanctions_en: Text | None = None
    criteria_set_by_nl: Text | None = None
    criteria_set_by_en: Text | None = None
    stakeholders_nl: Text | None = None
    stakeholders_en: Text | None = None
    ambition_nl: Text | None = None
    ambition_en: Text | None = None
    control_nl: Text | None = None
    control_en: Text | None = None
    transparency_nl: Text | None = None
    transparency_en: Text | None = None
    complaints_nl: Text | None = None
    complaints_en: Text | None = None


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
    criteria_set_by_nl: str = ""
    criteria_set_by_en: str = ""
    stakeholders_nl: str = ""
    stakeholders_en: str = ""
    ambition_nl: str = ""
    ambition_en: str = ""
    control_nl: str = ""
    control_en: str = ""
    transparency_nl: str = ""
    transparency_en: str = ""
    complaints_nl: str = ""
    complaints_en: str = ""
    versions: list[SchemeVersionPublic]
    certificates_valid: int
