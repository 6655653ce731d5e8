"""Answers encoded once and sent many times, and the few request facts they depend on:
shared by the API and the pages for what they serve from memory.

Litestar's ``Response`` encodes its headers again for every request, and its header view
decodes every request header to look one up; on a cached badge those two cost more than
the rest of the answer. A hot handler returns an ``Answer`` instead (Litestar passes any
ASGI app a handler returns through, its ``before_send`` hooks included).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from litestar.types import HTTPScope, Receive, Scope, Send

HeadersOf = Callable[[str, int], dict[str, str]]
"""The headers of a representation for its ETag and a lifetime in seconds."""


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


class Representation:
    """Bytes served many times, with their ETag, status and headers, and their usual
    answer (GET, the full lifetime, no validator matched) encoded once, at the first
    request that wants it. A 304, a HEAD or a lifetime cut short by the clock gets an
    answer of its own."""

    __slots__ = ("_usual", "body", "ceiling", "etag", "headers_of", "media_type", "status")

    def __init__(
        self,
        body: bytes,
        *,
        etag: str,
        media_type: str,
        headers_of: HeadersOf,
        ceiling: int,
        status: int = 200,
    ) -> None:
        self.body = body
        self.etag = etag
        self.media_type = media_type
        self.headers_of = headers_of
        self.ceiling = ceiling
        self.status = status
        self._usual: Answer | None = None

    def answer(self, method: str, if_none_match: str | None, max_age: int) -> Answer:
        """The answer to a ``method`` request with this ``If-None-Match``, cacheable for
        ``max_age`` seconds (304 only where the status is 200)."""
        not_modified = self.status == 200 and etag_matches(if_none_match, self.etag)
        if method == "GET" and not not_modified and max_age == self.ceiling:
            if self._usual is None:  # two threads may both encode it: the same bytes
                self._usual = self._encode(max_age, self.status, head=False)
            return self._usual
        return self._encode(max_age, 304 if not_modified else self.status, head=method == "HEAD")

    def answer_to(self, scope: HTTPScope, max_age: int) -> Answer:
        """``answer`` for the request of ``scope``."""
        return self.answer(scope["method"], header_value(scope, b"if-none-match"), max_age)

    def _encode(self, max_age: int, status: int, *, head: bool) -> Answer:
        headers = self.headers_of(self.etag, max_age)
        return Answer(self.body, headers, media_type=self.media_type, status=status, head=head)


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
