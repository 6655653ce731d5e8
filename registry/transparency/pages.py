"""The log page: the latest checkpoint, recent entries, and how to monitor the log."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request

from registry.edge.answers import Answer
from registry.edge.pages import page_context, page_in_thread, render
from registry.errors import RegistryError
from registry.transparency.service import TransparencyService


@page_in_thread("/log", "web:log")
def log(request: Request[Any, Any, Any], transparency: TransparencyService) -> Answer:
    """The log for people: the latest checkpoint, recent entries, how to monitor it."""
    page = page_context(request)
    checkpoint, entries = _log_head(transparency)
    return render(
        request,
        page,
        "log/log.html",
        checkpoint=checkpoint,
        entries=entries,
        public_url=transparency.uow.settings.public_url,
        witnesses=transparency.witness_status(),
    )


def _log_head(
    transparency: TransparencyService, recent: int = 20
) -> tuple[str, list[dict[str, Any]]]:
    """The latest signed checkpoint's text and its last entries ("" and [] before any)."""
    try:
        checkpoint = transparency.log_checkpoint()
    except RegistryError:
        return "", []
    lines = checkpoint.split("\n")
    size = int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else 0
    if size == 0:
        return checkpoint, []
    entries: list[dict[str, Any]] = []
    for item in transparency.log_entries(max(0, size - recent), size).items:
        try:
            document = json.loads(item.entry)
        except ValueError:
            continue
        if isinstance(document, dict):
            data = document.get("data")
            entries.append(
                {
                    "index": item.index,
                    "type": str(document.get("type", "")),
                    "time": str(document.get("time", "")),
                    "code": str(data.get("code", "")) if isinstance(data, dict) else "",
                }
            )
    return checkpoint, list(reversed(entries))
