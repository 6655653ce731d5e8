"""Structured logs: one JSON object per event and line, with no secret in it.

A log line is read by machines (shippers, alerting) and by people grepping. JSON keeps
an event on one line whatever its message holds (a name with a line break, a
traceback), and the formatter blanks anything shaped like a registry token, a webhook
secret or a private key before it is written, so a message that quotes one by mistake
does not leak it. The registry never logs visitor addresses: the access log is off and
no handler of a public read logs the client.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any, Final

SECRET_PATTERNS: Final = (
    re.compile(r"tlr_[A-Za-z0-9_-]{8,}"),  # registry bearer tokens
    re.compile(r"whsec_[A-Za-z0-9+/=]{8,}"),  # webhook signing secrets
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S),
)
REDACTED: Final = "[redacted]"


def redact(text: str) -> str:
    """``text`` with every token, webhook secret and private key blanked."""
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message"[, "error"]}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            event["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(event, ensure_ascii=True, separators=(",", ":"))


class TextFormatter(logging.Formatter):
    """Plain text for a person at a terminal, still redacted, still one line an event."""

    def format(self, record: logging.LogRecord) -> str:
        text = redact(super().format(record))
        return text.replace("\r", "\\r").replace("\n", "\\n")


def dict_config(log_format: str = "json", level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` document for the server and its workers."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "registry",
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"registry": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {"registry": handler},
        "root": {"handlers": ["registry"], "level": level},
        "loggers": {
            "_granian": {"handlers": ["registry"], "level": level, "propagate": False},
            "granian.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
