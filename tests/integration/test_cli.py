"""The `registry` command as an operator uses it, and the README's promises."""

from __future__ import annotations

import email
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from registry.bootstrap import open_registry
from registry.cli import build_parser, main
from registry.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_token_create_prints_a_working_staff_token(
    env: dict[str, str], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    capsys.readouterr()
    command = ["token", "create", "--role", "staff", "--name", "Operator"]
    assert main([*command, "--email", "Ops@Registry.example"]) == 0
    token = capsys.readouterr().out.strip()
    assert re.fullmatch(r"tlr_[A-Za-z0-9_-]{43}", token)
    service = open_registry(settings).identity
    actor = service.authenticate(token)
    assert actor.role.value == "staff"
    # The address is the person: a second bootstrap for it (any case) is the same person,
    # and the invitation to sign in went to the mail folder beside the keys.
    assert main([*command, "--email", "ops@registry.example"]) == 0
    again = service.authenticate(capsys.readouterr().out.strip())
    assert again.person_id == actor.person_id and again.membership_id == actor.membership_id
    mails = sorted((settings.keys_dir.parent / "mail-outbox").glob("*.eml"))
    assert mails and "/account/invitation/" in str(
        email.message_from_bytes(mails[0].read_bytes()).get_payload(decode=True)
    )
    with pytest.raises(SystemExit):
        main(["token", "create", "--role", "staff"])  # no address: refused by the parser
    capsys.readouterr()
    assert main(["token", "create", "--role", "auditor", "--email", "a@b.example"]) != 0


def test_demo_then_verify_offline(
    env: dict[str, str], settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["demo"]) == 0
    assert "38 certificates" in capsys.readouterr().out
    service = open_registry(settings)
    statuses = {
        status: len(service.certificates.certificates(status=status, limit=200).items)
        for status in ("valid", "suspended", "withdrawn", "expired")
    }
    assert all(count >= 3 for count in statuses.values()), statuses
    assert sum(statuses.values()) == 38
    renewed = [
        c
        for c in service.certificates.certificates(limit=200).items
        if any(h.type == "renewed" for h in c.history)
    ]
    assert len(renewed) >= 2
    # Trust over time on the first run: certificates audited several times, and a
    # surveillance refused for a major nonconformity with the suspension it brought.
    every = service.certificates.certificates(limit=200).items
    audits = {c.code: service.certificates.audits(c.code) for c in every}
    assert sum(len(a) >= 3 for a in audits.values()) >= 5
    refused = {
        code: audit
        for code, listed in audits.items()
        for audit in listed
        if audit.type == "surveillance" and audit.decision and audit.decision.outcome == "refuse"
    }
    assert refused, "no refused surveillance in the demo"
    for code, audit in refused.items():
        assert audit.decision is not None and audit.decision.action == "suspend"
        assert audit.counts.major_nonconformity >= 1 and audit.decision.reason_en
        shown = next(c for c in every if c.code == code)
        assert shown.status == "suspended" and shown.status_deadline == audit.decision.deadline
        assert shown.findings_audit == audit.id
        suspension = shown.history[-1]
        assert (suspension.type, suspension.assessment) == ("suspended", audit.id)
        assert suspension.reason_nl and suspension.reason_en
        assert " / " not in suspension.reason_nl  # two fields, not "NL / EN" in one

    assert main(["demo"]) == 0
    assert "already" in capsys.readouterr().out
    assert len(service.certificates.certificates(limit=200).items) == 38

    # Every credential of the demo history is dated within its key's published validity.
    from datetime import datetime

    from registry.signing.jwks import parse_jwks

    published = {
        k.kid: k.not_before
        for k in parse_jwks(json.loads((settings.keys_dir / "jwks.json").read_text()))
    }
    for certificate in service.certificates.certificates(limit=200).items:
        token = service.certificates.credential(certificate.code)
        header = json.loads(_b64(token.split(".")[0]))
        claims = json.loads(_b64(token.split(".")[1]))
        not_before = published[header["kid"]]
        assert not_before is not None
        assert not_before <= datetime.fromtimestamp(claims["iat"], tz=not_before.tzinfo), (
            certificate.code
        )

    code = service.certificates.certificates(status="valid", limit=1).items[0].code
    credential = tmp_path / "credential.jwt"
    credential.write_text(service.certificates.credential(code))
    assert main(["verify", str(credential)]) == 0
    out = capsys.readouterr().out
    assert code in out
    last = out.strip().splitlines()[-1]
    assert last.endswith("."), last
    assert last.startswith("a signature does not expire") and f"/c/{code}" in last, last

    header, payload, signature = credential.read_text().split(".")
    # Flip a character in the middle: the last one may carry only padding bits.
    flipped = "B" if signature[10] == "A" else "A"
    credential.write_text(f"{header}.{payload}.{signature[:10]}{flipped}{signature[11:]}")
    assert main(["verify", str(credential)]) == 1
    assert "signature" in capsys.readouterr().err


def test_rotate_keeps_offline_verification(
    env: dict[str, str], settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["demo"]) == 0
    service = open_registry(settings)
    code = service.certificates.certificates(status="valid", limit=1).items[0].code
    credential = tmp_path / "c.jwt"
    credential.write_text(service.certificates.credential(code))
    assert main(["keys", "rotate"]) == 0
    jwks = json.loads((settings.keys_dir / "jwks.json").read_text())
    assert sorted(k["status"] for k in jwks["keys"]) == ["active", "retired"]
    capsys.readouterr()
    assert main(["verify", str(credential)]) == 0
    assert "(retired)" in capsys.readouterr().out


def _b64(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_over_http(env: dict[str, str], settings: Settings) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "serve", "--port", str(port), "--workers", "1"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    assert response.read() == b"ok\n"
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("registry serve did not answer /healthz") from None
                time.sleep(0.2)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/.well-known/jwks.json", timeout=5
        ) as response:
            assert len(json.load(response)["keys"]) == 1
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert blocks[0] == "pip install -c requirements.lock . && registry demo && registry serve"
    assert blocks[1] == 'pip install -c requirements.lock ".[test]" && pytest'
    assert ci.rstrip().splitlines()[-1] == blocks[1]
    assert "REGISTRY_TEST_STRICT=1" in ci


def test_a_key_id_that_begins_with_a_hyphen_can_be_named(
    env: dict[str, str], settings: Settings
) -> None:
    """base64url key ids may start with "-": the command line must still take them."""
    assert main(["init"]) == 0
    service = open_registry(settings)
    kid = service.transparency.jwks()["keys"][0]["kid"]
    args = build_parser().parse_args(
        ["keys", "compromised", "--kid=-abc", "--since", "2026-01-01T00:00:00Z"]
    )
    assert args.kid == "-abc"
    assert main(["keys", "compromised", f"--kid={kid}", "--since", "2026-01-01T00:00:00Z"]) == 0
    assert service.transparency.jwks()["keys"][0]["status"] == "compromised"
