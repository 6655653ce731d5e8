"""Browser sessions of ``/account`` in the ``__Host-session`` cookie.

The cookie holds a random id; the database holds only its SHA-256, the person (once
signed in) and the session's CSRF token. Every sign-in makes a new session and deletes
the one it came from, so an id planted in a browser before sign-in is never promoted.
Public pages never set, read or vary on this cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete
from sqlmodel import Session, col

from registry.db.identity_tables import WebSession
from registry.errors import PermissionDeniedError

COOKIE: Final = "__Host-session"
LIFETIME: Final = timedelta(hours=8)  # a working day; then sign in again
ANONYMOUS_LIFETIME: Final = timedelta(hours=1)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def cookie_header(session_id: str) -> str:
    """The Set-Cookie value: ``__Host-`` demands Secure, Path=/ and no Domain (browsers
    accept Secure cookies from http://localhost, a secure context)."""
    return f"{COOKIE}={session_id}; Path=/; Secure; HttpOnly; SameSite=Strict"


def clearing_header() -> str:
    return f"{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"


def find(session: Session, session_id: str | None, now: datetime) -> WebSession | None:
    """The live session behind a cookie value, or None."""
    if not session_id or len(session_id) > 100:
        return None
    row = session.get(WebSession, _hash(session_id))
    if row is None or row.expires_at <= now:
        return None
    return row


def open_session(
    session: Session, now: datetime, person_id: int | None = None, *, pending: int | None = None
) -> tuple[str, WebSession]:
    """A new session (anonymous, pending a TOTP code, or signed in) and its cookie value."""
    session_id = secrets.token_urlsafe(32)
    lifetime = LIFETIME if person_id is not None else ANONYMOUS_LIFETIME
    row = WebSession(
        id_hash=_hash(session_id),
        person_id=person_id,
        pending_person_id=pending,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.exec(delete(WebSession).where(col(WebSession.expires_at) < now))
    session.flush()
    return session_id, row


def replace(
    session: Session,
    old: WebSession | None,
    now: datetime,
    person_id: int | None = None,
    *,
    pending: int | None = None,
) -> tuple[str, WebSession]:
    """End ``old`` and open a new session: at every change of who is signed in."""
    if old is not None:
        session.delete(old)
        session.flush()
    return open_session(session, now, person_id, pending=pending)


def end(session: Session, row: WebSession) -> None:
    session.delete(row)
    session.flush()


def check_csrf(row: WebSession | None, token: str | None) -> None:
    """Raise unless ``token`` is this session's CSRF token (constant-time compare)."""
    if row is None or not token or not hmac.compare_digest(row.csrf, token):
        raise PermissionDeniedError(
            "the form's security token is missing or wrong: reload the page"
        )
