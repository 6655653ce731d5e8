"""Domain control validation runs against a real DNS server (dnslib) and a real HTTPS
site with its own CA, both in process; the registry is pointed at them by its settings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.config import Settings
from tests.support.dns_server import Zone, dns_server
from tests.support.tls_site import Site, tls_site

HOSTS = ["shop-a.example", "shop-b.example", "fietsen-outlet.example", "www.fietsen.example"]


@pytest.fixture
def dns() -> Iterator[tuple[Zone, str]]:
    with dns_server() as found:
        zone = found[0]
        for host in HOSTS:
            zone.a[host] = ["127.0.0.1"]
        yield found


@pytest.fixture
def zone(dns: tuple[Zone, str]) -> Zone:
    return dns[0]


@pytest.fixture
def https_site(tmp_path: Path) -> Iterator[Site]:
    folder = tmp_path / "tls"
    folder.mkdir()
    with tls_site(folder, HOSTS) as site:
        yield site


@pytest.fixture
def settings(settings: Settings, dns: tuple[Zone, str], https_site: Site) -> Settings:
    return dataclasses.replace(
        settings,
        dns_resolver=dns[1],
        webhook_allow_private=True,
        domain_check_https_port=https_site.port,
        domain_check_ca_bundle=https_site.ca,
        domain_check_seconds=0,
    )
