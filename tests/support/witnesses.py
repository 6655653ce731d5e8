"""Real ``registry witness serve`` processes for the tests, each with its own folder."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.serving import _free_port

WITNESS = [sys.executable, "-m", "registry.cli", "witness"]


@dataclass
class RunningWitness:
    name: str
    folder: Path
    url: str
    vkey: str  # the Ed25519 (0x04) verifier key
    process: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


def _run(*args: str) -> str:
    done = subprocess.run(
        [*WITNESS, *args], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


@contextmanager
def witnesses(folder: Path, log_vkeys: list[str], count: int = 2) -> Iterator[list[RunningWitness]]:
    """``count`` witnesses, each following the logs of ``log_vkeys``, each in its own process."""
    running: list[RunningWitness] = []
    try:
        for n in range(count):
            home = folder / f"witness{n}"
            name = f"witness{n}.test/w"
            printed = _run("init", "--dir", str(home), "--name", name)
            vkey = next(line for line in printed.splitlines() if line.startswith(name + "+"))
            for log_vkey in log_vkeys:
                _run("add-log", "--dir", str(home), log_vkey)
            port = _free_port()
            with (folder / f"witness{n}.log").open("wb") as out:
                process = subprocess.Popen(
                    [*WITNESS, "serve", "--dir", str(home), "--port", str(port)],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            running.append(RunningWitness(name, home, f"http://127.0.0.1:{port}", vkey, process))
        for witness in running:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(witness.url + "/", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"witness at {witness.url} did not start"
                time.sleep(0.2)
        yield running
    finally:
        for witness in running:
            if witness.process is not None:
                witness.process.terminate()
        for witness in running:
            if witness.process is not None:
                try:
                    witness.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    witness.process.kill()


def policy_text(running: list[RunningWitness], quorum: str = "all") -> str:
    """A tlog-policy naming the witnesses with their URLs and a group quorum."""
    lines = [f"witness W{n} {w.vkey} {w.url}" for n, w in enumerate(running)]
    names = " ".join(f"W{n}" for n in range(len(running)))
    return "\n".join([*lines, f"group witnesses {quorum} {names}", "quorum witnesses", ""])
