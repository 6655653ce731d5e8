"""The auditor's checklist form becomes the API's assessment, and a refusal finds the
form fields it concerns."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.errors import InvalidInputError, RuleViolationError
from registry.portals import checklist
from registry.schemes.schemas import CriterionPublic, SchemeVersionPublic


def _version() -> SchemeVersionPublic:
    return SchemeVersionPublic(
        scheme="webwinkel",
        number=2,
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        criteria=[
            CriterionPublic(
                code=code,
                title_nl=code,
                title_en=code,
                checked_nl="",
                checked_en="",
                method="document_review",
                dimension="integrity",
                mandatory=True,
            )
            for code in ("WS-1.1", "WS-2.1", "WS-3.1")
        ],
    )


def _form(**changes: str) -> dict[str, str]:
    form = {
        "kind": "initial",
        "legal_name": "Fietsen B.V.",
        "registration_number": "12345678",
        "audit_start": "2026-05-01",
        "audit_end": "2026-05-02",
        "domains": "fietsen.example\n\n  outlet.example ",
        "result-WS-1.1": "conforming",
        "result-WS-3.1": "minor_nonconformity",
        "digests-WS-3.1": "AB" * 32 + ", " + "cd" * 32,
        "summary-WS-3.1": " late delivery ",
        "smuggled": "x",
    }
    form.update(changes)
    return form


def test_the_form_becomes_the_apis_assessment() -> None:
    data = checklist.assessment_of(_form(), _version())
    assert (data.scheme, data.scheme_version) == ("webwinkel", 2)
    assert data.domains == ["fietsen.example", "outlet.example"]
    assert [f.criterion for f in data.findings] == ["WS-1.1", "WS-3.1"]  # no result, no finding
    assert data.findings[1].evidence_digests == ["ab" * 32, "cd" * 32]
    assert data.findings[1].evidence_summary == "late delivery"


def test_a_draft_keeps_only_the_checklists_fields() -> None:
    kept = checklist.kept_values(_form(), _version())
    assert "smuggled" not in kept and kept["summary-WS-3.1"] == " late delivery "
    assert "result-WS-9.9" not in checklist.kept_values({"result-WS-9.9": "x"}, _version())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"digests-WS-3.1": "not a digest"}, "criterion:WS-3.1"),
        ({"result-WS-1.1": "perfect"}, "criterion:WS-1.1"),
        ({"legal_name": ""}, "legal_name"),
        ({"country": "Netherlands"}, "country"),
        ({"audit_end": "yesterday"}, "audit_end"),
        ({"kind": "spot-check"}, "kind"),
    ],
)
def test_a_decoding_error_points_at_its_field(changes: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        checklist.assessment_of(_form(**changes), _version())
    assert checklist.fields_of(refused.value) == (field,)


@pytest.mark.parametrize(
    ("error", "fields"),
    [
        (
            RuleViolationError("missing", rule="missing-mandatory-finding", fields=("WS-2.1",)),
            ("criterion:WS-2.1",),
        ),
        (RuleViolationError("dates", rule="inconsistent-dates"), ("audit_start", "audit_end")),
        (RuleViolationError("tie", rule="conflict-of-interest"), ("registration_number",)),
        (RuleViolationError("other", rule="certificate-withdrawn"), ("certificate",)),
        (RuleViolationError("whole", rule="rule-violation"), ()),
    ],
)
def test_a_rule_finds_the_fields_it_concerns(
    error: RuleViolationError, fields: tuple[str, ...]
) -> None:
    assert checklist.fields_of(error) == fields
