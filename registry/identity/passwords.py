"""Passwords, hashed with Argon2id (RFC 9106) through argon2-cffi.

A person without a password (or an unknown address) still costs one hash check, so the
time of an answer does not tell whether an account exists.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from registry.errors import InvalidInputError

MIN_LENGTH: Final = 12
MAX_LENGTH: Final = 1024  # a hash of a megabyte of "password" is a denial of service


@cache
def _hasher() -> PasswordHasher:
    """argon2-cffi's defaults are Argon2id, 64 MiB, 3 passes, 4 lanes (RFC 9106 §4's
    second recommended option)."""
    return PasswordHasher()


@cache
def _dummy() -> str:
    return _hasher().hash("not a password of anyone")


def check_new(password: str) -> None:
    """Raise InvalidInputError for a password too short or too long to set."""
    if len(password) < MIN_LENGTH:
        raise InvalidInputError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInputError(f"a password has at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_new(password)
    return _hasher().hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (None: always False, at the same cost)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
