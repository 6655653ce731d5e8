"""A served registry, a tampering proxy in front of it, and headless Chromium.

The registry is filled through the API (the cast of ``tests/web/site.py``, audited days
ago by the real clock), then served by ``registry serve`` in a subprocess on a free port
of 127.0.0.1, which browsers treat as a secure context (WebCrypto works). The proxy
forwards everything to it and, when a test asks, corrupts one kind of response on the
way, so the page (rendered by the honest server) and the browser's own check disagree.

Everything skips with a reason when Playwright, Chromium or axe-core is missing, and
fails instead under ``REGISTRY_TEST_STRICT=1``.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from registry.bootstrap import initialise
from registry.config import Settings
from tests.support.env import TEST_KDF_ROUNDS, FakeClock, need
from tests.support.world import build_world
from tests.web.conftest import app_with_pages
from tests.web.site import populate

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("REGISTRY_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
PASSPHRASE = "correct horse battery staple"

Rewrite = Callable[[str, bytes], bytes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    url: str
    codes: dict[str, str]
    log: Path


@dataclass
class Proxy:
    """Forwards to the registry; ``rewrite(path, body)`` may change a response body."""

    url: str
    rewrites: list[Rewrite] = field(default_factory=list)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    host, port = url.removeprefix("http://").split(":")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"registry serve exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(
        f"registry serve did not answer in 30 s:\n{log.read_text(errors='replace')[-3000:]}"
    )


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    need(CHROMIUM.exists(), f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401  # only to know it is there
    except ImportError:
        need(False, "Playwright is not installed (pip install playwright)")
    folder = tmp_path_factory.mktemp("served")
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{folder / 'registry.sqlite3'}",
        keys_dir=folder / "keys",
        public_url=f"http://127.0.0.1:{port}",
        key_passphrase=PASSPHRASE,
        key_kdf_rounds=TEST_KDF_ROUNDS,
    )
    # Audited days ago and decided minutes ago, so the real clock of the server sees
    # valid certificates whose history lies in the past.
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10))
    service = initialise(settings, clock)
    with TestClient(app_with_pages(settings, clock, service)) as client:
        world = build_world(client, service.identity.create_staff_token("Sam Staff").token)
        world.today = clock.now.date()
        codes = populate(world)
    service.uow.db.dispose()
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_KEYS_DIR": str(settings.keys_dir),
        "REGISTRY_PUBLIC_URL": settings.public_url,
        "REGISTRY_KEY_PASSPHRASE": PASSPHRASE,
        "REGISTRY_KEY_KDF_ROUNDS": str(TEST_KDF_ROUNDS),
        "REGISTRY_WORKERS": "1",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "registry.cli", "serve", "--port", str(port)]
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(settings.public_url, process, log)
        yield Served(url=settings.public_url, codes=codes, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def proxy(served: Served) -> Iterator[Proxy]:
    upstream_host, upstream_port = served.url.removeprefix("http://").split(":")
    state = Proxy(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._forward()

        def do_HEAD(self) -> None:
            self._forward()

        def _forward(self) -> None:
            upstream = http.client.HTTPConnection(upstream_host, int(upstream_port), timeout=10)
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "accept-encoding", "if-none-match", "connection")
            }
            upstream.request(self.command, self.path, headers=headers)
            response = upstream.getresponse()
            body = response.read()
            for rewrite in list(state.rewrites):
                body = rewrite(self.path, body)
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in (
                    "content-length",
                    "etag",
                    "connection",
                    "transfer-encoding",
                ):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            upstream.close()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(served: Served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, proxy: Proxy) -> Iterator[Any]:
    """A fresh context (no cookies, no cache) at 1024 px; collects console errors."""
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="nl-NL")
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))  # type: ignore[attr-defined]
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))  # type: ignore[attr-defined]
    yield tab
    context.close()
    proxy.rewrites.clear()


@pytest.fixture(scope="session")
def axe_source() -> str:
    need(AXE.exists(), f"axe-core is not installed at {AXE} (run: npm ci --prefix tests/browser)")
    return AXE.read_text(encoding="utf-8")


def screenshot(tab: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
