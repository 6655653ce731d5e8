"""Certificates: public reads, status changes (body admin), covered domains (holder)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, delete, get, post
from litestar.openapi import ResponseSpec
from litestar.params import Parameter

from registry.certificates.schemas import (
    AuditPublic,
    CertificatePublic,
    CoveredDomain,
    DomainCreate,
    StatusChange,
)
from registry.certificates.service import CertificateService
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
        self, certificates: CertificateService, actor: Actor, code: str, data: DomainCreate
    ) -> CoveredDomain:
        """Declare a web domain under the certificate (holder); shown as declared, not audited."""
        return certificates.add_domain(actor, code, data.domain)

    @delete(
        "/{code:str}/domains/{domain:str}", operation_id="RemoveCoveredDomain", sync_to_thread=True
    )
    def remove_domain(
        self, certificates: CertificateService, actor: Actor, code: str, domain: str
    ) -> None:
        """Take a web domain out of the certificate's scope (holder)."""
        certificates.remove_domain(actor, code, domain)
