"""``/robots.txt``, ``/sitemap.xml`` with ``/sitemaps/*.xml``, ``/.well-known/security.txt``."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Final

from litestar import Request
from litestar.exceptions import NotFoundException

from registry.edge import http
from registry.edge.answers import Answer, Representation
from registry.edge.app_state import registry_of
from registry.signing import format_time

MAX_AGE: Final = 3600
SECURITY_TXT_DAYS: Final = 180
TEXT: Final = "text/plain; charset=utf-8"
XML: Final = "application/xml; charset=utf-8"
_CERTIFICATE_FILE: Final = re.compile(r"^certificates-([1-9][0-9]{0,6})\.xml$")


def _headers(etag: str, max_age: int) -> dict[str, str]:
    return {"etag": etag, "cache-control": f"public, max-age={max_age}"}


def _answer(request: Request[Any, Any, Any], body: bytes, media_type: str) -> Answer:
    representation = Representation(
        body, etag=http.etag_of(body), media_type=media_type, headers_of=_headers, ceiling=MAX_AGE
    )
    return representation.answer_to(request.scope, MAX_AGE)


@http.page_route("/robots.txt", "wellknown:robots", in_thread=False)
async def robots(request: Request[Any, Any, Any]) -> Answer:
    """Every page may be crawled; the API, the log's tiles and the exports are for programs."""
    base = registry_of(request).wellknown.public_url
    text = (
        "User-agent: *\n"
        "Disallow: /api/\n"
        "Disallow: /log/tile/\n"
        "Disallow: /badge/\n"
        "Allow: /\n"
        f"Sitemap: {base}/sitemap.xml\n"
    )
    return _answer(request, text.encode("utf-8"), TEXT)


@http.page_route("/sitemap.xml", "wellknown:sitemap", in_thread=True)
def sitemap_index(request: Request[Any, Any, Any]) -> Answer:
    return _answer(request, registry_of(request).wellknown.sitemap_index(), XML)


@http.page_route("/sitemaps/{name:str}", "wellknown:sitemaps", in_thread=True)
def sitemap_file(request: Request[Any, Any, Any], name: str) -> Answer:
    match = _CERTIFICATE_FILE.match(name)
    number = int(match.group(1)) if match else None
    body = registry_of(request).wellknown.sitemap_file(name, number)
    if body is None:
        raise NotFoundException(f"no sitemap {name!r}; the index is /sitemap.xml")
    return _answer(request, body, XML)


@http.page_route("/.well-known/security.txt", "wellknown:security", in_thread=False)
async def security_txt(request: Request[Any, Any, Any]) -> Answer:
    """RFC 9116: whom to tell of a vulnerability. ``Expires`` is always 180 days ahead, so
    the file never goes stale while the registry runs."""
    wellknown = registry_of(request).wellknown
    contact = wellknown.security_contact
    if not contact:
        raise NotFoundException(
            "this registry publishes no security contact (REGISTRY_SECURITY_CONTACT is not set)"
        )
    if ":" not in contact and "@" in contact:
        contact = "mailto:" + contact  # RFC 9116 §2.5.3: a URI
    base = wellknown.public_url
    expires = (wellknown.now() + timedelta(days=SECURITY_TXT_DAYS)).replace(
        minute=0, second=0, microsecond=0
    )
    text = (
        f"Contact: {contact}\n"
        f"Expires: {format_time(expires)}\n"
        f"Canonical: {base}/.well-known/security.txt\n"
        "Preferred-Languages: nl, en\n"
    )
    return _answer(request, text.encode("utf-8"), TEXT)


def wellknown_handlers() -> list[Any]:
    return [robots, sitemap_index, sitemap_file, security_txt]
