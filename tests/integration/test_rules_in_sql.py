"""Where a domain rule is also written as SQL (to filter in the database), the SQL is
held to the pure rule: the accreditation window and the status precedence."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlmodel import select

from registry.bodies.store import accredited_on
from registry.bootstrap import Services
from registry.certificates.queries import _status_filter
from registry.db.tables import Accreditation, AccreditationScheme, Certificate
from registry.domain.accreditation import covers
from registry.domain.status import CertificateStatus, effective_status
from tests.support.world import World


def test_the_accreditation_sql_covers_the_days_the_rule_covers(
    world: World, service: Services
) -> None:
    with service.uow.db.read() as session:
        accreditation, scheme_id = session.exec(
            select(Accreditation, AccreditationScheme.scheme_id).join(
                AccreditationScheme,
                AccreditationScheme.accreditation_id == Accreditation.id,  # type: ignore[arg-type]
            )
        ).first()  # type: ignore[misc]
        first, last = accreditation.valid_from, accreditation.valid_until
        days = [first - timedelta(days=1), first, first + timedelta(days=1)]
        days += [last - timedelta(days=1), last, last + timedelta(days=1)]
        for day in days:
            assert accredited_on(session, accreditation.body_id, scheme_id, day) is covers(
                first, last, day
            ), day


def test_the_status_sql_follows_the_status_precedence(world: World, service: Services) -> None:
    code = world.certify()
    now = service.uow.clock()
    untils = [now - timedelta(seconds=1), now, now + timedelta(seconds=1)]
    with service.uow.db.write() as session:
        certificate = session.exec(select(Certificate).where(Certificate.code == code)).one()
        for stored, until in itertools.product(list(CertificateStatus), untils):
            certificate.status, certificate.valid_until = stored.value, until
            session.add(certificate)
            session.flush()
            expected = effective_status(stored, until, now)
            for status in CertificateStatus:
                found = session.exec(
                    select(Certificate.id).where(
                        Certificate.id == certificate.id, _status_filter(status.value, now)
                    )
                ).first()
                assert (found is not None) is (status is expected), (stored, until, status)
        session.rollback()
