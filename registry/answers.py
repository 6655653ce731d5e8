"""Answers encoded once and sent many times, and the few request facts they depend on:
shared by the API and the pages for what they serve from memory.

Litestar's ``Response`` encodes its headers again for every request, and its header view
decodes every request header to look one up; on a cached badge those two cost more than
the rest of the answer. A hot handler returns an ``Answer`` instead (Litestar passes any
ASGI app a handler returns through, its ``before_send`` hooks included).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from litestar.types import Receive, Scope, Send


class Answer:
    """A response encoded once, sent as it is as often as asked. Without a body for 304
    and HEAD; HEAD keeps the ``content-length`` of the GET body."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self,
        body: bytes,
        headers: Mapping[str, str],
        *,
        media_type: str,
        status: int = 200,
        head: bool = False,
    ) -> None:
        encoded = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
        ]
        if status != 304:
            encoded.append((b"content-type", media_type.encode("latin-1")))
            encoded.append((b"content-length", str(len(body)).encode("latin-1")))
        self.status = status
        self.headers: tuple[tuple[bytes, bytes], ...] = tuple(encoded)
        self.body = b"" if head or status == 304 else body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status, "headers": list(self.headers)}
        )
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def lifetime(until: datetime | None, now: datetime, ceiling: int) -> int:
    """A cache lifetime of at most ``ceiling`` seconds that ends by ``until``, the moment
    the clock alone changes what the answer shows (None: never)."""
    if until is None:
        return ceiling
    return max(0, min(ceiling, int((until - now).total_seconds())))


def etag_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, ``*`` matches any current representation."""
    if not header:
        return False
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return "*" in candidates or etag in candidates


def header_value(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (lower case), read off the raw header list: one
    lookup without Litestar's header view, which decodes every header to build."""
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return None
