"""The portals' page handlers: ``/account/auditor``, ``/account/body``, ``/account/staff``."""

from __future__ import annotations

from typing import Any

from registry.portals.pages.auditor import auditor_handlers
from registry.portals.pages.body import body_handlers
from registry.portals.pages.staff import staff_handlers


def portal_handlers() -> list[Any]:
    """The route handlers of the three portals, for ``Litestar(route_handlers=...)``."""
    return [*auditor_handlers(), *body_handlers(), *staff_handlers()]
