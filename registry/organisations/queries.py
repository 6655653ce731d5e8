"""Organisations whose names look alike, listed for staff to check by hand (the query).

Two organisations (different registration numbers) whose legal names differ but share
a skeleton (domain/lookalike.py) are shown side by side. The list is computed when
staff ask for it, in one pass over the names; nothing is stored or refused.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from registry.db.tables import Organisation
from registry.domain.lookalike import skeleton
from registry.domain.vocabulary import Role
from registry.identity.auth import Actor
from registry.organisations.schemas import LookalikeGroup, LookalikeOrganisation

MAX_GROUPS = 500


def lookalike_groups(session: Session, actor: Actor) -> list[LookalikeGroup]:
    """Every group of two or more organisations with different names and one skeleton."""
    actor.require(Role.STAFF)
    groups: dict[str, list[Organisation]] = defaultdict(list)
    query = select(Organisation).order_by(col(Organisation.id))
    for organisation in session.exec(query):
        groups[skeleton(organisation.legal_name)].append(organisation)
    found: list[LookalikeGroup] = []
    for key, members in sorted(groups.items()):
        if not key or len({m.legal_name for m in members}) < 2:
            continue
        found.append(
            LookalikeGroup(
                skeleton=key,
                organisations=[
                    LookalikeOrganisation(
                        legal_name=m.legal_name,
                        country=m.country,
                        registration_number=m.registration_number,
                    )
                    for m in members
                ],
            )
        )
        if len(found) >= MAX_GROUPS:
            break
    return found
