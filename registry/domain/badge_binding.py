"""Badge domain binding: a badge shown on a page of a domain its certificate does not
cover is a foreign showing (counted, and shown to the holder and body). Pure: the edge
hands in the Referer and Origin headers, the registry's own host and the covered domains.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from registry.domain.hosts import InvalidDomainError, domain_matches


def embedding_hosts(referer: str | None, origin: str | None) -> list[str]:
    """The ``host[:port]`` of the page that embeds the badge, from Referer and Origin."""
    hosts: list[str] = []
    for value in (referer, origin):
        value = (value or "").strip()
        if not value or value == "null":
            continue
        try:
            parts = urlsplit(value)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and parts.netloc:
            hosts.append(parts.netloc.rsplit("@", 1)[-1].lower())
    return hosts


def foreign_host(hosts: list[str], own: str, covered: list[str]) -> str | None:
    """The first embedding host that is neither the registry nor a covered domain."""
    for netloc in hosts:
        if netloc == own.lower():
            continue
        hostname = urlsplit("//" + netloc).hostname or netloc
        try:
            if domain_matches(hostname, covered):
                continue
        except InvalidDomainError:
            pass  # an IP address or a single label: no certificate covers it
        return hostname
    return None


def shown_state(status: str, off_site: bool) -> str:
    """What a badge says: an ended, suspended or re-signing certificate says so wherever
    it is shown; only a valid one shown off its covered sites says ``foreign`` ("not
    verified for this site"), since "valid" would then be untrue there."""
    return "foreign" if off_site and status == "valid" else status
