"""The certificate page's view of its audits over time: a criterion x audit table,
grouped by trust dimension. Pure reshaping of the public schemas; no database, no
request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from registry.certificates.schemas import AuditPublic
from registry.edge.i18n import Language, local_name
from registry.edge.labels import DIMENSION_ORDER


@dataclass(frozen=True)
class CriterionRow:
    code: str
    title: str
    results: list[str]
    """One per audit, oldest first; "" where the audit had no finding for it."""
    changed: bool
    """Whether the result differs between any two audits that judged it."""


@dataclass(frozen=True)
class DimensionRows:
    dimension: str
    rows: list[CriterionRow]


def audit_table(audits: Sequence[AuditPublic], lang: Language) -> list[DimensionRows]:
    """Each criterion any audit judged, under its dimension (in the fixed order of the
    four; a dimension with no criterion is left out), with its result at each audit.
    Criteria keep the order of the latest audit that judged them."""
    seen: dict[str, tuple[str, str]] = {}
    results: dict[str, list[str]] = {}
    for index, audit in enumerate(audits):
        for finding in audit.findings:
            seen[finding.criterion] = (finding.dimension, local_name(finding, "title", lang))
            results.setdefault(finding.criterion, [""] * len(audits))[index] = finding.result
    order = [f.criterion for a in reversed(audits) for f in a.findings]
    codes = list(dict.fromkeys(order))
    groups: list[DimensionRows] = []
    for dimension in DIMENSION_ORDER:
        rows = [
            CriterionRow(
                code=code,
                title=seen[code][1],
                results=results[code],
                changed=len({r for r in results[code] if r}) > 1,
            )
            for code in codes
            if seen[code][0] == dimension
        ]
        if rows:
            groups.append(DimensionRows(dimension, rows))
    return groups
