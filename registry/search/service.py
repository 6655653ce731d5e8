"""Search for the public site: one box for a code, a name, a KvK number or a web address.

What the text is decides how it is looked up, each time through an index:

- a certificate code (``is_code_like``): normalised with ``normalise_code``, so case,
  spaces, hyphens and I/L/O mix-ups do not matter; a code whose check character does not
  match is reported as mistyped (no other code is guessed: the typo may be anywhere);
- eight digits, with spaces or dots as people write them: a KvK number;
- a host name or an http(s) URL: the certificates that cover that domain, up to case,
  IDNA and one ``www.`` (``host_key``); a domain no certificate covers is an answer in
  itself ("not certified"), so it never falls back to a name search that could show a
  look-alike organisation;
- anything else: organisation names, by word starts, ignoring case and accents
  ("cafe zo" finds "Café Zoë"). SQLite uses the FTS5 table ``organisation_name_fts``
  (unicode61 tokenizer, diacritics removed); PostgreSQL a trigram index on
  ``registry_fold(legal_name)`` (``lower(unaccent(...))``) queried with a word-start regex
  per word. Both are kept in step with ``organisation`` by the database itself (migration
  0003), so no write path has to remember the index.

The status of every hit is computed from the clock, as everywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import ColumnElement, Integer, and_, func, literal, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from registry.certificates.schemas import BodyRef, SchemeRef
from registry.clock import Clock
from registry.db.database import Database
from registry.db.tables import (
    Body,
    Certificate,
    CertificateDomain,
    Organisation,
    Scheme,
    SchemeVersion,
)
from registry.domain.codes import ALPHABET, InvalidCodeError, is_code_like, normalise_code
from registry.domain.hosts import InvalidDomainError, host_key
from registry.domain.kvk import InvalidRegistrationNumberError, normalise_registration_number
from registry.domain.status import CertificateStatus, effective_status
from registry.edge.schemas import Output
from registry.schemes.store import scheme_by_slug

MAX_QUERY: Final = 200
MAX_WORDS: Final = 6
MAX_HITS: Final = 50
_WORD: Final = re.compile(r"[^\W_]+")
_KVK_SHAPE: Final = re.compile(r"[0-9][0-9 .]*")
_URL_SHAPE: Final = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)

Kind = Literal["empty", "code", "registration_number", "domain", "name"]
CodeProblem = Literal["", "mistyped", "malformed"]


class SearchHit(Output, kw_only=True):
    """One certificate in a result list: enough to show its status at a glance."""

    code: str
    status: Literal["valid", "suspended", "withdrawn", "expired"]
    valid_until: datetime
    holder: str
    country: str
    registration_number: str
    scheme: SchemeRef
    scheme_version: int
    body: BodyRef
    domain_source: Literal["audited", "holder"] | None = None


class SearchOutcome(Output, kw_only=True):
    """What the text was taken for, what it normalised to, and the certificates found.

    ``problem`` explains a refused code or web address (``code_problem`` says which
    kind for a code); ``hits`` may still hold name matches then, because a text such as
    "TL Webshop" looks like a code and is a name.
    """

    query: str
    kind: Kind
    normalised: str = ""
    code_problem: CodeProblem = ""
    problem: str = ""
    hits: list[SearchHit]
    more: bool = False


class Search:
    """The public search use cases, each in one read transaction."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def find(self, query: str) -> SearchOutcome:
        with self.db.read() as session:
            return find(session, query, self.clock())

    def body_certificates(self, slug: str) -> list[SearchHit]:
        with self.db.read() as session:
            return body_certificates(session, slug, self.clock())

    def scheme_certificates(self, slug: str) -> list[SearchHit]:
        with self.db.read() as session:
            return scheme_certificates(session, slug, self.clock())


def find(session: Session, query: str, now: datetime) -> SearchOutcome:
    """The certificates the text names; never raises for what a person may type."""
    text_ = unicodedata.normalize("NFKC", query).strip()[:MAX_QUERY]
    if not text_:
        return SearchOutcome(query=query, kind="empty", hits=[])
    if is_code_like(text_):
        return _by_code(session, text_, now)
    if _KVK_SHAPE.fullmatch(text_) and sum(c.isdigit() for c in text_) == 8:
        try:
            number = normalise_registration_number("NL", text_)
        except InvalidRegistrationNumberError:
            pass
        else:
            hits, more = _hits(session, col(Organisation.registration_number) == number, now)
            return SearchOutcome(
                query=text_, kind="registration_number", normalised=number, hits=hits, more=more
            )
    if _looks_like_address(text_):
        outcome = _by_domain(session, text_, now)
        if outcome is not None:
            return outcome
    hits, more = _by_name(session, text_, now)
    return SearchOutcome(query=text_, kind="name", hits=hits, more=more)


def body_certificates(session: Session, slug: str, now: datetime) -> list[SearchHit]:
    """Every certificate a body issued, by holder name."""
    hits, _ = _hits(session, col(Body.slug) == slug, now, limit=1000)
    return hits


def scheme_certificates(session: Session, slug: str, now: datetime) -> list[SearchHit]:
    """Every certificate under any version of a scheme, by holder name."""
    scheme = scheme_by_slug(session, slug)
    hits, _ = _hits(session, col(Scheme.id) == scheme.id, now, limit=1000)
    return hits


def _by_code(session: Session, text_: str, now: datetime) -> SearchOutcome:
    try:
        code = normalise_code(text_)
    except InvalidCodeError as error:
        problem: CodeProblem = "mistyped" if only_check_is_wrong(text_) else "malformed"
        hits, more = _by_name(session, text_, now)
        return SearchOutcome(
            query=text_,
            kind="code",
            code_problem=problem,
            problem=error.detail,
            hits=hits,
            more=more,
        )
    hits, more = _hits(session, col(Certificate.code) == code, now)
    return SearchOutcome(query=text_, kind="code", normalised=code, hits=hits, more=more)


def only_check_is_wrong(text_: str) -> bool:
    """Whether some other last character would make a valid code: then only it is wrong."""
    stem = text_.rstrip()[:-1]
    for char in ALPHABET:
        try:
            normalise_code(stem + char)
        except InvalidCodeError:
            continue
        return True
    return False


def _looks_like_address(text_: str) -> bool:
    """A URL, or one word with a dot and a top-level label of two or more letters."""
    if _URL_SHAPE.match(text_):
        return True
    if any(c.isspace() for c in text_) or "." not in text_:
        return False
    host = text_.split("/", 1)[0].split(":", 1)[0].rstrip(".")
    top = host.rsplit(".", 1)[-1]
    return len(top) >= 2 and (top.isalpha() or top.lower().startswith("xn--"))


def _by_domain(session: Session, text_: str, now: datetime) -> SearchOutcome | None:
    """Certificates covering the host; None when the text is no address after all."""
    try:
        key = host_key(text_)
    except InvalidDomainError as error:
        if _URL_SHAPE.match(text_) or "/" in text_:
            return SearchOutcome(query=text_, kind="domain", problem=error.detail, hits=[])
        return None
    covering = and_(
        col(CertificateDomain.domain).in_((key, f"www.{key}")),
        col(CertificateDomain.removed_at).is_(None),
    )
    hits, more = _hits(session, covering, now, via_domain=True)
    return SearchOutcome(query=text_, kind="domain", normalised=key, hits=hits, more=more)


def _words(text_: str) -> list[str]:
    return [word[:64] for word in _WORD.findall(text_)][:MAX_WORDS]


def _by_name(session: Session, text_: str, now: datetime) -> tuple[list[SearchHit], bool]:
    words = _words(text_)
    if not words or sum(len(w) for w in words) < 2:
        return [], False
    if session.get_bind().dialect.name == "sqlite":
        # Each word a quoted FTS5 prefix query; words hold letters and digits only.
        match = " ".join(f'"{word}"*' for word in words)
        ids = (
            text("SELECT rowid FROM organisation_name_fts WHERE organisation_name_fts MATCH :match")
            .bindparams(match=match)
            .columns(rowid=Integer)
        )
        condition: ColumnElement[bool] = col(Certificate.organisation_id).in_(ids)
    else:
        folded = func.registry_fold(Organisation.legal_name)
        # \m anchors at a word start (PostgreSQL regex). The words hold letters and digits
        # only, and whatever folding makes of them is stripped to letters and digits too,
        # so no regex syntax reaches the pattern. ~ and || bind equally tight, hence the
        # explicit group.
        condition = and_(
            *(
                folded.op("~", is_comparison=True)(
                    literal("\\m")
                    .concat(func.regexp_replace(func.registry_fold(word), "[^[:alnum:]]", "", "g"))
                    .self_group()
                )
                for word in words
            )
        )
    return _hits(session, condition, now)


def _hits(
    session: Session,
    condition: ColumnElement[bool],
    now: datetime,
    *,
    limit: int = MAX_HITS,
    via_domain: bool = False,
) -> tuple[list[SearchHit], bool]:
    # SQLAlchemy's own select: SQLModel's is typed for at most four entities.
    query = (
        sa_select(Certificate, Organisation, SchemeVersion, Scheme, Body)
        .join(Organisation, col(Organisation.id) == col(Certificate.organisation_id))
        .join(SchemeVersion, col(SchemeVersion.id) == col(Certificate.scheme_version_id))
        .join(Scheme, col(Scheme.id) == col(SchemeVersion.scheme_id))
        .join(Body, col(Body.id) == col(Certificate.body_id))
    )
    sources: dict[int, str] = {}
    if via_domain:
        for certificate_id, source in session.exec(
            select(CertificateDomain.certificate_id, CertificateDomain.source).where(condition)
        ):
            sources.setdefault(certificate_id, source)
        query = query.where(col(Certificate.id).in_(list(sources)))
    else:
        query = query.where(condition)
    rows = session.execute(
        query.order_by(col(Organisation.legal_name), col(Certificate.code)).limit(limit + 1)
    ).all()
    hits = [
        SearchHit(
            code=certificate.code,
            status=effective_status(
                CertificateStatus(certificate.status), certificate.valid_until, now
            ).value,
            valid_until=certificate.valid_until,
            holder=organisation.legal_name,
            country=organisation.country,
            registration_number=organisation.registration_number,
            scheme=SchemeRef(slug=scheme.slug, name_nl=scheme.name_nl, name_en=scheme.name_en),
            scheme_version=version.number,
            body=BodyRef(slug=body.slug, name=body.name),
            domain_source=sources.get(certificate.id or 0),  # type: ignore[arg-type]
        )
        for certificate, organisation, version, scheme, body in rows[:limit]
    ]
    return hits, len(rows) > limit
