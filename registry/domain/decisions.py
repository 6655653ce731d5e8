"""What a certification decision may do to an existing certificate.

An audit of an existing certificate (surveillance, recertification) that found a major
nonconformity must never leave the certificate plainly valid: the body suspends it, with
a deadline by which the holder must have put things right, or withdraws it. Nothing
happens by itself when that deadline passes: the page says so and the body is told.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from registry.domain.assessments import check_certifiable
from registry.domain.vocabulary import AssessmentType, Result
from registry.errors import InvalidInputError, RuleViolationError


class CertificateAction(StrEnum):
    """What a refused audit of an existing certificate does to the certificate."""

    SUSPEND = "suspend"
    WITHDRAW = "withdraw"


def check_decision(
    kind: AssessmentType,
    results: Mapping[str, str],
    outcome: str,
    action: CertificateAction | None,
    deadline: date | None,
    today: date,
) -> None:
    """Refuse a decision the rules do not allow.

    - ``certify`` takes no action, and a major nonconformity blocks it
      (``major-nonconformity``);
    - an initial assessment has no certificate to act on (``decision-action``);
    - refusing an audit of an existing certificate with a major nonconformity requires
      ``suspend`` or ``withdraw`` (``major-nonconformity-action``);
    - ``suspend`` requires a deadline after today, ``withdraw`` takes none
      (``suspension-deadline``).
    """
    if outcome == "certify":
        if action is not None or deadline is not None:
            raise InvalidInputError(
                "a positive decision leaves the certificate as it is: give no action or deadline"
            )
        check_certifiable(results)
        return
    if kind is AssessmentType.INITIAL:
        if action is not None or deadline is not None:
            raise RuleViolationError(
                "a refused initial assessment has no certificate to suspend or withdraw",
                rule="decision-action",
            )
        return
    majors = sorted(c for c, r in results.items() if r == Result.MAJOR_NONCONFORMITY)
    if majors and action is None:
        raise RuleViolationError(
            f"a {kind.value} audit with a major nonconformity ({', '.join(majors)}) must "
            "suspend the certificate (with a deadline) or withdraw it: give action "
            '"suspend" with a deadline, or "withdraw"',
            rule="major-nonconformity-action",
        )
    check_deadline(action, deadline, today)


def check_deadline(action: CertificateAction | None, deadline: date | None, today: date) -> None:
    """A suspension after an audit has a deadline after ``today``; nothing else has one."""
    if action is CertificateAction.SUSPEND:
        if deadline is None:
            raise RuleViolationError(
                "a suspension after an audit needs a deadline by which the holder must "
                "have resolved the nonconformity",
                rule="suspension-deadline",
            )
        if deadline <= today:
            raise RuleViolationError(
                f"the suspension deadline {deadline.isoformat()} must be after today "
                f"({today.isoformat()})",
                rule="suspension-deadline",
            )
    elif deadline is not None:
        raise RuleViolationError("only a suspension has a deadline", rule="suspension-deadline")
