"""The next version of a scheme while staff write it: one draft per scheme, edited at
will and unchecked until it is published. Publishing checks it as the API checks a new
version, makes it an immutable version and removes the draft: a published version is
never edited, a draft always may be."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import msgspec
from sqlmodel import Session, select

from registry.db.tables import SchemeVersion, SchemeVersionDraft, pk
from registry.domain.vocabulary import Role
from registry.errors import InvalidInputError, NotFoundError
from registry.identity.auth import Actor
from registry.schemes.schemas import SchemeVersionCreate
from registry.schemes.store import criteria_of, publish_version, scheme_by_slug

MAX_DRAFT_BYTES = 512 * 1024
CRITERION_FIELDS = (
    "code",
    "title_nl",
    "title_en",
    "checked_nl",
    "checked_en",
    "method",
    "dimension",
    "mandatory",
)


def _draft(session: Session, slug: str) -> SchemeVersionDraft | None:
    scheme = scheme_by_slug(session, slug)
    return session.exec(
        select(SchemeVersionDraft).where(SchemeVersionDraft.scheme_id == scheme.id)
    ).first()


def criteria(session: Session, actor: Actor, slug: str) -> list[dict[str, Any]] | None:
    """The draft's criteria as edited, or None when the scheme has no draft."""
    actor.require(Role.STAFF)
    found = _draft(session, slug)
    if found is None:
        return None
    loaded: list[dict[str, Any]] = json.loads(found.content)
    return loaded


def save(
    session: Session,
    actor: Actor,
    slug: str,
    rows: list[dict[str, Any]],
    now: datetime,
) -> None:
    """Store the draft's criteria as they are (a started draft starts from the newest
    version's criteria when ``rows`` is empty). Raises InvalidInputError over the bound."""
    actor.require(Role.STAFF)
    scheme = scheme_by_slug(session, slug)
    if not rows:
        latest = session.exec(
            select(SchemeVersion)
            .where(SchemeVersion.scheme_id == scheme.id)
            .order_by(SchemeVersion.number.desc())  # type: ignore[attr-defined]
        ).first()
        if latest is not None:
            rows = [
                {f: getattr(c, f) for f in CRITERION_FIELDS}
                for c in criteria_of(session, pk(latest))
            ]
    text = json.dumps(
        [{f: row.get(f) for f in CRITERION_FIELDS} for row in rows], ensure_ascii=False
    )
    if len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise InvalidInputError(f"a draft version holds at most {MAX_DRAFT_BYTES // 1024} KiB")
    draft = _draft(session, slug) or SchemeVersionDraft(
        scheme_id=pk(scheme), content="", updated_by_id=actor.person_id, updated_at=now
    )
    draft.content, draft.updated_by_id, draft.updated_at = text, actor.person_id, now
    session.add(draft)


def publish(session: Session, actor: Actor, slug: str, now: datetime) -> SchemeVersion:
    """Publish the draft as the scheme's next version (checked as the API checks one).

    Raises NotFoundError without a draft, InvalidInputError naming the field that fails.
    """
    actor.require(Role.STAFF)
    found = _draft(session, slug)
    if found is None:
        raise NotFoundError(f"scheme {slug!r} has no draft version")
    try:
        data = msgspec.convert({"criteria": json.loads(found.content)}, SchemeVersionCreate)
    except msgspec.ValidationError as error:
        raise InvalidInputError(str(error)) from None
    version = publish_version(session, actor, slug, data, now)
    session.delete(found)
    return version


def discard(session: Session, actor: Actor, slug: str) -> None:
    actor.require(Role.STAFF)
    found = _draft(session, slug)
    if found is not None:
        session.delete(found)
