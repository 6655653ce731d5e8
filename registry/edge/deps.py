"""Dependencies of the handlers: each feature's service, and the calling actor.

A controller names the service it uses (``schemes: SchemeService``) and gets the one
built for this process (``bootstrap.Services``), from the app's state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide

from registry.bootstrap import Services
from registry.errors import AuthenticationError
from registry.identity.auth import Actor

FEATURES = (
    "identity",
    "schemes",
    "bodies",
    "certification",
    "certificates",
    "domains",
    "transparency",
    "webhooks",
    "misuse",
    "organisations",
    "search",
)


def provide_registry(state: State) -> Services:
    services: Services = state.services
    return services


def _provider(feature: str) -> Callable[[State], Any]:
    def provide(state: State) -> Any:
        return getattr(state.services, feature)

    provide.__name__ = f"provide_{feature}"
    return provide


def provide_actor(request: Request[object, object, State]) -> Actor:
    """The actor behind ``Authorization: Bearer <token>``; anything else is a 401."""
    header = request.headers.get("authorization")
    if not header:
        raise AuthenticationError("this needs a bearer token: send 'Authorization: Bearer <token>'")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
    services: Services = request.app.state.services
    return services.identity.authenticate(token.strip())


def dependencies() -> dict[str, Provide]:
    """What the app injects: ``registry`` (all services, for the pages), one service per
    feature under its name, and ``actor``."""
    provided = {feature: Provide(_provider(feature), sync_to_thread=False) for feature in FEATURES}
    provided["registry"] = Provide(provide_registry, sync_to_thread=False)
    provided["actor"] = Provide(provide_actor, sync_to_thread=True)
    return provided
