"""Time tokens of the public forms are spent once per client: a second post with the
same token from the same address is refused, so a token collected from a page cannot
carry a flood of posts.

Pages are served from memory, so visitors in the same minute may get the same token;
it is therefore spent per client (the day-salted hash of its address), not globally. A
spent token is a row of the shared rate table (scope ``form-token``, the SHA-256 of the
token and the client hash, the time it was issued), so every server process sees it;
rows go with the rate table's hourly cleanup, after the token has expired anyway.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Final

from sqlmodel import Session

from registry.db.dialect import dialect_insert
from registry.db.tables import ClientRate
from registry.errors import InvalidInputError

SCOPE: Final = "form-token"


class FormTokenSpentError(InvalidInputError):
    """The form's token was used before: the form must be loaded again."""

    rule = "form-token-spent"


def spend(session: Session, token: str, client_hash: str) -> None:
    """Mark ``token`` as used by the client; raises FormTokenSpentError when it already was (and the
    caller's transaction, which stores what the form sent, rolls back with it)."""
    issued_text = token.partition(".")[0]
    issued = int(issued_text) if issued_text.isdigit() and len(issued_text) <= 12 else 0
    table = ClientRate.__table__  # type: ignore[attr-defined]
    digest = hashlib.sha256(f"{token}\n{client_hash}".encode()).hexdigest()
    statement = (
        dialect_insert(session, table)
        .values(
            scope=SCOPE,
            client_hash=digest,
            window_start=datetime.fromtimestamp(issued, UTC),
            count=1,
        )
        .on_conflict_do_update(
            index_elements=["scope", "client_hash", "window_start"],
            set_={"count": table.c["count"] + 1},
        )
        .returning(table.c["count"])
    )
    if int(session.execute(statement).scalar_one()) != 1:
        raise FormTokenSpentError("this form was sent before; load the page again")
