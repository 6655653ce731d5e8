"""Web domains a certificate covers, and whether a host is one of them.

A domain matches a host after lowercasing, IDNA encoding and dropping one leading ``www.``;
other subdomains match only when listed. Hosts are kept in A-label form (RFC 5890 §2.3.2.1),
so ``bücher.example`` is stored and compared as ``xn--bcher-kva.example``. Unicode input is
mapped with UTS #46 (case folding, full-width dots) before encoding, as browsers do.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from typing import Final, NewType
from urllib.parse import urlsplit

import idna

from registry.errors import InvalidInputError

Domain = NewType("Domain", str)
"""A host name in lowercase A-label form, without a trailing dot or port."""

_MAX_LABEL: Final = 63  # RFC 1035 §2.3.4
_MAX_NAME: Final = 253  # 255 octets on the wire, less the length octets
_LDH_LABEL: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# WHATWG URL "ends in a number": browsers read such a host as an IPv4 address.
_NUMERIC_LABEL: Final = re.compile(r"[0-9]+|0x[0-9a-f]*")
_SCHEME: Final = re.compile(r"([a-z][a-z0-9+.-]*)://", re.I)  # RFC 3986 §3.1
_WWW: Final = "www."
_SHOWN: Final = 80


class InvalidDomainError(InvalidInputError):
    """The text does not name a web domain that a certificate can cover."""

    rule = "invalid-domain"


def normalise_domain(text: str) -> Domain:
    """The host of a bare host name or an http(s) URL, lowercased and IDNA-encoded.

    A trailing dot, a port, a path and a query are dropped. Raises InvalidDomainError for
    IP addresses, user names in URLs, empty or over-long labels, names over 253 characters,
    characters no host name may contain, and single-label names such as ``localhost``.
    """
    host = _host_of(text)
    if not host.isascii():
        try:
            host = idna.uts46_remap(host, std3_rules=True, transitional=False)
        except idna.IDNAError as error:
            raise InvalidDomainError(f"{_shown(host)} is not a valid host name: {error}") from None
    host = host.removesuffix(".")
    if not host:
        raise InvalidDomainError(f"no web domain in {_shown(text)}")
    if _is_ip_address(host):
        raise InvalidDomainError(f"an IP address is not a web domain, got {_shown(host)}")
    labels = [_a_label(label, host) for label in host.split(".")]
    name = ".".join(labels)
    if len(labels) < 2:
        raise InvalidDomainError(
            f"a web domain has at least two labels, like shop.nl, got {_shown(name)}"
        )
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        raise InvalidDomainError(
            "a web domain does not end in a number (browsers read it as an IP address),"
            f" got {_shown(name)}"
        )
    if len(name) > _MAX_NAME:
        raise InvalidDomainError(
            f"a web domain has at most {_MAX_NAME} characters, got {len(name)}"
        )
    return Domain(name)


def host_key(host: str) -> Domain:
    """The normalised host without one leading ``www.``: equal keys match each other.

    Only one ``www.`` goes, so ``www.www.shop.nl`` keys as ``www.shop.nl``; ``www.nl`` keeps
    its ``www.`` because ``nl`` alone is not a web domain.
    """
    name = normalise_domain(host)
    if name.startswith(_WWW) and "." in name[len(_WWW) :]:
        return Domain(name[len(_WWW) :])
    return name


def domain_matches(host: str, covered: Iterable[str]) -> bool:
    """Whether the host is one of the covered domains, up to case, IDNA and one ``www.``.

    ``www.shop.nl`` and ``shop.nl`` match each other; ``shop.shop.nl`` matches only when it
    is listed itself, and so does ``www.www.shop.nl``. Nothing covered matches nothing.
    Raises InvalidDomainError when the host or a covered domain is not a web domain.
    """
    key = host_key(host)
    return any(host_key(domain) == key for domain in covered)


def _host_of(text: str) -> str:
    """The host part of a URL, or of a bare host with an optional port and path."""
    stripped = text.strip()
    if scheme := _SCHEME.match(stripped):
        if scheme[1].lower() not in ("http", "https"):
            raise InvalidDomainError(
                f"only http and https addresses name a web domain, got {_shown(scheme[1])}"
            )
    elif _is_ip_address(stripped.removeprefix("[").removesuffix("]")):
        raise InvalidDomainError(f"an IP address is not a web domain, got {_shown(stripped)}")
    else:
        stripped = "//" + stripped
    try:
        parts = urlsplit(stripped)
    except ValueError as error:
        raise InvalidDomainError(f"{_shown(text)} is not a valid web address: {error}") from None
    try:
        parts.port  # noqa: B018  # read only to refuse a port that is not a number
    except ValueError:
        raise InvalidDomainError(
            f"the port in {_shown(text)} is not a number from 0 to 65535"
        ) from None
    if "@" in parts.netloc:
        raise InvalidDomainError(
            f"a web address with a user name is not accepted, got {_shown(text)}"
        )
    return parts.hostname or ""


def _a_label(label: str, host: str) -> str:
    """One label in lowercase A-label form; refuses what DNS host names may not contain."""
    if not label:
        raise InvalidDomainError(f"a web domain has no empty labels, got {_shown(host)}")
    if not label.isascii():
        try:
            label = idna.alabel(label).decode("ascii")
        except idna.IDNAError as error:
            raise InvalidDomainError(
                f"{_shown(label)} is not a valid international label: {error}"
            ) from None
    label = label.lower()
    if len(label) > _MAX_LABEL:
        raise InvalidDomainError(
            f"a label of a web domain has at most {_MAX_LABEL} characters, got {len(label)}"
        )
    if not _LDH_LABEL.fullmatch(label):
        raise InvalidDomainError(
            "a label of a web domain has only letters, digits and inner hyphens,"
            f" got {_shown(label)}"
        )
    if label.startswith("xn--"):
        # An A-label must decode to a valid U-label (RFC 5891 §5.4), or no page can show it.
        try:
            idna.ulabel(label)
        except idna.IDNAError as error:
            raise InvalidDomainError(f"{_shown(label)} is not a valid A-label: {error}") from None
    return label


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _shown(text: str) -> str:
    """The text quoted for an error message, cut so that a long paste stays readable."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def unicode_form(domain: str) -> tuple[str, bool]:
    """How a stored A-label domain is shown to people: its Unicode form, and whether its
    ASCII form should stand beside it.

    ``xn--caf-zo-dvat.example`` reads as ``café-zoë.example``. A letter outside the Latin
    script (Cyrillic ``а``, Greek ``ο``) may imitate a Latin one, so such a name is shown
    with its A-label form beside it; a name that cannot be decoded is shown as stored.
    """
    if "xn--" not in domain:
        return domain, False
    try:
        shown = idna.decode(domain)
    except (idna.IDNAError, UnicodeError):
        return domain, False
    foreign = any(
        char.isalpha() and not unicodedata.name(char, "").startswith("LATIN") for char in shown
    )
    return shown, foreign
