"""People's use cases, one transaction each: invite, manage memberships, own tokens.

An admin invites, suspends and removes people of their own party; nobody creates a token
for another person (the bootstrap of a new installation's first staff token aside, made
on the command line). Invitation mail goes out after the commit, so a rolled-back grant
never mails a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from registry.bodies import store as bodies
from registry.bodies.schemas import AffiliationCreate, PersonPublic
from registry.db.identity_tables import Membership
from registry.db.tables import Affiliation, ApiToken, Person, pk
from registry.domain.kvk import normalise_registration_number
from registry.domain.vocabulary import PartyType, Role
from registry.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from registry.identity import auth, invitations, memberships, persons
from registry.identity.auth import Actor
from registry.identity.mail import Mailer
from registry.identity.memberships import Party
from registry.identity.schemas import MembershipPublic, MePublic, TokenIssued, TokenPublic
from registry.signing import format_time

if TYPE_CHECKING:
    from registry.transparency.unit_of_work import UnitOfWork


def _invitation_text(name: str, link: str) -> str:
    return (
        f"Beste {name},\n\nU bent uitgenodigd voor het keurmerkenregister. Open deze link "
        f"binnen 72 uur om uw wachtwoord in te stellen (hij werkt één keer):\n\n{link}\n\n"
        f"---\n\nDear {name},\n\nYou have been invited to the trust label registry. Open this "
        f"link within 72 hours to set your password (it works once):\n\n{link}\n"
    )


class Accounts:
    """The people use cases over the registry's unit of work (``registry``)."""

    def __init__(self, registry: UnitOfWork) -> None:
        self.registry = registry
        self.mailer = Mailer(registry.settings.mail, registry.settings.keys_dir)

    def _link(self, token: str) -> str:
        return f"{self.registry.settings.public_url}/account/invitation/{token}"

    def _mail_invitation(self, email: str, name: str, token: str | None) -> None:
        if token is not None:
            self.mailer.send(
                email,
                "Uitnodiging / Invitation: keurmerkenregister",
                _invitation_text(name, self._link(token)),
            )

    # --- invitations and memberships -----------------------------------------------

    def invite(
        self,
        actor: Actor,
        name: str,
        email: str,
        role: Role,
        party: Party,
        affiliations: Sequence[AffiliationCreate] = (),
    ) -> PersonPublic:
        """Grant the person with ``email`` (made when new) ``role`` in ``party`` and mail
        them an invitation. An address that already has a person gets the membership on
        that same person: one e-mail, one person."""
        now = self.registry.clock()
        with self.registry.write(actor, "grant_membership") as session:
            memberships.may_manage_in(session, actor, role, party)
            person, _new = persons.person_for_email(
                session,
                name,
                email,
                party.type.value,
                role.value,
                now,
                body_id=party.body_id,
                organisation_id=party.organisation_id,
            )
            granted = memberships.grant(session, actor, person, role, party, now)
            for a in affiliations:
                country = a.country.upper()
                session.add(
                    Affiliation(
                        person_id=pk(person),
                        country=country,
                        registration_number=normalise_registration_number(
                            country, a.registration_number
                        ),
                        description=a.description,
                    )
                )
            token = None
            if person.email_verified_at is None:
                token = invitations.create(session, person, email, actor.person_id, now)
            _, party_ref = memberships.party_name(session, granted)
            public = PersonPublic(
                id=person.pseudonym,
                name=person.name,
                role=role.value,
                body=party_ref if party.type is PartyType.BODY else None,
            )
            shown = person.email or email
        self._mail_invitation(shown, name, token)
        return public

    def invite_existing(self, actor: Actor, pseudonym: str, email: str) -> None:
        """Invite a person who has no address yet (a row from before people had one), by
        someone entitled to manage one of their memberships."""
        now = self.registry.clock()
        with self.registry.write(actor, "invite_person") as session:
            person = bodies.person_by_pseudonym(session, pseudonym)
            self._require_manager_of(session, actor, person)
            if person.email_key is not None:
                raise InvalidInputError(f"person {pseudonym} already has an e-mail address")
            owner = persons.person_by_email(session, email)
            if owner is not None:
                raise InvalidInputError(
                    "this e-mail address belongs to another person: one e-mail, one person"
                )
            token = invitations.create(session, person, email, actor.person_id, now)
            name = person.name
        self._mail_invitation(email, name, token)

    def _require_manager_of(self, session: Session, actor: Actor, person: Person) -> None:
        for membership in memberships.memberships_of(session, pk(person)):
            try:
                memberships.may_manage(
                    actor, Role(membership.role), memberships.party_of(membership)
                )
            except PermissionDeniedError:
                continue
            return
        raise PermissionDeniedError("you may manage only the people of your own party")

    def set_body_membership(
        self, actor: Actor, slug: str, pseudonym: str, role: Role, status: str
    ) -> MembershipPublic:
        """Suspend, reinstate or remove a person's ``role`` membership in body ``slug``."""
        now = self.registry.clock()
        with self.registry.write(actor, f"membership_{status}") as session:
            body = bodies.body_by_slug(session, slug)
            person = bodies.person_by_pseudonym(session, pseudonym)
            membership = memberships.membership_in(session, pk(person), role, pk(body))
            memberships.change_status(session, actor, membership, status, now)
            return membership_public(session, membership)

    # --- who am I, and my own tokens ------------------------------------------------

    def actor_in(self, pseudonym: str, role: Role | None = None) -> Actor:
        """The actor a person is in the portal, through their newest active (``role``)
        membership: what a signed-in person acts as, never a way to act for another."""
        with self.registry.db.read() as session:
            person = bodies.person_by_pseudonym(session, pseudonym)
            held = [
                m
                for m in memberships.memberships_of(session, pk(person), live=True)
                if role is None or m.role == role.value
            ]
            if not held:
                raise PermissionDeniedError(f"person {pseudonym} has no active membership")
            return auth.actor_of(person, held[-1], token_id=None)

    def me(self, actor: Actor) -> MePublic:
        with self.registry.db.read() as session:
            return me_public(session, actor)

    def create_own_token(
        self, actor: Actor, label: str, membership_id: int | None = None
    ) -> TokenIssued:
        """A new token of the calling person for one of their own active memberships."""
        now = self.registry.clock()
        with self.registry.write(actor, "create_own_token") as session:
            person = persons.person_by_id(session, actor.person_id)
            wanted = membership_id if membership_id is not None else actor.membership_id
            membership = session.get(Membership, wanted) if wanted is not None else None
            if membership is None or membership.person_id != actor.person_id:
                raise NotFoundError(f"you have no membership with id {wanted}")
            row, plain = auth.issue_token(
                session, person, membership, label, now, created_by=actor.person_id
            )
            return TokenIssued(id=pk(row), token=plain, role=row.role, person=person.pseudonym)

    def revoke_token(self, actor: Actor, token_id: int) -> None:
        with self.registry.write(actor, "revoke_token") as session:
            auth.revoke_token(session, actor, token_id, self.registry.clock())

    def tokens(self, person_id: int) -> list[TokenPublic]:
        with self.registry.db.read() as session:
            rows = session.exec(
                select(ApiToken)
                .where(ApiToken.person_id == person_id)
                .order_by(col(ApiToken.id).desc())
            ).all()
            return [
                TokenPublic(
                    id=pk(t),
                    label=t.label,
                    role=t.role,
                    membership=t.membership_id,
                    created_at=format_time(t.created_at),
                    revoked=t.revoked_at is not None,
                )
                for t in rows
            ]

    def bootstrap_staff(self, name: str, email: str | None, label: str) -> TokenIssued:
        """The first staff token of a new installation (command line only): the person
        with ``email`` (made when new) gets a staff membership and a token."""
        now = self.registry.clock()
        with self.registry.write() as session:
            if email is None:
                person = Person(
                    pseudonym=auth.new_pseudonym(),
                    name=name,
                    party_type=PartyType.REGISTRY.value,
                    role=Role.STAFF.value,
                    created_at=now,
                )
                session.add(person)
                session.flush()
            else:
                person, _ = persons.person_for_email(
                    session, name, email, PartyType.REGISTRY.value, Role.STAFF.value, now
                )
            membership = memberships.grant(
                session, None, person, Role.STAFF, Party(PartyType.REGISTRY), now
            )
            row, plain = auth.issue_token(session, person, membership, label, now, created_by=None)
            link = None
            if email is not None and person.email_verified_at is None:
                link = invitations.create(session, person, email, None, now)
            issued = TokenIssued(id=pk(row), token=plain, role=row.role, person=person.pseudonym)
        if email is not None:
            self._mail_invitation(email, name, link)
        return issued


def membership_public(session: Session, membership: Membership) -> MembershipPublic:
    name, party = memberships.party_name(session, membership)
    return MembershipPublic(
        id=pk(membership),
        role=membership.role,
        party_type=membership.party_type,
        party=party,
        party_name=name,
        status=membership.status,
    )


def me_public(session: Session, actor: Actor) -> MePublic:
    person = persons.person_by_id(session, actor.person_id)
    held = [membership_public(session, m) for m in memberships.memberships_of(session, pk(person))]
    current = next((m for m in held if m.id == actor.membership_id), None)
    return MePublic(
        id=person.pseudonym,
        name=person.name,
        role=actor.role.value,
        body=current.party if current and current.party_type == PartyType.BODY.value else None,
        organisation=(
            current.party
            if current and current.party_type == PartyType.ORGANISATION.value
            else None
        ),
        membership=actor.membership_id,
        email=person.email if person.email_verified_at else None,
        memberships=held,
    )
