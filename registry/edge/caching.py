"""Conditional, cacheable answers for public reads: ``ETag``, ``304`` and a lifetime that
never outlives a status change by the clock."""

from __future__ import annotations

from typing import Any

from litestar import Request

from registry.bootstrap import Services
from registry.certificates.queries import CertificateSnapshot
from registry.edge.answers import Answer, Representation

MAX_AGE = 60  # a suspension shows within a minute even through a shared cache
JSON = "application/json"


def json_headers(etag: str, max_age: int) -> dict[str, str]:
    return {"etag": etag, "cache-control": f"public, max-age={max_age}"}


def certificate_answer(
    request: Request[Any, Any, Any], registry: Services, snapshot: CertificateSnapshot
) -> Answer:
    """A certificate's JSON, cacheable until the clock alone changes its status; its usual
    answer is encoded once per representation (the cache is keyed by the ETag)."""
    answers = registry.caches.named("certificate-json")
    representation: Representation = answers.fetch(
        snapshot.etag,
        lambda: Representation(
            snapshot.json,
            etag=snapshot.etag,
            media_type=JSON,
            headers_of=json_headers,
            ceiling=MAX_AGE,
        ),
    )
    return representation.answer_to(request.scope, answers.lifetime(snapshot.until, MAX_AGE))
