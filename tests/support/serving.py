"""Real ``registry serve`` processes over one registry, for tests that need several."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from registry.bootstrap import initialise
from registry.config import Settings

SERVE = [sys.executable, "-m", "registry.cli", "serve", "--host", "127.0.0.1", "--workers", "1"]
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise AssertionError(f"{url} did not answer /healthz:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@contextmanager
def serving(
    settings: Settings,
    folder: Path,
    count: int = 2,
    port: int | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[list[str]]:
    """``count`` server processes on the registry's one database, initialised beforehand;
    the first on ``port`` when given (the port of the registry's public URL);
    ``extra_env``: more ``REGISTRY_*`` settings for the servers."""
    initialise(settings)
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_KEYS_DIR": str(settings.keys_dir),
        "REGISTRY_PUBLIC_URL": settings.public_url,
        "REGISTRY_KEY_PASSPHRASE": settings.key_passphrase or "",
        "REGISTRY_KEY_KDF_ROUNDS": str(settings.key_kdf_rounds),
        "REGISTRY_SWEEP_INTERVAL": "0",
        **(extra_env or {}),
    }
    if settings.witnesses_file is not None:
        env["REGISTRY_WITNESSES"] = str(settings.witnesses_file)
    processes: list[tuple[subprocess.Popen[bytes], Path]] = []
    urls: list[str] = []
    try:
        for n in range(count):
            chosen = port if n == 0 and port is not None else _free_port()
            log = folder / f"server{n}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [*SERVE, "--port", str(chosen)],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            processes.append((process, log))
            urls.append(f"http://127.0.0.1:{chosen}")
        for url, (process, log) in zip(urls, processes, strict=True):
            _wait_healthy(url, process, log)
        yield urls
    finally:
        for process, _ in processes:
            process.terminate()
        for process, _ in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
