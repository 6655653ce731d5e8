"""View models: what a page shows, shaped from the services' public schemas.

Nothing here reads the database or the request; every function is a pure reshaping so
that pages stay thin and the shaping can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from registry.bodies.schemas import AccreditationPublic, BodyPublic
from registry.certification.schemas import FindingPublic
from registry.edge.i18n import LANGUAGES, Language, local_name
from registry.edge.labels import DIMENSION_ORDER
from registry.schemes.schemas import CriterionPublic, SchemePublic, SchemeVersionPublic


@dataclass(frozen=True)
class PageContext:
    """The language of a page and how to link to pages in the same language."""

    lang: Language
    explicit: bool  # chosen with ?lang, so links carry it on
    path: str
    params: dict[str, str] = field(default_factory=dict)

    def href(self, path: str, **params: str) -> str:
        """A link to ``path``; ``?lang`` is kept when the visitor chose it."""
        query = {k: v for k, v in params.items() if v}
        if self.explicit:
            query["lang"] = self.lang
        return path + ("?" + urlencode(query) if query else "")

    @property
    def other_languages(self) -> list[tuple[Language, str]]:
        """Each other language with the address of this page in it."""
        return [
            (language, self.path + "?" + urlencode({**self.params, "lang": language}))
            for language in LANGUAGES
            if language != self.lang
        ]


@dataclass(frozen=True)
class CheckedCriterion:
    code: str
    title: str
    checked: str
    method: str
    mandatory: bool
    result: str  # a finding's result, or "" on a scheme page
    evidence_summary: str = ""


@dataclass(frozen=True)
class DimensionGroup:
    dimension: str
    criteria: list[CheckedCriterion]


def findings_by_dimension(
    findings: list[FindingPublic], version: SchemeVersionPublic, lang: Language
) -> list[DimensionGroup]:
    """Every finding under its trust dimension, in the fixed order of the four; a
    dimension nothing was checked for is kept, empty, so the page can say so."""
    criteria = {c.code: c for c in version.criteria}
    groups: dict[str, list[CheckedCriterion]] = {d: [] for d in DIMENSION_ORDER}
    for finding in findings:
        criterion = criteria.get(finding.criterion)
        groups.setdefault(finding.dimension, []).append(
            CheckedCriterion(
                code=finding.criterion,
                title=local_name(finding, "title", lang),
                checked=local_name(criterion, "checked", lang) if criterion else "",
                method=finding.method,
                mandatory=finding.mandatory,
                result=finding.result,
                evidence_summary=finding.evidence_summary,
            )
        )
    return [DimensionGroup(d, items) for d, items in groups.items()]


def criteria_by_dimension(criteria: list[CriterionPublic], lang: Language) -> list[DimensionGroup]:
    groups: dict[str, list[CheckedCriterion]] = {d: [] for d in DIMENSION_ORDER}
    for criterion in criteria:
        groups.setdefault(criterion.dimension, []).append(
            CheckedCriterion(
                code=criterion.code,
                title=local_name(criterion, "title", lang),
                checked=local_name(criterion, "checked", lang),
                method=criterion.method,
                mandatory=criterion.mandatory,
                result="",
            )
        )
    return [DimensionGroup(d, items) for d, items in groups.items()]


def accreditations_for(body: BodyPublic, scheme_slug: str) -> list[AccreditationPublic]:
    """The body's accreditations whose scope holds the scheme."""
    return [a for a in body.accreditations if scheme_slug in a.schemes]


@dataclass(frozen=True)
class SchemeTexts:
    name: str
    description: str
    audited_by: str
    sanctions: str


def scheme_texts(scheme: SchemePublic, lang: Language) -> SchemeTexts:
    return SchemeTexts(
        name=local_name(scheme, "name", lang),
        description=local_name(scheme, "description", lang),
        audited_by=local_name(scheme, "audited_by", lang),
        sanctions=local_name(scheme, "sanctions", lang),
    )
