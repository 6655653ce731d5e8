"""Conditional, cacheable answers for public reads: ``ETag``, ``304`` and a lifetime that
never outlives a status change by the clock."""

from __future__ import annotations

from typing import Any

from litestar import Request

from registry.answers import Answer, etag_matches, header_value, lifetime
from registry.services.certificate_views import CertificateSnapshot
from registry.services.registry import RegistryService

MAX_AGE = 60  # a suspension shows within a minute even through a shared cache
JSON = "application/json"


def tagged_answer(
    request: Request[Any, Any, Any], body: bytes, etag: str, media_type: str, max_age: int
) -> Answer:
    """``body`` with its strong ETag, or ``304 Not Modified`` when the client has it."""
    headers = {"etag": etag, "cache-control": f"public, max-age={max_age}"}
    scope = request.scope
    status = 304 if etag_matches(header_value(scope, b"if-none-match"), etag) else 200
    return Answer(
        body, headers, media_type=media_type, status=status, head=scope["method"] == "HEAD"
    )


def certificate_answer(
    request: Request[Any, Any, Any], registry: RegistryService, snapshot: CertificateSnapshot
) -> Answer:
    """A certificate's JSON, cacheable until the clock alone changes its status. The usual
    answer (full lifetime, no validator matched) is encoded once per representation."""
    max_age = lifetime(snapshot.until, registry.clock(), MAX_AGE)
    scope = request.scope
    if (
        max_age == MAX_AGE
        and scope["method"] == "GET"
        and not etag_matches(header_value(scope, b"if-none-match"), snapshot.etag)
    ):
        answers = registry.named_cache("certificate-json")
        usual: Answer | None = answers.get(snapshot.etag)
        if usual is None:
            stamp = answers.stamp()
            headers = {"etag": snapshot.etag, "cache-control": f"public, max-age={MAX_AGE}"}
            usual = Answer(snapshot.json, headers, media_type=JSON)
            answers.put(snapshot.etag, usual, stamp)
        return usual
    return tagged_answer(request, snapshot.json, snapshot.etag, JSON, max_age)
