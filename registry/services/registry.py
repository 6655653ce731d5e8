"""The registry's use cases, one transaction each: what the API, pages and CLI call.

This facade owns the unit of work (a write session commits when the use case returns, or
rolls back on any error) and converts rows to public shapes inside the transaction, so
no row leaves it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import anyio.to_thread
from sqlmodel import Session

from registry.config import Settings
from registry.db import change_feed
from registry.db.database import Database
from registry.db.tables import Certificate
from registry.domain.status import Transition
from registry.domain.vocabulary import Role
from registry.errors import NotFoundError
from registry.services import (
    assessments,
    auth,
    badge_stats,
    batch_certify,
    bodies,
    certificate_views,
    certificates,
    decisions,
    form_secret,
    journal,
    keys,
    log_views,
    misuse,
    schemes,
    webhooks,
)
from registry.services.auth import Actor
from registry.services.badge_stats import ForeignEmbedCount
from registry.services.caches import FreshCache
from registry.services.certificate_views import CertificateSnapshot
from registry.services.changes import ChangeSignal
from registry.services.clock import Clock, system_clock
from registry.services.misuse import (
    MisuseReportCreate,
    MisuseReportPublic,
    MisuseReportReceipt,
)
from registry.services.schemas import (
    AccreditationCreate,
    AccreditationPublic,
    AssessmentCreate,
    AssessmentPublic,
    BodyCreate,
    BodyPublic,
    CertificatePublic,
    ConsistencyProof,
    CoveredDomain,
    DecisionCreate,
    DecisionPublic,
    InclusionProof,
    LogEntryPublic,
    Page,
    PersonCreate,
    PersonPublic,
    SchemeCreate,
    SchemePublic,
    SchemeVersionCreate,
    SchemeVersionPublic,
    TokenIssued,
)
from registry.services.webhook_delivery import TargetPolicy
from registry.services.webhooks import (
    AttemptOutcome,
    OutgoingDelivery,
    WebhookDeliveryPublic,
    WebhookEndpointCreated,
    WebhookEndpointPublic,
)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RegistryService:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        keyring: keys.KeyRing,
        clock: Clock = system_clock,
        changes: ChangeSignal | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.keyring = keyring
        self.clock = clock
        self.changes = changes or ChangeSignal(settings.change_path)
        self._certificates: FreshCache[str, CertificateSnapshot | NotFoundError] = (
            self.fresh_cache()
        )
        self._checkpoint: FreshCache[str, str] = self.fresh_cache(max_entries=1)
        self._proofs: FreshCache[tuple[int, int], InclusionProof] = self.fresh_cache()
        self._tiles: FreshCache[str, tuple[bytes, bool]] = self.fresh_cache()
        self._foreign_embeds = badge_stats.ForeignEmbedTally()
        self._named_caches: dict[str, FreshCache[Any, Any]] = {}
        self._reference: FreshCache[tuple[Hashable, ...], Any] = self.fresh_cache(1000)
        self._form_secret: bytes | None = None

    def named_cache(self, name: str) -> FreshCache[Any, Any]:
        """This service's cache called ``name`` (made at first use): for answers the edge
        shapes from the services' (a rendered badge or page)."""
        found = self._named_caches.get(name)
        if found is None:
            found = self._named_caches.setdefault(name, self.fresh_cache())
        return found

    def _remember(self, key: tuple[Hashable, ...], read: Callable[[], V]) -> V:
        """Reference data every page reads (schemes, bodies, keys): read once until the
        next change. Callers must not change what they get: it is shared."""
        return cast(V, self._reference.fetch(key, read))

    def fresh_cache(self, max_entries: int | None = None) -> FreshCache[Any, Any]:
        """A cache of public answers that empties at the next committed change."""
        return FreshCache(
            self.changes,
            self.clock,
            max_entries=max(1, max_entries or self.settings.cache_entries),
            max_age=timedelta(seconds=max(0, self.settings.cache_seconds)),
        )

    @contextmanager
    def _write(self, actor: Actor | None = None, action: str = "") -> Iterator[Session]:
        """One use case's transaction, recorded with who did it when an actor is given;
        if it appended to the log, a checkpoint is signed after commit."""
        with self.db.write() as session:
            # Every write use case appends to the log, so writers queue for the log's slot
            # before they read the state they check: two suspensions cannot both see "valid".
            journal.serialise(session)
            yield session
            if actor is not None:
                auth.record_write(session, actor, action, self.clock())
            change_feed.announce(session)
            appended = session.info.get(journal.APPENDED, False)
        if appended:
            self.sign_checkpoint()
        else:
            self.changes.bump()

    def sign_checkpoint(self) -> int:
        """Sign the log's head (a no-op when nothing new); returns the signed size.
        Readers' caches are told after the signature is stored, so that the next request
        shows the change together with a checkpoint that covers it."""
        try:
            with self.db.write() as session:
                signer = self.keyring.note_signer(session, journal.origin(session))
                checkpoint = journal.sign_checkpoint(session, signer, self.clock())
                change_feed.announce(session)
                return checkpoint.size if checkpoint is not None else 0
        finally:
            self.changes.bump()

    def _issuer(self, session: Session) -> certificates.Issuer:
        return certificates.Issuer(
            signer=self.keyring.signer(session), public_url=self.settings.public_url
        )

    # --- identity ---------------------------------------------------------------------

    def authenticate(self, token: str) -> Actor:
        with self.db.read() as session:
            return auth.authenticate(session, token)

    def whoami(self, actor: Actor) -> PersonPublic:
        with self.db.read() as session:
            return bodies.person_public(
                session, bodies.person_by_pseudonym(session, actor.pseudonym)
            )

    def issue_token(self, actor: Actor, person_id: str, label: str) -> TokenIssued:
        with self._write(actor, "issue_token") as session:
            person = bodies.person_by_pseudonym(session, person_id)
            row, plain = auth.issue_token_for(session, actor, person, label, self.clock())
            assert row.id is not None
            return TokenIssued(id=row.id, token=plain, role=row.role, person=person.pseudonym)

    def revoke_token(self, actor: Actor, token_id: int) -> None:
        with self._write(actor, "revoke_token") as session:
            auth.revoke_token(session, actor, token_id, self.clock())

    def create_staff_token(self, name: str, label: str = "command line") -> TokenIssued:
        """A new staff person and token: the way in for a new installation (CLI only)."""
        with self._write() as session:
            person = bodies.add_staff_person(session, name, self.clock())
            row, plain = auth.issue_token(session, person, label, self.clock())
            assert row.id is not None
            return TokenIssued(id=row.id, token=plain, role=row.role, person=person.pseudonym)

    # --- schemes ----------------------------------------------------------------------

    def create_scheme(self, actor: Actor, data: SchemeCreate) -> SchemePublic:
        with self._write(actor, "create_scheme") as session:
            now = self.clock()
            scheme = schemes.create_scheme(session, actor, data, now)
            return schemes.scheme_public(session, scheme, now)

    def publish_version(
        self, actor: Actor, slug: str, data: SchemeVersionCreate
    ) -> SchemeVersionPublic:
        with self._write(actor, "publish_version") as session:
            version = schemes.publish_version(session, actor, slug, data, self.clock())
            return schemes.version_public(session, slug, version.number)

    def refuse_version_edit(self, slug: str, number: int) -> None:
        with self.db.read() as session:
            schemes.refuse_version_edit(session, slug, number)

    def schemes(self) -> list[SchemePublic]:
        def read() -> list[SchemePublic]:
            with self.db.read() as session:
                return schemes.list_schemes(session, self.clock())

        return self._remember(("schemes",), read)

    def scheme(self, slug: str) -> SchemePublic:
        def read() -> SchemePublic:
            with self.db.read() as session:
                return schemes.scheme_public(
                    session, schemes.scheme_by_slug(session, slug), self.clock()
                )

        return self._remember(("scheme", slug), read)

    def scheme_version(self, slug: str, number: int) -> SchemeVersionPublic:
        def read() -> SchemeVersionPublic:
            with self.db.read() as session:
                return schemes.version_public(session, slug, number)

        return self._remember(("scheme_version", slug, number), read)

    # --- bodies and people -------------------------------------------------------------

    def register_body(self, actor: Actor, data: BodyCreate) -> BodyPublic:
        with self._write(actor, "register_body") as session:
            return bodies.body_public(
                session, bodies.register_body(session, actor, data, self.clock())
            )

    def add_accreditation(
        self, actor: Actor, slug: str, data: AccreditationCreate
    ) -> AccreditationPublic:
        with self._write(actor, "add_accreditation") as session:
            row = bodies.add_accreditation(session, actor, slug, data, self.clock())
            public = bodies.body_public(session, bodies.body_by_slug(session, slug))
            return next(a for a in public.accreditations if a.id == row.id)

    def bodies(self) -> list[BodyPublic]:
        def read() -> list[BodyPublic]:
            with self.db.read() as session:
                return bodies.list_bodies(session)

        return self._remember(("bodies",), read)

    def body(self, slug: str) -> BodyPublic:
        def read() -> BodyPublic:
            with self.db.read() as session:
                return bodies.body_public(session, bodies.body_by_slug(session, slug))

        return self._remember(("body", slug), read)

    def add_person(self, actor: Actor, slug: str, data: PersonCreate) -> PersonPublic:
        with self._write(actor, "add_person") as session:
            return bodies.person_public(
                session, bodies.add_person(session, actor, slug, data, self.clock())
            )

    def add_holder_person(self, actor: Actor, country: str, number: str, name: str) -> PersonPublic:
        with self._write(actor, "add_holder_person") as session:
            person = bodies.add_holder_person(session, actor, country, number, name, self.clock())
            return bodies.person_public(session, person)

    # --- assessments and decisions -------------------------------------------------------

    def submit_assessment(self, actor: Actor, data: AssessmentCreate) -> AssessmentPublic:
        with self._write(actor, "submit_assessment") as session:
            return assessments.assessment_public(
                session, assessments.submit(session, actor, data, self.clock())
            )

    def assessment(self, actor: Actor, public_id: str) -> AssessmentPublic:
        with self.db.read() as session:
            found = assessments.assessment_by_id(session, public_id)
            assessments.visible_to(actor, found)
            return assessments.assessment_public(session, found)

    def assessments(
        self, actor: Actor, status: str | None, limit: int, cursor: int | None
    ) -> Page[AssessmentPublic]:
        with self.db.read() as session:
            return assessments.list_for_body(session, actor, status, limit, cursor)

    def decide(self, actor: Actor, assessment_id: str, data: DecisionCreate) -> DecisionPublic:
        with self._write(actor, "decide") as session:
            now = self.clock()
            decision = decisions.decide(
                session, self._issuer(session), actor, assessment_id, data, now
            )
            certificate = (
                session.get(Certificate, decision.certificate_id)
                if decision.certificate_id
                else None
            )
            return DecisionPublic(
                assessment=assessment_id,
                outcome=decision.outcome,
                decided_at=decision.decided_at,
                decided_by=actor.pseudonym,
                certificate=certificate.code if certificate is not None else None,
            )

    def certify_batch(
        self, auditor: Actor, decider: Actor, items: Sequence[AssessmentCreate], reason: str
    ) -> list[str]:
        """Submit each initial assessment as ``auditor`` and certify it as ``decider``, all
        in one transaction under one checkpoint: for bulk loads (a body moving its
        register in). The same rules, rows and log entries as ``submit_assessment`` and
        ``decide`` one by one (four-eyes included); one refused item refuses the batch.
        Returns the certificate codes in order."""
        with self._write(auditor, "certify_batch") as session:
            codes = batch_certify.certify_initial(
                session, self._issuer(session), auditor, decider, items, reason, self.clock()
            )
            auth.record_write(session, decider, "certify_batch", self.clock())
        return codes

    # --- certificates ------------------------------------------------------------------

    def change_status(
        self, actor: Actor, code: str, transition: Transition, reason: str
    ) -> CertificatePublic:
        with self._write(actor, "change_status") as session:
            now = self.clock()
            certificate = certificates.change_status(session, actor, code, transition, reason, now)
            return certificate_views.certificate_public(session, certificate, now)

    def expire_due(self) -> list[str]:
        with self._write() as session:
            return certificates.expire_due(session, self.clock())

    def add_domain(self, actor: Actor, code: str, domain: str) -> CoveredDomain:
        with self._write(actor, "add_domain") as session:
            row = certificates.add_holder_domain(session, actor, code, domain, self.clock())
            return CoveredDomain(domain=row.domain, source="holder", added_at=row.added_at)

    def remove_domain(self, actor: Actor, code: str, domain: str) -> None:
        with self._write(actor, "remove_domain") as session:
            certificates.remove_holder_domain(session, actor, code, domain, self.clock())

    def certificate(self, code: str) -> CertificatePublic:
        return self.certificate_snapshot(code).public

    def certificate_snapshot(self, code: str) -> CertificateSnapshot:
        """The certificate with its JSON and ETag, from memory until the next change."""
        found = self.cached_certificate(code)
        if found is not None:
            return found
        stamp = self._certificates.stamp()
        with self.db.read() as session:
            try:
                public = certificate_views.certificate_by_code_public(session, code, self.clock())
            except NotFoundError as error:
                self._certificates.put(code, error, stamp)
                raise
        snapshot = CertificateSnapshot.of(public)
        self._certificates.put(code, snapshot, stamp, snapshot.until)
        return snapshot

    async def certificate_snapshot_soon(self, code: str) -> CertificateSnapshot:
        """``certificate_snapshot`` for async handlers: from memory on the event loop when
        fresh, else loaded in a worker thread."""
        found = self.cached_certificate(code)
        if found is not None:
            return found
        return await anyio.to_thread.run_sync(self.certificate_snapshot, code)

    def cached_certificate(self, code: str) -> CertificateSnapshot | None:
        """The snapshot when this process holds a fresh one, None when it must be loaded;
        NotFoundError when it is known not to exist. Never touches the database."""
        found = self._certificates.get(code)
        if found is None:
            return None
        if isinstance(found, NotFoundError):
            raise NotFoundError(found.detail)
        return found

    def certificates(self, **filters: Any) -> Page[CertificatePublic]:
        with self.db.read() as session:
            return certificate_views.list_certificates(session, self.clock(), **filters)

    def credential(self, code: str) -> str:
        with self.db.read() as session:
            return certificate_views.credential_of(session, code)

    # --- transparency log ---------------------------------------------------------------

    def log_checkpoint(self) -> str:
        return self._checkpoint.fetch("head", self._read_checkpoint)

    def _read_checkpoint(self) -> str:
        with self.db.read() as session:
            return log_views.published(session).note

    async def log_checkpoint_soon(self) -> str:
        return await _soon(self._checkpoint, "head", self.log_checkpoint)

    async def inclusion_proof_soon(self, index: int, tree_size: int) -> InclusionProof:
        return await _soon(
            self._proofs, (index, tree_size), lambda: self.inclusion_proof(index, tree_size)
        )

    async def log_tile_soon(self, path: str) -> tuple[bytes, bool]:
        return await _soon(self._tiles, path, lambda: self.log_tile(path))

    def log_vkey(self) -> str:
        def read() -> str:
            with self.db.read() as session:
                return log_views.vkey(session)

        return self._remember(("log_vkey",), read)

    def log_entries(self, start: int, end: int) -> Page[LogEntryPublic]:
        with self.db.read() as session:
            return log_views.entries(session, start, end)

    def inclusion_proof(self, index: int, tree_size: int) -> InclusionProof:
        """RFC 9162 inclusion proof with the latest checkpoint; kept until the log grows."""

        def read() -> InclusionProof:
            with self.db.read() as session:
                return log_views.inclusion(session, index, tree_size)

        return self._proofs.fetch((index, tree_size), read)

    def consistency_proof(self, first: int, second: int) -> ConsistencyProof:
        with self.db.read() as session:
            return log_views.consistency(session, first, second)

    def log_tile(self, path: str) -> tuple[bytes, bool]:
        """A tile's bytes and whether it is full; a missing tile is not kept."""

        def read() -> tuple[bytes, bool]:
            with self.db.read() as session:
                return log_views.tile(session, path)

        return self._tiles.fetch(path, read)

    def certificate_proof(self, code: str) -> bytes:
        with self.db.read() as session:
            return log_views.certificate_proof(session, code)

    # --- keys -----------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            with self.db.read() as session:
                return keys.jwks(session)

        return self._remember(("jwks",), read)

    def ensure_keys(self) -> str:
        """Fix the log's origin and make the log and credential keys when missing."""
        with self.db.write() as session:
            journal.serialise(session)  # two servers starting at once make one set of keys
            journal.ensure_origin(session, self.settings.public_host, self.settings.log_origin)
            self.keyring.ensure(session, self.clock(), keys.LOG)
            kid = self.keyring.ensure(session, self.clock()).kid
        self.sign_checkpoint()
        self._write_jwks_copy()
        return kid

    def rotate_keys(self) -> str:
        with self._write() as session:
            kid = self.keyring.rotate(session, self.clock()).kid
        self._write_jwks_copy()
        return kid

    def mark_compromised(self, kid: str, at: datetime) -> None:
        with self._write() as session:
            self.keyring.mark_compromised(session, kid, at, self.clock())
        self._write_jwks_copy()

    def _write_jwks_copy(self) -> None:
        """Public copies of the JWKS and the log's verifier key beside the keys, for
        ``registry verify`` offline."""
        folder = Path(self.settings.keys_dir)
        _replace_file(folder / "jwks.json", json.dumps(self.jwks(), indent=2) + "\n")
        _replace_file(folder / "log.vkey", self.log_vkey() + "\n")

    # --- holders: status webhooks, foreign embeds, misuse reports -----------------------

    def webhook_policy(self) -> TargetPolicy:
        """Which webhook targets may be called; private ones only under the test setting."""
        return TargetPolicy(allow_private=self.settings.webhook_allow_private)

    def register_webhook(self, actor: Actor, url: str) -> WebhookEndpointCreated:
        """Register a holder's webhook URL; the secret is in the answer, and only there.

        The URL's host is resolved and checked before the transaction opens, so no lock
        is held while DNS answers.
        """
        actor.require(Role.HOLDER)
        checked = self.webhook_policy().check(url)
        with self._write(actor, "register_webhook") as session:
            return webhooks.register(session, actor, checked, self.clock())

    def webhooks(self, actor: Actor) -> list[WebhookEndpointPublic]:
        with self.db.read() as session:
            return webhooks.list_endpoints(session, actor)

    def remove_webhook(self, actor: Actor, endpoint_id: int) -> None:
        with self._write(actor, "remove_webhook") as session:
            webhooks.remove(session, actor, endpoint_id, self.clock())

    def webhook_deliveries(
        self, actor: Actor, endpoint_id: int, limit: int, cursor: str | None
    ) -> Page[WebhookDeliveryPublic]:
        with self.db.read() as session:
            return webhooks.deliveries(session, actor, endpoint_id, limit, cursor)

    def claim_webhook_deliveries(self, limit: int) -> list[OutgoingDelivery]:
        """Lease due deliveries to the dispatcher; an idle poll is one read, no write lock."""
        now = self.clock()
        with self.db.read() as session:
            if not webhooks.any_due(session, now):
                return []
        with self._write() as session:
            return webhooks.claim_due(session, now, limit)

    def record_webhook_attempt(self, outcome: AttemptOutcome) -> None:
        with self._write() as session:
            webhooks.record_attempt(
                session, outcome, self.settings.webhook_retry_seconds, self.clock()
            )

    def record_foreign_embed(self, code: str, domain: str) -> bool:
        """Count a badge shown on a domain its certificate does not cover (today, UTC)."""
        with self._write() as session:
            return badge_stats.record_foreign_embed(session, code, domain, self.clock().date())

    def certificate_foreign_embeds(
        self, actor: Actor, code: str, days: int
    ) -> list[ForeignEmbedCount]:
        self.flush_foreign_badges()
        with self.db.read() as session:
            since = self.clock().date() - timedelta(days=days - 1)
            return badge_stats.for_certificate(session, actor, code, since)

    def body_foreign_embeds(self, actor: Actor, slug: str, days: int) -> list[ForeignEmbedCount]:
        self.flush_foreign_badges()
        with self.db.read() as session:
            since = self.clock().date() - timedelta(days=days - 1)
            return badge_stats.for_body(session, actor, slug, since)

    def submit_misuse_report(
        self, data: MisuseReportCreate, client_address: str | None
    ) -> MisuseReportReceipt:
        """Store a public misuse report; never logged (it may hold an e-mail address)."""
        with self._write() as session:
            return misuse.submit(
                session, data, client_address, self.settings.misuse_reports_per_hour, self.clock()
            )

    def misuse_reports(
        self,
        actor: Actor,
        status: Literal["open", "handled", "all"],
        limit: int,
        cursor: str | None,
    ) -> Page[MisuseReportPublic]:
        self.flush_foreign_badges()  # shown beside each report
        with self.db.read() as session:
            return misuse.list_reports(session, actor, status, limit, cursor)

    def mark_misuse_report_handled(
        self, actor: Actor, report_id: str, note: str
    ) -> MisuseReportPublic:
        self.flush_foreign_badges()  # shown beside the report
        with self._write(actor, "mark_misuse_report_handled") as session:
            return misuse.mark_handled(session, actor, report_id, note, self.clock())

    # --- badges: foreign-embed counting and the public forms' secret --------------------

    def count_foreign_badge(self, code: str, domain: str) -> None:
        """Count one showing of the badge on a domain it does not cover (today, UTC), in
        memory: the badge is the most requested URL and must not wait for a write.
        ``flush_foreign_badges`` writes the counts. Raises InvalidCodeError or
        InvalidDomainError for input that is neither."""
        self._foreign_embeds.add(code, domain, self.clock().date())

    def flush_foreign_badges(self) -> int:
        """Write the showings counted in memory, one upsert per certificate, domain and
        day, in one short transaction not queued behind the log's writers. Returns how
        many counters were written."""
        counts = self._foreign_embeds.take()
        if not counts:
            return 0
        with self.db.write() as session:
            for (code, domain, day), count in sorted(counts.items()):
                badge_stats.record_foreign_embed(session, code, domain, day, count)
        return len(counts)

    def form_secret(self) -> bytes:
        """The per-registry secret that signs the public forms' time tokens (made once,
        never changed, so kept after the first read)."""
        if self._form_secret is None:
            with self.db.read() as session:
                found = form_secret.read_form_secret(session)
            if found is None:
                with self.db.write() as session:
                    found = form_secret.ensure_form_secret(session)
            self._form_secret = found
        return self._form_secret


async def _soon(cache: FreshCache[K, V], key: K, read: Callable[[], V]) -> V:
    """A read for async handlers: the answer cached under ``key`` on the event loop, else
    ``read`` (which caches it under the same key) in a worker thread."""
    found = cache.get(key)
    if found is not None:
        return found
    return await anyio.to_thread.run_sync(read)


def _replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (readers never see half a file)."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
