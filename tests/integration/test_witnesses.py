"""Independent witnesses, each in its own process, cosign the registry's checkpoints.

- both witnesses cosign; the served checkpoint, the proof bundle and the /log page show
  it, and Go's sumdb/note with a 0x04 verifier written from the spec agrees;
- a witness that is down stops no issuance; the page says 1 of 2 and a verifier with a
  2-of-2 policy refuses the checkpoint, while 1-of-2 accepts it;
- a registry forked into two histories (two databases, one log key and origin) gets
  each witness to cosign at most one of them.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import Services, initialise, open_registry
from registry.cli import main
from registry.config import Settings
from registry.tlog.cosignature import cosignatures, parse_cosigner_vkey
from registry.tlog.policy import QuorumError, parse_policy
from registry.transparency.witnessing import WitnessSubmitter
from tests.support.env import TEST_KDF_ROUNDS, registry_env
from tests.support.go import go_env
from tests.support.go_cosignature import open_with_go
from tests.support.serving import serving
from tests.support.witnesses import RunningWitness, policy_text, witnesses
from tests.support.world import build_world

ORIGIN = "registry.test/log/fork"


def _settings(tmp_path: Path, name: str = "registry") -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / (name + '.sqlite3')}",
        keys_dir=tmp_path / "keys",
        public_url="https://registry.test",
        key_passphrase="correct horse battery staple",
        key_kdf_rounds=TEST_KDF_ROUNDS,
        log_origin=ORIGIN,
        sweep_interval_seconds=0,
        webhook_poll_seconds=0,
    )


def _cosigned_by(note: str, running: list[RunningWitness]) -> set[str]:
    policy = parse_policy(policy_text(running, quorum="any"))
    found = set()
    verifiers = {w.name: w.verifier for w in policy.witnesses}
    got = cosignatures(note.encode(), list(verifiers.values()))
    for name, verifier in verifiers.items():
        if verifier in got:
            found.add(name)
    return found


def _wait_for(client: TestClient[Any], running: list[RunningWitness], want: set[str]) -> str:
    deadline = time.monotonic() + 20
    while True:
        note = client.get("/log/checkpoint").text
        if _cosigned_by(note, running) == want:
            return note
        assert time.monotonic() < deadline, f"cosigned by {_cosigned_by(note, running)}, not {want}"
        time.sleep(0.1)


def _server_steps(page: str) -> list[str]:
    """The items of the page's server-side check: signature, content, log."""
    steps = page.split('id="server-steps"', 1)[1].split("</ol>", 1)[0]
    return steps.split("<li ")[1:]


def test_two_witnesses_cosign_and_one_down_stops_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    service = initialise(settings)
    service.transparency.ensure_keys()
    log_vkey = service.transparency.log_vkey()
    with witnesses(tmp_path, [log_vkey]) as running:
        policy_file = tmp_path / "witnesses.policy"
        policy_file.write_text(policy_text(running))
        settings = replace(settings, witnesses_file=policy_file)
        app = create_app(settings, keyring=service.uow.keyring)
        with TestClient(app) as client:
            world = build_world(client, service.identity.create_staff_token("Sam Staff").token)
            code = world.certify()
            note = _wait_for(client, running, {"W0", "W1"})

            # The published policy names this log and both witnesses; it accepts the note.
            published = client.get("/log/policy")
            assert published.status_code == 200
            policy = parse_policy(published.text)
            assert [log.verifier.vkey() for log in policy.logs] == [log_vkey]
            origin = note.split("\n", 1)[0]  # host/log/<id>: a tiles client's URL prefix
            assert [log.url for log in policy.logs] == ["https://" + origin]
            witnessed = policy.verify(note.encode())
            assert set(witnessed.cosigned) == {"W0", "W1"}
            assert 'data-cosigned="2" data-witnesses="2"' in client.get("/log").text
            page = client.get(f"/c/{code}").text
            assert 'data-cosigned="2" data-witnesses="2"' in page
            assert "2 van 2 hebben het laatste checkpoint medeondertekend" in page
            # The page's own check holds the proof's checkpoint to the published policy.
            server_steps = _server_steps(page)
            assert 'step-passed"' in server_steps[2]
            assert 'class="witness-check" data-cosigned="2" data-witnesses="2"' in server_steps[2]
            assert "draagt 2 van 2 medeondertekeningen" in server_steps[2]

            # The proof bundle carries the cosigned checkpoint: registry verify --policy.
            bundle = client.get(f"/api/v1/certificates/{code}/proof").content
            credential = client.get(f"/api/v1/certificates/{code}/credential").text
            (tmp_path / "cred.jws").write_text(credential)
            (tmp_path / "proof").write_bytes(bundle)
            (tmp_path / "policy").write_text(published.text)
            for name, value in registry_env(settings).items():
                monkeypatch.setenv(name, value)
            args = ["verify", str(tmp_path / "cred.jws"), "--proof", str(tmp_path / "proof")]
            assert main([*args, "--policy", str(tmp_path / "policy")]) == 0

            # Go's note.Open, with a 0x04 verifier written from the spec, agrees.
            go = go_env(tmp_path)
            [opened] = open_with_go(go, tmp_path, log_vkey, [w.vkey for w in running], [note])
            assert opened["error"] == ""
            assert sorted(opened["signers"]) == sorted([ORIGIN, *(w.name for w in running)])
            tampered = note.replace(running[0].name + " ", running[0].name + " A", 1)
            [refused] = open_with_go(go, tmp_path, log_vkey, [w.vkey for w in running], [tampered])
            assert refused["error"] != ""

            # Witness 1 goes down: issuance goes on, witness 0 cosigns the new checkpoint.
            running[1].stop()
            second = world.certify()
            assert client.get(f"/c/{second}").status_code == 200
            note = _wait_for(client, running, {"W0"})
            assert 'data-cosigned="1" data-witnesses="2"' in client.get("/log").text
            page = client.get(f"/c/{second}").text
            assert 'data-cosigned="1" data-witnesses="2"' in page
            assert "minder dan het aanbevolen quorum" in page
            # Without the quorum the page's own check fails its log step, and says why.
            signature, content, log_step = _server_steps(page)
            assert 'step-passed"' in signature and 'step-passed"' in content
            assert 'step-failed"' in log_step
            assert "cosigned by 1 of 2 witnesses (W0)" in log_step
            with pytest.raises(QuorumError, match="1 of 2"):
                policy.verify(note.encode())
            one_of_two = published.text.replace("group witnesses all", "group witnesses any")
            assert parse_policy(one_of_two).verify(note.encode()).cosigned.keys() == {"W0"}
            bundle = client.get(f"/api/v1/certificates/{second}/proof").content
            (tmp_path / "cred.jws").write_text(
                client.get(f"/api/v1/certificates/{second}/credential").text
            )
            (tmp_path / "proof").write_bytes(bundle)
            assert main([*args, "--policy", str(tmp_path / "policy")]) == 1
            (tmp_path / "policy").write_text(one_of_two)
            assert main([*args, "--policy", str(tmp_path / "policy")]) == 0


def test_a_forked_registry_gets_each_witness_to_cosign_one_history_at_most(
    tmp_path: Path,
) -> None:
    settings_a = _settings(tmp_path, "a")
    service_a = initialise(settings_a)
    service_a.transparency.ensure_keys()
    # The fork: a copy of the database (say, a restored backup) serving on with the same
    # log key and origin, while the original goes on too.
    with (
        sqlite3.connect(tmp_path / "a.sqlite3") as source,
        sqlite3.connect(tmp_path / "b.sqlite3") as copy,
    ):
        source.backup(copy)
    settings_b = replace(settings_a, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}")
    service_b = open_registry(settings_b)
    assert service_b.transparency.log_vkey() == service_a.transparency.log_vkey()
    service_a.transparency.rotate_keys()
    service_b.transparency.rotate_keys()
    service_b.transparency.rotate_keys()
    with witnesses(tmp_path, [service_a.transparency.log_vkey()]) as running:
        policy = parse_policy(policy_text(running))
        registries: list[Services] = [service_a, service_b]
        with httpx.Client(timeout=10) as http:
            # Each history asks both witnesses, in turn, twice.
            for _ in range(2):
                for service in registries:
                    WitnessSubmitter(service.uow, policy).submit_all(http)
        served = [s.transparency.log_checkpoint() for s in registries]
        assert served[0] != served[1]
        for witness in ("W0", "W1"):
            histories = [n for n in served if witness in _cosigned_by(n, running)]
            assert len(histories) == 1, f"{witness} cosigned {len(histories)} histories"
        # Both witnesses took the first history that reached them: history a.
        assert _cosigned_by(served[0], running) == {"W0", "W1"}
        assert _cosigned_by(served[1], running) == set()
        for w in running:
            assert parse_cosigner_vkey(w.vkey).name == w.name


def test_a_served_registry_asks_its_witnesses_and_the_monitor_requires_the_quorum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``registry serve`` in its own process asks the witnesses by itself; ``registry log
    monitor --policy`` passes with both cosignatures and fails with one of two."""
    settings = _settings(tmp_path)
    service = initialise(settings)
    service.transparency.ensure_keys()
    with witnesses(tmp_path, [service.transparency.log_vkey()]) as running:
        policy_file = tmp_path / "witnesses.policy"
        policy_file.write_text(policy_text(running))
        monkeypatch.setenv("REGISTRY_WITNESSES", str(policy_file))
        with serving(settings, tmp_path, count=1) as [url]:

            def served_cosigners() -> tuple[int, set[str]]:
                note = httpx.get(f"{url}/log/checkpoint", timeout=5).text
                return int(note.split("\n")[1]), _cosigned_by(note, running)

            def wait_for(size: int, want: set[str]) -> None:
                deadline = time.monotonic() + 30
                while served_cosigners() != (size, want):
                    assert time.monotonic() < deadline, f"served {served_cosigners()}"
                    time.sleep(0.2)

            wait_for(service.transparency.sign_checkpoint(), {"W0", "W1"})
            published = tmp_path / "published.policy"
            published.write_text(httpx.get(f"{url}/log/policy", timeout=5).text)
            assert main(["log", "monitor", url, "--policy", str(published)]) == 0
            assert "cosigned by 2 of 2 witnesses" in capsys.readouterr().out

            running[1].stop()
            service.transparency.rotate_keys()  # a logged change, through another process
            wait_for(service.transparency.sign_checkpoint(), {"W0"})
            assert main(["log", "monitor", url, "--policy", str(published)]) == 1
            assert "cosigned by 1 of 2 witnesses (W0)" in capsys.readouterr().err
