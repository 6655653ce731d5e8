"""Running a coroutine from a synchronous test, whatever loop the suite's thread holds.

Playwright's synchronous API keeps an event loop running in the main thread for as long
as a browser fixture lives, so ``anyio.run`` or ``asyncio.run`` there fails with
"Cannot run the event loop while another loop is running"; a thread of its own has none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

T = TypeVar("T")


def run_apart(go: Callable[[], Awaitable[T]]) -> T:
    """Run ``go`` to its end on an event loop of its own thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, go).result()
