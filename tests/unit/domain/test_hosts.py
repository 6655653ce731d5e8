"""Web domains: normalising hosts and URLs, and matching a host to covered domains."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from registry.domain.hosts import (
    Domain,
    InvalidDomainError,
    domain_matches,
    host_key,
    normalise_domain,
)
from registry.errors import InvalidInputError


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("shop.nl", "shop.nl"),
        ("WWW.Shop.NL.", "www.shop.nl"),
        ("https://www.Shop.nl/path?x", "www.shop.nl"),
        ("http://shop.nl:8080/", "shop.nl"),
        ("HTTPS://Shop.nl.:443#top", "shop.nl"),
        ("shop.nl:8080/contact", "shop.nl"),
        ("  shop.nl\n", "shop.nl"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("https://bücher.example/", "xn--bcher-kva.example"),
        ("bücher\u3002example", "xn--bcher-kva.example"),  # ideographic full stop
        ("bücher.example\u3002", "xn--bcher-kva.example"),
        ("shop.nl/?next=https://evil.com", "shop.nl"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("XN--BCHER-KVA.example", "xn--bcher-kva.example"),
        ("faß.de", "xn--fa-hia.de"),  # IDNA2008, not the transitional fass.de
        ("r3---sn-4g5e.googlevideo.com", "r3---sn-4g5e.googlevideo.com"),
        ("shop.123abc", "shop.123abc"),
        ("a" * 63 + ".nl", "a" * 63 + ".nl"),
    ],
)
def test_normalise_domain(text: str, domain: str) -> None:
    assert normalise_domain(text) == domain


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no web domain in ''"),
        ("https://", "no web domain in 'https://'"),
        ("localhost", "a web domain has at least two labels, like shop.nl, got 'localhost'"),
        ("https://nl/", "at least two labels"),
        ("127.0.0.1", "an IP address is not a web domain, got '127.0.0.1'"),
        ("http://127.0.0.1:8000/", "an IP address is not a web domain"),
        ("[::1]", "an IP address is not a web domain"),
        ("::1", "an IP address is not a web domain"),
        ("https://[2001:db8::1]/", "an IP address is not a web domain"),
        ("1.2.3", "does not end in a number"),
        ("shop.0x7f", "does not end in a number"),
        ("shop..nl", "a web domain has no empty labels, got 'shop..nl'"),
        (".shop.nl", "no empty labels"),
        ("shop.nl..", "no empty labels"),
        ("a" * 64 + ".nl", "a label of a web domain has at most 63 characters, got 64"),
        (".".join(["abcdefghi"] * 26), "a web domain has at most 253 characters, got 259"),
        ("shop_1.nl", "only letters, digits and inner hyphens, got 'shop_1'"),
        ("-shop.nl", "inner hyphens"),
        ("shop-.nl", "inner hyphens"),
        ("sh op.nl", "inner hyphens"),
        ("shop.nl\\evil.com", "inner hyphens"),
        ("xn--zz.nl", "'xn--zz' is not a valid A-label"),
        ("ftp://shop.nl/", "only http and https addresses name a web domain, got 'ftp'"),
        ("https://user:pw@shop.nl/", "a web address with a user name is not accepted"),
        ("https://shop.nl:http/", "the port in 'https://shop.nl:http/' is not a number"),
        ("https://[shop.nl/", "is not a valid web address"),
        ("\u2603.example", "'\u2603' is not a valid international label"),
    ],
)
def test_refused_domains_say_why(text: str, message: str) -> None:
    with pytest.raises(InvalidDomainError) as caught:
        normalise_domain(text)
    assert isinstance(caught.value, InvalidInputError)
    assert message in caught.value.detail


@pytest.mark.parametrize("text", ["_" * 500 + ".nl", "https://" + "x" * 500 + ":port/"])
def test_long_input_is_cut_in_the_message(text: str) -> None:
    with pytest.raises(InvalidDomainError) as caught:
        normalise_domain(text)
    assert len(caught.value.detail) < 200


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("shop.nl", "shop.nl"),
        ("www.shop.nl", "shop.nl"),
        ("https://WWW.Shop.NL./x", "shop.nl"),
        ("www.www.shop.nl", "www.shop.nl"),  # one www. only
        ("shop.www.nl", "shop.www.nl"),
        ("www.nl", "www.nl"),  # "nl" alone is no web domain
        ("www2.shop.nl", "www2.shop.nl"),
        ("www.bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_host_key_drops_one_leading_www(host: str, key: str) -> None:
    assert host_key(host) == key


@pytest.mark.parametrize(
    ("host", "covered", "matches"),
    [
        ("WWW.Shop.NL.", ["shop.nl"], True),
        ("shop.nl", ["www.shop.nl"], True),
        ("https://www.shop.nl/basket", ["other.nl", "shop.nl"], True),
        ("www.bücher.example", ["xn--bcher-kva.example"], True),
        ("xn--bcher-kva.example", ["BÜCHER.example"], True),
        ("shop.shop.nl", ["shop.nl"], False),
        ("eu.shop.nl", ["shop.nl"], False),
        ("eu.shop.nl", ["shop.nl", "eu.shop.nl"], True),
        ("shop.nl", ["eu.shop.nl"], False),
        ("shop.nl.evil.com", ["shop.nl"], False),
        ("evilshop.nl", ["shop.nl"], False),
        ("www.www.shop.nl", ["shop.nl"], False),
        ("www.www.shop.nl", ["www.shop.nl"], False),
        ("www.www.shop.nl", ["www.www.shop.nl"], True),
        ("www.shop.nl", ["www.www.shop.nl"], False),
        ("shop.nl", [], False),
    ],
)
def test_domain_matches(host: str, covered: list[str], matches: bool) -> None:
    assert domain_matches(host, covered) is matches


def test_domain_matches_refuses_an_invalid_host() -> None:
    with pytest.raises(InvalidDomainError):
        domain_matches("127.0.0.1", ["shop.nl"])


labels = st.one_of(
    st.just("www"),
    st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True).filter(
        lambda label: not label.startswith("xn--")  # an A-label must also decode
    ),
)
domains = st.lists(labels, min_size=1, max_size=4).map(lambda ls: ".".join([*ls, "nl"]))


@given(domain=domains)
def test_normalising_is_idempotent(domain: str) -> None:
    once = normalise_domain(domain)
    assert normalise_domain(once) == once
    assert normalise_domain(f"https://{domain.upper()}./path") == once


@given(domain=domains)
def test_a_host_and_its_www_form_match_each_other(domain: str) -> None:
    """Except when the domain itself starts with www.: only one www. is dropped."""
    assume(not domain.startswith("www."))
    assert host_key(f"www.{domain}") == host_key(domain) == Domain(domain)
    assert domain_matches(f"www.{domain}", [domain])
    assert domain_matches(domain, [f"www.{domain}"])


@given(domain=domains, sub=labels)
def test_other_subdomains_match_only_when_listed(domain: str, sub: str) -> None:
    if sub == "www":
        return
    assert not domain_matches(f"{sub}.{domain}", [domain])
    assert domain_matches(f"{sub}.{domain}", [domain, f"{sub}.{domain}"])
