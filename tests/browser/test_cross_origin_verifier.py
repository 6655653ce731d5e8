"""A verifier page on another origin (its own local server, on ``localhost``) reads the
registry's issuer metadata, keys, a credential, its status lists and the checkpoint
across origins, and checks them all with WebCrypto in Chromium, as a person uses it."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Served, free_port

VERIFIER = Path(__file__).resolve().parent / "verifier"


@pytest.fixture(scope="module")
def verifier_origin(served: Served) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(VERIFIER))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"  # another origin, still secure
    server.shutdown()
    server.server_close()


def _verify(tab: Any, origin: str, registry: str, code: str) -> dict[str, str]:
    tab.goto(f"{origin}/index.html?registry={registry}")
    tab.fill("#code", code)
    tab.click("button[type=submit]")
    tab.wait_for_selector("#checkpoint, #error", timeout=15_000)
    return {
        dt.inner_text(): tab.inner_text(f"dd[id='{dt.inner_text()}']")
        for dt in tab.query_selector_all("#result dt")
    }


def test_a_verifier_on_another_origin_checks_credential_status_and_log(
    page: Any, served: Served, verifier_origin: str
) -> None:
    fine = _verify(page, verifier_origin, served.url, served.codes["fietsen"])
    assert "error" not in fine, fine.get("error")
    assert fine["signature"] == "valid"
    assert (fine["revocation"], fine["suspension"]) == ("0", "0")
    assert fine["checkpoint"].startswith("verified, ")

    withdrawn = _verify(page, verifier_origin, served.url, served.codes["withdrawn"])
    assert (withdrawn["signature"], withdrawn["revocation"]) == ("valid", "1"), withdrawn
    suspended = _verify(page, verifier_origin, served.url, served.codes["suspended"])
    assert (suspended["suspension"], suspended["revocation"]) == ("1", "0"), suspended
    assert not page.errors  # type: ignore[attr-defined]
