"""A public reason in two languages: Dutch always, English when the writer gave it.

Reasons are shown to consumers on both language versions of every page. Storing one
free-text string made writers pack both languages into it ("NL / EN"), which no page can
show properly; two fields let a page show the language asked for, and say plainly when
the English text is missing instead of silently showing Dutch as if it were English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from registry.domain.text import forbidden_character
from registry.errors import InvalidInputError

MIN_REASON: Final = 3
MAX_REASON: Final = 500


class ReasonError(InvalidInputError):
    """A reason is missing, too short or too long, or holds a refused character."""

    rule = "invalid-input"


@dataclass(frozen=True)
class Reason:
    """``nl`` is required; ``en`` is None when the writer gave no English text."""

    nl: str
    en: str | None = None

    @classmethod
    def of(cls, nl: str | None, en: str | None = None) -> Reason:
        """A checked reason: Dutch of 3 to 500 characters, English empty or likewise.

        Raises ReasonError naming the field (``reason_nl`` or ``reason_en``).
        """
        nl_text = (nl or "").strip()
        en_text = (en or "").strip() or None
        if not nl_text:
            raise ReasonError("reason_nl (the reason in Dutch) is required")
        for field, text in (("reason_nl", nl_text), ("reason_en", en_text)):
            if text is None:
                continue
            if not MIN_REASON <= len(text) <= MAX_REASON:
                raise ReasonError(
                    f"{field} must be {MIN_REASON} to {MAX_REASON} characters, got {len(text)}"
                )
            bad = forbidden_character(text)
            if bad is not None:
                raise ReasonError(f"{field} holds a character the registry refuses: {bad}")
        return cls(nl=nl_text, en=en_text)

    @classmethod
    def stored(cls, nl: str, en: str | None) -> Reason:
        """A reason read back from storage (already checked; empty for none)."""
        return cls(nl=nl, en=en or None)

    def shown(self, language: str) -> tuple[str, bool]:
        """The text for a page in ``language`` and whether it stands in for missing
        English (the page then marks it "English not provided")."""
        if language == "en":
            if self.en:
                return self.en, False
            return self.nl, bool(self.nl)
        return self.nl, False

    def __bool__(self) -> bool:
        return bool(self.nl)


NO_REASON: Final = Reason(nl="")
