"""What ``/account/holder`` shows a certified organisation's contact, and what it lets
them do: the signed-in person acts as their holder membership, through the same use cases
as the API (domain claims, webhooks, misuse reports), so the page can do nothing a
holder's token could not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import select

from registry.certificates.schemas import CertificatePublic, DomainClaimPublic
from registry.certificates.service import CertificateService, DomainClaims
from registry.db.identity_tables import Membership
from registry.db.tables import Organisation
from registry.domain.vocabulary import Role
from registry.edge.i18n import Language
from registry.identity import sessions
from registry.identity.auth import Actor, actor_of
from registry.identity.persons import person_by_id
from registry.identity.signin import SignIn, SignInRefused
from registry.misuse.service import MisuseService
from registry.webhooks.service import WebhookService

T = TypeVar("T")
EMBED_DAYS = 30


@dataclass(frozen=True)
class WebhookView:
    id: int
    url: str
    deliveries: list[Any]


@dataclass(frozen=True)
class HolderView:
    """Everything ``/account/holder`` shows."""

    name: str
    organisation: str
    csrf: str
    certificates: list[CertificatePublic]
    claims: list[DomainClaimPublic]
    snippets: dict[str, list[Any]]
    snippet_texts: dict[str, str]
    webhooks: list[WebhookView]
    reports: list[Any]
    embeds: list[Any]
    status_mail: bool


class HolderPortal:
    def __init__(
        self,
        signin: SignIn,
        certificates: CertificateService,
        domains: DomainClaims,
        webhooks: WebhookService,
        misuse: MisuseService,
    ) -> None:
        self.signin = signin
        self.registry = signin.registry
        self.certificates = certificates
        self.domains = domains
        self.webhooks = webhooks
        self.misuse = misuse

    def _actor(self, cookie: str | None, csrf: str | None, *, form: bool) -> tuple[Actor, str, str]:
        """The holder actor of the session (CSRF checked for a form), its csrf and name.
        Raises SignInRefused ``signed_out`` or ``not_holder``."""
        with self.registry.db.read() as session:
            if form:
                row, person = self.signin.signed_in(session, cookie, csrf)
            else:
                found = sessions.find(session, cookie, self.registry.clock())
                if found is None or found.person_id is None:
                    raise SignInRefused("signed_out", "you are not signed in")
                row, person = found, person_by_id(session, found.person_id)
            membership = session.exec(
                select(Membership)
                .where(
                    Membership.person_id == person.id,
                    Membership.role == Role.HOLDER.value,
                    Membership.status == "active",
                )
                .order_by(Membership.id.desc())  # type: ignore[union-attr]
            ).first()
            if membership is None:
                raise SignInRefused("not_holder", "you act for no certified organisation")
            organisation = session.get(Organisation, membership.organisation_id)
            assert organisation is not None
            return actor_of(person, membership, token_id=None), row.csrf, organisation.legal_name

    def view(self, cookie: str | None, lang: Language) -> HolderView:
        actor, csrf, organisation = self._actor(cookie, None, form=False)
        assert actor.organisation_id is not None
        codes = self.certificates.organisation_codes(actor.organisation_id)
        certificates = [self.certificates.certificate(code) for code in codes]
        snippets: dict[str, list[Any]] = {}
        texts: dict[str, str] = {}
        for code in codes:
            snippets[code], texts = self.certificates.snippets(code, lang)
        embeds = [
            count
            for code in codes
            for count in self.misuse.certificate_foreign_embeds(actor, code, EMBED_DAYS)
        ]
        return HolderView(
            name=actor.pseudonym,
            organisation=organisation,
            csrf=csrf,
            certificates=certificates,
            claims=self.domains.claims(actor),
            snippets=snippets,
            snippet_texts=texts,
            webhooks=[
                WebhookView(
                    e.id, e.url, self.webhooks.webhook_deliveries(actor, e.id, 10, None).items
                )
                for e in self.webhooks.webhooks(actor)
            ],
            reports=self.misuse.holder_reports(actor),
            embeds=embeds,
            status_mail=self.webhooks.status_mail(actor),
        )

    def act(self, cookie: str | None, csrf: str | None, call: Callable[[Actor], T]) -> T:
        """Run one use case as the signed-in holder, after the CSRF check."""
        actor, _, _ = self._actor(cookie, csrf, form=True)
        return call(actor)
