"""What the request edges (``api`` and ``web``) read from the running application."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import State

from registry.services.registry import RegistryService


def registry_of(request: Request[object, object, State]) -> RegistryService:
    """The service, for the hot public reads: taken from the app's state directly, which
    skips Litestar's dependency resolution (about 12 us of a 60 us badge)."""
    service: RegistryService = request.app.state.registry
    return service
