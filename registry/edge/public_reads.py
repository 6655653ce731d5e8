"""Public reads for everyone's tools: CORS on every read, HEAD wherever GET is, and
answers of fixed bytes with a validator.

Verifiers bring their own tools, among them web pages on other origins: every GET and
HEAD answer carries ``Access-Control-Allow-Origin: *`` (never with credentials, so a
browser sends no cookie or authorisation along), and a CORS preflight for GET or HEAD is
answered here. RFC 9110 §9.3.2: a server answers HEAD wherever it answers GET; a route
that knows only GET is run as GET and its body dropped, with the GET's headers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from registry.edge.answers import Answer, etag_matches, header_value

READ_METHODS: Final = ("GET", "HEAD")
_CORS: Final = (
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Content-Encoding, Link"),
)
ALLOWED_REQUEST_HEADERS: Final = frozenset(
    {"accept", "accept-language", "if-none-match", "if-modified-since", "cache-control"}
)
PREFLIGHT_MAX_AGE: Final = 86_400


def wrap(app: ASGIApp) -> ASGIApp:
    """``app`` with CORS on its reads and HEAD on every GET route."""

    async def public_reads(scope: Any, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS" and header_value(scope, b"access-control-request-method"):
            await _preflight(scope, app, receive, send)
            return
        if method not in READ_METHODS:
            await app(scope, receive, send)
            return
        if method == "GET":
            await app(scope, receive, _with_cors(send))
            return
        await _head(scope, app, receive, send)

    return public_reads


def _with_cors(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            present = {name.lower() for name, _ in headers}
            headers.extend(item for item in _CORS if item[0] not in present)
            message["headers"] = headers
        await send(message)

    return sending


async def _head(scope: Any, app: ASGIApp, receive: Receive, send: Send) -> None:
    """HEAD as the route answers it; where the route knows no HEAD (405), as GET with
    the body dropped and its ``content-length`` kept."""
    held: list[Message] = []

    async def first(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            held.append(message)
            return
        if held:
            return
        await cors_send(message)

    cors_send = _with_cors(send)
    await app(scope, receive, first)
    if not held:
        return

    async def nothing() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def bodiless(message: Any) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await cors_send(message)

    as_get: Any = {**scope, "method": "GET"}
    await app(as_get, nothing, bodiless)


async def _preflight(scope: Any, app: ASGIApp, receive: Receive, send: Send) -> None:
    """Fetch standard §3.2.3: a preflight for a read with the usual conditional headers is
    allowed from any origin; anything else goes to the routes, which allow nothing."""
    asked = (header_value(scope, b"access-control-request-method") or "").upper()
    wanted = {
        part.strip().lower()
        for part in (header_value(scope, b"access-control-request-headers") or "").split(",")
        if part.strip()
    }
    if asked not in READ_METHODS or not wanted <= ALLOWED_REQUEST_HEADERS:
        await app(scope, receive, send)
        return
    headers = [
        (b"access-control-allow-origin", b"*"),
        (b"access-control-allow-methods", b"GET, HEAD"),
        (b"access-control-max-age", str(PREFLIGHT_MAX_AGE).encode()),
        (b"content-length", b"0"),
    ]
    if wanted:
        headers.append((b"access-control-allow-headers", ", ".join(sorted(wanted)).encode()))
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def fixed_answer(
    scope: Scope,
    body: bytes,
    *,
    media_type: str,
    cache_control: str,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """``body`` with a strong ETag of its bytes, a 304 when the client holds them, and
    no body for HEAD."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    all_headers = {"etag": etag, "cache-control": cache_control, **(headers or {})}
    head = scope.get("method") == "HEAD"
    if etag_matches(header_value(scope, b"if-none-match"), etag):
        return Answer(b"", all_headers, media_type=media_type, status=304)
    return Answer(body, all_headers, media_type=media_type, head=head)
