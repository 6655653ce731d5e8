"""Tells every server process on this host, without asking the database, that the
registry changed.

Public answers (certificates, badges, pages, the checkpoint) are kept in memory by each
process (``caches.FreshCache``). A committed write makes them stale, and the next request
to any process must see the change. The signal is eight bytes of a small file mapped into
memory: after each commit the writer puts a fresh random stamp there, and a reader
compares eight bytes with the stamp its cache was filled under, which costs nanoseconds
instead of a database round trip. A random stamp rather than a counter means a file that
is deleted and made again can never repeat a stamp a cache still holds.

Processes on other hosts do not share the file; they see a change once their entries
reach their short maximum age (``Settings.cache_seconds``), as a CDN in front would.
"""

from __future__ import annotations

import mmap
import os
import secrets
from pathlib import Path
from typing import Final

STAMP_BYTES: Final = 8


class ChangeSignal:
    """A stamp that changes whenever the registry commits a change."""

    def __init__(self, path: Path | None = None) -> None:
        """Share the stamp through ``path`` (made when missing), or keep it in this
        process alone when ``path`` is None (tests, one-off commands)."""
        self._stamp: mmap.mmap | bytearray
        if path is None:
            self._stamp = bytearray(secrets.token_bytes(STAMP_BYTES))
            return
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the keys folder by default
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(descriptor).st_size < STAMP_BYTES:
                os.ftruncate(descriptor, STAMP_BYTES)
            self._stamp = mmap.mmap(descriptor, STAMP_BYTES)
        finally:
            os.close(descriptor)  # the mapping keeps the file open
        if bytes(self._stamp[:STAMP_BYTES]) == bytes(STAMP_BYTES):
            self.bump()  # a new file: no cache may match its zeroes

    def stamp(self) -> bytes:
        """The current stamp; equal stamps mean nothing was committed in between."""
        return bytes(self._stamp[:STAMP_BYTES])

    def bump(self) -> None:
        """Say that a change was committed (call it after the commit, never before)."""
        self._stamp[:STAMP_BYTES] = secrets.token_bytes(STAMP_BYTES)
