"""Who may audit and who may decide: the independence rules of a certification.

Four-eyes: the person who audited (and submitted) never takes the certification
decision, nor does a person tied to the audited organisation (a declared affiliation or
a membership of it), whatever membership or token they use: persons are compared, not
tokens, and one e-mail address is one person. Conflict of interest: an
auditor who declared an affiliation with an organisation does not audit it.
"""

from __future__ import annotations

from collections.abc import Collection

from registry.errors import RuleViolationError


def check_four_eyes(auditor_id: int, decider_id: int) -> None:
    """Raises RuleViolationError (``four-eyes``) when the decider is the auditor."""
    if auditor_id == decider_id:
        raise RuleViolationError(
            "four-eyes: the person who audited cannot take the certification decision",
            rule="four-eyes",
        )


def check_no_conflict(declared: Collection[tuple[str, str]], country: str, number: str) -> None:
    """Raises RuleViolationError (``conflict-of-interest``) when the auditor declared an
    affiliation with the organisation ``country`` ``number``."""
    if (country, number) in declared:
        raise RuleViolationError(
            f"you declared an affiliation with organisation {country} {number}; "
            "another auditor of your body must audit it",
            rule="conflict-of-interest",
        )


def check_decider_untied(
    decider_ties: Collection[tuple[str, str]], country: str, number: str
) -> None:
    """Raises RuleViolationError (``four-eyes``) when the decider is tied to the audited
    organisation ``country`` ``number`` through an affiliation or any membership."""
    if (country, number) in decider_ties:
        raise RuleViolationError(
            "four-eyes: you are tied to the audited organisation (an affiliation or a "
            "membership of it), so another admin must decide",
            rule="four-eyes",
        )
