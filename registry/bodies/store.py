"""Certification bodies, their accreditations, and the people who act for a party."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from registry.bodies.schemas import (
    AccreditationCreate,
    AccreditationPublic,
    BodyCreate,
    BodyPublic,
    PersonPublic,
)
from registry.db.database import once_per_transaction
from registry.db.tables import (
    Accreditation,
    AccreditationScheme,
    Body,
    Organisation,
    Person,
    Scheme,
    pk,
)
from registry.domain.accreditation import check_window
from registry.domain.kvk import normalise_registration_number
from registry.domain.vocabulary import Role
from registry.errors import ConflictError, NotFoundError
from registry.identity.auth import Actor
from registry.schemes.store import scheme_by_slug
from registry.transparency import events


def body_by_slug(session: Session, slug: str) -> Body:
    body = session.exec(select(Body).where(Body.slug == slug)).first()
    if body is None:
        raise NotFoundError(f"no certification body with slug {slug!r}")
    return body


def register_body(session: Session, actor: Actor, data: BodyCreate, now: datetime) -> Body:
    actor.require(Role.STAFF)
    if session.exec(select(Body).where(Body.slug == data.slug)).first() is not None:
        raise ConflictError(f"a certification body with slug {data.slug!r} already exists")
    body = Body(
        slug=data.slug,
        name=data.name,
        country=data.country.upper(),
        website=data.website,
        created_at=now,
    )
    session.add(body)
    session.flush()
    return body


def add_accreditation(
    session: Session, actor: Actor, slug: str, data: AccreditationCreate, now: datetime
) -> Accreditation:
    """Record a body's accreditation for a set of schemes (staff)."""
    actor.require(Role.STAFF)
    body = body_by_slug(session, slug)
    check_window(data.valid_from, data.valid_until)
    schemes = [scheme_by_slug(session, s) for s in dict.fromkeys(data.schemes)]
    accreditation = Accreditation(
        body_id=pk(body),
        accrediting_body=data.accrediting_body,
        registration_number=data.registration_number,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        status="active",
        created_at=now,
    )
    session.add(accreditation)
    session.flush()
    for scheme in schemes:
        session.add(AccreditationScheme(accreditation_id=pk(accreditation), scheme_id=pk(scheme)))
    session.flush()
    events.record(
        session,
        events.RegistryEvent(
            type="body.accredited",
            at=now,
            data={
                "body": body.slug,
                "accrediting_body": data.accrediting_body,
                "registration_number": data.registration_number,
                "valid_from": data.valid_from.isoformat(),
                "valid_until": data.valid_until.isoformat(),
                "schemes": [s.slug for s in schemes],
            },
        ),
    )
    return accreditation


def accreditation_on(
    session: Session, body_id: int, scheme_id: int, day: date
) -> Accreditation | None:
    """The accreditation a credential names: the body's one covering the scheme on
    ``day`` (the audit's end), whatever its status now."""
    return once_per_transaction(
        session,
        ("accreditation", body_id, scheme_id, day),
        lambda: session.exec(
            select(Accreditation)
            .join(AccreditationScheme, AccreditationScheme.accreditation_id == Accreditation.id)  # type: ignore[arg-type]
            .where(
                Accreditation.body_id == body_id,
                AccreditationScheme.scheme_id == scheme_id,
                col(Accreditation.valid_from) <= day,
                col(Accreditation.valid_until) >= day,
            )
        ).first(),
    )


def accredited_on(session: Session, body_id: int, scheme_id: int, day: date) -> bool:
    """Whether the body held an active accreditation covering the scheme on ``day``: the
    SQL form of ``domain.accreditation.covers`` (a test holds the two together)."""
    found = once_per_transaction(
        session,
        ("accredited", body_id, scheme_id, day),
        lambda: session.exec(
            select(Accreditation.id)
            .join(AccreditationScheme, AccreditationScheme.accreditation_id == Accreditation.id)  # type: ignore[arg-type]
            .where(
                Accreditation.body_id == body_id,
                AccreditationScheme.scheme_id == scheme_id,
                Accreditation.status == "active",
                col(Accreditation.valid_from) <= day,
                col(Accreditation.valid_until) >= day,
            )
        ).first(),
    )
    return found is not None


def organisation_by_number(session: Session, country: str, number: str) -> Organisation:
    country = country.upper()
    normalised = normalise_registration_number(country, number)
    found = session.exec(
        select(Organisation).where(
            Organisation.country == country, Organisation.registration_number == normalised
        )
    ).first()
    if found is None:
        raise NotFoundError(f"no organisation with registration number {country} {normalised}")
    return found


def person_by_pseudonym(session: Session, pseudonym: str) -> Person:
    person = session.exec(select(Person).where(Person.pseudonym == pseudonym)).first()
    if person is None:
        raise NotFoundError(f"no person with id {pseudonym!r}")
    return person


def person_public(session: Session, person: Person) -> PersonPublic:
    body = session.get(Body, person.body_id) if person.body_id is not None else None
    return PersonPublic(
        id=person.pseudonym, name=person.name, role=person.role, body=body.slug if body else None
    )


def body_public(session: Session, body: Body) -> BodyPublic:
    accreditations = session.exec(
        select(Accreditation)
        .where(Accreditation.body_id == body.id)
        .order_by(col(Accreditation.valid_from))
    ).all()
    items = []
    for a in accreditations:
        slugs = session.exec(
            select(Scheme.slug)
            .join(AccreditationScheme, AccreditationScheme.scheme_id == Scheme.id)  # type: ignore[arg-type]
            .where(AccreditationScheme.accreditation_id == a.id)
            .order_by(col(Scheme.slug))
        ).all()
        assert a.id is not None
        items.append(
            AccreditationPublic(
                id=a.id,
                accrediting_body=a.accrediting_body,
                registration_number=a.registration_number,
                valid_from=a.valid_from,
                valid_until=a.valid_until,
                status=a.status,
                schemes=list(slugs),
            )
        )
    return BodyPublic(
        slug=body.slug,
        name=body.name,
        country=body.country,
        website=body.website,
        accreditations=items,
    )


def list_bodies(session: Session) -> list[BodyPublic]:
    return [body_public(session, b) for b in session.exec(select(Body).order_by(col(Body.slug)))]
