"""Certificate status: what is stored, what a reader sees, and which moves are allowed.

The status a reader sees is computed from the stored status and the clock: ``valid_until``
is an exclusive instant, so a certificate is expired from ``now >= valid_until`` whether or
not the sweep has run. Precedence: withdrawn over expired over suspended over valid.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from registry.errors import ConflictError, InvalidInputError


class CertificateStatus(StrEnum):
    """A certificate's status; the values are what the API, the log and the database carry."""

    VALID = "valid"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


# Statuses after which a certificate backs nothing any more: no badge snippet is offered
# and a search says what it covered, not what it covers.
ENDED: Final = frozenset({CertificateStatus.WITHDRAWN, CertificateStatus.EXPIRED})


class Transition(StrEnum):
    """A move between statuses; each is one event in the log."""

    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    RENEW = "renew"


class StatusTransitionError(ConflictError):
    """The certificate's status does not allow the requested move."""

    rule = "status-transition"


class NaiveDatetimeError(InvalidInputError):
    """A time without a zone: comparing it with ``valid_until`` would guess the zone."""

    rule = "naive-datetime"


_S = CertificateStatus
_ALLOWED: Final[dict[Transition, tuple[frozenset[CertificateStatus], CertificateStatus]]] = {
    Transition.SUSPEND: (frozenset({_S.VALID}), _S.SUSPENDED),
    Transition.REINSTATE: (frozenset({_S.SUSPENDED}), _S.VALID),
    Transition.WITHDRAW: (frozenset({_S.VALID, _S.SUSPENDED}), _S.WITHDRAWN),
    Transition.EXPIRE: (frozenset({_S.VALID, _S.SUSPENDED}), _S.EXPIRED),
    Transition.RENEW: (frozenset({_S.VALID, _S.SUSPENDED, _S.EXPIRED}), _S.VALID),
}
_SECOND: Final = timedelta(seconds=1)


def effective_status(
    stored: CertificateStatus, valid_until: datetime, now: datetime
) -> CertificateStatus:
    """The status a reader sees now: the stored status, overtaken by expiry.

    Raises NaiveDatetimeError when either time has no zone.
    """
    stored = CertificateStatus(stored)  # a plain string from storage compares as the member
    valid_until, now = _utc(valid_until=valid_until, now=now)
    if stored is CertificateStatus.WITHDRAWN:
        return CertificateStatus.WITHDRAWN
    if stored is CertificateStatus.EXPIRED or now >= valid_until:
        return CertificateStatus.EXPIRED
    return stored


SIGNATURE_BEING_REPLACED: Final = "signature_being_replaced"
"""The status shown, in place of valid, while a certificate's credential was signed by a
key compromised at or before the signature and no new credential has replaced it yet."""


def signature_being_replaced(compromised_at: datetime | None, signed_at: datetime) -> bool:
    """Whether a credential signed at ``signed_at`` by a key compromised since
    ``compromised_at`` (None: not compromised) must be replaced.

    The same rule as the registry's signature check: only a signature from strictly
    before the compromise still vouches. Raises NaiveDatetimeError for a time without a zone.
    """
    if compromised_at is None:
        return False
    for name, value in (("signed_at", signed_at), ("compromised_at", compromised_at)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"{name} must carry a time zone, got {value.isoformat()}")
    return not signed_at.astimezone(UTC) < compromised_at.astimezone(UTC)


def shown_status(effective: CertificateStatus, replacing_signature: bool) -> str:
    """What the page headline, the badge and the API say: the effective status, except
    that a valid certificate whose credential is being replaced is not called valid.

    The certificate stays what the audit made it (suspended, withdrawn and expired are
    shown as they are); only the credential failed.
    """
    effective = CertificateStatus(effective)
    if replacing_signature and effective is CertificateStatus.VALID:
        return SIGNATURE_BEING_REPLACED
    return effective.value


def blocks_changes(effective: CertificateStatus) -> bool:
    """Withdrawn blocks changes: a withdrawn certificate's history ends with the
    withdrawal, so no audit continues it, no surveillance is recorded and its scope stays."""
    return CertificateStatus(effective) is CertificateStatus.WITHDRAWN


def apply_transition(effective: CertificateStatus, transition: Transition) -> CertificateStatus:
    """The status after the transition, from the status a reader sees now.

    Withdrawn is final. Renewal (a positive recertification) restores valid, even after
    expiry. The sweep records an expiry the clock has already made effective, so it passes
    the stored status with ``Transition.EXPIRE``; everyone else passes the effective status,
    so that nobody suspends or withdraws a certificate that has already expired.
    Raises StatusTransitionError for any other move.
    """
    effective, transition = CertificateStatus(effective), Transition(transition)
    sources, target = _ALLOWED[transition]
    if effective not in sources:
        raise StatusTransitionError(f"cannot {transition} a certificate that is {effective}")
    return target


def seconds_until_change(
    stored: CertificateStatus, valid_until: datetime, now: datetime
) -> int | None:
    """Whole seconds until the clock alone changes the effective status; None if it never will.

    Rounded down, so that a cache lifetime taken from it never outlives ``valid_until``.
    Only expiry is driven by the clock; every other change is an event that must purge caches
    itself. Raises NaiveDatetimeError when either time has no zone.
    """
    status = effective_status(stored, valid_until, now)
    if status in (CertificateStatus.WITHDRAWN, CertificateStatus.EXPIRED):
        return None
    valid_until, now = _utc(valid_until=valid_until, now=now)
    return (valid_until - now) // _SECOND


def _utc(*, valid_until: datetime, now: datetime) -> tuple[datetime, datetime]:
    """Both times in UTC; raises NaiveDatetimeError for a time without a zone.

    Python compares and subtracts two datetimes that share a tzinfo by their wall clocks,
    which is off by the DST shift around a change; in UTC they compare as instants.
    """
    for name, value in (("valid_until", valid_until), ("now", now)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"{name} must carry a time zone, got {value.isoformat()}")
    return valid_until.astimezone(UTC), now.astimezone(UTC)
