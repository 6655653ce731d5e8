"""People in tests: a person makes their own token, as they would on the account pages.

Only the person a token belongs to can make it, so a test that needs an invited person's
token calls the same use case the account pages call, acting as that person through
their newest active membership.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.bootstrap import Services
from registry.domain.vocabulary import Role
from registry.identity.auth import Actor

OwnToken = Callable[[str], str]


def acting_as(service: Services, pseudonym: str, role: str | None = None) -> Actor:
    """The actor a person is in the portal, through their newest (``role``) membership."""
    return service.identity.accounts.actor_in(pseudonym, Role(role) if role else None)


def own_token_via(service: Services) -> OwnToken:
    """A function that gives a person (by pseudonym) a token they made themselves."""

    def make(pseudonym: str, role: str | None = None, label: str = "t") -> str:
        return service.identity.accounts.create_own_token(
            acting_as(service, pseudonym, role), label
        ).token

    return make  # type: ignore[return-value]


def own_token_of(client: Any) -> OwnToken:
    """``own_token_via`` the service of an in-process test client's application."""
    return own_token_via(client.app.state.services)
