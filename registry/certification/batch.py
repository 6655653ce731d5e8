"""Certify many initial assessments at once: a body moving its register in, or a load.

One issuance path: every row, credential and log entry comes from the functions a single
submission and decision use (``assessments.check_submission``, ``assessment_values``,
``finding_rows``, ``decisions.may_decide`` and ``decision_values``,
``certificates.new_certificate``, ``sign_certificate`` and ``credential_event``,
``events.entry_bytes`` and ``history_values``); the batch only writes them with one
statement per table instead of about thirty ORM round trips per item (ten times faster
on a bulk load). A test holds the stored result of both paths equal. One refused item
refuses the batch: the caller's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_
from sqlmodel import Session, col, select

from registry.bodies.store import accreditation_on
from registry.certificates.store import (
    CredentialSubject,
    Issuer,
    credential_event,
    new_certificate,
    sign_certificate,
    unused_codes,
)
from registry.certification.assessments import (
    CheckedAssessment,
    assessment_values,
    check_submission,
    finding_rows,
    public_findings,
)
from registry.certification.decisions import decision_values, may_decide
from registry.certification.schemas import AssessmentCreate, DecisionCreate
from registry.db.dialect import dialect_insert
from registry.db.tables import (
    Assessment,
    Body,
    Certificate,
    CertificateDomain,
    CertificateEvent,
    Decision,
    Finding,
    Organisation,
    OrganisationDomain,
    Person,
    WebhookEndpoint,
    pk,
)
from registry.domain.assessments import check_certifiable
from registry.domain.reasons import NO_REASON
from registry.domain.vocabulary import AssessmentType, Role
from registry.errors import InvalidInputError
from registry.identity import memberships
from registry.identity.auth import Actor
from registry.schemes.store import criteria_of
from registry.status_lists import service as status_lists
from registry.transparency import journal
from registry.transparency.events import entry_bytes, history_values
from registry.webhooks import store as webhooks

ISSUED = "certificate.issued"


@dataclass
class _Item:
    checked: CheckedAssessment
    organisation_id: int = 0
    code: str = ""
    certificate: Certificate | None = None
    assessment_id: int = 0
    public_id: str = ""
    status: tuple[int, int] = (0, 0)  # status list number and index


def certify_initial(
    session: Session,
    issuer: Issuer,
    auditor: Actor,
    decider: Actor,
    items: Sequence[AssessmentCreate],
    reason: str,
    now: datetime,
) -> list[str]:
    """Submit each initial assessment as ``auditor`` and certify it as ``decider``;
    returns the new certificate codes in order."""
    auditor.require(Role.AUDITOR)
    assert auditor.body_id is not None
    may_decide(decider, auditor.body_id, auditor.person_id)
    batch = [_Item(check_submission(session, auditor, data, now)) for data in items]
    decider_ties = memberships.ties(session, decider.person_id)
    for item in batch:  # four-eyes per organisation, as one decision at a time would check
        may_decide(
            decider,
            auditor.body_id,
            auditor.person_id,
            (item.checked.country, item.checked.number),
            decider_ties,
        )
    for item in batch:
        if item.checked.kind is not AssessmentType.INITIAL:
            raise InvalidInputError(
                f"a batch certifies initial assessments only, not {item.checked.kind.value}"
            )
        check_certifiable({f.criterion: f.result for f in item.checked.data.findings})
    _organisations(session, batch, now)
    for item, code in zip(batch, unused_codes(session, len(batch)), strict=True):
        item.code = code
    _certificates(session, issuer, auditor, batch, now)
    _assessments(session, auditor, batch, now)
    _decisions(session, decider, batch, reason, now)
    _domains(session, batch, now)
    _log(session, decider, batch, now)
    return [item.code for item in batch]


def _organisations(session: Session, batch: list[_Item], now: datetime) -> None:
    """Each item's organisation by registration number, registered when new (as on a
    first assessment: an existing one keeps its name)."""
    keys = {(i.checked.country, i.checked.number) for i in batch}
    by_country: dict[str, list[str]] = {}
    for country, number in keys:
        by_country.setdefault(country, []).append(number)
    condition = or_(
        *(
            and_(
                col(Organisation.country) == country,
                col(Organisation.registration_number).in_(numbers),
            )
            for country, numbers in by_country.items()
        )
    )
    found: dict[tuple[str, str], int] = {
        (country, number): int(id_ or 0)
        for id_, country, number in session.exec(
            select(Organisation.id, Organisation.country, Organisation.registration_number).where(
                condition
            )
        )
    }
    new: dict[tuple[str, str], dict[str, Any]] = {}
    for item in batch:
        key = (item.checked.country, item.checked.number)
        if key not in found and key not in new:
            new[key] = {
                "legal_name": item.checked.data.organisation.legal_name,
                "country": key[0],
                "registration_number": key[1],
                "created_at": now,
            }
    if new:
        found.update(zip(new, _insert(session, Organisation, list(new.values())), strict=True))
    for item in batch:
        item.organisation_id = found[(item.checked.country, item.checked.number)]


def _certificates(
    session: Session, issuer: Issuer, auditor: Actor, batch: list[_Item], now: datetime
) -> None:
    """The certificates, each with its credential signed over exactly what is stored."""
    auditor_row = session.get(Person, auditor.person_id)
    body = session.get(Body, auditor.body_id)
    assert auditor_row is not None and body is not None
    organisations = {
        o.id: o
        for o in session.exec(
            select(Organisation).where(col(Organisation.id).in_({i.organisation_id for i in batch}))
        )
    }
    rows = []
    for item in batch:
        checked = item.checked
        certificate = new_certificate(
            item.code,
            item.organisation_id,
            pk(checked.version),
            pk(body),
            checked.scheme.max_validity_months,
            now,
        )
        item.status = status_lists.draw_index(session, issuer.lists, now)
        subject = CredentialSubject(
            organisation=organisations[item.organisation_id],
            scheme=checked.scheme,
            version=checked.version,
            body=body,
            accreditation=accreditation_on(
                session, pk(body), pk(checked.scheme), checked.data.audit_end
            ),
            auditor_pseudonym=auditor_row.pseudonym,
            assessment_type=checked.kind.value,
            audit_end=checked.data.audit_end.isoformat(),
            domains=list(checked.domains),
            scope=checked.data.scope,
            findings=public_findings(
                criteria_of(session, pk(checked.version)),
                [
                    (f.criterion, f.result, f.evidence_summary, list(f.evidence_digests))
                    for f in checked.data.findings
                ],
            ),
        )
        sign_certificate(
            issuer,
            certificate,
            subject,
            now,
            status=status_lists.credential_status(issuer.public_url, *item.status),
        )
        item.certificate = certificate
        rows.append(certificate.model_dump(exclude={"id"}))
    for item, id_ in zip(batch, _insert(session, Certificate, rows), strict=True):
        assert item.certificate is not None
        item.certificate.id = id_
    status_lists.add_entries(
        session, ((pk(item.certificate), *item.status) for item in batch if item.certificate)
    )


def _assessments(session: Session, auditor: Actor, batch: list[_Item], now: datetime) -> None:
    rows = [
        {
            **assessment_values(item.checked, auditor, item.organisation_id, now),
            "certificate_id": _certificate(item).id,
            "status": "certified",
        }
        for item in batch
    ]
    findings: list[dict[str, Any]] = []
    for item, row, id_ in zip(batch, rows, _insert(session, Assessment, rows), strict=True):
        item.assessment_id, item.public_id = id_, row["public_id"]
        findings.extend(finding_rows(item.checked, id_))
    session.execute(insert(Finding), findings)


def _decisions(
    session: Session, decider: Actor, batch: list[_Item], reason: str, now: datetime
) -> None:
    certify = DecisionCreate(outcome="certify", reason=reason)
    session.execute(
        insert(Decision),
        [
            decision_values(item.assessment_id, decider, certify, now, _certificate(item).id)
            for item in batch
        ],
    )


def _domains(session: Session, batch: list[_Item], now: datetime) -> None:
    """The audited domains of each certificate, and of its organisation."""
    covered = [
        {
            "certificate_id": _certificate(item).id,
            "domain": domain,
            "source": "audited",
            "added_at": now,
            "removed_at": None,
        }
        for item in batch
        for domain in item.checked.domains
    ]
    if covered:
        session.execute(insert(CertificateDomain), covered)
        owned = {(item.organisation_id, d) for item in batch for d in item.checked.domains}
        session.execute(
            dialect_insert(session, OrganisationDomain.__table__).on_conflict_do_nothing(),  # type: ignore[attr-defined]
            [{"organisation_id": o, "domain": d} for o, d in sorted(owned)],
        )


def _log(session: Session, decider: Actor, batch: list[_Item], now: datetime) -> None:
    """One ``certificate.issued`` entry per certificate, its history row, and the
    holder's webhook messages: ``events.record``'s, in bulk."""
    issued = [
        credential_event(ISSUED, _certificate(item), item.public_id, now, NO_REASON)
        for item in batch
    ]
    indexes = journal.append_many(session, [(entry_bytes(e), ISSUED) for e in issued], now)
    history = [
        history_values(e, pk(_certificate(item)), decider.person_id, item.assessment_id, log_index)
        for item, e, log_index in zip(batch, issued, indexes, strict=True)
    ]
    session.execute(insert(CertificateEvent), history)
    listening = set(
        session.exec(
            select(WebhookEndpoint.organisation_id).where(
                col(WebhookEndpoint.organisation_id).in_({i.organisation_id for i in batch}),
                col(WebhookEndpoint.removed_at).is_(None),
            )
        ).all()
    )
    for item, log_index in zip(batch, indexes, strict=True):
        if item.organisation_id in listening:
            webhooks.enqueue_status_change(session, _certificate(item), ISSUED, now, "", log_index)


def _insert(
    session: Session,
    table: type[Organisation | Certificate | Assessment],
    rows: list[dict[str, Any]],
) -> list[int]:
    """Insert ``rows`` with one statement; their new ids, in the order of ``rows``."""
    ids = session.scalars(
        insert(table).returning(col(table.id), sort_by_parameter_order=True), rows
    ).all()
    assert None not in ids
    return [int(i) for i in ids if i is not None]


def _certificate(item: _Item) -> Certificate:
    assert item.certificate is not None and item.certificate.id is not None
    return item.certificate
