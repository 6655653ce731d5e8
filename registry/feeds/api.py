"""The feeds over HTTP: ``/feeds/registry.atom``, ``/feeds/schemes/{slug}.atom``,
``/feeds/bodies/{slug}.atom``, ``/feeds/holders/{country}-{number}.atom``, each also as
``.json``.

A rendered feed is kept until the next committed change (the registry's fresh cache),
with a strong ``ETag``, so a reader that polls with ``If-None-Match`` gets a 304 until
something in its scope may have changed.
"""

from __future__ import annotations

from typing import Any, Final

import anyio.to_thread
from litestar import Request
from litestar.exceptions import NotFoundException

from registry.edge import http
from registry.edge.answers import Answer, Representation
from registry.edge.app_state import registry_of
from registry.feeds.queries import FeedScope, ScopeKind
from registry.feeds.service import FeedKind, FeedService

MAX_AGE: Final = 60
MEDIA_TYPES: Final = {
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def _headers(etag: str, max_age: int) -> dict[str, str]:
    return {
        "etag": etag,
        "cache-control": f"public, max-age={max_age}",
        "access-control-allow-origin": "*",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
    }


def _build(feeds: FeedService, scope: FeedScope, kind: FeedKind) -> Representation:
    body = feeds.feed(scope, kind)
    return Representation(
        body,
        etag=http.etag_of(body),
        media_type=MEDIA_TYPES[kind],
        headers_of=_headers,
        ceiling=MAX_AGE,
    )


async def _answer(request: Request[Any, Any, Any], kind: ScopeKind, name: str) -> Answer:
    key, dot, extension = name.rpartition(".")
    if not dot or extension not in MEDIA_TYPES or (kind == "registry") != (key == "registry"):
        raise NotFoundException(
            f"no feed at {request.url.path}; feeds end in .atom (Atom) or .json (JSON Feed)"
        )
    services = registry_of(request)
    scope = FeedScope(kind, "" if kind == "registry" else key)
    feed_kind: FeedKind = "atom" if extension == "atom" else "json"
    cache = services.caches.named("feeds")
    cache_key = (kind, scope.key, feed_kind)
    found: Representation | None = cache.get(cache_key)
    if found is None:
        stamp = cache.stamp()
        found = await anyio.to_thread.run_sync(_build, services.feeds, scope, feed_kind)
        cache.put(cache_key, found, stamp)
    return found.answer_to(request.scope, MAX_AGE)


@http.page_route("/feeds/{name:str}", "feeds:registry", in_thread=False)
async def registry_feed(request: Request[Any, Any, Any], name: str) -> Answer:
    """Status changes of every certificate."""
    return await _answer(request, "registry", name)


@http.page_route("/feeds/schemes/{name:str}", "feeds:scheme", in_thread=False)
async def scheme_feed(request: Request[Any, Any, Any], name: str) -> Answer:
    """Status changes of the certificates under one scheme."""
    return await _answer(request, "scheme", name)


@http.page_route("/feeds/bodies/{name:str}", "feeds:body", in_thread=False)
async def body_feed(request: Request[Any, Any, Any], name: str) -> Answer:
    """Status changes of the certificates one body issued."""
    return await _answer(request, "body", name)


@http.page_route("/feeds/holders/{name:str}", "feeds:holder", in_thread=False)
async def holder_feed(request: Request[Any, Any, Any], name: str) -> Answer:
    """Status changes of one holder's certificates (``COUNTRY-NUMBER``)."""
    return await _answer(request, "holder", name)


def feed_handlers() -> list[Any]:
    return [registry_feed, scheme_feed, body_feed, holder_feed]
