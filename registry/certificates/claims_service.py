"""Domain claim use cases: claim, check (on request and on the server's schedule),
remove, staff review; notices by e-mail after the commit.

A check runs outside any transaction (it waits on DNS and on the holder's server), then
one short transaction records what it found: no lock is held while the network answers.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

from registry.certificates import claim_reviews, claims
from registry.certificates.claims import Change
from registry.certificates.domain_checks import DomainChecker
from registry.certificates.schemas import DomainClaimPublic
from registry.domain.vocabulary import Role
from registry.errors import RuleViolationError
from registry.identity.auth import Actor
from registry.identity.service import Mailer
from registry.transparency.unit_of_work import UnitOfWork

log = logging.getLogger("registry.domains")

CHECK_AGAIN_AFTER: Final = timedelta(seconds=10)  # "check now" is not a way to flood a host
BATCH: Final = 20


class DomainClaims:
    def __init__(self, uow: UnitOfWork, checker: DomainChecker | None = None) -> None:
        self.uow = uow
        self.checker = checker or DomainChecker.from_settings(uow.settings)
        self.mailer = Mailer(uow.settings.mail, uow.settings.keys_dir)

    def claim(self, actor: Actor, code: str, domain: str) -> DomainClaimPublic:
        """Claim a domain (holder): pending until control is proved."""
        with self.uow.write(actor, "claim_domain") as session:
            return claims.claim(session, actor, code, domain, self.uow.clock())

    def claims(self, actor: Actor, code: str | None = None) -> list[DomainClaimPublic]:
        """The open claims of the holder's organisation (of one certificate when ``code``)."""
        with self.uow.db.read() as session:
            return claims.holder_claims(session, actor, code)

    def check_now(self, actor: Actor, code: str, domain: str) -> DomainClaimPublic:
        """Check one of the holder's claims at once. Raises RuleViolationError when it was
        checked less than ``CHECK_AGAIN_AFTER`` ago."""
        now = self.uow.clock()
        with self.uow.db.read() as session:
            row = claims.own_claim(session, actor, code, domain)
            claim_id, name, token, checked = row.id or 0, row.domain, row.token, row.checked_at
        if checked is not None and now - checked < CHECK_AGAIN_AFTER:
            raise RuleViolationError(
                f"{name} was checked {int((now - checked).total_seconds())} s ago;"
                f" ask again after {int(CHECK_AGAIN_AFTER.total_seconds())} s",
                rule="domain-checked-recently",
            )
        change = self._check(claim_id, name, token)
        if change is None:
            return claims.public(row, code)
        return change.claim

    def _check(self, claim_id: int, domain: str, token: str) -> Change | None:
        outcome = self.checker.check(domain, token)
        with self.uow.write(None, "check_domain") as session:
            change = claims.apply_outcome(session, claim_id, outcome, self.uow.clock())
        if change is not None:
            self._notify(change)
        return change

    def run_due(self, limit: int = BATCH) -> int:
        """The scheduled checks: every claim whose next check is due, one at a time."""
        with self.uow.db.read() as session:
            due = claims.due(session, self.uow.clock(), limit)
        done = 0
        for claim_id, domain, token in due:
            try:
                self._check(claim_id, domain, token)
                done += 1
            except Exception:  # one broken claim must not stop the others
                log.exception("domain check of claim %s failed", claim_id)
        return done

    def remove(self, actor: Actor, code: str, domain: str) -> bool:
        with self.uow.write(actor, "remove_domain_claim") as session:
            return claims.remove(session, actor, code, domain, self.uow.clock())

    def reviews(self, actor: Actor) -> list[DomainClaimPublic]:
        """Claims waiting for staff review."""
        actor.require(Role.STAFF)
        with self.uow.db.read() as session:
            return claim_reviews.reviews(session, actor)

    def decide(self, actor: Actor, claim_id: int, approve: bool) -> DomainClaimPublic:
        with self.uow.write(actor, "review_domain_claim") as session:
            change = claim_reviews.decide(session, actor, claim_id, approve, self.uow.clock())
            holders = claim_reviews.holder_addresses(session, change.organisation_id)
        verdict = "approved" if approve else "refused"
        self._mail(
            holders,
            f"Domeincontrole / domain check: {change.claim.domain}",
            f"De claim op {change.claim.domain} ({change.claim.certificate}) is na beoordeling"
            f" {'goedgekeurd' if approve else 'afgewezen'}.\n\nThe claim on"
            f" {change.claim.domain} ({change.claim.certificate}) was {verdict} after review.\n",
        )
        return change.claim

    def _notify(self, change: Change) -> None:
        """E-mail after the commit: staff about a review, holders about a lapse."""
        if not (change.review_requested or change.lapsed):
            return
        with self.uow.db.read() as session:
            staff = claim_reviews.staff_addresses(session) if change.review_requested else []
            holders = claim_reviews.holder_addresses(session, change.organisation_id)
        claim = change.claim
        if change.review_requested:
            self._mail(
                staff,
                f"Beoordeling nodig / review needed: domain claim {claim.id}",
                f"Certificaat {claim.certificate} bewees controle over {claim.domain}, dat al"
                " onder het certificaat van een andere organisatie valt. Het bindt niets tot"
                f" een medewerker het goedkeurt.\n\nCertificate {claim.certificate} proved"
                f" control of {claim.domain}, which another organisation's certificate already"
                " covers. It binds nothing until staff approve it: GET"
                f" /api/v1/domain-reviews, POST /api/v1/domain-reviews/{claim.id}/approve"
                " or /refuse.\n",
            )
            self._mail(
                holders,
                f"Domeincontrole / domain check: {claim.domain}",
                f"{claim.domain} wacht op beoordeling door het register.\n\n"
                f"{claim.domain} waits for review by the registry's staff.\n",
            )
        if change.lapsed:
            self._mail(
                holders,
                f"Domein niet meer bevestigd / domain no longer verified: {claim.domain}",
                f"De controle van {claim.domain} ({claim.certificate}) slaagde niet meer; het"
                " domein is terug naar 'in afwachting' en het keurmerk geldt er niet meer tot"
                f" een nieuwe controle slaagt.\n\nThe check of {claim.domain}"
                f" ({claim.certificate}) no longer passes; the domain is pending again and the"
                " badge no longer holds there until a check passes.\n"
                f"Reden / reason: {claim.failure or '-'}\n",
            )

    def _mail(self, addresses: list[str], subject: str, body: str) -> None:
        for address in addresses:
            try:
                self.mailer.send(address, subject, body)
            except OSError:
                log.exception("notice to a holder or staff member not sent")
