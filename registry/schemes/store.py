"""Schemes and their immutable versions (staff)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.db.database import once_per_transaction
from registry.db.tables import Certificate, Criterion, Scheme, SchemeVersion, pk
from registry.domain.vocabulary import Role
from registry.errors import ConflictError, InvalidInputError, NotFoundError
from registry.identity.auth import Actor
from registry.schemes.schemas import (
    CriterionPublic,
    SchemeCreate,
    SchemePublic,
    SchemeUpdate,
    SchemeVersionCreate,
    SchemeVersionPublic,
)
from registry.transparency import events


def create_scheme(session: Session, actor: Actor, data: SchemeCreate, now: datetime) -> Scheme:
    actor.require(Role.STAFF)
    if session.exec(select(Scheme).where(Scheme.slug == data.slug)).first() is not None:
        raise ConflictError(f"a scheme with slug {data.slug!r} already exists")
    scheme = Scheme(**{f: getattr(data, f) for f in data.__struct_fields__}, created_at=now)
    session.add(scheme)
    session.flush()
    return scheme


def update_scheme(
    session: Session, actor: Actor, slug: str, data: SchemeUpdate, now: datetime
) -> Scheme:
    """Change a scheme's names, description or profile (staff). Versions never change.

    The change is a ``scheme.updated`` log entry naming the fields changed, so that a
    profile that says more than it did before can be traced to its moment.
    """
    actor.require(Role.STAFF)
    scheme = scheme_by_slug(session, slug)
    changed = sorted(
        f
        for f in data.__struct_fields__
        if getattr(data, f) is not None and getattr(data, f) != getattr(scheme, f)
    )
    if not changed:
        return scheme
    for f in changed:
        setattr(scheme, f, getattr(data, f))
    session.add(scheme)
    session.flush()
    events.record(
        session,
        events.RegistryEvent(
            type="scheme.updated", at=now, data={"scheme": scheme.slug, "fields": changed}
        ),
    )
    return scheme


def scheme_by_slug(session: Session, slug: str) -> Scheme:
    scheme = once_per_transaction(
        session,
        ("scheme", slug),
        lambda: session.exec(select(Scheme).where(Scheme.slug == slug)).first(),
    )
    if scheme is None:
        raise NotFoundError(f"no scheme with slug {slug!r}")
    return scheme


def version_of(session: Session, scheme: Scheme, number: int) -> SchemeVersion:
    version = once_per_transaction(
        session,
        ("scheme_version", scheme.id, number),
        lambda: session.exec(
            select(SchemeVersion).where(
                SchemeVersion.scheme_id == scheme.id, SchemeVersion.number == number
            )
        ).first(),
    )
    if version is None:
        raise NotFoundError(f"scheme {scheme.slug!r} has no version {number}")
    return version


def criteria_of(session: Session, version_id: int) -> list[Criterion]:
    """The version's criteria in order (a published version is never edited)."""
    return once_per_transaction(
        session,
        ("criteria", version_id),
        lambda: list(
            session.exec(
                select(Criterion)
                .where(Criterion.version_id == version_id)
                .order_by(col(Criterion.position))
            )
        ),
    )


def publish_version(
    session: Session, actor: Actor, slug: str, data: SchemeVersionCreate, now: datetime
) -> SchemeVersion:
    """Publish the next version of a scheme. Published versions are never edited."""
    actor.require(Role.STAFF)
    scheme = scheme_by_slug(session, slug)
    codes = [c.code for c in data.criteria]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise InvalidInputError(
            f"criterion codes must be unique in a version; repeated: {', '.join(duplicates)}"
        )
    if not any(c.mandatory for c in data.criteria):
        raise InvalidInputError("a scheme version needs at least one mandatory criterion")
    latest = session.exec(
        select(func.max(SchemeVersion.number)).where(SchemeVersion.scheme_id == scheme.id)
    ).one()
    version = SchemeVersion(
        scheme_id=pk(scheme),
        number=(latest or 0) + 1,
        published_at=now,
        published_by_id=actor.person_id,
    )
    session.add(version)
    session.flush()
    assert version.id is not None
    for position, c in enumerate(data.criteria):
        session.add(
            Criterion(
                version_id=version.id,
                position=position,
                **{f: getattr(c, f) for f in c.__struct_fields__},
            )
        )
    session.flush()
    events.record(
        session,
        events.RegistryEvent(
            type="scheme.published",
            at=now,
            data={"scheme": scheme.slug, "version": version.number, "criteria": codes},
        ),
    )
    return version


def refuse_version_edit(session: Session, slug: str, number: int) -> None:
    """Published versions are immutable: any edit is a conflict, named as such."""
    version_of(session, scheme_by_slug(session, slug), number)
    raise ConflictError(
        f"scheme {slug!r} version {number} is published and immutable; publish a new version instead"
    )


def _version_public(
    session: Session, scheme: Scheme, version: SchemeVersion
) -> SchemeVersionPublic:
    assert version.id is not None
    return SchemeVersionPublic(
        scheme=scheme.slug,
        number=version.number,
        published_at=version.published_at,
        criteria=[
            CriterionPublic(
                code=c.code,
                title_nl=c.title_nl,
                title_en=c.title_en,
                checked_nl=c.checked_nl,
                checked_en=c.checked_en,
                method=c.method,  # type: ignore[arg-type]
                dimension=c.dimension,  # type: ignore[arg-type]
                mandatory=c.mandatory,
            )
            for c in criteria_of(session, version.id)
        ],
    )


def version_public(session: Session, slug: str, number: int) -> SchemeVersionPublic:
    scheme = scheme_by_slug(session, slug)
    return _version_public(session, scheme, version_of(session, scheme, number))


def scheme_public(session: Session, scheme: Scheme, now: datetime) -> SchemePublic:
    versions = session.exec(
        select(SchemeVersion)
        .where(SchemeVersion.scheme_id == scheme.id)
        .order_by(col(SchemeVersion.number))
    ).all()
    holders = session.exec(
        select(func.count())
        .select_from(Certificate)
        .join(SchemeVersion, SchemeVersion.id == Certificate.scheme_version_id)  # type: ignore[arg-type]
        .where(
            SchemeVersion.scheme_id == scheme.id,
            Certificate.status == "valid",
            col(Certificate.valid_until) > now,
        )
    ).one()
    fields = {f: getattr(scheme, f) for f in SchemePublic.__struct_fields__ if hasattr(scheme, f)}
    fields.pop("versions", None)
    return SchemePublic(
        **fields,
        versions=[_version_public(session, scheme, v) for v in versions],
        certificates_valid=holders,
    )


def list_schemes(session: Session, now: datetime) -> list[SchemePublic]:
    return [
        scheme_public(session, s, now)
        for s in session.exec(select(Scheme).order_by(col(Scheme.slug)))
    ]
