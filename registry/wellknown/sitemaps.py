"""Sitemaps (sitemaps.org 0.9): an index, a file of the fixed pages, and the certificate
pages in files of at most 50,000 addresses each, read by keyset so that the last file of
a large registry costs what the first does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final
from xml.sax.saxutils import escape

from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.db.tables import Body, Certificate, Scheme

PER_FILE: Final = 50_000
NS: Final = "http://www.sitemaps.org/schemas/sitemap/0.9"
_HEAD: Final = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n'


def file_count(session: Session, per_file: int = PER_FILE) -> int:
    """How many certificate files the index lists (at least one, possibly empty)."""
    total = int(session.exec(select(func.count()).select_from(Certificate)).one())
    return max(1, -(-total // per_file))


def index(base: str, files: int) -> bytes:
    names = ["pages", *(f"certificates-{n}" for n in range(1, files + 1))]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<sitemapindex xmlns="{NS}">',
        *(
            f"<sitemap><loc>{escape(f'{base}/sitemaps/{name}.xml')}</loc></sitemap>"
            for name in names
        ),
        "</sitemapindex>",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def pages(session: Session, base: str) -> bytes:
    paths = ["/", "/log", "/data"]
    paths += [
        f"/schemes/{slug}" for slug in session.exec(select(Scheme.slug).order_by(col(Scheme.slug)))
    ]
    paths += [
        f"/bodies/{slug}" for slug in session.exec(select(Body.slug).order_by(col(Body.slug)))
    ]
    return _urlset(base + p for p in paths)


def certificates(
    session: Session, base: str, number: int, per_file: int = PER_FILE
) -> bytes | None:
    """File ``number`` (from 1) of certificate pages; None past the last file."""
    if number < 1 or (number > 1 and number > file_count(session, per_file)):
        return None
    # The first id of file n is the (n-1)*per_file-th: one index-only step, then a range.
    start = session.exec(
        select(Certificate.id)
        .order_by(col(Certificate.id))
        .offset((number - 1) * per_file)
        .limit(1)
    ).first()
    if start is None:
        return _urlset(iter(()))
    codes = session.exec(
        select(Certificate.code)
        .where(col(Certificate.id) >= start)
        .order_by(col(Certificate.id))
        .limit(per_file)
    )
    return _urlset(f"{base}/c/{code}" for code in codes)


def _urlset(locations: Iterator[str]) -> bytes:
    body = "".join(f"<url><loc>{escape(loc)}</loc></url>\n" for loc in locations)
    return (_HEAD + body + "</urlset>\n").encode("utf-8")
