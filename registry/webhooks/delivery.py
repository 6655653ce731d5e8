"""Sending status webhooks: who may be called (no SSRF), how a message is signed, and the
dispatcher that works through the outbox in the background.

Messages follow Standard Webhooks (standardwebhooks.com, "Signature scheme"): headers
``webhook-id`` (the same on every retry, for deduplication), ``webhook-timestamp``
(integer seconds at the attempt) and ``webhook-signature: v1,<base64 HMAC-SHA256>`` over
``{id}.{timestamp}.{body}`` with the base64-decoded part of the ``whsec_`` secret as key.
The timestamp is inside the signature, so a receiver that rejects old timestamps stops
replays.

A target must be https on a host whose every address is public. The check runs at
registration and again on every connection: the connection goes to the very address that
was checked (the name is resolved once, by us), so a DNS answer that changes between the
check and the connect cannot point a delivery at the registry's own network. Redirects
are not followed, environment proxies are not used, and the whole attempt is bounded.

Over 300 lines: the target policy (SSRF), the signature and the dispatcher are the one
outbound path, kept together so the checks at delivery read beside the call they guard.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

import anyio.to_thread
import httpcore
import httpx
import idna

from registry.clock import Clock
from registry.errors import InvalidInputError, RegistryError, RuleViolationError
from registry.webhooks.store import SECRET_PREFIX, AttemptOutcome, OutgoingDelivery

log = logging.getLogger("registry.webhooks")

Resolver = Callable[[str, int], list[str]]
"""``(host, port)`` to the addresses a connection would use, in order."""

MAX_URL = 2000
USER_AGENT = "trust-label-registry-webhooks/1"
_HOST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 §2.1: the last 32 bits are IPv4


class WebhookTargetError(RuleViolationError):
    """The webhook address points at a host the registry must not call."""

    rule = "webhook-target-refused"


def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses as the operating system resolves them (IP literals as is)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookTargetError(f"the webhook host {host} does not resolve: {error}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def non_public_reason(address: str) -> str | None:
    """Why a call to ``address`` could reach a network that is not the public internet,
    or None for a globally reachable unicast address.

    IPv6 addresses that carry an IPv4 address (mapped, 6to4, Teredo, NAT64) are judged by
    that address too.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and (reason := non_public_reason(str(embedded))):
            return reason
    for test, reason in (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "an address that is not globally reachable"),
    ):
        if test:
            return reason
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int


@dataclass(frozen=True)
class TargetPolicy:
    """Which webhook addresses may be called: https to public addresses. Tests alone
    allow private addresses, and plain http (by default along with them)."""

    allow_private: bool = False
    resolve: Resolver = field(default=system_resolver)
    allow_http: bool | None = None  # None: as allow_private
    ports: frozenset[int] = frozenset({443, 8443})
    """Ports a public target may use (``REGISTRY_WEBHOOK_PORTS``): a webhook must not
    become a way to knock on a host's other services. Private targets (tests) use any."""

    def parse(self, url: str) -> Target:
        """The scheme, host and port of a webhook URL; raises InvalidInputError naming
        what is wrong (scheme, user name, fragment, host, port)."""
        if len(url) > MAX_URL:
            raise InvalidInputError(f"a webhook URL has at most {MAX_URL} characters")
        if any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in url):
            raise InvalidInputError("a webhook URL has no spaces or control characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise InvalidInputError(f"the webhook URL is not valid: {error}") from None
        http = self.allow_private if self.allow_http is None else self.allow_http
        allowed = ("https", "http") if http else ("https",)
        if parts.scheme not in allowed:
            raise InvalidInputError(
                f"a webhook URL must start with https://, got {parts.scheme or 'no'} scheme"
            )
        if parts.username is not None or parts.password is not None:
            raise InvalidInputError("a webhook URL carries no user name or password")
        if parts.fragment:
            raise InvalidInputError("a webhook URL has no #fragment")
        host = _host(parts.hostname or "")
        port = port or (443 if parts.scheme == "https" else 80)
        if not self.allow_private and self.ports and port not in self.ports:
            shown = " or ".join(str(p) for p in sorted(self.ports))
            raise InvalidInputError(
                f"a webhook URL must use port {shown} (REGISTRY_WEBHOOK_PORTS), not {port}"
            )
        return Target(parts.scheme, host, port)

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` a delivery may connect to; raises WebhookTargetError
        when it has none, or when any of them is not public (unless private is allowed)."""
        found = self.resolve(host, port)
        if not found:
            raise WebhookTargetError(f"the webhook host {host} has no address")
        if not self.allow_private:
            for address in found:
                if reason := non_public_reason(address):
                    raise WebhookTargetError(
                        f"the webhook host {host} resolves to {address}, {reason}; "
                        "webhooks go to public addresses only"
                    )
        return found

    def check(self, url: str) -> str:
        """The URL, stripped, once it parses and its host resolves to public addresses."""
        url = url.strip()
        target = self.parse(url)
        self.addresses(target.host, target.port)
        return url


def _host(raw: str) -> str:
    """The host of a URL as a connection names it: an IP literal, or an A-label name."""
    if not raw:
        raise InvalidInputError("a webhook URL names a host")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        pass
    try:
        name = idna.encode(raw, uts46=True).decode("ascii") if not raw.isascii() else raw
    except idna.IDNAError as error:
        raise InvalidInputError(f"the webhook host is not a valid name: {error}") from None
    name = name.lower().removesuffix(".")
    if not name or not set(name) <= _HOST or ".." in name:
        raise InvalidInputError(f"the webhook host {raw!r} is not a valid name")
    return name


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (Standard Webhooks, scheme ``v1``)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


# --- connections to checked addresses only -------------------------------------------------


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host itself, checks every address, and connects to a checked one.

    TLS still verifies the certificate against the host name (httpcore passes the URL's
    host as server name), so pinning the address weakens nothing.
    """

    def __init__(self, policy: TargetPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await anyio.to_thread.run_sync(self._policy.addresses, host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise WebhookTargetError("webhooks are not sent to local sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._response.aiter_stream():
            yield part

    async def aclose(self) -> None:
        await self._response.aclose()


class CheckedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that connects only to addresses the policy accepts, and keeps
    no connection alive (each delivery resolves and checks afresh)."""

    def __init__(self, policy: TargetPolicy, ssl_context: ssl.SSLContext | None = None) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_keepalive_connections=0,
            network_backend=_CheckedBackend(policy),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        response = await self._pool.handle_async_request(
            httpcore.Request(
                method=request.method,
                url=httpcore.URL(
                    scheme=request.url.raw_scheme,
                    host=request.url.raw_host,
                    port=request.url.port,
                    target=request.url.raw_path,
                ),
                headers=request.headers.raw,
                content=request.stream,
                extensions=request.extensions,
            )
        )
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


# --- the dispatcher ---------------------------------------------------------------------


class DeliveryStore(Protocol):
    """Where the dispatcher claims due deliveries and records attempts (``WebhookService``)."""

    def claim_webhook_deliveries(self, limit: int) -> list[OutgoingDelivery]: ...

    def record_webhook_attempt(self, outcome: AttemptOutcome) -> None: ...


def _failure(error: BaseException, timeout: float) -> str:
    if isinstance(error, RegistryError):  # the target policy refused the address
        return f"refused: {error.detail}"
    if isinstance(error, TimeoutError | httpx.TimeoutException | httpcore.TimeoutException):
        return f"no answer within {timeout:g} s"
    if isinstance(error, httpx.ConnectError | httpcore.ConnectError | OSError):
        return f"could not connect: {error}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


class WebhookDispatcher:
    """Sends due deliveries concurrently, each bounded by ``timeout`` seconds, and records
    every attempt. Several servers may run one each: claims are leased rows."""

    def __init__(
        self,
        store: DeliveryStore,
        policy: TargetPolicy,
        clock: Clock,
        *,
        timeout: float = 5.0,
        batch: int = 20,
        transport: Callable[[TargetPolicy], httpx.AsyncBaseTransport] = CheckedTransport,
    ) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock
        self.timeout = timeout
        self.batch = batch
        self._transport = transport

    async def run_once(self) -> int:
        """Claim what is due, send it, record the attempts; the number of attempts made."""
        due = await anyio.to_thread.run_sync(self.store.claim_webhook_deliveries, self.batch)
        if not due:
            return 0
        async with httpx.AsyncClient(
            transport=self._transport(self.policy),
            follow_redirects=False,
            timeout=self.timeout,
            trust_env=False,
        ) as client:
            await asyncio.gather(*(self._deliver(client, delivery) for delivery in due))
        return len(due)

    async def _deliver(self, client: httpx.AsyncClient, delivery: OutgoingDelivery) -> None:
        outcome = await self.attempt(client, delivery)
        await anyio.to_thread.run_sync(self.store.record_webhook_attempt, outcome)

    async def attempt(
        self, client: httpx.AsyncClient, delivery: OutgoingDelivery
    ) -> AttemptOutcome:
        """One POST of the delivery; never raises for anything the receiver does."""
        at = self.clock()
        timestamp = int(at.timestamp())
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(
                delivery.secret, delivery.message_id, timestamp, delivery.body
            ),
        }
        started = time.monotonic()
        status: int | None = None
        error = ""
        try:
            self.policy.parse(delivery.url)
            async with asyncio.timeout(self.timeout):
                request = client.build_request(
                    "POST", delivery.url, content=delivery.body, headers=headers
                )
                response = await client.send(request, stream=True)
                await response.aclose()  # the answer's body is neither needed nor kept
            status = response.status_code
            if 300 <= status < 400:
                error = "redirects are not followed"
            elif not 200 <= status < 300:
                error = f"the receiver answered {status}"
        except Exception as failure:  # a receiver must never stop the dispatcher
            error = _failure(failure, self.timeout)
        return AttemptOutcome(
            delivery_id=delivery.delivery_id,
            lease=delivery.lease,
            at=at,
            status_code=status,
            error=error,
            duration_ms=round((time.monotonic() - started) * 1000),
        )

    def hooks(
        self, interval: float
    ) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
        """Start and stop hooks of a task that runs the dispatcher every ``interval``
        seconds (at once again while a full batch was due); 0 turns it off."""
        tasks: list[asyncio.Task[None]] = []

        async def run_forever() -> None:
            while True:
                try:
                    if await self.run_once() >= self.batch:
                        continue
                except Exception:
                    log.exception("the webhook dispatcher failed; it retries in %g s", interval)
                await asyncio.sleep(interval)

        async def start() -> None:
            if interval > 0:
                tasks.append(asyncio.get_running_loop().create_task(run_forever()))

        async def stop() -> None:
            # Waits for a claim or a record in flight, so the database closes after it.
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

        return start, stop
