"""Atom 1.0 (RFC 4287) and JSON Feed 1.1 documents from the feed's items.

Atom is written with ElementTree, which escapes every text and attribute, so a holder
name like ``<script>`` stays text. Every entry has an id that never changes, a title, an
``updated`` time, a link to the certificate page (``alternate``) and one to its log
entry (``related``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final
from xml.etree import ElementTree as ET

from registry.feeds.queries import FeedData, FeedItem, FeedScope
from registry.signing import format_time

ATOM_NS: Final = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION: Final = "https://jsonfeed.org/version/1.1"
TAG_YEAR: Final = "2026"
_EPOCH: Final = datetime(2026, 1, 1, tzinfo=UTC)
_VERBS: Final = {
    "issued": "issued",
    "renewed": "renewed",
    "suspended": "suspended",
    "reinstated": "reinstated",
    "withdrawn": "withdrawn",
    "expired": "expired",
}

ET.register_namespace("", ATOM_NS)


def tag_authority(log_origin: str) -> str:
    """The host of the log's origin without a port: a tag URI's authority (RFC 4151 §2.1)."""
    return log_origin.split("/", 1)[0].rsplit(":", 1)[0].lower()


def entry_id(authority: str, index: int) -> str:
    return f"tag:{authority},{TAG_YEAR}:log/{index}"


def feed_id(authority: str, scope: FeedScope) -> str:
    return f"tag:{authority},{TAG_YEAR}:feed{scope.path.removeprefix('/feeds')}"


def _title(item: FeedItem) -> str:
    return f"{item.code} {_VERBS.get(item.type, item.type)}: {item.holder}"


def _links(base: str, item: FeedItem) -> tuple[str, str]:
    return (
        f"{base}/c/{item.code}",
        f"{base}/api/v1/log/entries?start={item.log_index}&end={item.log_index + 1}",
    )


def updated(items: Sequence[FeedItem]) -> datetime:
    return max((i.at for i in items), default=_EPOCH)


def atom(data: FeedData, scope: FeedScope, base: str, authority: str) -> bytes:
    def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(root, "id", feed_id(authority, scope))
    sub(root, "title", f"Trust Label Registry: status changes, {data.title}")
    sub(root, "updated", format_time(updated(data.items)))
    sub(root, "link", rel="self", type="application/atom+xml", href=f"{base}{scope.path}.atom")
    sub(root, "link", rel="alternate", type="text/html", href=f"{base}/")
    author = sub(root, "author")
    sub(author, "name", "Trust Label Registry")
    sub(author, "uri", f"{base}/")
    for item in data.items:
        page, log_entry = _links(base, item)
        entry = sub(root, "entry")
        sub(entry, "id", entry_id(authority, item.log_index))
        sub(entry, "title", _title(item))
        sub(entry, "updated", format_time(item.at))
        sub(entry, "link", rel="alternate", type="text/html", href=page)
        sub(entry, "link", rel="related", type="application/json", href=log_entry)
        sub(entry, "category", term=item.type)
        if item.reason:
            sub(entry, "summary", item.reason)
    encoded: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return encoded


def json_feed(data: FeedData, scope: FeedScope, base: str, authority: str) -> bytes:
    document = {
        "version": JSON_FEED_VERSION,
        "title": f"Trust Label Registry: status changes, {data.title}",
        "home_page_url": f"{base}/",
        "feed_url": f"{base}{scope.path}.json",
        "language": "en",
        "authors": [{"name": "Trust Label Registry", "url": f"{base}/"}],
        "items": [
            {
                "id": entry_id(authority, item.log_index),
                "url": _links(base, item)[0],
                "external_url": _links(base, item)[1],
                "title": _title(item),
                "content_text": item.reason or _title(item),
                "date_published": format_time(item.at),
                "tags": [item.type],
            }
            for item in data.items
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
