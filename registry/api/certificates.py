"""Certificates: public reads, status changes (body admin), covered domains (holder)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.openapi import ResponseSpec
from litestar.params import Parameter

from registry.answers import Answer
from registry.api.caching import certificate_answer
from registry.app_state import registry_of
from registry.domain.status import Transition
from registry.services.auth import Actor
from registry.services.registry import RegistryService
from registry.services.schemas import (
    CertificatePublic,
    CoveredDomain,
    DomainCreate,
    Page,
    StatusChange,
)

VC_JWT = "application/vc+jwt"


class CertificateController(Controller):
    path = "/api/v1/certificates"
    tags = ("certificates",)

    @get("/", operation_id="ListCertificates", sync_to_thread=True)
    def list_certificates(
        self,
        registry: RegistryService,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: str | None = None,
        status: Annotated[
            str | None, Parameter(pattern=r"^(valid|suspended|withdrawn|expired)$")
        ] = None,
        scheme: str | None = None,
        organisation: Annotated[
            str | None, Parameter(description="registration number, optionally COUNTRY:NUMBER")
        ] = None,
        domain: str | None = None,
    ) -> Page[CertificatePublic]:
        """Certificates in issue order, filtered; ``next`` is the cursor of the next page."""
        return registry.certificates(
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
        snapshot = await registry.certificate_snapshot_soon(code)
        return certificate_answer(request, registry, snapshot)

    @get(
        "/{code:str}/credential",
        operation_id="GetCredential",
        media_type=VC_JWT,
        sync_to_thread=True,
    )
    def get_credential(self, registry: RegistryService, code: str) -> Response[bytes]:
        """The signed credential, a compact JWS, exactly as signed."""
        return Response(registry.credential(code).encode("ascii"), media_type=VC_JWT)

    @get(
        "/{code:str}/proof",
        operation_id="GetCertificateProof",
        media_type="text/plain",
        sync_to_thread=True,
    )
    def get_proof(self, registry: RegistryService, code: str) -> Response[bytes]:
        """The C2SP tlog-proof bundle of the entry carrying the current credential, for offline checks."""
        return Response(registry.certificate_proof(code), media_type="text/plain; charset=utf-8")

    @post(
        "/{code:str}/suspend",
        operation_id="SuspendCertificate",
        sync_to_thread=True,
        status_code=200,
    )
    def suspend(
        self, registry: RegistryService, actor: Actor, code: str, data: StatusChange
    ) -> CertificatePublic:
        return registry.change_status(actor, code, Transition.SUSPEND, data.reason)

    @post(
        "/{code:str}/reinstate",
        operation_id="ReinstateCertificate",
        sync_to_thread=True,
        status_code=200,
    )
    def reinstate(
        self, registry: RegistryService, actor: Actor, code: str, data: StatusChange
    ) -> CertificatePublic:
        return registry.change_status(actor, code, Transition.REINSTATE, data.reason)

    @post(
        "/{code:str}/withdraw",
        operation_id="WithdrawCertificate",
        sync_to_thread=True,
        status_code=200,
    )
    def withdraw(
        self, registry: RegistryService, actor: Actor, code: str, data: StatusChange
    ) -> CertificatePublic:
        """Withdraw for good; a withdrawn certificate never returns."""
        return registry.change_status(actor, code, Transition.WITHDRAW, data.reason)

    @post("/{code:str}/domains", operation_id="AddCoveredDomain", sync_to_thread=True)
    def add_domain(
        self, registry: RegistryService, actor: Actor, code: str, data: DomainCreate
    ) -> CoveredDomain:
        """Declare a web domain under the certificate (holder); shown as declared, not audited."""
        return registry.add_domain(actor, code, data.domain)

    @delete(
        "/{code:str}/domains/{domain:str}", operation_id="RemoveCoveredDomain", sync_to_thread=True
    )
    def remove_domain(
        self, registry: RegistryService, actor: Actor, code: str, domain: str
    ) -> None:
        """Take a web domain out of the certificate's scope (holder)."""
        registry.remove_domain(actor, code, domain)
