"""Certificates: public reads, status changes (body admin), covered domains (holder)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, delete, get, post
from litestar.openapi import ResponseSpec
from litestar.params import Parameter

from registry.certificates.schemas import (
    AuditPublic,
    CertificatePublic,
    DomainClaimPublic,
    DomainCreate,
    StatusChange,
)
from registry.certificates.service import CertificateService, DomainClaims
from registry.domain.status import Transition
from registry.edge.answers import Answer
from registry.edge.app_state import registry_of
from registry.edge.caching import certificate_answer
from registry.edge.schemas import Page
from registry.identity.auth import Actor
from registry.transparency.service import TransparencyService

VC_JWT = "application/vc+jwt"


class CertificateController(Controller):
    path = "/api/v1/certificates"
    tags = ("certificates",)

    @get("/", operation_id="ListCertificates", sync_to_thread=True)
    def list_certificates(
        self,
        certificates: CertificateService,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: str | None = None,
        status: Annotated[
            str | None,
            Parameter(pattern=r"^(valid|suspended|withdrawn|expired|signature_being_replaced)$"),
        ] = None,
        scheme: str | None = None,
        organisation: Annotated[
            str | None,
            Parameter(
                description=(
                    "The holder, by registration number or by name. A KvK number (8 digits, "
                    "spaces and dots allowed) or COUNTRY:NUMBER matches that registration; "
                    "any other text is a name, matched as the site's search matches it: "
                    "organisations whose name has a word starting with each word, and "
                    "organisations whose name looks like it (trigram strict word "
                    "similarity of 0.3 or more, so a typo still finds it), at most 50 of "
                    "each. The list stays in issue order."
                ),
            ),
        ] = None,
        domain: str | None = None,
    ) -> Page[CertificatePublic]:
        """Certificates in issue order, filtered; ``next`` is the cursor of the next page."""
        return certificates.certificates(
            limit=limit,
            cursor=cursor,
            status=status,
            scheme=scheme,
            organisation=organisation,
            domain=domain,
        )

    @get(
        "/{code:str}",
        operation_id="GetCertificate",
        media_type="application/json",
        responses={
            200: ResponseSpec(CertificatePublic, description="The certificate with its live status")
        },
    )
    async def get_certificate(self, request: Request[Any, Any, Any], code: str) -> Answer:
        """The certificate with its live status, findings and history (ETag, short cache)."""
        registry = registry_of(request)
        snapshot = await registry.certificates.certificate_snapshot_soon(code)
        return certificate_answer(request, registry, snapshot)

    @get("/{code:str}/assessments", operation_id="ListCertificateAssessments", sync_to_thread=True)
    def list_assessments(self, certificates: CertificateService, code: str) -> list[AuditPublic]:
        """Every published audit of the certificate, oldest first: type, dates, body, the
        auditor's pseudonymous id, findings per criterion, and the decision with its reason.
        A refused initial assessment (no certificate) stays private to its body."""
        return certificates.audits(code)

    @get(
        "/{code:str}/credential",
        operation_id="GetCredential",
        media_type=VC_JWT,
        sync_to_thread=True,
    )
    def get_credential(self, certificates: CertificateService, code: str) -> Response[bytes]:
        """The signed credential, a compact JWS, exactly as signed."""
        return Response(certificates.credential(code).encode("ascii"), media_type=VC_JWT)

    @get(
        "/{code:str}/proof",
        operation_id="GetCertificateProof",
        media_type="text/plain",
        sync_to_thread=True,
    )
    def get_proof(self, transparency: TransparencyService, code: str) -> Response[bytes]:
        """The C2SP tlog-proof bundle of the entry carrying the current credential, for offline checks."""
        # Litestar adds the charset to text/*: naming it here too would send it twice.
        return Response(transparency.certificate_proof(code), media_type=MediaType.TEXT)

    @post(
        "/{code:str}/suspend",
        operation_id="SuspendCertificate",
        sync_to_thread=True,
        status_code=200,
    )
    def suspend(
        self, certificates: CertificateService, actor: Actor, code: str, data: StatusChange
    ) -> CertificatePublic:
        return certificates.change_status(
            actor, code, Transition.SUSPEND, data.given_reason(), data.deadline
        )

    @post(
        "/{code:str}/reinstate",
        operation_id="ReinstateCertificate",
        sync_to_thread=True,
        status_code=200,
    )
    def reinstate(
        self, certificates: CertificateService, actor: Actor, code: str, data: StatusChange
    ) -> CertificatePublic:
        return certificates.change_status(
            actor, code, Transition.REINSTATE, data.given_reason(), data.deadline
        )

    @post(
        "/{code:str}/withdraw",
        operation_id="WithdrawCertificate",
        sync_to_thread=True,
        status_code=200,
    )
    def withdraw(
        self, certificates: CertificateService, actor: Actor, code: str, data: StatusChange
    ) -> CertificatePublic:
        """Withdraw for good; a withdrawn certificate never returns."""
        return certificates.change_status(
            actor, code, Transition.WITHDRAW, data.given_reason(), data.deadline
        )

    @post("/{code:str}/domains", operation_id="AddCoveredDomain", sync_to_thread=True)
    def add_domain(
        self, domains: DomainClaims, actor: Actor, code: str, data: DomainCreate
    ) -> DomainClaimPublic:
        """Claim a web domain for the certificate (holder). The claim is pending, and binds
        nothing, until a check finds its token in DNS or over HTTPS (``instructions``)."""
        return domains.claim(actor, code, data.domain)

    @get("/{code:str}/domain-claims", operation_id="ListDomainClaims", sync_to_thread=True)
    def list_claims(
        self, domains: DomainClaims, actor: Actor, code: str
    ) -> list[DomainClaimPublic]:
        """The holder's open domain claims of this certificate, with their state."""
        return domains.claims(actor, code)

    @post(
        "/{code:str}/domain-claims/{domain:str}/check",
        operation_id="CheckDomainClaim",
        sync_to_thread=True,
        status_code=200,
    )
    def check_claim(
        self, domains: DomainClaims, actor: Actor, code: str, domain: str
    ) -> DomainClaimPublic:
        """Check a claim now (holder), instead of waiting for the server's schedule."""
        return domains.check_now(actor, code, domain)

    @delete(
        "/{code:str}/domains/{domain:str}", operation_id="RemoveCoveredDomain", sync_to_thread=True
    )
    def remove_domain(
        self, certificates: CertificateService, actor: Actor, code: str, domain: str
    ) -> None:
        """Take a web domain out of the certificate's scope (holder)."""
        certificates.remove_domain(actor, code, domain)


class DomainReviewController(Controller):
    path = "/api/v1/domain-reviews"
    tags = ("certificates",)

    @get("/", operation_id="ListDomainReviews", sync_to_thread=True)
    def list_reviews(self, domains: DomainClaims, actor: Actor) -> list[DomainClaimPublic]:
        """Claims waiting for staff: a holder proved control of a domain that another
        organisation's certificate already covers; it binds nothing until approved."""
        return domains.reviews(actor)

    @post(
        "/{claim_id:int}/{verdict:str}",
        operation_id="DecideDomainReview",
        sync_to_thread=True,
        status_code=200,
    )
    def decide(
        self,
        domains: DomainClaims,
        actor: Actor,
        claim_id: Annotated[int, Parameter(ge=1)],
        verdict: Annotated[str, Parameter(pattern="^(approve|refuse)$")],
    ) -> DomainClaimPublic:
        """Approve (the domain binds) or refuse (the claim fails) a claim in review (staff)."""
        return domains.decide(actor, claim_id, verdict == "approve")
