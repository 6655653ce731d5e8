"""Which address a request comes from: the peer, or what a trusted proxy says it is.

Rate limits and the hashed reporter of a misuse report key on this address, so a client
must not be able to choose it. A forwarding header counts only when the connection
comes from a proxy listed in ``REGISTRY_TRUSTED_PROXIES``; in ``X-Forwarded-For`` the
client is the rightmost address that is not itself a trusted proxy (each proxy appends
the address it saw, and everything left of our own proxies was written by the client).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from registry.config import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    """The trusted proxies as networks (a bare address is a network of one)."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in trusted)


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _header(headers: Iterable[tuple[bytes, bytes]], name: str) -> list[str]:
    wanted = name.encode("latin-1")
    return [value.decode("latin-1") for key, value in headers if key.lower() == wanted]


def client_address(
    peer: str | None,
    headers: Iterable[tuple[bytes, bytes]],
    trusted: tuple[str, ...],
    header: str = "x-forwarded-for",
) -> str | None:
    """The client's address for a connection from ``peer`` with raw ``headers``."""
    if not trusted or peer is None:
        return peer
    proxies = networks(trusted)
    if not _is_trusted(peer, proxies):
        return peer
    values = _header(headers, header)
    if not values:
        return peer
    hops = [hop.strip() for value in values for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop.strip("[]")))
            except ValueError:
                return peer  # a garbled header from a trusted proxy: fall back to the peer
    return peer


def of_scope(scope: Mapping[str, Any], settings: Settings) -> str | None:
    """``client_address`` of an ASGI scope under the registry's proxy settings."""
    client = scope.get("client")
    peer = str(client[0]) if client else None
    return client_address(
        peer, scope.get("headers", ()), settings.trusted_proxies, settings.client_address_header
    )
