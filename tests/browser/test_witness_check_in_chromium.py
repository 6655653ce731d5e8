"""The browser's own check holds the proof's checkpoint to the published witness policy.

Two witnesses run in their own processes and the registry is served by ``registry serve``
with their policy. While both cosign, Chromium's check of a certificate page passes its
witness step and says 2 of 2; once one is down, the next certificate's proof carries one
cosignature and the browser's check fails that step, saying why. The browser takes no
count from the server: it parses /log/policy and verifies each Ed25519 cosignature itself.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import initialise
from registry.config import Settings
from registry.tlog.cosignature import cosignatures
from registry.tlog.policy import parse_policy
from tests.browser.conftest import PASSPHRASE, free_port
from tests.support.env import TEST_KDF_ROUNDS
from tests.support.serving import serving
from tests.support.witnesses import RunningWitness, policy_text, witnesses
from tests.support.world import build_world

WITNESS_STEP = "cosignatures"


def _cosigners(note: str, running: list[RunningWitness]) -> set[str]:
    policy = parse_policy(policy_text(running, quorum="any"))
    found = cosignatures(note.encode(), [w.verifier for w in policy.witnesses])
    return {w.name for w in policy.witnesses if w.verifier in found}


def _wait_for(client: TestClient[Any], running: list[RunningWitness], want: set[str]) -> None:
    deadline = time.monotonic() + 30
    while _cosigners(client.get("/log/checkpoint").text, running) != want:
        assert time.monotonic() < deadline, "the witnesses did not cosign in 30 s"
        time.sleep(0.1)


def _browser_check(browser: Any, url: str) -> tuple[str, list[tuple[str, str]]]:
    context = browser.new_context(locale="en-GB")
    try:
        tab = context.new_page()
        tab.goto(url)
        tab.wait_for_selector("#browser-check[data-result]", timeout=20_000)
        result = tab.get_attribute("#browser-check", "data-result") or ""
        steps = [
            (
                item.get_attribute("data-outcome") or item.get_attribute("class") or "",
                item.inner_text(),
            )
            for item in tab.query_selector_all("#browser-steps li")
        ]
        return result, steps
    finally:
        context.close()


def test_the_browser_checks_the_witness_quorum_itself(tmp_path: Path, browser: Any) -> None:
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}",
        keys_dir=tmp_path / "keys",
        public_url=f"http://127.0.0.1:{port}",
        key_passphrase=PASSPHRASE,
        key_kdf_rounds=TEST_KDF_ROUNDS,
        sweep_interval_seconds=0,
        webhook_poll_seconds=0,
    )
    service = initialise(settings)
    service.transparency.ensure_keys()
    with witnesses(tmp_path, [service.transparency.log_vkey()]) as running:
        policy_file = tmp_path / "witnesses.policy"
        policy_file.write_text(policy_text(running))  # 2 of 2
        settings = replace(settings, witnesses_file=policy_file)
        app = create_app(settings, keyring=service.uow.keyring)
        with TestClient(app) as client:
            world = build_world(client, service.identity.create_staff_token("Sam Staff").token)
            both = world.certify()
            _wait_for(client, running, {"W0", "W1"})
            with serving(settings, tmp_path, count=1, port=port) as [url]:
                result, steps = _browser_check(browser, f"{url}/c/{both}?lang=en")
                assert result == "passed", "\n".join(map(str, steps))
                [witnessed] = [s for s in steps if WITNESS_STEP in s[1]]
                assert "passed" in witnessed[0], witnessed
                assert "2 of 2 cosignatures" in witnessed[1]

                running[1].stop()
                one = world.certify()
                _wait_for(client, running, {"W0"})
                result, steps = _browser_check(browser, f"{url}/c/{one}?lang=en")
                assert result == "failed", steps
                [witnessed] = [s for s in steps if WITNESS_STEP in s[1]]
                assert "failed" in witnessed[0], witnessed
                assert "cosigned by 1 of 2 witnesses" in witnessed[1]
                # Everything else still holds: only the quorum is missing.
                others = [s for s in steps if s is not witnessed]
                assert all("passed" in outcome for outcome, _ in others), others
