"""What `pip install .` and the Dockerfile promise, checked without Docker."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from registry.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_templates_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {n for n in names if n.startswith("registry/templates/")}
    assert "registry/templates/base.html" in templates
    assert any(n.startswith("registry/db/migrations/versions/0001") for n in names)
    assert not any(n.startswith("keys/") or n.endswith((".sqlite3", ".key", ".p12")) for n in names)


def _dockerfile_instruction(name: str) -> list[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(rf"^{name}\s+(?:--\S+\s+)*(?:CMD\s+)?(\[.*\])\s*$", text, re.M)
    assert match, f"no {name} in the Dockerfile"
    import json

    return list(json.loads(match.group(1)))


def test_dockerfile_runs_as_non_root_without_keys() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER registry$", text, re.M)
    assert "COPY keys" not in text and "COPY . " not in text
    assert text.count("FROM ") >= 2, "multi-stage build"


def test_dockerfile_command_and_health_check_work(settings: Settings, tmp_path: Path) -> None:
    """Run the image's CMD and HEALTHCHECK in a plain environment, as the container would."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_KEYS_DIR": str(settings.keys_dir),
        "REGISTRY_KEY_PASSPHRASE": settings.key_passphrase or "",
        "REGISTRY_KEY_KDF_ROUNDS": str(settings.key_kdf_rounds),
        "REGISTRY_PORT": str(port),
        # One worker: granian can hang when stopped while a second worker is still starting.
        "REGISTRY_WORKERS": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    command = _dockerfile_instruction("CMD")
    health = _dockerfile_instruction("HEALTHCHECK")
    assert command[:2] == ["sh", "-c"] and "registry serve" in command[2]
    server = subprocess.Popen(
        [command[0], command[1], command[2].replace("0.0.0.0", "127.0.0.1")],
        env=env,
        stdout=(tmp_path / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            result = subprocess.run(
                [sys.executable if health[0] == "python" else health[0], *health[1:]],
                env=env,
                capture_output=True,
            )
            if result.returncode == 0:
                break
            if time.monotonic() > deadline or server.poll() is not None:
                log = (tmp_path / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(
                    f"health check never passed: {shlex.join(health)}\n{result.stderr.decode()[-300:]}\n{log}"
                )
            time.sleep(0.3)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode is not None
