"""Dependencies of the JSON API: the registry service and the calling actor."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import State

from registry.errors import AuthenticationError
from registry.services.auth import Actor
from registry.services.registry import RegistryService


def provide_registry(state: State) -> RegistryService:
    service: RegistryService = state.registry
    return service


def provide_actor(request: Request[object, object, State], registry: RegistryService) -> Actor:
    """The actor behind ``Authorization: Bearer <token>``; anything else is a 401."""
    header = request.headers.get("authorization")
    if not header:
        raise AuthenticationError("this needs a bearer token: send 'Authorization: Bearer <token>'")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
    return registry.authenticate(token.strip())
