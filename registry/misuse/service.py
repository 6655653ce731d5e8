"""Misuse use cases: public reports of a badge shown where it should not be, and the
counts of badge showings on domains a certificate does not cover."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from registry.edge.schemas import Page
from registry.identity.auth import Actor
from registry.misuse import anonymous_caps, embed_bounds, foreign_embeds, form_tokens, store
from registry.misuse.foreign_embeds import ForeignEmbedCount
from registry.misuse.store import MisuseReportCreate, MisuseReportPublic, MisuseReportReceipt
from registry.transparency.unit_of_work import UnitOfWork


class MisuseService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._foreign_embeds = foreign_embeds.ForeignEmbedTally()
        self._embed_clients = embed_bounds.ClientWindow(
            uow.settings.foreign_embeds_per_client_minute
        )

    def record_foreign_embed(self, code: str, domain: str) -> bool:
        """Count a badge shown on a domain its certificate does not cover (today, UTC)."""
        with self.uow.write() as session:
            return foreign_embeds.record_foreign_embed(
                session, code, domain, self.uow.clock().date()
            )

    def certificate_foreign_embeds(
        self, actor: Actor, code: str, days: int
    ) -> list[ForeignEmbedCount]:
        self.flush_foreign_badges()
        with self.uow.db.read() as session:
            since = self.uow.clock().date() - timedelta(days=days - 1)
            return foreign_embeds.for_certificate(session, actor, code, since)

    def body_foreign_embeds(self, actor: Actor, slug: str, days: int) -> list[ForeignEmbedCount]:
        self.flush_foreign_badges()
        with self.uow.db.read() as session:
            since = self.uow.clock().date() - timedelta(days=days - 1)
            return foreign_embeds.for_body(session, actor, slug, since)

    def submit_misuse_report(
        self, data: MisuseReportCreate, client_address: str | None, form_token: str | None = None
    ) -> MisuseReportReceipt:
        """Store a public misuse report; never logged (it may hold an e-mail address).
        Within the registry's daily cap; a form's token is spent in the same transaction."""
        now = self.uow.clock()
        settings = self.uow.settings
        with self.uow.write() as session:
            anonymous_caps.check_reports_today(session, settings.misuse_reports_per_day, now)
            receipt = store.submit(
                session, data, client_address, settings.misuse_reports_per_hour, now
            )
            if form_token is not None:
                hashed = store.client_hash(session, client_address, now)
                form_tokens.spend(session, form_token, hashed)
            return receipt

    def misuse_reports(
        self,
        actor: Actor,
        status: Literal["open", "handled", "all"],
        limit: int,
        cursor: str | None,
    ) -> Page[MisuseReportPublic]:
        self.flush_foreign_badges()  # shown beside each report
        with self.uow.db.read() as session:
            return store.list_reports(session, actor, status, limit, cursor)

    def holder_reports(self, actor: Actor) -> list[store.HolderReportPublic]:
        """Reports about the holder's certificates, without who reported them."""
        with self.uow.db.read() as session:
            return store.holder_reports(session, actor)

    def mark_misuse_report_handled(
        self, actor: Actor, report_id: str, note: str
    ) -> MisuseReportPublic:
        self.flush_foreign_badges()  # shown beside the report
        with self.uow.write(actor, "mark_misuse_report_handled") as session:
            return store.mark_handled(session, actor, report_id, note, self.uow.clock())

    def count_foreign_badge(self, code: str, domain: str, client: str | None = None) -> None:
        """Count one showing of the badge on a domain it does not cover (today, UTC), in
        memory: the badge is the most requested URL and must not wait for a write.
        ``flush_foreign_badges`` writes the counts, within the bounds of embed_bounds.py;
        a client over its rate is not counted. Raises InvalidCodeError or
        InvalidDomainError for input that is neither."""
        now = self.uow.clock()
        if self._embed_clients.allow(client, int(now.timestamp()) // 60):
            self._foreign_embeds.add(code, domain, now.date())

    def flush_foreign_badges(self) -> int:
        """Write the showings counted in memory, one upsert per certificate, domain and
        day, in one short transaction not queued behind the log's writers. Returns how
        many counters were written."""
        counts = self._foreign_embeds.take()
        if not counts:
            return 0
        with self.uow.db.write() as session:
            return embed_bounds.flush(
                session,
                counts,
                per_day=self.uow.settings.foreign_embeds_per_day,
                keep_days=self.uow.settings.foreign_embed_days,
                today=self.uow.clock().date(),
            )
