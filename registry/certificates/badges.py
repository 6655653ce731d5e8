"""The live badge: ``/badge/{code}.svg``, the SVG retailers embed on every page.

The badge never claims more than the registry's live status: the status is computed from
the clock, the cache lifetime never outlives the next change by the clock (and stays at
most five minutes, so a suspension shows everywhere within them), and the ``ETag`` is a
digest of the bytes, so it changes with the status and with the domain check.

Domain binding: when ``Referer`` or ``Origin`` names a host the certificate does not
cover, the badge says "not verified for this site" instead of the status, and the showing
is counted (certificate, domain and day; nothing about the visitor). Without either
header the badge shows the status.

The SVG comes from ``templates/badges/badge.svg`` in the autoescaping environment; text
people typed is cleaned first (``badge_text``): controls and bidi characters shown as
visible ``[U+XXXX]`` marks, characters XML cannot carry likewise, and cut with an
ellipsis so that a long name cannot run off the badge.

Over 300 lines: the badge's address parsing, its texts, its rendering and its raw-ASGI
handler are the hottest path and are read together; the binding rule is in
``domain/badge_binding.py``.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from functools import cache, lru_cache
from typing import Any, Final, Literal, cast
from urllib.parse import parse_qs, quote

from litestar import Request
from litestar.types import HTTPScope
from markupsafe import escape

from registry.bootstrap import Services
from registry.certificates.badge_metrics import text_width
from registry.certificates.schemas import CertificatePublic
from registry.domain.badge_binding import embedding_hosts, foreign_host, shown_state
from registry.domain.codes import InvalidCodeError, normalise_code
from registry.domain.hosts import unicode_form
from registry.edge import client_address, http, templating
from registry.edge.answers import Answer, Representation
from registry.edge.app_state import registry_of
from registry.edge.i18n import Language, local_name, translated
from registry.edge.labels import N_
from registry.errors import NotFoundError, RegistryError, UnavailableError

log = logging.getLogger(__name__)

Size = Literal["small", "large"]
Theme = Literal["light", "dark"]
State = Literal[
    "valid",
    "suspended",
    "withdrawn",
    "expired",
    "signature_being_replaced",
    "unknown",
    "foreign",
    "unavailable",
]

BADGE_MAX_AGE: Final = 300  # a suspension shows everywhere within five minutes
SVG: Final = "image/svg+xml"
BADGE_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'"
ELLIPSIS: Final = "\u2026"


@dataclass(frozen=True)
class Box:
    width: int
    height: int
    stripe: int
    left: int
    small_font: int
    status_font: int
    lines: tuple[int, int, int, int]
    chars: int  # the most characters of one line of names

    @property
    def text_width(self) -> float:
        """Room for a line: the text area (``left`` to 6 short of the edge), less 1 on
        each side (a glyph may reach a unit left of its origin)."""
        return self.width - self.left - 6 - 2


@dataclass(frozen=True)
class Line:
    """One line of a badge, sized to fit: its font size, and a ``textLength`` cap when
    even the smallest size would not fit by measure (glyphs outside the measured fonts)."""

    text: str
    size: float
    length: float | None = None


MIN_SCALE: Final = 0.7  # smaller than this stops being readable at badge sizes


def fit(text: str, size: int, room: float, *, bold: bool = False) -> Line:
    """``text`` at ``size``, or smaller down to ``MIN_SCALE`` so that it measures at most
    ``room``, or at that smallest size squeezed into ``room`` by ``textLength``."""
    wide = text_width(text, size, bold=bold)
    if wide <= room:
        return Line(text, size)
    smaller = max(size * MIN_SCALE, math.floor(size * room / wide * 2) / 2)
    if text_width(text, smaller, bold=bold) <= room:
        return Line(text, smaller)
    return Line(text, size * MIN_SCALE, round(room, 1))


BOXES: Final[dict[Size, Box]] = {
    "small": Box(240, 80, 6, 14, 11, 14, (17, 36, 54, 70), 34),
    "large": Box(360, 120, 8, 20, 15, 20, (25, 53, 80, 104), 38),
}
COLOURS: Final[dict[Theme, dict[str, dict[str, str]]]] = {
    "light": {
        "base": {
            "background": "#ffffff",
            "border": "#8a8f98",
            "text": "#1b1f24",
            "muted": "#4a5059",
        },
        "valid": {"stripe": "#1a7f37", "status": "#116329"},
        "suspended": {"stripe": "#9a6700", "status": "#7d4e00"},
        "withdrawn": {"stripe": "#cf222e", "status": "#a40e26"},
        "expired": {"stripe": "#6e7781", "status": "#424a53"},
        "signature_being_replaced": {"stripe": "#bc4c00", "status": "#953800"},
        "unknown": {"stripe": "#6e7781", "status": "#424a53"},
        "foreign": {"stripe": "#cf222e", "status": "#a40e26"},
        "unavailable": {"stripe": "#6e7781", "status": "#424a53"},
    },
    "dark": {
        "base": {
            "background": "#1b1f24",
            "border": "#57606a",
            "text": "#f0f3f6",
            "muted": "#c9d1d9",
        },
        "valid": {"stripe": "#3fb950", "status": "#56d364"},
        "suspended": {"stripe": "#d29922", "status": "#e3b341"},
        "withdrawn": {"stripe": "#f85149", "status": "#ff7b72"},
        "expired": {"stripe": "#8b949e", "status": "#c9d1d9"},
        "signature_being_replaced": {"stripe": "#db6d28", "status": "#ffa657"},
        "unknown": {"stripe": "#8b949e", "status": "#c9d1d9"},
        "foreign": {"stripe": "#f85149", "status": "#ff7b72"},
        "unavailable": {"stripe": "#8b949e", "status": "#c9d1d9"},
    },
}
TEXTS: Final[dict[str, str]] = {
    "valid": N_("Valid"),
    "suspended": N_("Suspended"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "signature_being_replaced": N_("Signature being replaced"),
    "unknown": N_("Not found in the registry"),
    "unavailable": N_("Status unavailable"),
    "foreign": N_("Not verified for this site"),
    "registry": N_("Trust Label Registry"),
    "no_domain": N_("no web domain"),
    "check": N_("check in the trust label registry"),
    "summary": N_("{status}: {scheme} of {holder}"),
    "not_a_code": N_("{registry}: this is not a certificate code"),
    "alt": N_("{scheme} of {holder}: see its live status in the registry"),
}


@cache
def texts_in(language: Language) -> dict[str, str]:
    """The badge's texts in ``language`` (made once per language)."""
    return translated(TEXTS, language)


# Characters XML 1.0 cannot carry at all (§2.2), besides the C0 controls.
_NOT_XML: Final = re.compile("[\ud800-\udfff\ufffe\uffff]")
_SPACES: Final = re.compile(r"[ \t\r\n]+")


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else allowed[0]


def badge_text(value: object, limit: int | None = None) -> str:
    """One line of untrusted text, safe to show: whitespace collapsed, controls, bidi and
    non-XML characters as visible marks, cut at ``limit`` characters with an ellipsis."""
    text = _SPACES.sub(" ", str(value)).strip()
    text = templating.visible_controls(text)
    text = _NOT_XML.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return text


@dataclass(frozen=True)
class BadgeFacts:
    """What one badge shows, before cleaning: the data, not the looks."""

    state: State
    link: str
    scheme: str = ""
    holder: str = ""
    domain: str = ""
    code: str = ""


@dataclass(frozen=True)
class Variant:
    size: Size = "small"
    theme: Theme = "light"
    lang: Language = "nl"

    @classmethod
    def from_query(cls, size: str | None, theme: str | None, lang: str | None) -> Variant:
        """The variant asked for; anything unknown falls back to the default."""
        return cls(
            size=_choice(size, ("small", "large")),  # type: ignore[arg-type]
            theme=_choice(theme, ("light", "dark")),  # type: ignore[arg-type]
            lang=_choice(lang, ("nl", "en")),  # type: ignore[arg-type]
        )


def render_badge(facts: BadgeFacts, variant: Variant) -> str:
    """The SVG of one badge in one variant (pure: no database, no request)."""
    box = BOXES[variant.size]
    texts = texts_in(variant.lang)
    status = texts[facts.state]
    if facts.state in ("unknown", "unavailable"):
        # Nothing read from the registry: only the code asked for, and where to look.
        scheme = texts["registry"]
        holder = facts.code
        domain = texts["check"]
    else:
        scheme = badge_text(facts.scheme, box.chars)
        holder = badge_text(facts.holder, box.chars)
        # Unicode as people type it, unless its letters may imitate Latin ones: then the
        # A-label form, which cannot.
        shown, imitable = unicode_form(facts.domain)
        domain = (
            badge_text(facts.domain if imitable else shown, box.chars)
            if facts.domain
            else texts["no_domain"]
        )
    if facts.state == "unknown" and not facts.code:  # a malformed code names no one
        summary = texts["not_a_code"].format(registry=texts["registry"])
    else:
        summary = texts["summary"].format(
            scheme=badge_text(facts.scheme or texts["registry"], 120),
            holder=badge_text(facts.holder or facts.code or "", 120),
            status=status,
        )
    room = box.text_width
    colours = {**COLOURS[variant.theme]["base"], **COLOURS[variant.theme][facts.state]}
    return templating.render(
        variant.lang,
        "badges/badge.svg",
        {
            "box": asdict(box) | {"lines": box.lines},
            "colours": colours,
            "badge": {
                "state": facts.state,
                "link": facts.link,
                "scheme": fit(scheme, box.small_font, room, bold=True),
                "status": fit(status, box.status_font, room, bold=True),
                "holder": fit(holder, box.small_font, room),
                "domain": fit(domain, box.small_font, room),
                "summary": summary,
            },
        },
    )


def main_domain(certificate: CertificatePublic) -> str:
    """The domain the badge names: the first one audited, else the first declared."""
    audited = [d.domain for d in certificate.domains if d.source == "audited"]
    domains = audited or [d.domain for d in certificate.domains]
    return domains[0] if domains else ""


def _count(registry: Services, code: str, hostname: str, client: str | None) -> None:
    """Count a foreign showing; a host that is no web domain is not counted, and a
    failure to count never breaks the badge."""
    try:
        registry.misuse.count_foreign_badge(code, hostname, client)
    except RegistryError:
        return
    except Exception:  # the badge must answer even when the counter cannot
        log.exception("could not count a foreign badge showing of %s", code)


@dataclass(frozen=True)
class BadgeAddress:
    """What a badge address asks for: the certificate (None when the name is no code)
    and the variant."""

    code: str | None
    variant: Variant


@lru_cache(maxsize=4096)
def badge_address(name: str, query: bytes) -> BadgeAddress:
    """The badge ``/badge/{name}?{query}`` asks for; ``.svg`` is part of the address.
    Kept per address: every page view of a shop asks for the same one again."""
    fields = parse_qs(query.decode("latin-1"), keep_blank_values=True)
    variant = Variant.from_query(
        *(fields.get(field, [None])[0] for field in ("size", "theme", "lang"))
    )
    stem = name[: -len(".svg")] if name.lower().endswith(".svg") else name
    try:
        return BadgeAddress(normalise_code(stem), variant)
    except InvalidCodeError:
        return BadgeAddress(None, variant)


@dataclass(frozen=True)
class Asking:
    """The request headers the badge answer depends on."""

    method: str
    referer: str | None = None
    origin: str | None = None
    if_none_match: str | None = None
    # the client's address is worked out from the scope only when a showing is counted
    scope: Any = dataclass_field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, scope: HTTPScope) -> Asking:
        """Read off the raw header list: cheaper than Litestar's header view, which the
        badge would build for three lookups."""
        found: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            lowered = name.lower()
            if lowered in (b"referer", b"origin", b"if-none-match"):
                found.setdefault(lowered, value.decode("latin-1"))
        return cls(
            scope["method"],
            found.get(b"referer"),
            found.get(b"origin"),
            found.get(b"if-none-match"),
            scope,
        )


def badge_headers(etag: str, max_age: int) -> dict[str, str]:
    """The headers that keep a badge inert and fresh, with its validator."""
    return {
        "content-security-policy": BADGE_CSP,
        "x-content-type-options": "nosniff",
        "etag": etag,
        "cache-control": f"public, max-age={max_age}",
        "vary": "Referer, Origin",
        "cross-origin-resource-policy": "cross-origin",
    }


async def badge_answer(
    registry: Services, address: BadgeAddress, asking: Asking
) -> tuple[Representation, int]:
    """The badge ``address`` asks for, for this request, and its cache lifetime.

    The certificate comes from the service's snapshot and the SVG from a cache of rendered
    badges, both emptied at the next committed change, so a fresh badge costs no database
    read, no template and no thread.
    """
    public = registry.uow.settings.public_url
    canonical, variant = address.code, address.variant
    cache = registry.caches.named("badges")
    if canonical is None:
        facts = BadgeFacts(state="unknown", link=public + "/")
        return cache.fetch(
            ("?", variant), lambda: _rendered(facts, variant)
        ), http.NOT_FOUND_MAX_AGE
    try:
        snapshot = await registry.certificates.certificate_snapshot_soon(canonical)
    except NotFoundError:
        facts = BadgeFacts(state="unknown", link=f"{public}/c/{quote(canonical)}", code=canonical)
        rendered = cache.fetch((canonical, variant, "unknown"), lambda: _rendered(facts, variant))
        return rendered, http.NOT_FOUND_MAX_AGE
    found = snapshot.public
    foreign = None
    if asking.referer or asking.origin:
        foreign = foreign_host(
            embedding_hosts(asking.referer, asking.origin),
            registry.uow.settings.public_host,
            [d.domain for d in found.domains],
        )
    if foreign is not None and asking.method == "GET":
        client = client_address.of_scope(asking.scope or {}, registry.uow.settings)
        _count(registry, canonical, foreign, client)
    state = cast(State, shown_state(found.status, foreign is not None))
    until = snapshot.until

    def render() -> Representation:
        facts = BadgeFacts(
            state=state,
            link=f"{public}/c/{quote(canonical)}",
            scheme=local_name(found.scheme, "name", variant.lang),
            holder=found.holder.legal_name,
            domain=main_domain(found),
            code=canonical,
        )
        return _rendered(facts, variant)

    badge: Representation = cache.fetch((canonical, variant, state), render, lambda _: until)
    return badge, cache.lifetime(until, BADGE_MAX_AGE)


def _rendered(facts: BadgeFacts, variant: Variant) -> Representation:
    """The SVG of ``facts``, rendered once per certificate, variant and state."""
    body = render_badge(facts, variant).encode("utf-8")
    return Representation(
        body,
        etag=http.etag_of(body),
        media_type=SVG,
        headers_of=badge_headers,
        ceiling=BADGE_MAX_AGE,
    )


@http.page_route("/badge/{name:str}", "web:badge", in_thread=False)
async def badge(request: Request[Any, Any, Any]) -> Answer:
    """The live badge of a certificate code; ``.svg`` is part of the address.

    The hottest path of the registry (every page view of every certified shop): it reads
    the path parameter, query and headers off the scope itself and answers a cached badge
    with headers encoded once.
    """
    registry = registry_of(request)
    scope = request.scope
    address = badge_address(scope["path_params"]["name"], scope["query_string"])
    asking = Asking.of(scope)
    try:
        rendered, max_age = await badge_answer(registry, address, asking)
    except UnavailableError as error:
        # Fail closed, in a form a shop's page shows: an image, never a broken one.
        return unavailable_badge(registry, address, asking.method, error.retry_after)
    return rendered.answer(asking.method, asking.if_none_match, max_age)


def unavailable_badge(
    registry: Services, address: BadgeAddress, method: str, retry_after: int
) -> Answer:
    """The badge that says the status cannot be confirmed now (503, never cached): what
    every badge shows once the database has not confirmed its status for
    ``REGISTRY_CACHE_SECONDS``."""
    public = registry.uow.settings.public_url
    code = address.code or ""
    facts = BadgeFacts(
        state="unavailable",
        link=f"{public}/c/{quote(code)}" if code else public + "/",
        code=code,
    )
    body = render_badge(facts, address.variant).encode("utf-8")
    headers = {
        **badge_headers(http.etag_of(body), 0),
        "cache-control": "no-store",
        "retry-after": str(retry_after),
    }
    return Answer(body, headers, media_type=SVG, status=503, head=method == "HEAD")


@dataclass(frozen=True)
class Snippet:
    size: Size
    theme: Theme
    html: str


def embed_snippets(
    public_url: str, code: str, scheme: str, holder: str, lang: Language
) -> list[Snippet]:
    """Ready-to-paste HTML for every size and theme: a link around the badge image. The
    link carries the certificate code and nothing else."""
    canonical = quote(normalise_code(code))
    alt = texts_in(lang)["alt"].format(
        scheme=badge_text(scheme, 120), holder=badge_text(holder, 120)
    )
    snippets = []
    for size in ("small", "large"):
        box = BOXES[size]
        for theme in ("light", "dark"):
            src = (
                f"{public_url}/badge/{canonical}.svg?size={size}&amp;theme={theme}&amp;lang={lang}"
            )
            html = (
                f'<a href="{public_url}/c/{canonical}">'
                f'<img src="{src}" alt="{escape(alt)}" width="{box.width}" height="{box.height}">'
                "</a>"
            )
            snippets.append(Snippet(size=size, theme=theme, html=html))
    return snippets


SNIPPET_TEXTS: Final[dict[str, str]] = {
    "heading": N_("The label on your site"),
    "intro": N_(
        "Do you hold this certificate? Paste one of these pieces of HTML into your site. The badge always shows the live status and links to this page."
    ),
    "small": N_("Small"),
    "large": N_("Large"),
    "light": N_("light"),
    "dark": N_("dark"),
}


@cache
def snippet_texts_in(language: Language) -> dict[str, str]:
    """The texts around the embed snippets in ``language`` (made once per language)."""
    return translated(SNIPPET_TEXTS, language)
