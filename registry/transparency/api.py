"""The transparency log over HTTP: C2SP files under /log/ (with the recommended witness
policy at /log/policy), JSON proofs under /api/v1/log/, and the hooks that run the
witness submitter beside the server.

C2SP tlog-tiles: a client is configured with a URL prefix and fetches
``<prefix>/checkpoint`` and ``<prefix>/tile/...``. The registry's origin is
``<host>/log/<id>``, so ``https://<host>/log/<id>/`` is the prefix; ``/log/...`` stays an
alias of the current log. A reset makes a new id, so an old prefix is never reused: it
answers 404 once its log is gone. Entry bundles are sent gzip-encoded to clients that
accept it (they compress well: JSON entries); full tiles are immutable for a year.
"""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, MediaType, Request, Response, get
from litestar.params import Parameter

from registry.edge.app_state import registry_of
from registry.edge.schemas import Page
from registry.errors import NotFoundError
from registry.transparency import cosigning
from registry.transparency.schemas import ConsistencyProof, InclusionProof, LogEntryPublic
from registry.transparency.service import TransparencyService
from registry.transparency.witnessing import WitnessSubmitter

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=5"
OCTETS = "application/octet-stream"  # tiles and entry bundles are binary (C2SP tlog-tiles)
TEXT = MediaType.TEXT  # Litestar adds "; charset=utf-8" to text/*: once, as RFC 9110 wants


async def _require_current(request: Request[Any, Any, Any], log_id: str) -> None:
    """Raise NotFoundError unless ``/log/<log_id>`` is the current log's origin path."""
    transparency = registry_of(request).transparency
    origin = await anyio.to_thread.run_sync(transparency.log_origin)
    path = "/" + origin.split("/", 1)[1] if "/" in origin else ""
    if path != f"/log/{log_id}":
        raise NotFoundError(f"no log at /log/{log_id}; this registry's log is {origin}")


def _accepts_gzip(request: Request[Any, Any, Any]) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0"):
            return True
    return False


async def _tile_answer(request: Request[Any, Any, Any], path: str) -> Response[bytes]:
    data, full = await registry_of(request).transparency.log_tile_soon(path)
    headers = {"cache-control": IMMUTABLE if full else SHORT}
    if path.startswith("tile/entries/"):
        headers["vary"] = "Accept-Encoding"
        if _accepts_gzip(request):
            data = gzip.compress(data, compresslevel=6, mtime=0)
            headers["content-encoding"] = "gzip"
    return Response(data, media_type=OCTETS, headers=headers)


async def _checkpoint(request: Request[Any, Any, Any]) -> Response[str]:
    note = await registry_of(request).transparency.log_checkpoint_soon()
    return Response(note, media_type=TEXT, headers={"cache-control": "no-cache"})


class LogFilesController(Controller):
    """What C2SP clients fetch: the checkpoint, the verifier key and the tiles."""

    path = "/log"
    tags = ("log",)

    @get("/checkpoint", operation_id="GetCheckpoint", media_type=TEXT)
    async def checkpoint(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)."""
        return await _checkpoint(request)

    @get("/vkey", operation_id="GetLogVerifierKey", media_type=TEXT, sync_to_thread=True)
    def vkey(self, transparency: TransparencyService) -> Response[str]:
        """The log's verifier key, ``<origin>+<hex key id>+<base64(0x01 || pub)>``."""
        return Response(
            transparency.log_vkey() + "\n", media_type=TEXT, headers={"cache-control": SHORT}
        )

    @get("/tile/{tile_path:path}", operation_id="GetTile", media_type=OCTETS)
    async def tile(self, request: Request[Any, Any, Any], tile_path: str) -> Response[bytes]:
        """A hash tile or entry bundle (C2SP tlog-tiles); full tiles never change."""
        return await _tile_answer(request, "tile" + tile_path)

    @get("/{log_id:str}/checkpoint", operation_id="GetOriginCheckpoint", media_type=TEXT)
    async def origin_checkpoint(
        self, request: Request[Any, Any, Any], log_id: str
    ) -> Response[str]:
        """The checkpoint under the log's own URL prefix, which equals its origin."""
        await _require_current(request, log_id)
        return await _checkpoint(request)

    @get("/{log_id:str}/tile/{tile_path:path}", operation_id="GetOriginTile", media_type=OCTETS)
    async def origin_tile(
        self, request: Request[Any, Any, Any], log_id: str, tile_path: str
    ) -> Response[bytes]:
        """A tile or entry bundle under the log's own URL prefix (C2SP tlog-tiles)."""
        await _require_current(request, log_id)
        return await _tile_answer(request, "tile" + tile_path)


class LogApiController(Controller):
    path = "/api/v1/log"
    tags = ("log",)

    @get("/entries", operation_id="ListLogEntries", sync_to_thread=True)
    def entries(
        self,
        transparency: TransparencyService,
        start: Annotated[int, Parameter(ge=0)],
        end: Annotated[int, Parameter(ge=1)],
    ) -> Page[LogEntryPublic]:
        """Entries ``[start, end)`` of the signed log, at most 1,000 a call."""
        return transparency.log_entries(start, end)

    @get("/proof/inclusion", operation_id="GetInclusionProof")
    async def inclusion(
        self,
        request: Request[Any, Any, Any],
        index: Annotated[int, Parameter(ge=0)],
        tree_size: Annotated[int, Parameter(ge=1)],
    ) -> InclusionProof:
        """RFC 9162 inclusion proof of entry ``index`` in the tree of ``tree_size``."""
        return await registry_of(request).transparency.inclusion_proof_soon(index, tree_size)

    @get("/proof/consistency", operation_id="GetConsistencyProof", sync_to_thread=True)
    def consistency(
        self,
        transparency: TransparencyService,
        first: Annotated[int, Parameter(ge=1)],
        second: Annotated[int, Parameter(ge=1)],
    ) -> ConsistencyProof:
        """RFC 9162 consistency proof between two tree sizes."""
        return transparency.consistency_proof(first, second)


class LogPolicyController(Controller):
    path = "/log"
    tags = ("log",)

    @get("/policy", operation_id="GetLogPolicy", media_type=TEXT, sync_to_thread=True)
    def policy(self, transparency: TransparencyService) -> Response[str]:
        """The recommended C2SP tlog-policy: this log, its witnesses and the quorum."""
        policy = transparency.witness_policy
        if policy is None:
            raise NotFoundError("this registry names no witnesses, so it recommends no policy")
        origin = transparency.log_origin()  # host/log/<id>: its path is the tiles' prefix
        prefix = transparency.uow.settings.public_url + "/" + origin.split("/", 1)[1]
        text = cosigning.recommended_policy(policy, transparency.log_vkey(), prefix)
        return Response(text, media_type=TEXT, headers={"cache-control": "public, max-age=300"})


def witness_hooks(
    transparency: TransparencyService,
) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    """Start and stop hooks of the background submitter (nothing without witnesses)."""
    submitters: list[WitnessSubmitter] = []

    async def start() -> None:
        policy = transparency.witness_policy
        if policy is None:
            return
        submitter = WitnessSubmitter(transparency.uow, policy)
        transparency.uow.checkpoint_listeners.append(submitter.poke)
        submitter.start()
        submitters.append(submitter)

    async def stop() -> None:
        for submitter in submitters:
            await anyio.to_thread.run_sync(submitter.stop)

    return start, stop
