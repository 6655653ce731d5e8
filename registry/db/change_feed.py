"""Committed changes announced to servers on other hosts, through PostgreSQL itself.

A writer calls ``announce`` inside its transaction: PostgreSQL delivers the
notification to every listening connection when, and only if, the transaction commits.
Each server process listens (``listen``) on a connection of its own and empties its
caches when a notification arrives, within milliseconds; servers on the same host learn
of a change sooner still, through the shared stamp file. SQLite has one host by nature,
so both are no-ops there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Final

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session, text

log = logging.getLogger(__name__)

CHANNEL: Final = "registry_changes"
RETRY_SECONDS: Final = 2.0


def announce(session: Session) -> None:
    """Tell every listening server, at commit, that this transaction changed the registry."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def listen(database_url: str, on_change: Callable[[], None]) -> Callable[[], None]:
    """Call ``on_change`` for each change other processes commit; returns ``stop``.

    A thread holds one connection with ``LISTEN``. Each (re)connection also calls
    ``on_change``: changes made while it was away were not heard. Nothing happens for a
    database other than PostgreSQL.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return lambda: None
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    stopping = threading.Event()

    def run() -> None:
        while not stopping.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    on_change()
                    while not stopping.is_set():
                        for _ in connection.notifies(timeout=1.0):
                            on_change()
            except psycopg.Error as error:
                log.warning("change feed lost its connection (%s); retrying", error)
                stopping.wait(RETRY_SECONDS)

    thread = threading.Thread(target=run, name="registry-change-feed", daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=5)

    return stop
