"""Persons: one human, one e-mail address, unique in the registry whatever its case.

Two rows for one address would let one human act as two people and pass four-eyes, so
the address is the person: a second invitation to an address adds a membership to the
person who already has it (and the database refuses a second row by a unique key).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from sqlmodel import Session, select

from registry.db.tables import Person
from registry.errors import ConflictError, InvalidInputError, NotFoundError
from registry.identity.auth import new_pseudonym

# What a mail server accepts in practice: a local part and a domain with a dot; the
# invitation link, not this pattern, proves the address.
_EMAIL: Final = re.compile(r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z0-9-]{2,63}$")


def normalise_email(address: str) -> tuple[str, str]:
    """The address as typed (trimmed) and its key (lower case), or InvalidInputError."""
    shown = address.strip()
    if len(shown) > 254 or not _EMAIL.fullmatch(shown):
        raise InvalidInputError(f"{address!r} is not an e-mail address")
    return shown, shown.lower()


def person_by_email(session: Session, address: str) -> Person | None:
    """The person holding ``address`` (any case), if any."""
    _, key = normalise_email(address)
    return session.exec(select(Person).where(Person.email_key == key)).first()


def person_by_id(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(f"no person with id {person_id}")
    return person


def person_for_email(
    session: Session,
    name: str,
    address: str,
    party_type: str,
    role: str,
    now: datetime,
    *,
    body_id: int | None = None,
    organisation_id: int | None = None,
) -> tuple[Person, bool]:
    """The person holding ``address``, or a new one (not yet verified) when none does;
    True when new. The party and role fill the first-membership columns of a new row."""
    shown, key = normalise_email(address)
    found = session.exec(select(Person).where(Person.email_key == key)).first()
    if found is not None:
        return found, False
    person = Person(
        pseudonym=new_pseudonym(),
        name=name,
        email=shown,
        email_key=key,
        party_type=party_type,
        role=role,
        body_id=body_id,
        organisation_id=organisation_id,
        created_at=now,
    )
    session.add(person)
    session.flush()
    return person, True


def attach_email(session: Session, person: Person, address: str) -> None:
    """Give a migrated person (no address yet) ``address``; refused when another person
    holds it: one e-mail, one person."""
    shown, key = normalise_email(address)
    holder = session.exec(select(Person).where(Person.email_key == key)).first()
    if holder is not None and holder.id != person.id:
        raise ConflictError(
            "this e-mail address belongs to another person: one e-mail, one person; "
            "grant that person the membership instead"
        )
    if person.email_key is not None and person.email_key != key:
        raise ConflictError(f"person {person.pseudonym} already has an e-mail address")
    person.email, person.email_key = shown, key
    session.add(person)
    session.flush()
