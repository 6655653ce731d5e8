"""Conditional, cacheable answers for public reads: ``ETag``, ``304`` and a lifetime that
never outlives a status change by the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, Response

from registry.domain.status import CertificateStatus, seconds_until_change
from registry.services.certificate_views import strong_etag

MAX_AGE = 60  # a suspension shows within a minute even through a shared cache


def certificate_max_age(status: str, valid_until: datetime, now: datetime) -> int:
    """Seconds a reader may cache a certificate's live status."""
    remaining = seconds_until_change(CertificateStatus(status), valid_until, now)
    return MAX_AGE if remaining is None else max(0, min(MAX_AGE, remaining))


def conditional(
    request: Request[Any, Any, Any],
    body: bytes,
    media_type: str,
    max_age: int,
    *,
    vary: str | None = None,
) -> Response[bytes]:
    """``body`` with a strong ETag, or ``304 Not Modified`` when the client has it."""
    return conditional_tagged(request, body, strong_etag(body), media_type, max_age, vary=vary)


def conditional_tagged(
    request: Request[Any, Any, Any],
    body: bytes,
    etag: str,
    media_type: str,
    max_age: int,
    *,
    vary: str | None = None,
) -> Response[bytes]:
    """``conditional`` for a body whose ETag is already known (a cached representation)."""
    headers = {"etag": etag, "cache-control": f"public, max-age={max_age}"}
    if vary:
        headers["vary"] = vary
    match = request.headers.get("if-none-match", "")
    if etag in (tag.strip().removeprefix("W/") for tag in match.split(",")) or match.strip() == "*":
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
