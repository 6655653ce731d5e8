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
- after those, names that only look like the text ("Kamile" for "Drogisterij Kamille
  B.V."): a ``strict_word_similarity`` of 0.3 or more (``registry.domain.similarity``),
  best first. PostgreSQL computes the score and finds the names through the same trigram
  index (``<<%``); SQLite takes candidates sharing any of the query's trigrams from the
  FTS5 table ``organisation_trigram`` (``trigram`` tokenizer, migration 0009, kept in step
  by triggers) and scores them in Python with the same function.

The status of every hit is computed from the clock, as everywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Final, Literal

import msgspec
from sqlalchemy import ColumnElement, Integer, and_, func, literal, not_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from registry.certificates.schemas import BodyRef, SchemeRef
from registry.clock import Clock
from registry.db.database import Database
from registry.db.status_sql import replacing_signature
from registry.db.tables import (
    Body,
    Certificate,
    CertificateDomain,
    Organisation,
    Scheme,
    SchemeVersion,
)
from registry.domain import similarity
from registry.domain.codes import ALPHABET, InvalidCodeError, is_code_like, normalise_code
from registry.domain.hosts import InvalidDomainError, host_key
from registry.domain.kvk import InvalidRegistrationNumberError, normalise_registration_number
from registry.domain.status import CertificateStatus, effective_status, shown_status
from registry.domain.vocabulary import StatusName
from registry.edge.schemas import Output
from registry.schemes.store import scheme_by_slug

MAX_QUERY: Final = 200
MAX_WORDS: Final = 6
MAX_HITS: Final = 50
MAX_PIECES: Final = 64  # trigrams of the query asked of SQLite's trigram table
MAX_CANDIDATES: Final = 500  # names SQLite scores per query
_WORD: Final = re.compile(r"[^\W_]+")
_KVK_SHAPE: Final = re.compile(r"[0-9][0-9 .]*")
_URL_SHAPE: Final = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)

Kind = Literal["empty", "code", "registration_number", "domain", "name"]
CodeProblem = Literal["", "mistyped", "malformed"]


class SearchHit(Output, kw_only=True):
    """One certificate in a result list: enough to show its status at a glance."""

    code: str
    status: StatusName
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
    "TL Webshop" looks like a code and is a name. ``similar`` holds the certificates of
    organisations whose name only looks like the text (a typo), best match first: they
    are offered as "did you mean", never as found.
    """

    query: str
    kind: Kind
    normalised: str = ""
    code_problem: CodeProblem = ""
    problem: str = ""
    hits: list[SearchHit]
    more: bool = False
    similar: list[SearchHit] = msgspec.field(default_factory=list)


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
    hits, more, similar = _by_name(session, text_, now)
    return SearchOutcome(query=text_, kind="name", hits=hits, more=more, similar=similar)


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
        hits, more, similar = _by_name(session, text_, now)
        return SearchOutcome(
            query=text_,
            kind="code",
            code_problem=problem,
            problem=error.detail,
            hits=hits,
            more=more,
            similar=similar,
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


def _by_name(
    session: Session, text_: str, now: datetime
) -> tuple[list[SearchHit], bool, list[SearchHit]]:
    """Names starting with the words (ordered by name), then similar names (by score)."""
    words = _words(text_)
    if not words or sum(len(w) for w in words) < 2:
        return [], False, []
    starts = _word_starts(session, words)
    hits, more = _hits(session, starts, now)
    if more or len(hits) >= MAX_HITS:
        return hits, more, []
    ranked = _similar(session, " ".join(words), starts, MAX_HITS)
    if not ranked:
        return hits, more, []
    similar, _ = _hits(
        session,
        col(Organisation.id).in_(ranked),
        now,
        limit=MAX_HITS - len(hits),
        rank={organisation_id: place for place, organisation_id in enumerate(ranked)},
    )
    return hits, more, similar


def organisations_named(session: Session, text_: str) -> list[int]:
    """The organisations (with a certificate) a name search finds, as the site finds them.

    Those whose name starts with the words come first, by name, then the similar ones by
    score; at most ``MAX_HITS`` of each.
    """
    words = _words(unicodedata.normalize("NFKC", text_).strip()[:MAX_QUERY])
    if not words or sum(len(w) for w in words) < 2:
        return []
    starts = _word_starts(session, words)
    found = list(
        session.exec(
            select(Organisation.id)
            .where(starts, col(Organisation.id).in_(select(Certificate.organisation_id)))
            .order_by(col(Organisation.legal_name), col(Organisation.id))
            .limit(MAX_HITS)
        )
    )
    return [i for i in found if i is not None] + _similar(
        session, " ".join(words), starts, MAX_HITS
    )


def _word_starts(session: Session, words: list[str]) -> ColumnElement[bool]:
    """A condition on ``Organisation``: the name has a word starting with each word."""
    if session.get_bind().dialect.name == "sqlite":
        # Each word a quoted FTS5 prefix query; words hold letters and digits only.
        match = " ".join(f'"{word}"*' for word in words)
        ids = (
            text("SELECT rowid FROM organisation_name_fts WHERE organisation_name_fts MATCH :match")
            .bindparams(match=match)
            .columns(rowid=Integer)
        )
        return col(Organisation.id).in_(ids)
    folded = func.registry_fold(Organisation.legal_name)
    # \m anchors at a word start (PostgreSQL regex). The words hold letters and digits
    # only, and whatever folding makes of them is stripped to letters and digits too,
    # so no regex syntax reaches the pattern. ~ and || bind equally tight, hence the
    # explicit group.
    return and_(
        *(
            folded.op("~", is_comparison=True)(
                literal("\\m")
                .concat(func.regexp_replace(func.registry_fold(word), "[^[:alnum:]]", "", "g"))
                .self_group()
            )
            for word in words
        )
    )


def _similar(session: Session, query: str, starts: ColumnElement[bool], limit: int) -> list[int]:
    """Organisations with a certificate whose name is similar to the query but does not
    match ``starts``, best first (then by name): ``strict_word_similarity`` from 0.3."""
    certified = col(Organisation.id).in_(select(Certificate.organisation_id))
    if session.get_bind().dialect.name != "sqlite":
        folded_query = func.registry_fold(query)
        folded_name = func.registry_fold(Organisation.legal_name)
        score = func.strict_word_similarity(folded_query, folded_name)
        # <<% is the operator the trigram index answers; it compares with this setting,
        # made 0.3 for this transaction only, and the score is compared explicitly too.
        session.execute(
            text("SELECT set_config('pg_trgm.strict_word_similarity_threshold', :t, true)"),
            {"t": str(similarity.THRESHOLD)},
        )
        found = session.exec(
            select(Organisation.id)
            .where(
                folded_query.op("<<%", is_comparison=True)(folded_name),
                score >= similarity.THRESHOLD,
                not_(starts),
                certified,
            )
            .order_by(score.desc(), col(Organisation.legal_name), col(Organisation.id))
            .limit(limit)
        )
        return [i for i in found if i is not None]
    # SQLite: candidates share at least one trigram with the query (bm25 puts those that
    # share the most, and the rarest, first), then each is scored here as PostgreSQL would.
    pieces = _candidate_pieces(query)
    if not pieces:
        return []
    match = " OR ".join(f'"{piece}"' for piece in pieces)
    candidates = (
        text(
            "SELECT rowid FROM organisation_trigram WHERE organisation_trigram MATCH :pieces "
            "ORDER BY rank LIMIT :most"
        )
        .bindparams(pieces=match, most=MAX_CANDIDATES)
        .columns(rowid=Integer)
    )
    rows = session.exec(
        select(Organisation.id, Organisation.legal_name).where(
            col(Organisation.id).in_(candidates), not_(starts), certified
        )
    )
    scored = [
        (points, name, organisation_id)
        for organisation_id, name in rows
        if organisation_id is not None
        and (points := similarity.strict_word_similarity(query, name)) >= similarity.THRESHOLD
    ]
    scored.sort(key=lambda row: (-row[0], row[1], row[2]))
    return [organisation_id for _, _, organisation_id in scored[:limit]]


def _candidate_pieces(query: str) -> list[str]:
    """The query's trigrams that the SQLite trigram table can find, at most MAX_PIECES.

    Those of the folded words and, when folding changed them, of the words as typed (the
    table keeps accents). Leading "  x" pieces are left out: the table's text has one
    space before a word, and a name that shares only such pieces scores below 0.3.
    """
    pieces: dict[str, None] = {}
    for variant in (similarity.fold(query), query.lower()):
        for word in _WORD.findall(variant):
            padded = f" {word} "
            for i in range(len(padded) - 2):
                pieces.setdefault(padded[i : i + 3])
    return list(pieces)[:MAX_PIECES]


def _hits(
    session: Session,
    condition: ColumnElement[bool],
    now: datetime,
    *,
    limit: int = MAX_HITS,
    via_domain: bool = False,
    rank: dict[int, int] | None = None,
) -> tuple[list[SearchHit], bool]:
    """Certificates matching the condition, by holder name and code, or in the order of
    ``rank`` (organisation id to place) when given."""
    # SQLAlchemy's own select: SQLModel's is typed for at most four entities.
    query = (
        sa_select(Certificate, Organisation, SchemeVersion, Scheme, Body, replacing_signature())
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
    query = query.order_by(col(Organisation.legal_name), col(Certificate.code))
    if rank is None:
        rows = session.execute(query.limit(limit + 1)).all()
    else:
        # Few organisations (the ranked ones), so all their certificates are read.
        rows = sorted(session.execute(query).all(), key=lambda row: rank[row[1].id])
    hits = [
        SearchHit(
            code=certificate.code,
            status=shown_status(  # type: ignore[arg-type]  # one of SearchHit's statuses
                effective_status(
                    CertificateStatus(certificate.status), certificate.valid_until, now
                ),
                replacing,
            ),
            valid_until=certificate.valid_until,
            holder=organisation.legal_name,
            country=organisation.country,
            registration_number=organisation.registration_number,
            scheme=SchemeRef(slug=scheme.slug, name_nl=scheme.name_nl, name_en=scheme.name_en),
            scheme_version=version.number,
            body=BodyRef(slug=body.slug, name=body.name),
            domain_source=sources.get(certificate.id or 0),  # type: ignore[arg-type]
        )
        for certificate, organisation, version, scheme, body, replacing in rows[:limit]
    ]
    return hits, len(rows) > limit
