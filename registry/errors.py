"""The registry's error family.

Every error that a person may see derives from :class:`RegistryError`; its ``detail``
is safe to show to anyone (it never carries key material or internals). The one mapping
to HTTP lives at the web edge (``registry.edge.problems``), which turns ``kind`` into a
status and ``rule`` into the problem type.

    RegistryError
    ├── InvalidInputError        400  malformed or inconsistent input
    ├── AuthenticationError      401  no or bad bearer token
    ├── PermissionDeniedError    403  the token's role or party may not do this
    ├── NotFoundError            404
    ├── ConflictError            409  the state forbids it (immutable, final status, ...)
    ├── RuleViolationError       422  a domain rule refused the request; ``rule`` names it
    ├── RateLimitedError         429  too many requests from one client (``Retry-After``)
    └── UnavailableError         503  the database cannot confirm an answer now (``Retry-After``)
"""

from __future__ import annotations

import enum
from typing import ClassVar


class ErrorKind(enum.Enum):
    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    RULE = "rule"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"


class RegistryError(Exception):
    """Base error; ``detail`` is safe to show to anyone."""

    kind: ClassVar[ErrorKind] = ErrorKind.INVALID
    rule: ClassVar[str] = "invalid-input"

    def __init__(
        self, detail: str, *, rule: str | None = None, fields: tuple[str, ...] = ()
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        # What the error is about (criterion codes of an assessment, say), so that a form
        # can show it beside those fields; the API keeps ``detail`` alone.
        self.fields = fields
        if rule is not None:
            self.rule = rule  # type: ignore[misc]  # per-instance rule name overrides the class default

    def __str__(self) -> str:
        return self.detail

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries beside the problem document (none by default)."""
        return {}


class InvalidInputError(RegistryError):
    kind = ErrorKind.INVALID
    rule = "invalid-input"


class AuthenticationError(RegistryError):
    kind = ErrorKind.UNAUTHENTICATED
    rule = "unauthenticated"


class PermissionDeniedError(RegistryError):
    kind = ErrorKind.FORBIDDEN
    rule = "forbidden"


class NotFoundError(RegistryError):
    kind = ErrorKind.NOT_FOUND
    rule = "not-found"


class ConflictError(RegistryError):
    kind = ErrorKind.CONFLICT
    rule = "conflict"


class RuleViolationError(RegistryError):
    """A domain rule refused the request; ``rule`` is its stable, documented name."""

    kind = ErrorKind.RULE
    rule = "rule-violation"


class RateLimitedError(RegistryError):
    """Too many requests from one client: 429, with ``Retry-After`` in seconds."""

    kind = ErrorKind.RATE_LIMITED
    rule = "rate-limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class UnavailableError(RegistryError):
    """The database cannot be read or written now, so no status can be confirmed: the
    registry fails closed (503, ``Retry-After``) rather than answer from old memory."""

    kind = ErrorKind.UNAVAILABLE
    rule = "unavailable"
    retry_after = 10

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
