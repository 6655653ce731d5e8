"""The base of every input (``*Create``) and output (``*Public``) shape, and the
constrained types they share.

msgspec validates the input at the edge against these constraints, so a service receives
well-formed values and only has to apply the domain's rules. Each feature keeps its own
shapes in its ``schemas.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

import msgspec
from msgspec import Meta

from registry.domain.reasons import Reason
from registry.errors import InvalidInputError

T = TypeVar("T")

Slug = Annotated[str, Meta(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", max_length=64)]
Name = Annotated[str, Meta(min_length=1, max_length=300)]
Text = Annotated[str, Meta(max_length=10_000)]
ShortReason = Annotated[str, Meta(min_length=3, max_length=500)]
Country = Annotated[str, Meta(pattern=r"^[A-Za-z]{2}$")]
CriterionCode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,31}$")]
Sha256Hex = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
Months = Annotated[int, Meta(ge=1, le=120)]


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every request body: unknown fields are refused, not silently dropped."""


class Output(msgspec.Struct, kw_only=True):
    """Base of every response shape.

    Instants are given in whole seconds, as the signed credentials give them, so that one
    instant has one text form (``2026-11-28T14:00:00Z``) wherever the registry shows it.
    """

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime) and value.microsecond:
                setattr(self, name, value.replace(microsecond=0))


ReasonText = Annotated[str, Meta(max_length=500)]


class ReasonInput(Input, kw_only=True):
    """A public reason: ``reason_nl`` (Dutch, required) and ``reason_en`` (English,
    optional; pages in English mark the Dutch text when it is missing). ``reason`` is
    the deprecated single field, still read as ``reason_nl`` for existing clients."""

    reason_nl: ReasonText | None = None
    reason_en: ReasonText | None = None
    reason: ReasonText | None = None

    def given_reason(self) -> Reason:
        """The checked reason. Raises InvalidInputError when Dutch is missing, when both
        ``reason`` and ``reason_nl`` are given and differ, or when a text is too short."""
        return Reason.of(_dutch(self.reason_nl, self.reason), self.reason_en)


class OptionalReasonInput(ReasonInput, kw_only=True):
    """``ReasonInput`` where no reason at all is allowed (a positive decision)."""

    def given_reason(self) -> Reason:
        if not (self.reason_nl or self.reason or self.reason_en):
            return Reason(nl="")
        return super().given_reason()


def _dutch(reason_nl: str | None, reason: str | None) -> str | None:
    if reason_nl and reason and reason_nl.strip() != reason.strip():
        raise InvalidInputError(
            "give reason_nl only: reason is its deprecated alias and differs from it"
        )
    return reason_nl or reason


class Page(Output, Generic[T], kw_only=True):
    """One page of a list; ``next`` is the cursor of the following page, or null."""

    items: list[T]
    next: str | None
