"""``registry serve`` for the browser tests while ``create_app`` lacks the pages.

Serves ``registry.app.asgi()`` with granian exactly as ``registry serve`` does, adding the
page handlers only if the app does not register them itself.
"""

from __future__ import annotations

import sys

from granian import Granian
from granian.constants import Interfaces
from litestar import Litestar

from registry.app import asgi
from registry.web import web_handlers


def app() -> Litestar:
    served = asgi()
    if not any(route.path == "/c/{code:str}" for route in served.routes):
        for handler in web_handlers():
            served.register(handler)
    return served


if __name__ == "__main__":
    Granian(
        "tests.browser.serve_with_pages:app",
        address="127.0.0.1",
        port=int(sys.argv[1]),
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
    ).serve()
