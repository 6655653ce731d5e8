"""A real DNS server in process (dnslib) that answers from a zone the test changes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dnslib import QTYPE, RR, A, DNSRecord
from dnslib import TXT as TXTRecord
from dnslib.server import BaseResolver, DNSServer


class Zone(BaseResolver):  # type: ignore[misc]
    """Names (lowercase, no trailing dot) to their TXT strings and A addresses."""

    def __init__(self) -> None:
        self.txt: dict[str, list[str]] = {}
        self.a: dict[str, list[str]] = {}
        self.asked: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        kind = QTYPE[request.q.qtype]
        with self._lock:
            self.asked.append((name, kind))
            if kind == "TXT":
                for value in self.txt.get(name, []):
                    reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXTRecord(value), ttl=0))
            elif kind == "A":
                for value in self.a.get(name, []):
                    reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A(value), ttl=0))
        return reply


@contextmanager
def dns_server() -> Iterator[tuple[Zone, str]]:
    """The zone and the server's ``127.0.0.1:port`` (for ``REGISTRY_DNS_RESOLVER``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    zone = Zone()

    class Quiet:
        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: None

    server = DNSServer(zone, port=port, address="127.0.0.1", logger=Quiet())
    server.start_thread()
    try:
        yield zone, f"127.0.0.1:{port}"
    finally:
        server.stop()
