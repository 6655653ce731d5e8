"""HTTP for the pages: validators, cache lifetimes, security headers, HEAD.

Every page is rendered whole, then answered with a strong ``ETag`` (a digest of the
bytes), so ``If-None-Match`` gives a 304 whatever changed the page: data, language or
the clock. ``max-age`` never outlives the moment the clock alone changes a status shown
on the page (``seconds_until_change``), and stays short anyway because suspensions and
withdrawals are events, not clock ticks.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Final

from litestar import HttpMethod, Request, route
from litestar.handlers import HTTPRouteHandler
from litestar.types import HTTPScope

from registry.domain.status import (
    SIGNATURE_BEING_REPLACED,
    CertificateStatus,
    seconds_until_change,
)
from registry.edge.answers import Answer, Representation, header_value
from registry.edge.caches import lifetime

MAX_AGE: Final = 60
NOT_FOUND_MAX_AGE: Final = 60
HTML: Final = "text/html; charset=utf-8"
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; "
    "object-src 'none'"
)
PAGE_HEADERS: Final = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def page_route(
    path: str, name: str, *, in_thread: bool
) -> Callable[[Callable[..., Any]], HTTPRouteHandler]:
    """A handler of something people's browsers fetch (a page, a badge): GET and HEAD,
    not in the OpenAPI document. ``in_thread`` for a sync handler that reads the
    database; an async one answers from memory on the event loop."""
    return route(
        path,
        http_method=[HttpMethod.GET, HttpMethod.HEAD],
        name=name,
        include_in_schema=False,
        sync_to_thread=True if in_thread else None,
        opt={"page": True},  # an error on it is answered as a page (edge/problems.py)
    )


def max_age_for(
    statuses: Iterable[tuple[str, datetime]], now: datetime, ceiling: int = MAX_AGE
) -> int:
    """The longest lifetime, at most ``ceiling``, that cannot outlive a status change by
    the clock."""
    return lifetime(changes_at(statuses, now), now, ceiling)


def strong_etag(body: bytes) -> str:
    """A strong ``ETag`` for exactly these bytes (RFC 9110 §8.8.3)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


etag_of = strong_etag


class RenderedPage(Representation):
    """A page rendered once and answered many times; also when the clock alone changes a
    status it shows (its cache lifetime must end by then). A page that says "not found"
    is kept too, with its 404.

    Kept gzip-compressed (a page compresses about six times, so memory holds that many
    more of them) and sent so to every client that accepts gzip; the others get it
    decompressed. Each coding has its own strong ETag (RFC 9110 §8.8.3)."""

    __slots__ = ("changes_at", "compressed")

    def __init__(
        self, body: bytes, changes_at: datetime | None, status: int = 200, *, compress: bool = True
    ) -> None:
        etag = etag_of(body)
        if compress:
            body, etag = gzip.compress(body, compresslevel=6, mtime=0), etag[:-1] + '-gzip"'
        super().__init__(
            body,
            etag=etag,
            media_type=HTML,
            headers_of=gzip_page_headers if compress else page_headers,
            ceiling=MAX_AGE,
            status=status,
        )
        self.changes_at = changes_at
        self.compressed = compress

    @classmethod
    def of(
        cls, html: str, changes_at: datetime | None, status: int = 200, *, compress: bool = True
    ) -> RenderedPage:
        return cls(html.encode("utf-8"), changes_at, status, compress=compress)

    @property
    def plain(self) -> bytes:
        """The page's HTML bytes, decompressed."""
        return gzip.decompress(self.body) if self.compressed else self.body

    def answer_to(self, scope: HTTPScope, max_age: int) -> Answer:
        if not self.compressed or accepts_gzip(header_value(scope, b"accept-encoding")):
            return super().answer_to(scope, max_age)
        plain = RenderedPage(self.plain, self.changes_at, self.status, compress=False)
        return plain.answer_to(scope, max_age)


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value accepts gzip (RFC 9110 §12.5.3)."""
    for part in (header or "").split(","):
        name, _, parameters = part.partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = parameters.strip().lower().removeprefix("q=").strip() or "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def _as_stored(shown: str) -> CertificateStatus:
    """The status the clock acts on: a certificate whose signature is being replaced is a
    valid one, and expires as such."""
    return (
        CertificateStatus.VALID if shown == SIGNATURE_BEING_REPLACED else CertificateStatus(shown)
    )


def changes_at(statuses: Iterable[tuple[str, datetime]], now: datetime) -> datetime | None:
    """The first moment the clock alone changes one of these statuses (None: never)."""
    moments = [
        valid_until
        for status, valid_until in statuses
        if seconds_until_change(_as_stored(status), valid_until, now) is not None
    ]
    return min(moments, default=None)


def rendered_response(request: Request[Any, Any, Any], page: RenderedPage, max_age: int) -> Answer:
    """A cached page, answered with ``max_age`` (from ``page_lifetime``)."""
    return page.answer_to(request.scope, max_age)


def changes_of(page: RenderedPage) -> datetime | None:
    """When the clock alone changes what ``page`` shows: its cache deadline."""
    return page.changes_at


def page_response(
    request: Request[Any, Any, Any], html: str, *, max_age: int = MAX_AGE, status_code: int = 200
) -> Answer:
    """The page with its validators and headers; 304 on a matching ``If-None-Match``;
    headers only for HEAD (with the length the GET body has)."""
    # Made for this one request: not worth compressing.
    return RenderedPage.of(html, None, status_code, compress=False).answer_to(
        request.scope, max_age
    )


def page_headers(etag: str, max_age: int) -> dict[str, str]:
    """The headers of a page: its policies, validator and lifetime."""
    return {
        **PAGE_HEADERS,
        "etag": etag,
        "cache-control": f"public, max-age={max_age}"
        + (", must-revalidate" if max_age < MAX_AGE else ""),
        "vary": "Accept-Language, Accept-Encoding",
    }


def gzip_page_headers(etag: str, max_age: int) -> dict[str, str]:
    """``page_headers`` of the gzip coding of a page."""
    return {**page_headers(etag, max_age), "content-encoding": "gzip"}


def redirect(location: str, *, permanent: bool = False) -> Answer:
    """A redirect that caches like a page (a search result may change with the data)."""
    headers = {
        **PAGE_HEADERS,
        "location": location,
        "cache-control": "public, max-age=86400" if permanent else f"public, max-age={MAX_AGE}",
        "vary": "Accept-Language",
    }
    return Answer(b"", headers, media_type=HTML, status=308 if permanent else 303)
