"""The SQL of the feeds: the newest status changes within one scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from registry.db.tables import (
    Body,
    Certificate,
    CertificateEvent,
    Organisation,
    Scheme,
    SchemeVersion,
)
from registry.domain.kvk import normalise_registration_number
from registry.errors import InvalidInputError, NotFoundError

MAX_ITEMS: Final = 100
STATUS_EVENTS: Final = ("issued", "renewed", "suspended", "reinstated", "withdrawn", "expired")
ScopeKind = Literal["registry", "scheme", "body", "holder"]


@dataclass(frozen=True)
class FeedScope:
    kind: ScopeKind
    key: str = ""  # slug, or COUNTRY-NUMBER for a holder

    @property
    def path(self) -> str:
        folder = {"scheme": "schemes", "body": "bodies", "holder": "holders"}
        return (
            "/feeds/registry"
            if self.kind == "registry"
            else f"/feeds/{folder[self.kind]}/{self.key}"
        )


@dataclass(frozen=True)
class FeedItem:
    log_index: int
    type: str
    at: datetime
    reason: str
    code: str
    holder: str
    scheme_slug: str
    body_slug: str


@dataclass(frozen=True)
class FeedData:
    title: str
    items: list[FeedItem]


def feed(session: Session, scope: FeedScope, limit: int = MAX_ITEMS) -> FeedData:
    """The newest ``limit`` status changes in ``scope``, newest first; NotFoundError for
    a scheme, body or holder the registry does not know."""
    query = (
        sa.select(CertificateEvent, Certificate, Organisation, Scheme, Body)
        .join(Certificate, col(Certificate.id) == col(CertificateEvent.certificate_id))
        .join(Organisation, col(Organisation.id) == col(Certificate.organisation_id))
        .join(SchemeVersion, col(SchemeVersion.id) == col(Certificate.scheme_version_id))
        .join(Scheme, col(Scheme.id) == col(SchemeVersion.scheme_id))
        .join(Body, col(Body.id) == col(Certificate.body_id))
        .where(
            col(CertificateEvent.type).in_(STATUS_EVENTS),
            col(CertificateEvent.log_index).is_not(None),
        )
        .order_by(col(CertificateEvent.log_index).desc())
        .limit(limit)
    )
    title = "all certificates"
    if scope.kind == "scheme":
        scheme = session.exec(select(Scheme).where(Scheme.slug == scope.key)).first()
        if scheme is None:
            raise NotFoundError(f"no scheme {scope.key!r}")
        query, title = query.where(col(Scheme.id) == scheme.id), f"scheme {scheme.name_en}"
    elif scope.kind == "body":
        body = session.exec(select(Body).where(Body.slug == scope.key)).first()
        if body is None:
            raise NotFoundError(f"no certification body {scope.key!r}")
        query, title = query.where(col(Body.id) == body.id), f"body {body.name}"
    elif scope.kind == "holder":
        organisation = _holder(session, scope.key)
        query = query.where(col(Organisation.id) == organisation.id)
        title = f"holder {organisation.legal_name}"
    items = [
        FeedItem(
            log_index=event.log_index or 0,
            type=event.type,
            at=event.at,
            reason=event.reason,
            code=certificate.code,
            holder=organisation.legal_name,
            scheme_slug=scheme_row.slug,
            body_slug=body_row.slug,
        )
        for event, certificate, organisation, scheme_row, body_row in session.execute(query)
    ]
    return FeedData(title, items)


def _holder(session: Session, key: str) -> Organisation:
    country, _, number = key.partition("-")
    if len(country) != 2 or not country.isalpha() or not number:
        raise NotFoundError(
            f"a holder feed is named COUNTRY-NUMBER, such as NL-12345678; got {key!r}"
        )
    country = country.upper()
    try:
        number = normalise_registration_number(country, number)
    except InvalidInputError:
        raise NotFoundError(f"no holder {key!r}") from None
    found = session.exec(
        select(Organisation).where(
            Organisation.country == country, Organisation.registration_number == number
        )
    ).first()
    if found is None:
        raise NotFoundError(f"no holder {key!r}")
    return found
