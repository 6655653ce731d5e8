"""Domain control validation: what a holder publishes to prove a web domain is theirs,
and when the registry looks again.

A claim is ``pending`` until a check finds the claim's token: a TXT record at
``_keurmerk.<A-label domain>`` whose value is ``keurmerk-verification=<token>``, or
``https://<domain>/.well-known/keurmerk/<token>`` answering 200 with the token as its body.
A verified claim is checked again after ``REVALIDATE_AFTER``; one that stops passing falls
back to ``pending``. A claim that a check did not confirm is ``failed``, with the reason
shown to its holder, and is retried on a widening schedule until ``GIVE_UP_AFTER``.
Only a verified claim binds the badge, and only once staff approved it when another
organisation's certificate already covered the domain.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

TOKEN_BITS: Final = 128
TXT_LABEL: Final = "_keurmerk"
TXT_PREFIX: Final = "keurmerk-verification="
WELL_KNOWN: Final = "/.well-known/keurmerk/"
REVALIDATE_AFTER: Final = timedelta(days=90)
GIVE_UP_AFTER: Final = timedelta(days=30)
RETRY_WAITS: Final = (
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
)
MAX_CLAIMS_PER_CERTIFICATE: Final = 20


class ClaimState(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    FAILED = "failed"


class Method(StrEnum):
    DNS = "dns"
    HTTP = "http"


class Review(StrEnum):
    """Staff review of a claim on a domain another organisation's certificate covers."""

    REQUIRED = "required"
    APPROVED = "approved"
    REFUSED = "refused"


def new_token() -> str:
    """128 random bits, base64url without padding (22 characters)."""
    raw = secrets.token_bytes(TOKEN_BITS // 8)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def txt_name(domain: str) -> str:
    """Where the TXT record of ``domain`` (an A-label name) lives."""
    return f"{TXT_LABEL}.{domain}"


def txt_value(token: str) -> str:
    return TXT_PREFIX + token


def http_path(token: str) -> str:
    return WELL_KNOWN + token


def txt_proves(records: list[str], token: str) -> bool:
    """Whether one TXT record (its strings joined, RFC 7208 §3.3 style) is exactly the
    claim's value, up to surrounding spaces. Nothing published proves nothing."""
    wanted = txt_value(token)
    return any(record.strip() == wanted for record in records)


def body_proves(body: bytes, token: str) -> bool:
    """Whether an HTTP answer's body is the token (a trailing newline allowed)."""
    return body.strip() == token.encode("ascii")


def domain_digest(domain: str) -> str:
    """The SHA-256 of the domain, hex: how the log names a domain nobody has proved yet,
    so that a claim on someone else's domain publishes no statement about it."""
    return hashlib.sha256(domain.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What one check found: the method that proved control, or why none did."""

    method: Method | None
    reason: str = ""

    @property
    def passed(self) -> bool:
        return self.method is not None


def next_retry(attempts: int, now: datetime) -> datetime | None:
    """When to check an unproven claim again after ``attempts`` failed checks in a row,
    or None once the waits add up to ``GIVE_UP_AFTER`` (the holder can still ask)."""
    if attempts < 1:
        raise ValueError(f"a retry follows a check: attempts must be at least 1, got {attempts}")
    waited = sum(RETRY_WAITS[: min(attempts, len(RETRY_WAITS))], timedelta())
    waited += RETRY_WAITS[-1] * max(0, attempts - len(RETRY_WAITS))
    if waited > GIVE_UP_AFTER:
        return None
    return now + RETRY_WAITS[min(attempts, len(RETRY_WAITS)) - 1]


def revalidation_due(verified_at: datetime) -> datetime:
    return verified_at + REVALIDATE_AFTER


def binds(state: str, review: str | None) -> bool:
    """Whether a claim binds the badge: verified, and approved when review was needed."""
    return state == ClaimState.VERIFIED and review in (None, Review.APPROVED)
