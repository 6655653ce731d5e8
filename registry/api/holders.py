"""Holders' webhooks, foreign badge counts, and misuse reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import TooManyRequestsException
from litestar.params import Parameter

from registry.services.auth import Actor
from registry.services.badge_stats import ForeignEmbedCount
from registry.services.misuse import (
    MisuseHandled,
    MisuseReportCreate,
    MisuseReportPublic,
    MisuseReportReceipt,
    RateLimitedError,
)
from registry.services.registry import RegistryService
from registry.services.schemas import Page
from registry.services.webhooks import (
    WebhookCreate,
    WebhookDeliveryPublic,
    WebhookEndpointCreated,
    WebhookEndpointPublic,
)

NO_STORE = CacheControlHeader(no_store=True)
Days = Annotated[int, Parameter(ge=1, le=400, description="days back from today, today included")]


class HolderController(Controller):
    path = "/api/v1/holder"
    tags = ("holders",)
    cache_control = NO_STORE

    @post("/webhooks", operation_id="RegisterWebhook", sync_to_thread=True)
    def register_webhook(
        self, registry: RegistryService, actor: Actor, data: WebhookCreate
    ) -> WebhookEndpointCreated:
        """Register an https URL for status webhooks (holder). The answer carries the
        signing secret: it is shown this once and never again."""
        return registry.register_webhook(actor, data.url)

    @get("/webhooks", operation_id="ListWebhooks", sync_to_thread=True)
    def list_webhooks(self, registry: RegistryService, actor: Actor) -> list[WebhookEndpointPublic]:
        """The holder's webhook endpoints, without their secrets."""
        return registry.webhooks(actor)

    @delete("/webhooks/{endpoint_id:int}", operation_id="RemoveWebhook", sync_to_thread=True)
    def remove_webhook(self, registry: RegistryService, actor: Actor, endpoint_id: int) -> None:
        """Stop sending to an endpoint; its pending messages are cancelled."""
        registry.remove_webhook(actor, endpoint_id)

    @get(
        "/webhooks/{endpoint_id:int}/deliveries",
        operation_id="ListWebhookDeliveries",
        sync_to_thread=True,
    )
    def deliveries(
        self,
        registry: RegistryService,
        actor: Actor,
        endpoint_id: int,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: str | None = None,
    ) -> Page[WebhookDeliveryPublic]:
        """Messages to the endpoint, newest first: attempts, status codes, next retry."""
        return registry.webhook_deliveries(actor, endpoint_id, limit, cursor)

    @get(
        "/certificates/{code:str}/foreign-embeds",
        operation_id="CertificateForeignEmbeds",
        sync_to_thread=True,
    )
    def foreign_embeds(
        self, registry: RegistryService, actor: Actor, code: str, days: Days = 90
    ) -> list[ForeignEmbedCount]:
        """How often the certificate's badge was shown on domains it does not cover, per day."""
        return registry.certificate_foreign_embeds(actor, code, days)


class BodyForeignEmbedController(Controller):
    path = "/api/v1/bodies"
    tags = ("bodies",)
    cache_control = NO_STORE

    @get("/{slug:str}/foreign-embeds", operation_id="BodyForeignEmbeds", sync_to_thread=True)
    def foreign_embeds(
        self, registry: RegistryService, actor: Actor, slug: str, days: Days = 90
    ) -> list[ForeignEmbedCount]:
        """Foreign showings of the badges of all the body's certificates (its admins, staff)."""
        return registry.body_foreign_embeds(actor, slug, days)


class MisuseReportController(Controller):
    path = "/api/v1/misuse-reports"
    tags = ("misuse reports",)
    cache_control = NO_STORE

    @post("/", operation_id="ReportMisuse", sync_to_thread=True)
    def report(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryService,
        data: MisuseReportCreate,
    ) -> MisuseReportReceipt:
        """Report a label seen on a site that may not hold it (anyone; rate-limited)."""
        client = request.client.host if request.client else None
        try:
            return registry.submit_misuse_report(data, client)
        except RateLimitedError as error:
            raise TooManyRequestsException(
                detail=error.detail, headers={"Retry-After": str(error.retry_after)}
            ) from None

    @get("/", operation_id="ListMisuseReports", sync_to_thread=True)
    def list_reports(
        self,
        registry: RegistryService,
        actor: Actor,
        status: Literal["open", "handled", "all"] = "open",
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: str | None = None,
    ) -> Page[MisuseReportPublic]:
        """Reports, newest first: all for staff, its certificates' for a body's admin; each
        with the badge's foreign showings on the reported domain."""
        return registry.misuse_reports(actor, status, limit, cursor)

    @post(
        "/{report_id:str}/handled",
        operation_id="HandleMisuseReport",
        sync_to_thread=True,
        status_code=200,
    )
    def handled(
        self, registry: RegistryService, actor: Actor, report_id: str, data: MisuseHandled
    ) -> MisuseReportPublic:
        """Mark a report handled, with a note (staff, or the certificate's body)."""
        return registry.mark_misuse_report_handled(actor, report_id, data.note)
