"""The auditor's checklist form, turned into the API's assessment and back.

The form is flat (one result, evidence summary and digest list per criterion); the
assessment it becomes is the very ``AssessmentCreate`` the API decodes, checked by
msgspec the same way and submitted through the same service, so that the page applies
exactly the API's rules. A refusal is mapped to the fields it concerns, so that the page
can show it beside them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import msgspec

from registry.certification.schemas import AssessmentCreate
from registry.errors import InvalidInputError, RegistryError
from registry.schemes.schemas import SchemeVersionPublic

HEAD_FIELDS: Final = (
    "kind",
    "scheme",
    "version",
    "certificate",
    "legal_name",
    "country",
    "registration_number",
    "audit_start",
    "audit_end",
    "scope",
    "domains",
)
PER_CRITERION: Final = ("result", "summary", "digests")
CRITERION_RULES: Final = frozenset(
    {"missing-mandatory-finding", "unknown-criterion", "duplicate-finding", "major-nonconformity"}
)
_PATH = re.compile(r"at `\$\.([^`]*)`")
_ORGANISATION = {"legal_name", "country", "registration_number"}
# Which fields a rule's refusal concerns, when its error does not name criteria.
RULE_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "inconsistent-dates": ("audit_start", "audit_end"),
    "not-accredited": ("audit_start", "audit_end"),
    "conflict-of-interest": ("registration_number",),
    "certificate-reference": ("certificate",),
    "certificate-withdrawn": ("certificate",),
    "not-found": ("certificate",),
    "invalid-registration-number": ("registration_number",),
    "invalid-country-code": ("country",),
    "invalid-domain": ("domains",),
    "invalid-certificate-code": ("certificate",),
}


def kept_values(form: Mapping[str, str], version: SchemeVersionPublic | None) -> dict[str, str]:
    """The form's fields this checklist knows (what a draft keeps), nothing else."""
    names = set(HEAD_FIELDS)
    if version is not None:
        names |= {f"{part}-{c.code}" for c in version.criteria for part in PER_CRITERION}
    return {k: v for k, v in form.items() if k in names}


def digests_of(text: str) -> list[str]:
    return [d.lower() for d in re.split(r"[\s,;]+", text.strip()) if d]


def assessment_of(values: Mapping[str, str], version: SchemeVersionPublic) -> AssessmentCreate:
    """The assessment the form says, decoded as the API decodes its JSON body.

    Raises InvalidInputError whose ``fields`` name the form field that fails.
    """
    findings: list[dict[str, Any]] = []
    codes: list[str] = []
    for criterion in version.criteria:
        result = values.get(f"result-{criterion.code}", "")
        if not result:
            continue
        codes.append(criterion.code)
        findings.append(
            {
                "criterion": criterion.code,
                "result": result,
                "evidence_summary": values.get(f"summary-{criterion.code}", "").strip(),
                "evidence_digests": digests_of(values.get(f"digests-{criterion.code}", "")),
            }
        )
    document: dict[str, Any] = {
        "type": values.get("kind", "initial"),
        "scheme": version.scheme,
        "scheme_version": version.number,
        "organisation": {
            "legal_name": values.get("legal_name", "").strip(),
            "country": values.get("country", "NL").strip() or "NL",
            "registration_number": values.get("registration_number", "").strip(),
        },
        "certificate": values.get("certificate", "").strip() or None,
        "audit_start": values.get("audit_start", ""),
        "audit_end": values.get("audit_end", ""),
        "scope": values.get("scope", "").strip(),
        "domains": [d.strip() for d in values.get("domains", "").splitlines() if d.strip()],
        "findings": findings,
    }
    try:
        return msgspec.convert(document, AssessmentCreate)
    except msgspec.ValidationError as error:
        raise InvalidInputError(str(error), fields=_fields_of_path(str(error), codes)) from None


def _fields_of_path(message: str, codes: list[str]) -> tuple[str, ...]:
    """The form field a msgspec error's ``$.path`` points at."""
    found = _PATH.search(message)
    if found is None:
        return ("findings",) if "findings" in message else ()
    path = found[1]
    head = path.split(".", 1)[0].split("[", 1)[0]
    if head == "organisation":
        leaf = path.split(".")[1] if "." in path else "legal_name"
        return (leaf if leaf in _ORGANISATION else "legal_name",)
    if head == "findings":
        index = re.match(r"findings\[(\d+)\]", path)
        if index is not None and int(index[1]) < len(codes):
            return (f"criterion:{codes[int(index[1])]}",)
        return ("findings",)
    if head == "type":
        return ("kind",)
    return (head,) if head in HEAD_FIELDS else ()


def fields_of(error: RegistryError) -> tuple[str, ...]:
    """The form fields a refusal concerns: the criteria it names, the field a decoding
    error points at, else those its rule is about; empty for the whole form."""
    if error.rule in CRITERION_RULES:
        return tuple(f"criterion:{code}" for code in error.fields)
    return error.fields or RULE_FIELDS.get(error.rule, ())
