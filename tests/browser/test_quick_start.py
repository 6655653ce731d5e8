"""The README's quick start as a newcomer runs it: `registry demo`, then `registry serve`
on a port of their choosing without REGISTRY_PUBLIC_URL, then a misuse report sent from a
certificate page's own form in Chromium, which staff then find in their queue."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PASSPHRASE, ROOT, _wait_until_up, free_port
from tests.support.env import TEST_KDF_ROUNDS


@dataclass
class QuickStart:
    url: str
    staff_token: str
    printed: str


def _run(command: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "registry.cli", *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def quick_start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QuickStart]:
    folder = tmp_path_factory.mktemp("quick-start")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("REGISTRY_") or k == "REGISTRY_TEST_STRICT"
    }
    env.update(
        {
            "REGISTRY_KEY_PASSPHRASE": PASSPHRASE,
            "REGISTRY_KEY_KDF_ROUNDS": str(TEST_KDF_ROUNDS),
            "REGISTRY_WORKERS": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    _run(["demo"], env, folder)
    staff_token = _run(
        ["token", "create", "--role", "staff", "--email", "operator@registry.example"], env, folder
    ).strip()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "registry.cli", "serve", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield QuickStart(url, staff_token, log.read_text(errors="replace"))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _api(start: QuickStart, path: str) -> Any:
    request = urllib.request.Request(  # noqa: S310  (an http:// URL built here)
        start.url + path, headers={"authorization": f"Bearer {start.staff_token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)


def test_serve_prints_and_uses_the_address_it_serves_on(quick_start: QuickStart) -> None:
    assert f"serving the registry at {quick_start.url}" in quick_start.printed


def test_a_report_sent_from_a_certificate_page_reaches_the_staff_queue(
    browser: Any, quick_start: QuickStart
) -> None:
    code = _api(quick_start, "/api/v1/certificates?status=valid&limit=1")["items"][0]["code"]
    context = browser.new_context(locale="en-GB")
    tab = context.new_page()
    try:
        tab.goto(f"{quick_start.url}/c/{code}?lang=en")
        snippet = tab.locator("code.snippet").first.inner_text()
        assert quick_start.url in snippet and "127.0.0.1:8000" not in snippet
        tab.fill("#report-site", "https://copycat-quickstart.example/")
        tab.fill("#report-seen", "The label in the footer, linking to this certificate.")
        tab.wait_for_timeout(3500)  # a person takes a few seconds; the form asks for that
        with tab.expect_navigation():
            tab.click(".report-form button[type=submit]")
        assert "Thank you" in tab.content(), tab.content()[:2000]
    finally:
        context.close()
    reports = _api(quick_start, "/api/v1/misuse-reports?status=all")["items"]
    assert [r["certificate"] for r in reports if r["domain"] == "copycat-quickstart.example"] == [
        code
    ]


def test_a_demo_certificate_prints_on_one_page(browser: Any, quick_start: QuickStart) -> None:
    """The demo's label has the most criteria: printed, it is still one A4 page with the
    status, what was checked and the QR code (not the snippets or the report form)."""
    items = _api(quick_start, "/api/v1/certificates?limit=200")["items"]
    most = max(items, key=lambda item: len(item["findings"]))
    assert len(most["findings"]) >= 15
    context = browser.new_context(locale="nl-NL")
    tab = context.new_page()
    try:
        tab.goto(f"{quick_start.url}/c/{most['code']}")
        tab.emulate_media(media="print")
        assert tab.locator(".criterion").count() == len(most["findings"])
        assert tab.is_visible("svg.qr") and tab.is_visible(".status")
        pdf = tab.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    finally:
        context.close()
