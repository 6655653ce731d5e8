"""Rules an assessment must meet before it is accepted, and before it certifies.

Each refusal is a :class:`RuleViolationError` whose ``rule`` is a stable name that the API
puts in the problem type, so a client can tell the rules apart without parsing prose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from registry.domain.vocabulary import AssessmentType, Result
from registry.errors import InvalidInputError, RuleViolationError

MAX_AUDIT_AGE = timedelta(days=365)
MAX_AUDIT_LENGTH = timedelta(days=366)


@dataclass(frozen=True)
class CriterionRule:
    """What the rules need to know of a criterion."""

    code: str
    mandatory: bool


def check_findings(criteria: Sequence[CriterionRule], findings: Iterable[tuple[str, str]]) -> None:
    """Every finding names a criterion of the version, once; every mandatory criterion has one.

    ``findings`` are (criterion code, result) pairs. A version without criteria is invalid.
    """
    if not criteria:
        raise InvalidInputError("the scheme version has no criteria")
    known = {c.code for c in criteria}
    seen: set[str] = set()
    repeated: list[str] = []
    unknown: list[str] = []
    for code, _result in findings:
        if code in seen:
            repeated.append(code)
        seen.add(code)
        if code not in known:
            unknown.append(code)
    if unknown:
        raise RuleViolationError(
            f"findings name criteria that this scheme version does not have: {', '.join(unknown)}",
            rule="unknown-criterion",
            fields=tuple(unknown),
        )
    if repeated:
        raise RuleViolationError(
            f"each criterion takes one finding; repeated: {', '.join(sorted(set(repeated)))}",
            rule="duplicate-finding",
            fields=tuple(sorted(set(repeated))),
        )
    missing = [c.code for c in criteria if c.mandatory and c.code not in seen]
    if missing:
        raise RuleViolationError(
            f"every mandatory criterion needs a finding; missing: {', '.join(missing)}",
            rule="missing-mandatory-finding",
            fields=tuple(missing),
        )


def check_audit_dates(
    start: date, end: date, today: date, *, not_before: date | None = None
) -> None:
    """The audit took place, in order, recently, and (for a follow-up) after the certificate began."""
    if end < start:
        raise RuleViolationError(
            f"the audit ends ({end}) before it starts ({start})", rule="inconsistent-dates"
        )
    if end > today:
        raise RuleViolationError(
            f"the audit end date {end} is in the future (today is {today})",
            rule="inconsistent-dates",
        )
    if end - start > MAX_AUDIT_LENGTH:
        raise RuleViolationError(
            f"an audit lasts at most {MAX_AUDIT_LENGTH.days} days; this one {(end - start).days}",
            rule="inconsistent-dates",
        )
    if today - end > MAX_AUDIT_AGE:
        raise RuleViolationError(
            f"the audit ended {(today - end).days} days ago; submit within {MAX_AUDIT_AGE.days} days",
            rule="inconsistent-dates",
        )
    if not_before is not None and start < not_before:
        raise RuleViolationError(
            f"a follow-up audit cannot start ({start}) before the certificate began ({not_before})",
            rule="inconsistent-dates",
        )


def check_certificate_reference(kind: AssessmentType, certificate_given: bool) -> None:
    """An initial assessment creates a certificate; the others continue one."""
    if kind is AssessmentType.INITIAL and certificate_given:
        raise RuleViolationError(
            "an initial assessment must not name a certificate; use surveillance or recertification",
            rule="certificate-reference",
        )
    if kind is not AssessmentType.INITIAL and not certificate_given:
        raise RuleViolationError(
            f"a {kind.value} assessment must name the certificate it continues",
            rule="certificate-reference",
        )


def check_certifiable(results: Mapping[str, str]) -> None:
    """A major nonconformity blocks certification."""
    majors = sorted(
        code for code, result in results.items() if result == Result.MAJOR_NONCONFORMITY
    )
    if majors:
        raise RuleViolationError(
            f"a major nonconformity blocks certification: {', '.join(majors)}",
            rule="major-nonconformity",
            fields=tuple(majors),
        )


@dataclass(frozen=True)
class ResultCounts:
    """What an audit's findings count, saying what each number counts: a criterion that
    does not apply was not checked, so it is neither "checked" nor "met"."""

    total: int
    applicable: int
    conforming: int
    minor: int
    major: int


def count_results(results: Iterable[str]) -> ResultCounts:
    """Counts of ``results`` (one per criterion of the version, ``not_applicable`` too)."""
    listed = list(results)
    return ResultCounts(
        total=len(listed),
        applicable=sum(r != Result.NOT_APPLICABLE for r in listed),
        conforming=listed.count(Result.CONFORMING),
        minor=listed.count(Result.MINOR_NONCONFORMITY),
        major=listed.count(Result.MAJOR_NONCONFORMITY),
    )
