"""Failed sign-ins slow the next try, per account and per client, and lock an account.

After ``FREE`` failures within ``WINDOW``, each further try must wait twice as long as
the one before (1 s, 2 s, 4 s, up to ``MAX_DELAY``) after the last failure. After
``LOCK_AFTER`` failures of one account within ``WINDOW`` that account's password and
TOTP sign-in is locked for ``LOCK_FOR``. A passkey sign-in is never slowed by account
nor stopped by a lock: it cannot be guessed, and so nobody can lock staff out from
outside by typing wrong passwords for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from registry.db.identity_tables import SignInFailure

WINDOW: Final = timedelta(minutes=15)
FREE: Final = 3
MAX_DELAY: Final = 60.0
LOCK_AFTER: Final = 10
LOCK_FOR: Final = timedelta(minutes=15)


def _recent(
    session: Session, column: str, value: str, since: datetime
) -> tuple[int, datetime | None]:
    where = col(getattr(SignInFailure, column)) == value
    count, last = session.exec(
        select(func.count(), func.max(SignInFailure.at)).where(where, SignInFailure.at > since)
    ).one()
    return int(count), last


def wait_seconds(
    session: Session, account: str, client: str, now: datetime, *, since: datetime | None = None
) -> float:
    """Seconds to wait before the next try of ``account`` from ``client`` (0: go ahead).

    ``since`` excludes failures before a lock that has ended."""
    start = max(now - WINDOW, since) if since else now - WINDOW
    wait = 0.0
    for column, value in (("account", account), ("client", client)):
        count, last = _recent(session, column, value, start)
        if count >= FREE and last is not None:
            delay = min(2.0 ** (count - FREE), MAX_DELAY)
            wait = max(wait, (last - now).total_seconds() + delay)
    return max(0.0, wait)


def record_failure(
    session: Session, account: str, client: str, now: datetime, *, since: datetime | None = None
) -> bool:
    """Count a failure; True when the account has now failed ``LOCK_AFTER`` times."""
    session.add(SignInFailure(account=account[:254], client=client[:64], at=now))
    session.flush()
    start = max(now - WINDOW, since) if since else now - WINDOW
    count, _ = _recent(session, "account", account, start)
    return count >= LOCK_AFTER


def forget(session: Session, account: str, now: datetime) -> None:
    """A successful sign-in clears the account's failures; old rows of anyone go too."""
    session.exec(delete(SignInFailure).where(col(SignInFailure.account) == account))
    session.exec(delete(SignInFailure).where(col(SignInFailure.at) < now - WINDOW))
