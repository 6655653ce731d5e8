"""A real ``registry`` server (granian, one worker) whose clock a test moves: the time is
read from a file the test writes, so a browser test can live through a year of a
certificate (surveillance audits, deadlines) in minutes. For tests only: the registry
itself has no way to be told the time.

Run as ``python -m tests.support.clocked --port N`` with ``REGISTRY_*`` settings and
``REGISTRY_TEST_CLOCK_FILE`` in the environment.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path

from litestar import Litestar

from registry.app import create_app
from registry.config import Settings


class FileClock:
    """Now, as the RFC 3339 instant written in a file (whole seconds, UTC)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())

    def set(self, moment: datetime) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(moment.replace(microsecond=0).isoformat(), encoding="utf-8")
        temporary.replace(self.path)


def asgi() -> Litestar:
    """The registry's app with the file's clock (granian's factory)."""
    clock = FileClock(Path(os.environ["REGISTRY_TEST_CLOCK_FILE"]))
    return create_app(Settings.from_env(), clock=clock)


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    Granian(
        "tests.support.clocked:asgi",
        address="127.0.0.1",
        port=args.port,
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
    ).serve()


if __name__ == "__main__":
    main()
