"""Webhook use cases: holders register endpoints for status changes of their
certificates; the dispatcher claims due deliveries and records each attempt."""

from __future__ import annotations

from registry.domain.vocabulary import Role
from registry.edge.schemas import Page
from registry.identity.auth import Actor
from registry.identity.service import Mailer
from registry.transparency.unit_of_work import UnitOfWork
from registry.webhooks import notices, store

# The outbound path's SSRF rules, offered to other features that call holders' hosts
# (domain control validation) through this front door.
from registry.webhooks.delivery import CheckedTransport as CheckedTransport
from registry.webhooks.delivery import TargetPolicy as TargetPolicy
from registry.webhooks.delivery import WebhookTargetError as WebhookTargetError
from registry.webhooks.store import (
    AttemptOutcome,
    OutgoingDelivery,
    WebhookDeliveryPublic,
    WebhookEndpointCreated,
    WebhookEndpointPublic,
)


class WebhookService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def webhook_policy(self) -> TargetPolicy:
        """Which webhook targets may be called; private ones only under the test setting."""
        return TargetPolicy(
            allow_private=self.uow.settings.webhook_allow_private,
            ports=frozenset(self.uow.settings.webhook_ports),
        )

    def register_webhook(self, actor: Actor, url: str) -> WebhookEndpointCreated:
        """Register a holder's webhook URL; the secret is in the answer, and only there.

        The URL's host is resolved and checked before the transaction opens, so no lock
        is held while DNS answers.
        """
        actor.require(Role.HOLDER)
        checked = self.webhook_policy().check(url)
        with self.uow.write(actor, "register_webhook") as session:
            return store.register(session, actor, checked, self.uow.clock())

    def webhooks(self, actor: Actor) -> list[WebhookEndpointPublic]:
        with self.uow.db.read() as session:
            return store.list_endpoints(session, actor)

    def remove_webhook(self, actor: Actor, endpoint_id: int) -> None:
        with self.uow.write(actor, "remove_webhook") as session:
            store.remove(session, actor, endpoint_id, self.uow.clock())

    def status_mail(self, actor: Actor) -> bool:
        """Whether the holder gets e-mail at status changes."""
        with self.uow.db.read() as session:
            return notices.subscribed(session, actor)

    def set_status_mail(self, actor: Actor, wanted: bool) -> None:
        """Start or stop e-mail at status changes for the holder (their organisation's)."""
        with self.uow.write(actor, "set_status_mail") as session:
            notices.subscribe(session, actor, wanted, self.uow.clock())

    def send_due_mail(self, limit: int = 20) -> int:
        """Send the queued status notices (the server's mail task); the number sent.
        An idle call is one read, with no write lock."""
        now = self.uow.clock()
        with self.uow.db.read() as session:
            if not notices.any_due(session, now):
                return 0
        with self.uow.write() as session:
            due = notices.claim_due(session, now, limit)
        mailer = Mailer(self.uow.settings.mail, self.uow.settings.keys_dir)
        sent = 0
        for notice_id, to, subject, body in due:
            try:
                mailer.send(to, subject, body)
                ok = True
            except OSError:
                ok = False
            with self.uow.write() as session:
                notices.record(session, notice_id, ok)
            sent += ok
        return sent

    def send_test(self, actor: Actor, endpoint_id: int) -> str:
        """Queue a signed test message to one of the holder's endpoints; its message id."""
        with self.uow.write(actor, "test_webhook") as session:
            return store.send_test(session, actor, endpoint_id, self.uow.clock())

    def rotate_secret(self, actor: Actor, endpoint_id: int) -> WebhookEndpointCreated:
        """A new signing secret for one of the holder's endpoints, shown once."""
        with self.uow.write(actor, "rotate_webhook_secret") as session:
            return store.rotate_secret(session, actor, endpoint_id)

    def webhook_deliveries(
        self, actor: Actor, endpoint_id: int, limit: int, cursor: str | None
    ) -> Page[WebhookDeliveryPublic]:
        with self.uow.db.read() as session:
            return store.deliveries(session, actor, endpoint_id, limit, cursor)

    def claim_webhook_deliveries(self, limit: int) -> list[OutgoingDelivery]:
        """Lease due deliveries to the dispatcher; an idle poll is one read, no write lock."""
        now = self.uow.clock()
        with self.uow.db.read() as session:
            if not store.any_due(session, now):
                return []
        with self.uow.write() as session:
            return store.claim_due(session, now, limit)

    def record_webhook_attempt(self, outcome: AttemptOutcome) -> None:
        with self.uow.write() as session:
            store.record_attempt(
                session, outcome, self.uow.settings.webhook_retry_seconds, self.uow.clock()
            )
