"""Foreign badge counts (for a holder, for a body) and misuse reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import Parameter

from registry.edge import client_address
from registry.edge.schemas import Page
from registry.identity.auth import Actor
from registry.misuse.foreign_embeds import ForeignEmbedCount
from registry.misuse.service import MisuseService
from registry.misuse.store import (
    MisuseHandled,
    MisuseReportCreate,
    MisuseReportPublic,
    MisuseReportReceipt,
)

NO_STORE = CacheControlHeader(no_store=True)
Days = Annotated[int, Parameter(ge=1, le=400, description="days back from today, today included")]


class HolderForeignEmbedController(Controller):
    path = "/api/v1/holder"
    tags = ("holders",)
    cache_control = NO_STORE

    @get(
        "/certificates/{code:str}/foreign-embeds",
        operation_id="CertificateForeignEmbeds",
        sync_to_thread=True,
    )
    def foreign_embeds(
        self, misuse: MisuseService, actor: Actor, code: str, days: Days = 90
    ) -> list[ForeignEmbedCount]:
        """How often the certificate's badge was shown on domains it does not cover, per day."""
        return misuse.certificate_foreign_embeds(actor, code, days)


class BodyForeignEmbedController(Controller):
    path = "/api/v1/bodies"
    tags = ("bodies",)
    cache_control = NO_STORE

    @get("/{slug:str}/foreign-embeds", operation_id="BodyForeignEmbeds", sync_to_thread=True)
    def foreign_embeds(
        self, misuse: MisuseService, actor: Actor, slug: str, days: Days = 90
    ) -> list[ForeignEmbedCount]:
        """Foreign showings of the badges of all the body's certificates (its admins, staff)."""
        return misuse.body_foreign_embeds(actor, slug, days)


class MisuseReportController(Controller):
    path = "/api/v1/misuse-reports"
    tags = ("misuse reports",)
    cache_control = NO_STORE

    @post("/", operation_id="ReportMisuse", sync_to_thread=True)
    def report(
        self,
        request: Request[Any, Any, Any],
        misuse: MisuseService,
        data: MisuseReportCreate,
    ) -> MisuseReportReceipt:
        """Report a label seen on a site that may not hold it (anyone; rate-limited)."""
        client = client_address.of_scope(request.scope, misuse.uow.settings)
        return misuse.submit_misuse_report(data, client)

    @get("/", operation_id="ListMisuseReports", sync_to_thread=True)
    def list_reports(
        self,
        misuse: MisuseService,
        actor: Actor,
        status: Literal["open", "handled", "all"] = "open",
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: str | None = None,
    ) -> Page[MisuseReportPublic]:
        """Reports, newest first: all for staff, its certificates' for a body's admin; each
        with the badge's foreign showings on the reported domain."""
        return misuse.misuse_reports(actor, status, limit, cursor)

    @post(
        "/{report_id:str}/handled",
        operation_id="HandleMisuseReport",
        sync_to_thread=True,
        status_code=200,
    )
    def handled(
        self, misuse: MisuseService, actor: Actor, report_id: str, data: MisuseHandled
    ) -> MisuseReportPublic:
        """Mark a report handled, with a note (staff, or the certificate's body)."""
        return misuse.mark_misuse_report_handled(actor, report_id, data.note)
