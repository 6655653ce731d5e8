"""What the request edges read from the running application."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import State

from registry.bootstrap import Services


def registry_of(request: Request[object, object, State]) -> Services:
    """The feature services, for the hot public reads: taken from the app's state
    directly, which skips Litestar's dependency resolution (about 12 us of a 60 us badge)."""
    services: Services = request.app.state.services
    return services
