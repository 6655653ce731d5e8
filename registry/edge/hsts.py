"""HTTP Strict Transport Security when the registry is served over https.

A registry whose public URL is https tells browsers to use https only, for two years
and its subdomains, so that no visitor is downgraded to plain http on a later visit.
Over plain http (a local demo) the header would mean nothing and is not sent.
"""

from __future__ import annotations

from typing import Final

from litestar.types import Message, Scope

HSTS: Final = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


def wanted(public_url: str) -> bool:
    return public_url.lower().startswith("https://")


async def add_hsts(message: Message, _scope: Scope) -> None:
    """A ``before_send`` hook adding the header to every response start."""
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers", ()))
    if all(name.lower() != HSTS[0] for name, _ in headers):
        headers.append(HSTS)
    message["headers"] = headers
