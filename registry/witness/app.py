"""The witness over HTTP: ``POST /add-checkpoint`` (tlog-witness v1.0.0) and ``GET /``.

A small raw ASGI application: one write endpoint whose answers the specification fixes
to the byte, and a plain-text page naming the witness's keys and the logs it follows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import anyio.to_thread

from registry.witness.keys import load_keys
from registry.witness.service import MAX_BODY, Refusal, Witness
from registry.witness.store import WitnessStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
DIR_VARIABLE = "REGISTRY_WITNESS_DIR"


def create_witness_app(witness: Witness) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if path == "/add-checkpoint":
            if method != "POST":
                await _answer(send, 405, "add-checkpoint takes POST\n", extra=[(b"allow", b"POST")])
                return
            body = await _body(receive, MAX_BODY)
            if body is None:
                await _answer(send, 413, f"request body over {MAX_BODY} bytes\n")
                return
            try:
                lines = await anyio.to_thread.run_sync(witness.add_checkpoint, body)
            except Refusal as refusal:
                text = refusal.body if refusal.body is not None else refusal.reason + "\n"
                await _answer(send, refusal.status, text, refusal.media_type)
                return
            await _answer(send, 200, lines)
        elif path == "/" and method in ("GET", "HEAD"):
            await _answer(send, 200, _about(witness), head=method == "HEAD")
        else:
            await _answer(send, 404, "not found\n")

    return app


def _about(witness: Witness) -> str:
    lines = [f"C2SP tlog-witness v1.0.0 witness {witness.keys.name}", "", "verifier keys:"]
    lines += [f"  {vkey}" for vkey in witness.keys.vkeys()]
    lines += ["", "logs followed:"]
    lines += [f"  {vkey}" for _, vkey in witness.store.logs()] or ["  (none yet)"]
    return "\n".join(lines) + "\n"


async def _body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answer(
    send: Send,
    status: int,
    text: str,
    media_type: str = "text/plain; charset=utf-8",
    extra: list[tuple[bytes, bytes]] | None = None,
    head: bool = False,
) -> None:
    body = text.encode("utf-8")
    headers = [
        (b"content-type", media_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})


def open_witness(folder: Path) -> Witness:
    return Witness(load_keys(folder), WitnessStore(folder), lambda: int(time.time()))


def asgi() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI entry point (a factory) for ``registry witness serve``."""
    return create_witness_app(open_witness(Path(os.environ[DIR_VARIABLE])))
