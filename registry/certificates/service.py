"""Certificate use cases: reading certificates (from memory until the next change),
status changes, holder domains, expiry and credentials."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from registry.certificates import audits, claims, notices, queries, read_rows, store
from registry.certificates.claims_service import DomainClaims as DomainClaims
from registry.certificates.queries import CertificateSnapshot
from registry.certificates.schemas import AuditPublic, CertificatePublic
from registry.db.tables import Certificate
from registry.discovery.issuer import ensure_issuer_url, issuer_url
from registry.domain.reasons import Reason
from registry.domain.status import Transition
from registry.domain.vocabulary import Role
from registry.edge.caches import Caches, FreshCache
from registry.edge.i18n import Language
from registry.edge.schemas import Page
from registry.errors import ConflictError, NotFoundError
from registry.identity.auth import Actor
from registry.status_lists import service as status_lists
from registry.transparency.unit_of_work import UnitOfWork

SendMail = Callable[[str, str, str], None]
"""Send one plain-text e-mail: to, subject, body."""


def _no_mail(_to: str, _subject: str, _body: str) -> None:
    return None


log = logging.getLogger(__name__)


class CertificateService:
    def __init__(self, uow: UnitOfWork, caches: Caches, send_mail: SendMail = _no_mail) -> None:
        self.uow = uow
        self.caches = caches
        self.send_mail = send_mail
        self._certificates: FreshCache[str, CertificateSnapshot | NotFoundError] = caches.fresh()
        self._status_lists: FreshCache[tuple[int, str], str] = caches.fresh()
        # Every write transaction, whichever feature makes it, keeps the read rows.
        uow.before_commit.append(self._keep_read_rows)

    def _keep_read_rows(self, session: Session) -> None:
        read_rows.refresh_written(session, self.uow.clock())

    def _issuer(self, session: Session) -> store.Issuer:
        settings = self.uow.settings
        return store.signing_issuer(
            session, self.uow.keyring.signer(session), settings.public_url, settings.issuer_url
        )

    def change_status(
        self,
        actor: Actor,
        code: str,
        transition: Transition,
        reason: Reason,
        deadline: date | None = None,
    ) -> CertificatePublic:
        """Suspend (optionally until ``deadline``), reinstate or withdraw, with a reason
        in Dutch and optionally English (body admin of the certifying body)."""
        with self.uow.write(actor, "change_status") as session:
            now = self.uow.clock()
            certificate = store.change_status(
                session, actor, code, transition, reason, now, deadline
            )
            # The list changes in the same transaction: the next request reads the new bit.
            status_lists.apply_transition(
                session, self._issuer(session).lists, certificate, transition, now
            )
            return queries.certificate_public(session, certificate, now)

    def notify_overdue(self) -> int:
        """Tell bodies, once, of suspension deadlines and surveillance audits that passed;
        the number of notices. Nothing else happens: the pages already say it."""
        with self.uow.write() as session:
            due = notices.due_notices(session, self.uow.clock(), self.uow.settings.public_url)
        sent = 0
        for notice in due:
            for address in notice.to:
                try:
                    self.send_mail(address, notice.subject, notice.body)
                except OSError as error:  # a mail server that is down must not stop the sweep
                    log.warning("notice to %s not sent: %s", address, error)
            sent += 1
        return sent

    def audits(self, code: str) -> list[AuditPublic]:
        """Every published audit of the certificate, oldest first (NotFoundError for an
        unknown code)."""
        with self.uow.db.read() as session:
            return audits.certificate_audits(session, store.certificate_by_code(session, code))

    def reissue_without_status(self, batch: int = 200) -> list[str]:
        """Reissue, once, every credential signed before the status lists (a certificate
        with no status entry), withdrawn and suspended ones with their bit set; a batch
        per transaction. Returns the codes reissued; a second run finds none."""
        done: list[str] = []
        while True:
            with self.uow.write() as session:
                issuer = self._issuer(session)
                due = status_lists.certificates_without_entry(session, batch)
                for certificate in due:
                    store.reissue(
                        session,
                        issuer,
                        certificate,
                        self.uow.clock(),
                        "credential status lists added",
                    )
                done.extend(c.code for c in due)
            if len(due) < batch:
                return done

    def reissue_compromised(self, kid: str, batch: int = 200) -> list[str]:
        """Sign again, with the active key, every credential the compromised key ``kid``
        signed at or after its compromise (the reissue: same code, id, validity and
        status indices, a ``credential.reissued`` entry each), and every status list it
        signed; a batch per transaction. Returns the codes reissued; a second run finds
        none.

        Raises ConflictError while ``kid`` is still the active key (rotate first) or is
        not marked compromised, NotFoundError for an unknown key.
        """
        done: list[str] = []
        while True:
            with self.uow.write() as session:
                store.compromised_key_to_replace(session, kid)
                issuer = self._issuer(session)
                if issuer.signer.kid == kid:  # the key ring never hands out a marked key
                    raise ConflictError(f"key {kid} would sign its own replacements")
                now = self.uow.clock()
                due = store.replacing_signature(session, [kid], batch)
                for certificate in due:
                    store.reissue(session, issuer, certificate, now, "signing key compromised")
                if len(due) < batch:
                    status_lists.resign_lists_of(session, issuer.lists, [kid], now)
                done.extend(c.code for c in due)
            if len(due) < batch:
                return done

    def carry_into_log(self, reason: str, batch: int = 200) -> list[str]:
        """Reissue every certificate's credential into the current log (after a log
        continued from a restore, the entries that carried them belong to the old
        origin): each gets a ``credential.reissued`` entry that ``/proof`` then serves.
        Reissues, in batches, the certificates whose latest credential event comes
        before the log's first entry was written. Returns the codes reissued."""
        done: list[str] = []
        while True:
            with self.uow.write() as session:
                issuer = self._issuer(session)
                due = store.credentials_outside_log(session, batch)
                now = self.uow.clock()
                for certificate in due:
                    store.reissue(session, issuer, certificate, now, reason)
                done.extend(c.code for c in due)
            if len(due) < batch:
                return done

    def status_list(self, number: int, purpose: str) -> str:
        """The signed status list as stored (compact JWS), from memory until the next change."""

        def read() -> str:
            with self.uow.db.read() as session:
                return status_lists.read_list(session, number, purpose)

        return self._status_lists.fetch((number, purpose), read)

    def issuer_url(self) -> str:
        """The issuer URL fixed at init."""

        def read() -> str:
            with self.uow.db.read() as session:
                found = issuer_url(session)
            if found is None:
                settings = self.uow.settings
                with self.uow.db.write() as session:
                    found = ensure_issuer_url(session, settings.public_url, settings.issuer_url)
            return found

        return self.caches.remember(("issuer_url",), read)

    def expire_due(self) -> list[str]:
        with self.uow.write() as session:
            return store.expire_due(session, self.uow.clock())

    def remove_domain(self, actor: Actor, code: str, domain: str) -> None:
        """Take a domain out of the scope (audited or bound), or end an open claim on it."""
        with self.uow.write(actor, "remove_domain") as session:
            now = self.uow.clock()
            ended = claims.remove(session, actor, code, domain, now)
            try:
                store.remove_holder_domain(session, actor, code, domain, now)
            except NotFoundError:
                if not ended:
                    raise

    def certificate(self, code: str) -> CertificatePublic:
        return self.certificate_snapshot(code).public

    def certificate_snapshot(self, code: str) -> CertificateSnapshot:
        """The certificate with its JSON and ETag, from memory until the next change."""
        return _found(self._certificates.fetch(code, lambda: self._load(code), _until))

    async def certificate_snapshot_soon(self, code: str) -> CertificateSnapshot:
        """``certificate_snapshot`` for async handlers: from memory on the event loop when
        fresh, else loaded in a worker thread."""
        return _found(await self._certificates.fetch_soon(code, lambda: self._load(code), _until))

    def _load(self, code: str) -> CertificateSnapshot | NotFoundError:
        """The snapshot, or the error saying there is none (kept too: unknown codes are
        asked for again and again)."""
        now = self.uow.clock()
        with self.uow.db.read() as session:
            row = read_rows.read_row(session, code)
            if row is not None:
                return read_rows.snapshot(row, now, now)
            # No row yet (a database not yet filled by ``fill_read_rows``): computed.
            try:
                public = queries.certificate_by_code_public(session, code, now)
            except NotFoundError as error:
                return error
        return CertificateSnapshot.of(public, read_at=now)

    def fill_read_rows(self, *, everything: bool = False) -> int:
        """Write the read row of every certificate that has none (``everything``: of
        every certificate), a batch per transaction. Returns how many were written."""
        done, after = 0, 0
        while True:
            with self.uow.write() as session:
                ids = read_rows.rebuild_batch(
                    session, self.uow.clock(), after, missing_only=not everything
                )
            if not ids:
                return done
            done, after = done + len(ids), ids[-1]

    def certificates(self, **filters: Any) -> Page[CertificatePublic]:
        with self.uow.db.read() as session:
            return queries.list_certificates(
                session, self.uow.clock(), present=_from_read_rows, **filters
            )

    def body_certificates(
        self, actor: Actor, limit: int = 200, cursor: str | None = None
    ) -> Page[CertificatePublic]:
        """The certificates the actor's own body issued, in issue order (its portal)."""
        actor.require(Role.BODY_ADMIN, Role.AUDITOR)
        with self.uow.db.read() as session:
            return queries.list_certificates(
                session, self.uow.clock(), limit=limit, cursor=cursor, body_id=actor.body_id
            )

    def snippets(self, code: str, lang: Language) -> tuple[list[Any], dict[str, str]]:
        """The embed snippets of a certificate (none once it ended) and their texts."""
        # The badge module serves the hot path from the composition root's services, so
        # it is loaded here, after that root, not at import.
        from registry.certificates import badges

        found = self.certificate(code)
        if found.status in ("withdrawn", "expired"):
            return [], badges.snippet_texts_in(lang)
        scheme = found.scheme.name_nl if lang == "nl" else found.scheme.name_en
        made = badges.embed_snippets(
            self.uow.settings.public_url, found.code, scheme, found.holder.legal_name, lang
        )
        return made, badges.snippet_texts_in(lang)

    def organisation_codes(self, organisation_id: int) -> list[str]:
        """Codes of an organisation's certificates, newest first."""
        with self.uow.db.read() as session:
            return queries.codes_of_organisation(session, organisation_id)

    def credential(self, code: str) -> str:
        with self.uow.db.read() as session:
            return queries.credential_of(session, code)


def _from_read_rows(
    session: Session, certificates: Sequence[Certificate], now: datetime
) -> list[CertificatePublic]:
    """The public views of ``certificates`` from their read rows (one statement); any
    without a row yet is computed."""
    found = read_rows.snapshots_by_id(session, [c.id for c in certificates if c.id], now)
    missing = [c for c in certificates if c.id not in found]
    computed = dict(
        zip(
            (c.id for c in missing), queries.certificates_public(session, missing, now), strict=True
        )
    )
    return [found[c.id].public if c.id in found else computed[c.id] for c in certificates]


def _until(found: CertificateSnapshot | NotFoundError) -> datetime | None:
    return found.until if isinstance(found, CertificateSnapshot) else None


def _found(found: CertificateSnapshot | NotFoundError) -> CertificateSnapshot:
    """The snapshot; a fresh NotFoundError for a code known not to exist."""
    if isinstance(found, NotFoundError):
        raise NotFoundError(found.detail)
    return found
