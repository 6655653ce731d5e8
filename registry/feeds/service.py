"""The feeds' use case: read one scope's status changes under one read and render them.

The HTTP side keeps the rendered bytes until the next committed change; this module
knows nothing of HTTP.
"""

from __future__ import annotations

from typing import Literal

from registry.feeds import queries, render
from registry.feeds.queries import FeedScope
from registry.transparency import journal
from registry.transparency.unit_of_work import UnitOfWork

FeedKind = Literal["atom", "json"]


class FeedService:
    """Feeds over the registry's store and log origin."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def feed(self, scope: FeedScope, kind: FeedKind) -> bytes:
        """The feed of ``scope`` as Atom or JSON Feed; NotFoundError for an unknown scope."""
        with self.uow.db.read() as session:
            data = queries.feed(session, scope)
            authority = render.tag_authority(journal.origin(session))
        base = self.uow.settings.public_url
        return (render.atom if kind == "atom" else render.json_feed)(data, scope, base, authority)
