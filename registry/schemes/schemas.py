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
