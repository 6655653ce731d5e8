"""The network side of domain control validation: the TXT look-up and the HTTPS fetch.

DNS goes through dnspython, to the resolver ``REGISTRY_DNS_RESOLVER`` names (else the
system's). The HTTPS fetch follows the webhooks' outbound rules (``TargetPolicy``: every
address of the host must be public, the connection goes to the very address that was
checked, no proxies) and follows no redirect; it reads at most ``MAX_BODY`` bytes. Tests
run with private addresses allowed, and only then may they set another HTTPS port and a
CA bundle. Reasons given back are short and shown to the holder alone.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import dns.exception
import dns.resolver
import httpx

from registry.config import Settings, resolver_address
from registry.domain import domain_control as dcv
from registry.errors import RegistryError
from registry.webhooks.service import CheckedTransport, TargetPolicy, WebhookTargetError

T = TypeVar("T")

TIMEOUT: Final = 5.0
MAX_BODY: Final = 1024
MAX_TXT_RECORDS: Final = 50


@dataclass(frozen=True)
class DomainChecker:
    """Checks one claim by DNS, then by HTTPS; built once from the settings."""

    resolver: dns.resolver.Resolver
    policy: TargetPolicy
    https_port: int = 443
    ca_bundle: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> DomainChecker:
        resolver = dns.resolver.Resolver(configure=settings.dns_resolver is None)
        if settings.dns_resolver is not None:
            address, port = resolver_address(settings.dns_resolver)
            resolver.nameservers = [address]
            resolver.port = port
        resolver.lifetime = TIMEOUT
        private = settings.webhook_allow_private
        checker = cls(
            resolver=resolver,
            policy=TargetPolicy(allow_private=private, allow_http=False, ports=frozenset()),
            https_port=(settings.domain_check_https_port or 443) if private else 443,
            ca_bundle=str(settings.domain_check_ca_bundle)
            if private and settings.domain_check_ca_bundle
            else None,
        )
        return checker.with_resolver()

    def with_resolver(self) -> DomainChecker:
        """The same checker whose HTTPS connections resolve through its own resolver."""
        return DomainChecker(
            resolver=self.resolver,
            policy=TargetPolicy(
                allow_private=self.policy.allow_private,
                allow_http=False,
                ports=frozenset(),
                resolve=self.addresses,
            ),
            https_port=self.https_port,
            ca_bundle=self.ca_bundle,
        )

    def addresses(self, host: str, port: int) -> list[str]:
        """A and AAAA addresses of ``host`` through the chosen resolver."""
        found: list[str] = []
        for kind in ("A", "AAAA"):
            try:
                found += [r.to_text() for r in self.resolver.resolve(host, kind)]
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
                continue
            except dns.exception.DNSException as error:
                raise WebhookTargetError(
                    f"{host} does not resolve: {type(error).__name__}"
                ) from None
        return found

    def check(self, domain: str, token: str) -> dcv.Outcome:
        """DNS first (no connection to the holder's host), then HTTPS."""
        dns_reason = self.check_dns(domain, token)
        if dns_reason is None:
            return dcv.Outcome(dcv.Method.DNS)
        http_reason = self.check_http(domain, token)
        if http_reason is None:
            return dcv.Outcome(dcv.Method.HTTP)
        return dcv.Outcome(None, f"DNS: {dns_reason}; HTTPS: {http_reason}")

    def check_dns(self, domain: str, token: str) -> str | None:
        """None when the TXT record proves the claim, else why not."""
        name = dcv.txt_name(domain)
        try:
            answer = self.resolver.resolve(name, "TXT")
        except dns.resolver.NXDOMAIN:
            return f"no record at {name}"
        except (dns.resolver.NoAnswer, dns.resolver.NoNameservers):
            return f"no TXT record at {name}"
        except dns.exception.DNSException as error:
            return f"the look-up of {name} failed ({type(error).__name__})"
        records = [
            b"".join(record.strings).decode("utf-8", "replace")
            for record in list(answer)[:MAX_TXT_RECORDS]
        ]
        if dcv.txt_proves(records, token):
            return None
        return f"no TXT record at {name} holds {dcv.txt_value(token)}"

    def check_http(self, domain: str, token: str) -> str | None:
        """None when the well-known file proves the claim, else why not."""
        try:
            return _run_to_end(lambda: self._fetch(domain, token))
        except WebhookTargetError as error:
            return error.detail.replace("the webhook host", "the host").replace(
                "webhooks go to", "checks go to"
            )
        except (httpx.HTTPError, OSError, ssl.SSLError) as error:
            return f"no answer ({type(error).__name__})"
        except RegistryError as error:
            return error.detail

    async def _fetch(self, domain: str, token: str) -> str | None:
        context = httpx.create_ssl_context(verify=True)
        if self.ca_bundle:
            context = ssl.create_default_context(cafile=self.ca_bundle)
        port = "" if self.https_port == 443 else f":{self.https_port}"
        url = f"https://{domain}{port}{dcv.http_path(token)}"
        async with (
            httpx.AsyncClient(
                transport=CheckedTransport(self.policy, context),
                follow_redirects=False,
                timeout=TIMEOUT,
                trust_env=False,
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.is_redirect:
                return f"{response.status_code} redirect, not followed"
            if response.status_code != 200:
                return f"status {response.status_code}"
            body = b""
            async for part in response.aiter_bytes():
                body += part
                if len(body) > MAX_BODY:
                    return "the answer is longer than a token"
        return None if dcv.body_proves(body, token) else "the answer is not the token"


def _run_to_end(go: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``go`` on an event loop: this thread's own, or, when this thread already has
    a running loop (a caller on an event loop's thread), a loop in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(go())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(go())).result()
