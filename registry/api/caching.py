"""Conditional, cacheable answers for public reads: ``ETag``, ``304`` and a lifetime that
never outlives a status change by the clock."""

from __future__ import annotations

from typing import Any

from litestar import Request

from registry.answers import Answer, Representation, lifetime
from registry.services.certificate_views import CertificateSnapshot
from registry.services.registry import RegistryService

MAX_AGE = 60  # a suspension shows within a minute even through a shared cache
JSON = "application/json"


def json_headers(etag: str, max_age: int) -> dict[str, str]:
    return {"etag": etag, "cache-control": f"public, max-age={max_age}"}


def certificate_answer(
    request: Request[Any, Any, Any], registry: RegistryService, snapshot: CertificateSnapshot
) -> Answer:
    """A certificate's JSON, cacheable until the clock alone changes its status; its usual
    answer is encoded once per representation (the cache is keyed by the ETag)."""
    answers = registry.named_cache("certificate-json")
    representation: Representation | None = answers.get(snapshot.etag)
    if representation is None:
        stamp = answers.stamp()
        representation = Representation(
            snapshot.json,
            etag=snapshot.etag,
            media_type=JSON,
            headers_of=json_headers,
            ceiling=MAX_AGE,
        )
        answers.put(snapshot.etag, representation, stamp)
    max_age = lifetime(snapshot.until, registry.clock(), MAX_AGE)
    return representation.answer_to(request.scope, max_age)
