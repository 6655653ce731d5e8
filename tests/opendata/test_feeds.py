"""Feeds: parsed by feedparser as a reader would, fresh at the next request."""

from __future__ import annotations

import json
import re
from typing import Any

import feedparser

from tests.support.world import World

FEEDS = (
    "/feeds/registry",
    "/feeds/schemes/webwinkel",
    "/feeds/bodies/keurcontrole",
    "/feeds/holders/NL-12345678",
)


def _atom(world: World, path: str) -> Any:
    response = world.client.get(path + ".atom")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def _json(world: World, path: str) -> dict[str, Any]:
    response = world.client.get(path + ".json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/feed+json")
    # feedparser's released versions read Atom and RSS only; JSON Feed 1.1 is checked
    # here against the rules of its specification (jsonfeed.org/version/1.1).
    document: dict[str, Any] = json.loads(response.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and isinstance(document["items"], list)
    assert document["feed_url"] == "https://registry.test" + path + ".json"
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_text") or item.get("content_html")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item["date_published"])
    return document


def test_a_suspension_is_in_every_feed_that_concerns_it_at_the_next_request(world: World) -> None:
    code = world.certify()
    other = world.certify(
        organisation={
            "legal_name": "Ander B.V.",
            "country": "NL",
            "registration_number": "99990000",
        },
        domains=["ander.example"],
    )
    for path in FEEDS:
        _atom(world, path)  # read (and kept) before the change
    suspended = world.post(
        f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "klachten <b>"}
    )
    assert suspended.status_code == 200
    history = world.client.get(f"/api/v1/certificates/{code}").json()["history"]
    index = history[-1]["log_index"]
    for path in FEEDS:
        atom = _atom(world, path)
        newest = atom.entries[0]
        assert newest.id.startswith("tag:") and newest.id.endswith(f",2026:log/{index}")
        assert code in newest.title and "suspended" in newest.title
        assert newest.summary == "klachten <b>"  # text, escaped, not markup
        links = {link.rel: link.href for link in newest.links}
        assert links["alternate"] == f"https://registry.test/c/{code}"
        assert links["related"].endswith(f"/api/v1/log/entries?start={index}&end={index + 1}")
        feed = _json(world, path)
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["items"][0]["id"] == newest.id
        assert feed["items"][0]["url"] == f"https://registry.test/c/{code}"
    holder = _atom(world, "/feeds/holders/NL-12345678")
    assert all(other not in e.title for e in holder.entries)
    registry = _atom(world, "/feeds/registry")
    assert any(other in e.title for e in registry.entries)
    updated = [e.updated for e in registry.entries]
    assert updated == sorted(updated, reverse=True)


def test_entry_ids_never_change_and_feeds_hold_at_most_100(world: World) -> None:
    from registry.feeds import queries

    code = world.certify()
    first = _atom(world, "/feeds/registry").entries[0].id
    for _ in range(3):
        for action in ("suspend", "reinstate"):
            changed = world.post(
                f"/api/v1/certificates/{code}/{action}", world.admin, {"reason": "checked again"}
            )
            assert changed.status_code == 200, changed.text
    entries = _atom(world, "/feeds/registry").entries
    assert entries[-1].id == first and len(entries) == 7
    assert queries.MAX_ITEMS == 100
    assert re.fullmatch(r"tag:registry\.test,2026:log/\d+", first)


def test_conditional_get_and_unknown_feeds(world: World) -> None:
    world.certify()
    first = world.client.get("/feeds/registry.atom")
    again = world.client.get(
        "/feeds/registry.atom", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    for path in (
        "/feeds/schemes/nope.atom",
        "/feeds/bodies/nope.json",
        "/feeds/holders/NL-00000000.atom",
        "/feeds/holders/garbage.atom",
        "/feeds/registry.rss",
        "/feeds/schemes/webwinkel.html",
    ):
        assert world.client.get(path).status_code == 404, path


def test_pages_link_their_feeds(world: World) -> None:
    code = world.certify()
    expected = {
        f"/c/{code}": "/feeds/holders/NL-12345678",
        "/schemes/webwinkel": "/feeds/schemes/webwinkel",
        "/bodies/keurcontrole": "/feeds/bodies/keurcontrole",
        "/": "/feeds/registry",
    }
    for page, feed in expected.items():
        text = world.client.get(page).text
        assert f'rel="alternate" type="application/atom+xml" href="{feed}.atom"' in text, page
        assert f'rel="alternate" type="application/feed+json" href="{feed}.json"' in text, page
