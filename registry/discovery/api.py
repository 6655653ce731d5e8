"""Discovery over HTTP: the JSON-LD context, the issuer metadata and the usable keys."""

from __future__ import annotations

import json
from typing import Any, Final

from litestar import Request, get

from registry.certificates.service import CertificateService
from registry.discovery.context import CONTEXT_PATH, MEDIA_TYPE, context_document
from registry.edge.answers import Answer
from registry.edge.public_reads import fixed_answer
from registry.transparency.service import TransparencyService

IMMUTABLE: Final = "public, max-age=31536000, immutable"
KEYS_MAX_AGE: Final = "public, max-age=300"  # a rotation or compromise shows within minutes
JWK_SET: Final = "application/jwk-set+json"  # RFC 7517 §8.5.1
USABLE_KEYS_PATH: Final = "/jwks/usable.json"


def _json(document: Any) -> bytes:
    return json.dumps(document, indent=2, sort_keys=False).encode("utf-8") + b"\n"


@get(CONTEXT_PATH, operation_id="GetContext", media_type=MEDIA_TYPE, sync_to_thread=True)
def context(request: Request[Any, Any, Any], certificates: CertificateService) -> Answer:
    """The JSON-LD context of the credential's own terms; never changed once published."""
    body = _json(context_document(certificates.issuer_url()))
    return fixed_answer(request.scope, body, media_type=MEDIA_TYPE, cache_control=IMMUTABLE)


@get(
    "/.well-known/jwt-vc-issuer",
    operation_id="GetIssuerMetadata",
    sync_to_thread=True,
)
def issuer_metadata(request: Request[Any, Any, Any], certificates: CertificateService) -> Answer:
    """SD-JWT VC issuer metadata: ``issuer`` equal to every credential's ``iss``, and
    ``jwks_uri`` naming the keys a verifier may use (no compromised key among them)."""
    issuer = certificates.issuer_url()
    body = _json({"issuer": issuer, "jwks_uri": issuer + USABLE_KEYS_PATH})
    return fixed_answer(
        request.scope, body, media_type="application/json", cache_control=KEYS_MAX_AGE
    )


@get("/.well-known/jwks.json", operation_id="Jwks", media_type=JWK_SET, sync_to_thread=True)
def jwks(request: Request[Any, Any, Any], transparency: TransparencyService) -> Answer:
    """Every credential key the registry ever used, with its status (the registry's own
    verifier reads ``status`` and ``compromised_at``)."""
    return fixed_answer(
        request.scope, _json(transparency.jwks()), media_type=JWK_SET, cache_control=KEYS_MAX_AGE
    )


@get(USABLE_KEYS_PATH, operation_id="UsableJwks", media_type=JWK_SET, sync_to_thread=True)
def usable_jwks(request: Request[Any, Any, Any], transparency: TransparencyService) -> Answer:
    """The keys a generic verifier may trust: active and retired, never a compromised one
    (a generic verifier does not read our ``status``)."""
    keys = [key for key in transparency.jwks()["keys"] if key.get("status") != "compromised"]
    return fixed_answer(
        request.scope, _json({"keys": keys}), media_type=JWK_SET, cache_control=KEYS_MAX_AGE
    )


def discovery_handlers() -> list[Any]:
    return [context, issuer_metadata, jwks, usable_jwks]
