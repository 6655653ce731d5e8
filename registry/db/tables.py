"""The registry's tables. Rows never leave the services: handlers return schemas.

SQLModel ``table=True`` classes do not validate; input is validated by the API schemas
and the domain rules before a row is built.

Over 300 lines because it is the one place every table is declared (Alembic compares
against it); one class per table, no logic.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy import BigInteger, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.db.types import UTCDateTime


class _HasId(Protocol):
    id: int | None


def pk(row: _HasId) -> int:
    """The primary key of a row that has been flushed (a bug otherwise)."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id


def _instant(*, nullable: bool = False, index: bool = False) -> datetime:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))  # type: ignore[no-any-return]


class Scheme(SQLModel, table=True):
    """A label and the public profile of how independent its control is."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name_nl: str
    name_en: str
    owner: str
    description_nl: str = Field(sa_column=Column(Text, nullable=False))
    description_en: str = Field(sa_column=Column(Text, nullable=False))
    audited_by_nl: str
    audited_by_en: str
    accreditation_required: bool
    surveillance_interval_months: int
    max_validity_months: int
    sanctions_nl: str = Field(sa_column=Column(Text, nullable=False))
    sanctions_en: str = Field(sa_column=Column(Text, nullable=False))
    # The profile consumer guides judge a label by (migration 0011); empty: not stated.
    criteria_set_by_nl: str = Field(default="", sa_column=Column(Text, nullable=False))
    criteria_set_by_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    stakeholders_nl: str = Field(default="", sa_column=Column(Text, nullable=False))
    stakeholders_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    ambition_nl: str = Field(default="", sa_column=Column(Text, nullable=False))
    ambition_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    control_nl: str = Field(default="", sa_column=Column(Text, nullable=False))
    control_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    transparency_nl: str = Field(default="", sa_column=Column(Text, nullable=False))
    transparency_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    complaints_nl: str = Field(default="", sa_column=Column(Text, nullable=False))
    complaints_en: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _instant()


class SchemeVersion(SQLModel, table=True):
    """An immutable list of criteria; a change is a new version."""

    __tablename__ = "scheme_version"
    __table_args__ = (UniqueConstraint("scheme_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    number: int
    published_at: datetime = _instant()
    published_by_id: int = Field(foreign_key="person.id")


class Criterion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="scheme_version.id", index=True)
    position: int
    code: str = Field(max_length=32)
    title_nl: str
    title_en: str
    checked_nl: str = Field(sa_column=Column(Text, nullable=False))
    checked_en: str = Field(sa_column=Column(Text, nullable=False))
    method: str = Field(max_length=32)
    dimension: str = Field(max_length=32)
    mandatory: bool


class Body(SQLModel, table=True):
    """A certification body."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str
    country: str = Field(max_length=2)
    website: str
    created_at: datetime = _instant()


class Accreditation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    accrediting_body: str
    registration_number: str
    valid_from: date
    valid_until: date
    status: str = Field(max_length=16)
    created_at: datetime = _instant()


class AccreditationScheme(SQLModel, table=True):
    """The schemes in an accreditation's scope."""

    __tablename__ = "accreditation_scheme"

    accreditation_id: int = Field(foreign_key="accreditation.id", primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", primary_key=True)


class Person(SQLModel, table=True):
    """One human, known by one verified e-mail address; the log knows them only by
    ``pseudonym``. What they may do comes from their memberships (``membership``);
    ``party_type``, ``role``, ``body_id`` and ``organisation_id`` are the party of the
    first membership, kept because rows made before memberships existed carry them."""

    __table_args__ = (sa.Index("uq_person_email_key", "email_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(max_length=40, unique=True)
    name: str
    email: str | None = Field(default=None, max_length=254)
    # lower case; unique through the index below, named as migration 0006 made it
    email_key: str | None = Field(default=None, max_length=254)
    email_verified_at: datetime | None = _instant(nullable=True)
    party_type: str = Field(max_length=16)  # registry | body | organisation
    role: str = Field(max_length=16)  # the role of the first membership
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    created_at: datetime = _instant()


class Affiliation(SQLModel, table=True):
    """A declared tie between an auditor and an organisation (conflict of interest)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    country: str = Field(max_length=2)
    registration_number: str = Field(max_length=32)
    description: str


class ApiToken(SQLModel, table=True):
    """A bearer token: only its SHA-256 is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    membership_id: int | None = Field(default=None, foreign_key="membership.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")  # None: before 0006
    role: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    label: str
    created_at: datetime = _instant()
    revoked_at: datetime | None = _instant(nullable=True)


class Organisation(SQLModel, table=True):
    """A certified organisation (the holder)."""

    __table_args__ = (UniqueConstraint("country", "registration_number"),)

    id: int | None = Field(default=None, primary_key=True)
    legal_name: str
    country: str = Field(max_length=2)
    registration_number: str = Field(max_length=32, index=True)
    created_at: datetime = _instant()


class OrganisationDomain(SQLModel, table=True):
    __tablename__ = "organisation_domain"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    domain: str = Field(max_length=253, primary_key=True, index=True)


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=40, unique=True, index=True)
    type: str = Field(max_length=16)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    scheme_version_id: int = Field(foreign_key="scheme_version.id")
    body_id: int = Field(foreign_key="body.id", index=True)
    auditor_id: int = Field(foreign_key="person.id")
    certificate_id: int | None = Field(default=None, foreign_key="certificate.id", index=True)
    audit_start: date
    audit_end: date
    scope: str = Field(sa_column=Column(Text, nullable=False))
    domains: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of normalised domains
    submitted_at: datetime = _instant()
    status: str = Field(max_length=16)  # submitted | certified | refused | recorded


class Finding(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_code"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    criterion_code: str = Field(max_length=32)
    result: str = Field(max_length=32)
    evidence_summary: str = Field(sa_column=Column(Text, nullable=False))
    evidence_digests: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of hex


class Decision(SQLModel, table=True):
    """The certification decision: four-eyes, by a body admin who did not audit."""

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", unique=True)
    decided_by_id: int = Field(foreign_key="person.id")
    outcome: str = Field(max_length=16)  # certify | refuse
    reason: str  # Dutch; the English text beside it (migration 0011)
    reason_en: str | None = None
    action: str | None = Field(default=None, max_length=16)  # suspend | withdraw (refused audits)
    deadline: date | None = None  # a suspension's deadline
    decided_at: datetime = _instant()
    certificate_id: int | None = Field(default=None, foreign_key="certificate.id")


class Certificate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True, index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    scheme_version_id: int = Field(foreign_key="scheme_version.id", index=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    status: str = Field(
        max_length=16, index=True
    )  # stored status; readers compute the effective one
    status_reason: str  # Dutch; the English text beside it (migration 0011)
    status_reason_en: str | None = None
    status_deadline: date | None = None  # by when a suspension must be resolved
    status_changed_at: datetime = _instant()
    valid_from: datetime = _instant()
    valid_until: datetime = _instant(index=True)
    issued_at: datetime = _instant()
    credential: str = Field(sa_column=Column(Text, nullable=False))
    credential_kid: str = Field(max_length=64)


class CertificateDomain(SQLModel, table=True):
    """A web domain in a certificate's scope: audited, or declared by the holder."""

    __tablename__ = "certificate_domain"

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(foreign_key="certificate.id", index=True)
    domain: str = Field(max_length=253, index=True)
    source: str = Field(max_length=16)  # audited | holder
    added_at: datetime = _instant()
    removed_at: datetime | None = _instant(nullable=True)


class DomainClaim(SQLModel, table=True):
    """A holder's claim on a web domain, bound to the badge only once control is proved
    (``domain/domain_control.py``); the bound domain is then a ``CertificateDomain`` row."""

    __tablename__ = "domain_claim"

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(foreign_key="certificate.id", index=True)
    domain: str = Field(max_length=253, index=True)
    token: str = Field(max_length=32, unique=True)
    state: str = Field(max_length=16)  # pending | verified | failed
    method: str | None = Field(default=None, max_length=8)  # dns | http, when verified
    verified_at: datetime | None = _instant(nullable=True)
    failure: str | None = Field(default=None, max_length=300)  # shown to the holder alone
    review: str | None = Field(default=None, max_length=16)  # required | approved | refused
    attempts: int = 0
    created_at: datetime = _instant()
    checked_at: datetime | None = _instant(nullable=True)
    next_check_at: datetime | None = _instant(nullable=True, index=True)
    removed_at: datetime | None = _instant(nullable=True)


class StatusMail(SQLModel, table=True):
    """A holder contact who asked for e-mail at each status change of their organisation's
    certificates (instead of, or beside, webhooks)."""

    __tablename__ = "status_mail"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)
    since: datetime = _instant()


class MailOutbox(SQLModel, table=True):
    """A notice queued in the transaction of its change and sent after the commit by the
    server's mail task; the row goes once the message is sent or given up."""

    __tablename__ = "mail_outbox"

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _instant()
    attempts: int = 0
    next_attempt_at: datetime = _instant(index=True)


class CertificateEvent(SQLModel, table=True):
    """One entry of a certificate's public history."""

    __tablename__ = "certificate_event"

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(foreign_key="certificate.id", index=True)
    type: str = Field(max_length=32)
    at: datetime = _instant()
    # When it took effect, if not when it was recorded: an expiry at ``valid_until``.
    effective_at: datetime | None = _instant(nullable=True)
    reason: str  # Dutch; the English text beside it (migration 0011)
    reason_en: str | None = None
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    assessment_id: int | None = Field(default=None, foreign_key="assessment.id")
    data: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON of public details
    log_index: int | None = Field(
        default=None, sa_column=Column(BigInteger, nullable=True, index=True)
    )


class CertificateRead(SQLModel, table=True):
    """What a public read of one certificate needs, written in the transaction of every
    change that alters it (``certificates/read_rows.py``), so that a read is one key
    lookup. What changes with every append (the checkpoint, cosignatures) is not here."""

    __tablename__ = "certificate_read"

    code: str = Field(max_length=16, primary_key=True)
    certificate_id: int = Field(foreign_key="certificate.id", unique=True)
    # The JSON served, zlib-compressed: a certificate's findings make it several KB.
    public: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    etag: str = Field(max_length=80)
    status: str = Field(max_length=32)  # the status in ``public``
    valid_until: datetime = _instant()  # from then on the clock alone shows "expired"
    credential_index: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    credential_sha256: str = Field(max_length=64)
    checked: str = Field(sa_column=Column(Text, nullable=False))  # JSON: the server's check
    written_at: datetime = _instant()


class SigningKey(SQLModel, table=True):
    """Public half and status of every key the registry ever used."""

    __tablename__ = "signing_key"

    id: int | None = Field(default=None, primary_key=True)
    kid: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)  # credential | log
    x: str = Field(max_length=64)
    status: str = Field(max_length=16)  # active | retired | compromised
    not_before: datetime = _instant()
    retired_at: datetime | None = _instant(nullable=True)
    compromised_at: datetime | None = _instant(nullable=True)


class RegistryMeta(SQLModel, table=True):
    """Facts fixed once per registry, such as the log's origin."""

    __tablename__ = "registry_meta"

    key: str = Field(max_length=64, primary_key=True)
    value: str = Field(sa_column=Column(Text, nullable=False))


class LogEntry(SQLModel, table=True):
    """One leaf of the transparency log: the exact bytes that were hashed."""

    __tablename__ = "log_entry"

    idx: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    type: str = Field(max_length=40, index=True)
    created_at: datetime = _instant()


class LogNode(SQLModel, table=True):
    """The hash of a full subtree ``(level, index)``; level 0 holds the leaf hashes."""

    __tablename__ = "log_node"

    level: int = Field(sa_column=Column(sa.SmallInteger, primary_key=True, autoincrement=False))
    index: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class LogCheckpoint(SQLModel, table=True):
    """Every signed checkpoint, kept so that any size's root can be shown signed."""

    __tablename__ = "log_checkpoint"

    size: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    root_hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _instant()


# --- holders: status webhooks, foreign badge embeds, misuse reports (migration 0004) --------


class WebhookEndpoint(SQLModel, table=True):
    """A holder's HTTPS address for status webhooks (Standard Webhooks).

    ``secret`` is the ``whsec_...`` signing secret in clear: it must be usable as an HMAC
    key, so it cannot be hashed. It is shown once at registration, never returned again,
    and blanked when the endpoint is removed.
    """

    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    secret: str = Field(max_length=64)
    created_at: datetime = _instant()
    created_by_id: int = Field(foreign_key="person.id")
    removed_at: datetime | None = _instant(nullable=True)
    removed_by_id: int | None = Field(default=None, foreign_key="person.id")


class WebhookDelivery(SQLModel, table=True):
    """One message to one endpoint (the outbox): written in the transaction of the change.

    ``body`` is the exact JSON sent on every attempt; ``message_id`` is the
    ``webhook-id`` header, the same on every retry so that receivers can deduplicate.
    ``lease`` marks the dispatcher that claimed the row; ``next_attempt_at`` is when the
    row is due (or, while claimed, when the claim lapses).
    """

    __tablename__ = "webhook_delivery"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=40, unique=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True)
    certificate_id: int = Field(foreign_key="certificate.id")
    event_type: str = Field(max_length=40)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _instant()
    status: str = Field(max_length=16)  # pending | delivered | failed | cancelled
    attempts: int = 0
    next_attempt_at: datetime | None = _instant(nullable=True, index=True)
    lease: str | None = Field(default=None, max_length=32)
    delivered_at: datetime | None = _instant(nullable=True)


class WebhookAttempt(SQLModel, table=True):
    """One try of a delivery: the answer's status code, or why there was none."""

    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_delivery.id", index=True)
    number: int
    at: datetime = _instant()
    status_code: int | None = None
    error: str = Field(max_length=300)
    duration_ms: int


class ForeignEmbed(SQLModel, table=True):
    """How often a badge was shown on a domain its certificate does not cover, per day.

    A counter only: no visitor data, not even the full page address.
    """

    __tablename__ = "foreign_embed"

    certificate_id: int = Field(foreign_key="certificate.id", primary_key=True)
    domain: str = Field(max_length=253, primary_key=True, index=True)
    day: date = Field(primary_key=True)
    count: int


class MisuseReport(SQLModel, table=True):
    """A report of a label seen on a site that may not hold it. Holds personal data
    (``contact_email``), so it never enters the transparency log."""

    __tablename__ = "misuse_report"

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=40, unique=True)
    site: str = Field(max_length=300)
    domain: str = Field(max_length=253, index=True)
    certificate_code: str | None = Field(default=None, max_length=16)
    certificate_id: int | None = Field(default=None, foreign_key="certificate.id")
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)
    seen: str = Field(sa_column=Column(Text, nullable=False))
    contact_email: str | None = Field(default=None, max_length=254)
    client_hash: str = Field(max_length=64)
    submitted_at: datetime = _instant(index=True)
    handled_at: datetime | None = _instant(nullable=True)
    handled_by_id: int | None = Field(default=None, foreign_key="person.id")
    handled_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ClientSalt(SQLModel, table=True):
    """A random salt per UTC day for hashing client addresses; old days are deleted, so
    a stored hash can no longer be traced back to an address once its day is over."""

    __tablename__ = "client_salt"

    day: date = Field(primary_key=True)
    salt: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ClientRate(SQLModel, table=True):
    """Requests per hashed client per window, shared by every server process."""

    __tablename__ = "client_rate"

    scope: str = Field(max_length=32, primary_key=True)
    client_hash: str = Field(max_length=64, primary_key=True)
    window_start: datetime = Field(
        sa_column=Column(UTCDateTime(), primary_key=True, autoincrement=False)
    )
    count: int


class WriteRecord(SQLModel, table=True):
    """Who did which authenticated write, and when: the registry's own audit trail.

    It names people (through their person row), so it stays in the database, where a
    person's name can be erased, and never enters the transparency log.
    """

    __tablename__ = "write_record"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_id: int | None = Field(default=None, foreign_key="api_token.id")  # None: a session
    role: str = Field(max_length=16)
    action: str = Field(max_length=64)
    at: datetime = _instant(index=True)


# --- witnesses' cosignatures of the log's checkpoints (migration 0007) ----------------------


class LogCosignature(SQLModel, table=True):
    """A witness's cosignature line on the checkpoint of one size, as the witness sent it
    (C2SP tlog-cosignature); served after the log's own signature."""

    __tablename__ = "log_cosignature"

    size: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    key_name: str = Field(sa_column=Column(Text, primary_key=True))
    key_id: str = Field(sa_column=Column(Text, primary_key=True))
    line: str = Field(sa_column=Column(Text, nullable=False))
    timestamp: int = Field(sa_column=Column(BigInteger, nullable=False))
    received_at: datetime = _instant()


class CertificateNotice(SQLModel, table=True):
    """A notice sent to a body's admins about one of its certificates (a suspension's
    deadline passed, a surveillance audit overdue): one row per certificate, kind and due
    day, so each is sent once whatever process sees it first."""

    __tablename__ = "certificate_notice"

    certificate_id: int = Field(foreign_key="certificate.id", primary_key=True)
    kind: str = Field(max_length=32, primary_key=True)
    due: date = Field(primary_key=True)
    sent_at: datetime = _instant()


# The identity tables live in their own module; importing it here registers them (and the
# ``membership`` table that ``api_token`` refers to) wherever the tables are used.
from registry.db import identity_tables as identity_tables  # noqa: E402


class AssessmentDraft(SQLModel, table=True):
    """An auditor's unfinished assessment, kept on the server for its person alone until
    it is submitted: the form's values as JSON, checked only when submitted."""

    __tablename__ = "assessment_draft"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    body_id: int = Field(foreign_key="body.id")
    title: str = Field(max_length=300)
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _instant()
    updated_at: datetime = _instant()


class SchemeVersionDraft(SQLModel, table=True):
    """The next version of a scheme while staff edit it: its criteria as JSON. Publishing
    makes it an immutable version and removes the draft; one draft per scheme."""

    __tablename__ = "scheme_version_draft"

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", unique=True)
    content: str = Field(sa_column=Column(Text, nullable=False))
    updated_by_id: int = Field(foreign_key="person.id")
    updated_at: datetime = _instant()
