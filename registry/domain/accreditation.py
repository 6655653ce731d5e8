"""The accreditation window: a body may audit under a scheme only on days its
accreditation covers, the first and the last day included."""

from __future__ import annotations

from datetime import date

from registry.errors import InvalidInputError


def covers(valid_from: date, valid_until: date, day: date) -> bool:
    """Whether an accreditation valid from ``valid_from`` to ``valid_until`` covers
    ``day``: both ends inclusive (the SQL in ``bodies.store.accredited_on`` says the same,
    and a test holds it to this function)."""
    return valid_from <= day <= valid_until


def check_window(valid_from: date, valid_until: date) -> None:
    """An accreditation's window ends after it starts; raises InvalidInputError if not."""
    if valid_until <= valid_from:
        raise InvalidInputError(
            f"accreditation valid_until ({valid_until}) must be after valid_from ({valid_from})"
        )
