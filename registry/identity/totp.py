"""TOTP (RFC 6238, 30-second steps, six digits) through pyotp: the second factor for
people without a passkey. A code is accepted once: the step it matched is remembered."""

from __future__ import annotations

from datetime import datetime
from typing import Final

import pyotp

STEP: Final = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (as a QR code or typed)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to (now, one before or one after, for clock drift),
    or None when it matches none or was already used."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP
    for step in (current, current - 1, current + 1):
        if totp.at(step * STEP) == code and (last_step is None or step > last_step):
            return step
    return None
