"""Four-eyes and conflict of interest."""

from __future__ import annotations

import pytest

from registry.domain.independence import check_four_eyes, check_no_conflict
from registry.errors import RuleViolationError


def test_four_eyes_refuses_the_auditor_as_decider() -> None:
    with pytest.raises(RuleViolationError, match="four-eyes") as caught:
        check_four_eyes(7, 7)
    assert caught.value.rule == "four-eyes"
    check_four_eyes(7, 8)


def test_a_declared_affiliation_is_a_conflict() -> None:
    declared = {("NL", "12345678"), ("BE", "0123456789")}
    with pytest.raises(RuleViolationError, match="NL 12345678") as caught:
        check_no_conflict(declared, "NL", "12345678")
    assert caught.value.rule == "conflict-of-interest"


@pytest.mark.parametrize(
    ("country", "number"), [("NL", "12345679"), ("BE", "12345678"), ("DE", "0123456789")]
)
def test_another_organisation_is_no_conflict(country: str, number: str) -> None:
    check_no_conflict({("NL", "12345678"), ("BE", "0123456789")}, country, number)


def test_no_declaration_no_conflict() -> None:
    check_no_conflict(set(), "NL", "12345678")


def test_a_decider_tied_to_the_organisation_is_refused_through_any_membership() -> None:
    from registry.domain.independence import check_decider_untied

    ties = {("NL", "12345678"), ("BE", "0123456789")}
    check_decider_untied(ties, "NL", "87654321")
    check_decider_untied(set(), "NL", "12345678")
    with pytest.raises(RuleViolationError) as caught:
        check_decider_untied(ties, "NL", "12345678")
    assert caught.value.rule == "four-eyes" and "tied" in caught.value.detail
