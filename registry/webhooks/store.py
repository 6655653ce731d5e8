"""Status webhooks for holders: endpoints, the outbox, attempts, and what a holder sees.

A status change of a certificate (issued, suspended, reinstated, withdrawn, expired,
renewed) writes one delivery row per active endpoint of its holder, in the transaction
of the change (``events.record`` calls :func:`enqueue_status_change`), so a change is
never committed without its message, nor a message without its change. The dispatcher
(``webhook_delivery``) claims due rows, sends them after the request has returned, and
records every attempt here; failures are retried on a schedule, then given up.

The message body is fixed when the row is written and sent byte for byte on every try:
``{"type", "timestamp", "data": {"code", "status", "reason", "log_index"}}``.

Over 300 lines: the outbox (enqueue, claim, attempt, retry) and the holder's view of it
share the same rows and states; splitting them would split one state machine.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

import msgspec
from msgspec import Meta
from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from registry.db.tables import (
    Certificate,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    pk,
)
from registry.domain.vocabulary import Role
from registry.edge.schemas import Input, Output, Page
from registry.errors import ConflictError, InvalidInputError, NotFoundError
from registry.identity.auth import Actor
from registry.webhooks import notices

SECRET_PREFIX = "whsec_"  # noqa: S105  (the Standard Webhooks marker, not a secret)
SECRET_BYTES = 32
STATUS_EVENTS = frozenset(
    {
        "certificate.issued",
        "certificate.suspended",
        "certificate.reinstated",
        "certificate.withdrawn",
        "certificate.expired",
        "certificate.renewed",
        "certificate.domain_lapsed",
    }
)
MAX_ENDPOINTS = 5
LEASE = timedelta(seconds=60)  # longer than any attempt; a crashed dispatcher's claim lapses
MAX_PAGE = 200

PENDING, DELIVERED, FAILED, CANCELLED = "pending", "delivered", "failed", "cancelled"


class WebhookCreate(Input, kw_only=True):
    url: Annotated[str, Meta(min_length=1, max_length=2000)]


class WebhookEndpointPublic(Output, kw_only=True):
    id: int
    url: str
    created_at: datetime
    events: list[str]


class WebhookEndpointCreated(WebhookEndpointPublic, kw_only=True):
    """The endpoint with its signing secret: shown this once, never again."""

    secret: str


class WebhookTestQueued(Output, kw_only=True):
    """A test message queued; its deliveries show under the endpoint like any other."""

    message_id: str


class WebhookAttemptPublic(Output, kw_only=True):
    number: int
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int


class WebhookDeliveryPublic(Output, kw_only=True):
    """One message and its attempts; ``id`` is its ``webhook-id`` header."""

    id: str
    type: str
    certificate: str
    created_at: datetime
    status: str
    attempts: list[WebhookAttemptPublic]
    next_attempt_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class OutgoingDelivery:
    """A claimed delivery, all the dispatcher needs to send it."""

    delivery_id: int
    lease: str
    message_id: str
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True)
class AttemptOutcome:
    delivery_id: int
    lease: str
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


def new_secret() -> str:
    """``whsec_`` and the base64 of 32 random bytes, as Standard Webhooks secrets look."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _endpoint_public(endpoint: WebhookEndpoint) -> WebhookEndpointPublic:
    return WebhookEndpointPublic(
        id=pk(endpoint),
        url=endpoint.url,
        created_at=endpoint.created_at,
        events=sorted(STATUS_EVENTS),
    )


def _active_endpoints(session: Session, organisation_id: int) -> list[WebhookEndpoint]:
    return list(
        session.exec(
            select(WebhookEndpoint)
            .where(
                WebhookEndpoint.organisation_id == organisation_id,
                col(WebhookEndpoint.removed_at).is_(None),
            )
            .order_by(col(WebhookEndpoint.id))
        )
    )


def _holder(actor: Actor) -> int:
    actor.require(Role.HOLDER)
    assert actor.organisation_id is not None, "a holder acts for an organisation"
    return actor.organisation_id


def register(session: Session, actor: Actor, url: str, now: datetime) -> WebhookEndpointCreated:
    """Register a checked URL for the holder's organisation; returns the secret once.

    The secret is stored as it is, since it has to serve as the HMAC key; the API never
    returns it again. Raises ConflictError for a URL already registered or when the
    organisation has its maximum of endpoints.
    """
    organisation_id = _holder(actor)
    active = _active_endpoints(session, organisation_id)
    if any(endpoint.url == url for endpoint in active):
        raise ConflictError("this webhook URL is already registered")
    if len(active) >= MAX_ENDPOINTS:
        raise ConflictError(f"an organisation has at most {MAX_ENDPOINTS} webhook endpoints")
    secret = new_secret()
    endpoint = WebhookEndpoint(
        organisation_id=organisation_id,
        url=url,
        secret=secret,
        created_at=now,
        created_by_id=actor.person_id,
    )
    session.add(endpoint)
    session.flush()
    public = _endpoint_public(endpoint)
    return WebhookEndpointCreated(**msgspec.structs.asdict(public), secret=secret)


def list_endpoints(session: Session, actor: Actor) -> list[WebhookEndpointPublic]:
    return [_endpoint_public(e) for e in _active_endpoints(session, _holder(actor))]


def _own_endpoint(session: Session, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    """The holder's active endpoint; another organisation's is reported as missing."""
    organisation_id = _holder(actor)
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if (
        endpoint is None
        or endpoint.organisation_id != organisation_id
        or endpoint.removed_at is not None
    ):
        raise NotFoundError(f"no webhook endpoint {endpoint_id}")
    return endpoint


def remove(session: Session, actor: Actor, endpoint_id: int, now: datetime) -> None:
    """Stop sending to an endpoint: its secret is blanked and pending messages cancelled."""
    endpoint = _own_endpoint(session, actor, endpoint_id)
    endpoint.removed_at = now
    endpoint.removed_by_id = actor.person_id
    endpoint.secret = ""
    session.add(endpoint)
    for delivery in session.exec(
        select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == PENDING
        )
    ):
        delivery.status = CANCELLED
        delivery.next_attempt_at = None
        session.add(delivery)
    session.flush()


def deliveries(
    session: Session, actor: Actor, endpoint_id: int, limit: int, cursor: str | None
) -> Page[WebhookDeliveryPublic]:
    """The endpoint's messages, newest first, each with all its attempts.

    Messages and attempts come from one statement, so that a delivery and its attempts
    are always shown as of one instant (PostgreSQL reads each statement at its own).
    """
    endpoint = _own_endpoint(session, actor, endpoint_id)
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        select(WebhookDelivery.id)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(limit + 1)
    )
    if cursor is not None:
        if not cursor.isdigit() or len(cursor) > 18:
            raise InvalidInputError("cursor is not one this API gave out")
        query = query.where(col(WebhookDelivery.id) < int(cursor))
    found = [i for i in session.exec(query) if i is not None]
    ids = found[:limit]
    items: dict[int, WebhookDeliveryPublic] = {}
    rows = session.exec(
        select(WebhookDelivery, Certificate.code, WebhookAttempt)
        .join(Certificate, Certificate.id == WebhookDelivery.certificate_id)  # type: ignore[arg-type]
        .outerjoin(WebhookAttempt, WebhookAttempt.delivery_id == WebhookDelivery.id)  # type: ignore[arg-type]
        .where(col(WebhookDelivery.id).in_(ids))
        .order_by(col(WebhookDelivery.id).desc(), col(WebhookAttempt.number))
    )
    for delivery, code, attempt in rows:
        item = items.get(pk(delivery))
        if item is None:
            item = items[pk(delivery)] = WebhookDeliveryPublic(
                id=delivery.message_id,
                type=delivery.event_type,
                certificate=code,
                created_at=delivery.created_at,
                status=delivery.status,
                attempts=[],
                next_attempt_at=delivery.next_attempt_at if delivery.status == PENDING else None,
                delivered_at=delivery.delivered_at,
            )
        if attempt is not None:
            item.attempts.append(
                WebhookAttemptPublic(
                    number=attempt.number,
                    at=attempt.at,
                    status_code=attempt.status_code,
                    error=attempt.error,
                    duration_ms=attempt.duration_ms,
                )
            )
    return Page(items=[items[i] for i in ids], next=str(ids[-1]) if len(found) > limit else None)


def enqueue_status_change(
    session: Session,
    certificate: Certificate,
    event_type: str,
    at: datetime,
    reason: str,
    log_index: int,
    reason_en: str | None = None,
    domain: str | None = None,
) -> int:
    """Queue the message of a status change for each active endpoint of the holder, in
    the caller's transaction; the number queued. Other events queue nothing."""
    if event_type not in STATUS_EVENTS:
        return 0
    notices.enqueue(session, certificate, event_type, at, reason, domain)
    endpoints = session.exec(
        select(WebhookEndpoint.id).where(
            WebhookEndpoint.organisation_id == certificate.organisation_id,
            col(WebhookEndpoint.removed_at).is_(None),
        )
    ).all()
    if not endpoints:
        return 0
    body = msgspec.json.encode(
        {
            "type": event_type,
            "timestamp": at,
            "data": {
                "code": certificate.code,
                "status": certificate.status,
                "reason": reason,
                **({"reason_en": reason_en} if reason_en else {}),
                "log_index": log_index,
                **({"domain": domain} if domain else {}),
            },
        }
    ).decode("utf-8")
    for endpoint_id in endpoints:
        assert endpoint_id is not None
        session.add(
            WebhookDelivery(
                message_id="msg_" + secrets.token_hex(16),
                endpoint_id=endpoint_id,
                certificate_id=pk(certificate),
                event_type=event_type,
                body=body,
                created_at=at,
                status=PENDING,
                next_attempt_at=at,
            )
        )
    session.flush()
    return len(endpoints)


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(col(WebhookDelivery.status) == PENDING, col(WebhookDelivery.next_attempt_at) <= now)


def any_due(session: Session, now: datetime) -> bool:
    """Whether a delivery is due: a cheap read, so that idle polling takes no write lock."""
    return session.exec(select(WebhookDelivery.id).where(_due(now)).limit(1)).first() is not None


def claim_due(session: Session, now: datetime, limit: int) -> list[OutgoingDelivery]:
    """Lease up to ``limit`` due deliveries to the caller for :data:`LEASE`.

    Rows another process holds are skipped (PostgreSQL), or the write lock serialises
    claims (SQLite), so no message is sent twice at once; if the claimer dies, the lease
    lapses and another server sends it, with the same ``webhook-id``.
    """
    found = session.exec(
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)  # type: ignore[arg-type]
        .where(_due(now), col(WebhookEndpoint.removed_at).is_(None))
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    ).all()
    claimed = []
    for delivery, endpoint in found:
        lease = secrets.token_hex(8)
        delivery.lease = lease
        delivery.next_attempt_at = now + LEASE
        session.add(delivery)
        claimed.append(
            OutgoingDelivery(
                delivery_id=pk(delivery),
                lease=lease,
                message_id=delivery.message_id,
                url=endpoint.url,
                secret=endpoint.secret,
                body=delivery.body.encode("utf-8"),
            )
        )
    session.flush()
    return claimed


def record_attempt(
    session: Session, outcome: AttemptOutcome, schedule: tuple[float, ...], now: datetime
) -> None:
    """Record one attempt; on failure schedule the next try (``schedule[n-1]`` seconds
    after the n-th failure) or give up once the schedule is spent.

    An outcome whose lease is no longer the row's (another server took the row over
    after the lease lapsed) is recorded as an attempt but decides nothing.
    """
    delivery = session.get(WebhookDelivery, outcome.delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    session.add(
        WebhookAttempt(
            delivery_id=outcome.delivery_id,
            number=delivery.attempts,
            at=outcome.at,
            status_code=outcome.status_code,
            error=outcome.error[:300],
            duration_ms=outcome.duration_ms,
        )
    )
    if delivery.lease == outcome.lease and delivery.status == PENDING:
        delivery.lease = None
        if outcome.ok:
            delivery.status = DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts <= len(schedule):
            delivery.next_attempt_at = now + timedelta(seconds=schedule[delivery.attempts - 1])
        else:
            delivery.status = FAILED
            delivery.next_attempt_at = None
    session.add(delivery)
    session.flush()


TEST_EVENT = "webhook.test"
MAX_PENDING_TESTS = 3  # a test button is not a way to queue unbounded messages


def send_test(session: Session, actor: Actor, endpoint_id: int, now: datetime) -> str:
    """Queue a signed ``webhook.test`` message to one of the holder's endpoints, about
    the organisation's newest certificate; returns its message id. Raises ConflictError
    when the organisation holds no certificate or has tests still waiting."""
    endpoint = _own_endpoint(session, actor, endpoint_id)
    certificate = session.exec(
        select(Certificate)
        .where(Certificate.organisation_id == endpoint.organisation_id)
        .order_by(col(Certificate.id).desc())
    ).first()
    if certificate is None:
        raise ConflictError("a test message is about a certificate, and you hold none yet")
    waiting = session.exec(
        select(WebhookDelivery.id).where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.event_type == TEST_EVENT,
            WebhookDelivery.status == PENDING,
        )
    ).all()
    if len(waiting) >= MAX_PENDING_TESTS:
        raise ConflictError(f"{len(waiting)} test messages are still waiting to be sent")
    message_id = "msg_" + secrets.token_hex(16)
    body = msgspec.json.encode(
        {
            "type": TEST_EVENT,
            "timestamp": now,
            "data": {"code": certificate.code, "status": certificate.status},
        }
    ).decode("utf-8")
    session.add(
        WebhookDelivery(
            message_id=message_id,
            endpoint_id=pk(endpoint),
            certificate_id=pk(certificate),
            event_type=TEST_EVENT,
            body=body,
            created_at=now,
            status=PENDING,
            next_attempt_at=now,
        )
    )
    session.flush()
    return message_id


def rotate_secret(session: Session, actor: Actor, endpoint_id: int) -> WebhookEndpointCreated:
    """A new secret for one of the holder's endpoints, returned once; the old one stops
    signing at once (messages still waiting are signed with the new one)."""
    endpoint = _own_endpoint(session, actor, endpoint_id)
    endpoint.secret = new_secret()
    session.add(endpoint)
    session.flush()
    public = _endpoint_public(endpoint)
    return WebhookEndpointCreated(**msgspec.structs.asdict(public), secret=endpoint.secret)
