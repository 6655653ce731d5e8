"""Languages of the public pages: Dutch by default, English by choice or by the browser.

The message catalogues are gettext ``.po`` files under ``registry/i18n`` (message ids in
English), compiled in memory with Babel when first used, so that an installed package
needs no build step and a catalogue in git is the one that runs. A public page sets no
cookie: ``?lang=nl|en`` wins, then ``Accept-Language``, then Dutch.

Texts shaped in Python (the badge, the report form) are marked with ``labels.N_`` and
translated with ``translated``: the same catalogue, so the same check covers them.

To refresh the catalogues after changing a template or a label::

    pybabel extract -F registry/i18n/babel.cfg -o registry/i18n/messages.pot .
    pybabel update -i registry/i18n/messages.pot -d registry/i18n
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final, Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Language = Literal["nl", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("nl", "en")
DEFAULT: Final[Language] = "nl"
SOURCE: Final[Language] = "en"  # the language of the message ids
CATALOGUES: Final = Path(__file__).resolve().parent.parent / "i18n"


def catalogue_path(language: Language) -> Path:
    return CATALOGUES / language / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """The compiled catalogue of ``language``; the source language translates to itself.

    Raises FileNotFoundError when a shipped catalogue is missing: a packaging bug.
    """
    if language == SOURCE:
        return gettext.NullTranslations()
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def local_name(item: object, name: str = "name", language: Language = DEFAULT) -> str:
    """A text the data holds in both languages (``name_nl``, ``name_en``) in
    ``language``, Dutch if the other is empty: the one place that picks a field by
    language, for the pages, the badge and the view models alike."""
    return str(getattr(item, f"{name}_{language}", "") or getattr(item, f"{name}_nl"))


def translated(messages: Mapping[str, str], language: Language) -> dict[str, str]:
    """``messages`` (English message ids marked with ``N_``) in ``language``, from the
    catalogue: for texts that Python code shapes (the badge, the report form and its
    outcomes), so that they are extracted and checked like every template text."""
    catalogue = translations(language)
    return {key: catalogue.gettext(message) for key, message in messages.items()}


def negotiate(query: str | None, accept_language: str | None) -> tuple[Language, bool]:
    """The page language and whether the visitor chose it explicitly with ``?lang``.

    ``Accept-Language`` is read by quality (RFC 9110 §12.5.4); the first supported
    primary subtag wins, and a header that names neither language leaves Dutch.
    """
    if query in LANGUAGES:
        return query, True
    return preferred(accept_language) or DEFAULT, False


def api_language(query: str | None, accept_language: str | None) -> Language:
    """The language of an API answer a person may read (a problem's title and detail):
    ``?lang``, else ``Accept-Language``, else English, the API's own language."""
    if query in LANGUAGES:
        return query
    return preferred(accept_language) or "en"


def preferred(accept_language: str | None) -> Language | None:
    """The supported language ``Accept-Language`` prefers, or None when it names none."""
    best: tuple[float, int, Language] | None = None
    for position, item in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        candidate = (-quality, position, primary)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None
