"""The status lists over HTTP: ``/status/<n>/<purpose>``, conditional and cacheable."""

from __future__ import annotations

from typing import Any, Final

from litestar import Request, get

from registry.certificates.service import CertificateService
from registry.edge.answers import Answer
from registry.edge.public_reads import fixed_answer
from registry.status_lists.service import MEDIA_TYPE

# Kept by caches but checked at every use: a suspension shows at the very next request,
# and an unchanged list costs a 304.
CACHE_CONTROL: Final = "public, no-cache"


@get(
    "/status/{number:int}/{purpose:str}",
    operation_id="GetStatusList",
    tags=("status lists",),
    media_type=MEDIA_TYPE,
    sync_to_thread=True,
)
def status_list(
    request: Request[Any, Any, Any],
    certificates: CertificateService,
    number: int,
    purpose: str,
) -> Answer:
    """A signed BitstringStatusListCredential (W3C Bitstring Status List v1.0, as a
    VC-JOSE-COSE compact JWS): ``revocation`` or ``suspension``, list ``number`` from 1."""
    token = certificates.status_list(number, purpose)
    return fixed_answer(
        request.scope,
        token.encode("ascii"),
        media_type=MEDIA_TYPE,
        cache_control=CACHE_CONTROL,
    )
