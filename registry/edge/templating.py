"""The Jinja environment of the public pages: one per language, autoescaping everything.

``autoescape=True`` (not ``select_autoescape``, which skips ``.svg``) escapes every
template, HTML and SVG alike. Text that people typed (names, criteria, reasons) goes
through ``|inert``: escaped, isolated in ``<bdi>`` so that right-to-left text cannot
reorder what surrounds it, and with bidirectional and other control characters shown
as visible ``[U+202E]`` marks, so that an override can never disguise a name or a
domain. ``|plain`` does the same where no markup may go (titles, attributes).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final

from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

import registry
from registry.domain.hosts import unicode_form
from registry.edge import labels
from registry.edge.i18n import Language, local_name, translations
from registry.signing import format_time

# Bidirectional formatting characters (Unicode UAX #9): marks, embeddings, overrides,
# isolates. Line and paragraph separators would break lines where none are meant.
_BIDI: Final = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS: Final = frozenset("\u2028\u2029")
LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "status": labels.STATUS,
    "status_meaning": labels.STATUS_MEANING,
    "dimension": labels.DIMENSION,
    "dimension_question": labels.DIMENSION_QUESTION,
    "method": labels.METHOD,
    "result": labels.RESULT,
    "assessment_type": labels.ASSESSMENT_TYPE,
    "assessment_status": labels.ASSESSMENT_STATUS,
    "membership_status": labels.MEMBERSHIP_STATUS,
    "event": labels.EVENT,
    "domain_source": labels.DOMAIN_SOURCE,
    "claim_state": labels.CLAIM_STATE,
    "key_status": labels.KEY_STATUS,
    "accreditation_status": labels.ACCREDITATION_STATUS,
    "reason": labels.SYSTEM_REASON,
}


STATIC_DIR: Final = Path(__file__).resolve().parent.parent / "static"


@cache
def asset(name: str) -> str:
    """The address of a static file, with a digest of its bytes so caches never go stale."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


def templates_dir() -> Path:
    """``registry/templates`` in an installed wheel, ``templates/`` in a source checkout."""
    package = Path(registry.__file__).resolve().parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise FileNotFoundError(f"no page templates beside {package}")


def visible_controls(value: object) -> str:
    """The text with bidi and control characters replaced by visible ``[U+XXXX]`` marks."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(
        f"[U+{ord(char):04X}]"
        if char in _BIDI
        or char in _SEPARATORS
        or (unicodedata.category(char) == "Cc" and char not in "\n\t")
        else char
        for char in text
    )


def inert(value: object) -> Markup:
    """Untrusted text as isolated, escaped markup."""
    return Markup("<bdi>") + escape(visible_controls(value)) + Markup("</bdi>")


def host(value: str) -> Markup:
    """A stored domain as people read it: Unicode, with the A-label form beside it when
    the Unicode form holds letters that may imitate Latin ones."""
    shown, beside = unicode_form(value)
    markup = inert(shown)
    if beside:
        markup += Markup(' <span class="host-ascii">(') + escape(value) + Markup(")</span>")
    return markup


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


@cache
def environment(language: Language) -> Environment:
    """The environment for one language (translations are installed per environment, so
    concurrent requests in two languages never share one)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    catalogue = translations(language)
    # day-month-year, as the Dutch write it; parsed once (babel parses a locale name anew
    # at every call, about a millisecond: nine dates made a page miss ~10 ms slower)
    locale = Locale.parse("en_GB" if language == "en" else language)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]  # added by jinja2.ext.i18n

    def label(kind: str, value: str) -> str:
        message = LABELS[kind].get(value)
        return catalogue.gettext(message) if message else value

    def show_date(value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = _to_utc(value).date()
        return format_date(value, "long", locale=locale)

    def show_short_date(value: date) -> str:
        return format_date(value, "d MMM y", locale=locale)

    def show_datetime(value: datetime) -> str:
        return format_datetime(_to_utc(value), "d MMMM y, HH:mm 'UTC'", tzinfo=UTC, locale=locale)

    def local(item: object, name: str) -> str:
        return local_name(item, name, language)

    env.filters.update(
        inert=inert,
        host=host,
        plain=visible_controls,
        date=show_date,
        short_date=show_short_date,
        datetime=show_datetime,
        rfc3339=format_time,
    )
    env.globals.update(
        label=label, local=local, asset=asset, lang=language, dimension_order=labels.DIMENSION_ORDER
    )
    return env


def render(language: Language, name: str, context: Mapping[str, Any]) -> str:
    return environment(language).get_template(name).render(context)
