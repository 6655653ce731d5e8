"""Holders' status webhooks: register, list, remove, and the deliveries of each."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import Parameter

from registry.edge.schemas import Page
from registry.identity.auth import Actor
from registry.webhooks.service import WebhookService
from registry.webhooks.store import (
    WebhookCreate,
    WebhookDeliveryPublic,
    WebhookEndpointCreated,
    WebhookEndpointPublic,
    WebhookTestQueued,
)

NO_STORE = CacheControlHeader(no_store=True)


class HolderWebhookController(Controller):
    path = "/api/v1/holder"
    tags = ("holders",)
    cache_control = NO_STORE

    @post("/webhooks", operation_id="RegisterWebhook", sync_to_thread=True)
    def register_webhook(
        self, webhooks: WebhookService, actor: Actor, data: WebhookCreate
    ) -> WebhookEndpointCreated:
        """Register an https URL for status webhooks (holder). The answer carries the
        signing secret: it is shown this once and never again."""
        return webhooks.register_webhook(actor, data.url)

    @get("/webhooks", operation_id="ListWebhooks", sync_to_thread=True)
    def list_webhooks(self, webhooks: WebhookService, actor: Actor) -> list[WebhookEndpointPublic]:
        """The holder's webhook endpoints, without their secrets."""
        return webhooks.webhooks(actor)

    @delete("/webhooks/{endpoint_id:int}", operation_id="RemoveWebhook", sync_to_thread=True)
    def remove_webhook(self, webhooks: WebhookService, actor: Actor, endpoint_id: int) -> None:
        """Stop sending to an endpoint; its pending messages are cancelled."""
        webhooks.remove_webhook(actor, endpoint_id)

    @post(
        "/webhooks/{endpoint_id:int}/test",
        operation_id="TestWebhook",
        sync_to_thread=True,
        status_code=202,
    )
    def test_webhook(
        self, webhooks: WebhookService, actor: Actor, endpoint_id: int
    ) -> WebhookTestQueued:
        """Queue a signed ``webhook.test`` message to the endpoint (holder)."""
        return WebhookTestQueued(message_id=webhooks.send_test(actor, endpoint_id))

    @post(
        "/webhooks/{endpoint_id:int}/rotate-secret",
        operation_id="RotateWebhookSecret",
        sync_to_thread=True,
        status_code=200,
    )
    def rotate_secret(
        self, webhooks: WebhookService, actor: Actor, endpoint_id: int
    ) -> WebhookEndpointCreated:
        """A new signing secret for the endpoint, shown this once; the old one stops."""
        return webhooks.rotate_secret(actor, endpoint_id)

    @get(
        "/webhooks/{endpoint_id:int}/deliveries",
        operation_id="ListWebhookDeliveries",
        sync_to_thread=True,
    )
    def deliveries(
        self,
        webhooks: WebhookService,
        actor: Actor,
        endpoint_id: int,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: str | None = None,
    ) -> Page[WebhookDeliveryPublic]:
        """Messages to the endpoint, newest first: attempts, status codes, next retry."""
        return webhooks.webhook_deliveries(actor, endpoint_id, limit, cursor)
