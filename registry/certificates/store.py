"""Certificates: issuance and renewal (from a decision), status changes, covered domains.

Every status change goes through :func:`change_status` and every event through
``events.record``, so the log attaches in one place.

Over 300 lines: issuance, renewal, status changes and holder domains write the same
certificate row and its events; the rules they apply are in ``domain/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from registry.bodies.store import accreditation_on
from registry.certificates.credentials import credential_payload
from registry.certification.assessments import findings_public
from registry.certification.schemas import FindingPublic
from registry.db.status_sql import CREDENTIAL_EVENTS
from registry.db.tables import (
    Accreditation,
    Assessment,
    Body,
    Certificate,
    CertificateDomain,
    CertificateEvent,
    LogEntry,
    Organisation,
    OrganisationDomain,
    Person,
    Scheme,
    SchemeVersion,
    SigningKey,
    pk,
)
from registry.discovery.issuer import ensure_issuer_url
from registry.domain.codes import new_code, normalise_code
from registry.domain.decisions import CertificateAction, check_deadline
from registry.domain.hosts import normalise_domain
from registry.domain.reasons import NO_REASON, Reason
from registry.domain.status import (
    CertificateStatus,
    Transition,
    apply_transition,
    blocks_changes,
    effective_status,
    signature_being_replaced,
)
from registry.domain.validity import valid_until_after
from registry.domain.vocabulary import Role
from registry.errors import ConflictError, NotFoundError, PermissionDeniedError, RuleViolationError
from registry.identity.auth import Actor
from registry.signing import Signer, sign_credential, stored_claim
from registry.status_lists import service as status_lists
from registry.transparency import events

EVENT_OF_TRANSITION = {
    Transition.SUSPEND: "certificate.suspended",
    Transition.REINSTATE: "certificate.reinstated",
    Transition.WITHDRAW: "certificate.withdrawn",
    Transition.EXPIRE: "certificate.expired",
    Transition.RENEW: "certificate.renewed",
}


@dataclass(frozen=True)
class Issuer:
    """What issuing needs besides the session: who signs, and as which registry
    (``public_url`` is the issuer URL fixed at init, not the address served on)."""

    signer: Signer
    public_url: str

    @property
    def lists(self) -> status_lists.ListSigner:
        """The status lists are signed by the same key, as the same issuer."""
        return status_lists.ListSigner(self.signer, self.public_url)


def signing_issuer(
    session: Session, signer: Signer, public_url: str, configured: str | None
) -> Issuer:
    """Who signs, as the issuer URL fixed at init (never the address served on):
    ``public_url`` and ``configured`` (``REGISTRY_ISSUER_URL``) matter only the first time."""
    return Issuer(signer=signer, public_url=ensure_issuer_url(session, public_url, configured))


@dataclass(frozen=True)
class CredentialSubject:
    """What a certificate's credential says besides the certificate row itself."""

    organisation: Organisation
    scheme: Scheme
    version: SchemeVersion
    body: Body
    accreditation: Accreditation | None
    auditor_pseudonym: str
    assessment_type: str
    audit_end: str
    domains: list[str]
    scope: str
    findings: list[FindingPublic]


def certificate_by_code(session: Session, code: str) -> Certificate:
    normalised = normalise_code(code)
    found = session.exec(select(Certificate).where(Certificate.code == normalised)).first()
    if found is None:
        raise NotFoundError(f"no certificate {normalised} in the registry")
    return found


def unused_codes(session: Session, count: int) -> list[str]:
    """``count`` new certificate codes no certificate has: 40 random bits each, so a
    collision is rare, and checked (one query per round)."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {new_code() for _ in range(count - len(codes))} - codes
        taken = set(
            session.exec(select(Certificate.code).where(col(Certificate.code).in_(fresh))).all()
        )
        codes |= fresh - taken
    return sorted(codes)


def _unused_code(session: Session) -> str:
    return unused_codes(session, 1)[0]


def issue(
    session: Session, issuer: Issuer, assessment: Assessment, actor: Actor, now: datetime
) -> Certificate:
    """A new certificate from a positive decision on an initial assessment."""
    version = session.get(SchemeVersion, assessment.scheme_version_id)
    assert version is not None
    scheme = session.get(Scheme, version.scheme_id)
    assert scheme is not None
    certificate = new_certificate(
        _unused_code(session),
        assessment.organisation_id,
        pk(version),
        assessment.body_id,
        scheme.max_validity_months,
        now,
    )
    session.add(certificate)
    session.flush()
    assessment.certificate_id = certificate.id
    _sign_and_record(
        session, issuer, certificate, assessment, actor, now, "certificate.issued", NO_REASON
    )
    return certificate


def new_certificate(
    code: str,
    organisation_id: int,
    scheme_version_id: int,
    body_id: int,
    max_validity_months: int,
    now: datetime,
) -> Certificate:
    """A certificate issued ``now``, valid for the scheme's longest validity, before its
    credential is signed: the one row an issue writes, single or in a batch."""
    return Certificate(
        code=code,
        organisation_id=organisation_id,
        scheme_version_id=scheme_version_id,
        body_id=body_id,
        status=CertificateStatus.VALID.value,
        status_reason="",
        status_changed_at=now,
        valid_from=now,
        valid_until=valid_until_after(now, max_validity_months),
        issued_at=now,
        credential="",
        credential_kid="",
    )


def credential_event(
    event_type: str,
    certificate: Certificate,
    assessment_public_id: str,
    now: datetime,
    reason: Reason,
) -> events.RegistryEvent:
    """The log entry that carries a new credential in full (issued, renewed)."""
    return events.RegistryEvent.with_reason(
        event_type,
        now,
        reason,
        {
            "code": certificate.code,
            "assessment": assessment_public_id,
            "credential": certificate.credential,
        },
    )


def sign_certificate(
    issuer: Issuer,
    certificate: Certificate,
    subject: CredentialSubject,
    now: datetime,
    *,
    status: Sequence[Mapping[str, Any]] = (),
    credential_id: str | None = None,
) -> None:
    """Sign exactly what was checked and stored into ``certificate``: the stored JWS is
    what is served. ``status`` is the credential's ``credentialStatus`` entries; a
    reissue passes the ``credential_id`` it keeps."""
    payload = credential_payload(
        issuer=issuer.public_url,
        certificate=certificate,
        organisation=subject.organisation,
        scheme=subject.scheme,
        version=subject.version,
        body=subject.body,
        accreditation=subject.accreditation,
        auditor_pseudonym=subject.auditor_pseudonym,
        assessment_type=subject.assessment_type,
        audit_end=subject.audit_end,
        domains=subject.domains,
        scope=subject.scope,
        findings=subject.findings,
        issued_at=now,
        status=status,
        credential_id=credential_id,
    )
    certificate.credential = sign_credential(issuer.signer, payload)
    certificate.credential_kid = issuer.signer.kid


RECERTIFIED = Reason(nl="hercertificatie-audit geslaagd", en="recertification audit passed")


def renew(
    session: Session,
    issuer: Issuer,
    assessment: Assessment,
    actor: Actor,
    now: datetime,
    reason: Reason = RECERTIFIED,
) -> Certificate:
    """Recertification: same code, new version and validity, a new credential."""
    certificate = session.get(Certificate, assessment.certificate_id)
    assert certificate is not None
    current = effective_status(CertificateStatus(certificate.status), certificate.valid_until, now)
    apply_transition(current, Transition.RENEW)
    version = session.get(SchemeVersion, assessment.scheme_version_id)
    assert version is not None
    scheme = session.get(Scheme, version.scheme_id)
    assert scheme is not None
    certificate.scheme_version_id = assessment.scheme_version_id
    certificate.status = CertificateStatus.VALID.value
    certificate.status_reason = ""
    certificate.status_reason_en = None
    certificate.status_deadline = None
    certificate.status_changed_at = now
    certificate.valid_from = now
    certificate.valid_until = valid_until_after(now, scheme.max_validity_months)
    certificate.issued_at = now
    status_lists.apply_transition(session, issuer.lists, certificate, Transition.RENEW, now)
    _sign_and_record(
        session,
        issuer,
        certificate,
        assessment,
        actor,
        now,
        "certificate.renewed",
        reason or RECERTIFIED,
    )
    return certificate


REISSUED = "credential.reissued"
assert REISSUED in CREDENTIAL_EVENTS  # the history rows of the events that carry a credential


def compromised_keys(session: Session, kids: Iterable[str]) -> dict[str, datetime]:
    """The compromise time of each of ``kids`` that is a compromised credential key."""
    wanted = set(kids)
    if not wanted:
        return {}
    rows = session.exec(
        select(SigningKey.kid, SigningKey.compromised_at).where(
            col(SigningKey.kid).in_(wanted),
            SigningKey.status == "compromised",
            col(SigningKey.compromised_at).is_not(None),
        )
    ).all()
    return {kid: at for kid, at in rows if at is not None}


def signed_at(history: Iterable[CertificateEvent]) -> datetime:
    """When the current credential was signed: the latest history event that carries
    one (the same instant as its log entry)."""
    times = [event.at for event in history if event.type in CREDENTIAL_EVENTS]
    assert times, "a certificate's history starts with the event of its first credential"
    return max(times)


def credentials_outside_log(session: Session, limit: int) -> list[Certificate]:
    """Up to ``limit`` certificates whose current credential no entry of the current log
    carries: its latest credential event is from before the log's first entry (a log
    continued after a restore starts empty), in issue order."""
    first = session.exec(select(LogEntry.created_at).where(LogEntry.idx == 0)).first()
    if first is None:
        return []
    latest = (
        select(CertificateEvent.certificate_id)
        .where(col(CertificateEvent.type).in_(CREDENTIAL_EVENTS))
        .group_by(col(CertificateEvent.certificate_id))
        .having(func.max(CertificateEvent.at) < first)
    )
    return list(
        session.exec(
            select(Certificate)
            .where(col(Certificate.id).in_(latest))
            .order_by(col(Certificate.id))
            .limit(limit)
        )
    )


def compromised_key_to_replace(session: Session, kid: str) -> SigningKey:
    """The credential key ``kid``, once it may be replaced: marked compromised.

    Raises NotFoundError for an unknown key, and ConflictError while the key is still
    the active one (it would sign the replacements: rotate first) or was never marked.
    """
    row = session.exec(
        select(SigningKey).where(SigningKey.kid == kid, SigningKey.role == "credential")
    ).first()
    if row is None:
        raise NotFoundError(f"no credential key with id {kid!r}")
    if row.status == "active":
        raise ConflictError(
            f"key {kid} is still the active credential key and would sign the replacements: "
            f"rotate first (`registry keys compromised --kid={kid} --since TIME` marks it "
            "and makes a new key)"
        )
    if row.status != "compromised" or row.compromised_at is None:
        raise ConflictError(
            f"key {kid} is {row.status}, not compromised: credentials it signed stay valid; "
            f"mark it with `registry keys compromised --kid={kid} --since TIME` first"
        )
    return row


def replacing_signature(session: Session, kids: Iterable[str], limit: int) -> list[Certificate]:
    """Up to ``limit`` certificates whose credential one of the compromised keys ``kids``
    signed at or after its compromise, in issue order."""
    compromised = compromised_keys(session, kids)
    if not compromised:
        return []
    found: list[Certificate] = []
    candidates = session.exec(
        select(Certificate)
        .where(col(Certificate.credential_kid).in_(list(compromised)))
        .order_by(col(Certificate.id))
    ).all()
    for certificate in candidates:
        events_of = session.exec(
            select(CertificateEvent).where(
                CertificateEvent.certificate_id == certificate.id,
                col(CertificateEvent.type).in_(CREDENTIAL_EVENTS),
            )
        ).all()
        if signature_being_replaced(compromised[certificate.credential_kid], signed_at(events_of)):
            found.append(certificate)
            if len(found) == limit:
                break
    return found


def basis_assessment(session: Session, certificate: Certificate) -> Assessment:
    """The initial or recertification assessment the current credential rests on."""
    found = session.exec(
        select(Assessment)
        .where(
            Assessment.certificate_id == certificate.id,
            col(Assessment.type).in_(("initial", "recertification")),
            Assessment.status == "certified",
        )
        .order_by(col(Assessment.id).desc())
    ).first()
    assert found is not None, f"certificate {certificate.code} has no certified assessment"
    return found


def reissue(
    session: Session, issuer: Issuer, certificate: Certificate, now: datetime, reason: str
) -> Certificate:  # the reason of a reissue is the registry's own, written in English
    """Sign the certificate's credential again and log it as ``credential.reissued``.

    The one definition of a reissue: the code, the credential's ``id``, ``validFrom``,
    ``validUntil``, subject and status indices stay; the new credential (with its
    ``credentialStatus``, under the active key) is what ``/credential`` and ``/proof``
    serve from then on, carried in full by its log entry.
    """
    credential_id = stored_claim(certificate.credential, "id")
    _sign(session, issuer, certificate, basis_assessment(session, certificate), now, credential_id)
    events.record(
        session,
        events.RegistryEvent(
            type=REISSUED,
            at=now,
            reason=reason,
            data={"code": certificate.code, "credential": certificate.credential},
        ),
        certificate=certificate,
    )
    return certificate


def _sign_and_record(
    session: Session,
    issuer: Issuer,
    certificate: Certificate,
    assessment: Assessment,
    actor: Actor,
    now: datetime,
    event_type: str,
    reason: Reason,
) -> None:
    """Scope, signature, and the log entry that carries the new credential in full."""
    _set_audited_domains(session, certificate, assessment, now)
    _sign(session, issuer, certificate, assessment, now)
    events.record(
        session,
        credential_event(event_type, certificate, assessment.public_id, now, reason),
        certificate=certificate,
        actor_id=actor.person_id,
        assessment_id=assessment.id,
    )


def record_surveillance(
    session: Session,
    assessment: Assessment,
    actor: Actor,
    now: datetime,
    reason: Reason = NO_REASON,
) -> Certificate:
    """A surveillance audit decided positively adds to the history (with the decision's
    reason, if any; its findings are published with the audit); it issues no credential.

    Raises RuleViolationError when the certificate was withdrawn after the audit was
    submitted: a withdrawn certificate's history ends with the withdrawal.
    """
    certificate = session.get(Certificate, assessment.certificate_id)
    assert certificate is not None
    if blocks_changes(
        effective_status(CertificateStatus(certificate.status), certificate.valid_until, now)
    ):
        raise RuleViolationError(
            f"certificate {certificate.code} was withdrawn; a surveillance audit can no longer be recorded",
            rule="certificate-withdrawn",
        )
    events.record(
        session,
        events.RegistryEvent.with_reason(
            "certificate.surveilled",
            now,
            reason,
            {"code": certificate.code, "assessment": assessment.public_id},
        ),
        certificate=certificate,
        actor_id=actor.person_id,
        assessment_id=assessment.id,
    )
    return certificate


def record_refused_audit(
    session: Session, assessment: Assessment, actor: Actor, now: datetime, reason: Reason
) -> Certificate | None:
    """A follow-up audit refused without a sanction (no major nonconformity) changes no
    status, but it is published: it goes into the history and the log like every other
    decided audit, so that it cannot be left out afterwards. Nothing is recorded on a
    certificate that was withdrawn meanwhile (its history ends with the withdrawal)."""
    certificate = session.get(Certificate, assessment.certificate_id)
    if certificate is None or blocks_changes(
        effective_status(CertificateStatus(certificate.status), certificate.valid_until, now)
    ):
        return None
    events.record(
        session,
        events.RegistryEvent.with_reason(
            "certificate.audit_refused",
            now,
            reason,
            {"code": certificate.code, "assessment": assessment.public_id, "type": assessment.type},
        ),
        certificate=certificate,
        actor_id=actor.person_id,
        assessment_id=assessment.id,
    )
    return certificate


def _set_audited_domains(
    session: Session, certificate: Certificate, assessment: Assessment, now: datetime
) -> None:
    """The audited domains become those of the assessment; the holder's own stay."""
    wanted = set(json.loads(assessment.domains))
    current = session.exec(
        select(CertificateDomain).where(
            CertificateDomain.certificate_id == certificate.id,
            col(CertificateDomain.removed_at).is_(None),
        )
    ).all()
    present = {d.domain for d in current}
    for row in current:
        if row.source == "audited" and row.domain not in wanted:
            row.removed_at = now
            session.add(row)
    for domain in sorted(wanted - present):
        session.add(
            CertificateDomain(
                certificate_id=pk(certificate), domain=domain, source="audited", added_at=now
            )
        )
        if session.get(OrganisationDomain, (certificate.organisation_id, domain)) is None:
            session.add(
                OrganisationDomain(organisation_id=certificate.organisation_id, domain=domain)
            )
    session.flush()


def covered_domains(session: Session, certificate_id: int) -> list[CertificateDomain]:
    return list(
        session.exec(
            select(CertificateDomain)
            .where(
                CertificateDomain.certificate_id == certificate_id,
                col(CertificateDomain.removed_at).is_(None),
            )
            .order_by(col(CertificateDomain.domain))
        )
    )


def _sign(
    session: Session,
    issuer: Issuer,
    certificate: Certificate,
    assessment: Assessment,
    now: datetime,
    credential_id: str | None = None,
) -> None:
    """Sign exactly what was checked and stored; the stored JWS is what is served.
    A reissue passes the ``credential_id`` it keeps."""
    organisation = session.get(Organisation, certificate.organisation_id)
    version = session.get(SchemeVersion, certificate.scheme_version_id)
    body = session.get(Body, certificate.body_id)
    auditor = session.get(Person, assessment.auditor_id)
    assert organisation and version and body and auditor
    scheme = session.get(Scheme, version.scheme_id)
    assert scheme is not None
    accreditation = accreditation_on(session, pk(body), pk(scheme), assessment.audit_end)
    entry = status_lists.ensure_entry(session, issuer.lists, certificate, now)
    subject = CredentialSubject(
        organisation=organisation,
        scheme=scheme,
        version=version,
        body=body,
        accreditation=accreditation,
        auditor_pseudonym=auditor.pseudonym,
        assessment_type=assessment.type,
        audit_end=assessment.audit_end.isoformat(),
        domains=[
            d.domain for d in covered_domains(session, certificate.id or 0) if d.source == "audited"
        ],
        scope=assessment.scope,
        findings=findings_public(session, assessment),
    )
    sign_certificate(
        issuer,
        certificate,
        subject,
        now,
        status=status_lists.status_of(issuer.public_url, entry),
        credential_id=credential_id,
    )
    session.add(certificate)
    session.flush()


def change_status(
    session: Session,
    actor: Actor,
    code: str,
    transition: Transition,
    reason: Reason,
    now: datetime,
    deadline: date | None = None,
) -> Certificate:
    """Suspend, reinstate or withdraw: the body that certified decides, with a public
    reason; a suspension may carry a deadline (after today), nothing else does."""
    actor.require(Role.BODY_ADMIN)
    certificate = certificate_by_code(session, code)
    if certificate.body_id != actor.body_id:
        raise PermissionDeniedError(
            f"certificate {certificate.code} is held with another certification body"
        )
    if deadline is not None:
        action = CertificateAction.SUSPEND if transition is Transition.SUSPEND else None
        check_deadline(action, deadline, now.date())
    return _transition(
        session, certificate, transition, reason, now, actor_id=actor.person_id, deadline=deadline
    )


def act_on_audit(
    session: Session,
    issuer: Issuer,
    assessment: Assessment,
    actor: Actor,
    action: CertificateAction,
    reason: Reason,
    deadline: date | None,
    now: datetime,
) -> Certificate:
    """What a refused audit of an existing certificate does to it: suspend (until the
    deadline) or withdraw, as one history event linked to the audit."""
    certificate = session.get(Certificate, assessment.certificate_id)
    assert certificate is not None
    if certificate.body_id != assessment.body_id or certificate.body_id != actor.body_id:
        raise PermissionDeniedError(
            f"certificate {certificate.code} is held with another certification body"
        )
    transition = Transition.SUSPEND if action is CertificateAction.SUSPEND else Transition.WITHDRAW
    _transition(
        session,
        certificate,
        transition,
        reason,
        now,
        actor_id=actor.person_id,
        deadline=deadline,
        assessment_id=assessment.id,
    )
    status_lists.apply_transition(session, issuer.lists, certificate, transition, now)
    return certificate


def _transition(
    session: Session,
    certificate: Certificate,
    transition: Transition,
    reason: Reason,
    now: datetime,
    *,
    actor_id: int | None,
    changed_at: datetime | None = None,
    deadline: date | None = None,
    assessment_id: int | None = None,
) -> Certificate:
    stored = CertificateStatus(certificate.status)
    # The sweep records what the clock already decided, so it starts from the stored status.
    current = (
        stored
        if transition is Transition.EXPIRE
        else effective_status(stored, certificate.valid_until, now)
    )
    target = apply_transition(current, transition)
    certificate.status = target.value
    certificate.status_reason = reason.nl
    certificate.status_reason_en = reason.en
    if transition is Transition.SUSPEND or target is not CertificateStatus.SUSPENDED:
        certificate.status_deadline = deadline
    certificate.status_changed_at = changed_at or now
    session.add(certificate)
    session.flush()
    data: dict[str, Any] = {"code": certificate.code}
    if deadline is not None:
        data["deadline"] = deadline.isoformat()
    events.record(
        session,
        events.RegistryEvent.with_reason(
            EVENT_OF_TRANSITION[transition], now, reason, data, effective_at=changed_at
        ),
        certificate=certificate,
        actor_id=actor_id,
        assessment_id=assessment_id,
    )
    return certificate


EXPIRED = Reason(nl="geldigheidsduur verstreken", en="validity period ended")


def expire_due(session: Session, now: datetime, limit: int = 500) -> list[str]:
    """The sweep: record ``certificate.expired`` for certificates whose validity has ended.

    Readers already see them as expired (status is computed from the clock); this writes
    the history entry when the sweep runs, with the status and the history dated at the
    instant the validity ended; the log entry keeps the time it was appended and says
    ``effective_at`` beside it, so the log is never backdated. Rows are locked (skipping those another process holds) so that two
    sweeping processes never expire one certificate twice.
    """
    due = session.exec(
        select(Certificate)
        .where(
            col(Certificate.status).in_(("valid", "suspended")), col(Certificate.valid_until) <= now
        )
        .order_by(col(Certificate.valid_until))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for certificate in due:
        _transition(
            session,
            certificate,
            Transition.EXPIRE,
            EXPIRED,
            now,
            actor_id=None,
            changed_at=certificate.valid_until,
        )
    return [c.code for c in due]


def remove_holder_domain(
    session: Session, actor: Actor, code: str, raw: str, now: datetime
) -> None:
    """The holder withdraws a domain from the certificate's scope (audited ones too)."""
    certificate = _holders_certificate(session, actor, code, now)
    domain = normalise_domain(raw)
    row = session.exec(
        select(CertificateDomain).where(
            CertificateDomain.certificate_id == certificate.id,
            CertificateDomain.domain == domain,
            col(CertificateDomain.removed_at).is_(None),
        )
    ).first()
    if row is None:
        raise NotFoundError(f"{domain} is not covered by certificate {certificate.code}")
    row.removed_at = now
    session.add(row)
    events.record(
        session,
        events.RegistryEvent(
            type="certificate.domain_removed",
            at=now,
            data={"code": certificate.code, "domain": domain},
        ),
        certificate=certificate,
        actor_id=actor.person_id,
    )


def _holders_certificate(session: Session, actor: Actor, code: str, now: datetime) -> Certificate:
    actor.require(Role.HOLDER)
    certificate = certificate_by_code(session, code)
    if certificate.organisation_id != actor.organisation_id:
        raise PermissionDeniedError(
            f"certificate {certificate.code} belongs to another organisation"
        )
    if blocks_changes(
        effective_status(CertificateStatus(certificate.status), certificate.valid_until, now)
    ):
        raise ConflictError(
            f"certificate {certificate.code} is withdrawn; its scope can no longer change"
        )
    return certificate
