"""One real ``registry serve`` that a test can kill with SIGKILL and start again.

The server runs in a session of its own, so that SIGKILL reaches granian's main process
and its worker at once, as a crash or a power cut would; it comes back on the same port.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from registry.config import Settings
from tests.support.env import registry_env
from tests.support.serving import SERVE, _free_port, _wait_healthy


class KillableServer:
    def __init__(self, settings: Settings, folder: Path) -> None:
        self.env = {**os.environ, **registry_env(settings), "REGISTRY_SWEEP_INTERVAL": "0"}
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        log = self.folder / f"server-{self.starts}.log"
        self.starts += 1
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [*SERVE, "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_healthy(self.url, self.process, log)

    def kill(self) -> None:
        """SIGKILL to the server and its workers, no chance to finish anything."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        """A clean stop (SIGTERM), or SIGKILL when it does not end in time."""
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
