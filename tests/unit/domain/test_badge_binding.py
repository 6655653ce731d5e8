"""Badge domain binding: which embedding host is foreign to a certificate."""

from __future__ import annotations

from registry.domain.badge_binding import embedding_hosts, foreign_host

OWN = "registry.example"
COVERED = ["shop.example", "outlet.example"]


def test_embedding_hosts_from_referer_and_origin() -> None:
    assert embedding_hosts("https://www.shop.example/p?q=1", "https://other.example") == [
        "www.shop.example",
        "other.example",
    ]
    assert embedding_hosts("https://user@Shop.Example:8443/", None) == ["shop.example:8443"]


def test_no_usable_header_no_host() -> None:
    assert embedding_hosts(None, None) == []
    assert embedding_hosts("", "null") == []
    assert embedding_hosts("ftp://shop.example/", "file:///etc") == []
    assert embedding_hosts("not a url", None) == []


def test_covered_domains_and_the_registry_are_not_foreign() -> None:
    assert foreign_host(["www.shop.example"], OWN, COVERED) is None
    assert foreign_host(["outlet.example:443"], OWN, COVERED) is None
    assert foreign_host([OWN], OWN, COVERED) is None
    assert foreign_host([], OWN, COVERED) is None


def test_the_first_foreign_host_is_named() -> None:
    assert foreign_host(["shop.example", "copycat.example"], OWN, COVERED) == "copycat.example"
    assert foreign_host(["shop.shop.example"], OWN, COVERED) == "shop.shop.example"


def test_a_host_that_is_no_web_domain_is_foreign() -> None:
    assert foreign_host(["127.0.0.1:8000"], OWN, COVERED) == "127.0.0.1"
    assert foreign_host(["localhost"], OWN, COVERED) == "localhost"


def test_nothing_covered_makes_every_other_host_foreign() -> None:
    assert foreign_host(["shop.example"], OWN, []) == "shop.example"
