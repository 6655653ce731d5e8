"""The badge snippet pasted on a page of another origin: Chromium shows the badge at
its size, and since that origin is no covered domain, the badge says so."""

from __future__ import annotations

import threading
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.browser.conftest import Served, free_port, screenshot
from tests.support.env import need

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def shop(served: Served) -> Iterator[str]:
    """A tiny "shop" on another port of 127.0.0.1 whose page holds the snippet."""
    code = served.codes["fietsen"]
    html = (
        "<!doctype html><html><head><meta charset=utf-8><title>shop</title></head><body>"
        f'<a id="small" href="{served.url}/c/{code}"><img src="{served.url}/badge/{code}.svg'
        '?size=small&amp;theme=light&amp;lang=en" alt="badge" width="240" height="80"></a>'
        f'<a id="large" href="{served.url}/c/{code}"><img src="{served.url}/badge/{code}.svg'
        '?size=large&amp;theme=dark&amp;lang=en" alt="badge" width="360" height="120"></a>'
        "</body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def status_seen(url: str, referer: str) -> str:
    request = urllib.request.Request(url, headers={"Referer": referer})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        root = ET.fromstring(response.read())  # noqa: S314
    for element in root.iter(f"{SVG_NS}tspan"):
        if element.get("class") == "status":
            return element.text or ""
    return ""


def test_the_badge_renders_at_its_size_on_another_origin(
    browser: Any, served: Served, shop: str
) -> None:
    need(shop != served.url, "the shop must be another origin")
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    tab = context.new_page()
    badge_requests: list[dict[str, str]] = []
    tab.on(
        "request",
        lambda r: "/badge/" in r.url and badge_requests.append(r.headers),
    )
    try:
        tab.goto(shop + "/")
        tab.wait_for_function(
            "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)",
            timeout=15_000,
        )
        sizes = tab.evaluate(
            "Array.from(document.images).map(i => [i.naturalWidth, i.naturalHeight,"
            " i.getBoundingClientRect().width, i.getBoundingClientRect().height])"
        )
        screenshot(tab, "badge-embed")
    finally:
        context.close()
    assert sizes == [[240, 80, 240, 80], [360, 120, 360, 120]]
    referers = {h.get("referer", "") for h in badge_requests}
    assert referers and all(r.startswith(shop) for r in referers), referers
    code = served.codes["fietsen"]
    for referer in referers:
        url = f"{served.url}/badge/{code}.svg?size=small&theme=light&lang=en"
        assert status_seen(url, referer) == "Not verified for this site"
    assert status_seen(f"{served.url}/badge/{code}.svg?lang=en", served.url + "/") == "Valid"
