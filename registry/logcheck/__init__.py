"""Independent checks of the transparency log: from the database, from outside, offline.

- :func:`verify_log` recomputes the whole log from the stored entries
  (``registry log verify``);
- :func:`monitor_once` watches a running registry over HTTP (``registry log monitor``);
- :func:`check_inclusion` proves a credential's log entry from a proof bundle, offline
  (``registry verify FILE --proof BUNDLE``).
"""

from __future__ import annotations

from registry.logcheck.database import LogReport, RightEdge, verify_log
from registry.logcheck.errors import LogCheckError
from registry.logcheck.inclusion import LoggedCredential, check_inclusion
from registry.logcheck.monitor import (
    MonitorResult,
    MonitorState,
    http_fetcher,
    monitor_once,
    read_vkey,
)
from registry.logcheck.tilecheck import Fetch, check_entries

__all__ = [
    "Fetch",
    "LogCheckError",
    "LogReport",
    "LoggedCredential",
    "MonitorResult",
    "MonitorState",
    "RightEdge",
    "check_entries",
    "check_inclusion",
    "http_fetcher",
    "monitor_once",
    "read_vkey",
    "verify_log",
]
