"""The public web site: pages people read, and the static files they load.

``web_handlers()`` is everything the app registers for it: the page handlers and the
router of ``/static`` (style sheet and the in-browser verification script, served from
our own origin so the pages' Content-Security-Policy can forbid everything else).
"""

from __future__ import annotations

from typing import Any, Final

from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from registry.web.badges import badge
from registry.web.pages import body, certificate, home, log, scheme
from registry.web.report import report
from registry.web.templating import STATIC_DIR

STATIC_MAX_AGE: Final = 3600  # assets are linked with ?v=<digest>, so a change shows at once


def web_handlers() -> list[Any]:
    """The route handlers and routers of the public pages, for ``Litestar(route_handlers=...)``."""
    return [
        home,
        certificate,
        scheme,
        body,
        log,
        badge,
        report,
        create_static_files_router(
            path="/static",
            directories=[STATIC_DIR],
            name="web:static",
            cache_control=CacheControlHeader(public=True, max_age=STATIC_MAX_AGE),
            include_in_schema=False,
        ),
    ]


__all__ = ["STATIC_DIR", "web_handlers"]
